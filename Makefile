# SafeDM: the targets a newcomer needs. `make demo` runs the main job, `make test` every test.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo

.PHONY: demo test lint unit build eval

## Build the engine and score the bundled example conversations.
demo: build
	./target/release/safedm score examples/conversations.jsonl

build:
	$(CARGO) build --release --locked

## Everything CI runs: formatting, lints, unit and integration tests.
test: lint unit

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --locked --all-targets -- -D warnings

unit:
	$(CARGO) test --locked --all-targets
	$(CARGO) test --locked --doc

## The cue-only evaluation over the shared corpora (needs ../shared/data).
eval: build
	./target/release/safedm eval ../shared/data/*.jsonl.gz
