# SPDX-License-Identifier: GPL-2.0
# tcpinc - top-level entry points. `make help` lists them.
#
# The module is built against the headers that linux-headers-amd64 installs
# (scripts/kver.sh), not against the running kernel: the module runs inside
# QEMU guests booting Debian 12's stock kernel.

# KVER is resolved when a recipe expands it, never when make starts: `make
# check` and `make demo` run setup (which installs the headers) inside their
# recipe, and a value computed before that would be empty. An empty KVER
# from the environment or the command line counts as unset. KVER is not
# exported: an exported value is computed when the first recipe starts (for
# `make check`, before setup) and every sub-make would keep it.
# A KVER set by the user is passed on. tests/make/kver.sh proves all this.
ifeq ($(strip $(KVER)),)
override KVER = $(shell scripts/kver.sh 2>/dev/null)
unexport KVER
else
export KVER
endif
KDIR ?= /lib/modules/$(KVER)/build
# The version of the module, the DKMS source tree and the Debian packages:
# written once, as the module's MODULE_VERSION.
VERSION := $(shell sed -n 's/^MODULE_VERSION("\([^"]*\)");/\1/p' net/tcpinc/tcpinc_main.c)
FUZZ_SECONDS ?= 60

.PHONY: all help setup module gate tools unit coverage fuzz bench bench-vm vm check demo clean install \
	install-module install-tools install-dkms deb

all: module gate tools

# Userspace helpers the VM scenarios run (the mini guest has no Python).
TOOLS := build/tools/tcpinc-stream build/tools/tcpinc-synflood build/tools/tcpinc-auth \
	build/tools/libtcpinc-preload.so build/tools/tcpinc-run build/tools/tcpinc
tools: $(TOOLS)
# CPPFLAGS/CFLAGS/LDFLAGS from the environment come last: a Debian package
# build (make deb) passes its hardening flags through them.
TOOL_FLAGS = $(CPPFLAGS) $(CFLAGS) $(LDFLAGS)
# tcpinc(8): sessions, counters, cache and sysctls over the "tcpinc" genl family.
build/tools/tcpinc: tools/tcpinc.c tools/tcpinc_tool.h include/uapi/linux/tcpinc.h
	@mkdir -p $(@D)
	$(CC) -O2 -Wall -Wextra -Werror -o $@ $< $(TOOL_FLAGS)
# tcpinc-run and its LD_PRELOAD library (they find each other side by side).
build/tools/libtcpinc-preload.so: tools/tcpinc_preload.c include/uapi/linux/tcpinc.h
	@mkdir -p $(@D)
	$(CC) -O2 -Wall -Wextra -Werror -fPIC -shared -fvisibility=hidden -o $@ $< $(TOOL_FLAGS) -ldl
build/tools/tcpinc-run: tools/tcpinc-run
	@mkdir -p $(@D)
	install -m 0755 $< $@
build/tools/tcpinc-stream: tools/tcpinc_stream.c tools/tcpinc_tool.h include/uapi/linux/tcpinc.h
	@mkdir -p $(@D)
	$(CC) -O2 -Wall -Wextra -Werror -o $@ $< $(TOOL_FLAGS)
# The session-ID authentication example (HMAC-SHA256 from libcrypto).
build/tools/tcpinc-auth: tools/tcpinc_auth.c tools/tcpinc_tool.h include/uapi/linux/tcpinc.h
	@mkdir -p $(@D)
	$(CC) -O2 -Wall -Wextra -Werror -o $@ $< $(TOOL_FLAGS) -lcrypto
build/tools/tcpinc-synflood: tools/tcpinc_synflood.c
	@mkdir -p $(@D)
	$(CC) -O2 -Wall -Wextra -Werror -o $@ $< $(TOOL_FLAGS)

help:
	@echo "make setup     install packages, extract the stock kernel image (idempotent)"
	@echo "make           build tcpinc.ko and run the core-object gate"
	@echo "make demo      boot a guest, connect two namespaces through the module"
	@echo "make check     everything below, ending in 'N passed, N failed'"
	@echo "make unit      userspace GoogleTest suites (ASan+UBSan)"
	@echo "make coverage  line coverage of the C++ core (gcovr)"
	@echo "make fuzz      libFuzzer targets, FUZZ_SECONDS each (default 60)"
	@echo "make bench     userspace benchmarks (printed, never asserted)"
	@echo "make bench-vm  in-guest benchmarks: plain TCP with the module loaded vs not"
	@echo "               (BENCHES='tcpcrypt-vs-ktls resume-rate conn-cost conn-profile conn-trace"
	@echo "               conn-memory tep-rate'); ICOUNT=1: the guest clock counts instructions"
	@echo "               (1 ns = 1 instruction), figures that do not move with the host's load"
	@echo "               (conn-cost, conn-trace, conn-profile)"
	@echo "make vm        VM scenarios only (SCENARIOS='a b' to pick)"
	@echo "make kunit     KUnit suites on the debug kernel (KASAN, lockdep, kmemleak, UBSAN)"
	@echo "make debug-vm  VM scenarios on the debug kernel + kmemleak scan (SCENARIOS='a b')"
	@echo "make install   module to /lib/modules/KVER/updates (then depmod), tcpinc, tcpinc-run and its"
	@echo "               library, tcpinc-auth, the uapi header, the man pages"
	@echo "               (DESTDIR=dir to stage it; depmod is then left to the target;"
	@echo "               install-module / install-tools: one half)"
	@echo "make install-dkms  the module's sources and dkms.conf to /usr/src/tcpinc-VERSION"
	@echo "make deb       Debian packages tcpinc-dkms and tcpinc-tools in build/deb/"
	@echo "make selftest-module  build/selftest-module/tcpinc_selftest.ko (crypto provider + core self test, VM scenario crypto-glue)"

