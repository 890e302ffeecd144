/* test_http_req.c — `nianbao serve`'s request rules (src/cli/http_req.c) and drafts folder
 * (src/cli/drafts.c), without a socket: routes and their 404/405/400/414, strict percent
 * decoding, draft names, Host and Origin against DNS rebinding and cross-site requests,
 * the token in a header or cookie; drafts written as numbered versions, the last 20 kept,
 * unchanged saves not repeated, links planted in the folder refused, and nothing written
 * outside it.  (cmocka; built by cmake/Serve.cmake.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drafts.h"
#include "http_req.h"

static void test_routes(void **state)
{
    (void)state;
    hr_route r;
    assert_int_equal(hr_route_parse("GET", "/", &r), 200);
    assert_int_equal(r.kind, HR_STATIC);
    assert_string_equal(r.file, "index.html");
    assert_int_equal(hr_route_parse("HEAD", "/app.js", &r), 200);
    assert_string_equal(r.file, "app.js");
    assert_int_equal(hr_route_parse("GET", "/App.js", &r), 404);
    assert_int_equal(hr_route_parse("GET", "/.env", &r), 404);
    assert_int_equal(hr_route_parse("GET", "/x.exe", &r), 404);
    assert_int_equal(hr_route_parse("POST", "/", &r), 405);
    assert_string_equal(r.allow, "GET, HEAD");
    assert_int_equal(hr_route_parse("POST", "/api/check", &r), 200);
    assert_int_equal(r.kind, HR_API_CHECK);
    assert_int_equal(hr_route_parse("GET", "/api/check", &r), 405);
    assert_string_equal(r.allow, "POST");
    assert_int_equal(hr_route_parse("POST", "/api/render", &r), 200);
    assert_int_equal(hr_route_parse("GET", "/api/layout", &r), 200);
    assert_int_equal(hr_route_parse("GET", "/api/init", &r), 200);
    assert_int_equal(hr_route_parse("GET", "/api/editions", &r), 200);
    assert_int_equal(hr_route_parse("GET", "/api/nothing", &r), 404);
    assert_int_equal(hr_route_parse("GET", "/api/drafts", &r), 200);
    assert_int_equal(r.kind, HR_DRAFTS);
    assert_int_equal(hr_route_parse("PUT", "/api/drafts/abc", &r), 200);
    assert_int_equal(r.kind, HR_DRAFT);
    assert_string_equal(r.name, "abc");
    assert_int_equal(hr_route_parse("DELETE", "/api/drafts/abc", &r), 405);
    assert_string_equal(r.allow, "GET, HEAD, PUT");
    assert_int_equal(hr_route_parse("GET", "/api/drafts/abc/versions", &r), 200);
    assert_int_equal(r.kind, HR_DRAFT_VERSIONS);
    assert_int_equal(hr_route_parse("GET", "/api/drafts/abc/versions/12", &r), 200);
    assert_int_equal(r.kind, HR_DRAFT_VERSION);
    assert_int_equal(r.version, 12);
    assert_int_equal(hr_route_parse("GET", "/api/drafts/abc/versions/0", &r), 404);
    assert_int_equal(hr_route_parse("GET", "/api/drafts/abc/versions/1x", &r), 404);
    assert_int_equal(hr_route_parse("GET", "/api/drafts/abc/versions/1234567890", &r), 404);
    assert_int_equal(hr_route_parse("GET", "/api/drafts/abc/x", &r), 404);
    assert_int_equal(hr_route_parse("GET", "/api/drafts/a/versions/1/more/x", &r), 404);
    /* a CJK name, percent-encoded as browsers send it */
    assert_int_equal(hr_route_parse("GET", "/api/drafts/%E5%B9%B4%E6%8A%A5-2021", &r), 200);
    assert_string_equal(r.name, "年报-2021");
    assert_int_equal(hr_route_parse("GET", "no-slash", &r), 400);
    char longpath[HR_PATH_MAX + 10];
    memset(longpath, 'a', sizeof longpath - 1);
    longpath[0] = '/';
    longpath[sizeof longpath - 1] = '\0';
    assert_int_equal(hr_route_parse("GET", longpath, &r), 414);
}

