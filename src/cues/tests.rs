use super::*;
use crate::normalize::normalize;

fn cues() -> CueSet {
    CueSet::new().expect("embedded cue tables compile")
}

/// The categories found in `text`, with the original text each hit covers.
fn found(set: &CueSet, text: &str) -> Vec<(Category, String)> {
    set.find(&normalize(text))
        .into_iter()
        .map(|h| (h.category, text[h.start..h.end].to_string()))
        .collect()
}

fn assert_finds(set: &CueSet, category: Category, text: &str, evidence: &str) {
    let hits = found(set, text);
    assert!(
        hits.iter().any(|(c, e)| *c == category && e == evidence),
        "{text:?}: expected {category:?} over {evidence:?}, found {hits:?}"
    );
}

fn assert_not_found(set: &CueSet, category: Category, text: &str) {
    let hits = found(set, text);
    assert!(
        !hits.iter().any(|(c, _)| *c == category),
        "{text:?} gave {hits:?}"
    );
}

#[test]
fn embedded_tables_compile_and_cover_every_category_in_english() {
    let set = cues();
    assert!(set.len() > 100, "only {} rows", set.len());
    for &category in Category::ALL {
        assert!(
            set.rows.iter().any(|r| r.category == category && !r.veto)
                || category == Category::AgeStatement
                || !category.found_by_rows(),
            "no rows for {category:?}"
        );
    }
}

/// Each category, in plain English and in the evasions the normaliser undoes: leetspeak, letters
/// split by dots or spaces, homoglyphs from other scripts. (category, message, evidence span).
#[test]
fn every_category_fires_on_plain_and_evasive_spellings() {
    let set = cues();
    let cases: &[(Category, &str, &str)] = &[
        (Category::AgeProbe, "so how old are you?", "how old are you"),
        (Category::AgeProbe, "h0w 0ld r u", "h0w 0ld r u"),
        (Category::AgeProbe, "a s l ?", "a s l"),
        (Category::AgeProbe, "hоw оld аre you", "hоw оld аre you"), // Cyrillic о and а
        (Category::AgeStatement, "im 13", "im 13"),
        (Category::AgeStatement, "i'm thirteen lol", "i'm thirteen"),
        (Category::AgeStatement, "14 f uk", "14 f"),
        (
            Category::PersonalInfo,
            "what school do you go to",
            "what school do you go",
        ),
        (
            Category::PersonalInfo,
            "wh4t sch00l d0 u g0 t0",
            "wh4t sch00l",
        ),
        (Category::PersonalInfo, "where do u live", "where do u live"),
        (
            Category::Flattery,
            "you're so mature for your age",
            "mature for your age",
        ),
        (
            Category::Flattery,
            "ur m4ture f0r ur age",
            "m4ture f0r ur age",
        ),
        (
            Category::Flattery,
            "mаture for your аge",
            "mаture for your аge",
        ), // Cyrillic а
        (Category::Gifts, "i can buy you robux", "buy you robux"),
        (Category::Gifts, "i can buy u r0bux", "buy u r0bux"),
        (Category::Gifts, "want free v-bucks?", "free v-bucks"),
        (
            Category::Gifts,
            "ever thought about a modelling job",
            "modelling job",
        ),
        (
            Category::RiskCheck,
            "are your parents home?",
            "are your parents home",
        ),
        (
            Category::RiskCheck,
            "r ur p@rents home",
            "r ur p@rents home",
        ),
        (Category::RiskCheck, "are u home alone", "are u home alone"),
        (
            Category::RiskCheck,
            "who checks your phone",
            "who checks your phone",
        ),
        (Category::RiskCheck, "lock your door", "lock your door"),
        (
            Category::Isolation,
            "your parents don't understand you",
            "your parents don't understand you",
        ),
        (
            Category::Isolation,
            "im the only one who gets you",
            "im the only one who gets you",
        ),
        (Category::Secrecy, "don't tell anyone", "don't tell anyone"),
        (Category::Secrecy, "d0nt t3ll any1", "d0nt t3ll any1"),
        (
            Category::Secrecy,
            "its our little secret 🤫",
            "our little secret",
        ),
        (Category::Secrecy, "delete our chats", "delete our chats"),
        (
            Category::Secrecy,
            "turn off read receipts",
            "turn off read receipts",
        ),
        (Category::PrivateChannel, "add me on snap", "add me on snap"),
        (Category::PrivateChannel, "add me on sn4p", "add me on sn4p"),
        (
            Category::PrivateChannel,
            "add me on s.n.a.p",
            "add me on s.n.a.p",
        ),
        (
            Category::PrivateChannel,
            "add me on s n a p",
            "add me on s n a p",
        ),
        (Category::PrivateChannel, "add me on ѕnар", "add me on ѕnар"), // Cyrillic ѕ а р
        (
            Category::PrivateChannel,
            "whats your number",
            "whats your number",
        ),
        (
            Category::PrivateChannel,
            "this app reads our messages",
            "this app reads our",
        ),
        (
            Category::PrivateChannel,
            "lets talk somewhere more private",
            "lets talk somewhere more private",
        ),
        (Category::ImageRequest, "send me a pic", "send me a pic"),
        (Category::ImageRequest, "s3nd me a p1c", "s3nd me a p1c"),
        (Category::ImageRequest, "send a 📸", "send a 📸"),
        (
            Category::ImageRequest,
            "turn on your cam",
            "turn on your cam",
        ),
        (Category::Meeting, "we should meet up", "we should meet up"),
        (Category::Meeting, "i can pick you up", "i can pick you up"),
        (
            Category::Meeting,
            "tell your mum you're at a friend's",
            "tell your mum you're at a friend's",
        ),
        (
            Category::Sexual,
            "what are you wearing",
            "what are you wearing",
        ),
        (
            Category::Coercion,
            "i'll send your pics to everyone",
            "i'll send your pics",
        ),
        (Category::Coercion, "you owe me", "you owe me"),
        (
            Category::Coercion,
            "i have your photos",
            "i have your photos",
        ),
        (
            Category::AgeGap,
            "age is just a number",
            "age is just a number",
        ),
        (
            Category::AgeGap,
            "4ge is ju5t a numb3r",
            "4ge is ju5t a numb3r",
        ),
        (
            Category::AgeGap,
            "does my age bother you",
            "does my age bother you",
        ),
    ];
    for (category, text, evidence) in cases {
        assert_finds(&set, *category, text, evidence);
    }
}

