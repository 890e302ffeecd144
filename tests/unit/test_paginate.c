/* test_paginate.c — pagination (compose.c's break permissions + paginate.c + table.c),
 * through nb_compose on small layouts built here: widows and orphans, headings kept with
 * what follows, the signature block kept with the end of the text, tables continued on the
 * next page with their header rows and spanning labels, group header rows kept with their
 * group and repeated, a continued label given room for its text, short tables kept whole,
 * group_header_rows validated, and balanced titles (broken at the words the official
 * layout's title style lists; with "balance": true and no lists, at none of them).  (That
 * the work is linear in a table's rows and a paragraph's length is shown by e2e.scaling with
 * instruction counts; timings belong to bench/, not to tests.)  table.c on its own: it sets
 * the strings compose.c hands it, one per cell, and a row it does not have is
 * NB_ERR_INTERNAL.
 *
 * Lines are read back from the composed boxes: a text box's `text` is its paragraph's
 * text (one copy per paragraph), so (text, baseline) identifies a line and its paragraph.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "box.h"
#include "buf.h"
#include "compose.h"
#include "font.h"
#include "layout.h"
#include "settext.h"
#include "table.h"

/* ---- building layouts and data ------------------------------------------------------- */

/* The title style's "balance" (JSON): true, or the official layout's phrase lists. */
static const char *title_balance = "true";

/* Page and styles of the official layouts: A4, 156 × 225 mm block, 22 lines, 28 chars. */
static void layout_head(nb_buf *b)
{
    nb_buf_printf(
        b,
        "{\"name\": \"t\", \"fontmap\": \"../fonts/fontmap.json\",\n"
        "\"page\": {\"width\": \"210mm\", \"height\": \"297mm\", \"margin_top\": \"37mm\","
        " \"margin_bottom\": \"35mm\", \"margin_left\": \"28mm\", \"margin_right\": \"26mm\","
        " \"grid_lines\": 22},\n"
        "\"styles\": {\n"
        " \"title\": {\"font\": \"title\", \"size\": \"二号\", \"line_pitch\": 36, \"align\": "
        "\"center\", \"balance\": %s},\n"
        " \"body\": {\"font\": \"body\", \"size\": \"三号\", \"line_pitch\": \"grid\","
        " \"indent_chars\": 2, \"align\": \"justify\", \"grid_chars\": 28},\n"
        " \"h1\": {\"font\": \"heading1\", \"size\": \"三号\", \"line_pitch\": \"grid\","
        " \"indent_chars\": 2, \"align\": \"justify\", \"grid_chars\": 28, \"keep_with_next\": "
        "true},\n"
        " \"sig\": {\"font\": \"body\", \"size\": \"三号\", \"line_pitch\": \"grid\", \"align\": "
        "\"right\", \"right_indent_chars\": 2, \"grid_chars\": 28, \"space_before\": 57.98},\n"
        " \"table\": {\"font\": \"table\", \"size\": \"五号\", \"line_pitch\": 13.5, \"align\": "
        "\"center\"}\n"
        "},\n\"content\": [\n",
        title_balance);
}

typedef struct doc {
    nb_layout_spec spec;
    nb_fontset *fs;
    nb_layout out;
    nb_compose_timing timing;
} doc;

static void compose(doc *d, const char *layout, const char *data_json)
{
    nb_status st = NB_STATUS_INIT;
    memset(d, 0, sizeof *d);
    if (nb_layout_spec_parse("test-layout.json", layout, strlen(layout), NB_TEST_SRCDIR "/layouts",
                             &d->spec, &st))
        fail_msg("layout: %s", st.msg);
    d->fs = nb_fontset_new();
    assert_non_null(d->fs);
    if (nb_fontset_load_map(d->fs, d->spec.fontmap, &st)) fail_msg("font map: %s", st.msg);
    cJSON *data = cJSON_Parse(data_json);
    assert_non_null(data);
    nb_compose_opts o = {.data_name = "test-data.json"};
    if (nb_compose(&d->spec, data, d->fs, &o, &d->out, &d->timing, &st))
        fail_msg("compose: %s", st.msg);
    cJSON_Delete(data);
}

static void doc_free(doc *d)
{
    nb_layout_free(&d->out);
    nb_fontset_free(d->fs);
    nb_layout_spec_free(&d->spec);
}

/* A paragraph of exactly `lines` lines of body text (28 Han a line, 26 on the first). */
static void put_para(nb_buf *b, int lines, int tag)
{
    nb_buf_printf(b, "\"");
    int n = 26 + 28 * (lines - 1) - 3;
    for (int i = 0; i < n; i++)
        nb_buf_printf(b, "%s", i % 7 == 6 ? "政" : (tag % 2 ? "府" : "信"));
    nb_buf_printf(b, "。\"");
}

/* ---- reading lines back -------------------------------------------------------------- */

typedef struct line {
    size_t page;
    float y, x;
    float size;
    const char *para; /* the paragraph's text */
    const char *font;
} line;

