#!/usr/bin/env python3
"""Crash test of `ldn serve`: concurrent diary writers, the server killed with SIGKILL at random.

Acceptance (issue 4): every write that got a 2xx is present after the restart. Standard library
only. docs/operations.md ("Crash test") has the long run and its result.

    tests/crash/crash_test.py --ldn build/ldn                 # short run: 20 kills
    tests/crash/crash_test.py --ldn build/ldn --kills 200     # the long run
    tests/crash/crash_test.py --ldn build/ldn --postgres      # on a throwaway PostgreSQL 15

How it works. The first start seeds the demo (--demo) into a throwaway database; the clinician
`doc` sees three patients. Each writer thread owns its own diary days (disjoint dates, on all three
patients) and writes them one request at a time, each write with a fresh client_id and distinct
items (the note holds the client_id), so the writes of one day are totally ordered: the n-th
write of a day is begun only after the (n-1)-th got its answer or was cut off by a kill. The
killer waits for a random number of acknowledged writes, waits a random few milliseconds more and
SIGKILLs the server in the middle of the traffic, then restarts it on the same database. A writer
whose request was cut off either retries it after the restart with the same client_id (answered
`replayed` if the first attempt had committed) or abandons it; it never sends another write before
the killed server has been replaced, so a cut-off write can never commit after a later one.

What is checked, for every day written:
  * each 2xx echoes the written date, client_id and items, and its revision is above the
    revision of every earlier acknowledged write of the day;
  * a concurrent reader, and the final read after the last restart, see the last acknowledged
    write of the day or a later, unacknowledged one (cut off by a kill: it may or may not have
    committed), with exactly the items written -- never an older write, never another value;
  * the audit trail holds at least one `diary.write ok` event per acknowledged write of the day
    (events are committed before the answer), and `ldn audit verify` finds the chain intact;
  * the server never dies on its own, never answers a write with anything but 2xx (503 is taken
    as "not acknowledged" and retried), and stops cleanly (exit 0) on SIGTERM at the end.

Exit status 0 when everything holds, 1 on a failure (named on stderr; the work directory with the
server's logs is kept), 2 on bad arguments. No check depends on timing: the waits are generous
and only bound a hang.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

from totp_login import login_via

DIARY_ITEMS = ("pain", "fatigue", "sleep", "mood", "anxiety", "cognition", "stiffness", "sensitivity", "stress")
HANG_SECONDS = 600  # bounds a hang only; never reached by a healthy run, even under ASan


class TestFailure(Exception):
    pass


class Server:
    """One `ldn serve` process at a time on the same database; restarted after each kill."""

    def __init__(self, ldn, db, workdir, threads):
        self.ldn = ldn
        self.db = db
        self.workdir = workdir
        self.threads = threads
        self.proc = None
        self.port = None
        self.generation = 0  # incremented by each start
        self.alive = False
        self.stopping = False
        self.cond = threading.Condition()
        self.log = open(os.path.join(workdir, "server.log"), "ab")

    def start(self, demo=False):
        out_path = os.path.join(self.workdir, "stdout.txt")
        with open(out_path, "wb") as out:
            self.log.write(b"--- start %d\n" % (self.generation + 1))
            self.log.flush()
            cmd = [self.ldn, "serve", "--db", self.db, "--port", "0", "--bind", "127.0.0.1", "--threads",
                   str(self.threads), "--web", os.path.join(self.workdir, "no-web")]
            if demo:
                cmd.append("--demo")
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=self.log, cwd=self.workdir)
        deadline = time.monotonic() + HANG_SECONDS
        port = None
        while port is None:
            with open(out_path, "rb") as f:
                m = re.search(rb"listening on http://127\.0\.0\.1:(\d+)/", f.read())
            if m:
                port = int(m.group(1))
            elif proc.poll() is not None:
                raise TestFailure("ldn serve exited with %s before listening; see %s/server.log"
                                  % (proc.returncode, self.workdir))
            elif time.monotonic() > deadline:
                proc.kill()
                raise TestFailure("ldn serve did not start listening within %d s" % HANG_SECONDS)
            else:
                time.sleep(0.01)
        with self.cond:
            self.proc = proc
            self.port = port
            self.generation += 1
            self.alive = True
            self.cond.notify_all()

    def kill(self):
        with self.cond:
            if self.proc.poll() is not None:
                raise TestFailure("ldn serve (start %d) died on its own with %s; see %s/server.log"
                                  % (self.generation, self.proc.returncode, self.workdir))
            self.alive = False
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        """Graceful stop (SIGTERM); returns the exit code."""
        with self.cond:
            self.alive = False
            self.stopping = True
            self.cond.notify_all()
        if self.proc.poll() is not None:
            raise TestFailure("ldn serve died on its own with %s before the final stop" % self.proc.returncode)
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=HANG_SECONDS)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise TestFailure("ldn serve did not stop within %d s of SIGTERM" % HANG_SECONDS)

    def wait_up(self, min_generation, stop_event):
        """(generation, port) of a running server of at least `min_generation`; None to stop."""
        deadline = time.monotonic() + HANG_SECONDS
        with self.cond:
            while not (self.alive and self.generation >= min_generation):
                if stop_event.is_set() or self.stopping:
                    return None
                if time.monotonic() > deadline:
                    raise TestFailure("no server came up within %d s" % HANG_SECONDS)
                self.cond.wait(timeout=0.5)
            return self.generation, self.port

    def kill_if_running(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def request(conn, method, path, token=None, body=None):
    headers = {}
    if token:
        headers["Authorization"] = "Bearer " + token
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=data, headers=headers)
    resp = conn.getresponse()
    raw = resp.read()
    if not raw:
        return resp.status, None
    # A proxy in front of the servers (nginx in the multi-server test) answers 502/504 with an HTML
    # page while a server is down; only what says it is JSON is parsed (and must parse).
    if "json" not in (resp.getheader("Content-Type") or ""):
        return resp.status, raw.decode("utf-8", "replace")
    return resp.status, json.loads(raw)


class Day:
    """The writes of one (patient, date), in the order they were begun."""

    def __init__(self):
        self.writes = []  # [(client_id, items)]; index = ordinal
        self.by_client_id = {}
        self.last_ack = -1  # ordinal of the last acknowledged write
        self.last_ack_revision = 0
        self.acks = 0


class Ledger:
    """Everything sent and acknowledged, shared by the writers, the reader and the final check."""

    def __init__(self):
        self.lock = threading.Lock()
        self.days = {}  # (patient_id, "YYYY-MM-DD") -> Day
        self.acked = 0
        self.cut_off = 0
        self.unavailable = 0
        self.replayed = 0
        self.reads = 0
        self.failures = []
        self.ack_cond = threading.Condition(self.lock)

    def fail(self, message):
        with self.lock:
            self.failures.append(message)
            self.ack_cond.notify_all()

    def begin(self, key, client_id, items):
        with self.lock:
            day = self.days.setdefault(key, Day())
            day.by_client_id[client_id] = len(day.writes)
            day.writes.append((client_id, items))

    def check_entry(self, key, entry, min_ordinal, what):
        """`entry` (a stored diary entry) must be write >= min_ordinal of the day, with its items."""
        day = self.days[key]
        ordinal = day.by_client_id.get(entry.get("client_id"))
        if ordinal is None:
            return "%s of %s: client_id %r was never written to this day" % (what, key, entry.get("client_id"))
        if ordinal < min_ordinal:
            return ("%s of %s: write #%d (%s) is stored, but write #%d (%s) was acknowledged: an acknowledged "
                    "write is lost" % (what, key, ordinal, day.writes[ordinal][0], min_ordinal,
                                       day.writes[min_ordinal][0]))
        if entry.get("items") != day.writes[ordinal][1]:
            return "%s of %s: items of %s are %r, written %r" % (what, key, day.writes[ordinal][0],
                                                                 entry.get("items"), day.writes[ordinal][1])
        return None

    def ack(self, key, client_id, items, body):
        with self.lock:
            day = self.days[key]
            ordinal = day.by_client_id[client_id]
            problem = None
            if body.get("client_id") != client_id or body.get("items") != items or body.get("date") != key[1]:
                problem = "the 2xx of %s for %s does not echo the write: %r" % (client_id, key, body)
            elif not body.get("revision", 0) > day.last_ack_revision:
                problem = ("the 2xx of %s for %s has revision %s, not above the %d of the day's previous "
                           "acknowledged write" % (client_id, key, body.get("revision"), day.last_ack_revision))
            elif ordinal < day.last_ack:
                problem = "internal: %s acknowledged after a later write of %s" % (client_id, key)
            if problem:
                self.failures.append(problem)
            else:
                day.last_ack = ordinal
                day.last_ack_revision = body["revision"]
            day.acks += 1
            self.acked += 1
            if body.get("outcome") == "replayed":
                self.replayed += 1
            self.ack_cond.notify_all()


def make_items(rng, client_id):
    items = {name: rng.randint(0, 10) for name in DIARY_ITEMS if rng.random() < 0.8}
    if rng.random() < 0.3:
        items["side_effects"] = [{"name": rng.choice(["vivid_dreams", "insomnia", "headache"]),
                                  "severity": rng.randint(1, 3)}]
    items["note"] = "crash test " + client_id
    return items


def writer(wid, args, server, ledger, keys, token, stop_event):
    rng = random.Random(args.seed * 1000 + wid)
    conn, conn_generation = None, None
    n = 0
    pending = None  # a cut-off write to send again with its client_id
    min_generation = 1
    try:
        while not stop_event.is_set():
            up = server.wait_up(min_generation, stop_event)
            if up is None:
                return
            generation, port = up
            if pending is None:
                n += 1
                key = rng.choice(keys)
                client_id = "w%d-%d" % (wid, n)
                items = make_items(rng, client_id)
                ledger.begin(key, client_id, items)
            else:
                key, client_id, items = pending
            if conn is None or conn_generation != generation:
                if conn is not None:
                    conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HANG_SECONDS)
                conn_generation = generation
            path = "/api/v1/patients/%d/diary/%s" % key
            try:
                status, body = request(conn, "PUT", path, token, {"client_id": client_id, "scale_version": 2, "items": items})
            except (OSError, http.client.HTTPException, ValueError) as e:
                if isinstance(e, TimeoutError) or isinstance(e, ValueError):
                    raise TestFailure("writer %d: %s on %s with the server up" % (wid, e, path))
                # Cut off by a kill: it may or may not have committed. Send nothing more until
                # the killed server has been replaced, then retry it (or abandon it).
                conn.close()
                conn = None
                with ledger.lock:
                    ledger.cut_off += 1
                pending = (key, client_id, items) if rng.random() < 0.5 else None
                min_generation = generation + 1
                continue
            if status in (200, 201):
                ledger.ack(key, client_id, items, body)
                pending = None
            elif status == 503:
                # Not acknowledged (it may have committed before its audit failed): retry.
                with ledger.lock:
                    ledger.unavailable += 1
                pending = (key, client_id, items)
                time.sleep(0.05)
            else:
                raise TestFailure("writer %d: PUT %s (%s) answered %d %r" % (wid, path, client_id, status, body))
    except TestFailure as e:
        ledger.fail(str(e))
    except Exception as e:  # a bug of this script: fail loudly, never hang
        ledger.fail("writer %d crashed: %r" % (wid, e))
    finally:
        if conn is not None:
            conn.close()


def reader(args, server, ledger, token, stop_event):
    """Reads days at random while the writers run: never older than the last acknowledged write."""
    rng = random.Random(args.seed * 1000 + 999)
    conn, conn_generation = None, None
    min_generation = 1
    try:
        while not stop_event.is_set():
            up = server.wait_up(min_generation, stop_event)
            if up is None:
                return
            generation, port = up
            with ledger.lock:
                keys = list(ledger.days.keys())
                if not keys:
                    ledger.ack_cond.wait(timeout=0.1)
                    continue
                key = rng.choice(keys)
                min_ordinal = ledger.days[key].last_ack
            if conn is None or conn_generation != generation:
                if conn is not None:
                    conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HANG_SECONDS)
                conn_generation = generation
            try:
                status, body = request(conn, "GET", "/api/v1/patients/%d/diary/%s" % key, token)
            except (OSError, http.client.HTTPException) as e:
                if isinstance(e, TimeoutError):
                    raise TestFailure("reader: %s with the server up" % e)
                conn.close()
                conn = None
                min_generation = generation + 1
                continue
            with ledger.lock:
                ledger.reads += 1
                if status == 200:
                    problem = ledger.check_entry(key, body, max(min_ordinal, 0), "a read")
                elif status == 404 and min_ordinal < 0:
                    problem = None
                elif status == 503:
                    problem = None
                else:
                    problem = "a read of %s answered %d %r" % (key, status, body)
                if problem:
                    ledger.failures.append(problem)
    except TestFailure as e:
        ledger.fail(str(e))
    except Exception as e:
        ledger.fail("reader crashed: %r" % (e,))
    finally:
        if conn is not None:
            conn.close()


def login(port, username, password):
    """A session token for the demo user, two-step login set up or answered (totp_login.py)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HANG_SECONDS)
    try:
        status, body = login_via(lambda m, p, t, b: request(conn, m, p, t, b), username, password)
    finally:
        conn.close()
    if status != 201:
        raise TestFailure("login as %s answered %d %r" % (username, status, body))
    return body["token"]


