#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target (fuzz/, docs/fuzzing.md) from the tree's own test
data: the golden files (tests/golden), the CLI cases (tests/cli/cases), the malformed-request
corpus (tests/server/malformed_requests.json), the knowledge base (data/) and, for the HTTP
target, one valid request per API route as the demo clinic's users.

    fuzz/seed_corpus.py --source . --out build-fuzz/fuzz/seeds

Each seed is a file <out>/<target>/<name>; the directory is emptied first. Seeds are capped at
64 KiB (libFuzzer's -max_len is set per target by run_fuzzer.py). Python standard library only.
"""
import argparse
import glob
import hashlib
import json
import os
import shutil
import struct

MAX_SEED = 64 * 1024


class Seeds:
    def __init__(self, out):
        self.out = out
        self.count = {}

    def add(self, target, data, name=None):
        if isinstance(data, str):
            data = data.encode("utf-8")
        data = data[:MAX_SEED]
        d = os.path.join(self.out, target)
        os.makedirs(d, exist_ok=True)
        name = name or hashlib.sha1(data).hexdigest()[:16]
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        self.count[target] = self.count.get(target, 0) + 1


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def cli_cases(src, verb_file):
    path = os.path.join(src, "tests", "cli", "cases", verb_file)
    if not os.path.exists(path):
        return []
    return load(path)["cases"]


def stdin_of(case):
    s = case.get("stdin")
    if s is None:
        return None
    return s if isinstance(s, str) else json.dumps(s)


def seed_json(src, seeds):
    for path in sorted(glob.glob(os.path.join(src, "data", "*.json"))):
        seeds.add("json", open(path, "rb").read(), "data_" + os.path.basename(path))
    for path in sorted(glob.glob(os.path.join(src, "tests", "golden", "**", "*.json"), recursive=True)):
        seeds.add("json", open(path, "rb").read(), "golden_" + os.path.relpath(path, src).replace("/", "_"))
    for text in ['{"a":1,"a":2}', '{"items":{"pain":3,"pain":4}}', '[' * 70 + ']' * 70, '[1e999]',
                 '{"s":"\\u0000\\ud800"}', '{"n":-0.0,"u":18446744073709551615,"i":-9223372036854775808}']:
        seeds.add("json", text)


def seed_screening(src, seeds):
    for path in sorted(glob.glob(os.path.join(src, "tests", "golden", "screening", "*.json"))):
        seeds.add("screening", json.dumps(load(path)["input"]), os.path.basename(path))
    for c in cli_cases(src, "screen.json"):
        s = stdin_of(c)
        if s:
            seeds.add("screening", s, "cli_" + c["name"])


def diary_documents(src):
    docs = []
    for pattern in ("tests/golden/analysis/*.json", "tests/golden/report/*.diary.json"):
        for path in sorted(glob.glob(os.path.join(src, pattern))):
            try:
                doc = load(path)
            except ValueError:
                continue
            if isinstance(doc, dict) and "diary" in doc and "patient" in doc:
                docs.append((os.path.basename(path), open(path, "rb").read()))
    for c in cli_cases(src, "analyze.json"):
        s = stdin_of(c)
        if s and '"diary"' in s:
            docs.append(("cli_" + c["name"], s.encode()))
    return docs


def seed_diary(src, seeds):
    for name, data in diary_documents(src):
        seeds.add("diary_json", data, name)
    for pattern in ("tests/golden/analysis/*.csv", "tests/golden/report/*.diary.csv"):
        for path in sorted(glob.glob(os.path.join(src, pattern))):
            data = open(path, "rb").read()
            if b"ldn-diary-csv" in data:
                seeds.add("diary_csv", data, os.path.basename(path))
    for c in cli_cases(src, "analyze.json"):
        s = stdin_of(c)
        if s and "ldn-diary-csv" in s:
            seeds.add("diary_csv", s, "cli_" + c["name"])


def seed_instruments(src, seeds):
    kinds = {"fiqr": 0, "pgic": 1, "acr2010": 2, "acr2011": 3, "acr2016": 4}
    for name in ("fiqr", "pgic", "acr"):
        path = os.path.join(src, "tests", "golden", "instruments", name + ".json")
        for c in load(path)["cases"]:
            kind = c.get("instrument", name)
            inp = c["input"]
            if name == "pgic" and isinstance(inp, dict) and "pgic" in inp:
                inp = inp
            selector = kinds.get(kind, 4 if name == "acr" else kinds[name])
            seeds.add("instruments", bytes([selector]) + json.dumps(inp).encode(), name + "_" + c["name"])
    for c in cli_cases(src, "score.json"):
        s = stdin_of(c)
        if s:
            for selector in range(5):
                seeds.add("instruments", bytes([selector]) + s.encode(), "cli_%s_%d" % (c["name"], selector))


def seed_plans(src, seeds):
    plans = load(os.path.join(src, "tests", "golden", "titration", "plans.json"))["cases"]
    for c in plans:
        seeds.add("plan", json.dumps(c["request"]), c["name"])
    adjustments = load(os.path.join(src, "tests", "golden", "titration", "adjustments.json"))["cases"]
    for c in adjustments:
        seeds.add("plan_adjust", json.dumps(c["input"]), c["name"])
        seeds.add("plan", json.dumps(c["input"]["plan"]), "adjust_" + c["name"])
    for c in cli_cases(src, "plan.json"):
        s = stdin_of(c)
        if s and '"events"' in s:
            seeds.add("plan_adjust", s, "cli_" + c["name"])


def seed_trial_csv(src, seeds):
    """The N-of-1 golden trials (tests/golden/nof1/*.csv) and a few edge cases."""
    for path in sorted(glob.glob(os.path.join(src, "tests", "golden", "nof1", "*.csv"))):
        seeds.add("trial_csv", open(path, "rb").read(), "golden_" + os.path.basename(path))
    for text in ["day,period,treatment,outcome\n1,1,A,5\n2,2,B,3\n",
                 "outcome,treatment,period,day,guess\n4,B,1,1,DK\n,A,2,2,A\n\n\n",
                 "day,period,treatment,outcome\n1,1,A,nan\n", "day,period,treatment,outcome\n100000,48,B,1e308\n",
                 "day,day,period,treatment,outcome\n", "\ufeffday,period,treatment,outcome\r\n1,1,A,5\r\n"]:
        seeds.add("trial_csv", text)


def seed_calendar(seeds):
    # FuzzedDataProvider takes the integers from the end: 4 bytes of day offset, 8 of instant.
    tail = struct.pack("<i", 400) + struct.pack("<q", 1790000000)
    for text in ["2026-11-22", "2024-02-29", "1900-01-01", "2200-12-31", "22:00", "00:00", "23:59",
                 "2026-11-22T12:00:00Z", "2026-03-29T01:00:00Z", "Europe/Oslo", "Australia/Lord_Howe",
                 "Pacific/Kiritimati", "America/St_Johns", "UTC", "Etc/GMT+12", "US/Eastern", "bedtime",
                 "morning", "2025-02-30", "../../etc/passwd"]:
        seeds.add("calendar", text.encode() + tail, text.replace("/", "_"))


def seed_compound(seeds):
    # FuzzedDataProvider input is a byte soup; a few varied starts.
    for i in range(8):
        seeds.add("compound", bytes([i]) * 16 + bytes(range(i, i + 96)), "bytes_%d" % i)


# ---- HTTP -------------------------------------------------------------------------------------
# Credentials byte (fuzz/http_request_fuzz.cpp): 0 none, 1 pat, 2 doc, 3 pharm, 4 res, 5 admin by
# Bearer token, 6-10 the same by cookie. Demo ids: patient 1 is Pat (course 1, prescription 1).
NONE, PAT, DOC, PHARM, RES, ADMIN, COOKIE_PAT, COOKIE_DOC = 0, 1, 2, 3, 4, 5, 6, 7


def request(method, target, body=None, headers=None, version="1.1", close=True):
    lines = ["%s %s HTTP/%s" % (method, target, version), "Host: 127.0.0.1"]
    if close:
        lines.append("Connection: close")
    for k, v in (headers or []):
        lines.append("%s: %s" % (k, v))
    payload = b""
    if body is not None:
        payload = (body if isinstance(body, str) else json.dumps(body)).encode()
        if not any(k.lower() == "content-type" for k, _ in (headers or [])):
            lines.append("Content-Type: application/json")
        lines.append("Content-Length: %d" % len(payload))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


def http_valid_requests():
    P = "/api/v1/patients/1"
    items = {"pain": 6, "fatigue": 5, "sleep": 4, "mood": 5, "side_effects": [{"name": "vivid_dreams", "severity": 1}],
             "rescue_medication": ["paracetamol 1 g"], "note": "slept badly"}
    return [
        (NONE, request("GET", "/api/v1/health")),
        (NONE, request("GET", "/api/v1/openapi.json")),
        (NONE, request("GET", "/")),
        (NONE, request("GET", "/css/app.css")),
        (NONE, request("HEAD", "/index.html")),
        (NONE, request("POST", "/api/v1/session", {"username": "pat", "password": "wrong password"})),
        (PAT, request("GET", "/api/v1/me")),
        (PAT, request("DELETE", "/api/v1/session")),
        (DOC, request("GET", "/api/v1/patients")),
        (DOC, request("POST", "/api/v1/patients", {"display_name": "New Patient", "time_zone": "Europe/Oslo",
                                                    "care_team_id": 1})),
        (PAT, request("GET", P)),
        (PAT, request("PATCH", P, {"display_name": "Pat D.", "time_zone": "Europe/Oslo"})),
        (PAT, request("GET", P + "/medications")),
        (PAT, request("POST", P + "/medications", {"name": "tramadol", "active": True, "last_taken": "2026-11-01",
                                                    "dose": "50 mg", "note": "for back pain"})),
        (PAT, request("PATCH", P + "/medications/1", {"active": False})),
        (PAT, request("POST", P + "/conditions", {"name": "asthma", "note": "mild"})),
        (PAT, request("GET", P + "/conditions")),
        (DOC, request("POST", P + "/screenings", {})),
        (DOC, request("POST", P + "/screenings", {"today": "2026-11-22", "medications": [
            {"name": "Percocet", "last_taken": "2026-11-20", "current": False}], "conditions": ["asthma"]})),
        (DOC, request("GET", P + "/screenings")),
        (DOC, request("GET", P + "/screenings/1")),
        (DOC, request("POST", P + "/courses", {"protocol": "ldnrt-standard", "start": "2026-12-01"})),
        (DOC, request("GET", P + "/courses")),
        (DOC, request("GET", P + "/courses/1")),
        (DOC, request("POST", P + "/courses/1/adjustments", {"reason": "headache", "events": [
            {"type": "side_effects", "date": "2026-11-10", "name": "headache", "days_unsettled": 4}]})),
        (DOC, request("GET", P + "/courses/1/adjustments")),
        (DOC, request("PUT", P + "/courses/1/status", {"status": "paused"})),
        (DOC, request("POST", P + "/prescriptions", {"course_id": 1, "pharmacy": "Town Pharmacy", "formulation": {
            "form": "capsule", "strength_mg": 4.5, "quantity": 30, "directions": "One at bedtime."}})),
        (DOC, request("GET", P + "/prescriptions")),
        (PHARM, request("GET", P + "/prescriptions/1")),
        (PHARM, request("PUT", P + "/prescriptions/1/status", {"status": "verified"})),
        (PHARM, request("POST", P + "/prescriptions/1/worksheet", {"source": "tablets", "tablet_weight_mg": 200,
                                                                    "capsule_size": "3", "fill_weight_mg": 200})),
        (PAT, request("POST", P + "/doses", {"date": "2026-11-21", "taken": True, "dose_mg": 4.5, "time": "22:00",
                                              "client_id": "d-1", "note": "ok"})),
        (PAT, request("GET", P + "/doses?from=2026-11-01&to=2026-11-22")),
        (PAT, request("POST", P + "/instruments", {"instrument": "pgic", "date": "2026-11-22", "answers": {"pgic": 3}})),
        (PAT, request("GET", P + "/instruments?instrument=pgic")),
        (PAT, request("GET", P + "/instruments/1")),
        (PAT, request("POST", P + "/adverse-events", {"onset_date": "2026-11-20", "description": "nausea",
                                                       "severity": "mild", "serious": False})),
        (PAT, request("GET", P + "/adverse-events")),
        (PAT, request("PUT", P + "/diary/2026-11-21", {"client_id": "w-1", "items": items}, [("If-Match", '"0"')])),
        (PAT, request("POST", P + "/diary:batch", {"entries": [{"date": "2026-11-20", "client_id": "b-1",
                                                                "items": items}]})),
        (PAT, request("GET", P + "/diary/2026-11-21")),
        (PAT, request("GET", P + "/diary?from=2026-10-01&to=2026-11-22")),
        (PAT, request("GET", P + "/diary/2026-11-21/revisions")),
        (PAT, request("GET", P + "/analysis")),
        (RES, request("GET", "/api/v1/pharmacology/pk?dose_mg=4.5&time=22:00&days=7&wake=07:00")),
        (RES, request("GET", "/api/v1/research/summary")),
        (ADMIN, request("GET", "/api/v1/users")),
        (ADMIN, request("POST", "/api/v1/users", {"username": "newdoc", "role": "clinician",
                                                   "password": "a long passphrase"})),
        (ADMIN, request("PATCH", "/api/v1/users/2", {"disabled": True})),
        (ADMIN, request("GET", "/api/v1/care-teams")),
        (ADMIN, request("POST", "/api/v1/care-teams", {"name": "Pain clinic"})),
        (ADMIN, request("POST", "/api/v1/care-teams/1/members", {"user_id": 2})),
        (ADMIN, request("DELETE", "/api/v1/care-teams/1/members/2")),
        (ADMIN, request("POST", "/api/v1/care-teams/1/patients", {"patient_id": 1})),
        (ADMIN, request("DELETE", "/api/v1/care-teams/1/patients/1")),
        (ADMIN, request("GET", "/api/v1/audit?patient_id=1&limit=5")),
        (ADMIN, request("GET", "/api/v1/audit/verify")),
        (COOKIE_PAT, request("PUT", P + "/diary/2026-11-19", {"client_id": "c-1", "items": {"pain": 3}})),
        (COOKIE_DOC, request("GET", "/api/v1/patients")),
    ]


def build_malformed(case):
    """tests/server/malformed_requests_test.cpp BuildCase, with the demo's ids."""
    if "raw" in case:
        return case["raw"].encode("utf-8", "surrogateescape")
    path = case["path"].replace("{own}", "1").replace("{course}", "1")
    body = b""
    if "json" in case:
        body = json.dumps(case["json"]).encode()
    if "body" in case:
        body = case["body"].encode("utf-8", "surrogateescape")
    if "body_repeat" in case:
        r = case["body_repeat"]
        body = (r["prefix"] + r["unit"] * min(r["count"], 20000) + r["suffix"]).encode()
    body = body.replace(b'"{other_course}"', b"4")
    headers = []
    for k, v in case.get("headers", {}).items():
        headers.append((k, v))
    if "content_type" in case:
        if case["content_type"] is not None:
            headers.append(("Content-Type", case["content_type"]))
    elif body:
        headers.append(("Content-Type", "application/json"))
    if "header_repeat" in case:
        r = case["header_repeat"]
        headers.append((r["name"], r["unit"][0] * min(r["count"], 20000)))
    if "header_count" in case:
        for i in range(min(case["header_count"], 300)):
            headers.append(("X-H%d" % i, "value"))
    head = "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" % (case["method"], path)
    for k, v in headers:
        head += "%s: %s\r\n" % (k, v)
    if body or case["method"] in ("POST", "PUT", "PATCH"):
        head += "Content-Length: %d\r\n" % len(body)
    return head.encode("utf-8", "surrogateescape") + b"\r\n" + body


def http_protocol_edges():
    chunked = b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    return [
        chunked + b"2\r\n{}\r\n0\r\n\r\n",
        chunked + b"2;ext=1\r\n{}\r\n0\r\nX-T: a\r\n\r\n",
        b"POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nGET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"GET /api/v1/health HTTP/1.0\r\n\r\n",
        b"GET /api/v1/health HTTP/1.1\r\n\r\n",
        b"GET /api/v1/health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/me HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}",
    ]


def seed_http(src, seeds):
    for i, (who, raw) in enumerate(http_valid_requests()):
        seeds.add("http", bytes([who, 0]) + raw, "valid_%02d" % i)
        seeds.add("http", bytes([who, 7]) + raw, "valid_split_%02d" % i)
    corpus = load(os.path.join(src, "tests", "server", "malformed_requests.json"))
    roles = {"anonymous": NONE, "pat": PAT, "doc": DOC, "admin": ADMIN}
    for c in corpus["cases"]:
        seeds.add("http", bytes([roles.get(c.get("as", "pat"), PAT), 0]) + build_malformed(c), "malformed_" + c["name"])
    for i, raw in enumerate(http_protocol_edges()):
        seeds.add("http", bytes([NONE, 0]) + raw, "protocol_%02d" % i)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", required=True, help="the repository root")
    ap.add_argument("--out", required=True, help="the seeds directory (emptied first)")
    args = ap.parse_args()
    if os.path.isdir(args.out):
        shutil.rmtree(args.out)
    seeds = Seeds(args.out)
    seed_json(args.source, seeds)
    seed_screening(args.source, seeds)
    seed_diary(args.source, seeds)
    seed_instruments(args.source, seeds)
    seed_plans(args.source, seeds)
    seed_calendar(seeds)
    seed_compound(seeds)
    seed_http(args.source, seeds)
    seed_trial_csv(args.source, seeds)
    with open(os.path.join(args.out, ".stamp"), "w") as f:
        json.dump(seeds.count, f, sort_keys=True)
    print("seed corpus:", ", ".join("%s %d" % kv for kv in sorted(seeds.count.items())))


if __name__ == "__main__":
    main()
