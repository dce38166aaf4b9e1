#!/usr/bin/env python3
"""Writes tests/golden/screening/*.json from the case tables in this directory.

The expected verdicts and dates are computed here from the washout rules as written in
golden_common.py (10 / 14 / 14 / 14 days; review within 90 days after the washout), independently of
the C++ screening code. Run: python3 tests/oracles/screening/make_golden_cases.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden_common  # noqa: E402
import cases_medications  # noqa: E402,F401
import cases_conditions  # noqa: E402,F401

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "golden", "screening")
print(golden_common.write_all(out), "cases written to", os.path.normpath(out))
