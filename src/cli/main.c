/* main.c — the nianbao command: render, check, init, serve.
 *
 * A thin client of libnianbao's public interface (nianbao.h): it parses the command line,
 * reads the input files (files.h), sets up an engine, prints the findings, notes and
 * messages the library returns, and writes the PDF and box dump safely.  What belongs to
 * the program and not the library lives here: the environment (NIANBAO_DATADIR,
 * SOURCE_DATE_EPOCH, NIANBAO_HUGEPAGES), the data folder of an installed or a build-tree
 * nianbao, malloc's set-up (heap.h), batches and their worker processes (batch.h), exit
 * statuses.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "files.h"
#include "heap.h"
#include "i18n.h"
#include "nianbao.h"

static const char *const usage_main =
    N_("usage: nianbao <command> [options]\n"
       "\n"
       "Typesets a government body's annual report on information disclosure\n"
       "(政府信息公开工作年度报告) from its data into a print-ready A4 PDF.\n"
       "\n"
       "commands:\n"
       "  render DATA.json -o OUT.pdf   check the data, lay it out, write the PDF\n"
       "  init --edition E --year Y -o FILE   a blank report to fill in (or next year's)\n"
       "  check DATA.json               check the tables' arithmetic and the data's values\n"
       "  serve [--listen ADDR:PORT]    the report editor in the browser (http://127.0.0.1:8080/)\n"
       "\n"
       "  nianbao render --help, nianbao check --help, nianbao init --help,\n"
       "  nianbao serve --help for their options.\n"
       "  nianbao --version\n"
       "\n"
       "environment:\n"
       "  NIANBAO_DATADIR     folder of the layouts and the font map (default: the one installed\n"
       "                      with nianbao, PREFIX/share/nianbao)\n"
       "  SOURCE_DATE_EPOCH   the PDF's date, in seconds since 1970 (default: the signing date)\n");

static const char *const usage_render = N_(
    "usage: nianbao render DATA.json [--layout FILE] [-o OUT.pdf] [options]\n"
    "       nianbao render --batch DIR|LIST -o OUTDIR [-j N] [options]\n"
    "\n"
    "  -o, --output FILE        the PDF to write (default: DATA.pdf beside DATA.json; \"-\" =\n"
    "                           standard output, not a terminal); written only when\n"
    "                           everything succeeded, an earlier file is otherwise untouched\n"
    "  --layout FILE            layout description (default: the one layouts/editions.json\n"
    "                           names for the data's \"edition\")\n"
    "  --previous FILE          last year's report, for the cross-year checks\n"
    "  --force                  render even when the checker finds errors\n"
    "  --no-pdfa                plain PDF instead of PDF/A-1b\n"
    "  --date-now               date the PDF now (default: the signing date, or\n"
    "                           SOURCE_DATE_EPOCH when set, so output is reproducible)\n"
    "  --font ROLE=FILE|FAMILY  use this font for a role (title, body, heading1, heading2,\n"
    "                           table, pagenum), e.g. --font body=/fonts/仿宋_GB2312.ttf\n"
    "  --allow-missing-glyphs   draw a missing character as a box instead of failing\n"
    "  --dump FILE              also write the laid-out boxes as text (for tests)\n"
    "  --batch DIR|LIST         render every *.json in DIR, or every path listed in LIST\n"
    "  -j N                     batch: N worker processes (default 1)\n"
    "  --format text|json       batch: each file's findings and a line \"FILE: N errors,\n"
    "                           M warnings\" on standard error (text, the default), or one\n"
    "                           JSON document of the whole batch on standard output\n"
    "  --preprocess-fonts WHEN  batch: prepare faces for fast subsetting (about 0.5 s and\n"
    "                           140 MB per face, once): auto (when the files left make it\n"
    "                           pay, the default), always, never; same output either way\n"
    "  -q, --quiet              no warnings\n"
    "  -v, --verbose            notes on font fallback\n"
    "\n"
    "Exit status: 0 written; 1 the checker found errors; 2 bad input or usage; 3 other failure.\n");

static const char *const usage_check = N_(
    "usage: nianbao check DATA.json [--previous LAST_YEAR.json] [--format text|json]\n"
    "\n"
    "Checks every rule the official template implies (勾稽关系): table sums and totals,\n"
    "value types, the signing date, and with --previous the cross-year carry-over.\n"
    "With --format json an input that cannot be checked also gives a JSON document:\n"
    "{\"file\", \"error\": {\"code\", \"message\"}, \"findings\": [], \"errors\": 0, \"warnings\": "
    "0}.\n"
    "Exit status: 0 clean or only warnings; 1 errors found; 2 the input cannot be read;\n"
    "3 other failure (out of memory, an internal error).\n");

static const char *const usage_init =
    N_("usage: nianbao init --edition EDITION --year YEAR [--body NAME] -o FILE [--force]\n"
       "       nianbao init --from LAST_YEAR.json [--year YEAR] [--body NAME] -o FILE [--force]\n"
       "\n"
       "Writes a report to start from: every key of the edition's template, the counts and\n"
       "amounts blank (null) to be filled in, the usual sentences with 【请填写…】 where the\n"
       "office writes its own words.  `nianbao check FILE` then lists every cell still blank.\n"
       "\n"
       "  --edition EDITION   the template's edition: 2019 or 2021 (default: the edition of\n"
       "                      the report year)\n"
       "  --year YEAR         the report year (default with --from: the year after it)\n"
       "  --body NAME         the body issuing the report, e.g. 某某县某某局 (default with\n"
       "                      --from: last year's body)\n"
       "  --from FILE         last year's report: the body, the headings, 四、结转下年度继续办理\n"
       "                      as 二、上年结转 and table A's starting figures carry over\n"
       "  -o, --output FILE   the report data to write (\"-\" = standard output)\n"
       "  --force             replace FILE when it exists\n"
       "\n"
       "Exit status: 0 written; 2 bad usage, an edition not for that year, or a file that\n"
       "cannot be read or written; 3 other failure.\n");

enum { MSG = 5300 };

/* Exit status for a library return code: 0 written, 1 the checker found errors, 2 bad
 * input or usage, 3 other failure. */
