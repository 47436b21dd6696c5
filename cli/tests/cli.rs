//! The `cahier` binary end to end: a real relay on a loopback port in this
//! process, real files, the binary run as a person runs it. Import then
//! export gives a Markdown file back byte for byte; `verify` passes a good
//! room and catches a bit flipped in the SQLite file; `populate` fills a
//! room that `export` reads back; what goes wrong is said in words, with
//! the documented exit codes; every command has its `--help`.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use anyhow::{bail, Context as _, Result};

const WAIT: Duration = Duration::from_secs(30);

/// A relay running in this process on a free loopback port.
struct Relay {
    page: String,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Relay {
    async fn start(dir: &Path, tweak: impl FnOnce(&mut relay::Config)) -> Result<Self> {
        let mut config = relay::Config::new(dir);
        config.shutdown_grace = Duration::from_secs(5);
        config.limits.messages_per_second = 100_000;
        tweak(&mut config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let page = format!("http://{}/", listener.local_addr()?);
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(relay::run(listener, config, async move {
            let _ = stopped.await;
        }));
        Ok(Self { page, stop, task })
    }

    async fn stop(self) -> Result<()> {
        let _ = self.stop.send(());
        tokio::time::timeout(WAIT, self.task).await???;
        Ok(())
    }
}

/// Run `cahier` with `args` (off the runtime's threads, so the relay in
/// this process keeps serving).
async fn cahier(args: &[&str]) -> Result<Output> {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let run = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_cahier"))
            .args(&args)
            .env_remove("CAHIER_RELAY")
            .output()
    });
    Ok(tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .context("cahier did not finish")???)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The edit and view links `cahier import` printed.
fn links(output: &Output) -> Result<(String, String)> {
    let out = stdout(output);
    let find = |label: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(label))
            .map(str::to_owned)
            .with_context(|| format!("no {label} line in {out:?} ({})", stderr(output)))
    };
    Ok((find("edit: ")?, find("view: ")?))
}

async fn import(relay: &Relay, file: &Path, extra: &[&str]) -> Result<(String, String)> {
    let path = file.to_string_lossy().into_owned();
    let mut args = vec!["import", path.as_str(), "--relay", relay.page.as_str()];
    args.extend_from_slice(extra);
    let output = cahier(&args).await?;
    if !output.status.success() {
        bail!("import failed: {}", stderr(&output));
    }
    links(&output)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    let path = dir.join(name);
    std::fs::write(&path, bytes)?;
    Ok(path)
}

/// A motion with accents, emoji, a table, a list: Markdown people write.
const MOTION: &str = "# Motion « transports gratuits » 🚍\n\n\
Le congrès, réuni à Besançon, considère que :\n\n\
- la gratuité est possible ;\n\
- l'œuvre commune passe par l'écoute — même des absent·es.\n\n\
| ligne | fréquence |\n| --- | --- |\n| 12 | 8 min |\n\n\
Amendement n° 3 : « peut-être » est supprimé. ✊🏽\n";

#[tokio::test(flavor = "multi_thread")]
async fn import_then_export_gives_a_markdown_file_back_byte_for_byte() -> Result<()> {
    let data = tempfile::tempdir()?;
    let files = tempfile::tempdir()?;
    let relay = Relay::start(data.path(), |_| {}).await?;

    // As written, with `\n` line endings: the same bytes come back.
    let file = write(files.path(), "motion.md", MOTION.as_bytes())?;
    let (edit, view) = import(&relay, &file, &[]).await?;
    assert!(edit.starts_with(&format!("{}#e=", relay.page)), "{edit}");
    assert!(view.starts_with(&format!("{}#v=", relay.page)), "{view}");
    for link in [&edit, &view] {
        let out = cahier(&["export", link]).await?;
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(out.stdout, MOTION.as_bytes(), "export of {link}");
    }

    // CRLF (and a byte-order mark) become what a browser's textarea holds.
    let windows = format!("\u{feff}{}", MOTION.replace('\n', "\r\n"));
    let file = write(files.path(), "windows.md", windows.as_bytes())?;
    let (edit, _) = import(&relay, &file, &[]).await?;
    let out_file = files.path().join("out.md");
    let out_path = out_file.to_string_lossy().into_owned();
    let out = cahier(&["export", &edit, "-o", &out_path]).await?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        out.stdout.is_empty(),
        "-o writes nothing to the standard output"
    );
    assert_eq!(std::fs::read(&out_file)?, MOTION.as_bytes());

    // A title given that the text does not start with goes on top.
    let plain = write(files.path(), "plain.txt", "Une ligne. é\n".as_bytes())?;
    let (edit, _) = import(&relay, &plain, &["--title", "Tract du 1er mai"]).await?;
    let out = cahier(&["export", &edit]).await?;
    assert_eq!(stdout(&out), "# Tract du 1er mai\n\nUne ligne. é\n");
    let html = cahier(&["export", &edit, "--format", "html"]).await?;
    let html = stdout(&html);
    assert!(html.contains("<title>Tract du 1er mai</title>"), "{html}");
    assert!(html.contains("Une ligne. é"), "{html}");
    let text = cahier(&["export", &edit, "--format", "txt"]).await?;
    assert!(
        stdout(&text).contains("Tract du 1er mai\n"),
        "{}",
        stdout(&text)
    );
    relay.stop().await
}

