//! The relay's configuration: command-line flags (each with an environment
//! variable fallback) turned into typed values. Every limit the relay
//! enforces is here, with its default and why; the rest of the code reads
//! them from [`Config`] and never hard-codes a number.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Parser;
use protocol::limits;
use sha2::{Digest, Sha256};

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
    /// Largest frame other than a snapshot or presence (an update, a
    /// hello).
    pub max_frame_bytes: usize,
    /// Largest snapshot frame.
    pub max_snapshot_bytes: usize,
    /// Largest presence frame: the app's 4 KiB payload and its envelope.
    pub max_awareness_bytes: usize,
    /// Message ids of updates a snapshot replaced that a room remembers,
    /// so a replay of an old update is acknowledged, not stored again
    /// (16 bytes each in memory while the room is open). Past it, the
    /// oldest are forgotten.
    pub remembered_ids: usize,
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
            max_frame_bytes: limits::MAX_FRAME_BYTES,
            max_snapshot_bytes: limits::MAX_SNAPSHOT_BYTES,
            max_awareness_bytes: limits::MAX_AWARENESS_FRAME,
            remembered_ids: 100_000,
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

/// The creation tokens a relay accepts: without any, anyone may create
/// rooms; with some, only a `Hello` carrying one of them creates a room,
/// and existing rooms are served to everyone who has their read
/// capability. Kept as SHA-256 digests, compared whole, so that neither
/// the comparison's time nor a memory dump gives a token away easily.
#[derive(Clone, Default)]
pub struct CreationTokens(Vec<[u8; 32]>);

impl std::fmt::Debug for CreationTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CreationTokens({} tokens)", self.0.len())
    }
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl CreationTokens {
    /// Tokens given as they are (surrounding spaces are not part of one).
    pub fn new<S: AsRef<str>>(tokens: impl IntoIterator<Item = S>) -> Self {
        Self(
            tokens
                .into_iter()
                .map(|t| t.as_ref().trim().to_owned())
                .filter(|t| !t.is_empty())
                .map(|t| digest(&t))
                .collect(),
        )
    }

    /// Tokens from a file, one per line; blank lines and lines beginning
    /// with `#` are not tokens.
    pub fn read(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::TokenFile(path.to_owned(), e))?;
        Ok(Self::new(
            text.lines().filter(|l| !l.trim_start().starts_with('#')),
        ))
    }

    /// Whether room creation is open to anyone.
    pub fn open(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `token` lets its holder create a room here.
    pub fn admit(&self, token: Option<&str>) -> bool {
        if self.open() {
            return true;
        }
        let Some(token) = token.filter(|t| t.len() <= limits::MAX_TOKEN_BYTES) else {
            return false;
        };
        let given = digest(token.trim());
        self.0.iter().fold(false, |found, t| found | (*t == given))
    }

    fn extend(&mut self, other: CreationTokens) {
        self.0.extend(other.0);
    }
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("could not read the creation token file {0}: {1}")]
    TokenFile(PathBuf, #[source] std::io::Error),
    #[error("the creation token file {0} holds no token (one per line)")]
    NoToken(PathBuf),
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
    /// Who may create rooms (everyone, unless tokens are set).
    pub creation_tokens: CreationTokens,
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
            creation_tokens: CreationTokens::default(),
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
    /// Largest update frame (K, M, G suffixes).
    #[arg(long, env = "CAHIER_MAX_FRAME", default_value = "1M", value_parser = parse_size)]
    pub max_frame: usize,
    /// Largest presence frame.
    #[arg(long, env = "CAHIER_MAX_AWARENESS", default_value = "6K", value_parser = parse_size)]
    pub max_awareness: usize,
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
    /// Message ids of compacted updates each room remembers, so a replay
    /// of an old update is not stored again.
    #[arg(long, env = "CAHIER_REMEMBERED_IDS", default_value_t = 100_000)]
    pub remembered_ids: usize,
    /// Create rooms only for holders of this token (may be given more
    /// than once). Without a token, the relay serves existing rooms only.
    #[arg(long = "creation-token", env = "CAHIER_CREATION_TOKEN")]
    pub creation_token: Vec<String>,
    /// A file of creation tokens, one per line (blank lines and lines
    /// beginning with `#` are not tokens).
    #[arg(long, env = "CAHIER_CREATION_TOKEN_FILE")]
    pub creation_token_file: Option<PathBuf>,
}

impl Args {
    pub fn into_config(self) -> Result<Config, ConfigError> {
        let mut config = Config::new(self.data);
        config.static_dir = self.static_dir;
        config.durability = self.durability;
        config.room_idle = self.room_idle;
        config.creation_tokens = CreationTokens::new(&self.creation_token);
        if let Some(path) = &self.creation_token_file {
            let tokens = CreationTokens::read(path)?;
            if tokens.open() {
                // An empty file would silently open creation to everyone.
                return Err(ConfigError::NoToken(path.clone()));
            }
            config.creation_tokens.extend(tokens);
        }
        config.limits = Limits {
            max_frame_bytes: self.max_frame,
            max_snapshot_bytes: self.max_snapshot,
            max_awareness_bytes: self.max_awareness,
            remembered_ids: self.remembered_ids,
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
        Ok(config)
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
        let config = args.into_config().expect("a good configuration");
        assert_eq!(config.limits.max_frame_bytes, 64 << 10);
        assert_eq!(config.limits.messages_per_second, 5);
        assert_eq!(config.room_idle, Duration::from_millis(1500));
        assert_eq!(config.limits.max_snapshot_bytes, 32 << 20);
        assert_eq!(config.limits.max_awareness_bytes, 6 << 10);
        assert!(config.creation_tokens.open(), "creation is open by default");
    }

    #[test]
    fn creation_tokens_come_from_flags_and_a_file_and_only_they_admit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("tokens");
        std::fs::write(&file, "# the section's tokens\n\n  jeton-b  \njeton-c\n").expect("write");
        let config = Args::parse_from([
            "relay",
            "--creation-token",
            "jeton-a",
            "--creation-token-file",
            file.to_str().expect("utf-8"),
        ])
        .into_config()
        .expect("a good configuration");
        let tokens = &config.creation_tokens;
        assert!(!tokens.open());
        for good in ["jeton-a", "jeton-b", "jeton-c", " jeton-c\n"] {
            assert!(tokens.admit(Some(good)), "{good:?}");
        }
        for bad in [
            None,
            Some(""),
            Some("jeton"),
            Some("# the section's tokens"),
        ] {
            assert!(!tokens.admit(bad), "{bad:?}");
        }
        assert!(!tokens.admit(Some(&"j".repeat(limits::MAX_TOKEN_BYTES + 1))));
        assert!(!format!("{tokens:?}").contains("jeton"), "never in logs");

        std::fs::write(&file, "# nothing\n\n").expect("write");
        let empty = Args::parse_from([
            "relay",
            "--creation-token-file",
            file.to_str().expect("utf-8"),
        ])
        .into_config();
        assert!(matches!(empty, Err(ConfigError::NoToken(_))));
        let missing = Args::parse_from(["relay", "--creation-token-file", "/nonexistent/tokens"])
            .into_config();
        assert!(matches!(missing, Err(ConfigError::TokenFile(..))));
    }
}