static void test_names(void **state)
{
    (void)state;
    hr_route r;
    static const char *const bad[] = {
        "/api/drafts/..",    "/api/drafts/.",     "/api/drafts/%2E%2E",     "/api/drafts/.x",
        "/api/drafts/a%2Fb", "/api/drafts/a%2fb", "/api/drafts/a%00",       "/api/drafts/a%",
        "/api/drafts/a%4",   "/api/drafts/a%zz",  "/api/drafts/%C0%AF",     "/api/drafts/%ED%A0%80",
        "/api/drafts/a%20b", "/api/drafts/a+b",   "/api/drafts/a.json",     "/api/drafts/%EF%BC%8F",
        "/api/drafts/a%5Cb", "/api/drafts/",      "/api/drafts/%E3%80%80x",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int st = hr_route_parse("PUT", bad[i], &r);
        if (st == 200) fail_msg("%s was accepted as draft %s", bad[i], r.name);
    }
    char name[HR_NAME_MAX + 2];
    memset(name, 'x', sizeof name);
    assert_true(hr_draft_name_ok(name, HR_NAME_MAX));
    assert_false(hr_draft_name_ok(name, HR_NAME_MAX + 1));
    assert_false(hr_draft_name_ok("", 0));
    assert_true(hr_draft_name_ok("青溪县_2021-年报", strlen("青溪县_2021-年报")));
    assert_true(hr_draft_name_ok("𠀀", strlen("𠀀"))); /* Extension B */
    assert_false(hr_draft_name_ok("a\0b", 3));
    assert_false(hr_draft_name_ok("年报。", strlen("年报。"))); /* CJK punctuation */
}

static void test_decode(void **state)
{
    (void)state;
    char out[16];
    assert_int_equal(hr_pct_decode("a%41b", 5, out, sizeof out, false), 3);
    assert_string_equal(out, "aAb");
    assert_int_equal(hr_pct_decode("a+b", 3, out, sizeof out, true), 3);
    assert_string_equal(out, "a b");
    assert_int_equal(hr_pct_decode("a+b", 3, out, sizeof out, false), 3);
    assert_string_equal(out, "a+b");
    assert_int_equal(hr_pct_decode("%00", 3, out, sizeof out, false), -1);
    assert_int_equal(hr_pct_decode("%FF", 3, out, sizeof out, false), -1);
    assert_int_equal(hr_pct_decode("0123456789abcdef", 16, out, sizeof out, false), -1);
    assert_int_equal(hr_pct_decode("0123456789abcde", 15, out, sizeof out, false), 15);
    assert_true(hr_utf8_ok("年", 3));
    assert_false(hr_utf8_ok("\xE5\xB9", 2));
    assert_false(hr_utf8_ok("\xF4\x90\x80\x80", 4)); /* beyond U+10FFFF */
    assert_false(hr_utf8_ok("\xE0\x80\xAF", 3));     /* overlong */
}

static void test_hosts(void **state)
{
    (void)state;
    const char *names[] = {"nianbao.county.gov.cn"};
    hr_hosts loop = {.listen_host = "127.0.0.1", .port = 8080, .loopback = true};
    assert_true(hr_host_ok(&loop, "127.0.0.1:8080"));
    assert_true(hr_host_ok(&loop, "localhost:8080"));
    assert_true(hr_host_ok(&loop, "LOCALHOST:8080"));
    assert_true(hr_host_ok(&loop, "[::1]:8080"));
    assert_false(hr_host_ok(&loop, "127.0.0.1:8081"));
    assert_false(hr_host_ok(&loop, "127.0.0.1"));
    assert_false(hr_host_ok(&loop, "evil.example:8080"));
    assert_false(hr_host_ok(&loop, "localhost.evil.example:8080"));
    assert_false(hr_host_ok(&loop, "0x7f.1:8080"));
    assert_false(hr_host_ok(&loop, "127.0.0.1:8080:8080"));
    assert_false(hr_host_ok(&loop, "127.0.0.1:08080x"));
    assert_false(hr_host_ok(&loop, ""));
    assert_false(hr_host_ok(&loop, NULL));
    hr_hosts lan = {.listen_host = "0.0.0.0", .port = 8080, .names = names, .nnames = 1};
    assert_true(hr_host_ok(&lan, "192.168.1.5:8080"));
    assert_false(hr_host_ok(&lan, "localhost:8080")); /* not loopback: a name must be allowed */
    assert_true(hr_host_ok(&lan, "NIANBAO.county.gov.cn"));
    assert_false(hr_host_ok(&lan, "nianbao.county.gov.cn:8080"));
    assert_true(hr_origin_ok(&lan, NULL, NULL));
    assert_true(hr_origin_ok(&lan, "https://nianbao.county.gov.cn", "same-origin"));
    assert_false(hr_origin_ok(&lan, "https://nianbao.county.gov.cn", "cross-site"));
    assert_false(hr_origin_ok(&lan, "https://evil.example", NULL));
    assert_false(hr_origin_ok(&lan, "null", NULL));
    assert_false(hr_origin_ok(&lan, "https://nianbao.county.gov.cn/path", NULL));
    assert_true(hr_origin_ok(&loop, "http://127.0.0.1:8080", NULL));
    assert_false(hr_origin_ok(&loop, "http://127.0.0.1:9999", NULL));
}

