#!/usr/bin/env python3
"""Dev-time oracle for the Code 128 encoder (src/pharmacy/code128.cpp).

Writes tests/golden/pharmacy/code128.json: the 106 symbol patterns (values 0-105) read from
code128.cpp, and the module widths of a few texts. Every pattern and every case is checked first
by an independent decoder, zbarimg (Debian package zbar-tools): each printable character alone,
a text whose check character is each of the values 95-102 (only reachable as check characters),
and the cases. code128_test.cpp then checks that the C++ encoder produces exactly these modules
and decodes them with the golden table.

Run from the repository root: python3 tests/oracles/code128_zbar.py  (needs zbarimg)
"""
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SRC = os.path.join(ROOT, "src", "pharmacy", "code128.cpp")
OUT = os.path.join(ROOT, "tests", "golden", "pharmacy", "code128.json")

body = open(SRC, encoding="utf-8").read()
table_text = body[body.index("kPatterns = {"):body.index("};", body.index("kPatterns = {"))]
PATTERNS = re.findall(r'"([1-4]{6})"', table_text)
assert len(PATTERNS) == 106, len(PATTERNS)
STOP = "2331112"


def modules(text):
    values = [104] + [ord(c) - 32 for c in text]
    check = (104 + sum(v * (i + 1) for i, v in enumerate(values[1:]))) % 103
    return "".join(PATTERNS[v] for v in values + [check]) + STOP, check


def zbar(widths, tmp):
    scale, quiet, height = 3, 10, 60
    row = [255] * (quiet * scale)
    for i, w in enumerate(widths):
        row += [0 if i % 2 == 0 else 255] * (int(w) * scale)
    row += [255] * (quiet * scale)
    path = os.path.join(tmp, "b.pgm")
    with open(path, "wb") as f:
        f.write(b"P5 %d %d 255\n" % (len(row), height))
        f.write(bytes(row) * height)
    r = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Scode128.enable", path],
                       capture_output=True, text=True)
    return r.stdout.rstrip("\n")


def main():
    cases = ["PJJ123C", "Wikipedia", "RX-42|B-2026-0007", "RX-1001 B-2026-0001", "Rx 17/batch 0007"]
    checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        singles = [chr(c) for c in range(33, 127)]  # a lone space is not a useful symbol for zbar
        # Texts whose check character is each of 95..102: search two-character texts.
        needed = set(range(95, 103))
        for a in range(33, 127):
            for b in range(33, 127):
                t = chr(a) + chr(b)
                c = modules(t)[1]
                if c in needed:
                    needed.discard(c)
                    singles.append(t)
        assert not needed, needed
        for t in singles + cases + ["A B"]:
            m, _ = modules(t)
            got = zbar(m, tmp)
            if got != t:
                sys.exit("zbarimg read %r for %r" % (got, t))
            checked += 1
    doc = {
        "description": "Code 128 set B: the patterns of symbol values 0-105 (bar/space widths) and the modules of "
                       "some texts, each decoded back by zbarimg (tests/oracles/code128_zbar.py; %d symbols)." % checked,
        "source": "ISO/IEC 15417 Code 128 symbol table, as in src/pharmacy/code128.cpp; verified with zbarimg (zbar-tools)",
        "patterns": {str(i): p for i, p in enumerate(PATTERNS)},
        "cases": [{"text": t, "modules": modules(t)[0], "check": modules(t)[1]} for t in cases],
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("zbarimg decoded %d symbols; wrote %s" % (checked, OUT))


if __name__ == "__main__":
    main()
