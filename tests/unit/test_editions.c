/* test_editions.c — the edition table as a render reads it (editions.h): the official
 * table gives each edition's layout and the default Subject, lists its editions for
 * messages in the table's order, and a table lacking what a render needs fails naming the
 * file and the JSON path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "editions.h"

static void test_official_table(void **state)
{
    (void)state;
    nb_editions t;
    nb_status st = NB_STATUS_INIT;
    if (nb_editions_load(NB_TEST_SRCDIR "/layouts/editions.json", &t, &st)) fail_msg("%s", st.msg);
    assert_string_equal(t.subject, "政府信息公开工作年度报告");
    assert_string_equal(t.dir, NB_TEST_SRCDIR "/layouts");
    assert_int_equal(t.count, 2);
    const nb_edition *e = nb_editions_find(&t, "2021");
    assert_non_null(e);
    assert_string_equal(e->layout, "gov-annual-2021.json");
    assert_string_equal(nb_editions_find(&t, "2019")->layout, "gov-annual-2019.json");
    assert_null(nb_editions_find(&t, "2020"));
    char list[64];
    nb_editions_list(&t, list, sizeof list);
    assert_string_equal(list, "\"2019\" or \"2021\"");
    nb_editions_free(&t);
}

/* Writes `json` to a scratch file and loads it; returns the code (message in st). */
static nb_code load_text(const char *json, nb_editions *t, nb_status *st)
{
    char path[512];
    snprintf(path, sizeof path, "%s/test_editions.json", NB_TEST_BINDIR);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(json, f);
    fclose(f);
    nb_status_clear(st);
    return nb_editions_load(path, t, st);
}

static void test_three_editions_listed(void **state)
{
    (void)state;
    nb_editions t;
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(
        load_text("{\"subject\": \"S\", \"editions\": {\"a\": {\"layout\": \"a.json\"},"
                  " \"b\": {\"layout\": \"b.json\"}, \"c\": {\"layout\": \"c.json\"}}}",
                  &t, &st),
        NB_OK);
    char list[64];
    nb_editions_list(&t, list, sizeof list);
    assert_string_equal(list, "\"a\", \"b\" or \"c\"");
    char small[8];
    nb_editions_list(&t, small, sizeof small); /* cut, still a string */
    assert_true(strlen(small) < sizeof small);
    nb_editions_free(&t);
}

static void expect_error(const char *json, const char *needle)
{
    nb_editions t;
    nb_status st = NB_STATUS_INIT;
    nb_code rc = load_text(json, &t, &st);
    if (rc == NB_OK) {
        nb_editions_free(&t);
        fail_msg("accepted %s, expected an error with '%s'", json, needle);
    }
    assert_int_equal(rc, NB_ERR_LAYOUT);
    if (!strstr(st.msg, "test_editions.json: $")) fail_msg("'%s' names no file", st.msg);
    if (!strstr(st.msg, needle)) fail_msg("'%s' lacks '%s'", st.msg, needle);
    assert_null(t.items);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("[]", "$: expected a JSON object");
    expect_error("{\"editions\": {\"a\": {\"layout\": \"a.json\"}}}", "$.subject: missing");
    expect_error("{\"subject\": 3, \"editions\": {}}", "$.subject: not a non-empty string");
    expect_error("{\"subject\": \"S\"}", "$.editions: missing");
    expect_error("{\"subject\": \"S\", \"editions\": {}}", "$.editions: not an object or empty");
    expect_error("{\"subject\": \"S\", \"editions\": {\"a\": 1}}",
                 "$.editions.a: expected an object");
    expect_error("{\"subject\": \"S\", \"editions\": {\"a\": {\"blank\": \"x\"}}}",
                 "$.editions.a.layout: missing");
    expect_error("{\"subject\": \"S\", \"editions\": {\"a\": {\"layout\": \"../x.json\"}}}",
                 "$.editions.a.layout: \"../x.json\": expected a file name in the table's folder");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_official_table),
        cmocka_unit_test(test_three_editions_listed),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
