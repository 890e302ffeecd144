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
