#!/usr/bin/env python3
"""glyphs.py — reads every glyph's position back from a rendered report and checks it
against the typesetting rules a proofreader applies (GB/T 9704 grid, clreq line breaking,
pagination).  Used by tests/e2e/typeset.sh; run by hand as

    python3 glyphs.py REPORT.pdf LAYOUT.json [--table-break LABEL HEADER...]

Positions come from MuPDF's structured text (`mutool draw -F stext`): one record per
character with its origin (x, baseline y), its advance (the quad's width), font and size.
Nothing is taken from nianbao itself; geometry comes from the layout file (margins, the
body style's grid_chars, the page's grid_lines).

Lines are classified by position and font:
  * body-size (the body style's size) lines inside the text block; the body font is the
    most common font among them, a line mostly in another font is a heading unless it
    ends in the body font (a run-in sub-heading starts its paragraph's first line);
  * a body line starting two grid cells in is a paragraph's first line, one at the
    margin continues a paragraph, one further right is the signature block;
  * smaller text inside the block is table text, larger text is the title.

Checks (each failure is one line "FAIL: page P: ..." and the exit status is 1):
  * no line (body, heading, title, table cell) starts with a character clreq forbids at a
    line start, or ends with one forbidden at a line end; no mark hangs past the measure;
  * nothing starts left of the text block (a full-width body character's grid cell, any
    other character's origin; e.g. a line-start （ squeezed on its left would);
  * adjacent full-width marks in body text (。” ）、 ：“ 》（ …) are compressed: the second
    starts at most half a cell (plus the line's spread) after the first;
  * between consecutive lines of a paragraph (or the title): no digit/Latin run split
    (a URL may break after / . ? — not after '-', which text extraction drops), no
    —— or …… split;
  * full body lines (justified, not a paragraph's last line) hold 28 cells' worth of
    characters (full-width = 1 cell, others by advance; punctuation compression and the
    justification spread measured from the positions), their right edge lies within
    0.5 pt of margin_left + measure, and the spread between characters is even and
    bounded; a paragraph's last line is not stretched;
  * every body-size line's baseline is on the page's line grid (constant pitch);
  * no heading is followed on its page by fewer than two lines;
  * no paragraph leaves a single line at the foot or head of a page;
  * the signature block is on one page with at least the last two lines (or the whole of
    a shorter last paragraph) of the text before it;
  * the title's lines are balanced and no digit run (2020年) is split between them;
  * --table-break LABEL HEADER...: the table containing HEADER breaks across pages and
    every page of it shows the HEADER texts above its body rows, and LABEL (a cell spanning
    rows across the break) on both sides of the break.
"""
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

MM = 72 / 25.4
SIZES = {"初号": 42, "小初": 36, "一号": 26, "小一": 24, "二号": 22, "小二": 18, "三号": 16,
         "小三": 15, "四号": 14, "小四": 12, "五号": 10.5, "小五": 9}

NO_START = set("，。、；：？！）】》」』”’…·〕〉〗〙］｝．,.;:?!)]}")
NO_END = set("（【《「『“‘〔〈〖〘［｛([{")
STOP_CLOSE = set("，。、；：？！）】》」』”’〕〉〗〙］｝．")
URL_BREAK_AFTER = set("/.?")

failures = []
VERBOSE = bool(__import__("os").environ.get("GLYPHS_VERBOSE"))


def fail(page, msg):
    failures.append(f"FAIL: page {page}: {msg}")


def pt(v):
    if isinstance(v, (int, float)):
        return float(v)
    v = str(v).strip()
    if v in SIZES:
        return float(SIZES[v])
    if v.endswith("mm"):
        return float(v[:-2]) * MM
    if v.endswith("pt"):
        return float(v[:-2])
    return float(v)


def is_word(c):
    return len(c) == 1 and 0x21 <= ord(c) <= 0x7E


def is_alnum(c):
    return len(c) == 1 and c.isascii() and c.isalnum()


def is_han(c):
    o = ord(c[0])
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or o >= 0x20000


def is_fullwidth(ch, size):
    return ch["adv"] >= 0.9 * size


