/* files.c — the nianbao command's file handling (see files.h). */
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdint.h>
#include <time.h>
#include <sys/random.h>
#include <unistd.h>

#include "i18n.h"
#include "nianbao.h"

#ifndef NIANBAO_BIN_TO_DATA
#define NIANBAO_BIN_TO_DATA "../share/nianbao"
#endif
#ifndef NIANBAO_BIN_TO_LOCALE
#define NIANBAO_BIN_TO_LOCALE "../share/locale"
#endif
#ifndef NIANBAO_BUILD_LOCALEDIR
#define NIANBAO_BUILD_LOCALEDIR "locale"
#endif
#ifndef NIANBAO_SOURCE_DIR
#define NIANBAO_SOURCE_DIR "."
#endif

int cli_read_input(const char *path, char **text, size_t *len_out, char *msg, size_t msglen)
{
    *text = NULL;
    *len_out = 0;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused just below). */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        snprintf(msg, msglen, _("%s: cannot open: %s"), path,
                 errno == ENOENT ? _("no such file") : strerror(errno));
        return 2;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        snprintf(msg, msglen, _("%s: not a regular file"), path);
        return 2;
    }
    if (sb.st_size > NIANBAO_MAX_INPUT) {
        close(fd);
        snprintf(msg, msglen, _("%s: file is %lld bytes, more than the limit of %d"), path,
                 (long long)sb.st_size, NIANBAO_MAX_INPUT);
        return 2;
    }
    /* Read to the end, whatever the size said (files in /proc say 0; a file may grow). */
    size_t cap = (size_t)sb.st_size + 1, len = 0;
    if (cap < 4096) cap = 4096;
    char *buf = malloc(cap);
    int rc = buf ? 0 : 3;
    while (rc == 0) {
        if (len + 1 >= cap) {
            if (len > (size_t)NIANBAO_MAX_INPUT) break;
            size_t ncap =
                cap * 2 > (size_t)NIANBAO_MAX_INPUT + 2 ? (size_t)NIANBAO_MAX_INPUT + 2 : cap * 2;
            char *grown = realloc(buf, ncap);
            if (!grown) {
                rc = 3;
                break;
            }
            buf = grown;
            cap = ncap;
        }
        ssize_t n = read(fd, buf + len, cap - 1 - len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            snprintf(msg, msglen, _("%s: read error: %s"), path, strerror(errno));
            rc = 2;
        }
        if (n <= 0) break;
        len += (size_t)n;
    }
    close(fd);
    if (rc == 3) snprintf(msg, msglen, _("%s: out of memory"), path);
    if (rc == 0 && len > (size_t)NIANBAO_MAX_INPUT) {
        snprintf(msg, msglen, _("%s: file is more than the limit of %d bytes"), path,
                 NIANBAO_MAX_INPUT);
        rc = 2;
    }
    if (rc) {
        free(buf);
        return rc;
    }
    buf[len] = '\0';
    *text = buf;
    *len_out = len;
    return 0;
}

int cli_output_check(const char *path, const char *const *inputs, size_t ninputs, char *msg,
                     size_t msglen)
{
    struct stat tst;
    if (!path || strcmp(path, "-") == 0 || stat(path, &tst) != 0) return 0;
    if (!S_ISREG(tst.st_mode) && !S_ISDIR(tst.st_mode)) {
        snprintf(msg, msglen,
                 _("refusing to write %s: not a regular file (-o - writes to standard output)"),
                 path);
        return 2;
    }
    for (size_t i = 0; i < ninputs; i++) {
        struct stat ist;
        if (inputs[i] && stat(inputs[i], &ist) == 0 && ist.st_dev == tst.st_dev &&
            ist.st_ino == tst.st_ino) {
            snprintf(msg, msglen, _("refusing to write %s: it is the input file %s"), path,
                     inputs[i]);
            return 2;
        }
    }
    return 0;
}

static int write_all(int fd, const unsigned char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return w < 0 ? errno : EIO;
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Creates "<dir>/.<name>.XXXXXX" beside `path` with a random suffix, O_EXCL, and the mode
 * 0666 that the kernel narrows by the process's umask (or the folder's default ACL), as it
 * does for any new file: mkstemp would make it 0600, and reading the umask means setting
 * it, a process-wide change another thread could see.  Returns the descriptor and the
 * malloc'd name in *tmp_out, or -1 with errno set. */
