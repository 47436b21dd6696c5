//! Messages built by hand, for tests that send what a well-behaved client
//! never would: an update sealed but not queued (to replay it, cut it,
//! flip a bit of it, send it into another room), a snapshot claiming any
//! sequence number. Sealing is still the protocol crate's
//! ([`DocKeys::seal`]); only the choice of what to send is free here.
//! Send them with [`crate::Client::send_msg`] or
//! [`crate::Client::send_frame`].

use protocol::envelope::new_msg_id;
use protocol::{ClientMsg, Context, DocKeys, MsgId, SealError};

/// `update` sealed as an `Update` message under a fresh message id.
pub fn update(keys: &DocKeys, update: &[u8]) -> Result<(MsgId, ClientMsg), SealError> {
    let msg_id = new_msg_id();
    let (ciphertext, signature) = keys.seal(&Context::update(keys.room(), msg_id), update)?;
    let signature = signature.ok_or(SealError::ReadOnly)?;
    Ok((
        msg_id,
        ClientMsg::Update {
            msg_id,
            ciphertext,
            signature,
        },
    ))
}

/// `state` sealed as a snapshot claiming to cover up to `covers_upto`,
/// whatever the relay holds.
pub fn snapshot(keys: &DocKeys, state: &[u8], covers_upto: u64) -> Result<ClientMsg, SealError> {
    let msg_id = new_msg_id();
    let context = Context::snapshot(keys.room(), msg_id, covers_upto);
    let (ciphertext, signature) = keys.seal(&context, state)?;
    Ok(ClientMsg::Snapshot {
        msg_id,
        covers_upto,
        ciphertext,
        signature: signature.ok_or(SealError::ReadOnly)?,
    })
}

/// The `Hello` a client sends, with each field chosen.
pub fn hello(keys: &DocKeys, since_seq: Option<u64>, write_pk: Option<[u8; 32]>) -> ClientMsg {
    ClientMsg::Hello {
        room: keys.room(),
        since_seq,
        write_pk,
        creation_token: None,
    }
}

/// A `Hello` carrying a creation token.
pub fn hello_with_token(
    keys: &DocKeys,
    since_seq: Option<u64>,
    write_pk: Option<[u8; 32]>,
    token: Option<&str>,
) -> ClientMsg {
    ClientMsg::Hello {
        room: keys.room(),
        since_seq,
        write_pk,
        creation_token: token.map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::EditSecret;

    #[test]
    fn forged_messages_open_like_real_ones() {
        let keys = DocKeys::from_edit(&EditSecret::generate());
        let (id, msg) = update(&keys, b"replayed").expect("editor");
        let ClientMsg::Update {
            msg_id,
            ciphertext,
            signature,
        } = msg
        else {
            panic!("not an update")
        };
        assert_eq!(msg_id, id);
        let opened = keys.open(
            &Context::update(keys.room(), id),
            &ciphertext,
            Some(&signature),
        );
        assert_eq!(opened, Ok(b"replayed".to_vec()));
        let ClientMsg::Snapshot { covers_upto, .. } =
            snapshot(&keys, b"state", 99).expect("editor")
        else {
            panic!("not a snapshot")
        };
        assert_eq!(covers_upto, 99);
        let viewer = DocKeys::from_view(keys.view_secret().clone(), keys.writer());
        assert_eq!(update(&viewer, b"x").err(), Some(SealError::ReadOnly));
    }
}
