/* serve.c — `nianbao serve`: the report editor's HTTP server.
 *
 * A thin client of the public library (nianbao.h) behind libmicrohttpd.  The page (the
 * files of DATADIR/web), the edition table, the layouts and the blank reports are read once
 * at start and served from memory; the data the page sends is checked and rendered by one
 * nianbao_engine per worker thread (engines are not shared: each thread makes its own on
 * its first request, kept in a pthread key, freed when the thread ends); drafts are kept by
 * drafts.c.  Every request is judged by http_req.c before its body is read: route, Host
 * (no DNS rebinding), token, Origin and Sec-Fetch-Site on requests that change something
 * (no cross-site POST), Content-Length against the 16 MiB input limit.  Refusals are logged
 * on standard error, one line each.
 *
 * Threads: libmicrohttpd's own pool (--threads, default one per CPU, 2 to 8) polls the
 * connections and runs the handler; a render holds its thread for its ~50 ms.  Slow or
 * broken clients are cut after --timeout seconds of silence.  SIGINT and SIGTERM are
 * waited for by the main thread (blocked everywhere else), which then stops the daemon:
 * it stops accepting, lets handlers finish and joins the workers, whose engines are freed
 * on the way.
 */
#include "serve.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "drafts.h"
#include "files.h"
#include "http_req.h"
#include "i18n.h"
#include "nianbao.h"

#ifndef NIANBAO_MAX_INPUT
#define NIANBAO_MAX_INPUT (16 * 1024 * 1024)
#endif

static const char *const usage_serve = N_(
    "usage: nianbao serve [--listen ADDRESS:PORT] [--drafts DIR] [options]\n"
    "\n"
    "Serves the report editor: open the address it prints in a browser.\n"
    "\n"
    "  --listen ADDRESS:PORT  where to listen (default 127.0.0.1:8080; port 0: any free\n"
    "                         port).  An address other than loopback needs --token-file\n"
    "  --drafts DIR           where drafts are kept (default\n"
    "                         $XDG_DATA_HOME/nianbao/drafts, else ~/.local/share/nianbao/drafts)\n"
    "  --token-file FILE      every request must carry the token in FILE (16 to 256\n"
    "                         printable characters), as \"Authorization: Bearer TOKEN\" or the\n"
    "                         cookie that opening http://HOST:PORT/?token=TOKEN sets\n"
    "  --allow-host NAME      also answer requests for this Host (a reverse proxy's public\n"
    "                         name, \"nianbao.example.gov.cn\" or \"name:port\"); repeatable\n"
    "  --threads N            worker threads (default one per CPU, 2 to 8)\n"
    "  --timeout SECONDS      close a connection silent for this long (default 30)\n"
    "\n"
    "Stops cleanly on Ctrl-C (SIGINT) or SIGTERM.  Exit status: 0 stopped; 2 bad usage;\n"
    "3 the server could not start.\n");

enum { MSG = 5300, MAX_WEB_FILES = 32, MAX_EDITIONS = 16, MAX_ALLOWED = 16 };

typedef struct blob {
    char *data;
    size_t len;
} blob;

typedef struct web_file {
    char name[64];
    const char *type;
    blob b;
} web_file;

typedef struct edition {
    char id[32];
    blob layout;
} edition;

typedef struct server {
    char *datadir;
    hr_hosts hosts;
    const char *allowed[MAX_ALLOWED];
    char *token; /* NULL: none */
    drafts *drafts;
    blob editions; /* layouts/editions.json */
    edition eds[MAX_EDITIONS];
    size_t neds;
    web_file files[MAX_WEB_FILES];
    size_t nfiles;
    bool have_date;
    int64_t date; /* SOURCE_DATE_EPOCH, when set */
    pthread_key_t engine_key;
} server;

/* One request's state, from its headers to its completion. */
enum { PHASE_NEW, PHASE_BODY, PHASE_DONE };

typedef struct req {
    int phase;           /* PHASE_NEW: headers not judged yet; PHASE_BODY: admitted, reading
                            its body; PHASE_DONE: answered or refused */
    const char *uri_end; /* just after the request line's URI as the URI log callback saw it */
    hr_route route;
    char *body;
    size_t len, cap;
    bool too_big;
} req;

/* ---- start-up: reading the page, the edition table and the layouts --------------------- */

static int read_file(const char *path, blob *b, char *msg, size_t msglen)
{
    size_t len;
    char *text;
    int rc = cli_read_input(path, &text, &len, msg, msglen);
    if (rc) return rc;
    b->data = text;
    b->len = len;
    return 0;
}

