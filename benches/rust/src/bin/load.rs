//! The server's own ceiling, measured with a minimal raw-socket client (no HTTP library, no
//! JSON): the same GET /templates/getTemplates request sent repeatedly.
//!
//! Usage: load <http://127.0.0.1:PORT> <seq|pipe|conns> <seconds> [depth-or-connections] [server pids...]
//!   seq    one connection, one request at a time (the latency a sequential client sees)
//!   pipe   one connection, `depth` requests in flight (the server's throughput per connection)
//!   conns  `n` connections, one thread each, sequential (the server's multi-connection throughput)
//! Prints one JSON line; with server pids, also the server's CPU per request (/proc/PID/stat).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

const MAX_REQUESTS: u64 = 20_000_000;

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads one response per call from a connection, keeping what was read beyond it.
struct Reader {
    stream: TcpStream,
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

impl Reader {
    fn new(stream: TcpStream) -> Reader {
        Reader {
            stream,
            buf: vec![0; 1 << 20],
            start: 0,
            end: 0,
        }
    }

    fn fill(&mut self) {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        let n = self.stream.read(&mut self.buf[self.end..]).expect("read");
        assert!(n > 0, "the server closed the connection");
        self.end += n;
    }

    fn response(&mut self) {
        loop {
            let avail = &self.buf[self.start..self.end];
            if let Some(head) = find(avail, b"\r\n\r\n") {
                let text = std::str::from_utf8(&avail[..head]).expect("ascii head");
                assert!(
                    text.starts_with("HTTP/1.1 200"),
                    "unexpected answer: {text}"
                );
                let len: usize = text
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse().ok())?
                    })
                    .expect("content-length");
                if avail.len() >= head + 4 + len {
                    self.start += head + 4 + len;
                    return;
                }
            }
            self.fill();
        }
    }
}

fn connect(addr: &str) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    stream
}

fn server_ticks(pids: &[String]) -> u64 {
    pids.iter()
        .map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
            let f: Vec<&str> = after.split_whitespace().collect();
            // fields 14 and 15 (utime, stime) are at 11 and 12 after the ")"
            f.get(11).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
                + f.get(12).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
        })
        .sum()
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[i]) / 1000.0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: load URL seq|pipe|conns SECONDS [N] [PIDS...]");
        std::process::exit(2);
    }
    let addr = args[1]
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let mode = args[2].clone();
    let secs: f64 = args[3].parse().expect("seconds");
    let n: usize = args.get(4).map(|v| v.parse().expect("N")).unwrap_or(16);
    let pids: Vec<String> = args.iter().skip(5).cloned().collect();
    let request = format!(
        "GET /templates/getTemplates HTTP/1.1\r\nHost: {addr}\r\nx-api-key: bench\r\naccept: application/json\r\n\r\n"
    )
    .into_bytes();
    let duration = Duration::from_secs_f64(secs);
    let ticks_before = server_ticks(&pids);
    let began = Instant::now();
    let (count, mut lat) = match mode.as_str() {
        "seq" => {
            let mut r = Reader::new(connect(&addr));
            let mut lat = Vec::with_capacity(1 << 20);
            let mut count = 0u64;
            while began.elapsed() < duration && count < MAX_REQUESTS {
                let t = Instant::now();
                r.stream.write_all(&request).expect("write");
                r.response();
                lat.push(t.elapsed().as_nanos().min(u32::MAX as u128) as u32);
                count += 1;
            }
            (count, lat)
        }
        "pipe" => {
            let mut r = Reader::new(connect(&addr));
            let batch: Vec<u8> = request.repeat(n);
            let mut count = 0u64;
            while began.elapsed() < duration && count < MAX_REQUESTS {
                r.stream.write_all(&batch).expect("write");
                for _ in 0..n {
                    r.response();
                }
                count += n as u64;
            }
            (count, Vec::new())
        }
        "conns" => {
            let total: u64 = std::thread::scope(|s| {
                let handles: Vec<_> = (0..n)
                    .map(|_| {
                        let (addr, request) = (&addr, &request);
                        s.spawn(move || {
                            let mut r = Reader::new(connect(addr));
                            let mut count = 0u64;
                            while began.elapsed() < duration && count < MAX_REQUESTS {
                                r.stream.write_all(request).expect("write");
                                r.response();
                                count += 1;
                            }
                            count
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().expect("thread")).sum()
            });
            (total, Vec::new())
        }
        other => panic!("unknown mode {other}"),
    };
    let wall = began.elapsed().as_secs_f64();
    let ticks = server_ticks(&pids).saturating_sub(ticks_before);
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    let server_cpu_us = if pids.is_empty() || count == 0 {
        "null".to_string()
    } else {
        format!("{:.2}", ticks as f64 / hz * 1e6 / count as f64)
    };
    lat.sort_unstable();
    println!(
        "{{\"mode\": \"{mode}\", \"n\": {n}, \"calls\": {count}, \"secs\": {wall:.3}, \"calls_per_s\": {:.0}, \"p50_us\": {:.1}, \"p99_us\": {:.1}, \"server_cpu_us\": {server_cpu_us}}}",
        count as f64 / wall,
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
    );
}
