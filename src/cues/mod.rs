//! Interpretable cue detectors: what in a message looks like a step of grooming.
//!
//! The patterns are data, not code: one table per language (`en.cues`, `de.cues`, `es.cues`, `nl.cues`,
//! `fr.cues` beside this file), embedded at compile time and parsed once; each row's required
//! literals go into one Aho-Corasick automaton (`prefilter`), and a message runs only the rows whose
//! literals it contains, each row a [`regex::Regex`] compiled on its first candidate message. A
//! table looks like this:
//!
//! ```text
//! # comment
//! [secrecy]                       # a category, by its snake_case name
//! 0.9  \bkeep (this|it) secret\b  # weight (0 to 1), then a pattern over normalised text
//! unless  \bsurprise\b            # the category is not counted in a message that matches this
//! ```
//!
//! Patterns are written against the output of [`crate::normalize`]: lower case, no apostrophes,
//! abbreviations expanded (`u` → `you`, `im` → `i am`, `pic` → `picture`), accents removed.
//! `\b`, `\w`, `\d` and `\s` (and their negations) are ASCII: a letter of another script is not a
//! word character, nor a digit of another script a digit. Normalisation has already folded
//! accents, look-alikes and fullwidth forms to ASCII, and ASCII classes keep regex's Unicode
//! tables (about 90 KB) out of the WebAssembly.
//! Placeholders keep tables short: `{YOU}`, `{YOUR}`, `{YOURE}` ("you are" as chat spells it:
//! `you are`, `youre`, `your`, `you`), `{PARENT}`, `{APP}`, `{PIC}`, `{AGE}` (the last is a
//! capture group for a stated age, used by `age_statement` rows), and for Dutch `{JE}`,
//! `{JOUW}`, `{OUDERS}`, `{FOTO}` and `{FF}` (any run of filler words: `ff`, `even`, `maar`...).

use crate::error::{Error, ErrorKind};
use crate::normalize::Normalized;
use prefilter::{Prefilter, RowBits};
use regex::Regex;
#[cfg(not(target_arch = "wasm32"))]
use regex::{RegexSet, RegexSetBuilder};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

mod prefilter;

/// The grooming stages, in the order in which they usually unfold (O'Connell 2003; Lorenzo-Dus et
/// al. 2016). Later stages are more serious.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Nothing yet.
    #[default]
    None,
    /// Friendship and trust forming: flattery, gifts.
    Friendship,
    /// Gathering personal information: age, school, where the child lives.
    Information,
    /// Risk assessment: are the parents around, who reads the child's phone.
    RiskAssessment,
    /// Exclusivity: isolation from family and friends, secrecy.
    Exclusivity,
    /// Moving to a private channel or camera: another app, a phone number, photos.
    PrivateChannel,
    /// Desensitisation: sexual talk, and coercion built on it.
    Sexual,
    /// Approach: plans to meet in person.
    Approach,
}

impl Stage {
    /// A short plain name for people.
    pub fn label(self) -> &'static str {
        match self {
            Stage::None => "none",
            Stage::Friendship => "building trust",
            Stage::Information => "gathering personal details",
            Stage::RiskAssessment => "checking who is watching",
            Stage::Exclusivity => "isolation and secrecy",
            Stage::PrivateChannel => "moving to a private channel",
            Stage::Sexual => "sexual talk or pressure",
            Stage::Approach => "planning to meet",
        }
    }
}

macro_rules! categories {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal => $stage:ident, $gravity:literal; )*) => {
        /// A kind of grooming cue. Each belongs to a [`Stage`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Category {
            $( $(#[$doc])* $variant, )*
        }

        impl Category {
            /// Every category, in a fixed order (the index used in state).
            pub const ALL: &'static [Category] = &[ $( Category::$variant, )* ];

            /// The snake_case name used in tables, JSON and the CLI.
            pub fn name(self) -> &'static str {
                match self { $( Category::$variant => $name, )* }
            }

            /// The stage this category belongs to.
            pub fn stage(self) -> Stage {
                match self { $( Category::$variant => Stage::$stage, )* }
            }

            /// How much one unit of this category's evidence weighs in the risk.
            pub fn gravity(self) -> f32 {
                match self { $( Category::$variant => $gravity, )* }
            }

            /// Parses a snake_case name.
            pub fn from_name(name: &str) -> Option<Category> {
                match name { $( $name => Some(Category::$variant), )* _ => None }
            }
        }
    };
}

categories! {
    /// Asking the child's age.
    AgeProbe = "age_probe" => Information, 0.5;
    /// Someone stating their own age (context: it feeds the age gap, not the risk by itself).
    AgeStatement = "age_statement" => None, 0.0;
    /// Asking for school, town, address.
    PersonalInfo = "personal_info" => Information, 0.6;
    /// Flattery and trust: "mature for your age", "you're special".
    Flattery = "flattery" => Friendship, 0.6;
    /// Gifts and offers: money, gift cards, in-game currency, "modelling".
    Gifts = "gifts" => Friendship, 0.7;
    /// Checking who is around: parents home, alone, who reads the phone.
    RiskCheck = "risk_check" => RiskAssessment, 1.0;
    /// Isolating the child: "your parents don't understand you", "only I get you".
    Isolation = "isolation" => Exclusivity, 1.0;
    /// Secrecy: don't tell, our secret, delete our chats.
    Secrecy = "secrecy" => Exclusivity, 1.1;
    /// Moving to another app or a phone number, or away from moderation.
    PrivateChannel = "private_channel" => PrivateChannel, 0.9;
    /// Asking for photos, video, camera.
    ImageRequest = "image_request" => PrivateChannel, 0.9;
    /// Plans to meet, pick up, visit.
    Meeting = "meeting" => Approach, 1.0;
    /// Sexual talk.
    Sexual = "sexual" => Sexual, 1.0;
    /// Coercion and threats, sextortion.
    Coercion = "coercion" => Sexual, 1.6;
    /// Talk about the age gap: "age is just a number", "I know I'm older".
    AgeGap = "age_gap" => Friendship, 1.2;
    /// A threat to share the child's images, videos or private chats (context: it counts as
    /// coercion, and with a [`Category::Demand`] it is sextortion).
    Expose = "expose" => None, 0.0;
    /// A demand backed by pressure: money, gift cards, game currency, more images, a call,
    /// staying in contact (context: it only counts beside [`Category::Expose`]).
    Demand = "demand" => None, 0.0;
    /// Sextortion: a threat to share images or chats with a demand, within two contact messages.
    /// Found by the tracker from `expose` and `demand`, never by a table row.
    Sextortion = "sextortion" => Sexual, 2.0;
}

