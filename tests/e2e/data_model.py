#!/usr/bin/env python3
"""data_model.py — the report's data model is spelled out in five places, and they agree.

Per edition of layouts/editions.json, the data paths (leaves: a count, an amount, a text, a
date, a list of paragraphs) are taken from

  schema   schema/report.schema.json, the edition's branch of its if/then/else;
  layout   the edition's layout: value blocks, value cells ({"value"} and {"values"} rows),
           value lines and the metadata fields;
  blank    the edition's blank report (layouts/blank-*.json);
  docs     docs/data-format.md: the key/field tables (top-level fields, sections,
           signature, tables A, B and C with their editions' rows);
  checker  `nianbao check --format json` as a black box, on a report made here from the
           schema alone (every text "测试", every table value null): each table leaf must get
           exactly one value.blank warning naming it (so the checker's own key tables are
           complete and have nothing more), its message must carry the docs' row and column
           labels; and the report missing each key in turn (leaf or object) must fail with
           an error naming that key when the schema requires it, and pass when the schema
           says it is optional.

and compared: the schema's leaves, the docs' and the blank report's (the blank leaves out
the optional signature and subject) must be the same set; the layout prints every leaf
but `edition` (which picks the layout) and `year` (which dates the PDF); the checker's
table leaves are the schema's leaves under active, applications and reviews.  Every path
one source has and another lacks is printed, naming both; the exit status is 1 then.

The blank reports cannot be generated from the schema (their sentences and 【请填写】
prompts are editorial text), so this test is what keeps them in step.

usage: data_model.py NIANBAO SRCDIR WORKDIR
"""
import copy
import json
import os
import re
import subprocess
import sys

TABLES = ("active", "applications", "reviews")
NOT_PRINTED = {"edition", "year"}  # the layout's choice and the PDF's date, not printed

problems = []


def problem(msg):
    problems.append(msg)
    print("MISMATCH: " + msg)


# ---- schema -------------------------------------------------------------------------------


class Schema:
    def __init__(self, path, edition):
        self.doc = json.load(open(path, encoding="utf-8"))
        self.defs = self.doc["$defs"]
        self.edition = edition
        # The edition's branch: which of then/else applies to it.
        cond = self.doc["if"]["properties"]["edition"]["const"]
        self.branch = self.doc["then" if edition == cond else "else"]["properties"]

    def resolve(self, node):
        while "$ref" in node:
            node = self.defs[node["$ref"].rsplit("/", 1)[1]]
        return node

    def walk(self):
        """Yields (path, node, required, is_leaf) for every key, depth first."""
        top = self.doc

        def rec(node, prefix):
            node = self.resolve(node)
            if node.get("type") != "object" or "properties" not in node:
                return
            req = set(node.get("required", []))
            for key, sub in node["properties"].items():
                path = prefix + key
                if prefix == "" and key in self.branch:
                    sub = self.branch[key]
                r = self.resolve(sub)
                leaf = r.get("type") != "object" or "properties" not in r
                yield path, r, key in req, leaf
                if not leaf:
                    yield from rec(r, path + ".")

        yield from rec(top, "")

    def leaves(self):
        return {p for p, _, _, leaf in self.walk() if leaf}

    def required_leaves(self):
        """Leaves whose every step is required (what a complete report must have)."""
        req_paths = {p for p, _, r, _ in self.walk() if r}
        out = set()
        for p, _, _, leaf in self.walk():
            parts = p.split(".")
            if leaf and all(".".join(parts[: i + 1]) in req_paths for i in range(len(parts))):
                out.add(p)
        return out

    def sample_value(self, path, node, year):
        """A valid value for a leaf: what the report made from the schema holds."""
        if "enum" in node:
            return self.edition if path == "edition" else node["enum"][0]
        if path == "year":
            return year
        t = node.get("type")
        if t == "array":
            return ["测试"]
        if t == "string":
            if node.get("format") == "date" or "pattern" in node and "\\d{4}" in node["pattern"]:
                return "%d-01-15" % (year + 1)
            return "测试"
        return None  # counts, amounts, signed counts, the procurement amount: blank

    def report(self, year):
        """A complete report of this edition made from the schema: every key present (the
        optional ones too), texts "测试", dates after the year, table values null."""
        rep = {}
        for p, node, _, leaf in self.walk():
            parts = p.split(".")
            o = rep
            for k in parts[:-1]:
                o = o.setdefault(k, {})
            if leaf:
                o[parts[-1]] = self.sample_value(p, node, year)
            else:
                o.setdefault(parts[-1], {})
        return rep