/// A first set of German and Spanish rows.
#[test]
fn german_and_spanish_rows_fire() {
    let set = cues();
    let cases: &[(Category, &str, &str)] = &[
        (Category::AgeProbe, "Wie alt bist du?", "Wie alt bist du"),
        (
            Category::RiskCheck,
            "Sind deine Eltern zu Hause?",
            "Sind deine Eltern zu Hause",
        ),
        (Category::Secrecy, "Sag es niemandem", "Sag es niemandem"),
        (
            Category::PrivateChannel,
            "adde mich auf snap",
            "adde mich auf snap",
        ),
        (
            Category::Flattery,
            "du bist so reif für dein Alter",
            // Two German flattery rows match here ("du bist so reif", "reif für dein Alter"), and
            // overlapping hits of one category are one cue over the union of their spans.
            "du bist so reif für dein Alter",
        ),
        (
            Category::AgeProbe,
            "¿Cuántos años tienes?",
            "Cuántos años tienes",
        ),
        (
            Category::RiskCheck,
            "¿Estás sola en casa?",
            "Estás sola en casa",
        ),
        (
            Category::Secrecy,
            "no le digas a nadie",
            "no le digas a nadie",
        ),
        (
            Category::PrivateChannel,
            "pásame tu whatsapp",
            "pásame tu whatsapp",
        ),
        (
            Category::ImageRequest,
            "mándame una foto",
            "mándame una foto",
        ),
    ];
    for (category, text, evidence) in cases {
        assert_finds(&set, *category, text, evidence);
    }
}

#[test]
fn stated_ages_are_extracted_and_units_are_not_ages() {
    let set = cues();
    let age_of = |text: &str| -> Vec<u8> {
        set.find(&normalize(text))
            .into_iter()
            .filter(|h| h.category == Category::AgeStatement)
            .filter_map(|h| h.age)
            .collect()
    };
    assert_eq!(age_of("im 13"), vec![13]);
    assert_eq!(age_of("i'm fourteen"), vec![14]);
    assert_eq!(age_of("14 f uk"), vec![14]);
    assert_eq!(age_of("ich bin 12 jahre alt"), vec![12]);
    assert_eq!(age_of("tengo trece años"), vec![13]);
    assert_eq!(age_of("i'm 5 minutes away"), Vec::<u8>::new());
    assert_eq!(age_of("i am 2"), Vec::<u8>::new());
    assert_eq!(age_of("32 m here"), vec![32]);
    assert_eq!(age_of("Ik ben 35 jaar oud"), vec![35]);
    assert_eq!(age_of("ik ben dertien"), vec![13]);
    assert_eq!(age_of("ik word 14 in mei"), vec![14]);
    assert_eq!(age_of("ik ben 10 minuten te laat"), Vec::<u8>::new());
    assert_eq!(age_of("ik ben 2 uur weg"), Vec::<u8>::new());
    assert_eq!(age_of("ik ben om 8 uur thuis"), Vec::<u8>::new());
}

/// Named regression cases: innocent lines that share words with cues.
#[test]
fn vetoes_and_innocent_lookalikes() {
    let set = cues();
    let none_of = |text: &str, category: Category| assert_not_found(&set, category, text);
    none_of(
        "send me a photo of the signed permission slip",
        Category::ImageRequest,
    );
    none_of(
        "don't tell dad about his birthday present",
        Category::Secrecy,
    );
    none_of(
        "it's a surprise party, don't tell anyone",
        Category::Secrecy,
    );
    none_of(
        "see you at practice, i can pick you up after training",
        Category::Meeting,
    );
    none_of("i'm 5 minutes away", Category::AgeStatement);
    none_of("my snapshot of the sunset", Category::PrivateChannel);
}

