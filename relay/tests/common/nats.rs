//! A `nats-server` for tests, started on a free loopback port with its
//! data in a directory: the relay's unit tests (`relay/src/testing.rs`)
//! and its integration tests (`tests/common`) both use this one file.

/// How long the server may take to accept connections.
const START: std::time::Duration = std::time::Duration::from_secs(10);

/// A `nats-server` with JetStream on a free loopback port, keeping its
/// data in a directory: what the JetStream backend's tests run on. Killed
/// (SIGKILL) when dropped. Started again on the same directory and port,
/// it finds what it had stored.
pub struct NatsServer {
    dir: std::path::PathBuf,
    port: u16,
    /// The running server; `None` between a kill and a start. The lock is
    /// never held across an await.
    child: std::sync::Mutex<Option<std::process::Child>>,
}

impl NatsServer {
    /// Start a server keeping its data in `dir`, or say why not and give
    /// `None` when `nats-server` is not installed (`apt-get install
    /// nats-server`; `scripts/test.sh` does it).
    pub fn start(dir: &std::path::Path) -> Option<Self> {
        let found = std::process::Command::new("nats-server")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            eprintln!(
                "skipped: nats-server is not on PATH, so the JetStream backend is not tested \
                 (apt-get install nats-server)"
            );
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let server = Self {
            dir: dir.to_owned(),
            port,
            child: std::sync::Mutex::new(None),
        };
        server.start_again();
        Some(server)
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Start the server (again) on its directory and port, and wait until
    /// it accepts connections.
    pub fn start_again(&self) {
        let store = self.dir.join("jetstream");
        std::fs::create_dir_all(&store).expect("the server's directory");
        // An update of 1 MiB and its signature do not fit the default
        // max_payload of 1 MiB.
        let conf = format!(
            "listen: 127.0.0.1:{}\nmax_payload: 4MB\njetstream {{\n  store_dir: {:?}\n}}\n",
            self.port,
            store.display().to_string()
        );
        let conf_path = self.dir.join("nats.conf");
        std::fs::write(&conf_path, conf).expect("the server's configuration");
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("nats.log"))
            .expect("the server's log");
        let child = std::process::Command::new("nats-server")
            .arg("-c")
            .arg(&conf_path)
            .stdin(std::process::Stdio::null())
            .stdout(log.try_clone().expect("the log again"))
            .stderr(log)
            .spawn()
            .expect("nats-server starts");
        *self
            .child
            .lock()
            .expect("no panic while the child lock is held") = Some(child);
        let deadline = std::time::Instant::now() + START;
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "nats-server did not accept connections within {START:?} (see {})",
                self.dir.join("nats.log").display()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Kill the server with SIGKILL: nothing is flushed on the way out.
    pub fn kill(&self) {
        let child = self
            .child
            .lock()
            .expect("no panic while the child lock is held")
            .take();
        if let Some(mut child) = child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        self.kill();
    }
}
