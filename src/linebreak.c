/* linebreak.c — Chinese line breaking (clreq), punctuation compression, justification.
 *
 * One pass builds prefix sums over the paragraph (natural widths, pair adjustments, the
 * compressible blanks of full-width punctuation) and a break class for every position;
 * then lines are set greedily, first fit, each line scanned once from its start to the
 * first item that overflows.  When the natural break there is forbidden the line is, in
 * order: hung (hang_punct, one ，。、), squeezed (compress its punctuation so one more
 * character fits), or broken earlier (oshidashi) — at the last allowed break, or inside a
 * URL at its own break points when pushing the whole URL would leave the line loose.  When
 * the item that overflows may start a line but is tied to closing marks after it (知》),
 * it and its marks are pushed in by squeezing rather than pushed out, when the squeeze that
 * shows is no more than the spread pushing out would leave (clreq prefers pushing in).  When
 * the item that overflows may start a line but squeezing it in takes less (at most a
 * quarter em) than spreading the line without it, the line is squeezed (least adjustment).
 * Squeezing never takes the left blank of a line's first item, so an opening mark that
 * starts a line starts at the line's edge, not left of the text block.
 * Justification spreads evenly, at most half an em a gap; a line needing more stays short.
 * All temporaries are freed here; the result arrays belong to the caller.
 */
#include "linebreak.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- character classes ------------------------------------------------------------ */

enum { PK_NONE, PK_OPEN, PK_CLOSE, PK_STOP, PK_OTHER };

static int punct_kind(uint32_t cp)
{
    switch (cp) {
    case 0xFF08:
    case 0x3010:
    case 0x300A:
    case 0x300C:
    case 0x300E:
    case 0x201C:
    case 0x2018:
    case 0x3014:
    case 0xFF3B:
    case 0xFF5B:
    case 0x3008:
    case 0x3016:
    case 0x3018:
        return PK_OPEN;
    case 0xFF09:
    case 0x3011:
    case 0x300B:
    case 0x300D:
    case 0x300F:
    case 0x201D:
    case 0x2019:
    case 0x3015:
    case 0xFF3D:
    case 0xFF5D:
    case 0x3009:
    case 0x3017:
    case 0x3019:
        return PK_CLOSE;
    case 0xFF0C:
    case 0x3002:
    case 0x3001:
    case 0xFF1B:
    case 0xFF1A:
    case 0xFF0E:
        return PK_STOP;
    case 0xFF1F:
    case 0xFF01:
    case 0x2026:
    case 0x22EF:
    case 0x2025:
    case 0x2014:
    case 0x2015:
    case 0x00B7:
    case 0x30FB:
    case 0x2027:
    case 0xFF5E:
    case 0x3000:
        return PK_OTHER;
    default:
        return PK_NONE;
    }
}

bool nb_lb_is_fullwidth_punct(uint32_t cp)
{
    return punct_kind(cp) != PK_NONE && cp != 0x3000;
}

bool nb_lb_no_start(uint32_t cp)
{
    switch (cp) {
    case 0xFF0C:
    case 0x3002:
    case 0x3001:
    case 0xFF1B:
    case 0xFF1A:
    case 0xFF1F:
    case 0xFF01:
    case 0xFF0E:
    case 0x2026:
    case 0x2025:
    case 0x22EF:
    case 0x00B7:
    case 0x30FB:
    case 0x2027:
    case ',':
    case '.':
    case ';':
    case ':':
    case '?':
    case '!':
    case ')':
    case ']':
    case '}':
        return true;
    default:
        return punct_kind(cp) == PK_CLOSE;
    }
}

bool nb_lb_no_end(uint32_t cp)
{
    return punct_kind(cp) == PK_OPEN || cp == '(' || cp == '[' || cp == '{';
}

static bool is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || (cp >= 0x2000 && cp <= 0x200A && cp != 0x2007) ||
           cp == 0x205F;
}

/* Never a break on either side of these. */
static bool is_glue(uint32_t cp)
{
    return cp == 0x00A0 || cp == 0x202F || cp == 0x2007 || cp == 0x2060 || cp == 0xFEFF ||
           cp == 0x200D;
}

/* Marks that belong to the item before them. */
static bool is_combining(uint32_t cp)
{
    return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
           (cp >= 0xE0100 && cp <= 0xE01EF) || (cp >= 0x1F3FB && cp <= 0x1F3FF) || cp == 0x20E3;
}

