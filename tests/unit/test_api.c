/* test_api.c — libnianbao's public interface (include/nianbao.h), through the shared
 * library, as a program that links it sees it.
 *
 * Renders the seed from memory and reads the PDF back with pdftotext; the findings as JSON
 * (parsed) and as text; the checker alone, with last year's report; failures with their
 * codes and messages (malformed JSON naming line:column, an unknown font role listing the
 * roles, checker errors stopping a render unless forced, a missing character unless
 * allowed) and every result accessor on a failed run; a warm engine reused for several
 * renders, and other data in between, giving the same bytes as a new engine; two engines
 * rendering at once on two threads; the date setting; a layout given as bytes; the box
 * dump against the golden file.  The data folder is the source tree.
 */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nianbao.h"

#define SEED NB_TEST_SRCDIR "/samples/baofeng-2020.json"
#define COUNTY NB_TEST_SRCDIR "/samples/county-bureau-2021.json"

typedef struct blob {
    char *data;
    size_t len;
} blob;

static blob slurp(const char *path)
{
    blob b = {0};
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b.data = malloc((size_t)n + 1);
    assert_non_null(b.data);
    assert_int_equal(fread(b.data, 1, (size_t)n, f), (size_t)n);
    b.data[n] = '\0';
    b.len = (size_t)n;
    fclose(f);
    return b;
}

static nianbao_engine *engine(void)
{
    nianbao_options o;
    nianbao_options_init(&o);
    o.datadir = NB_TEST_SRCDIR;
    nianbao_engine *e = nianbao_engine_new(&o);
    assert_non_null(e);
    return e;
}

/* Renders `b` with `e` and returns the PDF (malloc'd copy), failing the test otherwise. */
static blob render_pdf(nianbao_engine *e, blob b)
{
    nianbao_result *r = NULL;
    int rc = nianbao_render(e, b.data, b.len, NULL, 0, &r);
    if (rc != NIANBAO_OK) fail_msg("render: %d %s", rc, nianbao_result_error(r));
    size_t n;
    const unsigned char *pdf = nianbao_result_pdf(r, &n);
    blob out = {malloc(n), n};
    assert_non_null(out.data);
    memcpy(out.data, pdf, n);
    nianbao_result_free(r);
    return out;
}

static bool same(blob a, blob b)
{
    return a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
}

/* pdftotext of the PDF bytes (malloc'd). */
static char *pdf_text(blob pdf)
{
    char path[] = "/tmp/nb_test_api_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, pdf.data, pdf.len), (ssize_t)pdf.len);
    close(fd);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s - 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 20, n = 0;
    char *text = malloc(cap);
    size_t got;
    while ((got = fread(text + n, 1, cap - 1 - n, p)) > 0)
        n += got;
    text[n] = '\0';
    assert_int_equal(pclose(p), 0);
    unlink(path);
    return text;
}

