# tests/e2e/table_sweep.sh — tables break like a typesetter's wherever they fall on the page.
#
#   bash tests/e2e/table_sweep.sh NIANBAO_BIN SRCDIR WORKDIR        (what ctest runs)
#
# For each edition's sample (2019: samples/baofeng-2020.json and samples/stress-2020.json,
# 2021: samples/county-bureau-2021.json) makes SWEEP+1 variants with 0..SWEEP one-line
# paragraphs added at the end of sections.overview, which pushes the three tables down the
# pages a line at a time (SWEEP = 50 lines is over two pages, so every table meets the page
# foot at every row), renders each with --dump and checks every dump with table_sweep.py (see its
# header): every glyph of a cell inside that cell's rules and every cell ruled all round;
# no page ending on a header row (the table's or a group's: table A's 第二十条第（X）项 and
# 信息内容 rows); every continuation page starting with the table's header rows and the
# continued group's header rows; each row whole on one page (none here is taller than a
# page); a spanning label with room for its text on each page; no page ending inside a
# table, or before a table's start, with room left for the next piece the rules allow (a
# group that fits at the foot of a page stays there).  Then the seed itself at
# 130 dpi: page 5 (table B's continuation) to WORKDIR/seed-p5.png, for a look.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool python3 xargs pdftoppm

SWEEP=${SWEEP:-50}
PY="$SRCDIR/tests/e2e/table_sweep.py"
status=0
for spec in baofeng-2020:2019 stress-2020:2019 county-bureau-2021:2021; do
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

# The fill check, at its edge.  stress-2020's page 4 ends under table A's group (一) with
# 56.96 pt free, less than the 88 pt of group (五) (four rows of 22 pt that cannot break:
# never after a header row, two body rows on each side), which therefore starts page 5.
# Page 4 drawn 30 pt higher leaves 86.96 pt: still too little, the check passes; drawn
# 40 pt higher it leaves 96.96 pt, room for the group: the check must say so.
dir="$WORKDIR/stress-2020"
lift() { # lift DY: page 4 of v00.dump drawn DY pt higher, checked into lifted-DY.txt
    python3 - "$dir/v00.dump" "$dir/lifted-$1.dump" "$1" <<'PY' ||
import sys
page, out, dy = 0, [], float(sys.argv[3])
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("page "):
        page += 1
    f = line.split(" ")
    if page == 4 and f[0] == "rule":
        f[2], f[4] = (f"{float(v) - dy:.2f}" for v in (f[2], f[4]))
    elif page == 4 and f[0] == "text":
        f[2] = f"{float(f[2]) - dy:.2f}"
    out.append(" ".join(f))
open(sys.argv[2], "w", encoding="utf-8").write("".join(out))
PY
        fail "cannot lift page 4 of $dir/v00.dump"
    python3 "$PY" check "$SRCDIR/layouts/gov-annual-2019.json" "$dir/v00.json" \
        "$dir/lifted-$1.dump" >"$dir/lifted-$1.txt"
}
lift 30 || { cat "$dir/lifted-30.txt" >&2; fail "page 4 lifted by 30 pt: the check failed"; }
if lift 40; then
    fail "page 4 lifted by 40 pt leaves room for table A's next group, but the check passed"
fi
want='v00.json p4 table A: the page ends with 96.96 pt free under row 3 .*rows 4–7 .*88.00 pt'
grep -q "$want" "$dir/lifted-40.txt" ||
    { cat "$dir/lifted-40.txt" >&2; fail "page 4 lifted by 40 pt: not the expected complaint"; }
note "page 4 lifted by 40 pt: $(grep -m1 'p4 table A' "$dir/lifted-40.txt")"

# The seed as it is: its table B continues on page 5.
render_ok "$SRCDIR/samples/baofeng-2020.json" "$WORKDIR/seed.pdf" -q
pdftoppm -r 130 -png -f 5 -l 5 -singlefile "$WORKDIR/seed.pdf" "$WORKDIR/seed-p5" ||
    fail "pdftoppm could not render the seed's page 5"
note "seed page 5 at 130 dpi: $WORKDIR/seed-p5.png"
