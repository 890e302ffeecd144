/* test_compose.c — setting text whole and in several fonts, through nb_compose on small
 * layouts built here and on nb_value_text directly:
 *   - a flow item {"heading": H, "text": T} is one paragraph: H's glyphs in the heading
 *     style's font, T's in the body font, the first line starting at the body indent with
 *     both on one baseline, every box's text the paragraph's (H then T), lines broken across
 *     the change of font and justified to the measure;
 *   - a {"heading"} item alone keeps its own style; a bad item names .heading or .text;
 *   - a "lines" block and nb_value_text give values of any length whole (a 5,000-character
 *     signature starting with a Latin letter was cut at 4,095 bytes, mid-character).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "box.h"
#include "buf.h"
#include "compose.h"
#include "flow.h"
#include "font.h"
#include "layout.h"

static const char LAYOUT[] =
    "{\"name\": \"t\", \"fontmap\": \"../fonts/fontmap.json\",\n"
    "\"page\": {\"width\": \"210mm\", \"height\": \"297mm\", \"margin_top\": \"37mm\","
    " \"margin_bottom\": \"35mm\", \"margin_left\": \"28mm\", \"margin_right\": \"26mm\","
    " \"grid_lines\": 22},\n"
    "\"styles\": {\n"
    " \"body\": {\"font\": \"body\", \"size\": \"三号\", \"line_pitch\": \"grid\","
    " \"indent_chars\": 2, \"align\": \"justify\", \"grid_chars\": 28},\n"
    " \"h2\": {\"font\": \"heading2\", \"size\": \"三号\", \"line_pitch\": \"grid\","
    " \"indent_chars\": 2, \"align\": \"justify\", \"grid_chars\": 28, \"keep_with_next\": "
    "true},\n"
    " \"sig\": {\"font\": \"body\", \"size\": \"三号\", \"line_pitch\": \"grid\", \"align\": "
    "\"right\", \"right_indent_chars\": 2, \"grid_chars\": 28}\n"
    "},\n\"content\": [\n"
    " {\"type\": \"flow\", \"style\": \"body\", \"heading_style\": \"h2\", \"value\": \"items\"},\n"
    " {\"type\": \"lines\", \"style\": \"sig\", \"lines\": [{\"value\": \"office\"}]}\n"
    "]}";

typedef struct doc {
    nb_layout_spec spec;
    nb_fontset *fs;
    nb_layout out;
} doc;

/* Composes `data_json` with LAYOUT; returns the status code (the message in *st). */
static nb_code compose(doc *d, const char *data_json, nb_status *st)
{
    memset(d, 0, sizeof *d);
    nb_status lst = NB_STATUS_INIT;
    if (nb_layout_spec_parse("test-layout.json", LAYOUT, strlen(LAYOUT), NB_TEST_SRCDIR "/layouts",
                             &d->spec, &lst))
        fail_msg("layout: %s", lst.msg);
    d->fs = nb_fontset_new();
    assert_non_null(d->fs);
    if (nb_fontset_load_map(d->fs, d->spec.fontmap, &lst)) fail_msg("font map: %s", lst.msg);
    cJSON *data = cJSON_Parse(data_json);
    assert_non_null(data);
    nb_compose_opts o = {.data_name = "test-data.json"};
    nb_code rc = nb_compose(&d->spec, data, d->fs, &o, &d->out, NULL, st);
    cJSON_Delete(data);
    return rc;
}

static void doc_free(doc *d)
{
    nb_layout_free(&d->out);
    nb_fontset_free(d->fs);
    nb_layout_spec_free(&d->spec);
}

static const char *font_of_role(doc *d, const char *role)
{
    const nb_font_chain *c;
    nb_status st = NB_STATUS_INIT;
    if (nb_fontset_chain(d->fs, role, &c, &st)) fail_msg("%s", st.msg);
    return c->fonts[0]->postscript_name;
}

/* The characters a box's glyphs stand for, in order. */
static void box_text(const nb_box *b, nb_buf *out)
{
    for (size_t g = 0; g < b->nglyphs; g++)
        if (b->glyphs[g].text_len)
            nb_buf_printf(out, "%.*s", (int)b->glyphs[g].text_len, b->text + b->glyphs[g].text_off);
}

