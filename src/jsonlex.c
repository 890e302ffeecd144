/* jsonlex.c — the number tokens of a JSON text with their paths (see jsonlex.h).
 *
 * A recursive descent over the text, one function per JSON value kind, as RFC 8259 gives the
 * grammar.  The current path is kept in one growing buffer: entering an object member
 * appends ".key" (the key decoded from its escapes), entering an array item appends "[i]",
 * and leaving either cuts the buffer back to where it was, so a path costs no allocation per
 * value.  Nesting is bounded (NB_JSONLEX_MAX_DEPTH) so that the C stack is too.
 */
#include "jsonlex.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct lexer {
    const char *t;
    size_t n, i;
    char *path; /* NUL-terminated; owned, freed by nb_jsonlex_numbers */
    size_t plen, pcap;
    nb_jsonlex_fn fn;
    void *arg;
    bool stop;
    nb_status *st;
} lexer;

static nb_code bad(lexer *x, const char *what)
{
    return nb_fail(x->st, NB_ERR_JSON, "JSON text: %s at byte %zu", what, x->i);
}

static void skip_ws(lexer *x)
{
    while (x->i < x->n &&
           (x->t[x->i] == ' ' || x->t[x->i] == '\t' || x->t[x->i] == '\n' || x->t[x->i] == '\r'))
        x->i++;
}

static nb_code path_put(lexer *x, const char *s, size_t n)
{
    if (x->plen + n + 1 > x->pcap) {
        size_t cap = x->pcap ? x->pcap : 128;
        while (cap < x->plen + n + 1)
            cap *= 2;
        char *p = realloc(x->path, cap);
        if (p == NULL) return nb_fail(x->st, NB_ERR_NOMEM, "JSON scan: out of memory");
        x->path = p;
        x->pcap = cap;
    }
    memcpy(x->path + x->plen, s, n);
    x->plen += n;
    x->path[x->plen] = '\0';
    return NB_OK;
}

