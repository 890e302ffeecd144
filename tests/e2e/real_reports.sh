# real_reports.sh — what real reports say that the format must carry: samples/real-2021.json,
# a county-level district's 2021 report with sub-headed sections, blank cells (JSON null:
# a whole row of table B and its 总计, single cells, a group of table C, table A's 规章 row),
# the amount "73802895.90" written as a decimal string, and no signature.
#
# (1) `nianbao check`: exit 0; one value.blank warning per null of the data, naming the
#     cell by the template's row and column words (三、本年度办理结果（三）不予公开
#     1.属于国家秘密 / 自然人) with its JSON path; no sum rule (B.*, C.*) fires through a
#     blank and no message says 总计(0); the missing signature is one note, counted as
#     neither warning nor error; text and JSON agree.
# (2) `nianbao render` (with --dump): exit 0, the warnings and the note on stderr, a PDF/A
#     file whose fonts are all embedded (pdffonts).
# (3) Every value cell of the three tables, located from the box dump (row band between the
#     horizontal rules around the row's label, columns from the layout's widths), holds
#     exactly the data's text — in the dump and in the PDF (`pdftotext -bbox`) — and a blank
#     cell holds nothing at all; the fee cell reads 73802895.90 as written.
# (4) No signature: the text ends with section 六's last paragraph (page numbers aside).
# (5) Dates: pdfinfo and the XMP say 2021-12-31T00:00:00Z (the end of the report year);
#     (XMP: +00:00); two runs give the same bytes; SOURCE_DATE_EPOCH still wins; given a signature again,
#     the report prints it and dates from it.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool pdftotext pdfinfo pdffonts python3 cmp

W=$WORKDIR
DATA=$SRCDIR/samples/real-2021.json
LAYOUT=$SRCDIR/layouts/gov-annual-2021.json
rm -f "$W"/real.* "$W"/again.pdf "$W"/sde.pdf "$W"/signed.*

# ---------------------------------------------------------------- (1) check
note "check: blank cells are warnings in the template's words, no sum through them"
rc=0
"$NIANBAO" check "$DATA" >"$W/real.check.txt" 2>"$W/real.check.err" || rc=$?
[ "$rc" -eq 0 ] || fail "nianbao check exited $rc: $(cat "$W/real.check.txt" "$W/real.check.err")"
[ ! -s "$W/real.check.err" ] || fail "check wrote to stderr: $(cat "$W/real.check.err")"
rc=0
"$NIANBAO" check "$DATA" --format json >"$W/real.check.json" || rc=$?
[ "$rc" -eq 0 ] || fail "nianbao check --format json exited $rc"
assert_file_contains "$W/real.check.txt" \
    "warning: 三、收到和处理政府信息公开申请情况 三、本年度办理结果（三）不予公开 1.属于国家秘密 / 自然人: 未填写"
assert_file_contains "$W/real.check.txt" "[applications.results.refused.state_secret.natural]"
assert_file_contains "$W/real.check.txt" \
    "四、政府信息公开行政复议、行政诉讼情况 行政诉讼（复议后起诉） / 总计: 未填写"
assert_file_contains "$W/real.check.txt" "note: 无落款"
python3 - "$DATA" "$W/real.check.txt" "$W/real.check.json" <<'EOF'
import json, sys
data = json.load(open(sys.argv[1], encoding="utf-8"))
text = open(sys.argv[2], encoding="utf-8").read().splitlines()
doc = json.load(open(sys.argv[3], encoding="utf-8"))
fail = []


def nulls(node, path):
    if node is None:
        yield path
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from nulls(v, f"{path}.{k}")


blank = {p[1:] for t in ("active", "applications", "reviews") for p in nulls(data[t], "." + t)}
items = doc["findings"]
if len(text) != len(items):
    fail.append(f"text has {len(text)} findings, JSON {len(items)}")
got = {it["paths"][0] for it in items if it["rule"] == "value.blank"}
if got != blank:
    fail.append(f"value.blank paths differ from the data's nulls: missing {sorted(blank - got)}, "
                f"extra {sorted(got - blank)}")
if len(blank) < 15:
    fail.append(f"the sample has only {len(blank)} blank cells")
for it in items:
    if it["rule"] not in ("value.blank", "date.no_signature"):
        fail.append(f"unexpected finding {it['rule']}: {it['message']}")
    if it["rule"].startswith(("B.", "C.")) or "总计(0)" in it["message"]:
        fail.append(f"a sum through a blank: {it['message']}")
    if it["rule"] == "value.blank":
        if it["severity"] != "warning" or " / " not in it["message"] or "未填写" not in it["message"]:
            fail.append(f"blank finding not a warning naming row / column: {it}")
        if it["values"] != [None]:
            fail.append(f"blank finding carries a value: {it}")
