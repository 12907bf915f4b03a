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
LIBIVGMP := $(TOP)/lib/libivgmp.a
PKG_CONFIG ?= pkg-config
IVGMP_VERSION := $(shell cat $(TOP)/VERSION)
