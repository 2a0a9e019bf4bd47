//! Criterion benchmarks of the engine's hot paths: normalising, cue matching, one whole message,
//! and building the engine (what a restarted extension service worker pays).
//!
//! `cargo bench --bench engine`; figures go to bench/RESULTS.md by hand.

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

    let mut startup = c.benchmark_group("startup");
    startup.sample_size(10);
    startup.bench_function("engine_new", |b| {
        b.iter(|| black_box(Engine::new(Config::default())))
    });
    startup.finish();
}

criterion_group!(engine, benches);
criterion_main!(engine);
