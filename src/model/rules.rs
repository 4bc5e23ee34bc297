//! The documented rules of the Core API, stated once. The client checks them before sending and
//! the emulator enforces them on the server side, so both always agree.

/// The three region names the API accepts (full names, with spaces and parentheses).
pub const REGIONS: [&str; 3] = ["East Coast (NY2)", "West Coast (CA1)", "Europe (AMS1)"];

/// The 19 machine types `machines create` accepts.
pub const MACHINE_TYPES: [&str; 19] = [
    "Air", "Standard", "Pro", "Advanced", "GPU+", "P4000", "P5000", "P6000", "V100", "C1", "C2",
    "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C10",
];

/// GRID (virtual GPU) types: Ubuntu templates cannot create them.
pub const GRID_MACHINE_TYPES: [&str; 4] = ["Air", "Standard", "Pro", "Advanced"];

/// The dedicated-GPU types for which `machines availability` answers.
pub const AVAILABILITY_MACHINE_TYPES: [&str; 5] = ["GPU+", "P4000", "P5000", "P6000", "V100"];

/// Billing types accepted by `machines create`.
pub const BILLING_TYPES: [&str; 2] = ["monthly", "hourly"];

/// The only documented restore point frequency.
pub const RESTORE_POINT_FREQUENCIES: [&str; 1] = ["shutdown"];

/// Target states of `machines wait`.
pub const WAIT_STATES: [&str; 3] = ["off", "serviceready", "ready"];

/// Storage size bounds in GB (volumes range from 50 GB to 2 TB).
pub const MIN_SIZE_GB: i64 = 50;
/// See [`MIN_SIZE_GB`].
pub const MAX_SIZE_GB: i64 = 2000;

/// True for the CPU-only types `C1` to `C10`.
pub fn is_cpu_machine_type(machine_type: &str) -> bool {
    MACHINE_TYPES[9..].contains(&machine_type)
}

/// The operating-system family of a template, read from its `os` text (the API has no field for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsFamily {
    Windows,
    Ubuntu,
    Other,
}

impl OsFamily {
    /// Classifies a template's `os` string, e.g. `"Windows 10 (Server 2016) - Licensed"`.
    pub fn of(os: &str) -> OsFamily {
        let lower = os.to_ascii_lowercase();
        if lower.contains("windows") {
            OsFamily::Windows
        } else if lower.contains("ubuntu") {
            OsFamily::Ubuntu
        } else {
            OsFamily::Other
        }
    }
}

/// The template-OS rule: Windows templates cannot create C1-C10; Ubuntu templates cannot create
/// Air, Standard, Pro or Advanced. Returns the reason when the pair is refused.
pub fn template_os_refusal(os: &str, machine_type: &str) -> Option<&'static str> {
    match OsFamily::of(os) {
        OsFamily::Windows if is_cpu_machine_type(machine_type) => Some(
            "Windows os templates cannot be used to create CPU-only machine types 'C1' - 'C10'",
        ),
        OsFamily::Ubuntu if GRID_MACHINE_TYPES.contains(&machine_type) => Some(
            "Ubuntu os templates cannot be used to create GRID GPU machine types: 'Air', 'Standard', 'Pro', or 'Advanced'",
        ),
        _ => None,
    }
}

/// `"'a', 'b', or 'c'"`, the way the API documentation lists choices.
pub fn one_of(choices: &[&str]) -> String {
    let quoted: Vec<String> = choices.iter().map(|c| format!("'{c}'")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{}, or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

/// Auto-snapshot frequencies `machines update` accepts (or null to clear).
pub const AUTO_SNAPSHOT_FREQUENCIES: [&str; 3] = ["hour", "day", "week"];

/// The most script data the API stores (16 KB).
pub const MAX_SCRIPT_BYTES: usize = 16 * 1024;

/// True for a billing month written `YYYY-MM` (month 01 to 12).
pub fn is_billing_month(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 7
        && bytes[4] == b'-'
        && bytes[..4].iter().chain(&bytes[5..]).all(u8::is_ascii_digit)
        && matches!(text[5..].parse::<u8>(), Ok(1..=12))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_types_are_c1_to_c10() {
        assert!(is_cpu_machine_type("C1") && is_cpu_machine_type("C10"));
        assert!(!is_cpu_machine_type("V100") && !is_cpu_machine_type("C11"));
    }

    #[test]
    fn template_os_rule() {
        assert!(template_os_refusal("Windows 10 (Server 2016) - Licensed", "C4").is_some());
        assert!(template_os_refusal("Windows 10 (Server 2016) - Licensed", "Air").is_none());
        assert!(template_os_refusal("Ubuntu 18.04 Server", "Pro").is_some());
        assert!(template_os_refusal("Ubuntu 18.04 Server", "C2").is_none());
        assert!(template_os_refusal("Ubuntu 18.04 Server", "GPU+").is_none());
    }

    #[test]
    fn billing_months() {
        assert!(is_billing_month("2019-04") && is_billing_month("2024-12"));
        for bad in [
            "2019-4",
            "2019-13",
            "2019-00",
            "19-04-01",
            "2019/04",
            "２０１９-04",
            "",
        ] {
            assert!(!is_billing_month(bad), "{bad}");
        }
    }

    #[test]
    fn one_of_reads_like_the_docs() {
        assert_eq!(one_of(&["monthly", "hourly"]), "'monthly', or 'hourly'");
        assert_eq!(one_of(&["shutdown"]), "'shutdown'");
    }
}
