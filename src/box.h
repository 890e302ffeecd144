/* box.h — the laid-out document: pages of positioned boxes.
 *
 * This is the hand-over between the layout engine and the PDF writer.  Coordinates are
 * in points with the origin at the page's top-left corner, y growing downwards; a text
 * box's y is its baseline.  Every glyph carries the UTF-8 text it stands for, so the
 * writer can build ToUnicode maps and tests can read text back.  All memory of an
 * nb_layout (pages, boxes, glyphs, strings) lives in its arena and is released by
 * nb_layout_free; the fonts it points to belong to the nb_fontset.
 */
#ifndef NB_BOX_H
#define NB_BOX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "font.h"
#include "status.h"

typedef struct nb_box_glyph {
    uint32_t gid;      /* glyph id in the (unsubset) face */
    float x;           /* pen position + offset, pt from the page's left edge */
    float dy;          /* pt upwards from the baseline (usually 0) */
    uint32_t text_off; /* the glyph's characters: text[text_off .. text_off+text_len) */
    uint32_t text_len; /* 0 for the 2nd.. glyph of a cluster */
} nb_box_glyph;

typedef enum nb_box_kind { NB_BOX_TEXT, NB_BOX_RULE } nb_box_kind;

typedef struct nb_box {
    nb_box_kind kind;
    /* NB_BOX_TEXT: one run of glyphs of one face and size on one baseline. */
    const nb_font *font;
    float size;       /* pt */
    float y;          /* baseline, pt from the top */
    const char *text; /* UTF-8 of the run */
    nb_box_glyph *glyphs;
    size_t nglyphs;
    /* NB_BOX_RULE: a straight line from (x0,y0) to (x1,y1), `width` pt thick, black. */
    float x0, y0, x1, y1, width;
} nb_box;

typedef struct nb_page {
    float width, height; /* pt */
    nb_box *boxes;
    size_t nboxes, cap;
} nb_page;

typedef struct nb_outline_entry {
    int level;         /* 0 = document title, 1 = sections */
    const char *title; /* UTF-8 */
    size_t page;       /* 0-based */
    float y;           /* pt from the top */
} nb_outline_entry;

typedef struct nb_layout {
    nb_page *pages;
    size_t npages, cap_pages;
    nb_outline_entry *outline;
    size_t noutline, cap_outline;
    nb_arena arena;
} nb_layout;

void nb_layout_init(nb_layout *l);
void nb_layout_free(nb_layout *l);

/* Appends a page and returns it (NULL when out of memory). */
nb_page *nb_layout_add_page(nb_layout *l, float width, float height);
/* Appends a zeroed box to a page (NULL when out of memory). */
nb_box *nb_page_add_box(nb_layout *l, nb_page *p);
nb_code nb_layout_add_outline(nb_layout *l, int level, const char *title, size_t page, float y,
                              nb_status *st);

/* Writes the debug dump used by golden-file tests: one line per page, text box and rule,
 * positions rounded to 0.01 pt, e.g.
 *   page 1 595.28x841.89
 *   text X0 BASELINE XLAST SIZE FONT "TEXT"   (x of first and last glyph)
 *   text 79.37 136.92 505.77 16.00 FandolFang-Regular "本报告依据…"
 *   rule 79.37 300.00 521.57 300.00 0.50
 */
void nb_layout_dump(const nb_layout *l, FILE *out);

#endif
