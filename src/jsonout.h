/* jsonout.h — writing a JSON document for people to read and edit: two-space indentation,
 * one key a line, an object of a few scalars (a table row: {"natural": 1, …}) on one line,
 * non-ASCII characters as they are (UTF-8, not \u escapes), numbers in their shortest exact
 * form.  The same tree always gives the same bytes.  Output goes to an nb_buf (buf.h), whose
 * `oom` flag says whether memory ran out.
 */
#ifndef NB_JSONOUT_H
#define NB_JSONOUT_H

#include "buf.h"

typedef struct cJSON cJSON;

/* Appends `v` and a final newline to `out`. */
void nb_json_write(nb_buf *out, const cJSON *v);

/* Appends `s` as a JSON string literal (quotes and escapes included). */
void nb_json_write_string(nb_buf *out, const char *s);

#endif
