/* http_req.h — what `nianbao serve` decides about a request before it does anything with it:
 * which route a method and path name, whether the Host, Origin and token are acceptable,
 * and whether a draft's name is safe to use as a folder name.
 *
 * Everything here is a pure function of strings (no socket, no file, no global state), so
 * that the fuzz harness tests/fuzz/fuzz_http.c runs it on arbitrary bytes.  Paths and
 * query values arrive still percent-encoded (the server turns libmicrohttpd's own decoding
 * off) and are decoded here, strictly: a bad escape, an encoded NUL or slash, or bytes that
 * are not UTF-8 make the request a 400, never a different name.
 *
 * The rules (docs/serve.md says the same for people):
 *   - Host must be one the server was told it answers to: the address it listens on with
 *     its port, "localhost:PORT" and "[::1]:PORT" when that address is loopback, any IP
 *     literal with the right port (no name lookup is involved, so no DNS rebinding), and
 *     every --allow-host name exactly.
 *   - A request that changes something (POST, PUT, DELETE) must not come from another
 *     site: an Origin header, when present, must be http:// or https:// followed by an
 *     acceptable Host, and Sec-Fetch-Site, when present, must not be "cross-site".
 *   - With a token, every request carries it, as "Authorization: Bearer TOKEN" or as the
 *     cookie nianbao_token=TOKEN (which GET /?token=TOKEN sets); compared in constant time.
 *   - A draft name is 1 to 100 bytes of ASCII letters and digits, '-', '_' and CJK
 *     ideographs; so never ".", "..", a slash, a NUL or a hidden file's name.
 */
#ifndef NB_CLI_HTTP_REQ_H
#define NB_CLI_HTTP_REQ_H

#include <stdbool.h>
#include <stddef.h>

/* The longest draft name, in bytes. */
#define HR_NAME_MAX 100

/* The longest request path the server looks at, in bytes (longer: 414). */
#define HR_PATH_MAX 1024

typedef enum hr_route_kind {
    HR_NONE = 0,
    HR_STATIC,         /* GET a file of the page: file = "index.html", "app.js", … */
    HR_API_VERSION,    /* GET /api/version */
    HR_API_EDITIONS,   /* GET /api/editions */
    HR_API_LAYOUT,     /* GET /api/layout?edition=ID */
    HR_API_INIT,       /* GET /api/init?edition=ID&year=N[&body=TEXT] */
    HR_API_CHECK,      /* POST /api/check */
    HR_API_RENDER,     /* POST /api/render */
    HR_DRAFTS,         /* GET /api/drafts */
    HR_DRAFT,          /* GET or PUT /api/drafts/NAME */
    HR_DRAFT_VERSIONS, /* GET /api/drafts/NAME/versions */
    HR_DRAFT_VERSION,  /* GET /api/drafts/NAME/versions/N */
} hr_route_kind;

typedef struct hr_route {
    hr_route_kind kind;
    char file[64];              /* HR_STATIC: the page's file name */
    char name[HR_NAME_MAX + 1]; /* HR_DRAFT*: the draft's name, decoded and checked */
    unsigned long version;      /* HR_DRAFT_VERSION: the version asked for (≥ 1) */
    const char *allow;          /* a 405's Allow header: the methods the path takes */
} hr_route;

/* Finds the route of `method` and `path` (still percent-encoded, without the query).
 * Returns the HTTP status: 200 when found (out filled), 404 no such path, 405 the path
 * exists but not for this method (out->allow says which), 400 a malformed path (bad
 * escape, encoded NUL or slash, not UTF-8, a draft name that is not allowed), 414 a path
 * longer than HR_PATH_MAX. */
int hr_route_parse(const char *method, const char *path, hr_route *out);

/* Decodes a percent-encoded string of `len` bytes into out (outcap bytes, NUL-terminated);
 * '+' is a space when `plus_space` (query values).  Returns the decoded length, or -1 for
 * a bad escape, an encoded NUL, a result that is not UTF-8 or does not fit. */
long hr_pct_decode(const char *in, size_t len, char *out, size_t outcap, bool plus_space);

/* Whether `s` (len bytes) is well-formed UTF-8 without NUL, overlong forms or surrogates. */
bool hr_utf8_ok(const char *s, size_t len);

/* Whether `name` (len bytes, not necessarily NUL-terminated) may name a draft. */
bool hr_draft_name_ok(const char *name, size_t len);

/* The hosts a server answers to (see the rules above). */
typedef struct hr_hosts {
    const char *listen_host;  /* the literal address it listens on: "127.0.0.1", "::1",
                                 "0.0.0.0", "192.168.1.5" */
    unsigned port;            /* the port it listens on */
    bool loopback;            /* listen_host is a loopback address */
    const char *const *names; /* --allow-host values ("nianbao.county.gov.cn",
                                 "nianbao.county.gov.cn:8443"), compared without case */
    size_t nnames;
} hr_hosts;

/* Whether a Host header value (NULL: none) is acceptable. */
bool hr_host_ok(const hr_hosts *h, const char *host);

/* Whether a request that changes something may go on, given its Origin and Sec-Fetch-Site
 * headers (NULL when absent). */
bool hr_origin_ok(const hr_hosts *h, const char *origin, const char *sec_fetch_site);

/* Whether the request carries `token` in its Authorization or Cookie header (NULL when
 * absent).  A NULL or empty token accepts every request. */
bool hr_token_ok(const char *token, const char *authorization, const char *cookie);

/* Whether `given` equals `token`, in time that does not depend on where they differ. */
bool hr_token_equal(const char *token, const char *given, size_t given_len);

/* Whether a token read from --token-file is usable: 16 to 256 printable ASCII characters
 * other than space, '"', ';', ',' and '\\' (it must survive a cookie and a header). */
bool hr_token_valid(const char *token);

#endif
