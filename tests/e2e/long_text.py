#!/usr/bin/env python3
"""long_text.py — nothing the data says is dropped: every text field of the schema, given a
20,000-character value, reaches the PDF whole.  Run by tests/e2e/long_text.sh as

    python3 long_text.py NIANBAO SRCDIR WORKDIR

The fields come from schema/report.schema.json itself: every string the schema has is found
by walking it (properties, array items, anyOf alternatives, the edition's if/then/else), so a
text field added to the schema is tested without editing this file.  A string that is not
free text (`$defs/text`) must be one of NOT_TEXT below (an enum, a date), else the test fails
naming it.  Where a field goes comes from the layout (layouts/gov-annual-2021.json): the
value paths of its content blocks are printed on the page, its "metadata" paths go to the
PDF's Info dictionary; a text field in neither fails the test.

For each field: a copy of samples/county-bureau-2021.json with that field (in an array: the
first item; in an item form such as {"heading", "text"}: that key of a new first item, the
other keys short) set to 20,000 characters of mixed hanzi, Latin letters, digits and
full-width punctuation, without spaces (every other field's value starts with a Latin
letter, signature.office's among them); `nianbao check` and, with --force when the checker
objects, `nianbao render`.  Then:
  * on the page: pdftotext's text with the page numbers (— N —) and all white space removed
    contains the value, every character present and in order (the first difference is
    reported with its index when not);
  * metadata: pdfinfo's field equals the value.
"""
import json
import os
import random
import re
import subprocess
import sys

LENGTH = 20000
# Strings of the schema that are not free text: what they may hold is fixed.
# amounts written as decimal strings ("73802895.90") are numbers, checked by their form
NOT_TEXT = {"edition", "signature.date", "active.procurement.amount.unit",
            "active.procurement.amount.value", "active.fees.amount"}
PDFINFO_KEY = {"title": "Title", "author": "Author", "subject": "Subject"}


def walk(node, defs, steps):
    """Yields (steps, kind) for every string of the schema below `node`; kind is "text" for
    $defs/text, else "string".  A step is ("key", name, object_schema) or ("item",)."""
    ref = node.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        if name == "text":
            yield steps, "text"
            return
        node = defs[name]
    if node.get("type") == "string" or "enum" in node or "const" in node or "pattern" in node:
        yield steps, "string"
        return
    for alt in node.get("anyOf", []) + node.get("oneOf", []) + node.get("allOf", []):
        yield from walk(alt, defs, steps)
    for branch in ("then", "else"):
        if branch in node:
            yield from walk(node[branch], defs, steps)
    for key, sub in node.get("properties", {}).items():
        yield from walk(sub, defs, steps + [("key", key, node)])
    if "items" in node:
        yield from walk(node["items"], defs, steps + [("item",)])


def label(steps):
    out = ""
    for st in steps:
        if st[0] == "item":
            out += "[]"
        else:
            obj = st[2]
            if out.endswith("[]") and obj.get("required"):
                out += "{" + ",".join(obj["required"]) + "}"
            out += ("." if out else "") + st[1]
    return out


def dotted(steps):
    """The data path with array items left out (sections.overview for sections.overview[]…)."""
    keys = []
    for st in steps:
        if st[0] == "item":
            break
        keys.append(st[1])
    return ".".join(keys), any(st[0] == "item" for st in steps)


def place(cur, steps, value, filler):
    """A copy of `cur` with `value` put where `steps` lead (an array's first item replaced
    by a new one; a new object item gets its required keys, short)."""
    if not steps:
        return value
    st = steps[0]
    if st[0] == "item":
        rest = list(cur) if isinstance(cur, list) else []
        return [place(None, steps[1:], value, filler)] + rest[1:]
    key, obj = st[1], st[2]
    props = obj.get("properties", {})
    if isinstance(cur, dict) and set(cur) <= set(props):
        d = dict(cur)
    else:
        d = {k: filler for k in obj.get("required", [])}
    d[key] = place(d.get(key), steps[1:], value, filler)
    return d


def long_value(rng, hanzi, latin_first):
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    punct = "，。、；：（）《》“”"
    out = [rng.choice(letters)] if latin_first else [rng.choice(hanzi)]
    n = len(out)
    while n < LENGTH:
        r = rng.random()
        if r < 0.70:
            s = "".join(rng.choice(hanzi) for _ in range(rng.randint(1, 12)))
        elif r < 0.80:
            s = "".join(rng.choice(letters) for _ in range(rng.randint(1, 8)))
        elif r < 0.90:
            s = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 6)))
        else:
            s = rng.choice(punct)
        s = s[:LENGTH - n]
        out.append(s)
        n += len(s)
    return "".join(out)