class Geometry:
    def __init__(self, layout_path):
        lay = json.load(open(layout_path, encoding="utf-8"))
        page = lay["page"]
        self.page_w, self.page_h = pt(page["width"]), pt(page["height"])
        self.top, self.bottom = pt(page["margin_top"]), pt(page["margin_bottom"])
        self.left, self.right = pt(page["margin_left"]), pt(page["margin_right"])
        self.measure = self.page_w - self.left - self.right
        self.block_bottom = self.page_h - self.bottom
        self.pitch = (self.page_h - self.top - self.bottom) / page["grid_lines"]
        body = lay["styles"]["body"]
        self.size = pt(body["size"])
        self.grid_chars = body.get("grid_chars", 0)
        self.cell = self.measure / self.grid_chars if self.grid_chars else self.size
        self.indent = body.get("indent_chars", 0) * self.cell
        # Baseline of the grid's first line: the em box centred in the pitch, baseline at
        # 0.88 em below the em's top.
        self.base0 = self.top + (self.pitch - self.size) / 2 + 0.88 * self.size


def read_chars(pdf):
    out = subprocess.run(["mutool", "draw", "-F", "stext", "-o", "-", pdf],
                         capture_output=True, check=True).stdout
    root = ET.fromstring(out)
    pages = []
    for pg in root.iter("page"):
        chars = []
        for font in pg.iter("font"):
            name, size = font.get("name"), float(font.get("size"))
            for ch in font.iter("char"):
                q = [float(v) for v in ch.get("quad").split()]
                chars.append({"c": ch.get("c"), "x": float(ch.get("x")), "y": float(ch.get("y")),
                              "adv": q[2] - q[0], "font": name, "size": size})
        pages.append(chars)
    return pages


def group_lines(chars, split_gap=None):
    """Chars → lines by baseline (and size); with split_gap, a gap wider than that splits
    a baseline into separate pieces (table cells)."""
    rows = {}
    for ch in chars:
        rows.setdefault((round(ch["y"], 1), ch["size"]), []).append(ch)
    lines = []
    for (y, size), cs in sorted(rows.items()):
        cs.sort(key=lambda c: c["x"])
        cur = [cs[0]]
        for a, b in zip(cs, cs[1:]):
            if split_gap is not None and b["x"] - (a["x"] + a["adv"]) > split_gap * size:
                lines.append(cur)
                cur = []
            cur.append(b)
        lines.append(cur)
    return lines


def first_unit(line):
    """The leading characters of a line that no rule lets a break separate: a Latin/digit
    run with the opening marks before it and the closing marks after it."""
    j = 1
    while j < len(line):
        a, b = line[j - 1]["c"], line[j]["c"]
        if b in NO_START or a in NO_END or (is_word(a) and is_word(b)) or (a == b and a in "—…"):
            j += 1
        else:
            break
    return line[:j]


