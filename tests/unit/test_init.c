/* test_init.c — `nianbao init`'s library part (init.h) on the real edition table and blank
 * reports of layouts/: a blank report has every key of the edition with counts and amounts
 * null and the year and body filled in; made from last year's report it carries what the
 * edition table says (四、结转下年度继续办理 → 二、上年结转, 现行有效件数, 上一年项目数量 as
 * last year's 上一年项目数量 + 本年增/减), the sub-headings, the body, and the title and
 * opening with the new year; editions refuse years they are not for; the text written
 * parses back to the same tree (jsonout.h).  nb_init_make reads the blank report the table
 * names; with another table (a scratch folder) its editions, years, blank reports and carry
 * rules are followed, and an edition without a blank report, a blank report that is not an
 * object, an unknown edition (listing the table's) and a year no edition is for are refused
 * with messages naming the file and key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "init.h"
#include "jsonin.h"
#include "jsonout.h"

typedef struct fixture {
    nb_editions table;
    nb_json_doc blank19, blank21;
} fixture;

static void load(const char *rel, nb_json_doc *d)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", NB_TEST_SRCDIR, rel);
    nb_status st = NB_STATUS_INIT;
    if (nb_json_load(path, d, &st)) fail_msg("%s", st.msg);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    nb_status st = NB_STATUS_INIT;
    if (nb_editions_load(NB_TEST_SRCDIR "/layouts/editions.json", &f->table, &st))
        fail_msg("%s", st.msg);
    load("layouts/blank-2019.json", &f->blank19);
    load("layouts/blank-2021.json", &f->blank21);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    nb_editions_free(&f->table);
    nb_json_free(&f->blank19);
    nb_json_free(&f->blank21);
    free(f);
    return 0;
}

/* Makes a report with `o`; returns its parsed tree (caller deletes). */
static cJSON *make(fixture *f, const nb_init_opts *o)
{
    nb_status st = NB_STATUS_INIT;
    const nb_edition *ed;
    int year;
    if (nb_init_resolve(&f->table, o, &ed, &year, &st)) fail_msg("%s", st.msg);
    const cJSON *blank = strcmp(ed->id, "2019") == 0 ? f->blank19.root : f->blank21.root;
    nb_buf out = {0};
    if (nb_init_report(ed, blank, year, o, &out, &st)) fail_msg("%s", st.msg);
    nb_json_doc d;
    if (nb_json_parse("init.json", out.p, out.len, &d, &st)) fail_msg("%s\n%s", st.msg, out.p);
    cJSON *root = d.root;
    d.root = NULL;
    nb_json_free(&d);
    /* written again, the same bytes: the writer is deterministic and round-trips */
    nb_buf again = {0};
    nb_json_write(&again, root);
    assert_int_equal(again.len, out.len);
    assert_memory_equal(again.p, out.p, out.len);
    nb_buf_free(&again);
    nb_buf_free(&out);
    return root;
}

static const char *str_at(const cJSON *root, const char *path)
{
    const cJSON *v = nb_json_at(root, path);
    if (!cJSON_IsString(v)) fail_msg("$.%s is not a string", path);
    return v->valuestring;
}

/* Every number-or-null leaf under `v` is null. */
static void all_null(const cJSON *v, const char *where)
{
    for (const cJSON *c = v->child; c; c = c->next) {
        if (cJSON_IsNumber(c)) fail_msg("%s.%s is %g, not blank", where, c->string, c->valuedouble);
        if (cJSON_IsObject(c)) all_null(c, where);
    }
}

