# pfsim: the two commands of the README, and a few more.
#   make run    install dependencies, build (release), run the China baseline, print the summary
#   make test   build and run the whole test suite through ctest
PRESET ?= release
JOBS ?= 2
CONFIG ?= configs/china_baseline.toml

.PHONY: run test deps configure build bench clean

deps:
	bash scripts/install-deps.sh

configure: deps
	cmake --preset $(PRESET) >/dev/null

build: configure
	cmake --build --preset $(PRESET) -j $(JOBS)

run: configure
	cmake --build --preset $(PRESET) -j $(JOBS) --target pfsim
	./build/$(PRESET)/pfsim run $(CONFIG)

test: build
	ctest --preset $(PRESET) -j $(JOBS)

bench: build
	bash scripts/bench.sh

clean:
	rm -rf build
