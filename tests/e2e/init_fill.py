# tests/e2e/init_fill.py — fills in a report made by `nianbao init` the way a person would,
# with the values of a valid report: every null leaf and every 【请填写…】 text takes the
# valid report's value at the same JSON path (a section's paragraph list that holds a
# placeholder takes the valid report's paragraphs whole), and keys the valid report has and
# the init file lacks are added.  Usage: python3 init_fill.py INIT.json VALID.json; prints
# the JSON paths of the added keys; exits non-zero when the valid report has no value for a
# blank.
import json, sys
added = []
def has_ph(v):
    return isinstance(v, str) and "【请填写" in v
def fill(a, b, path):
    if a is None or has_ph(a):
        if b is None: sys.exit("fill: the valid report has no value at " + path)
        return b
    if isinstance(a, dict):
        out = {k: fill(v, b.get(k) if isinstance(b, dict) else None, path + "." + k)
               if (v is None or has_ph(v) or isinstance(v, (dict, list))) else v for k, v in a.items()}
        for k in (b if isinstance(b, dict) else {}):
            if k not in a:
                out[k] = b[k]; added.append(path + "." + k)
        return out
    if isinstance(a, list):
        if any(has_ph(v) for v in a):  # section text: the office writes its own paragraphs
            if not isinstance(b, list): sys.exit("fill: the valid report has no list at " + path)
            return b
        return [fill(v, b[i] if isinstance(b, list) and i < len(b) else None, "%s[%d]" % (path, i)) for i, v in enumerate(a)]
    return a
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
json.dump(fill(a, b, ""), open(sys.argv[1], "w"), ensure_ascii=False, indent=2)
print(" ".join(added))
