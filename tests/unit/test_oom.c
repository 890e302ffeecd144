/* test_oom.c — out of memory, SQLite-style: the Nth allocation of a run fails, and the run
 * must end cleanly: NB_ERR_NOMEM with a message saying "out of memory", no crash, and (in
 * the ASan build, where LeakSanitizer checks at exit) nothing leaked — or, where a failure
 * is harmless by design (the shaping cache not keeping an entry, a font's name wanted only
 * for a message that is not printed), success with exactly the result of the run without
 * failures (the same PDF bytes, the same findings).  Each scenario also runs with every
 * allocation from the Nth on failing ("persistent"), as on a starved machine.
 *
 * Which N: a first run with nothing failing counts the run's allocations and records each
 * one's call site (four return addresses).  Layout parsing, checking and init fail every N
 * from 1 to that count (a few thousand runs of a millisecond); a render fails the first
 * 200, then every 61st (37th with a warm engine), and besides the first allocation of every
 * call site, so each site fails at least once; the last run, N = count + 1, must succeed.  With
 * NB_OOM_EVERY=1 in the environment every N is run (about a minute; minutes under ASan).
 * NB_OOM_BACKTRACE=1 prints where each failed allocation was called (addr2line -e
 * test_oom resolves it): the way to find the code that mishandles a failure.
 *
 * Allocations counted and failed: every malloc, calloc, realloc, strdup and strndup called
 * by the library's own code (this program is linked with -Wl,--wrap=… for them, which
 * redirects the calls made from our objects only; HarfBuzz, FreeType, fontconfig, libharu and
 * libc allocate unseen) and every allocation cJSON makes (routed here by cJSON_InitHooks).
 * A failing allocation sets errno to ENOMEM, as malloc does.
 *
 * Scenarios: (a) parsing each official layout from memory (nb_layout_spec_parse); (b)
 * checking a sample report: parsing its JSON (and last year's) and running the checker
 * (nb_json_parse, nb_check); (c) a whole render of a sample to memory (nb_render_mem:
 * data, layout, font map, faces, checker, composition, subsetting, the PDF), with a new
 * engine each run and with one warm engine that every failed run must leave usable; (d)
 * `nianbao init` through the public entry point (nianbao_init: the edition table, the blank
 * report, last year's report and its carry rules, the JSON written), a blank report and
 * next year's from last year's, with a new engine each run and with a warm one, whose
 * edition table is read once; a run that succeeds despite a failed allocation must give
 * the very report of the run without failures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <errno.h>
#include <execinfo.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "jsonin.h"
#include "layout.h"
#include "nianbao.h"
#include "render.h"
#include "status.h"

/* ---- the failing allocator ------------------------------------------------------------ */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);

static atomic_long alloc_count; /* allocations since arm() */
static atomic_long fail_at;     /* the allocation (1-based) that fails; 0: none */
static atomic_bool persistent;  /* every allocation after it fails too */
static atomic_long failed;      /* allocations failed since arm() */

/* NB_OOM_BACKTRACE=1 in the environment prints where each failed allocation was called
 * (resolve the addresses with addr2line -e test_oom): the way to find the code that mishandled
 * a failure this test reports. */
static bool want_backtrace;

/* The reference run (fail_at = LONG_MAX) records each allocation's call site: a hash of the
 * four return addresses above the allocator, so that a sampled sweep can still fail every
 * site once. */
static uint64_t *site_of; /* [allocation - 1] */
static size_t site_cap;

static void record_site(long n)
{
    if ((size_t)n > site_cap) {
        size_t cap = site_cap ? site_cap * 2 : 4096;
        uint64_t *grown = __real_realloc(site_of, cap * sizeof *grown);
        if (!grown) return;
        site_of = grown;
        site_cap = cap;
    }
    void *frames[7];
    int k = backtrace(frames, 7);
    uint64_t h = 1469598103934665603ull; /* FNV-1a over frames 2..6 (above the wrappers) */
    for (int i = 2; i < k; i++) {
        h ^= (uint64_t)(uintptr_t)frames[i];
        h *= 1099511628211ull;
    }
    site_of[n - 1] = h;
}

