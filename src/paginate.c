/* paginate.c — the vertical flow → pages.
 *
 * Items are placed top to bottom in the text block; when one does not fit, the page ends
 * at the last place before it where a break is allowed (the composer has already turned
 * keep-with-next, widow/orphan and keep-together rules into those permissions), or at the
 * overflowing item itself when no such place exists on the page.  A break inside a table
 * that fits on one page, leaving only a few of its rows for the next, moves before the
 * table (prefer_whole_table).  Space items vanish at the top of a page; line items with
 * `snap` sit on the page's line grid.  A table broken across pages starts its continuation
 * with its header rows and those of the group the page continues (a row taller than a
 * page arrives from compose.c as pieces, each drawn with nb_table_draw_parts).  Page
 * numbers are added last.
 * Each page's start moves strictly forward, so the work is linear in the number of items
 * (prefer_whole_table looks back and ahead over one table that fits on a page).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"

typedef struct place {
    size_t page;
    float y; /* top, pt from the page's top */
} place;

static float snap_up(float y, float top, float pitch)
{
    if (pitch <= 0) return y;
    float k = ceilf((y - top) / pitch - 0.01f);
    return top + k * pitch;
}

static float block_height(const nb_layout_spec *spec)
{
    return spec->page_h - spec->margin_top - spec->margin_bottom;
}

/* What a page starting with item i repeats above it when i continues a table (nothing for
 * other items, and for a table's first row). */
static nb_table_repeat repeat_at(const nb_layout_spec *spec, const nb_flow *f, size_t i)
{
    const nb_flow_item *it = &f->items[i];
    nb_table_repeat none = {0};
    if (it->kind != NB_FLOW_ROW) return none;
    return nb_table_repeat_for(it->table, it->row, block_height(spec));
}

/* Tables that fit on a page are kept whole: when the break chosen at k, inside a table,
 * would leave only a few of its rows for the next page (at most FEW_ROWS, or under a
 * quarter of them), the page ends instead at the last allowed break before the table
 * (before its heading, which keeps with it), provided that break lies on this page after
 * its first item and everything from there to the table's end fits on one page. */
enum { FEW_ROWS = 3 };

static size_t prefer_whole_table(const nb_layout_spec *spec, const nb_flow *f, size_t page_start,
                                 size_t k)
{
    const nb_flow_item *it = &f->items[k];
    if (it->kind != NB_FLOW_ROW || (it->row == 0 && it->row_off <= 0.0f)) return k;
    const nb_table_layout *t = it->table;
    size_t first = k, end = k;
    while (first > page_start && f->items[first - 1].kind == NB_FLOW_ROW &&
           f->items[first - 1].table == t)
        first--;
    if (f->items[first].kind != NB_FLOW_ROW || f->items[first].row != 0 ||
        f->items[first].row_off > 0.0f)
        return k; /* the table began on an earlier page */
    /* its end, looking no further than one page's height */
    const float block_h = block_height(spec);
    float table_h = 0.0f;
    for (size_t m = first; m < k; m++)
        table_h += f->items[m].height;
    while (table_h <= block_h) {
        table_h += f->items[end].height;
        if (end + 1 == f->count || f->items[end + 1].kind != NB_FLOW_ROW ||
            f->items[end + 1].table != t)
            break;
        end++;
    }
    if (table_h > block_h) return k;
    size_t total = end - first + 1, rest = end - k + 1;
    if (rest > FEW_ROWS && rest * 4 >= total) return k;
    size_t j = first;
    while (j > page_start && !f->items[j].break_before)
        j--;
    if (j == page_start) return k;
    float h = 0.0f;
    for (size_t m = j; m <= end; m++)
        if (!(h == 0.0f && f->items[m].kind == NB_FLOW_SPACE)) h += f->items[m].height;
    /* room for the items' snapping to the line grid */
    float slack = spec->grid_pitch > 0 ? spec->grid_pitch : 0.0f;
    return h + slack <= block_h ? j : k;
}

static nb_code draw_page_number(const nb_layout_spec *spec, nb_setter *s, nb_layout *out, size_t pi,
                                nb_status *st)
{
    const nb_pagenum_spec *pn = &spec->pagenum;
    const nb_style *style = nb_layout_style(spec, pn->style);
    char num[32], text[128];
    snprintf(num, sizeof num, "%zu", pi + 1);
    const char *at = strstr(pn->format, "{n}");
    snprintf(text, sizeof text, "%.*s%s%s", (int)(at - pn->format), pn->format, num, at + 3);
    nb_set_para para;
    float measure = spec->page_w - spec->margin_left - spec->margin_right;
    nb_style left = *style;
    left.align = NB_ALIGN_LEFT;
    left.indent_chars = left.right_indent_chars = 0;
    if (nb_set_text(s, &left, text, measure, 0, &para, "page number", st)) return st->code;
    if (para.nlines == 0) return NB_OK;
    const nb_set_line *L = &para.lines[0];
    float block_bottom = spec->page_h - spec->margin_bottom;
    /* The em box's top sits `below` under the text block; baseline 0.88 em lower. */
    float baseline = block_bottom + pn->below + 0.88f * style->size;
    float x;
    bool odd = (pi % 2) == 0;
    if (!pn->outer)
        x = spec->margin_left + (measure - L->width) / 2;
    else if (odd)
        x = spec->page_w - spec->margin_right - pn->inset - L->width;
    else
        x = spec->margin_left + pn->inset;
    nb_page *page = &out->pages[pi];
    for (size_t b = 0; b < L->nboxes; b++) {
        nb_box *box = nb_page_add_box(out, page);
        if (!box) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
        *box = L->boxes[b];
        box->y = baseline;
        for (size_t g = 0; g < box->nglyphs; g++)
            box->glyphs[g].x += x;
    }
    return NB_OK;
}

