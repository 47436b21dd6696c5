//! The relay's configuration: command-line flags (each with an environment
//! variable fallback) turned into typed values. Every limit the relay
//! enforces is here, with its default and why; the rest of the code reads
//! them from [`Config`] and never hard-codes a number.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
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

/// Where the relay keeps its rooms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreConfig {
    /// One SQLite file in the data directory: the embedded default.
    Sqlite,
    /// NATS JetStream (`relay/src/store/nats.rs`): several relays can
    /// share a server or a cluster.
    Nats {
        /// `nats://host:port` of one or more servers of the cluster.
        servers: Vec<String>,
        /// Replicas of the stream and the bucket: 1 on a single server, 3
        /// on a three-node cluster. An update is acknowledged once this
        /// many servers hold it.
        replicas: usize,
    },
}

/// Limits on what one client, one room and the whole relay may use.
///
/// What a stranger can take without any key is bounded here: TCP
/// connections and the time their headers may take, websockets per
/// address, the size of the one frame read before `Hello` is accepted, the
/// bytes read per second, and what the relay queues for a client that
/// does not read. Storage is bounded by [`Quotas`].
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest frame other than a snapshot or presence (an update).
    pub max_frame_bytes: usize,
    /// Largest snapshot frame.
    pub max_snapshot_bytes: usize,
    /// Largest frame read before a `Hello` is accepted. A `Hello` is a few
    /// hundred bytes; anything larger is refused from its header, before
    /// its payload is read, so a stranger cannot make the relay buffer a
    /// large frame without proving it knows a room.
    pub max_hello_bytes: usize,
    /// Largest presence frame. The app's payload is at most 4 KiB
    /// (`model::awareness::MAX_PAYLOAD`); sealed and framed, with a
    /// signature, it stays under 4.3 KiB.
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
    /// TCP connections at once, HTTP and websockets together: past it, a
    /// new connection is closed as soon as it is accepted.
    pub max_tcp_connections: usize,
    /// Connections from one address (an IPv4 address, an IPv6 /64): TCP
    /// connections when clients connect directly, websockets per forwarded
    /// address behind a trusted proxy.
    pub max_connections_per_ip: usize,
    /// Rooms one address may create per `creation_window`, refilled
    /// evenly over the window (a token bucket).
    pub creations_per_ip: u32,
    pub creation_window: Duration,
    /// Sustained messages per second from one connection; bursts of twice
    /// this are allowed.
    pub messages_per_second: u32,
    /// Sustained bytes per second read from one connection. Past it the
    /// relay stops reading that socket until the budget refills, so TCP
    /// slows the sender down; nothing is refused.
    pub bytes_per_second: usize,
    /// Bytes a connection may send at once before `bytes_per_second`
    /// applies.
    pub byte_burst: usize,
    /// Frames queued for one connection before it counts as lagging and is
    /// disconnected.
    pub outbound_queue: usize,
    /// Bytes queued for one connection before it counts as lagging. One
    /// frame larger than this still goes, alone.
    pub outbound_queue_bytes: usize,
    /// A connection whose socket accepts no byte for this long, while the
    /// relay has something to write, is closed.
    pub write_timeout: Duration,
    /// Time a client has to send its HTTP request headers, and the longest
    /// an idle HTTP connection stays open between requests.
    pub header_timeout: Duration,
    /// Time a new connection has to say `Hello`.
    pub hello_timeout: Duration,
    /// The relay pings every connection this often, which keeps proxies
    /// from closing quiet connections. A connection that answered none of
    /// the last three pings (a laptop that went to sleep, a client that
    /// never reads) is closed, freeing its slot.
    pub keepalive: Duration,
    /// Times a connection's writer lets the other tasks run before it
    /// writes what is queued, so that more frames go in one write (0:
    /// write at once).
    pub write_yields: u32,
    /// Presence from one connection is forwarded at most once per this
    /// interval, the latest state winning (zero: every state at once).
    pub presence_interval: Duration,
    /// Time a catch-up may wait on a client that does not read.
    pub catch_up_stall: Duration,
    /// Target size of one catch-up chunk: a `SnapshotChunk` or an
    /// `Updates` frame.
    pub catch_up_chunk_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_frame_bytes: limits::MAX_FRAME_BYTES,
            max_snapshot_bytes: limits::MAX_SNAPSHOT_BYTES,
            max_hello_bytes: 4 << 10,
            max_awareness_bytes: limits::MAX_AWARENESS_FRAME,
            remembered_ids: 100_000,
            max_peers_per_room: 2_000,
            max_rooms: 10_000,
            max_connections: 10_000,
            max_tcp_connections: 11_000,
            max_connections_per_ip: 64,
            creations_per_ip: 20,
            creation_window: Duration::from_secs(3600),
            messages_per_second: 100,
            bytes_per_second: 1 << 20,
            byte_burst: 8 << 20,
            outbound_queue: 1024,
            outbound_queue_bytes: 4 << 20,
            write_timeout: Duration::from_secs(30),
            header_timeout: Duration::from_secs(10),
            hello_timeout: Duration::from_secs(10),
            keepalive: Duration::from_secs(30),
            presence_interval: Duration::from_millis(50),
            write_yields: 1,
            catch_up_stall: Duration::from_secs(30),
            catch_up_chunk_bytes: 256 << 10,
        }
    }
}

