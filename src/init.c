/* init.c — making a report to start from (see init.h): the blank report of an edition,
 * filled in with the year and the body, and what carries over from last year's report.
 *
 * The work is on a copy of the blank report's cJSON tree: placeholders are replaced in every
 * string, then last year's values are copied in where the edition table says, then the tree
 * is written out as text.  Nothing here knows a key of the report except the few the
 * format itself defines (edition, year, body, title, opening, sections, subject); the rest
 * is the edition table's.
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

const cJSON *nb_edition_find(const cJSON *table, const char *id)
{
    const cJSON *eds = cJSON_GetObjectItemCaseSensitive(table, "editions");
    return id ? cJSON_GetObjectItemCaseSensitive(eds, id) : NULL;
}

static int year_field(const cJSON *ed, const char *key, int dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(ed, key);
    return cJSON_IsNumber(v) ? (int)v->valuedouble : dflt;
}

const char *nb_edition_for_year(const cJSON *table, int year)
{
    const cJSON *eds = cJSON_GetObjectItemCaseSensitive(table, "editions");
    for (const cJSON *ed = eds ? eds->child : NULL; ed; ed = ed->next)
        if (year >= year_field(ed, "first_year", 0) && year <= year_field(ed, "last_year", 9999))
            return ed->string;
    return NULL;
}

nb_code nb_init_resolve(const cJSON *table, const nb_init_opts *o, const char **edition, int *year,
                        nb_status *st)
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
    const char *id = o->edition;
    if (!id) {
        id = nb_edition_for_year(table, y);
        if (!id)
            return nb_fail(st, NB_ERR_USAGE,
                           "no edition of the template is for the report year %d; give one "
                           "with --edition",
                           y);
    }
    const cJSON *ed = nb_edition_find(table, id);
    if (!ed)
        return nb_fail(st, NB_ERR_USAGE,
                       "\"%s\" is not an edition of the template; the editions are 2019 and 2021",
                       id);
    int first = year_field(ed, "first_year", 0), last = year_field(ed, "last_year", 9999);
    if (y < first || y > last) {
        const char *other = nb_edition_for_year(table, y);
        if (last == 9999)
            return nb_fail(st, NB_ERR_USAGE,
                           "the %s edition is for report years from %d on, not %d; use the "
                           "edition of that year (--edition %s)",
                           ed->string, first, y, other ? other : "?");
        return nb_fail(st, NB_ERR_USAGE,
                       "the %s edition is for report years %d to %d, not %d; use the edition of "
                       "that year (--edition %s)",
                       ed->string, first, last, y, other ? other : "?");
    }
    *edition = ed->string;
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

typedef struct filler {
    const char *body;
    char year[16];
    bool nomem;
} filler;

/* {body} and {year} in every string of the tree; "{year}" alone becomes the number. */
static void fill(filler *f, cJSON *v, int year)
{
    for (cJSON *c = v->child; c; c = c->next) {
        if (cJSON_IsString(c)) {
            if (strcmp(c->valuestring, "{year}") == 0) {
                cJSON *n = cJSON_CreateNumber(year);
                bool ok = n && (cJSON_IsObject(v)
                                    ? cJSON_ReplaceItemInObjectCaseSensitive(v, c->string, n)
                                    : cJSON_ReplaceItemViaPointer(v, c, n));
                if (!ok) {
                    cJSON_Delete(n);
                    f->nomem = true;
                    return;
                }
                c = n;
                continue;
            }
            char *a = replace_all(c->valuestring, "{body}", f->body);
            char *b = a ? replace_all(a, "{year}", f->year) : NULL;
            free(a);
            if (!set_string(c, b)) f->nomem = true;
        } else if (cJSON_IsObject(c) || cJSON_IsArray(c)) {
            fill(f, c, year);
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

/* Puts `v` (taken over) at `path` of `root` in place of what is there; false when the
 * blank report has no such key (the rule is then skipped) or memory ran out. */
static bool put(cJSON *root, const char *path, cJSON *v)
{
    const char *key;
    cJSON *parent = parent_of(root, path, &key);
    if (!v || !parent || !cJSON_GetObjectItemCaseSensitive(parent, key)) {
        cJSON_Delete(v);
        return false;
    }
    return cJSON_ReplaceItemInObjectCaseSensitive(parent, key, v);
}

/* Last year's value at `path` copied into this year's report, where both have it and it has
 * the blank's shape (an object for an object, a number or null for a number). */
static void carry_from(cJSON *root, const cJSON *prev, const char *to, const char *from)
{
    const cJSON *src = nb_json_at(prev, from), *dst = nb_json_at(root, to);
    if (!src || !dst) return;
    if (cJSON_IsObject(dst) != cJSON_IsObject(src)) return;
    if (!cJSON_IsObject(dst) && !cJSON_IsNumber(src) && !cJSON_IsNull(src)) return;
    put(root, to, cJSON_Duplicate(src, true));
}

/* The sum of last year's values at `paths`; null when one is blank or not a number. */
static void carry_sum(cJSON *root, const cJSON *prev, const char *to, const cJSON *paths)
{
    double sum = 0;
    bool ok = true;
    for (const cJSON *p = paths->child; p; p = p->next) {
        const cJSON *v = cJSON_IsString(p) ? nb_json_at(prev, p->valuestring) : NULL;
        if (!cJSON_IsNumber(v))
            ok = false;
        else
            sum += v->valuedouble;
    }
    put(root, to, ok ? cJSON_CreateNumber(sum) : cJSON_CreateNull());
}

/* A section of last year's report with its sub-headings kept and each run of paragraphs
 * made one 【请填写】 paragraph; NULL when it has no sub-heading (the blank's stays). */
static cJSON *headings_only(const cJSON *items)
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
    if (out && need_text && !cJSON_AddItemToArray(out, cJSON_CreateString(PLACEHOLDER_TEXT)))
        goto nomem;
    return out;
nomem:
    cJSON_Delete(out);
    return NULL;
}

/* Last year's strings with "YYYY年" of last year made this year's. */
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

static void carry_previous(cJSON *root, const cJSON *edition, const nb_init_opts *o, int year,
                           const char *edition_id)
{
    const cJSON *prev = o->previous;
    const cJSON *ped = cJSON_GetObjectItemCaseSensitive(prev, "edition");
    const cJSON *py = cJSON_GetObjectItemCaseSensitive(prev, "year");
    bool same_edition = cJSON_IsString(ped) && strcmp(ped->valuestring, edition_id) == 0;
    if (same_edition && cJSON_IsNumber(py)) {
        /* the title names its year as digits, with or without 年 */
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(prev, "title");
        char from[16], to[16];
        snprintf(from, sizeof from, "%d", (int)py->valuedouble);
        snprintf(to, sizeof to, "%d", year);
        if (cJSON_IsString(t) && strstr(t->valuestring, from)) {
            cJSON *nt = cJSON_CreateString("");
            if (nt && set_string(nt, replace_all(t->valuestring, from, to)))
                put(root, "title", nt);
            else
                cJSON_Delete(nt);
        }
        const cJSON *op = cJSON_GetObjectItemCaseSensitive(prev, "opening");
        if (cJSON_IsArray(op) && op->child)
            put(root, "opening", next_year_strings(op, (int)py->valuedouble, year));
    }
    const cJSON *secs = cJSON_GetObjectItemCaseSensitive(prev, "sections");
    cJSON *mine = cJSON_GetObjectItemCaseSensitive(root, "sections");
    for (const cJSON *s = cJSON_IsObject(secs) ? secs->child : NULL; s && mine; s = s->next) {
        if (!cJSON_GetObjectItemCaseSensitive(mine, s->string)) continue;
        cJSON *h = headings_only(s);
        if (h) cJSON_ReplaceItemInObjectCaseSensitive(mine, s->string, h);
    }
    const cJSON *subject = cJSON_GetObjectItemCaseSensitive(prev, "subject");
    if (cJSON_IsString(subject) && !cJSON_GetObjectItemCaseSensitive(root, "subject"))
        cJSON_AddStringToObject(root, "subject", subject->valuestring);
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(edition, "carry");
    for (const cJSON *r = rules ? rules->child : NULL; r; r = r->next) {
        const cJSON *to = cJSON_GetObjectItemCaseSensitive(r, "to");
        const cJSON *from = cJSON_GetObjectItemCaseSensitive(r, "from");
        const cJSON *sum = cJSON_GetObjectItemCaseSensitive(r, "sum");
        if (!cJSON_IsString(to)) continue;
        if (cJSON_IsString(from))
            carry_from(root, prev, to->valuestring, from->valuestring);
        else if (cJSON_IsArray(sum))
            carry_sum(root, prev, to->valuestring, sum);
    }
}

nb_code nb_init_report(const cJSON *table, const cJSON *blank, const char *edition_id, int year,
                       const nb_init_opts *o, nb_buf *out, nb_status *st)
{
    const cJSON *edition = nb_edition_find(table, edition_id);
    if (!edition || !cJSON_IsObject(blank))
        return nb_fail(st, NB_ERR_USAGE, "no blank report for the %s edition", edition_id);
    filler f = {0};
    f.body = o->body;
    if (!f.body && o->previous) {
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(o->previous, "body");
        if (cJSON_IsString(b)) f.body = b->valuestring;
    }
    if (!f.body) f.body = PLACEHOLDER_BODY;
    snprintf(f.year, sizeof f.year, "%d", year);
    cJSON *root = cJSON_Duplicate(blank, true);
    if (!root) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    fill(&f, root, year);
    if (o->previous && !f.nomem) carry_previous(root, edition, o, year, edition_id);
    nb_json_write(out, root);
    cJSON_Delete(root);
    if (f.nomem || out->oom) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    return NB_OK;
}
