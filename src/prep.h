/* prep.h — a batch's font preparation, run by an engine on a thread of its own.
 *
 * In a batch, subsetting the same faces again and again is most of a render's work.  Faces
 * preprocessed by hb_subset_preprocess (font.h) make later subsets copy parsed glyphs
 * instead of interpreting them again (a 560-glyph subset of FandolFang: 0.4 ms instead of
 * 4.5 ms, after about 0.5 s and 140 MB spent once a face).  An nb_prep decides which faces
 * are worth preprocessing and does it beside the renders:
 *
 *   - after the engine's first successful run it notes what each face has cost to subset
 *     so far (none of the first eight runs succeeding: it gives up);
 *   - after the next run (the measurement) it chooses: AUTO a face whose subsetting in that
 *     run, times the runs left, is at least twice the estimated cost of preprocessing it;
 *     ALWAYS every face that qualifies (CFF without subroutines); NEVER none; and starts
 *     a thread that preprocesses them (nb_font_preprocess_make only reads the font);
 *   - at the start of a later run, once the thread has finished (ALWAYS: at the next run,
 *     waiting for it), it installs them on the rendering thread (nb_font_preprocess_adopt
 *     checks that they give the same bytes).  Faces still in preparation when the engine
 *     is freed are dropped: no run was left to use them.
 *
 * The output is the same bytes whatever it decides.  Notes of its decisions go to the
 * run's notes stream when there is one.  nb_prep_busy says whether it still wants runs in
 * this process (a thread does not survive fork: a program forking workers waits for it).
 * The nb_prep belongs to one engine (api.c) and is used on that engine's thread only;
 * nb_prep_free joins the thread and frees faces never installed.
 */
#ifndef NB_PREP_H
#define NB_PREP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "render.h"

typedef struct hb_face_t hb_face_t;

typedef enum nb_prep_mode { NB_PREP_AUTO, NB_PREP_ALWAYS, NB_PREP_NEVER } nb_prep_mode;

enum { NB_PREP_MAX = 16 };

typedef struct nb_prep {
    nb_prep_mode mode;
    int state;       /* private: off, waiting for a success, measuring, running, done */
    size_t expected; /* runs announced */
    size_t runs;     /* runs since */
    nb_font *marked[NB_PREP_MAX];
    double marked_ms[NB_PREP_MAX]; /* each face's subset_ms after the first success */
    size_t nmarked;
    /* the thread's work */
    nb_font *font[NB_PREP_MAX];
    hb_face_t *pre[NB_PREP_MAX];
    double ms[NB_PREP_MAX]; /* what each took */
    size_t n;
    pthread_t thread;
    bool running; /* started and not joined yet */
    int done;     /* set by the thread when it has finished (atomic) */
} nb_prep;

/* Off: no batch. */
void nb_prep_init(nb_prep *p);
/* Announces `runs` runs (0: batch mode off); finishes any earlier preparation first. */
void nb_prep_start(nb_prep *p, size_t runs, nb_prep_mode mode);
/* Before a run: installs finished work. */
void nb_prep_before_run(nb_prep *p, FILE *notes);
/* After a run (`ok`: it succeeded): measures, decides, starts the thread. */
void nb_prep_after_run(nb_prep *p, nb_engine *e, bool ok, FILE *notes);
/* Measuring, or preparing faces not installed yet. */
bool nb_prep_busy(const nb_prep *p);
void nb_prep_free(nb_prep *p);

#endif
