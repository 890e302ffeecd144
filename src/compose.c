#include "compose.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "clock.h"
#include "flow.h"
#include "jsonin.h"

float nb_baseline_in_line(float pitch, float size)
{
    return (pitch - size) / 2 + 0.88f * size;
}

nb_flow_item *nb_flow_add(nb_layout *l, nb_flow *f)
{
    if (f->count == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 256;
        nb_flow_item *it =
            nb_arena_grow(&l->arena, f->items, f->cap * sizeof *it, cap * sizeof *it);
        if (!it) return NULL;
        f->items = it;
        f->cap = cap;
    }
    nb_flow_item *it = &f->items[f->count++];
    memset(it, 0, sizeof *it);
    return it;
}

bool nb_format_value(const cJSON *v, const char *format, nb_buf *out, char *err, size_t nerr)
{
    if (format && strcmp(format, "date-zh") == 0) {
        int y, m, d;
        char tail;
        if (!cJSON_IsString(v) || sscanf(v->valuestring, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
            m < 1 || m > 12 || d < 1 || d > 31) {
            snprintf(err, nerr, "expected a date \"YYYY-MM-DD\"");
            return false;
        }
        nb_buf_printf(out, "%d年%d月%d日", y, m, d);
        return true;
    }
    if (cJSON_IsNull(v)) /* a blank cell: printed as nothing, never as 0 */
        return true;
    if (cJSON_IsString(v)) { /* text, or an amount written as a decimal string: as written */
        nb_buf_str(out, v->valuestring);
        return true;
    }
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (!isfinite(d)) {
            snprintf(err, nerr, "expected a finite number");
            return false;
        }
        if (d == floor(d) && fabs(d) < 9007199254740992.0)
            nb_buf_printf(out, "%.0f", d);
        else
            nb_buf_printf(out, "%.15g", d);
        return true;
    }
    if (cJSON_IsObject(v)) {
        const cJSON *val = cJSON_GetObjectItemCaseSensitive(v, "value");
        const cJSON *unit = cJSON_GetObjectItemCaseSensitive(v, "unit");
        if (cJSON_IsNull(val) && cJSON_IsString(unit)) /* a blank amount: no lone unit */
            return true;
        if ((cJSON_IsNumber(val) || cJSON_IsString(val)) && cJSON_IsString(unit)) {
            if (!nb_format_value(val, NULL, out, err, nerr)) return false;
            nb_buf_str(out, unit->valuestring);
            return true;
        }
    }
    snprintf(err, nerr,
             "expected a string, a number, null or {\"value\": number or decimal string, "
             "\"unit\": string}");
    return false;
}

const char *nb_value_text(nb_layout *l, const cJSON *v, const char *format, char *err, size_t nerr,
                          nb_status *st)
{
    if (!format && cJSON_IsString(v)) return v->valuestring;
    nb_buf b = {0};
    if (!nb_format_value(v, format, &b, err, nerr)) {
        nb_buf_free(&b);
        return NULL;
    }
    char *t = b.oom ? NULL : nb_arena_strndup(&l->arena, b.p ? b.p : "", b.len);
    nb_buf_free(&b);
    if (!t) nb_fail(st, NB_ERR_NOMEM, "out of memory");
    return t;
}

/* ---- setting text into lines ------------------------------------------------------ */

/* Balanced titles (and centred table cells, table.c).  A title of N lines (N as first-fit breaking
 * gives it) is split into N lines whose lengths are as equal as possible, preferring word
 * boundaries: the cost of a split is the sum over lines of |length - mean| in ems plus, per break,
 * 0 at a good point (after ）、，：》, after an administrative unit such as 县/镇/人民政府, after
 * 年度, before the standard phrases 政府信息公开 / 工作年度报告), 6 inside one of those phrases, 3
 * elsewhere, and the split is refused between a number and its unit (2020年) or inside
 * 年度.  Dynamic programming over the allowed breaks; only for titles of at most
 * BALANCE_MAX_ITEMS clusters and BALANCE_MAX_LINES lines (longer text keeps first fit). */