impl Category {
    /// `true` for categories that only give context to others (a stated age, the two halves of
    /// a sextortion threat): they are never present on their own and weigh nothing in the risk.
    ///
    /// ```
    /// use safedm::cues::Category;
    /// assert!(Category::Expose.is_context());
    /// assert!(!Category::Sextortion.is_context());
    /// ```
    pub fn is_context(self) -> bool {
        matches!(
            self,
            Category::AgeStatement | Category::Expose | Category::Demand
        )
    }

    /// `false` for the categories a table row may not name: the tracker finds them.
    pub fn found_by_rows(self) -> bool {
        self != Category::Sextortion
    }

    /// `true` for the categories the learned scorer was trained with as features. Categories
    /// added after it was trained are left out, so that adding one never moves its scores.
    pub fn is_model_feature(self) -> bool {
        !matches!(
            self,
            Category::Expose | Category::Demand | Category::Sextortion
        )
    }
}

/// One cue found in a message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CueHit {
    /// What kind of cue.
    pub category: Category,
    /// How sure the pattern is (0 to 1), from the table.
    pub weight: f32,
    /// Byte range in the original message text.
    pub start: usize,
    /// End of the byte range in the original message text.
    pub end: usize,
    /// The stated age, for `age_statement` hits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<u8>,
}

/// The cue tables, embedded in the binary. (language code, table text)
pub const TABLES: &[(&str, &str)] = &[
    ("en", include_str!("en.cues")),
    ("de", include_str!("de.cues")),
    ("es", include_str!("es.cues")),
    ("nl", include_str!("nl.cues")),
    ("fr", include_str!("fr.cues")),
];

/// One row of a table after placeholder expansion.
#[derive(Clone, Debug)]
struct Row {
    category: Category,
    weight: f32,
    /// `true` for `unless` rows, which veto their category in a message.
    veto: bool,
    /// The expanded pattern (checked by the parser when the tables load).
    pattern: String,
    /// The pattern compiled, on the first message whose literals make the row a candidate (see
    /// [`Prefilter`]): most rows never run in a session, and compiling all of them was most of
    /// the engine's start-up. `None` if it does not compile (the tests compile every row).
    regex: OnceLock<Option<Regex>>,
}

impl Row {
    fn regex(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| Regex::new(&self.pattern).ok())
            .as_ref()
    }
}

/// All cue tables, compiled once. Cheap to share; build it with [`CueSet::new`].
#[derive(Clone, Debug)]
pub struct CueSet {
    rows: Vec<Row>,
    prefilter: Prefilter,
    /// The plain path, without the prefilter: every row in [`RegexSet`]s of [`ROWS_PER_SET`],
    /// each with the index of its first row. Built on first use by [`CueSet::find_unfiltered`]
    /// only (the tests and benches compare the two paths). Not in the WASM: `RegexSet`'s
    /// overlapping search would only add code there.
    #[cfg(not(target_arch = "wasm32"))]
    unfiltered: OnceLock<Vec<(RegexSet, usize)>>,
}

/// Rows per compiled [`RegexSet`] of the plain path. One set over all the tables' rows (about a
/// thousand) outgrows the lazy DFA's cache on longer texts and the search falls back to a slower
/// engine. Measured on bench's speed sample (11,577 chat lines, `safedm score`): one set 0.85 s
/// of matching, sets of 256 rows 0.38 s, 128 0.29 s, 64 0.25 s, 32 0.28 s.
#[cfg(not(target_arch = "wasm32"))]
const ROWS_PER_SET: usize = 64;

/// The lazy DFA cache limit of each set of the plain path. The default is too small for a set of
/// many rows (it thrashes; measured 10x slower when it was one set). It was 2 MB when the plain
/// path was the engine's (for 64 rows then as fast as 16 MB, and the WASM's memory stayed small);
/// with the sextortion rows a 2 MB cache gives up and the search falls back to the PikeVM
/// (measured: the repository-lines prefilter test 54 s at 2 MB, 9.8 s at 8 MB, 9.1 s at 16 MB).
/// The plain path is native, tests and benches only now; the limit changes no hit.
#[cfg(not(target_arch = "wasm32"))]
const DFA_BYTES_PER_SET: usize = 8 << 20;