static bool is_latin_letter(uint32_t cp)
{
    return (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || (cp >= 0x370 && cp <= 0x52F);
}

/* Characters of a Latin/digit/URL run: no break inside but at the run's own points. */
static bool is_word(uint32_t cp)
{
    return (cp >= 0x21 && cp <= 0x7E) || is_latin_letter(cp);
}

static bool is_latin_alnum(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
           is_latin_letter(cp);
}

static bool is_han(uint32_t cp)
{
    return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF) ||
           (cp >= 0x3040 && cp <= 0x30FA) || (cp >= 0x30FC && cp <= 0x30FF) ||
           (cp >= 0xAC00 && cp <= 0xD7AF);
}

/* Not after '-': text extraction (pdftotext, portal indexers) takes a line-final hyphen for
 * a soft hyphen and drops it, so a URL broken there would be copied wrong. */
static bool is_url_break_after(uint32_t cp)
{
    return cp == '/' || cp == '.' || cp == '?';
}

static bool is_dash(uint32_t cp)
{
    return cp == 0x2014 || cp == 0x2015;
}

static bool is_ellipsis(uint32_t cp)
{
    return cp == 0x2026 || cp == 0x22EF;
}

/* ---- break classes ------------------------------------------------------------------ */

nb_lb_break nb_lb_break_class(const nb_lb_item *items, size_t n, size_t i)
{
    if (items == NULL || i == 0 || i >= n) return NB_LB_BREAK_NONE;
    uint32_t a = items[i - 1].cp, b = items[i].cp;
    if (is_combining(b) || is_glue(a) || is_glue(b)) return NB_LB_BREAK_NONE;
    if (is_space(b)) return NB_LB_BREAK_NONE; /* spaces stay at the end of the line */
    if (nb_lb_no_start(b) || nb_lb_no_end(a)) return NB_LB_BREAK_NONE;
    if ((is_dash(a) && is_dash(b)) || (is_ellipsis(a) && is_ellipsis(b))) return NB_LB_BREAK_NONE;
    if (is_space(a) || a == 0x200B) return NB_LB_BREAK_PRIMARY;
    if (is_word(a) && is_word(b))
        return is_url_break_after(a) && !is_url_break_after(b) ? NB_LB_BREAK_SECONDARY
                                                               : NB_LB_BREAK_NONE;
    return NB_LB_BREAK_PRIMARY;
}

bool nb_lb_break_allowed(const nb_lb_item *items, size_t n, size_t i)
{
    return nb_lb_break_class(items, n, i) != NB_LB_BREAK_NONE;
}

/* ---- widths ------------------------------------------------------------------------- */

/* Blank of a full-width mark on its left / right (half an em), or 0 when the mark is not
 * full-width (e.g. a Western quote glyph) or carries no blank. */
static float blank_left(const nb_lb_item *it, float em)
{
    if (punct_kind(it->cp) != PK_OPEN || it->width < 0.9f * em) return 0.0f;
    return 0.5f * em;
}

static float blank_right(const nb_lb_item *it, float em)
{
    int k = punct_kind(it->cp);
    if ((k != PK_CLOSE && k != PK_STOP) || it->width < 0.9f * em) return 0.0f;
    return 0.5f * em;
}

/* Compression of the pair (a, b) when they share a line: half an em taken from a's right
 * blank, or (opening after opening) from b's left blank.  *right says which. */
static float pair_comp(const nb_lb_item *a, const nb_lb_item *b, const nb_lb_params *p, bool *right)
{
    *right = true;
    if (!p->compress_punct) return 0.0f;
    float em = p->em;
    int ka = punct_kind(a->cp), kb = punct_kind(b->cp);
    if (ka == PK_NONE || ka == PK_OTHER || kb == PK_NONE || kb == PK_OTHER) return 0.0f;
    float r = blank_right(a, em);
    if (r > 0.0f && (blank_left(b, em) > 0.0f || blank_right(b, em) > 0.0f)) return r;
    float l = blank_left(b, em);
    if (l > 0.0f && ka == PK_OPEN) {
        *right = false;
        return l;
    }
    return 0.0f;
}

