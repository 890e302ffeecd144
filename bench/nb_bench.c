/* nb_bench — in-process timings of nianbao renders through the public interface
 * (nianbao.h), driven by bench/run.
 *
 *   nb_bench [-n RUNS] DATA.json [OTHER.json...]
 *
 * renders DATA.json RUNS times with a new engine each time ("cold": fonts opened and
 * everything set up again, as in a new process) and RUNS times with one engine after a
 * first render ("warm": a program that keeps its engine; the same report again finds its
 * font subsets made already), then, with that engine, each OTHER.json once (warm, but
 * every report with other glyphs: subset anew, as a portal rendering many bodies' reports
 * would), and prints the medians: wall time of each, the cold split by stage (nianbao_result_time:
 * read, fonts = the font map and opening faces, check, shape, linebreak, paginate, subset, write;
 * other = the rest) and the PDF size.  Output is "key value" lines for bench/bench.py.  Nothing is
 * written to disk.  Like the command, it sets malloc up first (src/cli/heap.h) and finds
 * the layouts and fonts as a build-tree nianbao does (NIANBAO_DATADIR, else the checkout).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "files.h"
#include "heap.h"
#include "nianbao.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

enum { NSTAGE = 9 };
static const char *const stage_names[NSTAGE] = {"read",     "fonts",  "check", "shape", "linebreak",
                                                "paginate", "subset", "write", "other"};

static void stage_values(const nianbao_result *r, double *v)
{
    double sum = 0;
    for (int k = 0; k < NSTAGE - 1; k++)
        sum += v[k] = nianbao_result_time(r, stage_names[k]);
    double total = nianbao_result_time(r, "total");
    v[NSTAGE - 1] = total > sum ? total - sum : 0;
}

/* One render; the result, or NULL after a message. */
static nianbao_result *render_once(nianbao_engine *e, const char *data, size_t len)
{
    nianbao_result *r = NULL;
    if (nianbao_render(e, data, len, NULL, 0, &r) != NIANBAO_OK) {
        fprintf(stderr, "nb_bench: %s\n", r ? nianbao_result_error(r) : "out of memory");
        nianbao_result_free(r);
        return NULL;
    }
    return r;
}

int main(int argc, char **argv)
{
    nb_heap_setup(NB_HEAP_SINGLE); /* as the program does */
    int runs = 20, i = 1;
    if (i + 1 < argc && strcmp(argv[i], "-n") == 0) {
        runs = atoi(argv[i + 1]);
        i += 2;
    }
    if (i >= argc || runs < 1) {
        fprintf(stderr, "usage: nb_bench [-n RUNS] DATA.json [OTHER.json...]\n");
        return 2;
    }
    char msg[5000], *data;
    size_t len;
    if (cli_read_input(argv[i], &data, &len, msg, sizeof msg)) {
        fprintf(stderr, "nb_bench: %s\n", msg);
        return 2;
    }
    nianbao_options opts;
    nianbao_options_init(&opts);
    char *datadir = cli_datadir();
    opts.datadir = datadir;
    double *cold = calloc((size_t)runs, sizeof *cold);
    double *warm = calloc((size_t)runs, sizeof *warm);
    double *stages = calloc((size_t)runs * NSTAGE, sizeof *stages);
    if (!cold || !warm || !stages || !datadir) return 3;
    size_t bytes = 0, pages = 0;
    int rc = 0;
    for (int r = 0; r < runs && rc == 0; r++) {
        double t = now_ms();
        nianbao_engine *e = nianbao_engine_new(&opts);
        nianbao_result *res = e ? render_once(e, data, len) : NULL;
        cold[r] = now_ms() - t;
        if (!res) {
            rc = 1;
        } else {
            nianbao_result_pdf(res, &bytes);
            pages = nianbao_result_pages(res);
            double v[NSTAGE];
            stage_values(res, v);
            for (int k = 0; k < NSTAGE; k++)
                stages[k * runs + r] = v[k];
        }
        nianbao_result_free(res);
        nianbao_engine_free(e);
    }
    nianbao_engine *e = nianbao_engine_new(&opts);
    nianbao_result *res = rc == 0 && e ? render_once(e, data, len) : NULL; /* warm it up */
    if (!res) rc = 1;
    nianbao_result_free(res);
    for (int r = 0; r < runs && rc == 0; r++) {
        double t = now_ms();
        res = render_once(e, data, len);
        warm[r] = now_ms() - t;
        if (!res) rc = 1;
        nianbao_result_free(res);
    }
    int nothers = argc - i - 1;
    double *other = calloc((size_t)nothers + 1, sizeof *other);
    if (!other) rc = 3;
    for (int k = 0; k < nothers && rc == 0; k++) {
        char *od;
        size_t olen;
        if (cli_read_input(argv[i + 1 + k], &od, &olen, msg, sizeof msg)) {
            fprintf(stderr, "nb_bench: %s\n", msg);
            rc = 2;
            break;
        }
        double t = now_ms();
        res = render_once(e, od, olen);
        other[k] = now_ms() - t;
        if (!res) rc = 1;
        nianbao_result_free(res);
        free(od);
    }
    nianbao_engine_free(e);
    if (rc == 0) {
        printf("runs %d\n", runs);
        printf("inproc_cold_ms %.2f\n", median(cold, runs));
        printf("inproc_warm_ms %.2f\n", median(warm, runs));
        if (nothers) printf("inproc_warm_other_ms %.2f\n", median(other, nothers));
        for (int k = 0; k < NSTAGE; k++)
            printf("stage_%s_ms %.2f\n", stage_names[k], median(stages + k * runs, runs));
        printf("pdf_bytes %zu\n", bytes);
        printf("pages %zu\n", pages);
    }
    free(cold);
    free(warm);
    free(other);
    free(stages);
    free(data);
    free(datadir);
    return rc ? 1 : 0;
}
