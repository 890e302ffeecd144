/* render.c — the core run: data bytes → checked, composed PDF bytes (see render.h). */
#include "render.h"

#include <cjson/cJSON.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "clock.h"
#include "compose.h"
#include "editions.h"
#include "font.h"
#include "jsonin.h"
#include "layout.h"
#include "utf8.h"

typedef struct cached_layout {
    char *path; /* the file it came from, or the name it was given with */
    char *text; /* the JSON it was parsed from when given as bytes, else NULL */
    size_t len;
    nb_layout_spec spec;
} cached_layout;

typedef struct cached_fonts {
    char *key; /* font map path + overrides */
    nb_fontset *fs;
} cached_fonts;

struct nb_engine {
    nb_editions editions; /* DATADIR/layouts/editions.json, read once (editions.path NULL:
                           * not yet) */
    cached_layout *layouts;
    size_t nlayouts;
    cached_fonts *fonts;
    size_t nfonts;
    bool subset_reuse; /* nb_engine_set_subset_reuse */
};

void nb_render_opts_init(nb_render_opts *o)
{
    memset(o, 0, sizeof *o);
    o->pdfa = true;
    o->date = -1;
}

nb_engine *nb_engine_new(void)
{
    return calloc(1, sizeof(nb_engine));
}

void nb_engine_free(nb_engine *e)
{
    if (!e) return;
    for (size_t i = 0; i < e->nlayouts; i++) {
        free(e->layouts[i].path);
        free(e->layouts[i].text);
        nb_layout_spec_free(&e->layouts[i].spec);
    }
    for (size_t i = 0; i < e->nfonts; i++) {
        free(e->fonts[i].key);
        nb_fontset_free(e->fonts[i].fs);
    }
    free(e->layouts);
    free(e->fonts);
    nb_editions_free(&e->editions);
    free(e);
}

nb_code nb_engine_editions(nb_engine *e, const char *datadir, const nb_editions **out,
                           nb_status *st)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/layouts/editions.json", datadir ? datadir : ".");
    if (!e->editions.path || strcmp(e->editions.path, path) != 0) {
        nb_editions_free(&e->editions);
        if (nb_editions_load(path, &e->editions, st)) return st->code;
    }
    *out = &e->editions;
    return NB_OK;
}

/* The editions for a message ("\"2019\" / \"2021\""), or, when the table cannot be
 * read, where they would be listed; only memory running out fails (NB_ERR_NOMEM). */
static nb_code editions_list(nb_engine *e, const char *datadir, char *buf, size_t n, nb_status *st)
{
    nb_status tst = NB_STATUS_INIT;
    const nb_editions *t = NULL;
    if (nb_engine_editions(e, datadir, &t, &tst) == NB_OK)
        nb_editions_list(t, buf, n);
    else if (tst.code == NB_ERR_NOMEM)
        return nb_fail(st, NB_ERR_NOMEM, "%s", tst.msg);
    else
        snprintf(buf, n, "%s", nb_status_word(st, "an edition of layouts/editions.json"));
    return NB_OK;
}

size_t nb_engine_faces(const nb_engine *e, nb_font **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < e->nfonts; i++) {
        size_t count = nb_fontset_count(e->fonts[i].fs);
        for (unsigned id = 0; id < count; id++) {
            nb_font *f = nb_fontset_font(e->fonts[i].fs, id);
            if (!f) continue;
            if (n < max) out[n] = f;
            n++;
        }
    }
    return n;
}

/* The layout read from `path`, or, when `text` is not NULL, parsed from its len bytes under
 * the name `path` with the relative font map found in `base_dir`; parsed once per engine. */
