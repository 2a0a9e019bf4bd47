//! The trainer: the committed weights match the data they name, the embedded model scores
//! exactly as the trainer did, training is reproducible, and the exported split is the
//! trainer's. Nothing here retrains on the corpora.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use safedm::model::{self, Model};
use safedm_lab::source::is_dev;
use safedm_lab::split_export::export_split;
use safedm_lab::train::{self, TrainOptions};
use std::path::Path;

fn embedded() -> Model {
    Model::from_bytes(model::EMBEDDED).expect("src/model/weights.bin is a valid weights file")
}

#[test]
fn committed_header_checksums_match_the_shared_data() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data");
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
    // Corpus files are named bare; our own extra files by their path in the repository.
    let (ours, corpora): (Vec<_>, Vec<_>) =
        m.header.data.iter().partition(|d| d.name.contains('/'));
    let named: Vec<String> = corpora.iter().map(|d| d.name.clone()).collect();
    assert_eq!(named, on_disk, "the data folder changed: run `make model`");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let extra: Vec<String> = ours.iter().map(|d| d.name.clone()).collect();
    assert_eq!(extra, vec![train::TUNING_SET.to_string()]);
    assert!(
        !extra.iter().any(|n| n.contains("modern_dev")),
        "the held-out set is never trained on"
    );
    for d in &ours {
        assert_eq!(
            train::sha256_file(&repo.join(&d.name)).unwrap(),
            d.sha256,
            "{} changed since the weights were trained: run `make model`",
            d.name
        );
    }
    for d in &corpora {
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
        extra_files: Vec::new(),
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

/// Issue 6: `safedm export-split` hands other systems exactly the trainer's split.
#[test]
fn export_split_writes_the_trainers_windows_and_the_dev_conversations_eval_scores() {
    let data = tempfile::tempdir().unwrap();
    synthetic(data.path());
    let extra = data.path().join("extra-dev.jsonl");
    std::fs::write(
        &extra,
        r#"{"id":"x1","source":"modern-handwritten","label":"benign","messages":[{"role":"contact","text":"see you at practice"}]}"#,
    )
    .unwrap();
    let options = TrainOptions {
        data_dir: data.path().to_path_buf(),
        min_features: 5,
        extra_files: Vec::new(),
        ..TrainOptions::default()
    };
    let out = tempfile::tempdir().unwrap();
    let summary = export_split(&options, &[extra], out.path()).unwrap();
    let read = |name: &str| -> Vec<serde_json::Value> {
        std::fs::read_to_string(out.path().join(name))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let train_lines = read("train.jsonl");
    let dev_lines = read("dev.jsonl");
    assert_eq!(summary.train_streams, train_lines.len());
    assert_eq!(summary.dev_conversations, dev_lines.len());

    // The windows and weights are the ones the trainer learns from, stream by stream.
    let (streams, _) = train::load(&options).unwrap();
    let windows = train::training_windows(&streams, &options);
    assert_eq!(summary.train_windows, windows.len());
    let exported: Vec<(String, String, usize, usize, f64)> = train_lines
        .iter()
        .flat_map(|s| {
            let texts = s["texts"].as_array().unwrap().len();
            s["windows"].as_array().unwrap().iter().map(move |w| {
                let (a, b) = (
                    w[0].as_u64().unwrap() as usize,
                    w[1].as_u64().unwrap() as usize,
                );
                assert!(a < b && b <= texts, "window {a}..{b} of {texts} texts");
                (
                    s["id"].as_str().unwrap().to_string(),
                    s["label"].as_str().unwrap().to_string(),
                    a,
                    b,
                    w[2].as_f64().unwrap(),
                )
            })
        })
        .collect();
    let mut expected: Vec<(String, String, usize, usize, f64)> = windows
        .iter()
        .map(|w| {
            let s = &streams[w.stream];
            let label = if s.positive { "grooming" } else { "benign" };
            (
                s.id.clone(),
                label.to_string(),
                w.start,
                w.end,
                f64::from(w.example.weight),
            )
        })
        .collect();
    let mut got = exported.clone();
    let key = |a: &(String, String, usize, usize, f64), b: &(String, String, usize, usize, f64)| {
        (&a.0, &a.1, a.2).cmp(&(&b.0, &b.1, b.2))
    };
    got.sort_by(key);
    expected.sort_by(key);
    assert_eq!(got.len(), expected.len());
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!((&g.0, &g.1, g.2, g.3), (&e.0, &e.1, e.2, e.3));
        assert!((g.4 - e.4).abs() < 1e-4, "weight {} vs {}", g.4, e.4);
    }
    assert!(got.iter().any(|w| w.1 == "grooming") && got.iter().any(|w| w.1 == "benign"));

    // Train and dev never share a group; dev is what `eval --split dev` scores.
    for s in &train_lines {
        assert!(!is_dev(s["id"].as_str().unwrap()));
    }
    let corpus_dev: Vec<&serde_json::Value> =
        dev_lines.iter().filter(|c| c["id"] != "x1").collect();
    assert!(
        !corpus_dev.is_empty(),
        "the synthetic corpus has dev groups"
    );
    for c in &corpus_dev {
        let id = c["id"].as_str().unwrap();
        assert!(is_dev(id), "{id} is not in the dev split");
        if id.contains("-decoy-") {
            assert_eq!(c["source"], "pj-decoys-as-contact");
            assert_eq!(c["label"], "benign");
            assert!(c["messages"]
                .as_array()
                .unwrap()
                .iter()
                .all(|m| m["role"] == "contact"));
        }
    }
    let all_ids = 90; // 30 offenders, 30 decoy streams, 30 benign chats
    let dev_groups = (0..30).filter(|k| is_dev(&format!("pj-s{k}"))).count() * 2
        + (0..30).filter(|k| is_dev(&format!("chat-{k}"))).count();
    assert!(dev_groups < all_ids);
    let (segments, chats): (Vec<&serde_json::Value>, Vec<&serde_json::Value>) = corpus_dev
        .iter()
        .partition(|c| c["id"].as_str().unwrap().contains("-segment-"));
    assert_eq!(chats.len(), dev_groups);
    // Every dev offender's chat is also there cut into segments, and only those.
    let dev_offenders = (0..30).filter(|k| is_dev(&format!("pj-s{k}"))).count();
    assert!(segments.len() >= dev_offenders && dev_offenders > 0);
    for c in &segments {
        assert_eq!(c["source"], safedm_lab::Source::OffenderSegments.name());
        assert_eq!(c["label"], "grooming");
        assert_eq!(c["messages"].as_array().unwrap().len(), 1);
    }
    // The extra file comes whole, after the corpora.
    assert_eq!(dev_lines.last().unwrap()["id"], "x1");
}

/// The embedded move detector names the line corpus it was trained from, and that corpus is
/// what the repository holds (`make moves` after changing `data/moves/`).
#[test]
fn the_move_detector_names_the_line_corpus_it_was_trained_from() {
    let m = safedm::moves::MoveModel::embedded().expect("src/moves/weights.bin loads");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    // The line corpus, and the ordinary chats of ../shared/data that `make moves` adds as
    // negatives.
    let mut named: Vec<&str> = m
        .header
        .data
        .iter()
        .map(|d| d.name.as_str())
        .filter(|n| n.starts_with("data/moves/"))
        .collect();
    named.sort();
    let ordinary: Vec<&str> = m
        .header
        .data
        .iter()
        .map(|d| d.name.as_str())
        .filter(|n| !n.starts_with("data/moves/"))
        .collect();
    assert_eq!(
        ordinary,
        [
            "../shared/data/chitchat_benign.jsonl.gz",
            "../shared/data/irc_benign.jsonl.gz"
        ]
    );
    let mut on_disk: Vec<String> = std::fs::read_dir(repo.join("data/moves"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".tsv"))
        .map(|n| format!("data/moves/{n}"))
        .collect();
    on_disk.sort();
    assert_eq!(named, on_disk);
    for d in &m.header.data {
        assert_eq!(
            train::sha256_file(&repo.join(&d.name)).unwrap(),
            d.sha256,
            "{} changed since src/moves/weights.bin was trained: run `make moves`",
            d.name
        );
    }
    assert_eq!(m.header.labels, safedm_lab::moves::LABELS);
}
