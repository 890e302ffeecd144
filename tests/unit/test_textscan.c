/* test_textscan.c — what the checker reads in sentences (textscan.h): the figures the common
 * forms state (收到…申请12件, 新收申请12件, 全年办结12件, 答复12件, 行政复议案件2件, 行政诉讼1件,
 * 主动公开规章3件、规范性文件5件, full-width digits) and the look-alikes that must state nothing
 * (a part, a comparison, another year, another matter, an approximation); years and the
 * statistics period; list markers (一是…) and sub-heading numbers; white space; excerpts cut on
 * character boundaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "textscan.h"

typedef struct fig_case {
    const char *text;
    size_t n;            /* figures stated */
    nb_fig_kind kind[2]; /* of the first two */
    long long value[2];
} fig_case;

static void test_figures(void **state)
{
    (void)state;
    static const fig_case cases[] = {
        /* the forms */
        {"全年共收到政府信息公开申请12件。", 1, {NB_FIG_NEW}, {12}},
        {"本年新收申请12件。", 1, {NB_FIG_NEW}, {12}},
        {"本年度新收 12 件政府信息公开申请。", 1, {NB_FIG_NEW}, {12}},
        {"全年办结12件。", 1, {NB_FIG_RESULTS}, {12}},
        {"已答复12件。", 1, {NB_FIG_RESULTS}, {12}},
        {"发生行政复议案件2件。", 1, {NB_FIG_RECONSIDERATION}, {2}},
        {"行政诉讼1件。", 1, {NB_FIG_LITIGATION}, {1}},
        {"全年主动公开规章3件、规范性文件5件。", 2, {NB_FIG_RULES, NB_FIG_NORMATIVE}, {3, 5}},
        {"主动公开行政规范性文件共5件。", 1, {NB_FIG_NORMATIVE}, {5}},
        {"收到政府信息公开申请１２件，上年结转3件。",
         2,
         {NB_FIG_NEW, NB_FIG_CARRIED_OVER},
         {12, 3}},
        {"受理政府信息公开申请15件。", 1, {NB_FIG_ACCEPTED}, {15}},
        {"收到申请12件办结11件。", 1, {NB_FIG_RESULTS}, {11}}, /* 收到申请: not 公开申请 */
        {"收到政府信息公开申请12件办结11件。", 2, {NB_FIG_NEW, NB_FIG_RESULTS}, {12, 11}},
        {"2021年共收到政府信息公开申请12件。", 1, {NB_FIG_NEW}, {12}},
        /* look-alikes: nothing */
        {"其中自然人申请12件。", 0, {0}, {0}},
        {"其中通过网络收到政府信息公开申请12件。", 0, {0}, {0}},
        {"较上年收到政府信息公开申请增加12件。", 0, {0}, {0}},
        {"2020年共收到政府信息公开申请12件。", 0, {0}, {0}},
        {"受理行政许可申请1386件。", 0, {0}, {0}},
        {"收到行政复议申请2件。", 0, {0}, {0}},
        {"行政复议和行政诉讼案件3件。", 0, {0}, {0}},
        {"行政复议、行政诉讼各1件。", 0, {0}, {0}},
        {"按时答复12件。", 0, {0}, {0}},
        {"办结行政许可事项12件。", 0, {0}, {0}},
        {"复议后起诉的行政诉讼1件。", 0, {0}, {0}},
        {"行政复议结果维持2件。", 0, {0}, {0}},
        {"现行有效规范性文件25件。", 0, {0}, {0}},
        {"清理规章3件。", 0, {0}, {0}},
        {"规范性文件5件。", 0, {0}, {0}}, /* no 主动公开 in the sentence */
        {"主动公开政府信息120条。规范性文件5件。", 0, {0}, {0}},
        {"共收到政府信息公开申请约12件。", 0, {0}, {0}},
        {"共收到政府信息公开申请12余件。", 0, {0}, {0}},
        {"共收到政府信息公开申请3.5件。", 0, {0}, {0}},
        {"共收到政府信息公开申请1,234件。", 0, {0}, {0}},
        {"抽查结果公开12件次，收到政府信息公开申请第3件。", 0, {0}, {0}},
        {"收到依申请公开申请12件次。", 0, {0}, {0}},
        {"收到市民提交的政府信息公开申请12件。", 0, {0}, {0}},
        {"收到政府信息公开申请和上年结转申请共17件。", 0, {0}, {0}},
        {"区政府本级收到政府信息公开申请50件。", 0, {0}, {0}},
        {"全市自然资源系统共收到政府信息公开申请50件。", 0, {0}, {0}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        nb_figure f[4];
        size_t n = nb_text_figures(cases[i].text, 2021, f, 4);
        if (n != cases[i].n)
            fail_msg("\"%s\": %zu figures, expected %zu", cases[i].text, n, cases[i].n);
        for (size_t k = 0; k < n && k < 2; k++) {
            if (f[k].kind != cases[i].kind[k] || f[k].value != cases[i].value[k])
                fail_msg("\"%s\": figure %zu is kind %d value %lld", cases[i].text, k,
                         (int)f[k].kind, f[k].value);
            /* the figure's bytes end with 件 and lie in its sentence */
            assert_true(f[k].sent_start <= f[k].fig_start && f[k].fig_end <= f[k].sent_end);
            assert_memory_equal(cases[i].text + f[k].fig_end - strlen("件"), "件", strlen("件"));
        }
    }
    /* 收到 N件（含上年结转 M件）: the figure says the carried-over ones follow */
    nb_figure f[4];
    assert_int_equal(nb_text_figures("收到政府信息公开申请17件（含上年结转5件）。", 2021, f, 4), 2);
    assert_true(f[0].carry_after);
    assert_true(f[1].kind == NB_FIG_CARRIED_OVER && f[1].value == 5);
    /* more figures than room: all counted, `max` written */
    const char *many =
        "收到政府信息公开申请1件。收到政府信息公开申请2件。收到政府信息公开申请3件。";
    assert_int_equal(nb_text_figures(many, 2021, f, 2), 3);
    assert_true(f[1].value == 2);
}

static void test_years_and_period(void **state)
{
    (void)state;
    const char *s =
        "依据2019年的通知，本报告统计期限自２０２１年1月1日起至2021年12月31日止。另见12345年。";
    nb_text_year y[4];
    size_t n = nb_text_years(s, 0, strlen(s), y, 4);
    assert_int_equal(n, 3);
    assert_int_equal(y[0].year, 2019);
    assert_int_equal(y[1].year, 2021);
    assert_int_equal(y[2].year, 2021);
    size_t a, b;
    assert_true(nb_text_period_sentence(s, &a, &b));
    assert_memory_equal(s + a, "依据2019年", strlen("依据2019年")); /* one sentence */
    assert_memory_equal(s + b, "。另见", strlen("。另见"));
    assert_false(nb_text_period_sentence("本报告电子版可在网站下载。", &a, &b));
    nb_text_sentence("一句。二句！三句", strlen("一句。二"), &a, &b);
    assert_int_equal(a, strlen("一句。"));
    assert_int_equal(b, strlen("一句。二句"));
}

static void test_markers_and_headings(void **state)
{
    (void)state;
    nb_text_marker m[8];
    const char *s = "问题：一是甲；二是乙，统一是丙。十一是丁 第一是戊 （三是己";
    size_t n = nb_text_list_markers(s, m, 8);
    assert_int_equal(n, 4);
    int want[] = {1, 2, 11, 3};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(m[i].n, want[i]);
    size_t len;
    assert_int_equal(nb_text_cn_numeral("二十三", &len), 23);
    assert_int_equal(len, strlen("二十三"));
    assert_int_equal(nb_text_cn_numeral("十", &len), 10);
    assert_int_equal(nb_text_cn_numeral("是", &len), 0);

    int k;
    bool half;
    assert_true(nb_text_heading_number("（三）政府信息管理", &k, &half, &len));
    assert_true(k == 3 && !half && len == strlen("（三）"));
    assert_true(nb_text_heading_number("(三)政府信息管理", &k, &half, &len));
    assert_true(k == 3 && half && len == strlen("(三)"));
    assert_true(nb_text_heading_number("（十二)其他", &k, &half, &len));
    assert_true(k == 12 && half);
    assert_true(nb_text_heading_number("(1)事项", &k, &half, &len));
    assert_true(k == 0 && half);
    assert_true(nb_text_heading_number("　（１）事项", &k, &half, &len));
    assert_true(k == 0 && !half);
    assert_false(nb_text_heading_number("三、政府信息管理", &k, &half, &len));
    assert_false(nb_text_heading_number("（含图解）", &k, &half, &len));
}

static void test_whitespace(void **state)
{
    (void)state;
    size_t at;
    assert_int_equal(nb_text_whitespace("正常的段落，新收 12 件。", &at), 0);
    assert_int_equal(nb_text_whitespace("甲\n乙", &at), NB_WS_NEWLINE);
    assert_int_equal(at, strlen("甲"));
    assert_int_equal(nb_text_whitespace("甲\r\n乙\t丙", &at), NB_WS_NEWLINE | NB_WS_TAB);
    assert_int_equal(nb_text_whitespace("甲\x1b乙", &at), NB_WS_CONTROL);
    assert_int_equal(nb_text_whitespace(" 甲", &at), NB_WS_LEADING);
    assert_int_equal(at, 0);
    assert_int_equal(nb_text_whitespace("甲乙　", &at), NB_WS_TRAILING);
    assert_int_equal(at, strlen("甲乙"));
    assert_int_equal(nb_text_whitespace("　　甲乙", &at), NB_WS_INDENT);
    assert_int_equal(nb_text_whitespace("甲\u2028乙 ", &at), NB_WS_NEWLINE | NB_WS_TRAILING);
}

static void test_excerpt(void **state)
{
    (void)state;
    char buf[200];
    const char *s = "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸";
    size_t n = strlen(s), a = strlen("一二三四五六七八九十"), b = a + strlen("甲");
    nb_text_excerpt(buf, sizeof buf, s, 0, n, a, b, 40);
    assert_string_equal(buf, s); /* short enough: whole */
    nb_text_excerpt(buf, sizeof buf, s, 0, n, a, b, 8);
    assert_string_equal(buf, "…六七八九十甲乙丙…"); /* 8 characters, more of them before */
    nb_text_excerpt(buf, sizeof buf, s, 0, n, 0, strlen("一"), 4);
    assert_string_equal(buf, "一二三四…");
    nb_text_excerpt(buf, sizeof buf, "甲\n乙\t丙", 0, strlen("甲\n乙\t丙"), 0, strlen("甲"), 10);
    assert_string_equal(buf, "甲⏎乙⇥丙");
    /* a small buffer still ends on a character boundary */
    char small[16];
    nb_text_excerpt(small, sizeof small, s, 0, n, 0, n, 40);
    assert_true(strlen(small) < sizeof small);
    assert_int_equal(strlen(small) % 3, 0);
    assert_int_equal(nb_text_chars(s, 0, n), 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_figures),
        cmocka_unit_test(test_years_and_period),
        cmocka_unit_test(test_markers_and_headings),
        cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_excerpt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