static int exit_code(int rc)
{
    switch (rc) {
    case NIANBAO_OK:
        return 0;
    case NIANBAO_ERR_CHECK:
        return 1;
    case NIANBAO_ERR_INPUT:
    case NIANBAO_ERR_FONT:
    case NIANBAO_ERR_USAGE:
        return 2;
    case NIANBAO_ERR_NOMEM:
    case NIANBAO_ERR_INTERNAL: /* no fault of the input */
    default:
        return 3;
    }
}

static int fail_usage(const char *msg, const char *arg)
{
    fprintf(stderr, "nianbao: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    return 2;
}

static int fail_msg(int rc, const char *msg)
{
    fprintf(stderr, "nianbao: %s\n", msg);
    return rc;
}

/* An engine on the data folder; NULL (after a message) when out of memory. */
static nianbao_engine *new_engine(int threads)
{
    char *datadir = cli_datadir();
    nianbao_options opts;
    nianbao_options_init(&opts);
    opts.datadir = datadir;
    opts.threads = threads;
    opts.language = cli_language();
    nianbao_engine *e = datadir ? nianbao_engine_new(&opts) : NULL;
    free(datadir);
    if (!e) fprintf(stderr, _("nianbao: out of memory\n"));
    return e;
}

/* Writes `s` as a JSON string (quoted, escaped) to `f`. */
static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* check --format json when the input cannot be checked: the same document as the
 * findings, with the failure as "error" ({"code", "message"}), so that a program reading
 * it never parses a message.  `code`: "file" (an input cannot be read), "input" (the data
 * or last year's report is malformed or wrong), "font", "usage", "nomem", "internal". */
static void check_error_json(const char *file, const char *code, const char *message)
{
    fputs("{\"file\": ", stdout);
    json_string(stdout, file);
    fputs(", \"error\": {\"code\": ", stdout);
    json_string(stdout, code);
    fputs(", \"message\": ", stdout);
    json_string(stdout, message);
    fputs("}, \"findings\": [], \"errors\": 0, \"warnings\": 0}\n", stdout);
}

/* The "code" of check_error_json for a library return code. */
static const char *error_code(int rc)
{
    switch (rc) {
    case NIANBAO_ERR_INPUT:
    case NIANBAO_ERR_CHECK:
        return "input";
    case NIANBAO_ERR_FONT:
        return "font";
    case NIANBAO_ERR_USAGE:
        return "usage";
    case NIANBAO_ERR_NOMEM:
        return "nomem";
    default:
        return "internal";
    }
}

/* Reads last year's report (--previous, --from) and gives it to the engine under the name
 * messages use for it.  0, or the exit status after the message is put in `err` and the
 * kind of failure in *code (as check_error_json names it). */
static int set_previous(nianbao_engine *e, const char *path, char *err, size_t errlen,
                        const char **code)
{
    char prefix[4200], msg[MSG - 64];
    snprintf(prefix, sizeof prefix, _("last year's report (--previous): %s"), path);
    char *text;
    size_t len;
    int rc = cli_read_input(path, &text, &len, msg, sizeof msg);
    if (rc) {
        *code = rc == 3 ? "nomem" : "file";
        snprintf(err, errlen, _("last year's report (--previous): %s"), msg);
        return rc;
    }
    rc = nianbao_engine_set_previous(e, text, len, prefix);
    free(text);
    if (rc) *code = error_code(rc);
    if (rc) snprintf(err, errlen, "%s", nianbao_engine_error(e));
    return rc ? exit_code(rc) : 0;
}

/* nianbao check: exit 0 clean or only warnings, 1 errors found, 2 an input cannot be read
 * (missing file, bad JSON, structurally broken: the message names the file at fault), 3 out
 * of memory or an internal error. */
static int cmd_check(int argc, char **argv)
{
    const char *data = NULL, *previous = NULL, *format = "text";
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(_(usage_check), stdout);
            return 0;
        } else if (!strcmp(a, "--previous") && i + 1 < argc)
            previous = argv[++i];
        else if (!strcmp(a, "--format") && i + 1 < argc)
            format = argv[++i];
        else if (a[0] == '-' && a[1])
            return fail_usage(_("check: unknown option or missing value"), a);
        else if (!data)
            data = a;
        else
            return fail_usage(_("check: more than one data file"), a);
    }
    if (!data) return fail_usage(_("check: no data file given (nianbao check --help)"), NULL);
    if (strcmp(format, "text") && strcmp(format, "json"))
        return fail_usage(_("check: --format takes text or json"), format);
    bool json = !strcmp(format, "json");
    char msg[MSG];
    char *text = NULL;
    size_t len;
    int rc = cli_read_input(data, &text, &len, msg, sizeof msg);
    if (rc) {
        if (json) check_error_json(data, rc == 3 ? "nomem" : "file", msg);
        return fail_msg(rc, msg);
    }
    nianbao_engine *e = new_engine(0);
    nianbao_result *r = NULL;
    const char *code = NULL; /* set when the check could not run */
    if (!e) {
        rc = 3;
        code = "nomem";
        snprintf(msg, sizeof msg, "%s", _("out of memory"));
    } else if (nianbao_engine_set_names(e, data, NULL)) {
        rc = 3;
        code = "nomem";
        snprintf(msg, sizeof msg, "%s", nianbao_engine_error(e));
    } else if (previous && (rc = set_previous(e, previous, msg, sizeof msg, &code))) {
        if (rc == 3) code = "nomem";
    } else {
        int got = nianbao_check(e, text, len, &r);
        if (got == NIANBAO_OK) {
            fputs(json ? nianbao_result_findings_json(r) : nianbao_result_findings_text(r), stdout);
            rc = nianbao_result_errors(r) ? 1 : 0;
        } else {
            rc = r ? exit_code(got) : 3;
            code = r ? error_code(got) : "nomem";
            snprintf(msg, sizeof msg, "%s", r ? nianbao_result_error(r) : _("out of memory"));
        }
    }
    if (code) {
        if (json) check_error_json(data, code, msg);
        fail_msg(rc, msg);
    }
    nianbao_result_free(r);
    nianbao_engine_free(e);
    free(text);
    return rc;
}

