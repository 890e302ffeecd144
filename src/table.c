/* table.c — tables with row and column spans: placing cells on the grid, setting their
 * text (centred cells balanced like titles), sizing rows, and drawing the part of a table
 * that falls on one page (the repeated header rows, the continued group's header rows and
 * the continued label of a cell that spans a page break included; a piece of a row taller
 * than a page).  It also answers what pagination asks of a table: where a page may end
 * (never after a header row, two body rows of a group on each side, a spanning label
 * with room for its text on both pages) and what a continuation page repeats.  Cells are
 * indexed by anchor row and by column, so drawing a page costs its own cells, not the
 * whole table.  Everything lives in the layout's arena.  The data is bound by compose.c:
 * a table receives each cell's text as a string and never sees the data itself.
 */
#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct nb_tcell {
    size_t row, col; /* anchor */
    size_t rowspan, colspan;
    float x, w; /* pt from the table's left edge */
    const nb_style *style;
    nb_set_para text;
    float text_h; /* lines × pitch */
} nb_tcell;

struct nb_table_layout {
    const nb_table_spec *spec;
    nb_tcell *cells; /* in order of their anchor row */
    size_t ncells;
    float *row_h;
    size_t nrows;
    size_t *row_first; /* [nrows + 1]: cells anchored at row r are row_first[r]..[r+1] */
    size_t *col_off;   /* [ncols + 1]: col_cells[col_off[c]..col_off[c+1]) start at column c */
    size_t *col_cells; /* cell indices, by anchor row within a column */
    float head_h;      /* the header rows' height */
    float *row_y;      /* [nrows + 1]: top of each row below the table's top (prefix sums) */
    size_t *group_of;  /* [nrows]: first row of the group header run heading row r's group
                          (r itself when r is a group header row), or NO_GROUP */
    size_t *body_run;  /* [nrows]: of a body row, the rows before it since the last header
                          row; of a header row, 0 */
    size_t *body_left; /* [nrows]: body rows from r to the next header row or the end */
};

#define NO_GROUP ((size_t)-1)

/* Body rows a break inside a group (or a table without groups) leaves on each side. */
enum { KEEP_BODY_ROWS = 2 };

static const nb_tcell *span_from_above(const nb_table_layout *t, size_t row, size_t col);

size_t nb_table_nrows(const nb_table_layout *t)
{
    return t->nrows;
}

size_t nb_table_header_rows(const nb_table_layout *t)
{
    return t->spec->header_rows;
}

float nb_table_row_height(const nb_table_layout *t, size_t row)
{
    return t->row_h[row];
}

bool nb_table_is_header(const nb_table_layout *t, size_t row)
{
    return row < t->spec->header_rows || (t->spec->group_header && t->spec->group_header[row]);
}

nb_table_repeat nb_table_repeat_for(const nb_table_layout *t, size_t row, float block_h)
{
    nb_table_repeat rep = {0};
    if (row == 0 || row >= t->nrows) return rep;
    const size_t hr = t->spec->header_rows;
    if (row >= hr) rep.head_rows = hr;
    /* The run of group header rows above `row` in its group: none when `row` starts a group
     * (a group header row after a body row). */
    size_t g = t->group_of[row];
    bool starts =
        t->spec->group_header && t->spec->group_header[row] && !t->spec->group_header[row - 1];
    if (g != NO_GROUP && g < row && !starts) {
        size_t e = g;
        while (e + 1 < row && t->spec->group_header[e + 1])
            e++;
        rep.group_first = g;
        rep.group_rows = e + 1 - g;
    }
    float head = rep.head_rows ? t->head_h : 0.0f;
    float group = rep.group_rows
                      ? t->row_y[rep.group_first + rep.group_rows] - t->row_y[rep.group_first]
                      : 0.0f;
    if (head + group > block_h / 2) rep.group_rows = 0, group = 0.0f;
    if (head > block_h / 2) rep.head_rows = 0, head = 0.0f;
    rep.height = head + group;
    return rep;
}

