/* utf8.h — UTF-8 decoding for the whole library: strict (shortest form, no surrogates, at
 * most U+10FFFF).  Text is validated once where it enters (jsonin.c); later stages decode
 * with nb_utf8_next, which never fails.  nb_utf8_whole and nb_utf8_start keep a piece of
 * text cut out for a message (an excerpt, a message cut to its buffer) from ending or
 * starting inside a character. */
#ifndef NB_UTF8_H
#define NB_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at s (len bytes left); returns the bytes used, 0 when invalid. */
size_t nb_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Whether s[0..len) is valid UTF-8; on failure *bad_offset (if given) is the first bad byte. */
bool nb_utf8_valid(const char *s, size_t len, size_t *bad_offset);

/* The length of s[0..len) without the incomplete character it may end with: a lead byte
 * followed by fewer continuation bytes than it announces is dropped, so text cut at any byte
 * (by a buffer's size, say) can be cut back to whole characters.  Never drops more than 3
 * bytes; bytes that were invalid before the cut are left alone. */
size_t nb_utf8_whole(const char *s, size_t len);

/* The start of the character that holds byte s[off]: off moved back over at most 3
 * continuation bytes. */
size_t nb_utf8_start(const char *s, size_t off);

/* The code point at s[*i] (n bytes in all), advancing *i past it; U+FFFD for a byte that
 * starts no valid sequence (then *i moves by one byte). */
static inline uint32_t nb_utf8_next(const unsigned char *s, size_t n, size_t *i)
{
    uint32_t cp;
    size_t k = nb_utf8_decode((const char *)s + *i, n - *i, &cp);
    if (k == 0) {
        (*i)++;
        return 0xFFFD;
    }
    *i += k;
    return cp;
}

#endif
