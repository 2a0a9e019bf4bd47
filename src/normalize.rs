//! Turns chat text into a plain form that the cue tables and the model can match, while keeping a
//! map back to the original so that evidence points at what the user actually saw.
//!
//! The steps, in order (each one is a reason a pattern would otherwise miss):
//!
//! 1. Per character: apostrophes dropped (`don't` → `dont`), zero-width and bidi controls dropped,
//!    emoji mapped to words (🤫 → ` secret `), NFKD with combining marks removed (fullwidth and
//!    maths letters become ASCII, `está` → `esta`), homoglyphs of other scripts folded to their
//!    Latin look-alike (Cyrillic `а` → `a`, per Unicode TS #39), lower case, `ß` → `ss`. All but
//!    the lower case come from tables generated from the Unicode crates
//!    (`examples/gen_unicode_tables.rs`, `src/unicode_tables.rs`), which keeps them out of the
//!    WebAssembly.
//! 2. Letters split by spaces, dots or dashes are joined (`s.n.a.p`, `s n a p` → `snap`).
//! 3. Runs of three or more of the same letter collapse to one (`pleeease` → `please`).
//! 4. Per word: leetspeak inside words (`sn4p`, `p@rents`, `d0nt`) and common chat
//!    abbreviations (`u` → `you`, `ur` → `your`, `wud` → `would`).
//! 5. White space runs become one space.

use crate::unicode_tables::{
    DROP, MAP_BLOCK, MAP_BLOCK_STARTS, MAP_KEYS_BMP, MAP_KEYS_SUPP, MAP_LENS, MAP_TEXT,
};
use std::ops::Range;

/// Normalised text with, for every byte, the byte range of the original text it came from.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Normalized {
    text: String,
    origin: Vec<(u32, u32)>,
}

impl Normalized {
    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Maps a byte range of the normalised text back to the smallest byte range of the original
    /// text that covers it. Out-of-range input is clamped, so it never panics.
    pub fn original_span(&self, range: Range<usize>) -> Range<usize> {
        let end = range.end.min(self.origin.len());
        let start = range.start.min(end);
        if start == end {
            let at = self
                .origin
                .get(start)
                .map(|o| o.0)
                .or_else(|| self.origin.last().map(|o| o.1))
                .unwrap_or(0) as usize;
            return at..at;
        }
        let slice = &self.origin[start..end];
        let lo = slice.iter().map(|o| o.0).min().unwrap_or(0) as usize;
        let hi = slice.iter().map(|o| o.1).max().unwrap_or(0) as usize;
        lo..hi
    }
}

/// One output character and the original byte range it came from.
#[derive(Clone, Copy, Debug)]
struct Unit {
    ch: char,
    start: u32,
    end: u32,
}

/// Emoji that carry meaning in grooming conversations, mapped to the word the cue tables use.
/// Any other emoji becomes a space.
const EMOJI_WORDS: &[(char, &str)] = &[
    ('🤫', "secret"),
    ('🤐', "secret"),
    ('🔒', "secret"),
    ('🙊', "secret"),
    ('📸', "photo"),
    ('📷', "photo"),
    ('🤳', "selfie"),
    ('📹', "camera"),
    ('🎥', "camera"),
    ('👻', "snapchat"),
    ('📱', "phone"),
    ('🎁', "gift"),
    ('💰', "money"),
    ('💵', "money"),
    ('💸', "money"),
    ('💶', "money"),
    ('💷', "money"),
    ('🚗', "car"),
    ('🏠', "home"),
    ('🏡', "home"),
    ('😘', "kiss"),
    ('💋', "kiss"),
    ('😍', "love"),
    ('🥰', "love"),
    ('❤', "love"),
    ('💕', "love"),
    ('💖', "love"),
    ('😈', "naughty"),
    ('🍆', "sexual"),
    ('🍑', "sexual"),
    ('💦', "sexual"),
    ('👙', "bikini"),
    ('🛏', "bed"),
    ('🚿', "shower"),
    ('🔞', "adult"),
];

