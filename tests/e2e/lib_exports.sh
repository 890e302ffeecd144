# tests/e2e/lib_exports.sh — libnianbao.so exports its public interface and nothing else,
# and the nianbao command is a client of it.
#
# The library is the one the command loads (ldd), so this also shows the command links
# the shared library: its SONAME is libnianbao.so.0; `nm -D --defined-only` lists only
# nianbao_* symbols, and exactly the functions include/nianbao.h declares NIANBAO_API; the
# command's own binary holds none of the library's internals (nb_render_mem, nb_pdf_write,
# nb_check ...) and takes nothing from the library but nianbao_* functions.  And the
# library calls none of the C library's functions that read the environment, write to a
# standard stream or a file, change process-wide settings or end the process.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool nm readelf ldd python3

lib=$(ldd "$NIANBAO" | awk '$1 ~ /^libnianbao\.so/ {print $3}')
[ -n "$lib" ] && [ -f "$lib" ] || fail "$NIANBAO does not load libnianbao.so: $(ldd "$NIANBAO")"
soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libnianbao.so.0 ] || fail "SONAME is '$soname', expected libnianbao.so.0"

nm -D --defined-only "$lib" | awk 'NF == 3 {print $3}' | sort >"$WORKDIR/exported"
[ -s "$WORKDIR/exported" ] || fail "nm lists no symbols for $lib"
if grep -v '^nianbao_' "$WORKDIR/exported" >"$WORKDIR/others"; then
    fail "$lib exports more than nianbao_*: $(tr '\n' ' ' <"$WORKDIR/others")"
fi
python3 - "$SRCDIR/include/nianbao.h" >"$WORKDIR/declared" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
for name in sorted(set(re.findall(r"NIANBAO_API\b[^;{]*?\b(nianbao_\w+)\s*\(", text))):
    print(name)
PY
diff "$WORKDIR/declared" "$WORKDIR/exported" >"$WORKDIR/diff" ||
    fail "exported functions differ from those nianbao.h declares (< declared, > exported): $(tr '\n' ' ' <"$WORKDIR/diff")"

# What the library may not call, whatever path a run takes: it reads no environment, writes
# to no standard stream and to no file (it opens files only to read them), changes no
# process-wide setting and never ends the process.
nm -D --undefined-only "$lib" | awk '{print $2}' | sed 's/@.*//' >"$WORKDIR/imported"
forbidden='getenv secure_getenv setenv putenv unsetenv clearenv stdin stdout stderr write
    pwrite writev rename renameat unlink unlinkat mkstemp mkostemp mkdir creat ftruncate umask
    chdir fchdir chmod fchmod setlocale signal sigaction mallopt exit _exit quick_exit fork
    system popen'
for f in $forbidden; do
    if grep -qx "$f" "$WORKDIR/imported"; then fail "$lib calls $f"; fi
done

# The command: no copy of the library inside, and only the public interface used.
for internal in nb_render_mem nb_pdf_write nb_check nb_compose nb_json_parse; do
    if nm "$NIANBAO" | awk '{print $NF}' | grep -qx "$internal"; then
        fail "the nianbao binary contains the library's $internal"
    fi
done
nm -D --undefined-only "$NIANBAO" | awk '{print $NF}' | grep -Fxf "$WORKDIR/exported" >"$WORKDIR/used" || true
[ -s "$WORKDIR/used" ] || fail "the nianbao binary uses no nianbao_* function"
note "$lib ($soname) exports $(wc -l <"$WORKDIR/exported") functions, all nianbao_*; the command uses $(wc -l <"$WORKDIR/used")"
