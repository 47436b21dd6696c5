//! A simulated person: one websocket, one Yrs document, one task.
//!
//! A client connects, sends its protocol's opening, catches up, and then,
//! when told to type, inserts one character at its cursor at a set rate and
//! sends the update (about 30 bytes of Yrs) followed by a presence update,
//! as an editor does on each keystroke. Everything it receives is applied to
//! its document; each keystroke of another client arriving for the first
//! time is a *delivery*, timed against the moment its author sent it.
//!
//! The generator runs on one thread (a `LocalSet`), so the per-run and
//! per-room records are `Rc<RefCell<…>>`: nothing awaits while holding a
//! borrow.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use std::time::Duration;

use anyhow::{bail, Context as _};
use futures_util::{SinkExt as _, StreamExt as _};
use tokio::sync::watch;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use yrs::updates::decoder::Decode as _;
use yrs::{GetString as _, ReadTxn as _, StateVector, Text as _, Transact as _};

use crate::codec::{CahierOptions, Codec, Event, Room, ServerKind, CAHIER_WINDOW};

/// The Yrs text every client edits: the app's body.
pub const TEXT: &str = model::schema::BODY;

/// What a run records, shared by all its clients.
#[derive(Default)]
pub struct Record {
    /// Propagation delays in microseconds, while `measuring`.
    pub latencies: RefCell<Vec<u32>>,
    /// Keystrokes that reached another client, while `measuring`.
    pub deliveries: Cell<u64>,
    /// Send-to-acknowledgement delays in microseconds, while `measuring`
    /// (servers that acknowledge).
    pub ack_latencies: RefCell<Vec<u32>>,
    pub measuring: Cell<bool>,
    /// Refusals and unexpected disconnections, with how many of each.
    pub errors: RefCell<HashMap<String, u64>>,
}

impl Record {
    pub fn error(&self, what: impl Into<String>) {
        *self.errors.borrow_mut().entry(what.into()).or_default() += 1;
    }
}

/// What a room records: when each keystroke was sent and which ones the
/// server confirmed (acknowledged, or echoed to another client).
#[derive(Default)]
pub struct RoomRecord {
    /// client id → send instant of each of its keystrokes, by Yrs clock.
    pub sent: RefCell<HashMap<u64, Vec<Instant>>>,
    /// client id → how many of its first keystrokes are confirmed.
    pub confirmed: RefCell<HashMap<u64, u32>>,
}

impl RoomRecord {
    fn confirm(&self, client: u64, upto: u32) {
        let mut c = self.confirmed.borrow_mut();
        let e = c.entry(client).or_default();
        *e = (*e).max(upto);
    }

    /// Keystrokes typed in the room.
    pub fn typed(&self) -> u64 {
        self.sent.borrow().values().map(|v| v.len() as u64).sum()
    }
}

/// What a client is told to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    Idle,
    Type,
    Stop,
}

/// How a client behaves.
#[derive(Clone)]
pub struct Spec {
    pub kind: ServerKind,
    pub addr: String,
    pub room: Room,
    pub client_id: u64,
    /// Keystrokes a second once told to type (0: a reader).
    pub rate: f64,
    /// Send presence on join and with every keystroke.
    pub presence: bool,
    pub verify_signatures: bool,
    /// Answer Cahier's `CompactHint` with a snapshot, as an editor does.
    pub compacts: bool,
}

