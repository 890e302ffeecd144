#include "layout.h"

#include <cjson/cJSON.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonin.h"
#include "utf8.h"

/* A reader's context: the file name for messages, the arena, the status. */
typedef struct rd {
    const char *file;
    nb_arena *arena;
    nb_status *st;
} rd;

#define FAIL(r, path, ...) rd_fail(r, path, __VA_ARGS__)

static nb_code rd_fail(rd *r, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static nb_code rd_fail(rd *r, const char *path, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return nb_fail(r->st, NB_ERR_LAYOUT, "%s: $%s%s: %s", r->file, path[0] ? "." : "", path, msg);
}

static const struct {
    const char *name;
    float pt;
} chinese_sizes[] = {
    {"初号", 42},  {"小初", 36},  {"一号", 26},  {"小一", 24}, {"二号", 22},   {"小二", 18},
    {"三号", 16},  {"小三", 15},  {"四号", 14},  {"小四", 12}, {"五号", 10.5}, {"小五", 9},
    {"六号", 7.5}, {"小六", 6.5}, {"七号", 5.5}, {"八号", 5},
};

bool nb_parse_size(const char *s, float *pt)
{
    for (size_t i = 0; i < sizeof chinese_sizes / sizeof chinese_sizes[0]; i++) {
        if (strcmp(s, chinese_sizes[i].name) == 0) {
            *pt = chinese_sizes[i].pt;
            return true;
        }
    }
    char *end;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v) || v < 0 || v > 10000) return false;
    while (*end == ' ')
        end++;
    if (*end == '\0' || strcmp(end, "pt") == 0)
        *pt = (float)v;
    else if (strcmp(end, "mm") == 0)
        *pt = (float)(v * 72.0 / 25.4);
    else if (strcmp(end, "cm") == 0)
        *pt = (float)(v * 720.0 / 25.4);
    else
        return false;
    return true;
}

/* Arena memory for the layout being read; on failure the status says so (NB_ERR_NOMEM). */
static void *rd_alloc(rd *r, size_t size)
{
    void *p = nb_arena_alloc(r->arena, size);
    if (!p) nb_fail(r->st, NB_ERR_NOMEM, "%s: out of memory reading the layout", r->file);
    return p;
}

/* A copy of `s` in the layout's arena; NULL (and NB_ERR_NOMEM) when memory ran out. */
static char *rd_strdup(rd *r, const char *s)
{
    char *p = nb_arena_strdup(r->arena, s);
    if (!p) nb_fail(r->st, NB_ERR_NOMEM, "%s: out of memory reading the layout", r->file);
    return p;
}

static void join(char *buf, size_t n, const char *base, const char *key)
{
    /* Paths longer than the buffer are cut; they only go into messages. */
    int len = base[0] ? snprintf(buf, n, "%s.%s", base, key) : snprintf(buf, n, "%s", key);
    if (len < 0 || (size_t)len >= n) buf[n - 1] = '\0';
}

static const char *get_str(rd *r, const cJSON *obj, const char *base, const char *key,
                           bool required, const char *dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    char path[512];
    join(path, sizeof path, base, key);
    if (v == NULL) {
        if (required) FAIL(r, path, "missing (expected a string)");
        return dflt;
    }
    if (!cJSON_IsString(v)) {
        FAIL(r, path, "expected a string");
        return NULL;
    }
    return rd_strdup(r, v->valuestring);
}

/* A length: a number (pt) or a string "7mm", "16pt", "三号". */
static bool get_len(rd *r, const cJSON *obj, const char *base, const char *key, float *out,
                    bool required)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    char path[512];
    join(path, sizeof path, base, key);
    if (v == NULL) {
        if (required) FAIL(r, path, "missing (expected a size such as 16, \"7mm\" or \"三号\")");
        return !required;
    }
    if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble >= 0 &&
        v->valuedouble < 10000) {
        *out = (float)v->valuedouble;
        return true;
    }
    if (cJSON_IsString(v) && nb_parse_size(v->valuestring, out)) return true;
    FAIL(r, path, "expected a size such as 16, \"7mm\" or \"三号\"");
    return false;
}

static bool get_num(rd *r, const cJSON *obj, const char *base, const char *key, float *out,
                    float lo, float hi)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL) return true;
    char path[512];
    join(path, sizeof path, base, key);
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= lo && v->valuedouble <= hi)) {
        FAIL(r, path, "expected a number from %g to %g", lo, hi);
        return false;
    }
    *out = (float)v->valuedouble;
    return true;
}

