/* check.c — the checker (see check.h).
 *
 * The document is first checked for structure (nb_check_structure: NB_ERR_DATA on anything
 * the renderer could not use), then walked against the edition's key schema (unknown and
 * duplicate keys are warnings), then every value is read and typed once, and the
 * consistency rules run only on the values that passed their type check, so one bad cell
 * gives one finding, not a cascade.  A blank cell (JSON null) is read like a bad one (one
 * value.blank warning, and every rule that needs it skipped), so no sum is ever computed
 * with a blank taken as 0.  A decimal-string amount is checked for its form only and kept
 * as text: it never becomes a double.  Counts are carried as int64_t (each is below 2^53, so
 * sums of a table's cells cannot overflow).  Findings own all their strings; nb_findings_free
 * releases them.
 */
#include "check.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonlex.h"
#include "textscan.h"

#define MAX_SAFE 9007199254740991.0 /* 2^53 - 1 */
#define MAX_KEY_WARNINGS 50

#define TABLE_A "二、主动公开政府信息情况"
#define TABLE_B "三、收到和处理政府信息公开申请情况"
#define TABLE_C "四、政府信息公开行政复议、行政诉讼情况"

/* ------------------------------------------------------------------ the key schema */

typedef enum key_kind { K_LEAF, K_OBJ, K_ITEMS } key_kind;

typedef struct nb_key {
    const char *name;
    key_kind kind;
    const struct nb_key *sub; /* K_OBJ: its keys; K_ITEMS: keys of an object item */
} nb_key;

#define ROW7 K_OBJ, row7_keys
static const nb_key row7_keys[] = {
    {"natural", K_LEAF, NULL},        {"commercial", K_LEAF, NULL},
    {"research", K_LEAF, NULL},       {"public_interest", K_LEAF, NULL},
    {"legal_services", K_LEAF, NULL}, {"other", K_LEAF, NULL},
    {"total", K_LEAF, NULL},          {NULL, K_LEAF, NULL}};
static const nb_key review_keys[] = {{"upheld", K_LEAF, NULL}, {"corrected", K_LEAF, NULL},
                                     {"other", K_LEAF, NULL},  {"pending", K_LEAF, NULL},
                                     {"total", K_LEAF, NULL},  {NULL, K_LEAF, NULL}};
static const nb_key item_keys[] = {
    {"heading", K_LEAF, NULL}, {"text", K_LEAF, NULL}, {NULL, K_LEAF, NULL}};
static const nb_key section_keys[] = {{"overview", K_ITEMS, item_keys},
                                      {"problems", K_ITEMS, item_keys},
                                      {"other", K_ITEMS, item_keys},
                                      {NULL, K_LEAF, NULL}};
static const nb_key signature_keys[] = {
    {"office", K_LEAF, NULL}, {"date", K_LEAF, NULL}, {NULL, K_LEAF, NULL}};
static const nb_key refused_keys[] = {
    {"state_secret", ROW7},       {"prohibited_by_law", ROW7}, {"three_safeties", ROW7},
    {"third_party_rights", ROW7}, {"internal_affairs", ROW7},  {"process_information", ROW7},
    {"enforcement_files", ROW7},  {"inquiry_matters", ROW7},   {NULL, K_LEAF, NULL}};
static const nb_key unable_keys[] = {
    {"not_held", ROW7}, {"needs_creation", ROW7}, {"still_unclear", ROW7}, {NULL, K_LEAF, NULL}};
static const nb_key not_processed_keys[] = {{"petition", ROW7},     {"repeated", ROW7},
                                            {"publication", ROW7},  {"excessive", ROW7},
                                            {"confirmation", ROW7}, {NULL, K_LEAF, NULL}};
static const nb_key other21_keys[] = {
    {"no_correction", ROW7}, {"no_fee", ROW7}, {"other", ROW7}, {NULL, K_LEAF, NULL}};
static const nb_key results19_keys[] = {{"disclosed", ROW7},
                                        {"partially_disclosed", ROW7},
                                        {"refused", K_OBJ, refused_keys},
                                        {"unable", K_OBJ, unable_keys},
                                        {"not_processed", K_OBJ, not_processed_keys},
                                        {"other", ROW7},
                                        {"total", ROW7},
                                        {NULL, K_LEAF, NULL}};
static const nb_key results21_keys[] = {{"disclosed", ROW7},
                                        {"partially_disclosed", ROW7},
                                        {"refused", K_OBJ, refused_keys},
                                        {"unable", K_OBJ, unable_keys},
                                        {"not_processed", K_OBJ, not_processed_keys},
                                        {"other", K_OBJ, other21_keys},
                                        {"total", ROW7},
                                        {NULL, K_LEAF, NULL}};
static const nb_key apps19_keys[] = {{"new", ROW7},
                                     {"carried_over", ROW7},
                                     {"results", K_OBJ, results19_keys},
                                     {"carried_forward", ROW7},
                                     {NULL, K_LEAF, NULL}};
static const nb_key apps21_keys[] = {{"new", ROW7},
                                     {"carried_over", ROW7},
                                     {"results", K_OBJ, results21_keys},
                                     {"carried_forward", ROW7},
                                     {NULL, K_LEAF, NULL}};
static const nb_key doc19_keys[] = {{"new_made", K_LEAF, NULL},
                                    {"new_published", K_LEAF, NULL},
                                    {"total_published", K_LEAF, NULL},
                                    {NULL, K_LEAF, NULL}};
static const nb_key listed19_keys[] = {{"previous_count", K_LEAF, NULL},
                                       {"change", K_LEAF, NULL},
                                       {"decisions", K_LEAF, NULL},
                                       {NULL, K_LEAF, NULL}};
static const nb_key fees19_keys[] = {
    {"previous_count", K_LEAF, NULL}, {"change", K_LEAF, NULL}, {NULL, K_LEAF, NULL}};
static const nb_key amount_keys[] = {
    {"value", K_LEAF, NULL}, {"unit", K_LEAF, NULL}, {NULL, K_LEAF, NULL}};
static const nb_key procurement_keys[] = {
    {"projects", K_LEAF, NULL}, {"amount", K_OBJ, amount_keys}, {NULL, K_LEAF, NULL}};
static const nb_key active19_keys[] = {{"rules", K_OBJ, doc19_keys},
                                       {"normative_documents", K_OBJ, doc19_keys},
                                       {"licensing", K_OBJ, listed19_keys},
                                       {"other_services", K_OBJ, listed19_keys},
                                       {"penalty", K_OBJ, listed19_keys},
                                       {"coercion", K_OBJ, listed19_keys},
                                       {"fees", K_OBJ, fees19_keys},
                                       {"procurement", K_OBJ, procurement_keys},
                                       {NULL, K_LEAF, NULL}};
static const nb_key doc21_keys[] = {{"issued", K_LEAF, NULL},
                                    {"repealed", K_LEAF, NULL},
                                    {"in_force", K_LEAF, NULL},
                                    {NULL, K_LEAF, NULL}};
static const nb_key decisions21_keys[] = {{"decisions", K_LEAF, NULL}, {NULL, K_LEAF, NULL}};
static const nb_key fees21_keys[] = {{"amount", K_LEAF, NULL}, {NULL, K_LEAF, NULL}};
static const nb_key active21_keys[] = {{"rules", K_OBJ, doc21_keys},
                                       {"normative_documents", K_OBJ, doc21_keys},
                                       {"licensing", K_OBJ, decisions21_keys},
                                       {"penalty", K_OBJ, decisions21_keys},
                                       {"coercion", K_OBJ, decisions21_keys},
                                       {"fees", K_OBJ, fees21_keys},
                                       {NULL, K_LEAF, NULL}};
static const nb_key reviews_keys[] = {{"reconsideration", K_OBJ, review_keys},
                                      {"litigation_direct", K_OBJ, review_keys},
                                      {"litigation_after_review", K_OBJ, review_keys},
                                      {NULL, K_LEAF, NULL}};
#define TOP_COMMON                                                                                 \
    {"edition", K_LEAF, NULL}, {"body", K_LEAF, NULL}, {"year", K_LEAF, NULL},                     \
        {"title", K_LEAF, NULL}, {"subject", K_LEAF, NULL}, {"opening", K_LEAF, NULL},             \
        {"sections", K_OBJ, section_keys}, {"signature", K_OBJ, signature_keys},                   \
    {                                                                                              \
        "reviews", K_OBJ, reviews_keys                                                             \
    }
static const nb_key top19_keys[] = {TOP_COMMON,
                                    {"active", K_OBJ, active19_keys},
                                    {"applications", K_OBJ, apps19_keys},
                                    {NULL, K_LEAF, NULL}};
static const nb_key top21_keys[] = {TOP_COMMON,
                                    {"active", K_OBJ, active21_keys},
                                    {"applications", K_OBJ, apps21_keys},
                                    {NULL, K_LEAF, NULL}};

static const nb_key *key_find(const nb_key *keys, const char *name)
{
    if (keys == NULL || name == NULL) return NULL;
    for (const nb_key *k = keys; k->name != NULL; k++)
        if (strcmp(k->name, name) == 0) return k;
    return NULL;
}

/* ------------------------------------------------------------------ table descriptions */

static const char *const COL_KEYS[7] = {
    "natural", "commercial", "research", "public_interest", "legal_services", "other", "total"};
static const char *const COL_LABELS[7] = {"自然人",       "商业企业", "科研机构", "社会公益组织",
                                          "法律服务机构", "其他",     "总计"};

typedef struct b_row {
    const char *path; /* below "applications." */
    const char *label;
} b_row;

#define RES "三、本年度办理结果"
#define B_RESULTS_COMMON                                                                           \
    {"results.disclosed", RES "（一）予以公开"},                                                   \
        {"results.partially_disclosed",                                                            \
         RES "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"},                          \
        {"results.refused.state_secret", RES "（三）不予公开 1.属于国家秘密"},                     \
        {"results.refused.prohibited_by_law", RES "（三）不予公开 2.其他法律行政法规禁止公开"},    \
        {"results.refused.three_safeties", RES "（三）不予公开 3.危及“三安全一稳定”"},             \
        {"results.refused.third_party_rights", RES "（三）不予公开 4.保护第三方合法权益"},         \
        {"results.refused.internal_affairs", RES "（三）不予公开 5.属于三类内部事务信息"},         \
        {"results.refused.process_information", RES "（三）不予公开 6.属于四类过程性信息"},        \
        {"results.refused.enforcement_files", RES "（三）不予公开 7.属于行政执法案卷"},            \
        {"results.refused.inquiry_matters", RES "（三）不予公开 8.属于行政查询事项"},              \
        {"results.unable.not_held", RES "（四）无法提供 1.本机关不掌握相关政府信息"},              \
        {"results.unable.needs_creation", RES "（四）无法提供 2.没有现成信息需要另行制作"},        \
        {"results.unable.still_unclear", RES "（四）无法提供 3.补正后申请内容仍不明确"},           \
        {"results.not_processed.petition", RES "（五）不予处理 1.信访举报投诉类申请"},             \
        {"results.not_processed.repeated", RES "（五）不予处理 2.重复申请"},                       \
        {"results.not_processed.publication", RES "（五）不予处理 3.要求提供公开出版物"},          \
        {"results.not_processed.excessive", RES "（五）不予处理 4.无正当理由大量反复申请"},        \
    {                                                                                              \
        "results.not_processed.confirmation",                                                      \
            RES "（五）不予处理 5.要求行政机关确认或重新出具已获取信息"   \
    }

/* Row labels are the template's words; a result row is named with its group
 * (三、本年度办理结果（三）不予公开 1.属于国家秘密). */
