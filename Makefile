# The README's commands. Each installs what it needs first (scripts/bootstrap is idempotent).
#   make run      build and start the console (or the headless server when there is no display)
#   make test     build and run every test through ctest (what CI runs)
#   make build | bench | screenshots | package | fuzz | format | clean
SHELL := /bin/bash
.DEFAULT_GOAL := run
JOBS ?= $(shell nproc)
# CI builds with warnings as errors.
CMAKE_FLAGS ?= $(if $(CI),-DSWITCHYARD_WERROR=ON,)
FUZZ_SECONDS ?= 30

.PHONY: run test test-core build configure bench screenshots package fuzz format clean

configure:
	@cmake --preset dev $(CMAKE_FLAGS) > build-configure.log 2>&1 || { cat build-configure.log; exit 1; }
	@rm -f build-configure.log

build:
	@scripts/bootstrap build
	@$(MAKE) --no-print-directory configure
	cmake --build --preset dev -j $(JOBS)

run:
	@scripts/bootstrap run
	@$(MAKE) --no-print-directory configure
	cmake --build --preset dev -j $(JOBS) --target switchyard switchyard-server
	@scripts/run-console $(ARGS)

test:
	@scripts/bootstrap test
	@$(MAKE) --no-print-directory configure
	cmake --build --preset dev -j $(JOBS)
	ctest --preset dev -j $(JOBS)
	@$(MAKE) --no-print-directory test-core

# The core, the server and their tests with the Qt UI switched off: proves the layering holds.
test-core:
	@cmake --preset core $(CMAKE_FLAGS) -DSWITCHYARD_BUILD_BENCH=OFF > /dev/null
	cmake --build --preset core -j $(JOBS)
	ctest --preset core -j $(JOBS)

bench:
	@scripts/bootstrap bench
	@$(MAKE) --no-print-directory configure
	cmake --build --preset dev -j $(JOBS) --target bench

# The console's pages and the monitoring wall with a simulated demo cluster, into docs/screenshots.
SCREENSHOT_SECONDS ?= 60
screenshots:
	@scripts/bootstrap test
	@$(MAKE) --no-print-directory configure
	cmake --build --preset dev -j $(JOBS) --target switchyard-screenshots
	xvfb-run -a -s "-screen 0 1920x1080x24" build/bin/switchyard-screenshots docs/screenshots $(SCREENSHOT_SECONDS)

package:
	@scripts/bootstrap build
	@cmake --preset release $(CMAKE_FLAGS) > /dev/null
	cmake --build --preset release -j $(JOBS)
	cd build-release && cpack
	@scripts/check-package build-release/switchyard_*.deb

fuzz:
	@scripts/bootstrap fuzz
	@cmake --preset fuzz > /dev/null
	cmake --build --preset fuzz -j $(JOBS)
	@scripts/run-fuzzers build-fuzz/bin $(FUZZ_SECONDS)

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf build build-core build-asan build-release build-fuzz
