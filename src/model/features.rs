//! The model's features: hashed, era-neutral, computed from normalised text and cue hits.
//!
//! One contact message becomes a [`MessageFeatures`]: the hashed ids of its normalised words and
//! word pairs (after [`crate::normalize`], so `u`/`you` and `sn4p`/`snap` are one word), the cue
//! categories it carries, whether it asks a question, and the stated age bucket. A window of the
//! contact's recent messages becomes all of those ids plus window-level combinations (cue
//! category pairs, how many stages are present, a stated adult age). The stored conversation
//! state keeps neither text nor ids: only a [`MessageScore`] per message (a weight sum and a
//! count), from which the window's score is rebuilt exactly.

use crate::cues::{Category, CueHit};
use serde::{Deserialize, Serialize};

/// Most feature ids kept for one message (a pasted essay must not flood the window).
pub const MAX_PER_MESSAGE: usize = 400;

/// The features of one contact message. Holds no text.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MessageFeatures {
    /// Hashed feature ids, sorted and deduplicated.
    #[serde(rename = "f")]
    pub ids: Vec<u32>,
    /// Bit `i` set when the message carried a hit of `Category::ALL[i]`.
    #[serde(rename = "c", default)]
    pub cues: u32,
    /// Stated age of the writer, if any.
    #[serde(rename = "a", default, skip_serializing_if = "Option::is_none")]
    pub age: Option<u8>,
}

/// A message longer than this many words is read by the model in pieces (see [`pieces`]).
pub const LONG_MESSAGE_WORDS: usize = 24;

/// Words per piece of a long message: about one and a half chat lines of the corpora (offenders
/// write 5 words a line on average, chat-room users 10).
pub const PIECE_WORDS: usize = 8;

/// The parts of a message's original text that the model reads as separate messages.
///
/// The model learned from windows of chat lines. A text far longer than a line (a PAN 2012-style
/// segment, where a whole stretch of chat is one text, or a pasted paragraph) is cut into
/// consecutive pieces of [`PIECE_WORDS`] words, so that it fills the window the way the same
/// words sent as lines would, instead of being one outsized item that the model can tell apart
/// by its shape alone. Short messages are one piece: themselves.
pub fn pieces(text: &str) -> Vec<&str> {
    let mut starts = Vec::new();
    let mut in_word = false;
    for (i, c) in text.char_indices() {
        let space = c.is_whitespace();
        if !space && !in_word {
            starts.push(i);
        }
        in_word = !space;
    }
    if starts.len() <= LONG_MESSAGE_WORDS {
        return vec![text];
    }
    starts
        .chunks(PIECE_WORDS)
        .enumerate()
        .map(|(k, chunk)| {
            let from = chunk.first().copied().unwrap_or(0);
            let to = starts
                .get((k + 1) * PIECE_WORDS)
                .copied()
                .unwrap_or(text.len());
            text[from..to].trim_end()
        })
        .collect()
}

/// FNV-1a, 64 bit: stable across platforms and releases, so weights stay valid.
pub fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        // A separator so ("ab","c") and ("a","bc") differ.
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn id(bits: u32, parts: &[&[u8]]) -> u32 {
    (fnv1a(parts) & ((1u64 << bits) - 1)) as u32
}

/// Which feature families a model uses (recorded in the weights header).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeatureSet {
    /// log2 of the hashed feature space.
    pub bits: u32,
    /// Character 3–5-grams of the normalised words (measured, off by default: era-bound).
    #[serde(default)]
    pub char_ngrams: bool,
}

impl Default for FeatureSet {
    fn default() -> Self {
        FeatureSet {
            bits: 16,
            char_ngrams: false,
        }
    }
}

/// Words of normalised text: runs of letters and digits; digits become `#`, so a phone number,
/// a time or an age reads as its shape, not its value.
fn words(normalized: &str) -> Vec<String> {
    normalized
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.len() <= 24)
        .map(|w| {
            w.chars()
                .map(|c| if c.is_ascii_digit() { '#' } else { c })
                .collect()
        })
        .collect()
}

fn age_bucket(age: u8) -> &'static [u8] {
    match age {
        0..=12 => b"child",
        13..=17 => b"teen",
        18..=25 => b"young-adult",
        _ => b"adult",
    }
}

