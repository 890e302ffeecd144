# tests/e2e/no_file_reads.sh — a data file never makes nianbao open a file.
#
# Only the command line (data, --layout, --previous, --font), the layout (its font map) and
# the font map name files.  This plants paths to canary files everywhere in a data file —
# keys a user might hope are honoured ("fontmap", "layout", "font", "$ref", "include"),
# string values, a section paragraph, the signature — renders it, and asserts with strace
# that no system call ever named a canary.  The render itself must succeed (unknown keys
# are warnings).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool python3 strace

W=$WORKDIR
rm -rf "${W:?}"/*
for c in canary-fontmap.json canary-layout.json canary-font.otf canary-ref.json canary-text.json; do
    printf '{}' >"$W/$c"
done
cp "$SRCDIR/deps/fandol/FandolFang-Regular.otf" "$W/canary-font.otf" 2>/dev/null || true
python3 - "$SRCDIR/samples/county-bureau-2021.json" "$W/planted.json" "$W" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
w = sys.argv[3]
d["fontmap"] = w + "/canary-fontmap.json"
d["layout"] = w + "/canary-layout.json"
d["font"] = {"body": w + "/canary-font.otf"}
d["fonts"] = [w + "/canary-font.otf"]
d["$ref"] = w + "/canary-ref.json"
d["include"] = "file://" + w + "/canary-ref.json"
d["signature"]["font"] = w + "/canary-font.otf"
d["sections"]["overview"].append("见 " + w + "/canary-text.json 与 file://" + w + "/canary-text.json")
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, indent=1)
PY

rc=0
# LeakSanitizer cannot run under ptrace: in the ASan build, leaks are left to the other tests.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
strace -f -qq -e trace=%file -o "$W/strace.log" \
    "$NIANBAO" render "$W/planted.json" -o "$W/planted.pdf" 2>"$W/render.stderr" || rc=$?
cat "$W/render.stderr" >&2
[ "$rc" -eq 0 ] || fail "the planted data did not render (exit $rc)"
assert_pdf "$W/planted.pdf"
# strace saw the files nianbao really opened:
grep -q 'planted.json' "$W/strace.log" || fail "strace log does not show the data file being read"
grep -q 'gov-annual-2021.json' "$W/strace.log" || fail "strace log does not show the layout being read"
if grep -n 'canary' "$W/strace.log" >"$W/hits.txt"; then
    fail "a path planted in the data reached a system call: $(head -n 3 "$W/hits.txt")"
fi
# And every file that was opened is one nianbao was given or needs: the data, the layout,
# the font map and its fonts, the output (through its temporary file), libnianbao and the
# system libraries, and fontconfig's configuration and caches.
lib=$(ldd "$NIANBAO" | awk '$1 ~ /^libnianbao/ {print $3}')
python3 - "$W/strace.log" "$W" "$SRCDIR" "${HOME:-/root}" "${lib:-/nonexistent}" <<'PY' || fail "nianbao opened a file it was not given"
import re, sys
log, w, src, home, lib = sys.argv[1:]
allowed = ("/lib/", "/lib64/", "/usr/", "/etc/", "/proc/", "/sys/", "/dev/", "/var/cache/",
           home + "/", src + "/deps/", src + "/layouts/", src + "/fonts/",
           w + "/planted.json", w + "/.planted.pdf.", w + "/planted.pdf", lib)
bad = set()
for line in open(log, encoding="utf-8", errors="replace"):
    m = re.search(r'open(?:at)?\((?:AT_FDCWD|\d+), "([^"]*)"', line)
    if not m or "ENOENT" in line:
        continue
    path = m.group(1)
    if path in (w, src) or path.startswith(allowed):
        continue
    bad.add(path)
for b in sorted(bad):
    print("opened:", b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
# The planted keys were noticed as unknown, so a typo-ed real key would be too.
assert_file_contains "$W/render.stderr" '[fontmap]'
assert_file_contains "$W/render.stderr" '[layout]'
note "no planted path was opened ($(wc -l <"$W/strace.log") system calls traced)"
