# check_cli.sh — `nianbao check` from the command line: the findings it prints (text and
# JSON carry the same findings; severities error, warning and note, notes counted apart),
# its exit status (0 clean or warnings/notes only, 1 errors — missing keys and wrong types
# among them, all listed in one run —, 2 an input that cannot be read: missing file, bad
# JSON, not an object or no known edition, or bad usage), and the cross-year check with
# --previous.  Every broken input under tests/data/check/ must trip the rule it is named
# after, and only that rule; the samples get no warning from the rules on the text but the
# real mistakes they contain.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool python3

DATA=$SRCDIR/tests/data/check
SAMPLES=$SRCDIR/samples

# run_check OUT_PREFIX ARGS... — runs `nianbao check ARGS...`, keeps stdout in OUT.out and
# stderr in OUT.err, and prints the exit status (never fails by itself).
run_check() {
    local out=$1
    shift
    local rc=0
    "$NIANBAO" check "$@" >"$out.out" 2>"$out.err" || rc=$?
    echo "$rc"
}

# expect_status WANT OUT_PREFIX ARGS...
expect_status() {
    local want=$1 out=$2
    shift 2
    local rc
    rc=$(run_check "$out" "$@")
    if [ "$rc" != "$want" ]; then
        cat "$out.out" "$out.err" >&2
        fail "nianbao check $* exited with $rc, expected $want"
    fi
}

# same_findings TEXT_OUT JSON_OUT FILE — the text and the JSON report list the same findings
# (severity, message, paths) in the same order, for FILE; prints the JSON's counts and rule
# ids, "ERRORS WARNINGS RULE...", rules sorted and unique (one python run per comparison).
# Notes count as neither: the JSON's "notes" must equal the number of note findings.
same_findings() {
    python3 - "$1" "$2" "$3" <<'EOF'
import json, re, sys
text_path, json_path, name = sys.argv[1:]
text = open(text_path, encoding="utf-8").read()
try:
    doc = json.load(open(json_path, encoding="utf-8"))
except ValueError as e:
    sys.exit(f"FAIL: check --format json output does not parse as JSON: {e}")
if doc.get("file") != name:
    sys.exit(f"FAIL: JSON file is {doc.get('file')!r}, expected {name!r}")
lines = [l for l in text.split("\n") if l]
items = doc["findings"]
if len(lines) != len(items):
    sys.exit(f"FAIL: text has {len(lines)} findings, JSON {len(items)}")
pat = re.compile(r"^(.*): (error|warning|note): (.*)  \[(.*)\]$")
for line, it in zip(lines, items):
    m = pat.match(line)
    if not m:
        sys.exit(f"FAIL: text line not in the 'FILE: severity: message  [paths]' form: {line}")
    f, sev, msg, paths = m.groups()
    if f != name:
        sys.exit(f"FAIL: text line names {f!r}, expected {name!r}")
    if (sev, msg) != (it["severity"], it["message"]):
        sys.exit(f"FAIL: text {sev}: {msg} but JSON {it['severity']}: {it['message']}")
    if paths.split(", ") != it["paths"]:
        sys.exit(f"FAIL: text paths [{paths}] but JSON {it['paths']}")
    if len(it["values"]) != len(it["paths"]) or not it["rule"]:
        sys.exit(f"FAIL: JSON finding lacks a rule or has {len(it['values'])} values for "
                 f"{len(it['paths'])} paths: {it}")
count = {s: sum(it["severity"] == s for it in items) for s in ("error", "warning", "note")}
if sum(count.values()) != len(items):
    sys.exit(f"FAIL: a finding has an unknown severity: {[it['severity'] for it in items]}")
if (count["error"], count["warning"], count["note"]) != (doc["errors"], doc["warnings"],
                                                          doc.get("notes")):
    sys.exit(f"FAIL: JSON counts errors={doc['errors']} warnings={doc['warnings']} "
             f"notes={doc.get('notes')} disagree with its findings {count}")
print(doc["errors"], doc["warnings"], *sorted({it["rule"] for it in items}))
EOF
}

# counts_of "ERRORS WARNINGS RULE..." prints "ERRORS WARNINGS"; rules_of prints "RULE...".
counts_of() {
    local a
    read -ra a <<<"$1"
    echo "${a[0]} ${a[1]}"
}
rules_of() {
    local a
    read -ra a <<<"$1"
    echo "${a[*]:2}"
}

W=$WORKDIR

