/* batch.c — many data files in one process (see batch.h).
 *
 * The list of inputs comes from a folder (every *.json in it, sorted by name) or a list file
 * (one path a line; blank lines and lines starting with '#' skipped).  One nb_engine renders
 * the first file in this process (the first files until one renders, at most eight), so
 * that the fonts, layouts and the like are opened and prepared once; then, with -j N > 1,
 * N workers are forked and share them copy-on-write.
 * Workers take the next file from a counter in shared memory (so a slow file does not hold
 * up the others) and report each result as one line on a pipe: "ok\tI" or
 * "err\tI\tmessage".  The parent draws the progress line (count, rate, ETA) when standard
 * error is a terminal and prints the failures and a summary at the end.  A file that fails
 * is reported and skipped; a worker that dies leaves its files unreported, and they count
 * as failed.  Every output is written to a temporary file beside it and renamed into
 * place, so no half-written PDF is left under its name; instead of one fsync per file
 * (milliseconds each, more than a render), the output folder's file system is synced once
 * before the summary.  Outputs are the same bytes as single renders of the same files.
 */
#define _GNU_SOURCE /* syncfs */
#include "batch.h"

#include <fcntl.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
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

#include "clock.h"
#include "font.h"
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
    nb_render_opts opts;
    nb_preprocess prep;
} job;

static mode_t g_new_mode = 0644;

/* Writes the PDF to a temporary file in the output folder and renames it to `path`; no
 * fsync here (see the header comment).  Refuses to replace the input itself. */