static void test_blank_2021(void **state)
{
    fixture *f = *state;
    nb_init_opts o = {.edition = "2021", .year = 2024, .body = "某某县某某局"};
    cJSON *r = make(f, &o);
    assert_string_equal(str_at(r, "edition"), "2021");
    assert_true(cJSON_IsNumber(nb_json_at(r, "year")));
    assert_int_equal((int)nb_json_at(r, "year")->valuedouble, 2024);
    assert_string_equal(str_at(r, "body"), "某某县某某局");
    assert_string_equal(str_at(r, "title"), "某某县某某局2024年政府信息公开工作年度报告");
    assert_non_null(strstr(str_at(r, "opening[0]"), "自2024年1月1日起至2024年12月31日止"));
    assert_non_null(strstr(str_at(r, "opening[0]"), "国办公开办函〔2021〕30号"));
    assert_non_null(strstr(str_at(r, "sections.other[0]"), "信息处理费"));
    all_null(nb_json_at(r, "active"), "active");
    all_null(nb_json_at(r, "applications"), "applications");
    all_null(nb_json_at(r, "reviews"), "reviews");
    /* every row of the edition is there: the 2021 （六）其他处理 has three sub-rows */
    assert_true(cJSON_IsNull(nb_json_at(r, "applications.results.other.no_fee.natural")));
    assert_true(cJSON_IsNull(nb_json_at(r, "active.fees.amount")));
    char *text = cJSON_PrintUnformatted(r);
    assert_null(strstr(text, "{body}"));
    assert_null(strstr(text, "{year}"));
    free(text);
    cJSON_Delete(r);
}

static void test_blank_2019_placeholder_body(void **state)
{
    fixture *f = *state;
    nb_init_opts o = {.year = 2020}; /* edition by year */
    cJSON *r = make(f, &o);
    assert_string_equal(str_at(r, "edition"), "2019");
    assert_non_null(strstr(str_at(r, "body"), "【请填写"));
    assert_non_null(strstr(str_at(r, "opening[0]"), "国办公开办函〔2019〕60号"));
    assert_true(cJSON_IsNull(nb_json_at(r, "active.procurement.amount.value")));
    assert_string_equal(str_at(r, "active.procurement.amount.unit"), "元");
    cJSON_Delete(r);
}

static void test_wrong_year_for_edition(void **state)
{
    fixture *f = *state;
    nb_status st = NB_STATUS_INIT;
    const nb_edition *ed;
    int year;
    nb_init_opts o = {.edition = "2019", .year = 2024};
    assert_int_equal(nb_init_resolve(&f->table, &o, &ed, &year, &st), NB_ERR_USAGE);
    assert_non_null(strstr(st.msg, "2019 edition is for report years 2019 to 2020, not 2024"));
    assert_non_null(strstr(st.msg, "--edition 2021"));
    nb_status_clear(&st);
    nb_init_opts o2 = {.edition = "2022", .year = 2024};
    assert_int_equal(nb_init_resolve(&f->table, &o2, &ed, &year, &st), NB_ERR_USAGE);
    assert_string_equal(
        st.msg, "\"2022\" is not an edition of the template (expected \"2019\" / \"2021\")");
}

static void test_from_last_year_2021(void **state)
{
    fixture *f = *state;
    nb_json_doc prev;
    load("samples/pair-2021.json", &prev);
    nb_init_opts o = {.previous = prev.root, .previous_name = "pair-2021.json"};
    cJSON *r = make(f, &o);
    assert_int_equal((int)nb_json_at(r, "year")->valuedouble, 2022);
    assert_string_equal(str_at(r, "body"), str_at(prev.root, "body"));
    assert_string_equal(str_at(r, "title"), "青溪县市场监督管理局2022年政府信息公开工作年度报告");
    assert_non_null(strstr(str_at(r, "opening[0]"), "自2022年1月1日起至2022年12月31日止"));
    assert_null(strstr(str_at(r, "opening[0]"), "2021年"));
    /* 二、上年结转 = last year's 四、结转下年度继续办理, cell by cell */
    const cJSON *cf = nb_json_at(prev.root, "applications.carried_forward");
    const cJSON *co = nb_json_at(r, "applications.carried_over");
    assert_true(cJSON_Compare(cf, co, true));
    assert_int_equal(nb_json_at(r, "active.normative_documents.in_force")->valuedouble,
                     nb_json_at(prev.root, "active.normative_documents.in_force")->valuedouble);
    /* this year's own figures stay blank */
    assert_true(cJSON_IsNull(nb_json_at(r, "applications.new.total")));
    assert_true(cJSON_IsNull(nb_json_at(r, "active.normative_documents.issued")));
    /* sub-headings kept, paragraphs to be written */
    const cJSON *ov = nb_json_at(r, "sections.overview"),
                *pov = nb_json_at(prev.root, "sections.overview");
    int nh = 0, pnh = 0;
    for (const cJSON *it = ov->child; it; it = it->next)
        if (cJSON_IsObject(it))
            nh++;
        else
            assert_non_null(strstr(it->valuestring, "【请填写"));
    for (const cJSON *it = pov->child; it; it = it->next)
        pnh += cJSON_IsObject(it);
    assert_true(pnh > 0);
    assert_int_equal(nh, pnh);
    cJSON_Delete(r);
    nb_json_free(&prev);
}