static const b_row B_ROWS_2019[] = {{"new", "一、本年新收政府信息公开申请数量"},
                                    {"carried_over", "二、上年结转政府信息公开申请数量"},
                                    B_RESULTS_COMMON,
                                    {"results.other", RES "（六）其他处理"},
                                    {"results.total", RES "（七）总计"},
                                    {"carried_forward", "四、结转下年度继续办理"}};
static const b_row B_ROWS_2021[] = {
    {"new", "一、本年新收政府信息公开申请数量"},
    {"carried_over", "二、上年结转政府信息公开申请数量"},
    B_RESULTS_COMMON,
    {"results.other.no_correction",
     RES "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"},
    {"results.other.no_fee",
     RES "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"},
    {"results.other.other", RES "（六）其他处理 3.其他"},
    {"results.total", RES "（七）总计"},
    {"carried_forward", "四、结转下年度继续办理"}};
#define B_MAX_ROWS 25

typedef enum val_kind { V_COUNT, V_CHANGE, V_WAN_AMOUNT, V_UNIT_AMOUNT } val_kind;

typedef struct a_field {
    const char *key;
    const char *label;
    val_kind kind;
} a_field;

typedef struct a_row {
    const char *key;
    const char *label;
    a_field fields[3];
    int nfields;
} a_row;

static const a_row A_ROWS_2019[] = {
    {"rules",
     "规章",
     {{"new_made", "本年新制作数量", V_COUNT},
      {"new_published", "本年新公开数量", V_COUNT},
      {"total_published", "对外公开总数量", V_COUNT}},
     3},
    {"normative_documents",
     "规范性文件",
     {{"new_made", "本年新制作数量", V_COUNT},
      {"new_published", "本年新公开数量", V_COUNT},
      {"total_published", "对外公开总数量", V_COUNT}},
     3},
#define LISTED19                                                                                   \
    {{"previous_count", "上一年项目数量", V_COUNT},                                                \
     {"change", "本年增/减", V_CHANGE},                                                            \
     {"decisions", "处理决定数量", V_COUNT}},                                                      \
        3
    {"licensing", "行政许可", LISTED19},
    {"other_services", "其他对外管理服务事项", LISTED19},
    {"penalty", "行政处罚", LISTED19},
    {"coercion", "行政强制", LISTED19},
    {"fees",
     "行政事业性收费",
     {{"previous_count", "上一年项目数量", V_COUNT}, {"change", "本年增/减", V_CHANGE}},
     2},
    {"procurement",
     "政府集中采购",
     {{"projects", "采购项目数量", V_COUNT}, {"amount", "采购总金额", V_UNIT_AMOUNT}},
     2},
};
static const a_row A_ROWS_2021[] = {
    {"rules",
     "规章",
     {{"issued", "本年制发件数", V_COUNT},
      {"repealed", "本年废止件数", V_COUNT},
      {"in_force", "现行有效件数", V_COUNT}},
     3},
    {"normative_documents",
     "行政规范性文件",
     {{"issued", "本年制发件数", V_COUNT},
      {"repealed", "本年废止件数", V_COUNT},
      {"in_force", "现行有效件数", V_COUNT}},
     3},
    {"licensing", "行政许可", {{"decisions", "本年处理决定数量", V_COUNT}}, 1},
    {"penalty", "行政处罚", {{"decisions", "本年处理决定数量", V_COUNT}}, 1},
    {"coercion", "行政强制", {{"decisions", "本年处理决定数量", V_COUNT}}, 1},
    {"fees", "行政事业性收费", {{"amount", "本年收费金额（单位：万元）", V_WAN_AMOUNT}}, 1},
};

/* The 2019 edition's table A rows that carry 上一年项目数量 and 本年增/减. */
static const char *const LISTED_ROWS[] = {"licensing", "other_services", "penalty", "coercion",
                                          "fees"};

static const char *const C_KEYS[] = {"reconsideration", "litigation_direct",
                                     "litigation_after_review"};
static const char *const C_LABELS[] = {"行政复议", "行政诉讼（未经复议直接起诉）",
                                       "行政诉讼（复议后起诉）"};
static const char *const C_COL_KEYS[5] = {"upheld", "corrected", "other", "pending", "total"};
static const char *const C_COL_LABELS[5] = {"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"};

/* ------------------------------------------------------------------ small helpers */

/* A number token of the data's JSON text in a table (below active, applications or reviews):
 * how it was written.  Only decimal-written ones (3.0, 1e2) matter; the others are kept so
 * that, with a duplicate key, the first token is the one looked at, as cJSON does. */
typedef struct num_form {
    char *path;      /* owned */
    bool decimal;    /* written with '.', 'e' or 'E' */
    char lexeme[48]; /* as written, cut with "…" when longer */
    bool integral;   /* the number written is an integer (3.0), not only its double */
    double value;    /* what it reads as (NaN when too long to convert) */
} num_form;

typedef struct num_forms {
    num_form *items;
    size_t count, cap;
    size_t ndecimal; /* how many items are decimal: none in most reports */
    bool nomem;
} num_forms;

typedef struct ctx {
    nb_findings *out;
    bool nomem;
    int edition;         /* 2019 or 2021 */
    const char *pprefix; /* put before every JSON path ("" or "previous:") */
    const char *mprefix; /* put before every message ("" or "上年报告 ") */
    size_t key_warnings;
    size_t key_warnings_dropped;
    const num_forms *forms; /* the data's decimal-written numbers, or NULL (previous, no text) */
} ctx;

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL) memcpy(d, s, n);
    return d;
}

static void finding_clear(nb_finding *f)
{
    free(f->rule);
    free(f->message);
    for (size_t i = 0; i < f->npaths; i++)
        free(f->paths[i]);
    free(f->paths);
    free(f->values);
    memset(f, 0, sizeof *f);
}

/* Adds a finding; paths are taken as given (already prefixed). */
static void add_findingv(ctx *c, nb_severity sev, const char *rule, size_t n,
                         const char *const *paths, const double *values, const char *fmt,
                         va_list ap0) __attribute__((format(printf, 7, 0)));

static void add_finding(ctx *c, nb_severity sev, const char *rule, size_t n,
                        const char *const *paths, const double *values, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static void add_finding(ctx *c, nb_severity sev, const char *rule, size_t n,
                        const char *const *paths, const double *values, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_findingv(c, sev, rule, n, paths, values, fmt, ap);
    va_end(ap);
}

static void add_findingv(ctx *c, nb_severity sev, const char *rule, size_t n,
                         const char *const *paths, const double *values, const char *fmt,
                         va_list ap0)
{
    if (c->nomem) return;
    nb_findings *o = c->out;
    if (o->count == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 16;
        nb_finding *items = realloc(o->items, cap * sizeof *items);
        if (items == NULL) {
            c->nomem = true;
            return;
        }
        o->items = items;
        o->cap = cap;
    }
    nb_finding f = {sev, NULL, NULL, NULL, NULL, 0};
    va_list ap;
    va_copy(ap, ap0);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    size_t plen = strlen(c->mprefix);
    f.message = len < 0 ? NULL : malloc(plen + (size_t)len + 1);
    f.rule = dup_str(rule);
    f.paths = calloc(n ? n : 1, sizeof *f.paths);
    f.values = calloc(n ? n : 1, sizeof *f.values);
    if (f.message == NULL || f.rule == NULL || f.paths == NULL || f.values == NULL) goto fail;
    memcpy(f.message, c->mprefix, plen);
    va_copy(ap, ap0);
    vsnprintf(f.message + plen, (size_t)len + 1, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < n; i++) {
        f.paths[i] = dup_str(paths[i]);
        if (f.paths[i] == NULL) {
            f.npaths = i;
            goto fail;
        }
        f.values[i] = values[i];
    }
    f.npaths = n;
    o->items[o->count++] = f;
    return;
fail:
    if (f.paths != NULL) { /* unfilled entries are NULL (calloc) */
        for (size_t i = 0; i < n; i++)
            free(f.paths[i]);
        free(f.paths);
        f.paths = NULL;
    }
    f.npaths = 0;
    finding_clear(&f);
    c->nomem = true;
}

/* Copies text taken from the data for a message: control characters become '?', and it is
 * cut (on a character boundary) to about `max` bytes. */
static void quote_text(char *buf, size_t size, const char *s, size_t max)
{
    size_t n = 0;
    if (max + 4 > size) max = size - 4;
    size_t len = strlen(s);
    bool cut = len > max;
    if (cut) {
        len = max;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        buf[n++] = (ch < 0x20 || ch == 0x7F) ? '?' : (char)ch;
    }
    if (cut) {
        memcpy(buf + n, "…", 3);
        n += 3;
    }
    buf[n] = '\0';
}

/* The shortest "%.*g" that reads back as the same double (so -86.42, not -86.420000000000002). */
static void shortest(char *buf, size_t size, double v)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) return;
    }
}

static void fmt_number(char *buf, size_t size, double v)
{
    if (isnan(v))
        snprintf(buf, size, "NaN");
    else if (isinf(v))
        snprintf(buf, size, v > 0 ? "无穷大" : "负无穷大");
    else if (v == floor(v) && fabs(v) < 1e17)
        snprintf(buf, size, "%.0f", v);
    else
        shortest(buf, size, v);
}

/* "字符串 \"12\"", "-2", "null", "数组", ... — how a JSON value looks, for messages. */
static void describe(char *buf, size_t size, const cJSON *v)
{
    char q[96];
    if (cJSON_IsNumber(v))
        fmt_number(buf, size, v->valuedouble);
    else if (cJSON_IsString(v)) {
        quote_text(q, sizeof q, v->valuestring, 40);
        snprintf(buf, size, "字符串 \"%s\"", q);
    } else if (cJSON_IsBool(v))
        snprintf(buf, size, "%s", cJSON_IsTrue(v) ? "true" : "false");
    else if (cJSON_IsNull(v))
        snprintf(buf, size, "null");
    else if (cJSON_IsArray(v))
        snprintf(buf, size, "数组");
    else if (cJSON_IsObject(v))
        snprintf(buf, size, "对象");
    else
        snprintf(buf, size, "无效值");
}

static const char *json_type(const cJSON *v)
{
    if (cJSON_IsNumber(v)) return "a number";
    if (cJSON_IsString(v)) return "a string";
    if (cJSON_IsBool(v)) return "a boolean";
    if (cJSON_IsNull(v)) return "null";
    if (cJSON_IsArray(v)) return "an array";
    if (cJSON_IsObject(v)) return "an object";
    return "an invalid value";
}

static const cJSON *child(const cJSON *obj, const char *key)
{
    return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

/* Looks up a dotted path of plain keys. */
static const cJSON *at(const cJSON *root, const char *dotted)
{
    char key[64];
    const cJSON *node = root;
    const char *p = dotted;
    while (node != NULL && *p != '\0') {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n >= sizeof key) return NULL;
        memcpy(key, p, n);
        key[n] = '\0';
        node = child(node, key);
        p = dot ? dot + 1 : p + n;
    }
    return node;
}

/* ------------------------------------------------------------------ values */

/* An amount written as a decimal string must be exactly that: one or more ASCII digits,
 * optionally a '.' and one or more digits.  Returns NULL when `s` is such a string, else
 * what is wrong with it (for the message). */
