# tests/e2e/install_api.sh — the installed library, as a program built against it sees it.
#
# Installs the build that made NIANBAO_BIN into a fresh prefix (cmake --install --prefix),
# checks the installed tree (command, libnianbao.so with its SONAME and libnianbao.a,
# nianbao.h, nianbao.pc, layouts, font map and schema under share/nianbao), compiles
# examples/render_report.c with `pkg-config --cflags --libs nianbao` from that prefix and
# runs it from another folder with no NIANBAO_DATADIR: it renders the seed from memory with
# the data the library finds relative to itself and prints the findings JSON.  Its PDF must
# be byte-identical to what the installed `nianbao render` writes for the same data and
# SOURCE_DATE_EPOCH, also run from elsewhere (it finds share/nianbao from its own path),
# and its JSON the same as `nianbao check --format json` prints.  The installed library
# exports nianbao_* symbols only.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool cmake pkg-config cmp nm readelf python3 strace

BUILD=$(dirname "$NIANBAO")
[ -f "$BUILD/CMakeCache.txt" ] || fail "$BUILD is not a CMake build folder"
W=$WORKDIR
P=$W/prefix
rm -rf "${W:?}"/*
cmake --install "$BUILD" --prefix "$P" >"$W/install.log" || fail "cmake --install failed: $(tail -n 5 "$W/install.log")"

# ---- the installed tree
pc=$(find "$P" -name nianbao.pc)
[ -n "$pc" ] || fail "no nianbao.pc installed"
libdir=$(dirname "$(dirname "$pc")")
for f in "$P/bin/nianbao" "$P/include/nianbao.h" "$libdir/libnianbao.a" "$libdir/libnianbao.so" \
    "$P/share/nianbao/layouts/gov-annual-2019.json" "$P/share/nianbao/layouts/gov-annual-2021.json" \
    "$P/share/nianbao/fonts/fontmap.json" "$P/share/nianbao/schema/report.schema.json"; do
    [ -e "$f" ] || fail "not installed: ${f#"$P"/}"
done
soname=$(readelf -d "$libdir/libnianbao.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libnianbao.so.0 ] || fail "SONAME is '$soname', expected libnianbao.so.0"
[ -f "$libdir/$soname" ] || fail "$soname not installed beside libnianbao.so"
others=$(nm -D --defined-only "$libdir/libnianbao.so" | awk '$3 != "" && $3 !~ /^nianbao_/ {print $3}')
[ -z "$others" ] || fail "the installed library exports more than nianbao_*: $others"
# the static archive too: its internals are local symbols
others=$(nm "$libdir/libnianbao.a" | awk 'NF == 3 && $2 ~ /[A-TV-Z]/ && $3 !~ /^nianbao_/ {print $3}')
[ -z "$others" ] || fail "libnianbao.a has global symbols besides nianbao_*: $(head -c 300 <<<"$others")"

# ---- a program built against it (with the build's compiler and sanitizer flags)
cc=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
flags=()
if grep -q '^NIANBAO_SANITIZE:BOOL=ON' "$BUILD/CMakeCache.txt"; then
    flags=(-fsanitize=address,undefined)
fi
read -ra pkg <<<"$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs nianbao)"
"${cc:-cc}" -std=c17 -Wall -Wextra -Werror "${flags[@]}" -o "$W/render_report" \
    "$SRCDIR/examples/render_report.c" "${pkg[@]}" -Wl,-rpath,"$libdir" ||
    fail "examples/render_report.c does not build with pkg-config --cflags --libs nianbao"

# the same program linked with the static archive (pkg-config --static for what it needs)
read -ra spkg <<<"$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --static --cflags --libs nianbao)"
slibs=()
for a in "${spkg[@]}"; do [ "$a" = -lnianbao ] && slibs+=("$libdir/libnianbao.a") || slibs+=("$a"); done
"${cc:-cc}" -std=c17 -Wall -Wextra -Werror "${flags[@]}" -o "$W/render_report_static" \
    "$SRCDIR/examples/render_report.c" "${slibs[@]}" ||
    fail "examples/render_report.c does not link with libnianbao.a"
if ldd "$W/render_report_static" | grep -q libnianbao; then fail "render_report_static loads libnianbao.so"; fi

seed=$SRCDIR/samples/baofeng-2020.json
cp "$seed" "$W/seed.json"
export SOURCE_DATE_EPOCH=1611532800 # 2021-01-25
# from another folder, with nothing pointing at the data: both must find share/nianbao
(cd / && env -u NIANBAO_DATADIR "$W/render_report" "$W/seed.json" "$W/api.pdf" >"$W/api.json" 2>"$W/api.err") ||
    fail "render_report failed: $(cat "$W/api.err")"
(cd / && env -u NIANBAO_DATADIR "$P/bin/nianbao" render "$W/seed.json" -o "$W/cmd.pdf" -q 2>"$W/cmd.err") ||
    fail "the installed nianbao failed: $(cat "$W/cmd.err")"
assert_pdf "$W/api.pdf"
cmp "$W/api.pdf" "$W/cmd.pdf" || fail "the library's PDF differs from the command's"
# statically linked, the library finds no file of its own: it is given the data folder
(cd / && NIANBAO_DATADIR=$P/share/nianbao "$W/render_report_static" "$W/seed.json" "$W/static.pdf" >/dev/null 2>"$W/static.err") ||
    fail "render_report_static failed: $(cat "$W/static.err")"
cmp "$W/static.pdf" "$W/cmd.pdf" || fail "the static library's PDF differs from the command's"
(cd / && env -u NIANBAO_DATADIR "$P/bin/nianbao" check "$W/seed.json" --format json >"$W/check.json") ||
    fail "the installed nianbao check failed"
cmp "$W/api.json" "$W/check.json" || fail "the findings JSON differs from nianbao check --format json"
python3 - "$W/api.json" <<'PY' || fail "the findings JSON is not the seed's one warning"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
rules = [f["rule"] for f in d["findings"]]
sys.exit(0 if (d["errors"], d["warnings"], rules) == (0, 1, ["date.after_period"]) else 1)
PY
# and it was the installed layout it read, not the source tree's
# (LeakSanitizer cannot run under ptrace: in the ASan build, leaks are left to the rest.)
(cd / && env -u NIANBAO_DATADIR ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -qq -e trace=%file -o "$W/strace.log" \
    "$P/bin/nianbao" render "$W/seed.json" -o "$W/s.pdf" -q) || fail "render under strace failed"
grep -q "$P/share/nianbao/layouts/gov-annual-2019.json" "$W/strace.log" ||
    fail "the installed nianbao did not read the installed layout"
if grep -q "$SRCDIR/layouts" "$W/strace.log"; then fail "the installed nianbao read the source tree's layouts"; fi
note "installed to $P; render_report and nianbao render gave the same $(stat -c %s "$W/api.pdf") bytes"
