/* api.c — libnianbao's public interface (include/nianbao.h) over the internal modules.
 *
 * A nianbao_engine holds render.c's nb_engine (font sets and parsed layouts, kept between
 * runs), copies of its settings, and a batch's font preparation (prep.h).  Each run fills
 * a nianbao_result: the PDF bytes taken over from the writer; the findings written by
 * check.c's own printers, JSON and text, into memory (open_memstream), so that they are
 * exactly what `nianbao check` prints; the notes and the box dump that compose.c and box.c
 * write to a FILE *, likewise into memory; the timings.  Internal codes (status.h) become
 * the public ones in public_code.  Only what nianbao.h declares is exported (NIANBAO_API);
 * everything else of the library is built with hidden visibility.
 *
 * The default data folder is found from where the library itself was loaded (dladdr):
 * LIBDIR/NIANBAO_LIB_TO_DATA when it holds layouts/, else the installation folder the
 * build was configured for (NIANBAO_INSTALL_DATADIR).  Nothing here reads the environment.
 */
#define _GNU_SOURCE /* dladdr */
#include "nianbao.h"

#include <cjson/cJSON.h>
#include <dlfcn.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "clock.h"
#include "buf.h"
#include "catalog.h"
#include "init.h"
#include "jsonin.h"
#include "prep.h"
#include "render.h"
#include "status.h"

#ifndef NIANBAO_LIB_TO_DATA
#define NIANBAO_LIB_TO_DATA "../share/nianbao"
#endif
#ifndef NIANBAO_INSTALL_DATADIR
#define NIANBAO_INSTALL_DATADIR "/usr/local/share/nianbao"
#endif

/* The font roles a layout may use, in the order messages list them. */
static const char *const ROLES[] = {"title", "body", "heading1", "heading2", "table", "pagenum"};
enum { NROLES = sizeof ROLES / sizeof *ROLES };

struct nianbao_engine {
    nb_engine *core;
    char *datadir;
    int threads;
    char *fonts[NROLES]; /* "role=font" per role, or NULL */
    long long date;      /* < 0: from the data */
    bool pdfa, force, allow_missing, notes, dump;
    char *data_name, *layout_name;
    char *previous, *previous_name; /* previous: previous_len bytes, or NULL */
    size_t previous_len;
    nb_prep prep;
    nb_lang lang; /* of every message of its runs (nianbao_options.language) */
    char error[NB_STATUS_MSG_MAX];
};

enum { T_TOTAL, T_READ, T_FONTS, T_CHECK, T_SHAPE, T_LINEBREAK, T_PAGINATE, T_SUBSET, T_WRITE, NT };
static const char *const STAGES[NT] = {"total",     "read",     "fonts",  "check", "shape",
                                       "linebreak", "paginate", "subset", "write"};

struct nianbao_result {
    int status;
    unsigned char *pdf;
    size_t pdf_len;
    char *findings_json, *findings_text, *notes, *dump, *data; /* NULL reads as "" */
    size_t errors, warnings, pages;
    double times[NT];
    char error[NB_STATUS_MSG_MAX];
};

/* ---- helpers ------------------------------------------------------------------------- */

static int public_code(nb_code c)
{
    switch (c) {
    case NB_OK:
        return NIANBAO_OK;
    case NB_ERR_CHECK:
        return NIANBAO_ERR_CHECK;
    case NB_ERR_IO:
    case NB_ERR_JSON:
    case NB_ERR_DATA:
    case NB_ERR_LAYOUT:
    case NB_ERR_LIMIT:
        return NIANBAO_ERR_INPUT;
    case NB_ERR_FONT:
        return NIANBAO_ERR_FONT;
    case NB_ERR_USAGE:
        return NIANBAO_ERR_USAGE;
    case NB_ERR_NOMEM:
        return NIANBAO_ERR_NOMEM;
    case NB_ERR_PDF:
    case NB_ERR_INTERNAL: /* a fault of ours, not of the input */
        break;
    }
    return NIANBAO_ERR_INTERNAL;
}

