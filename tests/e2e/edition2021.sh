# edition2021.sh — the 2021 edition rendered: its three tables have the official 2021 grids,
# and its text extracts right.
#
# Renders samples/county-bureau-2021.json (with --dump for the box model) and checks:
#
# (1) The layout layouts/gov-annual-2021.json has the official 2021 grids: the test carries
#     its own copy of the grids of ../shared/reference/official-template.md (labels,
#     column and row spans, which data value goes in which cell) and the layout's tables must
#     match it cell by cell.  Only column widths come from the layout (they may be tuned):
#     column boundaries = 28 mm left margin + relative widths × the 156 mm measure.
# (2) Rules.  Every cell edge of the official grid, in every page fragment of a table (a
#     table may break across pages, repeating its header rows and continuing a cell that
#     spans rows), must be drawn where two different cells meet and along the frame, and
#     must NOT be drawn inside a spanning cell.  Checked twice: in the box dump (rule
#     segments) and in the PDF itself, rendered with `pdftoppm -gray -aaVector no` at 150 dpi
#     and sampled along each edge (a drawn 0.5 pt rule is an unbroken dark run; a missing one
#     has no long dark run).  The brief's two cases are reported by name: table A row 6
#     (信息内容 · [本年处理决定数量 ×3]) has no vertical rule between columns 2–4, and table
#     B's 三、本年度办理结果 (22 rows) has no horizontal rule across column 1 in any fragment.
# (3) Positions, from `pdftotext -bbox-layout`: words of one cell (stacked, centred lines)
#     are joined; every label is found as often as the fragments need it, with its x-centre
#     and its whole extent inside its column span and its row band (row bands are the
#     horizontal rules found in (2)); cells of one row share a vertical centre; rows come in
#     order; every value cell holds the data's number; nothing else is inside a table.
# (4) Text: plain `pdftotext` of the whole PDF, whitespace and page numbers removed, is the
#     title, opening, 一、 heading and overview, 二、 heading — table A — 三、 heading — table
#     B — 四、 heading — table C — 五、 … 六、 … signing office and date, in that order, with
#     nothing before or after; no U+FFFD or "?" anywhere.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool pdftotext pdftoppm python3

W=$WORKDIR
DATA=$SRCDIR/samples/county-bureau-2021.json
LAYOUT=$SRCDIR/layouts/gov-annual-2021.json
rm -f "$W"/page-*.pgm "$W"/c21.*

render_ok "$DATA" "$W/c21.pdf" --dump "$W/c21.dump"
[ ! -s "$W/c21.pdf.stderr" ] || fail "clean 2021 sample printed: $(cat "$W/c21.pdf.stderr")"
pdftotext -enc UTF-8 -bbox-layout "$W/c21.pdf" "$W/c21.bbox.html" ||
    fail "pdftotext -bbox-layout could not read the PDF"
pdf_text "$W/c21.pdf" >"$W/c21.txt"
pdftoppm -r 150 -gray -aa no -aaVector no "$W/c21.pdf" "$W/page" ||
    fail "pdftoppm could not render the PDF"

python3 - "$LAYOUT" "$DATA" "$W/c21.dump" "$W/c21.bbox.html" "$W/c21.txt" "$W" 150 <<'EOF'
import glob, html, json, re, sys

layout_path, data_path, dump_path, bbox_path, text_path, work, dpi = sys.argv[1:]
DPI = float(dpi)
MM = 72 / 25.4
LEFT, MEASURE = 28 * MM, 156 * MM
errors = []


def error(msg):
    if len(errors) < 60:
        print("FAIL: " + msg, file=sys.stderr)
    errors.append(msg)


def done():
    if errors:
        print(f"FAIL: {len(errors)} problem(s)", file=sys.stderr)
        sys.exit(1)


layout = json.load(open(layout_path, encoding="utf-8"))
data = json.load(open(data_path, encoding="utf-8"))


def value_at(path):
    node = data
    for k in path.split("."):
        node = node[k]
    return node


