/* flow.h — internal to the layout engine: the vertical flow of items between composition
 * (compose.c, which turns blocks and tables into items) and pagination (paginate.c, which
 * places them on pages).  Items and their boxes live in the nb_layout's arena.  Not part of
 * the library's public interface.
 */
#ifndef NB_FLOW_H
#define NB_FLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "box.h"
#include "layout.h"
#include "settext.h"
#include "status.h"
#include "table.h"

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

/* paginate.c */
nb_code nb_paginate(const nb_layout_spec *spec, nb_setter *s, const nb_flow *flow, nb_layout *out,
                    nb_status *st);

#endif