/* Every text line of the body size (16 pt) or of a given size, in page and y order. */
static size_t lines_of(const doc *d, float size, line *out, size_t max)
{
    size_t n = 0;
    for (size_t p = 0; p < d->out.npages; p++) {
        const nb_page *pg = &d->out.pages[p];
        for (size_t i = 0; i < pg->nboxes; i++) {
            const nb_box *b = &pg->boxes[i];
            if (b->kind != NB_BOX_TEXT || b->size != size || b->nglyphs == 0) continue;
            bool seen = false;
            for (size_t k = 0; k < n && !seen; k++)
                seen = out[k].page == p && out[k].y == b->y && out[k].para == b->text;
            if (seen) continue;
            assert_true(n < max);
            out[n++] = (line){p, b->y, b->glyphs[0].x, b->size, b->text, b->font->postscript_name};
        }
    }
    /* boxes come in flow order per page; sort by (page, y) to be sure */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && (out[j - 1].page > out[j].page ||
                                     (out[j - 1].page == out[j].page && out[j - 1].y > out[j].y));
             j--) {
            line t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return n;
}

static float block_bottom(const doc *d)
{
    return d->spec.page_h - d->spec.margin_bottom;
}

/* ---- widows, orphans, headings ------------------------------------------------------- */

/* Every split of a paragraph leaves at least two lines on each page; a heading is followed
 * by at least two lines on its page; nothing runs past the text block. */
static void check_pages(const doc *d, const char *heading_text, const char *what)
{
    line L[600];
    size_t n = lines_of(d, 16.0f, L, 600);
    for (size_t i = 0; i < n; i++) {
        if (L[i].y > block_bottom(d) + 0.01f)
            fail_msg("%s: line at y %.2f below the block (%.2f)", what, (double)L[i].y,
                     (double)block_bottom(d));
        /* pieces of this paragraph */
        if (i > 0 && L[i - 1].para == L[i].para) continue;
        size_t j = i;
        while (j < n && L[j].para == L[i].para)
            j++;
        for (size_t a = i; a < j;) {
            size_t b = a;
            while (b < j && L[b].page == L[a].page)
                b++;
            if (b - a < 2 && j - i >= 2)
                fail_msg("%s: a paragraph of %zu lines leaves %zu line on page %zu", what, j - i,
                         b - a, L[a].page + 1);
            a = b;
        }
        if (heading_text && strcmp(L[i].para, heading_text) == 0) {
            size_t after = 0;
            for (size_t k = j; k < n && L[k].page == L[i].page; k++)
                after++;
            bool last_thing = true; /* fine if nothing follows at all */
            for (size_t k = j; k < n; k++)
                last_thing = false;
            if (after < 2 && !last_thing)
                fail_msg("%s: heading on page %zu followed by %zu line(s) there", what,
                         L[i].page + 1, after);
        }
    }
}

static void test_widows_orphans_headings(void **state)
{
    (void)state;
    const char *heading = "一、标题";
    int checked = 0;
    for (int filler = 14; filler <= 23; filler++) {
        for (int m = 1; m <= 5; m++) {
            nb_buf lay = {0}, dat = {0};
            layout_head(&lay);
            nb_buf_printf(&lay,
                          "{\"type\": \"flow\", \"style\": \"body\", \"heading_style\": \"h1\", "
                          "\"value\": \"paras\"}]}");
            nb_buf_printf(&dat, "{\"paras\": [");
            /* `filler` one-line paragraphs, a heading, a paragraph of m lines, then one of
             * 3 lines and one of 4 */
            for (int i = 0; i < filler; i++)
                nb_buf_printf(&dat, "\"短段落%d。\", ", i);
            nb_buf_printf(&dat, "{\"heading\": \"%s\"}, ", heading);
            put_para(&dat, m, 1);
            nb_buf_printf(&dat, ", ");
            put_para(&dat, 3, 2);
            nb_buf_printf(&dat, ", ");
            put_para(&dat, 4, 3);
            nb_buf_printf(&dat, "]}");
            doc d;
            compose(&d, lay.p, dat.p);
            char what[64];
            snprintf(what, sizeof what, "filler %d, paragraph of %d", filler, m);
            check_pages(&d, heading, what);
            /* and the paragraphs really are as long as intended */
            line L[200];
            size_t n = lines_of(&d, 16.0f, L, 200);
            assert_int_equal(n, (size_t)(filler + 1 + m + 3 + 4));
            doc_free(&d);
            nb_buf_free(&lay);
            nb_buf_free(&dat);
            checked++;
        }
    }
    assert_int_equal(checked, 50);
}

/* A paragraph running over a page break with exactly one line to spare at the foot: the
 * first line does not stay alone (orphan), and one of three lines does not go alone
 * (widow); the page ends early instead and the grid stays. */
static void test_orphan_and_widow_moved(void **state)
{
    (void)state;
    for (int filler = 19; filler <= 21; filler++) {
        nb_buf lay = {0}, dat = {0};
        layout_head(&lay);
        nb_buf_printf(&lay,
                      "{\"type\": \"paragraphs\", \"style\": \"body\", \"value\": \"paras\"}]}");
        nb_buf_printf(&dat, "{\"paras\": [");
        for (int i = 0; i < filler; i++)
            nb_buf_printf(&dat, "\"短段落%d。\", ", i);
        put_para(&dat, 3, 1);
        nb_buf_printf(&dat, "]}");
        doc d;
        compose(&d, lay.p, dat.p);
        line L[40];
        size_t n = lines_of(&d, 16.0f, L, 40);
        assert_int_equal(n, (size_t)filler + 3);
        /* the 3-line paragraph: all on one page (21 + 3 > 22 and 1/2 or 2/1 are both bad) */
        size_t p = L[n - 3].page;
        if (filler >= 20) assert_int_equal(p, 1);
        assert_int_equal(L[n - 1].page, p);
        /* lines on the line grid */
        float pitch = d.spec.grid_pitch;
        for (size_t i = 1; i < n; i++)
            if (L[i].page == L[i - 1].page) assert_float_equal(L[i].y - L[i - 1].y, pitch, 0.01);
        doc_free(&d);
        nb_buf_free(&lay);
        nb_buf_free(&dat);
    }
}

