//! Levels of concern and the risk thresholds that map onto them: the vocabulary the tracker, the
//! model and the bindings share. A leaf module (it imports only the config), so that
//! `conversation` and `model` both depend on it and not on each other.

use crate::config::Sensitivity;
use serde::{Deserialize, Serialize};

/// How worried the engine is, in increasing order.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Nothing of note.
    #[default]
    None,
    /// Some signs; keep watching, tell no one yet.
    Watch,
    /// Several signs together: a calm warning.
    Warn,
    /// A clear grooming pattern: alert.
    Alert,
}

impl Level {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Watch => "watch",
            Level::Warn => "warn",
            Level::Alert => "alert",
        }
    }
}

/// Risk thresholds (0–100) of one sensitivity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thresholds {
    /// From this risk on, `watch`.
    pub watch: u8,
    /// From this risk on, `warn`.
    pub warn: u8,
    /// From this risk on, `alert`.
    pub alert: u8,
}

impl Thresholds {
    /// The thresholds of a sensitivity.
    pub fn of(sensitivity: Sensitivity) -> Thresholds {
        match sensitivity {
            Sensitivity::Relaxed => Thresholds {
                watch: 25,
                warn: 50,
                alert: 75,
            },
            Sensitivity::Balanced => Thresholds {
                watch: 20,
                warn: 40,
                alert: 65,
            },
            Sensitivity::Strict => Thresholds {
                watch: 15,
                warn: 30,
                alert: 50,
            },
        }
    }

    /// The level a risk maps to.
    pub fn level(&self, risk: u8) -> Level {
        if risk >= self.alert {
            Level::Alert
        } else if risk >= self.warn {
            Level::Warn
        } else if risk >= self.watch {
            Level::Watch
        } else {
            Level::None
        }
    }
}
