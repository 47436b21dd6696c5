//! Starting, measuring and stopping the servers under test.
//!
//! Every server runs as a child process pinned to one core (`taskset`),
//! listening on 127.0.0.1 on a free port, with its durable storage switched
//! on in a fresh data directory: Cahier's relay (SQLite, WAL), y-websocket
//! (LevelDB through `YPERSISTENCE`), Hocuspocus (its SQLite extension) and
//! y-sweet (`y-sweet serve <dir>`). Resource figures come from `/proc`:
//! CPU seconds from `stat`, RSS and peak RSS (`VmHWM`) from `status`, bytes
//! written from `io`. `taskset` execs the server, so the child's pid is the
//! server's.
//!
//! Installing the peers is `scripts/bench.sh`'s job; this module is told
//! where they are.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};

use crate::codec::ServerKind;

/// Where the servers' programs are.
#[derive(Clone, Debug)]
pub struct Programs {
    /// Cahier's `relay` binary.
    pub relay: PathBuf,
    /// The directory `scripts/bench.sh` installed the peers into.
    pub peers: PathBuf,
    /// The core servers are pinned to (none: not pinned).
    pub core: Option<usize>,
}

/// One process of a server under test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    /// The server itself: the one process of the Yjs servers, or the
    /// relay on SQLite.
    Main,
    /// `nats-server` with JetStream, its data in `<data>/nats`.
    Nats,
    /// A relay on the JetStream of the server's `Nats` part, its (unused)
    /// data directory `<data>/relay-<n>`.
    Relay(usize),
}

impl Part {
    /// The processes `kind` is made of, in the order they start.
    fn of(kind: ServerKind) -> Vec<Part> {
        match kind {
            ServerKind::CahierNats => vec![Part::Nats, Part::Relay(0)],
            ServerKind::CahierNats2 => vec![Part::Nats, Part::Relay(0), Part::Relay(1)],
            _ => vec![Part::Main],
        }
    }
}

impl Programs {
    /// The command line that starts one part of `kind` on `port`;
    /// `nats_port` is where the server's `nats-server` listens, if it has
    /// one.
    fn command(
        &self,
        kind: ServerKind,
        part: Part,
        port: u16,
        data: &Path,
        nats_port: Option<u16>,
    ) -> anyhow::Result<Command> {
        let mut cmd = match self.core {
            Some(core) => {
                let mut c = Command::new("taskset");
                c.arg("-c").arg(core.to_string());
                c
            }
            None => Command::new("env"),
        };
        if matches!(part, Part::Main | Part::Relay(_)) && kind.is_cahier() {
            // The generator is one address standing in for thousands of
            // people: lift the relay's per-address limits (connections,
            // room creations), not the per-connection ones.
            cmd.env("CAHIER_MAX_CONNECTIONS_PER_IP", "1000000")
                .env("CAHIER_CREATIONS_PER_IP", "1000000");
        }
        match (part, kind) {
            (Part::Nats, _) => {
                let store = data.join("nats");
                std::fs::create_dir_all(&store)?;
                // An update of 1 MiB and its signature need more than the
                // default max_payload of 1 MiB.
                let conf = data.join("nats.conf");
                std::fs::write(
                    &conf,
                    format!(
                        "listen: 127.0.0.1:{port}\nmax_payload: 4MB\njetstream {{\n  store_dir: {:?}\n}}\n",
                        store.display().to_string()
                    ),
                )?;
                cmd.arg("nats-server").arg("-c").arg(conf);
            }
            (Part::Relay(n), _) => {
                let nats = nats_port.context("a relay on JetStream without its nats-server")?;
                let dir = data.join(format!("relay-{n}"));
                std::fs::create_dir_all(&dir)?;
                cmd.arg(&self.relay)
                    .arg("--addr")
                    .arg(format!("127.0.0.1:{port}"))
                    .arg("--store")
                    .arg(format!("nats://127.0.0.1:{nats}"))
                    .arg("--data")
                    .arg(dir);
            }
            (Part::Main, ServerKind::Cahier | ServerKind::CahierNormal) => {
                if kind == ServerKind::CahierNormal {
                    cmd.env("CAHIER_DURABILITY", "normal");
                }
                cmd.arg(&self.relay)
                    .arg("--addr")
                    .arg(format!("127.0.0.1:{port}"))
                    .arg("--data")
                    .arg(data);
            }
            (Part::Main, ServerKind::YWebsocket) => {
                let dir = self.peers.join("y-websocket");
                cmd.current_dir(&dir)
                    .arg("node")
                    .arg(dir.join("node_modules/@y/websocket-server/src/server.js"))
                    .env("HOST", "127.0.0.1")
                    .env("PORT", port.to_string())
                    .env("YPERSISTENCE", data);
            }
            (Part::Main, ServerKind::Hocuspocus) => {
                let dir = self.peers.join("hocuspocus");
                cmd.current_dir(&dir)
                    .arg("node")
                    .arg(dir.join("hocuspocus.mjs"))
                    .env("PORT", port.to_string())
                    .env("DATA", data);
            }
            (Part::Main, ServerKind::YSweet) => {
                cmd.arg(self.peers.join("y-sweet/bin/y-sweet"))
                    .arg("serve")
                    .arg(data)
                    .arg("--host")
                    .arg("127.0.0.1")
                    .arg("--port")
                    .arg(port.to_string());
            }
            (Part::Main, ServerKind::CahierNats | ServerKind::CahierNats2) => {
                bail!("{} has no single process", kind.name())
            }
        }
        Ok(cmd)
    }