static const char *decimal_problem(const char *s)
{
    if (*s == '\0') return "（空字符串）";
    if (*s == '-' || *s == '+') return "（不可带正负号）";
    size_t digits = 0, frac = 0;
    bool dot = false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (dot)
                frac++;
            else
                digits++;
        } else if (*p == '.' && !dot) {
            dot = true;
        } else if (*p == 'e' || *p == 'E') {
            return "（不可用指数形式）";
        } else if (p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x90 && p[2] <= 0x99) {
            return "（含全角数字，应为半角数字 0-9）";
        } else if (*p == ',' || (p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x8C)) {
            return "（不可带千位分隔符）";
        } else {
            return "（应只含数字和一个小数点）";
        }
    }
    if (digits == 0 || (dot && frac == 0)) return "（小数点前后都应有数字）";
    return NULL;
}

/* The decimal-written number at `path` (as the finding names it), when the data's text was
 * given and the number there reads as `x`; the first token with that path counts, as the
 * first of duplicate keys is the one cJSON keeps. */
static const num_form *form_of(const ctx *c, const char *path, double x)
{
    if (c->forms == NULL || c->forms->ndecimal == 0) return NULL;
    for (size_t i = 0; i < c->forms->count; i++)
        if (strcmp(c->forms->items[i].path, path) == 0) {
            const num_form *f = &c->forms->items[i];
            return f->decimal && f->value == x ? f : NULL;
        }
    return NULL;
}

/* Reads one value of `kind` at row.key.  On a type problem, a blank (JSON null) or absence
 * adds a finding and returns false, so that every rule needing the value is skipped.
 * `path` is the row's JSON path (without prefix); `where` names the cell by the template's
 * words ("TABLE ROW / COLUMN").  An amount written as a decimal string is valid with *out
 * NaN: it is never turned into a double. */
static bool read_value(ctx *c, const cJSON *row, const char *path, const char *key, val_kind kind,
                       const char *where, double *out)
{
    char p[320], d[160];
    /* a row that is missing or not an object was named once by the structure check */
    if (!cJSON_IsObject(row)) return false;
    snprintf(p, sizeof p, "%s%s.%s", c->pprefix, path, key);
    const char *paths[1] = {p};
    double nan_v = NAN;
    const cJSON *v = child(row, key);
    if (v == NULL) {
        add_finding(c, NB_SEV_ERROR, "value.missing", 1, paths, &nan_v,
                    "%s: 缺少数值（空白格请写 null）", where);
        return false;
    }
    if (cJSON_IsNull(v)) {
        add_finding(c, NB_SEV_WARNING, "value.blank", 1, paths, &nan_v,
                    "%s: 未填写（空白格，不按0计；含此格的勾稽关系未校验）", where);
        return false;
    }
    if (kind == V_UNIT_AMOUNT) {
        if (!cJSON_IsObject(v)) {
            describe(d, sizeof d, v);
            add_finding(c, NB_SEV_ERROR, "type.amount", 1, paths, &nan_v,
                        "%s: 应为 {\"value\": 金额, \"unit\": \"元\"或\"万元\"}，实为 %s", where,
                        d);
            return false;
        }
        char sub[200];
        snprintf(sub, sizeof sub, "%s.%s", path, key);
        double amount;
        bool ok = read_value(c, v, sub, "value", V_WAN_AMOUNT, where, &amount);
        const cJSON *u = child(v, "unit");
        snprintf(p, sizeof p, "%s%s.unit", c->pprefix, sub);
        if (u == NULL) {
            add_finding(c, NB_SEV_ERROR, "value.missing", 1, paths, &nan_v, "%s: 缺少金额单位",
                        where);
            return false;
        }
        if (!cJSON_IsString(u) ||
            (strcmp(u->valuestring, "元") != 0 && strcmp(u->valuestring, "万元") != 0)) {
            describe(d, sizeof d, u);
            add_finding(c, NB_SEV_ERROR, "type.amount", 1, paths, &nan_v,
                        "%s: 金额单位应为“元”或“万元”，实为 %s", where, d);
            return false;
        }
        *out = amount;
        return ok;
    }
    double x = cJSON_IsNumber(v) ? v->valuedouble : NAN;
    const char *rule = kind == V_COUNT    ? "type.count"
                       : kind == V_CHANGE ? "type.change"
                                          : "type.amount";
    const char *want = kind == V_COUNT    ? "非负整数"
                       : kind == V_CHANGE ? "整数（可为负）"
                       : kind == V_WAN_AMOUNT && strcmp(key, "amount") == 0
                           ? "非负金额（单位：万元；数字，或写成十进制数字符串如 \"1.50\"）"
                           : "非负金额（数字，或写成十进制数字符串如 \"73802895.90\"）";
    const char *problem = NULL;
    char written[96];
    const num_form *form =
        cJSON_IsNumber(v) && (kind == V_COUNT || kind == V_CHANGE) ? form_of(c, p, x) : NULL;
    if (kind == V_WAN_AMOUNT && cJSON_IsString(v)) {
        problem = decimal_problem(v->valuestring);
        if (problem == NULL) {
            *out = NAN; /* kept as written; never a double */
            return true;
        }
    } else if (!cJSON_IsNumber(v) || !isfinite(x))
        problem = "";
    else if (kind != V_WAN_AMOUNT && x != floor(x))
        problem = "（不是整数）";
    else if (form != NULL && !form->integral) {
        /* 2.9999999999999999 reads as the double 3: the page would print a number nobody
         * wrote */
        snprintf(written, sizeof written, "（不是整数：文件中写作 %s）", form->lexeme);
        problem = written;
    } else if (kind != V_CHANGE && x < 0)
        problem = "（为负数）";
    else if (fabs(x) > MAX_SAFE)
        problem = "（超出 2^53−1，无法精确表示）";
    if (problem != NULL) {
        describe(d, sizeof d, v);
        add_finding(c, NB_SEV_ERROR, rule, 1, paths, &x, "%s: 应为%s，实为 %s%s", where, want, d,
                    problem);
        return false;
    }
    if (form != NULL) {
        char as_int[40];
        fmt_number(as_int, sizeof as_int, x == 0 ? 0 : x);
        add_finding(c, NB_SEV_WARNING, "type.count_form", 1, paths, &x,
                    "%s: 写成了 %s，应写整数 %s（计数不带小数点和指数；按 %s 印出）", where,
                    form->lexeme, as_int, as_int);
    }
    *out = x == 0 ? 0 : x; /* no -0 */
    return true;
}

/* ------------------------------------------------------------------ structure */

static const char *const SECTION_KEYS[3] = {"overview", "problems", "other"};
static const char *const SECTION_TITLES[3] = {"一、总体情况", "五、存在的主要问题及改进情况",
                                              "六、其他需要报告的事项"};

static bool parse_date(const char *s, int *y, int *m, int *d)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
    *y = atoi(s);
    *m = atoi(s + 5);
    *d = atoi(s + 8);
    if (*m < 1 || *m > 12 || *d < 1 || *d > mdays[*m - 1]) return false;
    bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
    if (*m == 2 && *d == 29 && !leap) return false;
    return true;
}

static int edition_of(const cJSON *doc)
{
    const cJSON *e = child(doc, "edition");
    if (!cJSON_IsString(e)) return 0;
    if (strcmp(e->valuestring, "2019") == 0) return 2019;
    if (strcmp(e->valuestring, "2021") == 0) return 2021;
    return 0;
}

/* The report year, when "year" is a four-digit integer. */
static bool year_of(const cJSON *doc, int *year)
{
    const cJSON *y = child(doc, "year");
    if (!cJSON_IsNumber(y) || y->valuedouble != floor(y->valuedouble) || y->valuedouble < 1000 ||
        y->valuedouble > 9999)
        return false;
    *year = (int)y->valuedouble;
    return true;
}

/* The non-empty string at parent.key, or NULL. */
static const char *text_at(const cJSON *parent, const char *key)
{
    const cJSON *v = child(parent, key);
    return cJSON_IsString(v) && v->valuestring[0] != '\0' ? v->valuestring : NULL;
}

static void s_missing(ctx *c, const char *path, const char *label, const char *key)
{
    char p[320];
    snprintf(p, sizeof p, "%s%s", c->pprefix, path);
    const char *paths[1] = {p};
    double nan_v = NAN;
    add_finding(c, NB_SEV_ERROR, "key.missing", 1, paths, &nan_v,
                "%s: 缺少键“%s”（%d年版模板必填）", label, key, c->edition);
}

static void s_type(ctx *c, const char *path, const char *label, const char *want, const cJSON *v)
{
    char p[320], d[160];
    snprintf(p, sizeof p, "%s%s", c->pprefix, path);
    const char *paths[1] = {p};
    double nan_v = NAN;
    if (cJSON_IsString(v) && v->valuestring[0] == '\0')
        snprintf(d, sizeof d, "空字符串");
    else if (cJSON_IsArray(v) && v->child == NULL)
        snprintf(d, sizeof d, "空数组");
    else
        describe(d, sizeof d, v);
    add_finding(c, NB_SEV_ERROR, "type.field", 1, paths, &nan_v, "%s: 应为%s，实为 %s", label, want,
                d);
}

/* The object at parent.key: true when it is one, else the finding (missing or wrong type). */
static bool s_object(ctx *c, const cJSON *parent, const char *key, const char *path,
                     const char *label, const cJSON **out)
{
    const cJSON *v = child(parent, key);
    *out = v;
    if (v == NULL) {
        s_missing(c, path, label, key);
        return false;
    }
    if (!cJSON_IsObject(v)) {
        s_type(c, path, label, "对象 {…}", v);
        return false;
    }
    return true;
}

static void s_text(ctx *c, const cJSON *parent, const char *key, const char *path,
                   const char *label, bool required)
{
    const cJSON *v = child(parent, key);
    if (v == NULL) {
        if (required) s_missing(c, path, label, key);
    } else if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
        s_type(c, path, label, "非空文字（带引号的字符串）", v);
}

/* "引言第2段", "一、总体情况 第3段" — where item i of a list of paragraphs is. */
static void item_where(char *buf, size_t size, const char *list, int i)
{
    snprintf(buf, size, "%s%s第%d段", list, strcmp(list, "引言") == 0 ? "" : " ", i + 1);
}

/* A list of paragraphs (and, with `headings`, sub-headings {"heading": …} and run-in
 * sub-headings {"heading": …, "text": …}): every bad item is a finding. */
static void s_items(ctx *c, const cJSON *parent, const char *key, const char *path,
                    const char *label, bool headings)
{
    const cJSON *arr = child(parent, key);
    if (arr == NULL) {
        s_missing(c, path, label, key);
        return;
    }
    if (!cJSON_IsArray(arr) || arr->child == NULL) {
        s_type(c, path, label, "段落的数组 [\"第一段\", \"第二段\"]（至少一段）", arr);
        return;
    }
    int i = 0;
    for (const cJSON *it = arr->child; it != NULL; it = it->next, i++) {
        if (cJSON_IsString(it) && it->valuestring[0] != '\0') continue;
        char ip[200], where[200], sub[220], subw[260];
        snprintf(ip, sizeof ip, "%s[%d]", path, i);
        item_where(where, sizeof where, label, i);
        const cJSON *h = child(it, "heading"), *t = child(it, "text");
        if (headings && cJSON_IsString(h) && h->valuestring[0] != '\0') {
            if (t == NULL || (cJSON_IsString(t) && t->valuestring[0] != '\0')) continue;
            snprintf(sub, sizeof sub, "%s.text", ip);
            snprintf(subw, sizeof subw, "%s（小标题后的正文）", where);
            s_type(c, sub, subw, "非空段落文字（带引号的字符串）", t);
            continue;
        }
        if (headings && cJSON_IsObject(it) && h != NULL) {
            snprintf(sub, sizeof sub, "%s.heading", ip);
            snprintf(subw, sizeof subw, "%s（小标题）", where);
            s_type(c, sub, subw, "非空文字（带引号的字符串）", h);
            continue;
        }
        if (headings && cJSON_IsObject(it) && t != NULL) {
            snprintf(sub, sizeof sub, "%s.heading", ip);
            char p[320];
            snprintf(p, sizeof p, "%s%s", c->pprefix, sub);
            const char *paths[1] = {p};
            double nan_v = NAN;
            add_finding(c, NB_SEV_ERROR, "key.missing", 1, paths, &nan_v,
                        "%s: 缺少键“heading”（有“text”的一项是以小标题开头的段落；没有小标题的段落"
                        "请直接写成字符串）",
                        where);
            continue;
        }
        s_type(c, ip, where,
               headings ? "非空段落文字、小标题 {\"heading\": \"（一）…\"} 或 "
                          "{\"heading\": \"（一）…\", \"text\": \"…\"}"
                        : "非空段落文字",
               it);
    }
}

