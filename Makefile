# pfsim: the two commands of the README, and a few more.
#   make run    install dependencies, build (release), run the China baseline, print the summary, write its report
#   make test   build and run the whole test suite through ctest
#   make sanitize  the C++ suite under AddressSanitizer + UBSan (clang), the engine's threaded tests under ThreadSanitizer
#   make fuzz   build the libFuzzer targets (in the asan-ubsan tree) and run each for FUZZ_SECONDS (docs/fuzzing.md)
PRESET ?= release
JOBS ?= 2
CONFIG ?= configs/china_baseline.toml
RESULTS ?= results/china_baseline.h5
FUZZ_SECONDS ?= 60

.PHONY: run test deps configure build bench sanitize fuzz clean

deps:
	bash scripts/install-deps.sh

configure: deps
	cmake --preset $(PRESET) >/dev/null

build: configure
	cmake --build --preset $(PRESET) -j $(JOBS)

run: configure
	cmake --build --preset $(PRESET) -j $(JOBS) --target pfsim
	./build/$(PRESET)/pfsim run $(CONFIG) -o $(RESULTS)
	./build/$(PRESET)/pfsim report $(RESULTS) -o $(RESULTS:.h5=.html)
	@echo "pfsim: wrote the report $(RESULTS:.h5=.html)"

test: build
	ctest --preset $(PRESET) -j $(JOBS)

bench: build
	bash scripts/bench.sh

sanitize: deps
	cmake --preset asan-ubsan >/dev/null
	cmake --build --preset asan-ubsan -j $(JOBS)
	ctest --preset asan-ubsan -j $(JOBS)
	cmake --preset tsan >/dev/null
	cmake --build --preset tsan -j $(JOBS)
	ctest --preset tsan -j $(JOBS)

fuzz: deps
	bash scripts/fuzz.sh --seconds $(FUZZ_SECONDS) --jobs $(JOBS)

clean:
	rm -rf build