const PLACEHOLDERS: &[(&str, &str)] = &[
    // Sextortion (English). Expanded first: they use the placeholders below.
    // The child's images or chats: "your pics", "the video you sent", "our chats", "the ones i
    // saved".
    (
        "{YM}",
        "(?:(?:your|yours) (?:\\w+ ){0,2}{MEDIA}|{MEDIA} (?:of {YOU}\\b|{YOU} (?:sent|made|gave|did))|(?:what|everything|all|the (?:ones|stuff|things)) {YOU} (?:sent|gave)|our (?:whole |entire )?(?:video ?)?(?:call|chats?|chat history|chat logs?|convos?|conversations?|dms)|the ones i (?:have|saved|kept|got|recorded))",
    ),
    // Whom the child's images would be shown to: the child's own people, or everyone.
    (
        "{AUD}",
        "(?:(?:your|yours) (?:(?:whole|entire|other|own) )?(?:\\w+ )?(?:followers?|friends?|friends? list|followers? list|family|parents?|mum|mom|mother|dad|father|brothers?|sisters?|cousins?|aunts?|uncles?|grandma|grandpa|gran|nan|grandparents?|school\\w*|class|classmates|teachers?|contacts?|group ?chats?|groups?|squad|team|coach|church|neighbou?rs|relatives|principal|boss|girlfriend|boyfriend|crush)|every ?(?:one|body) {YOU} know|every ?(?:one|body) (?:in|on|at|from) (?:your|yours) (?:\\w+ ){0,2}?(?:class|school|group|group ?chats?|followers|friends|contacts|list|snap|snapchat|insta|family|server)|(?:every|each) (?:name|person|contact|follower)|all (?:of )?them|(?:the|{YOUR}) (?:whole )?(?:internet|web)|the (?:\\w+ )?(?:followers|friends|family|parents|classmates|teachers|contacts) of {YOU}|(?:the )?(?:\\w+ ){0,2}(?:group chat|group|chat|page|account|server) of {YOUR})",
    ),
    (
        "{MEDIA}",
        "(?:pictures?|photos?|photographs?|selfies?|snaps?|videos?|vids?|clips?|nudes?|screenshots?|screen ?shots?|screen ?recordings?|recordings?|chats?|chat logs?|messages|dms|convos?|conversations?|files|material)",
    ),
    // Sextortion (German): the child's images or chats, and the child's people.
    (
        "{DE_MEDIA}",
        "(?:bilder|bild|fotos?|fotografien|pics|pictures?|videos?|clips?|aufnahmen?|aufzeichnung|screenshots?|bildschirmaufnahme|chats?|chatverlauf|chatprotokolle?|nachrichten|dateien|datei|material|kopie|nacktbilder|die (?:alten?|bisherigen|vorhandenen|anderen)|(?:alles )?was du mir (?:geschickt|gesendet) hast)",
    ),
    (
        "{DE_AUD}",
        "(?:(?:dein|deine|deiner|deinen|deinem|ihr|ihre|ihrer|ihren|ihrem|eure|eurer|euren|eurem) (?:\\w+ )?(?:follower\\w*|freund\\w*|klasse\\w*|familie|eltern|mutter|mama|vater|papa|oma|opa|grossmutter|grossvater|bruder|schwester|geschwister|cousin\\w*|tante|onkel|schule|lehrer\\w*|klassenlehrer\\w*|kontakte?|liste|freundesliste|followerliste|story|mitschuler\\w*|klassenkamerad\\w*|gruppe|klassengruppe|gruppenunterhaltung)|(?:alle|jeder|jedem|jede|jeden) (?:\\w+ )?(?:an|in|aus|von) (?:deiner|deinen|ihrer|ihren|eurer)|(?:jede[rmn]?|alle) (?:kontakt\\w*|freund\\w*|follower\\w*) von (?:dir|ihnen)|(?:die )?(?:ganze|gesamte) (?:familie|schule|klasse)|(?:gruppe|klasse|schule) von (?:deine[rmn]?|ihnen|dir)|(?:mitschuler\\w*|freund\\w*|klassenkamerad\\w*) von dir|(?:\\w+ )?von (?:deiner|deinem|ihrer|ihrem) (?:schule|klasse|familie)|(?:im|ins|auf) (?:netz|internet)|(?:auf|in) (?:eine[rmn]? )?(?:webseite|internetseite|seite)|offentlich)",
    ),
    // Sextortion (Dutch): the child's images or chats, the child's people, and the words that
    // make a threat conditional ("of", "anders", "zo niet", "indien", "doe je dat niet, dan").
    (
        "{NL_MEDIA}",
        "(?:fotos?|fotootjes?|fotografieen|selfies?|filmpjes?|videos?|pictures?|pics|plaatjes?|snaps?|nudes?|naaktfotos|screenshots?|schermopnames?|schermafbeeldingen?|opnames?|beelden|afbeeldingen?|priveafbeeldingen|privefotos|chats?|chatgesprek(?:ken)?|chatlogboeken|chatlogs?|chatgeschiedenis|gesprek(?:ken)?|videogesprek(?:ken)?|berichten|bestanden|bestand|(?:video|beeld|foto)?materiaal|kopie|de (?:oude|vorige|bestaande|andere|eerdere)(?: \\w+)?|(?:alles )?(?:wat|what) (?:je|jij|you) (?:me|mij) (?:hebt |heb )?(?:stuurde|stuurt|gestuurd|gaf|gegeven|liet zien))",
    ),
    (
        "{NL_AUD}",
        "(?:(?:je|jouw|uw|jullie) (?:hele |complete |volledige |eigen )?(?:\\w+ )?(?:volgers?|volgerslijst|vrienden(?:lijst| lijst)?|vriendinnen|vriendin|vriend|vriendje|klas|klasgenoten|klasgenoot|klassenapp|klassengroep|klassenchat|groepsapp|groepschat|school|ouders|moeder|vader|mama|papa|mam|pap|ma|pa|oma|opa|grootouders|broer|broertje|broers|zus|zusje|zussen|familie|neef|nicht|tante|oom|mentor|leraren|leraar|lerares|docenten|docent|juf|meester|trainer|coach|contacten|contactpersonen|contactenlijst|lijst|team|club|baas|crush|buren|kerk|familieleden|kennissen|collegas|vriendengroep)|heel (?:je |jouw |uw )?(?:familie|school|klas)|de hele (?:klas|school)|iedereen|(?:elk|elke|ieder|iedere|al|alle) (?:\\w+ )?(?:contact|contacten|persoon|volger|volgers|vriend|vrienden) van (?:jou|je|you)|(?:\\w+ ){0,2}(?:van|uit) (?:je|jouw|uw) (?:school|klas|familie|vrienden|lijst|volgers|contacten|team|club))",
    ),
    (
        "{NL_IF}",
        "(?:of|anders|zo ?niet|als niet|tenzij|als (?:je|jij|you) (?:\\w+ ){0,4}niet|als (?:je|jij|you) (?:me|mij) (?:\\w+ ){0,4}(?:blokt|blokkeert|blokkeerd|negeert|verlaat|ghost|rapporteert|meldt|aangeeft)|indien|in het geval|niet,? dan|daarna|na deze tijd|zonder|wil (?:je|jij|you) niet dat)",
    ),
    // Sextortion (French). Elided articles and pronouns are glued on after normalisation
    // (l'appel → lappel, j'envoie → jenvoie, d'abonnés → dabonnes), and `t'es` reads as `tes`.
    // The child's images or chats: "tes photos", "ce que tu m'as envoyé", "nos convs", "celles
    // que j'ai", "la vidéo de toi".
    (
        "{FR_YM}",
        "(?:(?:tes|ta|ton|vos|votre|tous tes|toutes tes|tous vos|toutes vos) (?:\\w+ ){0,2}{FR_MEDIA}|{FR_MEDIA} (?:de toi|de vous|priv\\w*|intimes?|que (?:tu|vous) (?:mas|mavez|ma|me) \\w+)|(?:tout )?ce que (?:tu|vous) (?:mas|mavez|ma|me) (?:\\w+ )?(?:envoy\\w*|envoie|montr\\w*|donn\\w*|fait voir|partag\\w*)|(?:celles?|ceux) (?:que (?:tu|vous) (?:mas|mavez|ma) \\w+|que jai|que je garde|existantes)|(?:nos|notre) (?:\\w+ )?{FR_MEDIA}|lappel (?:dhier|video|camera|cam|visio)|lenregistrement)",
    ),
    // Whom they would go to: the child's people ("ta mère", "tous tes contacts", "le groupe de
    // ta classe", "tout le monde que tu connais"), or the public.
    (
        "{FR_AUD}",
        "(?:(?:ton|ta|tes|votre|vos|tous tes|toutes tes|tous vos|toutes vos|toute ta|tout ton|toute votre|tout votre|une? de tes|une? de vos|chacun de tes|chacun de vos|lensemble de (?:tes|vos|ta|ton|votre)) (?:\\w+ ){0,2}?(?:mere|maman|pere|papa|parents?|darons?|daronne|famille|freres?|soeurs?|cousins?|cousines?|grand-mere|grand-pere|grands-parents|grand mere|grand pere|grands parents|mamie|papi|papy|oncles?|tantes?|amis?|amies?|potes?|copains?|copines?|abonnes|followers?|suiveurs|contacts?|classe|lycee|college|ecole|bahut|profs?|professeurs?|camarades|liste|insta|instagram|snap|snapchat|facebook|tiktok|story|groupes?|entourage|proches|club|equipe|voisins?|mec|meuf|crush|directeur|directrice|collegues|entraineur|coach|quartier)\\b|tout le monde(?: que (?:tu|vous) (?:connais|connaissez))?|tout le (?:lycee|college|bahut|quartier|club)|toute la classe|(?:le |au )?groupe (?:\\w+ ){0,2}(?:de|du|d) ?(?:la |ta |votre |ton )?(?:classe|lycee|college|ecole|famille)|(?:sur|a) (?:internet|le net|les reseaux(?: sociaux)?|des sites?|un site)|publiquement|une personne de (?:ta|votre) liste)",
    ),
    (
        "{FR_MEDIA}",
        "(?:photos?|photographies?|pictures?|images?|limages?|selfies?|nudes?|snaps?|videos?|vids?|clips?|screens?|screenshots?|captures?(?: d ?ecran| decran)?|enregistrements?|lenregistrements?|conversations?|convs?|convos?|discussions?|messages?|echanges|lechange|fichiers?|contenus?|vocaux|appels? (?:video|camera|cam|visio))",
    ),
    // "I send" in the first person: "j'envoie", "je vais les poster", "jvais balancer".
    (
        "{FR_SEND}",
        "(?:je (?:\\w+ ){0,2}|jvais (?:\\w+ )?|jles |jte |jleur |j)(?:envoi\\w*|envoy\\w*|post\\w*|partag\\w*|publi\\w*|montr\\w*|balanc\\w*|diffus\\w*|transfer\\w*|transmet\\w*|fais tourner|ferai tourner|mets?\\b|mettr\\w*|leak\\w*|commence a envoy\\w*|commence envoy\\w*)",
    ),
    // The images going somewhere, then a preposition: "partent à", "finissent dans", "seront
    // envoyées au", "sera transmise à", "seront visibles par".
    (
        "{FR_GO}",
        "(?:part|partent|partira|partiront|va partir|vont partir|va|vont|ira|iront|finit|finissent|finira|finiront|va finir|vont finir|atterri\\w*|arrive\\w*|circul\\w*|tourne\\w*|se retrouv\\w*|(?:sera|seront|vont etre|va etre|seraient|serait|est|sont) (?:\\w+ )?(?:envoy|partag|transmi|diffus|publi|montr|post|transfer|distribu|balanc|expos|mis\\w* en ligne|affich|divulgu)\\w*|(?:sera|seront|seraient|serait) visibles?)(?: (?:direct|directement|tout droit|droit|immediatement|automatiquement|aussi))? (?:a|au|aux|chez|sur|dans|en|par|avec|vers|partout)\\b",
    ),
    // What introduces the threat: "sinon", "ou", "soit", "dans le cas contraire", "sans un
    // paiement", "si tu ne réponds pas".
    (
        "{FR_IF}",
        "(?:sinon|ou|ou bien|autrement|soit|donc|sans (?:quoi|cela|ca|un|une|le|la|les|votre|ton|ta|reponse)|faute de \\w+|a defaut|dans le cas contraire|en cas de (?:refus|non)|si (?:tu|vous) (?:ne )?(?:\\w+ ){0,3}(?:pas|plus|jamais)|si (?:tu|vous) (?:refuses?|refusez|bloques?|bloquez|me bloques?|me bloquez))",
    ),
    // French, the other categories. The child's people: `{FR_FAM}` is `{FR_PARENT}` (parents
    // and whoever minds the child) or a sibling; `{FR_CLOSE}` adds friends, class and teachers.
    (
        "{FR_CLOSE}",
        "(?:{FR_FAM}|amis?|amies?|potes?|copains?|copines?|meilleure? (?:amie?|pote)|bff|groupe|classe|camarades|profs?|professeurs?|cousins?|cousines?)",
    ),
    (
        "{FR_FAM}",
        "(?:{FR_PARENT}|(?:grand |grande |petit |petite )?(?:freres?|soeurs?))",
    ),
    (
        "{FR_PARENT}",
        "(?:parents?|mere|maman|mom|pere|papa|darons?|daronne|beau-pere|belle-mere|grand-mere|grand-pere|grand mere|grand pere|grands-parents|grands parents|mamie|papi|papy|nounou|famille|tuteur|tutrice)",
    ),
    // "ton", "ta", "tes", and the formal "votre", "vos".
    ("{FR_TON}", "(?:ton|ta|tes|votre|vos)"),
    // Another app or channel, beyond `{APP}`.
    (
        "{FR_APP}",
        "(?:{APP}|messenger|sms|texto|teams|viber|wire|session|teamspeak|signal|mp|dm|dms|tel|telephone|portable|appel video|visio|vc prive|vocal prive)",
    ),
    // What a stranger offers: game currency, cards, money, devices, clothes.
    (
        "{FR_GIFT}",
        "(?:robux|v-?bucks|vbucks|skins?|pass(?: de combat)?|battle ?pass|nitro|cartes? (?:cadeaux?|steam|psn|google play|amazon|fnac|sephora|prepayee|itunes|xbox|playstation)|cadeaux?|euros?|balles|argent|sous|fric|thune|paypal|lydia|paylib|virement|forfait|recharge|telephone|tel|iphone|portable|console|airpods|codes?|gemmes|coins|pieces|diamants|sub|abonnement|maquillage|parfum|vetements|fringues|baskets|chaussures|sweat|boost)",
    ),
    // Sextortion (Spanish). The child's images or chats: "tus fotos", "nuestras conversaciones",
    // "lo que me enviaste", "las que ya tengo" (normalised `ya` reads `you`).
    (
        "{ES_YM}",
        "(?:(?:tus|tu|sus|su|nuestr[oa]s?) (?:(?:propi|ultim|primer|viej|antigu|mejor|otr|mism)\\w* )?{ES_MEDIA}|{ES_MEDIA} (?:\\w+ )?(?:tuy[oa]s?|suy[oa]s?|de ti|de usted)|(?:todo )?lo (?:que|q) tengo (?:tuyo|de ti|suyo|de usted)|lo (?:que|q) me (?:enviaste|mandaste|pasaste|ensenaste|mostraste|diste|has (?:enviado|mandado|pasado|ensenado|mostrado))|(?:las|los) (?:que|q) (?:you |ya )?(?:tengo|guarde|me (?:enviaste|mandaste|pasaste|has enviado|has mandado)))",
    ),
    (
        "{ES_MEDIA}",
        "(?:fotos?|fotitos?|fotografias?|imagen|imagenes|selfies?|videos?|videitos?|vids?|clips?|grabacion(?:es)?|capturas?(?: de pantalla)?|pantallazos?|screenshots?|chats?|conversacion(?:es)?|mensajes|(?:los|nuestros|tus|sus) mensaje|audios|archivos?|material|contenido|nudes|packs?|desnudos|lo (?:que|q) me (?:enviaste|mandaste|pasaste|ensenaste|mostraste|diste|has (?:enviado|mandado|pasado|ensenado|mostrado))|(?:las|los) (?:que|q) (?:you |ya )?(?:tengo|guarde|me (?:enviaste|mandaste|pasaste|has enviado|has mandado))|(?:las|los) (?:existentes|anteriores)|(?:el|la) (?:primer[oa]|anterior|ultim[oa]))",
    ),
    // Whom they would go to: the child's people (with a possessive: a sibling's "mamá" is not
    // one), the child's class or feed, or everyone. Not `vuestros`: a teacher addresses a class.
    (
        "{ES_AUD}",
        "(?:(?:tu|tus|su|sus) (?:\\w+ )?(?:padres|papas|madre|padre|mama|papa|mami|papi|familia|familiares|abuel[oa]s?|herman[oa]s?|hermanit[oa]s?|prim[oa]s?|ti[oa]s?|amig[oa]s?|amistades|seguidor(?:es|as)?|followers|contactos?|lista|clase|companer[oa]s?|compis?|profes?|profesor(?:a|es|as)?|maestr[oa]s?|tutor(?:a|es)?|colegio|cole|insti|instituto|escuela|universidad|grupos?|novi[oa]|entrenador(?:a)?|club|equipo|iglesia|vecin[oa]s|jefe|insta|instagram|tiktok|snap|snapchat|facebook|face|twitter|historia|muro|perfil|gente|circulo|entorno|barrio|pueblo)|(?:amig[oa]s?|prim[oa]s?|herman[oa]s?|companer[oa]s?|contactos?|seguidor(?:es|as)?) tuy[oa]s?|todo el (?:insti|instituto|cole|colegio|mundo|pueblo|barrio|club|equipo)|toda (?:la|tu|su) (?:clase|escuela|familia|gente|lista)|todos (?:los|las|aquellos) (?:que|q) (?:tu |usted )?(?:conoce|conoces|sigue|sigues)|todo tu (?:snap|tiktok|insta|instagram|face|facebook|twitter|grupo|lista|barrio|mundo|entorno|circulo|pueblo|insti|cole|colegio|instituto)|(?:el )?(?:chat de )?grupo de (?:tu |la |su )?clase|(?:la )?totalidad de (?:tu|su) \\w+|internet|la red|las redes(?: sociales)?|redes sociales|una (?:web|pagina)|la web|(?:el )?sitio web|pagina (?:de )?internet|paginas? porno|mi (?:historia|estado|perfil|muro|canal))",
    ),
    // A threat's hinge: "o", "si no", "de lo contrario", "en caso contrario", "la negativa".
    (
        "{ES_OR}",
        "(?:o|sino|si no|de lo contrario|de otro modo|en caso contrario|caso contrario|en caso de (?:negativa|no \\w+)|si (?:usted |tu )?no|de no hacerlo|en caso de no hacerlo|como (?:no|me|vuelvas)|si me vuelves a|la negativa|la no \\w+|cualquier intento|por cada|si me (?:bloqueas|ignoras|dejas)|antes de que)",
    ),
    // Sending, showing, publishing, and the images arriving ("van", "llegan", "acaban en").
    (
        "{ES_SEND}",
        "(?:mand\\w*|envi\\w*|reenvi\\w*|pas[oae]\\w*|ensen\\w*|mostr\\w*|muestr\\w*|sub[eoia]\\w*|publi\\w*|compart\\w*|difund\\w*|difusion|filtr\\w*|pong[oa]\\w*|pondr\\w*|poner|colg\\w*|cuelg\\w*|doy|dare|van?|vaya|vayan|ira|iran|acab\\w*|termin\\w*|lleg\\w*|recib\\w*|ven?|vera|veran|vean?|mira\\w*|leer|leeran|visibles?|transmit\\w*|remit\\w*|distribu\\w*|expon\\w*|expuest\\w*|circul\\w*)",
    ),
    // The child's people receiving or seeing them.
    (
        "{ES_SEE}",
        "(?:recib\\w*|ven?|vera|veran|vean?|veria|verian|ver|mira\\w*|lee|leen|leer|leera|leeran|tendra|tendran|sabra|sabran|flip\\w*|descubr\\w*|alucin\\w*)",
    ),
    ("{YOU}", "(?:you|yu)"),
    ("{YOUR}", "(?:your|youre|you are|yours|you)"),
    // "you are" as chat writes it: `ur`/`u r` normalise to `your`/`you are`, `u` alone to `you`.
    ("{YOURE}", "(?:you are|youre|your|you)"),
    (
        "{PARENT}",
        "(?:parents?|mum|mom|mommy|mummy|mam|mother|dad|daddy|father|folks|step ?(?:mum|mom|dad)|family|grandparents?|gran|grandma|nan)",
    ),
    (
        "{APP}",
        "(?:snapchat|snap|sc|whatsapp|whats app|wa|telegram|tg|kik|discord|signal|wickr|insta|instagram|ig|skype|facetime|imessage|wechat|viber|threema|session app|line app)",
    ),
    (
        "{PIC}",
        "(?:pictures?|photos?|selfies?|snaps?|videos?|vids?|clips?|nudes?)",
    ),
    // Dutch. Formal `u` is normalised to `you`.
    ("{JE}", "(?:je|jij|jou|you)"),
    ("{JOUW}", "(?:je|jouw|uw)"),
    (
        "{OUDERS}",
        "(?:ouders|moeder|vader|mama|papa|mam|pap|ma|pa)",
    ),
    (
        "{FOTO}",
        "(?:fotos?|fotootje|selfies?|filmpjes?|videos?|pictures?|plaatjes?|snaps?)",
    ),
    (
        "{FF}",
        "(?:(?:ff|even|eens|es|s|maar|dan|gewoon|nu|snel|wel|nog|straks|daarna|alvast|meteen|een keer|binnenkort|alsjeblieft|aub|please) )*",
    ),
];

