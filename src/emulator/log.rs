//! The request log: connection threads hand lines to a bounded queue and never wait; one
//! logger thread writes them. When the writer is slow or stuck (a pipe nobody reads), the queue
//! fills and further lines are dropped and counted, so logging can never hold up a request nor
//! shutdown.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::Duration;

/// Receives one line per request (method, path and query, status, duration).
pub type Logger = Box<dyn Fn(&str) + Send + Sync>;

/// Lines waiting for the logger thread beyond this are dropped.
pub const QUEUE_LINES: usize = 4096;

pub struct Log {
    /// `None` once closed (shutdown): later lines are dropped.
    queue: Mutex<Option<SyncSender<String>>>,
    dropped: AtomicU64,
    /// Signalled by the logger thread when it has written every queued line.
    finished: Mutex<Option<Receiver<()>>>,
}

impl Log {
    /// Starts the logger thread that calls `write` for each line.
    pub fn start(write: Logger) -> std::io::Result<Log> {
        let (queue, lines) = mpsc::sync_channel::<String>(QUEUE_LINES);
        let (done, finished) = mpsc::channel();
        thread::Builder::new()
            .name("emulator-log".into())
            .spawn(move || {
                for line in lines {
                    write(&line);
                }
                let _ = done.send(());
            })?;
        Ok(Log {
            queue: Mutex::new(Some(queue)),
            dropped: AtomicU64::new(0),
            finished: Mutex::new(Some(finished)),
        })
    }

    /// Queues a line, or drops it (counted) when the queue is full or closed.
    pub fn line(&self, text: String) {
        let queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        let sent = queue.as_ref().is_some_and(|q| q.try_send(text).is_ok());
        if !sent {
            // Saturating: a counter that wraps would read as "nothing dropped".
            let _ = self
                .dropped
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_add(1));
        }
    }

    /// Lines dropped so far.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Closes the queue and waits up to `wait` for the logger thread to write what is queued
    /// (a stuck writer is left behind: it must not hold up shutdown).
    pub fn close(&self, wait: Duration) {
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let finished = self
            .finished
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(finished) = finished {
            let _ = finished.recv_timeout(wait);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::mpsc::channel;

    #[test]
    fn lines_arrive_in_order_and_close_waits_for_them() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let log = Log::start(Box::new(move |l| sink.lock().unwrap().push(l.to_owned()))).unwrap();
        for i in 0..10 {
            log.line(format!("line {i}"));
        }
        log.close(Duration::from_secs(5));
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 10);
        assert_eq!(seen[9], "line 9");
        log.line("after".into());
        assert_eq!(log.dropped(), 1);
    }

    #[test]
    fn a_stuck_writer_drops_lines_instead_of_blocking() {
        let (release, stuck) = channel::<()>();
        let stuck = Mutex::new(stuck);
        let log = Log::start(Box::new(move |_| {
            let _ = stuck.lock().unwrap().recv();
        }))
        .unwrap();
        // One line is taken by the stuck writer, the queue holds QUEUE_LINES, the rest drop.
        for _ in 0..QUEUE_LINES + 100 {
            log.line("x".into());
        }
        assert!((99..=100).contains(&log.dropped()), "{}", log.dropped());
        let started = std::time::Instant::now();
        log.close(Duration::from_millis(100));
        assert!(started.elapsed() < Duration::from_secs(2));
        drop(release);
    }
}
