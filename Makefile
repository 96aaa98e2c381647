# mapviz — see README.md.  `make` builds ./mapviz; `make test` runs every
# test layer and ends with "N passed, N failed"; `make asan`, `make tsan`
# run the suite under sanitizers; `make bench` compares with Go's map.

CC      ?= cc
PKGS    := ncursesw libcyaml cairo fontconfig
# Read when first used, not when the Makefile is parsed: on a fresh machine
# check-deps installs the libraries (an order-only prerequisite of every
# object), so pkg-config must be asked after it ran.  Each is asked once.
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(shell pkg-config --cflags $(PKGS) 2>/dev/null))$(PKG_CFLAGS)
PKG_LIBS   = $(eval PKG_LIBS := $$(shell pkg-config --libs $(PKGS) 2>/dev/null))$(PKG_LIBS)

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wundef -Wwrite-strings -Werror
OPT     ?= -O2 -g
CFLAGS  += -I. -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) $(WARN) -MMD -MP
LDLIBS  += $(PKG_LIBS) -lgif -lpthread -lm

# SAN=asan|tsan builds into its own directory.
ifeq ($(SAN),asan)
  CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
  LDFLAGS += -fsanitize=address,undefined
  OPT := -O1 -g
endif
ifeq ($(SAN),tsan)
  CFLAGS += -fsanitize=thread -fno-omit-frame-pointer
  LDFLAGS += -fsanitize=thread
  OPT := -O1 -g
endif
B       := build$(if $(SAN),-$(SAN))

