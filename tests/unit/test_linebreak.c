/* test_linebreak.c — line breaking, compression and justification, case by case.
 *
 * Paragraphs are built from UTF-8 strings: every CJK character or full-width mark is 16 pt
 * wide (one em), every ASCII character 8 pt; the measure is 28 em = 448 pt unless a case
 * says otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "linebreak.h"

#define EM 16.0f
#define MEASURE (28 * EM)
#define TOL 0.01f

typedef struct para {
    nb_lb_item *items;
    size_t n;
} para;

static uint32_t next_cp(const char **s)
{
    const unsigned char *u = (const unsigned char *)*s;
    uint32_t cp;
    int len;
    if (u[0] < 0x80) {
        cp = u[0];
        len = 1;
    } else if ((u[0] & 0xE0) == 0xC0) {
        cp = ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
        len = 2;
    } else if ((u[0] & 0xF0) == 0xE0) {
        cp = ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
        len = 3;
    } else {
        cp = ((uint32_t)(u[0] & 0x07) << 18) | ((uint32_t)(u[1] & 0x3F) << 12) |
             ((uint32_t)(u[2] & 0x3F) << 6) | (u[3] & 0x3F);
        len = 4;
    }
    *s += len;
    return cp;
}

static void add_cp(para *p, uint32_t cp)
{
    p->items = realloc(p->items, (p->n + 1) * sizeof *p->items);
    assert_non_null(p->items);
    p->items[p->n].cp = cp;
    p->items[p->n].width = cp < 0x80 ? EM / 2 : EM;
    p->n++;
}

static void add(para *p, const char *utf8)
{
    while (*utf8)
        add_cp(p, next_cp(&utf8));
}

/* k distinct-looking Han characters (the class is what matters, not the glyph). */
static void add_han(para *p, int k)
{
    for (int i = 0; i < k; i++)
        add_cp(p, 0x4E00 + (uint32_t)(i % 200));
}

static nb_lb_params params(void)
{
    nb_lb_params p = {0};
    p.measure = MEASURE;
    p.em = EM;
    p.justify = true;
    p.compress_punct = true;
    return p;
}

static nb_lb_result run(const para *pa, const nb_lb_params *p)
{
    nb_lb_result r;
    nb_status st = NB_STATUS_INIT;
    nb_code rc = nb_linebreak(pa->items, pa->n, p, &r, &st);
    if (rc != NB_OK) fail_msg("nb_linebreak failed: %s", st.msg);
    return r;
}

/* Right edge of line l (last item that is not a trailing space). */
static float right_edge(const nb_lb_result *r, const para *pa, size_t l)
{
    size_t e = r->lines[l].end;
    while (e > r->lines[l].start && pa->items[e - 1].cp == ' ')
        e--;
    if (e == r->lines[l].start) return 0.0f;
    return r->x[e - 1] + r->w[e - 1];
}

/* Lines tile the paragraph in order, each non-empty, last flag only on the last. */
static void check_tiling(const nb_lb_result *r, size_t n)
{
    assert_true(r->nlines >= 1);
    size_t pos = 0;
    for (size_t l = 0; l < r->nlines; l++) {
        assert_int_equal(r->lines[l].start, pos);
        assert_true(r->lines[l].end > pos || n == 0);
        pos = r->lines[l].end;
        assert_int_equal(r->lines[l].last, l + 1 == r->nlines);
    }
    assert_int_equal(pos, n);
}

static size_t line_of(const nb_lb_result *r, size_t item)
{
    for (size_t l = 0; l < r->nlines; l++)
        if (item >= r->lines[l].start && item < r->lines[l].end) return l;
    fail_msg("item %zu in no line", item);
    return 0;
}

static void check_justified(const nb_lb_result *r, const para *pa, size_t l, float measure)
{
    float edge = right_edge(r, pa, l);
    if (edge < measure - TOL || edge > measure + TOL)
        fail_msg("line %zu right edge %.4f, expected %.4f", l, (double)edge, (double)measure);
    assert_true(r->lines[l].width > measure - TOL && r->lines[l].width < measure + TOL);
}

/* ---- no line starts with a closing/pause mark ----------------------------------------- */

