#!/usr/bin/env python3
"""Writes web/js/kb.js: the knowledge-base entries the web app shows (side effects, titration
protocols), copied from data/*.json with their versions and sources. The diary items are not
copied: the web app reads them from the server (GET /api/v1/diary-items, web/js/items.js), so the
questions, anchors and directions it shows are the ones the analysis reads.
Run from the repository root when those files change:  python3 scripts/web-kb.py > web/js/kb.js"""
import json
import os

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
out = ["// The knowledge-base entries the web app shows, generated from data/*.json (versions below).",
       "// Regenerate when those files change: python3 scripts/web-kb.py > web/js/kb.js",
       "// Every entry keeps its `source`, which the pages show beside the number or question."]
for name, var in [("side_effects", "SIDE_EFFECTS"), ("protocols", "PROTOCOLS")]:
    with open(os.path.join(root, "data", name + ".json"), encoding="utf-8") as f:
        d = json.load(f)
    entries = d["entries"]
    if name == "protocols":
        entries = [e for e in entries if e.get("kind") == "protocol"]
    doc = {"file": "data/%s.json" % name, "version": d["version"], "entries": entries}
    out.append("export const %s = %s;" % (var, json.dumps(doc, ensure_ascii=False)))
print("\n".join(out))
