/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The transmit hook: multicast from local senders on the LAN interfaces.
 */
#ifndef _IVGMP_TX_H
#define _IVGMP_TX_H

struct ivgmp_net;

int ivgmp_tx_net_init(struct ivgmp_net *in);
void ivgmp_tx_net_exit(struct ivgmp_net *in);

#endif /* _IVGMP_TX_H */
