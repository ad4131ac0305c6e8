# wakecheck: `make demo` and `make test` work on a fresh Debian 12 machine.
# They first install what is missing (apt-get, non-interactive), then build.

BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# Debian packages the build and the tests need (see ../shared/ECOSYSTEM.md).
PACKAGES := g++ cmake make ninja-build pkg-config \
            libboost-context-dev libfmt-dev libtomlplusplus-dev libcli11-dev \
            libcpputest-dev libbenchmark-dev nlohmann-json3-dev python3 chromium

.PHONY: all build deps demo test fuzz bench bench-micro format format-check clean

all: build

build:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)

# Installs only the packages that are missing; does nothing when all are present.
deps:
	@missing=""; \
	for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

demo: deps build
	./$(BUILD)/wakecheck check scenarios/

# The long fuzz run (ctest label `fuzz`) is not part of `make test`.
test: deps build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) -LE fuzz

# The differential fuzzer for a while: FUZZ_SECONDS of programs from FUZZ_SEED on
# (each failure is printed shrunk; the last line gives the totals).
FUZZ_SECONDS ?= 600
FUZZ_SEED ?= 1
fuzz: deps build
	./$(BUILD)/tests/wakecheck_fuzz --seconds $(FUZZ_SECONDS) --seed $(FUZZ_SEED)

# The benchmark table (Markdown on stdout): boundedq ok, herd and nowake on
# W1..W6 and 4x4x2x2 under every strategy, each row in its own process with a
# budget of BENCH_SECONDS wall seconds (default 30); BENCH_QUICK=1: W1..W3 at
# 2 s a row. More: build/bench/wakecheck_table --help.
bench: deps build
	@./$(BUILD)/bench/wakecheck_table $(if $(filter-out 0,$(BENCH_QUICK)),--quick) \
	  $(if $(BENCH_SECONDS),--seconds $(BENCH_SECONDS))

# Google Benchmark micro-benchmarks: engine speed before/after a change.
bench-micro: deps build
	./$(BUILD)/bench/wakecheck_bench

format:
	find checker model scenarios reports cli tests bench include examples -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

format-check:
	find checker model scenarios reports cli tests bench include examples -name '*.cpp' -o -name '*.hpp' | xargs clang-format --dry-run --Werror

clean:
	rm -rf $(BUILD)
