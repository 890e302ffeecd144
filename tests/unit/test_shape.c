/* test_shape.c — shaping with fallback on real fonts: advances and clusters, Ext-A and
 * Ext-B fallback, missing characters, quote widening, variation selectors, long text.
 * A case whose font file is absent is skipped with a message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <harfbuzz/hb.h>

#include "font.h"
#include "shape.h"

#define FANG NB_TEST_SRCDIR "/deps/fandol/FandolFang-Regular.otf"
#define LXGW "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
#define MAP NB_TEST_SRCDIR "/fonts/fontmap.json"

static bool need(const char *path)
{
    if (access(path, R_OK) == 0) return true;
    print_message("skipped: font file %s is not installed\n", path);
    return false;
}

static nb_fontset *fs;

static int setup(void **state)
{
    (void)state;
    fs = nb_fontset_new();
    nb_status st = NB_STATUS_INIT;
    if (access(FANG, R_OK) == 0 && nb_fontset_load_map(fs, MAP, &st) != NB_OK) {
        print_message("font map: %s\n", st.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    nb_fontset_free(fs);
    return 0;
}

/* The body chain, whole (fallbacks opened: tests look for the face that has a character). */
static const nb_font_chain *body(void)
{
    const nb_font_chain *c = NULL;
    nb_status st = NB_STATUS_INIT;
    static const char *const roles[] = {"body"};
    if (nb_fontset_prepare(fs, roles, 1, &st) != NB_OK ||
        nb_fontset_chain(fs, "body", &c, &st) != NB_OK)
        fail_msg("%s", st.msg);
    return c;
}

static float hb_adv(const nb_font *f, uint32_t gid)
{
    return (float)hb_font_get_glyph_h_advance(f->hb_font, gid) / (float)f->units_per_em;
}

typedef struct notes {
    int count;
    uint32_t cp[8];
    size_t off[8];
    const nb_font *used[8];
} notes;

static void note(void *ctx, uint32_t cp, size_t off, const nb_font *used)
{
    notes *n = ctx;
    if (n->count < 8) {
        n->cp[n->count] = cp;
        n->off[n->count] = off;
        n->used[n->count] = used;
    }
    n->count++;
}

static void test_one_glyph_per_char(void **state)
{
    (void)state;
    if (!need(FANG)) skip();
    const nb_font_chain *c = body();
    const nb_font *fang = c->fonts[0];
    const char *t = "2020年宝峰镇“三安全”";
    notes n = {0};
    nb_shape_opts o = {.notice = note, .notice_ctx = &n};
    nb_shaped s;
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(nb_shape(c, t, strlen(t), &o, &s, &st), NB_OK);
    assert_int_equal(n.count, 0); /* nothing from a fallback face */
    assert_int_equal(s.count, 13);
    size_t off = 0;
    for (size_t i = 0; i < s.count; i++) {
        const nb_glyph *g = &s.glyphs[i];
        unsigned cp;
        size_t n_bytes = (unsigned char)t[off] < 0x80 ? 1 : 3;
        hb_codepoint_t want;
        cp = (unsigned char)t[off] < 0x80
                 ? (unsigned char)t[off]
                 : ((t[off] & 0x0F) << 12 | (t[off + 1] & 0x3F) << 6 | (t[off + 2] & 0x3F));
        assert_int_equal(g->cp, cp);
        assert_int_equal(g->cluster, off);
        assert_int_equal(g->cluster_len, n_bytes);
        assert_int_equal(g->font, fang->id);
        assert_true(hb_font_get_nominal_glyph(fang->hb_font, cp, &want));
        assert_int_equal(g->gid, want);
        float a = hb_adv(fang, g->gid);
        if (cp < 0x80) {
            assert_float_equal(g->advance, a, 1e-6);
            assert_true(g->advance > 0.3f && g->advance < 0.8f); /* half-width digit */
        } else {
            assert_float_equal(g->advance, 1.0f, 1e-6); /* CJK and full-width quotes */
        }
        assert_float_equal(g->y_offset, 0.0f, 1e-6);
        off += n_bytes;
    }
    assert_int_equal(off, strlen(t));
    nb_shaped_free(&s);
    assert_null(s.glyphs);
}

