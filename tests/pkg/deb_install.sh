#!/usr/bin/env bash
# tests/pkg/deb_install.sh — the Debian package in a fresh Debian: installs the built .deb
# with apt in a minimal Debian (debootstrap) and holds it to what a user of that system
# gets.  Not run by ctest (it downloads a Debian base system, a few minutes); run it with
# `scripts/dev deb-test`, as root.
#
#   bash tests/pkg/deb_install.sh DEB REFERENCE_NIANBAO SRCDIR WORKDIR
#
# DEB is the package (build-deb/nianbao_VERSION_amd64.deb), REFERENCE_NIANBAO the build
# tree's binary (build/nianbao), WORKDIR a scratch folder (build-deb/deb-test).  Steps:
#
#  1. A minimal Debian (debootstrap --variant=minbase, suite $NB_DEB_SUITE, default
#     bookworm) from the mirror this machine's apt is configured with (read from
#     /etc/apt/sources.list and sources.list.d), kept in WORKDIR/base and copied afresh to
#     WORKDIR/root for every run, so each run starts from a system that never saw nianbao.
#  2. How many packages each set of `scripts/dev` would install there
#     (apt-get install --simulate --no-install-recommends): sample, and sample + test.
#  3. `apt install ./nianbao_*.deb` in the chroot: its Depends must bring everything.
#  4. Byte identity without Fandol (the package alone): `nianbao render` of the seed and of
#     the 2021 sample, run from an unrelated folder of the chroot, against the build tree's
#     binary run with the installed data folder (NIANBAO_DATADIR=ROOT/usr/share/nianbao:
#     the installed layouts and font map).  Both resolve the map's absolute font paths to
#     the same Debian font files; the script checks that those files are byte-identical
#     in the chroot and on this machine, and that this machine has no Fandol where the
#     installed map looks for it.
#  5. Byte identity with Fandol: the Fandol fonts put where texlive-lang-chinese installs
#     them (unpacked from that package, fetched inside the chroot; or the package itself
#     installed with NB_DEB_TEST_TEXLIVE=1, which pulls in TeX), then the chroot's
#     `nianbao render` against the build tree's binary as `scripts/dev sample` runs it
#     (its own font map, Fandol from deps/fandol), checking the Fandol files are the same.
#  6. `man nianbao` (man-db installed in the chroot), the bash completion's file, and the
#     Python binding: python3 installed in the chroot, `import nianbao` renders the seed
#     with the installed library and gives the command's bytes; `nianbao serve` (the
#     installed nianbao-serve) starts and serves the editor's page.
#  7. With NB_DEB_TEST_SAMPLE=1, in another fresh copy: `scripts/dev sample` from a copy of
#     the committed source (git archive HEAD): the sample set alone must be enough to build
#     and render, and the PDF must be the bytes the build tree's binary writes.
#
# Prints one line per step and ends with "deb_install: N passed, 0 failed"; any failure
# prints FAIL: and exits 1.  The chroot stays in WORKDIR/root for inspection.
set -euo pipefail

if [ "$#" -ne 4 ]; then
    echo "usage: bash tests/pkg/deb_install.sh DEB REFERENCE_NIANBAO SRCDIR WORKDIR" >&2
    exit 2
fi
DEB=$(realpath "$1")
REF=$(realpath "$2")
SRCDIR=$(realpath "$3")
mkdir -p "$4"
WORK=$(realpath "$4")
SUITE=${NB_DEB_SUITE:-bookworm}
EPOCH=1700000000
BASE=$WORK/base
ROOT=$WORK/root
FANDOL_DIR=/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol
passed=0

fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}
step() { printf '== %s\n' "$*"; }
ok() {
    passed=$((passed + 1))
    printf 'ok: %s\n' "$*"
}

[ "$(id -u)" -eq 0 ] || fail "run as root (debootstrap and chroot need it)"
[ -f "$DEB" ] || fail "package not found: $DEB (scripts/dev deb makes it)"
[ -x "$REF" ] || fail "reference binary not found: $REF"
for t in debootstrap chroot mount umount cmp sha256sum; do
    command -v "$t" >/dev/null || fail "required tool not installed: $t (apt-get install debootstrap)"
done

