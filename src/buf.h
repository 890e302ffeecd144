/* buf.h — a growable byte buffer for building text (content streams, CMaps, XMP).
 *
 * Appending never fails loudly: on out-of-memory the buffer remembers it (`oom`) and
 * ignores further appends, so a caller checks once at the end.  The bytes are always
 * NUL-terminated.  The buffer owns `p`; release it with nb_buf_free (or take it over).
 */
#ifndef NB_BUF_H
#define NB_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef struct nb_buf {
    char *p;
    size_t len, cap;
    bool oom;
} nb_buf;

void nb_buf_grow_add(nb_buf *b, const void *s, size_t n);

/* Appends n bytes (inline: this is on the content-stream hot path). */
static inline void nb_buf_add(nb_buf *b, const void *s, size_t n)
{
    if (b->len + n + 1 <= b->cap) {
        memcpy(b->p + b->len, s, n);
        b->len += n;
        b->p[b->len] = '\0';
        return;
    }
    nb_buf_grow_add(b, s, n);
}
void nb_buf_str(nb_buf *b, const char *s);

/* Appends v's low 16 bits as four upper-case hex digits (a glyph code in a content stream
 * or a CMap: no printf on that path). */
static inline void nb_buf_hex4(nb_buf *b, unsigned v)
{
    static const char hex[] = "0123456789ABCDEF";
    char t[4] = {hex[(v >> 12) & 15], hex[(v >> 8) & 15], hex[(v >> 4) & 15], hex[v & 15]};
    nb_buf_add(b, t, 4);
}

/* Appends the UTF-8 text[0..len) as UTF-16BE in hex digits (surrogate pairs beyond the
 * BMP; bad bytes as U+FFFD), as PDF hex strings and ToUnicode CMaps hold text. */
void nb_buf_utf16_hex(nb_buf *b, const char *text, size_t len);
void nb_buf_printf(nb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nb_buf_free(nb_buf *b);

#endif