static const char *content_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot) return "application/octet-stream";
    if (!strcmp(dot, ".html")) return "text/html; charset=utf-8";
    if (!strcmp(dot, ".css")) return "text/css; charset=utf-8";
    if (!strcmp(dot, ".js")) return "text/javascript; charset=utf-8";
    if (!strcmp(dot, ".png")) return "image/png";
    if (!strcmp(dot, ".svg")) return "image/svg+xml";
    if (!strcmp(dot, ".ico")) return "image/x-icon";
    return "application/octet-stream";
}

/* Reads every file of DATADIR/web whose name the router accepts. */
static int load_web(server *s, char *msg, size_t msglen)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/web", s->datadir);
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(msg, msglen, _("the page's folder %s: %s"), dir, strerror(errno));
        return 3;
    }
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) && !rc) {
        hr_route r;
        char path[HR_PATH_MAX + 2];
        if (strlen(e->d_name) > HR_PATH_MAX - 1) continue;
        snprintf(path, sizeof path, "/%s", e->d_name);
        if (hr_route_parse("GET", path, &r) != 200 || r.kind != HR_STATIC) continue;
        if (s->nfiles == MAX_WEB_FILES) break;
        web_file *f = &s->files[s->nfiles];
        snprintf(f->name, sizeof f->name, "%s", r.file);
        f->type = content_type(f->name);
        char full[4400];
        snprintf(full, sizeof full, "%s/%s", dir, f->name);
        rc = read_file(full, &f->b, msg, msglen);
        if (!rc) s->nfiles++;
    }
    closedir(d);
    if (rc) return rc;
    for (size_t i = 0; i < s->nfiles; i++)
        if (!strcmp(s->files[i].name, "index.html")) return 0;
    snprintf(msg, msglen, _("the page's folder %s has no index.html"), dir);
    return 3;
}

/* Reads layouts/editions.json and the layout of every edition it lists. */
static int load_editions(server *s, char *msg, size_t msglen)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/layouts/editions.json", s->datadir);
    int rc = read_file(path, &s->editions, msg, msglen);
    if (rc) return rc;
    cJSON *t = cJSON_ParseWithLength(s->editions.data, s->editions.len);
    const cJSON *eds = cJSON_GetObjectItemCaseSensitive(t, "editions");
    if (!cJSON_IsObject(eds)) {
        snprintf(msg, msglen, _("%s: $.editions: expected an object of editions"), path);
        cJSON_Delete(t);
        return 3;
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, eds)
    {
        const cJSON *lay = cJSON_GetObjectItemCaseSensitive(e, "layout");
        if (s->neds == MAX_EDITIONS || !cJSON_IsString(lay) || strlen(e->string) >= 32) continue;
        edition *ed = &s->eds[s->neds];
        snprintf(ed->id, sizeof ed->id, "%s", e->string);
        char lp[4400];
        snprintf(lp, sizeof lp, "%s/layouts/%s", s->datadir, lay->valuestring);
        rc = read_file(lp, &ed->layout, msg, msglen);
        if (rc) break;
        s->neds++;
    }
    cJSON_Delete(t);
    return rc;
}

/* ---- engines: one per worker thread ---------------------------------------------------- */

static void engine_free(void *e)
{
    nianbao_engine_free(e);
}

static nianbao_engine *thread_engine(server *s)
{
    nianbao_engine *e = pthread_getspecific(s->engine_key);
    if (e) return e;
    nianbao_options o;
    nianbao_options_init(&o);
    o.datadir = s->datadir;
    o.threads = 1;     /* the server's threads already keep the CPUs busy */
    o.language = "zh"; /* its messages reach the editor's page, which is Chinese */
    e = nianbao_engine_new(&o);
    if (!e) return NULL;
    if (s->have_date) nianbao_engine_set_date(e, s->date);
    pthread_setspecific(s->engine_key, e);
    return e;
}

/* ---- responses ------------------------------------------------------------------------- */

static void common_headers(struct MHD_Response *r)
{
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Frame-Options", "SAMEORIGIN");
    MHD_add_response_header(r, "Cache-Control", "no-store");
}

/* Queues `len` bytes (copied) with `type`. */
static enum MHD_Result send_bytes(struct MHD_Connection *c, unsigned status, const char *type,
                                  const void *data, size_t len)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    common_headers(r);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, const char *json)
{
    return send_bytes(c, status, "application/json; charset=utf-8", json, strlen(json));
}

