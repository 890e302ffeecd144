/* http_req.c — routes, names, Host, Origin and token of `nianbao serve`'s requests, decided
 * from strings alone (the rules are in http_req.h).
 *
 * Nothing here allocates, opens a file or keeps state; every loop is bounded by its input's
 * length, and every output buffer's size is checked before it is written.  The server calls
 * these before it reads a request's body; the fuzz harness tests/fuzz/fuzz_http.c calls
 * them on arbitrary bytes and checks what the route parser promises (a draft name it
 * accepts is one hr_draft_name_ok accepts, with no slash, dot or NUL).
 */
#include "http_req.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool hr_utf8_ok(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        if (c == 0) return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned cp, min;
        if ((c & 0xE0) == 0xC0) {
            n = 1, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (len - i - 1 < n) return false;
        for (size_t k = 1; k <= n; k++) {
            if ((p[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n + 1;
    }
    return true;
}

long hr_pct_decode(const char *in, size_t len, char *out, size_t outcap, bool plus_space)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == '%') {
            if (len - i < 3) return -1;
            int hi = hex_value((unsigned char)in[i + 1]), lo = hex_value((unsigned char)in[i + 2]);
            if (hi < 0 || lo < 0) return -1;
            c = (unsigned char)(hi * 16 + lo);
            if (c == 0) return -1;
            i += 2;
        } else if (c == '+' && plus_space) {
            c = ' ';
        } else if (c == 0) {
            return -1;
        }
        if (o + 1 >= outcap) return -1;
        out[o++] = (char)c;
    }
    if (outcap == 0) return -1;
    out[o] = '\0';
    if (!hr_utf8_ok(out, o)) return -1;
    return (long)o;
}

/* The code point at s[*i] (well-formed UTF-8 assumed: callers check first). */
static unsigned next_cp(const unsigned char *s, size_t len, size_t *i)
{
    unsigned c = s[*i];
    size_t n = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
    unsigned cp = n == 0 ? c : n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k <= n && *i + k < len; k++)
        cp = (cp << 6) | (s[*i + k] & 0x3F);
    *i += n + 1;
    return cp;
}

static bool cjk_ideograph(unsigned cp)
{
    return cp == 0x3007 || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2EBEF) ||
           (cp >= 0x30000 && cp <= 0x3134F);
}

bool hr_draft_name_ok(const char *name, size_t len)
{
    if (!name || len == 0 || len > HR_NAME_MAX) return false;
    if (!hr_utf8_ok(name, len)) return false;
    const unsigned char *s = (const unsigned char *)name;
    size_t i = 0;
    while (i < len) {
        unsigned cp = next_cp(s, len, &i);
        bool ok = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
                  (cp >= '0' && cp <= '9') || cp == '-' || cp == '_' || cjk_ideograph(cp);
        if (!ok) return false;
    }
    return true;
}

/* A file of the page: a lower-case name with one of the extensions the server knows. */
static bool static_name_ok(const char *s, size_t len)
{
    static const char *const exts[] = {".html", ".css", ".js", ".png", ".svg", ".ico"};
    if (len == 0 || len > 48) return false;
    const char *dot = memchr(s, '.', len);
    if (!dot || dot == s) return false;
    for (const char *p = s; p < dot; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    }
    size_t elen = len - (size_t)(dot - s);
    for (size_t k = 0; k < sizeof exts / sizeof exts[0]; k++)
        if (strlen(exts[k]) == elen && memcmp(dot, exts[k], elen) == 0) return true;
    return false;
}

static bool is_get(const char *m)
{
    return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
}

/* Sets the route when the method fits, else the 405's Allow header. */
static int want(hr_route *out, hr_route_kind kind, const char *method, const char *allow)
{
    bool ok = strcmp(allow, "GET, HEAD") == 0        ? is_get(method)
              : strcmp(allow, "GET, HEAD, PUT") == 0 ? is_get(method) || strcmp(method, "PUT") == 0
                                                     : strcmp(method, allow) == 0;
    out->allow = allow;
    if (!ok) return 405;
    out->kind = kind;
    return 200;
}

