/* shape.c — itemize UTF-8 by font coverage along a chain, shape runs with HarfBuzz.
 *
 * One pass over the text: each code point is given the first face of the chain that maps
 * it (marks, variation selectors and joiners stay with their base's face); a run of equal
 * faces is shaped as soon as it ends, with the whole text as context so that HarfBuzz's
 * clusters are byte offsets into the text.  One hb_buffer per call; the output array grows
 * by doubling.  Time and memory are linear in the text.  See shape.h for the contract.
 *
 * A report shapes the same short texts again and again (table labels, "0" in a hundred
 * cells) and a batch the same paragraphs in every report, so results are kept per chain
 * (chain->shape_cache) keyed by the text and the options, up to SHAPE_CACHE_MAX bytes a
 * chain, and copied out on a hit.  Not with a notice callback (it must see every fallback)
 * and not for chains built by hand (nobody would free the cache).
 */
#include "shape.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <harfbuzz/hb.h>

/* Characters that belong to the preceding base character's face. */
static bool joins_base(uint32_t cp)
{
    if (cp == 0x200D || cp == 0x200C) return true;   /* ZWJ, ZWNJ */
    if (cp >= 0xFE00 && cp <= 0xFE0F) return true;   /* VS1..16 */
    if (cp >= 0xE0100 && cp <= 0xE01EF) return true; /* VS17..256 */
    if (cp >= 0x180B && cp <= 0x180F) return true;   /* Mongolian FVS */
    if (cp >= 0x1F3FB && cp <= 0x1F3FF) return true; /* emoji modifiers */
    if (cp >= 0xE0020 && cp <= 0xE007F) return true; /* tags */
    return false;
}

static bool is_mark(uint32_t cp)
{
    if (cp < 0x300) return false;
    hb_unicode_general_category_t gc =
        hb_unicode_general_category(hb_unicode_funcs_get_default(), cp);
    return gc == HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK ||
           gc == HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK ||
           gc == HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK;
}

/* Long runs are shaped in pieces, HarfBuzz seeing the text around each piece as context:
 * some shapers take time quadratic in a run (Thai SARA AM repeated 350,000 times took 90 s).
 * A piece ends before a space or a Han character once it has 4 KB, before any base
 * character once it has 16 KB. */
static bool cut_before(uint32_t cp, size_t run_bytes)
{
    if (run_bytes < 4096 || joins_base(cp) || is_mark(cp)) return false;
    return run_bytes >= 16384 || cp == 0x20 || cp == 0x3000 || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x4E00 && cp <= 0x9FFF);
}

typedef struct shaper {
    const nb_font_chain *chain;
    const char *text;
    size_t len;
    hb_buffer_t *buf;
    hb_language_t lang;
    nb_glyph *glyphs;
    size_t count, cap;
} shaper;

static bool reserve(shaper *sh, size_t more)
{
    if (sh->count + more <= sh->cap) return true;
    size_t cap = sh->cap ? sh->cap : 64;
    while (cap < sh->count + more)
        cap *= 2;
    nb_glyph *g = realloc(sh->glyphs, cap * sizeof *g);
    if (!g) return false;
    sh->glyphs = g;
    sh->cap = cap;
    return true;
}

/* Sets a narrow Western quote (or dash, ellipsis) in a full em. */
static void widen(nb_glyph *g)
{
    if (g->advance >= 0.9f) return;
    float extra = 1.0f - g->advance;
    switch (g->cp) {
    case 0x201C: /* “ */
    case 0x2018: /* ‘ */
        g->x_offset += extra;
        break;
    case 0x201D: /* ” */
    case 0x2019: /* ’ */
        break;
    case 0x2014: /* — */
    case 0x2026: /* … */
        g->x_offset += extra / 2;
        break;
    default:
        return;
    }
    g->advance = 1.0f;
}

static bool wants_full_em(uint32_t cp)
{
    return cp == 0x201C || cp == 0x201D || cp == 0x2018 || cp == 0x2019 || cp == 0x2014 ||
           cp == 0x2026;
}

