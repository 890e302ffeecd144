/* settext.c — setting a paragraph into lines: shaping its runs, breaking and justifying
 * the lines, balancing a centred title's lines, and laying the glyphs out as boxes.
 *
 * nb_set_runs shapes each run with its own role's font chain into one glyph array (clusters
 * as byte offsets into the runs' concatenation), makes one line-breaking item per cluster
 * (full-width characters centred on the style's character grid, if any), breaks the lines
 * (linebreak.c), rebalances a centred title (balance_ends), and turns each line into boxes,
 * one per change of font, in the layout's arena; every box's text is the whole paragraph,
 * copied into the arena once.  Scratch memory is freed before returning, whatever the
 * outcome.  See settext.h.
 */
#include "settext.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "linebreak.h"

float nb_baseline_in_line(float pitch, float size)
{
    return (pitch - size) / 2 + 0.88f * size;
}

/* Balanced titles (and centred table cells, table.c).  A title of N lines (N as first-fit
 * breaking gives it) is split into N lines whose lengths are as equal as possible, preferring
 * word boundaries: the cost of a split is the sum over lines of |length - mean| in ems plus,
 * per break, 0 at a good point (after ）、，：》, and where the style's balance phrases say:
 * before a break_before phrase, after a break_after phrase), 6 inside a keep_together
 * phrase, 3 elsewhere; the split is refused between a number and its unit (2020年), between
 * 第 and a number, and inside a never_split phrase.  The phrases are the layout's (a
 * report's words: 政府信息公开, 人民政府, 县 …); the engine knows none.  Dynamic programming
 * over the allowed breaks; only for titles of at most BALANCE_MAX_ITEMS clusters and
 * BALANCE_MAX_LINES lines (longer text keeps first fit). */
enum { BALANCE_MAX_ITEMS = 400, BALANCE_MAX_LINES = 6 };

/* Whether items[start..] spell `ph`. */
static bool spells_at(const nb_lb_item *items, size_t n, size_t start, const nb_phrase *ph)
{
    if (start > n || ph->len > n - start) return false;
    for (size_t j = 0; j < ph->len; j++)
        if (items[start + j].cp != ph->cps[j]) return false;
    return true;
}

/* Whether one of `list` starts at item i (where = 0), ends just before it (where = 1), or
 * has a break before i strictly inside it (where = 2). */
static bool phrase_at(const nb_lb_item *items, size_t n, size_t i, const nb_phrases *list,
                      int where)
{
    for (size_t k = 0; k < list->count; k++) {
        const nb_phrase *ph = &list->items[k];
        if (where == 0 && spells_at(items, n, i, ph)) return true;
        if (where == 1 && ph->len <= i && spells_at(items, n, i - ph->len, ph)) return true;
        for (size_t j = 1; where == 2 && j < ph->len && j <= i; j++)
            if (spells_at(items, n, i - j, ph)) return true;
    }
    return false;
}

enum { PHRASE_STARTS, PHRASE_ENDS, PHRASE_AROUND };

/* Penalty in ems of a title break before item i; < 0: never here.  `bp`: the style's
 * phrases, or NULL for none. */
static float title_break_penalty(const nb_lb_item *items, size_t n, size_t i,
                                 const nb_balance_spec *bp)
{
    static const nb_balance_spec none = {0};
    if (!bp) bp = &none;
    uint32_t a = items[i - 1].cp, b = items[i].cp;
    bool a_digit = a >= '0' && a <= '9', b_digit = b >= '0' && b <= '9';
    if (a_digit && !b_digit && b >= 0x3000) return -1; /* 2020年, 60号 */
    if (a == 0x7B2C /* 第 */ && b_digit) return -1;
    if (phrase_at(items, n, i, &bp->never_split, PHRASE_AROUND)) return -1;
    if (phrase_at(items, n, i, &bp->break_before, PHRASE_STARTS)) return 0;
    if (phrase_at(items, n, i, &bp->keep_together, PHRASE_AROUND)) return 6;
    if (a == 0xFF09 || a == 0x3001 || a == 0xFF0C || a == 0xFF1A || a == 0x300B)
        return 0; /* ）、，：》 */
    if (phrase_at(items, n, i, &bp->break_after, PHRASE_ENDS)) return 0;
    return 3;
}

