# tests/e2e/lib.sh — shared helpers for the end-to-end scripts (sourced, not run).
#
# ctest runs every tests/e2e/NAME.sh as `bash NAME.sh NIANBAO_BIN SRCDIR WORKDIR`. A script
# starts with
#
#     . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#     e2e_init "$@"
#
# which sets NIANBAO, SRCDIR and WORKDIR (created if missing), turns on `set -euo pipefail`
# and checks the binary. Helpers never return a failure silently: `fail` prints one line
# starting with "FAIL:" to stderr and exits 1. Helpers that run a command (render, pdf_text)
# return its status so a script can test expected failures too.
#
# Helpers: e2e_init, fail, note, require_tool, assert_contains, assert_not_contains,
# assert_file_contains, assert_file_absent, assert_pdf, normalize_text, render, render_ok,
# pdf_text.

# e2e_init NIANBAO_BIN SRCDIR WORKDIR
e2e_init() {
    set -euo pipefail
    if [ "$#" -ne 3 ]; then
        printf 'usage: bash %s NIANBAO_BIN SRCDIR WORKDIR\n' "${0##*/}" >&2
        exit 2
    fi
    NIANBAO=$1
    SRCDIR=$2
    WORKDIR=$3
    [ -x "$NIANBAO" ] || fail "nianbao binary not found or not executable: $NIANBAO"
    [ -d "$SRCDIR" ] || fail "source folder not found: $SRCDIR"
    mkdir -p "$WORKDIR" || fail "cannot create work folder: $WORKDIR"
    # Absolute paths, so a script may cd without breaking them.
    NIANBAO=$(cd "$(dirname "$NIANBAO")" && pwd)/$(basename "$NIANBAO")
    SRCDIR=$(cd "$SRCDIR" && pwd)
    WORKDIR=$(cd "$WORKDIR" && pwd)
    export NIANBAO SRCDIR WORKDIR
}

# fail MSG... — print "FAIL: MSG" and exit 1.
fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

# note MSG... — progress line on stderr (ctest shows it with --output-on-failure).
note() {
    printf '%s: %s\n' "${0##*/}" "$*" >&2
}

# require_tool NAME... — fail unless every NAME is on PATH.
require_tool() {
    local t
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 || fail "required tool not installed: $t"
    done
}

# assert_contains HAYSTACK NEEDLE [WHAT] — the string HAYSTACK contains NEEDLE.
assert_contains() {
    local what=${3:-text}
    case "$1" in
    *"$2"*) ;;
    *) fail "$what does not contain '$2' (it starts: '${1:0:200}')" ;;
    esac
}

# assert_not_contains HAYSTACK NEEDLE [WHAT]
assert_not_contains() {
    local what=${3:-text}
    case "$1" in
    *"$2"*) fail "$what contains '$2' but should not" ;;
    *) ;;
    esac
}

# assert_file_contains FILE NEEDLE — FILE contains the fixed string NEEDLE.
assert_file_contains() {
    [ -f "$1" ] || fail "file not found: $1"
    grep -qF -- "$2" "$1" || fail "$1 does not contain '$2'"
}

# assert_file_absent PATH — nothing exists at PATH (e.g. a failed render left no PDF).
assert_file_absent() {
    if [ -e "$1" ] || [ -L "$1" ]; then
        fail "$1 exists but should not"
    fi
}

# assert_pdf FILE — FILE exists, is not empty and starts with %PDF-.
assert_pdf() {
    [ -s "$1" ] || fail "PDF missing or empty: $1"
    local magic
    magic=$(head -c 5 "$1")
    [ "$magic" = "%PDF-" ] || fail "$1 does not start with %PDF- (got '$magic')"
}

# normalize_text [FILE...] — copy FILEs (or stdin) to stdout with every Unicode whitespace
# character removed: ASCII space, tab, newline, form feed, NBSP U+00A0, ideographic space
# U+3000, line/paragraph separators... Bytes that are not UTF-8 become U+FFFD, so that
# garbage shows up instead of vanishing.
normalize_text() {
    python3 -c '
import re, sys
data = b"".join(open(f, "rb").read() for f in sys.argv[1:]) if len(sys.argv) > 1 \
    else sys.stdin.buffer.read()
text = data.decode("utf-8", "replace")
sys.stdout.buffer.write(re.sub(r"\s+", "", text).encode("utf-8"))
' "$@"
}

# render DATA OUT [ARGS...] — run `nianbao render DATA -o OUT ARGS...`; returns its exit
# status (does not fail the script). Its stderr is shown and also kept in OUT.stderr.
render() {
    local data=$1 out=$2
    shift 2
    local rc=0
    "$NIANBAO" render "$data" -o "$out" "$@" 2>"$out.stderr" || rc=$?
    cat "$out.stderr" >&2
    return "$rc"
}

# render_ok DATA OUT [ARGS...] — render, and fail unless it exits 0 and OUT is a PDF.
render_ok() {
    local rc=0
    render "$@" || rc=$?
    [ "$rc" -eq 0 ] || fail "nianbao render $1 -o $2${3:+ ${*:3}} exited with status $rc"
    assert_pdf "$2"
}

# pdf_text PDF [PDFTOTEXT_ARGS...] — the PDF's text (pdftotext, UTF-8, reading order) on stdout.
pdf_text() {
    local pdf=$1
    shift
    pdftotext -enc UTF-8 "$@" "$pdf" - || fail "pdftotext could not read $pdf"
}
