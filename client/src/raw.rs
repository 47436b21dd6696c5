//! Messages built by hand, for tests that send what a well-behaved client
//! never would: an update sealed but not queued (to replay it, cut it,
//! flip a bit of it, send it into another room), a snapshot claiming any
//! sequence number, a `Hello` with any capability or proof, presence
//! sealed under any peer id and counter. Sealing is still the protocol crate's
//! ([`DocKeys::seal`]); only the choice of what to send is free here.
//! Send them with [`crate::Client::send_msg`] or
//! [`crate::Client::send_frame`].

use protocol::envelope::new_msg_id;
use protocol::{ClientMsg, Context, CreateProof, DocKeys, MsgId, PeerId, RoomId, SealError};

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

/// The `Hello` a client with `keys` sends (a creation proof if they
/// write, with `token`).
pub fn hello(keys: &DocKeys, since_seq: Option<u64>, token: Option<String>) -> ClientMsg {
    ClientMsg::Hello {
        room: keys.room(),
        since_seq,
        cap: keys.read_capability().0,
        create: keys.create_proof(token),
    }
}

/// A `Hello` with each field chosen: a room id alone with a guessed
/// capability, a proof made for another room.
pub fn hello_with(
    room: RoomId,
    since_seq: Option<u64>,
    cap: [u8; 32],
    create: Option<CreateProof>,
) -> ClientMsg {
    ClientMsg::Hello {
        room,
        since_seq,
        cap,
        create,
    }
}

/// `state` sealed as the `counter`-th presence of the connection `peer`
/// (signed when `keys` write), as the session would for that connection.
pub fn presence(
    keys: &DocKeys,
    peer: PeerId,
    counter: u64,
    state: &[u8],
) -> Result<ClientMsg, SealError> {
    let (ciphertext, signature) =
        keys.seal(&Context::awareness(keys.room(), peer, counter), state)?;
    Ok(ClientMsg::Awareness {
        counter,
        ciphertext,
        signature,
    })
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
