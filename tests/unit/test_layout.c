/* test_layout.c — the layout reader: the official layouts load completely and as documented
 * (A4 to 0.01 pt, Chinese type sizes, the font map beside the layout); every kind of mistake
 * in a layout fails with NB_ERR_LAYOUT and a message naming the file and the JSON path of
 * the mistake.  Mistakes are made by changing one thing in a small valid layout.  A style's
 * "balance" takes true/false or phrase lists, read as code points; the official layouts'
 * title style lists the report's words (the engine holds none). */
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

#include "layout.h"

static const char small[] =
    "{\"name\": \"small\", \"fontmap\": \"../fonts/fontmap.json\","
    " \"page\": {\"width\": \"210mm\", \"height\": \"297mm\", \"margin_top\": \"37mm\","
    "  \"margin_bottom\": \"35mm\", \"margin_left\": \"28mm\", \"margin_right\": \"26mm\","
    "  \"grid_lines\": 22, \"page_number\": {\"style\": \"s\", \"format\": \"— {n} —\"}},"
    " \"styles\": {\"s\": {\"font\": \"body\", \"size\": \"三号\", \"line_pitch\": \"grid\"},"
    "  \"h\": {\"font\": \"heading1\", \"size\": 16, \"align\": \"center\"}},"
    " \"content\": ["
    "  {\"type\": \"text\", \"style\": \"h\", \"text\": \"一、总体情况\", \"outline\": 1},"
    "  {\"type\": \"flow\", \"style\": \"s\", \"heading_style\": \"h\", \"value\": \"sections.a\"},"
    "  {\"type\": \"table\", \"style\": \"s\", \"columns\": [1, 1, 2], \"header_rows\": 1,"
    "   \"value_columns\": [\"x\", \"y\"],"
    "   \"rows\": [[{\"text\": \"a\", \"rowspan\": 2}, \"b\", null],"
    "            [{\"values\": \"t.r\"}],"
    "            [{\"text\": \"c\", \"colspan\": 2}, {\"value\": \"t.z\"}]]},"
    "  {\"type\": \"lines\", \"style\": \"s\", \"lines\": [\"x\", {\"value\": \"d\", \"format\": "
    "\"date-zh\"}]}]}";

static nb_code parse_doc(const cJSON *doc, nb_layout_spec *spec, nb_status *st)
{
    char *text = cJSON_PrintUnformatted(doc);
    assert_non_null(text);
    nb_status_clear(st);
    nb_code rc = nb_layout_spec_parse("l.json", text, strlen(text), "/base/layouts", spec, st);
    free(text);
    return rc;
}

/* Applies `change` (a JSON Merge-Patch-like edit done in C) to the small layout and expects
 * a failure whose message contains `needle`. */
typedef void (*edit_fn)(cJSON *doc);

static void expect_error(edit_fn change, const char *needle)
{
    cJSON *doc = cJSON_Parse(small);
    assert_non_null(doc);
    change(doc);
    nb_layout_spec spec;
    nb_status st = NB_STATUS_INIT;
    nb_code rc = parse_doc(doc, &spec, &st);
    cJSON_Delete(doc);
    if (rc == NB_OK) {
        nb_layout_spec_free(&spec);
        fail_msg("accepted, expected an error with '%s'", needle);
    }
    assert_int_equal(rc, NB_ERR_LAYOUT);
    if (strncmp(st.msg, "l.json: $", 9) != 0)
        fail_msg("message '%s' does not name the file", st.msg);
    if (!strstr(st.msg, needle)) fail_msg("message '%s' lacks '%s'", st.msg, needle);
}

static cJSON *at(cJSON *doc, const char *a, const char *b)
{
    cJSON *x = cJSON_GetObjectItemCaseSensitive(doc, a);
    return b ? cJSON_GetObjectItemCaseSensitive(x, b) : x;
}
static cJSON *block(cJSON *doc, int i)
{
    return cJSON_GetArrayItem(at(doc, "content", NULL), i);
}
static cJSON *row(cJSON *doc, int r)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(block(doc, 2), "rows"), r);
}
static void set(cJSON *obj, const char *key, cJSON *v)
{
    if (cJSON_GetObjectItemCaseSensitive(obj, key))
        cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v);
    else
        cJSON_AddItemToObject(obj, key, v);
}