static void test_from_last_year_2019_sums(void **state)
{
    fixture *f = *state;
    nb_json_doc prev;
    load("samples/baofeng-2020.json", &prev);
    /* the seed, as if it were a 2019 report, gives a 2020 report of the same edition */
    cJSON_ReplaceItemInObject(prev.root, "year", cJSON_CreateNumber(2019));
    cJSON *pt = cJSON_GetObjectItem(prev.root, "title");
    char *t = strdup(pt->valuestring);
    char *at = strstr(t, "2020");
    assert_non_null(at);
    at[3] = '9';
    cJSON_SetValuestring(pt, t);
    free(t);
    nb_init_opts o = {.previous = prev.root};
    cJSON *r = make(f, &o);
    assert_string_equal(str_at(r, "edition"), "2019");
    const char *rows[] = {"licensing", "other_services", "penalty", "coercion", "fees"};
    for (size_t i = 0; i < 5; i++) {
        char p[80], c[80], n[80];
        snprintf(p, sizeof p, "active.%s.previous_count", rows[i]);
        snprintf(c, sizeof c, "active.%s.change", rows[i]);
        snprintf(n, sizeof n, "active.%s.previous_count", rows[i]);
        double want = nb_json_at(prev.root, p)->valuedouble + nb_json_at(prev.root, c)->valuedouble;
        assert_true(cJSON_IsNumber(nb_json_at(r, n)));
        assert_true(nb_json_at(r, n)->valuedouble == want);
        assert_true(cJSON_IsNull(nb_json_at(r, c)));
    }
    assert_non_null(strstr(str_at(r, "title"), "2020"));
    cJSON_Delete(r);
    /* a 2020 report gives a 2021 report: the new edition; only what both share carries */
    cJSON_ReplaceItemInObject(prev.root, "year", cJSON_CreateNumber(2020));
    nb_init_opts o2 = {.previous = prev.root};
    r = make(f, &o2);
    assert_string_equal(str_at(r, "edition"), "2021");
    assert_true(cJSON_Compare(nb_json_at(r, "applications.carried_over"),
                              nb_json_at(prev.root, "applications.carried_forward"), true));
    assert_non_null(strstr(str_at(r, "opening[0]"), "国办公开办函〔2021〕30号"));
    assert_true(cJSON_IsNull(nb_json_at(r, "active.rules.in_force")));
    cJSON_Delete(r);
    nb_json_free(&prev);
}

/* nb_init_make reads the edition's blank report from the table's folder: the same report
 * as nb_init_report given that file. */
static void test_make_official(void **state)
{
    fixture *f = *state;
    nb_init_opts o = {.year = 2023, .body = "某某县某某局"};
    cJSON *want = make(f, &o);
    nb_status st = NB_STATUS_INIT;
    nb_buf out = {0};
    if (nb_init_make(&f->table, &o, &out, &st)) fail_msg("%s", st.msg);
    cJSON *got = cJSON_ParseWithLength(out.p, out.len);
    assert_true(cJSON_Compare(got, want, true));
    cJSON_Delete(got);
    cJSON_Delete(want);
    nb_buf_free(&out);
}