static void test_token(void **state)
{
    (void)state;
    const char *t = "0123456789abcdef0123";
    assert_true(hr_token_ok(NULL, NULL, NULL));
    assert_false(hr_token_ok(t, NULL, NULL));
    assert_true(hr_token_ok(t, "Bearer 0123456789abcdef0123", NULL));
    assert_true(hr_token_ok(t, "bearer  0123456789abcdef0123 ", NULL));
    assert_false(hr_token_ok(t, "Bearer 0123456789abcdef012", NULL));
    assert_false(hr_token_ok(t, "Bearer 0123456789abcdef01234", NULL));
    assert_false(hr_token_ok(t, "Basic 0123456789abcdef0123", NULL));
    assert_true(hr_token_ok(t, NULL, "a=1; nianbao_token=0123456789abcdef0123; b=2"));
    assert_true(hr_token_ok(t, NULL, "nianbao_token=0123456789abcdef0123"));
    assert_false(hr_token_ok(t, NULL, "xnianbao_token=0123456789abcdef0123"));
    assert_false(hr_token_ok(t, NULL, "nianbao_token=0123456789abcdef0124"));
    assert_false(hr_token_ok(t, NULL, "nianbao_token="));
    assert_true(hr_token_valid(t));
    assert_false(hr_token_valid("short"));
    assert_false(hr_token_valid("0123456789abcdef 0123"));
    assert_false(hr_token_valid("0123456789abcdef;0123"));
}

/* ---- drafts ---- */

static char tmpdir[256];

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

static void test_drafts(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "%s/nb-drafts-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(tmpdir));
    char dir[300], msg[600];
    snprintf(dir, sizeof dir, "%s/a/b/drafts", tmpdir);
    drafts *d;
    assert_int_equal(drafts_open(dir, &d, msg, sizeof msg), 0);
    unsigned long v;
    int unchanged;
    for (int i = 1; i <= 25; i++) {
        char body[64];
        int n = snprintf(body, sizeof body, "{\"n\": %d}\n", i);
        assert_int_equal(drafts_put(d, "年报", body, (size_t)n, &v, &unchanged, msg, sizeof msg),
                         0);
        assert_int_equal(v, (unsigned long)i);
        assert_int_equal(unchanged, 0);
    }
    assert_int_equal(drafts_put(d, "年报", "{\"n\": 25}\n", 10, &v, &unchanged, msg, sizeof msg),
                     0);
    assert_int_equal(v, 25);
    assert_int_equal(unchanged, 1);
    char sub[400];
    snprintf(sub, sizeof sub, "%s/年报", dir);
    assert_int_equal(count_entries(sub), DRAFTS_KEEP);
    char *text;
    size_t len;
    assert_int_equal(drafts_get(d, "年报", 0, &text, &len, msg, sizeof msg), 0);
    assert_string_equal(text, "{\"n\": 25}\n");
    free(text);
    assert_int_equal(drafts_get(d, "年报", 6, &text, &len, msg, sizeof msg), 0);
    assert_string_equal(text, "{\"n\": 6}\n");
    free(text);
    assert_int_equal(drafts_get(d, "年报", 5, &text, &len, msg, sizeof msg), 404);
    assert_int_equal(drafts_get(d, "none", 0, &text, &len, msg, sizeof msg), 404);
    assert_int_equal(drafts_get(d, "../x", 0, &text, &len, msg, sizeof msg), 400);
    assert_int_equal(drafts_put(d, "..", "{}", 2, &v, &unchanged, msg, sizeof msg), 400);
    char *json;
    assert_int_equal(drafts_list_json(d, &json, msg, sizeof msg), 0);
    assert_non_null(strstr(json, "\"name\":\"年报\""));
    assert_non_null(strstr(json, "\"versions\":20"));
    free(json);
    assert_int_equal(drafts_versions_json(d, "年报", &json, msg, sizeof msg), 0);
    assert_non_null(strstr(json, "\"version\":6,"));
    assert_null(strstr(json, "\"version\":5,"));
    free(json);
    /* a link planted where a draft's folder would be is not followed */
    char outside[300], link[400];
    snprintf(outside, sizeof outside, "%s/outside", tmpdir);
    assert_int_equal(mkdir(outside, 0700), 0);
    snprintf(link, sizeof link, "%s/trap", dir);
    assert_int_equal(symlink(outside, link), 0);
    assert_int_equal(drafts_put(d, "trap", "{}", 2, &v, &unchanged, msg, sizeof msg), 409);
    assert_int_equal(count_entries(outside), 0);
    drafts_close(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_routes), cmocka_unit_test(test_names), cmocka_unit_test(test_decode),
        cmocka_unit_test(test_hosts),  cmocka_unit_test(test_token), cmocka_unit_test(test_drafts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
