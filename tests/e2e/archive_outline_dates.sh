# tests/e2e/archive_outline_dates.sh — bookmarks, and reproducible bytes with data-given dates.
#
# (1) The outline: exactly seven entries, the report's title and the six section headings in
#     Chinese (titles stored as UTF-16BE with a BOM so every viewer reads them), each pointing
#     at the page that shows that text, just above it; the document opens on page 1 with the
#     outline panel (/PageMode /UseOutlines, /OpenAction to the first page); the catalog
#     declares the language, /Lang (zh-CN). Read with `qpdf --json` (and `mutool show FILE
#     outline` when mupdf-tools is installed).
# (2) Rendering twice gives identical bytes (cmp), also with malloc left at its defaults
#     (NIANBAO_HUGEPAGES=0, see src/cli/heap.h).
# (3) Dates: without SOURCE_DATE_EPOCH they are the data's signing date (and follow it when
#     the data changes); with SOURCE_DATE_EPOCH they follow it, in pdfinfo and in the XMP;
#     two different epochs give files that differ only in the dates and the trailer ID;
#     a layout that names no date field gives a PDF with no dates at all (still PDF/A).

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool qpdf pdfinfo pdftotext python3 cmp
cd "$WORKDIR"
data=$SRCDIR/samples/baofeng-2020.json
unset SOURCE_DATE_EPOCH

render_ok "$data" a.pdf -q
render_ok "$data" b.pdf -q
cmp a.pdf b.pdf || fail "two renders of the same data differ"
NIANBAO_HUGEPAGES=0 render_ok "$data" c.pdf -q
cmp a.pdf c.pdf || fail "the heap set-up (src/cli/heap.h) changed the output"

# ---- (1) outline ----------------------------------------------------------------------------
python3 - a.pdf "$data" <<'PY' || fail "outline checks failed"
import json, re, subprocess, sys
pdf, data = sys.argv[1], sys.argv[2]
title = json.load(open(data))["title"]
want = [title, "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
j = json.loads(subprocess.run(["qpdf", "--json=2", pdf], capture_output=True, check=True).stdout)
objs = j["qpdf"][1]
errs = []

def flat(items, depth=0):
    for it in items:
        yield it, depth
        yield from flat(it.get("kids", []), depth + 1)

entries = list(flat(j["outlines"]))
titles = [e["title"] for e, _ in entries]
if titles != want:
    errs.append(f"outline titles {titles} != {want}")
pages = [p["object"] for p in j["pages"]]
for e, _ in entries:
    # the title is stored as UTF-16BE with a BOM
    raw = subprocess.run(["qpdf", f"--show-object={e['object'].split()[0]}", pdf],
                         capture_output=True, text=True, check=True).stdout
    m = re.search(r"/Title <([0-9a-fA-F]+)>", raw)
    if not m or not m.group(1).lower().startswith("feff"):
        errs.append(f"outline entry {e['title']!r}: title not UTF-16BE with BOM: {raw[:120]}")
    if "/Type" in raw:
        errs.append(f"outline entry {e['title']!r} has a /Type (only the root may)")
    dest = e.get("dest")
    if not dest or dest[0] not in pages or dest[1] != "/FitH":
        errs.append(f"outline entry {e['title']!r}: destination {dest}")
        continue
    pno = pages.index(dest[0]) + 1
    if pno != e.get("destpageposfrom1"):
        errs.append(f"{e['title']!r}: qpdf says page {e.get('destpageposfrom1')}, dest says {pno}")
    # the page shows the text (whitespace ignored), and the destination's top is just above it
    html = subprocess.run(["pdftotext", "-enc", "UTF-8", "-bbox", "-f", str(pno), "-l", str(pno),
                           pdf, "-"], capture_output=True, text=True, check=True).stdout
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', html).group(1))
    words = re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)"[^>]*>([^<]*)</word>', html)
    text = "".join(w for _, w in words)
    start = text.find(e["title"][:6])
    if start < 0:
        errs.append(f"{e['title']!r} not on page {pno} its bookmark points at")
        continue
    pos = 0
    for y, w in words:
        if pos <= start < pos + len(w):
            top = float(y)
            break
        pos += len(w)
    gap = top - (height - float(dest[2]))
    if not 0 <= gap <= 40:
        errs.append(f"{e['title']!r}: bookmark top is {gap:.1f} pt from the text (want 0..40 above)")
cat = objs["obj:" + objs["trailer"]["value"]["/Root"]]["value"]
if cat.get("/PageMode") != "/UseOutlines":
    errs.append(f"/PageMode is {cat.get('/PageMode')}")
oa = cat.get("/OpenAction")
oa = objs["obj:" + oa]["value"] if isinstance(oa, str) and oa.endswith(" R") else oa
if not oa or oa[0] != pages[0]:
    errs.append(f"/OpenAction {oa} is not the first page")
# qpdf writes a string that is valid UTF-8 as "u:..."; a binary one as "b:<hex>".
if cat.get("/Lang") != "u:zh-CN":
    errs.append(f"catalog /Lang is {cat.get('/Lang')!r}, want the string (zh-CN)")
for e in errs:
    print("FAIL:", e, file=sys.stderr)
sys.exit(1 if errs else 0)
PY
if command -v mutool >/dev/null 2>&1; then
    outline=$(mutool show a.pdf outline) || fail "mutool show outline failed"
    for h in 一、总体情况 六、其他需要报告的事项; do assert_contains "$outline" "$h" "mutool outline"; done
    [ "$(printf '%s\n' "$outline" | grep -c .)" -eq 7 ] || fail "mutool lists not 7 entries: $outline"
else
    note "mutool not installed: outline read with qpdf only"
fi

