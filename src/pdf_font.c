/* pdf_font.c — subset a face and build its Type0 / CIDFont objects (see pdf_font.h). */
#include "pdf_font.h"
#include "pdf_stream.h"

#include "buf.h"
#include "cff.h"
#include "clock.h"

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
    nb_pdf_font_prep *prep; /* between nb_pdf_font_prepare and nb_pdf_font_attach */
};

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

static void prep_free(nb_pdf_font_prep *p);

void nb_pdf_font_free(nb_pdf_font *pf)
{
    if (!pf) return;
    prep_free(pf->prep);
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

size_t nb_pdf_font_glyph_count(const nb_pdf_font *pf)
{
    return pf->nused;
}

const char *nb_pdf_font_basefont(const nb_pdf_font *pf)
{
    return pf->basefont;
}

/* ---- helpers for embedding ------------------------------------------------------------- */

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

/* ToUnicode CMap for the used glyphs, sorted by code. */
static void build_tounicode(const nb_pdf_font *pf, const code_gid *cg, size_t n, nb_buf *b)
{
    nb_buf_str(b, "/CIDInit /ProcSet findresource begin\n"
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
            nb_buf_printf(b, "%zu beginbfchar\n", cnt);
            for (size_t k = i; k < j; k++) {
                const glyph_use *u = &pf->g[cg[k].gid];
                if (!u->has_text || (k > 0 && cg[k].code == cg[k - 1].code)) continue;
                nb_buf_add(b, "<", 1);
                nb_buf_hex4(b, cg[k].code);
                nb_buf_add(b, "> <", 3);
                nb_buf_utf16_hex(b, pf->text + u->text_off, u->text_len);
                nb_buf_str(b, ">\n");
            }
            nb_buf_str(b, "endbfchar\n");
        }
        i = j;
    }
    nb_buf_str(b, "endcmap\n"
                  "CMapName currentdict /CMap defineresource pop\n"
                  "end\n"
                  "end\n");
}

