//! `GET /machines/getUtilization?machineId=&billingMonth=YYYY-MM`: the seconds a machine ran
//! and the seconds its storage existed within a month, with the emulator's price table.

use serde::Serialize;
use serde_json::{Number, Value};

use super::error::{ApiError, Reply};
use super::query::Query;
use super::render;
use super::state::{Caller, State};
use super::time::month_start_ms;

/// Hourly price per machine type, in dollars (plausible figures, not captured ones).
const HOURLY_RATES: [(&str, &str); 19] = [
    ("Air", "0.07"),
    ("Standard", "0.27"),
    ("Pro", "0.45"),
    ("Advanced", "0.65"),
    ("GPU+", "0.40"),
    ("P4000", "0.51"),
    ("P5000", "0.78"),
    ("P6000", "1.10"),
    ("V100", "2.30"),
    ("C1", "0.01"),
    ("C2", "0.02"),
    ("C3", "0.04"),
    ("C4", "0.08"),
    ("C5", "0.12"),
    ("C6", "0.24"),
    ("C7", "0.30"),
    ("C8", "0.60"),
    ("C9", "1.20"),
    ("C10", "2.40"),
];

/// Monthly storage price by size tier (GB, dollars): a disk pays for the smallest tier that
/// holds it.
const STORAGE_RATES: [(u64, &str); 6] = [
    (50, "5.00"),
    (100, "7.00"),
    (250, "10.00"),
    (500, "20.00"),
    (1000, "40.00"),
    (2000, "80.00"),
];

pub fn hourly_rate(machine_type: &str) -> &'static str {
    HOURLY_RATES
        .iter()
        .find(|(t, _)| *t == machine_type)
        .map_or("0.00", |(_, rate)| rate)
}

pub fn monthly_rate(size_gb: u64) -> &'static str {
    STORAGE_RATES
        .iter()
        .find(|(tier, _)| size_gb <= *tier)
        .map_or("80.00", |(_, rate)| rate)
}

/// `YYYY-MM` (month 01 to 12) as (year, month).
fn parse_month(text: &str) -> Option<(i64, i64)> {
    let (year, month) = text.split_once('-')?;
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(year, 4) || !digits(month, 2) {
        return None;
    }
    let month: i64 = month.parse().ok()?;
    (1..=12)
        .contains(&month)
        .then(|| (year.parse().unwrap_or(0), month))
}

/// The answer, in the key order of the captured body (fixtures/Machines_Utilization.json).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Utilization<'a> {
    machine_id: &'a str,
    utilization: MachineUse<'a>,
    storage_utilization: StorageUse<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MachineUse<'a> {
    machine_id: &'a str,
    seconds_used: Value,
    hourly_rate: &'static str,
    billing_month: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StorageUse<'a> {
    machine_id: &'a str,
    seconds_used: i64,
    monthly_rate: &'static str,
    billing_month: &'a str,
}

fn required<'q>(query: &'q Query, key: &str) -> Result<&'q str, ApiError> {
    query
        .get(key)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::bad_request(format!("Missing required parameter {key}")))
}

/// Seconds as the API writes a float: whole values without a fraction (`0`, not `0.0`).
fn seconds(ms: i64) -> Value {
    if ms % 1000 == 0 {
        Value::from(ms / 1000)
    } else {
        Number::from_f64(ms as f64 / 1000.0).map_or(Value::from(0), Value::Number)
    }
}

pub fn utilization(
    state: &mut State,
    caller: &Caller,
    query: &Query,
    now: i64,
) -> Result<Reply, ApiError> {
    let id = required(query, "machineId")?;
    let month = required(query, "billingMonth")?;
    let (year, number) = parse_month(month)
        .ok_or_else(|| ApiError::bad_request("billingMonth must be a month as YYYY-MM"))?;
    let index = state.visible_machine(id, caller, now)?;
    let m = &state.machines()[index];
    let (next_year, next_month) = if number == 12 {
        (year + 1, 1)
    } else {
        (year, number + 1)
    };
    let from = month_start_ms(year, number);
    let to = month_start_ms(next_year, next_month).min(now);
    let running = m.running_ms(from, to);
    let exists_from = from.max(m.created_ms);
    let exists_to = to.min(m.gone_at().unwrap_or(i64::MAX));
    let stored_seconds = (exists_to - exists_from).max(0) / 1000;
    let body = Utilization {
        machine_id: &m.id,
        utilization: MachineUse {
            machine_id: &m.id,
            seconds_used: seconds(running),
            hourly_rate: hourly_rate(&m.machine_type),
            billing_month: month,
        },
        storage_utilization: StorageUse {
            machine_id: &m.id,
            seconds_used: stored_seconds,
            monthly_rate: monthly_rate(m.size_gb),
            billing_month: month,
        },
    };
    Ok(Reply::json(200, render::to_json(&body)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rules::MACHINE_TYPES;

    #[test]
    fn tables_and_months() {
        for t in MACHINE_TYPES {
            assert_ne!(hourly_rate(t), "0.00", "{t}");
        }
        assert_eq!(hourly_rate("GPU+"), "0.40");
        assert_eq!(monthly_rate(50), "5.00");
        assert_eq!(monthly_rate(51), "7.00");
        assert_eq!(monthly_rate(2000), "80.00");
        assert_eq!(parse_month("2017-08"), Some((2017, 8)));
        for bad in [
            "2017-13",
            "2017-00",
            "17-08",
            "2017-8",
            "2017/08",
            "abcd-ef",
            "2017-08-01",
        ] {
            assert_eq!(parse_month(bad), None, "{bad}");
        }
        assert_eq!(seconds(0).to_string(), "0");
        assert_eq!(seconds(1500).to_string(), "1.5");
    }
}
