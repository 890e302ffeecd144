#include "buf.h"
#include "utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nb_buf_grow_add(nb_buf *b, const void *s, size_t n)
{
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *np = realloc(b->p, cap);
        if (!np) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void nb_buf_str(nb_buf *b, const char *s)
{
    nb_buf_add(b, s, strlen(s));
}

void nb_buf_utf16_hex(nb_buf *b, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        uint32_t cp = nb_utf8_next(s, len, &i);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            nb_buf_hex4(b, 0xD800 + (cp >> 10));
            nb_buf_hex4(b, 0xDC00 + (cp & 0x3FF));
        } else {
            nb_buf_hex4(b, cp);
        }
    }
}

void nb_buf_printf(nb_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        nb_buf_add(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    nb_buf_add(b, big, (size_t)n);
    free(big);
}

void nb_buf_free(nb_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
    b->oom = false;
}