static nb_code shape_run(shaper *sh, size_t start, size_t end, size_t face, nb_status *st)
{
    const nb_font *f = sh->chain->fonts[face];
    hb_buffer_t *buf = sh->buf;
    hb_buffer_clear_contents(buf);
    hb_buffer_set_direction(buf, HB_DIRECTION_LTR);
    hb_buffer_set_language(buf, sh->lang);
    hb_buffer_set_cluster_level(buf, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_GRAPHEMES);
    hb_buffer_flags_t flags = HB_BUFFER_FLAG_REMOVE_DEFAULT_IGNORABLES;
    if (start == 0) flags |= HB_BUFFER_FLAG_BOT;
    if (end == sh->len) flags |= HB_BUFFER_FLAG_EOT;
    hb_buffer_set_flags(buf, flags);
    hb_buffer_add_utf8(buf, sh->text, (int)sh->len, (unsigned)start, (int)(end - start));
    hb_buffer_guess_segment_properties(buf);
    if (!hb_buffer_allocation_successful(buf))
        return nb_fail(st, NB_ERR_NOMEM, "out of memory shaping %zu bytes of text", end - start);
    hb_shape(f->hb_font, buf, NULL, 0);
    if (!hb_buffer_allocation_successful(buf))
        return nb_fail(st, NB_ERR_NOMEM, "out of memory shaping %zu bytes of text", end - start);

    unsigned n = 0;
    const hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &n);
    const hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, NULL);
    if (!reserve(sh, n))
        return nb_fail(st, NB_ERR_NOMEM, "out of memory shaping %zu bytes of text", end - start);
    float em = 1.0f / (float)f->units_per_em;
    const unsigned char *u = (const unsigned char *)sh->text;
    for (unsigned i = 0; i < n; i++) {
        nb_glyph *g = &sh->glyphs[sh->count + i];
        uint32_t cl = info[i].cluster;
        g->gid = info[i].codepoint;
        g->font = (uint16_t)f->id;
        g->cluster = cl;
        g->advance = (float)pos[i].x_advance * em;
        g->x_offset = (float)pos[i].x_offset * em;
        g->y_offset = (float)pos[i].y_offset * em;
        g->cp = 0;
        nb_utf8_decode((const char *)u + cl, sh->len - cl, &g->cp);
        if (i > 0 && info[i - 1].cluster == cl) {
            g->cluster_len = 0;
            continue;
        }
        unsigned j = i + 1;
        while (j < n && info[j].cluster == cl)
            j++;
        size_t next = j < n ? info[j].cluster : end;
        g->cluster_len = (uint32_t)(next > cl ? next - cl : 0);
        /* one glyph for one lone quote character: set it in a full em */
        if (j == i + 1 && wants_full_em(g->cp) && g->cluster_len == 3) widen(g);
    }
    sh->count += n;
    return NB_OK;
}

/* ---- the cache ------------------------------------------------------------------------ */

#define SHAPE_CACHE_MAX (16u << 20)

typedef struct sc_entry {
    uint64_t hash;
    size_t text_off, len; /* the key text in sc->text */
    size_t glyph_off, nglyphs;
    bool allow_missing;
} sc_entry;

typedef struct shape_cache {
    uint32_t *slots; /* entry index + 1, 0 = empty */
    size_t nslots;
    sc_entry *e;
    size_t n, ecap;
    char *text;
    size_t tlen, tcap;
    nb_glyph *glyphs;
    size_t glen, gcap;
    size_t bytes;
} shape_cache;

static void sc_free(void *p)
{
    shape_cache *c = p;
    if (!c) return;
    free(c->slots);
    free(c->e);
    free(c->text);
    free(c->glyphs);
    free(c);
}

static uint64_t sc_hash(const char *s, size_t len, bool allow_missing)
{
    uint64_t h = 1469598103934665603ull ^ (allow_missing ? 0x9E3779B97F4A7C15ull : 0);
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h ^ len;
}

static size_t sc_slot(const shape_cache *c, uint64_t h, const char *s, size_t len, bool am)
{
    size_t i = (size_t)h & (c->nslots - 1);
    while (c->slots[i]) {
        const sc_entry *e = &c->e[c->slots[i] - 1];
        if (e->hash == h && e->len == len && e->allow_missing == am &&
            memcmp(c->text + e->text_off, s, len) == 0)
            break;
        i = (i + 1) & (c->nslots - 1);
    }
    return i;
}