/* A whole number from lo to hi (counts: rows, columns, levels, lines). */
static bool get_int(rd *r, const cJSON *obj, const char *base, const char *key, float *out, int lo,
                    int hi)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL) return true;
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= lo && v->valuedouble <= hi) ||
        v->valuedouble != floor(v->valuedouble)) {
        char path[512];
        join(path, sizeof path, base, key);
        FAIL(r, path, "expected a whole number from %d to %d", lo, hi);
        return false;
    }
    *out = (float)v->valuedouble;
    return true;
}

static bool get_bool(rd *r, const cJSON *obj, const char *base, const char *key, bool *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL) return true;
    if (!cJSON_IsBool(v)) {
        char path[512];
        join(path, sizeof path, base, key);
        FAIL(r, path, "expected true or false");
        return false;
    }
    *out = cJSON_IsTrue(v);
    return true;
}

static bool check_keys(rd *r, const cJSON *obj, const char *base, const char *const *allowed)
{
    for (const cJSON *c = obj->child; c; c = c->next) {
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(c->string, *a) == 0) ok = true;
        if (!ok) {
            char path[512];
            join(path, sizeof path, base, c->string);
            char list[400] = "";
            for (const char *const *a = allowed; *a; a++) {
                strncat(list, *a, sizeof list - strlen(list) - 3);
                if (a[1]) strncat(list, ", ", sizeof list - strlen(list) - 1);
            }
            FAIL(r, path, "unknown key (expected one of: %s)", list);
            return false;
        }
    }
    return true;
}

/* One list of a style's balance phrases: an array of 0 to NB_PHRASES_MAX strings of 1 to
 * NB_PHRASE_MAX characters each. */
static bool read_phrases(rd *r, const cJSON *o, const char *base, const char *key, nb_phrases *out)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!a) return true;
    char path[512];
    join(path, sizeof path, base, key);
    int n = cJSON_GetArraySize(a);
    if (!cJSON_IsArray(a) || n > NB_PHRASES_MAX)
        return FAIL(r, path, "expected an array of at most %d phrases (strings)", NB_PHRASES_MAX),
               false;
    nb_phrase *items = rd_alloc(r, (n ? (size_t)n : 1) * sizeof *items);
    if (!items) return false;
    int i = 0;
    for (const cJSON *e = a->child; e; e = e->next, i++) {
        char ep[540];
        snprintf(ep, sizeof ep, "%s[%d]", path, i);
        size_t len = cJSON_IsString(e) ? strlen(e->valuestring) : 0;
        uint32_t cps[NB_PHRASE_MAX];
        size_t k = 0, at = 0;
        while (at < len && k < NB_PHRASE_MAX)
            cps[k++] = nb_utf8_next((const unsigned char *)e->valuestring, len, &at);
        if (k == 0 || at < len)
            return FAIL(r, ep, "expected a phrase of 1 to %d characters", NB_PHRASE_MAX), false;
        uint32_t *copy = rd_alloc(r, k * sizeof *copy);
        if (!copy) return false;
        memcpy(copy, cps, k * sizeof *copy);
        items[i].cps = copy;
        items[i].len = k;
    }
    out->items = items;
    out->count = (size_t)n;
    return true;
}

/* "balance": true, false, or an object of phrase lists (balancing on, breaking where they
 * say; see nb_balance_spec). */
static bool read_balance(rd *r, const cJSON *o, const char *base, nb_style *s)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "balance");
    if (!v) return true;
    char path[512];
    join(path, sizeof path, base, "balance");
    if (cJSON_IsBool(v)) {
        s->balance = cJSON_IsTrue(v);
        return true;
    }
    if (!cJSON_IsObject(v))
        return FAIL(r, path,
                    "expected true, false or an object of phrase lists (break_before, "
                    "break_after, keep_together, never_split)"),
               false;
    static const char *const keys[] = {"break_before", "break_after", "keep_together",
                                       "never_split", NULL};
    if (!check_keys(r, v, path, keys)) return false;
    nb_balance_spec *bp = rd_alloc(r, sizeof *bp);
    if (!bp) return false;
    if (!read_phrases(r, v, path, "break_before", &bp->break_before) ||
        !read_phrases(r, v, path, "break_after", &bp->break_after) ||
        !read_phrases(r, v, path, "keep_together", &bp->keep_together) ||
        !read_phrases(r, v, path, "never_split", &bp->never_split))
        return false;
    s->balance = true;
    s->balance_phrases = bp;
    return true;
}