notes = [it for it in items if it["severity"] == "note"]
if [it["rule"] for it in notes] != ["date.no_signature"] or notes[0]["paths"] != ["signature"]:
    fail.append(f"expected one note date.no_signature, got {notes}")
if (doc["errors"], doc["warnings"], doc.get("notes")) != (0, len(blank), 1):
    fail.append(f"counts errors={doc['errors']} warnings={doc['warnings']} notes={doc.get('notes')}, "
                f"expected 0, {len(blank)}, 1")
for line, it in zip(text, items):
    if f"{it['severity']}: {it['message']}  [{', '.join(it['paths'])}]" not in line:
        fail.append(f"text line and JSON disagree: {line} / {it}")
for f in fail:
    print("FAIL: " + f, file=sys.stderr)
sys.exit(1 if fail else 0)
EOF

# ---------------------------------------------------------------- (2) render
note "render: exit 0, findings on stderr, a PDF/A file with embedded fonts"
render_ok "$DATA" "$W/real.pdf" --dump "$W/real.dump"
assert_file_contains "$W/real.pdf.stderr" \
    "warning: 三、收到和处理政府信息公开申请情况 三、本年度办理结果（三）不予公开 1.属于国家秘密 / 自然人: 未填写"
assert_file_contains "$W/real.pdf.stderr" "note: 无落款"
if grep -q ': error: ' "$W/real.pdf.stderr"; then fail "render reported errors: $(cat "$W/real.pdf.stderr")"; fi
bash "$SRCDIR/tests/e2e/archive_pdfa.sh" --check "$W/real.pdf" pdfa ||
    fail "the report without a signature fails the PDF/A checks"
pdffonts "$W/real.pdf" >"$W/real.fonts" || fail "pdffonts could not read the PDF"
python3 - "$W/real.fonts" <<'EOF'
import sys
rows = open(sys.argv[1], encoding="utf-8").read().splitlines()[2:]
if not rows:
    sys.exit("FAIL: pdffonts lists no fonts")
for r in rows:
    f = r.split()
    # name type... emb sub uni object ID: the three yes/no columns before "object ID"
    emb, sub, uni = f[-5], f[-4], f[-3]
    if (emb, sub, uni) != ("yes", "yes", "yes"):
        sys.exit(f"FAIL: font not embedded, subset and mapped to Unicode: {r}")
EOF

# ---------------------------------------------------------------- (3) table cells
note "every value cell holds the data's text; blank cells hold nothing"
pdftotext -enc UTF-8 -bbox "$W/real.pdf" "$W/real.bbox.html" || fail "pdftotext -bbox failed"
python3 - "$LAYOUT" "$DATA" "$W/real.dump" "$W/real.bbox.html" <<'EOF'
import html, json, re, sys

layout_path, data_path, dump_path, bbox_path = sys.argv[1:]
layout = json.load(open(layout_path, encoding="utf-8"))
data = json.load(open(data_path, encoding="utf-8"))
MM = 72 / 25.4
LEFT, MEASURE = 28 * MM, 156 * MM
fail = []

# the box dump: per page, text boxes (x0, baseline, x of the last glyph, string) and rules
pages = []
for line in open(dump_path, encoding="utf-8"):
    if line.startswith("page "):
        pages.append({"text": [], "hrule": []})
    elif line.startswith("text "):
        m = re.match(r'text (\S+) (\S+) (\S+) \S+ \S+ "(.*)"$', line.rstrip("\n"))
        s = re.sub(r'\\(.)', r'\1', m.group(4))
        pages[-1]["text"].append((float(m.group(1)), float(m.group(2)), float(m.group(3)), s))
    elif line.startswith("rule "):
        x0, y0, x1, y1, _ = map(float, line.split()[1:])
        if abs(y0 - y1) < 0.01:
            pages[-1]["hrule"].append((min(x0, x1), max(x0, x1), y0))

# the PDF's words, per page
words = []
for page in re.findall(r"<page [^>]*>(.*?)</page>", open(bbox_path, encoding="utf-8").read(), re.S):
    words.append([(float(a), float(b), float(c), float(d), html.unescape(w)) for a, b, c, d, w in
                  re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page)])
if len(words) != len(pages):
    fail.append(f"the PDF has {len(words)} pages, the dump {len(pages)}")


def value(path):
    node = data
    for k in path.split("."):
        node = node[k]
    return node


def shown(v):
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, dict):
        return "" if v["value"] is None else shown(v["value"]) + v["unit"]
    return str(int(v)) if float(v) == int(v) else repr(v)


def band(page, y, x0, x1):
    """The row band around baseline y: the nearest horizontal rules above and below that
    cross the value columns x0..x1."""
    ys = [r[2] for r in pages[page]["hrule"] if r[0] < x1 - 1 and r[1] > x0 + 1]
    above = [v for v in ys if v < y]
    below = [v for v in ys if v > y]
    if not above or not below:
        return None
    return max(above), min(below)


