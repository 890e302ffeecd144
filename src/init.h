/* init.h — a report to start from: the blank report of an edition filled with the year and
 * the issuing body, or next year's report made from last year's.
 *
 * Everything report-specific comes from the edition table (editions.h, as the engine read
 * it once: layouts/editions.json, format in docs/editions.md): which editions exist and for
 * which years, the blank report of each (every key present, counts and amounts null, the
 * sentences a report usually has as editable text with 【请填写…】 where the office must
 * add its own words), and what carries from one year to the next.  This module only
 * follows it: {body} and {year} in the blank's strings are replaced (a string that is
 * exactly "{year}" becomes the number), and with last year's report: the body, the title
 * and opening with last year's "YYYY年" made this year's (when the edition is the same),
 * the sections' sub-headings (each followed by a 【请填写】 paragraph), the subject, and the
 * carry rules' values.  The result is JSON text written by jsonout.h, owned by the
 * caller's nb_buf.
 */
#ifndef NB_INIT_H
#define NB_INIT_H

#include "buf.h"
#include "editions.h"
#include "status.h"

typedef struct cJSON cJSON;

typedef struct nb_init_opts {
    const char *edition;       /* "2019", "2021"; NULL: the edition of the report year */
    int year;                  /* the report year; 0: last year's report's year + 1 */
    const char *body;          /* the issuing body; NULL: last year's, else a placeholder */
    const cJSON *previous;     /* last year's report, or NULL */
    const char *previous_name; /* names it in messages */
} nb_init_opts;

/* The whole of `nianbao init` with the edition table `t`: nb_init_resolve, the edition's
 * blank report read from the table's folder, nb_init_report.  Besides their errors,
 * NB_ERR_LAYOUT naming the table when the edition has no "blank", and the errors of
 * reading the blank report (which must be a JSON object), naming its file. */
nb_code nb_init_make(const nb_editions *t, const nb_init_opts *o, nb_buf *out, nb_status *st);

/* Decides the edition and year of the report to make (o->edition / o->year, or from the
 * previous report), checks that the edition is for that year, and stores them: *edition
 * points into `t`.  NB_ERR_USAGE with a message when they do not fit, NB_ERR_DATA when
 * the year is to come from last year's report and it has none. */
nb_code nb_init_resolve(const nb_editions *t, const nb_init_opts *o, const nb_edition **edition,
                        int *year, nb_status *st);

/* Writes the report as JSON text to `out`: `blank` is the edition's blank report (its
 * "blank" file, parsed: a JSON object), `edition` and `year` as nb_init_resolve gave them.
 * Fails only when memory runs out. */
nb_code nb_init_report(const nb_edition *edition, const cJSON *blank, int year,
                       const nb_init_opts *o, nb_buf *out, nb_status *st);

#endif
