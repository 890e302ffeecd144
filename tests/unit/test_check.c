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
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "init.h"
#include "jsonin.h"

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

/* Checks files as the command does: the data's JSON text is given too (how numbers were
 * written). */
static void check_files(const char *data, const char *prev, nb_findings *f)
{
    char *text = read_text(data);
    if (text == NULL) fail_msg("cannot read %s", data);
    cJSON *d = cJSON_Parse(text), *p = prev ? load(prev) : NULL;
    if (d == NULL) fail_msg("%s is not JSON", data);
    nb_check_opts o = {text, strlen(text)};
    nb_status st = NB_STATUS_INIT;
    if (nb_check_ex(d, p, &o, f, &st) != NB_OK) fail_msg("nb_check_ex failed: %s", st.msg);
    cJSON_Delete(d);
    cJSON_Delete(p);
    free(text);
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
static void expect_structural(cJSON *doc, const char *rule, const char *path, const char *words);

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
    expect_structural(doc, "key.missing", "signature.date", "成文日期: 缺少键“date”");
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "signature", cJSON_CreateNull());
    expect_structural(doc, "type.field", "signature", "落款: 应为对象");
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

/* `doc` has exactly one finding, an error of `rule` at `path` whose message has `words`; the
 * check itself ran (a structural problem is a finding, not a failure). */
static void expect_structural(cJSON *doc, const char *rule, const char *path, const char *words)
{
    nb_findings f;
    check_docs(doc, NULL, &f);
    for (size_t i = 0; i < f.count; i++)
        if (f.count != 1) print_error("finding: %s %s\n", f.items[i].rule, f.items[i].message);
    assert_int_equal(f.count, 1);
    const char *paths[] = {path};
    const nb_finding *it = expect(&f, 0, NB_SEV_ERROR, rule, 1, paths);
    if (strstr(it->message, words) == NULL) fail_msg("\"%s\" lacks \"%s\"", it->message, words);
    nb_findings_free(&f);
}

static void test_missing_field(void **state)
{
    (void)state;
    expect_clean(COUNTY, NULL);
    /* a missing row is one error in the template's words, not seven missing cells */
    cJSON *doc = load(BROKEN("missing-field.json"));
    expect_structural(doc, "key.missing", "applications.results.total",
                      "三、收到和处理政府信息公开申请情况 三、本年度办理结果（七）总计: "
                      "缺少键“total”（2021年版模板必填）");
    cJSON_Delete(doc);

    /* every top-level key is required but "signature" and "subject" */
    static const struct {
        const char *key, *words;
    } fields[] = {{"title", "标题"},
                  {"body", "发布机关"},
                  {"year", "报告年度"},
                  {"active", "二、主动公开政府信息情况"},
                  {"reviews", "四、政府信息公开行政复议、行政诉讼情况"},
                  {"sections", "正文各节"},
                  {"opening", "引言"},
                  {"applications", "三、收到和处理政府信息公开申请情况"}};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        doc = load(COUNTY);
        cJSON_DeleteItemFromObjectCaseSensitive(doc, fields[i].key);
        char words[160];
        snprintf(words, sizeof words, "%s: 缺少键“%s”", fields[i].words, fields[i].key);
        /* the date rule, the texts and the tables need some of these: skipped, not failed */
        nb_findings f;
        check_docs(doc, NULL, &f);
        assert_int_equal(nb_findings_errors(&f), 1);
        assert_int_equal(count_rule(&f, "key.missing"), 1);
        for (size_t k = 0; k < f.count; k++)
            if (strcmp(f.items[k].rule, "key.missing") == 0) {
                const char *paths[] = {fields[i].key};
                const nb_finding *it = expect(&f, k, NB_SEV_ERROR, "key.missing", 1, paths);
                if (strstr(it->message, words) == NULL)
                    fail_msg("\"%s\" lacks \"%s\"", it->message, words);
            }
        nb_findings_free(&f);
        cJSON_Delete(doc);
    }
    /* without an edition there is no template: that alone cannot be read */
    doc = load(COUNTY);
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "edition");
    expect_data_error(doc, "$.edition: missing");
    cJSON_Delete(doc);

    doc = load(BASE20);
    cJSON_DeleteItemFromObjectCaseSensitive(node_at(doc, "active"), "procurement");
    expect_structural(
        doc, "key.missing", "active.procurement",
        "二、主动公开政府信息情况 政府集中采购: 缺少键“procurement”（2019年版模板必填）");
    cJSON_Delete(doc);
    doc = load(COUNTY);
    cJSON_DeleteItemFromObjectCaseSensitive(node_at(doc, "applications.results"), "refused");
    expect_structural(doc, "key.missing", "applications.results.refused",
                      "三、本年度办理结果（三）不予公开: 缺少键“refused”");
    cJSON_Delete(doc);
}

