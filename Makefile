# Bricks — top-level build (GNU make, non-recursive).
#
#   make            release build: $(B)/release/bricks
#   make run        install what is missing, build, run `bricks serve` (ARGS="--data DIR …")
#   make test       install what is missing, build, run every test suite
#   make debug      $(B)/debug (BK_DEBUG asserts on)
#   make asan       $(B)/asan (-fsanitize=address,undefined)
#   make fuzz       fuzz targets with clang + libFuzzer: $(B)/fuzz/*
#   make bench      benchmarks (never part of `make test`)
#
# Sources are every .c under src/; src/cli/main.c holds main() and is left out of
# the library that tests and fuzz targets link against.
#
# B=DIR puts the build somewhere else (parallel builds of one tree must not share it).
B ?= build

PKGS     := libzstd snappy liblz4 zlib libbrotlidec libbrotlienc jansson libedit libpcre2-8 \
            libutf8proc libmicrohttpd libsodium sqlite3
CC       ?= cc
WARN     := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wold-style-definition -Wundef -Wwrite-strings -Wredundant-decls -Wformat=2 \
            -Wimplicit-fallthrough -Wvla -Wno-format-nonliteral
BASE_CFLAGS := $(WARN) -D_GNU_SOURCE -Isrc -Iinclude -pthread -MMD -MP \
               $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS     := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -pthread

VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
BASE_CFLAGS += -DBRICKS_VERSION='"$(VERSION)"'

SRCS      := $(shell find src -name '*.c' | sort)
LIB_SRCS  := $(filter-out src/cli/main.c,$(SRCS))
TEST_SRCS := $(sort $(wildcard tests/unit/*.c))
FUZZ_SRCS := $(sort $(wildcard fuzz/fuzz_*.c))

# Per-configuration flags.
release_CFLAGS := -O2 -g -fvect-cost-model=cheap
debug_CFLAGS   := -O0 -g -DBK_DEBUG
asan_CFLAGS    := -O1 -g -DBK_DEBUG -fsanitize=address,undefined -fno-omit-frame-pointer \
                  -fno-sanitize-recover=undefined
asan_LDFLAGS   := -fsanitize=address,undefined

.PHONY: all release debug asan run test test-slow test-clients fuzz bench clean setup lint
all: release

# $(call config_rules,NAME) defines objects, library, binary and unit runner for one build.
define config_rules
$(1)_OBJS      := $$(patsubst %.c,$(B)/$(1)/%.o,$$(LIB_SRCS))
$(1)_TEST_OBJS := $$(patsubst %.c,$(B)/$(1)/%.o,$$(TEST_SRCS))

$(B)/$(1)/%.o: %.c
	@mkdir -p $$(dir $$@)
	$$(CC) $$(BASE_CFLAGS) $$($(1)_CFLAGS) -fvisibility=hidden -c $$< -o $$@

$(B)/$(1)/libbricks.a: $$($(1)_OBJS)
	@rm -f $$@
	ar rcs $$@ $$^

$(B)/$(1)/bricks: $(B)/$(1)/src/cli/main.o $(B)/$(1)/libbricks.a
	$$(CC) $$($(1)_CFLAGS) $$($(1)_LDFLAGS) -o $$@ $$^ $$(LIBS)

$(B)/$(1)/unit_tests: $$($(1)_TEST_OBJS) $(B)/$(1)/libbricks.a
	$$(CC) $$($(1)_CFLAGS) $$($(1)_LDFLAGS) -o $$@ $$^ $$(LIBS)

$(B)/$(1)/slt_runner: $(B)/$(1)/tests/sql/slt_runner.o $(B)/$(1)/libbricks.a
	$$(CC) $$($(1)_CFLAGS) $$($(1)_LDFLAGS) -o $$@ $$^ $$(LIBS)

$(B)/$(1)/golden_driver: $(B)/$(1)/tests/spark_golden/golden_driver.o $(B)/$(1)/libbricks.a
	$$(CC) $$($(1)_CFLAGS) $$($(1)_LDFLAGS) -o $$@ $$^ $$(LIBS)

-include $$($(1)_OBJS:.o=.d) $$($(1)_TEST_OBJS:.o=.d) $(B)/$(1)/src/cli/main.d \
         $(B)/$(1)/tests/sql/slt_runner.d $(B)/$(1)/tests/spark_golden/golden_driver.d
endef

$(eval $(call config_rules,release))
$(eval $(call config_rules,debug))
$(eval $(call config_rules,asan))

release: $(B)/release/bricks $(B)/release/unit_tests $(B)/release/slt_runner \
         $(B)/release/golden_driver
debug: $(B)/debug/bricks $(B)/debug/unit_tests $(B)/debug/slt_runner $(B)/debug/golden_driver
asan: $(B)/asan/bricks $(B)/asan/unit_tests $(B)/asan/slt_runner $(B)/asan/golden_driver

setup:
	@bash scripts/setup.sh

run: setup release
	./build/release/bricks serve $(ARGS)

# Every suite; scripts/test.sh prints per-suite results and the final
# "N passed, N failed" line, and exits non-zero on any failure.
test: setup
	@bash scripts/test.sh

# The official Databricks CLI against `bricks serve` (builds the CLI into .tools/ first).
test-clients: setup release
	@bash scripts/install_databricks_cli.sh
	@.venv/bin/python -m pytest -q -p no:cacheprovider tests/api/test_cli.py

test-slow: setup
	@BRICKS_SLOW=1 bash scripts/test.sh

# libFuzzer targets (clang): each links the sources directly with the fuzzer runtime.
FUZZ_CFLAGS := -O1 -g -DBK_DEBUG -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
               -fno-omit-frame-pointer
fuzz: $(patsubst fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRCS))
$(B)/fuzz/%: fuzz/%.c $(LIB_SRCS)
	@mkdir -p $(dir $@)
	clang $(filter-out -MMD -MP,$(BASE_CFLAGS)) $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRCS) $(LIBS)

bench: setup release
	@bash bench/run.sh

lint:
	@bash tools/check_src.sh
	@bash tools/check_layers.sh

clean:
	rm -rf build