# The first deb mirror of this machine's apt sources that serves the suite's main
# component: one-line sources (sources.list, *.list) and deb822 ones (*.sources).
mirror() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk -v s="$SUITE" '
            /^[ \t]*deb[ \t]/ {
                i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                if ($(i + 1) == s) { print $i; exit }
            }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk -v s="$SUITE" '
            function flush() {
                if (types ~ /(^| )deb( |$)/ && enabled != "no" && (" " suites " ") ~ (" " s " ") && uris != "") {
                    split(uris, u, " "); print u[1]; found = 1
                }
                types = uris = suites = enabled = ""
            }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); if (found) exit; next }
            { line = $0; key = tolower(substr(line, 1, index(line, ":") - 1))
              val = substr(line, index(line, ":") + 1); gsub(/^[ \t]+|[ \t]+$/, "", val)
              if (key == "types") types = val; else if (key == "uris") uris = val
              else if (key == "suites") suites = val; else if (key == "enabled") enabled = tolower(val) }
            END { if (!found) flush() }' "$f"
    done
}

cleanup() {
    local m
    for m in proc sys dev/pts; do
        if mountpoint -q "$ROOT/$m" 2>/dev/null; then umount -l "$ROOT/$m" || true; fi
    done
}
trap cleanup EXIT

