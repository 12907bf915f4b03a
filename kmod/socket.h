/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tunnel sockets of a namespace (ivgmp_net.sock4 and .sock6).
 */
#ifndef _IVGMP_SOCKET_H
#define _IVGMP_SOCKET_H

struct ivgmp_net;
struct ivgmp_config;

/*
 * Open, rebind or close the tunnel sockets to match @cfg: open on the
 * configured port once a site id is set, closed while it is 0. A failed
 * rebind keeps the old sockets. Caller holds ivgmp_net.lock; may sleep.
 */
int ivgmp_socket_configure(struct ivgmp_net *in,
			   const struct ivgmp_config *cfg);
/* Close the sockets; no receive runs once it returns. */
void ivgmp_socket_net_exit(struct ivgmp_net *in);

#endif /* _IVGMP_SOCKET_H */
