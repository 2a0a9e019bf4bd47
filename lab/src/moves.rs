//! `safedm train-moves`: learns the move detector ([`safedm::moves`]) from the labelled line
//! corpus in `data/moves/`, and `safedm eval-moves`: its precision and recall per output and
//! language on any such file.
//!
//! The corpus is TSV with the header `text labels lang register batch near`; `labels` is `none`
//! or move names joined by `,`. Whole writing batches are held back (one in five, by a stable
//! hash of the batch name), so lines written in one sitting never sit on both sides of the
//! split; the thresholds are chosen on them.

use crate::error::{Error, ErrorKind};
use crate::train::{sha256_file, Rng};
use safedm::model::{features::fnv1a, sigmoid, DataFile};
use safedm::moves::{features, MoveHeader, MoveModel};
use safedm::normalize::normalize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The outputs of the detector: the contact's moves, then the child-side labels.
pub const LABELS: &[&str] = &[
    "age_probe",
    "personal_info",
    "flattery",
    "gifts",
    "gift_debt",
    "risk_check",
    "isolation",
    "secrecy",
    "private_channel",
    "image_request",
    "meeting",
    "sexual",
    "coercion",
    "age_gap",
    "guilt",
    "offer",
    "device",
    "told_about_me",
    "sextortion",
    "child_family",
    "child_refuse",
    "child_unknown",
];

/// Lowest precision an output's threshold may give on the held-back batches, which are half
/// hard negatives written to borrow each move's words; an output that cannot reach it gets the
/// threshold of its best F0.5 instead. One line never alerts (the tracker's gates), so a move's
/// precision on such lines need not be that of an alert.
const TARGET_PRECISION: f64 = 0.8;

/// One labelled line, already turned into feature buckets.
#[derive(Clone, Debug)]
pub struct Line {
    /// Feature buckets of the normalised text.
    pub buckets: Vec<u32>,
    /// One flag per [`LABELS`] entry.
    pub targets: Vec<bool>,
    /// Language code.
    pub lang: String,
    /// Held back from training.
    pub dev: bool,
}

/// How `train-moves` runs.
#[derive(Clone, Debug)]
pub struct MoveOptions {
    /// The corpus files.
    pub files: Vec<PathBuf>,
    /// Hashed feature space: `2^bits` buckets.
    pub bits: u32,
    /// Passes over the data.
    pub epochs: usize,
    /// Shuffle seed.
    pub seed: u64,
    /// Corpus files of ordinary chats (`../shared/data/chitchat_benign.jsonl.gz`, …) whose lines
    /// are negatives for every output: their train split is learned from, their dev split caps
    /// how often each output may fire on real ordinary lines ([`ORDINARY_FIRE_RATE`]).
    pub ordinary: Vec<PathBuf>,
}

/// At most this share of the ordinary corpora's dev-split lines may reach an output's threshold.
/// The hand-written negatives borrow each move's words on purpose and are half the held-back
/// lines; real ordinary chat is nearly all negatives, so a threshold that is precise on the
/// first can still fire on one ordinary line in fifty. A conversation of 30 contact lines then
/// has a false move in under 10% of chats, and one move never makes a category present alone.
const ORDINARY_FIRE_RATE: f64 = 0.003;

/// Lines taken from each ordinary corpus file, per split: every message up to this many, in file
/// order (enough to learn from, and training stays a few seconds).
const ORDINARY_LINES_PER_FILE: usize = 20_000;

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidInput, message)
}

/// Whether a batch is held back.
pub fn is_dev_batch(batch: &str) -> bool {
    fnv1a(&[b"moves", batch.as_bytes()]) % 5 == 0
}

/// The feature buckets of a line's normalised text.
fn buckets_of(text: &str, bits: u32) -> Vec<u32> {
    features(normalize(text).as_str(), bits)
        .iter()
        .map(|f| f.bucket)
        .collect()
}

