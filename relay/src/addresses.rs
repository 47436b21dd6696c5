//! What one address may take: connections at once, and room creations
//! per window. An address is a client's IPv4 address, or its IPv6 /64
//! (one customer's prefix: an attacker gets a whole /64 as easily as one
//! address, and a household shares one). Behind a trusted proxy it is the
//! address the proxy forwarded ([`client_address`]).
//!
//! Connections are held as [`Slot`]s, given back when dropped. Creations
//! are a token bucket per address: `creations_per_ip` per
//! `creation_window`, refilled evenly. An entry is forgotten once it holds
//! no connection and its bucket is full again, so the table holds only the
//! addresses that are connected or created rooms recently. The clock is
//! passed in, so the rules are tested without waiting.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;

/// An address as the limits count it; see the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct IpKey(IpAddr);

impl IpKey {
    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => IpKey(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpKey(IpAddr::V4(v4)),
                None => {
                    let s = v6.segments();
                    IpKey(IpAddr::V6(Ipv6Addr::new(
                        s[0], s[1], s[2], s[3], 0, 0, 0, 0,
                    )))
                }
            },
        }
    }
}

impl std::fmt::Display for IpKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            IpAddr::V4(v4) => write!(f, "{v4}"),
            IpAddr::V6(v6) => write!(f, "{v6}/64"),
        }
    }
}

/// The client behind a request: the peer itself, or, when the peer is a
/// trusted proxy, the rightmost address of `X-Forwarded-For` that is not
/// one of the trusted proxies (each proxy appends the address it saw, so
/// what a client wrote itself is further left and never believed).
pub(crate) fn client_address(peer: SocketAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    let peer_ip = normalise(peer.ip());
    if !trusted.iter().any(|t| normalise(*t) == peer_ip) {
        return peer_ip;
    }
    let mut forwarded: Vec<IpAddr> = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        let Ok(value) = value.to_str() else {
            return peer_ip;
        };
        for item in value.split(',') {
            match item.trim().parse::<IpAddr>() {
                Ok(ip) => forwarded.push(normalise(ip)),
                // An unreadable hop: believe nothing left of it.
                Err(_) => forwarded.clear(),
            }
        }
    }
    forwarded
        .into_iter()
        .rev()
        .find(|ip| !trusted.iter().any(|t| normalise(*t) == *ip))
        .unwrap_or(peer_ip)
}

fn normalise(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

#[derive(Debug)]
struct Entry {
    connections: usize,
    tokens: f64,
    last: Instant,
}

/// The per-address table. The mutex is held only to look up or change an
/// entry, never across an await.
#[derive(Debug)]
pub(crate) struct Addresses {
    map: Mutex<HashMap<IpKey, Entry>>,
    max_connections: usize,
    creations: f64,
    window: Duration,
}

/// A connection counted against its address; given back when dropped.
#[derive(Debug)]
pub(crate) struct Slot {
    table: Arc<Addresses>,
    key: IpKey,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.table.release(self.key, Instant::now());
    }
}

impl Addresses {
    pub fn new(max_connections: usize, creations: u32, window: Duration) -> Arc<Self> {
        Arc::new(Self {
            map: Mutex::new(HashMap::new()),
            max_connections,
            creations: f64::from(creations),
            window: window.max(Duration::from_millis(1)),
        })
    }

    fn refill(&self, entry: &mut Entry, now: Instant) {
        let elapsed = now.saturating_duration_since(entry.last).as_secs_f64();
        entry.last = entry.last.max(now);
        let per_second = self.creations / self.window.as_secs_f64();
        entry.tokens = (entry.tokens + elapsed * per_second).min(self.creations);
    }

    fn fresh(&self, now: Instant) -> Entry {
        Entry {
            connections: 0,
            tokens: self.creations,
            last: now,
        }
    }

    /// Count a connection from `key`, unless it has as many as allowed.
    pub fn connect(self: &Arc<Self>, key: IpKey, now: Instant) -> Option<Slot> {
        let mut map = self.map.lock().ok()?;
        let entry = map.entry(key).or_insert_with(|| self.fresh(now));
        if entry.connections >= self.max_connections {
            return None;
        }
        entry.connections += 1;
        Some(Slot {
            table: self.clone(),
            key,
        })
    }