static void test_no_start_marks(void **state)
{
    (void)state;
    static const char *marks[] = {"，", "。", "、", "；", "：", "？", "！", "）",
                                  "】", "》", "」", "』", "”",  "’",  "…",  "·",
                                  ",",  ".",  ";",  ":",  "?",  "!",  ")"};
    nb_lb_params p = params();
    for (size_t m = 0; m < sizeof marks / sizeof *marks; m++) {
        para pa = {0};
        add_han(&pa, 28); /* a full line: the natural break falls right before the mark */
        add(&pa, marks[m]);
        add_han(&pa, 3);
        nb_lb_result r = run(&pa, &p);
        check_tiling(&r, pa.n);
        assert_int_equal(r.nlines, 2);
        /* The mark cannot fit by squeezing (only its own half em of blank), so the last
         * Han character is pushed down with it. */
        assert_int_equal(r.lines[0].end, 27);
        assert_int_equal(pa.items[r.lines[1].start].cp, 0x4E00 + 27);
        assert_int_equal(line_of(&r, 28), 1);
        check_justified(&r, &pa, 0, MEASURE);
        for (size_t l = 0; l < r.nlines; l++)
            assert_false(nb_lb_no_start(pa.items[r.lines[l].start].cp));
        nb_lb_result_free(&r);
        free(pa.items);
    }
}

static void test_no_start_second_half_of_pairs(void **state)
{
    (void)state;
    /* —— may begin a line; …… may not (… is itself a no-start mark), so a Han
     * character goes down with it. */
    static const char *pairs[] = {"——", "……"};
    static const size_t end0[] = {27, 26};
    nb_lb_params p = params();
    for (size_t m = 0; m < 2; m++) {
        para pa = {0};
        add_han(&pa, 27); /* the first half fits at the line end, the second does not */
        add(&pa, pairs[m]);
        add_han(&pa, 2);
        nb_lb_result r = run(&pa, &p);
        check_tiling(&r, pa.n);
        assert_int_equal(line_of(&r, 27), line_of(&r, 28));
        assert_int_equal(r.lines[0].end, end0[m]); /* the pair moves down whole */
        for (size_t l = 0; l < r.nlines; l++)
            assert_false(nb_lb_no_start(pa.items[r.lines[l].start].cp));
        check_justified(&r, &pa, 0, MEASURE);
        nb_lb_result_free(&r);
        free(pa.items);
    }
}

/* ---- no line ends with an opening mark ---------------------------------------------- */

static void test_no_end_marks(void **state)
{
    (void)state;
    static const char *marks[] = {"（", "【", "《", "「", "『", "“", "‘", "("};
    nb_lb_params p = params();
    for (size_t m = 0; m < sizeof marks / sizeof *marks; m++) {
        para pa = {0};
        add_han(&pa, 27);
        add(&pa, marks[m]); /* fits as the line's last item... */
        add_han(&pa, 3);    /* ...and the break after it is the natural one */
        nb_lb_result r = run(&pa, &p);
        check_tiling(&r, pa.n);
        assert_int_equal(r.lines[0].end, 27);
        assert_int_equal(r.lines[1].start, 27);
        assert_int_equal(pa.items[27].cp, pa.items[r.lines[1].start].cp);
        for (size_t l = 0; l < r.nlines; l++)
            assert_false(nb_lb_no_end(pa.items[r.lines[l].end - 1].cp));
        check_justified(&r, &pa, 0, MEASURE);
        nb_lb_result_free(&r);
        free(pa.items);
    }
}

/* ---- squeezing instead of pushing -------------------------------------------------- */

static void test_squeeze_pulls_mark_in(void **state)
{
    (void)state;
    para pa = {0};
    add_han(&pa, 13);
    add(&pa, "，");
    add_han(&pa, 14);
    add(&pa, "。"); /* item 28: one em too many, the break before it is forbidden */
    add_han(&pa, 4);
    nb_lb_params p = params();
    nb_lb_result r = run(&pa, &p);
    check_tiling(&r, pa.n);
    assert_int_equal(r.nlines, 2);
    assert_int_equal(r.lines[0].end, 29); /* 。 stays, compressed */
    assert_float_equal(r.w[28], EM / 2, TOL);
    assert_float_equal(r.w[13], EM / 2, TOL);
    assert_float_equal(r.x[14], r.x[13] + EM / 2, TOL);
    check_justified(&r, &pa, 0, MEASURE);
    nb_lb_result_free(&r);
    free(pa.items);
}

