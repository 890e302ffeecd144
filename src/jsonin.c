#include "jsonin.h"
#include "utf8.h"

#include <cjson/cJSON.h>
#include <hb.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

static void line_col(const char *text, size_t off, size_t *line, size_t *col)
{
    size_t l = 1, c = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            l++;
            c = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            c++; /* count characters, not bytes */
        }
    }
    *line = l;
    *col = c;
}

/* One pass over the raw text, outside and inside strings: nesting depth, an upper bound on
 * the number of values (every '[', '{' and ',' outside strings starts at most one more) and
 * "\u0000" escapes (a NUL inside a string would cut it short).  On failure *where is the
 * offending byte and the return value says which limit was hit. */
typedef enum { SCAN_OK, SCAN_DEEP, SCAN_MANY, SCAN_NUL_ESCAPE } scan_result;

static scan_result prescan(const char *t, size_t len, size_t *where, size_t *open_string,
                           int *open_depth)
{
    *open_string = SIZE_MAX; /* where a string that is never closed starts */
    int depth = 0;
    size_t values = 1;
    bool in_str = false;
    for (size_t i = 0; i < len; i++) {
        char c = t[i];
        if (in_str) {
            if (c == '\\') {
                if (i + 5 < len && memcmp(t + i + 1, "u0000", 5) == 0) {
                    *where = i;
                    return SCAN_NUL_ESCAPE;
                }
                i++;
            } else if (c == '"') {
                in_str = false;
            }
            continue;
        }
        if (c == '"') {
            in_str = true;
            *open_string = i;
        } else if (c == '{' || c == '[' || c == ',') {
            if (c != ',' && ++depth > NB_JSON_MAX_DEPTH) {
                *where = i;
                return SCAN_DEEP;
            }
            if (++values > NB_JSON_MAX_VALUES) {
                *where = i;
                return SCAN_MANY;
            }
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    if (!in_str) *open_string = SIZE_MAX;
    *open_depth = depth;
    return SCAN_OK;
}

/* A JSON path for messages, built while walking the tree: "$.a.b[3]". */
typedef struct jpath {
    char buf[400];
    size_t len;
} jpath;

static size_t jpath_push(jpath *p, const cJSON *parent, const cJSON *child, int index)
{
    size_t old = p->len, room = sizeof p->buf - p->len;
    int n = cJSON_IsArray(parent) ? snprintf(p->buf + p->len, room, "[%d]", index)
                                  : snprintf(p->buf + p->len, room, ".%s", child->string);
    if (n < 0 || (size_t)n >= room) {
        /* Too long for a message: end it with "…" and keep that. */
        memcpy(p->buf + sizeof p->buf - 4, "\xE2\x80\xA6", 4);
        p->len = sizeof p->buf - 1;
    } else {
        p->len += (size_t)n;
    }
    return old;
}

/* The first run of more than NB_JSON_MAX_MARKS combining marks (canonical combining class
 * not 0) in a row: the character offset where it starts, or SIZE_MAX.  Unicode's
 * stream-safe text format (UAX #15) allows 30; no writing system needs more, and shaping
 * a long run costs time quadratic in its length. */
static size_t long_mark_run(const char *s, size_t len)
{
    hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();
    size_t run = 0, chars = 0, start = 0;
    for (size_t i = 0; i < len; chars++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) { /* ASCII never combines */
            run = 0;
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = nb_utf8_decode(s + i, len - i, &cp);
        if (n == 0) return SIZE_MAX; /* cannot happen: the text was checked already */
        i += n;
        if (hb_unicode_combining_class(uf, cp) == HB_UNICODE_COMBINING_CLASS_NOT_REORDERED) {
            run = 0;
            continue;
        }
        if (run++ == 0) start = chars;
        if (run > NB_JSON_MAX_MARKS) return start;
    }
    return SIZE_MAX;
}

/* Every string and key within NB_JSON_MAX_STRING, every number finite, no string with a
 * run of more than NB_JSON_MAX_MARKS combining marks. */
static nb_code check_values(const char *name, const cJSON *node, jpath *p, nb_status *st)
{
    if (cJSON_IsString(node) && node->valuestring) {
        size_t n = strlen(node->valuestring);
        if (n > NB_JSON_MAX_STRING)
            return nb_fail(st, NB_ERR_LIMIT,
                           "%s: %s: string of %zu bytes, more than the limit of %d (1 MiB)", name,
                           p->buf, n, NB_JSON_MAX_STRING);
        size_t at = long_mark_run(node->valuestring, n);
        if (at != SIZE_MAX)
            return nb_fail(st, NB_ERR_LIMIT,
                           "%s: %s: more than %d combining marks in a row (from character %zu)",
                           name, p->buf, NB_JSON_MAX_MARKS, at + 1);
    } else if (cJSON_IsNumber(node) && !isfinite(node->valuedouble)) {
        return nb_fail(st, NB_ERR_JSON,
                       "%s: %s: number out of range (beyond ±1.8e308; JSON numbers must be finite)",
                       name, p->buf);
    }
    int i = 0;
    for (const cJSON *c = node->child; c; c = c->next, i++) {
        if (c->string && strlen(c->string) > NB_JSON_MAX_STRING)
            return nb_fail(st, NB_ERR_LIMIT,
                           "%s: %s: a key of %zu bytes, more than the limit of %d (1 MiB)", name,
                           p->buf, strlen(c->string), NB_JSON_MAX_STRING);
        size_t old = jpath_push(p, node, c, i);
        if (check_values(name, c, p, st)) return st->code;
        p->len = old;
        p->buf[old] = '\0';
    }
    return NB_OK;
}

/* A hint after a syntax error at `near`, for the mistakes people make. */
static const char *syntax_hint(const char *near, bool after_quote)
{
    static const char *const nonfinite[] = {"NaN",       "-NaN", "Infinity", "-Infinity",
                                            "+Infinity", "nan",  "inf",      "-inf"};
    for (size_t i = 0; i < sizeof nonfinite / sizeof nonfinite[0]; i++)
        if (strncmp(near, nonfinite[i], strlen(nonfinite[i])) == 0)
            return " (NaN and Infinity are not JSON numbers: write a number)";
    if (near[0] == '\'' || after_quote) return " (JSON strings take double quotes)";
    if (near[0] == '}' || near[0] == ']') return " (a comma before it?)";
    return "";
}

nb_code nb_json_parse(const char *name, const char *text, size_t len, nb_json_doc *out,
                      nb_status *st)
{
    memset(out, 0, sizeof *out);
    if (len > NB_JSON_MAX_FILE)
        return nb_fail(st, NB_ERR_LIMIT, "%s: file is %zu bytes, more than the limit of %d", name,
                       len, NB_JSON_MAX_FILE);
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        return nb_fail(st, NB_ERR_JSON,
                       "%s: starts with a byte-order mark (U+FEFF); save it as UTF-8 without BOM",
                       name);
    size_t bad;
    if (!nb_utf8_valid(text, len, &bad)) {
        size_t line, col;
        line_col(text, bad, &line, &col);
        return nb_fail(st, NB_ERR_JSON, "%s:%zu:%zu: invalid UTF-8 (byte 0x%02X at offset %zu)",
                       name, line, col, (unsigned char)text[bad], bad);
    }
    if (memchr(text, '\0', len) != NULL) {
        size_t off = (size_t)((const char *)memchr(text, '\0', len) - text), line, col;
        line_col(text, off, &line, &col);
        return nb_fail(st, NB_ERR_JSON, "%s:%zu:%zu: NUL byte in the file", name, line, col);
    }
    size_t where = 0, open_string;
    int open_depth = 0;
    scan_result sr = prescan(text, len, &where, &open_string, &open_depth);
    if (sr != SCAN_OK) {
        size_t line, col;
        line_col(text, where, &line, &col);
        if (sr == SCAN_DEEP)
            return nb_fail(st, NB_ERR_LIMIT, "%s:%zu:%zu: nested more than %d levels deep", name,
                           line, col, NB_JSON_MAX_DEPTH);
        if (sr == SCAN_MANY)
            return nb_fail(st, NB_ERR_LIMIT, "%s:%zu:%zu: more than %d values in one document",
                           name, line, col, NB_JSON_MAX_VALUES);
        return nb_fail(st, NB_ERR_JSON, "%s:%zu:%zu: \\u0000 (a NUL character) in a string", name,
                       line, col);
    }
    const char *end = NULL;
    /* cJSON returns NULL for a syntax error and for memory running out alike; malloc sets
     * errno to ENOMEM when it fails, and nothing else cJSON calls while parsing does. */
    errno = 0;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, false);
    if (root == NULL && errno == ENOMEM)
        return nb_fail(st, NB_ERR_NOMEM, "%s: out of memory parsing the JSON", name);
    if (root == NULL) {
        size_t off = end ? (size_t)(end - text) : 0;
        if (off > len) off = len;
        size_t line, col;
        line_col(text, off, &line, &col);
        char near[24] = {0};
        size_t k = 0;
        for (size_t i = off; i < len && k < 12 && text[i] != '\n'; i++)
            near[k++] = text[i];
        /* Never end the excerpt inside a character (the input is valid UTF-8 by now). */
        while (k > 0 && off + k < len && ((unsigned char)text[off + k] & 0xC0) == 0x80)
            k--;
        near[k] = '\0';
        /* At the end of the file (only white space left, or an array or object left open
         * with nothing structural after the last value), say so: cJSON points at the
         * start of the value it could not finish. */
        size_t rest = off;
        while (rest < len && strchr(" \t\r\n", text[rest]))
            rest++;
        bool structural = false;
        for (size_t i = off; i < len && open_string == SIZE_MAX; i++)
            if (strchr(",:[]{}\"", text[i])) structural = true;
        /* ...or it ends just after a '{', '[', ',' or ':' that still waits for more. */
        size_t last = len;
        while (last > 0 && strchr(" \t\r\n", text[last - 1]))
            last--;
        bool ends_open =
            open_depth > 0 && open_string == SIZE_MAX && last > 0 && strchr("{[,:", text[last - 1]);
        if (rest >= len || ends_open ||
            (open_depth > 0 && open_string == SIZE_MAX && !structural)) {
            line_col(text, len, &line, &col);
            return nb_fail(st, NB_ERR_JSON, "%s:%zu:%zu: JSON syntax error: unexpected end of file",
                           name, line, col);
        }
        if (open_string != SIZE_MAX && open_string + 1 >= off) {
            line_col(text, open_string, &line, &col);
            return nb_fail(st, NB_ERR_JSON,
                           "%s:%zu:%zu: JSON syntax error: a string starts here and is never "
                           "closed (unexpected end of file)",
                           name, line, col);
        }
        return nb_fail(st, NB_ERR_JSON, "%s:%zu:%zu: JSON syntax error near '%s'%s", name, line,
                       col, near, syntax_hint(near, off > 0 && text[off - 1] == '\''));
    }
    /* Anything but white space after the value is an error too. */
    size_t off = (size_t)(end - text);
    while (off < len && strchr(" \t\r\n", text[off]))
        off++;
    if (off < len) {
        size_t line, col;
        line_col(text, off, &line, &col);
        cJSON_Delete(root);
        return nb_fail(st, NB_ERR_JSON, "%s:%zu:%zu: JSON syntax error: text after the document",
                       name, line, col);
    }
    jpath p = {"$", 1};
    if (check_values(name, root, &p, st)) {
        cJSON_Delete(root);
        return st->code;
    }
    out->root = root;
    out->path = strdup(name);
    if (out->path == NULL) {
        cJSON_Delete(root);
        out->root = NULL;
        return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    }
    return NB_OK;
}

nb_code nb_json_load(const char *path, nb_json_doc *out, nb_status *st)
{
    memset(out, 0, sizeof *out);
    /* O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused just below). */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return nb_fail(st, NB_ERR_IO, "%s: cannot open: %s", path,
                       errno == ENOENT ? "no such file" : strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return nb_fail(st, NB_ERR_IO, "%s: not a regular file", path);
    }
    if (sb.st_size > NB_JSON_MAX_FILE) {
        close(fd);
        return nb_fail(st, NB_ERR_LIMIT, "%s: file is %lld bytes, more than the limit of %d", path,
                       (long long)sb.st_size, NB_JSON_MAX_FILE);
    }
    /* Read to the end, whatever the size said (files in /proc say 0; a file may grow). */
    size_t cap = (size_t)sb.st_size + 1, len = 0;
    if (cap < 4096) cap = 4096;
    char *buf = malloc(cap);
    bool err = buf == NULL;
    while (!err) {
        if (len == cap) {
            if (cap > NB_JSON_MAX_FILE) break;
            size_t ncap =
                cap * 2 > (size_t)NB_JSON_MAX_FILE + 1 ? (size_t)NB_JSON_MAX_FILE + 1 : cap * 2;
            char *grown = realloc(buf, ncap);
            if (!grown) {
                err = true;
                break;
            }
            buf = grown;
            cap = ncap;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            free(buf);
            return nb_fail(st, NB_ERR_IO, "%s: read error: %s", path, strerror(e));
        }
        if (n == 0) break;
        len += (size_t)n;
    }
    close(fd);
    if (err) {
        free(buf);
        return nb_fail(st, NB_ERR_NOMEM, "%s: out of memory", path);
    }
    if (len > NB_JSON_MAX_FILE) {
        free(buf);
        return nb_fail(st, NB_ERR_LIMIT, "%s: file is more than the limit of %d bytes", path,
                       NB_JSON_MAX_FILE);
    }
    nb_code rc = nb_json_parse(path, buf, len, out, st);
    free(buf);
    return rc;
}

void nb_json_free(nb_json_doc *doc)
{
    if (doc == NULL) return;
    cJSON_Delete(doc->root);
    free(doc->path);
    doc->root = NULL;
    doc->path = NULL;
}

const cJSON *nb_json_at(const cJSON *root, const char *path)
{
    const cJSON *cur = root;
    const char *p = path;
    char key[256];
    while (cur != NULL && *p) {
        if (*p == '.') p++;
        if (*p == '[') {
            char *endp;
            errno = 0;
            long idx = strtol(p + 1, &endp, 10);
            if (endp == p + 1 || *endp != ']' || errno || idx < 0 || idx > INT_MAX ||
                !cJSON_IsArray(cur))
                return NULL;
            cur = cJSON_GetArrayItem(cur, (int)idx);
            p = endp + 1;
            continue;
        }
        size_t k = 0;
        while (*p && *p != '.' && *p != '[' && k + 1 < sizeof key)
            key[k++] = *p++;
        key[k] = '\0';
        if (*p && *p != '.' && *p != '[') return NULL; /* a key longer than any we look up */
        if (!cJSON_IsObject(cur)) return NULL;
        cur = cJSON_GetObjectItemCaseSensitive(cur, key);
    }
    return cur;
}
