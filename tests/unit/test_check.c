/* test_check.c — the checker: every rule passes its consistent input (a sample report) and
 * fails the deliberately broken copy under tests/data/check/ with the expected rule id,
 * severity, JSON paths and values (values are read from the input, not hard-coded).
 * tests/data/check/make_check_data.py documents how the broken files were made. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define COUNTY "samples/county-bureau-2021.json"
#define PAIR21 "samples/pair-2021.json"
#define PAIR22 "samples/pair-2022.json"
#define BASE19 "tests/data/check/base-2019.json"
#define BASE20 "tests/data/check/base-2020.json"
#define BROKEN(name) "tests/data/check/" name

static char *read_text(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", NB_TEST_SRCDIR, rel);
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static cJSON *load(const char *rel)
{
    char *text = read_text(rel);
    if (text == NULL) fail_msg("cannot read %s", rel);
    cJSON *doc = cJSON_Parse(text);
    free(text);
    if (doc == NULL) fail_msg("%s is not JSON", rel);
    return doc;
}

/* The node at a dotted path (plain keys only). */
static cJSON *node_at(cJSON *doc, const char *dotted)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", dotted);
    cJSON *n = doc;
    for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && n; k = strtok_r(NULL, ".", &save))
        n = cJSON_GetObjectItemCaseSensitive(n, k);
    if (n == NULL) fail_msg("no %s", dotted);
    return n;
}

static double num_at(cJSON *doc, const char *dotted)
{
    cJSON *n = node_at(doc, dotted);
    assert_true(cJSON_IsNumber(n));
    return n->valuedouble;
}

static void check_docs(const cJSON *data, const cJSON *prev, nb_findings *f)
{
    nb_status st = NB_STATUS_INIT;
    nb_code rc = nb_check(data, prev, f, &st);
    if (rc != NB_OK) fail_msg("nb_check failed: %s", st.msg);
}

static void check_files(const char *data, const char *prev, nb_findings *f)
{
    cJSON *d = load(data), *p = prev ? load(prev) : NULL;
    check_docs(d, p, f);
    cJSON_Delete(d);
    cJSON_Delete(p);
}

static void expect_clean(const char *data, const char *prev)
{
    nb_findings f;
    check_files(data, prev, &f);
    for (size_t i = 0; i < f.count; i++)
        print_error("unexpected finding in %s: %s %s\n", data, f.items[i].rule, f.items[i].message);
    assert_int_equal(f.count, 0);
    nb_findings_free(&f);
}

static size_t count_rule(const nb_findings *f, const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < f->count; i++)
        n += strcmp(f->items[i].rule, rule) == 0;
    return n;
}

/* Asserts finding i: severity, rule, and that its paths are exactly `paths` (n of them). */
static const nb_finding *expect(const nb_findings *f, size_t i, nb_severity sev, const char *rule,
                                size_t n, const char *const *paths)
{
    assert_true(i < f->count);
    const nb_finding *it = &f->items[i];
    assert_string_equal(it->rule, rule);
    assert_int_equal(it->severity, sev);
    assert_non_null(it->message);
    assert_true(strlen(it->message) > 0);
    assert_null(strchr(it->message, '\n'));
    if (paths != NULL) {
        assert_int_equal(it->npaths, n);
        for (size_t j = 0; j < n; j++)
            assert_string_equal(it->paths[j], paths[j]);
    }
    return it;
}

/* Each value of finding `it` equals the number at its path in `doc` (paths without prefix). */
static void expect_values_from(const nb_finding *it, cJSON *doc, cJSON *prev)
{
    for (size_t j = 0; j < it->npaths; j++) {
        const char *p = it->paths[j];
        cJSON *src = doc;
        if (strncmp(p, "previous:", 9) == 0) src = prev, p += 9;
        assert_non_null(src);
        assert_true(it->values[j] == num_at(src, p));
    }
}

static void expect_data_error(cJSON *doc, const char *message);

/* ------------------------------------------------------------------ consistent inputs */

static void test_samples_are_consistent(void **state)
{
    (void)state;
    expect_clean(COUNTY, NULL);
    expect_clean(PAIR21, NULL);
    expect_clean(PAIR22, NULL);
    expect_clean(BASE19, NULL);
    expect_clean(BASE20, NULL);
    expect_clean(PAIR22, PAIR21);
    expect_clean(BASE20, BASE19);
    /* a 2021-edition report after a 2020 report on the 2019 edition */
    expect_clean(COUNTY, BASE20);
}

static void test_baofeng_has_only_the_date_warning(void **state)
{
    (void)state;
    char *text = read_text("samples/baofeng-2020.json");
    if (text == NULL) skip();
    free(text);
    nb_findings f;
    check_files("samples/baofeng-2020.json", NULL, &f);
    assert_int_equal(f.count, 1);
    const char *paths[] = {"signature.date", "year"};
    const nb_finding *it = expect(&f, 0, NB_SEV_WARNING, "date.after_period", 2, paths);
    assert_true(isnan(it->values[0]));
    assert_true(it->values[1] == 2020);
    assert_non_null(strstr(it->message, "2020年1月25日"));
    assert_int_equal(nb_findings_errors(&f), 0);
    nb_findings_free(&f);
}

/* ------------------------------------------------------------------ table B */

static void test_corner_rule(void **state)
{
    (void)state;
    expect_clean(COUNTY, NULL);
    cJSON *doc = load(BROKEN("corner-rule.json"));
    nb_findings f;
    check_docs(doc, NULL, &f);
    assert_int_equal(f.count, 2); /* 自然人 and 商业企业; the row totals still hold */
    const char *cols[] = {"natural", "commercial"};
    for (size_t i = 0; i < 2; i++) {
        char p[4][96];
        const char *paths[4] = {p[0], p[1], p[2], p[3]};
        snprintf(p[0], sizeof p[0], "applications.new.%s", cols[i]);
        snprintf(p[1], sizeof p[1], "applications.carried_over.%s", cols[i]);
        snprintf(p[2], sizeof p[2], "applications.results.total.%s", cols[i]);
        snprintf(p[3], sizeof p[3], "applications.carried_forward.%s", cols[i]);
        const nb_finding *it = expect(&f, i, NB_SEV_ERROR, "B.corner", 4, paths);
        expect_values_from(it, doc, NULL);
        assert_true(it->values[0] + it->values[1] != it->values[2] + it->values[3]);
    }
    assert_non_null(strstr(f.items[0].message, "自然人列"));
    nb_findings_free(&f);
    cJSON_Delete(doc);
}

