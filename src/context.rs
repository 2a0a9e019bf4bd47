//! What the child's own side of a chat says about the contact.
//!
//! The contact's words alone cannot tell a grandmother asking whether the child is home alone and
//! for a photo of a school project from a stranger asking the same: the child's replies can. A
//! child who greets, thanks or answers the contact by a family name ("ok mum", "thanks grandma",
//! "oma, kommst du sonntag?") is talking to family, and the questions family asks every day
//! (age, home, school, photos, meeting up, surprises kept from someone) then weigh less in the
//! tracker ([`crate::conversation::tuning::FAMILY_FACTOR`]). What family does not do (sexual
//! talk, threats, another app, driving the child away from their people) keeps its full weight.
//!
//! Only a name used *to* the contact counts: "my mum is home" or "mum is calling" is about
//! someone else, and a child says that to a stranger as readily as to family. Measured on the
//! development chats (aggregates only): no grooming chat had such a line, one benign chat in
//! five that warned had one; none of the uncle, cousin or sibling forms that a groomer who poses
//! as family can ask to be called are on the list.
//!
//! ```
//! use safedm::context::ChildSide;
//! use safedm::normalize::normalize;
//!
//! let child_side = ChildSide::new().unwrap();
//! assert!(child_side.names_family(normalize("thanks grandma!! x").as_str()));
//! assert!(child_side.names_family(normalize("Oma, kommst du am Sonntag?").as_str()));
//! assert!(!child_side.names_family(normalize("my mum is home").as_str()));
//! assert!(!child_side.names_family(normalize("mum is calling brb").as_str()));
//! ```

use crate::cues::ascii_perl_classes;
use crate::error::{Error, ErrorKind};
use regex::Regex;

/// Family names a child calls a parent, grandparent or aunt by, in the five languages, as the
/// normaliser leaves them (lower case, no accents). Uncles, cousins and siblings are left out on
/// purpose (see the module doc), and so are forms an offender asks to be called.
const FAMILY_NAMES: &str = "mum|mom|mommy|mummy|mama|mam|dad|papa|grandma|granny|gran|nan|nana|\
     nanny|grandpa|grandad|granddad|auntie|aunty|aunt|mutti|mami|oma|opa|omi|opi|tante|abuela|\
     abuelo|abuelita|abuelito|yaya|tita|mamie|papy|papi|maman|tatie|tata";

/// Words a child greets, answers, thanks or leaves with, before or after the name.
const ADDRESS_WORDS: &str = "hi|hey|hiya|hello|hallo|hola|hoi|salut|coucou|ok|okay|oki|okk|kk|oke|vale|daccord|klar|yes|\
     yeah|yep|ja|si|oui|no|nee|nein|non|thanks|thank you|thx|tysm|danke|gracias|merci|bedankt|\
     dankje|dank je|dankjewel|love you|i love you|ich hab dich lieb|te quiero|je taime|hou van je|\
     bye|night|goodnight|gute nacht|buenas noches|bonne nuit|welterusten|see you|bis dann|\
     hasta luego|a plus|tot straks|tschuss|adios|doei|ciao|bisous|besos|kusjes|morning|guten morgen|buenos dias|bonjour|goedemorgen";

/// Words after the name that make it the subject of a sentence about someone else ("mum is
/// calling", "oma ruft an"), not a name said to the contact.
const SUBJECT_VERBS: &str = "s|is|was|said|says|wants|will|has|just|called|calling|came|went|ist|\
     war|hat|sagt|ruft|kommt|esta|dice|viene|ha|est|dit|arrive|a|zegt|komt|roept|heeft";

/// Reads the child's messages for how the child addresses the contact.
#[derive(Clone, Debug)]
pub struct ChildSide {
    family_address: Regex,
}

impl ChildSide {
    /// Compiles the patterns. Fails only if the source's own patterns are broken (a test builds
    /// them), so callers may treat the error as fatal.
    pub fn new() -> Result<ChildSide, Error> {
        let names = compact(FAMILY_NAMES);
        let words = compact(ADDRESS_WORDS);
        // "ok mum", "thanks grandma", "love you nana": an address word, then the name (one
        // followed by a verb is a subject, checked after the match: see `names_a_subject`).
        let after_word = format!(r"^[^a-z]*(?:{words})[\s,!.]+(?:{names})\b");
        // "mum, can you …", "oma!", "nana?": the name first, then a pause.
        let name_first = format!(r"^[^a-z]*(?:{names})\s*[,!?:]");
        // "see you sunday, nana", "ok thanks grandma x": the name last, after a pause or a word.
        let name_last = format!(r"(?:[,!]\s*|\b(?:{words})\s+)(?:{names})[^a-z]*(?:x+)?[^a-z]*$");
        // ASCII `\b` and `\s`, as in the cue rows (the regex crate's Unicode tables stay out).
        let pattern = ascii_perl_classes(&format!("{after_word}|{name_first}|{name_last}"));
        let family_address = Regex::new(&pattern)
            .map_err(|e| Error::new(ErrorKind::InvalidCueTable, e.to_string()))?;
        Ok(ChildSide { family_address })
    }

    /// Whether a child's normalised message addresses the contact by a family name.
    pub fn names_family(&self, normalized: &str) -> bool {
        self.family_address
            .find(normalized)
            .is_some_and(|m| !names_a_subject(&normalized[m.start()..]))
    }
}

/// The list constants are wrapped for reading; the pattern wants them on one line.
fn compact(list: &str) -> String {
    list.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("| ", "|")
}

/// "ok mum is calling": the name was followed by a verb, so it is someone the child talks about.
fn names_a_subject(from_match: &str) -> bool {
    let words: Vec<&str> = from_match
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let Some(at) = words
        .iter()
        .position(|w| FAMILY_NAMES.split('|').any(|n| n.trim() == *w))
    else {
        return false;
    };
    words
        .get(at + 1)
        .is_some_and(|next| SUBJECT_VERBS.split('|').any(|v| v.trim() == *next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;

    /// (child's message, addresses the contact as family)
    const CASES: &[(&str, bool)] = &[
        ("ok mum", true),
        ("thanks grandma!! x", true),
        ("love u nana", true),
        ("hi grandpa how are you", true),
        ("mum, can you pick me up at 6", true),
        ("see you sunday, nan", true),
        ("danke oma", true),
        ("Oma, kommst du am Sonntag?", true),
        ("gracias abuela!!", true),
        ("vale mamá, ya voy", true),
        ("hola tita", true),
        ("dank je oma", true),
        ("merci mamie", true),
        ("oui maman", true),
        // About someone else, or no name at all.
        ("my mum is home", false),
        ("mum is calling brb", false),
        ("ok mum is calling", false),
        ("gtg my dad is here", false),
        ("meine mama sagt nein", false),
        ("ok", false),
        ("lol same", false),
        ("who is this", false),
        ("my grandma gave me this", false),
        ("thanks bro", false),
        ("ok uncle", false),
        ("thanks babe", false),
        ("a lot of mamas were there", false),
        ("merci ma copine", false),
        ("maman a dit non", false),
    ];

    #[test]
    fn family_address_table() {
        let side = ChildSide::new().expect("patterns compile");
        for (text, expected) in CASES {
            let got = side.names_family(normalize(text).as_str());
            assert_eq!(got, *expected, "{text:?}");
        }
    }
}
