#!/usr/bin/env python3
"""Writes the report test diaries (tests/golden/report/*.diary.json).

Provenance only: the diaries are inputs, committed as generated; nothing reads this script at
test time. Deterministic (Python's random.Random with a fixed seed). Ratings follow an AR(1)
process around a level that moves with the scenario (clinical-facts.md section 2: responses
take weeks; side effects early and settling).
Run from the repository root: python3 tests/golden/report/make_fixtures.py
"""
import datetime as dt
import json
import random

ITEMS = ["pain", "fatigue", "sleep", "mood", "anxiety", "cognition", "stiffness", "sensitivity", "stress"]
# Every item runs 0 = best, 10 = worst (data/diary_items.json, scale version 2): an improvement
# lowers every rating.
SCALE_VERSION = 2


def clamp(x):
    return max(0, min(10, int(round(x))))


def make(name, seed, patient, tz, start, baseline_days, days_after, steps, level, scale_change,
         side_effects, missing_days, dose_missed, dose_not_logged, notes, rescue_rate):
    rng = random.Random(seed)
    d0 = dt.date.fromisoformat(start)
    first_dose = d0 + dt.timedelta(days=baseline_days)
    base = {"pain": 6.6, "fatigue": 6.8, "sleep": 6.4, "mood": 5.5, "anxiety": 4.8, "cognition": 5.2,
            "stiffness": 6.0, "sensitivity": 5.5, "stress": 5.0}
    ar = {k: 0.0 for k in ITEMS}
    diary, doses = [], []
    course = [{"start": (first_dose + dt.timedelta(days=s)).isoformat(), "dose_mg": mg} for s, mg in steps]

    def dose_on(t):
        mg = None
        for s, m in steps:
            if t >= s:
                mg = m
        return mg

    for i in range(baseline_days + days_after):
        t = i - baseline_days  # day after the first dose
        date = d0 + dt.timedelta(days=i)
        day = {"date": date.isoformat()}
        frac = level(t)
        for k in ITEMS:
            ar[k] = 0.55 * ar[k] + rng.gauss(0, 0.75)
            change = frac * scale_change.get(k, 0.5)
            mean = base[k] - change
            day[k] = clamp(mean + ar[k])
        ses = [{"name": n, "severity": sev} for n, (a, b, sev) in side_effects.items() if a <= t <= b and rng.random() < 0.8]
        if ses:
            day["side_effects"] = ses
        if rng.random() < rescue_rate(t):
            day["rescue_medication"] = ["paracetamol 1 g"]
        if t in notes:
            day["note"] = notes[t]
        if t not in missing_days:
            diary.append(day)
        if t >= 0 and t not in dose_not_logged:
            mg = dose_on(t)
            if t in dose_missed:
                doses.append({"date": date.isoformat(), "taken": False})
            else:
                doses.append({"date": date.isoformat(), "taken": True, "dose_mg": mg, "time": "22:00"})
    doc = {"scale_version": SCALE_VERSION, "patient": {"id": patient, "time_zone": tz}, "course": {"steps": course},
           "doses": doses, "diary": diary}
    with open(f"tests/golden/report/{name}.diary.json", "w") as f:
        # One array element a line: readable in a diff, small on disk.
        def line(x):
            return json.dumps(x, ensure_ascii=False)
        f.write("{\n")
        f.write(f'"scale_version": {doc["scale_version"]},\n')
        f.write(f'"patient": {line(doc["patient"])},\n')
        f.write(f'"course": {line(doc["course"])},\n')
        for key in ("doses", "diary"):
            f.write(f'"{key}": [\n')
            f.write(",\n".join("  " + line(x) for x in doc[key]))
            f.write("\n]" + ("," if key == "doses" else "") + "\n")
        f.write("}\n")