static void test_results_total(void **state)
{
    (void)state;
    expect_clean(COUNTY, NULL);
    cJSON *doc = load(BROKEN("results-total.json"));
    nb_findings f;
    check_docs(doc, NULL, &f);
    assert_int_equal(f.count, 2);
    const char *cols[] = {"natural", "commercial"};
    for (size_t i = 0; i < 2; i++) {
        const nb_finding *it = expect(&f, i, NB_SEV_ERROR, "B.results_total", 0, NULL);
        /* （七）总计 then the 21 result rows of the 2021 edition (3 of them under （六）) */
        assert_int_equal(it->npaths, 22);
        char p[96];
        snprintf(p, sizeof p, "applications.results.total.%s", cols[i]);
        assert_string_equal(it->paths[0], p);
        snprintf(p, sizeof p, "applications.results.other.other.%s", cols[i]);
        assert_string_equal(it->paths[21], p);
        expect_values_from(it, doc, NULL);
        double sum = 0;
        for (size_t j = 1; j < it->npaths; j++)
            sum += it->values[j];
        assert_true(sum == it->values[0] + (i == 0 ? 1 : -1));
    }
    nb_findings_free(&f);
    cJSON_Delete(doc);
}

static void test_results_total_2019_has_one_other_row(void **state)
{
    (void)state;
    cJSON *doc = load(BASE20);
    cJSON_SetNumberValue(node_at(doc, "applications.results.other.research"),
                         num_at(doc, "applications.results.other.research") + 1);
    cJSON_SetNumberValue(node_at(doc, "applications.results.other.total"),
                         num_at(doc, "applications.results.other.total") + 1);
    nb_findings f;
    check_docs(doc, NULL, &f);
    assert_int_equal(count_rule(&f, "B.results_total"), 2); /* 科研机构 and 总计 columns */
    assert_int_equal(count_rule(&f, "B.row_total"), 0);
    const nb_finding *it = &f.items[0];
    assert_int_equal(it->npaths, 20); /* total + 19 result rows */
    assert_string_equal(it->paths[19], "applications.results.other.research");
    nb_findings_free(&f);
    cJSON_Delete(doc);
}

static void test_row_total(void **state)
{
    (void)state;
    expect_clean(COUNTY, NULL);
    cJSON *doc = load(BROKEN("row-total.json"));
    nb_findings f;
    check_docs(doc, NULL, &f);
    assert_int_equal(f.count, 2);
    const char *rows[] = {"disclosed", "partially_disclosed"};
    for (size_t i = 0; i < 2; i++) {
        const nb_finding *it = expect(&f, i, NB_SEV_ERROR, "B.row_total", 0, NULL);
        assert_int_equal(it->npaths, 7);
        char p[96];
        snprintf(p, sizeof p, "applications.results.%s.total", rows[i]);
        assert_string_equal(it->paths[0], p);
        snprintf(p, sizeof p, "applications.results.%s.natural", rows[i]);
        assert_string_equal(it->paths[1], p);
        expect_values_from(it, doc, NULL);
        double sum = 0;
        for (size_t j = 1; j < 7; j++)
            sum += it->values[j];
        assert_true(sum != it->values[0]);
    }
    nb_findings_free(&f);
    cJSON_Delete(doc);
}

/* ------------------------------------------------------------------ table C */

static void test_review_total(void **state)
{
    (void)state;
    expect_clean(COUNTY, NULL);
    cJSON *doc = load(BROKEN("review-total.json"));
    nb_findings f;
    check_docs(doc, NULL, &f);
    assert_int_equal(f.count, 1);
    const char *paths[] = {"reviews.reconsideration.total", "reviews.reconsideration.upheld",
                           "reviews.reconsideration.corrected", "reviews.reconsideration.other",
                           "reviews.reconsideration.pending"};
    const nb_finding *it = expect(&f, 0, NB_SEV_ERROR, "C.group_total", 5, paths);
    expect_values_from(it, doc, NULL);
    assert_true(it->values[0] != it->values[1] + it->values[2] + it->values[3] + it->values[4]);
    assert_non_null(strstr(it->message, "行政复议"));
    nb_findings_free(&f);
    cJSON_Delete(doc);
}

/* ------------------------------------------------------------------ value types */

static void expect_one_type_error(const char *file, const char *rule, const char *path,
                                  double value)
{
    nb_findings f;
    check_files(file, NULL, &f);
    assert_int_equal(f.count, 1);
    const char *paths[] = {path};
    const nb_finding *it = expect(&f, 0, NB_SEV_ERROR, rule, 1, paths);
    if (isnan(value))
        assert_true(isnan(it->values[0]));
    else
        assert_true(it->values[0] == value);
    nb_findings_free(&f);
}

static void test_negative_count(void **state)
{
    (void)state;
    expect_clean(COUNTY, NULL);
    /* the rules skip the bad cell: one finding, not a cascade */
    expect_one_type_error(BROKEN("negative-count.json"), "type.count", "applications.new.natural",
                          -2);
}

static void test_fraction_count(void **state)
{
    (void)state;
    expect_clean(COUNTY, NULL);
    expect_one_type_error(BROKEN("fraction-count.json"), "type.count",
                          "active.normative_documents.issued", 2.5);
}

static void test_huge_count(void **state)
{
    (void)state;
    expect_clean(COUNTY, NULL);
    nb_findings f;
    check_files(BROKEN("huge-count.json"), NULL, &f);
    assert_int_equal(f.count, 1);
    const char *paths[] = {"reviews.litigation_direct.upheld"};
    const nb_finding *it = expect(&f, 0, NB_SEV_ERROR, "type.count", 1, paths);
    assert_true(it->values[0] >= 9007199254740992.0);
    assert_non_null(strstr(it->message, "2^53"));
    nb_findings_free(&f);
}

