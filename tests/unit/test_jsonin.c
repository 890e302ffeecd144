/* test_jsonin.c — the JSON reader: every limit and every kind of malformed input fails with
 * the right code and a message naming the place (line:column or JSON path); inputs just
 * inside a limit are accepted; the slips of people typing with a Chinese input method
 * (full-width punctuation and digits, Chinese dates, missing and trailing commas, GBK files)
 * are named with the place, what was expected and the fix; no message holds a character cut
 * in half; the UTF-8 decoder agrees with a brute-force reference; the path helper finds what
 * it should. */
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
    assert_msg(&st, "t.json:1:8: comma \",\" before \"}\" with nothing after it");
    assert_int_equal(parse_s("{'a': 1}", &st), NB_ERR_JSON);
    assert_msg(&st,
               "t.json:1:2: JSON syntax error near ''a': 1}' — JSON strings take double quotes");
    assert_int_equal(parse_s("{\"a\": 'x'}", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:1:7: JSON syntax error near ''x'}' — JSON strings take double quotes");
    /* What was expected, when no slip is recognised. */
    assert_int_equal(parse_s("{\"a\": x}", &st), NB_ERR_JSON);
    assert_msg(&st, "near 'x}' — expected a value: a number, text in double quotes");
    assert_int_equal(parse_s("{\"a\" 1}", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:1:6: JSON syntax error near '1}' — expected \":\" after the key");
    assert_int_equal(parse_s("{\"a\": 1 :}", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:1:9: JSON syntax error near ':}' — expected \",\" or \"}\"");
    assert_int_equal(parse_s("{\"a\":}", &st), NB_ERR_JSON); /* the first key's value */
    assert_msg(&st, "t.json:1:6: JSON syntax error near '}' — expected a value");
    assert_int_equal(parse_s("{\"a\":]", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:1:6: JSON syntax error near ']' — expected a value");
    assert_int_equal(parse_s("[]]", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:1:3: JSON syntax error: text after the document");
    assert_int_equal(parse_s("{1: 2}", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:1:2: JSON syntax error near '1: 2}' — expected a key in double quotes");
    /* Ends of file: what is still open, or what should have followed. */
    assert_int_equal(parse_s("{\n \"a\": [1, 2\n", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:3:1: JSON syntax error: unexpected end of file — the \"[\" opened at "
                    "line 2, column 7 is never closed; add \"]\"");
    assert_int_equal(parse_s("{\"a\":", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:1:6: JSON syntax error: unexpected end of file — a value should "
                    "follow the \":\" at line 1, column 5");
    assert_int_equal(parse_s(" \n ", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:2:2: JSON syntax error: unexpected end of file — the file is empty");
    /* Escapes cJSON would take wrongly ("\uZZZZ" as U+0000, dropping the rest) or refuses. */
    assert_int_equal(parse_s("{\"a\": \"x\\uZZZZy\"}", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:1:9: invalid escape \\uZZZZ in a string");
    assert_int_equal(parse_s("{\"a\": \"x\\u12\"}", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:1:9: invalid escape \\u12\"}");
    assert_int_equal(parse_s("{\"p\": \"C:\\data\"}", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:1:10: invalid escape \\d in a string — JSON knows only");
    assert_int_equal(parse_s("{\"p\": \"\\中\"}", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:1:8: invalid escape \\中 in a string");
    assert_int_equal(parse_s("{\"a\": \"\\ud800x\"}", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:1:8: invalid escape \\ud800 in a string — JSON knows only \\\" \\\\ "
                    "\\/ \\b \\f \\n \\r \\t and \\u with four hex digits (\\uD800-\\uDFFF "
                    "only as a pair)");
    assert_int_equal(parse_s("{\"a\": \"\\ud800\\u0041\"}", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:1:8: invalid escape \\ud800\\u0041 in a string");
    assert_int_equal(parse_s("{\"a\": \"\\udc00\"}", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:1:8: invalid escape \\udc00 in a string");
    assert_int_equal(parse_s("{\"a\": \"\\ud83d\\ude00\\u00e9\\n\"}", &st), NB_OK);
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

/* One slip and the message it must get (place, what is wrong, the fix). */
typedef struct slip {
    const char *text;
    const char *want;
} slip;

static const slip slips[] = {
    /* Full-width punctuation typed as JSON syntax. */
    {"{\n  \"a\": 1，\n  \"b\": 2\n}",
     "t.json:2:9: full-width comma \"，\" used between values — JSON needs the ASCII comma \",\"; "
     "retype it with the input method in English mode (or press Shift to switch)"},
    {"[1，2]", "t.json:1:3: full-width comma \"，\""},
    {"{\"a\": 1、\"b\": 2}", "t.json:1:8: enumeration comma \"、\" used between values"},
    {"{\n  \"a\"： 1\n}",
     "t.json:2:6: full-width colon \"：\" after a key — JSON needs the ASCII colon \":\"; retype "
     "it with the input method"},
    {"{\n  “a”: 1\n}", "t.json:2:3: full-width quotation mark “ where a key or text should "
                       "begin — JSON needs the ASCII double quote \" around keys and text"},
    {"{\"a\": “x”}", "t.json:1:7: full-width quotation mark “ where a key or text"},
    {"{\"a\": ‘x’}", "t.json:1:7: full-width quotation mark ‘"},
    {"{\n  \"a”: 1,\n  \"b\": 2\n}",
     "t.json:2:5: full-width quotation mark ” ends the key or text begun at line 2, column 3 — "
     "JSON needs the ASCII double quote \""},
    {"{\"a\": \"x”,\n \"b\": 1}", "t.json:1:9: full-width quotation mark ” ends the key or text "
                                  "begun at line 1, column 7"},
    {"{\"a\": \"x”\n}", "t.json:1:9: full-width quotation mark ” ends the key or text"},
    {"{\"a\": ｛}", "t.json:1:7: full-width bracket ｛ — JSON needs the ASCII bracket \"{\""},
    {"{\"a\": 【1]}", "t.json:1:7: full-width bracket 【 — JSON needs the ASCII bracket \"[\""},
    {"{\"a\": [1］}", "t.json:1:9: full-width bracket ］ — JSON needs the ASCII bracket \"]\""},
    {"{\"a\": 1｝", "t.json:1:8: full-width bracket ｝ — JSON needs the ASCII bracket \"}\""},
    {"{\"a\":\xE3\x80\x80"
     "1}",
     "t.json:1:6: full-width space (U+3000) outside quotes — JSON "
     "allows only ASCII spaces, tabs and line breaks"},
    {"{\"a\":\xC2\xA0"
     "1}",
     "t.json:1:6: special space (U+00A0) outside quotes"},
    /* A full-width mark where JSON expects another item: what was expected is said. */
    {"{\"a\"｛}", "t.json:1:5: JSON syntax error near '｛}' — expected \":\" after the key"},
    {"{\"a\"，1}", "t.json:1:5: JSON syntax error near '，1}' — expected \":\" after the key"},
    {"{\"a\": 1：}", "t.json:1:8: JSON syntax error near '：}' — expected \",\" or \"}\""},
    {"{\"a\": \"x\"：1}", "t.json:1:10: JSON syntax error near '：1}' — expected \",\" or \"}\""},
    {"{\"a\": 1 “b”}", "t.json:1:8: expected \",\" or \"}\" between two values — 缺少逗号？"},
    {"[1 ２]", "t.json:1:3: expected \",\" or \"]\" between two values — 缺少逗号？"},
    {"[1 －2]", "t.json:1:4: JSON syntax error near '－2]' — expected \",\" or \"]\""},
    /* Full-width digits. */
    {"{\"a\": ３}", "t.json:1:7: full-width digits ３ — use ASCII digits 3; retype the number"},
    {"{\"a\": 1２.5}", "t.json:1:7: full-width digits 1２.5 — use ASCII digits 12.5"},
    {"{\"a\": －３．５}", "t.json:1:7: full-width digits －３．５ — use ASCII digits -3.5"},
    {"[０]", "t.json:1:2: full-width digits ０ — use ASCII digits 0"},
    /* Chinese dates without quotes. */
    {"{\"d\": 2025年1月20日}", "t.json:1:7: date 2025年1月20日 written without quotes — JSON dates "
                               "are text in the form \"YYYY-MM-DD\"; write \"2025-01-20\""},
    {"{\n \"d\": ２０２５年１２月３号\n}",
     "t.json:2:7: date ２０２５年１２月３号 written without quotes "
     "— JSON dates are text in the form \"YYYY-MM-DD\"; write "
     "\"2025-12-03\""},
    {"{\"d\": 2025年1月}", "t.json:1:7: a number followed by text near '2025年1月}'"},
    {"{\"d\": 2025-1-20}", "t.json:1:7: date 2025-1-20 written without quotes — JSON dates are "
                           "text in the form \"YYYY-MM-DD\"; write \"2025-01-20\""},
    {"{\"d\": 2025/01/20}", "t.json:1:7: date 2025/01/20 written without quotes"},
    {"{\"d\": 2025.1.2}", "t.json:1:7: date 2025.1.2 written without quotes — JSON dates are text "
                          "in the form \"YYYY-MM-DD\"; write \"2025-01-02\""},
    {"{\"d\": 2025-1/20}", "t.json:1:7: a number followed by text near '2025-1/20}'"},
    {"{\"r\": 95%}", "t.json:1:7: a number followed by text near '95%}'"},
    /* Numbers with thousands separators. */
    {"{\"a\": 63,365, \"b\": 1}", "t.json:1:10: thousands separator \",\" in the number 63,365 — "
                                  "JSON numbers are written without separators; write 63365"},
    {"{\"a\": -1,234,567.5}", "t.json:1:10: thousands separator \",\" in the number -1,234,567.5 "
                              "— JSON numbers are written without separators; write -1234567.5"},
    /* An ASCII quote inside text. */
    {"{\"a\": \"他说\"你好\"。\"}",
     "t.json:1:10: the double quote \" here ends the key or text begun at line 1, column 7, but "
     "more text follows it — inside text, write quotation marks as full-width “ ” (or as \\\")"},
    {"{\"a\"b\": 1}", "t.json:1:4: the double quote \" here ends the key or text begun at line 1, "
                      "column 2"},
    {"{\"a\": \"x\"，\"b\": 1}", "t.json:1:10: full-width comma \"，\""},
    {"[\"x\"}", "t.json:1:5: JSON syntax error near '}' — expected \",\" or \"]\""},
    {"{\"a\": \"x\"\"b\": 1}",
     "t.json:1:10: expected \",\" or \"}\" between two values — 缺少逗号？"},
    /* Commas: missing (pointing at the end of the value before) or left over. */
    {"{\n \"a\": 1\n \"b\": 2\n}",
     "t.json:2:8: expected \",\" or \"}\" after this value — 缺少逗号？ a comma is probably "
     "missing at the end of line 2, before the next item on line 3; add \",\" here"},
    {"{\n \"a\": {\"x\": [1]}\n \"b\": 2\n}", "t.json:2:17: expected \",\" or \"}\" after this "
                                              "value — 缺少逗号？"},
    {"{\"a\": [\n  \"x\"\n  \"y\"\n]}",
     "t.json:2:6: expected \",\" or \"]\" after this value — "
     "缺少逗号？ a comma is probably missing at the end of line 2"},
    {"[1 2]", "t.json:1:3: expected \",\" or \"]\" between two values — 缺少逗号？ a comma is "
              "probably missing here; add \",\""},
    {"{\"a\": 1,\n}", "t.json:1:8: comma \",\" before \"}\" with nothing after it — JSON allows "
                      "no comma after the last item; delete this comma"},
    {"[1, 2, ]", "t.json:1:6: comma \",\" before \"]\" with nothing after it"},
    {"{\"a\": 1,, \"b\": 2}", "t.json:1:9: two commas in a row — expected a value between them"},
    {"[1,,2]", "t.json:1:4: two commas in a row"},
    /* Quotes left out. */
    {"{\"o\": 青溪县}", "t.json:1:7: text without double quotes near '青溪县}' — JSON text is "
                        "written in ASCII double quotes, \"like this\"; add them around the text"},
    {"{\"fee\": 1.5万元}",
     "t.json:1:9: a number followed by text near '1.5万元}' — a JSON number stands alone: write "
     "the number without its unit"},
    {"{name: 1}", "t.json:1:2: key without double quotes near 'name: 1}' — JSON keys are "
                  "written in ASCII double quotes"},
    {"{名称: 1}", "t.json:1:2: key without double quotes near '名称: 1}'"},
    {"{\"a\": \"x,\n \"b\": 1}", "t.json:1:10: the key or text begun at line 1, column 7 is not "
                                 "closed on its line — a closing quote \" is probably missing "
                                 "at the end of line 1"},
    {"{\"a\": \"x\n", "t.json:1:9: the key or text begun at line 1, column 7 is not closed on "
                      "its line"},
    /* Not UTF-8: GBK (青溪县自然资源局 as GB18030) and UTF-16. */
    {"{\"body\": \"\xC7\xE0\xCF\xAA\xCF\xD8\xD7\xD4\xC8\xBB\xD7\xCA\xD4\xB4\xBE\xD6\"}",
     "t.json:1:11: the file is not UTF-8 (it looks like GBK/GB18030, the encoding of older "
     "Chinese Windows programs) — save it as UTF-8 (请另存为 UTF-8)"},
    {"{\n\"a\": \"x\",\n\"b\": \"\xC7\xE0\xCF\xAA\"}", "t.json:3:7: the file is not UTF-8 (it "
                                                       "looks like GBK/GB18030"},
    {"\xFF\xFE{\0}\0", "t.json:1:1: the file is UTF-16 (\"Unicode\" in Notepad), not UTF-8 — "
                       "save it as UTF-8 (请另存为 UTF-8)"},
    {"{\0\"\0a\0\"\0", "t.json:1:1: the file is UTF-16"},
};

/* The length of a slip's text: through its last byte that is not the string's NUL, since the
 * UTF-16 texts hold NULs (each ends in "}\0" or "\"\0"). */
static size_t slip_len(const slip *s)
{
    if (s->text[0] == '\xFF') return 6;
    if (s->text[1] == '\0') return 8;
    return strlen(s->text);
}

static void test_slips(void **state)
{
    (void)state;
    nb_status st = NB_STATUS_INIT;
    for (size_t i = 0; i < sizeof slips / sizeof slips[0]; i++) {
        size_t len = slip_len(&slips[i]);
        if (parse(slips[i].text, len, &st, NULL) != NB_ERR_JSON)
            fail_msg("slip %zu: accepted, or not as a JSON error: %s", i, st.msg);
        if (!strstr(st.msg, slips[i].want))
            fail_msg("slip %zu: message '%s' lacks '%s'", i, st.msg, slips[i].want);
        assert_true(nb_utf8_valid(st.msg, strlen(st.msg), NULL));
    }
    /* A damaged character in UTF-8 Chinese is not taken for GBK. */
    assert_int_equal(parse_s("{\"a\": \"中文中文\xE4\xB8中文\"}", &st), NB_ERR_JSON);
    assert_msg(&st, "t.json:1:12: invalid UTF-8 (byte 0xE4 at offset 19)");
    assert_int_equal(parse_s("{\"a\": \"\xE4\xB8\"}", &st), NB_ERR_JSON); /* one pair: unsure */
    assert_msg(&st, "invalid UTF-8");
    /* UTF-8 and GBK mixed in one file is not called GBK: the first bad byte is named. */
    assert_int_equal(parse_s("{\"a\": \"中\", \"b\": \"\xC7\xE0\xCF\xAA\"}", &st), NB_ERR_JSON);
    assert_msg(&st, "invalid UTF-8");
    /* Every prefix of every slip fails cleanly with a message that names the file and is
     * valid UTF-8 (under ASan this also shows the diagnosis reads nothing out of bounds: each
     * prefix is copied to a buffer of exactly its length). */
    for (size_t i = 0; i < sizeof slips / sizeof slips[0]; i++) {
        size_t len = slip_len(&slips[i]);
        for (size_t k = 0; k < len; k++) {
            char *cut = malloc(k ? k : 1);
            assert_non_null(cut);
            memcpy(cut, slips[i].text, k);
            nb_code rc = parse(cut, k, &st, NULL);
            if (rc == NB_OK) fail_msg("slip %zu cut to %zu bytes was accepted", i, k);
            assert_true(nb_utf8_valid(st.msg, strlen(st.msg), NULL));
            free(cut);
        }
    }
}

/* Mixed text: 1-, 2-, 3- and 4-byte characters. */
static const char mixed[] = "a\xC3\xA9\xE4\xB8\xAD\xF0\xA0\x80\x80"
                            "b\xE6\x96\x87\xC3\xA9";

static void test_excerpts(void **state)
{
    (void)state;
    size_t len = sizeof mixed - 1;
    bool boundary[sizeof mixed] = {false};
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        boundary[i] = true;
        i += nb_utf8_decode(mixed + i, len - i, &cp);
    }
    boundary[len] = true;
    /* nb_utf8_whole: every cut keeps whole characters only, and all of them. */
    for (size_t k = 0; k <= len; k++) {
        size_t w = nb_utf8_whole(mixed, k);
        assert_true(w <= k && boundary[w]);
        for (size_t b = w + 1; b <= k; b++)
            assert_false(boundary[b]); /* no whole character was dropped */
        assert_true(nb_utf8_valid(mixed, w, NULL));
    }
    /* nb_utf8_start: every byte belongs to the character starting there. */
    for (size_t off = 0; off < len; off++) {
        size_t s = nb_utf8_start(mixed, off);
        assert_true(s <= off && boundary[s]);
        for (size_t b = s + 1; b <= off; b++)
            assert_false(boundary[b]);
    }
    /* Invalid bytes are left as they are: no lead byte to go back to. */
    assert_int_equal(nb_utf8_whole("ab\x80\x80\x80\x80", 6), 6);
    assert_int_equal(nb_utf8_start("\x80\x80\x80\x80\x80", 4), 4);
    assert_int_equal(nb_utf8_whole("ab\xE4", 3), 2);

    /* Syntax errors: the excerpt after the place holds whole characters only, however the
     * mixed text falls against the excerpt's length: a 16-character excerpt starting 0..20
     * characters before the mixed text. */
    nb_status st = NB_STATUS_INIT;
    for (int pad = 0; pad <= 20; pad++) {
        char t[256];
        int n = snprintf(t, sizeof t, "{\"a\": x%.*s%s%s%s}", pad, "yyyyyyyyyyyyyyyyyyyyyyyy",
                         mixed, mixed, mixed);
        assert_true(n > 0 && (size_t)n < sizeof t);
        assert_int_equal(parse_s(t, &st), NB_ERR_JSON);
        assert_true(nb_utf8_valid(st.msg, strlen(st.msg), NULL));
        const char *near = strstr(st.msg, "near 'x");
        assert_non_null(near);
        near += 6;
        const char *close = strstr(near, "' — ");
        assert_non_null(close);
        /* Exactly 16 characters, all from the text. */
        size_t chars = 0;
        for (const char *p = near; p < close;) {
            uint32_t cp;
            p += nb_utf8_decode(p, (size_t)(close - p), &cp);
            chars++;
        }
        assert_int_equal(chars, 16);
        assert_memory_equal(near, t + 6, (size_t)(close - near));
    }
    /* Messages cut to the status buffer end on a whole character: a file name of 2..5 ASCII
     * bytes and then Chinese puts the cut at every byte of a 3-byte character. */
    for (int pad = 2; pad <= 5; pad++) {
        char name[1400];
        memset(name, 'n', (size_t)pad);
        size_t k = (size_t)pad;
        while (k + 3 < sizeof name - 1) {
            memcpy(name + k, "\xE4\xB8\xAD", 3);
            k += 3;
        }
        name[k] = '\0';
        nb_json_doc d;
        nb_status_clear(&st);
        assert_int_equal(nb_json_parse(name, "{,}", 3, &d, &st), NB_ERR_JSON);
        assert_true(strlen(st.msg) >= NB_STATUS_MSG_MAX - 4);
        assert_true(nb_utf8_valid(st.msg, strlen(st.msg), NULL));
        nb_status_prefix(&st, "%s", name); /* the prefix is cut as well */
        assert_true(nb_utf8_valid(st.msg, strlen(st.msg), NULL));
        nb_status_clear(&st);
        nb_status_prefix(&st, "x"); /* nothing to prefix */
        nb_fail(&st, NB_ERR_JSON, "x");
        nb_status_prefix(&st, "%s", name);
        assert_true(strlen(st.msg) >= 509 - 4);
        assert_true(nb_utf8_valid(st.msg, strlen(st.msg), NULL));
    }
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
        cmocka_unit_test(test_utf8_decode),     cmocka_unit_test(test_slips),
        cmocka_unit_test(test_excerpts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