def audit_counts(port, token):
    """{(patient_id, date): number of `diary.write ok` events}, from GET /audit."""
    counts = {}
    after = 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HANG_SECONDS)
    try:
        while True:
            status, body = request(conn, "GET", "/api/v1/audit?after_seq=%d&limit=10000" % after, token)
            if status != 200:
                raise TestFailure("GET /audit answered %d %r" % (status, body))
            events = body["events"]
            for e in events:
                m = re.fullmatch(r"patients/(\d+)/diary/(\d{4}-\d\d-\d\d)", e["object"])
                if e["action"] == "diary.write" and e["outcome"] == "ok" and m:
                    key = (int(m.group(1)), m.group(2))
                    counts[key] = counts.get(key, 0) + 1
            if len(events) < 10000:  # the end (each GET /audit appends an event itself)
                return counts
            after = events[-1]["seq"]
    finally:
        conn.close()


def inject_lost_write(db, ledger):
    """The checker's own test: puts an older write of one day back, as a lost write would."""
    import sqlite3

    for key, day in sorted(ledger.days.items()):
        if day.last_ack >= 1:
            client_id, items = day.writes[0]
            with sqlite3.connect(db[len("sqlite:"):]) as c:
                c.execute("UPDATE diary_entries SET items = ?, client_id = ? WHERE patient_id = ? AND local_date = ?",
                          (json.dumps(items), client_id, key[0], key[1]))
            print("injected: %s set back to its first write %s" % (key, client_id), flush=True)
            return
    raise TestFailure("--inject-lost-write: no day has two writes")


