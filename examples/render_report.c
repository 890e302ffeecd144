/* render_report.c — a small program on libnianbao: renders one report from memory.
 *
 *     cc render_report.c $(pkg-config --cflags --libs nianbao) -o render_report
 *     ./render_report DATA.json OUT.pdf > findings.json
 *
 * It reads the data file itself (the library takes bytes), renders it with the layouts and
 * fonts installed with the library (or those of NIANBAO_DATADIR), prints the checker's findings as
 * JSON on standard output and writes the PDF.  Like the nianbao command it dates the PDF by
 * SOURCE_DATE_EPOCH when that is set, so both give the same bytes for the same data.
 * Exit status: 0 written, 1 the checker found errors, 2 any other failure.
 * (tests/e2e/install_api.sh builds it against an installed tree.)
 */
#include <stdio.h>
#include <stdlib.h>

#include <nianbao.h>

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap && n < NIANBAO_MAX_INPUT) {
            char *grown = realloc(buf, cap *= 2);
            if (!grown) free(buf);
            buf = grown;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: render_report DATA.json OUT.pdf\n");
        return 2;
    }
    size_t len;
    char *data = read_all(argv[1], &len);
    if (!data) {
        fprintf(stderr, "render_report: cannot read %s\n", argv[1]);
        return 2;
    }
    /* The layouts and fonts installed with the library, unless NIANBAO_DATADIR names
     * another folder (as for the nianbao command). */
    nianbao_options opts;
    nianbao_options_init(&opts);
    const char *dir = getenv("NIANBAO_DATADIR");
    if (dir && *dir) opts.datadir = dir;
    nianbao_engine *e = nianbao_engine_new(&opts);
    if (!e) return 2;
    nianbao_engine_set_names(e, argv[1], NULL);
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) nianbao_engine_set_date(e, strtoll(sde, NULL, 10));
    nianbao_result *r = NULL;
    int rc = nianbao_render(e, data, len, NULL, 0, &r);
    fputs(nianbao_result_findings_json(r), stdout);
    int status = 0;
    if (rc == NIANBAO_OK) {
        size_t n;
        const unsigned char *pdf = nianbao_result_pdf(r, &n);
        FILE *out = fopen(argv[2], "wb");
        if (!out || fwrite(pdf, 1, n, out) != n || fclose(out) != 0) {
            fprintf(stderr, "render_report: cannot write %s\n", argv[2]);
            status = 2;
        }
    } else {
        fprintf(stderr, "render_report: %s\n", nianbao_result_error(r));
        status = rc == NIANBAO_ERR_CHECK ? 1 : 2;
    }
    nianbao_result_free(r);
    nianbao_engine_free(e);
    free(data);
    return status;
}
