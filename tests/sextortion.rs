//! Sextortion: one threat to share the child's images or chats with a demand alerts on its own,
//! at every sensitivity; look-alikes (friends joking, siblings, debts, teachers, parents' screen
//! time, "delete that photo") stay below warn.
//!
//! The lines are in `tests/sextortion/<lang>.tsv` (columns `text label lang register kind`;
//! labels `sextortion`, `coercion`, `none`), written by hand for this test by writers who never
//! saw the cue tables. Rows were tuned against them: this is a regression table, not a held-out
//! measurement (that is `tests/heldout/2026-12b/`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use safedm::{Category, Config, Engine, Level, Message, Role, Sensitivity};

const LANGS: &[&str] = &["en", "de", "es", "nl", "fr"];
const SENSITIVITIES: &[Sensitivity] = &[
    Sensitivity::Relaxed,
    Sensitivity::Balanced,
    Sensitivity::Strict,
];

struct Line {
    text: String,
    label: String,
    kind: String,
}

fn lines(lang: &str) -> Vec<Line> {
    let path = format!("{}/tests/sextortion/{lang}.tsv", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 5, "{path}: {l}");
            assert_eq!(cols[2], lang, "{path}: {l}");
            Line {
                text: cols[0].to_string(),
                label: cols[1].to_string(),
                kind: cols[4].to_string(),
            }
        })
        .collect()
}

/// The line's cue hits, for the failure messages.
fn hits(engine: &Engine, text: &str) -> String {
    engine
        .cues(text)
        .iter()
        .map(|h| format!("{}:{:.1}", h.category.name(), h.weight))
        .collect::<Vec<_>>()
        .join(" ")
}

fn engine(sensitivity: Sensitivity) -> Engine {
    Engine::new(Config {
        sensitivity,
        child_age: None,
    })
    .expect("engine builds")
}

/// The level after the contact sends `texts` one by one in a fresh conversation, and whether
/// sextortion was among the reasons.
fn play(engine: &Engine, texts: &[&str]) -> (Level, bool) {
    let mut state = engine.new_conversation();
    let mut level = Level::None;
    let mut sextortion = false;
    for (i, text) in texts.iter().enumerate() {
        let a = engine.observe(
            &mut state,
            &Message::new(i.to_string(), Role::Contact, *text),
        );
        level = level.max(a.level);
        sextortion |= a.reasons.iter().any(|r| r.category == Category::Sextortion);
    }
    (level, sextortion)
}

/// Threats to share whose demand no `[demand]` row spells out: the move detector reads the line
/// as sextortion and completes the demand (`engine::other_half_of_sextortion`). Without the
/// detector these only warn, as coercion.
const DEMAND_IN_OTHER_WORDS: &[&str] = &[
    "your photos go to your mum and your whole class unless you sort it out with me now",
    "i have ur video and everyone at school will see it, you know what to do",
    "ich schick deine bilder an deine ganze klasse wenn du nicht machst was ich sage",
    "tus fotos las va a ver toda tu familia si no haces lo que te digo",
];

#[test]
fn the_detector_completes_a_demand_no_row_spells_out() {
    for sensitivity in SENSITIVITIES {
        let engine = engine(*sensitivity);
        let rows_only = engine.clone().with_moves(None);
        for text in DEMAND_IN_OTHER_WORDS {
            assert_eq!(play(&engine, &[text]), (Level::Alert, true), "{text}");
            assert!(!play(&rows_only, &[text]).1, "rows alone: {text}");
        }
    }
}

#[test]
fn each_language_has_enough_lines() {
    for lang in LANGS {
        let lines = lines(lang);
        let count = |label: &str| lines.iter().filter(|l| l.label == label).count();
        assert!(count("sextortion") >= 40, "{lang}: {}", count("sextortion"));
        assert!(count("none") >= count("sextortion"), "{lang}");
        assert!(count("coercion") >= 10, "{lang}");
    }
}

#[test]
fn one_threat_with_a_demand_alerts_at_every_sensitivity() {
    let mut missed = Vec::new();
    for &sensitivity in SENSITIVITIES {
        let engine = engine(sensitivity);
        for lang in LANGS {
            for line in lines(lang).iter().filter(|l| l.label == "sextortion") {
                let (level, sextortion) = play(&engine, &[&line.text]);
                if level != Level::Alert || !sextortion {
                    missed.push(format!(
                        "{sensitivity:?} {lang} {level:?} [{}] {} || {}",
                        line.kind,
                        line.text,
                        hits(&engine, &line.text)
                    ));
                }
            }
        }
    }
    assert!(
        missed.is_empty(),
        "{} missed:\n{}",
        missed.len(),
        missed.join("\n")
    );
}