static bool read_style(rd *r, const cJSON *o, const char *base, nb_style *s, float grid,
                       float measure)
{
    static const char *const keys[] = {"font",
                                       "size",
                                       "line_pitch",
                                       "indent_chars",
                                       "right_indent_chars",
                                       "space_before",
                                       "space_after",
                                       "align",
                                       "grid_chars",
                                       "snap_to_grid",
                                       "keep_with_next",
                                       "keep_together",
                                       "balance",
                                       "hang_punct",
                                       "cjk_latin_gap",
                                       NULL};
    if (!cJSON_IsObject(o)) return FAIL(r, base, "expected an object"), false;
    if (!check_keys(r, o, base, keys)) return false;
    s->font_role = get_str(r, o, base, "font", true, NULL);
    if (!s->font_role) return false;
    if (!get_len(r, o, base, "size", &s->size, true)) return false;
    if (s->size <= 0) return FAIL(r, base, "size must be positive"), false;
    s->line_pitch = s->size * 1.5f;
    const cJSON *lp = cJSON_GetObjectItemCaseSensitive(o, "line_pitch");
    if (cJSON_IsString(lp) && strcmp(lp->valuestring, "grid") == 0) {
        if (grid <= 0) {
            char path[512];
            join(path, sizeof path, base, "line_pitch");
            return FAIL(r, path, "\"grid\" needs page.grid_lines"), false;
        }
        s->line_pitch = grid;
        s->snap_to_grid = true;
    } else if (!get_len(r, o, base, "line_pitch", &s->line_pitch, false)) {
        return false;
    }
    if (s->line_pitch < s->size * 0.5f) return FAIL(r, base, "line_pitch too small"), false;
    if (!get_num(r, o, base, "indent_chars", &s->indent_chars, 0, 20)) return false;
    if (!get_num(r, o, base, "right_indent_chars", &s->right_indent_chars, 0, 20)) return false;
    if ((s->indent_chars + s->right_indent_chars + 1) * s->size > measure)
        return FAIL(r, base,
                    "indents of %g + %g characters of %g pt leave no room on a line of %g pt",
                    (double)s->indent_chars, (double)s->right_indent_chars, (double)s->size,
                    (double)measure),
               false;
    if (!get_len(r, o, base, "space_before", &s->space_before, false)) return false;
    if (!get_len(r, o, base, "space_after", &s->space_after, false)) return false;
    float gc = 0;
    if (!get_int(r, o, base, "grid_chars", &gc, 0, 200)) return false;
    s->grid_chars = (int)gc;
    if (!get_num(r, o, base, "cjk_latin_gap", &s->cjk_latin_gap, 0, 1)) return false;
    const char *align = get_str(r, o, base, "align", false, "left");
    if (!align) return false;
    if (strcmp(align, "left") == 0)
        s->align = NB_ALIGN_LEFT;
    else if (strcmp(align, "center") == 0)
        s->align = NB_ALIGN_CENTER;
    else if (strcmp(align, "right") == 0)
        s->align = NB_ALIGN_RIGHT;
    else if (strcmp(align, "justify") == 0)
        s->align = NB_ALIGN_JUSTIFY;
    else {
        char path[512];
        join(path, sizeof path, base, "align");
        return FAIL(r, path, "expected \"left\", \"center\", \"right\" or \"justify\""), false;
    }
    return get_bool(r, o, base, "snap_to_grid", &s->snap_to_grid) &&
           get_bool(r, o, base, "keep_with_next", &s->keep_with_next) &&
           get_bool(r, o, base, "keep_together", &s->keep_together) &&
           read_balance(r, o, base, s) && get_bool(r, o, base, "hang_punct", &s->hang_punct);
}

static bool read_cell(rd *r, const cJSON *c, const char *path, nb_cell_spec *cell)
{
    cell->colspan = cell->rowspan = 1;
    if (!(cell->json_path = rd_strdup(r, path))) return false;
    if (cJSON_IsNull(c)) {
        cell->kind = NB_CELL_EMPTY;
        return true;
    }
    if (cJSON_IsString(c)) {
        cell->kind = NB_CELL_TEXT;
        cell->text = rd_strdup(r, c->valuestring);
        return cell->text != NULL;
    }
    if (!cJSON_IsObject(c))
        return FAIL(r, path, "expected a cell: a string, null or an object"), false;
    static const char *const keys[] = {"text", "value", "colspan", "rowspan", NULL};
    if (!check_keys(r, c, path, keys)) return false;
    const char *text = get_str(r, c, path, "text", false, NULL);
    const char *value = get_str(r, c, path, "value", false, NULL);
    if (r->st->code) return false;
    if (text && value) return FAIL(r, path, "a cell has \"text\" or \"value\", not both"), false;
    cell->kind = text ? NB_CELL_TEXT : value ? NB_CELL_VALUE : NB_CELL_EMPTY;
    cell->text = text ? text : value;
    float cs = 1, rs = 1;
    if (!get_int(r, c, path, "colspan", &cs, 1, 1000) ||
        !get_int(r, c, path, "rowspan", &rs, 1, 100000))
        return false;
    cell->colspan = (int)cs;
    cell->rowspan = (int)rs;
    return true;
}

