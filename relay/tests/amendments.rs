//! The amend link against a real relay: it reads the text room and
//! writes only the amendment room. Its writes to the text are refused and
//! stored nowhere; a view link reads both rooms and writes neither.

mod common;

use anyhow::Result;
use common::{metric, Client, TestRelay};
use protocol::envelope::new_msg_id;
use protocol::{ClientMsg, Context, EditSecret, ErrorCode, Link};

#[tokio::test]
async fn an_amend_links_write_to_the_text_room_is_refused_and_stored_nowhere() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let edit = Link::Edit(EditSecret::generate());
    let amend = edit.to_amend().expect("an edit link has one");
    let mut keeper = Client::join(&relay.url(), edit.keys(), 1, None).await?;
    let id = keeper.type_at_end("La motion.").await?;
    keeper.ack(id).await?;
    let stored = metric(&relay.metrics().await?, "cahier_updates_stored_total");

    // The member reads the text...
    let text_keys = amend.keys();
    assert!(!text_keys.can_write());
    let mut member = Client::join(&relay.url(), text_keys.clone(), 2, None).await?;
    assert_eq!(member.text(), "La motion.");
    // ...and signs a change of it with the strongest key it has, the
    // amendment room's.
    let own = amend.amendment_keys(None).expect("derived from A");
    let msg_id = new_msg_id();
    let ctx = Context::update(text_keys.room(), msg_id);
    let update = member.edit(0, "AMENDÉ ")?;
    let ciphertext = text_keys
        .encrypt(&ctx, &update)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let signature = own
        .sign(&ctx, &ciphertext)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    member
        .send_msg(&ClientMsg::Update {
            msg_id,
            ciphertext,
            signature,
        })
        .await?;
    assert_eq!(
        member.refusal().await?,
        (ErrorCode::BadSignature, Some(msg_id))
    );
    assert_eq!(
        metric(&relay.metrics().await?, "cahier_updates_stored_total"),
        stored,
        "nothing stored"
    );
    // A newcomer gets the text as the keeper wrote it.
    let late = Client::join(&relay.url(), edit.to_view().keys(), 3, None).await?;
    assert_eq!(late.text(), "La motion.");

    // In the amendment room the member writes, and a view link reads it
    // (with the key the editors record) but cannot write.
    let mut filer = Client::join(&relay.url(), own.clone(), 4, None).await?;
    let id = filer.type_at_end("an amendment record").await?;
    filer.ack(id).await?;
    let reader_keys = edit
        .to_view()
        .amendment_keys(amend.amendment_writer())
        .expect("with the recorded key");
    assert_eq!(reader_keys.room(), own.room());
    let mut reader = Client::join(&relay.url(), reader_keys.clone(), 5, None).await?;
    assert_eq!(reader.text(), "an amendment record");
    let update = reader.edit(0, "x")?;
    assert!(reader.submit(update).await.is_err(), "a reader cannot seal");
    // The text room and the amendment room are different rooms.
    assert_ne!(own.room(), edit.keys().room());
    relay.stop().await
}
