# baocao — build, run, test and benchmark. Everything builds in release mode into a
# persistent target dir outside the checkout, so nothing compiles twice per machine.

CARGO_TARGET_DIR ?= $(HOME)/.cache/baocao/target
export CARGO_TARGET_DIR
BIN      := $(CARGO_TARGET_DIR)/release/baocao
# Tools the reports need at run time, pinned, outside the checkout (kept across clones).
TOOLS_DIR     ?= $(HOME)/.cache/baocao/tools
TYPST_VERSION := 0.15.1
export BAOCAO_TYPST ?= $(TOOLS_DIR)/bin/typst
# The PAdES signer the signing test uses (installed by test-tools).
export BAOCAO_PYHANKO ?= $(TOOLS_DIR)/pyhanko/bin/pyhanko
DB       ?= data/baocao.duckdb
# Parallel make steps may install packages at the same time: wait for the dpkg lock.
APT      := apt-get -o DPkg::Lock::Timeout=600
FIXTURES := fixtures/small

# DuckDB: by default the official prebuilt library of the release our crate is written for
# (duckdb = 1.10506.1 -> DuckDB 1.5.6), from the npm registry's package, integrity pinned
# (the registry's sha512, in hex). BUNDLED=1 compiles DuckDB from C++ instead (~35 min).
DUCKDB_VERSION := 1.5.6
DUCKDB_NPM     := @duckdb/node-bindings-linux-x64@1.5.6-r.1
DUCKDB_SHA512  := 21772b64913a904a8cd19e30c1d5671811d7fdface4b7dd53cd0300d743f43e16cf386f4e7c41ef78721ac208870d2651bc6375072145387817824315b998dd5
DUCKDB_LIB_DIR ?= $(HOME)/.cache/baocao/duckdb-$(DUCKDB_VERSION)
DUCKDB_LIB     := $(DUCKDB_LIB_DIR)/libduckdb.so
ifeq ($(BUNDLED),1)
CARGO_FEATURES := --features bundled
DUCKDB_DEP     :=
else
CARGO_FEATURES :=
DUCKDB_DEP     := $(DUCKDB_LIB)
export DUCKDB_LIB_DIR
endif
CARGO_FLAGS := --release --locked $(CARGO_FEATURES)

.PHONY: deb deb-tool test-package all build run test lint fuzz mutants bench bench-scale bench-national bench-faults fixtures manifests pictures install tools typst test-tools clean-db duckdb-lib prepare

all: build

build: $(DUCKDB_DEP)
	cargo build $(CARGO_FLAGS)

