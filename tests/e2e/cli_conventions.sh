# tests/e2e/cli_conventions.sh — the command-line conventions of issue 15: `render X.json`
# without -o writes X.pdf beside it; `-o -` refuses to write a PDF to a terminal (exit 2,
# nothing written) but writes it into a pipe; `check --format json` gives a JSON document
# with the error ({"file", "error": {"code", "message"}, "findings": [], ...}, exit 2) for a
# missing, a malformed and a GBK-encoded file, and for a missing or malformed --previous.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool python3 script cmp
cd "$WORKDIR"
rm -rf d && mkdir d
cp "$SRCDIR/samples/county-bureau-2021.json" d/county.json
cp "$SRCDIR/samples/county-bureau-2021.json" d/noext

# Without -o: DATA.pdf beside DATA.json, whatever the current folder.
"$NIANBAO" render d/county.json -q || fail "render without -o exited $?"
assert_pdf d/county.pdf
render_ok d/county.json single.pdf -q
cmp d/county.pdf single.pdf || fail "d/county.pdf differs from the render with -o"
(cd /tmp && "$NIANBAO" render "$WORKDIR/d/noext" -q) || fail "render of a name without .json exited $?"
assert_pdf d/noext.pdf
cmp -s d/noext "$SRCDIR/samples/county-bureau-2021.json" || fail "the input without .json was changed"

# -o - on a terminal (a pseudo-terminal from script(1)): refused, nothing written.
rm -f tty.out
rc=0
script -qec "'$NIANBAO' render d/county.json -o - -q" tty.out >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "render -o - on a terminal exited $rc, expected 2"
assert_file_contains tty.out "will not write a PDF to a terminal"
if grep -q '%PDF' tty.out; then fail "a PDF was written to the terminal"; fi
# ... and into a pipe it is the PDF.
"$NIANBAO" render d/county.json -o - -q | cat >piped.pdf
cmp piped.pdf single.pdf || fail "render -o - | cat differs from the render with -o"

# check --format json: a JSON document whatever the input, exit 2 when it cannot be read.
printf '{"edition": "2021", "body": ' >d/malformed.json
python3 -c '
import json
d = json.load(open("d/county.json"))
open("d/gbk.json", "wb").write(json.dumps(d, ensure_ascii=False).encode("gbk"))'
check_json() { # check_json NAME CODE NEEDLE ARGS... — check ARGS --format json
    local name=$1 code=$2 needle=$3 rc=0
    shift 3
    "$NIANBAO" check "$@" --format json >"$name.json" 2>"$name.err" || rc=$?
    [ "$rc" -eq 2 ] || fail "$name: check exited $rc, expected 2"
    python3 - "$name.json" "$code" "$needle" "$1" <<'PY' || fail "$name: not the error document: $(cat "$name.json")"
import json, sys
path, code, needle, file = sys.argv[1:]
d = json.load(open(path, encoding="utf-8"))
assert d["file"] == file, d
assert d["error"]["code"] == code, d
assert needle in d["error"]["message"], d
assert d["findings"] == [] and d["errors"] == 0 and d["warnings"] == 0, d
assert set(d) == {"file", "error", "findings", "errors", "warnings"}, d
PY
}
check_json missing file "no such file" d/missing.json
check_json malformed input "malformed.json:1:" d/malformed.json
check_json gbk input "请另存为 UTF-8" d/gbk.json
check_json prev-missing file "(--previous): d/none.json" d/county.json --previous d/none.json
check_json prev-malformed input "malformed.json" d/county.json --previous d/malformed.json
# a readable file still gives the findings document
"$NIANBAO" check d/county.json --format json >ok.json || fail "check of a good file exited $?"
python3 -c '
import json; d = json.load(open("ok.json"))
assert "error" not in d and d["errors"] == 0, d'
note "render beside the input, -o - not on a terminal, check --format json on unreadable input"