#[test]
fn look_alikes_stay_below_warn_at_every_sensitivity() {
    let mut warned = Vec::new();
    for &sensitivity in SENSITIVITIES {
        let engine = engine(sensitivity);
        for lang in LANGS {
            for line in lines(lang).iter().filter(|l| l.label == "none") {
                let (level, _) = play(&engine, &[&line.text]);
                if level >= Level::Warn {
                    warned.push(format!(
                        "{sensitivity:?} {lang} {level:?} [{}] {} || {}",
                        line.kind,
                        line.text,
                        hits(&engine, &line.text)
                    ));
                }
            }
        }
    }
    assert!(
        warned.is_empty(),
        "{} warned:\n{}",
        warned.len(),
        warned.join("\n")
    );
}

#[test]
fn threats_without_images_are_coercion_and_alert_when_repeated() {
    let engine = engine(Sensitivity::Balanced);
    let mut failed = Vec::new();
    for lang in LANGS {
        for line in lines(lang).iter().filter(|l| l.label == "coercion") {
            let coercion = engine
                .cues(&line.text)
                .iter()
                .any(|h| h.category == Category::Coercion && h.weight >= 0.5);
            let (_, sextortion) = play(&engine, &[&line.text]);
            let (twice, _) = play(&engine, &[&line.text, &line.text]);
            if !coercion || sextortion || twice != Level::Alert {
                failed.push(format!(
                    "{lang} coercion={coercion} sextortion={sextortion} twice={twice:?} {} || {}",
                    line.text,
                    hits(&engine, &line.text)
                ));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// Whole conversations (`tests/sextortion/conversations.jsonl`): a threat after days of rapport,
/// from a new account after a block, after a video call; and family or friends' look-alikes.
#[derive(serde::Deserialize)]
struct Conversation {
    id: String,
    label: String,
    messages: Vec<ChatMessage>,
    first_threat_at: Option<usize>,
}

#[derive(serde::Deserialize)]
struct ChatMessage {
    id: String,
    role: String,
    text: String,
}

fn conversations() -> Vec<Conversation> {
    let path = format!(
        "{}/tests/sextortion/conversations.jsonl",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{path}: {e}: {l}")))
        .collect()
}

/// The index of the first message at alert, and the peak level.
fn first_alert(engine: &Engine, conversation: &Conversation) -> (Option<usize>, Level) {
    let mut state = engine.new_conversation();
    let mut first = None;
    let mut peak = Level::None;
    for (i, m) in conversation.messages.iter().enumerate() {
        let role = if m.role == "child" {
            Role::Child
        } else {
            Role::Contact
        };
        let a = engine.observe(
            &mut state,
            &Message::new(m.id.clone(), role, m.text.clone()),
        );
        peak = peak.max(a.level);
        if a.level == Level::Alert && first.is_none() {
            first = Some(i);
        }
    }
    (first, peak)
}

#[test]
fn threat_chats_alert_within_two_contact_messages_and_look_alikes_do_not_warn() {
    let all = conversations();
    assert!(all.iter().filter(|c| c.label == "grooming").count() >= 6);
    assert!(all.iter().filter(|c| c.label == "benign").count() >= 4);
    for &sensitivity in SENSITIVITIES {
        let engine = engine(sensitivity);
        for c in &all {
            let (first, peak) = first_alert(&engine, c);
            match c.first_threat_at {
                Some(threat) => {
                    let first = first.unwrap_or_else(|| panic!("{} never alerts", c.id));
                    // The threat message itself, or the contact's next one.
                    let contact_between = c.messages[threat..=first]
                        .iter()
                        .filter(|m| m.role == "contact")
                        .count();
                    assert!(
                        first >= threat && contact_between <= 2,
                        "{} at {sensitivity:?}: threat at {threat}, alert at {first}",
                        c.id
                    );
                }
                None => assert!(peak < Level::Warn, "{} at {sensitivity:?}: {peak:?}", c.id),
            }
        }
    }
}
