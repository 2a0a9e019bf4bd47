//! Dutch through the public engine: phrases in teens' chat Dutch and in the plainer Dutch of
//! machine translation must give their category, ordinary Dutch family, school and gaming lines
//! must not give a strong cue, a Dutch grooming conversation must alert and a Dutch family one
//! must stay below `warn`. All lines are our own, short and non-explicit. The phrase table and the
//! grooming conversation fail if `nl.cues` is missing from the cue tables.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use safedm::{Category, Config, Engine, Level, Sensitivity};

fn balanced() -> Engine {
    Engine::new(Config::default()).unwrap()
}

/// (category, message): the message must give at least this category.
const MUST_HIT: &[(Category, &str)] = &[
    // Sextortion's two halves
    (Category::Expose, "ik stuur je fotos naar al je volgers"),
    (Category::Expose, "anders krijgen je ouders de video"),
    (Category::Demand, "betaal 100 euro via tikkie"),
    (Category::Demand, "stuur me meer fotos vanavond"),
    // Age
    (Category::AgeProbe, "hoe oud ben je?"),
    (Category::AgeProbe, "hoe oud b je eig"),
    (Category::AgeProbe, "Hoe oud ben je?"),
    (Category::AgeProbe, "Wat is je leeftijd?"),
    (Category::AgeProbe, "in welke klas zit je"),
    (Category::AgeStatement, "Ik ben 35 jaar oud."),
    (Category::AgeStatement, "ik ben dertien"),
    // Personal details
    (Category::PersonalInfo, "Op welke school zit je?"),
    (Category::PersonalInfo, "waar woon je precies"),
    (Category::PersonalInfo, "Wat is je adres?"),
    // Flattery
    (
        Category::Flattery,
        "Je bent erg volwassen voor je leeftijd.",
    ),
    (Category::Flattery, "je bent niet zoals andere meisjes"),
    // Gifts
    (Category::Gifts, "ik koop robux voor je"),
    (Category::Gifts, "Ik kan je een cadeaukaart geven."),
    (Category::Gifts, "wil je gratis v-bucks?"),
    // Who is watching
    (Category::RiskCheck, "Zijn je ouders thuis?"),
    (Category::RiskCheck, "zitten je ouders thuis"),
    (Category::RiskCheck, "ben je alleen thuis?"),
    (Category::RiskCheck, "Controleren je ouders je telefoon?"),
    (Category::RiskCheck, "wanneer komen je ouders thuis"),
    // Isolation
    (Category::Isolation, "Je ouders begrijpen je niet."),
    (Category::Isolation, "Ik ben de enige die je echt begrijpt."),
    // Secrecy
    (Category::Secrecy, "Vertel het aan niemand."),
    (Category::Secrecy, "ff niet tegen je ouders zeggen he"),
    (Category::Secrecy, "Wis onze berichten."),
    (Category::Secrecy, "verwijder de chat straks"),
    (Category::Secrecy, "dit blijft tussen ons"),
    (Category::Secrecy, "Houd het geheim."),
    // Another channel
    (Category::PrivateChannel, "voeg me toe op snap"),
    (Category::PrivateChannel, "Heb je WhatsApp?"),
    (Category::PrivateChannel, "geef me je nummer"),
    (
        Category::PrivateChannel,
        "Laten we verder praten op Telegram.",
    ),
    // Photos and camera
    (Category::ImageRequest, "stuur een foto"),
    (Category::ImageRequest, "zet je camera aan"),
    (Category::ImageRequest, "Heb je een webcam?"),
    (
        Category::ImageRequest,
        "Kun je me een foto van jezelf sturen?",
    ),
    // Meeting
    (Category::Meeting, "zullen we afspreken?"),
    (Category::Meeting, "Kunnen we elkaar ontmoeten?"),
    (
        Category::Meeting,
        "zeg tegen je moeder dat je bij een vriendin bent",
    ),
    // Sexual talk (mild)
    (Category::Sexual, "wat heb je nu aan?"),
    // Coercion
    (
        Category::Coercion,
        "Ik stuur je foto's naar al je vrienden.",
    ),
    (Category::Coercion, "je bent me iets schuldig"),
    // Age gap
    (Category::AgeGap, "Leeftijd is maar een getal."),
    (Category::AgeGap, "Stoort mijn leeftijd je?"),
];

#[test]
fn dutch_phrases_hit_their_category() {
    let engine = balanced();
    let missed: Vec<String> = MUST_HIT
        .iter()
        .filter_map(|&(category, text)| {
            let hits = engine.cues(text);
            (!hits.iter().any(|h| h.category == category)).then(|| {
                let found: Vec<Category> = hits.iter().map(|h| h.category).collect();
                format!("{text:?}: expected {category:?}, found {found:?}")
            })
        })
        .collect();
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}

