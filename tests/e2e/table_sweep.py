# tests/e2e/table_sweep.py — checks how the tables of a rendered report break across pages,
# from nianbao's box dump (`render --dump`) and the layout the report was set with.
#
#   python3 table_sweep.py make SAMPLE.json OUTDIR N
#        writes OUTDIR/v00.json .. vNN.json: the sample with 0..N one-line paragraphs added
#        at the end of sections.overview, so the tables start 0..N lines further down.
#   python3 table_sweep.py check LAYOUT.json DATA.json DUMP [DATA.json DUMP ...]
#        checks each dump; prints one line per problem (naming the variant, page, table and
#        template row) and a summary; exits 1 when anything failed.
#
# What is checked, on every page of every dump:
# 1. Cells: every text box of the table size lies in a cell closed by rules on all four
#    sides, and every glyph of it (em box: x from the first glyph to the last glyph's
#    advance, y from 0.88 em above the baseline to 0.12 em below) inside that cell's rules;
#    every edge of every such cell is ruled from end to end (no missing rule).
# 2. Rows: the ruled blocks of a page are the tables' fragments, in document order.  The
#    row boundaries of a fragment (its distinct horizontal rules) are matched against the
#    layout's rows: a fragment that starts a table holds rows 0, 1, …; one that continues it
#    holds the table's header rows, then the header rows of the group it continues (the
#    layout's group_header_rows, unless it starts with a new group), then the next rows in
#    order.  Each cell anchored at a row boundary must hold exactly the text of that row's
#    cell in that column (fixed text or the data value), span the right columns (x within
#    0.06 pt of the layout's column boundaries) and end at the right row boundary; a label
#    spanning rows from above is drawn again at the top of each run of rows.  So a row
#    drawn on two pages (cut) fails unless its text is whole on both, which no row of these
#    reports needs (none is taller than a page).
# 3. Keeps: no fragment but a table's last ends on a header row (the table's or a group's);
#    every row of every table is drawn exactly once outside the repeated header rows.
# 4. Fill: a page that ends inside a table keeps no room for more of it.  The rows the next
#    page continues with, up to the first place the layout's rules let a page end (the table's
#    end, or a break before a row that follows no header row, with two body rows of the
#    group, or of a table without groups, on each side, and every label spanning the break
#    with room for its lines plus padding_y above and below on both sides), measured on the
#    next page, must be taller than the space left between the fragment's last rule and the
#    text block's foot.  So a group that fits at a page's foot is never moved whole to the
#    next page, and a break is never made earlier than the rules ask.  Likewise a table
#    whose first fragment is the first on its page: what stands above it there (its heading;
#    the first line snapping to the line grid) and its rows up to the first allowed break
#    (the heading keeps two rows) must not have fitted under the last line or rule of the
#    page before, unless the table was kept whole on purpose (it fits on one page with
#    that heading and a grid line to spare, and the rows that fitted would have left at
#    most three, or under a quarter, for the next page).
import json
import math
import re
import sys

TOL = 0.06


def die(msg):
    print(f"table_sweep.py: {msg}", file=sys.stderr)
    sys.exit(2)


def make(sample, outdir, n):
    data = json.load(open(sample, encoding="utf-8"))
    base = list(data["sections"]["overview"])
    for k in range(n + 1):
        d = json.loads(json.dumps(data))
        d["sections"]["overview"] = base + [f"补充说明第{i + 1}条。" for i in range(k)]
        with open(f"{outdir}/v{k:02d}.json", "w", encoding="utf-8") as f:
            json.dump(d, f, ensure_ascii=False)


# ---------------------------------------------------------------------------- the layout
SIZES = {"初号": 42, "小初": 36, "一号": 26, "小一": 24, "二号": 22, "小二": 18, "三号": 16,
         "小三": 15, "四号": 14, "小四": 12, "五号": 10.5, "小五": 9}


def length(v):
    if isinstance(v, (int, float)):
        return float(v)
    if v in SIZES:
        return float(SIZES[v])
    m = re.fullmatch(r"([\d.]+)\s*(mm|pt)?", v)
    if not m:
        die(f"cannot read the length {v!r}")
    return float(m.group(1)) * (72 / 25.4 if m.group(2) == "mm" else 1)


