/* fuzz_binary.c — libFuzzer harness for the binary formats nianbao reads and writes with
 * its own code: cff.c's readers (a user may point a role at any font file) must stay
 * within the bytes they are given whatever those are, and every input must come back
 * unchanged from deflate_lit.c's stream through libdeflate's inflater, with a buffer one
 * byte too small refused cleanly.  A failure traps. */
#include <libdeflate.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cff.h"
#include "deflate_lit.h"

static bool fuzz_binary_count(void *ctx, unsigned gid, unsigned cid, unsigned count)
{
    (void)gid;
    (void)cid;
    *(unsigned *)ctx += count;
    return *(unsigned *)ctx < 1000000; /* stop a runaway walk as a reader would */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the CFF readers, on a copy of exactly `size` bytes (AddressSanitizer sees overruns) */
    unsigned char *copy = calloc(1, size ? size : 1);
    if (!copy) return 0;
    if (size) memcpy(copy, data, size);
    bool flag;
    size_t charset;
    (void)nb_cff_top(copy, size, &flag, &charset);
    (void)nb_cff_has_subrs(copy, size, &flag);
    unsigned glyphs = size >= 2 ? 1u + ((unsigned)copy[0] << 8 | copy[1]) : 1u, covered = 0;
    (void)nb_cff_charset(copy, size, glyphs, fuzz_binary_count, &covered);

    /* literal-only deflate: round trip, and a short buffer refused */
    size_t cap = nb_deflate_lit_bound(size);
    unsigned char *z = malloc(cap), *back = malloc(size + 1);
    if (!z || !back) {
        free(copy);
        free(z);
        free(back);
        return 0;
    }
    size_t zn = nb_deflate_lit(copy, size, z, cap);
    if (zn == 0 || zn > cap) __builtin_trap();
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    size_t got = 0;
    if (d && (libdeflate_zlib_decompress(d, z, zn, back, size + 1, &got) != LIBDEFLATE_SUCCESS ||
              got != size || (size && memcmp(back, copy, size) != 0)))
        __builtin_trap();
    if (d) libdeflate_free_decompressor(d);
    unsigned char *small = malloc(zn - 1 ? zn - 1 : 1);
    if (small && nb_deflate_lit(copy, size, small, zn - 1) != 0) __builtin_trap();
    free(small);
    free(z);
    free(back);
    free(copy);
    return 0;
}
