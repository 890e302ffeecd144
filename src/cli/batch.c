/* batch.c — many data files in one process (see batch.h), as a client of nianbao.h.
 *
 * The list of inputs comes from a folder (every *.json in it, sorted by name) or a list file
 * (one path a line; blank lines and lines starting with '#' skipped).  The engine, told
 * that a batch follows (nianbao_engine_set_batch), renders the first files in this process
 * until one renders (at most eight) and then as long as it asks for more
 * (nianbao_engine_busy: it measures what subsetting costs and prepares faces worth it on
 * a thread of its own), so that fonts, layouts and prepared faces are made once; then, with
 * -j N > 1, N workers are forked and share them copy-on-write (with -j 1, or when one
 * worker would do, the rest is rendered in this process too).
 *
 * Workers take the next file from a counter in shared memory (so a slow file does not hold
 * up the others).  Each worker has a pipe of its own to the parent and writes one record a
 * file on it, self-delimiting, so that findings of any length arrive whole:
 *
 *     "I S E W T F M\n"  then T bytes of findings text, F bytes of findings JSON (the array)
 *                         and M bytes of the failure's message
 *
 * in decimal: I the input's index, S 0 when its PDF was written and 1 when it failed, E and
 * W the errors and warnings the checker found.  Only what the run will print travels: the
 * text when it is printed (not with --format json; with -q only when there are errors),
 * the JSON only with --format json.  A record is written with writev, again for what is
 * left after a short or interrupted write (a pipe holds 64 KiB, and a write of more than
 * PIPE_BUF bytes to it is not atomic: hence one pipe, one writer).  The parent polls all
 * the pipes, reads what is there into a buffer per worker and records each record as soon
 * as it is complete; a worker blocks on a full pipe only until the parent, which never
 * waits on one pipe while another has data, reads it.  End of file on a pipe means its
 * worker has exited; bytes of a record it did not finish are discarded.  A worker that
 * dies leaves the file it was on unreported, and such files count as failed.  A header
 * that cannot be parsed (never written by this program) ends that worker: it is killed,
 * and its unreported files count as failed.
 *
 * Test hook: with NIANBAO_BATCH_TEST_DIE=I in the environment, the worker that renders
 * input I writes the first half of that file's record and then kills itself (SIGKILL), so
 * that tests/e2e/batch.sh can check what a dying worker leaves.  Only this command reads
 * the variable, only in a worker; the library knows nothing of it.
 *
 * The parent draws the progress line (count, rate, ETA) when standard error is a terminal;
 * at the end it prints, in the order of the inputs, each file's findings (unless -q;
 * errors always), its failure and a line "FILE: N errors, M warnings", or with --format
 * json one document for the batch on standard output; then a summary.  A file that fails
 * is reported and skipped.  Every output is written to a temporary file beside it and
 * renamed into place (files.h), so no half-written PDF is left under its name; instead of
 * one fsync per file (milliseconds each, more than a render), the output folder's file
 * system is synced once before the summary.  Outputs are the same bytes as single renders
 * of the same files.
 */
#define _GNU_SOURCE /* syncfs */
#include "batch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "files.h"
#include "heap.h"
#include "i18n.h"

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
        fprintf(stderr, _("nianbao: --batch %s: %s\n"), src, strerror(errno));
        return -1;
    }
    if (S_ISDIR(sb.st_mode)) {
        DIR *d = opendir(src);
        if (!d) {
            fprintf(stderr, _("nianbao: --batch %s: %s\n"), src, strerror(errno));
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
            fprintf(stderr, _("nianbao: --batch %s: out of memory\n"), src);
            return -1;
        }
        if (l->n > 1) qsort(l->items, l->n, sizeof *l->items, cmp);
        return 0;
    }
    if (!S_ISREG(sb.st_mode)) { /* a FIFO or device would block or never end */
        fprintf(stderr, _("nianbao: --batch %s: expected a folder or a list file\n"), src);
        return -1;
    }
    FILE *f = fopen(src, "r");
    if (!f) {
        fprintf(stderr, _("nianbao: --batch %s: %s\n"), src, strerror(errno));
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
        fprintf(stderr, _("nianbao: --batch %s: out of memory\n"), src);
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

/* What became of one input.  The strings are malloc'd and owned by the tally. */
typedef struct outcome {
    char *error;    /* the failure's message, NULL when the PDF was written */
    char *text;     /* the findings, one a line as `nianbao check` prints them, or NULL */
    char *findings; /* the findings as a JSON array, or NULL */
    size_t errors, warnings;
} outcome;

static void outcome_clear(outcome *o)
{
    free(o->error);
    free(o->text);
    free(o->findings);
    memset(o, 0, sizeof *o);
}

/* The "[...]" of the findings document `doc` (nianbao_result_findings_json), malloc'd;
 * NULL when there is none.  The array ends at the last `], "errors":`, which no string
 * inside it can hold unescaped. */
static char *findings_array(const char *doc)
{
    const char *a = strstr(doc, "\"findings\": [");
    const char *b = NULL;
    for (const char *p = doc; (p = strstr(p, "], \"errors\":")); p++)
        b = p;
    if (!a || !b || b < a) return NULL;
    a += strlen("\"findings\": ");
    return strndup(a, (size_t)(b + 1 - a));
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
        snprintf(msg, msglen, _("%s: the output %s is the input itself; not written"), input, path);
        return false;
    }
    char why[1200];
    if (cli_write_atomic(path, pdf, len, false, why, sizeof why) == 0) return true;
    snprintf(msg, msglen, "%s: %s", input, why);
    return false;
}

