# tests/e2e/archive_glyphs.sh — every character of the data reaches the PDF, or the render
# says exactly which one cannot.
#
# (1) A paragraph with 𠀀 (U+20000, CJK Extension B) and 䶮 (U+4DAE, Extension A), and a
#     title starting with 𠀀, and a subheading (heading2 role) ending 𠀀䶮: all are taken from a fallback font of the role's chain (the -v
#     notes name the character, its data path and the font, and that font is embedded), and
#     pdftotext returns them; the title with 𠀀 is the same in pdfinfo (Info, UTF-16 surrogate
#     pair) and in the XMP; the file still passes the PDF/A-1b checker (archive_pdfa.sh) and,
#     when installed, PDFBox Preflight.
#     Without -v there are no notes.
# (2) A private-use character (U+E000) that no font has: the render fails naming the code
#     point and the JSON path, and writes nothing; with --allow-missing-glyphs it is a
#     warning with the same details, the PDF is written and shows .notdef (CID 0) there,
#     and pdftotext still gives U+E000 at that place.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool pdftotext pdffonts pdfinfo qpdf python3
cd "$WORKDIR"
data=$SRCDIR/samples/baofeng-2020.json
PARA="人名𠀀与地名䶮都要显示。"

python3 - "$data" "$PARA" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["opening"][0] = sys.argv[2] + d["opening"][0]
d["title"] = "𠀀" + d["title"]
heads = [x for x in d["sections"]["overview"] if isinstance(x, dict) and "heading" in x]
heads[0]["heading"] += "𠀀䶮"
json.dump(d, open("extb.json", "w"), ensure_ascii=False)
d = json.load(open(sys.argv[1]))
d["opening"][0] = "本报告\ue000依据" + d["opening"][0]
json.dump(d, open("pua.json", "w"), ensure_ascii=False)
PY

# ---- (1) fallback beyond the BMP --------------------------------------------------------------
render_ok extb.json extb.pdf -q -v
notes=$(cat extb.pdf.stderr)
fonts=$(pdffonts extb.pdf)
for cp in "U+20000 '𠀀'" "U+4DAE '䶮'"; do
    line=$(printf '%s\n' "$notes" | grep -F "$cp" | grep -F '$.opening[0]' | head -1)
    [ -n "$line" ] || fail "-v gave no fallback note for $cp in \$.opening[0]: $notes"
    assert_contains "$line" "extb.json" "fallback note"
    font=${line##*fallback font }
    [ -n "$font" ] && [ "$font" != "$line" ] || fail "fallback note names no font: $line"
    assert_contains "$fonts" "+$font " "pdffonts (the fallback font $font is embedded)"
    assert_not_contains "$font" "FandolFang" "the fallback font for $cp"
done
printf '%s\n' "$notes" | grep -F "U+20000" | grep -qF '$.title' || fail "no fallback note for the title's U+20000"
printf '%s\n' "$notes" | grep -F "U+4DAE" | grep -qF '$.sections.overview[' ||
    fail "no fallback note for U+4DAE in a subheading (heading2 role)"
text=$(pdf_text extb.pdf | normalize_text)
assert_contains "$text" "$PARA" "pdftotext of extb.pdf"
assert_contains "$text" "𠀀靖安县宝峰镇" "pdftotext of extb.pdf (title)"
assert_contains "$text" "主动公开𠀀䶮" "pdftotext of extb.pdf (subheading)"
title=$(python3 -c 'import json; print(json.load(open("extb.json"))["title"])')
assert_contains "$(pdfinfo extb.pdf)" "Title:           $title" "pdfinfo"
assert_contains "$(pdfinfo -meta extb.pdf)" ">$title</rdf:li>" "pdfinfo -meta"
bash "$SRCDIR/tests/e2e/archive_pdfa.sh" --check extb.pdf pdfa || fail "extb.pdf fails the PDF/A checks"
rc=0
bash "$SRCDIR/tests/e2e/archive_pdfa.sh" --preflight extb.pdf || rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 77 ] || fail "PDFBox Preflight rejects extb.pdf (TrueType fallback fonts)"
render_ok extb.json quiet.pdf -q
[ ! -s quiet.pdf.stderr ] || fail "notes without -v: $(cat quiet.pdf.stderr)"
cmp -s extb.pdf quiet.pdf || fail "-v changed the PDF"

# ---- (2) a character no font has ---------------------------------------------------------------
rm -f pua.pdf
rc=0
render pua.json pua.pdf -q || rc=$?
[ "$rc" -ne 0 ] || fail "a private-use character with no font rendered (exit 0)"
err=$(cat pua.pdf.stderr)
assert_contains "$err" "U+E000" "the missing-glyph error"
assert_contains "$err" '$.opening[0]' "the missing-glyph error"
assert_contains "$err" "pua.json" "the missing-glyph error"
assert_file_absent pua.pdf

render_ok pua.json pua.pdf -q --allow-missing-glyphs
err=$(cat pua.pdf.stderr)
assert_contains "$err" "warning" "--allow-missing-glyphs output"
assert_contains "$err" "U+E000" "--allow-missing-glyphs warning"
assert_contains "$err" '$.opening[0]' "--allow-missing-glyphs warning"
# the .notdef box still extracts as the character the data had
assert_contains "$(pdf_text pua.pdf | normalize_text)" "$(printf '本报告\xee\x80\x80依据本报告依据')" \
    "pdftotext of pua.pdf (U+E000 kept in the text)"
bash "$SRCDIR/tests/e2e/archive_pdfa.sh" --check pua.pdf pdfa || fail "pua.pdf fails the PDF/A checks"
# The first body line shows CID 0 (.notdef) right after 本报告: find the hex run in page 1.
python3 - pua.pdf <<'PY' || fail "no .notdef (code 0000) drawn on page 1"
import base64, json, re, subprocess, sys
j = json.loads(subprocess.run(["qpdf", "--json=2", "--json-stream-data=inline",
                               "--decode-level=generalized", sys.argv[1]],
                              capture_output=True, check=True).stdout)
objs = j["qpdf"][1]
content = b"".join(base64.b64decode(objs["obj:" + c]["stream"]["data"])
                   for c in j["pages"][0]["contents"])
codes = [h[i:i + 4] for h in re.findall(rb"<([0-9A-Fa-f]+)>", content) for i in range(0, len(h), 4)]
sys.exit(0 if b"0000" in codes else 1)
PY
note "Ext-A/Ext-B from fallback fonts, extracted right; missing characters named with their place"
