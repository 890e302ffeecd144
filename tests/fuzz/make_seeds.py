#!/usr/bin/env python3
"""Writes the hand-made hostile seeds of tests/fuzz/corpus/ (run from anywhere).

The fuzzers start from the samples; these seeds add the shapes of bad input the issue lists
(and the fuzzers would take long to invent), so each harness meets them on its first pass and
tests/unit/test_fuzz_corpus.c replays them in the ordinary suite.  Crash and hang inputs the
fuzzers find are added beside them as crash-<sha1> / timeout-<sha1>, minimized.
"""
import copy
import json
import os

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
corpus = os.path.join(root, "tests", "fuzz", "corpus")


def put(harness, name, data):
    d = os.path.join(corpus, harness)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def dump(obj):
    return json.dumps(obj, ensure_ascii=False, indent=1)


county = json.load(open(os.path.join(root, "samples", "county-bureau-2021.json"), encoding="utf-8"))
baofeng = json.load(open(os.path.join(root, "samples", "baofeng-2020.json"), encoding="utf-8"))

# --- data: the JSON reader and the checker ------------------------------------------------
put("data", "bom", b"\xef\xbb\xbf{}")
put("data", "bad-utf8", b'{"title": "\xe5\xb9\xb4\xff\xe6\x8a"}')
put("data", "deep-65", '{"a":' + "[" * 64 + "]" * 64 + "}")
put("data", "deep-64", '{"a":' + "[" * 63 + "]" * 63 + "}")
put("data", "nonfinite", '{"a": [NaN, Infinity, -Infinity, 1e999, -1e999, 1e-999]}')
put("data", "nul-escape", '{"title": "a\\u0000b"}')
put("data", "surrogates", '{"a": "\\ud800", "b": "\\udc00x", "c": "\\ud83d\\ude00"}')
put("data", "unclosed", '{"edition": "2021", "sections": {"overview": ["abc')
put("data", "numbers", '{"edition": "2021", "year": 9007199254740993, "a": -0, "b": 1E+2, '
    '"c": 0.1e-1, "d": 123456789012345678901234567890}')
wrong = copy.deepcopy(county)  # every value of a table replaced by the wrong type
for i, (k, v) in enumerate(sorted(wrong["applications"]["new"].items())):
    wrong["applications"]["new"][k] = [None, "3", -1, 2.5, {"x": 1}, [], True, 2**60][i % 8]
wrong["signature"]["date"] = "2021-02-30"
wrong["titel"] = wrong.pop("title")
put("data", "wrong-types.json", dump(wrong))
shapes = copy.deepcopy(baofeng)  # structures swapped for other structures
shapes["applications"] = []
shapes["reviews"] = "none"
shapes["sections"] = {"overview": {"heading": 1}}
put("data", "wrong-shapes.json", dump(shapes))
put("data", "dup-keys", '{"edition": "2021", "edition": "2019", "year": 2020, "year": 2021}')
# Slips of clerks typing with a Chinese input method (issue 15), for the diagnosis that runs
# after a syntax error: full-width punctuation, digits and spaces, Chinese dates, quotes
# closed full-width or not at all, commas missing, left over or doubled, GBK and UTF-16
# files, escapes cJSON refuses or misreads.
put("data", "slip-fullwidth", '{\n  "edition": "2021"，\n  "year"： ２０２１,\n  “body”: 1\n}\n')
put("data", "slip-quotes", '{\n  "edition”: "2021",\n  "body": "x,\n  "year": 2021\n}\n')
put("data", "slip-date", '{\n  "signature": {"date": ２０２２年1月23日}\n}\n')
put("data", "slip-commas", '{\n  "a": [1, 2,],\n  "b": {"x": 1,,}\n  "c": 3\n}\n')
put("data", "slip-spaces", '{\u3000"a":\u00a0[【1】], "fee": 1.5万元}')
put("data", "slip-gbk", '{"body": "青溪县自然资源局", "title": "年度报告"}'.encode("gb18030"))
put("data", "slip-utf16", '{"body": "青溪县"}'.encode("utf-16"))
put("data", "slip-escapes", b'{"a": "C:\\data", "b": "\\ud800\\u0041", "c": "\\uZZZZ"}')

