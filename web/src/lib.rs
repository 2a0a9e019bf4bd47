//! The JavaScript API of the WebAssembly build (`make wasm`): the engine crate `safedm` behind
//! wasm-bindgen.
//!
//! This is the only crate that imports wasm-bindgen, js-sys and serde-wasm-bindgen. It keeps one
//! [`ConversationState`] per conversation id and converts everything at the boundary:
//!
//! ```js
//! import init, { Engine, version, thresholds } from './safedm.js';
//! await init();
//! const engine = new Engine({ sensitivity: 'balanced', childAge: 13 });
//! const a = engine.observe('discord:123', { id: 'm1', role: 'contact', text: 'hi', time: 1700000000 });
//! // a = { risk, level, stage, notify, messageIndex, contactAge, childAge,
//! //       reasons: [{ category, stage, parent, child, messageIds }],
//! //       hits: [{ category, weight, start, end, age? }], summary,
//! //       model: { probability, risk, drove, parent, child } | null }
//! const saved = engine.exportState('discord:123');   // no message text; null if unknown
//! engine.importState('discord:123', saved);           // validated
//! engine.forget('discord:123');
//! ```
//!
//! Hit spans are UTF-16 code-unit offsets into the message text, so `text.slice(start, end)` in
//! JavaScript is the triggering words. Every failure is thrown as a JS `Error` with a message
//! that names the offending field; nothing here panics on input from JavaScript (a panic in
//! WebAssembly aborts: the instance would be dead for every later call).

use safedm::explain;
use safedm::{
    Category, Config, ConversationState, CueHit, Level, Message, Role, Sensitivity, Stage,
    Thresholds,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use wasm_bindgen::prelude::*;

/// The scoring engine with the states of the conversations it follows. `Engine` in JavaScript.
#[wasm_bindgen(js_name = Engine)]
pub struct WasmEngine {
    engine: safedm::Engine,
    conversations: HashMap<String, ConversationState>,
}

#[wasm_bindgen(js_class = Engine)]
impl WasmEngine {
    /// `new Engine({ sensitivity, childAge })`; `undefined` or `null` gives the defaults
    /// (balanced, child age unknown). Throws on an unknown field or an out-of-range value.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<WasmEngine, JsError> {
        let config = if config.is_undefined() || config.is_null() {
            Config::default()
        } else {
            parse_config(&config)?
        };
        let engine = safedm::Engine::new(config).map_err(engine_error)?;
        Ok(WasmEngine {
            engine,
            conversations: HashMap::new(),
        })
    }

    /// Scores one message of a conversation and returns the assessment as a plain object.
    /// The message is `{ id?, role, text, time? }`; a `time` that is not finite (NaN) counts as
    /// unknown. On error the conversation's state is left unchanged.
    pub fn observe(
        &mut self,
        conversation_id: JsValue,
        message: JsValue,
    ) -> Result<JsValue, JsError> {
        let id = conversation_id_of(&conversation_id)?;
        let message = parse_message(&message)?;
        let state = self
            .conversations
            .entry(id)
            .or_insert_with(|| self.engine.new_conversation());
        let assessment = self.engine.observe(state, &message);
        let summary = explain::child_summary(&assessment.reasons);
        let hits = utf16_hits(&message.text, &assessment.hits);
        let out = JsAssessment {
            risk: assessment.risk,
            level: assessment.level,
            stage: assessment.stage,
            notify: assessment.notify,
            message_index: assessment.message_index,
            contact_age: assessment.contact_age,
            child_age: assessment.child_age,
            reasons: &assessment.reasons,
            hits,
            summary,
            model: assessment.model.as_ref(),
        };
        to_js(&out)
    }

    /// The saved state of a conversation (numbers, categories and message ids; no message text),
    /// JSON-serialisable, or `null` when the conversation is unknown.
    #[wasm_bindgen(js_name = exportState)]
    pub fn export_state(&self, conversation_id: JsValue) -> Result<JsValue, JsError> {
        let id = conversation_id_of(&conversation_id)?;
        match self.conversations.get(&id) {
            Some(state) => to_js(state),
            None => Ok(JsValue::NULL),
        }
    }

    /// Restores a conversation from a state made by `exportState` (possibly after a trip
    /// through JSON). Throws, and keeps what it had, when the state is malformed or from another
    /// format version.
    #[wasm_bindgen(js_name = importState)]
    pub fn import_state(
        &mut self,
        conversation_id: JsValue,
        state: JsValue,
    ) -> Result<(), JsError> {
        let id = conversation_id_of(&conversation_id)?;
        let mut state: ConversationState = serde_wasm_bindgen::from_value(state)
            .map_err(|e| JsError::new(&format!("invalid state: {}", serde_message(&e))))?;
        // State saved before a category was added has fewer evidence slots.
        state.upgrade();
        state.check().map_err(engine_error)?;
        self.conversations.insert(id, state);
        Ok(())
    }

    /// Drops a conversation's state. Returns whether it was known.
    pub fn forget(&mut self, conversation_id: JsValue) -> Result<bool, JsError> {
        let id = conversation_id_of(&conversation_id)?;
        Ok(self.conversations.remove(&id).is_some())
    }

    /// Changes the settings; the fields given replace the current ones, the others stay
    /// (`{ childAge: null }` clears the age). Conversation states are kept, so the next message
    /// is scored with the new settings. Throws, and keeps the old settings, on a bad value.
    #[wasm_bindgen(js_name = setConfig)]
    pub fn set_config(&mut self, config: JsValue) -> Result<(), JsError> {
        if !is_plain_object(&config) {
            return Err(JsError::new(
                "invalid config: expected an object like { sensitivity: 'balanced', childAge: 13 }",
            ));
        }
        let merged = js_sys::Object::new();
        let current = to_js(self.engine.config())?;
        js_sys::Object::assign(&merged, current.unchecked_ref());
        js_sys::Object::assign(&merged, config.unchecked_ref());
        let config = parse_config(&merged)?;
        self.engine.set_config(config).map_err(engine_error)
    }

    /// The settings in use, as `{ sensitivity, childAge }`.
    pub fn config(&self) -> Result<JsValue, JsError> {
        to_js(self.engine.config())
    }

    /// Compiles up to `maxRows` cue rows not compiled yet and returns how many are left (0:
    /// warm). The engine scores without it (a row compiles on its first candidate message, which
    /// then takes longer); call it in idle slices after construction so that the first messages
    /// don't pay for that.
    pub fn warm(&self, max_rows: u32) -> u32 {
        let max = usize::try_from(max_rows).unwrap_or(usize::MAX);
        u32::try_from(self.engine.warm(max)).unwrap_or(u32::MAX)
    }

    /// How many conversations have state.
    #[wasm_bindgen(js_name = conversationCount)]
    pub fn conversation_count(&self) -> u32 {
        u32::try_from(self.conversations.len()).unwrap_or(u32::MAX)
    }
}

