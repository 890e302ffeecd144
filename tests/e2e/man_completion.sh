# tests/e2e/man_completion.sh — the manual page and the bash completion say what the command
# does: the page formats without a warning, every option `nianbao render --help` and
# `nianbao check --help` and
# `nianbao init --help` list is in both, and the completion offers the commands, the
# options, the font roles and *.json files where a data file is expected.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool groff preconv
MAN=$SRCDIR/dist/nianbao.1
COMP=$SRCDIR/dist/nianbao.bash
BC=/usr/share/bash-completion/bash_completion
[ -f "$BC" ] || fail "bash-completion is not installed ($BC)"

# The page formats cleanly (UTF-8 input, UTF-8 output, every warning on).
warnings=$(preconv "$MAN" | groff -man -Tutf8 -ww -z 2>&1) || fail "groff failed on nianbao.1"
[ -z "$warnings" ] || fail "groff warns on nianbao.1: ${warnings:0:300}"

# Every option of the command's help is documented and completed.
options=$({ "$NIANBAO" render --help; "$NIANBAO" check --help; "$NIANBAO" init --help; } 2>&1 |
    grep -o -- '--[a-z][a-z-]*' | sort -u)
[ -n "$options" ] || fail "no options found in the command's help"
page=$(preconv "$MAN" | groff -man -Tutf8 2>/dev/null | sed 's/.\x08//g')
for o in $options; do
    assert_contains "$page" "$o" "nianbao(1)"
    grep -q -- "$o" "$COMP" || fail "the bash completion does not offer $o"
done

# The completion itself, driven as bash does it.
cd "$WORKDIR"
rm -rf comp && mkdir comp && cd comp
touch report-2024.json report-2023.json notes.txt
complete_words() { # complete_words WORD... — what <TAB> offers after the words
    bash -c '
        . "$1"; . "$2"; shift 2
        COMP_WORDS=(nianbao "$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
        COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
        _nianbao nianbao "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf "%s\n" "${COMPREPLY[@]}"' _ "$BC" "$COMP" "$@"
}
got=$(complete_words "")
assert_contains "$got" render "completion of the command"
assert_contains "$got" check "completion of the command"
got=$(complete_words render --fo)
assert_contains "$got" --font "completion of render --fo"
assert_contains "$got" --force "completion of render --fo"
got=$(complete_words render --font "")
assert_contains "$got" body= "completion of --font"
assert_contains "$got" heading2= "completion of --font"
got=$(complete_words render "")
assert_contains "$got" report-2024.json "completion of a data file"
assert_not_contains "$got" notes.txt "completion of a data file"
assert_contains "$(complete_words "")" init "completion of the command"
got=$(complete_words init --ed)
assert_contains "$got" --edition "completion of init --ed"
got=$(complete_words init --edition "")
assert_contains "$got" 2021 "completion of --edition"
got=$(complete_words init --from "")
assert_contains "$got" report-2023.json "completion of --from"
got=$(complete_words check report-2024.json --format "")
assert_contains "$got" json "completion of --format"
note "man page and completion agree with the command"