static float latin_gap(const nb_lb_item *a, const nb_lb_item *b, const nb_lb_params *p)
{
    if (p->cjk_latin_gap <= 0.0f) return 0.0f;
    if ((is_han(a->cp) && is_latin_alnum(b->cp)) || (is_latin_alnum(a->cp) && is_han(b->cp)))
        return p->cjk_latin_gap * p->em;
    return 0.0f;
}

/* ---- the paragraph ------------------------------------------------------------------ */

typedef struct para {
    const nb_lb_item *items;
    size_t n;
    const nb_lb_params *p;
    double *q;    /* [n+1] q[k]: width of items [0, k) set as one line (pair adjustments in) */
    uint8_t *cls; /* [n+1] break class before i */
} para;

/* Adjustment of the pair (i, i+1) when both are on one line: gap minus compression. */
static double pair_adj(const para *g, size_t i)
{
    bool right;
    const nb_lb_item *a = &g->items[i], *b = &g->items[i + 1];
    return (double)latin_gap(a, b, g->p) - (double)pair_comp(a, b, g->p, &right);
}

/* End of [s, e) without its trailing spaces.  Costs the spaces it walks over, which lie
 * inside the line being set, so the scan stays linear overall. */
static size_t trimmed(const para *g, size_t s, size_t e)
{
    while (e > s && is_space(g->items[e - 1].cp))
        e--;
    return e;
}

/* Set width of items [s, e) with in-line pair adjustments, trailing spaces dropped. */
static double span_width(const para *g, size_t s, size_t e)
{
    size_t t = trimmed(g, s, e);
    if (t <= s) return 0.0;
    return g->q[t] - g->q[s] - (s > 0 ? pair_adj(g, s - 1) : 0.0);
}

/* Blank left in [s, e) after pair compression: what squeezing may still take.  Never the
 * left blank of the line's first item: an opening mark squeezed there would start left of
 * the text block. */
static double span_squeezable(const para *g, size_t s, size_t e)
{
    const nb_lb_item *it = g->items;
    float em = g->p->em;
    size_t t = trimmed(g, s, e);
    double sum = 0.0;
    for (size_t i = s; i < t; i++) {
        sum += (i > s ? blank_left(&it[i], em) : 0.0f) + blank_right(&it[i], em);
        if (i + 1 < t) {
            bool right;
            sum -= pair_comp(&it[i], &it[i + 1], g->p, &right);
        }
    }
    return sum;
}

static size_t span_gaps(const para *g, size_t s, size_t e)
{
    size_t t = trimmed(g, s, e);
    return t > s ? t - s - 1 : 0;
}

enum { MODE_NORMAL, MODE_SQUEEZE, MODE_HANG };

/* The most a justified line is spread between two items, in ems. */
#define MAX_SPREAD_EM 0.5

typedef struct builder {
    nb_lb_line *lines;
    size_t nlines, cap;
    float *x, *w; /* while a line is set, x holds the compression taken from an item's
                     left and w that from its right */
} builder;

static bool push_line(builder *b, size_t s, size_t e, float width, bool last)
{
    if (b->nlines == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        nb_lb_line *nl = realloc(b->lines, cap * sizeof *nl);
        if (nl == NULL) return false;
        b->lines = nl;
        b->cap = cap;
    }
    b->lines[b->nlines++] = (nb_lb_line){s, e, width, last};
    return true;
}