static void test_largest_safe_count_is_accepted(void **state)
{
    (void)state;
    cJSON *doc = load(COUNTY);
    cJSON *g = node_at(doc, "reviews.litigation_direct");
    double rest = num_at(doc, "reviews.litigation_direct.total") -
                  num_at(doc, "reviews.litigation_direct.upheld");
    cJSON_SetNumberValue(node_at(doc, "reviews.litigation_direct.upheld"),
                         9007199254740991.0 - rest);
    cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(g, "total"), 9007199254740991.0);
    nb_findings f;
    check_docs(doc, NULL, &f);
    assert_int_equal(f.count, 0);
    nb_findings_free(&f);
    cJSON_Delete(doc);
}

static void test_string_count(void **state)
{
    (void)state;
    expect_clean(COUNTY, NULL);
    expect_one_type_error(BROKEN("string-count.json"), "type.count",
                          "applications.carried_forward.total", NAN);
}

static void test_other_non_numbers_are_type_errors(void **state)
{
    (void)state;
    cJSON *doc = load(COUNTY);
    cJSON_ReplaceItemInObjectCaseSensitive(node_at(doc, "active.licensing"), "decisions",
                                           cJSON_CreateObject());
    cJSON_ReplaceItemInObjectCaseSensitive(node_at(doc, "active.penalty"), "decisions",
                                           cJSON_CreateTrue());
    cJSON_ReplaceItemInObjectCaseSensitive(node_at(doc, "active.coercion"), "decisions",
                                           cJSON_CreateArray());
    nb_findings f;
    check_docs(doc, NULL, &f);
    assert_int_equal(f.count, 3);
    assert_int_equal(count_rule(&f, "type.count"), 3);
    assert_string_equal(f.items[0].paths[0], "active.licensing.decisions");
    assert_string_equal(f.items[2].paths[0], "active.coercion.decisions");
    nb_findings_free(&f);
    cJSON_Delete(doc);
}

static void test_bad_change(void **state)
{
    (void)state;
    expect_clean(BASE20, NULL);
    expect_one_type_error(BROKEN("bad-change.json"), "type.change", "active.licensing.change", 1.5);
    /* a negative change is fine */
    cJSON *doc = load(BASE20);
    cJSON_SetNumberValue(node_at(doc, "active.licensing.change"), -7);
    nb_findings f;
    check_docs(doc, NULL, &f);
    assert_int_equal(f.count, 0);
    nb_findings_free(&f);
    cJSON_Delete(doc);
}

static void test_bad_amount(void **state)
{
    (void)state;
    expect_clean(COUNTY, NULL);
    expect_clean(BASE20, NULL);
    expect_one_type_error(BROKEN("bad-amount.json"), "type.amount", "active.fees.amount", -86.42);
    expect_one_type_error(BROKEN("bad-unit.json"), "type.amount", "active.procurement.amount.unit",
                          NAN);
    /* a decimal amount is not an error, a string amount is */
    cJSON *doc = load(BASE20);
    cJSON_ReplaceItemInObjectCaseSensitive(node_at(doc, "active.procurement.amount"), "value",
                                           cJSON_CreateString("63365元"));
    nb_findings f;
    check_docs(doc, NULL, &f);
    assert_int_equal(f.count, 1);
    const char *paths[] = {"active.procurement.amount.value"};
    expect(&f, 0, NB_SEV_ERROR, "type.amount", 1, paths);
    nb_findings_free(&f);
    cJSON_Delete(doc);
}

/* ------------------------------------------------------------------ blank cells */

static bool message_says_zero_total(const nb_finding *it)
{
    return strstr(it->message, "总计(0)") != NULL;
}

static void test_blank_cell(void **state)
{
    (void)state;
    expect_clean(COUNTY, NULL);
    nb_findings f;
    check_files(BROKEN("blank-cell.json"), NULL, &f);
    /* one warning; the row total, the 自然人 column's （七）总计 rule and the corner rule
     * all go through the blank and are skipped, not computed with 0 */
    assert_int_equal(f.count, 1);
    const char *paths[] = {"applications.results.disclosed.natural"};
    const nb_finding *it = expect(&f, 0, NB_SEV_WARNING, "value.blank", 1, paths);
    assert_true(isnan(it->values[0]));
    assert_non_null(strstr(it->message, "三、本年度办理结果（一）予以公开 / 自然人"));
    assert_non_null(strstr(it->message, "未填写"));
    assert_int_equal(nb_findings_errors(&f), 0);
    assert_int_equal(nb_findings_warnings(&f), 1);
    nb_findings_free(&f);
}

static void test_blank_cells_skip_only_their_rules(void **state)
{
    (void)state;
    cJSON *doc = load(COUNTY);
    /* a blank 总计 (the row's own total and the 总计 column) and a blank in table C and A */
    cJSON_ReplaceItemInObjectCaseSensitive(
        node_at(doc, "applications.results.refused.state_secret"), "total", cJSON_CreateNull());
    cJSON_ReplaceItemInObjectCaseSensitive(node_at(doc, "reviews.reconsideration"), "total",
                                           cJSON_CreateNull());
    cJSON_ReplaceItemInObjectCaseSensitive(node_at(doc, "active.fees"), "amount",
                                           cJSON_CreateNull());
    /* and a real mistake in a column without blanks: still reported */
    cJSON_SetNumberValue(node_at(doc, "applications.results.disclosed.commercial"),
                         num_at(doc, "applications.results.disclosed.commercial") + 1);
    cJSON_SetNumberValue(node_at(doc, "applications.results.disclosed.total"),
                         num_at(doc, "applications.results.disclosed.total") + 1);
    nb_findings f;
    check_docs(doc, NULL, &f);
    assert_int_equal(count_rule(&f, "value.blank"), 3);
    assert_int_equal(count_rule(&f, "C.group_total"), 0);
    assert_int_equal(count_rule(&f, "B.row_total"), 0);
    /* 商业企业 column: （七）总计 is off by the one added (the corner rule still holds); the
     * 总计 column's would be too, but it goes through the blank and is skipped */
    assert_int_equal(count_rule(&f, "B.results_total"), 1);
    assert_int_equal(count_rule(&f, "B.corner"), 0);
    assert_int_equal(f.count, 4);
    for (size_t i = 0; i < f.count; i++) {
        const nb_finding *it = &f.items[i];
        if (strcmp(it->rule, "value.blank") == 0) continue;
        assert_non_null(strstr(it->message, "商业企业列"));
        for (size_t j = 0; j < it->npaths; j++)
            assert_non_null(strstr(it->paths[j], ".commercial"));
        assert_false(message_says_zero_total(it));
    }
    const char *p0[] = {"active.fees.amount"};
    const nb_finding *it = expect(&f, 0, NB_SEV_WARNING, "value.blank", 1, p0);
    assert_non_null(strstr(it->message, "行政事业性收费 / 本年收费金额（单位：万元）"));
    const char *p1[] = {"applications.results.refused.state_secret.total"};
    it = expect(&f, 1, NB_SEV_WARNING, "value.blank", 1, p1);
    assert_non_null(
        strstr(it->message, "三、本年度办理结果（三）不予公开 1.属于国家秘密 / 总计: 未填写"));
    nb_findings_free(&f);
    cJSON_Delete(doc);

    /* 2019 edition: a blank 本年增/减 and a blank procurement amount, either way */
    doc = load(BASE20);
    cJSON_ReplaceItemInObjectCaseSensitive(node_at(doc, "active.licensing"), "change",
                                           cJSON_CreateNull());
    cJSON_ReplaceItemInObjectCaseSensitive(node_at(doc, "active.procurement.amount"), "value",
                                           cJSON_CreateNull());
    check_docs(doc, NULL, &f);
    assert_int_equal(f.count, 2);
    assert_int_equal(count_rule(&f, "value.blank"), 2);
    assert_string_equal(f.items[1].paths[0], "active.procurement.amount.value");
    nb_findings_free(&f);
    cJSON_ReplaceItemInObjectCaseSensitive(node_at(doc, "active.procurement"), "amount",
                                           cJSON_CreateNull());
    check_docs(doc, NULL, &f);
    assert_int_equal(count_rule(&f, "value.blank"), 2);
    assert_string_equal(f.items[1].paths[0], "active.procurement.amount");
    nb_findings_free(&f);
    cJSON_Delete(doc);
}

