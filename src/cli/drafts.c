/* drafts.c — versions of the reports being edited, kept in a folder (see drafts.h).
 *
 * Layout on disk: DIR/NAME/NNNN.json.  Every file operation goes through openat/renameat/
 * unlinkat relative to descriptors of DIR and DIR/NAME opened with O_NOFOLLOW, and names
 * are checked with hr_draft_name_ok, so neither a name nor a symbolic link planted inside
 * DIR leads outside it.  A save is: temporary file ".tmp-PID-N" in DIR/NAME, write, fsync,
 * rename to the next number, fsync the folder, then remove versions beyond DRAFTS_KEEP and
 * any temporary file a crash left.
 */
#include "drafts.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http_req.h"
#include "i18n.h"

/* The messages of a draft's save, load and listing reach the clerk in the editor's page,
 * which is Chinese whatever the server's locale: they are written in Chinese.  Only
 * drafts_open's, for the person starting the server, follow the locale (_()). */
#define NOT_A_NAME "草稿名无效：只能用汉字、字母、数字、- 和 _，最长 100 字节"
_Static_assert(HR_NAME_MAX == 100, "NOT_A_NAME names the longest draft name");

struct drafts {
    int fd; /* DIR */
    char *dir;
    pthread_mutex_t lock;
    unsigned long tmp_counter;
};

/* The largest file a version may be (the JSON reader's limit). */
#define DRAFT_MAX_BYTES (16u * 1024 * 1024)

static int mkdir_p(const char *dir)
{
    char buf[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof buf) return -1;
    memcpy(buf, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0700) != 0 && errno != EEXIST) return -1;
            buf[i] = c;
        }
    }
    return 0;
}

int drafts_open(const char *dir, drafts **out, char *msg, size_t msglen)
{
    *out = NULL;
    if (mkdir_p(dir) != 0) {
        snprintf(msg, msglen, _("drafts folder %s: cannot create it: %s"), dir, strerror(errno));
        return -1;
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(msg, msglen, _("drafts folder %s: %s"), dir, strerror(errno));
        return -1;
    }
    drafts *d = calloc(1, sizeof *d);
    if (!d || !(d->dir = strdup(dir))) {
        free(d);
        close(fd);
        snprintf(msg, msglen, "%s", _("out of memory"));
        return -1;
    }
    d->fd = fd;
    pthread_mutex_init(&d->lock, NULL);
    *out = d;
    return 0;
}

void drafts_close(drafts *d)
{
    if (!d) return;
    close(d->fd);
    pthread_mutex_destroy(&d->lock);
    free(d->dir);
    free(d);
}

/* The version number of a file name "NNNN.json" (at least 4 digits, at most 9), or 0. */
static unsigned long version_of(const char *fname)
{
    size_t n = strspn(fname, "0123456789");
    if (n < 4 || n > 9 || strcmp(fname + n, ".json") != 0) return 0;
    return strtoul(fname, NULL, 10);
}

static int cmp_ulong(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return x < y ? -1 : x > y;
}

/* The versions in the draft folder `dfd`, sorted (malloc'd *v, *n entries).  With
 * `clean_tmp`, temporary files a crash left are removed on the way.  0 or -1 (errno). */
static int scan_versions(int dfd, unsigned long **v, size_t *n, bool clean_tmp)
{
    *v = NULL;
    *n = 0;
    int fd2 = dup(dfd);
    if (fd2 < 0) return -1;
    DIR *dir = fdopendir(fd2);
    if (!dir) {
        close(fd2);
        return -1;
    }
    rewinddir(dir);
    size_t cap = 0;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(dir))) {
        if (clean_tmp && strncmp(e->d_name, ".tmp-", 5) == 0) {
            unlinkat(dfd, e->d_name, 0);
            continue;
        }
        unsigned long ver = version_of(e->d_name);
        if (!ver) continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            unsigned long *nv = realloc(*v, cap * sizeof **v);
            if (!nv) {
                rc = -1;
                break;
            }
            *v = nv;
        }
        (*v)[(*n)++] = ver;
    }
    closedir(dir);
    if (rc) {
        free(*v);
        *v = NULL;
        *n = 0;
        return -1;
    }
    if (*n) qsort(*v, *n, sizeof **v, cmp_ulong);
    return 0;
}

static void version_name(char *buf, size_t cap, unsigned long v)
{
    snprintf(buf, cap, "%04lu.json", v);
}

/* Reads the regular file `fname` in folder `dfd` (not following links). */
static int read_at(int dfd, const char *fname, char **text, size_t *len)
{
    int fd = openat(dfd, fname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return -1;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)DRAFT_MAX_BYTES) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    size_t size = (size_t)st.st_size;
    char *buf = malloc(size + 1);
    if (!buf) {
        close(fd);
        return -1;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    close(fd);
    buf[got] = '\0';
    *text = buf;
    *len = got;
    return 0;
}

/* Whether errno says a name in the folder is not what drafts.c makes there (a symbolic
 * link, a file where a folder should be, a folder where a version should be): the
 * request is then refused (409) and nothing is followed. */
