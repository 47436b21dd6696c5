//! Issue 15, revoking a member by key rotation, against a real relay:
//! three members, one removed. After the rotation the removed member's
//! keys open none of the new rooms' updates and the relay refuses its
//! `Hello` to them; its writes to the old rooms are refused (`RoomSealed`)
//! and it finds no line for itself in their box; the remaining members
//! open their line, read the copied history and the new edits, and write
//! on. The seal outlives a relay restart.

mod common;

use anyhow::{anyhow, Result};
use client::rotate::{self, Member};
use client::Frame;
use common::{Client, TestRelay};
use protocol::memberbox::SigningKey;
use protocol::wire::decode_server;
use protocol::{ClientMsg, Context, DocKeys, EditSecret, ErrorCode, Link, Role, ServerMsg};

fn identity(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n; 32])
}

/// Every stored update of the room of `keys`, as the relay serves them,
/// read through a raw connection.
async fn stored_updates(url: &str, keys: &DocKeys) -> Result<Vec<protocol::StoredUpdate>> {
    let mut raw = Client::connect_raw(url, keys.clone(), 90).await?;
    raw.send_msg(&ClientMsg::Hello {
        room: keys.room(),
        since_seq: None,
        cap: keys.read_capability().0,
        create: None,
    })
    .await?;
    let mut updates = Vec::new();
    for _ in 0..1000 {
        let Frame::Binary(frame) = raw.recv_frame().await? else {
            continue;
        };
        match decode_server(&frame)? {
            ServerMsg::Updates(chunk) => updates.extend(chunk),
            ServerMsg::CaughtUp { .. } => return Ok(updates),
            ServerMsg::Error { code, .. } => return Err(anyhow!("refused: {code:?}")),
            _ => {}
        }
    }
    Err(anyhow!("no CaughtUp"))
}

/// Write `s` at the start with `keys`, sent as it is whatever the
/// session knows (a client that has not heard of the seal, or ignores
/// it); its message id.
async fn write_anyway(client: &mut Client, keys: &DocKeys, s: &str) -> Result<protocol::MsgId> {
    let update = client.edit(0, s)?;
    let msg_id = protocol::envelope::new_msg_id();
    let ctx = Context::update(keys.room(), msg_id);
    let (ciphertext, signature) = keys.seal(&ctx, &update).map_err(|e| anyhow!("{e}"))?;
    client
        .send_msg(&ClientMsg::Update {
            msg_id,
            ciphertext,
            signature: signature.ok_or_else(|| anyhow!("unsigned"))?,
        })
        .await?;
    Ok(msg_id)
}

