# tests/e2e/batch.sh — `nianbao render --batch`: a folder with three good reports and one
# broken file renders the three (byte for byte what single renders give), names the broken
# one, prints a summary and exits non-zero; a list file works the same; -j 1 and -j 2 give
# the same bytes; a folder of good files exits 0; faces preprocessed for subsetting
# (--preprocess-fonts always) give the same bytes too.
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

note "batch: folder and list, -j 1 and -j 2, preprocessed faces, outputs identical to single renders"
