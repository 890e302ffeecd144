/* utf8.h — UTF-8 decoding for the whole library: strict (shortest form, no surrogates, at
 * most U+10FFFF).  Text is validated once where it enters (jsonin.c); later stages decode
 * with nb_utf8_next, which never fails. */
#ifndef NB_UTF8_H
#define NB_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at s (len bytes left); returns the bytes used, 0 when invalid. */
size_t nb_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Whether s[0..len) is valid UTF-8; on failure *bad_offset (if given) is the first bad byte. */
bool nb_utf8_valid(const char *s, size_t len, size_t *bad_offset);

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