/// Number words accepted as ages in `{AGE}`, with their values (English, German, Spanish, Dutch;
/// Dutch `elf` is the German one).
pub(crate) const AGE_WORDS: &[(&str, u8)] = &[
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("neun", 9),
    ("zehn", 10),
    ("elf", 11),
    ("zwolf", 12),
    ("dreizehn", 13),
    ("vierzehn", 14),
    ("funfzehn", 15),
    ("sechzehn", 16),
    ("siebzehn", 17),
    ("achtzehn", 18),
    ("zwanzig", 20),
    ("dreissig", 30),
    ("vierzig", 40),
    ("nueve", 9),
    ("diez", 10),
    ("once", 11),
    ("doce", 12),
    ("trece", 13),
    ("catorce", 14),
    ("quince", 15),
    ("dieciseis", 16),
    ("diecisiete", 17),
    ("dieciocho", 18),
    ("veinte", 20),
    ("treinta", 30),
    ("cuarenta", 40),
    ("negen", 9),
    ("tien", 10),
    ("twaalf", 12),
    ("dertien", 13),
    ("veertien", 14),
    ("vijftien", 15),
    ("zestien", 16),
    ("zeventien", 17),
    ("achttien", 18),
    ("negentien", 19),
    ("twintig", 20),
    ("dertig", 30),
    ("veertig", 40),
    ("vijftig", 50),
];