static bool should_fail(void)
{
    long at = atomic_load(&fail_at);
    if (at == 0) return false;
    long n = atomic_fetch_add(&alloc_count, 1) + 1;
    if (at == LONG_MAX) {
        record_site(n);
        return false;
    }
    if (n == at || (n > at && atomic_load(&persistent))) {
        if (atomic_fetch_add(&failed, 1) == 0 && want_backtrace) {
            void *frames[24];
            int k = backtrace(frames, 24);
            fprintf(stderr, "allocation %ld fails here:\n", n);
            backtrace_symbols_fd(frames, k, 2);
        }
        errno = ENOMEM;
        return true;
    }
    return false;
}

void *__wrap_malloc(size_t n);
void *__wrap_malloc(size_t n)
{
    return should_fail() ? NULL : __real_malloc(n);
}
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : __real_calloc(n, size);
}
void *__wrap_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : __real_realloc(p, n);
}
char *__wrap_strdup(const char *s);
char *__wrap_strdup(const char *s)
{
    return should_fail() ? NULL : __real_strdup(s);
}
char *__wrap_strndup(const char *s, size_t n);
char *__wrap_strndup(const char *s, size_t n)
{
    return should_fail() ? NULL : __real_strndup(s, n);
}
static void *cjson_malloc(size_t n)
{
    return should_fail() ? NULL : __real_malloc(n);
}

static void arm(long n, bool all_after)
{
    atomic_store(&alloc_count, 0);
    atomic_store(&failed, 0);
    atomic_store(&persistent, all_after);
    atomic_store(&fail_at, n);
}

static void disarm(void)
{
    atomic_store(&fail_at, 0);
}

/* ---- the driver ----------------------------------------------------------------------- */

typedef nb_code (*scenario_fn)(const void *ctx, nb_status *st);

/* Runs `fn` with the Nth allocation failing (all_after: and every one after it), for the
 * Ns of a plan made from a first run where nothing fails (which must succeed): every N up
 * to `dense`, then every `step`-th, and besides the first N at which each call site (see
 * record_site) allocates; and last N = the whole run's count + 1, which must complete
 * without reaching its Nth allocation.  NB_OOM_EVERY=1 in the environment: every N. */
static bool every_n;

static void run_all(const char *name, scenario_fn fn, const void *ctx, bool all_after, long dense,
                    long step)
{
    if (every_n) step = 1;
    nb_status st = NB_STATUS_INIT;
    arm(LONG_MAX, false);
    nb_code rc = fn(ctx, &st);
    long total = atomic_load(&alloc_count);
    disarm();
    if (rc != NB_OK) fail_msg("%s: fails without any allocation failing: %s", name, st.msg);
    /* The plan. */
    bool *plan = __real_calloc((size_t)total + 2, sizeof *plan);
    uint64_t *seen = __real_calloc((size_t)total + 1, sizeof *seen);
    assert_true(plan && seen);
    size_t nseen = 0;
    for (long n = 1; n <= total; n++) {
        bool first_here = true;
        for (size_t k = 0; k < nseen && first_here; k++)
            first_here = seen[k] != site_of[n - 1];
        if (first_here) seen[nseen++] = site_of[n - 1];
        plan[n] = n <= dense || step <= 1 || (n - dense) % step == 0 || first_here;
    }
    plan[total + 1] = true;
    free(seen);
    long runs = 0, recovered = 0;
    for (long n = 1; n <= total + 1; n++) {
        if (!plan[n]) continue;
        nb_status_clear(&st);
        arm(n, all_after);
        rc = fn(ctx, &st);
        long hit = atomic_load(&failed);
        disarm();
        if (hit == 0) {
            if (rc != NB_OK)
                fail_msg("%s: allocation %ld never came, yet the run failed: %s", name, n, st.msg);
            if (n <= total)
                fail_msg("%s: allocation %ld of %ld never came (the runs are not alike)", name, n,
                         total);
            continue;
        }
        if (n > total) fail_msg("%s: more than %ld allocations this time", name, total);
        runs++;
        if (rc == NB_OK) {
            recovered++; /* the scenario has checked the result is the reference's */
            if (want_backtrace) fprintf(stderr, "allocation %ld: recovered\n", n);
        } else if (rc != NB_ERR_NOMEM) {
            fail_msg("%s: allocation %ld of %ld failed%s: expected NB_ERR_NOMEM, got %s (%d): "
                     "'%s'",
                     name, n, total, all_after ? " (and all after it)" : "", nb_code_name(rc),
                     (int)rc, st.msg);
        } else if (!strstr(st.msg, "out of memory")) {
            fail_msg("%s: allocation %ld failed: the message does not say so: '%s'", name, n,
                     st.msg);
        }
    }
    free(plan);
    print_message("%s%s: %ld allocations at %zu call sites; %ld runs, each failing one of them%s: "
                  "%ld ended with NB_ERR_NOMEM, %ld recovered with the same result\n",
                  name, all_after ? " (persistent)" : "", total, nseen, runs,
                  all_after ? " and all after it" : "", runs - recovered, recovered);
}

