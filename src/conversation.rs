//! Per-conversation state and the assessment after each message.
//!
//! Evidence is kept per cue category from the contact's messages and decays with every further
//! contact message and with time, so an old stray line fades while a pattern that builds up over
//! days stays. The risk combines the categories; the level is gated on how many *independent*
//! categories are present, so that one ambiguous line (or one topic repeated) never alerts, while
//! secrecy plus an age question plus a move to Snapchat does. The child's messages give context:
//! a stated young age raises the weight of the contact's cues, and both sides stating similar
//! young ages (two classmates) lowers it.
//!
//! The state holds no message text, only numbers, categories and message ids, so it can be stored.

use crate::config::Sensitivity;
use crate::cues::{Category, CueHit, Stage};
use crate::error::{Error, ErrorKind};
use crate::level::{Level, Thresholds};
use crate::message::Role;
use crate::model::features::MessageScore;
use serde::{Deserialize, Serialize};

/// Hiding the contact from the child's adults: with any second category, two categories are
/// enough to alert. Child-protection guidance names "keep it secret" beside a meeting, a photo
/// or sexual talk first; on the development chats the same held beside questions about the
/// child, gifts and another app ("how old are you … this stays between us", "I'll get you the
/// skin, don't tell your mum"): those pairs alerted 5 to 7 points more grooming chats and no
/// further benign chat or real ordinary conversation (issue 14, 2026-12-03).
const CONCEALING: &[Category] = &[
    Category::Secrecy,
    Category::RiskCheck,
    Category::Isolation,
    Category::AgeGap,
];

/// What family asks a child every day: age, home, school, photos, meeting up, presents, praise,
/// surprises kept from someone. They weigh [`tuning::FAMILY_FACTOR`] once the child has addressed
/// the contact by a family name ([`crate::context`]).
const FAMILY_ROUTINE: &[Category] = &[
    Category::AgeProbe,
    Category::PersonalInfo,
    Category::RiskCheck,
    Category::ImageRequest,
    Category::Secrecy,
    Category::Meeting,
    Category::Gifts,
    Category::Flattery,
];

/// Tuning constants of the tracker, named so the reasoning behind each stays next to it.
pub(crate) mod tuning {
    /// Evidence kept after each further contact message: a half-life of about 70 contact
    /// messages, so a pattern spread over an evening of chat adds up, a stray line from last
    /// month does not.
    pub const DECAY_PER_MESSAGE: f32 = 0.99;
    /// Half-life of evidence in seconds when message times are known: one week.
    pub const HALF_LIFE_SECONDS: f64 = 7.0 * 24.0 * 3600.0;
    /// A category counts as present from this much evidence on (one clear hit, or a few weak).
    pub const PRESENT: f32 = 0.5;
    /// Evidence per category is capped, so one topic repeated cannot carry the risk alone.
    pub const CAP: f32 = 1.5;
    /// Scale of the saturating risk curve: risk = 100 * (1 - exp(-strength / SCALE)).
    pub const SCALE: f32 = 2.5;
    /// Weight of messages whose author is unknown, relative to the contact's.
    pub const UNKNOWN_ROLE_FACTOR: f32 = 0.8;
    /// Extra weight per further hit of a category within one message (long segments).
    pub const REPEAT_IN_MESSAGE: f32 = 0.25;
    /// Most further hits counted within one message.
    pub const MAX_REPEATS: usize = 4;
    /// The child is known to be 15 or younger: the contact's cues weigh this much more.
    pub const YOUNG_CHILD_FACTOR: f32 = 1.3;
    /// Both sides said they are minors of about the same age: cues weigh this much.
    pub const PEER_FACTOR: f32 = 0.6;
    /// Each further stage present multiplies the strength by this much more: a conversation
    /// that moves from questions to secrecy to another app is worse than the sum of its lines.
    pub const STAGE_BONUS: f32 = 0.15;
    /// The weight of [`super::FAMILY_ROUTINE`] evidence once the child has addressed the contact
    /// by a family name: at the evidence cap (1.5) such a category is still below
    /// [`PRESENT`], so family questions add to the risk but pass no gate alone.
    pub const FAMILY_FACTOR: f32 = 0.3;
    /// Message ids kept per category for the reasons.
    pub const IDS_PER_CATEGORY: usize = 5;
    /// A threat to share images and a demand count as one sextortion move when they come at
    /// most this many contact messages apart (0: the same message, 1: the next one). Further
    /// apart, they are as likely two unrelated lines of a long chat.
    pub const SEXTORTION_SPAN: u32 = 2;
    /// A threat from a row this sure counts towards [`REPEATED_THREATS`].
    pub const SURE_THREAT: f32 = 0.8;
    /// Threats without images alert when at least two contact messages carried a sure threat
    /// and the coercion evidence is this high: "pay or I tell everyone", said again.
    pub const REPEATED_THREATS: f32 = 1.2;
}