def page_text(pdf):
    t = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], capture_output=True,
                       check=True).stdout.decode("utf-8", "replace")
    t = re.sub(r"(?m)^\s*—\s*\d+\s*—\s*$", "", t)
    return re.sub(r"\s+", "", t)


def pdfinfo(pdf):
    out = subprocess.run(["pdfinfo", "-enc", "UTF-8", pdf], capture_output=True,
                         check=True).stdout.decode("utf-8", "replace")
    info = {}
    for line in out.splitlines():
        k, _, v = line.partition(":")
        info[k] = v.strip()
    return info


def first_difference(text, value):
    """Length of the longest prefix of value that occurs in text."""
    lo, hi = 0, len(value)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if value[:mid] in text:
            lo = mid
        else:
            hi = mid - 1
    return lo


def main(argv):
    nianbao, srcdir, workdir = argv[1:4]
    schema = json.load(open(os.path.join(srcdir, "schema/report.schema.json"), encoding="utf-8"))
    layout = json.load(open(os.path.join(srcdir, "layouts/gov-annual-2021.json"), encoding="utf-8"))
    sample = json.load(open(os.path.join(srcdir, "samples/county-bureau-2021.json"),
                            encoding="utf-8"))
    defs = schema["$defs"]
    failures = []

    # Where the layout puts values: on the page (content blocks) and in the Info dictionary.
    on_page = set()
    for b in layout["content"]:
        if b.get("type") in ("value", "paragraphs", "flow") and "value" in b:
            on_page.add(b["value"])
        for ln in b.get("lines", []):
            if "value" in ln:
                on_page.add(ln["value"])
    metadata = {path: PDFINFO_KEY[k] for k, path in layout.get("metadata", {}).items()
                if k in PDFINFO_KEY}

    fields = []
    seen = set()
    for steps, kind in walk(schema, defs, []):
        name = label(steps)
        if name in seen:
            continue
        seen.add(name)
        path, in_array = dotted(steps)
        if kind != "text":
            if name not in NOT_TEXT:
                failures.append(f"the schema has a string field {name} that is neither free text "
                                f"($defs/text) nor listed in NOT_TEXT: add it to the one that "
                                f"fits")
            continue
        fields.append((name, steps, path, in_array))
    if len(fields) < 10:
        failures.append(f"only {len(fields)} text fields found in the schema: the walk is broken")

    hanzi = sorted({c for c in json.dumps(sample, ensure_ascii=False)
                    if "\u4e00" <= c <= "\u9fff"})
    for k, (name, steps, path, in_array) in enumerate(fields):
        rng = random.Random(k)
        latin_first = k % 2 == 1 or name == "signature.office"
        value = long_value(rng, hanzi, latin_first)
        data = place(sample, steps, value, "短文。")
        stem = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_")
        dfile = os.path.join(workdir, stem + ".json")
        pdf = os.path.join(workdir, stem + ".pdf")
        json.dump(data, open(dfile, "w", encoding="utf-8"), ensure_ascii=False)
        chk = subprocess.run([nianbao, "check", dfile], capture_output=True)
        args = [nianbao, "render", dfile, "-o", pdf, "-q"] + (["--force"] if chk.returncode == 1 else [])
        r = subprocess.run(args, capture_output=True)
        if r.returncode != 0:
            failures.append(f"{name}: render exited {r.returncode}: "
                            f"{r.stderr.decode('utf-8', 'replace').strip()[:300]}")
            continue
        where = []
        if path in on_page:
            where.append("page")
            text = page_text(pdf)
            if value not in text:
                ok = first_difference(text, value)
                failures.append(f"{name}: the page text holds the value's first {ok} of {LENGTH} "
                                f"characters only; at index {ok}: '{value[max(0, ok - 10):ok]}|"
                                f"{value[ok:ok + 10]}'")
        if not in_array and path in metadata:
            where.append(metadata[path])
            got = pdfinfo(pdf).get(metadata[path], "")
            if got != value:
                ok = next((i for i, (a, b) in enumerate(zip(got, value)) if a != b),
                          min(len(got), len(value)))
                failures.append(f"{name}: pdfinfo {metadata[path]} differs from the value at "
                                f"index {ok} ({len(got)} vs {LENGTH} characters)")
        if not where:
            failures.append(f"{name}: a text field the layout prints nowhere (not a content "
                            f"block's value, not metadata)")
        print(f"{name}: {LENGTH} characters{' from a Latin letter' if latin_first else ''}"
              f"{' (--force)' if chk.returncode == 1 else ''}: checked on {', '.join(where)}")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
