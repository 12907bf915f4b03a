#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The VNOC operator page, in Debian's headless Chromium.

Run by tests/vnoc/run.sh (PKI and paths in the environment). A VNOC with
web_listen on 127.0.0.1 gets sites (one with a hostile name), relays,
policies, joins and usage reports through ivgmp-vnocctl; Chromium loads the
page from the loopback listener (--dump-dom, --screenshot), and what it
shows is compared with the VNOC's own answers: the site list, and every
site's view (GetState), whose next hops are the tree edges the page must
draw. Prints one PASS:/FAIL: line per test.
"""
import base64
import hashlib
import html.parser
import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time

TOP = os.environ['IVGMP_TOP']
PKI = os.environ['VNOC_PKI']
WORK = os.environ['VNOC_WORK']
PORT = int(os.environ.get('VNOC_WEB_TEST_PORT', '18643'))
WEB_PORT = PORT + 1
URL = 'https://127.0.0.1:%d/' % PORT
WEB_URL = 'http://127.0.0.1:%d/' % WEB_PORT
VNOC = os.path.join(TOP, 'vnoc/ivgmp-vnoc')
# the page's code runs under ASan/UBSan (make -C vnoc asan): a report
# makes the exit status 99, and clean_shutdown fails
VNOC_ASAN = os.path.join(TOP, 'build/vnoc/ivgmp-vnoc-asan')
CTL = os.path.join(TOP, 'vnoc/ivgmp-vnocctl')
CONF = os.path.join(WORK, 'web.conf')
DB = os.path.join(WORK, 'web.db')
LOG = os.path.join(WORK, 'web.log')
SHOT_DIR = os.environ.get('VNOC_WEB_SHOTS', WORK)
# tests/vnoc/run.sh made the certificate "hostile" with this CN
HOSTILE = os.environ['VNOC_HOSTILE_CN']

failures = 0


def result(name, ok, why=''):
    global failures
    if ok:
        print('PASS: vnoc/web_%s' % name, flush=True)
    else:
        failures += 1
        print('FAIL: vnoc/web_%s %s' % (name, why), flush=True)


def run_test(fn):
    try:
        fn()
    except Exception as e:  # a crash of one test is a failure, not an abort
        result(fn.__name__[5:], False, 'exception: %r' % (e,))


def ctl(cn, *args):
    env = dict(os.environ, IVGMP_VNOC_URL=URL,
               IVGMP_VNOC_CA=os.path.join(PKI, 'ca.crt'),
               IVGMP_VNOC_CERT=os.path.join(PKI, cn + '.crt'),
               IVGMP_VNOC_KEY=os.path.join(PKI, cn + '.key'))
    p = subprocess.run([CTL] + [str(a) for a in args], env=env,
                       capture_output=True, text=True, timeout=60)
    if p.returncode not in (0, 3):
        raise RuntimeError('vnocctl %s: %s' % (' '.join(map(str, args)),
                                               p.stderr))
    return p.stdout


def chromium(*args, timeout=90):
    """Runs headless Chromium with a profile of its own, deleted after."""
    prof = tempfile.mkdtemp(dir=WORK, prefix='chromium.')
    try:
        p = subprocess.run(['chromium', '--headless', '--no-sandbox',
                            '--disable-gpu', '--user-data-dir=' + prof,
                            '--no-first-run', '--hide-scrollbars']
                           + list(args), capture_output=True, text=True,
                           timeout=timeout)
    finally:
        shutil.rmtree(prof, ignore_errors=True)
    return p


def dump_dom(url=WEB_URL):
    p = chromium('--dump-dom', url)
    if p.returncode or '<html' not in p.stdout:
        raise RuntimeError('chromium --dump-dom: %d %s' % (p.returncode,
                                                          p.stderr[-500:]))
    return p.stdout


def screenshot(path, url=WEB_URL, size='1200,2700'):
    p = chromium('--screenshot=' + path, '--window-size=' + size, url)
    if p.returncode or not os.path.exists(path):
        raise RuntimeError('chromium --screenshot: %d %s' % (p.returncode,
                                                            p.stderr[-500:]))


class Page(html.parser.HTMLParser):
    """What the page shows: sites, distributions with their edges, nodes
    and markup, usage charts, every tag seen."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.sites = {}         # id -> name shown in the sites table
        self.dists = {}         # (vpn, group, source, origin) -> dict
        self.charts = {}        # ('site', id) / ('group', vpn, g) -> attrs
        self.quiet = set()      # the same keys, listed as without traffic
        self.tags = set()
        self.styles = []
        self._site = None
        self._name = None
        self._style = None
        self._dist = None
        self._fig = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get('class') or '').split()
        self.tags.add(tag)
        if tag == 'style':
            self._style = []
        if tag == 'tr' and 'site' in cls:
            self._site = int(a['data-site'])
        if tag == 'td' and 'name' in cls and self._site is not None:
            self._name = []
        if tag == 'figure' and 'dist' in cls:
            key = (int(a['data-vpn']), a['data-group'], a['data-source'],
                   int(a['data-origin']))
            self._dist = self.dists.setdefault(
                key, {'edges': set(), 'nodes': {}, 'markup': []})
        if tag == 'figure' and 'usage' in cls:
            self._fig = (('site', int(a['data-site'])) if 'site' in cls else
                         ('group', int(a['data-vpn']), a['data-group']))
        if tag == 'svg' and 'chart' in cls and self._fig:
            self.charts[self._fig] = a
        if tag == 'span' and 'quiet' in cls:
            self.quiet.add(('site', int(a['data-site'])) if 'site' in cls
                           else ('group', int(a['data-vpn']),
                                 a['data-group']))
        if self._dist is not None:
            self._dist['markup'].append((tag, tuple(sorted(attrs))))
            if 'edge' in cls:
                self._dist['edges'].add((int(a['data-from']),
                                         int(a['data-to'])))
            if 'node' in cls:
                self._dist['nodes'][int(a['data-site'])] = set(cls)

    def handle_endtag(self, tag):
        if tag == 'style' and self._style is not None:
            self.styles.append(''.join(self._style))
            self._style = None
        if tag == 'td' and self._name is not None:
            self.sites[self._site] = ''.join(self._name)
            self._name = None
        if tag == 'tr':
            self._site = None
        if tag == 'figure':
            self._dist = None
            self._fig = None

    def handle_data(self, data):
        if self._name is not None:
            self._name.append(data)
        if self._style is not None:
            self._style.append(data)


