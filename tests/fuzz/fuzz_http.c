/* fuzz_http.c — libFuzzer harness for `nianbao serve`'s request rules (src/cli/http_req.c).
 *
 * The input is split at newlines into a method, a path, a Host, an Origin, a
 * Sec-Fetch-Site, an Authorization and a Cookie header, and a draft name; every function
 * of http_req.h runs on them.  Besides the sanitizers' findings, it checks what the route
 * parser promises: a route it accepts names a draft that hr_draft_name_ok accepts and that
 * holds no slash, no dot, no NUL; a static file name without a slash; a decoded string is
 * UTF-8 and no longer than its input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_req.h"

enum { FIELDS = 8 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    const char *f[FIELDS] = {0};
    size_t flen[FIELDS] = {0};
    char *p = buf;
    for (int i = 0; i < FIELDS && p; i++) {
        char *nl = memchr(p, '\n', size - (size_t)(p - buf));
        if (nl) *nl = '\0';
        f[i] = p;
        flen[i] = nl ? (size_t)(nl - p) : strlen(p);
        p = nl ? nl + 1 : NULL;
    }
    const char *method = f[0] ? f[0] : "GET";
    hr_route r;
    if (f[1]) {
        int st = hr_route_parse(method, f[1], &r);
        if (st == 200 &&
            (r.kind == HR_DRAFT || r.kind == HR_DRAFT_VERSIONS || r.kind == HR_DRAFT_VERSION)) {
            size_t n = strlen(r.name);
            if (!hr_draft_name_ok(r.name, n) || strchr(r.name, '/') || strchr(r.name, '.')) abort();
        }
        if (st == 200 && r.kind == HR_STATIC && (strchr(r.file, '/') || r.file[0] == '.')) abort();
        if (st == 405 && !r.allow) abort();
        char out[256];
        long d = hr_pct_decode(f[1], flen[1], out, sizeof out, true);
        if (d >= 0 && ((size_t)d > flen[1] || !hr_utf8_ok(out, (size_t)d))) abort();
    }
    const char *names[] = {"nianbao.example.gov.cn", f[7]};
    hr_hosts h = {.listen_host = "127.0.0.1",
                  .port = 8080,
                  .loopback = size % 2,
                  .names = names,
                  .nnames = f[7] ? 2 : 1};
    (void)hr_host_ok(&h, f[2]);
    (void)hr_origin_ok(&h, f[3], f[4]);
    (void)hr_token_ok("0123456789abcdef0123", f[5], f[6]);
    (void)hr_token_valid(f[5]);
    if (f[7]) (void)hr_draft_name_ok(f[7], flen[7]);
    free(buf);
    return 0;
}
