#!/usr/bin/env python3
"""Several servers, one PostgreSQL (issue 17): kill servers mid-load, lose no acknowledged write.

    tests/crash/multi_server_test.py --ldn build/ldn              # ctest multi_server_postgres
    tests/crash/multi_server_test.py --ldn build/ldn --kills 40   # a longer run

The set-up a clinic grows into (docs/operations.md, "Several servers"): a PostgreSQL 15 primary and
a streaming replica made with pg_basebackup (two clusters on this machine, tests/crash/pgcluster.py),
three `ldn serve` processes on the primary, each sending research reads to the replica
(--research-db), and Debian's nginx spreading requests over them.

What is checked:
  * sessions are shared: a login on one server works on the others; a logout on one ends the
    session on all;
  * login throttling is shared: failures spread over the servers add up to one lockout;
  * while writer threads (each owning its diary days, one write at a time) and a reader go through
    nginx, servers are SIGKILLed at random and restarted; a write cut off by a kill (nginx answers
    502, or the connection drops) is retried with the same client_id until acknowledged. Every
    acknowledged write must be there, in every read and in the final read of every day (the same
    ledger and checks as tests/crash/crash_test.py); the audit trail must hold a `diary.write ok`
    event per acknowledged write, and `ldn audit verify` must find the one chain all servers
    appended to intact;
  * research reads come from the replica: with its replay paused, a patient added on the primary
    is not counted; once it replays, it is;
  * every server stops cleanly (exit 0) on SIGTERM at the end.
Exit 0 when all holds, 1 on a failure (the work directory is kept), 77 when LDN_SKIP_POSTGRES=1.
"""

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pgcluster  # noqa: E402
from crash_test import Ledger, TestFailure, audit_counts, make_items, request  # noqa: E402
# Logs in as the demo users, setting up and then answering two-step login (TOTP) for staff.
from crash_test import login  # noqa: E402

HANG = 300


class Servers:
    """N `ldn serve` processes on one database, each on a fixed port (kept across restarts)."""

    def __init__(self, args, db_url, research_url, workdir):
        self.args = args
        self.db = db_url
        self.research = research_url
        self.workdir = workdir
        self.ports = [pgcluster.free_port() for _ in range(args.servers)]
        self.procs = [None] * args.servers
        self.generation = [0] * args.servers
        self.log = open(os.path.join(workdir, "servers.log"), "ab")
        self.lock = threading.Lock()

    def app_name(self, i):
        return "ldn-test-%d-%d" % (i, self.generation[i])

    def start(self, i, demo=False):
        self.generation[i] += 1
        cmd = [self.args.ldn, "serve", "--db", self.db, "--research-db", self.research, "--port", str(self.ports[i]),
               "--bind", "127.0.0.1", "--threads", "4", "--web", os.path.join(self.workdir, "no-web")]
        if demo:
            cmd.append("--demo")
        env = dict(os.environ, PGAPPNAME=self.app_name(i), LDN_AUDIT_HEAD_INTERVAL="1")
        self.log.write(b"--- server %d start %d\n" % (i, self.generation[i]))
        self.log.flush()
        out = open(os.path.join(self.workdir, "stdout-%d.txt" % i), "wb")
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=self.log, env=env,
                                cwd=self.workdir)
        deadline = time.monotonic() + HANG
        while True:
            with open(os.path.join(self.workdir, "stdout-%d.txt" % i), "rb") as f:
                if b"listening on" in f.read():
                    break
            if proc.poll() is not None:
                raise TestFailure("server %d exited with %s before listening" % (i, proc.returncode))
            if time.monotonic() > deadline:
                raise TestFailure("server %d did not start" % i)
            time.sleep(0.02)
        with self.lock:
            self.procs[i] = proc

    def kill(self, i, primary):
        with self.lock:
            proc = self.procs[i]
            if proc.poll() is not None:
                raise TestFailure("server %d died on its own with %s" % (i, proc.returncode))
            proc.send_signal(signal.SIGKILL)
            self.procs[i] = None
        proc.wait()
        # Its PostgreSQL sessions end when the server notices the closed socket; until then a
        # transaction it had sent may still commit. Wait for them to go, so that the test's notion
        # of "after the kill" is PostgreSQL's too.
        deadline = time.monotonic() + HANG
        while primary.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = '%s'"
                           % self.app_name(i), db="ldn") != "0":
            if time.monotonic() > deadline:
                raise TestFailure("server %d's PostgreSQL sessions outlived it" % i)
            time.sleep(0.02)

    def stop_all(self):
        codes = []
        for i, proc in enumerate(self.procs):
            if proc is None:
                continue
            if proc.poll() is not None:
                raise TestFailure("server %d died on its own with %s" % (i, proc.returncode))
            proc.send_signal(signal.SIGTERM)
        for i, proc in enumerate(self.procs):
            if proc is not None:
                codes.append(proc.wait(timeout=HANG))
        self.procs = [None] * len(self.procs)
        return codes

    def kill_all(self):
        for proc in self.procs:
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()


