//! Replays the fuzz corpus (tests/fuzz/corpus/<target>/) through every fuzz target's body, then
//! feeds it mutated and random inputs: the libFuzzer-free smoke of the fuzz targets, so that
//! `cargo test` and `make test-hardening` exercise them without a nightly-only build.
//! `HOSTILE_RANDOM_INPUTS` (default 300 per target) sets how many generated inputs follow the
//! corpus; `HOSTILE_SEED` the generator's seed (default: from the clock, printed).
//! Real coverage-guided runs are `make fuzz` (docs/RELIABILITY.md).

#[path = "fuzz/src/lib.rs"]
mod targets;

use std::path::{Path, PathBuf};
use std::time::Instant;

/// xorshift64*: enough randomness for input generation, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Tokens that make generated inputs look like the JSON the targets parse.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "null",
    "true",
    "false",
    "0",
    "-1",
    "1e400",
    "50",
    "\"machineId\"",
    "\"state\"",
    "\"ready\"",
    "\"region\"",
    "\"East Coast (NY2)\"",
    "\"machineType\"",
    "\"C4\"",
    "\"size\"",
    "\"billingType\"",
    "\"hourly\"",
    "\"id\"",
    "\"available\"",
    "\"events\"",
    "\"error\"",
    "\"message\"",
    "\"apiKey\"",
    "\"baseUrl\"",
    "\"http://127.0.0.1:1\"",
    "\"timeoutMs\"",
    "\"maxRetries\"",
    "\\u0000",
    "\\ud800",
    "\u{ff}",
    "\u{0}",
    "\r\n",
    "\"password\"",
    "\"scriptId\"",
    "\"scriptText\"",
    "\"scriptFile\"",
    "\"/dev/zero\"",
    "\"machine\"",
    "\"ids\"",
    "\"billingMonth\"",
    "\"2019-04\"",
    "\"enableAccess\"",
    "\"accessTokenId\"",
    "machines_show",
    "\n",
];

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.iter().map(|f| std::fs::read(f).unwrap()).collect()
}

/// One generated input: a mutated corpus entry, a splice of two, or tokens at random.
fn generate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let pick = |rng: &mut Rng| seeds[rng.below(seeds.len())].clone();
    let mut data = match rng.below(4) {
        0 => {
            let mut out = vec![rng.next() as u8];
            for _ in 0..rng.below(24) {
                out.extend_from_slice(TOKENS[rng.below(TOKENS.len())].as_bytes());
            }
            out
        }
        1 => {
            let (a, b) = (pick(rng), pick(rng));
            let (i, j) = (rng.below(a.len() + 1), rng.below(b.len() + 1));
            [&a[..i], &b[j..]].concat()
        }
        _ => pick(rng),
    };
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(data.len() + 1);
        match rng.below(5) {
            0 if !data.is_empty() => {
                let i = at.min(data.len() - 1);
                data[i] ^= 1 << rng.below(8);
            }
            1 if at < data.len() => {
                data.remove(at);
            }
            2 => data.insert(at, rng.next() as u8),
            3 => {
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                data.splice(at..at, token.iter().copied());
            }
            _ => {
                if !data.is_empty() {
                    data[0] = rng.next() as u8; // the selector byte of most targets
                }
            }
        }
    }
    data.truncate(64 * 1024);
    data
}

fn run_target(name: &str, target: fn(&[u8])) {
    let seeds = corpus(name);
    assert!(!seeds.is_empty(), "{name}: empty corpus");
    let count: usize = std::env::var("HOSTILE_RANDOM_INPUTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let seed: u64 = std::env::var("HOSTILE_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        })
        | 1;
    let started = Instant::now();
    for (i, input) in seeds.iter().enumerate() {
        run_one(name, target, input, &format!("corpus #{i}"));
    }
    let mut rng = Rng(seed);
    for i in 0..count {
        let input = generate(&mut rng, &seeds);
        run_one(
            name,
            target,
            &input,
            &format!("generated #{i}, HOSTILE_SEED={seed}"),
        );
    }
    eprintln!(
        "{name}: {} corpus + {count} generated inputs in {:?} (HOSTILE_SEED={seed})",
        seeds.len(),
        started.elapsed()
    );
}

fn run_one(name: &str, target: fn(&[u8]), input: &[u8], what: &str) {
    let outcome = std::panic::catch_unwind(|| target(input));
    if let Err(panic) = outcome {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        let saved = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("failing-{name}"));
        let _ = std::fs::write(&saved, input);
        panic!(
            "{name}: {what} failed: {message}\ninput saved to {}\ninput ({} bytes): {:?}",
            saved.display(),
            input.len(),
            String::from_utf8_lossy(&input[..input.len().min(400)])
        );
    }
}

#[test]
fn the_library_is_linked() {
    assert_eq!(targets::version(), paperspace::VERSION);
}

#[test]
fn abi_client_new() {
    run_target("abi_client_new", targets::abi_client_new);
}

#[test]
fn abi_operation() {
    run_target("abi_operation", targets::abi_operation);
}

#[test]
fn abi_call_cancellable() {
    run_target("abi_call_cancellable", targets::abi_call_cancellable);
}

#[test]
fn decode_responses() {
    run_target("decode_responses", targets::decode_responses);
}

#[test]
fn decode_models() {
    run_target("decode_models", targets::decode_models);
}

#[test]
fn every_target_has_a_corpus() {
    for (name, _) in targets::TARGETS {
        assert!(corpus(name).len() >= 5, "{name}");
    }
}

/// The ABI targets pick operations by their index in `ps_operations()`, the decoders by their
/// index in `Operation::ALL`: the same list, in the same order.
#[test]
fn the_targets_see_the_table() {
    let described: Vec<String> = targets::operation_names()
        .iter()
        .map(|n| n.to_str().unwrap().to_string())
        .collect();
    let table: Vec<&str> = paperspace::Operation::ALL
        .iter()
        .map(|op| op.name())
        .collect();
    assert_eq!(described, table);
}

/// Adding an operation without its valid parameters and result members fails here.
#[test]
fn every_operation_has_its_case() {
    for &op in paperspace::Operation::ALL {
        let case = targets::case(op);
        let params: serde_json::Value = serde_json::from_str(case.params)
            .unwrap_or_else(|e| panic!("{}: the case's params are not JSON: {e}", op.name()));
        assert!(params.is_object(), "{}", op.name());
    }
}

/// Every operation has seeds in the corpus whose selector byte picks it: the corpus was
/// written (tests/fuzz/make_corpus.py) for the table as it is.
#[test]
fn the_corpus_seeds_every_operation() {
    let count = paperspace::Operation::ALL.len();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/corpus");
    let mut missing = Vec::new();
    for (index, op) in paperspace::Operation::ALL.iter().enumerate() {
        // (target, file name prefix, position of the selector byte)
        for (target, prefix, at) in [
            ("abi_operation", format!("{}-valid", op.name()), 0),
            ("abi_call_cancellable", format!("{}-valid-", op.name()), 1),
            ("decode_responses", format!("{}-200-", op.name()), 0),
        ] {
            let seeded = std::fs::read_dir(dir.join(target))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| {
                    p.file_name()
                        .unwrap()
                        .to_string_lossy()
                        .starts_with(&prefix)
                })
                .any(|p| {
                    let data = std::fs::read(&p).unwrap();
                    data.get(at)
                        .is_some_and(|&b| usize::from(b) % count == index)
                });
            if !seeded {
                missing.push(format!("{target}/{prefix}*"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "no seed picking the operation (run tests/fuzz/make_corpus.py): {missing:?}"
    );
}
