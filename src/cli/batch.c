/* batch.c — many data files in one process (see batch.h), as a client of nianbao.h.
 *
 * The list of inputs comes from a folder (every *.json in it, sorted by name) or a list file
 * (one path a line; blank lines and lines starting with '#' skipped).  The engine, told
 * that a batch follows (nianbao_engine_set_batch), renders the first files in this process
 * until one renders (at most eight) and then as long as it asks for more
 * (nianbao_engine_busy: it measures what subsetting costs and prepares faces worth it on
 * a thread of its own), so that fonts, layouts and prepared faces are made once; then, with
 * -j N > 1, N workers are forked and share them copy-on-write.
 * Workers take the next file from a counter in shared memory (so a slow file does not hold
 * up the others) and report each result as one line on a pipe: "ok\tI" or
 * "err\tI\tmessage".  The parent draws the progress line (count, rate, ETA) when standard
 * error is a terminal and prints the failures and a summary at the end.  A file that fails
 * is reported and skipped; a worker that dies leaves its files unreported, and they count
 * as failed.  Every output is written to a temporary file beside it and renamed into
 * place (files.h), so no half-written PDF is left under its name; instead of one fsync per
 * file (milliseconds each, more than a render), the output folder's file system is synced
 * once before the summary.  Outputs are the same bytes as single renders of the same files.
 */
#define _GNU_SOURCE /* syncfs */
#include "batch.h"

#include <fcntl.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "files.h"
#include "heap.h"

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

static void list_free(list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The inputs; -1 (after a message) when the folder or list cannot be read. */
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
        int rc = 0;
        while (rc == 0 && (e = readdir(d))) {
            size_t n = strlen(e->d_name);
            if (n > 5 && !strcmp(e->d_name + n - 5, ".json") && e->d_name[0] != '.') {
                size_t need = strlen(src) + n + 2;
                char *path = malloc(need);
                if (!path)
                    rc = -1;
                else {
                    snprintf(path, need, "%s/%s", src, e->d_name);
                    rc = push(l, path);
                    free(path);
                }
            }
        }
        closedir(d);
        if (rc) {
            fprintf(stderr, "nianbao: --batch %s: out of memory\n", src);
            return -1;
        }
        if (l->n > 1) qsort(l->items, l->n, sizeof *l->items, cmp);
        return 0;
    }
    if (!S_ISREG(sb.st_mode)) { /* a FIFO or device would block or never end */
        fprintf(stderr, "nianbao: --batch %s: expected a folder or a list file\n", src);
        return -1;
    }
    FILE *f = fopen(src, "r");
    if (!f) {
        fprintf(stderr, "nianbao: --batch %s: %s\n", src, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    int rc = 0;
    while (rc == 0 && (got = getline(&line, &cap, f)) >= 0) {
        line[strcspn(line, "\r\n")] = '\0';
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s && *s != '#') rc = push(l, s);
    }
    free(line);
    fclose(f);
    if (rc) {
        fprintf(stderr, "nianbao: --batch %s: out of memory\n", src);
        return -1;
    }
    return 0;
}

/* OUTDIR/<base name without .json>.pdf, malloc'd. */
static char *out_name(const char *outdir, const char *in)
{
    const char *base = strrchr(in, '/');
    base = base ? base + 1 : in;
    size_t bl = strlen(base);
    if (bl > 5 && !strcmp(base + bl - 5, ".json")) bl -= 5;
    size_t need = strlen(outdir) + bl + 6;
    char *s = malloc(need);
    if (s) snprintf(s, need, "%s/%.*s.pdf", outdir, (int)bl, base);
    return s;
}

typedef struct job {
    list in;
    char **out; /* output path of each input, NULL when it collides with an earlier one */
    const char *outdir;
    const cli_batch_opts *o;
} job;

/* Milliseconds on the monotonic clock. */
static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Writes the PDF (files.h; no fsync here: see the header comment).  Refuses to replace
 * the input itself. */
