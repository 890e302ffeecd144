/* editions.c — reading the edition table's part a render uses (see editions.h): the
 * top-level "subject" and, per edition, its "layout".  The table is small (a few editions);
 * lookups are linear.  Everything is copied out of the parsed JSON, which is freed before
 * returning; on failure nothing is kept.
 */
#include "editions.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonin.h"

void nb_editions_free(nb_editions *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->count; i++) {
        free(t->items[i].id);
        free(t->items[i].layout);
    }
    free(t->items);
    free(t->path);
    free(t->dir);
    free(t->subject);
    memset(t, 0, sizeof *t);
}

/* A string the table must have at `key` of `obj` ($.`where`.key in messages). */
static const char *need_str(const char *path, const cJSON *obj, const char *where, const char *key,
                            nb_status *st)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (cJSON_IsString(v) && v->valuestring[0]) return v->valuestring;
    nb_fail(st, NB_ERR_LAYOUT,
            "%s: $%s%s.%s: %s (expected a non-empty string; see docs/editions.md)", path,
            where[0] ? "." : "", where, key, v ? "not a non-empty string" : "missing");
    return NULL;
}

static nb_code read_table(const char *path, const cJSON *root, nb_editions *out, nb_status *st)
{
    if (!cJSON_IsObject(root))
        return nb_fail(st, NB_ERR_LAYOUT, "%s: $: expected a JSON object (docs/editions.md)", path);
    const char *subject = need_str(path, root, "", "subject", st);
    if (!subject) return st->code;
    const cJSON *eds = cJSON_GetObjectItemCaseSensitive(root, "editions");
    if (!cJSON_IsObject(eds) || !eds->child)
        return nb_fail(st, NB_ERR_LAYOUT,
                       "%s: $.editions: %s (expected an object with an entry per edition)", path,
                       eds ? "not an object or empty" : "missing");
    size_t n = (size_t)cJSON_GetArraySize(eds);
    if (!(out->items = calloc(n, sizeof *out->items)) || !(out->subject = strdup(subject)))
        return nb_fail(st, NB_ERR_NOMEM, "%s: out of memory reading the edition table", path);
    for (const cJSON *e = eds->child; e; e = e->next) {
        char where[300];
        snprintf(where, sizeof where, "editions.%s", e->string);
        if (!cJSON_IsObject(e))
            return nb_fail(st, NB_ERR_LAYOUT, "%s: $.%s: expected an object", path, where);
        const char *layout = need_str(path, e, where, "layout", st);
        if (!layout) return st->code;
        if (strchr(layout, '/'))
            return nb_fail(st, NB_ERR_LAYOUT,
                           "%s: $.%s.layout: \"%s\": expected a file name in the table's folder",
                           path, where, layout);
        nb_edition *it = &out->items[out->count];
        it->id = strdup(e->string);
        it->layout = strdup(layout);
        if (!it->id || !it->layout) {
            free(it->id);
            free(it->layout);
            return nb_fail(st, NB_ERR_NOMEM, "%s: out of memory reading the edition table", path);
        }
        out->count++;
    }
    return NB_OK;
}

nb_code nb_editions_load(const char *path, nb_editions *out, nb_status *st)
{
    memset(out, 0, sizeof *out);
    nb_json_doc doc;
    if (nb_json_load(path, &doc, st)) return st->code;
    nb_code rc = read_table(path, doc.root, out, st);
    nb_json_free(&doc);
    if (rc == NB_OK) {
        out->path = strdup(path);
        const char *slash = strrchr(path, '/');
        out->dir = slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
        if (!out->path || !out->dir)
            rc = nb_fail(st, NB_ERR_NOMEM, "%s: out of memory reading the edition table", path);
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
        const char *sep = i == 0 ? "" : i + 1 == t->count ? " or " : ", ";
        int k = snprintf(buf + len, n - len, "%s\"%s\"", sep, t->items[i].id);
        if (k < 0) break;
        len += (size_t)k;
    }
}
