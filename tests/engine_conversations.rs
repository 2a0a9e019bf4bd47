//! Whole conversations through the engine: grooming patterns must warn or alert, hard benign
//! conversations (the ones keyword monitors get wrong) must stay below `warn`.
//! All conversations are our own, short and non-explicit.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use safedm::{Category, Config, Engine, Level, Message, Role, Sensitivity};

mod common;
use common::{play, Script};

fn balanced() -> Engine {
    Engine::new(Config::default()).unwrap()
}

const AGE_SECRECY_SNAP: Script = &[
    ('c', "hey you play really well"),
    ('k', "thx"),
    ('c', "how old are you?"),
    ('k', "13"),
    ('c', "cool. dont tell anyone we talk ok"),
    ('k', "ok why"),
    (
        'c',
        "people wouldnt get it. add me on snap, this app reads our messages",
    ),
];

const SLOW_TRUST_TO_MEETING: Script = &[
    ('c', "you're honestly so mature for your age"),
    ('k', "haha thanks"),
    ('c', "what school do you go to?"),
    ('k', "the one by the park"),
    ('c', "are your parents home tonight?"),
    ('k', "no they're out"),
    ('c', "we should meet up, i can pick you up"),
    ('c', "just tell your mum you're at a friend's"),
];

const GIFTS_AND_PHOTOS: Script = &[
    ('c', "i can buy you robux, as many as you want"),
    ('k', "omg really"),
    ('c', "yeah but it's our little secret"),
    ('c', "send me a pic first so i know you're real"),
    ('c', "turn on your cam"),
];

const SEXTORTION: Script = &[
    ('c', "i have your photos"),
    (
        'c',
        "send me $100 in gift cards or i will send your pics to your friends",
    ),
    ('c', "you have 2 hours to pay"),
];

const EVASIVE_SPELLING: Script = &[
    ('c', "h0w 0ld r u"),
    ('k', "im 12"),
    ('c', "ur s0 m4ture f0r ur age"),
    ('c', "d0nt t3ll ur p@rents ab0ut me 🤫"),
    ('c', "add me on s.n.a.p"),
];

const GERMAN_GROOMING: Script = &[
    ('c', "wie alt bist du?"),
    ('k', "ich bin 12"),
    ('c', "du bist so reif für dein Alter"),
    ('c', "sag es niemandem, das bleibt unter uns"),
    ('c', "adde mich auf snap"),
];

const SPANISH_GROOMING: Script = &[
    ('c', "¿cuántos años tienes?"),
    ('k', "tengo 12"),
    ('c', "eres muy madura para tu edad"),
    ('c', "no le digas a nadie, es nuestro secreto"),
    ('c', "pásame tu whatsapp"),
];

#[test]
fn grooming_patterns_alert() {
    let engine = balanced();
    let cases: &[(&str, Script, Level)] = &[
        ("age + secrecy + snapchat", AGE_SECRECY_SNAP, Level::Alert),
        ("slow trust to meeting", SLOW_TRUST_TO_MEETING, Level::Alert),
        ("gifts and photos", GIFTS_AND_PHOTOS, Level::Alert),
        ("sextortion", SEXTORTION, Level::Warn),
        ("evasive spelling", EVASIVE_SPELLING, Level::Alert),
        ("german", GERMAN_GROOMING, Level::Alert),
        ("spanish", SPANISH_GROOMING, Level::Alert),
    ];
    for (name, script, at_least) in cases {
        let (peak, _) = play(&engine, script);
        assert!(
            peak >= *at_least,
            "{name}: peak {peak:?}, expected at least {at_least:?}"
        );
    }
}

const MUM_HOME_ALONE: Script = &[
    ('c', "are you home alone? lock the door please"),
    ('k', "yes mum"),
    ('c', "dinner is in the fridge, back at 7"),
];

const DADS_PRESENT: Script = &[
    ('c', "don't tell dad about his birthday present!"),
    ('k', "i won't lol"),
    ('c', "it's a surprise, keep it secret till sunday"),
];

const COACH_PERMISSION_SLIP: Script = &[
    (
        'c',
        "hi team, send me a photo of the signed permission slip",
    ),
    ('k', "ok coach"),
    ('c', "practice moved to 5, meet at the gym"),
];

const CLASSMATES: Script = &[
    ('c', "how old are you?"),
    ('k', "13, you?"),
    ('c', "im 13 too! what school do you go to"),
    ('k', "westfield"),
    ('c', "same lol. whats your snap"),
    ('k', "its jamie_w, add me"),
];

const GAMER_ROBUX: Script = &[
    ('c', "i'll give you 100 robux if you carry me in this round"),
    ('k', "deal"),
    ('c', "gg thanks"),
];