fn age_group() -> String {
    let mut words: Vec<&str> = AGE_WORDS.iter().map(|(w, _)| *w).collect();
    // Longest first so that "thirteen" is not read as "thirty"-something's prefix.
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    format!("(?P<age>\\d{{1,2}}|{})", words.join("|"))
}

fn expand(pattern: &str, age: &str) -> String {
    let mut out = pattern.replace("{AGE}", age);
    for (name, value) in PLACEHOLDERS {
        out = out.replace(name, value);
    }
    ascii_perl_classes(&out)
}

/// Rewrites the Perl classes and word boundaries of a pattern to their ASCII forms (`\d` →
/// `[[:digit:]]`, `\b` → `(?-u:\b)`), which regex compiles without its Unicode tables (the crate's
/// `unicode-perl` feature is off). Inside a bracketed class the class is spliced in bare
/// (`[\d.]` → `[[:digit:].]`).
pub(crate) fn ascii_perl_classes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut in_class = false;
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(next) = chars.next() else {
                    out.push(c);
                    break;
                };
                let class = match next {
                    'd' => Some("[:digit:]"),
                    'D' => Some("[:^digit:]"),
                    's' => Some("[:space:]"),
                    'S' => Some("[:^space:]"),
                    'w' => Some("[:word:]"),
                    'W' => Some("[:^word:]"),
                    _ => None,
                };
                match (class, next) {
                    (Some(class), _) if in_class => out.push_str(class),
                    (Some(class), _) => {
                        out.push('[');
                        out.push_str(class);
                        out.push(']');
                    }
                    (None, 'b' | 'B') if !in_class => {
                        out.push_str("(?-u:\\");
                        out.push(next);
                        out.push(')');
                    }
                    _ => {
                        out.push(c);
                        out.push(next);
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                // A `]` (or `^]`) right after the opening bracket is a literal.
                let rest = chars.as_str();
                let literal = if rest.starts_with("^]") {
                    2
                } else {
                    usize::from(rest.starts_with(']'))
                };
                for _ in 0..literal {
                    if let Some(l) = chars.next() {
                        out.push(l);
                    }
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Parses one table's text into rows. Errors name the language and line.
/// Each row comes with its required literals ([`prefilter::required_literals`]).
fn parse_table(
    lang: &str,
    text: &str,
    age: &str,
    rows: &mut Vec<(Row, Option<Vec<Vec<u8>>>)>,
) -> Result<(), Error> {
    let mut category: Option<Category> = None;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = || format!("cue table {lang}, line {}", n + 1);
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let named = Category::from_name(name).ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidCueTable,
                    format!("{}: unknown category {name:?}", at()),
                )
            })?;
            if !named.found_by_rows() {
                return Err(Error::new(
                    ErrorKind::InvalidCueTable,
                    format!("{}: [{name}] is found by the tracker, not by rows", at()),
                ));
            }
            category = Some(named);
            continue;
        }
        let Some(category) = category else {
            return Err(Error::new(
                ErrorKind::InvalidCueTable,
                format!("{}: row before any [category]", at()),
            ));
        };
        let (head, pattern) = line
            .split_once(char::is_whitespace)
            .map(|(h, p)| (h, p.trim()))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidCueTable,
                    format!("{}: expected `weight pattern`", at()),
                )
            })?;
        let (veto, weight) = if head == "unless" {
            (true, 0.0)
        } else {
            let w: f32 = head.parse().map_err(|_| {
                Error::new(
                    ErrorKind::InvalidCueTable,
                    format!("{}: weight {head:?} is not a number", at()),
                )
            })?;
            if !(0.0..=1.0).contains(&w) {
                return Err(Error::new(
                    ErrorKind::InvalidCueTable,
                    format!("{}: weight {w} outside 0..=1", at()),
                ));
            }
            (false, w)
        };
        let expanded = expand(pattern, age);
        // Parsed as `Regex::new` parses it (same parser, default flags): syntax errors are
        // reported here, at start-up; the compiling waits for the first candidate message.
        let hir = regex_syntax::Parser::new()
            .parse(&expanded)
            .map_err(|e| Error::new(ErrorKind::InvalidCueTable, format!("{}: {e}", at())))?;
        if category == Category::AgeStatement && !veto && !prefilter::has_capture(&hir, "age") {
            return Err(Error::new(
                ErrorKind::InvalidCueTable,
                format!("{}: age_statement rows need {{AGE}}", at()),
            ));
        }
        rows.push((
            Row {
                category,
                weight,
                veto,
                pattern: expanded,
                regex: OnceLock::new(),
            },
            prefilter::required_literals(&hir),
        ));
    }
    Ok(())
}