/* The signature block stays with the last lines of the text before it. */
static void test_signature_kept_with_text(void **state)
{
    (void)state;
    for (int filler = 12; filler <= 22; filler++) {
        nb_buf lay = {0}, dat = {0};
        layout_head(&lay);
        nb_buf_printf(&lay,
                      "{\"type\": \"paragraphs\", \"style\": \"body\", \"value\": \"paras\"},\n"
                      "{\"type\": \"lines\", \"style\": \"sig\", \"keep_with_previous\": true,"
                      " \"keep_last_lines\": 2, \"lines\": [{\"value\": \"office\"}, {\"value\": "
                      "\"date\", \"format\": \"date-zh\"}]}]}");
        nb_buf_printf(&dat,
                      "{\"office\": \"某某镇人民政府\", \"date\": \"2021-01-25\", \"paras\": [");
        for (int i = 0; i < filler; i++)
            nb_buf_printf(&dat, "\"短段落%d。\", ", i);
        put_para(&dat, 3, 1);
        nb_buf_printf(&dat, "]}");
        doc d;
        compose(&d, lay.p, dat.p);
        line L[60];
        size_t n = lines_of(&d, 16.0f, L, 60);
        assert_int_equal(n, (size_t)filler + 3 + 2);
        /* the two signature lines and the last two lines of text: one page */
        for (size_t k = n - 4; k < n; k++)
            if (L[k].page != L[n - 1].page)
                fail_msg("filler %d: line %zu of 4 (text end + signature) on page %zu, the "
                         "signature on %zu",
                         filler, k - (n - 4) + 1, L[k].page + 1, L[n - 1].page + 1);
        check_pages(&d, NULL, "signature");
        doc_free(&d);
        nb_buf_free(&lay);
        nb_buf_free(&dat);
    }
}

/* ---- tables --------------------------------------------------------------------------- */

/* A table of `rows` rows: one header row ("表头甲", "表头乙"), and from row 3 a cell spanning
 * `span` rows labelled "跨行标签". */
static void put_table(nb_buf *lay, int rows, int span, int header_rows)
{
    nb_buf_printf(
        lay,
        "{\"type\": \"table\", \"style\": \"table\", \"header_style\": \"table\", "
        "\"columns\": [1, 1, 1], \"header_rows\": %d, \"min_row_height\": 20, \"rows\": [\n",
        header_rows);
    nb_buf_printf(lay, "[\"表头甲\", {\"text\": \"表头乙\", \"colspan\": 2}]");
    for (int r = 1; r < rows; r++) {
        if (r == 3 && span > 1)
            nb_buf_printf(lay, ",\n[{\"text\": \"跨行标签\", \"rowspan\": %d}, \"行%d\", \"%d\"]",
                          span, r, r);
        else if (r > 3 && r < 3 + span)
            nb_buf_printf(lay, ",\n[\"行%d\", \"%d\"]", r, r);
        else
            nb_buf_printf(lay, ",\n[\"格%d\", \"行%d\", \"%d\"]", r, r, r);
    }
    nb_buf_printf(lay, "]}");
}

typedef struct tbox {
    size_t page;
    float y;
    const char *text;
} tbox;

static size_t table_texts(const doc *d, tbox *out, size_t max)
{
    size_t n = 0;
    for (size_t p = 0; p < d->out.npages; p++)
        for (size_t i = 0; i < d->out.pages[p].nboxes; i++) {
            const nb_box *b = &d->out.pages[p].boxes[i];
            if (b->kind != NB_BOX_TEXT || b->size != 10.5f) continue;
            assert_true(n < max);
            out[n++] = (tbox){p, b->y, b->text};
        }
    return n;
}

static void test_table_continues_with_header_and_span(void **state)
{
    (void)state;
    nb_buf lay = {0}, dat = {0};
    layout_head(&lay);
    nb_buf_printf(&lay, "{\"type\": \"paragraphs\", \"style\": \"body\", \"value\": \"paras\"},\n");
    put_table(&lay, 50, 30, 1);
    nb_buf_printf(&lay, "]}");
    nb_buf_printf(&dat, "{\"paras\": [");
    for (int i = 0; i < 12; i++)
        nb_buf_printf(&dat, "%s\"短段落%d。\"", i ? ", " : "", i);
    nb_buf_printf(&dat, "]}");
    doc d;
    compose(&d, lay.p, dat.p);
    tbox T[400];
    size_t n = table_texts(&d, T, 400);
    /* pages that hold the table */
    size_t first = (size_t)-1, last = 0;
    for (size_t i = 0; i < n; i++) {
        if (T[i].page < first) first = T[i].page;
        if (T[i].page > last) last = T[i].page;
    }
    assert_true(last > first); /* it breaks */
    for (size_t p = first; p <= last; p++) {
        float head_y = -1, top_other = 1e9f;
        bool label = false;
        for (size_t i = 0; i < n; i++) {
            if (T[i].page != p) continue;
            if (strcmp(T[i].text, "表头甲") == 0)
                head_y = T[i].y;
            else if (strcmp(T[i].text, "表头乙") != 0 && T[i].y < top_other)
                top_other = T[i].y;
            if (strcmp(T[i].text, "跨行标签") == 0) label = true;
        }
        if (head_y < 0) fail_msg("page %zu of the table has no header row", p + 1);
        if (!(head_y < top_other)) fail_msg("page %zu: header row not above the body rows", p + 1);
        /* rows 3..32 span: the label is on every page the span reaches */
        bool span_here = false;
        for (size_t i = 0; i < n; i++) {
            if (T[i].page != p) continue;
            int r;
            if (sscanf(T[i].text, "行%d", &r) == 1 || sscanf(T[i].text, "\xe8\xa1\x8c%d", &r) == 1)
                if (r >= 3 && r < 33) span_here = true;
        }
        if (span_here && !label) fail_msg("page %zu: the spanning label is not repeated", p + 1);
    }
    /* rows are whole: each row's number appears on exactly one page */
    for (int r = 4; r < 50; r++) {
        char want[16];
        snprintf(want, sizeof want, "%d", r);
        int pages = 0;
        for (size_t i = 0; i < n; i++)
            if (strcmp(T[i].text, want) == 0) pages++;
        assert_int_equal(pages, 1);
    }
    doc_free(&d);
    nb_buf_free(&lay);
    nb_buf_free(&dat);
}

