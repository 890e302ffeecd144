/* init.c — making a report to start from (see init.h): the blank report of an edition,
 * filled in with the year and the body, and what carries over from last year's report.
 *
 * The work is on a copy of the blank report's cJSON tree (nb_init_make reads the file the
 * edition table names): placeholders are replaced in every string, then last year's values
 * are copied in where the table's carry rules say, then the tree is written out as text.  Nothing
 * here knows a key of the report except the few the format itself defines (edition, year, body,
 * title, opening, sections, subject); the rest is the edition table's.
 */
#include "init.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonin.h"
#include "jsonout.h"

static const char PLACEHOLDER_BODY[] = "【请填写：发布机关全称】";
static const char PLACEHOLDER_TEXT[] = "【请填写】";

nb_code nb_init_resolve(const nb_editions *t, const nb_init_opts *o, const nb_edition **edition,
                        int *year, nb_status *st)
{
    int y = o->year;
    if (y == 0 && o->previous) {
        const cJSON *py = cJSON_GetObjectItemCaseSensitive(o->previous, "year");
        if (!cJSON_IsNumber(py) || py->valuedouble != floor(py->valuedouble))
            return nb_fail(st, NB_ERR_DATA,
                           "%s: $.year: missing or not a whole number, so the new report's year "
                           "is unknown; give it with --year",
                           o->previous_name ? o->previous_name : "last year's report");
        y = (int)py->valuedouble + 1;
    }
    if (y < 1990 || y > 2999)
        return nb_fail(st, NB_ERR_USAGE,
                       "the report year %d is not a year a report can be for; "
                       "give it with --year, e.g. --year 2024",
                       y);
    const nb_edition *ed = NULL;
    if (!o->edition) {
        ed = nb_editions_for_year(t, y);
        if (!ed)
            return nb_fail(st, NB_ERR_USAGE,
                           "no edition of the template is for the report year %d; give one "
                           "with --edition",
                           y);
    } else if (!(ed = nb_editions_find(t, o->edition))) {
        char list[256];
        nb_editions_list(t, list, sizeof list);
        return nb_fail(st, NB_ERR_USAGE, "\"%s\" is not an edition of the template (expected %s)",
                       o->edition, list);
    }
    if (!nb_edition_has_year(ed, y)) {
        const nb_edition *other = nb_editions_for_year(t, y);
        if (ed->last_year == 0)
            return nb_fail(st, NB_ERR_USAGE,
                           "the %s edition is for report years from %d on, not %d; use the "
                           "edition of that year (--edition %s)",
                           ed->id, ed->first_year, y, other ? other->id : "?");
        return nb_fail(st, NB_ERR_USAGE,
                       "the %s edition is for report years %d to %d, not %d; use the edition of "
                       "that year (--edition %s)",
                       ed->id, ed->first_year, ed->last_year, y, other ? other->id : "?");
    }
    *edition = ed;
    *year = y;
    return NB_OK;
}

/* s with every `from` replaced by `to` (malloc'd), or NULL when out of memory. */
static char *replace_all(const char *s, const char *from, const char *to)
{
    size_t nf = strlen(from), nt = strlen(to), count = 0;
    for (const char *p = strstr(s, from); p; p = strstr(p + nf, from))
        count++;
    size_t len = strlen(s) + count * nt + 1;
    char *out = malloc(len), *w = out;
    if (!out) return NULL;
    for (const char *p = s;;) {
        const char *q = strstr(p, from);
        if (!q) {
            strcpy(w, p);
            break;
        }
        memcpy(w, p, (size_t)(q - p));
        w += q - p;
        memcpy(w, to, nt);
        w += nt;
        p = q + nf;
    }
    return out;
}

/* Replaces v's string with a new one (taken over). */
static bool set_string(cJSON *v, char *s)
{
    if (!s) return false;
    bool ok = cJSON_SetValuestring(v, s) != NULL;
    free(s);
    return ok;
}

typedef struct making {
    const char *body;
    char year[16];
    bool nomem; /* memory ran out: the report is not written */
} making;

/* Puts `v` (taken over) in place of `old`, a member of the object or array `parent`, with
 * old's key moved to it (so nothing is allocated: cJSON's replace-by-key copies the key and,
 * in the versions Debian ships, leaves a NULL key behind when the copy fails).  false when v
 * is NULL (memory ran out making it). */
static bool replace(cJSON *parent, cJSON *old, cJSON *v)
{
    if (!v) return false;
    if (v->string && !(v->type & cJSON_StringIsConst)) cJSON_free(v->string);
    v->string = old->string;
    v->type = (v->type & ~cJSON_StringIsConst) | (old->type & cJSON_StringIsConst);
    old->string = NULL;
    return cJSON_ReplaceItemViaPointer(parent, old, v);
}