static void test_compress_off(void **state)
{
    (void)state;
    para pa = {0};
    add_han(&pa, 13);
    add(&pa, "，");
    add_han(&pa, 14);
    add(&pa, "。”");
    add_han(&pa, 4);
    nb_lb_params p = params();
    p.compress_punct = false; /* no squeeze: the last Han goes down with 。” */
    nb_lb_result r = run(&pa, &p);
    check_tiling(&r, pa.n);
    assert_int_equal(r.lines[0].end, 27);
    for (size_t i = 0; i < pa.n; i++)
        assert_float_equal(r.w[i], pa.items[i].width, TOL);
    check_justified(&r, &pa, 0, MEASURE);
    nb_lb_result_free(&r);
    free(pa.items);
}

static void test_hang_punct(void **state)
{
    (void)state;
    para pa = {0};
    add_han(&pa, 28);
    add(&pa, "。");
    add_han(&pa, 3);
    nb_lb_params p = params();
    p.hang_punct = true;
    nb_lb_result r = run(&pa, &p);
    check_tiling(&r, pa.n);
    assert_int_equal(r.lines[0].end, 29);
    assert_float_equal(r.x[28], MEASURE, TOL); /* hangs past the measure */
    assert_float_equal(r.x[27] + r.w[27], MEASURE, TOL);
    assert_float_equal(r.lines[0].width, MEASURE, TOL);
    nb_lb_result_free(&r);
    free(pa.items);
}

/* ---- runs kept whole --------------------------------------------------------------- */

static void test_digit_run_whole(void **state)
{
    (void)state;
    para pa = {0};
    add_han(&pa, 26);
    add(&pa, "63365元");
    add_han(&pa, 5);
    nb_lb_params p = params();
    nb_lb_result r = run(&pa, &p);
    check_tiling(&r, pa.n);
    assert_int_equal(r.lines[0].end, 26);
    for (size_t i = 26; i < 31; i++)
        assert_int_equal(line_of(&r, i), 1);
    check_justified(&r, &pa, 0, MEASURE);
    nb_lb_result_free(&r);
    free(pa.items);
}

static const char *URL = "http://www.jxjaxzf.gov.cn/xxgk-show-488796.html";

static void check_url_breaks(const nb_lb_result *r, const para *pa, size_t url_start,
                             size_t url_end)
{
    for (size_t l = 0; l + 1 < r->nlines; l++) {
        size_t e = r->lines[l].end;
        if (e > url_start && e < url_end) {
            uint32_t c = pa->items[e - 1].cp;
            if (!strchr("/.?", (int)c)) fail_msg("URL broken after '%c'", (int)c);
        }
    }
}

static void test_url_breaks_at_its_points_when_line_would_be_loose(void **state)
{
    (void)state;
    para pa = {0};
    add_han(&pa, 10);
    add(&pa, URL); /* 47 chars, 376 pt: does not fit after 160 pt of Han */
    add_han(&pa, 5);
    nb_lb_params p = params();
    nb_lb_result r = run(&pa, &p);
    check_tiling(&r, pa.n);
    /* Pushing the URL whole would leave 288 pt over 9 gaps; break after "gov.cn/" (the
     * last break point that fits: never after '-', which text extraction would drop). */
    assert_int_equal(r.lines[0].end, 10 + 26);
    assert_int_equal(pa.items[r.lines[0].end - 1].cp, '/');
    assert_int_equal(pa.items[r.lines[1].start].cp, 'x');
    check_url_breaks(&r, &pa, 10, 10 + strlen(URL));
    check_justified(&r, &pa, 0, MEASURE);
    nb_lb_result_free(&r);
    free(pa.items);
}

static void test_url_pushed_whole_when_line_stays_tight(void **state)
{
    (void)state;
    para pa = {0};
    add_han(&pa, 24);
    add(&pa, "www.gov.cn"); /* 80 pt, 64 pt fit: pushing leaves 2.8 pt a gap */
    add_han(&pa, 3);
    nb_lb_params p = params();
    nb_lb_result r = run(&pa, &p);
    check_tiling(&r, pa.n);
    assert_int_equal(r.lines[0].end, 24);
    check_justified(&r, &pa, 0, MEASURE);
    nb_lb_result_free(&r);
    free(pa.items);
}