def apply_views():
    """Acknowledges every site's view as an agent does (GetState since the
    version it has), until no view moves: the VNOC names a site as a next
    hop only once that site has applied the view that gives it the route."""
    for _ in range(10):
        moved = False
        for cn in CERT_OF.values():
            out = ctl(cn, 'state')
            v = re.search(r'^version (\d+)', out, re.M).group(1)
            if ' unchanged' not in ctl(cn, 'state', v).splitlines()[0]:
                moved = True
        if not moved:
            return
    raise RuntimeError('views still moving after 10 rounds of acknowledgements')


def view_edges():
    """Every site's view (GetState with its own certificate), once every
    site has applied its view: the edges (vpn, group, source, origin, from,
    to) and the routes' kinds."""
    apply_views()
    edges, local = set(), set()
    for cn in CERT_OF.values():
        out = ctl(cn, 'state')
        site = int(re.search(r'^version \d+ site (\d+)', out, re.M).group(1))
        for m in re.finditer(r'^route vpn (\d+) group (\S+) source (\S+) '
                             r'origin (\d+) (\S+) nexthops ?(\S*)$', out,
                             re.M):
            key = (int(m.group(1)), m.group(2), m.group(3), int(m.group(4)))
            if m.group(5) == 'local':
                local.add(key + (site,))
            for nh in filter(None, m.group(6).split(',')):
                edges.add(key + (site, int(nh)))
    return edges, local


def page_edges(page):
    return {k + e for k, d in page.dists.items() for e in d['edges']}


# site id -> certificate CN (= site name)
CERT_OF = {1: 'site1', 2: 'site2', 3: 'site3', 4: 'site4', 5: 'site5',
           6: 'hostile'}