/* "group_header_rows": ascending row indexes (0-based, as in $.rows[N]) of the rows that
 * head a group; each must have a row after it, and the table's own header rows are not
 * listed again. */
static bool read_group_headers(rd *r, const cJSON *o, const char *base, nb_table_spec *t)
{
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(o, "group_header_rows");
    if (!g) return true;
    char path[512];
    join(path, sizeof path, base, "group_header_rows");
    if (!cJSON_IsArray(g))
        return FAIL(r, path,
                    "expected an array of row indexes (0-based, as in rows[N]), e.g. [0, 1, 4, 5]"),
               false;
    if (!(t->group_header = rd_alloc(r, t->nrows * sizeof *t->group_header))) return false;
    memset(t->group_header, 0, t->nrows * sizeof *t->group_header);
    int i = 0;
    double prev = -1;
    for (const cJSON *e = g->child; e; e = e->next, i++) {
        char ep[540];
        snprintf(ep, sizeof ep, "%s[%d]", path, i);
        double v = cJSON_IsNumber(e) ? e->valuedouble : -1;
        if (!cJSON_IsNumber(e) || v != floor(v) || v < 0 || v >= (double)t->nrows)
            return FAIL(r, ep, "expected a row index from 0 to %zu (the table has %zu rows)",
                        t->nrows - 1, t->nrows),
                   false;
        if (v <= prev)
            return FAIL(r, ep,
                        "row %.0f is not after the row before it (%.0f): list the rows in "
                        "ascending order, each once",
                        v, prev),
                   false;
        if (v < (double)t->header_rows)
            return FAIL(r, ep,
                        "row %.0f is one of the table's %zu header_rows already; list only "
                        "the rows that head a group",
                        v, t->header_rows),
                   false;
        if (v == (double)(t->nrows - 1))
            return FAIL(r, ep,
                        "row %.0f is the table's last row: a group header needs the group's "
                        "rows after it",
                        v),
                   false;
        t->group_header[(size_t)v] = true;
        prev = v;
    }
    return true;
}