/* Counts the nulls under `node` (the tables of a report). */
static size_t count_nulls(const cJSON *node)
{
    if (cJSON_IsNull(node)) return 1;
    size_t n = 0;
    for (const cJSON *c = node->child; c != NULL; c = c->next)
        n += count_nulls(c);
    return n;
}

static void test_real_sample_blanks(void **state)
{
    (void)state;
    cJSON *doc = load("samples/real-2021.json");
    size_t nulls = count_nulls(node_at(doc, "active")) + count_nulls(node_at(doc, "applications")) +
                   count_nulls(node_at(doc, "reviews"));
    assert_true(nulls >= 10);
    nb_findings f;
    check_docs(doc, NULL, &f);
    /* one warning per blank cell, one note (no signature), nothing else */
    assert_int_equal(count_rule(&f, "value.blank"), nulls);
    assert_int_equal(nb_findings_warnings(&f), nulls);
    assert_int_equal(nb_findings_notes(&f), 1);
    assert_int_equal(nb_findings_errors(&f), 0);
    assert_int_equal(f.count, nulls + 1);
    for (size_t i = 0; i < f.count; i++) {
        const nb_finding *it = &f.items[i];
        assert_false(message_says_zero_total(it));
        if (it->severity == NB_SEV_NOTE) continue;
        assert_true(cJSON_IsNull(node_at(doc, it->paths[0])));
        assert_non_null(strstr(it->message, " / ")); /* row / column */
    }
    nb_findings_free(&f);
    cJSON_Delete(doc);
}

/* ------------------------------------------------------------------ decimal-string amounts */

static void test_decimal_string_amounts(void **state)
{
    (void)state;
    static const char *const good[] = {"73802895.90", "0", "0.00", "1.5", "12", "007.10"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        cJSON *doc = load(COUNTY);
        cJSON_ReplaceItemInObjectCaseSensitive(node_at(doc, "active.fees"), "amount",
                                               cJSON_CreateString(good[i]));
        nb_findings f;
        check_docs(doc, NULL, &f);
        if (f.count != 0) fail_msg("\"%s\": %s", good[i], f.items[0].message);
        nb_findings_free(&f);
        cJSON_Delete(doc);
    }
    /* 2019 edition: the procurement amount's value, with its unit */
    cJSON *doc = load(BASE20);
    cJSON_ReplaceItemInObjectCaseSensitive(node_at(doc, "active.procurement.amount"), "value",
                                           cJSON_CreateString("73802895.90"));
    nb_findings f;
    check_docs(doc, NULL, &f);
    assert_int_equal(f.count, 0);
    nb_findings_free(&f);
    cJSON_Delete(doc);

    static const struct {
        const char *text, *why;
    } bad[] = {
        {"-1", "正负号"},         {"+1.5", "正负号"},     {"1e5", "指数"},
        {"7.38E7", "指数"},       {"1.", "小数点前后"},   {".5", "小数点前后"},
        {"", "空字符串"},         {"１２", "全角数字"},   {"1,500", "千位分隔符"},
        {"1，500", "千位分隔符"}, {"12万元", "只含数字"}, {" 12", "只含数字"},
        {"1.2.3", "只含数字"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        doc = load(COUNTY);
        cJSON_ReplaceItemInObjectCaseSensitive(node_at(doc, "active.fees"), "amount",
                                               cJSON_CreateString(bad[i].text));
        check_docs(doc, NULL, &f);
        assert_int_equal(f.count, 1);
        const char *paths[] = {"active.fees.amount"};
        const nb_finding *it = expect(&f, 0, NB_SEV_ERROR, "type.amount", 1, paths);
        assert_true(isnan(it->values[0]));
        if (strstr(it->message, bad[i].why) == NULL)
            fail_msg("\"%s\": message lacks \"%s\": %s", bad[i].text, bad[i].why, it->message);
        nb_findings_free(&f);
        cJSON_Delete(doc);
    }
    /* counts stay integers: a decimal string is no count */
    doc = load(COUNTY);
    cJSON_ReplaceItemInObjectCaseSensitive(node_at(doc, "active.penalty"), "decisions",
                                           cJSON_CreateString("12"));
    check_docs(doc, NULL, &f);
    assert_int_equal(count_rule(&f, "type.count"), 1);
    nb_findings_free(&f);
    cJSON_Delete(doc);
}

static void test_missing_count(void **state)
{
    (void)state;
    expect_clean(COUNTY, NULL);
    expect_one_type_error(BROKEN("missing-count.json"), "value.missing",
                          "reviews.litigation_after_review.pending", NAN);
}

/* ------------------------------------------------------------------ date, edition, text */

static void test_date_before_period(void **state)
{
    (void)state;
    expect_clean(COUNTY, NULL);
    nb_findings f;
    check_files(BROKEN("date-before-period.json"), NULL, &f);
    assert_int_equal(f.count, 1);
    const char *paths[] = {"signature.date", "year"};
    const nb_finding *it = expect(&f, 0, NB_SEV_WARNING, "date.after_period", 2, paths);
    assert_true(it->values[1] == 2021);
    assert_non_null(strstr(it->message, "2021年12月20日"));
    assert_int_equal(nb_findings_errors(&f), 0);
    nb_findings_free(&f);
}

static void test_no_signature(void **state)
{
    (void)state;
    nb_findings f;
    check_files(BROKEN("no-signature.json"), NULL, &f);
    assert_int_equal(f.count, 1);
    const char *paths[] = {"signature"};
    const nb_finding *it = expect(&f, 0, NB_SEV_NOTE, "date.no_signature", 1, paths);
    assert_non_null(strstr(it->message, "无落款"));
    assert_int_equal(nb_findings_errors(&f), 0);
    assert_int_equal(nb_findings_warnings(&f), 0);
    assert_int_equal(nb_findings_notes(&f), 1);
    nb_findings_free(&f);

    /* a signature that is given must be whole */
    cJSON *doc = load(COUNTY);
    cJSON_DeleteItemFromObjectCaseSensitive(node_at(doc, "signature"), "date");
    expect_data_error(doc, "$.signature.date: missing");
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "signature", cJSON_CreateNull());
    expect_data_error(doc, "$.signature: expected an object {office, date}, got null");
    cJSON_Delete(doc);
}