enum { BALANCE_MAX_ITEMS = 400, BALANCE_MAX_LINES = 6 };

/* Whether the items just before `i` (after=true) or from `i` on spell `utf8`. */
static bool items_spell(const nb_lb_item *items, size_t n, size_t i, const char *utf8, bool after)
{
    uint32_t cps[16];
    size_t k = 0;
    for (const unsigned char *u = (const unsigned char *)utf8; *u && k < 16; k++) {
        if (*u < 0x80)
            cps[k] = *u++;
        else if (*u < 0xE0)
            cps[k] = (uint32_t)(*u & 0x1F) << 6 | (u[1] & 0x3F), u += 2;
        else if (*u < 0xF0)
            cps[k] = (uint32_t)(*u & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F),
            u += 3;
        else
            cps[k] = (uint32_t)(*u & 0x07) << 18 | (uint32_t)(u[1] & 0x3F) << 12 |
                     (uint32_t)(u[2] & 0x3F) << 6 | (u[3] & 0x3F),
            u += 4;
    }
    size_t start = after ? i - (k <= i ? k : i) : i;
    if (after ? k > i : i + k > n) return false;
    for (size_t j = 0; j < k; j++)
        if (items[start + j].cp != cps[j]) return false;
    return true;
}

static bool inside_phrase(const nb_lb_item *items, size_t n, size_t i, const char *phrase,
                          size_t len)
{
    /* A break at i lies strictly inside `phrase` (len code points) when the phrase starts
     * at i - j for some 0 < j < len. */
    for (size_t j = 1; j < len && j <= i; j++)
        if (items_spell(items, n, i - j, phrase, false)) return true;
    return false;
}

/* Penalty in ems of a title break before item i; < 0: never here. */
static float title_break_penalty(const nb_lb_item *items, size_t n, size_t i)
{
    uint32_t a = items[i - 1].cp, b = items[i].cp;
    bool a_digit = a >= '0' && a <= '9', b_digit = b >= '0' && b <= '9';
    if (a_digit && !b_digit && b >= 0x3000) return -1; /* 2020年, 60号 */
    if (a == 0x7B2C /* 第 */ && b_digit) return -1;
    if (a == 0x5E74 /* 年 */ && b == 0x5EA6 /* 度 */) return -1;
    static const char *const good_before[] = {"政府信息公开", "工作年度报告", "年度报告", "关于"};
    static const char *const good_after[] = {"人民政府", "年度", "委员会", "办公室", "办公厅",
                                             "管理局",   "街道", "省",     "市",     "县",
                                             "区",       "镇",   "乡",     "局"};
    for (size_t k = 0; k < sizeof good_before / sizeof *good_before; k++)
        if (items_spell(items, n, i, good_before[k], false)) return 0;
    if (inside_phrase(items, n, i, "政府信息公开", 6) ||
        inside_phrase(items, n, i, "工作年度报告", 6))
        return 6;
    if (a == 0xFF09 || a == 0x3001 || a == 0xFF0C || a == 0xFF1A || a == 0x300B)
        return 0; /* ）、，：》 */
    for (size_t k = 0; k < sizeof good_after / sizeof *good_after; k++)
        if (items_spell(items, n, i, good_after[k], true)) return 0;
    return 3;
}

/* Chooses `nlines` line ends for a balanced title; false when it cannot (too long, or no
 * split fits the measure), and the caller keeps first fit. */
