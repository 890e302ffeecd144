/* deflate_lit.c — literal-only zlib streams; see deflate_lit.h.
 *
 * The block is "compressed with dynamic Huffman codes" (RFC 1951 3.2.7): 257 literal/length
 * code lengths (bytes 0-255 and end-of-block; no lengths are used), one distance code of
 * zero bits (none used), each code length written with the code-length code.  Code lengths
 * come from a Huffman tree over the byte counts, limited to 15 bits (7 for the code-length
 * code) by halving the counts and building again in the rare case they exceed it. */
#include "deflate_lit.h"

#include <libdeflate.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

enum { NLIT = 257, EOB = 256, MAXSYM = NLIT + 1 };

/* Huffman code lengths for counts[0..n) (n <= MAXSYM), none longer than limit.  A symbol
 * with count 0 gets length 0.  At least two symbols get a length (a code of one would be
 * incomplete): the caller makes sure two counts are non-zero. */
static void code_lengths(const uint32_t *counts, int n, int limit, uint8_t *len)
{
    uint32_t c[MAXSYM];
    memcpy(c, counts, (size_t)n * sizeof *c);
    for (;;) {
        /* leaves sorted by count (then symbol, so the result does not depend on the sort) */
        int sym[MAXSYM], m = 0;
        for (int i = 0; i < n; i++) {
            len[i] = 0;
            if (c[i]) sym[m++] = i;
        }
        for (int i = 1; i < m; i++) {
            int x = sym[i], j = i;
            while (j > 0 && (c[sym[j - 1]] > c[x] || (c[sym[j - 1]] == c[x] && sym[j - 1] > x))) {
                sym[j] = sym[j - 1];
                j--;
            }
            sym[j] = x;
        }
        /* Two queues: leaves 0..m-1 in order, internal nodes m.. in the order made (their
         * weights never decrease), so the two lightest are always at a queue's head. */
        uint64_t w[2 * MAXSYM];
        int parent[2 * MAXSYM], leaf = 0, inner = m, made = m;
        for (int i = 0; i < m; i++)
            w[i] = c[sym[i]];
        while ((m - leaf) + (made - inner) > 1) {
            int pick[2];
            for (int k = 0; k < 2; k++)
                pick[k] = leaf < m && (inner == made || w[leaf] <= w[inner]) ? leaf++ : inner++;
            w[made] = w[pick[0]] + w[pick[1]];
            parent[pick[0]] = parent[pick[1]] = made;
            made++;
        }
        if (m < 2) { /* callers give two symbols; one alone would get no bits at all */
            if (m == 1) len[sym[0]] = 1;
            return;
        }
        int depth[2 * MAXSYM], deepest = 0;
        depth[made - 1] = 0;
        for (int i = made - 2; i >= 0; i--)
            depth[i] = depth[parent[i]] + 1;
        for (int i = 0; i < m; i++) {
            len[sym[i]] = (uint8_t)depth[i];
            if (depth[i] > deepest) deepest = depth[i];
        }
        if (deepest <= limit) return;
        for (int i = 0; i < n; i++) /* flatten the counts and try again */
            if (c[i]) c[i] = (c[i] >> 1) | 1;
    }
}

/* Canonical codes for the lengths (RFC 1951 3.2.2), bit-reversed: deflate sends a Huffman
 * code's first bit first, in a stream otherwise filled from the low bit. */
static void codes_of(const uint8_t *len, int n, uint16_t *code)
{
    unsigned count[16] = {0}, next[16];
    for (int i = 0; i < n; i++)
        count[len[i]]++;
    count[0] = 0;
    unsigned c = 0;
    for (int b = 1; b < 16; b++) {
        c = (c + count[b - 1]) << 1;
        next[b] = c;
    }
    for (int i = 0; i < n; i++) {
        code[i] = 0;
        if (!len[i]) continue;
        unsigned v = next[len[i]]++, r = 0;
        for (int k = 0; k < len[i]; k++, v >>= 1)
            r = r << 1 | (v & 1);
        code[i] = (uint16_t)r;
    }
}

typedef struct bits {
    unsigned char *p, *end;
    uint64_t acc; /* pending bits, the first in the lowest place */
    unsigned n;   /* how many */
    bool overflow;
} bits;

/* Appends the low nb bits of v (nb <= 32). */
static inline void put(bits *b, uint64_t v, unsigned nb)
{
    b->acc |= v << b->n;
    b->n += nb;
    if (b->n >= 32) {
        if (b->end - b->p >= 4) {
            b->p[0] = (unsigned char)b->acc;
            b->p[1] = (unsigned char)(b->acc >> 8);
            b->p[2] = (unsigned char)(b->acc >> 16);
            b->p[3] = (unsigned char)(b->acc >> 24);
            b->p += 4;
        } else {
            b->overflow = true;
        }
        b->acc >>= 32;
        b->n -= 32;
    }
}

static inline void store_le64(unsigned char *p, uint64_t v)
{
    /* written out so that the compiler merges them into one 8-byte store */
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
    p[4] = (unsigned char)(v >> 32);
    p[5] = (unsigned char)(v >> 40);
    p[6] = (unsigned char)(v >> 48);
    p[7] = (unsigned char)(v >> 56);
}