/* The template's words for a level of table B's rows: a row's own label, or the group it
 * belongs to (三、本年度办理结果（三）不予公开). */
static void b_level_label(char *buf, size_t size, int edition, const char *prefix)
{
    static const struct {
        const char *path, *label;
    } groups[] = {{"results", RES},
                  {"results.refused", RES "（三）不予公开"},
                  {"results.unable", RES "（四）无法提供"},
                  {"results.not_processed", RES "（五）不予处理"},
                  {"results.other", RES "（六）其他处理"}};
    const b_row *rows = edition == 2019 ? B_ROWS_2019 : B_ROWS_2021;
    size_t n = edition == 2019 ? sizeof B_ROWS_2019 / sizeof *B_ROWS_2019
                               : sizeof B_ROWS_2021 / sizeof *B_ROWS_2021;
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].path, prefix) == 0) {
            snprintf(buf, size, "%s %s", TABLE_B, rows[i].label);
            return;
        }
    for (size_t i = 0; i < sizeof groups / sizeof *groups; i++)
        if (strcmp(groups[i].path, prefix) == 0) {
            snprintf(buf, size, "%s %s", TABLE_B, groups[i].label);
            return;
        }
    snprintf(buf, size, "%s %s", TABLE_B, prefix);
}

/* Every structural problem of `doc` as a finding: each required key that is missing and each
 * value of the wrong type, once (a missing group of rows is one finding, not one per row). */
static void structure(ctx *c, const cJSON *doc)
{
    s_text(c, doc, "title", "title", "标题", true);
    s_text(c, doc, "body", "body", "发布机关", true);
    s_text(c, doc, "subject", "subject", "主题（PDF 文档属性）", false);
    int year;
    const cJSON *y = child(doc, "year");
    if (y == NULL)
        s_missing(c, "year", "报告年度", "year");
    else if (!year_of(doc, &year))
        s_type(c, "year", "报告年度", "四位数的年份（如 2021，不带引号）", y);
    /* The signature is optional (most published reports print none); when given, it has
     * both the office and the date. */
    const cJSON *sig = child(doc, "signature");
    if (sig != NULL && !cJSON_IsObject(sig))
        s_type(c, "signature", "落款", "对象 {\"office\": …, \"date\": …}（不印落款时删去此键）",
               sig);
    else if (sig != NULL) {
        s_text(c, sig, "office", "signature.office", "落款单位", true);
        const cJSON *d = child(sig, "date");
        int yy, mm, dd;
        if (d == NULL)
            s_missing(c, "signature.date", "成文日期", "date");
        else if (!cJSON_IsString(d) || !parse_date(d->valuestring, &yy, &mm, &dd))
            s_type(c, "signature.date", "成文日期",
                   "真实的日期 \"YYYY-MM-DD\"（如 \"2022-01-20\"）", d);
    }
    s_items(c, doc, "opening", "opening", "引言", false);
    const cJSON *sections;
    if (s_object(c, doc, "sections", "sections", "正文各节", &sections))
        for (int k = 0; k < 3; k++) {
            char path[64];
            snprintf(path, sizeof path, "sections.%s", SECTION_KEYS[k]);
            s_items(c, sections, SECTION_KEYS[k], path, SECTION_TITLES[k], true);
        }

    /* the three tables and each of their row objects */
    const cJSON *active, *apps, *reviews, *row;
    char path[200], label[400];
    if (s_object(c, doc, "active", "active", TABLE_A, &active)) {
        const a_row *arows = c->edition == 2019 ? A_ROWS_2019 : A_ROWS_2021;
        size_t narows = c->edition == 2019 ? sizeof A_ROWS_2019 / sizeof *A_ROWS_2019
                                           : sizeof A_ROWS_2021 / sizeof *A_ROWS_2021;
        for (size_t i = 0; i < narows; i++) {
            snprintf(path, sizeof path, "active.%s", arows[i].key);
            snprintf(label, sizeof label, "%s %s", TABLE_A, arows[i].label);
            s_object(c, active, arows[i].key, path, label, &row);
        }
    }
    if (s_object(c, doc, "applications", "applications", TABLE_B, &apps)) {
        const b_row *brows = c->edition == 2019 ? B_ROWS_2019 : B_ROWS_2021;
        size_t nbrows = c->edition == 2019 ? sizeof B_ROWS_2019 / sizeof *B_ROWS_2019
                                           : sizeof B_ROWS_2021 / sizeof *B_ROWS_2021;
        char bad[200] = ""; /* the last level found missing: the rows under it are not named */
        for (size_t i = 0; i < nbrows; i++) {
            const cJSON *node = apps;
            const char *p = brows[i].path;
            char key[64], prefix[160];
            while (*p != '\0') {
                const char *dot = strchr(p, '.');
                size_t n = dot ? (size_t)(dot - p) : strlen(p);
                memcpy(key, p, n);
                key[n] = '\0';
                snprintf(prefix, sizeof prefix, "%.*s", (int)(p + n - brows[i].path),
                         brows[i].path);
                snprintf(path, sizeof path, "applications.%s", prefix);
                if (strcmp(path, bad) == 0) break;
                b_level_label(label, sizeof label, c->edition, prefix);
                if (!s_object(c, node, key, path, label, &node)) {
                    snprintf(bad, sizeof bad, "%s", path);
                    break;
                }
                p = dot ? dot + 1 : p + n;
            }
        }
    }
    if (s_object(c, doc, "reviews", "reviews", TABLE_C, &reviews))
        for (size_t i = 0; i < 3; i++) {
            snprintf(path, sizeof path, "reviews.%s", C_KEYS[i]);
            snprintf(label, sizeof label, "%s %s", TABLE_C, C_LABELS[i]);
            s_object(c, reviews, C_KEYS[i], path, label, &row);
        }
}

nb_code nb_check_structure(const cJSON *doc, nb_status *st)
{
    if (!cJSON_IsObject(doc))
        return nb_fail(st, NB_ERR_DATA, "$: expected a JSON object (the report), got %s",
                       json_type(doc));
    const cJSON *e = child(doc, "edition");
    if (e == NULL)
        return nb_fail(st, NB_ERR_DATA, "$.edition: missing (expected \"2019\" or \"2021\")");
    if (edition_of(doc) == 0) {
        char d[160];
        describe(d, sizeof d, e);
        return nb_fail(st, NB_ERR_DATA,
                       "$.edition: unknown edition %s (expected the string \"2019\" or \"2021\")",
                       d);
    }
    return NB_OK;
}

/* ------------------------------------------------------------------ unknown keys */

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63) return 99;
    size_t pprev[64], prev[64], cur[64];
    for (size_t j = 0; j <= lb; j++)
        pprev[j] = prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            char x = a[i - 1], y = b[j - 1];
            if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
            size_t sub = prev[j - 1] + (x != y);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            /* a swap of two neighbours ("titel") counts as one edit */
            if (i > 1 && j > 1 && x == b[j - 2] && a[i - 2] == y && pprev[j - 2] + 1 < cur[j])
                cur[j] = pprev[j - 2] + 1;
        }
        memcpy(pprev, prev, (lb + 1) * sizeof *prev);
        memcpy(prev, cur, (lb + 1) * sizeof *prev);
    }
    return prev[lb];
}

static void key_warning(ctx *c, const char *path, const char *msg, const char *hint)
{
    if (c->key_warnings >= MAX_KEY_WARNINGS) {
        c->key_warnings_dropped++;
        return;
    }
    c->key_warnings++;
    const char *paths[1] = {path};
    double nan_v = NAN;
    add_finding(c, NB_SEV_WARNING, "key.unknown", 1, paths, &nan_v, "%s%s", msg, hint);
}

static void walk_keys(ctx *c, const cJSON *obj, const nb_key *keys, const nb_key *other_keys,
                      const char *path)
{
    unsigned long long seen = 0;
    for (const cJSON *it = obj->child; it != NULL; it = it->next) {
        const char *name = it->string ? it->string : "";
        char qname[160], p[512];
        quote_text(qname, sizeof qname, name, 60);
        snprintf(p, sizeof p, "%s%s%s%s", c->pprefix, path, path[0] ? "." : "", qname);
        const nb_key *k = key_find(keys, name);
        const nb_key *other = key_find(other_keys, name);
        if (k == NULL) {
            char msg[256], hint[256] = "";
            snprintf(msg, sizeof msg, "未知的键“%s”", qname);
            const nb_key *best = NULL;
            size_t best_d = 99;
            for (const nb_key *s = keys; s->name != NULL; s++) {
                size_t dist = edit_distance(name, s->name);
                if (dist < best_d) best_d = dist, best = s;
            }
            if (other != NULL)
                snprintf(hint, sizeof hint, "（该键属于%d年版模板，本报告按%d年版编写）",
                         c->edition == 2019 ? 2021 : 2019, c->edition);
            else if (best != NULL && best_d <= 2 && best_d * 3 <= strlen(name))
                snprintf(hint, sizeof hint, "（是否应为“%s”？）", best->name);
            key_warning(c, p, msg, hint);
            continue;
        }
        size_t idx = (size_t)(k - keys);
        if (idx < 64 && (seen >> idx & 1ULL)) {
            const char *paths[1] = {p};
            double nan_v = NAN;
            add_finding(c, NB_SEV_WARNING, "key.duplicate", 1, paths, &nan_v,
                        "键“%s”重复出现，只采用第一个", qname);
            continue;
        }
        if (idx < 64) seen |= 1ULL << idx;
        char sub[512];
        snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", name);
        if (k->kind == K_OBJ && cJSON_IsObject(it))
            walk_keys(c, it, k->sub, other && other->kind == K_OBJ ? other->sub : NULL, sub);
        else if (k->kind == K_ITEMS && cJSON_IsArray(it)) {
            int i = 0;
            for (const cJSON *e = it->child; e != NULL; e = e->next, i++) {
                if (!cJSON_IsObject(e)) continue;
                char ip[540];
                snprintf(ip, sizeof ip, "%s[%d]", sub, i);
                walk_keys(c, e, k->sub, k->sub, ip);
            }
        }
    }
}

/* ------------------------------------------------------------------ the rules */

typedef struct btable {
    size_t nrows;
    const b_row *rows;
    double v[B_MAX_ROWS][7];
    bool ok[B_MAX_ROWS][7];
} btable;

static void read_table_b(ctx *c, const cJSON *doc, btable *t)
{
    t->rows = c->edition == 2019 ? B_ROWS_2019 : B_ROWS_2021;
    t->nrows = c->edition == 2019 ? sizeof B_ROWS_2019 / sizeof *B_ROWS_2019
                                  : sizeof B_ROWS_2021 / sizeof *B_ROWS_2021;
    const cJSON *apps = child(doc, "applications");
    for (size_t r = 0; r < t->nrows; r++) {
        char path[160], where[400];
        snprintf(path, sizeof path, "applications.%s", t->rows[r].path);
        const cJSON *row = at(apps, t->rows[r].path);
        for (int k = 0; k < 7; k++) {
            snprintf(where, sizeof where, "%s %s / %s", TABLE_B, t->rows[r].label, COL_LABELS[k]);
            t->ok[r][k] = read_value(c, row, path, COL_KEYS[k], V_COUNT, where, &t->v[r][k]);
        }
    }
}