static void test_run_in_heading(void **state)
{
    (void)state;
    const char *H = "（一）主动公开方面。";
    /* long enough for four lines: the break falls inside T, far from the change of font */
    char T[2048] = "全年通过县政府门户网站主动公开政府信息241条，";
    for (int i = 0; i < 6; i++)
        strcat(T, "重点公开国土空间规划、土地征收等领域信息。");
    char data[4096];
    snprintf(data, sizeof data,
             "{\"items\": [\"第一段。\", {\"heading\": \"%s\", \"text\": \"%s\"}, "
             "{\"heading\": \"（二）依申请公开\"}, \"末段。\"], \"office\": \"某局\"}",
             H, T);
    doc d;
    nb_status st = NB_STATUS_INIT;
    if (compose(&d, data, &st)) fail_msg("compose: %s", st.msg);
    const char *kai = font_of_role(&d, "heading2"), *fang = font_of_role(&d, "body");
    assert_string_not_equal(kai, fang);

    float left = d.spec.margin_left, cell = (d.spec.page_w - left - d.spec.margin_right) / 28;
    float right = d.spec.page_w - d.spec.margin_right;
    const nb_page *pg = &d.out.pages[0];
    nb_buf heads = {0}, texts = {0};
    size_t para_lines = 0, first = SIZE_MAX;
    float last_y = -1;
    for (size_t i = 0; i < pg->nboxes; i++) {
        const nb_box *b = &pg->boxes[i];
        if (b->kind != NB_BOX_TEXT || !b->text || strncmp(b->text, H, strlen(H)) != 0) continue;
        /* every box of the paragraph carries its whole text: H then T */
        assert_int_equal(strlen(b->text), strlen(H) + strlen(T));
        assert_memory_equal(b->text + strlen(H), T, strlen(T));
        const char *name = b->font->postscript_name;
        if (first == SIZE_MAX) {
            first = i;
            assert_string_equal(name, kai);
            /* at the body's first-line indent (a full-width glyph centred in its cell) */
            assert_float_equal(b->glyphs[0].x + (b->size - cell) / 2, left + 2 * cell, 0.05);
        }
        if (i == first + 1) {
            assert_string_equal(name, fang);
            assert_float_equal(b->y, pg->boxes[first].y, 0.001); /* same line */
        }
        box_text(b, strcmp(name, kai) == 0 ? &heads : &texts);
        if (b->y != last_y) para_lines++;
        last_y = b->y;
        /* full lines reach the measure: the last glyph's cell ends at the right edge */
        const nb_box_glyph *lg = &b->glyphs[b->nglyphs - 1];
        if (b->y != pg->boxes[first].y && lg->x > right - 2 * cell)
            assert_true(lg->x + b->size / 2 + cell / 2 > right - 0.6f);
    }
    assert_true(first != SIZE_MAX);
    assert_true(para_lines >= 4);
    assert_int_equal(heads.len, strlen(H));
    assert_memory_equal(heads.p, H, heads.len);
    assert_int_equal(texts.len, strlen(T));
    assert_memory_equal(texts.p, T, texts.len);
    /* The stand-alone sub-heading stays a paragraph of its own in the heading font. */
    bool alone = false;
    for (size_t i = 0; i < pg->nboxes; i++) {
        const nb_box *b = &pg->boxes[i];
        if (b->kind == NB_BOX_TEXT && b->text && strcmp(b->text, "（二）依申请公开") == 0) {
            assert_string_equal(b->font->postscript_name, kai);
            alone = true;
        }
    }
    assert_true(alone);
    nb_buf_free(&heads);
    nb_buf_free(&texts);
    doc_free(&d);
}

static void expect_error(const char *data, const char *path)
{
    doc d;
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(compose(&d, data, &st), NB_ERR_DATA);
    if (!strstr(st.msg, path)) fail_msg("message '%s' does not name %s", st.msg, path);
    nb_fontset_free(d.fs);
    nb_layout_spec_free(&d.spec);
}

