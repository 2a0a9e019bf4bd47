//! The learned scorer: a logistic regression over hashed features of the contact's recent
//! messages (see [`features`]), trained by `safedm train` from `../shared/data` and embedded in
//! the binary as quantised weights (`weights.bin` beside this file).
//!
//! The weights file is `MAGIC`, a little-endian `u32` header length, the header as JSON
//! ([`ModelHeader`]: generator, data checksums, dev figures, thresholds), a `u32` weight count
//! and one `i8` per hashed feature. The score of a window is `sigmoid(bias + scale · w·x)` where
//! `x` is the mean over the window's messages of each message's ids at `1/√n`, plus window-level
//! cue combinations (see [`features::window`]). Because it is a mean of per-message parts, the
//! conversation state keeps one number per message, never the ids.

pub mod features;

use crate::config::Sensitivity;
use crate::error::{Error, ErrorKind};
use features::{FeatureSet, MessageFeatures, MessageScore};
use serde::{Deserialize, Serialize};

/// First bytes of a weights file.
pub const MAGIC: &[u8] = b"SAFEDM-MODEL 2\n";

/// The weights embedded at build time (`make model` regenerates them).
pub const EMBEDDED: &[u8] = include_bytes!("weights.bin");

/// Probability thresholds of the model for one sensitivity (chosen on dev by the trainer).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelThresholds {
    /// From this probability on, the model alone says `watch`.
    pub watch: f32,
    /// … `warn`.
    pub warn: f32,
    /// … `alert`.
    pub alert: f32,
}

/// Thresholds for every sensitivity.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThresholdTable {
    /// Fewer, surer alerts.
    pub relaxed: ModelThresholds,
    /// The default.
    pub balanced: ModelThresholds,
    /// Earlier warnings.
    pub strict: ModelThresholds,
}

impl ThresholdTable {
    /// The thresholds of one sensitivity.
    pub fn of(&self, sensitivity: Sensitivity) -> ModelThresholds {
        match sensitivity {
            Sensitivity::Relaxed => self.relaxed,
            Sensitivity::Balanced => self.balanced,
            Sensitivity::Strict => self.strict,
        }
    }
}

/// One data file the model was trained from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataFile {
    /// File name inside the data folder.
    pub name: String,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
}

/// A fixture scored by the trainer's in-memory model; the embedded model must agree exactly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fixture {
    /// Name of one of the trainer's fixture windows.
    pub name: String,
    /// The in-memory model's probability.
    pub probability: f32,
}

/// What a weights file says about itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelHeader {
    /// The program that wrote it, e.g. `safedm train 0.1.0`.
    pub generator: String,
    /// The seed of the shuffles.
    pub seed: u64,
    /// The data files used, with checksums.
    pub data: Vec<DataFile>,
    /// The feature families and hashed space.
    pub features: FeatureSet,
    /// Contact messages in the scored window.
    pub window: usize,
    /// Fewer distinct features than this in the window: too little text to judge.
    pub min_features: usize,
    /// Logit bias.
    pub bias: f32,
    /// Weight of one quantisation step.
    pub scale: f32,
    /// Probability thresholds per sensitivity.
    pub thresholds: ThresholdTable,
    /// Dev figures of the trainer (ROC-AUC and alert rates per source).
    pub dev: serde_json::Value,
    /// Fixture probabilities of the trainer's in-memory model.
    pub fixtures: Vec<Fixture>,
}

/// A loaded model.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// The header.
    pub header: ModelHeader,
    /// One quantised weight per hashed feature.
    pub weights: Vec<i8>,
}

fn bad(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidModel, message)
}

fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Result<&'a [u8], Error> {
    if bytes.len() < n {
        return Err(bad("weights file is truncated"));
    }
    let (head, rest) = bytes.split_at(n);
    *bytes = rest;
    Ok(head)
}

fn take_u32(bytes: &mut &[u8]) -> Result<usize, Error> {
    let b = take(bytes, 4)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
}

impl Model {
    /// The embedded model, or `None` when the build carries no weights.
    pub fn embedded() -> Option<Model> {
        Model::from_bytes(EMBEDDED).ok()
    }

