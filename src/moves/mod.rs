//! The learned move detector: which grooming moves one line makes, whatever its wording.
//!
//! The cue rows know phrases; this knows moves. It is a multi-label linear model over hashed
//! features of the normalised text (each word's character 3- to 5-grams, the words, the word
//! pairs), trained by `safedm train-moves` (lab) from the project's labelled line corpus in
//! `data/moves/` and embedded quantised from `weights.bin`. Each output has its own threshold,
//! chosen by the trainer on held-back batches of that corpus. Character n-grams are used because
//! they hold up on today's spelling, where word models trained on one era collapse.
//!
//! ```
//! use safedm::moves::MoveModel;
//! let model = MoveModel::embedded().expect("the embedded move detector loads");
//! let moves = model.moves("what did you say to your mum about me");
//! assert!(moves.iter().any(|m| m.name == "told_about_me"));
//! ```

use crate::error::{Error, ErrorKind};
use crate::model::features::fnv1a;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// First bytes of a move-detector weights file.
pub const MAGIC: &[u8] = b"SAFEDM-MOVES 1\n";

/// The weights embedded at build time (`make moves` regenerates them).
pub const EMBEDDED: &[u8] = include_bytes!("weights.bin");

/// Character n-gram lengths taken inside each word (with `<` and `>` marking its ends).
const NGRAMS: Range<usize> = 3..6;

/// What a move-detector file says about itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MoveHeader {
    /// The program that wrote it.
    pub generator: String,
    /// Hashed feature space: `2^bits` buckets.
    pub bits: u32,
    /// The outputs, in weight order: move names (`secrecy`, `device`, …) and child-side labels
    /// (`child_refuse`, …).
    pub labels: Vec<String>,
    /// Logit bias per output.
    pub bias: Vec<f32>,
    /// Probability threshold per output, from the trainer's held-back batches.
    pub thresholds: Vec<f32>,
    /// Weight of one quantisation step.
    pub scale: f32,
    /// The corpus files trained on, with checksums.
    pub data: Vec<crate::model::DataFile>,
    /// The trainer's held-back figures (precision and recall per output and language).
    pub dev: serde_json::Value,
}

/// A loaded move detector.
#[derive(Clone, Debug, PartialEq)]
pub struct MoveModel {
    /// The header.
    pub header: MoveHeader,
    /// Quantised weights, bucket-major: bucket `b`'s weight for output `k` is at
    /// `b * labels + k`.
    pub weights: Vec<i8>,
}

/// One move found in a line.
#[derive(Clone, Debug, PartialEq)]
pub struct Move {
    /// The output's name, as in the header.
    pub name: String,
    /// Its probability.
    pub probability: f32,
    /// How far above its threshold, 0 at the threshold and 1 at certainty.
    pub strength: f32,
    /// Byte range, in the text given, of the word that carried it most.
    pub span: Range<usize>,
}

/// One hashed feature of a text, with the byte range of the word it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feature {
    /// Bucket index.
    pub bucket: u32,
    /// Byte range of the word (or word pair) in the text.
    pub span: Range<usize>,
}

