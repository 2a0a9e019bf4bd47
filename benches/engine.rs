//! Criterion benchmarks of the engine, one group per stage so that a regression shows where it
//! is, and the whole pipeline on three kinds of text.
//!
//! - `stage/*`: each stage of [`Engine::observe`] alone over the same 8 short chat lines
//!   ([`LINES`]; divide by 8 for one line), its input prepared outside the timing: normalising,
//!   cue matching (on normalised text), the move detector, the model's message features, the
//!   tracker (evidence, decay and the cue risk).
//! - `pipeline/*`: `observe` from raw text to an assessment, as messages per second (criterion's
//!   `elem/s`): present-day short lines (`tests/conversations/`), long pasted texts, and
//!   offender streams from `../shared/data` (skipped when the corpora are not there).
//! - `*_reference_paths`, `stage/normalize_general`, `stage/cues_unfiltered`: the same work on
//!   the engine's reference paths (the general normaliser, every cue row in `RegexSet`s: the
//!   engine before issue 17), so that one run shows before and after.
//! - `per_line_set/*`, `model/*`, `startup/*`: the figures `make bench` copies into
//!   bench/RESULTS.md (kept under their old names so that runs stay comparable).
//!
//! `cargo bench --bench engine`; one group: `cargo bench --bench engine -- stage/`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use safedm::cues::CueSet;
use safedm::normalize::{normalize, normalize_general};
use safedm::{Config, Engine, Message, Role};
use std::hint::black_box;
use std::io::BufRead;

/// Short chat lines of our own, mixing plain text, cues and evasions.
const LINES: &[&str] = &[
    "hey how was school today",
    "lol same, that level was so hard",
    "how old r u btw?",
    "ur so mature for ur age, d0nt t3ll ur p@rents ok",
    "add me on s.n.a.p 👻 this app reads our messages",
    "we should meet up at the mall on saturday",
    "did you finish the maths homework",
    "¿cuántos años tienes? pásame tu whatsapp",
];

fn role_of(text: &str) -> Role {
    match text {
        "child" => Role::Child,
        "contact" => Role::Contact,
        _ => Role::Unknown,
    }
}