/* A copy of s (NULL stays NULL); *ok turns false when memory ran out. */
static char *copy_or_null(const char *s, bool *ok)
{
    if (!s) return NULL;
    char *d = strdup(s);
    if (!d) *ok = false;
    return d;
}

static int engine_fail(nianbao_engine *e, int code, const char *fmt, const char *arg)
{
    snprintf(e->error, sizeof e->error, nb_catalog_lookup(e->lang, fmt), arg);
    return code;
}

static bool is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* The data folder installed with the library (see the header comment); malloc'd. */
static char *default_datadir(void)
{
    Dl_info info;
    if (dladdr((void *)&nianbao_version, &info) && info.dli_fname && strchr(info.dli_fname, '/')) {
        char *lib = strdup(info.dli_fname);
        size_t need = lib ? strlen(lib) + sizeof NIANBAO_LIB_TO_DATA + sizeof "/layouts" + 2 : 0;
        char *dir = lib ? malloc(need) : NULL;
        if (dir) {
            snprintf(dir, need, "%s/%s/layouts", dirname(lib), NIANBAO_LIB_TO_DATA);
            bool found = is_dir(dir);
            dir[strlen(dir) - strlen("/layouts")] = '\0';
            char *real = found ? realpath(dir, NULL) : NULL; /* without the "lib/../" */
            if (real) {
                free(dir);
                free(lib);
                return real;
            }
        }
        free(dir);
        free(lib);
    }
    return strdup(NIANBAO_INSTALL_DATADIR);
}

/* ---- engine -------------------------------------------------------------------------- */

const char *nianbao_version(void)
{
    return NIANBAO_VERSION;
}

void nianbao_options_init(nianbao_options *opts)
{
    if (!opts) return;
    memset(opts, 0, sizeof *opts);
}

nianbao_engine *nianbao_engine_new(const nianbao_options *opts)
{
    nianbao_engine *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->core = nb_engine_new();
    e->datadir = opts && opts->datadir ? strdup(opts->datadir) : default_datadir();
    if (!e->core || !e->datadir) {
        nb_engine_free(e->core);
        free(e->datadir);
        free(e);
        return NULL;
    }
    e->threads = opts && opts->threads > 0 ? opts->threads : 0;
    e->lang = nb_lang_from_name(opts ? opts->language : NULL);
    e->date = -1;
    e->pdfa = true;
    nb_prep_init(&e->prep);
    return e;
}

void nianbao_engine_free(nianbao_engine *e)
{
    if (!e) return;
    nb_prep_free(&e->prep); /* before the fonts it works on */
    nb_engine_free(e->core);
    free(e->datadir);
    for (int i = 0; i < NROLES; i++)
        free(e->fonts[i]);
    free(e->data_name);
    free(e->layout_name);
    free(e->previous);
    free(e->previous_name);
    free(e);
}

int nianbao_engine_set_font(nianbao_engine *e, const char *role, const char *font)
{
    if (!e) return NIANBAO_ERR_USAGE;
    int r = 0;
    while (r < NROLES && !(role && strcmp(role, ROLES[r]) == 0))
        r++;
    if (r == NROLES)
        return engine_fail(e, NIANBAO_ERR_USAGE,
                           "font role '%s' unknown: the roles are title, body, heading1, "
                           "heading2, table and pagenum",
                           role ? role : "(null)");
    if (font && !*font)
        return engine_fail(e, NIANBAO_ERR_USAGE, "font for role '%s': empty name", role);
    char *s = NULL;
    if (font) {
        size_t need = strlen(role) + strlen(font) + 2;
        if (!(s = malloc(need))) return engine_fail(e, NIANBAO_ERR_NOMEM, "out of memory", NULL);
        snprintf(s, need, "%s=%s", role, font);
    }
    free(e->fonts[r]);
    e->fonts[r] = s;
    e->error[0] = '\0';
    return NIANBAO_OK;
}

