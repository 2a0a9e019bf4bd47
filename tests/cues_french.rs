//! French through the public engine, one table of our own lines per category of `fr.cues`: each
//! category's French lines (teen chat, broken French, the formal French of a translator) must
//! give it, and each category's hard negatives (the same words from a parent, a classmate, a
//! coach, a shop) must not. All lines are our own, short and non-explicit, and none is copied
//! from the line corpus. The positive lines fail if the French rows are removed from `fr.cues`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use safedm::{Category, Config, Engine};

fn engine() -> Engine {
    Engine::new(Config::default()).unwrap()
}

/// (category, lines that must give it, lines that must not).
type Case = (Category, &'static [&'static str], &'static [&'static str]);

const CASES: &[Case] = &[
    (
        Category::AgeProbe,
        &[
            "t'as quel âge sinon ?",
            "tu as quel age en vrai, sans mentir",
            "Quel âge as-tu exactement ?",
            "dis moi ton âge, je dirai rien",
            "t'es encore au collège toi non ?",
            "tu es née en quelle année, 2012 ?",
            "t'as quoi, douze ans ?",
            "t'es majeure au moins ?",
            "c quand ton anniv ? tu fais tes combien",
        ],
        &[
            "il a quel âge ton chien ?",
            "ta sœur a quel âge maintenant ?",
            "Quel âge a votre fille pour le stage ?",
            "tu me donnes quel âge d'après ma photo ?",
            "t'as quel âge toi ? moi 12, on sera dans la même catégorie au hand",
            "joyeux anniv !! t'as 13 ans ça y est",
            "Indiquez la date de naissance de l'enfant sur le formulaire.",
            "il est en 6e ou en 5e ton cousin cette année ?",
        ],
    ),
    (
        Category::AgeStatement,
        &[
            "j'ai 34 ans",
            "moi 29, et toi ?",
            "jai 41 ans tkt",
            "je vais avoir 27 ans en mai",
            "Je suis âgé de 45 ans.",
            "j'ai bientôt 30 ans mdr",
            "moi j'ai 38 ans et alors",
            "25 ans ici",
        ],
        &[
            "j'ai 10 ans de plus que lui",
            "il a 30 ans",
            "j'ai 3 chats et un lapin",
            "ça fait 20 ans que j'habite ici",
            "mon frère a 16 ans",
            "j'ai 2 ans de retard sur le programme",
            "à 14 ans j'avais déjà un scooter",
            "on a 12 ans d'écart avec ma cousine",
        ],
    ),
    (
        Category::PersonalInfo,
        &[
            "tu habites où exactement ?",
            "t'habites dans quelle ville ?",
            "c'est quoi le nom de ton collège ?",
            "tu vas dans quel lycée toi ?",
            "donne moi ton adresse stp",
            "active ta snap map que je voie où t'es",
            "c koi ton nom de famille ?",
            "tu prends quel bus pour rentrer ?",
        ],
        &[
            "vous habitez où pour la livraison du canapé ?",
            "tu vas à quel lycée l'an prochain ? moi je vais à Camus",
            "Votre adresse est-elle toujours la même ?",
            "c'est quoi l'adresse de la fête samedi ?",
            "tu habites loin de la piscine ?",
            "Mon adresse a changé, je t'envoie la nouvelle.",
            "on se retrouve à l'arrêt de bus ?",
            "envoie moi ta position, je suis perdu au festival",
        ],
    ),
    (
        Category::Flattery,
        &[
            "t'es tellement mature pour ton âge",
            "tu es plus mûre que les filles de ma classe",
            "t'es pas comme les autres filles, toi",
            "on dirait que t'as 20 ans quand tu parles",
            "t'es la plus belle fille que j'ai vue sur insta",
            "personne n'est comme toi, vraiment",
            "tu me comprends mieux que mes amis",
            "tu pourrais être mannequin avec ce visage",
            "t'as l'esprit d'une adulte",
        ],
        &[
            "bravo pour ton match, t'es trop forte",
            "ma petite-fille est la plus belle du monde",
            "merci, vous êtes un client en or",
            "ta robe est magnifique pour le mariage",
            "t'es trop drôle mdr",
            "félicitations pour ton bulletin, quelle maturité",
            "tu joues super bien pour une débutante",
            "t'es trop belle sur la photo de classe",
        ],
    ),
    (
        Category::Gifts,
        &[
            "je t'envoie des robux si tu veux",
            "jte paye le pass de combat",
            "tu veux que je t'achète une carte cadeau ?",
            "je peux te virer 30 euros ce soir",
            "cadeau pour toi, dis moi ce que tu veux",
            "après tout ce que je t'ai offert tu peux bien me répondre",
            "mon agence cherche des jeunes talents, t'as le profil",
            "je te mets du crédit sur ton tel",
            "rien n'est gratuit, tu sais",
        ],
        &[
            "tu me rembourses le kebab demain ?",
            "chaque participant reçoit une gourde offerte",
            "maman t'a acheté tes baskets pour la rentrée",
            "je te donne ton argent de poche samedi",
            "le stage est rémunéré, envoie ta candidature",
            "casting pour adultes uniquement, inscription sur le site",
            "je t'ai pris un croissant à la boulangerie",
            "on partage l'addition du resto ?",
        ],
    ),
    (
        Category::RiskCheck,
        &[
            "tes parents regardent ton téléphone ?",
            "ta mère lit tes messages des fois ?",
            "t'es toute seule chez toi là ?",
            "y'a quelqu'un avec toi dans ta chambre ?",
            "à quelle heure tes parents dorment ?",
            "quelqu'un peut voir ton écran ?",
            "ta mère a ton mot de passe insta ?",
            "la maison est vide ce soir ?",
        ],
        &[
            "ta mère est là ? je veux lui demander pour samedi",
            "t'es seule à la maison ? ferme à clé, j'arrive à 19h",
            "il y a quelqu'un à la maison pour le livreur ?",
            "tes parents sont rentrés ? je ramène ton vélo",
            "Vérifiez que personne ne regarde votre code au distributeur.",
            "Si votre enfant reste seul, voici nos conseils.",
            "mamie, tu es seule ce week-end ? je passe faire tes courses",
            "ton père rentre à 18h, mange sans lui",
        ],
    ),
    (
        Category::Isolation,
        &[
            "tes parents te comprennent pas comme moi",
            "ta famille te respecte pas, ça se voit",
            "personne te comprend comme moi",
            "t'as pas besoin d'eux, t'as moi",
            "tes amies sont des fakes",
            "si tu tenais vraiment à moi tu répondrais",
            "tu m'as laissé en vu toute la soirée",
            "je suis le seul qui te comprend vraiment",
            "ta mère veut jamais ton bien",
        ],
        &[
            "parles-en à tes parents, ils peuvent t'aider",
            "ces filles qui se moquent de toi, c'est pas de vraies amies",
            "on a perdu la partie à cause de toi mdr",
            "tes amis sont trop drôles",
            "ta famille sera toujours là pour toi",
            "tu m'as manqué au repas de famille",
            "il est normal de se sentir incompris à ton âge, parle avec un conseiller",
            "reste avec moi à la récré demain ?",
        ],
    ),
    (
        Category::Secrecy,
        &[
            "dis rien à tes parents ok ?",
            "c'est notre secret à nous deux",
            "personne doit savoir qu'on se parle",
            "supprime nos messages après avoir lu",
            "si ta mère demande, dis que je suis une copine du collège",
            "renomme-moi en Léa dans tes contacts",
            "efface la conv avant que ta mère la voie",
            "tes parents le sauront jamais",
            "t'as dit à quelqu'un que je t'envoie des robux ?",
        ],
        &[
            "chut, dis rien à papa, c'est une surprise pour son anniversaire",
            "le thème de la fête reste secret jusqu'à samedi",
            "ton code est personnel, ne le donne à personne",
            "dis pas à la prof que j'ai oublié mon cahier",
            "on lui offre un vélo, pas un mot à ta sœur",
            "tu as dit à tes parents que la sortie est annulée ?",
            "supprime la photo où je suis moche stp",
            "Ce document est confidentiel.",
        ],
    ),
    (
        Category::PrivateChannel,
        &[
            "ajoute moi sur snap, ici c'est trop public",
            "on passe sur telegram, c'est plus sûr",
            "les modos lisent tout ici",
            "t'as signal ?",
            "crée un deuxième compte insta pour qu'on parle tranquille",
            "donne moi ton numéro perso",
            "appelle-moi quand t'es couchée",
            "on continue sur une autre appli, celle-ci garde tout",
            "snap c'est mieux, les messages s'effacent",
        ],
        &[
            "appelle mamie en visio pour son anniversaire",
            "ajoutez-vous au groupe WhatsApp des bénévoles",
            "donne moi ton snap pour le groupe de la classe",
            "on s'appelle ce soir pour organiser la sortie ?",
            "le cours en visio est sur Teams demain",
            "t'as insta ? je te suis",
            "Contactez le service client via le chat en ligne.",
            "passe sur discord, le chat du jeu est trop lent",
        ],
    ),
    (
        Category::ImageRequest,
        &[
            "envoie moi une photo de toi",
            "fais un selfie maintenant",
            "allume ta cam stp",
            "je veux voir à quoi tu ressembles",
            "montre moi ton visage",
            "prends une photo de toi dans le miroir",
            "t'as une photo de toi en maillot ?",
            "envoie une vidéo de toi qui danse",
        ],
        &[
            "envoie une photo de ton bulletin à mamie",
            "envoie-moi la vidéo de ton plongeon, je te corrige",
            "allume ta caméra en cours, la prof attend",
            "envoie moi une photo du plat, ça a l'air bon",
            "prends une photo de la vue pour papi",
            "je poste la photo de toi en costume si tu ranges pas",
            "montre moi ton dessin",
            "la photo de classe est arrivée",
        ],
    ),
    (
        Category::Meeting,
        &[
            "on se voit en vrai ce week-end ?",
            "viens chez moi après l'école, y'a personne",
            "tu viens dormir chez moi samedi ?",
            "je t'attendrai à la sortie du collège",
            "je serai devant ton école à 16h",
            "je suis dans ta ville demain, on se voit ?",
            "il faut qu'on se rencontre en personne",
            "viens sans tes parents",
        ],
        &[
            "on se retrouve au stade à 14h pour le match",
            "rendez-vous devant l'école à 8h pour la sortie scolaire",
            "je passe te prendre chez tes cousins à 21h",
            "on se voit au bureau lundi",
            "brunch chez mamie dimanche, je passe te chercher",
            "je suis dans ta ville pour un tournoi, tu viens avec tes parents ?",
            "départ du bus à 7h devant le gymnase",
            "on se capte au parc avec toute la bande ?",
        ],
    ),
    (
        Category::Sexual,
        &[
            "tu portes quoi là ?",
            "t'es vierge ?",
            "tu dors habillée ?",
            "on peut parler de choses d'adultes",
            "t'as déjà embrassé un garçon ?",
            "j'ai trop envie de t'embrasser",
            "si t'étais ma copine je te ferais plein de câlins",
            "tu fais quoi dans ton lit là",
            "ton corps a changé cette année ?",
        ],
        &[
            "mets ton pyjama et au lit",
            "ce roman raconte un premier amour",
            "t'as embrassé théo à la boum ?? raconte",
            "bonne nuit mon cœur, bisous",
            "la collection de maillots de bain pour ados est en promotion",
            "l'infirmière répond aux questions sur la puberté",
            "tu portes quoi ce soir au resto ?",
            "range ton pyjama dans ta valise",
        ],
    ),
    (
        Category::AgeGap,
        &[
            "l'âge c'est qu'un chiffre",
            "notre différence d'âge compte pas",
            "je suis plus vieux mais ça change rien",
            "mon âge c'est pas un problème",
            "je pourrais être ton père, et alors",
            "moi 32 toi 13, on s'en fiche",
            "je te vois pas comme une enfant",
            "l'amour n'a pas d'âge",
        ],
        &[
            "mes grands-parents ont dix ans d'écart",
            "l'atelier accueille tous les âges",
            "il a cinq ans de plus que moi, mes parents l'adorent",
            "on a 42 et 45 ans, l'âge c'est qu'un chiffre",
            "la différence d'âge entre les deux frères",
            "il n'y a pas d'âge pour apprendre la musique",
            "mon grand frère a 19 ans",
            "à ton âge je jouais aux billes",
        ],
    ),
];