/// The words of normalised text with their byte ranges (runs of letters and digits).
fn words(text: &str) -> Vec<(Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (start, c.is_alphanumeric()) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                out.push((s..i, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The hashed features of normalised `text` (see the module docs), at most a few per byte.
pub fn features(text: &str, bits: u32) -> Vec<Feature> {
    let mask = (1u64 << bits) - 1;
    let bucket = |parts: &[&[u8]]| (fnv1a(parts) & mask) as u32;
    let words = words(text);
    let mut out = Vec::with_capacity(words.len() * 12);
    for (i, (span, word)) in words.iter().enumerate() {
        out.push(Feature {
            bucket: bucket(&[b"w", word.as_bytes()]),
            span: span.clone(),
        });
        if let Some((next_span, next)) = words.get(i + 1) {
            out.push(Feature {
                bucket: bucket(&[b"p", word.as_bytes(), b" ", next.as_bytes()]),
                span: span.start..next_span.end,
            });
        }
        let padded: Vec<u8> = [b"<", word.as_bytes(), b">"].concat();
        for n in NGRAMS {
            for gram in padded.windows(n) {
                out.push(Feature {
                    bucket: bucket(&[b"c", gram]),
                    span: span.clone(),
                });
            }
        }
    }
    out
}

fn bad(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidModel, message)
}

impl MoveModel {
    /// The embedded detector, or `None` if the embedded file is empty or invalid (the engine
    /// then runs on its cue rows alone).
    pub fn embedded() -> Option<MoveModel> {
        MoveModel::from_bytes(EMBEDDED).ok()
    }

    /// Reads a weights file: [`MAGIC`], a u32 header length, the JSON header, the weights.
    pub fn from_bytes(bytes: &[u8]) -> Result<MoveModel, Error> {
        let rest = bytes
            .strip_prefix(MAGIC)
            .ok_or_else(|| bad("not a move-detector file"))?;
        let (len, rest) = rest.split_at_checked(4).ok_or_else(|| bad("truncated"))?;
        let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let (json, rest) = rest
            .split_at_checked(len)
            .ok_or_else(|| bad("truncated header"))?;
        let header: MoveHeader =
            serde_json::from_slice(json).map_err(|e| bad(format!("header: {e}")))?;
        let outputs = header.labels.len();
        let expected = (1usize << header.bits.min(24)) * outputs;
        if header.bits > 24
            || outputs == 0
            || header.bias.len() != outputs
            || header.thresholds.len() != outputs
            || rest.len() != expected
        {
            return Err(bad("header and weights do not agree"));
        }
        let weights = rest.iter().map(|&b| b as i8).collect();
        Ok(MoveModel { header, weights })
    }

    /// The file bytes, as [`MoveModel::from_bytes`] reads them.
    pub fn to_bytes(&self) -> Result<Vec<u8>, Error> {
        let json = serde_json::to_vec(&self.header).map_err(|e| bad(e.to_string()))?;
        let len = u32::try_from(json.len()).map_err(|_| bad("header too large"))?;
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&json);
        out.extend(self.weights.iter().map(|&w| w as u8));
        Ok(out)
    }

    /// Every output's probability for normalised `text`, in header order.
    pub fn probabilities(&self, text: &str) -> Vec<f32> {
        let features = features(text, self.header.bits);
        self.logits(&features)
            .into_iter()
            .map(crate::model::sigmoid)
            .collect()
    }

    fn logits(&self, features: &[Feature]) -> Vec<f32> {
        let buckets: Vec<u32> = features.iter().map(|f| f.bucket).collect();
        self.logits_of_buckets(&buckets)
    }

    /// Every output's logit for a text given as its feature buckets ([`features`]), in header
    /// order; the trainer scores its held-back lines with this.
    pub fn logits_of_buckets(&self, buckets: &[u32]) -> Vec<f32> {
        let outputs = self.header.labels.len();
        let norm = self.header.scale / (buckets.len().max(1) as f32).sqrt();
        let mut sums = vec![0i32; outputs];
        for &b in buckets {
            let row = b as usize * outputs;
            if let Some(ws) = self.weights.get(row..row + outputs) {
                for (s, &w) in sums.iter_mut().zip(ws) {
                    *s += i32::from(w);
                }
            }
        }
        sums.iter()
            .zip(&self.header.bias)
            .map(|(&s, &b)| b + s as f32 * norm)
            .collect()
    }

    /// The moves normalised `text` makes: outputs at or above their threshold, strongest first.
    pub fn moves(&self, text: &str) -> Vec<Move> {
        let features = features(text, self.header.bits);
        let logits = self.logits(&features);
        let mut found: Vec<Move> = Vec::new();
        for (k, &z) in logits.iter().enumerate() {
            let p = crate::model::sigmoid(z);
            let t = self.header.thresholds[k];
            if p < t {
                continue;
            }
            found.push(Move {
                name: self.header.labels[k].clone(),
                probability: p,
                strength: ((p - t) / (1.0 - t).max(1e-6)).clamp(0.0, 1.0),
                span: self.carrier(&features, k),
            });
        }
        found.sort_by(|a, b| b.probability.total_cmp(&a.probability));
        found
    }

    /// The span whose features add most to output `k`: the words shown as evidence.
    fn carrier(&self, features: &[Feature], k: usize) -> Range<usize> {
        let outputs = self.header.labels.len();
        let mut best: Option<(Range<usize>, i32)> = None;
        let mut i = 0;
        while i < features.len() {
            let span = features[i].span.clone();
            let mut total = 0i32;
            while i < features.len() && features[i].span == span {
                let w = self.weights.get(features[i].bucket as usize * outputs + k);
                total += w.map_or(0, |&w| i32::from(w));
                i += 1;
            }
            if best.as_ref().is_none_or(|(_, t)| total > *t) {
                best = Some((span, total));
            }
        }
        best.map_or(0..0, |(span, _)| span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_come_from_words_pairs_and_character_ngrams() {
        let f = features("add me", 16);
        // "add": word, pair, <ad add dd> <add add> <add>; "me": word, <me me>, <me>.
        assert_eq!(f.len(), 1 + 1 + 3 + 2 + 1 + 1 + 2 + 1);
        assert!(f.iter().all(|x| x.bucket < 1 << 16));
        assert!(f.iter().any(|x| x.span == (0..6)));
    }

    #[test]
    fn a_damaged_file_is_a_clear_error() {
        assert!(MoveModel::from_bytes(b"nope").is_err());
        let mut bytes = EMBEDDED.to_vec();
        bytes.truncate(bytes.len().saturating_sub(3));
        assert_eq!(
            MoveModel::from_bytes(&bytes)
                .map(|_| ())
                .unwrap_err()
                .kind(),
            ErrorKind::InvalidModel
        );
    }

    #[test]
    fn the_embedded_file_round_trips() {
        let m = MoveModel::embedded().unwrap();
        assert_eq!(MoveModel::from_bytes(&m.to_bytes().unwrap()).unwrap(), m);
    }
}
