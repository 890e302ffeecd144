# tests/e2e/bad_input.sh — every kind of bad input gets one clear error, the documented exit
# status, and leaves no output file behind (an earlier file at the output path stays as it was).
#
# Exit statuses (nianbao render --help): 1 the checker found errors; 2 bad input or usage.
# Each case below runs `nianbao render` (and, for data problems, `nianbao check`) and asserts
# the exit status, a piece of the message that names the problem and where it is, and that
# the PDF was not written.
#
# bad_input_zh.sh runs this script again under a Chinese locale (BAD_INPUT_LANG=zh): then,
# instead of the English needle, every message line must be Chinese (zh_message.py).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool python3

W=$WORKDIR
rm -rf "${W:?}"/*
SAMPLE=$SRCDIR/samples/baofeng-2020.json
COUNTY=$SRCDIR/samples/county-bureau-2021.json
NIMBUS=/usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf

# assert_message FILE NEEDLE — FILE holds the message NEEDLE quotes (English), or under
# BAD_INPUT_LANG=zh a message in Chinese: every line has Chinese words of its own (not only
# in the file names and excerpts it quotes) and no English sentence.
assert_message() {
    if [ "${BAD_INPUT_LANG:-}" = zh ]; then
        python3 "$SRCDIR/tests/e2e/zh_message.py" "$1" "$W" "$SRCDIR" ||
            fail "not a Chinese message: $1"
    else
        assert_file_contains "$1" "$2"
    fi
}

# expect_render NAME STATUS NEEDLE DATA [ARGS...] — render DATA to $W/NAME.pdf; the exit
# status must be STATUS, stderr must contain NEEDLE, and no $W/NAME.pdf (nor a temporary
# file beside it) may be left.
expect_render() {
    local name=$1 want=$2 needle=$3 data=$4
    shift 4
    local out="$W/$name.pdf" rc=0
    timeout 120 "$NIANBAO" render "$data" -o "$out" "$@" >"$W/$name.stdout" 2>"$W/$name.stderr" || rc=$?
    [ "$rc" -ne 124 ] || fail "$name: render hung (killed after 120 s)"
    [ "$rc" -eq "$want" ] || fail "$name: render exited $rc, expected $want: $(head -c 300 "$W/$name.stderr")"
    assert_message "$W/$name.stderr" "$needle"
    assert_file_absent "$out"
    local leftovers
    leftovers=$(find "$W" -maxdepth 1 -name "$name.pdf*" ! -name '*.stderr' ! -name '*.stdout')
    [ -z "$leftovers" ] || fail "$name: left behind: $leftovers"
    note "ok render $name: $(head -n 1 "$W/$name.stderr" | cut -c1-160)"
}

# expect_check NAME STATUS NEEDLE DATA — `nianbao check DATA`: status and message (stdout or
# stderr, since findings go to stdout and failures to stderr).
expect_check() {
    local name=$1 want=$2 needle=$3 data=$4 rc=0
    timeout 120 "$NIANBAO" check "$data" >"$W/$name.check" 2>&1 || rc=$?
    [ "$rc" -eq "$want" ] || fail "$name: check exited $rc, expected $want: $(head -c 300 "$W/$name.check")"
    assert_message "$W/$name.check" "$needle"
}

# mutate NAME PYTHON — writes $W/NAME.json: the county sample loaded as `d`, changed by the
# Python statement(s), dumped as UTF-8.
mutate() {
    python3 - "$COUNTY" "$W/$1.json" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, indent=1)
PY
}

# --- files that cannot be read -----------------------------------------------------------
expect_render missing 2 "$W/nope.json: cannot open: no such file" "$W/nope.json"
expect_check missing 2 "cannot open: no such file" "$W/nope.json"
mkdir -p "$W/a-folder.json"
expect_render folder 2 "a-folder.json: not a regular file" "$W/a-folder.json"
# A FIFO (or a terminal) is refused at once, never waited on: data, layout and font.
mkfifo "$W/pipe.json" "$W/pipe.otf"
expect_render fifo-data 2 "pipe.json: not a regular file" "$W/pipe.json"
expect_render fifo-layout 2 "pipe.json: not a regular file" "$SAMPLE" --layout "$W/pipe.json"
expect_render fifo-font 2 "font file $W/pipe.otf: not a regular file" "$SAMPLE" --font "body=$W/pipe.otf"
expect_render fifo-dump 2 "cannot write the box dump $W/pipe.json: not a regular file" "$SAMPLE" \
    --dump "$W/pipe.json"
expect_render dev-zero 2 "/dev/zero: not a regular file" /dev/zero
# A file that opens but cannot be read (even by root): /proc/self/mem fails at offset 0.
expect_render unreadable-mem 2 "/proc/self/mem: read error: Input/output error" /proc/self/mem
if [ "$(id -u)" -ne 0 ]; then # root reads anything; the folder case above covers it then
    cp "$SAMPLE" "$W/locked.json"
    chmod 000 "$W/locked.json"
    expect_render unreadable 2 "locked.json: cannot open: Permission denied" "$W/locked.json"
fi
expect_render missing-layout 2 "nope-layout.json: cannot open: no such file" "$SAMPLE" \
    --layout "$W/nope-layout.json"
expect_render missing-previous 2 "nope-prev.json: cannot open: no such file" "$SAMPLE" \
    --previous "$W/nope-prev.json"

# --- encoding ----------------------------------------------------------------------------
printf '{\n  "title": "ab\xffcd"\n}\n' >"$W/bad-utf8.json"
expect_render bad-utf8 2 "bad-utf8.json:2:15: invalid UTF-8 (byte 0xFF at offset 16)" "$W/bad-utf8.json"
expect_check bad-utf8 2 "invalid UTF-8" "$W/bad-utf8.json"
printf '{"title": "\xe4\xb8"}' >"$W/cut-utf8.json" # a character cut in half
expect_render cut-utf8 2 "cut-utf8.json:1:12: invalid UTF-8 (byte 0xE4" "$W/cut-utf8.json"
printf '{"title": "\xed\xa0\x80"}' >"$W/surrogate.json" # UTF-8-encoded surrogate
expect_render surrogate 2 "surrogate.json:1:12: invalid UTF-8 (byte 0xED" "$W/surrogate.json"
printf '\xef\xbb\xbf' >"$W/bom.json"
cat "$COUNTY" >>"$W/bom.json"
expect_render bom 2 "bom.json: starts with a byte-order mark (U+FEFF)" "$W/bom.json"
expect_check bom 2 "byte-order mark" "$W/bom.json"
printf '{"title": "a\0b"}' >"$W/nul.json"
expect_render nul 2 "nul.json:1:13: NUL byte in the file" "$W/nul.json"
printf '{"title": "a\\u0000b"}' >"$W/nul-escape.json"
expect_render nul-escape 2 'nul-escape.json:1:13: \u0000 (a NUL character) in a string' "$W/nul-escape.json"
# cJSON reads "\uZZZZ" as U+0000 and would drop the rest of the string: refused instead.
printf '{"title": "a\\uZZZZb"}' >"$W/bad-escape.json"
expect_render bad-escape 2 'bad-escape.json:1:13: invalid escape \uZZZZ in a string' "$W/bad-escape.json"
expect_check bad-escape 2 'invalid escape \uZZZZ' "$W/bad-escape.json"

# --- syntax ------------------------------------------------------------------------------
printf '{\n  "edition": "2021",\n  "year" 2021\n}\n' >"$W/syntax.json"
expect_render syntax 2 "syntax.json:3:10: JSON syntax error near '2021' — expected \":\" after the key" "$W/syntax.json"
expect_check syntax 2 "syntax.json:3:10: JSON syntax error" "$W/syntax.json"
printf '{"edition": "2021",\n "year": 2021,\n}' >"$W/trailing-comma.json"
expect_render trailing-comma 2 'trailing-comma.json:2:14: comma "," before "}" with nothing after it' \
    "$W/trailing-comma.json"
printf '{"edition": "2021", "year": ' >"$W/truncated.json"
expect_render truncated 2 "truncated.json:1:29: JSON syntax error: unexpected end of file" "$W/truncated.json"
printf '{"edition": "2021"} {}' >"$W/two-docs.json"
expect_render two-docs 2 "two-docs.json:1:21: JSON syntax error: text after the document" "$W/two-docs.json"
: >"$W/empty.json"
expect_render empty 2 "empty.json:1:1: JSON syntax error: unexpected end of file" "$W/empty.json"
printf '[1, 2]' >"$W/array.json"
expect_render array 2 "array.json: \$: expected a JSON object" "$W/array.json"

# --- numbers -----------------------------------------------------------------------------
for lit in NaN Infinity -Infinity; do
    sed "s/\"year\": 2021/\"year\": $lit/" "$COUNTY" >"$W/lit$lit.json"
    grep -q "\"year\": $lit" "$W/lit$lit.json" || fail "could not plant $lit"
    expect_render "lit$lit" 2 "JSON syntax error near '$lit" "$W/lit$lit.json"
    assert_message "$W/lit$lit.stderr" "— NaN and Infinity are not JSON numbers: write a number"
done
sed 's/"year": 2021/"year": 1e999/' "$COUNTY" >"$W/e999.json"
expect_render e999 2 'e999.json: $.year: number out of range' "$W/e999.json"
# Counts: wrong type, negative, fraction, beyond 2^53.  The checker names path and value.
mutate string-count 'd["applications"]["new"]["natural"] = "3"'
expect_render string-count 1 "error(s) found by the checker; nothing rendered" "$W/string-count.json"
assert_file_contains "$W/string-count.stderr" '应为非负整数，实为 字符串 "3"  [applications.new.natural]'
expect_check string-count 1 '[applications.new.natural]' "$W/string-count.json"
mutate negative-count 'd["applications"]["new"]["natural"] = -2'
expect_render negative-count 1 "实为 -2（为负数）  [applications.new.natural]" "$W/negative-count.json"
mutate fraction-count 'd["applications"]["new"]["natural"] = 2.5'
expect_render fraction-count 1 "实为 2.5（不是整数）  [applications.new.natural]" "$W/fraction-count.json"
mutate huge-count 'd["applications"]["new"]["natural"] = 9007199254740993' # 2^53 + 1
grep -q 9007199254740993 "$W/huge-count.json" || fail "could not plant a huge count"
expect_render huge-count 1 "（超出 2^53−1，无法精确表示）" "$W/huge-count.json"
mutate object-count 'd["applications"]["new"]["natural"] = {"n": 1}'
expect_render object-count 1 "[applications.new.natural]" "$W/object-count.json"
# A wrong type in the structure is a checker error like the others (all of them listed).
mutate string-title 'd["title"] = 42'
expect_render string-title 1 '标题: 应为非空文字（带引号的字符串），实为 42  [title]' "$W/string-title.json"
expect_check string-title 1 '[title]' "$W/string-title.json"

# --- limits ------------------------------------------------------------------------------
# The object is level 1, so 64 brackets inside it make 65 levels.
python3 -c "print('{\"a\":' + '[' * 64 + ']' * 64 + '}')" >"$W/deep.json"
expect_render deep 2 "deep.json:1:69: nested more than 64 levels deep" "$W/deep.json"
expect_check deep 2 "nested more than 64 levels deep" "$W/deep.json"
python3 -c "print('{\"a\":' + '[' * 63 + ']' * 63 + '}')" >"$W/deep64.json" # at the limit: read
expect_check deep64 2 "deep64.json: \$.edition: missing" "$W/deep64.json"
mutate long-string 'd["title"] = "年" * (10 * 1024 * 1024 // 3 + 1)'
expect_render long-string 2 'long-string.json: $.title: string of 10485762 bytes, more than the limit of 1048576 (1 MiB)' \
    "$W/long-string.json"
expect_check long-string 2 'string of 10485762 bytes' "$W/long-string.json"
mutate long-paragraph 'd["sections"]["overview"][0] = "x" * (1024 * 1024 + 1)'
expect_render long-paragraph 2 '$.sections.overview[0]: string of 1048577 bytes' "$W/long-paragraph.json"
# Half a million combining accents on one letter: shaping such a run takes time quadratic in
# its length (minutes), so strings are held to Unicode's stream-safe 30 marks in a row.
mutate marks 'd["sections"]["overview"][1] = "e" + "\u0301" * 500000'
expect_render marks 2 'marks.json: $.sections.overview[1]: more than 30 combining marks in a row (from character 2)' \
    "$W/marks.json"
mutate long-key 'd["k" * (1024 * 1024 + 1)] = 1'
expect_render long-key 2 'long-key.json: $: a key of 1048577 bytes, more than the limit' "$W/long-key.json"
python3 -c "print('[' + ','.join(['0'] * 1000001) + ']')" >"$W/many.json"
expect_render many 2 "more than 1000000 values in one document" "$W/many.json"
python3 -c "
import sys; sys.stdout.write('{\"edition\": \"2021\", \"pad\": \"' + 'x' * (16 * 1024 * 1024) + '\"}')" >"$W/huge-file.json"
expect_render huge-file 2 "huge-file.json: file is 16777246 bytes, more than the limit of 16777216" "$W/huge-file.json"

# A 40,000-character issuing body is printed nowhere but the PDF's Author, which holds
# 32,000 UTF-16 units at most (libharu refuses longer strings): refused naming its path,
# never cut.  So is a 100,000-character title (it would be cut in the Info dictionary and
# the outline).
mutate long-body 'd["body"] = "某" * 40000'
expect_render long-body 2 'long-body.json: $.body: 40000 UTF-16 units, more than the PDF' "$W/long-body.json"
mutate long-title 'd["title"] = "题" * 100000'
expect_render long-title 2 'long-title.json: $.title: 100000 UTF-16 units' "$W/long-title.json"

# --- unknown keys: a warning naming the key, the render goes on ----------------------------
mutate typo 'd["titel"] = d["title"]; d["signature"]["dte"] = "2022-01-20"'
rc=0
"$NIANBAO" render "$W/typo.json" -o "$W/typo.pdf" 2>"$W/typo.stderr" || rc=$?
[ "$rc" -eq 0 ] || fail "typo: a misspelt key is a warning, yet render exited $rc"
assert_file_contains "$W/typo.stderr" '未知的键“titel”（是否应为“title”？）  [titel]'
assert_file_contains "$W/typo.stderr" '[signature.dte]'
assert_pdf "$W/typo.pdf"
expect_check typo 0 '未知的键“titel”' "$W/typo.json"

# --- fonts -------------------------------------------------------------------------------
FANG=$SRCDIR/deps/fandol/FandolFang-Regular.otf
[ -f "$FANG" ] || fail "Fandol fonts missing: scripts/dev setup"
head -c 100000 "$FANG" >"$W/cut.otf"
expect_render font-truncated 2 "font file $W/cut.otf: truncated or corrupt" "$COUNTY" --font "body=$W/cut.otf"
python3 -c "
import random, sys
r = random.Random(6)  # fixed noise, so the test always sees the same bytes
noise = bytes(r.randrange(1, 256) for _ in range(4096))
open(sys.argv[1], 'wb').write(noise)
open(sys.argv[2], 'wb').write(b'OTTO' + noise)
# a real font's table directory with the tables cut away
open(sys.argv[3], 'wb').write(open(sys.argv[4], 'rb').read(300))" \
    "$W/noise.ttf" "$W/noise-otto.otf" "$W/header-only.otf" "$FANG"
expect_render font-noise 2 "font file $W/noise.ttf: not a font" "$COUNTY" --font "body=$W/noise.ttf"
expect_render font-noise-otto 2 "font file $W/noise-otto.otf: truncated" "$COUNTY" --font "body=$W/noise-otto.otf"
expect_render font-header-only 2 "font file $W/header-only.otf: truncated or corrupt" "$COUNTY" \
    --font "body=$W/header-only.otf"
# Tables intact, contents scrambled: 200 noise bytes every 50,000.
python3 - "$FANG" "$W/scrambled.otf" <<'PY'
import random, sys
r = random.Random(7)
d = bytearray(open(sys.argv[1], "rb").read())
for off in range(20000, len(d) - 200, 50000):
    d[off:off + 200] = bytes(r.randrange(256) for _ in range(200))
open(sys.argv[2], "wb").write(d)
PY
# Noise inside glyph outlines cannot always be told from odd outlines: nianbao either refuses
# the font (naming it, no output) or writes a PDF that is still sound (qpdf, Ghostscript).
rc=0
"$NIANBAO" render "$COUNTY" -o "$W/scrambled.pdf" --font "body=$W/scrambled.otf" -q \
    2>"$W/scrambled.stderr" || rc=$?
if [ "$rc" -eq 0 ]; then
    require_tool qpdf gs
    qpdf --check "$W/scrambled.pdf" >/dev/null || fail "font-scrambled: qpdf finds the PDF broken"
    gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=nullpage "$W/scrambled.pdf" >"$W/gs.out" 2>&1 ||
        fail "font-scrambled: Ghostscript cannot render the PDF: $(head -c 300 "$W/gs.out")"
    [ ! -s "$W/gs.out" ] || fail "font-scrambled: Ghostscript complains: $(head -c 300 "$W/gs.out")"
    note "ok render font-scrambled: accepted, and the PDF is sound"
else
    [ "$rc" -eq 2 ] || fail "font-scrambled: render exited $rc"
    assert_message "$W/scrambled.stderr" "scrambled.otf"
    assert_file_absent "$W/scrambled.pdf"
    note "ok render font-scrambled: $(head -n 1 "$W/scrambled.stderr")"
fi
: >"$W/zero.ttf"
expect_render font-empty 2 "font file $W/zero.ttf: not a font (only 0 bytes)" "$COUNTY" --font "body=$W/zero.ttf"
expect_render font-missing 2 "font file not found: $W/nope.ttf" "$COUNTY" --font "body=$W/nope.ttf"
expect_render font-syntax 2 "--font body: expected ROLE=FILE or ROLE=FAMILY" "$COUNTY" --font "body"
expect_render font-family 2 "family 'NoSuchFamilyNianbao' not found (fontconfig has no such font)" \
    "$COUNTY" --font "body=NoSuchFamilyNianbao"
# A data folder whose font map gives the body role only faces that do not exist: the
# message lists each one tried and why it gave nothing.
mkdir -p "$W/nofont/fonts"
cp -r "$SRCDIR/layouts" "$W/nofont/"
python3 - "$SRCDIR/fonts/fontmap.json" "$W/nofont/fonts/fontmap.json" "$W" <<'PY'
import json, sys
m = json.load(open(sys.argv[1], encoding="utf-8"))
m["roles"]["body"] = {"candidates": [{"file": sys.argv[3] + "/none.otf"},
                                     {"family": "NoSuchFamilyNianbao", "style": "Bold"}]}
json.dump(m, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
NIANBAO_DATADIR=$W/nofont expect_render font-role-none 2 \
    "no font for role 'body': tried file $W/none.otf (font file not found: $W/none.otf); family 'NoSuchFamilyNianbao' style Bold (fontconfig has no such font)" \
    "$COUNTY"
# A layout whose font map has one Latin-only font and no fallback: Chinese cannot be set.
if [ -f "$NIMBUS" ]; then
    python3 - "$SRCDIR/layouts/gov-annual-2021.json" "$W/latin-layout.json" "$NIMBUS" <<'PY'
import json, sys
lay = json.load(open(sys.argv[1], encoding="utf-8"))
roles = {r: {"candidates": [{"file": sys.argv[3]}]}
         for r in ["title", "body", "heading1", "heading2", "table", "pagenum"]}
json.dump({"roles": roles}, open(sys.argv[2] + ".fontmap", "w"))
lay["fontmap"] = sys.argv[2] + ".fontmap"
json.dump(lay, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
    expect_render no-glyphs 2 "county-bureau-2021.json: \$.title: no font of role title has U+9752 '青' (byte offset 0)" \
        "$COUNTY" --layout "$W/latin-layout.json"
    # A private-use character is in no font at all, whatever the chain.
    mutate private-use 'd["sections"]["overview"][0] += "\ue000"'
    expect_render private-use 2 "\$.sections.overview[0]: no font of role body has U+E000" "$W/private-use.json"
else
    note "skip no-glyphs: $NIMBUS not installed"
fi

# --- output ------------------------------------------------------------------------------
expect_out() { # expect_out NAME OUT NEEDLE
    local rc=0
    "$NIANBAO" render "$COUNTY" -o "$2" 2>"$W/$1.stderr" || rc=$?
    [ "$rc" -eq 2 ] || fail "$1: render exited $rc, expected 2"
    assert_message "$W/$1.stderr" "$3"
    note "ok render $1: $(head -n 1 "$W/$1.stderr")"
}
expect_out out-no-folder "$W/no/such/folder/x.pdf" "cannot write $W/no/such/folder/x.pdf: No such file or directory"
assert_file_absent "$W/no"
touch "$W/plain-file"
expect_out out-under-file "$W/plain-file/x.pdf" "cannot write $W/plain-file/x.pdf: Not a directory"
expect_out out-is-folder "$W" "cannot write $W: Is a directory"
expect_out out-proc /proc/nianbao-test.pdf "cannot write /proc/nianbao-test.pdf"
if [ "$(id -u)" -ne 0 ]; then
    mkdir -p "$W/ro" && chmod 555 "$W/ro"
    expect_out out-read-only "$W/ro/x.pdf" "cannot write $W/ro/x.pdf: Permission denied"
    [ -z "$(ls -A "$W/ro")" ] || fail "out-read-only: something was written"
fi
# A device or FIFO at the output path is refused: the atomic rename would replace it.
mkfifo "$W/out-fifo"
expect_out out-fifo "$W/out-fifo" "refusing to write $W/out-fifo: not a regular file"
[ -p "$W/out-fifo" ] || fail "out-fifo: the FIFO was replaced"
# (Devices such as /dev/null take the same path; not tested here, since a regression would
# replace the machine's /dev/null with a PDF when the suite runs as root.)
expect_out out-is-input "$COUNTY" "" # refuses to overwrite its own input
cmp -s "$COUNTY" "$SRCDIR/samples/county-bureau-2021.json" || fail "the input was changed"

# --- command line -----------------------------------------------------------------------
usage() { # usage NAME NEEDLE ARGS... — nianbao ARGS exits 2 with NEEDLE on stderr
    local name=$1 needle=$2 rc=0
    shift 2
    (cd "$W" && timeout 60 "$NIANBAO" "$@" >"$W/$name.stdout" 2>"$W/$name.stderr") || rc=$?
    [ "$rc" -eq 2 ] || fail "$name: nianbao $* exited $rc, expected 2"
    assert_message "$W/$name.stderr" "$needle"
}
[ "${BAD_INPUT_LANG:-}" = zh ] || usage no-command "usage: nianbao <command>" # the usage text: English
usage bad-command "unknown command 'rendr'" rendr "$SAMPLE"
usage no-output "render: no output folder given" render --batch "$W"
usage no-data "render: no data file given" render -o x.pdf
usage two-data "render: more than one data file" render "$SAMPLE" "$SAMPLE" -o x.pdf
usage bad-option "render: unknown option or missing value: --colour" render "$SAMPLE" --colour -o x.pdf
usage no-value "render: unknown option or missing value: --layout" render "$SAMPLE" -o x.pdf --layout
usage jobs-text "render: -j takes 1 to 64" render --batch "$W" -o out -j many
usage jobs-huge "render: -j takes 1 to 64" render --batch "$W" -o out -j 99999999999999999999
usage check-format "check: --format takes text or json" check "$SAMPLE" --format xml
usage batch-fifo "--batch $W/pipe.json: expected a folder or a list file" render --batch "$W/pipe.json" -o "$W/batch-fifo-out"
usage check-none "check: no data file given" check
[ -z "$(find "$W" -maxdepth 1 -name 'x.pdf*')" ] && [ ! -e "$W/out" ] || fail "a usage error wrote output"

# A failed render leaves an earlier PDF at the output path exactly as it was.
printf 'an earlier file\n' >"$W/earlier.pdf"
rc=0
"$NIANBAO" render "$W/syntax.json" -o "$W/earlier.pdf" 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "earlier: render exited $rc"
[ "$(cat "$W/earlier.pdf")" = "an earlier file" ] || fail "earlier: the earlier file was changed"
[ -z "$(find "$W" -maxdepth 1 -name 'earlier.pdf?*')" ] || fail "earlier: temporary files left"

note "all bad inputs rejected"
