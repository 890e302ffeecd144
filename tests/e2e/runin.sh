# tests/e2e/runin.sh — run-in sub-headings: a paragraph that begins with its sub-heading,
# {"heading": "（一）主动公开方面。", "text": "…"}, set in two fonts on one line.
#
# On samples/runin-2021.json (the 2021 sample with its sections rewritten in run-in items,
# one sub-heading left on a line of its own):
# 1. `nianbao check` is clean (the 2021 信息处理费 rule reads a run-in item's text too).
# 2. Every character of every run-in heading is drawn in the level-2 heading font (the
#    heading2 role: FandolKai-Regular with the default font map; the font of the stand-alone
#    sub-heading) and every character of its text in the body font (FandolFang-Regular), read
#    back per character with `mutool draw -F stext`; the heading starts at the first-line
#    indent and the text begins on the same baseline right after it; pdffonts lists both.
# 3. pdftotext gives every run-in paragraph whole, heading then text, in the data's order.
# 4. The typesetting checks of glyphs.py hold (full justified lines of 28 cells across the
#    change of font, the line grid, no heading keep rule on run-in paragraphs, …).
# 5. Messages name the part at fault: $.sections.overview[1].text or ….heading (a
#    non-string, a character no font of the role has, a text without its heading), exit
#    status 2, no PDF.
# 6. /ActualText across the change of font: with a layout asking for a CJK–Latin gap, a
#    run-in heading ending in 题 and a text starting 2021年 are drawn 4 pt apart in two boxes,
#    and pdftotext still copies 问题2021年 without a space.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool mutool pdftotext pdffonts python3

DATA="$SRCDIR/samples/runin-2021.json"
LAYOUT="$SRCDIR/layouts/gov-annual-2021.json"

# 1
out=$("$NIANBAO" check "$DATA" 2>&1) || fail "nianbao check $DATA failed: $out"
[ -z "$out" ] || fail "nianbao check $DATA is not clean: $out"

# 2 + 3
render_ok "$DATA" "$WORKDIR/runin.pdf" -q
fonts=$(pdffonts "$WORKDIR/runin.pdf")
assert_contains "$fonts" "FandolKai-Regular" "pdffonts of runin.pdf"
assert_contains "$fonts" "FandolFang-Regular" "pdffonts of runin.pdf"
pdftotext -enc UTF-8 "$WORKDIR/runin.pdf" "$WORKDIR/runin.txt"
mutool draw -F stext -o "$WORKDIR/runin.stext" "$WORKDIR/runin.pdf" 2>/dev/null ||
    fail "mutool could not read runin.pdf"
python3 - "$DATA" "$LAYOUT" "$WORKDIR/runin.stext" "$WORKDIR/runin.txt" <<'PY' || fail "run-in headings (above)"
import json, re, sys, xml.etree.ElementTree as ET

data = json.load(open(sys.argv[1], encoding="utf-8"))
lay = json.load(open(sys.argv[2], encoding="utf-8"))
MM = 72 / 25.4
left = float(lay["page"]["margin_left"][:-2]) * MM
measure = 210 * MM - left - float(lay["page"]["margin_right"][:-2]) * MM
indent = left + lay["styles"]["body"]["indent_chars"] * measure / lay["styles"]["body"]["grid_chars"]
errors = []

# Every body-size character in reading order (page, baseline, x), without the spaces mutool
# adds at gaps and without page numbers (14 pt).
chars = []
for pi, pg in enumerate(ET.parse(sys.argv[3]).getroot().iter("page"), 1):
    cs = []
    for font in pg.iter("font"):
        if abs(float(font.get("size")) - 16) > 0.01:
            continue
        for ch in font.iter("char"):
            if ch.get("c").strip():
                cs.append((pi, round(float(ch.get("y")), 1), float(ch.get("x")), ch.get("c"),
                           font.get("name")))
    chars += sorted(cs)
flat = "".join(c[3] for c in chars)

items = [(sec, i, it) for sec in ("overview", "problems", "other")
         for i, it in enumerate(data["sections"][sec])]
runin = [(s, i, it) for s, i, it in items if isinstance(it, dict) and "text" in it]
alone = [(s, i, it) for s, i, it in items if isinstance(it, dict) and "text" not in it]
assert runin and alone, "the sample needs run-in items and a stand-alone sub-heading"

# The heading2 font: the stand-alone sub-heading's.
s, i, it = alone[0]
k = flat.find(it["heading"])
if k < 0:
    sys.exit(f"FAIL: stand-alone heading {it['heading']} not found in the page text")
head_font = chars[k][4]
body_font = max({c[4] for c in chars}, key=[c[4] for c in chars].count)
print(f"heading2 font {head_font}, body font {body_font}")
if not head_font.endswith("FandolKai-Regular") or not body_font.endswith("FandolFang-Regular"):
    errors.append(f"expected FandolKai-Regular and FandolFang-Regular with the default font map, "
                  f"got {head_font} and {body_font}")
line = [c for c in chars if c[:2] == chars[k][:2]]
if "".join(c[3] for c in line) != it["heading"]:
    errors.append(f"stand-alone heading not on a line of its own: {''.join(c[3] for c in line)}")

