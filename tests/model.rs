//! The learned scorer: the committed weights match the data they name, the embedded model scores
//! exactly as the trainer did, training is reproducible. Nothing here retrains on the corpora.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use safedm::model::{self, Model};
use safedm::train::{self, TrainOptions};
use safedm::{Config, Engine, Message, Role};
use std::path::Path;

fn embedded() -> Model {
    Model::from_bytes(model::EMBEDDED).expect("src/model/weights.bin is a valid weights file")
}

#[test]
fn committed_header_checksums_match_the_shared_data() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if !dir.is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have ../shared/data to check the weights against"
        );
        eprintln!("skipped: no {}", dir.display());
        return;
    }
    let m = embedded();
    let on_disk: Vec<String> = train::data_files(&dir)
        .unwrap()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
        .collect();
    let named: Vec<String> = m.header.data.iter().map(|d| d.name.clone()).collect();
    assert_eq!(named, on_disk, "the data folder changed: run `make model`");
    for d in &m.header.data {
        assert_eq!(
            train::sha256_file(&dir.join(&d.name)).unwrap(),
            d.sha256,
            "{} changed since the weights were trained: run `make model`",
            d.name
        );
    }
    assert!(m.header.generator.starts_with("safedm train "));
}

#[test]
fn embedded_model_scores_the_fixtures_exactly_as_the_trainer_did() {
    let m = embedded();
    assert!(!m.header.fixtures.is_empty());
    assert_eq!(train::fixture_scores(&m).unwrap(), m.header.fixtures);
    let p = |name: &str| {
        m.header
            .fixtures
            .iter()
            .find(|f| f.name == name)
            .unwrap()
            .probability
    };
    assert!(p("pressure") > p("family") && p("pressure") > p("tech"));
}

#[test]
fn embedded_weights_stay_within_budget_and_thresholds_are_ordered() {
    assert!(model::EMBEDDED.len() < 400 * 1024);
    let m = embedded();
    for t in [
        m.header.thresholds.relaxed,
        m.header.thresholds.balanced,
        m.header.thresholds.strict,
    ] {
        assert!(0.0 < t.watch && t.watch <= t.warn && t.warn <= t.alert && t.alert <= 1.0);
    }
}

/// A small synthetic corpus in the shared data's format (our own words, nothing from the data).
fn synthetic(dir: &Path) {
    let groom = [
        "how old are you",
        "you are so mature",
        "are your parents home",
        "dont tell anyone about us",
        "add me on snap",
        "send me a picture",
        "i can pick you up",
        "our little secret",
    ];
    let benign = [
        "did you finish the homework",
        "the game starts at six",
        "try restarting the router",
        "which version are you running",
        "see you at practice",
        "the bus was late again",
        "lunch was pretty good",
        "what did you think of the movie",
    ];
    let line = |id: String, source: &str, label: &str, role: &str, texts: &[&str], k: usize| {
        let messages: Vec<serde_json::Value> = (0..24)
            .map(|i| {
                serde_json::json!({"role": role, "text": format!("{} {}", texts[(i * 3 + k) % texts.len()], texts[(i + k) % texts.len()])})
            })
            .collect();
        serde_json::json!({"id": id, "source": source, "label": label, "messages": messages})
            .to_string()
    };
    let mut pos = String::new();
    let mut dec = String::new();
    let mut neg = String::new();
    for k in 0..30 {
        pos += &line(
            format!("pj-s{k}"),
            "perverted-justice",
            "grooming",
            "contact",
            &groom,
            k,
        );
        pos += "\n";
        dec += &line(
            format!("pj-s{k}-decoy-officer_s{k}"),
            "perverted-justice-decoy",
            "grooming",
            "child",
            &benign,
            k + 1,
        );
        dec += "\n";
        neg += &line(
            format!("chat-{k}"),
            "chitchat",
            "benign",
            "contact",
            &benign,
            k,
        );
        neg += "\n";
    }
    std::fs::write(dir.join("a_pos.jsonl"), pos).unwrap();
    std::fs::write(dir.join("b_decoy.jsonl"), dec).unwrap();
    std::fs::write(dir.join("c_neg.jsonl"), neg).unwrap();
}

#[test]
fn training_is_reproducible_and_the_file_scores_like_the_in_memory_model() {
    let dir = tempfile::tempdir().unwrap();
    synthetic(dir.path());
    let options = TrainOptions {
        data_dir: dir.path().to_path_buf(),
        features: model::features::FeatureSet {
            bits: 12,
            char_ngrams: false,
        },
        epochs: 3,
        min_features: 5,
        ..TrainOptions::default()
    };
    let a = train::train(&options).unwrap();
    let b = train::train(&options).unwrap();
    let bytes = a.model.to_bytes().unwrap();
    assert_eq!(
        bytes,
        b.model.to_bytes().unwrap(),
        "same data and seed, same bytes"
    );
    let loaded = Model::from_bytes(&bytes).unwrap();
    assert_eq!(loaded, a.model);
    assert_eq!(
        train::fixture_scores(&loaded).unwrap(),
        a.model.header.fixtures
    );
    assert_eq!(a.model.header.data.len(), 3);
    // It learned the difference.
    let p = |m: &Model, name: &str| {
        m.header
            .fixtures
            .iter()
            .find(|f| f.name == name)
            .unwrap()
            .probability
    };
    assert!(p(&loaded, "pressure") > p(&loaded, "tech"));
    let other = train::train(&TrainOptions { seed: 8, ..options }).unwrap();
    assert_ne!(other.model.to_bytes().unwrap(), bytes, "the seed matters");
}

#[test]
fn the_engine_keeps_a_text_free_window_and_reports_the_model() {
    let engine = Engine::new(Config::default()).unwrap();
    assert!(engine.model().is_some(), "the build embeds a model");
    let mut state = engine.new_conversation();
    let mut last = None;
    let words = [
        "red", "blue", "green", "early", "late", "home", "away", "cup", "league", "final",
    ];
    for i in 0..30 {
        let text = format!(
            "the {} match on saturday is {}, bring your boots and water",
            words[i % 10],
            words[(i * 7 + 3) % 10]
        );
        last = Some(engine.observe(
            &mut state,
            &Message::new(i.to_string(), Role::Contact, text),
        ));
    }
    let a = last.unwrap();
    let note = a.model.expect("enough text for the model");
    assert!((0.0..=1.0).contains(&note.probability));
    assert!(!note.drove);
    assert_eq!(
        state.model_window.len(),
        engine.model().unwrap().header.window
    );
    let json = serde_json::to_string(&state).unwrap();
    assert!(!json.contains("saturday") && !json.contains("boots"));
    let back: safedm::ConversationState = serde_json::from_str(&json).unwrap();
    assert_eq!(back, state);
    back.check().unwrap();
}
