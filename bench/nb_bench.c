/* nb_bench — in-process timings of nianbao renders (driven by bench/run).
 *
 *   nb_bench [-n RUNS] DATA.json       one engine per run ("cold": fonts opened each time)
 *                                      and one engine for all runs ("warm"); prints the
 *                                      median wall time of each, the median split by stage
 *                                      and the PDF size.
 *   nb_bench --batch [-n RUNS] FILE... renders every FILE with one engine set up for batch
 *                                      use, prints reports per second.
 *
 * Output is "key value" lines, easy for a script to pick up.  Nothing is written to disk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
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

enum { NSTAGE = 8 };
static const char *const stage_names[NSTAGE] = {"load",      "fonts",    "check",  "shape",
                                                "linebreak", "paginate", "subset", "write"};

static void stage_values(const nb_render_stats *s, double *v)
{
    v[0] = s->load_ms;
    v[1] = s->fonts_ms;
    v[2] = s->check_ms;
    v[3] = s->shape_ms;
    v[4] = s->linebreak_ms;
    v[5] = s->paginate_ms;
    v[6] = s->subset_ms;
    v[7] = s->write_ms;
}

static int render_once(nb_engine *e, const char *data, const nb_render_opts *o, nb_render_stats *s,
                       size_t *bytes)
{
    nb_status st = NB_STATUS_INIT;
    nb_pdf_bytes pdf;
    if (nb_render_mem(e, data, o, &pdf, s, &st) != NB_OK) {
        fprintf(stderr, "nb_bench: %s\n", st.msg);
        return -1;
    }
    if (bytes) *bytes = pdf.len;
    nb_pdf_bytes_free(&pdf);
    return 0;
}

static int single(const char *data, int runs)
{
    nb_render_opts o;
    nb_render_opts_init(&o);
    o.quiet = true;
    o.diag = NULL;
    double *cold = calloc((size_t)runs, sizeof *cold);
    double *warm = calloc((size_t)runs, sizeof *warm);
    double *stages[NSTAGE];
    for (int k = 0; k < NSTAGE; k++)
        stages[k] = calloc((size_t)runs, sizeof(double));
    size_t bytes = 0;
    for (int i = 0; i < runs; i++) {
        nb_engine *e = nb_engine_new();
        nb_render_stats s;
        double t = now_ms();
        if (render_once(e, data, &o, &s, &bytes)) return 1;
        cold[i] = now_ms() - t;
        nb_engine_free(e);
        double v[NSTAGE];
        stage_values(&s, v);
        for (int k = 0; k < NSTAGE; k++)
            stages[k][i] = v[k];
    }
    nb_engine *e = nb_engine_new();
    if (render_once(e, data, &o, NULL, NULL)) return 1;
    for (int i = 0; i < runs; i++) {
        double t = now_ms();
        if (render_once(e, data, &o, NULL, NULL)) return 1;
        warm[i] = now_ms() - t;
    }
    nb_engine_free(e);
    printf("runs %d\n", runs);
    printf("inproc_cold_ms %.2f\n", median(cold, runs));
    printf("inproc_warm_ms %.2f\n", median(warm, runs));
    for (int k = 0; k < NSTAGE; k++)
        printf("stage_%s_ms %.2f\n", stage_names[k], median(stages[k], runs));
    printf("pdf_bytes %zu\n", bytes);
    free(cold);
    free(warm);
    for (int k = 0; k < NSTAGE; k++)
        free(stages[k]);
    return 0;
}

int main(int argc, char **argv)
{
    int runs = 20;
    int i = 1;
    if (i < argc && strcmp(argv[i], "--batch") == 0) {
        fprintf(stderr, "nb_bench: --batch: use `nianbao render --batch` (bench/run)\n");
        return 2;
    }
    if (i + 1 < argc && strcmp(argv[i], "-n") == 0) {
        runs = atoi(argv[i + 1]);
        i += 2;
    }
    if (i >= argc || runs < 1) {
        fprintf(stderr, "usage: nb_bench [-n RUNS] DATA.json\n");
        return 2;
    }
    return single(argv[i], runs);
}