static void test_url_longer_than_line(void **state)
{
    (void)state;
    para pa = {0};
    add(&pa, URL);
    nb_lb_params p = params();
    p.measure = 144.0f; /* 18 ASCII characters: the longest segment, "xxgk-show-488796.", fits */
    nb_lb_result r = run(&pa, &p);
    check_tiling(&r, pa.n);
    assert_true(r.nlines >= 4);
    check_url_breaks(&r, &pa, 0, pa.n);
    for (size_t l = 0; l < r.nlines; l++) {
        assert_true(right_edge(&r, &pa, l) <= p.measure + TOL);
        if (!r.lines[l].last) check_justified(&r, &pa, l, p.measure);
    }
    /* "http://www." is the first segment that fits: 11 chars. */
    assert_int_equal(r.lines[0].end, 11);
    nb_lb_result_free(&r);
    free(pa.items);
}

static void test_latin_breaks_at_spaces(void **state)
{
    (void)state;
    para pa = {0};
    add(&pa, "hello world again");
    nb_lb_params p = params();
    p.measure = 100.0f;
    nb_lb_result r = run(&pa, &p);
    check_tiling(&r, pa.n);
    assert_int_equal(r.nlines, 2);
    assert_int_equal(r.lines[0].end, 12);   /* "hello world " */
    assert_float_equal(r.w[11], 0.0f, TOL); /* trailing space takes no room */
    check_justified(&r, &pa, 0, p.measure);
    /* 12 pt over 10 gaps: no gap opens wide. */
    for (size_t i = 0; i + 1 < 11; i++)
        assert_float_equal(r.x[i + 1] - r.x[i], 9.2f, TOL);
    nb_lb_result_free(&r);
    free(pa.items);
}

/* ---- compression of adjacent punctuation ------------------------------------------ */

static void check_pair(const char *text, size_t first, float first_w, float next_dx)
{
    para pa = {0};
    add(&pa, text);
    nb_lb_params p = params();
    p.justify = false;
    nb_lb_result r = run(&pa, &p);
    assert_int_equal(r.nlines, 1);
    if (r.w[first] < first_w - TOL || r.w[first] > first_w + TOL)
        fail_msg("%s: w[%zu] = %.2f, expected %.2f", text, first, (double)r.w[first],
                 (double)first_w);
    float dx = r.x[first + 1] - r.x[first];
    if (dx < next_dx - TOL || dx > next_dx + TOL)
        fail_msg("%s: x step %.2f, expected %.2f", text, (double)dx, (double)next_dx);
    nb_lb_result_free(&r);
    free(pa.items);
}

static void test_pair_compression(void **state)
{
    (void)state;
    check_pair("中中。”中", 2, EM / 2, EM / 2); /* second mark pulled in by half an em */
    check_pair("中）、中", 1, EM / 2, EM / 2);
    check_pair("中：“中", 1, EM / 2, EM / 2);
    check_pair("中”，中", 1, EM / 2, EM / 2);
    check_pair("中中中中", 1, EM, EM); /* no punctuation: nothing moves */
    check_pair("中。中", 1, EM, EM);   /* a single mark keeps its full em */
    /* Opening after opening: the second loses its left blank, drawn half an em left. */
    para pa = {0};
    add(&pa, "中（“中");
    nb_lb_params p = params();
    p.justify = false;
    nb_lb_result r = run(&pa, &p);
    assert_float_equal(r.w[1], EM, TOL);
    assert_float_equal(r.w[2], EM / 2, TOL);
    assert_float_equal(r.x[2], r.x[1] + EM / 2, TOL);
    assert_float_equal(r.x[3], r.x[1] + EM + EM / 2, TOL);
    assert_float_equal(r.lines[0].width, 3.5f * EM, TOL);
    nb_lb_result_free(&r);
    free(pa.items);
}

static void test_half_width_quote_not_compressed(void **state)
{
    (void)state;
    para pa = {0};
    add(&pa, "中。”中");
    pa.items[2].width = 5.6f; /* a Western quote glyph: no blank to take */
    nb_lb_params p = params();
    p.justify = false;
    nb_lb_result r = run(&pa, &p);
    assert_float_equal(r.w[1], EM, TOL); /* only half an em of blank shows: no change */
    assert_float_equal(r.w[2], 5.6f, TOL);
    nb_lb_result_free(&r);
    free(pa.items);
}

/* ---- justification, last line, indent, gap ---------------------------------------- */

