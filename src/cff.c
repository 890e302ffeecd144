/* cff.c — facts read from a CFF table; see cff.h. */
#include "cff.h"

#include <stdint.h>

/* An INDEX at p[at..len): its count and where its objects' data start and end (offsets
 * in the INDEX are 1-based from the byte before the data).  False when out of bounds. */
typedef struct cff_index {
    size_t at, count, os, data, end;
} cff_index;

static size_t be(const unsigned char *p, size_t n)
{
    size_t v = 0;
    for (size_t k = 0; k < n; k++)
        v = v << 8 | p[k];
    return v;
}

static bool index_at(const unsigned char *p, size_t len, size_t at, cff_index *ix)
{
    ix->at = at;
    if (at > len || len - at < 2) return false;
    ix->count = be(p + at, 2);
    if (ix->count == 0) { /* an empty INDEX is its count alone */
        ix->os = 0;
        ix->data = ix->end = at + 2;
        return true;
    }
    if (len - at < 3) return false;
    ix->os = p[at + 2];
    if (ix->os < 1 || ix->os > 4) return false;
    size_t offs = at + 3, table = (ix->count + 1) * ix->os;
    if (len - offs < table) return false;
    ix->data = offs + table - 1;
    size_t last = be(p + offs + ix->count * ix->os, ix->os);
    if (last < 1 || len - ix->data < last) return false;
    ix->end = ix->data + last;
    return true;
}

/* Object i of an INDEX as [*b, *e) within the table. */
static bool index_item(const unsigned char *p, const cff_index *ix, size_t i, size_t *b, size_t *e)
{
    if (i >= ix->count) return false;
    size_t offs = ix->at + 3;
    size_t o0 = be(p + offs + i * ix->os, ix->os), o1 = be(p + offs + (i + 1) * ix->os, ix->os);
    if (o0 < 1 || o1 < o0 || ix->data + o1 > ix->end) return false;
    *b = ix->data + o0;
    *e = ix->data + o1;
    return true;
}

/* Looks for operator op (12 x is written 1200 + x) in the DICT d[0..dl): *found, and the
 * integer operands just before it (at most 2, the last in v[nv - 1]).  Real operands count
 * as 0.  False when the DICT cannot be read. */
static bool dict_find(const unsigned char *d, size_t dl, int op, bool *found, long v[2], int *nv)
{
    *found = false;
    *nv = 0;
    long ops[2] = {0, 0};
    int n = 0;
    size_t i = 0;
    while (i < dl) {
        unsigned b0 = d[i];
        long x;
        if (b0 <= 21) { /* an operator */
            int o = (int)b0;
            if (b0 == 12) {
                if (i + 1 >= dl) return false;
                o = 1200 + d[i + 1];
                i++;
            }
            i++;
            if (o == op) {
                *found = true;
                *nv = n;
                v[0] = ops[0];
                v[1] = ops[1];
                return true;
            }
            n = 0;
            continue;
        }
        if (b0 == 28) {
            if (i + 3 > dl) return false;
            x = (int16_t)be(d + i + 1, 2);
            i += 3;
        } else if (b0 == 29) {
            if (i + 5 > dl) return false;
            x = (int32_t)(uint32_t)be(d + i + 1, 4);
            i += 5;
        } else if (b0 == 30) { /* a real: nibbles up to an 0xF nibble */
            i++;
            while (i < dl && (d[i] & 0x0F) != 0x0F && (d[i] >> 4) != 0x0F)
                i++;
            i++;
            x = 0;
        } else if (b0 >= 32 && b0 <= 246) {
            x = (long)b0 - 139;
            i++;
        } else if (b0 >= 247 && b0 <= 254) {
            if (i + 2 > dl) return false;
            x = b0 <= 250 ? ((long)b0 - 247) * 256 + d[i + 1] + 108
                          : -((long)b0 - 251) * 256 - d[i + 1] - 108;
            i += 2;
        } else {
            return false;
        }
        if (n == 2) {
            ops[0] = ops[1];
            n = 1;
        }
        ops[n++] = x;
    }
    return true;
}

/* The Top DICT of the first font as [*b, *e), and the INDEX that follows the Top DICT
 * INDEX (the String INDEX). */