#[test]
fn every_category_has_a_dutch_phrase() {
    for &category in Category::ALL.iter().filter(|c| c.found_by_rows()) {
        assert!(
            MUST_HIT.iter().any(|(c, _)| *c == category),
            "no Dutch phrase for {category:?}"
        );
    }
}

/// Lines that parents, classmates and teammates write every day. None may give a cue stronger than
/// a weak hint (0.4).
const ORDINARY: &[&str] = &[
    "ben je al thuis?",
    "hoe laat ben je uit school?",
    "ik haal je straks op bij de bushalte",
    "vergeet je gymtas niet",
    "heb je je huiswerk al af?",
    "eten staat in de koelkast",
    "doe de deur op slot als je weggaat",
    "lig je al in bed? morgen moet je vroeg op",
    "stuur me een foto van je rapport",
    "kun je oma even bellen voor haar verjaardag?",
    "gg, goeie game",
    "wie heeft de opdracht voor wiskunde al gemaakt?",
    "mag ik zaterdag bij Sanne logeren?",
    "papa is om zes uur thuis",
    "zet je telefoon weg en ga slapen",
    "ik heb een 8 voor mijn toets!",
    "de bus komt om kwart over acht",
    "zeg het niet tegen oma, het is een verrassing",
    "ik ben 10 minuten te laat",
    "ik ben om 5 uur thuis",
    "wil je vanavond op discord gamen?",
    "wat heb je aan huiswerk vandaag?",
    "ik ga je foto's van de vakantie naar opa sturen",
    "zijn je ouders thuis? ik wil ze even bellen over zondag",
    "ben je alleen maar aan het gamen vandaag?",
    "neem je je zwemspullen mee?",
];

#[test]
fn ordinary_dutch_lines_give_no_strong_cue() {
    let engine = balanced();
    let strong: Vec<String> = ORDINARY
        .iter()
        .filter_map(|text| {
            let hits: Vec<(Category, f32)> = engine
                .cues(text)
                .iter()
                .filter(|h| h.weight > 0.4)
                .map(|h| (h.category, h.weight))
                .collect();
            (!hits.is_empty()).then(|| format!("{text:?}: {hits:?}"))
        })
        .collect();
    assert!(strong.is_empty(), "{}", strong.join("\n"));
}

mod common;
use common::{play, Script};

/// A stranger: flattery, the age question, parents home?, secrecy, Snapchat, a photo, a meeting.
const DUTCH_GROOMING: Script = &[
    ('c', "hoi! je speelt echt goed"),
    ('k', "thx"),
    ('c', "je bent zo volwassen voor je leeftijd"),
    ('c', "hoe oud ben je eigenlijk?"),
    ('k', "13"),
    ('c', "zijn je ouders vaak thuis?"),
    ('k', "nee ze werken veel"),
    ('c', "vertel niemand over ons oke? dit blijft tussen ons"),
    ('c', "voeg me toe op snap, hier lezen de mods mee"),
    ('c', "stuur me een foto van jezelf"),
    ('c', "zullen we zaterdag afspreken? ik haal je wel op"),
];

/// A parent: a pick-up, home alone with the door locked, a surprise present for grandma.
const DUTCH_FAMILY: Script = &[
    ('c', "hoi lieverd, ik haal je wel op bij de bushalte"),
    ('k', "oke mam"),
    ('c', "ben je alleen thuis? doe de deur op slot"),
    ('k', "ja papa is nog op zijn werk"),
    (
        'c',
        "zeg niks tegen oma, we kopen een verrassing voor haar verjaardag",
    ),
    ('k', "wat kopen we dan?"),
    (
        'c',
        "een fotoboek. eten staat in de koelkast, ik ben om zeven uur terug",
    ),
    ('k', "oke tot straks"),
];

#[test]
fn dutch_grooming_conversation_alerts() {
    let (peak, assessments) = play(&balanced(), DUTCH_GROOMING);
    assert_eq!(peak, Level::Alert, "{:?}", assessments.last());
    let last = assessments.last().unwrap();
    let categories: Vec<Category> = last.reasons.iter().map(|r| r.category).collect();
    for expected in [
        Category::RiskCheck,
        Category::Secrecy,
        Category::PrivateChannel,
        Category::ImageRequest,
        Category::Meeting,
    ] {
        assert!(
            categories.contains(&expected),
            "no {expected:?} in {categories:?}"
        );
    }
}

#[test]
fn dutch_family_conversation_stays_below_warn() {
    for config in [
        Config::default(),
        Config {
            sensitivity: Sensitivity::Balanced,
            child_age: Some(13),
        },
    ] {
        let engine = Engine::new(config).unwrap();
        let (peak, assessments) = play(&engine, DUTCH_FAMILY);
        assert!(
            peak < Level::Warn,
            "peak {peak:?}: {:?}",
            assessments.last()
        );
    }
}