/* Every structural problem at once: one run lists them all (structure-all.json has eight). */
static void test_structure_all_at_once(void **state)
{
    (void)state;
    nb_findings f;
    check_files(BROKEN("structure-all.json"), NULL, &f);
    static const struct {
        const char *rule, *path, *words;
    } want[] = {
        {"key.missing", "title", "标题: 缺少键“title”"},
        {"type.field", "year",
         "报告年度: 应为四位数的年份（如 2021，不带引号），实为 字符串 \"2021\""},
        {"type.field", "signature.date", "成文日期: 应为真实的日期 \"YYYY-MM-DD\""},
        {"type.field", "opening[2]", "引言第3段: 应为非空段落文字，实为 空字符串"},
        {"type.field", "sections.overview[1].heading",
         "一、总体情况 第2段（小标题）: 应为非空文字"},
        {"key.missing", "active.penalty", "二、主动公开政府信息情况 行政处罚: 缺少键“penalty”"},
        {"key.missing", "applications.results.refused",
         "三、收到和处理政府信息公开申请情况 三、本年度办理结果（三）不予公开: 缺少键“refused”"},
        {"type.field", "reviews.litigation_direct",
         "四、政府信息公开行政复议、行政诉讼情况 行政诉讼（未经复议直接起诉）: 应为对象 {…}，实为 "
         "数组"},
    };
    size_t n = sizeof want / sizeof *want;
    for (size_t i = 0; i < f.count; i++)
        if (f.count != n) print_error("finding: %s %s\n", f.items[i].rule, f.items[i].message);
    assert_int_equal(f.count, n);
    assert_int_equal(nb_findings_errors(&f), n);
    for (size_t i = 0; i < n; i++) {
        const char *paths[] = {want[i].path};
        const nb_finding *it = expect(&f, i, NB_SEV_ERROR, want[i].rule, 1, paths);
        if (strstr(it->message, want[i].words) == NULL)
            fail_msg("\"%s\" lacks \"%s\"", it->message, want[i].words);
    }
    nb_findings_free(&f);
}

static void test_bad_structure(void **state)
{
    (void)state;
    /* what cannot be read at all: not an object, no known edition */
    cJSON *arr = cJSON_CreateArray();
    expect_data_error(arr, "$: expected a JSON object");
    cJSON_Delete(arr);

    cJSON *doc = load(COUNTY);
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "edition", cJSON_CreateString("2020"));
    expect_data_error(doc, "$.edition: unknown edition");
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "edition", cJSON_CreateNumber(2021));
    expect_data_error(doc, "$.edition: unknown edition");
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "edition", cJSON_CreateString("2021"));

    /* everything else is an error finding, and the rules that need it are skipped */
    cJSON_ReplaceItemInObjectCaseSensitive(node_at(doc, "signature"), "date",
                                           cJSON_CreateString("2022-02-30"));
    expect_structural(doc, "type.field", "signature.date", "实为 字符串 \"2022-02-30\"");
    cJSON_ReplaceItemInObjectCaseSensitive(node_at(doc, "signature"), "date",
                                           cJSON_CreateString("2022-01-20"));
    cJSON_ReplaceItemInObjectCaseSensitive(node_at(doc, "applications"), "new",
                                           cJSON_CreateNumber(3));
    expect_structural(doc, "type.field", "applications.new",
                      "一、本年新收政府信息公开申请数量: 应为对象 {…}，实为 3");
    cJSON_Delete(doc);

    doc = load(COUNTY);
    cJSON_AddItemToArray(node_at(doc, "sections.overview"), cJSON_CreateNumber(1));
    int n = cJSON_GetArraySize(node_at(doc, "sections.overview"));
    char path[64], words[64];
    snprintf(path, sizeof path, "sections.overview[%d]", n - 1);
    snprintf(words, sizeof words, "一、总体情况 第%d段: 应为非空段落文字", n);
    expect_structural(doc, "type.field", path, words);
    cJSON_Delete(doc);

    /* run-in sub-headings {"heading", "text"}: each part named */
    doc = load(COUNTY);
    cJSON *runin = cJSON_CreateObject();
    cJSON_AddStringToObject(runin, "heading", "（一）主动公开");
    cJSON_AddStringToObject(runin, "text", "");
    cJSON_ReplaceItemInArray(node_at(doc, "sections.overview"), 1, runin);
    expect_structural(doc, "type.field", "sections.overview[1].text",
                      "一、总体情况 第2段（小标题后的正文）: 应为非空段落文字");
    cJSON_DeleteItemFromObjectCaseSensitive(runin, "heading");
    cJSON_ReplaceItemInObjectCaseSensitive(runin, "text", cJSON_CreateString("全年主动公开信息。"));
    expect_structural(doc, "key.missing", "sections.overview[1].heading",
                      "一、总体情况 第2段: 缺少键“heading”");
    /* a whole run-in item: its text is read like any paragraph */
    cJSON_AddStringToObject(runin, "heading", "（一）主动公开");
    cJSON_ReplaceItemInObjectCaseSensitive(runin, "text",
                                           cJSON_CreateString("全年共收到政府信息公开申请1件。"));
    nb_findings f;
    check_docs(doc, NULL, &f);
    assert_int_equal(f.count, 1);
    const char *rp[] = {"sections.overview[1].text", "applications.new.total"};
    expect(&f, 0, NB_SEV_WARNING, "text.table_mismatch", 2, rp);
    assert_non_null(strstr(f.items[0].message, "一、总体情况 第2段（小标题后的正文）“"));
    nb_findings_free(&f);
    cJSON_Delete(doc);

    doc = load(COUNTY);
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "title", cJSON_CreateString(""));
    expect_structural(doc, "type.field", "title",
                      "标题: 应为非空文字（带引号的字符串），实为 空字符串");
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "title", cJSON_CreateString("年报"));
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "opening", cJSON_CreateArray());
    expect_structural(doc, "type.field", "opening", "引言: 应为段落的数组");
    cJSON_Delete(doc);
}