/// The coordinator's side of a running client.
pub struct Client {
    pub doc: yrs::Doc,
    synced: watch::Receiver<bool>,
    control: watch::Sender<Control>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Client {
    /// Connect and start the client's task. Returns once the socket is open
    /// and the opening sent; [`Client::synced`] waits for catch-up.
    pub async fn connect(
        spec: Spec,
        record: Rc<Record>,
        room_record: Rc<RoomRecord>,
    ) -> anyhow::Result<Self> {
        let mut options = yrs::Options::with_client_id(yrs::block::ClientID::new(spec.client_id));
        options.skip_gc = true;
        options.offset_kind = yrs::OffsetKind::Utf16;
        let doc = yrs::Doc::with_options(options);
        let text = doc.get_or_insert_text(TEXT);
        let cahier = CahierOptions {
            verify_signatures: spec.verify_signatures,
            compacts: spec.compacts,
            window: CAHIER_WINDOW,
        };
        let mut codec = Codec::new(spec.kind, spec.room.clone(), &doc, cahier);
        let url = codec.url(&spec.addr);
        let (mut ws, _) = tokio::time::timeout(
            Duration::from_secs(10),
            // As a browser does: small frames leave at once (no Nagle).
            tokio_tungstenite::connect_async_with_config(&url, None, true),
        )
        .await
        .with_context(|| format!("connecting to {url} timed out"))?
        .with_context(|| format!("connect to {url}"))?;
        for frame in codec.opening(&doc) {
            ws.send(WsMessage::Binary(frame.into())).await?;
        }
        let (synced_tx, synced) = watch::channel(false);
        let (control, control_rx) = watch::channel(Control::Idle);
        let worker = Worker {
            spec,
            codec,
            doc: doc.clone(),
            text,
            record,
            room_record,
            synced: synced_tx,
            seen: HashMap::new(),
            unacked: VecDeque::new(),
            unacked_ids: HashMap::new(),
            typed: 0,
            cursor: None,
        };
        // A client that stops on an error says so in the row, never
        // silently.
        let errors = worker.record.clone();
        let task = tokio::task::spawn_local(async move {
            let result = worker.run(ws, control_rx).await;
            if let Err(e) = &result {
                errors.error(format!("a client stopped: {e:#}"));
            }
            result
        });
        Ok(Self {
            doc,
            synced,
            control,
            task,
        })
    }

    /// Wait until the client has caught up, at most `limit`.
    pub async fn synced(&mut self, limit: Duration) -> anyhow::Result<()> {
        tokio::time::timeout(limit, self.synced.wait_for(|s| *s))
            .await
            .context("catch-up timed out")?
            .context("the client stopped before catching up")?;
        Ok(())
    }

    pub fn is_synced(&self) -> bool {
        *self.synced.borrow()
    }

    pub fn set(&self, control: Control) {
        let _ = self.control.send(control);
    }

    pub fn text(&self) -> String {
        self.doc
            .get_or_insert_text(TEXT)
            .get_string(&self.doc.transact())
    }

    pub fn state_vector(&self) -> StateVector {
        self.doc.transact().state_vector()
    }

    /// Stop and wait for the task, at most `limit`; its error, if any.
    pub async fn stop(self, limit: Duration) -> anyhow::Result<()> {
        self.set(Control::Stop);
        let mut task = self.task;
        match tokio::time::timeout(limit, &mut task).await {
            Ok(joined) => joined.context("client task panicked")?,
            Err(_) => {
                task.abort();
                bail!("the client did not stop within {limit:?}")
            }
        }
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

struct Worker {
    spec: Spec,
    codec: Codec,
    doc: yrs::Doc,
    text: yrs::TextRef,
    record: Rc<Record>,
    room_record: Rc<RoomRecord>,
    synced: watch::Sender<bool>,
    /// client id → keystrokes of that client already counted as delivered.
    seen: HashMap<u64, u32>,
    /// Hocuspocus acknowledges in order, without naming what: our messages
    /// not acknowledged yet, oldest first, a keystroke's clock or none for
    /// a sync answer it acknowledges too.
    unacked: VecDeque<Option<u32>>,
    /// Cahier names what it acknowledges: message id → keystroke clock.
    unacked_ids: HashMap<protocol::MsgId, u32>,
    typed: u32,
    cursor: Option<u32>,
}

/// What a keystroke types: prose, so the document looks like one.
const PROSE: &[u8] =
    b"The assembly resolves that every section may amend the motion before the congress. ";

impl Worker {
    async fn run(
        mut self,
        mut ws: Socket,
        mut control: watch::Receiver<Control>,
    ) -> anyhow::Result<()> {
        let period = if self.spec.rate > 0.0 {
            Duration::from_secs_f64(1.0 / self.spec.rate)
        } else {
            Duration::from_secs(3600)
        };
        // Spread the clients' keystrokes over the period.
        let phase = period.mul_f64((self.spec.client_id % 997) as f64 / 997.0);
        let mut ticker = tokio::time::interval_at(Instant::now() + phase, period);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
        if self.spec.presence {
            if let Some(frame) = self.presence()? {
                ws.send(WsMessage::Binary(frame.into())).await?;
            }
        }
        loop {
            let typing = *control.borrow() == Control::Type && self.spec.rate > 0.0;
            tokio::select! {
                changed = control.changed() => {
                    if changed.is_err() || *control.borrow() == Control::Stop {
                        let _ = tokio::time::timeout(Duration::from_secs(1), ws.close(None)).await;
                        return Ok(());
                    }
                }
                _ = ticker.tick(), if typing => {
                    self.keystroke(&mut ws).await?;
                }
                frame = ws.next() => match frame {
                    Some(Ok(WsMessage::Binary(bytes))) => {
                        let events = self.codec.decode(&bytes, &self.doc)?;
                        for event in events {
                            self.on_event(event, &mut ws).await?;
                        }
                    }
                    Some(Ok(WsMessage::Close(reason))) => {
                        let why = reason.map_or("none".into(), |r| format!("{} {}", r.code, r.reason));
                        self.record.error(format!("closed by the server ({why})"));
                        return Ok(());
                    }
                    Some(Ok(_)) => {}
                    Some(Err(e)) => {
                        self.record.error(format!("connection lost: {e}"));
                        return Ok(());
                    }
                    None => {
                        self.record.error("connection lost");
                        return Ok(());
                    }
                },
            }
        }
    }

    fn presence(&mut self) -> anyhow::Result<Option<Vec<u8>>> {
        let at = self.cursor.unwrap_or(0);
        let json = format!(
            r##"{{"user":{{"name":"Person {}","color":"#30bced"}},"cursor":{{"anchor":{at},"head":{at}}}}}"##,
            self.spec.client_id
        );
        self.codec
            .awareness(self.spec.client_id, self.typed + 1, &json)
    }

    async fn keystroke(&mut self, ws: &mut Socket) -> anyhow::Result<()> {
        let update = {
            let mut txn = self.doc.transact_mut();
            let len = self.text.len(&txn);
            let at = match self.cursor {
                Some(c) => c.min(len),
                // Start somewhere in the text, as people do in a shared one.
                None => {
                    (self.spec.client_id.wrapping_mul(2_654_435_761) % 1000 * u64::from(len) / 1000)
                        as u32
                }
            };
            let ch = PROSE[(self.typed as usize) % PROSE.len()] as char;
            self.text.insert(&mut txn, at, ch.encode_utf8(&mut [0; 4]));
            self.cursor = Some(at + 1);
            txn.encode_update_v1()
        };
        let clock = self.typed;
        self.typed += 1;
        {
            let mut sent = self.room_record.sent.borrow_mut();
            let times = sent.entry(self.spec.client_id).or_default();
            debug_assert_eq!(times.len() as u32, clock);
            times.push(Instant::now());
        }
        let (frames, msg_id) = self.codec.update(&update)?;
        match msg_id {
            Some(id) => {
                self.unacked_ids.insert(id, clock);
            }
            None if self.spec.kind.acks() => self.unacked.push_back(Some(clock)),
            None => {}
        }
        for frame in frames {
            ws.feed(WsMessage::Binary(frame.into())).await?;
        }
        if self.spec.presence {
            if let Some(frame) = self.presence()? {
                ws.feed(WsMessage::Binary(frame.into())).await?;
            }
        }
        ws.flush().await?;
        Ok(())
    }

    async fn on_event(&mut self, event: Event, ws: &mut Socket) -> anyhow::Result<()> {
        match event {
            Event::Update { update, .. } => self.apply(&update)?,
            Event::Synced => {
                let _ = self.synced.send(true);
            }
            Event::Ack { msg_id, .. } => {
                let clock = match msg_id {
                    // Cahier: the keystroke it names.
                    Some(id) => self.unacked_ids.remove(&id),
                    // Hocuspocus: the oldest message waiting.
                    None => self.unacked.pop_front().flatten(),
                };
                if let Some(clock) = clock {
                    self.room_record.confirm(self.spec.client_id, clock + 1);
                    if self.record.measuring.get() {
                        let sent = self.room_record.sent.borrow();
                        if let Some(t) = sent
                            .get(&self.spec.client_id)
                            .and_then(|times| times.get(clock as usize))
                        {
                            let micros = t.elapsed().as_micros().min(u32::MAX as u128) as u32;
                            self.record.ack_latencies.borrow_mut().push(micros);
                        }
                    }
                }
            }
            // Cahier's engine answered it (a snapshot, as a reply below).
            Event::Awareness | Event::CompactHint(_) => {}
            Event::Reply { frame, acked } => {
                if acked {
                    self.unacked.push_back(None);
                }
                ws.send(WsMessage::Binary(frame.into())).await?
            }
            Event::Refused(why) => self.record.error(format!("refused: {why}")),
        }
        Ok(())
    }

    /// Apply a received update and count the keystrokes it delivers. One
    /// the guard refuses (`model::guard`: nesting that would overflow this
    /// thread's stack, counts that would exhaust it) is set aside and
    /// recorded as an error, never given to Yrs; a panic while applying is
    /// caught and recorded too.
    fn apply(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        if let Err(refusal) = model::guard::check(bytes) {
            self.record.error(format!(
                "a co-author's update was set aside: {}",
                refusal.reason
            ));
            return Ok(());
        }
        let update = yrs::Update::decode_v1(bytes)?;
        // The clocks each client's new items span (one per keystroke).
        let spans: Vec<(u64, u32, u32)> = update
            .insertions(true)
            .iter()
            .filter_map(|(client, ranges)| {
                let lo = ranges.iter().map(|r| r.start).min()?;
                let hi = ranges.iter().map(|r| r.end).max()?;
                Some((client.get(), lo, hi))
            })
            .collect();
        // A second net, as in client::Engine: a Yrs panic on a crafted
        // update the guard does not know of yet is one more error.
        let doc = &self.doc;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            doc.transact_mut().apply_update(update)
        })) {
            Ok(applied) => applied?,
            Err(_) => {
                self.record
                    .error("applying a co-author's update panicked".to_owned());
                return Ok(());
            }
        }
        let now = Instant::now();
        let acks = self.spec.kind.acks();
        let measuring = self.record.measuring.get();
        let sent = self.room_record.sent.borrow();
        for (client, lo, hi) in spans {
            if client == self.spec.client_id {
                continue;
            }
            let seen = self.seen.entry(client).or_default();
            let lo = lo.max(*seen);
            if hi <= lo {
                continue;
            }
            *seen = hi;
            if !acks {
                self.room_record.confirm(client, hi);
            }
            if !measuring {
                continue;
            }
            let Some(times) = sent.get(&client) else {
                continue;
            };
            let mut latencies = self.record.latencies.borrow_mut();
            for clock in lo..hi {
                if let Some(t) = times.get(clock as usize) {
                    latencies.push(now.duration_since(*t).as_micros().min(u32::MAX as u128) as u32);
                    self.record.deliveries.set(self.record.deliveries.get() + 1);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two editors and a reader in one room, through the real relay: what
    /// one types reaches the others, is acknowledged, and the texts agree.
    #[tokio::test(flavor = "current_thread")]
    async fn clients_converge_through_a_real_relay() {
        let dir = std::env::temp_dir().join(format!("cahier-bench-test-{}", std::process::id()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let relay = tokio::spawn(relay::run(listener, relay::Config::new(&dir), async {
            let _ = stopped.await;
        }));
        let local = tokio::task::LocalSet::new();
        local
            .run_until(async {
                let record = Rc::new(Record::default());
                let room_record = Rc::new(RoomRecord::default());
                let room = Room::new(7, 0);
                let spec = |client_id, rate| Spec {
                    kind: ServerKind::Cahier,
                    addr: addr.clone(),
                    room: room.clone(),
                    client_id,
                    rate,
                    presence: true,
                    verify_signatures: true,
                    compacts: true,
                };
                let mut clients = Vec::new();
                for (id, rate) in [(1, 50.0), (2, 50.0), (3, 0.0)] {
                    let mut c =
                        Client::connect(spec(id, rate), record.clone(), room_record.clone())
                            .await
                            .expect("connect");
                    c.synced(Duration::from_secs(5)).await.expect("caught up");
                    clients.push(c);
                }
                record.measuring.set(true);
                for c in &clients {
                    c.set(Control::Type);
                }
                tokio::time::sleep(Duration::from_millis(400)).await;
                for c in &clients {
                    c.set(Control::Idle);
                }
                let typed = room_record.typed() as usize;
                assert!(typed >= 10, "only {typed} keystrokes typed");
                // The relay forwards a keystroke before its commit and
                // acknowledges it after: wait for both.
                let confirmed = || room_record.confirmed.borrow().values().sum::<u32>() as usize;
                // A bound, not a timing: on a loaded machine (a CI run
                // beside other builds) each fsynced commit can take long.
                let deadline = Instant::now() + Duration::from_secs(20);
                while clients.iter().any(|c| c.text().len() != typed) || confirmed() < typed {
                    assert!(Instant::now() < deadline, "the clients did not converge");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                let text = clients[0].text();
                assert!(clients.iter().all(|c| c.text() == text));
                // Each keystroke reached the two other clients.
                assert_eq!(record.deliveries.get(), 2 * typed as u64);
                assert_eq!(confirmed(), typed, "every keystroke acknowledged");
                assert!(
                    record.errors.borrow().is_empty(),
                    "{:?}",
                    record.errors.borrow()
                );
                for c in clients {
                    c.stop(Duration::from_secs(2)).await.expect("stop");
                }
            })
            .await;
        let _ = stop.send(());
        relay.await.expect("join").expect("relay");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