    fn release(&self, key: IpKey, now: Instant) {
        let Ok(mut map) = self.map.lock() else {
            return;
        };
        let forget = match map.get_mut(&key) {
            Some(entry) => {
                entry.connections = entry.connections.saturating_sub(1);
                self.refill(entry, now);
                entry.connections == 0 && entry.tokens >= self.creations
            }
            None => false,
        };
        if forget {
            map.remove(&key);
        }
    }

    /// Take one room creation from `key`'s budget; whether there was one.
    pub fn create(&self, key: IpKey, now: Instant) -> bool {
        let Ok(mut map) = self.map.lock() else {
            return false;
        };
        if map.len() > 4096 {
            // Forget the addresses that are gone and whose budget is whole.
            map.retain(|_, entry| {
                self.refill(entry, now);
                entry.connections > 0 || entry.tokens < self.creations
            });
        }
        let entry = map.entry(key).or_insert_with(|| self.fresh(now));
        self.refill(entry, now);
        if entry.tokens >= 1.0 {
            entry.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Addresses in the table.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.map.lock().map(|m| m.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("an address")
    }

    fn key(s: &str) -> IpKey {
        IpKey::of(ip(s))
    }

    #[test]
    fn an_ipv6_address_counts_as_its_64_and_a_mapped_ipv4_as_itself() {
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:bbbb::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:192.0.2.7"), key("192.0.2.7"));
        assert_ne!(key("192.0.2.7"), key("192.0.2.8"));
        assert_eq!(key("2001:db8:1:2::1").to_string(), "2001:db8:1:2::/64");
    }

    #[test]
    fn connections_past_the_limit_are_refused_until_one_is_given_back() {
        let table = Addresses::new(2, 10, Duration::from_secs(60));
        let now = Instant::now();
        let a = table.connect(key("192.0.2.1"), now).expect("first");
        let _b = table.connect(key("192.0.2.1"), now).expect("second");
        assert!(table.connect(key("192.0.2.1"), now).is_none());
        assert!(
            table.connect(key("192.0.2.2"), now).is_some(),
            "another address"
        );
        drop(a);
        assert!(table.connect(key("192.0.2.1"), now).is_some());
    }

    #[test]
    fn creations_come_from_a_bucket_refilled_over_the_window() {
        let table = Addresses::new(8, 3, Duration::from_secs(30));
        let t0 = Instant::now();
        let k = key("198.51.100.1");
        assert!((0..3).all(|_| table.create(k, t0)));
        assert!(!table.create(k, t0));
        assert!(table.create(key("198.51.100.2"), t0), "another address");
        // Three per 30 s: one every 10 s.
        assert!(!table.create(k, t0 + Duration::from_secs(9)));
        assert!(table.create(k, t0 + Duration::from_secs(11)));
        assert!(!table.create(k, t0 + Duration::from_secs(12)));
    }

    #[test]
    fn an_address_is_forgotten_once_gone_and_its_budget_whole() {
        let table = Addresses::new(8, 2, Duration::from_secs(10));
        let t0 = Instant::now();
        let k = key("203.0.113.9");
        let slot = table.connect(k, t0).expect("slot");
        assert!(table.create(k, t0));
        drop(slot);
        assert_eq!(table.len(), 1, "it created a room a moment ago");
        let slot = table.connect(k, t0).expect("slot");
        table.release(k, t0 + Duration::from_secs(60));
        std::mem::forget(slot);
        assert_eq!(table.len(), 0);
    }

    #[test]
    fn a_forwarded_address_is_believed_only_from_a_trusted_proxy() {
        let trusted = [ip("127.0.0.1"), ip("10.0.0.2")];
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 203.0.113.5, 10.0.0.2"),
        );
        let proxy: SocketAddr = "127.0.0.1:5000".parse().expect("addr");
        let stranger: SocketAddr = "198.51.100.7:5000".parse().expect("addr");
        // The rightmost hop that is not a proxy is the client; what it
        // wrote on the left is not believed.
        assert_eq!(client_address(proxy, &headers, &trusted), ip("203.0.113.5"));
        assert_eq!(
            client_address(stranger, &headers, &trusted),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_address(proxy, &HeaderMap::new(), &trusted),
            ip("127.0.0.1")
        );
        assert_eq!(client_address(proxy, &headers, &[]), ip("127.0.0.1"));
        let mut garbage = HeaderMap::new();
        garbage.insert(
            "x-forwarded-for",
            HeaderValue::from_static("203.0.113.5, not-an-ip"),
        );
        assert_eq!(client_address(proxy, &garbage, &trusted), ip("127.0.0.1"));
    }
}