/* {body} and {year} in every string of the tree; "{year}" alone becomes the number. */
static void fill(making *m, cJSON *v, int year)
{
    for (cJSON *c = v->child; c && !m->nomem; c = c->next) {
        if (cJSON_IsString(c)) {
            if (strcmp(c->valuestring, "{year}") == 0) {
                cJSON *n = cJSON_CreateNumber(year);
                if (!replace(v, c, n)) {
                    m->nomem = true;
                    return;
                }
                c = n;
                continue;
            }
            char *a = replace_all(c->valuestring, "{body}", m->body);
            char *b = a ? replace_all(a, "{year}", m->year) : NULL;
            free(a);
            if (!set_string(c, b)) m->nomem = true;
        } else if (cJSON_IsObject(c) || cJSON_IsArray(c)) {
            fill(m, c, year);
        }
    }
}

/* The object holding the last key of `path` (a.b.c → the object at a.b), or NULL. */
static cJSON *parent_of(cJSON *root, const char *path, const char **last)
{
    const char *dot = strrchr(path, '.');
    *last = dot ? dot + 1 : path;
    if (!dot) return root;
    char head[256];
    if ((size_t)(dot - path) >= sizeof head) return NULL;
    memcpy(head, path, (size_t)(dot - path));
    head[dot - path] = '\0';
    cJSON *p = (cJSON *)nb_json_at(root, head);
    return cJSON_IsObject(p) ? p : NULL;
}

/* Puts `v` (taken over) at `path` of `root` in place of what is there; nothing when the
 * blank report has no such key (the rule is then skipped).  v NULL: memory ran out. */
static void put(making *m, cJSON *root, const char *path, cJSON *v)
{
    const char *key;
    cJSON *parent = v ? parent_of(root, path, &key) : NULL;
    cJSON *old = parent ? cJSON_GetObjectItemCaseSensitive(parent, key) : NULL;
    if (!v)
        m->nomem = true;
    else if (!old)
        cJSON_Delete(v);
    else
        replace(parent, old, v);
}

/* Last year's value at `path` copied into this year's report, where both have it and it has
 * the blank's shape (an object for an object, a number or null for a number). */
static void carry_from(making *m, cJSON *root, const cJSON *prev, const char *to, const char *from)
{
    const cJSON *src = nb_json_at(prev, from), *dst = nb_json_at(root, to);
    if (!src || !dst) return;
    if (cJSON_IsObject(dst) != cJSON_IsObject(src)) return;
    if (!cJSON_IsObject(dst) && !cJSON_IsNumber(src) && !cJSON_IsNull(src)) return;
    put(m, root, to, cJSON_Duplicate(src, true));
}

/* The sum of last year's values at the n `paths`; null when one is blank or not a number. */
static void carry_sum(making *m, cJSON *root, const cJSON *prev, const char *to,
                      const char *const *paths, size_t n)
{
    double sum = 0;
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        const cJSON *v = nb_json_at(prev, paths[i]);
        if (!cJSON_IsNumber(v))
            ok = false;
        else
            sum += v->valuedouble;
    }
    put(m, root, to, ok ? cJSON_CreateNumber(sum) : cJSON_CreateNull());
}

/* A section of last year's report with its sub-headings kept and each run of paragraphs
 * made one 【请填写】 paragraph; NULL when it has no sub-heading (the blank's stays) or
 * memory ran out (*nomem then true). */
static cJSON *headings_only(const cJSON *items, bool *nomem)
{
    bool any = false;
    for (const cJSON *it = items ? items->child : NULL; it; it = it->next)
        any = any || (cJSON_IsObject(it) && cJSON_GetObjectItemCaseSensitive(it, "heading"));
    if (!any) return NULL;
    cJSON *out = cJSON_CreateArray();
    bool need_text = false;
    for (const cJSON *it = items->child; it && out; it = it->next) {
        const cJSON *h =
            cJSON_IsObject(it) ? cJSON_GetObjectItemCaseSensitive(it, "heading") : NULL;
        if (cJSON_IsString(h)) {
            if (need_text && !cJSON_AddItemToArray(out, cJSON_CreateString(PLACEHOLDER_TEXT)))
                goto nomem;
            cJSON *o = cJSON_CreateObject();
            if (!o || !cJSON_AddItemToArray(out, o) ||
                !cJSON_AddStringToObject(o, "heading", h->valuestring))
                goto nomem;
            need_text = true;
        } else if (!need_text && it == items->child) {
            need_text = true; /* a paragraph before the first sub-heading */
        }
    }
    if (!out || (need_text && !cJSON_AddItemToArray(out, cJSON_CreateString(PLACEHOLDER_TEXT))))
        goto nomem;
    return out;
nomem:
    cJSON_Delete(out);
    *nomem = true;
    return NULL;
}

/* Last year's strings with "YYYY年" of last year made this year's; NULL when memory ran
 * out. */