/* "--year Y": a year of four digits; anything else becomes 0, which is refused. */
static int parse_year(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1000 || v > 9999) return 0;
    return (int)v;
}

/* nianbao init: writes the blank report (or next year's, with --from) the library makes. */
static int cmd_init(int argc, char **argv)
{
    const char *edition = NULL, *body = NULL, *from = NULL, *out = NULL, *year_arg = NULL;
    bool force = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(_(usage_init), stdout);
            return 0;
        } else if (!strcmp(a, "--edition") && has)
            edition = argv[++i];
        else if (!strcmp(a, "--year") && has)
            year_arg = argv[++i];
        else if (!strcmp(a, "--body") && has)
            body = argv[++i];
        else if (!strcmp(a, "--from") && has)
            from = argv[++i];
        else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && has)
            out = argv[++i];
        else if (!strcmp(a, "--force"))
            force = true;
        else if (a[0] == '-' && a[1])
            return fail_usage(_("init: unknown option or missing value"), a);
        else
            return fail_usage(_("init: unexpected argument (last year's report is given with "
                                "--from)"),
                              a);
    }
    int year = 0;
    if (year_arg && !(year = parse_year(year_arg)))
        return fail_usage(_("init: --year takes a year such as 2024"), year_arg);
    if (!out)
        return fail_usage(_("init: no output given (-o FILE, or -o - for standard output)"), NULL);
    if (!year && !from)
        return fail_usage(_("init: no report year given (--year YEAR, or --from LAST_YEAR.json)"),
                          NULL);
    if (body && !*body) return fail_usage(_("init: --body is empty"), NULL);
    char msg[MSG];
    const char *inputs[1] = {from};
    int rc = cli_output_check(out, inputs, from ? 1 : 0, msg, sizeof msg);
    if (rc) return fail_msg(rc, msg);
    struct stat sb;
    if (strcmp(out, "-") && !force && lstat(out, &sb) == 0) {
        fprintf(stderr, _("nianbao: init: %s exists; not replaced (use --force to replace it)\n"),
                out);
        return 2;
    }
    nianbao_engine *e = new_engine(0);
    if (!e) return 3;
    const char *code;
    if (from && (rc = set_previous(e, from, msg, sizeof msg, &code))) {
        fail_msg(rc, msg);
        nianbao_engine_free(e);
        return rc;
    }
    nianbao_result *r = NULL;
    int got = nianbao_init(e, edition, year, body, &r);
    if (got != NIANBAO_OK) {
        rc = fail_msg(exit_code(got), r ? nianbao_result_error(r) : _("out of memory"));
    } else {
        const char *data = nianbao_result_data(r);
        rc = cli_write_atomic(out, data, strlen(data), true, msg, sizeof msg);
        if (rc) fail_msg(rc, msg);
    }
    nianbao_result_free(r);
    nianbao_engine_free(e);
    return rc;
}