/* Positions items [s, e) as one line and records it. */
static bool set_line(const para *g, builder *b, size_t s, size_t e, int mode, bool last, float x0,
                     float avail)
{
    const nb_lb_params *p = g->p;
    const nb_lb_item *it = g->items;
    size_t hang_at = (mode == MODE_HANG) ? e - 1 : e; /* the hanging item, if any */
    size_t t = trimmed(g, s, hang_at);

    for (size_t i = s; i < e; i++)
        b->x[i] = b->w[i] = 0.0f;
    for (size_t i = s; i + 1 < t; i++) {
        bool right;
        float c = pair_comp(&it[i], &it[i + 1], p, &right);
        if (right)
            b->w[i] += c;
        else
            b->x[i + 1] += c;
    }
    double content = span_width(g, s, t);

    if (mode == MODE_SQUEEZE && content > avail) {
        double need = content - avail;
        /* The line-end mark's trailing blank goes first, and whole: it is invisible anyway,
         * and so the mark's ink ends at the measure (a justified line spreads what is left). */
        float r = blank_right(&it[t - 1], p->em) - b->w[t - 1];
        if (r > 0.0f) {
            b->w[t - 1] += r;
            need -= r;
        }
        /* The line's first item keeps its left blank (see span_squeezable). */
        double avail_blank = 0.0;
        for (size_t i = s; i < t; i++)
            avail_blank += (i > s ? blank_left(&it[i], p->em) - b->x[i] : 0.0) +
                           (blank_right(&it[i], p->em) - b->w[i]);
        if (need > 0.0 && avail_blank > 0.0) {
            double f = need / avail_blank;
            if (f > 1.0) f = 1.0;
            for (size_t i = s; i < t; i++) {
                if (i > s) b->x[i] += (float)(f * (blank_left(&it[i], p->em) - b->x[i]));
                b->w[i] += (float)(f * (blank_right(&it[i], p->em) - b->w[i]));
            }
        }
        content = 0.0;
        for (size_t i = s; i < t; i++) {
            content += it[i].width - b->x[i] - b->w[i];
            if (i + 1 < t) content += latin_gap(&it[i], &it[i + 1], p);
        }
    }

    double per = 0.0;
    bool stretch = p->justify && !last;
    if (stretch && t > s + 1 && content < avail) per = (avail - content) / (double)(t - s - 1);
    /* Bounded: a line that would need more (a long unbreakable run pushed to the next line,
     * few items) stays short rather than letter-spaced. */
    bool capped = per > MAX_SPREAD_EM * p->em;
    if (capped) per = MAX_SPREAD_EM * p->em;

    double pen = x0;
    for (size_t i = s; i < t; i++) {
        float lc = b->x[i], rc = b->w[i];
        b->x[i] = (float)(pen - lc);
        b->w[i] = it[i].width - lc - rc;
        pen += b->w[i];
        if (i + 1 < t) pen += latin_gap(&it[i], &it[i + 1], p) + per;
    }
    float width = (float)pen;
    if (per > 0.0 && !capped) width = x0 + avail; /* exact, whatever the rounding */
    for (size_t i = t; i < hang_at; i++) {        /* trailing spaces: no width at the line end */
        b->x[i] = width;
        b->w[i] = 0.0f;
    }
    if (mode == MODE_HANG) {
        b->x[hang_at] = width;
        b->w[hang_at] = it[hang_at].width;
    }
    return push_line(b, s, e, width, last);
}

static bool is_hangable(uint32_t cp)
{
    return cp == 0xFF0C || cp == 0x3002 || cp == 0x3001;
}