/* /W: runs of consecutive codes whose width differs from /DW 1000. */
static HPDF_STATUS build_widths(nb_hpdf *h, const nb_pdf_font *pf, const code_gid *cg, size_t n,
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
        HPDF_Array run = nb_hpdf_array(h);
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

/* ---- whole subsets reused between documents (batch runs) --------------------------------
 *
 * A county's reports draw the same glyphs from several faces (section headings, page
 * numbers, table labels), and hb-subset is most of a render's cost.  When the fontset is
 * reused, each face keeps its last few subsets: the sorted glyph ids, hb-subset's font
 * program, the new glyph ids, the codes and the CIDSet.  A later document with exactly the
 * same glyph set takes them instead of subsetting again; the bytes written are the same
 * either way, since hb-subset is deterministic. */

typedef struct subset_entry {
    uint32_t *gids; /* the used glyphs, ascending; NULL = empty slot */
    size_t n;
    unsigned char *prog;
    unsigned plen, sub_glyphs;
    uint32_t *newgid, *code; /* per used glyph */
    unsigned char *cidset;   /* NULL when made without PDF/A */
    size_t cidset_len;
} subset_entry;

enum { SUBSET_CACHE_SLOTS = 8 };

typedef struct subset_cache {
    subset_entry e[SUBSET_CACHE_SLOTS];
    unsigned next; /* slot to replace next */
} subset_cache;

static void subset_entry_clear(subset_entry *e)
{
    free(e->gids);
    free(e->prog);
    free(e->newgid);
    free(e->code);
    free(e->cidset);
    memset(e, 0, sizeof *e);
}

static void subset_cache_free(void *p)
{
    subset_cache *c = p;
    for (unsigned i = 0; i < SUBSET_CACHE_SLOTS; i++)
        subset_entry_clear(&c->e[i]);
    free(c);
}

static const subset_entry *subset_cache_find(const nb_font *f, const glyph_use *g, size_t n,
                                             bool need_cidset)
{
    const subset_cache *c = f->embed_cache;
    if (!c) return NULL;
    for (unsigned i = 0; i < SUBSET_CACHE_SLOTS; i++) {
        const subset_entry *e = &c->e[i];
        if (!e->gids || e->n != n || (need_cidset && !e->cidset)) continue;
        size_t k = 0;
        while (k < n && e->gids[k] == g[k].gid)
            k++;
        if (k == n) return e;
    }
    return NULL;
}

/* Keeps a copy; out of memory only means nothing is kept. */
static void subset_cache_put(nb_font *f, const glyph_use *g, size_t n, const char *prog,
                             unsigned plen, unsigned sub_glyphs, const uint32_t *newgid,
                             const unsigned char *cidset, size_t cidset_len)
{
    if (f->embed_cache_free && f->embed_cache_free != subset_cache_free) return;
    subset_cache *c = f->embed_cache;
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c) return;
        f->embed_cache = c;
        f->embed_cache_free = subset_cache_free;
    }
    subset_entry *e = &c->e[c->next];
    c->next = (c->next + 1) % SUBSET_CACHE_SLOTS;
    subset_entry_clear(e);
    size_t m = n ? n : 1;
    e->gids = malloc(m * sizeof *e->gids);
    e->newgid = malloc(m * sizeof *e->newgid);
    e->code = malloc(m * sizeof *e->code);
    e->prog = malloc(plen ? plen : 1);
    e->cidset = cidset ? malloc(cidset_len) : NULL;
    if (!e->gids || !e->newgid || !e->code || !e->prog || (cidset && !e->cidset)) {
        subset_entry_clear(e);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        e->gids[i] = g[i].gid;
        e->newgid[i] = newgid[i];
        e->code[i] = g[i].code;
    }
    e->n = n;
    memcpy(e->prog, prog, plen);
    e->plen = plen;
    e->sub_glyphs = sub_glyphs;
    if (cidset) {
        memcpy(e->cidset, cidset, cidset_len);
        e->cidset_len = cidset_len;
    }
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

/* Fills cid[gid..gid+count) from a charset run (cff.h), up to the array's end. */
typedef struct cid_fill {
    uint32_t *cid;
    unsigned n;
} cid_fill;

static bool fill_cids(void *ctx, unsigned gid, unsigned cid, unsigned count)
{
    cid_fill *c = ctx;
    for (unsigned k = 0; k < count && gid + k < c->n; k++)
        c->cid[gid + k] = cid + k;
    return true;
}

/* The CID of each glyph of a CID-keyed CFF subset (hb-subset renumbers the glyphs and
 * keeps their CIDs in the subset's charset), read from that charset, or by FreeType when
 * cff.c cannot read it.  malloc'd; NULL when neither can, or (*oom set) when memory ran
 * out. */
static uint32_t *subset_cids(const char *prog, unsigned plen, unsigned nglyphs, bool *oom)
{
    uint32_t *cid = calloc(nglyphs ? nglyphs : 1, sizeof *cid);
    *oom = cid == NULL;
    if (!cid) return NULL;
    cid_fill c = {cid, nglyphs};
    if (nb_cff_charset((const unsigned char *)prog, plen, nglyphs, fill_cids, &c)) return cid;
    FT_Library lib = NULL;
    FT_Face face = NULL;
    bool ok = FT_Init_FreeType(&lib) == 0 &&
              FT_New_Memory_Face(lib, (const FT_Byte *)prog, (FT_Long)plen, 0, &face) == 0;
    for (unsigned g = 0; ok && g < nglyphs; g++) {
        FT_UInt v = 0;
        ok = FT_Get_CID_From_Glyph_Index(face, g, &v) == 0;
        cid[g] = v;
    }
    if (face) FT_Done_Face(face);
    if (lib) FT_Done_FreeType(lib);
    if (!ok) {
        free(cid);
        return NULL;
    }
    return cid;
}