/// Chat abbreviations expanded to the words the cue tables and the model use. Keys are whole
/// normalised words; the list is sorted for binary search (checked by a test).
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("2day", "today"),
    ("2moro", "tomorrow"),
    ("2morrow", "tomorrow"),
    ("2nite", "tonight"),
    ("2u", "to you"),
    ("4ever", "forever"),
    ("4u", "for you"),
    ("addy", "address"),
    ("any1", "anyone"),
    ("b4", "before"),
    ("bby", "baby"),
    ("bc", "because"),
    ("bday", "birthday"),
    ("bf", "boyfriend"),
    ("coz", "because"),
    ("cud", "could"),
    ("cuz", "because"),
    ("every1", "everyone"),
    ("fone", "phone"),
    ("gf", "girlfriend"),
    ("gr8", "great"),
    ("h8", "hate"),
    ("ill", "i will"),
    ("ily", "i love you"),
    ("im", "i am"),
    ("ive", "i have"),
    ("l8r", "later"),
    ("luv", "love"),
    ("m8", "mate"),
    ("msg", "message"),
    ("ne1", "anyone"),
    ("no1", "no one"),
    ("pic", "picture"),
    ("picc", "picture"),
    ("piccy", "picture"),
    ("pics", "pictures"),
    ("pix", "pictures"),
    ("pls", "please"),
    ("plz", "please"),
    ("ppl", "people"),
    ("r", "are"),
    ("rn", "right now"),
    ("shud", "should"),
    ("skl", "school"),
    ("skool", "school"),
    ("some1", "someone"),
    ("sry", "sorry"),
    ("tmr", "tomorrow"),
    ("tmrw", "tomorrow"),
    ("tonite", "tonight"),
    ("txt", "text"),
    ("u", "you"),
    ("ur", "your"),
    ("urself", "yourself"),
    ("wat", "what"),
    ("wen", "when"),
    ("wer", "where"),
    ("wud", "would"),
    ("wuld", "would"),
    ("wut", "what"),
    ("ya", "you"),
    ("yr", "year"),
    ("yrs", "years"),
    ("yu", "you"),
];

/// Letters so common as one-letter words in chat (`u r a`, `i c u`) that a space-separated run made
/// only of them is left alone rather than joined into a word.
const ONE_LETTER_WORDS: &str = "aiurycbnkoe";

/// Normalises `original`. Never fails; runs in time linear in the input.
pub fn normalize(original: &str) -> Normalized {
    let mut out = Normalized::default();
    normalize_into(original, &mut out);
    out
}

/// [`normalize`] into `out`, reusing its buffers: a caller that keeps one [`Normalized`] per
/// thread allocates nothing per message on the ASCII fast path.
///
/// Most chat lines are ASCII and need no step but lower case, white space and the abbreviations:
/// [`ascii_fast_path`] does those in one pass over the bytes and hands anything else (non-ASCII
/// bytes, split letters, repeated letters, leetspeak) to the general path, which gives the same
/// output (a property test holds the two equal).
pub fn normalize_into(original: &str, out: &mut Normalized) {
    out.text.clear();
    out.origin.clear();
    if original.is_ascii() && ascii_fast_path(original, out) {
        return;
    }
    out.text.clear();
    out.origin.clear();
    general_into(original, out);
}

/// [`normalize`] by the general path alone (every step, per character), for the tests and
/// benches that compare it with the ASCII fast path.
#[doc(hidden)]
pub fn normalize_general(original: &str) -> Normalized {
    let mut out = Normalized::default();
    general_into(original, &mut out);
    out
}

fn general_into(original: &str, out: &mut Normalized) {
    let units = map_chars(original);
    let units = join_split_letters(units);
    let units = collapse_repeats(units);
    let units = rewrite_words(units);
    let units = squeeze_spaces(units);
    out.text.reserve(units.len());
    out.origin.reserve(units.len());
    for u in units {
        out.text.push(u.ch);
        for _ in 0..u.ch.len_utf8() {
            out.origin.push((u.start, u.end));
        }
    }
}