static void test_edition_year(void **state)
{
    (void)state;
    expect_clean(BASE19, NULL);
    nb_findings f;
    check_files(BROKEN("edition-year.json"), NULL, &f);
    assert_int_equal(f.count, 1);
    const char *paths[] = {"edition", "year"};
    const nb_finding *it = expect(&f, 0, NB_SEV_WARNING, "edition.year", 2, paths);
    assert_true(it->values[1] == 2019);
    nb_findings_free(&f);
}

static void test_fees_statement(void **state)
{
    (void)state;
    expect_clean(COUNTY, NULL);
    nb_findings f;
    check_files(BROKEN("fees-statement.json"), NULL, &f);
    assert_int_equal(f.count, 1);
    const char *paths[] = {"sections.other"};
    expect(&f, 0, NB_SEV_WARNING, "text.fees_statement", 1, paths);
    nb_findings_free(&f);
}

/* ------------------------------------------------------------------ keys and structure */

static void test_unknown_key(void **state)
{
    (void)state;
    expect_clean(COUNTY, NULL);
    nb_findings f;
    check_files(BROKEN("unknown-key.json"), NULL, &f);
    assert_int_equal(f.count, 1);
    const char *paths[] = {"titel"};
    const nb_finding *it = expect(&f, 0, NB_SEV_WARNING, "key.unknown", 1, paths);
    assert_non_null(strstr(it->message, "“title”"));
    nb_findings_free(&f);

    /* a misspelt count: the warning names the key meant, the count is missing */
    cJSON *doc = load(COUNTY);
    cJSON *row = node_at(doc, "applications.new");
    cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(row, "natural");
    cJSON_AddItemToObject(row, "natual", v);
    check_docs(doc, NULL, &f);
    assert_int_equal(count_rule(&f, "key.unknown"), 1);
    assert_int_equal(count_rule(&f, "value.missing"), 1);
    const char *p1[] = {"applications.new.natual"};
    it = expect(&f, 0, NB_SEV_WARNING, "key.unknown", 1, p1);
    assert_non_null(strstr(it->message, "“natural”"));
    nb_findings_free(&f);

    /* a key of the other edition says so; a far-off key gets no suggestion */
    cJSON_AddNumberToObject(node_at(doc, "active.licensing"), "previous_count", 3);
    cJSON_AddNumberToObject(doc, "zzzzzzzz", 1);
    check_docs(doc, NULL, &f);
    int seen = 0;
    for (size_t i = 0; i < f.count; i++) {
        if (strcmp(f.items[i].paths[0], "active.licensing.previous_count") == 0) {
            assert_non_null(strstr(f.items[i].message, "2019年版"));
            seen |= 1;
        }
        if (strcmp(f.items[i].paths[0], "zzzzzzzz") == 0) {
            assert_null(strstr(f.items[i].message, "是否应为"));
            seen |= 2;
        }
    }
    assert_int_equal(seen, 3);
    nb_findings_free(&f);
    cJSON_Delete(doc);
}

static void test_duplicate_and_many_unknown_keys(void **state)
{
    (void)state;
    cJSON *doc = load(COUNTY);
    cJSON_AddItemToObject(node_at(doc, "reviews"), "reconsideration",
                          cJSON_Duplicate(node_at(doc, "reviews.reconsideration"), 1));
    nb_findings f;
    check_docs(doc, NULL, &f);
    assert_int_equal(f.count, 1);
    const char *paths[] = {"reviews.reconsideration"};
    expect(&f, 0, NB_SEV_WARNING, "key.duplicate", 1, paths);
    nb_findings_free(&f);

    for (int i = 0; i < 60; i++) {
        char key[32];
        snprintf(key, sizeof key, "extra_%d", i);
        cJSON_AddNumberToObject(doc, key, i);
    }
    check_docs(doc, NULL, &f);
    /* 50 listed, one summary naming the other 10, and the duplicate */
    assert_int_equal(count_rule(&f, "key.unknown"), 51);
    int summary = 0;
    for (size_t i = 0; i < f.count; i++)
        if (strcmp(f.items[i].paths[0], "$") == 0)
            summary = 1, assert_true(f.items[i].values[0] == 10);
    assert_true(summary);
    nb_findings_free(&f);
    cJSON_Delete(doc);
}

static void expect_data_error(cJSON *doc, const char *message)
{
    nb_findings f;
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(nb_check(doc, NULL, &f, &st), NB_ERR_DATA);
    assert_int_equal(st.code, NB_ERR_DATA);
    if (strstr(st.msg, message) == NULL) fail_msg("\"%s\" lacks \"%s\"", st.msg, message);
    nb_findings_free(&f);
}

