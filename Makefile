# SafeDM: the targets a newcomer needs. `make demo` runs the main job, `make test` every test.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo

.PHONY: demo test lint unit build eval model

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
	./target/release/safedm eval ../shared/data/*.jsonl.gz tests/conversations/modern_dev.jsonl

## Retrain the learned scorer from ../shared/data into src/model/weights.bin (about a minute).
## Same data and seed give the same bytes; commit the file with the data it names.
model:
	$(CARGO) build --locked --profile fast
	./target/fast/safedm train --data ../shared/data --out src/model/weights.bin

## Cue-only, model-only and combined side by side on the dev split (hard negatives first).
eval-dev:
	$(CARGO) build --locked --profile fast
	for s in relaxed balanced strict; do \
	  ./target/fast/safedm eval --split dev --ablate all --sensitivity $$s ../shared/data/*.jsonl.gz tests/conversations/modern_dev.jsonl; \
	done
