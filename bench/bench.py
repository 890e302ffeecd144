#!/usr/bin/env python3
"""bench.py BUILD_DIR [N] — the figures of bench/run (see there).  Prints a report."""
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = os.path.join(ROOT, "samples", "baofeng-2020.json")


CPU_MS = {}


def run_timed(argv, env=None):
    """Runs argv; returns (wall ms, peak RSS in KB, exit status, stderr).  The CPU time
    (user + system, the process and the children it waited for) goes to CPU_MS["last"],
    its page faults (minor ones: first touches) to CPU_MS["faults"]."""
    t = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         env=dict(os.environ, **env) if env else None)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    ms = (time.perf_counter() - t) * 1e3
    CPU_MS["last"] = (ru.ru_utime + ru.ru_stime) * 1e3
    CPU_MS["faults"] = ru.ru_minflt + ru.ru_majflt
    p.returncode = os.waitstatus_to_exitcode(status)
    return ms, ru.ru_maxrss, p.returncode, err.decode("utf-8", "replace")


def process_median(nianbao, data, out, runs):
    times, rss, cpu = [], [], []
    for _ in range(runs):
        ms, kb, rc, err = run_timed([nianbao, "render", data, "-o", out, "-q"])
        if rc != 0:
            sys.exit("bench: nianbao render %s failed: %s" % (data, err))
        times.append(ms)
        rss.append(kb)
        cpu.append(CPU_MS["last"])
    CPU_MS["median"] = statistics.median(cpu)
    return statistics.median(times), min(times), max(rss)


def heap_ab(nianbao, data, out, runs):
    """The seed rendered `runs` times each with the huge-page heap (src/cli/heap.h) and with
    malloc's defaults (NIANBAO_HUGEPAGES=0), alternating, so that the host's drift falls on
    both.  Returns {"on"|"off": (median ms, median page faults)}."""
    got = {"on": ([], []), "off": ([], [])}
    for _ in range(runs):
        for k, env in (("on", None), ("off", {"NIANBAO_HUGEPAGES": "0"})):
            ms, _, rc, err = run_timed([nianbao, "render", data, "-o", out, "-q"], env)
            if rc != 0:
                sys.exit("bench: nianbao render %s failed: %s" % (data, err))
            got[k][0].append(ms)
            got[k][1].append(CPU_MS["faults"])
    return {k: (statistics.median(v[0]), statistics.median(v[1])) for k, v in got.items()}