static void test_missing_field(void **state)
{
    (void)state;
    expect_clean(COUNTY, NULL);
    cJSON *doc = load(BROKEN("missing-field.json"));
    expect_data_error(doc, "$.applications.results.total: missing (required by the 2021 edition)");
    cJSON_Delete(doc);

    /* every top-level key is required but "signature" and "subject" */
    static const char *const fields[] = {"title",   "body",     "year",    "edition",     "active",
                                         "reviews", "sections", "opening", "applications"};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        doc = load(COUNTY);
        cJSON_DeleteItemFromObjectCaseSensitive(doc, fields[i]);
        char want[64];
        snprintf(want, sizeof want, "$.%s: missing", fields[i]);
        expect_data_error(doc, want);
        cJSON_Delete(doc);
    }
    doc = load(BASE20);
    cJSON_DeleteItemFromObjectCaseSensitive(node_at(doc, "active"), "procurement");
    expect_data_error(doc, "$.active.procurement: missing (required by the 2019 edition)");
    cJSON_Delete(doc);
    doc = load(COUNTY);
    cJSON_DeleteItemFromObjectCaseSensitive(node_at(doc, "applications.results"), "refused");
    expect_data_error(doc, "$.applications.results.refused: missing");
    cJSON_Delete(doc);
}

static void test_bad_structure(void **state)
{
    (void)state;
    cJSON *arr = cJSON_CreateArray();
    expect_data_error(arr, "$: expected a JSON object");
    cJSON_Delete(arr);

    cJSON *doc = load(COUNTY);
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "edition", cJSON_CreateString("2020"));
    expect_data_error(doc, "$.edition: unknown edition");
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "edition", cJSON_CreateNumber(2021));
    expect_data_error(doc, "$.edition: unknown edition");
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "edition", cJSON_CreateString("2021"));
    cJSON_ReplaceItemInObjectCaseSensitive(node_at(doc, "signature"), "date",
                                           cJSON_CreateString("2022-02-30"));
    expect_data_error(doc, "$.signature.date: expected a calendar date");
    cJSON_ReplaceItemInObjectCaseSensitive(node_at(doc, "signature"), "date",
                                           cJSON_CreateString("2022-01-20"));
    cJSON_ReplaceItemInObjectCaseSensitive(node_at(doc, "applications"), "new",
                                           cJSON_CreateNumber(3));
    expect_data_error(doc, "$.applications.new: expected an object, got a number");
    cJSON_Delete(doc);

    doc = load(COUNTY);
    cJSON_AddItemToArray(node_at(doc, "sections.overview"), cJSON_CreateNumber(1));
    expect_data_error(doc, "$.sections.overview[");
    cJSON_Delete(doc);
}

/* ------------------------------------------------------------------ across years */

static void test_carry_over(void **state)
{
    (void)state;
    expect_clean(PAIR22, PAIR21);
    expect_clean(BROKEN("carry-over-mismatch.json"), NULL); /* consistent on its own */
    cJSON *doc = load(BROKEN("carry-over-mismatch.json")), *prev = load(PAIR21);
    nb_findings f;
    check_docs(doc, prev, &f);
    assert_int_equal(f.count, 2);
    const char *p0[] = {"applications.carried_over.natural",
                        "previous:applications.carried_forward.natural"};
    const char *p1[] = {"applications.carried_over.commercial",
                        "previous:applications.carried_forward.commercial"};
    expect_values_from(expect(&f, 0, NB_SEV_ERROR, "year.carry_over", 2, p0), doc, prev);
    expect_values_from(expect(&f, 1, NB_SEV_ERROR, "year.carry_over", 2, p1), doc, prev);
    assert_true(f.items[0].values[0] != f.items[0].values[1]);
    nb_findings_free(&f);
    cJSON_Delete(doc);
    cJSON_Delete(prev);
}

static void test_carry_over_across_editions(void **state)
{
    (void)state;
    expect_clean(COUNTY, BASE20);
    cJSON *doc = load(COUNTY), *prev = load(BASE20);
    cJSON_SetNumberValue(node_at(prev, "applications.carried_forward.research"),
                         num_at(prev, "applications.carried_forward.research") + 4);
    nb_findings f;
    check_docs(doc, prev, &f);
    assert_int_equal(f.count, 1);
    const char *paths[] = {"applications.carried_over.research",
                           "previous:applications.carried_forward.research"};
    expect_values_from(expect(&f, 0, NB_SEV_ERROR, "year.carry_over", 2, paths), doc, prev);
    nb_findings_free(&f);

    /* a bad value in last year's report is named with its previous: path */
    cJSON_ReplaceItemInObjectCaseSensitive(node_at(prev, "applications.carried_forward"),
                                           "research", cJSON_CreateString("2"));
    check_docs(doc, prev, &f);
    assert_int_equal(f.count, 1);
    const char *pp[] = {"previous:applications.carried_forward.research"};
    expect(&f, 0, NB_SEV_ERROR, "type.count", 1, pp);
    nb_findings_free(&f);
    cJSON_Delete(doc);
    cJSON_Delete(prev);
}

static void test_previous_count(void **state)
{
    (void)state;
    expect_clean(BASE20, BASE19);
    cJSON *doc = load(BROKEN("previous-count.json")), *prev = load(BASE19);
    nb_findings f;
    check_docs(doc, NULL, &f);
    assert_int_equal(f.count, 0); /* only a cross-year rule */
    nb_findings_free(&f);
    check_docs(doc, prev, &f);
    assert_int_equal(f.count, 1);
    const char *paths[] = {"active.penalty.previous_count",
                           "previous:active.penalty.previous_count",
                           "previous:active.penalty.change"};
    const nb_finding *it = expect(&f, 0, NB_SEV_WARNING, "year.previous_count", 3, paths);
    expect_values_from(it, doc, prev);
    assert_true(it->values[0] != it->values[1] + it->values[2]);
    assert_int_equal(nb_findings_errors(&f), 0);
    nb_findings_free(&f);
    cJSON_Delete(doc);
    cJSON_Delete(prev);
}

