//! `safedm export-split`: the trainer's split written out, so that other systems (`bench/`) learn
//! from and are judged on exactly what the model was.

use crate::corpus::{self, Conversation};
use crate::error::{Error, ErrorKind};
use crate::segments::SegmentBuilder;
use crate::source::is_dev;
use crate::train::{data_files, load, training_windows, TrainOptions};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What [`export_split`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SplitSummary {
    /// Train streams written (those with at least one window).
    pub train_streams: usize,
    /// Training windows over them.
    pub train_windows: usize,
    /// Dev conversations written.
    pub dev_conversations: usize,
    /// Messages in them.
    pub dev_messages: usize,
}

/// Writes the trainer's split so that other systems learn from and are judged on exactly what
/// the model was (`bench/` compares them):
///
/// - `train.jsonl`: one line per train stream that yields a window:
///   `{"id", "source", "label", "texts": [...], "windows": [[start, end, weight], ...]}`, the
///   windows and weights being the ones [`crate::train::train`] learns from.
/// - `dev.jsonl`: the corpora's dev conversations as `safedm eval --split dev` scores them (the
///   decoys rewritten as benign contacts, the offender chats also cut into segments), then every
///   conversation of `extra_dev` whole.
///
/// The tuning files of `options.extra_files` give train windows only: the cue tables were tuned
/// on them, so their dev share would flatter the engine.
pub fn export_split(
    options: &TrainOptions,
    extra_dev: &[PathBuf],
    out_dir: &Path,
) -> Result<SplitSummary, Error> {
    std::fs::create_dir_all(out_dir).map_err(|e| io(format!("{}: {e}", out_dir.display())))?;
    let mut summary = SplitSummary::default();
    write_train(options, &mut create(out_dir, "train.jsonl")?, &mut summary)?;
    let mut dev_out = create(out_dir, "dev.jsonl")?;
    write_dev(options, extra_dev, &mut dev_out, &mut summary)?;
    dev_out.flush().map_err(io)?;
    Ok(summary)
}

type Out = std::io::BufWriter<std::fs::File>;

fn io(e: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Io, e.to_string())
}

fn create(dir: &Path, name: &str) -> Result<Out, Error> {
    let path = dir.join(name);
    std::fs::File::create(&path)
        .map(std::io::BufWriter::new)
        .map_err(|e| io(format!("{}: {e}", path.display())))
}

fn write_line(out: &mut Out, value: &serde_json::Value) -> Result<(), Error> {
    writeln!(out, "{value}").map_err(io)
}

/// `train.jsonl`: every train stream with its windows and their weights.
fn write_train(
    options: &TrainOptions,
    out: &mut Out,
    summary: &mut SplitSummary,
) -> Result<(), Error> {
    let (streams, _) = load(options)?;
    let mut by_stream: BTreeMap<usize, Vec<(usize, usize, f32)>> = BTreeMap::new();
    for w in training_windows(&streams, options) {
        by_stream
            .entry(w.stream)
            .or_default()
            .push((w.start, w.end, w.example.weight));
    }
    for (index, windows) in &by_stream {
        let s = &streams[*index];
        let line = serde_json::json!({
            "id": s.id,
            "source": s.source.name(),
            "label": if s.positive { "grooming" } else { "benign" },
            "texts": s.texts,
            "windows": windows.iter().map(|(a, b, w)| serde_json::json!([a, b, w])).collect::<Vec<_>>(),
        });
        write_line(out, &line)?;
        summary.train_streams += 1;
        summary.train_windows += windows.len();
    }
    out.flush().map_err(io)
}

/// `dev.jsonl`: the corpora's dev conversations as `eval --split dev` scores them, their
/// offender chats' segments, then the extra dev files whole.
fn write_dev(
    options: &TrainOptions,
    extra_dev: &[PathBuf],
    out: &mut Out,
    summary: &mut SplitSummary,
) -> Result<(), Error> {
    let mut failure: Option<Error> = None;
    let mut bad_lines = 0usize;
    let mut write = |c: Conversation, summary: &mut SplitSummary| {
        if failure.is_some() {
            return;
        }
        let result = serde_json::to_value(&c)
            .map_err(io)
            .and_then(|v| write_line(out, &v));
        match result {
            Ok(()) => {
                summary.dev_conversations += 1;
                summary.dev_messages += c.messages.len();
            }
            Err(e) => failure = Some(e),
        }
    };
    let mut segments = SegmentBuilder::default();
    for path in data_files(&options.data_dir)? {
        let each = |c: Conversation| {
            if is_dev(&c.id) {
                segments.offer(&c);
                write(crate::eval::decoy_as_contact(c), summary);
            }
        };
        corpus::for_each(&path.to_string_lossy(), each, |_| bad_lines += 1)?;
    }
    for c in segments.finish() {
        write(c, summary);
    }
    for path in extra_dev {
        let each = |c: Conversation| write(c, summary);
        corpus::for_each(&path.to_string_lossy(), each, |_| bad_lines += 1)?;
    }
    if let Some(e) = failure {
        return Err(e);
    }
    if bad_lines > 0 {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("{bad_lines} unreadable lines in the dev files"),
        ));
    }
    Ok(())
}