static bool balance_ends(const nb_lb_item *items, size_t n, const nb_lb_params *p, size_t nlines,
                         size_t *ends)
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
        float pe = title_break_penalty(items, n, i);
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
    if (nruns == 0) return nb_fail(st, NB_ERR_USAGE, "nb_set_runs: no text runs");
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
        if (balance_ends(items, nitems, &p, lb.nlines, ends)) {
            nb_lb_result r2 = {0};
            if (nb_lb_set_lines(items, nitems, &p, ends, lb.nlines, &r2, st) == NB_OK) {
                nb_lb_result_free(&lb);
                lb = r2;
            } else {
                nb_status_clear(st);
            }
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

/* ---- blocks → flow ---------------------------------------------------------------- */

/* Lines of what follows a heading (keep_with_next) that stay on the heading's page. */
enum { KEEP_AFTER_HEADING = 2 };

typedef struct composer {
    const nb_layout_spec *spec;
    const cJSON *data;
    const char *data_name;
    nb_setter set;
    nb_flow flow;
    float measure;
    int keep_lines; /* lines (or table rows) still to come that no page break may precede:
                       a heading keeps KEEP_AFTER_HEADING of what follows with it */
} composer;

/* Adds a paragraph made of runs (one for plain text; a run-in sub-heading and its text). */
static nb_code add_para_runs(composer *c, const nb_style *style, const nb_text_run *runs,
                             size_t nruns, bool keep_with_previous, const char *outline,
                             int outline_level, bool block_together, nb_status *st)
{
    float grid = style->grid_chars > 0 ? c->measure / (float)style->grid_chars : 0;
    nb_set_para para;
    if (nb_set_runs(&c->set, style, runs, nruns, c->measure, grid, &para, st)) return st->code;
    nb_layout *l = c->set.out;
    if (style->space_before > 0) {
        nb_flow_item *sp = nb_flow_add(l, &c->flow);
        if (!sp) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
        sp->kind = NB_FLOW_SPACE;
        sp->height = style->space_before;
        sp->break_before = c->keep_lines == 0 && !keep_with_previous;
    }
    size_t n = para.nlines;
    bool together = style->keep_together || block_together;
    for (size_t i = 0; i < n; i++) {
        nb_flow_item *it = nb_flow_add(l, &c->flow);
        if (!it) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
        it->kind = NB_FLOW_LINE;
        it->height = style->line_pitch;
        it->snap = style->snap_to_grid;
        if (i == 0)
            it->break_before =
                c->keep_lines == 0 && !keep_with_previous && style->space_before <= 0;
        else
            it->break_before = !together && i >= 2 && n - i >= 2 && c->keep_lines == 0;
        if (i == 0 && style->space_before > 0) it->break_before = false;
        float base = nb_baseline_in_line(style->line_pitch, style->size);
        it->boxes = para.lines[i].boxes;
        it->nboxes = para.lines[i].nboxes;
        for (size_t b = 0; b < it->nboxes; b++) {
            it->boxes[b].y = base;
            for (size_t g = 0; g < it->boxes[b].nglyphs; g++)
                it->boxes[b].glyphs[g].x += c->spec->margin_left;
        }
        if (i == 0 && outline) {
            it->outline_title = outline;
            it->outline_level = outline_level;
        }
        if (c->keep_lines > 0) c->keep_lines--;
    }
    if (style->keep_with_next) c->keep_lines = KEEP_AFTER_HEADING;
    if (style->space_after > 0) {
        nb_flow_item *sp = nb_flow_add(l, &c->flow);
        if (!sp) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
        sp->kind = NB_FLOW_SPACE;
        sp->height = style->space_after;
        sp->break_before = false;
    }
    return NB_OK;
}

static nb_code add_para(composer *c, const nb_style *style, const char *text, const char *where,
                        bool keep_with_previous, const char *outline, int outline_level,
                        bool block_together, nb_status *st)
{
    nb_text_run run = {text, strlen(text), NULL, where};
    return add_para_runs(c, style, &run, 1, keep_with_previous, outline, outline_level,
                         block_together, st);
}

static nb_code missing(composer *c, const nb_block_spec *b, const char *path, const char *what,
                       nb_status *st)
{
    return nb_fail(st, NB_ERR_DATA, "%s: $.%s: %s (the layout %s puts it at $.%s)", c->data_name,
                   path, what, c->spec->path, b->json_path);
}

/* An object item of a flow: {"heading": H} is a sub-heading set alone in the block's
 * heading_style; {"heading": H, "text": T} a paragraph that begins with its sub-heading
 * (run-in): H in heading_style's fonts, then T, one paragraph in the block's style (its
 * size, indent, justification, grid and keep rules). */
static nb_code add_flow_object(composer *c, const nb_block_spec *b, const nb_style *style,
                               const cJSON *p, const char *where, bool keep_with_previous,
                               nb_status *st)
{
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(p, "heading");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(p, "text");
    int known = (h != NULL) + (t != NULL);
    for (const cJSON *k = p->child; k; k = k->next)
        if (strcmp(k->string, "heading") != 0 && strcmp(k->string, "text") != 0)
            return nb_fail(st, NB_ERR_DATA,
                           "%s.%s: unknown key (a section item is a paragraph string, "
                           "{\"heading\": string} or {\"heading\": string, \"text\": string})",
                           where, k->string);
    if (cJSON_GetArraySize(p) != known)
        return nb_fail(st, NB_ERR_DATA, "%s: \"heading\" or \"text\" given twice", where);
    if (!h)
        return nb_fail(st, NB_ERR_DATA,
                       "%s.heading: missing (a section item with \"text\" is a paragraph "
                       "that begins with its sub-heading; write a plain string for a paragraph "
                       "without one)",
                       where);
    if (!cJSON_IsString(h))
        return nb_fail(st, NB_ERR_DATA, "%s.heading: expected a string (the sub-heading)", where);
    const nb_style *hs = nb_layout_style(c->spec, b->heading_style);
    char hwhere[640], twhere[640]; /* messages' prefixes */
    snprintf(hwhere, sizeof hwhere, "%s.heading", where);
    snprintf(twhere, sizeof twhere, "%s.text", where);
    if (!t) return add_para(c, hs, h->valuestring, hwhere, keep_with_previous, NULL, 0, false, st);
    if (!cJSON_IsString(t))
        return nb_fail(st, NB_ERR_DATA,
                       "%s: expected a string (the paragraph after the run-in sub-heading)",
                       twhere);
    nb_text_run runs[2] = {
        {h->valuestring, strlen(h->valuestring), hs->font_role, hwhere},
        {t->valuestring, strlen(t->valuestring), NULL, twhere},
    };
    return add_para_runs(c, style, runs, 2, keep_with_previous, NULL, 0, false, st);
}

/* A block kept with the previous one keeps its last `k` lines too: no page break before
 * any of the last k - 1 items already in the flow (widow control gives 2 anyway). */
static void keep_last_lines(composer *c, int k)
{
    int seen = 0;
    for (size_t i = c->flow.count; i-- > 0 && seen < k - 1;) {
        nb_flow_item *it = &c->flow.items[i];
        if (it->kind == NB_FLOW_SPACE) continue;
        it->break_before = false;
        seen++;
    }
}

static nb_code compose_block(composer *c, const nb_block_spec *b, nb_status *st)
{
    if (b->keep_with_previous && b->keep_last_lines > 1) keep_last_lines(c, b->keep_last_lines);
    const nb_style *style = nb_layout_style(c->spec, b->style);
    char where[600]; /* a message's prefix: file and JSON path */
    char err[200];
    switch (b->kind) {
    case NB_BLOCK_TEXT:
        snprintf(where, sizeof where, "%s: $.%s", c->spec->path, b->json_path);
        return add_para(c, style, b->text, where, b->keep_with_previous,
                        b->outline ? b->text : NULL, b->outline, false, st);
    case NB_BLOCK_VALUE: {
        const cJSON *v = nb_json_at(c->data, b->value);
        if (!v) return b->optional ? NB_OK : missing(c, b, b->value, "missing", st);
        if (!cJSON_IsString(v)) return missing(c, b, b->value, "expected a string", st);
        snprintf(where, sizeof where, "%s: $.%s", c->data_name, b->value);
        return add_para(c, style, v->valuestring, where, b->keep_with_previous,
                        b->outline ? v->valuestring : NULL, b->outline, false, st);
    }
    case NB_BLOCK_PARAGRAPHS:
    case NB_BLOCK_FLOW: {
        const cJSON *arr = nb_json_at(c->data, b->value);
        if (!arr) return b->optional ? NB_OK : missing(c, b, b->value, "missing", st);
        if (!cJSON_IsArray(arr))
            return missing(c, b, b->value, "expected an array of paragraphs", st);
        int i = 0;
        bool first = true;
        for (const cJSON *p = arr->child; p; p = p->next, i++) {
            snprintf(where, sizeof where, "%s: $.%s[%d]", c->data_name, b->value, i);
            bool kwp = first && b->keep_with_previous;
            first = false;
            if (cJSON_IsString(p)) {
                if (add_para(c, style, p->valuestring, where, kwp, NULL, 0, false, st))
                    return st->code;
                continue;
            }
            if (b->kind == NB_BLOCK_FLOW && cJSON_IsObject(p)) {
                if (add_flow_object(c, b, style, p, where, kwp, st)) return st->code;
                continue;
            }
            return nb_fail(st, NB_ERR_DATA, "%s: expected %s", where,
                           b->kind == NB_BLOCK_FLOW
                               ? "a paragraph string, {\"heading\": string} or {\"heading\": "
                                 "string, \"text\": string}"
                               : "a paragraph string");
        }
        return NB_OK;
    }
    case NB_BLOCK_LINES: {
        bool first = true;
        /* An optional block (the signature) is left out whole when a value it needs is absent. */
        for (size_t i = 0; b->optional && i < b->nlines; i++)
            if (b->lines[i].value && !nb_json_at(c->data, b->lines[i].value)) return NB_OK;
        for (size_t i = 0; i < b->nlines; i++) {
            const nb_line_spec *ls = &b->lines[i];
            const char *text = ls->text;
            if (ls->value) {
                const cJSON *v = nb_json_at(c->data, ls->value);
                if (!v) return missing(c, b, ls->value, "missing", st);
                text = nb_value_text(c->set.out, v, ls->format, err, sizeof err, st);
                if (!text) return st->code ? st->code : missing(c, b, ls->value, err, st);
                snprintf(where, sizeof where, "%s: $.%s", c->data_name, ls->value);
            } else {
                snprintf(where, sizeof where, "%s: $.%s.lines[%zu]", c->spec->path, b->json_path,
                         i);
            }
            /* Lines of a block stay together. */
            if (add_para(c, style, text, where, first ? b->keep_with_previous : true, NULL, 0, true,
                         st))
                return st->code;
            first = false;
        }
        return NB_OK;
    }
    case NB_BLOCK_TABLE: {
        nb_table_layout *t;
        if (nb_table_build(&c->set, c->spec, b, c->data, c->data_name, &t, st)) return st->code;
        size_t n = nb_table_nrows(t);
        float block_h = c->spec->page_h - c->spec->margin_top - c->spec->margin_bottom;
        for (size_t r = 0; r < n; r++) {
            nb_flow_item *it = nb_flow_add(c->set.out, &c->flow);
            if (!it) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
            it->kind = NB_FLOW_ROW;
            it->table = t;
            it->row = r;
            it->height = nb_table_row_height(t, r);
            /* No page ends on a header row (the table's or a group's), a break inside a
             * group leaves two of its rows on each side, and one inside a span leaves its
             * label room for its text on both pages (nb_table_break_ok).  A heading keeps
             * two rows. */
            it->break_before =
                c->keep_lines == 0 && nb_table_break_ok(t, r) && (r > 0 || !b->keep_with_previous);
            if (c->keep_lines > 0) c->keep_lines--;
            /* A row taller than a page (with the repeated header rows) is cut into pieces
             * at line boundaries; only then is a row split. */
            float cap = block_h - nb_table_repeat_for(t, r, block_h).height;
            if (cap < block_h / 4) cap = block_h / 4;
            float h = it->height, off = 0.0f;
            if (h <= cap + 0.01f) continue;
            bool first_bb = it->break_before;
            for (;;) {
                float cut = h - off <= cap + 0.01f ? h : nb_table_row_cut(t, r, off, cap);
                it->row_off = off;
                it->height = cut - off;
                it->break_before = off > 0.0f ? true : first_bb;
                off = cut;
                if (off >= h - 0.01f) break;
                it = nb_flow_add(c->set.out, &c->flow);
                if (!it) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
                it->kind = NB_FLOW_ROW;
                it->table = t;
                it->row = r;
            }
        }
        return NB_OK;
    }
    }
    return NB_OK;
}

/* Font fallback and missing characters, noted in verbose output. */
static void shape_notice(void *ctx, uint32_t cp, size_t byte_offset, const nb_font *used)
{
    const nb_setter *set = ctx;
    char utf8[8] = {0};
    if (cp < 0x80)
        utf8[0] = (char)cp;
    else if (cp < 0x800)
        utf8[0] = (char)(0xC0 | cp >> 6), utf8[1] = (char)(0x80 | (cp & 0x3F));
    else if (cp < 0x10000)
        utf8[0] = (char)(0xE0 | cp >> 12), utf8[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
        utf8[2] = (char)(0x80 | (cp & 0x3F));
    else
        utf8[0] = (char)(0xF0 | cp >> 18), utf8[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
        utf8[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), utf8[3] = (char)(0x80 | (cp & 0x3F));
    if (used)
        fprintf(set->verbose,
                "nianbao: note: %s: U+%04X '%s' (byte %zu) taken from the fallback "
                "font %s\n",
                set->where, cp, utf8, byte_offset, used->postscript_name);
    else
        fprintf(set->verbose,
                "nianbao: warning: %s: U+%04X '%s' (byte %zu) is in no font; drawn "
                "as .notdef\n",
                set->where, cp, utf8, byte_offset);
}

nb_code nb_compose(const nb_layout_spec *spec, const cJSON *data, nb_fontset *fs,
                   const nb_compose_opts *opts, nb_layout *out, nb_compose_timing *timing,
                   nb_status *st)
{
    nb_layout_init(out);
    composer c = {0};
    c.spec = spec;
    c.data = data;
    c.data_name = opts && opts->data_name ? opts->data_name : "data";
    c.set.fs = fs;
    c.set.out = out;
    c.set.shape_opts.language = "zh-Hans";
    c.set.shape_opts.allow_missing = opts && opts->allow_missing_glyphs;
    c.set.verbose = opts ? opts->verbose : NULL;
    if (c.set.verbose) {
        c.set.shape_opts.notice = shape_notice;
        c.set.shape_opts.notice_ctx = &c.set;
    }
    c.measure = spec->page_w - spec->margin_left - spec->margin_right;
    if (!cJSON_IsObject(data)) {
        nb_fail(st, NB_ERR_DATA, "%s: $: expected a JSON object", c.data_name);
        goto fail;
    }
    for (size_t i = 0; i < spec->nblocks; i++)
        if (compose_block(&c, &spec->blocks[i], st)) goto fail;
    double t0 = nb_now_ms();
    if (nb_paginate(spec, &c.set, &c.flow, out, st)) goto fail;
    if (timing) {
        timing->shape_ms = c.set.shape_ms;
        timing->linebreak_ms = c.set.linebreak_ms;
        timing->paginate_ms = nb_now_ms() - t0;
    }
    return NB_OK;
fail:
    nb_layout_free(out);
    return st->code;
}
