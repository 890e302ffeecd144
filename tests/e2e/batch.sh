# tests/e2e/batch.sh — `nianbao render --batch`: a folder with three good reports and one
# broken file renders the three (byte for byte what single renders give), names the broken
# one, prints a summary and exits non-zero; a list file works the same; -j 1 and -j 2 give
# the same bytes; a folder of good files exits 0; faces preprocessed for subsetting
# (--preprocess-fonts always) give the same bytes too.  The batch tells what the checker
# found: each file's findings (warnings unless -q, errors always) and a line "FILE: N errors,
# M warnings", also for files rendered in worker processes; --format json writes one
# findings document for the batch, the same with -j 1 and -j 2.  Findings longer than a
# pipe holds come back whole from the workers (the same as `nianbao check` prints), and a
# worker that dies in the middle of its report leaves its file failed and nothing of the
# report it had begun.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool cmp python3

in=$WORKDIR/in
rm -rf "$in" "$WORKDIR"/out* "$WORKDIR"/single
mkdir -p "$in" "$WORKDIR/single"

# Three good reports whose glyph sets differ, one file that is not JSON.
python3 "$SRCDIR/bench/gen_reports.py" "$SRCDIR/samples/baofeng-2020.json" "$in" 2 ||
    fail "cannot generate reports"
cp "$SRCDIR/samples/county-bureau-2021.json" "$in/county.json"
printf '{"edition": "2019", "body": ' >"$in/broken.json"
good="county report-0000 report-0001"

for name in $good; do
    render_ok "$in/$name.json" "$WORKDIR/single/$name.pdf" -q
done

# batch_run OUT ARGS... — runs the batch; sets rc and err (its stderr).
batch_run() {
    local out=$1
    shift
    rc=0
    "$NIANBAO" render --batch "$@" -o "$out" 2>"$out.stderr" || rc=$?
    err=$(cat "$out.stderr")
}

check_outputs() {
    local out=$1 name
    for name in $good; do
        assert_pdf "$out/$name.pdf"
        cmp "$out/$name.pdf" "$WORKDIR/single/$name.pdf" ||
            fail "$out/$name.pdf differs from the single render of $name.json"
    done
    assert_file_absent "$out/broken.pdf"
    # no temporary files left behind
    if ls -A "$out" | grep -q '^\.'; then fail "temporary files left in $out: $(ls -A "$out")"; fi
}

check_failure_report() {
    local what=$1
    [ "$rc" -ne 0 ] || fail "$what: exit status 0 although broken.json failed"
    assert_contains "$err" "broken.json" "$what: stderr"
    assert_contains "$err" "3 of 4 rendered, 1 failed" "$what: summary"
    local nfail
    nfail=$(grep -c 'failed:' <<<"$err" || true)
    [ "$nfail" -eq 1 ] || fail "$what: expected one failure line, got $nfail: $err"
}

for j in 1 2; do
    batch_run "$WORKDIR/out-dir-j$j" "$in" -j "$j"
    check_failure_report "folder, -j $j"
    check_outputs "$WORKDIR/out-dir-j$j"
    # not a terminal: no progress line (no carriage returns)
    if grep -q $'\r' "$WORKDIR/out-dir-j$j.stderr"; then fail "progress line written to a non-terminal"; fi
done

# A list file: paths one a line, comments and blank lines skipped.
list=$WORKDIR/list.txt
{
    echo "# reports to render"
    for name in $good; do echo "$in/$name.json"; done
    echo ""
    echo "$in/broken.json"
} >"$list"
batch_run "$WORKDIR/out-list" "$list" -j 2
check_failure_report "list"
check_outputs "$WORKDIR/out-list"

# Preprocessed faces (hb_subset_preprocess): the body face qualifies (CFF without
# subroutines), the run says it used it, and the outputs are still the single renders.
for j in 1 2; do
    batch_run "$WORKDIR/out-pre-j$j" "$in" -j "$j" --preprocess-fonts always -v
    check_failure_report "preprocessed, -j $j"
    assert_contains "$err" "FandolFang-Regular: preprocessed for subsetting" "preprocessed, -j $j"
    check_outputs "$WORKDIR/out-pre-j$j"
