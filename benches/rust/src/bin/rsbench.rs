//! The Rust side of the benchmark: the floor (a bare ureq Agent + serde_json), the Rust Client
//! API (typed and `call_json`), and a process spawner that reports wall time and max RSS.
//!
//! Usage:
//!   rsbench run <floor|rust|rust_json> <templates|create> URL SECONDS WARMUP_CALLS
//!   rsbench threads <floor|rust|rust_json> <templates|create> URL SECONDS THREADS
//!   rsbench memory <floor|rust|rust_json> URL REPEATS
//!   rsbench spawn REPEATS CMD [ARGS...]
//! `run`, `threads` and `memory` print one JSON line (fields: docs/PERFORMANCE.md, "Reading the
//! output").

use std::time::{Duration, Instant};

use paperspace::model::machine::CreateMachine;
use paperspace::model::template::TemplateFilter;
use paperspace::{Client, Config, Operation};
use serde_json::Value;

const MAX_CALLS: usize = 5_000_000;
const API_KEY: &str = "bench-key";

/// The create parameters every client sends (the same JSON in every language).
const CREATE_JSON: &str = r#"{"region":"East Coast (NY2)","machineType":"C4","size":50,"billingType":"hourly","machineName":"bench","templateId":"tgdcijpo"}"#;

fn cpu_seconds() -> f64 {
    // SAFETY: getrusage writes into the struct we pass.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[i]) / 1000.0
}

/// One call of the chosen client and operation; panics on any failure (a benchmark of errors
/// would be meaningless).
type Call = Box<dyn Fn() + Send + Sync>;

fn make_call(client: &str, op: &str, url: &str) -> Call {
    match (client, op) {
        ("floor", "templates") => {
            let agent = ureq::Agent::new_with_defaults();
            let url = format!("{url}/templates/getTemplates");
            Box::new(move || {
                let mut response = agent
                    .get(&url)
                    .header("x-api-key", API_KEY)
                    .header("accept", "application/json")
                    .call()
                    .expect("floor: GET");
                let bytes = response.body_mut().read_to_vec().expect("floor: body");
                let value: Value = serde_json::from_slice(&bytes).expect("floor: JSON");
                assert!(value.as_array().is_some_and(|a| a.len() == 10));
            })
        }
        ("floor", "create") => {
            let agent = ureq::Agent::new_with_defaults();
            let url = format!("{url}/machines/createSingleMachinePublic");
            let params: Value = serde_json::from_str(CREATE_JSON).expect("params");
            Box::new(move || {
                let body = serde_json::to_vec(&params).expect("encode");
                let mut response = agent
                    .post(&url)
                    .header("x-api-key", API_KEY)
                    .header("accept", "application/json")
                    .content_type("application/json")
                    .send(&body[..])
                    .expect("floor: POST");
                let bytes = response.body_mut().read_to_vec().expect("floor: body");
                let value: Value = serde_json::from_slice(&bytes).expect("floor: JSON");
                assert!(value.get("id").is_some());
            })
        }
        ("rust", "templates") => {
            let client = Client::new(Config::new(API_KEY, url)).expect("client");
            let filter = TemplateFilter::default();
            Box::new(move || {
                let templates = client.list_templates(&filter).expect("list_templates");
                assert_eq!(templates.len(), 10);
            })
        }
        ("rust", "create") => {
            let client = Client::new(Config::new(API_KEY, url)).expect("client");
            let params: CreateMachine = serde_json::from_str(CREATE_JSON).expect("params");
            Box::new(move || {
                let machine = client.create_machine(&params).expect("create_machine");
                assert!(!machine.id.is_empty());
            })
        }
        ("rust_json", "templates") => {
            let client = Client::new(Config::new(API_KEY, url)).expect("client");
            Box::new(move || {
                let text = client
                    .call_json(Operation::TemplatesList, "{}")
                    .expect("call_json");
                assert!(text.len() > 1000);
            })
        }
        ("rust_json", "create") => {
            let client = Client::new(Config::new(API_KEY, url)).expect("client");
            Box::new(move || {
                let text = client
                    .call_json(Operation::MachinesCreate, CREATE_JSON)
                    .expect("call_json");
                assert!(text.len() > 100);
            })
        }
        _ => panic!("unknown client/op {client}/{op}"),
    }
}

