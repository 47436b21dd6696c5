//! The `relay` binary: read flags, set up logs, bind, run until SIGINT or
//! SIGTERM; or, with `--migrate-to`, move the SQLite store's rooms to
//! JetStream and exit.

use anyhow::Context as _;
use clap::Parser as _;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let args = relay::Args::parse();
    let (addr, metrics_addr) = (args.addr, args.metrics_addr);
    let migration = args.migration();
    let config = args.into_config()?;
    if let Some(target) = migration {
        let migrated = relay::migrate(&config, &target).await?;
        tracing::info!(
            rooms = migrated.rooms,
            updates = migrated.updates,
            already_there = migrated.already_there,
            refused = migrated.refused.len(),
            "migration finished"
        );
        anyhow::ensure!(
            migrated.refused.is_empty(),
            "{} rooms were not moved (see the warnings above)",
            migrated.refused.len()
        );
        return Ok(());
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("could not listen on {addr}"))?;
    let metrics = match metrics_addr {
        Some(addr) => Some(
            tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("could not listen on {addr} for metrics"))?,
        ),
        None => None,
    };
    let metrics_at = metrics.as_ref().map(|m| m.local_addr()).transpose()?;
    tracing::info!(
        addr = %listener.local_addr()?,
        metrics = ?metrics_at,
        data = %config.data_dir.display(),
        store = ?config.store,
        static_dir = ?config.static_dir,
        creation = if config.creation_tokens.open() { "open to anyone" } else { "with a token" },
        "relay listening"
    );
    let listeners = relay::Listeners {
        public: listener,
        metrics,
    };
    relay::run_on(listeners, config, shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(
            tokio::signal::unix::SignalKind::terminate(),
        ) {
            Ok(term) => term,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM; only Ctrl-C stops the relay");
                let _ = ctrl_c.await;
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
