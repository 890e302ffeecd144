#!/usr/bin/env python3
"""bench/warm.py [BUILD_DIR] [N] — a warm engine's render time against a whole process's.

Prints, for the seed sample (samples/baofeng-2020.json), the median over N renders
(default 50) of:
  - a warm in-process render through the Python binding (python/nianbao, ctypes over the
    public API of BUILD_DIR/libnianbao.so.0): one Engine, rendered once to warm it, then N
    times; the wall time of each engine.render() call as Python sees it, and the time the
    library itself reports for the run (nianbao_result_time(res, "total"): the public
    API's cost without the binding's), with its split by stage;
  - the same in batch mode (Engine.set_batch: font subsets kept for reuse, faces
    prepared for fast subsetting), after the renders its set-up asks for: what a portal
    rendering report after report in one engine gets for a report it has seen the glyphs
    of (here, the same report again);
  - the first render of a new engine (cold: fonts opened, layouts parsed);
  - a whole `BUILD_DIR/nianbao render` process, start to finished file (written to a RAM
    folder so the disk is not measured).
Every render is checked to give the same bytes as the first.  BUILD_DIR defaults to
build-bench (what bench/run builds: Release), else build.  Target: the warm render of the
seed at most 5 ms on the project's 2-CPU machine.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = os.path.join(ROOT, "samples", "baofeng-2020.json")
EPOCH = 1700000000


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else None
    if build is None:
        build = next((os.path.join(ROOT, b) for b in ("build-bench", "build")
                      if os.path.exists(os.path.join(ROOT, b, "libnianbao.so.0"))), None)
        if build is None:
            sys.exit("warm.py: no build with libnianbao.so.0 in build-bench/ or build/")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    lib = os.path.join(build, "libnianbao.so.0")
    os.environ["NIANBAO_LIBRARY"] = lib
    sys.path.insert(0, os.path.join(ROOT, "python"))
    import nianbao

    data = open(SEED, "rb").read()

    # Cold: a new engine's first render (median of a few engines).
    cold = []
    for _ in range(5):
        with nianbao.Engine(datadir=ROOT) as e:
            t = time.perf_counter()
            first, _ = e.render(data, date=EPOCH)
            cold.append((time.perf_counter() - t) * 1e3)

    # Warm: one engine, N renders.
    wall, lib_total, stages = [], [], {s: [] for s in nianbao.STAGES}
    with nianbao.Engine(datadir=ROOT) as e:
        e.render(data, date=EPOCH)
        for _ in range(n):
            t = time.perf_counter()
            pdf, _ = e.render(data, date=EPOCH)
            wall.append((time.perf_counter() - t) * 1e3)
            if pdf != first:
                sys.exit("warm.py: a warm render gave other bytes than the first")
            for s, v in e.last_run["times"].items():
                stages[s].append(v)
        lib_total = stages["total"]
        pages = e.last_run["pages"]

    # Batch mode: subsets reused, faces preprocessed.
    batch_wall, batch_total, batch_stages = [], [], {s: [] for s in nianbao.STAGES}
    with nianbao.Engine(datadir=ROOT) as e:
        e.set_batch(n + 100, "always")
        warmups = 0
        while True:
            e.render(data, date=EPOCH)
            warmups += 1
            if not e.busy or warmups > 50:
                break
        for _ in range(n):
            t = time.perf_counter()
            pdf, _ = e.render(data, date=EPOCH)
            batch_wall.append((time.perf_counter() - t) * 1e3)
            batch_total.append(e.last_run["times"]["total"])
            for s, v in e.last_run["times"].items():
                batch_stages[s].append(v)
            if pdf != first:
                sys.exit("warm.py: a batch-mode render gave other bytes than the first")

    # Whole process.
    nb = os.path.join(build, "nianbao")
    ram = "/dev/shm" if os.path.isdir("/dev/shm") else None
    proc = []
    with tempfile.TemporaryDirectory(dir=ram) as tmp:
        out = os.path.join(tmp, "seed.pdf")
        env = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH))
        env.pop("NIANBAO_DATADIR", None)
        for _ in range(n):
            t = time.perf_counter()
            subprocess.run([nb, "render", SEED, "-o", out, "-q"], env=env, check=True)
            proc.append((time.perf_counter() - t) * 1e3)
        same = open(out, "rb").read() == first

    med = statistics.median
    print("nianbao warm-engine benchmark: %s, %d pages, %d bytes; %d runs each; library %s"
          % (os.path.relpath(SEED, ROOT), pages, len(first), n, os.path.relpath(lib, ROOT)))
    print("  warm render, Python binding (engine.render wall): median %.2f ms, best %.2f ms"
          % (med(wall), min(wall)))
    print("  warm render, public API (library's own total):    median %.2f ms, best %.2f ms"
          "   target <= 5 ms" % (med(lib_total), min(lib_total)))
    print("    split (median ms): " + ", ".join(
        "%s %.2f" % (s, med(v)) for s, v in stages.items() if s != "total" and v and med(v) >= 0))
    print("  warm render in batch mode (set_batch, %d set-up renders): median %.2f ms wall, "
          "%.2f ms library; best %.2f ms" % (warmups, med(batch_wall), med(batch_total),
                                             min(batch_total)))
    print("    split (median ms): " + ", ".join(
        "%s %.2f" % (s, med(v)) for s, v in batch_stages.items() if s != "total" and v and med(v) >= 0))
    print("  cold render, a new engine's first (wall):          median %.2f ms, best %.2f ms"
          % (med(cold), min(cold)))
    print("  whole process, nianbao render (start to file):      median %.2f ms, best %.2f ms"
          % (med(proc), min(proc)))
    print("  the command's bytes equal the binding's: %s" % ("yes" if same else "NO"))
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
