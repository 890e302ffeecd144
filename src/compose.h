/* compose.h — the layout engine's entry: layout spec + data → pages of boxes.
 *
 * nb_compose walks the layout's blocks and is the one place where the data meets the
 * layout: it pulls each value from the data by its path and formats it (nb_value_text),
 * hands the texts to the lower layers, which never see the data — paragraphs to the text
 * setter (settext.c), each table cell's string to table.c — and paginates the flow
 * (paginate.c) into an nb_layout.  The engine's modules form a tree: compose.c → table.c,
 * paginate.c → settext.c → shape.c, linebreak.c; nothing below includes compose.h.  It
 * knows nothing of PDF and nothing of annual reports (a report's words, such as a title's
 * preferred break points, are the layout's).  A value the layout needs and the data lacks
 * is an error naming both files' JSON paths.  The caller owns `out` (nb_layout_free);
 * fonts stay owned by the fontset.
 *
 * Pagination rules are set here as break permissions on the flow (flow.h): no page break
 * inside the first two or the last two lines of a paragraph (no orphan, no widow), none
 * before the first two lines or table rows after a heading (keep_with_next), none inside
 * a keep_together block or a "lines" block, none before a block with keep_with_previous
 * (with keep_last_lines N: nor before the previous block's last N - 1 lines), none before
 * a table's header rows and first body row; a table row taller than a page is cut into
 * pieces at its text lines.  Balanced titles: see balance_ends in settext.c.
 */
#ifndef NB_COMPOSE_H
#define NB_COMPOSE_H

#include <stdbool.h>
#include <stdio.h>

#include "box.h"
#include "buf.h"
#include "font.h"
#include "layout.h"
#include "status.h"

typedef struct cJSON cJSON;

typedef struct nb_compose_opts {
    bool allow_missing_glyphs; /* .notdef instead of an error (a warning on `verbose`) */
    FILE *verbose;             /* notes on font fallback and missing characters, or NULL */
    const char *data_name;     /* the data file's name, for messages */
} nb_compose_opts;

typedef struct nb_compose_timing {
    double shape_ms, linebreak_ms, paginate_ms;
} nb_compose_timing;

nb_code nb_compose(const nb_layout_spec *spec, const cJSON *data, nb_fontset *fs,
                   const nb_compose_opts *opts, nb_layout *out, nb_compose_timing *timing,
                   nb_status *st);

/* Formats a data value for printing: strings as they are (an amount written as a decimal
 * string, "73802895.90", keeps its written form), integers without a fraction, null (a
 * blank cell) as "", {"value": v, "unit": u} as "vu" ("" when v is null); with format
 * "date-zh", "2021-01-25" → "2021年1月25日".
 * The text is appended to `out` whole, however long (out->oom says whether memory ran
 * out).  Returns false (with a message in `err`) when the value cannot be printed. */
bool nb_format_value(const cJSON *v, const char *format, nb_buf *out, char *err, size_t nerr);

/* The printed form of a data value (nb_format_value's), whole however long: a string
 * without a format as it is, anything else formatted into a growing buffer and kept in l's
 * arena.  NULL when it cannot be printed: then either st has failed
 * (out of memory) or `err` says why (the caller names the JSON path). */
const char *nb_value_text(nb_layout *l, const cJSON *v, const char *format, char *err, size_t nerr,
                          nb_status *st);

#endif
