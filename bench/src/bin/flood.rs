//! `flood`: strangers trying to use up a relay while one honest person
//! types. Prints what it cost the relay (peak memory, disk growth), what
//! the honest writer waited for its acknowledgements, and what the relay
//! refused; asserts nothing (a benchmark, not a test).
//!
//! The attack (issue 9): `--flooders` anonymous connections, each creating
//! a room of its own with fresh keys and pushing signed updates of
//! `--frame-bytes` as fast as the socket takes them, reconnecting when
//! disconnected; `--stalled` more connections join the first flooder's room
//! and never read a byte, so everything fanned out to them piles up; an
//! honest writer types `--keys-per-second` small updates into a room of its
//! own and times each from send to `Ack`. Everything stops after
//! `--seconds`; every loop is bounded by that deadline.
//!
//!     cargo build --release -p cahier-relay -p cahier-bench
//!     taskset -c 1 target/release/flood --relay target/release/relay --server-core 0
//!
//! The relay is started as a child process on a free loopback port with a
//! fresh data directory (extra flags after `--`), pinned with `taskset` to
//! `--server-core`; run this generator on the other core. Peak memory is
//! the relay's `VmHWM`; disk growth is the data directory's size at the end
//! minus at the start.

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use clap::Parser;
use futures_util::{SinkExt as _, StreamExt as _};
use protocol::envelope::new_msg_id;
use protocol::wire::decode_server;
use protocol::{ClientMsg, Context, DocKeys, EditSecret, ServerMsg};
use tokio_tungstenite::tungstenite::Message;

#[derive(Parser, Debug)]
#[command(about = "Strangers flooding a relay while an honest writer types")]
struct Args {
    /// The relay binary to start.
    #[arg(long)]
    relay: PathBuf,
    /// Core to pin the relay to (`taskset -c`); -1 to leave it unpinned.
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    server_core: i64,
    /// Anonymous connections pushing large updates into rooms of their own.
    #[arg(long, default_value_t = 200)]
    flooders: usize,
    /// Connections joining the first flooder's room and never reading.
    #[arg(long, default_value_t = 100)]
    stalled: usize,
    /// Size of each flooder's update ciphertext, in bytes (at most the
    /// relay's default frame limit, minus the envelope).
    #[arg(long, default_value_t = (1 << 20) - 256)]
    frame_bytes: usize,
    /// How long the attack lasts.
    #[arg(long, default_value_t = 13.0)]
    seconds: f64,
    /// The honest writer's keystrokes per second.
    #[arg(long, default_value_t = 10.0)]
    keys_per_second: f64,
    /// The creation token the honest writer sends (start the relay with
    /// `-- --creation-token <it>` to measure a relay closed to strangers);
    /// the flooders send none.
    #[arg(long)]
    token: Option<String>,
    /// Flags passed to the relay after the generator's own.
    #[arg(last = true)]
    relay_args: Vec<String>,
}

/// What every flooder adds up.
#[derive(Default)]
struct Tally {
    connections: AtomicU64,
    frames_sent: AtomicU64,
    bytes_sent: AtomicU64,
    acks: AtomicU64,
    /// Error codes and close codes the relay answered, by name.
    answers: Mutex<HashMap<String, u64>>,
}

impl Tally {
    fn answer(&self, what: String) {
        if let Ok(mut answers) = self.answers.lock() {
            *answers.entry(what).or_default() += 1;
        }
    }
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let data = tempfile_dir()?;
    let (mut relay, addr) = start_relay(&args, &data)?;
    let pid = relay.id();
    let url = format!("ws://{addr}/ws");
    let disk_before = dir_size(&data);
    let deadline = Instant::now() + Duration::from_secs_f64(args.seconds);
    eprintln!(
        "flood: relay pid {pid} on {addr}; {} flooders, {} stalled readers, {} s",
        args.flooders, args.stalled, args.seconds
    );

