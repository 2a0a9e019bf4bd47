//! The learned move detector (`safedm::moves`): lines our own, written for this test (not from
//! the training corpus), that the detector must read as the move named, and look-alikes it must
//! not. The first table also checks that the engine's cue rows alone miss these lines, so each
//! row fails if the detector is removed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use safedm::moves::MoveModel;
use safedm::normalize::normalize;
use safedm::{Category, Config, Engine};

fn detector() -> MoveModel {
    MoveModel::embedded().expect("src/moves/weights.bin loads")
}

fn moves_of(text: &str) -> Vec<String> {
    detector()
        .moves(normalize(text).as_str())
        .into_iter()
        .map(|m| m.name)
        .collect()
}

/// Lines no cue row catches, and the move the detector must find in each.
const MISSED_BY_ROWS: &[(&str, &str, Category)] = &[
    // A hidden device for talking alone.
    (
        "i got u a phone, keep it in ur bag so ur mum never sees it",
        "device",
        Category::Secrecy,
    ),
    // "What did you tell them about me."
    (
        "what did you say to your mum about me",
        "told_about_me",
        Category::Secrecy,
    ),
    (
        "did your dad ask who you were texting last night",
        "told_about_me",
        Category::Secrecy,
    ),
    // A gift with strings.
    (
        "i bought you that skin so you owe me a favour now",
        "gift_debt",
        Category::Gifts,
    ),
    // A threat to share with a demand.
    (
        "pay me or i send the screenshots to your family",
        "sextortion",
        Category::Coercion,
    ),
];

/// Lines that borrow a move's words innocently: the detector must not find that move.
const LOOK_ALIKES: &[(&str, &str)] = &[
    // The grandmother of issue 14's false warnings.
    (
        "grandma here, are you home alone? send me a photo of your school project",
        "risk_check",
    ),
    (
        "grandma here, are you home alone? send me a photo of your school project",
        "image_request",
    ),
    // A friend of the same age.
    ("dont tell anyone but i like jake", "secrecy"),
    // Two 13-year-olds swapping Snapchat names and schools.
    (
        "whats your snap? mine is lily_k, i go to westfield middle",
        "private_channel",
    ),
    (
        "send me a photo of the receipt so we can process your refund",
        "image_request",
    ),
    (
        "my brother gave me his old phone, keep it a secret from dad till christmas lol",
        "device",
    ),
    ("delete that pic of me or else lol", "sextortion"),
    ("phone off at 9 or i take it away", "coercion"),
    ("i am outside with your pizza, which door", "meeting"),
];

#[test]
fn the_detector_finds_moves_the_rows_miss() {
    let rows_only = Engine::new(Config::default()).unwrap().with_moves(None);
    let engine = Engine::new(Config::default()).unwrap();
    for (text, name, category) in MISSED_BY_ROWS {
        assert!(
            moves_of(text).iter().any(|m| m == name),
            "{text:?}: expected {name}, got {:?}",
            moves_of(text)
        );
        let cue_hit = |e: &Engine| {
            let mut state = e.new_conversation();
            let a = e.observe(
                &mut state,
                &safedm::Message::new("1", safedm::Role::Contact, *text),
            );
            a.hits.iter().any(|h| h.category == *category)
        };
        assert!(
            !cue_hit(&rows_only),
            "{text:?}: a cue row already catches it"
        );
        assert!(
            cue_hit(&engine),
            "{text:?}: the engine does not fold the move into {category:?}"
        );
    }
}

#[test]
fn look_alikes_are_not_read_as_the_move() {
    for (text, name) in LOOK_ALIKES {
        assert!(
            !moves_of(text).iter().any(|m| m == name),
            "{text:?} read as {name}"
        );
    }
}

#[test]
fn the_carrying_words_are_shown() {
    let engine = Engine::new(Config::default()).unwrap();
    let text = "i got u a phone, keep it in ur bag so ur mum never sees it";
    let mut state = engine.new_conversation();
    let a = engine.observe(
        &mut state,
        &safedm::Message::new("1", safedm::Role::Contact, text),
    );
    let hit = a
        .hits
        .iter()
        .find(|h| h.category == Category::Secrecy)
        .expect("a secrecy hit");
    assert!(hit.start < hit.end && hit.end <= text.len());
}