def start_nginx(workdir, ports):
    port = pgcluster.free_port()
    for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        os.makedirs(os.path.join(workdir, "nginx", d), exist_ok=True)
        os.chmod(os.path.join(workdir, "nginx", d), 0o777)
    upstream = "\n".join("        server 127.0.0.1:%d max_fails=1 fail_timeout=1s;" % p for p in ports)
    conf = os.path.join(workdir, "nginx.conf")
    with open(conf, "w") as f:
        f.write("""worker_processes 1;
pid %(w)s/nginx.pid;
error_log %(w)s/nginx-error.log warn;
events { worker_connections 512; }
http {
    access_log off;
    client_body_temp_path %(w)s/nginx/body;
    proxy_temp_path %(w)s/nginx/proxy;
    fastcgi_temp_path %(w)s/nginx/fastcgi;
    uwsgi_temp_path %(w)s/nginx/uwsgi;
    scgi_temp_path %(w)s/nginx/scgi;
    upstream ldn_servers {
%(upstream)s
        keepalive 16;
    }
    server {
        listen 127.0.0.1:%(port)d;
        location / {
            proxy_pass http://ldn_servers;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
        }
    }
}
""" % {"w": workdir, "upstream": upstream, "port": port})
    proc = subprocess.Popen(["nginx", "-c", conf, "-p", workdir, "-g", "daemon off;"], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(workdir, "nginx-stderr.log"), "wb"))
    deadline = time.monotonic() + HANG
    import socket
    while True:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc, port
        if proc.poll() is not None or time.monotonic() > deadline:
            raise TestFailure("nginx did not start; see %s/nginx-stderr.log" % workdir)
        time.sleep(0.05)


def call(port, method, path, token=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HANG)
    try:
        return request(conn, method, path, token, body)
    finally:
        conn.close()


def check_shared_sessions(servers):
    a, b, c = servers.ports[0], servers.ports[1], servers.ports[-1]
    token = login(a, "doc", "ldn-demo-clinician")
    for port in (b, c):
        status, body = call(port, "GET", "/api/v1/patients", token)
        if status != 200:
            raise TestFailure("a session made on one server is refused by another (%d)" % status)
    status, _ = call(b, "DELETE", "/api/v1/session", token)
    if status not in (200, 204):
        raise TestFailure("logout answered %d" % status)
    status, _ = call(a, "GET", "/api/v1/patients", token)
    if status != 401:
        raise TestFailure("a session ended on one server still works on another (%d)" % status)
    print("sessions are shared by the servers: login on one, use on all, logout on one ends it on all", flush=True)


def check_shared_throttling(servers):
    """Failures spread over the servers count together. The throttle (src/server/login_throttle.h)
    lets 5 attempts on one account from one address through, then makes the next wait 1 s, 2 s,
    4 s, ... So of failed logins sent round-robin, one after the other, the first 5 are answered
    401 and one of the next three 429 (each waits less than the delay it meets, unless the machine
    takes seconds per login) -- by a server that saw at most 4 of the attempts itself, which only
    a count shared through the database can refuse (a server counting alone allows 5)."""
    statuses = []
    seen = [0] * len(servers.ports)
    for k in range(8):
        i = k % len(servers.ports)
        seen[i] += 1
        status, body = call(servers.ports[i], "POST", "/api/v1/session", None,
                            {"username": "pharm", "password": "wrong %d" % k})
        statuses.append(status)
        if status == 429:
            if k < 5:
                raise TestFailure("login attempt %d of 5 free ones was throttled (%s)" % (k + 1, statuses))
            if seen[i] > 4:
                raise TestFailure("the 429 came from a server that saw %d attempts itself" % seen[i])
            print("login throttling is shared: %d failures over %d servers (%s), then 429 from a server that saw %d"
                  % (k, len(servers.ports), statuses, seen[i]), flush=True)
            return
        if status != 401:
            raise TestFailure("failed login %d answered %d %r" % (k + 1, status, body))
    raise TestFailure("8 failed logins spread over %d servers were never throttled (%s)"
                      % (len(servers.ports), statuses))


