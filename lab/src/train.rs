//! `safedm train`: learns the model's weights from the corpora in `../shared/data`.
//!
//! Steps, all single-threaded and seeded so the same data and seed give the same bytes:
//!
//! 1. Read every `*.jsonl.gz` of the data folder, with each file's SHA-256 for the header.
//! 2. Split by group ([`crate::source::split_group`]): an offender and the decoys of the same
//!    chats are on one side; one group in five is dev.
//! 3. Turn every conversation into the *streams* a contact could write: an offender's lines
//!    (positive); the decoys' lines, each side of a Chit-Chat or IRC conversation and each
//!    PAN 2012 segment (negatives: the era-matched ones are what keep the model from learning
//!    2000s spelling).
//! 4. Cut windows of the latest [`ModelHeader::window`] messages at evenly spaced points of each
//!    stream, so long streams do not outvote short ones; weight each source so that positives
//!    and negatives weigh the same and every benign source has its share.
//! 5. Logistic regression by sparse SGD over the hashed features ([`safedm::model::features`]),
//!    then quantise the weights to 25 levels stored as `i8` ([`WEIGHT_LEVELS`]).
//! 6. On dev, score every conversation as the engine would (a sliding window over the contact's
//!    messages, the highest probability counts), choose the thresholds per sensitivity from the
//!    benign sources' false-alert rates, and record ROC-AUC per source in the header.

use crate::corpus::{self, Conversation};
use crate::error::{Error, ErrorKind};
use crate::segments::SegmentBuilder;
use crate::source::{is_dev, Source};
use safedm::cues::CueSet;
use safedm::message::Role;
use safedm::model::features::{self, FeatureSet, MessageFeatures};
use safedm::model::{DataFile, Fixture, Model, ModelHeader, ModelThresholds, ThresholdTable};
use safedm::normalize::normalize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Settings of one training run.
#[derive(Clone, Debug)]
pub struct TrainOptions {
    /// Folder with the `*.jsonl.gz` corpora.
    pub data_dir: PathBuf,
    /// Our own hand-written files trained on besides the corpora (the present-day tuning set;
    /// never the held-out `modern_dev.jsonl`). Named in the header by this path.
    pub extra_files: Vec<PathBuf>,
    /// Seed of the shuffles.
    pub seed: u64,
    /// Feature families and hashed space.
    pub features: FeatureSet,
    /// Contact messages per window.
    pub window: usize,
    /// Passes over the training windows.
    pub epochs: usize,
    /// Most windows cut from one stream.
    pub windows_per_stream: usize,
    /// L2 regularisation per update.
    pub l2: f32,
    /// Initial learning rate.
    pub learning_rate: f32,
    /// Fewer distinct features than this: too little text to judge.
    pub min_features: usize,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            data_dir: PathBuf::from("../shared/data"),
            extra_files: vec![PathBuf::from(TUNING_SET)],
            seed: 7,
            features: FeatureSet::default(),
            window: 20,
            epochs: 6,
            windows_per_stream: 30,
            l2: 1e-6,
            learning_rate: 0.5,
            min_features: 30,
        }
    }
}

/// The present-day hand-written tuning set, trained on so that the model sees today's short chat
/// lines on both sides (otherwise short family lines read like the offenders' short lines).
pub const TUNING_SET: &str = "tests/conversations/modern_tune.jsonl";

/// How much more each of its windows ([`Source::ModernTune`]) weighs than a corpus window: it is
/// small (about 200 conversations against thousands) and the only present-day material.
const TUNING_WEIGHT: f32 = 5.0;

/// The weighting key of the offender chats' segments among the positives, and their share of
/// the positives' weight: as much as the benign segments have of the negatives', so that a
/// PAN 2012-style segment is judged by what it says, not by being one long message.
const POSITIVE_SEGMENTS: &str = "+segments";
const SEGMENT_SHARE: f32 = 0.3;

/// Benign-source false-alert budgets per sensitivity and level: (watch, warn, alert).
const RATES: [(&str, [f64; 3]); 3] = [
    ("relaxed", [0.04, 0.01, 0.0025]),
    ("balanced", [0.08, 0.02, 0.005]),
    ("strict", [0.15, 0.05, 0.01]),
];

