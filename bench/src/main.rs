//! `bench`: a load generator comparing Cahier's relay with the Yjs servers
//! people deploy (y-websocket, Hocuspocus, y-sweet). `scripts/bench.sh`
//! installs the peers, builds the relay, pins the servers to one core and
//! this generator to the other, and runs it; BENCHMARKS.md explains the
//! workloads and the figures.
//!
//! - [`codec`]: the three wire protocols, one codec per connection;
//!   Cahier's is the project's client engine (`cahier-client`) on
//!   `protocol::Session`.
//! - [`client`]: a simulated person typing (or reading) in one room.
//! - [`server`]: starting, measuring (`/proc`) and stopping the servers.
//! - [`workload`]: the workloads, W1 to W5.
//! - [`report`]: the rows and the table.
//!
//! Editing traces (W4) come from `cli::trace`, which `cahier populate`
//! uses too.

mod client;
mod codec;
mod report;
mod server;
mod workload;

use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use anyhow::{bail, Context as _};
use clap::Parser;
use cli::trace;

use crate::codec::ServerKind;
use crate::report::Outcome;
use crate::workload::{Settings, TraceLoad, Workload};

#[derive(Parser, Debug)]
#[command(about = "Benchmark Cahier's relay against y-websocket, Hocuspocus and y-sweet")]
struct Args {
    /// Servers to run, comma-separated: cahier, cahier-normal (the relay
    /// with `--durability normal`), y-websocket, hocuspocus, y-sweet.
    #[arg(
        long,
        default_value = "cahier,cahier-normal,y-websocket,hocuspocus,y-sweet"
    )]
    servers: String,
    /// Workloads to run, comma-separated: w1, w2, w3, w4, w5.
    #[arg(long, default_value = "w1,w2,w3,w4,w5")]
    workloads: String,
    /// Seconds of measured typing in W1 and W2.
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Seconds of typing before measuring starts.
    #[arg(long, default_value_t = 2.0)]
    warmup: f64,
    /// Cahier's relay binary.
    #[arg(long, default_value = "target/release/relay")]
    relay: PathBuf,
    /// Where scripts/bench.sh installed the peers.
    #[arg(
        long,
        env = "CAHIER_BENCH_PEERS",
        default_value = "~/.cache/cahier-bench"
    )]
    peers: PathBuf,
    /// Data directories go below this one (default: a fresh temporary one).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Core to pin the servers to (`taskset -c`); -1 to leave them unpinned.
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    server_core: i64,
    /// Verify every update's signature in the simulated clients, as the app
    /// does (costly: see BENCHMARKS.md).
    #[arg(long)]
    verify_signatures: bool,
    /// Send no presence with the keystrokes (W1, W2, W5): what presence
    /// costs, by difference.
    #[arg(long)]
    no_presence: bool,
    /// A run where the generator used more than this share of its core is
    /// not reported.
    #[arg(long, default_value_t = 0.9)]
    saturation: f64,
    /// W1: rooms, clients per room, keystrokes per second per client.
    #[arg(long, value_delimiter = ',', default_value = "100,5,5")]
    w1: Vec<f64>,
    /// W2: clients in the hot room, one run per value.
    #[arg(long, value_delimiter = ',', default_value = "50,100,200")]
    w2_clients: Vec<usize>,
    /// W2: keystrokes per second per client.
    #[arg(long, default_value_t = 2.0)]
    w2_rate: f64,
    /// W3: connections, rooms.
    #[arg(long, value_delimiter = ',', default_value = "2000,1000")]
    w3: Vec<usize>,
    /// W4: the editing trace (sequential format, gzipped JSON): a path, or
    /// a name looked up in $CAHIER_TRACES or in
    /// ../shared/data/editing-traces beside the clone.
    #[arg(long, default_value = trace::DEFAULT_TRACE)]
    trace: String,
    /// W4: use only the first N edits of the trace.
    #[arg(long)]
    trace_limit: Option<usize>,
    /// W4: readers opening the document at once in the second cold open.
    #[arg(long, default_value_t = 20)]
    w4_readers: usize,
    /// W5: rooms, clients per room, keystrokes per second per client.
    #[arg(long, value_delimiter = ',', default_value = "20,3,5")]
    w5: Vec<f64>,
    /// W5: seconds of typing before the SIGKILL (the Yjs servers store
    /// every 2 to 10 s; past 10 s each has stored at least once).
    #[arg(long, default_value_t = 12.0)]
    w5_kill_after: f64,
    /// Also write the table to this file.
    #[arg(long)]
    out: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let servers = args
        .servers
        .split(',')
        .map(|s| ServerKind::parse(s.trim()).with_context(|| format!("unknown server {s:?}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut workloads = Vec::new();
    for w in args.workloads.split(',') {
        match w.trim().to_ascii_lowercase().as_str() {
            "w1" => workloads.push(Workload::W1),
            "w2" => workloads.extend(args.w2_clients.iter().map(|&n| Workload::W2(n))),
            "w3" => workloads.push(Workload::W3),
            "w4" => workloads.push(Workload::W4),
            "w5" => workloads.push(Workload::W5),
            other => bail!("unknown workload {other:?}"),
        }
    }
    let triple = |v: &[f64], what: &str| -> anyhow::Result<(usize, usize, f64)> {
        match v {
            [a, b, c] => Ok((*a as usize, *b as usize, *c)),
            _ => bail!("--{what} takes three numbers: rooms,clients,rate"),
        }
    };
    let trace = if workloads.iter().any(|w| matches!(w, Workload::W4)) {
        let mut trace = trace::Trace::load(&trace::locate(&args.trace)?)?;
        if let Some(n) = args.trace_limit {
            trace.truncate(n);
        }
        let updates = trace.to_updates(1_000_000, client::TEXT)?;
        eprintln!(
            "trace: {} updates, {} characters",
            updates.len(),
            trace.end.chars().count()
        );
        Some(Rc::new(TraceLoad { trace, updates }))
    } else {
        None
    };
    let data_root = match &args.data {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!("cahier-bench-{}", std::process::id())),
    };
    std::fs::create_dir_all(&data_root)?;
    let peers = match (args.peers.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => args.peers.clone(),
    };
    let programs = server::Programs {
        relay: args.relay.clone(),
        peers,
        core: usize::try_from(args.server_core).ok(),
    };
    let [w3_conns, w3_rooms] = args.w3[..] else {
        bail!("--w3 takes two numbers: connections,rooms");
    };
    let settings = Settings {
        programs: programs.clone(),
        data_root: data_root.clone(),
        duration: Duration::from_secs_f64(args.duration),
        warmup: Duration::from_secs_f64(args.warmup),
        verify_signatures: args.verify_signatures,
        presence: !args.no_presence,
        saturation: args.saturation,
        seed: rand::random::<u32>().into(),
        w1: triple(&args.w1, "w1")?,
        w2_rate: args.w2_rate,
        w3: (w3_conns, w3_rooms),
        w4_readers: args.w4_readers,
        w5: triple(&args.w5, "w5")?,
        w5_kill_after: Duration::from_secs_f64(args.w5_kill_after),
        trace,
    };

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let local = tokio::task::LocalSet::new();
    let rows = local.block_on(&runtime, async {
        let mut rows = Vec::new();
        for &kind in &servers {
            if let Err(e) = programs.check(kind) {
                eprintln!("skipping {}: {e:#}", kind.name());
                continue;
            }
            for w in &workloads {
                eprintln!("running {} {:?}", kind.name(), w);
                for row in settings.run(kind, w).await {
                    eprintln!("  {}: {} {:?}", row.workload, row.result, row.outcome);
                    rows.push(row);
                }
            }
        }
        rows
    });
    if args.data.is_none() {
        let _ = std::fs::remove_dir_all(&data_root);
    }
    let table = report::table(&rows);
    println!("{table}");
    if let Some(out) = &args.out {
        std::fs::write(out, &table)?;
    }
    if rows.iter().any(|r| matches!(r.outcome, Outcome::Failed(_))) {
        std::process::exit(1);
    }
    Ok(())
}
