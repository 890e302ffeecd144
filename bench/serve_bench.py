#!/usr/bin/env python3
"""serve_bench.py — latency of `nianbao serve` on loopback: check and render of the seed.

    python3 bench/serve_bench.py [--nianbao build/nianbao] [--requests 100] [--concurrent 200]
                                 [--data samples/baofeng-2020.json]

Starts `nianbao serve --listen 127.0.0.1:0` with a scratch drafts folder, warms it up, then
sends REQUESTS check requests and REQUESTS render requests one after the other over one
kept-alive connection (Python's http.client, loopback only) and prints the median, 90th
percentile and slowest of each; then CONCURRENT check requests at once, each on its own
connection, and prints how long all took, and the median and slowest of them.  Targets
(the issue's): check ≤ 10 ms and render ≤ 50 ms, median, for the seed.  Every loop is
bounded; the server is stopped with SIGTERM at the end (its exit status is printed).
Timings are printed, never asserted.
"""
import argparse
import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)


def ms(xs):
    xs = sorted(xs)
    return "median %6.2f ms   p90 %6.2f ms   max %6.2f ms" % (
        statistics.median(xs) * 1000, xs[int(len(xs) * 0.9) - 1] * 1000, xs[-1] * 1000)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nianbao", default=os.path.join(root, "build", "nianbao"))
    ap.add_argument("--requests", type=int, default=100)
    ap.add_argument("--concurrent", type=int, default=200)
    ap.add_argument("--data", default=os.path.join(root, "samples", "baofeng-2020.json"))
    a = ap.parse_args()
    n = max(1, min(a.requests, 10000))
    conc = max(1, min(a.concurrent, 1000))
    data = open(a.data, "rb").read()
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}

    with tempfile.TemporaryDirectory() as drafts:
        srv = subprocess.Popen([a.nianbao, "serve", "--listen", "127.0.0.1:0", "--drafts", drafts],
                               stdout=subprocess.PIPE, env=env)
        line = srv.stdout.readline().decode()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            sys.exit("serve_bench: nianbao serve did not start: %r" % line)
        port = int(m.group(1))
        hdr = {"Host": "127.0.0.1:%d" % port, "Content-Type": "application/json"}
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

            def post(path):
                t0 = time.perf_counter()
                c.request("POST", path, data, hdr)
                r = c.getresponse()
                body = r.read()
                dt = time.perf_counter() - t0
                if r.status != 200:
                    sys.exit("serve_bench: %s answered %d: %s" % (path, r.status, body[:300]))
                return dt, body

            # warm-up: fonts opened and layouts parsed in the worker threads' engines
            for _ in range(8):
                post("/api/check")
                post("/api/render")
            checks = [post("/api/check")[0] for _ in range(n)]
            renders = []
            size = 0
            for _ in range(n):
                dt, body = post("/api/render")
                renders.append(dt)
                size = len(body)
            c.close()

            results = []
            lock = threading.Lock()
            start = threading.Barrier(conc + 1)

            def one():
                cc = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                start.wait()
                t0 = time.perf_counter()
                try:
                    cc.request("POST", "/api/check", data, hdr)
                    r = cc.getresponse()
                    r.read()
                    ok = r.status == 200
                except OSError:
                    ok = False
                dt = time.perf_counter() - t0
                cc.close()
                with lock:
                    results.append((ok, dt))

            threads = [threading.Thread(target=one) for _ in range(conc)]
            for t in threads:
                t.start()
            start.wait()
            t0 = time.perf_counter()
            for t in threads:
                t.join()
            wall = time.perf_counter() - t0
        finally:
            srv.send_signal(signal.SIGTERM)
            code = srv.wait(timeout=60)

    print("nianbao serve on loopback, data %s (%d bytes)" % (os.path.relpath(a.data, root), len(data)))
    print("  check  x%-4d %s   (target: median <= 10 ms)" % (n, ms(checks)))
    print("  render x%-4d %s   (target: median <= 50 ms; PDF %d bytes)" % (n, ms(renders), size))
    oks = [dt for ok, dt in results if ok]
    print("  %d concurrent checks: %d answered 200 in %.3f s (%.0f requests/s); each %s" % (
        conc, len(oks), wall, len(oks) / wall if wall else 0, ms(oks) if oks else "-"))
    print("  server stopped by SIGTERM, exit status %d" % code)
    return 0 if len(oks) == conc and code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
