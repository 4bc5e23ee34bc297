//! Identifiers in the API's shapes (`ps` + 7 for machines, `u` + 7 for users, `n` + 6 for
//! networks, UUID v4 event handles), from a small seedable generator so that a
//! scenario with a `seed` produces the same ids in the same order of requests.

use std::io::{self, Read};
use std::time::{SystemTime, UNIX_EPOCH};

const ALPHANUMERIC: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// SplitMix64: tiny, fast, and good enough for ids (not for secrets).
pub struct Ids {
    state: u64,
}

impl Ids {
    /// A generator from `seed`, or from the clock and process id when there is none.
    pub fn new(seed: Option<u64>) -> Ids {
        let state = seed.unwrap_or_else(|| {
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0);
            nanos ^ (u64::from(std::process::id()) << 32)
        });
        Ids { state }
    }

    /// Where the generator is, to continue from there after a restart (the state file).
    pub fn position(&self) -> u64 {
        self.state
    }

    pub fn set_position(&mut self, state: u64) {
        self.state = state;
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0); the tiny modulo bias does not matter here.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// `prefix` followed by `len` lowercase letters and digits.
    pub fn with_prefix(&mut self, prefix: &str, len: usize) -> String {
        let mut id = String::with_capacity(prefix.len() + len);
        id.push_str(prefix);
        for _ in 0..len {
            id.push(char::from(ALPHANUMERIC[self.below(36) as usize]));
        }
        id
    }

    /// A random (version 4, RFC 4122 variant) UUID in its usual text form.
    pub fn uuid_v4(&mut self) -> String {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next_u64().to_be_bytes());
        bytes[8..].copy_from_slice(&self.next_u64().to_be_bytes());
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        )
    }
}

/// A secret token: 64 letters and digits from the operating system's random source (never
/// from the seeded generator, so that a scenario's seed does not give tokens away).
pub fn secret_token() -> io::Result<String> {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut source = std::fs::File::open("/dev/urandom")?;
    let mut token = String::with_capacity(64);
    let mut bytes = [0u8; 64];
    while token.len() < 64 {
        source.read_exact(&mut bytes)?;
        // 248 = 4 * 62: bytes above it are dropped so that every character is equally likely.
        for &b in bytes.iter().filter(|&&b| b < 248) {
            if token.len() < 64 {
                token.push(char::from(CHARS[usize::from(b % 62)]));
            }
        }
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let mut ids = Ids::new(Some(7));
        let machine = ids.with_prefix("ps", 7);
        assert_eq!(machine.len(), 9);
        assert!(machine.starts_with("ps"));
        assert!(machine[2..].bytes().all(|b| ALPHANUMERIC.contains(&b)));
        let uuid = ids.uuid_v4();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        assert!(matches!(&uuid[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn tokens_are_long_and_new() {
        let (a, b) = (secret_token().unwrap(), secret_token().unwrap());
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }

    #[test]
    fn a_seed_repeats() {
        let (mut a, mut b) = (Ids::new(Some(42)), Ids::new(Some(42)));
        assert_eq!(a.with_prefix("u", 7), b.with_prefix("u", 7));
        assert_eq!(a.uuid_v4(), b.uuid_v4());
    }
}
