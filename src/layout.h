/* layout.h — the layout description: page geometry, named styles and the document's
 * skeleton (fixed text, tables, and where each data value goes).
 *
 * nb_layout_spec_load reads a layout file (format: docs/layout-format.md) and validates
 * it completely, so later stages never meet a bad layout; every message names the file and
 * the JSON path.  The spec refers into its own arena: free it all with nb_layout_spec_free.
 * The spec knows nothing of any particular report: texts, data paths and grids are data.
 */
#ifndef NB_LAYOUT_H
#define NB_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "status.h"

typedef enum nb_align { NB_ALIGN_LEFT, NB_ALIGN_CENTER, NB_ALIGN_RIGHT, NB_ALIGN_JUSTIFY } nb_align;

/* A phrase of a style's "balance" lists, as code points (1 to NB_PHRASE_MAX of them). */
enum { NB_PHRASE_MAX = 32, NB_PHRASES_MAX = 200 };

typedef struct nb_phrase {
    const uint32_t *cps;
    size_t len;
} nb_phrase;

typedef struct nb_phrases {
    const nb_phrase *items;
    size_t count;
} nb_phrases;

/* Where a balanced title's lines had better break (a style's "balance": {...}): words of
 * the layout's documents, so the engine knows none.  A break before a break_before phrase
 * or after a break_after phrase is a good one; one inside a keep_together phrase costs
 * more than one elsewhere; none falls inside a never_split phrase. */
typedef struct nb_balance_spec {
    nb_phrases break_before, break_after, keep_together, never_split;
} nb_balance_spec;

typedef struct nb_style {
    const char *name;
    const char *font_role;
    float size;               /* pt */
    float line_pitch;         /* pt: distance between baselines */
    float indent_chars;       /* first-line indent, in characters */
    float right_indent_chars; /* in characters */
    float space_before;       /* pt */
    float space_after;        /* pt */
    nb_align align;
    int grid_chars;      /* > 0: full-width characters set on a grid of measure/grid_chars */
    bool snap_to_grid;   /* line tops snap to the page's line grid */
    bool keep_with_next; /* never the last line of a page */
    bool keep_together;  /* all lines of a block on one page */
    bool balance;        /* centred multi-line text split into lines of equal length */
    const nb_balance_spec *balance_phrases; /* with balance: where to break, or NULL */
    bool hang_punct;
    float cjk_latin_gap; /* em */
} nb_style;

typedef enum nb_cell_kind { NB_CELL_TEXT, NB_CELL_VALUE, NB_CELL_EMPTY } nb_cell_kind;

typedef struct nb_cell_spec {
    nb_cell_kind kind;
    const char *text; /* NB_CELL_TEXT: fixed text; NB_CELL_VALUE: data path */
    int colspan, rowspan;
    const char *json_path; /* where in the layout file, for messages */
} nb_cell_spec;

typedef struct nb_row_spec {
    nb_cell_spec *cells;
    size_t ncells;
} nb_row_spec;

typedef struct nb_table_spec {
    const char *style;
    const char *header_style; /* may equal style */
    float *col_widths;        /* pt, sum = measure */
    size_t ncols;
    nb_row_spec *rows;
    size_t nrows;
    size_t header_rows; /* repeated after a page break */
    /* group_header[r]: row r heads a group of rows (table A's 第二十条第（X）项 and its
     * 信息内容 row): kept with the row after it, repeated with the table's header rows on a
     * page that continues the group.  NULL when the table marks no group header rows. */
    bool *group_header;
    float min_row_height, pad_x, pad_y, rule_width;
} nb_table_spec;

typedef enum nb_block_kind {
    NB_BLOCK_TEXT,       /* fixed text in a style */
    NB_BLOCK_VALUE,      /* one data string as a paragraph */
    NB_BLOCK_PARAGRAPHS, /* a data array of strings, one paragraph each */
    NB_BLOCK_FLOW,       /* a data array of strings, {"heading"} and {"heading", "text"} */
    NB_BLOCK_TABLE,
    NB_BLOCK_LINES, /* a group of short lines (signature): data values or text */
} nb_block_kind;

typedef struct nb_line_spec {
    const char *text;   /* fixed text, or NULL */
    const char *value;  /* data path, or NULL */
    const char *format; /* "date-zh" or NULL */
} nb_line_spec;

typedef struct nb_block_spec {
    nb_block_kind kind;
    const char *style;
    const char *heading_style; /* FLOW */
    const char *text;          /* TEXT */
    const char *value;         /* VALUE, PARAGRAPHS, FLOW: data path */
    bool optional;             /* a missing value is skipped, not an error */
    int outline;               /* > 0: an outline entry at this level; 0: none */
    bool keep_with_previous;   /* never the first thing on a page after a break */
    int keep_last_lines;       /* with keep_with_previous: lines of the previous block kept */
    nb_table_spec *table;      /* TABLE */
    nb_line_spec *lines;       /* LINES */
    size_t nlines;
    const char *json_path;
} nb_block_spec;

typedef struct nb_pagenum_spec {
    bool enabled;
    const char *style;
    const char *format; /* "— {n} —" */
    float below;        /* pt between the text block's bottom and the number's top */
    bool outer;         /* odd pages right, even pages left */
    float inset;        /* pt in from the text block's edge */
} nb_pagenum_spec;

typedef struct nb_layout_spec {
    const char *path;
    const char *name;
    const char *edition; /* the data edition this layout is for, or NULL for any */
    const char *fontmap; /* resolved path of the font map */
    float page_w, page_h;
    float margin_top, margin_left, margin_right, margin_bottom;
    float grid_pitch; /* pt; 0 = no line grid */
    nb_pagenum_spec pagenum;
    nb_style *styles;
    size_t nstyles;
    nb_block_spec *blocks;
    size_t nblocks;
    const char *meta_title, *meta_author, *meta_subject, *meta_date; /* data paths */
    nb_arena arena;
} nb_layout_spec;

nb_code nb_layout_spec_load(const char *path, nb_layout_spec *out, nb_status *st);
/* Parses a layout held in memory (fuzzing, tests); `base_dir` resolves the font map. */
nb_code nb_layout_spec_parse(const char *name, const char *text, size_t len, const char *base_dir,
                             nb_layout_spec *out, nb_status *st);
void nb_layout_spec_free(nb_layout_spec *spec);

const nb_style *nb_layout_style(const nb_layout_spec *spec, const char *name);

/* Converts "三号", "16", "16pt", "5.6mm" or a number to points; false if not a size. */
bool nb_parse_size(const char *s, float *pt);

#endif