NAME_OF = dict(CERT_OF)
NAME_OF[6] = HOSTILE


def setup_world():
    for i, name in NAME_OF.items():
        ctl('admin', 'site', 'add', i, name, '192.0.2.%d' % i, 4789)
    ctl('admin', 'policy', 'add', 1, '239.0.0.0/8', 'both', 'permit')
    ctl('admin', 'policy', 'add', 1, '239.0.0.0/8', 'send', 'deny', 'site', 5)
    # group 239.1.1.1: star; 239.2.2.2: a relay tree (tree-fanout 2)
    ctl('admin', 'topology', 'set', 1, '239.2.2.2', 'tree')
    ctl('admin', 'relay', 'set', 2, 'relay', 'fanout', 2)
    ctl('admin', 'relay', 'set', 3, 'relay', 'fanout', 2)
    ctl('site1', 'join', 1, '239.1.1.1', 'sender')
    for cn in ('site2', 'site3', 'hostile'):
        ctl(cn, 'join', 1, '239.1.1.1', 'receiver')
    ctl('site4', 'join', 1, '239.2.2.2', 'sender')
    for cn in ('site1', 'site2', 'site3', 'site5', 'hostile'):
        ctl(cn, 'join', 1, '239.2.2.2', 'receiver')
    # a denied join: site 5 may not send
    if not ctl('site5', 'join', 1, '239.1.1.1', 'sender').startswith('denied'):
        raise RuntimeError('site5 send was not denied')
    # usage: site 1 sent 1 MB to 2, 3 and 6; site 2 received it
    ctl('site1', 'report', 1, 1, '239.1.1.1', 1, 1000, 1000000,
        '2:1000:1000000', '3:1000:1000000', '6:1000:1000000')
    ctl('site2', 'report', 1, 1, '239.1.1.1', 1, 1000, 1000000)


def test_sites_shown():
    page = Page(dump_dom())
    listed = {}
    for line in ctl('admin', 'site', 'list').splitlines():
        f = line.split()
        listed[int(f[0])] = f[1]
    # names with spaces are not in the CLI's list format: check by id
    ok = set(page.sites) == set(listed) and \
        all(page.sites[i] == NAME_OF[i] for i in NAME_OF)
    result('sites_shown', ok, repr((page.sites, listed)))


def test_every_tree_edge_shown():
    edges, local = view_edges()
    page = Page(dump_dom())
    shown = page_edges(page)
    receivers_ok = all(
        'receiver' in page.dists[k[:4]]['nodes'].get(k[4], ())
        for k in local)
    # the relay tree really is a tree: someone other than the origin sends
    relayed = any(e[4] != e[3] for e in edges if e[1] == '239.2.2.2')
    result('every_tree_edge_shown', edges and shown == edges and
           receivers_ok and relayed,
           'view %r page %r receivers %r' % (sorted(edges), sorted(shown),
                                              receivers_ok))


def test_picture_changes_on_join():
    key = (1, '239.1.1.1', '*', 1)
    before = Page(dump_dom()).dists[key]
    ctl('site4', 'join', 1, '239.1.1.1', 'receiver')
    edges, _ = view_edges()
    after_page = Page(dump_dom())
    after = after_page.dists[key]
    want = {e[4:] for e in edges if e[:4] == key}
    ok = (1, 4) not in before['edges'] and (1, 4) in after['edges'] and \
        after['edges'] == want and before['markup'] != after['markup'] and \
        4 in after['nodes'] and page_edges(after_page) == edges
    result('picture_changes_on_join', ok,
           'before %r after %r view %r' % (before['edges'], after['edges'],
                                           want))


def colours(path):
    from PIL import Image
    im = Image.open(path).convert('RGB')
    return im.getcolors(1 << 24) or []


def test_screenshot_not_blank():
    path = os.path.join(SHOT_DIR, 'vnoc-page.png')
    screenshot(path)
    c = colours(path)
    counts = {rgb: n for n, rgb in c}
    # the stylesheet (allowed by its CSP hash) paints origin boxes
    # #54aeff and receiver boxes #4ac26b: without it SVG fills are black
    origin = counts.get((0x54, 0xae, 0xff), 0)
    receiver = counts.get((0x4a, 0xc2, 0x6b), 0)
    ok = len(c) > 50 and origin > 500 and receiver > 500
    result('screenshot_not_blank', ok, '%d colours, origin %d px, receiver '
           '%d px (%s)' % (len(c), origin, receiver, path))