def fmt(v):
    if isinstance(v, dict):  # an amount given with its unit
        v = v["value"]
    return str(int(v)) if float(v) == int(v) else repr(float(v))


# ------------------------------------------------------------------ (1) the official grids
def L(text, cs=1, rs=1):
    return ("L", text, cs, rs)


def V(path, cs=1):
    return ("V", path, cs, 1)


B_COLS = ["natural", "commercial", "research", "public_interest", "legal_services", "other", "total"]
C_COLS = ["upheld", "corrected", "other", "pending", "total"]


def vrow(path, cols):
    return [V(f"{path}.{c}") for c in cols]


TABLE_A = [
    [L("第二十条第（一）项", 4)],
    [L("信息内容"), L("本年制发件数"), L("本年废止件数"), L("现行有效件数")],
    [L("规章")] + vrow("active.rules", ["issued", "repealed", "in_force"]),
    [L("行政规范性文件")] + vrow("active.normative_documents", ["issued", "repealed", "in_force"]),
    [L("第二十条第（五）项", 4)],
    [L("信息内容"), L("本年处理决定数量", 3)],
    [L("行政许可"), V("active.licensing.decisions", 3)],
    [L("第二十条第（六）项", 4)],
    [L("信息内容"), L("本年处理决定数量", 3)],
    [L("行政处罚"), V("active.penalty.decisions", 3)],
    [L("行政强制"), V("active.coercion.decisions", 3)],
    [L("第二十条第（八）项", 4)],
    [L("信息内容"), L("本年收费金额（单位：万元）", 3)],
    [L("行政事业性收费"), V("active.fees.amount", 3)],
]
R = "applications.results"
TABLE_B = [
    [L("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3),
     L("申请人情况", 7)],
    [L("自然人", 1, 2), L("法人或其他组织", 5), L("总计", 1, 2)],
    [L("商业企业"), L("科研机构"), L("社会公益组织"), L("法律服务机构"), L("其他")],
    [L("一、本年新收政府信息公开申请数量", 3)] + vrow("applications.new", B_COLS),
    [L("二、上年结转政府信息公开申请数量", 3)] + vrow("applications.carried_over", B_COLS),
    [L("三、本年度办理结果", 1, 22), L("（一）予以公开", 2)] + vrow(f"{R}.disclosed", B_COLS),
    [L("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 2)]
    + vrow(f"{R}.partially_disclosed", B_COLS),
]
SUB = [
    ("（三）不予公开", "refused",
     [("1.属于国家秘密", "state_secret"), ("2.其他法律行政法规禁止公开", "prohibited_by_law"),
      ("3.危及“三安全一稳定”", "three_safeties"), ("4.保护第三方合法权益", "third_party_rights"),
      ("5.属于三类内部事务信息", "internal_affairs"), ("6.属于四类过程性信息", "process_information"),
      ("7.属于行政执法案卷", "enforcement_files"), ("8.属于行政查询事项", "inquiry_matters")]),
    ("（四）无法提供", "unable",
     [("1.本机关不掌握相关政府信息", "not_held"), ("2.没有现成信息需要另行制作", "needs_creation"),
      ("3.补正后申请内容仍不明确", "still_unclear")]),
    ("（五）不予处理", "not_processed",
     [("1.信访举报投诉类申请", "petition"), ("2.重复申请", "repeated"),
      ("3.要求提供公开出版物", "publication"), ("4.无正当理由大量反复申请", "excessive"),
      ("5.要求行政机关确认或重新出具已获取信息", "confirmation")]),
    ("（六）其他处理", "other",
     [("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "no_correction"),
      ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "no_fee"),
      ("3.其他", "other")]),
]
for head, key, items in SUB:
    for i, (label, sub) in enumerate(items):
        first = [L(head, 1, len(items))] if i == 0 else []
        TABLE_B.append(first + [L(label)] + vrow(f"{R}.{key}.{sub}", B_COLS))
TABLE_B += [
    [L("（七）总计", 2)] + vrow(f"{R}.total", B_COLS),
    [L("四、结转下年度继续办理", 3)] + vrow("applications.carried_forward", B_COLS),
]
RESULTS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
TABLE_C = [
    [L("行政复议", 5), L("行政诉讼", 10)],
    [L(t, 1, 2) for t in RESULTS] + [L("未经复议直接起诉", 5), L("复议后起诉", 5)],
    [L(t) for t in RESULTS] * 2,
    vrow("reviews.reconsideration", C_COLS) + vrow("reviews.litigation_direct", C_COLS)
    + vrow("reviews.litigation_after_review", C_COLS),
]
# name, official rows, columns, header rows repeated on a new page
TABLES = [("A", TABLE_A, 4, 0), ("B", TABLE_B, 10, 3), ("C", TABLE_C, 15, 3)]


class Grid:
    """Cells placed on the grid like HTML table cells; owner[r][c] is a cell index."""

    def __init__(self, name, rows, ncols, nhead):
        self.name, self.rows, self.ncols, self.nhead = name, rows, ncols, nhead
        self.nrows = len(rows)
        self.owner = [[None] * ncols for _ in range(self.nrows)]
        self.cells = []  # (kind, content, r, c, cs, rs)
        for r, row in enumerate(rows):
            c = 0
            for kind, content, cs, rs in row:
                while c < ncols and self.owner[r][c] is not None:
                    c += 1
                assert c + cs <= ncols, (name, r, content)
                idx = len(self.cells)
                self.cells.append((kind, content, r, c, cs, rs))
                for rr in range(r, r + rs):
                    for cc in range(c, c + cs):
                        assert self.owner[rr][cc] is None, (name, rr, cc)
                        self.owner[rr][cc] = idx
                c += cs
        for r in range(self.nrows):
            assert None not in self.owner[r], (name, r)

    def describe(self, idx):
        kind, content, r, c, cs, rs = self.cells[idx]
        return f"{content}" if kind == "L" else f"[{content}]"


grids = [Grid(*t) for t in TABLES]
if sum(1 for _, r, _, _ in TABLES for _ in r) != 14 + 28 + 4:
    error("internal: official grids have the wrong number of rows")
# the brief's named facts about the 2021 grids
gA, gB, gC = grids
if gB.cells[gB.owner[5][0]][5] != 22 or gB.cells[gB.owner[5][0]][1] != "三、本年度办理结果":
    error("internal: table B 三、本年度办理结果 should span 22 rows")

# the layout's tables against the official grids
def layout_cells(block):
    out = []
    for row in block["rows"]:
        cells = []
        for cell in row:
            if isinstance(cell, str):
                cells.append(L(cell))
            elif "values" in cell:
                cells += vrow(cell["values"], block["value_columns"])
            elif "value" in cell:
                cells.append(V(cell["value"], cell.get("colspan", 1)))
            else:
                cells.append(L(cell.get("text", ""), cell.get("colspan", 1), cell.get("rowspan", 1)))
        out.append(cells)
    return out


page = layout["page"]
for key, want in (("margin_left", "28mm"), ("width", "210mm")):
    if page.get(key) != want:
        error(f"layout page.{key} is {page.get(key)!r}, the template's page has {want}")
if page.get("margin_right") != "26mm":
    error(f"layout page.margin_right is {page.get('margin_right')!r}: the measure is not 156 mm")
tables = [b for b in layout["content"] if b["type"] == "table"]
if len(tables) != 3:
    error(f"layout has {len(tables)} tables, the 2021 template has 3")
    done()
bounds = {}
for g, block in zip(grids, tables):
    got = layout_cells(block)
    if len(got) != g.nrows:
        error(f"layout table {g.name}: {len(got)} rows, the template has {g.nrows}")
    for r, (want_row, got_row) in enumerate(zip(g.rows, got)):
        if want_row != got_row:
            error(f"layout table {g.name} row {r + 1}: {got_row} but the template has {want_row}")
    if len(block["columns"]) != g.ncols:
        error(f"layout table {g.name}: {len(block['columns'])} columns, the template has {g.ncols}")
        done()
    if g.nhead and block.get("header_rows") != g.nhead:
        error(f"layout table {g.name}: header_rows {block.get('header_rows')}, expected {g.nhead}")
    total = sum(block["columns"])
    acc, b = 0.0, [LEFT]
    for w in block["columns"]:
        acc += w
        b.append(LEFT + acc / total * MEASURE)
    bounds[g.name] = b
done()

# ------------------------------------------------------------------ the PDF's words
WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">'
                  r"([^<]*)</word>")
src = open(bbox_path, encoding="utf-8").read()
pdf_pages = []
for chunk in src.split("<page ")[1:]:
    pdf_pages.append([(float(a), float(b), float(c), float(d), html.unescape(t))
                      for a, b, c, d, t in WORD.findall(chunk)])


# ------------------------------------------------------------------ the box dump
dump_pages = []  # per page: {"rules": [...], "texts": [...]}
for line in open(dump_path, encoding="utf-8"):
    parts = line.split(" ", 6)
    if parts[0] == "page":
        dump_pages.append({"rules": [], "texts": []})
    elif parts[0] == "rule":
        x0, y0, x1, y1, w = map(float, parts[1:6])
        dump_pages[-1]["rules"].append((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1), w))


def near(a, b, tol=0.05):
    return abs(a - b) <= tol


# Fragments: on each page, rules grouped into vertically separate blocks.
fragments = []  # dicts: table, page, rules, ys (row boundaries), x0, x1, y0, y1
for pno, pg in enumerate(dump_pages, 1):
    rules = sorted(pg["rules"], key=lambda r: r[1])
    blocks = []
    for r in rules:
        if blocks and r[1] <= blocks[-1]["y1"] + 0.05:
            blk = blocks[-1]
            blk["rules"].append(r)
            blk["y1"] = max(blk["y1"], r[3])
        else:
            blocks.append({"rules": [r], "y0": r[1], "y1": r[3]})
    for blk in blocks:
        xs = sorted({round(r[0], 2) for r in blk["rules"] if near(r[0], r[2])})
        match = [g for g in grids if len(xs) == len(bounds[g.name])
                 and all(near(x, b, 0.06) for x, b in zip(xs, bounds[g.name]))]
        if len(match) != 1:
            error(f"page {pno}: a ruled block at y {blk['y0']:.2f}–{blk['y1']:.2f} has vertical "
                  f"rules at {xs}, which are the column boundaries of no 2021 table "
                  f"(A {[round(v, 2) for v in bounds['A']]}, B …, C …)")
            continue
        ys = []
        for y in sorted(r[1] for r in blk["rules"] if near(r[1], r[3])):
            if not ys or not near(y, ys[-1]):
                ys.append(y)
        fragments.append({"g": match[0], "page": pno, "rules": blk["rules"], "ys": ys,
                          "y0": blk["y0"], "y1": blk["y1"]})
done()
order = [f["g"].name for f in fragments]
if not re.fullmatch(r"A+B+C+", "".join(order)):
    error(f"tables come in the order {order}, expected A…, B…, C…")
    done()

# Rows of each fragment: the repeated header rows, then the next body rows.
for g in grids:
    frs = [f for f in fragments if f["g"] is g]
    nxt = 0 if not g.nhead else g.nhead
    for k, f in enumerate(frs):
        n = len(f["ys"]) - 1
        head = list(range(g.nhead)) if g.nhead else []
        nbody = n - len(head)
        if nbody < 1:
            error(f"table {g.name} page {f['page']}: a fragment with {n} rows and no body row")
            nbody = 0
        f["rows"] = head + list(range(nxt, nxt + nbody))
        nxt += nbody
    if nxt != g.nrows:
        error(f"table {g.name}: its fragments hold {nxt} rows, the template has {g.nrows} "
              f"(pages {[f['page'] for f in frs]}, row boundaries "
              f"{[len(f['ys']) for f in frs]})")
done()
for f in fragments:
    g = f["g"]
    body = [r for r in f["rows"] if r >= g.nhead]
    print(f"table {g.name} page {f['page']}: template rows {body[0] + 1}–{body[-1] + 1}"
          f"{' after the repeated header' if g.nhead and body[0] > g.nhead else ''}, "
          f"y {f['ys'][0]:.2f}–{f['ys'][-1]:.2f}", file=sys.stderr)


# ------------------------------------------------------------------ (2) rules: expected edges
def edges(f):
    """Yields (orientation, fixed, lo, hi, drawn, what) for every cell edge of a fragment."""
    g, rows, ys, b = f["g"], f["rows"], f["ys"], bounds[f["g"].name]
    n = len(rows)
    for i in range(n + 1):
        for c in range(g.ncols):
            if i in (0, n):
                drawn = True
            else:
                drawn = g.owner[rows[i - 1]][c] != g.owner[rows[i]][c]
            what = (f"table {g.name} p{f['page']} horizontal rule at row boundary {i} "
                    f"(between template rows {rows[i - 1] + 1 if i else '-'} and "
                    f"{rows[i] + 1 if i < n else '-'}) across column {c + 1} "
                    f"({g.describe(g.owner[rows[min(i, n - 1)]][c])})")
            yield ("h", ys[i], b[c], b[c + 1], drawn, what)
    for i in range(n):
        for j in range(g.ncols + 1):
            if j in (0, g.ncols):
                drawn = True
            else:
                drawn = g.owner[rows[i]][j - 1] != g.owner[rows[i]][j]
            what = (f"table {g.name} p{f['page']} vertical rule between columns {j} and {j + 1} "
                    f"in template row {rows[i] + 1} "
                    f"({g.describe(g.owner[rows[i]][min(j, g.ncols - 1)])})")
            yield ("v", b[j], ys[i], ys[i + 1], drawn, what)


def dump_coverage(f, orient, fixed, lo, hi):
    """Length of [lo, hi] covered by the fragment's rules of that orientation at `fixed`."""
    segs = []
    for x0, y0, x1, y1, w in f["rules"]:
        if orient == "h" and near(y0, y1) and near(y0, fixed, 0.06):
            segs.append((max(lo, x0), min(hi, x1)))
        elif orient == "v" and near(x0, x1) and near(x0, fixed, 0.06):
            segs.append((max(lo, y0), min(hi, y1)))
    segs = sorted(s for s in segs if s[1] > s[0])
    covered, end = 0.0, lo
    for s0, s1 in segs:
        s0 = max(s0, end)
        if s1 > s0:
            covered += s1 - s0
            end = s1
    return covered


def load_pgm(path):
    raw = open(path, "rb").read()
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", raw)
    w, h = int(m.group(1)), int(m.group(2))
    return w, h, raw[m.end():m.end() + w * h]


pgms = {}
for p in glob.glob(f"{work}/page-*.pgm"):
    pgms[int(re.search(r"-(\d+)\.pgm$", p).group(1))] = p
images = {}


def pixel_run(page, orient, fixed, lo, hi):
    """Samples an edge of the rendered page, 2 pt in from each end; a sample is dark if any
    pixel within ±1 px across is < 128.  Returns (longest dark run as a fraction of the
    samples, dark fraction of the samples that fall outside every word's box, how many of
    those there are)."""
    if page not in images:
        images[page] = load_pgm(pgms[page])
    w, h, px = images[page]
    s = DPI / 72
    a, z = int(round((lo + 2) * s)), int(round((hi - 2) * s))
    f0 = int(round(fixed * s))
    boxes = [wd for wd in pdf_pages[page - 1]
             if (wd[1] - 0.5 <= fixed <= wd[3] + 0.5 if orient == "h"
                 else wd[0] - 0.5 <= fixed <= wd[2] + 0.5)]
    run, best, total, free, free_dark = 0, 0, 0, 0, 0
    for t in range(a, z + 1):
        hit = False
        for d in (-1, 0, 1):
            x, y = (t, f0 + d) if orient == "h" else (f0 + d, t)
            if 0 <= x < w and 0 <= y < h and px[y * w + x] < 128:
                hit = True
        pt = t / s
        if not any((wd[0] - 0.5 <= pt <= wd[2] + 0.5) if orient == "h"
                   else (wd[1] - 0.5 <= pt <= wd[3] + 0.5) for wd in boxes):
            free += 1
            free_dark += hit
        total += 1
        run = run + 1 if hit else 0
        best = max(best, run)
    return best / total, (free_dark / free if free else 0.0), free


counts = {"drawn": 0, "absent": 0}
named = {"A-row6-no-vertical": 0, "B-san-no-horizontal": 0}
for f in fragments:
    g = f["g"]
    for orient, fixed, lo, hi, drawn, what in edges(f):
        cov = dump_coverage(f, orient, fixed, lo + 0.5, hi - 0.5) / (hi - lo - 1.0)
        if drawn and cov < 0.999:
            error(f"dump: {what} should be drawn, covered {cov:.0%}")
        if not drawn and cov > 0:
            error(f"dump: {what} is inside a spanning cell but a rule is drawn there")
        # drawn: one unbroken dark run; absent: no long run, and where no text crosses the
        # edge the page is light there
        run, free_dark, free = pixel_run(f["page"], orient, fixed, lo, hi)
        absent_ok = run < 0.9 and free_dark <= 0.1
        if drawn and run < 0.97:
            error(f"PDF: {what} should be drawn, longest dark run {run:.0%} of it")
        if not drawn and not absent_ok:
            error(f"PDF: {what} is inside a spanning cell but the page shows a line there "
                  f"({run:.0%} dark run, {free_dark:.0%} dark away from text)")
        counts["drawn" if drawn else "absent"] += 1
        if not drawn and cov == 0 and absent_ok:
            rows = f["rows"]
            if g.name == "A" and orient == "v" and near(fixed, bounds["A"][2], 0.01) or \
                    g.name == "A" and orient == "v" and near(fixed, bounds["A"][3], 0.01):
                if "template row 6 " in what:
                    named["A-row6-no-vertical"] += 1
            if g.name == "B" and orient == "h" and "across column 1 (三、本年度办理结果)" in what:
                named["B-san-no-horizontal"] += 1
print(f"edges: {counts['drawn']} drawn and {counts['absent']} inside spanning cells, "
      f"checked in the dump and in the PDF pixels", file=sys.stderr)
# table A row 6: columns 2–4 are one cell → 2 missing vertical rules
if named["A-row6-no-vertical"] != 2:
    error(f"table A row 6: expected 2 verified missing vertical rules between columns 2–4, "
          f"got {named['A-row6-no-vertical']}")
# table B 三、本年度办理结果: 22 rows → 21 missing horizontal rules, spread over the fragments
if named["B-san-no-horizontal"] != 21 - (len([f for f in fragments if f["g"] is gB]) - 1):
    error(f"table B 三、本年度办理结果: {named['B-san-no-horizontal']} verified missing horizontal "
          f"rules across column 1, expected 21 less one per page break")
print(f"named: table A row 6 has no vertical rule between columns 2-4 "
      f"({named['A-row6-no-vertical']} edges); table B 三、本年度办理结果 has no horizontal rule "
      f"across column 1 ({named['B-san-no-horizontal']} edges)", file=sys.stderr)

# ------------------------------------------------------------------ (3) positions in the PDF


def clusters(words):
    """Joins stacked, centred lines of one cell: same x-centre (±1.5 pt), vertical gap below
    0.6 of the line height."""
    words = sorted(words, key=lambda w: (w[1], w[0]))
    groups = []
    for w in words:
        xc = (w[0] + w[2]) / 2
        for g in groups:
            last = g[-1]
            if abs((last[0] + last[2]) / 2 - xc) <= 1.5 and \
                    -0.5 <= w[1] - last[3] <= 0.6 * (last[3] - last[1]):
                g.append(w)
                break
        else:
            groups.append([w])
    out = []
    for g in groups:
        out.append({"text": "".join(w[4] for w in g), "words": g, "x0": min(w[0] for w in g),
                    "x1": max(w[2] for w in g), "y0": min(w[1] for w in g),
                    "y1": max(w[3] for w in g), "used": False})
    for c in out:
        c["xc"], c["yc"] = (c["x0"] + c["x1"]) / 2, (c["y0"] + c["y1"]) / 2
    return out


TOL = 0.3
OPENING = "（【《「『“‘〈"
CLOSING = "，。、；：？！）】》」』”’〉"


def hang(w):
    """Half the em of a word's text (its height is its size)."""
    return 0.5 * (w[3] - w[1])


def centre_tol(cl_):
    """Centring tolerance: 1 pt, plus a quarter em for each line-edge mark that may be set
    in half its width (the line's box then is half an em wider than its ink)."""
    extra = max(((w[4][:1] in OPENING) + (w[4][-1:] in CLOSING)) * 0.25 * (w[3] - w[1])
                for w in cl_["words"])
    return 1.0 + extra
for f in fragments:
    g, rows, ys, b = f["g"], f["rows"], f["ys"], bounds[f["g"].name]
    words = [w for w in pdf_pages[f["page"] - 1]
             if b[0] < (w[0] + w[2]) / 2 < b[-1] and ys[0] < (w[1] + w[3]) / 2 < ys[-1]]
    cl = clusters(words)
    where = f"table {g.name} p{f['page']}"
    present = {}  # cell index -> (first present position, last present position)
    for i, r in enumerate(rows):
        for c in range(g.ncols):
            idx = g.owner[r][c]
            lo, hi = present.get(idx, (i, i))
            present[idx] = (min(lo, i), max(hi, i))

    def box(idx):
        kind, content, r, c, cs, rs = g.cells[idx]
        i0, i1 = present[idx]
        return b[c], b[c + cs], ys[i0], ys[i1 + 1]

    def inside(cl_, bx, what):
        x0, x1, y0, y1 = bx
        ok = True
        # a line may end (or start) with punctuation set in half its em (clreq): pdftotext
        # reports the whole em, so that half may stick out of the cell
        for w in cl_["words"]:
            lo = x0 - TOL - (hang(w) if w[4][:1] in OPENING else 0)
            hi = x1 + TOL + (hang(w) if w[4][-1:] in CLOSING else 0)
            if not (lo <= w[0] and w[2] <= hi):
                error(f"{where}: {what}: line {w[4]} spans x {w[0]:.2f}–{w[2]:.2f}, outside its "
                      f"columns {x0:.2f}–{x1:.2f}")
                ok = False
        if not (y0 - TOL <= cl_["y0"] and cl_["y1"] <= y1 + TOL):
            error(f"{where}: {what} spans y {cl_['y0']:.2f}–{cl_['y1']:.2f}, outside its rows "
                  f"{y0:.2f}–{y1:.2f}")
            ok = False
        return ok

    # labels: matched by text; repeated texts in reading order (centre row, then column)
    labels = {}
    for idx in present:
        kind, content, r, c, cs, rs = g.cells[idx]
        if kind == "L":
            i0, i1 = present[idx]
            labels.setdefault(re.sub(r"\s", "", content), []).append(((i0 + i1) / 2, c, idx))
    for text, want in labels.items():
        found = sorted((c_ for c_ in cl if c_["text"] == text),
                       key=lambda c_: (round(c_["yc"]), c_["xc"]))
        if len(found) != len(want):
            error(f"{where}: label {text} expected {len(want)} time(s), found {len(found)} "
                  f"(clusters: {[c_['text'] for c_ in cl if text[:2] in c_['text']][:6]})")
            continue
        for (_, c, idx), c_ in zip(sorted(want), found):
            c_["used"] = True
            c_["cell"] = idx
            x0, x1, y0, y1 = box(idx)
            if not (x0 < c_["xc"] < x1):
                error(f"{where}: label {text} x-centre {c_['xc']:.2f} not in its column span "
                      f"{x0:.2f}–{x1:.2f}")
            if abs(c_["xc"] - (x0 + x1) / 2) > centre_tol(c_):
                error(f"{where}: label {text} not centred in its columns "
                      f"({c_['xc']:.2f} vs {(x0 + x1) / 2:.2f})")
            inside(c_, (x0, x1, y0, y1), f"label {text}")
    # values: by position, then text
    for idx in present:
        kind, content, r, c, cs, rs = g.cells[idx]
        if kind != "V":
            continue
        bx = box(idx)
        hits = [c_ for c_ in cl if not c_["used"] and bx[0] < c_["xc"] < bx[1]
                and bx[2] < c_["yc"] < bx[3]]
        want = fmt(value_at(content))
        if len(hits) != 1 or hits[0]["text"] != want:
            error(f"{where}: cell [{content}] (row {r + 1}, column {c + 1}) should hold {want}, "
                  f"holds {[h['text'] for h in hits]}")
            continue
        hits[0]["used"] = True
        hits[0]["cell"] = idx
        inside(hits[0], bx, f"value {want} of {content}")
        if abs(hits[0]["xc"] - (bx[0] + bx[1]) / 2) > centre_tol(hits[0]):
            error(f"{where}: value {want} of {content} not centred in its columns")
    for c_ in cl:
        if not c_["used"]:
            error(f"{where}: unexpected text {c_['text']!r} at x {c_['xc']:.1f} y {c_['yc']:.1f}")
    # rows: cells starting and ending in one row share its vertical centre; rows go down
    centres = []
    for i, r in enumerate(rows):
        ycs = [c_["yc"] for c_ in cl if c_.get("cell") is not None
               and present[c_["cell"]] == (i, i)]
        if not ycs:
            error(f"{where}: nothing found in template row {r + 1} alone")
            continue
        if max(ycs) - min(ycs) > 1.0:
            error(f"{where}: template row {r + 1} cells are not on one centre line: "
                  f"{sorted(round(y, 2) for y in ycs)}")
        mid = (ys[i] + ys[i + 1]) / 2
        if abs(sum(ycs) / len(ycs) - mid) > 1.0:
            error(f"{where}: template row {r + 1} not vertically centred between its rules")
        centres.append(sum(ycs) / len(ycs))
    if centres != sorted(centres):
        error(f"{where}: rows are not in order down the page: {centres}")
done()
print("positions: every label and value in its cell, centred, rows in order", file=sys.stderr)

# ------------------------------------------------------------------ (4) the plain text
text = re.sub(r"\s+", "", open(text_path, encoding="utf-8").read())
if "\ufffd" in text or "?" in text:
    error("the PDF text has U+FFFD or '?' (a glyph without its Unicode)")
text = re.sub(r"—\d+—", "", text)


def flow(items):
    return "".join(i["heading"] if isinstance(i, dict) else i for i in items)


y, m, d = (int(v) for v in data["signature"]["date"].split("-"))
runs = [
    data["title"] + "".join(data["opening"]) + "一、总体情况" + flow(data["sections"]["overview"])
    + "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况" + flow(data["sections"]["problems"]) + "六、其他需要报告的事项"
    + flow(data["sections"]["other"]) + data["signature"]["office"] + f"{y}年{m}月{d}日",
]
runs = [re.sub(r"\s+", "", r) for r in runs]
if not text.startswith(runs[0]):
    k = next((i for i, (a, b) in enumerate(zip(text, runs[0])) if a != b), len(runs[0]))
    error(f"text differs from the title/opening/一/二 run at {k}: PDF "
          f"'{text[max(0, k - 30):k + 30]}' expected '{runs[0][max(0, k - 30):k + 30]}'")
if not text.endswith(runs[3]):
    error(f"text does not end with the 五/六/signature run: PDF ends '{text[-120:]}'")
pos = len(runs[0])
for r_ in runs[1:3]:
    at = text.find(r_, pos)
    if at < 0:
        error(f"text lacks {r_} after position {pos}")
        break
    pos = at + len(r_)
if text.count("三、收到和处理政府信息公开申请情况") != 1:
    error("heading 三 appears more than once in the text")
done()
print("text: title, opening, sections and signature extract in order", file=sys.stderr)
EOF
note "ok"