/* Chooses `nlines` line ends for a balanced title; false when it cannot (too long, or no
 * split fits the measure), and the caller keeps first fit. */
static bool balance_ends(const nb_lb_item *items, size_t n, const nb_lb_params *p, size_t nlines,
                         const nb_balance_spec *bp, size_t *ends)
{
    if (n > BALANCE_MAX_ITEMS || nlines < 2 || nlines > BALANCE_MAX_LINES) return false;
    /* Candidate ends: allowed primary breaks, and n. */
    size_t cand[BALANCE_MAX_ITEMS + 1], nc = 0;
    float pen[BALANCE_MAX_ITEMS + 1];
    double pre[BALANCE_MAX_ITEMS + 1];
    pre[0] = 0;
    for (size_t i = 0; i < n; i++)
        pre[i + 1] = pre[i] + items[i].width;
    for (size_t i = 1; i < n; i++) {
        if (nb_lb_break_class(items, n, i) != NB_LB_BREAK_PRIMARY) continue;
        float pe = title_break_penalty(items, n, i, bp);
        if (pe < 0) continue;
        cand[nc] = i;
        pen[nc++] = pe;
    }
    cand[nc] = n;
    pen[nc++] = 0;
    double mean = pre[n] / (double)nlines;
    /* cost[l][c]: best cost of lines 0..l with line l ending at cand[c]. */
    static const double INF = 1e30;
    double cost[BALANCE_MAX_LINES][BALANCE_MAX_ITEMS + 1];
    short from[BALANCE_MAX_LINES][BALANCE_MAX_ITEMS + 1];
    for (size_t l = 0; l < nlines; l++) {
        for (size_t c = 0; c < nc; c++) {
            cost[l][c] = INF;
            from[l][c] = -1;
            size_t e = cand[c];
            /* Line l starts at 0 (l == 0) or where line l - 1 ended, at cand[b]: nearest
             * start first, stopping at the first that makes the line too wide, so the work
             * is lines × candidates × candidates per line. */
            size_t nb = l == 0 ? 1 : c;
            for (size_t bi = 0; bi < nb; bi++) {
                size_t b = l == 0 ? 0 : c - 1 - bi;
                size_t s = l == 0 ? 0 : cand[b];
                double w = pre[e] - pre[s] + (s == 0 ? p->first_indent : 0);
                if (w > p->measure + 1e-3) break;
                double base = 0;
                if (l > 0) {
                    if (cost[l - 1][b] >= INF) continue;
                    base = cost[l - 1][b];
                }
                double cst = base + fabs(w - mean) / p->em + (e < n ? pen[c] : 0);
                /* ties: a longer line above a shorter one (自然 / 人, not 自 / 然人) */
                if (e < n && w < mean) cst += 0.01 * (mean - w) / p->em;
                if (cst < cost[l][c]) {
                    cost[l][c] = cst;
                    from[l][c] = (short)b;
                }
            }
        }
    }
    if (cost[nlines - 1][nc - 1] >= INF) return false;
    size_t c = nc - 1;
    for (size_t l = nlines; l-- > 0;) {
        ends[l] = cand[c];
        c = (size_t)from[l][c];
    }
    return true;
}

nb_code nb_set_text(nb_setter *s, const nb_style *style, const char *text, float measure,
                    float char_grid, nb_set_para *out, const char *where, nb_status *st)
{
    nb_text_run run = {text, strlen(text), NULL, where};
    return nb_set_runs(s, style, &run, 1, measure, char_grid, out, st);
}

/* Shapes each run with its own role's chain into one glyph array, clusters as byte offsets
 * into the runs' concatenation (run r starts at the sum of the lengths before it). */
