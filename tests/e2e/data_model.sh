# tests/e2e/data_model.sh — one data model: per edition, the data paths of the schema, the
# layout, the blank report, the tables of docs/data-format.md and the checker (black box:
# one value.blank warning per table leaf of an all-blank report, with the docs' row and
# column labels; an error naming each required key when it is missing, none for an optional
# one) must agree; every path one has and another lacks is named.  See
# tests/e2e/data_model.py.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool python3

python3 "$SRCDIR/tests/e2e/data_model.py" "$NIANBAO" "$SRCDIR" "$WORKDIR" >"$WORKDIR/data_model.out" ||
    { cat "$WORKDIR/data_model.out" >&2; fail "the data model's sources disagree (above)"; }
cat "$WORKDIR/data_model.out" >&2
note "ok: schema, docs, blank reports, layouts and checker agree on every data path"
