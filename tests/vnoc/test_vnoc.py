#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Integration tests of ivgmp-vnoc on 127.0.0.1 with a throwaway CA.

Run by tests/vnoc/run.sh, which makes the PKI and passes paths in the
environment. Uses the real server, python-zeep (loading the served WSDL) and
ivgmp-vnocctl (the gSOAP client). Prints one PASS:/FAIL: line per test.
"""
import gzip
import os
import socket
import sqlite3
import ssl
import subprocess
import sys
import threading
import time

import requests
import urllib3
import zeep
from zeep.transports import Transport

for v in ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE', 'SSL_CERT_FILE'):
    os.environ.pop(v, None)

TOP = os.environ['IVGMP_TOP']
PKI = os.environ['VNOC_PKI']
WORK = os.environ['VNOC_WORK']
PORT = int(os.environ.get('VNOC_PORT', '18543'))
URL = 'https://127.0.0.1:%d/' % PORT
VNOC = os.path.join(TOP, 'vnoc/ivgmp-vnoc')
# the same server built with ASan/UBSan (make -C vnoc asan), for the tests
# of shutdown and of the audit rate limit
VNOC_ASAN = os.path.join(TOP, 'build/vnoc/ivgmp-vnoc-asan')
CTL = os.path.join(TOP, 'vnoc/ivgmp-vnocctl')
CONF = os.path.join(WORK, 'vnoc.conf')
DB = os.path.join(WORK, 'vnoc.db')
LOG = os.path.join(WORK, 'vnoc.log')
NS = '{urn:ivgmp:vnoc:1}'

failures = 0


def result(name, ok, why=''):
    global failures
    if ok:
        print('PASS: vnoc/%s' % name, flush=True)
    else:
        failures += 1
        print('FAIL: vnoc/%s %s' % (name, why), flush=True)


def run_test(fn):
    try:
        fn()
    except Exception as e:  # a crash of one test is a failure, not an abort
        result(fn.__name__[5:], False, 'exception: %r' % (e,))


class Server:
    def __init__(self):
        self.proc = None

    def start(self, extra=()):
        self.log = open(LOG, 'a')
        self.proc = subprocess.Popen([VNOC, "-d", "-f", CONF, "-vv"] + list(extra),
                                     stdout=self.log, stderr=self.log)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(('127.0.0.1', PORT), 0.2).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError('ivgmp-vnoc exited %d' % self.proc.returncode)
                time.sleep(0.05)
        raise RuntimeError('ivgmp-vnoc did not start')

    def stop(self, timeout=15):
        self.proc.terminate()   # SIGTERM to our own child, by pid
        rc = self.proc.wait(timeout)
        self.log.close()
        return rc


server = Server()


def session(cn, ca='ca'):
    s = requests.Session()
    s.verify = os.path.join(PKI, 'ca.crt')
    s.cert = (os.path.join(PKI, cn + '.crt'), os.path.join(PKI, cn + '.key'))
    return s


_wsdl_client = {}


def service(cn, url=URL):
    s = session(cn)
    c = zeep.Client(url + '?wsdl', transport=Transport(session=s, timeout=60,
                                                      operation_timeout=60))
    return c.create_service(NS + 'ivgmp', url)


def ctl(cn, *args):
    env = dict(os.environ, IVGMP_VNOC_URL=URL,
               IVGMP_VNOC_CA=os.path.join(PKI, 'ca.crt'),
               IVGMP_VNOC_CERT=os.path.join(PKI, cn + '.crt'),
               IVGMP_VNOC_KEY=os.path.join(PKI, cn + '.key'))
    p = subprocess.run([CTL] + [str(a) for a in args], env=env,
                       capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def fault_of(fn, *a, **kw):
    try:
        fn(*a, **kw)
    except zeep.exceptions.Fault as f:
        return f.message
    return None


def tls_connect(cn, port=PORT, timeout=20):
    ctx = ssl.create_default_context(cafile=os.path.join(PKI, 'ca.crt'))
    ctx.load_cert_chain(os.path.join(PKI, cn + '.crt'),
                        os.path.join(PKI, cn + '.key'))
    return ctx.wrap_socket(socket.create_connection(('127.0.0.1', port),
                                                    timeout),
                           server_hostname='127.0.0.1')


def raw_post(body, cn='site1', chunk=None, timeout=20, headers=''):
    """POSTs body over TLS by hand; returns (status line, response text)."""
    s = tls_connect(cn, timeout=timeout)
    if chunk:
        # no Content-Length: the limit must hold while reading
        length = 'Transfer-Encoding: chunked'
        body = b''.join(b'%x\r\n%s\r\n' % (len(body[i:i + chunk]),
                                             body[i:i + chunk])
                        for i in range(0, len(body), chunk)) + b'0\r\n\r\n'
    else:
        length = 'Content-Length: %d' % len(body)
    head = ('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n'
            'Content-Type: text/xml; charset=utf-8\r\nSOAPAction: ""\r\n'
            '%s%s\r\nConnection: close\r\n\r\n' % (headers, length))
    data = b''
    try:
        s.sendall(head.encode() + body)
    except OSError:
        pass    # the server may stop reading a hostile body early
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            data += d
    except OSError:
        pass
    s.close()
    text = data.decode('utf-8', 'replace')
    return text.split('\r\n', 1)[0], text


ENV = ('<?xml version="1.0" encoding="UTF-8"?>'
       '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"'
       ' xmlns:vnoc="urn:ivgmp:vnoc:1"><SOAP-ENV:Body>%s</SOAP-ENV:Body>'
       '</SOAP-ENV:Envelope>')


def applied(svc):
    """The site's agent has applied its view: its next GetState says so,
    and only then do senders get the site as a next hop (a copy sent
    earlier would be dropped there as from an unknown site)."""
    v = svc.GetState(sinceVersion=0, waitSeconds=0).version
    svc.GetState(sinceVersion=v, waitSeconds=0)


def setup_world():
    """Sites 1-5, policy: vpn 1 may use 239/8 both ways; nothing else."""
    for i in range(1, 6):
        rc, out, err = ctl('admin', 'site', 'add', i, 'site%d' % i,
                           '192.0.2.%d' % i, 4789, 'key-%d' % i)
        if rc:
            raise RuntimeError('site add: ' + err)
    rc, out, err = ctl('admin', 'policy', 'add', 1, '239.0.0.0/8', 'both', 'permit')
    if rc:
        raise RuntimeError('policy add: ' + err)
    # site 5 may receive but never send
    ctl('admin', 'policy', 'add', 1, '239.0.0.0/8', 'send', 'deny', 'site', 5)


def test_wsdl_served():
    r = session('site1').get(URL + '?wsdl', timeout=10)
    doc = open(os.path.join(TOP, 'Documentation/ivgmp.wsdl'), 'rb').read()
    result('wsdl_served', r.status_code == 200 and r.content == doc and
           b'urn:ivgmp:vnoc:1' in r.content, 'status %d' % r.status_code)


def test_join_accepted_gsoap_client():
    rc, out, err = ctl('site1', 'join', 1, '239.1.1.1', 'sender')
    ok = rc == 0 and out.startswith('accepted')
    rc2, out2, err2 = ctl('site2', 'join', 1, '239.1.1.1', 'receiver')
    ok = ok and rc2 == 0 and out2.startswith('accepted')
    rc3, st0, _ = ctl('site1', 'state')
    # site 2 is site 1's next hop once it has applied its view
    applied(service('site2'))
    rc3, st, _ = ctl('site1', 'state')
    ok = ok and 'nexthops 2' not in st0
    ok = ok and 'route vpn 1 group 239.1.1.1 source * origin 1 - nexthops 2' in st \
        and 'peer 2 site2 192.0.2.2 4789 key-2' in st
    result('join_accepted_gsoap_client', ok, repr((out, out2, st, err, err2)))


def test_join_denied_by_policy():
    s3 = service('site3')
    r1 = s3.JoinGroup(vpn=1, group='238.1.1.1', role='receiver')  # no rule
    r2 = s3.JoinGroup(vpn=2, group='239.1.1.1', role='receiver')  # other VPN
    rc, out, _ = ctl('site5', 'join', 1, '239.1.1.1', 'sender')   # deny rule
    r3 = service('site5').JoinGroup(vpn=1, group='239.1.1.1', role='receiver')
    _, audit, _ = ctl('admin', 'audit', 'limit', 1000)
    groups = service('admin').GroupList(vpn=1)
    members = [(m.site, m.role) for g in groups for m in g.member]
    ok = (r1.result == 'denied' and 'no policy' in (r1.reason or '') and
          r2.result == 'denied' and rc == 3 and out.startswith('denied') and
          r3.result == 'accepted' and (5, 'sender') not in members and
          (5, 'receiver') in members and audit.count(' deny ') >= 3)
    result('join_denied_by_policy', ok, repr((r1, r2, out, members)))


def test_join_idempotent():
    s2 = service('site2')
    before = s2.GetState(sinceVersion=0, waitSeconds=0)
    r = s2.JoinGroup(vpn=1, group='239.1.1.1', role='receiver')
    after = s2.GetState(sinceVersion=0, waitSeconds=0)
    g = [g for g in service('admin').GroupList(vpn=1) if g.group == '239.1.1.1'][0]
    n = sum(1 for m in g.member if m.site == 2)
    result('join_idempotent', r.result == 'accepted' and
           before.version == after.version and n == 1,
           '%s %s %d' % (before.version, after.version, n))


def longpoll(svc, since, wait, out):
    t0 = time.monotonic()
    out['resp'] = svc.GetState(sinceVersion=since, waitSeconds=wait)
    out['t'] = time.monotonic()
    out['dt'] = out['t'] - t0


def test_longpoll_since_ahead_returns_view():
    # a version the VNOC never handed out (its database was restored from
    # a backup, or replaced): the client's view is of another history and
    # must be replaced now, not after the versions catch up
    s4 = service('site4')
    cur = s4.GetState(sinceVersion=0, waitSeconds=0)
    out = {}
    longpoll(s4, cur.version + 1000, 5, out)
    r = out['resp']
    result('longpoll_since_ahead_returns_view',
           out['dt'] < 2 and r.changed and r.version == cur.version and
           r.site == 4, 'dt %.1f changed %s version %s (was %s)' %
           (out['dt'], r.changed, r.version, cur.version))


def test_ipv6_ssm_routes():
    rc, out, err = ctl('admin', 'policy', 'add', 1, 'ff3e::/16', 'both', 'permit')
    s1, s2, s3 = service('site1'), service('site2'), service('site3')
    a = s1.JoinGroup(vpn=1, group='ff3e::1234', role='sender',
                     source=['2001:db8::1', '2001:db8::2'])
    b = s2.JoinGroup(vpn=1, group='ff3e::1234', role='receiver',
                     source=['2001:db8::2'])
    c = s3.JoinGroup(vpn=1, group='ff3e::1234', role='receiver')
    bad = fault_of(s3.JoinGroup, vpn=1, group='ff3e::1234', role='receiver',
                   source=['10.0.0.1'])
    applied(s2)
    applied(s3)
    st = s1.GetState(sinceVersion=0, waitSeconds=0)
    routes = sorted((r.source or '*', tuple(r.nexthop)) for r in st.route
                    if r.group == 'ff3e::1234')
    st2 = s2.GetState(sinceVersion=0, waitSeconds=0)
    r2 = [(r.source, r.origin, r.deliverLocal) for r in st2.route
          if r.group == 'ff3e::1234']
    ok = (rc == 0 and a.result == b.result == c.result == 'accepted' and
          bad is not None and
          routes == [('*', (3,)), ('2001:db8::2', (2, 3))] and
          r2 == [('2001:db8::2', 1, True)])
    result('ipv6_ssm_routes', ok, '%r %r %r' % (routes, r2, bad))


def test_longpoll_wakes_on_change():
    # three wake-ups (join, leave, join of site 4 as a receiver of site 1's
    # group); the median latency must be under 100 ms, so one scheduling
    # hiccup of this shared machine does not decide the result
    s1, s4 = service('site1'), service('site4')
    lats, bad = [], []
    applied(service('site2'))
    applied(service('site5'))
    for i, op in enumerate(('join', 'leave', 'join')):
        v = s1.GetState(sinceVersion=0, waitSeconds=0).version
        out = {}
        th = threading.Thread(target=longpoll, args=(s1, v, 20, out))
        th.start()
        time.sleep(0.5)     # let the poll reach the server and wait
        if op == 'join':
            # the sender's view changes once the receiver applied its own
            ok_op = s4.JoinGroup(vpn=1, group='239.1.1.1',
                                 role='receiver').result == 'accepted'
            t_op = time.monotonic()
            applied(s4)
        else:
            ok_op = s4.LeaveGroup(vpn=1, group='239.1.1.1', role='receiver').wasMember
            t_op = time.monotonic()
        th.join(25)
        resp = out.get('resp')
        lats.append(out.get('t', 1e9) - t_op)
        nh = resp and [list(x.nexthop) for x in resp.route if x.group == '239.1.1.1']
        want = [[2, 4, 5]] if op == 'join' else [[2, 5]]
        if not (ok_op and resp is not None and resp.changed and
                resp.version > v and nh == want):
            bad.append((op, nh))
    med = sorted(lats)[1]
    result('longpoll_wakes_on_change', med < 0.1 and not bad,
           'latencies %r, wrong views %r' % (lats, bad))
    print('# long poll woke %s ms after the change reply' %
          ', '.join('%.1f' % (x * 1000) for x in lats))


def test_longpoll_ignores_unrelated_change():
    s1, s3, s5 = service('site1'), service('site3'), service('site5')
    v = s1.GetState(sinceVersion=0, waitSeconds=0).version
    out = {}
    th = threading.Thread(target=longpoll, args=(s1, v, 2, out))
    th.start()
    time.sleep(0.3)
    s3.JoinGroup(vpn=1, group='239.7.7.7', role='sender')
    s5.JoinGroup(vpn=1, group='239.7.7.7', role='receiver')
    th.join(10)
    resp = out.get('resp')
    ok = resp is not None and not resp.changed and resp.version == v and \
        out['dt'] >= 1.9
    result('longpoll_ignores_unrelated_change', ok,
           'dt %.2f changed %s' % (out.get('dt', -1), resp and resp.changed))


def tls_refused(cert):
    ctx = ssl.create_default_context(cafile=os.path.join(PKI, 'ca.crt'))
    if cert:
        ctx.load_cert_chain(os.path.join(PKI, cert + '.crt'),
                            os.path.join(PKI, cert + '.key'))
    try:
        s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', PORT), 5),
                            server_hostname='127.0.0.1')
        # TLS 1.3: the server's verdict on our certificate arrives after
        # the handshake; a request must then fail.
        s.sendall(b'GET /?wsdl HTTP/1.1\r\nHost: x\r\n\r\n')
        data = s.recv(100)
        s.close()
        return not data
    except (ssl.SSLError, OSError):
        return True


def test_cert_no_cert_refused():
    result('cert_no_cert_refused', tls_refused(None))


def test_cert_other_ca_refused():
    ok = tls_refused('evil1')
    rc, out, err = ctl('evil1', 'state')
    result('cert_other_ca_refused', ok and rc != 0, err)


def test_unregistered_cn_refused():
    f = fault_of(service('stranger').GetState, sinceVersion=0, waitSeconds=0)
    result('unregistered_cn_refused', f is not None and 'not a registered site' in f, f)


def test_ambiguous_cn_refused():
    # two CNs, or one with a NUL byte, identify nobody: not the admin whose
    # name is the first CN or the text before the NUL
    out = []
    for cn in ('twocn', 'nulcn'):
        f = fault_of(service(cn).SiteList)
        rc, o, err = ctl(cn, 'site', 'list')
        out.append((f, rc, o, err))
    result('ambiguous_cn_refused',
           all(f is not None and 'admin operation refused' in f and
               rc != 0 and 'site1' not in o for f, rc, o, err in out),
           repr(out))


def test_admin_op_from_site_refused():
    f1 = fault_of(service('site1').SiteRemove, id=2)
    rc, out, err = ctl('site2', 'policy', 'add', 1, '0.0.0.0/0', 'both', 'permit')
    _, sites, _ = ctl('admin', 'site', 'list')
    ok = f1 and 'admin operation refused' in f1 and rc != 0 and \
        'refused' in err and '2 site2' in sites
    result('admin_op_from_site_refused', ok, '%s %s' % (f1, err))


def test_ctl_numbers_decimal():
    # "010" is ten, as an operator means it, not octal 8; a sign or a
    # space before a number is a usage error, not 2^64 - 1
    rc, out, err = ctl('admin', 'site', 'add', '010', 'siteten',
                       '192.0.2.10', 4789)
    _, sites, _ = ctl('admin', 'site', 'list')
    for i in (8, 10):
        ctl('admin', 'site', 'remove', i)
    bad = [ctl('admin', 'audit', 'since', v)[0]
           for v in (' -1', '-1', '+5', ' 5')]
    hexok = ctl('admin', 'policy', 'list', '0x1')[0]
    result('ctl_numbers_decimal',
           rc == 0 and '10 siteten ' in sites and '8 siteten' not in sites
           and bad == [2, 2, 2, 2] and hexok == 0,
           '%s %s %s %s' % (err, sites, bad, hexok))


def usage_csv(*filt):
    rc, out, err = ctl('admin', 'usage', *filt)
    return [l.split(',') for l in out.strip().split('\n')[1:] if l]


def test_report_for_other_site_refused():
    s2 = service('site2')
    # site 2 only receives 239.1.1.1 from origin 1; a route with origin 2
    # (site 1's or anyone's sender route) is not its own
    f = fault_of(s2.ReportUsage, seq=1, route=[{
        'vpn': 1, 'group': '239.1.1.1', 'origin': 1, 'packets': 5, 'bytes': 500,
        'nexthop': [{'site': 4, 'packets': 5, 'bytes': 500}]}])
    f2 = fault_of(service('site3').ReportUsage, seq=1, route=[{
        'vpn': 1, 'group': '239.1.1.1', 'origin': 1, 'packets': 5, 'bytes': 500}])
    rows = [r for r in usage_csv() if r[1] in ('2', '3')]
    result('report_for_other_site_refused',
           f is not None and 'next hops' in f and f2 is not None and
           'not a route of site 3' in f2 and rows == [], '%s / %s / %s' % (f, f2, rows))


def test_report_retry_not_double_counted():
    s1 = service('site1')
    rep = [{'vpn': 1, 'group': '239.1.1.1', 'origin': 1, 'packets': 10,
            'bytes': 1000, 'nexthop': [{'site': 2, 'packets': 10, 'bytes': 1000},
                                       {'site': 4, 'packets': 10, 'bytes': 1000}]}]
    a = s1.ReportUsage(seq=1, route=rep)
    b = s1.ReportUsage(seq=1, route=rep)   # a retry
    c = s1.ReportUsage(seq=2, route=rep)
    rows = usage_csv('site', 1, 'group', '239.1.1.1')
    tot = [r for r in rows if r[6] == '0']
    ok = (not a.duplicate and b.duplicate and not c.duplicate and
          len(tot) == 1 and tot[0][7] == '20' and tot[0][8] == '2000' and
          len(rows) == 3)
    result('report_retry_not_double_counted', ok, repr(rows))


def test_report_counter_above_int64_refused():
    s1 = service('site1')
    before = usage_csv('site', 1, 'group', '239.1.1.1')
    rep = [{'vpn': 1, 'group': '239.1.1.1', 'origin': 1,
            'packets': 2**64 - 1, 'bytes': 1,
            'nexthop': [{'site': 2, 'packets': 1, 'bytes': 1}]}]

    def client_fault(seq):
        # a Client fault: the agent drops a refused report, it retries a
        # Server fault forever
        try:
            s1.ReportUsage(seq=seq, route=rep)
        except zeep.exceptions.Fault as e:
            return '%s: %s' % (e.code, e.message)
        return None
    f = client_fault(1000)
    rep[0]['packets'] = 1
    rep[0]['nexthop'][0]['bytes'] = 2**63
    f2 = client_fault(1001)
    after = usage_csv('site', 1, 'group', '239.1.1.1')
    result('report_counter_above_int64_refused',
           f is not None and 'Client: ' in f and 'counter above' in f and
           f2 is not None and 'Client: ' in f2 and 'counter above' in f2 and
           before == after and
           not any(int(r[7]) < 0 or int(r[8]) < 0 for r in after),
           '%s / %s / %s' % (f, f2, after))


class Background:
    """A well-formed client that keeps calling while hostile input flows."""

    def __init__(self):
        self.ok = 0
        self.bad = []
        self.stop = False
        self.th = threading.Thread(target=self.run)

    def run(self):
        s = service('site3')
        while not self.stop:
            try:
                t0 = time.monotonic()
                s.GetState(sinceVersion=0, waitSeconds=0)
                dt = time.monotonic() - t0
                if dt > 2:
                    self.bad.append('slow %.2f' % dt)
                self.ok += 1
            except Exception as e:
                self.bad.append(repr(e))
            time.sleep(0.02)

    def __enter__(self):
        self.th.start()
        time.sleep(0.3)
        return self

    def __exit__(self, *a):
        time.sleep(0.3)
        self.stop = True
        self.th.join(10)


def hostile(name, body, chunk=None, headers=''):
    with Background() as bg:
        n0 = bg.ok
        status, text = raw_post(body, chunk=chunk, headers=headers)
        # the other client must still get answers after the hostile input
        n1 = bg.ok
        deadline = time.monotonic() + 5
        while bg.ok <= n1 and time.monotonic() < deadline:
            time.sleep(0.01)
        served = bg.ok - n0 if bg.ok > n1 else 0
    is_fault = 'Fault' in text and ('500' in status or '400' in status or
                                    '413' in status)
    result(name, is_fault and served > 0 and not bg.bad,
           'status %r served %d errors %r reply %r' % (status, served, bg.bad,
                                                       text[:300]))


def test_malformed_xml_fault():
    hostile('malformed_xml_fault',
            (ENV % '<vnoc:GetState><sinceVersion>0</sinceVersion>'
             '<waitSeconds>0</waitSeconds></vnoc:GetSta').encode()[:-20] +
            b'<<&&>>\x00\xff')


def test_huge_document_fault():
    # max-message is 256 KiB in the test config; send 4 MiB
    filler = '<source>10.0.0.1</source>' * (4 * 1024 * 1024 // 26)
    hostile('huge_document_fault', (ENV % ('<vnoc:JoinGroup><vpn>1</vpn>'
            '<group>239.1.1.1</group><role>receiver</role>%s</vnoc:JoinGroup>'
            % filler)).encode())


def test_huge_chunked_fault():
    filler = '<source>10.0.0.1</source>' * (4 * 1024 * 1024 // 26)
    hostile('huge_chunked_fault', (ENV % ('<vnoc:JoinGroup><vpn>1</vpn>'
            '<group>239.1.1.1</group><role>receiver</role>%s</vnoc:JoinGroup>'
            % filler)).encode(), chunk=8192)


def test_gzip_bomb_fault():
    # 200 KiB of gzip that inflates to 64 MiB: the limit holds for what
    # the parser reads, and the client is told so
    body = gzip.compress((ENV % ('<vnoc:JoinGroup><vpn>1</vpn><group>%s'
                                 '</group><role>receiver</role>'
                                 '</vnoc:JoinGroup>' % ('A' * (64 << 20))))
                         .encode(), 9)
    hostile('gzip_bomb_fault', body, headers='Content-Encoding: gzip\r\n')


def test_deep_nesting_fault():
    depth = 5000
    hostile('deep_nesting_fault', (ENV % ('<vnoc:GetState>' + '<a>' * depth +
            '</a>' * depth + '</vnoc:GetState>')).encode())


def test_dtd_entities_fault():
    # "billion laughs": no DTD is ever processed
    dtd = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + ''.join('<!ENTITY lol%d "%s">' % (i, ('&lol%d;' % (i - 1) if i else '&lol;') * 10)
                     for i in range(9)) + ']>')
    body = dtd + (ENV % '<vnoc:JoinGroup><vpn>1</vpn><group>&lol8;</group>'
                  '<role>receiver</role></vnoc:JoinGroup>').split('?>', 1)[1]
    hostile('dtd_entities_fault', body.encode())


def test_bad_arguments_fault():
    s1 = service('site1')
    f1 = fault_of(s1.JoinGroup, vpn=1, group='10.0.0.1', role='sender')
    f2 = fault_of(s1.JoinGroup, vpn=1, group='239.1.1.1', role='sender',
                  source=['ff3e::1'])
    status, text = raw_post((ENV % '<vnoc:JoinGroup><vpn>1</vpn><group>239.1.1.1'
                             '</group><role>king</role></vnoc:JoinGroup>').encode())
    result('bad_arguments_fault', f1 and 'multicast' in f1 and f2 and
           'Fault' in text, '%s %s %s' % (f1, f2, text[-300:]))


def test_many_longpolls_do_not_block():
    # 50 parked long polls must not delay another site's join
    s = service('site4')
    v = s.GetState(sinceVersion=0, waitSeconds=0).version
    ths = []
    for i in range(50):
        out = {}
        t = threading.Thread(target=longpoll, args=(service('site4'), v, 3, out))
        t.start()
        ths.append((t, out))
    time.sleep(0.5)
    t0 = time.monotonic()
    r = service('site3').JoinGroup(vpn=1, group='239.8.8.8', role='receiver')
    dt = time.monotonic() - t0
    for t, _ in ths:
        t.join(10)
    result('many_longpolls_do_not_block', r.result == 'accepted' and dt < 1,
           'join took %.2f s' % dt)


def test_plain_http_only_on_loopback():
    p = subprocess.run([VNOC, '-d', '-f', CONF, '-H', '-l', '0.0.0.0', '-p',
                        str(PORT + 1), '-D', os.path.join(WORK, 'other.db')],
                       capture_output=True, text=True, timeout=20)
    result('plain_http_only_on_loopback', p.returncode != 0 and
           'loopback' in p.stderr, p.stderr)


def test_too_many_admins_refused():
    # 32 admin CNs fit; one more from -a must be an error, not dropped
    conf = os.path.join(WORK, 'admins.conf')
    with open(conf, 'w') as f:
        f.write('plain-http = yes\nlisten = 127.0.0.1\ndatabase = %s\n'
                % os.path.join(WORK, 'admins.db'))
        f.write(''.join('admin = a%d\n' % i for i in range(31)))
    ok = subprocess.run([VNOC, '-n', '-f', conf, '-a', 'last'],
                        capture_output=True, text=True, timeout=20)
    bad = subprocess.run([VNOC, '-n', '-f', conf, '-a', 'last', '-a', 'more'],
                         capture_output=True, text=True, timeout=20)
    result('too_many_admins_refused', ok.returncode == 0 and
           bad.returncode != 0 and 'admin' in bad.stderr,
           '%s / %s' % (ok.stderr, bad.stderr))


def test_crash_keeps_acknowledged_joins():
    # concurrent joins share commits; every acknowledged one must survive
    # a kill -9 right after the replies
    acked = []
    lock = threading.Lock()

    def worker(site, base):
        svc = service('site%d' % site)
        for k in range(10):
            g = '239.50.%d.%d' % (base, k + 1)
            if svc.JoinGroup(vpn=1, group=g, role='receiver').result == 'accepted':
                with lock:
                    acked.append((site, g))
    ths = [threading.Thread(target=worker, args=(i % 5 + 1, i)) for i in range(8)]
    for t in ths:
        t.start()
    for t in ths:
        t.join(60)
    server.proc.kill()          # SIGKILL our child: no shutdown code runs
    server.proc.wait(10)
    server.log.close()
    server.start()
    have = set()
    for g in service('admin').GroupList(vpn=1):
        for m in g.member:
            if m.role == 'receiver':
                have.add((m.site, g.group))
    missing = [a for a in acked if a not in have]
    result('crash_keeps_acknowledged_joins', len(acked) == 80 and not missing,
           'acked %d missing %r' % (len(acked), missing[:5]))


def test_max_connections():
    port = PORT + 3
    conf = os.path.join(WORK, 'small.conf')
    with open(CONF) as f, open(conf, 'w') as o:
        for line in f:
            if not line.startswith(('port', 'database', 'max-connections')):
                o.write(line)
        o.write('port = %d\ndatabase = %s\nmax-connections = 3\n'
                % (port, os.path.join(WORK, 'small.db')))
    log = open(os.path.join(WORK, 'small.log'), 'w')
    p = subprocess.Popen([VNOC, '-d', '-f', conf], stdout=log, stderr=log)
    try:
        for _ in range(200):
            try:
                socket.create_connection(('127.0.0.1', port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        time.sleep(0.3)     # let the probe's connection thread end
        ctx = ssl.create_default_context(cafile=os.path.join(PKI, 'ca.crt'))
        ctx.load_cert_chain(os.path.join(PKI, 'site1.crt'),
                            os.path.join(PKI, 'site1.key'))

        def conn():
            s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', port), 5),
                                server_hostname='127.0.0.1')
            return s
        held = [conn() for _ in range(3)]
        try:
            extra = conn()
            extra.sendall(b'GET /?wsdl HTTP/1.1\r\nHost: x\r\n\r\n')
            refused = not extra.recv(100)
        except (ssl.SSLError, OSError):
            refused = True
        held.pop().close()
        time.sleep(0.5)
        again = requests.Session()
        again.verify = os.path.join(PKI, 'ca.crt')
        again.cert = (os.path.join(PKI, 'site1.crt'), os.path.join(PKI, 'site1.key'))
        ok = again.get('https://127.0.0.1:%d/?wsdl' % port, timeout=10).status_code == 200
        for h in held:
            h.close()
        result('max_connections', refused and ok, 'refused %s then ok %s' % (refused, ok))
    finally:
        p.terminate()
        p.wait(15)
        log.close()


def test_daemon_mode():
    pidfile = os.path.join(WORK, 'daemon.pid')
    port = PORT + 2
    p = subprocess.run([VNOC, '-f', CONF, '-P', pidfile, '-p', str(port),
                        '-D', os.path.join(WORK, 'daemon.db')],
                       capture_output=True, text=True, timeout=20)
    # daemon(3) returns in the parent before the child writes the pidfile
    pid = 0
    for _ in range(200):
        try:
            pid = int(open(pidfile).read())
            break
        except (OSError, ValueError):
            time.sleep(0.05)
    ok = p.returncode == 0 and pid > 0
    served = False
    if ok:
        r = session('site1').get('https://127.0.0.1:%d/?wsdl' % port, timeout=10)
        served = r.status_code == 200 and b'urn:ivgmp:vnoc:1' in r.content
        t0 = time.monotonic()
        os.kill(pid, 15)    # the daemon we started, by its pidfile
        while os.path.exists(pidfile) and time.monotonic() - t0 < 15:
            time.sleep(0.05)
        print('# daemon stopped in %.2f s' % (time.monotonic() - t0))
    result('daemon_mode', ok and served and not os.path.exists(pidfile),
           '%s %s %s' % (p.returncode, p.stderr, served))


def test_daemon_survives_other_db_user():
    # SQLite's WAL locks do not survive fork(): a daemon that kept the
    # parent's connection held none, so another user of the file (here the
    # documented check mode, -n) took it for unused and deleted the WAL
    # under it, and acknowledged changes were lost at the next crash
    pidfile = os.path.join(WORK, 'daemon2.pid')
    db = os.path.join(WORK, 'daemon2.db')
    port = PORT + 4
    url = 'https://127.0.0.1:%d/' % port
    p = subprocess.run([VNOC, '-f', CONF, '-P', pidfile, '-p', str(port),
                        '-D', db], capture_output=True, text=True, timeout=20)
    pid = 0
    for _ in range(200):
        try:
            pid = int(open(pidfile).read())
            break
        except (OSError, ValueError):
            time.sleep(0.05)
    why = 'start: %s %s' % (p.returncode, p.stderr)
    loaded = ''
    locked = False
    if p.returncode == 0 and pid > 0:
        try:
            a = ctl('admin', '-u', url, 'site', 'add', 21, 'd21', '192.0.2.21', 1)
            # the daemon's lock came through daemon(3)'s fork, with its
            # own pid: the check mode may not touch the file meanwhile
            chk = subprocess.run([VNOC, '-n', '-f', CONF, '-D', db],
                                 capture_output=True, text=True, timeout=20)
            b = ctl('admin', '-u', url, 'site', 'add', 22, 'd22', '192.0.2.22', 1)
            why = '%s %s %s %s' % (a, chk.returncode, chk.stderr, b)
            locked = (chk.returncode == 1 and
                      'in use by another ivgmp-vnoc (pid %d ' % pid in chk.stderr)
        finally:
            os.kill(pid, 9)     # the daemon we started, by its pidfile
            for _ in range(200):
                try:
                    os.kill(pid, 0)
                    time.sleep(0.05)
                except OSError:
                    break
        chk = subprocess.run([VNOC, '-n', '-f', CONF, '-D', db],
                             capture_output=True, text=True, timeout=20)
        loaded = chk.stderr
    result('daemon_survives_other_db_user',
           locked and 'loaded 2 sites' in loaded, '%s / %s' % (why, loaded))


def snapshot():
    a = service('admin')
    sites = sorted((s.id, s.name, s.address, s.port, s.key) for s in a.SiteList())
    pols = sorted((p.id, p.vpn, p.prefix, p.site, p.send, p.receive, p.action)
                  for p in a.PolicyList())
    groups = sorted((g.vpn, g.group, tuple(sorted((m.site, m.role) for m in g.member)))
                    for g in a.GroupList())
    usage = a.UsageReport(from_=0, to=0, format='csv') if False else \
        ctl('admin', 'usage')[1]
    return sites, pols, groups, usage


def test_report_after_route_change():
    # counters read just before a change may still be reported afterwards
    s1, s5 = service('site1'), service('site5')
    last = s1.ReportUsage(seq=1, route=[]).lastSeq
    s5.LeaveGroup(vpn=1, group='239.1.1.1', role='receiver')
    st = s1.GetState(sinceVersion=0, waitSeconds=0)
    nh = [list(x.nexthop) for x in st.route if x.group == '239.1.1.1']
    r = s1.ReportUsage(seq=last + 1, route=[{
        'vpn': 1, 'group': '239.1.1.1', 'origin': 1, 'packets': 3,
        'bytes': 300, 'nexthop': [{'site': 5, 'packets': 3, 'bytes': 300}]}])
    f = fault_of(s1.ReportUsage, seq=last + 2, route=[{
        'vpn': 1, 'group': '239.1.1.1', 'origin': 1, 'packets': 3,
        'bytes': 300, 'nexthop': [{'site': 3, 'packets': 3, 'bytes': 300}]}])
    s5.JoinGroup(vpn=1, group='239.1.1.1', role='receiver')
    result('report_after_route_change', 5 not in nh[0] and not r.duplicate and
           f is not None, '%r %r %r' % (nh, r, f))


def test_restart_keeps_everything():
    service('admin').TopologySet(rule={'vpn': 1, 'group': '239.8.8.8', 'mode': 'tree'})
    before = snapshot()
    v_before = service('site1').GetState(sinceVersion=0, waitSeconds=0).version
    # SIGTERM while a long poll waits: it must get a reply, not a reset
    out = {}
    th = threading.Thread(target=longpoll, args=(service('site1'), v_before, 30, out))
    th.start()
    time.sleep(0.5)
    rc = server.stop()
    th.join(10)
    drained = 'resp' in out and out['dt'] < 5
    server.start()
    after = snapshot()
    st = service('site1').GetState(sinceVersion=v_before, waitSeconds=0)
    modes = [(r.vpn, r.group, r.mode) for r in service('admin').TopologyList()]
    ok = (rc == 0 and drained and before == after and len(before[0]) == 5 and
          len(before[2]) >= 3 and 'site' not in before[3][:0] and
          len(before[3].strip().split('\n')) >= 4 and st.version > v_before and
          (1, '239.8.8.8', 'tree') in modes)
    result('restart_keeps_everything', ok,
           'rc %s drained %s\n%r\n%r' % (rc, drained, before, after))
    # and a retried usage report after the restart still is not counted
    d = service('site1').ReportUsage(seq=2, route=[])
    result('restart_keeps_report_seq', d.duplicate, repr(d))


def audit_rows(db, since=0):
    """(id, actor, action, detail) of the audit log, read from the file."""
    c = sqlite3.connect('file:%s?mode=ro' % db, uri=True, timeout=10)
    try:
        return c.execute('SELECT id, actor, action, detail FROM audit'
                         ' WHERE id > ? ORDER BY id', (since,)).fetchall()
    finally:
        c.close()


class SideServer:
    """Another VNOC (the ASan build) on its own port and database."""

    def __init__(self, name, port, extra=''):
        self.port = port
        self.url = 'https://127.0.0.1:%d/' % port
        self.db = os.path.join(WORK, name + '.db')
        self.conf = os.path.join(WORK, name + '.conf')
        self.logpath = os.path.join(WORK, name + '.log')
        keys = ('port', 'database') + tuple(
            l.split('=')[0].strip() for l in extra.splitlines())
        with open(CONF) as f, open(self.conf, 'w') as o:
            for line in f:
                if not line.startswith(keys):
                    o.write(line)
            o.write('port = %d\ndatabase = %s\n%s' % (port, self.db, extra))
        self.log = open(self.logpath, 'w')
        env = dict(os.environ, ASAN_OPTIONS='abort_on_error=0:exitcode=99',
                   UBSAN_OPTIONS='halt_on_error=1:exitcode=99')
        self.proc = subprocess.Popen([VNOC_ASAN, '-d', '-f', self.conf, '-vv'],
                                     stdout=self.log, stderr=self.log, env=env)
        for _ in range(400):
            try:
                socket.create_connection(('127.0.0.1', port), 0.2).close()
                break
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError('%s exited %d: %s' % (
                        name, self.proc.returncode, self.text()[-2000:]))
                time.sleep(0.05)
        for i, name in ((1, 'site1'), (2, 'site2')):
            ctl('admin', '-u', self.url, 'site', 'add', i, name,
                '192.0.2.%d' % i, 4789)
        ctl('admin', '-u', self.url, 'policy', 'add', 1, '239.0.0.0/8',
            'both', 'permit')

    def text(self):
        with open(self.logpath, errors='replace') as f:
            return f.read()

    def sanitizer_clean(self):
        t = self.text()
        return 'Sanitizer' not in t and 'runtime error' not in t

    def stop(self, timeout=30):
        if self.proc.poll() is None:
            self.proc.terminate()   # our own child, by pid
        rc = self.proc.wait(timeout)
        self.log.close()
        return rc


def test_second_vnoc_same_db_refused():
    # another VNOC on the running server's database (on another port, so
    # that only the database is shared): refused at start, naming the pid
    # of the one that has it; the same through a symlink, and for -n
    p = subprocess.Popen([VNOC, '-d', '-c', CONF, '-p', str(PORT + 5)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    try:
        out, err = p.communicate(timeout=10)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        p.terminate()           # it serves: the very defect
        out, err = p.communicate(timeout=20)
        rc = 'still running'
    link = os.path.join(WORK, 'link.db')
    if not os.path.lexists(link):
        os.symlink(DB, link)
    chk = subprocess.run([VNOC, '-n', '-c', CONF, '-D', link],
                         capture_output=True, text=True, timeout=20)
    want = 'in use by another ivgmp-vnoc (pid %d on host ' % server.proc.pid
    result('second_vnoc_same_db_refused',
           rc == 1 and want in err and DB + '.lock' in err and
           chk.returncode == 1 and want in chk.stderr,
           'rc %r: %s / -n %d: %s' % (rc, err, chk.returncode, chk.stderr))


def test_denials_rate_limited():
    # default deny-audit-limit 10 per 60 s: a site denied 25 times in a
    # row gets 25 denials but only 10 audit records (and no more commits)
    since = max([r[0] for r in audit_rows(DB)] or [0])
    s4 = service('site4')
    res = [s4.JoinGroup(vpn=77, group='239.77.0.%d' % (i % 5 + 1),
                        role='receiver') for i in range(25)]
    rows = [r for r in audit_rows(DB, since) if 'vpn 77' in r[3]]
    denied = [r for r in rows if r[2] == 'deny' and r[1] == 'site4']
    result('denials_rate_limited',
           all(r.result == 'denied' and 'no policy' in r.reason for r in res)
           and len(denied) == 10, '%d audited: %r' % (len(denied), rows[:3]))


def test_denials_suppressed_audited_at_shutdown():
    # after test_denials_rate_limited and the SIGTERM restart: the 15
    # denials over the limit are in the audit log as one record
    rows = [r for r in audit_rows(DB) if r[2] == 'deny-suppressed']
    result('denials_suppressed_audited_at_shutdown',
           len(rows) == 1 and rows[0][1] == 'site4' and
           rows[0][3].startswith('site 4: 15 more denials suppressed from '),
           repr(rows))


def test_denials_suppressed_per_window():
    # 3 audited per 5 s window: 20 denials give 3 records, and once the
    # window is over, one record counting the other 17; the next denial
    # opens a new window and is audited again
    side = SideServer('ratelimit', PORT + 6,
                      'deny-audit-limit = 3\ndeny-audit-period = 5\n')
    try:
        s1 = service('site1', side.url)
        res = [s1.JoinGroup(vpn=9, group='239.9.9.9', role='sender').result
               for _ in range(20)]
        first = audit_rows(side.db)
        deny1 = [r for r in first if r[2] == 'deny']
        sup = []
        deadline = time.monotonic() + 15
        while not sup and time.monotonic() < deadline:
            time.sleep(0.2)
            sup = [r for r in audit_rows(side.db)
                   if r[2] == 'deny-suppressed']
        again = s1.JoinGroup(vpn=9, group='239.9.9.9', role='sender').result
        deny2 = [r for r in audit_rows(side.db) if r[2] == 'deny']
        ok_acc = s1.JoinGroup(vpn=1, group='239.9.9.9',
                              role='sender').result
    finally:
        rc = side.stop()
    result('denials_suppressed_per_window',
           res == ['denied'] * 20 and len(deny1) == 3 and len(sup) == 1 and
           sup[0][1] == 'site1' and
           sup[0][3].startswith('site 1: 17 more denials suppressed') and
           again == 'denied' and len(deny2) == 4 and ok_acc == 'accepted' and
           rc == 0 and side.sanitizer_clean(),
           'deny %d then %d, summary %r, rc %s' % (len(deny1), len(deny2),
                                                   sup, rc))


def test_drain_timeout_cuts_off_held_request():
    # a request still arriving at drain-timeout (1 s) is cut off: the
    # server exits 1 at once, without freeing the state under the request
    # (the ASan build would report it) and without losing a commit; the
    # rest of the held request, sent the moment the server gives up on
    # it, is not served against a freed state
    side = SideServer('drain', PORT + 7,
                      'drain-timeout = 1\nrecv-timeout = 30\n')
    try:
        acked = service('site1', side.url).JoinGroup(
            vpn=1, group='239.60.0.1', role='receiver').result
        body = (ENV % '<vnoc:JoinGroup><vpn>1</vpn><group>239.60.0.2</group>'
                '<role>receiver</role></vnoc:JoinGroup>').encode()
        s = tls_connect('site2', side.port)
        s.sendall(('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n'
                   'Content-Type: text/xml; charset=utf-8\r\nSOAPAction: ""\r\n'
                   'Content-Length: %d\r\n\r\n' % len(body)).encode() +
                  body[:100])
        time.sleep(0.3)
        t0 = time.monotonic()
        side.proc.terminate()   # our own child, by pid
        while ('still busy' not in side.text() and side.proc.poll() is None
               and time.monotonic() - t0 < 10):
            time.sleep(0.005)
        reply = b''
        try:
            s.sendall(body[100:])
            s.settimeout(10)
            while True:
                d = s.recv(65536)
                if not d:
                    break
                reply += d
        except OSError:
            pass
        s.close()
        rc = side.proc.wait(20)
        dt = time.monotonic() - t0
    finally:
        side.stop()
    c = sqlite3.connect(side.db)
    have = c.execute('SELECT site, grp FROM membership').fetchall()
    c.close()
    # served against a freed state it got answers such as "database
    # begin failed"; now its socket is shut before the rest arrives
    late_ok = reply == b'' and (2, '239.60.0.2') not in have
    log = side.text()
    result('drain_timeout_cuts_off_held_request',
           acked == 'accepted' and rc == 1 and dt < 1 + 5 + 3 and
           'closing them' in log and side.sanitizer_clean() and
           (1, '239.60.0.1') in have and late_ok,
           'rc %s in %.1f s, members %r, reply %r, log %s' %
           (rc, dt, have, reply[-200:], log[-1500:]))


def main():
    with open(CONF, 'w') as f:
        f.write('''# test configuration
listen = 127.0.0.1
port = %d
database = %s
cert = %s/localhost.crt
key = %s/localhost.key
ca = %s/ca.crt
admin = admin
max-message = 262144
max-depth = 64
max-connections = 512
recv-timeout = 5
longpoll-max = 60
''' % (PORT, DB, PKI, PKI, PKI))
    server.start()
    try:
        setup_world()
        for t in (test_wsdl_served, test_join_accepted_gsoap_client,
                  test_join_denied_by_policy, test_join_idempotent,
                  test_ipv6_ssm_routes,
                  test_longpoll_wakes_on_change,
                  test_longpoll_ignores_unrelated_change,
                  test_longpoll_since_ahead_returns_view,
                  test_cert_no_cert_refused, test_cert_other_ca_refused,
                  test_unregistered_cn_refused, test_admin_op_from_site_refused,
                  test_ambiguous_cn_refused, test_ctl_numbers_decimal,
                  test_report_for_other_site_refused,
                  test_report_retry_not_double_counted,
                  test_report_counter_above_int64_refused,
                  test_report_after_route_change,
                  test_malformed_xml_fault, test_huge_document_fault,
                  test_huge_chunked_fault, test_gzip_bomb_fault,
                  test_deep_nesting_fault, test_dtd_entities_fault,
                  test_bad_arguments_fault,
                  test_many_longpolls_do_not_block,
                  test_plain_http_only_on_loopback, test_daemon_mode,
                  test_too_many_admins_refused,
                  test_daemon_survives_other_db_user,
                  test_second_vnoc_same_db_refused,
                  test_denials_suppressed_per_window,
                  test_drain_timeout_cuts_off_held_request,
                  test_max_connections,
                  test_crash_keeps_acknowledged_joins,
                  # the count kept in memory is written at the SIGTERM
                  test_denials_rate_limited,
                  test_restart_keeps_everything,
                  test_denials_suppressed_audited_at_shutdown):
            run_test(t)
    finally:
        rc = server.stop()
        result('clean_shutdown', rc == 0, 'exit %s' % rc)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
