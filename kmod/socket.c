// SPDX-License-Identifier: GPL-2.0
/*
 * The tunnel sockets: one UDP port, an IPv4 and an IPv6 socket, opened once
 * the namespace has a site id, rebound when the port changes, released at
 * namespace exit. What they receive goes to rx.c; xmit.c sends through
 * them.
 */

#include <linux/in6.h>
#include <linux/net.h>
#include <net/inet_sock.h>
#include <net/udp_tunnel.h>

#include "ivgmp.h"
#include "rx.h"
#include "socket.h"

static int ivgmp_socket_open(struct ivgmp_net *in, u8 family, u16 port,
			     struct socket **sockp)
{
	struct udp_tunnel_sock_cfg tcfg = {
		.sk_user_data = in,
		.encap_type = 1,
		.encap_rcv = ivgmp_encap_rcv,
	};
	struct udp_port_cfg ucfg = {
		.family = family,
		.local_udp_port = htons(port),
	};
	struct socket *sock;
	int err;

	if (family == AF_INET6) {
		ucfg.local_ip6 = in6addr_any;
		/* The IPv4 socket owns the port for IPv4. */
		ucfg.ipv6_v6only = 1;
	} else {
		ucfg.local_ip.s_addr = htonl(INADDR_ANY);
	}
	err = udp_sock_create(in->net, &ucfg, &sock);
	if (err)
		return err;
	setup_udp_tunnel_sock(in->net, sock, &tcfg);
	*sockp = sock;
	return 0;
}

static u16 ivgmp_socket_bound_port(struct ivgmp_net *in)
{
	struct socket *sock;

	sock = rcu_dereference_protected(in->sock4, lockdep_is_held(&in->lock));
	if (!sock)
		sock = rcu_dereference_protected(in->sock6,
						 lockdep_is_held(&in->lock));
	return sock ? ntohs(inet_sk(sock->sk)->inet_sport) : 0;
}

/* Swap in @s4/@s6 (may be NULL) and release the old sockets. */
static void ivgmp_socket_swap(struct ivgmp_net *in, struct socket *s4,
			      struct socket *s6)
{
	struct socket *old4, *old6;
	struct ivgmp_site *site;

	old4 = rcu_replace_pointer(in->sock4, s4, lockdep_is_held(&in->lock));
	old6 = rcu_replace_pointer(in->sock6, s6, lockdep_is_held(&in->lock));
	/* Each release waits for a grace period: no sender or receiver is
	 * still using the old socket afterwards.
	 */
	if (old4)
		udp_tunnel_sock_release(old4);
	if (old6)
		udp_tunnel_sock_release(old6);
	/* Cached routes were looked up with the old source port. */
	list_for_each_entry(site, &in->table.sites, list)
		dst_cache_reset(&site->dst_cache);
}

int ivgmp_socket_configure(struct ivgmp_net *in,
			   const struct ivgmp_config *cfg)
{
	struct socket *s4 = NULL, *s6 = NULL;
	u16 want = cfg->site_id ? cfg->port : 0;
	int err;

	lockdep_assert_held(&in->lock);
	if (want == ivgmp_socket_bound_port(in))
		return 0;
	if (want) {
		err = ivgmp_socket_open(in, AF_INET, want, &s4);
		if (err)
			return err;
		err = ivgmp_socket_open(in, AF_INET6, want, &s6);
		/* A kernel booted with ipv6.disable=1 still gets IPv4. */
		if (err && err != -EAFNOSUPPORT) {
			udp_tunnel_sock_release(s4);
			return err;
		}
	}
	ivgmp_socket_swap(in, s4, s6);
	return 0;
}

void ivgmp_socket_net_exit(struct ivgmp_net *in)
{
	mutex_lock(&in->lock);
	ivgmp_socket_swap(in, NULL, NULL);
	mutex_unlock(&in->lock);
}
