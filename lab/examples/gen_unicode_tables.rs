//! Generates `src/unicode_tables.rs`, the per-character tables of step 1 of
//! [`safedm::normalize`](../src/normalize.rs): which characters are dropped, and what the others
//! become after compatibility decomposition (NFKD), removal of combining marks, case folding and
//! the folding of homoglyphs to Latin letters (Unicode TS #39 `skeleton`).
//!
//! `make unicode-tables` (or `cargo run -p safedm-lab --example gen_unicode_tables`) rewrites the
//! file. The crates that know Unicode (`unicode-normalization`, `unicode-security`,
//! `unicode-general-category`) are the lab's dependencies (and the engine's dev-dependencies, for
//! the test below): they run here, at generation time, and not in the shipped WebAssembly, where their full tables cost about 270 KB. A unit test in
//! `src/normalize.rs` regenerates the file in memory and requires it to equal the committed one,
//! and checks every Unicode scalar value against [`reference`], so the tables cannot drift from
//! the crates.

use std::fmt::Write as _;
use unicode_general_category::{get_general_category, GeneralCategory};
use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Map entries per block of text offsets: a lookup sums at most this many lengths.
const MAP_BLOCK: usize = 32;

/// The generated file, relative to this crate (lab/): the engine's `src/unicode_tables.rs`.
pub const OUT: &str = "../src/unicode_tables.rs";

/// Emoji and symbol blocks that normalisation turns into a space (after dropping format and control
/// characters). Must equal `is_pictograph` in `src/normalize.rs` (the unit test there checks every
/// character, so a mismatch fails it).
pub fn is_pictograph(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF)
}

/// Hangul syllables: decomposed by arithmetic at run time, so they need no table rows.
pub fn is_hangul_syllable(c: char) -> bool {
    matches!(c as u32, 0xAC00..=0xD7A3)
}

/// Zero-width joiners, bidi overrides, soft hyphens, BOM, and control characters.
fn is_format_or_control(c: char) -> bool {
    matches!(
        get_general_category(c),
        GeneralCategory::Format | GeneralCategory::Control
    )
}

/// What step 1 of normalisation made of `c` (not an apostrophe, nor an emoji with a word) when it
/// used the Unicode crates at run time: the reference that the tables reproduce.
pub fn reference(c: char) -> String {
    let mut out = String::new();
    if c.is_whitespace() {
        out.push(' ');
        return out;
    }
    if is_format_or_control(c) {
        return out;
    }
    if is_pictograph(c) {
        out.push(' ');
        return out;
    }
    decompose_compatible(c, |d| {
        if is_combining_mark(d) || get_general_category(d) == GeneralCategory::Format {
            return;
        }
        if d.is_ascii() {
            out.push(d.to_ascii_lowercase());
        } else if d == 'ß' || d == 'ẞ' {
            out.push_str("ss");
        } else if d.is_alphabetic() {
            fold_homoglyph(d, &mut out);
        } else {
            out.push(d);
        }
    });
    out
}

/// A non-ASCII letter becomes its Latin look-alike when Unicode's confusables table has one made of
/// one or two ASCII letters (Cyrillic `о` → `o`); other letters are only lower-cased.
fn fold_homoglyph(d: char, out: &mut String) {
    let mut buf = [0u8; 4];
    let skeleton: String = unicode_security::skeleton(d.encode_utf8(&mut buf)).collect();
    let ascii_letters = !skeleton.is_empty()
        && skeleton.chars().count() <= 2
        && skeleton.chars().all(|s| s.is_ascii_alphabetic());
    if ascii_letters {
        out.push_str(&skeleton.to_ascii_lowercase());
    } else {
        out.extend(d.to_lowercase());
    }
}

/// What the run-time code makes of a character that has no table row: letters lower-cased, the
/// rest kept.
pub fn default_fold(c: char) -> String {
    if c.is_alphabetic() {
        c.to_lowercase().collect()
    } else {
        c.to_string()
    }
}

/// The version of a crate in `Cargo.lock`, for the header.
fn locked_version(name: &str) -> String {
    let lock = include_str!("../../Cargo.lock");
    let needle = format!("name = \"{name}\"\nversion = \"");
    lock.find(&needle)
        .and_then(|at| {
            let rest = &lock[at + needle.len()..];
            rest.find('"').map(|end| rest[..end].to_string())
        })
        .unwrap_or_else(|| "?".to_string())
}