/* ---- (a) layouts ---------------------------------------------------------------------- */

typedef struct text_file {
    const char *name;
    char *text;
    size_t len;
} text_file;

static text_file read_text(const char *rel)
{
    text_file t = {rel, NULL, 0};
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", NB_TEST_SRCDIR, rel);
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    t.text = __real_malloc((size_t)n + 1);
    assert_non_null(t.text);
    assert_int_equal(fread(t.text, 1, (size_t)n, f), (size_t)n);
    t.text[n] = '\0';
    t.len = (size_t)n;
    fclose(f);
    return t;
}

static nb_code parse_layout(const void *ctx, nb_status *st)
{
    const text_file *t = ctx;
    nb_layout_spec spec;
    nb_code rc =
        nb_layout_spec_parse(t->name, t->text, t->len, NB_TEST_SRCDIR "/layouts", &spec, st);
    if (rc == NB_OK) {
        /* A parsed layout is whole: every style named, every block's path known. */
        for (size_t i = 0; i < spec.nstyles; i++)
            assert_non_null(spec.styles[i].name);
        for (size_t i = 0; i < spec.nblocks; i++)
            assert_non_null(spec.blocks[i].json_path);
        assert_non_null(spec.path);
        nb_layout_spec_free(&spec);
    }
    return rc;
}

static void test_layout_parse(void **state)
{
    (void)state;
    const char *names[] = {"layouts/gov-annual-2019.json", "layouts/gov-annual-2021.json"};
    for (size_t i = 0; i < 2; i++) {
        text_file t = read_text(names[i]);
        run_all(names[i], parse_layout, &t, false, LONG_MAX, 1);
        run_all(names[i], parse_layout, &t, true, LONG_MAX, 1);
        free(t.text);
    }
}

/* ---- (b) checking a sample ------------------------------------------------------------ */

typedef struct check_ctx {
    text_file data, previous;
    size_t errors, warnings, notes; /* of the run without failures */
} check_ctx;

static nb_code check_sample(const void *vctx, nb_status *st)
{
    const check_ctx *c = vctx;
    nb_json_doc data = {0}, prev = {0};
    nb_findings f = {0};
    nb_code rc = nb_json_parse(c->data.name, c->data.text, c->data.len, &data, st);
    if (rc == NB_OK && c->previous.text)
        rc = nb_json_parse(c->previous.name, c->previous.text, c->previous.len, &prev, st);
    if (rc == NB_OK) rc = nb_check(data.root, prev.root, &f, st);
    if (rc == NB_OK && atomic_load(&fail_at) == LONG_MAX) { /* the reference run */
        check_ctx *w = (check_ctx *)c;
        w->errors = nb_findings_errors(&f);
        w->warnings = nb_findings_warnings(&f);
        w->notes = nb_findings_notes(&f);
    } else if (rc == NB_OK) { /* a run that succeeded finds what the reference run found */
        assert_int_equal(nb_findings_errors(&f), c->errors);
        assert_int_equal(nb_findings_warnings(&f), c->warnings);
        assert_int_equal(nb_findings_notes(&f), c->notes);
    }
    nb_findings_free(&f);
    nb_json_free(&data);
    nb_json_free(&prev);
    return rc;
}

