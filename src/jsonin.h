/* jsonin.h — reading the JSON documents a user gives (data, layout, font map) safely.
 *
 * nb_json_load reads a whole file within the documented limits (16 MiB a file, 64 levels of
 * nesting, 1 MiB a string or key, 1,000,000 values, 30 combining marks in a row), rejects a
 * byte-order mark, NUL bytes, "\u" escapes cJSON would misread and invalid UTF-8 (with line and
 * column; a GBK/GB18030 or UTF-16 file is named as such), parses it with cJSON and reports a
 * syntax error with line and column, what was expected there and the likely fix: the slips of
 * typing with a Chinese input method (full-width punctuation and digits, unquoted dates such as
 * 2025年1月20日, missing and trailing commas, quotes not closed) are named, and NaN and
 * Infinity are named as such (JSON has no such numbers).  Excerpts of the input in messages end
 * on whole characters.  After parsing, every string is checked against the string limit and
 * every number must be finite (1e999 is refused, not read as infinity); those messages name the
 * JSON path.  Path helpers look values up by dotted paths ("applications.new.natural",
 * "sections.overview[2]") and format them for messages as "$.a.b".  An nb_json_doc owns its
 * text and tree; free with nb_json_free.
 */
#ifndef NB_JSONIN_H
#define NB_JSONIN_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

typedef struct cJSON cJSON;

enum {
    NB_JSON_MAX_FILE = 16 * 1024 * 1024, /* bytes */
    NB_JSON_MAX_DEPTH = 64,
    NB_JSON_MAX_STRING = 1024 * 1024, /* bytes in one string or key, after unescaping */
    NB_JSON_MAX_VALUES = 1000000,     /* values (scalars, arrays, objects) in one document */
    NB_JSON_MAX_MARKS = 30, /* combining marks in a row in a string (UAX #15 stream-safe) */
};

typedef struct nb_json_doc {
    char *path;  /* as given (for messages); owned */
    cJSON *root; /* owned */
} nb_json_doc;

/* Reads and parses `path`.  Errors (NB_ERR_IO, NB_ERR_JSON, NB_ERR_LIMIT) name the file. */
nb_code nb_json_load(const char *path, nb_json_doc *out, nb_status *st);
/* Parses text already in memory; `name` is used in messages. */
nb_code nb_json_parse(const char *name, const char *text, size_t len, nb_json_doc *out,
                      nb_status *st);
void nb_json_free(nb_json_doc *doc);

/* Looks up a dotted path ("a.b[3].c"); NULL when any step is missing. */
const cJSON *nb_json_at(const cJSON *root, const char *path);

#endif
