# tests/e2e/archive_pdfa.sh — the rendered reports meet the PDF/A-1b rules we can check here.
#
#   bash tests/e2e/archive_pdfa.sh NIANBAO_BIN SRCDIR WORKDIR     (what ctest runs)
#   bash tests/e2e/archive_pdfa.sh --check FILE.pdf [pdfa|plain]  (the checker alone)
#   bash tests/e2e/archive_pdfa.sh --preflight FILE.pdf  (Apache PDFBox Preflight, if installed)
#
# veraPDF is not available here, so the checker below parses the file itself: the raw bytes
# (header, object/stream/xref syntax at the offsets qpdf reports), and every object through
# `qpdf --json` (once with streams as stored, once decoded). It checks, and names the rule
# (ISO 19005-1 clause) when it fails:
#   6.1.2 header + binary comment, nothing after %%EOF; 6.1.3 trailer /ID, no /Encrypt;
#   6.1.4 xref keyword syntax; 6.1.7 stream keyword EOLs and exact /Length, no /F /FFilter
#   /FDecodeParms; 6.1.8 obj/endobj syntax; 6.1.10 no LZW; PDF 1.4 (no object/xref streams);
#   6.2.2 OutputIntent GTS_PDFA1 with a well-formed ICC v2 profile whose colour space matches
#   /N, which Little CMS (liblcms2 via ctypes, when installed) opens without complaint and
#   uses to map sRGB white, black and red to their D50 Lab values; 6.2.3 only DeviceGray in content (and it is 0 = pure black); 6.2.4 no images
#   interpolation/alternates; 6.2.7 no PostScript XObjects; 6.2.8 no /TR; 6.3.4 every font
#   embedded; 6.3.5 a CIDSet for every subset CID font listing exactly the CIDs of the
#   embedded font program (CFF charset / TrueType maxp parsed here), and every code the
#   pages show is in it; 6.3.6 the /W and /DW width of every code shown equals the advance
#   in the embedded program (Type 2 charstring widths with the Private DICT's nominal and
#   default widths; TrueType hmtx), within 1/1000 em; font descriptors carry every required
#   key and FontName = BaseFont;
#   6.4 no /SMask, /CA or /ca below 1, no blend modes, no transparency groups;
#   6.6 no forbidden actions (Launch, JavaScript, ...) and no /AA; 6.7 an unfiltered XMP
#   Metadata stream with a valid packet header (no bytes/encoding attributes), only
#   predefined schemas, pdfaid:part 1 / conformance B, and Title/Author/Subject/Keywords/
#   Creator/Producer/CreationDate/ModDate equal to the Info dictionary (dates as the same
#   instant in the same zone); 6.1.6-ish: Info strings are PDFDocEncoding (ASCII) or
#   UTF-16BE with a BOM; 6.9 no /OCProperties; no /EmbeddedFiles; 6.1.12 implementation
#   limits (array/dictionary sizes, integers, reals, names, strings, objects, q nesting).
# Mode "plain" (for --no-pdfa output) checks there is no OutputIntent and no pdfaid.
# On top: qpdf --check clean, Ghostscript (nullpage) renders with no output at all,
# `pdfinfo -meta` shows the XMP, and, when Debian's libpdfbox2-java is installed, Apache
# PDFBox Preflight (an independent PDF/A-1b validator) calls both samples valid and the
# --no-pdfa file not.