static void test_previous_year_and_body(void **state)
{
    (void)state;
    cJSON *doc = load(PAIR22), *prev = load(PAIR21);
    cJSON_SetNumberValue(node_at(prev, "year"), 2020);
    nb_findings f;
    check_docs(doc, prev, &f);
    assert_int_equal(f.count, 1);
    const char *py[] = {"year", "previous:year"};
    const nb_finding *it = expect(&f, 0, NB_SEV_WARNING, "year.previous_year", 2, py);
    assert_true(it->values[0] == 2022 && it->values[1] == 2020);
    nb_findings_free(&f);
    cJSON_SetNumberValue(node_at(prev, "year"), 2021);
    cJSON_ReplaceItemInObjectCaseSensitive(prev, "body", cJSON_CreateString("青溪县财政局"));
    check_docs(doc, prev, &f);
    assert_int_equal(f.count, 1);
    const char *pb[] = {"body", "previous:body"};
    expect(&f, 0, NB_SEV_WARNING, "year.previous_body", 2, pb);
    nb_findings_free(&f);
    cJSON_Delete(doc);
    cJSON_Delete(prev);
}

/* The same body with and without the divisions above it is not a changed body. */
static void test_previous_body_with_place_prefix(void **state)
{
    (void)state;
    static const struct {
        const char *now, *before;
        bool same;
    } cases[] = {
        {"洪泽区人民政府", "淮安市洪泽区人民政府", true},
        {"淮安市洪泽区人民政府", "洪泽区人民政府", true},
        {"江苏省淮安市洪泽区人民政府", "洪泽区人民政府", true},
        {"淮安市洪泽区人民政府", "江苏省淮安市洪泽区人民政府", true},
        {"阿拉善左旗人民政府", "内蒙古自治区阿拉善盟阿拉善左旗人民政府", true},
        {"青溪县财政局", "青溪县财政局", true},
        {"淮阴区人民政府", "淮安市洪泽区人民政府", false},       /* another district */
        {"宿迁市洪泽区人民政府", "淮安市洪泽区人民政府", false}, /* another city */
        {"人民政府", "洪泽区人民政府", false},                   /* no place of its own */
        {"洪泽区人民政府", "人民政府", false},
        {"新洪泽区人民政府", "洪泽区人民政府", false},     /* 新 is no division */
        {"洪泽区人民政府办公室", "洪泽区人民政府", false}, /* a suffix, not a prefix */
        {"财政局", "青溪县财政局", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cJSON *doc = load(PAIR22), *prev = load(PAIR21);
        cJSON_ReplaceItemInObjectCaseSensitive(doc, "body", cJSON_CreateString(cases[i].now));
        cJSON_ReplaceItemInObjectCaseSensitive(prev, "body", cJSON_CreateString(cases[i].before));
        nb_findings f;
        check_docs(doc, prev, &f);
        if (count_rule(&f, "year.previous_body") != (cases[i].same ? 0u : 1u))
            fail_msg("%s after %s: expected %s", cases[i].now, cases[i].before,
                     cases[i].same ? "the same body" : "a changed body");
        assert_int_equal(f.count, cases[i].same ? 0 : 1);
        nb_findings_free(&f);
        cJSON_Delete(doc);
        cJSON_Delete(prev);
    }
}

static void test_previous_structure_error_is_prefixed(void **state)
{
    (void)state;
    cJSON *doc = load(PAIR22), *prev = load(BROKEN("missing-field.json"));
    nb_findings f;
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(nb_check(doc, prev, &f, &st), NB_ERR_DATA);
    assert_non_null(strstr(st.msg, "previous report: $.applications.results.total: missing"));
    nb_findings_free(&f);
    cJSON_Delete(doc);
    cJSON_Delete(prev);
}

static void test_check_structure_alone(void **state)
{
    (void)state;
    nb_status st = NB_STATUS_INIT;
    cJSON *doc = load(COUNTY);
    assert_int_equal(nb_check_structure(doc, &st), NB_OK);
    cJSON_Delete(doc);
    /* the message names the JSON path only: the caller adds the file name */
    doc = load(BROKEN("missing-field.json"));
    assert_int_equal(nb_check_structure(doc, &st), NB_ERR_DATA);
    const char *want = "$.applications.results.total: missing (required by the 2021 edition)";
    assert_memory_equal(st.msg, want, strlen(want));
    cJSON_Delete(doc);
    /* a consistency error is not structural */
    nb_status_clear(&st);
    doc = load(BROKEN("corner-rule.json"));
    assert_int_equal(nb_check_structure(doc, &st), NB_OK);
    cJSON_Delete(doc);
    cJSON *arr = cJSON_CreateArray();
    assert_int_equal(nb_check_structure(arr, &st), NB_ERR_DATA);
    assert_memory_equal(st.msg, "$: expected a JSON object", 25);
    cJSON_Delete(arr);
}

/* Every rule id check.h lists is asserted by name somewhere in this file (as "id"), and
 * check.h lists each id once, under errors, warnings or notes. */
static void test_every_rule_id_is_tested(void **state)
{
    (void)state;
    char *header = read_text("src/check.h");
    char *self = read_text("tests/unit/test_check.c");
    assert_non_null(header);
    assert_non_null(self);
    size_t seen = 0;
    const char *const kinds[] = {"errors:", "warnings:", "notes:"};
    const char *const ends[] = {"warnings:", "notes:", "Paths into"};
    for (size_t k = 0; k < 3; k++) {
        const char *p = strstr(header, kinds[k]);
        assert_non_null(p);
        p += strlen(kinds[k]);
        /* ids run until the next group or the closing "Paths into" sentence */
        const char *end = strstr(p, ends[k]);
        assert_non_null(end);
        while (p < end) {
            while (p < end && strchr(" \n\t*", *p))
                p++;
            const char *q = p;
            while (q < end && !strchr(" \n\t*", *q))
                q++;
            if (q > p) {
                char quoted[64];
                assert_true(q - p < 60);
                snprintf(quoted, sizeof quoted, "\"%.*s\"", (int)(q - p), p);
                if (strstr(self, quoted) == NULL) fail_msg("rule %s has no test", quoted);
                seen++;
            }
            p = q;
        }
    }
    assert_int_equal(seen, 19); /* 9 errors, 9 warnings and 1 note today */
    free(header);
    free(self);
}

/* ------------------------------------------------------------------ output */

static char *capture(const nb_findings *f, const char *file, bool json)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    if (json)
        nb_findings_print_json(f, file, out);
    else
        nb_findings_print(f, file, out);
    fclose(out);
    return buf;
}

