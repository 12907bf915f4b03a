# SPDX-License-Identifier: GPL-2.0
# IVGMP: top-level build. See README for the two commands that matter.
TOP      := $(CURDIR)
KVER     ?= $(shell dpkg-query -W -f='$${Depends}' linux-headers-amd64 2>/dev/null | \
              sed -n 's/.*linux-headers-\([0-9][^ ,]*-amd64\).*/\1/p')
KDIR     ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
              /usr/src/linux-headers-$(KVER))
USERDIRS := lib tools agent vnoc Documentation/man
DEPS     := tools/testing/install-deps.sh
# tools/testing/kbuild.sh adds C=1 (sparse)
IVGMP_KFLAGS ?= W=1

.PHONY: all modules userspace testprogs install install-modules install-userspace clean deps \
        check unit kunit vmcheck demo bench bench-docs fuzz churn $(USERDIRS)

all: modules userspace testprogs

modules:
	$(MAKE) -C $(KDIR) M=$(TOP) $(IVGMP_KFLAGS) modules

userspace: $(USERDIRS)

$(USERDIRS):
	@if [ -f $@/Makefile ]; then $(MAKE) -C $@ all; fi

tools agent vnoc: lib

# Test programs that run in the VM, where nothing can be built.
testprogs:
	$(MAKE) -C tools/testing/nlfuzz all

install: install-modules install-userspace

# Debian's headers have no System.map, so modules_install skips depmod and
# modprobe would not find the module: run it for the headers' kernel.
install-modules: modules
	$(MAKE) -C $(KDIR) M=$(TOP) modules_install
	depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $$(sed -n \
		's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h)

# Programs, units, example configuration and manual pages (PREFIX, DESTDIR
# as usual; the Debian packages use this with PREFIX=/usr).
install-userspace: userspace
	for d in $(USERDIRS); do [ ! -f $$d/Makefile ] || $(MAKE) -C $$d install || exit 1; done

deps:
	bash $(DEPS)

# The whole suite: unit (cmocka), KUnit (UML), VM scenarios (QEMU), host
# integration tests. Ends with one "N passed, M failed" line.
check: deps
	bash tools/testing/check.sh

unit: all
	bash tools/testing/check.sh unit

kunit:
	bash tools/testing/check.sh kunit

vmcheck: all
	bash tools/testing/check.sh vm

demo: deps
	$(MAKE) all
	bash tools/testing/demo.sh

# Results go to a directory outside the tree (tools/testing/bench.sh says
# which); bench-docs copies the last ones into Documentation/ when asked.
bench: deps
	$(MAKE) all
	bash tools/testing/bench.sh

bench-docs:
	bash tools/testing/bench-docs.sh

# Every libFuzzer harness (tests/fuzz/targets) for FUZZ_TIME seconds each,
# then the netlink fuzzer on the debug kernel for NLFUZZ_SECONDS.
FUZZ_TIME ?= 300
NLFUZZ_MESSAGES ?= 20000
NLFUZZ_SECONDS ?= 300
fuzz: deps
	$(MAKE) all
	bash tools/testing/fuzz/run.sh --time $(FUZZ_TIME)
	IVGMP_KERNEL=debug bash tools/testing/vm/run.sh \
		--timeout $$(( $(NLFUZZ_SECONDS) + $(NLFUZZ_MESSAGES) / 10 + 900 )) \
		tests/vm/60-nlfuzz.sh $(NLFUZZ_MESSAGES) $(NLFUZZ_SECONDS)

# Module reload and namespace churn under traffic on the debug kernel.
CHURN_ROUNDS ?= 100
churn: deps
	$(MAKE) all
	IVGMP_KERNEL=debug bash tools/testing/vm/run.sh \
		--timeout $$(( $(CHURN_ROUNDS) * 60 + 900 )) tests/vm/churn.sh $(CHURN_ROUNDS)

clean:
	$(MAKE) -C $(KDIR) M=$(TOP) clean || true
	$(MAKE) -C tools/testing/nlfuzz clean
	$(MAKE) -C tests/fuzz clean
	for d in $(USERDIRS); do [ ! -f $$d/Makefile ] || $(MAKE) -C $$d clean; done
