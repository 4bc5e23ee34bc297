//! What a machine reports once provisioned: CPUs, memory and GPU per machine type, and the
//! agent type per template OS. These are plausible figures from Paperspace's published specs;
//! the API rules themselves live in `model::rules`.

use crate::model::rules::OsFamily;

const GIB: u64 = 1 << 30;

/// CPUs, RAM in bytes and GPU name of a machine type, or `None` for an unknown type.
pub fn specs(machine_type: &str) -> Option<(u32, u64, &'static str)> {
    let spec = match machine_type {
        "Air" => (2, 4 * GIB, "GRID K120Q (512MB)"),
        "Standard" => (2, 8 * GIB, "GRID K140Q (1GB)"),
        "Pro" => (4, 16 * GIB, "GRID K160Q (2GB)"),
        "Advanced" => (8, 32 * GIB, "GRID K180Q (4GB)"),
        "GPU+" => (8, 30 * GIB, "Quadro M4000"),
        "P4000" => (8, 30 * GIB, "Quadro P4000"),
        "P5000" => (8, 30 * GIB, "Quadro P5000"),
        "P6000" => (8, 30 * GIB, "Quadro P6000"),
        "V100" => (8, 30 * GIB, "Tesla V100"),
        "C1" => (1, GIB / 2, "None"),
        "C2" => (1, GIB, "None"),
        "C3" => (2, 2 * GIB, "None"),
        "C4" => (2, 4 * GIB, "None"),
        "C5" => (4, 8 * GIB, "None"),
        "C6" => (8, 16 * GIB, "None"),
        "C7" => (12, 30 * GIB, "None"),
        "C8" => (16, 60 * GIB, "None"),
        "C9" => (24, 120 * GIB, "None"),
        "C10" => (32, 240 * GIB, "None"),
        _ => return None,
    };
    Some(spec)
}

/// Bytes of a disk of `size_gb` as the API counts them (50 -> 53687091200).
pub fn storage_bytes(size_gb: u64) -> u64 {
    size_gb * GIB
}

/// The agent a machine runs, from its template's OS text.
pub fn agent_type(os: &str) -> &'static str {
    match OsFamily::of(os) {
        OsFamily::Windows => "WindowsDesktop",
        _ if os.to_ascii_lowercase().contains("desktop") => "LinuxDesktop",
        _ => "LinuxHeadless",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rules::MACHINE_TYPES;

    #[test]
    fn every_machine_type_has_specs() {
        for t in MACHINE_TYPES {
            assert!(specs(t).is_some(), "{t}");
        }
        assert_eq!(specs("Air"), Some((2, 4_294_967_296, "GRID K120Q (512MB)")));
        assert_eq!(storage_bytes(50), 53_687_091_200);
    }

    #[test]
    fn agent_types() {
        assert_eq!(
            agent_type("Windows 10 (Server 2016) - Licensed"),
            "WindowsDesktop"
        );
        assert_eq!(agent_type("Ubuntu 16.04 Desktop"), "LinuxDesktop");
        assert_eq!(agent_type("Ubuntu 18.04 Server"), "LinuxHeadless");
    }
}
