# The small front door over CMake. The README's two set-up commands are `make run` and `make test`.
#   make          install missing packages, build build/ldn
#   make run      ... then start `ldn serve` on ./ldn.db with demo data (prints the URL and demo logins)
#   make test     ... build and run every test, then again under ASan+UBSan (build-asan/)
#   make bench    ... build the benchmarks in release mode and write docs/benchmarks.md
#   make soak     ... build, then 30 minutes of mixed load on ldn serve, sampled each minute (not in CI)
#   make package  ... build, then the Debian package (build/ldn_*.deb, CPack)
#   make format   clang-format the tree
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all setup build test test-asan run bench soak package format clean

all: build

setup:
	@bash scripts/setup

build: setup
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	@cmake --build build -j $(JOBS)

test: build
	ctest --test-dir build --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory test-asan

test-asan: setup
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLDN_SANITIZE=ON -DLDN_BUILD_BENCHMARKS=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-asan -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir build-asan --output-on-failure -j $(JOBS)

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
	find src tests bench -name '*.h' -o -name '*.cpp' | xargs clang-format -i

clean:
	rm -rf build build-asan build-bench