/* {"error": msg, "status": status} (plus "findings" when given, a JSON text). */
static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *msg,
                                  const char *findings)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "error", msg);
    cJSON_AddNumberToObject(o, "status", status);
    if (findings && *findings) {
        cJSON *f = cJSON_Parse(findings);
        if (f) cJSON_AddItemToObject(o, "findings", f);
    }
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    enum MHD_Result ret = send_json(c, status, text ? text : "{\"error\":\"out of memory\"}");
    free(text);
    return ret;
}

/* What the editor's page says for a refused request of `status`, in Chinese. */
static const char *refusal_for_page(unsigned status)
{
    switch (status) {
    case 401:
        return "需要访问令牌：请用管理员给出的链接（含 ?token=）打开本页";
    case 403:
        return "跨站请求被拒绝：请在本服务的页面中操作";
    case 404:
        return "没有这个地址";
    case 405:
        return "这个地址不接受该请求方法";
    case 413:
        return "数据超过 16 MiB 的上限";
    case 414:
        return "地址过长";
    case 421:
        return "本服务不接受这个主机名：请用管理员给出的地址打开本页";
    default:
        return "请求格式不对，或草稿名无效（草稿名只能用汉字、字母、数字、- 和 _，最长 100 字节）";
    }
}

/* A refusal: logged with `why` (for whoever runs the server), and answered with a JSON
 * error: "error" the page's Chinese words for the status, "reason" `why`. */
static enum MHD_Result refuse(struct MHD_Connection *c, unsigned status, const char *method,
                              const char *url, const char *why, const char *allow)
{
    char path[200];
    snprintf(path, sizeof path, "%s", url ? url : "");
    fprintf(stderr, "nianbao serve: %u %s %s: %s\n", status, method ? method : "?", path, why);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "error", refusal_for_page(status));
    cJSON_AddStringToObject(o, "reason", why);
    cJSON_AddNumberToObject(o, "status", status);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    const char *t = text ? text : "{}";
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(t), (void *)t, MHD_RESPMEM_MUST_COPY);
    free(text);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
    common_headers(r);
    if (allow) MHD_add_response_header(r, "Allow", allow);
    if (status == MHD_HTTP_UNAUTHORIZED)
        MHD_add_response_header(r, "WWW-Authenticate", "Bearer realm=\"nianbao\"");
    if (status == MHD_HTTP_CONTENT_TOO_LARGE) MHD_add_response_header(r, "Connection", "close");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* A query value, decoded (NULL when absent); false when present but malformed. */
static bool query(struct MHD_Connection *c, const char *key, char *out, size_t cap, bool *present)
{
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, key);
    *present = v != NULL;
    if (!v) return true;
    return hr_pct_decode(v, strlen(v), out, cap, true) >= 0;
}

/* ---- the endpoints --------------------------------------------------------------------- */

static const edition *find_edition(server *s, const char *id)
{
    for (size_t i = 0; i < s->neds; i++)
        if (!strcmp(s->eds[i].id, id)) return &s->eds[i];
    return NULL;
}

/* The name a run's messages give the data: the draft's, from ?name=, else "data". */
static void data_name(struct MHD_Connection *c, char *out, size_t cap)
{
    char name[4 * HR_NAME_MAX + 1];
    bool present;
    if (query(c, "name", name, sizeof name, &present) && present &&
        hr_draft_name_ok(name, strlen(name)))
        snprintf(out, cap, "%s.json", name);
    else
        snprintf(out, cap, "data");
}

/* This thread's engine, with the request's data name for messages; NULL when out of
 * memory. */
static nianbao_engine *named_engine(server *s, struct MHD_Connection *c)
{
    nianbao_engine *e = thread_engine(s);
    if (!e) return NULL;
    char name[HR_NAME_MAX + 8];
    data_name(c, name, sizeof name);
    nianbao_engine_set_names(e, name, NULL);
    return e;
}

static enum MHD_Result api_check(server *s, struct MHD_Connection *c, req *r)
{
    nianbao_engine *e = named_engine(s, c);
    if (!e) return send_error(c, 500, "服务器内存不足", NULL);
    nianbao_result *res = NULL;
    int rc = nianbao_check(e, r->body ? r->body : "", r->len, &res);
    enum MHD_Result ret;
    if (rc == NIANBAO_OK)
        ret = send_json(c, 200, nianbao_result_findings_json(res));
    else
        ret = send_error(c, rc == NIANBAO_ERR_NOMEM || rc == NIANBAO_ERR_INTERNAL ? 500 : 422,
                         res ? nianbao_result_error(res) : "服务器内存不足", NULL);
    nianbao_result_free(res);
    return ret;
}