static void test_small_layout(void **state)
{
    (void)state;
    cJSON *doc = cJSON_Parse(small);
    nb_layout_spec spec;
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(parse_doc(doc, &spec, &st), NB_OK);
    cJSON_Delete(doc);
    assert_string_equal(spec.fontmap, "/base/layouts/../fonts/fontmap.json");
    assert_float_equal(spec.page_w, 595.28, 0.001);
    assert_float_equal(spec.page_h, 841.89, 0.001);
    assert_float_equal(spec.margin_top, 37 * 72 / 25.4, 0.01);
    assert_float_equal(spec.grid_pitch, (spec.page_h - spec.margin_top - spec.margin_bottom) / 22,
                       0.001);
    const nb_style *s = nb_layout_style(&spec, "s");
    assert_non_null(s);
    assert_float_equal(s->size, 16, 0);
    assert_true(s->snap_to_grid);
    assert_float_equal(s->line_pitch, spec.grid_pitch, 0.001);
    assert_null(nb_layout_style(&spec, "nope"));
    assert_int_equal(spec.nblocks, 4);
    assert_int_equal(spec.blocks[0].kind, NB_BLOCK_TEXT);
    assert_int_equal(spec.blocks[0].outline, 1);
    assert_int_equal(spec.blocks[1].kind, NB_BLOCK_FLOW);
    const nb_table_spec *t = spec.blocks[2].table;
    assert_non_null(t);
    assert_int_equal(t->ncols, 3);
    /* Relative widths 1:1:2 share the measure. */
    float measure = spec.page_w - spec.margin_left - spec.margin_right;
    assert_float_equal(t->col_widths[0] + t->col_widths[1] + t->col_widths[2], measure, 0.01);
    assert_float_equal(t->col_widths[2], 2 * t->col_widths[0], 0.01);
    /* {"values": "t.r"} expands into one value cell per value column. */
    assert_int_equal(t->rows[1].ncells, 2);
    assert_string_equal(t->rows[1].cells[0].text, "t.r.x");
    assert_string_equal(t->rows[1].cells[1].text, "t.r.y");
    assert_int_equal(t->rows[0].cells[0].rowspan, 2);
    assert_int_equal(t->rows[0].cells[2].kind, NB_CELL_EMPTY);
    assert_int_equal(spec.blocks[3].nlines, 2);
    assert_string_equal(spec.blocks[3].lines[1].format, "date-zh");
    nb_layout_spec_free(&spec);
}

static void test_balance_phrases(void **state)
{
    (void)state;
    cJSON *doc = cJSON_Parse(small);
    cJSON *bal = cJSON_Parse("{\"break_before\": [\"关于\", \"政府信息公开\"], \"break_after\": "
                             "[\"县\"], \"never_split\": [\"年度\"]}");
    set(at(doc, "styles", "h"), "balance", bal);
    set(at(doc, "styles", "s"), "balance", cJSON_CreateTrue());
    nb_layout_spec spec;
    nb_status st = NB_STATUS_INIT;
    if (parse_doc(doc, &spec, &st)) fail_msg("%s", st.msg);
    cJSON_Delete(doc);
    const nb_style *h = nb_layout_style(&spec, "h"), *s = nb_layout_style(&spec, "s");
    assert_true(h->balance);
    assert_non_null(h->balance_phrases);
    const nb_balance_spec *bp = h->balance_phrases;
    assert_int_equal(bp->break_before.count, 2);
    assert_int_equal(bp->break_before.items[1].len, 6);
    assert_int_equal(bp->break_before.items[1].cps[0], 0x653F); /* 政 */
    assert_int_equal(bp->break_before.items[1].cps[5], 0x5F00); /* 开 */
    assert_int_equal(bp->break_after.count, 1);
    assert_int_equal(bp->break_after.items[0].cps[0], 0x53BF); /* 县 */
    assert_int_equal(bp->keep_together.count, 0);
    assert_int_equal(bp->never_split.count, 1);
    assert_int_equal(bp->never_split.items[0].len, 2);
    assert_true(s->balance);
    assert_null(s->balance_phrases);
    nb_layout_spec_free(&spec);
    /* The official layouts: the title lists the report's words. */
    const char *names[] = {"gov-annual-2019.json", "gov-annual-2021.json"};
    for (int i = 0; i < 2; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/layouts/%s", NB_TEST_SRCDIR, names[i]);
        if (nb_layout_spec_load(path, &spec, &st)) fail_msg("%s", st.msg);
        const nb_style *t = nb_layout_style(&spec, "title");
        assert_non_null(t);
        assert_true(t->balance);
        assert_non_null(t->balance_phrases);
        assert_true(t->balance_phrases->break_before.count > 0);
        assert_true(t->balance_phrases->break_after.count > 0);
        nb_layout_spec_free(&spec);
    }
}