void nianbao_engine_set_date(nianbao_engine *e, int64_t seconds)
{
    if (e) e->date = seconds < 0 ? -1 : (long long)seconds;
}

void nianbao_engine_set_pdfa(nianbao_engine *e, int on)
{
    if (e) e->pdfa = on != 0;
}

void nianbao_engine_set_force(nianbao_engine *e, int on)
{
    if (e) e->force = on != 0;
}

void nianbao_engine_set_allow_missing_glyphs(nianbao_engine *e, int on)
{
    if (e) e->allow_missing = on != 0;
}

void nianbao_engine_set_notes(nianbao_engine *e, int on)
{
    if (e) e->notes = on != 0;
}

void nianbao_engine_set_dump(nianbao_engine *e, int on)
{
    if (e) e->dump = on != 0;
}

int nianbao_engine_set_names(nianbao_engine *e, const char *data_name, const char *layout_name)
{
    if (!e) return NIANBAO_ERR_USAGE;
    bool ok = true;
    char *d = copy_or_null(data_name, &ok), *l = copy_or_null(layout_name, &ok);
    if (!ok) {
        free(d);
        free(l);
        return engine_fail(e, NIANBAO_ERR_NOMEM, "out of memory", NULL);
    }
    free(e->data_name);
    free(e->layout_name);
    e->data_name = d;
    e->layout_name = l;
    e->error[0] = '\0';
    return NIANBAO_OK;
}

int nianbao_engine_set_previous(nianbao_engine *e, const char *previous, size_t previous_len,
                                const char *name)
{
    if (!e) return NIANBAO_ERR_USAGE;
    char *p = NULL;
    bool ok = true;
    char *n = copy_or_null(name, &ok);
    if (previous && ok) {
        p = malloc(previous_len ? previous_len : 1);
        if (p)
            memcpy(p, previous, previous_len);
        else
            ok = false;
    }
    if (!ok) {
        free(p);
        free(n);
        return engine_fail(e, NIANBAO_ERR_NOMEM, "out of memory", NULL);
    }
    free(e->previous);
    free(e->previous_name);
    e->previous = p;
    e->previous_len = p ? previous_len : 0;
    e->previous_name = n;
    e->error[0] = '\0';
    return NIANBAO_OK;
}

int nianbao_engine_set_batch(nianbao_engine *e, size_t runs, nianbao_preprocess preprocess)
{
    if (!e) return NIANBAO_ERR_USAGE;
    nb_prep_mode mode;
    switch (preprocess) {
    case NIANBAO_PREPROCESS_AUTO:
        mode = NB_PREP_AUTO;
        break;
    case NIANBAO_PREPROCESS_ALWAYS:
        mode = NB_PREP_ALWAYS;
        break;
    case NIANBAO_PREPROCESS_NEVER:
        mode = NB_PREP_NEVER;
        break;
    default:
        return engine_fail(e, NIANBAO_ERR_USAGE, "%s",
                           "batch: preprocess is NIANBAO_PREPROCESS_AUTO, _ALWAYS or _NEVER");
    }
    nb_prep_start(&e->prep, runs, mode);
    e->error[0] = '\0';
    return NIANBAO_OK;
}

int nianbao_engine_busy(const nianbao_engine *e)
{
    return e && nb_prep_busy(&e->prep);
}

const char *nianbao_engine_error(const nianbao_engine *e)
{
    return e ? e->error : "";
}

/* ---- running ------------------------------------------------------------------------- */

/* What a run writes into memory streams: each is NULL when not wanted. */
typedef struct sink {
    FILE *f;
    char *buf;
    size_t len;
} sink;

static bool sink_open(sink *s)
{
    s->buf = NULL;
    s->len = 0;
    s->f = open_memstream(&s->buf, &s->len);
    return s->f != NULL;
}

/* Closes the stream, if open, and frees its text. */
static void sink_drop(sink *s)
{
    if (s->f) fclose(s->f);
    free(s->buf);
    *s = (sink){0};
}

/* Opens the two streams wanted of a run (a: when want_a, b: when want_b); false, with
 * neither left open, when memory ran out. */