/// The crate version, e.g. `"0.1.0"`.
#[wasm_bindgen]
pub fn version() -> String {
    safedm::VERSION.to_string()
}

/// The risk thresholds of a sensitivity, `{ watch, warn, alert }` (0 to 100): the level is the
/// highest whose threshold the risk reaches (gates on independent signs may hold it lower).
#[wasm_bindgen]
pub fn thresholds(sensitivity: JsValue) -> Result<JsValue, JsError> {
    let name = sensitivity
        .as_string()
        .ok_or_else(|| JsError::new("sensitivity must be a string: relaxed, balanced or strict"))?;
    let sensitivity = Sensitivity::parse(&name).map_err(engine_error)?;
    let t = Thresholds::of(sensitivity);
    to_js(&JsThresholds {
        watch: t.watch,
        warn: t.warn,
        alert: t.alert,
    })
}

/// The grooming stages in order, each `{ stage, label }` with a short plain label for people.
#[wasm_bindgen]
pub fn stages() -> Result<JsValue, JsError> {
    let all = [
        Stage::None,
        Stage::Friendship,
        Stage::Information,
        Stage::RiskAssessment,
        Stage::Exclusivity,
        Stage::PrivateChannel,
        Stage::Sexual,
        Stage::Approach,
    ];
    let list: Vec<JsStage> = all
        .iter()
        .map(|&stage| JsStage {
            stage,
            label: stage.label(),
        })
        .collect();
    to_js(&list)
}

/// The assessment as JavaScript sees it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsAssessment<'a> {
    risk: u8,
    level: Level,
    stage: Stage,
    notify: bool,
    message_index: u32,
    contact_age: Option<u8>,
    child_age: Option<u8>,
    reasons: &'a [safedm::Reason],
    hits: Vec<JsHit>,
    summary: String,
    /// The learned scorer's part, `{ probability, risk, drove, parent, child }`, or `null`.
    model: Option<&'a safedm::ModelNote>,
}

/// A cue hit with UTF-16 offsets.
#[derive(Serialize)]
struct JsHit {
    category: Category,
    weight: f64,
    start: u32,
    end: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    age: Option<u8>,
}

#[derive(Serialize)]
struct JsThresholds {
    watch: u8,
    warn: u8,
    alert: u8,
}

#[derive(Serialize)]
struct JsStage {
    stage: Stage,
    label: &'static str,
}