static bool top_dict(const unsigned char *p, size_t len, size_t *b, size_t *e, cff_index *strings)
{
    if (len < 4) return false;
    cff_index names, tops;
    return index_at(p, len, p[2], &names) && index_at(p, len, names.end, &tops) &&
           index_item(p, &tops, 0, b, e) && index_at(p, len, tops.end, strings);
}

bool nb_cff_top(const unsigned char *p, size_t len, bool *ros, size_t *charset)
{
    *ros = false;
    *charset = 0;
    size_t b, e;
    cff_index strings;
    long v[2];
    int nv;
    bool found;
    if (!top_dict(p, len, &b, &e, &strings)) return false;
    if (!dict_find(p + b, e - b, 1230, ros, v, &nv)) return false;
    if (!dict_find(p + b, e - b, 15, &found, v, &nv)) return false;
    if (found && nv >= 1 && v[nv - 1] > 0) *charset = (size_t)v[nv - 1];
    return true;
}

/* Whether the Private DICT named by a Top or Font DICT ([size offset] Private) has a
 * Subrs INDEX with at least one subroutine. */
static bool private_subrs(const unsigned char *p, size_t len, const unsigned char *d, size_t dl,
                          bool *subrs)
{
    long v[2];
    int nv;
    bool found;
    if (!dict_find(d, dl, 18, &found, v, &nv)) return false;
    if (!found) return true; /* no Private DICT, no local subroutines */
    if (nv != 2 || v[0] < 0 || v[1] < 0 || (size_t)v[1] > len || len - (size_t)v[1] < (size_t)v[0])
        return false;
    size_t pb = (size_t)v[1], pl = (size_t)v[0];
    if (!dict_find(p + pb, pl, 19, &found, v, &nv)) return false;
    if (!found) return true;
    if (nv < 1 || v[nv - 1] <= 0) return false; /* Subrs is relative to the Private DICT */
    cff_index sx;
    if (!index_at(p, len, pb + (size_t)v[nv - 1], &sx)) return false;
    if (sx.count > 0) *subrs = true;
    return true;
}

bool nb_cff_has_subrs(const unsigned char *p, size_t len, bool *subrs)
{
    *subrs = false;
    size_t b, e;
    cff_index strings, gsubrs;
    if (!top_dict(p, len, &b, &e, &strings) || !index_at(p, len, strings.end, &gsubrs))
        return false;
    if (gsubrs.count > 0) {
        *subrs = true;
        return true;
    }
    long v[2];
    int nv;
    bool found;
    if (!dict_find(p + b, e - b, 1236, &found, v, &nv)) return false; /* FDArray */
    if (!found) return private_subrs(p, len, p + b, e - b, subrs);
    if (nv < 1 || v[nv - 1] <= 0) return false;
    cff_index fds;
    if (!index_at(p, len, (size_t)v[nv - 1], &fds)) return false;
    for (size_t i = 0; i < fds.count && !*subrs; i++) {
        size_t fb, fe;
        if (!index_item(p, &fds, i, &fb, &fe) || !private_subrs(p, len, p + fb, fe - fb, subrs))
            return false;
    }
    return true;
}

bool nb_cff_charset(const unsigned char *p, size_t len, unsigned nglyphs, nb_cff_range_fn range,
                    void *ctx)
{
    bool ros;
    size_t cs;
    if (!nb_cff_top(p, len, &ros, &cs) || !ros || cs == 0 || cs >= len) return false;
    unsigned fmt = p[cs];
    if (fmt > 2) return false;
    size_t at = cs + 1;
    unsigned gid = 1;
    while (gid < nglyphs) {
        unsigned first, count;
        if (fmt == 0) {
            if (len - at < 2) return false;
            first = (unsigned)be(p + at, 2);
            count = 1;
            at += 2;
        } else {
            size_t step = fmt == 1 ? 3 : 4;
            if (len - at < step) return false;
            first = (unsigned)be(p + at, 2);
            count = 1u + (unsigned)(fmt == 1 ? p[at + 2] : be(p + at + 2, 2));
            at += step;
        }
        if (!range(ctx, gid, first, count)) return false;
        gid += count;
    }
    return true;
}