/* A row taller than a page is cut between its text lines: every character of the tall
 * cell is drawn once, nothing runs below the block, the header row repeats above each
 * piece, and the rows around it stay whole. */
static void test_tall_row_split(void **state)
{
    (void)state;
    nb_buf lay = {0};
    layout_head(&lay);
    nb_buf_printf(&lay, "{\"type\": \"table\", \"style\": \"table\", \"header_style\": \"table\", "
                        "\"columns\": [1, 1, 1], \"header_rows\": 1, \"min_row_height\": 20, "
                        "\"rows\": [[\"表头甲\", {\"text\": \"表头乙\", \"colspan\": 2}],\n"
                        "[\"前行\", \"1\", \"2\"],\n[\"");
    int nchars = 0;
    for (int i = 0; i < 1200; i++, nchars++)
        nb_buf_printf(&lay, "%s", i % 10 == 9 ? "长" : "格");
    nb_buf_printf(&lay, "\", \"3\", \"4\"],\n[\"后行\", \"5\", \"6\"]]}]}");
    doc d;
    compose(&d, lay.p, "{}");
    assert_true(d.out.npages >= 3);
    size_t drawn = 0, heads = 0;
    float bottom = block_bottom(&d);
    for (size_t p = 0; p < d.out.npages; p++) {
        bool head = false, tall = false;
        float head_y = 0, min_tall = 1e9f;
        for (size_t i = 0; i < d.out.pages[p].nboxes; i++) {
            const nb_box *b = &d.out.pages[p].boxes[i];
            if (b->kind == NB_BOX_RULE) {
                if (b->y0 > bottom + 0.01f || b->y1 > bottom + 0.01f)
                    fail_msg("page %zu: a rule runs below the block (%.2f > %.2f)", p + 1,
                             (double)(b->y0 > b->y1 ? b->y0 : b->y1), (double)bottom);
                continue;
            }
            if (b->size != 10.5f) continue;
            if (b->y > bottom) fail_msg("page %zu: text below the block", p + 1);
            if (strcmp(b->text, "表头甲") == 0) head = true, head_y = b->y;
            if (strncmp(b->text, "格格", 6) == 0) {
                tall = true;
                drawn += b->nglyphs;
                if (b->y < min_tall) min_tall = b->y;
            }
        }
        if (tall) {
            if (!head) fail_msg("page %zu: a piece of the tall row without the header row", p + 1);
            if (!(head_y < min_tall)) fail_msg("page %zu: header row not above the piece", p + 1);
            heads++;
        }
    }
    assert_true(heads >= 2);
    if (drawn != (size_t)nchars)
        fail_msg("the tall cell's characters drawn %zu times, it has %d", drawn, nchars);
    doc_free(&d);
    nb_buf_free(&lay);
}

/* Header rows taller than half a page are not repeated (they would leave no room): the
 * table still paginates, within the block, header text once. */
static void test_tall_header_not_repeated(void **state)
{
    (void)state;
    nb_buf lay = {0};
    layout_head(&lay);
    nb_buf_printf(&lay, "{\"type\": \"table\", \"style\": \"table\", \"header_style\": \"table\", "
                        "\"columns\": [1, 1, 1], \"header_rows\": 1, \"min_row_height\": 20, "
                        "\"rows\": [[\"");
    for (int i = 0; i < 400; i++)
        nb_buf_printf(&lay, "头");
    nb_buf_printf(&lay, "\", \"乙\", \"丙\"]");
    for (int r = 1; r < 80; r++)
        nb_buf_printf(&lay, ",\n[\"格%d\", \"行%d\", \"%d\"]", r, r, r);
    nb_buf_printf(&lay, "]}]}");
    doc d;
    compose(&d, lay.p, "{}");
    assert_true(d.out.npages >= 3);
    size_t heads = 0, rows = 0;
    for (size_t p = 0; p < d.out.npages; p++)
        for (size_t i = 0; i < d.out.pages[p].nboxes; i++) {
            const nb_box *b = &d.out.pages[p].boxes[i];
            if (b->kind == NB_BOX_RULE) {
                if (b->y0 > block_bottom(&d) + 0.01f || b->y1 > block_bottom(&d) + 0.01f)
                    fail_msg("page %zu: a rule below the block", p + 1);
                continue;
            }
            if (b->size != 10.5f) continue;
            if (strcmp(b->text, "乙") == 0) heads++;
            if (strncmp(b->text, "\xe8\xa1\x8c", 3) == 0) rows++; /* 行N */
        }
    assert_int_equal(heads, 1);
    assert_int_equal(rows, 79);
    doc_free(&d);
    nb_buf_free(&lay);
}

