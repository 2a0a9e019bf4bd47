//! The engine: compiled cue tables plus a configuration, applied to conversation state.

use crate::config::Config;
use crate::context::ChildSide;
use crate::conversation::{Assessment, ConversationState, ModelNote};
use crate::cues::{Category, CueHit, CueSet, Stage};
use crate::error::Error;
use crate::explain;
use crate::level::{Level, Thresholds};
use crate::message::{Message, Role};
use crate::model::Model;
use crate::moves::MoveModel;
use crate::normalize::{normalize, normalize_general, normalize_into, Normalized};
use std::cell::Cell;
use std::sync::Arc;

std::thread_local! {
    /// [`Engine::observe`]'s normalised text, kept per thread between messages.
    static SCRATCH: Cell<Normalized> = Cell::new(Normalized::default());
}

/// The longest message text scored, in bytes. Longer text is cut at a character boundary: a
/// pasted book must not stall the page, and the first 64 KiB say enough.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// Which scorers set the level: both (the default), or one alone for ablation studies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Scoring {
    /// Cues and the learned model together.
    #[default]
    Combined,
    /// The cue tracker alone (the engine before the model).
    CuesOnly,
    /// The learned model alone.
    ModelOnly,
}

/// How the model and the cues are combined.
mod combine {
    /// A cue alert over a full window in which the model sees no grooming (probability below
    /// this share of its own `watch` threshold) is held at `warn`: long same-era adult chats
    /// (decoys, chat rooms) trip several cue categories without the behaviour around them. A
    /// window that is not yet full (a short, present-day chat) is never vetoed: the model has
    /// too little to go on and was trained on another era's phrasing.
    pub const VETO_SHARE: f32 = 1.0;
    /// The model may raise the level only once its window holds this many contact messages: over
    /// a handful of short lines the mean is noise, and it was trained on whole windows.
    pub const MIN_MESSAGES_TO_RAISE: usize = 8;
}

/// How the move detector's findings become evidence.
mod moves_in {
    use crate::cues::Category;

    /// The detector's sextortion output, and how sure it must be (0 at its threshold, 1 sure)
    /// to complete a half that a row found ([`super::other_half_of_sextortion`]).
    pub const SEXTORTION: &str = "sextortion";
    /// See [`SEXTORTION`].
    pub const SURE_SEXTORTION: f32 = 0.85;
    /// How sure the row's half must be (a row weight) for the detector to complete it.
    pub const SURE_HALF: f32 = 0.5;

    /// Evidence of a move just at its threshold; what certainty adds is [`strength_weight`].
    pub const BASE_WEIGHT: f32 = 0.0;

    /// What a move's certainty (0 at its threshold, 1 when sure) adds to its category's
    /// evidence. The moves a groomer makes and the other side of an adult chat does not
    /// (questions about the child, praise, gifts, secrecy, another app, guilt, a device) weigh
    /// 0.8: one sure line nearly makes its category present, two do. The moves the decoys of the
    /// offender corpora make too while playing the child (sexual talk and meeting aside, which
    /// measured safe: age gaps, threats, photo requests, offers, gift debts, sextortion) keep
    /// 0.2, so they count only beside cue evidence. Chosen one move at a time on the dev split:
    /// each of the 0.8 moves alone at 1.2 left the decoys' and PAN 2012's false alerts as they
    /// were, each of the others raised one of them.
    pub fn strength_weight(name: &str) -> f32 {
        match name {
            "age_probe" | "personal_info" | "flattery" | "gifts" | "risk_check" | "isolation"
            | "secrecy" | "private_channel" | "meeting" | "sexual" | "guilt" | "device"
            | "told_about_me" => 0.8,
            _ => 0.2,
        }
    }

    /// The cue category each move of the detector feeds. The moves that have no category of
    /// their own yet feed the nearest one: a gift with strings or an offer of work feeds
    /// `gifts`, guilt and jealousy `isolation`, a hidden device and "what did you tell them
    /// about me" `secrecy`, sextortion `coercion`. Child-side outputs feed none.
    pub fn category(name: &str) -> Option<Category> {
        Some(match name {
            "gift_debt" | "offer" => Category::Gifts,
            "guilt" => Category::Isolation,
            "device" | "told_about_me" => Category::Secrecy,
            "sextortion" => Category::Coercion,
            other => return Category::from_name(other).filter(|c| *c != Category::AgeStatement),
        })
    }
}

