//! The addresses in use: private ones per network (hosts `.2` to `.254` of its /24) and public
//! ones from the three documentation blocks (TEST-NET-1 to 3, never routed). No two live
//! machines share one; a destroyed machine's go back to the pool; an empty pool is an error.

use std::collections::{HashMap, HashSet};

use super::error::ApiError;
use super::ids::Ids;
use super::records::Network;

/// Public addresses are `<block>.1` to `<block>.254`.
const PUBLIC_BLOCKS: [&str; 3] = ["203.0.113", "198.51.100", "192.0.2"];
const PUBLIC_SLOTS: u64 = 3 * 254;
/// Private hosts per network: `.2` to `.254` (`.1` is the gateway).
const PRIVATE_SLOTS: u64 = 253;

#[derive(Default)]
pub struct Addresses {
    /// Network id -> the hosts (last octet) in use.
    private: HashMap<String, HashSet<u8>>,
    /// Slot numbers (`0..PUBLIC_SLOTS`) in use.
    public: HashSet<u64>,
}

fn network_prefix(network: &Network) -> &str {
    network
        .network
        .rsplit_once('.')
        .map_or("10.64.0", |(prefix, _)| prefix)
}

impl Addresses {
    pub fn private_free(&self, network_id: &str) -> bool {
        self.private
            .get(network_id)
            .is_none_or(|used| (used.len() as u64) < PRIVATE_SLOTS)
    }

    pub fn public_free(&self) -> bool {
        (self.public.len() as u64) < PUBLIC_SLOTS
    }

    /// A free private address of `network`, taken; a full network is the API error.
    pub fn take_private(&mut self, network: &Network, ids: &mut Ids) -> Result<String, ApiError> {
        let used = self.private.entry(network.id.clone()).or_default();
        let start = ids.below(PRIVATE_SLOTS);
        for i in 0..PRIVATE_SLOTS {
            let host = 2 + ((start + i) % PRIVATE_SLOTS) as u8;
            if used.insert(host) {
                return Ok(format!("{}.{host}", network_prefix(network)));
            }
        }
        Err(no_private(&network.id))
    }

    /// A free public address, taken; none left is the API error.
    pub fn take_public(&mut self, ids: &mut Ids) -> Result<String, ApiError> {
        let start = ids.below(PUBLIC_SLOTS);
        for i in 0..PUBLIC_SLOTS {
            let slot = (start + i) % PUBLIC_SLOTS;
            if self.public.insert(slot) {
                let block = PUBLIC_BLOCKS[(slot / 254) as usize];
                return Ok(format!("{block}.{}", 1 + slot % 254));
            }
        }
        Err(no_public())
    }

    /// Marks a restored machine's addresses as in use.
    pub fn hold(&mut self, network_id: &str, private_ip: &str, public_ip: Option<&str>) {
        if let Some(host) = private_ip
            .rsplit_once('.')
            .and_then(|(_, h)| h.parse().ok())
        {
            self.private
                .entry(network_id.to_owned())
                .or_default()
                .insert(host);
        }
        if let Some((block, host)) = public_ip.and_then(|ip| ip.rsplit_once('.')) {
            let block = PUBLIC_BLOCKS.iter().position(|b| *b == block);
            if let (Some(block), Ok(host @ 1..=254)) = (block, host.parse::<u64>()) {
                self.public.insert(block as u64 * 254 + host - 1);
            }
        }
    }

    pub fn release_private(&mut self, network_id: &str, ip: &str) {
        let host = ip.rsplit_once('.').and_then(|(_, h)| h.parse::<u8>().ok());
        if let (Some(used), Some(host)) = (self.private.get_mut(network_id), host) {
            used.remove(&host);
        }
    }

    pub fn release_public(&mut self, ip: &str) {
        let Some((block, host)) = ip.rsplit_once('.') else {
            return;
        };
        let block = PUBLIC_BLOCKS.iter().position(|b| *b == block);
        if let (Some(block), Ok(host @ 1..=254)) = (block, host.parse::<u64>()) {
            self.public.remove(&(block as u64 * 254 + host - 1));
        }
    }
}

pub fn no_private(network_id: &str) -> ApiError {
    ApiError::bad_request(format!(
        "No free private IP address in network {network_id}"
    ))
}

pub fn no_public() -> ApiError {
    ApiError::bad_request("No free public IP address")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn network() -> Network {
        Network {
            id: "n1".into(),
            name: "a".into(),
            region: "Europe (AMS1)".into(),
            dt_created: "d".into(),
            network: "10.64.7.0".into(),
            netmask: "255.255.255.0".into(),
            team_id: "te1".into(),
        }
    }

    #[test]
    fn every_private_host_once_then_an_error() {
        let (mut pool, mut ids, n) = (Addresses::default(), Ids::new(Some(3)), network());
        let mut seen = HashSet::new();
        for _ in 0..253 {
            let ip = pool.take_private(&n, &mut ids).unwrap();
            let host: u32 = ip.strip_prefix("10.64.7.").unwrap().parse().unwrap();
            assert!((2..=254).contains(&host), "{ip}");
            assert!(seen.insert(ip));
        }
        assert!(!pool.private_free("n1"));
        assert_eq!(
            pool.take_private(&n, &mut ids).unwrap_err().message,
            "No free private IP address in network n1"
        );
        pool.release_private("n1", "10.64.7.9");
        assert!(pool.private_free("n1"));
        assert_eq!(pool.take_private(&n, &mut ids).unwrap(), "10.64.7.9");
    }

    #[test]
    fn every_public_address_once_then_an_error() {
        let (mut pool, mut ids) = (Addresses::default(), Ids::new(Some(4)));
        let all: HashSet<String> = (0..762)
            .map(|_| pool.take_public(&mut ids).unwrap())
            .collect();
        assert_eq!(all.len(), 762);
        assert!(all.contains("203.0.113.1") && all.contains("192.0.2.254"));
        assert!(!pool.public_free());
        assert_eq!(
            pool.take_public(&mut ids).unwrap_err().message,
            "No free public IP address"
        );
        pool.release_public("198.51.100.7");
        assert_eq!(pool.take_public(&mut ids).unwrap(), "198.51.100.7");
    }
}