static bool sc_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return true;
    size_t nc = *cap ? *cap : 256;
    while (nc < need)
        nc *= 2;
    void *np = realloc(*p, nc * elem);
    if (!np) return false;
    *p = np;
    *cap = nc;
    return true;
}

/* Keeps a result; silently does nothing when full or out of memory. */
static void sc_put(shape_cache *c, uint64_t h, const char *s, size_t len, bool am,
                   const nb_glyph *g, size_t ng)
{
    if (c->bytes + len + ng * sizeof *g > SHAPE_CACHE_MAX) return;
    if (2 * (c->n + 1) > c->nslots) {
        size_t ns = c->nslots ? c->nslots * 2 : 256;
        uint32_t *slots = calloc(ns, sizeof *slots);
        if (!slots) return;
        free(c->slots);
        c->slots = slots;
        c->nslots = ns;
        for (size_t i = 0; i < c->n; i++) {
            const sc_entry *e = &c->e[i];
            c->slots[sc_slot(c, e->hash, c->text + e->text_off, e->len, e->allow_missing)] =
                (uint32_t)i + 1;
        }
    }
    if (!sc_grow((void **)&c->e, &c->ecap, c->n + 1, sizeof *c->e) ||
        !sc_grow((void **)&c->text, &c->tcap, c->tlen + len + 1, 1) ||
        !sc_grow((void **)&c->glyphs, &c->gcap, c->glen + ng + 1, sizeof *c->glyphs))
        return;
    size_t slot = sc_slot(c, h, s, len, am);
    if (c->slots[slot]) return; /* already there */
    memcpy(c->text + c->tlen, s, len);
    if (ng) memcpy(c->glyphs + c->glen, g, ng * sizeof *g);
    c->e[c->n] = (sc_entry){h, c->tlen, len, c->glen, ng, am};
    c->tlen += len;
    c->glen += ng;
    c->bytes += len + ng * sizeof *g;
    c->slots[slot] = (uint32_t)++c->n;
}

static nb_code shape_uncached(const nb_font_chain *chain, const char *utf8, size_t len,
                              const nb_shape_opts *opts, nb_shaped *out, nb_status *st);

static bool is_default_language(const char *l)
{
    return !l || strcmp(l, "zh-Hans") == 0;
}

nb_code nb_shape(const nb_font_chain *chain, const char *utf8, size_t len,
                 const nb_shape_opts *opts, nb_shaped *out, nb_status *st)
{
    static const nb_shape_opts defaults = {0};
    if (!opts) opts = &defaults;
    bool cacheable = chain && chain->more && !opts->notice && len > 0 && len <= (1u << 20) &&
                     is_default_language(opts->language);
    if (!cacheable) return shape_uncached(chain, utf8, len, opts, out, st);
    nb_font_chain *ch = (nb_font_chain *)chain; /* the chain belongs to its fontset */
    if (!ch->shape_cache) {
        ch->shape_cache = calloc(1, sizeof(shape_cache));
        if (!ch->shape_cache) return shape_uncached(chain, utf8, len, opts, out, st);
        ch->shape_cache_free = sc_free;
    }
    shape_cache *c = ch->shape_cache;
    uint64_t h = sc_hash(utf8, len, opts->allow_missing);
    if (c->nslots) {
        uint32_t v = c->slots[sc_slot(c, h, utf8, len, opts->allow_missing)];
        if (v) {
            const sc_entry *e = &c->e[v - 1];
            out->count = e->nglyphs;
            out->glyphs = malloc((e->nglyphs ? e->nglyphs : 1) * sizeof *out->glyphs);
            if (!out->glyphs) {
                out->count = 0;
                return nb_fail(st, NB_ERR_NOMEM, "out of memory shaping %zu bytes of text", len);
            }
            if (e->nglyphs)
                memcpy(out->glyphs, c->glyphs + e->glyph_off, e->nglyphs * sizeof *out->glyphs);
            return NB_OK;
        }
    }
    nb_code rc = shape_uncached(chain, utf8, len, opts, out, st);
    if (rc == NB_OK) sc_put(c, h, utf8, len, opts->allow_missing, out->glyphs, out->count);
    return rc;
}