/// The text of `src/unicode_tables.rs`.
pub fn generate() -> String {
    let mut drop: Vec<(char, char)> = Vec::new();
    let mut map: Vec<(char, String)> = Vec::new();
    // White space is handled before the tables at run time; pictographs and Hangul syllables too,
    // unless they are format or control characters, which are dropped first.
    for c in ('\u{80}'..=char::MAX).filter(|&c| {
        !c.is_whitespace()
            && (is_format_or_control(c) || !(is_pictograph(c) || is_hangul_syllable(c)))
    }) {
        let out = reference(c);
        if out.is_empty() {
            match drop.last_mut() {
                Some((_, hi)) if (*hi as u32) + 1 == c as u32 => *hi = c,
                _ => drop.push((c, c)),
            }
        } else if out != default_fold(c) {
            map.push((c, out));
        }
    }

    let mut s = String::new();
    let (nu, ns, ng) = (
        unicode_normalization::UNICODE_VERSION,
        unicode_security::UNICODE_VERSION,
        unicode_general_category::UNICODE_VERSION,
    );
    let _ = write!(
        s,
        "\
// @generated by `make unicode-tables` (examples/gen_unicode_tables.rs) from
// unicode-normalization {} (Unicode {}.{}.{}), unicode-security {} (Unicode {}.{}.{}) and
// unicode-general-category {} (Unicode {}.{}.{}). Do not edit: regenerate. A unit test in
// src/normalize.rs fails when this file differs from what the generator writes.

//! Per-character tables of step 1 of [`crate::normalize`], generated so that the WebAssembly
//! carries only what normalisation needs rather than the Unicode crates' full tables.

/// Characters dropped (format and control characters, combining marks, and characters whose
/// compatibility decomposition is only such), as sorted inclusive ranges.
pub(crate) const DROP: &[(char, char)] = &[
",
        locked_version("unicode-normalization"),
        nu.0,
        nu.1,
        nu.2,
        locked_version("unicode-security"),
        ns.0,
        ns.1,
        ns.2,
        locked_version("unicode-general-category"),
        ng.0,
        ng.1,
        ng.2,
    );
    for chunk in drop.chunks(4) {
        s.push_str("   ");
        for (lo, hi) in chunk {
            let _ = write!(
                s,
                " ('\\u{{{:X}}}', '\\u{{{:X}}}'),",
                *lo as u32, *hi as u32
            );
        }
        s.push('\n');
    }
    let (bmp, supp): (Vec<_>, Vec<_>) = map.iter().partition(|(c, _)| (*c as u32) < 0x10000);
    s.push_str(
        "];

/// Characters of the Basic Multilingual Plane that become something other than themselves (or
/// their lower case, for letters), sorted; entry `i` of the map.
pub(crate) const MAP_KEYS_BMP: &[u16] = &[
",
    );
    for chunk in bmp.chunks(12) {
        s.push_str("   ");
        for (c, _) in chunk {
            let _ = write!(s, " 0x{:04X},", *c as u32);
        }
        s.push('\n');
    }
    s.push_str(
        "];

/// The same for the supplementary planes; entry `MAP_KEYS_BMP.len() + i` of the map.
pub(crate) const MAP_KEYS_SUPP: &[u32] = &[
",
    );
    for chunk in supp.chunks(10) {
        s.push_str("   ");
        for (c, _) in chunk {
            let _ = write!(s, " 0x{:05X},", *c as u32);
        }
        s.push('\n');
    }
    let _ = write!(
        s,
        "];

/// Entries per block of [`MAP_BLOCK_STARTS`].
pub(crate) const MAP_BLOCK: usize = {MAP_BLOCK};

/// Where in [`MAP_TEXT`] each block of `MAP_BLOCK` entries starts.
pub(crate) const MAP_BLOCK_STARTS: &[u16] = &[
"
    );
    let mut at = 0usize;
    let mut starts = Vec::new();
    for (i, (_, out)) in map.iter().enumerate() {
        if i % MAP_BLOCK == 0 {
            starts.push(at);
        }
        at += out.len();
    }
    assert!(at <= u16::MAX as usize, "MAP_TEXT outgrew u16 offsets");
    for chunk in starts.chunks(12) {
        s.push_str("   ");
        for e in chunk {
            let _ = write!(s, " {e},");
        }
        s.push('\n');
    }
    s.push_str(
        "];

/// The length in bytes of each entry's text in [`MAP_TEXT`].
pub(crate) const MAP_LENS: &[u8] = &[
",
    );
    for chunk in map.chunks(24) {
        s.push_str("   ");
        for (_, out) in chunk {
            let _ = write!(s, " {},", out.len());
        }
        s.push('\n');
    }
    s.push_str(
        "];

/// What the entries of the map become, concatenated in entry order.
pub(crate) const MAP_TEXT: &str = concat!(
",
    );
    for chunk in map.chunks(16) {
        let text: String = chunk.iter().map(|(_, out)| out.as_str()).collect();
        let _ = writeln!(s, "    {text:?},");
    }
    s.push_str(");\n");
    s
}

fn main() -> std::io::Result<()> {
    let text = generate();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(OUT);
    std::fs::write(&path, &text)?;
    println!("wrote {} ({} bytes)", path.display(), text.len());
    Ok(())
}