def text(line):
    return "".join(c["c"] for c in line)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    pdf, layout = argv[1], argv[2]
    table_label, table_headers = None, []
    if len(argv) > 3:
        if argv[3] != "--table-break" or len(argv) < 6:
            print("usage: glyphs.py PDF LAYOUT [--table-break LABEL HEADER...]", file=sys.stderr)
            return 2
        table_label, table_headers = argv[4], argv[5:]
    g = Geometry(layout)
    pages = read_chars(pdf)
    tol = 0.5
    right_edge = g.left + g.measure

    # ---- collect and classify ----
    fonts = {}
    for chars in pages:
        for c in chars:
            if abs(c["size"] - g.size) < 0.01 and g.top <= c["y"] <= g.block_bottom and is_han(c["c"]):
                fonts[c["font"]] = fonts.get(c["font"], 0) + 1
    body_font = max(fonts, key=fonts.get)

    stream = []  # (page, kind, line) in reading order
    table_lines = []  # (page, line) pieces of table text
    table_cells = []  # (page, {"text", "y0", ...}) a cell's lines joined
    title_lines = []
    for pi, chars in enumerate(pages, 1):
        inblock = [c for c in chars if g.top - 1 <= c["y"] <= g.block_bottom + 1]
        body = [c for c in inblock if abs(c["size"] - g.size) < 0.01]
        small = [c for c in inblock if c["size"] < g.size - 0.01]
        big = [c for c in inblock if c["size"] > g.size + 0.01]
        items = []
        for ln in group_lines(body):
            nf = sum(1 for c in ln if c["font"] == body_font and is_han(c["c"]))
            nh = sum(1 for c in ln if is_han(c["c"]))
            last_han = [c for c in ln if is_han(c["c"])][-1:]
            x0 = ln[0]["x"]
            # a line ending in the body font is a paragraph's, whatever font it starts in (a
            # run-in sub-heading and the start of its paragraph)
            if nh and nf * 2 < nh and last_han[0]["font"] != body_font:
                kind = "heading"
            elif abs(x0 - (g.left + g.indent)) < 3:
                kind = "first"
            elif abs(x0 - g.left) < 3:
                kind = "cont"
            elif x0 > g.left + g.indent + 3:
                kind = "signature"
            else:
                kind = "odd"
                fail(pi, f"body line starts at x={x0:.2f}, neither the margin nor the indent: "
                         f"'{text(ln)}'")
            items.append((ln[0]["y"], kind, ln))
        tl = group_lines(small, split_gap=0.6)
        for ln in tl:
            table_lines.append((pi, ln))
        # a cell's wrapped lines: same centre, next baseline one table pitch lower
        cells = []
        for ln in sorted(tl, key=lambda l: l[0]["y"]):
            cx = (ln[0]["x"] + ln[-1]["x"] + ln[-1]["adv"]) / 2
            for cell in cells:
                if abs(cell["cx"] - cx) < 1.5 and 0 < ln[0]["y"] - cell["y"] < 1.5 * ln[0]["size"]:
                    cell["text"] += text(ln)
                    cell["y"] = ln[0]["y"]
                    break
            else:
                cells.append({"cx": cx, "y": ln[0]["y"], "y0": ln[0]["y"], "text": text(ln)})
        for cell in cells:
            table_cells.append((pi, cell))
        # one marker per table fragment row (distinct baselines of small text)
        for y in sorted({round(c["y"], 1) for c in small}):
            items.append((y, "table", [c for c in small if round(c["y"], 1) == y]))
        for ln in group_lines(big):
            title_lines.append((pi, ln))
            items.append((ln[0]["y"], "title", ln))
        items.sort(key=lambda t: t[0])
        for y, kind, ln in items:
            stream.append((pi, kind, ln))

    # ---- per line: forbidden characters at the start / end ----
    def check_ends(pi, ln, what):
        t = text(ln)
        if t[0] in NO_START:
            fail(pi, f"{what} starts with '{t[0]}': '{t}'")
        if t[-1] in NO_END:
            fail(pi, f"{what} ends with '{t[-1]}': '{t}'")

    for pi, kind, ln in stream:
        if kind != "table":
            check_ends(pi, ln, f"{kind} line")
        # nothing hangs into the right margin (the official layouts ask for no hanging)
        if kind not in ("table", "title") and ln[-1]["x"] > right_edge - 1:
            fail(pi, f"'{ln[-1]['c']}' hangs past the measure (x {ln[-1]['x']:.2f}): '{text(ln)}'")
    for pi, ln in table_lines:
        check_ends(pi, ln, "table cell line")

    # ---- nothing starts left of the text block ----
    # A full-width body character is centred in its grid cell (a 16 pt em in a 15.79 pt
    # cell reaches 0.1 pt past the cell on each side): its cell, and any other character's
    # origin, must not lie left of margin_left.
    for pi, chars in enumerate(pages, 1):
        for c in chars:
            if not g.top - 1 <= c["y"] <= g.block_bottom + 1:
                continue
            start = c["x"]
            if abs(c["size"] - g.size) < 0.01 and is_fullwidth(c, g.size):
                start += (c["adv"] - g.cell) / 2
            if start < g.left - 0.05:
                ln = [d for d in chars if abs(d["y"] - c["y"]) < 0.1]
                fail(pi, f"'{c['c']}' starts {g.left - start:.2f} pt left of the text block "
                         f"(x {c['x']:.2f}): '{text(sorted(ln, key=lambda d: d['x']))[:30]}'")

    # ---- paragraphs ----
    paras = []  # lists of (page, line)
    cur = None
    for pi, kind, ln in stream:
        if kind == "cont" and cur is not None:
            cur.append((pi, ln))
            continue
        cur = None
        if kind == "first":
            cur = [(pi, ln)]
            paras.append(cur)
        elif kind == "cont":
            fail(pi, f"a line at the margin follows no paragraph: '{text(ln)}'")

    def check_split(pi, a, b, what):
        x, y = text(a)[-1], text(b)[0]
        if is_word(x) and is_word(y) and x not in URL_BREAK_AFTER:
            fail(pi, f"{what}: run split between '{text(a)[-12:]}' / '{text(b)[:12]}'")
        if x == "-":
            fail(pi, f"{what}: line ends with a hyphen (text extraction drops it): '{text(a)[-12:]}'")
        if x == y and x in "—…":
            fail(pi, f"{what}: '{x}{y}' split between lines")

    nfull = n28 = 0
    npairs = [0]
    for para in paras:
        for k, (pi, ln) in enumerate(para):
            last = k == len(para) - 1
            if not last:
                check_split(pi, ln, para[k + 1][1], "paragraph")
            # spacing between neighbouring characters, minus their set widths
            han_gaps = [b["x"] - a["x"] - g.cell for a, b in zip(ln, ln[1:])
                        if is_han(a["c"]) and is_han(b["c"]) and is_fullwidth(a, g.size)]
            spread = min(han_gaps) if han_gaps else 0.0
            # adjacent full-width marks compressed: no whole blank em between 。” ）、 ：“
            for a, b in zip(ln, ln[1:]):
                pair = (a["c"] in STOP_CLOSE and (b["c"] in STOP_CLOSE or b["c"] in NO_END)) or \
                       (a["c"] in NO_END and b["c"] in NO_END)
                if pair and is_fullwidth(a, g.size) and is_fullwidth(b, g.size):
                    npairs[0] += 1
                    if b["x"] - a["x"] > 0.5 * g.cell + max(spread, 0.0) + 0.2:
                        fail(pi, f"'{a['c']}{b['c']}' not compressed ({b['x'] - a['x']:.2f} pt "
                                 f"apart): '{text(ln)}'")
            if last:
                if han_gaps and max(abs(s) for s in han_gaps) > 0.05:
                    fail(pi, f"last line of a paragraph is stretched ({max(han_gaps):.2f} pt "
                             f"between characters): '{text(ln)}'")
                continue
            nfull += 1
            lc = ln[-1]
            if lc["c"] in STOP_CLOSE and is_fullwidth(lc, g.size):
                mid = lc["x"] + lc["adv"] / 2
                edges = [mid, mid + g.cell / 2]
            elif is_fullwidth(lc, g.size):
                edges = [lc["x"] + lc["adv"] / 2 + g.cell / 2]
            else:
                edges = [lc["x"] + lc["adv"]]
            edge = min(edges, key=lambda e: abs(e - right_edge))
            if abs(edge - right_edge) > tol:
                fail(pi, f"justified line's right edge at {edge:.2f}, the measure ends at "
                         f"{right_edge:.2f}: '{text(ln)}'")
            if han_gaps and max(han_gaps) - min(han_gaps) > 0.05:
                fail(pi, f"uneven spacing ({min(han_gaps):.2f}..{max(han_gaps):.2f} pt): '{text(ln)}'")
            if spread > 0.25 * g.size:
                fail(pi, f"line spread by {spread:.2f} pt between characters (over a quarter "
                         f"em): '{text(ln)}'")
            word_gaps = [b["x"] - a["x"] - a["adv"] for a, b in zip(ln, ln[1:])
                         if is_word(a["c"]) and is_word(b["c"])]
            if han_gaps and word_gaps and max(abs(w - spread) for w in word_gaps) > 0.05:
                fail(pi, f"spacing inside a Latin run differs from the spacing between Han "
                         f"({min(word_gaps):.2f}..{max(word_gaps):.2f} vs {spread:.2f} pt): '{text(ln)}'")
            if lc["c"] in URL_BREAK_AFTER and is_word(para[k + 1][1][0]["c"]):
                continue  # broken inside a URL: the line holds what fits up to a break point
            start = g.left + (g.indent if k == 0 else 0)
            worth = (edge - start - spread * (len(ln) - 1)) / g.cell
            want = g.grid_chars - (g.indent / g.cell if k == 0 else 0)
            unit = first_unit(para[k + 1][1])
            unit_w = sum(g.cell if is_fullwidth(c, g.size) else c["adv"] for c in unit) / g.cell
            if worth > want + 0.02 or worth + unit_w <= want + 0.02:
                fail(pi, f"full line holds {worth:.2f} cells' worth, expected {want:g} (or less "
                         f"by what the next line's first unit '{text(unit)}' would overflow): "
                         f"'{text(ln)}'")
            if abs(worth - want) < 0.02:
                n28 += 1
            elif VERBOSE:
                print(f"page {pi}: {worth:.2f} cells + next unit '{text(unit)}' {unit_w:.2f}: '{text(ln)}'")
        # widows and orphans
        pieces = {}
        for pi, ln in para:
            pieces[pi] = pieces.get(pi, 0) + 1
        if len(pieces) > 1:
            for pi, n in pieces.items():
                if n < 2:
                    fail(pi, f"a paragraph leaves {n} line on page {pi}: "
                             f"'{text(para[0][1])[:20]}…'")

    # ---- the line grid ----
    for pi, kind, ln in stream:
        if kind in ("table", "title"):
            continue
        k = (ln[0]["y"] - g.base0) / g.pitch
        if abs(k - round(k)) * g.pitch > 0.05:
            fail(pi, f"baseline {ln[0]['y']:.2f} is off the line grid (pitch {g.pitch:.3f}): "
                     f"'{text(ln)}'")

    # ---- headings kept with what follows ----
    for i, (pi, kind, ln) in enumerate(stream):
        if kind != "heading":
            continue
        after = [s for s in stream[i + 1:i + 3] if s[0] == pi and s[1] != "heading"]
        if len(after) < 2:
            fail(pi, f"heading '{text(ln)}' is followed by {len(after)} line(s) on its page")

    # ---- signature with the end of the text ----
    sig = [(pi, ln) for pi, kind, ln in stream if kind == "signature"]
    if sig:
        if len({pi for pi, _ in sig}) > 1:
            fail(sig[0][0], "the signature block is split across pages")
        before = [s for s in stream if s[1] in ("first", "cont")]
        last_para = paras[-1] if paras else []
        need = min(2, len(last_para))
        on_page = sum(1 for pi, _ in last_para if pi == sig[0][0])
        if on_page < need:
            fail(sig[0][0], f"the signature block has {on_page} line(s) of the text before it on "
                            f"its page (want {need})")
        del before

    # ---- the title ----
    if title_lines:
        tls = [ln for _, ln in title_lines]
        for a, b in zip(tls, tls[1:]):
            check_split(title_lines[0][0], a, b, "title")
            ta, tb = text(a), text(b)
            if re.search(r"\d$", ta) and tb.startswith("年"):
                fail(title_lines[0][0], f"title splits '{ta[-4:]}/{tb[:1]}'")
        widths = [ln[-1]["x"] + ln[-1]["adv"] - ln[0]["x"] for ln in tls]
        if len(tls) > 1 and max(widths) - min(widths) > 4 * tls[0][0]["size"]:
            fail(title_lines[0][0], f"title lines unbalanced: widths {widths}")

    # ---- a table broken across pages ----
    if table_label:
        def pages_of(t):
            return sorted({pi for pi, c in table_cells if c["text"] == t})
        tpages = pages_of(table_headers[0])
        if len(tpages) < 2:
            fail(tpages[0] if tpages else 0,
                 f"table with '{table_headers[0]}' does not break across pages (on {tpages})")
        for h in table_headers:
            if pages_of(h) != tpages:
                fail(tpages[0] if tpages else 0, f"header '{h}' on pages {pages_of(h)}, table on {tpages}")
        for pi in tpages:
            cells = [c for p2, c in table_cells if p2 == pi]
            hdr = [c for c in cells if c["text"] in table_headers]
            top_hdr, bot_hdr = min(c["y0"] for c in hdr), max(c["y"] for c in hdr)
            above = [c for c in cells if c["y0"] < top_hdr - 0.1]
            below = [c for c in cells if c["y0"] > bot_hdr + 0.1]
            if not below:
                fail(pi, "no body rows below the repeated header rows")
            if above and pi != tpages[0]:
                fail(pi, f"table text above the repeated header rows: '{above[0]['text']}'")
            if pi != tpages[0] and top_hdr > g.top + 2 * g.size:
                fail(pi, f"the continued table does not start at the top of the page (header at {top_hdr:.1f})")
            print(f"table page {pi}: header rows at baselines {top_hdr:.1f}..{bot_hdr:.1f}, "
                  f"{len({round(c['y0'], 1) for c in below})} body baselines below")
        label_pages = pages_of(table_label)
        if len(tpages) >= 2 and not set(tpages) <= set(label_pages):
            fail(tpages[0], f"spanning label '{table_label}' on pages {label_pages}, table on {tpages}")
        for pi in label_pages:
            c = [c for p2, c in table_cells if p2 == pi and c["text"] == table_label][0]
            hdr_bottom = max(c2["y"] for p2, c2 in table_cells if p2 == pi and c2["text"] in table_headers)
            if c["y0"] < hdr_bottom:
                fail(pi, f"spanning label '{table_label}' at y {c['y0']:.1f} is above the header rows")
            print(f"spanning label '{table_label}' on page {pi}: lines at y {c['y0']:.1f}..{c['y']:.1f}")

    nbody = sum(1 for s in stream if s[1] in ("first", "cont"))
    print(f"{pdf}: {len(pages)} pages, {nbody} body lines in {len(paras)} paragraphs, "
          f"{nfull} full lines ({n28} exactly {g.grid_chars} cells, the others short by less than the unit that comes next), "
          f"{sum(1 for s in stream if s[1] == 'heading')} headings, {len(sig)} signature lines, "
          f"{len(table_lines)} table cell lines, {npairs[0]} compressed punctuation pairs; "
          f"body font {body_font}")
    for f in failures:
        print(f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