/// When the detector reads a line as sextortion and a row found its threat to share the child's
/// pictures or chats in the same line, the demand, so that the tracker's sextortion rule sees
/// both halves: the rows know the usual wording of each half, the detector the move as a whole,
/// and a writer who words the demand in a way no row spells out ("you know what to do if you
/// want this gone") is still caught once the threat is plain. The detector alone, without a
/// row's half, adds only coercion evidence: one line never alerts on the detector's word.
fn other_half_of_sextortion(
    hits: &[CueHit],
    strength: f32,
    span: std::ops::Range<usize>,
) -> Option<CueHit> {
    if strength < moves_in::SURE_SEXTORTION {
        return None;
    }
    let has = |c: Category| {
        hits.iter()
            .any(|h| h.category == c && h.weight >= moves_in::SURE_HALF)
    };
    // Only a demand is completed: the threat to share must be a row's, since the detector's
    // move also covers threats without images ("pay or I tell the school"), which are coercion
    // and get the grooming screen, not the take-down help.
    if !has(Category::Expose) || has(Category::Demand) {
        return None;
    }
    Some(CueHit {
        category: Category::Demand,
        weight: 0.5,
        start: span.start,
        end: span.end,
        age: None,
    })
}

/// Scores messages. Build once, share, and keep one [`ConversationState`] per conversation.
#[derive(Clone, Debug)]
pub struct Engine {
    config: Config,
    cues: CueSet,
    model: Option<Arc<Model>>,
    /// [`Model::fingerprint`] of `model`, computed once (it reads every weight).
    model_fingerprint: u32,
    /// The learned move detector, when its weights load.
    moves: Option<Arc<MoveModel>>,
    scoring: Scoring,
    /// Normalise and match cues by the general, unfiltered paths ([`Engine::with_reference_paths`]).
    reference: bool,
    /// Reads the child's side of the chat for who the contact is.
    child_side: ChildSide,
}

impl Engine {
    /// Compiles the cue tables and checks the config.
    pub fn new(config: Config) -> Result<Engine, Error> {
        config.validate()?;
        Ok(Engine {
            config,
            cues: CueSet::new()?,
            model: None,
            model_fingerprint: 0,
            moves: MoveModel::embedded().map(Arc::new),
            scoring: Scoring::Combined,
            reference: false,
            child_side: ChildSide::new()?,
        }
        .with_model(Model::embedded()))
    }

    /// The same engine with another model (or none: cues only).
    pub fn with_model(mut self, model: Option<Model>) -> Engine {
        self.model_fingerprint = model.as_ref().map_or(0, Model::fingerprint);
        self.model = model.map(Arc::new);
        self
    }

    /// The same engine with another move detector (or none: cue rows only).
    pub fn with_moves(mut self, moves: Option<MoveModel>) -> Engine {
        self.moves = moves.map(Arc::new);
        self
    }

    /// Compiles up to `max_rows` cue rows that no message has needed yet and returns how many are
    /// left ([`CueSet::compile_some`]); 0 once the engine scores every message at full speed.
    /// The engine is ready without it: a row compiles on its first candidate message anyway.
    pub fn warm(&self, max_rows: usize) -> usize {
        self.cues.compile_some(max_rows)
    }

    /// The move detector in use, if any.
    pub fn moves(&self) -> Option<&MoveModel> {
        self.moves.as_deref()
    }

    /// The moves the detector finds in `normalized`, as hits of the categories they feed, for
    /// categories whose cue rows did not already hit as strongly.
    fn move_hits(&self, normalized: &Normalized, hits: &[CueHit]) -> Vec<CueHit> {
        let Some(detector) = self.moves.as_deref() else {
            return Vec::new();
        };
        let mut out: Vec<CueHit> = Vec::new();
        for found in detector.moves(normalized.as_str()) {
            let Some(category) = moves_in::category(&found.name) else {
                continue;
            };
            let weight =
                moves_in::BASE_WEIGHT + moves_in::strength_weight(&found.name) * found.strength;
            let span = normalized.original_span(found.span.clone());
            if found.name == moves_in::SEXTORTION {
                out.extend(other_half_of_sextortion(hits, found.strength, span.clone()));
            }
            let stronger = |h: &CueHit| h.category == category && h.weight >= weight;
            if hits.iter().any(stronger) || out.iter().any(stronger) {
                continue;
            }
            out.push(CueHit {
                category,
                weight,
                start: span.start,
                end: span.end,
                age: None,
            });
        }
        out
    }