/// The rows of the Dutch table alone, as listed in [`TABLES`].
fn dutch_rows() -> Vec<Row> {
    let (_, text) = TABLES
        .iter()
        .find(|(lang, _)| *lang == "nl")
        .expect("nl.cues is in TABLES");
    let mut rows = Vec::new();
    parse_table("nl", text, &age_group(), &mut rows).expect("nl.cues parses");
    rows.into_iter().map(|(row, _)| row).collect()
}

/// The Dutch table is loaded and has rows of its own for every category: this goes red if `nl.cues`
/// is dropped from [`TABLES`] or loses a category.
#[test]
fn dutch_table_is_loaded_and_covers_every_category() {
    let rows = dutch_rows();
    for &category in Category::ALL.iter().filter(|c| c.found_by_rows()) {
        assert!(
            rows.iter().any(|r| r.category == category && !r.veto),
            "nl.cues has no rows for {category:?}"
        );
    }
}

/// Dutch rows, in teens' chat Dutch and in the plainer Dutch of machine translation, with the text
/// each hit must cover. (category, message, evidence span)
#[test]
fn dutch_rows_fire() {
    let set = cues();
    let cases: &[(Category, &str, &str)] = &[
        (Category::AgeProbe, "Hoe oud ben je?", "Hoe oud ben je"),
        (Category::AgeProbe, "hoe oud b je", "hoe oud b je"),
        (Category::AgeProbe, "Hoe oud bent u?", "Hoe oud bent u"),
        (
            Category::AgeProbe,
            "Wat is je leeftijd?",
            "Wat is je leeftijd",
        ),
        (
            Category::AgeStatement,
            "Ik ben 35 jaar oud.",
            "Ik ben 35 jaar oud",
        ),
        (Category::AgeStatement, "14 en jij?", "14 en jij"),
        (
            Category::PersonalInfo,
            "Op welke school zit je?",
            "Op welke school zit je",
        ),
        (Category::PersonalInfo, "waar woon je", "waar woon je"),
        (Category::PersonalInfo, "wat is je adres", "wat is je adres"),
        (
            Category::Flattery,
            "Je bent erg volwassen voor je leeftijd.",
            "Je bent erg volwassen voor je leeftijd",
        ),
        (
            Category::Flattery,
            "je bent niet zoals andere meisjes",
            "niet zoals andere meisjes",
        ),
        (
            Category::Gifts,
            "ik koop robux voor je",
            "ik koop robux voor je",
        ),
        (
            Category::Gifts,
            "Ik kan je een cadeaukaart geven.",
            "Ik kan je een cadeaukaart",
        ),
        (
            Category::RiskCheck,
            "Zijn je ouders thuis?",
            "Zijn je ouders thuis",
        ),
        (
            Category::RiskCheck,
            "zitten je ouders thuis",
            "zitten je ouders thuis",
        ),
        (
            Category::RiskCheck,
            "ben je alleen thuis?",
            "ben je alleen thuis",
        ),
        (
            Category::RiskCheck,
            "Controleren je ouders je telefoon?",
            "Controleren je ouders je telefoon",
        ),
        (
            Category::Isolation,
            "Ik ben de enige die je echt begrijpt.",
            "Ik ben de enige die je echt begrijpt",
        ),
        (
            Category::Secrecy,
            "Vertel het aan niemand.",
            "Vertel het aan niemand",
        ),
        (
            Category::Secrecy,
            "ff niet tegen je ouders zeggen he",
            "niet tegen je ouders zeggen",
        ),
        (
            Category::Secrecy,
            "Wis onze berichten.",
            "Wis onze berichten",
        ),
        (
            Category::Secrecy,
            "verwijder ff de chat",
            "verwijder ff de chat",
        ),
        (
            Category::PrivateChannel,
            "voeg me ff toe op sn4p",
            "voeg me ff toe op sn4p",
        ),
        (
            Category::PrivateChannel,
            "Heb je WhatsApp?",
            "Heb je WhatsApp",
        ),
        (Category::PrivateChannel, "geef me je 06", "geef me je 06"),
        (Category::ImageRequest, "stuur een foto", "stuur een foto"),
        (
            Category::ImageRequest,
            "Heb je een webcam?",
            "Heb je een webcam",
        ),
        (
            Category::Meeting,
            "Kunnen we elkaar ontmoeten?",
            "Kunnen we elkaar ontmoeten",
        ),
        (Category::Meeting, "ik haal je op", "ik haal je op"),
        (Category::Sexual, "wat heb je nu aan?", "wat heb je nu aan?"),
        (
            Category::Coercion,
            "ik stuur je foto's naar je ouders",
            "ik stuur je foto's naar je ouders",
        ),
        (
            Category::AgeGap,
            "Stoort mijn leeftijd je?",
            "Stoort mijn leeftijd je",
        ),
    ];
    let missed: Vec<String> = cases
        .iter()
        .filter_map(|&(category, text, evidence)| {
            let hits = found(&set, text);
            (!hits.iter().any(|(c, e)| *c == category && e == evidence)).then(|| {
                format!("{text:?}: expected {category:?} over {evidence:?}, found {hits:?}")
            })
        })
        .collect();
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}