static nb_code get_layout(nb_engine *e, const char *path, const char *text, size_t len,
                          const char *base_dir, const nb_layout_spec **out, nb_status *st)
{
    for (size_t i = 0; i < e->nlayouts; i++) {
        const cached_layout *c = &e->layouts[i];
        if (strcmp(c->path, path) == 0 && !c->text == !text &&
            (!text || (c->len == len && memcmp(c->text, text, len) == 0))) {
            *out = &e->layouts[i].spec;
            return NB_OK;
        }
    }
    cached_layout *grown = realloc(e->layouts, (e->nlayouts + 1) * sizeof *grown);
    if (!grown) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    e->layouts = grown;
    cached_layout *c = &e->layouts[e->nlayouts];
    memset(c, 0, sizeof *c);
    if (text ? nb_layout_spec_parse(path, text, len, base_dir, &c->spec, st)
             : nb_layout_spec_load(path, &c->spec, st))
        return st->code;
    c->path = strdup(path);
    c->text = text ? malloc(len ? len : 1) : NULL;
    if (!c->path || (text && !c->text)) {
        free(c->path);
        nb_layout_spec_free(&c->spec);
        return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    }
    if (text) memcpy(c->text, text, len);
    c->len = len;
    e->nlayouts++;
    *out = &c->spec;
    return NB_OK;
}

static nb_code get_fonts(nb_engine *e, const char *map, const nb_render_opts *o, nb_fontset **out,
                         nb_status *st)
{
    size_t klen = strlen(map) + 1;
    for (size_t i = 0; i < o->nfont_overrides; i++)
        klen += strlen(o->font_overrides[i]) + 1;
    char *key = malloc(klen);
    if (!key) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    strcpy(key, map);
    for (size_t i = 0; i < o->nfont_overrides; i++) {
        strcat(key, "\n");
        strcat(key, o->font_overrides[i]);
    }
    for (size_t i = 0; i < e->nfonts; i++) {
        if (strcmp(e->fonts[i].key, key) == 0) {
            free(key);
            *out = e->fonts[i].fs;
            nb_fontset_set_subset_reuse(*out, o->subset_reuse);
            return NB_OK;
        }
    }
    nb_fontset *fs = nb_fontset_new();
    cached_fonts *grown = realloc(e->fonts, (e->nfonts + 1) * sizeof *grown);
    if (!fs || !grown) {
        free(key);
        nb_fontset_free(fs);
        if (grown) e->fonts = grown;
        return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    }
    e->fonts = grown;
    nb_fontset_set_subset_reuse(fs, o->subset_reuse);
    if (nb_fontset_load_map(fs, map, st)) goto fail;
    for (size_t i = 0; i < o->nfont_overrides; i++) {
        const char *ov = o->font_overrides[i];
        const char *eq = strchr(ov, '=');
        if (!eq || eq == ov || !eq[1]) {
            nb_fail(st, NB_ERR_USAGE, "font %s: expected ROLE=FILE or ROLE=FAMILY", ov);
            goto fail;
        }
        char role[64];
        snprintf(role, sizeof role, "%.*s", (int)(eq - ov), ov);
        if (nb_fontset_override(fs, role, eq + 1, st)) goto fail;
    }
    e->fonts[e->nfonts].key = key;
    e->fonts[e->nfonts].fs = fs;
    e->nfonts++;
    *out = fs;
    return NB_OK;
fail:
    free(key);
    nb_fontset_free(fs);
    return st->code;
}

/* "2021-01-25" → seconds since the epoch at 00:00 UTC; false if not a date. */
static bool parse_date(const char *s, time_t *out)
{
    int y, m, d;
    char tail;
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return false;
    if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return false;
    /* days from civil (proleptic Gregorian) */
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    long days = era * 146097 + doe - 719468;
    *out = (time_t)days * 86400;
    return true;
}

/* The end of the report year: "YYYY-12-31" of the data's integer `year`, as parse_date. */
static bool year_end(const cJSON *data, time_t *out)
{
    const cJSON *y = nb_json_at(data, "year");
    if (!cJSON_IsNumber(y) || y->valuedouble < 1970 || y->valuedouble > 9999 ||
        y->valuedouble != (double)(int)y->valuedouble)
        return false;
    char s[16];
    snprintf(s, sizeof s, "%04d-12-31", (int)y->valuedouble);
    return parse_date(s, out);
}

/* The PDF's document information holds a string of at most this many UTF-16 units (a
 * libharu limit of 64 KB; pdf_write.c cuts beyond it).  A value the data gives for it that
 * is longer is refused here, naming its path, rather than cut. */