static enum MHD_Result api_render(server *s, struct MHD_Connection *c, req *r)
{
    nianbao_engine *e = named_engine(s, c);
    if (!e) return send_error(c, 500, "服务器内存不足", NULL);
    nianbao_result *res = NULL;
    int rc = nianbao_render(e, r->body ? r->body : "", r->len, NULL, 0, &res);
    enum MHD_Result ret;
    if (rc == NIANBAO_OK) {
        size_t n;
        const unsigned char *pdf = nianbao_result_pdf(res, &n);
        ret = send_bytes(c, 200, "application/pdf", pdf, n);
    } else {
        unsigned st = rc == NIANBAO_ERR_NOMEM || rc == NIANBAO_ERR_INTERNAL ? 500 : 422;
        ret = send_error(c, st, res ? nianbao_result_error(res) : "服务器内存不足",
                         res ? nianbao_result_findings_json(res) : NULL);
    }
    nianbao_result_free(res);
    return ret;
}

static enum MHD_Result api_layout(server *s, struct MHD_Connection *c)
{
    char id[64];
    bool present;
    if (!query(c, "edition", id, sizeof id, &present) || !present)
        return send_error(c, 400, "GET /api/layout?edition=ID：缺少版本（edition）", NULL);
    const edition *ed = find_edition(s, id);
    if (!ed)
        return send_error(c, 404, "没有这个版本（edition）；GET /api/editions 列出现有版本", NULL);
    return send_bytes(c, 200, "application/json; charset=utf-8", ed->layout.data, ed->layout.len);
}

static enum MHD_Result api_init(server *s, struct MHD_Connection *c)
{
    char id[64], year[16], body[4096];
    bool has_id, has_year, has_body;
    if (!query(c, "edition", id, sizeof id, &has_id) ||
        !query(c, "year", year, sizeof year, &has_year) ||
        !query(c, "body", body, sizeof body, &has_body))
        return send_error(c, 400, "GET /api/init：查询参数格式不对或过长", NULL);
    char *end = NULL;
    long y = has_year ? strtol(year, &end, 10) : 0;
    if (!has_year || *end || y < 1 || y > 9999)
        return send_error(
            c, 400, "GET /api/init?edition=ID&year=N：缺少年份或年份无效，例如 year=2024", NULL);
    nianbao_engine *e = thread_engine(s);
    if (!e) return send_error(c, 500, "服务器内存不足", NULL);
    nianbao_result *res = NULL;
    int rc = nianbao_init(e, has_id ? id : NULL, (int)y, has_body && *body ? body : NULL, &res);
    enum MHD_Result ret;
    if (rc == NIANBAO_OK) {
        const char *json = nianbao_result_data(res);
        ret = send_bytes(c, 200, "application/json; charset=utf-8", json, strlen(json));
    } else {
        ret = send_error(c, rc == NIANBAO_ERR_USAGE || rc == NIANBAO_ERR_INPUT ? 400 : 500,
                         res ? nianbao_result_error(res) : "服务器内存不足", NULL);
    }
    nianbao_result_free(res);
    return ret;
}

static enum MHD_Result api_drafts(server *s, struct MHD_Connection *c, const char *method, req *r)
{
    char msg[MSG], *text = NULL;
    size_t len = 0;
    int st;
    enum MHD_Result ret;
    switch (r->route.kind) {
    case HR_DRAFTS:
        st = drafts_list_json(s->drafts, &text, msg, sizeof msg);
        break;
    case HR_DRAFT_VERSIONS:
        st = drafts_versions_json(s->drafts, r->route.name, &text, msg, sizeof msg);
        break;
    case HR_DRAFT_VERSION:
        st = drafts_get(s->drafts, r->route.name, r->route.version, &text, &len, msg, sizeof msg);
        break;
    default: /* HR_DRAFT */
        if (strcmp(method, "PUT") != 0) {
            st = drafts_get(s->drafts, r->route.name, 0, &text, &len, msg, sizeof msg);
            break;
        }
        cJSON *doc = cJSON_ParseWithLength(r->body ? r->body : "", r->len);
        bool object = cJSON_IsObject(doc);
        cJSON_Delete(doc);
        if (!object)
            return send_error(c, 400, "PUT /api/drafts/NAME：请求内容应为一个 JSON 对象", NULL);
        unsigned long version;
        int unchanged;
        st = drafts_put(s->drafts, r->route.name, r->body, r->len, &version, &unchanged, msg,
                        sizeof msg);
        if (st) break;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", r->route.name);
        cJSON_AddNumberToObject(o, "version", (double)version);
        cJSON_AddBoolToObject(o, "unchanged", unchanged);
        text = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        break;
    }
    if (st) {
        if (st == 500) fprintf(stderr, "nianbao serve: %s\n", msg);
        ret = send_error(c, (unsigned)st, msg, NULL);
    } else if (!text) {
        ret = send_error(c, 500, "服务器内存不足", NULL);
    } else {
        ret = send_bytes(c, 200, "application/json; charset=utf-8", text, len ? len : strlen(text));
    }
    free(text);
    return ret;
}