def date_leaf(schema, path):
    for p, node, _, leaf in schema.walk():
        if p == path:
            return node
    return None


# ---- layout, blank report -----------------------------------------------------------------


def layout_leaves(path):
    lay = json.load(open(path, encoding="utf-8"))
    out = set(v for v in lay.get("metadata", {}).values())
    for b in lay["content"]:
        t = b["type"]
        if t in ("value", "paragraphs", "flow"):
            out.add(b["value"])
        elif t == "lines":
            out.update(l["value"] for l in b["lines"] if isinstance(l, dict) and "value" in l)
        elif t == "table":
            cols = b.get("value_columns", [])
            for row in b["rows"]:
                for c in row:
                    if isinstance(c, dict) and "values" in c:
                        out.update(c["values"] + "." + k for k in cols)
                    elif isinstance(c, dict) and "value" in c:
                        out.add(c["value"])
    return out


def doc_leaves(doc, prefix=""):
    """The leaves of a report: an amount {"value", "unit"} is one."""
    out = set()
    for k, v in doc.items():
        p = prefix + k
        if isinstance(v, dict) and not ("value" in v and set(v) <= {"value", "unit"}):
            out |= doc_leaves(v, p + ".")
        else:
            out.add(p)
    return out


# ---- docs/data-format.md -------------------------------------------------------------------


def split_row(line):
    cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
    return [c.strip() for c in cells]


def ident(cell):
    m = re.match(r"^`([a-z_.]+)`", cell)
    return m.group(1) if m else None


def label_core(label):
    """The part of a docs label the checker repeats: after the last " · ", before " (" or
    " — ", without an edition mark."""
    label = re.sub(r"^\*\*\d{4}:\*\*\s*", "", label)
    label = re.split(r" \(| — ", label)[0]
    return label.split(" · ")[-1].strip()


def parse_docs(path, editions):
    """Per edition: {leaf: (row label, column label) or None}."""
    h2 = h3 = ""
    tables = []  # (h2, h3, header, rows)
    cur = None
    for line in open(path, encoding="utf-8"):
        if line.startswith("## "):
            h2, h3 = line[3:].strip(), ""
        elif line.startswith("### "):
            h3 = line[4:].strip()
        if line.startswith("|"):
            cells = split_row(line)
            if cur is None:
                cur = (h2, h3, cells, [])
                tables.append(cur)
            elif not all(re.fullmatch(r"-+", c) for c in cells):
                cur[3].append(cells)
        else:
            cur = None
    out = {ed: {} for ed in editions}

    def add(ed, path, labels=None):
        out[ed][path] = labels

    for h2, h3, header, rows in tables:
        if h2 == "Top-level fields" and header[0] == "key":
            for r in rows:
                if r[1] != "object":
                    for ed in editions:
                        add(ed, ident(r[0]))
        elif h3 in ("`sections`", "`signature`") and header[0] == "key":
            for r in rows:
                for ed in editions:
                    add(ed, ident(r[0]))
    # Table A: per edition, rows with their fields, and the fields' column labels.
    for ed in editions:
        a_rows = [t for t in tables if t[0].startswith("Table A") and t[1] == ed + " edition"]
        fields = {ident(r[0]): r[1] for t in a_rows if t[2][0] == "field" for r in t[3]}
        for t in a_rows:
            if t[2][:2] == ["key", "fields"]:
                for r in t[3]:
                    key = ident(r[0])
                    for f in re.findall(r"`([a-z_]+)", r[1]):
                        add(ed, key + "." + f, (label_core(r[2]), label_core(fields.get(f, ""))))
    # Tables B and C: every row (of the edition) times every field.
    for prefix in ("Table B", "Table C"):
        ts = [t for t in tables if t[0].startswith(prefix)]
        fields = [(ident(r[0]), r[1]) for t in ts if t[2][0] == "field" for r in t[3]]
        for t in ts:
            if t[2][0] != "key":
                continue
            for r in t[3]:
                mark = re.match(r"^\*\*(\d{4}):\*\*", r[1])
                for ed in editions:
                    if mark and mark.group(1) != ed:
                        continue
                    for f, flabel in fields:
                        add(ed, ident(r[0]) + "." + f, (label_core(r[1]), label_core(flabel)))
    return out


# ---- the checker, black box ---------------------------------------------------------------


