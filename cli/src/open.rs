//! A document link read, and the document downloaded from its relay: the
//! keys come from the fragment (`protocol::Link`, whose checksum tells a
//! cut or mistyped link from a good one), the relay from the address
//! before it (`client::RelayAddress`: the page at `https://host/dir/`
//! talks to `wss://host/dir/ws`), unless `--relay` says otherwise. The
//! download verifies every signature and decrypts here, with a progress
//! bar on a terminal (hidden when the error output is not one).

use std::time::Duration;

use client::{Client, Engine, RelayAddress, Replica};
use indicatif::{ProgressBar, ProgressStyle};
use protocol::Link;

use crate::error::CliError;

/// How long a read may wait for the relay before `cahier` gives up.
pub const WAIT: Duration = Duration::from_secs(60);

/// The link's keys and its relay (`relay` wins over the link's address).
pub fn parse(link: &str, relay: Option<&str>) -> Result<(Link, RelayAddress), CliError> {
    let parsed = Link::parse(link)?;
    let address = match relay {
        Some(relay) => RelayAddress::parse(relay)?,
        None => RelayAddress::of_link(link)?.ok_or(CliError::NoRelay)?,
    };
    Ok((parsed, address))
}

/// A bar counting `what` on the error output, drawn only on a terminal.
pub fn bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    style(&bar, what);
    bar
}

fn style(bar: &ProgressBar, what: &str) {
    let template = format!("{{bar:40}} {{human_pos}}/{{human_len}} {what} ({{eta}} left)");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
}

/// Connect to `relay`, catch up on the document `link` opens into `doc`,
/// with a progress bar over the stored updates, and return the client
/// still connected. Nothing is written to the document or the relay.
pub async fn download<D: Replica>(
    link: &Link,
    relay: &RelayAddress,
    doc: D,
) -> Result<Client<D>, CliError> {
    download_room(link.keys(), relay, doc).await
}

/// [`download`] for one room's `keys` (a document's amendment room).
pub async fn download_room<D: Replica>(
    keys: protocol::DocKeys,
    relay: &RelayAddress,
    doc: D,
) -> Result<Client<D>, CliError> {
    let shown = ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
    let progress = shown.clone();
    let mut client = Client::new(
        relay.websocket(),
        Engine::new(keys, doc, 0, Vec::new()).answer_compact_hints(false),
    )
    .with_wait(WAIT)
    .on_progress(move |received, total| {
        // Shown from the first chunk on, once the total is known.
        if progress.length().is_none() && total > 0 {
            progress.set_length(total);
            style(&progress, "updates");
            progress.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        progress.set_position(received);
    });
    let joined = client.connect().await;
    shown.finish_and_clear();
    joined?;
    Ok(client)
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::EditSecret;

    #[test]
    fn a_link_gives_its_keys_and_its_relay() {
        let link = Link::Edit(EditSecret::generate());
        let url = link.to_url("https://cahier.example/groupe/");
        let (parsed, relay) = parse(&url, None).expect("a good link");
        assert_eq!(parsed, link);
        assert_eq!(relay.websocket(), "wss://cahier.example/groupe/ws");
        let (_, relay) = parse(&url, Some("http://127.0.0.1:9/")).expect("a good link");
        assert_eq!(relay.websocket(), "ws://127.0.0.1:9/ws");
    }

    #[test]
    fn a_bare_fragment_needs_a_relay_and_a_damaged_link_says_so() {
        let link = Link::Edit(EditSecret::generate());
        let fragment = format!("#{}", link.fragment());
        assert!(matches!(parse(&fragment, None), Err(CliError::NoRelay)));
        assert!(parse(&fragment, Some("127.0.0.1:9")).is_ok());
        let cut = &fragment[..fragment.len() - 6];
        let error = parse(cut, Some("127.0.0.1:9")).expect_err("cut");
        assert!(error.to_string().contains("incomplete"), "{error}");
    }
}
