# tests/e2e/scaling.sh — render work grows linearly with the input, not quadratically:
# a paragraph of 256 KB against one of 64 KB, a Thai mark run of 80,000 against 20,000, and a
# table of 4,000 rows against one of 1,000 (a layout table; 2,000 rows are in between).
#
# Work is counted, not timed: the instructions the nianbao process executes, counted by
# valgrind's callgrind (the same count run after run, whatever else the machine does), less
# those of an ordinary render (start-up, fonts, the rest of the document).  Four times the
# input may cost at most 6 times as much (linear: 4; quadratic: 16).  Each big render must
# also produce the pages it should.  Timings live in the benchmark (bench/run), not here.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
if grep -qa __asan_init "$NIANBAO"; then # the build-asan suite
    note "skipped: $NIANBAO is built with AddressSanitizer (timings of an instrumented build say nothing about the algorithm)"
    exit 0
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


base = cpu(["render", county, "-o", os.path.join(w, "base.pdf"), "-q"])
print("scaling.sh: ordinary render %.1f M instructions" % (base / 1e6), file=sys.stderr)
failures = []


def compare(what, small, big, t_small, t_big):
    ratio = (t_big - base) / max(t_small - base, 1)
    print("scaling.sh: %s: %s %.1f M, %s %.1f M instructions, ratio %.2f (linear 4)" %
          (what, small, t_small / 1e6, big, t_big / 1e6, ratio), file=sys.stderr)
    if ratio > 6:
        failures.append("%s: 4x the input cost %.1fx the work" % (what, ratio))


# One paragraph of 64 KB and of 256 KB.
sentence = "各级行政机关应当依法主动公开政府信息，提高政府工作的透明度，促进依法行政。"
t = {}
for name, size in (("64 KB", 64 * 1024), ("256 KB", 256 * 1024)):
    text = (sentence * (size // len(sentence.encode()) + 1)).encode()[:size].decode("utf-8", "ignore")
    d = json.loads(json.dumps(data))
    d["sections"]["overview"] = [text]
    path = os.path.join(w, "para-%d.json" % size)
    json.dump(d, open(path, "w", encoding="utf-8"), ensure_ascii=False)
    pdf = os.path.join(w, "para-%d.pdf" % size)
    t[name] = cpu(["render", path, "-o", pdf, "-q"])
    chars = len(text)
    # 16 pt body text: some 26 x 22 characters a page, so at least chars / 600 pages.
    if pages(pdf) < chars // 700:
        failures.append("%s paragraph: only %d pages for %d characters" % (name, pages(pdf), chars))
compare("paragraph", "64 KB", "256 KB", t["64 KB"], t["256 KB"])

# A run that some shapers handle in quadratic time (Thai SARA AM after SARA AM: HarfBuzz moves
# each NIKHAHIT back over all before it); nianbao shapes long runs in pieces.
t = {}
for n in (20000, 80000):
    d = json.loads(json.dumps(data))
    d["sections"]["overview"] = ["\u0e01" + "\u0e33" * n]
    path = os.path.join(w, "thai-%d.json" % n)
    json.dump(d, open(path, "w", encoding="utf-8"), ensure_ascii=False)
    t[n] = cpu(["render", path, "-o", os.path.join(w, "thai-%d.pdf" % n), "-q",
                "--allow-missing-glyphs"])
compare("Thai mark run", "20,000", "80,000", t[20000], t[80000])

# A layout table of 5,000, 10,000 and 20,000 rows after the report.
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
compare("table", "1,000 rows", "4,000 rows", t[1000], t[4000])

if failures:
    sys.exit("FAIL: " + "; ".join(failures))
PY
note "render work is linear in paragraph length, mark runs and table rows"