static bool write_out(const char *path, const char *input, const unsigned char *pdf, size_t len,
                      char *msg, size_t msglen)
{
    struct stat a, b;
    if (stat(path, &a) == 0 && stat(input, &b) == 0 && a.st_dev == b.st_dev &&
        a.st_ino == b.st_ino) {
        snprintf(msg, msglen, "%s: the output %s is the input itself; not written", input, path);
        return false;
    }
    char why[1200];
    if (cli_write_atomic(path, pdf, len, false, why, sizeof why) == 0) return true;
    snprintf(msg, msglen, "%s: %s", input, why);
    return false;
}

/* Renders input i; fills msg ("" on success).  Returns true on success. */
static bool render_one(nianbao_engine *e, const job *j, size_t i, char *msg, size_t msglen)
{
    msg[0] = '\0';
    const char *in = j->in.items[i];
    if (!j->out[i]) {
        snprintf(msg, msglen, "%s: its output name is taken by an earlier file of the batch", in);
        return false;
    }
    char *data;
    size_t len;
    if (cli_read_input(in, &data, &len, msg, msglen)) return false;
    nianbao_result *r = NULL;
    int rc = nianbao_engine_set_names(e, in, j->o->layout_path);
    if (rc == NIANBAO_OK)
        rc = nianbao_render(e, data, len, j->o->layout, j->o->layout_len, &r);
    else
        snprintf(msg, msglen, "%s: %s", in, nianbao_engine_error(e));
    free(data);
    if (j->o->verbose) fputs(nianbao_result_notes(r), stderr);
    bool ok = rc == NIANBAO_OK;
    if (ok) {
        size_t n;
        const unsigned char *pdf = nianbao_result_pdf(r, &n);
        ok = write_out(j->out[i], in, pdf, n, msg, msglen);
    } else if (r) {
        /* name the file unless the message already starts with it */
        const char *err = nianbao_result_error(r);
        const char *force = rc == NIANBAO_ERR_CHECK ? " (use --force to render anyway)" : "";
        if (strncmp(err, in, strlen(in)) == 0)
            snprintf(msg, msglen, "%s%s", err, force);
        else
            snprintf(msg, msglen, "%s: %s%s", in, err, force);
    } else if (!msg[0]) {
        snprintf(msg, msglen, "%s: out of memory", in);
    }
    nianbao_result_free(r);
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\t') *p = ' ';
    return ok;
}

/* The parent's view of the run. */
typedef struct tally {
    size_t total, done, failed;
    char **errors; /* message of each failed input */
    bool *reported;
    bool tty;
    double t0, drawn; /* start, last progress line */
} tally;

static void progress(tally *t)
{
    if (!t->tty) return;
    double now = now_ms() / 1e3;
    if (t->done < t->total && now - t->drawn < 0.1) return; /* ten lines a second at most */
    t->drawn = now;
    double el = now - t->t0;
    double rate = el > 0 ? (double)t->done / el : 0;
    double eta = rate > 0 ? (double)(t->total - t->done) / rate : 0;
    fprintf(stderr, "\r\033[K%zu/%zu  %.1f reports/s  ETA %.0f s", t->done, t->total, rate, eta);
    if (t->failed) fprintf(stderr, "  %zu failed", t->failed);
    fflush(stderr);
}

static void record(tally *t, size_t i, const char *err)
{
    if (i >= t->total || t->reported[i]) return;
    t->reported[i] = true;
    t->done++;
    if (err) {
        t->failed++;
        t->errors[i] = strdup(err);
    }
    progress(t);
}

/* Worker: takes inputs from the shared counter until none is left. */
static void worker(nianbao_engine *e, const job *j, size_t *next, int fd)
{
    char msg[5300];
    char line[sizeof msg + 64];
    for (;;) {
        size_t i = __atomic_fetch_add(next, 1, __ATOMIC_SEQ_CST);
        if (i >= j->in.n) break;
        bool ok = render_one(e, j, i, msg, sizeof msg);
        int len = ok ? snprintf(line, sizeof line, "ok\t%zu\n", i)
                     : snprintf(line, sizeof line, "err\t%zu\t%.3000s\n", i, msg);
        if (len < 0) continue;
        if ((size_t)len >= sizeof line) len = (int)sizeof line - 1;
        /* one write per line; lines under PIPE_BUF (4096) bytes are not interleaved */
        ssize_t w = write(fd, line, (size_t)len);
        (void)w;
    }
}

