# hive - GNU make build. Every source under src/, cli/, tests/, bench/ is
# picked up by wildcard: adding a file needs no edit here.
#
#   make            library (static + shared), hive, hive-conformance, tests
#   make demo       install missing packages, build, run the examples
#   make check      install missing packages, build, fuzz each libFuzzer target
#                   briefly, run every test, then again under ASan+UBSan with
#                   the switch-dispatch interpreter
#   make bench      benchmarks (interpreter / JIT / native / kernel)
#   make fuzz       libFuzzer targets (clang)
#   make clean

BUILD   ?= build
CC      ?= cc
CLANG   ?= clang
V       ?= 0
Q       := $(if $(filter 1,$(V)),,@)

WARN    := -Wall -Wextra -Wshadow -Wundef -Wwrite-strings -Wmissing-prototypes \
           -Wstrict-prototypes -Wno-unused-parameter
ifeq ($(CI),true)
WARN    += -Werror
endif
OPT     ?= -O2 -g
SAN     ?=
CFLAGS  ?=
BASE_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(OPT) $(WARN) $(SAN) -fPIC -fvisibility=hidden \
               -MMD -MP -Iinclude
LIB_CFLAGS  := $(BASE_CFLAGS) -Isrc $(CFLAGS)
# The CLI and plugins see only the public API.
CLI_CFLAGS  := $(BASE_CFLAGS) $(CFLAGS)
TEST_CFLAGS := $(BASE_CFLAGS) -Isrc -Itests $(CFLAGS) \
               -DHIVE_SRC_DIR=\"$(CURDIR)\" -DHIVE_BUILD_DIR=\"$(abspath $(BUILD))\"
LIBS    := $(shell pkg-config --libs libelf zlib capstone 2>/dev/null || echo -lelf -lz) -lpthread -lm