static nb_code shape_uncached(const nb_font_chain *chain, const char *utf8, size_t len,
                              const nb_shape_opts *opts, nb_shaped *out, nb_status *st)
{
    static const nb_shape_opts defaults = {0};
    if (!opts) opts = &defaults;
    out->glyphs = NULL;
    out->count = 0;
    const char *role = chain && chain->role ? chain->role : "?";
    if (!chain || chain->count == 0)
        return nb_fail(st, NB_ERR_FONT, "no font of role %s: its chain is empty", role);
    if (len > (size_t)INT32_MAX)
        return nb_fail(st, NB_ERR_LIMIT, "text of %zu bytes is too long to shape (limit 2 GB)",
                       len);
    if (len == 0) return NB_OK;

    shaper sh = {0};
    sh.chain = chain;
    sh.text = utf8;
    sh.len = len;
    sh.lang = hb_language_from_string(opts->language ? opts->language : "zh-Hans", -1);
    sh.buf = hb_buffer_create();
    if (!hb_buffer_allocation_successful(sh.buf) || !reserve(&sh, len / 3 + 16)) {
        hb_buffer_destroy(sh.buf);
        free(sh.glyphs);
        return nb_fail(st, NB_ERR_NOMEM, "out of memory shaping %zu bytes of text", len);
    }

    const unsigned char *u = (const unsigned char *)utf8;
    nb_code rc = NB_OK;
    size_t run_start = 0, run_face = 0, prev_face = 0;
    bool have_run = false;
    for (size_t i = 0; i < len && rc == NB_OK;) {
        uint32_t cp;
        size_t n = nb_utf8_decode((const char *)u + i, len - i, &cp);
        if (n == 0) {
            rc = nb_fail(st, NB_ERR_DATA, "invalid UTF-8 at byte offset %zu", i);
            break;
        }
        size_t face = SIZE_MAX; /* none yet */
        if (have_run &&
            (joins_base(cp) || (is_mark(cp) && nb_font_has_char(chain->fonts[prev_face], cp)))) {
            face = prev_face;
        } else {
            for (size_t k = 0; k < chain->count; k++)
                if (nb_font_has_char(chain->fonts[k], cp)) {
                    face = k;
                    break;
                }
            /* not in the faces open so far: open fallbacks one by one */
            while (face == SIZE_MAX && nb_font_chain_more(chain, st))
                if (nb_font_has_char(chain->fonts[chain->count - 1], cp)) face = chain->count - 1;
            if (st->code) {
                rc = st->code;
                break;
            }
        }
        if (face == SIZE_MAX) {
            if (!opts->allow_missing) {
                if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
                    rc = nb_fail(st, NB_ERR_FONT,
                                 "no font of role %s has U+%04X (a control character; byte "
                                 "offset %zu)",
                                 role, (unsigned)cp, i);
                else
                    rc = nb_fail(st, NB_ERR_FONT,
                                 "no font of role %s has U+%04X '%.*s' (byte offset %zu)", role,
                                 (unsigned)cp, (int)n, utf8 + i, i);
                break;
            }
            face = 0;
            if (opts->notice) opts->notice(opts->notice_ctx, cp, i, NULL);
        } else if (face > 0 && opts->notice) {
            opts->notice(opts->notice_ctx, cp, i, chain->fonts[face]);
        }
        if (!have_run) {
            have_run = true;
            run_start = i;
            run_face = face;
        } else if (face != run_face || cut_before(cp, i - run_start)) {
            rc = shape_run(&sh, run_start, i, run_face, st);
            run_start = i;
            run_face = face;
        }
        prev_face = face;
        i += n;
    }
    if (rc == NB_OK && have_run) rc = shape_run(&sh, run_start, len, run_face, st);
    hb_buffer_destroy(sh.buf);
    if (rc != NB_OK) {
        free(sh.glyphs);
        return rc;
    }
    out->glyphs = sh.glyphs;
    out->count = sh.count;
    return NB_OK;
}

void nb_shaped_free(nb_shaped *s)
{
    if (!s) return;
    free(s->glyphs);
    s->glyphs = NULL;
    s->count = 0;
}
