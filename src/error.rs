//! The one error type of the engine, with a kind that callers can match on.

use std::fmt;

/// What went wrong, for callers that react differently to each case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A configuration value is out of range or unknown (e.g. a child age of 200).
    InvalidConfig,
    /// Saved conversation state is from an incompatible version or is corrupt.
    InvalidState,
    /// A cue table in the source tree does not compile (a bug caught by the tests).
    InvalidCueTable,
    /// A weights file of the learned scorer is not valid.
    InvalidModel,
}

/// An error with its kind and a message that says what to fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    /// Builds an error of `kind` with a human-readable `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }

    /// The kind of error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The human-readable message, without the kind.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            ErrorKind::InvalidConfig => "invalid config",
            ErrorKind::InvalidState => "invalid state",
            ErrorKind::InvalidCueTable => "invalid cue table",
            ErrorKind::InvalidModel => "invalid model",
        };
        write!(f, "{kind}: {}", self.message)
    }
}

impl std::error::Error for Error {}