/// One stream of a writer's messages, already turned into features.
#[derive(Clone, Debug)]
pub struct Stream {
    /// The source it is reported under (the decoys' as [`Source::DecoyAsContact`]).
    pub source: Source,
    /// Conversation id.
    pub id: String,
    /// Grooming or not.
    pub positive: bool,
    /// Whether it is in the dev split.
    pub dev: bool,
    /// Per message features, in order; a long message is several items, one per piece
    /// ([`features::pieces`]), as the engine reads it.
    pub messages: Vec<MessageFeatures>,
    /// The items' original text, in the same order (for [`export_split`]).
    pub texts: Vec<String>,
    /// Whether the engine would score this stream in `eval` (the contact's side).
    pub scored_in_eval: bool,
}

/// What `train` produced: the model and how long it took, plus the dev report as text.
#[derive(Clone, Debug)]
pub struct TrainOutput {
    /// The model, as it will be written.
    pub model: Model,
    /// A readable dev report.
    pub report: String,
}

fn io(e: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Io, e.to_string())
}

/// SHA-256 of a file, lowercase hex.
pub fn sha256_file(path: &Path) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(|e| io(format!("{}: {e}", path.display())))?;
    Ok(Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// The data files of a folder, sorted by name.
pub fn data_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io(format!("{}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".jsonl.gz") || n.ends_with(".jsonl"))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// The streams of one conversation (see the module docs).
fn streams_of(c: &Conversation, set: &FeatureSet, cues: &CueSet, out: &mut Vec<Stream>) {
    let source = c.source();
    let positive = c.is_grooming() == Some(true) && source != Source::Decoy;
    let dev = is_dev(&c.id);
    let mut push = |source: &Source, keep: &dyn Fn(Role) -> bool, scored: bool| {
        let kept: Vec<&safedm::message::Message> =
            c.messages.iter().filter(|m| keep(m.role)).collect();
        if kept.is_empty() {
            return;
        }
        // The items the model reads, as the engine cuts them (see `features::pieces`).
        let texts: Vec<&str> = kept
            .iter()
            .flat_map(|m| features::pieces(safedm::engine::truncate(&m.text)))
            .collect();
        let messages = texts
            .iter()
            .map(|t| {
                let n = normalize(t);
                features::message(set, n.as_str(), &cues.find(&n))
            })
            .collect();
        out.push(Stream {
            source: source.clone(),
            id: c.id.clone(),
            positive,
            dev,
            messages,
            texts: texts.iter().map(|t| t.to_string()).collect(),
            scored_in_eval: scored,
        });
    };
    if source == Source::Decoy {
        push(&Source::DecoyAsContact, &|_| true, true);
    } else if positive {
        // The contact's lines; a segment's single `unknown` message is scored as the contact's.
        push(&source, &|r| r != Role::Child, true);
    } else {
        // Every writer of a benign conversation is a benign contact; the engine scores the
        // contact's and unknown authors' lines.
        push(&source, &|r| r != Role::Child, true);
        push(&source, &|r| r == Role::Child, false);
    }
}

/// Reads the data folder into streams and the data file list for the header.
pub fn load(options: &TrainOptions) -> Result<(Vec<Stream>, Vec<DataFile>), Error> {
    let cues = CueSet::new()?;
    let mut streams = Vec::new();
    let mut data = Vec::new();
    let mut segments = SegmentBuilder::default();
    let corpora = data_files(&options.data_dir)?;
    let named = corpora
        .into_iter()
        .map(|p| {
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            (p, name)
        })
        .chain(
            options
                .extra_files
                .iter()
                .map(|p| (p.clone(), p.to_string_lossy().to_string())),
        );
    for (path, name) in named {
        data.push(DataFile {
            name,
            sha256: sha256_file(&path)?,
        });
        let path_str = path.to_string_lossy().to_string();
        let mut bad_lines = 0usize;
        corpus::for_each(
            &path_str,
            |c| {
                segments.offer(&c);
                streams_of(&c, &options.features, &cues, &mut streams)
            },
            |_| bad_lines += 1,
        )?;
        if bad_lines > 0 {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("{path_str}: {bad_lines} unreadable lines"),
            ));
        }
    }
    for c in segments.finish() {
        streams_of(&c, &options.features, &cues, &mut streams);
    }
    Ok((streams, data))
}

/// A small deterministic generator (SplitMix64).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// Seeded.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// One training example: distinct feature ids, label, weight.
#[derive(Clone, Debug)]
pub struct Example {
    /// The window's sparse vector: (hashed id, value), ids distinct.
    pub values: Vec<(u32, f32)>,
    /// 1 for grooming.
    pub label: bool,
    /// Sample weight.
    pub weight: f32,
}

/// Sparse logistic regression by SGD: each example is a sparse vector of values, weights decay (L2)
/// where they are touched, and the learning rate falls per epoch. Returns (weights, bias).
pub fn sgd(
    examples: &[Example],
    bits: u32,
    epochs: usize,
    learning_rate: f32,
    l2: f32,
    seed: u64,
) -> (Vec<f32>, f32) {
    let mut w = vec![0f32; 1 << bits];
    let mut bias = 0f32;
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut rng = Rng::new(seed);
    for epoch in 0..epochs {
        rng.shuffle(&mut order);
        let lr = learning_rate / (1.0 + epoch as f32);
        for &i in &order {
            let e = &examples[i];
            if e.values.is_empty() {
                continue;
            }
            let z = bias
                + e.values
                    .iter()
                    .map(|&(f, x)| w[f as usize] * x)
                    .sum::<f32>();
            let p = safedm::model::sigmoid(z);
            let g = (p - if e.label { 1.0 } else { 0.0 }) * e.weight;
            let step = (lr * g).clamp(-2.0, 2.0);
            for &(f, x) in &e.values {
                let wf = &mut w[f as usize];
                *wf -= step * x + lr * l2 * *wf;
            }
            bias -= step * 0.1;
        }
    }
    (w, bias)
}

/// Levels per sign of a quantised weight: 25 values in all (-12..=12), stored one per `i8`.
///
/// Measured on all corpora at balanced (`safedm eval`): 127 levels per sign gave offenders
/// 90.2%, offender segments 39.4%; 12 levels 89.9% and 38.7% with the same false alerts (8 levels
/// lost 4-5 points). The weights shrink from 49 KB to 23 KB gzipped, which is what the WASM
/// download pays: its budget is 350 KB gzipped, shared with every cue table row.
pub const WEIGHT_LEVELS: i8 = 12;

/// Quantises weights to `i8` values within ±[`WEIGHT_LEVELS`] with one scale (the 99.9th
/// percentile of the non-zero magnitudes maps to the top level; larger weights are clipped).
pub fn quantise(w: &[f32]) -> (Vec<i8>, f32) {
    let mut mags: Vec<f32> = w.iter().map(|v| v.abs()).filter(|v| *v > 0.0).collect();
    if mags.is_empty() {
        return (vec![0; w.len()], 1.0);
    }
    mags.sort_by(f32::total_cmp);
    let top = mags[((mags.len() - 1) as f64 * 0.999) as usize].max(1e-6);
    let levels = f32::from(WEIGHT_LEVELS);
    let scale = top / levels;
    let q = w
        .iter()
        .map(|v| (v / scale).round().clamp(-levels, levels) as i8)
        .collect();
    (q, scale)
}

/// End points of the windows cut from a stream of `len` messages: evenly spaced, the last one
/// at the end, at most `most`.
pub fn window_ends(len: usize, most: usize) -> Vec<usize> {
    if len == 0 || most == 0 {
        return Vec::new();
    }
    let count = most.min(len.div_ceil(3)).max(1);
    let mut ends: Vec<usize> = (1..=count).map(|k| (k * len).div_ceil(count)).collect();
    ends.dedup();
    ends
}

/// One training window: messages `start..end` of `streams[stream]` and the example cut from it.
#[derive(Clone, Debug)]
pub struct TrainingWindow {
    /// Index of the stream in the slice given to [`training_windows`].
    pub stream: usize,
    /// First message of the window.
    pub start: usize,
    /// One past the last message of the window.
    pub end: usize,
    /// The features, label and weight the trainer learns from.
    pub example: Example,
}

/// The training windows of the train split, weighted (see the module docs, step 4).
pub fn training_windows(streams: &[Stream], options: &TrainOptions) -> Vec<TrainingWindow> {
    // Share of the total weight per negative source; positives weigh as much as all negatives.
    let share = |source: &str| -> f32 {
        match Source::from_name(source) {
            Source::DecoyAsContact | Source::Pan12Benign => 0.3,
            _ => 0.2,
        }
    };
    let mut raw: Vec<(String, TrainingWindow, bool)> = Vec::new();
    for (index, s) in streams.iter().enumerate().filter(|(_, s)| !s.dev) {
        for end in window_ends(s.messages.len(), options.windows_per_stream) {
            let start = end.saturating_sub(options.window);
            let vector = features::window(&options.features, &s.messages[start..end]);
            if vector.count < options.min_features {
                continue;
            }
            let key = if s.positive && s.source == Source::OffenderSegments {
                POSITIVE_SEGMENTS.to_string()
            } else if s.positive {
                "+".to_string()
            } else {
                s.source.name().to_string()
            };
            raw.push((
                key,
                TrainingWindow {
                    stream: index,
                    start,
                    end,
                    example: Example {
                        values: vector.values,
                        label: s.positive,
                        weight: 0.0,
                    },
                },
                s.source == Source::ModernTune,
            ));
        }
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (k, _, _) in &raw {
        *counts.entry(k.clone()).or_default() += 1;
    }
    let total = raw.len() as f32;
    let positives = counts.get("+").copied().unwrap_or(1).max(1) as f32;
    let positive_segments = counts.get(POSITIVE_SEGMENTS).copied().unwrap_or(0) as f32;
    // The segments' share of the positives' half, when there are any.
    let segment_share = if positive_segments > 0.0 {
        SEGMENT_SHARE
    } else {
        0.0
    };
    let known_share: f32 = counts
        .keys()
        .filter(|k| !k.starts_with('+'))
        .map(|k| share(k))
        .sum::<f32>()
        .max(1e-6);
    raw.into_iter()
        .map(|(k, mut window, tuning)| {
            let e = &mut window.example;
            // Mean weight 1: half of the total for positives, the rest by source share.
            e.weight = if k == "+" {
                0.5 * total * (1.0 - segment_share) / positives
            } else if k == POSITIVE_SEGMENTS {
                0.5 * total * segment_share / positive_segments.max(1.0)
            } else {
                let n = counts.get(&k).copied().unwrap_or(1).max(1) as f32;
                0.5 * total * share(&k) / known_share / n
            };
            if tuning {
                e.weight *= TUNING_WEIGHT;
            }
            e.weight = e.weight.min(20.0);
            window
        })
        .collect()
}

/// The highest probability of a stream scored as the engine does (a sliding window over the
/// contact's messages), or 0 when the window never held enough text.
pub fn stream_score(model: &Model, messages: &[MessageFeatures]) -> f32 {
    let w = model.header.window;
    let mut best = 0f32;
    for end in 1..=messages.len() {
        let start = end.saturating_sub(w);
        if let Some(p) = model.window_probability(&messages[start..end]) {
            best = best.max(p);
        }
    }
    best
}

/// ROC-AUC of positives against negatives (ties count half).
pub fn auc(positives: &[f32], negatives: &[f32]) -> Option<f64> {
    if positives.is_empty() || negatives.is_empty() {
        return None;
    }
    let mut all: Vec<(f32, bool)> = positives
        .iter()
        .map(|&p| (p, true))
        .chain(negatives.iter().map(|&n| (n, false)))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut rank_sum = 0f64;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j < all.len() && all[j].0 == all[i].0 {
            j += 1;
        }
        let avg_rank = (i + j + 1) as f64 / 2.0;
        rank_sum += avg_rank * all[i..j].iter().filter(|x| x.1).count() as f64;
        i = j;
    }
    let np = positives.len() as f64;
    let nn = negatives.len() as f64;
    Some((rank_sum - np * (np + 1.0) / 2.0) / (np * nn))
}

/// The smallest threshold at or below which at most `rate` of every benign source's scores lie
/// above: the `(1 - rate)` quantile, the highest over the sources.
fn threshold(benign: &BTreeMap<String, Vec<f32>>, rate: f64) -> f32 {
    let mut t = 0f32;
    for scores in benign.values() {
        let mut s = scores.clone();
        s.sort_by(|a, b| b.total_cmp(a));
        let allowed = (rate * s.len() as f64).floor() as usize;
        if let Some(&v) = s.get(allowed) {
            // Just above the first score that must stay below the threshold.
            t = t.max(f32::from_bits(v.to_bits() + 1).min(1.0));
        }
    }
    t
}

/// Trains on the data folder and returns the model with its dev report.
pub fn train(options: &TrainOptions) -> Result<TrainOutput, Error> {
    let (streams, data) = load(options)?;
    train_streams(options, &streams, data)
}

/// Trains on streams already loaded.
pub fn train_streams(
    options: &TrainOptions,
    streams: &[Stream],
    data: Vec<DataFile>,
) -> Result<TrainOutput, Error> {
    let mut model = fit(options, streams, data)?;
    let scores = DevScores::of(&model, streams);
    let table = scores.thresholds();
    model.header.thresholds = ThresholdTable {
        relaxed: table[0].1,
        balanced: table[1].1,
        strict: table[2].1,
    };
    let (dev, report) = scores.report(&table);
    model.header.dev = dev;
    model.header.fixtures = fixture_scores(&model)?;
    Ok(TrainOutput { model, report })
}

/// Learns the weights from the train split's windows, with flat thresholds for now.
fn fit(options: &TrainOptions, streams: &[Stream], data: Vec<DataFile>) -> Result<Model, Error> {
    let examples: Vec<Example> = training_windows(streams, options)
        .into_iter()
        .map(|w| w.example)
        .collect();
    if examples.iter().all(|e| e.label) || examples.iter().all(|e| !e.label) {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "training needs both grooming and benign conversations",
        ));
    }
    let (w, bias) = sgd(
        &examples,
        options.features.bits,
        options.epochs,
        options.learning_rate,
        options.l2,
        options.seed,
    );
    let (weights, scale) = quantise(&w);
    let flat = ModelThresholds {
        watch: 0.5,
        warn: 0.5,
        alert: 0.5,
    };
    Ok(Model {
        header: ModelHeader {
            generator: format!("safedm train {}", safedm::VERSION),
            seed: options.seed,
            data,
            features: options.features,
            window: options.window,
            min_features: options.min_features,
            bias,
            scale,
            thresholds: ThresholdTable {
                relaxed: flat,
                balanced: flat,
                strict: flat,
            },
            dev: serde_json::Value::Null,
            fixtures: Vec::new(),
        },
        weights,
    })
}

