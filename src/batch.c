#include "batch.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct list {
    char **items;
    size_t n, cap;
} list;

static int push(list *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char **it = realloc(l->items, cap * sizeof *it);
        if (!it) return -1;
        l->items = it;
        l->cap = cap;
    }
    if (!(l->items[l->n] = strdup(s))) return -1;
    l->n++;
    return 0;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int collect(const char *src, list *l)
{
    struct stat sb;
    if (stat(src, &sb) != 0) {
        fprintf(stderr, "nianbao: --batch %s: %s\n", src, strerror(errno));
        return -1;
    }
    if (S_ISDIR(sb.st_mode)) {
        DIR *d = opendir(src);
        if (!d) {
            fprintf(stderr, "nianbao: --batch %s: %s\n", src, strerror(errno));
            return -1;
        }
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t n = strlen(e->d_name);
            if (n > 5 && !strcmp(e->d_name + n - 5, ".json")) {
                char path[4096];
                snprintf(path, sizeof path, "%s/%s", src, e->d_name);
                if (push(l, path)) break;
            }
        }
        closedir(d);
        qsort(l->items, l->n, sizeof *l->items, cmp);
    } else {
        FILE *f = fopen(src, "r");
        if (!f) {
            fprintf(stderr, "nianbao: --batch %s: %s\n", src, strerror(errno));
            return -1;
        }
        char line[4096];
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\r\n")] = '\0';
            if (line[0] && line[0] != '#' && push(l, line)) break;
        }
        fclose(f);
    }
    return 0;
}

static void out_name(const char *outdir, const char *in, char *buf, size_t n)
{
    char *copy = strdup(in);
    const char *base = copy ? basename(copy) : in;
    size_t bl = strlen(base);
    if (bl > 5 && !strcmp(base + bl - 5, ".json")) bl -= 5;
    snprintf(buf, n, "%s/%.*s.pdf", outdir, (int)bl, base);
    free(copy);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Renders one file; writes "ok\t<i>\n" or "err\t<i>\t<message>\n" to fd. */
static void render_one(nb_engine *e, const list *l, size_t i, const char *outdir,
                       const nb_render_opts *o, int fd)
{
    char out[4200];
    out_name(outdir, l->items[i], out, sizeof out);
    nb_status st = NB_STATUS_INIT;
    char msg[NB_STATUS_MSG_MAX + 64];
    int len;
    if (nb_render_file(e, l->items[i], out, o, NULL, &st) == NB_OK)
        len = snprintf(msg, sizeof msg, "ok\t%zu\n", i);
    else {
        for (char *p = st.msg; *p; p++)
            if (*p == '\n' || *p == '\t') *p = ' ';
        len = snprintf(msg, sizeof msg, "err\t%zu\t%s\n", i, st.msg);
    }
    if (len > (int)sizeof msg - 1) len = (int)sizeof msg - 1;
    /* Lines shorter than PIPE_BUF are written atomically. */
    ssize_t w = write(fd, msg, (size_t)len);
    (void)w;
}

int nb_batch_run(const char *src, const char *outdir, int jobs, const nb_render_opts *opts)
{
    list l = {0};
    if (collect(src, &l)) return 2;
    if (l.n == 0) {
        fprintf(stderr, "nianbao: --batch %s: no data files\n", src);
        free(l.items);
        return 2;
    }
    struct stat sb;
    if (stat(outdir, &sb) != 0 && mkdir(outdir, 0777) != 0) {
        fprintf(stderr, "nianbao: cannot create the output folder %s: %s\n", outdir,
                strerror(errno));
        return 2;
    }
    nb_render_opts o = *opts;
    o.quiet = true; /* per-file warnings would drown the progress line */
    bool tty = isatty(STDERR_FILENO);
    int fds[2];
    if (pipe(fds) != 0) return 3;
    double t0 = now_s();
    nb_engine *e = nb_engine_new();
    /* The first file is rendered here, before forking: fonts are opened, mapped and
     * prepared for subsetting once, and the workers share them. */
    render_one(e, &l, 0, outdir, &o, fds[1]);
    size_t nworkers = (size_t)jobs;
    if (nworkers > l.n - 1) nworkers = l.n - 1;
    pid_t *pids = calloc(nworkers + 1, sizeof *pids);
    fflush(NULL);
    for (size_t w = 0; w < nworkers; w++) {
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            for (size_t i = 1 + w; i < l.n; i += nworkers) render_one(e, &l, i, outdir, &o, fds[1]);
            _exit(0);
        }
        pids[w] = pid;
    }
    if (nworkers == 0) {
        /* nothing more to do */
    }
    close(fds[1]);
    size_t done = 0, failed = 0;
    char **errors = calloc(l.n, sizeof *errors);
    FILE *in = fdopen(fds[0], "r");
    char line[NB_STATUS_MSG_MAX + 128];
    while (in && fgets(line, sizeof line, in)) {
        done++;
        if (!strncmp(line, "err\t", 4)) {
            char *idx = line + 4;
            char *tab = strchr(idx, '\t');
            size_t i = strtoul(idx, NULL, 10);
            if (tab && i < l.n) {
                tab[strcspn(tab, "\n")] = '\0';
                errors[i] = strdup(tab + 1);
            }
            failed++;
        }
        if (tty) {
            double el = now_s() - t0, rate = done / (el > 0 ? el : 1e-9);
            fprintf(stderr, "\r%zu/%zu  %.0f/s  ETA %.0fs  %zu failed ", done, l.n, rate,
                    (double)(l.n - done) / (rate > 0 ? rate : 1), failed);
        }
    }
    if (in) fclose(in);
    for (size_t w = 0; w < nworkers; w++) {
        int status;
        waitpid(pids[w], &status, 0);
    }
    if (tty) fputc('\n', stderr);
    double el = now_s() - t0;
    /* Files a crashed worker never reported are failures too. */
    for (size_t i = 0; i < l.n; i++) {
        if (errors[i]) fprintf(stderr, "nianbao: failed: %s\n", errors[i]);
    }
    if (done < l.n) {
        fprintf(stderr, "nianbao: %zu file(s) were not reported by their worker\n", l.n - done);
        failed += l.n - done;
    }
    fprintf(stderr, "nianbao: %zu of %zu rendered, %zu failed, %.2f s (%.1f reports/s)\n",
            l.n - failed, l.n, failed, el, (double)(l.n - failed) / (el > 0 ? el : 1e-9));
    for (size_t i = 0; i < l.n; i++) {
        free(errors[i]);
        free(l.items[i]);
    }
    free(errors);
    free(l.items);
    free(pids);
    nb_engine_free(e);
    return failed ? 1 : 0;
}