done
batch_run "$WORKDIR/out-never" "$in" --preprocess-fonts never -v
if grep -q "preprocessed for subsetting" <<<"$err"; then fail "--preprocess-fonts never preprocessed: $err"; fi
check_outputs "$WORKDIR/out-never"
rc=0
"$NIANBAO" render --batch "$in" -o "$WORKDIR/out-bad" --preprocess-fonts sometimes 2>"$WORKDIR/bad.stderr" || rc=$?
[ "$rc" -eq 2 ] || fail "--preprocess-fonts sometimes: exit $rc, expected 2"
assert_contains "$(cat "$WORKDIR/bad.stderr")" "auto, always or never" "bad --preprocess-fonts"

# All good: exit 0, and the summary says so.
rm "$in/broken.json"
batch_run "$WORKDIR/out-good" "$in" -j 2
[ "$rc" -eq 0 ] || fail "all-good batch exited with $rc: $err"
assert_contains "$err" "3 of 3 rendered, 0 failed" "all-good summary"

# Nothing to do is an error, not a success.
mkdir -p "$WORKDIR/empty"
batch_run "$WORKDIR/out-empty" "$WORKDIR/empty"
[ "$rc" -ne 0 ] || fail "an empty folder should not succeed"
assert_contains "$err" "no data files" "empty folder"

# Findings travel back from the workers: a folder of a report with blank cells (warnings),
# copies of it (rendered by the workers), one the checker rejects, one that is not JSON.
fin=$WORKDIR/fin
rm -rf "$fin" "$WORKDIR/tmp" && mkdir -p "$fin" "$WORKDIR/tmp"
export TMPDIR=$WORKDIR/tmp
cp "$SRCDIR/samples/real-2021.json" "$fin/a-blank.json"
for k in 1 2 3 4; do cp "$SRCDIR/samples/real-2021.json" "$fin/b-blank$k.json"; done
python3 - "$SRCDIR/samples/county-bureau-2021.json" "$fin/c-bad.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["applications"]["new"]["total"] += 1
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
printf '{"edition": "2021", "body": ' >"$fin/d-broken.json"
nwarn=$("$NIANBAO" check "$fin/a-blank.json" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["warnings"])')
[ "$nwarn" -gt 0 ] || fail "real-2021.json has no warnings to report"
for j in 1 2; do
    batch_run "$WORKDIR/out-fin-j$j" "$fin" -j "$j"
    [ "$rc" -eq 1 ] || fail "findings batch -j $j: exit $rc, expected 1"
    for f in a-blank b-blank1 b-blank2 b-blank3 b-blank4; do
        assert_contains "$err" "$fin/$f.json: 0 errors, $nwarn warnings" "-j $j summary of $f"
        n=$(grep -c "^$fin/$f.json: warning: .*未填写" <<<"$err" || true)
        [ "$n" -gt 0 ] || fail "-j $j: the warnings of $f.json are not printed"
    done
    assert_contains "$err" "$fin/c-bad.json: 2 errors, 1 warnings" "-j $j summary of c-bad"
    assert_contains "$err" "$fin/c-bad.json: error: 三、收到和处理政府信息公开申请情况 一、本年新收政府信息公开申请数量: 总计" "-j $j"
    assert_contains "$err" "$fin/d-broken.json: 0 errors, 0 warnings" "-j $j summary of d-broken"
    assert_contains "$err" "5 of 7 rendered, 2 failed" "-j $j summary"
    # -q: the summary lines and the rejected file's errors, no warnings of clean files
    batch_run "$WORKDIR/out-finq-j$j" "$fin" -j "$j" -q
    assert_contains "$err" "$fin/b-blank4.json: 0 errors, $nwarn warnings" "-q -j $j"
    assert_not_contains "$err" "$fin/b-blank4.json: warning" "-q -j $j"
    assert_contains "$err" "$fin/c-bad.json: error:" "-q -j $j"
    # --format json: one document on standard output
    rc=0
    "$NIANBAO" render --batch "$fin" -o "$WORKDIR/out-finj-j$j" -j "$j" --format json \
        >"$WORKDIR/fin-j$j.json" 2>"$WORKDIR/fin-j$j.stderr" || rc=$?
    [ "$rc" -eq 1 ] || fail "--format json -j $j: exit $rc, expected 1"
    python3 - "$WORKDIR/fin-j$j.json" "$fin" "$nwarn" <<'PY' || fail "--format json -j $j: wrong document"