setup:
	bash scripts/setup.sh

module:
	@test -n "$(KVER)" || { echo "no kernel headers: run 'make setup'"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

gate: module
	bash scripts/check-core-objects.sh

unit:
	$(MAKE) -C tests/unit

coverage:
	bash scripts/coverage.sh

fuzz:
	$(MAKE) -C tests/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

bench:
	$(MAKE) -C tests/bench run

bench-vm: all
	TCPINC_VM_ICOUNT=$(if $(filter 1,$(ICOUNT)),1,0) /usr/bin/python3 tests/vm/run.py --scenario-dir tests/vm/bench $(or $(BENCHES),plain-throughput)
	@grep -h '^BENCH' build/vm/logs/$$(ls -t build/vm/logs | head -1)/out/*.log || true

vm: all
	/usr/bin/python3 tests/vm/run.py $(SCENARIOS)

.PHONY: kunit debug-vm
kunit:
	bash scripts/kunit.sh

debug-vm:
	bash scripts/kunit.sh --vm $(SCENARIOS)

.PHONY: selftest-module
selftest-module:
	bash tests/selftest-module/build.sh

check:
	bash scripts/check.sh

# Like any out-of-tree module: updates/ outranks the distribution's own
# modules in depmod's search order, and modprobe finds it by name (and by
# its alias tcp-ulp-tcpcrypt, so setsockopt(TCP_ULP) loads it). With DESTDIR
# (staging, packaging) depmod is left to the target, as Debian's packages
# leave it to their postinst.
install: install-module install-tools
	$(if $(DESTDIR),@echo "install: staged in $(DESTDIR); run 'depmod $(KVER)' on the target",depmod $(KVER))

install-module: module
	install -D -m 0644 tcpinc.ko $(DESTDIR)/lib/modules/$(KVER)/updates/tcpinc.ko

# The userspace part of `make install`: what the tcpinc-tools package holds
# (scripts/packaging/debian/rules installs it with this target).
install-tools: tools
	install -D -m 0755 build/tools/tcpinc-run $(DESTDIR)/usr/bin/tcpinc-run
	install -D -m 0644 build/tools/libtcpinc-preload.so $(DESTDIR)/usr/lib/tcpinc/libtcpinc-preload.so
	install -D -m 0755 build/tools/tcpinc-auth $(DESTDIR)/usr/bin/tcpinc-auth
	install -D -m 0755 build/tools/tcpinc $(DESTDIR)/usr/sbin/tcpinc
	install -D -m 0644 include/uapi/linux/tcpinc.h $(DESTDIR)/usr/include/linux/tcpinc.h
	for p in Documentation/man/*.[0-9]; do \
		d=$(DESTDIR)/usr/share/man/man$${p##*.}; install -d $$d && \
		gzip -9n <$$p >$$d/$$(basename $$p).gz || exit 1; \
	done

# The module's sources as DKMS wants them: /usr/src/tcpinc-VERSION with a
# dkms.conf whose build is `make module` (this Makefile and Kbuild, C++ core
# included). Then `dkms install tcpinc/VERSION`. Only sources are copied
# (a built tree holds .o/.cmd files next to them). The Debian package
# tcpinc-dkms installs the same tree (dh_dkms writes the same dkms.conf).
DKMS_DIR = $(DESTDIR)/usr/src/tcpinc-$(VERSION)
DKMS_SOURCES = Kbuild Makefile scripts/kver.sh $(sort $(shell find net include crypto-glue \
	-type f \( -name '*.c' -o -name '*.cc' -o -name '*.h' \)))
install-dkms:
	@test -n "$(VERSION)" || { echo "no MODULE_VERSION in net/tcpinc/tcpinc_main.c"; exit 1; }
	install -d $(DKMS_DIR)
	@echo "install-dkms: $(words $(DKMS_SOURCES)) source files to $(DKMS_DIR)"
	@tar -cf - --owner=0 --group=0 --mode=u+w,go-w $(DKMS_SOURCES) | tar -xf - -C $(DKMS_DIR)
	sed 's/#MODULE_VERSION#/$(VERSION)/' scripts/packaging/dkms.conf >$(DKMS_DIR)/dkms.conf

# Debian packages tcpinc-dkms and tcpinc-tools, built with Debian's own
# tooling (debhelper, dh-dkms) in build/deb/: scripts/packaging/deb.sh.
deb:
	bash scripts/packaging/deb.sh

demo:
	bash scripts/demo.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf build
