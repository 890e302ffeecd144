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
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SAFE 9007199254740991.0 /* 2^53 - 1 */
#define MAX_KEY_WARNINGS 50

static const char TABLE_A[] = "二、主动公开政府信息情况";
static const char TABLE_B[] = "三、收到和处理政府信息公开申请情况";
static const char TABLE_C[] = "四、政府信息公开行政复议、行政诉讼情况";

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

typedef struct ctx {
    nb_findings *out;
    bool nomem;
    int edition;         /* 2019 or 2021 */
    const char *pprefix; /* put before every JSON path ("" or "previous:") */
    const char *mprefix; /* put before every message ("" or "上年报告 ") */
    size_t key_warnings;
    size_t key_warnings_dropped;
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
static void add_finding(ctx *c, nb_severity sev, const char *rule, size_t n,
                        const char *const *paths, const double *values, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static void add_finding(ctx *c, nb_severity sev, const char *rule, size_t n,
                        const char *const *paths, const double *values, const char *fmt, ...)
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
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    size_t plen = strlen(c->mprefix);
    f.message = len < 0 ? NULL : malloc(plen + (size_t)len + 1);
    f.rule = dup_str(rule);
    f.paths = calloc(n ? n : 1, sizeof *f.paths);
    f.values = calloc(n ? n : 1, sizeof *f.values);
    if (f.message == NULL || f.rule == NULL || f.paths == NULL || f.values == NULL) goto fail;
    memcpy(f.message, c->mprefix, plen);
    va_start(ap, fmt);
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

/* Reads one value of `kind` at row.key.  On a type problem, a blank (JSON null) or absence
 * adds a finding and returns false, so that every rule needing the value is skipped.
 * `path` is the row's JSON path (without prefix); `where` names the cell by the template's
 * words ("TABLE ROW / COLUMN").  An amount written as a decimal string is valid with *out
 * NaN: it is never turned into a double. */
static bool read_value(ctx *c, const cJSON *row, const char *path, const char *key, val_kind kind,
                       const char *where, double *out)
{
    char p[320], d[160];
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
    else if (kind != V_CHANGE && x < 0)
        problem = "（为负数）";
    else if (fabs(x) > MAX_SAFE)
        problem = "（超出 2^53−1，无法精确表示）";
    if (problem != NULL) {
        describe(d, sizeof d, v);
        add_finding(c, NB_SEV_ERROR, rule, 1, paths, &x, "%s: 应为%s，实为 %s%s", where, want, d,
                    problem);
        return false;
    }
    *out = x == 0 ? 0 : x; /* no -0 */
    return true;
}

/* ------------------------------------------------------------------ structure */

static nb_code need_object(const cJSON *parent, const char *key, const char *path, int edition,
                           const cJSON **out, nb_status *st)
{
    const cJSON *v = child(parent, key);
    if (v == NULL)
        return nb_fail(st, NB_ERR_DATA, "$.%s: missing (required by the %d edition)", path,
                       edition);
    if (!cJSON_IsObject(v))
        return nb_fail(st, NB_ERR_DATA, "$.%s: expected an object, got %s", path, json_type(v));
    *out = v;
    return NB_OK;
}

static nb_code need_string(const cJSON *parent, const char *key, const char *path, bool required,
                           nb_status *st)
{
    const cJSON *v = child(parent, key);
    if (v == NULL) {
        if (!required) return NB_OK;
        return nb_fail(st, NB_ERR_DATA, "$.%s: missing (a required field)", path);
    }
    if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
        return nb_fail(st, NB_ERR_DATA, "$.%s: expected a non-empty string, got %s", path,
                       cJSON_IsString(v) ? "an empty string" : json_type(v));
    return NB_OK;
}

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

static nb_code check_items(const cJSON *arr, const char *path, bool headings, nb_status *st)
{
    if (arr == NULL) return nb_fail(st, NB_ERR_DATA, "$.%s: missing (a required field)", path);
    if (!cJSON_IsArray(arr) || arr->child == NULL)
        return nb_fail(st, NB_ERR_DATA, "$.%s: expected a non-empty array of paragraphs, got %s",
                       path, cJSON_IsArray(arr) ? "an empty array" : json_type(arr));
    int i = 0;
    for (const cJSON *it = arr->child; it != NULL; it = it->next, i++) {
        if (cJSON_IsString(it) && it->valuestring[0] != '\0') continue;
        const cJSON *h = child(it, "heading"), *t = child(it, "text");
        if (headings && cJSON_IsString(h) && h->valuestring[0] != '\0') {
            if (t == NULL || (cJSON_IsString(t) && t->valuestring[0] != '\0')) continue;
            return nb_fail(st, NB_ERR_DATA,
                           "$.%s[%d].text: expected the non-empty paragraph that follows the "
                           "run-in sub-heading, got %s",
                           path, i, cJSON_IsString(t) ? "an empty string" : json_type(t));
        }
        if (headings && cJSON_IsObject(it) && h != NULL)
            return nb_fail(st, NB_ERR_DATA, "$.%s[%d].heading: expected a non-empty string, got %s",
                           path, i, cJSON_IsString(h) ? "an empty string" : json_type(h));
        if (headings && cJSON_IsObject(it) && t != NULL)
            return nb_fail(st, NB_ERR_DATA,
                           "$.%s[%d].heading: missing (an item with \"text\" is a paragraph that "
                           "begins with its sub-heading; write a plain string for a paragraph "
                           "without one)",
                           path, i);
        return nb_fail(st, NB_ERR_DATA, "$.%s[%d]: expected %s, got %s", path, i,
                       headings ? "a non-empty paragraph string, {\"heading\": \"…\"} or "
                                  "{\"heading\": \"…\", \"text\": \"…\"}"
                                : "a non-empty paragraph string",
                       cJSON_IsString(it) ? "an empty string" : json_type(it));
    }
    return NB_OK;
}

static int edition_of(const cJSON *doc)
{
    const cJSON *e = child(doc, "edition");
    if (!cJSON_IsString(e)) return 0;
    if (strcmp(e->valuestring, "2019") == 0) return 2019;
    if (strcmp(e->valuestring, "2021") == 0) return 2021;
    return 0;
}

nb_code nb_check_structure(const cJSON *doc, nb_status *st)
{
    if (!cJSON_IsObject(doc))
        return nb_fail(st, NB_ERR_DATA, "$: expected a JSON object (the report), got %s",
                       json_type(doc));
    const cJSON *e = child(doc, "edition");
    if (e == NULL)
        return nb_fail(st, NB_ERR_DATA, "$.edition: missing (expected \"2019\" or \"2021\")");
    int edition = edition_of(doc);
    if (edition == 0) {
        char d[160];
        describe(d, sizeof d, e);
        return nb_fail(st, NB_ERR_DATA,
                       "$.edition: unknown edition %s (expected the string \"2019\" or \"2021\")",
                       d);
    }
    if (need_string(doc, "title", "title", true, st) ||
        need_string(doc, "body", "body", true, st) ||
        need_string(doc, "subject", "subject", false, st))
        return st->code;
    const cJSON *y = child(doc, "year");
    if (y == NULL) return nb_fail(st, NB_ERR_DATA, "$.year: missing (a required field)");
    if (!cJSON_IsNumber(y) || y->valuedouble != floor(y->valuedouble) || y->valuedouble < 1000 ||
        y->valuedouble > 9999) {
        char d[160];
        describe(d, sizeof d, y);
        return nb_fail(st, NB_ERR_DATA, "$.year: expected a four-digit integer year, got %s", d);
    }
    /* The signature is optional (most published reports print none); when given, it has
     * both the office and the date. */
    const cJSON *sig = child(doc, "signature");
    if (sig != NULL && !cJSON_IsObject(sig))
        return nb_fail(st, NB_ERR_DATA,
                       "$.signature: expected an object {office, date}, got %s (leave the key "
                       "out when the report prints no signature)",
                       json_type(sig));
    if (sig != NULL && (need_string(sig, "office", "signature.office", true, st) ||
                        need_string(sig, "date", "signature.date", true, st)))
        return st->code;
    int yy, mm, dd;
    const char *date = sig != NULL ? child(sig, "date")->valuestring : "";
    if (sig != NULL && !parse_date(date, &yy, &mm, &dd)) {
        char q[96];
        quote_text(q, sizeof q, date, 40);
        return nb_fail(st, NB_ERR_DATA,
                       "$.signature.date: expected a calendar date \"YYYY-MM-DD\", got \"%s\"", q);
    }
    if (check_items(child(doc, "opening"), "opening", false, st)) return st->code;
    const cJSON *sections = child(doc, "sections");
    if (sections == NULL) return nb_fail(st, NB_ERR_DATA, "$.sections: missing (a required field)");
    if (!cJSON_IsObject(sections))
        return nb_fail(st, NB_ERR_DATA, "$.sections: expected an object, got %s",
                       json_type(sections));
    if (check_items(child(sections, "overview"), "sections.overview", true, st) ||
        check_items(child(sections, "problems"), "sections.problems", true, st) ||
        check_items(child(sections, "other"), "sections.other", true, st))
        return st->code;

    /* the three tables and each of their row objects */
    const cJSON *active, *apps, *reviews, *row;
    if (need_object(doc, "active", "active", edition, &active, st)) return st->code;
    const a_row *arows = edition == 2019 ? A_ROWS_2019 : A_ROWS_2021;
    size_t narows = edition == 2019 ? sizeof A_ROWS_2019 / sizeof *A_ROWS_2019
                                    : sizeof A_ROWS_2021 / sizeof *A_ROWS_2021;
    char path[160];
    for (size_t i = 0; i < narows; i++) {
        snprintf(path, sizeof path, "active.%s", arows[i].key);
        if (need_object(active, arows[i].key, path, edition, &row, st)) return st->code;
    }
    if (need_object(doc, "applications", "applications", edition, &apps, st)) return st->code;
    const b_row *brows = edition == 2019 ? B_ROWS_2019 : B_ROWS_2021;
    size_t nbrows = edition == 2019 ? sizeof B_ROWS_2019 / sizeof *B_ROWS_2019
                                    : sizeof B_ROWS_2021 / sizeof *B_ROWS_2021;
    for (size_t i = 0; i < nbrows; i++) {
        /* walk the dotted path so the first missing level is the one named */
        const cJSON *node = apps;
        const char *p = brows[i].path;
        char key[64];
        while (*p != '\0') {
            const char *dot = strchr(p, '.');
            size_t n = dot ? (size_t)(dot - p) : strlen(p);
            memcpy(key, p, n);
            key[n] = '\0';
            snprintf(path, sizeof path, "applications.%.*s", (int)(p + n - brows[i].path),
                     brows[i].path);
            if (need_object(node, key, path, edition, &node, st)) return st->code;
            p = dot ? dot + 1 : p + n;
        }
    }
    if (need_object(doc, "reviews", "reviews", edition, &reviews, st)) return st->code;
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "reviews.%s", C_KEYS[i]);
        if (need_object(reviews, C_KEYS[i], path, edition, &row, st)) return st->code;
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
    int y, m, d;
    int year = (int)child(doc, "year")->valuedouble;
    const cJSON *sig = child(doc, "signature");
    if (sig == NULL) {
        const char *paths[1] = {"signature"};
        double nan_v = NAN;
        add_finding(c, NB_SEV_NOTE, "date.no_signature", 1, paths, &nan_v,
                    "无落款: 不打印落款单位和成文日期，也不校验成文日期是否在统计期（%d年12月31日）"
                    "之后",
                    year);
        return;
    }
    if (!parse_date(child(sig, "date")->valuestring, &y, &m, &d)) return;
    if (y > year) return;
    const char *paths[2] = {"signature.date", "year"};
    double vals[2] = {NAN, year};
    add_finding(c, NB_SEV_WARNING, "date.after_period", 2, paths, vals,
                "落款日期 %d年%d月%d日 不在统计期（%d年1月1日至%d年12月31日）结束之后", y, m, d,
                year, year);
}

static void rule_edition_year(ctx *c, const cJSON *doc)
{
    int year = (int)child(doc, "year")->valuedouble;
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
    int year = (int)child(doc, "year")->valuedouble;
    int pyear = (int)child(prev, "year")->valuedouble;
    if (pyear != year - 1) {
        const char *paths[2] = {"year", "previous:year"};
        double vals[2] = {year, pyear};
        add_finding(c, NB_SEV_WARNING, "year.previous_year", 2, paths, vals,
                    "跨年度: 上年报告为%d年度，本报告为%d年度（应为%d年度）", pyear, year,
                    year - 1);
    }
    const char *body = child(doc, "body")->valuestring;
    const char *pbody = child(prev, "body")->valuestring;
    if (!same_body(body, pbody)) {
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

/* ------------------------------------------------------------------ entry points */

nb_code nb_check(const cJSON *data, const cJSON *previous, nb_findings *out, nb_status *st)
{
    memset(out, 0, sizeof *out);
    if (nb_check_structure(data, st) != NB_OK) return st->code;
    if (previous != NULL && nb_check_structure(previous, st) != NB_OK) {
        nb_status_prefix(st, "previous report");
        return st->code;
    }
    ctx c = {out, false, edition_of(data), "", "", 0, 0};

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
    if (t == NULL) return nb_fail(st, NB_ERR_NOMEM, "checker: out of memory");
    read_table_b(&c, data, t);
    rule_b_row_total(&c, t);
    rule_b_columns(&c, t);
    rule_table_c(&c, data);
    rule_date(&c, data);
    rule_fees_statement(&c, data);
    if (previous != NULL) rules_cross_year(&c, data, t, previous);
    free(t);
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