static void test_check(void **state)
{
    (void)state;
    check_ctx c = {read_text("samples/pair-2022.json"), read_text("samples/pair-2021.json"), 0, 0,
                   0};
    run_all("check samples/pair-2022.json --previous samples/pair-2021.json", check_sample, &c,
            false, LONG_MAX, 1);
    run_all("check samples/pair-2022.json --previous samples/pair-2021.json", check_sample, &c,
            true, LONG_MAX, 1);
    free(c.data.text);
    free(c.previous.text);
    check_ctx s = {read_text("samples/stress-2020.json"), {0}, 0, 0, 0};
    run_all("check samples/stress-2020.json", check_sample, &s, false, LONG_MAX, 1);
    free(s.data.text);
}

/* ---- (c) a whole render to memory ----------------------------------------------------- */

typedef struct render_ctx {
    const text_file *data;
    nb_engine *warm;  /* NULL: a new engine each run (fonts and layout loaded in the run) */
    nb_pdf_bytes ref; /* the PDF of the run without failures */
} render_ctx;

static nb_code render_sample(const void *vctx, nb_status *st)
{
    const render_ctx *c = vctx;
    nb_engine *e = c->warm ? c->warm : nb_engine_new();
    if (!e) return nb_fail(st, NB_ERR_NOMEM, "out of memory (engine)");
    nb_render_opts o;
    nb_render_opts_init(&o);
    o.data_name = c->data->name;
    o.datadir = NB_TEST_SRCDIR;
    o.date = 1600000000;
    o.threads = 1;
    nb_pdf_bytes pdf = {0};
    nb_findings f = {0};
    nb_code rc = nb_render_mem(e, c->data->text, c->data->len, &o, &pdf, &f, NULL, st);
    nb_findings_free(&f);
    if (rc == NB_OK && atomic_load(&fail_at) == LONG_MAX) {
        nb_pdf_bytes_free(&((render_ctx *)c)->ref);
        ((render_ctx *)c)->ref = pdf; /* the reference */
        pdf = (nb_pdf_bytes){0};
    } else if (rc == NB_OK && atomic_load(&fail_at) != 0 &&
               (pdf.len != c->ref.len || memcmp(pdf.data, c->ref.data, pdf.len))) {
        long at = atomic_load(&fail_at);
        disarm();
        fail_msg("allocation %ld failed, yet the render succeeded with another PDF (%zu bytes; "
                 "%zu without failures)",
                 at, pdf.len, c->ref.len);
    }
    nb_pdf_bytes_free(&pdf);
    if (!c->warm) nb_engine_free(e);
    return rc;
}

static void test_render(void **state)
{
    (void)state;
    static const char *const samples[] = {"samples/baofeng-2020.json", "samples/runin-2021.json"};
    for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
        text_file data = read_text(samples[i]);
        char name[200];
        /* A new engine each run: the edition table, the layout, the font map and the faces
         * are read in it. */
        render_ctx c = {&data, NULL, {0}};
        snprintf(name, sizeof name, "render %s (new engine)", samples[i]);
        run_all(name, render_sample, &c, false, 200, 61);
        run_all(name, render_sample, &c, true, 200, 61);
        nb_pdf_bytes_free(&c.ref);
        /* One engine for all runs, warmed by a render first: what a batch's later reports
         * meet.  A run that failed must leave the engine as good as before. */
        c.warm = nb_engine_new();
        assert_non_null(c.warm);
        nb_status st = NB_STATUS_INIT;
        assert_int_equal(render_sample(&(render_ctx){&data, c.warm, {0}}, &st), NB_OK);
        snprintf(name, sizeof name, "render %s (warm engine)", samples[i]);
        run_all(name, render_sample, &c, false, 200, 37);
        nb_pdf_bytes_free(&c.ref);
        nb_engine_free(c.warm);
        free(data.text);
    }
}

/* ---- (d) `nianbao init` through the public entry point -------------------------------- */

typedef struct init_ctx {
    const text_file *previous; /* last year's report, or NULL: a blank report */
    nianbao_engine *warm;      /* NULL: a new engine each run (the edition table read in it) */
    char *ref;                 /* the report of the run without failures */
} init_ctx;