    /// Parses a weights file.
    pub fn from_bytes(mut bytes: &[u8]) -> Result<Model, Error> {
        if take(&mut bytes, MAGIC.len())? != MAGIC {
            return Err(bad("not a SafeDM weights file"));
        }
        let len = take_u32(&mut bytes)?;
        let header: ModelHeader = serde_json::from_slice(take(&mut bytes, len)?)
            .map_err(|e| bad(format!("weights header: {e}")))?;
        let count = take_u32(&mut bytes)?;
        if header.features.bits > 24 || count != 1usize << header.features.bits {
            return Err(bad("weight count does not match the feature space"));
        }
        let weights = take(&mut bytes, count)?.iter().map(|&b| b as i8).collect();
        if !bytes.is_empty() {
            return Err(bad("trailing bytes after the weights"));
        }
        if !(header.scale.is_finite() && header.bias.is_finite()) || header.window == 0 {
            return Err(bad("weights header holds a bad number"));
        }
        Ok(Model { header, weights })
    }

    /// Writes the weights file.
    pub fn to_bytes(&self) -> Result<Vec<u8>, Error> {
        let header =
            serde_json::to_vec_pretty(&self.header).map_err(|e| bad(format!("header: {e}")))?;
        let mut out = Vec::with_capacity(MAGIC.len() + 8 + header.len() + self.weights.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(&(self.weights.len() as u32).to_le_bytes());
        out.extend(self.weights.iter().map(|&w| w as u8));
        Ok(out)
    }

    /// The features of one message.
    pub fn message_features(
        &self,
        normalized: &str,
        hits: &[crate::cues::CueHit],
    ) -> MessageFeatures {
        features::message(&self.header.features, normalized, hits)
    }

    /// The probability that a window of contact messages is grooming, or `None` when it holds
    /// too little text to judge.
    pub fn window_probability(&self, window: &[MessageFeatures]) -> Option<f32> {
        let v = features::window(&self.header.features, window);
        if v.count < self.header.min_features {
            return None;
        }
        Some(self.probability(&v.values))
    }

    fn weight(&self, id: u32) -> f32 {
        f32::from(self.weights.get(id as usize).copied().unwrap_or(0))
    }

    /// What the conversation state keeps of one message's features (no ids, no text).
    pub fn message_score(&self, features: &MessageFeatures) -> MessageScore {
        let n = features.ids.len();
        let score = if n == 0 {
            0.0
        } else {
            features.ids.iter().map(|&i| self.weight(i)).sum::<f32>() / (n as f32).sqrt()
        };
        MessageScore {
            score,
            count: n.min(usize::from(u16::MAX)) as u16,
            cues: features.cues,
            age: features.age,
        }
    }

    /// [`Model::window_probability`] rebuilt from stored [`MessageScore`]s: the window's vector is
    /// a mean of per-message parts plus the combinations, so its score is the mean of the
    /// messages' scores plus the combinations' weights (equal up to float rounding).
    pub fn window_probability_of_scores(&self, window: &[MessageScore]) -> Option<f32> {
        if window.is_empty() {
            return None;
        }
        let cues = window.iter().fold(0u32, |acc, m| acc | m.cues);
        let adult = window.iter().any(|m| m.age.is_some_and(|a| a >= 18));
        let combos = features::window_combinations(&self.header.features, cues, adult);
        let count = window.iter().map(|m| usize::from(m.count)).sum::<usize>() + combos.len();
        if count < self.header.min_features {
            return None;
        }
        let mean =
            features::MEAN_GAIN * window.iter().map(|m| m.score).sum::<f32>() / window.len() as f32;
        let combined: f32 =
            combos.iter().map(|&i| self.weight(i)).sum::<f32>() * features::COMBINATION_VALUE;
        Some(sigmoid(
            self.header.bias + self.header.scale * (mean + combined),
        ))
    }

    /// A fingerprint of the weights: stored scores are only valid for the model that made them.
    pub fn fingerprint(&self) -> u32 {
        let mut h: u32 = 0x811c_9dc5;
        for &w in &self.weights {
            h = (h ^ u32::from(w as u8)).wrapping_mul(0x0100_0193);
        }
        h ^ self.header.scale.to_bits() ^ self.header.bias.to_bits().rotate_left(16)
    }

    /// The probability of a sparse feature vector: sigmoid(bias + scale · Σ weight × value).
    pub fn probability(&self, values: &[(u32, f32)]) -> f32 {
        let dot: f32 = values.iter().map(|&(i, x)| self.weight(i) * x).sum();
        sigmoid(self.header.bias + self.header.scale * dot)
    }

    /// The model's risk (0–100) for a probability: piecewise linear, so that each probability
    /// threshold of the sensitivity lands on the same level's risk threshold.
    pub fn risk(&self, probability: f32, sensitivity: Sensitivity) -> f32 {
        let t = self.header.thresholds.of(sensitivity);
        let r = crate::level::Thresholds::of(sensitivity);
        let knots = [
            (0.0f32, 0.0f32),
            (t.watch, f32::from(r.watch)),
            (t.warn, f32::from(r.warn)),
            (t.alert, f32::from(r.alert)),
            (1.0, 100.0),
        ];
        let p = probability.clamp(0.0, 1.0);
        for pair in knots.windows(2) {
            let ((p0, r0), (p1, r1)) = (pair[0], pair[1]);
            if p <= p1 {
                if p1 <= p0 {
                    return r1;
                }
                return r0 + (r1 - r0) * (p - p0) / (p1 - p0);
            }
        }
        100.0
    }
}

/// The logistic function.
pub fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Model {
        let t = ModelThresholds {
            watch: 0.3,
            warn: 0.5,
            alert: 0.8,
        };
        Model {
            header: ModelHeader {
                generator: "test".into(),
                seed: 1,
                data: vec![],
                features: FeatureSet {
                    bits: 4,
                    char_ngrams: false,
                },
                window: 3,
                min_features: 1,
                bias: -1.0,
                scale: 0.1,
                thresholds: ThresholdTable {
                    relaxed: t,
                    balanced: t,
                    strict: t,
                },
                dev: serde_json::Value::Null,
                fixtures: vec![],
            },
            weights: (0..16).map(|i| i as i8 - 8).collect(),
        }
    }

