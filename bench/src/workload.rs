//! The five workloads, each run against one freshly started server with an
//! empty data directory, so that peak memory and bytes written belong to
//! that workload alone.
//!
//! - **W1** many small rooms: rooms × clients, every client typing.
//! - **W2** one hot room: many clients in one room, every client typing.
//! - **W3** many idle connections: memory per connection.
//! - **W4** cold open: a long real editing trace typed into one room,
//!   the server restarted, then the time for 1 (and then 20) readers to
//!   hold the whole text.
//! - **W5** durability: SIGKILL mid-run, then count confirmed keystrokes
//!   missing after the restart.
//!
//! In every room one client connects and catches up before the others
//! join: y-sweet loses updates when two clients load a room at the same
//! instant (its `get_or_create_doc` checks and loads without a lock).
//! Every wait is bounded; a run that cannot finish fails with a reason.

use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use anyhow::{bail, Context as _};
use futures_util::{SinkExt as _, StreamExt as _};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use yrs::updates::decoder::Decode as _;
use yrs::Transact as _;

use crate::client::{Client, Control, Record, RoomRecord, Spec};
use crate::codec::{CahierOptions, Codec, Event, Room, ServerKind};
use crate::report::{Delays, Outcome, Row};
use crate::server::{dir_size, Programs, Server, Usage};
use crate::trace::Trace;

/// Settings shared by every workload.
pub struct Settings {
    pub programs: Programs,
    /// Each run gets a data directory below this one.
    pub data_root: PathBuf,
    /// Steady typing time of W1, W2 and W5.
    pub duration: Duration,
    pub warmup: Duration,
    pub verify_signatures: bool,
    /// The typing clients send presence with each keystroke.
    pub presence: bool,
    /// A generator using more than this share of its core is saturated.
    pub saturation: f64,
    pub seed: u64,
    pub w1: (usize, usize, f64),
    pub w2_rate: f64,
    pub w3: (usize, usize),
    pub w4_readers: usize,
    pub w5: (usize, usize, f64),
    /// W5: typing time before the SIGKILL.
    pub w5_kill_after: Duration,
    pub trace: Option<Rc<TraceLoad>>,
}

/// A trace, typed once into updates for every server.
pub struct TraceLoad {
    pub trace: Trace,
    pub updates: Vec<Vec<u8>>,
}

/// A workload and its parameters.
#[derive(Clone, Debug)]
pub enum Workload {
    W1,
    W2(usize),
    W3,
    W4,
    W5,
}

const LOADER_ID: u64 = 1_000_000;
const READER_ID: u64 = 2_000_000;
const SYNC_LIMIT: Duration = Duration::from_secs(30);

impl Settings {
    fn client(
        &self,
        kind: ServerKind,
        server: &Server,
        room: &Room,
        client_id: u64,
        rate: f64,
    ) -> Spec {
        Spec {
            kind,
            addr: server.addr_for(client_id).to_string(),
            room: room.clone(),
            client_id,
            rate,
            presence: self.presence,
            verify_signatures: self.verify_signatures,
            compacts: true,
        }
    }

    fn data_dir(&self, kind: ServerKind, name: &str) -> anyhow::Result<PathBuf> {
        let dir = self.data_root.join(format!("{}-{}", kind.name(), name));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        Ok(dir)
    }

    /// Run one workload against one server; a failure becomes a failed row.
    pub async fn run(&self, kind: ServerKind, workload: &Workload) -> Vec<Row> {
        let name = match workload {
            Workload::W1 => "W1".to_owned(),
            Workload::W2(n) => format!("W2-{n}"),
            Workload::W3 => "W3".to_owned(),
            Workload::W4 => "W4".to_owned(),
            Workload::W5 => "W5".to_owned(),
        };
        let result = match workload {
            Workload::W1 => {
                let (rooms, clients, rate) = self.w1;
                self.typing(kind, &name, rooms, clients, rate)
                    .await
                    .map(|r| vec![r])
            }
            Workload::W2(n) => self
                .typing(kind, &name, 1, *n, self.w2_rate)
                .await
                .map(|r| vec![r]),
            Workload::W3 => self.idle(kind, &name).await.map(|r| vec![r]),
            Workload::W4 => self.cold_open(kind).await,
            Workload::W5 => self.durability(kind, &name).await.map(|r| vec![r]),
        };
        result.unwrap_or_else(|e| {
            vec![Row {
                server: kind,
                workload: name,
                delays: None,
                deliveries_per_sec: None,
                usage: Usage::default(),
                disk: 0,
                result: String::new(),
                generator_cpu: 0.0,
                outcome: Outcome::Failed(format!("{e:#}")),
            }]
        })
    }

