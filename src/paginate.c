/* paginate.c — the vertical flow → pages.
 *
 * Items are placed top to bottom in the text block; when one does not fit, the page ends
 * at the last place before it where a break is allowed (the composer has already turned
 * keep-with-next, widow/orphan and keep-together rules into those permissions), or at the
 * overflowing item itself when no such place exists on the page.  Space items vanish at
 * the top of a page; line items with `snap` sit on the page's line grid.  A table broken
 * across pages starts its continuation with its header rows (a row taller than a page
 * arrives from compose.c as pieces, each drawn with nb_table_draw_parts).  Page numbers
 * are added last.
 * Each page's start moves strictly forward, so the work is linear in the number of items.
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

/* Height of the header rows repeated on a continued table (0: none repeated). */
static float header_height(const nb_layout_spec *spec, const nb_table_layout *t)
{
    return nb_table_repeat_height(t, spec->page_h - spec->margin_top - spec->margin_bottom);
}

/* Whether item i, at the top of a page, continues a table whose headers repeat. */
static bool continues_table(const nb_layout_spec *spec, const nb_flow *f, size_t i)
{
    const nb_flow_item *it = &f->items[i];
    return it->kind == NB_FLOW_ROW && it->row >= nb_table_header_rows(it->table) && it->row > 0 &&
           header_height(spec, it->table) > 0.0f;
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
        if (page_empty && continues_table(spec, f, i)) y += header_height(spec, it->table);
        float yi = it->snap ? snap_up(y, top, pitch) : y;
        if (yi + it->height > bottom + 0.01f && !page_empty) {
            /* Find the last allowed break on this page after its first item. */
            size_t k = i;
            while (k > page_start && !f->items[k].break_before)
                k--;
            if (k == page_start) k = i; /* nothing allowed: break here anyway */
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
    size_t *rows = malloc((f->count + 64) * sizeof *rows);
    float *ys = malloc((f->count + 64) * sizeof *ys);
    float *offs = malloc((f->count + 64) * sizeof *offs);
    float *hs = malloc((f->count + 64) * sizeof *hs);
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
            if (continues_table(spec, f, i)) {
                float hy = pl[i].y - header_height(spec, t);
                for (size_t r = 0; r < nb_table_header_rows(t); r++) {
                    rows[n] = r;
                    offs[n] = 0.0f;
                    hs[n] = nb_table_row_height(t, r);
                    ys[n++] = hy;
                    hy += nb_table_row_height(t, r);
                }
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
