/* render.h — the library's core run: report data (+ layout) → checked, composed PDF bytes.
 *
 * An nb_engine keeps what is worth keeping between renders: font sets (one per font map
 * and set of overrides, faces opened once, memory-mapped, subset sources prepared once),
 * parsed layouts and the edition table (which `nianbao init` reads through it too).  A
 * batch makes one engine and renders many reports with it.
 * nb_render_mem takes the data, the layout and last year's report as bytes (it opens no
 * data file: only the default layout, the font map and fonts are read from files), runs
 * the checker first (errors stop it unless opts.force) and composes and writes the PDF
 * into memory; the caller writes it where it wants.  The PDF's dates are opts.date when
 * given, else the data's signing date (layout "metadata.date") at 00:00 UTC, else none;
 * so the same data, layout, fonts and options give the same bytes.
 * The engine owns its fonts, layouts and edition table; free it with nb_engine_free.  One engine is
 * used by one thread at a time; engines share nothing.  The public interface over this is api.c
 * (include/nianbao.h).
 */
#ifndef NB_RENDER_H
#define NB_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "check.h"
#include "pdf_write.h"
#include "status.h"

typedef struct nb_engine nb_engine;
typedef struct nb_font nb_font;
typedef struct nb_editions nb_editions;

typedef struct nb_render_opts {
    const char *data_name; /* names the data in messages and findings; NULL: "data" */
    const char *layout;    /* a layout's JSON (layout_len bytes), or NULL: the official one
                            * for the data's edition, as the edition table
                            * DATADIR/layouts/editions.json names it */
    size_t layout_len;
    const char *layout_name; /* names a given layout in messages; its folder resolves the
                              * layout's relative "fontmap".  NULL: "layout", in
                              * DATADIR/layouts */
    const char *previous;    /* last year's report (previous_len bytes), for the cross-year
                              * checks, or NULL */
    size_t previous_len;
    const char *previous_name; /* names it in messages; NULL: "last year's report" */
    const char *datadir;       /* holds layouts/ (with the edition table, which also gives
                                * the PDF's Subject when the data has none) and fonts/ */
    bool force;                /* render despite checker errors */
    bool pdfa;                 /* PDF/A-1b (default true) */
    bool allow_missing_glyphs; /* .notdef boxes instead of an error (noted on `notes`) */
    bool subset_reuse; /* faces keep their recent subsets for later documents (warm engines) */
    FILE *notes;       /* font fallback and missing-character notes, or NULL */
    const char *const *font_overrides; /* "role=file-or-family" */
    size_t nfont_overrides;
    FILE *dump;     /* the laid-out boxes are also written here as text (tests), or NULL */
    long long date; /* the PDF's dates, seconds since 1970 UTC; < 0: from the data */
    int threads;    /* threads subsetting the fonts (nb_pdf_opts.threads); 0: one per CPU,
                     * at most 4 */
} nb_render_opts;

typedef struct nb_render_stats {
    double load_ms, fonts_ms, check_ms, shape_ms, linebreak_ms, paginate_ms, subset_ms, write_ms,
        total_ms;
    double faces_ms; /* opening faces during the run (mostly while shaping: within shape_ms) */
    size_t pages, pdf_bytes, warnings;
    bool checked; /* the checker ran (the findings are its) */
} nb_render_stats;

/* Defaults: PDF/A, date from the data, everything else off. */
void nb_render_opts_init(nb_render_opts *o);

nb_engine *nb_engine_new(void);
void nb_engine_free(nb_engine *e);

/* Checks and renders `data` (len bytes) into memory (bytes owned by the caller:
 * nb_pdf_bytes_free).  When `findings` is not NULL it receives the checker's findings
 * once the check ran (free it with nb_findings_free whatever the return).  Messages name
 * the inputs by their opts names. */
nb_code nb_render_mem(nb_engine *e, const char *data, size_t len, const nb_render_opts *opts,
                      nb_pdf_bytes *out, nb_findings *findings, nb_render_stats *stats,
                      nb_status *st);

/* The edition table of `datadir` (DATADIR/layouts/editions.json; editions.h), read once per
 * engine and folder: a render takes an edition's layout and the default Subject from it,
 * `nianbao init` (init.h) everything else.  *out stays the engine's, valid until a call
 * with another folder or nb_engine_free.  Errors as nb_editions_load; a table that failed
 * is read again at the next call. */
nb_code nb_engine_editions(nb_engine *e, const char *datadir, const nb_editions **out,
                           nb_status *st);

/* Batch use: the engine's fonts keep their recent subsets for later renders (font.h,
 * nb_fontset_set_subset_reuse); off by default. */
void nb_engine_set_subset_reuse(nb_engine *e, bool reuse);

/* For benchmarks: milliseconds the engine's font sets spent opening faces and initialising
 * fontconfig, and faces opened, since the engine was made. */
void nb_engine_load_stats(const nb_engine *e, double *ms, unsigned *faces);

/* The faces the engine has opened so far, in all its font sets (for a batch's decisions):
 * stores at most max of them in out and returns how many there are. */
size_t nb_engine_faces(const nb_engine *e, nb_font **out, size_t max);

#endif