check_pdf() {
    python3 - "$@" <<'PY'
import base64
import datetime
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

path = sys.argv[1]
mode = sys.argv[2] if len(sys.argv) > 2 else "pdfa"
errors = []


def bad(rule, msg):
    errors.append(f"[{rule}] {msg}")


raw = open(path, "rb").read()


def qpdf_json(*args):
    r = subprocess.run(["qpdf", "--json=2", *args, path], capture_output=True)
    if r.returncode != 0:
        sys.exit(f"FAIL: qpdf --json {' '.join(args)} exited {r.returncode}: "
                 f"{r.stderr.decode(errors='replace')[:300]}")
    return json.loads(r.stdout)


stored = qpdf_json("--json-key=qpdf", "--json-stream-data=none", "--decode-level=none")["qpdf"][1]
decoded_doc = qpdf_json("--json-stream-data=inline", "--decode-level=generalized")
decoded = decoded_doc["qpdf"][1]


def ref_key(ref):
    return "obj:" + ref


def is_ref(v):
    return isinstance(v, str) and re.fullmatch(r"\d+ \d+ R", v) is not None


def obj(v, table=stored):
    """Resolves a reference to its value (dict/array/...); streams give their dict."""
    while is_ref(v):
        o = table.get(ref_key(v))
        if o is None:
            return None
        v = o["stream"]["dict"] if "stream" in o else o.get("value")
    return v


def stream_data(v):
    o = decoded.get(ref_key(v)) if is_ref(v) else None
    if not o or "stream" not in o:
        return None
    d = o["stream"].get("data")
    return base64.b64decode(d) if d is not None else None


def pdf_string(v):
    """qpdf's JSON string → (text or None, raw bytes or None)."""
    if isinstance(v, str) and v.startswith("u:"):
        return v[2:], None
    if isinstance(v, str) and v.startswith("b:"):
        return None, bytes.fromhex(v[2:])
    return None, None


# ---- 6.1.2 header, 6.1.3 trailer, PDF version ----------------------------------------------
m = re.match(rb"%PDF-1\.([0-9])(\r\n|\r|\n)%([^\r\n]*)(\r\n|\r|\n)", raw)
if not m:
    bad("6.1.2", "file does not start with %PDF-1.n and a comment line")
else:
    if int(m.group(1)) > 4:
        bad("PDF/A-1", f"PDF version 1.{m.group(1).decode()} is above 1.4")
    if sum(1 for b in m.group(3) if b > 127) < 4:
        bad("6.1.2", "second line is not a comment with at least four bytes above 127")
end = raw.rfind(b"%%EOF")
if end < 0 or raw[end + 5:] not in (b"", b"\n", b"\r\n", b"\r"):
    bad("6.1.2", "data after the last %%EOF (or no %%EOF)")
trailer = stored["trailer"]["value"]
if "/Encrypt" in trailer:
    bad("6.1.3", "trailer has /Encrypt")
ids = trailer.get("/ID")
if not (isinstance(ids, list) and len(ids) == 2 and all(isinstance(i, str) for i in ids)):
    bad("6.1.3", f"trailer /ID missing or not two strings: {ids!r}")
else:
    for i in ids:
        t, b = pdf_string(i)
        n = len(b) if b is not None else len(t.encode("latin-1", "replace"))
        if n < 16:
            bad("6.1.3", f"trailer /ID string only {n} bytes")

# ---- 6.1.4 xref, 6.1.7 streams, 6.1.8 objects (raw syntax at qpdf's offsets) --------------
sx = re.search(rb"startxref(\r\n|\r|\n)(\d+)(\r\n|\r|\n)%%EOF", raw[-64:])
if not sx:
    bad("6.1.4", "no startxref before %%EOF")
else:
    off = int(sx.group(2))
    if not re.match(rb"xref(\r\n|\n|\r)\d+ \d+(\r\n|\n|\r| \r\n| \n)", raw[off:off + 40]):
        bad("6.1.4", "xref keyword not followed by a single EOL and a subsection header")
xr = subprocess.run(["qpdf", "--show-xref", path], capture_output=True, text=True)
offsets = {}
for line in xr.stdout.splitlines():
    mm = re.match(r"(\d+)/(\d+): uncompressed; offset = (\d+)", line)
    if mm:
        offsets[f"{mm.group(1)} {mm.group(2)} R"] = int(mm.group(3))
    elif "compressed" in line:
        bad("PDF/A-1", f"object stream entry in xref: {line}")
if not offsets:
    bad("6.1.4", "qpdf --show-xref listed no objects")
EOL = rb"(?:\r\n|\n|\r)"
for ref, off in offsets.items():
    num, gen = ref.split()[:2]
    head = re.compile(rb"%s %s obj(\r\n|\n|\r)" % (num.encode(), gen.encode()))
    if not head.match(raw, off):
        bad("6.1.8", f"object {ref}: not 'N G obj' + EOL at offset {off}")
        continue
    if off > 0 and raw[off - 1:off] not in (b"\n", b"\r"):
        bad("6.1.8", f"object {ref}: not preceded by an EOL")
    o = stored.get(ref_key(ref))
    if o and "stream" in o:
        d = o["stream"]["dict"]
        for k in ("/F", "/FFilter", "/FDecodeParms"):
            if k in d:
                bad("6.1.7", f"stream {ref} has {k}")
        length = obj(d.get("/Length"))
        s = raw.find(b"stream", off)
        mk = re.compile(rb"stream(\r\n|\n)").match(raw, s)
        if not mk:
            bad("6.1.7", f"stream {ref}: 'stream' not followed by CRLF or LF")
            continue
        data_end = mk.end() + int(length or 0)
        if not re.compile(EOL + rb"endstream" + EOL + rb"endobj").match(raw, data_end):
            bad("6.1.7", f"stream {ref}: /Length {length} does not end at EOL endstream EOL endobj")
    else:
        e = raw.find(b"endobj", off)
        if e < 0 or raw[e - 1:e] not in (b"\n", b"\r"):
            bad("6.1.8", f"object {ref}: endobj not preceded by an EOL")

# ---- whole-document walk: transparency, actions, filters, forbidden keys ------------------
FORBIDDEN_ACTIONS = {"/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData",
                     "/JavaScript", "/Hide", "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView"}


def limits(v, where):
    """6.1.12 implementation limits (PDF 1.4 Appendix C)."""
    if isinstance(v, dict) and len(v) > 4095:
        bad("6.1.12", f"{where}: dictionary with {len(v)} entries")
    elif isinstance(v, list) and len(v) > 8191:
        bad("6.1.12", f"{where}: array with {len(v)} elements")
    elif isinstance(v, bool):
        pass
    elif isinstance(v, int) and not -2**31 <= v <= 2**31 - 1:
        bad("6.1.12", f"{where}: integer {v}")
    elif isinstance(v, float) and abs(v) > 32767:
        bad("6.1.12", f"{where}: real {v}")
    elif isinstance(v, str) and v.startswith("/") and len(v[1:].encode()) > 127:
        bad("6.1.12", f"{where}: name longer than 127 bytes")
    elif isinstance(v, str) and v[:2] in ("u:", "b:"):
        n = len(v[2:]) // 2 if v[0] == "b" else 2 + len(v[2:].encode("utf-16-be"))
        if n > 65535:
            bad("6.1.12", f"{where}: string of {n} bytes")


def walk(v, where):
    limits(v, where)
    if isinstance(v, dict):
        for k, x in v.items():
            xv = obj(x) if k in ("/CA", "/ca", "/SMask", "/BM", "/S", "/Filter") else x
            if k == "/Encrypt":
                bad("6.1.3", f"{where}: /Encrypt")
            elif k == "/SMask" and xv != "/None":
                bad("6.4", f"{where}: /SMask {xv}")
            elif k in ("/CA", "/ca") and isinstance(xv, (int, float)) and xv < 1:
                bad("6.4", f"{where}: {k} {xv} below 1")
            elif k == "/BM" and xv not in ("/Normal", "/Compatible", ["/Normal"], ["/Compatible"]):
                bad("6.4", f"{where}: blend mode {xv}")
            elif k == "/Group" and isinstance(obj(x), dict) and obj(x).get("/S") == "/Transparency":
                bad("6.4", f"{where}: transparency group")
            elif k == "/S" and xv in FORBIDDEN_ACTIONS:
                bad("6.6.1", f"{where}: action {xv}")
            elif k in ("/JS", "/AA", "/EmbeddedFiles", "/OCProperties", "/Alternates", "/OPI",
                       "/TR", "/Encrypt"):
                bad("6.x", f"{where}: forbidden key {k}")
            elif k == "/TR2" and xv != "/Default":
                bad("6.2.8", f"{where}: /TR2 {xv}")
            elif k == "/Interpolate" and xv is True:
                bad("6.2.4", f"{where}: /Interpolate true")
            elif k == "/Filter" and ("/LZWDecode" == xv or (isinstance(xv, list) and "/LZWDecode" in xv)):
                bad("6.1.10", f"{where}: LZWDecode")
            elif k in ("/Subtype", "/Subtype2") and xv == "/PS":
                bad("6.2.7", f"{where}: PostScript XObject")
            if not is_ref(x):
                walk(x, f"{where}{k}")
    elif isinstance(v, list):
        for i, x in enumerate(v):
            if not is_ref(x):
                walk(x, f"{where}[{i}]")


for key, o in stored.items():
    if key == "trailer":
        continue
    if "stream" in o:
        d = o["stream"]["dict"]
        if d.get("/Type") in ("/ObjStm", "/XRef"):
            bad("PDF/A-1", f"{key}: {d.get('/Type')} stream (PDF 1.5)")
        walk(d, key)
    else:
        walk(o.get("value"), key)

if max((int(k.split()[0][4:]) for k in stored if k.startswith("obj:")), default=0) > 8388607:
    bad("6.1.12", "more than 8388607 indirect objects")
catalog = obj(trailer.get("/Root"))
info = obj(trailer.get("/Info")) or {}

# ---- pages: content operators, colours, codes shown per font --------------------------------
pages = [p for p in decoded_doc.get("pages", [])]
if not pages:
    bad("setup", "qpdf lists no pages")
TOKEN = re.compile(rb"/[^\s/\[\]<>(){}%]*|<[0-9A-Fa-f\s]*>|\(|\[|\]|[-+]?(?:\d+\.?\d*|\.\d+)|[A-Za-z'\"*][A-Za-z0-9*]*|%[^\r\n]*")
COLOUR_OPS = {b"rg", b"RG", b"k", b"K", b"cs", b"CS", b"sc", b"SC", b"scn", b"SCN", b"sh",
              b"BI", b"Do", b"gs"}
used_codes = {}  # font object ref -> set of codes


def resources_of(page_ref):
    p = obj(page_ref)
    while p is not None:
        if "/Resources" in p:
            return obj(p["/Resources"]) or {}
        p = obj(p.get("/Parent"))
    return {}


for pi, pg in enumerate(pages, 1):
    pref = pg["object"]
    pd = obj(pref)
    if "/Group" in pd:
        bad("6.4", f"page {pi}: /Group")
    for a in obj(pd.get("/Annots")) or []:
        ad = obj(a)
        if not (int(ad.get("/F", 0)) & 4):
            bad("6.5.3", f"page {pi}: annotation without the Print flag")
    fonts = obj(resources_of(pref).get("/Font")) or {}
    for cref in pg.get("contents", []):
        data = stream_data(cref)
        if data is None:
            bad("setup", f"page {pi}: content {cref} not readable")
            continue
        ops, font, depth = [], None, 0
        for t in TOKEN.findall(data):
            if t.startswith(b"%"):
                continue
            if t == b"(":
                bad("setup", f"page {pi}: literal string in content (checker reads hex only)")
                break
            if re.fullmatch(rb"[A-Za-z'\"*][A-Za-z0-9*]*", t) and t not in (b"true", b"false", b"null"):
                if t in COLOUR_OPS:
                    bad("6.2.3", f"page {pi}: operator {t.decode()} (only DeviceGray g/G allowed)")
                elif t in (b"g", b"G"):
                    if not ops or float(ops[-1]) != 0:
                        bad("black", f"page {pi}: {t.decode()} {ops[-1:]} is not pure black")
                elif t in (b"q", b"Q"):
                    depth += 1 if t == b"q" else -1
                    if depth > 28 or depth < 0:
                        bad("6.1.12", f"page {pi}: q/Q nesting {depth}")
                elif t == b"Tf":
                    name = ops[-2].decode() if len(ops) >= 2 else None
                    font = fonts.get(name)
                    if font is None:
                        bad("setup", f"page {pi}: font {name} not in the page resources")
                elif t in (b"Tj", b"TJ", b"'", b"\""):
                    for s in ops:
                        if s.startswith(b"<"):
                            hx = re.sub(rb"\s", b"", s[1:-1])
                            if len(hx) % 4:
                                bad("6.1.6", f"page {pi}: hex string of odd code length")
                            codes = used_codes.setdefault(font, set())
                            for i in range(0, len(hx) - 3, 4):
                                codes.add(int(hx[i:i + 4], 16))
                ops = []
            else:
                ops.append(t)

# ---- fonts: embedding, descriptors, CIDSet against the font program -------------------------


def dict_parse(d):
    """A CFF DICT → {operator: operands} (escaped operators as 1200 + second byte)."""
    out, ops, i = {}, [], 0
    while i < len(d):
        c = d[i]
        if c <= 21:
            op = c
            if c == 12:
                i += 1
                op = 1200 + d[i]
            out[op], ops = ops, []
            i += 1
        elif c == 28:
            ops.append(int.from_bytes(d[i + 1:i + 3], "big", signed=True)); i += 3
        elif c == 29:
            ops.append(int.from_bytes(d[i + 1:i + 5], "big", signed=True)); i += 5
        elif c == 30:
            txt, i, done = "", i + 1, False
            while not done:
                for nib in (d[i] >> 4, d[i] & 0x0F):
                    if nib == 0x0F:
                        done = True
                        break
                    txt += "0123456789.E?-"[nib] if nib != 0x0C else "E-"
                i += 1
            ops.append(float(txt.replace("?", "")))
        elif 32 <= c <= 246:
            ops.append(c - 139); i += 1
        elif 247 <= c <= 250:
            ops.append((c - 247) * 256 + d[i + 1] + 108); i += 2
        elif 251 <= c <= 254:
            ops.append(-(c - 251) * 256 - d[i + 1] - 108); i += 2
        else:
            raise ValueError(f"bad DICT byte {c}")
    return out


def charstring_width(cs, nominal, default):
    """Advance of a Type 2 charstring: the optional first operand of the first stack-clearing
    operator; None when a subroutine call comes first (not followed here)."""
    stack, i = [], 0
    while i < len(cs):
        c = cs[i]
        if c == 28:
            stack.append(int.from_bytes(cs[i + 1:i + 3], "big", signed=True)); i += 3
        elif c == 255:
            stack.append(int.from_bytes(cs[i + 1:i + 5], "big", signed=True) / 65536); i += 5
        elif 32 <= c <= 246:
            stack.append(c - 139); i += 1
        elif 247 <= c <= 250:
            stack.append((c - 247) * 256 + cs[i + 1] + 108); i += 2
        elif 251 <= c <= 254:
            stack.append(-(c - 251) * 256 - cs[i + 1] - 108); i += 2
        else:
            extra = {1: len(stack) % 2, 3: len(stack) % 2, 18: len(stack) % 2, 23: len(stack) % 2,
                     19: len(stack) % 2, 20: len(stack) % 2, 21: len(stack) == 3,
                     4: len(stack) == 2, 22: len(stack) == 2, 14: len(stack) in (1, 5)}
            if c not in extra:
                return None
            return nominal + stack[0] if extra[c] else default
    return None


def cff_font(b):
    """{CID: advance in 1/1000 em} of a bare CFF font program (name-keyed: CID = glyph id;
    advance None when it could not be read)."""
    def index(pos):
        count = int.from_bytes(b[pos:pos + 2], "big")
        if count == 0:
            return [], pos + 2
        osz = b[pos + 2]
        offs = [int.from_bytes(b[pos + 3 + i * osz:pos + 3 + (i + 1) * osz], "big")
                for i in range(count + 1)]
        base = pos + 2 + (count + 1) * osz
        return [b[base + offs[i]:base + offs[i + 1]] for i in range(count)], base + offs[-1]

    def private(fd):
        size, off = fd.get(18, [0, 0])
        pd = dict_parse(b[off:off + size]) if size else {}
        return pd.get(21, [0])[0], pd.get(20, [0])[0]

    _, p = index(b[2])
    tops, p = index(p)
    td = dict_parse(tops[0])
    charstrings = index(td[17][0])[0]
    n = len(charstrings)
    top_a = td[1207][0] if 1207 in td else None
    if 1230 not in td:  # name-keyed
        cids = list(range(n))
        fds, fd_of = [td], [0] * n
    else:
        cs = td.get(15, [0])[0]
        if cs < 3:
            raise ValueError("CID-keyed CFF with a predefined charset")
        fmt, q, cids = b[cs], cs + 1, [0]
        if fmt == 0:
            for g in range(1, n):
                cids.append(int.from_bytes(b[q:q + 2], "big")); q += 2
        else:
            w = 1 if fmt == 1 else 2
            while len(cids) < n:
                first = int.from_bytes(b[q:q + 2], "big")
                left = int.from_bytes(b[q + 2:q + 2 + w], "big")
                cids.extend(range(first, first + left + 1))
                q += 2 + w
            cids = cids[:n]
        fds = [dict_parse(x) for x in index(td[1236][0])[0]]
        s = td[1237][0]
        if b[s] == 0:
            fd_of = list(b[s + 1:s + 1 + n])
        elif b[s] == 3:
            nr, fd_of = int.from_bytes(b[s + 1:s + 3], "big"), [0] * n
            for r in range(nr):
                e = s + 3 + 3 * r
                first, fd = int.from_bytes(b[e:e + 2], "big"), b[e + 2]
                last = int.from_bytes(b[e + 3:e + 5], "big")
                for g in range(first, min(last, n)):
                    fd_of[g] = fd
        else:
            raise ValueError(f"FDSelect format {b[s]}")
    privs = [private(fd) for fd in fds]
    out = {}
    for g, cid in enumerate(cids):
        fd = fds[fd_of[g]]
        fd_a = fd[1207][0] if (1207 in fd and fd is not td) else None
        a = (top_a or 1) * (fd_a or 1) if (top_a or fd_a) else 0.001
        nominal, default = privs[fd_of[g]]
        wd = charstring_width(charstrings[g], nominal, default)
        out[cid] = None if wd is None else wd * a * 1000
    return out


def truetype_font(b):
    """{glyph id: advance in 1/1000 em} of a TrueType font program."""
    tables = {}
    for i in range(int.from_bytes(b[4:6], "big")):
        rec = b[12 + 16 * i:28 + 16 * i]
        tables[rec[:4]] = int.from_bytes(rec[8:12], "big")
    for t in (b"maxp", b"head", b"hhea", b"hmtx"):
        if t not in tables:
            raise ValueError(f"no {t.decode()} table")
    n = int.from_bytes(b[tables[b"maxp"] + 4:tables[b"maxp"] + 6], "big")
    upem = int.from_bytes(b[tables[b"head"] + 18:tables[b"head"] + 20], "big")
    nh = int.from_bytes(b[tables[b"hhea"] + 34:tables[b"hhea"] + 36], "big")
    h = tables[b"hmtx"]
    adv = [int.from_bytes(b[h + 4 * i:h + 4 * i + 2], "big") for i in range(nh)]
    return {g: adv[min(g, nh - 1)] * 1000 / upem for g in range(n)}


def pdf_widths(cid):
    dw, w, m, i = obj(cid.get("/DW", 1000)), obj(cid.get("/W")) or [], {}, 0
    while i < len(w):
        first, nxt = obj(w[i]), obj(w[i + 1])
        if isinstance(nxt, list):
            for k, x in enumerate(nxt):
                m[first + k] = obj(x)
            i += 2
        else:
            for c in range(first, nxt + 1):
                m[c] = obj(w[i + 2])
            i += 3
    return lambda c: m.get(c, dw)


DESC_KEYS = ["/Type", "/FontName", "/Flags", "/FontBBox", "/ItalicAngle", "/Ascent", "/Descent",
             "/CapHeight", "/StemV"]
font_refs, checked_widths, unread_widths = set(), 0, 0
for pg in pages:
    for v in (obj(resources_of(pg["object"]).get("/Font")) or {}).values():
        font_refs.add(v)
if not font_refs:
    bad("setup", "no fonts found")
for fref in sorted(font_refs):
    f = obj(fref)
    base = f.get("/BaseFont", "?")
    if f.get("/Subtype") != "/Type0":
        fd = obj(f.get("/FontDescriptor")) or {}
        if not any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            bad("6.3.4", f"font {base} not embedded")
        continue
    if f.get("/Encoding") not in ("/Identity-H", "/Identity-V"):
        bad("6.3.3.1", f"{base}: encoding {f.get('/Encoding')} (checker expects Identity-H)")
    if "/ToUnicode" not in f:
        bad("text", f"{base}: no /ToUnicode (text would not extract)")
    cid = obj((f.get("/DescendantFonts") or [None])[0]) or {}
    fd = obj(cid.get("/FontDescriptor")) or {}
    if "/CIDSystemInfo" not in cid:
        bad("PDF 1.4", f"{base}: CIDFont without /CIDSystemInfo")
    for k in DESC_KEYS:
        if k not in fd:
            bad("PDF 1.4 5.7", f"{base}: font descriptor lacks {k}")
    if not (fd.get("/FontName") == cid.get("/BaseFont") == base):
        bad("6.3", f"{base}: FontName {fd.get('/FontName')} / CIDFont {cid.get('/BaseFont')} differ")
    subset = re.fullmatch(r"/[A-Z]{6}\+.+", base or "") is not None
    sub = cid.get("/Subtype")
    if sub == "/CIDFontType0":
        ff = fd.get("/FontFile3")
        if ff is None or obj(ff).get("/Subtype") != "/CIDFontType0C":
            bad("6.3.4", f"{base}: CIDFontType0 without a FontFile3 /CIDFontType0C")
            continue
        try:
            advances = cff_font(stream_data(ff))
        except (ValueError, IndexError, KeyError) as e:
            bad("6.3.4", f"{base}: embedded CFF does not parse: {e}")
            continue
    elif sub == "/CIDFontType2":
        ff = fd.get("/FontFile2")
        if ff is None:
            bad("6.3.4", f"{base}: CIDFontType2 without FontFile2")
            continue
        m2g = cid.get("/CIDToGIDMap")
        if m2g is None:
            bad("6.3.3.2", f"{base}: CIDFontType2 without /CIDToGIDMap")
            continue
        try:
            glyphs = truetype_font(stream_data(ff))
        except (ValueError, IndexError) as e:
            bad("6.3.4", f"{base}: embedded TrueType does not parse: {e}")
            continue
        if m2g == "/Identity":
            advances = glyphs
        else:
            mp = stream_data(m2g)
            advances = {c: glyphs[g] for c in range(len(mp) // 2)
                        for g in [int.from_bytes(mp[2 * c:2 * c + 2], "big")]
                        if g in glyphs and (g or c == 0)}
    else:
        bad("6.3", f"{base}: CIDFont subtype {sub}")
        continue
    present = set(advances)
    codes = used_codes.get(fref, set())
    missing = sorted(c for c in codes if c not in present)
    if missing:
        bad("6.3.4", f"{base}: CIDs shown but not in the font program: {missing[:10]}")
    width_of = pdf_widths(cid)
    for c in sorted(codes & present):
        if advances[c] is None:
            unread_widths += 1
        elif abs(advances[c] - width_of(c)) > 1:
            bad("6.3.6", f"{base}: CID {c} is {width_of(c)} wide in /W but "
                f"{advances[c]:.1f} in the font program")
        else:
            checked_widths += 1
    if mode != "pdfa":
        continue
    if subset:
        cs = fd.get("/CIDSet")
        if cs is None:
            bad("6.3.5", f"{base}: subset CID font without /CIDSet")
            continue
        bits = stream_data(cs)
        listed = {i * 8 + j for i, byte in enumerate(bits) for j in range(8) if byte & (0x80 >> j)}
        if listed != present:
            bad("6.3.5", f"{base}: CIDSet lists {len(listed)} CIDs, the font program has "
                f"{len(present)}; e.g. {sorted(listed ^ present)[:10]}")
        if not codes <= listed:
            bad("6.3.5", f"{base}: shown CIDs not in the CIDSet: {sorted(codes - listed)[:10]}")

# ---- Info strings ------------------------------------------------------------------------------
info_ref = trailer.get("/Info")
if is_ref(info_ref) and info_ref in offsets:
    o = offsets[info_ref]
    body = raw[o:raw.find(b"endobj", o)]
    for mm in re.finditer(rb"/(\w+)\s*(<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\))", body):
        val = mm.group(2)
        key = mm.group(1).decode()
        if val.startswith(b"<"):
            bs = bytes.fromhex(re.sub(rb"\s", b"", val[1:-1]).decode())
        else:
            bs = val[1:-1]
        if bs.startswith(b"\xfe\xff"):
            try:
                bs[2:].decode("utf-16-be")
            except UnicodeDecodeError:
                bad("text string", f"Info /{key}: bad UTF-16BE")
        elif any(b < 0x20 or b > 0x7E for b in bs):
            bad("text string", f"Info /{key}: neither UTF-16BE with BOM nor plain ASCII")


def info_text(k):
    t, b = pdf_string(info.get(k))
    if t is None and b is not None:
        t = b.decode("latin-1")
    return t

# ---- OutputIntent, XMP ---------------------------------------------------------------------


def lcms_check(icc, space):
    """Little CMS (Debian's liblcms2, through ctypes) opens the profile without complaint and
    maps sRGB white, black and red where sRGB puts them in D50 Lab."""
    import ctypes
    import ctypes.util
    name = ctypes.util.find_library("lcms2")
    if not name or space != b"RGB ":
        print("(liblcms2 not found or not RGB: ICC profile not run through Little CMS)",
              file=sys.stderr)
        return
    L = ctypes.CDLL(name)
    complaints = []
    CB = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_uint32, ctypes.c_char_p)
    cb = CB(lambda ctx, code, msg: complaints.append(msg.decode(errors="replace")))
    L.cmsSetLogErrorHandler(cb)
    vp, u32 = ctypes.c_void_p, ctypes.c_uint32
    L.cmsOpenProfileFromMem.restype, L.cmsOpenProfileFromMem.argtypes = vp, [ctypes.c_char_p, u32]
    L.cmsCreateLab4Profile.restype, L.cmsCreateLab4Profile.argtypes = vp, [vp]
    L.cmsCreateTransform.restype = vp
    L.cmsCreateTransform.argtypes = [vp, u32, vp, u32, u32, u32]
    L.cmsDoTransform.argtypes = [vp, vp, vp, u32]
    L.cmsDeleteTransform.argtypes = L.cmsCloseProfile.argtypes = [vp]
    h = L.cmsOpenProfileFromMem(icc, len(icc))
    if not h:
        bad("6.2.2", f"Little CMS cannot open the ICC profile: {complaints}")
        return
    lab = L.cmsCreateLab4Profile(None)
    TYPE_RGB_8, TYPE_LAB_DBL = (4 << 16) | (3 << 3) | 1, (1 << 22) | (10 << 16) | (3 << 3)
    t = L.cmsCreateTransform(h, TYPE_RGB_8, lab, TYPE_LAB_DBL, 0, 0)
    if not t:
        bad("6.2.2", f"Little CMS cannot build a transform from the profile: {complaints}")
    else:
        for rgb, want in (((255, 255, 255), (100, 0, 0)), ((0, 0, 0), (0, 0, 0)),
                          ((255, 0, 0), (54.29, 80.81, 69.89))):
            src, dst = (ctypes.c_uint8 * 3)(*rgb), (ctypes.c_double * 3)()
            L.cmsDoTransform(t, src, dst, 1)
            if max(abs(a - b) for a, b in zip(dst, want)) > 1.5:
                bad("6.2.2", f"ICC profile maps RGB {rgb} to Lab {[round(x, 2) for x in dst]}, "
                    f"sRGB gives {want}")
        L.cmsDeleteTransform(t)
    L.cmsCloseProfile(lab)
    L.cmsCloseProfile(h)
    if complaints:
        bad("6.2.2", f"Little CMS complained about the ICC profile: {complaints}")


intents = obj(catalog.get("/OutputIntents")) or []
meta_ref = catalog.get("/Metadata")
xmp = stream_data(meta_ref) if meta_ref else None

if mode == "plain":
    if intents:
        bad("no-pdfa", "--no-pdfa output has /OutputIntents")
    if xmp and b"pdfaid" in xmp:
        bad("no-pdfa", "--no-pdfa output claims PDF/A in its XMP")
    if b"/CIDSet" in raw:
        bad("no-pdfa", "--no-pdfa output has CIDSets")
else:
    gts = [obj(i) for i in intents if obj(i).get("/S") == "/GTS_PDFA1"]
    if len(gts) != 1:
        bad("6.2.2", f"{len(gts)} GTS_PDFA1 OutputIntents (want exactly 1)")
    profiles = {i.get("/DestOutputProfile") for i in map(obj, intents) if i.get("/DestOutputProfile")}
    if len(profiles) > 1:
        bad("6.2.2", "OutputIntents with different profiles")
    for it in gts:
        if not isinstance(it.get("/OutputConditionIdentifier"), str):
            bad("6.2.2", "OutputIntent without /OutputConditionIdentifier")
        pref = it.get("/DestOutputProfile")
        icc = stream_data(pref) if pref else None
        if not icc:
            bad("6.2.2", "OutputIntent without an embedded ICC profile stream")
            continue
        n = obj(pref).get("/N")
        space = icc[16:20]
        want_n = {b"RGB ": 3, b"GRAY": 1, b"CMYK": 4}.get(space)
        if int.from_bytes(icc[0:4], "big") != len(icc) or icc[36:40] != b"acsp":
            bad("6.2.2", "ICC profile: size field or 'acsp' signature wrong")
        if icc[8] != 2:
            bad("6.2.2", f"ICC profile version {icc[8]}.x (PDF 1.4 takes version 2)")
        if icc[12:16] not in (b"mntr", b"prtr"):
            bad("6.2.2", f"ICC device class {icc[12:16]!r} (want mntr or prtr)")
        if want_n is None or n != want_n:
            bad("6.2.2", f"ICC colour space {space!r} does not match /N {n}")
        ntags = int.from_bytes(icc[128:132], "big")
        tags = {}
        for i in range(ntags):
            e = icc[132 + 12 * i:144 + 12 * i]
            o, s = int.from_bytes(e[4:8], "big"), int.from_bytes(e[8:12], "big")
            if o + s > len(icc):
                bad("6.2.2", f"ICC tag {e[:4]!r} runs past the profile")
            tags[e[:4]] = icc[o:o + 4]
        need = [b"desc", b"cprt", b"wtpt"] + ([b"rXYZ", b"gXYZ", b"bXYZ", b"rTRC", b"gTRC", b"bTRC"]
                                              if space == b"RGB " else [])
        for t in need:
            if t not in tags:
                bad("6.2.2", f"ICC profile lacks the {t.decode()} tag")
        lcms_check(icc, space)

    md = obj(meta_ref) if meta_ref else None
    if not xmp or not md:
        bad("6.7.2", "no /Metadata stream in the catalog")
    else:
        if md.get("/Type") != "/Metadata" or md.get("/Subtype") != "/XML":
            bad("6.7.2", f"Metadata stream is {md.get('/Type')} {md.get('/Subtype')}")
        if "/Filter" in md:
            bad("6.7.2", f"Metadata stream is filtered ({md['/Filter']})")
        head = re.match(rb"<\?xpacket ([^?]*)\?>", xmp)
        if not head:
            bad("6.7.5", "XMP does not start with an xpacket header")
        else:
            attrs = head.group(1)
            if b"bytes=" in attrs or b"encoding=" in attrs:
                bad("6.7.5", "xpacket header has bytes= or encoding=")
            if b'id="W5M0MpCehiHzreSzNTczkc9d"' not in attrs:
                bad("6.7.5", "xpacket header without the standard id")
        if not re.search(rb"<\?xpacket end=['\"][rw]['\"]\?>\s*$", xmp):
            bad("6.7.5", "XMP does not end with an xpacket trailer")
        try:
            root = ET.fromstring(xmp)
        except ET.ParseError as e:
            bad("6.7.1", f"XMP is not well-formed XML: {e}")
            root = None
        props = {}
        NS_OK = {"http://purl.org/dc/elements/1.1/", "http://ns.adobe.com/xap/1.0/",
                 "http://ns.adobe.com/pdf/1.3/", "http://www.aiim.org/pdfa/ns/id/",
                 "http://ns.adobe.com/xap/1.0/mm/", "http://ns.adobe.com/xap/1.0/rights/"}
        RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
        if root is not None:
            for desc in root.iter(RDF + "Description"):
                for k, v in desc.attrib.items():
                    if k.startswith("{") and not k.startswith(RDF):
                        props[k] = v
                for child in desc:
                    lis = [li.text or "" for li in child.iter(RDF + "li")]
                    props[child.tag] = lis if lis else (child.text or "")
            for k in props:
                ns = k[1:k.index("}")]
                if ns not in NS_OK:
                    bad("6.7.8", f"XMP property {k} outside the predefined schemas "
                        "(needs an extension schema)")

        def one(k):
            v = props.get(k)
            return v[0] if isinstance(v, list) and len(v) == 1 else v

        DC, XMP_NS, PDF_NS, AID = ("{http://purl.org/dc/elements/1.1/}", "{http://ns.adobe.com/xap/1.0/}",
                                   "{http://ns.adobe.com/pdf/1.3/}", "{http://www.aiim.org/pdfa/ns/id/}")
        if one(AID + "part") != "1":
            bad("6.7.11", f"pdfaid:part is {one(AID + 'part')!r}")
        if one(AID + "conformance") != "B":
            bad("6.7.11", f"pdfaid:conformance is {one(AID + 'conformance')!r}")
        pairs = [("/Title", DC + "title"), ("/Author", DC + "creator"),
                 ("/Subject", DC + "description"), ("/Keywords", PDF_NS + "Keywords"),
                 ("/Creator", XMP_NS + "CreatorTool"), ("/Producer", PDF_NS + "Producer")]
        for ik, xk in pairs:
            iv, xv = info_text(ik), one(xk)
            if iv is None and xv is None:
                continue
            if iv != xv:
                bad("6.7.3", f"Info {ik} {iv!r} != XMP {xk} {xv!r}")

        def pdf_date(s):
            mm = re.fullmatch(r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(Z|[+-]\d\d'\d\d'?)?", s or "")
            if not mm:
                return None
            z = mm.group(7)
            tz = None if z is None else datetime.timezone.utc if z == "Z" else datetime.timezone(
                (1 if z[0] == "+" else -1) * datetime.timedelta(hours=int(z[1:3]), minutes=int(z[4:6])))
            return datetime.datetime(*map(int, mm.groups()[:6]), tzinfo=tz)

        def xmp_date(s):
            try:
                return datetime.datetime.fromisoformat((s or "").replace("Z", "+00:00"))
            except ValueError:
                return None

        for ik, xk in (("/CreationDate", XMP_NS + "CreateDate"), ("/ModDate", XMP_NS + "ModifyDate")):
            iv, xv = info_text(ik), one(xk)
            if iv is None and xv is None:
                continue
            a, b = pdf_date(iv), xmp_date(xv)
            if a is None or b is None:
                bad("6.7.3", f"{ik} {iv!r} / {xk} {xv!r}: missing or not a date")
            elif (a.tzinfo is None) != (b.tzinfo is None) or a != b or a.utcoffset() != b.utcoffset():
                bad("6.7.3", f"{ik} {iv!r} and {xk} {xv!r} are not the same instant and zone")

for e in errors:
    print("FAIL:", e, file=sys.stderr)
if errors:
    sys.exit(1)
print(f"{path}: {mode} checks passed ({len(font_refs)} fonts, {len(pages)} pages, "
      f"{sum(len(c) for c in used_codes.values())} distinct codes, {checked_widths} widths "
      f"matched{f', {unread_widths} not read' if unread_widths else ''})", file=sys.stderr)
PY
}

# preflight PDF — Apache PDFBox Preflight (Debian: libpdfbox2-java with libactivation-java and
# libjaxb-api-java, and a Java runtime), an independent PDF/A-1b validator. Returns 0 when it
# says the file is valid, 1 when not (its findings on stderr), 77 when it is not installed.
preflight() {
    local j=/usr/share/java jar cp="" out
    for jar in preflight pdfbox2 fontbox2 xmpbox commons-logging javax.activation jaxb-api; do
        [ -f "$j/$jar.jar" ] || return 77
        cp=$cp${cp:+:}$j/$jar.jar
    done
    command -v java >/dev/null 2>&1 || return 77
    out=$(java -cp "$cp" org.apache.pdfbox.preflight.Validator_A1b "$1" 2>/dev/null) || true
    case "$out" in
    *"is a valid PDF/A-1b file"*) return 0 ;;
    *) printf 'Preflight on %s: %s\n' "$1" "${out:0:1500}" >&2; return 1 ;;
    esac
}