/// Evidence for one category.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Current evidence, after decay.
    pub weight: f32,
    /// Ids of the latest messages that carried it, oldest first.
    pub message_ids: Vec<String>,
}

impl Evidence {
    /// Records that `message_id` carried this evidence: kept once, the latest
    /// [`tuning::IDS_PER_CATEGORY`] only, empty ids skipped.
    fn remember(&mut self, message_id: &str) {
        if message_id.is_empty() || self.message_ids.last().map(String::as_str) == Some(message_id)
        {
            return;
        }
        self.message_ids.push(message_id.to_string());
        if self.message_ids.len() > tuning::IDS_PER_CATEGORY {
            self.message_ids.remove(0);
        }
    }
}

/// Everything the engine remembers about one conversation. Holds no message text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationState {
    /// The state format version; [`ConversationState::check`] rejects others.
    pub format: u32,
    /// Messages observed, all roles.
    pub messages: u32,
    /// Messages from the contact.
    pub contact_messages: u32,
    /// Messages from the child.
    pub child_messages: u32,
    /// Messages of unknown author.
    pub unknown_messages: u32,
    /// Evidence per category, indexed as [`Category::ALL`].
    pub evidence: Vec<Evidence>,
    /// Age the contact stated, if any.
    pub contact_age: Option<u8>,
    /// Age the child stated, if any.
    pub child_age: Option<u8>,
    /// Time of the latest message with a time, Unix seconds.
    pub last_time: Option<f64>,
    /// The contact's latest message asked the child's age, so a bare number in the child's
    /// reply ("13") is the child's age.
    #[serde(default)]
    pub age_asked: bool,
    /// Contact message count at the latest sure threat to share images or chats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expose_at: Option<u32>,
    /// Contact message count at the latest sure demand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demand_at: Option<u32>,
    /// Contact messages that carried a sure threat ([`tuning::SURE_THREAT`]).
    #[serde(default)]
    pub sure_threats: u32,
    /// Child messages that addressed the contact by a family name ("ok mum", "thanks grandma").
    #[serde(default)]
    pub family_addressed: u32,
    /// Highest level reached so far.
    pub peak_level: Level,
    /// Highest risk reached so far.
    pub peak_risk: u8,
    /// Furthest stage reached so far.
    pub peak_stage: Stage,
    /// Level at which the user was last notified.
    pub notified_level: Level,
    /// Categories present when the user was last notified.
    pub notified_categories: Vec<Category>,
    /// The learned scorer's window: one weight sum and count per contact message (no text, no
    /// word hashes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub model_window: Vec<MessageScore>,
    /// [`crate::model::Model::fingerprint`] of the model that made `model_window`; a window made
    /// by another model is dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_fingerprint: Option<u32>,
    /// The learned scorer's latest probability, once the window held enough text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_probability: Option<f32>,
}