def https_get(cn, path='/'):
    ctx = ssl.create_default_context(cafile=os.path.join(PKI, 'ca.crt'))
    ctx.load_cert_chain(os.path.join(PKI, cn + '.crt'),
                        os.path.join(PKI, cn + '.key'))
    s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', PORT), 20),
                        server_hostname='127.0.0.1')
    return raw_exchange(s, 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n'
                        'Connection: close\r\n\r\n' % path)


def raw_exchange(s, request):
    s.sendall(request.encode())
    data = b''
    while True:
        d = s.recv(65536)
        if not d:
            break
        data += d
    s.close()
    head, _, body = data.partition(b'\r\n\r\n')
    lines = head.decode('latin-1').split('\r\n')
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(':')
        hdrs[k.strip().lower()] = v.strip()
    return int(lines[0].split()[1]), hdrs, body.decode('utf-8', 'replace')


def web_get(request):
    s = socket.create_connection(('127.0.0.1', WEB_PORT), 20)
    return raw_exchange(s, request)


def test_admin_only_on_service_port():
    st_admin, _, body = https_get('admin')
    st_site, _, body403 = https_get('site1')
    ok = st_admin == 200 and 'class="dist"' in body and \
        st_site == 403 and 'class="dist"' not in body403 and \
        'site2' not in body403
    result('admin_only_on_service_port', ok, '%d %d' % (st_admin, st_site))


def test_soap_after_page_same_connection():
    """The page's headers and content type must not stick to the next
    response on a kept-alive connection (an admin's SOAP client)."""
    ctx = ssl.create_default_context(cafile=os.path.join(PKI, 'ca.crt'))
    ctx.load_cert_chain(os.path.join(PKI, 'admin.crt'),
                        os.path.join(PKI, 'admin.key'))
    c = http.client.HTTPSConnection('127.0.0.1', PORT, context=ctx,
                                    timeout=20)
    c.request('GET', '/')
    r = c.getresponse()
    page = r.read()
    st1, sock1 = r.status, c.sock
    body = ('<?xml version="1.0"?><SOAP-ENV:Envelope xmlns:SOAP-ENV='
            '"http://schemas.xmlsoap.org/soap/envelope/" xmlns:vnoc='
            '"urn:ivgmp:vnoc:1"><SOAP-ENV:Body><vnoc:SiteList/>'
            '</SOAP-ENV:Body></SOAP-ENV:Envelope>')
    c.request('POST', '/', body, {'Content-Type': 'text/xml; charset=utf-8',
                                  'SOAPAction': '""'})
    r = c.getresponse()
    reply = r.read().decode()
    ok = st1 == 200 and b'class="dist"' in page and c.sock is sock1 and \
        r.status == 200 and \
        r.getheader('Content-Type', '').startswith('text/xml') and \
        r.getheader('Content-Security-Policy') is None and 'site2' in reply
    c.close()
    result('soap_after_page_same_connection', ok,
           repr((st1, r.status, r.getheaders(), reply[:200])))


def test_csp_header():
    st, h, body = web_get('GET / HTTP/1.1\r\nHost: x\r\nConnection: close'
                          '\r\n\r\n')
    csp = h.get('content-security-policy', '')
    page = Page(body)
    want = set()
    for css in page.styles:
        want.add("'sha256-%s'" % base64.b64encode(
            hashlib.sha256(css.encode()).digest()).decode())
    m = re.search(r"style-src ([^;]*)", csp)
    srcs = set(m.group(1).split()) if m else set()
    ok = st == 200 and csp.startswith("default-src 'none';") and \
        'unsafe' not in csp and 'script' not in page.tags and \
        srcs == want and len(want) == 1 and \
        h.get('x-content-type-options') == 'nosniff' and \
        h.get('content-type', '').startswith('text/html')
    result('csp_header', ok, repr((st, csp, want)))


