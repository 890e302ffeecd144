/* main.c — the nianbao command: render, check. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "check.h"
#include "heap.h"
#include "jsonin.h"
#include "render.h"

static const char usage_main[] =
    "usage: nianbao <command> [options]\n"
    "\n"
    "Typesets a government body's annual report on information disclosure\n"
    "(政府信息公开工作年度报告) from its data into a print-ready A4 PDF.\n"
    "\n"
    "commands:\n"
    "  render DATA.json -o OUT.pdf   check the data, lay it out, write the PDF\n"
    "  check DATA.json               check the tables' arithmetic and the data's values\n"
    "\n"
    "  nianbao render --help, nianbao check --help for their options.\n"
    "  nianbao --version\n";

static const char usage_render[] =
    "usage: nianbao render DATA.json [--layout FILE] -o OUT.pdf [options]\n"
    "       nianbao render --batch DIR|LIST -o OUTDIR [-j N] [options]\n"
    "\n"
    "  -o, --output FILE        the PDF to write (\"-\" = standard output); written only when\n"
    "                           everything succeeded, an earlier file is otherwise untouched\n"
    "  --layout FILE            layout description (default: layouts/gov-annual-EDITION.json\n"
    "                           for the data's \"edition\")\n"
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
    "Exit status: 0 clean or only warnings; 1 errors found; 2 the input cannot be read.\n";

static int exit_code(nb_code c)
{
    switch (c) {
    case NB_OK:
        return 0;
    case NB_ERR_CHECK:
        return 1;
    case NB_ERR_IO:
    case NB_ERR_JSON:
    case NB_ERR_DATA:
    case NB_ERR_LAYOUT:
    case NB_ERR_FONT:
    case NB_ERR_LIMIT:
    case NB_ERR_USAGE:
        return 2;
    default:
        return 3;
    }
}

static int fail_usage(const char *msg, const char *arg)
{
    fprintf(stderr, "nianbao: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    return 2;
}

/* nianbao check: exit 0 clean or only warnings, 1 errors found, 2 an input cannot be read
 * (missing file, bad JSON, structurally broken: the message names the file at fault), 3 out
 * of memory. */
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
    nb_status st = NB_STATUS_INIT;
    nb_json_doc d = {0}, p = {0};
    nb_findings f = {0};
    int rc = 0;
    /* Each document is loaded and checked for structure on its own, so that a failure names
     * the file at fault; nb_json_load's messages already carry the file name. */
    if (nb_json_load(data, &d, &st)) goto failed;
    if (nb_check_structure(d.root, &st)) {
        nb_status_prefix(&st, "%s", data);
        goto failed;
    }
    if (previous) {
        if (nb_json_load(previous, &p, &st)) {
            nb_status_prefix(&st, "last year's report (--previous)");
            goto failed;
        }
        if (nb_check_structure(p.root, &st)) {
            nb_status_prefix(&st, "last year's report (--previous): %s", previous);
            goto failed;
        }
    }
    if (nb_check(d.root, p.root, &f, &st)) {
        if (st.code == NB_ERR_DATA) nb_status_prefix(&st, "%s", data);
        goto failed;
    }
    if (!strcmp(format, "json"))
        nb_findings_print_json(&f, data, stdout);
    else
        nb_findings_print(&f, data, stdout);
    rc = nb_findings_errors(&f) ? 1 : 0;
    goto done;
failed:
    fprintf(stderr, "nianbao: %s\n", st.msg);
    rc = st.code == NB_ERR_NOMEM ? 3 : 2;
done:
    nb_findings_free(&f);
    nb_json_free(&d);
    nb_json_free(&p);
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

static int cmd_render(int argc, char **argv)
{
    nb_render_opts o;
    nb_render_opts_init(&o);
    const char *data = NULL, *out = NULL, *batch = NULL;
    int jobs = 1;
    nb_preprocess prep = NB_PREPROCESS_AUTO;
    const char **fonts = calloc((size_t)argc + 1, sizeof *fonts);
    if (!fonts) return 3;
    size_t nfonts = 0;
    int rc = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage_render, stdout);
            free(fonts);
            return 0;
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && has)
            out = argv[++i];
        else if (!strcmp(a, "--layout") && has)
            o.layout_path = argv[++i];
        else if (!strcmp(a, "--previous") && has)
            o.previous_path = argv[++i];
        else if (!strcmp(a, "--font") && has)
            fonts[nfonts++] = argv[++i];
        else if (!strcmp(a, "--dump") && has)
            o.dump_path = argv[++i];
        else if (!strcmp(a, "--batch") && has)
            batch = argv[++i];
        else if (!strcmp(a, "--preprocess-fonts") && has) {
            const char *w = argv[++i];
            if (!strcmp(w, "auto"))
                prep = NB_PREPROCESS_AUTO;
            else if (!strcmp(w, "always"))
                prep = NB_PREPROCESS_ALWAYS;
            else if (!strcmp(w, "never"))
                prep = NB_PREPROCESS_NEVER;
            else {
                free(fonts);
                return fail_usage("render: --preprocess-fonts takes auto, always or never", w);
            }
        } else if (!strcmp(a, "-j") && has)
            jobs = parse_jobs(argv[++i]);
        else if (!strncmp(a, "-j", 2) && a[2])
            jobs = parse_jobs(a + 2);
        else if (!strcmp(a, "--force"))
            o.force = true;
        else if (!strcmp(a, "--date-now"))
            o.date_from_clock = true;
        else if (!strcmp(a, "--no-pdfa"))
            o.pdfa = false;
        else if (!strcmp(a, "--allow-missing-glyphs"))
            o.allow_missing_glyphs = true;
        else if (!strcmp(a, "-q") || !strcmp(a, "--quiet"))
            o.quiet = true;
        else if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
            o.verbose = stderr;
        else if (a[0] == '-' && a[1]) {
            free(fonts);
            return fail_usage("render: unknown option or missing value", a);
        } else if (!data)
            data = a;
        else {
            free(fonts);
            return fail_usage("render: more than one data file (use --batch for many)", a);
        }
    }
    o.font_overrides = fonts;
    o.nfont_overrides = nfonts;
    if (!out)
        rc = fail_usage("render: no output given (-o OUT.pdf)", NULL);
    else if (batch && data)
        rc = fail_usage("render: give a data file or --batch, not both", NULL);
    else if (!batch && !data)
        rc = fail_usage("render: no data file given (nianbao render --help)", NULL);
    else if (jobs < 1 || jobs > 64)
        rc = fail_usage("render: -j takes 1 to 64", NULL);
    if (rc) {
        free(fonts);
        return rc;
    }
    if (batch) {
        rc = nb_batch_run(batch, out, jobs, prep, &o);
        free(fonts);
        return rc;
    }
    nb_heap_setup(NB_HEAP_SINGLE); /* batch.c does its own */
    nb_engine *e = nb_engine_new();
    nb_status st = NB_STATUS_INIT;
    if (!e)
        rc = 3;
    else if (nb_render_file(e, data, out, &o, NULL, &st)) {
        fprintf(stderr, "nianbao: %s\n", st.msg);
        rc = exit_code(st.code);
    }
    nb_engine_free(e);
    free(fonts);
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
        printf("nianbao %s\n", NIANBAO_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "render")) return cmd_render(argc - 2, argv + 2);
    if (!strcmp(cmd, "check")) return cmd_check(argc - 2, argv + 2);
    fprintf(stderr, "nianbao: unknown command '%s' (nianbao --help)\n", cmd);
    return 2;
}