impl Default for ConversationState {
    fn default() -> Self {
        ConversationState {
            format: ConversationState::FORMAT,
            messages: 0,
            contact_messages: 0,
            child_messages: 0,
            unknown_messages: 0,
            evidence: vec![Evidence::default(); Category::ALL.len()],
            contact_age: None,
            child_age: None,
            last_time: None,
            age_asked: false,
            expose_at: None,
            demand_at: None,
            sure_threats: 0,
            family_addressed: 0,
            peak_level: Level::None,
            peak_risk: 0,
            peak_stage: Stage::None,
            notified_level: Level::None,
            notified_categories: Vec::new(),
            model_window: Vec::new(),
            model_fingerprint: None,
            model_probability: None,
        }
    }
}

/// What the cue tracker makes of a conversation now ([`ConversationState::risk`]).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CueRisk {
    /// 0 to 100, after the gates.
    pub risk: u8,
    /// The level `risk` maps to.
    pub level: Level,
    /// Categories with enough evidence to count, strongest first.
    pub present: Vec<Category>,
    /// Sextortion, or repeated threats: the one case that alerts whatever else the chat holds,
    /// at every sensitivity, past the gates and the learned scorer's veto.
    pub urgent: bool,
}

/// Why the risk is what it is: one category, in words for a parent and for the young user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reason {
    /// The cue category.
    pub category: Category,
    /// The stage the category belongs to.
    pub stage: Stage,
    /// A plain sentence for a parent.
    pub parent: String,
    /// A plain sentence for a 10–15-year-old.
    pub child: String,
    /// Ids of the messages that carried it, oldest first.
    pub message_ids: Vec<String>,
}

/// The engine's verdict after one message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assessment {
    /// 0 to 100.
    pub risk: u8,
    /// The level the risk maps to, after the gates on independent categories.
    pub level: Level,
    /// The furthest stage present now.
    pub stage: Stage,
    /// The reasons, strongest first; empty below `watch`.
    pub reasons: Vec<Reason>,
    /// `true` when this message raised the level to `warn` or `alert`, or added a new reason at
    /// that level: the moment to tell someone. Never `true` twice for the same evidence.
    pub notify: bool,
    /// The cues found in this message, with byte spans into its text.
    pub hits: Vec<CueHit>,
    /// 0-based index of this message in the conversation.
    pub message_index: u32,
    /// Age the contact stated, if any.
    pub contact_age: Option<u8>,
    /// Age the child stated (or the configured age), if any.
    pub child_age: Option<u8>,
    /// What the learned scorer made of the contact's recent messages, when it had enough text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelNote>,
}

/// The learned scorer's part in an assessment, in words as well as numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelNote {
    /// Probability (0–1) that the contact's recent messages read like grooming.
    pub probability: f32,
    /// The model's own risk (0–100) at this sensitivity.
    pub risk: u8,
    /// `true` when the model, not the cues, set the level.
    pub drove: bool,
    /// A plain sentence for a parent.
    pub parent: String,
    /// A plain sentence for a 10–15-year-old.
    pub child: String,
}

impl ConversationState {
    /// The current state format.
    pub const FORMAT: u32 = 1;

    /// Brings state saved by an older version up to this one: evidence slots for categories
    /// added since (appended at the end of [`Category::ALL`]) start empty. Call it before
    /// [`ConversationState::check`] on state read back from storage.
    ///
    /// ```
    /// use safedm::conversation::ConversationState;
    /// let mut saved: ConversationState = serde_json::from_value(serde_json::json!({
    ///     "format": 1, "messages": 3, "contactMessages": 2, "childMessages": 1,
    ///     "unknownMessages": 0, "evidence": [], "contactAge": null, "childAge": null,
    ///     "lastTime": null, "peakLevel": "none", "peakRisk": 0, "peakStage": "none",
    ///     "notifiedLevel": "none", "notifiedCategories": []
    /// })).expect("old state parses");
    /// saved.upgrade();
    /// assert!(saved.check().is_ok());
    /// ```
    pub fn upgrade(&mut self) {
        if self.evidence.len() < Category::ALL.len() {
            self.evidence
                .resize(Category::ALL.len(), Evidence::default());
        }
    }

