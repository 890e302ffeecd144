# tests/e2e/install_extras.sh — what cmake/Install.cmake adds to `cmake --install`, as a
# user of the installed tree meets it:
#  - share/man/man1/nianbao.1.gz is dist/nianbao.1, gzip'd without name or time stamp, and
#    `man -l` formats it; share/bash-completion/completions/nianbao is dist/nianbao.bash;
#    share/doc/nianbao holds README.md and docs/*.md; share/nianbao/fonts/fontmap.json is
#    dist/fontmap.json (the installed map, not the build tree's);
#  - the installed Python package (PREFIX/lib/python3/dist-packages/nianbao), imported from
#    another folder with no NIANBAO_LIBRARY or NIANBAO_DATADIR, finds the library of its
#    own installation and that library's data folder, and renders the seed to the bytes the
#    installed `nianbao render` writes;
#  - `nianbao serve` runs the installed nianbao-serve, which alone links the HTTP library:
#    nianbao itself loads no libmicrohttpd (nor the TLS libraries it brings);
#  - the CPack configuration makes a Debian package named nianbao, maintained by
#    NIANBAO_DEB_MAINTAINER (a value not of the form "Name <address>" stops cmake), whose
#    Depends name the Debian font packages and libraries (cpack is run when
#    dpkg-shlibdeps is installed; the package's installation is tests/pkg/deb_install.sh's).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool cmake python3 gzip cmp
BUILD=$(dirname "$NIANBAO")
[ -f "$BUILD/CMakeCache.txt" ] || fail "$BUILD is not a CMake build folder"
W=$WORKDIR
P=$W/prefix
rm -rf "${W:?}"/*
cmake --install "$BUILD" --prefix "$P" >"$W/install.log" || fail "cmake --install failed: $(tail -n 5 "$W/install.log")"

note "manual page, completion, docs, font map"
man=$P/share/man/man1/nianbao.1.gz
[ -f "$man" ] || fail "not installed: share/man/man1/nianbao.1.gz"
gzip -dc "$man" | cmp - "$SRCDIR/dist/nianbao.1" || fail "the installed manual page is not dist/nianbao.1"
[ "$(od -An -tu1 -j4 -N4 "$man" | tr -s ' ')" = " 0 0 0 0" ] || fail "nianbao.1.gz carries a time stamp"
if command -v man >/dev/null && command -v groff >/dev/null; then
    page=$(MANPAGER=cat MANWIDTH=80 LANG=C.UTF-8 man -l "$man" 2>"$W/man.err") || fail "man -l failed: $(cat "$W/man.err")"
    assert_contains "$page" "nianbao render" "man -l nianbao.1.gz"
fi
cmp "$P/share/bash-completion/completions/nianbao" "$SRCDIR/dist/nianbao.bash" ||
    fail "share/bash-completion/completions/nianbao is not dist/nianbao.bash"
for d in "$SRCDIR/README.md" "$SRCDIR"/docs/*.md; do
    cmp "$P/share/doc/nianbao/$(basename "$d")" "$d" || fail "share/doc/nianbao/$(basename "$d") missing or different"
done
cmp "$P/share/nianbao/fonts/fontmap.json" "$SRCDIR/dist/fontmap.json" ||
    fail "share/nianbao/fonts/fontmap.json is not the installed map dist/fontmap.json"

note "nianbao serve is the program nianbao-serve, which alone links libmicrohttpd"
[ -x "$P/bin/nianbao-serve" ] || fail "not installed: bin/nianbao-serve"
help=$(cd / && "$P/bin/nianbao" serve --help) || fail "the installed nianbao serve --help failed"
assert_contains "$help" "--listen" "nianbao serve --help"
if command -v ldd >/dev/null; then
    assert_not_contains "$(ldd "$P/bin/nianbao")" libmicrohttpd "ldd bin/nianbao"
    assert_contains "$(ldd "$P/bin/nianbao-serve")" libmicrohttpd "ldd bin/nianbao-serve"
fi
mv "$P/bin/nianbao-serve" "$P/bin/nianbao-serve.away"
out=$(cd / && "$P/bin/nianbao" serve --help 2>&1) && fail "nianbao serve without nianbao-serve succeeded"
assert_contains "$out" "nianbao-serve" "nianbao serve without nianbao-serve"
mv "$P/bin/nianbao-serve.away" "$P/bin/nianbao-serve"

note "a maintainer that is not \"Name <address>\" is refused at configure time"
out=$(cmake -S "$SRCDIR" -B "$W/badmaint" -DNIANBAO_TESTS=OFF -DNIANBAO_DEB_MAINTAINER=someone 2>&1) &&
    fail "cmake accepted NIANBAO_DEB_MAINTAINER=someone"
assert_contains "$out" "NIANBAO_DEB_MAINTAINER must read" "cmake -DNIANBAO_DEB_MAINTAINER=someone"
rm -rf "$W/badmaint"

note "the installed Python package finds its installation's library and data"
py=$P/lib/python3/dist-packages
[ -f "$py/nianbao/__init__.py" ] || fail "not installed: lib/python3/dist-packages/nianbao"
if grep -q -e '^NIANBAO_SANITIZE:BOOL=ON' -e '^NIANBAO_FUZZ:BOOL=ON' "$BUILD/CMakeCache.txt"; then
    # An instrumented library cannot be loaded into an uninstrumented python3.
    note "sanitizer build: the installed Python package is not run"
else
cp "$SRCDIR/samples/baofeng-2020.json" "$W/seed.json"
export SOURCE_DATE_EPOCH=1611532800
(cd / && env -u NIANBAO_DATADIR "$P/bin/nianbao" render "$W/seed.json" -o "$W/cmd.pdf" -q) ||
    fail "the installed nianbao render failed"
(cd / && env -u NIANBAO_LIBRARY -u NIANBAO_DATADIR PYTHONPATH="$py" PYTHONDONTWRITEBYTECODE=1 \
    python3 - "$W/seed.json" "$W/py.pdf" "$P" >"$W/py.out" 2>&1 <<'EOF') || fail "import nianbao from the installed tree: $(cat "$W/py.out")"
import os, sys
import nianbao
data_file, out, prefix = sys.argv[1:]
assert nianbao.__file__.startswith(prefix), nianbao.__file__
assert os.path.realpath(nianbao.library_path()).startswith(os.path.realpath(prefix)), nianbao.library_path()
pdf, findings = nianbao.render(open(data_file, "rb").read())
assert findings["errors"] == 0, findings
open(out, "wb").write(pdf)
print(nianbao.library_path())
EOF
cmp "$W/py.pdf" "$W/cmd.pdf" || fail "the installed Python package rendered other bytes than the installed command"
fi

if command -v dpkg-shlibdeps >/dev/null && command -v cpack >/dev/null; then
    note "cpack -G DEB"
    (cd "$W" && cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$W/deb" >"$W/cpack.log" 2>&1) ||
        fail "cpack failed: $(tail -n 5 "$W/cpack.log")"
    deb=$(ls "$W"/deb/nianbao_*_*.deb 2>/dev/null | head -n 1)
    [ -n "$deb" ] || fail "cpack made no nianbao_VERSION_ARCH.deb"
    [ "$(dpkg-deb -f "$deb" Package)" = nianbao ] || fail "the package is not named nianbao"
    depends=$(dpkg-deb -f "$deb" Depends)
    for p in fonts-noto-cjk fonts-lxgw-wenkai fonts-hanazono libharfbuzz0b libharfbuzz-subset0 \
        libfreetype6 libfontconfig1 libcjson1 libdeflate0 libhpdf-2.3.0 libmicrohttpd12 libc6; do
        case ", $depends," in *", $p "* | *", $p,"*) ;; *) fail "Depends lacks $p: $depends" ;; esac
    done
    assert_contains "$(dpkg-deb -f "$deb" Suggests)" texlive-lang-chinese "Suggests"
    want=$(sed -n 's/^NIANBAO_DEB_MAINTAINER:STRING=//p' "$BUILD/CMakeCache.txt")
    [ "$(dpkg-deb -f "$deb" Maintainer)" = "$want" ] ||
        fail "Maintainer is '$(dpkg-deb -f "$deb" Maintainer)', not NIANBAO_DEB_MAINTAINER '$want'"
    files=$(dpkg-deb -c "$deb")
    for f in ./usr/bin/nianbao ./usr/bin/nianbao-serve ./usr/share/man/man1/nianbao.1.gz ./usr/share/nianbao/fonts/fontmap.json \
        ./usr/share/bash-completion/completions/nianbao ./usr/lib/python3/dist-packages/nianbao/__init__.py; do
        assert_contains "$files" "$f" "the package's files"
    done
    assert_not_contains "$files" "Fandol" "the package's files (Fandol comes from texlive-lang-chinese)"
    note "$(basename "$deb"): Depends: $depends"
fi
note "ok"