static bool read_table(rd *r, const cJSON *o, const char *base, nb_table_spec *t, float measure)
{
    static const char *const keys[] = {
        "type",          "style",   "header_style",       "columns",           "header_rows",
        "value_columns", "rows",    "min_row_height",     "padding_x",         "padding_y",
        "rule_width",    "outline", "keep_with_previous", "group_header_rows", NULL};
    if (!check_keys(r, o, base, keys)) return false;
    char path[512];
    t->style = get_str(r, o, base, "style", true, NULL);
    if (!t->style) return false;
    t->header_style = get_str(r, o, base, "header_style", false, t->style);
    const cJSON *cols = cJSON_GetObjectItemCaseSensitive(o, "columns");
    join(path, sizeof path, base, "columns");
    int ncols = cJSON_GetArraySize(cols);
    if (!cJSON_IsArray(cols) || ncols < 1 || ncols > 200)
        return FAIL(r, path, "expected an array of 1 to 200 column widths"), false;
    t->ncols = (size_t)ncols;
    if (!(t->col_widths = rd_alloc(r, t->ncols * sizeof(float)))) return false;
    double sum = 0;
    int i = 0;
    for (const cJSON *c = cols->child; c; c = c->next, i++) {
        if (!cJSON_IsNumber(c) || !(c->valuedouble > 0 && c->valuedouble < 10000)) {
            char p2[540];
            snprintf(p2, sizeof p2, "%s[%d]", path, i);
            return FAIL(r, p2, "expected a positive width"), false;
        }
        t->col_widths[i] = (float)c->valuedouble;
        sum += c->valuedouble;
    }
    /* Widths are relative: the table spans the measure. */
    for (size_t k = 0; k < t->ncols; k++)
        t->col_widths[k] = (float)(t->col_widths[k] / sum * measure);
    float hr = 0;
    t->min_row_height = 0;
    t->pad_x = 2;
    t->pad_y = 3;
    t->rule_width = 0.5f;
    if (!get_int(r, o, base, "header_rows", &hr, 0, 50) ||
        !get_len(r, o, base, "min_row_height", &t->min_row_height, false) ||
        !get_len(r, o, base, "padding_x", &t->pad_x, false) ||
        !get_len(r, o, base, "padding_y", &t->pad_y, false) ||
        !get_len(r, o, base, "rule_width", &t->rule_width, false))
        return false;
    if (t->rule_width < 0.25f)
        return FAIL(r, base, "rule_width below 0.25 pt is not printable"), false;
    t->header_rows = (size_t)hr;
    const cJSON *vcols = cJSON_GetObjectItemCaseSensitive(o, "value_columns");
    if (vcols && !cJSON_IsArray(vcols)) {
        join(path, sizeof path, base, "value_columns");
        return FAIL(r, path, "expected an array of key names"), false;
    }
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(o, "rows");
    join(path, sizeof path, base, "rows");
    int nrows = cJSON_GetArraySize(rows);
    if (!cJSON_IsArray(rows) || nrows < 1 || nrows > 100000)
        return FAIL(r, path, "expected an array of rows"), false;
    t->nrows = (size_t)nrows;
    if (!(t->rows = rd_alloc(r, t->nrows * sizeof *t->rows))) return false;
    if (t->header_rows > t->nrows) return FAIL(r, base, "header_rows exceeds the rows"), false;
    /* occupied[c] = rows still covered by a rowspan in column c */
    int *occupied = calloc(t->ncols, sizeof(int));
    if (!occupied)
        return nb_fail(r->st, NB_ERR_NOMEM, "%s: out of memory reading the layout", r->file), false;
    bool ok = true;
    int ri = 0;
    for (const cJSON *row = rows->child; row && ok; row = row->next, ri++) {
        char rpath[560];
        snprintf(rpath, sizeof rpath, "%s[%d]", path, ri);
        if (!cJSON_IsArray(row)) {
            ok = !FAIL(r, rpath, "expected an array of cells");
            break;
        }
        /* Count cells after expanding {"values": prefix}. */
        size_t n = 0;
        for (const cJSON *c = row->child; c; c = c->next) {
            const cJSON *vs =
                cJSON_IsObject(c) ? cJSON_GetObjectItemCaseSensitive(c, "values") : NULL;
            n += vs ? (size_t)cJSON_GetArraySize(vcols) : 1;
        }
        nb_row_spec *rs = &t->rows[ri];
        if (!(rs->cells = rd_alloc(r, (n ? n : 1) * sizeof *rs->cells))) {
            ok = false;
            break;
        }
        int ci = 0;
        for (const cJSON *c = row->child; c && ok; c = c->next, ci++) {
            char cpath[600];
            snprintf(cpath, sizeof cpath, "%s[%d]", rpath, ci);
            const cJSON *vs =
                cJSON_IsObject(c) ? cJSON_GetObjectItemCaseSensitive(c, "values") : NULL;
            if (vs) {
                if (!cJSON_IsString(vs) || !vcols || cJSON_GetArraySize(c) != 1) {
                    ok = !FAIL(
                        r, cpath,
                        "{\"values\": PREFIX} needs a string prefix and the table's value_columns");
                    break;
                }
                for (const cJSON *k = vcols->child; k; k = k->next) {
                    if (!cJSON_IsString(k)) {
                        ok = !FAIL(r, base, "value_columns must be strings");
                        break;
                    }
                    nb_cell_spec *cell = &rs->cells[rs->ncells++];
                    char full[800];
                    snprintf(full, sizeof full, "%s.%s", vs->valuestring, k->valuestring);
                    cell->kind = NB_CELL_VALUE;
                    cell->text = rd_strdup(r, full);
                    cell->colspan = cell->rowspan = 1;
                    cell->json_path = rd_strdup(r, cpath);
                    if (!cell->text || !cell->json_path) {
                        ok = false;
                        break;
                    }
                }
            } else {
                ok = read_cell(r, c, cpath, &rs->cells[rs->ncells++]);
            }
        }
        if (!ok) break;
        /* Place the row's cells in the free columns and check it covers the grid exactly. */
        size_t col = 0;
        for (size_t k = 0; k < rs->ncells && ok; k++) {
            while (col < t->ncols && occupied[col] > 0)
                col++;
            nb_cell_spec *cell = &rs->cells[k];
            if (col + (size_t)cell->colspan > t->ncols) {
                ok = !FAIL(r, cell->json_path, "cell runs past the table's %zu columns", t->ncols);
                break;
            }
            if ((size_t)ri + (size_t)cell->rowspan > t->nrows) {
                ok = !FAIL(r, cell->json_path, "rowspan %d runs past the table's last row",
                           cell->rowspan);
                break;
            }
            for (int s = 0; s < cell->colspan; s++) {
                if (occupied[col + s] > 0) {
                    ok = !FAIL(r, cell->json_path, "cell overlaps a row-spanning cell above");
                    break;
                }
                occupied[col + s] = cell->rowspan;
            }
            col += (size_t)cell->colspan;
        }
        if (!ok) break;
        for (size_t c2 = 0; c2 < t->ncols; c2++) {
            if (occupied[c2] == 0) {
                ok = !FAIL(r, rpath, "row leaves column %zu empty (%zu columns expected)", c2 + 1,
                           t->ncols);
                break;
            }
            occupied[c2]--;
        }
    }
    free(occupied);
    return ok && read_group_headers(r, o, base, t);
}