static void cell_path(char *buf, size_t size, const ctx *c, const btable *t, size_t r, int k)
{
    snprintf(buf, size, "%sapplications.%s.%s", c->pprefix, t->rows[r].path, COL_KEYS[k]);
}

static void rule_b_row_total(ctx *c, const btable *t)
{
    for (size_t r = 0; r < t->nrows; r++) {
        bool ok = true;
        double sum = 0;
        for (int k = 0; k < 7; k++)
            ok = ok && t->ok[r][k];
        if (!ok) continue;
        for (int k = 0; k < 6; k++)
            sum += t->v[r][k];
        if (sum == t->v[r][6]) continue;
        char pbuf[7][200];
        const char *paths[7];
        double vals[7];
        paths[0] = pbuf[0];
        cell_path(pbuf[0], sizeof pbuf[0], c, t, r, 6);
        vals[0] = t->v[r][6];
        for (int k = 0; k < 6; k++) {
            cell_path(pbuf[k + 1], sizeof pbuf[k + 1], c, t, r, k);
            paths[k + 1] = pbuf[k + 1];
            vals[k + 1] = t->v[r][k];
        }
        add_finding(c, NB_SEV_ERROR, "B.row_total", 7, paths, vals,
                    "%s %s: 总计(%.0f) ≠ 自然人(%.0f) + 商业企业(%.0f) + 科研机构(%.0f) + "
                    "社会公益组织(%.0f) + 法律服务机构(%.0f) + 其他(%.0f) = %.0f",
                    TABLE_B, t->rows[r].label, t->v[r][6], t->v[r][0], t->v[r][1], t->v[r][2],
                    t->v[r][3], t->v[r][4], t->v[r][5], sum);
    }
}

static void rule_b_columns(ctx *c, const btable *t)
{
    size_t total = t->nrows - 2, cf = t->nrows - 1;
    for (int k = 0; k < 7; k++) {
        /* 一 + 二 = （七）总计 + 四 */
        if (t->ok[0][k] && t->ok[1][k] && t->ok[total][k] && t->ok[cf][k] &&
            t->v[0][k] + t->v[1][k] != t->v[total][k] + t->v[cf][k]) {
            char pbuf[4][200];
            const char *paths[4] = {pbuf[0], pbuf[1], pbuf[2], pbuf[3]};
            size_t rows[4] = {0, 1, total, cf};
            double vals[4];
            for (int i = 0; i < 4; i++) {
                cell_path(pbuf[i], sizeof pbuf[i], c, t, rows[i], k);
                vals[i] = t->v[rows[i]][k];
            }
            add_finding(c, NB_SEV_ERROR, "B.corner", 4, paths, vals,
                        "%s %s列: 一(%.0f) + 二(%.0f) ≠ （七）总计(%.0f) + 四(%.0f)", TABLE_B,
                        COL_LABELS[k], vals[0], vals[1], vals[2], vals[3]);
        }
        /* （七）总计 = （一） + … + （六） */
        bool ok = t->ok[total][k];
        double sum = 0;
        for (size_t r = 2; r < total; r++) {
            ok = ok && t->ok[r][k];
            sum += t->v[r][k];
        }
        if (ok && sum != t->v[total][k]) {
            char pbuf[B_MAX_ROWS][200];
            const char *paths[B_MAX_ROWS];
            double vals[B_MAX_ROWS];
            size_t n = 0;
            cell_path(pbuf[n], sizeof pbuf[n], c, t, total, k);
            paths[n] = pbuf[n];
            vals[n++] = t->v[total][k];
            for (size_t r = 2; r < total; r++) {
                cell_path(pbuf[n], sizeof pbuf[n], c, t, r, k);
                paths[n] = pbuf[n];
                vals[n++] = t->v[r][k];
            }
            add_finding(c, NB_SEV_ERROR, "B.results_total", n, paths, vals,
                        "%s %s列: （七）总计(%.0f) ≠ （一）至（六）各项之和(%.0f)", TABLE_B,
                        COL_LABELS[k], t->v[total][k], sum);
        }
    }
}

static void rule_table_c(ctx *c, const cJSON *doc)
{
    const cJSON *reviews = child(doc, "reviews");
    for (int g = 0; g < 3; g++) {
        const cJSON *grp = child(reviews, C_KEYS[g]);
        char path[80], where[256], pbuf[5][120];
        const char *paths[5];
        double v[5];
        bool ok = true;
        snprintf(path, sizeof path, "reviews.%s", C_KEYS[g]);
        for (int k = 0; k < 5; k++) {
            snprintf(where, sizeof where, "%s %s / %s", TABLE_C, C_LABELS[g], C_COL_LABELS[k]);
            ok = read_value(c, grp, path, C_COL_KEYS[k], V_COUNT, where, &v[k]) && ok;
        }
        if (!ok || v[0] + v[1] + v[2] + v[3] == v[4]) continue;
        /* paths in the order the message names the values: 总计 first */
        double vals[5] = {v[4], v[0], v[1], v[2], v[3]};
        int order[5] = {4, 0, 1, 2, 3};
        for (int i = 0; i < 5; i++) {
            snprintf(pbuf[i], sizeof pbuf[i], "%s%s.%s", c->pprefix, path, C_COL_KEYS[order[i]]);
            paths[i] = pbuf[i];
        }
        add_finding(c, NB_SEV_ERROR, "C.group_total", 5, paths, vals,
                    "%s %s: 总计(%.0f) ≠ 结果维持(%.0f) + 结果纠正(%.0f) + 其他结果(%.0f) + "
                    "尚未审结(%.0f) = %.0f",
                    TABLE_C, C_LABELS[g], v[4], v[0], v[1], v[2], v[3], v[0] + v[1] + v[2] + v[3]);
    }
}

static void read_table_a(ctx *c, const cJSON *doc)
{
    const a_row *rows = c->edition == 2019 ? A_ROWS_2019 : A_ROWS_2021;
    size_t n = c->edition == 2019 ? sizeof A_ROWS_2019 / sizeof *A_ROWS_2019
                                  : sizeof A_ROWS_2021 / sizeof *A_ROWS_2021;
    const cJSON *active = child(doc, "active");
    for (size_t i = 0; i < n; i++) {
        char path[80], where[256];
        snprintf(path, sizeof path, "active.%s", rows[i].key);
        for (int f = 0; f < rows[i].nfields; f++) {
            double v;
            snprintf(where, sizeof where, "%s %s / %s", TABLE_A, rows[i].label,
                     rows[i].fields[f].label);
            read_value(c, child(active, rows[i].key), path, rows[i].fields[f].key,
                       rows[i].fields[f].kind, where, &v);
        }
    }
}

static void rule_date(ctx *c, const cJSON *doc)
{
    int y, m, d, year;
    const cJSON *sig = child(doc, "signature");
    if (!year_of(doc, &year)) return; /* named by the structure check */
    if (sig == NULL) {
        const char *paths[1] = {"signature"};
        double nan_v = NAN;
        add_finding(c, NB_SEV_NOTE, "date.no_signature", 1, paths, &nan_v,
                    "无落款: 不打印落款单位和成文日期，也不校验成文日期是否在统计期（%d年12月31日）"
                    "之后",
                    year);
        return;
    }
    const char *date = text_at(sig, "date");
    if (date == NULL || !parse_date(date, &y, &m, &d)) return; /* named by the structure check */
    if (y > year) return;
    const char *paths[2] = {"signature.date", "year"};
    double vals[2] = {NAN, year};
    add_finding(c, NB_SEV_WARNING, "date.after_period", 2, paths, vals,
                "落款日期 %d年%d月%d日 不在统计期（%d年1月1日至%d年12月31日）结束之后", y, m, d,
                year, year);
}

static void rule_edition_year(ctx *c, const cJSON *doc)
{
    int year;
    if (!year_of(doc, &year)) return;
    bool fits = c->edition == 2019 ? (year == 2019 || year == 2020) : year >= 2021;
    if (fits) return;
    const char *paths[2] = {"edition", "year"};
    double vals[2] = {NAN, year};
    add_finding(c, NB_SEV_WARNING, "edition.year", 2, paths, vals,
                "模板版本: %d年版模板适用于%s年度报告，本报告为%d年度", c->edition,
                c->edition == 2019 ? "2019、2020" : "2021年及以后", year);
}

/* 2021 edition: section 六 must state the information-processing fees (信息处理费). */
static void rule_fees_statement(ctx *c, const cJSON *doc)
{
    if (c->edition != 2021) return;
    const cJSON *other = at(doc, "sections.other");
    if (!cJSON_IsArray(other)) return; /* named by the structure check */
    for (const cJSON *it = other ? other->child : NULL; it != NULL; it = it->next) {
        const cJSON *t = cJSON_IsObject(it) ? child(it, "text") : it; /* run-in: its text */
        if (cJSON_IsString(t) && strstr(t->valuestring, "信息处理费") != NULL) return;
    }
    const char *paths[1] = {"sections.other"};
    double nan_v = NAN;
    add_finding(c, NB_SEV_WARNING, "text.fees_statement", 1, paths, &nan_v,
                "六、其他需要报告的事项: 2021年版模板要求说明信息处理费的收取情况，"
                "但本节未提及“信息处理费”");
}

/* Whether `s` ends with `suffix`. */
static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* A name that ends in an administrative division: 省 市 区 县 州 盟 旗 (自治区, 自治州,
 * 自治县, 地区 and 特别行政区 end in one of these). */
static const char *const PLACE_ENDS[] = {"省", "市", "区", "县", "州", "盟", "旗"};

static bool ends_with_place(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof PLACE_ENDS / sizeof *PLACE_ENDS; i++)
        if (ends_with(s, n, PLACE_ENDS[i])) return true;
    return false;
}

/* The same body, written with or without the names of the divisions above it: equal, or the
 * longer name is the shorter one with a place prefix (淮安市洪泽区人民政府 and
 * 洪泽区人民政府: the prefix 淮安市 ends in a division), and the shorter name still names
 * its own place (has a division character before its end: 人民政府 alone is not the same as
 * 洪泽区人民政府).  Anything else is a changed body. */
static bool same_body(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la == lb) return strcmp(a, b) == 0;
    const char *lng = la > lb ? a : b, *shr = la > lb ? b : a;
    size_t ll = la > lb ? la : lb, ls = la > lb ? lb : la;
    size_t pre = ll - ls;
    if (memcmp(lng + pre, shr, ls) != 0 || !ends_with_place(lng, pre)) return false;
    for (size_t i = 1; i < ls; i++)
        if (((unsigned char)shr[i] & 0xC0) != 0x80 && ends_with_place(shr, i)) return true;
    return false;
}