static void test_render_from_memory(void **state)
{
    (void)state;
    blob seed = slurp(SEED);
    nianbao_engine *e = engine();
    assert_int_equal(nianbao_engine_set_names(e, "baofeng-2020.json", NULL), NIANBAO_OK);
    nianbao_result *r = NULL;
    assert_int_equal(nianbao_render(e, seed.data, seed.len, NULL, 0, &r), NIANBAO_OK);
    assert_int_equal(nianbao_result_status(r), NIANBAO_OK);
    assert_string_equal(nianbao_result_error(r), "");
    size_t n;
    const unsigned char *pdf = nianbao_result_pdf(r, &n);
    assert_non_null(pdf);
    assert_true(n > 10000);
    assert_memory_equal(pdf, "%PDF-", 5);
    assert_true(nianbao_result_pages(r) >= 3);
    char *text = pdf_text((blob){(char *)pdf, n});
    assert_non_null(strstr(text, "政府信息公开工作年度报告"));
    assert_non_null(strstr(text, "靖安县宝峰镇"));
    free(text);
    /* the seed has one warning: its signing date is after the report year */
    assert_int_equal(nianbao_result_errors(r), 0);
    assert_int_equal(nianbao_result_warnings(r), 1);
    cJSON *j = cJSON_Parse(nianbao_result_findings_json(r));
    assert_non_null(j);
    assert_string_equal(cJSON_GetObjectItem(j, "file")->valuestring, "baofeng-2020.json");
    cJSON *items = cJSON_GetObjectItem(j, "findings");
    assert_int_equal(cJSON_GetArraySize(items), 1);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "rule")->valuestring,
                        "date.after_period");
    assert_int_equal(cJSON_GetObjectItem(j, "warnings")->valueint, 1);
    cJSON_Delete(j);
    const char *t = nianbao_result_findings_text(r);
    assert_non_null(strstr(t, "baofeng-2020.json: warning: "));
    assert_non_null(strstr(t, "[signature.date, year]"));
    assert_string_equal(nianbao_result_notes(r), ""); /* notes off */
    assert_string_equal(nianbao_result_dump(r), "");  /* dump off */
    /* times: every stage is there */
    double total = nianbao_result_time(r, "total"), sum = 0;
    assert_true(total > 0);
    const char *stages[] = {"read",      "fonts",    "check",  "shape",
                            "linebreak", "paginate", "subset", "write"};
    for (size_t k = 0; k < sizeof stages / sizeof *stages; k++) {
        double v = nianbao_result_time(r, stages[k]);
        assert_true(v >= 0);
        sum += v;
    }
    assert_true(nianbao_result_time(r, "subset") > 0);
    /* (no comparison of the parts with the total: subsetting runs on threads of its own,
     * and timings belong in bench/, not in tests) */
    (void)sum;
    assert_true(nianbao_result_time(r, "nonsense") == -1);
    nianbao_result_free(r);
    nianbao_engine_free(e);
    free(seed.data);
}

static void test_check_only(void **state)
{
    (void)state;
    nianbao_engine *e = engine();
    blob bad = slurp(NB_TEST_SRCDIR "/tests/data/check/corner-rule.json");
    nianbao_engine_set_names(e, "corner-rule.json", NULL);
    nianbao_result *r = NULL;
    assert_int_equal(nianbao_check(e, bad.data, bad.len, &r), NIANBAO_OK); /* it ran */
    assert_int_equal(nianbao_result_errors(r), 2);
    assert_null(nianbao_result_pdf(r, NULL));
    cJSON *j = cJSON_Parse(nianbao_result_findings_json(r));
    assert_non_null(j);
    cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "findings"))
        assert_string_equal(cJSON_GetObjectItem(it, "rule")->valuestring, "B.corner");
    cJSON_Delete(j);
    nianbao_result_free(r);
    free(bad.data);

    /* with last year's report, the carry-over rule */
    blob prev = slurp(NB_TEST_SRCDIR "/samples/pair-2021.json");
    blob cur = slurp(NB_TEST_SRCDIR "/tests/data/check/carry-over-mismatch.json");
    assert_int_equal(nianbao_engine_set_previous(e, prev.data, prev.len, "pair-2021.json"),
                     NIANBAO_OK);
    assert_int_equal(nianbao_check(e, cur.data, cur.len, &r), NIANBAO_OK);
    assert_true(nianbao_result_errors(r) > 0);
    assert_non_null(strstr(nianbao_result_findings_json(r), "year.carry_over"));
    assert_non_null(
        strstr(nianbao_result_findings_text(r), "previous:applications.carried_forward"));
    nianbao_result_free(r);
    /* and without it, none */
    assert_int_equal(nianbao_engine_set_previous(e, NULL, 0, NULL), NIANBAO_OK);
    assert_int_equal(nianbao_check(e, cur.data, cur.len, &r), NIANBAO_OK);
    assert_null(strstr(nianbao_result_findings_json(r), "year.carry_over"));
    nianbao_result_free(r);
    /* a report of last year missing a key: an error finding on its previous: path */
    blob broken = slurp(NB_TEST_SRCDIR "/tests/data/check/missing-field.json");
    nianbao_engine_set_previous(e, broken.data, broken.len, "last year (test)");
    assert_int_equal(nianbao_check(e, cur.data, cur.len, &r), NIANBAO_OK);
    assert_true(nianbao_result_errors(r) > 0);
    assert_non_null(strstr(nianbao_result_findings_json(r), "previous:applications"));
    nianbao_result_free(r);
    /* one that cannot be read as a report at all is named as such */
    const char unreadable[] = "{\"edition\": \"2020\"}";
    nianbao_engine_set_previous(e, unreadable, sizeof unreadable - 1, "last year (test)");
    assert_int_equal(nianbao_check(e, cur.data, cur.len, &r), NIANBAO_ERR_INPUT);
    assert_non_null(strstr(nianbao_result_error(r), "last year (test): $.edition"));
    nianbao_result_free(r);
    nianbao_engine_free(e);
    free(prev.data);
    free(cur.data);
    free(broken.data);
}