/* ---- group header rows, continued labels, whole tables ------------------------------ */

/* Some one-line paragraphs, then the table: the table starts `k` lines further down. */
static void put_lines_before(nb_buf *dat, int k)
{
    nb_buf_printf(dat, "{\"paras\": [\"开头。\"");
    for (int i = 0; i < k; i++)
        nb_buf_printf(dat, ", \"短段落%d。\"", i);
    nb_buf_printf(dat, "]}");
}

/* A table like the templates' table A: header_rows 0, NGROUPS groups, each a group row
 * 第g组 (4 columns), a column-header row 信息内容g and NDATA data rows g组j行. */
enum { NGROUPS = 6, NDATA = 5 };

static void put_group_table(nb_buf *lay)
{
    nb_buf_printf(lay, "{\"type\": \"table\", \"style\": \"table\", \"header_style\": \"table\", "
                       "\"columns\": [2, 1, 1, 1], \"header_rows\": 0, \"min_row_height\": 20, "
                       "\"group_header_rows\": [");
    for (int g = 0; g < NGROUPS; g++)
        nb_buf_printf(lay, "%s%d, %d", g ? ", " : "", g * (NDATA + 2), g * (NDATA + 2) + 1);
    nb_buf_printf(lay, "], \"rows\": [\n");
    for (int g = 1; g <= NGROUPS; g++) {
        nb_buf_printf(lay, "%s[{\"text\": \"第%d组\", \"colspan\": 4}],\n", g > 1 ? ",\n" : "", g);
        nb_buf_printf(lay, "[\"信息内容%d\", \"甲\", \"乙\", \"丙\"]", g);
        for (int j = 1; j <= NDATA; j++)
            nb_buf_printf(lay, ",\n[\"%d组%d行\", \"1\", \"2\", \"3\"]", g, j);
    }
    nb_buf_printf(lay, "]}");
}

/* The table's first-column texts on each page, top to bottom: kind 'G' 第g组, 'H'
 * 信息内容g, 'D' g组j行 (g, j). */
typedef struct grow {
    size_t page;
    float y;
    char kind;
    int g, j;
} grow;

