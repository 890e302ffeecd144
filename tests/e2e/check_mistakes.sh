# check_mistakes.sh — the mistakes office clerks make (issue 15), one file each under
# tests/data/check/, through the command: `nianbao check` gives the named message in the
# template's words with its JSON paths and the stated exit status; where it errs,
# `nianbao render -o X.pdf` exits 1 and leaves no X.pdf; where it warns, render still makes
# the PDF and prints the warning.  A fresh blank report (what `nianbao init` writes) lists
# every text still to fill in, all at once.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool python3

DATA=$SRCDIR/tests/data/check
W=$WORKDIR
rm -f "$W"/*.pdf "$W"/*.out "$W"/*.err "$W"/*.stderr

# check_case FILE STATUS RULE_COUNT WORDS... — `nianbao check FILE` exits STATUS with
# RULE_COUNT findings, and its output contains each of WORDS.
check_case() {
    local file=$1 want=$2 count=$3 rc=0
    shift 3
    "$NIANBAO" check "$DATA/$file" >"$W/$file.out" 2>"$W/$file.err" || rc=$?
    [ "$rc" -eq "$want" ] || fail "check $file exited with $rc, expected $want: $(cat "$W/$file.out" "$W/$file.err")"
    [ "$(grep -c . "$W/$file.out")" -eq "$count" ] ||
        fail "check $file: expected $count finding(s), got: $(cat "$W/$file.out")"
    local w
    for w in "$@"; do
        assert_file_contains "$W/$file.out" "$w"
    done
}

# no_pdf FILE — render refuses: exit 1, the errors on stderr, no PDF.
no_pdf() {
    local rc=0
    render "$DATA/$1" "$W/$1.pdf" || rc=$?
    [ "$rc" -eq 1 ] || fail "render $1 exited with $rc, expected 1"
    assert_file_absent "$W/$1.pdf"
    assert_file_contains "$W/$1.pdf.stderr" ": error: "
    assert_file_contains "$W/$1.pdf.stderr" "nothing rendered"
}

note "every structural problem at once: errors, exit 1, no PDF"
check_case structure-all.json 1 8 \
    "error: 标题: 缺少键“title”（2021年版模板必填）  [title]" \
    "error: 报告年度: 应为四位数的年份（如 2021，不带引号），实为 字符串 \"2021\"  [year]" \
    "error: 成文日期: 应为真实的日期 \"YYYY-MM-DD\"（如 \"2022-01-20\"），实为 字符串 \"2022年1月20日\"  [signature.date]" \
    "error: 引言第3段: 应为非空段落文字，实为 空字符串  [opening[2]]" \
    "error: 一、总体情况 第2段（小标题）: 应为非空文字（带引号的字符串），实为 空字符串  [sections.overview[1].heading]" \
    "error: 二、主动公开政府信息情况 行政处罚: 缺少键“penalty”（2021年版模板必填）  [active.penalty]" \
    "error: 三、收到和处理政府信息公开申请情况 三、本年度办理结果（三）不予公开: 缺少键“refused”" \
    "error: 四、政府信息公开行政复议、行政诉讼情况 行政诉讼（未经复议直接起诉）: 应为对象 {…}，实为 数组  [reviews.litigation_direct]"
no_pdf structure-all.json
check_case missing-field.json 1 1 "三、本年度办理结果（七）总计: 缺少键“total”（2021年版模板必填）  [applications.results.total]"
no_pdf missing-field.json

note "a count written as a decimal: a warning; one that is not a whole number but reads as one: an error, no PDF"
check_case decimal-count.json 0 1 "写成了 59.0，应写整数 59" "[applications.new.natural]"
check_case decimal-count-inexact.json 1 1 "不是整数：文件中写作 1.99999999999999999" \
    "[reviews.reconsideration.upheld]"
no_pdf decimal-count-inexact.json

note "the year"
check_case text-year-title.json 0 1 "warning: 标题写的是2020年，而报告年度（year）是2021年  [title, year]"
check_case text-year-period.json 0 1 \
    "warning: 引言第1段的统计期限写的是2020年，而报告年度（year）是2021年: “本报告所列数据的统计期限自2020年1月1日起至2020年12月31日止”  [opening[0], year]"

note "white space"
check_case text-newline.json 0 1 "warning: 一、总体情况 第3段: 有换行符" "重点⏎公开" "[sections.overview[2]]"
check_case text-tab.json 0 1 "warning: 一、总体情况 第4段: 有制表符（会印成空隙），请删去: “⇥" \
    "[sections.overview[3]]"
check_case text-spaces.json 0 1 "warning: 一、总体情况 第8段: 有开头的空格、末尾的空格，请删去" \
    "[sections.overview[7]]"
check_case text-indent.json 0 1 "warning: 一、总体情况 第1段: 有开头的全角空格（版式已自动首行缩进两字" \
    "[sections.overview[0]]"

note "numbering and headings"
check_case text-heading-parens.json 0 1 \
    "warning: 一、总体情况 第5段（小标题）: 编号“(二)”用了半角括号，应为全角“（二）”  [sections.overview[4].heading]"
check_case text-heading-numbering.json 0 1 \
    "warning: 一、总体情况: 小标题“（二）依申请公开”之后是“（二）政府信息管理”，编号应为“（三）”  [sections.overview[4].heading, sections.overview[6].heading]"
check_case text-list-numbering.json 0 1 \
    "warning: 五、存在的主要问题及改进情况 第1段: “二是”之后是“二是”，应为“三是”" "[sections.problems[0]]"
check_case text-heading-repeated.json 0 1 \
    "warning: 一、总体情况 第1段: “一、总体情况”重复了本节标题“一、总体情况”（节标题由版式印出，请删去）  [sections.overview[0].heading]"

note "the text contradicting the tables: the sentence and the cell, both figures"
new=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["applications"]["new"]["total"])' "$DATA/table-mismatch-applications.json")
check_case table-mismatch-applications.json 0 2 \
    "warning: 正文与表格不符: 一、总体情况 第6段“全年共收到政府信息公开申请$((new - 17))件，上年结转" \
    "写$((new - 17))件，而三、收到和处理政府信息公开申请情况 一、本年新收政府信息公开申请数量 / 总计为$new" \
    "[sections.overview[5], applications.new.total]" \
    "[sections.overview[5], applications.results.total.total]"
check_case table-mismatch-reviews.json 0 1 "行政复议 / 总计为" \
    "[sections.overview[12], reviews.reconsideration.total]"
check_case table-mismatch-active.json 0 1 "“全年主动公开规章0件、行政规范性文件" \
    "行政规范性文件 / 本年制发件数为" "[sections.overview[2], active.normative_documents.issued]"
check_case text-figures-agree.json 0 0

note "warnings do not stop a render: the PDF is made and the warning printed"
render_ok "$DATA/table-mismatch-applications.json" "$W/mismatch.pdf"
assert_file_contains "$W/mismatch.pdf.stderr" "warning: 正文与表格不符"

note "a fresh blank report: every text with 【请填写 named, all at once"
"$NIANBAO" check "$DATA/placeholder-2021.json" --format json >"$W/blank.json" ||
    fail "check placeholder-2021.json failed"
python3 - "$DATA/placeholder-2021.json" "$W/blank.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
out = json.load(open(sys.argv[2], encoding="utf-8"))
want = {}
def walk(v, path):
    if isinstance(v, str) and "【请填写" in v:
        want[path] = v
    elif isinstance(v, list):
        for i, x in enumerate(v):
            walk(x, f"{path}[{i}]")
    elif isinstance(v, dict):
        for k, x in v.items():
            walk(x, f"{path}.{k}" if path else k)
walk(doc, "")
got = {f["paths"][0]: f["message"] for f in out["findings"] if f["rule"] == "text.placeholder"}
if set(got) != set(want) or len(want) < 10:
    sys.exit(f"FAIL: placeholder warnings at {sorted(got)}, strings with 【请填写 at {sorted(want)}")
places = {"opening[1]": "引言第2段: ", "sections.overview[2]": "一、总体情况 第3段: ",
          "sections.problems[1]": "五、存在的主要问题及改进情况 第2段: "}
for path, where in places.items():
    if not got[path].startswith(where):
        sys.exit(f"FAIL: {path}: {got[path]!r} does not start with {where!r}")
if out["errors"] != 0:
    sys.exit(f"FAIL: a blank report has {out['errors']} errors")
EOF

note "ok"