std::thread_local! {
    /// Step 1's output on the fast path (bytes, and the original byte each came from), kept per
    /// thread so that a message allocates nothing once the buffers have grown.
    static STEP_ONE: std::cell::RefCell<(Vec<u8>, Vec<u32>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

/// Steps 1-5 for ASCII `original`, into the empty `out`; `false` (and `out` half-written) when
/// the text needs a step this path does not do: letters to join (step 2), a run of three of the
/// same letter (step 3), or a word mixing letters with digits or symbols (leetspeak, step 4).
/// What it does is what the general path does for such text: ASCII is its own decomposition, so
/// step 1 is lower case, white space to a space, controls and apostrophes dropped, every byte
/// one unit with its own origin; steps 2 and 3 change nothing; step 4 only expands the
/// abbreviations among the all-letter words (all-digit words stay as they are).
fn ascii_fast_path(original: &str, out: &mut Normalized) -> bool {
    STEP_ONE.with(|cell| {
        let Ok(mut scratch) = cell.try_borrow_mut() else {
            return false;
        };
        let (bytes, from) = &mut *scratch;
        bytes.clear();
        from.clear();
        for (i, &b) in original.as_bytes().iter().enumerate() {
            let c = match b {
                b'\'' | b'`' => continue,
                b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' => b' ',
                _ if b.is_ascii_control() => continue,
                _ => b.to_ascii_lowercase(),
            };
            bytes.push(c);
            from.push(i as u32);
        }
        if needs_join_or_collapse(bytes) {
            return false;
        }
        let n = bytes.len();
        let mut i = 0;
        while i < n {
            let b = bytes[i];
            if !is_leet_word_byte(b) {
                push_squeezed(out, b, from[i], from[i] + 1);
                i += 1;
                continue;
            }
            let mut j = i;
            while j < n && is_leet_word_byte(bytes[j]) {
                j += 1;
            }
            let word = &bytes[i..j];
            if let (Some(first), Some(last)) = (
                word.iter().position(u8::is_ascii_alphanumeric),
                word.iter().rposition(u8::is_ascii_alphanumeric),
            ) {
                let core = &word[first..=last];
                let expanded = if core.iter().all(u8::is_ascii_alphabetic) {
                    std::str::from_utf8(core).ok().and_then(abbreviation)
                } else if core.iter().all(u8::is_ascii_digit) {
                    None
                } else {
                    return false;
                };
                if let Some(text) = expanded {
                    for k in i..i + first {
                        push_squeezed(out, bytes[k], from[k], from[k] + 1);
                    }
                    let (start, end) = (from[i + first], from[i + last] + 1);
                    for &e in text.as_bytes() {
                        push_squeezed(out, e, start, end);
                    }
                    for k in i + last + 1..j {
                        push_squeezed(out, bytes[k], from[k], from[k] + 1);
                    }
                    i = j;
                    continue;
                }
            }
            for k in i..j {
                push_squeezed(out, bytes[k], from[k], from[k] + 1);
            }
            i = j;
        }
        if out.text.ends_with(' ') {
            out.text.pop();
            out.origin.pop();
        }
        true
    })
}

/// Step 5 as the fast path writes: a space only after something that is not a space.
fn push_squeezed(out: &mut Normalized, b: u8, start: u32, end: u32) {
    if b == b' ' && out.text.as_bytes().last().is_none_or(|&p| p == b' ') {
        return;
    }
    out.text.push(char::from(b));
    out.origin.push((start, end));
}

fn is_leet_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'@' | b'$' | b'!' | b'|')
}

