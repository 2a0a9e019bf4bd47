//! Per-message trace of conversations, for the native-vs-WebAssembly parity test
//! (`tests/js/parity.test.mjs`): one JSON line per conversation with the level and risk after each
//! message.
//!
//! `cargo run --release --example trace -- SENSITIVITY FILE...`

use safedm::{Config, Engine, Sensitivity};
use safedm_lab::corpus;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((sensitivity, files)) = args.split_first() else {
        eprintln!("usage: trace SENSITIVITY FILE...");
        return ExitCode::from(2);
    };
    let engine = match Sensitivity::parse(sensitivity).and_then(|sensitivity| {
        Engine::new(Config {
            sensitivity,
            ..Config::default()
        })
    }) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("trace: {e}");
            return ExitCode::from(2);
        }
    };
    let mut clean = true;
    for file in files {
        let result = corpus::for_each(
            file,
            |c| {
                let mut state = engine.new_conversation();
                let (levels, risks): (Vec<_>, Vec<_>) = c
                    .messages
                    .iter()
                    .map(|m| {
                        let a = engine.observe(&mut state, m);
                        (a.level, a.risk)
                    })
                    .unzip();
                let line = serde_json::json!({ "id": c.id, "levels": levels, "risks": risks });
                println!("{line}");
            },
            |bad| {
                eprintln!("trace: {bad}");
                clean = false;
            },
        );
        if let Err(e) = result {
            eprintln!("trace: {e}");
            clean = false;
        }
    }
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
