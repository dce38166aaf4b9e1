#!/usr/bin/env python3
"""Writes web/js/kb.js: the knowledge-base entries the web app shows (side effects, titration
protocols, screening jurisdictions), copied from data/*.json with their versions and sources. The
diary items are not copied: the web app reads them from the server (GET /api/v1/diary-items,
web/js/items.js), so the questions, anchors and directions it shows are the ones the analysis reads.
Run from the repository root when those files change:  python3 scripts/web-kb.py > web/js/kb.js
`python3 scripts/web-kb.py --check` exits 1 when web/js/kb.js differs from what data/ generates
(ctest web_kb_in_sync), or when an entry of data/diary_items.json or data/side_effects.json lacks a
Danish or Norwegian translation of a text the patient reads (issue 15, item 6: each entry's
"translations": {"da": {...}, "nb": {...}} with the same field names as the English, shown by
pick() in web/js/i18n.js), so that a new item without translations fails too."""
import json
import os
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

# The texts a patient reads, per list of entries, and the languages each needs besides English.
LANGUAGES = ("da", "nb")
PATIENT_TEXTS = [("diary_items", "entries", ("label", "question", "anchor_0", "anchor_10")),
                 ("diary_items", "lifestyle", ("label", "question", "unit")),
                 ("side_effects", "entries", ("label",))]


def missing_translations():
    """Each patient-facing field of each entry needs a non-empty da and nb text, under the same
    field name; a translated field the entry does not have (a misspelt name) is an error too."""
    problems = []
    for name, key, fields in PATIENT_TEXTS:
        with open(os.path.join(root, "data", name + ".json"), encoding="utf-8") as f:
            entries = json.load(f).get(key, [])
        for i, e in enumerate(entries):
            where = "data/%s.json %s[%d] (%s)" % (name, key, i, e.get("id", "?"))
            present = [k for k in fields if k in e]
            tr = e.get("translations")
            if not isinstance(tr, dict):
                problems.append("%s: no \"translations\" of %s" % (where, ", ".join(present)))
                continue
            for lang in tr:
                if lang not in LANGUAGES:
                    problems.append("%s: translations into %s, which the web app does not have (%s)" % (where, lang, ", ".join(LANGUAGES)))
            for lang in LANGUAGES:
                t = tr.get(lang)
                if not isinstance(t, dict):
                    problems.append("%s: no %s translations" % (where, lang))
                    continue
                for k in present:
                    if not isinstance(t.get(k), str) or not t[k].strip():
                        problems.append("%s: no %s translation of %s" % (where, lang, k))
                for k in t:
                    if k not in present:
                        problems.append("%s: %s translation of %s, which is not a patient text of this entry" % (where, lang, k))
    return problems

out = ["// The knowledge-base entries the web app shows, generated from data/*.json (versions below).",
       "// Regenerate when those files change: python3 scripts/web-kb.py > web/js/kb.js",
       "// Every entry keeps its `source`, which the pages show beside the number or question.",
       "// Generated text, compared byte for byte by --check: clang-format must leave it alone.",
       "// clang-format off"]
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
out.append("// clang-format on")
text = "\n".join(out) + "\n"
problems = missing_translations()
if sys.argv[1:] == ["--check"]:
    with open(os.path.join(root, "web", "js", "kb.js"), encoding="utf-8") as f:
        if f.read() != text:
            problems.append("web/js/kb.js is out of date with data/: run python3 scripts/web-kb.py > web/js/kb.js")
    if problems:
        sys.exit("\n".join(problems))
    sys.exit(0)
sys.stdout.write(text)
if problems:
    sys.exit("\n".join(problems))
