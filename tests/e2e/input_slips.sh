# tests/e2e/input_slips.sh — the slips of office clerks typing a report with a Chinese input
# method each get a message they can act on (issue 15): the file, line and column, what is
# wrong, what JSON expected there and the likely fix, with the slip named (full-width
# punctuation or digits, a Chinese date, 缺少逗号？, 请另存为 UTF-8).
#
# Each file under tests/data/slips/ is samples/county-bureau-2021.json with one slip typed
# into it (or saved in another encoding).  For each, `nianbao render FILE -o X.pdf` must exit
# 2, print the expected message, and leave no X.pdf (nor a temporary file beside it);
# `nianbao check FILE` must exit 2 with the same message.  Every message must be valid UTF-8
# (no excerpt cut inside a character).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool python3

W=$WORKDIR
rm -rf "${W:?}"/*
SLIPS=$SRCDIR/tests/data/slips
FIX='retype it with the input method in English mode (or press Shift to switch)'

# slip NAME NEEDLE — tests/data/slips/NAME.json: render and check fail with NEEDLE.
slip() {
    local name=$1 needle=$2 data="$SLIPS/$1.json" out="$W/$1.pdf" rc=0
    [ -f "$data" ] || fail "$name: test file missing: $data"
    timeout 120 "$NIANBAO" render "$data" -o "$out" >"$W/$name.stdout" 2>"$W/$name.stderr" || rc=$?
    [ "$rc" -ne 124 ] || fail "$name: render hung (killed after 120 s)"
    [ "$rc" -eq 2 ] || fail "$name: render exited $rc, expected 2: $(head -c 400 "$W/$name.stderr")"
    assert_file_contains "$W/$name.stderr" "nianbao: $data:"
    assert_file_contains "$W/$name.stderr" "$needle"
    assert_file_absent "$out"
    local leftovers
    leftovers=$(find "$W" -maxdepth 1 -name "$name.pdf*")
    [ -z "$leftovers" ] || fail "$name: render left behind: $leftovers"
    python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$W/$name.stderr" ||
        fail "$name: the message is not valid UTF-8"
    rc=0
    timeout 120 "$NIANBAO" check "$data" >"$W/$name.check" 2>&1 || rc=$?
    [ "$rc" -eq 2 ] || fail "$name: check exited $rc, expected 2: $(head -c 400 "$W/$name.check")"
    cmp -s "$W/$name.stderr" "$W/$name.check" ||
        fail "$name: check says '$(head -c 300 "$W/$name.check")', render '$(head -c 300 "$W/$name.stderr")'"
    note "ok $name: $(head -n 1 "$W/$name.stderr" | sed "s|$SLIPS/||" | cut -c1-200)"
}

slip fullwidth-comma "fullwidth-comma.json:71:20: full-width comma \"，\" used between values — JSON needs the ASCII comma \",\"; $FIX"
slip fullwidth-colon "fullwidth-colon.json:71:16: full-width colon \"：\" after a key — JSON needs the ASCII colon \":\"; $FIX"
slip fullwidth-quotes "fullwidth-quotes.json:71:7: full-width quotation mark “ where a key or text should begin — JSON needs the ASCII double quote \" around keys and text"
slip fullwidth-closing-quote "fullwidth-closing-quote.json:71:15: full-width quotation mark ” ends the key or text begun at line 71, column 7 — JSON needs the ASCII double quote \"; $FIX"
slip fullwidth-digits "fullwidth-digits.json:71:18: full-width digits ５９ — use ASCII digits 59"
slip fullwidth-space "fullwidth-space.json:71:17: full-width space (U+3000) outside quotes"
slip fullwidth-bracket "fullwidth-bracket.json:65:13: full-width bracket ｛ — JSON needs the ASCII bracket \"{\"; $FIX"
slip chinese-date "chinese-date.json:331:13: date 2022年1月23日 written without quotes — JSON dates are text in the form \"YYYY-MM-DD\"; write \"2022-01-23\""
# The comma is missing after 59 on line 71: the message points at the end of that line.
slip missing-comma "missing-comma.json:71:20: expected \",\" or \"}\" after this value — 缺少逗号？ a comma is probably missing at the end of line 71, before the next item on line 72"
slip trailing-comma "trailing-comma.json:326:17: comma \",\" before \"}\" with nothing after it — JSON allows no comma after the last item; delete this comma"
slip unquoted-amount "unquoted-amount.json:66:17: a number followed by text near '86.42万元' — a JSON number stands alone"
slip unclosed-quote "unclosed-quote.json:72:23: the key or text begun at line 72, column 7 is not closed on its line — a closing quote \" is probably missing at the end of line 72"
slip gbk "gbk.json:3:12: the file is not UTF-8 (it looks like GBK/GB18030, the encoding of older Chinese Windows programs) — save it as UTF-8 (请另存为 UTF-8)"
slip utf16 "utf16.json:1:1: the file is UTF-16 (\"Unicode\" in Notepad), not UTF-8 — save it as UTF-8 (请另存为 UTF-8)"

# Every file in the folder is tested above (a new slip file needs its expected message).
for f in "$SLIPS"/*.json; do
    n=$(basename "$f" .json)
    [ -f "$W/$n.check" ] || fail "tests/data/slips/$n.json has no expected message in input_slips.sh"
done

# The slip files are the sample with one slip each: the sample itself renders (so each
# failure above comes from the slip, not from the rest of the file).
rc=0
"$NIANBAO" render "$SRCDIR/samples/county-bureau-2021.json" -o "$W/sample.pdf" -q 2>"$W/sample.stderr" || rc=$?
[ "$rc" -eq 0 ] || fail "the sample itself fails ($rc): $(head -c 300 "$W/sample.stderr")"
assert_pdf "$W/sample.pdf"

note "all input-method slips named"
