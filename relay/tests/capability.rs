//! Who may open and who may create a room, against a real relay: a room id
//! (shown on the page, in logs, in the relay's database) opens nothing
//! without the read capability, and only a holder of the edit key creates
//! a room or registers its read check (protocol version 2).

mod common;

use anyhow::{bail, Result};
use client::{Engine, Frame};
use common::{Client, TestRelay};
use protocol::wire::decode_server;
use protocol::{close, CreateProof, DocKeys, EditSecret, ErrorCode, ServerMsg};

fn editor() -> DocKeys {
    DocKeys::from_edit(&EditSecret::generate())
}

fn viewer_of(keys: &DocKeys) -> DocKeys {
    DocKeys::from_view(keys.view_secret().clone(), keys.writer())
}

/// Every frame until the connection closes: what the relay said, decoded,
/// and its close code.
async fn everything_said(c: &mut Client) -> Result<(Vec<ServerMsg>, Option<u16>)> {
    let mut said = Vec::new();
    loop {
        match c.recv_frame().await? {
            Frame::Binary(bytes) => said.push(decode_server(&bytes)?),
            Frame::Close(code) => return Ok((said, code)),
            Frame::Text(t) => bail!("the relay sent text: {t}"),
            Frame::Ping | Frame::Pong => {}
        }
    }
}

fn refusal(code: ErrorCode) -> ServerMsg {
    ServerMsg::Error { code, msg_id: None }
}

#[tokio::test]
async fn a_room_id_without_the_capability_opens_nothing() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let keys = editor();
    let mut alice = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let id = alice.type_at_end("the meeting is at nine").await?;
    alice.ack(id).await?;
    alice.send_awareness(b"alice's caret").await?;

    // A stranger who read the room id (and the write key, which a view
    // link carries) guesses a capability: refused before anything is sent.
    let stranger = editor();
    for since in [None, Some(0), Some(1)] {
        let mut c = Client::connect_raw(&relay.url(), stranger.clone(), 9).await?;
        c.send_msg(&client::raw::hello_with(keys.room(), since, [7; 32], None))
            .await?;
        let (said, code) = everything_said(&mut c).await?;
        assert_eq!(
            said,
            vec![refusal(ErrorCode::NotAllowed)],
            "since {since:?}"
        );
        assert_eq!(code, Some(close::REFUSED));
    }
    // The write key alone proves nothing: a proof needs its signature.
    let mut c = Client::connect_raw(&relay.url(), stranger.clone(), 9).await?;
    let forged = CreateProof {
        write_pk: keys.writer().to_bytes(),
        signature: [1; 64],
        token: None,
    };
    c.send_msg(&client::raw::hello_with(
        keys.room(),
        None,
        [7; 32],
        Some(forged),
    ))
    .await?;
    let (said, _) = everything_said(&mut c).await?;
    assert_eq!(said, vec![refusal(ErrorCode::WrongRoomKey)]);

    // A reader with the view link's capability reads the text.
    let bob = Client::join(&relay.url(), viewer_of(&keys), 2, None).await?;
    assert_eq!(bob.text(), "the meeting is at nine");
    relay.stop().await
}

#[tokio::test]
async fn creation_needs_the_edit_key() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let keys = editor();
    let reader = viewer_of(&keys);

    // A view link's holder cannot create the room: it has no proof.
    let mut c = Client::connect_raw(&relay.url(), reader.clone(), 2).await?;
    c.send_msg(&client::raw::hello(&reader, None, None)).await?;
    let (said, code) = everything_said(&mut c).await?;
    assert_eq!(said, vec![refusal(ErrorCode::UnknownRoom)]);
    assert_eq!(code, Some(close::REFUSED));

    // A stranger who learnt the write key cannot squat the room with a
    // capability of its own: its proof is signed by another key.
    let squatter = editor();
    let Some(theirs) = squatter.create_proof(None) else {
        bail!("an editor makes a proof")
    };
    let forged = CreateProof {
        write_pk: keys.writer().to_bytes(),
        ..theirs
    };
    let mut c = Client::connect_raw(&relay.url(), squatter.clone(), 3).await?;
    c.send_msg(&client::raw::hello_with(
        keys.room(),
        None,
        squatter.read_capability().0,
        Some(forged),
    ))
    .await?;
    let (said, _) = everything_said(&mut c).await?;
    assert_eq!(said, vec![refusal(ErrorCode::WrongRoomKey)]);
    // Nor with the room's own capability and a proof for another room.
    let mut c = Client::connect_raw(&relay.url(), squatter.clone(), 3).await?;
    c.send_msg(&client::raw::hello_with(
        keys.room(),
        None,
        keys.read_capability().0,
        squatter.create_proof(None),
    ))
    .await?;
    let (said, _) = everything_said(&mut c).await?;
    assert_eq!(said, vec![refusal(ErrorCode::WrongRoomKey)]);

    // Still nobody's: the reader is refused again, the editor creates it.
    let mut c = Client::connect_raw(&relay.url(), reader.clone(), 2).await?;
    c.send_msg(&client::raw::hello(&reader, None, None)).await?;
    let (said, _) = everything_said(&mut c).await?;
    assert_eq!(said, vec![refusal(ErrorCode::UnknownRoom)]);
    let mut alice = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let id = alice.type_at_end("ours").await?;
    alice.ack(id).await?;
    let bob = Client::join(&relay.url(), reader, 2, None).await?;
    assert_eq!(bob.text(), "ours");
    relay.stop().await
}

#[tokio::test]
async fn with_creation_tokens_a_room_is_created_only_with_one_and_existing_rooms_stay_open(
) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |c| {
        c.creation_tokens = relay::CreationTokens::new(["group-secret"]);
    })
    .await?;
    let keys = editor();
    let mut c = Client::connect_raw(&relay.url(), keys.clone(), 1).await?;
    c.send_msg(&client::raw::hello(&keys, None, None)).await?;
    let (said, _) = everything_said(&mut c).await?;
    assert_eq!(said, vec![refusal(ErrorCode::TokenRequired)]);
    let mut c = Client::connect_raw(&relay.url(), keys.clone(), 1).await?;
    c.send_msg(&client::raw::hello(&keys, None, Some("guess".into())))
        .await?;
    let (said, _) = everything_said(&mut c).await?;
    assert_eq!(said, vec![refusal(ErrorCode::TokenRequired)]);

    let engine = Engine::new(keys.clone(), common::new_doc(1), 0, Vec::new())
        .with_creation_token(Some("group-secret".into()));
    let mut alice = Client::join_with(engine, &relay.url()).await?;
    let id = alice.type_at_end("made with the token").await?;
    alice.ack(id).await?;
    // Once it exists, neither an editor nor a reader needs the token.
    let again = Client::join(&relay.url(), keys.clone(), 3, None).await?;
    assert_eq!(again.text(), "made with the token");
    let bob = Client::join(&relay.url(), viewer_of(&keys), 2, None).await?;
    assert_eq!(bob.text(), "made with the token");
    relay.stop().await
}
