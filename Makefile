# The two commands a newcomer needs (README): `make run` and `make test`. Both install what is missing first
# (scripts/setup.sh skips what is already there, so the second run is quick and works offline).
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver
CARGO ?= cargo
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: run test build setup setup-test test-native test-browser test-e2e size package bench-call bench serve lint fmt clean

## run: install what is missing, build release, serve the workbench + emulator on http://127.0.0.1:8080
run: build
	$(CARGO) run --locked --release -p workbench-server -- --host $(HOST) --port $(PORT) --dist dist

## test: install what is missing (also chromium + chromedriver), then every test
test: setup-test dist/sdk/workbench_bg.wasm test-native test-browser test-e2e

## build: the release site in dist/ (panel wasm, SDK loader, CSS, pages) and the server binary. The wasm is
## built with nightly's -Zbuild-std where rustup has nightly with rust-src, else with stable, by itself
## (scripts/build-web.sh; dist/build-info.txt says which); WASM_TOOLCHAIN=stable forces stable.
build: setup
	scripts/build-web.sh
	$(CARGO) build --locked --release -p workbench-server

setup:
	@scripts/setup.sh build

setup-test:
	@scripts/setup.sh test

dist/sdk/workbench_bg.wasm: $(shell find src js styles demo assets crates/wire crates/agent-state crates/sign crates/sip/src -type f) index.html Trunk.toml scripts/post-build.sh scripts/build-web.sh scripts/nightly-std.sh Cargo.toml Cargo.lock
	scripts/build-web.sh

## test-native: pure crates, the server (real HTTP on ephemeral ports, real media), the panel's pure logic —
## built first, then run in a loopback-only network namespace (media tests open peer connections)
test-native:
	$(CARGO) test --locked --workspace --exclude workbench-e2e --no-run
	scripts/netns-run.sh $(CARGO) test --locked --offline --workspace --exclude workbench-e2e

## test-browser: components and the mount API in headless Chromium (wasm-bindgen-test)
test-browser:
	$(CARGO) test --locked --target wasm32-unknown-unknown -p workbench --test browser --test browser_i18n

## test-e2e: whole flows in headless Chromium against the real server and the release build in dist/, and
## interop with Kamailio + JsSIP — in a loopback-only network namespace (calls carry WebRTC audio)
test-e2e:
	$(CARGO) test --locked -p workbench-e2e --no-run
	scripts/netns-run.sh $(CARGO) test --locked --offline -p workbench-e2e -- --test-threads=1

## size: what a host downloads for the panel (loader + glue + wasm + CSS) after a release build: raw, gzip -9,
## brotli -q 11 and the bytes the server sends (its .br siblings) per file and in total. Fails, saying by how
## much, when the total is over the aim (gzip <= 180,000 B, served brotli <= 150,000 B). SIZE_CHECK=0 prints
## without failing (make bench's report reads it so); SIZE_URL=http://127.0.0.1:8080 measures what a running
## server sends instead. Not part of `test` yet because the aim is not met: add `size` to `test`'s
## prerequisites in the commit that first meets it.
SIZE_CHECK ?= 1
SIZE_URL ?=
size: setup
	scripts/build-web.sh
	@SIZE_CHECK=$(SIZE_CHECK) SIZE_URL=$(SIZE_URL) scripts/size-report.sh dist

## package: the npm package (package/: package.json, README, WorkbenchSdk.d.ts, plus the release build's loader,
## hashed core, CSS and ringtone) packed by `npm pack` into $(PACKAGE_DIR)/ccc-workbench-sdk-<version>.tgz, which a
## host `npm install`s (or keeps the <script> tag); crates/e2e/tests/package.rs installs it offline and runs tsc
PACKAGE_DIR ?= $(or $(CARGO_TARGET_DIR),target)/package
package: setup dist/sdk/workbench_bg.wasm
	@scripts/package.sh dist $(PACKAGE_DIR)

## bench-call: how long calls take to ring and to carry voice (prints numbers; not part of `make test`)
bench-call: setup-test dist/sdk/workbench_bg.wasm
	$(CARGO) build --locked -p workbench-e2e --bin call-setup
	scripts/netns-run.sh $(CARGO) run --locked --offline -q -p workbench-e2e --bin call-setup -- $(or $(CALLS),5)

## bench: the server at call-center scale on this machine — poll latency vs 500…10,000 agents, a poll's cost
## first vs last agent, throughput, 10,000 push sockets, a 100,000-call soak, the download size (of dist/) —
## then the panel in headless Chromium (crates/e2e's browser-bench, in the loopback-only namespace): start-up
## vs a blank page, push → hook latency in the page, renderer memory and live media objects over 500 calls
## (bench/browser.json). Prints the tables and writes bench/report.md + SVG plots (about 40 minutes; not part
## of `make test`). BENCH_ARGS="--quick" for a short try of the server part, BROWSER_BENCH_ARGS="--calls 50"
## for the browser's; `bench --help` (crates/bench) for every option. The load generator is built in its own
## profile (optimised, no LTO, panics unwind so the server child is always killed).
bench: setup setup-test dist/sdk/workbench_bg.wasm
	$(CARGO) build --locked --release -p workbench-server
	$(CARGO) build --locked -p workbench-bench --profile bench-tool \
	  --config 'profile.bench-tool.inherits="release"' --config 'profile.bench-tool.opt-level=3' \
	  --config 'profile.bench-tool.lto=false' --config 'profile.bench-tool.codegen-units=16' \
	  --config 'profile.bench-tool.panic="unwind"'
	$(CARGO) build --locked -p workbench-e2e --bin browser-bench
	t="$${CARGO_TARGET_DIR:-target}"; "$$t/bench-tool/bench" --server "$$t/release/workbench-server" --out bench \
	  --browser-bench "$$t/debug/browser-bench" --browser-args "$(BROWSER_BENCH_ARGS)" $(BENCH_ARGS)

## serve: live-reloading development build on http://127.0.0.1:8081 (run `make run` in another terminal)
serve: setup
	trunk serve

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings
	$(CARGO) clippy --locked --target wasm32-unknown-unknown -p workbench -- -D warnings

fmt:
	$(CARGO) fmt --all

clean:
	$(CARGO) clean
	rm -rf dist test-artifacts