static void test_justify_and_last_line(void **state)
{
    (void)state;
    para pa = {0};
    add_han(&pa, 27);
    add(&pa, "A");
    add_han(&pa, 10);
    nb_lb_params p = params();
    nb_lb_result r = run(&pa, &p);
    check_tiling(&r, pa.n);
    assert_int_equal(r.nlines, 2);
    assert_int_equal(r.lines[0].end, 28); /* 27 em + 8 pt: 8 pt over 27 gaps */
    check_justified(&r, &pa, 0, MEASURE);
    float step = 8.0f / 27.0f;
    assert_float_equal(r.x[1] - r.x[0], EM + step, 1e-3);
    assert_float_equal(r.x[27] - r.x[26], EM + step, 1e-3);
    /* Last line: natural widths, not stretched. */
    for (size_t i = 28; i < pa.n; i++)
        assert_float_equal(r.x[i], (float)(i - 28) * EM, TOL);
    assert_float_equal(r.lines[1].width, 10 * EM, TOL);
    nb_lb_result_free(&r);

    p.justify = false;
    r = run(&pa, &p);
    assert_float_equal(right_edge(&r, &pa, 0), 27 * EM + 8, TOL);
    nb_lb_result_free(&r);
    free(pa.items);
}

static void test_first_indent(void **state)
{
    (void)state;
    para pa = {0};
    add_han(&pa, 40);
    nb_lb_params p = params();
    p.first_indent = 2 * EM;
    nb_lb_result r = run(&pa, &p);
    check_tiling(&r, pa.n);
    assert_int_equal(r.nlines, 2);
    assert_int_equal(r.lines[0].end, 26);
    assert_float_equal(r.x[0], 2 * EM, TOL);
    assert_float_equal(r.x[26], 0.0f, TOL); /* second line not indented */
    check_justified(&r, &pa, 0, MEASURE);
    nb_lb_result_free(&r);
    free(pa.items);
}

static void test_cjk_latin_gap(void **state)
{
    (void)state;
    para pa = {0};
    add(&pa, "中A中，B");
    nb_lb_params p = params();
    p.justify = false;
    p.cjk_latin_gap = 0.25f;
    nb_lb_result r = run(&pa, &p);
    assert_float_equal(r.x[1], EM + 4, TOL);
    assert_float_equal(r.x[2], EM + 4 + 8 + 4, TOL);
    assert_float_equal(r.x[4], r.x[3] + EM, TOL); /* no gap after punctuation */
    assert_float_equal(r.w[1], 8, TOL);           /* the gap is position only */
    nb_lb_result_free(&r);
    free(pa.items);
}

static void test_empty_paragraph(void **state)
{
    (void)state;
    nb_lb_params p = params();
    nb_lb_result r;
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(nb_linebreak(NULL, 0, &p, &r, &st), NB_OK);
    assert_int_equal(r.nlines, 1);
    assert_int_equal(r.lines[0].start, 0);
    assert_int_equal(r.lines[0].end, 0);
    assert_true(r.lines[0].last);
    nb_lb_result_free(&r);
    assert_null(r.lines);
}

static void test_bad_params(void **state)
{
    (void)state;
    nb_lb_item it = {0x4E00, EM};
    nb_lb_params p = params();
    p.measure = 0;
    nb_lb_result r;
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(nb_linebreak(&it, 1, &p, &r, &st), NB_ERR_LAYOUT);
    assert_non_null(strstr(st.msg, "measure"));
    p = params();
    it.width = -1;
    nb_status_clear(&st);
    assert_int_equal(nb_linebreak(&it, 1, &p, &r, &st), NB_ERR_LAYOUT);
    assert_non_null(strstr(st.msg, "item 0"));
}

/* ---- scale ------------------------------------------------------------------------- */

static void test_large_paragraph(void **state)
{
    (void)state;
    const size_t n = 300000;
    para pa = {0};
    pa.items = malloc(n * sizeof *pa.items);
    assert_non_null(pa.items);
    static const uint32_t punct[] = {0xFF0C, 0x3002, 0x3001, 0x201C, 0x201D, 0xFF08, 0xFF09};
    uint32_t seed = 12345;
    size_t i = 0;
    while (i < n) {
        seed = seed * 1103515245u + 12345u;
        uint32_t r = (seed >> 16) % 100;
        if (r < 70) {
            pa.items[i++] = (nb_lb_item){0x4E00 + r, EM};
        } else if (r < 85) {
            pa.items[i++] = (nb_lb_item){punct[r % 7], EM};
        } else if (r < 95) {
            for (size_t k = 0; k < 1 + r % 6 && i < n; k++)
                pa.items[i++] = (nb_lb_item){'0' + (uint32_t)k, EM / 2};
        } else {
            for (const char *u = "www.gov.cn/a-b"; *u && i < n; u++)
                pa.items[i++] = (nb_lb_item){(uint32_t)*u, EM / 2};
        }
    }
    pa.n = n;
    nb_lb_params p = params();
    p.first_indent = 2 * EM;
    nb_lb_result r = run(&pa, &p);
    check_tiling(&r, n);
    assert_true(r.nlines > n / 40);
    for (size_t l = 0; l < r.nlines; l++) {
        assert_true(r.lines[l].width <= p.measure + TOL);
        assert_true(right_edge(&r, &pa, l) <= p.measure + TOL);
        if (!r.lines[l].last) assert_true(right_edge(&r, &pa, l) >= p.measure - TOL);
        if (l > 0) assert_true(nb_lb_break_allowed(pa.items, n, r.lines[l].start));
    }
    nb_lb_result_free(&r);
    free(pa.items);
}

