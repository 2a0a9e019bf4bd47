//! Bad and extreme input: never a panic, always a safe answer, time linear in the input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use safedm::normalize::normalize;
use safedm::{Config, Engine, Level, Message, Role};
use std::sync::LazyLock;

/// One engine for every case: compiling the cue tables is the slow part, and sharing it is what
/// the extension does too.
static ENGINE: LazyLock<Engine> = LazyLock::new(|| Engine::new(Config::default()).unwrap());

fn engine() -> &'static Engine {
    &ENGINE
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any Unicode text normalises and scores; spans are valid ranges of the original.
    #[test]
    fn arbitrary_unicode_never_panics(text in "\\PC{0,200}", role in 0u8..3) {
        let engine = engine();
        let role = [Role::Contact, Role::Child, Role::Unknown][role as usize];
        let mut state = engine.new_conversation();
        let a = engine.observe(&mut state, &Message::new("x", role, text.clone()));
        prop_assert!(a.risk <= 100);
        for hit in &a.hits {
            prop_assert!(hit.start <= hit.end && hit.end <= text.len());
            prop_assert!(text.is_char_boundary(hit.start) && text.is_char_boundary(hit.end));
        }
        state.check().unwrap();
    }

    /// Every byte of the normalised text maps back inside the original.
    #[test]
    fn normalised_spans_stay_inside_the_original(text in any::<String>()) {
        let n = normalize(&text);
        let span = n.original_span(0..n.as_str().len());
        prop_assert!(span.end <= text.len());
    }

    /// Mixed scripts, control characters, emoji and leetspeak in any order.
    #[test]
    fn hostile_mixtures_never_panic(parts in prop::collection::vec(
        prop::sample::select(vec![
            "a", "s n a p", "s.n.a.p", "\u{200B}", "\u{202E}", "\u{FEFF}", "🤫", "👻", "ѕ", "ｓ",
            "0", "4", "@", "$", "!", " ", "\n", "\u{0}", "\u{FFFD}", "é", "\u{301}", "ß", "13",
            "add me on", "don't tell", "a/s/l", "ur", "u", "💦", "🏳️‍🌈",
        ]), 0..60)) {
        let text: String = parts.concat();
        let engine = engine();
        let mut state = engine.new_conversation();
        let a = engine.observe(&mut state, &Message::new("x", Role::Contact, text));
        prop_assert!(a.level <= Level::Alert);
    }
}

#[test]
fn empty_and_whitespace_messages_score_zero() {
    let engine = engine();
    let mut state = engine.new_conversation();
    for text in ["", " ", "\n\t  ", "\u{200B}\u{200B}", "\u{3000}"] {
        let a = engine.observe(&mut state, &Message::new("e", Role::Contact, text));
        assert_eq!(a.risk, 0, "{text:?}");
        assert!(a.hits.is_empty());
    }
}

#[test]
fn a_one_mebibyte_message_is_scored_safely() {
    let engine = engine();
    let mut state = engine.new_conversation();
    let unit = "hey 👻 s.n.a.p d0nt t3ll ѕnар ";
    let text = unit.repeat((1 << 20) / unit.len() + 1);
    assert!(text.len() >= 1 << 20);
    let a = engine.observe(
        &mut state,
        &Message::new("big", Role::Contact, text.clone()),
    );
    // The engine reads a bounded prefix; the spans it reports are still inside the text.
    assert!(a
        .hits
        .iter()
        .all(|h| h.end <= safedm::engine::MAX_TEXT_BYTES && text.is_char_boundary(h.end)));
    // One message is one line: even a huge one cannot alert alone.
    assert!(a.level < Level::Alert);
}

#[test]
fn ten_thousand_messages_keep_state_bounded() {
    let engine = engine();
    let mut state = engine.new_conversation();
    let lines = [
        "hi",
        "how old are you",
        "lol",
        "add me on snap",
        "ok",
        "dont tell anyone",
    ];
    for i in 0..10_000 {
        let role = if i % 2 == 0 {
            Role::Contact
        } else {
            Role::Child
        };
        engine.observe(
            &mut state,
            &Message::new(i.to_string(), role, lines[i % lines.len()]),
        );
    }
    assert_eq!(state.messages, 10_000);
    let json = serde_json::to_string(&state).unwrap();
    assert!(json.len() < 4096, "state grew to {} bytes", json.len());
    state.check().unwrap();
}

/// Linear time: 8x the input takes well under 8x squared. Counted in normalised bytes produced,
/// not in seconds, so the test cannot flake on a busy machine.
#[test]
fn normalisation_output_is_linear_in_input() {
    let unit = "s n a p 🤫 p@rents ";
    let small = normalize(&unit.repeat(1000)).as_str().len();
    let large = normalize(&unit.repeat(8000)).as_str().len();
    assert!(large <= small * 8 + 8, "{small} -> {large}");
}
