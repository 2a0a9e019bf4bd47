//! `safedm`: score and evaluate conversations from the command line.
//!
//! `safedm score` and `safedm eval` are a contract other tools rely on; see README.md.

use clap::{Parser, Subcommand};
use safedm::corpus::{self, Conversation};
use safedm::eval::{self, EvalReport};
use safedm::{Config, Engine, Sensitivity};
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "safedm",
    version,
    about = "On-device grooming-pattern detection for direct messages"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Score conversations (JSONL or JSONL.gz, `-` for stdin): one JSON line per conversation.
    Score {
        /// relaxed, balanced or strict.
        #[arg(long, default_value = "balanced", value_parser = parse_sensitivity)]
        sensitivity: Sensitivity,
        /// The files to read.
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Evaluate against labelled conversations: recall, false alarms, precision, latency.
    Eval {
        /// relaxed, balanced or strict.
        #[arg(long, default_value = "balanced", value_parser = parse_sensitivity)]
        sensitivity: Sensitivity,
        /// Print the report as JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// The files to read.
        #[arg(required = true)]
        files: Vec<String>,
    },
}

fn parse_sensitivity(s: &str) -> Result<Sensitivity, String> {
    Sensitivity::parse(s).map_err(|e| e.message().to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Score { sensitivity, files } => score(sensitivity, &files),
        Command::Eval {
            sensitivity,
            json,
            files,
        } => evaluate(sensitivity, json, &files),
    }
}

fn engine(sensitivity: Sensitivity) -> Result<Engine, ExitCode> {
    Engine::new(Config {
        sensitivity,
        ..Config::default()
    })
    .map_err(|e| {
        eprintln!("safedm: {e}");
        ExitCode::from(2)
    })
}

/// Reads every file, calling `each` per conversation; reports bad lines and unreadable files on
/// stderr and returns whether everything was read.
fn read_all(files: &[String], mut each: impl FnMut(Conversation)) -> bool {
    let mut clean = true;
    for file in files {
        let result = corpus::for_each(file, &mut each, |bad| {
            eprintln!("safedm: {bad}");
            clean = false;
        });
        if let Err(e) = result {
            eprintln!("safedm: {e}");
            clean = false;
        }
    }
    clean
}

fn score(sensitivity: Sensitivity, files: &[String]) -> ExitCode {
    let engine = match engine(sensitivity) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut write_failed = false;
    let clean = read_all(files, |c| {
        let record = eval::score_conversation(&engine, &c);
        match serde_json::to_string(&record) {
            Ok(line) => {
                if writeln!(out, "{line}").is_err() {
                    write_failed = true;
                }
            }
            Err(e) => eprintln!("safedm: {}: {e}", c.id),
        }
    });
    if out.flush().is_err() || write_failed {
        return ExitCode::from(1);
    }
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn evaluate(sensitivity: Sensitivity, json: bool, files: &[String]) -> ExitCode {
    let engine = match engine(sensitivity) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let mut report = EvalReport {
        sensitivity: sensitivity.as_str().to_string(),
        ..EvalReport::default()
    };
    let clean = read_all(files, |c| {
        let c = eval::decoy_as_contact(c);
        let start = Instant::now();
        let record = eval::score_conversation(&engine, &c);
        let seconds = start.elapsed().as_secs_f64();
        let source = c.source.clone().unwrap_or_default();
        report.sources.entry(source).or_default().add(
            c.is_grooming(),
            &record,
            c.messages.len(),
            seconds,
        );
    });
    report.finish();
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("safedm: {e}");
                return ExitCode::from(1);
            }
        }
    } else {
        print!("{}", report.table());
    }
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
