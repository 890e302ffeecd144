/* settext.h — internal to the layout engine: setting a paragraph of text into lines.
 *
 * The lowest layer of the engine: compose.c (paragraphs), table.c (cell text) and
 * paginate.c (page numbers) all set text through it, and it calls none of them.  A
 * paragraph, one run or several runs in different fonts (a run-in sub-heading and its
 * text), is shaped (shape.c), broken into lines and justified (linebreak.c) to a measure
 * in a style, and comes back as lines of boxes whose glyphs and text live in the
 * nb_layout's arena.  A centred paragraph of a style with `balance` (titles; table.c sets
 * it for centred cells) gets as many lines as first fit gives it, of near equal length,
 * broken preferably where the style's balance phrases say (layout.h nb_balance_spec): the
 * engine itself knows no words.  Knows nothing of the data, of pages or of PDF.
 */
#ifndef NB_SETTEXT_H
#define NB_SETTEXT_H

#include <stdio.h>

#include "box.h"
#include "font.h"
#include "layout.h"
#include "shape.h"
#include "status.h"

/* What setting a run of text needs: fonts, shaping options, the arena.  Borrowed. */
typedef struct nb_setter {
    nb_fontset *fs;
    nb_layout *out; /* arena owner */
    nb_shape_opts shape_opts;
    FILE *verbose;     /* fallback notes, or NULL */
    const char *where; /* the text being set, for notes */
    double shape_ms, linebreak_ms;
} nb_setter;

/* One paragraph set into lines: each line's boxes (y relative to the line's baseline = 0,
 * x relative to the measure's left edge).  In the layout's arena. */
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

/* Baseline offset from the top of a line box of pitch `pitch` for type of `size`: the
 * ideographic em box is centred in the line, the baseline 0.88 em below the em's top. */
float nb_baseline_in_line(float pitch, float size);

#endif
