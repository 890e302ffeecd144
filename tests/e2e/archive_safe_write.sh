# tests/e2e/archive_safe_write.sh — output is written safely or not at all.
#
# A good render leaves out.pdf; a copy is kept. Then each failure must exit non-zero, say why
# on stderr, leave out.pdf byte-identical to the copy (cmp) and leave no temporary file:
#   - the output folder is unwritable: chmod 555 (as root, the render runs as `nobody` via
#     setpriv, since root writes anyway); and paths whose parent is a regular file, does not
#     exist, or is in /proc;
#   - the render fails midway: a font that does not exist (--font body=...), a character no
#     font has (private use U+E000);
#   - -o names the data file (also through a symlink and a roundabout path), the --layout file
#     or the --previous file: refused, the input unchanged.
# Also: -o - writes the same bytes to standard output and nothing else; a failed -o - writes
# nothing; rewriting keeps the earlier file's permissions; a new file gets 0666 less the
# umask (027 here: 640), and the render never calls umask(2), which changes the whole
# process (strace, when installed).

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool cmp python3
unset SOURCE_DATE_EPOCH
cd "$WORKDIR"
rm -rf out && mkdir out
data=$SRCDIR/samples/baofeng-2020.json
cp "$data" out/data.json
data=$WORKDIR/out/data.json
cp "$data" data.orig

render_ok "$data" out/out.pdf -q
cp out/out.pdf keep.pdf
listing() { ls -A "$1" | sort | tr '\n' ' '; }
before=$(listing out)

# expect_refusal WHAT NEEDLE CMD... — CMD fails, its stderr has NEEDLE, out/out.pdf and the
# data are unchanged, and the folder holds the same files as before.
expect_refusal() {
    local what=$1 needle=$2 rc=0
    shift 2
    "$@" 2>err.txt >stdout.txt || rc=$?
    [ "$rc" -ne 0 ] || fail "$what: exited 0"
    assert_file_contains err.txt "$needle"
    cmp -s out/out.pdf keep.pdf || fail "$what: the earlier out/out.pdf changed"
    cmp -s "$data" data.orig || fail "$what: the data file changed"
    [ "$(listing out)" = "$before" ] || fail "$what: files in out/ changed: $(listing out) (was $before)"
    [ ! -s stdout.txt ] || fail "$what: wrote to standard output"
}

# ---- unwritable folder ----------------------------------------------------------------------
as_user=()
if [ "$(id -u)" -eq 0 ]; then
    require_tool setpriv
    chmod o+rx "$WORKDIR" && chmod o+r "$data"
    as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
    # nobody must be able to reach the binary, the data, the layouts and the fonts
    if ! "${as_user[@]}" "$NIANBAO" render "$data" -o - -q >/dev/null 2>probe.err; then
        note "as nobody the render cannot run ($(head -c 200 probe.err)); unwritable-folder case skipped"
        as_user=(skip)
    fi
fi
if [ "${as_user[0]:-}" != skip ]; then
    chmod 555 out
    expect_refusal "unwritable folder" "cannot write $WORKDIR/out/out.pdf" \
        "${as_user[@]}" "$NIANBAO" render "$data" -o "$WORKDIR/out/out.pdf" -q
    chmod 755 out
fi
: >afile
expect_refusal "parent is a file" "cannot write afile/out.pdf" \
    "$NIANBAO" render "$data" -o afile/out.pdf -q
expect_refusal "parent missing" "cannot write nowhere/out.pdf" \
    "$NIANBAO" render "$data" -o nowhere/out.pdf -q
expect_refusal "parent in /proc" "cannot write /proc/self/out.pdf" \
    "$NIANBAO" render "$data" -o /proc/self/out.pdf -q
assert_file_absent afile/out.pdf

# ---- a render that fails midway -------------------------------------------------------------
expect_refusal "missing font" "/nonexistent/nofont.otf" \
    "$NIANBAO" render "$data" -o out/out.pdf -q --font body=/nonexistent/nofont.otf
python3 - "$data" pua.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["opening"][0] = "本报告\ue000依据"
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
expect_refusal "missing glyph" "U+E000" "$NIANBAO" render pua.json -o out/out.pdf -q

# ---- -o naming an input ---------------------------------------------------------------------
expect_refusal "-o data" "refusing to write" "$NIANBAO" render "$data" -o "$data" -q
ln -sf data.json out/alias.json
before=$(listing out)
expect_refusal "-o symlink to data" "refusing to write" "$NIANBAO" render "$data" -o out/alias.json -q
mkdir -p sub
expect_refusal "-o roundabout data path" "refusing to write" \
    "$NIANBAO" render out/data.json -o sub/../out/./data.json -q
cp "$SRCDIR/layouts/gov-annual-2019.json" layout.json
sed -i "s#\"../fonts/fontmap.json\"#\"$SRCDIR/fonts/fontmap.json\"#" layout.json
cp layout.json layout.orig
expect_refusal "-o layout" "refusing to write" \
    "$NIANBAO" render "$data" --layout layout.json -o layout.json -q
cmp -s layout.json layout.orig || fail "the layout file changed"
cp "$data" prev.json
expect_refusal "-o previous" "refusing to write" \
    "$NIANBAO" render "$data" --previous prev.json -o prev.json -q --force
cmp -s prev.json "$data" || fail "the --previous file changed"

# ---- -o - -----------------------------------------------------------------------------------
"$NIANBAO" render "$data" -o - -q >stdout.pdf 2>err.txt || fail "-o - failed: $(cat err.txt)"
cmp stdout.pdf keep.pdf || fail "-o - wrote other bytes than -o FILE"
rc=0
"$NIANBAO" render pua.json -o - -q >stdout.pdf 2>err.txt || rc=$?
[ "$rc" -ne 0 ] || fail "-o - with a missing glyph exited 0"
[ ! -s stdout.pdf ] || fail "a failed -o - wrote $(stat -c %s stdout.pdf) bytes to standard output"

# ---- rewriting keeps the permissions, replaces the content ------------------------------------
chmod 640 out/out.pdf
SOURCE_DATE_EPOCH=1700000000 render_ok "$data" out/out.pdf -q
[ "$(stat -c %a out/out.pdf)" = 640 ] || fail "rewrite changed the mode to $(stat -c %a out/out.pdf)"
! cmp -s out/out.pdf keep.pdf || fail "the rewrite did not replace the file"
[ "$(listing out)" = "$before" ] || fail "temporary files left in out/: $(listing out)"

# ---- a new file: 0666 less the umask, and the umask is never set ------------------------------
(umask 027 && render_ok "$data" out/new.pdf -q)
mode=$(stat -c %a out/new.pdf)
[ "$mode" = 640 ] || fail "a new file under umask 027 has mode $mode, not 640"
cmp -s out/new.pdf keep.pdf || fail "out/new.pdf differs from the first render"
rm -f out/new.pdf
if command -v strace >/dev/null 2>&1; then
    # LeakSanitizer cannot run under ptrace (the ASan build)
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        strace -f -qq -e trace=umask -o umask.trace "$NIANBAO" render "$data" -o out/traced.pdf -q ||
        fail "render under strace failed"
    [ -s out/traced.pdf ] || fail "render under strace wrote no PDF"
    ! grep -q 'umask(' umask.trace || fail "the render called umask: $(head -3 umask.trace)"
    rm -f out/traced.pdf
else
    note "strace not installed: the no-umask check is skipped"
fi
note "failed and refused writes leave the earlier file; -o - writes the same bytes"
