/* test_jsonlex.c — the number tokens of a JSON text with their paths (jsonlex.h): paths
 * through nested objects and arrays, keys decoded from their escapes, strings with escaped
 * quotes skipped, every token as written; on every sample each token's path leads (through
 * jsonin's nb_json_at) to a number of the same value; malformed text and deep nesting are
 * refused; and whether a token, as written, is an integer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonin.h"
#include "jsonlex.h"

typedef struct seen {
    char items[32][2][128]; /* path, lexeme */
    size_t n;
    size_t stop_after; /* 0: never */
} seen;

static bool record(void *arg, const char *path, const char *lexeme, size_t len, size_t offset)
{
    seen *s = arg;
    assert_true(len > 0);
    assert_true(offset < 4096);
    if (s->n < 32) {
        snprintf(s->items[s->n][0], 128, "%s", path);
        snprintf(s->items[s->n][1], 128, "%.*s", (int)len, lexeme);
    }
    s->n++;
    return s->stop_after == 0 || s->n < s->stop_after;
}

static void test_paths_and_lexemes(void **state)
{
    (void)state;
    const char *text = "{\"a\": {\"b\": [1, 2.50, {\"c\": -0}], \"s\": \"x\\\"]}, 9\","
                       " \"\\u0041\\u00e9\": 1e2, \"\\ud83d\\ude00\": 3E-1},"
                       " \"t\": [[], [7.0]], \"u\": true, \"v\": null, \"w\": false,"
                       " \"k.j\": 0 }";
    seen s = {0};
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(nb_jsonlex_numbers(text, strlen(text), record, &s, &st), NB_OK);
    static const char *const want[][2] = {
        {"a.b[0]", "1"}, {"a.b[1]", "2.50"}, {"a.b[2].c", "-0"}, {"a.Aé", "1e2"},
        {"a.😀", "3E-1"}, {"t[1][0]", "7.0"}, {"k.j", "0"},
    };
    size_t n = sizeof want / sizeof *want;
    assert_int_equal(s.n, n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(s.items[i][0], want[i][0]);
        assert_string_equal(s.items[i][1], want[i][1]);
    }
    /* a top-level number has the empty path; the callback can stop the scan */
    seen top = {0};
    assert_int_equal(nb_jsonlex_numbers(" 12 ", 4, record, &top, &st), NB_OK);
    assert_int_equal(top.n, 1);
    assert_string_equal(top.items[0][0], "");
    seen stop = {.stop_after = 2};
    assert_int_equal(nb_jsonlex_numbers(text, strlen(text), record, &stop, &st), NB_OK);
    assert_int_equal(stop.n, 2);
}

static void test_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "{\"a\": }", "{\"a\" 1}", "[1, 2", "[1 2]",         "{\"a\": 01x}",
        "\"open",    "{1: 2}",    "[-]",   "[1.]",          "[1e]",
        "[tru]",     "[1] [2]",   "",      "{\"a\\q\": 1}", "[\"\\u12\"]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        seen s = {0};
        nb_status st = NB_STATUS_INIT;
        nb_code rc = nb_jsonlex_numbers(bad[i], strlen(bad[i]), record, &s, &st);
        if (rc != NB_ERR_JSON) fail_msg("%s: %d, expected NB_ERR_JSON", bad[i], rc);
        assert_non_null(strstr(st.msg, "at byte"));
    }
    /* deeper than the limit: refused, without running out of stack */
    size_t depth = NB_JSONLEX_MAX_DEPTH + 10;
    char *deep = malloc(2 * depth + 2);
    memset(deep, '[', depth);
    deep[depth] = '1';
    memset(deep + depth + 1, ']', depth);
    seen s = {0};
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(nb_jsonlex_numbers(deep, 2 * depth + 1, record, &s, &st), NB_ERR_LIMIT);
    free(deep);
}

/* Each token's path leads to a number of the token's value, on every sample. */
typedef struct crosscheck {
    const cJSON *root;
    size_t n;
} crosscheck;

static bool cross(void *arg, const char *path, const char *lexeme, size_t len, size_t offset)
{
    (void)offset;
    crosscheck *c = arg;
    const cJSON *v = nb_json_at(c->root, path);
    if (!cJSON_IsNumber(v)) fail_msg("%s: no number there", path);
    char buf[64];
    snprintf(buf, sizeof buf, "%.*s", (int)len, lexeme);
    assert_true(strtod(buf, NULL) == v->valuedouble);
    c->n++;
    return true;
}

static void test_samples_agree_with_the_tree(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/samples", NB_TEST_SRCDIR);
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t files = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0) continue;
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        char *text = malloc(1 << 20);
        size_t n = fread(text, 1, (1 << 20) - 1, f);
        fclose(f);
        text[n] = '\0';
        nb_json_doc doc;
        nb_status st = NB_STATUS_INIT;
        if (nb_json_parse(path, text, n, &doc, &st)) fail_msg("%s", st.msg);
        crosscheck c = {doc.root, 0};
        assert_int_equal(nb_jsonlex_numbers(text, n, cross, &c, &st), NB_OK);
        assert_true(c.n > 100); /* the tables' counts (some samples leave cells null) */
        nb_json_free(&doc);
        free(text);
        files++;
    }
    closedir(d);
    assert_true(files >= 6);
}

static void test_is_integral(void **state)
{
    (void)state;
    static const struct {
        const char *lexeme;
        bool integral;
    } cases[] = {
        {"3", true},
        {"-0", true},
        {"3.0", true},
        {"3.000", true},
        {"1e2", true},
        {"1E+2", true},
        {"30e-1", true},
        {"2.50e1", true},
        {"0.0", true},
        {"0e-5", true},
        {"2.5", false},
        {"2.9999999999999999", false},
        {"1e-400", false},
        {"31e-1", false},
        {"0.5e0", false},
        {"12.5e-1", false},
        {"", false},
        {"-", false},
        {"1.", false},
        {"01", false},
        {"1e", false},
        {"abc", false},
        {"1.5e999999999999", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        if (nb_jsonlex_is_integral(cases[i].lexeme, strlen(cases[i].lexeme)) != cases[i].integral)
            fail_msg("%s: expected %s", cases[i].lexeme,
                     cases[i].integral ? "an integer" : "not an integer");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths_and_lexemes),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_samples_agree_with_the_tree),
        cmocka_unit_test(test_is_integral),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
