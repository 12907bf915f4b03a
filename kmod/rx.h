/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Receive: validate a tunnel datagram, deliver it on the LANs and relay it.
 */
#ifndef _IVGMP_RX_H
#define _IVGMP_RX_H

struct sock;
struct sk_buff;

/*
 * encap_rcv of the tunnel sockets (socket.c). Runs in softirq under
 * rcu_read_lock(); always consumes @skb and returns 0.
 */
int ivgmp_encap_rcv(struct sock *sk, struct sk_buff *skb);

#endif /* _IVGMP_RX_H */
