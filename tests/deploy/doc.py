#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Print a code block of a Markdown document, as written, for tests/deploy.

    doc.py FILE LEAD      the first code block after the first line that
                          contains LEAD, dedented

A code block is a run of lines indented by 4 or more spaces after a blank
line (a list item's text continues at 2 or 3), ending at the next line
indented less. Exit status 1 if LEAD or its block is missing, so a guide
that loses a step fails the test instead of skipping the step.
"""
import sys


def block_after(lines, lead):
    for i, line in enumerate(lines):
        if lead in line:
            break
    else:
        return None
    out = []
    for line in lines[i + 1:]:
        indent = len(line) - len(line.lstrip(' '))
        if not line.strip():
            if out:
                out.append('')
            continue
        if indent >= 4:
            out.append(line)
        elif out:
            break
        # a paragraph before the block (the lead's sentence going on)
    while out and not out[-1]:
        out.pop()
    if not out:
        return None
    cut = min(len(l) - len(l.lstrip(' ')) for l in out if l)
    return '\n'.join(l[cut:] for l in out) + '\n'


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: doc.py FILE LEAD')
    with open(sys.argv[1], encoding='utf-8') as f:
        lines = f.read().split('\n')
    b = block_after(lines, sys.argv[2])
    if b is None:
        sys.exit('%s: no code block after "%s"' % (sys.argv[1], sys.argv[2]))
    sys.stdout.write(b)


main()