/// Named regression cases for Dutch: family and school lines that share words with the Dutch rows.
#[test]
fn dutch_innocent_lookalikes() {
    let set = cues();
    let none_of = |text: &str, category: Category| assert_not_found(&set, category, text);
    // A family surprise is not secrecy.
    none_of(
        "zeg het niet tegen je vader, het is een verrassing voor zijn verjaardag",
        Category::Secrecy,
    );
    // A grandparent asking for the parent is not checking who is watching.
    none_of(
        "zijn je ouders thuis? ik wil ze even bellen",
        Category::RiskCheck,
    );
    // "alleen" is also "only".
    none_of("ben je alleen maar aan het gamen?", Category::RiskCheck);
    // Photos of things.
    none_of("stuur me een foto van je rapport", Category::ImageRequest);
    none_of(
        "stuur even een foto van de boodschappenlijst",
        Category::ImageRequest,
    );
    // "wat heb je aan huiswerk" asks about homework.
    none_of("wat heb je aan huiswerk vandaag?", Category::Sexual);
    // Sending the holiday photos to grandma is not a threat.
    none_of("ik ga je foto's naar oma sturen", Category::Coercion);
    // Gaming on Discord is not moving off the platform.
    none_of(
        "wil je vanavond op discord gamen?",
        Category::PrivateChannel,
    );
    // A match is not a meeting.
    none_of("zullen we afspreken voor de wedstrijd?", Category::Meeting);
    // Words German shares (`melden`, `geheim`, `andere`) are in no Dutch row or veto: Dutch
    // must not change what the German table finds.
    let dutch = dutch_rows();
    for german in [
        "ich meld mich über whatsapp",
        "bis sonntag ist es geheim",
        "schick mir fotos in andere outfits",
    ] {
        let normalized = normalize(german);
        let matching: Vec<&str> = dutch
            .iter()
            .filter(|r| r.regex().unwrap().is_match(normalized.as_str()))
            .map(|r| r.pattern.as_str())
            .collect();
        assert!(matching.is_empty(), "{german:?}: Dutch rows {matching:?}");
    }
}

