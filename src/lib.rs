//! SafeDM's scoring engine: reads a direct-message conversation one message at a time and tells
//! whether the other party shows the pattern of online grooming.
//!
//! The engine is pure Rust and keeps no message text in its state. The pipeline for one message:
//!
//! ```text
//! text ─▶ normalize (NFKC, case, homoglyphs, leetspeak, spacing, emoji; offset map)
//!      ─▶ cues (pattern tables per category and language ─▶ hits with spans)
//!      ─▶ conversation (evidence with decay, stated ages, stage) ─▶ Assessment
//! ```
//!
//! ```
//! use safedm::{Config, Engine, Message, Role, Level};
//! let engine = Engine::new(Config::default()).unwrap();
//! let mut state = engine.new_conversation();
//! let first = engine.observe(&mut state, &Message::new("1", Role::Contact, "hey how old r u?"));
//! assert!(first.level < Level::Warn);
//! ```
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod config;
pub mod context;
pub mod conversation;
pub mod cues;
pub mod engine;
pub mod error;
pub mod explain;
pub mod level;
pub mod message;
pub mod model;
pub mod moves;
pub mod normalize;
#[rustfmt::skip]
mod unicode_tables;

pub use config::{Config, Sensitivity};
pub use conversation::{Assessment, ConversationState, ModelNote, Reason};
pub use cues::{Category, CueHit, Stage};
pub use engine::{Engine, Scoring};
pub use error::{Error, ErrorKind};
pub use level::{Level, Thresholds};
pub use message::{Message, Role};

/// The engine's version, as in `Cargo.toml`. Stored state records it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