def writer(wid, args, port, ledger, keys, token, stop_event):
    rng = random.Random(args.seed * 1000 + wid)
    n = 0
    conn = None
    try:
        while not stop_event.is_set():
            n += 1
            key = rng.choice(keys)
            client_id = "m%d-%d" % (wid, n)
            items = make_items(rng, client_id)
            ledger.begin(key, client_id, items)
            path = "/api/v1/patients/%d/diary/%s" % key
            deadline = time.monotonic() + HANG
            # The same write until it is acknowledged: a retry after a kill either writes it or
            # finds it written (replayed), so no later write can be overtaken by an earlier one.
            while True:
                if time.monotonic() > deadline:
                    raise TestFailure("writer %d: %s not acknowledged within %d s" % (wid, client_id, HANG))
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HANG)
                    status, body = request(conn, "PUT", path, token, {"client_id": client_id, "scale_version": 2, "items": items})
                except (OSError, http.client.HTTPException, ValueError):
                    if conn is not None:
                        conn.close()
                    conn = None
                    with ledger.lock:
                        ledger.cut_off += 1
                    time.sleep(0.02)
                    continue
                if status in (200, 201):
                    ledger.ack(key, client_id, items, body)
                    break
                if status in (502, 503, 504):
                    with ledger.lock:
                        ledger.unavailable += 1
                    time.sleep(0.02)
                    continue
                raise TestFailure("writer %d: PUT %s answered %d %r" % (wid, path, status, body))
    except TestFailure as e:
        ledger.fail(str(e))
    except Exception as e:  # a bug of this script: fail loudly, never hang
        ledger.fail("writer %d crashed: %r" % (wid, e))
    finally:
        if conn is not None:
            conn.close()


def reader(args, port, ledger, token, stop_event):
    rng = random.Random(args.seed * 1000 + 999)
    conn = None
    try:
        while not stop_event.is_set():
            with ledger.lock:
                keys = list(ledger.days.keys())
                if not keys:
                    ledger.ack_cond.wait(timeout=0.1)
                    continue
                key = rng.choice(keys)
                min_ordinal = ledger.days[key].last_ack
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HANG)
                status, body = request(conn, "GET", "/api/v1/patients/%d/diary/%s" % key, token)
            except (OSError, http.client.HTTPException):
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.02)
                continue
            with ledger.lock:
                ledger.reads += 1
                if status == 200:
                    problem = ledger.check_entry(key, body, max(min_ordinal, 0), "a read")
                elif status in (404,) and min_ordinal < 0:
                    problem = None
                elif status in (502, 503, 504):
                    problem = None
                else:
                    problem = "a read of %s answered %d %r" % (key, status, body)
                if problem:
                    ledger.failures.append(problem)
    except Exception as e:
        ledger.fail("reader crashed: %r" % (e,))
    finally:
        if conn is not None:
            conn.close()


def research_patients(port, token):
    status, body = call(port, "GET", "/api/v1/research/summary", token)
    if status != 200:
        raise TestFailure("research summary answered %d %r" % (status, body))
    return body["patients"]