/// A message as it comes from JavaScript: `role` and `text` are required, the rest optional;
/// other fields are ignored (the extension may pass its own).
#[derive(Deserialize)]
struct JsMessage {
    #[serde(default)]
    id: Option<String>,
    role: Role,
    text: String,
    #[serde(default)]
    time: Option<f64>,
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true);
    value
        .serialize(&serializer)
        .map_err(|e| JsError::new(&format!("internal conversion error: {e}")))
}

fn engine_error(e: safedm::Error) -> JsError {
    JsError::new(&e.to_string())
}

fn is_plain_object(value: &JsValue) -> bool {
    value.is_object() && !js_sys::Array::is_array(value) && !value.is_function()
}

fn parse_config(value: &JsValue) -> Result<Config, JsError> {
    if !is_plain_object(value) {
        return Err(JsError::new(
            "invalid config: expected an object like { sensitivity: 'balanced', childAge: 13 }",
        ));
    }
    // serde-wasm-bindgen reads only the fields it knows, so `deny_unknown_fields` does not
    // catch a misspelt `childage`; check the keys here.
    let object: &js_sys::Object = value.unchecked_ref();
    for key in js_sys::Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        if !CONFIG_FIELDS.contains(&key.as_str()) {
            return Err(JsError::new(&format!(
                "invalid config: unknown field {key:?}, expected one of {CONFIG_FIELDS:?}"
            )));
        }
    }
    let config: Config = serde_wasm_bindgen::from_value(value.clone()).map_err(|e| {
        JsError::new(&format!(
            "invalid config: {} (expected {{ sensitivity: 'relaxed'|'balanced'|'strict', childAge: 5..17|null }})",
            serde_message(&e)
        ))
    })?;
    config.validate().map_err(engine_error)?;
    Ok(config)
}

/// The fields of a config object in JavaScript.
const CONFIG_FIELDS: &[&str] = &["sensitivity", "childAge"];

/// A serde-wasm-bindgen error's text without the `Error: ` that JS `String(error)` puts first.
fn serde_message(e: &serde_wasm_bindgen::Error) -> String {
    let text = e.to_string();
    text.strip_prefix("Error: ").unwrap_or(&text).to_string()
}

fn conversation_id_of(value: &JsValue) -> Result<String, JsError> {
    match value.as_string() {
        Some(id) if !id.is_empty() => Ok(id),
        _ => Err(JsError::new(
            "conversationId must be a non-empty string, e.g. 'discord:123'",
        )),
    }
}

fn parse_message(value: &JsValue) -> Result<Message, JsError> {
    if !is_plain_object(value) {
        return Err(JsError::new(
            "invalid message: expected an object like { id: 'm1', role: 'contact', text: '...', time: 1700000000 }",
        ));
    }
    let m: JsMessage = serde_wasm_bindgen::from_value(value.clone()).map_err(|e| {
        JsError::new(&format!(
            "invalid message: {} (expected {{ id?: string, role: 'contact'|'child'|'unknown', text: string, time?: number }})",
            serde_message(&e)
        ))
    })?;
    Ok(Message {
        id: m.id.unwrap_or_default(),
        role: m.role,
        text: m.text,
        time: m.time.filter(|t| t.is_finite()),
    })
}

/// The hits with their byte spans turned into UTF-16 code-unit offsets into `text`.
fn utf16_hits(text: &str, hits: &[CueHit]) -> Vec<JsHit> {
    let mut offsets: Vec<usize> = hits.iter().flat_map(|h| [h.start, h.end]).collect();
    offsets.sort_unstable();
    offsets.dedup();
    let map = utf16_offsets(text, &offsets);
    let convert = |byte: usize| -> u32 {
        let i = offsets.partition_point(|&o| o < byte);
        map.get(i).copied().unwrap_or(0)
    };
    hits.iter()
        .map(|h| JsHit {
            category: h.category,
            weight: (f64::from(h.weight) * 1000.0).round() / 1000.0,
            start: convert(h.start),
            end: convert(h.end),
            age: h.age,
        })
        .collect()
}

/// For each byte offset in `sorted` (ascending), the UTF-16 offset of the character that starts
/// at or contains it; offsets past the end map to the text's UTF-16 length.
pub fn utf16_offsets(text: &str, sorted: &[usize]) -> Vec<u32> {
    let mut out = Vec::with_capacity(sorted.len());
    let mut next = sorted.iter().peekable();
    let mut units: u32 = 0;
    for (byte, ch) in text.char_indices() {
        let char_end = byte + ch.len_utf8();
        while let Some(&&offset) = next.peek() {
            if offset < char_end {
                out.push(units);
                next.next();
            } else {
                break;
            }
        }
        units = units.saturating_add(ch.len_utf16() as u32);
    }
    out.extend(next.map(|_| units));
    out
}