/* Every accessor of a failed run: no PDF, the code again, a message. */
static void assert_failed(const nianbao_result *r, int code)
{
    assert_int_equal(nianbao_result_status(r), code);
    size_t n = 99;
    assert_null(nianbao_result_pdf(r, &n));
    assert_int_equal(n, 0);
    assert_int_equal(nianbao_result_pages(r), 0);
    assert_true(strlen(nianbao_result_error(r)) > 0);
}

static void test_errors(void **state)
{
    (void)state;
    nianbao_engine *e = engine();
    nianbao_engine_set_names(e, "broken.json", NULL);
    nianbao_result *r = NULL;
    const char bad[] = "{\n  \"edition\": \"2021\",\n  \"year\" 2021\n}\n";
    assert_int_equal(nianbao_render(e, bad, sizeof bad - 1, NULL, 0, &r), NIANBAO_ERR_INPUT);
    assert_failed(r, NIANBAO_ERR_INPUT);
    assert_non_null(strstr(nianbao_result_error(r), "broken.json:3:10: JSON syntax error"));
    assert_string_equal(nianbao_result_findings_json(r), ""); /* not read far enough */
    assert_int_equal(nianbao_result_errors(r), 0);
    nianbao_result_free(r);
    /* the checker alone says the same */
    assert_int_equal(nianbao_check(e, bad, sizeof bad - 1, &r), NIANBAO_ERR_INPUT);
    assert_non_null(strstr(nianbao_result_error(r), "broken.json:3:10:"));
    nianbao_result_free(r);

    /* an unknown font role: refused at once, the roles listed; the engine goes on */
    assert_int_equal(nianbao_engine_set_font(e, "bodytext", "/x.otf"), NIANBAO_ERR_USAGE);
    assert_non_null(strstr(nianbao_engine_error(e), "'bodytext'"));
    assert_non_null(
        strstr(nianbao_engine_error(e), "title, body, heading1, heading2, table and pagenum"));
    /* a font that does not exist: the next run fails naming it; NULL restores the map's */
    assert_int_equal(nianbao_engine_set_font(e, "body", "/nonexistent/font.otf"), NIANBAO_OK);
    assert_string_equal(nianbao_engine_error(e), "");
    blob seed = slurp(SEED);
    assert_int_equal(nianbao_render(e, seed.data, seed.len, NULL, 0, &r), NIANBAO_ERR_FONT);
    assert_failed(r, NIANBAO_ERR_FONT);
    assert_non_null(strstr(nianbao_result_error(r), "/nonexistent/font.otf"));
    nianbao_result_free(r);
    assert_int_equal(nianbao_engine_set_font(e, "body", NULL), NIANBAO_OK);

    /* checker errors stop a render, unless forced; the findings are there either way */
    blob corner = slurp(NB_TEST_SRCDIR "/tests/data/check/corner-rule.json");
    assert_int_equal(nianbao_render(e, corner.data, corner.len, NULL, 0, &r), NIANBAO_ERR_CHECK);
    assert_failed(r, NIANBAO_ERR_CHECK);
    assert_int_equal(nianbao_result_errors(r), 2);
    assert_non_null(strstr(nianbao_result_error(r), "2 error(s) found by the checker"));
    nianbao_result_free(r);
    nianbao_engine_set_force(e, 1);
    assert_int_equal(nianbao_render(e, corner.data, corner.len, NULL, 0, &r), NIANBAO_OK);
    assert_non_null(nianbao_result_pdf(r, NULL));
    assert_int_equal(nianbao_result_errors(r), 2);
    nianbao_result_free(r);
    nianbao_engine_set_force(e, 0);

    /* a character no font has: an error naming it, or with allow_missing_glyphs a box
     * and a warning among the notes */
    cJSON *d = cJSON_Parse(seed.data);
    cJSON *ov = cJSON_GetObjectItem(cJSON_GetObjectItem(d, "sections"), "overview");
    cJSON *first = cJSON_GetArrayItem(ov, 0);
    char *para = malloc(strlen(first->valuestring) + 8);
    sprintf(para, "%s\xee\x80\x80", first->valuestring); /* U+E000 */
    cJSON_ReplaceItemInArray(ov, 0, cJSON_CreateString(para));
    free(para);
    char *pua = cJSON_PrintUnformatted(d);
    cJSON_Delete(d);
    assert_int_equal(nianbao_render(e, pua, strlen(pua), NULL, 0, &r), NIANBAO_ERR_FONT);
    assert_non_null(strstr(nianbao_result_error(r), "U+E000"));
    assert_non_null(strstr(nianbao_result_error(r), "$.sections.overview[0]"));
    nianbao_result_free(r);
    nianbao_engine_set_allow_missing_glyphs(e, 1);
    assert_int_equal(nianbao_render(e, pua, strlen(pua), NULL, 0, &r), NIANBAO_OK);
    assert_non_null(strstr(nianbao_result_notes(r), "nianbao: warning: "));
    assert_non_null(strstr(nianbao_result_notes(r), "U+E000"));
    nianbao_result_free(r);
    free(pua);

    /* bad arguments: a result naming the entry point and what is missing, but without out */
    assert_int_equal(nianbao_render(NULL, seed.data, seed.len, NULL, 0, &r), NIANBAO_ERR_USAGE);
    assert_failed(r, NIANBAO_ERR_USAGE);
    assert_string_equal(nianbao_result_error(r), "nianbao_render: no engine (NULL)");
    nianbao_result_free(r);
    assert_int_equal(nianbao_render(e, NULL, 0, NULL, 0, &r), NIANBAO_ERR_USAGE);
    assert_string_equal(nianbao_result_error(r), "nianbao_render: no data (NULL)");
    nianbao_result_free(r);
    assert_int_equal(nianbao_render(e, seed.data, seed.len, NULL, 0, NULL), NIANBAO_ERR_USAGE);
    assert_int_equal(nianbao_check(NULL, seed.data, seed.len, &r), NIANBAO_ERR_USAGE);
    assert_failed(r, NIANBAO_ERR_USAGE);
    assert_string_equal(nianbao_result_error(r), "nianbao_check: no engine (NULL)");
    nianbao_result_free(r);
    assert_int_equal(nianbao_check(e, NULL, 0, &r), NIANBAO_ERR_USAGE);
    assert_string_equal(nianbao_result_error(r), "nianbao_check: no data (NULL)");
    nianbao_result_free(r);
    assert_int_equal(nianbao_check(e, seed.data, seed.len, NULL), NIANBAO_ERR_USAGE);
    assert_int_equal(nianbao_init(NULL, "2021", 2024, NULL, &r), NIANBAO_ERR_USAGE);
    assert_failed(r, NIANBAO_ERR_USAGE);
    assert_string_equal(nianbao_result_error(r), "nianbao_init: no engine (NULL)");
    nianbao_result_free(r);
    assert_int_equal(nianbao_init(e, "2021", 2024, NULL, NULL), NIANBAO_ERR_USAGE);
    assert_int_equal(nianbao_engine_set_batch(e, 10, (nianbao_preprocess)42), NIANBAO_ERR_USAGE);
    assert_int_equal(nianbao_result_status(NULL), NIANBAO_ERR_USAGE);
    assert_string_equal(nianbao_result_error(NULL), "");
    nianbao_result_free(NULL);
    nianbao_engine_free(NULL);
    nianbao_engine_free(e);
    free(seed.data);
    free(corner.data);
}

