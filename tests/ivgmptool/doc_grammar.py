#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""ivgmptool's command grammar is written three times: in
Documentation/ivgmptool.md (the synopsis block), in
Documentation/man/ivgmptool.8 (the .TP headers of COMMANDS) and in the
program's --help. Check that all three list the same commands with the
same words.

    doc_grammar.py MD PAGE PROGRAM      one PASS:/FAIL: line per command
"""
import re
import subprocess
import sys


def md_commands(path):
    text = open(path).read()
    block = text.split("## Synopsis", 1)[1].split("```")[1]
    lines = []
    for line in block.splitlines():
        if not line.strip() or line.startswith("ivgmptool"):
            continue
        if line.startswith(" ") and lines:
            lines[-1] += " " + line.strip()
        else:
            lines.append(line.strip())
    return lines


def man_commands(path):
    text = open(path).read()
    section = text.split(".SH COMMANDS", 1)[1].split("\n.SH ", 1)[0]
    out = []
    for header in re.findall(r"^\.TP\n(\.B .*)$", section, flags=re.M):
        s = re.sub(r"\\f[BIRP]", "", header[3:]).replace("\\-", "-")
        out.append(s)
    return out


def help_commands(prog):
    out = subprocess.run([prog, "--help"], capture_output=True, text=True,
                         check=False).stdout
    lines = []
    for line in out.split("commands:", 1)[1].splitlines():
        if not line.strip():
            continue
        if line.startswith("   ") and lines:
            lines[-1] += " " + line.strip()
        else:
            lines.append(re.sub(r"\s{3,}\(.*\)$", "", line.strip()))
    # the synopsis lists help with the global options
    return [c for c in lines if c != "help [COMMAND]"]


def norm(s):
    return " ".join(s.split())


def main():
    sources = (("ivgmptool.md", [norm(c) for c in md_commands(sys.argv[1])]),
               ("ivgmptool.8", [norm(c) for c in man_commands(sys.argv[2])]),
               ("--help", [norm(c) for c in help_commands(sys.argv[3])]))
    failed = 0
    for c in sorted(set().union(*(lst for _n, lst in sources))):
        where = [n for n, lst in sources if c not in lst]
        if where:
            failed = 1
            print("FAIL: ivgmptool-doc: '%s' missing in %s" %
                  (c, ", ".join(where)))
        else:
            print("PASS: ivgmptool-doc: '%s' the same in ivgmptool.md, "
                  "ivgmptool.8 and --help" % c)
    if not all(lst for _n, lst in sources):
        failed = 1
        print("FAIL: ivgmptool-doc: no commands read from %s" %
              ", ".join(n for n, lst in sources if not lst))
    sys.exit(failed)


if __name__ == "__main__":
    main()
