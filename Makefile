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
