#!/usr/bin/env python3
"""Memory of `ldn serve` under hostile chunked requests (issue 17, H2), measured, not asserted.

    scripts/bench_http_limits.py build/ldn            # prints a Markdown section

Starts `ldn serve` on a throwaway SQLite file, then for each scenario opens 8 connections at once,
each sending one hostile request as fast as the server reads it (up to 4 MiB per connection), and
samples the server's resident memory (VmRSS, /proc/PID/status) every 5 ms. The tests
(tests/server/http_hardening_test.cpp) assert the answers; this script only reports what memory
did. Before the fix one such request grew the server by 120-150 MB, 8 in parallel to 319 MB.
Python standard library only.
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

PARALLEL = 8
SEND_LIMIT = 4 * 1024 * 1024


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def hostile(port, head, filler, results, i):
    """Sends `head`, then `filler` repeatedly until 4 MiB or the server closes; records the status."""
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(30)
    sent = 0
    try:
        s.sendall(head)
        while sent < SEND_LIMIT:
            s.sendall(filler)
            sent += len(filler)
    except OSError:
        pass  # the server answered and closed while we were still sending
    status = 0
    try:
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        m = re.match(rb"HTTP/1\.1 (\d+)", data)
        status = int(m.group(1)) if m else 0
    except OSError:
        pass
    s.close()
    results[i] = (status, sent)


def scenario(pid, port, head, filler):
    before = rss_kb(pid)
    peak = [before]
    done = threading.Event()

    def sample():
        while not done.is_set():
            try:
                peak[0] = max(peak[0], rss_kb(pid))
            except OSError:
                return
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    results = [None] * PARALLEL
    threads = [threading.Thread(target=hostile, args=(port, head, filler, results, i)) for i in range(PARALLEL)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    time.sleep(0.3)
    done.set()
    sampler.join()
    after = rss_kb(pid)
    statuses = sorted({r[0] for r in results})
    sent = max(r[1] for r in results)
    return before, peak[0], after, statuses, sent, elapsed


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    ldn = sys.argv[1]
    work = tempfile.mkdtemp(prefix="ldn-bench-limits-")
    proc = subprocess.Popen([ldn, "serve", "--db", "sqlite:" + os.path.join(work, "b.db"), "--port", "0",
                             "--web", os.path.join(work, "web")], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    port = None
    for line in proc.stdout:
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
        if m:
            port = int(m.group(1))
            break
    try:
        for _ in range(200):  # warm up: threads, allocator, store connections
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            while s.recv(4096):
                pass
            s.close()
        chunked = (b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   b"Transfer-Encoding: chunked\r\n\r\n")
        cases = [
            ("trailer field without end (the issue's reproduction, unbounded)",
             chunked + b"1\r\na\r\n0\r\nX-T: ", b"a" * 65536),
            ("many trailer fields", chunked + b"1\r\na\r\n0\r\n", b"X-A: " + b"b" * 58 + b"\r\n"),
            ("chunk extension without end", chunked + b"1;ext=", b"e" * 65536),
            ("1-byte chunks with 1 KiB extensions", chunked, b"1;e=" + b"x" * 1024 + b"\r\na\r\n"),
            ("header without end", b"GET / HTTP/1.1\r\nHost: x\r\nX-H: ", b"h" * 65536),
        ]
        print("## HTTP limits: server memory under hostile chunked requests (issue 17, H2)")
        print()
        print("scripts/bench_http_limits.py: `ldn serve` (this build), %d connections at once per scenario, each" % PARALLEL)
        print("sending up to 4 MiB of one hostile request; VmRSS sampled every 5 ms. Before the fix one such")
        print("request grew the server by 120-150 MB, 8 in parallel to 319 MB.")
        print()
        print("| scenario | answers | sent per connection before the close | RSS before | peak | after |")
        print("|---|---|---|---|---|---|")
        for name, head, filler in cases:
            before, peak, after, statuses, sent, _ = scenario(proc.pid, port, head, filler)
            print("| %s | %s | %.0f KiB | %.1f MB | %.1f MB | %.1f MB |" % (
                name, ", ".join(str(s) for s in statuses), sent / 1024, before / 1024, peak / 1024, after / 1024))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