/// How much the relay stores.
#[derive(Clone, Debug)]
pub struct Quotas {
    /// Bytes one room may hold: its snapshot and the updates after it,
    /// each counted with its row (ids, signature). Past it, updates are
    /// refused with `QuotaExceeded`; a snapshot that makes the room
    /// smaller is always taken, so editors can make room.
    pub room_bytes: u64,
    /// Bytes the whole database may hold (SQLite pages in use). Past it,
    /// every room's updates are refused with `QuotaExceeded`; SQLite
    /// itself is told the same limit (`max_page_count`), so nothing grows
    /// past it even between two checks. A full disk is refused the same
    /// way.
    pub total_bytes: u64,
}

impl Default for Quotas {
    fn default() -> Self {
        Self {
            room_bytes: 64 << 20,
            total_bytes: 4 << 30,
        }
    }
}

/// Where requests come from, and which pages may open a websocket.
#[derive(Clone, Debug)]
pub struct Access {
    /// Peers whose `X-Forwarded-For` header is believed: the reverse
    /// proxy in front of the relay. A request from anyone else is counted
    /// under its own address, whatever it claims.
    pub trusted_proxies: Vec<IpAddr>,
    /// Origins (`https://host[:port]`) whose pages may open `/ws`, besides
    /// the relay's own host. A request without an `Origin` (the command
    /// line, native clients) is allowed: only browsers send one, and the
    /// check exists to stop other sites' pages from using their visitors'
    /// browsers against this relay.
    pub allowed_origins: Vec<String>,
}