    /// Whether `kind`'s program is installed.
    pub fn check(&self, kind: ServerKind) -> anyhow::Result<()> {
        let path = match kind {
            ServerKind::Cahier | ServerKind::CahierNormal => self.relay.clone(),
            ServerKind::CahierNats | ServerKind::CahierNats2 => {
                let found = Command::new("nats-server")
                    .arg("--version")
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success());
                if !found {
                    bail!(
                        "{} needs nats-server (apt-get install nats-server)",
                        kind.name()
                    );
                }
                self.relay.clone()
            }
            ServerKind::YWebsocket => self
                .peers
                .join("y-websocket/node_modules/@y/websocket-server/src/server.js"),
            ServerKind::Hocuspocus => self.peers.join("hocuspocus/hocuspocus.mjs"),
            ServerKind::YSweet => self.peers.join("y-sweet/bin/y-sweet"),
        };
        if !path.exists() {
            bail!(
                "{} is not installed ({} is missing)",
                kind.name(),
                path.display()
            );
        }
        Ok(())
    }
}

/// One `/proc` reading of a process.
#[derive(Clone, Copy, Debug, Default)]
pub struct Usage {
    pub cpu_secs: f64,
    pub rss: u64,
    pub peak_rss: u64,
    pub write_bytes: u64,
}

impl Usage {
    pub fn of(pid: u32) -> anyhow::Result<Self> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
        // Fields after the command name (which may hold spaces) start at 3.
        let rest = stat
            .rsplit_once(')')
            .map(|(_, r)| r)
            .context("malformed /proc/PID/stat")?;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks =
            |i: usize| -> u64 { fields.get(i - 3).and_then(|f| f.parse().ok()).unwrap_or(0) };
        // utime and stime are fields 14 and 15, in clock ticks (100 a second
        // on Linux whatever the kernel's HZ).
        let cpu_secs = (ticks(14) + ticks(15)) as f64 / 100.0;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        let kib = |key: &str| -> u64 {
            status
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
                * 1024
        };
        let io = std::fs::read_to_string(format!("/proc/{pid}/io")).unwrap_or_default();
        let write_bytes = io
            .lines()
            .find_map(|l| l.strip_prefix("write_bytes:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        Ok(Self {
            cpu_secs,
            rss: kib("VmRSS:"),
            peak_rss: kib("VmHWM:"),
            write_bytes,
        })
    }

    pub fn this_process() -> anyhow::Result<Self> {
        Self::of(std::process::id())
    }
}

/// One running process of a server.
struct Process {
    part: Part,
    port: u16,
    child: Child,
    log: PathBuf,
    /// What the earlier processes of this part wrote and spent (restarts).
    written_before: u64,
    cpu_before: f64,
}

impl Process {
    fn usage(&self) -> Usage {
        let mut u = Usage::of(self.child.id()).unwrap_or_default();
        u.write_bytes += self.written_before;
        u.cpu_secs += self.cpu_before;
        u
    }

    fn kill(&mut self) -> anyhow::Result<()> {
        if self.child.try_wait()?.is_none() {
            self.child.kill()?;
        }
        self.child.wait()?;
        Ok(())
    }
}

/// A running server: one process, or (Cahier on JetStream) a
/// `nats-server` and one or two relays; figures are their sums.
pub struct Server {
    pub kind: ServerKind,
    /// The first address clients connect to.
    pub addr: SocketAddr,
    /// Every address clients connect to (two relays: both).
    pub addrs: Vec<SocketAddr>,
    pub data: PathBuf,
    procs: Vec<Process>,
}

impl Server {
    /// Start `kind` on free ports with `data` as its (existing) data
    /// directory, and wait until it accepts connections.
    pub fn start(programs: &Programs, kind: ServerKind, data: &Path) -> anyhow::Result<Self> {
        Self::start_with(programs, kind, data, &[])
    }

    /// Start with extra environment variables (a changed limit).
    pub fn start_with(
        programs: &Programs,
        kind: ServerKind,
        data: &Path,
        env: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        std::fs::create_dir_all(data)?;
        let parts = Part::of(kind);
        let ports = parts
            .iter()
            .map(|_| free_port())
            .collect::<anyhow::Result<Vec<u16>>>()?;
        let mut server = Self {
            kind,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            addrs: Vec::new(),
            data: data.to_owned(),
            procs: Vec::new(),
        };
        for (&part, &port) in parts.iter().zip(&ports) {
            let process = server.spawn(programs, part, port, env)?;
            server.procs.push(process);
        }
        server.addrs = server
            .procs
            .iter()
            .filter(|p| p.part != Part::Nats)
            .map(|p| SocketAddr::from(([127, 0, 0, 1], p.port)))
            .collect();
        server.addr = server.addrs[0];
        Ok(server)
    }

