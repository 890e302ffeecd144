/* textscan.c — figures, years and numbering in a report's sentences (see textscan.h).
 *
 * nb_text_figures makes one pass over the text, keeping where the current sentence and
 * clause began.  At each run of digits followed by 件 it looks back over the clause only:
 * the last pattern word in it (收到, 上年结转, 办结, 行政复议, 规章 …) decides the kind, the
 * bytes between that word and the number must be fillers of that kind, and a clause with
 * pattern words of two kinds, an exclusion word or another year states nothing.  A figure's
 * clause ends at the figure, so 收到申请12件办结11件 gives two figures, each with its own
 * words.  The whole pass is linear in the text (each clause is looked at once); the end of
 * a sentence is found once per sentence.
 */
#include "textscan.h"

#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------------------ characters */

static bool at(const char *s, size_t i, const char *w)
{
    /* the first byte alone rules out almost every position: the scans call this for each
     * character of every paragraph, with a dozen words */
    return s[i] == w[0] && strncmp(s + i, w, strlen(w)) == 0;
}

static size_t char_len(const char *s, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    for (size_t k = 1; k < n; k++)
        if (((unsigned char)s[i + k] & 0xC0) != 0x80) return k; /* stops at NUL too */
    return n;
}

/* 0-9 at s[i] (ASCII, or full-width ０-９): its value and length, or -1. */
static int digit_at(const char *s, size_t i, size_t *len)
{
    unsigned char c = (unsigned char)s[i];
    if (c >= '0' && c <= '9') {
        *len = 1;
        return c - '0';
    }
    if (c == 0xEF && (unsigned char)s[i + 1] == 0xBC && (unsigned char)s[i + 2] >= 0x90 &&
        (unsigned char)s[i + 2] <= 0x99) {
        *len = 3;
        return (unsigned char)s[i + 2] - 0x90;
    }
    return -1;
}

static const char *const SENTENCE_ENDS[] = {"。", "！", "？", "；",     "!",      "?",
                                            ";",  "\n", "\r", "\u2028", "\u2029", NULL};
static const char *const CLAUSE_ENDS[] = {"，", "、", "：", "（", "）", ",", ":", "(", ")", NULL};

static size_t match_any(const char *s, size_t i, const char *const *words)
{
    for (size_t k = 0; words[k] != NULL; k++)
        if (at(s, i, words[k])) return strlen(words[k]);
    return 0;
}

/* Whether `w` occurs in s[a, b). */
static bool has(const char *s, size_t a, size_t b, const char *w)
{
    size_t n = strlen(w);
    for (size_t i = a; i + n <= b; i++)
        if (memcmp(s + i, w, n) == 0) return true;
    return false;
}

static bool has_any(const char *s, size_t a, size_t b, const char *const *words)
{
    for (size_t k = 0; words[k] != NULL; k++)
        if (has(s, a, b, words[k])) return true;
    return false;
}

