//! `paperspace-emulator`: runs the local emulator of the Paperspace Core API until SIGINT or
//! SIGTERM. Prints `{"url": "http://HOST:PORT"}` on stdout once it listens.

use std::io::Write;
use std::net::ToSocketAddrs;
use std::process::ExitCode;

use std::time::Duration;

use paperspace::emulator::{Emulator, Logger, Options, Scenario, Timeouts};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

const USAGE: &str = "\
Usage: paperspace-emulator [--listen ADDR] [--scenario FILE] [--quiet] [--state FILE]
                           [--idle-timeout-ms N] [--header-timeout-ms N] [--body-timeout-ms N]

Runs a local emulator of the Paperspace Core API.

Options:
  --listen ADDR          HOST:PORT to listen on (default 127.0.0.1:0, any free port)
  --scenario FILE        scenario JSON file (default: the built-in scenario)
  --quiet                do not log requests to stderr
  --state FILE           load the state from FILE if it exists; save it there after changes
                         (within about 100 ms) and on SIGINT/SIGTERM
  --idle-timeout-ms N    close a connection idle between requests this long (default 60000)
  --header-timeout-ms N  answer 408 to a request whose headers take longer (default 30000)
  --body-timeout-ms N    answer 408 to a request whose body takes longer (default 30000)
  -h, --help             print this help

Prints {\"url\": \"http://HOST:PORT\"} on stdout when ready, logs one line per request to
stderr, and exits 0 on SIGINT or SIGTERM. Default API keys: emulator-admin-key (team
administrator) and emulator-member-key (team member). See docs/EMULATOR.md.";

struct Args {
    listen: String,
    scenario: Option<String>,
    quiet: bool,
    state: Option<String>,
    timeouts: Timeouts,
}

/// A timeout flag's value: whole milliseconds, at least 1.
fn millis(name: &str, text: &str) -> Result<Duration, String> {
    match text.parse::<u64>() {
        Ok(ms) if ms >= 1 => Ok(Duration::from_millis(ms)),
        _ => Err(format!(
            "{name} wants a whole number of milliseconds from 1, not {text:?}"
        )),
    }
}

/// `Ok(None)` means --help was asked for.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        listen: "127.0.0.1:0".to_owned(),
        scenario: None,
        quiet: false,
        state: None,
        timeouts: Timeouts::default(),
    };
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--listen" => parsed.listen = value("--listen")?,
            "--scenario" => parsed.scenario = Some(value("--scenario")?),
            "--quiet" if inline.is_none() => parsed.quiet = true,
            "--state" => parsed.state = Some(value("--state")?),
            "--idle-timeout-ms" => {
                parsed.timeouts.idle = millis(&flag, &value("--idle-timeout-ms")?)?;
            }
            "--header-timeout-ms" => {
                parsed.timeouts.header = millis(&flag, &value("--header-timeout-ms")?)?;
            }
            "--body-timeout-ms" => {
                parsed.timeouts.body = millis(&flag, &value("--body-timeout-ms")?)?;
            }
            _ => return Err(format!("unknown argument {arg:?}")),
        }
    }
    let resolves = parsed
        .listen
        .to_socket_addrs()
        .is_ok_and(|mut addresses| addresses.next().is_some());
    if !resolves {
        return Err(format!("--listen wants HOST:PORT, not {:?}", parsed.listen));
    }
    Ok(Some(parsed))
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("paperspace-emulator: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let scenario = match &args.scenario {
        None => Scenario::default(),
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| Scenario::from_json(&text))
        {
            Ok(s) => s,
            Err(e) => {
                eprintln!("paperspace-emulator: bad scenario file {path}: {e}");
                return ExitCode::from(2);
            }
        },
    };
    // Registered before listening, so a signal that arrives early is not lost.
    let mut signals = match Signals::new([SIGINT, SIGTERM]) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("paperspace-emulator: cannot handle signals: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Errors writing the log (a closed stderr) are ignored: the log is best effort.
    let log: Option<Logger> = (!args.quiet).then(|| {
        Box::new(|line: &str| {
            let _ = writeln!(std::io::stderr(), "{line}");
        }) as _
    });
    let options = Options {
        timeouts: args.timeouts,
        log,
        state_file: args.state.as_ref().map(Into::into),
    };
    let started = Emulator::start_with(&args.listen, scenario, options);
    let emulator = match started {
        Ok(e) => e,
        // A state file that is not a state is a bad input, like a bad scenario.
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            eprintln!("paperspace-emulator: bad {e}");
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("paperspace-emulator: cannot start on {}: {e}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    let url = serde_json::to_string(emulator.url()).unwrap_or_default();
    let mut stdout = std::io::stdout();
    if writeln!(stdout, "{{\"url\": {url}}}")
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    if let Some(signal) = signals.forever().next() {
        // Through the log's queue: stderr may be a pipe nobody reads, and the signal must
        // still end the process.
        emulator.log(&format!(
            "paperspace-emulator: signal {signal}, shutting down"
        ));
    }
    emulator.shutdown();
    ExitCode::SUCCESS
}
