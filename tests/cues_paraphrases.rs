//! The English cue table against today's phrasing: each grooming move said the many ways people
//! say it on Snapchat, Discord, Instagram or in a Roblox chat, not only the wording the rows were
//! tuned on; and ordinary present-day lines (parents, coaches, teachers, classmates, gamers,
//! grandparents) that must stay weak. Every line is our own, short and non-explicit; none is taken
//! from a corpus or from the conversation sets in `tests/conversations`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use safedm::{Category, Config, Engine};
use std::collections::BTreeMap;

fn engine() -> Engine {
    Engine::new(Config::default()).unwrap()
}

/// (what a groomer writes to a 12–15-year-old, the category it must be found as).
const GROOMING: &[(&str, Category)] = {
    use Category::*;
    &[
        // age_probe
        ("how old r u again", AgeProbe),
        ("what grade are you in", AgeProbe),
        ("what grade r u in rn", AgeProbe),
        ("wait ur like 13?", AgeProbe),
        ("what year are u in at school", AgeProbe),
        ("u in middle school or high school?", AgeProbe),
        ("how old are u turning this year", AgeProbe),
        ("whens ur birthday", AgeProbe),
        ("ur 14 right?", AgeProbe),
        ("r u still in 8th grade", AgeProbe),
        ("what age r u btw", AgeProbe),
        ("you're not 18 yet are you", AgeProbe),
        ("ur age?", AgeProbe),
        ("remind me how old u are", AgeProbe),
        ("are you even a teen yet", AgeProbe),
        ("how old did u say u were", AgeProbe),
        ("u a freshman?", AgeProbe),
        // personal_info
        ("what part of town are you in", PersonalInfo),
        ("which school do u go to", PersonalInfo),
        ("whats the name of ur school", PersonalInfo),
        ("what city u in", PersonalInfo),
        ("drop ur address", PersonalInfo),
        ("whats ur last name", PersonalInfo),
        ("whereabouts do u live", PersonalInfo),
        ("what time does school let out", PersonalInfo),
        ("do u walk home from school", PersonalInfo),
        ("share ur location with me", PersonalInfo),
        ("what neighborhood do u live in", PersonalInfo),
        ("whats ur school called", PersonalInfo),
        ("what state r u in", PersonalInfo),
        ("which bus do you take home", PersonalInfo),
        ("send me ur location", PersonalInfo),
        ("what's your full name", PersonalInfo),
        // flattery
        ("ur so mature for ur age", Flattery),
        ("you're honestly so pretty", Flattery),
        ("ur different from other girls", Flattery),
        ("you're way smarter than other kids your age", Flattery),
        ("u seem older than u are", Flattery),
        ("ur literally perfect", Flattery),
        ("ur so cute fr", Flattery),
        ("ur the prettiest girl on here", Flattery),
        ("you're so much more mature than people your age", Flattery),
        ("ngl ur gorgeous", Flattery),
        ("you're really special to me", Flattery),
        ("you act way older than 13", Flattery),
        ("you're not like other kids", Flattery),
        ("ur eyes are so pretty", Flattery),
        ("ur too pretty to be single", Flattery),
        // gifts
        ("i'll gift you nitro", Gifts),
        ("want a giftcard", Gifts),
        ("i can send you vbucks", Gifts),
        ("i'll buy u robux if u want", Gifts),
        ("want me to get u the battle pass", Gifts),
        ("i can venmo u $50", Gifts),
        ("i'll send u some money for new clothes", Gifts),
        ("ill get u that skin u wanted", Gifts),
        ("how many robux do u want", Gifts),
        ("i'll pay ur phone bill", Gifts),
        ("want me to buy you something", Gifts),
        ("i'll cashapp you", Gifts),
        ("i can top up ur account", Gifts),
        ("i'll get you airpods", Gifts),
        ("i'll send you a psn card", Gifts),
        ("i got u a little something", Gifts),
        // risk_check
        ("is anyone else home rn", RiskCheck),
        ("ur mom still at work?", RiskCheck),
        ("who's at your place tonight", RiskCheck),
        ("can your parents see your phone", RiskCheck),
        ("r ur parents asleep yet", RiskCheck),
        ("is ur dad home", RiskCheck),
        ("are u by yourself", RiskCheck),
        ("when do ur parents get back", RiskCheck),
        ("does ur mom check ur phone", RiskCheck),
        ("is your door locked", RiskCheck),
        ("anyone around u rn?", RiskCheck),
        ("do ur parents know ur password", RiskCheck),
        ("does ur mom go thru ur phone", RiskCheck),
        ("are you alone in your room", RiskCheck),
        ("where are ur parents rn", RiskCheck),
        ("is it just u at home", RiskCheck),
        ("can anyone see ur screen", RiskCheck),
        ("r u somewhere private", RiskCheck),
        ("who else is in the house", RiskCheck),
        // isolation
        ("ur parents don't get u like i do", Isolation),
        ("nobody understands u like me", Isolation),
        ("ur friends are so fake", Isolation),
        ("i'm the only one who really gets you", Isolation),
        ("you don't need them, you have me", Isolation),
        ("your parents are way too strict", Isolation),
        ("they just don't care about you", Isolation),
        ("ur mom treats u like a baby", Isolation),
        ("you can tell me things u can't tell them", Isolation),
        ("ur friends wouldnt understand", Isolation),
        ("stop hanging out with them they're bad for u", Isolation),
        ("i'm the only one you can trust", Isolation),
        ("your family doesn't deserve you", Isolation),
        ("they're holding u back", Isolation),
        ("nobody else cares about u like i do", Isolation),
        ("u only need me", Isolation),
        // secrecy
        ("this stays between us", Secrecy),
        ("delete this after u read it", Secrecy),
        ("ur parents wouldn't get it", Secrecy),
        ("don't screenshot", Secrecy),
        ("don't tell anyone ok", Secrecy),
        ("keep this on the low", Secrecy),
        ("no one can know about us", Secrecy),
        ("make sure u delete our chat", Secrecy),
        ("turn on disappearing messages", Secrecy),
        ("don't show ur mom our chats", Secrecy),
        ("it's our little secret", Secrecy),
        ("don't let ur parents see this", Secrecy),
        ("don't mention me to anyone", Secrecy),
        ("if ur mom asks say i'm a friend from school", Secrecy),
        ("clear ur messages before bed", Secrecy),
        ("we gotta keep this lowkey", Secrecy),
        ("use vanish mode", Secrecy),
        ("don't tell ur friends about me", Secrecy),
        // private_channel
        ("got snap?", PrivateChannel),
        ("what's ur snap", PrivateChannel),
        ("dm me on telegram instead", PrivateChannel),
        ("switch to whatsapp its safer", PrivateChannel),
        ("add me on discord", PrivateChannel),
        ("whats ur number", PrivateChannel),
        ("can i get ur number", PrivateChannel),
        ("do u have insta", PrivateChannel),
        ("my snap is jake_2209", PrivateChannel),
        ("let's talk somewhere more private", PrivateChannel),
        ("download telegram so we can talk", PrivateChannel),
        ("this app is too public", PrivateChannel),
        ("hmu on sc", PrivateChannel),
        ("i'll send u my discord", PrivateChannel),
        (
            "make a second account so ur parents cant see",
            PrivateChannel,
        ),
        ("u on whatsapp?", PrivateChannel),
        ("drop ur insta", PrivateChannel),
        // image_request
        ("send a selfie", ImageRequest),
        ("show me what ur wearing", ImageRequest),
        ("hop on facetime", ImageRequest),
        ("turn ur cam on", ImageRequest),
        ("send pics", ImageRequest),
        ("lemme see u", ImageRequest),
        ("can i see a pic of u", ImageRequest),
        ("snap me a pic", ImageRequest),
        ("send one more", ImageRequest),
        ("wanna video chat tonight", ImageRequest),
        ("show me your outfit", ImageRequest),
        ("take a mirror pic", ImageRequest),
        ("send me a pic of ur face", ImageRequest),
        ("i wanna see what u look like", ImageRequest),
        ("can u send a vid", ImageRequest),
        ("hop on cam", ImageRequest),
        ("let me see ur room", ImageRequest),
        // meeting
        ("i can come get you", Meeting),
        ("wanna link up saturday", Meeting),
        ("where do u live i'll visit", Meeting),
        ("we should meet up", Meeting),
        ("i'll pick u up after school", Meeting),
        ("come to my place", Meeting),
        ("let's hang out irl", Meeting),
        ("i could drive down this weekend", Meeting),
        ("meet me at the park", Meeting),
        ("i'll be in ur area friday", Meeting),
        ("i'll get u an uber to mine", Meeting),
        ("can i see u in person", Meeting),
        ("tell ur mom ur at a friends", Meeting),
        ("sneak out tonight", Meeting),
        ("i'll wait for u outside ur school", Meeting),
        ("wanna come over to mine", Meeting),
        ("i'll book u a train ticket", Meeting),
        // sexual (mild)
        ("what r u wearing rn", Sexual),
        ("have u ever kissed anyone", Sexual),
        ("are you a virgin", Sexual),
        ("send something spicy", Sexual),
        ("wanna do something naughty", Sexual),
        ("u in bed rn?", Sexual),
        ("what do u sleep in", Sexual),
        ("r u wearing pjs", Sexual),
        ("do u like kissing", Sexual),
        ("i wanna cuddle with u in bed", Sexual),
        ("ur body is so hot", Sexual),
        ("u ever had a bf", Sexual),
        // coercion
        ("send it or i'll post ur pics", Coercion),
        ("if u don't i'll show ur parents", Coercion),
        ("you owe me after everything i did", Coercion),
        ("i have ur pics remember", Coercion),
        ("i'll tell everyone what u did", Coercion),
        ("do it or else", Coercion),
        ("u have 10 mins", Coercion),
        ("i screenshotted everything", Coercion),
        ("i'll leak it", Coercion),
        ("pay me or everyone sees them", Coercion),
        ("i know where u go to school", Coercion),
        ("don't make me send this to ur friends", Coercion),
        ("i'll ruin ur life", Coercion),
        ("if u block me i'll send them to everyone", Coercion),
        // expose: a threat to share the child's pictures or chats
        ("ur pics are going to ur whole class tonight", Expose),
        ("i'll send your videos to your mom", Expose),
        ("your dad gets the screenshots if u ignore me", Expose),
        ("or everyone you know sees what you sent", Expose),
        ("i already sent one pic to your cousin", Expose),
        ("your photos will be posted online", Expose),
        ("i recorded our video call", Expose),
        ("got a screenshot of your followers list", Expose),
        ("the pics go to your friends list at 9", Expose),
        ("if u want it to stay private u know what to do", Expose),
        ("i'll share your pics with all your contacts", Expose),
        ("your teachers will see everything", Expose),
        // demand: what the threat is for
        ("send 50 on paypal", Demand),
        ("buy a steam card and send me the code", Demand),
        ("i want 2000 robux", Demand),
        ("send me more pics", Demand),
        ("get on cam right now", Demand),
        ("reply in 5 minutes", Demand),
        ("dont block me", Demand),
        ("you have 1 hour", Demand),
        ("transfer 200 to this account", Demand),
        ("send bitcoin to my wallet", Demand),
        ("turn your camera on", Demand),
        ("stay online and answer all my messages", Demand),
        // age_gap
        ("age doesn't matter to me", AgeGap),
        ("age is just a number", AgeGap),
        ("i know i'm older but", AgeGap),
        ("does it bother u that i'm 24", AgeGap),
        ("u like older guys?", AgeGap),
        ("i'm not that much older than u", AgeGap),
        ("ppl would judge us bc of our ages", AgeGap),
        ("the age gap doesnt matter", AgeGap),
        ("i'm older but we really click", AgeGap),
        ("does my age scare u", AgeGap),
        (
            "i usually dont talk to younger girls but ur different",
            AgeGap,
        ),
        ("age gaps are normal", AgeGap),
        ("when ur 18 it wont matter", AgeGap),
        ("dont let the age difference scare u", AgeGap),
    ]
};