static size_t group_rows(const doc *d, grow *out, size_t max)
{
    size_t n = 0;
    for (size_t p = 0; p < d->out.npages; p++)
        for (size_t i = 0; i < d->out.pages[p].nboxes; i++) {
            const nb_box *b = &d->out.pages[p].boxes[i];
            if (b->kind != NB_BOX_TEXT || b->size != 10.5f) continue;
            grow r = {p, b->y, 0, 0, 0};
            if (sscanf(b->text, "第%d组", &r.g) == 1)
                r.kind = 'G';
            else if (sscanf(b->text, "信息内容%d", &r.g) == 1)
                r.kind = 'H';
            else if (sscanf(b->text, "%d组%d行", &r.g, &r.j) == 2)
                r.kind = 'D';
            else
                continue;
            assert_true(n < max);
            out[n++] = r;
        }
    for (size_t i = 1; i < n; i++) /* by page, then y */
        for (size_t j = i; j > 0 && (out[j - 1].page > out[j].page ||
                                     (out[j - 1].page == out[j].page && out[j - 1].y > out[j].y));
             j--) {
            grow t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return n;
}

/* Wherever the table falls: no page ends on a group header row; a page that continues
 * the table starts with the header rows of the group its first data row belongs to; a
 * break inside a group leaves two data rows on each side; every data row once. */
static void test_group_headers_kept_and_repeated(void **state)
{
    (void)state;
    int inside = 0, between = 0;
    for (int k = 0; k < 23; k++) {
        nb_buf lay = {0}, dat = {0};
        layout_head(&lay);
        nb_buf_printf(&lay,
                      "{\"type\": \"paragraphs\", \"style\": \"body\", \"value\": \"paras\"},\n");
        put_group_table(&lay);
        nb_buf_printf(&lay, "]}");
        put_lines_before(&dat, k);
        doc d;
        compose(&d, lay.p, dat.p);
        grow R[200];
        size_t n = group_rows(&d, R, 200);
        int seen[NGROUPS + 1][NDATA + 1];
        memset(seen, 0, sizeof seen);
        for (size_t i = 0; i < n; i++) {
            if (R[i].kind == 'D') seen[R[i].g][R[i].j]++;
            bool last_on_page = i + 1 == n || R[i + 1].page != R[i].page;
            bool first_on_page = i == 0 || R[i - 1].page != R[i].page;
            if (last_on_page && i + 1 < n && R[i].kind != 'D')
                fail_msg("k=%d: page %zu ends on the group header row %s%d", k, R[i].page + 1,
                         R[i].kind == 'G' ? "第组" : "信息内容", R[i].g);
            if (first_on_page && i > 0) {
                /* continued: 第g组, 信息内容g, then rows of group g */
                if (i + 2 >= n || R[i].kind != 'G' || R[i + 1].kind != 'H' ||
                    R[i + 1].g != R[i].g || R[i + 2].g != R[i].g)
                    fail_msg("k=%d: page %zu does not start with the header rows of its group", k,
                             R[i].page + 1);
                const grow *before = &R[i - 1], *after = &R[i + 2];
                if (R[i + 2].kind == 'D' && before->kind == 'D' && before->g == after->g) {
                    inside++;
                    if (before->j < 2 || NDATA - before->j < 2)
                        fail_msg("k=%d: a break after row %d of group %d's %d", k, before->j,
                                 before->g, NDATA);
                } else {
                    between++;
                }
            }
        }
        for (int g = 1; g <= NGROUPS; g++)
            for (int j = 1; j <= NDATA; j++)
                if (seen[g][j] != 1)
                    fail_msg("k=%d: row %d组%d行 drawn %d times", k, g, j, seen[g][j]);
        doc_free(&d);
        nb_buf_free(&lay);
        nb_buf_free(&dat);
    }
    /* the positions exercise both kinds of break */
    assert_true(inside > 0);
    assert_true(between > 0);
}

/* A label spanning 12 rows needs 4 lines (3 rows): wherever the table breaks, each page
 * the label reaches shows all its lines between the same two rules of its column. */
static void test_continued_label_fits(void **state)
{
    (void)state;
    static const char label[] = "跨页的长标签文字跨页的长标签文字甲乙丙丁";
    int broken = 0;
    for (int k = 0; k < 23; k++) {
        nb_buf lay = {0}, dat = {0};
        layout_head(&lay);
        nb_buf_printf(&lay,
                      "{\"type\": \"paragraphs\", \"style\": \"body\", \"value\": \"paras\"},\n");
        nb_buf_printf(&lay,
                      "{\"type\": \"paragraphs\", \"style\": \"body\", \"value\": \"more\"},\n");
        nb_buf_printf(&lay,
                      "{\"type\": \"table\", \"style\": \"table\", \"header_style\": \"table\", "
                      "\"columns\": [1, 3, 3], \"header_rows\": 1, \"min_row_height\": 20, "
                      "\"rows\": [[\"表头甲\", \"表头乙\", \"表头丙\"]");
        for (int r = 1; r < 19; r++) {
            if (r == 4)
                nb_buf_printf(&lay, ",\n[{\"text\": \"%s\", \"rowspan\": 12}, \"行%d\", \"%d\"]",
                              label, r, r);
            else if (r > 4 && r < 16)
                nb_buf_printf(&lay, ",\n[\"行%d\", \"%d\"]", r, r);
            else
                nb_buf_printf(&lay, ",\n[\"格%d\", \"行%d\", \"%d\"]", r, r, r);
        }
        nb_buf_printf(&lay, "]}]}");
        /* 14 lines first, so the table meets the page foot at each of its rows */
        nb_buf_printf(&dat, "{\"more\": [");
        for (int i = 0; i < 14; i++)
            nb_buf_printf(&dat, "%s\"前文%d。\"", i ? ", " : "", i);
        nb_buf_printf(&dat, "], \"paras\": [\"开头。\"");
        for (int i = 0; i < k; i++)
            nb_buf_printf(&dat, ", \"短段落%d。\"", i);
        nb_buf_printf(&dat, "]}");
        doc d;
        compose(&d, lay.p, dat.p);
        int pages_with_label = 0;
        for (size_t p = 0; p < d.out.npages; p++) {
            const nb_page *pg = &d.out.pages[p];
            int lines = 0;
            float top = 1e9f, bottom = -1e9f, x = 0;
            for (size_t i = 0; i < pg->nboxes; i++) {
                const nb_box *b = &pg->boxes[i];
                if (b->kind != NB_BOX_TEXT || strcmp(b->text, label) != 0) continue;
                lines++;
                x = b->glyphs[0].x;
                if (b->y - 0.88f * b->size < top) top = b->y - 0.88f * b->size;
                if (b->y + 0.12f * b->size > bottom) bottom = b->y + 0.12f * b->size;
            }
            if (lines == 0) continue;
            pages_with_label++;
            if (lines != 4)
                fail_msg("k=%d: page %zu shows %d of the label's 4 lines", k, p + 1, lines);
            bool above = false, below = false;
            for (size_t i = 0; i < pg->nboxes; i++) {
                const nb_box *b = &pg->boxes[i];
                if (b->kind != NB_BOX_RULE || b->y0 != b->y1 || b->x0 > x || b->x1 < x) continue;
                if (b->y0 > top + 0.01f && b->y0 < bottom - 0.01f)
                    fail_msg("k=%d: page %zu: a rule at y %.2f runs through the label (%.2f–%.2f)",
                             k, p + 1, (double)b->y0, (double)top, (double)bottom);
                if (b->y0 <= top) above = true;
                if (b->y0 >= bottom) below = true;
            }
            if (!above || !below)
                fail_msg("k=%d: page %zu: the label's cell is not closed", k, p + 1);
        }
        if (pages_with_label > 1) broken++;
        doc_free(&d);
        nb_buf_free(&lay);
        nb_buf_free(&dat);
    }
    assert_true(broken > 0); /* some positions break inside the span */
}

/* A heading and a 10-row table that fit on one page are never split with a few rows on
 * the next page: the heading and the table move together. */
static void test_whole_table_preferred(void **state)
{
    (void)state;
    int moved = 0;
    for (int k = 0; k < 23; k++) {
        nb_buf lay = {0}, dat = {0};
        layout_head(&lay);
        nb_buf_printf(&lay,
                      "{\"type\": \"paragraphs\", \"style\": \"body\", \"value\": \"paras\"},\n"
                      "{\"type\": \"text\", \"style\": \"h1\", \"text\": \"表前标题\"},\n");
        put_table(&lay, 10, 0, 1);
        nb_buf_printf(&lay, "]}");
        put_lines_before(&dat, k);
        doc d;
        compose(&d, lay.p, dat.p);
        size_t per_page[16] = {0}, head_page = (size_t)-1, first_row_page = (size_t)-1;
        tbox T[200];
        size_t n = table_texts(&d, T, 200);
        for (size_t i = 0; i < n; i++) {
            int r;
            if (sscanf(T[i].text, "格%d", &r) == 1) {
                assert_true(T[i].page < 16);
                per_page[T[i].page]++;
                if (r == 1) first_row_page = T[i].page;
            }
        }
        line L[200];
        size_t nl = lines_of(&d, 16.0f, L, 200);
        for (size_t i = 0; i < nl; i++)
            if (strcmp(L[i].para, "表前标题") == 0) head_page = L[i].page;
        size_t pages = 0, last = 0;
        for (size_t p = 0; p < 16; p++)
            if (per_page[p]) pages++, last = per_page[p];
        if (pages > 1 && last <= 3)
            fail_msg("k=%d: the table leaves %zu of its 9 rows on the next page", k, last);
        if (head_page != first_row_page)
            fail_msg("k=%d: the heading on page %zu, the table's first row on page %zu", k,
                     head_page + 1, first_row_page + 1);
        if (pages == 1 && L[0].page != head_page && k > 0) moved++;
        doc_free(&d);
        nb_buf_free(&lay);
        nb_buf_free(&dat);
    }
    assert_true(moved > 0);
}

/* The layout reader refuses bad group_header_rows, naming the entry. */
static void test_group_header_rows_validated(void **state)
{
    (void)state;
    static const struct {
        const char *value, *path, *says;
    } bad[] = {
        {"3", "$.content[0].group_header_rows", "expected an array of row indexes"},
        {"[1, \"2\"]", "$.content[0].group_header_rows[1]", "expected a row index from 0 to 4"},
        {"[1, 2.5]", "$.content[0].group_header_rows[1]", "expected a row index"},
        {"[2, 2]", "$.content[0].group_header_rows[1]", "ascending"},
        {"[3, 1]", "$.content[0].group_header_rows[1]", "ascending"},
        {"[0]", "$.content[0].group_header_rows[0]", "header_rows"},
        {"[1, 4]", "$.content[0].group_header_rows[1]", "last row"},
        {"[1, 5]", "$.content[0].group_header_rows[1]", "from 0 to 4"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        nb_buf lay = {0};
        layout_head(&lay);
        nb_buf_printf(
            &lay,
            "{\"type\": \"table\", \"style\": \"table\", \"columns\": [1, 1], "
            "\"header_rows\": 1, \"group_header_rows\": %s, \"rows\": "
            "[[\"a\", \"b\"], [\"c\", \"d\"], [\"e\", \"f\"], [\"g\", \"h\"], [\"i\", \"j\"]]}]}",
            bad[k].value);
        nb_layout_spec spec;
        nb_status st = NB_STATUS_INIT;
        memset(&spec, 0, sizeof spec);
        nb_code rc = nb_layout_spec_parse("test-layout.json", lay.p, strlen(lay.p),
                                          NB_TEST_SRCDIR "/layouts", &spec, &st);
        if (rc == NB_OK) fail_msg("group_header_rows %s accepted", bad[k].value);
        if (!strstr(st.msg, "test-layout.json") || !strstr(st.msg, bad[k].path) ||
            !strstr(st.msg, bad[k].says))
            fail_msg("group_header_rows %s: message \"%s\" lacks \"%s\" or \"%s\"", bad[k].value,
                     st.msg, bad[k].path, bad[k].says);
        nb_layout_spec_free(&spec);
        nb_buf_free(&lay);
    }
}

/* ---- the title ------------------------------------------------------------------------- */

/* Where the first line of a two-line title ends (a byte offset into the title). */
static size_t title_first_line_end(const char *title)
{
    nb_buf lay = {0}, dat = {0};
    layout_head(&lay);
    nb_buf_printf(&lay, "{\"type\": \"value\", \"style\": \"title\", \"value\": \"title\"}]}");
    nb_buf_printf(&dat, "{\"title\": \"%s\"}", title);
    doc d;
    compose(&d, lay.p, dat.p);
    const nb_page *pg = &d.out.pages[0];
    /* the first line's glyphs: text offsets tell where it ends */
    const nb_box *b0 = NULL;
    int nl = 0;
    float y0 = -1;
    for (size_t i = 0; i < pg->nboxes; i++) {
        const nb_box *b = &pg->boxes[i];
        if (b->kind != NB_BOX_TEXT || b->size != 22.0f) continue;
        if (b->y != y0) {
            y0 = b->y;
            if (++nl == 1) b0 = b;
        }
    }
    assert_int_equal(nl, 2);
    const nb_box_glyph *lg = &b0->glyphs[b0->nglyphs - 1];
    size_t end = lg->text_off + lg->text_len;
    doc_free(&d);
    nb_buf_free(&lay);
    nb_buf_free(&dat);
    return end;
}

/* The title style's "balance" of the official 2021 layout, as JSON (caller frees). */
static char *official_title_balance(void)
{
    FILE *f = fopen(NB_TEST_SRCDIR "/layouts/gov-annual-2021.json", "rb");
    assert_non_null(f);
    nb_buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        nb_buf_add(&b, chunk, n);
    fclose(f);
    cJSON *root = cJSON_ParseWithLength(b.p, b.len);
    nb_buf_free(&b);
    assert_non_null(root);
    const cJSON *bal = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "styles"), "title"),
        "balance");
    assert_true(cJSON_IsObject(bal));
    char *json = cJSON_PrintUnformatted(bal);
    cJSON_Delete(root);
    assert_non_null(json);
    return json;
}

