#!/usr/bin/env python3
"""Deployment test (issue 17): build the .deb, install it, run ldn as a clinic would, behind nginx over TLS.

    tests/deploy/package_tls_test.py --build-dir build        # ctest package_tls

Steps: `cpack -G DEB` in the build directory; `dpkg -i` (as root); the package's postinst must have
made the `ldn` system user and /var/lib/ldn (0700, ldn's); the unit must carry the sandbox
(ProtectSystem=strict, UMask=0077, ...). Then ldn is started from the installed files: under
systemd when systemd runs this machine (a drop-in points it at a test database and port), else
directly as the ldn user with the unit's umask and /etc/default/ldn as its environment, LDN_WEB
left out so that `ldn serve` must find /usr/share/ldn/web by itself. A test certificate (openssl),
and Debian's nginx on free ports with the package's own nginx configuration
(/usr/share/ldn/nginx/ldn.conf: TLS, HSTS, proxy headers). Through nginx over TLS (the test's CA
only, the host name checked): the web app loads with HSTS; plain HTTP redirects to HTTPS; a
clinician logs in (every cookie Secure, the session cookie HttpOnly and SameSite=Strict); a diary
write with the CSRF token; a read of it; both in the audit trail, whose chain verifies. The
database, its -wal and -shm are 0600 and ldn's.

Cleans up after itself: stops nginx and ldn, removes the test database, purges the package unless
it was installed before, and removes the ldn user and /var/lib/ldn when the test made them.
Needs root (exit 77 = skipped otherwise), nginx and openssl (scripts/setup). Runs under a lock
(/run/lock/ldn-package-test.lock) so that two checkouts on one machine take turns.
"""

import argparse
import fcntl
import glob
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crash"))
from totp_login import totp_code  # noqa: E402

HANG = 120  # seconds: bounds a hang only


class Failure(Exception):
    pass


def run(cmd, **kw):
    kw.setdefault("check", True)
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.STDOUT)
    kw.setdefault("text", True)
    kw.setdefault("timeout", 600)
    try:
        return subprocess.run(cmd, **kw)
    except subprocess.CalledProcessError as e:
        raise Failure("%s failed (%d): %s" % (" ".join(cmd), e.returncode, (e.stdout or "")[-2000:]))
    except subprocess.TimeoutExpired:
        raise Failure("%s did not finish within %d s" % (" ".join(cmd), kw["timeout"]))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check(cond, message):
    if not cond:
        raise Failure(message)
    print("ok: " + message, flush=True)


def mode_owner(path):
    st = os.stat(path)
    import pwd
    return st.st_mode & 0o7777, pwd.getpwuid(st.st_uid).pw_name


def wait_port(port, proc, what):
    deadline = time.monotonic() + HANG
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise Failure("%s exited with %s before listening" % (what, proc.returncode))
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise Failure("%s did not listen on %d within %d s" % (what, port, HANG))


class Https:
    """A client of https://localhost:PORT that trusts only the test's certificate."""

    def __init__(self, port, cafile):
        self.port = port
        self.ctx = ssl.create_default_context(cafile=cafile)
        self.ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPSConnection("localhost", self.port, context=self.ctx, timeout=HANG)
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        raw = resp.read()
        set_cookies = [v for k, v in resp.getheaders() if k.lower() == "set-cookie"]
        for c in set_cookies:
            name, _, rest = c.partition("=")
            self.cookies[name] = rest.split(";")[0]
        conn.close()
        return resp, raw, set_cookies


def unit_settings(path):
    settings = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith(("#", "[")) or "=" not in line:
                continue
            k, _, v = line.partition("=")
            settings.setdefault(k, []).append(v)
    return settings


def env_file(path):
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, _, v = line.partition("=")
                env[k] = v
    return env