# ---------------------------------------------------------------- the seed report
note "samples/baofeng-2020.json: exactly one warning, the signing date"
expect_status 0 "$W/baofeng" "$SAMPLES/baofeng-2020.json"
[ "$(grep -c . "$W/baofeng.out")" -eq 1 ] ||
    fail "baofeng-2020: expected exactly one finding, got: $(cat "$W/baofeng.out")"
assert_file_contains "$W/baofeng.out" "warning: "
assert_file_contains "$W/baofeng.out" "2020年1月25日"
assert_file_contains "$W/baofeng.out" "[signature.date, year]"
[ ! -s "$W/baofeng.err" ] || fail "baofeng-2020: unexpected stderr: $(cat "$W/baofeng.err")"
expect_status 0 "$W/baofeng-json" "$SAMPLES/baofeng-2020.json" --format json
res=$(same_findings "$W/baofeng.out" "$W/baofeng-json.out" "$SAMPLES/baofeng-2020.json")
[ "$(counts_of "$res")" = "0 1" ] || fail "baofeng-2020 JSON: expected 0 errors 1 warning: $res"
[ "$(rules_of "$res")" = "date.after_period" ] ||
    fail "baofeng-2020: rule is $(rules_of "$res"), expected date.after_period"

# ---------------------------------------------------------------- clean inputs: exit 0, silent
for f in "$SAMPLES/county-bureau-2021.json" "$SAMPLES/pair-2021.json" "$SAMPLES/pair-2022.json" \
    "$DATA/base-2019.json" "$DATA/base-2020.json" "$DATA/text-figures-agree.json"; do
    expect_status 0 "$W/clean" "$f"
    [ ! -s "$W/clean.out" ] || fail "$f: expected no findings, got: $(cat "$W/clean.out")"
    expect_status 0 "$W/clean-json" "$f" --format json
    res=$(same_findings "$W/clean.out" "$W/clean-json.out" "$f")
    [ "$res" = "0 0" ] || fail "$f JSON: expected no findings, got $res"
done

# the other samples: their blanks and missing signature (real-2021), and one real mistake in
# stress-2020 (its text says 主动公开规范性文件16件, its table A says 0)
while IFS=: read -r file rules; do
    expect_status 0 "$W/sample" "$SAMPLES/$file"
    expect_status 0 "$W/sample-json" "$SAMPLES/$file" --format json
    res=$(same_findings "$W/sample.out" "$W/sample-json.out" "$SAMPLES/$file")
    [ "$(rules_of "$res")" = "$rules" ] || fail "$file: rules '$(rules_of "$res")', expected '$rules'"
done <<'EOF'
real-2021.json:date.no_signature value.blank
stress-2020.json:text.table_mismatch
EOF
assert_file_contains "$W/sample.out" "“全年主动公开规范性文件16件、政策解读28篇"
assert_file_contains "$W/sample.out" "[sections.overview[2], active.normative_documents.new_published]"

# ---------------------------------------------------------------- one broken file per rule
# file : exit status : the rule ids it must trip (and no other)
while IFS=: read -r file want rules; do
    [ -n "$file" ] || continue
    note "$file -> $want ($rules)"
    expect_status "$want" "$W/broken" "$DATA/$file"
    expect_status "$want" "$W/broken-json" "$DATA/$file" --format json
    res=$(same_findings "$W/broken.out" "$W/broken-json.out" "$DATA/$file")
    got=$(rules_of "$res")
    [ "$got" = "$rules" ] || fail "$file: rules '$got', expected '$rules'"
    errors=${res%% *}
    if [ "$want" = 1 ]; then
        [ "$errors" -gt 0 ] || fail "$file: exit 1 but no error in the JSON"
    else
        [ "$errors" -eq 0 ] || fail "$file: exit 0 but $errors error(s) in the JSON"
    fi