static void test_warm_engine(void **state)
{
    (void)state;
    blob seed = slurp(SEED), county = slurp(COUNTY);
    nianbao_engine *cold = engine();
    blob want = render_pdf(cold, seed);
    blob want21 = render_pdf(cold, county);
    nianbao_engine_free(cold);
    nianbao_engine *e = engine();
    for (int i = 0; i < 3; i++) {
        blob got = render_pdf(e, seed);
        assert_true(same(got, want));
        free(got.data);
    }
    blob got21 = render_pdf(e, county); /* the other edition in between */
    assert_true(same(got21, want21));
    free(got21.data);
    blob again = render_pdf(e, seed);
    assert_true(same(again, want));
    free(again.data);

    /* the date: a given one changes the bytes, -1 restores the data's */
    nianbao_engine_set_date(e, 1700000000);
    blob dated = render_pdf(e, seed);
    assert_false(same(dated, want));
    assert_non_null(memmem(dated.data, dated.len, "D:20231114", 10));
    free(dated.data);
    nianbao_engine_set_date(e, -1);
    again = render_pdf(e, seed);
    assert_true(same(again, want));
    free(again.data);

    /* the official layout given as bytes, by path or without a name (its font map is
     * then found from DATADIR/layouts): the same PDF */
    blob lay = slurp(NB_TEST_SRCDIR "/layouts/gov-annual-2019.json");
    const char *names[] = {NB_TEST_SRCDIR "/layouts/gov-annual-2019.json", NULL};
    for (int k = 0; k < 2; k++) {
        nianbao_result *r = NULL;
        nianbao_engine_set_names(e, "seed", names[k]);
        assert_int_equal(nianbao_render(e, seed.data, seed.len, lay.data, lay.len, &r), NIANBAO_OK);
        size_t n;
        const unsigned char *pdf = nianbao_result_pdf(r, &n);
        assert_true(n == want.len && memcmp(pdf, want.data, n) == 0);
        nianbao_result_free(r);
    }
    /* ... and the 2019 layout for 2021 data is refused, naming both */
    nianbao_result *r = NULL;
    assert_int_equal(nianbao_render(e, county.data, county.len, lay.data, lay.len, &r),
                     NIANBAO_ERR_INPUT);
    assert_non_null(strstr(nianbao_result_error(r), "is for the 2019 edition"));
    nianbao_result_free(r);
    nianbao_engine_free(e);
    free(lay.data);
    free(want.data);
    free(want21.data);
    free(seed.data);
    free(county.data);
}

