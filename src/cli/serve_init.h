/* serve_init.h — the blank report `nianbao serve` answers GET /api/init with: the same
 * report `nianbao init --edition ID --year N --body TEXT` starts from.
 *
 * The library does not yet offer this through nianbao.h, so serve_init.c calls the
 * internal init module (src/init.h) directly; when a public call exists, only that file
 * changes.
 */
#ifndef NB_CLI_SERVE_INIT_H
#define NB_CLI_SERVE_INIT_H

#include <stddef.h>

/* The blank report of edition `edition` (NULL: the edition of `year`) for report year
 * `year`, issued by `body` (NULL: a placeholder), as JSON text (malloc'd, *len bytes).
 * `datadir` holds layouts/editions.json and the blank reports it names.  0, or 400 with a
 * message in msg when the edition and year do not fit, 500 when a file cannot be read. */
int serve_init_report(const char *datadir, const char *edition, int year, const char *body,
                      char **json, size_t *len, char *msg, size_t msglen);

#endif