/* ---- the break table ------------------------------------------------------------- */

static bool allowed(const char *text, size_t i)
{
    para pa = {0};
    add(&pa, text);
    bool a = nb_lb_break_allowed(pa.items, pa.n, i);
    free(pa.items);
    return a;
}

static void test_break_allowed_table(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t i;
        bool ok;
    } t[] = {
        {"中文", 1, true},        {"中，", 1, false}, {"中。", 1, false}, {"中、", 1, false},
        {"中）", 1, false},       {"中”", 1, false},  {"中…", 1, false},  {"中·", 1, false},
        {"中,", 1, false},        {"中)", 1, false},  {"（中", 1, false}, {"“中", 1, false},
        {"《中", 1, false},       {"(中", 1, false},  {"中（", 1, true},  {"中“", 1, true},
        {"，中", 1, true},        {"。”", 1, false},  {"”中", 1, true},   {"——", 1, false},
        {"中—", 1, true},         {"……", 1, false},   {"12", 1, false},   {"63365元", 4, false},
        {"63365元", 5, true},     {"年2", 1, true},   {"ab", 1, false},   {"a b", 1, false},
        {"a b", 2, true},         {"a/b", 2, true},   {"a.b", 2, true},   {"a-b", 2, false},
        {"a?b", 2, true},         {"a&b", 2, false},  {"a=b", 2, false},  {"a//b", 2, false},
        {"a_b", 2, false},        {"a:b", 2, false},  {"a..b", 2, false}, {"中 文", 1, false},
        {"中\u00a0文", 2, false}, {"中文", 0, false}, {"中文", 2, false},
    };
    for (size_t k = 0; k < sizeof t / sizeof *t; k++)
        if (allowed(t[k].text, t[k].i) != t[k].ok)
            fail_msg("break before %zu in \"%s\": expected %s", t[k].i, t[k].text,
                     t[k].ok ? "allowed" : "forbidden");

    para pa = {0};
    add(&pa, "a/b中");
    assert_int_equal(nb_lb_break_class(pa.items, pa.n, 2), NB_LB_BREAK_SECONDARY);
    assert_int_equal(nb_lb_break_class(pa.items, pa.n, 3), NB_LB_BREAK_PRIMARY);
    free(pa.items);

    assert_true(nb_lb_is_fullwidth_punct(0x3002));
    assert_true(nb_lb_is_fullwidth_punct(0xFF08));
    assert_false(nb_lb_is_fullwidth_punct('.'));
    assert_false(nb_lb_is_fullwidth_punct(0x4E2D));
}

/* ---- least adjustment, bounded spread, lines set at given ends ---------------------- */

/* A line whose next character overflows by a hair: squeezing the punctuation it holds is
 * a smaller change than spreading the line by almost a whole em, so it is squeezed. */