    /// Connect `per_room` clients to each room, the first of each room
    /// caught up before the others join.
    async fn join(
        &self,
        kind: ServerKind,
        server: &Server,
        rooms: &[(Room, Rc<RoomRecord>)],
        per_room: usize,
        rate: f64,
        record: &Rc<Record>,
    ) -> anyhow::Result<Vec<Vec<Client>>> {
        let mut clients: Vec<Vec<Client>> = (0..rooms.len()).map(|_| Vec::new()).collect();
        for wave in [0..1, 1..per_room] {
            for (r, (room, room_record)) in rooms.iter().enumerate() {
                for i in wave.clone() {
                    let id = (r * per_room + i + 1) as u64;
                    let mut spec = self.client(kind, server, room, id, rate);
                    // One editor per room answers the relay's CompactHint.
                    spec.compacts = i == 0;
                    let client = Client::connect(spec, record.clone(), room_record.clone())
                        .await
                        .with_context(|| format!("client {i} of room {r}"))?;
                    clients[r].push(client);
                }
            }
            for c in clients.iter_mut().flatten() {
                c.synced(SYNC_LIMIT).await?;
            }
        }
        Ok(clients)
    }

    /// W1 and W2: clients typing in rooms for `duration`.
    async fn typing(
        &self,
        kind: ServerKind,
        name: &str,
        rooms: usize,
        per_room: usize,
        rate: f64,
    ) -> anyhow::Result<Row> {
        let data = self.data_dir(kind, name)?;
        let mut server = Server::start(&self.programs, kind, &data)?;
        let record = Rc::new(Record::default());
        let rooms: Vec<(Room, Rc<RoomRecord>)> = (0..rooms)
            .map(|i| (Room::new(self.seed, i), Rc::new(RoomRecord::default())))
            .collect();
        let clients = self
            .join(kind, &server, &rooms, per_room, rate, &record)
            .await?;
        let typing = Instant::now();
        for c in clients.iter().flatten() {
            c.set(Control::Type);
        }
        tokio::time::sleep(self.warmup).await;
        let window = Window::open(&server);
        record.measuring.set(true);
        tokio::time::sleep(self.duration).await;
        record.measuring.set(false);
        let (usage, gen_cpu, secs) = window.close(&server);
        for c in clients.iter().flatten() {
            c.set(Control::Idle);
        }
        let target = typing.elapsed().as_secs_f64() * rate * (rooms.len() * per_room) as f64;
        let converged = converge(&clients, &rooms, Duration::from_secs(30)).await;
        let typed: u64 = rooms.iter().map(|(_, r)| r.typed()).sum();
        for c in clients.into_iter().flatten() {
            let _ = c.stop(Duration::from_secs(2)).await;
        }
        server.stop(Duration::from_secs(10))?;
        let mut latencies = record.latencies.take();
        let delays = Delays::from_micros(&mut latencies);
        let mut ack_latencies = record.ack_latencies.take();
        let acks = match Delays::from_micros(&mut ack_latencies) {
            Some(d) => format!(", acks p50/p99 {:.1}/{:.1} ms", d.p50, d.p99),
            None => String::new(),
        };
        let outcome = outcome(&record, converged, gen_cpu, self.saturation);
        Ok(Row {
            server: kind,
            workload: name.to_owned(),
            delays,
            deliveries_per_sec: Some(record.deliveries.get() as f64 / secs),
            usage,
            disk: dir_size(&data),
            // Fewer keystrokes than the target: clients were held up
            // sending (a server not reading, or a busy generator).
            result: format!(
                "{} clients, {typed} keystrokes ({:.0}% of the target rate){acks}",
                rooms.len() * per_room,
                typed as f64 / target * 100.0
            ),
            generator_cpu: gen_cpu,
            outcome,
        })
    }

