// SPDX-License-Identifier: GPL-2.0
/*
 * paperd - the paper's own design (its section 4), as the baseline of goal
 * P4 in `make bench`: "a multicast packet coming from an active source in
 * the local site is first intercepted by the BPF packet filter running in
 * the edge device and sent to the IVGMP daemon ... a copy of the packet is
 * encapsulated in a unicast UDP/IP datagram for each remote site".
 *
 *   paperd IFNAME GROUP PORT SITE-ADDRESS...
 *
 * An AF_PACKET socket on IFNAME with a classic BPF filter (IPv4, UDP, to
 * GROUP) hands each packet to this one-threaded loop, which sends it to
 * every site with one sendto() each, from and to UDP port PORT, behind the
 * 12-byte IVGMP header (Documentation/wire-format.md). The bench has no
 * IPsec, as for the kernel variants. Prints "ready" once capturing; runs
 * until SIGINT or SIGTERM, then prints the packets captured and copies
 * sent.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <uapi/linux/ivgmp.h>

#define MAX_SITES	1024
#define BUF_LEN		(IVGMP_HDR_LEN + 65536)

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

/* IPv4, protocol UDP, destination group: the whole packet, else nothing
 * (offsets from the network header: the socket is SOCK_DGRAM). */
static int attach_filter(int fd, uint32_t group)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
		BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 4, 0, 5),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 16),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ntohl(group), 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = {
		.len = sizeof(code) / sizeof(code[0]), .filter = code,
	};

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
			  sizeof(prog));
}

int main(int argc, char **argv)
{
	static struct sockaddr_in sites[MAX_SITES];
	static unsigned char buf[BUF_LEN];
	struct ivgmp_hdr *h = (struct ivgmp_hdr *)buf;
	unsigned long long captured = 0, sent = 0, failed = 0;
	struct sockaddr_in local = { .sin_family = AF_INET };
	struct sockaddr_ll ll = { .sll_family = AF_PACKET };
	struct sigaction sa = { .sa_handler = on_signal };
	struct in_addr group;
	int cap, tx, nsites, i;
	unsigned long port;
	char *end;

	if (argc < 5) {
		fprintf(stderr, "usage: paperd IFNAME GROUP PORT SITE-ADDRESS...\n");
		return 2;
	}
	nsites = argc - 4;
	port = strtoul(argv[3], &end, 10);
	if (inet_pton(AF_INET, argv[2], &group) != 1 || *end || !port ||
	    port > 65535 || nsites > MAX_SITES) {
		fprintf(stderr, "paperd: bad group, port or too many sites\n");
		return 2;
	}
	for (i = 0; i < nsites; i++) {
		sites[i].sin_family = AF_INET;
		sites[i].sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, argv[4 + i], &sites[i].sin_addr) != 1) {
			fprintf(stderr, "paperd: bad site address '%s'\n",
				argv[4 + i]);
			return 2;
		}
	}

	ll.sll_protocol = htons(ETH_P_IP);
	ll.sll_ifindex = (int)if_nametoindex(argv[1]);
	if (!ll.sll_ifindex) {
		fprintf(stderr, "paperd: no interface %s\n", argv[1]);
		return 1;
	}
	cap = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	if (cap < 0 || attach_filter(cap, group.s_addr) ||
	    bind(cap, (struct sockaddr *)&ll, sizeof(ll))) {
		perror("paperd: capture socket");
		return 1;
	}
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	local.sin_port = htons((uint16_t)port);
	if (tx < 0 || bind(tx, (struct sockaddr *)&local, sizeof(local))) {
		perror("paperd: tunnel socket");
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	memset(h, 0, sizeof(*h));
	h->ver_flags = IVGMP_WIRE_VERSION << 4;
	h->hops = 8;
	h->vpn = htonl(1);
	h->origin = htonl(1);
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		ssize_t n = recv(cap, buf + IVGMP_HDR_LEN,
				 BUF_LEN - IVGMP_HDR_LEN, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("paperd: recv");
			return 1;
		}
		captured++;
		for (i = 0; i < nsites; i++) {
			if (sendto(tx, buf, (size_t)n + IVGMP_HDR_LEN, 0,
				   (struct sockaddr *)&sites[i],
				   sizeof(sites[i])) < 0)
				failed++;
			else
				sent++;
		}
	}
	printf("captured %llu sent %llu failed %llu\n", captured, sent, failed);
	return 0;
}
