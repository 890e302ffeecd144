# tests/e2e/table_sweep.sh — tables break like a typesetter's wherever they fall on the page.
#
#   bash tests/e2e/table_sweep.sh NIANBAO_BIN SRCDIR WORKDIR        (what ctest runs)
#
# For each edition's sample (2019: samples/baofeng-2020.json, 2021:
# samples/county-bureau-2021.json) makes SWEEP+1 variants with 0..SWEEP one-line paragraphs
# added at the end of sections.overview, which pushes the three tables down the pages a
# line at a time (SWEEP = 50 lines is over two pages, so every table meets the page foot at
# every row), renders each with --dump and checks every dump with table_sweep.py (see its
# header): every glyph of a cell inside that cell's rules and every cell ruled all round;
# no page ending on a header row (the table's or a group's: table A's 第二十条第（X）项 and
# 信息内容 rows); every continuation page starting with the table's header rows and the
# continued group's header rows; each row whole on one page (none here is taller than a
# page); a spanning label with room for its text on each page.  Then the seed itself at
# 130 dpi: page 5 (table B's continuation) to WORKDIR/seed-p5.png, for a look.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool python3 xargs pdftoppm

SWEEP=${SWEEP:-50}
PY="$SRCDIR/tests/e2e/table_sweep.py"
status=0
for spec in baofeng-2020:2019 county-bureau-2021:2021; do
    name=${spec%%:*}
    edition=${spec##*:}
    dir="$WORKDIR/$name"
    rm -rf "$dir"
    mkdir -p "$dir"
    python3 "$PY" make "$SRCDIR/samples/$name.json" "$dir" "$SWEEP" ||
        fail "$name: cannot make the variants"
    # Two renders at a time; a failed render names its variant.
    (cd "$dir" && ls v*.json | sed 's/\.json$//' |
        xargs -P 2 -I{} sh -c '"$0" render {}.json -o {}.pdf --no-pdfa -q --dump {}.dump \
            >{}.log 2>&1 || { echo "render failed: {}"; cat {}.log; exit 1; }' "$NIANBAO") ||
        fail "$name: a variant did not render (above)"
    args=()
    for f in "$dir"/v*.json; do
        args+=("$f" "${f%.json}.dump")
    done
    if python3 "$PY" check "$SRCDIR/layouts/gov-annual-$edition.json" "${args[@]}" \
        >"$dir/check.txt"; then
        note "$name ($edition edition): $(tail -n 1 "$dir/check.txt")"
    else
        cat "$dir/check.txt" >&2
        status=1
    fi
done
[ "$status" -eq 0 ] || fail "tables broken badly in some variants (above)"

# The seed as it is: its table B continues on page 5.
render_ok "$SRCDIR/samples/baofeng-2020.json" "$WORKDIR/seed.pdf" -q
pdftoppm -r 130 -png -f 5 -l 5 -singlefile "$WORKDIR/seed.pdf" "$WORKDIR/seed-p5" ||
    fail "pdftoppm could not render the seed's page 5"
note "seed page 5 at 130 dpi: $WORKDIR/seed-p5.png"