static enum MHD_Result serve_static(server *s, struct MHD_Connection *c, const char *file)
{
    for (size_t i = 0; i < s->nfiles; i++) {
        web_file *f = &s->files[i];
        if (strcmp(f->name, file) != 0) continue;
        struct MHD_Response *r =
            MHD_create_response_from_buffer(f->b.len, f->b.data, MHD_RESPMEM_PERSISTENT);
        if (!r) return MHD_NO;
        MHD_add_response_header(r, "Content-Type", f->type);
        common_headers(r);
        if (strstr(f->type, "text/html"))
            MHD_add_response_header(
                r, "Content-Security-Policy",
                "default-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
                "frame-src 'self' blob:; object-src 'self' blob:; "
                "base-uri 'none'; form-action 'self'; "
                "frame-ancestors 'self'");
        enum MHD_Result ret = MHD_queue_response(c, 200, r);
        MHD_destroy_response(r);
        return ret;
    }
    return send_error(c, 404, "没有这个文件", NULL);
}

/* GET /?token=TOKEN: sets the token cookie and sends the browser to / without it. */
static enum MHD_Result token_login(server *s, struct MHD_Connection *c, const char *given)
{
    if (!hr_token_equal(s->token, given, strlen(given)))
        return refuse(c, MHD_HTTP_UNAUTHORIZED, "GET", "/", "wrong token", NULL);
    struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!r) return MHD_NO;
    char cookie[400];
    snprintf(cookie, sizeof cookie, "nianbao_token=%s; Path=/; HttpOnly; SameSite=Strict",
             s->token);
    MHD_add_response_header(r, "Set-Cookie", cookie);
    MHD_add_response_header(r, "Location", "/");
    common_headers(r);
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_SEE_OTHER, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result dispatch(server *s, struct MHD_Connection *c, const char *method, req *r)
{
    switch (r->route.kind) {
    case HR_STATIC:
        return serve_static(s, c, r->route.file);
    case HR_API_VERSION: {
        char v[200];
        snprintf(v, sizeof v, "{\"name\":\"nianbao\",\"version\":\"%s\"}", nianbao_version());
        return send_json(c, 200, v);
    }
    case HR_API_EDITIONS:
        return send_bytes(c, 200, "application/json; charset=utf-8", s->editions.data,
                          s->editions.len);
    case HR_API_LAYOUT:
        return api_layout(s, c);
    case HR_API_INIT:
        return api_init(s, c);
    case HR_API_CHECK:
        return api_check(s, c, r);
    case HR_API_RENDER:
        return api_render(s, c, r);
    case HR_DRAFTS:
    case HR_DRAFT:
    case HR_DRAFT_VERSIONS:
    case HR_DRAFT_VERSION:
        return api_drafts(s, c, method, r);
    case HR_NONE:
        break;
    }
    return send_error(c, 404, "没有这个地址", NULL);
}

/* The first call for a request: everything that can refuse it before its body is read.
 * Returns MHD_YES with nothing queued when the request may go on. */