/* Splits the path into at most `max` decoded segments (each in its own buffer of `cap`
 * bytes).  Returns the count, or -1 when a segment is malformed (bad escape, encoded NUL or
 * slash, not UTF-8, too long), or -2 when there are more than `max` segments. */
enum { SEG_MAX = 6, SEG_CAP = 4 * HR_NAME_MAX };

static int split_path(const char *path, char seg[SEG_MAX][SEG_CAP], size_t seglen[SEG_MAX])
{
    int n = 0;
    const char *p = path + 1; /* after the leading '/' */
    for (;;) {
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (n == SEG_MAX) return -2;
        long d = hr_pct_decode(p, len, seg[n], SEG_CAP, false);
        if (d < 0 || memchr(seg[n], '/', (size_t)d)) return -1;
        seglen[n] = (size_t)d;
        n++;
        if (!e) break;
        p = e + 1;
    }
    return n;
}

int hr_route_parse(const char *method, const char *path, hr_route *out)
{
    memset(out, 0, sizeof *out);
    if (!method || !path) return 400;
    size_t plen = strlen(path);
    if (plen > HR_PATH_MAX) return 414;
    if (path[0] != '/') return 400;

    char seg[SEG_MAX][SEG_CAP];
    size_t len[SEG_MAX];
    int n = split_path(path, seg, len);
    if (n == -2) return 404;
    if (n < 0) return 400;

    if (n == 1 && len[0] == 0) {
        strcpy(out->file, "index.html");
        return want(out, HR_STATIC, method, "GET, HEAD");
    }
    if (n == 1) {
        if (!static_name_ok(seg[0], len[0])) return 404;
        memcpy(out->file, seg[0], len[0] + 1);
        return want(out, HR_STATIC, method, "GET, HEAD");
    }
    if (strcmp(seg[0], "api") != 0) return 404;
    const char *what = seg[1];
    if (n == 2) {
        if (!strcmp(what, "version")) return want(out, HR_API_VERSION, method, "GET, HEAD");
        if (!strcmp(what, "editions")) return want(out, HR_API_EDITIONS, method, "GET, HEAD");
        if (!strcmp(what, "layout")) return want(out, HR_API_LAYOUT, method, "GET, HEAD");
        if (!strcmp(what, "init")) return want(out, HR_API_INIT, method, "GET, HEAD");
        if (!strcmp(what, "check")) return want(out, HR_API_CHECK, method, "POST");
        if (!strcmp(what, "render")) return want(out, HR_API_RENDER, method, "POST");
        if (!strcmp(what, "drafts")) return want(out, HR_DRAFTS, method, "GET, HEAD");
        return 404;
    }
    if (strcmp(what, "drafts") != 0 || n > 5) return 404;
    if (!hr_draft_name_ok(seg[2], len[2])) return 400;
    memcpy(out->name, seg[2], len[2] + 1);
    if (n == 3) return want(out, HR_DRAFT, method, "GET, HEAD, PUT");
    if (strcmp(seg[3], "versions") != 0) return 404;
    if (n == 4) return want(out, HR_DRAFT_VERSIONS, method, "GET, HEAD");
    /* n == 5: a version number, 1 to 9 digits, not 0 */
    if (len[4] == 0 || len[4] > 9) return 404;
    unsigned long v = 0;
    for (size_t i = 0; i < len[4]; i++) {
        if (seg[4][i] < '0' || seg[4][i] > '9') return 404;
        v = v * 10 + (unsigned long)(seg[4][i] - '0');
    }
    if (v == 0) return 404;
    out->version = v;
    return want(out, HR_DRAFT_VERSION, method, "GET, HEAD");
}

/* Splits "HOST[:PORT]" / "[V6][:PORT]" into the host (without brackets) and the port
 * (80 when absent).  False when malformed. */
