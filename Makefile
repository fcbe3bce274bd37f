# The quick start: `make run` and `make test` (see README.md).
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: run test test-sanitize lint format fuzz bench deps configure build clean

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja: CMakeLists.txt | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

configure: $(BUILD)/build.ninja

build: deps configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/dcplan plan

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer (CMakePresets.json).
test-sanitize: deps
	cmake --preset sanitize
	cmake --build build-sanitize -j $(JOBS)
	ctest --preset sanitize -j $(JOBS)

# clang-format and clang-tidy, as CI runs them (scripts/lint.sh); `make format` rewrites.
lint: deps
	scripts/lint.sh

format:
	scripts/lint.sh --fix

# libFuzzer targets (clang); run each with, e.g.,
#   build-fuzz/tests/fuzz/fuzz_scenario -dict=tests/fuzz/scenario.dict -max_total_time=600 \
#     CORPUS_DIR tests/fuzz/corpus/fuzz_scenario    (see docs/reliability.md)
fuzz:
	cmake --preset fuzz
	cmake --build build-fuzz -j $(JOBS) --target fuzz_scenario fuzz_cli

bench: build
	$(BUILD)/bench/dcplan_bench --benchmark_counters_tabular=true

clean:
	rm -rf $(BUILD)