def in_dump(page, x0, x1, top, bot):
    hits = sorted((t for t in pages[page]["text"]
                   if top < t[1] < bot and t[0] >= x0 - 0.5 and t[2] <= x1 + 0.5),
                  key=lambda t: (t[1], t[0]))
    return "".join(t[3] for t in hits)


def in_pdf(page, x0, x1, top, bot):
    hits = sorted((w for w in words[page]
                   if x0 < (w[0] + w[2]) / 2 < x1 and top < (w[1] + w[3]) / 2 < bot),
                  key=lambda w: ((w[1] + w[3]) / 2, w[0]))
    return "".join(w[4] for w in hits)


checked = {"blank": 0, "filled": 0}


def check_cell(what, page, x0, x1, top, bot, want):
    for where, got in (("dump", in_dump(page, x0, x1, top, bot)),
                       ("PDF", in_pdf(page, x0, x1, top, bot))):
        if got != want:
            fail.append(f"{what}: the {where} shows {got!r} in the cell, expected {want!r}"
                        + (" (a blank cell)" if want == "" else ""))
    checked["blank" if want == "" else "filled"] += 1


def columns(table):
    w = table["columns"]
    xs, acc = [LEFT], 0
    for v in w:
        acc += v
        xs.append(LEFT + acc / sum(w) * MEASURE)
    return xs


def label_text(cell):
    if isinstance(cell, str):
        return cell
    if isinstance(cell, dict) and "text" in cell and cell.get("rowspan", 1) == 1:
        return cell["text"]
    return None


def find_label(label, xmax):
    """The text box starting the label (its first line), left of the value columns."""
    found = []
    for p, pg in enumerate(pages):
        for t in pg["text"]:
            if t[0] < xmax and len(t[3]) >= min(len(label), 4) and label.startswith(t[3]):
                found.append((p, t))
    return found


tables = [b for b in layout["content"] if b["type"] == "table"]
if len(tables) != 3:
    fail.append(f"the layout has {len(tables)} tables, expected 3")
for ti, table in enumerate(tables):
    xs = columns(table)
    keys = table.get("value_columns")
    for row in table["rows"]:
        # the value cells end every row that has them: count their columns from the right
        vals = [c for c in row if isinstance(c, dict) and ("value" in c or "values" in c)]
        if not vals:
            continue
        cells = []  # (path, first column, last column + 1)
        col = len(xs) - 1 - sum(c.get("colspan", 1) if "value" in c else len(keys) for c in vals)
        for c in vals:
            if "value" in c:
                cells.append((c["value"], col, col + c.get("colspan", 1)))
                col += c.get("colspan", 1)
            else:
                for k in keys:
                    cells.append((f"{c['values']}.{k}", col, col + 1))
                    col += 1
        x0, x1 = xs[cells[0][1]], xs[cells[-1][2]]
        first = row.index(vals[0])
        label = label_text(row[first - 1]) if first > 0 else None
        if label is not None:
            hits = find_label(label, x0)
            if len(hits) != 1:
                fail.append(f"table {ti + 1}: row label {label!r} found {len(hits)} times")
                continue
            page, t = hits[0]
            b = band(page, t[1], x0, x1)
            what_row = label
        else:  # table C's one row of values: the last band under its header
            hits = find_label("复议后起诉", xs[-1])
            if len(hits) != 1:
                fail.append(f"table {ti + 1}: header 复议后起诉 found {len(hits)} times")
                continue
            page, t = hits[0]
            ys = sorted({r[2] for r in pages[page]["hrule"]
                         if r[2] > t[1] and r[0] < x1 - 1 and r[1] > x0 + 1})
            b = (ys[-2], ys[-1]) if len(ys) >= 3 else None
            what_row = "the row of values"
        if b is None:
            fail.append(f"table {ti + 1} {what_row}: no row band found")
            continue
        for path, c0, c1 in cells:
            check_cell(f"table {ti + 1} {what_row} ${path}", page, xs[c0], xs[c1], b[0], b[1],
                       shown(value(path)))

n_null = sum(1 for t in ("active", "applications", "reviews")
             for _ in re.finditer(r"null", json.dumps(data[t])))
if checked["blank"] != n_null:
    fail.append(f"{checked['blank']} blank cells checked, but the data has {n_null} nulls")
if checked["filled"] < 150:
    fail.append(f"only {checked['filled']} filled cells checked")
for f in fail[:40]:
    print("FAIL: " + f, file=sys.stderr)
if fail:
    sys.exit(1)
print(f"cells: {checked['filled']} filled and {checked['blank']} blank cells as the data says",
      file=sys.stderr)