static nb_code break_lines(const para *g, builder *b, nb_status *st)
{
    const nb_lb_params *p = g->p;
    const nb_lb_item *it = g->items;
    size_t n = g->n;
    const double eps = 1e-3;
    size_t s = 0;
    while (s < n) {
        float x0 = (s == 0) ? p->first_indent : 0.0f;
        double avail = (double)p->measure - x0;
        size_t last_p = 0, last_s = 0, j = s;
        for (; j < n; j++) {
            if (j > s) {
                if (g->cls[j] == NB_LB_BREAK_PRIMARY) last_p = j;
                if (g->cls[j] == NB_LB_BREAK_SECONDARY) last_s = j;
            }
            if (!is_space(it[j].cp) && span_width(g, s, j + 1) > avail + eps) break;
        }
        size_t e;
        int mode = MODE_NORMAL;
        if (j == n) {
            e = n;
        } else if (j == s) {
            e = s + 1; /* one item wider than the line: it goes alone */
        } else if (g->cls[j] == NB_LB_BREAK_PRIMARY) {
            e = j;
            /* Push in rather than out (clreq): item j is tied to closing marks after it
             * (知》, 知》，) and pushing it out would leave the line short.  When squeezing
             * the line's punctuation makes room for all of them — the line-end mark's
             * trailing blank goes first, unseen — and the squeeze that shows is no more
             * than the spread pushing out would need, they stay on this line. */
            size_t k = j + 1;
            while (k < n && g->cls[k] == NB_LB_BREAK_NONE && k <= j + 3 && nb_lb_no_start(it[k].cp))
                k++;
            if (p->compress_punct && k > j + 1 && (k == n || g->cls[k] != NB_LB_BREAK_NONE)) {
                double width = span_width(g, s, k);
                double shown = width - blank_right(&it[k - 1], p->em) - avail;
                double loose = avail - span_width(g, s, j);
                if (width - span_squeezable(g, s, k) <= avail + eps && shown <= loose + eps) {
                    e = k;
                    mode = MODE_SQUEEZE;
                }
            }
            /* Least adjustment: when item j overflows by less than the stretch the line
             * would need without it (and by no more than its punctuation can give, a
             * quarter em at most), squeeze it in instead of spreading the line. */
            k = j + 1;
            if (mode == MODE_NORMAL && p->compress_punct &&
                (k == n || g->cls[k] != NB_LB_BREAK_NONE)) {
                double over = span_width(g, s, k) - avail;
                double loose = avail - span_width(g, s, j);
                if (over > 0.0 && over < loose && over <= 0.25 * p->em &&
                    over <= span_squeezable(g, s, k)) {
                    e = k;
                    mode = MODE_SQUEEZE;
                }
            }
        } else {
            e = 0;
            if (g->cls[j] == NB_LB_BREAK_NONE) {
                /* Hang one ，。、 past the measure. */
                if (p->hang_punct && is_hangable(it[j].cp) &&
                    (j + 1 == n || g->cls[j + 1] != NB_LB_BREAK_NONE)) {
                    e = j + 1;
                    mode = MODE_HANG;
                }
                /* Squeeze the punctuation so the next one or two items fit. */
                for (size_t k = j + 1; p->compress_punct && e == 0 && k <= j + 2 && k <= n; k++) {
                    if (k < n && g->cls[k] == NB_LB_BREAK_NONE) continue;
                    if (span_width(g, s, k) - span_squeezable(g, s, k) <= avail + eps) {
                        e = k;
                        mode = MODE_SQUEEZE;
                    }
                    break;
                }
            }
            if (e == 0) {
                /* Oshidashi: break earlier.  Inside a URL prefer its own break points
                 * when pushing it whole would leave the line loose. */
                if (last_p > s) {
                    e = last_p;
                    if (last_s > last_p) {
                        size_t gaps = span_gaps(g, s, last_p);
                        double loose = avail - span_width(g, s, last_p);
                        if (gaps == 0 || loose / (double)gaps > 0.5 * p->em) e = last_s;
                    }
                } else if (last_s > s) {
                    e = last_s;
                } else {
                    e = j; /* nothing allowed: break where it overflows */
                }
            }
        }
        if (!set_line(g, b, s, e, mode, e == n, x0, (float)avail))
            return nb_fail(st, NB_ERR_NOMEM, "linebreak: out of memory for %zu lines",
                           b->nlines + 1);
        s = e;
    }
    return NB_OK;
}

void nb_lb_result_free(nb_lb_result *r)
{
    if (r == NULL) return;
    free(r->lines);
    free(r->x);
    free(r->w);
    memset(r, 0, sizeof *r);
}

static nb_code check_input(const nb_lb_item *items, size_t n, const nb_lb_params *p,
                           nb_lb_result *out, nb_status *st)
{
    if (out == NULL || p == NULL)
        return nb_fail(st, NB_ERR_INTERNAL, "linebreak: no parameters or no result given");
    memset(out, 0, sizeof *out);
    if (!isfinite(p->measure) || p->measure <= 0.0f)
        return nb_fail(st, NB_ERR_LAYOUT, "linebreak: measure is %g pt (expected > 0)",
                       (double)p->measure);
    if (!isfinite(p->em) || p->em <= 0.0f)
        return nb_fail(st, NB_ERR_LAYOUT, "linebreak: em is %g pt (expected > 0)", (double)p->em);
    if (!isfinite(p->first_indent) || !isfinite(p->cjk_latin_gap))
        return nb_fail(st, NB_ERR_LAYOUT, "linebreak: first_indent or cjk_latin_gap not finite");
    if (n == 0) return NB_OK;
    if (items == NULL) return nb_fail(st, NB_ERR_INTERNAL, "linebreak: %zu items but no array", n);
    if (n > (SIZE_MAX / sizeof(double)) - 1)
        return nb_fail(st, NB_ERR_LIMIT, "linebreak: paragraph of %zu items is too long", n);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(items[i].width) || items[i].width < 0.0f)
            return nb_fail(st, NB_ERR_LAYOUT,
                           "linebreak: item %zu (U+%04X) has width %g (expected >= 0)", i,
                           (unsigned)items[i].cp, (double)items[i].width);
    return NB_OK;
}

