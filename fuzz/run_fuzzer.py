#!/usr/bin/env python3
"""Runs libFuzzer targets of build-fuzz/ for a set time and reports what they did (docs/fuzzing.md).

    fuzz/run_fuzzer.py --build build-fuzz --seconds 60                 # every target in turn
    fuzz/run_fuzzer.py --build build-fuzz --seconds 5 --fresh json     # one target, throwaway corpus
    fuzz/run_fuzzer.py --build build-fuzz --seconds 3600 --runs 10000000 --jobs 2 http   # two processes, to 10^7

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
    base = os.path.abspath(os.path.join(args.build, "fuzz"))
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
    if args.runs:  # stop at this many executions in all (each process does its share), or at --seconds
        cmd += ["-runs=%d" % (args.runs if args.fork else -(-args.runs // max(args.jobs, 1)))]
    if args.jobs > 1 and args.fork:
        cmd += ["-fork=%d" % args.jobs, "-ignore_crashes=0"]
    elif args.jobs > 1:
        # N independent fuzzing processes sharing the corpus directory (each reloads what the others
        # add). libFuzzer's -fork=N restarts short jobs that each re-read a slice of the corpus: on
        # two cores that cost fuzz_http three quarters of its executions (569/s against 2,470/s),
        # while quick targets with small inputs (trial_csv, plan, calendar) run faster forked.
        cmd += ["-jobs=%d" % args.jobs, "-workers=%d" % args.jobs]
    cmd += [corpus] + [d for d in (seeds, regressions) if os.path.isdir(d)]
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1:symbolize=1")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    symbolizer = "/usr/lib/llvm-14/bin/llvm-symbolizer"
    if os.path.exists(symbolizer):
        env.setdefault("ASAN_SYMBOLIZER_PATH", symbolizer)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    log_path = os.path.join(base, "logs", "%s-%s.log" % (name, stamp))
    # With -jobs each process writes fuzz-<i>.log in the working directory.
    job_dir = os.path.join(base, "logs", "%s-%s.jobs" % (name, stamp))
    os.makedirs(job_dir, exist_ok=True)
    before = set(os.listdir(artifacts))
    start = time.monotonic()
    with open(log_path, "wb") as log:
        proc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=job_dir)
    elapsed = time.monotonic() - start
    job_logs = [os.path.join(job_dir, f) for f in sorted(os.listdir(job_dir))]
    texts = [open(p, "rb").read().decode("utf-8", "replace") for p in [log_path] + job_logs]
    if not job_logs:
        shutil.rmtree(job_dir, ignore_errors=True)

    def stat(text, key):
        m = re.findall(r"stat::%s:\s*(\d+)" % key, text)
        return int(m[-1]) if m else None

    def executions(text):
        n = stat(text, "number_of_executed_units")
        if n is None:  # -fork, or stopped before its final statistics: the last progress line
            m = re.findall(r"^#(\d+)[:\s]", text, re.M)  # "#<executions> pulse ...", "#<executions>: cov: ..."
            n = int(m[-1]) if m else 0
        return n

    runs = texts[1:] if job_logs else texts[:1]
    execs = sum(executions(t) for t in runs)
    rss = [r for r in (stat(t, "peak_rss_mb") for t in runs) if r is not None]
    text = "\n".join(texts)
    units = len(os.listdir(corpus))
    problems = re.findall(r"(ERROR: libFuzzer: [^\n]*|==\d+==ERROR: [A-Za-z]+Sanitizer[^\n]*|runtime error: [^\n]*|"
                          r"LDN_FUZZ_CHECK failed[^\n]*)", text)
    new_artifacts = sorted(f for f in set(os.listdir(artifacts)) - before
                           if f.split("-")[0] in ("crash", "leak", "timeout", "oom"))
    crashed = proc.returncode != 0 or bool(problems) or bool(new_artifacts)
    result = {"target": name, "executions": execs, "seconds": round(elapsed, 1),
              "rate_per_s": round(execs / elapsed) if elapsed > 0 else 0, "corpus_units": units,
              "jobs": args.jobs, "peak_rss_mb": max(rss) if rss else None, "exit": proc.returncode, "findings": problems[:5],
              "artifacts": new_artifacts, "log": log_path,
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
    ap.add_argument("--runs", type=int, default=0,
                    help="stop after this many executions in all (e.g. 10000000), if --seconds has not ended the run")
    ap.add_argument("--timeout", type=int, default=30, help="seconds one input may take before it counts as a hang")
    ap.add_argument("--rss-limit-mb", type=int, default=3072)
    ap.add_argument("--jobs", type=int, default=1, help="libFuzzer -jobs=N -workers=N: N processes per target, one corpus")
    ap.add_argument("--fork", action="store_true", help="with --jobs N: libFuzzer -fork=N instead of -jobs=N")
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
