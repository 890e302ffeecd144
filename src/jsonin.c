/* jsonin.c — the JSON reader (see jsonin.h).
 *
 * A text is checked in this order, each step naming the first place at fault: size; byte-order
 * mark; UTF-16 or GBK/GB18030 instead of UTF-8; UTF-8; NUL bytes; a pre-scan of nesting,
 * value count and escapes (prescan); cJSON's parse; the values (check_values).  When cJSON
 * refuses the text, syn_scan and diagnose (below) find the place again and name the slip in
 * words a clerk can act on.  Every message is one whole format string passed to nb_fail (the
 * full-width marks' are in their table, MARKS, marked N_ for the catalogue), so that it can
 * be translated by that string; excerpts of the input end on character bounds.
 */
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
#include <locale.h>
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
 * "\u" escapes: "\u0000" (a NUL inside a string would cut it short) and a "\u" without four
 * hex digits (cJSON reads "\uZZZZ" as U+0000 and silently drops the rest of the string).  On
 * failure *where is the offending byte and the return value says which check failed. */
typedef enum { SCAN_OK, SCAN_DEEP, SCAN_MANY, SCAN_NUL_ESCAPE, SCAN_BAD_ESCAPE } scan_result;

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static scan_result prescan(const char *t, size_t len, size_t *where)
{
    int depth = 0;
    size_t values = 1;
    bool in_str = false;
    for (size_t i = 0; i < len; i++) {
        char c = t[i];
        if (in_str) {
            if (c == '\\') {
                if (i + 1 < len && t[i + 1] == 'u') {
                    *where = i;
                    if (i + 5 >= len || !is_hex(t[i + 2]) || !is_hex(t[i + 3]) ||
                        !is_hex(t[i + 4]) || !is_hex(t[i + 5]))
                        return SCAN_BAD_ESCAPE;
                    if (memcmp(t + i + 2, "0000", 4) == 0) return SCAN_NUL_ESCAPE;
                }
                i++;
            } else if (c == '"') {
                in_str = false;
            }
            continue;
        }
        if (c == '"') {
            in_str = true;
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

/* ---- What went wrong, in words a clerk can act on --------------------------------------
 *
 * cJSON says only where it gave up, and roughly: where it expected a key or text it points
 * one byte past the place of the quote, inside a character when the clerk typed “.  So once
 * cJSON has refused a text, syn_scan reads it again with cJSON's grammar (every byte up to
 * the space is white space; control characters may stand in strings; a number is what strtod
 * reads of at most 63 of the characters 0-9 + - e E .; the escapes cJSON takes) and stops at
 * the first byte that cannot continue the document, knowing what was expected there, the
 * token just before it and the innermost open bracket.  diagnose() then looks at the bytes
 * there for the slips of people typing with a Chinese input method: full-width punctuation
 * or digits used as JSON syntax (one table of the marks, MARKS, says what each stands for
 * and where it is named), a date written 2025年1月20日, a comma missing or left over, a
 * quote not closed on its line.  Every read is bounded by the text's length, and every
 * position syn_scan stops at is the first byte of a character. */

typedef enum { WANT_VALUE, WANT_KEY, WANT_COLON, WANT_COMMA } syn_want;

typedef struct syn_err {
    size_t at;         /* the byte that cannot continue the document; len when the text ended */
    syn_want want;     /* what was expected there */
    bool first;        /* just after '{' or '[', where the closing bracket would do too */
    char prev;         /* the token before: 0 none, '{' '[' ',' ':', 's' a string or key,
                          'n' a number, 'v' another value */
    size_t prev_at;    /* where that token starts */
    size_t prev_end;   /* and ends (one past) */
    int depth;         /* arrays and objects open */
    char closer;       /* the innermost one's closing bracket, 0 at the top */
    size_t open_at;    /* where the innermost one opened */
    size_t string_at;  /* a string that is never closed starts here (SIZE_MAX: none) */
    size_t escape_at;  /* an escape cJSON refuses is here (SIZE_MAX: none) */
    size_t escape_len; /* its length in characters */
} syn_err;

/* Four hex digits at s (n bytes left): the value, or -1. */
static long hex4(const char *s, size_t n)
{
    if (n < 4) return -1;
    long v = 0;
    for (int k = 0; k < 4; k++) {
        char c = s[k];
        if (!is_hex(c)) return -1;
        v = v * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
}

/* The string whose opening quote is t[i]: 0 and *end one past its closing quote; 1 when it is
 * never closed; 2 when an escape in it is one cJSON refuses, *end then its backslash and
 * *esc_len its length in characters (2, or 6 or 12 for \u escapes). */
static int syn_string(const char *t, size_t len, size_t i, size_t *end, size_t *esc_len)
{
    size_t j = i + 1;
    while (j < len && t[j] != '"') {
        if (t[j] == '\\') {
            if (j + 1 >= len) return 1;
            j++;
        }
        j++;
    }
    if (j >= len) return 1;
    size_t close = j;
    for (j = i + 1; j < close; j++) {
        if (t[j] != '\\') continue;
        char c = t[j + 1]; /* j + 1 < close: a backslash never escapes the closing quote */
        if (c != 'u') {
            if (!strchr("bfnrt\"\\/", c)) {
                *end = j;
                *esc_len = 2;
                return 2;
            }
            j++;
            continue;
        }
        long u = hex4(t + j + 2, close - (j + 2));
        size_t n = 6;
        if (u >= 0xD800 && u <= 0xDBFF) { /* a high surrogate needs a low one after it */
            bool pair = j + 8 <= close && t[j + 6] == '\\' && t[j + 7] == 'u';
            long lo = pair ? hex4(t + j + 8, close - (j + 8)) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF) u = -1;
            if (pair) n = 12;
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            u = -1;
        }
        if (u < 0) {
            *end = j;
            *esc_len = n;
            return 2;
        }
        j += n - 1;
    }
    *end = close + 1;
    return 0;
}

/* The bytes of the number at t[i] cJSON would read (0: none). */
static size_t syn_number(const char *t, size_t len, size_t i)
{
    char buf[64];
    size_t n = 0;
    char point = localeconv()->decimal_point[0]; /* cJSON reads '.' as the locale's point */
    while (n < sizeof buf - 1 && i + n < len && t[i + n] != '\0' &&
           strchr("0123456789+-eE.", t[i + n])) {
        buf[n] = t[i + n] == '.' ? point : t[i + n];
        n++;
    }
    buf[n] = '\0';
    char *endp;
    (void)strtod(buf, &endp);
    return (size_t)(endp - buf);
}

/* Finds the first byte of t where the document cannot go on; false when there is none (cJSON
 * then failed for another reason, such as memory). */
static bool syn_scan(const char *t, size_t len, syn_err *e)
{
    char closers[NB_JSON_MAX_DEPTH + 1];
    size_t opened[NB_JSON_MAX_DEPTH + 1];
    int depth = 0;
    syn_want want = WANT_VALUE;
    bool first = false;
    char prev = 0;
    size_t prev_at = 0, prev_end = 0, i = 0;
    e->string_at = e->escape_at = SIZE_MAX;
    e->escape_len = 0;
    for (;;) {
        while (i < len && (unsigned char)t[i] <= ' ')
            i++;
        if (i >= len) break;
        char c = t[i], kind = 0;
        size_t start = i;
        if (depth > 0 && c == closers[depth - 1] &&
            (want == WANT_COMMA || (first && (want == WANT_KEY || want == WANT_VALUE)))) {
            depth--;
            i++;
            kind = 'v';
        } else if (want == WANT_COMMA && c == ',') {
            want = closers[depth - 1] == '}' ? WANT_KEY : WANT_VALUE;
            first = false;
            prev = ',';
            prev_at = i;
            prev_end = ++i;
            continue;
        } else if (want == WANT_COLON && c == ':') {
            want = WANT_VALUE;
            prev = ':';
            prev_at = i;
            prev_end = ++i;
            continue;
        } else if ((want == WANT_VALUE || want == WANT_KEY) && c == '"') {
            size_t end, esc_len;
            int r = syn_string(t, len, i, &end, &esc_len);
            if (r == 1) {
                e->string_at = i;
                i = len;
                break;
            }
            if (r == 2) {
                e->escape_at = end;
                e->escape_len = esc_len;
                break;
            }
            i = end;
            if (want == WANT_KEY) {
                want = WANT_COLON;
                first = false;
                prev = 's';
                prev_at = start;
                prev_end = i;
                continue;
            }
            kind = 's';
        } else if (want == WANT_VALUE && (c == '{' || c == '[')) {
            if (depth > NB_JSON_MAX_DEPTH) return false; /* prescan keeps this from happening */
            closers[depth] = c == '{' ? '}' : ']';
            opened[depth++] = i;
            want = c == '{' ? WANT_KEY : WANT_VALUE;
            first = true;
            prev = c;
            prev_at = i;
            prev_end = ++i;
            continue;
        } else if (want == WANT_VALUE && (c == '-' || (c >= '0' && c <= '9'))) {
            size_t n = syn_number(t, len, i);
            if (n == 0) break;
            i += n;
            kind = 'n';
        } else if (want == WANT_VALUE && ((len - i >= 4 && memcmp(t + i, "null", 4) == 0) ||
                                          (len - i >= 4 && memcmp(t + i, "true", 4) == 0))) {
            i += 4;
            kind = 'v';
        } else if (want == WANT_VALUE && len - i >= 5 && memcmp(t + i, "false", 5) == 0) {
            i += 5;
            kind = 'v';
        } else {
            break;
        }
        /* A value is complete. */
        prev = kind;
        prev_at = start;
        prev_end = i;
        first = false;
        if (depth == 0) return false; /* the document is complete: cJSON failed otherwise */
        want = WANT_COMMA;
    }
    e->at = i < len ? i : len;
    e->want = want;
    e->first = first;
    e->prev = prev;
    e->prev_at = prev_at;
    e->prev_end = prev_end;
    e->depth = depth;
    e->closer = depth > 0 ? closers[depth - 1] : 0;
    e->open_at = depth > 0 ? opened[depth - 1] : 0;
    return true;
}

/* The code point at t[i] (0 at the end), *n its bytes (0 at the end or on a bad byte). */
static uint32_t cp_at(const char *t, size_t len, size_t i, size_t *n)
{
    uint32_t cp = 0;
    *n = i < len ? nb_utf8_decode(t + i, len - i, &cp) : 0;
    return *n ? cp : 0;
}

/* Up to `max` characters of t from `off`, not past the end of its line, cut only between
 * characters, into out (max * 4 + 1 bytes). */
static const char *excerpt(const char *t, size_t len, size_t off, size_t max, char *out)
{
    size_t i = off, chars = 0, n;
    while (i < len && chars < max && t[i] != '\n' && t[i] != '\r') {
        cp_at(t, len, i, &n);
        if (n == 0) break;
        i += n;
        chars++;
    }
    memcpy(out, t + off, i - off);
    out[i - off] = '\0';
    return out;
}

enum { NEAR_CHARS = 16 };

/* Marks a message format for po/update.sh (xgettext --keyword=N_) where it is not an
 * argument of nb_fail: nb_fail looks it up in the catalogue when it is used. */
#define N_(s) s

/* The states of syn_scan a mark of the table below is named in. */
#define IN(want) (1u << (want))
#define ANYWHERE (IN(WANT_VALUE) | IN(WANT_KEY) | IN(WANT_COLON) | IN(WANT_COMMA))

/* The messages of the marks typed for JSON syntax.  Each is one whole format string taking
 * the file's name, the line and the column, then the mark's length and bytes (%.*s) and the
 * ASCII character it stands for (%c); it names as many of them as it needs, in that order
 * (C17 7.21.6.1: arguments beyond the format's are evaluated and ignored). */
static const char MSG_QUOTE[] =
    N_("%s:%zu:%zu: full-width quotation mark %.*s where a key or text should begin — JSON "
       "needs the ASCII double quote \" around keys and text; retype both quotes with the "
       "input method in English mode (or press Shift to switch)");
static const char MSG_BRACKET[] =
    N_("%s:%zu:%zu: full-width bracket %.*s — JSON needs the ASCII bracket \"%c\"; retype it "
       "with the input method in English mode (or press Shift to switch)");

/* What a Chinese input method types for the ASCII characters of JSON: full-width quotes,
 * brackets, comma, colon and space, the enumeration comma, and in numbers full-width
 * digits, point and minus.  Where syn_scan expects one of the states `wants`, the mark is
 * the slip, named by its `message` (mark_slip); elsewhere diagnose says what was expected
 * there instead, and never takes a mark of JSON syntax for text (glued to a number, or
 * after a closing quote).  The digits, point and minus have no message of their own:
 * digit_run names the whole number they are part of. */
typedef struct wide_mark {
    const char *utf8;    /* the mark */
    char ascii;          /* the ASCII character it stands for */
    unsigned wants;      /* IN(WANT_...) bits */
    const char *message; /* NULL: part of a number */
} wide_mark;

static const wide_mark MARKS[] = {
    {"“", '"', IN(WANT_VALUE) | IN(WANT_KEY), MSG_QUOTE},
    {"”", '"', IN(WANT_VALUE) | IN(WANT_KEY), MSG_QUOTE},
    {"＂", '"', IN(WANT_VALUE) | IN(WANT_KEY), MSG_QUOTE},
    {"‘", '"', IN(WANT_VALUE) | IN(WANT_KEY), MSG_QUOTE},
    {"’", '"', IN(WANT_VALUE) | IN(WANT_KEY), MSG_QUOTE},
    {"｛", '{', ANYWHERE & ~IN(WANT_COLON), MSG_BRACKET},
    {"｝", '}', ANYWHERE & ~IN(WANT_COLON), MSG_BRACKET},
    {"［", '[', ANYWHERE & ~IN(WANT_COLON), MSG_BRACKET},
    {"］", ']', ANYWHERE & ~IN(WANT_COLON), MSG_BRACKET},
    {"【", '[', ANYWHERE & ~IN(WANT_COLON), MSG_BRACKET},
    {"】", ']', ANYWHERE & ~IN(WANT_COLON), MSG_BRACKET},
    {"：", ':', IN(WANT_COLON),
     N_("%s:%zu:%zu: full-width colon \"：\" after a key — JSON needs the ASCII colon \":\"; "
        "retype it with the input method in English mode (or press Shift to switch)")},
    {"，", ',', IN(WANT_COMMA),
     N_("%s:%zu:%zu: full-width comma \"，\" used between values — JSON needs the ASCII "
        "comma \",\"; retype it with the input method in English mode (or press Shift to "
        "switch)")},
    {"、", ',', IN(WANT_COMMA),
     N_("%s:%zu:%zu: enumeration comma \"、\" used between values — JSON needs the ASCII "
        "comma \",\"; retype it with the input method in English mode (or press Shift to "
        "switch)")},
    {"　", ' ', ANYWHERE,
     N_("%s:%zu:%zu: full-width space (U+3000) outside quotes — JSON allows only ASCII "
        "spaces, tabs and line breaks between items; replace it with an ordinary space "
        "(input method in English mode)")},
    {"０", '0', 0, NULL},
    {"１", '1', 0, NULL},
    {"２", '2', 0, NULL},
    {"３", '3', 0, NULL},
    {"４", '4', 0, NULL},
    {"５", '5', 0, NULL},
    {"６", '6', 0, NULL},
    {"７", '7', 0, NULL},
    {"８", '8', 0, NULL},
    {"９", '9', 0, NULL},
    {"．", '.', 0, NULL},
    {"－", '-', 0, NULL},
};

/* The mark of MARKS at t[i], or NULL. */
static const wide_mark *mark_at(const char *t, size_t len, size_t i)
{
    for (size_t k = 0; i < len && k < sizeof MARKS / sizeof *MARKS; k++) {
        size_t n = strlen(MARKS[k].utf8);
        if (len - i >= n && memcmp(t + i, MARKS[k].utf8, n) == 0) return &MARKS[k];
    }
    return NULL;
}

/* Whether m is a mark typed for JSON syntax (not part of a number). */
static bool is_syntax_mark(const wide_mark *m)
{
    return m && m->message;
}

/* The message for the mark m typed at line:col of `name` where JSON needs its ASCII
 * character: the one function that names a full-width mark used as JSON syntax. */
static nb_code mark_slip(const char *name, size_t line, size_t col, const wide_mark *m,
                         nb_status *st)
{
    return nb_fail(st, NB_ERR_JSON, m->message, name, line, col, (int)strlen(m->utf8), m->utf8,
                   m->ascii);
}

/* The ASCII digit a digit at t[i] is (ASCII or full-width), or 0; *n its bytes. */
static char digit_at(const char *t, size_t len, size_t i, size_t *n)
{
    const wide_mark *m = mark_at(t, len, i);
    *n = m ? strlen(m->utf8) : 1;
    char c = m ? m->ascii : i < len ? t[i] : 0;
    return is_digit(c) ? c : 0;
}

/* A run of digits at t[i] as a clerk may type them: ASCII or full-width digits, points and
 * minus signs (. ． - －).  Returns its end; its ASCII spelling goes to out (room for 40
 * characters), *wide says whether any character in it was full-width. */
static size_t digit_run(const char *t, size_t len, size_t i, char out[41], bool *wide)
{
    size_t k = 0;
    *wide = false;
    while (k < 40 && i < len) {
        const wide_mark *m = mark_at(t, len, i);
        char a = m ? m->ascii : t[i];
        if (!is_digit(a) && a != '.' && a != '-') break;
        if (m) *wide = true;
        out[k++] = a;
        i += m ? strlen(m->utf8) : 1;
    }
    out[k] = '\0';
    return i;
}

/* A date at t[i] written the Chinese way, 2025年1月20日 (号 for 日 too), or with the parts
 * between - / or . (2025-1-20, 2025/01/20); digits ASCII or full-width.  On success *end is
 * one past it and iso holds "2025-01-20". */
static bool loose_date(const char *t, size_t len, size_t i, size_t *end, char iso[16])
{
    static const int most[3] = {4, 2, 2};
    unsigned v[3];
    uint32_t sep = 0;
    size_t n;
    for (int part = 0; part < 3; part++) {
        int digits = 0;
        v[part] = 0;
        for (char d; (d = digit_at(t, len, i, &n)); i += n) {
            if (++digits > most[part]) return false;
            v[part] = v[part] * 10 + (unsigned)(d - '0');
        }
        if (digits == 0 || (part == 0 && digits != 4)) return false;
        if (part == 2 && sep != 0x5E74) break; /* 2025-1-20 ends with its day */
        uint32_t mark = cp_at(t, len, i, &n);
        if (part == 0) {
            if (mark != 0x5E74 /* 年 */ && mark != '-' && mark != '/' && mark != '.') return false;
            sep = mark;
        } else if (sep == 0x5E74) {
            if (part == 1 ? mark != 0x6708 /* 月 */
                          : mark != 0x65E5 /* 日 */ && mark != 0x53F7 /* 号 */)
                return false;
        } else if (mark != sep) {
            return false;
        }
        i += n;
    }
    *end = i;
    snprintf(iso, 16, "%04u-%02u-%02u", v[0] % 10000, v[1] % 100, v[2] % 100);
    return true;
}

/* Spaces JSON does not take outside strings: the ideographic (full-width) space and the
 * no-break and typographic spaces word processors put in. */
static bool is_odd_space(uint32_t cp)
{
    return cp == 0x00A0 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F ||
           cp == 0xFEFF;
}

/* Whether a character right after a number (no space between) makes it text, such as a
 * unit (1.5万元, 95%); not a mark typed for JSON syntax, which is a slip of its own. */
static bool glued_text(uint32_t cp, const wide_mark *m)
{
    if (cp >= 0x80) return !is_syntax_mark(m);
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
           (cp != 0 && strchr("-+.%/_", (int)cp));
}

/* Whether the character at t[i] may begin a value (ASCII or a full-width slip of one). */
static bool starts_value(const char *t, size_t len, size_t i)
{
    const wide_mark *m = mark_at(t, len, i);
    char c = m ? m->ascii : i < len ? t[i] : 0;
    if (m && c == '-') return false; /* －: only as part of a number begun before it */
    return c == '"' || c == '{' || c == '[' || c == '-' || is_digit(c) ||
           (!m && (c == 't' || c == 'f' || c == 'n'));
}

/* A key or text that runs over the end of its line (JSON text has no line breaks, and no
 * clerk types one inside quotes) lost its closing quote: the message, or NB_OK when the
 * string at t[at] (ending before `end`) stays on its line. */
static nb_code string_over_line(const char *name, const char *t, size_t len, size_t at, size_t end,
                                nb_status *st)
{
    size_t eol = at + 1;
    while (eol < end && t[eol] != '\n' && t[eol] != '\r')
        eol++;
    if (eol >= end) return NB_OK;
    size_t line, col, qline, qcol, n;
    line_col(t, at, &qline, &qcol);
    /* A full-width quote followed by what follows a key or text (: ： , ， } ] or the line's
     * end) is where the clerk closed it. */
    for (size_t i = at + 1; i < eol; i += n ? n : 1) {
        cp_at(t, len, i, &n);
        const wide_mark *q = mark_at(t, len, i);
        if (!q || q->ascii != '"') continue;
        size_t j = i + n, m;
        while (j < eol && (t[j] == ' ' || t[j] == '\t'))
            j++;
        uint32_t next = j < eol ? cp_at(t, len, j, &m) : '\n';
        if (next == '\n' || next == ':' || next == ',' || next == '}' || next == ']' ||
            next == 0xFF1A /* ： */ || next == 0xFF0C /* ， */) {
            line_col(t, i, &line, &col);
            return nb_fail(st, NB_ERR_JSON,
                           "%s:%zu:%zu: full-width quotation mark %.*s ends the key or text "
                           "begun at line %zu, column %zu — JSON needs the ASCII double quote "
                           "\"; retype it with the input method in English mode (or press "
                           "Shift to switch)",
                           name, line, col, (int)n, t + i, qline, qcol);
        }
    }
    line_col(t, eol, &line, &col);
    return nb_fail(st, NB_ERR_JSON,
                   "%s:%zu:%zu: the key or text begun at line %zu, column %zu is not closed on "
                   "its line — a closing quote \" is probably missing at the end of line %zu",
                   name, line, col, qline, qcol, line);
}

/* The message for a text cJSON refused; `off` is where cJSON stopped. */
static nb_code diagnose(const char *name, const char *t, size_t len, size_t off, nb_status *st)
{
    size_t line, col, n;
    char near[NEAR_CHARS * 4 + 1];
    syn_err e;
    if (!syn_scan(t, len, &e)) {
        /* Only cJSON knows: say where it stopped (on a character's first byte). */
        if (off > len) off = len;
        if (off < len) off = nb_utf8_start(t, off);
        line_col(t, off, &line, &col);
        return nb_fail(st, NB_ERR_JSON, "%s:%zu:%zu: JSON syntax error near '%s'", name, line, col,
                       excerpt(t, len, off, NEAR_CHARS, near));
    }
    if (e.escape_at != SIZE_MAX) {
        line_col(t, e.escape_at, &line, &col);
        return nb_fail(
            st, NB_ERR_JSON,
            "%s:%zu:%zu: invalid escape %s in a string — JSON knows only \\\" \\\\ \\/ \\b \\f "
            "\\n \\r \\t and \\u with four hex digits (\\uD800-\\uDFFF only as a "
            "pair); write a backslash as \\\\",
            name, line, col, excerpt(t, len, e.escape_at, e.escape_len, near));
    }
    if (e.at >= len) {
        if (e.string_at != SIZE_MAX) {
            if (string_over_line(name, t, len, e.string_at, len, st)) return st->code;
            line_col(t, e.string_at, &line, &col);
            return nb_fail(st, NB_ERR_JSON,
                           "%s:%zu:%zu: JSON syntax error: a string starts here and is never "
                           "closed (unexpected end of file) — add the closing quote \" where "
                           "the text ends",
                           name, line, col);
        }
        line_col(t, len, &line, &col);
        if (e.depth == 0)
            return nb_fail(st, NB_ERR_JSON,
                           "%s:%zu:%zu: JSON syntax error: unexpected end of file — the file "
                           "is empty; expected a JSON object { ... }",
                           name, line, col);
        size_t oline, ocol;
        if (e.prev == ':' || e.prev == ',') {
            line_col(t, e.prev_at, &oline, &ocol);
            return nb_fail(st, NB_ERR_JSON,
                           "%s:%zu:%zu: JSON syntax error: unexpected end of file — a value "
                           "should follow the \"%c\" at line %zu, column %zu; the end of the "
                           "file is missing",
                           name, line, col, e.prev, oline, ocol);
        }
        line_col(t, e.open_at, &oline, &ocol);
        return nb_fail(st, NB_ERR_JSON,
                       "%s:%zu:%zu: JSON syntax error: unexpected end of file — the \"%c\" "
                       "opened at line %zu, column %zu is never closed; add \"%c\" at the end, "
                       "or restore the end of the file if it was cut off",
                       name, line, col, e.closer == '}' ? '{' : '[', oline, ocol, e.closer);
    }
    /* A key or text just before, running over its line: its closing quote is the slip. */
    if (e.prev == 's' && string_over_line(name, t, len, e.prev_at, e.prev_end - 1, st))
        return st->code;

    uint32_t cp = cp_at(t, len, e.at, &n);
    line_col(t, e.at, &line, &col);
    excerpt(t, len, e.at, NEAR_CHARS, near);
    /* A full-width mark where JSON needs the ASCII character it stands for. */
    const wide_mark *m = mark_at(t, len, e.at);
    if (is_syntax_mark(m) && (m->wants & IN(e.want))) return mark_slip(name, line, col, m, st);
    if (is_odd_space(cp))
        return nb_fail(st, NB_ERR_JSON,
                       "%s:%zu:%zu: special space (U+%04X) outside quotes — JSON allows only "
                       "ASCII spaces, tabs and line breaks between items; replace it with an "
                       "ordinary space",
                       name, line, col, (unsigned)cp);

    /* An ASCII quote typed inside Chinese text ends the text there; more text follows it. */
    if (e.prev == 's' && e.prev_end == e.at && (e.want == WANT_COMMA || e.want == WANT_COLON) &&
        !(cp < 0x80 && strchr("{}[]:,\"", (int)cp)) && !is_syntax_mark(m)) {
        size_t qline, qcol;
        line_col(t, e.prev_at, &qline, &qcol);
        line_col(t, e.prev_end - 1, &line, &col);
        return nb_fail(st, NB_ERR_JSON,
                       "%s:%zu:%zu: the double quote \" here ends the key or text begun at line "
                       "%zu, column %zu, but more text follows it — inside text, write "
                       "quotation marks as full-width “ ” (or as \\\")",
                       name, line, col, qline, qcol);
    }
    /* A thousands separator: 63,365 in an object reads as 63 and then a key that is not one. */
    if (e.want == WANT_KEY && e.prev == ',' && e.prev_end == e.at && cp >= '0' && cp <= '9' &&
        e.prev_at > 0 && t[e.prev_at - 1] >= '0' && t[e.prev_at - 1] <= '9') {
        size_t from = e.prev_at, to = e.at, k = 0;
        /* The number: digits, with , or . only between digits, and a leading minus. */
        while (from > 0 && (is_digit(t[from - 1]) || (from >= 2 && is_digit(t[from - 2]) &&
                                                      (t[from - 1] == ',' || t[from - 1] == '.'))))
            from--;
        if (from > 0 && t[from - 1] == '-') from--;
        while (to < len && (is_digit(t[to]) || (to + 1 < len && is_digit(t[to + 1]) &&
                                                (t[to] == ',' || t[to] == '.'))))
            to++;
        char plain[41];
        for (size_t i = from; i < to && k < sizeof plain - 1; i++)
            if (t[i] != ',') plain[k++] = t[i];
        plain[k] = '\0';
        if (to - from <= 40)
            return nb_fail(st, NB_ERR_JSON,
                           "%s:%zu:%zu: thousands separator \",\" in the number %.*s — JSON "
                           "numbers are written without separators; write %s",
                           name, line, col, (int)(to - from), t + from, plain);
    }
    /* Where a value was expected, or a number just read runs on into more characters. */
    size_t vstart = e.at;
    if (e.want == WANT_COMMA && e.prev == 'n' && e.prev_end == e.at) vstart = e.prev_at;
    if (e.want == WANT_VALUE || vstart != e.at) {
        size_t vline, vcol, end;
        char iso[16], ascii[41];
        bool wide;
        line_col(t, vstart, &vline, &vcol);
        if (loose_date(t, len, vstart, &end, iso))
            return nb_fail(st, NB_ERR_JSON,
                           "%s:%zu:%zu: date %.*s written without quotes — JSON dates are "
                           "text in the form \"YYYY-MM-DD\"; write \"%s\"",
                           name, vline, vcol, (int)(end - vstart), t + vstart, iso);
        end = digit_run(t, len, vstart, ascii, &wide);
        if (wide)
            return nb_fail(st, NB_ERR_JSON,
                           "%s:%zu:%zu: full-width digits %.*s — use ASCII digits %s; retype "
                           "the number with the input method in English mode (or press Shift "
                           "to switch)",
                           name, vline, vcol, (int)(end - vstart), t + vstart, ascii);
        if (vstart != e.at && glued_text(cp, m))
            return nb_fail(st, NB_ERR_JSON,
                           "%s:%zu:%zu: a number followed by text near '%s' — a JSON number "
                           "stands alone: write the number without its unit, or put the whole "
                           "in double quotes if it is text",
                           name, vline, vcol, excerpt(t, len, vstart, NEAR_CHARS, near));
    }
    if ((cp == '}' || cp == ']') && e.prev == ',' && (e.want == WANT_VALUE || e.want == WANT_KEY)) {
        line_col(t, e.prev_at, &line, &col);
        return nb_fail(st, NB_ERR_JSON,
                       "%s:%zu:%zu: comma \",\" before \"%c\" with nothing after it — JSON "
                       "allows no comma after the last item; delete this comma",
                       name, line, col, (char)cp);
    }
    if (cp == ',' && e.prev == ',')
        return nb_fail(st, NB_ERR_JSON,
                       "%s:%zu:%zu: two commas in a row — expected a value between them; "
                       "delete one comma",
                       name, line, col);
    if (cp == '\'' && (e.want == WANT_VALUE || e.want == WANT_KEY))
        return nb_fail(st, NB_ERR_JSON,
                       "%s:%zu:%zu: JSON syntax error near '%s' — JSON strings take double "
                       "quotes \", not single quotes '",
                       name, line, col, near);
    switch (e.want) {
    case WANT_VALUE: {
        static const char *const nonfinite[] = {"NaN",       "-NaN", "Infinity", "-Infinity",
                                                "+Infinity", "nan",  "inf",      "-inf"};
        for (size_t i = 0; i < sizeof nonfinite / sizeof nonfinite[0]; i++)
            if (strncmp(near, nonfinite[i], strlen(nonfinite[i])) == 0)
                return nb_fail(st, NB_ERR_JSON,
                               "%s:%zu:%zu: JSON syntax error near '%s' — NaN and Infinity "
                               "are not JSON numbers: write a number",
                               name, line, col, near);
        if (cp >= 0x80)
            return nb_fail(st, NB_ERR_JSON,
                           "%s:%zu:%zu: text without double quotes near '%s' — JSON text is "
                           "written in ASCII double quotes, \"like this\"; add them around the "
                           "text",
                           name, line, col, near);
        return nb_fail(st, NB_ERR_JSON,
                       "%s:%zu:%zu: JSON syntax error near '%s' — expected a value: a number, "
                       "text in double quotes, true, false, null, [ or {",
                       name, line, col, near);
    }
    case WANT_KEY:
        if (cp >= 0x80 || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_')
            return nb_fail(st, NB_ERR_JSON,
                           "%s:%zu:%zu: key without double quotes near '%s' — JSON keys are "
                           "written in ASCII double quotes, \"key\": value; add them around "
                           "the key",
                           name, line, col, near);
        return nb_fail(st, NB_ERR_JSON,
                       "%s:%zu:%zu: JSON syntax error near '%s' — expected a key in double "
                       "quotes, \"key\": value",
                       name, line, col, near);
    case WANT_COLON:
        return nb_fail(st, NB_ERR_JSON,
                       "%s:%zu:%zu: JSON syntax error near '%s' — expected \":\" after the key",
                       name, line, col, near);
    case WANT_COMMA:
        break;
    }
    if (starts_value(t, len, e.at)) {
        size_t pline, pcol;
        line_col(t, e.prev_end, &pline, &pcol);
        if (pline != line)
            return nb_fail(st, NB_ERR_JSON,
                           "%s:%zu:%zu: expected \",\" or \"%c\" after this value — 缺少逗号？ "
                           "a comma is probably missing at the end of line %zu, before the "
                           "next item on line %zu; add \",\" here",
                           name, pline, pcol, e.closer, pline, line);
        return nb_fail(st, NB_ERR_JSON,
                       "%s:%zu:%zu: expected \",\" or \"%c\" between two values — 缺少逗号？ a "
                       "comma is probably missing here; add \",\"",
                       name, pline, pcol, e.closer);
    }
    return nb_fail(st, NB_ERR_JSON,
                   "%s:%zu:%zu: JSON syntax error near '%s' — expected \",\" or \"%c\"", name, line,
                   col, near, e.closer);
}

/* Whether a text that is not UTF-8 reads as GB18030 (GBK's superset, what older Chinese
 * Windows programs save): every byte ASCII or part of a well-formed two- or four-byte
 * sequence, and at least two two-byte ones, three in four of them or more in GB2312's rows
 * of hanzi and punctuation (lead 0xA1-0xA9 or 0xB0-0xF7, trail 0xA1-0xFE), as Chinese text
 * is.  (UTF-8 Chinese with a damaged character rarely reads as GB18030 at all, and when it
 * does, two in three of its byte pairs fall outside those rows.) */
static bool looks_gb18030(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t pairs = 0, common = 0;
    for (size_t i = 0; i < len;) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c == 0x80 || c == 0xFF || i + 1 >= len) return false;
        unsigned d = s[i + 1];
        if (d >= 0x30 && d <= 0x39) { /* four bytes: 81-FE 30-39 81-FE 30-39 */
            if (i + 3 >= len || s[i + 2] < 0x81 || s[i + 2] > 0xFE || s[i + 3] < 0x30 ||
                s[i + 3] > 0x39)
                return false;
            i += 4;
            continue;
        }
        if (d < 0x40 || d == 0x7F || d == 0xFF) return false;
        pairs++;
        if (d >= 0xA1 && ((c >= 0xA1 && c <= 0xA9) || (c >= 0xB0 && c <= 0xF7))) common++;
        i += 2;
    }
    return pairs >= 2 && common * 4 >= pairs * 3;
}

/* Whether the text is UTF-16 (what Notepad calls "Unicode"): a UTF-16 byte-order mark, or
 * ASCII characters each with a NUL byte beside it. */
static bool looks_utf16(const char *t, size_t len)
{
    if (len >= 2 && ((t[0] == '\xFF' && t[1] == '\xFE') || (t[0] == '\xFE' && t[1] == '\xFF')))
        return true;
    return len >= 4 && ((t[0] && !t[1] && t[2] && !t[3]) || (!t[0] && t[1] && !t[2] && t[3]));
}

nb_code nb_json_parse(const char *name, const char *text, size_t len, nb_json_doc *out,
                      nb_status *st)
{
    memset(out, 0, sizeof *out);
    if (len > NB_JSON_MAX_FILE)
        return nb_fail(st, NB_ERR_LIMIT, "%s: file is %zu bytes, more than the limit of %d", name,
                       len, NB_JSON_MAX_FILE);
    if (looks_utf16(text, len))
        return nb_fail(st, NB_ERR_JSON,
                       "%s:1:1: the file is UTF-16 (\"Unicode\" in Notepad), not UTF-8 — save "
                       "it as UTF-8 (请另存为 UTF-8)",
                       name);
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        return nb_fail(st, NB_ERR_JSON,
                       "%s: starts with a byte-order mark (U+FEFF); save it as UTF-8 without BOM",
                       name);
    size_t bad;
    if (!nb_utf8_valid(text, len, &bad)) {
        size_t line, col;
        line_col(text, bad, &line, &col); /* text[0..bad) is UTF-8: columns count right */
        if (looks_gb18030(text, len))
            return nb_fail(st, NB_ERR_JSON,
                           "%s:%zu:%zu: the file is not UTF-8 (it looks like GBK/GB18030, the "
                           "encoding of older Chinese Windows programs) — save it as UTF-8 "
                           "(请另存为 UTF-8): in Notepad, 另存为 with 编码 UTF-8",
                           name, line, col);
        return nb_fail(st, NB_ERR_JSON,
                       "%s:%zu:%zu: invalid UTF-8 (byte 0x%02X at offset %zu) — the file is "
                       "damaged or in another encoding; save it as UTF-8 (请另存为 UTF-8)",
                       name, line, col, (unsigned char)text[bad], bad);
    }
    if (memchr(text, '\0', len) != NULL) {
        size_t off = (size_t)((const char *)memchr(text, '\0', len) - text), line, col;
        line_col(text, off, &line, &col);
        return nb_fail(st, NB_ERR_JSON, "%s:%zu:%zu: NUL byte in the file", name, line, col);
    }
    size_t where = 0;
    scan_result sr = prescan(text, len, &where);
    if (sr != SCAN_OK) {
        size_t line, col;
        line_col(text, where, &line, &col);
        if (sr == SCAN_DEEP)
            return nb_fail(st, NB_ERR_LIMIT, "%s:%zu:%zu: nested more than %d levels deep", name,
                           line, col, NB_JSON_MAX_DEPTH);
        if (sr == SCAN_MANY)
            return nb_fail(st, NB_ERR_LIMIT, "%s:%zu:%zu: more than %d values in one document",
                           name, line, col, NB_JSON_MAX_VALUES);
        if (sr == SCAN_BAD_ESCAPE) {
            char esc[6 * 4 + 1];
            return nb_fail(
                st, NB_ERR_JSON,
                "%s:%zu:%zu: invalid escape %s in a string — JSON knows only \\\" \\\\ \\/ \\b \\f "
                "\\n \\r \\t and \\u with four hex digits (\\uD800-\\uDFFF only as a "
                "pair); write a backslash as \\\\",
                name, line, col, excerpt(text, len, where, 6, esc));
        }
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
    if (root == NULL) return diagnose(name, text, len, end ? (size_t)(end - text) : 0, st);
    /* Anything but white space after the value is an error too. */
    size_t off = (size_t)(end - text);
    while (off < len && strchr(" \t\r\n", text[off]))
        off++;
    if (off < len) {
        size_t line, col;
        line_col(text, off, &line, &col);
        cJSON_Delete(root);
        return nb_fail(st, NB_ERR_JSON,
                       "%s:%zu:%zu: JSON syntax error: text after the document — a file holds "
                       "one JSON value, which ended before this; delete what follows it, or "
                       "move it inside",
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
                       errno == ENOENT ? nb_status_word(st, "no such file") : strerror(errno));
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
