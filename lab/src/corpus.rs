//! Reading conversations in the corpus format (see `../shared/data/README.md`): JSON Lines, one
//! conversation per line, optionally gzipped; `-` is standard input.

use crate::error::{Error, ErrorKind};
use crate::source::Source;
use safedm::message::Message;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// One conversation as stored in the corpora.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    /// Conversation id.
    pub id: String,
    /// Where it comes from (`chitchat`, `perverted-justice`, …). Missing means the file's name.
    #[serde(default)]
    pub source: Option<String>,
    /// `grooming` or `benign`, when known.
    #[serde(default)]
    pub label: Option<String>,
    /// The messages in order.
    pub messages: Vec<Message>,
}

impl Conversation {
    /// `Some(true)` for grooming, `Some(false)` for benign, `None` when unlabelled.
    pub fn is_grooming(&self) -> Option<bool> {
        match self.label.as_deref() {
            Some("grooming") => Some(true),
            Some("benign") => Some(false),
            _ => None,
        }
    }

    /// Where it comes from ([`Source::Other`] with an empty name when not known).
    pub fn source(&self) -> Source {
        Source::from_name(self.source.as_deref().unwrap_or_default())
    }
}

/// A line that could not be read, with where it was.
#[derive(Clone, Debug, PartialEq)]
pub struct LineError {
    /// The file as given on the command line.
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    /// What was wrong.
    pub error: Error,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.error)
    }
}

/// Opens a file (gzipped when its name ends in `.gz`, `-` for stdin) as a line reader.
pub fn open(path: &str) -> Result<Box<dyn BufRead>, Error> {
    let raw: Box<dyn Read> = if path == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(
            File::open(Path::new(path))
                .map_err(|e| Error::new(ErrorKind::Io, format!("{path}: {e}")))?,
        )
    };
    Ok(if path.ends_with(".gz") {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(raw)))
    } else {
        Box::new(BufReader::new(raw))
    })
}

/// Parses one line. Message ids missing in the corpora become their 0-based index.
pub fn parse_line(text: &str) -> Result<Conversation, Error> {
    let mut c: Conversation = serde_json::from_str(text)
        .map_err(|e| Error::new(ErrorKind::InvalidInput, e.to_string()))?;
    for (i, m) in c.messages.iter_mut().enumerate() {
        if m.id.is_empty() {
            m.id = i.to_string();
        }
    }
    Ok(c)
}

/// Calls `each` for every conversation of `path`, and `bad` for every line that is not one.
/// Blank lines are skipped. Fails only when the file cannot be opened or read.
pub fn for_each(
    path: &str,
    mut each: impl FnMut(Conversation),
    mut bad: impl FnMut(LineError),
) -> Result<(), Error> {
    let reader = open(path)?;
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| Error::new(ErrorKind::Io, format!("{path}:{}: {e}", i + 1)))?;
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(&line) {
            Ok(mut c) => {
                if c.source.is_none() {
                    c.source = Some(source_from_path(path));
                }
                each(c)
            }
            Err(error) => bad(LineError {
                file: path.to_string(),
                line: i + 1,
                error,
            }),
        }
    }
    Ok(())
}

fn source_from_path(path: &str) -> String {
    let name = Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path);
    name.trim_end_matches(".gz")
        .trim_end_matches(".jsonl")
        .to_string()
}
