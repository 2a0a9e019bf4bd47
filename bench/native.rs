//! The native half of `make bench`: scores the given conversations ROUNDS times with one engine
//! and prints `{"messages", "seconds", "perSecond"}` as JSON. Building the engine is not timed.
//!
//! `cargo run --release --example bench -- ROUNDS FILE...`

use safedm::corpus::{self, Conversation};
use safedm::{Config, Engine};
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((rounds, files)) = args.split_first() else {
        eprintln!("usage: bench ROUNDS FILE...");
        return ExitCode::from(2);
    };
    let Ok(rounds) = rounds.parse::<u32>() else {
        eprintln!("bench: ROUNDS must be a whole number");
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
    let start = Instant::now();
    let mut messages = 0u64;
    let mut checksum = 0u64;
    for _ in 0..rounds {
        for c in &conversations {
            let mut state = engine.new_conversation();
            for m in &c.messages {
                checksum += u64::from(engine.observe(&mut state, m).risk);
                messages += 1;
            }
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let line = serde_json::json!({
        "messages": messages,
        "seconds": seconds,
        "perSecond": messages as f64 / seconds,
        "checksum": checksum,
    });
    println!("{line}");
    ExitCode::SUCCESS
}
