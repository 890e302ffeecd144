/* nb_bench — in-process timings of nianbao renders (driven by bench/run).
 *
 *   nb_bench [-n RUNS] DATA.json
 *
 * renders DATA.json RUNS times with a new engine each time ("cold": fonts opened and
 * everything set up again, as in a new process) and RUNS times with one engine ("warm",
 * as in a batch), and prints the medians: wall time of each, the cold split by stage
 * (fonts = reading the map and opening faces, which happens lazily while composing;
 * write = writing the PDF without the subsetting; other = the rest: composing glue,
 * metadata) and the PDF size.  Output is "key value" lines for bench/run.  Nothing is
 * written to disk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "font.h"
#include "heap.h"
#include "render.h"

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
static const char *const stage_names[NSTAGE] = {"load",     "fonts",  "check", "shape", "linebreak",
                                                "paginate", "subset", "write", "other"};

/* font_ms: time spent opening faces during the render (nb_engine_load_stats). */
static void stage_values(const nb_render_stats *s, double font_ms, double *v)
{
    v[0] = s->load_ms;
    v[1] = s->fonts_ms + font_ms;
    v[2] = s->check_ms;
    v[3] = s->shape_ms;
    v[4] = s->linebreak_ms;
    v[5] = s->paginate_ms;
    v[6] = s->subset_ms;
    v[7] = s->write_ms - s->subset_ms; /* write_ms includes the subsetting */
    double sum = 0;
    for (int k = 0; k < 8; k++)
        sum += v[k];
    v[8] = s->total_ms > sum ? s->total_ms - sum : 0;
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

/* Subsetting time per face over the cold renders, by PostScript name. */
enum { NFACE = 16 };
typedef struct face_times {
    char name[64];
    double *ms; /* one per run */
} face_times;

static void add_face_times(nb_engine *e, face_times *ft, int runs, int r)
{
    nb_font *faces[NFACE];
    size_t n = nb_engine_faces(e, faces, NFACE);
    for (size_t k = 0; k < n && k < NFACE; k++) {
        const char *name = faces[k]->postscript_name ? faces[k]->postscript_name : "?";
        int slot = 0;
        while (slot < NFACE && ft[slot].ms && strcmp(ft[slot].name, name) != 0)
            slot++;
        if (slot == NFACE) continue;
        if (!ft[slot].ms) {
            snprintf(ft[slot].name, sizeof ft[slot].name, "%s", name);
            ft[slot].ms = calloc((size_t)runs, sizeof(double));
            if (!ft[slot].ms) continue;
        }
        ft[slot].ms[r] += faces[k]->subset_ms;
    }
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
        fprintf(stderr, "usage: nb_bench [-n RUNS] DATA.json\n");
        return 2;
    }
    const char *data = argv[i];
    nb_render_opts o;
    nb_render_opts_init(&o);
    o.quiet = true;
    o.diag = NULL;
    double *cold = calloc((size_t)runs, sizeof *cold);
    double *warm = calloc((size_t)runs, sizeof *warm);
    double *stages = calloc((size_t)runs * NSTAGE, sizeof *stages);
    if (!cold || !warm || !stages) return 3;
    size_t bytes = 0, pages = 0;
    int rc = 0;
    face_times ft[NFACE] = {0};
    for (int r = 0; r < runs && rc == 0; r++) {
        nb_engine *e = nb_engine_new();
        nb_render_stats s;
        double f0, f1;
        nb_engine_load_stats(e, &f0, NULL);
        double t = nb_now_ms();
        rc = render_once(e, data, &o, &s, &bytes);
        cold[r] = nb_now_ms() - t;
        nb_engine_load_stats(e, &f1, NULL);
        add_face_times(e, ft, runs, r);
        nb_engine_free(e);
        pages = s.pages;
        double v[NSTAGE];
        stage_values(&s, f1 - f0, v);
        for (int k = 0; k < NSTAGE; k++)
            stages[k * runs + r] = v[k];
    }
    nb_engine *e = nb_engine_new();
    if (rc == 0) rc = render_once(e, data, &o, NULL, NULL); /* warm up the engine */
    for (int r = 0; r < runs && rc == 0; r++) {
        double t = nb_now_ms();
        rc = render_once(e, data, &o, NULL, NULL);
        warm[r] = nb_now_ms() - t;
    }
    nb_engine_free(e);
    if (rc == 0) {
        printf("runs %d\n", runs);
        printf("inproc_cold_ms %.2f\n", median(cold, runs));
        printf("inproc_warm_ms %.2f\n", median(warm, runs));
        for (int k = 0; k < NSTAGE; k++)
            printf("stage_%s_ms %.2f\n", stage_names[k], median(stages + k * runs, runs));
        for (int k = 0; k < NFACE && ft[k].ms; k++)
            printf("subset_ms_of %s %.2f\n", ft[k].name, median(ft[k].ms, runs));
        printf("pdf_bytes %zu\n", bytes);
        printf("pages %zu\n", pages);
    }
    free(cold);
    free(warm);
    free(stages);
    for (int k = 0; k < NFACE; k++)
        free(ft[k].ms);
    return rc ? 1 : 0;
}
