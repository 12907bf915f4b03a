#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A fake charon VICI server for the agent's host test (tests/agent/ipsec.sh).

Speaks the VICI wire format (strongSwan src/libcharon/plugins/vici/README.md)
on a Unix socket and keeps what a charon would: loaded connections and, once
one is initiated, an ESTABLISHED IKE_SA with an INSTALLED CHILD_SA.

Every request is logged to LOG, one line each, flattened:
    load-conn ivgmp-2.remote.id=CN=site-b ivgmp-2.children...remote_ts=dynamic[udp/7654]
(values over 80 bytes are shown as <N bytes>).

Misbehaviour on demand: if the file CTL exists when a request arrives, its
first word says what to do instead of answering, and it is removed:
    garbage   answer with a malformed message
    truncate  answer with half a segment, then close
    hang      never answer (the agent must not block on it)
    nochild   (initiate) an IKE_SA without a CHILD_SA, as when the peer
              refuses the child
    refuse    (load-conn) answer success no, "refused by the test"
A watcher acts on one more word at once, without a request:
    rekey     new IKE and CHILD SPIs for every SA, with ike-rekey and
              child-rekey events to the clients registered for them
"""
import os
import secrets
import socket
import struct
import sys
import threading

SOCK, LOG, CTL = sys.argv[1], sys.argv[2], sys.argv[3]

CMD_REQUEST, CMD_RESPONSE, CMD_UNKNOWN, EVENT_REGISTER, EVENT_UNREGISTER, \
    EVENT_CONFIRM, EVENT_UNKNOWN, EVENT = range(8)
SECTION_START, SECTION_END, KEY_VALUE, LIST_START, LIST_ITEM, LIST_END = \
    range(1, 7)

lock = threading.Lock()
conns = {}          # name -> parsed load-conn section
sas = {}            # name -> dict of SA data
registered = set()  # (client id, event)
clients = {}        # client id -> send function


def parse(b):
    """VICI message -> nested dict (lists as python lists); strict."""
    root = {}
    stack = [root]
    cur_list = None
    i = 0
    while i < len(b):
        t = b[i]
        i += 1
        if t == SECTION_END:
            stack.pop()
            continue
        if t == LIST_END:
            cur_list = None
            continue
        if t == LIST_ITEM:
            n = struct.unpack(">H", b[i:i + 2])[0]
            cur_list.append(b[i + 2:i + 2 + n].decode())
            i += 2 + n
            continue
        n = b[i]
        name = b[i + 1:i + 1 + n].decode()
        i += 1 + n
        if t == SECTION_START:
            d = {}
            stack[-1][name] = d
            stack.append(d)
        elif t == KEY_VALUE:
            n = struct.unpack(">H", b[i:i + 2])[0]
            stack[-1][name] = b[i + 2:i + 2 + n].decode()
            i += 2 + n
        elif t == LIST_START:
            cur_list = []
            stack[-1][name] = cur_list
        else:
            raise ValueError("element type %d" % t)
    if len(stack) != 1 or cur_list is not None:
        raise ValueError("unbalanced")
    return root


def encode(d):
    out = b""
    for k, v in d.items():
        kb = k.encode()
        if isinstance(v, dict):
            out += bytes([SECTION_START, len(kb)]) + kb + encode(v) + \
                bytes([SECTION_END])
        elif isinstance(v, list):
            out += bytes([LIST_START, len(kb)]) + kb
            for x in v:
                xb = x.encode()
                out += bytes([LIST_ITEM]) + struct.pack(">H", len(xb)) + xb
            out += bytes([LIST_END])
        else:
            vb = str(v).encode()
            out += bytes([KEY_VALUE, len(kb)]) + kb + \
                struct.pack(">H", len(vb)) + vb
    return out


def flat(d, prefix=""):
    for k, v in d.items():
        if isinstance(v, dict):
            yield from flat(v, prefix + k + ".")
        else:
            s = ",".join(v) if isinstance(v, list) else v
            if len(s) > 80:
                s = "<%d bytes>" % len(s)
            yield "%s%s=%s" % (prefix, k, s)


def segment(ptype, name=None, msg=b""):
    body = bytes([ptype])
    if name is not None:
        body += bytes([len(name)]) + name.encode()
    body += msg
    return struct.pack(">I", len(body)) + body


def sa_data(name):
    s = sas[name]
    if not s["child"]:
        return {"uniqueid": str(s["id"]), "version": "2",
                "state": "ESTABLISHED", "initiator": "yes",
                "initiator-spi": s["ispi"], "responder-spi": s["rspi"],
                "established": "1", "child-sas": {}}
    return {
        "uniqueid": str(s["id"]), "version": "2", "state": "ESTABLISHED",
        "initiator": "yes", "initiator-spi": s["ispi"],
        "responder-spi": s["rspi"], "established": "3",
        "child-sas": {
            "%s-%d" % (name, s["id"]): {
                "name": name, "state": "INSTALLED", "mode": "TRANSPORT",
                "protocol": "ESP", "spi-in": s["spi_in"],
                "spi-out": s["spi_out"], "encr-alg": "AES_GCM_16",
                "encr-keysize": "128", "install-time": "2",
            },
        },
    }


def new_sa(name, child=True):
    sas[name] = {"child": child, "id": len(sas) + 1, "ispi": secrets.token_hex(8),
                 "rspi": secrets.token_hex(8),
                 "spi_in": secrets.token_hex(4),
                 "spi_out": secrets.token_hex(4)}


def ok(err=None):
    return {"success": "no", "errmsg": err} if err else {"success": "yes"}


def command(cid, name, req, send, act=None):
    """-> response dict, or None for CMD_UNKNOWN; may send events first."""
    with lock:
        if name in ("load-cert", "load-key"):
            return ok(None if req.get("data") else "data missing")
        if name == "load-conn":
            if len(req) != 1:
                return ok("one connection per request")
            cname, = req
            conns[cname] = req[cname]
            return ok()
        if name == "unload-conn":
            if req.get("name") not in conns:
                return ok("configuration '%s' not found" % req.get("name"))
            del conns[req["name"]]
            sas.pop(req["name"], None)
            return ok()
        if name == "get-conns":
            return {"conns": sorted(conns)}
        if name == "initiate":
            c = req.get("child")
            if c not in conns:
                return ok("CHILD_SA config '%s' not found" % c)
            if c in sas and not sas[c]["child"]:
                sas[c]["child"] = True      # the child added to the IKE_SA
            else:
                new_sa(c, act != "nochild")
            if sas[c]["child"] and (cid, "child-updown") in registered:
                send(segment(EVENT, "child-updown",
                             encode({"up": "yes", c: sa_data(c)})))
            return ok()
        if name == "terminate":
            if sas.pop(req.get("ike"), None) is None:
                return ok("no matching SAs to terminate found")
            return ok()
        if name == "list-sas":
            for c in sorted(sas):
                if (cid, "list-sa") in registered:
                    send(segment(EVENT, "list-sa", encode({c: sa_data(c)})))
            return {}
    return None


def log(line):
    with open(LOG, "a") as f:
        f.write(line + "\n")


def serve(conn, cid):
    buf = b""
    slock = threading.Lock()

    def send(b):
        with slock:
            conn.sendall(b)

    with lock:
        clients[cid] = send

    try:
        while True:
            while len(buf) < 4 or len(buf) < 4 + struct.unpack(">I", buf[:4])[0]:
                d = conn.recv(65536)
                if not d:
                    return
                buf += d
            n = struct.unpack(">I", buf[:4])[0]
            pkt, buf = buf[4:4 + n], buf[4 + n:]
            ptype = pkt[0]
            name = pkt[2:2 + pkt[1]].decode()
            msg = parse(pkt[2 + pkt[1]:])
            if ptype in (EVENT_REGISTER, EVENT_UNREGISTER):
                with lock:
                    if ptype == EVENT_REGISTER:
                        registered.add((cid, name))
                    else:
                        registered.discard((cid, name))
                send(segment(EVENT_CONFIRM))
                continue
            if ptype != CMD_REQUEST:
                log("bad packet type %d" % ptype)
                return
            log(" ".join([name] + list(flat(msg))))
            act = None
            if os.path.exists(CTL):
                with open(CTL) as f:
                    act = f.read().split()[0]
                if act == "rekey":
                    act = None      # the watcher's
                else:
                    os.unlink(CTL)
            if act == "garbage":
                send(segment(CMD_RESPONSE, None, bytes([3, 200, 1])))
                continue
            if act == "truncate":
                send(struct.pack(">I", 40) + bytes([CMD_RESPONSE, 3]))
                return
            if act == "hang":
                continue
            if act == "rekey":
                act = None
            if act in ("nochild", "refuse") and name != \
                    {"nochild": "initiate", "refuse": "load-conn"}[act]:
                with open(CTL, "w") as f:
                    f.write(act)        # for the command it is meant for
                act = None
            if act == "refuse":
                send(segment(CMD_RESPONSE, None,
                             encode(ok("refused by the test"))))
                continue
            resp = command(cid, name, msg, send, act)
            if resp is None:
                send(segment(CMD_UNKNOWN))
            else:
                send(segment(CMD_RESPONSE, None, encode(resp)))
    except (ConnectionError, BrokenPipeError):
        return
    finally:
        with lock:
            for r in [r for r in registered if r[0] == cid]:
                registered.discard(r)
            clients.pop(cid, None)
        conn.close()


def rekey_all():
    with lock:
        events = []
        for c, s in sas.items():
            old = sa_data(c)
            s["ispi"], s["rspi"] = secrets.token_hex(8), secrets.token_hex(8)
            s["spi_in"], s["spi_out"] = secrets.token_hex(4), \
                secrets.token_hex(4)
            new = sa_data(c)
            child = list(new["child-sas"])[0]
            events.append(("ike-rekey", {c: {"old": old, "new": new}}))
            events.append(("child-rekey", {c: {"child-sas": {child: {
                "old": old["child-sas"][child],
                "new": new["child-sas"][child]}}}}))
        targets = [(cid, send) for cid, send in clients.items()]
        reg = set(registered)
    for cid, send in targets:
        for ev, msg in events:
            if (cid, ev) in reg:
                try:
                    send(segment(EVENT, ev, encode(msg)))
                except OSError:
                    pass
    log("rekeyed %d SA(s)" % (len(events) // 2))


def watcher():
    while True:
        threading.Event().wait(0.2)
        try:
            with open(CTL) as f:
                act = f.read().split()
        except FileNotFoundError:
            continue
        if act and act[0] == "rekey":
            os.unlink(CTL)
            rekey_all()


def main():
    try:
        os.unlink(SOCK)
    except FileNotFoundError:
        pass
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(SOCK)
    srv.listen(8)
    threading.Thread(target=watcher, daemon=True).start()
    cid = 0
    while True:
        c, _ = srv.accept()
        cid += 1
        log("client %d connected" % cid)
        threading.Thread(target=serve, args=(c, cid), daemon=True).start()


if __name__ == "__main__":
    main()
