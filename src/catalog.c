/* catalog.c — binary search in an embedded GNU .mo catalogue (see catalog.h).
 *
 * The .mo layout (GNU gettext manual, "The Format of GNU MO Files"): a header of 32-bit
 * words in the writer's byte order — magic 0x950412de, revision, N, the offset of the table
 * of original strings, the offset of the table of translations — then the two tables of N
 * (length, offset) pairs, the originals sorted by strcmp, each string NUL-terminated.
 * Every offset and length is checked against the image before it is used, so a damaged
 * image yields "not found", never a read out of bounds.
 */
#include "catalog.h"

#include <stdint.h>
#include <string.h>

/* The embedded catalogue of po/zh_CN.po, generated at build time (catalog_zh.c). */
extern const unsigned char nb_catalog_zh_mo[];
extern const size_t nb_catalog_zh_mo_len;

#define MO_MAGIC 0x950412deu

nb_lang nb_lang_from_name(const char *name)
{
    return name && name[0] == 'z' && name[1] == 'h' ? NB_LANG_ZH : NB_LANG_EN;
}

static uint32_t word(const unsigned char *p, int big)
{
    return big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
               : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* The string of table entry i (a (length, offset) pair at `table`), or NULL when it does
 * not lie within the image or lacks its terminating NUL. */
static const char *entry(const unsigned char *mo, size_t len, uint32_t table, uint32_t i, int big)
{
    uint64_t at = (uint64_t)table + (uint64_t)i * 8;
    if (at + 8 > len) return NULL;
    uint64_t slen = word(mo + at, big), off = word(mo + at + 4, big);
    if (off + slen + 1 > len || mo[off + slen] != '\0') return NULL;
    return (const char *)mo + off;
}

const char *nb_mo_lookup(const unsigned char *mo, size_t len, const char *msgid)
{
    if (!mo || len < 20 || !msgid) return NULL;
    int big;
    if (word(mo, 0) == MO_MAGIC)
        big = 0;
    else if (word(mo, 1) == MO_MAGIC)
        big = 1;
    else
        return NULL;
    if (word(mo + 4, big) >> 16 != 0) return NULL; /* a major revision we do not know */
    uint32_t n = word(mo + 8, big), orig = word(mo + 12, big), trans = word(mo + 16, big);
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const char *s = entry(mo, len, orig, mid, big);
        if (!s) return NULL;
        int c = strcmp(msgid, s);
        if (c == 0) return entry(mo, len, trans, mid, big);
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const char *nb_catalog_lookup(nb_lang lang, const char *msgid)
{
    if (lang != NB_LANG_ZH || !msgid || !*msgid) return msgid;
    const char *t = nb_mo_lookup(nb_catalog_zh_mo, nb_catalog_zh_mo_len, msgid);
    return t && *t ? t : msgid;
}
