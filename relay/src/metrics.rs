//! Counters and gauges, rendered in the Prometheus text format at
//! `/metrics`. Plain atomics: the relay's hot paths bump them without
//! locks, and the whole set is small enough to write out by hand.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use protocol::ErrorCode;

/// Why the relay closed a connection itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Disconnect {
    Lagging,
    RateLimited,
    Protocol,
    TooLarge,
    Refused,
    Full,
    Silent,
    /// The socket took no byte for the write timeout.
    Stalled,
}

impl Disconnect {
    const ALL: [Disconnect; 8] = [
        Disconnect::Lagging,
        Disconnect::RateLimited,
        Disconnect::Protocol,
        Disconnect::TooLarge,
        Disconnect::Refused,
        Disconnect::Full,
        Disconnect::Silent,
        Disconnect::Stalled,
    ];

    fn name(self) -> &'static str {
        match self {
            Disconnect::Lagging => "lagging",
            Disconnect::RateLimited => "rate_limited",
            Disconnect::Protocol => "protocol",
            Disconnect::TooLarge => "too_large",
            Disconnect::Refused => "refused",
            Disconnect::Full => "full",
            Disconnect::Silent => "silent",
            Disconnect::Stalled => "stalled",
        }
    }
}

/// Why the HTTP layer refused a connection or a websocket before any room
/// saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// As many TCP connections as allowed.
    TcpFull,
    /// As many connections from this address as allowed.
    AddressFull,
    /// A page from another site.
    Origin,
}

impl Refusal {
    const ALL: [Refusal; 3] = [Refusal::TcpFull, Refusal::AddressFull, Refusal::Origin];

    fn name(self) -> &'static str {
        match self {
            Refusal::TcpFull => "tcp_full",
            Refusal::AddressFull => "address_full",
            Refusal::Origin => "origin",
        }
    }
}

#[derive(Default)]
pub(crate) struct Metrics {
    pub rooms: AtomicU64,
    pub connections: AtomicU64,
    pub updates_stored: AtomicU64,
    pub update_bytes_stored: AtomicU64,
    pub snapshots_stored: AtomicU64,
    pub commits: AtomicU64,
    /// Updates the shared store numbered again: another relay had stored
    /// one where it was to go.
    pub numbering_retries: AtomicU64,
    pub fanout_frames: AtomicU64,
    /// Batches of frames written to a socket, each with one flush.
    pub socket_flushes: AtomicU64,
    pub awareness_dropped: AtomicU64,
    /// Presence states a newer one from the same sender replaced before
    /// they were forwarded.
    pub presence_coalesced: AtomicU64,
    pub snapshots_proposed: AtomicU64,
    pub snapshot_checks: AtomicU64,
    pub snapshots_refused: AtomicU64,
    pub stray_verdicts: AtomicU64,
    rejected: [AtomicU64; ErrorCode::ALL.len()],
    disconnects: [AtomicU64; Disconnect::ALL.len()],
    refusals: [AtomicU64; Refusal::ALL.len()],
}

impl Metrics {
    pub fn rejected(&self, code: ErrorCode) {
        if let Some(i) = ErrorCode::ALL.iter().position(|c| *c == code) {
            self.rejected[i].fetch_add(1, Relaxed);
        }
    }

    pub fn disconnected(&self, why: Disconnect) {
        if let Some(i) = Disconnect::ALL.iter().position(|d| *d == why) {
            self.disconnects[i].fetch_add(1, Relaxed);
        }
    }

