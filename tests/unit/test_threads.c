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
 * own (nianbao_options.threads), so four threads run at once.  Through the public interface,
 * as a portal's server would use it.
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

#include "nianbao.h"

#define SEED NB_TEST_SRCDIR "/samples/baofeng-2020.json"
#define COUNTY NB_TEST_SRCDIR "/samples/county-bureau-2021.json"

enum { ROUNDS = 2 };

typedef struct pdf {
    unsigned char *data;
    size_t len;
} pdf;

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot read %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return p;
}

/* A new engine on the source tree's data folder; heading2 (楷体) by family name when
 * by_family, found through fontconfig rather than the map's files.  Each render subsets its
 * faces on two threads of its own. */
static nianbao_engine *engine_for_test(bool by_family)
{
    nianbao_options opts;
    nianbao_options_init(&opts);
    opts.datadir = NB_TEST_SRCDIR;
    opts.threads = 2;
    nianbao_engine *e = nianbao_engine_new(&opts);
    if (e && by_family && nianbao_engine_set_font(e, "heading2", "FandolKai") != NIANBAO_OK) {
        nianbao_engine_free(e);
        return NULL;
    }
    return e;
}

/* Renders the file at `path` with e into *out (malloc'd copy); the status, and the message
 * in msg. */
static int render_with(nianbao_engine *e, const char *path, pdf *out, char *msg, size_t n)
{
    size_t len;
    char *data = slurp(path, &len);
    nianbao_result *r = NULL;
    int rc = nianbao_render(e, data, len, NULL, 0, &r);
    free(data);
    snprintf(msg, n, "%s", r ? nianbao_result_error(r) : "no result");
    out->data = NULL;
    out->len = 0;
    if (rc == NIANBAO_OK) {
        const unsigned char *p = nianbao_result_pdf(r, &out->len);
        out->data = malloc(out->len);
        if (out->data)
            memcpy(out->data, p, out->len);
        else
            rc = NIANBAO_ERR_NOMEM;
    }
    nianbao_result_free(r);
    return rc;
}

/* The single-threaded reference: a fresh engine, one render. */
static void render_alone(const char *path, bool by_family, pdf *out)
{
    nianbao_engine *e = engine_for_test(by_family);
    assert_non_null(e);
    char msg[1200];
    if (render_with(e, path, out, msg, sizeof msg) != NIANBAO_OK) fail_msg("%s", msg);
    assert_true(out->len > 1000);
    assert_memory_equal(out->data, "%PDF-1.4", 8);
    nianbao_engine_free(e);
}

typedef struct worker {
    const char *data;
    bool by_family;
    pthread_barrier_t *start;
    pdf out[ROUNDS];
    char msg[1200];
    int rc;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    nianbao_engine *e = engine_for_test(w->by_family);
    pthread_barrier_wait(w->start);
    w->rc = e ? NIANBAO_OK : NIANBAO_ERR_NOMEM;
    for (int r = 0; r < ROUNDS && w->rc == NIANBAO_OK; r++)
        w->rc = render_with(e, w->data, &w->out[r], w->msg, sizeof w->msg);
    nianbao_engine_free(e);
    return NULL;
}

/* Renders a on one thread and b on another at once, ROUNDS times each with one engine per
 * thread, and compares every PDF with the reference. */
static void race(const char *a, const pdf *ref_a, const char *b, const pdf *ref_b, bool by_family)
{
    pthread_barrier_t start;
    assert_int_equal(pthread_barrier_init(&start, NULL, 2), 0);
    worker w[2] = {{.data = a, .by_family = by_family, .start = &start},
                   {.data = b, .by_family = by_family, .start = &start}};
    const pdf *ref[2] = {ref_a, ref_b};
    pthread_t tid[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&tid[i], NULL, work, &w[i]), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(tid[i], NULL), 0);
    pthread_barrier_destroy(&start);
    for (int i = 0; i < 2; i++) {
        if (w[i].rc != NIANBAO_OK) fail_msg("thread %d (%s): %s", i, w[i].data, w[i].msg);
        for (int r = 0; r < ROUNDS; r++) {
            if (w[i].out[r].len != ref[i]->len ||
                memcmp(w[i].out[r].data, ref[i]->data, ref[i]->len) != 0)
                fail_msg("thread %d, render %d of %s: %zu bytes differ from the %zu bytes of the "
                         "single-threaded render",
                         i, r + 1, w[i].data, w[i].out[r].len, ref[i]->len);
            free(w[i].out[r].data);
        }
    }
}

static void test_two_engines_two_threads(void **state)
{
    (void)state;
    pdf seed, county, seed_fc, county_fc;
    render_alone(SEED, false, &seed);
    render_alone(COUNTY, false, &county);
    render_alone(SEED, true, &seed_fc);
    render_alone(COUNTY, true, &county_fc);
    /* the two samples are different documents, so the comparison below can tell them apart */
    assert_true(seed.len != county.len || memcmp(seed.data, county.data, seed.len) != 0);
    race(SEED, &seed, COUNTY, &county, false);
    race(SEED, &seed, SEED, &seed, false);
    race(SEED, &seed_fc, COUNTY, &county_fc, true);
    free(seed.data);
    free(county.data);
    free(seed_fc.data);
    free(county_fc.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_engines_two_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