static nb_code empty_result(nb_lb_result *out, nb_status *st)
{
    out->lines = malloc(sizeof *out->lines);
    if (out->lines == NULL) return nb_fail(st, NB_ERR_NOMEM, "linebreak: out of memory");
    out->lines[0] = (nb_lb_line){0, 0, 0.0f, true};
    out->nlines = 1;
    return NB_OK;
}

/* Builds the prefix sums and break classes, then either breaks the lines (ends == NULL) or
 * sets them at the given ends. */
static nb_code run(const nb_lb_item *items, size_t n, const nb_lb_params *p, const size_t *ends,
                   size_t nends, nb_lb_result *out, nb_status *st)
{
    para g = {items, n, p, NULL, NULL};
    builder b = {0};
    g.q = malloc((n + 1) * sizeof *g.q);
    g.cls = malloc(n + 1);
    b.x = malloc(n * sizeof *b.x);
    b.w = malloc(n * sizeof *b.w);
    nb_code rc = NB_OK;
    if (!g.q || !g.cls || !b.x || !b.w) {
        rc = nb_fail(st, NB_ERR_NOMEM, "linebreak: out of memory for %zu items", n);
        goto done;
    }

    g.q[0] = 0.0;
    g.cls[0] = NB_LB_BREAK_NONE;
    g.cls[n] = NB_LB_BREAK_PRIMARY;
    for (size_t i = 0; i < n; i++) {
        g.q[i + 1] = g.q[i] + items[i].width + (i > 0 ? pair_adj(&g, i - 1) : 0.0);
        if (i > 0) g.cls[i] = (uint8_t)nb_lb_break_class(items, n, i);
    }

    if (ends == NULL) {
        rc = break_lines(&g, &b, st);
    } else {
        size_t s = 0;
        for (size_t k = 0; k < nends && rc == NB_OK; k++) {
            float x0 = (s == 0) ? p->first_indent : 0.0f;
            float avail = p->measure - x0;
            int mode =
                span_width(&g, s, ends[k]) > (double)avail + 1e-3 ? MODE_SQUEEZE : MODE_NORMAL;
            if (!set_line(&g, &b, s, ends[k], mode, k + 1 == nends, x0, avail))
                rc = nb_fail(st, NB_ERR_NOMEM, "linebreak: out of memory for %zu lines", k + 1);
            s = ends[k];
        }
    }
    if (rc == NB_OK) {
        out->lines = b.lines;
        out->nlines = b.nlines;
        out->x = b.x;
        out->w = b.w;
        b.lines = NULL;
        b.x = b.w = NULL;
    }
done:
    free(g.q);
    free(g.cls);
    free(b.lines);
    free(b.x);
    free(b.w);
    return rc;
}

nb_code nb_linebreak(const nb_lb_item *items, size_t n, const nb_lb_params *p, nb_lb_result *out,
                     nb_status *st)
{
    if (check_input(items, n, p, out, st)) return st->code;
    if (n == 0) return empty_result(out, st);
    return run(items, n, p, NULL, 0, out, st);
}

nb_code nb_lb_set_lines(const nb_lb_item *items, size_t n, const nb_lb_params *p,
                        const size_t *ends, size_t nends, nb_lb_result *out, nb_status *st)
{
    if (check_input(items, n, p, out, st)) return st->code;
    if (n == 0) return empty_result(out, st);
    if (ends == NULL || nends == 0 || ends[nends - 1] != n)
        return nb_fail(st, NB_ERR_INTERNAL, "linebreak: the given line ends do not end at item %zu",
                       n);
    for (size_t k = 0; k < nends; k++)
        if (ends[k] == 0 || (k > 0 && ends[k] <= ends[k - 1]) ||
            (ends[k] < n && !nb_lb_break_allowed(items, n, ends[k])))
            return nb_fail(st, NB_ERR_INTERNAL,
                           "linebreak: line end %zu (item %zu) is not an allowed break", k,
                           ends[k]);
    return run(items, n, p, ends, nends, out, st);
}