import json, sys
d = json.load(open(sys.argv[1])); fin = sys.argv[2]; nwarn = int(sys.argv[3])
files = {f["file"]: f for f in d["files"]}
assert len(d["files"]) == 7 and d["failed"] == 2, d
assert d["errors"] == 2 and d["warnings"] == 5 * nwarn + 1, (d["errors"], d["warnings"])
for k in ["a-blank", "b-blank1", "b-blank2", "b-blank3", "b-blank4"]:
    f = files[f"{fin}/{k}.json"]
    assert f["status"] == "rendered" and f["error"] is None and f["warnings"] == nwarn, f
    assert sum(x["severity"] == "warning" for x in f["findings"]) == nwarn, f
    assert any(x["rule"] == "value.blank" for x in f["findings"]), f
bad = files[f"{fin}/c-bad.json"]
assert bad["status"] == "failed" and bad["errors"] == 2 and "--force" in bad["error"], bad
assert [x["severity"] for x in bad["findings"]].count("error") == 2, bad
br = files[f"{fin}/d-broken.json"]
assert br["status"] == "failed" and br["findings"] == [] and "d-broken.json:1:" in br["error"], br
PY
done
cmp "$WORKDIR/fin-j1.json" "$WORKDIR/fin-j2.json" || fail "--format json differs between -j 1 and -j 2"
for f in a-blank b-blank4; do
    cmp "$WORKDIR/out-fin-j2/$f.pdf" "$WORKDIR/out-fin-j1/$f.pdf" || fail "$f.pdf differs between -j 1 and -j 2"
done
# the workers write no temporary files (their findings come back on their pipes)
[ -z "$(ls -A "$TMPDIR")" ] || fail "temporary files left in TMPDIR: $(ls -A "$TMPDIR")"

# Long findings arrive whole from the workers: a report with every table cell blank and
# 200 paragraphs left as 【请填写】 has about 100 KB of findings text and 125 KB of JSON,
# more than a pipe write is atomic (4096 bytes) and more than a pipe holds (64 KiB).  With
# --preprocess-fonts never the parent renders only a.json (the first file, it renders)
# before forking, so the long ones are rendered by the workers.
lng=$WORKDIR/long
rm -rf "$lng" && mkdir -p "$lng"
cp "$SRCDIR/samples/real-2021.json" "$lng/a.json"
python3 - "$SRCDIR/samples/real-2021.json" "$lng/b-long.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
def blank(x):
    if isinstance(x, dict):
        return {k: blank(v) for k, v in x.items()}
    return None if isinstance(x, (int, float)) and not isinstance(x, bool) else x
for k in ("active", "applications", "reviews"):
    d[k] = blank(d[k])
d["sections"]["problems"] += ["第%d项工作：【请填写】。" % k for k in range(1, 201)]
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
cp "$lng/b-long.json" "$lng/c-long.json"
for k in 1 2 3; do cp "$SRCDIR/samples/real-2021.json" "$lng/d$k.json"; done
for f in a b-long c-long d1; do
    "$NIANBAO" check "$lng/$f.json" >"$WORKDIR/long-$f.check.txt" || fail "check $f.json failed"
    "$NIANBAO" check "$lng/$f.json" --format json >"$WORKDIR/long-$f.check.json" ||
        fail "check --format json $f.json failed"
done
for ext in txt json; do
    size=$(wc -c <"$WORKDIR/long-b-long.check.$ext")
    [ "$size" -gt 65536 ] || fail "the long report's findings ($ext) are only $size bytes"
done