bool nb_table_break_ok(const nb_table_layout *t, size_t row)
{
    if (row == 0) return true;
    if (row >= t->nrows || nb_table_is_header(t, row - 1)) return false;
    /* between groups, or two body rows of the group (or table) on each side */
    if (!nb_table_is_header(t, row) &&
        (t->body_run[row] < KEEP_BODY_ROWS || t->body_left[row] < KEEP_BODY_ROWS))
        return false;
    return nb_table_span_need(t, row) <= 0.0f;
}

float nb_table_span_need(const nb_table_layout *t, size_t row)
{
    float need = 0.0f;
    for (size_t col = 0; col < t->spec->ncols; col++) {
        const nb_tcell *c = span_from_above(t, row, col);
        if (!c || c->col != col || c->text.nlines == 0) continue;
        float h = c->text_h + 2 * t->spec->pad_y;
        float above = t->row_y[row] - t->row_y[c->row];
        float below = t->row_y[c->row + c->rowspan] - t->row_y[row];
        float short_by = h - (above < below ? above : below);
        if (short_by > need) need = short_by;
    }
    return need;
}

nb_code nb_table_build(nb_setter *s, const nb_layout_spec *spec, const nb_block_spec *block,
                       const char *const *texts, const char *data_name, nb_table_layout **out,
                       nb_status *st)
{
    const nb_table_spec *ts = block->table;
    nb_arena *a = &s->out->arena;
    nb_table_layout *t = nb_arena_alloc(a, sizeof *t);
    if (!t) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    t->spec = ts;
    t->nrows = ts->nrows;
    t->row_h = nb_arena_alloc(a, t->nrows * sizeof *t->row_h);
    size_t total = 0;
    for (size_t r = 0; r < ts->nrows; r++)
        total += ts->rows[r].ncells;
    t->cells = nb_arena_alloc(a, (total ? total : 1) * sizeof *t->cells);
    size_t *busy = calloc(ts->ncols, sizeof *busy); /* rows still covered, per column */
    float *col_x = malloc((ts->ncols + 1) * sizeof *col_x);
    if (!t->row_h || !t->cells || !busy || !col_x) {
        free(busy);
        free(col_x);
        return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    }
    col_x[0] = 0;
    for (size_t c = 0; c < ts->ncols; c++)
        col_x[c + 1] = col_x[c] + ts->col_widths[c];
    const nb_style *body = nb_layout_style(spec, ts->style);
    const nb_style *head = nb_layout_style(spec, ts->header_style);
    nb_code rc = NB_OK;
    char where[700];
    size_t ti = 0; /* texts[ti]: the cell's */
    for (size_t r = 0; r < ts->nrows && rc == NB_OK; r++) {
        size_t col = 0;
        t->row_h[r] = ts->min_row_height;
        for (size_t k = 0; k < ts->rows[r].ncells; k++) {
            const nb_cell_spec *cs = &ts->rows[r].cells[k];
            while (col < ts->ncols && busy[col] > 0)
                col++;
            nb_tcell *cell = &t->cells[t->ncells++];
            cell->row = r;
            cell->col = col;
            cell->rowspan = (size_t)cs->rowspan;
            cell->colspan = (size_t)cs->colspan;
            cell->x = col_x[col];
            cell->w = col_x[col + cell->colspan] - col_x[col];
            cell->style =
                r < ts->header_rows || (ts->group_header && ts->group_header[r]) ? head : body;
            for (size_t s2 = 0; s2 < cell->colspan; s2++)
                busy[col + s2] = cell->rowspan;
            col += cell->colspan;
            const char *text = texts[ti++];
            float inner = cell->w - 2 * ts->pad_x;
            if (inner < cell->style->size) inner = cell->style->size;
            if (text && *text) {
                if (cs->kind == NB_CELL_VALUE)
                    snprintf(where, sizeof where, "%s: $.%s", data_name, cs->text);
                else
                    snprintf(where, sizeof where, "%s: $.%s", spec->path, cs->json_path);
                /* A centred cell of several lines is balanced (no lone last character). */
                nb_style cs_style = *cell->style;
                if (cs_style.align == NB_ALIGN_CENTER) cs_style.balance = true;
                if (nb_set_text(s, &cs_style, text, inner, 0, &cell->text, where, st)) {
                    rc = st->code;
                    break;
                }
            }
            cell->text_h = (float)cell->text.nlines * cell->style->line_pitch;
            if (cell->rowspan == 1 && cell->text_h + 2 * ts->pad_y > t->row_h[r])
                t->row_h[r] = cell->text_h + 2 * ts->pad_y;
        }
        for (size_t c = 0; c < ts->ncols; c++)
            if (busy[c] > 0) busy[c]--;
    }
    free(busy);
    free(col_x);
    if (rc) return rc;
    /* Indexes for drawing a page's fragment without walking every cell. */
    t->row_first = nb_arena_alloc(a, (t->nrows + 1) * sizeof *t->row_first);
    t->col_off = nb_arena_alloc(a, (ts->ncols + 1) * sizeof *t->col_off);
    t->col_cells = nb_arena_alloc(a, (t->ncells ? t->ncells : 1) * sizeof *t->col_cells);
    if (!t->row_first || !t->col_off || !t->col_cells)
        return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    memset(t->col_off, 0, (ts->ncols + 1) * sizeof *t->col_off);
    size_t ci = 0;
    for (size_t r = 0; r <= t->nrows; r++) {
        t->row_first[r] = ci;
        while (ci < t->ncells && t->cells[ci].row == r)
            ci++;
    }
    for (size_t i = 0; i < t->ncells; i++)
        t->col_off[t->cells[i].col + 1]++;
    for (size_t c = 0; c < ts->ncols; c++)
        t->col_off[c + 1] += t->col_off[c];
    size_t *fill = calloc(ts->ncols ? ts->ncols : 1, sizeof *fill);
    if (!fill) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < t->ncells; i++) {
        size_t c = t->cells[i].col;
        t->col_cells[t->col_off[c] + fill[c]++] = i;
    }
    free(fill);
    /* Spanning cells: grow their last row when the span is too short for the text. */
    for (size_t i = 0; i < t->ncells; i++) {
        nb_tcell *cell = &t->cells[i];
        if (cell->rowspan < 2) continue;
        float h = 0;
        for (size_t r = cell->row; r < cell->row + cell->rowspan; r++)
            h += t->row_h[r];
        float need = cell->text_h + 2 * ts->pad_y;
        if (need > h) t->row_h[cell->row + cell->rowspan - 1] += need - h;
    }
    t->head_h = 0.0f;
    for (size_t r = 0; r < ts->header_rows && r < t->nrows; r++)
        t->head_h += t->row_h[r];
    t->row_y = nb_arena_alloc(a, (t->nrows + 1) * sizeof *t->row_y);
    t->group_of = nb_arena_alloc(a, (t->nrows ? t->nrows : 1) * sizeof *t->group_of);
    if (!t->row_y || !t->group_of) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    t->body_run = nb_arena_alloc(a, (t->nrows ? t->nrows : 1) * sizeof *t->body_run);
    t->body_left = nb_arena_alloc(a, (t->nrows + 1) * sizeof *t->body_left);
    if (!t->body_run || !t->body_left) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    for (size_t r = 0; r < t->nrows; r++)
        t->body_run[r] = nb_table_is_header(t, r)                 ? 0
                         : r == 0 || nb_table_is_header(t, r - 1) ? 0
                                                                  : t->body_run[r - 1] + 1;
    t->body_left[t->nrows] = 0;
    for (size_t r = t->nrows; r-- > 0;)
        t->body_left[r] = nb_table_is_header(t, r) ? 0 : t->body_left[r + 1] + 1;
    t->row_y[0] = 0.0f;
    size_t group = NO_GROUP;
    for (size_t r = 0; r < t->nrows; r++) {
        t->row_y[r + 1] = t->row_y[r] + t->row_h[r];
        if (ts->group_header && ts->group_header[r] && (r == 0 || !ts->group_header[r - 1]))
            group = r;
        t->group_of[r] = group;
    }
    *out = t;
    return NB_OK;
}