/* What nb_pdf_font_prepare makes for nb_pdf_font_attach: the subset and everything
 * derived from it.  Owned by the nb_pdf_font until attached or freed. */
struct nb_pdf_font_prep {
    hb_subset_input_t *input;
    hb_subset_plan_t *plan;
    hb_face_t *sub;
    hb_blob_t *blob, *cff; /* holding prog */
    const char *prog;      /* the font program (in blob/cff or the cache entry) */
    unsigned plen, sub_glyphs;
    nb_packed packed; /* the font program as the stream will hold it */
    uint32_t *newgid; /* per used glyph */
    uint32_t *subcid; /* CID of each subset glyph (CID-keyed CFF) */
    code_gid *cg;     /* used glyphs by code */
    size_t ncg;
    unsigned char *cidset; /* PDF/A */
    size_t cidset_len;
    nb_buf cmap;
    const subset_entry *hit;
    bool pdfa;
};

/* Releases what hb-subset made once the program is packed: with every face prepared
 * before any is attached, holding them all would keep several megabytes alive. */
static void prep_release_subset(nb_pdf_font_prep *p)
{
    hb_blob_destroy(p->cff);
    hb_blob_destroy(p->blob);
    hb_face_destroy(p->sub);
    hb_subset_plan_destroy(p->plan);
    hb_subset_input_destroy(p->input);
    p->cff = p->blob = NULL;
    p->sub = NULL;
    p->plan = NULL;
    p->input = NULL;
    p->prog = NULL;
}

static void prep_free(nb_pdf_font_prep *p)
{
    if (!p) return;
    prep_release_subset(p);
    free(p->newgid);
    free(p->subcid);
    free(p->cg);
    free(p->cidset);
    nb_buf_free(&p->cmap);
    nb_packed_free(&p->packed);
    free(p);
}

/* One bit per CID the subset holds, CID 0 included, most significant bit first. */
static bool build_cidset(nb_pdf_font_prep *p, bool cid_keyed)
{
    uint32_t maxcid = 0;
    for (unsigned g = 0; g < p->sub_glyphs; g++) {
        uint32_t cid = cid_keyed ? p->subcid[g] : g;
        if (cid > maxcid) maxcid = cid;
    }
    p->cidset_len = maxcid / 8 + 1;
    if (!(p->cidset = calloc(p->cidset_len, 1))) return false;
    for (unsigned g = 0; g < p->sub_glyphs; g++) {
        uint32_t cid = cid_keyed ? p->subcid[g] : g;
        p->cidset[cid / 8] |= (unsigned char)(0x80u >> (cid % 8));
    }
    return true;
}

