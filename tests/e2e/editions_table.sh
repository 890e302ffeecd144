# tests/e2e/editions_table.sh — the library takes an edition's layout and the PDF's default
# Subject from the edition table (DATADIR/layouts/editions.json), not from names it knows:
#   - a data folder whose table maps "2021" to another layout (a 200 mm wide page) and
#     gives another Subject: a 2021 report without "subject" is printed with that layout
#     (pdfinfo's page size) and carries that Subject;
#   - an edition the table lacks is refused listing the table's editions, in its order
#     ("2019", "2021" or "2099" when the table has a third);
#   - a table that lacks an edition's "layout" is refused naming the table and the JSON path;
#   - the official folder: the 2021 sample's Subject is the table's, 政府信息公开工作年度报告.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool pdfinfo python3

W=$WORKDIR
rm -rf "$W/data" "$W"/*.pdf "$W"/*.stderr
mkdir -p "$W/data/layouts"
cp "$SRCDIR"/layouts/*.json "$W/data/layouts/"
ln -s "$SRCDIR/fonts" "$W/data/fonts"
ln -s "$SRCDIR/deps" "$W/data/deps"
# a 2021 report without "subject" (the sample with its subject taken out, if it has one)
python3 - "$SRCDIR/samples/real-2021.json" "$W/nosubject.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d.pop("subject", None)
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY

# table EDIT — rewrites the copied table with a Python statement on `t`.
table() {
    python3 - "$SRCDIR/layouts/editions.json" "$W/data/layouts/editions.json" "$1" <<'PY'
import json, sys
t = json.load(open(sys.argv[1], encoding="utf-8"))
exec(sys.argv[3])
json.dump(t, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, indent=1)
PY
}

note "the official folder: the table's Subject"
render_ok "$W/nosubject.json" "$W/official.pdf"
assert_contains "$(pdfinfo "$W/official.pdf")" "Subject:         政府信息公开工作年度报告" "pdfinfo"

note "another table: its layout for 2021 and its Subject"
python3 - "$SRCDIR/layouts/gov-annual-2021.json" "$W/data/layouts/narrow-2021.json" <<'PY'
import json, sys
l = json.load(open(sys.argv[1], encoding="utf-8"))
l["name"] = "narrow-2021"
l["page"]["width"] = "200mm"
json.dump(l, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, indent=1)
PY
table 't["editions"]["2021"]["layout"] = "narrow-2021.json"; t["subject"] = "测试用的主题"'
NIANBAO_DATADIR=$W/data render_ok "$W/nosubject.json" "$W/narrow.pdf"
info=$(pdfinfo "$W/narrow.pdf")
assert_contains "$info" "Subject:         测试用的主题" "pdfinfo of a render with the other table"
assert_contains "$info" "Page size:       566.93 x 841.89 pts" "pdfinfo (the table's 200 mm layout)"
# the official folder is untouched by it: the A4 layout
assert_contains "$(pdfinfo "$W/official.pdf")" "Page size:       595.28 x 841.89 pts (A4)" "pdfinfo"

note "an edition the table lacks: refused, listing the table's editions"
table 't["editions"]["2099"] = dict(t["editions"]["2021"])'
printf '{"edition": "2020", "title": "x"}\n' >"$W/edition2020.json"
rc=0
NIANBAO_DATADIR=$W/data render "$W/edition2020.json" "$W/e2020.pdf" || rc=$?
[ "$rc" -eq 2 ] || fail "edition 2020: exit $rc, expected 2"
assert_file_absent "$W/e2020.pdf"
assert_file_contains "$W/e2020.pdf.stderr" \
    "edition2020.json: \$.edition: \"2020\" is not an edition of the template (expected \"2019\" / \"2021\" / \"2099\")"

note "a table without an edition's layout: refused, naming the table and the path"
table 'del t["editions"]["2021"]["layout"]'
rc=0
NIANBAO_DATADIR=$W/data render "$W/nosubject.json" "$W/nolayout.pdf" || rc=$?
[ "$rc" -eq 2 ] || fail "a table without a layout: exit $rc, expected 2"
assert_file_absent "$W/nolayout.pdf"
assert_file_contains "$W/nolayout.pdf.stderr" "$W/data/layouts/editions.json: \$.editions.2021.layout: missing"
note "ok: the layout of an edition and the default Subject come from the edition table"
