/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ivgmp-vnoc.h - the IVGMP VNOC SOAP service, as a soapcpp2 definition: the
 * VNOC's interface, as include/uapi/linux/ivgmp.h is the kernel's. It is
 * soapcpp2 input, not a C header; mk/soap.mk generates C from it.
 *
 * This file is the contract between ivgmp-vnoc and every client (ivgmp-agent,
 * ivgmp-vnocctl, any SOAP toolkit through the WSDL that soapcpp2 generates
 * from it, committed as Documentation/ivgmp.wsdl).  It is versioned through the
 * namespace: an incompatible change gets urn:ivgmp:vnoc:2, never an edit in
 * place.  Additive changes (new optional elements, new operations) keep :1.
 *
 * SOAP 1.1, document/literal.  Generate with: soapcpp2 -c -1 -L -x ivgmp-vnoc.h
 *
 * Identity: the caller is the site whose name equals the CN of the client
 * certificate presented in the mutual TLS handshake.  No request names the
 * calling site; a request that tries to act for another site (reporting usage
 * for a route that is not in the caller's view, an admin operation from a site
 * certificate) is refused with a SOAP Fault.  Admin operations need a
 * certificate whose CN is listed as admin in the VNOC configuration.
 *
 * Errors: every refusal is a SOAP 1.1 Fault: faultcode SOAP-ENV:Client (the
 * request is wrong or not allowed: do not retry it unchanged),
 * SOAP-ENV:Server (the VNOC failed: retry later) or SOAP-ENV:VersionMismatch
 * (not a SOAP 1.1 envelope); a faultstring for people; and, for programs, a
 * vnoc:FaultDetail in <detail> whose code says what went wrong (see
 * vnoc__FaultCode below).  A policy denial of a join is NOT a fault: it is a
 * normal JoinGroupResponse with result "denied" and a reason.
 *
 * Requests are parsed strictly: UTF-8 only, no NUL or other character XML 1.0
 * forbids (also not as &#...; references), no DOCTYPE, no processing
 * instruction but the XML declaration, a SOAP 1.1 envelope whose Body holds
 * exactly one operation, only the elements of that operation, a
 * Content-Length or chunked body.  Anything else is refused with code
 * "malformed" at once, and the connection is closed.
 *
 * Addresses (group, source, prefix, WAN address) are textual IPv4 or IPv6
 * addresses as accepted by inet_pton(3); prefixes are "address/length".
 * Site ids, VPN ids and origin ids are the 32-bit ids the kernel route table
 * uses (include/uapi/linux/ivgmp.h).  Times are seconds since the Unix epoch.
 */

//gsoap vnoc service name:		ivgmp
//gsoap vnoc service type:		ivgmpPortType
//gsoap vnoc service port:		https://localhost:8443/
//gsoap vnoc service namespace:	urn:ivgmp:vnoc:1
//gsoap vnoc service transport:	http://schemas.xmlsoap.org/soap/http
//gsoap vnoc service style:		document
//gsoap vnoc service encoding:	literal
//gsoap vnoc schema namespace:	urn:ivgmp:vnoc:1
//gsoap vnoc schema form:		unqualified

typedef char *xsd__string;
typedef uint32_t xsd__unsignedInt;
typedef uint16_t xsd__unsignedShort;
typedef uint64_t xsd__unsignedLong;
typedef int64_t xsd__long;
enum xsd__boolean { false_, true_ };

/* Role of a site in a group.  A sender originates traffic for the group from
 * its LAN; a receiver wants the group delivered onto its LAN. */
enum vnoc__Role { vnoc__Role__sender, vnoc__Role__receiver };

enum vnoc__JoinResult { vnoc__JoinResult__accepted, vnoc__JoinResult__denied };

/* Distribution topology of a group (paper sec. 3.3):
 *   star      - the origin sends one copy to every receiving site;
 *   reflector - the origin sends to an accredited reflector, which sends to
 *               the receivers (several reflectors when one's fan-out is full);
 *   tree      - accredited relays form a tree of bounded fan-out and depth. */
enum vnoc__Mode { vnoc__Mode__star, vnoc__Mode__reflector, vnoc__Mode__tree };

enum vnoc__Action { vnoc__Action__permit, vnoc__Action__deny };

enum vnoc__Format { vnoc__Format__csv, vnoc__Format__json };

/* A peer: a site this site sends to or receives from.  key is the opaque
 * IPsec key material (e.g. a public key) the administrator set for it. */
struct vnoc__Peer {
	xsd__unsignedInt id 1;
	xsd__string name 1;
	xsd__string address 1;		/* WAN address, IPv4 or IPv6 */
	xsd__unsignedShort port 1;	/* tunnel UDP port */
	xsd__string key 0;
};

/* One entry of the site's forwarding table; maps 1:1 onto a kernel route:
 * key (vpn, group, [source], origin) -> deliverLocal + next-hop site ids.
 * origin == the site itself: the route for local senders.  Otherwise: traffic
 * arriving through a tunnel from origin (directly or via a relay); deliver it
 * on the LAN if deliverLocal, and relay it to each nexthop.  source is present
 * only for source-specific (SSM) routes. */
struct vnoc__Route {
	xsd__unsignedInt vpn 1;
	xsd__string group 1;
	xsd__string source 0;
	xsd__unsignedInt origin 1;
	enum xsd__boolean deliverLocal 1;
	int __sizenexthop 0;
	xsd__unsignedInt *nexthop 0;
};

/* Usage counters of one next hop of a route, since the previous report. */
struct vnoc__NexthopUsage {
	xsd__unsignedInt site 1;
	xsd__unsignedLong packets 1;
	xsd__unsignedLong bytes 1;
};

/* Usage counters of one route (packets handled by the route: sent by local
 * senders when origin is the reporting site, else received), since the
 * previous report, plus its per-next-hop counters. */
struct vnoc__RouteUsage {
	xsd__unsignedInt vpn 1;
	xsd__string group 1;
	xsd__string source 0;
	xsd__unsignedInt origin 1;
	xsd__unsignedLong packets 1;
	xsd__unsignedLong bytes 1;
	int __sizenexthop 0;
	struct vnoc__NexthopUsage *nexthop 0;
};

struct vnoc__Site {
	xsd__unsignedInt id 1;
	xsd__string name 1;		/* = CN of the site's client certificate */
	xsd__string address 1;
	xsd__unsignedShort port 1;
	xsd__string key 0;
	enum xsd__boolean relay 0;	/* accredited as tree relay (output) */
	enum xsd__boolean reflector 0;	/* accredited as reflector (output) */
	xsd__unsignedInt fanout 0;	/* max next hops when relaying (output) */
	xsd__unsignedLong viewVersion 0;	/* output */
};

struct vnoc__Policy {
	xsd__unsignedInt id 1;
	xsd__unsignedInt vpn 1;
	xsd__string prefix 1;		/* group prefix, e.g. 239.1.0.0/16, ff3e::/16 */
	xsd__unsignedInt *site 0;	/* absent: every site */
	enum xsd__boolean send 1;	/* rule applies to the sender role */
	enum xsd__boolean receive 1;	/* rule applies to the receiver role */
	enum vnoc__Action action 1;
};

struct vnoc__Member {
	xsd__unsignedInt site 1;
	enum vnoc__Role role 1;
	int __sizesource 0;
	xsd__string *source 0;
};

struct vnoc__Group {
	xsd__unsignedInt vpn 1;
	xsd__string group 1;
	enum vnoc__Mode mode 1;
	int __sizemember 0;
	struct vnoc__Member *member 0;
};

struct vnoc__TopologyRule {
	xsd__unsignedInt vpn 1;
	xsd__string group 0;		/* absent: the VPN's default */
	enum vnoc__Mode mode 1;
};

struct vnoc__AuditEntry {
	xsd__unsignedLong id 1;
	xsd__long time 1;
	xsd__string actor 1;		/* certificate CN of the caller */
	xsd__string action 1;		/* join, leave, deny, site-add, ... */
	xsd__string detail 1;
};

/* ---------------------------------------------------------------------------
 * Site operations
 * ------------------------------------------------------------------------- */

struct vnoc__JoinGroupResponse {
	enum vnoc__JoinResult result 1;
	xsd__string reason 0;		/* set when denied */
	xsd__unsignedLong version 1;	/* the caller's view version after the join */
};

/// JoinGroup: the paper's JOIN_VPN(G).  The caller asks to send to or receive
/// group in vpn.  The VNOC checks policy (deny by default) and, if accepted,
/// records the membership and recomputes the group's topology; the sites whose
/// view changed are woken.  Idempotent: a repeated join with the same
/// arguments is accepted again and changes nothing; a join with a different
/// source list replaces the previous list.  source: for a receiver, the SSM
/// include list (absent = any source); for a sender, the local source
/// addresses it sends from (absent = unspecified).  Every source must be of
/// the group's address family.
int vnoc__JoinGroup(
	xsd__unsignedInt vpn 1,
	xsd__string group 1,
	enum vnoc__Role role 1,
	int __sizesource 0,
	xsd__string *source 0,
	struct vnoc__JoinGroupResponse *response);

struct vnoc__LeaveGroupResponse {
	enum xsd__boolean wasMember 1;
	xsd__unsignedLong version 1;
};

/// LeaveGroup: withdraws the caller's membership in (vpn, group) for role.
/// Idempotent: leaving a group one is not in succeeds with wasMember false.
int vnoc__LeaveGroup(
	xsd__unsignedInt vpn 1,
	xsd__string group 1,
	enum vnoc__Role role 1,
	struct vnoc__LeaveGroupResponse *response);

struct vnoc__GetStateResponse {
	xsd__unsignedLong version 1;	/* caller's view version; pass as sinceVersion */
	xsd__unsignedInt site 1;	/* caller's own site id */
	enum xsd__boolean changed 1;	/* version > sinceVersion */
	int __sizepeer 0;
	struct vnoc__Peer *peer 0;
	int __sizeroute 0;
	struct vnoc__Route *route 0;
	xsd__unsignedShort port 0;	/* caller's own tunnel UDP port */
};

/// GetState: long poll for the caller's view.  If the view version is greater
/// than sinceVersion it returns at once; otherwise it waits up to waitSeconds
/// (capped by the server's long-poll limit) for the view to change, and then
/// returns the (possibly unchanged) view.  The view is always complete: the
/// peers this site exchanges traffic with and all its routes; the client
/// replaces its table with it.  sinceVersion 0 returns at once.  Versions only
/// grow, also across VNOC restarts.
int vnoc__GetState(
	xsd__unsignedLong sinceVersion 1,
	xsd__unsignedInt waitSeconds 1,
	struct vnoc__GetStateResponse *response);

struct vnoc__ReportUsageResponse {
	enum xsd__boolean duplicate 1;	/* seq already counted: nothing added */
	xsd__unsignedLong lastSeq 1;
};

/// ReportUsage: the caller's counters since its previous report.  seq is the
/// caller's report sequence number, strictly increasing (it survives agent
/// restarts only if the agent stores it; the VNOC stores the last seq per
/// site).  A report whose seq is not greater than the last counted one is a
/// retry: it is acknowledged with duplicate=true and not counted again; so is
/// seq 0, which is never counted and asks for lastSeq only.  Every route must be in the caller's view, now or within the last 15
/// minutes (counters read just before a change still count), and every next
/// hop a next hop of that route then; else the whole report is refused with a
/// Fault and nothing is counted.
int vnoc__ReportUsage(
	xsd__unsignedLong seq 1,
	int __sizeroute 0,
	struct vnoc__RouteUsage *route 0,
	struct vnoc__ReportUsageResponse *response);

/* ---------------------------------------------------------------------------
 * Admin operations (admin certificate only).  Every change is committed to
 * the database before the reply and recorded in the audit log.
 * ------------------------------------------------------------------------- */

struct vnoc__SiteAddResponse { xsd__unsignedLong version 1; };

/// SiteAdd: adds a site.  id must be non-zero and unused, name (the CN of its
/// certificate) unique.
int vnoc__SiteAdd(struct vnoc__Site *site 1, struct vnoc__SiteAddResponse *response);

struct vnoc__SiteUpdateResponse { xsd__unsignedLong version 1; };

/// SiteUpdate: replaces name, address, port and key of site id (the
/// accreditation fields are ignored: see RelaySet).
int vnoc__SiteUpdate(struct vnoc__Site *site 1, struct vnoc__SiteUpdateResponse *response);

struct vnoc__SiteRemoveResponse { xsd__unsignedLong version 1; };

/// SiteRemove: removes the site, its memberships and its site-specific
/// policies; its usage records are kept for billing.
int vnoc__SiteRemove(xsd__unsignedInt id 1, struct vnoc__SiteRemoveResponse *response);

struct vnoc__SiteListResponse {
	int __sizesite 0;
	struct vnoc__Site *site 0;
};

/// SiteList: every site.
int vnoc__SiteList(struct vnoc__SiteListResponse *response);

struct vnoc__PolicyAddResponse { xsd__unsignedInt id 1; };

/// PolicyAdd: adds a rule; the id field is ignored and the new id returned.
/// prefix must be a multicast prefix (inside 224.0.0.0/4 or ff00::/8, no host
/// bits set): any other rule could never match a group.
/// Matching (for a site, vpn, group, role): among the rules of that vpn whose
/// prefix contains the group, that apply to the role and to the site (or all
/// sites), the longest prefix wins; at equal length a site-specific rule beats
/// an all-sites rule, and deny beats permit.  No matching rule: deny.
int vnoc__PolicyAdd(struct vnoc__Policy *policy 1, struct vnoc__PolicyAddResponse *response);

struct vnoc__PolicyRemoveResponse { xsd__unsignedLong version 1; };

/// PolicyRemove: removes rule id.  Memberships it no longer permits are kept
/// but yield no routes until a rule permits them again.
int vnoc__PolicyRemove(xsd__unsignedInt id 1, struct vnoc__PolicyRemoveResponse *response);

struct vnoc__PolicyListResponse {
	int __sizepolicy 0;
	struct vnoc__Policy *policy 0;
};

/// PolicyList: rules of vpn, or of every VPN if vpn is absent.
int vnoc__PolicyList(xsd__unsignedInt *vpn 0, struct vnoc__PolicyListResponse *response);

struct vnoc__RelaySetResponse { xsd__unsignedLong version 1; };

/// RelaySet: accredits (or withdraws) a site as tree relay and/or reflector,
/// with the maximum number of next hops it may serve (0 = server default).
int vnoc__RelaySet(
	xsd__unsignedInt site 1,
	enum xsd__boolean relay 1,
	enum xsd__boolean reflector 1,
	xsd__unsignedInt fanout 1,
	struct vnoc__RelaySetResponse *response);

struct vnoc__TopologySetResponse { xsd__unsignedLong version 1; };

/// TopologySet: sets the mode of a VPN (group absent) or of one group, which
/// overrides the VPN's.  Default: star.
int vnoc__TopologySet(struct vnoc__TopologyRule *rule 1, struct vnoc__TopologySetResponse *response);

struct vnoc__TopologyClearResponse { xsd__unsignedLong version 1; };

/// TopologyClear: removes the mode of a VPN (group absent) or of one group.
int vnoc__TopologyClear(xsd__unsignedInt vpn 1, xsd__string group 0, struct vnoc__TopologyClearResponse *response);

struct vnoc__TopologyListResponse {
	int __sizerule 0;
	struct vnoc__TopologyRule *rule 0;
};

/// TopologyList: every mode rule.
int vnoc__TopologyList(struct vnoc__TopologyListResponse *response);

struct vnoc__GroupListResponse {
	int __sizegroup 0;
	struct vnoc__Group *group 0;
};

/// GroupList: groups with their members and effective mode; vpn absent: all.
int vnoc__GroupList(xsd__unsignedInt *vpn 0, struct vnoc__GroupListResponse *response);

struct vnoc__UsageReportResponse {
	xsd__string report 1;
};

/// UsageReport: the billing export.  Counters reported by sites in
/// [from, to) (hour granularity; 0/0 = all time), optionally restricted to one
/// site, vpn or group, summed per (hour, site, vpn, group, origin, nexthop).
/// nexthop 0 is the route total.  CSV has a header line; JSON is an array of
/// objects with the same field names.
int vnoc__UsageReport(
	xsd__unsignedInt *site 0,
	xsd__unsignedInt *vpn 0,
	xsd__string group 0,
	xsd__long from 1,
	xsd__long to 1,
	enum vnoc__Format format 1,
	struct vnoc__UsageReportResponse *response);

struct vnoc__AuditLogResponse {
	int __sizeentry 0;
	struct vnoc__AuditEntry *entry 0;
};

/// AuditLog: up to limit (max 10000) entries with id > sinceId, oldest first.
int vnoc__AuditLog(xsd__unsignedLong sinceId 1, xsd__unsignedInt limit 1, struct vnoc__AuditLogResponse *response);

/* ---------------------------------------------------------------------------
 * Faults
 * ------------------------------------------------------------------------- */

/* The machine-readable reason of a Fault, in <detail><vnoc:FaultDetail>.
 * New codes may be added (an additive change): treat an unknown one by its
 * faultcode (Client or Server).
 *   malformed        - not a SOAP 1.1 request this service can read: not XML,
 *                      truncated, not an envelope, an unknown operation or
 *                      element, a value of the wrong type, NUL bytes,
 *                      invalid UTF-8, a DOCTYPE, two operations in one Body
 *   version-mismatch - an envelope of another SOAP version (SOAP 1.2)
 *   limit-exceeded   - over max-message, max-depth, or a per-request bound
 *                      (sources per join, routes per report, fan-out)
 *   unauthenticated  - no certificate identifies the caller: plain HTTP, or
 *                      its subject has more than one CN, a CN with a NUL byte
 *                      or over 255 bytes
 *   not-registered   - the certificate's CN is not (or no longer) a site
 *   not-admin        - an admin operation from a certificate not listed as
 *                      admin
 *   not-in-view      - ReportUsage for a route or next hop the VNOC did not
 *                      give the caller
 *   invalid-argument - a value outside its domain (a group that is not
 *                      multicast, a prefix that is not a multicast prefix, a
 *                      port 0, ...)
 *   not-found        - the site or policy named does not exist
 *   conflict         - the site id or name is already used
 *   internal         - the VNOC failed (database, memory); faultcode Server;
 *                      the change was not made, or is stored but not active
 *                      (the faultstring says which) */
enum vnoc__FaultCode {
	vnoc__FaultCode__malformed,
	vnoc__FaultCode__version_mismatch,
	vnoc__FaultCode__limit_exceeded,
	vnoc__FaultCode__unauthenticated,
	vnoc__FaultCode__not_registered,
	vnoc__FaultCode__not_admin,
	vnoc__FaultCode__not_in_view,
	vnoc__FaultCode__invalid_argument,
	vnoc__FaultCode__not_found,
	vnoc__FaultCode__conflict,
	vnoc__FaultCode__internal
};

struct vnoc__FaultDetail {
	enum vnoc__FaultCode code 1;
};

struct SOAP_ENV__Detail {
	struct vnoc__FaultDetail *vnoc__FaultDetail;
	int __type;
	void *fault;
	_XML __any;
};

//gsoap vnoc service method-fault: JoinGroup vnoc__FaultDetail
//gsoap vnoc service method-fault: LeaveGroup vnoc__FaultDetail
//gsoap vnoc service method-fault: GetState vnoc__FaultDetail
//gsoap vnoc service method-fault: ReportUsage vnoc__FaultDetail
//gsoap vnoc service method-fault: SiteAdd vnoc__FaultDetail
//gsoap vnoc service method-fault: SiteUpdate vnoc__FaultDetail
//gsoap vnoc service method-fault: SiteRemove vnoc__FaultDetail
//gsoap vnoc service method-fault: SiteList vnoc__FaultDetail
//gsoap vnoc service method-fault: PolicyAdd vnoc__FaultDetail
//gsoap vnoc service method-fault: PolicyRemove vnoc__FaultDetail
//gsoap vnoc service method-fault: PolicyList vnoc__FaultDetail
//gsoap vnoc service method-fault: RelaySet vnoc__FaultDetail
//gsoap vnoc service method-fault: TopologySet vnoc__FaultDetail
//gsoap vnoc service method-fault: TopologyClear vnoc__FaultDetail
//gsoap vnoc service method-fault: TopologyList vnoc__FaultDetail
//gsoap vnoc service method-fault: GroupList vnoc__FaultDetail
//gsoap vnoc service method-fault: UsageReport vnoc__FaultDetail
//gsoap vnoc service method-fault: AuditLog vnoc__FaultDetail