/// A templates list of the chosen client, returning the number of templates: the big answer
/// (`?label=big`, the memory rows) or the usual 10.
type List = Box<dyn Fn(bool) -> usize>;

fn make_list(client: &str, url: &str) -> List {
    match client {
        "floor" => {
            let agent = ureq::Agent::new_with_defaults();
            let url = format!("{url}/templates/getTemplates");
            Box::new(move |big| {
                let mut response = agent
                    .get(&url)
                    .query_pairs(big.then_some(("label", "big")))
                    .header("x-api-key", API_KEY)
                    .header("accept", "application/json")
                    .call()
                    .expect("floor: GET");
                let bytes = response
                    .body_mut()
                    .with_config()
                    .limit(paperspace::client::MAX_BODY_BYTES)
                    .read_to_vec()
                    .expect("floor: body");
                let value: Value = serde_json::from_slice(&bytes).expect("floor: JSON");
                value.as_array().expect("floor: an array").len()
            })
        }
        "rust" => {
            let client = Client::new(Config::new(API_KEY, url)).expect("client");
            Box::new(move |big| {
                let filter = TemplateFilter {
                    label: big.then(|| Some("big".to_string())),
                    ..TemplateFilter::default()
                };
                client
                    .list_templates(&filter)
                    .expect("list_templates")
                    .len()
            })
        }
        "rust_json" => {
            let client = Client::new(Config::new(API_KEY, url)).expect("client");
            Box::new(move |big| {
                let params = if big { r#"{"label":"big"}"# } else { "{}" };
                let text = client
                    .call_json(Operation::TemplatesList, params)
                    .expect("call_json");
                // the text only: count the templates without decoding them
                text.matches(r#""id":"#).count()
            })
        }
        _ => panic!("unknown client {client}"),
    }
}

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|l| l.starts_with(field))
        .expect("a status field");
    line.split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .expect("a number of KiB")
}