/* Writes `text` to `name` in the scratch folder of this test. */
static void put_file(const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/test_init_%s", NB_TEST_BINDIR, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* Another table, in a scratch folder: its own editions, blank reports and carry rules are
 * followed, and what it lacks is named by file and key. */
static void test_make_other_table(void **state)
{
    (void)state;
    put_file(
        "editions.json",
        "{\"subject\": \"S\", \"editions\": {"
        "\"a\": {\"layout\": \"a.json\", \"first_year\": 2001, \"last_year\": 2009},"
        "\"b\": {\"layout\": \"b.json\", \"blank\": \"test_init_b.json\", \"first_year\": 2010,"
        " \"last_year\": 2019},"
        "\"c\": {\"layout\": \"c.json\", \"blank\": \"test_init_c.json\", \"first_year\": 2020,"
        " \"carry\": [{\"to\": \"t.n\", \"sum\": [\"t.n\", \"t.d\"]}, {\"to\": \"k\", \"from\": "
        "\"k\"}]}}}");
    put_file("b.json", "[1, 2]");
    put_file("c.json", "{\"edition\": \"c\", \"year\": \"{year}\", \"body\": \"{body}\","
                       " \"t\": {\"n\": null, \"d\": null}, \"k\": null}");
    nb_editions t;
    nb_status st = NB_STATUS_INIT;
    char table[1024];
    snprintf(table, sizeof table, "%s/test_init_editions.json", NB_TEST_BINDIR);
    if (nb_editions_load(table, &t, &st)) fail_msg("%s", st.msg);
    nb_buf out = {0};
    /* an edition without a blank report: the table and the key are named */
    nb_init_opts o = {.year = 2005};
    assert_int_equal(nb_init_make(&t, &o, &out, &st), NB_ERR_LAYOUT);
    assert_non_null(strstr(st.msg, table));
    assert_non_null(strstr(st.msg, ": $.editions.a.blank: missing (expected the file name of the "
                                   "edition's blank report"));
    /* a blank report that is not an object: its file is named */
    nb_status_clear(&st);
    nb_init_opts ob = {.year = 2015};
    assert_int_equal(nb_init_make(&t, &ob, &out, &st), NB_ERR_LAYOUT);
    assert_non_null(strstr(st.msg, "/test_init_b.json: $: expected a JSON object (the blank report "
                                   "of the b edition"));
    /* an edition the table lacks: the table's editions are listed */
    nb_status_clear(&st);
    nb_init_opts ox = {.edition = "2021", .year = 2021};
    assert_int_equal(nb_init_make(&t, &ox, &out, &st), NB_ERR_USAGE);
    assert_string_equal(st.msg, "\"2021\" is not an edition of the template (expected \"a\" / "
                                "\"b\" / \"c\")");
    /* a year no edition is for */
    nb_status_clear(&st);
    nb_init_opts oy = {.year = 1999};
    assert_int_equal(nb_init_make(&t, &oy, &out, &st), NB_ERR_USAGE);
    assert_non_null(strstr(st.msg, "no edition of the template is for the report year 1999"));
    /* the table's carry rules, from last year's report */
    nb_status_clear(&st);
    cJSON *prev = cJSON_Parse("{\"edition\": \"c\", \"year\": 2024, \"body\": \"B\","
                              " \"t\": {\"n\": 5, \"d\": -2}, \"k\": 7}");
    nb_init_opts oc = {.previous = prev, .previous_name = "prev.json"};
    if (nb_init_make(&t, &oc, &out, &st)) fail_msg("%s", st.msg);
    cJSON *r = cJSON_ParseWithLength(out.p, out.len);
    assert_int_equal((int)nb_json_at(r, "year")->valuedouble, 2025);
    assert_string_equal(str_at(r, "body"), "B");
    assert_true(nb_json_at(r, "t.n")->valuedouble == 3);
    assert_true(cJSON_IsNull(nb_json_at(r, "t.d")));
    assert_true(nb_json_at(r, "k")->valuedouble == 7);
    cJSON_Delete(r);
    cJSON_Delete(prev);
    nb_buf_free(&out);
    nb_editions_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blank_2021),
        cmocka_unit_test(test_blank_2019_placeholder_body),
        cmocka_unit_test(test_wrong_year_for_edition),
        cmocka_unit_test(test_from_last_year_2021),
        cmocka_unit_test(test_from_last_year_2019_sums),
        cmocka_unit_test(test_make_official),
        cmocka_unit_test(test_make_other_table),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