def check_replica_reads(servers, primary, replica, nginx_port):
    """The research summary comes from the replica: paused, it does not see a new patient."""
    doc = login(nginx_port, "doc", "ldn-demo-clinician")
    status, teams = call(nginx_port, "GET", "/api/v1/care-teams", doc)
    team = teams["care_teams"][0]["id"]

    def add_patient(n):
        s, b = call(nginx_port, "POST", "/api/v1/patients", doc,
                    {"display_name": "Replica %d" % n, "time_zone": "Europe/Oslo", "care_team_id": team})
        if s != 201:
            raise TestFailure("creating a patient answered %d %r" % (s, b))

    for n in range(3):  # at least 5 patients, so that the count is not suppressed (k = 5)
        add_patient(n)
    replica.wait_replayed(primary)
    res = login(nginx_port, "res", "ldn-demo-outcomes")
    before = research_patients(nginx_port, res)
    if not isinstance(before, int):
        raise TestFailure("the research summary suppressed the patient count: %r" % before)
    replica.psql("SELECT pg_wal_replay_pause()")
    try:
        add_patient(99)
        for port in servers.ports:  # every server reads from the replica
            seen = research_patients(port, res)
            if seen != before:
                raise TestFailure("with the replica paused, server on %d counted %r patients, not %d: the "
                                  "research read did not come from the replica" % (port, seen, before))
    finally:
        replica.psql("SELECT pg_wal_replay_resume()")
    replica.wait_replayed(primary)
    after = research_patients(nginx_port, res)
    if after != before + 1:
        raise TestFailure("after the replica caught up it counts %r patients, not %d" % (after, before + 1))
    print("research reads come from the streaming replica: %d patients while its replay was paused, %d after"
          % (before, after), flush=True)