/* "-j N": 1 to 64; anything else (text, overflow) becomes 0, which is refused. */
static int parse_jobs(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > 64) return 0;
    return (int)v;
}

/* The PDF's date: SOURCE_DATE_EPOCH when set, else now with --date-now, else -1 (the
 * library dates it by the data).  2 after a message when the variable is not a number. */
static int pdf_date(bool date_now, long long *out)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    *out = -1;
    if (sde && *sde) {
        char *end;
        errno = 0;
        long long v = strtoll(sde, &end, 10);
        if (*end || v < 0 || errno) {
            fprintf(stderr, _("nianbao: SOURCE_DATE_EPOCH=%s: expected whole seconds since 1970\n"),
                    sde);
            return 2;
        }
        *out = v;
    } else if (date_now) {
        *out = (long long)time(NULL);
    }
    return 0;
}

/* Writes the box dump (--dump); 2 after a message when it cannot. */
static int write_dump(const char *path, const char *dump)
{
    struct stat ds;
    if (stat(path, &ds) == 0 && !S_ISREG(ds.st_mode)) {
        fprintf(stderr, _("nianbao: cannot write the box dump %s: not a regular file\n"), path);
        return 2;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, _("nianbao: cannot write the box dump %s\n"), path);
        return 2;
    }
    fputs(dump, f);
    if (fclose(f) != 0) {
        fprintf(stderr, _("nianbao: cannot write the box dump %s\n"), path);
        return 2;
    }
    return 0;
}