class Table:
    def __init__(self, idx, block, page):
        self.name = "ABCDEFGH"[idx]
        self.hr = block.get("header_rows", 0)
        self.pad_y = length(block.get("padding_y", 3))
        self.groups = set(block.get("group_header_rows", []))
        vcols = block.get("value_columns", [])
        self.ncols = len(block["columns"])
        left = length(page["margin_left"])
        measure = length(page["width"]) - left - length(page["margin_right"])
        total = sum(block["columns"])
        self.bounds, acc = [left], 0.0
        for w in block["columns"]:
            acc += w
            self.bounds.append(left + acc / total * measure)
        # cells: (row, col, colspan, rowspan, kind, content); kind "L" text, "V" data path
        self.cells, self.anchored = [], []
        busy = [0] * self.ncols
        for r, row in enumerate(block["rows"]):
            items = []
            for c in row:
                if c is None:
                    items.append(("E", None, 1, 1))
                elif isinstance(c, str):
                    items.append(("L", c, 1, 1))
                elif "values" in c:
                    items += [("V", f"{c['values']}.{k}", 1, 1) for k in vcols]
                elif "value" in c:
                    items.append(("V", c["value"], c.get("colspan", 1), c.get("rowspan", 1)))
                elif "text" in c:
                    items.append(("L", c["text"], c.get("colspan", 1), c.get("rowspan", 1)))
                else:
                    items.append(("E", None, c.get("colspan", 1), c.get("rowspan", 1)))
            col, here = 0, []
            for kind, content, cs, rs in items:
                while busy[col] > 0:
                    col += 1
                cell = (r, col, cs, rs, kind, content)
                here.append(len(self.cells))
                self.cells.append(cell)
                for k in range(cs):
                    busy[col + k] = rs
                col += cs
            busy = [b - 1 if b > 0 else 0 for b in busy]
            self.anchored.append(here)
        self.nrows = len(block["rows"])

    def is_header(self, r):
        return r < self.hr or r in self.groups

    def repeat(self, row):
        """Rows a page continuing the table at `row` repeats first (as the engine does)."""
        out = list(range(self.hr)) if row >= self.hr else []
        starts = row in self.groups and row - 1 not in self.groups
        g = row - 1
        while g >= 0 and g not in self.groups:
            g -= 1
        if g >= 0 and not starts:
            s = g
            while s - 1 in self.groups:
                s -= 1
            e = g
            while e + 1 < row and e + 1 in self.groups:
                e += 1
            # g is the last group header row above `row`; its run is s..e (e == g)
            out += list(range(s, e + 1))
        return out

    def break_ok(self, b, heights, nlines):
        """Whether the layout's rules let a page end before row b (0 < b < nrows), given
        every row's height and the number of text lines of each cell (by index)."""
        if self.is_header(b - 1):
            return False
        if not self.is_header(b):
            run = 0
            while b - 1 - run >= 0 and not self.is_header(b - 1 - run):
                run += 1
            left = 0
            while b + left < self.nrows and not self.is_header(b + left):
                left += 1
            if run < 2 or left < 2:
                return False
        for i in self.spans_into(b):
            a, _, _, rs, _, _ = self.cells[i]
            if not nlines.get(i):
                continue
            need = nlines[i] * self.pitch(a) + 2 * self.pad_y
            above = sum(heights[r] for r in range(a, b))
            below = sum(heights[r] for r in range(b, a + rs))
            if min(above, below) < need - 0.01:
                return False
        return True

    def spans_into(self, r):
        return [i for i, (a, _, _, rs, _, _) in enumerate(self.cells) if a < r < a + rs]

    def label(self, r):
        for i in self.anchored[r]:
            if self.cells[i][4] == "L":
                return self.cells[i][5]
        return f"row {r}"


def value_text(data, path):
    v = data
    for k in path.split("."):
        if not isinstance(v, dict) or k not in v:
            return None
        v = v[k]
    if isinstance(v, bool):
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return str(int(v)) if float(v).is_integer() else f"{v:.15g}"
    if isinstance(v, dict) and "value" in v and "unit" in v:
        return value_text({"x": v["value"]}, "x") + v["unit"]
    return None


