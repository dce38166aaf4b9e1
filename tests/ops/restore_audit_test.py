#!/usr/bin/env python3
"""Restore and audit as an operator meets them (issue 17: M7, M8, L7, L8, I7), with the real binary.

    tests/ops/restore_audit_test.py --ldn build/ldn          # ctest ops_restore_audit

1. `ldn serve --demo` makes the database: it and its -wal/-shm are 0600 (umask 022 around it).
2. `ldn backup` while the server runs: the backup and its anchor file are 0600, the anchor names
   the backup's SHA-256 and head, and the live chain records the backup.
3. After the backup an admin disables an account, and a user logs in (a session the backup lacks).
4. `ldn restore` while the server runs: refused, exit 1, "in use"; nothing changed.
5. Server stopped: `ldn restore` refuses (exit 2) because it would re-enable the account;
   `--force` restores it keeping the account disabled, keeps the old file, and records itself.
6. Restarted: the disabled account cannot log in; the session from before the restore is gone;
   `ldn audit verify --anchor <the server's log>` passes (heads from the replaced tail are checked
   against the kept file) and never writes to the database (same bytes, no -wal/-shm left);
   `ldn audit head` prints the restore event's head.
7. An attacker cuts the tail off the chain (dropping the append-only triggers): plain `audit
   verify` still passes, `audit verify --anchor` fails with exit 1 and says events were removed.
"""

import argparse
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crash"))
from totp_login import login_via  # noqa: E402  (two-step login of the demo staff)


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)
    print("ok: " + msg, flush=True)


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def mode(path):
    return os.stat(path).st_mode & 0o777


class Server:
    def __init__(self, ldn, db, work):
        self.ldn, self.db, self.work = ldn, db, work
        self.proc = None
        self.log_path = os.path.join(work, "server.log")

    def start(self, demo=False):
        out = os.path.join(self.work, "stdout")
        cmd = [self.ldn, "serve", "--db", "sqlite:" + self.db, "--port", "0", "--web", os.path.join(self.work, "none")]
        if demo:
            cmd.append("--demo")
        old = os.umask(0o022)  # what a careless shell would have: ldn must not depend on it
        try:
            self.proc = subprocess.Popen(cmd, stdout=open(out, "wb"), stderr=open(self.log_path, "ab"),
                                         stdin=subprocess.DEVNULL, env=dict(os.environ, LDN_AUDIT_HEAD_INTERVAL="1"))
        finally:
            os.umask(old)
        for _ in range(600):
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", open(out).read())
            if m:
                self.port = int(m.group(1))
                return
            if self.proc.poll() is not None:
                raise Failure("ldn serve exited with %s" % self.proc.returncode)
            time.sleep(0.05)
        raise Failure("ldn serve did not start")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=120)
        check(rc == 0, "ldn serve stops cleanly (exit %d)" % rc)
        self.proc = None

    def call(self, method, path, token=None, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = "Bearer " + token
        conn.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=headers)
        r = conn.getresponse()
        raw = r.read()
        conn.close()
        return r.status, json.loads(raw) if raw else None

    def login(self, user, password):
        return login_via(self.call, user, password)


def ldn(args, *argv, stdin=None):
    return subprocess.run([args.ldn] + list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          input=stdin, timeout=300)


