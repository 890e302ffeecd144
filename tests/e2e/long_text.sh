# tests/e2e/long_text.sh — nothing the data says is dropped or cut: every text field of the
# schema (title, body, subject, opening paragraphs, the sections' paragraphs, sub-headings
# and run-in headings and texts, signature.office, …: found by walking
# schema/report.schema.json) is given a 20,000-character value of mixed hanzi, Latin letters,
# digits and punctuation (some starting with a Latin letter: such a value used to fail with
# a false "invalid UTF-8" after a fixed buffer cut it mid-character), rendered, and compared
# character for character with pdftotext's text (page numbers and white space removed) or,
# for metadata fields, with pdfinfo.  See tests/e2e/long_text.py.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool pdftotext pdfinfo python3

python3 "$SRCDIR/tests/e2e/long_text.py" "$NIANBAO" "$SRCDIR" "$WORKDIR" >"$WORKDIR/long_text.out" ||
    { cat "$WORKDIR/long_text.out" >&2; fail "a long value did not reach the PDF whole (above)"; }
cat "$WORKDIR/long_text.out" >&2
note "ok: $(grep -c ': checked on' "$WORKDIR/long_text.out") text fields of 20,000 characters reached the PDF whole"

# Beyond what a PDF's document information holds (32,000 UTF-16 units), a metadata field
# is refused naming its path, never cut: exit 2, no PDF.
for field in body subject; do
    python3 - "$SRCDIR/samples/county-bureau-2021.json" "$WORKDIR/meta-$field.json" "$field" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d[sys.argv[3]] = "局" * 32001
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
    rc=0
    "$NIANBAO" render "$WORKDIR/meta-$field.json" -o "$WORKDIR/meta-$field.pdf" 2>"$WORKDIR/meta-$field.err" || rc=$?
    [ "$rc" -eq 2 ] || fail "a $field of 32,001 characters: exit $rc, expected 2"
    assert_file_contains "$WORKDIR/meta-$field.err" "\$.$field: 32001 UTF-16 units, more than the PDF's document information holds"
    assert_file_absent "$WORKDIR/meta-$field.pdf"
done
note "ok: metadata beyond 32,000 units refused with its path"