# A responder: 1.5 -> 3 -> 4.5 mg two-weekly, pain falls about 2.5 points over 6 weeks.
make("responder", 17, "demo-017", "Europe/Oslo", "2026-03-02", 14, 106,
     [(0, 1.5), (14, 3.0), (28, 4.5)],
     lambda t: 0.0 if t < 0 else min(1.0, t / 42.0),
     {"pain": 2.6, "fatigue": 1.2, "sleep": 0.6, "mood": 1.2, "anxiety": 0.8, "cognition": 0.6,
      "stiffness": 1.8, "sensitivity": 1.0, "stress": 0.8},
     {"vivid_dreams": (1, 16, 2), "headache": (15, 19, 1), "insomnia": (29, 33, 1)},
     {-9, 23, 24, 57, 80, 101}, {36, 37, 71}, {50, 51, 52, 88},
     {-12: "Bad flare after a long car trip", 2: "Strange dreams, woke at 3 am",
      30: "<script>alert('x')</script> & <b>new</b> pillow \"helps\"",
      63: "Walked 30 min three days in a row", 95: "Visit with Dr. Ng soon; ask about stopping paracetamol"},
     lambda t: 0.45 if t < 0 else max(0.1, 0.45 - t / 200.0))

# A non-responder with lapses: 4.5 mg from a 1.5 mg start, pain drifts up slightly, adherence < 80%.
make("nonresponder", 23, "demo-023", "America/Chicago", "2026-02-02", 14, 90,
     [(0, 1.5), (7, 3.0), (14, 4.5)],
     lambda t: 0.0 if t < 0 else -0.3,
     {"pain": 1.0, "fatigue": 0.5, "sleep": 0.5, "mood": 0.5},
     {"vivid_dreams": (0, 80, 2), "nausea": (3, 9, 1)},
     {-3, 5, 6, 7, 40, 41, 42, 43, 60}, set(range(20, 27)), set(range(44, 50)) | set(range(70, 76)),
     {10: "Dreams are vivid every night", 45: "Forgot doses while travelling"},
     lambda t: 0.4)

# Too early to judge: 3 weeks on LDN.
make("early", 5, "demo-005", "Australia/Sydney", "2026-10-05", 14, 21,
     [(0, 0.5), (7, 1.0), (14, 1.5)],
     lambda t: 0.0 if t < 0 else t / 80.0,
     {"pain": 1.5},
     {"vivid_dreams": (2, 9, 1)},
     {12}, set(), set(),
     {0: "First capsule tonight"},
     lambda t: 0.3)


def to_csv(name):
    """The same diary in the CSV form (docs/diary-format.md), for `ldn analyze` on a .csv file."""
    import csv
    import io
    with open(f"tests/golden/report/{name}.diary.json") as f:
        doc = json.load(f)
    out = io.StringIO()
    out.write(f"# format: ldn-diary-csv 2\n# scale_version: {doc['scale_version']}\n")
    out.write(f"# patient: {doc['patient']['id']}\n# time_zone: {doc['patient']['time_zone']}\n")
    for s in doc["course"]["steps"]:
        out.write(f"# step: {s['start']} {s['dose_mg']:g} mg\n")
    cols = ["date"] + ITEMS + ["dose_taken", "dose_mg", "dose_time", "side_effects", "rescue_medication", "note"]
    w = csv.writer(out, lineterminator="\n")
    w.writerow(cols)
    days = {d["date"]: d for d in doc["diary"]}
    doses = {d["date"]: d for d in doc["doses"]}
    for date in sorted(set(days) | set(doses)):
        d, l = days.get(date, {}), doses.get(date)
        row = [date] + [d.get(k, "") for k in ITEMS]
        row += [("yes" if l["taken"] else "no") if l else "", f"{l['dose_mg']:g}" if l and l["taken"] else "",
                l.get("time", "") if l else ""]
        row += [";".join(f"{e['name']}:{e['severity']}" for e in d.get("side_effects", [])),
                ";".join(d.get("rescue_medication", [])), d.get("note", "")]
        w.writerow(row)
    with open(f"tests/golden/report/{name}.diary.csv", "w") as f:
        f.write(out.getvalue())


to_csv("early")