/// Reads a corpus file into lines (`dev` from the batch column).
pub fn read_lines(path: &Path, bits: u32) -> Result<Vec<Line>, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::new(ErrorKind::Io, format!("{}: {e}", path.display())))?;
    let mut out = Vec::new();
    for (i, row) in text.lines().enumerate().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        let [text, labels, lang, ..] = cols[..] else {
            return Err(invalid(format!(
                "{}:{}: too few columns",
                path.display(),
                i + 1
            )));
        };
        let mut targets = vec![false; LABELS.len()];
        // `child_other` marks an ordinary child line: a negative for every output.
        let named = |l: &&str| !matches!(l.trim(), "none" | "child_other" | "");
        for label in labels.split(',').filter(named) {
            let k = LABELS
                .iter()
                .position(|l| l == &label.trim())
                .ok_or_else(|| {
                    invalid(format!(
                        "{}:{}: unknown label {label:?}",
                        path.display(),
                        i + 1
                    ))
                })?;
            targets[k] = true;
        }
        out.push(Line {
            buckets: buckets_of(text, bits),
            targets,
            lang: lang.to_string(),
            dev: cols.get(4).is_some_and(|b| is_dev_batch(b)),
        });
    }
    Ok(out)
}

/// The lines of an ordinary-chat corpus file as negatives (`dev` from the conversation split),
/// at most [`ORDINARY_LINES_PER_FILE`] per split, skipping texts of fewer than two words.
pub fn read_ordinary(path: &Path, bits: u32) -> Result<Vec<Line>, Error> {
    let mut out = Vec::new();
    let (mut train, mut dev) = (0usize, 0usize);
    let name = path.to_string_lossy().to_string();
    crate::corpus::for_each(
        &name,
        |c| {
            let is_dev = crate::source::is_dev(&c.id);
            for m in &c.messages {
                let count = if is_dev { &mut dev } else { &mut train };
                if *count >= ORDINARY_LINES_PER_FILE || m.text.split_whitespace().nth(1).is_none() {
                    continue;
                }
                *count += 1;
                out.push(Line {
                    buckets: buckets_of(&m.text, bits),
                    targets: vec![false; LABELS.len()],
                    // The ordinary corpora are English chat.
                    lang: "en".to_string(),
                    dev: is_dev,
                });
            }
        },
        |_| {},
    )?;
    Ok(out)
}

/// Multi-label logistic regression by SGD with L2 over the training lines.
fn fit(lines: &[&Line], bits: u32, epochs: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
    let outputs = LABELS.len();
    let mut w = vec![0f32; (1usize << bits) * outputs];
    let mut bias = vec![0f32; outputs];
    let mut order: Vec<usize> = (0..lines.len()).collect();
    let mut rng = Rng::new(seed);
    let l2 = 1e-6f32;
    // Each output's positives are a few percent of the lines: weigh them up (by the square root
    // of the imbalance, which measured better than none or the full ratio).
    let positive_weight: Vec<f32> = (0..outputs)
        .map(|k| {
            let pos = lines.iter().filter(|l| l.targets[k]).count().max(1) as f32;
            ((lines.len() as f32 - pos) / pos).sqrt().max(1.0)
        })
        .collect();
    for epoch in 0..epochs {
        rng.shuffle(&mut order);
        let rate = 0.5 / (1.0 + epoch as f32);
        for &i in &order {
            let line = lines[i];
            let norm = 1.0 / (line.buckets.len().max(1) as f32).sqrt();
            for k in 0..outputs {
                let z = bias[k]
                    + norm
                        * line
                            .buckets
                            .iter()
                            .map(|&b| w[b as usize * outputs + k])
                            .sum::<f32>();
                let g = if line.targets[k] {
                    (sigmoid(z) - 1.0) * positive_weight[k]
                } else {
                    sigmoid(z)
                };
                bias[k] -= rate * g * 0.1;
                for &b in &line.buckets {
                    let slot = &mut w[b as usize * outputs + k];
                    *slot -= rate * (g * norm + l2 * *slot);
                }
            }
        }
    }
    (w, bias)
}