    /// Checks state read back from storage: right format, one evidence slot per category, no
    /// non-finite numbers. Anything else is an `InvalidState` error, so bad storage never
    /// produces nonsense scores.
    pub fn check(&self) -> Result<(), Error> {
        if self.format != Self::FORMAT {
            return Err(Error::new(
                ErrorKind::InvalidState,
                format!(
                    "state format {} is not the supported {}",
                    self.format,
                    Self::FORMAT
                ),
            ));
        }
        if self.evidence.len() != Category::ALL.len() {
            return Err(Error::new(
                ErrorKind::InvalidState,
                format!(
                    "state has {} evidence slots, expected {}",
                    self.evidence.len(),
                    Category::ALL.len()
                ),
            ));
        }
        if self
            .model_window
            .iter()
            .any(|m| usize::from(m.count) > crate::model::features::MAX_PER_MESSAGE)
            || self
                .model_probability
                .is_some_and(|p| !(0.0..=1.0).contains(&p))
        {
            return Err(Error::new(
                ErrorKind::InvalidState,
                "state holds a damaged model window",
            ));
        }
        if self
            .evidence
            .iter()
            .any(|e| !e.weight.is_finite() || e.weight < 0.0)
            || self.last_time.is_some_and(|t| !t.is_finite())
        {
            return Err(Error::new(
                ErrorKind::InvalidState,
                "state holds a negative or non-finite number",
            ));
        }
        Ok(())
    }

    fn evidence_of(&self, category: Category) -> f32 {
        Category::ALL
            .iter()
            .position(|c| *c == category)
            .and_then(|i| self.evidence.get(i))
            .map_or(0.0, |e| e.weight * self.context_factor(category))
    }

    /// How much a category's evidence counts given what the child's side said of the contact.
    fn context_factor(&self, category: Category) -> f32 {
        if self.family_addressed > 0 && FAMILY_ROUTINE.contains(&category) {
            tuning::FAMILY_FACTOR
        } else {
            1.0
        }
    }

    /// The child addressed the contact by a family name ([`crate::context::ChildSide`]).
    pub(crate) fn note_family_address(&mut self) {
        self.family_addressed = self.family_addressed.saturating_add(1);
    }

    /// Categories with enough evidence to count, strongest first (age statements excluded).
    pub fn present_categories(&self) -> Vec<Category> {
        let mut present: Vec<(Category, f32)> = Category::ALL
            .iter()
            .zip(&self.evidence)
            .map(|(c, e)| (*c, e.weight * self.context_factor(*c)))
            .filter(|(c, w)| !c.is_context() && *w >= tuning::PRESENT)
            .map(|(c, w)| (c, w * c.gravity()))
            .collect();
        present.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        present.into_iter().map(|(c, _)| c).collect()
    }