ENGINE_SRC := $(wildcard engine/*/*.c)
APP_SRC    := $(filter-out app/main.c,$(wildcard app/*.c app/tui/*.c))
# Unit tests: two binaries.  engine-tests holds the modules listed in
# tests/unit/engine_modules.h and links the engine alone; unit-tests holds
# the rest (tests/unit/modules.h), which need the app (scene loader, writers,
# TUI).  tests/unit/main.c is the runner of both.
ENGINE_TESTS    := $(shell sed -n 's/^MODULE(\(.*\))$$/\1/p' tests/unit/engine_modules.h)
ENGINE_UNIT_SRC := $(ENGINE_TESTS:%=tests/unit/test_%.c)
UNIT_SRC   := $(filter-out $(ENGINE_UNIT_SRC),$(wildcard tests/unit/*.c))

ENGINE_OBJ := $(ENGINE_SRC:%.c=$(B)/%.o)
APP_OBJ    := $(APP_SRC:%.c=$(B)/%.o)
# The asciinema web player that `mapviz export -o F.html` inlines: the
# version web/package-lock.json pins, fetched with npm when missing, made
# a C source of the binary (with web/page.js, web/page.css) by
# web/gen_assets.js.
PLAYER_VERSION = $(shell sed -n 's/.*"asciinema-player": *"\([^"]*\)".*/\1/p' web/package.json)
PLAYER_PKG := web/node_modules/asciinema-player/package.json
ASSETS_C   := build/player_assets.c
APP_OBJ    += $(B)/player_assets.o
UNIT_OBJ   := $(UNIT_SRC:%.c=$(B)/%.o)
ENGINE_UNIT_OBJ := $(ENGINE_UNIT_SRC:%.c=$(B)/%.o) $(B)/tests/unit/main-engine.o

BIN     := $(if $(SAN),$(B)/mapviz,mapviz)
UNIT    := $(B)/unit-tests
ENGINE_UNIT := $(B)/engine-tests

ifeq ($(V),1)
  Q :=
else
  Q := @
endif

.PHONY: all test unit asan tsan bench run screenshots install uninstall check-deps check-house clean
all: check-deps $(BIN)

check-deps:
	@./tests/check-deps.sh

# Nothing is compiled before the dependencies are there (also under -j).
$(ENGINE_OBJ) $(APP_OBJ) $(UNIT_OBJ) $(ENGINE_UNIT_OBJ) $(B)/app/main.o: | check-deps

$(BIN): $(ENGINE_OBJ) $(APP_OBJ) $(B)/app/main.o
	@echo "  LD    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(UNIT): $(ENGINE_OBJ) $(APP_OBJ) $(UNIT_OBJ)
	@echo "  LD    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# No app objects and no curses or YAML libraries: the engine stands alone.
$(ENGINE_UNIT): $(ENGINE_OBJ) $(ENGINE_UNIT_OBJ)
	@echo "  LD    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ -lpthread -lm

$(B)/tests/unit/main-engine.o: tests/unit/main.c
	@mkdir -p $(dir $@)
	@echo "  CC    $< (engine)"
	$(Q)$(CC) $(CFLAGS) -DUNIT_MODULES='"engine_modules.h"' -DUNIT_LAYER='"engine"' -c -o $@ $<

$(B)/app/%.o: app/%.c
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(B)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(PLAYER_PKG): web/package.json web/package-lock.json | check-deps
	@echo "fetching asciinema-player $(PLAYER_VERSION) with npm (web/package-lock.json)"
	$(Q)npm ci --prefix web --no-audit --no-fund --loglevel=error
	$(Q)touch $@

$(ASSETS_C): web/gen_assets.js web/page.js web/page.css $(PLAYER_PKG)
	@mkdir -p $(dir $@)
	@echo "  GEN   $@"
	$(Q)node web/gen_assets.js $@

$(B)/player_assets.o: $(ASSETS_C)
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

# engine/ is compiled without the curses and YAML include flags.
$(B)/engine/%.o: engine/%.c
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

# The engine includes no curses or YAML and prints nothing (house rule).
check-house:
	@! grep -rnE '#include *[<"](n?curses|ncursesw/|cyaml|yaml\.h|stdio\.h)' engine \
	  || { echo "engine/ must not include curses, YAML or stdio"; exit 1; }
	@! grep -rnE '\b(printf|fprintf|puts|exit)\s*\(' engine --include='*.c' | grep -v snprintf \
	  || { echo "engine/ must not print or exit"; exit 1; }
	@! grep -rlE '#include *[<"](n?curses|ncursesw/)' app tests --include='*.[ch]' | grep -v '^app/tui/' \
	  || { echo "only app/tui/ may include curses"; exit 1; }

unit: $(UNIT) $(ENGINE_UNIT)
	$(ENGINE_UNIT)
	$(UNIT)

test: all check-house $(UNIT) $(ENGINE_UNIT)
	@./tests/check-deps.sh test
	@./tests/run-all.sh $(abspath $(BIN)) $(abspath $(UNIT)) $(abspath $(ENGINE_UNIT))

asan:
	$(MAKE) SAN=asan test

tsan:
	$(MAKE) SAN=tsan all build-tsan/unit-tests build-tsan/engine-tests
	@./tests/tsan.sh $(abspath build-tsan/mapviz) $(abspath build-tsan/unit-tests) $(abspath build-tsan/engine-tests)

bench: all
	@./bench/run.sh ./mapviz

PREFIX  ?= /usr/local
DESTDIR ?=

# The binary, its scenes (found at BIN/../share/mapviz/scenes), themes and
# man page.
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/mapviz/scenes \
		$(DESTDIR)$(PREFIX)/share/mapviz/themes $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 mapviz $(DESTDIR)$(PREFIX)/bin/mapviz
	install -m 644 scenes/*.yaml $(DESTDIR)$(PREFIX)/share/mapviz/scenes/
	if [ -d assets/themes ]; then install -m 644 assets/themes/*.yaml $(DESTDIR)$(PREFIX)/share/mapviz/themes/; fi
	if [ -f assets/mapviz.1 ]; then install -m 644 assets/mapviz.1 $(DESTDIR)$(PREFIX)/share/man/man1/; fi

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/mapviz $(DESTDIR)$(PREFIX)/share/man/man1/mapviz.1
	rm -rf $(DESTDIR)$(PREFIX)/share/mapviz

run: all
	./mapviz scenes/tour.yaml

# The README's picture, drawn by mapviz export itself (committed).
screenshots: all
	@mkdir -p docs/img
	env -u NO_COLOR ./mapviz export tour --step 229 --size 100x30 --theme default --force -o docs/img/tour.png

clean:
	rm -rf build build-asan build-tsan build-fuzz mapviz

-include $(shell find build build-asan build-tsan -name '*.d' 2>/dev/null)

# ---- fuzzing ----------------------------------------------------------------
# make fuzz [FUZZ_SECONDS=60]: the libFuzzer targets tests/fuzz/fuzz_*.c
# (scene_load on any bytes; load then run), built with clang and
# -fsanitize=fuzzer,address,undefined into build-fuzz/, each run for
# FUZZ_SECONDS seconds from the seed corpus tests/fuzz/corpus with the
# dictionary tests/fuzz/yaml.dict (tests/fuzz/run.sh).  Prints one line per
# target and "fuzz: N passed, N failed"; exits 1 on a crash, leak or hang,
# whose reproducer is named.  As root, clang and its libFuzzer runtime are
# installed when missing (tests/check-deps.sh fuzz).  make fuzz-clean.
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FZ           := build-fuzz
FUZZ_CFLAGS  := -I. -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O1 -g -fno-omit-frame-pointer \
                -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
                -Wall -Wextra -Wno-unused-function -MMD -MP
FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined
FUZZ_OBJ     := $(ENGINE_SRC:%.c=$(FZ)/%.o) $(APP_SRC:%.c=$(FZ)/%.o) $(FZ)/build/player_assets.o
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(FZ)/%,$(wildcard tests/fuzz/fuzz_*.c))

.PHONY: fuzz fuzz-build fuzz-deps fuzz-clean
fuzz: fuzz-build
	@./tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The compiler first; pkg-config and clang are asked only after it ran.
fuzz-deps:
	@./tests/check-deps.sh fuzz

fuzz-build: fuzz-deps
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS)

$(FZ)/fuzz_%: $(FZ)/tests/fuzz/fuzz_%.o $(FUZZ_OBJ)
	@echo "  LD    $@"
	$(Q)$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $^ $(LDLIBS)

$(FZ)/engine/%.o: engine/%.c
	@mkdir -p $(dir $@)
	@echo "  CC    $< (fuzz)"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FZ)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC    $< (fuzz)"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

# (objects made by pattern rules for a pattern rule are kept, not intermediate)
.SECONDARY: $(FUZZ_OBJ) $(FUZZ_TARGETS:$(FZ)/%=$(FZ)/tests/fuzz/%.o)

fuzz-clean:
	rm -rf $(FZ)

-include $(shell find $(FZ) -name '*.d' 2>/dev/null)
