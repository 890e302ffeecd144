/* pdf_write.c — an nb_layout → PDF bytes with libharu's object layer (see pdf_write.h).
 *
 * Two passes over the layout: the first records every glyph each face draws (pdf_font.c
 * subsets and embeds them, ordered by nb_font.id), the second writes the pages' content
 * streams with the codes the subsets gave.  Page content, outline, Info, PDF/A pieces
 * (pdfa.c), /Lang and the trailer ID (MD5 over what was written) follow; libharu
 * serialises into memory.  Every libharu call goes through its documented API or its
 * object layer; what needs more is in pdf_hpdf.c.  Numbers are formatted by hand so the
 * bytes do not depend on the locale.
 */
#include "pdf_write.h"
#include "buf.h"
#include "clock.h"
#include "pdf_stream.h"
#include "utf8.h"

#include <hpdf.h>
#include <pthread.h>
#include <hpdf_encrypt.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pdf_font.h"
#include "pdf_hpdf.h"
#include "pdfa.h"

#ifndef NIANBAO_VERSION
#define NIANBAO_VERSION "0"
#endif

#define NB_PRODUCER "nianbao " NIANBAO_VERSION " (libharu)"

/* ---- content-stream text ------------------------------------------------------------ */

/* A number with at most `dec` (0..6) decimals, trailing zeros dropped, '.' whatever the
 * locale.  Written digit by digit: content streams hold hundreds of thousands of numbers,
 * and printf's general machinery cost more than everything else on a page. */
