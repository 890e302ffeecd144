/* editions.c — reading the edition table (see editions.h): the top-level "subject" and, per
 * edition, its "layout", "blank", "first_year", "last_year" and "carry".  The table is
 * small (a few editions); lookups are linear.  Everything is copied out of the parsed JSON
 * into the table's arena, and the JSON is freed before returning; on failure nothing is
 * kept.
 */
#include "editions.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonin.h"

void nb_editions_free(nb_editions *t)
{
    if (!t) return;
    nb_arena_free(&t->mem);
    memset(t, 0, sizeof *t);
}

/* One reading of a table: its file (for messages), where the copies go, the status. */
typedef struct reader {
    const char *path;
    nb_arena *mem;
    nb_status *st;
} reader;

static nb_code nomem(reader *r)
{
    return nb_fail(r->st, NB_ERR_NOMEM, "%s: out of memory reading the edition table", r->path);
}

/* A copy of the string at `key` of `obj` ($.`where`.key in messages), or NULL: when it is
 * absent and not `required` (with r->st untouched), or on failure.  Present, it must be a
 * non-empty string. */
static const char *get_str(reader *r, const cJSON *obj, const char *where, const char *key,
                           bool required)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v && !required) return NULL;
    if (!cJSON_IsString(v) || !v->valuestring[0]) {
        nb_fail(r->st, NB_ERR_LAYOUT,
                "%s: $%s%s.%s: %s (expected a non-empty string; see docs/editions.md)", r->path,
                where[0] ? "." : "", where, key, v ? "not a non-empty string" : "missing");
        return NULL;
    }
    const char *s = nb_arena_strdup(r->mem, v->valuestring);
    if (!s) nomem(r);
    return s;
}

/* Like get_str, for a file that must be in the table's folder. */
static const char *get_file(reader *r, const cJSON *obj, const char *where, const char *key,
                            bool required)
{
    const char *s = get_str(r, obj, where, key, required);
    if (s && strchr(s, '/')) {
        nb_fail(r->st, NB_ERR_LAYOUT,
                "%s: $.%s.%s: \"%s\": expected a file name in the table's folder", r->path, where,
                key, s);
        return NULL;
    }
    return s;
}

/* The year at `key` of `obj` into *out: 0 when absent. */
static nb_code get_year(reader *r, const cJSON *obj, const char *where, const char *key, int *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = 0;
    if (!v) return NB_OK;
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < 1000 ||
        v->valuedouble > 9999)
        return nb_fail(r->st, NB_ERR_LAYOUT,
                       "%s: $.%s.%s: expected a year, a whole number such as 2021", r->path, where,
                       key);
    *out = (int)v->valuedouble;
    return NB_OK;
}

/* One rule of "carry", at $.`where` (editions.ID.carry[i]). */
static nb_code get_rule(reader *r, const cJSON *rule, const char *where, nb_carry *out)
{
    const cJSON *from = cJSON_GetObjectItemCaseSensitive(rule, "from");
    const cJSON *sum = cJSON_GetObjectItemCaseSensitive(rule, "sum");
    if (!cJSON_IsObject(rule) || !from == !sum)
        return nb_fail(r->st, NB_ERR_LAYOUT,
                       "%s: $.%s: expected {\"to\": PATH, \"from\": PATH} or {\"to\": PATH, "
                       "\"sum\": [PATH, ...]} (see docs/editions.md)",
                       r->path, where);
    if (!(out->to = get_str(r, rule, where, "to", true))) return r->st->code;
    if (from) return (out->from = get_str(r, rule, where, "from", true)) ? NB_OK : r->st->code;
    size_t n = cJSON_IsArray(sum) ? (size_t)cJSON_GetArraySize(sum) : 0;
    for (const cJSON *p = n ? sum->child : NULL; p; p = p->next)
        if (!cJSON_IsString(p) || !p->valuestring[0]) n = 0;
    if (n == 0)
        return nb_fail(r->st, NB_ERR_LAYOUT,
                       "%s: $.%s.sum: expected an array of one or more paths (non-empty strings)",
                       r->path, where);
    const char **paths = nb_arena_alloc(r->mem, n * sizeof *paths);
    if (!paths) return nomem(r);
    for (const cJSON *p = sum->child; p; p = p->next)
        if (!(paths[out->nsum++] = nb_arena_strdup(r->mem, p->valuestring))) return nomem(r);
    out->sum = paths;
    return NB_OK;
}

