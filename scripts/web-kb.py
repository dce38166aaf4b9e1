#!/usr/bin/env python3
"""Writes web/js/kb.js: the knowledge-base entries the web app shows (side effects, titration
protocols, screening jurisdictions), copied from data/*.json with their versions and sources. The
diary items are not copied: the web app reads them from the server (GET /api/v1/diary-items,
web/js/items.js), so the questions, anchors and directions it shows are the ones the analysis reads.
Run from the repository root when those files change:  python3 scripts/web-kb.py > web/js/kb.js
`python3 scripts/web-kb.py --check` exits 1 when web/js/kb.js differs from what data/ generates
(ctest web_kb_in_sync)."""
import json
import os
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
out = ["// The knowledge-base entries the web app shows, generated from data/*.json (versions below).",
       "// Regenerate when those files change: python3 scripts/web-kb.py > web/js/kb.js",
       "// Every entry keeps its `source`, which the pages show beside the number or question."]
for name, var in [("side_effects", "SIDE_EFFECTS"), ("protocols", "PROTOCOLS"), ("jurisdictions", "JURISDICTIONS")]:
    with open(os.path.join(root, "data", name + ".json"), encoding="utf-8") as f:
        d = json.load(f)
    entries = d["entries"]
    if name == "protocols":
        entries = [e for e in entries if e.get("kind") == "protocol"]
    if name == "jurisdictions":  # the screening form's choice; the label rules stay in the server
        entries = [{k: e[k] for k in ("id", "name", "label_name", "verified", "source") if k in e} for e in entries]
    doc = {"file": "data/%s.json" % name, "version": d["version"], "entries": entries}
    out.append("export const %s = %s;" % (var, json.dumps(doc, ensure_ascii=False)))
text = "\n".join(out) + "\n"
if sys.argv[1:] == ["--check"]:
    with open(os.path.join(root, "web", "js", "kb.js"), encoding="utf-8") as f:
        if f.read() != text:
            sys.exit("web/js/kb.js is out of date with data/: run python3 scripts/web-kb.py > web/js/kb.js")
    sys.exit(0)
sys.stdout.write(text)
