//! A `nats-server` for tests, started on a free loopback port with its
//! data in a directory, and a three-node JetStream cluster on loopback
//! for the failover tests: the relay's unit tests (`relay/src/testing.rs`)
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
        if !installed() {
            return None;
        }
        let port = free_ports::<1>()[0];
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

/// Whether `nats-server` can run here; says why a test is skipped if not.
fn installed() -> bool {
    let found = std::process::Command::new("nats-server")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!(
            "skipped: nats-server is not on PATH, so the JetStream backend is not tested \
             (apt-get install nats-server)"
        );
    }
    found
}

/// `N` distinct free loopback ports: all bound at once, then released.
fn free_ports<const N: usize>() -> [u16; N] {
    let listeners: Vec<_> = (0..N)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").expect("a free port"))
        .collect();
    std::array::from_fn(|i| listeners[i].local_addr().expect("a bound port").port())
}

/// How long a cluster may take to elect its JetStream meta leader.
const META_LEADER: std::time::Duration = std::time::Duration::from_secs(20);

/// One node of a [`NatsCluster`]: its name (`n1`…, the server name that
/// stream infos give as a leader), client, route and monitoring ports.
struct Node {
    name: String,
    port: u16,
    route: u16,
    http: u16,
    child: Option<std::process::Child>,
}

/// Three `nats-server`s with JetStream clustered on loopback, each with
/// its own store directory: what the failover tests run on. Every node
/// is killed (SIGKILL) when dropped.
pub struct NatsCluster {
    dir: std::path::PathBuf,
    /// The nodes; the lock is never held across an await.
    nodes: std::sync::Mutex<Vec<Node>>,
}

impl NatsCluster {
    /// Start three nodes under `dir` and wait until JetStream has a meta
    /// leader, or say why not and give `None` when `nats-server` is not
    /// installed.
    pub fn start(dir: &std::path::Path) -> Option<Self> {
        if !installed() {
            return None;
        }
        let ports = free_ports::<9>();
        let mut nodes: Vec<Node> = (0..3)
            .map(|i| Node {
                name: format!("n{}", i + 1),
                port: ports[3 * i],
                route: ports[3 * i + 1],
                http: ports[3 * i + 2],
                child: None,
            })
            .collect();
        let routes: Vec<String> = nodes
            .iter()
            .map(|n| format!("nats-route://127.0.0.1:{}", n.route))
            .collect();
        for node in &mut nodes {
            let home = dir.join(&node.name);
            let store = home.join("jetstream");
            std::fs::create_dir_all(&store).expect("the node's directory");
            let conf = format!(
                "server_name: {name}\nlisten: 127.0.0.1:{port}\nhttp: 127.0.0.1:{http}\n\
                 max_payload: 4MB\njetstream {{\n  store_dir: {store:?}\n}}\n\
                 cluster {{\n  name: cahier-test\n  listen: 127.0.0.1:{route}\n  routes: [{routes}]\n}}\n",
                name = node.name,
                port = node.port,
                http = node.http,
                route = node.route,
                store = store.display().to_string(),
                routes = routes.join(", "),
            );
            let conf_path = home.join("nats.conf");
            std::fs::write(&conf_path, conf).expect("the node's configuration");
            let log = std::fs::File::create(home.join("nats.log")).expect("the node's log");
            let child = std::process::Command::new("nats-server")
                .arg("-c")
                .arg(&conf_path)
                .stdin(std::process::Stdio::null())
                .stdout(log.try_clone().expect("the log again"))
                .stderr(log)
                .spawn()
                .expect("nats-server starts");
            node.child = Some(child);
        }
        let cluster = Self {
            dir: dir.to_owned(),
            nodes: std::sync::Mutex::new(nodes),
        };
        cluster.wait_for_meta_leader();
        Some(cluster)
    }

    fn nodes(&self) -> std::sync::MutexGuard<'_, Vec<Node>> {
        self.nodes
            .lock()
            .expect("no panic while the nodes lock is held")
    }

    /// The client URLs of every node, killed or not.
    pub fn urls(&self) -> Vec<String> {
        self.nodes()
            .iter()
            .map(|n| format!("nats://127.0.0.1:{}", n.port))
            .collect()
    }

    /// The client URLs of the nodes still running.
    pub fn running_urls(&self) -> Vec<String> {
        self.nodes()
            .iter()
            .filter(|n| n.child.is_some())
            .map(|n| format!("nats://127.0.0.1:{}", n.port))
            .collect()
    }

    /// The nodes' names (`n1`, `n2`, `n3`).
    pub fn names(&self) -> Vec<String> {
        self.nodes().iter().map(|n| n.name.clone()).collect()
    }

    /// Wait until every running node reports the same JetStream meta
    /// leader (its `/jsz` monitoring page), at most [`META_LEADER`].
    fn wait_for_meta_leader(&self) {
        let deadline = std::time::Instant::now() + META_LEADER;
        let http: Vec<u16> = self
            .nodes()
            .iter()
            .filter(|n| n.child.is_some())
            .map(|n| n.http)
            .collect();
        loop {
            let leaders: Vec<Option<String>> = http.iter().map(|&port| meta_leader(port)).collect();
            if leaders.iter().all(|l| l.is_some() && *l == leaders[0]) {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the cluster had no JetStream meta leader within {META_LEADER:?} (see the logs under {})",
                self.dir.display()
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    /// Kill the node named `name` with SIGKILL: nothing is flushed on the
    /// way out.
    pub fn kill(&self, name: &str) {
        let child = self
            .nodes()
            .iter_mut()
            .find(|n| n.name == name)
            .and_then(|n| n.child.take());
        if let Some(mut child) = child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for NatsCluster {
    fn drop(&mut self) {
        for name in self.names() {
            self.kill(&name);
        }
    }
}

/// The JetStream meta leader a node's monitoring port names, if any.
fn meta_leader(http: u16) -> Option<String> {
    use std::io::{Read as _, Write as _};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", http)).ok()?;
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(2)))
        .ok()?;
    stream
        .write_all(b"GET /jsz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut text = String::new();
    stream.read_to_string(&mut text).ok()?;
    // `"meta_cluster": { ..., "leader": "n2", ... }`, without a JSON
    // parser in this shared file.
    let meta = &text[text.find("\"meta_cluster\"")?..];
    let after = &meta[meta.find("\"leader\"")? + "\"leader\"".len()..];
    let start = after.find('"')? + 1;
    let len = after[start..].find('"')?;
    let leader = &after[start..start + len];
    (!leader.is_empty()).then(|| leader.to_owned())
}