def run(args, workdir):
    clusters = pgcluster.Clusters()
    servers = None
    nginx = None
    ok = False
    try:
        primary = clusters.primary(fsync=False)
        primary.psql("CREATE DATABASE ldn")
        replica = clusters.replica(primary)
        print("PostgreSQL primary on %d, streaming replica on %d" % (primary.port, replica.port), flush=True)
        # The schema first, replayed on the replica before any server starts: a server refuses a
        # research replica whose schema is behind (under load the replica can lag the migration).
        subprocess.run([args.ldn, "migrate", "--db", primary.url("ldn")], check=True, stdout=subprocess.DEVNULL)
        replica.wait_replayed(primary)
        servers = Servers(args, primary.url("ldn"), replica.url("ldn"), workdir)
        servers.start(0, demo=True)
        for i in range(1, args.servers):
            servers.start(i)
        nginx, nginx_port = start_nginx(workdir, servers.ports)
        print("%d servers %s behind nginx on %d" % (args.servers, servers.ports, nginx_port), flush=True)

        check_shared_sessions(servers)
        check_shared_throttling(servers)

        ledger = Ledger()
        token = login(nginx_port, "doc", "ldn-demo-clinician")
        status, body = call(nginx_port, "GET", "/api/v1/patients", token)
        patients = [p["id"] for p in body["patients"]]
        base = __import__("datetime").date(2002, 1, 1)
        stop_event = threading.Event()
        threads = []
        for w in range(args.writers):
            keys = [(p, (base + __import__("datetime").timedelta(days=100 * w + d)).isoformat())
                    for p in patients for d in range(args.days)]
            threads.append(threading.Thread(target=writer, args=(w, args, nginx_port, ledger, keys, token, stop_event),
                                            daemon=True))
        threads.append(threading.Thread(target=reader, args=(args, nginx_port, ledger, token, stop_event), daemon=True))
        for t in threads:
            t.start()
        rng = random.Random(args.seed)
        for k in range(args.kills):
            target = rng.randint(5, args.max_acks_per_run)
            deadline = time.monotonic() + HANG
            with ledger.lock:
                start = ledger.acked
                while ledger.acked - start < target and not ledger.failures:
                    if time.monotonic() > deadline:
                        raise TestFailure("no progress for %d s" % HANG)
                    ledger.ack_cond.wait(timeout=0.5)
                if ledger.failures:
                    break
            time.sleep(rng.uniform(0, 0.02))
            victim = rng.randrange(args.servers)
            servers.kill(victim, primary)
            if args.verbose:
                print("kill %d: server %d (%d acknowledged so far)" % (k + 1, victim, ledger.acked), flush=True)
            time.sleep(rng.uniform(0, 0.2))  # the others carry the load meanwhile
            servers.start(victim)
        with ledger.lock:
            start = ledger.acked
            while ledger.acked - start < 20 and not ledger.failures:
                ledger.ack_cond.wait(timeout=0.5)
        stop_event.set()
        for t in threads:
            t.join(timeout=HANG)
            if t.is_alive():
                raise TestFailure("a client thread did not finish")
        if ledger.failures:
            raise TestFailure(ledger.failures[0])

        # The final read of every day, through nginx.
        checked = 0
        for key, day in sorted(ledger.days.items()):
            status, body = call(nginx_port, "GET", "/api/v1/patients/%d/diary/%s" % key, token)
            if status == 404 and day.last_ack < 0:
                continue
            if status != 200:
                raise TestFailure("final read of %s answered %d %r" % (key, status, body))
            problem = ledger.check_entry(key, body, max(day.last_ack, 0), "the final read")
            if problem:
                raise TestFailure(problem)
            checked += 1
        admin = login(nginx_port, "admin", "ldn-demo-accounts")
        counts = audit_counts(nginx_port, admin)
        for key, day in sorted(ledger.days.items()):
            if counts.get(key, 0) < day.acks:
                raise TestFailure("the audit trail has %d diary.write ok events for %s, but %d writes were acknowledged"
                                  % (counts.get(key, 0), key, day.acks))

        check_replica_reads(servers, primary, replica, nginx_port)

        codes = servers.stop_all()
        if any(c != 0 for c in codes):
            raise TestFailure("servers exited with %s after SIGTERM" % codes)
        verify = subprocess.run([args.ldn, "audit", "verify", "--db", primary.url("ldn"), "--json"],
                                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=HANG)
        verdict = json.loads(verify.stdout or "{}")
        if verify.returncode != 0 or not verdict.get("ok"):
            raise TestFailure("ldn audit verify: %s %s" % (verify.stdout, verify.stderr))
        # The heads every server logged are anchors: the one chain holds them all.
        anchored = subprocess.run([args.ldn, "audit", "verify", "--db", primary.url("ldn"), "--anchor",
                                   os.path.join(workdir, "servers.log")], stdin=subprocess.DEVNULL,
                                  capture_output=True, text=True, timeout=HANG)
        if anchored.returncode != 0:
            raise TestFailure("the heads the servers logged do not verify: %s %s" % (anchored.stdout, anchored.stderr))
        print("multi-server test passed: %d servers behind nginx, %d SIGKILLs, %d acknowledged writes (%d cut off, "
              "%d answered 5xx and retried), %d concurrent reads; %d days read back, none older than its last "
              "acknowledged write; one audit chain intact (%s events), %s"
              % (args.servers, args.kills, ledger.acked, ledger.cut_off, ledger.unavailable, ledger.reads, checked,
                 verdict.get("events_checked"), anchored.stdout.strip()), flush=True)
        ok = True
    finally:
        if servers is not None:
            servers.kill_all()
        if nginx is not None and nginx.poll() is None:
            nginx.send_signal(signal.SIGQUIT)
            try:
                nginx.wait(timeout=30)
            except subprocess.TimeoutExpired:
                nginx.kill()
        clusters.close(keep=not ok and args.keep)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--ldn", required=True)
    p.add_argument("--servers", type=int, default=3)
    p.add_argument("--kills", type=int, default=8)
    p.add_argument("--writers", type=int, default=4)
    p.add_argument("--days", type=int, default=4)
    p.add_argument("--max-acks-per-run", type=int, default=60)
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--keep", action="store_true")
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args()
    if os.environ.get("LDN_SKIP_POSTGRES") == "1":
        print("multi-server test: skipped (LDN_SKIP_POSTGRES=1)")
        return 77
    if args.servers < 2:
        p.error("--servers must be at least 2")
    for tool in ("nginx", "psql"):
        if shutil.which(tool) is None:
            print("multi-server test FAILED: %s is missing (scripts/setup installs it)" % tool, file=sys.stderr)
            return 1
    args.ldn = os.path.abspath(args.ldn)
    workdir = tempfile.mkdtemp(prefix="ldn-multi-")
    os.chmod(workdir, 0o755)
    try:
        run(args, workdir)
    except (TestFailure, subprocess.CalledProcessError, RuntimeError) as e:
        detail = getattr(e, "stderr", None)
        print("multi-server test FAILED: %s %s\n(work directory kept: %s)" % (e, detail or "", workdir),
              file=sys.stderr)
        return 1
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