if [ "${1:-}" = "--check" ]; then
    shift
    check_pdf "$@"
    exit
fi
if [ "${1:-}" = "--preflight" ]; then
    preflight "$2"
    exit
fi

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init "$@"
require_tool qpdf gs pdfinfo python3

# gs_silent PDF — Ghostscript renders every page and says nothing (no warnings, no errors).
gs_silent() {
    local out
    out=$(gs -q -dNOPAUSE -dBATCH -dSAFER -dPDFSTOPONERROR -dPDFSTOPONWARNING \
        -sDEVICE=nullpage "$1" 2>&1) || fail "Ghostscript failed on $1: $out"
    [ -z "$out" ] || fail "Ghostscript printed something for $1: ${out:0:400}"
}

# qpdf_clean PDF — qpdf --check finds nothing.
qpdf_clean() {
    local out rc=0
    out=$(qpdf --check "$1" 2>&1) || rc=$?
    [ "$rc" -eq 0 ] || fail "qpdf --check exited $rc on $1: ${out:0:400}"
    assert_contains "$out" "No syntax or stream encoding errors" "qpdf --check $1"
    assert_not_contains "$out" "WARNING" "qpdf --check $1"
}

cd "$WORKDIR"
for sample in baofeng-2020 county-bureau-2021; do
    pdf=$WORKDIR/$sample.pdf
    render_ok "$SRCDIR/samples/$sample.json" "$pdf" -q
    check_pdf "$pdf" pdfa || fail "$sample: PDF/A-1b checks failed (see above)"
    qpdf_clean "$pdf"
    gs_silent "$pdf"
    meta=$(pdfinfo -meta "$pdf") || fail "pdfinfo -meta failed on $pdf"
    assert_contains "$meta" "<pdfaid:part>1</pdfaid:part>" "pdfinfo -meta $sample"
    assert_contains "$meta" "<pdfaid:conformance>B</pdfaid:conformance>" "pdfinfo -meta $sample"
    title=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["title"])' \
        "$SRCDIR/samples/$sample.json")
    assert_contains "$meta" "$title" "pdfinfo -meta $sample"
    rc=0
    preflight "$pdf" || rc=$?
    case $rc in
    0) note "$sample: PDFBox Preflight says valid PDF/A-1b" ;;
    77) note "PDFBox Preflight not installed (libpdfbox2-java): not run" ;;
    *) fail "$sample: PDFBox Preflight says it is not valid PDF/A-1b (see above)" ;;
    esac
    info=$(pdfinfo "$pdf")
    assert_contains "$info" "Title:           $title" "pdfinfo $sample"
    assert_contains "$info" "Encrypted:       no" "pdfinfo $sample"