# ---------------------------------------------------------------------------- the dump
def read_dump(path):
    pages = []
    for line in open(path, encoding="utf-8"):
        if line.startswith("page "):
            pages.append({"h": [], "v": [], "texts": []})
        elif line.startswith("rule "):
            x0, y0, x1, y1, _ = map(float, line.split()[1:6])
            if abs(y0 - y1) < 0.01:
                pages[-1]["h"].append((y0, min(x0, x1), max(x0, x1)))
            elif abs(x0 - x1) < 0.01:
                pages[-1]["v"].append((x0, min(y0, y1), max(y0, y1)))
        elif line.startswith("text "):
            parts = line.rstrip("\n").split(" ", 6)
            x0, y, xl, size = map(float, parts[1:5])
            text = parts[6]
            text = text[text.index('"') + 1:-1].replace('\\"', '"').replace("\\\\", "\\")
            pages[-1]["texts"].append((x0, y, xl, size, text))
    return pages


def wide(ch):
    o = ord(ch)
    return o >= 0x2E80 or 0x2010 <= o <= 0x2027


def covered(segs, lo, hi):
    """Whether the 1-D segments cover [lo, hi]."""
    at = lo
    for a, b in sorted(segs):
        if a > at + TOL:
            return False
        at = max(at, b)
        if at >= hi - TOL:
            return True
    return at >= hi - TOL


