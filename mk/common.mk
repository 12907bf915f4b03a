# SPDX-License-Identifier: GPL-2.0
# Shared by every userspace Makefile: included as ../mk/common.mk.
TOP      ?= $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
CC       ?= cc
PREFIX   ?= /usr/local
SBINDIR  ?= $(PREFIX)/sbin
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
DOCDIR   ?= $(PREFIX)/share/doc/ivgmp
# systemd units: /lib/systemd/system for /usr (Debian 12), else under PREFIX
SYSTEMDUNITDIR ?= $(if $(filter /usr,$(PREFIX)),/lib,$(PREFIX)/lib)/systemd/system
DESTDIR  ?=
WARN     := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-unused-parameter
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_GNU_SOURCE $(WARN) -I$(TOP)/include -I$(TOP)/lib
# Build outputs: the objects, archives, generated code, test programs and
# fuzzers of the component in directory D go to build/D (build/lib,
# build/tools/ivgmptool, build/agent, build/vnoc, ...). B names that
# directory relative to D, so `make -C D $B/unit/test_x` works. Only the
# programs a user runs are linked next to their sources.
BUILD     := $(TOP)/build
COMPONENT := $(patsubst $(TOP)/%,%,$(abspath $(CURDIR)))
_empty    :=
B         := $(subst $(_empty) ,,$(foreach d,$(subst /, ,$(COMPONENT)),../))build/$(COMPONENT)
LIBIVGMP  := $(BUILD)/lib/libivgmp.a
# One test program of check-unit: make -C D check-unit T=test_name
T         ?=
PKG_CONFIG ?= pkg-config
IVGMP_VERSION := $(shell cat $(TOP)/VERSION)
