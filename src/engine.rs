//! The engine: compiled cue tables plus a configuration, applied to conversation state.

use crate::config::Config;
use crate::conversation::{Assessment, ConversationState, Level};
use crate::cues::{Category, CueHit, CueSet, Stage};
use crate::error::Error;
use crate::explain;
use crate::message::{Message, Role};
use crate::normalize::normalize;

/// The longest message text scored, in bytes. Longer text is cut at a character boundary: a
/// pasted book must not stall the page, and the first 64 KiB say enough.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// Scores messages. Build once, share, and keep one [`ConversationState`] per conversation.
#[derive(Clone, Debug)]
pub struct Engine {
    config: Config,
    cues: CueSet,
}

impl Engine {
    /// Compiles the cue tables and checks the config.
    pub fn new(config: Config) -> Result<Engine, Error> {
        config.validate()?;
        Ok(Engine {
            config,
            cues: CueSet::new()?,
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Changes the configuration (e.g. the sensitivity) without recompiling the tables.
    pub fn set_config(&mut self, config: Config) -> Result<(), Error> {
        config.validate()?;
        self.config = config;
        Ok(())
    }

    /// A fresh conversation.
    pub fn new_conversation(&self) -> ConversationState {
        ConversationState::default()
    }

    /// The cues in one text, without any conversation context (spans into `text`).
    pub fn cues(&self, text: &str) -> Vec<CueHit> {
        self.cues.find(&normalize(truncate(text)))
    }

    /// Scores one message in its conversation and updates the state.
    pub fn observe(&self, state: &mut ConversationState, message: &Message) -> Assessment {
        let mut hits = self.cues(&message.text);
        if message.role == Role::Child && state.age_asked && state.child_age.is_none() {
            hits.extend(bare_age_answer(&message.text));
        }
        let index = state.messages;
        state.update(
            message.role,
            &message.id,
            message.time,
            &hits,
            self.config.child_age,
        );
        let (risk, level, present) = state.risk(self.config.sensitivity, self.config.child_age);
        let stage = present
            .iter()
            .map(|c| c.stage())
            .max()
            .unwrap_or(Stage::None);
        let reasons = if level >= Level::Watch {
            explain::reasons(state, &present)
        } else {
            Vec::new()
        };
        let new_categories = present
            .iter()
            .any(|c| !state.notified_categories.contains(c));
        let notify = level >= Level::Warn && (level > state.notified_level || new_categories);
        if notify {
            state.notified_level = state.notified_level.max(level);
            for c in &present {
                if !state.notified_categories.contains(c) {
                    state.notified_categories.push(*c);
                }
            }
        }
        state.peak_level = state.peak_level.max(level);
        state.peak_risk = state.peak_risk.max(risk);
        state.peak_stage = state.peak_stage.max(stage);
        Assessment {
            risk,
            level,
            stage,
            reasons,
            notify,
            hits,
            message_index: index,
            contact_age: state.contact_age,
            child_age: state.known_child_age(self.config.child_age),
        }
    }
}

/// A reply that starts with a plausible child's age ("13", "13 u?") right after the contact
/// asked for it, as an age statement.
fn bare_age_answer(text: &str) -> Option<CueHit> {
    let trimmed = text.trim_start();
    let offset = text.len() - trimmed.len();
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    let after = trimmed[digits..].chars().next();
    if digits == 0 || digits > 2 || after.is_some_and(|c| c.is_alphanumeric()) {
        return None;
    }
    let age: u8 = trimmed[..digits].parse().ok()?;
    (5..=80).contains(&age).then(|| CueHit {
        category: Category::AgeStatement,
        weight: 1.0,
        start: offset,
        end: offset + digits,
        age: Some(age),
    })
}

/// `text` cut to at most [`MAX_TEXT_BYTES`] at a character boundary.
fn truncate(text: &str) -> &str {
    if text.len() <= MAX_TEXT_BYTES {
        return text;
    }
    let mut end = MAX_TEXT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
