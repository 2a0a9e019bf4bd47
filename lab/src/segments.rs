//! Offender chats cut into PAN 2012-style segments: the positive twin of
//! `pan12_benign_segments`.
//!
//! The PAN 2012 corpus (and the sets SafeDM is judged on) holds chat *segments*: a stretch of
//! a chat, both speakers' lines run together in one text, speakers not marked, median about 190
//! words. The corpora give such segments only for benign chats; the offender transcripts come as
//! separate streams of lines per speaker. Without positives of the same shape the model learns
//! "one long message is benign" and every scorer sees a grooming segment as one odd line (measured
//! before this module: 2.7% of such segments alerted, against 1.4% of the benign ones).
//!
//! [`SegmentBuilder`] collects an offender's stream and the decoys' streams of the same chats,
//! interleaves their lines by relative position (the upstream cleaning split each chat by speaker,
//! so the original order is lost; relative position is the closest honest guess) and cuts
//! [`SEGMENTS_PER_CHAT`] evenly spaced segments whose lengths in words follow a fixed cycle shaped
//! like the benign segments' spread. Everything is deterministic: same input, same segments.

use crate::corpus::Conversation;
use crate::source::{split_group, Source};
use safedm::message::{Message, Role};
use std::collections::BTreeMap;

/// How many segments are cut from one chat, evenly spread from its start to its end (grooming
/// builds up over a chat, so early segments read innocent and late ones do not).
pub const SEGMENTS_PER_CHAT: usize = 6;

/// Segment lengths in words, used in turn: roughly the 10th to 90th percentile of the PAN 2012
/// benign segments (about 75 to 500 words, median about 175), so that length tells nothing.
const LENGTHS: [usize; 9] = [70, 100, 130, 160, 180, 220, 280, 380, 500];

/// The id of segment `k` of conversation `id`; [`split_group`] maps it back to
/// `id`, so a chat's segments stay on its side of the split.
pub fn segment_id(id: &str, k: usize) -> String {
    format!("{id}-segment-{k}")
}

/// Collects offender and decoy streams as a corpus is read, then cuts their segments.
#[derive(Debug, Default)]
pub struct SegmentBuilder {
    offenders: BTreeMap<String, Vec<String>>,
    decoys: BTreeMap<String, Vec<Vec<String>>>,
}

impl SegmentBuilder {
    /// Keeps the lines of `c` if it is an offender stream or a decoy stream; ignores the rest.
    pub fn offer(&mut self, c: &Conversation) {
        let texts = || c.messages.iter().map(|m| m.text.clone()).collect();
        match c.source() {
            Source::Offender => {
                self.offenders.insert(c.id.clone(), texts());
            }
            Source::Decoy => {
                let group = split_group(&c.id).to_string();
                self.decoys.entry(group).or_default().push(texts());
            }
            _ => {}
        }
    }

    /// Whether any offender stream was seen.
    pub fn is_empty(&self) -> bool {
        self.offenders.is_empty()
    }

    /// The segments of every offender stream seen, in id order, labelled grooming, each one
    /// message of role `unknown`.
    pub fn finish(self) -> Vec<Conversation> {
        let mut out = Vec::new();
        for (id, lines) in &self.offenders {
            let empty = Vec::new();
            let decoys = self.decoys.get(id).unwrap_or(&empty);
            out.extend(segments(id, lines, decoys));
        }
        out
    }
}

