/* check.h — the checker: every rule the official template implies (勾稽关系).
 *
 * Works on the parsed data document (cJSON tree) of either edition: value types, table B's
 * corner rule, sum rules and row totals, table C's group totals, the signature date, and,
 * when last year's report is given, the cross-year rules.  Each finding names its rule, the
 * values involved and their JSON paths.  Findings are owned by nb_findings and freed with
 * nb_findings_free.  Knows nothing of layout or PDF.
 *
 * Blank cells: a table value given as JSON null is a cell the report leaves blank.  It is
 * not 0: each blank is one warning (value.blank) naming the cell by the template's row and
 * column words, and every sum rule with a blank operand is skipped (never computed as if
 * the blank were 0).  Amounts may be written as decimal strings ("73802895.90"): they are
 * checked for their form (digits, optionally '.' and digits; no sign, exponent or
 * full-width digit) and never converted to binary floating point.  Without a signature the
 * date rule is skipped, which a note says once.
 */
#ifndef NB_CHECK_H
#define NB_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "status.h"

typedef struct cJSON cJSON;

/* A note is information only (a rule that could not run, and why): it is printed as
 * "note:" ("note" in JSON) and counted neither as a warning nor as an error. */
typedef enum nb_severity { NB_SEV_WARNING, NB_SEV_ERROR, NB_SEV_NOTE } nb_severity;

typedef struct nb_finding {
    nb_severity severity;
    char *rule; /* stable rule id, e.g. "B.corner", "B.row_total", "C.group_total",
                   "type.count", "date.after_period", "year.carry_over".  All of them:
                   errors:   B.corner B.results_total B.row_total C.group_total type.count
                             type.change type.amount value.missing year.carry_over
                   warnings: date.after_period edition.year text.fees_statement key.unknown
                             key.duplicate year.previous_count year.previous_year
                             year.previous_body value.blank
                   notes:    date.no_signature
                   Paths into last year's report start with "previous:". */
    char *message; /* one line, e.g. "表三 自然人列: 一(12) + 二(3) ≠ （七）总计(13) + 四(1)" */
    char **paths;   /* JSON paths of the values involved */
    double *values; /* their values (NaN where not a number: blanks, strings, decimal-string
                       amounts) */
    size_t npaths;
} nb_finding;

typedef struct nb_findings {
    nb_finding *items;
    size_t count, cap;
} nb_findings;

/* Checks `data` (and, when non-NULL, `previous`, last year's report of the same body).
 * Structural problems that make the data unusable (not an object, unknown edition,
 * missing required field) fail with NB_ERR_DATA and a message naming the JSON path;
 * everything else is a finding.  Returns NB_OK when the check ran, whatever it found. */
nb_code nb_check(const cJSON *data, const cJSON *previous, nb_findings *out, nb_status *st);
/* (Extension.)  `out` is overwritten by nb_check (not appended to): free it with
 * nb_findings_free afterwards, whatever nb_check returned.  A structural failure of
 * `previous` is prefixed "previous report: ".  NB_ERR_NOMEM when memory ran out. */

/* (Extension.)  Only the structural part of nb_check, for one document: NB_OK, or
 * NB_ERR_DATA naming the JSON path ("$.applications.results.total: missing (required by the
 * 2021 edition)").  Lets a caller prefix the message with the right file name. */
nb_code nb_check_structure(const cJSON *doc, nb_status *st);

size_t nb_findings_errors(const nb_findings *f);
size_t nb_findings_warnings(const nb_findings *f); /* (extension) */
size_t nb_findings_notes(const nb_findings *f);    /* (extension) */
/* "error: <message>  [path, path]" per line ("warning:", "note:"); `file` prefixes each
 * line when non-NULL. */
void nb_findings_print(const nb_findings *f, const char *file, FILE *out);
/* {"file":…, "findings":[{"severity":"error","rule":…,"message":…,"paths":[…],"values":[…]}],
 *  "errors":N, "warnings":M, "notes":K}; severity is "error", "warning" or "note". */
void nb_findings_print_json(const nb_findings *f, const char *file, FILE *out);
void nb_findings_free(nb_findings *f);

#endif