def test_hostile_name_escaped():
    text = dump_dom()
    page = Page(text)
    # the name reads back exactly, as text, and made no element
    shown = [d for d in page.dists.values() if 6 in d['nodes']]
    ok = page.sites.get(6) == HOSTILE and 'img' not in page.tags and \
        'script' not in page.tags and shown and \
        '<img src=x' not in text and '<script>x' not in text
    result('hostile_name_escaped', ok, repr(page.sites.get(6)))


def test_errors():
    nf, _, b404 = web_get('GET /nope HTTP/1.1\r\nHost: x\r\n'
                          'Connection: close\r\n\r\n')
    bad, _, b400 = web_get('GET /?x=1 HTTP/1.1\r\nHost: x\r\n'
                           'Connection: close\r\n\r\n')
    post, _, b405 = web_get('POST / HTTP/1.1\r\nHost: x\r\n'
                            'Content-Type: text/xml\r\nContent-Length: 0\r\n'
                            'Connection: close\r\n\r\n')
    ok = nf == 404 and 'Not Found' in b404 and bad == 400 and \
        'no query' in b400 and post == 405 and 'GET only' in b405
    result('errors', ok, repr((nf, bad, post)))


def test_usage_chart():
    page = Page(dump_dom())
    s1 = page.charts.get(('site', 1), {})
    s2 = page.charts.get(('site', 2), {})
    g = page.charts.get(('group', 1, '239.1.1.1'), {})
    ok = s1.get('data-sent') == '1000000' and \
        s2.get('data-received') == '1000000' and \
        g.get('data-sent') == '1000000' and \
        g.get('data-received') == '1000000' and \
        set(page.charts) == {('site', 1), ('site', 2),
                             ('group', 1, '239.1.1.1')} and \
        page.quiet == {('site', 3), ('site', 4), ('site', 5), ('site', 6),
                       ('group', 1, '239.2.2.2')}
    result('usage_chart', ok, repr((s1, s2, g, page.quiet)))


def test_web_listen_loopback_only():
    conf = os.path.join(WORK, 'web-bad.conf')
    with open(conf, 'w') as f:
        f.write('web_listen = 192.0.2.1:8080\n')
    p = subprocess.run([VNOC, "-f", conf, "-H", '-l', '127.0.0.1', '-n',
                        '-D', os.path.join(WORK, 'web-bad.db')],
                       capture_output=True, text=True, timeout=30)
    result('web_listen_loopback_only', p.returncode == 1 and
           'loopback' in p.stderr, p.stderr)


def main():
    with open(CONF, 'w') as f:
        f.write('''listen = 127.0.0.1
port = %d
database = %s
cert = %s/localhost.crt
key = %s/localhost.key
ca = %s/ca.crt
admin = admin
tree_fanout = 2
web_listen = 127.0.0.1:%d
''' % (PORT, DB, PKI, PKI, PKI, WEB_PORT))
    log = open(LOG, 'a')
    env = dict(os.environ, ASAN_OPTIONS='abort_on_error=0:exitcode=99',
               UBSAN_OPTIONS='halt_on_error=1:exitcode=99')
    proc = subprocess.Popen([VNOC_ASAN, "-f", CONF, "-d", "-v"], stdout=log,
                            stderr=log, env=env)
    try:
        for _ in range(200):
            try:
                socket.create_connection(('127.0.0.1', WEB_PORT), 0.2).close()
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError('ivgmp-vnoc exited')
                time.sleep(0.05)
        setup_world()
        for t in (test_sites_shown, test_every_tree_edge_shown,
                  test_usage_chart, test_screenshot_not_blank,
                  test_admin_only_on_service_port,
                  test_soap_after_page_same_connection, test_csp_header,
                  test_hostile_name_escaped, test_errors,
                  test_picture_changes_on_join,
                  test_web_listen_loopback_only):
            run_test(t)
    finally:
        proc.terminate()    # our own child, by pid
        rc = proc.wait(30)
        log.close()
        result('clean_shutdown', rc == 0, 'exit %s' % rc)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