enum { META_MAX_UNITS = 32000 };

static nb_code meta_fits(const char *s, const char *path, const char *data_name, nb_status *st)
{
    if (!s || !path) return NB_OK;
    size_t n = strlen(s), i = 0, units = 0;
    while (i < n)
        units += nb_utf8_next((const unsigned char *)s, n, &i) >= 0x10000 ? 2 : 1;
    if (units <= META_MAX_UNITS) return NB_OK;
    return nb_fail(st, NB_ERR_LIMIT,
                   "%s: $.%s: %zu UTF-16 units, more than the PDF's document information holds "
                   "(%d); shorten it",
                   data_name, path, units, (int)META_MAX_UNITS);
}

static const char *meta_string(const cJSON *data, const char *path)
{
    if (!path) return NULL;
    const cJSON *v = nb_json_at(data, path);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

nb_code nb_render_mem(nb_engine *e, const char *text, size_t len, const nb_render_opts *o,
                      nb_pdf_bytes *out, nb_findings *found, nb_render_stats *stats, nb_status *st)
{
    nb_render_stats local = {0};
    nb_render_stats *S = stats ? stats : &local;
    memset(S, 0, sizeof *S);
    memset(out, 0, sizeof *out);
    if (found) memset(found, 0, sizeof *found);
    double t0 = nb_now_ms();
    const char *data_name = o->data_name ? o->data_name : "data";
    const char *prev_name = o->previous_name ? o->previous_name : "last year's report";
    nb_json_doc data = {0}, prev = {0};
    nb_findings findings = {0};
    nb_layout layout;
    nb_layout_init(&layout);
    nb_code rc = NB_OK;
    if ((rc = nb_json_parse(data_name, text, len, &data, st))) goto done;
    if (o->previous && (rc = nb_json_parse(prev_name, o->previous, o->previous_len, &prev, st)))
        goto done;
    if (!cJSON_IsObject(data.root)) {
        rc = nb_fail(st, NB_ERR_DATA, "%s: $: expected a JSON object (a report)", data_name);
        goto done;
    }
    /* The layout: given, or the default for the data's edition. */
    const cJSON *ed = cJSON_GetObjectItemCaseSensitive(data.root, "edition");
    char list[256];
    if (!cJSON_IsString(ed)) {
        if ((rc = editions_list(e, o->datadir, list, sizeof list, st))) goto done;
        rc = nb_fail(st, NB_ERR_DATA, "%s: $.edition: %s (expected %s)", data_name,
                     ed ? "not a string" : "missing", list);
        goto done;
    }
    char layout_path[4096], base_dir[4096];
    if (o->layout) {
        snprintf(layout_path, sizeof layout_path, "%s", o->layout_name ? o->layout_name : "layout");
        if (o->layout_name) {
            char copy[sizeof base_dir];
            snprintf(copy, sizeof copy, "%s", o->layout_name);
            snprintf(base_dir, sizeof base_dir, "%s", dirname(copy));
        } else {
            snprintf(base_dir, sizeof base_dir, "%s/layouts", o->datadir);
        }
    } else { /* the edition table says which layout prints the data's edition */
        const nb_editions *eds = NULL;
        if ((rc = nb_engine_editions(e, o->datadir, &eds, st))) goto done;
        const nb_edition *it = nb_editions_find(eds, ed->valuestring);
        if (!it) {
            nb_editions_list(eds, list, sizeof list);
            rc = nb_fail(st, NB_ERR_DATA,
                         "%s: $.edition: \"%s\" is not an edition of the template (expected %s)",
                         data_name, ed->valuestring, list);
            goto done;
        }
        snprintf(layout_path, sizeof layout_path, "%s/%s", eds->dir, it->layout);
    }
    const nb_layout_spec *spec = NULL;
    if ((rc = get_layout(e, layout_path, o->layout, o->layout_len, base_dir, &spec, st))) goto done;
    if (spec->edition && strcmp(spec->edition, ed->valuestring) != 0) {
        rc = nb_fail(st, NB_ERR_DATA,
                     "%s: $.edition is \"%s\" but the layout %s is for the %s edition; use a %s "
                     "layout (or none: the official one for the data's edition)",
                     data_name, ed->valuestring, layout_path, spec->edition, ed->valuestring);
        goto done;
    }
    S->load_ms = nb_now_ms() - t0;
    /* Check first. */
    double tc = nb_now_ms();
    /* A structurally broken report of last year is named as such, not as the data. */
    if (prev.root && (rc = nb_check_structure(prev.root, st))) {
        nb_status_prefix(st, "%s", prev_name);
        goto done;
    }
    /* the text too: how a count was written (3.0) is lost in the parsed tree */
    nb_check_opts copts = {text, len};
    if ((rc = nb_check_ex(data.root, prev.root, &copts, &findings, st))) {
        nb_status_prefix(st, "%s", data_name);
        goto done;
    }
    S->check_ms = nb_now_ms() - tc;
    S->checked = true;
    S->warnings = nb_findings_warnings(&findings);
    if (nb_findings_errors(&findings) && !o->force) {
        rc = nb_fail(st, NB_ERR_CHECK, "%s: %zu error(s) found by the checker; nothing rendered",
                     data_name, nb_findings_errors(&findings));
        goto done;
    }
    double tf = nb_now_ms();
    nb_fontset *fs = NULL;
    if ((rc = get_fonts(e, spec->fontmap, o, &fs, st))) goto done;
    S->fonts_ms = nb_now_ms() - tf;
    double faces0;
    nb_fontset_load_stats(fs, &faces0, NULL);
    nb_compose_opts co = {o->allow_missing_glyphs, o->notes, data_name};
    nb_compose_timing ct = {0};
    rc = nb_compose(spec, data.root, fs, &co, &layout, &ct, st);
    double faces1;
    nb_fontset_load_stats(fs, &faces1, NULL);
    S->faces_ms = faces1 - faces0;
    if (rc) goto done;
    S->shape_ms = ct.shape_ms;
    S->linebreak_ms = ct.linebreak_ms;
    S->paginate_ms = ct.paginate_ms;
    S->pages = layout.npages;
    if (o->dump) nb_layout_dump(&layout, o->dump);
    /* Metadata from the data; dates from the options, else the signing date, else (a report
     * without a signature) the end of the report year, 31 December 00:00 UTC of the data's
     * `year`: reproducible either way.  A layout naming no date field gets none. */
    nb_pdf_meta meta = {0};
    meta.title = meta_string(data.root, spec->meta_title);
    meta.author = meta_string(data.root, spec->meta_author);
    meta.subject = meta_string(data.root, spec->meta_subject);
    if ((rc = meta_fits(meta.title, spec->meta_title, data_name, st)) ||
        (rc = meta_fits(meta.author, spec->meta_author, data_name, st)) ||
        (rc = meta_fits(meta.subject, spec->meta_subject, data_name, st)))
        goto done;
    if (!meta.subject) { /* the edition table's default */
        const nb_editions *eds = NULL;
        if ((rc = nb_engine_editions(e, o->datadir, &eds, st))) goto done;
        meta.subject = eds->subject;
    }
    meta.creator = "nianbao " NIANBAO_VERSION;
    const char *ds = meta_string(data.root, spec->meta_date);
    if (o->date >= 0)
        meta.date = (time_t)o->date;
    else {
        bool dated = ds ? parse_date(ds, &meta.date)
                        : spec->meta_date != NULL && year_end(data.root, &meta.date);
        if (!dated) meta.date = NB_PDF_NO_DATE;
    }
    nb_pdf_opts po = {o->pdfa, true, true, o->threads};
    nb_pdf_timing pt = {0};
    if ((rc = nb_pdf_write(&layout, &meta, &po, out, &pt, st))) goto done;
    S->subset_ms = pt.subset_ms;
    S->write_ms = pt.write_ms;
    S->pdf_bytes = out->len;
done:
    S->total_ms = nb_now_ms() - t0;
    nb_layout_free(&layout);
    if (found)
        *found = findings;
    else
        nb_findings_free(&findings);
    nb_json_free(&data);
    nb_json_free(&prev);
    if (rc) nb_pdf_bytes_free(out);
    return rc;
}