/// One score per dev stream the engine would score, by source.
struct DevScores {
    positives: BTreeMap<String, Vec<f32>>,
    benign: BTreeMap<String, Vec<f32>>,
    /// (score, source, id) of every benign stream, for the report's top list.
    top: Vec<(f32, String, String)>,
}

/// The share of `scores` at or above `t`.
fn rate(scores: &[f32], t: f32) -> f64 {
    if scores.is_empty() {
        0.0
    } else {
        scores.iter().filter(|&&s| s >= t).count() as f64 / scores.len() as f64
    }
}

/// Rounded to four decimals, for the header.
fn round4(v: f64) -> f64 {
    (v * 10000.0).round() / 10000.0
}

impl DevScores {
    fn of(model: &Model, streams: &[Stream]) -> DevScores {
        let mut scores = DevScores {
            positives: BTreeMap::new(),
            benign: BTreeMap::new(),
            top: Vec::new(),
        };
        for s in streams.iter().filter(|s| s.dev && s.scored_in_eval) {
            let score = stream_score(model, &s.messages);
            let source = s.source.to_string();
            if s.positive {
                scores.positives.entry(source).or_default().push(score);
            } else {
                scores.top.push((score, source.clone(), s.id.clone()));
                scores.benign.entry(source).or_default().push(score);
            }
        }
        scores
    }