static nb_code init_sample(const void *vctx, nb_status *st)
{
    const init_ctx *c = vctx;
    nianbao_options opts;
    nianbao_options_init(&opts);
    opts.datadir = NB_TEST_SRCDIR;
    nianbao_engine *e = c->warm ? c->warm : nianbao_engine_new(&opts);
    if (!e) return nb_fail(st, NB_ERR_NOMEM, "out of memory (engine)");
    int rc = NIANBAO_OK;
    if (!c->warm && c->previous)
        rc = nianbao_engine_set_previous(e, c->previous->text, c->previous->len, c->previous->name);
    nianbao_result *r = NULL;
    if (rc == NIANBAO_OK)
        rc = c->previous ? nianbao_init(e, NULL, 0, NULL, &r)
                         : nianbao_init(e, "2021", 2024, "某某县某某局", &r);
    /* the result's message; none when even the result could not be made */
    const char *msg = r ? nianbao_result_error(r) : nianbao_engine_error(e);
    if (rc == NIANBAO_ERR_NOMEM && !*msg) msg = "out of memory (no result)";
    nb_code out = NB_OK;
    if (rc == NIANBAO_OK && atomic_load(&fail_at) == LONG_MAX) { /* the reference */
        free(((init_ctx *)c)->ref);
        ((init_ctx *)c)->ref = __real_strdup(nianbao_result_data(r));
    } else if (rc == NIANBAO_OK && atomic_load(&fail_at) != 0 &&
               strcmp(nianbao_result_data(r), c->ref) != 0) {
        long at = atomic_load(&fail_at);
        disarm();
        fail_msg("allocation %ld failed, yet init succeeded with another report:\n%s", at,
                 nianbao_result_data(r));
    } else if (rc == NIANBAO_ERR_NOMEM) {
        out = nb_fail(st, NB_ERR_NOMEM, "%s", msg);
    } else if (rc != NIANBAO_OK) {
        out = nb_fail(st, NB_ERR_INTERNAL, "nianbao_init: status %d: %s", rc, msg);
    }
    nianbao_result_free(r);
    if (!c->warm) nianbao_engine_free(e);
    return out;
}

static void test_init(void **state)
{
    (void)state;
    /* A blank report, and next year's from last year's (the carry rules), each with a new
     * engine (the edition table read in the run) and with one warm engine. */
    text_file prev = read_text("samples/pair-2021.json");
    const text_file *previous[] = {NULL, &prev};
    for (size_t i = 0; i < 2; i++) {
        const char *what = previous[i] ? "init --from samples/pair-2021.json" : "init --year 2024";
        char name[200];
        init_ctx c = {previous[i], NULL, NULL};
        snprintf(name, sizeof name, "%s (new engine)", what);
        run_all(name, init_sample, &c, false, LONG_MAX, 1);
        run_all(name, init_sample, &c, true, LONG_MAX, 1);
        nianbao_options opts;
        nianbao_options_init(&opts);
        opts.datadir = NB_TEST_SRCDIR;
        c.warm = nianbao_engine_new(&opts);
        assert_non_null(c.warm);
        if (previous[i])
            assert_int_equal(nianbao_engine_set_previous(c.warm, prev.text, prev.len, prev.name),
                             NIANBAO_OK);
        nb_status st = NB_STATUS_INIT;
        assert_int_equal(init_sample(&(init_ctx){previous[i], c.warm, NULL}, &st), NB_OK);
        snprintf(name, sizeof name, "%s (warm engine)", what);
        run_all(name, init_sample, &c, false, LONG_MAX, 1);
        nianbao_engine_free(c.warm);
        free(c.ref);
    }
    free(prev.text);
}

int main(void)
{
    want_backtrace = getenv("NB_OOM_BACKTRACE") != NULL;
    every_n = getenv("NB_OOM_EVERY") != NULL;
    cJSON_Hooks hooks = {cjson_malloc, free};
    cJSON_InitHooks(&hooks);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_parse),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_render),
        cmocka_unit_test(test_init),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
