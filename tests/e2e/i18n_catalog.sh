# tests/e2e/i18n_catalog.sh — the Chinese catalogue covers every message in the sources.
#
# Regenerates the message template from src/*.c and src/cli/*.c (po/update.sh --pot, the
# same extraction the maintainers run) into the work folder, then fails when a message of
# the fresh template is missing from po/zh_CN.po, untranslated or fuzzy, or when msgfmt
# finds a translation whose printf conversions differ from its English original.
# To fix a failure: po/update.sh, then translate what it reports.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
for t in xgettext msgcmp msgattrib msgfmt; do require_tool "$t"; done

W=$WORKDIR
rm -rf "${W:?}"/*
PO=$SRCDIR/po/zh_CN.po
bash "$SRCDIR/po/update.sh" --pot "$W/fresh.pot" 2>"$W/xgettext.err" ||
    fail "xgettext failed: $(cat "$W/xgettext.err")"
n=$(grep -c '^msgid ' "$W/fresh.pot")
[ "$n" -gt 200 ] || fail "the fresh template has only $n messages: extraction is broken"

# (a) every message of the sources is in the catalogue, translated and not fuzzy.
msgcmp "$PO" "$W/fresh.pot" >"$W/msgcmp.out" 2>&1 ||
    fail "messages of the sources missing from po/zh_CN.po (run po/update.sh and translate):
$(grep -v '^msgcmp:' "$W/msgcmp.out" | head -40)"
msgattrib --untranslated --no-obsolete "$PO" >"$W/untranslated.po"
msgattrib --only-fuzzy --no-obsolete "$PO" >"$W/fuzzy.po"
for kind in untranslated fuzzy; do
    if grep -q '^msgid "[^"]' "$W/$kind.po" || [ "$(grep -c '^msgid' "$W/$kind.po")" -gt 1 ]; then
        fail "$kind messages in po/zh_CN.po:
$(grep -A2 '^msgid' "$W/$kind.po" | head -40)"
    fi
done

# (b) the catalogue compiles, and every translation takes its original's conversions.
msgfmt --check --check-format -o "$W/zh_CN.mo" "$PO" 2>"$W/msgfmt.err" ||
    fail "msgfmt --check --check-format: $(cat "$W/msgfmt.err")"

# The command finds the catalogue: a message of its own, in Chinese.
rc=0
LC_ALL=zh_CN.UTF-8 "$NIANBAO" render --colour 2>"$W/zh.stderr" || rc=$?
[ "$rc" -eq 2 ] || fail "render --colour exited $rc, expected 2"
if locale -a 2>/dev/null | grep -qix 'zh_CN.utf-\?8'; then
    assert_file_contains "$W/zh.stderr" "未知的选项"
fi
note "po/zh_CN.po: $n messages of the sources, all translated"