/* ------------------------------------------------------------------ how the text is written */

/* `file` (checked with its text) has exactly one finding: a warning of `rule` at `paths`
 * whose message has each of `words` (NULL-terminated); returns its values' first. */
static double expect_one_warning(const char *file, const char *rule, size_t n,
                                 const char *const *paths, const char *const *words)
{
    nb_findings f;
    check_files(file, NULL, &f);
    for (size_t i = 0; f.count != 1 && i < f.count; i++)
        print_error("%s: %s %s\n", file, f.items[i].rule, f.items[i].message);
    assert_int_equal(f.count, 1);
    const nb_finding *it = expect(&f, 0, NB_SEV_WARNING, rule, n, paths);
    for (size_t k = 0; words[k] != NULL; k++)
        if (strstr(it->message, words[k]) == NULL)
            fail_msg("%s: \"%s\" lacks \"%s\"", file, it->message, words[k]);
    double v = it->values[0];
    nb_findings_free(&f);
    return v;
}

/* The findings of rule `rule` for `doc` (a tree changed in the test), with no text. */
static size_t rule_count_of(cJSON *doc, const char *rule)
{
    nb_findings f;
    check_docs(doc, NULL, &f);
    size_t n = count_rule(&f, rule);
    nb_findings_free(&f);
    return n;
}

static void set_text(cJSON *doc, const char *dotted, int index, const char *text)
{
    cJSON_ReplaceItemInArray(node_at(doc, dotted), index, cJSON_CreateString(text));
}

/* Item `index` of a section becomes the sub-heading {"heading": text}. */
static void set_heading(cJSON *doc, const char *dotted, int index, const char *text)
{
    cJSON *h = cJSON_CreateObject();
    cJSON_AddStringToObject(h, "heading", text);
    cJSON_ReplaceItemInArray(node_at(doc, dotted), index, h);
}

static void test_text_year(void **state)
{
    (void)state;
    const char *pt[] = {"title", "year"};
    const char *wt[] = {"标题写的是2020年，而报告年度（year）是2021年", NULL};
    assert_true(expect_one_warning(BROKEN("text-year-title.json"), "text.year", 2, pt, wt) == 2020);
    const char *pp[] = {"opening[0]", "year"};
    const char *wp[] = {"引言第1段的统计期限写的是2020年，而报告年度（year）是2021年",
                        "“本报告所列数据的统计期限自2020年1月1日起至2020年12月31日止”", NULL};
    expect_one_warning(BROKEN("text-year-period.json"), "text.year", 2, pp, wp);

    /* a title naming the year among others, full-width digits, and a title with no year */
    cJSON *doc = load(COUNTY);
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "title",
                                           cJSON_CreateString("青溪县自然资源局２０２１年度报告"));
    assert_int_equal(rule_count_of(doc, "text.year"), 0);
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "title",
                                           cJSON_CreateString("青溪县自然资源局２０２０年度报告"));
    assert_int_equal(rule_count_of(doc, "text.year"), 1);
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "title",
                                           cJSON_CreateString("政府信息公开工作年度报告"));
    assert_int_equal(rule_count_of(doc, "text.year"), 0);
    /* another year elsewhere in the opening (a circular's year) is not the period */
    set_text(doc, "opening", 1,
             "依据2019年印发的通知编制。本报告统计期间为2021年1月1日至12月31日。");
    assert_int_equal(rule_count_of(doc, "text.year"), 0);
    set_text(doc, "opening", 1, "本报告统计时限为2021年1月1日至2022年12月31日。");
    assert_int_equal(rule_count_of(doc, "text.year"), 1);
    cJSON_Delete(doc);
}

