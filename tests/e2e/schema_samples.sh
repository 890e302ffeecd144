# schema_samples.sh — schema/report.schema.json against real data: every sample under
# samples/, the consistent checker inputs (tests/data/check/base-*.json) and the complete
# minimal example printed in docs/data-format.md validate; the forms the format allows are
# accepted (a blank cell as null, also a 总计 and an amount; an amount as a decimal string
# in both editions; no signature) and the forms it forbids are rejected (a decimal string
# with a sign, exponent, separator, full-width digits or a bare point; a count as a string or
# negative; a null or half signature; an unknown key).  Validated with the jsonschema module
# (Debian: python3-jsonschema), draft 2020-12.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"

PY=
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null 2>&1 &&
        "$p" -c 'import jsonschema; jsonschema.Draft202012Validator' 2>/dev/null; then
        PY=$p
        break
    fi
done
[ -n "$PY" ] || fail "no python3 with the jsonschema module (Debian: apt-get install python3-jsonschema)"

"$PY" - "$SRCDIR" <<'EOF'
import copy, glob, json, os, re, sys
import jsonschema

src = sys.argv[1]
schema = json.load(open(os.path.join(src, "schema/report.schema.json"), encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
errors = []


def problems(doc):
    return [f"{'/'.join(map(str, e.absolute_path)) or '$'}: {e.message}"
            for e in validator.iter_errors(doc)]


def load(rel):
    return json.load(open(os.path.join(src, rel), encoding="utf-8"))


# ---- every sample, the consistent checker inputs, the documented example
files = sorted(glob.glob(os.path.join(src, "samples/*.json")))
files += sorted(glob.glob(os.path.join(src, "tests/data/check/base-*.json")))
if len(files) < 6:
    errors.append(f"only {len(files)} files found to validate")
for path in files:
    for p in problems(json.load(open(path, encoding="utf-8"))):
        errors.append(f"{os.path.relpath(path, src)}: {p}")
doc_md = open(os.path.join(src, "docs/data-format.md"), encoding="utf-8").read()
m = re.search(r"## A complete minimal example.*?```json\n(.*?)```", doc_md, re.S)
if not m:
    errors.append("docs/data-format.md: no complete minimal example found")
else:
    for p in problems(json.loads(m.group(1))):
        errors.append(f"docs/data-format.md example: {p}")

# the 2021 real-report sample really has what it is there for
real = load("samples/real-2021.json")
if "signature" in real or real["active"]["fees"]["amount"] != "73802895.90":
    errors.append("samples/real-2021.json: expected no signature and the amount \"73802895.90\"")


def nulls(node):
    if node is None:
        return 1
    if isinstance(node, dict):
        return sum(nulls(v) for v in node.values())
    return 0


if nulls(real["applications"]) == 0 or nulls(real["reviews"]) == 0:
    errors.append("samples/real-2021.json: expected blank cells in tables B and C")

# ---- forms the format allows and forbids, as changes to two real samples
c21 = load("samples/county-bureau-2021.json")
b20 = load("tests/data/check/base-2020.json")


def at(doc, path):
    keys = path.split(".")
    for k in keys[:-1]:
        doc = doc[k]
    return doc, keys[-1]


def setv(path, value):
    def f(d):
        node, k = at(d, path)
        node[k] = value
    return f


def delv(path):
    def f(d):
        node, k = at(d, path)
        del node[k]
    return f


accept = [
    (c21, "a blank count", setv("applications.results.refused.state_secret.natural", None)),
    (c21, "a blank 总计", setv("applications.results.total.total", None)),
    (c21, "a blank table C cell", setv("reviews.litigation_after_review.total", None)),
    (c21, "a blank amount", setv("active.fees.amount", None)),
    (c21, "a decimal-string amount", setv("active.fees.amount", "73802895.90")),
    (c21, "a decimal-string integer amount", setv("active.fees.amount", "0")),
    (c21, "no signature", delv("signature")),
    (b20, "a blank 本年增/减", setv("active.licensing.change", None)),
    (b20, "a decimal-string procurement value", setv("active.procurement.amount.value", "73802895.90")),
    (b20, "a blank procurement value", setv("active.procurement.amount.value", None)),
    (b20, "a blank procurement amount", setv("active.procurement.amount", None)),
]
reject = [
    (c21, "a negative decimal string", setv("active.fees.amount", "-1")),
    (c21, "a signed decimal string", setv("active.fees.amount", "+1.5")),
    (c21, "an exponent", setv("active.fees.amount", "7.38E7")),
    (c21, "a thousands separator", setv("active.fees.amount", "1,500.00")),
    (c21, "full-width digits", setv("active.fees.amount", "１２")),
    (c21, "a bare point", setv("active.fees.amount", "1.")),
    (c21, "a unit inside the amount", setv("active.fees.amount", "12万元")),
    (c21, "a negative amount", setv("active.fees.amount", -1.5)),
    (c21, "a count as a string", setv("applications.new.natural", "3")),
    (c21, "a negative count", setv("applications.new.natural", -1)),
    (c21, "a fractional count", setv("reviews.reconsideration.total", 1.5)),
    (c21, "a null signature", setv("signature", None)),
    (c21, "a signature without its date", delv("signature.date")),
    (c21, "an unknown key", setv("titel", "x")),
    (b20, "a decimal string with a sign as procurement value", setv("active.procurement.amount.value", "-5")),
]
for base, what, change in accept:
    d = copy.deepcopy(base)
    change(d)
    for p in problems(d):
        errors.append(f"{what} should be accepted: {p}")
for base, what, change in reject:
    d = copy.deepcopy(base)
    change(d)
    if not problems(d):
        errors.append(f"{what} should be rejected but validates")

for e in errors:
    print("FAIL: " + e, file=sys.stderr)
if errors:
    sys.exit(1)
print(f"schema: {len(files)} files and the documented example validate; "
      f"{len(accept)} allowed and {len(reject)} forbidden forms behave", file=sys.stderr)
EOF
note "ok"
