# tests/e2e/bad_input_zh.sh — under a Chinese locale every message of bad_input.sh is in
# Chinese: the same cases run again with LANG=zh_CN.UTF-8, and instead of the English
# needles each message must be Chinese (bad_input.sh's assert_message, zh_message.py).
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
LANG=zh_CN.UTF-8 BAD_INPUT_LANG=zh exec bash "$SRCDIR/tests/e2e/bad_input.sh" "$NIANBAO" "$SRCDIR" "$WORKDIR"