static void test_title_balanced_at_words(void **state)
{
    (void)state;
    static const struct {
        const char *title, *first_line_ends;
    } t[] = {
        {"靖安县宝峰镇2020年度政府信息公开工作年度报告", "2020年度"},
        {"江西省宜春市靖安县宝峰镇人民政府2020年度政府信息公开工作年度报告", "人民政府"},
        {"宜春市市场监督管理局2021年政府信息公开工作年度报告", "2021年"},
    };
    /* With the official layout's phrases: at the words. */
    char *phrases = official_title_balance();
    title_balance = phrases;
    size_t with[3];
    for (size_t k = 0; k < sizeof t / sizeof *t; k++) {
        with[k] = title_first_line_end(t[k].title);
        size_t want =
            strstr(t[k].title, t[k].first_line_ends) - t[k].title + strlen(t[k].first_line_ends);
        if (with[k] != want)
            fail_msg("\"%s\": first line ends at byte %zu, expected after \"%s\" (%zu)", t[k].title,
                     with[k], t[k].first_line_ends, want);
    }
    /* With "balance": true alone the engine knows none of those words: a title whose even
     * split falls next to a phrase breaks elsewhere. */
    title_balance = "true";
    size_t differ = 0;
    for (size_t k = 0; k < sizeof t / sizeof *t; k++)
        differ += title_first_line_end(t[k].title) != with[k];
    free(phrases);
    if (differ == 0) fail_msg("the titles break at the same places without the layout's phrases");
}

