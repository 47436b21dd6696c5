//! Prints the known-answer vectors (see the crate docs).
use protocol::{Context, DocKeys, EditSecret};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn main() {
    let secret = EditSecret::from_bytes(std::array::from_fn(|i| i as u8));
    let keys = DocKeys::from_edit(&secret);
    println!("write_pk    {}", hex(&keys.writer().to_bytes()));
    println!("view        {}", hex(secret.view_secret().as_bytes()));
    println!(
        "room        {} ({})",
        hex(keys.room().as_bytes()),
        keys.room()
    );
    let ctx = Context::update(keys.room(), [0x11; 16]);
    let ct = keys
        .encrypt_with_nonce(&ctx, &[0x22; 24], b"Cahier")
        .expect("encrypt");
    println!("ciphertext  {}", hex(&ct));
    println!("signature   {}", hex(&keys.sign(&ctx, &ct).expect("sign")));

    // Version 2.
    let cap = keys.read_capability();
    println!("cap         {}", hex(&cap.0));
    println!("read_check  {}", hex(&cap.check().0));
    let proof = keys.create_proof(None).expect("an editor");
    println!("create_sig  {}", hex(&proof.signature));
    let ctx = Context::awareness(keys.room(), 5, 7);
    let ct = keys
        .encrypt_with_nonce(&ctx, &[0x33; 24], b"here")
        .expect("encrypt");
    println!("aware_ct    {}", hex(&ct));
    println!("aware_sig   {}", hex(&keys.sign(&ctx, &ct).expect("sign")));
}