# --- render: data that passes the reader but stresses the layout engine -------------------
r = copy.deepcopy(county)
r["sections"]["overview"] = [
    "",
    "a" * 3000,  # no break opportunity
    "https://example.gov.cn/" + "x/" * 500,
    "\ue000\U0010fffd\u200b\u00ad" * 20,  # private use, zero width, soft hyphen
    {"heading": ""},
    {"heading": "（一）" * 50},
    "“”‘’（）《》、。，" * 40,  # nothing but punctuation
    "\u3000" * 100,
    "第" + "\u0301" * 50 + "一",  # a pile of combining marks
]
put("render", "text-extremes.json", dump(r))
r["sections"]["overview"] = ["e" + "\u0301" * 30, "e" + "\u0301" * 31,  # at and past the limit
                             "\u0e01" + "\u0e33" * 200, "\u0915\u094d" * 200]
put("render", "marks.json", dump(r))
r = copy.deepcopy(baofeng)
for k in list(r["applications"]["new"]):
    r["applications"]["new"][k] = 10**15
r["title"] = "年报" * 600
put("render", "big-numbers-long-title.json", dump(r))
r = copy.deepcopy(county)
r["sections"]["overview"] = 7
r["signature"] = {"body": None}
put("render", "wrong-types.json", dump(r))

# --- layout: the reader, then a render of the county sample with what it accepts ----------
lay = json.load(open(os.path.join(root, "layouts", "gov-annual-2021.json"), encoding="utf-8"))
small = {
    "name": "seed",
    "page": {"width": "210mm", "height": 300, "margin_top": 10, "margin_bottom": 10,
             "margin_left": 10, "margin_right": 10, "grid_lines": 12,
             "page_number": {"style": "s", "format": "{n}{n}", "outer": True, "inset_chars": 1}},
    "styles": {"s": {"font": "body", "size": "五号", "line_pitch": "grid"},
               "h": {"font": "heading2", "size": 20, "keep_with_next": True, "balance": True,
                     "align": "center"}},
    "content": [
        {"type": "value", "style": "h", "value": "title", "outline": 1},
        {"type": "flow", "style": "s", "heading_style": "h", "value": "sections.overview"},
        {"type": "table", "style": "s", "columns": [1, 2, 3], "header_rows": 1,
         "value_columns": ["natural", "total"],
         "rows": [[{"text": "x", "rowspan": 2}, {"values": "applications.new"}],
                  [{"text": "y", "colspan": 2}],
                  [None, "", {"value": "year"}]]},
        {"type": "lines", "style": "s", "keep_with_previous": True,
         "lines": [{"value": "signature.office"}, {"value": "signature.date", "format": "date-zh"}]},
    ],
}
put("layout", "small.json", dump(small))


def variant(name, change):
    v = copy.deepcopy(small)
    change(v)
    put("layout", name, dump(v))


variant("overlap.json", lambda v: v["content"][2]["rows"].__setitem__(1, [{"text": "y", "colspan": 3}]))
variant("bad-sizes.json", lambda v: (v["page"].__setitem__("margin_left", "1e308mm"),
                                     v["styles"]["s"].__setitem__("size", "NaNpt")))
variant("tall-row.json", lambda v: v["content"][2].__setitem__("min_row_height", 5000))
variant("all-header.json", lambda v: v["content"][2].__setitem__("header_rows", 3))
variant("tall-header.json", lambda v: v["content"][2].update(min_row_height=200, header_rows=2))
variant("huge-type.json", lambda v: v["styles"]["h"].update(size=2000, line_pitch=2000))
variant("indent-overflow.json", lambda v: v["styles"]["s"].update(indent_chars=20, right_indent_chars=20))
variant("space-before.json", lambda v: v["styles"]["s"].update(space_before=5000, keep_together=True))
variant("tiny-page.json", lambda v: v["page"].update(width=72, height=72, margin_top=0, margin_bottom=0,
                                                     margin_left=0, margin_right=0, grid_lines=200))
bad = copy.deepcopy(lay)
bad["styles"] = {}
put("layout", "no-styles.json", dump(bad))


# ---- binary: small CFF tables (cff.c's readers) -------------------------------------------
# Built by hand rather than cut from a font: no font bytes are committed.

class Off(int):
    """An offset operand: always five bytes, so a DICT's size does not depend on it."""