/// Inner letters of each word turned to leetspeak (`mature` → `m4tur3`).
fn leet(text: &str) -> String {
    text.split(' ')
        .map(|w| {
            let chars: Vec<char> = w.chars().collect();
            chars
                .iter()
                .enumerate()
                .map(|(i, &c)| {
                    let inner = i > 0 && i + 1 < chars.len();
                    match c {
                        'a' if inner => '4',
                        'e' if inner => '3',
                        'o' if inner => '0',
                        's' if inner => '$',
                        _ => c,
                    }
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Latin letters swapped for their Cyrillic look-alikes.
fn homoglyphs(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'a' => 'а',
            'e' => 'е',
            'o' => 'о',
            'p' => 'р',
            'c' => 'с',
            _ => c,
        })
        .collect()
}

/// The longest word spelled with dots between its letters (`parents` → `p.a.r.e.n.t.s`) and, for
/// the second variant, with spaces.
fn spaced(text: &str, sep: char) -> String {
    let longest = text
        .split(' ')
        .fold("", |best, w| if w.len() > best.len() { w } else { best });
    let split: String = longest
        .chars()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(&sep.to_string());
    text.replacen(longest, &split, 1)
}

/// One plain phrase per category (and per language for a few, for Dutch every one); every evasion of it must still
/// fire, with the evidence span covering the whole evaded phrase.
#[test]
fn every_category_survives_every_evasion() {
    let set = cues();
    let phrases: &[(Category, &str)] = &[
        (Category::AgeProbe, "how old are you"),
        (Category::PersonalInfo, "what school do you go to"),
        (Category::Flattery, "you are so mature for your age"),
        (Category::Gifts, "i can buy you robux"),
        (Category::RiskCheck, "are your parents home"),
        (Category::Isolation, "your parents dont understand you"),
        (Category::Secrecy, "keep this secret"),
        (Category::PrivateChannel, "add me on snapchat"),
        (Category::ImageRequest, "send me your selfie"),
        (Category::Meeting, "we should meet up"),
        (Category::Sexual, "what are you wearing"),
        (Category::Coercion, "you owe me"),
        (Category::AgeGap, "does my age bother you"),
        (Category::AgeProbe, "wie alt bist du"),
        (Category::Secrecy, "unser kleines geheimnis"),
        (Category::RiskCheck, "estas sola en casa"),
        (Category::PrivateChannel, "pasame tu numero"),
        // Dutch, one phrase per category.
        (Category::AgeProbe, "hoe oud ben jij"),
        (Category::PersonalInfo, "op welke school zit je"),
        (Category::Flattery, "je bent zo volwassen voor je leeftijd"),
        (Category::Gifts, "ik koop robux voor je"),
        (Category::RiskCheck, "zijn je ouders thuis"),
        (Category::Isolation, "je ouders begrijpen je niet"),
        (Category::Secrecy, "vertel het aan niemand"),
        (Category::PrivateChannel, "voeg me toe op snapchat"),
        (Category::ImageRequest, "zet je camera aan"),
        (Category::Meeting, "zullen we afspreken"),
        (Category::Sexual, "wat heb je aan"),
        (Category::Coercion, "je bent me iets schuldig"),
        (Category::AgeGap, "leeftijd is maar een getal"),
    ];
    for &(category, plain) in phrases {
        for variant in [
            plain.to_string(),
            leet(plain),
            homoglyphs(plain),
            spaced(plain, '.'),
            spaced(plain, ' '),
        ] {
            let hits = found(&set, &variant);
            let hit = hits.iter().find(|(c, _)| *c == category);
            let Some((_, evidence)) = hit else {
                panic!("{variant:?} ({plain:?}): no {category:?} in {hits:?}");
            };
            assert!(
                variant.contains(evidence.as_str()) && evidence.len() * 2 >= variant.len(),
                "{variant:?}: evidence {evidence:?} does not cover the phrase"
            );
        }
    }
}

/// Present-day moves in English, German and Spanish: each short line (our own wording) must give
/// its category somewhere in the message.
#[test]
fn present_day_moves_fire_in_three_languages() {
    use Category::*;
    let set = cues();
    let cases: &[(Category, &str)] = &[
        // English
        (AgeProbe, "what age r u anyway"),
        (PersonalInfo, "which school are you at"),
        (PersonalInfo, "what time do u get home usually"),
        (Flattery, "u seem way older than 12 honestly"),
        (Gifts, "want a $15 amazon card?"),
        (Gifts, "i could get u a new phone"),
        (RiskCheck, "what time does your mum get home"),
        (RiskCheck, "do your parents go thru ur phone"),
        (RiskCheck, "mute ur notifications so nobody wakes up"),
        (Isolation, "they would never get it, what we have"),
        (Secrecy, "save me as lucy in ur contacts"),
        (Secrecy, "your dad doesnt need to know"),
        (Secrecy, "clear your call log after"),
        (
            PrivateChannel,
            "move to telegram? mods read everything here",
        ),
        (PrivateChannel, "nobody monitors it there"),
        (ImageRequest, "send one in ur school uniform"),
        (ImageRequest, "i need a full body pic"),
        (Meeting, "just say you're at a sleepover at amy's"),
        (Meeting, "i'll wait by the station after school"),
        (Sexual, "send a pic before bed"),
        (Coercion, "block me and your whole class gets it"),
        (Coercion, "you have 5 minutes"),
        (Coercion, "use your mum's card then"),
        (AgeGap, "i'm actually 26 but age doesn't matter"),
        (AgeGap, "you thought i was 14 lol"),
        // German
        (AgeProbe, "wie alt bist du eigentlich"),
        (PersonalInfo, "wann hast du schule aus"),
        (Flattery, "du bist viel reifer als deine freundinnen"),
        (Gifts, "pro shooting gibt es 150€"),
        (RiskCheck, "schreib mir wenn deine eltern schlafen"),
        (RiskCheck, "gucken deine eltern in dein handy"),
        (Isolation, "eltern machen sowas immer kaputt"),
        (Secrecy, "lösch danach die anrufliste"),
        (Secrecy, "dein papa muss das nicht wissen"),
        (PrivateChannel, "gib mir deine handynummer"),
        (PrivateChannel, "lass heute abend telefonieren"),
        (ImageRequest, "mach kurz die kamera an"),
        (ImageRequest, "ein foto in deinem zimmer"),
        (Sexual, "ein bild im schlafanzug"),
        (Meeting, "sag einfach du bist bei lena"),
        (Meeting, "ich warte nach der schule"),
        (Coercion, "sonst poste ich alles"),
        (Coercion, "du hast 20 minuten"),
        (Coercion, "tu was ich dir sage"),
        (AgeGap, "ehrlich gesagt bin ich 23"),
        // Spanish
        (AgeProbe, "que edad tienes?"),
        (PersonalInfo, "a que hora sales del insti"),
        (Flattery, "pareces mucho mayor"),
        (Gifts, "te pago 50€ por sesion"),
        (RiskCheck, "hablamos cuando tus padres se duerman"),
        (Isolation, "soy el unico que te entiende"),
        (Secrecy, "bórralo todo: borra el chat"),
        (Secrecy, "guárdame como marta"),
        (Secrecy, "tu madre no tiene por que saberlo"),
        (PrivateChannel, "dime tu número"),
        (ImageRequest, "una foto en tu cuarto"),
        (Sexual, "manda una en pijama"),
        (Meeting, "dile a tu padre que estás en casa de ana"),
        (Meeting, "te espero a la salida"),
        (Coercion, "haz lo que te digo"),
        (Coercion, "tienes 10 minutos"),
        (Coercion, "o se las paso a todos tus amigos"),
        (AgeGap, "la edad da igual"),
    ];
    for (category, text) in cases {
        let hits = found(&set, text);
        assert!(
            hits.iter().any(|(c, _)| c == category),
            "{text:?}: expected {category:?}, found {hits:?}"
        );
    }
}

/// Named regression cases for the present-day rows: family, friends and errands that share words
/// with them must not give the category.
#[test]
fn present_day_innocent_lookalikes() {
    let set = cues();
    let none_of = |text: &str, category: Category| assert_not_found(&set, category, text);
    // Friends joking about a debt of food are not extortion.
    none_of("haha u owe me a burger", Category::Coercion);
    none_of("me debes una pizza jaja", Category::Coercion);
    none_of("du schuldest mir einen döner", Category::Coercion);
    // A grandparent asking for the parent is not checking who is watching.
    none_of(
        "is your dad there? i want to ask about the weekend",
        Category::RiskCheck,
    );
    none_of(
        "Ist dein Papa da? Ich will wegen Ostern fragen",
        Category::RiskCheck,
    );
    // Photos of things, not of the child.
    none_of(
        "send me a pic of the label on the box",
        Category::ImageRequest,
    );
    none_of("mándame una foto del menú", Category::ImageRequest);
    none_of(
        "schick mir ein foto vom stundenplan",
        Category::ImageRequest,
    );
    // "Look grown up" from a relative is a weak hint, not flattery on its own.
    let weak = set
        .find(&normalize("you look so grown up!"))
        .into_iter()
        .all(|h| h.category != Category::Flattery || h.weight < 0.5);
    assert!(weak);
    // Pyjama day between classmates is not sexual.
    none_of(
        "pj day tmrw, send one in ur pjs so we match",
        Category::Sexual,
    );
    // A US state abbreviation is not an app.
    none_of("we are moving to wa next year", Category::PrivateChannel);
    // A safety talk names the moves without making them.
    none_of(
        "if anyone asks you to move apps, report it",
        Category::PrivateChannel,
    );
}

#[test]
fn perl_classes_become_ascii() {
    assert_eq!(
        ascii_perl_classes(r"\bage\s*\d+ [\d.]\w\\b"),
        r"(?-u:\b)age[[:space:]]*[[:digit:]]+ [[:digit:].][[:word:]]\\b"
    );
    assert_eq!(
        ascii_perl_classes(r"[]\d] \B\D"),
        r"[][:digit:]] (?-u:\B)[[:^digit:]]"
    );
    // Letters of other scripts are not word characters: a boundary falls between them and ASCII.
    let re = Regex::new(&ascii_perl_classes(r"\bsnap\b")).unwrap();
    assert!(re.is_match("snapщ"));
    assert!(re.is_match("add me on snap!"));
    assert!(!re.is_match("snapchat"));
}

/// Texts the cue tests can read without the shared corpora: the move detector's line corpus,
/// the held-out lines, and every message of the hand-written conversation sets.
fn repository_lines() -> Vec<String> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut lines = Vec::new();
    for dir in [
        "data/moves",
        "data/moves/incoming",
        "tests/heldout/2026-12",
        "tests/heldout/2026-12b",
    ] {
        let Ok(entries) = std::fs::read_dir(format!("{root}/{dir}")) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            match path.extension().and_then(|e| e.to_str()) {
                Some("tsv") => lines.extend(
                    text.lines()
                        .filter_map(|l| l.split('\t').next())
                        .map(String::from),
                ),
                Some("jsonl") => lines.extend(text.lines().flat_map(message_texts)),
                _ => {}
            }
        }
    }
    for file in ["modern_dev.jsonl", "modern_tune.jsonl"] {
        let text = std::fs::read_to_string(format!("{root}/tests/conversations/{file}")).unwrap();
        lines.extend(text.lines().flat_map(message_texts));
    }
    lines
}

fn message_texts(line: &str) -> Vec<String> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
        return Vec::new();
    };
    value["messages"]
        .as_array()
        .map(|ms| {
            ms.iter()
                .filter_map(|m| m["text"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Every `step`-th message of the shared corpora (`../shared/data`, beside the repository), or
/// nothing when they are not there.
fn shared_corpus_lines(step: usize) -> Vec<String> {
    use std::io::BufRead;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    let mut lines = Vec::new();
    for path in paths
        .iter()
        .filter(|p| p.to_string_lossy().ends_with(".jsonl.gz"))
    {
        let file = std::fs::File::open(path).unwrap();
        let reader = std::io::BufReader::new(flate2::read::GzDecoder::new(file));
        for line in reader.lines() {
            lines.extend(message_texts(&line.unwrap()));
        }
    }
    lines.into_iter().step_by(step.max(1)).collect()
}

fn candidates(set: &CueSet, text: &str) -> Vec<usize> {
    let mut bits = RowBits::new(set.rows.len());
    set.prefilter.candidates(text, &mut bits);
    bits.iter().collect()
}

/// The prefilter's promise, row by row and message by message, over `lines`: every row that
/// matches a normalised line is a candidate, and the prefiltered path finds exactly the hits of
/// running every row. Lines are checked once each after normalising, on as many threads as the
/// machine has. Returns the hits found.
fn assert_prefilter_keeps_every_hit(set: &CueSet, lines: &[String]) -> usize {
    let mut seen = std::collections::HashSet::new();
    let texts: Vec<&String> = lines
        .iter()
        .filter(|l| seen.insert(normalize(l).as_str().to_owned()))
        .collect();
    drop(seen);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = texts.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = texts
            .chunks(chunk)
            .map(|texts| {
                scope.spawn(move || {
                    let mut hits = 0;
                    for line in texts {
                        let n = &normalize(line);
                        let matched = set.unfiltered_rows(n.as_str());
                        let candidates = candidates(set, n.as_str());
                        for row in &matched {
                            assert!(
                                candidates.binary_search(row).is_ok(),
                                "row {:?} matches {:?} but is not a candidate",
                                set.rows[*row].pattern,
                                n.as_str()
                            );
                        }
                        let found = set.find(n);
                        assert_eq!(found, set.hits_of_matching_rows(n, &matched), "{n:?}");
                        hits += found.len();
                    }
                    hits
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .sum()
    })
}

/// The prefilter keeps every hit on the repository's own lines: every message of the test sets
/// and held-out sets and every line of the move corpus, in every build (the shared corpora are
/// [`prefilter_finds_what_every_row_finds_on_the_shared_corpora`]'s, in an optimised build).
#[test]
fn prefilter_finds_what_every_row_finds() {
    let set = cues();
    set.compile_all().unwrap();
    let lines = repository_lines();
    assert!(lines.len() > 5_000, "only {} lines", lines.len());
    let hits = assert_prefilter_keeps_every_hit(&set, &lines);
    assert!(
        hits > 1_000,
        "only {hits} hits: the lines do not exercise the rows"
    );
}

/// The same over every message of the shared corpora (`../shared/data`, about 1.2 million).
/// Ignored by a plain `cargo test` (a debug build's regex is some 30x slower: over 15
/// CPU-minutes); `make test-corpora` runs it in an optimised build with `--ignored`, and fails
/// without the corpora.
#[test]
#[ignore = "optimised builds only: make test-corpora"]
fn prefilter_finds_what_every_row_finds_on_the_shared_corpora() {
    let set = cues();
    set.compile_all().unwrap();
    let lines = shared_corpus_lines(1);
    assert!(
        lines.len() > 1_000_000,
        "only {} lines: ../shared/data must be there",
        lines.len()
    );
    let hits = assert_prefilter_keeps_every_hit(&set, &lines);
    assert!(hits > 10_000, "only {hits} hits");
}

/// Random texts that each row's own pattern generates (every table, every row, several
/// samples): wherever the row matches, it is a candidate, and both paths find the same hits.
#[test]
fn prefilter_keeps_every_row_on_texts_it_matches() {
    let set = cues();
    let mut rng = 0x2545_f491_4f6c_dd1d_u64;
    let mut matched_samples = 0;
    for (i, row) in set.rows.iter().enumerate() {
        let hir = regex_syntax::Parser::new().parse(&row.pattern).unwrap();
        for _ in 0..8 {
            let mut text = String::from("ok so ");
            sample(&hir, &mut rng, &mut text);
            text.push_str(" lol");
            let regex = row.regex().unwrap();
            if regex.is_match(&text) {
                matched_samples += 1;
                assert!(
                    candidates(&set, &text).contains(&i),
                    "row {:?} matches {text:?} but is not a candidate",
                    row.pattern
                );
            }
            let n = normalize(&text);
            assert_eq!(set.find(&n), set.find_unfiltered(&n), "{text:?}");
        }
    }
    assert!(
        matched_samples > set.rows.len() * 4,
        "only {matched_samples} samples matched their row"
    );
}

/// Appends to `out` a random string that `hir` may match (look-arounds are not checked: the
/// caller keeps the samples the row does match).
fn sample(hir: &regex_syntax::hir::Hir, rng: &mut u64, out: &mut String) {
    use regex_syntax::hir::{Class, HirKind};
    let mut next = |n: usize| -> usize {
        *rng ^= *rng << 13;
        *rng ^= *rng >> 7;
        *rng ^= *rng << 17;
        (*rng % n.max(1) as u64) as usize
    };
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(l) => out.push_str(&String::from_utf8_lossy(&l.0)),
        HirKind::Class(Class::Unicode(c)) => {
            // Mostly ASCII: the tables match normalised text.
            let ranges: Vec<_> = c.ranges().iter().filter(|r| r.start().is_ascii()).collect();
            if let Some(r) = ranges.get(next(ranges.len())) {
                let (lo, hi) = (r.start() as u32, (r.end() as u32).min(0x7e));
                let c = char::from_u32(lo + next((hi.saturating_sub(lo) + 1) as usize) as u32);
                out.push(c.unwrap_or(' '));
            }
        }
        HirKind::Class(Class::Bytes(c)) => {
            if let Some(r) = c.ranges().get(next(c.ranges().len())) {
                let b = r.start() + next((r.end() - r.start()) as usize + 1) as u8;
                out.push(if b.is_ascii() { b as char } else { ' ' });
            }
        }
        HirKind::Repetition(r) => {
            let max = r.max.unwrap_or(r.min + 2).min(r.min + 2);
            let times = r.min + next((max - r.min) as usize + 1) as u32;
            for _ in 0..times {
                sample(&r.sub, rng, out);
            }
        }
        HirKind::Capture(c) => sample(&c.sub, rng, out),
        HirKind::Concat(subs) => subs.iter().for_each(|s| sample(s, rng, out)),
        HirKind::Alternation(subs) => {
            let k = next(subs.len());
            sample(&subs[k], rng, out);
        }
    }
}

/// The WASM's literal index (`prefilter::LiteralIndex`) picks exactly the rows that native
/// aho-corasick picks, over the repository's lines and texts every row generates.
#[test]
fn the_wasm_s_literal_index_finds_what_aho_corasick_finds() {
    use super::prefilter::{LiteralIndex, Prefilter};
    let age = age_group();
    let mut parsed = Vec::new();
    for (lang, text) in TABLES {
        parse_table(lang, text, &age, &mut parsed).unwrap();
    }
    let literals: Vec<_> = parsed.into_iter().map(|(_, l)| l).collect();
    let index = Prefilter::<LiteralIndex>::new(&literals).unwrap();
    let set = cues();
    let mut texts: Vec<String> = repository_lines()
        .iter()
        .map(|l| normalize(l).as_str().to_owned())
        .collect();
    let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
    for row in &set.rows {
        let hir = regex_syntax::Parser::new().parse(&row.pattern).unwrap();
        for _ in 0..4 {
            let mut text = String::from("so ");
            sample(&hir, &mut rng, &mut text);
            texts.push(text);
        }
    }
    let mut found = 0;
    for text in &texts {
        let mut bits = RowBits::new(set.rows.len());
        index.candidates(text, &mut bits);
        let by_index: Vec<usize> = bits.iter().collect();
        let by_automaton = candidates(&set, text);
        assert_eq!(by_index, by_automaton, "{text:?}");
        found += by_index.len();
    }
    assert!(found > texts.len(), "only {found} candidates");
}

#[test]
fn most_rows_are_prefiltered() {
    let set = cues();
    let (filtered, always, literals) = set.prefilter_stats();
    eprintln!("{filtered} rows prefiltered by {literals} literals, {always} always run");
    // Measured when the prefilter was written: 10 of 1,004 rows run on every message.
    assert!(
        always * 20 < filtered,
        "{always} rows always run, {filtered} filtered"
    );
    assert!(literals > 0);
}

/// Sextortion is the tracker's finding (a threat beside a demand); a row naming it would let one
/// pattern bypass the two halves.
#[test]
fn a_table_may_not_name_the_tracker_s_categories() {
    let mut rows = Vec::new();
    let err = parse_table(
        "xx",
        "[sextortion]\n0.9  \\bpay\\b\n",
        &age_group(),
        &mut rows,
    )
    .expect_err("a [sextortion] section is refused");
    assert_eq!(err.kind(), crate::error::ErrorKind::InvalidCueTable);
    assert!(err.to_string().contains("tracker"), "{err}");
    assert!(Category::ALL
        .iter()
        .filter(|c| !c.found_by_rows())
        .eq([&Category::Sextortion]));
}

/// Warming in slices compiles every row, a slice at a time, and leaves the hits as they were.
#[test]
fn compile_some_warms_every_row_in_slices() {
    let set = CueSet::new().unwrap();
    let text = crate::normalize::normalize("this is just between us ok, dont tell anyone");
    let before = set.find(&text);
    let total = set.len();
    let mut left = set.compile_some(100);
    // The message compiled its candidate rows already; the first slice compiles 100 more.
    assert!(left > 0 && left + 100 < total, "{left} of {total} left");
    while left > 0 {
        let next = set.compile_some(100);
        assert!(next < left);
        left = next;
    }
    assert_eq!(set.compile_some(100), 0);
    set.compile_all().unwrap();
    assert_eq!(set.find(&text), before);
}