nb_code nb_pdf_font_prepare(nb_pdf_font *pf, bool pdfa, bool compress, nb_status *st)
{
    const nb_font *f = pf->font;
    const char *fname = f->path ? f->path : "font";
    if (pf->embedded || pf->prep) return NB_OK;
    nb_pdf_font_prep *p = calloc(1, sizeof *p);
    if (!p) return nb_fail(st, NB_ERR_NOMEM, "out of memory embedding %s", fname);
    pf->prep = p;
    p->pdfa = pdfa;

    /* 1. Subset with hb-subset, or take the subset made for the same glyphs before (batch
     * runs). */
    qsort(pf->g, pf->nused, sizeof *pf->g, cmp_use);
    if (!rehash(pf, pf->hcap) || !(p->newgid = malloc(sizeof *p->newgid * pf->nused)))
        return nb_fail(st, NB_ERR_NOMEM, "out of memory embedding %s", fname);
    if (nb_font_reused(f)) p->hit = subset_cache_find(f, pf->g, pf->nused, pdfa);
    if (p->hit) {
        p->prog = (const char *)p->hit->prog;
        p->plen = p->hit->plen;
        p->sub_glyphs = p->hit->sub_glyphs;
        memcpy(p->newgid, p->hit->newgid, pf->nused * sizeof *p->newgid);
    } else {
        unsigned flags = 0;
        double t_sub = nb_now_ms();
        hb_face_t *source = nb_font_subset_source((nb_font *)f, &flags); /* made on first use */
        if (!source)
            return nb_fail(st, NB_ERR_NOMEM, "%s: cannot prepare the face for subsetting", fname);
        if (!(p->input = hb_subset_input_create_or_fail()))
            return nb_fail(st, NB_ERR_NOMEM, "%s: out of memory creating the subset input", fname);
        hb_set_t *gset = hb_subset_input_glyph_set(p->input);
        for (size_t i = 0; i < pf->nused; i++)
            hb_set_add(gset, pf->g[i].gid);
        static const hb_tag_t drop[] = {
            HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
            HB_TAG('B', 'A', 'S', 'E'), HB_TAG('J', 'S', 'T', 'F'), HB_TAG('M', 'A', 'T', 'H'),
            HB_TAG('k', 'e', 'r', 'n'), HB_TAG('D', 'S', 'I', 'G'), HB_TAG('v', 'h', 'e', 'a'),
            HB_TAG('v', 'm', 't', 'x'), HB_TAG('V', 'O', 'R', 'G'),
        };
        hb_set_t *dset = hb_subset_input_set(p->input, HB_SUBSET_SETS_DROP_TABLE_TAG);
        for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
            hb_set_add(dset, drop[i]);
        hb_subset_input_set_flags(p->input, flags);
        if (!(p->plan = hb_subset_plan_create_or_fail(source, p->input)))
            return nb_fail(st, NB_ERR_FONT, "%s: hb-subset cannot plan the subset", fname);
        const hb_map_t *old2new = hb_subset_plan_old_to_new_glyph_mapping(p->plan);
        if (!(p->sub = hb_subset_plan_execute_or_fail(p->plan)))
            return nb_fail(st, NB_ERR_FONT, "%s: hb-subset failed to subset the face", fname);
        /* A CFF font embeds the bare CFF table: take it alone rather than have HarfBuzz
         * assemble (copy, pad, checksum) a whole OpenType file around it. */
        if (f->is_cff) {
            p->cff = hb_face_reference_table(p->sub, HB_TAG('C', 'F', 'F', ' '));
            p->prog = hb_blob_get_data(p->cff, &p->plen);
            if (!p->prog || p->plen == 0)
                return nb_fail(st, NB_ERR_FONT, "%s: the subset has no CFF table", fname);
        } else {
            p->blob = hb_face_reference_blob(p->sub);
            p->prog = hb_blob_get_data(p->blob, &p->plen);
            if (!p->prog || p->plen == 0)
                return nb_fail(st, NB_ERR_FONT, "%s: hb-subset produced an empty font", fname);
        }
        p->sub_glyphs = hb_face_get_glyph_count(p->sub);
        for (size_t i = 0; i < pf->nused; i++)
            p->newgid[i] = hb_map_get(old2new, pf->g[i].gid);
        ((nb_font *)f)->subset_ms += nb_now_ms() - t_sub;
        ((nb_font *)f)->subsets++;
    }

    /* 2. Codes and widths: the subset's glyph ids, or for CID-keyed CFF each glyph's CID,
     * read back from hb-subset's output. */
    bool cid_keyed = f->is_cff && f->is_cid_keyed;
    bool oom = false;
    if (cid_keyed && !p->hit && !(p->subcid = subset_cids(p->prog, p->plen, p->sub_glyphs, &oom)))
        return oom ? nb_fail(st, NB_ERR_NOMEM, "out of memory embedding %s", fname)
                   : nb_fail(st, NB_ERR_FONT, "%s: cannot read the CIDs of the subset font", fname);
    if (!(p->cg = calloc(pf->nused ? pf->nused : 1, sizeof *p->cg)))
        return nb_fail(st, NB_ERR_NOMEM, "out of memory embedding %s", fname);
    for (size_t i = 0; i < pf->nused; i++) {
        glyph_use *u = &pf->g[i];
        hb_codepoint_t ng = p->newgid[i];
        if (ng == HB_MAP_VALUE_INVALID)
            return nb_fail(st, NB_ERR_FONT, "%s: glyph %u was dropped by the subsetter", fname,
                           (unsigned)u->gid);
        uint32_t code = ng;
        if (p->hit) {
            code = p->hit->code[i];
        } else if (cid_keyed) {
            if (ng >= p->sub_glyphs)
                return nb_fail(st, NB_ERR_FONT, "%s: no CID for glyph %u in the subset", fname,
                               (unsigned)ng);
            code = p->subcid[ng];
        }
        if (code > 0xFFFF)
            return nb_fail(st, NB_ERR_FONT, "%s: code %u does not fit 2 bytes", fname,
                           (unsigned)code);
        u->code = code;
        u->width = scale1000(f, hb_font_get_glyph_h_advance(f->hb_font, u->gid));
        p->cg[p->ncg].code = code;
        p->cg[p->ncg].gid = (uint32_t)i;
        p->ncg++;
    }
    qsort(p->cg, p->ncg, sizeof *p->cg, cmp_code);

    /* 3. Subset tag from the glyph set: FNV-1a over the name and the sorted glyph ids. */
    uint64_t h = 1469598103934665603ull;
    const char *ps = f->postscript_name ? f->postscript_name : "";
    for (const char *c = ps; *c; c++)
        h = (h ^ (unsigned char)*c) * 1099511628211ull;
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

    /* 4. ToUnicode, and the CIDSet for PDF/A. */
    build_tounicode(pf, p->cg, p->ncg, &p->cmap);
    if (p->cmap.oom)
        return nb_fail(st, NB_ERR_NOMEM, "out of memory building ToUnicode for %s", fname);
    if (pdfa && !p->hit && !build_cidset(p, cid_keyed))
        return nb_fail(st, NB_ERR_NOMEM, "out of memory building CIDSet for %s", fname);

    /* 5. The program as the stream holds it; a batch keeps the subset for later documents
     * (this face's cache, touched by this thread only). */
    nb_code rc = nb_pack_font(compress, p->prog, p->plen, &p->packed, st);
    if (rc != NB_OK) return rc;
    if (!p->hit && nb_font_reused(f))
        subset_cache_put((nb_font *)f, pf->g, pf->nused, p->prog, p->plen, p->sub_glyphs, p->newgid,
                         p->cidset, p->cidset_len);
    prep_release_subset(p);
    return NB_OK;
}

