//! A calling thread that receives signals keeps working: a handler installed without
//! `SA_RESTART` (as Python installs every handler) makes each blocking system call of the
//! library return `EINTR`, in the middle of connecting, sending, reading an answer, a retry's
//! sleep or a wait's interval. Every call must still give the answer it would have given.
#![cfg(feature = "emulator")]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use common::*;
use paperspace::Operation;
use serde_json::{Value, json};

static DELIVERED: AtomicU64 = AtomicU64::new(0);

extern "C" fn count_signal(_: libc::c_int) {
    DELIVERED.fetch_add(1, Ordering::Relaxed);
}

/// Installs a counting SIGUSR2 handler without SA_RESTART, then sends SIGUSR2 to the calling
/// thread every 200 us while `body` runs.
fn under_signal_storm<T>(body: impl FnOnce() -> T) -> T {
    // SAFETY: a plain sigaction with an async-signal-safe handler (one atomic add).
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = count_signal as extern "C" fn(libc::c_int) as usize;
        action.sa_flags = 0; // no SA_RESTART: blocking calls return EINTR
        libc::sigemptyset(&mut action.sa_mask);
        assert_eq!(
            libc::sigaction(libc::SIGUSR2, &action, std::ptr::null_mut()),
            0
        );
    }
    // SAFETY: pthread_self has no preconditions.
    let target = unsafe { libc::pthread_self() };
    let stop = Arc::new(AtomicBool::new(false));
    let storm = {
        let stop = Arc::clone(&stop);
        thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                // SAFETY: the target thread outlives the storm (it joins it below).
                unsafe { libc::pthread_kill(target, libc::SIGUSR2) };
                thread::sleep(Duration::from_micros(200));
            }
        })
    };
    let result = body();
    stop.store(true, Ordering::Relaxed);
    storm.join().unwrap();
    result
}

#[test]
fn calls_give_their_answers_while_signals_interrupt_every_system_call() {
    let emu = emulator();
    let client = client(&emu, json!({"maxRetries": 2, "timeoutMs": 20000}));
    let before = DELIVERED.load(Ordering::Relaxed);
    let started = Instant::now();
    under_signal_storm(|| {
        // Plain calls, a new connection each (the pool dropped by the stalls below).
        for _ in 0..50 {
            let list: Value =
                serde_json::from_str(&client.call_json(Operation::TemplatesList, "").unwrap())
                    .unwrap();
            assert_eq!(list.as_array().unwrap().len(), 15);
        }
        // An answer that takes 300 ms: the read is interrupted hundreds of times.
        emu.add_faults(&json!({"path": "/users/getUsers", "delayMs": 300}).to_string())
            .unwrap();
        let users: Value = serde_json::from_str(
            &client
                .call_json(Operation::UsersList, r#"{"email":"admin@example.com"}"#)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(users[0]["id"], "uq8w3kz5");
        // A retry after a 503 with Retry-After: 1: the sleep is interrupted too.
        emu.add_faults(
            &json!({"path": "/templates/getTemplates", "status": 503, "headers": {"Retry-After": "1"}})
                .to_string(),
        )
        .unwrap();
        let list: Value =
            serde_json::from_str(&client.call_json(Operation::TemplatesList, "").unwrap()).unwrap();
        assert_eq!(list.as_array().unwrap().len(), 15);
        // A POST is sent once and answered.
        let machine: Value = serde_json::from_str(
            &client
                .call_json(
                    Operation::MachinesCreate,
                    r#"{"region":"East Coast (NY2)","machineType":"C4","size":50,"billingType":"hourly","machineName":"storm","templateId":"t04azgph"}"#,
                )
                .unwrap(),
        )
        .unwrap();
        assert_eq!(machine["state"], "provisioning");
        // A wait through its intervals, until the machine is ready.
        let params = json!({"machineId": machine["id"], "state": "ready", "intervalMs": 50, "timeoutMs": 20000});
        let ready: Value = serde_json::from_str(
            &client
                .call_json(Operation::MachinesWait, &params.to_string())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(ready["state"], "ready");
    });
    assert_eq!(
        requests(&emu, "POST /machines/createSingleMachinePublic"),
        1
    );
    let delivered = DELIVERED.load(Ordering::Relaxed) - before;
    assert!(delivered > 1000, "only {delivered} signals were delivered");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
}