static void test_run_in_messages(void **state)
{
    (void)state;
    expect_error("{\"items\": [\"a\", {\"heading\": \"（一）\", \"text\": 5}], \"office\": \"x\"}",
                 "$.items[1].text:");
    expect_error("{\"items\": [{\"heading\": [1], \"text\": \"正文\"}], \"office\": \"x\"}",
                 "$.items[0].heading:");
    expect_error("{\"items\": [{\"text\": \"正文\"}], \"office\": \"x\"}", "$.items[0].heading:");
    expect_error("{\"items\": [{\"heading\": \"一\", \"txet\": \"正文\"}], \"office\": \"x\"}",
                 "$.items[0].txet:");
}

/* A value of 5,000 characters starting with a Latin letter, in a "lines" block. */
static void test_long_value_whole(void **state)
{
    (void)state;
    nb_buf office = {0};
    nb_buf_printf(&office, "A");
    for (int i = 0; i < 1250; i++)
        nb_buf_printf(&office, "青溪县局");
    nb_buf data = {0};
    nb_buf_printf(&data, "{\"items\": [\"正文。\"], \"office\": \"%s\"}", office.p);
    doc d;
    nb_status st = NB_STATUS_INIT;
    if (compose(&d, data.p, &st)) fail_msg("compose: %s", st.msg);
    nb_buf got = {0};
    const char *seen = NULL;
    for (size_t p = 0; p < d.out.npages; p++)
        for (size_t i = 0; i < d.out.pages[p].nboxes; i++) {
            const nb_box *b = &d.out.pages[p].boxes[i];
            if (b->kind != NB_BOX_TEXT || !b->text || b->text[0] != 'A') continue;
            seen = b->text;
            box_text(b, &got);
        }
    assert_non_null(seen);
    assert_string_equal(seen, office.p);
    assert_int_equal(got.len, office.len);
    assert_memory_equal(got.p, office.p, got.len);
    nb_buf_free(&got);
    nb_buf_free(&data);
    nb_buf_free(&office);
    doc_free(&d);
}

static void test_value_text(void **state)
{
    (void)state;
    nb_layout l;
    nb_layout_init(&l);
    nb_status st = NB_STATUS_INIT;
    char err[200] = "";
    cJSON *s = cJSON_CreateString("宝峰镇");
    assert_ptr_equal(nb_value_text(&l, s, NULL, err, sizeof err, &st), s->valuestring);
    cJSON *date = cJSON_CreateString("2021-01-05");
    assert_string_equal(nb_value_text(&l, date, "date-zh", err, sizeof err, &st), "2021年1月5日");
    cJSON *n = cJSON_CreateNumber(63365);
    assert_string_equal(nb_value_text(&l, n, NULL, err, sizeof err, &st), "63365");
    /* {"value", "unit"} with a unit of 3,000 characters: formatted in a growing buffer */
    nb_buf unit = {0};
    for (int i = 0; i < 1000; i++)
        nb_buf_printf(&unit, "万元");
    nb_buf_printf(&unit, "z");
    cJSON *amount = cJSON_CreateObject();
    cJSON_AddNumberToObject(amount, "value", 1.5);
    cJSON_AddStringToObject(amount, "unit", unit.p);
    const char *t = nb_value_text(&l, amount, NULL, err, sizeof err, &st);
    assert_non_null(t);
    assert_int_equal(strlen(t), 3 + unit.len);
    assert_memory_equal(t, "1.5", 3);
    assert_string_equal(t + 3, unit.p);
    /* not printable: NULL, the reason in err, the status untouched */
    cJSON *arr = cJSON_CreateArray();
    assert_null(nb_value_text(&l, arr, NULL, err, sizeof err, &st));
    assert_int_equal(st.code, NB_OK);
    assert_true(strlen(err) > 0);
    cJSON_Delete(s);
    cJSON_Delete(date);
    cJSON_Delete(n);
    cJSON_Delete(amount);
    cJSON_Delete(arr);
    nb_buf_free(&unit);
    nb_layout_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_in_heading),
        cmocka_unit_test(test_run_in_messages),
        cmocka_unit_test(test_long_value_whole),
        cmocka_unit_test(test_value_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
