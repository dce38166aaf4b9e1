#!/usr/bin/env python3
"""Runs libFuzzer targets of build-fuzz/ for a set time and reports what they did (docs/fuzzing.md).

    fuzz/run_fuzzer.py --build build-fuzz --seconds 60                 # every target in turn
    fuzz/run_fuzzer.py --build build-fuzz --seconds 5 --fresh json     # one target, throwaway corpus

Each target fuzz_<name> starts from its seeds (<build>/fuzz/seeds/<name>, fuzz/seed_corpus.py) and
its committed regression inputs (fuzz/regressions/<name>: inputs that once crashed, run first every
time). New inputs go to <build>/fuzz/corpus/<name> (kept between runs) or, with --fresh, to a
throwaway directory; a crash is saved in <build>/fuzz/artifacts/<name>/. Prints one line per target
(executions, rate, corpus, peak RSS, crashes), appends it as JSON to <build>/fuzz/results.jsonl,
and exits 1 when any target crashed, leaked, timed out, ran out of memory or tripped a sanitizer.
"""
import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

# Longest input per target: the HTTP target needs room past the 16 KiB header limit; the diary
# documents are long; the rest are small.
MAX_LEN = {"http": 70000, "diary_json": 65536, "diary_csv": 65536, "json": 16384}
DEFAULT_MAX_LEN = 8192


def targets_in(build):
    d = os.path.join(build, "fuzz")
    names = []
    for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        path = os.path.join(d, f)
        if f.startswith("fuzz_") and os.access(path, os.X_OK) and os.path.isfile(path):
            names.append(f[len("fuzz_"):])
    return names


def run(args, name):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    base = os.path.join(args.build, "fuzz")
    binary = os.path.join(base, "fuzz_" + name)
    seeds = os.path.join(base, "seeds", name)
    regressions = os.path.join(root, "fuzz", "regressions", name)
    artifacts = os.path.join(base, "artifacts", name)
    os.makedirs(artifacts, exist_ok=True)
    tmp = None
    if args.fresh:
        tmp = tempfile.mkdtemp(prefix="ldn-fuzz-%s-" % name)
        corpus = tmp
    else:
        corpus = os.path.join(base, "corpus", name)
        os.makedirs(corpus, exist_ok=True)
    cmd = []
    if args.nice:
        cmd += ["nice", "-n", str(args.nice)]
    cmd += [binary, "-max_total_time=%d" % args.seconds, "-print_final_stats=1", "-timeout=%d" % args.timeout,
            "-rss_limit_mb=%d" % args.rss_limit_mb, "-max_len=%d" % MAX_LEN.get(name, DEFAULT_MAX_LEN),
            "-artifact_prefix=" + artifacts + "/"]
    if args.jobs > 1:
        cmd += ["-fork=%d" % args.jobs, "-ignore_crashes=0"]
    cmd += [corpus] + [d for d in (seeds, regressions) if os.path.isdir(d)]
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1:symbolize=1")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    symbolizer = "/usr/lib/llvm-14/bin/llvm-symbolizer"
    if os.path.exists(symbolizer):
        env.setdefault("ASAN_SYMBOLIZER_PATH", symbolizer)
    log_path = os.path.join(base, "logs", "%s-%s.log" % (name, datetime.datetime.now().strftime("%Y%m%d-%H%M%S")))
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    start = time.monotonic()
    with open(log_path, "wb") as log:
        proc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    elapsed = time.monotonic() - start
    text = open(log_path, "rb").read().decode("utf-8", "replace")

    def stat(key):
        m = re.findall(r"stat::%s:\s*(\d+)" % key, text)
        return int(m[-1]) if m else None

    execs = stat("number_of_executed_units")
    if execs is None:
        # -fork=N prints no final stats: its progress lines are "#<executions>: cov: ...".
        m = re.findall(r"#(\d+)(?::|\s+(?:DONE|pulse|NEW|REDUCE|INITED))", text)
        execs = int(m[-1]) if m else 0
    units = len(os.listdir(corpus))
    problems = re.findall(r"(ERROR: libFuzzer: [^\n]*|==\d+==ERROR: [A-Za-z]+Sanitizer[^\n]*|runtime error: [^\n]*|"
                          r"LDN_FUZZ_CHECK failed[^\n]*)", text)
    crashed = proc.returncode != 0 or bool(problems)
    result = {"target": name, "executions": execs, "seconds": round(elapsed, 1),
              "rate_per_s": round(execs / elapsed) if elapsed > 0 else 0, "corpus_units": units,
              "peak_rss_mb": stat("peak_rss_mb"), "exit": proc.returncode, "findings": problems[:5],
              "artifacts": sorted(os.listdir(artifacts)), "log": log_path,
              "date": datetime.date.today().isoformat()}
    print("fuzz_%-12s %11d executions in %6.0f s (%6d/s), corpus %5d units, peak RSS %4s MB, %s" % (
        name, execs, elapsed, result["rate_per_s"], units, result["peak_rss_mb"],
        "CRASH: " + "; ".join(problems[:2]) + " (log " + log_path + ")" if crashed else "0 crashes"), flush=True)
    with open(os.path.join(base, "results.jsonl"), "a") as f:
        f.write(json.dumps(result) + "\n")
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)
    return not crashed


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build-fuzz", help="the fuzz build directory (LDN_FUZZ=ON)")
    ap.add_argument("--seconds", type=int, default=int(os.environ.get("FUZZ_SECONDS", "60")),
                    help="seconds per target (default $FUZZ_SECONDS, else 60)")
    ap.add_argument("--timeout", type=int, default=30, help="seconds one input may take before it counts as a hang")
    ap.add_argument("--rss-limit-mb", type=int, default=3072)
    ap.add_argument("--jobs", type=int, default=1, help="libFuzzer -fork=N workers per target")
    ap.add_argument("--nice", type=int, default=int(os.environ.get("FUZZ_NICE", "19")),
                    help="run under nice -n N (default 19: the machine is shared); 0 for none")
    ap.add_argument("--fresh", action="store_true", help="start from the seeds in a throwaway corpus")
    ap.add_argument("targets", nargs="*", help="target names (json, http, ...); default all")
    args = ap.parse_args()
    names = args.targets or targets_in(args.build)
    if not names:
        print("run_fuzzer: no fuzz targets in %s/fuzz (configure with -DLDN_FUZZ=ON and build)" % args.build,
              file=sys.stderr)
        return 2
    ok = True
    for name in names:
        ok = run(args, name) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