static enum MHD_Result admit(server *s, struct MHD_Connection *c, const char *url,
                             const char *method, req *r, bool *refused)
{
    *refused = true;
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    if (!hr_host_ok(&s->hosts, host)) {
        char why[400];
        snprintf(why, sizeof why,
                 "Host \"%.200s\" is not one this server answers to (see --allow-host)",
                 host ? host : "(none)");
        return refuse(c, MHD_HTTP_MISDIRECTED_REQUEST, method, url, why, NULL);
    }
    int st = hr_route_parse(method, url, &r->route);
    if (st != 200) {
        const char *why = st == 404   ? "not found"
                          : st == 405 ? "method not allowed here"
                          : st == 414 ? "path too long"
                                      : "malformed path or draft name";
        return refuse(c, (unsigned)st, method, url, why, st == 405 ? r->route.allow : NULL);
    }
    if (s->token) {
        const char *given = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
        if (given && r->route.kind == HR_STATIC && !strcmp(r->route.file, "index.html")) {
            char dec[300];
            if (hr_pct_decode(given, strlen(given), dec, sizeof dec, true) < 0) dec[0] = '\0';
            return token_login(s, c, dec);
        }
        const char *auth =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
        const char *cookie =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE);
        if (!hr_token_ok(s->token, auth, cookie))
            return refuse(c, MHD_HTTP_UNAUTHORIZED, method, url,
                          "this server needs its token (Authorization: Bearer TOKEN, or open "
                          "/?token=TOKEN once)",
                          NULL);
    }
    bool changes = !strcmp(method, "POST") || !strcmp(method, "PUT") || !strcmp(method, "DELETE");
    if (changes) {
        const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
        const char *site = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
        if (!hr_origin_ok(&s->hosts, origin, site)) {
            char why[400];
            snprintf(why, sizeof why, "cross-site request refused (Origin \"%.200s\")",
                     origin ? origin : "(none)");
            return refuse(c, MHD_HTTP_FORBIDDEN, method, url, why, NULL);
        }
        const char *cl =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno || *end || n > NIANBAO_MAX_INPUT)
                return refuse(c, MHD_HTTP_CONTENT_TOO_LARGE, method, url,
                              "request body larger than 16 MiB", NULL);
        }
    }
    *refused = false;
    return MHD_YES;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    server *s = cls;
    req *r = *con_cls;
    if (!r) return MHD_NO; /* uri_logged makes it; NULL: out of memory */
    if (r->phase == PHASE_NEW) {
        r->phase = PHASE_DONE;
        /* A NUL inside the request line's URI ends the string libmicrohttpd hands over
         * early ("GET /\0../x" would read as "GET /"): the version then does not start
         * right after the URI's end, and the request is refused. */
        if (r->uri_end != version)
            return refuse(c, MHD_HTTP_BAD_REQUEST, method, url, "a NUL byte in the request line",
                          NULL);
        bool refused;
        enum MHD_Result ret = admit(s, c, url, method, r, &refused);
        if (!refused) r->phase = PHASE_BODY;
        return ret;
    }
    if (r->phase == PHASE_DONE) {
        *upload_size = 0; /* a refused or answered request's body is dropped */
        return MHD_YES;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (r->too_big || r->len + n > NIANBAO_MAX_INPUT) {
            r->too_big = true;
            return MHD_YES;
        }
        if (r->len + n + 1 > r->cap) {
            size_t cap = r->cap ? r->cap : 16384;
            while (cap < r->len + n + 1)
                cap *= 2;
            char *nb = realloc(r->body, cap);
            if (!nb) return MHD_NO;
            r->body = nb;
            r->cap = cap;
        }
        memcpy(r->body + r->len, upload, n);
        r->len += n;
        r->body[r->len] = '\0';
        return MHD_YES;
    }
    r->phase = PHASE_DONE;
    if (r->too_big)
        return refuse(c, MHD_HTTP_CONTENT_TOO_LARGE, method, url, "request body larger than 16 MiB",
                      NULL);
    return dispatch(s, c, method, r);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)c, (void)toe;
    req *r = *con_cls;
    if (!r) return;
    free(r->body);
    free(r);
    *con_cls = NULL;
}

/* The request's state, made as soon as the request line is read: it notes where the URI
 * ends, for the NUL test in handle(). */
static void *uri_logged(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls, (void)c;
    req *r = calloc(1, sizeof *r);
    if (r) r->uri_end = uri + strlen(uri) + 1;
    return r;
}

/* libmicrohttpd decodes the path and query itself unless told otherwise; the server
 * decodes them in http_req.c, strictly, so leave them as they came. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls, (void)c;
    return strlen(s);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    fputs("nianbao serve: ", stderr);
    vfprintf(stderr, fmt, ap);
}

/* ---- the command ----------------------------------------------------------------------- */

/* Parses ADDRESS:PORT ("127.0.0.1:8080", "[::1]:8080", "localhost:8080") and opens a
 * listening socket on it.  Fills host (the literal address), *port (the bound one, also
 * when 0 was asked) and *loopback. */