pos = 0
for s, i, it in runin:
    where = f"$.sections.{s}[{i}]"
    h, t = it["heading"], it["text"]
    k = flat.find(h + t, pos)
    if k < 0:
        errors.append(f"{where}: heading and text not found one after the other on the pages")
        continue
    pos = k + len(h + t)
    hc, tc = chars[k:k + len(h)], chars[k + len(h):pos]
    bad = [c[3] for c in hc if c[4] != head_font]
    if bad:
        errors.append(f"{where}.heading: {''.join(bad)} not in {head_font}")
    bad = [c[3] for c in tc if c[4] != body_font]
    if bad:
        errors.append(f"{where}.text: {''.join(bad)[:40]} not in {body_font}")
    if abs(hc[0][2] - indent) > 0.5:
        errors.append(f"{where}: heading starts at x {hc[0][2]:.2f}, the indent is {indent:.2f}")
    if hc[-1][:2] != tc[0][:2] or not hc[-1][2] < tc[0][2]:
        errors.append(f"{where}: the text does not follow the heading on its line")
    print(f"{where}: {h} in {head_font}, {len(t)} characters of text in {body_font}")

# 3: pdftotext, whitespace and page numbers removed.
txt = open(sys.argv[4], encoding="utf-8").read()
txt = re.sub(r"\s+", "", re.sub(r"(?m)^\s*—\s*\d+\s*—\s*$", "", txt))
pos = 0
for s, i, it in runin:
    k = txt.find(it["heading"] + it["text"], pos)
    if k < 0:
        errors.append(f"$.sections.{s}[{i}]: pdftotext does not give heading and text whole "
                      f"and in order")
    else:
        pos = k
for e in errors:
    print("FAIL:", e)
sys.exit(1 if errors else 0)
PY

# 4
python3 "$SRCDIR/tests/e2e/glyphs.py" "$WORKDIR/runin.pdf" "$LAYOUT" >"$WORKDIR/runin.glyphs" ||
    { cat "$WORKDIR/runin.glyphs" >&2; fail "run-in sample: typesetting rules broken (above)"; }
note "$(tail -n 1 "$WORKDIR/runin.glyphs")"

# 5: messages name the part.
python3 - "$DATA" "$WORKDIR" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
it = d["sections"]["overview"][1]
cases = {"text-number": ("text", 5), "heading-number": ("heading", ["x"]),
         "text-glyph": ("text", it["text"][:4] + "\U0010FFFD" + it["text"][4:]),
         "heading-glyph": ("heading", "（一）\U0010FFFD"), "heading-missing": ("heading", None)}
for name, (key, value) in cases.items():
    c = json.loads(json.dumps(d))
    c["sections"]["overview"][1][key] = value
    if value is None:
        del c["sections"]["overview"][1][key]
    json.dump(c, open(f"{sys.argv[2]}/bad-{name}.json", "w", encoding="utf-8"), ensure_ascii=False)
PY
for name in text-number heading-number text-glyph heading-glyph heading-missing; do
    rc=0
    render "$WORKDIR/bad-$name.json" "$WORKDIR/bad-$name.pdf" --force || rc=$?
    [ "$rc" -eq 2 ] || fail "bad-$name: exit status $rc, expected 2"
    assert_file_absent "$WORKDIR/bad-$name.pdf"
    msg=$(cat "$WORKDIR/bad-$name.pdf.stderr")
    assert_contains "$msg" "\$.sections.overview[1].${name%%-*}:" "the message for bad-$name"
    case $name in
    *-glyph) assert_contains "$msg" "U+10FFFD" "the message for bad-$name" ;;
    esac
done
assert_contains "$(cat "$WORKDIR/bad-heading-glyph.pdf.stderr")" "role heading2" "the heading's message"
assert_contains "$(cat "$WORKDIR/bad-text-glyph.pdf.stderr")" "role body" "the text's message"

# 6: ActualText across the change of font.
python3 - "$DATA" "$LAYOUT" "$SRCDIR/fonts/fontmap.json" "$WORKDIR" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["sections"]["problems"][0]["heading"] = "（一）存在的问题"
assert d["sections"]["problems"][0]["text"].startswith("2021年")
json.dump(d, open(f"{sys.argv[4]}/gap.json", "w", encoding="utf-8"), ensure_ascii=False)
lay = json.load(open(sys.argv[2], encoding="utf-8"))
lay["fontmap"] = sys.argv[3]
lay["styles"]["body"]["cjk_latin_gap"] = 0.25
json.dump(lay, open(f"{sys.argv[4]}/gap-layout.json", "w", encoding="utf-8"), ensure_ascii=False)
PY
render_ok "$WORKDIR/gap.json" "$WORKDIR/gap.pdf" -q --layout "$WORKDIR/gap-layout.json"
gap=$(mutool draw -F stext -o - "$WORKDIR/gap.pdf" 2>/dev/null | python3 -c '
import sys, xml.etree.ElementTree as ET
for line in ET.fromstring(sys.stdin.buffer.read()).iter("line"):
    cs = [(c.get("c"), [float(v) for v in c.get("quad").split()]) for c in line.iter("char")
          if c.get("c").strip()]
    for (a, qa), (b, qb) in zip(cs, cs[1:]):
        if a == "题" and b == "2":
            print(f"{qb[0] - qa[2]:.2f}")
')
[ -n "$gap" ] || fail "gap layout: 题 followed by 2 not found on one line"
python3 -c "import sys; sys.exit(0 if float('$gap') > 3 else 1)" ||
    fail "gap layout: 题 and 2021 are $gap pt apart, expected the quarter-em gap"
gap_text=$(pdf_text "$WORKDIR/gap.pdf")
assert_contains "$gap_text" "（一）存在的问题2021年，我局" "pdftotext of the gap layout's PDF"
note "ok: heading2 and body fonts per character, text whole and in order, messages name the part, ActualText across the font change ($gap pt gap)"