typedef struct render_args {
    const char *data, *out, *batch, *layout, *previous, *dump;
    const char **fonts; /* "ROLE=FONT" */
    size_t nfonts;
    int jobs;
    nianbao_preprocess prep;
    bool force, date_now, no_pdfa, allow_missing, quiet, verbose, json;
} render_args;

/* The engine's settings from the command line; 0, or the exit status after a message. */
static int configure(nianbao_engine *e, const render_args *a)
{
    for (size_t i = 0; i < a->nfonts; i++) {
        const char *ov = a->fonts[i], *eq = strchr(ov, '=');
        if (!eq || eq == ov || !eq[1]) {
            fprintf(stderr, _("nianbao: --font %s: expected ROLE=FILE or ROLE=FAMILY\n"), ov);
            return 2;
        }
        char role[64];
        snprintf(role, sizeof role, "%.*s", (int)(eq - ov), ov);
        int rc = nianbao_engine_set_font(e, role, eq + 1);
        if (rc) {
            fprintf(stderr, _("nianbao: --font %s: %s\n"), ov, nianbao_engine_error(e));
            return exit_code(rc);
        }
    }
    long long date;
    int rc = pdf_date(a->date_now, &date);
    if (rc) return rc;
    nianbao_engine_set_date(e, date);
    nianbao_engine_set_pdfa(e, !a->no_pdfa);
    nianbao_engine_set_force(e, a->force);
    nianbao_engine_set_allow_missing_glyphs(e, a->allow_missing);
    nianbao_engine_set_notes(e, a->verbose);
    nianbao_engine_set_dump(e, a->dump != NULL);
    char msg[MSG];
    const char *code;
    if (a->previous && (rc = set_previous(e, a->previous, msg, sizeof msg, &code)))
        return fail_msg(rc, msg);
    return 0;
}

/* One report: read, render, print what the library says, write the dump and the PDF. */
static int render_single(nianbao_engine *e, const render_args *a, const char *layout,
                         size_t layout_len)
{
    /* The inputs are never overwritten: refused before any work, and again at the write. */
    const char *inputs[4] = {a->data, a->layout, a->previous, a->dump};
    char msg[MSG] = "";
    int rc = cli_output_check(a->out, inputs, 4, msg, sizeof msg);
    if (rc) return fail_msg(rc, msg);
    char *text;
    size_t len;
    if ((rc = cli_read_input(a->data, &text, &len, msg, sizeof msg))) return fail_msg(rc, msg);
    nianbao_result *r = NULL;
    int got = nianbao_engine_set_names(e, a->data, a->layout);
    if (got == NIANBAO_OK) got = nianbao_render(e, text, len, layout, layout_len, &r);
    free(text);
    if (!r)
        return fail_msg(exit_code(got),
                        got == NIANBAO_ERR_NOMEM ? _("out of memory") : nianbao_engine_error(e));
    /* The findings (errors even with -q), then the notes, then any failure. */
    if (!a->quiet || nianbao_result_errors(r)) fputs(nianbao_result_findings_text(r), stderr);
    fputs(nianbao_result_notes(r), stderr);
    if (got != NIANBAO_OK) {
        fprintf(stderr, "nianbao: %s%s\n", nianbao_result_error(r),
                got == NIANBAO_ERR_CHECK ? _(" (use --force to render anyway)") : "");
        rc = exit_code(got);
    } else if (!(a->dump && (rc = write_dump(a->dump, nianbao_result_dump(r)))) &&
               !(rc = cli_output_check(a->out, inputs, 4, msg, sizeof msg))) {
        size_t n;
        const unsigned char *pdf = nianbao_result_pdf(r, &n);
        rc = cli_write_atomic(a->out, pdf, n, true, msg, sizeof msg);
    }
    if (rc && got == NIANBAO_OK && msg[0]) fail_msg(rc, msg);
    nianbao_result_free(r);
    return rc;
}