    pub fn refused(&self, why: Refusal) {
        if let Some(i) = Refusal::ALL.iter().position(|r| *r == why) {
            self.refusals[i].fetch_add(1, Relaxed);
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut one = |name: &str, kind: &str, help: &str, value: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        };
        one(
            "cahier_rooms",
            "gauge",
            "Rooms open in memory.",
            self.rooms.load(Relaxed),
        );
        one(
            "cahier_connections",
            "gauge",
            "Open websocket connections.",
            self.connections.load(Relaxed),
        );
        one(
            "cahier_updates_stored_total",
            "counter",
            "Updates committed to storage.",
            self.updates_stored.load(Relaxed),
        );
        one(
            "cahier_update_bytes_stored_total",
            "counter",
            "Ciphertext bytes of updates committed.",
            self.update_bytes_stored.load(Relaxed),
        );
        one(
            "cahier_snapshots_stored_total",
            "counter",
            "Snapshots committed (each replaces updates).",
            self.snapshots_stored.load(Relaxed),
        );
        one(
            "cahier_commits_total",
            "counter",
            "Store commits: SQLite transactions (group commits), JetStream publishes acknowledged.",
            self.commits.load(Relaxed),
        );
        one(
            "cahier_numbering_retries_total",
            "counter",
            "Updates numbered again on JetStream: another relay had stored one of the room's first.",
            self.numbering_retries.load(Relaxed),
        );
        one(
            "cahier_fanout_frames_total",
            "counter",
            "Frames queued to peers.",
            self.fanout_frames.load(Relaxed),
        );
        one(
            "cahier_socket_flushes_total",
            "counter",
            "Writes of queued frames to a socket, each flushed once (frames queued per write: the fan-out total over this).",
            self.socket_flushes.load(Relaxed),
        );
        one(
            "cahier_awareness_dropped_total",
            "counter",
            "Presence frames not forwarded to a peer whose queue was half full.",
            self.awareness_dropped.load(Relaxed),
        );
        one(
            "cahier_presence_coalesced_total",
            "counter",
            "Presence states replaced by a newer one from the same connection within the presence interval, never forwarded.",
            self.presence_coalesced.load(Relaxed),
        );
        one(
            "cahier_snapshots_proposed_total",
            "counter",
            "Snapshots uploaded and kept until another connection confirms them.",
            self.snapshots_proposed.load(Relaxed),
        );
        one(
            "cahier_snapshot_checks_total",
            "counter",
            "Proposed snapshots sent to a connection to check.",
            self.snapshot_checks.load(Relaxed),
        );
        one(
            "cahier_snapshots_refused_total",
            "counter",
            "Proposed snapshots another connection found did not match what it applied.",
            self.snapshots_refused.load(Relaxed),
        );
        one(
            "cahier_stray_verdicts_total",
            "counter",
            "Snapshot verdicts for no proposal, or from a connection not asked.",
            self.stray_verdicts.load(Relaxed),
        );
        let _ = writeln!(out, "# HELP cahier_rejected_total Messages refused, by reason.\n# TYPE cahier_rejected_total counter");
        for (code, n) in ErrorCode::ALL.iter().zip(&self.rejected) {
            let _ = writeln!(
                out,
                "cahier_rejected_total{{reason=\"{}\"}} {}",
                code.name(),
                n.load(Relaxed)
            );
        }
        let _ = writeln!(out, "# HELP cahier_disconnects_total Connections closed by the relay, by reason.\n# TYPE cahier_disconnects_total counter");
        for (why, n) in Disconnect::ALL.iter().zip(&self.disconnects) {
            let _ = writeln!(
                out,
                "cahier_disconnects_total{{reason=\"{}\"}} {}",
                why.name(),
                n.load(Relaxed)
            );
        }
        let _ = writeln!(out, "# HELP cahier_connections_refused_total Connections and websockets refused before any room, by reason.\n# TYPE cahier_connections_refused_total counter");
        for (why, n) in Refusal::ALL.iter().zip(&self.refusals) {
            let _ = writeln!(
                out,
                "cahier_connections_refused_total{{reason=\"{}\"}} {}",
                why.name(),
                n.load(Relaxed)
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_by_reason() {
        let m = Metrics::default();
        m.rejected(ErrorCode::BadSignature);
        m.rejected(ErrorCode::BadSignature);
        m.disconnected(Disconnect::Lagging);
        m.refused(Refusal::Origin);
        m.rooms.store(3, Relaxed);
        let text = m.render();
        assert!(text.contains("cahier_rooms 3\n"), "{text}");
        assert!(text.contains("cahier_rejected_total{reason=\"bad_signature\"} 2\n"));
        assert!(text.contains("cahier_rejected_total{reason=\"too_large\"} 0\n"));
        assert!(text.contains("cahier_disconnects_total{reason=\"lagging\"} 1\n"));
        assert!(text.contains("cahier_connections_refused_total{reason=\"origin\"} 1\n"));
        assert!(text.contains("cahier_connections_refused_total{reason=\"tcp_full\"} 0\n"));
    }
}