static void cb_num(nb_buf *b, double v, int dec)
{
    static const long long pow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
    if (dec < 0) dec = 0;
    if (dec > 6) dec = 6;
    long long scale = pow10[dec];
    if (!isfinite(v)) v = 0;
    if (v > 1e12) v = 1e12;
    if (v < -1e12) v = -1e12;
    long long q = llround(v * (double)scale);
    char tmp[48];
    int n = sizeof tmp;
    bool neg = q < 0;
    if (neg) q = -q;
    long long ip = q / scale, fp = q % scale;
    if (fp) {
        int d = dec;
        while (fp % 10 == 0) /* trailing zeros dropped */
            fp /= 10, d--;
        for (; d > 0; d--, fp /= 10)
            tmp[--n] = (char)('0' + fp % 10);
        tmp[--n] = '.';
    }
    do {
        tmp[--n] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    if (neg && q) tmp[--n] = '-';
    nb_buf_add(b, tmp + n, sizeof tmp - (size_t)n);
}

/* ---- the fonts of one document ------------------------------------------------------- */

typedef struct font_slot {
    const nb_font *font;
    nb_pdf_font *pf;
} font_slot;

typedef struct doc_fonts {
    font_slot *v;
    size_t n, cap;
} doc_fonts;

static nb_pdf_font *fonts_get(doc_fonts *df, const nb_font *f, nb_status *st)
{
    for (size_t i = 0; i < df->n; i++)
        if (df->v[i].font == f) return df->v[i].pf;
    if (df->n == df->cap) {
        size_t cap = df->cap ? df->cap * 2 : 8;
        font_slot *nv = realloc(df->v, cap * sizeof *nv);
        if (!nv) {
            nb_fail(st, NB_ERR_NOMEM, "out of memory collecting fonts");
            return NULL;
        }
        df->v = nv;
        df->cap = cap;
    }
    nb_pdf_font *pf = nb_pdf_font_new(f);
    if (!pf) {
        nb_fail(st, NB_ERR_NOMEM, "out of memory collecting fonts");
        return NULL;
    }
    df->v[df->n].font = f;
    df->v[df->n].pf = pf;
    df->n++;
    return pf;
}

static int cmp_slot(const void *a, const void *b)
{
    const font_slot *x = a, *y = b;
    if (x->font->id != y->font->id) return x->font->id < y->font->id ? -1 : 1;
    int c = strcmp(x->font->path ? x->font->path : "", y->font->path ? y->font->path : "");
    if (c) return c;
    return x->font->face_index < y->font->face_index ? -1
                                                     : x->font->face_index > y->font->face_index;
}

static void fonts_free(doc_fonts *df)
{
    for (size_t i = 0; i < df->n; i++)
        nb_pdf_font_free(df->v[i].pf);
    free(df->v);
}

/* Pass 1: which glyphs each face draws, with their text. */
static nb_code collect_glyphs(const nb_layout *l, doc_fonts *df, nb_status *st)
{
    const char *last_text = NULL;
    size_t tlen = 0;
    for (size_t pi = 0; pi < l->npages; pi++) {
        const nb_page *pg = &l->pages[pi];
        for (size_t bi = 0; bi < pg->nboxes; bi++) {
            const nb_box *b = &pg->boxes[bi];
            if (b->kind != NB_BOX_TEXT || b->nglyphs == 0) continue;
            if (!b->font || !b->glyphs)
                return nb_fail(st, NB_ERR_PDF, "page %zu, box %zu: text box without font or glyphs",
                               pi + 1, bi + 1);
            if (!(b->size > 0) || b->size > 10000)
                return nb_fail(st, NB_ERR_PDF, "page %zu, box %zu: font size %g out of range",
                               pi + 1, bi + 1, (double)b->size);
            if (b->text != last_text) { /* the boxes of a paragraph share its text */
                last_text = b->text;
                tlen = b->text ? strlen(b->text) : 0;
            }
            nb_pdf_font *pf = fonts_get(df, b->font, st);
            if (!pf) return st->code;
            for (size_t gi = 0; gi < b->nglyphs; gi++) {
                const nb_box_glyph *g = &b->glyphs[gi];
                const char *t = NULL;
                size_t n = 0;
                if (g->text_len > 0 && (size_t)g->text_off + g->text_len <= tlen) {
                    t = b->text + g->text_off;
                    n = g->text_len;
                }
                if (nb_pdf_font_use(pf, g->gid, t, n, st) != NB_OK) {
                    nb_status_prefix(st, "page %zu, box %zu", pi + 1, bi + 1);
                    return st->code;
                }
            }
        }
    }
    return NB_OK;
}

/* ---- page content ----------------------------------------------------------------------- */

/* The bytes of b->text under a box's glyphs: [*start, *end); false when there are none. */
static bool box_text_span(const nb_box *b, size_t *start, size_t *end)
{
    *start = SIZE_MAX;
    *end = 0;
    for (size_t i = 0; i < b->nglyphs; i++) {
        const nb_box_glyph *g = &b->glyphs[i];
        if (g->text_len == 0) continue;
        if (g->text_off < *start) *start = g->text_off;
        if ((size_t)g->text_off + g->text_len > *end) *end = (size_t)g->text_off + g->text_len;
    }
    return b->text && *start < *end;
}

/* Text bytes [start, end) of a box as a PDF text string (UTF-16BE hex with a BOM). */
static void cb_actual_text(nb_buf *c, const nb_box *b, size_t start, size_t end)
{
    nb_buf_str(c, "<FEFF");
    nb_buf_utf16_hex(c, b->text + start, end - start);
    nb_buf_str(c, ">");
}

/* One text box as a TJ run.  Glyphs land exactly at their x: TJ displacements move them,
 * and space added evenly after glyphs (justification) is one character spacing (Tc) for
 * the run.  Text extractors read a gap of a tenth of an em or more between two glyphs as
 * a word space; a run with such a gap (a layout's CJK-Latin gap, a sparse justified line)
 * is marked with its real text (/ActualText), so "2020年" is still copied as one word. */
static bool box_has_gap(const nb_box *b, const nb_pdf_font *pf)
{
    for (size_t i = 0; i + 1 < b->nglyphs; i++) {
        unsigned code = 0;
        int width = 1000;
        if (!nb_pdf_font_glyph(pf, b->glyphs[i].gid, &code, &width)) continue;
        double gap = (double)b->glyphs[i + 1].x - (double)b->glyphs[i].x - width * b->size / 1000.0;
        if (gap > 0.08 * b->size) return true;
    }
    return false;
}

/* in_span: the box is part of a line already marked as a whole (see write_pages). */
static void emit_text_box(nb_buf *c, const nb_box *b, const nb_pdf_font *pf, const char *fname,
                          float page_h, bool in_span)
{
    double size = b->size;
    double x0 = b->glyphs[0].x;
    size_t t0, t1;
    bool gaps = !in_span && box_has_gap(b, pf) && box_text_span(b, &t0, &t1);
    if (gaps) {
        nb_buf_str(c, "/Span <</ActualText ");
        cb_actual_text(c, b, t0, t1);
        nb_buf_str(c, ">> BDC\n");
    }
    nb_buf_str(c, "BT\n/");
    nb_buf_str(c, fname);
    nb_buf_str(c, " ");
    cb_num(c, size, 3);
    nb_buf_str(c, " Tf\n1 0 0 1 ");
    cb_num(c, x0, 3);
    nb_buf_str(c, " ");
    cb_num(c, (double)page_h - b->y, 3);
    nb_buf_str(c, " Tm\n");
    double pen = x0, rise = 0, tc = 0;
    bool in_arr = false, in_str = false;
    for (size_t i = 0; i < b->nglyphs; i++) {
        const nb_box_glyph *g = &b->glyphs[i];
        unsigned code = 0;
        int width = 1000;
        if (!nb_pdf_font_glyph(pf, g->gid, &code, &width)) code = 0;
        double adv = width * size / 1000.0;
        /* Space after this glyph, up to the next one: a new Tc when it opens a gap that
         * the current Tc does not already give, none when the glyphs touch; a TJ
         * displacement takes up the rest (compressed punctuation in a spread line). */
        double want = tc;
        if (i + 1 < b->nglyphs) {
            double gap = (double)b->glyphs[i + 1].x - (double)g->x - adv;
            if (gap > 0.005 && fabs(gap - tc) >= 0.0002)
                want = llround(gap * 1e4) / 1e4;
            else if (fabs(gap) <= 0.005)
                want = 0; /* glyphs touch again; a negative gap keeps the spread */
        }
        bool new_rise = (double)g->dy != rise, new_tc = want != tc;
        if ((new_rise || new_tc) && in_arr) {
            nb_buf_str(c, in_str ? ">] TJ\n" : "] TJ\n");
            in_arr = in_str = false;
        }
        if (new_rise) {
            rise = g->dy;
            cb_num(c, rise, 3);
            nb_buf_str(c, " Ts\n");
        }
        if (new_tc) {
            tc = want;
            cb_num(c, tc, 4);
            nb_buf_str(c, " Tc\n");
        }
        if (!in_arr) nb_buf_str(c, "[");
        in_arr = true;
        /* TJ adjustment so the glyph lands at g->x. */
        double shift = (double)g->x - pen;
        double adj = llround(-shift * 1000.0 / size * 100.0) / 100.0;
        if (adj != 0) {
            if (in_str) nb_buf_str(c, ">");
            in_str = false;
            cb_num(c, adj, 2);
            pen -= adj * size / 1000.0;
        }
        if (!in_str) nb_buf_str(c, "<");
        in_str = true;
        nb_buf_hex4(c, code);
        pen += adv + tc;
    }
    if (in_arr) nb_buf_str(c, in_str ? ">] TJ\n" : "] TJ\n");
    if (rise != 0) nb_buf_str(c, "0 Ts\n");
    if (tc != 0) nb_buf_str(c, "0 Tc\n");
    nb_buf_str(c, gaps ? "ET\nEMC\n" : "ET\n");
}

static void emit_rule(nb_buf *c, const nb_box *b, float page_h)
{
    cb_num(c, b->width, 3);
    nb_buf_str(c, " w ");
    cb_num(c, b->x0, 3);
    nb_buf_str(c, " ");
    cb_num(c, (double)page_h - b->y0, 3);
    nb_buf_str(c, " m ");
    cb_num(c, b->x1, 3);
    nb_buf_str(c, " ");
    cb_num(c, (double)page_h - b->y1, 3);
    nb_buf_str(c, " l S\n");
}

static nb_pdf_font *fonts_find(const doc_fonts *df, const nb_font *f)
{
    for (size_t i = 0; i < df->n; i++)
        if (df->v[i].font == f) return df->v[i].pf;
    return NULL;
}

/* A line set in several fonts (a run-in sub-heading and its text, a character from a
 * fallback font) is several boxes, one after the other on the page, sharing their
 * paragraph's text with contiguous spans of it.  When a gap opens anywhere on such a line,
 * inside a box or between two, the whole line is one /ActualText span: a gap between boxes
 * would otherwise be copied as a space.  Returns the index after the line's last box (bi +
 * 1 when the box stands alone or the line has no gap) and its text in [*t0, *t1). */
static size_t line_span(const nb_page *pg, size_t bi, const doc_fonts *df, size_t *t0, size_t *t1)
{
    const nb_box *a = &pg->boxes[bi];
    size_t s0, s1, end = bi + 1;
    if (!box_text_span(a, &s0, &s1)) return bi + 1;
    bool gap = box_has_gap(a, fonts_find(df, a->font));
    *t0 = s0;
    *t1 = s1;
    for (; end < pg->nboxes; end++) {
        const nb_box *p = &pg->boxes[end - 1], *b = &pg->boxes[end];
        size_t u0, u1;
        if (b->kind != NB_BOX_TEXT || b->nglyphs == 0 || b->text != a->text || b->y != a->y ||
            !box_text_span(b, &u0, &u1) || u0 != *t1)
            break;
        const nb_pdf_font *pp = fonts_find(df, p->font);
        unsigned code = 0;
        int width = 1000;
        nb_pdf_font_glyph(pp, p->glyphs[p->nglyphs - 1].gid, &code, &width);
        double between =
            (double)b->glyphs[0].x - (double)p->glyphs[p->nglyphs - 1].x - width * p->size / 1000.0;
        gap = gap || between > 0.08 * p->size || box_has_gap(b, fonts_find(df, b->font));
        *t1 = u1;
    }
    return end > bi + 1 && gap ? end : bi + 1;
}

static nb_code write_pages(nb_hpdf *h, nb_packer *pk, const nb_layout *l, const doc_fonts *df,
                           HPDF_Page *pages, HPDF_MD5_CTX *md5, nb_status *st)
{
    nb_buf c = {0};
    nb_code rc = NB_OK;
    for (size_t pi = 0; pi < l->npages; pi++) {
        const nb_page *pg = &l->pages[pi];
        if (!(pg->width >= 3 && pg->width <= 14400 && pg->height >= 3 && pg->height <= 14400)) {
            rc = nb_fail(st, NB_ERR_PDF, "page %zu: size %gx%g pt out of range", pi + 1,
                         (double)pg->width, (double)pg->height);
            break;
        }
        HPDF_Page page = HPDF_AddPage(h->doc);
        if (!page || HPDF_Page_SetWidth(page, pg->width) != HPDF_OK ||
            HPDF_Page_SetHeight(page, pg->height) != HPDF_OK) {
            rc = nb_hpdf_fail(h, st, "add page %zu", pi + 1);
            break;
        }
        pages[pi] = page;
        c.len = 0;
        nb_buf_str(&c, "0 g 0 G 0 J\n");
        size_t group_end = 0; /* boxes before it are inside a line's /ActualText span */
        for (size_t bi = 0; bi < pg->nboxes; bi++) {
            const nb_box *b = &pg->boxes[bi];
            if (b->kind == NB_BOX_RULE) {
                emit_rule(&c, b, pg->height);
            } else if (b->nglyphs > 0) {
                nb_pdf_font *pf = fonts_find(df, b->font);
                const char *name =
                    HPDF_Page_GetLocalFontName(page, (HPDF_Font)nb_pdf_font_dict(pf));
                if (!name) {
                    rc = nb_hpdf_fail(h, st, "add a font to the resources of page %zu", pi + 1);
                    goto out;
                }
                if (bi >= group_end) {
                    size_t t0 = 0, t1 = 0, e = line_span(pg, bi, df, &t0, &t1);
                    if (e > bi + 1) {
                        nb_buf_str(&c, "/Span <</ActualText ");
                        cb_actual_text(&c, b, t0, t1);
                        nb_buf_str(&c, ">> BDC\n");
                        group_end = e;
                    }
                }
                bool in_span = bi < group_end;
                emit_text_box(&c, b, pf, name, pg->height, in_span);
                if (in_span && bi + 1 == group_end) nb_buf_str(&c, "EMC\n");
            }
        }
        if (c.oom) {
            rc = nb_fail(st, NB_ERR_NOMEM, "out of memory writing page %zu", pi + 1);
            break;
        }
        rc = nb_pdf_page_put(pk, h, page, c.p, c.len, st);
        if (rc != NB_OK) break;
        char dims[64];
        int dn = snprintf(dims, sizeof dims, "%.3f %.3f\n", (double)pg->width, (double)pg->height);
        HPDF_MD5Update(md5, (const HPDF_BYTE *)dims, (HPDF_UINT32)dn);
        HPDF_MD5Update(md5, (const HPDF_BYTE *)c.p, (HPDF_UINT32)c.len);
    }
out:
    nb_buf_free(&c);
    return rc;
}

/* ---- strings ------------------------------------------------------------------------------ */

/* A metadata string both the Info dictionary and the XMP can carry unchanged (malloc'd,
 * NULL for NULL): valid UTF-8 (bad bytes become U+FFFD); control characters, DEL and
 * U+FFFE/U+FFFF become spaces (XML 1.0 cannot carry most of them, and an XML parser turns
 * CR into LF, so the XMP would no longer match Info). */
#define NB_PDF_META_MAX_UNITS 32000

static char *clean_text(const char *s, bool *oom)
{
    if (!s) return NULL;
    size_t n = strlen(s), k = 0, i = 0;
    char *o = malloc(3 * n + 1);
    if (!o) {
        *oom = true;
        return NULL;
    }
    const unsigned char *u = (const unsigned char *)s;
    size_t units = 0; /* UTF-16 code units: libharu refuses strings over 64 KB */
    while (i < n) {
        uint32_t cp = nb_utf8_next(u, n, &i);
        if (cp < 0x20 || cp == 0x7F || cp == 0xFFFE || cp == 0xFFFF) cp = ' ';
        units += cp >= 0x10000 ? 2 : 1;
        if (units > NB_PDF_META_MAX_UNITS) break; /* never from the data: render.c refuses it */
        if (cp < 0x80) {
            o[k++] = (char)cp;
        } else if (cp < 0x800) {
            o[k++] = (char)(0xC0 | (cp >> 6));
            o[k++] = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            o[k++] = (char)(0xE0 | (cp >> 12));
            o[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            o[k++] = (char)(0x80 | (cp & 0x3F));
        } else {
            o[k++] = (char)(0xF0 | (cp >> 18));
            o[k++] = (char)(0x80 | ((cp >> 12) & 0x3F));
            o[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            o[k++] = (char)(0x80 | (cp & 0x3F));
        }
    }
    o[k] = '\0';
    return o;
}

/* UTF-8 → UTF-16BE with a BOM (malloc'd).  Invalid bytes become U+FFFD. */
static unsigned char *utf16be_bom(const char *s, size_t *out_len)
{
    size_t n = strlen(s);
    unsigned char *o = malloc(2 + 4 * n + 2);
    if (!o) return NULL;
    size_t k = 0, i = 0;
    o[k++] = 0xFE;
    o[k++] = 0xFF;
    const unsigned char *u = (const unsigned char *)s;
    while (i < n) {
        uint32_t cp = nb_utf8_next(u, n, &i);
        if (cp >= 0x10000) {
            uint32_t v = cp - 0x10000, hi = 0xD800 + (v >> 10), lo = 0xDC00 + (v & 0x3FF);
            o[k++] = (unsigned char)(hi >> 8), o[k++] = (unsigned char)hi;
            o[k++] = (unsigned char)(lo >> 8), o[k++] = (unsigned char)lo;
        } else {
            o[k++] = (unsigned char)(cp >> 8), o[k++] = (unsigned char)cp;
        }
    }
    *out_len = k;
    return o;
}

/* Puts a UTF-16BE text string under `key`. */
static HPDF_STATUS add_text(nb_hpdf *h, HPDF_Dict d, const char *key, const char *utf8,
                            HPDF_MD5_CTX *md5)
{
    size_t n = 0;
    unsigned char *u = utf16be_bom(utf8, &n);
    if (!u) { /* recorded as libharu's own failures are, so that nb_hpdf_fail names it */
        if (!h->error) h->error = HPDF_FAILD_TO_ALLOC_MEM;
        return HPDF_FAILD_TO_ALLOC_MEM;
    }
    if (n > 2 + 2 * NB_PDF_META_MAX_UNITS) { /* a 300,000-character title as a bookmark */
        n = 2 + 2 * NB_PDF_META_MAX_UNITS;
        if ((u[n - 2] & 0xFC) == 0xD8) n -= 2; /* never end on half a surrogate pair */
    }
    HPDF_Binary bin = nb_hpdf_binary(h, u, n);
    if (md5) HPDF_MD5Update(md5, u, (HPDF_UINT32)n);
    free(u);
    if (!bin) return HPDF_FAILD_TO_ALLOC_MEM;
    return HPDF_Dict_Add(d, key, bin);
}

static nb_code write_info(nb_hpdf *h, const nb_pdf_meta *meta, HPDF_MD5_CTX *md5, nb_status *st)
{
    HPDF_Dict info = nb_hpdf_info(h);
    if (!info) return nb_hpdf_fail(h, st, "create the Info dictionary");
    struct {
        const char *key, *val;
    } items[] = {{"Title", meta->title},     {"Author", meta->author},
                 {"Subject", meta->subject}, {"Keywords", meta->keywords},
                 {"Creator", meta->creator}, {"Producer", NB_PRODUCER}};
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        if (!items[i].val) continue;
        if (add_text(h, info, items[i].key, items[i].val, md5) != HPDF_OK)
            return nb_hpdf_fail(h, st, "write /%s in the Info dictionary", items[i].key);
    }
    if (meta->date == NB_PDF_NO_DATE) return NB_OK;
    char pdf_date[32], xmp_date[32];
    nb_pdfa_dates(meta->date, pdf_date, xmp_date);
    HPDF_MD5Update(md5, (const HPDF_BYTE *)pdf_date, (HPDF_UINT32)strlen(pdf_date));
    if (HPDF_Dict_Add(info, "CreationDate", nb_hpdf_ascii(h, pdf_date)) != HPDF_OK ||
        HPDF_Dict_Add(info, "ModDate", nb_hpdf_ascii(h, pdf_date)) != HPDF_OK)
        return nb_hpdf_fail(h, st, "write the Info dates");
    return NB_OK;
}

static nb_code write_outline(nb_hpdf *h, const nb_layout *l, HPDF_Page *pages, HPDF_MD5_CTX *md5,
                             nb_status *st)
{
    HPDF_Outline top = NULL;
    for (size_t i = 0; i < l->noutline; i++) {
        const nb_outline_entry *e = &l->outline[i];
        if (e->page >= l->npages || !e->title)
            return nb_fail(st, NB_ERR_PDF, "outline entry %zu: page %zu does not exist", i + 1,
                           e->page + 1);
        HPDF_Outline parent = (e->level > 0 && top) ? top : NULL;
        HPDF_Outline o = HPDF_CreateOutline(h->doc, parent, "-", NULL);
        if (!o || add_text(h, o, "Title", e->title, md5) != HPDF_OK)
            return nb_hpdf_fail(h, st, "add outline entry %zu", i + 1);
        /* libharu marks items /Type /Outlines, which only the outline root may have. */
        if (HPDF_Dict_GetItem(o, "Type", HPDF_OCLASS_NAME) &&
            HPDF_Dict_RemoveElement(o, "Type") != HPDF_OK)
            return nb_hpdf_fail(h, st, "clean outline entry %zu", i + 1);
        HPDF_Array dest = nb_hpdf_array(h);
        double ty = (double)l->pages[e->page].height - e->y;
        if (ty < 0) ty = 0;
        if (!dest || HPDF_Array_Add(dest, pages[e->page]) != HPDF_OK ||
            HPDF_Array_AddName(dest, "FitH") != HPDF_OK ||
            HPDF_Array_AddReal(dest, (HPDF_REAL)ty) != HPDF_OK ||
            HPDF_Dict_Add(o, "Dest", dest) != HPDF_OK)
            return nb_hpdf_fail(h, st, "set the destination of outline entry %zu", i + 1);
        if (e->level == 0) {
            top = o;
            if (HPDF_Outline_SetOpened(o, HPDF_TRUE) != HPDF_OK)
                return nb_hpdf_fail(h, st, "open outline entry %zu", i + 1);
        }
    }
    return NB_OK;
}

/* ---- preparing the fonts, on several threads ------------------------------------------ */

typedef struct by_glyphs {
    size_t glyphs, index; /* a font's glyph count and its index in doc_fonts */
} by_glyphs;

static int cmp_by_glyphs(const void *a, const void *b)
{
    const by_glyphs *x = a, *y = b;
    if (x->glyphs != y->glyphs) return x->glyphs > y->glyphs ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

typedef struct prep_work {
    const doc_fonts *df;
    const by_glyphs *order; /* the fonts, the most glyphs first */
    size_t next;            /* next position in order (atomic) */
    bool pdfa, compress;
    nb_code *rc; /* per font */
    nb_status *st;
} prep_work;

static void *prep_worker(void *arg)
{
    prep_work *w = arg;
    for (;;) {
        size_t k = __atomic_fetch_add(&w->next, 1, __ATOMIC_RELAXED);
        if (k >= w->df->n) break;
        size_t i = w->order[k].index;
        w->rc[i] = nb_pdf_font_prepare(w->df->v[i].pf, w->pdfa, w->compress, &w->st[i]);
    }
    return NULL;
}

/* nb_pdf_font_prepare for every font, on up to `threads` threads (the biggest subsets
 * first, so that they do not end up last on one thread).  The first failure in font
 * order is reported, whatever the threads' timing. */
static nb_code prepare_fonts(const doc_fonts *df, bool pdfa, bool compress, int threads,
                             nb_status *st)
{
    if (df->n == 0) return NB_OK;
    by_glyphs *order = malloc(df->n * sizeof *order);
    nb_code *rc = calloc(df->n, sizeof *rc);
    nb_status *sts = calloc(df->n, sizeof *sts);
    if (!order || !rc || !sts) {
        free(order);
        free(rc);
        free(sts);
        return nb_fail(st, NB_ERR_NOMEM, "PDF writer: out of memory");
    }
    for (size_t i = 0; i < df->n; i++) {
        order[i] = (by_glyphs){nb_pdf_font_glyph_count(df->v[i].pf), i};
        sts[i].lang = st ? st->lang : 0; /* the caller's language (status.h) */
    }
    qsort(order, df->n, sizeof *order, cmp_by_glyphs);
    if (threads <= 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cpus < 1 ? 1 : cpus > 4 ? 4 : (int)cpus;
    }
    if ((size_t)threads > df->n) threads = (int)df->n;
    prep_work w = {df, order, 0, pdfa, compress, rc, sts};
    pthread_t tid[3];
    int started = 0;
    for (int t = 1; t < threads && t <= 3; t++)
        if (pthread_create(&tid[started], NULL, prep_worker, &w) == 0) started++;
    prep_worker(&w);
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    nb_code out = NB_OK;
    for (size_t i = 0; i < df->n && out == NB_OK; i++)
        if (rc[i] != NB_OK) {
            out = rc[i];
            *st = sts[i];
        }
    free(order);
    free(rc);
    free(sts);
    return out;
}

/* ---- the whole document -------------------------------------------------------------- */

nb_code nb_pdf_write(const nb_layout *layout, const nb_pdf_meta *meta, const nb_pdf_opts *opts,
                     nb_pdf_bytes *out, nb_pdf_timing *timing, nb_status *st)
{
    double t0 = nb_now_ms();
    out->data = NULL;
    out->len = 0;
    if (!layout || !meta || !opts)
        return nb_fail(st, NB_ERR_PDF, "PDF writer: no layout, metadata or options given");
    if (layout->npages == 0) return nb_fail(st, NB_ERR_PDF, "PDF writer: the layout has no pages");

    const char *lang = meta->lang ? meta->lang : NB_PDF_LANG_DEFAULT;
    size_t lang_len =
        strspn(lang, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-");
    if (lang_len == 0 || lang_len > 35 || lang[lang_len] || lang[0] == '-')
        return nb_fail(st, NB_ERR_PDF,
                       "PDF writer: language \"%.40s\" is not a language tag (expected e.g. "
                       "\"zh-CN\": letters, digits and hyphens)",
                       lang);

    doc_fonts df = {0};
    nb_pdf_meta clean = {0};
    nb_hpdf h = {0};
    HPDF_Page *pages = NULL;
    nb_packer *pk = NULL;
    nb_code rc = NB_OK;
    double subset_ms = 0;

    if ((rc = collect_glyphs(layout, &df, st)) != NB_OK) goto done;
    qsort(df.v, df.n, sizeof *df.v, cmp_slot);
    double ts = nb_now_ms();
    if ((rc = prepare_fonts(&df, opts->pdfa, opts->compress, opts->threads, st)) != NB_OK)
        goto done;
    subset_ms = nb_now_ms() - ts;

    if ((rc = nb_hpdf_open(&h, st)) != NB_OK) goto done;
    pk = nb_packer_new(opts->compress);
    if (!pk) {
        rc = nb_fail(st, NB_ERR_NOMEM, "PDF writer: out of memory");
        goto done;
    }
    HPDF_MD5_CTX md5;
    HPDF_MD5Init(&md5);

    ts = nb_now_ms();
    for (size_t i = 0; i < df.n; i++) {
        rc = nb_pdf_font_attach(df.v[i].pf, &h, pk, &md5, st);
        if (rc != NB_OK) goto done;
    }
    subset_ms += nb_now_ms() - ts;

    pages = calloc(layout->npages, sizeof *pages);
    if (!pages) {
        rc = nb_fail(st, NB_ERR_NOMEM, "PDF writer: out of memory");
        goto done;
    }
    if ((rc = write_pages(&h, pk, layout, &df, pages, &md5, st)) != NB_OK) goto done;
    if ((rc = write_outline(&h, layout, pages, &md5, st)) != NB_OK) goto done;
    /* Info and XMP are written from the same cleaned strings, so they always agree. */
    bool oom = false;
    clean.date = meta->date;
    clean.title = clean_text(meta->title, &oom);
    clean.author = clean_text(meta->author, &oom);
    clean.subject = clean_text(meta->subject, &oom);
    clean.keywords = clean_text(meta->keywords, &oom);
    clean.creator = clean_text(meta->creator, &oom);
    clean.lang = lang;
    if (oom) {
        rc = nb_fail(st, NB_ERR_NOMEM, "PDF writer: out of memory");
        goto done;
    }
    if ((rc = write_info(&h, &clean, &md5, st)) != NB_OK) goto done;
    if (opts->pdfa && (rc = nb_pdfa_attach(&h, &clean, NB_PRODUCER, pk, &md5, st)) != NB_OK)
        goto done;

    /* The natural language of the text, for screen readers and text extraction. */
    HPDF_MD5Update(&md5, (const HPDF_BYTE *)lang, (HPDF_UINT32)lang_len);
    HPDF_Dict catalog = nb_hpdf_catalog(&h);
    if (!catalog || HPDF_Dict_Add(catalog, "Lang", nb_hpdf_ascii(&h, lang)) != HPDF_OK) {
        rc = nb_hpdf_fail(&h, st, "set the document language /Lang");
        goto done;
    }
    if (opts->show_outline && layout->noutline > 0 &&
        HPDF_SetPageMode(h.doc, HPDF_PAGE_MODE_USE_OUTLINE) != HPDF_OK) {
        rc = nb_hpdf_fail(&h, st, "set the page mode");
        goto done;
    }
    HPDF_Destination open = HPDF_Page_CreateDestination(pages[0]);
    if (!open || HPDF_SetOpenAction(h.doc, open) != HPDF_OK) {
        rc = nb_hpdf_fail(&h, st, "set the open action");
        goto done;
    }

    /* Trailer ID: two equal strings, the MD5 of everything written above. */
    HPDF_BYTE digest[16];
    HPDF_MD5Final(digest, &md5);
    if ((rc = nb_hpdf_set_id(&h, digest, st)) != NB_OK) goto done;

    unsigned char *bytes = NULL;
    size_t nbytes = 0;
    if ((rc = nb_hpdf_save(&h, &bytes, &nbytes, st)) != NB_OK) goto done;
    out->data = bytes;
    out->len = nbytes;

done:
    free((char *)clean.title);
    free((char *)clean.author);
    free((char *)clean.subject);
    free((char *)clean.keywords);
    free((char *)clean.creator);
    nb_hpdf_close(&h);
    nb_packer_free(pk);
    free(pages);
    fonts_free(&df);
    if (timing) {
        timing->subset_ms = subset_ms;
        timing->write_ms = nb_now_ms() - t0;
    }
    return rc;
}

void nb_pdf_bytes_free(nb_pdf_bytes *b)
{
    if (!b) return;
    free(b->data);
    b->data = NULL;
    b->len = 0;
}