/// Peak RSS growth (KiB) of one big call after a small one, then the median wall time of
/// REPEATS more. The peak is reset through /proc/self/clear_refs (as tests/hostile_memory.rs).
fn memory(client: &str, url: &str, repeats: usize) {
    let list = make_list(client, url);
    assert_eq!(list(false), 10, "the usual answer first");
    std::fs::write("/proc/self/clear_refs", "5").expect("reset the peak RSS");
    let before = status_kib("VmHWM:");
    let began = Instant::now();
    let items = list(true);
    let first_ms = began.elapsed().as_secs_f64() * 1e3;
    let growth = status_kib("VmHWM:").saturating_sub(before);
    let mut ms: Vec<f64> = (0..repeats)
        .map(|_| {
            let began = Instant::now();
            assert_eq!(list(true), items);
            began.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    println!(
        "{{\"client\": \"{client}\", \"items\": {items}, \"growth_kib\": {growth}, \"first_ms\": {first_ms:.2}, \"ms\": {:.2}, \"repeats\": {repeats}}}",
        ms.get(ms.len() / 2).copied().unwrap_or(first_ms)
    );
}

fn run(client: &str, op: &str, url: &str, secs: f64, warmup: usize) {
    let call = make_call(client, op, url);
    for _ in 0..warmup {
        call();
    }
    let mut lat: Vec<u32> = Vec::with_capacity(1 << 20);
    let duration = Duration::from_secs_f64(secs);
    let cpu0 = cpu_seconds();
    let began = Instant::now();
    let mut t = began;
    while lat.len() < MAX_CALLS {
        call();
        let now = Instant::now();
        lat.push((now - t).as_nanos().min(u32::MAX as u128) as u32);
        t = now;
        if now - began >= duration {
            break;
        }
    }
    let wall = began.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    let n = lat.len();
    lat.sort_unstable();
    println!(
        "{{\"client\": \"{client}\", \"op\": \"{op}\", \"calls\": {n}, \"secs\": {wall:.3}, \"calls_per_s\": {:.1}, \"p50_us\": {:.1}, \"p99_us\": {:.1}, \"cpu_us\": {:.2}}}",
        n as f64 / wall,
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        cpu * 1e6 / n as f64
    );
}

fn threads(client: &str, op: &str, url: &str, secs: f64, threads: usize) {
    // One client shared by every thread (the floor shares one Agent the same way), or with
    // BENCH_CLIENT_PER_THREAD=1 one client per thread, to tell sharing costs from the rest.
    let per_thread = std::env::var("BENCH_CLIENT_PER_THREAD").is_ok_and(|v| v == "1");
    let calls: Vec<Call> = (0..if per_thread { threads } else { 1 })
        .map(|_| make_call(client, op, url))
        .collect();
    for i in 0..threads * 20 {
        calls[i % calls.len()]();
    }
    let duration = Duration::from_secs_f64(secs);
    let cpu0 = cpu_seconds();
    let began = Instant::now();
    let total: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let call = &calls[i % calls.len()];
                s.spawn(move || {
                    // warm this thread's connection first
                    call();
                    let mut n = 0usize;
                    while began.elapsed() < duration && n < MAX_CALLS {
                        call();
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).sum()
    });
    let wall = began.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    println!(
        "{{\"client\": \"{client}\", \"op\": \"{op}\", \"threads\": {threads}, \"calls\": {total}, \"secs\": {wall:.3}, \"calls_per_s\": {:.1}, \"cpu_us\": {:.2}}}",
        total as f64 / wall,
        cpu * 1e6 / total.max(1) as f64
    );
}

/// Runs a command REPEATS times (sequentially), each with a 20 s bound, and prints the median
/// and max wall milliseconds and max RSS (KiB, from wait4) of the child.
fn spawn(repeats: usize, cmd: &[String]) {
    let mut walls = Vec::new();
    let mut rss = Vec::new();
    for _ in 0..repeats {
        let began = Instant::now();
        let child = std::process::Command::new(&cmd[0])
            .args(&cmd[1..])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        let pid = child.id() as libc::pid_t;
        let mut status = 0;
        // SAFETY: wait4 writes into the structs we pass.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        loop {
            let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut ru) };
            if r == pid {
                break;
            }
            assert!(r == 0, "wait4 failed");
            if began.elapsed() > Duration::from_secs(20) {
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
            std::thread::sleep(Duration::from_micros(50));
        }
        let wall = began.elapsed().as_secs_f64() * 1e3;
        assert!(
            libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
            "{cmd:?} failed (status {status})"
        );
        walls.push(wall);
        rss.push(ru.ru_maxrss as f64);
        std::mem::forget(child); // reaped by wait4 above
    }
    walls.sort_by(f64::total_cmp);
    rss.sort_by(f64::total_cmp);
    println!(
        "{{\"repeats\": {repeats}, \"wall_ms\": {:.2}, \"wall_ms_min\": {:.2}, \"wall_ms_max\": {:.2}, \"maxrss_kib\": {:.0}, \"maxrss_kib_max\": {:.0}}}",
        walls[walls.len() / 2],
        walls[0],
        walls[walls.len() - 1],
        rss[rss.len() / 2],
        rss[rss.len() - 1]
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = || -> ! {
        eprintln!(
            "usage: rsbench run|threads CLIENT OP URL SECONDS N | rsbench memory CLIENT URL REPEATS | rsbench spawn REPEATS CMD..."
        );
        std::process::exit(2)
    };
    match args.get(1).map(String::as_str) {
        Some("run") if args.len() == 7 => run(
            &args[2],
            &args[3],
            &args[4],
            args[5].parse().expect("seconds"),
            args[6].parse().expect("warmup"),
        ),
        Some("threads") if args.len() == 7 => threads(
            &args[2],
            &args[3],
            &args[4],
            args[5].parse().expect("seconds"),
            args[6].parse().expect("threads"),
        ),
        Some("memory") if args.len() == 5 => {
            memory(&args[2], &args[3], args[4].parse().expect("repeats"))
        }
        Some("spawn") if args.len() >= 4 => spawn(args[2].parse().expect("repeats"), &args[3..]),
        _ => usage(),
    }
}
