/* pdf_font.c — subset a face and build its Type0 / CIDFont objects (see pdf_font.h). */
#include "pdf_font.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_CID_H
#include <harfbuzz/hb-subset.h>
#include <harfbuzz/hb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct glyph_use {
    uint32_t gid;
    uint32_t text_off; /* into pf->text */
    uint32_t text_len;
    uint32_t code;
    int32_t width;
    uint8_t has_text;
} glyph_use;

struct nb_pdf_font {
    const nb_font *font;
    unsigned nglyphs;
    glyph_use *g;   /* the used glyphs (sorted by gid once embedded) */
    size_t gcap;    /* nused is their count */
    uint32_t *hash; /* open addressing: gid + 1 → index into g + 1; 0 = empty */
    size_t hcap;    /* a power of two, at least twice nused */
    char *text;     /* the glyphs' UTF-8 texts, concatenated */
    size_t text_len, text_cap;
    size_t nused;
    HPDF_Dict type0;
    char basefont[160];
    bool embedded;
};

/* ---- a small growable byte buffer ---------------------------------------------------- */

typedef struct bbuf {
    char *p;
    size_t len, cap;
    bool oom;
} bbuf;

static void bb_grow_add(bbuf *b, const void *s, size_t n);

static inline void bb_add(bbuf *b, const void *s, size_t n)
{
    if (b->len + n + 1 <= b->cap) {
        memcpy(b->p + b->len, s, n);
        b->len += n;
        b->p[b->len] = '\0';
        return;
    }
    bb_grow_add(b, s, n);
}

