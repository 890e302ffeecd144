/* linebreak.h — Chinese line breaking, punctuation compression and justification (clreq).
 *
 * Input is a paragraph as a sequence of items (one per character cluster) with natural
 * widths already in points; output is the lines and every item's x position within its
 * line.  The rules: no line starts with closing/pause punctuation (，。、；：？！）】》」』”’…·
 * and the second half of —— or ……) and none ends with opening punctuation （【《「『“‘; ——
 * and …… are never split; runs of digits and Latin letters (and URLs) are kept whole,
 * breaking inside them only at their own break points (after / . ? and at spaces; not after
 * -, which text extraction would drop)
 * when a run is longer than a line; a break is allowed between any two CJK characters
 * otherwise.  Adjacent full-width punctuation is compressed by half an em; a character tied
 * to closing marks (知》) that overflows is pushed in with them by squeezing the line's
 * punctuation, rather than pushed out, when that is possible and squeezes less than pushing
 * out would spread; squeezing never moves a line's
 * first item left of the line's start; justified lines
 * spread leftover space evenly between items (bounded, so a URL line does not open wide
 * gaps); the last line is not stretched.  Knows nothing of fonts or PDF.  The caller owns
 * nb_lb_result and frees it with nb_lb_result_free.
 */
#ifndef NB_LINEBREAK_H
#define NB_LINEBREAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef struct nb_lb_item {
    uint32_t cp; /* the cluster's first code point */
    float width; /* natural advance, pt */
} nb_lb_item;

typedef struct nb_lb_params {
    float measure;       /* line width, pt */
    float first_indent;  /* pt, first line only */
    float em;            /* font size in pt, the unit of compression and gaps */
    bool justify;        /* spread non-last lines to the measure */
    bool compress_punct; /* compress adjacent full-width punctuation (default on) */
    bool hang_punct;     /* allow one line-end 。，、 to hang past the measure */
    float cjk_latin_gap; /* em of extra space between Han and Latin/digits (0 = none) */
} nb_lb_params;

typedef struct nb_lb_line {
    size_t start, end; /* items [start, end) */
    float width;       /* the set width of the line (measure when justified) */
    bool last;         /* the paragraph's last line */
} nb_lb_line;

/* x[i] is where item i's glyph origin goes, from the line's start (first-line indent
 * included); w[i] is its advance after compression.  Compression normally removes a mark's
 * right blank, so its box is [x, x + w); an opening mark compressed on its left (（“, a
 * squeezed line) has its box at [x + (width - w), x + width), i.e. the glyph is drawn
 * at x and its blank half overlaps the item before.  Trailing spaces of a line get w = 0.
 * With hang_punct the hanging mark sits at x = line width, past the measure.  An empty
 * paragraph gives one line {0, 0, width 0, last} and x = w = NULL. */
typedef struct nb_lb_result {
    nb_lb_line *lines; /* owned */
    size_t nlines;
    float *x; /* owned; per item: where its glyph origin goes, from the line's start (first-line
                 indent included; a mark compressed on its left is already moved left) */
    float *w; /* owned; per item: width after compression (pt) */
} nb_lb_result;

/* Breaks a paragraph.  n may be 0 (one empty line).  Linear in n. */
nb_code nb_linebreak(const nb_lb_item *items, size_t n, const nb_lb_params *p, nb_lb_result *out,
                     nb_status *st);
void nb_lb_result_free(nb_lb_result *r);

/* Sets a paragraph at line ends the caller chose (balanced titles): line k is items
 * [ends[k-1], ends[k]), ends strictly increasing, the last equal to n, each an allowed break.
 * Lines are positioned as nb_linebreak would (compression, justification, last line not
 * stretched); a line wider than the measure is squeezed as far as its punctuation allows.
 * Ends that break these rules are a fault of the caller: NB_ERR_INTERNAL. */
nb_code nb_lb_set_lines(const nb_lb_item *items, size_t n, const nb_lb_params *p,
                        const size_t *ends, size_t nends, nb_lb_result *out, nb_status *st);

/* Whether a line may break before item i (0 < i < n), by the rules alone. */
bool nb_lb_break_allowed(const nb_lb_item *items, size_t n, size_t i);

/* The kind of break before item i: PRIMARY (between CJK, after a space, CJK/Latin
 * boundary), SECONDARY (inside a Latin/URL run after / . ?, used only when the run
 * does not fit), NONE (forbidden; also for i == 0 or i >= n). */
typedef enum nb_lb_break {
    NB_LB_BREAK_NONE = 0,
    NB_LB_BREAK_PRIMARY = 1,
    NB_LB_BREAK_SECONDARY = 2,
} nb_lb_break;
nb_lb_break nb_lb_break_class(const nb_lb_item *items, size_t n, size_t i);

/* Character classes the rules use (exposed for tests and for the table code). */
bool nb_lb_no_start(uint32_t cp); /* may not begin a line */
bool nb_lb_no_end(uint32_t cp);   /* may not end a line */
bool nb_lb_is_fullwidth_punct(uint32_t cp);

#endif
