/* editions.h — what a render needs of the edition table (layouts/editions.json, format in
 * docs/editions.md): which editions of the official template exist, the layout that prints
 * each, and the PDF's Subject when the data gives none.
 *
 * The library knows no edition by name: a report's `edition` picks its layout through this
 * table, and messages list the editions the table has.  nb_editions_load reads the table
 * and checks what it uses (every message names the file and the JSON path); the rest of the
 * table (blank reports, years, carry rules) is init.c's.  An nb_editions owns its strings;
 * free it with nb_editions_free.
 */
#ifndef NB_EDITIONS_H
#define NB_EDITIONS_H

#include <stddef.h>

#include "status.h"

typedef struct nb_edition {
    char *id;     /* the data's `edition`, "2021" */
    char *layout; /* the layout's file name, in the table's folder */
} nb_edition;

typedef struct nb_editions {
    char *path;    /* the table's file */
    char *dir;     /* its folder: where the layouts are */
    char *subject; /* the PDF's default Subject */
    nb_edition *items;
    size_t count;
} nb_editions;

/* Reads the table at `path`.  NB_ERR_IO / NB_ERR_JSON / NB_ERR_LIMIT as any JSON file,
 * NB_ERR_LAYOUT naming the JSON path when the table lacks what a render needs. */
nb_code nb_editions_load(const char *path, nb_editions *out, nb_status *st);
void nb_editions_free(nb_editions *t);

/* The edition with id `id`, or NULL. */
const nb_edition *nb_editions_find(const nb_editions *t, const char *id);

/* The editions for a message, "\"2019\" or \"2021\"" ("\"a\", \"b\" or \"c\"; "none" for
 * an empty table), cut to fit `n` bytes. */
void nb_editions_list(const nb_editions *t, char *buf, size_t n);

#endif