def run(args, workdir):
    server = Server(args.ldn, args.db, workdir, args.threads)
    ledger = Ledger()
    rng = random.Random(args.seed)
    stop_event = threading.Event()
    threads = []
    try:
        server.start(demo=True)
        token = login(server.port, "doc", "ldn-demo-clinician")
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=HANG_SECONDS)
        status, body = request(conn, "GET", "/api/v1/patients", token)
        conn.close()
        if status != 200 or not body["patients"]:
            raise TestFailure("GET /patients as doc answered %d %r" % (status, body))
        patients = [p["id"] for p in body["patients"]]

        # Writer w owns args.days dates from 2001-01-01 + 100 w, on every patient: far from the
        # demo's recent diaries, and no day is written by two writers.
        base = datetime.date(2001, 1, 1)
        for w in range(args.writers):
            keys = [(p, (base + datetime.timedelta(days=100 * w + d)).isoformat())
                    for p in patients for d in range(args.days)]
            t = threading.Thread(target=writer, args=(w, args, server, ledger, keys, token, stop_event), daemon=True)
            threads.append(t)
        threads.append(threading.Thread(target=reader, args=(args, server, ledger, token, stop_event), daemon=True))
        for t in threads:
            t.start()

        for k in range(args.kills):
            target = rng.randint(0, args.max_acks_per_run)
            deadline = time.monotonic() + HANG_SECONDS
            with ledger.lock:
                start_acks = ledger.acked
                while ledger.acked - start_acks < target and not ledger.failures:
                    if time.monotonic() > deadline:
                        raise TestFailure("the writers made no progress for %d s (start %d)"
                                          % (HANG_SECONDS, server.generation))
                    ledger.ack_cond.wait(timeout=0.5)
                if ledger.failures:
                    break
            time.sleep(rng.uniform(0, args.max_delay_ms / 1000.0))
            server.kill()
            server.start()
            if args.verbose:
                print("kill %d/%d: %d acknowledged so far" % (k + 1, args.kills, ledger.acked), flush=True)

        # Let the writers run a little on the last server, then stop them (their last requests
        # are answered: the server is up).
        deadline = time.monotonic() + HANG_SECONDS
        with ledger.lock:
            start_acks = ledger.acked
            while ledger.acked - start_acks < args.max_acks_per_run and not ledger.failures:
                if time.monotonic() > deadline:
                    raise TestFailure("the writers made no progress for %d s after the last restart" % HANG_SECONDS)
                ledger.ack_cond.wait(timeout=0.5)
        stop_event.set()
        with server.cond:
            server.cond.notify_all()
        for t in threads:
            t.join(timeout=HANG_SECONDS)
            if t.is_alive():
                raise TestFailure("a client thread did not finish")
        if ledger.failures:
            raise TestFailure(ledger.failures[0])

        # One more crash with nothing in flight, then the final read of every day written.
        server.kill()
        if args.inject_lost_write:
            inject_lost_write(args.db, ledger)
        server.start()
        token = login(server.port, "doc", "ldn-demo-clinician")
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=HANG_SECONDS)
        checked = 0
        for key, day in sorted(ledger.days.items()):
            status, body = request(conn, "GET", "/api/v1/patients/%d/diary/%s" % key, token)
            if status == 404 and day.last_ack < 0:
                continue
            if status != 200:
                ledger.failures.append("final read of %s (last acknowledged %s) answered %d %r"
                                       % (key, day.writes[day.last_ack][0] if day.last_ack >= 0 else None,
                                          status, body))
                continue
            problem = ledger.check_entry(key, body, max(day.last_ack, 0), "the final read")
            if problem is None and body.get("revision", 0) < day.last_ack_revision:
                problem = "the final read of %s has revision %s < acknowledged %d" % (
                    key, body.get("revision"), day.last_ack_revision)
            if problem:
                ledger.failures.append(problem)
            checked += 1
        conn.close()

        admin = login(server.port, "admin", "ldn-demo-accounts")
        counts = audit_counts(server.port, admin)
        for key, day in sorted(ledger.days.items()):
            if counts.get(key, 0) < day.acks:
                ledger.failures.append("the audit trail has %d diary.write ok events for %s, but %d writes were "
                                       "acknowledged" % (counts.get(key, 0), key, day.acks))
        rc = server.stop()
        if rc != 0:
            ledger.failures.append("ldn serve exited with %d after SIGTERM" % rc)

        verify = subprocess.run([args.ldn, "audit", "verify", "--db", args.db, "--json"], cwd=workdir,
                                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=HANG_SECONDS)
        try:
            verdict = json.loads(verify.stdout)
        except ValueError:
            verdict = {}
        if verify.returncode != 0 or not verdict.get("ok"):
            ledger.failures.append("ldn audit verify: exit %d, %s %s" % (verify.returncode, verify.stdout.strip(),
                                                                        verify.stderr.strip()))
        if ledger.failures:
            raise TestFailure(ledger.failures[0])
        print("crash test passed: %d SIGKILLs (plus one idle), %d writers, %d acknowledged writes (%d replays), "
              "%d cut off by a kill, %d answered 503, %d concurrent reads; %d days read back, none older than "
              "its last acknowledged write; audit chain intact (%s events)"
              % (args.kills, args.writers, ledger.acked, ledger.replayed, ledger.cut_off, ledger.unavailable,
                 ledger.reads, checked, verdict.get("events_checked")), flush=True)
    finally:
        stop_event.set()
        server.kill_if_running()
        if ledger.failures and len(ledger.failures) > 1:
            for f in ledger.failures[1:20]:
                print("  also: " + f, file=sys.stderr)


