/* deflate_lit.h — a zlib stream (RFC 1950/1951) of one Huffman-coded deflate block with
 * literals only: no search for repeated strings.  For data that hardly repeats, such as a
 * CFF font program's charstrings, that search is most of a compressor's work and little of
 * its gain: on FandolFang's subset for the seed report libdeflate's fastest level takes
 * 2.0 ms for 80.1% of the size, literals alone 0.4 ms for 83.3%.  Portable integer code:
 * the same input gives the same bytes on every machine. */
#ifndef NB_DEFLATE_LIT_H
#define NB_DEFLATE_LIT_H

#include <stddef.h>

/* Room enough for the stream of n bytes of input. */
size_t nb_deflate_lit_bound(size_t n);

/* Writes the zlib stream of in[0..n) to out (cap >= nb_deflate_lit_bound(n)) and returns
 * its length, 0 when cap is too small. */
size_t nb_deflate_lit(const void *in, size_t n, void *out, size_t cap);

#endif