/// Words that, right after a number, show it is not an age ("I'm 5 minutes away").
const NOT_AGE_UNITS: &[&str] = &[
    "min",
    "mins",
    "minute",
    "minutes",
    "hour",
    "hours",
    "hrs",
    "sec",
    "secs",
    "seconds",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "mile",
    "miles",
    "km",
    "k",
    "percent",
    "pounds",
    "lbs",
    "kg",
    "kilos",
    "dollars",
    "bucks",
    "euros",
    "euro",
    "quid",
    "am",
    "pm",
    "oclock",
    "feet",
    "ft",
    "foot",
    "cm",
    "inches",
    "inch",
    "times",
    "points",
    "pts",
    "%",
    "minuten",
    "stunden",
    "minutos",
    "horas",
    "uhr",
    "grad",
    "degrees",
    "stars",
    "levels",
    "level",
    "items",
    "uur",
    "uurtje",
    "minuutjes",
    "minuutje",
    "kwartier",
    "dagen",
    "weken",
    "maanden",
    "keer",
    "procent",
];

fn parse_age(word: &str) -> Option<u8> {
    if let Ok(n) = word.parse::<u8>() {
        return Some(n);
    }
    AGE_WORDS.iter().find(|(w, _)| *w == word).map(|(_, v)| *v)
}

