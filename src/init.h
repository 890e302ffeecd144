/* init.h — a report to start from: the blank report of an edition filled with the year and
 * the issuing body, or next year's report made from last year's.
 *
 * Everything report-specific comes from the edition table (layouts/editions.json, format in
 * docs/editions.md): which editions exist and for which years, the blank report of each
 * (every key present, counts and amounts null, the sentences a report usually has as
 * editable text with 【请填写…】 where the office must add its own words), and what carries
 * from one year to the next.  This module only follows it: {body} and {year} in the blank's
 * strings are replaced (a string that is exactly "{year}" becomes the number), and with last
 * year's report: the body, the title and opening with last year's "YYYY年" made this
 * year's (when the edition is the same), the sections' sub-headings (each followed by a
 * 【请填写】 paragraph), the subject, and the carry rules' values.  The result is JSON text
 * written by jsonout.h, owned by the caller's nb_buf.
 */
#ifndef NB_INIT_H
#define NB_INIT_H

#include "buf.h"
#include "status.h"

typedef struct cJSON cJSON;

typedef struct nb_init_opts {
    const char *edition;       /* "2019", "2021"; NULL: the edition of the report year */
    int year;                  /* the report year; 0: last year's report's year + 1 */
    const char *body;          /* the issuing body; NULL: last year's, else a placeholder */
    const cJSON *previous;     /* last year's report, or NULL */
    const char *previous_name; /* names it in messages */
} nb_init_opts;

/* The edition of `table` (the parsed editions.json) with id `id`, or NULL. */
const cJSON *nb_edition_find(const cJSON *table, const char *id);

/* The id of the edition whose years include `year`, or NULL. */
const char *nb_edition_for_year(const cJSON *table, int year);

/* Decides the edition and year of the report to make (o->edition / o->year, or from the
 * previous report), checks that the edition is for that year, and stores them: *edition
 * points into `table`.  NB_ERR_USAGE with a message when they do not fit. */
nb_code nb_init_resolve(const cJSON *table, const nb_init_opts *o, const char **edition, int *year,
                        nb_status *st);

/* Writes the report as JSON text to `out`: `blank` is the edition's blank report (its
 * "blank" file, parsed), `edition` and `year` as nb_init_resolve gave them. */
nb_code nb_init_report(const cJSON *table, const cJSON *blank, const char *edition, int year,
                       const nb_init_opts *o, nb_buf *out, nb_status *st);

#endif