static nb_code add_rule(nb_layout *l, nb_page *page, float x0, float y0, float x1, float y1,
                        float w, nb_status *st)
{
    nb_box *b = nb_page_add_box(l, page);
    if (!b) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    b->kind = NB_BOX_RULE;
    b->x0 = x0, b->y0 = y0, b->x1 = x1, b->y1 = y1, b->width = w;
    return NB_OK;
}

float nb_table_row_cut(const nb_table_layout *t, size_t row, float from, float cap)
{
    float best = from + cap;
    bool found = false;
    float pad = t->spec->pad_y;
    for (size_t i = t->row_first[row]; i < t->row_first[row + 1]; i++) {
        const nb_tcell *c = &t->cells[i];
        float pitch = c->style->line_pitch;
        if (c->rowspan != 1 || c->text.nlines == 0 || pitch <= 0) continue;
        /* line boundaries pad + k * pitch in (from, from + cap] */
        float k = floorf((from + cap - pad) / pitch);
        float b = pad + k * pitch;
        if (b > from + 0.01f && (!found || b < best)) {
            best = b;
            found = true;
        }
    }
    return best;
}

typedef struct frag {
    const size_t *rows;
    const float *y_top, *off, *h;
    size_t n;
} frag;

static float frag_h(const nb_table_layout *t, const frag *f, size_t k)
{
    return f->h ? f->h[k] : t->row_h[f->rows[k]];
}