static int cmd_render(int argc, char **argv)
{
    render_args a = {0};
    a.jobs = 1;
    a.prep = NIANBAO_PREPROCESS_AUTO;
    a.fonts = calloc((size_t)argc + 1, sizeof *a.fonts);
    if (!a.fonts) return 3;
    int rc = 0;
    for (int i = 0; i < argc && !rc; i++) {
        const char *s = argv[i];
        bool has = i + 1 < argc;
        if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
            fputs(_(usage_render), stdout);
            free(a.fonts);
            return 0;
        } else if ((!strcmp(s, "-o") || !strcmp(s, "--output")) && has)
            a.out = argv[++i];
        else if (!strcmp(s, "--layout") && has)
            a.layout = argv[++i];
        else if (!strcmp(s, "--previous") && has)
            a.previous = argv[++i];
        else if (!strcmp(s, "--font") && has)
            a.fonts[a.nfonts++] = argv[++i];
        else if (!strcmp(s, "--dump") && has)
            a.dump = argv[++i];
        else if (!strcmp(s, "--batch") && has)
            a.batch = argv[++i];
        else if (!strcmp(s, "--format") && has) {
            const char *f = argv[++i];
            if (!strcmp(f, "json") || !strcmp(f, "text"))
                a.json = !strcmp(f, "json");
            else
                rc = fail_usage(_("render: --format takes text or json"), f);
        } else if (!strcmp(s, "--preprocess-fonts") && has) {
            const char *w = argv[++i];
            if (!strcmp(w, "auto"))
                a.prep = NIANBAO_PREPROCESS_AUTO;
            else if (!strcmp(w, "always"))
                a.prep = NIANBAO_PREPROCESS_ALWAYS;
            else if (!strcmp(w, "never"))
                a.prep = NIANBAO_PREPROCESS_NEVER;
            else
                rc = fail_usage(_("render: --preprocess-fonts takes auto, always or never"), w);
        } else if (!strcmp(s, "-j") && has)
            a.jobs = parse_jobs(argv[++i]);
        else if (!strncmp(s, "-j", 2) && s[2])
            a.jobs = parse_jobs(s + 2);
        else if (!strcmp(s, "--force"))
            a.force = true;
        else if (!strcmp(s, "--date-now"))
            a.date_now = true;
        else if (!strcmp(s, "--no-pdfa"))
            a.no_pdfa = true;
        else if (!strcmp(s, "--allow-missing-glyphs"))
            a.allow_missing = true;
        else if (!strcmp(s, "-q") || !strcmp(s, "--quiet"))
            a.quiet = true;
        else if (!strcmp(s, "-v") || !strcmp(s, "--verbose"))
            a.verbose = true;
        else if (s[0] == '-' && s[1])
            rc = fail_usage(_("render: unknown option or missing value"), s);
        else if (!a.data)
            a.data = s;
        else
            rc = fail_usage(_("render: more than one data file (use --batch for many)"), s);
    }
    if (rc) {
        free(a.fonts);
        return rc;
    }
    char *out_beside = NULL;
    if (!a.out && a.batch)
        rc = fail_usage(_("render: no output folder given (--batch DIR -o OUTDIR)"), NULL);
    else if (!a.out && a.data) {
        /* DATA.pdf beside DATA.json, as typst compile does */
        size_t n = strlen(a.data);
        if (n > 5 && !strcmp(a.data + n - 5, ".json")) n -= 5;
        if (!(out_beside = malloc(n + 5))) {
            free(a.fonts);
            return 3;
        }
        snprintf(out_beside, n + 5, "%.*s.pdf", (int)n, a.data);
        a.out = out_beside;
    }
    if (rc)
        ;
    else if (a.batch && a.data)
        rc = fail_usage(_("render: give a data file or --batch, not both"), NULL);
    else if (!a.batch && !a.data)
        rc = fail_usage(_("render: no data file given (nianbao render --help)"), NULL);
    else if (a.json && !a.batch)
        rc = fail_usage(_("render: --format json is for --batch (nianbao check --format json "
                          "gives one file's findings)"),
                        NULL);
    else if (a.jobs < 1 || a.jobs > 64)
        rc = fail_usage(_("render: -j takes 1 to 64"), NULL);
    else if (!a.batch && !strcmp(a.out, "-") && isatty(STDOUT_FILENO))
        rc = fail_usage(_("render: will not write a PDF to a terminal; redirect standard output "
                          "or name a file with -o"),
                        NULL);
    if (rc) {
        free(out_beside);
        free(a.fonts);
        return rc;
    }
    if (!a.batch) nb_heap_setup(NB_HEAP_SINGLE); /* batch.c does its own */
    /* Worker processes already keep the CPUs busy: one font thread each. */
    nianbao_engine *e = new_engine(a.batch && a.jobs > 1 ? 1 : 0);
    char *layout = NULL;
    size_t layout_len = 0;
    char msg[MSG];
    if (!e)
        rc = 3;
    else if (!(rc = configure(e, &a)) && a.layout &&
             (rc = cli_read_input(a.layout, &layout, &layout_len, msg, sizeof msg)))
        fail_msg(rc, msg);
    if (!rc && a.batch) {
        cli_batch_opts bo = {a.layout, layout, layout_len, a.verbose, a.quiet, a.json, a.prep};
        rc = cli_batch_run(a.batch, a.out, a.jobs, e, &bo);
    } else if (!rc) {
        rc = render_single(e, &a, layout, layout_len);
    }
    free(layout);
    nianbao_engine_free(e);
    free(out_beside);
    free(a.fonts);
    return rc;
}

