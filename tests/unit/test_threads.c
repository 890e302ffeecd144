/* test_threads.c — two engines on two threads at once give the bytes one thread gives.
 *
 * The library promises no shared mutable state: one engine per thread, and different
 * engines on different threads at the same time.  Each sample is first rendered alone,
 * on this thread, with its own engine; then two threads, each with a new engine of its
 * own, start together (a barrier) and render twice (cold, then with the engine's fonts and
 * layouts warm), once with two different samples (the 2019 edition's seed and the 2021
 * sample: different layouts, tables and glyph sets) and once with the same sample on
 * both (the same font files opened twice), and once more with a role's font given by
 * family name, so that both engines ask fontconfig at the same time.  Every PDF must equal
 * the single-threaded one byte for byte.  Each render also subsets its faces on two threads of its
 * own (nb_render_opts.threads), so four threads run at once.
 *
 * Under ThreadSanitizer (`scripts/dev tsan`, build-tsan/) this is the test that finds a
 * data race between engines, such as a counter in a file-scope static.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

#define SEED NB_TEST_SRCDIR "/samples/baofeng-2020.json"
#define COUNTY NB_TEST_SRCDIR "/samples/county-bureau-2021.json"

enum { ROUNDS = 2 };

/* A family name for heading2 (楷体): found through fontconfig, not the map's files. */
static const char *const BY_FAMILY[] = {"heading2=FandolKai"};

static void opts_for_test(nb_render_opts *o, bool by_family)
{
    nb_render_opts_init(o);
    o->quiet = true; /* the seed has a checker warning */
    o->diag = NULL;
    o->threads = 2;
    if (by_family) {
        o->font_overrides = BY_FAMILY;
        o->nfont_overrides = 1;
    }
}

/* The single-threaded reference: a fresh engine, one render. */
static void render_alone(const char *data, bool by_family, nb_pdf_bytes *out)
{
    nb_engine *e = nb_engine_new();
    assert_non_null(e);
    nb_render_opts o;
    opts_for_test(&o, by_family);
    nb_status st = NB_STATUS_INIT;
    if (nb_render_mem(e, data, &o, out, NULL, &st) != NB_OK) fail_msg("%s", st.msg);
    assert_true(out->len > 1000);
    assert_memory_equal(out->data, "%PDF-1.4", 8);
    nb_engine_free(e);
}

typedef struct worker {
    const char *data;
    bool by_family;
    pthread_barrier_t *start;
    nb_pdf_bytes out[ROUNDS];
    nb_status st;
    nb_code rc;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    nb_engine *e = nb_engine_new();
    nb_render_opts o;
    opts_for_test(&o, w->by_family);
    pthread_barrier_wait(w->start);
    w->rc = e ? NB_OK : NB_ERR_NOMEM;
    for (int r = 0; r < ROUNDS && w->rc == NB_OK; r++)
        w->rc = nb_render_mem(e, w->data, &o, &w->out[r], NULL, &w->st);
    nb_engine_free(e);
    return NULL;
}

/* Renders a on one thread and b on another at once, ROUNDS times each with one engine per
 * thread, and compares every PDF with the reference. */
static void race(const char *a, const nb_pdf_bytes *ref_a, const char *b, const nb_pdf_bytes *ref_b,
                 bool by_family)
{
    pthread_barrier_t start;
    assert_int_equal(pthread_barrier_init(&start, NULL, 2), 0);
    worker w[2] = {{.data = a, .by_family = by_family, .start = &start, .st = NB_STATUS_INIT},
                   {.data = b, .by_family = by_family, .start = &start, .st = NB_STATUS_INIT}};
    const nb_pdf_bytes *ref[2] = {ref_a, ref_b};
    pthread_t tid[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&tid[i], NULL, work, &w[i]), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(tid[i], NULL), 0);
    pthread_barrier_destroy(&start);
    for (int i = 0; i < 2; i++) {
        if (w[i].rc != NB_OK) fail_msg("thread %d (%s): %s", i, w[i].data, w[i].st.msg);
        for (int r = 0; r < ROUNDS; r++) {
            if (w[i].out[r].len != ref[i]->len ||
                memcmp(w[i].out[r].data, ref[i]->data, ref[i]->len) != 0)
                fail_msg("thread %d, render %d of %s: %zu bytes differ from the %zu bytes of the "
                         "single-threaded render",
                         i, r + 1, w[i].data, w[i].out[r].len, ref[i]->len);
            nb_pdf_bytes_free(&w[i].out[r]);
        }
    }
}

static void test_two_engines_two_threads(void **state)
{
    (void)state;
    nb_pdf_bytes seed, county, seed_fc, county_fc;
    render_alone(SEED, false, &seed);
    render_alone(COUNTY, false, &county);
    render_alone(SEED, true, &seed_fc);
    render_alone(COUNTY, true, &county_fc);
    /* the two samples are different documents, so the comparison below can tell them apart */
    assert_true(seed.len != county.len || memcmp(seed.data, county.data, seed.len) != 0);
    race(SEED, &seed, COUNTY, &county, false);
    race(SEED, &seed, SEED, &seed, false);
    race(SEED, &seed_fc, COUNTY, &county_fc, true);
    nb_pdf_bytes_free(&seed);
    nb_pdf_bytes_free(&county);
    nb_pdf_bytes_free(&seed_fc);
    nb_pdf_bytes_free(&county_fc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_engines_two_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