# The official libduckdb.so, fetched once per machine by the ordinary npm client and
# checked against the pinned hash before it is used.
duckdb-lib: $(DUCKDB_DEP)
$(DUCKDB_LIB):
	@command -v npm >/dev/null || { echo "npm not found: install npm, or build DuckDB from source with make BUNDLED=1" >&2; exit 2; }
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	  echo "fetching $(DUCKDB_NPM) (official DuckDB $(DUCKDB_VERSION) library)"; \
	  (cd "$$tmp" && npm pack --silent --loglevel=error $(DUCKDB_NPM) >/dev/null); \
	  echo "$(DUCKDB_SHA512)  $$(ls "$$tmp"/*.tgz)" | sha512sum -c --quiet - || \
	    { echo "DuckDB package hash mismatch: refusing to use it" >&2; exit 2; }; \
	  tar -xzf "$$tmp"/*.tgz -C "$$tmp" package/libduckdb.so package/LICENSE; \
	  mkdir -p $(DUCKDB_LIB_DIR); \
	  cp "$$tmp"/package/LICENSE $(DUCKDB_LIB_DIR)/LICENSE; \
	  cp "$$tmp"/package/libduckdb.so $(DUCKDB_LIB).tmp && mv $(DUCKDB_LIB).tmp $(DUCKDB_LIB)

# The binary and the Typst CLI build side by side (typst alone takes ~12 minutes).
prepare:
	@$(MAKE) --no-print-directory -j2 build tools

# The main job on the bundled fixtures, on the embedded DuckDB files (one per province):
# ingest with its summary, then the official figures. Exit 1 (rows quarantined) is
# expected for the messy fixtures.
run: prepare
	@mkdir -p $(dir $(DB))
	$(BIN) --db $(DB) ingest $(FIXTURES) ; s=$$?; [ $$s -le 1 ] || exit $$s
	$(BIN) --db data/nghe-an.duckdb ingest fixtures/nghe-an-2023-06 ; s=$$?; [ $$s -le 1 ] || exit $$s
	$(BIN) --db data/nghe-an.duckdb metrics --period 2023-06 --convention cutoff15 --by level
	$(BIN) --db data/ba-ria-vung-tau.duckdb ingest fixtures/ba-ria-vung-tau-2023 ; s=$$?; [ $$s -le 1 ] || exit $$s
	$(BIN) --db data/ba-ria-vung-tau.duckdb metrics --period 2023 --convention calendar --by level \
	  --targets fixtures/ba-ria-vung-tau-2023/targets-2023.toml
	$(BIN) --db data/nghe-an.duckdb --config fixtures/nghe-an-2023-06/baocao.toml \
	  report monthly --period 2023-06 --notes fixtures/nghe-an-2023-06/notes/2023-06.md --out out
	$(BIN) --db data/nghe-an.duckdb watch --date 2023-06-14 --out out | head -n 8   # and out/canh-bao-2023-06-14/
	$(BIN) --db data/ba-ria-vung-tau.duckdb --config fixtures/ba-ria-vung-tau-2023/baocao.toml \
	  report annual --year 2023 --out out
	$(BIN) --db data/nghe-an-h1.duckdb ingest fixtures/nghe-an-2023-h1 ; s=$$?; [ $$s -le 1 ] || exit $$s
	$(BIN) --db data/nghe-an-h1.duckdb metrics --period 2023-Q2 --convention cutoff15 --by level
	$(BIN) --db data/nghe-an-h1.duckdb --config fixtures/nghe-an-2023-h1/baocao.toml \
	  report quarterly --period 2023-Q2 --out out
	$(BIN) --db data/nghe-an-h1.duckdb --config fixtures/nghe-an-2023-h1/baocao.toml \
	  report half-year --period 2023-H1 --out out

test:
	@$(MAKE) --no-print-directory -j3 build tools test-tools
	cargo test $(CARGO_FLAGS)
	cargo fmt --check
	cargo clippy $(CARGO_FLAGS) --all-targets -- -D warnings

lint: $(DUCKDB_DEP)
	cargo fmt --check
	cargo clippy $(CARGO_FLAGS) --all-targets -- -D warnings

# Typst CLI, pinned (about 12 minutes to build the first time). The fonts are inside the
# binary (Liberation Serif, fonts/), so no font package is installed. It builds in our
# target dir, which holds cargo's lock: baocao's build waits for it. On 2 cores that is
# faster than two target dirs side by side: the builds are CPU-bound and share crates
# (docs/decisions.md, one target dir for baocao and Typst).
tools: typst

typst:
	@if "$(BAOCAO_TYPST)" --version 2>/dev/null | grep -q "typst $(TYPST_VERSION)"; then \
	  echo "typst $(TYPST_VERSION): $(BAOCAO_TYPST)"; \
	else \
	  cargo install typst-cli --locked --version $(TYPST_VERSION) --no-default-features --root $(TOOLS_DIR); \
	fi

# Tools the tests use: clippy/rustfmt, pdftotext/pdffonts/pdfsig (poppler-utils), qpdf,
# certutil (libnss3-tools: the signing test's throw-away NSS database), and LibreOffice
# Calc and Writer (the XLSX and DOCX tests open the files in a real office suite; about
# 25 s to install on top of apt-get update; never needed by `make run`), with Liberation
# Serif for its "Times New Roman" (without it LibreOffice lays the draft out in a wider
# font and the national title wraps), and Chromium (the site test opens the public HTML
# archive in a real browser: --dump-dom and a screenshot).
test-tools:
	@rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt
	@command -v pdftotext >/dev/null && command -v pdffonts >/dev/null && command -v pdfsig >/dev/null && \
	  command -v qpdf >/dev/null && command -v certutil >/dev/null && command -v soffice >/dev/null && \
	  command -v openssl >/dev/null && \
	  command -v chromium >/dev/null && fc-list 2>/dev/null | grep -q "Liberation Serif" || \
	  { $(APT) update -qq && $(APT) install -y -qq --no-install-recommends poppler-utils qpdf openssl \
	      libnss3-tools libreoffice-calc libreoffice-writer fonts-liberation chromium; }
	@# A PAdES signer for the signing test (pdfsig 22.12 signs an existing field as PKCS#7), and
	@# the validator `baocao issue` runs (issue.rs):
	@# pyHanko, pinned, in a virtual environment beside typst (about 30 s the first time).
	@"$(BAOCAO_PYHANKO)" --version >/dev/null 2>&1 || \
	  { python3 -m venv $(TOOLS_DIR)/pyhanko && \
	    $(TOOLS_DIR)/pyhanko/bin/pip install -q pyhanko==0.38.0 pyhanko-cli==0.6.0; }

bench: build tools
	bash bench/ingest.sh
	bash bench/metrics.sh
	bash bench/cold.sh
	bash bench/report.sh
	bash bench/run.sh

# Hostile input and hard faults at scale: 1 000 damaged files in one ingest, 100 SIGKILLs
# of the scheduled job, a 1 GB single-line file (see README, "Hostile input").
# Scale curve: ingest and a year's metrics at 1M, 5M, 20M dossiers (20 files each).
bench-scale: build
	bash bench/scale.sh

# National scale: 34 provinces × 1M dossiers as a Parquet lake, roll-up of a month and a year.
bench-national: build
	bash bench/national.sh

bench-faults: build
	bash bench/limits.sh
	bash bench/corpus.sh
	bash bench/kill.sh

# Property tests of the readers at scale: 100 000 fresh cases per reader (random seeds),
# shared among its inputs; one case in 100 also through a full ingest into DuckDB.
FUZZ_CASES ?= 100000
fuzz: build
	BAOCAO_FUZZ_CASES=$(FUZZ_CASES) cargo test $(CARGO_FLAGS) --test it fuzz -- --nocapture --test-threads 2

# Mutation check of the metric SQL (see bench/mutants.py): each mutation is run against the
# metric tests of the test binary, the SQL read from disk; prints the survivors.
# MUTANTS_FILES="ii06a_flags.sql" limits it to some files.
MUTANTS_FILES ?=
mutants: build
	cargo test $(CARGO_FLAGS) --test it --no-run
	python3 bench/mutants.py $$(ls -t $(CARGO_TARGET_DIR)/release/deps/it-* | grep -v '\.d$$' | head -1) $(MUTANTS_FILES)

# Regenerates the committed fixtures (deterministic: same bytes every time).
fixtures: build
	bash fixtures/make-small.sh $(BIN)
	$(BIN) synth calibrate --spec fixtures/nghe-an-2023-06/spec.toml --out fixtures/nghe-an-2023-06
	python3 fixtures/make-letters.py
	$(BIN) synth calibrate --spec fixtures/ba-ria-vung-tau-2023/spec.toml --out fixtures/ba-ria-vung-tau-2023
	$(BIN) synth calibrate --spec fixtures/nghe-an-2023-h1/spec.toml --out fixtures/nghe-an-2023-h1

# Refreshes fixtures/manifests/ (needed after a change to SQL, templates or fixtures:
# the regenerate test compares the committed PDF hashes).
# The run date is pinned so that a refresh changes only what the code changed.
manifests: export BAOCAO_TODAY = 2026-11-22
manifests: build tools
	rm -rf out/manifests && mkdir -p out/manifests fixtures/manifests
	$(BIN) --db out/manifests/na.duckdb ingest fixtures/nghe-an-2023-06 >/dev/null
	$(BIN) --db out/manifests/br.duckdb ingest fixtures/ba-ria-vung-tau-2023 >/dev/null
	$(BIN) --db out/manifests/h1.duckdb ingest fixtures/nghe-an-2023-h1 >/dev/null
	$(BIN) --db out/manifests/na.duckdb --config fixtures/nghe-an-2023-06/baocao.toml report monthly --period 2023-06 \
	  --notes fixtures/nghe-an-2023-06/notes/2023-06.md --out out/manifests
	$(BIN) --db out/manifests/br.duckdb --config fixtures/ba-ria-vung-tau-2023/baocao.toml report annual --year 2023 --out out/manifests
	$(BIN) --db out/manifests/h1.duckdb --config fixtures/nghe-an-2023-h1/baocao.toml report quarterly --period 2023-Q2 --out out/manifests
	$(BIN) --db out/manifests/h1.duckdb --config fixtures/nghe-an-2023-h1/baocao.toml report half-year --period 2023-H1 --out out/manifests
	cp out/manifests/*.manifest.json fixtures/manifests/

# Redraws the pictures of docs/pictures/ from the current fixture outputs (PDF pages with
# pdftoppm, XLSX/DOCX printed by LibreOffice, the site in Chromium, the signature block signed
# by pyHanko) and records the SHA-256 of each picture's source in docs/pictures/sources.tsv;
# a test fails when a source changes without its picture.
pictures: build tools test-tools
	python3 docs/pictures/make.py --bin $(BIN)

# The Debian package (docs/building.md, "The Debian package"): cargo-deb, pinned, builds it
# from what is staged in out/deb/ — the binary with its RUNPATH set to the package's own
# library ($$ORIGIN/../lib/baocao only: no builder's home), the official libduckdb.so, the
# pinned Typst, the man page, the completions, the copyright file. The same commit gives the
# same bytes (SOURCE_DATE_EPOCH from the commit).
CARGO_DEB_VERSION := 3.6.2
CARGO_DEB         := $(TOOLS_DIR)/bin/cargo-deb
DEB_DIR           := out/deb
deb-tool:
	@"$(CARGO_DEB)" --version 2>/dev/null | grep -q "$(CARGO_DEB_VERSION)" || \
	  cargo install cargo-deb --locked --version $(CARGO_DEB_VERSION) --root $(TOOLS_DIR)
	@command -v patchelf >/dev/null || { $(APT) update -qq && $(APT) install -y -qq --no-install-recommends patchelf; }

deb: build typst deb-tool
	@[ "$(BUNDLED)" != 1 ] || { echo "make deb packages the official libduckdb.so: build without BUNDLED=1" >&2; exit 2; }
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)
	cp $(BIN) $(DEB_DIR)/baocao && patchelf --set-rpath '$$ORIGIN/../lib/baocao' $(DEB_DIR)/baocao
	cp $(DUCKDB_LIB) $(DEB_DIR)/libduckdb.so
	cp "$(BAOCAO_TYPST)" $(DEB_DIR)/typst
	strip --strip-unneeded $(DEB_DIR)/baocao $(DEB_DIR)/typst
	$(BIN) man | gzip -9n > $(DEB_DIR)/baocao.1.gz
	$(BIN) completions bash > $(DEB_DIR)/baocao.bash
	$(BIN) completions zsh > $(DEB_DIR)/_baocao
	$(BIN) completions fish > $(DEB_DIR)/baocao.fish
	{ cat packaging/deb/copyright.head; \
	  printf '\nLicense: MIT-DuckDB\n'; sed -e 's/^$$/./' -e 's/^/ /' $(DUCKDB_LIB_DIR)/LICENSE; \
	  printf '\nLicense: OFL-1.1\n'; sed -e 's/^[[:space:]]*$$/./' -e 's/^/ /' fonts/LICENSE-OFL-1.1.txt; } \
	  > $(DEB_DIR)/copyright
	SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct) $(CARGO_DEB) --no-build --no-strip --output $(DEB_DIR)/

# Installs the package on this machine, runs the service's job as the baocao user on a
# fixture inbox, checks owners, modes and `doctor`, then purges it (root; CI runs it).
test-package: deb
	bash packaging/test-package.sh $(DEB_DIR)

# Installs the binary for cron (see README): PREFIX=/usr/local by default.
PREFIX ?= /usr/local
install: prepare
	install -d $(PREFIX)/bin $(PREFIX)/share/man/man1 $(PREFIX)/share/bash-completion/completions
	install -m 755 $(BIN) $(PREFIX)/bin/baocao
	$(BIN) man > $(PREFIX)/share/man/man1/baocao.1
	$(BIN) completions bash > $(PREFIX)/share/bash-completion/completions/baocao
ifneq ($(BUNDLED),1)
	install -d $(PREFIX)/lib/baocao
	install -m 644 $(DUCKDB_LIB) $(DUCKDB_LIB_DIR)/LICENSE $(PREFIX)/lib/baocao/
endif

clean-db:
	rm -f data/*.duckdb data/*.duckdb.wal