nb_code nb_pdf_font_attach(nb_pdf_font *pf, nb_hpdf *h, nb_packer *pk, HPDF_MD5_CTX *md5,
                           nb_status *st)
{
    const nb_font *f = pf->font;
    nb_pdf_font_prep *p = pf->prep;
    nb_code rc = NB_OK;
    if (pf->embedded) return NB_OK;
    if (!p) return nb_fail(st, NB_ERR_PDF, "PDF writer: font attached before it was prepared");
    if (md5) {
        /* The font program is a function of the face and the glyph set: feed those, not
         * its hundreds of kilobytes (MD5 of the program took a tenth of a batch). */
        unsigned char id[64];
        size_t il = face_identity(f, id);
        HPDF_MD5Update(md5, id, (HPDF_UINT32)il);
        HPDF_MD5Update(md5, (const HPDF_BYTE *)&p->plen, sizeof p->plen);
        for (size_t i = 0; i < pf->nused; i++) {
            unsigned char b[4] = {(unsigned char)(pf->g[i].gid >> 24),
                                  (unsigned char)(pf->g[i].gid >> 16),
                                  (unsigned char)(pf->g[i].gid >> 8), (unsigned char)pf->g[i].gid};
            HPDF_MD5Update(md5, b, 4);
        }
        HPDF_MD5Update(md5, (const HPDF_BYTE *)p->cmap.p, (HPDF_UINT32)p->cmap.len);
    }

    /* 6. Objects. */
    HPDF_Dict file = nb_hpdf_stream_dict(h);
    if (!file) goto hpdf_error;
    if (f->is_cff) {
        if (HPDF_Dict_AddName(file, "Subtype", "CIDFontType0C") != HPDF_OK) goto hpdf_error;
    } else if (HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)p->plen) != HPDF_OK) {
        goto hpdf_error;
    }
    rc = nb_pdf_stream_put_packed(h, file, &p->packed, "a font program", st);
    if (rc != NB_OK) goto done;
    HPDF_Dict desc = nb_hpdf_dict(h, true);
    if (!desc) goto hpdf_error;
    HPDF_Array bbox = nb_hpdf_array(h);
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

    if (p->pdfa) {
        const unsigned char *cs_bytes = p->hit ? p->hit->cidset : p->cidset;
        size_t cs_len = p->hit ? p->hit->cidset_len : p->cidset_len;
        HPDF_Dict cs = nb_hpdf_stream_dict(h);
        if (!cs || HPDF_Dict_Add(desc, "CIDSet", cs) != HPDF_OK) goto hpdf_error;
        rc = nb_pdf_stream_put(pk, h, cs, cs_bytes, cs_len, "a CIDSet", st);
        if (rc != NB_OK) goto done;
    }

    HPDF_Dict sysinfo = nb_hpdf_dict(h, false);
    if (!sysinfo || HPDF_Dict_Add(sysinfo, "Registry", nb_hpdf_ascii(h, "Adobe")) ||
        HPDF_Dict_Add(sysinfo, "Ordering", nb_hpdf_ascii(h, "Identity")) ||
        HPDF_Dict_AddNumber(sysinfo, "Supplement", 0))
        goto hpdf_error;

    HPDF_Array w = nb_hpdf_array(h);
    if (!w || build_widths(h, pf, p->cg, p->ncg, w) != HPDF_OK) goto hpdf_error;

    HPDF_Dict cid = nb_hpdf_dict(h, true);
    if (!cid || HPDF_Dict_AddName(cid, "Type", "Font") != HPDF_OK ||
        HPDF_Dict_AddName(cid, "Subtype", f->is_cff ? "CIDFontType0" : "CIDFontType2") != HPDF_OK ||
        HPDF_Dict_AddName(cid, "BaseFont", pf->basefont) != HPDF_OK ||
        HPDF_Dict_Add(cid, "CIDSystemInfo", sysinfo) != HPDF_OK ||
        HPDF_Dict_Add(cid, "FontDescriptor", desc) != HPDF_OK ||
        HPDF_Dict_AddNumber(cid, "DW", 1000) != HPDF_OK || HPDF_Dict_Add(cid, "W", w) != HPDF_OK)
        goto hpdf_error;
    if (!f->is_cff && HPDF_Dict_AddName(cid, "CIDToGIDMap", "Identity") != HPDF_OK) goto hpdf_error;

    HPDF_Dict tu = nb_hpdf_stream_dict(h);
    if (!tu) goto hpdf_error;
    rc = nb_pdf_stream_put(pk, h, tu, p->cmap.p, p->cmap.len, "a ToUnicode CMap", st);
    if (rc != NB_OK) goto done;

    HPDF_Array desc_fonts = nb_hpdf_array(h);
    if (!desc_fonts || HPDF_Array_Add(desc_fonts, cid) != HPDF_OK) goto hpdf_error;
    HPDF_Dict t0 = nb_hpdf_dict(h, true);
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
    rc = nb_hpdf_fail(h, st, "build the font objects of %s", f->path ? f->path : "a font");
done:
    prep_free(p);
    pf->prep = NULL;
    return rc;
}