    // The honest writer has a thread and a runtime of its own, so the
    // flooders' signing does not delay its sends.
    let honest_url = url.clone();
    let rate = args.keys_per_second;
    let token = args.token.clone();
    let honest = std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(anyhow::Error::from)
            .and_then(|rt| rt.block_on(honest_writer(&honest_url, rate, token, deadline)))
    });

    let tally = Arc::new(Tally::default());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let peak_sampled = runtime.block_on(async {
        let victim = DocKeys::from_edit(&EditSecret::generate());
        let mut tasks = Vec::new();
        for i in 0..args.flooders {
            let keys = if i == 0 {
                victim.clone()
            } else {
                DocKeys::from_edit(&EditSecret::generate())
            };
            tasks.push(tokio::spawn(flooder(
                url.clone(),
                keys,
                args.frame_bytes,
                deadline,
                tally.clone(),
            )));
        }
        // Stalled readers join once the victim room exists.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let mut stalled = Vec::new();
        for _ in 0..args.stalled {
            if let Ok((mut ws, _)) = tokio_tungstenite::connect_async(&url).await {
                // Readers of the victim room: its capability, no proof.
                let reader = DocKeys::from_view(victim.view_secret().clone(), victim.writer());
                let hello = client::raw::hello(&reader, None, None);
                let _ = ws.send(Message::Binary(hello.encode().into())).await;
                stalled.push(ws);
            }
        }
        let mut peak = 0;
        while Instant::now() < deadline {
            peak = peak.max(status_kib(pid, "VmRSS:"));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        for task in tasks {
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
        drop(stalled);
        peak
    });
    let hwm = status_kib(pid, "VmHWM:").max(peak_sampled);
    let metrics = runtime
        .block_on(http_get(&addr, "/metrics"))
        .unwrap_or_default();
    let disk_after = dir_size(&data);
    let honest = honest
        .join()
        .map_err(|_| anyhow::anyhow!("the honest writer panicked"))??;
    stop(&mut relay);
    let _ = std::fs::remove_dir_all(&data);

    println!("relay peak RSS: {:.1} MiB", hwm as f64 / 1024.0);
    println!(
        "relay disk growth: {:.1} MiB",
        (disk_after.saturating_sub(disk_before)) as f64 / (1 << 20) as f64
    );
    println!(
        "flooders: {} connections, {} frames ({:.1} MiB) sent, {} acknowledged",
        tally.connections.load(Relaxed),
        tally.frames_sent.load(Relaxed),
        tally.bytes_sent.load(Relaxed) as f64 / (1 << 20) as f64,
        tally.acks.load(Relaxed)
    );
    let answers = tally.answers.lock().map(|a| a.clone()).unwrap_or_default();
    let mut answers: Vec<_> = answers.into_iter().collect();
    answers.sort();
    for (what, n) in answers {
        println!("  answered {what}: {n}");
    }
    println!("{honest}");
    for line in metrics
        .lines()
        .filter(|l| !l.starts_with('#') && (l.contains("disconnect") || l.contains("refused")))
    {
        println!("  relay {line}");
    }
    Ok(())
}

fn tempfile_dir() -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("cahier-flood-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn start_relay(args: &Args, data: &Path) -> anyhow::Result<(Child, String)> {
    let mut cmd = match u32::try_from(args.server_core) {
        Ok(core) => {
            let mut c = Command::new("taskset");
            c.arg("-c").arg(core.to_string()).arg(&args.relay);
            c
        }
        Err(_) => Command::new(&args.relay),
    };
    let mut child = cmd
        .args(["--addr", "127.0.0.1:0", "--data"])
        .arg(data)
        .args(&args.relay_args)
        .env("RUST_LOG", "warn,relay=info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start {}", args.relay.display()))?;
    let stderr = child.stderr.take().context("the relay's stderr")?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("addr=").nth(1) {
                let addr = rest.split_whitespace().next().unwrap_or_default();
                let _ = tx.send(addr.to_owned());
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(addr) => Ok((child, addr)),
        Err(_) => {
            let _ = child.kill();
            bail!("the relay did not say where it listens")
        }
    }
}

fn stop(relay: &mut Child) {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(relay.id().to_string())
        .status();
    let until = Instant::now() + Duration::from_secs(15);
    while Instant::now() < until {
        if let Ok(Some(_)) = relay.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = relay.kill();
    let _ = relay.wait();
}

/// A `/proc/<pid>/status` field in KiB (0 if unreadable).
fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or(0)
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

async fn http_get(addr: &str, path: &str) -> anyhow::Result<String> {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut out = String::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_string(&mut out)).await??;
    Ok(out)
}