impl CueSet {
    /// Compiles the embedded tables. Fails only if a table in the source tree is broken, which the
    /// test suite catches; callers can treat the error as fatal.
    pub fn new() -> Result<Self, Error> {
        let age = age_group();
        let mut parsed = Vec::new();
        for (lang, text) in TABLES {
            parse_table(lang, text, &age, &mut parsed)?;
        }
        let (rows, literals): (Vec<Row>, Vec<_>) = parsed.into_iter().unzip();
        Ok(CueSet {
            rows,
            prefilter: Prefilter::new(&literals)?,
            #[cfg(not(target_arch = "wasm32"))]
            unfiltered: OnceLock::new(),
        })
    }

    /// Compiles every row now rather than on its first candidate message, and reports the first
    /// row that does not compile. The tests call it; an engine that wants no compiling later
    /// (a server scoring a stream) may too.
    pub fn compile_all(&self) -> Result<(), Error> {
        for row in &self.rows {
            if row.regex().is_none() {
                return Err(Error::new(
                    ErrorKind::InvalidCueTable,
                    format!("cue row {:?} does not compile", row.pattern),
                ));
            }
        }
        Ok(())
    }

    /// Compiles up to `max` rows not compiled yet (in table order) and returns how many are left.
    /// For a caller that builds the engine quickly and then warms it in idle slices, so that the
    /// first messages do not pay for compiling their rows (the extension's worker: a result
    /// seconds late re-opened an alert the child had just closed).
    pub fn compile_some(&self, max: usize) -> usize {
        let mut budget = max;
        let mut left = 0;
        for row in &self.rows {
            if row.regex.get().is_some() {
                continue;
            }
            if budget > 0 {
                budget -= 1;
                row.regex();
            } else {
                left += 1;
            }
        }
        left
    }