/* Renders input i; fills msg ("" on success) and the findings into *o (cleared first;
 * no error message there: that is msg).  Returns true on success. */
static bool render_one(nianbao_engine *e, const job *j, size_t i, char *msg, size_t msglen,
                       outcome *o)
{
    msg[0] = '\0';
    outcome_clear(o);
    const char *in = j->in.items[i];
    if (!j->out[i]) {
        snprintf(msg, msglen, _("%s: its output name is taken by an earlier file of the batch"),
                 in);
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
    if (r) { /* only what the end of the run prints (see run) */
        o->errors = nianbao_result_errors(r);
        o->warnings = nianbao_result_warnings(r);
        const char *t = nianbao_result_findings_text(r);
        if (*t && !j->o->json && (!j->o->quiet || o->errors)) o->text = strdup(t);
        if (j->o->json) o->findings = findings_array(nianbao_result_findings_json(r));
    }
    if (j->o->verbose) fputs(nianbao_result_notes(r), stderr);
    bool ok = rc == NIANBAO_OK;
    if (ok) {
        size_t n;
        const unsigned char *pdf = nianbao_result_pdf(r, &n);
        ok = write_out(j->out[i], in, pdf, n, msg, msglen);
    } else if (r) {
        /* name the file unless the message already starts with it */
        const char *err = nianbao_result_error(r);
        const char *force = rc == NIANBAO_ERR_CHECK ? _(" (use --force to render anyway)") : "";
        if (strncmp(err, in, strlen(in)) == 0)
            snprintf(msg, msglen, "%s%s", err, force);
        else
            snprintf(msg, msglen, "%s: %s%s", in, err, force);
    } else if (!msg[0]) {
        snprintf(msg, msglen, _("%s: out of memory"), in);
    }
    nianbao_result_free(r);
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\t') *p = ' ';
    return ok;
}

/* The parent's view of the run. */
typedef struct tally {
    size_t total, done, failed;
    outcome *res; /* of each input */
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
    fprintf(stderr, _("\r\033[K%zu/%zu  %.1f reports/s  ETA %.0f s"), t->done, t->total, rate, eta);
    if (t->failed) fprintf(stderr, _("  %zu failed"), t->failed);
    fflush(stderr);
}

/* Records input i's outcome (taking its strings) and its failure's message, if any. */
static void record(tally *t, size_t i, outcome *o, const char *err)
{
    if (i >= t->total || t->reported[i]) {
        outcome_clear(o);
        return;
    }
    t->reported[i] = true;
    t->done++;
    t->res[i] = *o;
    memset(o, 0, sizeof *o);
    if (err) {
        t->failed++;
        t->res[i].error = strdup(err);
    }
    progress(t);
}

/* Writes `s` as a JSON string to standard output. */
static void json_string(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

/* Writes all of iov[0..n) to fd, however many writes that takes (a pipe takes at most
 * what it has room for; a signal may interrupt).  -1 when the pipe is gone. */
static int write_all(int fd, struct iovec *iov, int n)
{
    for (;;) {
        while (n > 0 && iov->iov_len == 0) {
            iov++;
            n--;
        }
        if (n == 0) return 0;
        ssize_t w = writev(fd, iov, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        for (; n > 0 && (size_t)w >= iov->iov_len; iov++, n--)
            w -= (ssize_t)iov->iov_len;
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + w;
            iov->iov_len -= (size_t)w;
        }
    }
}

/* Worker: takes inputs from the shared counter until none is left and writes one record
 * a file on fd (the header comment).  die_at: the test hook's input, or SIZE_MAX. */
static void worker(nianbao_engine *e, const job *j, size_t *next, int fd, size_t die_at)
{
    char msg[5300];
    char head[160];
    outcome o = {0};
    for (;;) {
        size_t i = __atomic_fetch_add(next, 1, __ATOMIC_SEQ_CST);
        if (i >= j->in.n) break;
        bool ok = render_one(e, j, i, msg, sizeof msg, &o);
        size_t tl = o.text ? strlen(o.text) : 0, fl = o.findings ? strlen(o.findings) : 0;
        size_t ml = ok ? 0 : strlen(msg);
        int hl = snprintf(head, sizeof head, "%zu %d %zu %zu %zu %zu %zu\n", i, ok ? 0 : 1,
                          o.errors, o.warnings, tl, fl, ml);
        struct iovec iov[4] = {{head, (size_t)hl}, {o.text, tl}, {o.findings, fl}, {msg, ml}};
        if (i == die_at) { /* test hook: half of the record, then die */
            size_t keep = ((size_t)hl + tl + fl + ml) / 2;
            for (int k = 0; k < 4; k++) {
                if (iov[k].iov_len > keep) iov[k].iov_len = keep;
                keep -= iov[k].iov_len;
            }
            write_all(fd, iov, 4);
            raise(SIGKILL);
        }
        if (write_all(fd, iov, 4) != 0) break; /* the parent is gone */
    }
    outcome_clear(&o);
}

/* The parent's end of one worker's pipe: bytes read and not yet recorded are
 * buf[off, len) (the start of a record). */
typedef struct wpipe {
    int fd; /* -1 once closed */
    pid_t pid;
    char *buf;
    size_t off, len, cap;
} wpipe;

/* A record's header (the header comment). */
typedef struct rec_head {
    size_t index, errors, warnings, tl, fl, ml;
    bool failed;
} rec_head;

enum { HEAD_MAX = 160 }; /* seven numbers of 20 digits, six spaces and a newline fit */

/* Parses the header at p (n bytes there): its length with the newline; 0 while it is not
 * all there; -1 when it is not a header. */
static long parse_head(const char *p, size_t n, rec_head *h)
{
    const char *nl = memchr(p, '\n', n < HEAD_MAX ? n : HEAD_MAX);
    if (!nl) return n < HEAD_MAX ? 0 : -1;
    size_t v[7];
    const char *s = p;
    for (int k = 0; k < 7; k++) {
        if (k > 0 && *s++ != ' ') return -1;
        if (s >= nl || *s < '0' || *s > '9') return -1;
        size_t x = 0;
        for (; s < nl && *s >= '0' && *s <= '9'; s++) {
            if (x > (SIZE_MAX / 4 - 9) / 10) return -1;
            x = x * 10 + (size_t)(*s - '0');
        }
        v[k] = x;
    }
    if (s != nl || v[1] > 1) return -1;
    *h = (rec_head){v[0], v[2], v[3], v[4], v[5], v[6], v[1] == 1};
    /* each is under SIZE_MAX / 4; so is their sum */
    if (h->fl > SIZE_MAX / 4 - h->ml || h->tl > SIZE_MAX / 4 - h->fl - h->ml) return -1;
    return (long)(nl + 1 - p);
}

/* Records every complete record in w's buffer.  false when one is malformed. */
static bool take_records(tally *t, wpipe *w)
{
    for (;;) {
        const char *p = w->buf + w->off;
        size_t avail = w->len - w->off;
        rec_head h;
        long hl = parse_head(p, avail, &h);
        if (hl < 0) return false;
        if (hl == 0 || avail - (size_t)hl < h.tl + h.fl + h.ml) break;
        p += hl;
        outcome o = {0};
        o.errors = h.errors;
        o.warnings = h.warnings;
        if (h.tl) o.text = strndup(p, h.tl);
        if (h.fl) o.findings = strndup(p + h.tl, h.fl);
        char *err = h.failed ? strndup(p + h.tl + h.fl, h.ml) : NULL;
        record(t, h.index, &o, h.failed ? (err ? err : "out of memory") : NULL);
        free(err);
        w->off += (size_t)hl + h.tl + h.fl + h.ml;
    }
    if (w->off == w->len) {
        w->off = w->len = 0;
    } else if (w->off > 0) { /* the start of a record: to the front */
        memmove(w->buf, w->buf + w->off, w->len - w->off);
        w->len -= w->off;
        w->off = 0;
    }
    return true;
}

/* Reads what w's pipe has and records the records complete.  false at the pipe's end
 * (what is left of an unfinished record is dropped then), on an error, when a record is
 * malformed (the worker is killed) or out of memory. */
static bool read_pipe(tally *t, wpipe *w)
{
    enum { CHUNK = 65536 }; /* a pipe's whole buffer */
    if (w->cap - w->len < CHUNK) {
        size_t cap = w->cap ? w->cap * 2 : 2 * CHUNK;
        while (cap - w->len < CHUNK)
            cap *= 2;
        char *b = realloc(w->buf, cap);
        if (!b) {
            kill(w->pid, SIGKILL);
            return false;
        }
        w->buf = b;
        w->cap = cap;
    }
    ssize_t got = read(w->fd, w->buf + w->len, w->cap - w->len);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) return true;
    if (got <= 0) return false;
    w->len += (size_t)got;
    if (take_records(t, w)) return true;
    kill(w->pid, SIGKILL); /* not our protocol: its files count as failed */
    return false;
}

/* Forks up to n workers, each with a pipe of its own, reads their records until every
 * pipe has ended and waits for them.  Returns how many were started (0: none, and the
 * caller renders the files itself). */
static size_t run_workers(tally *t, const job *j, nianbao_engine *e, size_t first, size_t n)
{
    size_t *next =
        mmap(NULL, sizeof *next, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    wpipe *w = calloc(n, sizeof *w);
    struct pollfd *pfd = calloc(n, sizeof *pfd);
    size_t *which = calloc(n, sizeof *which);
    if (next == MAP_FAILED || !w || !pfd || !which) {
        if (next != MAP_FAILED) munmap(next, sizeof *next);
        free(w);
        free(pfd);
        free(which);
        return 0;
    }
    *next = first;
    const char *die = getenv("NIANBAO_BATCH_TEST_DIE");
    size_t die_at = die && *die ? strtoul(die, NULL, 10) : SIZE_MAX;
    size_t started = 0;
    fflush(NULL);
    for (; started < n; started++) {
        int fds[2];
        if (pipe(fds) != 0) break;
        pid_t pid = fork();
        if (pid == 0) {
            for (size_t k = 0; k < started; k++)
                close(w[k].fd);
            close(fds[0]);
            signal(SIGPIPE, SIG_DFL);
            worker(e, j, next, fds[1], die_at);
            _exit(0);
        }
        close(fds[1]);
        if (pid < 0) {
            close(fds[0]);
            break;
        }
        w[started].fd = fds[0];
        w[started].pid = pid;
    }
    size_t live = started;
    while (live > 0) {
        size_t np = 0;
        for (size_t k = 0; k < started; k++)
            if (w[k].fd >= 0) {
                pfd[np] = (struct pollfd){.fd = w[k].fd, .events = POLLIN};
                which[np++] = k;
            }
        if (poll(pfd, np, -1) < 0) {
            if (errno == EINTR) continue;
            pfd[0].revents = POLLIN; /* cannot poll: read the first one (it blocks) */
        }
        for (size_t q = 0; q < np; q++) {
            wpipe *p = &w[which[q]];
            if (!pfd[q].revents || read_pipe(t, p)) continue;
            close(p->fd);
            p->fd = -1;
            live--;
        }
    }
    for (size_t k = 0; k < started; k++) {
        int status;
        pid_t r;
        while ((r = waitpid(w[k].pid, &status, 0)) < 0 && errno == EINTR)
            ;
        if (r == w[k].pid && WIFSIGNALED(status))
            fprintf(stderr, _("%snianbao: a worker died (signal %d)\n"), t->tty ? "\n" : "",
                    WTERMSIG(status));
        free(w[k].buf);
    }
    free(w);
    free(pfd);
    free(which);
    munmap(next, sizeof *next);
    return started;
}

static int run(job *j, int jobs, nianbao_engine *e)
{
    tally t = {0};
    t.total = j->in.n;
    t.res = calloc(t.total, sizeof *t.res);
    t.reported = calloc(t.total, sizeof *t.reported);
    t.tty = isatty(STDERR_FILENO);
    t.t0 = now_ms() / 1e3;
    if (!t.res || !t.reported ||
        nianbao_engine_set_batch(e, t.total, j->o->preprocess) != NIANBAO_OK) {
        fprintf(stderr, _("nianbao: out of memory\n"));
        free(t.res);
        free(t.reported);
        return 3;
    }
    char msg[5300];
    outcome o = {0};
    /* Files here until one renders (at most a few): fonts and layouts are then loaded
     * once, before any fork, and the workers share them. */
    size_t first = 0;
    bool rendered = false;
    while (first < t.total && !rendered && first < 8) {
        rendered = render_one(e, j, first, msg, sizeof msg, &o);
        record(&t, first, &o, rendered ? NULL : msg);
        first++;
    }
    /* None rendered: nothing to measure, and the workers must not prepare faces each. */
    if (!rendered) nianbao_engine_set_batch(e, t.total - first, NIANBAO_PREPROCESS_NEVER);
    /* Then as long as the engine asks: one more file, to see what subsetting each face
     * costs once warm, and more while it prepares the faces worth it on its thread. */
    while (first < t.total && nianbao_engine_busy(e)) {
        bool ok = render_one(e, j, first, msg, sizeof msg, &o);
        record(&t, first, &o, ok ? NULL : msg);
        first++;
    }

    size_t nworkers = (size_t)jobs;
    if (nworkers > t.total - first) nworkers = t.total - first;
    if (nworkers > 1 && run_workers(&t, j, e, first, nworkers) == 0) {
        fprintf(stderr, _("nianbao: could not start worker processes; rendering in one\n"));
        nworkers = 1;
    }
    if (nworkers <= 1)
        for (size_t i = first; i < t.total; i++) {
            bool ok = render_one(e, j, i, msg, sizeof msg, &o);
            record(&t, i, &o, ok ? NULL : msg);
        }
    outcome_clear(&o);
    /* One sync of the output folder's file system for all the files written. */
    int dfd = open(j->outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || syncfs(dfd) != 0)
        fprintf(stderr, _("%snianbao: cannot sync the output folder %s: %s\n"), t.tty ? "\n" : "",
                j->outdir, strerror(errno));
    if (dfd >= 0) close(dfd);
    if (t.tty) fputc('\n', stderr);
    double el = now_ms() / 1e3 - t.t0;
    size_t nerr = 0, nwarn = 0;
    for (size_t i = 0; i < t.total; i++) {
        const outcome *r = &t.res[i];
        nerr += r->errors;
        nwarn += r->warnings;
        if (!j->o->json && r->text && (!j->o->quiet || r->errors)) fputs(r->text, stderr);
        if (r->error)
            fprintf(stderr, _("nianbao: failed: %s\n"), r->error);
        else if (!t.reported[i])
            fprintf(stderr, _("nianbao: failed: %s: not rendered (its worker stopped)\n"),
                    j->in.items[i]);
        if (!j->o->json)
            fprintf(stderr, _("%s: %zu errors, %zu warnings\n"), j->in.items[i], r->errors,
                    r->warnings);
    }
    size_t failed = t.total - (t.done - t.failed);
    if (j->o->json) {
        fputs("{\"files\": [", stdout);
        for (size_t i = 0; i < t.total; i++) {
            const outcome *r = &t.res[i];
            fputs(i ? ",\n  {\"file\": " : "\n  {\"file\": ", stdout);
            json_string(j->in.items[i]);
            printf(", \"status\": \"%s\", \"findings\": %s, \"errors\": %zu, \"warnings\": %zu, "
                   "\"error\": ",
                   !t.reported[i] ? "not_rendered"
                   : r->error     ? "failed"
                                  : "rendered",
                   r->findings ? r->findings : "[]", r->errors, r->warnings);
            if (r->error)
                json_string(r->error);
            else if (!t.reported[i])
                json_string(_("not rendered: its worker stopped"));
            else
                fputs("null", stdout);
            putchar('}');
        }
        printf("\n], \"errors\": %zu, \"warnings\": %zu, \"failed\": %zu}\n", nerr, nwarn, failed);
        fflush(stdout);
    }
    fprintf(stderr, _("nianbao: batch: %zu of %zu rendered, %zu failed, %.2f s, %.1f reports/s\n"),
            t.total - failed, t.total, failed, el, el > 0 ? (double)(t.total - failed) / el : 0.0);
    for (size_t i = 0; i < t.total; i++)
        outcome_clear(&t.res[i]);
    free(t.res);
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
        fprintf(stderr, _("nianbao: --batch %s: no data files\n"), src);
        list_free(&j.in);
        return 2;
    }
    struct stat sb;
    if (stat(outdir, &sb) != 0) {
        if (mkdir(outdir, 0777) != 0) {
            fprintf(stderr, _("nianbao: cannot create the output folder %s: %s\n"), outdir,
                    strerror(errno));
            list_free(&j.in);
            return 2;
        }
    } else if (!S_ISDIR(sb.st_mode)) {
        fprintf(stderr, _("nianbao: --batch: the output %s is not a folder\n"), outdir);
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
            fprintf(stderr, _("nianbao: out of memory\n"));
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
