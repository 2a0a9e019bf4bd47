//! Plain words for each reason: one sentence for a parent, one for a 10–15-year-old.
//!
//! The child's sentence says what the other person did, never that the child did wrong.

use crate::conversation::{ConversationState, Reason};
use crate::cues::Category;

/// (sentence for a parent, sentence for the young user) for a category.
pub fn sentences(category: Category) -> (&'static str, &'static str) {
    match category {
        Category::AgeProbe => (
            "The contact asked the child's age.",
            "This person asked how old you are.",
        ),
        Category::AgeStatement => (
            "An age was stated in the chat.",
            "Someone said how old they are.",
        ),
        Category::PersonalInfo => (
            "The contact asked for personal details such as school or where the child lives.",
            "This person asked where you live or go to school.",
        ),
        Category::Flattery => (
            "The contact used flattery, such as calling the child mature for their age.",
            "This person keeps flattering you, like saying you are mature for your age.",
        ),
        Category::Gifts => (
            "The contact offered gifts, money or in-game currency.",
            "This person offered you gifts, money or game currency.",
        ),
        Category::RiskCheck => (
            "The contact checked whether parents are around or who reads the child's phone.",
            "This person asked if your parents are around or who checks your phone.",
        ),
        Category::Isolation => (
            "The contact tried to set the child against family or friends.",
            "This person said things like your family doesn't understand you.",
        ),
        Category::Secrecy => (
            "The contact asked the child to keep the chat secret or delete it.",
            "This person asked you to keep your chat secret or delete it.",
        ),
        Category::PrivateChannel => (
            "The contact asked to move the chat to another app or to a phone number.",
            "This person asked you to move to another app or give your number.",
        ),
        Category::ImageRequest => (
            "The contact asked for photos, video or the camera.",
            "This person asked you for photos or to turn on your camera.",
        ),
        Category::Meeting => (
            "The contact suggested meeting in person.",
            "This person wants to meet you in person.",
        ),
        Category::Sexual => (
            "The contact used sexual language.",
            "This person said sexual things to you.",
        ),
        Category::Coercion => (
            "The contact made threats or demands, a sign of sextortion.",
            "This person threatened you or made demands. That is never your fault.",
        ),
        Category::AgeGap => (
            "The contact is much older than the child or played down the age gap.",
            "This person is much older than you or said age doesn't matter.",
        ),
        Category::Expose => (
            "The contact threatened to share the child's pictures, videos or chats.",
            "This person threatened to share your pictures or chats.",
        ),
        Category::Demand => (
            "The contact demanded money, more pictures, a call or contact under pressure.",
            "This person demanded money, pictures or a call from you.",
        ),
        Category::Sextortion => (
            "Sextortion: the contact threatens to share the child's pictures, videos or chats unless the child pays or sends more. Act now: do not pay, keep the chat, report it.",
            "This person is threatening to share your pictures unless you do what they say. That is a crime and it is not your fault.",
        ),
    }
}

/// The reasons for the categories present in `state`, strongest first.
pub fn reasons(state: &ConversationState, present: &[Category]) -> Vec<Reason> {
    present
        .iter()
        .map(|&category| {
            let (parent, child) = sentences(category);
            let message_ids = Category::ALL
                .iter()
                .position(|c| *c == category)
                .and_then(|i| state.evidence.get(i))
                .map(|e| e.message_ids.clone())
                .unwrap_or_default();
            Reason {
                category,
                stage: category.stage(),
                parent: parent.to_string(),
                child: child.to_string(),
                message_ids,
            }
        })
        .collect()
}

/// One short summary for the young user, naming up to the two strongest reasons
/// ("This person asked you to keep your chat secret and to move to another app.").
pub fn child_summary(reasons: &[Reason]) -> String {
    let parts: Vec<&str> = reasons
        .iter()
        .take(2)
        .map(|r| child_phrase(r.category))
        .collect();
    match parts.as_slice() {
        [] => String::new(),
        [one] => format!("This person {one}."),
        [a, b, ..] => format!("This person {a} and {b}."),
    }
}

fn child_phrase(category: Category) -> &'static str {
    match category {
        Category::AgeProbe => "asked how old you are",
        Category::AgeStatement => "talked about ages",
        Category::PersonalInfo => "asked where you live or go to school",
        Category::Flattery => "keeps flattering you",
        Category::Gifts => "offered you gifts or money",
        Category::RiskCheck => "asked whether your parents are around",
        Category::Isolation => "tried to turn you against your family or friends",
        Category::Secrecy => "asked you to keep your chat secret",
        Category::PrivateChannel => "asked you to move to another app",
        Category::ImageRequest => "asked for photos or your camera",
        Category::Meeting => "wants to meet you",
        Category::Sexual => "said sexual things",
        Category::Coercion => "threatened you",
        Category::AgeGap => "is much older than you",
        Category::Expose => "threatened to share your pictures or chats",
        Category::Demand => "made demands",
        Category::Sextortion => "is threatening to share your pictures unless you do what they say",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_both_sentences() {
        for &c in Category::ALL {
            let (parent, child) = sentences(c);
            assert!(parent.ends_with('.') && child.ends_with('.'), "{c:?}");
            assert!(!child_phrase(c).is_empty());
        }
    }

    #[test]
    fn summary_names_the_two_strongest() {
        let state = ConversationState::default();
        let r = reasons(
            &state,
            &[
                Category::Secrecy,
                Category::PrivateChannel,
                Category::Flattery,
            ],
        );
        assert_eq!(
            child_summary(&r),
            "This person asked you to keep your chat secret and asked you to move to another app."
        );
        assert_eq!(child_summary(&[]), "");
    }
}
