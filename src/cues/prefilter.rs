//! The literal prefilter in front of the cue rows (issue 17).
//!
//! Every match of a row contains one of a few literal strings that the row's syntax requires:
//! `\bhow old (are|r) (you|u)\b` cannot match a text without `how old `. When the tables load,
//! each row's required literals are read off its parsed pattern ([`required_literals`], with
//! `regex-syntax`'s prefix and suffix extraction at every level of the pattern); one search
//! over all of them (`Matcher`: Aho-Corasick natively, `LiteralIndex` in the WASM) finds, in
//! one pass over the normalised text, which literals occur, and only the rows of those literals
//! run. A row without a usable literal (it could start with any letter) runs on every message.
//!
//! The prefilter only ever drops rows that cannot match, so the hits are those of running every
//! row; `tests::prefilter_finds_what_every_row_finds` holds that over the repository's lines,
//! `tests::prefilter_keeps_every_row_on_texts_it_matches` over every row's generated texts, and
//! `tests::prefilter_finds_what_every_row_finds_on_the_shared_corpora` (`make test-corpora`)
//! over the shared corpora.

use crate::error::Error;
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Hir, HirKind};

/// What finds the literals: natively aho-corasick's contiguous NFA (about twice as
/// fast to search as the noncontiguous one); in the WASM a `LiteralIndex`, which finds the same
/// literals with a few hundred bytes of code where aho-corasick's builder took 13.8 KB gzipped
/// (measured: 778,107 bytes against 764,269 without it). A test holds the two equal.
#[cfg(not(target_arch = "wasm32"))]
pub(super) type Matcher = AhoCorasick;
#[cfg(target_arch = "wasm32")]
pub(super) type Matcher = LiteralIndex;

/// Finds every occurrence of every pattern (overlapping), by pattern index.
pub(super) trait FindLiterals: Sized {
    fn build(patterns: &[&[u8]]) -> Result<Self, Error>;
    /// Calls `found` with the index of every pattern that occurs in `haystack` (at least once
    /// per pattern that occurs; repeats allowed). `false` if the search could not run.
    fn each(&self, haystack: &[u8], found: impl FnMut(usize)) -> bool;
}

/// aho-corasick's contiguous NFA over the literals (native builds).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone)]
pub(super) struct AhoCorasick(aho_corasick::nfa::contiguous::NFA);

#[cfg(not(target_arch = "wasm32"))]
impl FindLiterals for AhoCorasick {
    fn build(patterns: &[&[u8]]) -> Result<Self, Error> {
        aho_corasick::nfa::contiguous::Builder::new()
            .match_kind(aho_corasick::MatchKind::Standard)
            // Thousands of literals: no prefilter of aho-corasick's own would apply.
            .prefilter(false)
            .build(patterns)
            .map(AhoCorasick)
            .map_err(|e| Error::new(crate::error::ErrorKind::InvalidCueTable, e.to_string()))
    }

    fn each(&self, haystack: &[u8], mut found: impl FnMut(usize)) -> bool {
        use aho_corasick::automaton::{Automaton, OverlappingState};
        let input = aho_corasick::Input::new(haystack);
        let mut state = OverlappingState::start();
        loop {
            if self.0.try_find_overlapping(&input, &mut state).is_err() {
                // Cannot happen for a Standard automaton over a plain input.
                return false;
            }
            let Some(m) = state.get_match() else {
                return true;
            };
            found(m.pattern().as_usize());
        }
    }
}

#[cfg(any(test, target_arch = "wasm32"))]
/// Buckets of `LiteralIndex` (a power of two): the low six bits of a literal's first two bytes.
const BUCKETS: usize = 1 << 12;

#[cfg(any(test, target_arch = "wasm32"))]
fn bucket(a: u8, b: u8) -> usize {
    (usize::from(a & 63) << 6) | usize::from(b & 63)
}

/// The literals bucketed by their first two bytes (every literal has at least
/// [`MIN_LITERAL_LEN`] = 2): at each position of the text, only the literals of that position's
/// bucket are compared. Small code for the WASM; compiled everywhere so the tests can hold it
/// equal to aho-corasick natively.
#[cfg(any(test, target_arch = "wasm32"))]
#[derive(Clone)]
pub(super) struct LiteralIndex {
    patterns: Vec<Vec<u8>>,
    /// Bucket `b`'s patterns are `entries[starts[b]..starts[b + 1]]`.
    starts: Vec<u32>,
    entries: Vec<u32>,
}