def systemd_running():
    return os.path.isdir("/run/systemd/system") and shutil.which("systemctl") is not None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build-dir", required=True)
    p.add_argument("--keep", action="store_true", help="keep the work directory")
    args = p.parse_args()
    if os.geteuid() != 0:
        print("package_tls: skipped: installing a package needs root (CI runs as root)")
        return 77
    for tool in ("cpack", "dpkg", "nginx", "openssl", "runuser"):
        if shutil.which(tool) is None:
            print("package_tls: FAILED: %s is missing (scripts/setup installs it)" % tool, file=sys.stderr)
            return 1
    build = os.path.abspath(args.build_dir)
    lock = open("/run/lock/ldn-package-test.lock", "w")
    fcntl.flock(lock, fcntl.LOCK_EX)  # another checkout's run finishes first

    work = tempfile.mkdtemp(prefix="ldn-package-")
    os.chmod(work, 0o755)  # nginx's workers (nobody) read their temp directories below it
    state = {"installed_before": False, "user_before": False, "dir_before": False, "procs": [], "db": None,
             "dropin": None}
    try:
        state["installed_before"] = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", "ldn"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True).stdout.startswith("install ok installed")
        state["user_before"] = subprocess.run(["getent", "passwd", "ldn"], stdout=subprocess.DEVNULL).returncode == 0
        state["dir_before"] = os.path.exists("/var/lib/ldn")
        test(build, work, state)
        print("package_tls passed", flush=True)
        return 0
    except Failure as e:
        print("package_tls FAILED: %s (work directory %s)" % (e, work), file=sys.stderr, flush=True)
        args.keep = True
        return 1
    finally:
        cleanup(state)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def test(build, work, state):
    # ---- the package ----------------------------------------------------------------------------
    out = os.path.join(work, "pkg")
    run(["cpack", "-G", "DEB", "-B", out, "--config", os.path.join(build, "CPackConfig.cmake")], cwd=build)
    debs = glob.glob(os.path.join(out, "ldn_*.deb"))
    check(len(debs) == 1, "cpack made one package: %s" % [os.path.basename(d) for d in debs])
    deb = debs[0]
    contents = run(["dpkg-deb", "-c", deb]).stdout
    for path in ("./usr/bin/ldn", "./usr/share/ldn/web/index.html", "./usr/share/ldn/nginx/ldn.conf",
                 "./lib/systemd/system/ldn.service", "./etc/default/ldn", "./usr/share/doc/ldn/operations.md"):
        check(path in contents, "the package holds %s" % path)
    info = run(["dpkg-deb", "-I", deb]).stdout
    check(re.search(r"Depends:.*libsqlite3", info) is not None, "the package depends on its shared libraries")
    run(["dpkg", "-i", deb])
    state["installed"] = True

    # ---- what postinst and the unit promise -----------------------------------------------------
    pw = run(["getent", "passwd", "ldn"]).stdout.strip().split(":")
    check(int(pw[2]) < 1000 and pw[5] == "/var/lib/ldn" and pw[6] in ("/usr/sbin/nologin", "/sbin/nologin"),
          "postinst made the system user ldn (uid %s, home %s, shell %s)" % (pw[2], pw[5], pw[6]))
    check(mode_owner("/var/lib/ldn") == (0o700, "ldn"), "/var/lib/ldn is 0700 and ldn's")
    unit = unit_settings("/lib/systemd/system/ldn.service")
    for key, want in (("User", "ldn"), ("ProtectSystem", "strict"), ("UMask", "0077"),
                      ("ReadWritePaths", "/var/lib/ldn"), ("StateDirectory", "ldn"), ("StateDirectoryMode", "0700"),
                      ("NoNewPrivileges", "yes"), ("PrivateTmp", "yes"), ("ProtectHome", "yes"),
                      ("CapabilityBoundingSet", ""), ("EnvironmentFile", "-/etc/default/ldn")):
        check(want in unit.get(key, []), "the unit sets %s=%s" % (key, want))
    if shutil.which("systemd-analyze"):
        r = run(["systemd-analyze", "verify", "/lib/systemd/system/ldn.service"], check=False)
        bad = [l for l in r.stdout.splitlines() if "ldn.service" in l and "Unknown" in l]
        check(not bad, "systemd-analyze verify knows every setting of the unit %s" % bad)
    defaults = env_file("/etc/default/ldn")
    check(defaults.get("LDN_SECURE_COOKIES") == "1" and defaults.get("LDN_BIND") == "127.0.0.1",
          "/etc/default/ldn: Secure cookies, loopback only")

    # ---- accounts, as an operator makes them (as the ldn user) ----------------------------------
    db = "/var/lib/ldn/package-test-%d.db" % os.getpid()
    state["db"] = db
    url = "sqlite:" + db
    for role, name, pw_ in (("clinician", "drtls", "a clinician passphrase"),
                            ("patient", "pattls", "a patient passphrase")):
        extra = ["--display-name", "Pat TLS", "--time-zone", "Europe/Oslo"] if role == "patient" else []
        run(["runuser", "-u", "ldn", "--", "/usr/bin/ldn", "user", "add", "--db", url, "--role", role, "--username",
             name, "--password-stdin"] + extra, input=pw_ + "\n")
    patient = json.loads(run(["runuser", "-u", "ldn", "--", "/usr/bin/ldn", "careteam", "add", "--db", url,
                              "--name", "TLS clinic", "--member", "drtls", "--patient", "1", "--json"]).stdout)
    check(patient["patients"] == [1], "care team made")

    # ---- ldn, from the installed files ----------------------------------------------------------
    ldn_port = free_port()
    if systemd_running():
        dropin_dir = "/run/systemd/system/ldn.service.d"
        os.makedirs(dropin_dir, exist_ok=True)
        state["dropin"] = os.path.join(dropin_dir, "package-test.conf")
        with open(state["dropin"], "w") as f:
            f.write("[Service]\nEnvironment=LDN_DB=%s LDN_PORT=%d\nUnsetEnvironment=LDN_WEB\n" % (url, ldn_port))
        run(["systemctl", "daemon-reload"])
        run(["systemctl", "restart", "ldn.service"])
        state["systemd"] = True
        wait_port(ldn_port, None, "ldn (systemd)")
        print("ldn runs under systemd", flush=True)
    else:
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
        env.update(defaults)
        env.pop("LDN_WEB", None)  # `ldn serve` must find /usr/share/ldn/web by itself
        env.update({"LDN_DB": url, "LDN_PORT": str(ldn_port)})
        log = open(os.path.join(work, "ldn.log"), "wb")
        # What the unit does: User=ldn, UMask=0077, NoNewPrivileges, WorkingDirectory=/var/lib/ldn.
        proc = subprocess.Popen(["setpriv", "--reuid=ldn", "--regid=ldn", "--init-groups", "--no-new-privs", "--",
                                 "/bin/sh", "-c", "umask 0077; exec /usr/bin/ldn serve"],
                                cwd="/var/lib/ldn", env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        state["procs"].append(("ldn", proc))
        wait_port(ldn_port, proc, "ldn")
        print("ldn runs as the ldn user (no systemd on this machine)", flush=True)

    # ---- TLS: a test certificate and nginx with the package's configuration ----------------------
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
    https_port, http_port = free_port(), free_port()
    with open("/usr/share/ldn/nginx/ldn.conf") as f:
        site = f.read()
    site = site.replace("server 127.0.0.1:8080;", "server 127.0.0.1:%d;" % ldn_port)
    site = site.replace("listen 443 ssl http2;", "listen 127.0.0.1:%d ssl http2;" % https_port)
    site = site.replace("listen 80;", "listen 127.0.0.1:%d;" % http_port)
    site = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", site)
    site = site.replace("ldn.example.org;", "localhost;")
    site = re.sub(r"ssl_certificate\s+\S+;", "ssl_certificate %s;" % cert, site)
    site = re.sub(r"ssl_certificate_key\s+\S+;", "ssl_certificate_key %s;" % key, site)
    check("Strict-Transport-Security" in site and "ssl_protocols TLSv1.2 TLSv1.3" in site,
          "the shipped nginx configuration sets HSTS and TLS 1.2+")
    with open(os.path.join(work, "ldn-site.conf"), "w") as f:
        f.write(site)
    for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        os.makedirs(os.path.join(work, "nginx", d))
        os.chmod(os.path.join(work, "nginx", d), 0o777)
    conf = os.path.join(work, "nginx.conf")
    with open(conf, "w") as f:
        f.write("""worker_processes 1;
pid %(w)s/nginx.pid;
error_log %(w)s/nginx-error.log info;
events { worker_connections 256; }
http {
    access_log %(w)s/nginx-access.log;
    client_body_temp_path %(w)s/nginx/body;
    proxy_temp_path %(w)s/nginx/proxy;
    fastcgi_temp_path %(w)s/nginx/fastcgi;
    uwsgi_temp_path %(w)s/nginx/uwsgi;
    scgi_temp_path %(w)s/nginx/scgi;
    include %(w)s/ldn-site.conf;
}
""" % {"w": work})
    run(["nginx", "-t", "-c", conf, "-p", work])
    nginx = subprocess.Popen(["nginx", "-c", conf, "-p", work, "-g", "daemon off;"], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "nginx-stderr.log"), "wb"))
    state["procs"].insert(0, ("nginx", nginx))
    wait_port(https_port, nginx, "nginx")

    # ---- through nginx over TLS -------------------------------------------------------------------
    c = Https(https_port, cert)
    resp, raw, _ = c.request("GET", "/")
    check(resp.status == 200 and b"<html" in raw.lower(), "the web app loads over TLS (from /usr/share/ldn/web)")
    hsts = resp.getheader("Strict-Transport-Security") or ""
    check("max-age=63072000" in hsts and "includeSubDomains" in hsts, "HSTS: %s" % hsts)
    check(resp.getheader("Content-Security-Policy") is not None, "ldn's security headers pass through nginx")
    plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=HANG)
    plain.request("GET", "/api/v1/health", headers={"Host": "localhost"})
    r = plain.getresponse()
    r.read()
    check(r.status == 301 and (r.getheader("Location") or "").startswith("https://localhost/"),
          "plain HTTP redirects to HTTPS (%d %s)" % (r.status, r.getheader("Location")))
    resp, raw, _ = c.request("GET", "/api/v1/health")
    check(resp.status == 200 and json.loads(raw)["store"] == "sqlite", "health over TLS")

    resp, raw, cookies = c.request("POST", "/api/v1/session", {"username": "drtls", "password": "a clinician passphrase"})
    check(resp.status == 201, "the clinician logs in over TLS (%d)" % resp.status)
    login = json.loads(raw)
    check(len(cookies) >= 2, "login sets the session and CSRF cookies")
    for cookie in cookies:
        attrs = [a.strip().lower() for a in cookie.split(";")[1:]]
        name = cookie.split("=")[0]
        check("secure" in attrs, "cookie %s is Secure" % name)
        check("samesite=strict" in attrs and "path=/" in attrs and not any(a.startswith("domain=") for a in attrs),
              "cookie %s is SameSite=Strict, Path=/, host-only" % name)
        if name.startswith("__Host-"):
            check("secure" in attrs and "path=/" in attrs, "cookie %s keeps the __Host- rules" % name)
    session_cookies = [ck for ck in cookies if "session" in ck.split("=")[0]]
    check(session_cookies and all("httponly" in [a.strip().lower() for a in ck.split(";")[1:]] for ck in session_cookies),
          "the session cookie is HttpOnly")
    csrf = login.get("csrf_token")
    check(bool(csrf), "the login answer carries the CSRF token")
    hsts_all = [v for k, v in resp.getheaders() if k.lower() == "strict-transport-security"]
    check(hsts_all == ["max-age=63072000; includeSubDomains"], "one HSTS header on the API's answers: %s" % hsts_all)
    # A clinician sets up two-step login at the first login (TOTP, as an authenticator app).
    check(login.get("setup_step") == "enrol_totp", "the clinician is asked to set up two-step login")
    resp, raw, _ = c.request("GET", "/api/v1/patients/1/diary/2026-11-20")
    check(resp.status == 403, "until then patient data is refused (%d)" % resp.status)
    resp, raw, _ = c.request("POST", "/api/v1/me/totp", None, {"X-CSRF-Token": csrf})
    check(resp.status == 201, "TOTP set-up begins (%d %s)" % (resp.status, raw[:200]))
    b32 = json.loads(raw)["secret"]
    secret = __import__("base64").b32decode(b32 + "=" * (-len(b32) % 8))
    code = totp_code(secret, int(time.time()) // 30)
    resp, raw, _ = c.request("POST", "/api/v1/me/totp/confirm", {"code": code}, {"X-CSRF-Token": csrf})
    check(resp.status == 200 and len(json.loads(raw)["recovery_codes"]) == 10,
          "TOTP confirmed over TLS, ten recovery codes (%d)" % resp.status)

    day = "2026-11-20"
    item = {"client_id": "tls-write-1", "scale_version": 2, "items": {"pain": 6, "sleep": 4, "note": "over TLS"}}
    resp, raw, _ = c.request("PUT", "/api/v1/patients/1/diary/" + day, item)
    check(resp.status == 403, "a cookie write without the CSRF header is refused (%d)" % resp.status)
    resp, raw, _ = c.request("PUT", "/api/v1/patients/1/diary/" + day, item, {"X-CSRF-Token": csrf})
    check(resp.status in (200, 201), "a diary write through nginx with the CSRF token (%d %s)" % (resp.status, raw[:200]))
    resp, raw, _ = c.request("GET", "/api/v1/patients/1/diary/" + day)
    body = json.loads(raw)
    check(resp.status == 200 and body["items"]["pain"] == 6 and body["client_id"] == "tls-write-1",
          "the diary read returns the write")
    resp, raw, _ = c.request("DELETE", "/api/v1/session", None, {"X-CSRF-Token": csrf})
    check(resp.status in (200, 204), "logout (%d)" % resp.status)
    resp, raw, _ = c.request("GET", "/api/v1/patients/1/diary/" + day)
    check(resp.status == 401, "after logout the session is gone (%d)" % resp.status)

    # ---- the files and the audit trail ------------------------------------------------------------
    check(mode_owner(db + ".key") == (0o600, "ldn"), "the TOTP key file beside the database is 0600 and ldn's")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            check(mode_owner(db + suffix) == (0o600, "ldn"), "%s%s is 0600 and ldn's" % (os.path.basename(db), suffix))
    check(os.path.exists(db + "-wal"), "the database runs in WAL mode")
    verify = json.loads(run(["runuser", "-u", "ldn", "--", "/usr/bin/ldn", "audit", "verify", "--db", url,
                             "--json"]).stdout)
    check(verify["ok"], "the audit chain verifies (%d events)" % verify["events_checked"])
    events = subprocess.run(["sqlite3", "-readonly", db, "SELECT action || ' ' || outcome FROM audit_events"],
                            stdout=subprocess.PIPE, text=True).stdout.split("\n") if shutil.which("sqlite3") else []
    if events:
        check("diary.write ok" in events and "diary.read ok" in events, "the write and the read are audited")


def cleanup(state):
    for name, proc in state["procs"]:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM if name == "ldn" else signal.SIGQUIT)
            try:
                rc = proc.wait(timeout=HANG)
                if name == "ldn" and rc != 0:
                    print("warning: ldn exited with %d after SIGTERM" % rc, file=sys.stderr)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    if state.get("systemd"):
        subprocess.run(["systemctl", "stop", "ldn.service"], check=False)
    if state.get("dropin"):
        try:
            os.remove(state["dropin"])
        except OSError:
            pass
        subprocess.run(["systemctl", "daemon-reload"], check=False)
    if state.get("db"):
        for suffix in ("", "-wal", "-shm", ".lock", ".key"):
            try:
                os.remove(state["db"] + suffix)
            except OSError:
                pass
    if state.get("installed") and not state["installed_before"]:
        subprocess.run(["dpkg", "--purge", "ldn"], stdout=subprocess.DEVNULL, check=False)
    if not state["user_before"] and subprocess.run(["getent", "passwd", "ldn"], stdout=subprocess.DEVNULL).returncode == 0:
        subprocess.run(["userdel", "ldn"], check=False)
        subprocess.run(["groupdel", "ldn"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    if not state["dir_before"] and os.path.isdir("/var/lib/ldn"):
        shutil.rmtree("/var/lib/ldn", ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