done <<'EOF'
corner-rule.json:1:B.corner
results-total.json:1:B.results_total
row-total.json:1:B.row_total
review-total.json:1:C.group_total
negative-count.json:1:type.count
fraction-count.json:1:type.count
huge-count.json:1:type.count
string-count.json:1:type.count
bad-change.json:1:type.change
bad-amount.json:1:type.amount
bad-unit.json:1:type.amount
bad-decimal.json:1:type.amount
missing-count.json:1:value.missing
date-before-period.json:0:date.after_period
edition-year.json:0:edition.year
fees-statement.json:0:text.fees_statement
unknown-key.json:0:key.unknown
blank-cell.json:0:value.blank
no-signature.json:0:date.no_signature
missing-field.json:1:key.missing
structure-all.json:1:key.missing type.field
text-year-title.json:0:text.year
text-year-period.json:0:text.year
text-newline.json:0:text.whitespace
text-tab.json:0:text.whitespace
text-spaces.json:0:text.whitespace
text-indent.json:0:text.whitespace
text-heading-parens.json:0:text.heading_parens
text-heading-numbering.json:0:text.numbering
text-list-numbering.json:0:text.numbering
text-heading-repeated.json:0:text.heading_repeated
table-mismatch-applications.json:0:text.table_mismatch
table-mismatch-reviews.json:0:text.table_mismatch
table-mismatch-active.json:0:text.table_mismatch
placeholder-2021.json:0:date.no_signature text.placeholder value.blank
EOF

# ---------------------------------------------------------------- blanks, notes, decimal amounts
note "a blank cell: one warning in the template's words, no sum through it"
expect_status 0 "$W/blank" "$DATA/blank-cell.json"
assert_file_contains "$W/blank.out" \
    "warning: 三、收到和处理政府信息公开申请情况 三、本年度办理结果（一）予以公开 / 自然人: 未填写"
assert_file_contains "$W/blank.out" "[applications.results.disclosed.natural]"
[ "$(grep -c . "$W/blank.out")" -eq 1 ] || fail "blank-cell: expected one finding: $(cat "$W/blank.out")"

note "no signature: one note, counted as neither warning nor error"
expect_status 0 "$W/nosig" "$DATA/no-signature.json"
expect_status 0 "$W/nosig-json" "$DATA/no-signature.json" --format json
res=$(same_findings "$W/nosig.out" "$W/nosig-json.out" "$DATA/no-signature.json")
[ "$res" = "0 0 date.no_signature" ] || fail "no-signature: got '$res', expected one note only"
assert_file_contains "$W/nosig.out" "no-signature.json: note: 无落款"
assert_file_contains "$W/nosig-json.out" '"severity": "note"'
assert_file_contains "$W/nosig-json.out" '"notes": 1}'

note "a decimal-string amount with a thousands separator is an error naming its path"
expect_status 1 "$W/dec" "$DATA/bad-decimal.json"
assert_file_contains "$W/dec.out" '实为 字符串 "1,500.00"（不可带千位分隔符）  [active.fees.amount]'

# ---------------------------------------------------------------- across years
note "--previous: the 2021/2022 pair is clean"
expect_status 0 "$W/pair" "$SAMPLES/pair-2022.json" --previous "$SAMPLES/pair-2021.json"
[ ! -s "$W/pair.out" ] || fail "pair-2022 after pair-2021: unexpected findings: $(cat "$W/pair.out")"

note "--previous: carry-over mismatch is an error in both formats"
expect_status 0 "$W/co-alone" "$DATA/carry-over-mismatch.json"
expect_status 1 "$W/co" "$DATA/carry-over-mismatch.json" --previous "$SAMPLES/pair-2021.json"
expect_status 1 "$W/co-json" "$DATA/carry-over-mismatch.json" --previous \
    "$SAMPLES/pair-2021.json" --format json
res=$(same_findings "$W/co.out" "$W/co-json.out" "$DATA/carry-over-mismatch.json")
[ "$(rules_of "$res")" = "year.carry_over" ] ||
    fail "carry-over: rules $(rules_of "$res"), expected year.carry_over"
[ "${res%% *}" -ge 1 ] || fail "carry-over: no error counted"
assert_file_contains "$W/co.out" "previous:applications.carried_forward."
# the values in the JSON are this year's 二 and last year's 四, and they differ
python3 - "$W/co-json.out" "$DATA/carry-over-mismatch.json" "$SAMPLES/pair-2021.json" <<'EOF'
import json, sys
out, cur, prev = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:])
def at(doc, path):
    for k in path.split("."):
        doc = doc[k]
    return doc
for f in out["findings"]:
    p, q = f["paths"]
    assert not p.startswith("previous:") and q.startswith("previous:"), f
    want = [at(cur, p), at(prev, q[len("previous:"):])]
    if f["values"] != want or want[0] == want[1]:
        sys.exit(f"FAIL: carry-over finding values {f['values']}, expected {want} (and unequal)")
EOF

note "--previous: 2019-edition cross-year warning (previous_count) keeps exit 0"
expect_status 0 "$W/pc" "$DATA/previous-count.json" --previous "$DATA/base-2019.json"
expect_status 0 "$W/pc-json" "$DATA/previous-count.json" --previous "$DATA/base-2019.json" \
    --format json