static int open_listener(const char *spec, char *host, size_t cap, unsigned *port, bool *loopback,
                         char *msg, size_t msglen)
{
    const char *colon = strrchr(spec, ':');
    if (!colon || colon == spec) {
        snprintf(msg, msglen, _("--listen %s: expected ADDRESS:PORT, e.g. 127.0.0.1:8080"), spec);
        return 2;
    }
    size_t hlen = (size_t)(colon - spec);
    const char *h = spec;
    if (h[0] == '[' && hlen >= 2 && h[hlen - 1] == ']') h++, hlen -= 2;
    if (hlen == 0 || hlen >= cap) {
        snprintf(msg, msglen, _("--listen %s: expected ADDRESS:PORT, e.g. 127.0.0.1:8080"), spec);
        return 2;
    }
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    if (!strcmp(host, "localhost")) snprintf(host, cap, "127.0.0.1");
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (*end || p < 0 || p > 65535 || colon[1] == '\0') {
        snprintf(msg, msglen, _("--listen %s: the port must be a number 0 to 65535"), spec);
        return 2;
    }
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t slen;
    int family;
    struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        family = AF_INET;
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)p);
        slen = sizeof *a4;
        *loopback = (ntohl(a4->sin_addr.s_addr) >> 24) == 127;
    } else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        family = AF_INET6;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)p);
        slen = sizeof *a6;
        *loopback = IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr);
    } else {
        snprintf(msg, msglen,
                 "--listen %s: the address must be an IP address (127.0.0.1, ::1, 0.0.0.0, "
                 "192.168.1.5) or localhost",
                 spec);
        return 2;
    }
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd >= 0 && family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (fd < 0 || bind(fd, (struct sockaddr *)&ss, slen) != 0 || listen(fd, 1024) != 0) {
        snprintf(msg, msglen, _("--listen %s: %s"), spec, strerror(errno));
        if (fd >= 0) close(fd);
        return 3;
    }
    slen = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &slen);
    *port = ntohs(family == AF_INET ? a4->sin_port : a6->sin6_port);
    *msg = '\0';
    return -fd - 1; /* encoded: callers take -(rc + 1) */
}

static char *default_drafts_dir(void)
{
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    char buf[4200];
    if (xdg && *xdg == '/')
        snprintf(buf, sizeof buf, "%s/nianbao/drafts", xdg);
    else if (home && *home)
        snprintf(buf, sizeof buf, "%s/.local/share/nianbao/drafts", home);
    else
        snprintf(buf, sizeof buf, "nianbao-drafts");
    return strdup(buf);
}

static int read_token(const char *path, char **token, char *msg, size_t msglen)
{
    char *text;
    size_t len;
    char m[MSG - 100];
    int rc = cli_read_input(path, &text, &len, m, sizeof m);
    if (rc) {
        snprintf(msg, msglen, _("--token-file: %s"), m);
        return 2;
    }
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' ' ||
                       text[len - 1] == '\t'))
        text[--len] = '\0';
    if (strlen(text) != len || !hr_token_valid(text)) {
        snprintf(msg, msglen,
                 "--token-file %s: the token must be one line of 16 to 256 printable ASCII "
                 "characters without spaces, quotes, ';', ',' or '\\' (e.g. the output of "
                 "`openssl rand -hex 24`)",
                 path);
        free(text);
        return 2;
    }
    *token = text;
    return 0;
}

static void server_free(server *s)
{
    for (size_t i = 0; i < s->nfiles; i++)
        free(s->files[i].b.data);
    for (size_t i = 0; i < s->neds; i++)
        free(s->eds[i].layout.data);
    free(s->editions.data);
    drafts_close(s->drafts);
    free(s->token);
    free(s->datadir);
}

