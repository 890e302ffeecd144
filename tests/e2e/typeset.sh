# tests/e2e/typeset.sh — Chinese typesetting a proofreader would pass: the GB/T 9704 grid,
# clreq line breaking, punctuation compression, justification and pagination, read back
# glyph by glyph from the rendered PDFs; plus the golden box dumps.
#
#   bash tests/e2e/typeset.sh NIANBAO_BIN SRCDIR WORKDIR        (what ctest runs)
#   UPDATE_GOLDEN=1 bash tests/e2e/typeset.sh build/nianbao . /tmp/typeset
#        rewrites tests/golden/*.dump from the current engine (review the diff, commit).
#
# 1. Renders the seed (samples/baofeng-2020.json) and the stress sample
#    (samples/stress-2020.json: punctuation pairs, long digit runs, a long URL, Latin, ——
#    and ……, a table B that breaks across pages inside its 20-row span) and runs
#    glyphs.py on each (see its header for every check: forbidden line starts/ends, digit
#    runs / —— / …… never split, URLs broken only after / . ? — never after '-', which
#    pdftotext and indexers drop at a line end —, full lines of 28 cells with right edges
#    within 0.5 pt, constant pitch on the line grid, headings kept with two lines, no
#    widows or orphans, signature with the end of the text, balanced title).  The 2021
#    layout is checked the same way on samples/county-bureau-2021.json.
# 2. Stress sample: table B's header rows (申请人情况, 自然人) and the spanning label
#    三、本年度办理结果 are found by position on both pages of the break; the two pages
#    are rendered to PNG (WORKDIR/stress-table-*.png) for a look.
# 3. CJK–Latin spacing asked for by a layout (body cjk_latin_gap 0.25) is positional only:
#    the box text still reads 2020年, the glyphs show the gap (mutool positions), and
#    pdftotext, which would read a gap over 0.1 em as a word space, copies 2020年 and
#    令第711号 without one (the writer marks such runs with /ActualText); PDFBox Preflight
#    still calls the file PDF/A-1b when installed.  (mutool 1.21's text output ignores
#    ActualText and still shows a space there.)
# 4. Golden dumps: `nianbao render --dump` of both samples equals tests/golden/NAME.dump.
#    The dumps name fonts and positions to 0.01 pt; they change when the engine's output
#    changes or the installed font packages do — regenerate with UPDATE_GOLDEN=1.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool mutool pdftoppm pdftotext python3

GLYPHS="$SRCDIR/tests/e2e/glyphs.py"
LAYOUT="$SRCDIR/layouts/gov-annual-2019.json"
GOLDEN="$SRCDIR/tests/golden"

for name in baofeng-2020 stress-2020; do
    render_ok "$SRCDIR/samples/$name.json" "$WORKDIR/$name.pdf" -q --dump "$WORKDIR/$name.dump"
done

# 1 + 2: glyph positions.
python3 "$GLYPHS" "$WORKDIR/baofeng-2020.pdf" "$LAYOUT" >"$WORKDIR/seed.glyphs" ||
    { cat "$WORKDIR/seed.glyphs" >&2; fail "seed: typesetting rules broken (above)"; }
note "$(tail -n 1 "$WORKDIR/seed.glyphs")"
python3 "$GLYPHS" "$WORKDIR/stress-2020.pdf" "$LAYOUT" --table-break 三、本年度办理结果 申请人情况 自然人 \
    >"$WORKDIR/stress.glyphs" ||
    { cat "$WORKDIR/stress.glyphs" >&2; fail "stress sample: typesetting rules broken (above)"; }
cat "$WORKDIR/stress.glyphs" >&2
# The 2021 edition's layout, on its sample (no golden dump: the sample is not ours).
render_ok "$SRCDIR/samples/county-bureau-2021.json" "$WORKDIR/county-2021.pdf" -q
python3 "$GLYPHS" "$WORKDIR/county-2021.pdf" "$SRCDIR/layouts/gov-annual-2021.json" >"$WORKDIR/county.glyphs" ||
    { cat "$WORKDIR/county.glyphs" >&2; fail "2021 sample: typesetting rules broken (above)"; }
note "$(tail -n 1 "$WORKDIR/county.glyphs")"

# The table's pages, as images to look at.
pages=$(sed -n 's/^table page \([0-9]*\):.*/\1/p' "$WORKDIR/stress.glyphs" | tr '\n' ' ')
[ -n "$pages" ] || fail "stress sample: no table pages reported"
for p in $pages; do
    pdftoppm -r 80 -png -f "$p" -l "$p" "$WORKDIR/stress-2020.pdf" "$WORKDIR/stress-table-$p" ||
        fail "pdftoppm could not render page $p"
done
note "table B pages $pages rendered to $WORKDIR/stress-table-*.png"

# Extracted text: the seed's digit runs and URL come out whole.
seed_text=$(pdf_text "$WORKDIR/baofeng-2020.pdf" | normalize_text)
for s in 2020年1月1日起至2020年12月31日止 '（国办公开办函〔2019〕60号）' \
    'http://www.jxjaxzf.gov.cn/xxgk-show-488796.html' \
    'http://www.jxjaxzf.gov.cn/xxgk-list-baofengzhen.html' 4728182; do
    assert_contains "$seed_text" "$s" "the seed's extracted text"