nb_code nb_paginate(const nb_layout_spec *spec, nb_setter *s, const nb_flow *f, nb_layout *out,
                    nb_status *st)
{
    const float top = spec->margin_top;
    const float bottom = spec->page_h - spec->margin_bottom;
    const float pitch = spec->grid_pitch;
    place *pl = malloc((f->count ? f->count : 1) * sizeof *pl);
    if (!pl) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    const size_t NONE = (size_t)-1;
    for (size_t i = 0; i < f->count; i++)
        pl[i].page = NONE;

    /* Pass 1: decide each item's page and y. */
    size_t page = 0, page_start = 0;
    float y = top;
    bool page_empty = true;
    size_t i = 0;
    while (i < f->count) {
        const nb_flow_item *it = &f->items[i];
        if (page_empty && it->kind == NB_FLOW_SPACE) { /* no space at a page's top */
            pl[i].page = NONE;
            i++;
            continue;
        }
        if (page_empty) y += repeat_at(spec, f, i).height;
        float yi = it->snap ? snap_up(y, top, pitch) : y;
        if (yi + it->height > bottom + 0.01f && !page_empty) {
            /* Find the last allowed break on this page after its first item. */
            size_t k = i;
            while (k > page_start && !f->items[k].break_before)
                k--;
            if (k == page_start)
                k = i; /* nothing allowed: break here anyway */
            else
                k = prefer_whole_table(spec, f, page_start, k);
            for (size_t j = k; j < i; j++)
                pl[j].page = NONE;
            page++;
            page_start = k;
            i = k;
            y = top;
            page_empty = true;
            continue;
        }
        pl[i].page = page;
        pl[i].y = yi;
        y = yi + it->height;
        page_empty = false;
        i++;
    }
    size_t npages = page + 1;

    /* Pass 2: emit boxes page by page. */
    for (size_t p = 0; p < npages; p++)
        if (!nb_layout_add_page(out, spec->page_w, spec->page_h)) goto nomem;
    size_t *rows = malloc((2 * f->count + 64) * sizeof *rows);
    float *ys = malloc((2 * f->count + 64) * sizeof *ys);
    float *offs = malloc((2 * f->count + 64) * sizeof *offs);
    float *hs = malloc((2 * f->count + 64) * sizeof *hs);
    if (!rows || !ys || !offs || !hs) {
        free(rows);
        free(ys);
        free(offs);
        free(hs);
        goto nomem;
    }
    nb_code rc = NB_OK;
    for (i = 0; i < f->count && rc == NB_OK; i++) {
        const nb_flow_item *it = &f->items[i];
        if (pl[i].page == NONE) continue;
        nb_page *pg = &out->pages[pl[i].page];
        if (it->outline_title && nb_layout_add_outline(out, it->outline_level, it->outline_title,
                                                       pl[i].page, pl[i].y, st))
            rc = st->code;
        if (it->kind == NB_FLOW_LINE) {
            for (size_t b = 0; b < it->nboxes; b++) {
                nb_box *box = nb_page_add_box(out, pg);
                if (!box) {
                    rc = nb_fail(st, NB_ERR_NOMEM, "out of memory");
                    break;
                }
                *box = it->boxes[b];
                box->y = pl[i].y + it->boxes[b].y;
            }
        } else if (it->kind == NB_FLOW_ROW) {
            /* Gather this table's rows on this page, with repeated headers first. */
            size_t n = 0;
            const nb_table_layout *t = it->table;
            /* A run that starts past row 0 continues the table at a page's top. */
            nb_table_repeat rep = repeat_at(spec, f, i);
            float hy = pl[i].y - rep.height;
            for (size_t q = 0; q < rep.head_rows + rep.group_rows; q++) {
                size_t r = q < rep.head_rows ? q : rep.group_first + (q - rep.head_rows);
                rows[n] = r;
                offs[n] = 0.0f;
                hs[n] = nb_table_row_height(t, r);
                ys[n++] = hy;
                hy += nb_table_row_height(t, r);
            }
            size_t j = i;
            while (j < f->count && f->items[j].kind == NB_FLOW_ROW && f->items[j].table == t &&
                   pl[j].page == pl[i].page) {
                rows[n] = f->items[j].row;
                offs[n] = f->items[j].row_off;
                hs[n] = f->items[j].height;
                ys[n++] = pl[j].y;
                j++;
            }
            rc = nb_table_draw_parts(out, pg, t, rows, ys, offs, hs, n, spec->margin_left, st);
            i = j - 1;
        }
    }
    free(rows);
    free(ys);
    free(offs);
    free(hs);
    free(pl);
    if (rc) return rc;
    if (spec->pagenum.enabled)
        for (size_t p = 0; p < npages; p++)
            if (draw_page_number(spec, s, out, p, st)) return st->code;
    return NB_OK;
nomem:
    free(pl);
    return nb_fail(st, NB_ERR_NOMEM, "out of memory");
}
