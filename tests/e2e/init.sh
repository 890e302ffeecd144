# tests/e2e/init.sh — `nianbao init`: a blank report of the 2021 edition checks with one
# blank-cell warning per table cell, in the template's words, all at once; filled in with a
# valid report's values it checks clean and renders; `--from` last year's report gives next
# year's, whose 二、上年结转 is last year's 四、结转下年度继续办理; an edition not for the year,
# an existing output without --force, a missing -o are refused with exit 2; `-o -` writes
# to standard output.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool python3
cd "$WORKDIR"
rm -rf ./* 2>/dev/null || true
FILL=$SRCDIR/tests/e2e/init_fill.py

# A blank report: every blank table cell is listed by one check, as a blank-cell warning.
"$NIANBAO" init --edition 2021 --year 2024 -o r.json || fail "init exited $?"
rc=0
"$NIANBAO" check r.json >check.txt || rc=$?
[ "$rc" -eq 0 ] || fail "check of a blank report exited $rc (warnings only expected)"
nnull=$(python3 -c '
import json, sys
def count(v):
    if v is None: return 1
    if isinstance(v, dict): return sum(count(x) for x in v.values())
    if isinstance(v, list): return sum(count(x) for x in v)
    return 0
d = json.load(open("r.json"))
print(sum(count(d[k]) for k in ("active", "applications", "reviews")))')
[ "$nnull" -gt 100 ] || fail "the blank report has only $nnull blank cells"
nblank=$(grep -c '未填写（空白格' check.txt || true)
[ "$nblank" -eq "$nnull" ] || fail "check lists $nblank blank cells, the file has $nnull"
# in the template's words: the section, row and column labels of a cell
assert_file_contains check.txt "二、主动公开政府信息情况 规章 / 本年制发件数: 未填写"
assert_file_contains check.txt "[applications.carried_over.natural]"
# and the placeholders left
assert_file_contains check.txt "【请填写"
python3 -c '
import json; d = json.load(open("r.json"))
assert d["edition"] == "2021" and d["year"] == 2024, d
assert "【请填写" in d["body"], d["body"]'

# Filled in with a valid report's values: clean, and it renders.
"$NIANBAO" init --edition 2021 --year 2021 -o filled.json
added=$(python3 "$FILL" filled.json "$SRCDIR/samples/county-bureau-2021.json")
[ "$added" = ".signature" ] || fail "init lacks keys other than the signature: $added"
out=$("$NIANBAO" check filled.json 2>&1) || fail "check of the filled-in report exited $?: $out"
[ -z "$out" ] || fail "the filled-in report has findings: ${out:0:400}"
render_ok filled.json filled.pdf
pdf_text filled.pdf | normalize_text >filled.txt
assert_file_contains filled.txt "青溪县自然资源局"

# --body names the body in the body, title and opening.
"$NIANBAO" init --edition 2021 --year 2024 --body 某某县某某局 -o - >body.json
python3 -c '
import json; d = json.load(open("body.json"))
assert d["body"] == "某某县某某局", d["body"]
assert d["title"].startswith("某某县某某局2024年"), d["title"]'

# Next year's from last year's: 二、上年结转 is last year's 四.
"$NIANBAO" init --from "$SRCDIR/samples/pair-2021.json" -o next.json
python3 - "$SRCDIR/samples/pair-2021.json" <<'PY'
import json, sys
n = json.load(open("next.json")); p = json.load(open(sys.argv[1]))
assert n["year"] == p["year"] + 1 == 2022, (n["year"], p["year"])
assert n["body"] == p["body"], n["body"]
assert n["applications"]["carried_over"] == p["applications"]["carried_forward"], \
    (n["applications"]["carried_over"], p["applications"]["carried_forward"])
assert all(v is None for v in n["applications"]["new"].values()), n["applications"]["new"]
PY
python3 "$FILL" next.json "$SRCDIR/samples/pair-2022.json" >/dev/null
out=$("$NIANBAO" check next.json --previous "$SRCDIR/samples/pair-2021.json" 2>&1) ||
    fail "check of next year's filled-in report exited $?: $out"
[ -z "$out" ] || fail "next year's filled-in report has findings: ${out:0:400}"
render_ok next.json next.pdf

# Refusals: exit 2 with the reason.
expect_refusal() { # expect_refusal NEEDLE ARGS...
    local needle=$1 rc=0
    shift
    "$NIANBAO" init "$@" >refused.out 2>refused.err || rc=$?
    [ "$rc" -eq 2 ] || fail "init $*: exit $rc, expected 2"
    assert_contains "$(cat refused.err)" "$needle" "init $*"
}
expect_refusal "the 2019 edition is for report years 2019 to 2020, not 2024" \
    --edition 2019 --year 2024 -o old.json
assert_file_absent old.json
before=$(cksum <r.json)
expect_refusal "r.json exists" --edition 2021 --year 2025 -o r.json
[ "$(cksum <r.json)" = "$before" ] || fail "init replaced r.json without --force"
"$NIANBAO" init --edition 2021 --year 2025 -o r.json --force
python3 -c 'import json; assert json.load(open("r.json"))["year"] == 2025'
expect_refusal "no output given" --edition 2021 --year 2024
expect_refusal "--year takes a year" --edition 2021 --year twenty -o x.json
expect_refusal "no such file" --from missing.json -o x.json
assert_file_absent x.json
# help
"$NIANBAO" init --help | grep -q -- "--edition" || fail "init --help does not list --edition"
note "init: blank report checked and filled in, next year's from last year's, refusals"