/* Two engines on two threads at once give what one thread gives. */
typedef struct job {
    blob data, pdf;
} job;

static void *render_thread(void *arg)
{
    job *j = arg;
    nianbao_engine *e = engine();
    for (int i = 0; i < 2; i++) {
        free(j->pdf.data);
        j->pdf = render_pdf(e, j->data);
    }
    nianbao_engine_free(e);
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    job a = {slurp(SEED), {0}}, b = {slurp(COUNTY), {0}};
    nianbao_engine *e = engine();
    blob want_a = render_pdf(e, a.data), want_b = render_pdf(e, b.data);
    nianbao_engine_free(e);
    pthread_t ta, tb;
    assert_int_equal(pthread_create(&ta, NULL, render_thread, &a), 0);
    assert_int_equal(pthread_create(&tb, NULL, render_thread, &b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    assert_true(same(a.pdf, want_a));
    assert_true(same(b.pdf, want_b));
    free(a.data.data);
    free(a.pdf.data);
    free(b.data.data);
    free(b.pdf.data);
    free(want_a.data);
    free(want_b.data);
}

static void test_dump(void **state)
{
    (void)state;
    blob seed = slurp(SEED), golden = slurp(NB_TEST_SRCDIR "/tests/golden/baofeng-2020.dump");
    nianbao_engine *e = engine();
    nianbao_engine_set_dump(e, 1);
    nianbao_result *r = NULL;
    assert_int_equal(nianbao_render(e, seed.data, seed.len, NULL, 0, &r), NIANBAO_OK);
    assert_string_equal(nianbao_result_dump(r), golden.data);
    nianbao_result_free(r);
    nianbao_engine_free(e);
    free(seed.data);
    free(golden.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render_from_memory),
        cmocka_unit_test(test_check_only),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_warm_engine),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_dump),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