    /// The same engine with one scorer switched off, for ablation studies.
    pub fn with_scoring(mut self, scoring: Scoring) -> Engine {
        self.scoring = scoring;
        self
    }

    /// The learned model in use, if any.
    pub fn model(&self) -> Option<&Model> {
        self.model.as_deref()
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
        self.find(&self.normalize(truncate(text)))
    }

    /// The model's features of one message, as the tracker keeps them (`None` without a model).
    pub fn message_features(&self, text: &str) -> Option<crate::model::features::MessageFeatures> {
        let model = self.model.as_deref()?;
        let normalized = self.normalize(truncate(text));
        let hits = self.find(&normalized);
        Some(model.message_features(normalized.as_str(), &hits))
    }

    /// The same engine normalising by the general path alone and running every cue row (no ASCII
    /// fast path, no literal prefilter): the engine as it computed before issue 17, for the
    /// tests that hold both equal and the benches that compare them.
    /// Native builds only.
    #[doc(hidden)]
    #[cfg(not(target_arch = "wasm32"))]
    pub fn with_reference_paths(mut self) -> Engine {
        self.reference = true;
        self
    }

    fn normalize(&self, text: &str) -> Normalized {
        if self.reference {
            normalize_general(text)
        } else {
            normalize(text)
        }
    }

    fn find(&self, normalized: &Normalized) -> Vec<CueHit> {
        #[cfg(not(target_arch = "wasm32"))]
        if self.reference {
            return self.cues.find_unfiltered(normalized);
        }
        self.cues.find(normalized)
    }

    /// The tracker's share of [`Engine::observe`] alone: folds `hits` (found elsewhere) into the
    /// state and returns the cue risk. For the per-stage benchmarks (`benches/engine.rs`).
    #[doc(hidden)]
    pub fn track(&self, state: &mut ConversationState, message: &Message, hits: &[CueHit]) -> u8 {
        state.update(
            message.role,
            &message.id,
            message.time,
            hits,
            self.config.child_age,
        );
        state
            .risk(self.config.sensitivity, self.config.child_age)
            .risk
    }

    /// Scores one message in its conversation and updates the state.
    pub fn observe(&self, state: &mut ConversationState, message: &Message) -> Assessment {
        // One normalised buffer per thread, reused: no allocation for it per message.
        let mut normalized = SCRATCH.with(Cell::take);
        if self.reference {
            normalized = normalize_general(truncate(&message.text));
        } else {
            normalize_into(truncate(&message.text), &mut normalized);
        }
        let assessment = self.observe_normalized(state, message, &normalized);
        SCRATCH.with(|s| s.set(normalized));
        assessment
    }