/* Draws cell c over the fragment's rows [first, last] (indexes into rows / y_top). */
static nb_code draw_cell(nb_layout *l, nb_page *page, const nb_table_layout *t, const nb_tcell *c,
                         const frag *f, size_t first, size_t last, float x_left, nb_status *st)
{
    const size_t n = f->n;
    const float rw = t->spec->rule_width;
    float top = f->y_top[first];
    float bottom = f->y_top[last] + frag_h(t, f, last);
    /* A cell of one row cut across pages: lines from the row's top, those starting here. */
    float off = f->off ? f->off[first] : 0.0f;
    bool cut = c->rowspan == 1 && (off > 0.0f || bottom - top < t->row_h[c->row] - 0.01f);
    float left = x_left + c->x, right = left + c->w;
    /* Each cell draws its top and left edge; the right and bottom edges of the table's last
     * column / the fragment's last row close the grid. */
    if (add_rule(l, page, left, top, right, top, rw, st) ||
        add_rule(l, page, left, top, left, bottom, rw, st))
        return st->code;
    if (c->col + c->colspan == t->spec->ncols &&
        add_rule(l, page, right, top, right, bottom, rw, st))
        return st->code;
    if ((last == n - 1 || c->row + c->rowspan == t->nrows) &&
        add_rule(l, page, left, bottom, right, bottom, rw, st))
        return st->code;
    /* Text, centred both ways in the visible part (a continued span repeats it). */
    float pitch = c->style->line_pitch;
    float y0 = top + (bottom - top - c->text_h) / 2;
    if (y0 < top) y0 = top;
    if (cut) y0 = top - off + t->spec->pad_y;
    float base = nb_baseline_in_line(pitch, c->style->size);
    float dx = left + t->spec->pad_x; /* lines are already aligned in the cell */
    size_t l0 = 0, l1 = c->text.nlines;
    if (cut) { /* the lines whose tops lie in [top, bottom) */
        float k0 = ceilf((top - y0) / pitch - 0.001f), k1 = ceilf((bottom - y0) / pitch - 0.001f);
        l0 = k0 < 0 ? 0 : (size_t)k0;
        l1 = k1 < 0 ? 0 : (size_t)k1;
        if (l1 > c->text.nlines) l1 = c->text.nlines;
    }
    for (size_t li = l0; li < l1; li++) {
        const nb_set_line *L = &c->text.lines[li];
        for (size_t b = 0; b < L->nboxes; b++) {
            nb_box *box = nb_page_add_box(l, page);
            if (!box) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
            *box = L->boxes[b];
            box->y = y0 + (float)li * pitch + base;
            /* Copy the glyphs: the same line may be drawn on two pages. */
            nb_box_glyph *g = nb_arena_alloc(&l->arena, box->nglyphs * sizeof *g + 1);
            if (!g) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
            for (size_t k = 0; k < box->nglyphs; k++) {
                g[k] = L->boxes[b].glyphs[k];
                g[k].x += dx;
            }
            box->glyphs = g;
        }
    }
    return NB_OK;
}