static void test_text_whitespace(void **state)
{
    (void)state;
    const char *p1[] = {"sections.overview[2]"};
    const char *w1[] = {"一、总体情况 第3段: 有换行符", "“…", "重点⏎公开", NULL};
    expect_one_warning(BROKEN("text-newline.json"), "text.whitespace", 1, p1, w1);
    const char *p2[] = {"sections.overview[3]"};
    const char *w2[] = {"一、总体情况 第4段: 有制表符", "“⇥及时公开", NULL};
    expect_one_warning(BROKEN("text-tab.json"), "text.whitespace", 1, p2, w2);
    const char *p3[] = {"sections.overview[7]"};
    const char *w3[] = {"一、总体情况 第8段: 有开头的空格、末尾的空格", NULL};
    expect_one_warning(BROKEN("text-spaces.json"), "text.whitespace", 1, p3, w3);
    const char *p4[] = {"sections.overview[0]"};
    const char *w4[] = {"一、总体情况 第1段: 有开头的全角空格（版式已自动首行缩进两字",
                        "“　　2021年", NULL};
    expect_one_warning(BROKEN("text-indent.json"), "text.whitespace", 1, p4, w4);

    cJSON *doc = load(COUNTY);
    /* spaces inside a paragraph (新收 12 件, 地址　邮编) are the writer's own */
    set_text(doc, "sections.overview", 2, "本年新收 12 件。地址：青溪县　邮编：338400。");
    assert_int_equal(rule_count_of(doc, "text.whitespace"), 0);
    /* the title typed on two lines, a heading with a trailing space, a control character */
    cJSON_ReplaceItemInObjectCaseSensitive(
        doc, "title", cJSON_CreateString("青溪县2021年政府信息\r\n公开工作年度报告"));
    set_heading(doc, "sections.overview", 1, "（一）主动公开 ");
    set_text(doc, "sections.problems", 0, "一是\x01二是");
    nb_findings f;
    check_docs(doc, NULL, &f);
    assert_int_equal(count_rule(&f, "text.whitespace"), 3);
    assert_int_equal(f.count, 3);
    const char *pa[] = {"title"}, *pb[] = {"sections.overview[1].heading"},
               *pc[] = {"sections.problems[0]"};
    assert_non_null(
        strstr(expect(&f, 0, NB_SEV_WARNING, "text.whitespace", 1, pa)->message, "标题: 有换行符"));
    assert_non_null(strstr(expect(&f, 1, NB_SEV_WARNING, "text.whitespace", 1, pb)->message,
                           "一、总体情况 第2段（小标题）: 有末尾的空格"));
    assert_non_null(
        strstr(expect(&f, 2, NB_SEV_WARNING, "text.whitespace", 1, pc)->message, "控制字符"));
    nb_findings_free(&f);
    cJSON_Delete(doc);
}

static void test_heading_parens(void **state)
{
    (void)state;
    const char *p[] = {"sections.overview[4].heading"};
    const char *w[] = {"一、总体情况 第5段（小标题）: 编号“(二)”用了半角括号，应为全角“（二）”",
                       NULL};
    assert_true(expect_one_warning(BROKEN("text-heading-parens.json"), "text.heading_parens", 1, p,
                                   w) == 2);
    cJSON *doc = load(COUNTY);
    /* a paragraph numbered (1) and a heading half closed: both; （1） is right */
    set_text(doc, "sections.problems", 0, "(1)信息报送不够及时。");
    set_heading(doc, "sections.overview", 1, "（一)主动公开");
    assert_int_equal(rule_count_of(doc, "text.heading_parens"), 2);
    set_text(doc, "sections.problems", 0, "（1）信息报送不够及时。");
    set_heading(doc, "sections.overview", 1, "（一）主动公开");
    assert_int_equal(rule_count_of(doc, "text.heading_parens"), 0);
    cJSON_Delete(doc);
}

static void test_numbering(void **state)
{
    (void)state;
    const char *p[] = {"sections.overview[4].heading", "sections.overview[6].heading"};
    const char *w[] = {
        "一、总体情况: 小标题“（二）依申请公开”之后是“（二）政府信息管理”，编号应为“（三）”", NULL};
    expect_one_warning(BROKEN("text-heading-numbering.json"), "text.numbering", 2, p, w);
    const char *pl[] = {"sections.problems[0]"};
    const char *wl[] = {"五、存在的主要问题及改进情况 第1段: “二是”之后是“二是”，应为“三是”",
                        "“二是依申请公开答复的规范化水平有待进一步提高”", NULL};
    expect_one_warning(BROKEN("text-list-numbering.json"), "text.numbering", 1, pl, wl);

    cJSON *doc = load(COUNTY);
    /* 一 三 四: only 三 is out of place */
    set_heading(doc, "sections.overview", 4, "（三）依申请公开");
    set_heading(doc, "sections.overview", 6, "（四）政府信息管理");
    set_heading(doc, "sections.overview", 8, "（五）政府信息公开平台建设");
    set_heading(doc, "sections.overview", 10, "（六）监督保障");
    assert_int_equal(rule_count_of(doc, "text.numbering"), 1);
    cJSON_Delete(doc);
    doc = load(COUNTY);
    /* a new list 一是 in the same paragraph; 统一是 and 唯一是 are words, not markers */
    set_text(doc, "sections.problems", 0,
             "问题：一是公开不及时；二是解读单一。措施：一是统一是非标准；二是唯一是好。");
    assert_int_equal(rule_count_of(doc, "text.numbering"), 0);
    set_text(doc, "sections.problems", 0, "一是公开不及时；三是解读单一；四是答复不规范。");
    assert_int_equal(rule_count_of(doc, "text.numbering"), 1);
    /* paragraphs numbered （一）（二）（二） in a section without sub-headings */
    cJSON *other = node_at(doc, "sections.other");
    cJSON_ReplaceItemInArray(other, 1, cJSON_CreateString("（一）办理建议提案。"));
    cJSON_ReplaceItemInArray(other, 2, cJSON_CreateString("（二）无其他事项。"));
    cJSON_AddItemToArray(other, cJSON_CreateString("（二）其他。"));
    nb_findings f;
    check_docs(doc, NULL, &f);
    assert_int_equal(count_rule(&f, "text.numbering"), 2);
    nb_findings_free(&f);
    cJSON_Delete(doc);
}

