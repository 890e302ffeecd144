/* render.h — the library's front door: data file (+ layout) → checked, composed, written PDF.
 *
 * An nb_engine keeps what is worth keeping between renders: font sets (one per font map,
 * faces opened once, memory-mapped, subset sources prepared once) and parsed layouts.  A
 * batch run makes one engine and renders many files with it.  nb_render runs the checker
 * first (errors stop it unless opts.force), composes the pages and writes the PDF safely:
 * nothing is written unless everything succeeded, and an earlier file is left untouched.
 * The PDF's dates are, in order: SOURCE_DATE_EPOCH, the clock if opts.date_from_clock, the
 * data's signing date (layout "metadata.date") at 00:00 UTC, else none; so the same data,
 * layout and fonts give the same bytes.
 * The engine owns its fonts and layouts; free it with nb_engine_free.  One engine is used
 * by one thread at a time.
 */
#ifndef NB_RENDER_H
#define NB_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "pdf_write.h"
#include "status.h"

typedef struct nb_engine nb_engine;
typedef struct nb_font nb_font;

typedef struct nb_render_opts {
    const char *layout_path;           /* NULL: layouts/gov-annual-<edition>.json */
    const char *previous_path;         /* last year's data, for the cross-year checks, or NULL */
    bool force;                        /* render despite checker errors */
    bool pdfa;                         /* PDF/A-1b (default true) */
    bool allow_missing_glyphs;         /* .notdef boxes instead of an error */
    bool quiet;                        /* no warnings on `diag` */
    FILE *diag;                        /* findings, warnings and notes (stderr), or NULL */
    FILE *verbose;                     /* font fallback notes, or NULL */
    const char *const *font_overrides; /* "role=file-or-family" */
    size_t nfont_overrides;
    const char *dump_path; /* also write the box dump here (tests), or NULL */
    bool date_from_clock;  /* date the PDF now instead of by the signing date (still
                            * overridden by SOURCE_DATE_EPOCH); default false */
    int threads;           /* threads subsetting the fonts (nb_pdf_opts.threads); 0: one per
                            * CPU, at most 4 */
} nb_render_opts;

typedef struct nb_render_stats {
    double load_ms, fonts_ms, check_ms, shape_ms, linebreak_ms, paginate_ms, subset_ms, write_ms,
        total_ms;
    size_t pages, pdf_bytes, warnings;
} nb_render_stats;

void nb_render_opts_init(nb_render_opts *o);

nb_engine *nb_engine_new(void);
void nb_engine_free(nb_engine *e);

/* Renders into memory (bytes owned by the caller: nb_pdf_bytes_free). */
nb_code nb_render_mem(nb_engine *e, const char *data_path, const nb_render_opts *opts,
                      nb_pdf_bytes *out, nb_render_stats *stats, nb_status *st);
/* Renders and writes `out_path` atomically ("-" = standard output). */
nb_code nb_render_file(nb_engine *e, const char *data_path, const char *out_path,
                       const nb_render_opts *opts, nb_render_stats *stats, nb_status *st);

/* Batch use: the engine's fonts keep their recent subsets for later renders (font.h,
 * nb_fontset_set_subset_reuse); off by default. */
void nb_engine_set_subset_reuse(nb_engine *e, bool reuse);

/* For benchmarks: milliseconds the engine's font sets spent opening faces and initialising
 * fontconfig, and faces opened, since the engine was made. */
void nb_engine_load_stats(const nb_engine *e, double *ms, unsigned *faces);

/* The faces the engine has opened so far, in all its font sets (for a batch's decisions):
 * stores at most max of them in out and returns how many there are. */
size_t nb_engine_faces(const nb_engine *e, nb_font **out, size_t max);

/* Where the default layouts and font map live: $NIANBAO_DATADIR, else the build's source. */
const char *nb_datadir(void);

#endif
