//! The lab's error type: reading corpora and writing weights fail in ways the engine never does.

use std::fmt;

/// What went wrong in the lab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing a file failed.
    Io,
    /// Input could not be parsed (a malformed JSON line, a wrong field type), or a run was
    /// asked for something the data cannot give (no training data, an empty split).
    InvalidInput,
    /// The engine refused something (a cue table, a weights file, a config).
    Engine,
}

/// An error of the lab, with its kind and a message that says what to fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    /// Builds an error of `kind` with a human-readable `message`.
    ///
    /// ```
    /// use safedm_lab::{Error, ErrorKind};
    /// let e = Error::new(ErrorKind::Io, "data.jsonl: not found");
    /// assert_eq!(e.to_string(), "i/o error: data.jsonl: not found");
    /// ```
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
            ErrorKind::Io => "i/o error",
            ErrorKind::InvalidInput => "invalid input",
            ErrorKind::Engine => "engine",
        };
        write!(f, "{kind}: {}", self.message)
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::new(ErrorKind::Io, e.to_string())
    }
}

impl From<safedm::Error> for Error {
    fn from(e: safedm::Error) -> Self {
        Error::new(ErrorKind::Engine, e.to_string())
    }
}