static void test_heading_repeated(void **state)
{
    (void)state;
    const char *p[] = {"sections.overview[0].heading"};
    const char *w[] = {
        "一、总体情况 第1段: “一、总体情况”重复了本节标题“一、总体情况”（节标题由版式印出", NULL};
    expect_one_warning(BROKEN("text-heading-repeated.json"), "text.heading_repeated", 1, p, w);
    static const struct {
        const char *section, *text;
        size_t want;
    } cases[] = {
        {"sections.overview", "总体情况", 1},
        {"sections.overview", "一.总体情况", 1},
        {"sections.overview", "  一、总体情况：2021年，我局坚持……", 1},
        {"sections.problems", "五、存在的主要问题及改进情况", 1},
        {"sections.other", "六、其他需要报告的事项", 1},
        {"sections.overview", "总体情况良好，各项工作有序推进。", 0},
        {"sections.overview", "二、总体情况", 1},
        {"sections.problems", "一、总体情况", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cJSON *doc = load(COUNTY);
        set_text(doc, cases[i].section, 0, cases[i].text);
        if (rule_count_of(doc, "text.heading_repeated") != cases[i].want)
            fail_msg("%s first item \"%s\": expected %zu", cases[i].section, cases[i].text,
                     cases[i].want);
        cJSON_Delete(doc);
    }
}

/* `file` parsed and checked without its text: no finding. */
static void expect_clean_tree(const char *file)
{
    cJSON *doc = load(file);
    assert_int_equal(rule_count_of(doc, "type.count_form") + rule_count_of(doc, "type.count"), 0);
    nb_findings f;
    check_docs(doc, NULL, &f);
    assert_int_equal(f.count, 0);
    nb_findings_free(&f);
    cJSON_Delete(doc);
}

/* Checks `text` (the data's JSON text) with it given to the checker. */
static void check_text(const char *text, nb_findings *f)
{
    cJSON *d = cJSON_Parse(text);
    assert_non_null(d);
    nb_check_opts o = {text, strlen(text)};
    nb_status st = NB_STATUS_INIT;
    if (nb_check_ex(d, NULL, &o, f, &st) != NB_OK) fail_msg("%s", st.msg);
    cJSON_Delete(d);
}

static void test_decimal_count(void **state)
{
    (void)state;
    cJSON *doc = load(BROKEN("decimal-count.json"));
    char lexeme[32], words[200];
    snprintf(lexeme, sizeof lexeme, "%.0f.0", num_at(doc, "applications.new.natural"));
    snprintf(
        words, sizeof words,
        "三、收到和处理政府信息公开申请情况 一、本年新收政府信息公开申请数量 / 自然人: 写成了 %s，"
        "应写整数 %.0f",
        lexeme, num_at(doc, "applications.new.natural"));
    const char *p[] = {"applications.new.natural"};
    const char *w[] = {words, NULL};
    double v = expect_one_warning(BROKEN("decimal-count.json"), "type.count_form", 1, p, w);
    assert_true(v == num_at(doc, "applications.new.natural"));
    /* the tree alone cannot tell 3.0 from 3: without the text the rule does not run */
    expect_clean_tree(BROKEN("decimal-count.json"));
    cJSON_Delete(doc);

    /* an exponent, and the same count in a change (2019 edition) */
    char *text = read_text(BROKEN("decimal-count.json"));
    char *at_lexeme = strstr(text, lexeme);
    assert_non_null(at_lexeme);
    char exp_form[32];
    snprintf(exp_form, sizeof exp_form, "%.*s0e-1", (int)(strlen(lexeme) - 2), lexeme);
    size_t rest = strlen(at_lexeme + strlen(lexeme));
    char *edited = malloc(strlen(text) + 16);
    snprintf(edited, strlen(text) + 16, "%.*s%s%s", (int)(at_lexeme - text), text, exp_form,
             at_lexeme + strlen(lexeme));
    assert_int_equal(strlen(edited), (size_t)(at_lexeme - text) + strlen(exp_form) + rest);
    nb_findings f;
    check_text(edited, &f);
    assert_int_equal(f.count, 1);
    expect(&f, 0, NB_SEV_WARNING, "type.count_form", 1, p);
    assert_non_null(strstr(f.items[0].message, exp_form));
    nb_findings_free(&f);
    free(edited);
    free(text);

    /* a change (本年增/减, 2019 edition) typed as a decimal: its first one in the file */
    text = read_text(BASE20);
    char *c = strstr(text, "\"change\": ");
    assert_non_null(c);
    char *end = c + strlen("\"change\": ");
    if (*end == '-') end++;
    while (*end >= '0' && *end <= '9')
        end++;
    char *edit2 = malloc(strlen(text) + 8);
    snprintf(edit2, strlen(text) + 8, "%.*s.00%s", (int)(end - text), text, end);
    check_text(edit2, &f);
    assert_int_equal(f.count, 1);
    const char *pc[] = {"active.licensing.change"};
    expect(&f, 0, NB_SEV_WARNING, "type.count_form", 1, pc);
    assert_non_null(strstr(f.items[0].message, "行政许可 / 本年增/减: 写成了 "));
    nb_findings_free(&f);
    free(edit2);
    free(text);
}

static void test_decimal_count_inexact(void **state)
{
    (void)state;
    nb_findings f;
    check_files(BROKEN("decimal-count-inexact.json"), NULL, &f);
    assert_int_equal(f.count, 1);
    const char *p[] = {"reviews.reconsideration.upheld"};
    const nb_finding *it = expect(&f, 0, NB_SEV_ERROR, "type.count", 1, p);
    assert_non_null(strstr(it->message, "行政复议 / 结果维持: 应为非负整数"));
    assert_non_null(strstr(it->message, "不是整数：文件中写作 1.99999999999999999"));
    nb_findings_free(&f);
    /* the double it reads as is 2: without the text nothing can be seen */
    expect_clean_tree(BROKEN("decimal-count-inexact.json"));
}

/* The finding i is a table mismatch: the paragraph at `para`, the cell(s), both figures. */
static void expect_mismatch(const nb_findings *f, size_t i, cJSON *doc, const char *para,
                            const char *cell, double said, const char *where)
{
    const char *paths[] = {para, cell};
    const nb_finding *it = expect(f, i, NB_SEV_WARNING, "text.table_mismatch", 2, paths);
    double table = num_at(doc, cell);
    assert_true(it->values[0] == said && it->values[1] == table);
    assert_true(said != table);
    char w1[80], w2[80];
    snprintf(w1, sizeof w1, "写%.0f件", said);
    snprintf(w2, sizeof w2, "为%.0f", table);
    const char *words[] = {"正文与表格不符: ", where, w1, w2};
    for (size_t k = 0; k < 4; k++)
        if (strstr(it->message, words[k]) == NULL)
            fail_msg("\"%s\" lacks \"%s\"", it->message, words[k]);
}

static void test_table_mismatch(void **state)
{
    (void)state;
    nb_findings f;
    cJSON *doc = load(BROKEN("table-mismatch-applications.json"));
    double n = num_at(doc, "applications.new.total"),
           r = num_at(doc, "applications.results.total.total");
    check_files(BROKEN("table-mismatch-applications.json"), NULL, &f);
    assert_int_equal(f.count, 2); /* 收到 and 办结 differ; 上年结转 agrees */
    expect_mismatch(&f, 0, doc, "sections.overview[5]", "applications.new.total", n - 17,
                    "一、总体情况 第6段“全年共收到政府信息公开申请");
    assert_non_null(strstr(f.items[0].message, "一、本年新收政府信息公开申请数量 / 总计"));
    expect_mismatch(&f, 1, doc, "sections.overview[5]", "applications.results.total.total", r - 72,
                    "办结");
    assert_non_null(strstr(f.items[1].message, "三、本年度办理结果（七）总计 / 总计"));
    /* the quoted sentence is cut on a character boundary, about 40 characters */
    const char *q = strstr(f.items[1].message, "“"), *qe = strstr(q, "”");
    size_t chars = 0;
    for (const char *c = q + strlen("“"); c < qe; c++)
        chars += ((unsigned char)*c & 0xC0) != 0x80;
    assert_true(chars >= 30 && chars <= 44);
    nb_findings_free(&f);
    cJSON_Delete(doc);

    doc = load(BROKEN("table-mismatch-reviews.json"));
    int last = cJSON_GetArraySize(node_at(doc, "sections.overview")) - 1;
    char para[64];
    snprintf(para, sizeof para, "sections.overview[%d]", last);
    check_files(BROKEN("table-mismatch-reviews.json"), NULL, &f);
    assert_int_equal(f.count, 1); /* 行政复议 differs, 行政诉讼 (both groups) agrees */
    expect_mismatch(&f, 0, doc, para, "reviews.reconsideration.total",
                    num_at(doc, "reviews.reconsideration.total") + 1, "行政复议 / 总计");
    nb_findings_free(&f);
    /* 行政诉讼 is both groups of table C */
    set_text(doc, "sections.overview", last, "全年发生行政诉讼案件1件。");
    check_docs(doc, NULL, &f);
    assert_int_equal(f.count, 1);
    const char *lp[] = {"sections.overview[12]", "reviews.litigation_direct.total",
                        "reviews.litigation_after_review.total"};
    const nb_finding *it = expect(&f, 0, NB_SEV_WARNING, "text.table_mismatch", 3, lp);
    assert_true(it->values[0] == 1);
    assert_true(it->values[1] == num_at(doc, "reviews.litigation_direct.total"));
    assert_true(it->values[2] == num_at(doc, "reviews.litigation_after_review.total"));
    assert_non_null(strstr(it->message, "行政诉讼 总计（未经复议直接起诉 + 复议后起诉）"));
    nb_findings_free(&f);
    cJSON_Delete(doc);

    doc = load(BROKEN("table-mismatch-active.json"));
    check_files(BROKEN("table-mismatch-active.json"), NULL, &f);
    assert_int_equal(f.count, 1); /* 规章 agrees, 行政规范性文件 differs */
    expect_mismatch(&f, 0, doc, "sections.overview[2]", "active.normative_documents.issued",
                    num_at(doc, "active.normative_documents.issued") + 2,
                    "行政规范性文件 / 本年制发件数");
    nb_findings_free(&f);
    /* a blank cell is not compared */
    cJSON_ReplaceItemInObjectCaseSensitive(node_at(doc, "active.normative_documents"), "issued",
                                           cJSON_CreateNull());
    assert_int_equal(rule_count_of(doc, "text.table_mismatch"), 0);
    cJSON_Delete(doc);

    /* every form agreeing, and look-alikes that state something else: nothing */
    expect_clean(BROKEN("text-figures-agree.json"), NULL);
    check_files(BROKEN("text-figures-agree.json"), NULL, &f);
    assert_int_equal(f.count, 0);
    nb_findings_free(&f);
}

/* Paths of the strings in `node` that contain the placeholder, as the checker writes paths. */
static void placeholder_paths(const cJSON *node, const char *path, char (*out)[96], size_t *n)
{
    if (cJSON_IsString(node) && strstr(node->valuestring, NB_CHECK_PLACEHOLDER) != NULL) {
        assert_true(*n < 64);
        snprintf(out[(*n)++], 96, "%s", path);
    }
    int i = 0;
    for (const cJSON *c = cJSON_IsArray(node) || cJSON_IsObject(node) ? node->child : NULL; c;
         c = c->next, i++) {
        char sub[96];
        if (cJSON_IsArray(node))
            snprintf(sub, sizeof sub, "%s[%d]", path, i);
        else
            snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", c->string);
        placeholder_paths(c, sub, out, n);
    }
}

/* Every string with 【请填写 has one text.placeholder warning at its path; the other
 * findings are the blank cells and the missing signature's note only. */
static void expect_placeholders_listed(cJSON *doc, const nb_findings *f)
{
    char want[64][96];
    size_t n = 0, seen = 0;
    placeholder_paths(doc, "", want, &n);
    assert_true(n >= 10);
    for (size_t i = 0; i < f->count; i++) {
        const nb_finding *it = &f->items[i];
        if (strcmp(it->rule, "value.blank") == 0 || strcmp(it->rule, "date.no_signature") == 0)
            continue;
        if (strcmp(it->rule, "text.placeholder") != 0)
            fail_msg("unexpected %s: %s", it->rule, it->message);
        assert_int_equal(it->severity, NB_SEV_WARNING);
        assert_int_equal(it->npaths, 1);
        assert_non_null(strstr(it->message, "尚未填写：“【请填写"));
        bool found = false;
        for (size_t k = 0; k < n; k++)
            found = found || strcmp(want[k], it->paths[0]) == 0;
        if (!found) fail_msg("placeholder warning at %s, which has none", it->paths[0]);
        seen++;
    }
    assert_int_equal(seen, n);
}

static void test_placeholder(void **state)
{
    (void)state;
    nb_findings f;
    check_files(BROKEN("placeholder-2021.json"), NULL, &f);
    cJSON *doc = load(BROKEN("placeholder-2021.json"));
    expect_placeholders_listed(doc, &f);
    assert_int_equal(nb_findings_errors(&f), 0);
    /* named by place: 标题 is not among them here (the body was given), 引言第2段 is */
    bool opening2 = false;
    for (size_t i = 0; i < f.count; i++)
        if (strcmp(f.items[i].paths[0], "opening[1]") == 0) {
            opening2 = true;
            assert_non_null(
                strstr(f.items[i].message, "引言第2段: 尚未填写：“【请填写：门户网站名称】”等"));
        }
    assert_true(opening2);
    nb_findings_free(&f);
    cJSON_Delete(doc);

    /* what `nianbao init` makes, for both editions, without a body (标题 and 发布机关 too) */
    nb_editions table;
    nb_status st = NB_STATUS_INIT;
    if (nb_editions_load(NB_TEST_SRCDIR "/layouts/editions.json", &table, &st))
        fail_msg("%s", st.msg);
    const char *eds[] = {"2019", "2021"};
    const int years[] = {2020, 2022};
    for (int e = 0; e < 2; e++) {
        nb_init_opts o = {eds[e], years[e], NULL, NULL, NULL};
        nb_buf out = {0};
        if (nb_init_make(&table, &o, &out, &st)) fail_msg("%s", st.msg);
        char *text = malloc(out.len + 1);
        memcpy(text, out.p, out.len);
        text[out.len] = '\0';
        check_text(text, &f);
        doc = cJSON_Parse(text);
        expect_placeholders_listed(doc, &f);
        size_t title = 0;
        for (size_t i = 0; i < f.count; i++)
            if (strcmp(f.items[i].paths[0], "title") == 0) {
                title++;
                assert_memory_equal(f.items[i].message, "标题: ", strlen("标题: "));
            }
        assert_int_equal(title, 1);
        nb_findings_free(&f);
        cJSON_Delete(doc);
        free(text);
        nb_buf_free(&out);
    }
    nb_editions_free(&table);
}

/* The checker's marker is the one `nianbao init` writes (layouts/editions.json). */
static void test_placeholder_marker_is_the_editions_one(void **state)
{
    (void)state;
    cJSON *table = load("layouts/editions.json");
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(table, "placeholder");
    assert_true(cJSON_IsString(p));
    assert_string_equal(p->valuestring, NB_CHECK_PLACEHOLDER);
    cJSON_Delete(table);
}

/* No sample gets a warning from the rules on how the text is written, but the real mistakes
 * they contain: stress-2020.json says 主动公开规范性文件16件 where its table A has 0. */
static void test_samples_have_no_false_warnings(void **state)
{
    (void)state;
    static const char *const rules[] = {"type.count_form",     "text.year",
                                        "text.whitespace",     "text.heading_parens",
                                        "text.numbering",      "text.heading_repeated",
                                        "text.table_mismatch", "text.placeholder",
                                        "key.missing",         "type.field"};
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/samples", NB_TEST_SRCDIR);
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t files = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0) continue;
        char rel[512];
        snprintf(rel, sizeof rel, "samples/%s", e->d_name);
        nb_findings f;
        check_files(rel, NULL, &f);
        size_t expected = strcmp(e->d_name, "stress-2020.json") == 0 ? 1 : 0, got = 0;
        for (size_t i = 0; i < f.count; i++)
            for (size_t r = 0; r < sizeof rules / sizeof *rules; r++)
                if (strcmp(f.items[i].rule, rules[r]) == 0) {
                    got++;
                    if (expected == 0) print_error("%s: %s\n", rel, f.items[i].message);
                }
        assert_int_equal(got, expected);
        if (expected) {
            const char *paths[] = {"sections.overview[2]",
                                   "active.normative_documents.new_published"};
            size_t i = 0;
            while (strcmp(f.items[i].rule, "text.table_mismatch") != 0)
                i++;
            const nb_finding *it = expect(&f, i, NB_SEV_WARNING, "text.table_mismatch", 2, paths);
            assert_true(it->values[0] == 16 && it->values[1] == 0);
        }
        nb_findings_free(&f);
        files++;
    }
    closedir(d);
    assert_true(files >= 6);
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