static bool read_lines(rd *r, const cJSON *o, const char *base, nb_block_spec *b)
{
    const cJSON *lines = cJSON_GetObjectItemCaseSensitive(o, "lines");
    char path[512];
    join(path, sizeof path, base, "lines");
    int n = cJSON_GetArraySize(lines);
    if (!cJSON_IsArray(lines) || n < 1 || n > 100)
        return FAIL(r, path, "expected an array of lines"), false;
    b->nlines = (size_t)n;
    if (!(b->lines = rd_alloc(r, b->nlines * sizeof *b->lines))) return false;
    int i = 0;
    for (const cJSON *l = lines->child; l; l = l->next, i++) {
        char lp[540];
        snprintf(lp, sizeof lp, "%s[%d]", path, i);
        if (cJSON_IsString(l)) {
            if (!(b->lines[i].text = rd_strdup(r, l->valuestring))) return false;
            continue;
        }
        static const char *const keys[] = {"text", "value", "format", NULL};
        if (!cJSON_IsObject(l) || !check_keys(r, l, lp, keys))
            return r->st->code ? false
                               : (FAIL(r, lp, "expected a string or {\"value\": …}"), false);
        b->lines[i].text = get_str(r, l, lp, "text", false, NULL);
        b->lines[i].value = get_str(r, l, lp, "value", false, NULL);
        b->lines[i].format = get_str(r, l, lp, "format", false, NULL);
        if (r->st->code) return false;
        if (!b->lines[i].text == !b->lines[i].value)
            return FAIL(r, lp, "a line has exactly one of \"text\" and \"value\""), false;
        if (b->lines[i].format && strcmp(b->lines[i].format, "date-zh") != 0)
            return FAIL(r, lp, "unknown format (expected \"date-zh\")"), false;
    }
    return true;
}

static bool read_block(rd *r, const cJSON *o, const char *base, nb_block_spec *b,
                       const nb_layout_spec *spec)
{
    if (!cJSON_IsObject(o)) return FAIL(r, base, "expected an object"), false;
    if (!(b->json_path = rd_strdup(r, base))) return false;
    const char *type = get_str(r, o, base, "type", true, NULL);
    if (!type) return false;
    static const char *const common[] = {"type",
                                         "style",
                                         "heading_style",
                                         "text",
                                         "value",
                                         "optional",
                                         "outline",
                                         "keep_with_previous",
                                         "keep_last_lines",
                                         "lines",
                                         NULL};
    float outline = 0, keep_last = 2;
    if (strcmp(type, "table") == 0) {
        b->kind = NB_BLOCK_TABLE;
        if (!(b->table = rd_alloc(r, sizeof *b->table))) return false;
        float measure = spec->page_w - spec->margin_left - spec->margin_right;
        if (!read_table(r, o, base, b->table, measure)) return false;
        b->style = b->table->style;
    } else {
        if (!check_keys(r, o, base, common)) return false;
        b->style = get_str(r, o, base, "style", true, NULL);
        if (!b->style) return false;
        if (strcmp(type, "text") == 0) {
            b->kind = NB_BLOCK_TEXT;
            if (!(b->text = get_str(r, o, base, "text", true, NULL))) return false;
        } else if (strcmp(type, "value") == 0 || strcmp(type, "paragraphs") == 0 ||
                   strcmp(type, "flow") == 0) {
            b->kind = type[0] == 'v'   ? NB_BLOCK_VALUE
                      : type[0] == 'p' ? NB_BLOCK_PARAGRAPHS
                                       : NB_BLOCK_FLOW;
            if (!(b->value = get_str(r, o, base, "value", true, NULL))) return false;
            if (b->kind == NB_BLOCK_FLOW &&
                !(b->heading_style = get_str(r, o, base, "heading_style", true, NULL)))
                return false;
        } else if (strcmp(type, "lines") == 0) {
            b->kind = NB_BLOCK_LINES;
            if (!read_lines(r, o, base, b)) return false;
        } else {
            char path[512];
            join(path, sizeof path, base, "type");
            return FAIL(r, path,
                        "unknown block type \"%s\" (expected text, value, paragraphs, flow, "
                        "table or lines)",
                        type),
                   false;
        }
        if (!get_bool(r, o, base, "optional", &b->optional)) return false;
    }
    if (!get_int(r, o, base, "outline", &outline, 0, 9) ||
        !get_bool(r, o, base, "keep_with_previous", &b->keep_with_previous) ||
        !get_int(r, o, base, "keep_last_lines", &keep_last, 1, 10))
        return false;
    b->outline = (int)outline;
    b->keep_last_lines = (int)keep_last;
    /* Styles must exist. */
    const char *names[] = {b->style, b->heading_style, b->table ? b->table->header_style : NULL};
    for (int k = 0; k < 3; k++) {
        if (names[k] && !nb_layout_style(spec, names[k])) {
            char path[512];
            join(path, sizeof path, base,
                 k == 1   ? "heading_style"
                 : k == 2 ? "header_style"
                          : "style");
            return FAIL(r, path, "no style named \"%s\" in $.styles", names[k]), false;
        }
    }
    return true;
}