static bool sinks_open(sink *a, bool want_a, sink *b, bool want_b)
{
    *a = *b = (sink){0};
    if ((!want_a || sink_open(a)) && (!want_b || sink_open(b))) return true;
    sink_drop(a);
    sink_drop(b);
    return false;
}

/* Closes the stream; its text (NULL when empty or on failure) moves to *out. */
static bool sink_close(sink *s, char **out)
{
    bool ok = true;
    if (s->f) ok = fclose(s->f) == 0;
    s->f = NULL;
    if (ok && s->buf && s->len) {
        *out = s->buf;
    } else {
        free(s->buf);
        if (!ok) return false;
    }
    s->buf = NULL;
    return true;
}

/* The findings as JSON and as text, named `file`. */
static bool put_findings(nianbao_result *r, const nb_findings *f, const char *file)
{
    sink j, t;
    if (!sinks_open(&j, true, &t, true)) return false;
    nb_findings_print_json(f, file, j.f);
    nb_findings_print(f, file, t.f);
    bool ok = sink_close(&j, &r->findings_json);
    ok = sink_close(&t, &r->findings_text) && ok;
    r->errors = nb_findings_errors(f);
    r->warnings = nb_findings_warnings(f);
    return ok;
}

static int result_fail(nianbao_result *r, int code, const char *msg)
{
    r->status = code;
    snprintf(r->error, sizeof r->error, "%s", msg);
    return code;
}

/* Ends a run: the status and message from `st`. */
static int result_end(nianbao_result *r, const nb_status *st)
{
    if (st->code == NB_OK) return r->status = NIANBAO_OK;
    return result_fail(r, public_code(st->code), st->msg);
}

/* The start of every run of the entry point `fn`: a new result in *out, the engine given,
 * and the data too where the entry point takes some (`takes_data`); *st a fresh status in
 * the engine's language.  NIANBAO_OK, or the code the entry point returns at once: the
 * result says why, except when out is NULL (NIANBAO_ERR_USAGE) or there was no memory for
 * the result (NIANBAO_ERR_NOMEM, *out NULL). */
static int run_start(const char *fn, const nianbao_engine *e, bool takes_data, const char *data,
                     nianbao_result **out, nb_status *st)
{
    if (!out) return NIANBAO_ERR_USAGE;
    nianbao_result *r = *out = calloc(1, sizeof *r);
    if (!r) return NIANBAO_ERR_NOMEM;
    if (!e || (takes_data && !data)) {
        char msg[64];
        snprintf(msg, sizeof msg, "%s: no %s (NULL)", fn, e ? "data" : "engine");
        return result_fail(r, NIANBAO_ERR_USAGE, msg);
    }
    *st = (nb_status)NB_STATUS_INIT;
    st->lang = e->lang;
    return NIANBAO_OK;
}

/* The names of the data and of last year's report in messages and findings. */
static const char *data_name(const nianbao_engine *e)
{
    return e->data_name ? e->data_name : "data";
}

static const char *previous_name(const nianbao_engine *e)
{
    return e->previous_name ? e->previous_name : "last year's report";
}

/* Parses the report `text` (len bytes) named `name` into *doc and checks what a run needs
 * of it: a report's structure when `structure` (nb_check_structure; the check), else only
 * that it is a JSON object (init).  Each document is read and checked on its own, so that
 * a failure names the document at fault. */
static nb_code read_report(const char *name, const char *text, size_t len, bool structure,
                           nb_json_doc *doc, nb_status *st)
{
    if (nb_json_parse(name, text, len, doc, st)) return st->code;
    if (!structure && !cJSON_IsObject(doc->root))
        return nb_fail(st, NB_ERR_DATA, "%s: $: expected a JSON object (a report)", name);
    if (structure && nb_check_structure(doc->root, st)) nb_status_prefix(st, "%s", name);
    return st->code;
}

/* Last year's report, when the engine has one (nianbao_engine_set_previous), as
 * read_report reads it; *doc stays empty when there is none. */