static void rules_cross_year(ctx *c, const cJSON *doc, const btable *t, const cJSON *prev)
{
    int prev_edition = edition_of(prev);
    int year, pyear;
    bool years = year_of(doc, &year) && year_of(prev, &pyear);
    if (years && pyear != year - 1) {
        const char *paths[2] = {"year", "previous:year"};
        double vals[2] = {year, pyear};
        add_finding(c, NB_SEV_WARNING, "year.previous_year", 2, paths, vals,
                    "跨年度: 上年报告为%d年度，本报告为%d年度（应为%d年度）", pyear, year,
                    year - 1);
    }
    const char *body = text_at(doc, "body");
    const char *pbody = text_at(prev, "body");
    if (body != NULL && pbody != NULL && !same_body(body, pbody)) {
        char q1[200], q2[200];
        quote_text(q1, sizeof q1, body, 120);
        quote_text(q2, sizeof q2, pbody, 120);
        const char *paths[2] = {"body", "previous:body"};
        double vals[2] = {NAN, NAN};
        add_finding(c, NB_SEV_WARNING, "year.previous_body", 2, paths, vals,
                    "跨年度: 上年报告的机关（%s）与本报告（%s）不同", q2, q1);
    }

    /* this year's 二、上年结转 = last year's 四、结转下年度继续办理 */
    ctx pc = *c;
    pc.pprefix = "previous:";
    pc.mprefix = "上年报告 ";
    pc.edition = prev_edition;
    pc.forms = NULL; /* the text given is this year's */
    const cJSON *pcf = at(prev, "applications.carried_forward");
    for (int k = 0; k < 7; k++) {
        double pv;
        char where[200];
        snprintf(where, sizeof where, "%s 四、结转下年度继续办理 / %s", TABLE_B, COL_LABELS[k]);
        bool pok =
            read_value(&pc, pcf, "applications.carried_forward", COL_KEYS[k], V_COUNT, where, &pv);
        c->nomem = c->nomem || pc.nomem;
        if (!pok || !t->ok[1][k] || t->v[1][k] == pv) continue;
        char p0[120], p1[120];
        snprintf(p0, sizeof p0, "applications.carried_over.%s", COL_KEYS[k]);
        snprintf(p1, sizeof p1, "previous:applications.carried_forward.%s", COL_KEYS[k]);
        const char *paths[2] = {p0, p1};
        double vals[2] = {t->v[1][k], pv};
        add_finding(
            c, NB_SEV_ERROR, "year.carry_over", 2, paths, vals,
            "跨年度 %s %s列: 本年 二、上年结转(%.0f) ≠ 上年报告 四、结转下年度继续办理(%.0f)",
            TABLE_B, COL_LABELS[k], vals[0], pv);
    }

    /* 2019 edition table A: 上一年项目数量 = last year's 上一年项目数量 + 本年增/减 */
    if (c->edition != 2019 || prev_edition != 2019) return;
    for (size_t i = 0; i < sizeof LISTED_ROWS / sizeof *LISTED_ROWS; i++) {
        const char *key = LISTED_ROWS[i];
        const char *label = NULL;
        for (size_t j = 0; j < sizeof A_ROWS_2019 / sizeof *A_ROWS_2019; j++)
            if (strcmp(A_ROWS_2019[j].key, key) == 0) label = A_ROWS_2019[j].label;
        char path[80], where[256];
        snprintf(path, sizeof path, "active.%s", key);
        const cJSON *row = at(doc, path), *prow = at(prev, path);
        double cur, pcount, pchange;
        /* this year's values were already reported by read_table_a: read them silently */
        ctx quiet = *c;
        nb_findings sink = {0};
        quiet.out = &sink;
        bool ok = read_value(&quiet, row, path, "previous_count", V_COUNT, "", &cur);
        nb_findings_free(&sink);
        c->nomem = c->nomem || quiet.nomem;
        snprintf(where, sizeof where, "%s %s / 上一年项目数量", TABLE_A, label);
        bool pok1 = read_value(&pc, prow, path, "previous_count", V_COUNT, where, &pcount);
        snprintf(where, sizeof where, "%s %s / 本年增/减", TABLE_A, label);
        bool pok2 = read_value(&pc, prow, path, "change", V_CHANGE, where, &pchange);
        c->nomem = c->nomem || pc.nomem;
        if (!ok || !pok1 || !pok2 || cur == pcount + pchange) continue;
        char p0[120], p1[120], p2[120];
        snprintf(p0, sizeof p0, "%s.previous_count", path);
        snprintf(p1, sizeof p1, "previous:%s.previous_count", path);
        snprintf(p2, sizeof p2, "previous:%s.change", path);
        const char *paths[3] = {p0, p1, p2};
        double vals[3] = {cur, pcount, pchange};
        add_finding(c, NB_SEV_WARNING, "year.previous_count", 3, paths, vals,
                    "跨年度 %s %s: 上一年项目数量(%.0f) ≠ 上年报告的上一年项目数量(%.0f) + "
                    "本年增/减(%+.0f) = %.0f",
                    TABLE_A, label, cur, pcount, pchange, pcount + pchange);
    }
}

/* ------------------------------------------------------------------ the texts */

typedef enum text_kind {
    T_TITLE,
    T_BODY,
    T_SUBJECT,
    T_OFFICE,
    T_OPENING, /* a paragraph of the opening */
    T_PARA,    /* a paragraph of a section */
    T_HEADING, /* a sub-heading {"heading": …} */
    T_RUNIN,   /* the text after a run-in sub-heading {"heading": …, "text": …} */
} text_kind;

typedef struct text_ref {
    text_kind kind;
    const char *s;
    const char *path; /* JSON path, without prefix */
    const char *where; /* the template's words: 标题, 引言第1段, 一、总体情况 第3段 … */
} text_ref;

static bool is_paragraph(text_kind k)
{
    return k == T_OPENING || k == T_PARA || k == T_RUNIN;
}

static void text_finding(ctx *c, const char *rule, const text_ref *t, double value, const char *fmt,
                         ...) __attribute__((format(printf, 5, 6)));

/* A warning about one text, naming its path. */
static void text_finding(ctx *c, const char *rule, const text_ref *t, double value, const char *fmt,
                         ...)
{
    char p[320];
    snprintf(p, sizeof p, "%s%s", c->pprefix, t->path);
    const char *paths[1] = {p};
    va_list ap;
    va_start(ap, fmt);
    add_findingv(c, NB_SEV_WARNING, rule, 1, paths, &value, fmt, ap);
    va_end(ap);
}