/// The segments of one chat: the offender's `lines` and the decoys' streams `decoys`.
pub fn segments(id: &str, lines: &[String], decoys: &[Vec<String>]) -> Vec<Conversation> {
    // Interleave by relative position; ties keep the offender's line first.
    let streams = std::iter::once(lines).chain(decoys.iter().map(Vec::as_slice));
    let mut merged: Vec<(f64, usize, &str)> = Vec::new();
    for (rank, stream) in streams.enumerate() {
        let n = stream.len().max(1) as f64;
        for (i, t) in stream.iter().enumerate() {
            merged.push((i as f64 / n, rank, t.as_str()));
        }
    }
    merged.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let words: Vec<&str> = merged
        .iter()
        .flat_map(|(_, _, t)| t.split_whitespace())
        .collect();
    if words.is_empty() {
        return Vec::new();
    }
    let offset = safedm::model::features::fnv1a(&[b"segment", id.as_bytes()]) as usize;
    let mut spans: Vec<(usize, usize)> = (0..SEGMENTS_PER_CHAT)
        .map(|k| {
            let len = LENGTHS[(offset + k) % LENGTHS.len()].min(words.len());
            // Centre of segment k at (k + 0.5) / n of the chat, kept inside it.
            let centre = (2 * k + 1) * words.len() / (2 * SEGMENTS_PER_CHAT);
            (centre.saturating_sub(len / 2).min(words.len() - len), len)
        })
        .collect();
    // A chat shorter than a segment gives one segment, not copies of it.
    spans.dedup();
    spans
        .into_iter()
        .enumerate()
        .map(|(k, (start, len))| Conversation {
            id: segment_id(id, k),
            source: Some(Source::OffenderSegments.name().to_string()),
            label: Some("grooming".to_string()),
            messages: vec![Message::new(
                "0",
                Role::Unknown,
                words[start..start + len].join(" "),
            )],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conversation(id: &str, source: &str, role: Role, lines: &[&str]) -> Conversation {
        Conversation {
            id: id.to_string(),
            source: Some(source.to_string()),
            label: Some("grooming".to_string()),
            messages: lines
                .iter()
                .enumerate()
                .map(|(i, t)| Message::new(i.to_string(), role, *t))
                .collect(),
        }
    }

    #[test]
    fn segments_interleave_both_sides_and_keep_the_split_group() {
        let offender: Vec<String> = (0..200).map(|i| format!("contact{i} says hi")).collect();
        let decoy: Vec<String> = (0..100).map(|i| format!("decoy{i}")).collect();
        let mut b = SegmentBuilder::default();
        let refs: Vec<&str> = offender.iter().map(String::as_str).collect();
        b.offer(&conversation(
            "pj-x",
            Source::Offender.name(),
            Role::Contact,
            &refs,
        ));
        let refs: Vec<&str> = decoy.iter().map(String::as_str).collect();
        b.offer(&conversation(
            "pj-x-decoy-y",
            Source::Decoy.name(),
            Role::Child,
            &refs,
        ));
        b.offer(&conversation(
            "chat-1",
            "chitchat",
            Role::Contact,
            &["hello"],
        ));
        let segs = b.finish();
        assert_eq!(segs.len(), SEGMENTS_PER_CHAT);
        for (k, s) in segs.iter().enumerate() {
            assert_eq!(s.id, segment_id("pj-x", k));
            assert_eq!(split_group(&s.id), "pj-x");
            assert_eq!(s.messages.len(), 1);
            assert_eq!(s.messages[0].role, Role::Unknown);
            let text = &s.messages[0].text;
            let n = text.split_whitespace().count();
            assert!(LENGTHS.contains(&n), "segment {k} has {n} words");
            assert!(text.contains("contact") && text.contains("decoy"), "{text}");
        }
        // Spread over the chat: the first segment starts early, the last ends late.
        assert!(segs[0].messages[0].text.contains("contact0 "));
        assert!(segs[SEGMENTS_PER_CHAT - 1].messages[0]
            .text
            .contains("contact199"));
    }

    #[test]
    fn a_short_chat_gives_one_whole_chat_segment_and_an_empty_one_none() {
        let segs = segments("pj-short", &["one two".to_string()], &[]);
        assert_eq!(segs.len(), 1);
        assert_eq!(segs[0].messages[0].text, "one two");
        assert!(segments("pj-empty", &[String::new()], &[]).is_empty());
        assert!(SegmentBuilder::default().is_empty());
    }

    #[test]
    fn segments_are_deterministic() {
        let lines: Vec<String> = (0..500).map(|i| format!("w{i}")).collect();
        assert_eq!(segments("pj-a", &lines, &[]), segments("pj-a", &lines, &[]));
    }
}
