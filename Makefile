# baocao — build, run, test and benchmark. Everything builds in release mode into a
# persistent target dir outside the checkout, so DuckDB (C++) compiles once per machine.

CARGO_TARGET_DIR ?= $(HOME)/.cache/baocao/target
export CARGO_TARGET_DIR
BIN      := $(CARGO_TARGET_DIR)/release/baocao
# Tools the reports need at run time, pinned, outside the checkout (kept across clones).
TOOLS_DIR     ?= $(HOME)/.cache/baocao/tools
TYPST_VERSION := 0.15.1
export BAOCAO_TYPST ?= $(TOOLS_DIR)/bin/typst
FONT_FILE     := /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf
DB       ?= data/baocao.duckdb
FIXTURES := fixtures/small

.PHONY: all build run test lint bench fixtures manifests install tools typst fonts test-tools clean-db

all: build

build:
	cargo build --release --locked

# The main job on the bundled fixtures, on the embedded DuckDB files (one per province):
# ingest with its summary, then the official figures. Exit 1 (rows quarantined) is
# expected for the messy fixtures.
run: build tools
	@mkdir -p $(dir $(DB))
	$(BIN) --db $(DB) ingest $(FIXTURES) ; s=$$?; [ $$s -le 1 ] || exit $$s
	$(BIN) --db data/nghe-an.duckdb ingest fixtures/nghe-an-2023-06 ; s=$$?; [ $$s -le 1 ] || exit $$s
	$(BIN) --db data/nghe-an.duckdb metrics --period 2023-06 --convention cutoff15 --by level
	$(BIN) --db data/ba-ria-vung-tau.duckdb ingest fixtures/ba-ria-vung-tau-2023 ; s=$$?; [ $$s -le 1 ] || exit $$s
	$(BIN) --db data/ba-ria-vung-tau.duckdb metrics --period 2023 --convention calendar --by level \
	  --targets fixtures/ba-ria-vung-tau-2023/targets-2023.toml
	$(BIN) --db data/nghe-an.duckdb --config fixtures/nghe-an-2023-06/baocao.toml \
	  report monthly --period 2023-06 --out out
	$(BIN) --db data/ba-ria-vung-tau.duckdb --config fixtures/ba-ria-vung-tau-2023/baocao.toml \
	  report annual --year 2023 --out out

test: test-tools build
	cargo test --release --locked
	cargo fmt --check
	cargo clippy --release --locked --all-targets -- -D warnings

lint:
	cargo fmt --check
	cargo clippy --release --locked --all-targets -- -D warnings

# Typst CLI, pinned (about 12 minutes to build the first time), and Liberation Serif.
tools: typst fonts

typst:
	@if "$(BAOCAO_TYPST)" --version 2>/dev/null | grep -q "typst $(TYPST_VERSION)"; then \
	  echo "typst $(TYPST_VERSION): $(BAOCAO_TYPST)"; \
	else \
	  cargo install typst-cli --locked --version $(TYPST_VERSION) --no-default-features --root $(TOOLS_DIR); \
	fi

fonts:
	@[ -f $(FONT_FILE) ] || { apt-get update -qq && apt-get install -y -qq fonts-liberation2; }

# Tools the tests use: clippy/rustfmt, pdftotext/pdffonts (poppler-utils), qpdf.
test-tools: tools
	@rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt
	@command -v pdftotext >/dev/null && command -v pdffonts >/dev/null && command -v qpdf >/dev/null || \
	  { apt-get update -qq && apt-get install -y -qq poppler-utils qpdf; }

bench: build
	bash bench/ingest.sh
	bash bench/metrics.sh
	bash bench/report.sh
	bash bench/run.sh

# Regenerates the committed fixtures (deterministic: same bytes every time).
fixtures: build
	bash fixtures/make-small.sh $(BIN)
	$(BIN) fixtures calibrate --spec fixtures/nghe-an-2023-06/spec.toml --out fixtures/nghe-an-2023-06
	$(BIN) fixtures calibrate --spec fixtures/ba-ria-vung-tau-2023/spec.toml --out fixtures/ba-ria-vung-tau-2023

# Refreshes fixtures/manifests/ (needed after a change to SQL, templates or fixtures:
# the regenerate test compares the committed PDF hashes).
manifests: build tools
	rm -rf out/manifests && mkdir -p out/manifests fixtures/manifests
	$(BIN) --db out/manifests/na.duckdb ingest fixtures/nghe-an-2023-06 >/dev/null
	$(BIN) --db out/manifests/br.duckdb ingest fixtures/ba-ria-vung-tau-2023 >/dev/null
	$(BIN) --db out/manifests/na.duckdb --config fixtures/nghe-an-2023-06/baocao.toml report monthly --period 2023-06 --out out/manifests
	$(BIN) --db out/manifests/br.duckdb --config fixtures/ba-ria-vung-tau-2023/baocao.toml report annual --year 2023 --out out/manifests
	cp out/manifests/*.manifest.json fixtures/manifests/

# Installs the binary for cron (see README): PREFIX=/usr/local by default.
PREFIX ?= /usr/local
install: build tools
	install -m 755 $(BIN) $(PREFIX)/bin/baocao

clean-db:
	rm -f data/*.duckdb data/*.duckdb.wal
