//! A client used before `fork()` keeps working in both processes, each on connections of its
//! own: the child never reads answers meant for the parent (they shared pooled keep-alive
//! sockets before, and each could receive the other's answer).
#![cfg(feature = "emulator")]

mod common;

use common::*;
use paperspace::{Client, Operation};
use serde_json::Value;

/// `rounds` calls of `op`; true when every answer is a list of ids starting with `prefix`.
fn answers_are_own(client: &Client, op: Operation, prefix: &str, rounds: usize) -> bool {
    (0..rounds).all(|_| {
        let Ok(text) = client.call_json(op, "") else {
            return false;
        };
        let Ok(Value::Array(items)) = serde_json::from_str::<Value>(&text) else {
            return false;
        };
        !items.is_empty()
            && items
                .iter()
                .all(|item| item["id"].as_str().is_some_and(|id| id.starts_with(prefix)))
    })
}

#[test]
fn parent_and_child_never_see_each_others_answers() {
    let emu = emulator();
    let client = admin(&emu);
    // A pooled connection exists before the fork.
    assert!(answers_are_own(&client, Operation::TemplatesList, "t", 1));
    // SAFETY: the child only uses the client (malloc and sockets) and leaves with _exit.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let ok = answers_are_own(&client, Operation::TemplatesList, "t", 300);
        // SAFETY: ends the child without running the parent's destructors or test harness.
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    let parent_ok = answers_are_own(&client, Operation::UsersList, "u", 300);
    let mut status = 0;
    // SAFETY: pid is our child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    assert!(parent_ok, "the parent read an answer that was not its own");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "the child read an answer that was not its own (status {status})"
    );
}