    /// Applies one message's cues. `child_age_config` is the configured age of the child.
    pub(crate) fn update(
        &mut self,
        role: Role,
        message_id: &str,
        time: Option<f64>,
        hits: &[CueHit],
        child_age_config: Option<u8>,
    ) {
        self.messages = self.messages.saturating_add(1);
        match role {
            Role::Contact => self.contact_messages = self.contact_messages.saturating_add(1),
            Role::Child => self.child_messages = self.child_messages.saturating_add(1),
            Role::Unknown => self.unknown_messages = self.unknown_messages.saturating_add(1),
        }
        self.decay_for_time(time);
        // Stated ages: the first plausible one per side sticks (people rarely restate it).
        for hit in hits.iter().filter(|h| h.category == Category::AgeStatement) {
            match role {
                Role::Contact if self.contact_age.is_none() => self.contact_age = hit.age,
                Role::Child if self.child_age.is_none() => self.child_age = hit.age,
                _ => {}
            }
        }
        if role == Role::Child {
            return;
        }
        self.age_asked = hits.iter().any(|h| h.category == Category::AgeProbe);
        for e in &mut self.evidence {
            e.weight *= tuning::DECAY_PER_MESSAGE;
        }
        let role_factor = if role == Role::Unknown {
            tuning::UNKNOWN_ROLE_FACTOR
        } else {
            1.0
        };
        for (i, &category) in Category::ALL.iter().enumerate() {
            if category == Category::AgeStatement {
                continue;
            }
            // A sure threat to share images is coercion too, with or without a demand.
            let counts = |h: &&CueHit| {
                h.category == category
                    || (category == Category::Coercion
                        && h.category == Category::Expose
                        && h.weight >= tuning::SURE_THREAT)
            };
            let mut weights: Vec<f32> = hits.iter().filter(counts).map(|h| h.weight).collect();
            if weights.is_empty() {
                continue;
            }
            weights.sort_by(|a, b| b.total_cmp(a));
            let repeats = (weights.len() - 1).min(tuning::MAX_REPEATS) as f32;
            let gain = weights[0] * (1.0 + tuning::REPEAT_IN_MESSAGE * repeats) * role_factor;
            let Some(slot) = self.evidence.get_mut(i) else {
                continue;
            };
            slot.weight = (slot.weight + gain).min(tuning::CAP);
            slot.remember(message_id);
        }
        self.update_age_gap(message_id, child_age_config);
        self.update_sextortion(hits);
    }

    fn slot_mut(&mut self, category: Category) -> Option<&mut Evidence> {
        let i = Category::ALL.iter().position(|c| *c == category)?;
        self.evidence.get_mut(i)
    }

    /// Counts sure threats, and makes a sure threat to share images or chats with a sure demand
    /// (in the same or a nearby contact message) sextortion evidence, which alerts.
    fn update_sextortion(&mut self, hits: &[CueHit]) {
        let at = self.contact_messages.saturating_add(self.unknown_messages);
        let sure = |category: Category, weight: f32| {
            hits.iter()
                .any(|h| h.category == category && h.weight >= weight)
        };
        if sure(Category::Coercion, tuning::SURE_THREAT)
            || sure(Category::Expose, tuning::SURE_THREAT)
        {
            self.sure_threats = self.sure_threats.saturating_add(1);
        }
        if sure(Category::Expose, tuning::PRESENT) {
            self.expose_at = Some(at);
        }
        if sure(Category::Demand, tuning::PRESENT) {
            self.demand_at = Some(at);
        }
        let (Some(expose), Some(demand)) = (self.expose_at, self.demand_at) else {
            return;
        };
        if expose.abs_diff(demand) >= tuning::SEXTORTION_SPAN || expose.max(demand) != at {
            return;
        }
        let mut ids: Vec<String> = [Category::Expose, Category::Demand]
            .iter()
            .filter_map(|c| self.message_ids_of(*c).last().cloned())
            .collect();
        ids.sort_by_key(|id| id.parse::<u64>().unwrap_or(u64::MAX));
        if let Some(slot) = self.slot_mut(Category::Sextortion) {
            slot.weight = tuning::CAP;
            for id in &ids {
                slot.remember(id);
            }
        }
    }

    /// Ids of the latest messages that carried `category`, oldest first.
    pub fn message_ids_of(&self, category: Category) -> &[String] {
        Category::ALL
            .iter()
            .position(|c| *c == category)
            .and_then(|i| self.evidence.get(i))
            .map_or(&[], |e| e.message_ids.as_slice())
    }

    fn decay_for_time(&mut self, time: Option<f64>) {
        let Some(now) = time.filter(|t| t.is_finite()) else {
            return;
        };
        if let Some(before) = self.last_time {
            let elapsed = now - before;
            if elapsed > 0.0 {
                let keep = 0.5f64.powf(elapsed / tuning::HALF_LIFE_SECONDS) as f32;
                for e in &mut self.evidence {
                    e.weight *= keep;
                }
            }
        }
        if self.last_time.is_none_or(|t| now > t) {
            self.last_time = Some(now);
        }
    }

