/* batch.h — `nianbao render --batch`: many data files in one run, through the public
 * interface (nianbao.h).  One engine loads fonts and layouts once, N worker processes are
 * forked after that and share them, a failing file is reported and skipped, a progress
 * line shows on a terminal, a summary ends the run.  Returns the process exit code: 0 when
 * every file was written, 1 when any failed, 2 when the inputs or the output folder cannot
 * be used, 3 out of memory. */
#ifndef NB_CLI_BATCH_H
#define NB_CLI_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "nianbao.h"

typedef struct cli_batch_opts {
    const char *layout_path; /* --layout, or NULL */
    const char *layout;      /* its bytes (layout_len) */
    size_t layout_len;
    bool verbose; /* print each run's notes */
    nianbao_preprocess preprocess;
} cli_batch_opts;

/* Renders every *.json of the folder, or every path of the list file, `src` into
 * `outdir` with `e`, which the command line's settings are on already (one font thread
 * when jobs > 1: the workers keep the CPUs busy). */
int cli_batch_run(const char *src, const char *outdir, int jobs, nianbao_engine *e,
                  const cli_batch_opts *o);

#endif