static void test_fallback_ext_a(void **state)
{
    (void)state;
    if (!need(FANG)) skip();
    const nb_font_chain *c = body();
    assert_false(nb_font_has_char(c->fonts[0], 0x4DAE)); /* else the test proves nothing */
    const char *t = "王䶮字";                            /* U+4DAE at byte 3 */
    notes n = {0};
    nb_shape_opts o = {.notice = note, .notice_ctx = &n};
    nb_shaped s;
    nb_status st = NB_STATUS_INIT;
    if (nb_shape(c, t, strlen(t), &o, &s, &st) != NB_OK) fail_msg("%s", st.msg);
    assert_int_equal(s.count, 3);
    assert_int_equal(s.glyphs[0].font, c->fonts[0]->id);
    assert_int_equal(s.glyphs[2].font, c->fonts[0]->id);
    const nb_font *used = nb_fontset_font(fs, s.glyphs[1].font);
    assert_ptr_not_equal(used, c->fonts[0]);
    assert_true(nb_font_has_char(used, 0x4DAE));
    assert_int_not_equal(s.glyphs[1].gid, 0);
    assert_int_equal(s.glyphs[1].cp, 0x4DAE);
    assert_int_equal(s.glyphs[1].cluster, 3);
    assert_int_equal(n.count, 1);
    assert_int_equal(n.cp[0], 0x4DAE);
    assert_int_equal(n.off[0], 3);
    assert_ptr_equal(n.used[0], used);
    nb_shaped_free(&s);
}

/* A fresh fontset: the body chain holds only its primary face until a character needs a
 * fallback, which shaping then opens; text the primary covers opens nothing. */
static void test_fallback_opened_on_need(void **state)
{
    (void)state;
    if (!need(FANG)) skip();
    nb_fontset *own = nb_fontset_new();
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(nb_fontset_load_map(own, MAP, &st), NB_OK);
    const nb_font_chain *c;
    assert_int_equal(nb_fontset_chain(own, "body", &c, &st), NB_OK);
    assert_int_equal(c->count, 1);
    nb_shaped s;
    const char *plain = "政府信息公开工作年度报告";
    assert_int_equal(nb_shape(c, plain, strlen(plain), NULL, &s, &st), NB_OK);
    assert_int_equal(c->count, 1);
    nb_shaped_free(&s);
    const char *t = "王䶮字";
    if (nb_shape(c, t, strlen(t), NULL, &s, &st) != NB_OK) fail_msg("%s", st.msg);
    assert_true(c->count >= 2);
    const nb_font *used = nb_fontset_font(own, s.glyphs[1].font);
    assert_non_null(used);
    assert_ptr_equal(used, c->fonts[c->count - 1]); /* opened for this character */
    assert_true(nb_font_has_char(used, 0x4DAE));
    nb_shaped_free(&s);
    /* a character no face has: every fallback tried, the error names it */
    size_t before = c->count;
    const char *pua = "\xee\x80\x80"; /* U+E000 */
    assert_int_equal(nb_shape(c, pua, 3, NULL, &s, &st), NB_ERR_FONT);
    assert_non_null(strstr(st.msg, "U+E000"));
    assert_true(c->count >= before);
    nb_status_clear(&st);
    assert_false(nb_font_chain_more(c, &st));
    assert_int_equal(st.code, NB_OK); /* no more fallbacks, not an error */
    nb_fontset_free(own);
}

/* Shaping a text again gives the same glyphs (from the chain's cache); an override that
 * puts another face first is seen at once (the cache is dropped). */
static void test_cache_and_override(void **state)
{
    (void)state;
    if (!need(FANG) || !need(LXGW)) skip();
    nb_fontset *own = nb_fontset_new();
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(nb_fontset_load_map(own, MAP, &st), NB_OK);
    const nb_font_chain *c;
    assert_int_equal(nb_fontset_chain(own, "body", &c, &st), NB_OK);
    const char *t = "“政府信息公开”2020年";
    nb_shaped a, b;
    assert_int_equal(nb_shape(c, t, strlen(t), NULL, &a, &st), NB_OK);
    assert_non_null(c->shape_cache);
    assert_int_equal(nb_shape(c, t, strlen(t), NULL, &b, &st), NB_OK);
    assert_int_equal(a.count, b.count);
    assert_ptr_not_equal(a.glyphs, b.glyphs); /* a copy the caller owns */
    assert_memory_equal(a.glyphs, b.glyphs, a.count * sizeof *a.glyphs);
    nb_shaped_free(&b);
    /* allow_missing is part of the key: same text, same glyphs here, no mix-up */
    nb_shape_opts o = {.allow_missing = true};
    assert_int_equal(nb_shape(c, t, strlen(t), &o, &b, &st), NB_OK);
    assert_int_equal(a.count, b.count);
    nb_shaped_free(&b);
    /* a prefix of the text is another key */
    assert_int_equal(nb_shape(c, t, 3, NULL, &b, &st), NB_OK);
    assert_int_equal(b.count, 1);
    nb_shaped_free(&b);

    assert_int_equal(nb_fontset_override(own, "body", LXGW, &st), NB_OK);
    assert_int_equal(nb_shape(c, t, strlen(t), NULL, &b, &st), NB_OK);
    const nb_font *first = nb_fontset_font(own, b.glyphs[1].font);
    assert_string_equal(first->postscript_name, "LXGWWenKai-Regular");
    assert_int_not_equal(a.glyphs[1].font, b.glyphs[1].font);
    nb_shaped_free(&a);
    nb_shaped_free(&b);
    nb_fontset_free(own);
}