    /// Where client `n` connects: the relays take turns.
    pub fn addr_for(&self, n: u64) -> SocketAddr {
        self.addrs[(n as usize) % self.addrs.len()]
    }

    /// Start one part and wait until it listens. A relay whose JetStream
    /// is not ready yet exits at start: it is started again, a few times.
    fn spawn(
        &self,
        programs: &Programs,
        part: Part,
        port: u16,
        env: &[(&str, &str)],
    ) -> anyhow::Result<Process> {
        let nats_port = self
            .procs
            .iter()
            .find(|p| p.part == Part::Nats)
            .map(|p| p.port);
        let log = match part {
            Part::Main => self.data.with_extension("log"),
            Part::Nats => self.data.join("nats.log"),
            Part::Relay(n) => self.data.join(format!("relay-{n}.log")),
        };
        let tries = if matches!(part, Part::Relay(_)) { 5 } else { 1 };
        let mut last = None;
        for _ in 0..tries {
            let out = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&log)?;
            let child = programs
                .command(self.kind, part, port, &self.data, nats_port)?
                .stdin(Stdio::null())
                .stdout(out.try_clone()?)
                .stderr(out)
                .env(
                    "RUST_LOG",
                    std::env::var("CAHIER_BENCH_LOG").unwrap_or("warn".into()),
                )
                .envs(env.iter().copied())
                .spawn()
                .with_context(|| format!("start {}", self.kind.name()))?;
            let mut process = Process {
                part,
                port,
                child,
                log: log.clone(),
                written_before: 0,
                cpu_before: 0.0,
            };
            match wait_ready(&mut process, self.kind, Duration::from_secs(30)) {
                Ok(()) => return Ok(process),
                Err(e) => {
                    let _ = process.kill();
                    last = Some(e);
                    std::thread::sleep(Duration::from_millis(500));
                }
            }
        }
        Err(last.unwrap_or_else(|| anyhow::anyhow!("{} did not start", self.kind.name())))
    }

    /// CPU and writes since the first start, memory now: summed over the
    /// server's processes.
    pub fn usage(&self) -> Usage {
        self.procs
            .iter()
            .map(Process::usage)
            .fold(Usage::default(), |a, u| Usage {
                cpu_secs: a.cpu_secs + u.cpu_secs,
                rss: a.rss + u.rss,
                peak_rss: a.peak_rss + u.peak_rss,
                write_bytes: a.write_bytes + u.write_bytes,
            })
    }

    /// SIGKILL, every process at once: the crash the durability workload
    /// simulates.
    pub fn kill(&mut self) -> anyhow::Result<()> {
        for p in &mut self.procs {
            p.kill()?;
        }
        Ok(())
    }

    /// SIGINT (what every server here handles as "shut down cleanly":
    /// y-sweet persists its documents on it but not on SIGTERM), then
    /// SIGKILL if it has not exited within `grace`; relays before their
    /// `nats-server`.
    pub fn stop(&mut self, grace: Duration) -> anyhow::Result<()> {
        for p in self.procs.iter_mut().rev() {
            if p.child.try_wait()?.is_some() {
                continue;
            }
            Command::new("kill")
                .arg("-INT")
                .arg(p.child.id().to_string())
                .status()?;
            let start = Instant::now();
            while start.elapsed() < grace && p.child.try_wait()?.is_none() {
                std::thread::sleep(Duration::from_millis(50));
            }
            p.kill()?;
        }
        Ok(())
    }

    /// Stop (gracefully, or by SIGKILL if `crash`) and start again on the
    /// same ports and data directory, with the default configuration.
    pub fn restart(&mut self, programs: &Programs, crash: bool) -> anyhow::Result<()> {
        let before: Vec<Usage> = self.procs.iter().map(Process::usage).collect();
        if crash {
            self.kill()?;
        } else {
            self.stop(Duration::from_secs(15))?;
        }
        let old = std::mem::take(&mut self.procs);
        for (p, used) in old.iter().zip(before) {
            let mut next = self.spawn(programs, p.part, p.port, &[])?;
            next.written_before = used.write_bytes;
            next.cpu_before = used.cpu_secs;
            self.procs.push(next);
        }
        Ok(())
    }
}

fn wait_ready(process: &mut Process, kind: ServerKind, limit: Duration) -> anyhow::Result<()> {
    let addr = SocketAddr::from(([127, 0, 0, 1], process.port));
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(status) = process.child.try_wait()? {
            bail!(
                "{} exited at start ({status}); see {}",
                kind.name(),
                process.log.display()
            );
        }
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    bail!("{} did not listen within {limit:?}", kind.name())
}

impl Drop for Server {
    fn drop(&mut self) {
        for p in &mut self.procs {
            let _ = p.kill();
        }
    }
}

/// A port nothing listens on right now.
pub fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The bytes under `dir`, recursively.
pub fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_a_resident_size() {
        let u = Usage::this_process().expect("read /proc");
        assert!(u.rss > 0 && u.peak_rss >= u.rss);
    }
}