const nb_style *nb_layout_style(const nb_layout_spec *spec, const char *name)
{
    for (size_t i = 0; i < spec->nstyles; i++)
        if (strcmp(spec->styles[i].name, name) == 0) return &spec->styles[i];
    return NULL;
}

/* The code of a reader that stopped: the status's, which every failure sets; a reader
 * that stopped without one is a bug of ours, reported as such rather than as success. */
static nb_code rd_stopped(rd *r)
{
    if (r->st->code) return r->st->code;
    return nb_fail(r->st, NB_ERR_INTERNAL,
                   "%s: the layout reader stopped without saying why (a bug in nianbao; please "
                   "report it with this layout)",
                   r->file);
}

static nb_code parse_root(rd *r, const cJSON *root, const char *base_dir, nb_layout_spec *spec)
{
    if (!cJSON_IsObject(root)) return FAIL(r, "", "expected a JSON object");
    static const char *const keys[] = {"name",   "edition", "fontmap",     "metadata", "page",
                                       "styles", "content", "description", NULL};
    if (!check_keys(r, root, "", keys)) return rd_stopped(r);
    spec->name = get_str(r, root, "", "name", false, "layout");
    spec->edition = get_str(r, root, "", "edition", false, NULL);
    const char *fm = get_str(r, root, "", "fontmap", false, "../fonts/fontmap.json");
    if (r->st->code) return rd_stopped(r);
    if (fm[0] == '/')
        spec->fontmap = fm;
    else {
        size_t n = strlen(base_dir) + strlen(fm) + 2;
        char *p = rd_alloc(r, n);
        if (!p) return rd_stopped(r);
        snprintf(p, n, "%s/%s", base_dir, fm);
        spec->fontmap = p;
    }
    /* metadata: data paths for the PDF's Info */
    const cJSON *md = cJSON_GetObjectItemCaseSensitive(root, "metadata");
    if (md) {
        static const char *const mk[] = {"title", "author", "subject", "date", NULL};
        if (!cJSON_IsObject(md)) return FAIL(r, "metadata", "expected an object");
        if (!check_keys(r, md, "metadata", mk)) return rd_stopped(r);
        spec->meta_title = get_str(r, md, "metadata", "title", false, NULL);
        spec->meta_author = get_str(r, md, "metadata", "author", false, NULL);
        spec->meta_subject = get_str(r, md, "metadata", "subject", false, NULL);
        spec->meta_date = get_str(r, md, "metadata", "date", false, NULL);
        if (r->st->code) return rd_stopped(r);
    }
    /* page */
    const cJSON *pg = cJSON_GetObjectItemCaseSensitive(root, "page");
    if (!cJSON_IsObject(pg)) return FAIL(r, "page", "missing or not an object");
    static const char *const pk[] = {"width",         "height",      "margin_top",
                                     "margin_bottom", "margin_left", "margin_right",
                                     "grid_lines",    "page_number", NULL};
    if (!check_keys(r, pg, "page", pk)) return rd_stopped(r);
    if (!get_len(r, pg, "page", "width", &spec->page_w, true) ||
        !get_len(r, pg, "page", "height", &spec->page_h, true) ||
        !get_len(r, pg, "page", "margin_top", &spec->margin_top, true) ||
        !get_len(r, pg, "page", "margin_bottom", &spec->margin_bottom, true) ||
        !get_len(r, pg, "page", "margin_left", &spec->margin_left, true) ||
        !get_len(r, pg, "page", "margin_right", &spec->margin_right, true))
        return rd_stopped(r);
    /* Page sizes to 0.01 pt, so A4 reads 595.28 x 841.89 as everyone quotes it. */
    spec->page_w = roundf(spec->page_w * 100) / 100;
    spec->page_h = roundf(spec->page_h * 100) / 100;
    if (spec->page_w < 72 || spec->page_h < 72 ||
        spec->margin_left + spec->margin_right > spec->page_w - 36 ||
        spec->margin_top + spec->margin_bottom > spec->page_h - 36)
        return FAIL(r, "page", "page too small for its margins");
    float lines = 0;
    if (!get_int(r, pg, "page", "grid_lines", &lines, 0, 200)) return rd_stopped(r);
    if (lines > 0)
        spec->grid_pitch = (spec->page_h - spec->margin_top - spec->margin_bottom) / lines;
    const cJSON *pn = cJSON_GetObjectItemCaseSensitive(pg, "page_number");
    if (pn) {
        static const char *const nk[] = {"style", "format", "below", "outer", "inset_chars", NULL};
        const char *b = "page.page_number";
        if (!cJSON_IsObject(pn)) return FAIL(r, b, "expected an object");
        if (!check_keys(r, pn, b, nk)) return rd_stopped(r);
        spec->pagenum.enabled = true;
        spec->pagenum.style = get_str(r, pn, b, "style", true, NULL);
        spec->pagenum.format = get_str(r, pn, b, "format", false, "— {n} —");
        float inset = 0;
        if (r->st->code || !get_len(r, pn, b, "below", &spec->pagenum.below, false) ||
            !get_bool(r, pn, b, "outer", &spec->pagenum.outer) ||
            !get_num(r, pn, b, "inset_chars", &inset, 0, 10))
            return rd_stopped(r);
        spec->pagenum.inset = inset; /* characters for now; resolved against the style below */
        if (!strstr(spec->pagenum.format, "{n}"))
            return FAIL(r, "page.page_number.format", "must contain {n}");
    }
    /* styles */
    const cJSON *styles = cJSON_GetObjectItemCaseSensitive(root, "styles");
    if (!cJSON_IsObject(styles) || !styles->child) return FAIL(r, "styles", "missing or empty");
    spec->nstyles = (size_t)cJSON_GetArraySize(styles);
    if (!(spec->styles = rd_alloc(r, spec->nstyles * sizeof *spec->styles))) return rd_stopped(r);
    size_t si = 0;
    for (const cJSON *s = styles->child; s; s = s->next, si++) {
        char path[512];
        snprintf(path, sizeof path, "styles.%s", s->string);
        if (!(spec->styles[si].name = rd_strdup(r, s->string))) return rd_stopped(r);
        if (!read_style(r, s, path, &spec->styles[si], spec->grid_pitch,
                        spec->page_w - spec->margin_left - spec->margin_right))
            return rd_stopped(r);
    }
    if (spec->pagenum.enabled) {
        const nb_style *ps = nb_layout_style(spec, spec->pagenum.style);
        if (!ps) return FAIL(r, "page.page_number.style", "no such style");
        spec->pagenum.inset *= ps->size;
    }
    /* content */
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(root, "content");
    int n = cJSON_GetArraySize(content);
    if (!cJSON_IsArray(content) || n < 1) return FAIL(r, "content", "expected a non-empty array");
    spec->nblocks = (size_t)n;
    if (!(spec->blocks = rd_alloc(r, spec->nblocks * sizeof *spec->blocks))) return rd_stopped(r);
    int i = 0;
    for (const cJSON *b = content->child; b; b = b->next, i++) {
        char path[64];
        snprintf(path, sizeof path, "content[%d]", i);
        if (!read_block(r, b, path, &spec->blocks[i], spec)) return rd_stopped(r);
    }
    return NB_OK;
}