#[tokio::test]
async fn a_removed_member_reads_nothing_new_and_writes_nowhere_while_the_others_move_on(
) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let url = relay.url();
    let old = Link::Edit(EditSecret::generate());
    let amend = old.to_amend().expect("an edit link has one");
    let old_amend_keys = old.amendment_keys(None).expect("an editor's");
    let (alice, bob, carol) = (identity(1), identity(2), identity(3));

    // Before: Alice (editor) writes the text, Bob and Carol (members,
    // amend links) file in the amendment room.
    let mut alice_old = Client::join(&url, old.keys(), 1, None).await?;
    let id = alice_old.type_at_end("La motion.").await?;
    alice_old.ack(id).await?;
    let bob_amend_keys = amend.amendment_keys(None).expect("from A");
    let mut bob_old = Client::join(&url, bob_amend_keys.clone(), 2, None).await?;
    let id = bob_old.type_at_end("Bob amends. ").await?;
    bob_old.ack(id).await?;
    let mut carol_old = Client::join(&url, bob_amend_keys.clone(), 3, None).await?;
    let id = carol_old.type_at_end("Carol amends. ").await?;
    carol_old.ack(id).await?;
    assert_eq!(carol_old.text(), "Bob amends. Carol amends. ");

    // Carol is removed: Alice rotates, keeping herself and Bob.
    let fresh = EditSecret::generate();
    let members = [
        Member {
            identity: alice.verifying_key(),
            role: Role::Edit,
        },
        Member {
            identity: bob.verifying_key(),
            role: Role::Amend,
        },
    ];
    let rotation = rotate::rotate(&url, &old, fresh.clone(), &members).await?;
    assert_eq!(rotation.link, Link::Edit(fresh.clone()));
    assert_eq!(rotation.text_updates, 2, "the text and the new meta");
    assert_eq!(rotation.amendment_updates, 2);
    let new_amend_keys = rotation.link.amendment_keys(None).expect("an editor's");

    // Carol, still connected to the old amendment room, is told at once,
    // and finds no line for herself in the box.
    let carol_box = carol_old.wait_sealed().await?;
    assert_eq!(
        rotate::new_link(&carol_box, &carol, old_amend_keys.room()),
        None
    );
    // Her client sends nothing more; a write sent anyway is refused, and
    // stays in her replica.
    let id = carol_old.type_at_end("After removal.").await?;
    assert_eq!(carol_old.pending_len(), 1, "kept, not sent");
    assert!(carol_old.text().ends_with("After removal."));
    let id2 = write_anyway(&mut carol_old, &bob_amend_keys, "Anyway. ").await?;
    assert_eq!(
        carol_old.refusal().await?,
        (ErrorCode::RoomSealed, Some(id2))
    );
    let _ = id;
    // Alice's old link cannot write the old text room either, nor seal it
    // again.
    let id = write_anyway(&mut alice_old, &old.keys(), "Old. ").await?;
    assert_eq!(
        alice_old.refusal().await?,
        (ErrorCode::RoomSealed, Some(id))
    );
    let refused = alice_old.seal(b"again").await;
    assert!(
        matches!(
            refused,
            Err(client::ClientError::Refused {
                code: ErrorCode::RoomSealed
            })
        ),
        "{refused:?}"
    );

    // Carol's keys: the relay refuses her Hello to the new rooms (she
    // learnt their ids and write keys, which are not secret from the
    // relay, but not their read capability)...
    let carol_new_text = DocKeys::from_view(
        old.keys().view_secret().clone(),
        rotation.link.keys().writer(),
    );
    let carol_new_amend = DocKeys::from_view(
        old_amend_keys.view_secret().clone(),
        new_amend_keys.writer(),
    );
    for keys in [&carol_new_text, &carol_new_amend] {
        match Client::join(&url, keys.clone(), 4, None).await {
            Err(e) => assert!(
                e.to_string().contains("NotAllowed")
                    || e.downcast_ref::<client::ClientError>()
                        .is_some_and(|e| matches!(
                            e,
                            client::ClientError::Refused {
                                code: ErrorCode::NotAllowed
                            }
                        )),
                "{e}"
            ),
            Ok(_) => panic!("a removed member joined a new room"),
        }
    }
    // ...and her keys open none of their updates.
    for (keys, carols) in [
        (rotation.link.keys(), &carol_new_text),
        (new_amend_keys.clone(), &carol_new_amend),
    ] {
        let updates = stored_updates(&url, &keys).await?;
        assert!(!updates.is_empty());
        for u in &updates {
            let ctx = Context::update(keys.room(), u.msg_id);
            assert!(keys.open(&ctx, &u.ciphertext, Some(&u.signature)).is_ok());
            assert!(
                carols
                    .open(&ctx, &u.ciphertext, Some(&u.signature))
                    .is_err(),
                "the removed member's key opened an update of a new room"
            );
        }
    }

    // Bob, connected to the old amendment room, opens his line...
    let bob_box = bob_old.wait_sealed().await?;
    let bob_link = rotate::new_link(&bob_box, &bob, old_amend_keys.room()).expect("a line for Bob");
    assert_eq!(bob_link.role(), Role::Amend);
    assert_eq!(Some(bob_link.clone()), rotation.link.to_amend());
    // ...as he would from the old text room's box, which he joins as a
    // reader, and whose line a copy from another room does not open.
    let mut bob_text_old = Client::join(&url, amend.keys(), 5, None).await?;
    let text_box = bob_text_old.wait_sealed().await?;
    assert_eq!(
        rotate::new_link(&text_box, &bob, old.keys().room()),
        Some(bob_link.clone())
    );
    assert_eq!(rotate::new_link(&bob_box, &bob, old.keys().room()), None);
    assert_eq!(
        rotate::new_link(&text_box, &alice, old.keys().room()),
        Some(rotation.link.clone())
    );

    // Bob reads the copied history in the new rooms, and writes on.
    let mut bob_text = Client::join(&url, bob_link.keys(), 6, None).await?;
    assert_eq!(bob_text.text(), "La motion.");
    assert_eq!(
        bob_text.doc().amendments_room_key(),
        Some(new_amend_keys.writer().to_b64()),
        "the new text room names the new amendment room"
    );
    let mut bob_amend = Client::join(
        &url,
        bob_link.amendment_keys(None).expect("from A"),
        7,
        None,
    )
    .await?;
    assert_eq!(bob_amend.text(), "Bob amends. Carol amends. ");
    let id = bob_amend.type_at_end("Bob again.").await?;
    bob_amend.ack(id).await?;
    // Alice edits the new text; Bob sees it live.
    let mut alice_new = Client::join(&url, rotation.link.keys(), 8, None).await?;
    let id = alice_new.type_at_end(" Amendée.").await?;
    alice_new.ack(id).await?;
    bob_text.until_text("La motion. Amendée.").await?;

    // After a restart the old rooms are still sealed.
    for c in [
        alice_old,
        bob_old,
        carol_old,
        bob_text_old,
        bob_text,
        bob_amend,
        alice_new,
    ] {
        drop(c);
    }
    relay.stop().await?;
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let url = relay.url();
    let mut carol_again = Client::join(&url, bob_amend_keys.clone(), 9, None).await?;
    assert_eq!(carol_again.text(), "Bob amends. Carol amends. ");
    let again = carol_again.wait_sealed().await?;
    assert_eq!(again, carol_box);
    let id = write_anyway(&mut carol_again, &bob_amend_keys, "Still here. ").await?;
    assert_eq!(
        carol_again.refusal().await?,
        (ErrorCode::RoomSealed, Some(id))
    );
    relay.stop().await
}