size_t nb_text_chars(const char *s, size_t a, size_t b)
{
    size_t n = 0;
    for (size_t i = a; i < b; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

void nb_text_sentence(const char *s, size_t off, size_t *start, size_t *end)
{
    size_t n = strlen(s), st = 0;
    for (size_t i = 0; i < off && i < n;) {
        size_t k = match_any(s, i, SENTENCE_ENDS);
        if (k && i + k <= off) {
            i += k;
            st = i;
        } else
            i += char_len(s, i);
    }
    size_t i = off < n ? off : n;
    while (i < n && !match_any(s, i, SENTENCE_ENDS))
        i += char_len(s, i);
    *start = st;
    *end = i;
}

/* ------------------------------------------------------------------ figures */

typedef struct trigger {
    const char *word;
    nb_fig_kind kind;
} trigger;

static const trigger TRIGGERS[] = {
    {"收到", NB_FIG_NEW},
    {"新收", NB_FIG_NEW},
    {"受理", NB_FIG_ACCEPTED},
    {"上年结转", NB_FIG_CARRIED_OVER},
    {"上年度结转", NB_FIG_CARRIED_OVER},
    {"办结", NB_FIG_RESULTS},
    {"答复", NB_FIG_RESULTS},
    {"行政复议", NB_FIG_RECONSIDERATION},
    {"行政诉讼", NB_FIG_LITIGATION},
    {"规章", NB_FIG_RULES},
    {"规范性文件", NB_FIG_NORMATIVE},
};

/* 受理 and 收到 speak of the same applications: one family. */
static int family(nb_fig_kind k)
{
    return k == NB_FIG_ACCEPTED ? NB_FIG_NEW : (int)k;
}

/* Words allowed between the pattern and the number, longest first where one begins another. */
static const char *const FILL_COMMON[] = {"共计", "合计", "总计", "共", "计",
                                          "为",   "了",   "达",   "有", NULL};
static const char *const FILL_APPS[] = {"政府信息公开申请",
                                        "信息公开申请",
                                        "依申请公开申请",
                                        "公开申请",
                                        "申请",
                                        "数量",
                                        "各类",
                                        "全部",
                                        NULL};
static const char *const FILL_RECON[] = {"案件", "申请", NULL};
static const char *const FILL_LITIG[] = {"案件", NULL};
static const char *const FILL_NONE[] = {NULL};

/* Words that make a clause a part, a comparison or something else. */
static const char *const EXCL_COMMON[] = {
    "其中", "同比", "较上年", "比上年", "去年", "上一年", "前年", "增长", "下降", "减少", "增加",
    "平均", "日均", "月均", "占", "约", "近", "超过", "逾", "累计", "自然人", "法人", "企业",
    "个人", "当面", "网络", "信函", "邮寄", "传真", "电子邮件",
    /* a part of the body, or of the bodies a report sums up */
    "本级", "各部门", "各单位", "各乡镇", "各街道", "所属", "下属", "系统", NULL};
static const char *const EXCL_APPS[] = {"复议", "诉讼", "投诉", "举报", "信访", "建议",
                                        "提案", "咨询", "留言", "来信", "来电", "许可",
                                        "结转", "上年", "含",   "包括", "涉及", NULL};
static const char *const EXCL_CARRIED[] = {"下年", "下一年", "复议", "诉讼", NULL};
static const char *const EXCL_RESULTS[] = {
    "按时", "按期", "逾期", "延期", "超期", "予以", "不予", "部分", "无法", "正在",
    "尚未", "未",   "复议", "诉讼", "投诉", "举报", "信访", "建议", "提案", "咨询",
    "留言", "来信", "来电", "许可", "结转", "上年", "率",   "含",   "包括", NULL};
static const char *const EXCL_RECON[] = {"维持", "纠正", "审结", "撤销", "驳回",
                                         "确认", "终止", "其他", "诉讼", "起诉",
                                         "上年", "尚未", "未",   "结果", NULL};
static const char *const EXCL_LITIG[] = {"维持", "纠正", "审结", "撤销", "驳回", "确认",
                                         "终止", "判决", "裁定", "复议", "起诉", "上年",
                                         "尚未", "未",   "结果", "其他", NULL};
static const char *const EXCL_DOCS[] = {"废止", "有效", "清理", "备案", "审查", "审核",
                                        "解读", "起草", "征求", "修订", "修改", "宣传",
                                        "上年", "现行", "失效", "评估", "政策", NULL};

static const char *const *fillers(nb_fig_kind k)
{
    switch (k) {
    case NB_FIG_NEW:
    case NB_FIG_ACCEPTED:
    case NB_FIG_CARRIED_OVER:
    case NB_FIG_RESULTS:
        return FILL_APPS;
    case NB_FIG_RECONSIDERATION:
        return FILL_RECON;
    case NB_FIG_LITIGATION:
        return FILL_LITIG;
    default:
        return FILL_NONE;
    }
}

static const char *const *exclusions(nb_fig_kind k)
{
    switch (k) {
    case NB_FIG_NEW:
    case NB_FIG_ACCEPTED:
        return EXCL_APPS;
    case NB_FIG_CARRIED_OVER:
        return EXCL_CARRIED;
    case NB_FIG_RESULTS:
        return EXCL_RESULTS;
    case NB_FIG_RECONSIDERATION:
        return EXCL_RECON;
    case NB_FIG_LITIGATION:
        return EXCL_LITIG;
    default:
        return EXCL_DOCS;
    }
}

static size_t space_len(const char *s, size_t i)
{
    if (s[i] == ' ') return 1;
    if (at(s, i, "\u3000")) return 3;
    return 0;
}

/* Whether s[a, b) is made of fillers of `k` and spaces; *public_apps when a word with
 * 公开申请 was among them. */
static bool only_fillers(const char *s, size_t a, size_t b, nb_fig_kind k, bool *public_apps)
{
    const char *const *own = fillers(k);
    *public_apps = false;
    while (a < b) {
        size_t n = space_len(s, a);
        if (n == 0) {
            for (size_t j = 0; own[j] != NULL && n == 0; j++)
                if (at(s, a, own[j]) && a + strlen(own[j]) <= b) {
                    n = strlen(own[j]);
                    if (strstr(own[j], "公开申请") != NULL) *public_apps = true;
                }
            for (size_t j = 0; FILL_COMMON[j] != NULL && n == 0; j++)
                if (at(s, a, FILL_COMMON[j]) && a + strlen(FILL_COMMON[j]) <= b)
                    n = strlen(FILL_COMMON[j]);
        }
        if (n == 0) return false;
        a += n;
    }
    return true;
}

/* A year other than `year` named in s[a, b). */
static bool other_year(const char *s, size_t a, size_t b, int year)
{
    nb_text_year ys[8];
    size_t n = nb_text_years(s, a, b, ys, 8);
    for (size_t i = 0; i < n && i < 8; i++)
        if (ys[i].year != year) return true;
    return n > 8;
}

typedef struct scan {
    const char *s;
    size_t n;
    int year;
    size_t sent, clause;
    size_t sent_end;   /* SIZE_MAX until needed */
    size_t last_carry; /* where the sentence's last 结转 ends (0: none), with sent_end */
    bool active_seen;  /* 主动公开 earlier in this sentence */
} scan;

/* The figure s[ns, ne) (digits) whose 件 ends at fe, in its clause: true and *f filled when
 * the clause states one of the figures. */
static bool figure(scan *c, size_t ns, size_t fe, long long value, nb_figure *f)
{
    const char *s = c->s;
    size_t cs = c->clause;
    /* the last pattern word of the clause, and whether words of two kinds are in it */
    const trigger *last = NULL;
    size_t last_end = 0, last_start = 0;
    int fam = -1;
    for (size_t t = 0; t < sizeof TRIGGERS / sizeof *TRIGGERS; t++) {
        size_t w = strlen(TRIGGERS[t].word);
        for (size_t i = cs; i + w <= ns; i++) {
            if (memcmp(s + i, TRIGGERS[t].word, w) != 0) continue;
            if (fam >= 0 && fam != family(TRIGGERS[t].kind)) return false;
            fam = family(TRIGGERS[t].kind);
            if (i + w > last_end) {
                last = &TRIGGERS[t];
                last_start = i;
                last_end = i + w;
            }
        }
    }
    if (last == NULL) return false;
    nb_fig_kind k = last->kind;
    bool public_apps;
    if (!only_fillers(s, last_end, ns, k, &public_apps)) return false;
    if (has_any(s, cs, ns, EXCL_COMMON) || has_any(s, cs, ns, exclusions(k))) return false;
    if (other_year(s, cs, ns, c->year)) return false;
    if (c->sent_end == SIZE_MAX) { /* once per sentence: its end and its last 结转 */
        size_t i = ns;
        c->last_carry = 0;
        while (i < c->n && !match_any(s, i, SENTENCE_ENDS)) {
            if (at(s, i, "结转")) c->last_carry = i + strlen("结转");
            i += char_len(s, i);
        }
        c->sent_end = i;
    }
    switch (k) {
    case NB_FIG_NEW:
        /* 收到 needs the applications named as 公开申请; 新收 is the template's own word */
        if (strncmp(s + last_start, "收到", strlen("收到")) == 0
                ? !public_apps
                : !has(s, c->sent, c->sent_end, "申请"))
            return false;
        break;
    case NB_FIG_ACCEPTED:
        if (!public_apps) return false;
        break;
    case NB_FIG_RULES:
    case NB_FIG_NORMATIVE:
        if (!c->active_seen) return false;
        break;
    default:
        break;
    }
    f->kind = k;
    f->value = value;
    f->carry_after = c->last_carry >= fe + strlen("结转");
    f->sent_start = c->sent;
    f->sent_end = c->sent_end;
    f->fig_start = ns;
    f->fig_end = fe;
    return true;
}

size_t nb_text_figures(const char *s, int year, nb_figure *out, size_t max)
{
    scan c = {s, strlen(s), year, 0, 0, SIZE_MAX, 0, false};
    size_t count = 0;
    for (size_t i = 0; i < c.n;) {
        size_t k = match_any(s, i, SENTENCE_ENDS);
        if (k) {
            i += k;
            c.sent = c.clause = i;
            c.sent_end = SIZE_MAX;
            c.active_seen = false;
            continue;
        }
        if ((k = match_any(s, i, CLAUSE_ENDS)) != 0) {
            c.clause = i += k;
            continue;
        }
        if (at(s, i, "主动公开")) c.active_seen = true;
        size_t dl;
        if (digit_at(s, i, &dl) < 0) {
            i += char_len(s, i);
            continue;
        }
        /* a run of digits: a figure when followed by 件 (not 件次), and not part of a
         * longer token (3.5, 1,234, A12, 第3件) */
        size_t ns = i, ne = i, nd = 0;
        long long v = 0;
        int d;
        while ((d = digit_at(s, ne, &dl)) >= 0) {
            if (nd < 18) v = v * 10 + d;
            nd++;
            ne += dl;
        }
        i = ne;
        unsigned char before = ns > 0 ? (unsigned char)s[ns - 1] : ' ';
        bool glued =
            (before == '.' || before == ',' || before == '_' || before == '/' || before == '-' ||
             (before >= 'A' && before <= 'Z') || (before >= 'a' && before <= 'z')) ||
            (ns >= 3 && at(s, ns - 3, "第"));
        size_t j = ne, sp;
        while ((sp = space_len(s, j)) != 0)
            j += sp;
        if (glued || nd > 15 || !at(s, j, "件") || at(s, j + strlen("件"), "次")) continue;
        size_t fe = j + strlen("件");
        nb_figure f;
        if (figure(&c, ns, fe, v, &f)) {
            if (count < max) out[count] = f;
            count++;
        }
        c.clause = i = fe; /* the next figure's clause starts here */
    }
    return count;
}

/* ------------------------------------------------------------------ years and sentences */

size_t nb_text_years(const char *s, size_t from, size_t to, nb_text_year *out, size_t max)
{
    size_t count = 0, dl;
    for (size_t i = from; i < to;) {
        if (digit_at(s, i, &dl) < 0) {
            i += char_len(s, i);
            continue;
        }
        bool glued = i > 0 && (((unsigned char)s[i - 1] >= '0' && (unsigned char)s[i - 1] <= '9') ||
                               s[i - 1] == '.');
        size_t j = i, nd = 0;
        int v = 0, d;
        while (j < to && (d = digit_at(s, j, &dl)) >= 0) {
            if (nd < 9) v = v * 10 + d;
            nd++;
            j += dl;
        }
        if (!glued && nd == 4 && v >= 1900 && v <= 2099 && j + strlen("年") <= to &&
            at(s, j, "年")) {
            if (count < max) out[count] = (nb_text_year){v, i, j};
            count++;
        }
        i = j;
    }
    return count;
}

bool nb_text_period_sentence(const char *s, size_t *start, size_t *end)
{
    static const char *const words[] = {"统计期限", "统计期间", "统计时限", "统计时间",
                                        "统计区间", "统计周期", NULL};
    for (size_t i = 0; s[i] != '\0'; i += char_len(s, i))
        if (match_any(s, i, words)) {
            nb_text_sentence(s, i, start, end);
            return true;
        }
    return false;
}

/* ------------------------------------------------------------------ numbering */

int nb_text_cn_numeral(const char *s, size_t *len)
{
    static const char *const units[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九"};
    size_t i = 0;
    int v = 0, first = 0, second = 0;
    for (int k = 0; k < 9; k++)
        if (at(s, i, units[k])) first = k + 1;
    if (first) i += 3;
    if (at(s, i, "十")) {
        i += 3;
        v = (first ? first : 1) * 10;
        for (int k = 0; k < 9; k++)
            if (at(s, i, units[k])) second = k + 1;
        if (second) i += 3;
        v += second;
    } else
        v = first;
    *len = v ? i : 0;
    return v;
}

size_t nb_text_list_markers(const char *s, nb_text_marker *out, size_t max)
{
    static const char *const before[] = {"，",     "；", "：", "。", "！", "？", "、", "（", "”",
                                         "\u3000", ",",  ";",  ":",  "(",  " ",  "\n", NULL};
    size_t count = 0, prev = SIZE_MAX; /* start of the previous character */
    for (size_t i = 0; s[i] != '\0';) {
        size_t len;
        int n = nb_text_cn_numeral(s + i, &len);
        if (n > 0 && n <= 20 && at(s, i + len, "是") &&
            (prev == SIZE_MAX || match_any(s, prev, before) == i - prev)) {
            if (count < max) out[count] = (nb_text_marker){n, i, i + len + strlen("是")};
            count++;
            prev = i + len;
            i += len + strlen("是");
            continue;
        }
        prev = i;
        i += char_len(s, i);
    }
    return count;
}

bool nb_text_heading_number(const char *s, int *n, bool *halfwidth, size_t *len)
{
    size_t i = 0, k;
    while ((k = space_len(s, i)) != 0)
        i += k;
    bool half_open = s[i] == '(';
    if (half_open)
        i++;
    else if (at(s, i, "（"))
        i += strlen("（");
    else
        return false;
    size_t nl, dl;
    int v = nb_text_cn_numeral(s + i, &nl);
    if (v > 0)
        i += nl;
    else {
        size_t j = i;
        while (digit_at(s, j, &dl) >= 0)
            j += dl;
        if (j == i || j - i > 9) return false;
        i = j; /* Arabic: numbered, but no sequence checked */
    }
    bool half_close = s[i] == ')';
    if (half_close)
        i++;
    else if (at(s, i, "）"))
        i += strlen("）");
    else
        return false;
    *n = v;
    *halfwidth = half_open || half_close;
    *len = i;
    return true;
}

/* ------------------------------------------------------------------ white space, excerpts */

unsigned nb_text_whitespace(const char *s, size_t *first)
{
    unsigned flags = 0;
    size_t n = strlen(s), where = SIZE_MAX;
    if (s[0] == ' ' || at(s, 0, "\u00A0")) flags |= NB_WS_LEADING, where = 0;
    if (at(s, 0, "\u3000")) flags |= NB_WS_INDENT, where = 0;
    size_t trail = n; /* start of the run of spaces the text ends with */
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        unsigned f = 0;
        if (c == '\n' || c == '\r' || at(s, i, "\u2028") || at(s, i, "\u2029"))
            f = NB_WS_NEWLINE;
        else if (c == '\t')
            f = NB_WS_TAB;
        else if (c < 0x20 || c == 0x7F)
            f = NB_WS_CONTROL;
        if (f && i < where) where = i;
        flags |= f;
        if (c == ' ' || at(s, i, "\u3000") || at(s, i, "\u00A0")) {
            if (trail == n) trail = i;
        } else
            trail = n;
        i += char_len(s, i);
    }
    if (trail < n) {
        flags |= NB_WS_TRAILING;
        if (trail < where) where = trail;
    }
    *first = where == SIZE_MAX ? 0 : where;
    return flags;
}

static size_t back_chars(const char *s, size_t lo, size_t i, size_t k)
{
    while (k > 0 && i > lo) {
        i--;
        while (i > lo && ((unsigned char)s[i] & 0xC0) == 0x80)
            i--;
        k--;
    }
    return i;
}

static size_t fwd_chars(const char *s, size_t hi, size_t i, size_t k)
{
    while (k > 0 && i < hi) {
        i += char_len(s, i);
        k--;
    }
    return i < hi ? i : hi;
}

void nb_text_excerpt(char *buf, size_t size, const char *s, size_t lo, size_t hi, size_t a,
                     size_t b, size_t maxch)
{
    size_t m = nb_text_chars(s, a, b);
    size_t from = a, to = b;
    if (m >= maxch)
        to = fwd_chars(s, b, a, maxch);
    else {
        size_t extra = maxch - m;
        size_t avail_before = nb_text_chars(s, lo, a), avail_after = nb_text_chars(s, b, hi);
        size_t before = avail_before < extra * 3 / 4 ? avail_before : extra * 3 / 4;
        size_t after = avail_after < extra - before ? avail_after : extra - before;
        before = avail_before < extra - after ? avail_before : extra - after;
        from = back_chars(s, lo, a, before);
        to = fwd_chars(s, hi, b, after);
    }
    size_t n = 0, cap = size - 4; /* room for "…" and NUL */
    bool cut = false;
    if (from > lo) {
        memcpy(buf, "…", 3);
        n = 3;
    }
    for (size_t i = from; i < to;) {
        size_t k = char_len(s, i);
        unsigned char c = (unsigned char)s[i];
        const char *rep = NULL;
        if (c == '\n' || c == '\r')
            rep = "⏎";
        else if (c == '\t')
            rep = "⇥";
        else if (c < 0x20 || c == 0x7F)
            rep = "?";
        size_t rl = rep ? strlen(rep) : k;
        if (n + rl > cap) {
            cut = true;
            break;
        }
        memcpy(buf + n, rep ? rep : s + i, rl);
        n += rl;
        i += k;
    }
    if ((cut || to < hi) && n + 3 < size) {
        memcpy(buf + n, "…", 3);
        n += 3;
    }
    buf[n] = '\0';
}
