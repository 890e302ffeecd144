/* flow.h — internal to the layout engine: the vertical flow of items between composition
 * (compose.c, table.c) and pagination (paginate.c).  Items and their boxes live in the
 * nb_layout's arena.  Not part of the library's public interface.
 */
#ifndef NB_FLOW_H
#define NB_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "box.h"
#include "font.h"
#include "layout.h"
#include "linebreak.h"
#include "shape.h"

typedef struct nb_table_layout nb_table_layout;
typedef struct cJSON cJSON;

typedef enum nb_flow_kind { NB_FLOW_LINE, NB_FLOW_SPACE, NB_FLOW_ROW } nb_flow_kind;

typedef struct nb_flow_item {
    nb_flow_kind kind;
    float height;      /* pt the item takes */
    bool break_before; /* a page may end before this item */
    bool snap;         /* the item's top snaps to the page's line grid */
    /* LINE: boxes with x final and y relative to the item's top */
    nb_box *boxes;
    size_t nboxes;
    /* ROW: the whole row, or (a row taller than a page) the piece of it from row_off pt
     * below its top, `height` pt tall */
    nb_table_layout *table;
    size_t row;
    float row_off;
    /* an outline entry starts here */
    const char *outline_title;
    int outline_level;
} nb_flow_item;

typedef struct nb_flow {
    nb_flow_item *items;
    size_t count, cap;
} nb_flow;

/* What setting a run of text needs: fonts, shaping options, the arena. */
typedef struct nb_setter {
    nb_fontset *fs;
    nb_layout *out; /* arena owner */
    nb_shape_opts shape_opts;
    FILE *verbose;     /* fallback notes, or NULL */
    const char *where; /* the text being set, for notes */
    double shape_ms, linebreak_ms;
} nb_setter;

/* One paragraph set into lines: each line's boxes (y relative to the line's baseline = 0,
 * x relative to the measure's left edge). */
typedef struct nb_set_line {
    nb_box *boxes;
    size_t nboxes;
    float width;
} nb_set_line;

typedef struct nb_set_para {
    nb_set_line *lines;
    size_t nlines;
} nb_set_para;

/* Sets `text` in `style` into lines of `measure` pt; `where` names the text for errors. */
nb_code nb_set_text(nb_setter *s, const nb_style *style, const char *text, float measure,
                    float char_grid, nb_set_para *out, const char *where, nb_status *st);

/* One run of a paragraph whose parts are set in different fonts (a run-in sub-heading and
 * its text): `len` bytes of UTF-8 in the fonts of role `font_role` (NULL: the style's own);
 * `where` names the run in messages (its JSON path).  Borrowed; the text is copied. */
typedef struct nb_text_run {
    const char *text;
    size_t len;
    const char *font_role;
    const char *where;
} nb_text_run;

/* Sets runs[0..nruns) one after the other as one paragraph in `style` (its size, indent,
 * alignment and grid): each run is shaped with its own role's font chain, and the lines are
 * broken and justified across the runs' boundaries as inside a run.  Every box's text is
 * the whole paragraph's; a line's boxes change where the font does.  Errors name the run
 * (its `where`). */
nb_code nb_set_runs(nb_setter *s, const nb_style *style, const nb_text_run *runs, size_t nruns,
                    float measure, float char_grid, nb_set_para *out, nb_status *st);

/* The printed form of a data value (nb_format_value's), whole however long: a string
 * without a format as it is, anything else formatted into a growing buffer and kept in l's
 * arena.  NULL when it cannot be printed: then either st has failed
 * (out of memory) or `err` says why (the caller names the JSON path). */
const char *nb_value_text(nb_layout *l, const cJSON *v, const char *format, char *err, size_t nerr,
                          nb_status *st);

/* Baseline offset from the top of a line box of pitch `pitch` for type of `size`: the
 * ideographic em box is centred in the line, the baseline 0.88 em below the em's top. */
float nb_baseline_in_line(float pitch, float size);

nb_flow_item *nb_flow_add(nb_layout *l, nb_flow *f);

/* table.c */
nb_code nb_table_build(nb_setter *s, const nb_layout_spec *spec, const nb_block_spec *block,
                       const cJSON *data, const char *data_name, nb_table_layout **out,
                       nb_status *st);
size_t nb_table_nrows(const nb_table_layout *t);
size_t nb_table_header_rows(const nb_table_layout *t);
float nb_table_row_height(const nb_table_layout *t, size_t row);
/* A header row: one of the table's header_rows or a group header row (group_header_rows
 * in the layout).  No page ends on one: compose.c forbids a break after it. */
bool nb_table_is_header(const nb_table_layout *t, size_t row);
/* What a page that continues the table at `row` repeats above it: the table's header rows
 * (rows 0 .. head_rows - 1) and the header rows of the group `row` belongs to (rows
 * group_first .. + group_rows - 1; none when `row` starts a group), `height` pt in all, on
 * a page whose text block is block_h tall.  A part that would take the repeated rows over
 * half the page is left out (group rows first).  Row 0 repeats nothing. */
typedef struct nb_table_repeat {
    size_t head_rows;
    size_t group_first, group_rows;
    float height;
} nb_table_repeat;
nb_table_repeat nb_table_repeat_for(const nb_table_layout *t, size_t row, float block_h);
/* Whether a page may end before `row` (row 0: before the table): never after a header
 * row; inside a group (or a table without groups) only with two of its body rows on each
 * side; never where a spanning label would lack room for its text (nb_table_span_need). */
bool nb_table_break_ok(const nb_table_layout *t, size_t row);
/* How many pt a cell spanning across the boundary above `row` would lack for its text on
 * the shorter side of a page break there (the rows of the span before the break, or those
 * after it): 0 when every such label fits on both sides. */
float nb_table_span_need(const nb_table_layout *t, size_t row);
/* Draws the part of a table on one page: row rows[i] at y_top[i], shown from off[i] pt
 * below its top, h[i] pt of it (off/h NULL: whole rows).  A cut row's own cells set their lines
 * from the top and each piece draws the lines whose tops fall in it. */
nb_code nb_table_draw_parts(nb_layout *l, nb_page *page, const nb_table_layout *t,
                            const size_t *rows, const float *y_top, const float *off,
                            const float *h, size_t n, float x_left, nb_status *st);
/* Where to cut a row taller than a page: the last boundary between text lines of the row's
 * cells at most `cap` pt below `from` (or from + cap when no line boundary fits). */
float nb_table_row_cut(const nb_table_layout *t, size_t row, float from, float cap);

/* paginate.c */
nb_code nb_paginate(const nb_layout_spec *spec, nb_setter *s, const nb_flow *flow, nb_layout *out,
                    nb_status *st);

#endif
