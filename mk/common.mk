# Shared by every userspace Makefile: included as ../mk/common.mk.
TOP      ?= $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
CC       ?= cc
PREFIX   ?= /usr/local
SBINDIR  ?= $(PREFIX)/sbin
BINDIR   ?= $(PREFIX)/bin
DESTDIR  ?=
WARN     := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-unused-parameter
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_GNU_SOURCE $(WARN) -I$(TOP)/include -I$(TOP)/lib
LIBIVGMP := $(TOP)/lib/libivgmp.a
PKG_CONFIG ?= pkg-config
