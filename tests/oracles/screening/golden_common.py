"""Shared helpers of make_golden_cases.py: the washout rules written out independently of the C++ code.

Washout classes (data/drugs.json, sources there): short-acting 10 days, long-acting 14, methadone 14,
buprenorphine 14. After the washout, opioid use within 90 days (INNOVA: 3 months) is a review.
"""
import datetime as dt
import json
import os

TODAY = dt.date(2026, 11, 22)
W = {"SA": 10, "LA": 14, "MET": 14, "BUP": 14}
RECENT = 90
LABEL = "Revia PI, Dosage and Administration (opioid-free 7-10 days); Vivitrol PI §5.3 (7-10 days; up to two weeks after methadone or buprenorphine)"
INNOVA = "INNOVA (NCT04739995): opiates in the last 3 months excluded"
CASES = []


def d(days_ago):
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


def med(name, ago=None, current=False):
    return {"name": name, "last_taken": None if ago is None else d(ago), "current": current}


def finding(rule, severity, subject=None, contains=(), details=None):
    f = {"rule": rule, "severity": severity}
    if subject is not None:
        f["subject"] = subject
    if contains:
        f["message_contains"] = list(contains)
    if details:
        f["details"] = details
    return f


def case(name, description, source, meds=(), conditions=(), verdict=None, earliest=None, findings=(),
         surgery=None, jurisdiction=None, absent_rules=(), today=TODAY):
    inp = {"today": today.isoformat(), "medications": list(meds), "conditions": list(conditions)}
    if surgery is not None:
        inp["planned_surgery"] = surgery
    if jurisdiction is not None:
        inp["jurisdiction"] = jurisdiction
    exp = {"verdict": verdict, "earliest_start": earliest, "findings": list(findings)}
    if absent_rules:
        exp["absent_rules"] = list(absent_rules)
    CASES.append((name, {"description": description, "source": source, "input": inp, "expected": exp}))


def opioid_past(name, text, cls, ago, src, contains=(), extra_findings=(), verdict=None):
    """An opioid last taken `ago` days before TODAY: wait until the washout ends, then review until 90 days."""
    last = TODAY - dt.timedelta(days=ago)
    end = last + dt.timedelta(days=W[cls])
    if end > TODAY:
        case(name, f"'{text}' last taken {ago} days ago: wait until {end} ({W[cls]}-day washout)", src + "; " + LABEL,
             meds=[med(text, ago)], verdict=verdict or "wait", earliest=end.isoformat(),
             findings=[finding("opioid.washout", "wait", "medications[0]", [end.isoformat()] + list(contains)),
                       *extra_findings])
    elif (TODAY - last).days < RECENT:
        case(name, f"'{text}' last taken {ago} days ago: washout over, trial window (90 days) still open", src + "; " + INNOVA,
             meds=[med(text, ago)], verdict=verdict or "review", earliest=None,
             findings=[finding("opioid.washout_complete", "info", "medications[0]", contains),
                       finding("opioid.recent_use", "review", "medications[0]"), *extra_findings])
    else:
        case(name, f"'{text}' last taken {ago} days ago: long over", src, meds=[med(text, ago)], verdict=verdict or "eligible",
             earliest=TODAY.isoformat(), findings=[finding("opioid.washout_complete", "info", "medications[0]", contains),
                                                   *extra_findings], absent_rules=["opioid.recent_use"])


def opioid_current(name, text, src, contains=()):
    case(name, f"'{text}' taken now: not eligible", src + "; naltrexone labels: current opioid use is a contraindication",
         meds=[med(text, current=True)], verdict="not_eligible", earliest=None,
         findings=[finding("opioid.current_use", "not_eligible", "medications[0]", contains),
                   finding("opioid.dependence_check", "info")])


def write_all(directory):
    names = set()
    for name, doc in CASES:
        assert name not in names, name
        names.add(name)
        with open(os.path.join(directory, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2, ensure_ascii=False)
            f.write("\n")
    return len(CASES)
