//! SafeDM's lab: everything that reads corpora or writes files, and never ships to a browser.
//!
//! - [`corpus`]: JSON Lines (optionally gzipped) with per-line errors;
//! - [`source`]: where a conversation comes from, and the train/dev split;
//! - [`segments`]: offender chats cut into PAN 2012-style segments;
//! - [`train`]: `safedm train`, the learned scorer's trainer;
//! - [`eval`]: whole-conversation scoring and the evaluation report;
//! - [`moves`]: the move detector's trainer and its per-output report;
//! - [`split_export`]: the trainer's split written out for `bench/`;
//! - the `safedm` command line (`src/bin/safedm.rs`) and the generators in `examples/`.
//!
//! The engine itself is the `safedm` crate; this crate only calls it.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod corpus;
pub mod error;
pub mod eval;
pub mod moves;
pub mod segments;
pub mod source;
pub mod split_export;
pub mod train;

pub use error::{Error, ErrorKind};
pub use source::Source;
