# tests/e2e/fontmap_installed.sh — the font map an installed nianbao uses (dist/fontmap.json,
# installed as share/nianbao/fonts/fontmap.json by cmake/Install.cmake) against the build
# tree's (fonts/fontmap.json):
#  - the two maps are the same but for two additions: each Fandol file is also looked for
#    where Debian's texlive-lang-chinese installs it (right after ../deps/fandol, where a
#    `cmake --install` with NIANBAO_INSTALL_FANDOL puts the checkout's copies; the .deb
#    has none there), and body and table add Noto Serif CJK SC candidates after FandolFang,
#    so an installed system without Fandol can still render;
#  - with Fandol where the installed map looks for it, a render with the installed map
#    gives the very bytes of a render with the build tree's map (so an installed nianbao
#    and the build tree's binary agree);
#  - without Fandol the seed and the 2021 sample still render, with the faces the README
#    and fonts/README.md name: title Noto Serif CJK SC Bold, body and table Noto Serif CJK
#    SC Regular, heading1 Noto Sans CJK SC, heading2 LXGW WenKai.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool python3 pdffonts cmp
TEXLIVE_FANDOL=/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol
INSTALLED=$SRCDIR/dist/fontmap.json
export SOURCE_DATE_EPOCH=1700000000

note "the installed map differs from the build tree's only where Fandol is"
python3 - "$SRCDIR/fonts/fontmap.json" "$INSTALLED" "$TEXLIVE_FANDOL" <<'EOF' || fail "dist/fontmap.json and fonts/fontmap.json disagree (see above)"
import json, sys
dev, inst, tl = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
noto_r = [{"file": "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "face": "NotoSerifCJKsc-Regular"},
          {"family": "Noto Serif CJK SC", "style": "Regular"}]
def to_dev(entries):
    # Each TeX Live Fandol entry must follow the same file under ../deps/fandol; drop it.
    out = []
    for e in entries:
        if e.get("file", "").startswith(tl + "/"):
            twin = {"file": "../deps/fandol/" + e["file"][len(tl) + 1:]}
            if not out or out[-1] != twin:
                bad.append("%s does not follow %s" % (e["file"], twin["file"]))
            continue
        out.append(e)
    return out
bad = []
if inst.get("dirs") != ["../deps/fandol", tl]:
    bad.append("dirs: %r, expected ['../deps/fandol', %r]" % (inst.get("dirs"), tl))
if sorted(inst["roles"]) != sorted(dev["roles"]):
    bad.append("roles: %s vs %s" % (sorted(inst["roles"]), sorted(dev["roles"])))
for role, r in inst["roles"].items():
    cands = to_dev(r["candidates"])
    if role in ("body", "table"):
        if cands[-2:] != noto_r:
            bad.append("%s: the last candidates must be Noto Serif CJK SC Regular" % role)
        cands = cands[:-2]
    if cands != dev["roles"][role]["candidates"]:
        bad.append("%s: candidates differ from fonts/fontmap.json's" % role)
    if to_dev(r["fallback"]) != dev["roles"][role]["fallback"]:
        bad.append("%s: fallback differs from fonts/fontmap.json's" % role)
for e in (e for r in inst["roles"].values() for k in ("candidates", "fallback") for e in r[k]):
    if "file" in e and not e["file"].startswith(("/usr/share/", "../deps/fandol/")):
        bad.append("a file outside /usr/share and ../deps/fandol: %s" % e["file"])
for b in bad:
    print("fontmap:", b, file=sys.stderr)
sys.exit(1 if bad else 0)
EOF

# A data folder as the .deb installs it (no deps/fandol beside the map), with the map's
# TeX Live Fandol folder moved to FANDOL.
datadir() { # datadir DIR FANDOL
    rm -rf "$1" && mkdir -p "$1/fonts"
    cp -r "$SRCDIR/layouts" "$SRCDIR/schema" "$1/"
    sed "s#$TEXLIVE_FANDOL#$2#g" "$INSTALLED" >"$1/fonts/fontmap.json"
}
faces() { pdffonts "$1" | awk 'NR > 2 { sub(/^[A-Z]+\+/, "", $1); print $1 }' | sort -u | paste -sd' '; }

for s in baofeng-2020.json county-bureau-2021.json; do
    note "$s: with Fandol, the installed map gives the build tree's bytes"
    render_ok "$SRCDIR/samples/$s" "$WORKDIR/dev-$s.pdf" -q
    datadir "$WORKDIR/with" "$SRCDIR/deps/fandol"
    NIANBAO_DATADIR=$WORKDIR/with render_ok "$SRCDIR/samples/$s" "$WORKDIR/with-$s.pdf" -q
    cmp "$WORKDIR/dev-$s.pdf" "$WORKDIR/with-$s.pdf" ||
        fail "$s: the installed font map with Fandol gives other bytes than fonts/fontmap.json"
    assert_contains "$(faces "$WORKDIR/with-$s.pdf")" FandolFang-Regular "faces with Fandol"

    note "$s: without Fandol it renders with Noto Serif CJK SC for body and table"
    datadir "$WORKDIR/without" "$WORKDIR/no-fandol-here"
    NIANBAO_DATADIR=$WORKDIR/without render_ok "$SRCDIR/samples/$s" "$WORKDIR/without-$s.pdf" -q
    got=$(faces "$WORKDIR/without-$s.pdf")
    assert_not_contains "$got" Fandol "faces without Fandol"
    for f in NotoSerifCJKsc-Bold NotoSerifCJKsc-Regular NotoSansCJKsc-Regular LXGWWenKai-Regular; do
        assert_contains "$got" "$f" "faces without Fandol"
    done
done
note "ok"
