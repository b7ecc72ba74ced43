# conet — build, demo and test on Debian. `make demo` and `make test` install what is missing first.
SWIFT        ?= swift
# tcpdump: the capture tests record real relay sessions on the loopback interface.
DEBS         := libsecp256k1-dev libsodium-dev libzstd-dev libsqlite3-dev pkg-config python3 python3-venv tcpdump
# Independent Ethereum implementations for the interoperability tests, in a throwaway venv.
PYVENV       := .build/pyvenv
PYPKGS       := eth-keyfile eth-account
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN          := .build/debug/conet
MANUAL_DATE  := 2026-01-01
MANUAL_OUT   := .build/plugins/GenerateManual/outputs/conet
GENERATED_TO ?= .

.PHONY: deps pyvenv build release demo test generated check-generated clean

deps:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build:
	$(SWIFT) build

# A static Swift runtime halves start-up time (18 ms to 10 ms), which short messages feel.
release:
	$(SWIFT) build -c release --static-swift-stdlib

demo: deps build
	@CONET=$(BIN) ./scripts/demo.sh

pyvenv:
	@$(PYVENV)/bin/python -c 'import eth_keyfile, eth_account' 2>/dev/null || \
	  { rm -rf $(PYVENV) && python3 -m venv $(PYVENV) && $(PYVENV)/bin/pip install -q $(PYPKGS); }

test: deps build pyvenv
	CONET_PYTHON=$(CURDIR)/$(PYVENV)/bin/python $(SWIFT) test --disable-xctest
	$(MAKE) check-generated

# Completions and man pages come from the parser; CI fails when the checked-in ones are stale.
generated: build
	mkdir -p $(GENERATED_TO)/Completions $(GENERATED_TO)/ManPages
	$(BIN) --generate-completion-script bash > $(GENERATED_TO)/Completions/conet.bash
	$(BIN) --generate-completion-script zsh  > $(GENERATED_TO)/Completions/_conet
	$(BIN) --generate-completion-script fish > $(GENERATED_TO)/Completions/conet.fish
	rm -rf $(MANUAL_OUT)
	$(SWIFT) package plugin generate-manual --configuration debug --multi-page --date $(MANUAL_DATE) >/dev/null
	rm -f $(GENERATED_TO)/ManPages/*.1
	cp $(MANUAL_OUT)/*.1 $(GENERATED_TO)/ManPages/

check-generated:
	rm -rf .build/generated-check
	$(MAKE) --no-print-directory generated GENERATED_TO=.build/generated-check
	@diff -r Completions .build/generated-check/Completions && diff -r ManPages .build/generated-check/ManPages \
	  || { echo "Completions/ or ManPages/ are stale: run 'make generated' and commit the result." >&2; exit 1; }
	@echo "generated files are up to date"

clean:
	rm -rf .build

# Fuzzing (libFuzzer with AddressSanitizer, as swift-protobuf's FuzzTesting/ does). `make fuzz`
# builds Fuzz/ (a package of its own: a plain `swift build` never needs the fuzzer runtime) into
# .build-fuzz, then runs every target for FUZZ_SECONDS, seeded from the committed corpus
# Fuzz/Corpus/TARGET (with Fuzz/Dictionaries/TARGET.dict and Fuzz/Options/TARGET.flags, if any);
# inputs it finds go to a scratch corpus in .build-fuzz/corpus/TARGET. A crash, a broken invariant
# or a hang (one input over FUZZ_TIMEOUT seconds) is copied to Fuzz/Crashes/TARGET/, which
# `make test` replays, and fails the run. By hand:
#   make fuzz FUZZ_TARGETS=armor FUZZ_SECONDS=600         one target, ten minutes
#   .build-fuzz/targets/fuzz-armor Fuzz/Crashes/armor/*   replay inputs (the target is the link's name)
# Swift's own crash backtracer is turned off for the runs (SWIFT_BACKTRACE=enable=no): AddressSanitizer
# takes its memory reads for a bug and reports them instead of the crash.
FUZZ_SECONDS ?= 60
FUZZ_TIMEOUT ?= 10
FUZZ_TARGETS ?= $(notdir $(wildcard Fuzz/Corpus/*))
FUZZ_SCRATCH := .build-fuzz
# Release code with the sanitizers; internal API reachable (-enable-testing, CONET_FUZZ); linked
# by lld, as gold stops with an internal error on this link.
FUZZ_BUILD   := -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing -Xswiftc -DCONET_FUZZ -Xswiftc -use-ld=lld

.PHONY: fuzz fuzz-build

fuzz-build: deps
	$(SWIFT) build --package-path Fuzz --scratch-path $(abspath $(FUZZ_SCRATCH)) $(FUZZ_BUILD)
	@mkdir -p $(FUZZ_SCRATCH)/targets
	@for t in $(FUZZ_TARGETS); do ln -sf ../release/conet-fuzz $(FUZZ_SCRATCH)/targets/fuzz-$$t; done

fuzz: fuzz-build
	@failed=""; \
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_SCRATCH)/corpus/$$t $(FUZZ_SCRATCH)/artifacts/$$t $(FUZZ_SCRATCH)/logs; \
	  rm -f $(FUZZ_SCRATCH)/artifacts/$$t/*; \
	  echo "== fuzz $$t for $(FUZZ_SECONDS) s"; \
	  dict=""; [ -f Fuzz/Dictionaries/$$t.dict ] && dict="-dict=Fuzz/Dictionaries/$$t.dict"; \
	  flags=$$(grep -v '^#' Fuzz/Options/$$t.flags 2>/dev/null); \
	  SWIFT_BACKTRACE=enable=no $(FUZZ_SCRATCH)/targets/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -timeout=$(FUZZ_TIMEOUT) -print_final_stats=1 $$dict $$flags \
	    -artifact_prefix=$(FUZZ_SCRATCH)/artifacts/$$t/ $(FUZZ_SCRATCH)/corpus/$$t Fuzz/Corpus/$$t \
	    > $(FUZZ_SCRATCH)/logs/$$t.log 2>&1; \
	  status=$$?; \
	  grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE)' $(FUZZ_SCRATCH)/logs/$$t.log | tail -1; \
	  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' $(FUZZ_SCRATCH)/logs/$$t.log; \
	  if [ $$status -ne 0 ] || ls $(FUZZ_SCRATCH)/artifacts/$$t/* >/dev/null 2>&1; then \
	    mkdir -p Fuzz/Crashes/$$t; cp $(FUZZ_SCRATCH)/artifacts/$$t/* Fuzz/Crashes/$$t/ 2>/dev/null; \
	    grep -E 'ERROR|Fatal error|fuzz invariant|SUMMARY' $(FUZZ_SCRATCH)/logs/$$t.log | head -5; \
	    echo "!! $$t failed (exit $$status): reproducer(s) in Fuzz/Crashes/$$t/, log in $(FUZZ_SCRATCH)/logs/$$t.log"; \
	    failed="$$failed $$t"; \
	  fi; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzzing found problems in:$$failed" >&2; exit 1; fi; \
	echo "fuzzing found nothing in $(words $(FUZZ_TARGETS)) target(s)"
