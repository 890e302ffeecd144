/* test_fuzz_corpus.c — replays every input kept under tests/fuzz/corpus/HARNESS/ (crashes and
 * hangs the fuzzers once found, minimized, and hand-made hostile seeds) through the same
 * harness code the fuzzers run, so the ordinary suite (and its ASan+UBSan run) guards
 * against each coming back.  The harnesses trap on a failure without a message, so a
 * regression shows up as a crash or a sanitizer report here.  Also replays the samples,
 * checks each input finishes well within the fuzzers' 10 s hang limit, and that the
 * hand-made CFF seeds read as they were made. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NB_FUZZ_SRCDIR NB_TEST_SRCDIR
#define LLVMFuzzerTestOneInput fuzz_data_one
#include "../fuzz/fuzz_data.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_layout_one
#include "../fuzz/fuzz_layout.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_render_one
#include "../fuzz/fuzz_render.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_binary_one
#include "../fuzz/fuzz_binary.c"
#undef LLVMFuzzerTestOneInput

typedef int (*harness_fn)(const uint8_t *, size_t);

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0, got;
    unsigned char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *grown = realloc(buf, cap *= 2);
            if (!grown) free(buf);
            buf = grown;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs every regular file of `rel_dir` (under the source tree) through `fn`; returns how many.
 * Only names ending in `suffix` when suffix is non-NULL. */
static size_t replay_dir(const char *rel_dir, const char *suffix, harness_fn fn)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s", NB_TEST_SRCDIR, rel_dir);
    DIR *d = opendir(dir);
    if (!d) return 0;
    struct dirent *e;
    size_t count = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        size_t nl = strlen(e->d_name);
        if (suffix && (nl < strlen(suffix) || strcmp(e->d_name + nl - strlen(suffix), suffix)))
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len = 0;
        unsigned char *buf = slurp(path, &len);
        if (!buf) fail_msg("cannot read %s", path);
        double t0 = now_s();
        fn(buf, len);
        double dt = now_s() - t0;
        /* The fuzzers call more than 10 s a hang; an instrumented build is slower, so be
         * generous, but a regression to quadratic behaviour still shows. */
        if (dt > 5.0) fail_msg("%s took %.1f s", path, dt);
        free(buf);
        count++;
    }
    closedir(d);
    return count;
}

static void test_data_corpus(void **state)
{
    (void)state;
    size_t n = replay_dir("tests/fuzz/corpus/data", NULL, fuzz_data_one);
    assert_true(n >= 5); /* the kept inputs are there */
    assert_true(replay_dir("samples", ".json", fuzz_data_one) >= 2);
    assert_true(replay_dir("tests/data/check", ".json", fuzz_data_one) >= 10);
}

static void test_layout_corpus(void **state)
{
    (void)state;
    assert_true(replay_dir("tests/fuzz/corpus/layout", NULL, fuzz_layout_one) >= 3);
    /* the two layouts, and the edition table and blank reports beside them */
    assert_true(replay_dir("layouts", ".json", fuzz_layout_one) >= 2);
}

static void test_render_corpus(void **state)
{
    (void)state;
    assert_true(replay_dir("tests/fuzz/corpus/render", NULL, fuzz_render_one) >= 3);
    assert_true(replay_dir("samples", ".json", fuzz_render_one) >= 2);
}

/* The hand-made CFF tables read as make_seeds.py built them: CID-keyed or not, with the
 * subroutines each was given, a charset covering every glyph. */
static void check_cff_seed(const char *name, bool want_ros, bool want_subrs)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/fuzz/corpus/binary/%s", NB_TEST_SRCDIR, name);
    size_t len = 0;
    unsigned char *p = slurp(path, &len);
    assert_non_null(p);
    bool ros = !want_ros, subrs = !want_subrs;
    size_t charset = 0;
    assert_true(nb_cff_top(p, len, &ros, &charset));
    assert_int_equal(ros, want_ros);
    assert_true(charset > 0 && charset < len);
    assert_true(nb_cff_has_subrs(p, len, &subrs));
    assert_int_equal(subrs, want_subrs);
    unsigned covered = 1;
    if (want_ros) {
        assert_true(nb_cff_charset(p, len, 5, fuzz_binary_count, &covered));
        assert_int_equal(covered, 5);
    }
    free(p);
}

static void test_binary_corpus(void **state)
{
    (void)state;
    assert_true(replay_dir("tests/fuzz/corpus/binary", NULL, fuzz_binary_one) >= 5);
    assert_true(replay_dir("samples", ".json", fuzz_binary_one) >= 2);
    check_cff_seed("cid-no-subrs.cff", true, false);
    check_cff_seed("cid-local-subrs.cff", true, true);
    check_cff_seed("cid-global-subrs.cff", true, true);
    check_cff_seed("name-keyed-subrs.cff", false, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_data_corpus),
        cmocka_unit_test(test_layout_corpus),
        cmocka_unit_test(test_render_corpus),
        cmocka_unit_test(test_binary_corpus),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    /* What the render harness keeps for the whole run. */
    for (int i = 0; i < 2; i++)
        nb_layout_spec_free(&fuzz_render_layouts[i]);
    nb_fontset_free(fuzz_render_fonts);
    nb_fontset_free(fuzz_layout_fonts);
    nb_json_free(&fuzz_layout_data);
    if (fuzz_layout_sink) fclose(fuzz_layout_sink);
    nb_json_free(&fuzz_data_base);
    if (fuzz_data_sink) fclose(fuzz_data_sink);
    if (fuzz_render_sink) fclose(fuzz_render_sink);
    return rc;
}