    /// How the prefilter sorted the rows: (rows found through their literals, rows run on every
    /// message, distinct literals searched).
    pub fn prefilter_stats(&self) -> (usize, usize, usize) {
        let always = self.prefilter.always.len();
        (self.rows.len() - always, always, self.prefilter.literals)
    }

    /// How many pattern rows the tables hold (for reports).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// `true` when no rows are loaded (never, for the embedded tables).
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Finds the cues in a normalised message. Spans are in the original text. A category vetoed
    /// by an `unless` row in this message yields no hits.
    ///
    /// One literal search ([`Prefilter`]) over the text picks the rows that can match; only those
    /// (and the few rows without a usable literal) run. The hits are those of
    /// [`CueSet::find_unfiltered`], which runs every row (a test holds the two equal).
    pub fn find(&self, text: &Normalized) -> Vec<CueHit> {
        let haystack = text.as_str();
        let mut candidates = RowBits::new(self.rows.len());
        self.prefilter.candidates(haystack, &mut candidates);
        if candidates.is_empty() {
            return Vec::new();
        }
        let mut vetoed: Vec<Category> = Vec::new();
        for i in candidates.iter() {
            let row = &self.rows[i];
            if row.veto
                && !vetoed.contains(&row.category)
                && row.regex().is_some_and(|r| r.is_match(haystack))
            {
                vetoed.push(row.category);
            }
        }
        // A candidate that does not match finds no captures: the same rows give hits, in the
        // same order, as on the plain path.
        self.hits(text, candidates.iter(), &vetoed)
    }

    /// [`CueSet::find`] without the prefilter: every row runs, in [`RegexSet`]s of
    /// [`ROWS_PER_SET`] rows (the engine before issue 17). For the tests and benches that hold
    /// the two paths equal and compare their speed; the sets are compiled on the first call.
    /// Native builds only.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn find_unfiltered(&self, text: &Normalized) -> Vec<CueHit> {
        let matched = self.unfiltered_rows(text.as_str());
        self.hits_of_matching_rows(text, &matched)
    }

    /// The rows that match `haystack` (ascending), by the plain path's sets.
    #[cfg(not(target_arch = "wasm32"))]
    fn unfiltered_rows(&self, haystack: &str) -> Vec<usize> {
        let sets = self.unfiltered.get_or_init(|| {
            // Several small sets, each with its own cache: see ROWS_PER_SET.
            let mut sets = Vec::new();
            for (k, group) in self.rows.chunks(ROWS_PER_SET).enumerate() {
                if let Ok(set) = RegexSetBuilder::new(group.iter().map(|r| r.pattern.as_str()))
                    .dfa_size_limit(DFA_BYTES_PER_SET)
                    .build()
                {
                    sets.push((set, k * ROWS_PER_SET));
                }
            }
            sets
        });
        sets.iter()
            .flat_map(|(set, first)| set.matches(haystack).into_iter().map(move |i| first + i))
            .collect()
    }

    /// The hits of the plain path, given the rows that match (ascending).
    #[cfg(not(target_arch = "wasm32"))]
    fn hits_of_matching_rows(&self, text: &Normalized, matched: &[usize]) -> Vec<CueHit> {
        if matched.is_empty() {
            return Vec::new();
        }
        let vetoed: Vec<Category> = matched
            .iter()
            .filter(|&&i| self.rows[i].veto)
            .map(|&i| self.rows[i].category)
            .collect();
        self.hits(text, matched.iter().copied(), &vetoed)
    }

    /// The hits of rows `rows` (ascending), skipping veto rows and vetoed categories.
    fn hits(
        &self,
        text: &Normalized,
        rows: impl Iterator<Item = usize>,
        vetoed: &[Category],
    ) -> Vec<CueHit> {
        let haystack = text.as_str();
        let mut hits = Vec::new();
        for i in rows {
            let row = &self.rows[i];
            if row.veto || vetoed.contains(&row.category) {
                continue;
            }
            let Some(regex) = row.regex() else { continue };
            for caps in regex.captures_iter(haystack) {
                let Some(whole) = caps.get(0) else { continue };
                let mut age = None;
                if row.category == Category::AgeStatement {
                    let Some(m) = caps.name("age") else { continue };
                    let next_word = haystack[whole.end()..]
                        .split_whitespace()
                        .next()
                        .unwrap_or("");
                    let next_word =
                        next_word.trim_matches(|c: char| !c.is_alphanumeric() && c != '%');
                    if NOT_AGE_UNITS.contains(&next_word) {
                        continue;
                    }
                    match parse_age(m.as_str()) {
                        Some(a) if (5..=80).contains(&a) => age = Some(a),
                        _ => continue,
                    }
                }
                let span = text.original_span(whole.start()..whole.end());
                hits.push(CueHit {
                    category: row.category,
                    weight: row.weight,
                    start: span.start,
                    end: span.end,
                    age,
                });
            }
        }
        dedupe_overlaps(hits)
    }
}

/// Two rows of one category that match overlapping text are one cue, not two: keep one hit with
/// the larger weight over the union of the spans.
fn dedupe_overlaps(mut hits: Vec<CueHit>) -> Vec<CueHit> {
    hits.sort_by(|a, b| a.category.cmp(&b.category).then(a.start.cmp(&b.start)));
    let mut out: Vec<CueHit> = Vec::with_capacity(hits.len());
    for hit in hits {
        match out.last_mut() {
            Some(prev)
                if prev.category == hit.category && hit.start < prev.end.max(prev.start + 1) =>
            {
                prev.end = prev.end.max(hit.end);
                if hit.weight > prev.weight {
                    prev.weight = hit.weight;
                }
                prev.age = prev.age.or(hit.age);
            }
            _ => out.push(hit),
        }
    }
    out.sort_by(|a, b| a.start.cmp(&b.start).then(a.category.cmp(&b.category)));
    out
}

#[cfg(test)]
mod tests;