static int hex4(const char *s)
{
    int v = 0;
    for (int k = 0; k < 4; k++) {
        char c = s[k];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

static size_t utf8_put(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A string at x->i (the opening quote).  With `decode`, its characters are appended to the
 * path (a key); else it is only skipped. */
static nb_code string(lexer *x, bool decode)
{
    x->i++; /* the opening quote */
    size_t run = x->i;
    while (x->i < x->n) {
        char c = x->t[x->i];
        if (c == '"' || c == '\\') {
            if (decode && x->i > run && path_put(x, x->t + run, x->i - run)) return x->st->code;
            if (c == '"') {
                x->i++;
                return NB_OK;
            }
            if (x->i + 1 >= x->n) break;
            char e = x->t[x->i + 1];
            char buf[8];
            size_t blen = 1;
            x->i += 2;
            switch (e) {
            case '"':
                buf[0] = '"';
                break;
            case '\\':
                buf[0] = '\\';
                break;
            case '/':
                buf[0] = '/';
                break;
            case 'b':
                buf[0] = '\b';
                break;
            case 'f':
                buf[0] = '\f';
                break;
            case 'n':
                buf[0] = '\n';
                break;
            case 'r':
                buf[0] = '\r';
                break;
            case 't':
                buf[0] = '\t';
                break;
            case 'u': {
                int u = x->i + 4 <= x->n ? hex4(x->t + x->i) : -1;
                if (u < 0) return bad(x, "bad \\u escape");
                x->i += 4;
                uint32_t cp = (uint32_t)u;
                if (cp >= 0xD800 && cp <= 0xDBFF && x->i + 6 <= x->n && x->t[x->i] == '\\' &&
                    x->t[x->i + 1] == 'u') {
                    int lo = hex4(x->t + x->i + 2);
                    if (lo >= 0xDC00 && lo <= 0xDFFF) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
                        x->i += 6;
                    }
                }
                if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD; /* a lone surrogate */
                blen = utf8_put(buf, cp);
                break;
            }
            default:
                return bad(x, "bad escape");
            }
            if (decode && path_put(x, buf, blen)) return x->st->code;
            run = x->i;
            continue;
        }
        x->i++;
    }
    return bad(x, "string not closed");
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static nb_code number(lexer *x)
{
    size_t start = x->i;
    if (x->t[x->i] == '-') x->i++;
    if (x->i >= x->n || !is_digit(x->t[x->i])) return bad(x, "bad number");
    if (x->t[x->i] == '0')
        x->i++;
    else
        while (x->i < x->n && is_digit(x->t[x->i]))
            x->i++;
    if (x->i < x->n && x->t[x->i] == '.') {
        x->i++;
        if (x->i >= x->n || !is_digit(x->t[x->i])) return bad(x, "bad number");
        while (x->i < x->n && is_digit(x->t[x->i]))
            x->i++;
    }
    if (x->i < x->n && (x->t[x->i] == 'e' || x->t[x->i] == 'E')) {
        x->i++;
        if (x->i < x->n && (x->t[x->i] == '+' || x->t[x->i] == '-')) x->i++;
        if (x->i >= x->n || !is_digit(x->t[x->i])) return bad(x, "bad number");
        while (x->i < x->n && is_digit(x->t[x->i]))
            x->i++;
    }
    if (!x->fn(x->arg, x->path, x->t + start, x->i - start, start)) x->stop = true;
    return NB_OK;
}

static nb_code literal(lexer *x, const char *word)
{
    size_t k = strlen(word);
    if (x->n - x->i < k || memcmp(x->t + x->i, word, k) != 0) return bad(x, "unexpected byte");
    x->i += k;
    return NB_OK;
}

static nb_code value(lexer *x, int depth);

static nb_code object(lexer *x, int depth)
{
    size_t base = x->plen;
    x->i++;
    skip_ws(x);
    if (x->i < x->n && x->t[x->i] == '}') {
        x->i++;
        return NB_OK;
    }
    for (;;) {
        skip_ws(x);
        if (x->i >= x->n || x->t[x->i] != '"') return bad(x, "expected a key");
        if (base > 0 && path_put(x, ".", 1)) return x->st->code;
        if (string(x, true)) return x->st->code;
        skip_ws(x);
        if (x->i >= x->n || x->t[x->i] != ':') return bad(x, "expected ':'");
        x->i++;
        if (value(x, depth + 1)) return x->st->code;
        x->plen = base;
        if (x->path != NULL) x->path[base] = '\0';
        if (x->stop) return NB_OK;
        skip_ws(x);
        if (x->i < x->n && x->t[x->i] == ',') {
            x->i++;
            continue;
        }
        if (x->i < x->n && x->t[x->i] == '}') {
            x->i++;
            return NB_OK;
        }
        return bad(x, "expected ',' or '}'");
    }
}

static nb_code array(lexer *x, int depth)
{
    size_t base = x->plen;
    x->i++;
    skip_ws(x);
    if (x->i < x->n && x->t[x->i] == ']') {
        x->i++;
        return NB_OK;
    }
    for (size_t k = 0;; k++) {
        char idx[32];
        int m = snprintf(idx, sizeof idx, "[%zu]", k);
        if (path_put(x, idx, (size_t)m)) return x->st->code;
        if (value(x, depth + 1)) return x->st->code;
        x->plen = base;
        x->path[base] = '\0';
        if (x->stop) return NB_OK;
        skip_ws(x);
        if (x->i < x->n && x->t[x->i] == ',') {
            x->i++;
            continue;
        }
        if (x->i < x->n && x->t[x->i] == ']') {
            x->i++;
            return NB_OK;
        }
        return bad(x, "expected ',' or ']'");
    }
}

static nb_code value(lexer *x, int depth)
{
    if (depth > NB_JSONLEX_MAX_DEPTH)
        return nb_fail(x->st, NB_ERR_LIMIT, "JSON text: nested deeper than %d levels",
                       NB_JSONLEX_MAX_DEPTH);
    skip_ws(x);
    if (x->i >= x->n) return bad(x, "expected a value");
    char c = x->t[x->i];
    if (c == '{') return object(x, depth);
    if (c == '[') return array(x, depth);
    if (c == '"') return string(x, false);
    if (c == '-' || is_digit(c)) return number(x);
    if (c == 't') return literal(x, "true");
    if (c == 'f') return literal(x, "false");
    if (c == 'n') return literal(x, "null");
    return bad(x, "unexpected byte");
}

nb_code nb_jsonlex_numbers(const char *text, size_t len, nb_jsonlex_fn fn, void *arg, nb_status *st)
{
    lexer x = {text, len, 0, NULL, 0, 0, fn, arg, false, st};
    nb_code rc = path_put(&x, "", 0); /* the path buffer exists before the first number */
    if (rc == NB_OK) rc = value(&x, 0);
    if (rc == NB_OK && !x.stop) {
        skip_ws(&x);
        if (x.i < x.n) rc = bad(&x, "text after the value");
    }
    free(x.path);
    return rc;
}

bool nb_jsonlex_is_integral(const char *s, size_t len)
{
    size_t i = 0;
    if (i < len && s[i] == '-') i++;
    size_t int0 = i;
    while (i < len && is_digit(s[i]))
        i++;
    size_t nint = i - int0, frac0 = i, nfrac = 0;
    if (nint == 0 || (nint > 1 && s[int0] == '0')) return false;
    if (i < len && s[i] == '.') {
        frac0 = ++i;
        while (i < len && is_digit(s[i]))
            i++;
        nfrac = i - frac0;
        if (nfrac == 0) return false;
    }
    long long exp = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool neg = false;
        if (i < len && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
        if (i >= len || !is_digit(s[i])) return false;
        for (; i < len && is_digit(s[i]); i++)
            if (exp < 1000000000) exp = exp * 10 + (s[i] - '0');
        if (neg) exp = -exp;
    }
    if (i != len) return false;
    /* The digits int·frac with the decimal point after position nint + exp: an integer when
     * every digit from that position on is 0. */
    long long point = (long long)nint + exp;
    size_t ndig = nint + nfrac;
    for (size_t k = point > 0 ? (size_t)(point < (long long)ndig ? point : (long long)ndig) : 0;
         k < ndig; k++) {
        char d = k < nint ? s[int0 + k] : s[frac0 + (k - nint)];
        if (d != '0') return false;
    }
    return true;
}