class Checker:
    def __init__(self, layout):
        self.layout = json.load(open(layout, encoding="utf-8"))
        page = self.layout["page"]
        self.bottom = length(page["height"]) - length(page["margin_bottom"])
        self.top = length(page["margin_top"])
        blocks = [b for b in self.layout["content"] if b["type"] == "table"]
        self.tables = [Table(i, b, page) for i, b in enumerate(blocks)]
        styles = self.layout["styles"]
        grid = (self.bottom - self.top) / page.get("grid_lines", 1)
        self.grid = grid

        def pitch(name):
            st = styles[name]
            lp = st.get("line_pitch")
            if lp is None:
                return 1.5 * length(st["size"])
            return grid if lp == "grid" else length(lp)

        for t, b in zip(self.tables, blocks):
            body, head = pitch(b["style"]), pitch(b.get("header_style", b["style"]))
            t.pitch = lambda r, t=t, body=body, head=head: head if t.is_header(r) else body
        # the line pitch of the text outside the tables, by type size (the first style of
        # that size that no table uses)
        used = {b[k] for b in blocks for k in ("style", "header_style") if k in b}
        self.text_pitch = {}
        for name, st in styles.items():
            if name not in used and name != page.get("page_number", {}).get("style"):
                self.text_pitch.setdefault(round(length(st["size"]), 2), pitch(name))
        self.size = length(styles[blocks[0]["style"]]["size"])
        self.problems = 0
        self.stats = {"variants": 0, "fragments": 0, "continued": 0, "cells": 0, "breaks": 0,
                      "starts": 0}

    def fail(self, where, msg):
        self.problems += 1
        if self.problems <= 60:
            print(f"FAIL {where}: {msg}")

    def check(self, data_path, dump_path):
        data = json.load(open(data_path, encoding="utf-8"))
        name = data_path.rsplit("/", 1)[-1]
        pages = read_dump(dump_path)
        self.stats["variants"] += 1
        frags = []
        self.foot = {}  # page number -> the bottom of its last line or rule
        for pno, pg in enumerate(pages, 1):
            frags += self.page_cells(f"{name} p{pno}", pno, pg)
            self.foot[pno] = self.page_foot(pg)
        self.match(name, frags, data)

    def page_foot(self, pg):
        """Where the flow ends on a page: the lowest table rule or line bottom (a line's
        box is its pitch tall, the em centred in it, baseline 0.88 em below the em's top)."""
        foot = max([y for y, _, _ in pg["h"]] + [b for _, _, b in pg["v"]], default=None)
        for _, y, _, size, _ in pg["texts"]:
            if abs(size - self.size) < 0.01 or y > self.bottom:
                continue  # a table's text, or the page number
            pitch = self.text_pitch.get(round(size, 2), 1.5 * size)
            bottom = y - ((pitch - size) / 2 + 0.88 * size) + pitch
            foot = bottom if foot is None else max(foot, bottom)
        return foot

    # 1. cells and rules of one page; returns its fragments
    def page_cells(self, where, pno, pg):
        H, V = pg["h"], pg["v"]
        cells = {}
        for x0, y, xl, size, text in pg["texts"]:
            if abs(size - self.size) > 0.01 or not text:
                continue
            right = xl + (size if wide(text[-1]) else 0.5 * size)
            top, bot = y - 0.88 * size, y + 0.12 * size
            cx, cy = (x0 + right) / 2, (top + bot) / 2
            lefts = [x for x, a, b in V if x <= cx and a - TOL <= cy <= b + TOL]
            rights = [x for x, a, b in V if x >= cx and a - TOL <= cy <= b + TOL]
            tops = [yy for yy, a, b in H if yy <= cy and a - TOL <= cx <= b + TOL]
            bots = [yy for yy, a, b in H if yy >= cy and a - TOL <= cx <= b + TOL]
            if not (lefts and rights and tops and bots):
                self.fail(where, f"table text {text!r} at y {y:.2f} is not closed in by rules")
                continue
            box = (max(lefts), max(tops), min(rights), min(bots))
            if (x0 < box[0] - TOL or right > box[2] + TOL or top < box[1] - TOL
                    or bot > box[3] + TOL):
                self.fail(where, f"{text!r} (x {x0:.2f}–{right:.2f}, y {top:.2f}–{bot:.2f}) "
                          f"runs outside its cell's rules (x {box[0]:.2f}–{box[2]:.2f}, "
                          f"y {box[1]:.2f}–{box[3]:.2f})")
            key = tuple(round(v, 1) for v in box)
            cells.setdefault(key, (box, []))[1].append((y, x0, text))
        out = []
        for key, (box, texts) in cells.items():
            l, t, r, b = box
            for what, segs, lo, hi in (
                    ("top", [(a, c) for yy, a, c in H if abs(yy - t) < TOL], l, r),
                    ("bottom", [(a, c) for yy, a, c in H if abs(yy - b) < TOL], l, r),
                    ("left", [(a, c) for x, a, c in V if abs(x - l) < TOL], t, b),
                    ("right", [(a, c) for x, a, c in V if abs(x - r) < TOL], t, b)):
                if not covered(segs, lo, hi):
                    first = "".join(s for _, _, s in sorted(texts))
                    self.fail(where, f"the {what} rule of the cell {first!r} "
                              f"(x {l:.2f}–{r:.2f}, y {t:.2f}–{b:.2f}) is missing in part")
            self.stats["cells"] += 1
        if any(max(b, a) > self.bottom + 0.01 for _, a, b in V):
            self.fail(where, "a table rule runs below the text block")
        # fragments: vertically connected rules
        spans = sorted((a, b) for _, a, b in V)
        blocks = []
        for a, b in spans:
            if blocks and a <= blocks[-1][1] + TOL:
                blocks[-1][1] = max(blocks[-1][1], b)
            else:
                blocks.append([a, b])
        for y0, y1 in blocks:
            ys = sorted({round(yy, 2) for yy, _, _ in H if y0 - TOL <= yy <= y1 + TOL})
            merged = []
            for yy in ys:
                if not merged or yy - merged[-1] > TOL:
                    merged.append(yy)
            xs = sorted({round(x, 2) for x, a, b in V if a >= y0 - TOL and b <= y1 + TOL})
            fc = [(box, sorted(texts)) for box, texts in cells.values()
                  if y0 - TOL <= box[1] and box[3] <= y1 + TOL]
            out.append({"where": where, "page": pno, "ys": merged, "xs": xs, "cells": fc,
                        "top": y0})
        return out

    # 2 + 3. rows of the fragments against the layout
    def match(self, name, frags, data):
        ti, nxt = 0, 0
        seen = [[0] * t.nrows for t in self.tables]
        heights = [{} for _ in self.tables]  # row -> height, as drawn
        self.nlines = {}  # (table, row, column) of a spanning label -> its lines
        placed = []  # (table index, first row after the repeated ones, last row, fragment)
        for f in frags:
            self.stats["fragments"] += 1
            if ti < len(self.tables) and nxt >= self.tables[ti].nrows:
                ti, nxt = ti + 1, 0
            if ti >= len(self.tables):
                self.fail(f["where"], "a ruled block after the layout's last table")
                return
            t = self.tables[ti]
            where = f"{f['where']} table {t.name}"
            xs = f["xs"]
            if any(min(abs(x - b) for b in t.bounds) > TOL for x in xs) or \
                    abs(xs[0] - t.bounds[0]) > TOL or abs(xs[-1] - t.bounds[-1]) > TOL:
                self.fail(where, f"vertical rules at {xs} are not table {t.name}'s columns")
                return
            nb = len(f["ys"]) - 1
            seq = [] if nxt == 0 else t.repeat(nxt)
            if nxt > 0:
                self.stats["continued"] += 1
            nrep = len(seq)
            seq += list(range(nxt, min(t.nrows, nxt + nb - nrep)))
            if len(seq) != nb or nb <= nrep:
                self.fail(where, f"{nb} row boundaries, but continuing at row {nxt} "
                          f"({t.label(nxt) if nxt < t.nrows else 'end'}) it should repeat "
                          f"{nrep} header rows and then hold body rows")
                return
            for r in seq[nrep:]:
                seen[ti][r] += 1
            self.rows(where, t, f, seq, data)
            for i, r in enumerate(seq):
                heights[ti][r] = f["ys"][i + 1] - f["ys"][i]
            placed.append((ti, seq[nrep], seq[-1], f))
            last = seq[-1]
            if last + 1 < t.nrows and t.is_header(last):
                self.fail(where, f"the page ends on the header row {last} ({t.label(last)})")
            nxt = seq[-1] + 1
        for t, s in zip(self.tables, seen):
            bad = [r for r in range(t.nrows) if s[r] != 1]
            if bad:
                self.fail(f"{name} table {t.name}", f"rows {bad} are drawn "
                          f"{[s[r] for r in bad]} times outside the repeated headers")
        for (ti, _, last, f), (tj, first, _, _) in zip(placed, placed[1:]):
            if ti == tj and first == last + 1:
                self.fill(self.tables[ti], f, first, heights[ti])
        for k, (ti, first, _, f) in enumerate(placed):
            above = k > 0 and placed[k - 1][3]["page"] == f["page"]
            if first == 0 and not above and f["page"] > 1 and \
                    self.foot.get(f["page"] - 1) is not None:
                self.start_fill(self.tables[ti], f, heights[ti])

    # 4. the room a fragment leaves at its page's foot against the next allowed piece
    def fill(self, t, f, first, heights):
        self.stats["breaks"] += 1
        room = self.bottom - f["ys"][-1]
        b = self.first_break(t, first, heights)
        need = sum(heights[r] for r in range(first, b))
        if need < room - 0.05:
            self.fail(f"{f['where']} table {t.name}",
                      f"the page ends with {room:.2f} pt free under row {first - 1} "
                      f"({t.label(first - 1)}), but the next page's rows {first}–{b - 1} "
                      f"({t.label(first)} … {t.label(b - 1)}), {need:.2f} pt, could end this "
                      "page by the rules")

    def first_break(self, t, b, heights, keep=0):
        """The first row after b before which the rules let a page end (nrows: the end)."""
        while True:
            b += 1
            if b == t.nrows:
                return b
            nlines = {i: self.nlines.get((t.name,) + t.cells[i][:2]) for i in t.spans_into(b)}
            if b >= keep and t.break_ok(b, heights, nlines):
                return b

    # 4, at a table's start: a table that starts a page, although the page before had room
    # for what comes with it (its heading, from the new page's top) and its rows up to the
    # first allowed break, must have been moved there whole on purpose: it fits on a page
    # and the rows that fitted on the page before would have left only a few for the next
    # (at most FEW_ROWS, or under a quarter).
    FEW_ROWS = 3
    KEEP_AFTER_HEADING = 2

    def start_fill(self, t, f, heights):
        self.stats["starts"] += 1
        prev = self.foot[f["page"] - 1]
        lead = f["top"] - self.top  # the heading and anything kept with the table
        at = prev
        if lead > 0.01:  # the first moved line snaps to the grid
            at = self.top + math.ceil((prev - self.top) / self.grid - 0.01) * self.grid
        keep = self.KEEP_AFTER_HEADING if lead > 0.01 else 0
        fit, b, h = None, 0, 0.0
        while b < t.nrows:
            nb = self.first_break(t, b, heights, keep)
            h += sum(heights[r] for r in range(b, nb))
            if at + lead + h > self.bottom - 0.05:
                break
            fit = b = nb
        if fit is None:
            return
        whole = lead + sum(heights[r] for r in range(t.nrows)) + self.grid
        rest = t.nrows - fit
        if fit < t.nrows and whole <= self.bottom - self.top + 0.05 and \
                (rest <= self.FEW_ROWS or rest * 4 < t.nrows):
            return  # kept whole on purpose
        self.fail(f"{f['where']} table {t.name}",
                  f"the table starts this page, but the page before ends at "
                  f"{prev:.2f} with room for what precedes it here ({lead:.2f} pt) and its "
                  f"rows 0–{fit - 1} ({t.label(fit - 1)}), "
                  f"{sum(heights[r] for r in range(fit)):.2f} pt")

    def rows(self, where, t, f, seq, data):
        ys, bounds = f["ys"], t.bounds
        by_top = {}
        for box, texts in f["cells"]:
            k = min(range(len(ys)), key=lambda i: abs(ys[i] - box[1]))
            if abs(ys[k] - box[1]) > TOL:
                self.fail(where, f"a cell's top at {box[1]:.2f} is no row boundary")
                continue
            by_top.setdefault(k, []).append((box, "".join(s for _, _, s in texts),
                                             len({round(y, 1) for y, _, _ in texts})))
        runs_end = {}
        i = len(seq) - 1
        end = i
        while i >= 0:
            runs_end[i] = end
            if i > 0 and seq[i] != seq[i - 1] + 1:
                end = i - 1
            i -= 1
        drawn = set()
        for i, r in enumerate(seq):
            want = [t.cells[c] for c in t.anchored[r]]
            if i == 0 or seq[i] != seq[i - 1] + 1:
                want += [t.cells[c] for c in t.spans_into(r) if t.cells[c][0] not in drawn]
            drawn.update(seq[i:runs_end[i] + 1])
            got = sorted(by_top.get(i, []), key=lambda c: c[0][0])
            exp = []
            for a, col, cs, rs, kind, content in sorted(want, key=lambda c: c[1]):
                text = content if kind == "L" else value_text(data, content) if kind == "V" else ""
                if text is None:
                    self.fail(where, f"row {r}: no data at {content}")
                    continue
                if not re.sub(r"\s", "", text):
                    continue
                last = min(i + (a + rs - 1 - r), runs_end[i])
                exp.append((a, col, cs, rs, last, re.sub(r"\s", "", text)))
            desc = f"row boundary {i} (template row {r}: {t.label(r)})"
            if len(got) != len(exp):
                self.fail(where, f"{desc}: cells {[g[1] for g in got]}, expected "
                          f"{[e[5] for e in exp]}")
                continue
            for (box, text, nl), (a, col, cs, rs, last, etext) in zip(got, exp):
                if rs > 1:
                    self.nlines[(t.name, a, col)] = nl
                if re.sub(r"\s", "", text) != etext:
                    self.fail(where, f"{desc}: a cell reads {text!r}, expected {etext!r} "
                              "(text run into it, or a row cut)")
                elif abs(box[0] - bounds[col]) > TOL or abs(box[2] - bounds[col + cs]) > TOL:
                    self.fail(where, f"{desc}: {etext!r} spans x {box[0]:.2f}–{box[2]:.2f}, "
                              f"its columns {bounds[col]:.2f}–{bounds[col + cs]:.2f}")
                elif abs(box[3] - ys[last + 1]) > TOL:
                    self.fail(where, f"{desc}: {etext!r} ends at y {box[3]:.2f}, expected the "
                              f"row boundary {last + 1} at {ys[last + 1]:.2f}")


def main(argv):
    if len(argv) >= 4 and argv[0] == "make":
        make(argv[1], argv[2], int(argv[3]))
        return 0
    if len(argv) >= 4 and argv[0] == "check" and len(argv) % 2 == 0:
        c = Checker(argv[1])
        for k in range(2, len(argv), 2):
            c.check(argv[k], argv[k + 1])
        s = c.stats
        print(f"{s['variants']} variants: {s['fragments']} table fragments "
              f"({s['continued']} continuing a table on a new page), {s['cells']} cells, "
              f"{s['breaks']} page feet inside a table, {s['starts']} tables first on their page, "
              f"{c.problems} problems")
        return 1 if c.problems else 0
    die("usage: table_sweep.py make SAMPLE OUTDIR N | check LAYOUT DATA DUMP [DATA DUMP ...]")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