static int run(job *j, int jobs, nianbao_engine *e)
{
    tally t = {0};
    t.total = j->in.n;
    t.errors = calloc(t.total, sizeof *t.errors);
    t.reported = calloc(t.total, sizeof *t.reported);
    t.tty = isatty(STDERR_FILENO);
    t.t0 = now_ms() / 1e3;
    if (!t.errors || !t.reported ||
        nianbao_engine_set_batch(e, t.total, j->o->preprocess) != NIANBAO_OK) {
        fprintf(stderr, "nianbao: out of memory\n");
        free(t.errors);
        free(t.reported);
        return 3;
    }
    char msg[5300];
    /* Files here until one renders (at most a few): fonts and layouts are then loaded
     * once, before any fork, and the workers share them. */
    size_t first = 0;
    bool rendered = false;
    while (first < t.total && !rendered && first < 8) {
        rendered = render_one(e, j, first, msg, sizeof msg);
        record(&t, first, rendered ? NULL : msg);
        first++;
    }
    /* None rendered: nothing to measure, and the workers must not prepare faces each. */
    if (!rendered) nianbao_engine_set_batch(e, t.total - first, NIANBAO_PREPROCESS_NEVER);
    /* Then as long as the engine asks: one more file, to see what subsetting each face
     * costs once warm, and more while it prepares the faces worth it on its thread. */
    while (first < t.total && nianbao_engine_busy(e)) {
        record(&t, first, render_one(e, j, first, msg, sizeof msg) ? NULL : msg);
        first++;
    }

    size_t nworkers = (size_t)jobs;
    if (nworkers > t.total - first) nworkers = t.total - first;
    if (nworkers <= 1) {
        for (size_t i = first; i < t.total; i++)
            record(&t, i, render_one(e, j, i, msg, sizeof msg) ? NULL : msg);
    } else {
        size_t *next =
            mmap(NULL, sizeof *next, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        int fds[2];
        if (next == MAP_FAILED || pipe(fds) != 0) {
            fprintf(stderr, "nianbao: cannot start the workers: %s\n", strerror(errno));
            free(t.errors);
            free(t.reported);
            return 3;
        }
        *next = first;
        pid_t *pids = calloc(nworkers, sizeof *pids);
        size_t started = 0;
        fflush(NULL);
        for (size_t w = 0; pids && w < nworkers; w++) {
            pid_t pid = fork();
            if (pid == 0) {
                close(fds[0]);
                signal(SIGPIPE, SIG_DFL);
                worker(e, j, next, fds[1]);
                _exit(0);
            }
            if (pid < 0) break;
            pids[started++] = pid;
        }
        close(fds[1]);
        if (started == 0) { /* no fork at all: do the work here */
            fprintf(stderr, "nianbao: could not start worker processes; rendering in one\n");
            for (size_t i = first; i < t.total; i++)
                record(&t, i, render_one(e, j, i, msg, sizeof msg) ? NULL : msg);
        }
        FILE *in = fdopen(fds[0], "r");
        char *line = NULL;
        size_t cap = 0;
        while (in && getline(&line, &cap, in) >= 0) {
            line[strcspn(line, "\n")] = '\0';
            bool err = !strncmp(line, "err\t", 4);
            if (!err && strncmp(line, "ok\t", 3)) continue;
            char *end;
            size_t i = strtoul(line + (err ? 4 : 3), &end, 10);
            record(&t, i, err ? (*end == '\t' ? end + 1 : "failed") : NULL);
        }
        free(line);
        if (in)
            fclose(in);
        else
            close(fds[0]);
        for (size_t w = 0; w < started; w++) {
            int status;
            if (waitpid(pids[w], &status, 0) == pids[w] && WIFSIGNALED(status))
                fprintf(stderr, "%snianbao: a worker died (signal %d)\n", t.tty ? "\n" : "",
                        WTERMSIG(status));
        }
        free(pids);
        munmap(next, sizeof *next);
    }
    /* One sync of the output folder's file system for all the files written. */
    int dfd = open(j->outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || syncfs(dfd) != 0)
        fprintf(stderr, "%snianbao: cannot sync the output folder %s: %s\n", t.tty ? "\n" : "",
                j->outdir, strerror(errno));
    if (dfd >= 0) close(dfd);
    if (t.tty) fputc('\n', stderr);
    double el = now_ms() / 1e3 - t.t0;
    for (size_t i = 0; i < t.total; i++) {
        if (t.errors[i])
            fprintf(stderr, "nianbao: failed: %s\n", t.errors[i]);
        else if (!t.reported[i])
            fprintf(stderr, "nianbao: failed: %s: not rendered (its worker stopped)\n",
                    j->in.items[i]);
    }
    size_t failed = t.total - (t.done - t.failed);
    fprintf(stderr, "nianbao: batch: %zu of %zu rendered, %zu failed, %.2f s, %.1f reports/s\n",
            t.total - failed, t.total, failed, el, el > 0 ? (double)(t.total - failed) / el : 0.0);
    for (size_t i = 0; i < t.total; i++)
        free(t.errors[i]);
    free(t.errors);
    free(t.reported);
    return failed ? 1 : 0;
}

/* For sorting input indices by output name, then by index (stable: the first one wins). */
static char **g_names;
static int cmp_by_name(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(g_names[x], g_names[y]);
    return c ? c : (x < y ? -1 : x > y);
}

int cli_batch_run(const char *src, const char *outdir, int jobs, nianbao_engine *e,
                  const cli_batch_opts *o)
{
    job j = {0};
    if (collect(src, &j.in)) {
        list_free(&j.in);
        return 2;
    }
    if (j.in.n == 0) {
        fprintf(stderr, "nianbao: --batch %s: no data files\n", src);
        list_free(&j.in);
        return 2;
    }
    struct stat sb;
    if (stat(outdir, &sb) != 0) {
        if (mkdir(outdir, 0777) != 0) {
            fprintf(stderr, "nianbao: cannot create the output folder %s: %s\n", outdir,
                    strerror(errno));
            list_free(&j.in);
            return 2;
        }
    } else if (!S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "nianbao: --batch: the output %s is not a folder\n", outdir);
        list_free(&j.in);
        return 2;
    }
    j.out = calloc(j.in.n, sizeof *j.out);
    if (!j.out) {
        list_free(&j.in);
        return 3;
    }
    for (size_t i = 0; i < j.in.n; i++) {
        j.out[i] = out_name(outdir, j.in.items[i]);
        if (!j.out[i]) {
            fprintf(stderr, "nianbao: out of memory\n");
            for (size_t k = 0; k < i; k++)
                free(j.out[k]);
            free(j.out);
            list_free(&j.in);
            return 3;
        }
    }
    /* Two inputs with one base name would overwrite each other: the later ones fail. */
    size_t *order = malloc(j.in.n * sizeof *order);
    if (order) {
        for (size_t i = 0; i < j.in.n; i++)
            order[i] = i;
        g_names = j.out;
        qsort(order, j.in.n, sizeof *order, cmp_by_name);
        for (size_t k = 1; k < j.in.n; k++)
            if (strcmp(j.out[order[k]], j.out[order[k - 1]]) == 0) j.out[order[k]][0] = '\0';
        for (size_t i = 0; i < j.in.n; i++)
            if (!j.out[i][0]) {
                free(j.out[i]);
                j.out[i] = NULL;
            }
        free(order);
    }
    j.outdir = outdir;
    /* Per-file warnings would drown the progress line: they are not printed, and a file the
     * checker rejects fails with a one-line summary. */
    j.o = o;
    /* Each document allocates and frees the same large buffers: keep them (heap.h). */
    nb_heap_setup(NB_HEAP_BATCH);
    int rc = run(&j, jobs, e);
    for (size_t i = 0; i < j.in.n; i++)
        free(j.out[i]);
    free(j.out);
    list_free(&j.in);
    return rc;
}