# same_findings OUT.stderr OUT.json FILE... — each FILE's findings in the batch's text
# (its lines on stderr, before its summary line) and JSON document are what `nianbao check`
# printed for it alone.
same_findings() {
    local errf=$1 doc=$2 f
    shift 2
    for f in "$@"; do
        grep -E "^$lng/$f.json: (warning|error|note): " "$errf" >"$WORKDIR/long-$f.batch.txt" || true
        cmp "$WORKDIR/long-$f.batch.txt" "$WORKDIR/long-$f.check.txt" ||
            fail "$f.json: the batch's findings text differs from nianbao check's ($errf)"
        python3 - "$doc" "$lng/$f.json" "$WORKDIR/long-$f.check.json" <<'PY' ||
import json, sys
d = json.load(open(sys.argv[1])); c = json.load(open(sys.argv[3]))
f = [x for x in d["files"] if x["file"] == sys.argv[2]][0]
assert f["status"] == "rendered", f["status"]
assert f["findings"] == c["findings"], "findings differ"
assert (f["errors"], f["warnings"]) == (c["errors"], c["warnings"]), (f["errors"], f["warnings"])
PY
            fail "$f.json: the batch's JSON findings differ from nianbao check --format json's ($doc)"
    done
}
for j in 1 2; do
    batch_run "$WORKDIR/out-long-j$j" "$lng" -j "$j" --preprocess-fonts never
    [ "$rc" -eq 0 ] || fail "long findings -j $j: exit $rc: $(tail -3 "$WORKDIR/out-long-j$j.stderr")"
    assert_contains "$err" "6 of 6 rendered, 0 failed" "long findings -j $j"
    "$NIANBAO" render --batch "$lng" -o "$WORKDIR/out-longj-j$j" -j "$j" --preprocess-fonts never \
        --format json >"$WORKDIR/long-j$j.json" 2>"$WORKDIR/long-j$j.stderr" ||
        fail "long findings --format json -j $j failed: $(tail -3 "$WORKDIR/long-j$j.stderr")"
    same_findings "$WORKDIR/out-long-j$j.stderr" "$WORKDIR/long-j$j.json" a b-long c-long d1
done
cmp "$WORKDIR/long-j1.json" "$WORKDIR/long-j2.json" ||
    fail "long findings: --format json differs between -j 1 and -j 2"

# A worker that dies: the test hook NIANBAO_BATCH_TEST_DIE=2 (src/cli/batch.c) has the
# worker rendering input 2 (c-long.json) write half of its record (over 100 KB, so the
# parent has read part of it) and kill itself.  That file counts as failed, not rendered,
# with no findings (the partial record is dropped); every other file is reported whole.
NIANBAO_BATCH_TEST_DIE=2 batch_run "$WORKDIR/out-die" "$lng" -j 2 --preprocess-fonts never
[ "$rc" -eq 1 ] || fail "dying worker: exit $rc, expected 1"
assert_contains "$err" "a worker died (signal 9)" "dying worker"
assert_contains "$err" "nianbao: failed: $lng/c-long.json: not rendered (its worker stopped)" "dying worker"
assert_contains "$err" "$lng/c-long.json: 0 errors, 0 warnings" "dying worker"
assert_not_contains "$err" "$lng/c-long.json: warning" "dying worker"
assert_contains "$err" "5 of 6 rendered, 1 failed" "dying worker summary"
NIANBAO_BATCH_TEST_DIE=2 "$NIANBAO" render --batch "$lng" -o "$WORKDIR/out-diej" -j 2 \
    --preprocess-fonts never --format json >"$WORKDIR/long-die.json" 2>"$WORKDIR/long-die.stderr" &&
    fail "dying worker, --format json: exit status 0"
same_findings "$WORKDIR/out-die.stderr" "$WORKDIR/long-die.json" a b-long d1
python3 - "$WORKDIR/long-die.json" "$lng" <<'PY' || fail "dying worker: wrong --format json document"
import json, sys
d = json.load(open(sys.argv[1])); lng = sys.argv[2]
files = {f["file"]: f for f in d["files"]}
assert len(files) == 6 and d["failed"] == 1, d["failed"]
c = files[f"{lng}/c-long.json"]
assert c["status"] == "not_rendered" and c["findings"] == [] and c["warnings"] == 0, c
assert [f["status"] for f in d["files"]].count("rendered") == 5
PY
# the hook is a worker's only: with -j 1 every file renders in the one process
NIANBAO_BATCH_TEST_DIE=2 batch_run "$WORKDIR/out-die-j1" "$lng" -j 1 --preprocess-fonts never
[ "$rc" -eq 0 ] || fail "-j 1 with the test hook set: exit $rc"

note "batch: folder and list, -j 1 and -j 2, preprocessed faces, outputs identical to single renders"