/* The cell covering (row, column col) that is anchored above `row`, or NULL. */
static const nb_tcell *span_from_above(const nb_table_layout *t, size_t row, size_t col)
{
    size_t lo = t->col_off[col], hi = t->col_off[col + 1]; /* last cell with anchor <= row */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->cells[t->col_cells[mid]].row <= row)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == t->col_off[col]) return NULL;
    const nb_tcell *c = &t->cells[t->col_cells[lo - 1]];
    return c->row < row && c->row + c->rowspan > row ? c : NULL;
}

/* The fragment is made of runs of consecutive rows (the repeated header rows, then the
 * body rows on the page); each run draws the cells anchored in it and, at its first row,
 * the cells continued from above.  Work: the fragment's cells plus columns × log(rows) per
 * run, so a long table costs linear time over all its pages. */
nb_code nb_table_draw_parts(nb_layout *l, nb_page *page, const nb_table_layout *t,
                            const size_t *rows, const float *y_top, const float *off,
                            const float *h, size_t n, float x_left, nb_status *st)
{
    const frag fr = {rows, y_top, off, h, n};
    size_t k0 = 0;
    while (k0 < n) {
        size_t k1 = k0; /* the run is rows[k0..k1] */
        while (k1 + 1 < n && rows[k1 + 1] == rows[k1] + 1)
            k1++;
        size_t r0 = rows[k0];
        if (r0 >= t->nrows)
            return nb_fail(st, NB_ERR_INTERNAL, "table: asked to draw row %zu of a %zu-row table",
                           r0, t->nrows);
        for (size_t col = 0; col < t->spec->ncols; col++) {
            const nb_tcell *c = span_from_above(t, r0, col);
            if (!c || c->col != col) continue;
            /* Already drawn in an earlier run of this fragment (a header cell spanning on). */
            bool drawn = false;
            for (size_t k = 0; k < k0 && !drawn; k++)
                drawn = rows[k] == c->row;
            if (drawn) continue;
            size_t left_rows = c->row + c->rowspan - r0;
            size_t last = k0 + left_rows - 1 < k1 ? k0 + left_rows - 1 : k1;
            if (draw_cell(l, page, t, c, &fr, k0, last, x_left, st)) return st->code;
        }
        for (size_t k = k0; k <= k1; k++) {
            size_t r = rows[k];
            if (r >= t->nrows)
                return nb_fail(st, NB_ERR_INTERNAL,
                               "table: asked to draw row %zu of a %zu-row table", r, t->nrows);
            for (size_t i = t->row_first[r]; i < t->row_first[r + 1]; i++) {
                const nb_tcell *c = &t->cells[i];
                size_t last = k + c->rowspan - 1 < k1 ? k + c->rowspan - 1 : k1;
                if (draw_cell(l, page, t, c, &fr, k, last, x_left, st)) return st->code;
            }
        }
        k0 = k1 + 1;
    }
    return NB_OK;
}
