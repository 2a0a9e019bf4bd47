//! `safedm`: score and evaluate conversations from the command line.
//!
//! `safedm score` and `safedm eval` are a contract other tools rely on; see README.md.

use clap::{Parser, Subcommand};
use safedm::model::Model;
use safedm::{Config, Engine, Scoring, Sensitivity};
use safedm_lab::corpus::{self, Conversation};
use safedm_lab::eval::{self, EvalReport};
use safedm_lab::moves;
use safedm_lab::segments::SegmentBuilder;
use safedm_lab::source::is_dev;
use std::io::Write;
use std::path::PathBuf;
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
        /// Switch one scorer off: `model` (cues only), `cues` (model only), `none` (combined,
        /// the default) or `all` (the three side by side).
        #[arg(long, default_value = "none")]
        ablate: String,
        /// `dev`: only the dev split of the training corpora (other files are kept whole);
        /// `all`: everything.
        #[arg(long, default_value = "all")]
        split: String,
        /// A weights file to use instead of the embedded one.
        #[arg(long)]
        model: Option<String>,
        /// The files to read.
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Show every message of the given conversations with its level, risk and cues, for
    /// reviewing why a conversation did or did not alert (prints the text: for your own files).
    Trace {
        /// relaxed, balanced or strict.
        #[arg(long, default_value = "balanced", value_parser = parse_sensitivity)]
        sensitivity: Sensitivity,
        /// Only conversations whose id contains this.
        #[arg(long)]
        id: Option<String>,
        /// The files to read.
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Write the trainer's train windows and dev conversations to a folder, so that other
    /// systems learn from and are judged on the same split (`make bench`).
    ExportSplit {
        /// Folder with the `*.jsonl.gz` corpora.
        #[arg(long, default_value = "../shared/data")]
        data: String,
        /// Folder to write `train.jsonl` and `dev.jsonl` into.
        #[arg(long)]
        out: String,
        /// Files scored whole after the corpora's dev split (e.g. the held-out present-day set).
        #[arg(long = "dev-extra")]
        dev_extra: Vec<String>,
    },
    /// Train the learned scorer from the corpora and write the weights file.
    Train {
        /// Folder with the `*.jsonl.gz` corpora.
        #[arg(long, default_value = "../shared/data")]
        data: String,
        /// Where to write the weights.
        #[arg(long, default_value = "src/model/weights.bin")]
        out: String,
        /// Seed of the shuffles.
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// log2 of the hashed feature space (16 keeps the weights at 64 KB in the WASM).
        #[arg(long, default_value_t = 16)]
        bits: u32,
        /// Add character 3-5-grams (era-bound; for measuring only).
        #[arg(long)]
        char_ngrams: bool,
        /// Passes over the data.
        #[arg(long, default_value_t = 6)]
        epochs: usize,
    },
    /// Train the move detector from the labelled line corpus and write its weights file.
    TrainMoves {
        /// The corpus files (`data/moves/*.tsv`).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Where to write the weights.
        #[arg(long, default_value = "src/moves/weights.bin")]
        out: String,
        /// log2 of the hashed feature space.
        #[arg(long, default_value_t = 15)]
        bits: u32,
        /// Passes over the data (16: on the 35,000-line corpus, the held-back batches' mean
        /// recall at 80% precision was 46.7% at 4 passes, 48.5% at 8, 51.1% at 16, 51.9% at 32).
        #[arg(long, default_value_t = 16)]
        epochs: usize,
        /// Seed of the shuffles.
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Corpus files of ordinary chats whose lines are negatives for every move (train
        /// split) and cap how often a move may fire on them (dev split).
        #[arg(long)]
        ordinary: Vec<PathBuf>,
    },
    /// Precision and recall of the embedded move detector per output and language on labelled
    /// lines (the same TSV format), every line counted.
    EvalMoves {
        /// The files to read.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

fn parse_sensitivity(s: &str) -> Result<Sensitivity, String> {
    Sensitivity::parse(s).map_err(|e| e.message().to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Score { sensitivity, files } => score(sensitivity, &files),
        Command::Trace {
            sensitivity,
            id,
            files,
        } => trace(sensitivity, id.as_deref(), &files),
        Command::Eval {
            sensitivity,
            json,
            ablate,
            split,
            model,
            files,
        } => evaluate(sensitivity, json, &ablate, &split, model.as_deref(), &files),
        Command::Train {
            data,
            out,
            seed,
            bits,
            char_ngrams,
            epochs,
        } => train(&data, &out, seed, bits, char_ngrams, epochs),
        Command::ExportSplit {
            data,
            out,
            dev_extra,
        } => export_split(&data, &out, &dev_extra),
        Command::TrainMoves {
            files,
            out,
            bits,
            epochs,
            seed,
            ordinary,
        } => train_moves(
            moves::MoveOptions {
                files,
                bits,
                epochs,
                seed,
                ordinary,
            },
            &out,
        ),
        Command::EvalMoves { files, json } => eval_moves(&files, json),
    }
}

fn train_moves(options: moves::MoveOptions, out: &str) -> ExitCode {
    if !(8..=20).contains(&options.bits) {
        eprintln!("safedm: --bits must be between 8 and 20");
        return ExitCode::from(2);
    }
    let start = Instant::now();
    let result = moves::train_moves(&options).and_then(|(m, report)| Ok((m.to_bytes()?, report)));
    match result.and_then(|(bytes, report)| {
        std::fs::write(out, &bytes).map_err(|e| {
            safedm_lab::Error::new(safedm_lab::ErrorKind::Io, format!("{out}: {e}"))
        })?;
        Ok((bytes.len(), report))
    }) {
        Ok((len, report)) => {
            print!("{report}");
            println!(
                "wrote {out}: {len} bytes in {:.1} s",
                start.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("safedm: {e}");
            ExitCode::from(1)
        }
    }
}

fn eval_moves(files: &[PathBuf], json: bool) -> ExitCode {
    let Some(model) = safedm::moves::MoveModel::embedded() else {
        eprintln!("safedm: the embedded move detector does not load");
        return ExitCode::from(1);
    };
    let mut lines = Vec::new();
    for f in files {
        match moves::read_lines(f, model.header.bits) {
            Ok(l) => lines.extend(l),
            Err(e) => {
                eprintln!("safedm: {e}");
                return ExitCode::from(1);
            }
        }
    }
    let (figures, table) = moves::report(&model, &lines);
    if json {
        println!("{figures}");
    } else {
        print!("{} lines\n{table}", lines.len());
    }
    ExitCode::SUCCESS
}

fn export_split(data: &str, out: &str, dev_extra: &[String]) -> ExitCode {
    let options = safedm_lab::train::TrainOptions {
        data_dir: data.into(),
        ..safedm_lab::train::TrainOptions::default()
    };
    let extra: Vec<std::path::PathBuf> = dev_extra.iter().map(Into::into).collect();
    match safedm_lab::split_export::export_split(&options, &extra, std::path::Path::new(out)) {
        Ok(s) => {
            println!(
                "wrote {out}/train.jsonl ({} streams, {} windows) and {out}/dev.jsonl ({} conversations, {} messages)",
                s.train_streams, s.train_windows, s.dev_conversations, s.dev_messages
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("safedm: {e}");
            ExitCode::from(1)
        }
    }
}

fn train(
    data: &str,
    out: &str,
    seed: u64,
    bits: u32,
    char_ngrams: bool,
    epochs: usize,
) -> ExitCode {
    if !(8..=22).contains(&bits) {
        eprintln!("safedm: --bits must be between 8 and 22");
        return ExitCode::from(2);
    }
    let options = safedm_lab::train::TrainOptions {
        data_dir: data.into(),
        seed,
        features: safedm::model::features::FeatureSet { bits, char_ngrams },
        epochs,
        ..safedm_lab::train::TrainOptions::default()
    };
    let start = Instant::now();
    let result =
        safedm_lab::train::train(&options).and_then(|o| Ok((o.model.to_bytes()?, o.report)));
    match result {
        Ok((bytes, report)) => {
            if let Err(e) = std::fs::write(out, &bytes) {
                eprintln!("safedm: {out}: {e}");
                return ExitCode::from(1);
            }
            print!("{report}");
            println!(
                "wrote {out}: {} bytes in {:.1} s",
                bytes.len(),
                start.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("safedm: {e}");
            ExitCode::from(1)
        }
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

/// The scorers `--ablate` asks for, each with its name in the report.
fn ablation_modes(ablate: &str) -> Result<Vec<(&'static str, Scoring)>, String> {
    Ok(match ablate {
        "none" => vec![("combined", Scoring::Combined)],
        "model" => vec![("cues only", Scoring::CuesOnly)],
        "cues" => vec![("model only", Scoring::ModelOnly)],
        "all" => vec![
            ("cues only", Scoring::CuesOnly),
            ("model only", Scoring::ModelOnly),
            ("combined", Scoring::Combined),
        ],
        other => {
            return Err(format!(
                "--ablate must be none, model, cues or all, not {other:?}"
            ))
        }
    })
}

/// The engine at `sensitivity`, with the weights file at `model` instead of the embedded one.
fn engine_with_model(sensitivity: Sensitivity, model: Option<&str>) -> Result<Engine, ExitCode> {
    let base = engine(sensitivity)?;
    let Some(path) = model else {
        return Ok(base);
    };
    std::fs::read(path)
        .map_err(|e| format!("{path}: {e}"))
        .and_then(|b| Model::from_bytes(&b).map_err(|e| format!("{path}: {e}")))
        .map(|m| base.with_model(Some(m)))
        .map_err(|e| {
            eprintln!("safedm: {e}");
            ExitCode::from(2)
        })
}

fn evaluate(
    sensitivity: Sensitivity,
    json: bool,
    ablate: &str,
    split: &str,
    model: Option<&str>,
    files: &[String],
) -> ExitCode {
    let modes = match ablation_modes(ablate) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("safedm: {e}");
            return ExitCode::from(2);
        }
    };
    let dev_only = match split {
        "all" => false,
        "dev" => true,
        other => {
            eprintln!("safedm: --split must be all or dev, not {other:?}");
            return ExitCode::from(2);
        }
    };
    let base = match engine_with_model(sensitivity, model) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let engines: Vec<Engine> = modes
        .iter()
        .map(|(_, scoring)| base.clone().with_scoring(*scoring))
        .collect();
    let (mut reports, clean) = score_sources(&engines, sensitivity, dev_only, files);
    let names = modes.iter().map(|(name, _)| *name);
    let show_names = modes.len() > 1 || ablate != "none";
    for (name, report) in names.zip(reports.iter_mut()) {
        report.finish();
        if json {
            match serde_json::to_string_pretty(report) {
                Ok(s) => println!("{s}"),
                Err(e) => {
                    eprintln!("safedm: {e}");
                    return ExitCode::from(1);
                }
            }
        } else {
            if show_names {
                println!("scoring: {name}");
            }
            print!("{}", report.table());
        }
    }
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Scores every conversation of `files` with each engine, into one report per engine; also
/// whether every file was read cleanly.
fn score_sources(
    engines: &[Engine],
    sensitivity: Sensitivity,
    dev_only: bool,
    files: &[String],
) -> (Vec<EvalReport>, bool) {
    let mut reports: Vec<EvalReport> = engines
        .iter()
        .map(|_| EvalReport {
            sensitivity: sensitivity.as_str().to_string(),
            ..EvalReport::default()
        })
        .collect();
    let mut score_one = |c: Conversation| {
        let source = c.source();
        if dev_only && source.is_split() && !is_dev(&c.id) {
            return;
        }
        for (engine, report) in engines.iter().zip(reports.iter_mut()) {
            let start = Instant::now();
            let record = eval::score_conversation(engine, &c);
            let seconds = start.elapsed().as_secs_f64();
            report.sources.entry(source.to_string()).or_default().add(
                c.is_grooming(),
                &record,
                c.messages.len(),
                seconds,
            );
        }
    };
    // The offender chats are also scored cut into PAN 2012-style segments (see
    // safedm_lab::segments), the positive twin of the benign segments.
    let mut segments = SegmentBuilder::default();
    let clean = read_all(files, |c| {
        segments.offer(&c);
        score_one(eval::decoy_as_contact(c));
    });
    for c in segments.finish() {
        score_one(c);
    }
    (reports, clean)
}

fn trace(sensitivity: Sensitivity, only: Option<&str>, files: &[String]) -> ExitCode {
    let engine = match engine(sensitivity) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    // A closed pipe (`trace ... | head`) ends the run quietly instead of panicking in println!.
    let mut write_failed = false;
    let clean = read_all(files, |c| {
        if write_failed || only.is_some_and(|needle| !c.id.contains(needle)) {
            return;
        }
        let mut lines = vec![format!(
            "== {} ({})",
            c.id,
            c.label.as_deref().unwrap_or("unlabelled")
        )];
        let mut state = engine.new_conversation();
        for (i, m) in c.messages.iter().enumerate() {
            let a = engine.observe(&mut state, m);
            let cues: Vec<&str> = a.hits.iter().map(|h| h.category.name()).collect();
            let model = a
                .model
                .as_ref()
                .map_or(String::new(), |n| format!(" p={:.2}", n.probability));
            lines.push(format!(
                "{i:>3} {:<7} {:<5} {:>3}{model} [{}] {}",
                format!("{:?}", m.role).to_lowercase(),
                a.level.as_str(),
                a.risk,
                cues.join(","),
                m.text
            ));
        }
        write_failed = lines.iter().any(|l| writeln!(out, "{l}").is_err());
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