/// The features of one message's normalised text and its cue hits.
pub fn message(set: &FeatureSet, normalized: &str, hits: &[CueHit]) -> MessageFeatures {
    let bits = set.bits;
    let words = words(normalized);
    let mut ids = Vec::with_capacity(words.len() * 2 + 4);
    for (i, w) in words.iter().enumerate() {
        ids.push(id(bits, &[b"w", w.as_bytes()]));
        if let Some(next) = words.get(i + 1) {
            ids.push(id(bits, &[b"b", w.as_bytes(), next.as_bytes()]));
        }
        if set.char_ngrams {
            let padded: Vec<char> = format!(" {w} ").chars().collect();
            for n in 3..=5 {
                for g in padded.windows(n) {
                    let s: String = g.iter().collect();
                    ids.push(id(bits, &[b"g", s.as_bytes()]));
                }
            }
        }
    }
    if normalized.contains('?') {
        ids.push(id(bits, &[b"q"]));
    }
    let mut cues = 0u32;
    let mut age = None;
    for h in hits.iter().filter(|h| h.category.is_model_feature()) {
        if let Some(i) = Category::ALL.iter().position(|c| *c == h.category) {
            cues |= 1 << i;
            ids.push(id(bits, &[b"c", h.category.name().as_bytes()]));
        }
        if h.category == Category::AgeStatement && age.is_none() {
            age = h.age;
        }
    }
    if let Some(a) = age {
        ids.push(id(bits, &[b"age", age_bucket(a)]));
    }
    ids.sort_unstable();
    ids.dedup();
    ids.truncate(MAX_PER_MESSAGE);
    MessageFeatures { ids, cues, age }
}

/// What the stored conversation state keeps of one contact message for the model: the message's
/// score (its weights summed over its feature ids, over the square root of their count), the
/// count, its cue categories and stated age. Unlike the ids themselves (hashes of words, which a
/// dictionary could reverse), these numbers say nothing about the words.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MessageScore {
    /// Σ quantised weight over the message's ids, / √(id count).
    #[serde(rename = "s")]
    pub score: f32,
    /// How many feature ids the message had.
    #[serde(rename = "n")]
    pub count: u16,
    /// Bit `i` set when the message carried a hit of `Category::ALL[i]`.
    #[serde(rename = "c", default)]
    pub cues: u32,
    /// The age stated in the message, if any.
    #[serde(rename = "a", default, skip_serializing_if = "Option::is_none")]
    pub age: Option<u8>,
}

/// The value of each window-level combination feature in a window's vector.
pub const COMBINATION_VALUE: f32 = 0.5;

/// The mean of the messages' parts is scaled by this (about √ of the window length), so that a
/// full window of varied messages has a vector of about unit length, the scale SGD is tuned for.
pub const MEAN_GAIN: f32 = 4.0;

/// The window-level ids of a window whose messages carried the cue bits `cues`: category pairs,
/// how many stages are present, and a stated adult age.
pub fn window_combinations(set: &FeatureSet, cues: u32, adult: bool) -> Vec<u32> {
    let bits = set.bits;
    let mut ids = Vec::new();
    let present: Vec<Category> = Category::ALL
        .iter()
        .enumerate()
        .filter(|(i, c)| {
            cues & (1 << i) != 0 && **c != Category::AgeStatement && c.is_model_feature()
        })
        .map(|(_, c)| *c)
        .collect();
    for (i, a) in present.iter().enumerate() {
        for b in &present[i + 1..] {
            ids.push(id(bits, &[b"cc", a.name().as_bytes(), b.name().as_bytes()]));
        }
    }
    let mut stages: Vec<_> = present.iter().map(|c| c.stage()).collect();
    stages.sort();
    stages.dedup();
    let n = [b'0' + stages.len().min(6) as u8];
    ids.push(id(bits, &[b"stages", &n]));
    if adult {
        ids.push(id(bits, &[b"adult-in-window"]));
    }
    ids
}

/// A window as the model reads it: a sparse vector (sorted ids with values) and how many ids
/// went into it (the "enough text" test).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WindowVector {
    /// (feature id, value), sorted by id, ids distinct.
    pub values: Vec<(u32, f32)>,
    /// Feature ids counted, over all messages and combinations.
    pub count: usize,
}

