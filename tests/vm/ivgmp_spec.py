#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check the YNL spec of the ivgmp family against the loaded module and the
uapi header:

    ivgmp_spec.py SPEC HEADER [PREFIX]

- the spec's shape: the keys of the genetlink-legacy schema only, every
  attribute set, nested set, enum and flags name it uses defined;
- the numbers: every command and every attribute of a set with an
  enum-name has the value of the same name in HEADER;
- the family (CTRL_CMD_GETFAMILY): its commands are the spec's commands
  with do or dump handlers, with the spec's admin flags; its multicast
  groups are the spec's;
- the policies (CTRL_CMD_GETPOLICY): for every command, the request policy
  of each handler is exactly what the spec's request attributes make of
  it, recursively: types, integer ranges, flag masks, binary lengths,
  nested sets with their highest attribute.

One PASS:/FAIL: line per check. Needs python3-yaml (/usr/bin/python3).
"""
import os
import re
import struct
import sys

import yaml

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ivgmp_nl import (GENL_ID_CTRL, NLM_F_DUMP, NLM_F_REQUEST,  # noqa: E402
                      Genl, attr, parse_attrs_all)

CTRL_CMD_GETFAMILY, CTRL_CMD_GETPOLICY = 3, 10
CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_OPS, CTRL_ATTR_MCAST_GROUPS = 2, 6, 7
CTRL_ATTR_POLICY, CTRL_ATTR_OP_POLICY = 8, 9
CTRL_ATTR_OP_ID, CTRL_ATTR_OP_FLAGS = 1, 2
CTRL_ATTR_POLICY_DO, CTRL_ATTR_POLICY_DUMP = 1, 2
CTRL_ATTR_MCAST_GRP_NAME = 1
GENL_ADMIN_PERM, GENL_CMD_CAP_DO, GENL_CMD_CAP_DUMP = 0x01, 0x02, 0x04
GENL_UNS_ADMIN_PERM = 0x10
(NL_POLICY_TYPE_ATTR_TYPE, NL_POLICY_TYPE_ATTR_MIN_VALUE_S,
 NL_POLICY_TYPE_ATTR_MAX_VALUE_S, NL_POLICY_TYPE_ATTR_MIN_VALUE_U,
 NL_POLICY_TYPE_ATTR_MAX_VALUE_U, NL_POLICY_TYPE_ATTR_MIN_LENGTH,
 NL_POLICY_TYPE_ATTR_MAX_LENGTH, NL_POLICY_TYPE_ATTR_POLICY_IDX,
 NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE, NL_POLICY_TYPE_ATTR_BITFIELD32_MASK,
 NL_POLICY_TYPE_ATTR_PAD, NL_POLICY_TYPE_ATTR_MASK) = range(1, 13)
# enum netlink_attribute_type
NL_TYPES = {"flag": 1, "u8": 2, "u16": 3, "u32": 4, "u64": 5, "s8": 6,
            "s16": 7, "s32": 8, "s64": 9, "binary": 10, "string": 11,
            "nul-string": 12, "nest": 13, "nest-array": 14,
            "bitfield32": 15}
UNSIGNED_MAX = {"u8": 0xff, "u16": 0xffff, "u32": 0xffffffff,
                "u64": 0xffffffffffffffff}
LIMITS = {"%s%d-%s" % (s, b, m): v for b in (8, 16, 32, 64)
          for s, m, v in (("u", "min", 0), ("u", "max", (1 << b) - 1),
                          ("s", "min", -(1 << (b - 1))),
                          ("s", "max", (1 << (b - 1)) - 1))}

# Keys of Documentation/netlink/genetlink-legacy.yaml (kernel tree).
TOP_KEYS = {"name", "doc", "protocol", "uapi-header", "c-family-name",
            "c-version-name", "max-by-define", "kernel-policy", "version",
            "definitions", "attribute-sets", "operations", "mcast-groups"}
DEF_KEYS = {"name", "header", "type", "doc", "value", "value-start",
            "entries", "render-max", "enum-name", "name-prefix", "members"}
SET_KEYS = {"name", "name-prefix", "enum-name", "doc", "subset-of",
            "attr-cnt-name", "attr-max-name", "attributes"}
ATTR_KEYS = {"name", "type", "doc", "value", "type-value", "byte-order",
             "multi-attr", "nested-attributes", "enum", "enum-as-flags",
             "checks", "sub-type", "display-hint", "name-prefix", "struct"}
ATTR_TYPES = {"unused", "pad", "flag", "binary", "bitfield32", "uint",
              "sint", "u8", "u16", "u32", "u64", "s32", "s64", "string",
              "nest", "array-nest", "nest-type-value"}
CHECK_KEYS = {"flags-mask", "min", "max", "min-len", "max-len", "exact-len"}
OPS_KEYS = {"enum-model", "name-prefix", "enum-name", "async-prefix",
            "async-enum", "fixed-header", "list"}
OP_KEYS = {"name", "doc", "value", "attribute-set", "flags",
           "dont-validate", "fixed-header", "do", "dump", "notify", "event",
           "mcgrp"}
SUBOP_KEYS = {"request", "reply", "pre", "post"}

failed = 0
prefix = ""


def result(name, ok, why=""):
    global failed
    if ok:
        print("PASS: %s%s" % (prefix, name))
    else:
        failed = 1
        print("FAIL: %s%s: %s" % (prefix, name, why))


def cname(*parts):
    return "".join(parts).upper().replace("-", "_")


class Spec:
    def __init__(self, doc):
        self.doc = doc
        self.defs = {d["name"]: d for d in doc.get("definitions", [])}
        self.sets = {s["name"]: s for s in doc["attribute-sets"]}
        self.ops = doc["operations"]["list"]
        # attribute values: from 1 unless given, as tools/net/ynl numbers them
        self.attrs = {}
        for s in doc["attribute-sets"]:
            if "subset-of" in s:
                continue
            val, attrs = 1, {}
            for a in s["attributes"]:
                val = a.get("value", val)
                attrs[a["name"]] = dict(a, value=val)
                val += 1
            self.attrs[s["name"]] = attrs
        for s in doc["attribute-sets"]:
            if "subset-of" in s:
                parent = self.attrs[s["subset-of"]]
                self.attrs[s["name"]] = {a["name"]: dict(parent[a["name"]], **a)
                                         for a in s["attributes"]}
        self.opval, val = {}, 1
        for op in self.ops:
            val = op.get("value", val)
            self.opval[op["name"]] = val
            val += 1

    def flags_mask(self, name):
        d = self.defs[name]
        start = d.get("value-start", 0)
        mask = 0
        for i, e in enumerate(d["entries"]):
            v = e.get("value", start + i) if isinstance(e, dict) else start + i
            mask |= 1 << v
        return mask


def check_shape(spec):
    doc, bad = spec.doc, []

    def keys(where, obj, allowed):
        extra = set(obj) - allowed
        if extra:
            bad.append("%s: unknown keys %s" % (where, sorted(extra)))

    keys("top level", doc, TOP_KEYS)
    for k in ("name", "doc", "attribute-sets", "operations"):
        if k not in doc:
            bad.append("missing %s" % k)
    if doc.get("protocol") != "genetlink-legacy":
        bad.append("protocol is not genetlink-legacy")
    for d in doc.get("definitions", []):
        keys("definition %s" % d["name"], d, DEF_KEYS)
    for s in doc["attribute-sets"]:
        keys("set %s" % s["name"], s, SET_KEYS)
        if "subset-of" in s and s["subset-of"] not in spec.sets:
            bad.append("set %s: no set %s" % (s["name"], s["subset-of"]))
        for a in s["attributes"]:
            where = "%s.%s" % (s["name"], a["name"])
            keys(where, a, ATTR_KEYS)
            full = spec.attrs[s["name"]].get(a["name"])
            if full is None or full.get("type") not in ATTR_TYPES:
                bad.append("%s: no valid type" % where)
                continue
            keys(where + " checks", full.get("checks", {}), CHECK_KEYS)
            nested = full.get("nested-attributes")
            if full["type"] == "nest" and nested not in spec.sets:
                bad.append("%s: nested set %r undefined" % (where, nested))
            for k in ("enum",):
                if k in full and full[k] not in spec.defs:
                    bad.append("%s: enum %r undefined" % (where, full[k]))
            mask = full.get("checks", {}).get("flags-mask")
            if mask and spec.defs.get(mask, {}).get("type") != "flags":
                bad.append("%s: flags-mask %r is no flags" % (where, mask))
    keys("operations", doc["operations"], OPS_KEYS)
    for op in spec.ops:
        keys("op %s" % op["name"], op, OP_KEYS)
        if "doc" not in op:
            bad.append("op %s: no doc" % op["name"])
        for sub in ("do", "dump"):
            if sub not in op:
                continue
            keys("op %s %s" % (op["name"], sub), op[sub], SUBOP_KEYS)
            for part in ("request", "reply"):
                for n in op[sub].get(part, {}).get("attributes", []):
                    if n not in spec.attrs[op["attribute-set"]]:
                        bad.append("op %s: no attribute %s" % (op["name"], n))
    result("spec: genetlink-legacy shape, every name defined", not bad,
           "; ".join(bad))


def header_enums(path):
    """name -> value for every enumerator of every enum in the header."""
    text = re.sub(r"/\*.*?\*/", "", open(path).read(), flags=re.S)
    values = {}
    for body in re.findall(r"enum\s+\w+\s*{(.*?)}", text, flags=re.S):
        val = 0
        for item in body.split(","):
            item = item.strip()
            if not item:
                continue
            name, _, expr = item.partition("=")
            name = name.strip()
            if expr.strip():
                try:
                    val = int(eval(re.sub(r"(\d)U\b", r"\1",
                                          expr.strip()), {}, dict(values)))
                except Exception:  # a mask of other names: not numbered
                    val = None
            values[name] = val
            val = val + 1 if val is not None else None
    return values


def check_header(spec, path):
    enums, bad = header_enums(path), []
    pre = spec.doc["operations"].get("name-prefix", "")
    for op in spec.ops:
        n = cname(pre, op["name"])
        if enums.get(n) != spec.opval[op["name"]]:
            bad.append("%s: header %s, spec %s" % (n, enums.get(n),
                                                   spec.opval[op["name"]]))
    for s in spec.doc["attribute-sets"]:
        if "subset-of" in s or "enum-name" not in s:
            continue
        for a in spec.attrs[s["name"]].values():
            n = cname(s["name-prefix"], a["name"])
            if enums.get(n) != a["value"]:
                bad.append("%s: header %s, spec %s" % (n, enums.get(n),
                                                       a["value"]))
    for d in spec.defs.values():
        if d["type"] != "flags":
            continue
        for i, e in enumerate(d["entries"]):
            e = e if isinstance(e, dict) else {"name": e}
            n = cname(d["name-prefix"], e["name"])
            v = 1 << e.get("value", d.get("value-start", 0) + i)
            if enums.get(n) != v:
                bad.append("%s: header %s, spec %s" % (n, enums.get(n), v))
    result("spec: command, attribute and flag values are the uapi header's",
           not bad, "; ".join(bad))


def parse_nested(buf):
    return {t & 0x3fff: v for t, v in parse_attrs_all(buf)}


def u(buf):
    return struct.unpack("=Q" if len(buf) == 8 else "=I", buf)[0]


def kernel_family(g, name):
    err, _t, _o, replies = g.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                                     attr(CTRL_ATTR_FAMILY_NAME,
                                          name.encode() + b"\0"), 0)
    if err:
        raise OSError(-err, "GETFAMILY")
    top = parse_nested(replies[0][4:])
    ops = {}
    for _t, op in parse_attrs_all(top.get(CTRL_ATTR_OPS, b"")):
        o = parse_nested(op)
        ops[u(o[CTRL_ATTR_OP_ID])] = u(o[CTRL_ATTR_OP_FLAGS])
    groups = set()
    for _t, grp in parse_attrs_all(top.get(CTRL_ATTR_MCAST_GROUPS, b"")):
        n = parse_nested(grp)[CTRL_ATTR_MCAST_GRP_NAME]
        groups.add(n.rstrip(b"\0").decode())
    return ops, groups


def kernel_policies(g, name):
    """({cmd: {"do": idx, "dump": idx}}, {idx: {attr: {key: raw}}})"""
    # A dump without NLM_F_ACK: nothing may follow NLMSG_DONE.
    body = struct.pack("=BBH", CTRL_CMD_GETPOLICY, 1, 0) + \
        attr(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0")
    raw = struct.pack("=IHHII", 16 + len(body), GENL_ID_CTRL,
                      NLM_F_REQUEST | NLM_F_DUMP, g.seq + 1, 0) + body
    err, _t, _o, replies = g.request(GENL_ID_CTRL, CTRL_CMD_GETPOLICY, b"",
                                     NLM_F_DUMP, raw=raw)
    if err:
        raise OSError(-err, "GETPOLICY")
    ops, policies = {}, {}
    for m in replies:
        top = parse_nested(m[4:])
        if CTRL_ATTR_OP_POLICY in top:
            for cmd, v in parse_attrs_all(top[CTRL_ATTR_OP_POLICY]):
                p = parse_nested(v)
                ops[cmd & 0x3fff] = {
                    k: u(p[i]) for k, i in (("do", CTRL_ATTR_POLICY_DO),
                                            ("dump", CTRL_ATTR_POLICY_DUMP))
                    if i in p}
        if CTRL_ATTR_POLICY in top:
            for idx, v in parse_attrs_all(top[CTRL_ATTR_POLICY]):
                pol = policies.setdefault(idx & 0x3fff, {})
                for atype, a in parse_attrs_all(v):
                    pol[atype & 0x3fff] = parse_nested(a)
    return ops, policies


def limit(v):
    return LIMITS[v] if isinstance(v, str) else v


class PolicyCheck:
    def __init__(self, spec, policies):
        self.spec, self.policies = spec, policies

    def attr(self, where, a, k, bad):
        """Compare one spec attribute with one reported attribute policy."""
        t, checks = a["type"], a.get("checks", {})
        got_type = u(k[NL_POLICY_TYPE_ATTR_TYPE])
        if t in ("pad", "unused"):
            bad.append("%s: reported, but %s in the spec" % (where, t))
            return
        if NL_TYPES.get(t) != got_type:
            bad.append("%s: type %d, spec %s" % (where, got_type, t))
            return
        want = {}
        if t in UNSIGNED_MAX:
            if "flags-mask" in checks:
                want[NL_POLICY_TYPE_ATTR_MASK] = \
                    self.spec.flags_mask(checks["flags-mask"])
            else:
                want[NL_POLICY_TYPE_ATTR_MIN_VALUE_U] = \
                    limit(checks.get("min", 0))
                want[NL_POLICY_TYPE_ATTR_MAX_VALUE_U] = \
                    limit(checks.get("max", UNSIGNED_MAX[t]))
        elif t == "binary":
            lo = checks.get("exact-len", checks.get("min-len"))
            hi = checks.get("exact-len", checks.get("max-len"))
            if lo:
                want[NL_POLICY_TYPE_ATTR_MIN_LENGTH] = lo
            if hi:
                want[NL_POLICY_TYPE_ATTR_MAX_LENGTH] = hi
        elif t == "nest":
            nested = self.spec.attrs[a["nested-attributes"]]
            want[NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE] = \
                max(x["value"] for x in nested.values())
        got = {key: u(v) for key, v in k.items()
               if key not in (NL_POLICY_TYPE_ATTR_TYPE,
                              NL_POLICY_TYPE_ATTR_POLICY_IDX)}
        if got != want:
            bad.append("%s: %s, spec says %s" % (where, got, want))
        if t == "nest":
            idx = k.get(NL_POLICY_TYPE_ATTR_POLICY_IDX)
            if idx is None:
                bad.append("%s: no nested policy" % where)
            else:
                names = list(self.spec.attrs[a["nested-attributes"]])
                self.policy(where, a["nested-attributes"], names, u(idx),
                            bad)

    def policy(self, where, set_name, names, idx, bad):
        """Policy @idx must hold exactly the policy-bearing @names."""
        got = self.policies.get(idx, {})
        attrs = self.spec.attrs[set_name]
        want = {attrs[n]["value"]: attrs[n] for n in names
                if attrs[n]["type"] not in ("pad", "unused")}
        for v in sorted(set(got) - set(want)):
            bad.append("%s: attribute %d accepted, not in the spec" %
                       (where, v))
        for v, a in sorted(want.items()):
            w = "%s.%s" % (where, a["name"])
            if v not in got:
                bad.append("%s: in the spec, rejected by the kernel" % w)
            else:
                self.attr(w, a, got[v], bad)


def check_kernel(spec, g):
    name = spec.doc["name"]
    kops, groups = kernel_family(g, name)
    kpol_ops, policies = kernel_policies(g, name)
    want_groups = {x["name"] for x in spec.doc.get("mcast-groups",
                                                   {}).get("list", [])}
    result("family: multicast groups are the spec's", groups == want_groups,
           "kernel %s, spec %s" % (sorted(groups), sorted(want_groups)))
    handled = [op for op in spec.ops if "do" in op or "dump" in op]
    result("family: commands are the spec's",
           set(kops) == {spec.opval[op["name"]] for op in handled},
           "kernel %s, spec %s" % (sorted(kops),
                                   sorted(spec.opval[op["name"]] for op in handled)))
    pc = PolicyCheck(spec, policies)
    for op in handled:
        v, bad = spec.opval[op["name"]], []
        flags = kops.get(v, 0)
        want = GENL_CMD_CAP_DO if "do" in op else 0
        want |= GENL_CMD_CAP_DUMP if "dump" in op else 0
        if flags & (GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP) != want:
            bad.append("handlers: flags %#x" % flags)
        perm = {"admin-perm": GENL_ADMIN_PERM,
                "uns-admin-perm": GENL_UNS_ADMIN_PERM}
        want = sum(perm[f] for f in op.get("flags", []))
        if flags & (GENL_ADMIN_PERM | GENL_UNS_ADMIN_PERM) != want:
            bad.append("permission: flags %#x, want %#x" % (flags, want))
        names = []
        for sub in ("do", "dump"):
            for n in op.get(sub, {}).get("request", {}).get("attributes",
                                                            []):
                if n not in names:
                    names.append(n)
        for sub in ("do", "dump"):
            idx = kpol_ops.get(v, {}).get(sub)
            if (sub in op) != (idx is not None):
                bad.append("%s: policy %s, handler in spec %s" %
                           (sub, idx, sub in op))
            if idx is not None:
                pc.policy("%s %s" % (op["name"], sub), op["attribute-set"],
                          names, idx, bad)
        result("policy: %s (%d) matches the spec" % (op["name"], v), not bad,
               "; ".join(bad))


def main():
    global prefix
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    prefix = sys.argv[3] + ": " if len(sys.argv) > 3 else ""
    with open(sys.argv[1]) as f:
        spec = Spec(yaml.safe_load(f))
    check_shape(spec)
    check_header(spec, sys.argv[2])
    check_kernel(spec, Genl())
    sys.exit(failed)


if __name__ == "__main__":
    main()
