/* utf8.c — see utf8.h. */
#include "utf8.h"

size_t nb_utf8_decode(const char *str, size_t len, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    if (len == 0) return 0;
    uint32_t c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t min;
    if ((c & 0xE0) == 0xC0) {
        n = 2, c &= 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, c &= 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, c &= 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    *cp = c;
    return n;
}

bool nb_utf8_valid(const char *s, size_t len, size_t *bad_offset)
{
    size_t i = 0;
    while (i < len) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = nb_utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            if (bad_offset) *bad_offset = i;
            return false;
        }
        i += n;
    }
    return true;
}

/* How many bytes a sequence starting with lead byte c announces; 0 for a continuation byte
 * or a byte that starts nothing. */
static size_t announced(unsigned char c)
{
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) return 2;
    if ((c & 0xF0) == 0xE0) return 3;
    if ((c & 0xF8) == 0xF0) return 4;
    return 0;
}

size_t nb_utf8_whole(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    /* Look back over at most 3 continuation bytes for the lead byte of the last character. */
    size_t back = 0;
    while (back < 3 && back < len && (s[len - 1 - back] & 0xC0) == 0x80)
        back++;
    if (back == len) return len; /* no lead byte: nothing that was cut */
    size_t lead = len - 1 - back, want = announced(s[lead]);
    if (want > back + 1) return lead; /* the last character lacks bytes: drop it */
    return len;
}

size_t nb_utf8_start(const char *str, size_t off)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t k = 0;
    while (k < 3 && off > k && (s[off - k] & 0xC0) == 0x80)
        k++;
    return (s[off - k] & 0xC0) == 0x80 ? off : off - k;
}