done

# --no-pdfa: a plain PDF (no OutputIntent, no pdfaid, no CIDSet), still clean.
plain=$WORKDIR/plain.pdf
render_ok "$SRCDIR/samples/baofeng-2020.json" "$plain" -q --no-pdfa
check_pdf "$plain" plain || fail "--no-pdfa output failed its checks (see above)"
rc=0
preflight "$plain" 2>/dev/null || rc=$?
[ "$rc" -ne 0 ] || fail "PDFBox Preflight calls the --no-pdfa file valid PDF/A-1b (is it checking?)"
qpdf_clean "$plain"
gs_silent "$plain"

# The checker itself catches what it claims to: break copies of the good file and expect
# the named rule to fail (bytes of equal length, so offsets stay valid).
good=$WORKDIR/baofeng-2020.pdf
mutate() { # NAME FROM TO RULE — replace the first FROM by TO (same length), expect RULE
    python3 - "$good" "$WORKDIR/bad-$1.pdf" "$2" "$3" <<'PY'
import sys
src, dst, a, b = sys.argv[1], sys.argv[2], sys.argv[3].encode(), sys.argv[4].encode()
assert len(a) == len(b), (a, b)
data = open(src, "rb").read()
assert a in data, a
open(dst, "wb").write(data.replace(a, b, 1))
PY
    local out rc=0
    out=$(check_pdf "$WORKDIR/bad-$1.pdf" pdfa 2>&1) || rc=$?
    [ "$rc" -ne 0 ] || fail "checker accepted a file with $1"
    assert_contains "$out" "[$4]" "checker output for $1"
}
mutate pdfaid-part "<pdfaid:part>1</pdfaid:part>" "<pdfaid:part>2</pdfaid:part>" 6.7.11
mutate date-mismatch "<xmp:CreateDate>2020" "<xmp:CreateDate>2021" 6.7.3
mutate metadata-type "/Type /Metadata" "/Type /Metadatx" 6.7.2
mutate no-cidset "/CIDSet " "/CIDSex " 6.3.5
mutate encrypt-id "/ID [" "/IX [" 6.1.3
mutate widths "/DW 1000" "/DW 1010" 6.3.6
mutate descriptor "/StemV " "/StemW " "PDF 1.4 5.7"
note "PDF/A-1b checks passed for both samples; --no-pdfa is plain; the checker rejects broken copies"
