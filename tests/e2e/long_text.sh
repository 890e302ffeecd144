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