/// Weights quantised to `i8` with one scale for all (127 levels each side).
fn quantise(w: &[f32]) -> (Vec<i8>, f32) {
    let top = w.iter().fold(0f32, |m, v| m.max(v.abs())).max(1e-6);
    let scale = top / 127.0;
    let q = w
        .iter()
        .map(|v| (v / scale).round().clamp(-127.0, 127.0) as i8)
        .collect();
    (q, scale)
}

/// Precision and recall of output `k` at threshold `t` over `scored` (probability, target).
fn precision_recall(scored: &[(f32, bool)], t: f32) -> (f64, f64) {
    let tp = scored.iter().filter(|(p, y)| *p >= t && *y).count() as f64;
    let fp = scored.iter().filter(|(p, y)| *p >= t && !*y).count() as f64;
    let pos = scored.iter().filter(|(_, y)| *y).count() as f64;
    let precision = if tp + fp > 0.0 { tp / (tp + fp) } else { 1.0 };
    (precision, if pos > 0.0 { tp / pos } else { 0.0 })
}

/// The lowest threshold at which at most [`ORDINARY_FIRE_RATE`] of `ordinary` (the scores of
/// real ordinary lines) reach it.
fn ordinary_floor(ordinary: &mut [f32]) -> f32 {
    if ordinary.is_empty() {
        return 0.0;
    }
    ordinary.sort_by(|a, b| b.total_cmp(a));
    let allowed = (ordinary.len() as f64 * ORDINARY_FIRE_RATE).floor() as usize;
    ordinary
        .get(allowed)
        .map_or(0.0, |p| (*p + f32::EPSILON).min(1.0))
}

/// The threshold with the highest recall at precision at least [`TARGET_PRECISION`] (precision is
/// not monotone in the threshold, so every candidate is tried), else the best F0.5.
fn choose_threshold(scored: &[(f32, bool)]) -> f32 {
    let mut candidates: Vec<f32> = scored
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| *p >= 0.2)
        .collect();
    candidates.sort_by(f32::total_cmp);
    candidates.dedup();
    let f05 = |(p, r): (f64, f64)| {
        if p + r > 0.0 {
            1.25 * p * r / (0.25 * p + r)
        } else {
            0.0
        }
    };
    let mut best_recall: Option<(f32, f64)> = None;
    let mut best_f05 = (0.5f32, -1.0f64);
    for &t in &candidates {
        let pr = precision_recall(scored, t);
        if pr.0 >= TARGET_PRECISION && best_recall.is_none_or(|(_, r)| pr.1 > r) {
            best_recall = Some((t, pr.1));
        }
        if f05(pr) > best_f05.1 {
            best_f05 = (t, f05(pr));
        }
    }
    best_recall.map_or(best_f05.0.max(0.5), |(t, _)| t)
}

/// Precision and recall per output and language of `model` on `lines`, as JSON and as a table.
pub fn report(model: &MoveModel, lines: &[Line]) -> (serde_json::Value, String) {
    let mut by: BTreeMap<(String, String), Vec<(f32, bool)>> = BTreeMap::new();
    for line in lines {
        let logits = model.logits_of_buckets(&line.buckets);
        for (k, label) in LABELS.iter().enumerate() {
            let entry = (sigmoid(logits[k]), line.targets[k]);
            by.entry((label.to_string(), line.lang.clone()))
                .or_default()
                .push(entry);
            by.entry((label.to_string(), "all".to_string()))
                .or_default()
                .push(entry);
        }
    }
    let mut json = serde_json::Map::new();
    let mut table = format!(
        "{:<16} {:<4} {:>6} {:>9} {:>7}\n",
        "output", "lang", "lines+", "precision", "recall"
    );
    for ((label, lang), scored) in &by {
        let k = LABELS.iter().position(|l| l == label).unwrap_or(0);
        let (p, r) = precision_recall(scored, model.header.thresholds[k]);
        let positives = scored.iter().filter(|(_, y)| *y).count();
        if positives == 0 {
            continue;
        }
        table.push_str(&format!(
            "{label:<16} {lang:<4} {positives:>6} {:>8.1}% {:>6.1}%\n",
            p * 100.0,
            r * 100.0
        ));
        json.insert(format!("{label}/{lang}"), serde_json::json!({"positives": positives, "precision": (p * 1000.0).round() / 1000.0, "recall": (r * 1000.0).round() / 1000.0}));
    }
    (serde_json::Value::Object(json), table)
}