static void test_print_text(void **state)
{
    (void)state;
    nb_findings f;
    check_files(BROKEN("corner-rule.json"), NULL, &f);
    char *text = capture(&f, "corner-rule.json", false);
    const char *want = "corner-rule.json: error: 三、收到和处理政府信息公开申请情况 自然人列: 一(";
    assert_memory_equal(text, want, strlen(want));
    assert_non_null(strstr(text, "  [applications.new.natural, applications.carried_over.natural, "
                                 "applications.results.total.natural, "
                                 "applications.carried_forward.natural]\n"));
    size_t lines = 0;
    for (char *p = text; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, f.count);
    free(text);
    text = capture(&f, NULL, false);
    assert_memory_equal(text, "error: ", 7);
    free(text);
    nb_findings_free(&f);

    check_files(BROKEN("no-signature.json"), NULL, &f);
    text = capture(&f, "n.json", false);
    assert_memory_equal(text, "n.json: note: 无落款", strlen("n.json: note: 无落款"));
    assert_non_null(strstr(text, "  [signature]\n"));
    free(text);
    text = capture(&f, "n.json", true);
    cJSON *j = cJSON_Parse(text);
    assert_non_null(j);
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "findings"), 0), "severity")
            ->valuestring,
        "note");
    assert_int_equal(cJSON_GetObjectItem(j, "errors")->valueint, 0);
    assert_int_equal(cJSON_GetObjectItem(j, "warnings")->valueint, 0);
    assert_int_equal(cJSON_GetObjectItem(j, "notes")->valueint, 1);
    cJSON_Delete(j);
    free(text);
    nb_findings_free(&f);
}

static void test_print_json(void **state)
{
    (void)state;
    nb_findings f;
    check_files("tests/data/check/date-before-period.json", NULL, &f);
    cJSON *doc = load(BROKEN("string-count.json"));
    nb_findings g;
    check_docs(doc, NULL, &g);
    cJSON_Delete(doc);
    /* one warning (date, with a NaN value) and one error */
    assert_int_equal(f.count, 1);
    assert_int_equal(g.count, 1);
    nb_finding both[2] = {f.items[0], g.items[0]};
    nb_findings all = {both, 2, 2};
    char *text = capture(&all, "a \"quoted\"\\name.json", true);
    cJSON *j = cJSON_Parse(text);
    if (j == NULL) fail_msg("not JSON: %s", text);
    assert_string_equal(cJSON_GetObjectItem(j, "file")->valuestring, "a \"quoted\"\\name.json");
    assert_int_equal(cJSON_GetObjectItem(j, "errors")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItem(j, "warnings")->valueint, 1);
    cJSON *items = cJSON_GetObjectItem(j, "findings");
    assert_int_equal(cJSON_GetArraySize(items), 2);
    for (int i = 0; i < 2; i++) {
        cJSON *it = cJSON_GetArrayItem(items, i);
        assert_string_equal(cJSON_GetObjectItem(it, "severity")->valuestring,
                            both[i].severity == NB_SEV_ERROR ? "error" : "warning");
        assert_string_equal(cJSON_GetObjectItem(it, "rule")->valuestring, both[i].rule);
        assert_string_equal(cJSON_GetObjectItem(it, "message")->valuestring, both[i].message);
        cJSON *paths = cJSON_GetObjectItem(it, "paths"),
              *values = cJSON_GetObjectItem(it, "values");
        assert_int_equal(cJSON_GetArraySize(paths), both[i].npaths);
        assert_int_equal(cJSON_GetArraySize(values), both[i].npaths);
        for (size_t k = 0; k < both[i].npaths; k++) {
            assert_string_equal(cJSON_GetArrayItem(paths, (int)k)->valuestring, both[i].paths[k]);
            cJSON *v = cJSON_GetArrayItem(values, (int)k);
            if (isnan(both[i].values[k]))
                assert_true(cJSON_IsNull(v));
            else
                assert_true(v->valuedouble == both[i].values[k]);
        }
    }
    cJSON_Delete(j);
    free(text);

    nb_findings none = {NULL, 0, 0};
    text = capture(&none, NULL, true);
    j = cJSON_Parse(text);
    assert_non_null(j);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "findings")), 0);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "file")));
    cJSON_Delete(j);
    free(text);
    nb_findings_free(&f);
    nb_findings_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples_are_consistent),
        cmocka_unit_test(test_baofeng_has_only_the_date_warning),
        cmocka_unit_test(test_corner_rule),
        cmocka_unit_test(test_results_total),
        cmocka_unit_test(test_results_total_2019_has_one_other_row),
        cmocka_unit_test(test_row_total),
        cmocka_unit_test(test_review_total),
        cmocka_unit_test(test_negative_count),
        cmocka_unit_test(test_fraction_count),
        cmocka_unit_test(test_huge_count),
        cmocka_unit_test(test_largest_safe_count_is_accepted),
        cmocka_unit_test(test_string_count),
        cmocka_unit_test(test_other_non_numbers_are_type_errors),
        cmocka_unit_test(test_bad_change),
        cmocka_unit_test(test_bad_amount),
        cmocka_unit_test(test_blank_cell),
        cmocka_unit_test(test_blank_cells_skip_only_their_rules),
        cmocka_unit_test(test_real_sample_blanks),
        cmocka_unit_test(test_decimal_string_amounts),
        cmocka_unit_test(test_missing_count),
        cmocka_unit_test(test_date_before_period),
        cmocka_unit_test(test_no_signature),
        cmocka_unit_test(test_edition_year),
        cmocka_unit_test(test_fees_statement),
        cmocka_unit_test(test_unknown_key),
        cmocka_unit_test(test_duplicate_and_many_unknown_keys),
        cmocka_unit_test(test_missing_field),
        cmocka_unit_test(test_bad_structure),
        cmocka_unit_test(test_carry_over),
        cmocka_unit_test(test_carry_over_across_editions),
        cmocka_unit_test(test_previous_count),
        cmocka_unit_test(test_previous_year_and_body),
        cmocka_unit_test(test_previous_body_with_place_prefix),
        cmocka_unit_test(test_previous_structure_error_is_prefixed),
        cmocka_unit_test(test_check_structure_alone),
        cmocka_unit_test(test_every_rule_id_is_tested),
        cmocka_unit_test(test_print_text),
        cmocka_unit_test(test_print_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