    /// W3: ramp to many idle connections; memory per connection.
    async fn idle(&self, kind: ServerKind, name: &str) -> anyhow::Result<Row> {
        let (connections, rooms) = self.w3;
        let per_room = connections.div_ceil(rooms.max(1));
        let data = self.data_dir(kind, name)?;
        let mut server = Server::start(&self.programs, kind, &data)?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        let before = server.usage();
        let window = Window::open(&server);
        let started = Instant::now();
        let record = Rc::new(Record::default());
        let rooms: Vec<(Room, Rc<RoomRecord>)> = (0..rooms)
            .map(|i| (Room::new(self.seed, i), Rc::new(RoomRecord::default())))
            .collect();
        let clients = self
            .join(kind, &server, &rooms, per_room, 0.0, &record)
            .await?;
        let ramp = started.elapsed();
        tokio::time::sleep(Duration::from_secs(2)).await;
        let (usage, gen_cpu, _) = window.close(&server);
        let n = clients.iter().map(Vec::len).sum::<usize>();
        let alive = clients.iter().flatten().filter(|c| c.is_synced()).count();
        for c in clients.into_iter().flatten() {
            let _ = c.stop(Duration::from_secs(2)).await;
        }
        server.stop(Duration::from_secs(10))?;
        let per_conn = usage.rss.saturating_sub(before.rss) as f64 / n as f64 / 1024.0;
        let mut outcome = outcome(&record, Ok(()), gen_cpu, self.saturation);
        if alive != n && outcome == Outcome::Ok {
            outcome = Outcome::Failed(format!("{alive} of {n} connections caught up"));
        }
        Ok(Row {
            server: kind,
            workload: name.to_owned(),
            delays: None,
            deliveries_per_sec: None,
            usage,
            disk: dir_size(&data),
            result: format!(
                "{n} connections in {:.1} s, {per_conn:.1} KiB each",
                ramp.as_secs_f64()
            ),
            generator_cpu: gen_cpu,
            outcome,
        })
    }

    /// W4: type a whole trace into a room, restart, time cold opens.
    async fn cold_open(&self, kind: ServerKind) -> anyhow::Result<Vec<Row>> {
        let load = self.trace.as_ref().context("no trace loaded")?;
        let data = self.data_dir(kind, "W4")?;
        // The trace is replayed far faster than anyone types: lift the
        // relay's per-connection rate limit for the load only (the restart
        // below runs the defaults again).
        let mut server =
            Server::start_with(&self.programs, kind, &data, &[("CAHIER_RATE", "10000000")])?;
        let room = Room::new(self.seed, 0);
        let started = Instant::now();
        // The Yjs servers do not acknowledge: the loader stays connected
        // until a reader holds the whole text (y-websocket and y-sweet drop
        // what they have not processed when the only editor leaves).
        let addr = server.addr.to_string();
        load_updates(kind, &addr, &room, &load.updates, true, || {
            self.holds(kind, &server, &room, &load.trace.end)
        })
        .await?;
        let loaded = started.elapsed();
        let settled = settle(&server, Duration::from_secs(180)).await;
        let written = server.usage().write_bytes;
        let mut rows = Vec::new();
        for (readers, label) in [
            (1, "W4-cold×1".to_owned()),
            (self.w4_readers, format!("W4-cold×{}", self.w4_readers)),
        ] {
            server.restart(&self.programs, false)?;
            let window = Window::open(&server);
            let result = self
                .open(kind, &server, &room, readers, &load.trace.end)
                .await;
            let (usage, gen_cpu, _) = window.close(&server);
            let mut usage = usage;
            usage.write_bytes = written;
            let (outcome, text) = match result {
                Ok((times, _)) => {
                    let mut times = times;
                    times.sort_unstable_by(|a, b| a.total_cmp(b));
                    let text = if readers == 1 {
                        format!("open {:.2} s", times[0])
                    } else {
                        format!(
                            "open p50 {:.2} s, max {:.2} s",
                            times[times.len() / 2],
                            times[times.len() - 1]
                        )
                    };
                    let outcome = if gen_cpu > self.saturation {
                        Outcome::Saturated(format!("{:.0}% of a core", gen_cpu * 100.0))
                    } else {
                        Outcome::Ok
                    };
                    (outcome, text)
                }
                Err(e) => (Outcome::Failed(format!("{e:#}")), String::new()),
            };
            let text = if readers == 1 {
                format!(
                    "{text}; {} updates loaded in {:.0} s, idle {:.0} s later",
                    load.updates.len(),
                    loaded.as_secs_f64(),
                    settled.as_secs_f64(),
                )
            } else {
                text
            };
            rows.push(Row {
                server: kind,
                workload: label,
                delays: None,
                deliveries_per_sec: None,
                usage,
                disk: dir_size(&data),
                result: text,
                generator_cpu: gen_cpu,
                outcome,
            });
        }
        server.stop(Duration::from_secs(10))?;
        Ok(rows)
    }

