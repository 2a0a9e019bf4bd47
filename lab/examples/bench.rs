//! The native engine's speed for `make bench` (bench/compare.py): scores the given
//! conversations once untimed (as the WebAssembly and Python runs get one), then RUNS timed times
//! with one engine, and prints `{"messages", "seconds": [...]}` as JSON. Building the engine is
//! not timed: `compare.py` reports the CLI's start-up apart.
//!
//! `cargo run --release --example bench -- RUNS FILE...`

use safedm::{Config, Engine};
use safedm_lab::corpus::{self, Conversation};
use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((runs, files)) = args.split_first() else {
        eprintln!("usage: bench RUNS FILE...");
        return ExitCode::from(2);
    };
    let Ok(runs) = runs.parse::<u32>() else {
        eprintln!("bench: RUNS must be a whole number");
        return ExitCode::from(2);
    };
    let mut conversations: Vec<Conversation> = Vec::new();
    for file in files {
        if let Err(e) = corpus::for_each(
            file,
            |c| conversations.push(c),
            |bad| eprintln!("bench: {bad}"),
        ) {
            eprintln!("bench: {e}");
            return ExitCode::from(1);
        }
    }
    let engine = match Engine::new(Config::default()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("bench: {e}");
            return ExitCode::from(1);
        }
    };
    let score_all = || {
        for c in &conversations {
            black_box(safedm_lab::eval::score_conversation(&engine, c));
        }
    };
    score_all();
    let seconds: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            score_all();
            start.elapsed().as_secs_f64()
        })
        .collect();
    let messages: usize = conversations.iter().map(|c| c.messages.len()).sum();
    println!(
        "{}",
        serde_json::json!({ "messages": messages, "seconds": seconds })
    );
    ExitCode::SUCCESS
}
