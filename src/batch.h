/* batch.h — many data files in one run: fonts and layouts loaded once (one nb_engine per
 * worker), N worker processes forked after loading, one failing file reported and skipped,
 * a progress line on a terminal, a summary at the end.  Returns the process exit code:
 * 0 when every file was written, 1 when any failed. */
#ifndef NB_BATCH_H
#define NB_BATCH_H

#include "render.h"

int nb_batch_run(const char *dir_or_list, const char *outdir, int jobs, const nb_render_opts *o);

#endif