static bool split_host(const char *hostport, char *host, size_t cap, unsigned *port)
{
    const char *p = hostport, *colon;
    size_t hlen;
    if (*p == '[') {
        const char *close = strchr(p, ']');
        if (!close) return false;
        hlen = (size_t)(close - p - 1);
        if (hlen >= cap) return false;
        memcpy(host, p + 1, hlen);
        colon = close[1] == ':' ? close + 1 : NULL;
        if (!colon && close[1] != '\0') return false;
    } else {
        colon = strchr(p, ':');
        hlen = colon ? (size_t)(colon - p) : strlen(p);
        if (hlen >= cap || (colon && strchr(colon + 1, ':'))) return false;
        memcpy(host, p, hlen);
    }
    host[hlen] = '\0';
    if (hlen == 0) return false;
    *port = 80;
    if (colon) {
        const char *d = colon + 1;
        if (*d == '\0' || strlen(d) > 5) return false;
        unsigned v = 0;
        for (; *d; d++) {
            if (*d < '0' || *d > '9') return false;
            v = v * 10 + (unsigned)(*d - '0');
        }
        if (v == 0 || v > 65535) return false;
        *port = v;
    }
    return true;
}

bool hr_host_ok(const hr_hosts *h, const char *hostport)
{
    if (!h || !hostport || !*hostport || strlen(hostport) > 255) return false;
    for (size_t i = 0; i < h->nnames; i++)
        if (h->names[i] && strcasecmp(h->names[i], hostport) == 0) return true;
    char host[256];
    unsigned port;
    if (!split_host(hostport, host, sizeof host, &port)) return false;
    if (port != h->port) return false;
    if (h->loopback && strcasecmp(host, "localhost") == 0) return true;
    unsigned char addr[16];
    if (hostport[0] == '[') return inet_pton(AF_INET6, host, addr) == 1;
    return inet_pton(AF_INET, host, addr) == 1;
}

bool hr_origin_ok(const hr_hosts *h, const char *origin, const char *sec_fetch_site)
{
    if (sec_fetch_site && strcasecmp(sec_fetch_site, "cross-site") == 0) return false;
    if (!origin) return true;
    const char *rest;
    if (strncasecmp(origin, "http://", 7) == 0)
        rest = origin + 7;
    else if (strncasecmp(origin, "https://", 8) == 0)
        rest = origin + 8;
    else
        return false; /* "null", another scheme */
    if (strchr(rest, '/')) return false;
    return hr_host_ok(h, rest);
}

bool hr_token_equal(const char *token, const char *given, size_t given_len)
{
    size_t tlen = strlen(token);
    size_t n = tlen > given_len ? tlen : given_len;
    unsigned diff = (unsigned)(tlen != given_len);
    for (size_t i = 0; i < n; i++) {
        unsigned char a = i < tlen ? (unsigned char)token[i] : 0;
        unsigned char b = i < given_len ? (unsigned char)given[i] : 0;
        diff |= (unsigned)(a ^ b);
    }
    return diff == 0;
}

bool hr_token_ok(const char *token, const char *authorization, const char *cookie)
{
    if (!token || !*token) return true;
    if (authorization && strncasecmp(authorization, "Bearer ", 7) == 0) {
        const char *g = authorization + 7;
        while (*g == ' ')
            g++;
        size_t glen = strlen(g);
        while (glen > 0 && g[glen - 1] == ' ')
            glen--;
        if (hr_token_equal(token, g, glen)) return true;
    }
    if (cookie) {
        const char *p = cookie;
        while (*p) {
            while (*p == ' ' || *p == ';')
                p++;
            const char *end = strchr(p, ';');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            static const char key[] = "nianbao_token=";
            if (len >= sizeof key - 1 && memcmp(p, key, sizeof key - 1) == 0) {
                size_t vlen = len - (sizeof key - 1);
                while (vlen > 0 && p[sizeof key - 1 + vlen - 1] == ' ')
                    vlen--;
                if (hr_token_equal(token, p + sizeof key - 1, vlen)) return true;
            }
            if (!end) break;
            p = end + 1;
        }
    }
    return false;
}

bool hr_token_valid(const char *token)
{
    size_t n = token ? strlen(token) : 0;
    if (n < 16 || n > 256) return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)token[i];
        if (c <= 0x20 || c >= 0x7F || c == '"' || c == ';' || c == ',' || c == '\\') return false;
    }
    return true;
}