/* 1 → 一, 12 → 十二, 20 → 二十 (1–99). */
static void cn_numeral(char *buf, size_t size, int n)
{
    static const char *const d[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    if (n < 1 || n > 99)
        snprintf(buf, size, "%d", n);
    else if (n < 10)
        snprintf(buf, size, "%s", d[n]);
    else
        snprintf(buf, size, "%s十%s", n >= 20 ? d[n / 10] : "", d[n % 10]);
}

/* 【请填写…】 left in: one warning per text. */
static void rule_placeholder(ctx *c, const text_ref *t)
{
    const char *m = strstr(t->s, NB_CHECK_PLACEHOLDER);
    if (m == NULL) return;
    size_t count = 0, mlen = strlen(NB_CHECK_PLACEHOLDER);
    for (const char *p = m; p != NULL; p = strstr(p + mlen, NB_CHECK_PLACEHOLDER))
        count++;
    /* the first marker with what it asks for, up to its 】 (cut after 30 characters) */
    size_t a = (size_t)(m - t->s), b = a + mlen;
    const char *close = strstr(m, "】");
    size_t hi = close != NULL ? (size_t)(close - t->s) + strlen("】") : b;
    char q[200], more[40] = "";
    nb_text_excerpt(q, sizeof q, t->s, a, hi, a, b, 30);
    if (count > 1) snprintf(more, sizeof more, "等%zu处", count);
    text_finding(c, "text.placeholder", t, (double)count,
                 "%s: 尚未填写：“%s”%s（把【请填写…】换成本机关自己的内容）", t->where, q, more);
}

/* Line breaks, tabs, leading and trailing spaces, full-width indentation. */
static void rule_whitespace(ctx *c, const text_ref *t)
{
    size_t first;
    unsigned f = nb_text_whitespace(t->s, &first);
    if (f == 0) return;
    static const struct {
        unsigned flag;
        const char *what;
    } names[] = {
        {NB_WS_NEWLINE, "换行符（版式自行换行，段内换行会印成空隙；要另起一段请写成下一段）"},
        {NB_WS_TAB, "制表符（会印成空隙）"},
        {NB_WS_CONTROL, "控制字符"},
        {NB_WS_INDENT, "开头的全角空格（版式已自动首行缩进两字，再加就缩进过多）"},
        {NB_WS_LEADING, "开头的空格"},
        {NB_WS_TRAILING, "末尾的空格"},
    };
    char what[600] = "", q[200];
    size_t n = 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (f & names[i].flag)
            n += (size_t)snprintf(what + n, sizeof what - n, "%s%s", n ? "、" : "", names[i].what);
    size_t len = strlen(t->s), end = first;
    if (end < len) end += 1;
    while (end < len && ((unsigned char)t->s[end] & 0xC0) == 0x80)
        end++;
    nb_text_excerpt(q, sizeof q, t->s, 0, len, first, end, 24);
    text_finding(c, "text.whitespace", t, NAN, "%s: 有%s，请删去: “%s”", t->where, what, q);
}

/* A sub-heading (or a paragraph) numbered (一) with half-width parentheses. */
static void rule_heading_parens(ctx *c, const text_ref *t)
{
    int n;
    bool half;
    size_t len;
    if (!nb_text_heading_number(t->s, &n, &half, &len) || !half) return;
    char as_written[64], fixed[96];
    size_t lead = 0;
    while (t->s[lead] == ' ' || strncmp(t->s + lead, "\u3000", 3) == 0)
        lead += t->s[lead] == ' ' ? 1 : 3;
    snprintf(as_written, sizeof as_written, "%.*s", (int)(len - lead), t->s + lead);
    size_t k = 0;
    for (const char *p = as_written; *p && k + 4 < sizeof fixed; p++) {
        const char *rep = *p == '(' ? "（" : *p == ')' ? "）" : NULL;
        if (rep) {
            memcpy(fixed + k, rep, 3);
            k += 3;
        } else
            fixed[k++] = *p;
    }
    fixed[k] = '\0';
    text_finding(c, "text.heading_parens", t, n ? n : NAN, "%s: 编号“%s”用了半角括号，应为全角“%s”",
                 t->where, as_written, fixed);
}

/* Whether number `n`, the k-th of a list that began with `first`, follows `prev`: it is
 * prev + 1, or where it stands in the list (so that in 一 二 二 四 only the second 二 is
 * wrong, and in 一 三 四 only 三), or 1 (a new list). */
static bool in_sequence(int n, int prev, int first, size_t k)
{
    return n == 1 || n == prev + 1 || (long long)n == first + (long long)k;
}

/* 一是…二是…二是 in a paragraph: each marker follows the one before, or starts again at 一是. */
static void rule_list_markers(ctx *c, const text_ref *t)
{
    nb_text_marker m[64];
    size_t n = nb_text_list_markers(t->s, m, 64);
    if (n > 64) n = 64;
    for (size_t j = 1, first = 0; j < n; j++) {
        if (m[j].n == 1) first = j; /* a new list */
        if (in_sequence(m[j].n, m[j - 1].n, m[first].n, j - first)) continue;
        char prev[16], cur[16], want[16], q[200];
        cn_numeral(prev, sizeof prev, m[j - 1].n);
        cn_numeral(cur, sizeof cur, m[j].n);
        cn_numeral(want, sizeof want, m[j - 1].n + 1);
        size_t ss, se;
        nb_text_sentence(t->s, m[j].start, &ss, &se);
        nb_text_excerpt(q, sizeof q, t->s, ss, se, m[j].start, m[j].end, 30);
        text_finding(c, "text.numbering", t, m[j].n, "%s: “%s是”之后是“%s是”，应为“%s是”: “%s”",
                     t->where, prev, cur, want, q);
    }
}

/* The name of `kind`'s cell(s) and their values; false when a cell is blank or bad. */
typedef struct fig_cells {
    const char *label;
    const char *paths[2];
    double values[2];
    size_t n;
} fig_cells;

/* A table value read without findings (its own reading already gave them). */
static bool quiet_value(ctx *c, const cJSON *doc, const char *row, const char *key, double *out)
{
    ctx q = *c;
    nb_findings sink = {0};
    q.out = &sink;
    bool ok = read_value(&q, at(doc, row), row, key, V_COUNT, "", out);
    nb_findings_free(&sink);
    c->nomem = c->nomem || q.nomem;
    return ok;
}

static bool fig_cells_of(ctx *c, const cJSON *doc, const btable *tb, nb_fig_kind kind,
                         fig_cells *fc)
{
    size_t total = tb->nrows - 2;
    bool e19 = c->edition == 2019;
    fc->n = 1;
    switch (kind) {
    case NB_FIG_NEW:
    case NB_FIG_ACCEPTED:
        fc->label = TABLE_B " 一、本年新收政府信息公开申请数量 / 总计";
        fc->paths[0] = "applications.new.total";
        fc->values[0] = tb->v[0][6];
        return tb->ok[0][6];
    case NB_FIG_CARRIED_OVER:
        fc->label = TABLE_B " 二、上年结转政府信息公开申请数量 / 总计";
        fc->paths[0] = "applications.carried_over.total";
        fc->values[0] = tb->v[1][6];
        return tb->ok[1][6];
    case NB_FIG_RESULTS:
        fc->label = TABLE_B " " RES "（七）总计 / 总计";
        fc->paths[0] = "applications.results.total.total";
        fc->values[0] = tb->v[total][6];
        return tb->ok[total][6];
    case NB_FIG_RECONSIDERATION:
        fc->label = TABLE_C " 行政复议 / 总计";
        fc->paths[0] = "reviews.reconsideration.total";
        return quiet_value(c, doc, "reviews.reconsideration", "total", &fc->values[0]);
    case NB_FIG_LITIGATION:
        fc->label = TABLE_C " 行政诉讼 总计（未经复议直接起诉 + 复议后起诉）";
        fc->paths[0] = "reviews.litigation_direct.total";
        fc->paths[1] = "reviews.litigation_after_review.total";
        fc->n = 2;
        return quiet_value(c, doc, "reviews.litigation_direct", "total", &fc->values[0]) &&
               quiet_value(c, doc, "reviews.litigation_after_review", "total", &fc->values[1]);
    case NB_FIG_RULES:
        fc->label = e19 ? TABLE_A " 规章 / 本年新公开数量" : TABLE_A " 规章 / 本年制发件数";
        fc->paths[0] = e19 ? "active.rules.new_published" : "active.rules.issued";
        return quiet_value(c, doc, "active.rules", e19 ? "new_published" : "issued",
                           &fc->values[0]);
    case NB_FIG_NORMATIVE:
        fc->label =
            e19 ? TABLE_A " 规范性文件 / 本年新公开数量" : TABLE_A " 行政规范性文件 / 本年制发件数";
        fc->paths[0] =
            e19 ? "active.normative_documents.new_published" : "active.normative_documents.issued";
        return quiet_value(c, doc, "active.normative_documents", e19 ? "new_published" : "issued",
                           &fc->values[0]);
    }
    return false;
}

/* Figures a paragraph states that the tables also hold: each must be the table's. */
static void rule_figures(ctx *c, const text_ref *t, const cJSON *doc, const btable *tb, int year)
{
    nb_figure figs[32];
    size_t n = nb_text_figures(t->s, year, figs, 32);
    if (n > 32) n = 32;
    for (size_t i = 0; i < n; i++) {
        const nb_figure *f = &figs[i];
        fig_cells fc;
        if (!fig_cells_of(c, doc, tb, f->kind, &fc)) continue; /* a blank or bad cell */
        double table = fc.n == 2 ? fc.values[0] + fc.values[1] : fc.values[0];
        double fv = (double)f->value;
        if (fv == table) continue;
        /* 受理 N件, or 收到 N件（含上年结转…）: new and carried over together are right too */
        double with_carry = NAN;
        if ((f->kind == NB_FIG_ACCEPTED || (f->kind == NB_FIG_NEW && f->carry_after)) &&
            tb->ok[1][6]) {
            with_carry = table + tb->v[1][6];
            if (fv == with_carry) continue;
        }
        char q[240], extra[160] = "", p0[320], p1[320], p2[320];
        nb_text_excerpt(q, sizeof q, t->s, f->sent_start, f->sent_end, f->fig_start, f->fig_end,
                        40);
        if (fc.n == 2) snprintf(extra, sizeof extra, "（%.0f + %.0f）", fc.values[0], fc.values[1]);
        if (!isnan(with_carry))
            snprintf(extra + strlen(extra), sizeof extra - strlen(extra),
                     "（与二、上年结转之和为%.0f，也不相符）", with_carry);
        snprintf(p0, sizeof p0, "%s%s", c->pprefix, t->path);
        snprintf(p1, sizeof p1, "%s%s", c->pprefix, fc.paths[0]);
        snprintf(p2, sizeof p2, "%s%s", c->pprefix, fc.n == 2 ? fc.paths[1] : "");
        const char *paths[3] = {p0, p1, p2};
        double vals[3] = {fv, fc.values[0], fc.values[1]};
        add_finding(c, NB_SEV_WARNING, "text.table_mismatch", 1 + fc.n, paths, vals,
                    "正文与表格不符: %s“%s”写%lld件，而%s为%.0f%s", t->where, q, f->value, fc.label,
                    table, extra);
    }
}

/* The title, and each opening paragraph's statistics period, name the report year. */
static void rule_text_years(ctx *c, const cJSON *doc, int year)
{
    const char *title = text_at(doc, "title");
    nb_text_year ys[8];
    if (title != NULL) {
        size_t n = nb_text_years(title, 0, strlen(title), ys, 8), k;
        for (k = 0; k < n && k < 8 && ys[k].year != year; k++)
            ;
        if (n > 0 && k == (n < 8 ? n : 8)) {
            const char *paths[2] = {"title", "year"};
            double vals[2] = {ys[0].year, year};
            add_finding(c, NB_SEV_WARNING, "text.year", 2, paths, vals,
                        "标题写的是%d年，而报告年度（year）是%d年", ys[0].year, year);
        }
    }
    const cJSON *opening = child(doc, "opening");
    if (!cJSON_IsArray(opening)) return;
    int i = 0;
    for (const cJSON *it = opening->child; it != NULL; it = it->next, i++) {
        size_t ss, se;
        if (!cJSON_IsString(it) || !nb_text_period_sentence(it->valuestring, &ss, &se)) continue;
        size_t n = nb_text_years(it->valuestring, ss, se, ys, 8);
        for (size_t k = 0; k < n && k < 8; k++) {
            if (ys[k].year == year) continue;
            char p[40], q[240];
            snprintf(p, sizeof p, "opening[%d]", i);
            nb_text_excerpt(q, sizeof q, it->valuestring, ss, se, ys[k].start, ys[k].end, 40);
            const char *paths[2] = {p, "year"};
            double vals[2] = {ys[k].year, year};
            add_finding(c, NB_SEV_WARNING, "text.year", 2, paths, vals,
                        "引言第%d段的统计期限写的是%d年，而报告年度（year）是%d年: “%s”", i + 1,
                        ys[k].year, year, q);
            break;
        }
    }
}

/* Spaces (half- and full-width) at both ends of s[0, *len) cut off; returns the start. */
static const char *trim(const char *s, size_t *len)
{
    size_t a = 0, b = strlen(s);
    for (;;) {
        if (a < b && s[a] == ' ')
            a++;
        else if (b - a >= 3 && strncmp(s + a, "\u3000", 3) == 0)
            a += 3;
        else
            break;
    }
    for (;;) {
        if (b > a && s[b - 1] == ' ')
            b--;
        else if (b - a >= 3 && strncmp(s + b - 3, "\u3000", 3) == 0)
            b -= 3;
        else
            break;
    }
    *len = b - a;
    return s + a;
}

/* Whether `s` repeats the section heading `title` (一、总体情况): the heading itself, with
 * or without its number (总体情况, 一.总体情况), or followed by more text. */
static bool repeats_heading(const char *s, const char *title)
{
    size_t len;
    const char *t = trim(s, &len);
    size_t tl = strlen(title);
    if (len >= tl && memcmp(t, title, tl) == 0) return true; /* 一、总体情况… */
    const char *bare = strstr(title, "、") + strlen("、");
    size_t bl = strlen(bare);
    if (len < bl || memcmp(t + len - bl, bare, bl) != 0) return false;
    size_t pre = len - bl, nl;
    if (pre == 0) return true; /* 总体情况 */
    if (nb_text_cn_numeral(t, &nl) == 0 || nl >= pre) return false;
    static const char *const seps[] = {"、", "．", "，", ".", ",", " ", "\u3000"};
    for (size_t i = 0; i < sizeof seps / sizeof *seps; i++)
        if (pre - nl == strlen(seps[i]) && memcmp(t + nl, seps[i], pre - nl) == 0) return true;
    return false;
}

/* One section's items: its first item repeating the heading, the sub-headings' numbering,
 * and every text in it. */
typedef struct numbered {
    int n;
    const char *s;
    char path[96];
} numbered;

static void texts_of_section(ctx *c, const cJSON *doc, const btable *tb, int year, int k);

static void per_text(ctx *c, const text_ref *t, const cJSON *doc, const btable *tb, int year)
{
    rule_placeholder(c, t);
    rule_whitespace(c, t);
    if (t->kind == T_HEADING || t->kind == T_PARA) rule_heading_parens(c, t);
    if (is_paragraph(t->kind)) {
        rule_list_markers(c, t);
        rule_figures(c, t, doc, tb, year);
    }
}

static void rule_heading_numbers(ctx *c, const numbered *items, size_t n, const char *title)
{
    for (size_t j = 1, first = 0; j < n; j++) {
        if (items[j].n == 1) first = j; /* numbering starts again */
        if (in_sequence(items[j].n, items[j - 1].n, items[first].n, j - first)) continue;
        char want[16], q0[120], q1[120];
        cn_numeral(want, sizeof want, items[j - 1].n + 1);
        size_t l0 = strlen(items[j - 1].s), l1 = strlen(items[j].s);
        nb_text_excerpt(q0, sizeof q0, items[j - 1].s, 0, l0, 0, 0, 16);
        nb_text_excerpt(q1, sizeof q1, items[j].s, 0, l1, 0, 0, 16);
        const char *paths[2] = {items[j - 1].path, items[j].path};
        double vals[2] = {items[j - 1].n, items[j].n};
        add_finding(c, NB_SEV_WARNING, "text.numbering", 2, paths, vals,
                    "%s: 小标题“%s”之后是“%s”，编号应为“（%s）”", title, q0, q1, want);
    }
}

static void texts_of_section(ctx *c, const cJSON *doc, const btable *tb, int year, int k)
{
    char path[64], ip[96], where[160];
    snprintf(path, sizeof path, "sections.%s", SECTION_KEYS[k]);
    const cJSON *arr = at(doc, path);
    if (!cJSON_IsArray(arr)) return;
    numbered heads[64], paras[64];
    size_t nh = 0, np = 0;
    int i = 0;
    for (const cJSON *it = arr->child; it != NULL; it = it->next, i++) {
        item_where(where, sizeof where, SECTION_TITLES[k], i);
        const char *h = text_at(it, "heading");
        const char *s = cJSON_IsString(it) ? it->valuestring : h;
        if (i == 0 && s != NULL && repeats_heading(s, SECTION_TITLES[k])) {
            snprintf(ip, sizeof ip, "%s[0]%s", path, h ? ".heading" : "");
            text_ref t = {T_PARA, s, ip, where};
            char q[160];
            size_t len = strlen(s);
            nb_text_excerpt(q, sizeof q, s, 0, len, 0, 0, 24);
            text_finding(c, "text.heading_repeated", &t, NAN,
                         "%s: “%s”重复了本节标题“%s”（节标题由版式印出，请删去）", where, q,
                         SECTION_TITLES[k]);
        }
        int n;
        bool half;
        size_t nl;
        if (cJSON_IsString(it) && it->valuestring[0] != '\0') {
            snprintf(ip, sizeof ip, "%s[%d]", path, i);
            text_ref t = {T_PARA, it->valuestring, ip, where};
            per_text(c, &t, doc, tb, year);
            if (np < 64 && nb_text_heading_number(it->valuestring, &n, &half, &nl) && n > 0) {
                paras[np] = (numbered){n, it->valuestring, ""};
                snprintf(paras[np++].path, sizeof paras[0].path, "%s", ip);
            }
            continue;
        }
        if (h == NULL) continue;
        char hw[200];
        snprintf(ip, sizeof ip, "%s[%d].heading", path, i);
        snprintf(hw, sizeof hw, "%s（小标题）", where);
        text_ref t = {T_HEADING, h, ip, hw};
        per_text(c, &t, doc, tb, year);
        if (nh < 64 && nb_text_heading_number(h, &n, &half, &nl) && n > 0) {
            heads[nh] = (numbered){n, h, ""};
            snprintf(heads[nh++].path, sizeof heads[0].path, "%s", ip);
        }
        const char *run = text_at(it, "text");
        if (run != NULL) {
            snprintf(ip, sizeof ip, "%s[%d].text", path, i);
            snprintf(hw, sizeof hw, "%s（小标题后的正文）", where);
            text_ref r = {T_RUNIN, run, ip, hw};
            per_text(c, &r, doc, tb, year);
        }
    }
    /* the sub-headings' numbering; paragraphs that begin （一）… when there are none */
    if (nh > 0)
        rule_heading_numbers(c, heads, nh, SECTION_TITLES[k]);
    else
        rule_heading_numbers(c, paras, np, SECTION_TITLES[k]);
}

/* Every rule on the texts, in document order. */
static void rules_texts(ctx *c, const cJSON *doc, const btable *tb)
{
    int year = 0;
    bool year_ok = year_of(doc, &year);
    static const struct {
        const char *key, *where;
        text_kind kind;
    } singles[] = {{"title", "标题", T_TITLE},
                   {"body", "发布机关", T_BODY},
                   {"subject", "主题（PDF 文档属性）", T_SUBJECT}};
    for (size_t i = 0; i < sizeof singles / sizeof *singles; i++) {
        const char *s = text_at(doc, singles[i].key);
        if (s == NULL) continue;
        text_ref t = {singles[i].kind, s, singles[i].key, singles[i].where};
        per_text(c, &t, doc, tb, year);
    }
    if (year_ok) rule_text_years(c, doc, year);
    const cJSON *opening = child(doc, "opening");
    int i = 0;
    for (const cJSON *it = cJSON_IsArray(opening) ? opening->child : NULL; it != NULL;
         it = it->next, i++) {
        if (!cJSON_IsString(it) || it->valuestring[0] == '\0') continue;
        char ip[40], where[40];
        snprintf(ip, sizeof ip, "opening[%d]", i);
        item_where(where, sizeof where, "引言", i);
        text_ref t = {T_OPENING, it->valuestring, ip, where};
        per_text(c, &t, doc, tb, year);
    }
    for (int k = 0; k < 3; k++)
        texts_of_section(c, doc, tb, year, k);
    const char *office = text_at(child(doc, "signature"), "office");
    if (office != NULL) {
        text_ref t = {T_OFFICE, office, "signature.office", "落款单位"};
        per_text(c, &t, doc, tb, year);
    }
}

/* ------------------------------------------------------------------ number forms */

static bool collect_form(void *arg, const char *path, const char *lexeme, size_t len, size_t offset)
{
    (void)offset;
    num_forms *nf = arg;
    /* only table values are counts; a report has a few hundred */
    if (strncmp(path, "active.", 7) != 0 && strncmp(path, "applications.", 13) != 0 &&
        strncmp(path, "reviews.", 8) != 0)
        return true;
    if (strlen(path) > 200 || nf->count >= 8192) return true;
    if (nf->count == nf->cap) {
        size_t cap = nf->cap ? nf->cap * 2 : 256;
        num_form *items = realloc(nf->items, cap * sizeof *items);
        if (items == NULL) {
            nf->nomem = true;
            return false;
        }
        nf->items = items;
        nf->cap = cap;
    }
    num_form *f = &nf->items[nf->count];
    memset(f, 0, sizeof *f);
    f->path = dup_str(path);
    if (f->path == NULL) {
        nf->nomem = true;
        return false;
    }
    nf->count++;
    f->decimal = memchr(lexeme, '.', len) || memchr(lexeme, 'e', len) || memchr(lexeme, 'E', len);
    if (!f->decimal) return true;
    nf->ndecimal++;
    f->integral = nb_jsonlex_is_integral(lexeme, len);
    if (len < sizeof f->lexeme)
        snprintf(f->lexeme, sizeof f->lexeme, "%.*s", (int)len, lexeme);
    else
        snprintf(f->lexeme, sizeof f->lexeme, "%.*s…", (int)(sizeof f->lexeme - 4), lexeme);
    char buf[400];
    f->value = NAN;
    if (len < sizeof buf) {
        memcpy(buf, lexeme, len);
        buf[len] = '\0';
        errno = 0;
        f->value = strtod(buf, NULL);
    }
    return true;
}

static void forms_free(num_forms *nf)
{
    for (size_t i = 0; i < nf->count; i++)
        free(nf->items[i].path);
    free(nf->items);
}

/* ------------------------------------------------------------------ entry points */

nb_code nb_check(const cJSON *data, const cJSON *previous, nb_findings *out, nb_status *st)
{
    return nb_check_ex(data, previous, NULL, out, st);
}

nb_code nb_check_ex(const cJSON *data, const cJSON *previous, const nb_check_opts *opts,
                    nb_findings *out, nb_status *st)
{
    memset(out, 0, sizeof *out);
    if (nb_check_structure(data, st) != NB_OK) return st->code;
    if (previous != NULL && nb_check_structure(previous, st) != NB_OK) {
        nb_status_prefix(st, "previous report");
        return st->code;
    }
    num_forms forms = {0};
    if (opts != NULL && opts->text != NULL) {
        nb_code rc = nb_jsonlex_numbers(opts->text, opts->text_len, collect_form, &forms, st);
        if (rc == NB_OK && forms.nomem) rc = nb_fail(st, NB_ERR_NOMEM, "checker: out of memory");
        if (rc != NB_OK) {
            forms_free(&forms);
            if (rc != NB_ERR_NOMEM) nb_status_prefix(st, "checker: the text given with the data");
            return rc;
        }
    }
    ctx c = {out, false, edition_of(data), "", "", 0, 0, opts && opts->text ? &forms : NULL};

    structure(&c, data);
    walk_keys(&c, data, c.edition == 2019 ? top19_keys : top21_keys,
              c.edition == 2019 ? top21_keys : top19_keys, "");
    if (c.key_warnings_dropped > 0) {
        double n = (double)c.key_warnings_dropped;
        const char *paths[1] = {"$"};
        add_finding(&c, NB_SEV_WARNING, "key.unknown", 1, paths, &n,
                    "另有 %zu 个未知的键未逐一列出", c.key_warnings_dropped);
    }
    rule_edition_year(&c, data);
    read_table_a(&c, data);
    btable *t = calloc(1, sizeof *t);
    if (t == NULL) {
        forms_free(&forms);
        return nb_fail(st, NB_ERR_NOMEM, "checker: out of memory");
    }
    read_table_b(&c, data, t);
    rule_b_row_total(&c, t);
    rule_b_columns(&c, t);
    rule_table_c(&c, data);
    rule_date(&c, data);
    rule_fees_statement(&c, data);
    rules_texts(&c, data, t);
    if (previous != NULL) {
        ctx pc = c;
        pc.pprefix = "previous:";
        pc.mprefix = "上年报告 ";
        pc.edition = edition_of(previous);
        pc.forms = NULL;
        structure(&pc, previous);
        c.nomem = c.nomem || pc.nomem;
        rules_cross_year(&c, data, t, previous);
    }
    free(t);
    forms_free(&forms);
    if (c.nomem) return nb_fail(st, NB_ERR_NOMEM, "checker: out of memory");
    return NB_OK;
}

static size_t count_severity(const nb_findings *f, nb_severity sev)
{
    size_t n = 0;
    for (size_t i = 0; i < f->count; i++)
        n += f->items[i].severity == sev;
    return n;
}

size_t nb_findings_errors(const nb_findings *f)
{
    return count_severity(f, NB_SEV_ERROR);
}

size_t nb_findings_warnings(const nb_findings *f)
{
    return count_severity(f, NB_SEV_WARNING);
}

size_t nb_findings_notes(const nb_findings *f)
{
    return count_severity(f, NB_SEV_NOTE);
}

static const char *sev_name(nb_severity s)
{
    return s == NB_SEV_ERROR ? "error" : s == NB_SEV_NOTE ? "note" : "warning";
}

void nb_findings_print(const nb_findings *f, const char *file, FILE *out)
{
    for (size_t i = 0; i < f->count; i++) {
        const nb_finding *it = &f->items[i];
        if (file != NULL) fprintf(out, "%s: ", file);
        fprintf(out, "%s: %s  [", sev_name(it->severity), it->message);
        for (size_t j = 0; j < it->npaths; j++)
            fprintf(out, "%s%s", j ? ", " : "", it->paths[j]);
        fputs("]\n", out);
    }
}

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7F)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void json_number(FILE *out, double v)
{
    char buf[40];
    if (!isfinite(v)) {
        fputs("null", out);
        return;
    }
    fmt_number(buf, sizeof buf, v);
    fputs(buf, out);
}