LIB_SRC   := $(sort $(wildcard src/*/*.c))
CLI_SRC   := $(sort $(wildcard cli/*.c))
TEST_SRC  := $(sort $(wildcard tests/*.c tests/unit/*.c))
CONF_SRC  := $(wildcard tools/hive_conformance.c)
BPF_SRC   := $(sort $(wildcard tests/progs/*.bpf.c examples/bpf/*.bpf.c))
EX_SRC    := $(sort $(wildcard examples/host/*.c))

LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ  := $(TEST_SRC:%.c=$(BUILD)/%.o)
CONF_OBJ  := $(CONF_SRC:%.c=$(BUILD)/%.o)
BPF_OBJ   := $(BPF_SRC:%.bpf.c=$(BUILD)/%.bpf.o)
EX_BIN    := $(EX_SRC:examples/host/%.c=$(BUILD)/examples/%)

.PHONY: all lib demo check test test-asan bench fuzz deps clean docs
all: $(BUILD)/libhive.a $(BUILD)/libhive.so $(BUILD)/hive $(if $(CONF_SRC),$(BUILD)/hive-conformance) \
     $(BUILD)/run_tests $(BUILD)/hive.pc $(BPF_OBJ) $(EX_BIN)
lib: $(BUILD)/libhive.a $(BUILD)/libhive.so

$(BUILD)/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LIB_CFLAGS) -c $< -o $@
# The register interpreter needs clang (regcall, musttail); under the
# sanitizers the compiler of the rest builds it (without the engine).
ifeq ($(SAN),)
$(BUILD)/src/vm/rinterp.o: CC := $(CLANG)
endif
$(BUILD)/cli/%.o: cli/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CLI_CFLAGS) -c $< -o $@
$(BUILD)/tools/%.o: tools/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CLI_CFLAGS) -c $< -o $@
$(TEST_OBJ): $(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(TEST_CFLAGS) -c $< -o $@
# BPF programs: the same objects clang builds for the kernel. <linux/*.h>
# need the host's multiarch <asm/*.h>; CO-RE programs include vmlinux.h,
# generated from the running kernel's BTF.
BPF_CFLAGS := -O2 -g -target bpf -D__TARGET_ARCH_x86 -Iinclude -I$(BUILD)/tests/progs \
              -idirafter /usr/include/$(shell $(CC) -dumpmachine 2>/dev/null)
$(BUILD)/%.bpf.o: %.bpf.c | $(BUILD)/tests/progs/vmlinux.h
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
$(BUILD)/tests/progs/vmlinux.h:
	@mkdir -p $(dir $@)
	$(Q)bpftool btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp 2>/dev/null && mv $@.tmp $@ || \
		{ echo '#error "vmlinux.h needs bpftool and /sys/kernel/btf/vmlinux"' > $@; rm -f $@.tmp; }

# Examples embed libhive through its public API only.
$(BUILD)/examples/%: examples/host/%.c $(BUILD)/libhive.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CLI_CFLAGS) -o $@ $< $(BUILD)/libhive.a $(LIBS)

$(BUILD)/libhive.a: $(LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^
$(BUILD)/libhive.so: $(LIB_OBJ) src/libhive.map
	$(Q)$(CC) -shared $(SAN) -Wl,--version-script=src/libhive.map -Wl,-soname,libhive.so.0 \
		-o $@ $(LIB_OBJ) $(LIBS)
$(BUILD)/hive: $(CLI_OBJ) $(BUILD)/libhive.a
	$(Q)$(CC) $(SAN) -o $@ $(CLI_OBJ) $(BUILD)/libhive.a $(LIBS)
$(BUILD)/hive-conformance: $(CONF_OBJ) $(BUILD)/libhive.a
	$(Q)$(CC) $(SAN) -o $@ $(CONF_OBJ) $(BUILD)/libhive.a $(LIBS)
$(BUILD)/run_tests: $(TEST_OBJ) $(BUILD)/libhive.a
	$(Q)$(CC) $(SAN) -o $@ $(TEST_OBJ) $(BUILD)/libhive.a $(LIBS)
$(BUILD)/hive.pc: Makefile
	@mkdir -p $(BUILD)
	@printf 'prefix=%s\nincludedir=%s\nlibdir=%s\n\nName: hive\nDescription: eBPF in user space\nVersion: 0.1.0\nCflags: -I$${includedir}\nLibs: -L$${libdir} -lhive\nLibs.private: %s\n' \
		"$(CURDIR)" "$(CURDIR)/include" "$(abspath $(BUILD))" "$(LIBS)" > $@

deps:
	$(Q)scripts/deps.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/demo.sh $(BUILD)

# A short run of every libFuzzer target (object opening on the seed
# corpus of real objects, interpreter against JIT, verifier safety), the
# suite, then the suite again under ASan+UBSan with the switch-based
# interpreter (so both dispatch builds are tested).
CHECK_FUZZ_TIME ?= 20
check: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory fuzz FUZZ_TIME=$(CHECK_FUZZ_TIME)
	$(Q)$(MAKE) --no-print-directory test
	$(Q)$(MAKE) --no-print-directory test-asan

test: all
	$(Q)$(BUILD)/run_tests

test-asan:
	$(Q)$(MAKE) --no-print-directory BUILD=build/asan OPT="-O1 -g" \
		SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
		CFLAGS="-DHIVE_INTERP_SWITCH" all
	$(Q)ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		HIVE_TEST_TIMEOUT=$${HIVE_TEST_TIMEOUT:-300} build/asan/run_tests

bench: all
	$(Q)$(MAKE) --no-print-directory -C bench BUILD=$(abspath $(BUILD))

# libFuzzer targets: each tests/fuzz/fuzz_*.c linked with libhive compiled
# by clang with coverage and ASan+UBSan, then run for FUZZ_TIME seconds.
FUZZ_TIME  ?= 60
FUZZ_SRC   := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN   := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_FLAGS := -std=gnu11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -Iinclude -Isrc -Itests \
              -fsanitize=fuzzer-no-link,address,undefined
$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) $(FUZZ_FLAGS) -MMD -MP -c $< -o $@
$(FUZZ_BIN): $(BUILD)/fuzz/%: $(BUILD)/fuzz/obj/tests/fuzz/%.o $(LIB_SRC:%.c=$(BUILD)/fuzz/obj/%.o)
	$(Q)$(CLANG) -fsanitize=fuzzer,address,undefined -o $@ $^ $(LIBS)
fuzz: $(FUZZ_BIN) $(BPF_OBJ)
	$(Q)mkdir -p $(BUILD)/fuzz/corpus/fuzz_object && cp $(BPF_OBJ) $(BUILD)/fuzz/corpus/fuzz_object/
	$(Q)for f in $(FUZZ_BIN); do mkdir -p $(BUILD)/fuzz/corpus/$$(basename $$f) && \
		$$f -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
		$(BUILD)/fuzz/corpus/$$(basename $$f) || exit 1; done

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
