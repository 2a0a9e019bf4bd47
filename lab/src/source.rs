//! Where a conversation comes from: the corpora of `../shared/data`, the sources the lab derives
//! from them, and the project's own sets. One name per source, here, instead of string literals
//! in every module.

use std::fmt;

/// A source of conversations, as named in the corpus files' `source` field and in reports.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// Perverted-Justice offender streams (`perverted-justice`).
    Offender,
    /// The decoys' side of the same chats (`perverted-justice-decoy`), as the child.
    Decoy,
    /// The decoys' lines scored as if the decoy were the contact (`pj-decoys-as-contact`): an
    /// era-matched hard negative.
    DecoyAsContact,
    /// Offender chats cut into PAN 2012-style segments (`pj-segments`, see [`crate::segments`]).
    OffenderSegments,
    /// BYU Chit-Chat (`chitchat`).
    ChitChat,
    /// Ubuntu IRC (`irc-ubuntu`).
    Irc,
    /// Ordinary PAN 2012 segments (`pan12-benign-segment`).
    Pan12Benign,
    /// The project's present-day tuning set (`modern-tune`).
    ModernTune,
    /// Any other name (the project's held-out sets, a user's files).
    Other(String),
}

/// The sources whose names this module knows, with those names.
const NAMED: &[(Source, &str)] = &[
    (Source::Offender, "perverted-justice"),
    (Source::Decoy, "perverted-justice-decoy"),
    (Source::DecoyAsContact, "pj-decoys-as-contact"),
    (Source::OffenderSegments, "pj-segments"),
    (Source::ChitChat, "chitchat"),
    (Source::Irc, "irc-ubuntu"),
    (Source::Pan12Benign, "pan12-benign-segment"),
    (Source::ModernTune, "modern-tune"),
];

impl Source {
    /// The source of a name.
    ///
    /// ```
    /// use safedm_lab::Source;
    /// assert_eq!(Source::from_name("chitchat"), Source::ChitChat);
    /// assert_eq!(Source::from_name("heldout-long").name(), "heldout-long");
    /// ```
    pub fn from_name(name: &str) -> Source {
        NAMED
            .iter()
            .find(|(_, n)| *n == name)
            .map_or_else(|| Source::Other(name.to_string()), |(s, _)| s.clone())
    }

    /// The name used in corpus files and reports.
    pub fn name(&self) -> &str {
        match self {
            Source::Other(name) => name,
            known => NAMED
                .iter()
                .find(|(s, _)| s == known)
                .map_or("", |(_, n)| n),
        }
    }

    /// Whether the trainer splits this source into train and dev (the shared corpora and what
    /// is derived from them), so `eval --split dev` keeps only its dev part.
    pub fn is_split(&self) -> bool {
        !matches!(self, Source::ModernTune | Source::Other(_))
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The group a conversation is split by: an offender's contact stream, its decoy stream
/// (`<offender id>-decoy-…`) and its segments (`<offender id>-segment-…`, see
/// [`crate::segments`]) share one, so one offender never lands on both sides.
///
/// ```
/// assert_eq!(safedm_lab::source::split_group("pj-a-decoy-x"), "pj-a");
/// ```
pub fn split_group(id: &str) -> &str {
    let cut = |marker: &str| id.find(marker).unwrap_or(id.len());
    &id[..cut("-decoy-").min(cut("-segment-"))]
}

/// Whether a conversation id falls in the dev split (one group in five, by a stable hash).
pub fn is_dev(id: &str) -> bool {
    safedm::model::features::fnv1a(&[b"split", split_group(id).as_bytes()]) % 5 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_source_round_trips() {
        for (source, name) in NAMED {
            assert_eq!(Source::from_name(name), *source);
            assert_eq!(source.name(), *name);
        }
    }

    #[test]
    fn split_groups_keep_an_offender_and_its_decoys_together() {
        assert_eq!(split_group("pj-abc-decoy-officer_abc"), "pj-abc");
        for i in 0..200 {
            let id = format!("pj-{i}");
            assert_eq!(is_dev(&id), is_dev(&format!("{id}-decoy-officer_x")));
            assert_eq!(is_dev(&id), is_dev(&format!("{id}-segment-3")));
        }
        let dev = (0..1000).filter(|i| is_dev(&format!("c{i}"))).count();
        assert!((150..250).contains(&dev), "{dev} of 1000 in dev");
    }
}