static nb_code shape_runs(nb_setter *s, const nb_style *style, const nb_text_run *runs,
                          size_t nruns, nb_shaped *sh, nb_status *st)
{
    size_t off = 0;
    for (size_t r = 0; r < nruns; r++) {
        const nb_text_run *R = &runs[r];
        const nb_font_chain *chain;
        if (nb_fontset_chain(s->fs, R->font_role ? R->font_role : style->font_role, &chain, st)) {
            nb_status_prefix(st, "%s", R->where);
            return st->code;
        }
        s->where = R->where;
        nb_shaped part = {0};
        if (nb_shape(chain, R->text, R->len, &s->shape_opts, &part, st)) {
            nb_status_prefix(st, "%s", R->where);
            return st->code;
        }
        if (nruns == 1) {
            *sh = part;
            return NB_OK;
        }
        if (part.count > 0) {
            nb_glyph *g = realloc(sh->glyphs, (sh->count + part.count) * sizeof *g);
            if (!g) {
                nb_shaped_free(&part);
                return nb_fail(st, NB_ERR_NOMEM, "%s: out of memory", R->where);
            }
            sh->glyphs = g;
            for (size_t i = 0; i < part.count; i++) {
                g[sh->count + i] = part.glyphs[i];
                g[sh->count + i].cluster += (uint32_t)off;
            }
            sh->count += part.count;
        }
        nb_shaped_free(&part);
        off += R->len;
    }
    return NB_OK;
}