/// How often each output fires on real ordinary lines (the ordinary corpora's dev split).
fn ordinary_report(model: &MoveModel, ordinary: &[Line]) -> String {
    let mut fired = vec![0usize; LABELS.len()];
    for line in ordinary {
        let logits = model.logits_of_buckets(&line.buckets);
        for (k, z) in logits.iter().enumerate() {
            fired[k] += usize::from(sigmoid(*z) >= model.header.thresholds[k]);
        }
    }
    let mut table = format!("{:<16} {:>7}\n", "output", "fires");
    for (k, label) in LABELS.iter().enumerate() {
        let share = fired[k] as f64 / ordinary.len().max(1) as f64;
        table.push_str(&format!("{label:<16} {:>6.2}%\n", share * 100.0));
    }
    table
}

/// Trains the detector; returns it with the held-back report as text.
pub fn train_moves(options: &MoveOptions) -> Result<(MoveModel, String), Error> {
    let mut lines = Vec::new();
    let mut ordinary = Vec::new();
    let mut data = Vec::new();
    for path in &options.ordinary {
        ordinary.extend(read_ordinary(path, options.bits)?);
        data.push(DataFile {
            name: path.to_string_lossy().to_string(),
            sha256: sha256_file(path)?,
        });
    }
    for path in &options.files {
        lines.extend(read_lines(path, options.bits)?);
        data.push(DataFile {
            name: path.to_string_lossy().to_string(),
            sha256: sha256_file(path)?,
        });
    }
    // Ordinary lines first, as they were read: the shuffle's seed then gives the same order.
    let train: Vec<&Line> = ordinary.iter().chain(&lines).filter(|l| !l.dev).collect();
    if train.is_empty() {
        return Err(invalid("no training lines"));
    }
    let (w, bias) = fit(&train, options.bits, options.epochs, options.seed);
    let (weights, scale) = quantise(&w);
    let mut model = MoveModel {
        header: MoveHeader {
            generator: format!("safedm train-moves {}", safedm::VERSION),
            bits: options.bits,
            labels: LABELS.iter().map(|l| l.to_string()).collect(),
            bias,
            thresholds: vec![0.5; LABELS.len()],
            scale,
            data,
            dev: serde_json::Value::Null,
        },
        weights,
    };
    let ordinary_dev: Vec<Line> = ordinary.into_iter().filter(|l| l.dev).collect();
    let dev: Vec<Line> = lines.into_iter().filter(|l| l.dev).collect();
    for k in 0..LABELS.len() {
        let probability = |l: &Line| sigmoid(model.logits_of_buckets(&l.buckets)[k]);
        let scored: Vec<(f32, bool)> = dev.iter().map(|l| (probability(l), l.targets[k])).collect();
        let mut ordinary: Vec<f32> = ordinary_dev.iter().map(probability).collect();
        model.header.thresholds[k] = choose_threshold(&scored).max(ordinary_floor(&mut ordinary));
    }
    let (json, table) = report(&model, &dev);
    model.header.dev = json;
    let fires = ordinary_report(&model, &ordinary_dev);
    Ok((
        model,
        format!(
            "held-back batches: {} lines\n{table}ordinary dev lines: {}\n{fires}",
            dev.len(),
            ordinary_dev.len()
        ),
    ))
}
