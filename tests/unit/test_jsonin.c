/* test_jsonin.c — the JSON reader: every limit and every kind of malformed input fails with
 * the right code and a message naming the place (line:column or JSON path); inputs just
 * inside a limit are accepted; the UTF-8 decoder agrees with a brute-force reference; the
 * path helper finds what it should. */
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
#include <sys/stat.h>
#include <unistd.h>

#include "jsonin.h"
#include "utf8.h"

/* Parses `text` (len bytes); returns the code and leaves the message in st. */
static nb_code parse(const char *text, size_t len, nb_status *st, nb_json_doc *doc)
{
    nb_status_clear(st);
    nb_json_doc local;
    nb_json_doc *d = doc ? doc : &local;
    nb_code rc = nb_json_parse("t.json", text, len, d, st);
    if (rc == NB_OK && !doc) nb_json_free(d);
    if (rc != NB_OK) {
        assert_null(d->root); /* nothing half-made is handed out */
        assert_int_equal(st->code, rc);
        assert_true(strncmp(st->msg, "t.json", 6) == 0); /* every message names the file */
    }
    return rc;
}

static nb_code parse_s(const char *text, nb_status *st)
{
    return parse(text, strlen(text), st, NULL);
}

static void assert_msg(const nb_status *st, const char *needle)
{
    if (!strstr(st->msg, needle)) fail_msg("message '%s' lacks '%s'", st->msg, needle);
}

static void test_valid_documents(void **state)
{
    (void)state;
    nb_status st = NB_STATUS_INIT;
    nb_json_doc d;
    const char *t = "{\"a\": {\"b\": [1, 2, {\"c\": \"中文\"}]}, \"n\": -0.5e3}\n\t ";
    assert_int_equal(parse(t, strlen(t), &st, &d), NB_OK);
    assert_string_equal(d.path, "t.json");
    const cJSON *c = nb_json_at(d.root, "a.b[2].c");
    assert_true(cJSON_IsString(c));
    assert_string_equal(c->valuestring, "中文");
    assert_true(cJSON_IsNumber(nb_json_at(d.root, "a.b[1]")));
    assert_int_equal((int)nb_json_at(d.root, "a.b[1]")->valuedouble, 2);
    assert_int_equal((int)nb_json_at(d.root, "n")->valuedouble, -500);
    assert_null(nb_json_at(d.root, "a.b[3]"));
    assert_null(nb_json_at(d.root, "a.b[-1]"));
    assert_null(nb_json_at(d.root, "a.x"));
    assert_null(nb_json_at(d.root, "a.b.c"));           /* a key into an array */
    assert_null(nb_json_at(d.root, "n[0]"));            /* an index into a number */
    assert_null(nb_json_at(d.root, "a.b[4294967298]")); /* not 2 after overflow */
    assert_null(nb_json_at(d.root, "a.b[]"));
    assert_null(nb_json_at(d.root, "a.b[1x]"));
    /* A path key longer than the lookup buffer never matches a key cut to the buffer. */
    char doc255[300], longkey[400];
    snprintf(doc255, sizeof doc255, "{\"%s\": 1}", (char *)memset((char[256]){0}, 'a', 255));
    memset(longkey, 'a', sizeof longkey - 1);
    longkey[sizeof longkey - 1] = '\0';
    nb_json_doc k;
    assert_int_equal(parse(doc255, strlen(doc255), &st, &k), NB_OK);
    assert_non_null(nb_json_at(k.root, longkey + (sizeof longkey - 1 - 255))); /* 255 a's */
    assert_null(nb_json_at(k.root, longkey));                                  /* 399 a's */
    nb_json_free(&k);
    nb_json_free(&d);
    nb_json_free(&d); /* freeing twice is harmless */
}