static void test_ext_b(void **state)
{
    (void)state;
    if (!need(FANG)) skip();
    const nb_font_chain *c = body();
    /* U+20000 𠀀 (first of Ext-B) and U+2A6D6 (last of Ext-B), between 年 and 报 */
    const uint32_t cps[] = {0x20000, 0x2A6D6};
    const char *texts[] = {"年\xF0\xA0\x80\x80报", "年\xF0\xAA\x9B\x96报"};
    for (size_t i = 0; i < 2; i++) {
        const nb_font *has = NULL;
        for (size_t k = 0; k < c->count && !has; k++)
            if (nb_font_has_char(c->fonts[k], cps[i])) has = c->fonts[k];
        if (!has) {
            print_message("skipped: no font of the body chain has U+%04X (install "
                          "fonts-hanazono)\n",
                          (unsigned)cps[i]);
            skip();
        }
        const char *t = texts[i];
        nb_shaped s;
        nb_status st = NB_STATUS_INIT;
        if (nb_shape(c, t, strlen(t), NULL, &s, &st) != NB_OK) fail_msg("%s", st.msg);
        assert_int_equal(s.count, 3);
        assert_int_equal(s.glyphs[1].cp, cps[i]);
        assert_int_equal(s.glyphs[1].cluster, 3);
        assert_int_equal(s.glyphs[1].cluster_len, 4);
        assert_int_equal(s.glyphs[1].font, has->id);
        hb_codepoint_t g;
        assert_true(hb_font_get_nominal_glyph(has->hb_font, cps[i], &g));
        assert_int_equal(s.glyphs[1].gid, g);
        assert_true(s.glyphs[1].advance > 0.9f);
        assert_int_equal(s.glyphs[2].cluster, 7);
        assert_int_equal(s.glyphs[2].cp, 0x62A5);
        assert_int_equal(s.glyphs[2].font, c->fonts[0]->id);
        print_message("U+%04X from %s\n", (unsigned)cps[i], has->postscript_name);
        nb_shaped_free(&s);
    }
}

static void test_missing_char(void **state)
{
    (void)state;
    if (!need(FANG)) skip();
    const nb_font_chain *c = body();
    const char *t = "政府\xEE\x80\x80信息"; /* U+E000 at byte 6 */
    nb_shaped s = {0};
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(nb_shape(c, t, strlen(t), NULL, &s, &st), NB_ERR_FONT);
    assert_non_null(strstr(st.msg, "U+E000"));
    assert_non_null(strstr(st.msg, "role body"));
    assert_non_null(strstr(st.msg, "byte offset 6"));
    assert_null(s.glyphs);

    notes n = {0};
    nb_shape_opts o = {.allow_missing = true, .notice = note, .notice_ctx = &n};
    nb_status_clear(&st);
    assert_int_equal(nb_shape(c, t, strlen(t), &o, &s, &st), NB_OK);
    assert_int_equal(s.count, 5);
    assert_int_equal(s.glyphs[2].gid, 0);
    assert_int_equal(s.glyphs[2].font, c->fonts[0]->id);
    assert_int_equal(s.glyphs[2].cluster, 6);
    assert_int_equal(s.glyphs[2].cluster_len, 3);
    assert_int_not_equal(s.glyphs[3].gid, 0);
    assert_int_equal(n.count, 1);
    assert_int_equal(n.cp[0], 0xE000);
    assert_null(n.used[0]);
    nb_shaped_free(&s);

    /* broken UTF-8 is reported, not shaped */
    nb_status_clear(&st);
    assert_int_equal(nb_shape(c, "ab\xE4\xB8", 4, NULL, &s, &st), NB_ERR_DATA);
    assert_non_null(strstr(st.msg, "byte offset 2"));
    /* empty text: no glyphs */
    nb_status_clear(&st);
    assert_int_equal(nb_shape(c, "", 0, NULL, &s, &st), NB_OK);
    assert_int_equal(s.count, 0);
    nb_shaped_free(&s);
}