static void test_squeeze_rather_than_stretch(void **state)
{
    (void)state;
    para pa = {0};
    add_han(&pa, 10);
    add(&pa, "，");
    add_han(&pa, 16);
    add(&pa, "1");   /* 27.5 em so far */
    add_han(&pa, 1); /* 28.5 em: over by half an em... */
    add_han(&pa, 5);
    nb_lb_params p = params();
    nb_lb_result r = run(&pa, &p);
    check_tiling(&r, pa.n);
    /* half an em is more than the quarter-em bound: not squeezed, spread instead */
    assert_int_equal(r.lines[0].end, 28);
    check_justified(&r, &pa, 0, MEASURE);
    nb_lb_result_free(&r);
    free(pa.items);

    /* Now over by 2 pt (an item 2 pt wider than the space left): squeezed in. */
    pa = (para){0};
    add_han(&pa, 10);
    add(&pa, "，");
    add_han(&pa, 16);
    add(&pa, "1");
    pa.items[pa.n - 1].width = EM / 2 + 2; /* 27.5 em + 2 pt */
    add_han(&pa, 1);
    pa.items[pa.n - 1].width = EM / 2; /* a half-width item: 28 em + 2 pt in all */
    add_han(&pa, 5);
    r = run(&pa, &p);
    check_tiling(&r, pa.n);
    assert_int_equal(r.lines[0].end, 29);
    check_justified(&r, &pa, 0, MEASURE);
    assert_float_equal(r.w[10], EM - 2, TOL); /* the comma gave the 2 pt */
    nb_lb_result_free(&r);
    free(pa.items);

    /* The same overflow with no punctuation on the line: spread, not squeezed. */
    pa = (para){0};
    add_han(&pa, 27);
    add(&pa, "1");
    pa.items[pa.n - 1].width = EM / 2 + 2;
    add_han(&pa, 1);
    pa.items[pa.n - 1].width = EM / 2;
    add_han(&pa, 5);
    r = run(&pa, &p);
    assert_int_equal(r.lines[0].end, 28);
    check_justified(&r, &pa, 0, MEASURE);
    nb_lb_result_free(&r);
    free(pa.items);
}

/* A short line before a long unbreakable run is not letter-spaced past half an em. */
static void test_spread_bounded(void **state)
{
    (void)state;
    para pa = {0};
    add_han(&pa, 3);
    for (int i = 0; i < 60; i++)
        add_cp(&pa, 'a' + (uint32_t)(i % 26)); /* 30 em, no breaks */
    nb_lb_params p = params();
    nb_lb_result r = run(&pa, &p);
    check_tiling(&r, pa.n);
    assert_int_equal(r.lines[0].end, 3);
    assert_float_equal(r.x[1] - r.x[0], EM + 0.5f * EM, TOL);
    assert_float_equal(r.x[2] - r.x[1], EM + 0.5f * EM, TOL);
    assert_true(r.lines[0].width < MEASURE);
    nb_lb_result_free(&r);
    free(pa.items);
}

/* Push in rather than out (clreq): a line of 27 em and a hair, then 知》 — the 知 overflows
 * by the hair and may not go down without its 》.  Pushing 知 out leaves 27 characters spread
 * over 28 cells; pushing 知》 in takes the 》's trailing blank and an em of the line's other
 * punctuation (）and 《), so the line holds 知》. */
static void test_push_in_rather_than_out(void **state)
{
    (void)state;
    para pa = {0};
    add(&pa, "）和《");
    add_han(&pa, 22);
    add(&pa, "2020");
    for (size_t i = pa.n - 4; i < pa.n; i++)
        pa.items[i].width = EM / 2 + 0.1f; /* 27 em + 0.4 pt so far */
    add(&pa, "知》（");
    add_han(&pa, 6);
    nb_lb_params p = params();
    nb_lb_result r = run(&pa, &p);
    check_tiling(&r, pa.n);
    assert_int_equal(r.lines[0].end, 31); /* ... 知》 | （ */
    check_justified(&r, &pa, 0, MEASURE);
    /* the ink of 》 ends at the measure: its trailing blank went first */
    assert_float_equal(r.x[30] + EM / 2, MEASURE, TOL);
    assert_true(r.w[30] <= EM / 2 + TOL);
    nb_lb_result_free(&r);

    /* With compression off the same line can only push out. */
    p.compress_punct = false;
    r = run(&pa, &p);
    assert_int_equal(r.lines[0].end, 29);
    nb_lb_result_free(&r);
    free(pa.items);

    /* No punctuation on the line to give the other half em: 知 is pushed out. */
    pa = (para){0};
    add_han(&pa, 27);
    pa.items[0].width = EM + 0.4f;
    add(&pa, "知》（");
    add_han(&pa, 6);
    p = params();
    r = run(&pa, &p);
    check_tiling(&r, pa.n);
    assert_int_equal(r.lines[0].end, 27);
    check_justified(&r, &pa, 0, MEASURE);
    nb_lb_result_free(&r);
    free(pa.items);
}

/* A squeezed line that starts with an opening mark: the mark keeps its left blank, so
 * nothing starts left of the line (the squeeze is taken from the other marks). */
