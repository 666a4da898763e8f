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

# The main job on the bundled fixtures, on the embedded DuckDB files (one per province):
# ingest with its summary, then the official figures. Exit 1 (rows quarantined) is
# expected for the messy fixtures.
run: build
	@mkdir -p $(dir $(DB))
	$(BIN) --db $(DB) ingest $(FIXTURES) ; s=$$?; [ $$s -le 1 ] || exit $$s
	$(BIN) --db data/nghe-an.duckdb ingest fixtures/nghe-an-2023-06 ; s=$$?; [ $$s -le 1 ] || exit $$s
	$(BIN) --db data/nghe-an.duckdb metrics --period 2023-06 --convention cutoff15 --by level
	$(BIN) --db data/ba-ria-vung-tau.duckdb ingest fixtures/ba-ria-vung-tau-2023 ; s=$$?; [ $$s -le 1 ] || exit $$s
	$(BIN) --db data/ba-ria-vung-tau.duckdb metrics --period 2023 --convention calendar --by level \
	  --targets fixtures/ba-ria-vung-tau-2023/targets-2023.toml

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
	bash bench/metrics.sh

# Regenerates the committed fixtures (deterministic: same bytes every time).
fixtures: build
	bash fixtures/make-small.sh $(BIN)
	$(BIN) fixtures calibrate --spec fixtures/nghe-an-2023-06/spec.toml --out fixtures/nghe-an-2023-06
	$(BIN) fixtures calibrate --spec fixtures/ba-ria-vung-tau-2023/spec.toml --out fixtures/ba-ria-vung-tau-2023

clean-db:
	rm -f data/*.duckdb data/*.duckdb.wal
