/* main.c — the nianbao command: render, check, serve.
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

#include "batch.h"
#include "files.h"
#include "heap.h"
#include "nianbao.h"
#include "serve.h"

static const char usage_main[] =
    "usage: nianbao <command> [options]\n"
    "\n"
    "Typesets a government body's annual report on information disclosure\n"
    "(政府信息公开工作年度报告) from its data into a print-ready A4 PDF.\n"
    "\n"
    "commands:\n"
    "  render DATA.json -o OUT.pdf   check the data, lay it out, write the PDF\n"
    "  check DATA.json               check the tables' arithmetic and the data's values\n"
    "  serve [--listen ADDR:PORT]    the report editor in the browser (http://127.0.0.1:8080/)\n"
    "\n"
    "  nianbao render --help, nianbao check --help, nianbao serve --help for their options.\n"
    "  nianbao --version\n"
    "\n"
    "environment:\n"
    "  NIANBAO_DATADIR     folder of the layouts and the font map (default: the one installed\n"
    "                      with nianbao, PREFIX/share/nianbao)\n"
    "  SOURCE_DATE_EPOCH   the PDF's date, in seconds since 1970 (default: the signing date)\n";

static const char usage_render[] =
    "usage: nianbao render DATA.json [--layout FILE] -o OUT.pdf [options]\n"
    "       nianbao render --batch DIR|LIST -o OUTDIR [-j N] [options]\n"
    "\n"
    "  -o, --output FILE        the PDF to write (\"-\" = standard output); written only when\n"
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
    "  --preprocess-fonts WHEN  batch: prepare faces for fast subsetting (about 0.5 s and\n"
    "                           140 MB per face, once): auto (when the files left make it\n"
    "                           pay, the default), always, never; same output either way\n"
    "  -q, --quiet              no warnings\n"
    "  -v, --verbose            notes on font fallback\n"
    "\n"
    "Exit status: 0 written; 1 the checker found errors; 2 bad input or usage; 3 other failure.\n";

static const char usage_check[] =
    "usage: nianbao check DATA.json [--previous LAST_YEAR.json] [--format text|json]\n"
    "\n"
    "Checks every rule the official template implies (勾稽关系): table sums and totals,\n"
    "value types, the signing date, and with --previous the cross-year carry-over.\n"
    "Exit status: 0 clean or only warnings; 1 errors found; 2 the input cannot be read;\n"
    "3 other failure (out of memory, an internal error).\n";

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
    nianbao_engine *e = datadir ? nianbao_engine_new(&opts) : NULL;
    free(datadir);
    if (!e) fprintf(stderr, "nianbao: out of memory\n");
    return e;
}

/* Reads last year's report (--previous) and gives it to the engine under the name
 * messages use for it. */
static int set_previous(nianbao_engine *e, const char *path)
{
    char prefix[4200], msg[MSG];
    snprintf(prefix, sizeof prefix, "last year's report (--previous): %s", path);
    char *text;
    size_t len;
    int rc = cli_read_input(path, &text, &len, msg, sizeof msg);
    if (rc) {
        fprintf(stderr, "nianbao: last year's report (--previous): %s\n", msg);
        return rc;
    }
    rc = nianbao_engine_set_previous(e, text, len, prefix);
    free(text);
    return rc ? fail_msg(exit_code(rc), nianbao_engine_error(e)) : 0;
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
            fputs(usage_check, stdout);
            return 0;
        } else if (!strcmp(a, "--previous") && i + 1 < argc)
            previous = argv[++i];
        else if (!strcmp(a, "--format") && i + 1 < argc)
            format = argv[++i];
        else if (a[0] == '-' && a[1])
            return fail_usage("check: unknown option or missing value", a);
        else if (!data)
            data = a;
        else
            return fail_usage("check: more than one data file", a);
    }
    if (!data) return fail_usage("check: no data file given (nianbao check --help)", NULL);
    if (strcmp(format, "text") && strcmp(format, "json"))
        return fail_usage("check: --format takes text or json", format);
    char msg[MSG];
    char *text = NULL;
    size_t len;
    int rc = cli_read_input(data, &text, &len, msg, sizeof msg);
    if (rc) return fail_msg(rc, msg);
    nianbao_engine *e = new_engine(0);
    nianbao_result *r = NULL;
    if (!e)
        rc = 3;
    else if (nianbao_engine_set_names(e, data, NULL))
        rc = fail_msg(3, nianbao_engine_error(e));
    else if (!(previous && (rc = set_previous(e, previous)))) {
        int got = nianbao_check(e, text, len, &r);
        if (got == NIANBAO_OK) {
            fputs(!strcmp(format, "json") ? nianbao_result_findings_json(r)
                                          : nianbao_result_findings_text(r),
                  stdout);
            rc = nianbao_result_errors(r) ? 1 : 0;
        } else {
            rc = fail_msg(r ? exit_code(got) : 3, r ? nianbao_result_error(r) : "out of memory");
        }
    }
    nianbao_result_free(r);
    nianbao_engine_free(e);
    free(text);
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
            fprintf(stderr, "nianbao: SOURCE_DATE_EPOCH=%s: expected whole seconds since 1970\n",
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
        fprintf(stderr, "nianbao: cannot write the box dump %s: not a regular file\n", path);
        return 2;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "nianbao: cannot write the box dump %s\n", path);
        return 2;
    }
    fputs(dump, f);
    if (fclose(f) != 0) {
        fprintf(stderr, "nianbao: cannot write the box dump %s\n", path);
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
    bool force, date_now, no_pdfa, allow_missing, quiet, verbose;
} render_args;