void nb_findings_print_json(const nb_findings *f, const char *file, FILE *out)
{
    fputs("{\"file\": ", out);
    if (file != NULL)
        json_string(out, file);
    else
        fputs("null", out);
    fputs(", \"findings\": [", out);
    for (size_t i = 0; i < f->count; i++) {
        const nb_finding *it = &f->items[i];
        fputs(i ? ",\n  {" : "\n  {", out);
        fprintf(out, "\"severity\": \"%s\", \"rule\": ", sev_name(it->severity));
        json_string(out, it->rule);
        fputs(", \"message\": ", out);
        json_string(out, it->message);
        fputs(", \"paths\": [", out);
        for (size_t j = 0; j < it->npaths; j++) {
            if (j) fputs(", ", out);
            json_string(out, it->paths[j]);
        }
        fputs("], \"values\": [", out);
        for (size_t j = 0; j < it->npaths; j++) {
            if (j) fputs(", ", out);
            json_number(out, it->values[j]);
        }
        fputs("]}", out);
    }
    fprintf(out, "%s], \"errors\": %zu, \"warnings\": %zu, \"notes\": %zu}\n", f->count ? "\n" : "",
            nb_findings_errors(f), nb_findings_warnings(f), nb_findings_notes(f));
}

void nb_findings_free(nb_findings *f)
{
    if (f == NULL) return;
    for (size_t i = 0; i < f->count; i++)
        finding_clear(&f->items[i]);
    free(f->items);
    memset(f, 0, sizeof *f);
}
