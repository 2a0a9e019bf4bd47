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
test: lint unit test-extension

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --locked --all-targets -- -D warnings

unit:
	$(CARGO) test --locked --all-targets

## The cue-only evaluation over the shared corpora (needs ../shared/data).
eval: build
	./target/release/safedm eval ../shared/data/*.jsonl.gz

# ---- the browser extension (extension/) ---------------------------------------------------
CHROMIUM ?= /usr/bin/chromium
EXT_VERSION := $(shell sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' extension/manifest.json | head -1)

.PHONY: extension test-extension bench-extension node-deps chromium

## JavaScript tools (playwright-core, web-ext, binaryen), exactly as package-lock.json pins them.
node-deps: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

## Debian's Chromium for the end-to-end tests (test tools cannot download browsers here).
chromium:
	@test -x $(CHROMIUM) || (apt-get update && apt-get install -y chromium)

## The extension: unpacked in dist/extension/ (load it in chrome://extensions) and a store zip.
extension: wasm node-deps
	rm -rf dist/extension && mkdir -p dist
	cp -r extension dist/extension
	mkdir -p dist/extension/engine
	cp pkg/safedm.js pkg/safedm_bg.wasm dist/extension/engine/
	rm -f dist/safedm-extension-*.zip
	cd dist/extension && zip -qrX ../safedm-extension-$(EXT_VERSION).zip .
	@echo "dist/extension/ and dist/safedm-extension-$(EXT_VERSION).zip are ready"

## Lints the built extension (Firefox's rules) and runs its end-to-end tests in Chromium.
test-extension: extension chromium
	npx --no-install web-ext lint --source-dir dist/extension
	node --test --test-concurrency=1 tests/extension/

## The 5,000-message page benchmark (not a test): processing time, longest main-thread task.
bench-extension: extension chromium
	node bench/extension-5000.mjs
