# tests/e2e/scaling.sh — render work grows linearly with the input, not quadratically:
# paragraphs of 16, 64 and 256 KB, Thai mark runs of 5,000, 20,000 and 80,000, and layout
# tables of 1,000, 2,000 and 4,000 rows.
#
# Work is counted, not timed: the instructions the nianbao process executes, counted by
# valgrind's callgrind (the same count run after run, whatever else the machine does).  Of
# three sizes s1 < s2 < s3, the work added from s2 to s3 is compared with the work added
# from s1 to s2, so what every render pays once (start-up, fonts, the rest of the document)
# drops out: linear work gives (s3-s2)/(s2-s1) (4 for the paragraph and Thai, 2 for the
# table), quadratic (s3²-s2²)/(s2²-s1²) (16, 4); more than 1.5 times linear fails.  Each
# big render must also produce the pages it should.  Timings live in the benchmark
# (bench/run), not here.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
if grep -qa __asan_init "$NIANBAO"; then # the build-asan suite
    note "skipped: $NIANBAO is built with AddressSanitizer (timings of an instrumented build say nothing about the algorithm)"
    exit 77
fi
require_tool python3 pdfinfo valgrind

W=$WORKDIR
rm -rf "${W:?}"/*
python3 - "$NIANBAO" "$SRCDIR" "$W" <<'PY'
import json, os, resource, subprocess, sys

nianbao, src, w = sys.argv[1:]
county = os.path.join(src, "samples", "county-bureau-2021.json")
data = json.load(open(county, encoding="utf-8"))
layout = json.load(open(os.path.join(src, "layouts", "gov-annual-2021.json"), encoding="utf-8"))


def cpu(args):
    """Instructions nianbao ARGS executes (callgrind's count); fails unless it succeeds."""
    out = os.path.join(w, "callgrind.out")
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
                        nianbao] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.decode(errors="replace")
    if p.returncode != 0:
        sys.exit("FAIL: nianbao %s exited %d: %s" % (" ".join(args), p.returncode, err[-300:]))
    for line in err.splitlines():
        if "Collected :" in line:
            return int(line.split("Collected :")[1].split()[0])
    sys.exit("FAIL: no instruction count from callgrind: " + err[-300:])


def pages(pdf):
    out = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    return int([l for l in out.splitlines() if l.startswith("Pages:")][0].split()[1])


failures = []


def compare(what, sizes, t):
    s1, s2, s3 = sizes
    t1, t2, t3 = (t[s] for s in sizes)
    ratio = (t3 - t2) / max(t2 - t1, 1)
    linear = (s3 - s2) / (s2 - s1)
    quadratic = (s3 * s3 - s2 * s2) / (s2 * s2 - s1 * s1)
    print("scaling.sh: %s: %s -> %.1f, %.1f, %.1f M instructions; added work ratio %.2f "
          "(linear %.0f, quadratic %.0f)" % (what, "/".join(str(x) for x in sizes), t1 / 1e6,
                                             t2 / 1e6, t3 / 1e6, ratio, linear, quadratic),
          file=sys.stderr)
    if ratio > 1.5 * linear:
        failures.append("%s: added work grew %.2fx where linear is %.0fx" % (what, ratio, linear))


# One paragraph of 16, 64 and 256 KB.
sentence = "各级行政机关应当依法主动公开政府信息，提高政府工作的透明度，促进依法行政。"
t = {}
for size in (16 * 1024, 64 * 1024, 256 * 1024):
    text = (sentence * (size // len(sentence.encode()) + 1)).encode()[:size].decode("utf-8", "ignore")
    d = json.loads(json.dumps(data))
    d["sections"]["overview"] = [text]
    path = os.path.join(w, "para-%d.json" % size)
    json.dump(d, open(path, "w", encoding="utf-8"), ensure_ascii=False)
    pdf = os.path.join(w, "para-%d.pdf" % size)
    t[size] = cpu(["render", path, "-o", pdf, "-q"])
    chars = len(text)
    # 16 pt body text: some 26 x 22 characters a page, so at least chars / 600 pages.
    if pages(pdf) < chars // 700:
        failures.append("%d-byte paragraph: only %d pages for %d characters" % (size, pages(pdf), chars))
compare("paragraph bytes", (16 * 1024, 64 * 1024, 256 * 1024), t)

# A run that some shapers handle in quadratic time (Thai SARA AM after SARA AM: HarfBuzz moves
# each NIKHAHIT back over all before it); nianbao shapes long runs in pieces.
t = {}
for n in (5000, 20000, 80000):
    d = json.loads(json.dumps(data))
    d["sections"]["overview"] = ["\u0e01" + "\u0e33" * n]
    path = os.path.join(w, "thai-%d.json" % n)
    json.dump(d, open(path, "w", encoding="utf-8"), ensure_ascii=False)
    t[n] = cpu(["render", path, "-o", os.path.join(w, "thai-%d.pdf" % n), "-q",
                "--allow-missing-glyphs"])
compare("Thai mark run", (5000, 20000, 80000), t)

# A layout table of 1,000, 2,000 and 4,000 rows after the report.
style = [b for b in layout["content"] if b.get("type") == "table"][0]["style"]
t = {}
for n in (1000, 2000, 4000):
    lay = json.loads(json.dumps(layout))
    lay["fontmap"] = os.path.join(src, "fonts", "fontmap.json")
    lay["content"].append({"type": "table", "style": style, "columns": [1, 3, 1], "header_rows": 1,
                           "rows": [["序号", "事项", "数量"]] +
                                   [[str(i), "第%d行的事项" % i, str(i * 7)] for i in range(n)]})
    path = os.path.join(w, "table-%d.json" % n)
    json.dump(lay, open(path, "w", encoding="utf-8"), ensure_ascii=False)
    pdf = os.path.join(w, "table-%d.pdf" % n)
    t[n] = cpu(["render", county, "--layout", path, "-o", pdf, "-q"])
    if pages(pdf) < n // 40:
        failures.append("table of %d rows: only %d pages" % (n, pages(pdf)))
    print("scaling.sh: table of %d rows: %.1f M instructions, %d pages" % (n, t[n] / 1e6, pages(pdf)),
          file=sys.stderr)
compare("table rows", (1000, 2000, 4000), t)

if failures:
    sys.exit("FAIL: " + "; ".join(failures))
PY
note "render work is linear in paragraph length, mark runs and table rows"