static void test_squeeze_keeps_line_start(void **state)
{
    (void)state;
    para pa = {0};
    add_han(&pa, 27);
    add(&pa, "（");
    add_han(&pa, 10); /* line 1: 27 Han + （ may not end a line → 27 Han */
    add(&pa, "，");
    add_han(&pa, 16);
    add(&pa, "。"); /* one em too many, and the break before it is forbidden */
    add_han(&pa, 4);
    nb_lb_params p = params();
    nb_lb_result r = run(&pa, &p);
    check_tiling(&r, pa.n);
    assert_int_equal(r.lines[1].start, 27);
    assert_int_equal(r.lines[1].end, 56); /* （ … 。 squeezed into one line */
    assert_float_equal(r.x[27], 0.0f, TOL);
    assert_float_equal(r.w[27], EM, TOL); /* （ whole */
    assert_float_equal(r.w[38], EM / 2, TOL);
    assert_float_equal(r.w[55], EM / 2, TOL);
    check_justified(&r, &pa, 1, MEASURE);
    for (size_t i = r.lines[1].start; i < r.lines[1].end; i++)
        assert_true(r.x[i] >= -TOL);
    nb_lb_result_free(&r);
    free(pa.items);

    /* Only the opening mark's blank could give the half em: no squeeze, 。 and the character
     * before it go down. */
    pa = (para){0};
    add_han(&pa, 27);
    add(&pa, "（");
    add_han(&pa, 27);
    add(&pa, "。");
    add_han(&pa, 4);
    r = run(&pa, &p);
    check_tiling(&r, pa.n);
    assert_int_equal(r.lines[1].start, 27);
    assert_int_equal(r.lines[1].end, 54);
    assert_float_equal(r.x[27], 0.0f, TOL);
    for (size_t l = 0; l < r.nlines; l++)
        assert_true(r.x[r.lines[l].start] >= -TOL);
    nb_lb_result_free(&r);
    free(pa.items);
}

static void test_set_lines(void **state)
{
    (void)state;
    para pa = {0};
    add(&pa, "靖安县宝峰镇2020年度政府信息公开工作年度报告");
    nb_lb_params p = params();
    p.justify = false;
    size_t ends[] = {12, pa.n};
    nb_lb_result r;
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(nb_lb_set_lines(pa.items, pa.n, &p, ends, 2, &r, &st), NB_OK);
    check_tiling(&r, pa.n);
    assert_int_equal(r.nlines, 2);
    assert_int_equal(r.lines[0].end, 12);
    assert_float_equal(r.lines[0].width, 10 * EM, TOL); /* 6 Han + 4 digits + 年度 */
    assert_float_equal(r.x[12], 0.0f, TOL);
    nb_lb_result_free(&r);
    /* Inside the digit run: refused. */
    size_t bad[] = {8, pa.n};
    assert_int_equal(nb_lb_set_lines(pa.items, pa.n, &p, bad, 2, &r, &st), NB_ERR_INTERNAL);
    size_t short_[] = {12};
    assert_int_equal(nb_lb_set_lines(pa.items, pa.n, &p, short_, 1, &r, &st), NB_ERR_INTERNAL);
    free(pa.items);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_start_marks),
        cmocka_unit_test(test_no_start_second_half_of_pairs),
        cmocka_unit_test(test_no_end_marks),
        cmocka_unit_test(test_squeeze_pulls_mark_in),
        cmocka_unit_test(test_compress_off),
        cmocka_unit_test(test_hang_punct),
        cmocka_unit_test(test_digit_run_whole),
        cmocka_unit_test(test_url_breaks_at_its_points_when_line_would_be_loose),
        cmocka_unit_test(test_url_pushed_whole_when_line_stays_tight),
        cmocka_unit_test(test_url_longer_than_line),
        cmocka_unit_test(test_latin_breaks_at_spaces),
        cmocka_unit_test(test_pair_compression),
        cmocka_unit_test(test_half_width_quote_not_compressed),
        cmocka_unit_test(test_justify_and_last_line),
        cmocka_unit_test(test_first_indent),
        cmocka_unit_test(test_cjk_latin_gap),
        cmocka_unit_test(test_empty_paragraph),
        cmocka_unit_test(test_bad_params),
        cmocka_unit_test(test_large_paragraph),
        cmocka_unit_test(test_break_allowed_table),
        cmocka_unit_test(test_squeeze_rather_than_stretch),
        cmocka_unit_test(test_spread_bounded),
        cmocka_unit_test(test_set_lines),
        cmocka_unit_test(test_push_in_rather_than_out),
        cmocka_unit_test(test_squeeze_keeps_line_start),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