    /// Wait until the server holds `end`: a fresh reader each second, so a
    /// reader that missed a broadcast (y-sweet drops them for a lagging
    /// receiver) does not stall the check.
    async fn holds(
        &self,
        kind: ServerKind,
        server: &Server,
        room: &Room,
        end: &str,
    ) -> anyhow::Result<()> {
        let record = Rc::new(Record::default());
        let started = Instant::now();
        for attempt in 0u64.. {
            let mut spec = self.client(kind, server, room, READER_ID + 100 + attempt, 0.0);
            spec.compacts = false;
            spec.presence = false;
            // A server busy with the load may not answer in time: try again.
            let text =
                match Client::connect(spec, record.clone(), Rc::new(RoomRecord::default())).await {
                    Ok(mut reader) => {
                        let synced = reader.synced(SYNC_LIMIT).await;
                        tokio::time::sleep(Duration::from_millis(500)).await;
                        let text = reader.text();
                        let _ = reader.stop(Duration::from_secs(2)).await;
                        synced.map(|()| text).unwrap_or_default()
                    }
                    Err(_) => String::new(),
                };
            if text == end {
                return Ok(());
            }
            if started.elapsed() > Duration::from_secs(300) {
                bail!(
                    "the server holds {} of {} characters after loading",
                    text.chars().count(),
                    end.chars().count()
                );
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        unreachable!("the loop returns or fails")
    }

    /// Connect `readers` readers at once; seconds until each holds `end`.
    async fn open(
        &self,
        kind: ServerKind,
        server: &Server,
        room: &Room,
        readers: usize,
        end: &str,
    ) -> anyhow::Result<(Vec<f64>, ())> {
        let record = Rc::new(Record::default());
        let room_record = Rc::new(RoomRecord::default());
        let started = Instant::now();
        let mut clients = Vec::new();
        for i in 0..readers {
            let mut spec = self.client(kind, server, room, READER_ID + i as u64, 0.0);
            spec.compacts = false;
            clients.push(Client::connect(spec, record.clone(), room_record.clone()).await?);
        }
        let mut done: Vec<Option<f64>> = vec![None; readers];
        let end_len = end.encode_utf16().count() as u32;
        let limit = Duration::from_secs(180);
        while done.iter().any(Option::is_none) {
            if started.elapsed() > limit {
                let have = clients
                    .iter()
                    .map(|c| c.text().chars().count())
                    .min()
                    .unwrap_or_default();
                bail!(
                    "{} of {readers} readers did not get the whole text within {limit:?} \
                     (the shortest has {have} of {} characters)",
                    done.iter().filter(|d| d.is_none()).count(),
                    end.chars().count()
                );
            }
            for (i, c) in clients.iter().enumerate() {
                if done[i].is_some() {
                    continue;
                }
                let len = {
                    let text = c.doc.get_or_insert_text(crate::client::TEXT);
                    yrs::Text::len(&text, &c.doc.transact())
                };
                if len == end_len && (!kind.is_cahier() || c.is_synced()) && c.text() == end {
                    done[i] = Some(started.elapsed().as_secs_f64());
                }
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        for c in clients {
            let _ = c.stop(Duration::from_secs(2)).await;
        }
        if let Some(e) = record
            .errors
            .borrow()
            .keys()
            .find(|e| e.starts_with("refused"))
        {
            bail!("{e}");
        }
        Ok((
            done.into_iter().map(|d| d.unwrap_or_default()).collect(),
            (),
        ))
    }

    /// W5: type, SIGKILL the server, restart, count what was lost.
    async fn durability(&self, kind: ServerKind, name: &str) -> anyhow::Result<Row> {
        let (rooms_n, per_room, rate) = self.w5;
        let data = self.data_dir(kind, name)?;
        let mut server = Server::start(&self.programs, kind, &data)?;
        let record = Rc::new(Record::default());
        let rooms: Vec<(Room, Rc<RoomRecord>)> = (0..rooms_n)
            .map(|i| (Room::new(self.seed, i), Rc::new(RoomRecord::default())))
            .collect();
        let clients = self
            .join(kind, &server, &rooms, per_room, rate, &record)
            .await?;
        let window = Window::open(&server);
        for c in clients.iter().flatten() {
            c.set(Control::Type);
        }
        tokio::time::sleep(self.w5_kill_after).await;
        let (mut usage, gen_cpu, _) = window.close(&server);
        // Freeze what was confirmed at the crash.
        let confirmed: Vec<_> = rooms
            .iter()
            .map(|(_, r)| r.confirmed.borrow().clone())
            .collect();
        let typed: u64 = rooms.iter().map(|(_, r)| r.typed()).sum();
        server.restart(&self.programs, true)?;
        for c in clients.into_iter().flatten() {
            let _ = c.stop(Duration::from_secs(2)).await;
        }
        let mut lost = 0u64;
        let mut acked = 0u64;
        let checkers = Rc::new(Record::default());
        for (r, (room, _)) in rooms.iter().enumerate() {
            let mut spec = self.client(kind, &server, room, READER_ID + r as u64, 0.0);
            spec.compacts = false;
            spec.presence = false;
            let mut checker =
                Client::connect(spec, checkers.clone(), Rc::new(RoomRecord::default())).await?;
            checker.synced(SYNC_LIMIT).await?;
            // y-websocket applies what it loads from LevelDB after its
            // first sync answer: wait until the document stops changing.
            let mut sv = checker.state_vector();
            for _ in 0..20 {
                tokio::time::sleep(Duration::from_millis(100)).await;
                let now = checker.state_vector();
                if now == sv {
                    break;
                }
                sv = now;
            }
            for (&client, &upto) in &confirmed[r] {
                acked += u64::from(upto);
                let have = sv.get(&yrs::block::ClientID::new(client));
                lost += u64::from(upto.saturating_sub(have));
            }
            let _ = checker.stop(Duration::from_secs(2)).await;
        }
        let after = server.usage();
        // CPU and writes over both processes' lives.
        usage.cpu_secs = after.cpu_secs;
        usage.write_bytes = after.write_bytes;
        server.stop(Duration::from_secs(10))?;
        let confirmation = if kind.acks() {
            "acknowledged"
        } else {
            "echoed"
        };
        Ok(Row {
            server: kind,
            workload: name.to_owned(),
            delays: None,
            deliveries_per_sec: None,
            usage,
            disk: dir_size(&data),
            result: format!("lost {lost} of {acked} {confirmation} ({typed} typed)"),
            generator_cpu: gen_cpu,
            outcome: if lost == 0 {
                Outcome::Ok
            } else {
                Outcome::Failed(format!("{lost} confirmed keystrokes lost"))
            },
        })
    }
}

/// Resource use over a measurement window.
struct Window {
    server: Usage,
    generator: Usage,
    started: Instant,
}

impl Window {
    fn open(server: &Server) -> Self {
        Self {
            server: server.usage(),
            generator: Usage::this_process().unwrap_or_default(),
            started: Instant::now(),
        }
    }

    /// The server's usage (CPU and writes over the window, memory now), the
    /// generator's share of its core, and the window's length in seconds.
    fn close(self, server: &Server) -> (Usage, f64, f64) {
        let secs = self.started.elapsed().as_secs_f64();
        let now = server.usage();
        let generator = Usage::this_process().unwrap_or_default();
        let usage = Usage {
            cpu_secs: now.cpu_secs - self.server.cpu_secs,
            write_bytes: now.write_bytes.saturating_sub(self.server.write_bytes),
            ..now
        };
        (
            usage,
            (generator.cpu_secs - self.generator.cpu_secs) / secs,
            secs,
        )
    }
}

fn outcome(
    record: &Record,
    converged: anyhow::Result<()>,
    gen_cpu: f64,
    saturation: f64,
) -> Outcome {
    if let Err(e) = converged {
        return Outcome::Failed(format!("{e:#}"));
    }
    if let Some((e, n)) = record.errors.borrow().iter().next() {
        return Outcome::Failed(format!("{n}× {e}"));
    }
    if gen_cpu > saturation {
        return Outcome::Saturated(format!("{:.0}% of a core", gen_cpu * 100.0));
    }
    Outcome::Ok
}

/// Wait until every client of a room holds the same text, as long as the
/// room's typed keystrokes, within `limit`.
async fn converge(
    clients: &[Vec<Client>],
    rooms: &[(Room, Rc<RoomRecord>)],
    limit: Duration,
) -> anyhow::Result<()> {
    let started = Instant::now();
    loop {
        let mut bad = None;
        for (r, room_clients) in clients.iter().enumerate() {
            let typed = rooms[r].1.typed() as usize;
            let first = room_clients.first().map(Client::text).unwrap_or_default();
            let ok = first.len() == typed && room_clients.iter().all(|c| c.text() == first);
            if !ok {
                bad = Some((r, first.len(), typed));
                break;
            }
        }
        match bad {
            None => return Ok(()),
            Some((r, len, typed)) if started.elapsed() > limit => {
                bail!(
                    "room {r} had not converged {} s after typing stopped \
                     (a client holds {len} of {typed} characters)",
                    limit.as_secs()
                )
            }
            Some(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// Wait until the server is idle: neither its CPU time nor its bytes
/// written grew over two seconds, at most `limit`. What it stores lazily
/// (y-websocket queues every update for LevelDB and exits on SIGINT
/// without draining the queue) is then stored.
async fn settle(server: &Server, limit: Duration) -> Duration {
    let started = Instant::now();
    let mut last = server.usage();
    while started.elapsed() < limit {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let now = server.usage();
        if now.write_bytes == last.write_bytes && now.cpu_secs - last.cpu_secs < 0.02 {
            break;
        }
        last = now;
    }
    started.elapsed()
}

/// Send a trace's updates as one editor would, as fast as the server at
/// `addr` takes them (at most `WINDOW` unacknowledged where the server
/// acknowledges), then stay connected until `check` is done. With
/// `compacts`, the loader answers Cahier's `CompactHint` with a snapshot,
/// like the app; without, the room keeps its whole log (nobody compacted).
pub async fn load_updates<F, Fut, T>(
    kind: ServerKind,
    addr: &str,
    room: &Room,
    updates: &[Vec<u8>],
    compacts: bool,
    check: F,
) -> anyhow::Result<T>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    const WINDOW: usize = 2000;
    const QUIET_LIMIT: Duration = Duration::from_secs(120);
    // Like the app's document (`skip_gc`): a snapshot keeps the deleted
    // text, as an editor's does.
    let doc = yrs::Doc::with_options(yrs::Options {
        skip_gc: true,
        ..yrs::Options::with_client_id(yrs::ClientID::new(LOADER_ID))
    });
    let cahier = CahierOptions {
        verify_signatures: false,
        compacts,
        window: WINDOW,
    };
    let codec = Codec::new(kind, room.clone(), &doc, cahier);
    let url = codec.url(addr);
    let (ws, _) = tokio::time::timeout(
        Duration::from_secs(10),
        tokio_tungstenite::connect_async_with_config(&url, None, true),
    )
    .await
    .context("connect timed out")??;
    let (sink, mut stream) = ws.split();
    let mut loader = Loader {
        codec,
        sink,
        doc,
        synced: false,
        acked: 0,
        handshake_acks: 0,
    };
    for frame in loader.codec.opening(&loader.doc) {
        loader.sink.send(WsMessage::Binary(frame.into())).await?;
    }
    let mut sent = 0usize;
    let deadline = Instant::now() + Duration::from_secs(600);
    while !loader.synced || (kind.acks() && loader.acked < updates.len()) || sent < updates.len() {
        if Instant::now() > deadline {
            bail!(
                "loading did not finish in time ({sent} sent, {} acknowledged)",
                loader.acked
            );
        }
        let room_to_send = loader.synced
            && sent < updates.len()
            && (!kind.acks() || sent.saturating_sub(loader.acked) < WINDOW);
        if room_to_send {
            let batch = if kind.acks() {
                WINDOW
                    .saturating_sub(sent.saturating_sub(loader.acked))
                    .min(256)
            } else {
                256
            };
            let end = (sent + batch).min(updates.len());
            for u in &updates[sent..end] {
                // Applied first: Cahier's engine may answer a hint with a
                // snapshot of the document at any time.
                loader
                    .doc
                    .transact_mut()
                    .apply_update(yrs::Update::decode_v1(u)?)?;
                let (frames, _) = loader.codec.update(u)?;
                for frame in frames {
                    loader.sink.feed(WsMessage::Binary(frame.into())).await?;
                }
            }
            if !kind.acks() {
                // No acknowledgements: a sync step 1 after each batch is a
                // barrier (its answer comes once the server has read the
                // batch), so the load cannot run ahead of the server.
                for frame in loader.codec.opening(&loader.doc) {
                    loader.sink.feed(WsMessage::Binary(frame.into())).await?;
                }
                loader.synced = false;
            }
            loader.sink.flush().await?;
            if end / 50_000 > sent / 50_000 {
                eprintln!(
                    "  loading: {end} of {} sent, {} acknowledged",
                    updates.len(),
                    loader.acked
                );
            }
            sent = end;
        } else {
            let frame = tokio::time::timeout(QUIET_LIMIT, stream.next())
                .await
                .map_err(|_| {
                    anyhow::anyhow!(
                        "the server went quiet for {QUIET_LIMIT:?} while loading ({sent} sent, {} acknowledged)",
                        loader.acked
                    )
                })?;
            let closed = || {
                anyhow::anyhow!(
                    "the server closed the loader's connection ({sent} sent, {} acknowledged)",
                    loader.acked
                )
            };
            let frame = frame.ok_or_else(closed)?.map_err(|_| closed())?;
            if let WsMessage::Binary(bytes) = frame {
                loader.on_frame(&bytes).await?;
            }
        }
        // Drain whatever arrived without blocking, so an echoing server
        // never fills the socket while we send.
        while let Some(Some(Ok(WsMessage::Binary(bytes)))) =
            futures_util::FutureExt::now_or_never(stream.next())
        {
            loader.on_frame(&bytes).await?;
        }
    }
    let check = check();
    tokio::pin!(check);
    let out = loop {
        tokio::select! {
            out = &mut check => break out?,
            frame = stream.next() => match frame {
                Some(Ok(WsMessage::Binary(bytes))) => loader.on_frame(&bytes).await?,
                Some(Ok(_)) => {}
                _ => bail!("the server closed the loader"),
            },
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), loader.sink.close()).await;
    Ok(out)
}

type Sink = futures_util::stream::SplitSink<
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    WsMessage,
>;

/// The W4 loader's side of the conversation. Cahier's `CompactHint` is
/// answered by its engine (when the load `compacts`), with a snapshot of
/// `doc`, which comes out as a reply to send.
struct Loader {
    codec: Codec,
    sink: Sink,
    /// What has been sent: for Cahier's snapshots and the sync barrier.
    doc: yrs::Doc,
    synced: bool,
    acked: usize,
    /// Acknowledgements still due for handshake answers, not updates.
    handshake_acks: usize,
}

impl Loader {
    async fn on_frame(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        for event in self.codec.decode(bytes, &self.doc)? {
            match event {
                Event::Synced => self.synced = true,
                Event::Ack { msg_id, .. } => {
                    // Hocuspocus acknowledges in order, without naming
                    // what: the handshake's answers first. Cahier names
                    // each update, and only updates.
                    if msg_id.is_none() && self.handshake_acks > 0 {
                        self.handshake_acks -= 1;
                        continue;
                    }
                    self.acked += 1;
                }
                Event::Reply { frame, acked } => {
                    self.handshake_acks += usize::from(acked);
                    self.sink.send(WsMessage::Binary(frame.into())).await?
                }
                Event::Refused(why) if why != "stale_snapshot" => {
                    bail!("the server refused the load: {why}")
                }
                _ => {}
            }
        }
        Ok(())
    }
}
