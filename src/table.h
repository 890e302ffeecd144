/* table.h — internal to the layout engine: a table laid out from its layout spec and its
 * cells' texts (table.c).
 *
 * compose.c binds the data: it hands nb_table_build one string per cell of the spec (rows
 * in order, cells in order within a row), NULL for an empty cell, and the table sets them
 * (settext.h), sizes the rows and answers what pagination asks: where a page may end, what
 * a continuation page repeats, where to cut a row taller than a page, and it draws the
 * part of the table on one page.  A table never sees the data itself.  The nb_table_layout
 * lives in the nb_layout's arena.
 */
#ifndef NB_TABLE_H
#define NB_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "box.h"
#include "layout.h"
#include "settext.h"
#include "status.h"

typedef struct nb_table_layout nb_table_layout;

/* Lays out `block`'s table: texts[k] is the k-th cell's text (NULL: empty), `data_name`
 * names the data in messages about value cells (the layout's path names the others). */
nb_code nb_table_build(nb_setter *s, const nb_layout_spec *spec, const nb_block_spec *block,
                       const char *const *texts, const char *data_name, nb_table_layout **out,
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

#endif