def nb_bench(tool, data, runs, others=()):
    out = subprocess.run([tool, "-n", str(runs), data, *others], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("bench: nb_bench failed: " + out.stderr)
    res = {}
    for line in out.stdout.splitlines():
        f = line.split()
        res[f[0]] = float(f[1])
    return res


def text_chars(path):
    """Characters of running text in a report (opening and sections)."""
    import json
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    n = 0
    def walk(x):
        nonlocal n
        if isinstance(x, str):
            n += len(x)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        elif isinstance(x, dict):
            for v in x.values():
                walk(v)
    walk(d.get("opening"))
    walk(d.get("sections"))
    return n


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def fonts_all_subset(pdf):
    if not shutil.which("pdffonts"):
        return "pdffonts not installed"
    out = subprocess.run(["pdffonts", pdf], capture_output=True, text=True).stdout.splitlines()[2:]
    subset = [l for l in out if re.search(r"\byes\s+yes\s+yes\b", l)]
    return "%d of %d fonts embedded and subset" % (len(subset), len(out))


def main():
    build = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    runs = int(os.environ.get("BENCH_RUNS", "21"))
    nianbao = os.path.join(build, "nianbao")
    tool = os.path.join(build, "bench", "nb_bench")
    # A RAM-backed folder when there is one: the figures are the renderer's, not the disk's.
    base = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    work = tempfile.mkdtemp(prefix="nianbao-bench-", dir=base)
    try:
        load_before = loadavg()
        gen = os.path.join(ROOT, "bench", "gen_reports.py")
        reports = os.path.join(work, "reports")
        subprocess.run([sys.executable, gen, SEED, reports, str(n)], check=True)
        lin = os.path.join(work, "linear")
        subprocess.run([sys.executable, gen, SEED, lin, "0", "--long", "10"], check=True)

        seed_pdf = os.path.join(work, "seed.pdf")
        med, best, rss = process_median(nianbao, SEED, seed_pdf, runs)
        seed_cpu = CPU_MS["median"]
        pdf_bytes = os.path.getsize(seed_pdf)
        ab = heap_ab(nianbao, SEED, seed_pdf, runs)
        gen = sorted(os.path.join(reports, f) for f in os.listdir(reports) if f.endswith(".json"))
        inproc = nb_bench(tool, SEED, max(runs, 20), gen[:max(runs, 20)])

        # Each batch runs BATCH_RUNS times (default 3), -j 1 and -j 2 alternating so that
        # the host's drift falls on both; the run of median time is reported.
        batch = {}
        got = {1: [], 2: []}
        for _ in range(int(os.environ.get("BATCH_RUNS", "3"))):
            for j in (1, 2):
                out = os.path.join(work, "out-j%d" % j)
                ms, kb, rc, err = run_timed(
                    [nianbao, "render", "--batch", reports, "-o", out, "-j", str(j), "-v"])
                if rc != 0:
                    sys.exit("bench: batch -j %d failed:\n%s" % (j, err))
                prep = [l.split("nianbao: ", 1)[1] for l in err.splitlines()
                        if "preprocessed for subsetting" in l]
                got[j].append((n / (ms / 1e3), ms, CPU_MS["last"], prep, kb))
                shutil.rmtree(out)
        for j in (1, 2):
            runs_j = sorted(got[j], key=lambda r: r[1])
            batch[j] = runs_j[len(runs_j) // 2]
        batch_runs = len(got[1])

        short = os.path.join(lin, "short.json")
        long_ = os.path.join(lin, "long.json")
        lin_runs = max(5, runs // 2)
        s_med, _, _ = process_median(nianbao, short, os.path.join(work, "s.pdf"), lin_runs)
        l_med, _, _ = process_median(nianbao, long_, os.path.join(work, "l.pdf"), lin_runs)
        s_in = nb_bench(tool, short, lin_runs)
        l_in = nb_bench(tool, long_, lin_runs)
        text_ratio = text_chars(long_) / text_chars(short)
        load_after = loadavg()

        print("nianbao benchmark  (%s, %s)" % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                               subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                                                              capture_output=True, text=True).stdout.strip()))
        print("machine: %s, %d CPUs (nproc), load average %s before, %s after"
              % (cpu_model(), os.cpu_count() or 0, load_before, load_after))
        print()
        print("seed sample (samples/baofeng-2020.json, %d pages)" % inproc["pages"])
        print("  whole process, start to finished file  median %7.1f ms  (best %.1f, %d runs)"
              % (med, best, runs))
        print("    CPU time of that process (user+sys)  median %7.1f ms" % seed_cpu)
        print("    heap on huge pages / malloc defaults median %5.1f / %.1f ms, %d / %d page faults"
              % (ab["on"][0], ab["off"][0], ab["on"][1], ab["off"][1]))
        print("      (alternating runs; NIANBAO_HUGEPAGES=0 turns the huge-page heap off)")
        print("  peak resident memory                   %7.1f MB" % (rss / 1024))
        print("  PDF size                               %7.1f KB  (%s)"
              % (pdf_bytes / 1024, fonts_all_subset(seed_pdf)))
        print("  in process through nianbao.h (bench/nb_bench):")
        print("    a new engine for each render (cold)  median %7.2f ms" % inproc["inproc_cold_ms"])
        print("    one engine, renders after the first  median %7.2f ms  (target <= 5 ms)"
              % inproc["inproc_warm_ms"])
        print("    that engine, then other reports      median %7.2f ms  (new glyph sets: "
              "subset anew)" % inproc["inproc_warm_other_ms"])
        print("  split of a cold render (median ms):")
        for k in ("read", "fonts", "check", "shape", "linebreak", "paginate", "subset", "write",
                  "other"):
            label = {"read": "reading data + layout", "fonts": "loading fonts (map, faces)",
                     "check": "checking", "shape": "shaping", "linebreak": "line breaking",
                     "paginate": "pagination", "subset": "subsetting fonts",
                     "write": "writing the PDF", "other": "other"}[k]
            print("    %-28s %7.2f" % (label, inproc["stage_%s_ms" % k]))
        print()
        print("batch of %d generated reports (bench/gen_reports.py); the median of %d runs"
              % (n, batch_runs))
        for j in (1, 2):
            rate, ms, cpu, prep, kb = batch[j]
            print("  -j %d  %7.1f reports/s  (%.2f s; %.2f ms of CPU a report; peak RSS %.0f MB)"
                  % (j, rate, ms / 1e3, cpu / n, kb / 1024))
            for line in prep:
                print("        " + line)
        cpu2 = batch[2][2] / n
        print("  with %d CPUs to itself, -j 2 could do at most %.0f reports/s (2 CPUs / CPU a report)"
              % (os.cpu_count() or 0, 2000 / cpu2 if cpu2 else 0))
        print()
        print("linearity: running text %.1fx longer (%d -> %d pages; the tables stay)"
              % (text_ratio, s_in["pages"], l_in["pages"]))
        print("  whole process  %7.1f ms -> %7.1f ms  = %.2fx" % (s_med, l_med, l_med / s_med))
        print("  in process     %7.2f ms -> %7.2f ms  = %.2fx  (warm)"
              % (s_in["inproc_warm_ms"], l_in["inproc_warm_ms"],
                 l_in["inproc_warm_ms"] / s_in["inproc_warm_ms"]))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