static bool write_out(const char *path, const char *input, const nb_pdf_bytes *pdf, char *msg,
                      size_t msglen)
{
    struct stat a, b;
    bool exists = stat(path, &a) == 0;
    if (exists && stat(input, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
        snprintf(msg, msglen, "%s: the output %s is the input itself; not written", input, path);
        return false;
    }
    const char *slash = strrchr(path, '/');
    size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
    size_t need = strlen(path) + 16;
    char *tmp = malloc(need);
    if (!tmp) {
        snprintf(msg, msglen, "%s: out of memory", input);
        return false;
    }
    snprintf(tmp, need, "%.*s.%s.XXXXXX", (int)dl, path, path + dl);
    int fd = mkstemp(tmp);
    bool ok = fd >= 0;
    int err = errno;
    size_t off = 0;
    while (ok && off < pdf->len) {
        ssize_t w = write(fd, pdf->data + off, pdf->len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            ok = false;
            err = w < 0 ? errno : EIO;
        } else {
            off += (size_t)w;
        }
    }
    /* mkstemp makes 0600: give the file the mode a replaced file had, else 0666 - umask,
     * as single renders do */
    if (ok && fchmod(fd, exists ? (a.st_mode & 07777) : g_new_mode) != 0) {
        ok = false;
        err = errno;
    }
    if (fd >= 0 && close(fd) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        if (fd >= 0) unlink(tmp);
        snprintf(msg, msglen, "%s: cannot write %s: %s", input, path, strerror(err));
    }
    free(tmp);
    return ok;
}

/* Renders input i; fills msg ("" on success).  Returns true on success. */
static bool render_one(nb_engine *e, const job *j, size_t i, char *msg, size_t msglen)
{
    msg[0] = '\0';
    if (!j->out[i]) {
        snprintf(msg, msglen, "%s: its output name is taken by an earlier file of the batch",
                 j->in.items[i]);
        return false;
    }
    nb_status st = NB_STATUS_INIT;
    nb_pdf_bytes pdf;
    if (nb_render_mem(e, j->in.items[i], &j->opts, &pdf, NULL, &st) == NB_OK) {
        bool ok = write_out(j->out[i], j->in.items[i], &pdf, msg, msglen);
        nb_pdf_bytes_free(&pdf);
        return ok;
    }
    /* name the file unless the message already starts with it */
    size_t pl = strlen(j->in.items[i]);
    if (strncmp(st.msg, j->in.items[i], pl) == 0)
        snprintf(msg, msglen, "%s", st.msg);
    else
        snprintf(msg, msglen, "%s: %s", j->in.items[i], st.msg);
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\t') *p = ' ';
    return false;
}

/* ---- preprocessing faces for subsetting (font.h), beside the rendering ---------------- */

enum { PREP_MAX = 16 };

typedef struct prep_job {
    nb_font *font[PREP_MAX];
    hb_face_t *pre[PREP_MAX];
    double ms[PREP_MAX]; /* time each took */
    size_t n;
    pthread_t thread;
    bool running; /* the thread was started and not joined yet */
    int done;     /* set by the thread when it has finished (atomic) */
} prep_job;

static void *prep_thread(void *arg)
{
    prep_job *p = arg;
    for (size_t k = 0; k < p->n; k++) {
        double t = nb_now_ms();
        p->pre[k] = nb_font_preprocess_make(p->font[k]);
        p->ms[k] = nb_now_ms() - t;
    }
    __atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

/* Roughly what nb_font_preprocess_make costs for a face (HarfBuzz 6.0: 50-75 us a glyph
 * of the face, measured on the Fandol faces). */
static double prep_estimate_ms(const nb_font *f)
{
    return 0.06 * f->num_glyphs;
}

/* A face's subset_ms before the last file was rendered: AUTO weighs that file's cost. */
typedef struct prep_mark {
    nb_font *f;
    double ms;
} prep_mark;

/* Chooses the faces (see nb_preprocess in batch.h) and starts the thread. */
static void prep_start(prep_job *p, nb_engine *e, nb_preprocess mode, size_t left,
                       const prep_mark *before, size_t nbefore, FILE *verbose)
{
    memset(p, 0, sizeof *p);
    if (mode == NB_PREPROCESS_NEVER || left == 0) return;
    nb_font *faces[PREP_MAX];
    size_t n = nb_engine_faces(e, faces, PREP_MAX);
    if (n > PREP_MAX) n = PREP_MAX;
    for (size_t k = 0; k < n; k++) {
        nb_font *f = faces[k];
        if (!f->subsets || !nb_font_preprocessable(f)) continue;
        double last = f->subset_ms;
        for (size_t b = 0; b < nbefore; b++)
            if (before[b].f == f) last -= before[b].ms;
        double est = prep_estimate_ms(f);
        bool pays = (double)left * last >= 2 * est;
        if (verbose)
            fprintf(verbose,
                    "nianbao: %s: subsetting took %.2f ms on the last file; preprocessing, "
                    "about %.0f ms, %s\n",
                    f->postscript_name ? f->postscript_name : f->path, last, est,
                    mode == NB_PREPROCESS_ALWAYS ? "asked for"
                    : pays                       ? "pays off over the files left"
                                                 : "would not pay off");
        if (mode == NB_PREPROCESS_ALWAYS || pays) p->font[p->n++] = f;
    }
    if (p->n == 0) return;
    p->running = pthread_create(&p->thread, NULL, prep_thread, p) == 0;
    if (!p->running) prep_thread(p); /* no thread: do it here */
}

static bool prep_done(prep_job *p)
{
    return !p->running || __atomic_load_n(&p->done, __ATOMIC_ACQUIRE);
}

/* Waits for the thread and installs the preprocessed faces. */
static void prep_finish(prep_job *p, FILE *verbose)
{
    if (p->running) pthread_join(p->thread, NULL);
    p->running = false;
    for (size_t k = 0; k < p->n; k++) {
        nb_font *f = p->font[k];
        const char *name = f->postscript_name ? f->postscript_name : f->path;
        if (!p->pre[k]) {
            if (verbose) fprintf(verbose, "nianbao: %s: preprocessing failed\n", name);
        } else if (!nb_font_preprocess_adopt(f, p->pre[k])) {
            if (verbose)
                fprintf(verbose, "nianbao: %s: preprocessed subsets differ; not used\n", name);
        } else if (verbose) {
            fprintf(verbose, "nianbao: %s: preprocessed for subsetting (%.0f ms)\n", name,
                    p->ms[k]);
        }
    }
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
    double now = nb_now_ms() / 1e3;
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
static void worker(nb_engine *e, const job *j, size_t *next, int fd)
{
    char msg[NB_STATUS_MSG_MAX + 4200];
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

static int run(job *j, int jobs)
{
    tally t = {0};
    t.total = j->in.n;
    t.errors = calloc(t.total, sizeof *t.errors);
    t.reported = calloc(t.total, sizeof *t.reported);
    t.tty = isatty(STDERR_FILENO);
    t.t0 = nb_now_ms() / 1e3;
    nb_engine *e = nb_engine_new();
    if (!t.errors || !t.reported || !e) {
        fprintf(stderr, "nianbao: out of memory\n");
        free(t.errors);
        free(t.reported);
        nb_engine_free(e);
        return 3;
    }
    /* Many documents share each face: subsetting from prepared faces pays off. */
    nb_engine_set_subset_reuse(e, true);
    char msg[NB_STATUS_MSG_MAX + 4200];
    /* Files here until one renders (at most a few): fonts and layouts are then loaded
     * once, before any fork, and the workers share them. */
    size_t first = 0;
    bool rendered = false;
    while (first < t.total && !rendered && first < 8) {
        rendered = render_one(e, j, first, msg, sizeof msg);
        record(&t, first, rendered ? NULL : msg);
        first++;
    }
    /* One more file, to see what subsetting each face costs once warm; then the faces
     * worth it are preprocessed on a thread while this one goes on rendering. */
    nb_font *faces[PREP_MAX];
    prep_mark before[PREP_MAX];
    size_t nbefore = nb_engine_faces(e, faces, PREP_MAX);
    if (nbefore > PREP_MAX) nbefore = PREP_MAX;
    for (size_t k = 0; k < nbefore; k++)
        before[k] = (prep_mark){faces[k], faces[k]->subset_ms};
    if (rendered && first < t.total && j->prep != NB_PREPROCESS_NEVER) {
        record(&t, first, render_one(e, j, first, msg, sizeof msg) ? NULL : msg);
        first++;
    }
    prep_job pp;
    prep_start(&pp, e, rendered ? j->prep : NB_PREPROCESS_NEVER, t.total - first, before, nbefore,
               j->opts.verbose);
    while (pp.n && first < t.total && !prep_done(&pp)) {
        record(&t, first, render_one(e, j, first, msg, sizeof msg) ? NULL : msg);
        first++;
    }
    prep_finish(&pp, j->opts.verbose);

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
            nb_engine_free(e);
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
    double el = nb_now_ms() / 1e3 - t.t0;
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
    nb_engine_free(e);
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

int nb_batch_run(const char *src, const char *outdir, int jobs, nb_preprocess prep,
                 const nb_render_opts *opts)
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
    mode_t um = umask(022);
    umask(um);
    g_new_mode = 0666 & ~um;
    j.outdir = outdir;
    j.prep = prep;
    j.opts = *opts;
    /* Worker processes already keep the CPUs busy: one thread each. */
    if (jobs > 1) j.opts.threads = 1;
    j.opts.quiet = true; /* per-file warnings would drown the progress line; */
    j.opts.diag = NULL;  /* a file the checker rejects fails with a one-line summary */
    /* Each document allocates and frees the same large buffers: keep them (heap.h). */
    nb_heap_setup(NB_HEAP_BATCH);
    int rc = run(&j, jobs);
    for (size_t i = 0; i < j.in.n; i++)
        free(j.out[i]);
    free(j.out);
    list_free(&j.in);
    return rc;
}