    #[test]
    fn weights_file_round_trips_and_rejects_damage() {
        let m = tiny();
        let bytes = m.to_bytes().unwrap();
        assert_eq!(Model::from_bytes(&bytes).unwrap(), m);
        assert!(Model::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        assert!(Model::from_bytes(b"nope").is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Model::from_bytes(&longer).is_err());
    }

    #[test]
    fn probability_is_the_weighted_sum() {
        let m = tiny();
        let p = m.probability(&[(15, 0.5), (14, 0.25)]);
        let z: f32 =
            -1.0 + 0.1 * (f32::from(m.weights[15]) * 0.5 + f32::from(m.weights[14]) * 0.25);
        assert!((p - sigmoid(z)).abs() < 1e-6);
    }

    #[test]
    fn stored_scores_rebuild_the_window_probability() {
        let m = tiny();
        let msgs = [
            MessageFeatures {
                ids: vec![1, 14, 15],
                cues: 0b101,
                age: None,
            },
            MessageFeatures {
                ids: vec![2, 15],
                cues: 0,
                age: Some(30),
            },
            MessageFeatures {
                ids: vec![15],
                cues: 0b10,
                age: None,
            },
        ];
        let from_ids = m.window_probability(&msgs);
        let scores: Vec<MessageScore> = msgs.iter().map(|f| m.message_score(f)).collect();
        let from_scores = m.window_probability_of_scores(&scores);
        match (from_ids, from_scores) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-5, "{a} vs {b}"),
            other => assert_eq!(other.0.is_some(), other.1.is_some()),
        }
    }

    #[test]
    fn repeating_one_message_does_not_raise_the_probability() {
        let m = tiny();
        let one = [MessageFeatures {
            ids: vec![14, 15],
            cues: 0,
            age: None,
        }];
        let many = vec![one[0].clone(); 20];
        let (a, b) = (m.window_probability(&one), m.window_probability(&many));
        if let (Some(a), Some(b)) = (a, b) {
            assert!((a - b).abs() < 1e-5, "{a} vs {b}");
        }
    }

    #[test]
    fn risk_maps_thresholds_onto_levels() {
        let m = tiny();
        let r = crate::level::Thresholds::of(Sensitivity::Balanced);
        assert_eq!(m.risk(0.5, Sensitivity::Balanced), f32::from(r.warn));
        assert_eq!(m.risk(0.8, Sensitivity::Balanced), f32::from(r.alert));
        assert_eq!(m.risk(1.0, Sensitivity::Balanced), 100.0);
        assert!(m.risk(0.1, Sensitivity::Balanced) < f32::from(r.watch));
    }
}
