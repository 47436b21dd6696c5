//! The relay's configuration: command-line flags (each with an environment
//! variable fallback) turned into typed values. Every limit the relay
//! enforces is here, with its default and why; the rest of the code reads
//! them from [`Config`] and never hard-codes a number.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// How hard SQLite works to make a commit survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Durability {
    /// fsync the WAL on every commit: an acknowledged update survives a
    /// power cut. The default; group commit keeps it cheap under load.
    Full,
    /// fsync only at checkpoints: an acknowledged update survives the relay
    /// being killed, but not the machine losing power.
    Normal,
}

/// Limits on what one client, one room and the whole relay may use.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest frame other than a snapshot (an update, awareness).
    pub max_frame_bytes: usize,
    /// Largest snapshot frame.
    pub max_snapshot_bytes: usize,
    /// Peers in one room at once.
    pub max_peers_per_room: usize,
    /// Rooms open in memory at once.
    pub max_rooms: usize,
    /// Websocket connections at once.
    pub max_connections: usize,
    /// Sustained messages per second from one connection; bursts of twice
    /// this are allowed.
    pub messages_per_second: u32,
    /// Frames queued for one connection before it counts as lagging and is
    /// disconnected.
    pub outbound_queue: usize,
    /// Time a new connection has to say `Hello`.
    pub hello_timeout: Duration,
    /// The relay pings every connection this often, which keeps proxies
    /// from closing quiet connections; a connection silent for three
    /// intervals (a laptop that went to sleep) is closed, freeing its slot.
    pub keepalive: Duration,
    /// Time a catch-up may wait on a client that does not read.
    pub catch_up_stall: Duration,
    /// Target size of one catch-up chunk.
    pub catch_up_chunk_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_frame_bytes: 1 << 20,
            max_snapshot_bytes: 32 << 20,
            max_peers_per_room: 256,
            max_rooms: 10_000,
            max_connections: 10_000,
            messages_per_second: 100,
            outbound_queue: 1024,
            hello_timeout: Duration::from_secs(10),
            keepalive: Duration::from_secs(30),
            catch_up_stall: Duration::from_secs(30),
            catch_up_chunk_bytes: 256 << 10,
        }
    }
}

/// When the relay asks editors for a snapshot.
#[derive(Clone, Debug)]
pub struct Compaction {
    /// Updates since the last snapshot.
    pub updates: u64,
    /// Bytes of updates since the last snapshot.
    pub bytes: u64,
}

impl Default for Compaction {
    fn default() -> Self {
        Self {
            updates: 2_000,
            bytes: 4 << 20,
        }
    }
}

/// Everything [`crate::run`] needs besides its listener.
#[derive(Clone, Debug)]
pub struct Config {
    /// Directory holding `cahier.sqlite3`.
    pub data_dir: PathBuf,
    /// Directory of static files (the built app) served at `/`.
    pub static_dir: Option<PathBuf>,
    pub durability: Durability,
    pub limits: Limits,
    pub compaction: Compaction,
    /// How long a room with nobody in it stays in memory.
    pub room_idle: Duration,
    /// How long shutdown waits for peers and storage before giving up.
    pub shutdown_grace: Duration,
}

impl Config {
    /// Defaults with the given data directory: what tests start from.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            static_dir: None,
            durability: Durability::Full,
            limits: Limits::default(),
            compaction: Compaction::default(),
            room_idle: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// Parse a byte size: a number, optionally followed by `K`, `M` or `G`
/// (binary multiples, with or without `iB`).
fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: usize = number
        .parse()
        .map_err(|_| format!("not a size: {text:?}"))?;
    let shift = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        other => return Err(format!("unknown size unit {other:?} (use K, M or G)")),
    };
    number
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("size too large: {text:?}"))
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    text.trim()
        .trim_end_matches('s')
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("not a number of seconds: {text:?}"))
}