/// The conversations of a JSON Lines file (optionally gzipped) as messages, at most `limit`.
fn conversations(path: &str, limit: usize) -> Vec<Vec<Message>> {
    let Ok(file) = std::fs::File::open(path) else {
        return Vec::new();
    };
    let reader: Box<dyn BufRead> = if path.ends_with(".gz") {
        Box::new(std::io::BufReader::new(flate2::read::GzDecoder::new(file)))
    } else {
        Box::new(std::io::BufReader::new(file))
    };
    let mut out = Vec::new();
    for line in reader.lines().map_while(Result::ok).take(limit) {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let messages = value["messages"]
            .as_array()
            .map(|ms| {
                ms.iter()
                    .enumerate()
                    .map(|(i, m)| {
                        Message::new(
                            i.to_string(),
                            role_of(m["role"].as_str().unwrap_or("")),
                            m["text"].as_str().unwrap_or(""),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.push(messages);
    }
    out
}

fn engine() -> Engine {
    match Engine::new(Config::default()) {
        Ok(e) => e,
        Err(e) => panic!("engine: {e}"),
    }
}

/// Scores every conversation from a fresh state, as `safedm score` does.
fn observe_all(engine: &Engine, conversations: &[Vec<Message>]) {
    for messages in conversations {
        let mut state = engine.new_conversation();
        for m in messages {
            black_box(engine.observe(&mut state, m));
        }
    }
}

fn stages(c: &mut Criterion) {
    let engine = engine();
    let normalized: Vec<_> = LINES.iter().map(|l| normalize(l)).collect();
    let hits: Vec<_> = LINES.iter().map(|l| engine.cues(l)).collect();
    let messages: Vec<Message> = LINES
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let role = if i % 2 == 0 {
                Role::Contact
            } else {
                Role::Child
            };
            Message::new(i.to_string(), role, *l)
        })
        .collect();

    let mut group = c.benchmark_group("stage");
    group.throughput(Throughput::Elements(LINES.len() as u64));
    group.bench_function("normalize", |b| {
        b.iter(|| {
            for line in LINES {
                black_box(normalize(black_box(line)));
            }
        })
    });
    // The general path alone: the normaliser before the ASCII fast path.
    group.bench_function("normalize_general", |b| {
        b.iter(|| {
            for line in LINES {
                black_box(normalize_general(black_box(line)));
            }
        })
    });
    let cues = match CueSet::new() {
        Ok(c) => c,
        Err(e) => panic!("cues: {e}"),
    };
    group.bench_function("cues", |b| {
        b.iter(|| {
            for n in &normalized {
                black_box(cues.find(black_box(n)));
            }
        })
    });
    // Every row in RegexSets: cue matching before the literal prefilter.
    group.bench_function("cues_unfiltered", |b| {
        b.iter(|| {
            for n in &normalized {
                black_box(cues.find_unfiltered(black_box(n)));
            }
        })
    });
    if let Some(moves) = engine.moves() {
        group.bench_function("moves", |b| {
            b.iter(|| {
                for n in &normalized {
                    black_box(moves.moves(black_box(n.as_str())));
                }
            })
        });
    }
    if let Some(model) = engine.model() {
        group.bench_function("model_message_features", |b| {
            b.iter(|| {
                for (n, h) in normalized.iter().zip(&hits) {
                    black_box(model.message_features(black_box(n.as_str()), h));
                }
            })
        });
    }
    group.bench_function("tracker", |b| {
        b.iter_batched(
            || engine.new_conversation(),
            |mut state| {
                for (m, h) in messages.iter().zip(&hits) {
                    black_box(engine.track(&mut state, m, h));
                }
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("observe", |b| {
        b.iter_batched(
            || engine.new_conversation(),
            |mut state| {
                for m in &messages {
                    black_box(engine.observe(&mut state, m));
                }
            },
            BatchSize::SmallInput,
        )
    });
    let reference = engine.clone().with_reference_paths();
    group.bench_function("observe_reference_paths", |b| {
        b.iter_batched(
            || reference.new_conversation(),
            |mut state| {
                for m in &messages {
                    black_box(reference.observe(&mut state, m));
                }
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn pipeline(c: &mut Criterion) {
    let engine = engine();
    let reference = engine.clone().with_reference_paths();
    let mut group = c.benchmark_group("pipeline");
    group.sample_size(20);

    let present_day: Vec<_> = ["modern_dev.jsonl", "modern_tune.jsonl"]
        .iter()
        .flat_map(|f| conversations(&format!("tests/conversations/{f}"), usize::MAX))
        .collect();
    let n: usize = present_day.iter().map(Vec::len).sum();
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("present_day_lines", |b| {
        b.iter(|| observe_all(&engine, &present_day))
    });
    group.bench_function("present_day_lines_reference_paths", |b| {
        b.iter(|| observe_all(&reference, &present_day))
    });

    // Long pasted texts: each present-day conversation's contact side as one message.
    let long: Vec<Vec<Message>> = present_day
        .iter()
        .map(|ms| {
            let text: Vec<&str> = ms.iter().map(|m| m.text.as_str()).collect();
            vec![Message::new("0", Role::Contact, text.join("\n"))]
        })
        .collect();
    let bytes: usize = long.iter().flatten().map(|m| m.text.len()).sum();
    group.throughput(Throughput::Elements(long.len() as u64));
    group.bench_function(
        format!("long_texts_of_{}_bytes", bytes / long.len().max(1)),
        |b| b.iter(|| observe_all(&engine, &long)),
    );

    let streams = conversations("../shared/data/pj_contact_streams.jsonl.gz", 20);
    if !streams.is_empty() {
        let n: usize = streams.iter().map(Vec::len).sum();
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function("offender_streams", |b| {
            b.iter(|| observe_all(&engine, &streams))
        });
        group.bench_function("offender_streams_reference_paths", |b| {
            b.iter(|| observe_all(&reference, &streams))
        });
    }
    group.finish();
}

/// The figures `make bench` copies into bench/RESULTS.md, under their old names.
fn results(c: &mut Criterion) {
    let engine = engine();
    let bytes: usize = LINES.iter().map(|l| l.len()).sum();

    let mut group = c.benchmark_group("per_line_set");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("normalize", |b| {
        b.iter(|| {
            for line in LINES {
                black_box(normalize(black_box(line)));
            }
        })
    });
    group.bench_function("normalize_and_cues", |b| {
        b.iter(|| {
            for line in LINES {
                black_box(engine.cues(black_box(line)));
            }
        })
    });
    group.throughput(Throughput::Elements(LINES.len() as u64));
    group.bench_function("model_message_features", |b| {
        b.iter(|| {
            for line in LINES {
                black_box(engine.message_features(black_box(line)));
            }
        })
    });
    group.bench_function("observe_whole_message", |b| {
        b.iter_batched(
            || engine.new_conversation(),
            |mut state| {
                for (i, line) in LINES.iter().enumerate() {
                    let role = if i % 2 == 0 {
                        Role::Contact
                    } else {
                        Role::Child
                    };
                    black_box(
                        engine.observe(&mut state, &Message::new(i.to_string(), role, *line)),
                    );
                }
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();

    // The model's share of a message once its features are known: the probability of a full
    // window of the latest contact messages (what `observe` asks for every contact message).
    if let Some(model) = engine.model() {
        let window: Vec<_> = LINES
            .iter()
            .cycle()
            .take(model.header.window)
            .filter_map(|line| engine.message_features(line))
            .collect();
        let mut group = c.benchmark_group("model");
        group.throughput(Throughput::Elements(1));
        group.bench_function("window_probability", |b| {
            b.iter(|| black_box(model.window_probability(black_box(&window))))
        });
        group.finish();
    }

    let mut startup = c.benchmark_group("startup");
    startup.sample_size(10);
    startup.bench_function("engine_new", |b| {
        b.iter(|| black_box(Engine::new(Config::default())))
    });
    // The tables parsed, their literals extracted and the automaton built; rows compile later.
    startup.bench_function("cues_new", |b| b.iter(|| black_box(CueSet::new())));
    // What compiling every row up front would add (the engine before issue 17 did, in sets).
    startup.bench_function("cues_new_and_compile_all", |b| {
        b.iter(|| {
            let cues = CueSet::new();
            if let Ok(c) = &cues {
                black_box(c.compile_all().is_ok());
            }
            black_box(cues)
        })
    });
    startup.finish();
}

criterion_group!(engine_benches, stages, pipeline, results);
criterion_main!(engine_benches);
