# tests/e2e/valgrind_render.sh — the end-to-end render under valgrind memcheck: no invalid
# reads or writes, no use of uninitialised values, and nothing definitely or indirectly lost.
#
# "Still reachable" blocks are allowed: fontconfig and glib keep process-wide caches that
# they never free by design.  No suppressions are used.  Also runs a failing render (a
# checker error) and a data file with every kind of value, since error paths leak most.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
if grep -qa __asan_init "$NIANBAO"; then # the build-asan suite
    note "skipped: $NIANBAO is built with AddressSanitizer (valgrind cannot run an AddressSanitizer binary, and ASan checks the same things)"
    exit 77
fi
require_tool valgrind

W=$WORKDIR
rm -rf "${W:?}"/*
vg() { # vg NAME WANT_STATUS ARGS... — nianbao under memcheck; its own exit status must be WANT
    local name=$1 want=$2 rc=0
    shift 2
    valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --show-leak-kinds=definite,indirect --track-origins=yes --log-file="$W/$name.vg" \
        "$NIANBAO" "$@" >"$W/$name.out" 2>"$W/$name.err" || rc=$?
    if [ "$rc" -eq 99 ] || [ -s "$W/$name.vg" ]; then
        cat "$W/$name.vg" >&2
        fail "$name: valgrind found errors (see above)"
    fi
    [ "$rc" -eq "$want" ] || fail "$name: nianbao exited $rc under valgrind, expected $want: $(head -c 300 "$W/$name.err")"
    note "ok $name: memcheck clean (exit $rc)"
}

vg render-2019 0 render "$SRCDIR/samples/baofeng-2020.json" -o "$W/baofeng.pdf" -q
assert_pdf "$W/baofeng.pdf"
vg render-2021 0 render "$SRCDIR/samples/pair-2022.json" --previous "$SRCDIR/samples/pair-2021.json" \
    -o "$W/pair.pdf" -q
assert_pdf "$W/pair.pdf"
vg checker-error 1 render "$SRCDIR/tests/data/check/row-total.json" -o "$W/row-total.pdf"
assert_file_absent "$W/row-total.pdf"
printf '{"edition": "2021", "title": [1, {"a": null}], "x\xff": 1}' >"$W/bad.json"
vg bad-utf8 2 render "$W/bad.json" -o "$W/bad.pdf"
vg check-json 1 check "$SRCDIR/tests/data/check/row-total.json" --format json