/* ---- table.c on its own: strings per cell, and a row it does not have ------------------ */

/* compose.c binds the data; table.c sets the strings it is given, one per cell of the spec
 * (NULL: empty), and never sees the data.  Drawing a row the table does not have is a fault
 * of the caller: NB_ERR_INTERNAL, not a usage or data error. */
static void test_table_takes_strings(void **state)
{
    (void)state;
    nb_buf lay = {0};
    layout_head(&lay);
    nb_buf_printf(&lay, "{\"type\": \"table\", \"style\": \"table\", \"columns\": [1, 2],"
                        " \"rows\": [[\"甲\", {\"value\": \"a\"}], [null, {\"value\": \"b\"}]]}]}");
    nb_layout_spec spec;
    nb_status st = NB_STATUS_INIT;
    if (nb_layout_spec_parse("t.json", lay.p, lay.len, NB_TEST_SRCDIR "/layouts", &spec, &st))
        fail_msg("layout: %s", st.msg);
    nb_buf_free(&lay);
    nb_fontset *fs = nb_fontset_new();
    assert_non_null(fs);
    if (nb_fontset_load_map(fs, spec.fontmap, &st)) fail_msg("font map: %s", st.msg);
    nb_layout out;
    nb_layout_init(&out);
    nb_setter set = {.fs = fs, .out = &out};
    set.shape_opts.language = "zh-Hans";
    const char *texts[] = {"甲", "一二三", NULL, "四五"};
    nb_table_layout *t = NULL;
    if (nb_table_build(&set, &spec, &spec.blocks[0], texts, "d.json", &t, &st))
        fail_msg("table: %s", st.msg);
    assert_int_equal(nb_table_nrows(t), 2);
    nb_page *pg = nb_layout_add_page(&out, spec.page_w, spec.page_h);
    assert_non_null(pg);
    size_t rows[] = {0, 1};
    float ys[] = {100, 100 + nb_table_row_height(t, 0)};
    assert_int_equal(nb_table_draw_parts(&out, pg, t, rows, ys, NULL, NULL, 2, 80, &st), NB_OK);
    /* every string drawn whole, as given; the empty cell draws nothing */
    const char *want[] = {"甲", "一二三", "四五"};
    for (size_t k = 0; k < 3; k++) {
        size_t found = 0;
        for (size_t i = 0; i < pg->nboxes; i++)
            found += pg->boxes[i].kind == NB_BOX_TEXT && strcmp(pg->boxes[i].text, want[k]) == 0;
        if (found != 1) fail_msg("'%s' drawn %zu times, expected once", want[k], found);
    }
    /* a row past the end: a fault of ours */
    size_t bad[] = {2};
    assert_int_equal(nb_table_draw_parts(&out, pg, t, bad, ys, NULL, NULL, 1, 80, &st),
                     NB_ERR_INTERNAL);
    assert_string_equal(st.msg, "table: asked to draw row 2 of a 2-row table");
    nb_layout_free(&out);
    nb_fontset_free(fs);
    nb_layout_spec_free(&spec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_widows_orphans_headings),
        cmocka_unit_test(test_orphan_and_widow_moved),
        cmocka_unit_test(test_signature_kept_with_text),
        cmocka_unit_test(test_table_continues_with_header_and_span),
        cmocka_unit_test(test_tall_row_split),
        cmocka_unit_test(test_tall_header_not_repeated),
        cmocka_unit_test(test_title_balanced_at_words),
        cmocka_unit_test(test_table_takes_strings),
        cmocka_unit_test(test_group_headers_kept_and_repeated),
        cmocka_unit_test(test_continued_label_fits),
        cmocka_unit_test(test_whole_table_preferred),
        cmocka_unit_test(test_group_header_rows_validated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
