/* editions.h — the edition table (layouts/editions.json, format in docs/editions.md), as
 * the library uses it: which editions of the official template exist, the layout that
 * prints each, the PDF's Subject when the data gives none, and for `nianbao init` each
 * edition's blank report, the report years it is for and what carries from last year's
 * report into the next.
 *
 * The library knows no edition by name: a report's `edition` picks its layout through this
 * table, `init` picks an edition by year through it, and messages list the editions the
 * table has.  This module is the only one that knows the file's shape: nb_editions_load
 * reads the table once and checks every key the library uses (every message names the file
 * and the JSON path); the keys only the report editor reads (name, inputs, sums,
 * placeholder) are left alone.  An nb_editions owns everything it points to (in one arena);
 * free it with nb_editions_free.
 */
#ifndef NB_EDITIONS_H
#define NB_EDITIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "status.h"

/* One rule of an edition's "carry": the value at `to` of the new report is last year's
 * value at `from`, or (from NULL) the sum of last year's values at the `nsum` paths `sum`. */
typedef struct nb_carry {
    const char *to;
    const char *from;
    const char *const *sum;
    size_t nsum;
} nb_carry;

typedef struct nb_edition {
    const char *id;        /* the data's `edition`, "2021" */
    const char *layout;    /* the layout's file name, in the table's folder */
    const char *blank;     /* the blank report's file name, in the table's folder; NULL: none */
    int first_year;        /* the first report year it is for; 0: no first */
    int last_year;         /* the last; 0: every year from first_year on */
    const nb_carry *carry; /* what `init --from` carries, in the table's order */
    size_t ncarry;
} nb_edition;

typedef struct nb_editions {
    const char *path;        /* the table's file */
    const char *dir;         /* its folder: where the layouts and blank reports are */
    const char *subject;     /* the PDF's default Subject */
    const nb_edition *items; /* in the table's order */
    size_t count;
    nb_arena mem; /* holds all of the above */
} nb_editions;

/* Reads the table at `path`.  NB_ERR_IO / NB_ERR_JSON / NB_ERR_LIMIT as any JSON file,
 * NB_ERR_LAYOUT naming the file and the JSON path when a key the library uses is missing
 * or not of its documented kind (docs/editions.md), NB_ERR_NOMEM.  On failure `out` holds
 * nothing (nb_editions_free on it is harmless). */
nb_code nb_editions_load(const char *path, nb_editions *out, nb_status *st);
void nb_editions_free(nb_editions *t);

/* The edition with id `id`, or NULL. */
const nb_edition *nb_editions_find(const nb_editions *t, const char *id);

/* Whether `ed` is for the report year `year`. */
bool nb_edition_has_year(const nb_edition *ed, int year);

/* The first edition, in the table's order, that is for the report year `year`, or NULL. */
const nb_edition *nb_editions_for_year(const nb_editions *t, int year);

/* The editions for a message, "\"2019\" / \"2021\"" (a separator that reads the same in
 * an English and a Chinese message; "none" for an empty table), cut to fit `n` bytes. */
void nb_editions_list(const nb_editions *t, char *buf, size_t n);

#endif