/// Push signed updates into `keys`' room until `deadline`, reconnecting
/// whenever the relay closes the connection.
async fn flooder(
    url: String,
    keys: DocKeys,
    frame_bytes: usize,
    deadline: Instant,
    tally: Arc<Tally>,
) {
    // Encrypt once; sign afresh for each message id (the relay checks the
    // signature, which binds the id, and cannot read the ciphertext).
    let payload = vec![0x5a; frame_bytes.saturating_sub(40)];
    let Ok((ciphertext, _)) = keys.seal(&Context::update(keys.room(), new_msg_id()), &payload)
    else {
        return;
    };
    let ciphertext = Arc::new(ciphertext);
    while Instant::now() < deadline {
        let Ok(Ok((ws, _))) =
            tokio::time::timeout_at(deadline.into(), tokio_tungstenite::connect_async(&url)).await
        else {
            tally.answer("connect failed".into());
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        tally.connections.fetch_add(1, Relaxed);
        let (mut tx, mut rx) = ws.split();
        // Anonymous: a creation proof of its own keys, no token.
        let hello = client::raw::hello(&keys, None, None);
        if tx
            .send(Message::Binary(hello.encode().into()))
            .await
            .is_err()
        {
            continue;
        }
        let reader_tally = tally.clone();
        let reader = tokio::spawn(async move {
            while let Ok(Some(Ok(msg))) = tokio::time::timeout_at(deadline.into(), rx.next()).await
            {
                match msg {
                    Message::Binary(b) => match decode_server(&b) {
                        Ok(ServerMsg::Ack { .. }) => {
                            reader_tally.acks.fetch_add(1, Relaxed);
                        }
                        Ok(ServerMsg::Error { code, .. }) => {
                            reader_tally.answer(format!("error {}", code.name()));
                        }
                        _ => {}
                    },
                    Message::Close(frame) => {
                        let code = frame.map_or(0, |f| u16::from(f.code));
                        reader_tally.answer(format!("close {code}"));
                        break;
                    }
                    _ => {}
                }
            }
        });
        while Instant::now() < deadline && !reader.is_finished() {
            let keys = keys.clone();
            let ciphertext = ciphertext.clone();
            let Ok(frame) = tokio::task::spawn_blocking(move || {
                let msg_id = new_msg_id();
                let signature = keys
                    .sign(&Context::update(keys.room(), msg_id), &ciphertext)
                    .ok()?;
                Some(
                    ClientMsg::Update {
                        msg_id,
                        ciphertext: ciphertext.to_vec(),
                        signature,
                    }
                    .encode(),
                )
            })
            .await
            else {
                break;
            };
            let Some(frame) = frame else { break };
            let len = frame.len() as u64;
            match tokio::time::timeout_at(deadline.into(), tx.send(Message::Binary(frame.into())))
                .await
            {
                Ok(Ok(())) => {
                    tally.frames_sent.fetch_add(1, Relaxed);
                    tally.bytes_sent.fetch_add(len, Relaxed);
                }
                _ => break,
            }
        }
        reader.abort();
    }
}

/// Type into a room of our own; return the acknowledgement delays.
async fn honest_writer(
    url: &str,
    rate: f64,
    token: Option<String>,
    deadline: Instant,
) -> anyhow::Result<String> {
    let keys = DocKeys::from_edit(&EditSecret::generate());
    let (ws, _) = tokio_tungstenite::connect_async(url).await?;
    let (mut tx, mut rx) = ws.split();
    let hello = client::raw::hello(&keys, None, token);
    tx.send(Message::Binary(hello.encode().into())).await?;
    loop {
        match tokio::time::timeout(Duration::from_secs(20), rx.next()).await {
            Ok(Some(Ok(Message::Binary(b)))) => {
                if let Ok(ServerMsg::CaughtUp { .. }) = decode_server(&b) {
                    break;
                }
            }
            Ok(Some(Ok(_))) => {}
            _ => bail!("the honest writer could not join"),
        }
    }
    let sent: Arc<Mutex<HashMap<[u8; 16], Instant>>> = Arc::default();
    let delays: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let closed: Arc<Mutex<Option<String>>> = Arc::default();
    let (s, d, c) = (sent.clone(), delays.clone(), closed.clone());
    let reader = tokio::spawn(async move {
        let end = deadline + Duration::from_secs(10);
        while let Ok(Some(Ok(msg))) = tokio::time::timeout_at(end.into(), rx.next()).await {
            match msg {
                Message::Binary(b) => {
                    if let Ok(ServerMsg::Ack { msg_id, .. }) = decode_server(&b) {
                        let start = s.lock().ok().and_then(|mut m| m.remove(&msg_id));
                        if let (Some(start), Ok(mut d)) = (start, d.lock()) {
                            d.push(start.elapsed());
                        }
                    }
                }
                Message::Close(frame) => {
                    if let Ok(mut c) = c.lock() {
                        *c = Some(format!("{:?}", frame.map(|f| f.code)));
                    }
                    break;
                }
                _ => {}
            }
            let pending = s.lock().map(|m| m.len()).unwrap_or(0);
            if Instant::now() >= deadline && pending == 0 {
                break;
            }
        }
    });
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate.max(0.1)));
    let mut typed = 0u64;
    while Instant::now() < deadline {
        tick.tick().await;
        let msg_id = new_msg_id();
        let (ciphertext, signature) = keys.seal(&Context::update(keys.room(), msg_id), b"k")?;
        let Some(signature) = signature else {
            bail!("an edit key signs")
        };
        let frame = ClientMsg::Update {
            msg_id,
            ciphertext,
            signature,
        }
        .encode();
        if let Ok(mut s) = sent.lock() {
            s.insert(msg_id, Instant::now());
        }
        if tx.send(Message::Binary(frame.into())).await.is_err() {
            break;
        }
        typed += 1;
    }
    let _ = reader.await;
    let mut delays = delays.lock().map(|d| d.clone()).unwrap_or_default();
    delays.sort();
    let pct = |p: f64| -> String {
        if delays.is_empty() {
            return "-".into();
        }
        let i = ((delays.len() as f64 * p).ceil() as usize).clamp(1, delays.len()) - 1;
        format!("{:.1}", delays[i].as_secs_f64() * 1000.0)
    };
    let closed = closed.lock().ok().and_then(|c| c.clone());
    Ok(format!(
        "honest writer: {typed} keystrokes, {} acknowledged; ack p50 {} ms, p99 {} ms, max {} ms{}",
        delays.len(),
        pct(0.5),
        pct(0.99),
        pct(1.0),
        closed.map_or(String::new(), |c| format!("; closed by the relay: {c}"))
    ))
}