    /// The child's age as far as known: stated in the chat, else configured.
    pub fn known_child_age(&self, child_age_config: Option<u8>) -> Option<u8> {
        self.child_age.or(child_age_config)
    }

    /// A stated adult contact talking to a known minor is itself evidence of an age gap.
    fn update_age_gap(&mut self, message_id: &str, child_age_config: Option<u8>) {
        let (Some(contact), Some(child)) =
            (self.contact_age, self.known_child_age(child_age_config))
        else {
            return;
        };
        if contact >= 18 && child <= 17 && contact.saturating_sub(child) >= 4 {
            if let Some(i) = Category::ALL.iter().position(|c| *c == Category::AgeGap) {
                if let Some(slot) = self.evidence.get_mut(i) {
                    if slot.weight < 1.0 {
                        slot.weight = 1.0;
                        slot.remember(message_id);
                    }
                }
            }
        }
    }

    /// The contact's cues weigh more with a known young child and less between stated peers.
    fn age_factor(&self, child_age_config: Option<u8>) -> f32 {
        let child = self.known_child_age(child_age_config);
        if let (Some(contact), Some(child)) = (self.contact_age, child) {
            if contact <= 17 && child <= 17 && contact.abs_diff(child) <= 2 {
                return tuning::PEER_FACTOR;
            }
        }
        match child {
            Some(age) if age <= 15 => tuning::YOUNG_CHILD_FACTOR,
            _ => 1.0,
        }
    }

