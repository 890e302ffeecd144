# tests/e2e/scaling.sh — render time grows linearly with the input, not quadratically:
# a paragraph of 1 MB (the largest string a data file may hold) against one of 256 KB, and a
# table of 20,000 rows against one of 5,000 (a layout table; 10,000 rows are in between).
#
# Times are CPU seconds (user + system) of the nianbao process, best of three, less the time
# of an ordinary render (start-up, fonts, the rest of the document).  Four times the input
# may take at most 8 times as long (linear: 4; quadratic: 16), which leaves room for noise
# on a busy machine.  Each big render must also produce the pages it should.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
if grep -qa __asan_init "$NIANBAO"; then # the build-asan suite
    note "skipped: $NIANBAO is built with AddressSanitizer (timings of an instrumented build say nothing about the algorithm)"
    exit 0
fi
require_tool python3 pdfinfo

W=$WORKDIR
rm -rf "${W:?}"/*
python3 - "$NIANBAO" "$SRCDIR" "$W" <<'PY'
import json, os, resource, subprocess, sys

nianbao, src, w = sys.argv[1:]
county = os.path.join(src, "samples", "county-bureau-2021.json")
data = json.load(open(county, encoding="utf-8"))
layout = json.load(open(os.path.join(src, "layouts", "gov-annual-2021.json"), encoding="utf-8"))


def cpu(args):
    """Best CPU time (user+sys) of three runs of nianbao ARGS; fails unless all succeed."""
    best = None
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        p = subprocess.run([nianbao] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if p.returncode != 0:
            sys.exit("FAIL: nianbao %s exited %d: %s" % (" ".join(args), p.returncode,
                                                          p.stderr.decode()[:300]))
        t = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = t if best is None else min(best, t)
    return best


def pages(pdf):
    out = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    return int([l for l in out.splitlines() if l.startswith("Pages:")][0].split()[1])


base = cpu(["render", county, "-o", os.path.join(w, "base.pdf"), "-q"])
print("scaling.sh: ordinary render %.2f s" % base, file=sys.stderr)
failures = []


def compare(what, small, big, t_small, t_big):
    ratio = (t_big - base) / max(t_small - base, 0.02)
    print("scaling.sh: %s: %s %.2f s, %s %.2f s, ratio %.1f (linear 4)" %
          (what, small, t_small, big, t_big, ratio), file=sys.stderr)
    if ratio > 8:
        failures.append("%s: 4x the input took %.1fx the time" % (what, ratio))


# One paragraph of 256 KB and of 1 MB (just under the 1 MiB string limit).
sentence = "各级行政机关应当依法主动公开政府信息，提高政府工作的透明度，促进依法行政。"
t = {}
for name, size in (("256 KB", 256 * 1024), ("1 MB", 1024 * 1024 - 64)):
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
compare("paragraph", "256 KB", "1 MB", t["256 KB"], t["1 MB"])

# A run that some shapers handle in quadratic time (Thai SARA AM after SARA AM: HarfBuzz moves
# each NIKHAHIT back over all before it); nianbao shapes long runs in pieces.
t = {}
for n in (85000, 340000):
    d = json.loads(json.dumps(data))
    d["sections"]["overview"] = ["\u0e01" + "\u0e33" * n]
    path = os.path.join(w, "thai-%d.json" % n)
    json.dump(d, open(path, "w", encoding="utf-8"), ensure_ascii=False)
    t[n] = cpu(["render", path, "-o", os.path.join(w, "thai-%d.pdf" % n), "-q",
                "--allow-missing-glyphs"])
compare("Thai mark run", "85,000", "340,000", t[85000], t[340000])

# A layout table of 5,000, 10,000 and 20,000 rows after the report.
style = [b for b in layout["content"] if b.get("type") == "table"][0]["style"]
t = {}
for n in (5000, 10000, 20000):
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
    print("scaling.sh: table of %d rows: %.2f s, %d pages" % (n, t[n], pages(pdf)), file=sys.stderr)
compare("table", "5,000 rows", "20,000 rows", t[5000], t[20000])

if failures:
    sys.exit("FAIL: " + "; ".join(failures))
PY
note "render time is linear in paragraph length and table rows"
