//! `cahier`: read the arguments, run the command on a small runtime, and
//! say what went wrong in words, with an exit code a script can read.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use cli::{export, import, populate, rotate, verify};

/// Cahier documents from the command line, against any relay: export one,
/// make one from a file, check one. Documents are end-to-end encrypted:
/// the keys are in the link (after #); everything is verified and
/// decrypted here, the relay only ever sees ciphertext.
///
/// Exit codes: 0 done; 1 could not be done (the relay is unreachable or
/// refused, the link is damaged, a file is unreadable); 2 wrong arguments;
/// 3 the document is damaged (verify, or an export that had to leave
/// something out).
#[derive(Parser, Debug)]
#[command(name = "cahier", version)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Write a document as Markdown (the default), HTML or text, to the
    /// standard output or a file, reading it as a browser does: every
    /// signature verified, everything decrypted here.
    Export(export::ExportArgs),
    /// Make a new document from a Markdown or text file and print its edit
    /// and view links. Line endings become \n (CRLF and CR alike) and a
    /// byte-order mark is dropped, as in the app's editor; so exporting it
    /// as Markdown gives the file back byte for byte.
    Import(import::ImportArgs),
    /// Check everything the relay stores for a document (signatures,
    /// decryption, that the updates apply and leave no hole) and report
    /// it; exit code 3 if anything is damaged.
    Verify(verify::VerifyArgs),
    /// Fill a new room with an editing trace, as the app writes a
    /// document, and print the edit link's fragment (for the browser tests
    /// and measurements; the relay needs a high --rate).
    Populate(populate::PopulateArgs),
    /// Remove members by moving a document to fresh keys: it is copied
    /// into new rooms (history, authorship and signatures kept), the old
    /// rooms are sealed, and each member given with --keep finds the new
    /// link of their level in the old room; everyone else loses access.
    /// Prints the new edit, amend and view links.
    Rotate(rotate::RotateArgs),
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return fail(&cli::CliError::Runtime(e)),
    };
    let outcome = runtime.block_on(async {
        match &args.command {
            Command::Export(args) => export::run(args).await.map(|done| {
                if done.damaged > 0 {
                    eprintln!(
                        "cahier: {} stored message(s) failed their checks and were left out; \
                         `cahier verify` tells which",
                        done.damaged
                    );
                    ExitCode::from(verify::DAMAGED)
                } else {
                    ExitCode::SUCCESS
                }
            }),
            Command::Import(args) => import::run(args).await.map(|done| {
                println!("edit: {}", done.edit);
                println!("amend: {}", done.amend);
                println!("view: {}", done.view);
                eprintln!(
                    "cahier: a new document of {} characters{}: whoever has the edit link can \
                     change it, the amend link proposes amendments, the view link only reads it",
                    done.characters,
                    if done.title.is_empty() {
                        String::new()
                    } else {
                        format!(", titled {:?}", done.title)
                    }
                );
                ExitCode::SUCCESS
            }),
            Command::Verify(args) => verify::run(args).await.map(|report| {
                print!("{}", report.describe());
                if report.is_sound() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(verify::DAMAGED)
                }
            }),
            Command::Populate(args) => populate::run(args).await.map(|done| {
                println!("{}", done.fragment);
                ExitCode::SUCCESS
            }),
            Command::Rotate(args) => rotate::run(args).await.map(|done| {
                println!("edit: {}", done.edit);
                if let Some(amend) = &done.amend {
                    println!("amend: {amend}");
                }
                println!("view: {}", done.view);
                eprintln!(
                    "cahier: moved to new keys ({} text and {} amendment updates copied); \
                     the old links no longer read or write anything new",
                    done.text_updates, done.amendment_updates
                );
                ExitCode::SUCCESS
            }),
        }
    });
    outcome.unwrap_or_else(|e| fail(&e))
}

/// Say what went wrong, and its causes, on the error output.
fn fail(error: &cli::CliError) -> ExitCode {
    let mut message = format!("cahier: {error}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let words = cause.to_string();
        if !message.contains(&words) {
            message.push_str(&format!(": {words}"));
        }
        source = cause.source();
    }
    eprintln!("{message}");
    ExitCode::FAILURE
}