in_root() { # in_root CMD... — runs CMD in the chroot, in a clean environment
    chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

# ---- 1. a fresh minimal Debian ---------------------------------------------------------
step "1. a minimal Debian $SUITE"
MIRROR=$(mirror | head -n 1)
[ -n "$MIRROR" ] || fail "no deb source for suite $SUITE in /etc/apt/sources.list{,.d}"
if [ ! -f "$BASE/.nb-base-complete" ]; then
    rm -rf "$BASE"
    echo "debootstrap --variant=minbase $SUITE (from the machine's mirror; a few minutes)"
    debootstrap --variant=minbase "$SUITE" "$BASE" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
        fail "debootstrap failed; see $WORK/debootstrap.log"
    touch "$BASE/.nb-base-complete"
fi
cleanup
rm -rf "$ROOT"
cp -a "$BASE" "$ROOT"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
mount -t proc proc "$ROOT/proc"
in_root apt-get update -q >"$WORK/apt-update.log" 2>&1 || fail "apt-get update failed in the chroot; see $WORK/apt-update.log"
in_root dpkg-query -W nianbao >/dev/null 2>&1 && fail "the fresh system already has nianbao"
ok "debootstrap $SUITE: $(in_root dpkg-query -W -f='.\n' | wc -l) packages installed, nianbao not among them"

# ---- 2. what scripts/dev's package sets pull in ----------------------------------------
step "2. packages scripts/dev would install on this fresh system"
count_install() { # count_install PKG... — packages apt would install (no recommends)
    in_root apt-get install --simulate --no-install-recommends "$@" 2>/dev/null | grep -c '^Inst ' || true
}
mapfile -t sample_set < <("$SRCDIR/scripts/dev" packages sample)
mapfile -t test_set < <("$SRCDIR/scripts/dev" packages test)
n_sample=$(count_install "${sample_set[@]}")
n_test=$(count_install "${test_set[@]}")
[ "$n_sample" -gt 0 ] && [ "$n_test" -gt "$n_sample" ] || fail "package counts: sample $n_sample, test $n_test"
ok "scripts/dev sample: ${#sample_set[@]} named, $n_sample installed; scripts/dev test: ${#test_set[@]} named, $n_test installed"

# ---- 3. the package ---------------------------------------------------------------------
step "3. apt install ./$(basename "$DEB")"
mkdir -p "$ROOT/tmp/pkg"
cp "$DEB" "$ROOT/tmp/pkg/"
n_before=$(in_root dpkg-query -W -f='.\n' | wc -l)
(cd "$ROOT/tmp/pkg" && chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
    sh -c "cd /tmp/pkg && apt-get install -y -q ./$(basename "$DEB")") >"$WORK/apt-install.log" 2>&1 ||
    fail "apt install of the package failed; see $WORK/apt-install.log"
n_after=$(in_root dpkg-query -W -f='.\n' | wc -l)
in_root dpkg-query -W -f='${Status}\n' nianbao | grep -q 'install ok installed' || fail "nianbao is not installed"
ver=$(in_root nianbao --version 2>&1) || fail "nianbao --version failed in the chroot: $ver"
ok "installed with $((n_after - n_before - 1)) dependencies; nianbao --version: $ver"
for f in /usr/bin/nianbao /usr/share/nianbao/fonts/fontmap.json /usr/share/man/man1/nianbao.1.gz \
    /usr/share/bash-completion/completions/nianbao /usr/share/doc/nianbao/README.md \
    /usr/include/nianbao.h; do
    [ -e "$ROOT$f" ] || fail "the package did not install $f"
done
ls "$ROOT"/usr/lib/*/libnianbao.so.0 >/dev/null 2>&1 || ls "$ROOT"/usr/lib/libnianbao.so.0 >/dev/null 2>&1 ||
    fail "the package did not install libnianbao.so.0"
ok "files in place: the program, libnianbao.so.0, the header, the data folder, the manual page, the completion, the docs"

# ---- 4. byte identity, the package alone -----------------------------------------------
render_in_root() { # render_in_root SAMPLE OUT — from an unrelated folder of the chroot
    mkdir -p "$ROOT/srv/reports" "$ROOT/home/clerk/work"
    cp "$SRCDIR/samples/$1" "$ROOT/srv/reports/$1"
    chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/home/clerk \
        LANG=C.UTF-8 SOURCE_DATE_EPOCH=$EPOCH \
        sh -c "cd /home/clerk/work && nianbao render /srv/reports/$1 -o out.pdf -q" ||
        fail "nianbao render /srv/reports/$1 failed in the chroot"
    mv "$ROOT/home/clerk/work/out.pdf" "$2"
}
same_files() { # same_files DIR_ON_HOST DIR_IN_ROOT GLOB... — the same bytes in both places
    local d1=$1 d2=$2 g f n=0
    shift 2
    for g in "$@"; do
        for f in "$d2"/$g; do
            [ -f "$f" ] || fail "font missing in the chroot: $f"
            cmp -s "$f" "$d1/$(basename "$f")" || fail "font differs between the chroot and this machine: $(basename "$f")"
            n=$((n + 1))
        done
    done
    echo "$n"
}

step "4. byte identity without Fandol: the chroot's nianbao against the build tree's, with the installed data folder"
[ -e "$FANDOL_DIR/FandolFang-Regular.otf" ] &&
    fail "this machine has Fandol in $FANDOL_DIR: the reference would not be Fandol-free"
[ -e "$ROOT$FANDOL_DIR/FandolFang-Regular.otf" ] && fail "the package alone brought Fandol"
n1=$(same_files /usr/share/fonts/opentype/noto "$ROOT/usr/share/fonts/opentype/noto" 'NotoS*CJK-*.ttc')
n2=$(same_files /usr/share/fonts/truetype/lxgw-wenkai "$ROOT/usr/share/fonts/truetype/lxgw-wenkai" '*.ttf')
n3=$(same_files /usr/share/fonts/truetype/hanazono "$ROOT/usr/share/fonts/truetype/hanazono" '*.ttf')
ok "the $((n1 + n2 + n3)) font files of fonts-noto-cjk, fonts-lxgw-wenkai and fonts-hanazono are byte-identical here and in the chroot"
mkdir -p "$WORK/out"
for s in baofeng-2020.json county-bureau-2021.json; do
    render_in_root "$s" "$WORK/out/chroot-nofandol-$s.pdf"
    (cd /tmp && env SOURCE_DATE_EPOCH=$EPOCH NIANBAO_DATADIR="$ROOT/usr/share/nianbao" \
        "$REF" render "$SRCDIR/samples/$s" -o "$WORK/out/ref-nofandol-$s.pdf" -q) ||
        fail "the reference render of $s failed"
    cmp "$WORK/out/chroot-nofandol-$s.pdf" "$WORK/out/ref-nofandol-$s.pdf" ||
        fail "$s: the installed nianbao and the build tree's binary wrote different bytes"
    fonts=$(pdffonts "$WORK/out/chroot-nofandol-$s.pdf" 2>/dev/null | awk 'NR > 2 { sub(/^[A-Z]+\+/, "", $1); print $1 }' | sort -u | paste -sd, || true)
    ok "$s: same $(stat -c %s "$WORK/out/chroot-nofandol-$s.pdf") bytes (sha256 $(sha256sum <"$WORK/out/chroot-nofandol-$s.pdf" | cut -c1-16)); fonts: ${fonts:-(pdffonts not installed)}"
done

# ---- 5. byte identity with Fandol --------------------------------------------------------
step "5. byte identity with Fandol: the chroot's nianbao against the build tree's as scripts/dev sample runs it"
if [ "${NB_DEB_TEST_TEXLIVE:-0}" = 1 ]; then
    n_before=$(in_root dpkg-query -W -f='.\n' | wc -l)
    in_root apt-get install -y -q --no-install-recommends texlive-lang-chinese >"$WORK/texlive.log" 2>&1 ||
        fail "installing texlive-lang-chinese failed; see $WORK/texlive.log"
    n_after=$(in_root dpkg-query -W -f='.\n' | wc -l)
    how="texlive-lang-chinese installed with apt ($((n_after - n_before)) packages)"
else
    in_root sh -c 'mkdir -p /tmp/tl && cd /tmp/tl && apt-get download -q texlive-lang-chinese && dpkg-deb -x texlive-lang-chinese_*.deb x' \
        >"$WORK/texlive.log" 2>&1 || fail "fetching texlive-lang-chinese failed; see $WORK/texlive.log"
    mkdir -p "$ROOT$FANDOL_DIR"
    cp "$ROOT/tmp/tl/x$FANDOL_DIR"/Fandol*.otf "$ROOT$FANDOL_DIR/"
    rm -rf "$ROOT/tmp/tl"
    how="Fandol unpacked from texlive-lang-chinese into $FANDOL_DIR"
fi
n=$(same_files "$SRCDIR/deps/fandol" "$ROOT$FANDOL_DIR" 'Fandol[FHKS]*.otf')
ok "$how; its $n faces are byte-identical to deps/fandol"
for s in baofeng-2020.json county-bureau-2021.json; do
    render_in_root "$s" "$WORK/out/chroot-fandol-$s.pdf"
    (cd "$SRCDIR" && env -u NIANBAO_DATADIR SOURCE_DATE_EPOCH=$EPOCH \
        "$REF" render "samples/$s" -o "$WORK/out/ref-fandol-$s.pdf" -q) ||
        fail "the reference render of $s failed"
    cmp "$WORK/out/chroot-fandol-$s.pdf" "$WORK/out/ref-fandol-$s.pdf" ||
        fail "$s: the installed nianbao with Fandol and the build tree's binary wrote different bytes"
    cmp -s "$WORK/out/chroot-fandol-$s.pdf" "$WORK/out/chroot-nofandol-$s.pdf" &&
        fail "$s: the render with Fandol equals the one without"
    fonts=$(pdffonts "$WORK/out/chroot-fandol-$s.pdf" 2>/dev/null | awk 'NR > 2 { sub(/^[A-Z]+\+/, "", $1); print $1 }' | sort -u | paste -sd, || true)
    ok "$s: same $(stat -c %s "$WORK/out/chroot-fandol-$s.pdf") bytes (sha256 $(sha256sum <"$WORK/out/chroot-fandol-$s.pdf" | cut -c1-16)); fonts: ${fonts:-(pdffonts not installed)}"
done

# ---- 6. manual page, completion, Python ------------------------------------------------
step "6. man nianbao, the completion, import nianbao"
in_root apt-get install -y -q --no-install-recommends man-db python3 >"$WORK/man-python.log" 2>&1 ||
    fail "installing man-db and python3 failed; see $WORK/man-python.log"
where=$(in_root man -w nianbao) || fail "man -w nianbao found no page"
page=$(in_root env MANPAGER=cat MANWIDTH=80 man nianbao 2>"$WORK/man.err") || fail "man nianbao failed: $(cat "$WORK/man.err")"
case $page in *NAME*nianbao*SYNOPSIS*"nianbao render"*) ;; *) fail "man nianbao printed an unexpected page: ${page:0:300}" ;; esac
[ ! -s "$WORK/man.err" ] || fail "man nianbao warned: $(head -c 300 "$WORK/man.err")"
ok "man nianbao: $where, $(printf '%s\n' "$page" | wc -l) lines; first: $(printf '%s\n' "$page" | head -n 1 | tr -s ' ')"
in_root bash -c '. /usr/share/bash-completion/completions/nianbao && complete -p nianbao' >/dev/null ||
    fail "the installed completion does not define a completion for nianbao"
ok "bash completion: /usr/share/bash-completion/completions/nianbao defines the completion of nianbao"
cp "$SRCDIR/samples/baofeng-2020.json" "$ROOT/srv/reports/seed.json"
in_root env SOURCE_DATE_EPOCH=$EPOCH python3 -c '
import nianbao, sys
data = open("/srv/reports/seed.json", "rb").read()
engine = nianbao.Engine()
pdf, findings = engine.render(data)
for _ in range(4):
    assert engine.render(data)[0] == pdf
open("/tmp/python.pdf", "wb").write(pdf)
print(nianbao.library_path(), findings["errors"], findings["warnings"], engine.last_run["pages"])
' >"$WORK/python.out" 2>&1 || fail "the Python binding failed in the chroot: $(cat "$WORK/python.out")"
cmp "$ROOT/tmp/python.pdf" "$WORK/out/chroot-fandol-baofeng-2020.json.pdf" ||
    fail "import nianbao rendered other bytes than the command"
ok "python3: import nianbao (library $(cut -d' ' -f1 "$WORK/python.out")) renders the seed warm, 5 times the command's bytes"

# `nianbao serve` runs the installed /usr/bin/nianbao-serve: it must start and serve the
# editor's page and its edition table from the installed data folder.
in_root sh -c 'exec nianbao serve --listen 127.0.0.1:0 --drafts /tmp/drafts' >"$WORK/serve.out" 2>&1 &
serve_pid=$!
addr=""
for _ in $(seq 100); do
    addr=$(sed -n 's|^nianbao serve: \(http://[^ ]*\) .*|\1|p' "$WORK/serve.out")
    [ -n "$addr" ] && break
    kill -0 "$serve_pid" 2>/dev/null || break
    sleep 0.1
done
[ -n "$addr" ] || fail "nianbao serve printed no address: $(cat "$WORK/serve.out")"
page=$(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' "$addr") ||
    fail "GET $addr from the chroot's nianbao serve failed"
kill "$serve_pid" 2>/dev/null || true
wait "$serve_pid" 2>/dev/null || true
case $page in *"<html"*app.js*) ;; *) fail "nianbao serve's / is not the editor page: ${page:0:200}" ;; esac
[ -x "$ROOT/usr/bin/nianbao-serve" ] || fail "the package has no /usr/bin/nianbao-serve"
ok "nianbao serve: the installed nianbao-serve served the editor page at $addr"

# ---- 7. scripts/dev sample on a fresh system -----------------------------------------------
if [ "${NB_DEB_TEST_SAMPLE:-0}" = 1 ]; then
    step "7. scripts/dev sample in another fresh $SUITE, from the committed source"
    cleanup
    ROOT=$WORK/root-sample
    rm -rf "$ROOT"
    cp -a "$BASE" "$ROOT"
    cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
    mount -t proc proc "$ROOT/proc"
    mkdir -p "$ROOT/src/nianbao"
    git -C "$SRCDIR" archive HEAD | tar -x -C "$ROOT/src/nianbao"
    n_before=$(in_root dpkg-query -W -f='.\n' | wc -l)
    in_root sh -c 'cd /src/nianbao && scripts/dev sample' >"$WORK/sample.log" 2>&1 ||
        fail "scripts/dev sample failed on a fresh system; see $WORK/sample.log"
    n_after=$(in_root dpkg-query -W -f='.\n' | wc -l)
    (cd "$SRCDIR" && env -u NIANBAO_DATADIR -u SOURCE_DATE_EPOCH "$REF" render samples/baofeng-2020.json \
        -o "$WORK/out/ref-sample.pdf" -q) || fail "the reference render failed"
    cmp "$ROOT/src/nianbao/out/baofeng-2020.pdf" "$WORK/out/ref-sample.pdf" ||
        fail "scripts/dev sample on a fresh system wrote other bytes than the build tree's binary"
    ok "scripts/dev sample installed $((n_after - n_before)) packages, built, and wrote the build tree's bytes ($(stat -c %s "$WORK/out/ref-sample.pdf") bytes)"
fi

echo "deb_install: $passed passed, 0 failed"
