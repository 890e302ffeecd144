# tests/e2e/seed_text.sh — the seed report, rendered, says exactly what the seed says.
#
#   bash tests/e2e/seed_text.sh NIANBAO_BIN SRCDIR WORKDIR          (what ctest runs)
#   bash tests/e2e/seed_text.sh --compare SEED_TXT PDF_TXT [PDF_LAYOUT_TXT]
#        (the comparison alone, on pdftotext output you already have: plain, and -layout to
#        confirm line-end hyphens; for debugging the layout or this test)
#
# Renders samples/baofeng-2020.json and compares the text of the PDF (plain `pdftotext`, not
# -layout) with tests/data/seed-expected.txt, a verbatim copy of the seed report
# (../shared/reference/seed-report-baofeng-2020.txt). Both sides lose all whitespace; the
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
#     is left. With the -layout text: the numbers come row by row, in the seed's order.
# (c) The whole PDF text has no U+FFFD and no "?" (failed glyph-to-Unicode mapping) and no
#     character the seed does not have.
# On failure it prints what differs, with up to 200 characters of context.

compare() {
    python3 - "$@" <<'PY'
import functools
import re
import sys
from collections import Counter

seed_path, pdf_path = sys.argv[1], sys.argv[2]
layout_path = sys.argv[3] if len(sys.argv) > 3 else None
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
layout, layout_lines = "", []
if layout_path:
    layout_raw = pagenum.sub("\n", open(layout_path, "rb").read().decode("utf-8", "replace"))
    layout = norm(layout_raw)
    layout_lines = layout_raw.split("\n")
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
# pdftotext joins a line that ends in "-" to the next and drops the hyphen (so a URL broken
# after "xxgk-list-" comes out as "xxgk-listbaofengzhen"). A seed "-" may therefore be
# missing from the plain text, but only where `pdftotext -layout` (which keeps line-end
# hyphens) shows it, with the same characters around it.
def find_text(block, start):
    """(start, end) of block in pdf at or after start, or None."""
    parts = block.split("-")
    pat = re.compile("(-?)".join(re.escape(x) for x in parts))
    for m in pat.finditer(pdf, start):
        ok = True
        for g in range(1, len(parts)):
            a, b = m.span(g)
            if a == b and (pdf[max(0, a - 12):a] + "-" + pdf[a:a + 12]) not in layout:
                ok = False  # not a line-end hyphen pdftotext dropped: really missing
        if ok:
            return m.span()
    return None


for kind, items in segments:
    if kind == "text":
        for s in items:
            if find_text(s, 0) is None:
                error(f"seed text line missing from the PDF: {show(s)}")


def longest_prefix_found(block, start):
    """Length of the longest prefix of block found in pdf at or after start, and where."""
    lo, hi, at = 0, len(block), start
    while lo < hi:
        mid = (lo + hi + 1) // 2
        f = find_text(block[:mid], start)
        if f is not None:
            lo, at = mid, f[0]
        else:
            hi = mid - 1
    return lo, at


spans = []  # per text segment: (start, end) in pdf, or None
cursor = 0
for kind, items in segments:
    if kind != "text":
        continue
    block = "".join(items)
    f = find_text(block, cursor)
    if f is None:
        n, at = longest_prefix_found(block, cursor)
        f = find_text(block[:n], at)
        end = f[1] if f else at
        error("seed text run not found contiguous and in order in the PDF text.\n"
              f"  expected next: {show(block[n:], 100)}\n"
              f"  PDF has      : {show(pdf[end:end + 100], 100)}\n"
              f"  PDF context  : {show(pdf[max(0, end - 100):end + 100])}")
        spans.append(None)
        continue
    spans.append(f)
    cursor = f[1]
if spans[0] and spans[0][0] != 0:
    error(f"PDF text before the title: {show(pdf[:spans[0][0]])}")
if spans[-1] and spans[-1][1] != len(pdf):
    error(f"PDF text after the signature date: {show(pdf[spans[-1][1]:])}")

# (b) tables: labels counted (at least), numbers counted (exactly), nothing else left.
NUMBER = re.compile(r"[+-]?\d+")


def assign_pieces(words, labels, need, budget=200000):
    """pdftotext may print a wrapped cell's lines between other cells' words (narrow cells
    side by side come out as "结果 结果 其他" / "维持 纠正 结果"). Decide whether the words,
    in reading order, can all be shared out among label instances so that each instance's
    words, in order, spell its label, and label j gets at least need[j] instances.
    Returns True / False (False also when the search exceeds its budget)."""
    steps = [0]

    @functools.lru_cache(maxsize=None)
    def go(i, state):
        steps[0] += 1
        if steps[0] > budget:
            return False
        if i == len(words):
            return all(done >= need[j] and not parts for j, (done, parts) in enumerate(state))
        w = words[i]
        for j, label in enumerate(labels):
            done, parts = state[j]
            options = [p for p in sorted(set(parts)) if label.startswith(w, p)]
            if label.startswith(w):
                options.append(None)  # a new instance of the label
            for p in options:
                rest = list(parts)
                if p is not None:
                    rest.remove(p)
                q = (p or 0) + len(w)
                if q == len(label):
                    nd = min(done + 1, need[j])
                else:
                    nd = done
                    rest.append(q)
                new = state[:j] + ((nd, tuple(sorted(rest))),) + state[j + 1:]
                if go(i + 1, new):
                    return True
        return False

    return go(0, tuple((0, ()) for _ in labels))


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
    deficit = Counter()
    for label in sorted(labels, key=lambda s: (-len(s), s)):
        pat = re.compile(r"\s*".join(re.escape(c) for c in label))
        rest, found = pat.subn("\n", rest)
        if found < labels[label]:
            deficit[label] = labels[label] - found
    for extra in TABLE_EXTRA_ALLOWED:
        rest = rest.replace(extra, "\n")
    tokens = rest.split()
    words = [w for w in tokens if not NUMBER.fullmatch(w)]
    if words or deficit:
        order = sorted(labels, key=lambda s: (-len(s), s))
        if assign_pieces(tuple(words), tuple(order), tuple(deficit[x] for x in order)):
            print(f"seed_text: {name}: cells split by pdftotext matched piece by piece: "
                  + " ".join(f"{x}×{n}" for x, n in deficit.items()), file=sys.stderr)
        else:
            missing = " ".join(f"{x}×{n}" for x, n in deficit.items()) or "(none)"
            error(f"{name}: the PDF table text does not spell the seed's cell labels.\n"
                  f"  labels not found whole: {show(missing)}\n"
                  f"  text left over: {show(' '.join(words))}\n"
                  f"  PDF table text: {show(norm(region))}")
    # Row by row: in `pdftotext -layout` output a row's numbers share one physical line, so
    # the runs of consecutive numbers, line by line, must be the seed's rows in order.
    if layout_lines:
        head, tail = segments[si - 1][1][-1], segments[si + 1][1][0]
        lo = next((i for i, x in enumerate(layout_lines) if norm(x) == head), None)
        hi = next((i for i, x in enumerate(layout_lines)
                   if lo is not None and i > lo and norm(x) == tail), None)
        if lo is None or hi is None:
            error(f"{name}: heading {head} or {tail} not found on a line of its own in the "
                  "pdftotext -layout text")
        else:
            want, run = [], []
            for c in items:
                if NUMBER.fullmatch(c):
                    run.append(c)
                elif run:
                    want.append(run)
                    run = []
            if run:
                want.append(run)
            have = []
            for line in layout_lines[lo + 1:hi]:
                run = []
                for w in line.split():
                    if NUMBER.fullmatch(w):
                        run.append(w)
                    elif run:
                        have.append(run)
                        run = []
                if run:
                    have.append(run)
            if have != want:
                k = next((i for i in range(min(len(have), len(want))) if have[i] != want[i]),
                         min(len(have), len(want)))
                error(f"{name}: row {k + 1} of numbers (pdftotext -layout) differs: PDF "
                      f"{' '.join(have[k]) if k < len(have) else '(none)'}, seed "
                      f"{' '.join(want[k]) if k < len(want) else '(none)'} "
                      f"({len(have)} rows of numbers in the PDF, {len(want)} in the seed)")
    got = Counter(w for w in tokens if NUMBER.fullmatch(w))
    if got != numbers:
        diff = []
        for num in sorted(set(got) | set(numbers)):
            if got[num] != numbers[num]:
                diff.append(f"{num}: PDF {got[num]}×, seed {numbers[num]}×")
        error(f"{name}: numbers differ from the seed's ({'; '.join(diff)}); "
              f"PDF table text: {show(norm(region))}")

if errors:
    print(f"seed_text: {len(errors)} difference(s) between the PDF text and the seed",
          file=sys.stderr)
    sys.exit(1)
print("seed_text: PDF text matches the seed", file=sys.stderr)
PY
}

if [ "${1:-}" = "--compare" ]; then
    [ "$#" -eq 3 ] || [ "$#" -eq 4 ] || {
        echo "usage: bash $0 --compare SEED_TXT PDF_TXT [PDF_LAYOUT_TXT]" >&2
        exit 2
    }
    shift
    compare "$@"
    exit
fi

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool python3 pdftotext

seed=$SRCDIR/tests/data/seed-expected.txt
data=$SRCDIR/samples/baofeng-2020.json
out=$WORKDIR/baofeng-2020.pdf
txt=$WORKDIR/baofeng-2020.txt
layout_txt=$WORKDIR/baofeng-2020.layout.txt
[ -f "$seed" ] || fail "seed text not found: $seed"

rm -f "$out" "$txt" "$layout_txt"
render_ok "$data" "$out"
pdf_text "$out" >"$txt"
pdf_text "$out" -layout >"$layout_txt"
compare "$seed" "$txt" "$layout_txt" || fail "the text of $out differs from $seed (see above; PDF text in $txt)"
note "ok: $out"
