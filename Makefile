# baocao — build, run, test and benchmark. Everything builds in release mode into a
# persistent target dir outside the checkout, so DuckDB (C++) compiles once per machine.

CARGO_TARGET_DIR ?= $(HOME)/.cache/baocao/target
export CARGO_TARGET_DIR
BIN      := $(CARGO_TARGET_DIR)/release/baocao
DB       ?= data/baocao.duckdb
FIXTURES := fixtures/small

.PHONY: all build run test lint bench fixtures test-tools clean-db

all: build

build:
	cargo build --release --locked

# The main job on the bundled fixtures, on the embedded DuckDB file.
run: build
	@mkdir -p $(dir $(DB))
	$(BIN) --db $(DB) ingest $(FIXTURES) ; status=$$?; \
	  if [ $$status -gt 1 ]; then echo "ingest exited $$status"; exit $$status; fi

test: test-tools build
	cargo test --release --locked
	cargo fmt --check
	cargo clippy --release --locked --all-targets -- -D warnings

lint:
	cargo fmt --check
	cargo clippy --release --locked --all-targets -- -D warnings

# Tools the tests use (none needed beyond cargo yet; later: poppler-utils, qpdf).
test-tools:
	@rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt

bench: build
	bash bench/ingest.sh

# Regenerates the committed small fixtures (deterministic: same bytes every time).
fixtures: build
	bash fixtures/make-small.sh $(BIN)

clean-db:
	rm -f $(DB) $(DB).wal
