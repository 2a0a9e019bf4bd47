//! Criterion benchmarks of the engine's hot paths: normalising, cue matching, the model's message
//! features and window probability, one whole message, and building the engine (what a restarted
//! extension service worker pays).
//!
//! `cargo bench --bench engine`; `make bench` runs it and copies the medians into
//! bench/RESULTS.md.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use safedm::normalize::normalize;
use safedm::{Config, Engine, Message, Role};
use std::hint::black_box;

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

fn benches(c: &mut Criterion) {
    let engine = match Engine::new(Config::default()) {
        Ok(e) => e,
        Err(e) => panic!("engine: {e}"),
    };
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
    startup.finish();
}

criterion_group!(engine, benches);
criterion_main!(engine);
