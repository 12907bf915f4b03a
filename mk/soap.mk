# SPDX-License-Identifier: GPL-2.0
# soap.mk - generate the gSOAP code of the VNOC's SOAP interface
# (include/soap/ivgmp-vnoc.h) into the including component's build dir.
#
# For any component that talks to the VNOC (vnoc/ and agent/ include it),
# after mk/common.mk:
#   include ../mk/soap.mk                   # generated files in $(B)/soap
#   prog: ... $(VNOC_SOAP_CLIENT_OBJS)      # soapC.o soapClient.o nsmap.o
#   CFLAGS += $(VNOC_SOAP_INC)  ;  LDLIBS += $(GSOAP_LIBS)
# Generated C is never committed; only the WSDL is (Documentation/ivgmp.wsdl).

VNOC_SOAP_DEF := $(TOP)/include/soap/ivgmp-vnoc.h
VNOC_SOAP_DIR ?= $(abspath $(B)/soap)
SOAPCPP2      ?= soapcpp2
PKG_CONFIG    ?= pkg-config

# libgsoapssl is built with these defines; the generated code must match them.
GSOAP_CFLAGS  := $(shell $(PKG_CONFIG) --cflags gsoapssl)
GSOAP_LIBS    := $(shell $(PKG_CONFIG) --libs gsoapssl) -lssl -lcrypto -lz -lpthread
VNOC_SOAP_INC := $(GSOAP_CFLAGS) -I$(VNOC_SOAP_DIR)
# Generated sources are not ours to fix: build them without -Werror.
VNOC_SOAP_GENCFLAGS := -O2 -g -D_GNU_SOURCE $(VNOC_SOAP_INC) -Wno-all

VNOC_SOAP_STAMP := $(VNOC_SOAP_DIR)/.stamp
VNOC_SOAP_CLIENT_OBJS := $(VNOC_SOAP_DIR)/soapC.o $(VNOC_SOAP_DIR)/soapClient.o \
			 $(VNOC_SOAP_DIR)/nsmap.o
VNOC_SOAP_SERVER_OBJS := $(VNOC_SOAP_DIR)/soapC.o $(VNOC_SOAP_DIR)/soapServer.o \
			 $(VNOC_SOAP_DIR)/nsmap.o

# -c C, -1 SOAP 1.1, -L no sample lib files, -x no sample XML messages.
$(VNOC_SOAP_STAMP): $(VNOC_SOAP_DEF)
	@mkdir -p $(VNOC_SOAP_DIR)
	cd $(VNOC_SOAP_DIR) && $(SOAPCPP2) -c -1 -L -x -d $(VNOC_SOAP_DIR) $(VNOC_SOAP_DEF) >/dev/null 2>&1
	printf '#include "soapH.h"\n#include "ivgmp.nsmap"\n' > $(VNOC_SOAP_DIR)/nsmap.c
	touch $@

$(VNOC_SOAP_DIR)/soapH.h $(VNOC_SOAP_DIR)/soapStub.h $(VNOC_SOAP_DIR)/ivgmp.wsdl \
$(VNOC_SOAP_DIR)/soapC.c $(VNOC_SOAP_DIR)/soapClient.c $(VNOC_SOAP_DIR)/soapServer.c \
$(VNOC_SOAP_DIR)/nsmap.c: $(VNOC_SOAP_STAMP)

$(VNOC_SOAP_DIR)/%.o: $(VNOC_SOAP_DIR)/%.c $(VNOC_SOAP_STAMP)
	$(CC) $(VNOC_SOAP_GENCFLAGS) -c -o $@ $<