/* Reads a parsed layout named `name` into `out`; frees the document. */
static nb_code read_doc(const char *name, nb_json_doc *doc, const char *base_dir,
                        nb_layout_spec *out, nb_status *st)
{
    rd r = {name, &out->arena, st};
    nb_code rc = (out->path = rd_strdup(&r, name)) ? parse_root(&r, doc->root, base_dir, out)
                                                   : rd_stopped(&r);
    nb_json_free(doc);
    if (rc == NB_OK && st->code) rc = st->code;
    if (rc != NB_OK) nb_layout_spec_free(out);
    return rc;
}

nb_code nb_layout_spec_parse(const char *name, const char *text, size_t len, const char *base_dir,
                             nb_layout_spec *out, nb_status *st)
{
    memset(out, 0, sizeof *out);
    nb_json_doc doc;
    if (nb_json_parse(name, text, len, &doc, st)) return st->code;
    return read_doc(name, &doc, base_dir, out, st);
}

nb_code nb_layout_spec_load(const char *path, nb_layout_spec *out, nb_status *st)
{
    memset(out, 0, sizeof *out);
    nb_json_doc doc;
    if (nb_json_load(path, &doc, st)) return st->code;
    char *copy = strdup(path);
    if (!copy) {
        nb_json_free(&doc);
        return nb_fail(st, NB_ERR_NOMEM, "%s: out of memory reading the layout", path);
    }
    nb_code rc = read_doc(path, &doc, dirname(copy), out, st);
    free(copy);
    return rc;
}

void nb_layout_spec_free(nb_layout_spec *spec)
{
    nb_arena_free(&spec->arena);
    memset(spec, 0, sizeof *spec);
}