def cff_int(v):
    if isinstance(v, Off):
        return bytes([29]) + int(v).to_bytes(4, "big", signed=True)
    if -107 <= v <= 107:
        return bytes([v + 139])
    if 108 <= v <= 1131:
        v -= 108
        return bytes([(v >> 8) + 247, v & 0xFF])
    if -1131 <= v <= -108:
        v = -v - 108
        return bytes([(v >> 8) + 251, v & 0xFF])
    return bytes([29]) + v.to_bytes(4, "big", signed=True)


def cff_dict(items):
    """items: [(operator, [int operands])]; operator 1200 + x is the escaped 12 x."""
    out = b""
    for op, args in items:
        for a in args:
            out += cff_int(a)
        out += bytes([12, op - 1200]) if op >= 1200 else bytes([op])
    return out


def cff_index(objs):
    if not objs:
        return b"\0\0"
    offs, at = [1], 1
    for o in objs:
        at += len(o)
        offs.append(at)
    return len(objs).to_bytes(2, "big") + bytes([4]) + b"".join(o.to_bytes(4, "big") for o in offs) + b"".join(objs)


def cff_table(cid_keyed, gsubrs, lsubrs, nglyphs=5):
    """A CFF table whose DICTs use 5-byte integers for offsets, so the layout is fixed
    before the offsets are known."""
    charstrings = cff_index([bytes([14])] * nglyphs)  # endchar
    subrs = cff_index([bytes([11])] * lsubrs)  # return
    private = lambda sub_off: cff_dict([(19, [Off(sub_off)])] if lsubrs else [])
    strings = cff_index([b"Adobe", b"Identity"])
    names = cff_index([b"Seed"])
    glob = cff_index([bytes([11])] * gsubrs)
    # charset format 2: one run from glyph 1, CIDs 100..
    charset = bytes([2]) + (100).to_bytes(2, "big") + (nglyphs - 2).to_bytes(2, "big")
    fdselect = bytes([3]) + (1).to_bytes(2, "big") + (0).to_bytes(2, "big") + bytes([0]) + nglyphs.to_bytes(2, "big")
    if True:  # offsets are five-byte operands: the sizes are known before the offsets
        top_items = [(1230, [391, 392, 0])] if cid_keyed else []
        top = lambda o: cff_dict(top_items + [(15, [Off(o["charset"])]), (17, [Off(o["cs"])])] +
                                 ([(1236, [Off(o["fdarray"])]), (1237, [Off(o["fdselect"])])]
                                  if cid_keyed else [(18, [Off(o["plen"]), Off(o["private"])])]))
        o = {k: 0x10000000 for k in ("charset", "cs", "fdarray", "fdselect", "private", "plen")}
        head = bytes([1, 0, 4, 4]) + names
        top_idx = cff_index([top(o)])
        at = len(head) + len(top_idx) + len(strings) + len(glob)
        o["charset"] = at
        at += len(charset)
        if cid_keyed:
            o["fdselect"] = at
            at += len(fdselect)
        o["cs"] = at
        at += len(charstrings)
        priv = private(0x10000000)
        if cid_keyed:
            fd = lambda pl, po: cff_dict([(18, [Off(pl), Off(po)])])
            fdarray = cff_index([fd(len(priv), 0x10000000)])
            o["fdarray"] = at
            at += len(fdarray)
        o["private"] = at
        o["plen"] = len(priv)
        priv = private(len(priv))  # Subrs right after the Private DICT
        at += len(priv)
        top_idx = cff_index([top(o)])
        body = head + top_idx + strings + glob + charset
        if cid_keyed:
            body += fdselect
        body += charstrings
        if cid_keyed:
            body += cff_index([cff_dict([(18, [Off(len(priv)), Off(o["private"])])])])
        body += priv + subrs
    return body


put("binary", "cid-no-subrs.cff", cff_table(True, 0, 0))
put("binary", "cid-local-subrs.cff", cff_table(True, 0, 3))
put("binary", "cid-global-subrs.cff", cff_table(True, 2, 0))
put("binary", "name-keyed-subrs.cff", cff_table(False, 0, 2))
put("binary", "deep-huffman.bin", b"".join(bytes([65 + s]) * n for s, n in
                                          enumerate([1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584])))