static nb_code read_previous(const nianbao_engine *e, bool structure, nb_json_doc *doc,
                             nb_status *st)
{
    if (!e->previous) return NB_OK;
    return read_report(previous_name(e), e->previous, e->previous_len, structure, doc, st);
}

/* A render's options from the engine's settings; `fonts` (NROLES entries) holds the font
 * overrides the options point to. */
static void render_opts(const nianbao_engine *e, nb_render_opts *o, const char *fonts[NROLES])
{
    nb_render_opts_init(o);
    o->data_name = e->data_name;
    o->layout_name = e->layout_name;
    o->previous = e->previous;
    o->previous_len = e->previous_len;
    o->previous_name = e->previous_name;
    o->datadir = e->datadir;
    o->force = e->force;
    o->pdfa = e->pdfa;
    o->allow_missing_glyphs = e->allow_missing;
    o->subset_reuse = true; /* warm: a glyph set subset before is not subset again */
    size_t nfonts = 0;
    for (int i = 0; i < NROLES; i++)
        if (e->fonts[i]) fonts[nfonts++] = e->fonts[i];
    o->font_overrides = fonts;
    o->nfont_overrides = nfonts;
    o->date = e->date;
    o->threads = e->threads;
}

/* A render's timings, by the stages nianbao_result_time names. */
static void put_times(nianbao_result *r, const nb_render_stats *S)
{
    r->times[T_TOTAL] = S->total_ms;
    r->times[T_READ] = S->load_ms;
    r->times[T_FONTS] = S->fonts_ms + S->faces_ms;
    r->times[T_CHECK] = S->check_ms;
    r->times[T_SHAPE] = S->shape_ms > S->faces_ms ? S->shape_ms - S->faces_ms : 0;
    r->times[T_LINEBREAK] = S->linebreak_ms;
    r->times[T_PAGINATE] = S->paginate_ms;
    r->times[T_SUBSET] = S->subset_ms;
    r->times[T_WRITE] = S->write_ms > S->subset_ms ? S->write_ms - S->subset_ms : 0;
}

int nianbao_render(nianbao_engine *e, const char *data, size_t data_len, const char *layout,
                   size_t layout_len, nianbao_result **out)
{
    nb_status st;
    int rc = run_start("nianbao_render", e, true, data, out, &st);
    if (rc) return rc;
    nianbao_result *r = *out;
    sink notes, dump;
    if (!sinks_open(&notes, e->notes || e->allow_missing, &dump, e->dump))
        return result_fail(r, NIANBAO_ERR_NOMEM, "out of memory");
    const char *fonts[NROLES];
    nb_render_opts o;
    render_opts(e, &o, fonts);
    o.layout = layout;
    o.layout_len = layout ? layout_len : 0;
    o.notes = notes.f;
    o.dump = dump.f;
    nb_prep_before_run(&e->prep, e->notes ? notes.f : NULL);
    nb_pdf_bytes pdf;
    nb_findings f;
    nb_render_stats S;
    nb_render_mem(e->core, data, data_len, &o, &pdf, &f, &S, &st);
    nb_prep_after_run(&e->prep, e->core, st.code == NB_OK, e->notes ? notes.f : NULL);
    bool ok = !S.checked || put_findings(r, &f, data_name(e));
    nb_findings_free(&f);
    ok = sink_close(&notes, &r->notes) && ok;
    ok = sink_close(&dump, &r->dump) && ok;
    put_times(r, &S);
    if (!ok) nb_fail(&st, NB_ERR_NOMEM, "out of memory");
    if (st.code == NB_OK) { /* the PDF is the result's */
        r->pdf = pdf.data;
        r->pdf_len = pdf.len;
        r->pages = pdf.data ? S.pages : 0;
    } else {
        nb_pdf_bytes_free(&pdf);
    }
    return result_end(r, &st);
}