#[test]
fn paraphrases_of_each_grooming_move_are_found() {
    let engine = engine();
    let mut misses: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
    for &(text, category) in GROOMING {
        *totals.entry(category.name()).or_default() += 1;
        if !engine.cues(text).iter().any(|h| h.category == category) {
            misses.entry(category.name()).or_default().push(text);
        }
    }
    for (name, total) in &totals {
        let missed = misses.get(name).map_or(0, Vec::len);
        eprintln!("{name:16} {missed:2} of {total:2} missed");
    }
    assert!(misses.is_empty(), "missed: {misses:#?}");
}

/// Every category has its dozen paraphrases (sexual, kept mild, fewer).
#[test]
fn every_category_has_its_paraphrases() {
    for &category in Category::ALL {
        let n = GROOMING.iter().filter(|(_, c)| *c == category).count();
        let least = match category {
            Category::AgeStatement | Category::Sextortion => 0,
            _ => 12,
        };
        assert!(n >= least, "{category:?}: only {n}");
    }
}

/// Ordinary present-day lines that must not hit any category above this weight: at most a weak
/// hint that counts only when it repeats.
const WEAK: f32 = 0.4;

/// Ordinary lines that may carry a weak hint (at most [`WEAK`]); where one does, the comment says
/// why that is right.
const ORDINARY: &[&str] = &[
    // parents and family
    "is anyone home? i forgot my keys",
    "send me a pic of the receipt",
    // meeting 0.4 (`pick you up`): a parent's pick-up reads as a stranger's would; a weak hint.
    "i'll pick you up at 5",
    "don't tell your sister about the surprise party",
    "mom can pick u up from practice at 6",
    "can you take a photo of the permission slip and send it to me",
    "make sure you lock the door when you leave",
    "is your mom home? tell her to call me back",
    "your dad says he'll be home by 7",
    "are you home yet? text me when you get in",
    "i'm outside, can someone open the door",
    "don't tell dad, it's his birthday present",
    // grandparents
    "grandma wants to facetime you on sunday",
    "send nana some photos from your trip!",
    "grandpa loved the video of your recital",
    // flattery 0.4 (`you look so grown up`): grandparents say it; alone it stays a hint.
    "you look so grown up in your school photo",
    "can you send us a picture of your report card",
    // coaches and teachers
    "practice is moved to 6, meet at the field",
    "great game today, you played really well",
    "team photos are saturday, wear your jersey",
    "your parents need to sign the permission form by friday",
    "please upload a photo of your worksheet to the class page",
    "the field trip bus leaves at 8 dont be late",
    "what did you get for question 4",
    "if you're struggling with the homework you can always ask me after class",
    // peers of the same age
    "how old is your brother",
    "wanna play fortnite after school",
    "did you see what she posted on her story",
    "whats the homework for math",
    "i cant come tonight my mom said no",
    "omg ur so funny",
    "my mom is picking us up after the movie",
    "can you send me the slides from class",
    "happy birthday!! hope you get lots of presents",
    "my parents are so annoying sometimes lol",
    "my brother is 14 and he still cant cook",
    "what time does the party start",
    // gamers
    "i'll gift you a skin for carrying me",
    "gg you're cracked at this game",
    "wanna duo later",
    // Regression: a German private_channel row (`private[nr]? (gruppe|server|chat)`) fired on
    // this English line; it now needs the German ending (`privaten server`).
    "join my private server, the code is in the group",
    // gifts 0.3 (`robux`): the currency named alone.
    "thanks for the robux bro",
    "add me on epic, same name as here",
    "my mic is broken so i'll type",
    "ill venmo you back for the tickets",
    "want me to get you anything from the store?",
    // everyday
    "whos home? can someone get the door",
    "where is your mom? practice ended 20 min ago",
    // personal_info 0.4 (`share your location`): parents ask for it more often than anyone.
    "share your location with me when you get there",
    "wanna get something spicy for dinner",
    "my dog loves to cuddle with me",
    "i saved everything to the cloud",
    "i'll tell everyone about the party on friday",
    "if you dont finish your homework i'll tell your dad",
    "is it weird that im still scared of the dark",
    "i'm older but my sister is taller",
    "who was your 8th grade teacher",
    "turn the music down, keep it low",
    "delete it when you're done with the file",
    "i can visit grandma on sunday",
    "happy birthday, enjoy your special day",
    "are you somewhere quiet? can i call you about the game",
    // age_gap 0.4 (`age gap`): siblings and cousins talk about age gaps too.
    "theres a big age gap between me and my brother",
    // everyday
    "the package is at the door, can you bring it in",
    "the bus was so late today",
    "whats the wifi password",
];

#[test]
fn ordinary_lines_stay_weak() {
    let engine = engine();
    let mut strong = Vec::new();
    for &text in ORDINARY {
        let hits: Vec<_> = engine
            .cues(text)
            .into_iter()
            // A demand or a threat to share alone is context, never a cue by itself.
            .filter(|h| h.weight > WEAK && !h.category.is_context())
            .map(|h| (h.category, h.weight))
            .collect();
        if !hits.is_empty() {
            strong.push((text, hits));
        }
    }
    assert!(ORDINARY.len() >= 40);
    assert!(strong.is_empty(), "too strong: {strong:#?}");
}