#[cfg(any(test, target_arch = "wasm32"))]
impl FindLiterals for LiteralIndex {
    fn build(patterns: &[&[u8]]) -> Result<Self, Error> {
        let key = |p: &[u8]| bucket(p[0], p[1]);
        let mut starts = vec![0u32; BUCKETS + 1];
        for p in patterns.iter().filter(|p| p.len() >= 2) {
            starts[key(p) + 1] += 1;
        }
        for b in 0..BUCKETS {
            starts[b + 1] += starts[b];
        }
        let mut fill = starts.clone();
        let mut entries = vec![0u32; starts[BUCKETS] as usize];
        for (i, p) in patterns.iter().enumerate().filter(|(_, p)| p.len() >= 2) {
            let k = key(p);
            entries[fill[k] as usize] = i as u32;
            fill[k] += 1;
        }
        Ok(LiteralIndex {
            patterns: patterns.iter().map(|p| p.to_vec()).collect(),
            starts,
            entries,
        })
    }

    fn each(&self, haystack: &[u8], mut found: impl FnMut(usize)) -> bool {
        for i in 0..haystack.len().saturating_sub(1) {
            let k = bucket(haystack[i], haystack[i + 1]);
            let (from, to) = (self.starts[k] as usize, self.starts[k + 1] as usize);
            for &p in &self.entries[from..to] {
                if haystack[i..].starts_with(&self.patterns[p as usize]) {
                    found(p as usize);
                }
            }
        }
        true
    }
}

/// Literals shorter than this are not worth searching for (a space, one letter: in nearly
/// every message); a row whose best literals are shorter runs on every message.
const MIN_LITERAL_LEN: usize = 2;

/// Literals this long are rare enough in chat: between two sets whose shortest literals both
/// reach it, the one with fewer literals is better (a smaller automaton, faster start-up).
const GOOD_LITERAL_LEN: usize = 4;

/// Literals longer than this are cut to this prefix: a prefix of a required literal is required
/// too, and the automaton stays small.
const MAX_LITERAL_LEN: usize = 12;

/// The rows' literals in one automaton, and which row each literal stands for.
#[derive(Clone)]
pub(super) struct Prefilter<M = Matcher> {
    /// `None` when no row has literals.
    automaton: Option<M>,
    /// The row of automaton pattern `p` is `rows[p]`.
    rows: Vec<u32>,
    /// Rows without a usable literal: candidates on every message.
    pub(super) always: Vec<u32>,
    /// Literals in the automaton (one per row that requires it).
    pub(super) literals: usize,
}

impl<M: FindLiterals> Prefilter<M> {
    /// `literals[row]`: the row's required literals, or `None` for a row that always runs.
    pub(super) fn new(literals: &[Option<Vec<Vec<u8>>>]) -> Result<Prefilter<M>, Error> {
        // One automaton pattern per (row, literal): the trie shares what rows share, and no
        // sorting or map code joins the WASM to group them.
        let mut patterns: Vec<&[u8]> = Vec::new();
        let mut rows = Vec::new();
        let mut always = Vec::new();
        for (row, lits) in literals.iter().enumerate() {
            match lits {
                Some(lits) => {
                    for lit in lits {
                        patterns.push(&lit[..lit.len().min(MAX_LITERAL_LEN)]);
                        rows.push(row as u32);
                    }
                }
                None => always.push(row as u32),
            }
        }
        let automaton = if patterns.is_empty() {
            None
        } else {
            Some(M::build(&patterns)?)
        };
        Ok(Prefilter {
            automaton,
            rows,
            always,
            literals: patterns.len(),
        })
    }

    /// Marks in `out` every row that can match `haystack`.
    pub(super) fn candidates(&self, haystack: &str, out: &mut RowBits) {
        for &row in &self.always {
            out.set(row as usize);
        }
        let Some(automaton) = &self.automaton else {
            return;
        };
        let rows = &self.rows;
        let ran = automaton.each(haystack.as_bytes(), |p| {
            if let Some(&row) = rows.get(p) {
                out.set(row as usize);
            }
        });
        if !ran {
            (0..out.capacity()).for_each(|r| out.set(r));
        }
    }
}

impl<M> std::fmt::Debug for Prefilter<M> {
    // By hand: the automaton's own Debug prints every state, and its code would join the WASM.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Prefilter {{ literals: {}, always: {:?} }}",
            self.literals, self.always
        )
    }
}