res=$(same_findings "$W/pc.out" "$W/pc-json.out" "$DATA/previous-count.json")
[ "$res" = "0 1 year.previous_count" ] ||
    fail "previous-count: got '$res', expected one year.previous_count warning"

# ---------------------------------------------------------------- inputs that cannot be read: 2
note "exit 2: missing file, bad JSON, not a report or no known edition, bad usage"
expect_status 2 "$W/missing" "$W/no-such-file.json"
assert_file_contains "$W/missing.err" "no-such-file.json"
[ ! -s "$W/missing.out" ] || fail "missing file: findings printed on stdout"

printf '{"edition": "2021", "title": ' >"$W/truncated.json"
expect_status 2 "$W/badjson" "$W/truncated.json"
assert_file_contains "$W/badjson.err" "truncated.json"
expect_status 2 "$W/badjson-json" "$W/truncated.json" --format json
[ ! -s "$W/badjson-json.out" ] || fail "bad JSON: something printed on stdout"

printf '[1, 2, 3]\n' >"$W/array.json"
expect_status 2 "$W/array" "$W/array.json"
assert_file_contains "$W/array.err" "array.json: \$: expected a JSON object"

printf '{"edition": "2020", "title": "x"}\n' >"$W/edition2020.json"
expect_status 2 "$W/unread" "$W/edition2020.json"
assert_file_contains "$W/unread.err" "edition2020.json: \$.edition: unknown edition 字符串 \"2020\""
printf '{"title": "x"}\n' >"$W/noedition.json"
expect_status 2 "$W/noedition" "$W/noedition.json"
assert_file_contains "$W/noedition.err" "noedition.json: \$.edition: missing"

# a missing key is not unreadable: exit 1 and the finding
expect_status 1 "$W/struct" "$DATA/missing-field.json"
assert_file_contains "$W/struct.out" \
    "missing-field.json: error: 三、收到和处理政府信息公开申请情况 三、本年度办理结果（七）总计: 缺少键“total”（2021年版模板必填）  [applications.results.total]"

# a --previous that cannot be read: the message names the previous file, not the data file
expect_status 2 "$W/prev-struct" "$SAMPLES/pair-2022.json" --previous "$W/edition2020.json"
assert_file_contains "$W/prev-struct.err" "--previous"
assert_file_contains "$W/prev-struct.err" "edition2020.json: \$.edition: unknown edition"
if grep -qF "pair-2022.json" "$W/prev-struct.err"; then
    fail "broken --previous file blamed on the data file: $(cat "$W/prev-struct.err")"
fi
expect_status 2 "$W/prev-missing" "$SAMPLES/pair-2022.json" --previous "$W/no-such-file.json"
assert_file_contains "$W/prev-missing.err" "no-such-file.json"
expect_status 2 "$W/prev-badjson" "$SAMPLES/pair-2022.json" --previous "$W/truncated.json"
assert_file_contains "$W/prev-badjson.err" "truncated.json"
# a data file that cannot be read with a good --previous is blamed on the data file
expect_status 2 "$W/data-struct" "$W/edition2020.json" --previous "$SAMPLES/pair-2021.json"
assert_file_contains "$W/data-struct.err" "edition2020.json: \$.edition: unknown edition"
if grep -qF -- "--previous" "$W/data-struct.err"; then
    fail "broken data file blamed on --previous: $(cat "$W/data-struct.err")"
fi
# last year's missing keys are findings with previous: paths (exit 1)
expect_status 1 "$W/prev-keys" "$SAMPLES/pair-2022.json" --previous "$DATA/missing-field.json"
assert_file_contains "$W/prev-keys.out" "error: 上年报告 三、收到和处理政府信息公开申请情况 三、本年度办理结果（七）总计: 缺少键“total”"
assert_file_contains "$W/prev-keys.out" "[previous:applications.results.total]"

expect_status 2 "$W/usage1"
expect_status 2 "$W/usage2" "$SAMPLES/pair-2022.json" --format xml
expect_status 2 "$W/usage3" "$SAMPLES/pair-2022.json" --previous
expect_status 2 "$W/usage4" "$SAMPLES/pair-2022.json" "$SAMPLES/pair-2021.json"
expect_status 0 "$W/help" --help
assert_file_contains "$W/help.out" "--previous"

note "ok"