# ---- (3) dates ------------------------------------------------------------------------------
# dates PDF -> "CreationDate ModDate XMP-CreateDate XMP-ModifyDate" (ISO, '-' when absent)
dates() {
    local info xmp c m xc xm
    info=$(pdfinfo -isodates "$1")
    xmp=$(pdfinfo -meta "$1")
    c=$(printf '%s\n' "$info" | sed -n 's/^CreationDate: *//p')
    m=$(printf '%s\n' "$info" | sed -n 's/^ModDate: *//p')
    xc=$(printf '%s\n' "$xmp" | sed -n 's/.*<xmp:CreateDate>\(.*\)<\/xmp:CreateDate>.*/\1/p')
    xm=$(printf '%s\n' "$xmp" | sed -n 's/.*<xmp:ModifyDate>\(.*\)<\/xmp:ModifyDate>.*/\1/p')
    echo "${c:--} ${m:--} ${xc:--} ${xm:--}"
}
sign=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["signature"]["date"])' "$data")
got=$(dates a.pdf)
want="${sign}T00:00:00Z ${sign}T00:00:00Z ${sign}T00:00:00+00:00 ${sign}T00:00:00+00:00"
[ "$got" = "$want" ] || fail "dates without SOURCE_DATE_EPOCH: got '$got', want the signing date '$want'"

# The signing date changes: the PDF dates follow.
python3 - "$data" moved.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["signature"]["date"] = "2021-01-20"
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
render_ok moved.json moved.pdf -q
got=$(dates moved.pdf)
[ "$got" = "2021-01-20T00:00:00Z 2021-01-20T00:00:00Z 2021-01-20T00:00:00+00:00 2021-01-20T00:00:00+00:00" ] ||
    fail "dates do not follow the data's signing date 2021-01-20: $got"

# SOURCE_DATE_EPOCH wins, in Info and XMP alike.
SOURCE_DATE_EPOCH=1700000000 render_ok "$data" e1.pdf -q
SOURCE_DATE_EPOCH=1800000000 render_ok "$data" e2.pdf -q
got=$(dates e1.pdf)
[ "$got" = "2023-11-14T22:13:20Z 2023-11-14T22:13:20Z 2023-11-14T22:13:20+00:00 2023-11-14T22:13:20+00:00" ] ||
    fail "SOURCE_DATE_EPOCH=1700000000 gave dates $got"
got=$(dates e2.pdf)
[ "$got" = "2027-01-15T08:00:00Z 2027-01-15T08:00:00Z 2027-01-15T08:00:00+00:00 2027-01-15T08:00:00+00:00" ] ||
    fail "SOURCE_DATE_EPOCH=1800000000 gave dates $got"
! cmp -s e1.pdf e2.pdf || fail "different SOURCE_DATE_EPOCH values gave identical files"
python3 - e1.pdf e2.pdf <<'PY' || fail "files for two epochs differ in more than dates and /ID"
import re, sys
a, b = (open(p, "rb").read() for p in sys.argv[1:3])
def mask(d):
    d = re.sub(rb"D:\d{14}", b"D:DATE", d)
    d = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", b"DATE", d)
    return re.sub(rb"/ID \[ <[0-9A-F]+> <[0-9A-F]+> \]", b"/ID", d)
if len(a) != len(b) or mask(a) != mask(b):
    sys.exit(f"FAIL: lengths {len(a)} / {len(b)}; masked files differ")
PY
bad_epoch=0
SOURCE_DATE_EPOCH=yesterday "$NIANBAO" render "$data" -o epoch.pdf -q 2>epoch.err || bad_epoch=$?
[ "$bad_epoch" -ne 0 ] || fail "SOURCE_DATE_EPOCH=yesterday was accepted"
assert_file_contains epoch.err "SOURCE_DATE_EPOCH"
assert_file_absent epoch.pdf

# A layout that names no date field: no dates anywhere, never the clock.
python3 - "$SRCDIR/layouts/gov-annual-2019.json" nodate-layout.json "$SRCDIR/fonts/fontmap.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
del d["metadata"]["date"]
d["fontmap"] = sys.argv[3]
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
render_ok "$data" nodate.pdf -q --layout nodate-layout.json
got=$(dates nodate.pdf)
[ "$got" = "- - - -" ] || fail "a layout without a date field still gave dates: $got"
bash "$SRCDIR/tests/e2e/archive_pdfa.sh" --check nodate.pdf pdfa || fail "dateless PDF fails PDF/A checks"
rc=0
bash "$SRCDIR/tests/e2e/archive_pdfa.sh" --preflight nodate.pdf || rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 77 ] || fail "PDFBox Preflight rejects the dateless PDF"
# --date-now: the clock only when asked (and SOURCE_DATE_EPOCH still wins)
before=$(date -u +%s)
render_ok "$data" now.pdf -q --date-now
after=$(date -u +%s)
c=$(pdfinfo -isodates now.pdf | sed -n 's/^CreationDate: *//p')
cs=$(date -u -d "$c" +%s) || fail "--date-now: unreadable CreationDate '$c'"
[ "$cs" -ge $((before - 1)) ] && [ "$cs" -le $((after + 1)) ] ||
    fail "--date-now: CreationDate $c is not the time of the run"
SOURCE_DATE_EPOCH=1611532800 render_ok "$data" now-sde.pdf -q --date-now
c=$(pdfinfo -isodates now-sde.pdf | sed -n 's/^CreationDate: *//p')
[ "$c" = "2021-01-25T00:00:00Z" ] || fail "--date-now overrode SOURCE_DATE_EPOCH: $c"
note "outline of 7 entries, identical bytes run after run, dates from the data or SOURCE_DATE_EPOCH"
