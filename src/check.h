/* check.h — the checker: every rule the official template implies (勾稽关系), and the
 * mistakes clerks make in the text.
 *
 * Works on the parsed data document (cJSON tree) of either edition: the structure (every
 * missing key and every value of the wrong type at once, each an error naming its JSON path
 * and the template's words for it), value types, table B's corner rule, sum rules and row
 * totals, table C's group totals, the signature date, the texts (years, white space,
 * numbering, repeated headings, 【请填写】 left in, figures that contradict the tables) and,
 * when last year's report is given, the cross-year rules.  Each finding names its rule, the
 * values involved and their JSON paths.  Findings are owned by nb_findings and freed with
 * nb_findings_free.  Knows nothing of layout or PDF.
 *
 * What cannot be read at all: only a document that is not a JSON object, or whose
 * "edition" is missing or not "2019"/"2021", fails (NB_ERR_DATA; `check` exits 2): without
 * an edition there is no template to check against.  Everything else — a missing key, a
 * string where an object belongs, an empty paragraph, a bad date — is an error finding
 * (key.missing, type.field), all of them in one run, and the rules that need the broken
 * part are skipped (a missing row is one finding, not seven missing cells).  Render refuses
 * on errors as on any other error.
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
                             key.missing type.field
                   warnings: date.after_period edition.year text.fees_statement key.unknown
                             key.duplicate year.previous_count year.previous_year
                             year.previous_body value.blank type.count_form text.year
                             text.whitespace text.heading_parens text.numbering
                             text.heading_repeated text.table_mismatch text.placeholder
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

/* Severity of the rules on how a report is written (the output is faithful to the data,
 * so these are warnings: the content may be wrong, the page is not; except where noted):
 *   key.missing         error: a required key is absent (the template's words, its path).
 *   type.field          error: a structural value of the wrong type (title not a string,
 *                       a row not an object, an empty paragraph, a date that is no date).
 *   type.count          error, also when a count is written so that the double it reads as
 *                       is an integer but the number written is not (2.9999999999999999
 *                       would print 3): the page would show a value nobody wrote.
 *   type.count_form     a count written as a decimal or with an exponent (3.0, 1e2): it
 *                       prints as 3 and 100; the data should say so.  Needs the JSON text
 *                       (nb_check_opts.text); skipped without it.
 *   text.year           the title, or the opening's statistics period, names a year other
 *                       than `year`.
 *   text.whitespace     a line break, tab or control character in a text (printed as a
 *                       gap), a leading or trailing space, full-width spaces as indentation
 *                       (the layout indents paragraphs itself).
 *   text.heading_parens a sub-heading numbered with half-width parentheses: (一).
 *   text.numbering      sub-headings out of order （一）（二）（二）, or list markers in a
 *                       paragraph 一是…二是…二是.
 *   text.heading_repeated  a section's first item repeats the section heading the layout
 *                       prints (一、总体情况 twice).
 *   text.table_mismatch a figure stated in a paragraph (收到…申请N件, 上年结转N件, 办结N件,
 *                       行政复议N件, 行政诉讼N件, 主动公开规章/规范性文件N件) differs from the
 *                       table cell holding it: the sentence and the cell with both figures.
 *   text.placeholder    a text still contains NB_CHECK_PLACEHOLDER (`nianbao init` writes
 *                       【请填写…】 where the office must write its own words): one warning
 *                       per text, named by its path and place (标题, 引言第1段, …). */

/* The marker of text still to be written; equals "placeholder" in layouts/editions.json. */
#define NB_CHECK_PLACEHOLDER "【请填写"

/* Options of nb_check_ex.  Zeroed: as nb_check. */
typedef struct nb_check_opts {
    /* The JSON text `data` was parsed from (`text_len` bytes), or NULL.  cJSON keeps a
     * number's value only, so how a count was written (3.0, 1e2) is read from here
     * (type.count_form, and type.count for 2.9999999999999999); without it those two checks
     * are skipped.  It must be the very text `data` came from. */
    const char *text;
    size_t text_len;
} nb_check_opts;

/* Checks `data` (and, when non-NULL, `previous`, last year's report of the same body).
 * Only a document that cannot be read at all (not an object, unknown edition; see above)
 * fails with NB_ERR_DATA and a message naming the JSON path; everything else is a
 * finding.  Returns NB_OK when the check ran, whatever it found. */
nb_code nb_check(const cJSON *data, const cJSON *previous, nb_findings *out, nb_status *st);
/* (Extension.)  `out` is overwritten by nb_check (not appended to): free it with
 * nb_findings_free afterwards, whatever nb_check returned.  A failure of `previous` is
 * prefixed "previous report: "; its structural problems are findings with "previous:"
 * paths.  NB_ERR_NOMEM when memory ran out. */

/* nb_check with options (`opts` may be NULL).  NB_ERR_JSON (NB_ERR_LIMIT when it nests deeper
 * than jsonlex.h allows) when opts->text is not a JSON text. */
nb_code nb_check_ex(const cJSON *data, const cJSON *previous, const nb_check_opts *opts,
                    nb_findings *out, nb_status *st);

/* (Extension.)  Whether a document can be checked at all, for one document: NB_OK, or
 * NB_ERR_DATA naming the JSON path ("$.edition: unknown edition 字符串 \"2020\" …") when it is not
 * an object or has no known edition.  Lets a caller prefix the message with the right file
 * name.  Missing keys and wrong types are not failures here: nb_check reports them. */
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