/// The vector of a window of messages: the mean over its messages of each message's ids at
/// `1/√n` (so neither a long window nor one line repeated twenty times weighs more than a
/// short, varied one), plus the window-level combinations at [`COMBINATION_VALUE`]. Being a mean
/// of per-message parts, the engine can keep one [`MessageScore`] per message instead of ids.
pub fn window<'a>(
    set: &FeatureSet,
    messages: impl IntoIterator<Item = &'a MessageFeatures>,
) -> WindowVector {
    let messages: Vec<&MessageFeatures> = messages.into_iter().collect();
    if messages.is_empty() {
        return WindowVector::default();
    }
    let share = MEAN_GAIN / messages.len() as f32;
    let mut values: Vec<(u32, f32)> = Vec::new();
    let mut cues = 0u32;
    let mut adult = false;
    let mut count = 0usize;
    for m in &messages {
        count += m.ids.len();
        if !m.ids.is_empty() {
            let x = share / (m.ids.len() as f32).sqrt();
            values.extend(m.ids.iter().map(|&i| (i, x)));
        }
        cues |= m.cues;
        adult |= m.age.is_some_and(|a| a >= 18);
    }
    let combos = window_combinations(set, cues, adult);
    count += combos.len();
    values.extend(combos.into_iter().map(|i| (i, COMBINATION_VALUE)));
    values.sort_by_key(|v| v.0);
    let mut merged: Vec<(u32, f32)> = Vec::with_capacity(values.len());
    for (i, x) in values {
        match merged.last_mut() {
            Some(last) if last.0 == i => last.1 += x,
            _ => merged.push((i, x)),
        }
    }
    WindowVector {
        values: merged,
        count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashing_is_stable() {
        // Pinned: a change here invalidates every trained weights file.
        assert_eq!(fnv1a(&[b"w", b"hello"]), fnv1a(&[b"w", b"hello"]));
        assert_ne!(fnv1a(&[b"ab", b"c"]), fnv1a(&[b"a", b"bc"]));
        assert_eq!(fnv1a(&[]), 0xcbf2_9ce4_8422_2325);
    }

    #[test]
    fn long_texts_are_read_in_pieces_of_whole_words() {
        let short = "are your parents home tonight?";
        assert_eq!(pieces(short), vec![short]);
        let at_limit = "w ".repeat(LONG_MESSAGE_WORDS);
        assert_eq!(pieces(&at_limit).len(), 1);
        let long: String = (0..50).map(|i| format!("w{i}  ")).collect();
        let p = pieces(&long);
        assert_eq!(p.len(), 50usize.div_ceil(PIECE_WORDS));
        assert_eq!(p[0], "w0  w1  w2  w3  w4  w5  w6  w7");
        assert_eq!(p.last().copied(), Some("w48  w49"));
        // Nothing lost, nothing doubled, multi-byte text cut on char boundaries.
        let words: Vec<&str> = p.iter().flat_map(|x| x.split_whitespace()).collect();
        assert_eq!(words.len(), 50);
        let umlauts = "für über schön ".repeat(20);
        assert_eq!(pieces(&umlauts).join(" ").split_whitespace().count(), 60);
        assert!(pieces("").len() == 1 && pieces("   ").len() == 1);
    }

    #[test]
    fn message_features_are_sorted_unique_and_bounded() {
        let set = FeatureSet::default();
        let m = message(&set, "you you you are cool?", &[]);
        assert!(m.ids.windows(2).all(|w| w[0] < w[1]));
        assert!(m.ids.iter().all(|&i| i < 1 << set.bits));
        let long = "word ".repeat(5000) + &(0..3000).map(|i| format!("w{i} ")).collect::<String>();
        assert!(message(&set, &long, &[]).ids.len() <= MAX_PER_MESSAGE);
    }

    #[test]
    fn digits_read_as_their_shape() {
        let set = FeatureSet::default();
        assert_eq!(
            message(&set, "call 555 1234", &[]),
            message(&set, "call 123 9876", &[])
        );
    }

    #[test]
    fn window_adds_category_pairs() {
        let set = FeatureSet::default();
        let hit = |category| CueHit {
            category,
            weight: 1.0,
            start: 0,
            end: 0,
            age: None,
        };
        let a = message(&set, "x", &[hit(Category::Secrecy)]);
        let b = message(&set, "y", &[hit(Category::PrivateChannel)]);
        let pair = id(set.bits, &[b"cc", b"secrecy", b"private_channel"]);
        let pair2 = id(set.bits, &[b"cc", b"private_channel", b"secrecy"]);
        let has = |v: &WindowVector, i: u32| v.values.iter().any(|&(f, _)| f == i);
        let w = window(&set, [&a, &b]);
        assert!(has(&w, pair) || has(&w, pair2));
        assert!(!has(&window(&set, [&a]), pair));
    }
}