static bool not_ours(int e)
{
    return e == ELOOP || e == ENOTDIR || e == EINVAL || e == EISDIR;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The versions of an open draft's folder, oldest first (malloc'd); 0, or 500 with the
 * message in msg. */
static int list_versions(int dfd, const char *name, bool clean_tmp, unsigned long **vers, size_t *n,
                         char *msg, size_t msglen)
{
    if (scan_versions(dfd, vers, n, clean_tmp) == 0) return 0;
    snprintf(msg, msglen, "草稿“%s”：无法列出各版本：%s", name, strerror(errno));
    return 500;
}

/* 0 for a draft name hr_draft_name_ok accepts, else 400 with the message in msg. */
static int check_name(const char *name, char *msg, size_t msglen)
{
    if (hr_draft_name_ok(name, strlen(name))) return 0;
    snprintf(msg, msglen, "%s", NOT_A_NAME);
    return 400;
}

/* Opens DIR/NAME (creating it when `create`); -1 with errno ENOENT when it is missing. */
static int open_draft(drafts *d, const char *name, bool create)
{
    int dfd = openat(d->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd >= 0 || !create || errno != ENOENT) return dfd;
    if (mkdirat(d->fd, name, 0700) != 0 && errno != EEXIST) return -1;
    fsync(d->fd);
    return openat(d->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

int drafts_put(drafts *d, const char *name, const char *data, size_t len, unsigned long *version,
               int *unchanged, char *msg, size_t msglen)
{
    *version = 0;
    *unchanged = 0;
    int bad = check_name(name, msg, msglen);
    if (bad) return bad;
    pthread_mutex_lock(&d->lock);
    int status = 500, dfd = -1, fd = -1;
    unsigned long *vers = NULL;
    size_t nvers = 0;
    char tmp[64] = "", fname[32];
    dfd = open_draft(d, name, true);
    if (dfd < 0) {
        status = not_ours(errno) ? 409 : 500;
        snprintf(msg, msglen, "草稿“%s”：无法打开它在 %s 中的文件夹：%s", name, d->dir,
                 strerror(errno));
        goto done;
    }
    if (list_versions(dfd, name, true, &vers, &nvers, msg, msglen)) goto done;
    unsigned long latest = nvers ? vers[nvers - 1] : 0;
    if (latest) {
        char *old;
        size_t oldlen;
        version_name(fname, sizeof fname, latest);
        if (read_at(dfd, fname, &old, &oldlen) == 0) {
            bool same = oldlen == len && memcmp(old, data, len) == 0;
            free(old);
            if (same) {
                *version = latest;
                *unchanged = 1;
                status = 0;
                goto done;
            }
        }
    }
    if (latest >= 999999999UL) {
        snprintf(msg, msglen, "草稿“%s”：版本号已到上限，请另存为新名称", name);
        goto done;
    }
    snprintf(tmp, sizeof tmp, ".tmp-%ld-%lu", (long)getpid(), ++d->tmp_counter);
    fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        snprintf(msg, msglen, "草稿“%s”：无法写入 %s：%s（请检查磁盘空间和文件夹权限）", name,
                 d->dir, strerror(errno));
        goto done;
    }
    close(fd);
    fd = -1;
    version_name(fname, sizeof fname, latest + 1);
    if (renameat(dfd, tmp, dfd, fname) != 0) {
        snprintf(msg, msglen, "草稿“%s”：新版本无法存放到位：%s", name, strerror(errno));
        goto done;
    }
    tmp[0] = '\0';
    fsync(dfd);
    *version = latest + 1;
    /* the new version is safe: drop those beyond the last DRAFTS_KEEP */
    size_t total = nvers + 1;
    for (size_t i = 0; total > DRAFTS_KEEP && i < nvers; i++, total--) {
        char old[32];
        version_name(old, sizeof old, vers[i]);
        unlinkat(dfd, old, 0);
    }
    status = 0;
done:
    if (fd >= 0) close(fd);
    if (tmp[0] && dfd >= 0) unlinkat(dfd, tmp, 0);
    if (dfd >= 0) close(dfd);
    free(vers);
    pthread_mutex_unlock(&d->lock);
    return status;
}

/* The folder of an existing draft (under d's lock), or -1 with *status (404 no such draft,
 * 409 a planted link or file, 500) and the message in msg. */
static int open_existing(drafts *d, const char *name, int *status, char *msg, size_t msglen)
{
    int dfd = open_draft(d, name, false);
    if (dfd < 0) {
        int e = errno;
        *status = e == ENOENT ? 404 : not_ours(e) ? 409 : 500;
        snprintf(msg, msglen, "草稿“%s”：%s", name, *status == 404 ? "没有这个草稿" : strerror(e));
    }
    return dfd;
}

int drafts_get(drafts *d, const char *name, unsigned long version, char **text, size_t *len,
               char *msg, size_t msglen)
{
    *text = NULL;
    *len = 0;
    int bad = check_name(name, msg, msglen);
    if (bad) return bad;
    pthread_mutex_lock(&d->lock);
    int status = 500;
    unsigned long *vers = NULL;
    size_t nvers = 0;
    int dfd = open_existing(d, name, &status, msg, msglen);
    if (dfd < 0) goto done;
    if (version == 0) {
        if (list_versions(dfd, name, false, &vers, &nvers, msg, msglen)) goto done;
        if (nvers == 0) {
            status = 404;
            snprintf(msg, msglen, "草稿“%s”：还没有保存过任何版本", name);
            goto done;
        }
        version = vers[nvers - 1];
    }
    char fname[32];
    version_name(fname, sizeof fname, version);
    if (read_at(dfd, fname, text, len) != 0) {
        status = errno == ENOENT ? 404 : not_ours(errno) ? 409 : 500;
        snprintf(msg, msglen, "草稿“%s”第 %lu 版：%s", name, version,
                 status == 404 ? "没有这个版本" : strerror(errno));
        goto done;
    }
    status = 0;
done:
    if (dfd >= 0) close(dfd);
    free(vers);
    pthread_mutex_unlock(&d->lock);
    return status;
}

/* Adds {"version", "modified", "size"} of version v of folder dfd to `arr`. */
static void add_version(cJSON *arr, int dfd, unsigned long v)
{
    char fname[32];
    version_name(fname, sizeof fname, v);
    struct stat st;
    if (fstatat(dfd, fname, &st, AT_SYMLINK_NOFOLLOW) != 0) return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "version", (double)v);
    cJSON_AddNumberToObject(o, "modified",
                            (double)st.st_mtim.tv_sec * 1000.0 + st.st_mtim.tv_nsec / 1000000);
    cJSON_AddNumberToObject(o, "size", (double)st.st_size);
    cJSON_AddItemToArray(arr, o);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int drafts_list_json(drafts *d, char **json, char *msg, size_t msglen)
{
    *json = NULL;
    pthread_mutex_lock(&d->lock);
    int status = 500;
    char **names = NULL;
    size_t n = 0, cap = 0;
    cJSON *root = NULL;
    int fd2 = dup(d->fd);
    DIR *dir = fd2 >= 0 ? fdopendir(fd2) : NULL;
    if (!dir) {
        if (fd2 >= 0) close(fd2);
        snprintf(msg, msglen, "草稿文件夹 %s：%s", d->dir, strerror(errno));
        goto done;
    }
    rewinddir(dir);
    struct dirent *e;
    while ((e = readdir(dir))) {
        if (!hr_draft_name_ok(e->d_name, strlen(e->d_name))) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **nn = realloc(names, cap * sizeof *names);
            if (!nn) break;
            names = nn;
        }
        if (!(names[n] = strdup(e->d_name))) break;
        n++;
    }
    closedir(dir);
    if (n) qsort(names, n, sizeof *names, cmp_str);
    root = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(root, "drafts");
    for (size_t i = 0; i < n; i++) {
        int dfd = open_draft(d, names[i], false);
        if (dfd < 0) continue;
        unsigned long *vers;
        size_t nv;
        if (scan_versions(dfd, &vers, &nv, false) == 0 && nv > 0) {
            cJSON *tmp = cJSON_CreateArray();
            add_version(tmp, dfd, vers[nv - 1]);
            cJSON *latest = cJSON_DetachItemFromArray(tmp, 0);
            cJSON_Delete(tmp);
            if (latest) {
                cJSON_AddItemToObject(latest, "name", cJSON_CreateString(names[i]));
                cJSON_AddNumberToObject(latest, "versions", (double)nv);
                cJSON_AddItemToArray(arr, latest);
            }
        }
        free(vers);
        close(dfd);
    }
    *json = cJSON_PrintUnformatted(root);
    status = *json ? 0 : 500;
    if (!*json) snprintf(msg, msglen, "内存不足");
done:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    cJSON_Delete(root);
    pthread_mutex_unlock(&d->lock);
    return status;
}

int drafts_versions_json(drafts *d, const char *name, char **json, char *msg, size_t msglen)
{
    *json = NULL;
    int bad = check_name(name, msg, msglen);
    if (bad) return bad;
    pthread_mutex_lock(&d->lock);
    int status = 500;
    unsigned long *vers = NULL;
    size_t nv = 0;
    int dfd = open_existing(d, name, &status, msg, msglen);
    if (dfd < 0) goto done;
    if (list_versions(dfd, name, false, &vers, &nv, msg, msglen)) goto done;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "name", name);
    cJSON *arr = cJSON_AddArrayToObject(root, "versions");
    for (size_t i = 0; i < nv; i++)
        add_version(arr, dfd, vers[i]);
    *json = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    status = *json ? 0 : 500;
    if (!*json) snprintf(msg, msglen, "内存不足");
done:
    if (dfd >= 0) close(dfd);
    free(vers);
    pthread_mutex_unlock(&d->lock);
    return status;
}
