/* test_catalog.c — the embedded Chinese catalogue (src/catalog.c) and statuses in Chinese.
 *
 * Checks the .mo reader on the catalogue the build compiled from po/zh_CN.po (the file in
 * the build tree, read here and compared with the embedded copy's answers), on a .mo image
 * written big-endian, and on damaged images; and that nb_fail and nb_status_prefix record
 * a Chinese message for a Chinese status and the English one otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "catalog.h"
#include "status.h"

static unsigned char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    unsigned char *b = malloc(1 << 20);
    *len = b ? fread(b, 1, 1 << 20, f) : 0;
    fclose(f);
    return b;
}

static void test_lookup_embedded(void **state)
{
    (void)state;
    assert_string_equal(nb_catalog_lookup(NB_LANG_ZH, "no such file"), "文件不存在");
    assert_string_equal(nb_catalog_lookup(NB_LANG_EN, "no such file"), "no such file");
    /* not in the catalogue: the English text itself */
    const char *odd = "a message nobody wrote";
    assert_ptr_equal(nb_catalog_lookup(NB_LANG_ZH, odd), odd);
    assert_string_equal(nb_catalog_lookup(NB_LANG_ZH, ""), "");
    assert_int_equal(nb_lang_from_name("zh_CN.UTF-8"), NB_LANG_ZH);
    assert_int_equal(nb_lang_from_name("zh"), NB_LANG_ZH);
    assert_int_equal(nb_lang_from_name("en"), NB_LANG_EN);
    assert_int_equal(nb_lang_from_name(NULL), NB_LANG_EN);
    assert_int_equal(nb_lang_from_name("C"), NB_LANG_EN);
}

/* Every original of the built .mo is found, with its translation, by binary search. */
static void test_every_entry_found(void **state)
{
    (void)state;
    size_t len;
    unsigned char *mo = read_all(NB_TEST_BINDIR "/locale/zh_CN/LC_MESSAGES/nianbao.mo", &len);
    assert_non_null(mo);
    assert_true(len > 1000);
    uint32_t n, orig, trans;
    memcpy(&n, mo + 8, 4);
    memcpy(&orig, mo + 12, 4);
    memcpy(&trans, mo + 16, 4);
    assert_true(n > 200);
    for (uint32_t i = 1; i < n; i++) { /* 0: the header, msgid "" */
        uint32_t ol, oo, tl, to;
        memcpy(&ol, mo + orig + 8 * i, 4);
        memcpy(&oo, mo + orig + 8 * i + 4, 4);
        memcpy(&tl, mo + trans + 8 * i, 4);
        memcpy(&to, mo + trans + 8 * i + 4, 4);
        const char *id = (const char *)mo + oo, *want = (const char *)mo + to;
        assert_string_equal(nb_mo_lookup(mo, len, id), want);
        assert_string_equal(nb_catalog_lookup(NB_LANG_ZH, id), want);
        assert_true(tl > 0 && ol > 0);
    }
    /* damaged images: nothing found, nothing read out of bounds */
    assert_null(nb_mo_lookup(mo, 19, "no such file"));
    unsigned char bad[64] = {0};
    memcpy(bad, mo, 20);
    assert_null(nb_mo_lookup(bad, sizeof bad, "no such file")); /* tables past the end */
    bad[0] ^= 0xff;
    assert_null(nb_mo_lookup(bad, sizeof bad, "no such file")); /* no magic */
    free(mo);
}

static void put32be(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* A two-entry image in big-endian order, as a big-endian msgfmt writes it. */
static void test_big_endian(void **state)
{
    (void)state;
    unsigned char mo[128] = {0};
    put32be(mo, 0x950412de);
    put32be(mo + 8, 2);
    put32be(mo + 12, 28);
    put32be(mo + 16, 44);
    /* originals "a" (at 60) and "b" (62); translations "甲" (64) and "乙" (68) */
    put32be(mo + 28, 1), put32be(mo + 32, 60), put32be(mo + 36, 1), put32be(mo + 40, 62);
    put32be(mo + 44, 3), put32be(mo + 48, 64), put32be(mo + 52, 3), put32be(mo + 56, 68);
    memcpy(mo + 60, "a\0b\0甲\0乙", 12);
    assert_string_equal(nb_mo_lookup(mo, 72, "a"), "甲");
    assert_string_equal(nb_mo_lookup(mo, 72, "b"), "乙");
    assert_null(nb_mo_lookup(mo, 72, "c"));
    assert_null(nb_mo_lookup(mo, 70, "b")); /* "乙" cut off: not found */
}

static void test_status_language(void **state)
{
    (void)state;
    nb_status en = NB_STATUS_INIT, zh = NB_STATUS_INIT;
    zh.lang = NB_LANG_ZH;
    nb_fail(&en, NB_ERR_FONT, "font file not found: %s", "x.ttf");
    nb_fail(&zh, NB_ERR_FONT, "font file not found: %s", "x.ttf");
    assert_string_equal(en.msg, "font file not found: x.ttf");
    assert_string_equal(zh.msg, "找不到字体文件：x.ttf");
    nb_status_prefix(&zh, "page %zu, box %zu", (size_t)2, (size_t)3);
    assert_string_equal(zh.msg, "第 2 页第 3 个框: 找不到字体文件：x.ttf");
    nb_status_clear(&zh);
    assert_int_equal(zh.lang, NB_LANG_ZH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup_embedded),
        cmocka_unit_test(test_every_entry_found),
        cmocka_unit_test(test_big_endian),
        cmocka_unit_test(test_status_language),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
