/* test_editions.c — the edition table (editions.h): the official table gives each
 * edition's layout and the default Subject, and for `nianbao init` its blank report, its
 * years and its carry rules in the table's order; it lists its editions for messages in
 * the table's order; a table lacking what a render needs, or whose blank, years or carry
 * rules are not of their documented kind, fails naming the file and the JSON path; a table
 * with only what a render needs loads. */
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
    /* what `nianbao init` takes from it */
    const nb_edition *e19 = nb_editions_find(&t, "2019");
    assert_string_equal(e19->blank, "blank-2019.json");
    assert_string_equal(e->blank, "blank-2021.json");
    assert_int_equal(e19->first_year, 2019);
    assert_int_equal(e19->last_year, 2020);
    assert_int_equal(e->first_year, 2021);
    assert_int_equal(e->last_year, 0); /* every year from 2021 on */
    assert_true(nb_edition_has_year(e19, 2020) && !nb_edition_has_year(e19, 2021));
    assert_true(nb_edition_has_year(e, 2021) && nb_edition_has_year(e, 2999));
    assert_ptr_equal(nb_editions_for_year(&t, 2019), e19);
    assert_ptr_equal(nb_editions_for_year(&t, 2030), e);
    assert_null(nb_editions_for_year(&t, 2018));
    /* 2019: five sums (上一年项目数量 + 本年增/减) and one copy, in the table's order */
    assert_int_equal(e19->ncarry, 6);
    assert_string_equal(e19->carry[0].to, "active.licensing.previous_count");
    assert_null(e19->carry[0].from);
    assert_int_equal(e19->carry[0].nsum, 2);
    assert_string_equal(e19->carry[0].sum[0], "active.licensing.previous_count");
    assert_string_equal(e19->carry[0].sum[1], "active.licensing.change");
    assert_string_equal(e19->carry[5].to, "applications.carried_over");
    assert_string_equal(e19->carry[5].from, "applications.carried_forward");
    assert_null(e19->carry[5].sum);
    assert_int_equal(e->ncarry, 3);
    for (size_t i = 0; i < e->ncarry; i++)
        assert_non_null(e->carry[i].from);
    char list[64];
    nb_editions_list(&t, list, sizeof list);
    assert_string_equal(list, "\"2019\" / \"2021\"");
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
    assert_string_equal(list, "\"a\" / \"b\" / \"c\"");
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
    /* what `nianbao init` uses: optional, but of its kind when present */
#define ED_A(rest) "{\"subject\": \"S\", \"editions\": {\"a\": {\"layout\": \"a.json\", " rest "}}}"
    expect_error(ED_A("\"blank\": \"\""), "$.editions.a.blank: not a non-empty string");
    expect_error(ED_A("\"blank\": \"x/b.json\""),
                 "$.editions.a.blank: \"x/b.json\": expected a file name in the table's folder");
    expect_error(ED_A("\"first_year\": \"2019\""),
                 "$.editions.a.first_year: expected a year, a whole number such as 2021");
    expect_error(ED_A("\"last_year\": 2020.5"),
                 "$.editions.a.last_year: expected a year, a whole number such as 2021");
    expect_error(ED_A("\"first_year\": 2021, \"last_year\": 2020"),
                 "$.editions.a.last_year: 2020 is before first_year, 2021");
    expect_error(ED_A("\"carry\": {}"),
                 "$.editions.a.carry: expected an array of rules (see docs/editions.md)");
    const char *rule_shape = "expected {\"to\": PATH, \"from\": PATH} or {\"to\": PATH, "
                             "\"sum\": [PATH, ...]}";
    expect_error(ED_A("\"carry\": [3]"), "$.editions.a.carry[0]: ");
    expect_error(ED_A("\"carry\": [3]"), rule_shape);
    expect_error(ED_A("\"carry\": [{\"to\": \"x\", \"from\": \"y\"}, {\"to\": \"x\"}]"),
                 "$.editions.a.carry[1]: expected {");
    expect_error(ED_A("\"carry\": [{\"to\": \"x\", \"from\": \"y\", \"sum\": [\"y\"]}]"),
                 rule_shape);
    expect_error(ED_A("\"carry\": [{\"from\": \"y\"}]"), "$.editions.a.carry[0].to: missing");
    expect_error(ED_A("\"carry\": [{\"to\": \"x\", \"from\": 1}]"),
                 "$.editions.a.carry[0].from: not a non-empty string");
    expect_error(ED_A("\"carry\": [{\"to\": \"x\", \"sum\": []}]"),
                 "$.editions.a.carry[0].sum: expected an array of one or more paths");
    expect_error(ED_A("\"carry\": [{\"to\": \"x\", \"sum\": [\"y\", 2]}]"),
                 "$.editions.a.carry[0].sum: expected an array of one or more paths");
    expect_error(ED_A("\"carry\": [{\"to\": \"x\", \"sum\": \"y\"}]"),
                 "$.editions.a.carry[0].sum: expected an array of one or more paths");
#undef ED_A
}

/* A table with only what a render needs still loads: init's keys are optional. */
static void test_render_only_table(void **state)
{
    (void)state;
    nb_editions t;
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(
        load_text("{\"subject\": \"S\", \"editions\": {\"a\": {\"layout\": \"a.json\"}}}", &t, &st),
        NB_OK);
    const nb_edition *a = nb_editions_find(&t, "a");
    assert_null(a->blank);
    assert_int_equal(a->first_year, 0);
    assert_int_equal(a->last_year, 0);
    assert_int_equal(a->ncarry, 0);
    assert_true(nb_edition_has_year(a, 1990));
    nb_editions_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_official_table),
        cmocka_unit_test(test_three_editions_listed),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_render_only_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