/* The engine's settings from the command line; 0, or the exit status after a message. */
static int configure(nianbao_engine *e, const render_args *a)
{
    for (size_t i = 0; i < a->nfonts; i++) {
        const char *ov = a->fonts[i], *eq = strchr(ov, '=');
        if (!eq || eq == ov || !eq[1]) {
            fprintf(stderr, "nianbao: --font %s: expected ROLE=FILE or ROLE=FAMILY\n", ov);
            return 2;
        }
        char role[64];
        snprintf(role, sizeof role, "%.*s", (int)(eq - ov), ov);
        int rc = nianbao_engine_set_font(e, role, eq + 1);
        if (rc) {
            fprintf(stderr, "nianbao: --font %s: %s\n", ov, nianbao_engine_error(e));
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
    if (a->previous && (rc = set_previous(e, a->previous))) return rc;
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
                        got == NIANBAO_ERR_NOMEM ? "out of memory" : nianbao_engine_error(e));
    /* The findings (errors even with -q), then the notes, then any failure. */
    if (!a->quiet || nianbao_result_errors(r)) fputs(nianbao_result_findings_text(r), stderr);
    fputs(nianbao_result_notes(r), stderr);
    if (got != NIANBAO_OK) {
        fprintf(stderr, "nianbao: %s%s\n", nianbao_result_error(r),
                got == NIANBAO_ERR_CHECK ? " (use --force to render anyway)" : "");
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
            fputs(usage_render, stdout);
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
        else if (!strcmp(s, "--preprocess-fonts") && has) {
            const char *w = argv[++i];
            if (!strcmp(w, "auto"))
                a.prep = NIANBAO_PREPROCESS_AUTO;
            else if (!strcmp(w, "always"))
                a.prep = NIANBAO_PREPROCESS_ALWAYS;
            else if (!strcmp(w, "never"))
                a.prep = NIANBAO_PREPROCESS_NEVER;
            else
                rc = fail_usage("render: --preprocess-fonts takes auto, always or never", w);
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
            rc = fail_usage("render: unknown option or missing value", s);
        else if (!a.data)
            a.data = s;
        else
            rc = fail_usage("render: more than one data file (use --batch for many)", s);
    }
    if (rc) {
        free(a.fonts);
        return rc;
    }
    if (!a.out)
        rc = fail_usage("render: no output given (-o OUT.pdf)", NULL);
    else if (a.batch && a.data)
        rc = fail_usage("render: give a data file or --batch, not both", NULL);
    else if (!a.batch && !a.data)
        rc = fail_usage("render: no data file given (nianbao render --help)", NULL);
    else if (a.jobs < 1 || a.jobs > 64)
        rc = fail_usage("render: -j takes 1 to 64", NULL);
    if (rc) {
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
        cli_batch_opts bo = {a.layout, layout, layout_len, a.verbose, a.prep};
        rc = cli_batch_run(a.batch, a.out, a.jobs, e, &bo);
    } else if (!rc) {
        rc = render_single(e, &a, layout, layout_len);
    }
    free(layout);
    nianbao_engine_free(e);
    free(a.fonts);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_main, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("nianbao %s\n", nianbao_version());
        return 0;
    }
    if (!strcmp(cmd, "render")) return cmd_render(argc - 2, argv + 2);
    if (!strcmp(cmd, "check")) return cmd_check(argc - 2, argv + 2);
    if (!strcmp(cmd, "serve")) return cli_serve(argc - 1, argv + 1);
    fprintf(stderr, "nianbao: unknown command '%s' (nianbao --help)\n", cmd);
    return 2;
}
