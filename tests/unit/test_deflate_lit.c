/* unit.test_deflate_lit — literal-only zlib streams (src/deflate_lit.c): every stream
 * inflates to its input with both zlib (what most PDF readers use) and libdeflate, stays
 * within nb_deflate_lit_bound, and fails cleanly (0) when the buffer is too small.  Inputs:
 * empty, one byte, one byte value repeated, every byte value equally often, counts that
 * make a plain Huffman tree deeper than deflate's 15 bits, noise, and the CFF subset the
 * PDF writer embeds for the seed's body font. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <harfbuzz/hb-subset.h>
#include <harfbuzz/hb.h>
#include <libdeflate.h>
#include <zlib.h>

#include "deflate_lit.h"

/* Compresses in[0..n), checks both inflaters give it back; returns the stream's size. */
static size_t round_trip(const unsigned char *in, size_t n)
{
    size_t cap = nb_deflate_lit_bound(n);
    unsigned char *z = malloc(cap);
    assert_non_null(z);
    size_t zn = nb_deflate_lit(in, n, z, cap);
    assert_true(zn > 0 && zn <= cap);

    unsigned char *back = malloc(n + 1);
    uLongf back_n = (uLongf)n + 1;
    assert_int_equal(uncompress(back, &back_n, z, (uLong)zn), Z_OK);
    assert_int_equal(back_n, n);
    if (n) assert_memory_equal(back, in, n);

    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    size_t got = 0;
    memset(back, 0, n + 1);
    assert_int_equal(libdeflate_zlib_decompress(d, z, zn, back, n + 1, &got), LIBDEFLATE_SUCCESS);
    assert_int_equal(got, n);
    if (n) assert_memory_equal(back, in, n);
    libdeflate_free_decompressor(d);

    /* the same input gives the same bytes */
    unsigned char *again = malloc(cap);
    assert_int_equal(nb_deflate_lit(in, n, again, cap), zn);
    assert_memory_equal(again, z, zn);

    /* too small a buffer: 0, and nothing written past it (AddressSanitizer) */
    for (size_t small = 0; small < zn; small += zn / 7 + 1) {
        unsigned char *s = malloc(small ? small : 1);
        assert_int_equal(nb_deflate_lit(in, n, s, small), 0);
        free(s);
    }
    free(again);
    free(back);
    free(z);
    return zn;
}

static void test_small_inputs(void **state)
{
    (void)state;
    round_trip(NULL, 0);
    round_trip((const unsigned char *)"x", 1);
    round_trip((const unsigned char *)"\0", 1);
    round_trip((const unsigned char *)"ab", 2);
    round_trip((const unsigned char *)"hello, world", 12);
}

static void test_one_value(void **state)
{
    (void)state;
    unsigned char *a = malloc(100000);
    memset(a, 'a', 100000);
    size_t zn = round_trip(a, 100000);
    assert_true(zn < 100000 / 7); /* one bit a byte, and a little */
    memset(a, 0, 100000);
    round_trip(a, 100000);
    free(a);
}

static void test_every_value(void **state)
{
    (void)state;
    unsigned char a[256 * 40];
    for (size_t i = 0; i < sizeof a; i++)
        a[i] = (unsigned char)(i * 7);
    size_t zn = round_trip(a, sizeof a);
    assert_true(zn <= sizeof a + 300); /* 8 bits each, plus the code */
}

/* Fibonacci counts make a Huffman tree as deep as there are symbols: the lengths must be
 * limited to 15 bits. */
static void test_deep_tree(void **state)
{
    (void)state;
    size_t count[26], total = 0, f0 = 1, f1 = 1;
    for (int s = 0; s < 26; s++) {
        count[s] = f0;
        total += f0;
        size_t f2 = f0 + f1;
        f0 = f1;
        f1 = f2;
    }
    unsigned char *a = malloc(total);
    size_t k = 0;
    for (int s = 0; s < 26; s++)
        for (size_t i = 0; i < count[s]; i++)
            a[k++] = (unsigned char)('A' + s);
    round_trip(a, total);
    free(a);
}

static void test_noise(void **state)
{
    (void)state;
    size_t n = 300000;
    unsigned char *a = malloc(n);
    uint32_t x = 7;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        a[i] = (unsigned char)(x >> 23);
    }
    round_trip(a, n);
    free(a);
}

#define FANG NB_TEST_SRCDIR "/deps/fandol/FandolFang-Regular.otf"

/* The body font's subset for the seed report's first paragraph: smaller than libdeflate's
 * fastest level would make it, by no more than a few percent. */
static void test_cff_subset(void **state)
{
    (void)state;
    if (access(FANG, R_OK) != 0) {
        print_message("skipped: font file %s is not installed\n", FANG);
        skip();
    }
    hb_blob_t *blob = hb_blob_create_from_file(FANG);
    hb_face_t *face = hb_face_create(blob, 0);
    hb_font_t *font = hb_font_create(face);
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    const char *text =
        "本报告依据《中华人民共和国政府信息公开条例》和国务院办公厅政府信息与政务公开"
        "办公室的通知要求编制，全文包括总体情况、主动公开政府信息情况、收到和处理"
        "政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题"
        "及改进情况、其他需要报告的事项。数据统计期限自2020年1月1日起至12月31日止。";
    hb_buffer_t *buf = hb_buffer_create();
    hb_buffer_add_utf8(buf, text, -1, 0, -1);
    hb_buffer_guess_segment_properties(buf);
    hb_shape(font, buf, NULL, 0);
    unsigned count;
    const hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &count);
    for (unsigned i = 0; i < count; i++)
        hb_set_add(hb_subset_input_glyph_set(in), info[i].codepoint);
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_DESUBROUTINIZE);
    hb_face_t *sub = hb_subset_or_fail(face, in);
    assert_non_null(sub);
    hb_blob_t *cff = hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' '));
    unsigned n = 0;
    const unsigned char *p = (const unsigned char *)hb_blob_get_data(cff, &n);
    assert_true(n > 10000);
    size_t zn = round_trip(p, n);
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(1);
    size_t cap = libdeflate_zlib_compress_bound(c, n);
    void *z = malloc(cap);
    size_t lz = libdeflate_zlib_compress(c, p, n, z, cap);
    print_message("CFF subset %u bytes: literals only %zu, libdeflate level 1 %zu\n", n, zn, lz);
    assert_true(zn < n * 9 / 10);
    assert_true(zn < lz * 106 / 100);
    free(z);
    libdeflate_free_compressor(c);
    hb_blob_destroy(cff);
    hb_face_destroy(sub);
    hb_buffer_destroy(buf);
    hb_subset_input_destroy(in);
    hb_font_destroy(font);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_inputs), cmocka_unit_test(test_one_value),
        cmocka_unit_test(test_every_value),  cmocka_unit_test(test_deep_tree),
        cmocka_unit_test(test_noise),        cmocka_unit_test(test_cff_subset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