static void bb_grow_add(bbuf *b, const void *s, size_t n)
{
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *np = realloc(b->p, cap);
        if (!np) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void bb_str(bbuf *b, const char *s)
{
    bb_add(b, s, strlen(s));
}

static void bb_fmt(bbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bb_fmt(bbuf *b, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0) bb_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* ---- recording use --------------------------------------------------------------------- */

nb_pdf_font *nb_pdf_font_new(const nb_font *font)
{
    nb_pdf_font *pf = calloc(1, sizeof *pf);
    if (!pf) return NULL;
    pf->font = font;
    pf->nglyphs = font->num_glyphs ? font->num_glyphs : 1;
    nb_status st = NB_STATUS_INIT;
    if (nb_pdf_font_use(pf, 0, NULL, 0, &st) != NB_OK) { /* .notdef is always in the subset */
        nb_pdf_font_free(pf);
        return NULL;
    }
    return pf;
}

void nb_pdf_font_free(nb_pdf_font *pf)
{
    if (!pf) return;
    free(pf->g);
    free(pf->hash);
    free(pf->text);
    free(pf);
}

static size_t hash_slot(const nb_pdf_font *pf, uint32_t gid)
{
    size_t h = (size_t)(gid * 2654435761u) & (pf->hcap - 1);
    while (pf->hash[h] != 0 && pf->g[pf->hash[h] - 1].gid != gid)
        h = (h + 1) & (pf->hcap - 1);
    return h;
}

static glyph_use *find_use(const nb_pdf_font *pf, uint32_t gid)
{
    if (pf->hcap == 0) return NULL;
    uint32_t v = pf->hash[hash_slot(pf, gid)];
    return v ? &pf->g[v - 1] : NULL;
}

static bool rehash(nb_pdf_font *pf, size_t hcap)
{
    uint32_t *h = calloc(hcap, sizeof *h);
    if (!h) return false;
    free(pf->hash);
    pf->hash = h;
    pf->hcap = hcap;
    for (size_t i = 0; i < pf->nused; i++)
        pf->hash[hash_slot(pf, pf->g[i].gid)] = (uint32_t)i + 1;
    return true;
}

static glyph_use *add_use(nb_pdf_font *pf, uint32_t gid)
{
    if (pf->nused == pf->gcap) {
        size_t cap = pf->gcap ? pf->gcap * 2 : 256;
        glyph_use *g = realloc(pf->g, cap * sizeof *g);
        if (!g) return NULL;
        pf->g = g;
        pf->gcap = cap;
    }
    if (2 * (pf->nused + 1) > pf->hcap && !rehash(pf, pf->hcap ? pf->hcap * 2 : 512)) return NULL;
    glyph_use *u = &pf->g[pf->nused];
    memset(u, 0, sizeof *u);
    u->gid = gid;
    pf->hash[hash_slot(pf, gid)] = (uint32_t)++pf->nused;
    return u;
}

static int cmp_use(const void *a, const void *b)
{
    const glyph_use *x = a, *y = b;
    return x->gid < y->gid ? -1 : x->gid > y->gid;
}

nb_code nb_pdf_font_use(nb_pdf_font *pf, uint32_t gid, const char *text, size_t len, nb_status *st)
{
    if (gid >= pf->nglyphs)
        return nb_fail(st, NB_ERR_PDF, "%s: glyph %u is not in the font (it has %u glyphs)",
                       pf->font->path ? pf->font->path : "font", (unsigned)gid, pf->nglyphs);
    glyph_use *u = find_use(pf, gid);
    if (!u) u = add_use(pf, gid);
    if (!u) return nb_fail(st, NB_ERR_NOMEM, "out of memory recording glyph use");
    if (u->has_text || !text || len == 0) return NB_OK;
    if (len > 1024) len = 1024; /* a ToUnicode entry holds at most 512 bytes of UTF-16 */
    if (pf->text_len + len > pf->text_cap) {
        size_t cap = pf->text_cap ? pf->text_cap * 2 : 4096;
        while (cap < pf->text_len + len)
            cap *= 2;
        char *np = realloc(pf->text, cap);
        if (!np) return nb_fail(st, NB_ERR_NOMEM, "out of memory recording glyph text");
        pf->text = np;
        pf->text_cap = cap;
    }
    memcpy(pf->text + pf->text_len, text, len);
    u->text_off = (uint32_t)pf->text_len;
    u->text_len = (uint32_t)len;
    u->has_text = 1;
    pf->text_len += len;
    return NB_OK;
}

bool nb_pdf_font_glyph(const nb_pdf_font *pf, uint32_t gid, unsigned *code, int *width)
{
    const glyph_use *u = pf->embedded ? find_use(pf, gid) : NULL;
    if (!u) return false;
    *code = u->code;
    *width = u->width;
    return true;
}

HPDF_Dict nb_pdf_font_dict(const nb_pdf_font *pf)
{
    return pf->type0;
}

const char *nb_pdf_font_basefont(const nb_pdf_font *pf)
{
    return pf->basefont;
}

/* ---- helpers for embedding ------------------------------------------------------------- */

/* Decodes one UTF-8 sequence; invalid input gives U+FFFD and consumes one byte. */
static uint32_t utf8_next(const unsigned char *s, size_t n, size_t *i)
{
    unsigned char c = s[*i];
    uint32_t cp;
    size_t need;
    if (c < 0x80) {
        (*i)++;
        return c;
    } else if ((c & 0xE0) == 0xC0) {
        cp = c & 0x1F, need = 1;
    } else if ((c & 0xF0) == 0xE0) {
        cp = c & 0x0F, need = 2;
    } else if ((c & 0xF8) == 0xF0) {
        cp = c & 0x07, need = 3;
    } else {
        (*i)++;
        return 0xFFFD;
    }
    if (*i + need >= n) {
        (*i)++;
        return 0xFFFD;
    }
    for (size_t k = 1; k <= need; k++) {
        if ((s[*i + k] & 0xC0) != 0x80) {
            (*i)++;
            return 0xFFFD;
        }
        cp = (cp << 6) | (s[*i + k] & 0x3F);
    }
    *i += need + 1;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0xFFFD;
    return cp;
}

/* Four upper-case hex digits (no printf: ToUnicode maps have an entry per glyph). */
static void bb_hex4(bbuf *b, unsigned v)
{
    static const char hex[] = "0123456789ABCDEF";
    char t[4] = {hex[(v >> 12) & 15], hex[(v >> 8) & 15], hex[(v >> 4) & 15], hex[v & 15]};
    bb_add(b, t, 4);
}

static void bb_utf16_hex(bbuf *b, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        uint32_t cp = utf8_next(s, len, &i);
        if (cp >= 0x10000) {
            uint32_t v = cp - 0x10000;
            bb_hex4(b, 0xD800 + (v >> 10));
            bb_hex4(b, 0xDC00 + (v & 0x3FF));
        } else {
            bb_hex4(b, cp);
        }
    }
}

static int scale1000(const nb_font *f, double v)
{
    double upem = f->units_per_em ? (double)f->units_per_em : 1000.0;
    double r = v * 1000.0 / upem;
    return (int)(r < 0 ? r - 0.5 : r + 0.5);
}

/* The name with characters a PDF name must not hold replaced. */
static void sanitize_name(char *out, size_t cap, const char *name, unsigned id)
{
    size_t n = 0;
    if (name) {
        for (const char *p = name; *p && n + 1 < cap; p++) {
            unsigned char c = (unsigned char)*p;
            if (c <= 32 || c >= 127 || strchr("()<>[]{}/%#", c)) c = '-';
            out[n++] = (char)c;
        }
    }
    out[n] = '\0';
    if (n == 0) snprintf(out, cap, "Font%u", id);
}

typedef struct code_gid {
    uint32_t code, gid; /* gid: the glyph's index in pf->g (which is in gid order) */
} code_gid;

static int cmp_code(const void *a, const void *b)
{
    const code_gid *x = a, *y = b;
    if (x->code != y->code) return x->code < y->code ? -1 : 1;
    return x->gid < y->gid ? -1 : x->gid > y->gid;
}

static nb_code hpdf_fail(HPDF_Doc pdf, const nb_pdf_font *pf, nb_status *st, const char *what)
{
    return nb_fail(st, NB_ERR_PDF, "%s: cannot build %s (libharu error 0x%04lX)",
                   pf->font->path ? pf->font->path : "font", what,
                   (unsigned long)HPDF_GetError(pdf));
}

/* A stream whose bytes stay in our buffer until the document is written (libharu's
 * memory streams copy a font program byte by byte in 4 KB blocks, then again on output).
 * The stream owns the buffer and frees it with the document. */
typedef struct owned_bytes {
    unsigned char *p;
    size_t len, pos;
} owned_bytes;

static HPDF_STATUS ob_read(HPDF_Stream s, HPDF_BYTE *ptr, HPDF_UINT *siz)
{
    owned_bytes *b = s->attr;
    size_t left = b->len - b->pos;
    if (*siz >= left) {
        if (left) memcpy(ptr, b->p + b->pos, left);
        b->pos = b->len;
        *siz = (HPDF_UINT)left;
        return HPDF_STREAM_EOF;
    }
    memcpy(ptr, b->p + b->pos, *siz);
    b->pos += *siz;
    return HPDF_OK;
}

static HPDF_STATUS ob_seek(HPDF_Stream s, HPDF_INT pos, HPDF_WhenceMode mode)
{
    owned_bytes *b = s->attr;
    long long at = mode == HPDF_SEEK_SET   ? 0
                   : mode == HPDF_SEEK_CUR ? (long long)b->pos
                                           : (long long)b->len;
    at += pos;
    if (at < 0 || at > (long long)b->len) return HPDF_SetError(s->error, HPDF_STREAM_EOF, 0);
    b->pos = (size_t)at;
    return HPDF_OK;
}

static HPDF_INT32 ob_tell(HPDF_Stream s)
{
    return (HPDF_INT32)((owned_bytes *)s->attr)->pos;
}

static HPDF_UINT32 ob_size(HPDF_Stream s)
{
    return (HPDF_UINT32)((owned_bytes *)s->attr)->len;
}

static void ob_free(HPDF_Stream s)
{
    owned_bytes *b = s->attr;
    if (b) {
        free(b->p);
        free(b);
    }
    s->attr = NULL;
}

/* Puts `data` (malloc'd) in as the stream dictionary's bytes, taking it over; false (data
 * still the caller's) when libharu cannot make the stream. */
static bool give_stream(HPDF_Doc pdf, HPDF_Dict d, unsigned char *data, size_t len)
{
    if (len > 0x7FFFFFFF) return false;
    owned_bytes *b = malloc(sizeof *b);
    if (!b) return false;
    *b = (owned_bytes){data, len, 0};
    HPDF_Stream s = HPDF_CallbackReader_New(pdf->mmgr, ob_read, ob_seek, ob_tell, ob_size, b);
    if (!s) {
        free(b);
        return false;
    }
    s->free_fn = ob_free;
    HPDF_Stream_Free(d->stream); /* the empty memory stream it came with */
    d->stream = s;
    return true;
}

static HPDF_Dict new_stream(HPDF_Doc pdf, bool compress)
{
    HPDF_Dict d = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    if (d) d->filter = compress ? HPDF_STREAM_FILTER_FLATE_DECODE : HPDF_STREAM_FILTER_NONE;
    return d;
}

static HPDF_Dict new_indirect_dict(HPDF_Doc pdf)
{
    HPDF_Dict d = HPDF_Dict_New(pdf->mmgr);
    if (d && HPDF_Xref_Add(pdf->xref, d) != HPDF_OK) return NULL;
    return d;
}

/* ToUnicode CMap for the used glyphs, sorted by code. */
static void build_tounicode(const nb_pdf_font *pf, const code_gid *cg, size_t n, bbuf *b)
{
    bb_str(b, "/CIDInit /ProcSet findresource begin\n"
              "12 dict begin\n"
              "begincmap\n"
              "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
              "/CMapName /Adobe-Identity-UCS def\n"
              "/CMapType 2 def\n"
              "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    size_t i = 0;
    while (i < n) {
        /* up to 100 entries a block */
        size_t cnt = 0, j = i;
        for (; j < n && cnt < 100; j++)
            if (pf->g[cg[j].gid].has_text && (j == 0 || cg[j].code != cg[j - 1].code)) cnt++;
        if (cnt > 0) {
            bb_fmt(b, "%zu beginbfchar\n", cnt);
            for (size_t k = i; k < j; k++) {
                const glyph_use *u = &pf->g[cg[k].gid];
                if (!u->has_text || (k > 0 && cg[k].code == cg[k - 1].code)) continue;
                bb_add(b, "<", 1);
                bb_hex4(b, cg[k].code);
                bb_add(b, "> <", 3);
                bb_utf16_hex(b, pf->text + u->text_off, u->text_len);
                bb_str(b, ">\n");
            }
            bb_str(b, "endbfchar\n");
        }
        i = j;
    }
    bb_str(b, "endcmap\n"
              "CMapName currentdict /CMap defineresource pop\n"
              "end\n"
              "end\n");
}

/* /W: runs of consecutive codes whose width differs from /DW 1000. */
static HPDF_STATUS build_widths(HPDF_Doc pdf, const nb_pdf_font *pf, const code_gid *cg, size_t n,
                                HPDF_Array w)
{
    HPDF_STATUS ret = HPDF_OK;
    size_t i = 0;
    while (i < n && ret == HPDF_OK) {
        int wi = pf->g[cg[i].gid].width;
        if (wi == 1000 || (i > 0 && cg[i].code == cg[i - 1].code)) {
            i++;
            continue;
        }
        HPDF_Array run = HPDF_Array_New(pdf->mmgr);
        if (!run) return HPDF_FAILD_TO_ALLOC_MEM;
        ret = HPDF_Array_AddNumber(w, (HPDF_INT32)cg[i].code);
        if (ret == HPDF_OK) ret = HPDF_Array_Add(w, run);
        if (ret != HPDF_OK) return ret;
        uint32_t expect = cg[i].code;
        while (i < n && cg[i].code == expect && pf->g[cg[i].gid].width != 1000 && ret == HPDF_OK) {
            ret = HPDF_Array_AddNumber(run, pf->g[cg[i].gid].width);
            expect++;
            i++;
            while (i < n && cg[i].code == cg[i - 1].code)
                i++; /* duplicates */
        }
    }
    return ret;
}

/* ---- a CID-keyed CFF subsetter ------------------------------------------------------------
 *
 * hb-subset parses a whole CJK face (65,535 glyphs, dozens of FDs) before subsetting it,
 * which costs tens of milliseconds per face and document; that is most of a render.  For
 * CID-keyed CFF (Fandol, Noto CJK) this subsetter reads only what the used glyphs need:
 * it copies their charstrings with every subroutine call inlined (so the subset has no
 * subroutines), keeps every Font DICT and Private DICT (minus Subrs), and writes a charset
 * giving each new glyph its original CID, so codes (= CIDs) are the same as with
 * hb-subset.  Anything it does not understand (arithmetic charstring operators, seac,
 * malformed data) makes it give up, and the caller falls back to hb-subset. */

typedef struct cff_index {
    const unsigned char *data; /* first byte of the object data, minus 1 (offsets are 1-based) */
    const unsigned char *offs;
    unsigned count, off_size;
    size_t end; /* offset just past the INDEX in the table */
} cff_index;

typedef struct cff_src {
    const unsigned char *p;
    size_t len;
} cff_src;

static bool cff_read_index(cff_src s, size_t at, cff_index *ix)
{
    memset(ix, 0, sizeof *ix);
    if (at + 2 > s.len) return false;
    ix->count = (unsigned)(s.p[at] << 8 | s.p[at + 1]);
    if (ix->count == 0) {
        ix->end = at + 2;
        return true;
    }
    if (at + 3 > s.len) return false;
    ix->off_size = s.p[at + 2];
    if (ix->off_size < 1 || ix->off_size > 4) return false;
    size_t offs_len = ((size_t)ix->count + 1) * ix->off_size;
    if (at + 3 + offs_len > s.len) return false;
    ix->offs = s.p + at + 3;
    ix->data = s.p + at + 3 + offs_len - 1;
    size_t last = 0;
    for (unsigned k = 0; k < ix->off_size; k++)
        last = last << 8 | ix->offs[(size_t)ix->count * ix->off_size + k];
    if (last < 1 || at + 3 + offs_len - 1 + last > s.len) return false;
    ix->end = at + 3 + offs_len - 1 + last;
    return true;
}

static size_t cff_off(const cff_index *ix, unsigned i)
{
    size_t v = 0;
    for (unsigned k = 0; k < ix->off_size; k++)
        v = v << 8 | ix->offs[(size_t)i * ix->off_size + k];
    return v;
}

/* Object i of an INDEX; false when its offsets are out of order or out of bounds. */
static bool cff_get(const cff_index *ix, unsigned i, const unsigned char **p, size_t *len)
{
    if (i >= ix->count) return false;
    size_t a = cff_off(ix, i), b = cff_off(ix, i + 1);
    size_t last = cff_off(ix, ix->count);
    if (a < 1 || b < a || b > last) return false;
    *p = ix->data + a;
    *len = b - a;
    return true;
}

/* One DICT entry: operator (escaped ones as 1200 + second byte) and its operand bytes. */
typedef struct cff_entry {
    int op;
    const unsigned char *start; /* operands, then the operator */
    size_t len;                 /* operands and operator */
    long val[4];                /* integer operands (reals count as 0) */
    int nval;
} cff_entry;

/* Calls fn for each entry of a DICT; false when the DICT is malformed or fn says stop. */
static bool cff_dict(const unsigned char *p, size_t len, bool (*fn)(void *ctx, const cff_entry *e),
                     void *ctx)
{
    size_t i = 0;
    cff_entry e = {0};
    e.start = p;
    while (i < len) {
        unsigned b0 = p[i];
        long v = 0;
        if (b0 <= 21) {
            if (b0 == 12) {
                if (i + 1 >= len) return false;
                e.op = 1200 + p[i + 1];
                i += 2;
            } else {
                e.op = (int)b0;
                i++;
            }
            e.len = (size_t)(p + i - e.start);
            if (!fn(ctx, &e)) return false;
            memset(&e, 0, sizeof e);
            e.start = p + i;
            continue;
        }
        if (b0 == 28) {
            if (i + 3 > len) return false;
            v = (int16_t)(p[i + 1] << 8 | p[i + 2]);
            i += 3;
        } else if (b0 == 29) {
            if (i + 5 > len) return false;
            v = (int32_t)((uint32_t)p[i + 1] << 24 | (uint32_t)p[i + 2] << 16 |
                          (uint32_t)p[i + 3] << 8 | p[i + 4]);
            i += 5;
        } else if (b0 == 30) {
            i++;
            while (i < len && (p[i] & 0x0F) != 0x0F && (p[i] >> 4) != 0x0F)
                i++;
            if (i >= len) return false;
            i++;
        } else if (b0 >= 32 && b0 <= 246) {
            v = (long)b0 - 139;
            i++;
        } else if (b0 >= 247 && b0 <= 250) {
            if (i + 2 > len) return false;
            v = ((long)b0 - 247) * 256 + p[i + 1] + 108;
            i += 2;
        } else if (b0 >= 251 && b0 <= 254) {
            if (i + 2 > len) return false;
            v = -((long)b0 - 251) * 256 - p[i + 1] - 108;
            i += 2;
        } else {
            return false;
        }
        if (e.nval < 4) e.val[e.nval] = v;
        e.nval++;
    }
    return true;
}

typedef struct cff_top {
    long charstrings, fdarray, fdselect, private_size, private_off, subrs;
    bool ros;
} cff_top;

static bool cff_top_entry(void *ctx, const cff_entry *e)
{
    cff_top *t = ctx;
    if (e->op == 17 && e->nval == 1) t->charstrings = e->val[0];
    if (e->op == 1236 && e->nval == 1) t->fdarray = e->val[0];
    if (e->op == 1237 && e->nval == 1) t->fdselect = e->val[0];
    if (e->op == 1230) t->ros = true;
    if (e->op == 18 && e->nval == 2) {
        t->private_size = e->val[0];
        t->private_off = e->val[1];
    }
    if (e->op == 19 && e->nval == 1) t->subrs = e->val[0];
    return true;
}

/* Appends a DICT's entries except the given operators. */
typedef struct dict_copy {
    bbuf *out;
    int skip[6];
} dict_copy;

static bool cff_copy_entry(void *ctx, const cff_entry *e)
{
    dict_copy *c = ctx;
    for (int k = 0; k < 6; k++)
        if (c->skip[k] == e->op) return true;
    bb_add(c->out, e->start, e->len);
    return true;
}

static void bb_byte(bbuf *b, unsigned v)
{
    unsigned char c = (unsigned char)v;
    bb_add(b, &c, 1);
}

static void bb_be(bbuf *b, size_t v, unsigned n)
{
    for (unsigned k = n; k-- > 0;)
        bb_byte(b, (unsigned)(v >> (8 * k)) & 0xFF);
}

/* A DICT operand as a 5-byte integer, so that sizes do not depend on values. */
static void bb_dict_int5(bbuf *b, long v)
{
    bb_byte(b, 29);
    bb_be(b, (size_t)(uint32_t)(int32_t)v, 4);
}

static void bb_dict_op(bbuf *b, int op)
{
    if (op >= 1200) {
        bb_byte(b, 12);
        bb_byte(b, (unsigned)(op - 1200));
    } else {
        bb_byte(b, (unsigned)op);
    }
}

/* An INDEX of n objects whose data are concatenated in `data` with `ends[i]` the end of
 * object i. */
static void bb_index(bbuf *b, const char *data, const size_t *ends, unsigned n)
{
    bb_be(b, n, 2);
    if (n == 0) return;
    size_t total = ends[n - 1];
    unsigned os = total + 1 < 0x100 ? 1 : total + 1 < 0x10000 ? 2 : total + 1 < 0x1000000 ? 3 : 4;
    bb_byte(b, os);
    bb_be(b, 1, os);
    for (unsigned i = 0; i < n; i++)
        bb_be(b, ends[i] + 1, os);
    bb_add(b, data, total);
}

/* An INDEX's count, offset size and offsets, without its data. */
static void bb_index_head(bbuf *b, const size_t *ends, unsigned n)
{
    bb_be(b, n, 2);
    if (n == 0) return;
    size_t total = ends[n - 1];
    unsigned os = total + 1 < 0x100 ? 1 : total + 1 < 0x10000 ? 2 : total + 1 < 0x1000000 ? 3 : 4;
    bb_byte(b, os);
    bb_be(b, 1, os);
    for (unsigned i = 0; i < n; i++)
        bb_be(b, ends[i] + 1, os);
}

static size_t index_size(size_t total, unsigned n)
{
    if (n == 0) return 2;
    unsigned os = total + 1 < 0x100 ? 1 : total + 1 < 0x10000 ? 2 : total + 1 < 0x1000000 ? 3 : 4;
    return 3 + (size_t)(n + 1) * os + total;
}

/* Inlines subroutine calls of one Type 2 charstring. */
typedef struct cs_run {
    const cff_index *gsubrs, *lsubrs;
    long gbias, lbias;
    bbuf *out;
    unsigned nstems;
    int nargs;
    size_t argpos[48]; /* where each operand starts in out */
    long argval[48];
    bool ended;
} cs_run;

static long subr_bias(unsigned count)
{
    return count < 1240 ? 107 : count < 33900 ? 1131 : 32768;
}

static bool cs_run_one(cs_run *r, const unsigned char *p, size_t len, int depth)
{
    if (depth > 10) return false;
    size_t i = 0;
    while (i < len && !r->ended) {
        unsigned b0 = p[i];
        if (b0 >= 32 || b0 == 28) { /* an operand */
            size_t n = b0 == 28 ? 3 : b0 <= 246 ? 1 : b0 <= 254 ? 2 : 5;
            if (i + n > len || r->nargs >= 48) return false;
            long v;
            if (b0 == 28)
                v = (int16_t)(p[i + 1] << 8 | p[i + 2]);
            else if (b0 <= 246)
                v = (long)b0 - 139;
            else if (b0 <= 250)
                v = ((long)b0 - 247) * 256 + p[i + 1] + 108;
            else if (b0 <= 254)
                v = -((long)b0 - 251) * 256 - p[i + 1] - 108;
            else
                v = (int32_t)((uint32_t)p[i + 1] << 24 | (uint32_t)p[i + 2] << 16 |
                              (uint32_t)p[i + 3] << 8 | p[i + 4]) >>
                    16;
            r->argpos[r->nargs] = r->out->len;
            r->argval[r->nargs] = v;
            r->nargs++;
            bb_add(r->out, p + i, n);
            i += n;
            continue;
        }
        i++;
        switch (b0) {
        case 10: /* callsubr */
        case 29: /* callgsubr */ {
            if (r->nargs < 1) return false;
            const cff_index *ix = b0 == 10 ? r->lsubrs : r->gsubrs;
            if (!ix) return false;
            long n = r->argval[r->nargs - 1] + (b0 == 10 ? r->lbias : r->gbias);
            r->nargs--;
            r->out->len = r->argpos[r->nargs]; /* drop the subroutine number */
            const unsigned char *sp;
            size_t sl;
            if (n < 0 || !cff_get(ix, (unsigned)n, &sp, &sl)) return false;
            if (!cs_run_one(r, sp, sl, depth + 1)) return false;
            break;
        }
        case 11: /* return */
            return depth > 0;
        case 14:                             /* endchar */
            if (r->nargs >= 4) return false; /* seac-like accent composition */
            bb_byte(r->out, b0);
            r->ended = true;
            return true;
        case 1:
        case 3:
        case 18:
        case 23: /* stems */
            r->nstems += (unsigned)r->nargs / 2;
            bb_byte(r->out, b0);
            r->nargs = 0;
            break;
        case 19:
        case 20: { /* hintmask, cntrmask: implicit vstems, then the mask bytes */
            r->nstems += (unsigned)r->nargs / 2;
            size_t m = (r->nstems + 7) / 8;
            if (i + m > len) return false;
            bb_byte(r->out, b0);
            bb_add(r->out, p + i, m);
            i += m;
            r->nargs = 0;
            break;
        }
        case 12: { /* escaped: only flex (and the obsolete dotsection) */
            if (i >= len) return false;
            unsigned b1 = p[i++];
            if (b1 != 0 && (b1 < 34 || b1 > 37)) return false;
            bb_byte(r->out, 12);
            bb_byte(r->out, b1);
            r->nargs = 0;
            break;
        }
        case 4:
        case 5:
        case 6:
        case 7:
        case 8:
        case 21:
        case 22:
        case 24:
        case 25:
        case 26:
        case 27:
        case 30:
        case 31: /* path operators */
            bb_byte(r->out, b0);
            r->nargs = 0;
            break;
        default:
            return false;
        }
        if (r->out->oom) return false;
    }
    return true;
}

/* Charstrings with their subroutines inlined, kept on the face between documents (a batch
 * run sets the same common characters again and again).  At most CS_CACHE_MAX bytes a
 * face; then new glyphs are simply not kept. */
#define CS_CACHE_MAX (32u << 20)

typedef struct cs_entry {
    uint32_t gid, off, len;
    uint32_t zoff, zbits; /* the charstring coded with cff_code (batch runs); 0 bits: not yet */
} cs_entry;

typedef struct cs_cache {
    uint32_t *slots; /* entry index + 1; 0 = empty */
    size_t nslots;   /* power of two */
    cs_entry *e;
    size_t n, ecap;
    unsigned char *data;
    size_t dlen, dcap;
    unsigned char *z; /* coded bits of the entries, least significant bit first */
    size_t zlen, zcap;
} cs_cache;

static void cs_cache_free(void *p)
{
    cs_cache *c = p;
    if (!c) return;
    free(c->slots);
    free(c->e);
    free(c->data);
    free(c->z);
    free(c);
}

static cs_cache *cs_cache_of(nb_font *f)
{
    if (!f->embed_cache) {
        f->embed_cache = calloc(1, sizeof(cs_cache));
        if (f->embed_cache) f->embed_cache_free = cs_cache_free;
    }
    return f->embed_cache;
}

static size_t cs_slot(const cs_cache *c, uint32_t gid)
{
    size_t h = (size_t)(gid * 2654435761u) & (c->nslots - 1);
    while (c->slots[h] && c->e[c->slots[h] - 1].gid != gid)
        h = (h + 1) & (c->nslots - 1);
    return h;
}

static cs_entry *cs_cache_entry(cs_cache *c, uint32_t gid)
{
    if (!c || !c->nslots) return NULL;
    uint32_t v = c->slots[cs_slot(c, gid)];
    return v ? &c->e[v - 1] : NULL;
}

static bool cs_cache_get(const cs_cache *c, uint32_t gid, const unsigned char **p, size_t *len)
{
    if (!c || !c->nslots) return false;
    uint32_t v = c->slots[cs_slot(c, gid)];
    if (!v) return false;
    *p = c->data + c->e[v - 1].off;
    *len = c->e[v - 1].len;
    return true;
}

static void cs_cache_put(cs_cache *c, uint32_t gid, const unsigned char *p, size_t len)
{
    if (!c || c->dlen + c->zlen + len > CS_CACHE_MAX) return;
    if (2 * (c->n + 1) > c->nslots) {
        size_t ns = c->nslots ? c->nslots * 2 : 1024;
        uint32_t *slots = calloc(ns, sizeof *slots);
        if (!slots) return;
        free(c->slots);
        c->slots = slots;
        c->nslots = ns;
        for (size_t i = 0; i < c->n; i++)
            c->slots[cs_slot(c, c->e[i].gid)] = (uint32_t)i + 1;
    }
    if (c->n == c->ecap) {
        size_t cap = c->ecap ? c->ecap * 2 : 512;
        cs_entry *e = realloc(c->e, cap * sizeof *e);
        if (!e) return;
        c->e = e;
        c->ecap = cap;
    }
    if (c->dlen + len > c->dcap) {
        size_t cap = c->dcap ? c->dcap : 64 * 1024;
        while (cap < c->dlen + len)
            cap *= 2;
        unsigned char *d = realloc(c->data, cap);
        if (!d) return;
        c->data = d;
        c->dcap = cap;
    }
    if (len) memcpy(c->data + c->dlen, p, len);
    c->e[c->n] = (cs_entry){gid, (uint32_t)c->dlen, (uint32_t)len, 0, 0};
    c->dlen += len;
    c->slots[cs_slot(c, gid)] = (uint32_t)++c->n;
}

/* Builds the subset of a CID-keyed CFF table: new glyph k is the k-th used glyph in gid
 * order (gid 0 first).  False when the table is not CID-keyed CFF this code handles. */
/* A subset CFF program in three parts, so that the charstrings need not be copied: */
typedef struct cff_prog {
    bbuf head;    /* up to and with the CharStrings INDEX's offsets */
    bbuf data;    /* the charstrings; glyph k's end at ends[k] */
    bbuf tail;    /* FDArray and Private DICTs */
    size_t *ends; /* malloc'd */
} cff_prog;

static void cff_prog_free(cff_prog *p)
{
    free(p->head.p);
    free(p->data.p);
    free(p->tail.p);
    free(p->ends);
    memset(p, 0, sizeof *p);
}

static size_t cff_prog_len(const cff_prog *p)
{
    return p->head.len + p->data.len + p->tail.len;
}

/* The whole program in one malloc'd buffer; NULL when out of memory. */
static unsigned char *cff_prog_join(const cff_prog *p)
{
    unsigned char *b = malloc(cff_prog_len(p) + 1);
    if (!b) return NULL;
    if (p->head.len) memcpy(b, p->head.p, p->head.len);
    if (p->data.len) memcpy(b + p->head.len, p->data.p, p->data.len);
    if (p->tail.len) memcpy(b + p->head.len + p->data.len, p->tail.p, p->tail.len);
    return b;
}

static bool cff_cid_subset(const nb_font *f, const glyph_use *g, unsigned nused, cff_prog *prog)
{
    memset(prog, 0, sizeof *prog);
    bbuf *out = &prog->head;
    hb_blob_t *blob = hb_face_reference_table(f->hb_face, HB_TAG('C', 'F', 'F', ' '));
    unsigned blen = 0;
    const unsigned char *p = (const unsigned char *)hb_blob_get_data(blob, &blen);
    cff_src s = {p, blen};
    bool ok = false;
    bbuf cs = {0}, fd = {0}, priv = {0}, top = {0};
    size_t *cs_ends = NULL, *fd_ends = NULL, *priv_size = NULL;
    unsigned char *fdsel = NULL;
    unsigned nfd = 0;
    if (!p || blen < 4 || p[0] != 1) goto done;

    cff_index name, topix, strings, gsubrs, chars, fdarray;
    const unsigned char *tp;
    size_t tl;
    cff_top t = {0};
    if (!cff_read_index(s, p[2], &name) || name.count != 1 ||
        !cff_read_index(s, name.end, &topix) || topix.count != 1 ||
        !cff_read_index(s, topix.end, &strings) || !cff_read_index(s, strings.end, &gsubrs) ||
        !cff_get(&topix, 0, &tp, &tl))
        goto done;
    t.charstrings = t.fdarray = t.fdselect = -1;
    if (!cff_dict(tp, tl, cff_top_entry, &t) || !t.ros || t.charstrings <= 0 || t.fdarray <= 0 ||
        t.fdselect <= 0 || (size_t)t.fdselect >= blen)
        goto done;
    unsigned nglyphs = f->num_glyphs;
    if (!cff_read_index(s, (size_t)t.charstrings, &chars) || chars.count != nglyphs ||
        !cff_read_index(s, (size_t)t.fdarray, &fdarray) || fdarray.count == 0 ||
        fdarray.count > 255)
        goto done;
    nfd = fdarray.count;

    /* The FD of each used glyph (FDSelect format 0: one byte a glyph; 3: ranges). */
    fdsel = malloc(nused ? nused : 1);
    if (!fdsel) goto done;
    {
        size_t at = (size_t)t.fdselect;
        unsigned fmt = p[at];
        if (fmt == 0) {
            if (at + 1 + nglyphs > blen) goto done;
            for (unsigned k = 0; k < nused; k++)
                fdsel[k] = g[k].gid < nglyphs ? p[at + 1 + g[k].gid] : 0xFF;
        } else if (fmt == 3) {
            if (at + 3 > blen) goto done;
            unsigned nr = (unsigned)(p[at + 1] << 8 | p[at + 2]);
            if (nr == 0 || at + 3 + 3ull * nr + 2 > blen) goto done;
            const unsigned char *r0 = p + at + 3;
            for (unsigned k = 0; k < nused; k++) {
                /* the last range whose first glyph is <= gid */
                unsigned gid = g[k].gid, lo = 0, hi = nr;
                while (hi - lo > 1) {
                    unsigned mid = (lo + hi) / 2;
                    if ((unsigned)(r0[3 * mid] << 8 | r0[3 * mid + 1]) <= gid)
                        lo = mid;
                    else
                        hi = mid;
                }
                unsigned first = (unsigned)(r0[3 * lo] << 8 | r0[3 * lo + 1]);
                unsigned next = (unsigned)(r0[3 * lo + 3] << 8 | r0[3 * lo + 4]);
                fdsel[k] = gid >= first && gid < next ? r0[3 * lo + 2] : 0xFF;
            }
        } else {
            goto done;
        }
    }

    /* Each FD: its Font DICT without Private, its Private DICT without Subrs, its subrs. */
    cff_index *lsubrs = calloc(nfd, sizeof *lsubrs);
    bool *has_lsubrs = calloc(nfd, sizeof *has_lsubrs);
    fd_ends = calloc(nfd, sizeof *fd_ends);
    priv_size = calloc(nfd, sizeof *priv_size);
    size_t *priv_ends = calloc(nfd, sizeof *priv_ends);
    bool fds_ok = lsubrs && has_lsubrs && fd_ends && priv_size && priv_ends;
    for (unsigned k = 0; fds_ok && k < nfd; k++) {
        const unsigned char *dp;
        size_t dl;
        cff_top ft = {0};
        ft.subrs = -1;
        if (!cff_get(&fdarray, k, &dp, &dl) || !cff_dict(dp, dl, cff_top_entry, &ft) ||
            ft.private_off <= 0 || ft.private_size < 0 ||
            (size_t)ft.private_off + (size_t)ft.private_size > blen) {
            fds_ok = false;
            break;
        }
        dict_copy c1 = {&fd, {18, -1, -1, -1, -1, -1}};
        cff_dict(dp, dl, cff_copy_entry, &c1);
        fd_ends[k] = fd.len;
        const unsigned char *pp = p + ft.private_off;
        cff_top pt = {0};
        pt.subrs = -1;
        if (!cff_dict(pp, (size_t)ft.private_size, cff_top_entry, &pt)) {
            fds_ok = false;
            break;
        }
        size_t before = priv.len;
        dict_copy c2 = {&priv, {19, -1, -1, -1, -1, -1}};
        cff_dict(pp, (size_t)ft.private_size, cff_copy_entry, &c2);
        priv_size[k] = priv.len - before;
        priv_ends[k] = priv.len;
        if (pt.subrs > 0) {
            if (!cff_read_index(s, (size_t)ft.private_off + (size_t)pt.subrs, &lsubrs[k])) {
                fds_ok = false;
                break;
            }
            has_lsubrs[k] = true;
        }
    }

    /* Charstrings of the used glyphs, subroutines inlined. */
    for (unsigned k = 0; fds_ok && k < nused; k++)
        if (g[k].gid >= nglyphs || fdsel[k] >= nfd || (k == 0) != (g[k].gid == 0)) fds_ok = false;
    cs_ends = calloc(nused ? nused : 1, sizeof *cs_ends);
    /* room for the charstrings as they are (all of them without subroutines), so that the
     * buffer is not grown and copied again and again */
    size_t est = 64;
    for (unsigned k = 0; fds_ok && k < nused; k++)
        est += cff_off(&chars, g[k].gid + 1) - cff_off(&chars, g[k].gid);
    if (fds_ok && est < ((size_t)1 << 30) && (cs.p = malloc(est))) cs.cap = est;
    unsigned char *new_fd = calloc(nused ? nused : 1, 1);
    if (!cs_ends || !new_fd) fds_ok = false;
    unsigned k2 = 0;
    /* kept between documents only where there will be more documents (batch runs) */
    cs_cache *cache = nb_font_reused(f) ? cs_cache_of((nb_font *)f) : NULL;
    for (unsigned k = 0; fds_ok && k < nused; k++) {
        unsigned gi = g[k].gid;
        const unsigned char *cp;
        size_t cl;
        unsigned fdi = fdsel[k];
        new_fd[k2] = (unsigned char)fdi;
        if (cs_cache_get(cache, gi, &cp, &cl)) { /* done for an earlier document */
            bb_add(&cs, cp, cl);
            cs_ends[k2++] = cs.len;
            continue;
        }
        size_t start = cs.len;
        if (gsubrs.count == 0 && !has_lsubrs[fdi]) { /* no subroutines to inline: as is */
            if (!cff_get(&chars, gi, &cp, &cl)) {
                fds_ok = false;
                break;
            }
            bb_add(&cs, cp, cl);
            cs_ends[k2++] = cs.len;
            continue;
        }
        cs_run r; /* the operand arrays need no clearing: nargs says what is in them */
        r.nstems = 0;
        r.nargs = 0;
        r.ended = false;
        r.gsubrs = &gsubrs;
        r.gbias = subr_bias(gsubrs.count);
        r.lsubrs = has_lsubrs[fdi] ? &lsubrs[fdi] : NULL;
        r.lbias = r.lsubrs ? subr_bias(r.lsubrs->count) : 0;
        r.out = &cs;
        if (!cff_get(&chars, gi, &cp, &cl) || !cs_run_one(&r, cp, cl, 0) || !r.ended) {
            fds_ok = false;
            break;
        }
        if (!cs.oom) cs_cache_put(cache, gi, (const unsigned char *)cs.p + start, cs.len - start);
        cs_ends[k2++] = cs.len;
    }

    if (fds_ok && !cs.oom && !fd.oom && !priv.oom) {
        /* Top DICT: the source's entries but the offsets, then the offsets as 5-byte ints. */
        dict_copy ct = {&top, {15, 16, 17, 18, 1236, 1237}};
        cff_dict(tp, tl, cff_copy_entry, &ct);
        size_t top_len = top.len + 4 * 6; /* charset, CharStrings: 6 bytes; FD*: 7 */
        top_len += 2;
        const unsigned char *np;
        size_t nl;
        cff_get(&name, 0, &np, &nl);
        size_t off = 4 + index_size(nl, 1) + index_size(top_len, 1) + (strings.end - topix.end) +
                     2 /* empty global subrs */;
        size_t charset_off = off;
        off += 1 + 2 * (size_t)(nused - 1);
        size_t fdselect_off = off;
        off += 1 + nused;
        size_t cs_off = off;
        off += index_size(cs.len, nused);
        size_t fdarray_off = off;
        /* each Font DICT grows by its Private entry: two 5-byte ints and the operator */
        size_t fd_total = fd.len + 11 * (size_t)nfd;
        off += index_size(fd_total, nfd);
        size_t priv_off = off;

        /* header */
        bb_byte(out, 1);
        bb_byte(out, 0);
        bb_byte(out, 4);
        bb_byte(out, 4);
        size_t nend = nl;
        bb_index(out, (const char *)np, &nend, 1);
        bb_dict_int5(&top, (long)charset_off);
        bb_dict_op(&top, 15);
        bb_dict_int5(&top, (long)cs_off);
        bb_dict_op(&top, 17);
        bb_dict_int5(&top, (long)fdarray_off);
        bb_dict_op(&top, 1236);
        bb_dict_int5(&top, (long)fdselect_off);
        bb_dict_op(&top, 1237);
        size_t tend = top.len;
        bb_index(out, top.p, &tend, 1);
        bb_add(out, p + topix.end, strings.end - topix.end); /* String INDEX as is */
        bb_be(out, 0, 2);                                    /* no global subrs */
        /* charset: the CID of each new glyph but .notdef */
        bb_byte(out, 0);
        for (unsigned k = 1; k < nused; k++)
            bb_be(out, nb_font_cid_of_glyph(f, g[k].gid), 2);
        /* FDSelect format 0 */
        bb_byte(out, 0);
        bb_add(out, new_fd, nused);
        bb_index_head(out, cs_ends, nused); /* its data: prog->data */
        /* FDArray */
        bbuf fd2 = {0};
        size_t *fd2_ends = calloc(nfd, sizeof *fd2_ends);
        size_t prev = 0, poff = priv_off;
        for (unsigned k = 0; fd2_ends && k < nfd; k++) {
            bb_add(&fd2, fd.p + prev, fd_ends[k] - prev);
            prev = fd_ends[k];
            bb_dict_int5(&fd2, (long)priv_size[k]);
            bb_dict_int5(&fd2, (long)poff);
            bb_dict_op(&fd2, 18);
            poff += priv_size[k];
            fd2_ends[k] = fd2.len;
        }
        if (fd2_ends && !fd2.oom) {
            bb_index(&prog->tail, fd2.p, fd2_ends, nfd);
            if (priv.len) bb_add(&prog->tail, priv.p, priv.len);
            ok = !out->oom && !prog->tail.oom &&
                 out->len + cs.len + prog->tail.len == priv_off + priv.len;
        }
        free(fd2.p);
        free(fd2_ends);
    }
    free(new_fd);
    free(lsubrs);
    free(has_lsubrs);
    free(priv_ends);
done:
    if (ok) { /* hand the charstrings and their ends over */
        prog->data = cs;
        prog->ends = cs_ends;
        memset(&cs, 0, sizeof cs);
        cs_ends = NULL;
    }
    free(cs.p);
    free(fd.p);
    free(priv.p);
    free(top.p);
    free(cs_ends);
    free(fd_ends);
    free(priv_size);
    free(fdsel);
    hb_blob_destroy(blob);
    if (!ok) cff_prog_free(prog);
    return ok;
}

nb_code nb_pdf_font_cff_subset(const nb_font *f, const uint32_t *gids, size_t n,
                               unsigned char **out, size_t *len, nb_status *st)
{
    *out = NULL;
    *len = 0;
    glyph_use *g = calloc(n + 1, sizeof *g);
    if (!g) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    size_t m = 0;
    g[m++].gid = 0;
    for (size_t i = 0; i < n; i++)
        g[m++].gid = gids[i];
    qsort(g, m, sizeof *g, cmp_use);
    size_t k = 0; /* drop duplicates */
    for (size_t i = 0; i < m; i++)
        if (k == 0 || g[i].gid != g[k - 1].gid) g[k++] = g[i];
    cff_prog prog;
    bool ok = f->is_cff && f->is_cid_keyed && cff_cid_subset(f, g, (unsigned)k, &prog);
    free(g);
    if (!ok)
        return nb_fail(st, NB_ERR_FONT, "%s: not a CID-keyed CFF face this subsetter can read",
                       f->path ? f->path : "font");
    *out = cff_prog_join(&prog);
    *len = cff_prog_len(&prog);
    cff_prog_free(&prog);
    if (!*out) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    return NB_OK;
}

/* ---- a fast Flate encoder for font programs ----------------------------------------------
 *
 * Font programs are most of a report's bytes and compress poorly (CFF charstrings: about
 * 20 % with zlib's default level, which then takes more time than all the rest of the
 * writing).  This encoder does Huffman coding only (one dynamic block, no string
 * matching): within a few per cent of zlib's size at a fraction of its time.  The output
 * is a complete zlib stream (RFC 1950/1951). */

typedef struct hnode {
    uint32_t freq;
    int left, right; /* children, -1 for leaves */
} hnode;

static int cmp_hleaf(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b; /* {freq, symbol} pairs */
    if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

static void hdepth(const hnode *nodes, int at, unsigned depth, int nleaves, const uint32_t *sym,
                   uint8_t *len)
{
    /* iterative walk: the tree has at most 2 * 288 nodes, depth stays small */
    int stack[600];
    unsigned dstack[600];
    int sp = 0;
    stack[sp] = at;
    dstack[sp++] = depth;
    while (sp > 0) {
        sp--;
        int n = stack[sp];
        unsigned d = dstack[sp];
        if (n < nleaves) {
            len[sym[n]] = (uint8_t)(d ? d : 1);
        } else {
            stack[sp] = nodes[n].left;
            dstack[sp++] = d + 1;
            stack[sp] = nodes[n].right;
            dstack[sp++] = d + 1;
        }
    }
}

/* Huffman code lengths (at most maxbits) for n symbols; at least two must be used. */
static void huff_lengths(const uint32_t *freq_in, int n, unsigned maxbits, uint8_t *len)
{
    uint32_t freq[288];
    memcpy(freq, freq_in, (size_t)n * sizeof *freq);
    for (;;) {
        uint32_t leaf[288][2];
        int nl = 0;
        for (int i = 0; i < n; i++) {
            len[i] = 0;
            if (freq[i]) {
                leaf[nl][0] = freq[i];
                leaf[nl][1] = (uint32_t)i;
                nl++;
            }
        }
        qsort(leaf, (size_t)nl, sizeof leaf[0], cmp_hleaf);
        hnode nodes[600];
        uint32_t sym[288];
        for (int i = 0; i < nl; i++) {
            nodes[i] = (hnode){leaf[i][0], -1, -1};
            sym[i] = leaf[i][1];
        }
        /* two queues: sorted leaves, and internal nodes in the order they are made */
        int li = 0, qi = nl, qn = nl;
        while ((nl - li) + (qn - qi) > 1) {
            int pick[2];
            for (int k = 0; k < 2; k++) {
                if (li < nl && (qi >= qn || nodes[li].freq <= nodes[qi].freq))
                    pick[k] = li++;
                else
                    pick[k] = qi++;
            }
            nodes[qn] = (hnode){nodes[pick[0]].freq + nodes[pick[1]].freq, pick[0], pick[1]};
            qn++;
        }
        hdepth(nodes, qn - 1, 0, nl, sym, len);
        unsigned maxl = 0;
        for (int i = 0; i < n; i++)
            if (len[i] > maxl) maxl = len[i];
        if (maxl <= maxbits) return;
        for (int i = 0; i < n; i++) /* flatten and try again */
            if (freq[i]) freq[i] = (freq[i] >> 1) | 1;
    }
}

/* Canonical codes, bit-reversed for LSB-first output. */
static void huff_codes(const uint8_t *len, int n, uint16_t *code)
{
    unsigned count[16] = {0}, next[16] = {0};
    for (int i = 0; i < n; i++)
        count[len[i]]++;
    count[0] = 0;
    unsigned c = 0;
    for (int b = 1; b < 16; b++) {
        c = (c + count[b - 1]) << 1;
        next[b] = c;
    }
    for (int i = 0; i < n; i++) {
        if (!len[i]) continue;
        unsigned v = next[len[i]]++, r = 0;
        for (unsigned k = 0; k < len[i]; k++)
            r |= ((v >> k) & 1u) << (len[i] - 1 - k);
        code[i] = (uint16_t)r;
    }
}

typedef struct bitw {
    unsigned char *p;
    size_t at;
    uint64_t acc;
    unsigned n;
} bitw;

static inline void bw_put(bitw *w, uint32_t bits, unsigned n)
{
    w->acc |= (uint64_t)bits << w->n;
    w->n += n;
    if (w->n >= 32) {
        uint32_t v = (uint32_t)w->acc;
        w->p[w->at] = (unsigned char)v;
        w->p[w->at + 1] = (unsigned char)(v >> 8);
        w->p[w->at + 2] = (unsigned char)(v >> 16);
        w->p[w->at + 3] = (unsigned char)(v >> 24);
        w->at += 4;
        w->acc >>= 32;
        w->n -= 32;
    }
}

static void bw_flush(bitw *w)
{
    while (w->n > 0) {
        w->p[w->at++] = (unsigned char)w->acc;
        w->acc >>= 8;
        w->n = w->n > 8 ? w->n - 8 : 0;
    }
}

/* The zlib header and the block header for literal code lengths ll[0..256] (2 distance
 * codes of 1 bit, never used; the code lengths themselves Huffman coded with the
 * code-length code, no run-length codes). */
static void put_header(bitw *w, const uint8_t *ll)
{
    uint8_t lens[259];
    memcpy(lens, ll, 257);
    lens[257] = lens[258] = 1;
    uint32_t cfreq[19] = {0};
    for (int i = 0; i < 259; i++)
        cfreq[lens[i]]++;
    int used = 0;
    for (int i = 0; i < 19; i++)
        used += cfreq[i] != 0;
    if (used < 2) cfreq[cfreq[0] ? 1 : 0] = 1;
    uint8_t cl[19];
    uint16_t cc[19];
    huff_lengths(cfreq, 19, 7, cl);
    huff_codes(cl, 19, cc);
    w->p[w->at++] = 0x78;
    w->p[w->at++] = 0x01;
    bw_put(w, 1, 1);  /* last block */
    bw_put(w, 2, 2);  /* dynamic Huffman codes */
    bw_put(w, 0, 5);  /* 257 literal/length codes */
    bw_put(w, 1, 5);  /* 2 distance codes */
    bw_put(w, 15, 4); /* 19 code length codes */
    static const uint8_t order[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                      11, 4,  12, 3, 13, 2, 14, 1, 15};
    for (int i = 0; i < 19; i++)
        bw_put(w, cl[order[i]], 3);
    for (int i = 0; i < 259; i++)
        bw_put(w, cc[lens[i]], cl[lens[i]]);
}

/* Bytes for the header: at most 2 + (3 + 5 + 5 + 4 + 57 + 259 * 7) / 8. */
#define HEADER_MAX 240

/* Huffman-codes bytes; enc[c] = code | length << 16.  Needs 8 bytes of room past the
 * output's end (whole-word stores). */
static void put_bytes(bitw *w, const uint32_t *enc, const unsigned char *data, size_t len)
{
    uint64_t acc = w->acc;
    unsigned nb = w->n;
    unsigned char *o = w->p + w->at;
    size_t i = 0;
    while (nb >= 8) {
        *o++ = (unsigned char)acc;
        acc >>= 8;
        nb -= 8;
    }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    for (; i < len; i++) { /* without branches: store 8 bytes, keep the partial byte */
        uint32_t e = enc[data[i]];
        acc |= (uint64_t)(e & 0xFFFF) << nb;
        nb += e >> 16;
        memcpy(o, &acc, 8);
        o += nb >> 3;
        acc >>= nb & ~7u;
        nb &= 7;
    }
#endif
    for (; i < len; i++) {
        uint32_t e = enc[data[i]];
        acc |= (uint64_t)(e & 0xFFFF) << nb;
        nb += e >> 16;
        while (nb >= 8) {
            *o++ = (unsigned char)acc;
            acc >>= 8;
            nb -= 8;
        }
    }
    w->acc = acc;
    w->n = nb;
    w->at = (size_t)(o - w->p);
}

/* Appends nbits bits kept as bytes (least significant bit first). */
static void put_bits(bitw *w, const unsigned char *src, size_t nbits)
{
    size_t i = 0;
    for (; nbits >= 32; nbits -= 32, i += 4)
        bw_put(w,
               (uint32_t)src[i] | (uint32_t)src[i + 1] << 8 | (uint32_t)src[i + 2] << 16 |
                   (uint32_t)src[i + 3] << 24,
               32);
    for (; nbits >= 8; nbits -= 8, i++)
        bw_put(w, src[i], 8);
    if (nbits) bw_put(w, src[i] & ((1u << nbits) - 1), (unsigned)nbits);
}

/* Adler-32 (RFC 1950) carried on over more data; start with 1. */
static uint32_t adler_update(uint32_t adler, const unsigned char *data, size_t len)
{
    uint32_t a = adler & 0xFFFF, b = adler >> 16;
    size_t i = 0;
    while (i < len) {
        size_t end = i + 5552 < len ? i + 5552 : len;
        for (; i < end; i++) {
            a += data[i];
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    return b << 16 | a;
}

/* End of block, the last byte, then the Adler-32 of all the data. */
static void put_tail(bitw *w, uint32_t eob, uint32_t adler)
{
    bw_put(w, eob & 0xFFFF, eob >> 16);
    bw_flush(w);
    for (int k = 3; k >= 0; k--)
        w->p[w->at++] = (unsigned char)(adler >> (8 * k));
}

/* data → a zlib stream with a code made for it, in a new malloc'd buffer; NULL when out
 * of memory. */
static unsigned char *flate_huffman(const unsigned char *data, size_t len, size_t *out_len)
{
    uint32_t freq[257] = {0}, f4[4][256] = {{0}};
    size_t i4 = 0;
    for (; i4 + 4 <= len; i4 += 4) { /* four tables: no waiting on the same counter */
        f4[0][data[i4]]++;
        f4[1][data[i4 + 1]]++;
        f4[2][data[i4 + 2]]++;
        f4[3][data[i4 + 3]]++;
    }
    for (; i4 < len; i4++)
        f4[0][data[i4]]++;
    for (int c = 0; c < 256; c++)
        freq[c] = f4[0][c] + f4[1][c] + f4[2][c] + f4[3][c];
    freq[256] = 1;             /* end of block */
    if (len == 0) freq[0] = 1; /* two symbols at least */
    uint8_t ll[257];
    uint16_t lc[257];
    huff_lengths(freq, 257, 15, ll);
    huff_codes(ll, 257, lc);
    uint64_t bits = 0;
    for (int c = 0; c < 257; c++)
        bits += (uint64_t)freq[c] * ll[c];
    uint32_t enc[257];
    for (int c = 0; c < 257; c++)
        enc[c] = lc[c] | (uint32_t)ll[c] << 16;
    bitw w = {malloc(HEADER_MAX + (size_t)(bits / 8) + 32), 0, 0, 0};
    if (!w.p) return NULL;
    put_header(&w, ll);
    put_bytes(&w, enc, data, len);
    put_tail(&w, enc[256], adler_update(1, data, len));
    *out_len = w.at;
    return w.p;
}

/* Byte frequencies of CFF programs (Type 2 charstrings mostly), from our subsets of
 * Fandol and Noto CJK faces (thousands of common hanzi each): the code font programs are
 * written with, the same for every document, so that each glyph's coded bits can be
 * kept and reused (batch runs) and documents still come out the same whatever was
 * rendered before.  Within 1-2 % of a code made for each program. */
static const uint16_t cff_hist[256] = {
    15189, 3077,  2793,  2128,  3794,  22698, 26053, 26610, 41900, 1758,  1858,  1534,  4398,
    1585,  5359,  1487,  2508,  1587,  3895,  17974, 3792,  22900, 1812,  1308,  25037, 17058,
    20685, 15975, 1295,  1275,  13169, 16277, 3313,  1951,  1998,  1728,  2371,  2101,  1776,
    1770,  2107,  1804,  1882,  1806,  1781,  1772,  1788,  1666,  1974,  1693,  1751,  1698,
    1775,  1715,  1722,  1739,  1848,  1832,  1875,  1949,  1950,  1970,  2075,  2023,  3996,
    2200,  2338,  2227,  2523,  2462,  2465,  2333,  2774,  2441,  2651,  2428,  2725,  2515,
    2745,  2650,  3445,  2837,  3088,  2838,  3302,  3082,  3319,  3093,  3542,  3167,  3562,
    3288,  3819,  3460,  4015,  3601,  4658,  3864,  4651,  4281,  4657,  4422,  4814,  4694,
    5212,  4979,  5710,  5530,  6084,  6553,  7710,  6968,  7266,  6715,  7528,  7202,  8190,
    7710,  9224,  8817,  10362, 9878,  11685, 10971, 13139, 14639, 14734, 15007, 21703, 17158,
    20162, 19650, 23137, 23902, 29211, 30667, 37215, 37570, 43409, 19951, 46157, 44915, 46336,
    36129, 35636, 26016, 26056, 24173, 25132, 21376, 21936, 17249, 16977, 17477, 14007, 11828,
    11933, 10349, 11127, 10097, 11102, 9341,  9530,  8513,  8869,  7947,  8225,  8776,  10398,
    8313,  6982,  6160,  6205,  5494,  5671,  5141,  5462,  4682,  4854,  4391,  4826,  3992,
    4388,  3650,  4133,  3486,  3815,  3295,  3652,  3262,  3492,  3115,  4317,  2990,  3302,
    2959,  3266,  3020,  3245,  3050,  3307,  3021,  3224,  2926,  3100,  2712,  2817,  2685,
    2968,  2701,  2443,  2363,  2317,  2248,  2046,  1954,  1940,  1769,  1691,  1707,  1714,
    1635,  1600,  1582,  1974,  1454,  1412,  1387,  1371,  1337,  1321,  1302,  1435,  1273,
    1305,  1344,  1296,  1203,  1262,  1250,  1433,  1130,  1202,  1161,  1211,  1176,  1248,
    60000, 9705,  3905,  554,   47673, 7546,  2040,  537,   2463};

static uint32_t g_cff_enc[257];
static bool g_cff_enc_ready;

static const uint32_t *cff_code(void)
{
    if (!g_cff_enc_ready) {
        uint32_t freq[257];
        for (int c = 0; c < 256; c++)
            freq[c] = cff_hist[c] ? cff_hist[c] : 1;
        freq[256] = 1;
        uint8_t ll[257];
        uint16_t lc[257];
        huff_lengths(freq, 257, 15, ll);
        huff_codes(ll, 257, lc);
        for (int c = 0; c < 257; c++)
            g_cff_enc[c] = lc[c] | (uint32_t)ll[c] << 16;
        g_cff_enc_ready = true;
    }
    return g_cff_enc;
}

/* The code lengths of cff_code, for the block header. */
static void cff_lengths(uint8_t *ll)
{
    const uint32_t *enc = cff_code();
    for (int c = 0; c < 257; c++)
        ll[c] = (uint8_t)(enc[c] >> 16);
}

/* Codes an entry's charstring (p, n: its bytes) with enc and keeps the bits. */
static void cs_cache_code(cs_cache *c, cs_entry *e, const uint32_t *enc, const unsigned char *p,
                          size_t n)
{
    size_t room = n * 2 + 16;
    if (c->dlen + c->zlen + room > CS_CACHE_MAX) return;
    if (c->zlen + room > c->zcap) {
        size_t cap = c->zcap ? c->zcap : 64 * 1024;
        while (cap < c->zlen + room)
            cap *= 2;
        unsigned char *z = realloc(c->z, cap);
        if (!z) return;
        c->z = z;
        c->zcap = cap;
    }
    bitw w = {c->z + c->zlen, 0, 0, 0};
    put_bytes(&w, enc, p, n);
    size_t nbits = w.at * 8 + w.n;
    bw_flush(&w);
    if (nbits == 0 || nbits > UINT32_MAX) return;
    e->zoff = (uint32_t)c->zlen;
    e->zbits = (uint32_t)nbits;
    c->zlen += w.at;
}

/* A CFF program from cff_cid_subset → a zlib stream with cff_code.  With a cache (batch
 * runs), each glyph's coded bits are taken from it or put into it. */
static unsigned char *flate_cff(const cff_prog *prog, const glyph_use *g, unsigned nused,
                                cs_cache *cache, size_t *out_len)
{
    const uint32_t *enc = cff_code();
    uint8_t ll[257];
    cff_lengths(ll);
    size_t len = cff_prog_len(prog);
    bitw w = {malloc(HEADER_MAX + len * 2 + 32), 0, 0, 0}; /* at most 15 bits a byte */
    if (!w.p) return NULL;
    const unsigned char *head = (const unsigned char *)prog->head.p;
    const unsigned char *data = (const unsigned char *)prog->data.p;
    const unsigned char *tail = (const unsigned char *)prog->tail.p;
    put_header(&w, ll);
    put_bytes(&w, enc, head, prog->head.len);
    size_t at = 0;
    for (unsigned k = 0; k < nused; k++) {
        size_t end = prog->ends[k];
        cs_entry *e = cache ? cs_cache_entry(cache, g[k].gid) : NULL;
        if (e && e->len == end - at && e->zbits == 0 && end > at)
            cs_cache_code(cache, e, enc, data + at, end - at);
        if (e && e->len == end - at && e->zbits)
            put_bits(&w, cache->z + e->zoff, e->zbits);
        else
            put_bytes(&w, enc, data + at, end - at);
        at = end;
    }
    put_bytes(&w, enc, tail, prog->tail.len);
    uint32_t adler = adler_update(1, head, prog->head.len);
    adler = adler_update(adler, data, prog->data.len);
    adler = adler_update(adler, tail, prog->tail.len);
    put_tail(&w, enc[256], adler);
    *out_len = w.at;
    return w.p;
}

/* Writes "/Filter /FlateDecode" into a stream dictionary whose bytes are already
 * compressed (libharu drops a Filter entry it did not make itself). */
static HPDF_STATUS write_flate_filter(HPDF_Dict dict, HPDF_Stream stream)
{
    (void)dict;
    return HPDF_Stream_WriteStr(stream, "/Filter /FlateDecode\012");
}

/* ---- embedding --------------------------------------------------------------------------- */

/* What tells this face from any other: its PostScript name, its face index and the 'head'
 * table's checksum adjustment and creation/modification dates. */
static size_t face_identity(const nb_font *f, unsigned char *out)
{
    size_t n = 0;
    const char *ps = f->postscript_name ? f->postscript_name : "";
    size_t pl = strlen(ps);
    if (pl > 40) pl = 40;
    memcpy(out, ps, pl);
    n += pl;
    out[n++] = (unsigned char)f->face_index;
    hb_blob_t *b = hb_face_reference_table(f->hb_face, HB_TAG('h', 'e', 'a', 'd'));
    unsigned len = 0;
    const char *h = hb_blob_get_data(b, &len);
    if (h && len >= 36) {
        memcpy(out + n, h + 8, 4); /* checkSumAdjustment */
        n += 4;
        memcpy(out + n, h + 20, 16); /* created, modified */
        n += 16;
    }
    hb_blob_destroy(b);
    return n; /* at most 40 + 1 + 20 */
}

nb_code nb_pdf_font_embed(nb_pdf_font *pf, HPDF_Doc pdf, bool compress, bool pdfa,
                          HPDF_MD5_CTX *md5, nb_status *st)
{
    const nb_font *f = pf->font;
    const char *fname = f->path ? f->path : "font";
    nb_code rc = NB_OK;
    hb_subset_input_t *input = NULL;
    hb_subset_plan_t *plan = NULL;
    uint32_t *newgid = NULL;
    unsigned char *zprog = NULL;
    cff_prog own = {0};
    unsigned char *own_joined = NULL;
    hb_face_t *sub = NULL;
    hb_blob_t *blob = NULL, *cff = NULL;
    FT_Library ftlib = NULL;
    FT_Face ftface = NULL;
    code_gid *cg = NULL;
    unsigned char *cidset = NULL;
    bbuf cmap = {0};

    if (pf->embedded) return NB_OK;

    /* 1. Subset: CID-keyed CFF ourselves, anything else (or what we cannot read) with
     * hb-subset. */
    qsort(pf->g, pf->nused, sizeof *pf->g, cmp_use);
    if (!rehash(pf, pf->hcap)) {
        rc = nb_fail(st, NB_ERR_NOMEM, "out of memory embedding %s", fname);
        goto done;
    }
    newgid = malloc(sizeof *newgid * pf->nused);
    if (!newgid) {
        rc = nb_fail(st, NB_ERR_NOMEM, "out of memory embedding %s", fname);
        goto done;
    }
    const char *prog = NULL;
    unsigned plen = 0, sub_glyphs = 0;
    if (f->is_cff && f->is_cid_keyed && cff_cid_subset(f, pf->g, (unsigned)pf->nused, &own)) {
        plen = (unsigned)cff_prog_len(&own);
        if (!compress) { /* written as it is: one piece */
            own_joined = cff_prog_join(&own);
            if (!own_joined) {
                rc = nb_fail(st, NB_ERR_NOMEM, "out of memory embedding %s", fname);
                goto done;
            }
            prog = (const char *)own_joined;
        }
        for (size_t i = 0; i < pf->nused; i++)
            newgid[i] = sub_glyphs++;
        goto subset_done;
    }
    hb_face_t *source = nb_font_subset_source((nb_font *)f); /* creates the font's cache */
    if (!source) {
        rc = nb_fail(st, NB_ERR_NOMEM, "%s: cannot prepare the face for subsetting", fname);
        goto done;
    }
    input = hb_subset_input_create_or_fail();
    if (!input) {
        rc = nb_fail(st, NB_ERR_NOMEM, "%s: out of memory creating the subset input", fname);
        goto done;
    }
    hb_set_t *gset = hb_subset_input_glyph_set(input);
    for (size_t i = 0; i < pf->nused; i++)
        hb_set_add(gset, pf->g[i].gid);
    static const hb_tag_t drop[] = {
        HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
        HB_TAG('B', 'A', 'S', 'E'), HB_TAG('J', 'S', 'T', 'F'), HB_TAG('M', 'A', 'T', 'H'),
        HB_TAG('k', 'e', 'r', 'n'), HB_TAG('D', 'S', 'I', 'G'), HB_TAG('v', 'h', 'e', 'a'),
        HB_TAG('v', 'm', 't', 'x'), HB_TAG('V', 'O', 'R', 'G'),
    };
    hb_set_t *dset = hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
        hb_set_add(dset, drop[i]);
    hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING);

    plan = hb_subset_plan_create_or_fail(source, input);
    if (!plan) {
        rc = nb_fail(st, NB_ERR_FONT, "%s: hb-subset cannot plan the subset", fname);
        goto done;
    }
    const hb_map_t *old2new = hb_subset_plan_old_to_new_glyph_mapping(plan);
    sub = hb_subset_plan_execute_or_fail(plan);
    if (!sub) {
        rc = nb_fail(st, NB_ERR_FONT, "%s: hb-subset failed to subset the face", fname);
        goto done;
    }
    blob = hb_face_reference_blob(sub);
    unsigned blen = 0;
    const char *bdata = hb_blob_get_data(blob, &blen);
    if (!bdata || blen == 0) {
        rc = nb_fail(st, NB_ERR_FONT, "%s: hb-subset produced an empty font", fname);
        goto done;
    }
    prog = bdata;
    plen = blen;
    if (f->is_cff) {
        cff = hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' '));
        prog = hb_blob_get_data(cff, &plen);
        if (!prog || plen == 0) {
            rc = nb_fail(st, NB_ERR_FONT, "%s: the subset has no CFF table", fname);
            goto done;
        }
    }
    sub_glyphs = hb_face_get_glyph_count(sub);
    for (size_t i = 0; i < pf->nused; i++)
        newgid[i] = hb_map_get(old2new, pf->g[i].gid);

subset_done:;
    /* 2. Codes and widths: CIDs as our subsetter wrote them (the face's own, new glyph k
     * being the k-th used glyph), or read back from hb-subset's output with FreeType. */
    bool cid_keyed = f->is_cff && f->is_cid_keyed;
    bool own_cids = cid_keyed && own.ends != NULL;
    if (cid_keyed && !own_cids) {
        if (FT_Init_FreeType(&ftlib) != 0 ||
            FT_New_Memory_Face(ftlib, (const FT_Byte *)prog, (FT_Long)plen, 0, &ftface) != 0) {
            rc = nb_fail(st, NB_ERR_FONT, "%s: FreeType cannot open the subset font", fname);
            goto done;
        }
    }
    cg = calloc(pf->nused ? pf->nused : 1, sizeof *cg);
    if (!cg) {
        rc = nb_fail(st, NB_ERR_NOMEM, "out of memory embedding %s", fname);
        goto done;
    }
    size_t n = 0;
    for (size_t i = 0; i < pf->nused; i++) {
        glyph_use *u = &pf->g[i];
        unsigned gid = u->gid;
        hb_codepoint_t ng = newgid[i];
        if (ng == HB_MAP_VALUE_INVALID) {
            rc = nb_fail(st, NB_ERR_FONT, "%s: glyph %u was dropped by the subsetter", fname, gid);
            goto done;
        }
        uint32_t code = ng;
        if (own_cids) {
            code = nb_font_cid_of_glyph(f, gid);
        } else if (cid_keyed) {
            FT_UInt cid = 0;
            if (FT_Get_CID_From_Glyph_Index(ftface, ng, &cid) != 0) {
                rc = nb_fail(st, NB_ERR_FONT, "%s: no CID for glyph %u in the subset", fname,
                             (unsigned)ng);
                goto done;
            }
            code = cid;
        }
        if (code > 0xFFFF) {
            rc =
                nb_fail(st, NB_ERR_FONT, "%s: code %u does not fit 2 bytes", fname, (unsigned)code);
            goto done;
        }
        u->code = code;
        u->width = scale1000(f, hb_font_get_glyph_h_advance(f->hb_font, gid));
        cg[n].code = code;
        cg[n].gid = (uint32_t)i;
        n++;
    }
    qsort(cg, n, sizeof *cg, cmp_code);

    /* 3. Subset tag from the glyph set: FNV-1a over the name and the sorted glyph ids. */
    uint64_t h = 1469598103934665603ull;
    const char *ps = f->postscript_name ? f->postscript_name : "";
    for (const char *p = ps; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    for (size_t i = 0; i < pf->nused; i++) {
        unsigned gid = pf->g[i].gid;
        for (int k = 0; k < 4; k++)
            h = (h ^ ((gid >> (8 * k)) & 0xFF)) * 1099511628211ull;
    }
    char tag[7];
    for (int k = 0; k < 6; k++) {
        tag[k] = (char)('A' + h % 26);
        h /= 26;
    }
    tag[6] = '\0';
    char clean[128];
    sanitize_name(clean, sizeof clean, f->postscript_name, f->id);
    snprintf(pf->basefont, sizeof pf->basefont, "%s+%s", tag, clean);

    /* 4. ToUnicode. */
    build_tounicode(pf, cg, n, &cmap);
    if (cmap.oom) {
        rc = nb_fail(st, NB_ERR_NOMEM, "out of memory building ToUnicode for %s", fname);
        goto done;
    }
    if (md5) {
        /* The font program is a function of the face and the glyph set: feed those, not
         * its hundreds of kilobytes (MD5 of the program took a tenth of a batch). */
        unsigned char id[64];
        size_t il = face_identity(f, id);
        HPDF_MD5Update(md5, id, (HPDF_UINT32)il);
        HPDF_MD5Update(md5, (const HPDF_BYTE *)&plen, sizeof plen);
        for (size_t i = 0; i < pf->nused; i++) {
            unsigned char b[4] = {(unsigned char)(pf->g[i].gid >> 24),
                                  (unsigned char)(pf->g[i].gid >> 16),
                                  (unsigned char)(pf->g[i].gid >> 8), (unsigned char)pf->g[i].gid};
            HPDF_MD5Update(md5, b, 4);
        }
        HPDF_MD5Update(md5, (const HPDF_BYTE *)cmap.p, (HPDF_UINT32)cmap.len);
    }

    /* 5. Objects. */
    HPDF_MMgr mm = pdf->mmgr;
    HPDF_Dict file = new_stream(pdf, false); /* compressed here, see flate_huffman */
    if (!file) goto hpdf_error;
    if (f->is_cff) {
        if (HPDF_Dict_AddName(file, "Subtype", "CIDFontType0C") != HPDF_OK) goto hpdf_error;
    } else if (HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)plen) != HPDF_OK) {
        goto hpdf_error;
    }
    if (compress) {
        size_t zlen = 0;
        if (own.ends) /* our CFF: the fixed code, glyphs' bits kept between documents */
            zprog = flate_cff(&own, pf->g, (unsigned)pf->nused,
                              nb_font_reused(f) ? cs_cache_of((nb_font *)f) : NULL, &zlen);
        else
            zprog = flate_huffman((const unsigned char *)prog, plen, &zlen);
        if (!zprog) {
            rc = nb_fail(st, NB_ERR_NOMEM, "out of memory compressing %s", fname);
            goto done;
        }
        file->write_fn = write_flate_filter;
        if (!give_stream(pdf, file, zprog, zlen)) {
            if (HPDF_Stream_Write(file->stream, zprog, (HPDF_UINT)zlen) != HPDF_OK) goto hpdf_error;
        } else {
            zprog = NULL; /* the document has it now */
        }
    } else if (HPDF_Stream_Write(file->stream, (const HPDF_BYTE *)prog, plen) != HPDF_OK) {
        goto hpdf_error;
    }

    HPDF_Dict desc = new_indirect_dict(pdf);
    if (!desc) goto hpdf_error;
    HPDF_Array bbox = HPDF_Array_New(mm);
    if (!bbox) goto hpdf_error;
    for (int k = 0; k < 4; k++)
        if (HPDF_Array_AddNumber(bbox, scale1000(f, f->bbox[k])) != HPDF_OK) goto hpdf_error;
    int cap = f->cap_height ? f->cap_height : f->ascender;
    /* font.c estimates StemV from the weight class, already in PDF units */
    int stemv = f->stem_v > 0 ? f->stem_v : 80;
    if (HPDF_Dict_AddName(desc, "Type", "FontDescriptor") != HPDF_OK ||
        HPDF_Dict_AddName(desc, "FontName", pf->basefont) != HPDF_OK ||
        HPDF_Dict_AddNumber(desc, "Flags", 4) != HPDF_OK ||
        HPDF_Dict_Add(desc, "FontBBox", bbox) != HPDF_OK ||
        HPDF_Dict_AddNumber(desc, "ItalicAngle", f->italic_angle) != HPDF_OK ||
        HPDF_Dict_AddNumber(desc, "Ascent", scale1000(f, f->ascender)) != HPDF_OK ||
        HPDF_Dict_AddNumber(desc, "Descent", scale1000(f, f->descender)) != HPDF_OK ||
        HPDF_Dict_AddNumber(desc, "CapHeight", scale1000(f, cap)) != HPDF_OK ||
        HPDF_Dict_AddNumber(desc, "StemV", stemv) != HPDF_OK ||
        HPDF_Dict_Add(desc, f->is_cff ? "FontFile3" : "FontFile2", file) != HPDF_OK)
        goto hpdf_error;

    if (pdfa) {
        /* One bit per CID the subset holds, CID 0 included, most significant bit first. */
        uint32_t maxcid = 0;
        uint32_t *cids = calloc(sub_glyphs ? sub_glyphs : 1, sizeof *cids);
        if (!cids) {
            rc = nb_fail(st, NB_ERR_NOMEM, "out of memory building CIDSet for %s", fname);
            goto done;
        }
        for (unsigned g = 0; g < sub_glyphs; g++) {
            FT_UInt cid = g;
            if (own_cids)
                cid = g < pf->nused ? nb_font_cid_of_glyph(f, pf->g[g].gid) : 0;
            else if (cid_keyed && FT_Get_CID_From_Glyph_Index(ftface, g, &cid) != 0)
                cid = 0;
            cids[g] = cid;
            if (cid > maxcid) maxcid = cid;
        }
        size_t nbytes = maxcid / 8 + 1;
        cidset = calloc(nbytes, 1);
        if (!cidset) {
            free(cids);
            rc = nb_fail(st, NB_ERR_NOMEM, "out of memory building CIDSet for %s", fname);
            goto done;
        }
        for (unsigned g = 0; g < sub_glyphs; g++)
            cidset[cids[g] / 8] |= (unsigned char)(0x80u >> (cids[g] % 8));
        free(cids);
        HPDF_Dict cs = new_stream(pdf, compress);
        if (!cs || HPDF_Stream_Write(cs->stream, cidset, (HPDF_UINT)nbytes) != HPDF_OK ||
            HPDF_Dict_Add(desc, "CIDSet", cs) != HPDF_OK)
            goto hpdf_error;
    }

    HPDF_Dict sysinfo = HPDF_Dict_New(mm);
    if (!sysinfo || HPDF_Dict_Add(sysinfo, "Registry", HPDF_String_New(mm, "Adobe", NULL)) ||
        HPDF_Dict_Add(sysinfo, "Ordering", HPDF_String_New(mm, "Identity", NULL)) ||
        HPDF_Dict_AddNumber(sysinfo, "Supplement", 0))
        goto hpdf_error;

    HPDF_Array w = HPDF_Array_New(mm);
    if (!w || build_widths(pdf, pf, cg, n, w) != HPDF_OK) goto hpdf_error;

    HPDF_Dict cid = new_indirect_dict(pdf);
    if (!cid || HPDF_Dict_AddName(cid, "Type", "Font") != HPDF_OK ||
        HPDF_Dict_AddName(cid, "Subtype", f->is_cff ? "CIDFontType0" : "CIDFontType2") != HPDF_OK ||
        HPDF_Dict_AddName(cid, "BaseFont", pf->basefont) != HPDF_OK ||
        HPDF_Dict_Add(cid, "CIDSystemInfo", sysinfo) != HPDF_OK ||
        HPDF_Dict_Add(cid, "FontDescriptor", desc) != HPDF_OK ||
        HPDF_Dict_AddNumber(cid, "DW", 1000) != HPDF_OK || HPDF_Dict_Add(cid, "W", w) != HPDF_OK)
        goto hpdf_error;
    if (!f->is_cff && HPDF_Dict_AddName(cid, "CIDToGIDMap", "Identity") != HPDF_OK) goto hpdf_error;

    HPDF_Dict tu = new_stream(pdf, false);
    if (!tu) goto hpdf_error;
    if (compress) {
        size_t zlen = 0;
        unsigned char *z = flate_huffman((const unsigned char *)cmap.p, cmap.len, &zlen);
        if (!z) {
            rc = nb_fail(st, NB_ERR_NOMEM, "out of memory compressing ToUnicode for %s", fname);
            goto done;
        }
        tu->write_fn = write_flate_filter;
        if (!give_stream(pdf, tu, z, zlen)) {
            HPDF_STATUS wr = HPDF_Stream_Write(tu->stream, z, (HPDF_UINT)zlen);
            free(z);
            if (wr != HPDF_OK) goto hpdf_error;
        }
    } else if (HPDF_Stream_Write(tu->stream, (const HPDF_BYTE *)cmap.p, (HPDF_UINT)cmap.len) !=
               HPDF_OK) {
        goto hpdf_error;
    }

    HPDF_Array desc_fonts = HPDF_Array_New(mm);
    if (!desc_fonts || HPDF_Array_Add(desc_fonts, cid) != HPDF_OK) goto hpdf_error;
    HPDF_Dict t0 = new_indirect_dict(pdf);
    if (!t0 || HPDF_Dict_AddName(t0, "Type", "Font") != HPDF_OK ||
        HPDF_Dict_AddName(t0, "Subtype", "Type0") != HPDF_OK ||
        HPDF_Dict_AddName(t0, "BaseFont", pf->basefont) != HPDF_OK ||
        HPDF_Dict_AddName(t0, "Encoding", "Identity-H") != HPDF_OK ||
        HPDF_Dict_Add(t0, "DescendantFonts", desc_fonts) != HPDF_OK ||
        HPDF_Dict_Add(t0, "ToUnicode", tu) != HPDF_OK)
        goto hpdf_error;
    pf->type0 = t0;
    pf->embedded = true;
    goto done;

hpdf_error:
    rc = hpdf_fail(pdf, pf, st, "the font objects");
done:
    free(newgid);
    free(zprog);
    cff_prog_free(&own);
    free(own_joined);
    free(cidset);
    free(cg);
    free(cmap.p);
    if (ftface) FT_Done_Face(ftface);
    if (ftlib) FT_Done_FreeType(ftlib);
    hb_blob_destroy(cff);
    hb_blob_destroy(blob);
    hb_face_destroy(sub);
    hb_subset_plan_destroy(plan);
    hb_subset_input_destroy(input);
    return rc;
}