int cli_serve(int argc, char **argv)
{
    const char *listen_spec = "127.0.0.1:8080", *drafts_dir = NULL, *token_file = NULL;
    unsigned threads = 0, timeout = 30;
    server s;
    memset(&s, 0, sizeof s);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(_(usage_serve), stdout);
            return 0;
        } else if (!strcmp(a, "--listen") && more) {
            listen_spec = argv[++i];
        } else if (!strcmp(a, "--drafts") && more) {
            drafts_dir = argv[++i];
        } else if (!strcmp(a, "--token-file") && more) {
            token_file = argv[++i];
        } else if (!strcmp(a, "--allow-host") && more) {
            if (s.hosts.nnames == MAX_ALLOWED) {
                fprintf(stderr, _("nianbao serve: at most %d --allow-host\n"), MAX_ALLOWED);
                return 2;
            }
            s.allowed[s.hosts.nnames++] = argv[++i];
        } else if ((!strcmp(a, "--threads") || !strcmp(a, "--timeout")) && more) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < 1 || v > 3600) {
                fprintf(stderr, _("nianbao serve: %s takes a number 1 to 3600: %s\n"), a, argv[i]);
                return 2;
            }
            *(a[3] == 'h' ? &threads : &timeout) = (unsigned)v;
        } else {
            fprintf(stderr, _("nianbao serve: unknown option or missing value: %s\n%s"), a,
                    _(usage_serve));
            return 2;
        }
    }
    s.hosts.names = s.allowed;

    char msg[MSG], host[64];
    unsigned port;
    bool loopback;
    int rc = open_listener(listen_spec, host, sizeof host, &port, &loopback, msg, sizeof msg);
    if (rc >= 0) {
        fprintf(stderr, "nianbao serve: %s\n", msg);
        return rc;
    }
    int lfd = -(rc + 1);
    s.hosts.listen_host = host;
    s.hosts.port = port;
    s.hosts.loopback = loopback;
    int status = 3;
    if (!loopback && !token_file) {
        fprintf(stderr,
                "nianbao serve: --listen %s is not a loopback address: give --token-file "
                "FILE so that only those with the token can use it (docs/deploy-intranet.md)\n",
                listen_spec);
        status = 2;
        goto out;
    }
    if (token_file && (rc = read_token(token_file, &s.token, msg, sizeof msg))) {
        fprintf(stderr, "nianbao serve: %s\n", msg);
        status = rc;
        goto out;
    }
    s.datadir = cli_datadir();
    char *ddir = drafts_dir ? strdup(drafts_dir) : default_drafts_dir();
    if (!s.datadir || !ddir) {
        fprintf(stderr, _("nianbao serve: out of memory\n"));
        free(ddir);
        goto out;
    }
    rc = drafts_open(ddir, &s.drafts, msg, sizeof msg);
    if (rc) {
        fprintf(stderr, "nianbao serve: %s\n", msg);
        free(ddir);
        status = 2;
        goto out;
    }
    if (load_web(&s, msg, sizeof msg) || load_editions(&s, msg, sizeof msg)) {
        fprintf(stderr, "nianbao serve: %s\n", msg);
        free(ddir);
        goto out;
    }
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end;
        long long v = strtoll(sde, &end, 10);
        if (!*end && v >= 0) s.have_date = true, s.date = v;
    }
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n < 2 ? 2 : n > 8 ? 8 : (unsigned)n;
    }
    pthread_key_create(&s.engine_key, engine_free);

    /* Signals go to the main thread only: the workers start with them blocked. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, handle, &s,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_LISTEN_SOCKET, lfd,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_TIMEOUT, timeout,
        MHD_OPTION_CONNECTION_LIMIT, 1000, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
        MHD_OPTION_STRICT_FOR_CLIENT, (int)1, MHD_OPTION_NOTIFY_COMPLETED, completed, &s,
        MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL, MHD_OPTION_URI_LOG_CALLBACK, uri_logged,
        NULL, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, _("nianbao serve: could not start the HTTP server on %s\n"), listen_spec);
        free(ddir);
        pthread_key_delete(s.engine_key);
        goto out;
    }
    lfd = -1; /* the daemon's now */
    bool v6 = strchr(host, ':') != NULL;
    char url[sizeof host + 40];
    snprintf(url, sizeof url, "http://%s%s%s:%u/", v6 ? "[" : "",
             strcmp(host, "0.0.0.0") ? host : "127.0.0.1", v6 ? "]" : "", port);
    /* the line starts "nianbao serve: URL " in every language: scripts read the URL */
    printf(s.token ? _("nianbao serve: %s (drafts in %s; token required)\n")
                   : _("nianbao serve: %s (drafts in %s)\n"),
           url, ddir);
    fflush(stdout);
    free(ddir);

    int sig = 0;
    sigwait(&sigs, &sig);
    fprintf(stderr, _("nianbao serve: %s: stopping\n"), sig == SIGINT ? "SIGINT" : "SIGTERM");
    MHD_stop_daemon(d);
    pthread_key_delete(s.engine_key);
    status = 0;
out:
    if (lfd >= 0) close(lfd);
    server_free(&s);
    return status;
}
