# tests/e2e/seed_text.sh — the seed report, rendered, says exactly what the seed says.
#
#   bash tests/e2e/seed_text.sh NIANBAO_BIN SRCDIR WORKDIR          (what ctest runs)
#   bash tests/e2e/seed_text.sh --compare SEED_TXT PDF_TXT           (the comparison alone,
#        on a pdftotext output you already have; for debugging the layout or this test)
#
# Renders samples/baofeng-2020.json and compares the text of the PDF (plain `pdftotext`, not
# -layout) with tests/data/seed-expected.txt, a verbatim copy of the seed report
# (/work/shared/reference/seed-report-baofeng-2020.txt). Both sides lose all whitespace; the
# seed loses its Word artefact "[bookmark: _GoBack]" and has its typo 结果维护 corrected to
# 结果维持 (the template's word, which the layout prints); the PDF loses its page numbers
# "— N —". Seed lines starting with a tab are table cells, the other lines are text.
#
# (a) Text: every text line of the seed occurs in the PDF text, and every run of consecutive
#     text lines (title … 二、 heading; 三、 heading; 四、 heading; 五、 … date) occurs as one
#     contiguous string, in order, with nothing before the first and after the last.
# (b) Tables (the PDF text between those runs): every seed cell label occurs at least as
#     often as in the seed (header rows may repeat after a page break; pdftotext may order
#     spanning cells differently), labels matched longest first; once the labels are taken
#     out, the numbers left (digit strings) have exactly the seed's counts, and nothing else
#     is left.
# (c) The whole PDF text has no U+FFFD and no "?" (failed glyph-to-Unicode mapping) and no
#     character the seed does not have.
# On failure it prints what differs, with up to 200 characters of context.

