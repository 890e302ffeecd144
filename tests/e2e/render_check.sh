# render_check.sh — how `nianbao render` uses the checker and guards the edition:
#   - a file with checker errors: exit 1, the findings on stderr, no PDF (an earlier file at
#     the output path is left as it was); with --force it renders, findings still shown;
#   - warnings are printed and the render goes on (exit 0); -q silences them;
#   - --previous: the cross-year errors stop the render too; a clean pair renders;
#   - missing keys and wrong types (this year's or last year's): checker errors, exit 1, no PDF;
#   - a file that cannot be read (no known edition) or a missing one: exit 2, no PDF;
#   - data of one edition given the other edition's layout is refused with a message naming
#     both editions and the layout, both ways round, and no PDF.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool pdftotext python3

DATA=$SRCDIR/tests/data/check
SAMPLES=$SRCDIR/samples
LAYOUTS=$SRCDIR/layouts
W=$WORKDIR
rm -f "$W"/*.pdf "$W"/*.stderr

# expect_render_status WANT DATA OUT [ARGS...] — render, and fail unless it exits WANT.
expect_render_status() {
    local want=$1
    shift
    local rc=0
    render "$@" || rc=$?
    [ "$rc" -eq "$want" ] || fail "nianbao render $1 -o $2 ${*:3} exited with $rc, expected $want"
}

# ---------------------------------------------------------------- checker errors stop a render
note "checker errors: exit 1, findings on stderr, no PDF"
expect_render_status 1 "$DATA/corner-rule.json" "$W/corner.pdf"
assert_file_absent "$W/corner.pdf"
err=$(cat "$W/corner.pdf.stderr")
[ "$(grep -c ': error: ' <<<"$err")" -eq 2 ] ||
    fail "corner-rule: expected the 2 B.corner findings on stderr, got: $err"
assert_contains "$err" "自然人列" "render stderr"
assert_contains "$err" "[applications.new.natural, applications.carried_over.natural" "render stderr"
assert_contains "$err" "--force" "render stderr"
# -q does not hide errors
expect_render_status 1 "$DATA/corner-rule.json" "$W/corner.pdf" -q
[ "$(grep -c ': error: ' "$W/corner.pdf.stderr")" -eq 2 ] || fail "render -q hid the checker errors"
assert_file_absent "$W/corner.pdf"

note "an earlier file at the output path is left untouched"
printf 'earlier content\n' >"$W/kept.pdf"
expect_render_status 1 "$DATA/results-total.json" "$W/kept.pdf"
[ "$(cat "$W/kept.pdf")" = "earlier content" ] || fail "a refused render changed $W/kept.pdf"
assert_file_contains "$W/kept.pdf.stderr" "（七）总计"

note "--force renders anyway, still showing the findings"
render_ok "$DATA/corner-rule.json" "$W/forced.pdf" --force
[ "$(grep -c ': error: ' "$W/forced.pdf.stderr")" -eq 2 ] ||
    fail "render --force did not show the findings: $(cat "$W/forced.pdf.stderr")"
# the PDF shows the data as given: table B's 一 row carries the file's numbers
pdf_text "$W/forced.pdf" >"$W/forced.txt"
python3 - "$W/forced.txt" "$DATA/corner-rule.json" <<'EOF'
import json, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
new = json.load(open(sys.argv[2], encoding="utf-8"))["applications"]["new"]
cols = ["natural", "commercial", "research", "public_interest", "legal_services", "other", "total"]
want = [str(new[c]) for c in cols]
tokens = text.split()
label = "一、本年新收政府信息公开申请数量"
if label not in tokens:
    sys.exit(f"FAIL: forced PDF lacks {label}")
i = tokens.index(label)
if tokens[i + 1:i + 8] != want:
    sys.exit(f"FAIL: forced PDF row 一: {tokens[i + 1:i + 8]}, expected {want}")
EOF

# ---------------------------------------------------------------- warnings do not stop a render
note "warnings: printed, render continues; -q silences them"
render_ok "$SAMPLES/baofeng-2020.json" "$W/baofeng.pdf"
err=$(cat "$W/baofeng.pdf.stderr")
assert_contains "$err" "warning: " "render stderr"
assert_contains "$err" "2020年1月25日" "render stderr"
assert_not_contains "$err" "error" "render stderr"
render_ok "$SAMPLES/baofeng-2020.json" "$W/baofeng-q.pdf" -q
[ ! -s "$W/baofeng-q.pdf.stderr" ] || fail "render -q still printed: $(cat "$W/baofeng-q.pdf.stderr")"
render_ok "$DATA/fees-statement.json" "$W/fees.pdf"
assert_file_contains "$W/fees.pdf.stderr" "信息处理费"

# ---------------------------------------------------------------- across years
note "--previous: carry-over errors stop the render, a clean pair renders"
expect_render_status 1 "$DATA/carry-over-mismatch.json" "$W/carry.pdf" \
    --previous "$SAMPLES/pair-2021.json"
assert_file_absent "$W/carry.pdf"
assert_file_contains "$W/carry.pdf.stderr" "previous:applications.carried_forward.natural"
render_ok "$DATA/carry-over-mismatch.json" "$W/carry-alone.pdf"
render_ok "$SAMPLES/pair-2022.json" "$W/pair.pdf" --previous "$SAMPLES/pair-2021.json"
[ ! -s "$W/pair.pdf.stderr" ] || fail "clean pair printed: $(cat "$W/pair.pdf.stderr")"

# ---------------------------------------------------------------- structure
note "missing keys and wrong types are checker errors: exit 1, all of them listed, no PDF"
expect_render_status 1 "$DATA/structure-all.json" "$W/struct.pdf"
assert_file_absent "$W/struct.pdf"
[ "$(grep -c ': error: ' "$W/struct.pdf.stderr")" -eq 8 ] ||
    fail "structure-all: expected its 8 errors on stderr, got: $(cat "$W/struct.pdf.stderr")"
assert_file_contains "$W/struct.pdf.stderr" "缺少键“refused”（2021年版模板必填）  [applications.results.refused]"
# last year's structural problems are named with previous: paths and stop the render too
expect_render_status 1 "$SAMPLES/pair-2022.json" "$W/prevstruct.pdf" \
    --previous "$DATA/missing-field.json"
assert_file_absent "$W/prevstruct.pdf"
assert_file_contains "$W/prevstruct.pdf.stderr" "上年报告 三、收到和处理政府信息公开申请情况 三、本年度办理结果（七）总计: 缺少键“total”"
assert_file_contains "$W/prevstruct.pdf.stderr" "[previous:applications.results.total]"

# ---------------------------------------------------------------- unreadable input: exit 2
note "input that cannot be read (no known edition, missing file): exit 2, no PDF"
printf '{"edition": "2020", "title": "x"}\n' >"$W/edition2020.json"
expect_render_status 2 "$W/edition2020.json" "$W/unread.pdf"
assert_file_absent "$W/unread.pdf"
assert_file_contains "$W/unread.pdf.stderr" "edition2020.json: \$.edition: \"2020\" is not an edition"
expect_render_status 2 "$SAMPLES/pair-2022.json" "$W/prevunread.pdf" --previous "$W/edition2020.json"
assert_file_absent "$W/prevunread.pdf"
assert_file_contains "$W/prevunread.pdf.stderr" \
    "last year's report (--previous): $W/edition2020.json: \$.edition: unknown edition"
if grep -qF "pair-2022.json" "$W/prevunread.pdf.stderr"; then
    fail "a broken --previous report was blamed on the data file: $(cat "$W/prevunread.pdf.stderr")"
fi
expect_render_status 2 "$W/no-such-file.json" "$W/nofile.pdf"
assert_file_absent "$W/nofile.pdf"
assert_file_contains "$W/nofile.pdf.stderr" "no-such-file.json"

# ---------------------------------------------------------------- editions and layouts
note "2021 data with the 2019 layout, and 2019 data with the 2021 layout: refused"
expect_render_status 2 "$SAMPLES/county-bureau-2021.json" "$W/mix1.pdf" \
    --layout "$LAYOUTS/gov-annual-2019.json"
assert_file_absent "$W/mix1.pdf"
err=$(cat "$W/mix1.pdf.stderr")
assert_contains "$err" "county-bureau-2021.json" "edition mismatch message"
assert_contains "$err" "\"2021\"" "edition mismatch message"
assert_contains "$err" "gov-annual-2019.json is for the 2019 edition" "edition mismatch message"
[ "$(grep -c . <<<"$err")" -eq 1 ] || fail "edition mismatch: expected one line, got: $err"

expect_render_status 2 "$SAMPLES/baofeng-2020.json" "$W/mix2.pdf" \
    --layout "$LAYOUTS/gov-annual-2021.json"
assert_file_absent "$W/mix2.pdf"
err=$(cat "$W/mix2.pdf.stderr")
assert_contains "$err" "baofeng-2020.json" "edition mismatch message"
assert_contains "$err" "\"2019\"" "edition mismatch message"
assert_contains "$err" "gov-annual-2021.json is for the 2021 edition" "edition mismatch message"
# the refusal comes before the checker: no findings printed for the (warning-carrying) file
assert_not_contains "$err" "2020年1月25日" "edition mismatch message"

# and each with its own layout given explicitly renders
render_ok "$SAMPLES/county-bureau-2021.json" "$W/own21.pdf" --layout "$LAYOUTS/gov-annual-2021.json"
render_ok "$SAMPLES/baofeng-2020.json" "$W/own19.pdf" -q --layout "$LAYOUTS/gov-annual-2019.json"

note "ok"