static void test_encoding(void **state)
{
    (void)state;
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(parse_s("\xEF\xBB\xBF{}", &st), NB_ERR_JSON);
    assert_msg(&st, "byte-order mark");
    assert_int_equal(parse_s("{\"a\":\n \"x\xC3(\"}", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:2:4: invalid UTF-8 (byte 0xC3 at offset 9)");
    assert_int_equal(parse_s("{\"a\": \"\xC0\xAF\"}", &st), NB_ERR_JSON); /* overlong '/' */
    assert_msg(&st, "invalid UTF-8");
    assert_int_equal(parse_s("{\"a\": \"\xF4\x90\x80\x80\"}", &st), NB_ERR_JSON); /* > U+10FFFF */
    assert_int_equal(parse_s("{\"a\": \"\xED\xB0\x80\"}", &st), NB_ERR_JSON);     /* surrogate */
    assert_int_equal(parse("{\"a\": \"x\0\"}", 10, &st, NULL), NB_ERR_JSON);
    assert_msg(&st, "t.json:1:9: NUL byte");
    assert_int_equal(parse_s("{\"a\": \"x\\u0000\"}", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:1:9: \\u0000");
    /* An escaped backslash before u0000 is just text. */
    assert_int_equal(parse_s("{\"a\": \"x\\\\u0000\"}", &st), NB_OK);
    /* Columns count characters, not bytes. */
    assert_int_equal(parse_s("{\"中文\": x}", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:1:8: JSON syntax error near 'x}'");
}

static void test_syntax(void **state)
{
    (void)state;
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(parse_s("{\n  \"a\": 1,\n  \"b\" 2\n}", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:3:7: JSON syntax error near '2'");
    assert_int_equal(parse_s("", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:1:1: JSON syntax error: unexpected end of file");
    assert_int_equal(parse_s("{\"a\": [1, 2", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:1:12: JSON syntax error: unexpected end of file");
    const char *cut[] = {"{", "{\n  \"a\":", "[1,\n", "{\"a\": [ "};
    const char *cut_at[] = {"t.json:1:2:", "t.json:2:7:", "t.json:2:1:", "t.json:1:9:"};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(parse_s(cut[i], &st), NB_ERR_JSON);
        assert_msg(&st, cut_at[i]);
        assert_msg(&st, "JSON syntax error: unexpected end of file");
    }
    assert_int_equal(parse_s("{\"a\": \"open", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:1:7: JSON syntax error: a string starts here and is never closed");
    assert_int_equal(parse_s("{} x", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:1:4: JSON syntax error: text after the document");
    assert_int_equal(parse_s("{\"a\": 1,}", &st), NB_ERR_JSON);
    assert_msg(&st, "(a comma before it?)");
    assert_int_equal(parse_s("{'a': 1}", &st), NB_ERR_JSON);
    assert_msg(&st, "(JSON strings take double quotes)");
    const char *nonfinite[] = {"NaN", "Infinity", "-Infinity"};
    for (size_t i = 0; i < 3; i++) {
        char t[64];
        snprintf(t, sizeof t, "{\"a\": %s}", nonfinite[i]);
        assert_int_equal(parse_s(t, &st), NB_ERR_JSON);
        assert_msg(&st, "t.json:1:7: JSON syntax error near '");
        assert_msg(&st, nonfinite[i]);
        assert_msg(&st, "NaN and Infinity are not JSON numbers");
    }
    /* The excerpt never ends inside a character: the message stays valid UTF-8. */
    assert_int_equal(parse_s("{\"a\": x中文中文中文中文}", &st), NB_ERR_JSON);
    assert_true(nb_utf8_valid(st.msg, strlen(st.msg), NULL));
}

static void test_numbers(void **state)
{
    (void)state;
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(parse_s("{\"a\": {\"b\": [0, 1e999]}}", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json: $.a.b[1]: number out of range");
    assert_int_equal(parse_s("{\"a\": -1e400}", &st), NB_ERR_JSON);
    assert_msg(&st, "$.a: number out of range");
    nb_json_doc d;
    assert_int_equal(parse_s("{\"a\": 1.7976931348623157e308, \"b\": 9007199254740993}", &st),
                     NB_OK);
    assert_int_equal(parse("{\"a\": 1e308}", 12, &st, &d), NB_OK);
    assert_true(isfinite(nb_json_at(d.root, "a")->valuedouble));
    nb_json_free(&d);
}

static char *repeat(const char *head, char c, size_t n, const char *tail)
{
    size_t h = strlen(head), t = strlen(tail);
    char *s = malloc(h + n + t + 1);
    assert_non_null(s);
    memcpy(s, head, h);
    memset(s + h, c, n);
    memcpy(s + h + n, tail, t + 1);
    return s;
}

static void test_limits(void **state)
{
    (void)state;
    nb_status st = NB_STATUS_INIT;
    /* Depth: 64 levels are fine, 65 are not. */
    char t[200];
    memset(t, '[', 64);
    memset(t + 64, ']', 64);
    assert_int_equal(parse(t, 128, &st, NULL), NB_OK);
    memset(t, '[', 65);
    memset(t + 65, ']', 65);
    assert_int_equal(parse(t, 130, &st, NULL), NB_ERR_LIMIT);
    assert_msg(&st, "t.json:1:65: nested more than 64 levels deep");
    /* Brackets inside strings do not count. */
    char *s = repeat("[\"", '[', 500, "\"]");
    assert_int_equal(parse_s(s, &st), NB_OK);
    free(s);
    /* Strings: 1 MiB is fine, one byte more is not, and the message names the path. */
    s = repeat("{\"a\": [\"", 'x', NB_JSON_MAX_STRING, "\"]}");
    assert_int_equal(parse_s(s, &st), NB_OK);
    free(s);
    s = repeat("{\"a\": [1, \"", 'x', NB_JSON_MAX_STRING + 1, "\"]}");
    assert_int_equal(parse_s(s, &st), NB_ERR_LIMIT);
    assert_msg(&st, "t.json: $.a[1]: string of 1048577 bytes, more than the limit of 1048576");
    free(s);
    /* Escapes count after unescaping: 1 MiB of "\u00e9" is 2 MiB of UTF-8. */
    size_t n = NB_JSON_MAX_STRING / 2 + 1;
    char *e = malloc(6 * n + 16);
    assert_non_null(e);
    strcpy(e, "{\"e\": \"");
    size_t h = strlen(e);
    for (size_t i = 0; i < n; i++)
        memcpy(e + h + 6 * i, "\\u00e9", 6);
    strcpy(e + h + 6 * n, "\"}");
    assert_int_equal(parse_s(e, &st), NB_ERR_LIMIT);
    assert_msg(&st, "$.e: string of 1048578 bytes");
    free(e);
    s = repeat("{\"", 'k', NB_JSON_MAX_STRING + 1, "\": 1}");
    assert_int_equal(parse_s(s, &st), NB_ERR_LIMIT);
    assert_msg(&st, "t.json: $: a key of 1048577 bytes");
    free(s);
    /* Combining marks: 30 in a row are fine, 31 are not (U+0301, 2 bytes each); starters
     * between runs reset the count. */
    char marks[200];
    strcpy(marks, "{\"m\": [\"x");
    for (int i = 0; i < 30; i++)
        strcat(marks, "\xCC\x81");
    strcat(marks, "y");
    for (int i = 0; i < 30; i++)
        strcat(marks, "\xCC\x81");
    strcat(marks, "\"]}");
    assert_int_equal(parse_s(marks, &st), NB_OK);
    strcpy(strstr(marks, "y"), "\xE3\x82\x99\"]}"); /* U+3099, a Japanese voicing mark */
    assert_int_equal(parse_s(marks, &st), NB_ERR_LIMIT);
    assert_msg(&st, "t.json: $.m[0]: more than 30 combining marks in a row (from character 2)");
    /* Values: an array and 999,999 numbers are a million values, the limit. */
    size_t k = NB_JSON_MAX_VALUES;
    char *v = malloc(2 * k + 2);
    assert_non_null(v);
    v[0] = '[';
    for (size_t i = 0; i < k; i++)
        memcpy(v + 1 + 2 * i, "0,", 2);
    v[2 * k] = ']';
    v[2 * k + 1] = '\0';
    assert_int_equal(parse_s(v, &st), NB_ERR_LIMIT); /* k numbers: one value too many */
    assert_msg(&st, "more than 1000000 values in one document");
    v[2 * k - 2] = ']';
    v[2 * k - 1] = '\0';
    assert_int_equal(parse_s(v, &st), NB_OK);
    free(v);
    /* The file size. */
    assert_int_equal(
        nb_json_parse("t.json", "{}", (size_t)NB_JSON_MAX_FILE + 1, &(nb_json_doc){0}, &st),
        NB_ERR_LIMIT);
    assert_msg(&st, "more than the limit of 16777216");
}

static void test_load(void **state)
{
    (void)state;
    nb_status st = NB_STATUS_INIT;
    nb_json_doc d;
    assert_int_equal(nb_json_load("/nonexistent/x.json", &d, &st), NB_ERR_IO);
    assert_string_equal(st.msg, "/nonexistent/x.json: cannot open: no such file");
    nb_status_clear(&st);
    assert_int_equal(nb_json_load("/tmp", &d, &st), NB_ERR_IO);
    assert_string_equal(st.msg, "/tmp: not a regular file");
    nb_status_clear(&st);
    char path[1024];
    snprintf(path, sizeof path, "%s/samples/baofeng-2020.json", NB_TEST_SRCDIR);
    assert_int_equal(nb_json_load(path, &d, &st), NB_OK);
    assert_string_equal(d.path, path);
    assert_true(cJSON_IsString(nb_json_at(d.root, "edition")));
    nb_json_free(&d);
    /* A FIFO is refused at once (opening it must not wait for a writer). */
    char fifo[] = "/tmp/nb_test_jsonin_fifo_XXXXXX";
    int tfd = mkstemp(fifo);
    assert_true(tfd >= 0);
    close(tfd);
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(nb_json_load(fifo, &d, &st), NB_ERR_IO);
    assert_msg(&st, "not a regular file");
    unlink(fifo);
    nb_status_clear(&st);
    /* Files whose size says 0 (/proc) are read to their end all the same. */
    assert_int_equal(nb_json_load("/proc/self/status", &d, &st), NB_ERR_JSON);
    assert_msg(&st, "/proc/self/status:1:1: JSON syntax error near 'Name:");
    nb_status_clear(&st);
    /* A file over the limit is refused before it is read. */
    char big[] = "/tmp/nb_test_jsonin_XXXXXX";
    int fd = mkstemp(big);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)NB_JSON_MAX_FILE + 1), 0);
    close(fd);
    assert_int_equal(nb_json_load(big, &d, &st), NB_ERR_LIMIT);
    assert_msg(&st, "file is 16777217 bytes, more than the limit of 16777216");
    unlink(big);
}

/* Reference encoder, straight from the definition of UTF-8. */
static size_t ref_encode(unsigned long cp, unsigned char *b)
{
    if (cp < 0x80) {
        b[0] = (unsigned char)cp;
        return 1;
    }
    size_t n = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (size_t k = n - 1; k > 0; k--, cp >>= 6)
        b[k] = (unsigned char)(0x80 | (cp & 0x3F));
    b[0] = (unsigned char)((0xF00 >> n) | cp);
    return n;
}

static void test_utf8_decode(void **state)
{
    (void)state;
    /* Every scalar value's encoding decodes to it, with its length; surrogates do not. */
    unsigned char s[5] = {0};
    for (unsigned long c = 0; c <= 0x10FFFF; c++) {
        size_t n = ref_encode(c, s);
        uint32_t cp = 0;
        size_t got = nb_utf8_decode((const char *)s, n, &cp);
        bool surrogate = c >= 0xD800 && c <= 0xDFFF;
        if (surrogate ? got != 0 : (got != n || cp != c))
            fail_msg("U+%04lX: decoded %zu bytes as U+%04X", c, got, cp);
    }
    /* Whatever byte sequence is accepted is exactly the reference encoding of what it
     * decoded to (so no overlong forms, nothing past U+10FFFF): all 3-byte sequences of
     * interesting bytes, followed by a trail byte. */
    unsigned char probe[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0,
                             0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
    size_t np = sizeof probe;
    for (size_t i = 0; i < np; i++)
        for (size_t j = 0; j < np; j++)
            for (size_t k = 0; k < np; k++)
                for (size_t l = 0; l < np; l++) {
                    unsigned char b[4] = {probe[i], probe[j], probe[k], probe[l]}, r[4];
                    uint32_t cp = 0;
                    size_t got = nb_utf8_decode((const char *)b, 4, &cp);
                    if (got == 0) continue;
                    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
                        ref_encode(cp, r) != got || memcmp(r, b, got) != 0)
                        fail_msg("%02X %02X %02X %02X accepted as U+%04X", b[0], b[1], b[2], b[3],
                                 cp);
                }
    uint32_t cp;
    assert_int_equal(nb_utf8_decode("\xE4\xB8", 2, &cp), 0); /* cut short */
    assert_int_equal(nb_utf8_decode("", 0, &cp), 0);
    size_t bad = 99;
    assert_true(nb_utf8_valid("ab中", 5, &bad));
    assert_int_equal(bad, 99);
    assert_false(nb_utf8_valid("ab\xE4\xB8", 4, &bad));
    assert_int_equal(bad, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_documents), cmocka_unit_test(test_encoding),
        cmocka_unit_test(test_syntax),          cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_limits),          cmocka_unit_test(test_load),
        cmocka_unit_test(test_utf8_decode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