/// Flip one bit of the ciphertext of update `seq` in the relay's file.
fn flip_a_bit(data: &Path, seq: i64) -> Result<()> {
    let db = rusqlite::Connection::open(data.join(relay::DB_FILE))?;
    let mut ciphertext: Vec<u8> = db.query_row(
        "SELECT ciphertext FROM updates WHERE seq = ?1",
        [seq],
        |row| row.get(0),
    )?;
    let at = ciphertext.len() / 2;
    ciphertext[at] ^= 0x10;
    let changed = db.execute(
        "UPDATE updates SET ciphertext = ?1 WHERE seq = ?2",
        rusqlite::params![ciphertext, seq],
    )?;
    assert_eq!(changed, 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_passes_a_good_room_and_reports_a_flipped_bit_with_a_failing_exit_code() -> Result<()>
{
    let data = tempfile::tempdir()?;
    let files = tempfile::tempdir()?;
    let relay = Relay::start(data.path(), |_| {}).await?;
    let file = write(files.path(), "motion.md", MOTION.as_bytes())?;
    let (edit, view) = import(&relay, &file, &[]).await?;

    let good = cahier(&["verify", &view]).await?;
    assert_eq!(good.status.code(), Some(0), "{}", stderr(&good));
    let report = stdout(&good);
    assert!(
        report.contains("updates: 2 checked and applied, 0 damaged"),
        "{report}"
    );
    assert!(report.contains("everything checks"), "{report}");

    // The relay stopped, someone with access to its disk flips one bit of
    // the body's update (seq 2: the meta went first).
    let page = relay.page.clone();
    relay.stop().await?;
    flip_a_bit(data.path(), 2)?;
    let relay = Relay::start(data.path(), |_| {}).await?;
    let link = edit.replace(&page, &relay.page);

    let bad = cahier(&["verify", &link]).await?;
    assert_eq!(bad.status.code(), Some(3), "{}", stderr(&bad));
    let report = stdout(&bad);
    assert!(report.contains("1 damaged"), "{report}");
    assert!(
        report.contains("update 2: its signature does not match"),
        "{report}"
    );
    assert!(report.contains("DAMAGED"), "{report}");

    // An export says so too, and leaves the damaged update out.
    let export = cahier(&["export", &link]).await?;
    assert_eq!(export.status.code(), Some(3));
    assert!(
        stderr(&export).contains("cahier verify"),
        "{}",
        stderr(&export)
    );
    assert!(!stdout(&export).contains("Besançon"));
    relay.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn populate_fills_a_room_that_export_reads_back() -> Result<()> {
    let data = tempfile::tempdir()?;
    let files = tempfile::tempdir()?;
    let relay = Relay::start(data.path(), |c| c.compaction.updates = 50).await?;
    // A small trace in the sequential format: "Hello, world!" typed and
    // corrected, 120 edits.
    let mut txns = Vec::new();
    let mut text = String::new();
    for i in 0..120 {
        let c = char::from(b'a' + (i % 26) as u8);
        txns.push(format!(r#"{{"patches":[[{},0,"{c}"]]}}"#, text.len()));
        text.push(c);
    }
    let json = format!(
        r#"{{"startContent":"","endContent":"{text}","txns":[{}]}}"#,
        txns.join(",")
    );
    let trace = files.path().join("small.json.gz");
    let mut gz =
        flate2::write::GzEncoder::new(std::fs::File::create(&trace)?, flate2::Compression::fast());
    gz.write_all(json.as_bytes())?;
    gz.finish()?;
    let end = files.path().join("end.txt");
    for snapshot in [false, true] {
        let trace_arg = trace.to_string_lossy().into_owned();
        let end_arg = end.to_string_lossy().into_owned();
        let mut args = vec![
            "populate",
            "--relay",
            &relay.page,
            "--trace",
            &trace_arg,
            "--title",
            "petite trace",
            "--end-content",
            &end_arg,
        ];
        if snapshot {
            args.push("--snapshot");
        }
        let out = cahier(&args).await?;
        assert!(out.status.success(), "{}", stderr(&out));
        let fragment = stdout(&out).trim().to_owned();
        assert!(fragment.starts_with("e="), "{fragment}");
        assert_eq!(std::fs::read_to_string(&end)?, text);
        let link = format!("{}#{fragment}", relay.page);
        let export = cahier(&["export", &link]).await?;
        assert_eq!(stdout(&export), format!("# petite trace\n\n{text}"));
        let verify = cahier(&["verify", &link]).await?;
        let report = stdout(&verify);
        assert_eq!(verify.status.code(), Some(0), "{report}");
        if snapshot {
            assert!(report.contains("snapshot: covers up to"), "{report}");
        } else {
            assert!(report.contains("snapshot: none"), "{report}");
            assert!(report.contains("updates: 121 checked"), "{report}");
        }
    }
    relay.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn populate_with_checkpoints_leaves_a_history_whose_moments_are_the_trace_so_far(
) -> Result<()> {
    use model::history::Moment;

    let data = tempfile::tempdir()?;
    let files = tempfile::tempdir()?;
    let relay = Relay::start(data.path(), |_| {}).await?;
    // 120 edits, each typing one letter at the end.
    let mut txns = Vec::new();
    let mut text = String::new();
    for i in 0..120 {
        let c = char::from(b'a' + (i % 26) as u8);
        txns.push(format!(r#"{{"patches":[[{},0,"{c}"]]}}"#, text.len()));
        text.push(c);
    }
    let json = format!(
        r#"{{"startContent":"","endContent":"{text}","txns":[{}]}}"#,
        txns.join(",")
    );
    let trace = files.path().join("small.json.gz");
    let mut gz =
        flate2::write::GzEncoder::new(std::fs::File::create(&trace)?, flate2::Compression::fast());
    gz.write_all(json.as_bytes())?;
    gz.finish()?;
    let trace_arg = trace.to_string_lossy().into_owned();
    let out = cahier(&[
        "populate",
        "--relay",
        &relay.page,
        "--trace",
        &trace_arg,
        "--checkpoint-every",
        "25",
    ])
    .await?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("4 checkpoints"), "{}", stderr(&out));
    let link = format!("{}#{}", relay.page, stdout(&out).trim());

    let (link, address) = cli::open::parse(&link, None)?;
    let mut client = cli::open::download(&link, &address, model::Document::new(9)).await?;
    let doc = client.doc();
    let checkpoints = doc.checkpoints();
    assert_eq!(checkpoints.len(), 4);
    assert!(checkpoints.windows(2).all(|w| w[0].time < w[1].time));
    for (checkpoint, typed) in checkpoints.iter().zip([25, 50, 75, 100]) {
        assert_eq!(checkpoint.damaged, None);
        let at = doc.text_at(&Moment::Checkpoint(checkpoint.id.clone()))?;
        assert_eq!(at.text, text[..typed], "checkpoint after {typed} edits");
    }
    let last = Moment::Checkpoint(checkpoints[3].id.clone());
    let comparison = doc.compare(&last, &Moment::Now)?;
    assert_eq!(comparison.new_text(), text);
    assert_eq!(comparison.old_text(), text[..100]);
    client.disconnect().await;
    relay.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn what_goes_wrong_is_said_in_words_with_the_documented_exit_codes() -> Result<()> {
    let files = tempfile::tempdir()?;
    let file = write(files.path(), "motion.md", MOTION.as_bytes())?;
    let path = file.to_string_lossy().into_owned();

    // Nobody listens on this port.
    let free = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.local_addr()?
    };
    let nowhere = format!("http://{free}/");
    let out = cahier(&["import", &path, "--relay", &nowhere]).await?;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with(&format!(
            "cahier: could not reach the relay at ws://{free}/ws"
        )),
        "{}",
        stderr(&out)
    );

    // A link cut when it was copied, and one with a changed character.
    let data = tempfile::tempdir()?;
    let relay = Relay::start(data.path(), |_| {}).await?;
    let (edit, _) = import(&relay, &file, &[]).await?;
    let cut = &edit[..edit.len() - 5];
    let out = cahier(&["export", cut]).await?;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("this link is incomplete"),
        "{}",
        stderr(&out)
    );
    let mut changed = edit.clone().into_bytes();
    let at = changed.len() - 10;
    changed[at] = if changed[at] == b'A' { b'B' } else { b'A' };
    let changed = String::from_utf8(changed)?;
    let out = cahier(&["verify", &changed]).await?;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("this link is damaged"),
        "{}",
        stderr(&out)
    );
    // A bare fragment does not say where its relay is.
    let fragment = &edit[edit.find('#').context("a fragment")?..];
    let out = cahier(&["export", fragment]).await?;
    assert!(stderr(&out).contains("--relay"), "{}", stderr(&out));
    let out = cahier(&["export", fragment, "--relay", &relay.page]).await?;
    assert_eq!(out.stdout, MOTION.as_bytes(), "{}", stderr(&out));
    relay.stop().await?;

    // A relay that refuses: no room for another document.
    let data = tempfile::tempdir()?;
    let relay = Relay::start(data.path(), |c| c.limits.max_rooms = 0).await?;
    let out = cahier(&["import", &path, "--relay", &relay.page]).await?;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .contains("the relay refused: the relay has as many documents open as it allows"),
        "{}",
        stderr(&out)
    );
    relay.stop().await?;

    // Not a text file, and no such file.
    let binary = write(
        files.path(),
        "image.png",
        &[0x89, b'P', b'N', b'G', 0xff, 0xfe],
    )?;
    let out = cahier(&["import", &binary.to_string_lossy(), "--relay", &nowhere]).await?;
    assert!(
        stderr(&out).contains("is not a text file in UTF-8"),
        "{}",
        stderr(&out)
    );
    let out = cahier(&["import", "/nonexistent/motion.md", "--relay", &nowhere]).await?;
    assert!(
        stderr(&out).contains("could not read /nonexistent/motion.md"),
        "{}",
        stderr(&out)
    );

    // Wrong arguments are clap's exit code 2.
    let out = cahier(&["export", &edit, "--format", "pdf"]).await?;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is not md, html, txt or odt"),
        "{}",
        stderr(&out)
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn every_command_has_its_help() -> Result<()> {
    let out = cahier(&["--help"]).await?;
    assert!(out.status.success());
    let help = stdout(&out);
    for command in ["export", "import", "verify", "populate", "rotate"] {
        assert!(help.contains(command), "{help}");
        let out = cahier(&[command, "--help"]).await?;
        assert!(out.status.success(), "{command} --help");
        let help = stdout(&out);
        assert!(help.contains("Usage: cahier"), "{help}");
    }
    let import = stdout(&cahier(&["import", "--help"]).await?);
    assert!(import.contains("line endings"), "{import}");
    Ok(())
}

/// A client of one room of the document, caught up.
async fn room_client(
    relay: &Relay,
    keys: protocol::DocKeys,
    client_id: u64,
) -> Result<client::Client<model::Document>> {
    let url = format!("{}ws", relay.page.replacen("http://", "ws://", 1));
    let engine = client::Engine::new(keys, model::Document::new(client_id), 0, Vec::new());
    let mut client = client::Client::new(url, engine);
    client.connect().await?;
    Ok(client)
}

#[tokio::test(flavor = "multi_thread")]
async fn export_amendments_cites_each_by_number_and_lines_from_any_link() -> Result<()> {
    use model::amendments::{Book, Draft, Identity, Proposal};
    let data = tempfile::tempdir()?;
    let files = tempfile::tempdir()?;
    let relay = Relay::start(data.path(), |_| {}).await?;
    let motion = write(files.path(), "motion.md", MOTION.as_bytes())?;
    let (edit, view) = import(&relay, &motion, &[]).await?;
    let link = protocol::Link::parse(&edit)?;
    let amend = link.to_amend().context("an edit link has an amend link")?;

    // The keeper records the amendment room's key, as the app does.
    let mut keeper = room_client(&relay, link.keys(), 11).await?;
    let writer = link.amendment_writer().context("derived")?;
    let update = keeper.doc().set_amendments_room_key(&writer.to_b64());
    let id = keeper.submit(update).await?;
    keeper.ack(id).await?;

    // A member files an amendment through the amendment room.
    let keys = amend.amendment_keys(None).context("derived")?;
    let room = *keys.room().as_bytes();
    let mut member = room_client(&relay, keys, 12).await?;
    let body = keeper.doc().body();
    let start = body.find("la gratuité").context("in the motion")?;
    let start = body[..start].encode_utf16().count() as u32;
    let draft = Draft {
        start,
        end: start + "la gratuité".encode_utf16().count() as u32,
        proposal: Proposal::Replace("la gratuité totale".into()),
        rationale: "Pour tous.".into(),
        parent: None,
    };
    let awa = Identity::from_seed([5; 32]);
    let (amendment, line) = Book::new(room)
        .file(&awa, keeper.doc(), &draft, "Awa", 1, [1; 12])
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let update = member.doc().append_record(&line);
    let id = member.submit(update).await?;
    member.ack(id).await?;
    // The keeper registers it.
    let update = keeper.doc().register(&amendment, 1, "Présidence", 2);
    let id = keeper.submit(update).await?;
    keeper.ack(id).await?;
    keeper.disconnect().await;
    member.disconnect().await;

    let amend_url = amend.to_url(&relay.page);
    for link in [&edit, &amend_url, &view] {
        let out = cahier(&["export", link, "--amendments"]).await?;
        assert!(out.status.success(), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(
            text.contains("| A1 | l. 3 | Awa | déposé |"),
            "{link}: {text}"
        );
        assert!(
            text.contains("Remplacer « la gratuité » par « la gratuité totale »."),
            "{text}"
        );
        assert!(text.contains("**Motif** : Pour tous."), "{text}");
    }
    let en = cahier(&["export", &view, "--amendments", "--lang", "en"]).await?;
    assert!(
        stdout(&en).contains("| A1 | l. 3 | Awa | filed |"),
        "{}",
        stdout(&en)
    );
    relay.stop().await
}

/// What pandoc reads of the ODT file `path`, as plain text; `None` (said)
/// when scripts/test.sh could not install it, a failure otherwise.
fn pandoc_plain(path: &Path) -> Result<Option<String>> {
    match Command::new("pandoc")
        .args(["-f", "odt", "-t", "plain", "--wrap=none"])
        .arg(path)
        .output()
    {
        Ok(out) => {
            if !out.status.success() {
                bail!("pandoc could not read the ODT: {}", stderr(&out));
            }
            Ok(Some(stdout(&out)))
        }
        Err(error) => match std::env::var("CAHIER_NO_PANDOC") {
            Ok(why) => {
                eprintln!("SKIPPED: pandoc is not installed ({why}); the ODT is not read back");
                Ok(None)
            }
            Err(_) => bail!(
                "pandoc is needed to read the ODT back ({error}): scripts/test.sh installs it"
            ),
        },
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn export_booklet_adopted_and_amended_texts_of_a_meeting_from_any_link() -> Result<()> {
    use model::amendments::{Book, Draft, Identity, Overview, Proposal};
    let data = tempfile::tempdir()?;
    let files = tempfile::tempdir()?;
    let relay = Relay::start(data.path(), |_| {}).await?;
    let motion = write(files.path(), "motion.md", MOTION.as_bytes())?;
    let (edit, view) = import(&relay, &motion, &[]).await?;
    let link = protocol::Link::parse(&edit)?;
    let amend = link.to_amend().context("an edit link has an amend link")?;
    let mut keeper = room_client(&relay, link.keys(), 21).await?;
    let writer = link.amendment_writer().context("derived")?;
    let update = keeper.doc().set_amendments_room_key(&writer.to_b64());
    let id = keeper.submit(update).await?;
    keeper.ack(id).await?;

    // Two members file; the keeper numbers them.
    let keys = amend.amendment_keys(None).context("derived")?;
    let room = *keys.room().as_bytes();
    let mut member = room_client(&relay, keys, 22).await?;
    let mut book = Book::new(room);
    let body = keeper.doc().body();
    let span = |words: &str| -> Result<(u32, u32)> {
        let start = body.find(words).context("in the motion")?;
        let start = body[..start].encode_utf16().count() as u32;
        Ok((start, start + words.encode_utf16().count() as u32))
    };
    let filed = [
        (
            "Awa",
            5u8,
            "la gratuité",
            "la gratuité totale",
            "Pour tous.",
        ),
        (
            "Ben",
            6u8,
            "réuni à Besançon",
            "réuni à Dijon",
            "Plus central.",
        ),
    ];
    let mut ids = Vec::new();
    for (n, (name, seed, words, wording, rationale)) in filed.iter().enumerate() {
        let (start, end) = span(words)?;
        let draft = Draft {
            start,
            end,
            proposal: Proposal::Replace((*wording).into()),
            rationale: (*rationale).into(),
            parent: None,
        };
        let who = Identity::from_seed([*seed; 32]);
        let (amendment, line) = book
            .file(&who, keeper.doc(), &draft, name, 1, [n as u8 + 1; 12])
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let update = member.doc().append_record(&line);
        let id = member.submit(update).await?;
        member.ack(id).await?;
        book.refresh(member.doc());
        let update = keeper
            .doc()
            .register(&amendment, n as u32 + 1, "Présidence", 2);
        let id = keeper.submit(update).await?;
        keeper.ack(id).await?;
        ids.push(amendment);
    }
    member.disconnect().await;

    // Before any meeting: the booklet of every amendment, in text order.
    let booklet_md = files.path().join("liasse.md");
    let out = cahier(&[
        "export",
        &view,
        "--booklet",
        "--format",
        "md",
        "--out",
        &booklet_md.to_string_lossy(),
    ])
    .await?;
    assert!(out.status.success(), "{}", stderr(&out));
    let md = std::fs::read_to_string(&booklet_md)?;
    let a2 = md.find("### A2, l. 2 — Ben").context(md.clone())?;
    let a1 = md.find("### A1, l. 3 — Awa").context(md.clone())?;
    assert!(
        a2 < a1,
        "text order: Besançon (line 2) before la gratuité (line 3)"
    );
    assert!(md.contains("réuni à ~~Besançon~~**Dijon**"), "{md}");

    // A meeting: A1 adopted, A2 rejected, closed.
    let decisions = keeper.doc().decisions();
    let overview = Overview::build(&book, &decisions, keeper.doc(), None);
    let opened = keeper.doc().start_meeting(
        "Congrès de Besançon",
        "2026-12-12",
        "Texte de base",
        &ids,
        &overview,
        "Présidence",
        10,
    );
    for update in opened.updates {
        let id = keeper.submit(update).await?;
        keeper.ack(id).await?;
    }
    let adopted = keeper
        .doc()
        .adopt(
            &book,
            &keeper.doc().decisions(),
            &ids[0],
            None,
            "Présidence",
            11,
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let id = keeper.submit(adopted.update).await?;
    keeper.ack(id).await?;
    let update = keeper.doc().decide(
        &model::amendments::decisions::Decision {
            amendment: ids[1].clone(),
            from: model::amendments::Status::Filed,
            to: model::amendments::Status::Rejected,
            rev: 0,
            counts: Some(model::amendments::Counts {
                yes: 2,
                no: 9,
                abstain: 0,
                unanimous: false,
            }),
            note: String::new(),
            because: None,
        },
        "Présidence",
        12,
    );
    let id = keeper.submit(update).await?;
    keeper.ack(id).await?;
    let meeting = keeper.doc().meeting(&opened.id).context("opened")?;
    let overview = Overview::build(&book, &keeper.doc().decisions(), keeper.doc(), None);
    let minutes = meeting.minutes(&overview, &keeper.doc().decisions());
    for update in
        keeper
            .doc()
            .close_meeting(&opened.id, "Texte adopté", &minutes, "Présidence", 13)?
    {
        let id = keeper.submit(update).await?;
        keeper.ack(id).await?;
    }
    keeper.disconnect().await;

    let amend_url = amend.to_url(&relay.page);
    for (n, link) in [&edit, &amend_url, &view].into_iter().enumerate() {
        let odt = files.path().join(format!("liasse-{n}.odt"));
        let out = cahier(&[
            "export",
            link,
            "--booklet",
            "--format",
            "odt",
            "-o",
            &odt.to_string_lossy(),
        ])
        .await?;
        assert!(out.status.success(), "{}", stderr(&out));
        let bytes = std::fs::read(&odt)?;
        assert_eq!(&bytes[30..38], b"mimetype");
        if let Some(text) = pandoc_plain(&odt)? {
            for expected in [
                "Liasse d’amendements",
                "Congrès de Besançon",
                "A1, l. 3 — Awa",
                "A2, l. 2 — Ben",
                "pour 2, contre 9, abstentions 0",
                "Pour tous.",
            ] {
                assert!(text.contains(expected), "{link}: {expected} in {text}");
            }
        }
    }
    let adopted = cahier(&["export", &view, "--adopted"]).await?;
    assert!(adopted.status.success(), "{}", stderr(&adopted));
    let text = stdout(&adopted);
    assert!(text.contains("la gratuité totale est possible"), "{text}");
    assert!(text.contains("## Annexe : amendements adoptés"), "{text}");
    assert!(text.contains("### A1, l. 3 — Awa"), "{text}");
    assert!(!text.contains("### A2"), "A2 was rejected: {text}");
    let amended = cahier(&[
        "export",
        &edit,
        "--amended",
        "--format",
        "html",
        "--lang",
        "en",
    ])
    .await?;
    assert!(amended.status.success(), "{}", stderr(&amended));
    let html = stdout(&amended);
    assert!(html.contains("Amended text"), "{html}");
    assert!(
        html.contains("la gratuité<ins> totale</ins> est possible"),
        "{html}"
    );

    // What cannot be is said in words.
    let wrong = cahier(&["export", &view, "--booklet", "--format", "txt"]).await?;
    assert!(!wrong.status.success());
    assert!(
        stderr(&wrong).contains("odt, html or md"),
        "{}",
        stderr(&wrong)
    );
    let wrong = cahier(&["export", &view, "--format", "odt"]).await?;
    assert!(!wrong.status.success());
    assert!(
        stderr(&wrong).contains("md, html or txt"),
        "{}",
        stderr(&wrong)
    );
    let wrong = cahier(&["export", &view, "--booklet", "--meeting", "nowhere"]).await?;
    assert!(!wrong.status.success());
    assert!(
        stderr(&wrong).contains("no meeting \"nowhere\""),
        "{}",
        stderr(&wrong)
    );
    relay.stop().await
}

/// A small map in Argdown: a question, four arguments, an objection
/// answered.
const MAP: &str = r#"# Transports

[Gratuité]: Faut-il la gratuité des transports ? #transports
  + <Ville>: Elle rend la ville à tous. {"sources": [{"title": "Étude VTS", "date": "2019", "url": "https://example.org/vts"}]}
  + <Air>: Elle réduit la pollution. #climat
  + <Réseau>: Elle simplifie le réseau.
  - <Coût>: Elle coûte trop cher.
    - <Billetterie>: La billetterie coûte déjà cher.
"#;

#[tokio::test(flavor = "multi_thread")]
async fn export_a_maps_sheet_and_argdown() -> Result<()> {
    let data = tempfile::tempdir()?;
    let files = tempfile::tempdir()?;
    let relay = Relay::start(data.path(), |_| {}).await?;
    let empty = write(files.path(), "carte.md", b"")?;
    let (edit, view) = import(&relay, &empty, &[]).await?;
    let link = protocol::Link::parse(&edit)?;
    let mut writer = room_client(&relay, link.keys(), 31).await?;
    let parsed = model::arguments::argdown::parse(MAP).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (ids, updates) = writer
        .doc()
        .import_argdown(&parsed, None, "Awa", 1)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    for update in updates {
        let id = writer.submit(update).await?;
        writer.ack(id).await?;
    }
    writer.disconnect().await;

    // The sheet, from the view link, about the first question.
    let out = cahier(&["export", &view, "--relay", &relay.page, "--sheet"]).await?;
    assert!(out.status.success(), "{}", stderr(&out));
    let md = stdout(&out);
    let at = |words: &str| md.find(words).with_context(|| format!("{words:?} in {md}"));
    assert!(at("Notre message")? < at("Nos trois arguments")?);
    assert!(at("Elle rend la ville à tous")? < at("Elle réduit la pollution")?);
    assert!(at("Elle réduit la pollution")? < at("Elle simplifie le réseau")?);
    assert!(at("Ils disent")? < at("Elle coûte trop cher")?);
    assert!(at("Nous répondons")? < at("La billetterie coûte déjà cher")?);
    assert!(at("Étude VTS (2019)")? > at("Sources")?);

    // By tag, in English, as ODT.
    let odt = files.path().join("sheet.odt");
    let out = cahier(&[
        "export",
        &view,
        "--relay",
        &relay.page,
        "--sheet",
        "--tag",
        "climat",
        "--lang",
        "en",
        "--format",
        "odt",
        "--out",
        &odt.to_string_lossy(),
    ])
    .await?;
    assert!(out.status.success(), "{}", stderr(&out));
    if let Some(text) = pandoc_plain(&odt)? {
        assert!(text.contains("Our message"), "{text}");
        assert!(text.contains("Elle réduit la pollution"), "{text}");
        assert!(
            !text.contains("Elle rend la ville"),
            "only the tagged claim: {text}"
        );
    }

    // A claim that is not there, or a tag nobody uses: said in words.
    let out = cahier(&[
        "export",
        &view,
        "--relay",
        &relay.page,
        "--sheet",
        "--question",
        "nope",
    ])
    .await?;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no claim \"nope\""),
        "{}",
        stderr(&out)
    );
    let out = cahier(&[
        "export",
        &view,
        "--relay",
        &relay.page,
        "--sheet",
        "--question",
        &ids[0],
    ])
    .await?;
    assert!(out.status.success(), "{}", stderr(&out));

    // Argdown out, and back in: the same map.
    let out = cahier(&["export", &view, "--relay", &relay.page, "--argdown"]).await?;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let again = model::arguments::argdown::parse(&text).map_err(|e| anyhow::anyhow!("{e}"))?;
    assert!(again.warnings.is_empty(), "{:?}", again.warnings);
    let texts = |p: &model::arguments::argdown::Parsed| -> Vec<(String, Option<usize>, String)> {
        p.nodes
            .iter()
            .map(|n| {
                (
                    n.text.clone(),
                    n.parent,
                    format!("{:?} {:?} {:?}", n.stance, n.tags, n.sources),
                )
            })
            .collect()
    };
    assert_eq!(texts(&again), texts(&parsed), "{text}");
    relay.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn export_a_workspace_as_a_zip_of_markdown_from_its_edit_and_view_links() -> Result<()> {
    use model::workspace::{EntryKind, Level, NewEntry};
    let data = tempfile::tempdir()?;
    let files = tempfile::tempdir()?;
    let relay = Relay::start(data.path(), |_| {}).await?;
    let motion = write(
        files.path(),
        "motion.md",
        "# Motion Nord\n\nPour la paix.\n".as_bytes(),
    )?;
    let tract = write(
        files.path(),
        "tract.md",
        "# Tract\n\nVenez nombreux.\n".as_bytes(),
    )?;
    let (motion_edit, _) = import(&relay, &motion, &[]).await?;
    let (_, tract_view) = import(&relay, &tract, &[]).await?;
    let empty = write(files.path(), "espace.md", b"")?;
    let (ws_edit, ws_view) = import(&relay, &empty, &[]).await?;

    // The secretary fills the workspace: the motion with its edit link
    // sealed for the editors, the tract with only its view link.
    let ws_link = protocol::Link::parse(&ws_edit)?;
    let protocol::Link::Edit(ws_secret) = &ws_link else {
        bail!("an edit link")
    };
    let mut writer = room_client(&relay, ws_link.keys(), 41).await?;
    let mut updates = vec![writer.doc().new_workspace("Section Nord", "🌹", 1)];
    for (doc, level) in [(&motion_edit, Level::Edit), (&tract_view, Level::View)] {
        let link = protocol::Link::parse(doc)?;
        let room = link.keys().room().to_string();
        let sealed = (level == Level::Edit)
            .then(|| protocol::keybox::seal_link(ws_secret, &room, &link.fragment()));
        let (_, update) = writer
            .doc()
            .add_entry(&NewEntry {
                room: &room,
                kind: Some(EntryKind::Text),
                title: "ancien titre",
                view: &link.to_view().fragment(),
                sealed: sealed.as_deref(),
                level: Some(level),
                added_by: "Louise",
                time: 2,
                ..NewEntry::default()
            })
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        updates.push(update);
    }
    for update in updates {
        let id = writer.submit(update).await?;
        writer.ack(id).await?;
    }
    writer.disconnect().await;

    for link in [&ws_view, &ws_edit] {
        let out_path = files.path().join("espace.zip");
        let out = cahier(&[
            "export",
            link,
            "--relay",
            &relay.page,
            "--zip",
            "--out",
            &out_path.to_string_lossy(),
        ])
        .await?;
        assert!(out.status.success(), "{}", stderr(&out));
        let bytes = std::fs::read(&out_path)?;
        let read = model::meeting::zip::read(&bytes).map_err(|e| anyhow::anyhow!("{e}"))?;
        let names: Vec<&str> = read.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            vec!["ancien titre.md", "ancien titre (2).md", "index.md"],
            "{names:?}"
        );
        let texts: Vec<String> = read
            .iter()
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .collect();
        assert!(
            texts.iter().any(|t| t.contains("Pour la paix.")),
            "{texts:?}"
        );
        assert!(
            texts.iter().any(|t| t.contains("Venez nombreux.")),
            "{texts:?}"
        );
        assert!(texts[2].starts_with("# Section Nord"), "{}", texts[2]);
        assert!(!texts.concat().contains("e="), "no link in the archive");
    }

    // Not a workspace: said in words.
    let out = cahier(&["export", &motion_edit, "--relay", &relay.page, "--zip"]).await?;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not one"), "{}", stderr(&out));
    Ok(())
}

/// `cahier rotate`: the document moves to new keys with its text, the old
/// room is sealed, a kept member's line of the box holds the new link of
/// their level, a removed member finds none, and the old link reads no
/// more of what is written next.
#[tokio::test(flavor = "multi_thread")]
async fn rotate_moves_a_document_to_new_keys_for_the_members_kept_only() -> Result<()> {
    use base64::Engine as _;
    use protocol::memberbox::SigningKey;
    use protocol::{Link, Role};

    let data = tempfile::tempdir()?;
    let files = tempfile::tempdir()?;
    let relay = Relay::start(data.path(), |_| {}).await?;
    let file = write(files.path(), "motion.md", MOTION.as_bytes())?;
    let (edit, view) = import(&relay, &file, &[]).await?;
    let (kept, removed) = (
        SigningKey::from_bytes(&[1; 32]),
        SigningKey::from_bytes(&[2; 32]),
    );
    let b64 = |k: &SigningKey| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(k.verifying_key().to_bytes())
    };

    // Wrong arguments are said in words, and nothing is sealed.
    let out = cahier(&["rotate", &view, "--keep", &format!("{}:amend", b64(&kept))]).await?;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("only an edit link"),
        "{}",
        stderr(&out)
    );
    let out = cahier(&["rotate", &edit, "--keep", &format!("{}:owner", b64(&kept))]).await?;
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("edit, amend or view"),
        "{}",
        stderr(&out)
    );

    let out = cahier(&["rotate", &edit, "--keep", &format!("{}:amend", b64(&kept))]).await?;
    assert!(out.status.success(), "{}", stderr(&out));
    let (new_edit, new_view) = links(&out)?;
    let new_amend = stdout(&out)
        .lines()
        .find_map(|l| l.strip_prefix("amend: ").map(str::to_owned))
        .context("an amend line")?;
    assert_ne!(new_edit, edit);
    for link in [&new_edit, &new_view] {
        let out = cahier(&["export", link]).await?;
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(out.stdout, MOTION.as_bytes(), "the text moved: {link}");
    }

    // The old text room is sealed; its box has the kept member's amend
    // link, and nothing for the other.
    let old = Link::parse(&edit)?;
    let mut old_client = room_client(&relay, old.keys(), 9).await?;
    let member_box = old_client.wait_sealed().await?;
    let line = client::rotate::new_link(&member_box, &kept, old.keys().room())
        .context("a line for the kept member")?;
    assert_eq!(line.role(), Role::Amend);
    assert_eq!(Some(line), Link::parse(&new_amend).ok());
    assert_eq!(
        client::rotate::new_link(&member_box, &removed, old.keys().room()),
        None
    );
    old_client.disconnect().await;

    // Sealed once, a second rotation of the old link is refused.
    let out = cahier(&["rotate", &edit]).await?;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("moved to new keys"),
        "{}",
        stderr(&out)
    );
    relay.stop().await
}
