# The small front door over CMake. The README's two set-up commands are `make run` and `make test`.
#   make          install missing packages, build build/ldn
#   make run      ... then start `ldn serve` on ./ldn.db with demo data (prints the URL and demo logins)
#   make test     ... build and run every test, then again under ASan+UBSan (build-asan/), where
#                 each libFuzzer target also runs for a few seconds (clang; docs/fuzzing.md)
#   make test-fuzz ... only those brief fuzz runs (build-asan/)
#   make bench    ... build the benchmarks in release mode and write docs/benchmarks.md
#   make fuzz     ... build the libFuzzer targets with clang (build-fuzz/) and run each for
#                 FUZZ_SECONDS (default 60; FUZZ_TARGETS="json http" for some; FUZZ_RUNS=10000000
#                 to stop a target at that many executions; FUZZ_JOBS processes each; docs/fuzzing.md)
#   make soak     ... build, then 30 minutes of mixed load on ldn serve, sampled each minute (not in CI)
#   make package  ... build, then the Debian package (build/ldn_*.deb, CPack)
#   make format   clang-format the tree
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
# Debug information of the build/ and build-asan/ trees: line tables (-g1) are enough for the
# sanitizers' and crashes' stack traces and compile about a fifth faster than full -g (api_batches.cpp
# at -O2: 15.2 s CPU and a 4 MB object instead of 19.4 s and 14 MB), links lighter too. For a
# debugger that shows variables: make DEBUG_INFO=-g
DEBUG_INFO ?= -g1
# What runs once, in the normal build, and not again under ASan+UBSan (a cold `make test` stays
# under an hour on two cores) is decided in CMake: LDN_SANITIZE_SKIP (CMakeLists.txt), the CLI cases
# and the slow suites (tests/CMakeLists.txt). Under ASan+UBSan each gtest binary is one ctest.

FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
FUZZ_RUNS ?= 0
FUZZ_JOBS ?= $(JOBS)
# The fuzz build: clang, libFuzzer's instrumentation and ASan+UBSan on every library (CMakeLists.txt
# LDN_FUZZ), -O1 with line tables (enough for symbolised stacks, quicker to build), no tests.
FUZZ_CONFIGURE = cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" -DLDN_FUZZ=ON -DLDN_BUILD_TESTS=OFF \
  -DLDN_BUILD_BENCHMARKS=OFF -DLDN_WERROR=OFF $(CMAKE_FLAGS)

.PHONY: all setup build test test-asan test-fuzz run bench fuzz soak package format clean

all: build

setup:
	@bash scripts/setup

# The benchmarks are built by `make bench` (build-bench/, Release), not in build/: no test runs them.
build: setup
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 $(DEBUG_INFO)" \
	  -DLDN_BUILD_BENCHMARKS=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build build -j $(JOBS)

test: build
	ctest --test-dir build --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory test-asan

# The sanitizer build. With clang (scripts/setup installs it) one instrumented build serves the
# tests and the libFuzzer targets (CMakeLists.txt: LDN_SANITIZE with LDN_FUZZ), and each target runs
# LDN_FUZZ_CI_SECONDS from its seeds and regression inputs as a ctest labelled "fuzz"; without
# clang, g++ builds the tests alone and the fuzz runs are skipped with a note. (Evaluated when the
# recipe runs, after `setup` has installed clang.)
CLANGXX = $(shell command -v clang++ 2>/dev/null)
ASAN_COMPILER = $(if $(CLANGXX),-DCMAKE_CXX_COMPILER=$(CLANGXX) -DLDN_FUZZ=ON,-DLDN_FUZZ=OFF)
ASAN_CONFIGURE = cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=$(DEBUG_INFO)" \
  -DLDN_SANITIZE=ON $(ASAN_COMPILER) -DLDN_BUILD_BENCHMARKS=OFF $(CMAKE_FLAGS)
ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp

test-asan: setup
	@$(ASAN_CONFIGURE) >/dev/null
	@cmake --build build-asan -j $(JOBS)
	@if [ -z "$(CLANGXX)" ]; then echo "make test: clang++ not found (scripts/setup installs clang); fuzz targets skipped"; fi
	$(ASAN_ENV) ctest --test-dir build-asan --output-on-failure -j $(JOBS)

# Only the brief fuzz runs of `make test` (ctest label "fuzz", build-asan/).
test-fuzz: setup
	@if [ -z "$(CLANGXX)" ]; then echo "make test-fuzz: clang++ not found (scripts/setup installs clang)"; exit 2; fi
	@$(ASAN_CONFIGURE) >/dev/null
	@cmake --build build-asan -j $(JOBS) --target fuzz_targets
	$(ASAN_ENV) ctest --test-dir build-asan -L fuzz --output-on-failure -j $(JOBS)

fuzz: setup
	@$(FUZZ_CONFIGURE) >/dev/null
	@cmake --build build-fuzz -j $(JOBS) --target fuzz_targets
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp python3 fuzz/run_fuzzer.py --build build-fuzz \
	  --seconds $(FUZZ_SECONDS) --runs $(FUZZ_RUNS) --jobs $(FUZZ_JOBS) $(FUZZ_TARGETS)

run: build
	./build/ldn serve --db sqlite:ldn.db --demo

bench: setup
	@cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DLDN_BUILD_TESTS=OFF -DLDN_WERROR=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-bench -j $(JOBS)
	bash scripts/bench build-bench

soak: build
	nice -n 10 python3 scripts/soak build/ldn --out build/soak.md

package: build
	cd build && cpack -G DEB

format:
	find src tests bench fuzz -name '*.h' -o -name '*.cpp' | xargs clang-format -i

clean:
	rm -rf build build-asan build-bench build-fuzz