int nianbao_check(nianbao_engine *e, const char *data, size_t len, nianbao_result **out)
{
    nb_status st;
    int rc = run_start("nianbao_check", e, true, data, out, &st);
    if (rc) return rc;
    nianbao_result *r = *out;
    double t0 = nb_now_ms();
    nb_json_doc d = {0}, p = {0};
    nb_findings f = {0};
    if (read_report(data_name(e), data, len, true, &d, &st) || read_previous(e, true, &p, &st))
        goto done;
    r->times[T_READ] = nb_now_ms() - t0;
    double tc = nb_now_ms();
    nb_check_opts copts = {data, len}; /* how each count was written */
    if (nb_check_ex(d.root, p.root, &copts, &f, &st)) {
        if (st.code == NB_ERR_DATA) nb_status_prefix(&st, "%s", data_name(e));
        goto done;
    }
    r->times[T_CHECK] = nb_now_ms() - tc;
    if (!put_findings(r, &f, data_name(e))) nb_fail(&st, NB_ERR_NOMEM, "out of memory");
done:
    r->times[T_TOTAL] = nb_now_ms() - t0;
    nb_findings_free(&f);
    nb_json_free(&d);
    nb_json_free(&p);
    return result_end(r, &st);
}

int nianbao_init(nianbao_engine *e, const char *edition, int year, const char *body,
                 nianbao_result **out)
{
    nb_status st;
    int rc = run_start("nianbao_init", e, false, NULL, out, &st);
    if (rc) return rc;
    nianbao_result *r = *out;
    double t0 = nb_now_ms();
    const nb_editions *table = NULL;
    nb_json_doc prev = {0};
    nb_buf text = {0};
    if (nb_engine_editions(e->core, e->datadir, &table, &st) || read_previous(e, false, &prev, &st))
        goto done;
    nb_init_opts o = {edition, year, body, prev.root, previous_name(e)};
    if (nb_init_make(table, &o, &text, &st)) goto done;
    r->data = text.p; /* taken over */
    text.p = NULL;
done:
    r->times[T_TOTAL] = nb_now_ms() - t0;
    nb_buf_free(&text);
    nb_json_free(&prev);
    return result_end(r, &st);
}

/* ---- results ------------------------------------------------------------------------- */

static const char *text_of(const char *s)
{
    return s ? s : "";
}

int nianbao_result_status(const nianbao_result *r)
{
    return r ? r->status : NIANBAO_ERR_USAGE;
}

const unsigned char *nianbao_result_pdf(const nianbao_result *r, size_t *len)
{
    if (len) *len = r ? r->pdf_len : 0;
    return r ? r->pdf : NULL;
}

const char *nianbao_result_findings_json(const nianbao_result *r)
{
    return r ? text_of(r->findings_json) : "";
}

const char *nianbao_result_findings_text(const nianbao_result *r)
{
    return r ? text_of(r->findings_text) : "";
}

size_t nianbao_result_errors(const nianbao_result *r)
{
    return r ? r->errors : 0;
}

size_t nianbao_result_warnings(const nianbao_result *r)
{
    return r ? r->warnings : 0;
}

const char *nianbao_result_error(const nianbao_result *r)
{
    return r ? r->error : "";
}

const char *nianbao_result_notes(const nianbao_result *r)
{
    return r ? text_of(r->notes) : "";
}

const char *nianbao_result_data(const nianbao_result *r)
{
    return r ? text_of(r->data) : "";
}

const char *nianbao_result_dump(const nianbao_result *r)
{
    return r ? text_of(r->dump) : "";
}

size_t nianbao_result_pages(const nianbao_result *r)
{
    return r ? r->pages : 0;
}

double nianbao_result_time(const nianbao_result *r, const char *stage)
{
    for (int i = 0; r && stage && i < NT; i++)
        if (strcmp(stage, STAGES[i]) == 0) return r->times[i];
    return -1;
}

void nianbao_result_free(nianbao_result *r)
{
    if (!r) return;
    free(r->pdf);
    free(r->findings_json);
    free(r->findings_text);
    free(r->notes);
    free(r->dump);
    free(r->data);
    free(r);
}
