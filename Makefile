# Starling — the two commands a newcomer needs are `make run` and `make test`.
# Both install what is missing first (scripts/install-deps.sh), then build.

PRESET  ?= release
BUILD   := build/$(PRESET)
BIN     := $(BUILD)/starling
JOBS    ?= 2
WEB_SRC := $(shell find web/src web/index.html web/vite.config.ts web/tsconfig*.json web/package-lock.json -type f 2>/dev/null)
SDK_SRC := $(shell find sdk/src sdk/build.mjs sdk/tsconfig*.json sdk/package-lock.json -type f 2>/dev/null)

.PHONY: all deps configure build native web sdk run test test-unit test-integration test-e2e test-sdk bench fmt clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja: CMakeLists.txt CMakePresets.json
	cmake --preset $(PRESET) >/dev/null

configure: $(BUILD)/build.ninja

native: configure
	cmake --build $(BUILD) -j$(JOBS)

web/dist/index.html: $(WEB_SRC)
	cd web && npm run build --silent

web: web/dist/index.html

# The tracking script, one file served by the server at /sdk/starling.js.
sdk/dist/starling.js: $(SDK_SRC)
	cd sdk && npm run build --silent

sdk: sdk/dist/starling.js

build: deps native web sdk

# Starts Starling on http://127.0.0.1:8080 with its embedded database in ./data.
run: build
	$(BIN) serve --data-dir data --demo true

# Unit + integration (ctest), end-to-end and tracking-script (Playwright) tests, with one summary at the end.
test: build
	@scripts/run-tests.sh $(BUILD)

test-unit: build
	cd $(BUILD) && ctest -L unit --output-on-failure -j$(JOBS)

test-integration: build
	cd $(BUILD) && ctest -L integration --output-on-failure

test-e2e: build
	cd web && STARLING_BIN=$(abspath $(BIN)) npm run e2e

test-sdk: deps sdk
	cd sdk && npm run e2e

bench: build
	bench/http_baseline/run.sh $(BIN)
	bench/ingest/run.sh $(BIN)

fmt:
	find src tests bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf build web/dist web/test-results sdk/dist sdk/test-results