/// A set of row indices, on the stack for tables of up to 2,048 rows.
pub(super) struct RowBits {
    small: [u64; 32],
    large: Vec<u64>,
    rows: usize,
    any: bool,
}

impl RowBits {
    pub(super) fn new(rows: usize) -> RowBits {
        let words = rows.div_ceil(64);
        RowBits {
            small: [0; 32],
            large: if words > 32 {
                vec![0; words]
            } else {
                Vec::new()
            },
            rows,
            any: false,
        }
    }

    fn capacity(&self) -> usize {
        self.rows
    }

    fn words(&self) -> &[u64] {
        if self.large.is_empty() {
            &self.small
        } else {
            &self.large
        }
    }

    fn set(&mut self, i: usize) {
        let words = if self.large.is_empty() {
            &mut self.small[..]
        } else {
            &mut self.large[..]
        };
        if let Some(w) = words.get_mut(i / 64) {
            *w |= 1 << (i % 64);
            self.any = true;
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        !self.any
    }

    /// The rows in ascending order.
    pub(super) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words().iter().enumerate().flat_map(|(k, &word)| {
            let mut w = word;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let bit = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(k * 64 + bit)
            })
        })
    }
}

/// Whether `hir` has a capture group named `name`.
pub(super) fn has_capture(hir: &Hir, name: &str) -> bool {
    match hir.kind() {
        HirKind::Capture(c) => c.name.as_deref() == Some(name) || has_capture(&c.sub, name),
        HirKind::Repetition(r) => has_capture(&r.sub, name),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            subs.iter().any(|s| has_capture(s, name))
        }
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => false,
    }
}

/// Literals of which every match of `hir` contains at least one, the best that its syntax
/// gives, or `None` when there is no usable set (the row then runs on every message).
///
/// A set is read off a node by prefix or suffix extraction (every match starts, or ends, with
/// one of its literals), or from its parts: any part of a concatenation (a match of the whole
/// contains a match of each part), a repetition of at least one, a capture group, and the union
/// of every branch of an alternation. The best set is the one whose shortest literal is longest
/// (up to [`GOOD_LITERAL_LEN`]), then the one with fewer literals.
pub(crate) fn required_literals(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let mut best = None;
    consider(&mut best, extracted(hir, ExtractKind::Prefix));
    consider(&mut best, extracted(hir, ExtractKind::Suffix));
    match hir.kind() {
        HirKind::Capture(c) => consider(&mut best, required_literals(&c.sub)),
        HirKind::Repetition(r) if r.min >= 1 => consider(&mut best, required_literals(&r.sub)),
        HirKind::Concat(subs) => {
            for sub in subs {
                consider(&mut best, required_literals(sub));
            }
        }
        HirKind::Alternation(subs) => {
            let mut union = Vec::new();
            let mut all = true;
            for sub in subs {
                match required_literals(sub) {
                    Some(lits) => union.extend(lits),
                    None => {
                        all = false;
                        break;
                    }
                }
            }
            if all {
                consider(&mut best, Some(union));
            }
        }
        _ => {}
    }
    best
}

fn extracted(hir: &Hir, kind: ExtractKind) -> Option<Vec<Vec<u8>>> {
    let seq = Extractor::new().kind(kind).extract(hir);
    let literals: Vec<Vec<u8>> = seq
        .literals()?
        .iter()
        .map(|l| l.as_bytes().to_vec())
        .collect();
    usable(&literals).then_some(literals)
}

/// A set that can stand for a row: not empty (that would say the row never matches, which the
/// prefilter need not decide) and every literal long enough to be worth searching for.
fn usable(literals: &[Vec<u8>]) -> bool {
    !literals.is_empty() && literals.iter().all(|l| l.len() >= MIN_LITERAL_LEN)
}

/// Keeps the better of `best` and `candidate` in `best`.
fn consider(best: &mut Option<Vec<Vec<u8>>>, candidate: Option<Vec<Vec<u8>>>) {
    let Some(candidate) = candidate.filter(|c| usable(c)) else {
        return;
    };
    let key = |lits: &[Vec<u8>]| {
        let shortest = lits.iter().map(Vec::len).min().unwrap_or(0);
        (
            shortest.min(GOOD_LITERAL_LEN),
            std::cmp::Reverse(lits.len()),
        )
    };
    if best.as_ref().is_none_or(|b| key(&candidate) > key(b)) {
        *best = Some(candidate);
    }
}