/* The edition `e` (its key is its id), at $.`where` (editions.ID). */
static nb_code get_edition(reader *r, const cJSON *e, const char *where, nb_edition *out)
{
    if (!cJSON_IsObject(e))
        return nb_fail(r->st, NB_ERR_LAYOUT, "%s: $.%s: expected an object", r->path, where);
    if (!(out->id = nb_arena_strdup(r->mem, e->string))) return nomem(r);
    if (!(out->layout = get_file(r, e, where, "layout", true))) return r->st->code;
    out->blank = get_file(r, e, where, "blank", false);
    if (r->st->code) return r->st->code;
    if (get_year(r, e, where, "first_year", &out->first_year) ||
        get_year(r, e, where, "last_year", &out->last_year))
        return r->st->code;
    if (out->last_year && out->last_year < out->first_year)
        return nb_fail(r->st, NB_ERR_LAYOUT, "%s: $.%s.last_year: %d is before first_year, %d",
                       r->path, where, out->last_year, out->first_year);
    const cJSON *carry = cJSON_GetObjectItemCaseSensitive(e, "carry");
    if (!carry) return NB_OK;
    if (!cJSON_IsArray(carry))
        return nb_fail(r->st, NB_ERR_LAYOUT,
                       "%s: $.%s.carry: expected an array of rules (see docs/editions.md)", r->path,
                       where);
    size_t n = (size_t)cJSON_GetArraySize(carry);
    nb_carry *rules = n ? nb_arena_alloc(r->mem, n * sizeof *rules) : NULL;
    if (n && !rules) return nomem(r);
    for (const cJSON *c = carry->child; c; c = c->next) {
        char rwhere[340];
        snprintf(rwhere, sizeof rwhere, "%s.carry[%zu]", where, out->ncarry);
        if (get_rule(r, c, rwhere, &rules[out->ncarry])) return r->st->code;
        out->ncarry++;
    }
    out->carry = rules;
    return NB_OK;
}

static nb_code read_table(reader *r, const cJSON *root, nb_editions *out)
{
    if (!cJSON_IsObject(root))
        return nb_fail(r->st, NB_ERR_LAYOUT, "%s: $: expected a JSON object (docs/editions.md)",
                       r->path);
    if (!(out->subject = get_str(r, root, "", "subject", true))) return r->st->code;
    const cJSON *eds = cJSON_GetObjectItemCaseSensitive(root, "editions");
    if (!cJSON_IsObject(eds) || !eds->child)
        return nb_fail(r->st, NB_ERR_LAYOUT,
                       "%s: $.editions: %s (expected an object with an entry per edition)", r->path,
                       eds ? "not an object or empty" : "missing");
    size_t n = (size_t)cJSON_GetArraySize(eds);
    nb_edition *items = nb_arena_alloc(r->mem, n * sizeof *items);
    if (!items) return nomem(r);
    out->items = items;
    for (const cJSON *e = eds->child; e; e = e->next) {
        char where[300];
        snprintf(where, sizeof where, "editions.%s", e->string);
        if (get_edition(r, e, where, &items[out->count])) return r->st->code;
        out->count++;
    }
    return NB_OK;
}

nb_code nb_editions_load(const char *path, nb_editions *out, nb_status *st)
{
    memset(out, 0, sizeof *out);
    nb_json_doc doc;
    if (nb_json_load(path, &doc, st)) return st->code;
    reader r = {path, &out->mem, st};
    nb_code rc = read_table(&r, doc.root, out);
    nb_json_free(&doc);
    if (rc == NB_OK) {
        const char *slash = strrchr(path, '/');
        out->path = nb_arena_strdup(&out->mem, path);
        out->dir = slash ? nb_arena_strndup(&out->mem, path, (size_t)(slash - path))
                         : nb_arena_strdup(&out->mem, ".");
        if (!out->path || !out->dir) rc = nomem(&r);
    }
    if (rc) nb_editions_free(out);
    return rc;
}

const nb_edition *nb_editions_find(const nb_editions *t, const char *id)
{
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->items[i].id, id) == 0) return &t->items[i];
    return NULL;
}

bool nb_edition_has_year(const nb_edition *ed, int year)
{
    return year >= ed->first_year && (ed->last_year == 0 || year <= ed->last_year);
}

const nb_edition *nb_editions_for_year(const nb_editions *t, int year)
{
    for (size_t i = 0; i < t->count; i++)
        if (nb_edition_has_year(&t->items[i], year)) return &t->items[i];
    return NULL;
}

void nb_editions_list(const nb_editions *t, char *buf, size_t n)
{
    if (n == 0) return;
    buf[0] = '\0';
    if (t->count == 0) {
        snprintf(buf, n, "none");
        return;
    }
    size_t len = 0;
    for (size_t i = 0; i < t->count && len < n; i++) {
        const char *sep = i == 0 ? "" : " / "; /* reads the same in English and Chinese */
        int k = snprintf(buf + len, n - len, "%s\"%s\"", sep, t->items[i].id);
        if (k < 0) break;
        len += (size_t)k;
    }
}