/* `nianbao serve` runs nianbao-serve, installed beside this program: the server's HTTP
 * library (libmicrohttpd, and GnuTLS with it) is linked into that program alone, so that
 * render and check do not load a dozen shared libraries they never call.  argv[0] is
 * "serve"; returns only when the program cannot be started. */
static int exec_serve(char **argv)
{
    char *path = cli_beside_self("nianbao-serve");
    if (!path) {
        fprintf(stderr, _("nianbao: out of memory\n"));
        return 3;
    }
    execv(path, argv);
    fprintf(stderr,
            _("nianbao: cannot start %s: %s (reinstall nianbao; it belongs beside the "
              "nianbao program)\n"),
            path, strerror(errno));
    free(path);
    return 3;
}

int main(int argc, char **argv)
{
    /* Messages follow the user's locale: the command's through gettext, the library's
     * through nianbao_options.language (cli_language). */
    cli_init_locale();
    if (argc < 2) {
        fputs(_(usage_main), stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        fputs(_(usage_main), stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("nianbao %s\n", nianbao_version());
        return 0;
    }
    if (!strcmp(cmd, "render")) return cmd_render(argc - 2, argv + 2);
    if (!strcmp(cmd, "check")) return cmd_check(argc - 2, argv + 2);
    if (!strcmp(cmd, "init")) return cmd_init(argc - 2, argv + 2);
    if (!strcmp(cmd, "serve")) return exec_serve(argv + 1);
    fprintf(stderr, _("nianbao: unknown command '%s' (nianbao --help)\n"), cmd);
    return 2;
}