fn categories(engine: &Engine, text: &str) -> Vec<Category> {
    engine.cues(text).iter().map(|h| h.category).collect()
}

#[test]
fn every_french_category_has_eight_lines_each_way() {
    for &category in Category::ALL
        .iter()
        .filter(|c| c.found_by_rows())
        .filter(|c| !matches!(c, Category::Coercion | Category::Expose | Category::Demand))
    {
        let case = CASES.iter().find(|(c, _, _)| *c == category);
        let (_, hits, misses) = case.unwrap_or_else(|| panic!("no French lines for {category:?}"));
        assert!(hits.len() >= 8, "{category:?}: {} positives", hits.len());
        assert!(
            misses.len() >= 8,
            "{category:?}: {} negatives",
            misses.len()
        );
    }
}

#[test]
fn french_lines_give_their_category() {
    let engine = engine();
    let missed: Vec<String> = CASES
        .iter()
        .flat_map(|&(category, hits, _)| hits.iter().map(move |t| (category, *t)))
        .filter_map(|(category, text)| {
            let found = categories(&engine, text);
            (!found.contains(&category))
                .then(|| format!("{text:?}: expected {category:?}, found {found:?}"))
        })
        .collect();
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}

#[test]
fn french_look_alikes_do_not_give_the_category() {
    let engine = engine();
    let wrong: Vec<String> = CASES
        .iter()
        .flat_map(|&(category, _, misses)| misses.iter().map(move |t| (category, *t)))
        .filter_map(|(category, text)| {
            let found = categories(&engine, text);
            found
                .contains(&category)
                .then(|| format!("{text:?}: gave {category:?}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `t'as` is normalised to `tas` and `t'es` to `tes`: the rows spell the glued forms.
#[test]
fn regression_elided_tu_forms() {
    let engine = engine();
    assert!(categories(&engine, "t'as quel âge ?").contains(&Category::AgeProbe));
    assert!(categories(&engine, "t'es toute seule chez toi là ?").contains(&Category::RiskCheck));
}

/// The normaliser reads `y'a` (`ya`) as English `you`; the rows accept both.
#[test]
fn regression_ya_read_as_you() {
    let engine = engine();
    assert!(categories(&engine, "y'a qui chez toi là ?").contains(&Category::RiskCheck));
}

/// A stated age must not be read from "j'ai 10 ans de plus que lui".
#[test]
fn regression_age_difference_is_not_a_stated_age() {
    let engine = engine();
    let ages: Vec<Option<u8>> = engine
        .cues("j'ai 10 ans de plus que lui")
        .iter()
        .filter(|h| h.category == Category::AgeStatement)
        .map(|h| h.age)
        .collect();
    assert!(ages.is_empty(), "{ages:?}");
    let stated: Vec<Option<u8>> = engine
        .cues("j'ai 34 ans")
        .iter()
        .filter(|h| h.category == Category::AgeStatement)
        .map(|h| h.age)
        .collect();
    assert_eq!(stated, vec![Some(34)]);
}

/// A present hidden from a parent is not secrecy; the same words about "us" are.
#[test]
fn regression_surprise_present_is_not_secrecy() {
    let engine = engine();
    assert!(!categories(
        &engine,
        "chut, dis rien à ta mère, c'est pour la fête des mères"
    )
    .contains(&Category::Secrecy));
    assert!(categories(&engine, "dis rien à ta mère ok ?").contains(&Category::Secrecy));
}

/// French rows must not fire on English: "string" in a programmer's chat, "cam on".
#[test]
fn regression_english_words_are_not_french_cues() {
    let engine = engine();
    for text in [
        "the function takes a string and returns an int",
        "i had my cam on during the lecture",
        "the mods are lit tonight",
    ] {
        let found = categories(&engine, text);
        assert!(
            !found.contains(&Category::Sexual) && !found.contains(&Category::ImageRequest),
            "{text:?}: {found:?}"
        );
    }
}
