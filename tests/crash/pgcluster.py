"""Throwaway PostgreSQL 15 clusters for the multi-server test and the soak: a primary and a
streaming replica on this machine, each in a temporary directory on a free port, trusted on
127.0.0.1 only. Standard library only.

As root the clusters run as the `postgres` system user (PostgreSQL refuses to run as root), which
Debian's postgresql-15 package creates; otherwise as the current user.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

BIN = "/usr/lib/postgresql/15/bin"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_owner(cmd):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"] + cmd
    return cmd


def _chown(path):
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(path, pw.pw_uid, pw.pw_gid)


class Cluster:
    def __init__(self, base, name, fsync=True):
        self.dir = os.path.join(base, name)
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        self.fsync = fsync
        self.running = False

    def url(self, db="postgres", app=None):
        u = "postgresql://postgres@127.0.0.1:%d/%s" % (self.port, db)
        return u + ("?application_name=%s" % app if app else "")

    def _write_conf(self):
        with open(os.path.join(self.data, "postgresql.auto.conf"), "a") as f:
            f.write("port = %d\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\n"
                    "fsync = %s\nsynchronous_commit = on\nwal_level = replica\nmax_wal_senders = 4\n"
                    "hot_standby = on\nmax_connections = 200\nshared_buffers = 64MB\n"
                    % (self.port, self.dir, "on" if self.fsync else "off"))

    def init_primary(self):
        os.makedirs(self.dir)
        _chown(self.dir)
        subprocess.run(_as_owner([BIN + "/initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
                                  "--no-instructions", "-E", "UTF8", "--locale=C"]),
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        with open(os.path.join(self.data, "pg_hba.conf"), "w") as f:
            f.write("local all all trust\nhost all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n")
        self._write_conf()
        self.start()

    def init_replica(self, primary):
        """A streaming replica of `primary` (pg_basebackup -R: standby.signal and primary_conninfo)."""
        os.makedirs(self.dir)
        _chown(self.dir)
        subprocess.run(_as_owner([BIN + "/pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U",
                                  "postgres", "-D", self.data, "-R", "-X", "stream", "-c", "fast"]),
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # The copied configuration names the primary's port: this cluster's own comes last and wins.
        self._write_conf()
        self.start()

    def start(self):
        subprocess.run(_as_owner([BIN + "/pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "log"), "-w", "-t",
                                  "120", "start"]), check=True, stdout=subprocess.DEVNULL)
        self.running = True

    def stop(self):
        if self.running:
            subprocess.run(_as_owner([BIN + "/pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"]),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.running = False

    def psql(self, sql, db="postgres"):
        r = subprocess.run(["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port),
                            "-U", "postgres", "-d", db, "-c", sql], check=True, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        return r.stdout.strip()

    def wait_replayed(self, primary, timeout=120):
        """Waits until this replica has replayed everything the primary had written when called."""
        lsn = primary.psql("SELECT pg_current_wal_lsn()")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.psql("SELECT pg_last_wal_replay_lsn() >= '%s'::pg_lsn" % lsn) == "t":
                return
            time.sleep(0.05)
        raise RuntimeError("the replica did not replay up to %s within %d s" % (lsn, timeout))


class Clusters:
    """A temporary directory holding clusters; stops them and removes it on close()."""

    def __init__(self, prefix="ldn-pg-"):
        self.base = tempfile.mkdtemp(prefix=prefix)
        os.chmod(self.base, 0o755)
        self.clusters = []

    def primary(self, name="primary", fsync=True):
        c = Cluster(self.base, name, fsync)
        self.clusters.append(c)
        c.init_primary()
        return c

    def replica(self, primary, name="replica"):
        c = Cluster(self.base, name, primary.fsync)
        self.clusters.append(c)
        c.init_replica(primary)
        return c

    def close(self, keep=False):
        for c in reversed(self.clusters):
            c.stop()
        if not keep:
            shutil.rmtree(self.base, ignore_errors=True)