static cJSON *next_year_strings(const cJSON *v, int prev_year, int year)
{
    char from[16], to[16];
    snprintf(from, sizeof from, "%d年", prev_year);
    snprintf(to, sizeof to, "%d年", year);
    cJSON *out = cJSON_Duplicate(v, true);
    if (!out) return NULL;
    if (cJSON_IsString(out))
        return set_string(out, replace_all(out->valuestring, from, to)) ? out
                                                                        : (cJSON_Delete(out), NULL);
    for (cJSON *c = out->child; c; c = c->next)
        if (cJSON_IsString(c) && !set_string(c, replace_all(c->valuestring, from, to))) {
            cJSON_Delete(out);
            return NULL;
        }
    return out;
}

/* What last year's report `o->previous` gives this year's `root` (see init.h). */
static void carry_previous(making *m, cJSON *root, const nb_edition *edition, const nb_init_opts *o,
                           int year)
{
    const cJSON *prev = o->previous;
    const cJSON *ped = cJSON_GetObjectItemCaseSensitive(prev, "edition");
    const cJSON *py = cJSON_GetObjectItemCaseSensitive(prev, "year");
    bool same_edition = cJSON_IsString(ped) && strcmp(ped->valuestring, edition->id) == 0;
    if (same_edition && cJSON_IsNumber(py)) {
        /* the title names its year as digits, with or without 年 */
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(prev, "title");
        char from[16], to[16];
        snprintf(from, sizeof from, "%d", (int)py->valuedouble);
        snprintf(to, sizeof to, "%d", year);
        if (cJSON_IsString(t) && strstr(t->valuestring, from)) {
            char *title = replace_all(t->valuestring, from, to);
            put(m, root, "title", title ? cJSON_CreateString(title) : NULL);
            free(title);
        }
        const cJSON *op = cJSON_GetObjectItemCaseSensitive(prev, "opening");
        if (cJSON_IsArray(op) && op->child)
            put(m, root, "opening", next_year_strings(op, (int)py->valuedouble, year));
    }
    const cJSON *secs = cJSON_GetObjectItemCaseSensitive(prev, "sections");
    cJSON *mine = cJSON_GetObjectItemCaseSensitive(root, "sections");
    for (const cJSON *s = cJSON_IsObject(secs) ? secs->child : NULL; s && mine; s = s->next) {
        cJSON *old = cJSON_GetObjectItemCaseSensitive(mine, s->string);
        cJSON *h = old ? headings_only(s, &m->nomem) : NULL;
        if (h) replace(mine, old, h);
    }
    const cJSON *subject = cJSON_GetObjectItemCaseSensitive(prev, "subject");
    if (cJSON_IsString(subject) && !cJSON_GetObjectItemCaseSensitive(root, "subject") &&
        !cJSON_AddStringToObject(root, "subject", subject->valuestring))
        m->nomem = true;
    for (size_t i = 0; i < edition->ncarry; i++) {
        const nb_carry *r = &edition->carry[i];
        if (r->from)
            carry_from(m, root, prev, r->to, r->from);
        else
            carry_sum(m, root, prev, r->to, r->sum, r->nsum);
    }
}

nb_code nb_init_report(const nb_edition *edition, const cJSON *blank, int year,
                       const nb_init_opts *o, nb_buf *out, nb_status *st)
{
    making m = {0};
    m.body = o->body;
    if (!m.body && o->previous) {
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(o->previous, "body");
        if (cJSON_IsString(b)) m.body = b->valuestring;
    }
    if (!m.body) m.body = PLACEHOLDER_BODY;
    snprintf(m.year, sizeof m.year, "%d", year);
    cJSON *root = cJSON_Duplicate(blank, true);
    m.nomem = !root;
    if (!m.nomem) fill(&m, root, year);
    if (!m.nomem && o->previous) carry_previous(&m, root, edition, o, year);
    if (!m.nomem) nb_json_write(out, root);
    cJSON_Delete(root);
    if (m.nomem || out->oom) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    return NB_OK;
}

nb_code nb_init_make(const nb_editions *t, const nb_init_opts *o, nb_buf *out, nb_status *st)
{
    const nb_edition *ed = NULL;
    int year = 0;
    if (nb_init_resolve(t, o, &ed, &year, st)) return st->code;
    if (!ed->blank)
        return nb_fail(st, NB_ERR_LAYOUT,
                       "%s: $.editions.%s.blank: missing (expected the file name of the "
                       "edition's blank report, which init starts from; see docs/editions.md)",
                       t->path, ed->id);
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", t->dir, ed->blank);
    nb_json_doc blank = {0};
    if (nb_json_load(path, &blank, st)) return st->code;
    if (!cJSON_IsObject(blank.root))
        nb_fail(st, NB_ERR_LAYOUT,
                "%s: $: expected a JSON object (the blank report of the %s edition; see "
                "docs/editions.md)",
                path, ed->id);
    else
        nb_init_report(ed, blank.root, year, o, out, st);
    nb_json_free(&blank);
    return st->code;
}