static void test_lxgw_quotes_widened(void **state)
{
    (void)state;
    if (!need(LXGW)) skip();
    nb_font *l;
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(nb_fontset_open(fs, LXGW, NULL, &l, &st), NB_OK);
    nb_font_chain c = {.role = "heading2", .fonts = &l, .count = 1};
    const char *t = "“文”‘字’";
    nb_shaped s;
    assert_int_equal(nb_shape(&c, t, strlen(t), NULL, &s, &st), NB_OK);
    assert_int_equal(s.count, 6);
    for (size_t i = 0; i < s.count; i++) {
        const nb_glyph *g = &s.glyphs[i];
        float raw = hb_adv(l, g->gid);
        assert_float_equal(g->advance, 1.0f, 1e-6);
        if (g->cp == 0x201C || g->cp == 0x2018) {
            assert_true(raw < 0.9f);                           /* the trap is real */
            assert_float_equal(g->x_offset, 1.0f - raw, 1e-5); /* at the right of its em */
        } else if (g->cp == 0x201D || g->cp == 0x2019) {
            assert_true(raw < 0.9f);
            assert_float_equal(g->x_offset, 0.0f, 1e-6); /* at the left */
        } else {
            assert_float_equal(raw, 1.0f, 1e-6);
        }
    }
    nb_shaped_free(&s);
}

static void test_variation_selector_stays(void **state)
{
    (void)state;
    if (!need(FANG)) skip();
    const nb_font_chain *c = body();
    /* 葛 + VS17: no face maps the selector on its own, it follows its base */
    const char *t = "葛\xF3\xA0\x84\x80了";
    nb_shaped s;
    nb_status st = NB_STATUS_INIT;
    if (nb_shape(c, t, strlen(t), NULL, &s, &st) != NB_OK) fail_msg("%s", st.msg);
    assert_int_equal(s.glyphs[0].cp, 0x845B);
    assert_int_equal(s.glyphs[0].cluster, 0);
    assert_int_equal(s.glyphs[0].cluster_len, 7); /* base and selector */
    const nb_glyph *last = &s.glyphs[s.count - 1];
    assert_int_equal(last->cp, 0x4E86);
    assert_int_equal(last->cluster, 7);
    for (size_t i = 0; i + 1 < s.count; i++)
        assert_int_equal(s.glyphs[i].font, s.glyphs[0].font);
    nb_shaped_free(&s);
}

static void test_long_paragraph(void **state)
{
    (void)state;
    if (!need(FANG)) skip();
    const nb_font_chain *c = body();
    const char *unit = "宝峰镇2020年政府信息公开工作“年度报告”，䶮。"; /* with a fallback char */
    size_t ul = strlen(unit), reps = (1u << 20) / ul + 1;
    char *t = malloc(ul * reps + 1);
    for (size_t i = 0; i < reps; i++)
        memcpy(t + i * ul, unit, ul);
    size_t len = ul * reps;
    t[len] = '\0';
    nb_shaped s;
    nb_status st = NB_STATUS_INIT;
    clock_t t0 = clock();
    assert_int_equal(nb_shape(c, t, len, NULL, &s, &st), NB_OK);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    print_message("1 MB paragraph: %zu glyphs in %.2f s\n", s.count, secs);
    size_t chars = 0;
    for (size_t i = 0; i < ul; i++)
        chars += ((unsigned char)unit[i] & 0xC0) != 0x80;
    assert_int_equal(s.count, chars * reps); /* one glyph per character */
    /* clusters tile the text */
    size_t covered = 0;
    for (size_t i = 0; i < s.count; i++) {
        if (s.glyphs[i].cluster_len) assert_int_equal(s.glyphs[i].cluster, covered);
        covered += s.glyphs[i].cluster_len;
    }
    assert_int_equal(covered, len);
    assert_true(secs < 20.0); /* generous for sanitizer builds; linear time is ~0.2 s */
    nb_shaped_free(&s);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_glyph_per_char),
        cmocka_unit_test(test_fallback_ext_a),
        cmocka_unit_test(test_fallback_opened_on_need),
        cmocka_unit_test(test_cache_and_override),
        cmocka_unit_test(test_ext_b),
        cmocka_unit_test(test_missing_char),
        cmocka_unit_test(test_lxgw_quotes_widened),
        cmocka_unit_test(test_variation_selector_stays),
        cmocka_unit_test(test_long_paragraph),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