compare() {
    python3 - "$1" "$2" <<'PY'
import re
import sys
from collections import Counter

seed_path, pdf_path = sys.argv[1], sys.argv[2]
# Characters the layout may print that the seed does not have (none so far).
EXTRA_ALLOWED = ""
# Text in a table region that is neither a seed label nor a number but is allowed
# (e.g. a continuation mark, if the layout ever prints one). None so far.
TABLE_EXTRA_ALLOWED = []

WS = re.compile(r"\s+")


def norm(s):
    return WS.sub("", s)


def show(s, width=200):
    return s[:width] + ("…" if len(s) > width else "")


errors = []


def error(msg):
    errors.append(msg)
    print("FAIL: " + msg, file=sys.stderr)


# ---- the seed ---------------------------------------------------------------------------
seed = open(seed_path, "rb").read().decode("utf-8")
seed = seed.replace("[bookmark: _GoBack]", "").replace("结果维护", "结果维持")
segments = []  # [kind, [strings]]: kind "text" (lines) or "table" (cells)
for line in seed.split("\n"):
    kind = "table" if line.startswith("\t") else "text"
    s = norm(line)
    if not s:
        continue
    if segments and segments[-1][0] == kind:
        segments[-1][1].append(s)
    else:
        segments.append([kind, [s]])
if not segments or segments[0][0] != "text" or segments[-1][0] != "text":
    sys.exit("seed file does not start and end with text: " + seed_path)
seed_chars = set(norm(seed))

# ---- the PDF text -----------------------------------------------------------------------
raw = open(pdf_path, "rb").read().decode("utf-8", "replace")
pagenum = re.compile(r"[\u2014\u2015\u2013\uFF0D]+[ \t\u3000]*\d{1,4}[ \t\u3000]*[\u2014\u2015\u2013\uFF0D]+")
npages = len(pagenum.findall(raw))
raw = pagenum.sub("\n", raw)
# pdf: the text without whitespace; where[i]: index in raw of pdf[i].
pdf_chars, where = [], []
for i, c in enumerate(raw):
    if not c.isspace():
        pdf_chars.append(c)
        where.append(i)
pdf = "".join(pdf_chars)
where.append(len(raw))
print(f"seed_text: {len(pdf)} characters of PDF text, {npages} page numbers removed",
      file=sys.stderr)

# (c) no replacement characters, nothing the seed does not have.
for bad, name in (("\uFFFD", "U+FFFD"), ("?", '"?"')):
    k = pdf.find(bad)
    if k >= 0:
        error(f"PDF text contains {name} ({pdf.count(bad)}×), first at: "
              f"{show(pdf[max(0, k - 100):k + 100])}")
foreign = Counter(c for c in pdf if c not in seed_chars and c not in EXTRA_ALLOWED)
if foreign:
    c0 = next(iter(foreign))
    k = pdf.find(c0)
    error("PDF text has characters the seed does not have: "
          + " ".join(f"{c!r}(U+{ord(c):04X})×{n}" for c, n in foreign.most_common(20))
          + f"; first at: {show(pdf[max(0, k - 100):k + 100])}")

# (a) text lines anywhere; text runs contiguous and in order.
for kind, items in segments:
    if kind == "text":
        for s in items:
            if s not in pdf:
                error(f"seed text line missing from the PDF: {show(s)}")


def longest_prefix_found(block, start):
    """Length of the longest prefix of block found in pdf at or after start, and where."""
    lo, hi, at = 0, len(block), start
    while lo < hi:
        mid = (lo + hi + 1) // 2
        k = pdf.find(block[:mid], start)
        if k >= 0:
            lo, at = mid, k
        else:
            hi = mid - 1
    return lo, at


spans = []  # per text segment: (start, end) in pdf, or None
cursor = 0
for kind, items in segments:
    if kind != "text":
        continue
    block = "".join(items)
    k = pdf.find(block, cursor)
    if k < 0:
        n, at = longest_prefix_found(block, cursor)
        error("seed text run not found contiguous and in order in the PDF text.\n"
              f"  expected next: {show(block[n:], 100)}\n"
              f"  PDF has      : {show(pdf[at + n:at + n + 100], 100)}\n"
              f"  PDF context  : {show(pdf[max(0, at + n - 100):at + n + 100])}")
        spans.append(None)
        continue
    spans.append((k, k + len(block)))
    cursor = k + len(block)
if spans[0] and spans[0][0] != 0:
    error(f"PDF text before the title: {show(pdf[:spans[0][0]])}")
if spans[-1] and spans[-1][1] != len(pdf):
    error(f"PDF text after the signature date: {show(pdf[spans[-1][1]:])}")

# (b) tables: labels counted (at least), numbers counted (exactly), nothing else left.
NUMBER = re.compile(r"[+-]?\d+")


def take_interleaved(text, label):
    """A cell label that pdftotext split into pieces between other cells' words: take the
    first non-numeric whitespace-separated words of `text` that, in order, spell `label`
    (a wrapped multi-line cell, or a tall narrow cell printed one character per line).
    Returns (text without those words, True), or (text, False) when they do not exist."""
    pos, used = 0, []
    for m in re.finditer(r"\S+", text):
        word = m.group()
        if NUMBER.fullmatch(word) or not label.startswith(word, pos):
            continue
        used.append(m.span())
        pos += len(word)
        if pos == len(label):
            out, last = [], 0
            for a, b in used:
                out.append(text[last:a])
                out.append("\n")
                last = b
            out.append(text[last:])
            return "".join(out), True
    return text, False


ti = 0
table_names = "ABC"
for si, (kind, items) in enumerate(segments):
    if kind != "table":
        continue
    name = "table " + (table_names[ti] if ti < len(table_names) else str(ti + 1))
    ti += 1
    t = sum(1 for k, _ in segments[:si] if k == "text")  # text segments before this table
    before, after = spans[t - 1], spans[t]
    if before is None or after is None:
        error(f"{name}: not checked, the text around it was not found")
        continue
    region = raw[where[before[1]]:where[after[0]]]
    labels = Counter(s for s in items if not NUMBER.fullmatch(s))
    numbers = Counter(s for s in items if NUMBER.fullmatch(s))
    rest = region
    for label in sorted(labels, key=lambda s: (-len(s), s)):
        pat = re.compile(r"\s*".join(re.escape(c) for c in label))
        rest, found = pat.subn("\n", rest)
        while found < labels[label]:
            rest, ok = take_interleaved(rest, label)
            if not ok:
                break
            found += 1
            print(f"seed_text: {name}: label {label} found interleaved with other cells",
                  file=sys.stderr)
        if found < labels[label]:
            error(f"{name}: label {label} occurs {found}× in the PDF table text, "
                  f"the seed has it {labels[label]}×")
    for extra in TABLE_EXTRA_ALLOWED:
        rest = rest.replace(extra, "\n")
    got = Counter(NUMBER.findall(rest))
    if got != numbers:
        diff = []
        for num in sorted(set(got) | set(numbers)):
            if got[num] != numbers[num]:
                diff.append(f"{num}: PDF {got[num]}×, seed {numbers[num]}×")
        error(f"{name}: numbers differ from the seed's ({'; '.join(diff)}); "
              f"PDF table text: {show(norm(region))}")
    left = norm(NUMBER.sub("\n", rest))
    if left:
        error(f"{name}: PDF table text that is neither a seed label nor a number: "
              f"{show(left)}")

if errors:
    print(f"seed_text: {len(errors)} difference(s) between the PDF text and the seed",
          file=sys.stderr)
    sys.exit(1)
print("seed_text: PDF text matches the seed", file=sys.stderr)
PY
}

if [ "${1:-}" = "--compare" ]; then
    [ "$#" -eq 3 ] || { echo "usage: bash $0 --compare SEED_TXT PDF_TXT" >&2; exit 2; }
    compare "$2" "$3"
    exit
fi

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool python3 pdftotext

seed=$SRCDIR/tests/data/seed-expected.txt
data=$SRCDIR/samples/baofeng-2020.json
out=$WORKDIR/baofeng-2020.pdf
txt=$WORKDIR/baofeng-2020.txt
[ -f "$seed" ] || fail "seed text not found: $seed"

rm -f "$out" "$txt"
render_ok "$data" "$out"
pdf_text "$out" >"$txt"
compare "$seed" "$txt" || fail "the text of $out differs from $seed (see above; PDF text in $txt)"
note "ok: $out"
