#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Hostile SOAP input against ivgmp-vnoc, on 127.0.0.1.

Run by tests/vnoc/run.sh (after test_vnoc.py), which makes the PKI. Two
servers of their own: the release build over mutual TLS for the cases, and
the ASan/UBSan build over plain HTTP on loopback for the random fuzz (no
handshake per request, and a sanitizer watching). recv-timeout and
idle-timeout keep their defaults (10 s, 120 s): a request that is not
answered at once would wait for them, and every case allows 2 s.
Documentation/testing.md lists the cases and their outcomes.
"""
import os
import random
import re
import socket
import ssl
import subprocess
import sys
import time
import traceback

TOP = os.environ['IVGMP_TOP']
PKI = os.environ['VNOC_PKI']
WORK = os.environ['VNOC_WORK']
PORT = int(os.environ.get('VNOC_PORT', '18543')) + 20
FUZZ_PORT = PORT + 1
VNOC = os.environ.get('VNOC_BIN', os.path.join(TOP, 'vnoc/ivgmp-vnoc'))
VNOC_ASAN = os.environ.get('VNOC_ASAN_BIN',
                           os.path.join(TOP, 'build/vnoc/ivgmp-vnoc-asan'))
CTL = os.path.join(TOP, 'vnoc/ivgmp-vnocctl')
FUZZ_N = int(os.environ.get('VNOC_FUZZ_N', '2000'))
SEED = int(os.environ.get('VNOC_FUZZ_SEED', str(int(time.time()) % 100000)))
BOUND = 2.0     # seconds a refusal may take

failures = 0


def result(name, ok, why=''):
    global failures
    if ok:
        print('PASS: vnoc/hostile/%s' % name, flush=True)
    else:
        failures += 1
        print('FAIL: vnoc/hostile/%s %s' % (name, why), flush=True)


def run_test(fn):
    try:
        fn()
    except Exception as e:  # one test's crash is a failure, not an abort
        result(fn.__name__[5:], False, 'exception: %r' % (e,))
        for line in traceback.format_exc().splitlines():
            print('# ' + line)


ENV = ('<?xml version="1.0" encoding="UTF-8"?>'
       '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"'
       ' xmlns:vnoc="urn:ivgmp:vnoc:1"><SOAP-ENV:Body>%s</SOAP-ENV:Body>'
       '</SOAP-ENV:Envelope>')
ENV12 = ENV.replace('http://schemas.xmlsoap.org/soap/envelope/',
                    'http://www.w3.org/2003/05/soap-envelope')


def env(body):
    return (ENV % body).encode()


def join(group, role='receiver', vpn=1):
    return '<vnoc:JoinGroup><vpn>%d</vpn><group>%s</group><role>%s</role>' \
           '</vnoc:JoinGroup>' % (vpn, group, role)


class Vnoc:
    def __init__(self, binary, name, port, plain=False, extra=''):
        self.port = port
        self.plain = plain
        self.url = '%s://127.0.0.1:%d/' % ('http' if plain else 'https', port)
        self.db = os.path.join(WORK, name + '.db')
        self.logpath = os.path.join(WORK, name + '.log')
        conf = os.path.join(WORK, name + '.conf')
        with open(conf, 'w') as f:
            f.write('listen = 127.0.0.1\nport = %d\ndatabase = %s\n'
                    'admin = admin\n%s' % (port, self.db, extra))
            if plain:
                f.write('plain-http = yes\n')
            else:
                f.write('cert = %s/localhost.crt\nkey = %s/localhost.key\n'
                        'ca = %s/ca.crt\n' % (PKI, PKI, PKI))
        self.log = open(self.logpath, 'w')
        e = dict(os.environ, ASAN_OPTIONS='abort_on_error=0:exitcode=99',
                 UBSAN_OPTIONS='halt_on_error=1:exitcode=99')
        self.proc = subprocess.Popen([binary, '-d', '-f', conf, '-v'],
                                     stdout=self.log, stderr=self.log, env=e)
        for _ in range(400):
            try:
                socket.create_connection(('127.0.0.1', port), 0.2).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError('%s exited %d' % (name,
                                                         self.proc.returncode))
                time.sleep(0.05)
        raise RuntimeError(name + ' did not start')

    def text(self):
        with open(self.logpath, errors='replace') as f:
            return f.read()

    def threads(self):
        with open('/proc/%d/status' % self.proc.pid) as f:
            return int(re.search(r'Threads:\s+(\d+)', f.read()).group(1))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()   # our own child, by pid
        rc = self.proc.wait(30)
        self.log.close()
        return rc


def ctl(url, cn, *args):
    e = dict(os.environ, IVGMP_VNOC_URL=url,
             IVGMP_VNOC_CA=os.path.join(PKI, 'ca.crt'),
             IVGMP_VNOC_CERT=os.path.join(PKI, cn + '.crt'),
             IVGMP_VNOC_KEY=os.path.join(PKI, cn + '.key'))
    p = subprocess.run([CTL] + [str(a) for a in args], env=e,
                       capture_output=True, timeout=60)
    return (p.returncode, p.stdout.decode('utf-8', 'replace'),
            p.stderr.decode('utf-8', 'replace'))


def connect(port, cn=None, timeout=BOUND + 1):
    s = socket.create_connection(('127.0.0.1', port), 5)
    if cn:
        ctx = ssl.create_default_context(cafile=os.path.join(PKI, 'ca.crt'))
        ctx.load_cert_chain(os.path.join(PKI, cn + '.crt'),
                            os.path.join(PKI, cn + '.key'))
        s = ctx.wrap_socket(s, server_hostname='127.0.0.1')
    s.settimeout(timeout)
    return s


def exchange(s, data):
    """Sends data, reads one HTTP reply (to its Content-Length or EOF).
    Returns (status, body, seconds from the last byte sent to the reply)."""
    s.sendall(data)
    t0 = time.monotonic()
    buf = head = body = b''
    try:
        while b'\r\n\r\n' not in buf:
            d = s.recv(65536)
            if not d:
                break
            buf += d
        head, _, body = buf.partition(b'\r\n\r\n')
        m = re.search(rb'Content-Length: *(\d+)', head, re.I)
        while m and len(body) < int(m.group(1)):
            d = s.recv(65536)
            if not d:
                break
            body += d
        if not m:
            while b'</SOAP-ENV:Envelope>' not in body:
                d = s.recv(65536)
                if not d:
                    break
                body += d
    except OSError:
        pass
    dt = time.monotonic() - t0
    status = head.split(b'\r\n', 1)[0].decode('latin-1') if buf else ''
    return status, body.decode('utf-8', 'replace'), dt


def post(body, cn='site1', port=None, length=True, extra='', chunk=None):
    """One POST on a kept-alive connection (no Connection: close, so a
    server that does not answer holds it until its timeouts)."""
    s = connect(port or PORT, cn)
    head = ('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n'
            'Content-Type: text/xml; charset=utf-8\r\nSOAPAction: ""\r\n%s'
            % extra)
    if chunk:
        head += 'Transfer-Encoding: chunked\r\n'
        body = b''.join(b'%x\r\n%s\r\n' % (len(body[i:i + chunk]),
                                             body[i:i + chunk])
                        for i in range(0, len(body), chunk)) + b'0\r\n\r\n'
    elif length:
        head += 'Content-Length: %d\r\n' % len(body)
    try:
        return exchange(s, head.encode() + b'\r\n' + body)
    finally:
        s.close()


def fault_code(body):
    m = re.search(r'<code>([a-z-]+)</code>', body)
    return m.group(1) if m else None


def faultstring(body):
    m = re.search(r'<faultstring>(.*?)</faultstring>', body, re.S)
    return m.group(1) if m else ''


def refused(name, body, code='malformed', cn='site1', faultcode='Client',
            extra='', length=True, want='', chunk=None):
    status, text, dt = post(body, cn, extra=extra, length=length,
                            chunk=chunk)
    ok = ('500' in status and '<SOAP-ENV:Fault>' in text and
          fault_code(text) == code and dt < BOUND and
          'SOAP-ENV:%s</faultcode>' % faultcode in text and
          want in faultstring(text))
    result(name, ok, 'status %r in %.2f s: %r' % (status, dt, text[-400:]))
    return text


srv = None


def test_not_xml():
    refused('not_xml', b'hello, this is not XML at all')


def test_truncated_envelope():
    # cut inside the operation, Content-Length matching what is sent
    body = env(join('239.1.1.1'))
    refused('truncated_envelope', body[:body.index(b'239.1.1.1') + 5],
            want='ended before')
    refused('truncated_in_tag', body[:body.index(b'<role>') + 3])


def test_not_an_envelope():
    refused('not_an_envelope', b'<x/>', want='not a SOAP envelope')


def test_empty_body():
    refused('empty_body', b'')


def test_no_content_length():
    refused('no_content_length', env(join('239.1.1.1')), length=False,
            want='Content-Length')


def groups(vpn=1):
    rc, out, err = ctl(srv.url, 'admin', 'group', 'list', vpn)
    return out


def sites():
    return ctl(srv.url, 'admin', 'site', 'list')[1]


def test_nul_in_site_name():
    body = env('<vnoc:SiteAdd><site><id>9</id><name>site1\x00evil</name>'
               '<address>192.0.2.9</address><port>4789</port></site>'
               '</vnoc:SiteAdd>')
    refused('nul_in_site_name', body, cn='admin', want='NUL')
    s = sites()
    result('nul_in_site_name_not_stored', '9 site' not in s, s)


def test_chunked():
    # a chunked body is framed too: served whole, checked, cut short
    status, text, dt = post(env(join('239.7.7.20')), chunk=40)
    result('chunked_served', '200' in status and 'accepted' in text and
           dt < BOUND, '%r %r' % (status, text[-300:]))
    refused('chunked_nul', env(join('239.7.7.21\x00junk')), chunk=40,
            want='NUL')
    body = env(join('239.7.7.22'))
    refused('chunked_truncated', body[:body.index(b'239.7.7.22') + 5],
            chunk=40)
    # found by the fuzz (seed 28972): the parser, wanting a tag name
    # after the terminal chunk, read the socket again until recv_timeout
    refused('chunked_lone_lt', b'<', chunk=1)
    g = groups()
    result('chunked_refused_not_joined',
           '239.7.7.21' not in g and '239.7.7.22' not in g, g)


def test_nul_in_group():
    refused('nul_in_group', env(join('239.7.7.7\x00junk')), want='NUL')
    g = groups()
    result('nul_in_group_not_joined', '239.7.7.7' not in g, g)


def test_nul_as_reference():
    refused('nul_as_reference', env(join('239.7.7.8&#0;junk')))
    refused('control_char_reference', env(join('239.7.7.8&#x1;')))


def test_invalid_utf8():
    for name, bad in (('invalid_utf8', b'\xff'),
                      ('invalid_utf8_overlong', b'\xc0\xaf'),
                      ('invalid_utf8_surrogate', b'\xed\xa0\x80'),
                      ('invalid_utf8_cut', b'\xe2\x82')):
        body = env('<vnoc:SiteAdd><site><id>9</id><name>siteX</name>'
                   '<address>192.0.2.9</address><port>4789</port></site>'
                   '</vnoc:SiteAdd>').replace(b'siteX', b'site' + bad + b'9')
        refused(name, body, cn='admin', want='UTF-8')
    s = sites()
    result('invalid_utf8_not_stored', '9 site' not in s, s)


def test_valid_utf8_accepted():
    # the check is no blanket refusal of non-ASCII: a UTF-8 name is fine
    rc, out, err = ctl(srv.url, 'admin', 'site', 'add', 8, 'site-\u00e9t\u00e9',
                       '192.0.2.8', 4789)
    s = sites()
    ctl(srv.url, 'admin', 'site', 'remove', 8)
    result('valid_utf8_accepted', rc == 0 and 'site-\u00e9t\u00e9' in s,
           err + s)


def test_soap12_envelope():
    refused('soap12_envelope', (ENV12 % join('239.7.7.9')).encode(),
            code='version-mismatch', faultcode='VersionMismatch')
    g = groups()
    result('soap12_not_joined', '239.7.7.9' not in g, g)


def test_doctype():
    body = b'<?xml version="1.0"?><!DOCTYPE x>' + \
        env(join('239.7.7.10')).split(b'?>', 1)[1]
    refused('doctype', body, want='DOCTYPE')
    g = groups()
    result('doctype_not_joined', '239.7.7.10' not in g, g)


def test_processing_instruction():
    refused('processing_instruction',
            env('<?evil x?>' + join('239.7.7.11')), want='processing')


def test_two_operations():
    refused('two_operations', env(join('239.7.7.12') + join('239.7.7.13')),
            want='second element')
    g = groups()
    result('two_operations_none_done',
           '239.7.7.12' not in g and '239.7.7.13' not in g, g)


def test_unknown_operation():
    refused('unknown_operation', env('<vnoc:Explode><x>1</x></vnoc:Explode>'))


def test_well_formed_still_served():
    # kept alive: two requests on one connection, each answered, and
    # comments and CDATA are still XML
    s = connect(PORT, 'site1')
    out = []
    for body in (env(join('239.7.7.14')),
                 env('<!-- a comment --><vnoc:GetState><sinceVersion>0'
                     '</sinceVersion><waitSeconds><![CDATA[0]]></waitSeconds>'
                     '</vnoc:GetState>')):
        out.append(exchange(s, ('POST / HTTP/1.1\r\nHost: x\r\n'
                                'Content-Type: text/xml\r\nContent-Length: %d'
                                '\r\n\r\n' % len(body)).encode() + body))
    s.close()
    result('well_formed_still_served',
           all('200' in st and dt < BOUND for st, _, dt in out) and
           'accepted' in out[0][1] and 'GetStateResponse' in out[1][1],
           repr(out))


def test_fault_codes():
    # each refusal a program can act on, by the code in <detail>
    cases = [
        ('not_registered', 'stranger', '<vnoc:GetState><sinceVersion>0'
         '</sinceVersion><waitSeconds>0</waitSeconds></vnoc:GetState>',
         'not-registered', 'not a registered site'),
        ('not_admin', 'site1', '<vnoc:SiteList/>', 'not-admin', 'admin'),
        ('two_cns', 'twocn', '<vnoc:GetState><sinceVersion>0</sinceVersion>'
         '<waitSeconds>0</waitSeconds></vnoc:GetState>', 'unauthenticated',
         'more than one CN'),
        ('two_cns_admin', 'twocn', '<vnoc:SiteList/>', 'unauthenticated',
         'more than one CN'),
        ('invalid_argument', 'site1', join('10.0.0.1'), 'invalid-argument',
         'multicast'),
        ('not_found', 'admin', '<vnoc:SiteRemove><id>77</id>'
         '</vnoc:SiteRemove>', 'not-found', 'no site 77'),
        ('conflict', 'admin', '<vnoc:SiteAdd><site><id>1</id><name>other'
         '</name><address>192.0.2.1</address><port>1</port></site>'
         '</vnoc:SiteAdd>', 'conflict', 'already'),
        ('limit_exceeded', 'site1', '<vnoc:JoinGroup><vpn>1</vpn><group>'
         '239.1.1.1</group><role>receiver</role>' +
         '<source>10.0.0.1</source>' * 65 + '</vnoc:JoinGroup>',
         'limit-exceeded', 'sources'),
        ('not_in_view', 'site2', '<vnoc:ReportUsage><seq>5</seq><route>'
         '<vpn>1</vpn><group>239.99.0.1</group><origin>1</origin><packets>1'
         '</packets><bytes>1</bytes></route></vnoc:ReportUsage>',
         'not-in-view', 'not a route'),
        ('policy_not_multicast', 'admin', '<vnoc:PolicyAdd><policy><id>0</id>'
         '<vpn>1</vpn><prefix>10.0.0.0/8</prefix><send>true</send><receive>'
         'true</receive><action>permit</action></policy></vnoc:PolicyAdd>',
         'invalid-argument', 'multicast prefix'),
        ('policy_wider_than_multicast', 'admin', '<vnoc:PolicyAdd><policy><id>'
         '0</id><vpn>1</vpn><prefix>224.0.0.0/3</prefix><send>true</send>'
         '<receive>true</receive><action>permit</action></policy>'
         '</vnoc:PolicyAdd>', 'invalid-argument', 'multicast prefix'),
        ('policy_v6_not_multicast', 'admin', '<vnoc:PolicyAdd><policy><id>0'
         '</id><vpn>1</vpn><prefix>2001:db8::/32</prefix><send>true</send>'
         '<receive>true</receive><action>permit</action></policy>'
         '</vnoc:PolicyAdd>', 'invalid-argument', 'multicast prefix'),
    ]
    for name, cn, body, code, want in cases:
        refused('code_' + name, env(body), code=code, cn=cn, want=want)
    pol = ctl(srv.url, 'admin', 'policy', 'list')[1]
    result('policy_not_multicast_not_stored',
           '10.0.0.0/8' not in pol and '224.0.0.0/3' not in pol and
           '2001:db8::/32' not in pol, pol)


def test_fault_declared_in_wsdl():
    # as served (GET /?wsdl), which is Documentation/ivgmp.wsdl
    s = connect(PORT, 'site1')
    status, doc, _ = exchange(s, b'GET /?wsdl HTTP/1.1\r\nHost: x\r\n\r\n')
    s.close()
    port = doc[doc.index('<portType'):doc.index('</portType>')]
    ops = re.findall(r'<operation name="(\w+)">(.*?)</operation>', port, re.S)
    codes = re.findall(r'<enumeration value="([a-z-]+)"/><!-- vnoc__FaultCode',
                       doc)
    want = {'malformed', 'version-mismatch', 'limit-exceeded',
            'unauthenticated', 'not-registered', 'not-admin', 'not-in-view',
            'invalid-argument', 'not-found', 'conflict', 'internal'}
    result('fault_declared_in_wsdl',
           len(ops) == 18 and all('<fault name="FaultDetail"' in o
                                  for _, o in ops) and set(codes) == want,
           '%d ops, codes %r' % (len(ops), codes))


def test_report_seq0_duplicate():
    # seq 0 is never counted: it is acknowledged as a duplicate with the
    # last counted seq, as the docs say (a question, not a report)
    rep = ('<vnoc:ReportUsage><seq>%d</seq><route><vpn>1</vpn><group>'
           '239.7.7.14</group><origin>2</origin><packets>7</packets><bytes>'
           '700</bytes></route></vnoc:ReportUsage>')
    ctl(srv.url, 'site2', 'join', 1, '239.7.7.14', 'sender')
    st1, t1, _ = post(env(rep % 3), cn='site2')
    st0, t0, _ = post(env(rep % 0), cn='site2')
    usage = ctl(srv.url, 'admin', 'usage', 'site', 2)[1]
    rows = [l for l in usage.split('\n') if '239.7.7.14' in l and ',0,' in l]
    result('report_seq0_duplicate',
           '200' in st1 and '200' in st0 and
           '<duplicate>true</duplicate>' in t0 and
           '<lastSeq>3</lastSeq>' in t0 and len(rows) == 1 and
           rows[0].endswith(',7,700'), '%r %r %r' % (t1[-300:], t0[-300:],
                                                     usage))


def rss_kib(v):
    with open('/proc/%d/status' % v.proc.pid) as f:
        return int(re.search(r'VmRSS:\s+(\d+)', f.read()).group(1))


def test_memory_returned():
    # rounds of N idle kept-alive TLS connections (one request each, then
    # idle), all closed: the connections' memory goes back (it used to
    # stay at the peak and grow with each round), and an idle connection
    # costs less than 200 KiB (it was 234)
    n, rounds = 400, 3
    body = env('<vnoc:GetState><sinceVersion>0</sinceVersion><waitSeconds>0'
               '</waitSeconds></vnoc:GetState>')
    req = ('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n'
           % len(body)).encode() + body
    base = rss_kib(srv)
    peaks, left = [], []
    for _ in range(rounds):
        socks = []
        for _ in range(n):
            s = connect(PORT, 'site1', timeout=10)
            exchange(s, req)
            socks.append(s)
        time.sleep(0.5)
        peaks.append(rss_kib(srv))
        for s in socks:
            s.close()
        deadline = time.monotonic() + 20
        while srv.threads() > 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.5)     # the accept loop trims once a second
        left.append(rss_kib(srv))
    per_conn = (peaks[0] - base) / n
    kept = max(left[1:]) - base
    print('# memory: baseline %d KiB; %d idle TLS connections: +%.0f KiB '
          'each; after closing them, rounds: %s KiB above baseline' % (
              base, n, per_conn, [l - base for l in left]), flush=True)
    result('memory_idle_connection_bounded', per_conn < 200,
           '%.0f KiB per connection' % per_conn)
    result('memory_returned_after_close',
           kept < 0.5 * (min(peaks) - base),
           'baseline %d peaks %r after close %r' % (base, peaks, left))


# ---- random fuzz ----------------------------------------------------------

SEEDS = [
    join('239.1.1.1'),
    join('ff3e::1', 'sender') .replace('</role>', '</role><source>2001:db8::1'
                                       '</source>'),
    '<vnoc:LeaveGroup><vpn>1</vpn><group>239.1.1.1</group><role>receiver'
    '</role></vnoc:LeaveGroup>',
    '<vnoc:GetState><sinceVersion>0</sinceVersion><waitSeconds>0'
    '</waitSeconds></vnoc:GetState>',
    '<vnoc:ReportUsage><seq>1</seq><route><vpn>1</vpn><group>239.1.1.1'
    '</group><origin>1</origin><packets>1</packets><bytes>1</bytes><nexthop>'
    '<site>2</site><packets>1</packets><bytes>1</bytes></nexthop></route>'
    '</vnoc:ReportUsage>',
    '<vnoc:SiteAdd><site><id>3</id><name>x</name><address>192.0.2.3'
    '</address><port>1</port><key>k</key></site></vnoc:SiteAdd>',
    '<vnoc:SiteList/>',
    '<vnoc:PolicyAdd><policy><id>0</id><vpn>1</vpn><prefix>239.0.0.0/8'
    '</prefix><site>1</site><send>true</send><receive>false</receive>'
    '<action>deny</action></policy></vnoc:PolicyAdd>',
    '<vnoc:RelaySet><site>1</site><relay>true</relay><reflector>false'
    '</reflector><fanout>4</fanout></vnoc:RelaySet>',
    '<vnoc:TopologySet><rule><vpn>1</vpn><group>239.1.1.1</group><mode>tree'
    '</mode></rule></vnoc:TopologySet>',
    '<vnoc:UsageReport><site>1</site><from>0</from><to>0</to><format>json'
    '</format></vnoc:UsageReport>',
    '<vnoc:AuditLog><sinceId>0</sinceId><limit>10</limit></vnoc:AuditLog>',
]
SNIPPETS = [b'<', b'>', b'/>', b'</', b'&', b'&#0;', b'&lt;', b'\x00', b'\xff',
            b'\xc3', b'<!DOCTYPE x>', b'<?pi?>', b'<![CDATA[', b']]>', b'<!--',
            b'-->', b'"', b'=', b'xmlns:a="b"', b'<a>', b'</a>', b'99999999999',
            b'-1', b'<SOAP-ENV:Body>', b'</SOAP-ENV:Envelope>']


def mutate(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(6)
        i = rng.randrange(len(data) + 1)
        if op == 0 and data:        # flip a bit
            i = min(i, len(data) - 1)
            data[i] ^= 1 << rng.randrange(8)
        elif op == 1:               # random byte
            data[i:i] = bytes([rng.randrange(256)])
        elif op == 2:               # delete a run
            del data[i:i + rng.randint(1, 16)]
        elif op == 3:               # truncate
            del data[i:]
        elif op == 4:               # insert markup
            data[i:i] = rng.choice(SNIPPETS)
        else:                       # duplicate a run
            j = rng.randrange(len(data) + 1)
            data[i:i] = data[j:j + rng.randint(1, 64)]
    return bytes(data)


def test_random_fuzz():
    rng = random.Random(SEED)
    stats = {'mutated': 0, 'random': 0, 'ok': 0, 'fault': 0}
    bad = []
    t_start = time.monotonic()
    for n in range(FUZZ_N):
        if rng.random() < 0.75:
            body = mutate(rng, env(rng.choice(SEEDS)))
            kind = 'mutated'
        else:
            body = bytes(rng.randrange(256) for _ in range(rng.randint(0, 600)))
            kind = 'random'
        stats[kind] += 1
        # one in ten chunked, in chunks of 1 to 200 bytes
        chunk = rng.randint(1, 200) if rng.random() < 0.1 else None
        try:
            status, text, dt = post(body, cn=None, port=FUZZ_PORT,
                                    chunk=chunk)
        except OSError as e:
            status, text, dt = 'error %r' % e, '', 0
        if '200 OK' in status:
            stats['ok'] += 1
        elif '500' in status and '<SOAP-ENV:Fault>' in text and \
                fault_code(text):
            stats['fault'] += 1
        else:
            bad.append((n, kind, status, round(dt, 2), body[:80]))
        if dt >= BOUND:
            bad.append((n, kind, 'slow', round(dt, 2), body[:80]))
        if len(bad) >= 20:
            break               # enough said, and each costs seconds
        if fuzz.proc.poll() is not None:
            bad.append((n, kind, 'server exited %d' % fuzz.proc.returncode,
                        0, body[:80]))
            break
    took = time.monotonic() - t_start
    # healthy afterwards: it answers, its connection threads are gone
    status, text, dt = post(env('<vnoc:GetState><sinceVersion>0</sinceVersion>'
                                '<waitSeconds>0</waitSeconds></vnoc:GetState>'),
                            cn=None, port=FUZZ_PORT)
    deadline = time.monotonic() + 5
    while fuzz.threads() > 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    threads = fuzz.threads()
    print('# fuzz seed %d: %d requests (%d mutated, %d random) in %.1f s: '
          '%d answered 200, %d Faults, %d bad' % (
              SEED, FUZZ_N, stats['mutated'], stats['random'], took,
              stats['ok'], stats['fault'], len(bad)), flush=True)
    result('random_fuzz_every_request_answered',
           not bad and stats['ok'] + stats['fault'] == FUZZ_N,
           'seed %d: %r' % (SEED, bad[:5]))
    result('random_fuzz_healthy_after',
           'unauthenticated' in text and threads == 1,
           'status %r threads %d' % (status, threads))


fuzz = None


def main():
    global srv, fuzz
    srv = Vnoc(VNOC, 'hostile', PORT, extra='max_connections = 1024\n')
    fuzz = Vnoc(VNOC_ASAN, 'fuzz', FUZZ_PORT, plain=True,
                extra='max_connections = 8\n')
    try:
        for i in (1, 2, 3):
            ctl(srv.url, 'admin', 'site', 'add', i, 'site%d' % i,
                '192.0.2.%d' % i, 4789)
        ctl(srv.url, 'admin', 'policy', 'add', 1, '239.0.0.0/8', 'both',
            'permit')
        for t in (test_not_xml, test_truncated_envelope, test_not_an_envelope,
                  test_empty_body, test_no_content_length,
                  test_nul_in_site_name, test_nul_in_group, test_chunked,
                  test_nul_as_reference, test_invalid_utf8,
                  test_valid_utf8_accepted, test_soap12_envelope,
                  test_doctype, test_processing_instruction,
                  test_two_operations, test_unknown_operation,
                  test_well_formed_still_served, test_fault_codes,
                  test_fault_declared_in_wsdl, test_report_seq0_duplicate,
                  test_memory_returned, test_random_fuzz):
            run_test(t)
    finally:
        rc = srv.stop()
        result('clean_shutdown', rc == 0, 'exit %s' % rc)
        rc = fuzz.stop()
        t = fuzz.text()
        result('fuzz_server_sanitizer_clean',
               rc == 0 and 'Sanitizer' not in t and 'runtime error' not in t,
               'exit %s: %s' % (rc, t[-1500:]))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
