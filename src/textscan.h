/* textscan.h — what a report's sentences say: the figures they state, the years they name,
 * and how their lists and sub-headings are numbered.
 *
 * The checker compares these with the tables and with `year`; this module only reads UTF-8
 * text (no cJSON, no allocation) and answers with byte offsets into it.  Figures are found
 * conservatively: a false alarm on a correct report is worse than a missed mistake, so a
 * figure is reported only when its clause has exactly one of the patterns below, the words
 * between the pattern and the number are plain fillers (共, 计, 为, 政府信息公开申请, 案件 …),
 * and the clause has none of the words that make it a part, a comparison or another year
 * (其中, 自然人, 同比, 较上年, 按时, 维持 …).  Digits may be ASCII or full-width (０-９).
 * Sentences end at 。！？；!?; or a line break; clauses also at ，、：（）,:().
 */
#ifndef NB_TEXTSCAN_H
#define NB_TEXTSCAN_H

#include <stdbool.h>
#include <stddef.h>

typedef enum nb_fig_kind {
    NB_FIG_NEW, /* 收到…政府信息公开申请12件, 新收申请12件: 一、本年新收 总计 */
    NB_FIG_ACCEPTED, /* 受理…政府信息公开申请12件: 新收 (or 新收 + 上年结转) 总计 */
    NB_FIG_CARRIED_OVER, /* 上年结转5件: 二、上年结转 总计 */
    NB_FIG_RESULTS,      /* 办结12件, 答复12件: 三、本年度办理结果（七）总计 */
    NB_FIG_RECONSIDERATION, /* 行政复议案件2件: table C 行政复议 总计 */
    NB_FIG_LITIGATION,      /* 行政诉讼1件: table C 行政诉讼 总计 (both groups) */
    NB_FIG_RULES,           /* 主动公开规章3件: table A 规章 */
    NB_FIG_NORMATIVE, /* 主动公开…规范性文件5件: table A (行政)规范性文件 */
} nb_fig_kind;

typedef struct nb_figure {
    nb_fig_kind kind;
    long long value;
    bool carry_after;            /* the sentence goes on to mention 结转 (含上年结转…) */
    size_t sent_start, sent_end; /* the sentence (without its closing mark) */
    size_t fig_start, fig_end;   /* the figure and its 件: "204件" */
} nb_figure;

/* The figures stated in `s` (NUL-terminated).  A clause naming a year other than `year`
 * (2020年 in a 2021 report) states none.  Writes at most `max` to `out` and returns how many
 * there are. */
size_t nb_text_figures(const char *s, int year, nb_figure *out, size_t max);

/* A year named in text: four digits (ASCII or full-width) followed by 年, 1900–2099. */
typedef struct nb_text_year {
    int year;
    size_t start, end; /* the digits */
} nb_text_year;

/* The years named in s[from, to); writes at most `max`, returns how many there are. */
size_t nb_text_years(const char *s, size_t from, size_t to, nb_text_year *out, size_t max);

/* The sentence of `s` around byte `off`: [*start, *end), without its closing mark. */
void nb_text_sentence(const char *s, size_t off, size_t *start, size_t *end);

/* The first sentence naming the statistics period (统计期限, 统计期间, 统计时限, 统计时间,
 * 统计区间, 统计周期): true and its bounds, or false. */
bool nb_text_period_sentence(const char *s, size_t *start, size_t *end);

/* A list marker in a paragraph: 一是, 二是 … (a Chinese numeral 1–20 and 是, at the start or
 * after punctuation, so 统一是 and 唯一是 are not markers). */
typedef struct nb_text_marker {
    int n;
    size_t start, end;
} nb_text_marker;

size_t nb_text_list_markers(const char *s, nb_text_marker *out, size_t max);

/* The numbering a sub-heading starts with: （三） gives 3, (三) gives 3 with *halfwidth, (3) or
 * （3） give 0 (Arabic: no sequence checked) with *halfwidth as written.  *len is the bytes of
 * the numbering.  False when `s` does not start with a parenthesised number. */
bool nb_text_heading_number(const char *s, int *n, bool *halfwidth, size_t *len);

/* A Chinese numeral 一 … 九十九 at `s`: its value and byte length, or 0. */
int nb_text_cn_numeral(const char *s, size_t *len);

/* White space and control characters a paragraph should not contain. */
enum {
    NB_WS_NEWLINE = 1,   /* a line break (\n, \r, U+2028, U+2029) */
    NB_WS_TAB = 2,       /* a tab */
    NB_WS_CONTROL = 4,   /* another control character */
    NB_WS_LEADING = 8,   /* leading half-width space */
    NB_WS_TRAILING = 16, /* trailing space (half- or full-width) */
    NB_WS_INDENT = 32,   /* leading full-width spaces (U+3000): indentation by hand */
};
/* The NB_WS_ flags `s` has; *first is the byte offset of the first such character. */
unsigned nb_text_whitespace(const char *s, size_t *first);

/* Writes s[a, b) for a message, widened to about `maxch` characters of s[lo, hi) around it:
 * cut on character boundaries, "…" where cut, control characters and line breaks shown as
 * "⏎" or "?".  `size` must be at least 16. */
void nb_text_excerpt(char *buf, size_t size, const char *s, size_t lo, size_t hi, size_t a,
                     size_t b, size_t maxch);

/* Characters (UTF-8 sequences) in s[a, b). */
size_t nb_text_chars(const char *s, size_t a, size_t b);

#endif