def check(nianbao, workdir, name, report):
    path = os.path.join(workdir, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(report, f, ensure_ascii=False, indent=1)
    r = subprocess.run([nianbao, "check", path, "--format", "json"], capture_output=True,
                       text=True)
    findings = json.loads(r.stdout) if r.returncode in (0, 1) and r.stdout else None
    return r.returncode, findings, r.stderr


def remove(report, path):
    rep = copy.deepcopy(report)
    o = rep
    parts = path.split(".")
    for k in parts[:-1]:
        o = o[k]
    del o[parts[-1]]
    return rep


def compare(ed, sources, what):
    """Every path of one source in every other: names the sources each missing path is in."""
    names = list(sources)
    allp = set().union(*sources.values())
    for p in sorted(allp):
        has = [n for n in names if p in sources[n]]
        lacks = [n for n in names if p not in sources[n]]
        if lacks:
            problem("edition %s: %s: %s in %s, not in %s" % (ed, what, p, ", ".join(has),
                                                             ", ".join(lacks)))


def main():
    nianbao, srcdir, workdir = sys.argv[1:4]
    editions = json.load(open(os.path.join(srcdir, "layouts/editions.json"), encoding="utf-8"))
    eds = editions["editions"]
    docs = parse_docs(os.path.join(srcdir, "docs/data-format.md"), list(eds))
    for ed, info in eds.items():
        schema = Schema(os.path.join(srcdir, "schema/report.schema.json"), ed)
        s_all = schema.leaves()
        s_req = schema.required_leaves()
        layout = layout_leaves(os.path.join(srcdir, "layouts", info["layout"]))
        blank_doc = json.load(open(os.path.join(srcdir, "layouts", info["blank"]),
                                   encoding="utf-8"))
        blank = doc_leaves(blank_doc)
        d = docs[ed]
        # Every leaf: schema = docs; the blank report has the required ones, nothing more.
        compare(ed, {"the schema": s_all, "docs/data-format.md": set(d)}, "leaf")
        compare(ed, {"the schema (required)": s_req,
                     "the blank report " + info["blank"]: blank - (s_all - s_req)}, "leaf")
        for p in sorted(blank - s_all):
            problem("edition %s: leaf %s in the blank report, not in the schema" % (ed, p))
        compare(ed, {"the schema (printed)": s_all - NOT_PRINTED,
                     "the layout " + info["layout"]: layout}, "printed leaf")
        # The checker: one value.blank per table leaf, with the docs' labels.
        table = {p for p in s_all if p.split(".")[0] in TABLES}
        year = info["first_year"]
        report = schema.report(year)
        rc, f, err = check(nianbao, workdir, "all-blank-%s.json" % ed, report)
        if f is None:
            problem("edition %s: the report made from the schema does not check: exit %d: %s"
                    % (ed, rc, err.strip()))
            continue
        blanks = {}
        for x in f["findings"]:
            if x["rule"] == "value.blank":
                for p in x["paths"]:
                    blanks.setdefault(p, []).append(x["message"])
            elif x["severity"] == "error":
                problem("edition %s: the all-blank report gets an error: %s %s" %
                        (ed, x["message"], x["paths"]))
        for p, msgs in sorted(blanks.items()):
            if len(msgs) != 1:
                problem("edition %s: %d value.blank warnings for %s" % (ed, len(msgs), p))
        compare(ed, {"the schema (tables)": table, "the checker (value.blank)": set(blanks)},
                "table leaf")
        for p, msgs in sorted(blanks.items()):
            labels = d.get(p)
            if not labels:
                continue
            row, col = labels
            if row not in msgs[0] or ("/ " + col + ":") not in msgs[0]:
                problem("edition %s: %s: the checker says '%s', docs/data-format.md labels it "
                        "row '%s', column '%s'" % (ed, p, msgs[0], row, col))
        # The checker: a missing key is an error naming it, when the schema requires it.
        keys = [(p, r) for p, _, r, _ in schema.walk()]
        for p, required in keys:
            rc, f, err = check(nianbao, workdir, "missing-%s.json" % ed, remove(report, p))
            named = ("$." + p + ": missing") in err or (
                f is not None and any(x["severity"] == "error" and p in x["paths"]
                                      for x in f["findings"]))
            if required and (rc == 0 or not named):
                problem("edition %s: without %s (required by the schema) the checker says: exit "
                        "%d, %s" % (ed, p, rc, err.strip() or
                                   [x["message"] for x in (f or {}).get("findings", [])
                                    if x["severity"] == "error"]))
            if not required and rc not in (0,) and not (f and f["errors"] == 0):
                problem("edition %s: without %s (optional in the schema) the checker fails: exit "
                        "%d, %s" % (ed, p, rc, err.strip()))
        print("edition %s: %d leaves (%d in the tables), %d keys checked missing one at a time; "
              "schema, docs, blank report, layout and checker agree%s" %
              (ed, len(s_all), len(table), len(keys), "" if not problems else " (but see above)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