const GRANDMA_RECITAL: Script = &[
    (
        'c',
        "Hello darling, can you send me a photo from your recital?",
    ),
    ('k', "ok grandma"),
    ('c', "You looked beautiful, I'm so proud of you"),
];

#[test]
fn hard_benign_conversations_stay_below_warn() {
    let engine = Engine::new(Config {
        sensitivity: Sensitivity::Balanced,
        child_age: Some(13),
    })
    .unwrap();
    let cases: &[(&str, Script)] = &[
        ("mum: home alone, lock the door", MUM_HOME_ALONE),
        ("dad's present", DADS_PRESENT),
        ("coach: permission slip photo", COACH_PERMISSION_SLIP),
        ("two 13-year-olds swapping snap", CLASSMATES),
        ("gamer offers robux for a carry", GAMER_ROBUX),
        ("grandma asks for a recital photo", GRANDMA_RECITAL),
    ];
    for (name, script) in cases {
        let (peak, assessments) = play(&engine, script);
        assert!(
            peak < Level::Warn,
            "{name}: peak {peak:?}: {:?}",
            assessments.last()
        );
    }
}

#[test]
fn one_ambiguous_line_never_alerts_even_when_strict() {
    let engine = Engine::new(Config {
        sensitivity: Sensitivity::Strict,
        child_age: Some(11),
    })
    .unwrap();
    for line in [
        "don't tell anyone",
        "add me on snap",
        "are your parents home?",
        "send me a pic",
        "we should meet up",
        "how old are you",
    ] {
        let script: Vec<(char, &'static str)> = vec![('c', line)];
        let script: Script = Box::leak(script.into_boxed_slice());
        let (peak, _) = play(&engine, script);
        assert!(peak < Level::Warn, "{line:?} gave {peak:?}");
    }
}

#[test]
fn the_childs_young_age_raises_the_contacts_cues() {
    let engine = balanced();
    let without: Script = &[
        ('c', "you're so mature for your age"),
        ('c', "what school do you go to"),
    ];
    let with: Script = &[
        ('k', "im 12"),
        ('c', "you're so mature for your age"),
        ('c', "what school do you go to"),
    ];
    let (_, a) = play(&engine, without);
    let (_, b) = play(&engine, with);
    let (ra, rb) = (a.last().unwrap().risk, b.last().unwrap().risk);
    assert!(rb > ra, "risk with a stated age of 12: {rb}, without: {ra}");
    assert_eq!(b.last().unwrap().child_age, Some(12));
}

#[test]
fn the_same_evidence_notifies_once() {
    let engine = balanced();
    let (_, out) = play(&engine, AGE_SECRECY_SNAP);
    let notified: Vec<usize> = out
        .iter()
        .enumerate()
        .filter(|(_, a)| a.notify)
        .map(|(i, _)| i)
        .collect();
    assert!(!notified.is_empty());
    // Repeating the last line adds no new evidence category: no new notification.
    let mut state = engine.new_conversation();
    for (i, (who, text)) in AGE_SECRECY_SNAP.iter().enumerate() {
        let role = if *who == 'c' {
            Role::Contact
        } else {
            Role::Child
        };
        engine.observe(&mut state, &Message::new(i.to_string(), role, *text));
    }
    let again = engine.observe(
        &mut state,
        &Message::new("again", Role::Contact, "add me on snap"),
    );
    assert!(again.level >= Level::Warn);
    assert!(!again.notify, "same evidence notified again");
}

#[test]
fn reasons_name_categories_and_their_messages() {
    let engine = balanced();
    let (_, out) = play(&engine, AGE_SECRECY_SNAP);
    let last = out.last().unwrap();
    let secrecy = last
        .reasons
        .iter()
        .find(|r| r.category == Category::Secrecy)
        .expect("secrecy reason");
    // m4 by a cue row ("dont tell anyone"), m6 by the move detector ("people wouldnt get it").
    assert_eq!(
        secrecy.message_ids,
        vec!["m4".to_string(), "m6".to_string()]
    );
    assert!(secrecy.child.contains("secret"));
    assert!(last
        .reasons
        .iter()
        .any(|r| r.category == Category::PrivateChannel));
}

#[test]
fn evidence_spans_point_into_the_original_text() {
    let engine = balanced();
    let text = "pls dont t3ll ur m0m, add me on ѕnар 👻";
    let hits = engine.cues(text);
    let spans: Vec<(Category, &str)> = hits
        .iter()
        .map(|h| (h.category, &text[h.start..h.end]))
        .collect();
    assert!(
        spans.contains(&(Category::Secrecy, "pls dont t3ll ur m0m")),
        "{spans:?}"
    );
    assert!(
        spans.contains(&(Category::PrivateChannel, "add me on ѕnар")),
        "{spans:?}"
    );
}

#[test]
fn state_round_trips_through_json_without_text() {
    let engine = balanced();
    let mut state = engine.new_conversation();
    for (i, (who, text)) in SLOW_TRUST_TO_MEETING.iter().enumerate().take(5) {
        let role = if *who == 'c' {
            Role::Contact
        } else {
            Role::Child
        };
        engine.observe(&mut state, &Message::new(i.to_string(), role, *text));
    }
    let json = serde_json::to_string(&state).unwrap();
    for (_, text) in SLOW_TRUST_TO_MEETING {
        for word in text.split_whitespace().filter(|w| w.len() > 5) {
            assert!(
                !json.contains(word),
                "state JSON holds message text {word:?}"
            );
        }
    }
    let mut restored: safedm::ConversationState = serde_json::from_str(&json).unwrap();
    restored.check().unwrap();
    // The restored conversation continues exactly like the original.
    let next = Message::new(
        "next",
        Role::Contact,
        "we should meet up, i can pick you up",
    );
    let a = engine.observe(&mut state, &next);
    let b = engine.observe(&mut restored, &next);
    assert_eq!(a, b);
}

const SECRET_PHOTO: Script = &[
    ('c', "send me a pic of you"),
    ('k', "why"),
    (
        'c',
        "just for me. delete our chat after ok, it's our secret",
    ),
];

const SURPRISE_PARTY: Script = &[
    ('c', "don't tell mum, it's her surprise party on saturday"),
    ('k', "ok!!"),
    ('c', "meet me at the bakery at 4 to pick up the cake"),
];

/// A gift kept from the child's adults: two categories, one of them concealing.
const SECRET_GIFT: Script = &[
    ('c', "i can get you the new battle pass tonight if you want"),
    ('k', "wait fr??"),
    (
        'c',
        "yeah but dont tell your mum about it, its just our thing",
    ),
    ('k', "ok"),
    ('c', "i'll send you a steam card too"),
];

/// Two categories alert when one hides the contact from the child's adults (secrecy with a
/// photo request, or with a gift); a family surprise that is kept secret and involves meeting
/// up does not.
#[test]
fn concealment_with_an_approach_alerts_on_two_categories() {
    let engine = Engine::new(Config {
        sensitivity: Sensitivity::Balanced,
        child_age: Some(13),
    })
    .unwrap();
    let (peak, assessments) = play(&engine, SECRET_PHOTO);
    assert_eq!(peak, Level::Alert, "{:?}", assessments.last());
    let last = assessments.last().unwrap();
    let categories: Vec<Category> = last.reasons.iter().map(|r| r.category).collect();
    assert!(
        categories.contains(&Category::Secrecy) && categories.contains(&Category::ImageRequest)
    );
    let (peak, assessments) = play(&engine, SECRET_GIFT);
    assert_eq!(
        peak,
        Level::Alert,
        "a secret gift: {:?}",
        assessments.last()
    );
    let (peak, assessments) = play(&engine, SURPRISE_PARTY);
    assert!(peak < Level::Warn, "{:?}", assessments.last());
}

/// An aunt checks the child is home alone, asks for a photo and keeps a surprise: the words of
/// a risk check, a photo request and secrecy.
const AUNT_SURPRISE: &[&str] = &[
    "are you home on your own this afternoon?",
    "can you send me a photo of you in the new jacket",
    "don't tell your mum, it's for her present, keep it between us",
    "what time does your mum get back?",
];

/// The same contact lines with the child's replies: `replies[i]` follows `AUNT_SURPRISE[i]`.
fn with_replies(replies: [&'static str; 4]) -> Vec<(char, &'static str)> {
    AUNT_SURPRISE
        .iter()
        .zip(replies)
        .flat_map(|(c, k)| [('c', *c), ('k', k)])
        .collect()
}

/// What family asks every day weighs less once the child addresses the contact by a family
/// name ("ok auntie", "thanks nana", "oui mamie"); the same contact lines answered without one
/// warn. Regression case for the false warnings on relatives in issue 14.
#[test]
fn a_child_who_names_family_lowers_family_questions() {
    let engine = Engine::new(Config {
        sensitivity: Sensitivity::Balanced,
        child_age: Some(13),
    })
    .unwrap();
    let play_owned = |script: Vec<(char, &'static str)>| {
        let leaked: Script = Box::leak(script.into_boxed_slice());
        play(&engine, leaked).0
    };
    let plain = play_owned(with_replies(["yes", "ok", "ok", "6"]));
    assert!(plain >= Level::Warn, "without a family name: {plain:?}");
    let family = play_owned(with_replies(["yes auntie", "ok", "haha ok auntie", "6"]));
    assert!(family < Level::Warn, "the child says auntie: {family:?}");
    // "my mum" is about someone else: no change.
    let about = play_owned(with_replies(["yes", "ok my mum is out", "ok", "6"]));
    assert!(
        about >= Level::Warn,
        "about the mum, not to family: {about:?}"
    );
}