static void test_official_layouts(void **state)
{
    (void)state;
    const char *names[] = {"gov-annual-2019.json", "gov-annual-2021.json"};
    for (int i = 0; i < 2; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/layouts/%s", NB_TEST_SRCDIR, names[i]);
        nb_layout_spec spec;
        nb_status st = NB_STATUS_INIT;
        if (nb_layout_spec_load(path, &spec, &st)) fail_msg("%s", st.msg);
        assert_non_null(spec.edition);
        assert_true(strstr(spec.fontmap, "/layouts/../fonts/fontmap.json") != NULL);
        assert_float_equal(spec.page_w, 595.28, 0.001);
        size_t tables = 0;
        for (size_t b = 0; b < spec.nblocks; b++)
            tables += spec.blocks[b].kind == NB_BLOCK_TABLE;
        assert_int_equal(tables, 3); /* the template's tables 二, 三 and 四 */
        nb_layout_spec_free(&spec);
    }
    nb_layout_spec spec;
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(nb_layout_spec_load("/nonexistent/l.json", &spec, &st), NB_ERR_IO);
}

static void test_sizes(void **state)
{
    (void)state;
    float pt = -1;
    assert_true(nb_parse_size("小四", &pt));
    assert_float_equal(pt, 12, 0);
    assert_true(nb_parse_size("五号", &pt));
    assert_float_equal(pt, 10.5, 0);
    assert_true(nb_parse_size("25.4mm", &pt));
    assert_float_equal(pt, 72, 0.001);
    assert_true(nb_parse_size("1cm", &pt));
    assert_float_equal(pt, 720 / 25.4, 0.001);
    assert_true(nb_parse_size("16pt", &pt));
    assert_float_equal(pt, 16, 0);
    assert_true(nb_parse_size("16", &pt));
    const char *bad[] = {"",    "mm",      "-3mm", "3in",    "nan",  "NaNpt",
                         "inf", "1e308mm", "十号", "3 mm x", "20000"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (nb_parse_size(bad[i], &pt)) fail_msg("'%s' accepted as %g pt", bad[i], (double)pt);
}

static void e_unknown_top(cJSON *d)
{
    cJSON_AddStringToObject(d, "fontmpa", "x");
}
static void e_unknown_style_key(cJSON *d)
{
    cJSON_AddNumberToObject(at(d, "styles", "s"), "sise", 3);
}
static void e_no_page(cJSON *d)
{
    cJSON_DeleteItemFromObject(d, "page");
}
static void e_small_page(cJSON *d)
{
    set(at(d, "page", NULL), "width", cJSON_CreateNumber(100));
}
static void e_bad_len(cJSON *d)
{
    set(at(d, "page", NULL), "height", cJSON_CreateString("297in"));
}
static void e_neg_len(cJSON *d)
{
    set(at(d, "page", NULL), "margin_top", cJSON_CreateNumber(-1));
}
static void e_grid_frac(cJSON *d)
{
    set(at(d, "page", NULL), "grid_lines", cJSON_CreateNumber(22.5));
}
static void e_no_font(cJSON *d)
{
    cJSON_DeleteItemFromObject(at(d, "styles", "s"), "font");
}
static void e_zero_size(cJSON *d)
{
    set(at(d, "styles", "h"), "size", cJSON_CreateNumber(0));
}
static void e_grid_pitch(cJSON *d)
{
    cJSON_DeleteItemFromObject(at(d, "page", NULL), "grid_lines");
}
static void e_align(cJSON *d)
{
    set(at(d, "styles", "h"), "align", cJSON_CreateString("middle"));
}
static void e_indents(cJSON *d)
{
    set(at(d, "styles", "s"), "indent_chars", cJSON_CreateNumber(15));
    set(at(d, "styles", "s"), "right_indent_chars", cJSON_CreateNumber(15));
}
static void e_bool(cJSON *d)
{
    set(at(d, "styles", "h"), "keep_with_next", cJSON_CreateString("yes"));
}
static void e_no_styles(cJSON *d)
{
    set(d, "styles", cJSON_CreateObject());
}
static void e_pn_format(cJSON *d)
{
    set(at(d, "page", "page_number"), "format", cJSON_CreateString("page"));
}
static void e_pn_style(cJSON *d)
{
    set(at(d, "page", "page_number"), "style", cJSON_CreateString("q"));
}
static void e_content(cJSON *d)
{
    set(d, "content", cJSON_CreateArray());
}
static void e_block_type(cJSON *d)
{
    set(block(d, 0), "type", cJSON_CreateString("txet"));
}
static void e_block_style(cJSON *d)
{
    set(block(d, 0), "style", cJSON_CreateString("nope"));
}
static void e_heading_style(cJSON *d)
{
    set(block(d, 1), "heading_style", cJSON_CreateString("x"));
}
static void e_outline(cJSON *d)
{
    set(block(d, 0), "outline", cJSON_CreateNumber(1.5));
}
static void e_columns(cJSON *d)
{
    set(block(d, 2), "columns", cJSON_CreateArray());
}
static void e_col_width(cJSON *d)
{
    cJSON_ReplaceItemInArray(at(block(d, 2), "columns", NULL), 1, cJSON_CreateNumber(-1));
}
static void e_header_rows(cJSON *d)
{
    set(block(d, 2), "header_rows", cJSON_CreateNumber(4));
}
static void e_short_row(cJSON *d)
{
    cJSON_DeleteItemFromArray(row(d, 0), 2);
}
static void e_long_row(cJSON *d)
{
    cJSON_AddItemToArray(row(d, 2), cJSON_CreateString("extra"));
}
static void e_overlap(cJSON *d)
{
    cJSON_ReplaceItemInArray(row(d, 1), 0, cJSON_Parse("{\"text\": \"o\", \"colspan\": 3}"));
}
static void e_rowspan_past(cJSON *d)
{
    cJSON_ReplaceItemInArray(row(d, 2), 1, cJSON_Parse("{\"value\": \"t.z\", \"rowspan\": 2}"));
}
static void e_span_frac(cJSON *d)
{
    cJSON_ReplaceItemInArray(row(d, 2), 0, cJSON_Parse("{\"text\": \"c\", \"colspan\": 1.5}"));
}
static void e_text_and_value(cJSON *d)
{
    cJSON_ReplaceItemInArray(row(d, 2), 1, cJSON_Parse("{\"value\": \"t.z\", \"text\": \"t\"}"));
}
static void e_cell_type(cJSON *d)
{
    cJSON_ReplaceItemInArray(row(d, 2), 1, cJSON_CreateNumber(3));
}
static void e_values_no_columns(cJSON *d)
{
    cJSON_DeleteItemFromObject(block(d, 2), "value_columns");
}
static void e_line_both(cJSON *d)
{
    cJSON_ReplaceItemInArray(at(block(d, 3), "lines", NULL), 1,
                             cJSON_Parse("{\"value\": \"d\", \"text\": \"t\"}"));
}
static void e_line_format(cJSON *d)
{
    cJSON_ReplaceItemInArray(at(block(d, 3), "lines", NULL), 1,
                             cJSON_Parse("{\"value\": \"d\", \"format\": \"date-en\"}"));
}
static void e_not_object(cJSON *d)
{
    cJSON_ReplaceItemInArray(at(d, "content", NULL), 0, cJSON_CreateString("x"));
}

static void e_balance_type(cJSON *d)
{
    set(at(d, "styles", "h"), "balance", cJSON_CreateString("yes"));
}
static void e_balance_key(cJSON *d)
{
    set(at(d, "styles", "h"), "balance", cJSON_Parse("{\"break_befor\": []}"));
}
static void e_balance_list(cJSON *d)
{
    set(at(d, "styles", "h"), "balance", cJSON_Parse("{\"break_after\": \"县\"}"));
}
static void e_balance_empty(cJSON *d)
{
    set(at(d, "styles", "h"), "balance", cJSON_Parse("{\"keep_together\": [\"县\", \"\"]}"));
}
static void e_balance_long(cJSON *d)
{
    set(at(d, "styles", "h"), "balance",
        cJSON_Parse("{\"never_split\": [\"abcdefghijklmnopqrstuvwxyz0123456789\"]}"));
}
static void e_balance_number(cJSON *d)
{
    set(at(d, "styles", "h"), "balance", cJSON_Parse("{\"break_before\": [\"关于\", 3]}"));
}

static void test_errors(void **state)
{
    (void)state;
    expect_error(e_unknown_top, "l.json: $.fontmpa: unknown key (expected one of: name, edition");
    expect_error(e_unknown_style_key, "$.styles.s.sise: unknown key");
    expect_error(e_no_page, "$.page: missing or not an object");
    expect_error(e_small_page, "$.page: page too small for its margins");
    expect_error(e_bad_len, "$.page.height: expected a size such as 16, \"7mm\" or \"三号\"");
    expect_error(e_neg_len, "$.page.margin_top: expected a size");
    expect_error(e_grid_frac, "$.page.grid_lines: expected a whole number from 0 to 200");
    expect_error(e_no_font, "$.styles.s.font: missing (expected a string)");
    expect_error(e_zero_size, "$.styles.h: size must be positive");
    expect_error(e_grid_pitch, "$.styles.s.line_pitch: \"grid\" needs page.grid_lines");
    expect_error(e_align,
                 "$.styles.h.align: expected \"left\", \"center\", \"right\" or \"justify\"");
    expect_error(e_indents, "$.styles.s: indents of 15 + 15 characters of 16 pt leave no room");
    expect_error(e_bool, "$.styles.h.keep_with_next: expected true or false");
    expect_error(e_no_styles, "$.styles: missing or empty");
    expect_error(e_pn_format, "$.page.page_number.format: must contain {n}");
    expect_error(e_pn_style, "$.page.page_number.style: no such style");
    expect_error(e_content, "$.content: expected a non-empty array");
    expect_error(e_block_type, "$.content[0].type: unknown block type \"txet\"");
    expect_error(e_block_style, "$.content[0].style: no style named \"nope\" in $.styles");
    expect_error(e_heading_style, "$.content[1].heading_style: no style named \"x\"");
    expect_error(e_outline, "$.content[0].outline: expected a whole number from 0 to 9");
    expect_error(e_columns, "$.content[2].columns: expected an array of 1 to 200 column widths");
    expect_error(e_col_width, "$.content[2].columns[1]: expected a positive width");
    expect_error(e_header_rows, "$.content[2]: header_rows exceeds the rows");
    expect_error(e_short_row,
                 "$.content[2].rows[0]: row leaves column 3 empty (3 columns expected)");
    expect_error(e_long_row, "$.content[2].rows[2][2]: cell runs past the table's 3 columns");
    expect_error(e_overlap, "$.content[2].rows[1][0]: cell runs past the table's 3 columns");
    expect_error(e_rowspan_past,
                 "$.content[2].rows[2][1]: rowspan 2 runs past the table's last row");
    expect_error(e_span_frac,
                 "$.content[2].rows[2][0].colspan: expected a whole number from 1 to 1000");
    expect_error(e_text_and_value,
                 "$.content[2].rows[2][1]: a cell has \"text\" or \"value\", not both");
    expect_error(e_cell_type,
                 "$.content[2].rows[2][1]: expected a cell: a string, null or an object");
    expect_error(e_values_no_columns,
                 "$.content[2].rows[1][0]: {\"values\": PREFIX} needs a string prefix");
    expect_error(e_line_both,
                 "$.content[3].lines[1]: a line has exactly one of \"text\" and \"value\"");
    expect_error(e_line_format, "$.content[3].lines[1]: unknown format (expected \"date-zh\")");
    expect_error(e_not_object, "$.content[0]: expected an object");
    expect_error(e_balance_type, "$.styles.h.balance: expected true, false or an object of "
                                 "phrase lists (break_before, break_after, keep_together, "
                                 "never_split)");
    expect_error(e_balance_key, "$.styles.h.balance.break_befor: unknown key (expected one of: "
                                "break_before, break_after, keep_together, never_split)");
    expect_error(e_balance_list,
                 "$.styles.h.balance.break_after: expected an array of at most 200 phrases");
    expect_error(e_balance_empty,
                 "$.styles.h.balance.keep_together[1]: expected a phrase of 1 to 32 characters");
    expect_error(e_balance_long,
                 "$.styles.h.balance.never_split[0]: expected a phrase of 1 to 32 characters");
    expect_error(e_balance_number,
                 "$.styles.h.balance.break_before[1]: expected a phrase of 1 to 32 characters");
}

static void test_json_errors(void **state)
{
    (void)state;
    nb_layout_spec spec;
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(nb_layout_spec_parse("l.json", "{\"page\": }", 10, "/", &spec, &st),
                     NB_ERR_JSON);
    assert_true(strstr(st.msg, "l.json:1:10: JSON syntax error") != NULL);
    nb_status_clear(&st);
    assert_int_equal(nb_layout_spec_parse("l.json", "[]", 2, "/", &spec, &st), NB_ERR_LAYOUT);
    assert_string_equal(st.msg, "l.json: $: expected a JSON object");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_layout), cmocka_unit_test(test_official_layouts),
        cmocka_unit_test(test_sizes),        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_json_errors),  cmocka_unit_test(test_balance_phrases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