/// Cahier's relay: stores and forwards end-to-end encrypted documents.
#[derive(Parser, Debug)]
#[command(name = "relay", version, about)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, env = "CAHIER_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Directory of the SQLite file (created if missing).
    #[arg(long, env = "CAHIER_DATA", default_value = "./data")]
    pub data: PathBuf,
    /// Directory of static files to serve at `/`, such as the built app.
    #[arg(long = "static", env = "CAHIER_STATIC")]
    pub static_dir: Option<PathBuf>,
    /// full: fsync every commit (survives power loss); normal: survives a
    /// crash of the relay only.
    #[arg(long, env = "CAHIER_DURABILITY", value_enum, default_value = "full")]
    pub durability: Durability,
    /// Largest update or awareness frame (K, M, G suffixes).
    #[arg(long, env = "CAHIER_MAX_FRAME", default_value = "1M", value_parser = parse_size)]
    pub max_frame: usize,
    /// Largest snapshot frame.
    #[arg(long, env = "CAHIER_MAX_SNAPSHOT", default_value = "32M", value_parser = parse_size)]
    pub max_snapshot: usize,
    /// Peers in one room at once.
    #[arg(long, env = "CAHIER_MAX_PEERS_PER_ROOM", default_value_t = 256)]
    pub max_peers_per_room: usize,
    /// Rooms open at once.
    #[arg(long, env = "CAHIER_MAX_ROOMS", default_value_t = 10_000)]
    pub max_rooms: usize,
    /// Connections at once.
    #[arg(long, env = "CAHIER_MAX_CONNECTIONS", default_value_t = 10_000)]
    pub max_connections: usize,
    /// Sustained messages per second per connection (bursts of twice this).
    #[arg(long, env = "CAHIER_RATE", default_value_t = 100)]
    pub rate: u32,
    /// Frames queued per connection before it is disconnected as lagging.
    #[arg(long, env = "CAHIER_QUEUE", default_value_t = 1024)]
    pub queue: usize,
    /// Ask for a snapshot after this many updates...
    #[arg(long, env = "CAHIER_COMPACT_UPDATES", default_value_t = 2_000)]
    pub compact_updates: u64,
    /// ...or this many bytes of updates.
    #[arg(long, env = "CAHIER_COMPACT_BYTES", default_value = "4M", value_parser = parse_size)]
    pub compact_bytes: usize,
    /// Seconds an empty room stays in memory.
    #[arg(long, env = "CAHIER_ROOM_IDLE", default_value = "30", value_parser = parse_seconds)]
    pub room_idle: Duration,
}

impl Args {
    pub fn into_config(self) -> Config {
        let mut config = Config::new(self.data);
        config.static_dir = self.static_dir;
        config.durability = self.durability;
        config.room_idle = self.room_idle;
        config.limits = Limits {
            max_frame_bytes: self.max_frame,
            max_snapshot_bytes: self.max_snapshot,
            max_peers_per_room: self.max_peers_per_room,
            max_rooms: self.max_rooms,
            max_connections: self.max_connections,
            messages_per_second: self.rate.max(1),
            outbound_queue: self.queue.max(2),
            ..Limits::default()
        };
        config.compaction = Compaction {
            updates: self.compact_updates.max(1),
            bytes: self.compact_bytes as u64,
        };
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("512"), Ok(512));
        assert_eq!(parse_size("64K"), Ok(64 << 10));
        assert_eq!(parse_size("1MiB"), Ok(1 << 20));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5T").is_err());
    }

    #[test]
    fn flags_override_defaults() {
        let args = Args::parse_from([
            "relay",
            "--max-frame",
            "64K",
            "--rate",
            "5",
            "--room-idle",
            "1.5",
        ]);
        let config = args.into_config();
        assert_eq!(config.limits.max_frame_bytes, 64 << 10);
        assert_eq!(config.limits.messages_per_second, 5);
        assert_eq!(config.room_idle, Duration::from_millis(1500));
        assert_eq!(config.limits.max_snapshot_bytes, 32 << 20);
    }
}