static void test_previous_structure_findings(void **state)
{
    (void)state;
    /* last year's structural problems are findings with previous: paths */
    cJSON *doc = load(PAIR22), *prev = load(PAIR21);
    cJSON_DeleteItemFromObjectCaseSensitive(node_at(prev, "applications.results"), "total");
    nb_findings f;
    check_docs(doc, prev, &f);
    assert_int_equal(f.count, 1);
    const char *paths[] = {"previous:applications.results.total"};
    const nb_finding *it = expect(&f, 0, NB_SEV_ERROR, "key.missing", 1, paths);
    assert_memory_equal(it->message, "上年报告 ", strlen("上年报告 "));
    nb_findings_free(&f);
    cJSON_Delete(prev);
    /* one that cannot be read is a failure naming it as last year's */
    prev = cJSON_CreateArray();
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(nb_check(doc, prev, &f, &st), NB_ERR_DATA);
    assert_non_null(strstr(st.msg, "previous report: $: expected a JSON object"));
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
    /* a missing key is for nb_check to list, not a failure */
    doc = load(BROKEN("structure-all.json"));
    assert_int_equal(nb_check_structure(doc, &st), NB_OK);
    /* the message names the JSON path only: the caller adds the file name */
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "edition", cJSON_CreateString("2022"));
    assert_int_equal(nb_check_structure(doc, &st), NB_ERR_DATA);
    const char *want = "$.edition: unknown edition 字符串 \"2022\"";
    assert_memory_equal(st.msg, want, strlen(want));
    cJSON_Delete(doc);
    nb_status_clear(&st);
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
    assert_int_equal(seen, 29); /* 11 errors, 17 warnings and 1 note today */
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
        cmocka_unit_test(test_structure_all_at_once),
        cmocka_unit_test(test_text_year),
        cmocka_unit_test(test_text_whitespace),
        cmocka_unit_test(test_heading_parens),
        cmocka_unit_test(test_numbering),
        cmocka_unit_test(test_heading_repeated),
        cmocka_unit_test(test_decimal_count),
        cmocka_unit_test(test_decimal_count_inexact),
        cmocka_unit_test(test_table_mismatch),
        cmocka_unit_test(test_placeholder),
        cmocka_unit_test(test_placeholder_marker_is_the_editions_one),
        cmocka_unit_test(test_samples_have_no_false_warnings),
        cmocka_unit_test(test_carry_over),
        cmocka_unit_test(test_carry_over_across_editions),
        cmocka_unit_test(test_previous_count),
        cmocka_unit_test(test_previous_year_and_body),
        cmocka_unit_test(test_previous_body_with_place_prefix),
        cmocka_unit_test(test_previous_structure_findings),
        cmocka_unit_test(test_check_structure_alone),
        cmocka_unit_test(test_every_rule_id_is_tested),
        cmocka_unit_test(test_print_text),
        cmocka_unit_test(test_print_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