def test(args, work):
    db = os.path.join(work, "clinic.db")
    url = "sqlite:" + db
    server = Server(args.ldn, db, work)
    server.start(demo=True)
    try:
        status, body = server.login("admin", "ldn-demo-accounts")
        admin = body["token"]
        for suffix in ("", "-wal", "-shm"):
            check(mode(db + suffix) == 0o600, "clinic.db%s is 0600 under umask 022" % suffix)

        old = os.umask(0o022)
        try:
            r = ldn(args, "backup", os.path.join(work, "b.db"), "--db", url, "--json")
        finally:
            os.umask(old)
        check(r.returncode == 0, "ldn backup while the server runs: %s %s" % (r.stdout, r.stderr))
        out = json.loads(r.stdout)
        backup = os.path.join(work, "b.db")
        check(mode(backup) == 0o600 and mode(backup + ".anchor") == 0o600, "the backup and its anchor file are 0600")
        anchor = json.load(open(backup + ".anchor"))
        check(anchor["sha256"] == sha(backup) and anchor["audit_head"] == out["audit_head"] and out["recorded_in_audit"],
              "the anchor file names the backup's SHA-256 and head %d; the backup is in the audit trail"
              % anchor["audit_head"]["seq"])

        status, users = server.call("GET", "/api/v1/users", admin)
        pharm = [u for u in users["users"] if u["username"] == "pharm"][0]
        status, _ = server.call("PATCH", "/api/v1/users/%d" % pharm["id"], admin, {"disabled": True})
        check(status == 200, "the admin disables pharm after the backup (%d)" % status)
        status, body = server.login("doc", "ldn-demo-clinician")
        doc_token = body["token"]

        r = ldn(args, "restore", backup, "--db", url, "--force")
        check(r.returncode == 1 and "in use" in r.stderr, "restore while the server runs is refused: %s" % r.stderr.strip())
        check(not [f for f in os.listdir(work) if "pre-restore" in f], "and nothing was set aside")
    finally:
        server.stop()

    r = ldn(args, "restore", backup, "--db", url)
    check(r.returncode == 2 and "pharm: disabled after the backup" in r.stderr and "--force" in r.stderr,
          "restore refuses to re-enable pharm: %s" % r.stderr.strip())
    r = ldn(args, "restore", backup, "--db", url, "--force", "--json")
    check(r.returncode == 0, "restore --force: %s" % r.stderr)
    rep = json.loads(r.stdout)
    # doc set up two-step login at the login after the backup: the current TOTP secret stays too.
    check(sorted(rep["kept"]) == ["doc: two-step login or recovery codes changed after the backup, keeps the current ones",
                                  "pharm: disabled after the backup, stays disabled"],
          "the disable and doc's two-step login are kept: %s" % rep["kept"])
    check(rep["previous_database"] and os.path.exists(rep["previous_database"]), "the old database is kept")
    check(rep["sessions_dropped"] >= 1, "sessions dropped: %d" % rep["sessions_dropped"])
    check(mode(db) == 0o600, "the restored database is 0600")

    server.start()
    try:
        status, _ = server.login("pharm", "ldn-demo-compounding")
        check(status == 401, "pharm stays disabled after the restore (%d)" % status)
        status, _ = server.call("GET", "/api/v1/patients", doc_token)
        check(status == 401, "a session from before the restore is gone (%d)" % status)
        status, body = server.login("doc", "ldn-demo-clinician")
        check(status == 201 and not body.get("setup_step"),
              "doc logs in again with a code of the authenticator set up after the backup (%d)" % status)
    finally:
        server.stop()

    before = sha(db)
    r = ldn(args, "audit", "verify", "--db", url, "--anchor", server.log_path, "--anchor", backup + ".anchor")
    check(r.returncode == 0, "audit verify with the server's logged heads and the backup's anchor: %s %s"
          % (r.stdout.strip(), r.stderr.strip()))
    check(sha(db) == before and not os.path.exists(db + "-wal") and not os.path.exists(db + "-shm"),
          "audit verify wrote nothing to the database")
    head = ldn(args, "audit", "head", "--db", url).stdout.strip()
    events = sqlite3.connect("file:%s?mode=ro" % db, uri=True).execute(
        "SELECT seq, hash, action FROM audit_events ORDER BY seq").fetchall()
    restore_events = [e for e in events if e[2] == "store.restore"]
    check(len(restore_events) == 1, "the restore is one event of the chain")
    check(head == "%d:%s" % (events[-1][0], events[-1][1]), "ldn audit head prints the newest event %s" % head[:20])

    # The attacker: drop the triggers, cut the tail. The chain alone still verifies.
    c = sqlite3.connect(db)
    c.executescript("DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete; "
                    "DELETE FROM audit_events WHERE seq > %d;" % (events[-1][0] - 3))
    c.close()
    r = ldn(args, "audit", "verify", "--db", url)
    check(r.returncode == 0, "without anchors the cut chain still verifies (what anchors are for)")
    r = ldn(args, "audit", "verify", "--db", url, "--anchor", head)
    check(r.returncode == 1 and "events were removed" in r.stderr, "with the head as anchor it fails: %s"
          % r.stderr.strip())


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--ldn", required=True)
    args = p.parse_args()
    args.ldn = os.path.abspath(args.ldn)
    work = tempfile.mkdtemp(prefix="ldn-restore-")
    try:
        test(args, work)
    except Failure as e:
        print("restore/audit test FAILED: %s (work directory %s)" % (e, work), file=sys.stderr)
        return 1
    print("restore/audit test passed")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