EOF
# The run-in sub-headings: each heading's characters in the level-2 heading font (楷体,
# FandolKai by default), the text after it on the same line in the body font (仿宋).
mutool draw -F stext -o "$W/real.stext" "$W/real.pdf" 2>/dev/null || fail "mutool could not read the PDF"
python3 - "$DATA" "$W/real.stext" <<'PY' || fail "run-in sub-headings (above)"
import json, sys, xml.etree.ElementTree as ET
data = json.load(open(sys.argv[1]))
runin = [it for it in data["sections"]["overview"] if isinstance(it, dict) and "text" in it]
assert runin, "the sample has no run-in item"
lines = []
for line in ET.parse(sys.argv[2]).getroot().iter("line"):
    chars = []
    for font in line.iter("font"):
        for ch in font.iter("char"):
            chars.append((ch.get("c"), font.get("name")))
    lines.append(chars)
for it in runin:
    h, t = it["heading"], it["text"]
    hit = None
    for chars in lines:
        s = "".join(c for c, _ in chars)
        if s.startswith(h):
            hit = chars
            break
    if hit is None:
        sys.exit("no line starts with the run-in heading " + h)
    hf = {f for _, f in hit[: len(h)]}
    tf = {f for _, f in hit[len(h):]}
    if not all("Kai" in f for f in hf) or not tf or not all("Fang" in f for f in tf):
        sys.exit("%s: heading fonts %s, text fonts %s" % (h, sorted(hf), sorted(tf)))
    if "".join(c for c, _ in hit[len(h):]) != t[: len(hit) - len(h)]:
        sys.exit(h + ": the text on the heading's line is not the item's text")
print("run-in: %d headings in FandolKai, their text in FandolFang on the same line" % len(runin))
PY
pdf_text "$W/real.pdf" >"$W/real.txt"
grep -qx '73802895.90' "$W/real.txt" || fail "pdftotext does not show the amount 73802895.90 as written"
if grep -q '73802895\.9$' "$W/real.txt"; then fail "the amount lost its trailing zero"; fi

# ---------------------------------------------------------------- (4) no signature
note "no signature: the text ends with section 六"
python3 - "$DATA" "$W/real.txt" <<'EOF'
import json, re, sys
data = json.load(open(sys.argv[1], encoding="utf-8"))
text = open(sys.argv[2], encoding="utf-8").read()
text = re.sub(r"—\s*\d+\s*—", "", text)  # page numbers
flat = re.sub(r"\s+", "", text)
last = data["sections"]["other"][-1]
if not flat.endswith(last):
    sys.exit(f"FAIL: the text does not end with section 六's last paragraph; it ends "
             f"{flat[-80:]!r}")
EOF

# ---------------------------------------------------------------- (5) dates
note "dates: the end of the report year, reproducible; SOURCE_DATE_EPOCH wins; a signature dates it"
info=$(env -u SOURCE_DATE_EPOCH pdfinfo -isodates "$W/real.pdf")
assert_contains "$info" "CreationDate:    2021-12-31T00:00:00Z" "pdfinfo"
assert_contains "$info" "ModDate:         2021-12-31T00:00:00Z" "pdfinfo"
meta=$(pdfinfo -meta "$W/real.pdf")
assert_contains "$meta" "<xmp:CreateDate>2021-12-31T00:00:00+00:00</xmp:CreateDate>" "XMP"
assert_contains "$meta" "<xmp:ModifyDate>2021-12-31T00:00:00+00:00</xmp:ModifyDate>" "XMP"
env -u SOURCE_DATE_EPOCH "$NIANBAO" render "$DATA" -o "$W/again.pdf" -q ||
    fail "second render failed"
cmp -s "$W/real.pdf" "$W/again.pdf" || fail "two renders of the same data differ"
SOURCE_DATE_EPOCH=1700000000 "$NIANBAO" render "$DATA" -o "$W/sde.pdf" -q ||
    fail "render with SOURCE_DATE_EPOCH failed"
assert_contains "$(pdfinfo -isodates "$W/sde.pdf")" "CreationDate:    2023-11-14T22:13:20Z" \
    "pdfinfo with SOURCE_DATE_EPOCH"

python3 - "$DATA" "$W/signed.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["signature"] = {"office": "青溪市云湖区人民政府办公室", "date": "2022-01-18"}
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, indent=1)
EOF
env -u SOURCE_DATE_EPOCH "$NIANBAO" render "$W/signed.json" -o "$W/signed.pdf" -q ||
    fail "render with a signature failed"
flat=$(pdf_text "$W/signed.pdf" | normalize_text)
flat=${flat%—*—}
assert_contains "${flat: -40}" "青溪市云湖区人民政府办公室2022年1月18日" "the signed report's last text"
assert_contains "$(pdfinfo -isodates "$W/signed.pdf")" "CreationDate:    2022-01-18T00:00:00Z" \
    "pdfinfo of the signed report"
note "ok"
