# SPDX-License-Identifier: GPL-2.0
#
# lib.mk - the kselftest mechanism for a collection of tests, as the
# kernel's tools/testing/selftests/lib.mk offers it to each directory, for
# a tree that is not the kernel's.  The including Makefile sets
#
#   COLLECTION      the collection's name ("scx_reflex")
#   TEST_PROGS      test scripts, run as they are
#   TEST_PROGS_EXTENDED  tests that are installed but not run by run_tests
#                   or listed in kselftest-list.txt: run them by name
#   TEST_GEN_PROGS  tests that are built (into OUTPUT)
#   TEST_FILES      files the tests need (installed, not run)
#   TEST_GEN_FILES  built files the tests need (installed, not run)
#
# and gets the kselftest targets:
#
#   all             build TEST_GEN_PROGS and TEST_GEN_FILES
#   run_tests       run every test with kselftest/runner.sh: KTAP out, one
#                   result per test, the timeout from `settings`
#   install         INSTALL_PATH=DIR: the collection in DIR/COLLECTION,
#                   DIR/kselftest/runner.sh, DIR/run_kselftest.sh and
#                   DIR/kselftest-list.txt, as the kernel's install does
#   emit_tests      the "COLLECTION:TEST" lines of kselftest-list.txt
#   clean

.DEFAULT_GOAL := all
include $(dir $(lastword $(MAKEFILE_LIST)))../Kbuild.mk

OUTPUT := $(objtree)/selftests
selfdir := $(srctree)/selftests

all: $(TEST_GEN_PROGS:%=$(OUTPUT)/%) $(TEST_GEN_FILES:%=$(OUTPUT)/%)

# The tests find the build through OBJTREE (lib.sh).
run_tests: all
	$(Q)OBJTREE=$(objtree) $(selfdir)/kselftest/runner.sh $(selfdir) \
		$(COLLECTION) $(TEST_GEN_PROGS:%=$(OUTPUT)/%) \
		$(TEST_PROGS:%=$(selfdir)/%)

emit_tests:
	@for t in $(TEST_GEN_PROGS) $(TEST_PROGS); do \
		echo "$(COLLECTION):$$t"; \
	done

install: all
	@[ -n "$(INSTALL_PATH)" ] || { echo "selftests: set INSTALL_PATH: make -C selftests install INSTALL_PATH=DIR" >&2; exit 1; }
	@printf '  %-9s %s\n' INSTALL "$(INSTALL_PATH)"
	$(Q)mkdir -p $(INSTALL_PATH)/kselftest $(INSTALL_PATH)/$(COLLECTION)
	$(Q)install -m 0755 $(selfdir)/kselftest/runner.sh $(INSTALL_PATH)/kselftest/
	$(Q)install -m 0755 $(selfdir)/run_kselftest.sh $(INSTALL_PATH)/
	$(Q)cd $(selfdir) && cp --parents -p $(TEST_PROGS) $(TEST_PROGS_EXTENDED) \
		$(TEST_FILES) $(INSTALL_PATH)/$(COLLECTION)/
	$(Q)cd $(OUTPUT) && cp --parents -p $(TEST_GEN_PROGS) $(TEST_GEN_FILES) \
		$(INSTALL_PATH)/$(COLLECTION)/
	$(Q)$(MAKE) -s --no-print-directory emit_tests > $(INSTALL_PATH)/kselftest-list.txt

clean:
	$(Q)rm -f $(TEST_GEN_PROGS:%=$(OUTPUT)/%) $(TEST_GEN_FILES:%=$(OUTPUT)/%)
	$(Q)find $(OUTPUT) \( -name '*.o' -o -name '.*.cmd' -o -name '.*.d' \) \
		-delete 2>/dev/null || true

PHONY += all run_tests emit_tests install clean
