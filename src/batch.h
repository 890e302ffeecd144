/* batch.h — many data files in one run: fonts and layouts loaded once (one nb_engine per
 * worker), N worker processes forked after loading, one failing file reported and skipped,
 * a progress line on a terminal, a summary at the end.  Returns the process exit code:
 * 0 when every file was written, 1 when any failed. */
#ifndef NB_BATCH_H
#define NB_BATCH_H

#include "render.h"

/* Whether the faces are preprocessed for fast subsetting (font.h: ~0.5 s and ~140 MB per
 * face, once, on a thread beside the rendering, before the workers start; the outputs are
 * the same bytes either way).  AUTO preprocesses a qualifying face when what subsetting it
 * cost on the second file, times the files left, is at least twice the estimate;
 * ALWAYS every qualifying face the first files used; NEVER none. */
typedef enum nb_preprocess {
    NB_PREPROCESS_AUTO,
    NB_PREPROCESS_ALWAYS,
    NB_PREPROCESS_NEVER
} nb_preprocess;

int nb_batch_run(const char *dir_or_list, const char *outdir, int jobs, nb_preprocess prep,
                 const nb_render_opts *o);

#endif
