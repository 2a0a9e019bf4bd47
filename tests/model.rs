//! The learned scorer inside the engine: the embedded weights are sound, the model's window holds
//! no text, and the gates on what the model may do. The trainer's own tests are in lab/tests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use safedm::model::{self, Model};
use safedm::{Config, Engine, Message, Role};

fn embedded() -> Model {
    Model::from_bytes(model::EMBEDDED).expect("src/model/weights.bin is a valid weights file")
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

/// A model that reads every window as grooming: bias far positive, every weight zero.
fn always_grooming() -> Model {
    let mut m = embedded();
    m.header.bias = 20.0;
    m.weights.iter_mut().for_each(|w| *w = 0);
    m
}

#[test]
fn the_model_cannot_raise_the_level_of_a_short_chat() {
    let engine = Engine::new(Config::default())
        .unwrap()
        .with_model(Some(always_grooming()));
    let mut state = engine.new_conversation();
    let line = "the bus leaves at eight tomorrow so bring your lunch and your coat and the tickets";
    let mut levels = Vec::new();
    for i in 0..12 {
        let a = engine.observe(
            &mut state,
            &Message::new(i.to_string(), Role::Contact, line),
        );
        levels.push((state.model_window.len(), a.level, a.model.map(|n| n.drove)));
    }
    for (window, level, drove) in &levels {
        if *window < 8 {
            assert_eq!(*level, safedm::Level::None, "window {window}: {levels:?}");
        }
        if *window >= 8 && drove.is_some() {
            assert_eq!(*level, safedm::Level::Alert, "window {window}: {levels:?}");
            assert_eq!(*drove, Some(true));
        }
    }
    assert!(
        levels.iter().any(|(_, l, _)| *l == safedm::Level::Alert),
        "{levels:?}"
    );
}

/// A PAN 2012-style segment (a stretch of chat pasted as one text) is read as the lines it
/// would have been: its probability is the highest the model gives while those pieces arrive
/// one by one, and it fills the window like them. Without the cut it is one outsized item.
#[test]
fn a_long_text_scores_as_its_pieces_sent_as_lines() {
    let lines = [
        "hey how was school today",
        "you seem so mature for your age honestly",
        "are your parents home tonight or working late",
        "dont tell anyone we talk ok its our secret",
        "add me on snap its more private there",
        "send me a pic of you when you can",
        "i could drive over and pick you up saturday",
    ];
    let long: String = lines.repeat(3).join(" ");
    let pieces = safedm::model::features::pieces(&long);
    assert!(pieces.len() > 8, "{}", pieces.len());
    let engine = Engine::new(Config::default()).unwrap();
    let mut one = engine.new_conversation();
    let whole = engine.observe(&mut one, &Message::new("0", Role::Unknown, long.as_str()));
    let mut many = engine.new_conversation();
    let highest = pieces
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            engine
                .observe(&mut many, &Message::new(i.to_string(), Role::Unknown, *p))
                .model
                .map(|m| m.probability)
        })
        .fold(0f32, f32::max);
    let p = whole
        .model
        .expect("a long text gives the model enough")
        .probability;
    assert!((p - highest).abs() < 1e-6, "{p} vs {highest}");
    assert_eq!(one.model_window, many.model_window);
}

/// Regression: the model's risk was rounded, so a probability just below the `alert` threshold
/// (risk 64.6 at balanced) rounded up to 65 and alerted: one decoy stream on dev did.
#[test]
fn a_probability_just_below_the_alert_threshold_does_not_alert() {
    let mut m = embedded();
    m.weights.iter_mut().for_each(|w| *w = 0);
    let t = safedm::model::ModelThresholds {
        watch: 0.5,
        warn: 0.6,
        alert: 0.7,
    };
    m.header.thresholds.balanced = t;
    let levels_for = |p: f32| {
        let mut m = m.clone();
        m.header.bias = (p / (1.0 - p)).ln();
        let engine = Engine::new(Config::default())
            .unwrap()
            .with_model(Some(m))
            .with_scoring(safedm::Scoring::ModelOnly);
        let mut state = engine.new_conversation();
        let line =
            "the bus leaves at eight tomorrow so bring your lunch and your coat and the tickets";
        (0..12)
            .map(|i| {
                engine
                    .observe(
                        &mut state,
                        &Message::new(i.to_string(), Role::Contact, line),
                    )
                    .level
            })
            .max()
            .unwrap()
    };
    assert_eq!(levels_for(0.6995), safedm::Level::Warn);
    assert_eq!(levels_for(0.7005), safedm::Level::Alert);
}
