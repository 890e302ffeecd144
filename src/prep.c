/* prep.c — a batch's font preparation beside the renders (see prep.h). */
#include "prep.h"

#include <hb.h>
#include <string.h>

#include "clock.h"
#include "font.h"

enum { OFF, FIRST, MEASURE, RUNNING, DONE };

/* Runs that may fail before the first success; then nothing is prepared. */
enum { FIRST_TRIES = 8 };

void nb_prep_init(nb_prep *p)
{
    memset(p, 0, sizeof *p);
    p->state = OFF;
}

static void *prep_thread(void *arg)
{
    nb_prep *p = arg;
    for (size_t k = 0; k < p->n; k++) {
        double t = nb_now_ms();
        p->pre[k] = nb_font_preprocess_make(p->font[k]);
        p->ms[k] = nb_now_ms() - t;
    }
    __atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

/* Joins the thread and installs what it made (notes on `notes` when not NULL). */
static void finish(nb_prep *p, FILE *notes)
{
    if (p->state != RUNNING) return;
    if (p->running) pthread_join(p->thread, NULL);
    p->running = false;
    for (size_t k = 0; k < p->n; k++) {
        nb_font *f = p->font[k];
        const char *name = f->postscript_name ? f->postscript_name : f->path;
        if (!p->pre[k]) {
            if (notes) fprintf(notes, "nianbao: note: %s: preprocessing failed\n", name);
        } else if (!nb_font_preprocess_adopt(f, p->pre[k])) {
            if (notes)
                fprintf(notes, "nianbao: note: %s: preprocessed subsets differ; not used\n", name);
        } else if (notes) {
            fprintf(notes, "nianbao: note: %s: preprocessed for subsetting (%.0f ms)\n", name,
                    p->ms[k]);
        }
        p->pre[k] = NULL; /* adopted or freed by nb_font_preprocess_adopt */
    }
    p->n = 0;
    p->state = DONE;
}

void nb_prep_start(nb_prep *p, size_t runs, nb_prep_mode mode)
{
    finish(p, NULL);
    nb_prep_init(p);
    if (runs == 0) return;
    p->mode = mode;
    p->expected = runs;
    p->state = FIRST;
}

bool nb_prep_busy(const nb_prep *p)
{
    return p->state == MEASURE || p->state == RUNNING;
}

void nb_prep_before_run(nb_prep *p, FILE *notes)
{
    /* ALWAYS waits for the thread: asked for, the faces serve every run after the choice */
    if (p->state == RUNNING &&
        (p->mode == NB_PREP_ALWAYS || !p->running || __atomic_load_n(&p->done, __ATOMIC_ACQUIRE)))
        finish(p, notes);
}

/* Roughly what nb_font_preprocess_make costs for a face (HarfBuzz 6.0: 50-75 us a glyph
 * of the face, measured on the Fandol faces). */
static double estimate_ms(const nb_font *f)
{
    return 0.06 * f->num_glyphs;
}

/* Chooses the faces and starts the thread. */
static void choose(nb_prep *p, nb_engine *e, FILE *notes)
{
    size_t left = p->expected > p->runs ? p->expected - p->runs : 0;
    p->state = DONE;
    if (p->mode == NB_PREP_NEVER || left == 0) return;
    nb_font *faces[NB_PREP_MAX];
    size_t n = nb_engine_faces(e, faces, NB_PREP_MAX);
    if (n > NB_PREP_MAX) n = NB_PREP_MAX;
    for (size_t k = 0; k < n; k++) {
        nb_font *f = faces[k];
        if (!f->subsets || !nb_font_preprocessable(f)) continue;
        double last = f->subset_ms;
        for (size_t b = 0; b < p->nmarked; b++)
            if (p->marked[b] == f) last -= p->marked_ms[b];
        double est = estimate_ms(f);
        bool pays = (double)left * last >= 2 * est;
        if (notes)
            fprintf(notes,
                    "nianbao: note: %s: subsetting took %.2f ms on the last file; "
                    "preprocessing, about %.0f ms, %s\n",
                    f->postscript_name ? f->postscript_name : f->path, last, est,
                    p->mode == NB_PREP_ALWAYS ? "asked for"
                    : pays                    ? "pays off over the files left"
                                              : "would not pay off");
        if (p->mode == NB_PREP_ALWAYS || pays) p->font[p->n++] = f;
    }
    if (p->n == 0) return;
    p->state = RUNNING;
    p->done = 0;
    p->running = pthread_create(&p->thread, NULL, prep_thread, p) == 0;
    if (!p->running) prep_thread(p); /* no thread: do it here */
}

void nb_prep_after_run(nb_prep *p, nb_engine *e, bool ok, FILE *notes)
{
    if (p->state == OFF || p->state == DONE || p->state == RUNNING) return;
    p->runs++;
    if (p->state == FIRST) {
        if (!ok) {
            if (p->runs >= FIRST_TRIES) p->state = DONE;
            return;
        }
        size_t n = nb_engine_faces(e, p->marked, NB_PREP_MAX);
        p->nmarked = n > NB_PREP_MAX ? NB_PREP_MAX : n;
        for (size_t k = 0; k < p->nmarked; k++)
            p->marked_ms[k] = p->marked[k]->subset_ms;
        p->state = p->mode == NB_PREP_NEVER ? DONE : MEASURE;
        return;
    }
    choose(p, e, notes); /* MEASURE */
}

void nb_prep_free(nb_prep *p)
{
    if (p->running) pthread_join(p->thread, NULL);
    p->running = false;
    for (size_t k = 0; k < p->n; k++)
        if (p->pre[k]) hb_face_destroy(p->pre[k]);
    p->n = 0;
    p->state = OFF;
}
