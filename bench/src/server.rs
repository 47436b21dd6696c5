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

impl Programs {
    /// The command line that starts `kind`.
    fn command(&self, kind: ServerKind, port: u16, data: &Path) -> Command {
        let mut cmd = match self.core {
            Some(core) => {
                let mut c = Command::new("taskset");
                c.arg("-c").arg(core.to_string());
                c
            }
            None => Command::new("env"),
        };
        match kind {
            ServerKind::Cahier | ServerKind::CahierNormal => {
                if kind == ServerKind::CahierNormal {
                    cmd.env("CAHIER_DURABILITY", "normal");
                }
                cmd.arg(&self.relay)
                    .arg("--addr")
                    .arg(format!("127.0.0.1:{port}"))
                    .arg("--data")
                    .arg(data);
            }
            ServerKind::YWebsocket => {
                let dir = self.peers.join("y-websocket");
                cmd.current_dir(&dir)
                    .arg("node")
                    .arg(dir.join("node_modules/@y/websocket-server/src/server.js"))
                    .env("HOST", "127.0.0.1")
                    .env("PORT", port.to_string())
                    .env("YPERSISTENCE", data);
            }
            ServerKind::Hocuspocus => {
                let dir = self.peers.join("hocuspocus");
                cmd.current_dir(&dir)
                    .arg("node")
                    .arg(dir.join("hocuspocus.mjs"))
                    .env("PORT", port.to_string())
                    .env("DATA", data);
            }
            ServerKind::YSweet => {
                cmd.arg(self.peers.join("y-sweet/bin/y-sweet"))
                    .arg("serve")
                    .arg(data)
                    .arg("--host")
                    .arg("127.0.0.1")
                    .arg("--port")
                    .arg(port.to_string());
            }
        }
        cmd
    }

    /// Whether `kind`'s program is installed.
    pub fn check(&self, kind: ServerKind) -> anyhow::Result<()> {
        let path = match kind {
            ServerKind::Cahier | ServerKind::CahierNormal => self.relay.clone(),
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

/// A running server.
pub struct Server {
    pub kind: ServerKind,
    pub addr: SocketAddr,
    pub data: PathBuf,
    child: Child,
    log: PathBuf,
    /// What the earlier processes on this data directory wrote (restarts).
    written_before: u64,
    cpu_before: f64,
}

impl Server {
    /// Start `kind` on a free port with `data` as its (existing) data
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
        let port = free_port()?;
        Self::start_on(programs, kind, data, port, env)
    }

    fn start_on(
        programs: &Programs,
        kind: ServerKind,
        data: &Path,
        port: u16,
        env: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        std::fs::create_dir_all(data)?;
        let log = data.with_extension("log");
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)?;
        let child = programs
            .command(kind, port, data)
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .spawn()
            .with_context(|| format!("start {}", kind.name()))?;
        let mut server = Self {
            kind,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            data: data.to_owned(),
            child,
            log,
            written_before: 0,
            cpu_before: 0.0,
        };
        server.wait_ready(Duration::from_secs(30))?;
        Ok(server)
    }

    fn wait_ready(&mut self, limit: Duration) -> anyhow::Result<()> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "{} exited at start ({status}); see {}",
                    self.kind.name(),
                    self.log.display()
                );
            }
            if TcpStream::connect_timeout(&self.addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        bail!("{} did not listen within {limit:?}", self.kind.name())
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn usage(&self) -> Usage {
        let mut u = Usage::of(self.pid()).unwrap_or_default();
        u.write_bytes += self.written_before;
        u.cpu_secs += self.cpu_before;
        u
    }

    /// SIGKILL: the crash the durability workload simulates.
    pub fn kill(&mut self) -> anyhow::Result<()> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }

    /// SIGINT (what every server here handles as "shut down cleanly":
    /// y-sweet persists its documents on it but not on SIGTERM), then
    /// SIGKILL if it has not exited within `grace`.
    pub fn stop(&mut self, grace: Duration) -> anyhow::Result<()> {
        if self.child.try_wait()?.is_some() {
            return Ok(());
        }
        Command::new("kill")
            .arg("-INT")
            .arg(self.pid().to_string())
            .status()?;
        let start = Instant::now();
        while start.elapsed() < grace {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.kill()
    }

    /// Stop (gracefully, or by SIGKILL if `crash`) and start again on the
    /// same port and data directory, with the default configuration.
    pub fn restart(&mut self, programs: &Programs, crash: bool) -> anyhow::Result<()> {
        let before = self.usage();
        if crash {
            self.kill()?;
        } else {
            self.stop(Duration::from_secs(15))?;
        }
        let mut next = Self::start_on(
            programs,
            self.kind,
            &self.data.clone(),
            self.addr.port(),
            &[],
        )?;
        next.written_before = before.write_bytes;
        next.cpu_before = before.cpu_secs;
        std::mem::swap(self, &mut next);
        // `next` is the old, exited process now.
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
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