static int create_beside(const char *path, char **tmp_out)
{
    static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) : 0;
    const char *base = slash ? slash + 1 : path;
    size_t tlen = dirlen + strlen(base) + 16;
    char *tmp = malloc(tlen);
    if (!tmp) {
        errno = ENOMEM;
        return -1;
    }
    for (int attempt = 0; attempt < 100; attempt++) {
        unsigned char rnd[6];
        if (getrandom(rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd) {
            /* no entropy yet (early boot): time, process and attempt still make a name
             * unlikely to be taken, and O_EXCL makes a taken one harmless */
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            uint64_t x = (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15ull ^ (uint64_t)getpid() << 20 ^
                         (uint64_t)attempt;
            for (size_t k = 0; k < sizeof rnd; k++)
                rnd[k] = (unsigned char)(x >> (8 * k));
        }
        char sfx[7];
        for (size_t k = 0; k < 6; k++)
            sfx[k] = chars[rnd[k] % (sizeof chars - 1)];
        sfx[6] = '\0';
        if (slash)
            snprintf(tmp, tlen, "%.*s/.%s.%s", (int)dirlen, path, base, sfx);
        else
            snprintf(tmp, tlen, ".%s.%s", base, sfx);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            *tmp_out = tmp;
            return fd;
        }
        if (errno != EEXIST) break;
    }
    int e = errno;
    free(tmp);
    errno = e;
    return -1;
}

int cli_write_atomic(const char *path, const void *data, size_t len, bool sync, char *msg,
                     size_t msglen)
{
    if (!path || !*path) {
        snprintf(msg, msglen, _("no output file given"));
        return 2;
    }
    if (strcmp(path, "-") == 0) {
        int err = write_all(STDOUT_FILENO, data, len);
        if (err) {
            snprintf(msg, msglen, _("cannot write standard output: %s"), strerror(err));
            return 2;
        }
        return 0;
    }
    struct stat tst;
    bool exists = stat(path, &tst) == 0;
    /* Temporary file beside the target: ".<name>.XXXXXX" in the same folder. */
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) : 0;
    char *tmp = NULL;
    int fd = create_beside(path, &tmp);
    if (fd < 0) {
        int e = errno;
        if (e == ENOMEM) {
            snprintf(msg, msglen, _("out of memory writing %s"), path);
            return 3;
        }
        snprintf(msg, msglen, _("cannot write %s: %s"), path, strerror(e));
        return 2;
    }
    /* Rewriting keeps the earlier file's permissions; a new file has the mode it was made
     * with (0666 less the umask, applied by the kernel). */
    int err = 0;
    if (exists && fchmod(fd, tst.st_mode & 07777) != 0) err = errno;
    if (!err) err = write_all(fd, data, len);
    if (!err && sync && fsync(fd) != 0) err = errno;
    if (close(fd) != 0 && !err) err = errno;
    if (!err && rename(tmp, path) != 0) err = errno;
    if (err) {
        unlink(tmp);
        free(tmp);
        snprintf(msg, msglen, _("cannot write %s: %s"), path, strerror(err));
        return 2;
    }
    free(tmp);
    if (sync) { /* make the rename durable; a failure here does not undo a complete write */
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%.*s", slash ? (dirlen ? (int)dirlen : 1) : 1,
                 slash ? path : ".");
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    }
    return 0;
}

static bool has_layouts(const char *dir)
{
    char path[PATH_MAX];
    struct stat sb;
    return snprintf(path, sizeof path, "%s/layouts", dir) < (int)sizeof path &&
           stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* "<the running program's folder>/<rel>" into out; false when it cannot be known. */
static bool beside_exe(const char *rel, char *out, size_t n)
{
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0) return false;
    exe[len] = '\0';
    return snprintf(out, n, "%s/%s", dirname(exe), rel) < (int)n;
}

char *cli_datadir(void)
{
    const char *env = getenv("NIANBAO_DATADIR");
    if (env && *env) return strdup(env);
    char installed[2 * PATH_MAX], real[PATH_MAX];
    if (beside_exe(NIANBAO_BIN_TO_DATA, installed, sizeof installed) && has_layouts(installed) &&
        realpath(installed, real))
        return strdup(real);
    return strdup(NIANBAO_SOURCE_DIR);
}

char *cli_localedir(void)
{
    char installed[2 * PATH_MAX], mo[2 * PATH_MAX + 40], real[PATH_MAX];
    struct stat sb;
    if (beside_exe(NIANBAO_BIN_TO_LOCALE, installed, sizeof installed) &&
        snprintf(mo, sizeof mo, "%s/zh_CN/LC_MESSAGES/nianbao.mo", installed) < (int)sizeof mo &&
        stat(mo, &sb) == 0 && S_ISREG(sb.st_mode) && realpath(installed, real))
        return strdup(real);
    return strdup(NIANBAO_BUILD_LOCALEDIR);
}

char *cli_beside_self(const char *name)
{
    char path[2 * PATH_MAX];
    return beside_exe(name, path, sizeof path) ? strdup(path) : NULL;
}

void cli_init_locale(void)
{
    setlocale(LC_ALL, "");
    char *localedir = cli_localedir();
    if (localedir) {
        bindtextdomain("nianbao", localedir);
        free(localedir);
    }
    bind_textdomain_codeset("nianbao", "UTF-8");
    textdomain("nianbao");
}

const char *cli_language(void)
{
    const char *m = setlocale(LC_MESSAGES, NULL);
    return m && m[0] == 'z' && m[1] == 'h' ? "zh" : NULL;
}