/* Stores the pending whole bytes, leaving fewer than 8 bits pending. */
static void put_flush_bytes(bits *b)
{
    while (b->n >= 8) {
        if (b->p < b->end)
            *b->p++ = (unsigned char)b->acc;
        else
            b->overflow = true;
        b->acc >>= 8;
        b->n -= 8;
    }
}

static void put_byte(bits *b, unsigned v)
{
    if (b->p < b->end)
        *b->p++ = (unsigned char)v;
    else
        b->overflow = true;
}

size_t nb_deflate_lit_bound(size_t n)
{
    /* 2 header bytes, the block header (3 + 14 + 19 * 3 bits, 258 lengths of at most 7
     * bits), 15 bits a byte at worst, end of block, Adler-32 */
    return n + n / 8 * 7 + 8 + 300;
}

size_t nb_deflate_lit(const void *in, size_t n, void *out, size_t cap)
{
    const unsigned char *src = in;
    uint32_t count[NLIT] = {0}, part[4][256] = {{0}};
    size_t q = 0;
    for (; q + 4 <= n; q += 4) { /* four tables: no store waits for the one before */
        part[0][src[q]]++;
        part[1][src[q + 1]]++;
        part[2][src[q + 2]]++;
        part[3][src[q + 3]]++;
    }
    for (; q < n; q++)
        part[0][src[q]]++;
    for (int c = 0; c < 256; c++)
        count[c] = part[0][c] + part[1][c] + part[2][c] + part[3][c];
    count[EOB] = 1;
    int used = 0;
    for (int i = 0; i < NLIT; i++)
        used += count[i] != 0;
    if (used < 2) count[src && n ? (src[0] == 0 ? 1 : 0) : 0] = 1; /* a second symbol */
    uint8_t len[MAXSYM];
    uint16_t code[NLIT];
    code_lengths(count, NLIT, 15, len);
    codes_of(len, NLIT, code);
    len[NLIT] = 0; /* the one distance code: zero bits, none used */

    /* the code-length code over the 258 lengths */
    static const uint8_t order[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                      11, 4,  12, 3, 13, 2, 14, 1, 15};
    uint32_t ccount[19] = {0};
    for (int i = 0; i < MAXSYM; i++)
        ccount[len[i]]++; /* 0 always occurs (the distance code), and some length > 0 */
    uint8_t clen[19];
    uint16_t ccode[19];
    code_lengths(ccount, 19, 7, clen);
    codes_of(clen, 19, ccode);
    int hclen = 19;
    while (hclen > 4 && clen[order[hclen - 1]] == 0)
        hclen--;

    bits b = {out, (unsigned char *)out + cap, 0, 0, false};
    put_byte(&b, 0x78); /* deflate, 32K window */
    put_byte(&b, 0x01); /* fastest; (0x78 << 8 | 0x01) % 31 == 0 */
    put(&b, 1, 1);      /* the final block */
    put(&b, 2, 2);      /* dynamic Huffman codes */
    put(&b, NLIT - 257, 5);
    put(&b, 1 - 1, 5);
    put(&b, (unsigned)hclen - 4, 4);
    for (int i = 0; i < hclen; i++)
        put(&b, clen[order[i]], 3);
    for (int i = 0; i < MAXSYM; i++)
        put(&b, ccode[len[i]], clen[len[i]]);

    uint32_t sym[256]; /* code | length << 16 */
    for (int i = 0; i < 256; i++)
        sym[i] = code[i] | (uint32_t)len[i] << 16;
    /* Three codes (at most 45 bits) at a time while 8 bytes of room are left: whole bytes
     * are stored after each step, so fewer than 8 bits stay pending. */
    put_flush_bytes(&b);
    size_t i = 0;
    for (; i + 3 <= n && b.end - b.p >= 8; i += 3) {
        uint32_t s0 = sym[src[i]], s1 = sym[src[i + 1]], s2 = sym[src[i + 2]];
        unsigned l0 = s0 >> 16, l1 = s1 >> 16;
        uint64_t v =
            (s0 & 0xFFFF) | (uint64_t)(s1 & 0xFFFF) << l0 | (uint64_t)(s2 & 0xFFFF) << (l0 + l1);
        b.acc |= v << b.n;
        b.n += l0 + l1 + (s2 >> 16);
        store_le64(b.p, b.acc);
        unsigned whole = b.n >> 3;
        b.p += whole;
        b.acc >>= whole * 8; /* whole <= 6 */
        b.n &= 7;
    }
    for (; i < n; i++)
        put(&b, sym[src[i]] & 0xFFFF, sym[src[i]] >> 16);
    put(&b, code[EOB], len[EOB]);
    if (b.n % 8) put(&b, 0, 8 - b.n % 8);
    while (b.n > 0) {
        put_byte(&b, (unsigned)(b.acc & 0xFF));
        b.acc >>= 8;
        b.n -= 8;
    }
    uint32_t ad = (uint32_t)libdeflate_adler32(1, src, n);
    for (int k = 3; k >= 0; k--)
        put_byte(&b, ad >> (8 * k) & 0xFF);
    return b.overflow ? 0 : (size_t)(b.p - (unsigned char *)out);
}