    /// Thresholds per sensitivity that keep every benign source within its budget ([`RATES`]).
    fn thresholds(&self) -> Vec<(&'static str, ModelThresholds)> {
        RATES
            .iter()
            .map(|(name, rates)| {
                let t = |i: usize| threshold(&self.benign, rates[i]);
                let watch = t(0);
                let warn = t(1).max(watch);
                let alert = t(2).max(warn);
                (*name, ModelThresholds { watch, warn, alert })
            })
            .collect()
    }

    /// The header's dev figures and the readable report.
    fn report(&self, table: &[(&str, ModelThresholds)]) -> (serde_json::Value, String) {
        let mut dev = serde_json::Map::new();
        let mut report = self.report_heading();
        for (source, scores) in &self.benign {
            let (line, json) = self.benign_row(source, scores, table);
            report.push_str(&line);
            dev.insert(source.clone(), json);
        }
        for (source, scores) in &self.positives {
            let recalls: Vec<f64> = table.iter().map(|(_, t)| rate(scores, t.alert)).collect();
            report.push_str(&format!(
                "{source} recall@alert: relaxed {:.1}%, balanced {:.1}%, strict {:.1}%\n",
                recalls[0] * 100.0,
                recalls[1] * 100.0,
                recalls[2] * 100.0
            ));
            dev.insert(
                source.clone(),
                serde_json::json!({
                    "conversations": scores.len(),
                    "recallAlert": {"relaxed": round4(recalls[0]), "balanced": round4(recalls[1]), "strict": round4(recalls[2])},
                }),
            );
        }
        dev.insert(
            "note".to_string(),
            serde_json::Value::String(
                "model alone, dev split, highest sliding-window probability per stream; \
                 `safedm eval --split dev` gives the engine's figures"
                    .to_string(),
            ),
        );
        let mut top = self.top.clone();
        top.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)));
        report.push_str("highest-scoring benign dev streams (ids only):\n");
        for (score, source, id) in top.iter().take(15) {
            report.push_str(&format!("  {score:.3} {source} {id}\n"));
        }
        (serde_json::Value::Object(dev), report)
    }

    fn report_heading(&self) -> String {
        let all: usize = self.positives.values().map(Vec::len).sum();
        let per_source: Vec<String> = self
            .positives
            .iter()
            .map(|(k, v)| format!("{k} {}", v.len()))
            .collect();
        format!(
            "dev: {all} grooming streams ({}); model-only, highest window probability per stream\n\
             {:<24} {:>6} {:>9} {:>9} {:>9}  ROC-AUC against each grooming source\n",
            per_source.join(", "),
            "benign source",
            "convs",
            "FP@relax",
            "FP@bal",
            "FP@strict"
        )
    }

    /// One benign source's report line and header figures: false alerts and ROC-AUCs.
    fn benign_row(
        &self,
        source: &str,
        scores: &[f32],
        table: &[(&str, ModelThresholds)],
    ) -> (String, serde_json::Value) {
        let fps: Vec<f64> = table.iter().map(|(_, t)| rate(scores, t.alert)).collect();
        let aucs: Vec<(String, f64)> = self
            .positives
            .iter()
            .map(|(p, ps)| (p.clone(), auc(ps, scores).unwrap_or(0.5)))
            .collect();
        let line = format!(
            "{:<24} {:>6} {:>8.1}% {:>8.1}% {:>8.1}%  {}\n",
            source,
            scores.len(),
            fps[0] * 100.0,
            fps[1] * 100.0,
            fps[2] * 100.0,
            aucs.iter()
                .map(|(p, a)| format!("{p} {a:.4}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let auc_json: serde_json::Map<String, serde_json::Value> = aucs
            .iter()
            .map(|(p, a)| (p.clone(), serde_json::json!(round4(*a))))
            .collect();
        let json = serde_json::json!({
            "conversations": scores.len(),
            "rocAuc": auc_json,
            "falseAlert": {"relaxed": round4(fps[0]), "balanced": round4(fps[1]), "strict": round4(fps[2])},
        });
        (line, json)
    }
}

/// Scores the built-in fixtures with `model` as the engine would.
pub fn fixture_scores(model: &Model) -> Result<Vec<Fixture>, Error> {
    let cues = CueSet::new()?;
    Ok(fixtures()
        .into_iter()
        .map(|(name, texts)| {
            let window: Vec<MessageFeatures> = texts
                .iter()
                .map(|t| {
                    let n = normalize(t);
                    model.message_features(n.as_str(), &cues.find(&n))
                })
                .collect();
            let vector = features::window(&model.header.features, &window);
            Fixture {
                name: name.to_string(),
                probability: model.probability(&vector.values),
            }
        })
        .collect())
}

/// Hand-written, non-explicit windows the trainer scores into the header, so a test can check
/// that the embedded weights score them exactly as the trainer's in-memory model did.
pub fn fixtures() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        (
            "pressure",
            vec![
                "how old are you",
                "you seem really mature",
                "are your parents home tonight",
                "dont tell anyone we talk ok",
                "add me on snap its more private",
                "send me a pic of you",
            ],
        ),
        (
            "family",
            vec![
                "dinner is at six, can you set the table",
                "grandma says hi and wants a photo of the cake",
                "i will pick you up after practice",
            ],
        ),
        (
            "tech",
            vec![
                "did you try reinstalling the driver",
                "check the log file after boot",
                "which kernel version are you on",
            ],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sgd_separates_a_separable_set() {
        let mut ex = Vec::new();
        for i in 0..200u32 {
            ex.push(Example {
                values: vec![(1, 0.7), (10 + i % 7, 0.7)],
                label: true,
                weight: 1.0,
            });
            ex.push(Example {
                values: vec![(2, 0.7), (10 + i % 7, 0.7)],
                label: false,
                weight: 1.0,
            });
        }
        let (w, _) = sgd(&ex, 6, 5, 0.5, 1e-6, 3);
        assert!(w[1] > 0.5 && w[2] < -0.5, "{} {}", w[1], w[2]);
        assert_eq!(sgd(&ex, 6, 5, 0.5, 1e-6, 3), sgd(&ex, 6, 5, 0.5, 1e-6, 3));
    }

    #[test]
    fn auc_counts_ties_half() {
        assert_eq!(auc(&[1.0, 2.0], &[0.0]), Some(1.0));
        assert_eq!(auc(&[0.0], &[1.0]), Some(0.0));
        assert_eq!(auc(&[1.0], &[1.0]), Some(0.5));
    }

    #[test]
    fn quantise_keeps_signs_and_scale() {
        let (q, s) = quantise(&[0.0, 1.0, -1.0, 0.5, 0.01]);
        assert_eq!(q[0], 0);
        assert_eq!(
            (q[1], q[2], q[3], q[4]),
            (WEIGHT_LEVELS, -WEIGHT_LEVELS, WEIGHT_LEVELS / 2, 0)
        );
        assert!((f32::from(q[1]) * s - 1.0).abs() < 0.01);
        let many: Vec<f32> = (0..10_000).map(|i| (i as f32 - 5000.0) / 7.0).collect();
        let (q, _) = quantise(&many);
        assert!(q.iter().all(|v| v.abs() <= WEIGHT_LEVELS));
    }

    #[test]
    fn window_ends_cover_the_stream() {
        assert_eq!(window_ends(0, 30), Vec::<usize>::new());
        assert_eq!(window_ends(1, 30), vec![1]);
        let e = window_ends(1000, 30);
        assert_eq!(e.len(), 30);
        assert_eq!(*e.last().unwrap(), 1000);
    }

    #[test]
    fn threshold_keeps_each_source_within_its_rate() {
        let mut b = BTreeMap::new();
        b.insert(
            "a".to_string(),
            (0..100).map(|i| i as f32 / 100.0).collect(),
        );
        b.insert("b".to_string(), vec![0.1; 50]);
        let t = threshold(&b, 0.05);
        for s in b.values() {
            let over = s.iter().filter(|&&v| v >= t).count() as f64 / s.len() as f64;
            assert!(over <= 0.05, "{t} {over}");
        }
    }
}
