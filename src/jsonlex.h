/* jsonlex.h — the number tokens of a JSON text, each with its JSON path, as written.
 *
 * cJSON keeps a number's value, not how it was typed: 3.0, 3 and 3e0 all become the double 3,
 * so a count typed as a decimal cannot be told from the tree.  This scanner walks the text
 * itself (objects and arrays nested, strings and keys skipped with their escapes, keys decoded
 * from \uXXXX escapes and surrogate pairs to UTF-8 so that paths compare with cJSON's keys)
 * and hands each number token to a callback with its path in the checker's form:
 * "applications.new.natural", "sections.overview[2]", "" for a top-level number.  It reads the
 * text only; it neither allocates a tree nor converts a number.  Text that is not JSON stops
 * the scan with NB_ERR_JSON naming the byte offset (the scanner is meant for text that has
 * already parsed; this keeps it safe on anything else).
 */
#ifndef NB_JSONLEX_H
#define NB_JSONLEX_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

/* Called for each number token: `path` (NUL-terminated, valid during the call only), the token
 * `lexeme` (not NUL-terminated, `len` bytes: "-3.0", "1e2") and its byte `offset` in the text.
 * Returning false stops the scan (nb_jsonlex_numbers then returns NB_OK). */
typedef bool (*nb_jsonlex_fn)(void *arg, const char *path, const char *lexeme, size_t len,
                              size_t offset);

/* Scans `text` (`len` bytes).  NB_OK when the whole text was scanned or the callback stopped
 * it; NB_ERR_JSON when it is not a JSON text; NB_ERR_LIMIT when it nests deeper than
 * NB_JSONLEX_MAX_DEPTH; NB_ERR_NOMEM when a path could not be built. */
enum { NB_JSONLEX_MAX_DEPTH = 512 };
nb_code nb_jsonlex_numbers(const char *text, size_t len, nb_jsonlex_fn fn, void *arg,
                           nb_status *st);

/* Whether a number token, as written, is an integer: "3", "3.0", "1e2", "30e-1", "-0" are;
 * "2.5", "2.9999999999999999" and "1e-400" are not (the decimal value is compared, not the
 * double it rounds to).  False for anything that is not a JSON number token. */
bool nb_jsonlex_is_integral(const char *lexeme, size_t len);

#endif
