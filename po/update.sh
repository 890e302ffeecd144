#!/bin/bash
# po/update.sh — keeps the message catalogue in step with the sources.
#
#   po/update.sh             regenerates po/nianbao.pot from src/*.c and src/cli/*.c and
#                            merges it into po/zh_CN.po (msgmerge): new messages arrive
#                            untranslated, changed ones marked fuzzy; translate them (a
#                            fuzzy entry: check the Chinese, then delete its "fuzzy" flag)
#                            until tests/e2e/i18n_catalog.sh passes.
#   po/update.sh --pot FILE  only writes the template to FILE (what the test compares).
#
# Messages are found by their functions: the library's nb_fail/nb_vfail (format = 3rd
# argument), nb_status_prefix and nb_status_word (2nd) and api.c's engine_fail (3rd); the
# command's _() and
# N_() (src/cli/i18n.h).
set -euo pipefail
export LC_ALL=C
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

pot=po/nianbao.pot
if [ "${1:-}" = --pot ]; then
    pot=${2:?usage: po/update.sh --pot FILE}
fi
xgettext --from-code=UTF-8 --language=C --add-comments=TRANSLATORS: \
    --keyword=nb_fail:3 --keyword=nb_vfail:3 --keyword=nb_status_prefix:2 \
    --keyword=engine_fail:3 --keyword=nb_status_word:2 --keyword=_ --keyword=N_ \
    --package-name=nianbao --msgid-bugs-address="the nianbao issue tracker" --sort-by-file \
    -o "$pot" src/*.c src/cli/*.c
[ "${1:-}" = --pot ] && exit 0

msgmerge --quiet --update --backup=none --sort-by-file po/zh_CN.po "$pot"
printf 'po/zh_CN.po: %s\n' "$(msgfmt --statistics --check-format -o /dev/null po/zh_CN.po 2>&1)"