def run_under_pg_virtualenv():
    """Runs this script again inside a throwaway cluster (pg_virtualenv exports the PG* variables).

    -t keeps the cluster in a temporary directory even as root (not the shared 15/regress). The
    port is a free one from the kernel's ephemeral range, so that two clusters created at the same
    moment (ctest -j) cannot both take the first free port from 5432 up. LDN_SKIP_POSTGRES=1 skips,
    as it does the store's PostgreSQL tests (exit 77).
    """
    import socket

    if os.environ.get("LDN_SKIP_POSTGRES") == "1":
        print("crash test: skipped (LDN_SKIP_POSTGRES=1)", flush=True)
        return 77  # ctest's SKIP_RETURN_CODE
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    argv = [a for a in sys.argv[1:] if a != "--postgres"]
    env = dict(os.environ, PGPORT=str(port))
    cmd = ["pg_virtualenv", "-t", "-v", "15", sys.executable, os.path.abspath(__file__)] + argv + ["--db", "postgresql://"]
    print("crash test: %s (PGPORT=%d)" % (" ".join(cmd), port), flush=True)
    return subprocess.call(cmd, env=env)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--ldn", required=True, help="the ldn binary")
    p.add_argument("--db", help="database URL (default: sqlite: a throwaway file); postgresql://... must "
                                "be an empty database, e.g. under pg_virtualenv")
    p.add_argument("--kills", type=int, default=20, help="SIGKILLs during the traffic (default 20)")
    p.add_argument("--writers", type=int, default=4, help="writer threads (default 4)")
    p.add_argument("--days", type=int, default=6, help="dates per writer, each on every patient (default 6)")
    p.add_argument("--max-acks-per-run", type=int, default=60,
                   help="a server lives until 0..N acknowledged writes (default 60)")
    p.add_argument("--max-delay-ms", type=float, default=20, help="then 0..N ms more (default 20)")
    p.add_argument("--threads", type=int, default=4, help="ldn serve --threads (default 4)")
    p.add_argument("--seed", type=int, default=4, help="random seed (default 4)")
    p.add_argument("--keep", action="store_true", help="keep the work directory")
    p.add_argument("--inject-lost-write", action="store_true",
                   help="test the checker: set one day back to an older write before the final read (SQLite); "
                        "the run must then fail")
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--postgres", action="store_true",
                   help="run on a throwaway PostgreSQL 15 cluster: runs itself under `pg_virtualenv -t -v 15` "
                        "with --db postgresql://, on a free port of its own")
    args = p.parse_args()
    if args.postgres:
        if args.db or args.inject_lost_write:
            p.error("--postgres goes with neither --db nor --inject-lost-write")
        return run_under_pg_virtualenv()
    if args.kills < 1 or args.writers < 1 or args.days < 1 or args.max_acks_per_run < 1:
        p.error("--kills, --writers, --days and --max-acks-per-run must be positive")
    args.ldn = os.path.abspath(args.ldn)
    if not os.access(args.ldn, os.X_OK):
        p.error("--ldn: %s is not executable" % args.ldn)
    workdir = tempfile.mkdtemp(prefix="ldn-crash-")
    if not args.db:
        args.db = "sqlite:" + os.path.join(workdir, "crash.db")
    if args.inject_lost_write and not args.db.startswith("sqlite:"):
        p.error("--inject-lost-write needs SQLite")
    print("crash test: %s, db %s, seed %d, %d kills, work directory %s" % (args.ldn, args.db, args.seed, args.kills,
                                                                          workdir), flush=True)
    try:
        run(args, workdir)
    except TestFailure as e:
        if args.inject_lost_write and not args.keep:  # the expected failure: nothing to look into
            shutil.rmtree(workdir, ignore_errors=True)
            print("crash test FAILED: %s" % e, file=sys.stderr)
            return 1
        print("crash test FAILED: %s\n(work directory with server.log kept: %s)" % (e, workdir), file=sys.stderr)
        return 1
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
