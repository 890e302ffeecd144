#!/usr/bin/env python3
"""zh_message.py — is every message line of a file Chinese?  (tests/e2e/bad_input_zh.sh)

usage: zh_message.py FILE [PATH...]

Each non-empty line of FILE is one message of nianbao.  What the message quotes is taken
out first — the PATHs given (work and source folders), file names, quoted excerpts
('...', "...", “...”), JSON paths, code points and command-line options — so that only the
words nianbao wrote itself remain.  Those must hold at least two Chinese characters and no
English sentence (three English words in a row).  Exit status 1 with the offending lines.
"""
import re
import sys

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
ENGLISH = re.compile(r"\b[A-Za-z]{2,}(?:[ ,']+[A-Za-z]{2,}){2,}\b")
QUOTED = [
    re.compile(r"'[^'\n]*'"),
    re.compile(r'"[^"\n]*"'),
    re.compile(r"“[^”\n]*”"),
    re.compile(r"\[[^\]\n]*\]"),
    re.compile(r"\$[\w.\[\]$]*"),
    re.compile(r"[\w./-]+\.(?:json|pdf|otf|ttf|ttc|txt)\b"),
    re.compile(r"U\+[0-9A-F]{4,6}"),
    re.compile(r"--?[a-z][\w-]*(?:=\S*)?"),
]


def own_words(line, paths):
    for p in paths:
        line = line.replace(p, "")
    for q in QUOTED:
        line = q.sub(" ", line)
    return line


def main():
    path, paths = sys.argv[1], sorted(sys.argv[2:], key=len, reverse=True)
    bad = []
    lines = [l for l in open(path, encoding="utf-8").read().splitlines() if l.strip()]
    if not lines:
        bad.append("(no message at all)")
    for line in lines:
        words = own_words(line, paths)
        if len(CJK.findall(words)) < 2 or ENGLISH.search(words):
            bad.append(line)
    for line in bad:
        print("not Chinese:", line, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