done
stress_text=$(pdf_text "$WORKDIR/stress-2020.pdf" | normalize_text)
for s in 'https://www.jxjaxzf.gov.cn/col/col2020/art/2021/1/25/art_8712_3398172.html?from=xxgk.baofengzhen.gov.cn' \
    1234567890元 9876543210次 11360925014474290X 0795-4728182 bfzdzb@jxjaxzf.gov.cn \
    '意见——包括' '信息……均按期公开'; do
    assert_contains "$stress_text" "$s" "the stress sample's extracted text"
done

# 3: CJK–Latin gap by positioning only.
python3 - "$LAYOUT" "$SRCDIR/fonts/fontmap.json" "$WORKDIR/gap-layout.json" <<'PY'
import json, sys
lay = json.load(open(sys.argv[1], encoding="utf-8"))
lay["fontmap"] = sys.argv[2]
lay["styles"]["body"]["cjk_latin_gap"] = 0.25
json.dump(lay, open(sys.argv[3], "w", encoding="utf-8"), ensure_ascii=False)
PY
render_ok "$SRCDIR/samples/baofeng-2020.json" "$WORKDIR/gap.pdf" -q --layout "$WORKDIR/gap-layout.json" \
    --dump "$WORKDIR/gap.dump"
grep -q '"2020年宝峰镇人民政府' "$WORKDIR/gap.dump" || fail "gap layout: the box text lost '2020年'"
if grep -q '2020 年' "$WORKDIR/gap.dump"; then fail "gap layout: a space character was inserted"; fi
gap_text=$(pdf_text "$WORKDIR/gap.pdf")
for s in 2020年宝峰镇人民政府 令第711号 2020年12月31日止; do
    assert_contains "$gap_text" "$s" "pdftotext of the gap layout's PDF"
done
assert_not_contains "$gap_text" "2020 年" "pdftotext of the gap layout's PDF"
rc=0
bash "$SRCDIR/tests/e2e/archive_pdfa.sh" --preflight "$WORKDIR/gap.pdf" || rc=$?
case $rc in
0) note "gap layout: PDFBox Preflight says valid PDF/A-1b" ;;
77) note "PDFBox Preflight not installed: gap layout's PDF/A not checked" ;;
*) fail "gap layout: PDFBox Preflight says not PDF/A-1b (see above)" ;;
esac
python3 - "$WORKDIR/gap.pdf" "$WORKDIR/baofeng-2020.pdf" <<'PY' || fail "gap layout: glyph gaps wrong (above)"
import subprocess, sys, xml.etree.ElementTree as ET
def gaps(pdf):
    root = ET.fromstring(subprocess.run(["mutool", "draw", "-F", "stext", "-o", "-", pdf],
                                        capture_output=True, check=True).stdout)
    out = []
    for line in root.iter("line"):
        # body paragraphs (lines starting at the margin or the indent, not the signature),
        # 16 pt, without the spaces mutool adds at gaps
        if float(line.get("bbox").split()[0]) > 79.37 + 2 * 15.8 + 2:
            continue
        cs = [c for f in line.iter("font") if abs(float(f.get("size")) - 16) < 0.01
              for c in f.iter("char") if c.get("c") != " "]
        for a, b in zip(cs, cs[1:]):
            if a.get("c") == "0" and b.get("c") == "年" and a.get("y") == b.get("y"):
                qa = [float(v) for v in a.get("quad").split()]
                out.append(float(b.get("x")) - qa[2])
    return out
g, plain = gaps(sys.argv[1]), gaps(sys.argv[2])
print(f"0→年 gaps: with cjk_latin_gap 0.25 {min(g):.2f}..{max(g):.2f} pt, default {min(plain):.2f}..{max(plain):.2f} pt")
ok = g and plain and min(g) >= 3.5 and max(plain) <= 4 * 0.25 and min(g) - max(plain) > 2.5
sys.exit(0 if ok else 1)
PY

# 4: golden dumps.
for name in baofeng-2020 stress-2020; do
    if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
        mkdir -p "$GOLDEN"
        cp "$WORKDIR/$name.dump" "$GOLDEN/$name.dump"
        note "wrote $GOLDEN/$name.dump"
        continue
    fi
    [ -f "$GOLDEN/$name.dump" ] || fail "no golden dump $GOLDEN/$name.dump (make it with UPDATE_GOLDEN=1)"
    if ! diff -u "$GOLDEN/$name.dump" "$WORKDIR/$name.dump" >"$WORKDIR/$name.dump.diff"; then
        head -n 40 "$WORKDIR/$name.dump.diff" >&2
        fail "$name: the layout differs from tests/golden/$name.dump ($(grep -c '^[-+][^-+]' "$WORKDIR/$name.dump.diff") lines; full diff in $WORKDIR/$name.dump.diff; if the change is intended, regenerate with UPDATE_GOLDEN=1)"
    fi
done
note "ok"