    /// The risk and level now, with the gates on independent categories.
    pub(crate) fn risk(&self, sensitivity: Sensitivity, child_age_config: Option<u8>) -> CueRisk {
        let thresholds = Thresholds::of(sensitivity);
        let present = self.present_categories();
        let mut stages: Vec<Stage> = present.iter().map(|c| c.stage()).collect();
        stages.sort();
        stages.dedup();
        let stage_bonus = 1.0 + tuning::STAGE_BONUS * stages.len().saturating_sub(1) as f32;
        let strength: f32 = Category::ALL
            .iter()
            .map(|c| c.gravity() * self.evidence_of(*c).min(tuning::CAP))
            .sum::<f32>()
            * self.age_factor(child_age_config)
            * stage_bonus;
        let raw = (100.0 * (1.0 - (-strength / tuning::SCALE).exp()))
            .round()
            .clamp(0.0, 100.0) as u8;
        // Gates: one category alone stays below warn; two stay below alert unless one of them is
        // coercion or hides the contact from the child's adults (CONCEALING).
        let severe =
            present.contains(&Category::Coercion) || present.iter().any(|c| CONCEALING.contains(c));
        let cap = match present.len() {
            // Threats and demands are the one category serious enough to warn on alone.
            1 if present[0] == Category::Coercion => thresholds.alert.saturating_sub(1),
            0 | 1 => thresholds.warn.saturating_sub(1),
            2 if !severe => thresholds.alert.saturating_sub(1),
            _ => 100,
        };
        let urgent = present.contains(&Category::Sextortion)
            || (self.sure_threats >= 2
                && self.evidence_of(Category::Coercion) >= tuning::REPEATED_THREATS);
        let risk = if urgent {
            raw.max(thresholds.alert)
        } else {
            raw.min(cap)
        };
        CueRisk {
            risk,
            level: thresholds.level(risk),
            present,
            urgent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(category: Category, weight: f32) -> CueHit {
        CueHit {
            category,
            weight,
            start: 0,
            end: 0,
            age: None,
        }
    }

    #[test]
    fn one_category_repeated_never_reaches_warn() {
        let mut s = ConversationState::default();
        for i in 0..50 {
            s.update(
                Role::Contact,
                &i.to_string(),
                None,
                &[hit(Category::Secrecy, 1.0)],
                None,
            );
        }
        let CueRisk {
            risk,
            level,
            present,
            ..
        } = s.risk(Sensitivity::Strict, Some(12));
        assert_eq!(present, vec![Category::Secrecy]);
        assert!(level < Level::Warn, "risk {risk} level {level:?}");
    }

    #[test]
    fn three_independent_categories_alert() {
        let mut s = ConversationState::default();
        s.update(
            Role::Contact,
            "a",
            None,
            &[hit(Category::AgeProbe, 0.8)],
            None,
        );
        s.update(
            Role::Contact,
            "b",
            None,
            &[hit(Category::Secrecy, 0.8)],
            None,
        );
        s.update(
            Role::Contact,
            "c",
            None,
            &[hit(Category::PrivateChannel, 0.8)],
            None,
        );
        s.update(
            Role::Contact,
            "d",
            None,
            &[hit(Category::RiskCheck, 0.8)],
            None,
        );
        let level = s.risk(Sensitivity::Balanced, None).level;
        assert_eq!(level, Level::Alert);
    }

    #[test]
    fn evidence_decays_with_time() {
        let mut s = ConversationState::default();
        s.update(
            Role::Contact,
            "a",
            Some(0.0),
            &[hit(Category::Secrecy, 1.0)],
            None,
        );
        s.update(
            Role::Contact,
            "b",
            Some(tuning::HALF_LIFE_SECONDS),
            &[],
            None,
        );
        let w = s.evidence_of(Category::Secrecy);
        assert!((w - 0.5 * tuning::DECAY_PER_MESSAGE).abs() < 0.01, "{w}");
    }

    #[test]
    fn child_messages_add_no_evidence_but_give_age() {
        let mut s = ConversationState::default();
        let age = CueHit {
            age: Some(13),
            ..hit(Category::AgeStatement, 1.0)
        };
        s.update(
            Role::Child,
            "a",
            None,
            &[hit(Category::Secrecy, 1.0), age],
            None,
        );
        assert_eq!(s.evidence_of(Category::Secrecy), 0.0);
        assert_eq!(s.child_age, Some(13));
    }

    #[test]
    fn stated_adult_and_young_child_create_age_gap_evidence() {
        let mut s = ConversationState::default();
        let adult = CueHit {
            age: Some(31),
            ..hit(Category::AgeStatement, 1.0)
        };
        s.update(Role::Contact, "a", None, &[adult], Some(12));
        assert!(s.evidence_of(Category::AgeGap) >= tuning::PRESENT);
        let mut peers = ConversationState::default();
        let teen = CueHit {
            age: Some(13),
            ..hit(Category::AgeStatement, 1.0)
        };
        peers.update(Role::Contact, "a", None, &[teen], Some(13));
        assert_eq!(peers.evidence_of(Category::AgeGap), 0.0);
        assert_eq!(peers.age_factor(Some(13)), tuning::PEER_FACTOR);
    }

    /// (name, contact messages as hits, whether the conversation must alert at every sensitivity
    /// through sextortion). Named regression cases for the sextortion gate.
    /// One contact message's hits: (category, weight).
    type Hits = &'static [(Category, f32)];

    const SEXTORTION_CASES: &[(&str, &[Hits], bool)] = &[
        (
            "threat and demand in one message",
            &[&[(Category::Expose, 0.9), (Category::Demand, 0.9)]],
            true,
        ),
        (
            "threat then demand in the next message",
            &[&[(Category::Expose, 0.9)], &[(Category::Demand, 0.8)]],
            true,
        ),
        (
            "demand then a weaker threat in the next message",
            &[&[(Category::Demand, 0.9)], &[(Category::Expose, 0.5)]],
            true,
        ),
        (
            "threat and demand two contact messages apart",
            &[&[(Category::Expose, 0.9)], &[], &[(Category::Demand, 0.9)]],
            false,
        ),
        (
            "a demand alone",
            &[&[(Category::Demand, 0.9)], &[(Category::Demand, 0.9)]],
            false,
        ),
        (
            "a weak threat alone",
            &[&[(Category::Expose, 0.6)], &[(Category::Expose, 0.6)]],
            false,
        ),
        (
            "unsure halves",
            &[&[(Category::Expose, 0.4), (Category::Demand, 0.4)]],
            false,
        ),
    ];

    fn play_hits(messages: &[Hits]) -> ConversationState {
        let mut s = ConversationState::default();
        for (i, message) in messages.iter().enumerate() {
            let hits: Vec<CueHit> = message.iter().map(|(c, w)| hit(*c, *w)).collect();
            s.update(Role::Contact, &i.to_string(), None, &hits, None);
        }
        s
    }

    #[test]
    fn sextortion_needs_a_sure_threat_and_demand_close_together() {
        for (name, messages, alerts) in SEXTORTION_CASES {
            let s = play_hits(messages);
            for sensitivity in [
                Sensitivity::Relaxed,
                Sensitivity::Balanced,
                Sensitivity::Strict,
            ] {
                let cues = s.risk(sensitivity, None);
                assert_eq!(
                    cues.present.contains(&Category::Sextortion),
                    *alerts,
                    "{name}: {:?}",
                    cues.present
                );
                assert_eq!(
                    cues.level == Level::Alert,
                    *alerts,
                    "{name} at {sensitivity:?}"
                );
            }
        }
    }

    #[test]
    fn sextortion_names_the_threat_and_the_demand() {
        let s = play_hits(&[&[(Category::Expose, 0.9)], &[(Category::Demand, 0.9)]]);
        assert_eq!(s.message_ids_of(Category::Sextortion), ["0", "1"]);
        assert!(!s.present_categories().contains(&Category::Expose));
        assert!(!s.present_categories().contains(&Category::Demand));
    }

    #[test]
    fn a_sure_threat_to_share_is_coercion_too() {
        let s = play_hits(&[&[(Category::Expose, 0.9)]]);
        assert!(s.evidence_of(Category::Coercion) >= tuning::PRESENT);
        let unsure = play_hits(&[&[(Category::Expose, 0.6)]]);
        assert_eq!(unsure.evidence_of(Category::Coercion), 0.0);
    }

    #[test]
    fn repeated_sure_threats_alert_once_weak_ones_do_not() {
        let once = play_hits(&[&[(Category::Coercion, 0.8)]]);
        assert!(!once.risk(Sensitivity::Balanced, None).urgent);
        let twice = play_hits(&[&[(Category::Coercion, 0.8)], &[(Category::Coercion, 0.8)]]);
        let cues = twice.risk(Sensitivity::Relaxed, None);
        assert!(cues.urgent);
        assert_eq!(cues.level, Level::Alert);
        let weak = play_hits(&[&[(Category::Coercion, 0.6)], &[(Category::Coercion, 0.6)]]);
        assert!(!weak.risk(Sensitivity::Balanced, None).urgent);
    }

    #[test]
    fn state_saved_before_sextortion_upgrades() {
        let mut old = ConversationState::default();
        old.evidence.truncate(Category::ALL.len() - 3);
        assert!(old.check().is_err());
        old.upgrade();
        old.check().unwrap();
        assert_eq!(old.evidence.len(), Category::ALL.len());
    }

    #[test]
    fn check_rejects_corrupt_state() {
        let mut s = ConversationState::default();
        s.check().unwrap();
        s.evidence[0].weight = f32::NAN;
        assert_eq!(s.check().unwrap_err().kind(), ErrorKind::InvalidState);
        let mut s = ConversationState::default();
        s.evidence.pop();
        assert_eq!(s.check().unwrap_err().kind(), ErrorKind::InvalidState);
        let s = ConversationState {
            format: 99,
            ..ConversationState::default()
        };
        assert_eq!(s.check().unwrap_err().kind(), ErrorKind::InvalidState);
    }
}
