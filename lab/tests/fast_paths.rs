//! Issue 17's promise: the engine's fast paths (the ASCII normaliser, the cue rows' literal
//! prefilter, rows compiled on their first candidate) change no hit, level or risk. Every
//! conversation of every shared corpus and test set is scored twice, by the engine and by the
//! same engine on its reference paths (`Engine::with_reference_paths`: the general normaliser
//! and every cue row, as before the issue), and every message's assessment must be equal (hits
//! with spans and weights, risk, level, stage, reasons, the model's note) along with the final
//! state, at all three sensitivities.
//!
//! In a debug build (regex is some 30x slower there) every 100th conversation of the shared
//! corpora is scored, and at `balanced` only; `cargo test --release -p safedm-lab --test
//! fast_paths` scores all of them at every sensitivity.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use safedm::{Config, Engine, Sensitivity};
use safedm_lab::corpus::{self, Conversation};

fn files() -> Vec<String> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut files = Vec::new();
    for (dir, ext) in [
        ("../../shared/data", ".jsonl.gz"),
        ("../tests/conversations", ".jsonl"),
        ("../tests/heldout/2026-12", ".jsonl"),
        ("examples", ".jsonl"),
    ] {
        let Ok(entries) = std::fs::read_dir(format!("{root}/{dir}")) else {
            continue;
        };
        let mut paths: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.path().to_string_lossy().into_owned())
            .filter(|p| p.ends_with(ext))
            .collect();
        paths.sort();
        files.extend(paths);
    }
    files
}

fn conversations(file: &str) -> Vec<Conversation> {
    let mut out = Vec::new();
    corpus::for_each(file, |c| out.push(c), |bad| panic!("{file}: {bad}"))
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    out
}

#[test]
fn fast_paths_score_every_corpus_as_the_reference_paths() {
    let step = if cfg!(debug_assertions) { 100 } else { 1 };
    let engines: Vec<(Engine, Engine)> = [
        Sensitivity::Relaxed,
        Sensitivity::Balanced,
        Sensitivity::Strict,
    ]
    .into_iter()
    .filter(|s| !cfg!(debug_assertions) || *s == Sensitivity::Balanced)
    .map(|sensitivity| {
        let config = Config {
            sensitivity,
            ..Config::default()
        };
        let fast = Engine::new(config.clone()).unwrap();
        (fast.clone(), fast.with_reference_paths())
    })
    .collect();
    let mut messages = 0;
    let mut shared = false;
    for file in files() {
        let sample = if file.contains("shared/data") {
            shared = true;
            step
        } else {
            1
        };
        for conversation in conversations(&file).iter().step_by(sample) {
            for (fast, reference) in &engines {
                let sensitivity = fast.config().sensitivity;
                let (mut a, mut b) = (fast.new_conversation(), reference.new_conversation());
                for (i, m) in conversation.messages.iter().enumerate() {
                    assert_eq!(
                        fast.observe(&mut a, m),
                        reference.observe(&mut b, m),
                        "{file}: {} message {i} ({sensitivity:?})",
                        conversation.id
                    );
                    messages += 1;
                }
                assert_eq!(a, b, "{file}: {} final state", conversation.id);
            }
        }
    }
    assert!(messages > 5_000, "only {messages} messages scored");
    if !shared {
        eprintln!("fast_paths: ../shared/data not found, only the repository's sets were scored");
    }
}