    fn observe_normalized(
        &self,
        state: &mut ConversationState,
        message: &Message,
        normalized: &Normalized,
    ) -> Assessment {
        let mut hits = self.find(normalized);
        if let (Some(model), true) = (self.model.as_deref(), message.role != Role::Child) {
            let fingerprint = self.model_fingerprint;
            if state.model_fingerprint != Some(fingerprint) {
                state.model_window.clear();
                state.model_probability = None;
                state.model_fingerprint = Some(fingerprint);
            }
            // A long text is read as the lines it would have been (see `features::pieces`); its
            // probability is the highest of the windows ending at each piece, as if those lines
            // had been sent one by one.
            let pieces = crate::model::features::pieces(truncate(&message.text));
            let mut highest: Option<f32> = None;
            for piece in &pieces {
                let features = if pieces.len() == 1 {
                    model.message_features(normalized.as_str(), &hits)
                } else {
                    let normalized = self.normalize(piece);
                    model.message_features(normalized.as_str(), &self.find(&normalized))
                };
                state.model_window.push(model.message_score(&features));
                let excess = state.model_window.len().saturating_sub(model.header.window);
                state.model_window.drain(..excess);
                if let Some(p) = model.window_probability_of_scores(&state.model_window) {
                    highest = Some(highest.map_or(p, |h| h.max(p)));
                }
            }
            if highest.is_some() {
                state.model_probability = highest;
            }
        }
        if message.role != Role::Child && self.scoring != Scoring::ModelOnly {
            let found = self.move_hits(normalized, &hits);
            hits.extend(found);
        }
        if message.role == Role::Child && self.child_side.names_family(normalized.as_str()) {
            state.note_family_address();
        }
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
        let cues = state.risk(self.config.sensitivity, self.config.child_age);
        let (cue_risk, present) = (cues.risk, cues.present);
        let (risk, level, note) = self.combine(state, cue_risk, cues.urgent);
        let present = if self.scoring == Scoring::ModelOnly {
            Vec::new()
        } else {
            present
        };
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
            model: note,
        }
    }

    /// Combines the cue risk with the model's probability over the recent contact window.
    ///
    /// The model's probability maps to a risk whose level thresholds were chosen on dev (see
    /// [`Model::risk`]). Combined, the higher of the two risks counts, with two exceptions that
    /// make each scorer check the other: cues that reach `warn` while the model independently
    /// reads `warn` make an `alert`; a cue alert over a window in which the model sees nothing
    /// of grooming (see `combine::VETO_SHARE`) stays at `warn`. An `urgent` cue alert
    /// (sextortion, repeated threats) is never vetoed: a threat needs no pattern around it.
    fn combine(
        &self,
        state: &ConversationState,
        cue_risk: u8,
        urgent: bool,
    ) -> (u8, Level, Option<ModelNote>) {
        let sensitivity = self.config.sensitivity;
        let levels = Thresholds::of(sensitivity);
        let (model, probability) = match (self.model.as_deref(), state.model_probability) {
            (Some(m), Some(p)) if self.scoring != Scoring::CuesOnly => (m, p),
            _ => {
                let risk = if self.scoring == Scoring::ModelOnly {
                    0
                } else {
                    cue_risk
                };
                return (risk, levels.level(risk), None);
            }
        };
        // Rounded down: the levels must follow the probability thresholds chosen on dev, and a
        // probability just below `alert` (risk 64.6 at balanced) must not round up into it.
        let model_risk = model
            .risk(probability, sensitivity)
            .floor()
            .clamp(0.0, 100.0) as u8;
        let t = model.header.thresholds.of(sensitivity);
        let risk = match self.scoring {
            Scoring::ModelOnly => model_risk,
            _ => {
                let mut risk = cue_risk;
                if state.model_window.len() >= combine::MIN_MESSAGES_TO_RAISE {
                    risk = risk.max(model_risk);
                    if levels.level(cue_risk) >= Level::Warn && probability >= t.warn {
                        risk = risk.max(levels.alert);
                    }
                }
                if levels.level(cue_risk) == Level::Alert
                    && !urgent
                    && state.model_window.len() >= model.header.window
                    && probability < t.watch * combine::VETO_SHARE
                    && model_risk < levels.warn
                {
                    risk = risk.min(levels.alert.saturating_sub(1));
                }
                risk
            }
        };
        let level = levels.level(risk);
        let drove = (level > levels.level(cue_risk) && levels.level(model_risk) >= level)
            || (self.scoring == Scoring::ModelOnly && level > Level::None);
        let (parent, child) = if drove {
            (
                "The way this person writes, taken together, reads like the grooming chats the \
                 detector learned from, even where no single message stands out."
                    .to_string(),
                "Taken together, how this person talks to you looks like someone trying to win \
                 your trust for the wrong reasons."
                    .to_string(),
            )
        } else {
            (String::new(), String::new())
        };
        let note = ModelNote {
            probability,
            risk: model_risk,
            drove,
            parent,
            child,
        };
        (risk, level, Some(note))
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

/// `text` cut to at most [`MAX_TEXT_BYTES`] at a character boundary, as the engine reads it
/// (the trainer cuts training text the same way).
///
/// ```
/// assert_eq!(safedm::engine::truncate("short"), "short");
/// ```
pub fn truncate(text: &str) -> &str {
    if text.len() <= MAX_TEXT_BYTES {
        return text;
    }
    let mut end = MAX_TEXT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
