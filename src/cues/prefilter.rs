//! The literal prefilter in front of the cue rows (issue 17).
//!
//! Every match of a row contains one of a few literal strings that the row's syntax requires:
//! `\bhow old (are|r) (you|u)\b` cannot match a text without `how old `. When the tables load,
//! each row's required literals are read off its parsed pattern ([`required_literals`], with
//! `regex-syntax`'s prefix and suffix extraction at every level of the pattern); one
//! Aho-Corasick automaton over all of them finds, in one pass over the normalised text, which
//! literals occur, and only the rows of those literals run. A row without a usable literal (it
//! could start with any letter) runs on every message.
//!
//! The prefilter only ever drops rows that cannot match, so the hits are those of running every
//! row; `tests::prefilter_finds_what_every_row_finds` holds that over every table and the
//! shared corpora.

use crate::error::{Error, ErrorKind};
use aho_corasick::{AhoCorasick, MatchKind};
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Hir, HirKind};
use std::collections::HashMap;

/// Literals shorter than this are not worth searching for (a space, one letter: in nearly
/// every message); a row whose best literals are shorter runs on every message.
const MIN_LITERAL_LEN: usize = 2;

/// Literals longer than this are cut to this prefix: a prefix of a required literal is required
/// too, and the automaton stays small.
const MAX_LITERAL_LEN: usize = 12;

/// The rows' literals in one automaton, and which rows each literal stands for.
#[derive(Clone, Debug)]
pub(super) struct Prefilter {
    /// `None` when no row has literals.
    automaton: Option<AhoCorasick>,
    /// The rows of automaton pattern `p` are `rows[starts[p]..starts[p + 1]]`.
    starts: Vec<u32>,
    rows: Vec<u32>,
    /// Rows without a usable literal: candidates on every message.
    pub(super) always: Vec<u32>,
    /// Distinct literals in the automaton.
    pub(super) literals: usize,
}

impl Prefilter {
    /// `literals[row]`: the row's required literals, or `None` for a row that always runs.
    pub(super) fn new(literals: &[Option<Vec<Vec<u8>>>]) -> Result<Prefilter, Error> {
        let mut ids: HashMap<&[u8], usize> = HashMap::new();
        let mut patterns: Vec<&[u8]> = Vec::new();
        let mut rows_of: Vec<Vec<u32>> = Vec::new();
        let mut always = Vec::new();
        for (row, lits) in literals.iter().enumerate() {
            let row = row as u32;
            let Some(lits) = lits else {
                always.push(row);
                continue;
            };
            for lit in lits {
                let lit = &lit[..lit.len().min(MAX_LITERAL_LEN)];
                let id = *ids.entry(lit).or_insert_with(|| {
                    patterns.push(lit);
                    rows_of.push(Vec::new());
                    patterns.len() - 1
                });
                if rows_of[id].last() != Some(&row) {
                    rows_of[id].push(row);
                }
            }
        }
        let automaton = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(&patterns)
                    .map_err(|e| Error::new(ErrorKind::InvalidCueTable, e.to_string()))?,
            )
        };
        let mut starts = Vec::with_capacity(rows_of.len() + 1);
        let mut rows = Vec::new();
        starts.push(0);
        for r in rows_of {
            rows.extend(r);
            starts.push(rows.len() as u32);
        }
        Ok(Prefilter {
            automaton,
            starts,
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
        for m in automaton.find_overlapping_iter(haystack) {
            let p = m.pattern().as_usize();
            let (Some(&from), Some(&to)) = (self.starts.get(p), self.starts.get(p + 1)) else {
                continue;
            };
            for &row in self.rows.get(from as usize..to as usize).unwrap_or(&[]) {
                out.set(row as usize);
            }
        }
    }
}

/// A set of row indices, on the stack for tables of up to 2,048 rows.
pub(super) struct RowBits {
    small: [u64; 32],
    large: Vec<u64>,
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
            any: false,
        }
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
/// of every branch of an alternation. The best set is the one whose shortest literal is longest,
/// then the one with fewer literals.
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
                union.sort();
                union.dedup();
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
        (shortest.min(MAX_LITERAL_LEN), std::cmp::Reverse(lits.len()))
    };
    if best.as_ref().is_none_or(|b| key(&candidate) > key(b)) {
        *best = Some(candidate);
    }
}