nb_code nb_set_runs(nb_setter *s, const nb_style *style, const nb_text_run *runs, size_t nruns,
                    float measure, float char_grid, nb_set_para *out, nb_status *st)
{
    memset(out, 0, sizeof *out);
    if (nruns == 0) return nb_fail(st, NB_ERR_INTERNAL, "nb_set_runs: no text runs");
    const char *where = runs[0].where;
    size_t len = 0;
    for (size_t r = 0; r < nruns; r++) {
        if (runs[r].len > UINT32_MAX - len)
            return nb_fail(st, NB_ERR_LIMIT, "%s: paragraph of more than 4 GB", runs[r].where);
        len += runs[r].len;
    }
    /* The paragraph's text, every run whole, in the arena: the boxes point into it. */
    char *tcopy = nb_arena_alloc(&s->out->arena, len + 1);
    if (!tcopy) return nb_fail(st, NB_ERR_NOMEM, "%s: out of memory", where);
    for (size_t r = 0, off = 0; r < nruns; off += runs[r].len, r++)
        if (runs[r].len) memcpy(tcopy + off, runs[r].text, runs[r].len);
    double t0 = nb_now_ms();
    nb_shaped sh = {0};
    if (shape_runs(s, style, runs, nruns, &sh, st)) {
        nb_shaped_free(&sh);
        return st->code;
    }
    s->where = where;
    double t1 = nb_now_ms();
    s->shape_ms += t1 - t0;
    float size = style->size;
    /* One item per cluster. */
    size_t nitems = 0;
    for (size_t i = 0; i < sh.count; i++)
        if (sh.glyphs[i].cluster_len > 0 || i == 0) nitems++;
    nb_lb_item *items = malloc((nitems ? nitems : 1) * sizeof *items);
    size_t *first = malloc((nitems + 1) * sizeof *first);         /* first glyph of each item */
    float *shift = malloc((nitems ? nitems : 1) * sizeof *shift); /* grid centring */
    nb_lb_result lb = {0};
    nb_code rc = NB_OK;
    if (!items || !first || !shift) {
        rc = nb_fail(st, NB_ERR_NOMEM, "%s: out of memory", where);
        goto done;
    }
    size_t k = 0;
    for (size_t i = 0; i < sh.count; i++) {
        const nb_glyph *g = &sh.glyphs[i];
        if (g->cluster_len > 0 || i == 0) {
            first[k] = i;
            items[k].cp = g->cp;
            items[k].width = 0;
            shift[k] = 0;
            k++;
        }
        items[k - 1].width += g->advance * size;
    }
    first[nitems] = sh.count;
    if (char_grid > 0) {
        for (size_t i = 0; i < nitems; i++) {
            if (items[i].width >= 0.9f * size) {
                shift[i] = (char_grid - items[i].width) / 2;
                items[i].width = char_grid;
            }
        }
    }
    float char_w = char_grid > 0 ? char_grid : size;
    nb_lb_params p = {
        .measure = measure - style->right_indent_chars * char_w,
        .first_indent = style->indent_chars * char_w,
        .em = size,
        .justify = style->align == NB_ALIGN_JUSTIFY,
        .compress_punct = true,
        .hang_punct = style->hang_punct,
        .cjk_latin_gap = style->cjk_latin_gap,
    };
    if (p.measure < char_w) p.measure = char_w;
    if (nb_linebreak(items, nitems, &p, &lb, st)) {
        nb_status_prefix(st, "%s", where);
        rc = st->code;
        goto done;
    }
    /* A centred title with balance: the same number of lines, of near equal length,
     * broken at word boundaries where it can (see balance_ends). */
    if (style->balance && lb.nlines > 1 && style->align == NB_ALIGN_CENTER) {
        size_t ends[BALANCE_MAX_LINES];
        if (balance_ends(items, nitems, &p, lb.nlines, style->balance_phrases, ends)) {
            nb_lb_result r2 = {0};
            /* Out of memory, or ends it refuses (balance_ends takes allowed breaks only:
             * NB_ERR_INTERNAL), fails the paragraph: first fit is not quietly kept. */
            if (nb_lb_set_lines(items, nitems, &p, ends, lb.nlines, &r2, st)) {
                nb_status_prefix(st, "%s", where);
                rc = st->code;
                goto done;
            }
            nb_lb_result_free(&lb);
            lb = r2;
        }
    }
    s->linebreak_ms += nb_now_ms() - t1;
    out->lines = nb_arena_alloc(&s->out->arena, (lb.nlines ? lb.nlines : 1) * sizeof *out->lines);
    if (!out->lines) {
        rc = nb_fail(st, NB_ERR_NOMEM, "out of memory");
        goto done;
    }
    out->nlines = lb.nlines;
    for (size_t li = 0; li < lb.nlines; li++) {
        const nb_lb_line *L = &lb.lines[li];
        nb_set_line *SL = &out->lines[li];
        SL->width = L->width;
        float x0 = 0;
        float avail = measure - style->right_indent_chars * char_w;
        if (style->align == NB_ALIGN_CENTER)
            x0 = (avail - L->width) / 2;
        else if (style->align == NB_ALIGN_RIGHT)
            x0 = avail - L->width;
        if (x0 < 0) x0 = 0;
        /* Count runs (changes of font) to size the box array. */
        size_t g0 = L->start < nitems ? first[L->start] : sh.count;
        size_t g1 = L->end <= nitems ? first[L->end] : sh.count;
        size_t nboxes = 0;
        for (size_t g = g0; g < g1; g++)
            if (g == g0 || sh.glyphs[g].font != sh.glyphs[g - 1].font) nboxes++;
        SL->boxes = nb_arena_alloc(&s->out->arena, (nboxes ? nboxes : 1) * sizeof *SL->boxes);
        nb_box_glyph *gl = nb_arena_alloc(&s->out->arena, (g1 - g0 + 1) * sizeof *gl);
        if (!SL->boxes || !gl) {
            rc = nb_fail(st, NB_ERR_NOMEM, "out of memory");
            goto done;
        }
        nb_box *box = NULL;
        for (size_t it = L->start; it < L->end; it++) {
            /* lb.x is where the item's glyphs start (a mark compressed on its left is
             * already moved left by what it lost). */
            float pen = x0 + lb.x[it] + shift[it];
            for (size_t g = first[it]; g < first[it + 1]; g++) {
                const nb_glyph *G = &sh.glyphs[g];
                if (box == NULL || box->font != nb_fontset_font(s->fs, G->font)) {
                    box = &SL->boxes[SL->nboxes++];
                    box->kind = NB_BOX_TEXT;
                    box->font = nb_fontset_font(s->fs, G->font);
                    box->size = size;
                    box->text = tcopy;
                    box->glyphs = gl;
                    box->nglyphs = 0;
                }
                nb_box_glyph *bg = &box->glyphs[box->nglyphs++];
                gl++;
                bg->gid = G->gid;
                bg->x = pen + G->x_offset * size;
                bg->dy = G->y_offset * size;
                bg->text_off = G->cluster;
                bg->text_len = G->cluster_len;
                pen += G->advance * size;
            }
        }
    }
done:
    nb_lb_result_free(&lb);
    free(items);
    free(first);
    free(shift);
    nb_shaped_free(&sh);
    return rc;
}