impl Default for Access {
    fn default() -> Self {
        Self {
            trusted_proxies: vec![
                IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(Ipv6Addr::LOCALHOST),
            ],
            allowed_origins: Vec::new(),
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
    /// SQLite in `data_dir`, or NATS JetStream.
    pub store: StoreConfig,
    /// Directory of static files (the built app) served at `/`.
    pub static_dir: Option<PathBuf>,
    pub durability: Durability,
    pub limits: Limits,
    pub quotas: Quotas,
    pub access: Access,
    pub compaction: Compaction,
    /// Who may create rooms (everyone, unless tokens are set).
    pub creation_tokens: CreationTokens,
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
            store: StoreConfig::Sqlite,
            static_dir: None,
            durability: Durability::Full,
            limits: Limits::default(),
            quotas: Quotas::default(),
            access: Access::default(),
            compaction: Compaction::default(),
            creation_tokens: CreationTokens::default(),
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

fn parse_bytes(text: &str) -> Result<u64, String> {
    parse_size(text).map(|n| n as u64)
}

/// A comma-separated list, empty items dropped.
fn parse_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `sqlite`, or `nats://host:port[,host:port…]` (the scheme may be left
/// out of the second and later addresses).
fn parse_store(text: &str) -> Result<StoreLocation, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("sqlite") {
        return Ok(StoreLocation(None));
    }
    let Some(rest) = text.strip_prefix("nats://") else {
        return Err(format!(
            "not a store: {text:?} (sqlite, or nats://host:port[,host:port…])"
        ));
    };
    let servers = parse_list(rest)
        .into_iter()
        .map(|s| {
            let s = s.strip_prefix("nats://").unwrap_or(&s);
            match s.rsplit_once(':') {
                Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => {
                    Ok(format!("nats://{s}"))
                }
                _ => Err(format!("not a NATS server (host:port): {s:?}")),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    if servers.is_empty() {
        return Err("nats:// needs at least one host:port".into());
    }
    Ok(StoreLocation(Some(servers)))
}

/// The `--store` flag: `None` for SQLite, or the NATS servers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreLocation(pub Option<Vec<String>>);

/// Addresses given as one comma-separated flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpList(pub Vec<IpAddr>);

/// Origins given as one comma-separated flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginList(pub Vec<String>);

fn parse_ips(text: &str) -> Result<IpList, String> {
    parse_list(text)
        .iter()
        .map(|s| s.parse().map_err(|_| format!("not an IP address: {s:?}")))
        .collect::<Result<_, _>>()
        .map(IpList)
}

/// An origin as browsers send it: `scheme://host[:port]`, lower case,
/// without a path.
fn parse_origins(text: &str) -> Result<OriginList, String> {
    parse_list(text)
        .into_iter()
        .map(|o| {
            let o = o.trim_end_matches('/').to_ascii_lowercase();
            match o.split_once("://") {
                Some((scheme, host))
                    if !scheme.is_empty() && !host.is_empty() && !host.contains('/') =>
                {
                    Ok(o)
                }
                _ => Err(format!("not an origin (scheme://host[:port]): {o:?}")),
            }
        })
        .collect::<Result<_, _>>()
        .map(OriginList)
}

/// Cahier's relay: stores and forwards end-to-end encrypted documents.
#[derive(Parser, Debug)]
#[command(name = "relay", version, about)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, env = "CAHIER_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Serve `/metrics` on this address instead of the public one (which
    /// then has none): keep it off the internet.
    #[arg(long, env = "CAHIER_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    /// Directory of the SQLite file (created if missing).
    #[arg(long, env = "CAHIER_DATA", default_value = "./data")]
    pub data: PathBuf,
    /// Where rooms are stored: `sqlite` (one file in the data directory),
    /// or NATS JetStream, `nats://host:port[,host:port…]`.
    #[arg(long, env = "CAHIER_STORE", default_value = "sqlite", value_parser = parse_store)]
    pub store: StoreLocation,
    /// Replicas of the JetStream stream and bucket (with `--store
    /// nats://…`): an update is acknowledged once this many servers hold
    /// it. 3 on a three-node cluster.
    #[arg(long, env = "CAHIER_NATS_REPLICAS", default_value_t = 1)]
    pub nats_replicas: usize,
    /// Instead of serving: copy every room of the SQLite store in
    /// `--data` to this JetStream store (`nats://host:port[,…]`, with
    /// `--nats-replicas`), check each, and exit. Rooms already there are
    /// skipped; the relay must be stopped meanwhile.
    #[arg(long, value_parser = parse_store)]
    pub migrate_to: Option<StoreLocation>,
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
    /// Largest snapshot frame.
    #[arg(long, env = "CAHIER_MAX_SNAPSHOT", default_value = "32M", value_parser = parse_size)]
    pub max_snapshot: usize,
    /// Largest frame before `Hello` is accepted.
    #[arg(long, env = "CAHIER_MAX_HELLO", default_value = "4K", value_parser = parse_size)]
    pub max_hello: usize,
    /// Largest presence frame.
    #[arg(long, env = "CAHIER_MAX_AWARENESS", default_value = "5K", value_parser = parse_size)]
    pub max_awareness: usize,
    /// Peers in one room at once.
    #[arg(long, env = "CAHIER_MAX_PEERS_PER_ROOM", default_value_t = 2_000)]
    pub max_peers_per_room: usize,
    /// Rooms open at once.
    #[arg(long, env = "CAHIER_MAX_ROOMS", default_value_t = 10_000)]
    pub max_rooms: usize,
    /// Websocket connections at once.
    #[arg(long, env = "CAHIER_MAX_CONNECTIONS", default_value_t = 10_000)]
    pub max_connections: usize,
    /// TCP connections at once (HTTP and websockets).
    #[arg(long, env = "CAHIER_MAX_TCP_CONNECTIONS", default_value_t = 11_000)]
    pub max_tcp_connections: usize,
    /// Connections from one address (IPv4 address, IPv6 /64).
    #[arg(long, env = "CAHIER_MAX_CONNECTIONS_PER_IP", default_value_t = 64)]
    pub max_connections_per_ip: usize,
    /// Rooms one address may create per creation window.
    #[arg(long, env = "CAHIER_CREATIONS_PER_IP", default_value_t = 20)]
    pub creations_per_ip: u32,
    /// The creation window, in seconds.
    #[arg(long, env = "CAHIER_CREATION_WINDOW", default_value = "3600", value_parser = parse_seconds)]
    pub creation_window: Duration,
    /// Sustained messages per second per connection (bursts of twice this).
    #[arg(long, env = "CAHIER_RATE", default_value_t = 100)]
    pub rate: u32,
    /// Sustained bytes per second read from one connection.
    #[arg(long, env = "CAHIER_BYTE_RATE", default_value = "1M", value_parser = parse_size)]
    pub byte_rate: usize,
    /// Bytes one connection may send at once before the byte rate applies.
    #[arg(long, env = "CAHIER_BYTE_BURST", default_value = "8M", value_parser = parse_size)]
    pub byte_burst: usize,
    /// Frames queued per connection before it is disconnected as lagging.
    #[arg(long, env = "CAHIER_QUEUE", default_value_t = 1024)]
    pub queue: usize,
    /// Bytes queued per connection before it is disconnected as lagging.
    #[arg(long, env = "CAHIER_QUEUE_BYTES", default_value = "4M", value_parser = parse_size)]
    pub queue_bytes: usize,
    /// Milliseconds between two presence frames forwarded from one
    /// connection; the states in between are replaced by the latest.
    /// 0 forwards every one.
    #[arg(long, env = "CAHIER_PRESENCE_INTERVAL", default_value_t = 50)]
    pub presence_interval: u64,
    /// Times a connection's writer steps aside for the other tasks before
    /// it writes what is queued, so that frames fanned out together go in
    /// one write. 0 writes at once.
    #[arg(long, env = "CAHIER_WRITE_YIELDS", default_value_t = 1)]
    pub write_yields: u32,
    /// Seconds a socket may accept no byte while the relay writes to it.
    #[arg(long, env = "CAHIER_WRITE_TIMEOUT", default_value = "30", value_parser = parse_seconds)]
    pub write_timeout: Duration,
    /// Seconds a client has to send its HTTP request headers.
    #[arg(long, env = "CAHIER_HEADER_TIMEOUT", default_value = "10", value_parser = parse_seconds)]
    pub header_timeout: Duration,
    /// Bytes one room may store.
    #[arg(long, env = "CAHIER_ROOM_QUOTA", default_value = "64M", value_parser = parse_bytes)]
    pub room_quota: u64,
    /// Bytes the whole database may hold.
    #[arg(long, env = "CAHIER_STORAGE_QUOTA", default_value = "4G", value_parser = parse_bytes)]
    pub storage_quota: u64,
    /// Proxies whose X-Forwarded-For is believed (comma-separated).
    #[arg(long, env = "CAHIER_TRUSTED_PROXIES", default_value = "127.0.0.1,::1", value_parser = parse_ips)]
    pub trusted_proxies: IpList,
    /// Origins whose pages may connect, besides the relay's own host
    /// (comma-separated, `https://host[:port]`).
    #[arg(long, env = "CAHIER_ALLOWED_ORIGINS", default_value = "", value_parser = parse_origins)]
    pub allowed_origins: OriginList,
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
    /// than once). Without one of them, the relay serves existing rooms
    /// only. Recommended for a group's own server.
    #[arg(long = "creation-token", env = "CAHIER_CREATION_TOKEN")]
    pub creation_token: Vec<String>,
    /// A file of creation tokens, one per line (blank lines and lines
    /// beginning with `#` are not tokens): keeps them out of `ps`.
    #[arg(long, env = "CAHIER_CREATION_TOKEN_FILE")]
    pub creation_token_file: Option<PathBuf>,
}

impl Args {
    /// The store `--migrate-to` names, if the relay is to migrate rather
    /// than serve.
    pub fn migration(&self) -> Option<StoreConfig> {
        let location = self.migrate_to.as_ref()?;
        Some(match &location.0 {
            None => StoreConfig::Sqlite,
            Some(servers) => StoreConfig::Nats {
                servers: servers.clone(),
                replicas: self.nats_replicas.max(1),
            },
        })
    }

    pub fn into_config(self) -> Result<Config, ConfigError> {
        let mut config = Config::new(self.data);
        config.store = match self.store.0 {
            None => StoreConfig::Sqlite,
            Some(servers) => StoreConfig::Nats {
                servers,
                replicas: self.nats_replicas.max(1),
            },
        };
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
            max_hello_bytes: self.max_hello.max(256),
            max_awareness_bytes: self.max_awareness,
            remembered_ids: self.remembered_ids,
            max_peers_per_room: self.max_peers_per_room,
            max_rooms: self.max_rooms,
            max_connections: self.max_connections,
            max_tcp_connections: self.max_tcp_connections.max(1),
            max_connections_per_ip: self.max_connections_per_ip.max(1),
            creations_per_ip: self.creations_per_ip,
            creation_window: self.creation_window.max(Duration::from_secs(1)),
            messages_per_second: self.rate.max(1),
            bytes_per_second: self.byte_rate.max(1024),
            byte_burst: self.byte_burst.max(self.byte_rate).max(64 << 10),
            outbound_queue: self.queue.max(2),
            outbound_queue_bytes: self.queue_bytes.max(64 << 10),
            write_timeout: self.write_timeout,
            header_timeout: self.header_timeout,
            presence_interval: Duration::from_millis(self.presence_interval.min(10_000)),
            write_yields: self.write_yields.min(16),
            ..Limits::default()
        };
        config.quotas = Quotas {
            room_bytes: self.room_quota,
            total_bytes: self.storage_quota,
        };
        config.access = Access {
            trusted_proxies: self.trusted_proxies.0,
            allowed_origins: self.allowed_origins.0,
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
    fn the_store_is_sqlite_unless_nats_servers_are_given() {
        let config = Args::parse_from(["relay"]).into_config().expect("usable");
        assert_eq!(config.store, StoreConfig::Sqlite);
        let args = Args::parse_from([
            "relay",
            "--store",
            "nats://10.0.0.1:4222,nats-2:4222",
            "--nats-replicas",
            "3",
        ]);
        assert_eq!(
            args.into_config().expect("usable").store,
            StoreConfig::Nats {
                servers: vec!["nats://10.0.0.1:4222".into(), "nats://nats-2:4222".into()],
                replicas: 3,
            }
        );
        assert_eq!(Args::parse_from(["relay"]).migration(), None);
        let args = Args::parse_from([
            "relay",
            "--migrate-to",
            "nats://a:4222,b:4222",
            "--nats-replicas",
            "3",
        ]);
        assert_eq!(
            args.migration(),
            Some(StoreConfig::Nats {
                servers: vec!["nats://a:4222".into(), "nats://b:4222".into()],
                replicas: 3,
            })
        );
        assert_eq!(
            args.into_config().expect("usable").store,
            StoreConfig::Sqlite,
            "the source stays the SQLite store"
        );
        assert!(parse_store("nats://").is_err());
        assert!(parse_store("nats://host").is_err());
        assert!(parse_store("postgres://host:5432").is_err());
    }

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
        let config = args.into_config().expect("a usable configuration");
        assert_eq!(config.limits.max_frame_bytes, 64 << 10);
        assert_eq!(config.limits.messages_per_second, 5);
        assert_eq!(config.room_idle, Duration::from_millis(1500));
        assert_eq!(config.limits.max_snapshot_bytes, 32 << 20);
        assert_eq!(config.limits.max_awareness_bytes, 5 << 10);
        assert!(config.creation_tokens.open(), "creation is open by default");
    }

    #[test]
    fn the_flags_defaults_are_the_typed_defaults() {
        let config = Args::parse_from(["relay"])
            .into_config()
            .expect("a usable configuration");
        let (flags, typed) = (&config.limits, Limits::default());
        assert_eq!(flags.max_hello_bytes, typed.max_hello_bytes);
        assert_eq!(flags.max_awareness_bytes, typed.max_awareness_bytes);
        assert_eq!(flags.max_tcp_connections, typed.max_tcp_connections);
        assert_eq!(flags.max_connections_per_ip, typed.max_connections_per_ip);
        assert_eq!(flags.creations_per_ip, typed.creations_per_ip);
        assert_eq!(flags.creation_window, typed.creation_window);
        assert_eq!(flags.bytes_per_second, typed.bytes_per_second);
        assert_eq!(flags.byte_burst, typed.byte_burst);
        assert_eq!(flags.outbound_queue_bytes, typed.outbound_queue_bytes);
        assert_eq!(flags.write_timeout, typed.write_timeout);
        assert_eq!(flags.header_timeout, typed.header_timeout);
        assert_eq!(config.quotas.room_bytes, Quotas::default().room_bytes);
        assert_eq!(config.quotas.total_bytes, Quotas::default().total_bytes);
        assert_eq!(
            config.access.trusted_proxies,
            Access::default().trusted_proxies
        );
        assert!(config.access.allowed_origins.is_empty());
    }

    #[test]
    fn creation_tokens_come_from_flags_and_a_file_and_only_they_admit() {
        let config = Args::parse_from(["relay"])
            .into_config()
            .expect("a usable configuration");
        assert!(config.creation_tokens.open(), "creation is open by default");
        assert!(config.creation_tokens.admit(None));

        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("tokens");
        std::fs::write(&file, "# the group's tokens\n\n  du fichier  \n").expect("write");
        let path = file.to_str().expect("utf-8");
        let config = Args::parse_from([
            "relay",
            "--creation-token",
            "jeton",
            "--creation-token-file",
            path,
        ])
        .into_config()
        .expect("a usable configuration");
        let tokens = &config.creation_tokens;
        assert!(!tokens.open());
        assert!(tokens.admit(Some("jeton")));
        assert!(
            tokens.admit(Some("du fichier")),
            "spaces around are not part of it"
        );
        assert!(
            !tokens.admit(Some("# the group's tokens")),
            "a comment is not a token"
        );
        assert!(!tokens.admit(Some("jeto")));
        assert!(!tokens.admit(Some("")));
        assert!(!tokens.admit(None));
        assert!(!tokens.admit(Some(&"j".repeat(limits::MAX_TOKEN_BYTES + 1))));
        assert_eq!(
            format!("{tokens:?}"),
            "CreationTokens(2 tokens)",
            "no token in logs"
        );

        std::fs::write(&file, "# none yet\n").expect("write");
        let empty = Args::parse_from(["relay", "--creation-token-file", path]).into_config();
        assert!(
            matches!(empty, Err(ConfigError::NoToken(_))),
            "an empty file does not open creation"
        );
        let missing = Args::parse_from(["relay", "--creation-token-file", "/nonexistent/tokens"])
            .into_config();
        assert!(matches!(missing, Err(ConfigError::TokenFile(..))));
    }

    #[test]
    fn lists_of_proxies_and_origins_parse_and_bad_ones_are_refused() {
        let args = Args::parse_from([
            "relay",
            "--trusted-proxies",
            "10.0.0.1, fd00::1",
            "--allowed-origins",
            "https://Cahier.Example/,http://localhost:8080",
            "--room-quota",
            "1M",
            "--storage-quota",
            "2G",
        ]);
        let config = args.into_config().expect("a usable configuration");
        assert_eq!(
            config.access.trusted_proxies,
            vec![
                "10.0.0.1".parse::<IpAddr>().unwrap(),
                "fd00::1".parse().unwrap()
            ]
        );
        assert_eq!(
            config.access.allowed_origins,
            ["https://cahier.example", "http://localhost:8080"]
        );
        assert_eq!(config.quotas.room_bytes, 1 << 20);
        assert_eq!(config.quotas.total_bytes, 2 << 30);
        assert!(parse_ips("10.0.0.300").is_err());
        assert_eq!(parse_origins(""), Ok(OriginList(Vec::new())));
        assert!(parse_origins("cahier.example").is_err());
        assert!(parse_origins("https://cahier.example/path").is_err());
    }
}