/// Whether step 2 would join letters or step 3 collapse a run in ASCII step-1 output `bytes`:
/// the tests of [`join_split_letters`] and [`collapse_repeats`], byte by byte.
fn needs_join_or_collapse(bytes: &[u8]) -> bool {
    let n = bytes.len();
    if bytes
        .windows(3)
        .any(|w| w[0] == w[1] && w[1] == w[2] && w[0].is_ascii_alphabetic())
    {
        return true;
    }
    let word = |i: usize| bytes[i].is_ascii_alphanumeric();
    let single_at = |i: usize| -> bool {
        i < n && word(i) && (i == 0 || !word(i - 1)) && (i + 1 >= n || !word(i + 1))
    };
    for i in 0..n {
        if !(single_at(i) && i + 2 < n && is_join_separator(char::from(bytes[i + 1]))) {
            continue;
        }
        let sep = bytes[i + 1];
        let (mut count, mut alphabetic, mut all_common) = (1, 0, true);
        let mut note = |k: usize| {
            alphabetic += usize::from(bytes[k].is_ascii_alphabetic());
            all_common &= ONE_LETTER_WORDS.as_bytes().contains(&bytes[k]);
        };
        note(i);
        let mut j = i;
        while j + 2 < n && bytes[j + 1] == sep && single_at(j + 2) {
            j += 2;
            count += 1;
            note(j);
        }
        if count >= 3 && alphabetic >= 2 && sep != b',' && !(sep == b' ' && all_common) {
            return true;
        }
    }
    false
}

fn push_str(out: &mut Vec<Unit>, s: &str, start: u32, end: u32) {
    out.extend(s.chars().map(|ch| Unit { ch, start, end }));
}

fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{2018}' | '`' | '\u{02BC}' | '\u{00B4}'
    )
}

fn emoji_word(c: char) -> Option<&'static str> {
    EMOJI_WORDS.iter().find(|(e, _)| *e == c).map(|(_, w)| *w)
}

fn is_pictograph(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF)
}

/// Step 1: per-character mapping.
fn map_chars(original: &str) -> Vec<Unit> {
    let mut out = Vec::with_capacity(original.len());
    for (i, c) in original.char_indices() {
        let start = i as u32;
        let end = (i + c.len_utf8()) as u32;
        if is_apostrophe(c) {
            continue;
        }
        if let Some(word) = emoji_word(c) {
            push_str(&mut out, " ", start, end);
            push_str(&mut out, word, start, end);
            push_str(&mut out, " ", start, end);
            continue;
        }
        if c.is_whitespace() {
            out.push(Unit {
                ch: ' ',
                start,
                end,
            });
            continue;
        }
        if c.is_ascii() {
            // ASCII control characters are dropped; the rest are their own decomposition.
            if !c.is_ascii_control() {
                out.push(Unit {
                    ch: c.to_ascii_lowercase(),
                    start,
                    end,
                });
            }
            continue;
        }
        // Format and control characters (zero-width joiners, bidi overrides, soft hyphens, BOM),
        // combining marks, and what decomposes to nothing but those.
        if is_dropped(c) {
            continue;
        }
        if is_pictograph(c) {
            out.push(Unit {
                ch: ' ',
                start,
                end,
            });
            continue;
        }
        if let Some(jamo) = hangul_jamo(c) {
            for j in jamo.into_iter().flatten() {
                fold(j, &mut out, start, end);
            }
            continue;
        }
        fold(c, &mut out, start, end);
    }
    out
}

/// Whether the generated tables drop `c` in step 1.
fn is_dropped(c: char) -> bool {
    DROP.binary_search_by(|&(lo, hi)| {
        if hi < c {
            std::cmp::Ordering::Less
        } else if lo > c {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    })
    .is_ok()
}

/// Step 1 for a non-ASCII character that is kept: its compatibility decomposition without marks,
/// with `ß` → `ss` and homoglyphs folded to the ASCII letters Unicode's confusables table gives
/// (Cyrillic `о` → `o`), from the generated table; any other letter (Greek words, CJK) is only
/// lower-cased, and anything else stays as it is.
fn fold(c: char, out: &mut Vec<Unit>, start: u32, end: u32) {
    if let Some(text) = mapped(c) {
        push_str(out, text, start, end);
    } else if c.is_alphabetic() {
        for l in c.to_lowercase() {
            out.push(Unit { ch: l, start, end });
        }
    } else {
        out.push(Unit { ch: c, start, end });
    }
}

/// The generated table's text for `c`, if it has an entry.
fn mapped(c: char) -> Option<&'static str> {
    let i = match u16::try_from(c as u32) {
        Ok(bmp) => MAP_KEYS_BMP.binary_search(&bmp).ok()?,
        Err(_) => MAP_KEYS_BMP.len() + MAP_KEYS_SUPP.binary_search(&(c as u32)).ok()?,
    };
    let block = i / MAP_BLOCK;
    let before: usize = MAP_LENS
        .get(block * MAP_BLOCK..i)?
        .iter()
        .map(|&l| l as usize)
        .sum();
    let from = *MAP_BLOCK_STARTS.get(block)? as usize + before;
    let to = from + *MAP_LENS.get(i)? as usize;
    MAP_TEXT.get(from..to)
}

/// The canonical decomposition of a Hangul syllable into its two or three jamo (Unicode §3.12),
/// computed rather than tabled.
fn hangul_jamo(c: char) -> Option<[Option<char>; 3]> {
    let s = (c as u32).checked_sub(0xAC00).filter(|&s| s < 11172)?;
    let l = char::from_u32(0x1100 + s / 588);
    let v = char::from_u32(0x1161 + (s % 588) / 28);
    let t = match s % 28 {
        0 => None,
        t => char::from_u32(0x11A7 + t),
    };
    Some([l, v, t])
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

fn is_join_separator(c: char) -> bool {
    matches!(c, ' ' | '.' | '-' | '_' | '*' | '/' | '|' | ',')
}

/// Step 2: joins runs like `s n a p`, `s.n.a.p` or `a/s/l` into one word. A run is at least three
/// single-character words with the same separator between them; a space-separated run made only
/// of common one-letter words (`u r a`) is left alone. A one-letter word right before a spaced
/// word joins it (`a s e l f i e` → `aselfie`): without a dictionary the two cannot be told apart.
fn join_split_letters(units: Vec<Unit>) -> Vec<Unit> {
    let n = units.len();
    let single_at = |i: usize| -> bool {
        i < n
            && is_word_char(units[i].ch)
            && (i == 0 || !is_word_char(units[i - 1].ch))
            && (i + 1 >= n || !is_word_char(units[i + 1].ch))
    };
    let mut out = Vec::with_capacity(n);
    let mut i = 0;
    while i < n {
        if single_at(i) && i + 2 < n && is_join_separator(units[i + 1].ch) {
            let sep = units[i + 1].ch;
            let mut letters = vec![i];
            let mut j = i;
            while j + 2 < n && units[j + 1].ch == sep && single_at(j + 2) {
                j += 2;
                letters.push(j);
            }
            let alphabetic = letters
                .iter()
                .filter(|&&k| units[k].ch.is_alphabetic())
                .count();
            let all_common = letters
                .iter()
                .all(|&k| ONE_LETTER_WORDS.contains(units[k].ch));
            let joins =
                letters.len() >= 3 && alphabetic >= 2 && sep != ',' && !(sep == ' ' && all_common);
            if joins {
                let start = units[i].start;
                let end = units[j].end;
                out.extend(letters.iter().map(|&k| Unit {
                    ch: units[k].ch,
                    start,
                    end,
                }));
                i = j + 1;
                continue;
            }
        }
        out.push(units[i]);
        i += 1;
    }
    out
}

/// Step 3: runs of three or more of the same letter become one (`heyyy` → `hey`). Digits are kept.
fn collapse_repeats(units: Vec<Unit>) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::with_capacity(units.len());
    let mut i = 0;
    while i < units.len() {
        let c = units[i].ch;
        let mut j = i;
        while j < units.len() && units[j].ch == c {
            j += 1;
        }
        let run = j - i;
        if run >= 3 && c.is_alphabetic() {
            out.push(Unit {
                ch: c,
                start: units[i].start,
                end: units[j - 1].end,
            });
        } else {
            out.extend_from_slice(&units[i..j]);
        }
        i = j;
    }
    out
}

fn leet_letter(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' => 'i',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '7' => 't',
        '9' => 'g',
        '@' => 'a',
        '$' => 's',
        '!' => 'i',
        '|' => 'l',
        _ => return None,
    })
}

/// A character that may be part of a word for leetspeak purposes.
fn is_leet_word_char(c: char) -> bool {
    is_word_char(c) || matches!(c, '@' | '$' | '!' | '|')
}

/// Step 4: per word, leetspeak letters inside words and chat abbreviations.
fn rewrite_words(units: Vec<Unit>) -> Vec<Unit> {
    let mut out = Vec::with_capacity(units.len());
    let mut i = 0;
    let n = units.len();
    while i < n {
        if !is_leet_word_char(units[i].ch) {
            out.push(units[i]);
            i += 1;
            continue;
        }
        let mut j = i;
        while j < n && is_leet_word_char(units[j].ch) {
            j += 1;
        }
        rewrite_word(&units[i..j], &mut out);
        i = j;
    }
    out
}

fn rewrite_word(word: &[Unit], out: &mut Vec<Unit>) {
    // Symbols at the edges are punctuation (`hi!`, `@name`, `$5`), not leetspeak: emit them as is.
    let first = word.iter().position(|u| is_word_char(u.ch));
    let Some(first) = first else {
        out.extend_from_slice(word);
        return;
    };
    let last = word
        .iter()
        .rposition(|u| is_word_char(u.ch))
        .unwrap_or(first);
    out.extend_from_slice(&word[..first]);
    let core = &word[first..=last];
    let mut chars: Vec<char> = core.iter().map(|u| u.ch).collect();
    let raw: String = chars.iter().collect();
    let replacement = if let Some(expanded) = abbreviation(&raw) {
        Some(expanded.to_string())
    } else {
        // Leetspeak only where a digit or symbol sits between letters (`sn4p`, `p@rents`), so
        // that ages and times (`13`, `14f`, `m14`, `10pm`) stay as they are.
        let mut changed = false;
        for k in 1..chars.len().saturating_sub(1) {
            if let Some(l) = leet_letter(chars[k]) {
                let before = chars[..k].iter().rev().find(|c| leet_letter(**c).is_none());
                let after = chars[k + 1..].iter().find(|c| leet_letter(**c).is_none());
                if before.is_some_and(|c| c.is_alphabetic())
                    && after.is_some_and(|c| c.is_alphabetic())
                {
                    chars[k] = l;
                    changed = true;
                }
            }
        }
        // A word that starts with leet digits (`0ld`, `4ge`) is rewritten too, unless it reads as
        // a number with a unit or an ordinal (`3rd`, `5pm`, `13yo`).
        let letters = chars.iter().filter(|c| c.is_alphabetic()).count();
        let leading = chars
            .iter()
            .take_while(|c| leet_letter(**c).is_some())
            .count();
        let rest: String = chars[leading..].iter().collect();
        let starts_with_leet = leading > 0
            && leading < letters
            && chars[leading..].iter().all(|c| c.is_alphabetic())
            && !NUMBER_SUFFIXES.contains(&rest.as_str());
        if starts_with_leet {
            for c in chars.iter_mut().take(leading) {
                if let Some(l) = leet_letter(*c) {
                    *c = l;
                }
            }
            changed = true;
        }
        if changed {
            let fixed: String = chars.iter().collect();
            Some(abbreviation(&fixed).map(str::to_string).unwrap_or(fixed))
        } else {
            None
        }
    };
    match replacement {
        Some(text) => {
            let start = core[0].start;
            let end = core[core.len() - 1].end;
            push_str(out, &text, start, end);
        }
        None => out.extend_from_slice(core),
    }
    out.extend_from_slice(&word[last + 1..]);
}

fn abbreviation(word: &str) -> Option<&'static str> {
    ABBREVIATIONS
        .binary_search_by(|(k, _)| (*k).cmp(word))
        .ok()
        .map(|i| ABBREVIATIONS[i].1)
}

/// Suffixes that make a leading number a quantity, time or ordinal rather than leetspeak.
const NUMBER_SUFFIXES: &[&str] = &[
    "st", "nd", "rd", "th", "am", "pm", "yo", "yr", "yrs", "hr", "hrs", "min", "mins", "km", "kg",
    "cm", "mm", "ft", "lbs", "gb", "mb", "px", "fps", "ish", "ys",
];

/// Step 5: one space for any run of white space.
fn squeeze_spaces(units: Vec<Unit>) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::with_capacity(units.len());
    for u in units {
        if u.ch == ' ' && out.last().is_none_or(|p| p.ch == ' ') {
            continue;
        }
        out.push(u);
    }
    if out.last().is_some_and(|u| u.ch == ' ') {
        out.pop();
    }
    out
}

/// The generator of `src/unicode_tables.rs`, for the test that the committed file is current.
#[cfg(test)]
#[allow(dead_code)]
#[path = "../lab/examples/gen_unicode_tables.rs"]
mod generator;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unicode_tables_are_what_the_generator_writes() {
        // On failure: `make unicode-tables`, then review and commit src/unicode_tables.rs.
        assert!(
            generator::generate() == include_str!("unicode_tables.rs"),
            "src/unicode_tables.rs is stale: run `make unicode-tables`"
        );
    }

    /// Every Unicode scalar value maps as it did when the Unicode crates ran at run time.
    #[test]
    fn every_character_maps_as_the_unicode_crates_say() {
        for c in ('\0'..=char::MAX).filter(|&c| !is_apostrophe(c) && emoji_word(c).is_none()) {
            let got: String = map_chars(c.encode_utf8(&mut [0; 4]))
                .iter()
                .map(|u| u.ch)
                .collect();
            assert_eq!(got, generator::reference(c), "U+{:04X}", c as u32);
            assert_eq!(is_pictograph(c), generator::is_pictograph(c));
        }
    }

    fn norm(s: &str) -> String {
        normalize(s).as_str().to_string()
    }

    #[test]
    fn abbreviation_table_is_sorted_for_binary_search() {
        for pair in ABBREVIATIONS.windows(2) {
            assert!(
                pair[0].0 < pair[1].0,
                "{:?} before {:?}",
                pair[0].0,
                pair[1].0
            );
        }
    }

    /// Table of (input, expected normalised form).
    #[test]
    fn normalises_evasions() {
        let cases = [
            ("Add me on SNAP", "add me on snap"),
            ("add me on sn4p", "add me on snap"),
            ("s.n.a.p me", "snap me"),
            ("s n a p me", "snap me"),
            ("are ur p@rents home", "are your parents home"),
            ("d0nt tell", "dont tell"),
            ("don't tell", "dont tell"),
            ("don’t tell", "dont tell"),
            ("ѕnар", "snap"),             // Cyrillic ѕ, а, р
            ("ｓｎａｐ", "snap"),         // fullwidth
            ("𝐬𝐞𝐜𝐫𝐞𝐭", "secret"),         // mathematical bold
            ("sec\u{200B}ret", "secret"), // zero-width space
            ("se\u{202E}cret", "secret"), // bidi override
            ("pleeeease", "please"),
            ("sooo cute", "so cute"),
            ("u r so mature", "you are so mature"),
            ("wud u", "would you"),
            ("a/s/l?", "asl?"),
            ("our secret 🤫", "our secret secret"),
            ("send a 📸", "send a photo"),
            ("im 13", "i am 13"),
            ("14 f uk", "14 f uk"),
            ("at 10pm", "at 10pm"),
            ("¿Cuántos años tienes?", "¿cuantos anos tienes?"),
            ("Weißt du", "weisst du"),
            ("   spaced\n\tout  ", "spaced out"),
            ("hi! @mike $5", "hi! @mike $5"),
        ];
        for (input, expected) in cases {
            assert_eq!(norm(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn common_one_letter_words_are_not_joined() {
        assert_eq!(norm("i c u"), "i c you");
        assert_eq!(norm("u r a star"), "you are a star");
    }

    #[test]
    fn spans_point_back_at_the_original() {
        let original = "pls add me on s.n.a.p 👻 ok";
        let n = normalize(original);
        let at = n.as_str().find("snap").unwrap();
        let span = n.original_span(at..at + 4);
        assert_eq!(&original[span], "s.n.a.p");
        let ghost = n.as_str().find("snapchat").unwrap();
        let span = n.original_span(ghost..ghost + "snapchat".len());
        assert_eq!(&original[span], "👻");
        let please = n.original_span(0..6);
        assert_eq!(&original[please], "pls");
    }

    #[test]
    fn spans_of_homoglyphs_cover_the_multibyte_original() {
        let original = "ѕnар now";
        let n = normalize(original);
        assert_eq!(&original[n.original_span(0..4)], "ѕnар");
    }

    /// Chat-like ASCII: words, abbreviations, leetspeak, split and repeated letters, every
    /// separator, apostrophes, controls and white space of every kind.
    fn chatty_ascii() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            proptest::sample::select(ABBREVIATIONS.iter().map(|(k, _)| *k).collect::<Vec<_>>())
                .prop_map(String::from),
            "[a-z]{1,8}",
            "[A-Za-z0-9@$!|]{1,6}",
            "[a-z]( [a-z]){2,4}",
            "[a-z]([.\\-_*/|,][a-z]){2,4}",
            "[a-z]{0,3}(aaa|eee|ooo|sss|zzzz)[a-z]{0,3}",
            "[0-9]{1,3}",
            "[ \t\n\r\x0b\x0c]{1,3}",
            "['`?.,!\x00-\x1f\x7f-]",
        ];
        proptest::collection::vec(piece, 0..12).prop_map(|p| p.join(" "))
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config { cases: 4096, ..Default::default() })]

        /// The ASCII fast path writes what the general path writes, text and origin map.
        #[test]
        fn ascii_fast_path_equals_the_general_path(text in chatty_ascii()) {
            proptest::prop_assert_eq!(normalize(&text), normalize_general(&text));
        }

        #[test]
        fn ascii_fast_path_equals_the_general_path_on_any_ascii(text in "[\\x00-\\x7f]{0,60}") {
            proptest::prop_assert_eq!(normalize(&text), normalize_general(&text));
        }
    }

    /// The same over real lines: the move detector's corpus and the held-out lines.
    #[test]
    fn ascii_fast_path_equals_the_general_path_on_the_line_corpora() {
        let root = env!("CARGO_MANIFEST_DIR");
        let mut fast = 0;
        for dir in ["data/moves", "tests/heldout/2026-12"] {
            for entry in std::fs::read_dir(format!("{root}/{dir}")).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().and_then(|e| e.to_str()) != Some("tsv") {
                    continue;
                }
                for line in std::fs::read_to_string(&path).unwrap().lines() {
                    let text = line.split('\t').next().unwrap_or("");
                    let mut out = Normalized::default();
                    fast += usize::from(text.is_ascii() && ascii_fast_path(text, &mut out));
                    assert_eq!(normalize(text), normalize_general(text), "{text:?}");
                }
            }
        }
        assert!(fast > 1_000, "only {fast} lines took the fast path");
    }

    #[test]
    fn normalize_into_reuses_its_buffers() {
        let mut out = Normalized::default();
        normalize_into("a longer first line to grow the buffers, ok", &mut out);
        let capacity = (out.text.capacity(), out.origin.capacity());
        normalize_into("how old r u", &mut out);
        assert_eq!(out, normalize("how old r u"));
        assert_eq!((out.text.capacity(), out.origin.capacity()), capacity);
    }

    #[test]
    fn original_span_clamps_bad_ranges() {
        let n = normalize("abc");
        assert_eq!(n.original_span(2..100), 2..3);
        assert_eq!(n.original_span(50..60), 3..3);
        assert_eq!(normalize("").original_span(0..5), 0..0);
    }
}
