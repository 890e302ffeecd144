# tests/e2e/bad_input_zh.sh — under a Chinese locale every message of bad_input.sh is in
# Chinese: the same cases run again with LANG=zh_CN.UTF-8, and instead of the English
# needles each message must be Chinese (bad_input.sh's assert_message, zh_message.py);
# and every command's --help is Chinese.
# The locale must exist (scripts/dev test set-up generates it); without it the test is
# skipped, since the C library would fall back to English.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool python3
locale -a 2>/dev/null | grep -qix 'zh_CN.utf-\?8' || {
    note "skip: the zh_CN.UTF-8 locale is not installed (scripts/dev setup_test makes it)"
    exit 77
}
unset LC_ALL LC_MESSAGES LANGUAGE

# The help of every command is Chinese too, and every option it lists in English is
# still listed (the translation dropped none).
for cmd in "" render check init serve; do
    zh=$(LANG=zh_CN.UTF-8 "$NIANBAO" $cmd --help) || fail "nianbao $cmd --help failed under zh_CN"
    en=$(LANG=C.UTF-8 "$NIANBAO" $cmd --help) || fail "nianbao $cmd --help failed under C"
    assert_contains "$zh" "用法：nianbao" "nianbao $cmd --help under zh_CN.UTF-8"
    for opt in $(printf '%s\n' "$en" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
        assert_contains "$zh" "$opt" "nianbao $cmd --help under zh_CN.UTF-8 (the English help lists $opt)"
    done
done
note "the help of nianbao, render, check, init and serve is Chinese and lists every option"

LANG=zh_CN.UTF-8 BAD_INPUT_LANG=zh exec bash "$SRCDIR/tests/e2e/bad_input.sh" "$NIANBAO" "$SRCDIR" "$WORKDIR"
