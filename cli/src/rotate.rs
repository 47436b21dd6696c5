//! `cahier rotate LINK --keep KEY:LEVEL ...`: revoke members by moving a
//! document to fresh keys (`client::rotate`). Keys cannot be taken back
//! from whoever holds them, so the document is copied into new rooms under
//! a fresh edit secret and the old rooms are sealed at the relay; each
//! member kept (named by the identity key their browser signs with,
//! 43 characters of base64url, as the people panel shows it) finds the new
//! link of the level given here in their line of the old room's box.
//! Whoever is not kept keeps what they had read and can read or write
//! nothing more. The new links are printed, as `cahier import` prints them.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use client::rotate::{self, Member, RotateError};
use protocol::memberbox::VerifyingKey;
use protocol::{EditSecret, Link, Role};

use crate::error::CliError;
use crate::open;

#[derive(clap::Args, Debug)]
pub struct RotateArgs {
    /// The document's edit link (only an editor can move it).
    pub link: String,
    /// A member who stays: their identity key (base64url) and the level of
    /// the new link they get, `edit`, `amend` or `view`, as
    /// `KEY:edit`. Repeat for each member; everyone else loses access.
    #[arg(long = "keep", value_name = "IDENTITY_KEY:LEVEL")]
    pub keep: Vec<String>,
    /// The relay holding the document, when the link does not say.
    #[arg(long, env = "CAHIER_RELAY")]
    pub relay: Option<String>,
}

/// What a rotation printed: the new links, and the updates copied.
#[derive(Debug)]
pub struct Rotated {
    pub edit: String,
    pub amend: Option<String>,
    pub view: String,
    pub text_updates: usize,
    pub amendment_updates: usize,
}

/// One `--keep` read: `KEY:LEVEL`.
pub fn parse_keep(text: &str) -> Result<Member, CliError> {
    let bad = |why: &str| CliError::Format(format!("--keep {text:?}: {why}"));
    let (key, level) = text
        .rsplit_once(':')
        .ok_or_else(|| bad("expected IDENTITY_KEY:edit, :amend or :view"))?;
    let role = match level {
        "edit" => Role::Edit,
        "amend" => Role::Amend,
        "view" => Role::View,
        _ => return Err(bad("the level is edit, amend or view")),
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(key.trim_end_matches('='))
        .map_err(|_| bad("the identity key is not base64url"))?;
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|_| bad("an identity key is 32 bytes (43 characters)"))?;
    let identity =
        VerifyingKey::from_bytes(&bytes).map_err(|_| bad("this is not an identity key"))?;
    Ok(Member { identity, role })
}

pub async fn run(args: &RotateArgs) -> Result<Rotated, CliError> {
    let (link, relay) = open::parse(&args.link, args.relay.as_deref())?;
    if !matches!(link, Link::Edit(_)) {
        return Err(CliError::Rotate(RotateError::NotAnEditor));
    }
    let members = args
        .keep
        .iter()
        .map(|k| parse_keep(k))
        .collect::<Result<Vec<_>, _>>()?;
    let fresh = EditSecret::generate();
    let done = rotate::rotate(relay.websocket(), &link, fresh, &members)
        .await
        .map_err(CliError::Rotate)?;
    Ok(Rotated {
        edit: done.link.to_url(relay.page()),
        amend: done.link.to_amend().map(|a| a.to_url(relay.page())),
        view: done.link.to_view().to_url(relay.page()),
        text_updates: done.text_updates,
        amendment_updates: done.amendment_updates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keep_names_a_key_and_a_level_and_anything_else_is_said() {
        let key = protocol::memberbox::SigningKey::from_bytes(&[7; 32]).verifying_key();
        let b64 = URL_SAFE_NO_PAD.encode(key.to_bytes());
        let member = parse_keep(&format!("{b64}:amend")).expect("good");
        assert_eq!(member.identity, key);
        assert_eq!(member.role, Role::Amend);
        for bad in [b64.clone(), format!("{b64}:owner"), "abc:edit".to_owned()] {
            let error = parse_keep(&bad).expect_err("bad");
            assert!(error.to_string().contains("--keep"), "{error}");
        }
    }
}
