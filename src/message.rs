//! One chat message as the engine sees it.

use serde::{Deserialize, Serialize};

/// Who wrote a message, from the protected young user's point of view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The other party: the person whose behaviour is assessed.
    Contact,
    /// The protected young user. Their messages give context (a stated age, a refusal).
    Child,
    /// The page adapter could not tell. Scored like the contact, at reduced weight.
    #[default]
    Unknown,
}

/// A message: an id chosen by the caller (used in reasons), the author's role, the text and an
/// optional time in Unix seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Caller's id for the message; reasons point back at messages through it.
    #[serde(default)]
    pub id: String,
    /// Who wrote it.
    #[serde(default)]
    pub role: Role,
    /// The text as shown to the user.
    #[serde(default)]
    pub text: String,
    /// When it was sent, in Unix seconds, if known. Drives time decay of evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<f64>,
}

impl Message {
    /// A message without a time.
    pub fn new(id: impl Into<String>, role: Role, text: impl Into<String>) -> Self {
        Message {
            id: id.into(),
            role,
            text: text.into(),
            time: None,
        }
    }

    /// The same message with a time in Unix seconds.
    pub fn at(mut self, time: f64) -> Self {
        self.time = Some(time);
        self
    }
}
