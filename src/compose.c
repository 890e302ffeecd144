#include "compose.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "clock.h"
#include "flow.h"
#include "jsonin.h"
#include "settext.h"
#include "table.h"

static nb_flow_item *nb_flow_add(nb_layout *l, nb_flow *f)
{
    if (f->count == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 256;
        nb_flow_item *it =
            nb_arena_grow(&l->arena, f->items, f->cap * sizeof *it, cap * sizeof *it);
        if (!it) return NULL;
        f->items = it;
        f->cap = cap;
    }
    nb_flow_item *it = &f->items[f->count++];
    memset(it, 0, sizeof *it);
    return it;
}

bool nb_format_value(const cJSON *v, const char *format, nb_buf *out, char *err, size_t nerr)
{
    if (format && strcmp(format, "date-zh") == 0) {
        int y, m, d;
        char tail;
        if (!cJSON_IsString(v) || sscanf(v->valuestring, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
            m < 1 || m > 12 || d < 1 || d > 31) {
            snprintf(err, nerr, "expected a date \"YYYY-MM-DD\"");
            return false;
        }
        nb_buf_printf(out, "%d年%d月%d日", y, m, d);
        return true;
    }
    if (cJSON_IsNull(v)) /* a blank cell: printed as nothing, never as 0 */
        return true;
    if (cJSON_IsString(v)) { /* text, or an amount written as a decimal string: as written */
        nb_buf_str(out, v->valuestring);
        return true;
    }
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (!isfinite(d)) {
            snprintf(err, nerr, "expected a finite number");
            return false;
        }
        if (d == floor(d) && fabs(d) < 9007199254740992.0)
            nb_buf_printf(out, "%.0f", d);
        else
            nb_buf_printf(out, "%.15g", d);
        return true;
    }
    if (cJSON_IsObject(v)) {
        const cJSON *val = cJSON_GetObjectItemCaseSensitive(v, "value");
        const cJSON *unit = cJSON_GetObjectItemCaseSensitive(v, "unit");
        if (cJSON_IsNull(val) && cJSON_IsString(unit)) /* a blank amount: no lone unit */
            return true;
        if ((cJSON_IsNumber(val) || cJSON_IsString(val)) && cJSON_IsString(unit)) {
            if (!nb_format_value(val, NULL, out, err, nerr)) return false;
            nb_buf_str(out, unit->valuestring);
            return true;
        }
    }
    snprintf(err, nerr,
             "expected a string, a number, null or {\"value\": number or decimal string, "
             "\"unit\": string}");
    return false;
}

const char *nb_value_text(nb_layout *l, const cJSON *v, const char *format, char *err, size_t nerr,
                          nb_status *st)
{
    if (!format && cJSON_IsString(v)) return v->valuestring;
    nb_buf b = {0};
    if (!nb_format_value(v, format, &b, err, nerr)) {
        nb_buf_free(&b);
        return NULL;
    }
    char *t = b.oom ? NULL : nb_arena_strndup(&l->arena, b.p ? b.p : "", b.len);
    nb_buf_free(&b);
    if (!t) nb_fail(st, NB_ERR_NOMEM, "out of memory");
    return t;
}

/* ---- blocks → flow ---------------------------------------------------------------- */

/* Lines of what follows a heading (keep_with_next) that stay on the heading's page. */
enum { KEEP_AFTER_HEADING = 2 };

typedef struct composer {
    const nb_layout_spec *spec;
    const cJSON *data;
    const char *data_name;
    nb_setter set;
    nb_flow flow;
    float measure;
    int keep_lines; /* lines (or table rows) still to come that no page break may precede:
                       a heading keeps KEEP_AFTER_HEADING of what follows with it */
} composer;

/* Adds a paragraph made of runs (one for plain text; a run-in sub-heading and its text). */
static nb_code add_para_runs(composer *c, const nb_style *style, const nb_text_run *runs,
                             size_t nruns, bool keep_with_previous, const char *outline,
                             int outline_level, bool block_together, nb_status *st)
{
    float grid = style->grid_chars > 0 ? c->measure / (float)style->grid_chars : 0;
    nb_set_para para;
    if (nb_set_runs(&c->set, style, runs, nruns, c->measure, grid, &para, st)) return st->code;
    nb_layout *l = c->set.out;
    if (style->space_before > 0) {
        nb_flow_item *sp = nb_flow_add(l, &c->flow);
        if (!sp) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
        sp->kind = NB_FLOW_SPACE;
        sp->height = style->space_before;
        sp->break_before = c->keep_lines == 0 && !keep_with_previous;
    }
    size_t n = para.nlines;
    bool together = style->keep_together || block_together;
    for (size_t i = 0; i < n; i++) {
        nb_flow_item *it = nb_flow_add(l, &c->flow);
        if (!it) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
        it->kind = NB_FLOW_LINE;
        it->height = style->line_pitch;
        it->snap = style->snap_to_grid;
        if (i == 0)
            it->break_before =
                c->keep_lines == 0 && !keep_with_previous && style->space_before <= 0;
        else
            it->break_before = !together && i >= 2 && n - i >= 2 && c->keep_lines == 0;
        if (i == 0 && style->space_before > 0) it->break_before = false;
        float base = nb_baseline_in_line(style->line_pitch, style->size);
        it->boxes = para.lines[i].boxes;
        it->nboxes = para.lines[i].nboxes;
        for (size_t b = 0; b < it->nboxes; b++) {
            it->boxes[b].y = base;
            for (size_t g = 0; g < it->boxes[b].nglyphs; g++)
                it->boxes[b].glyphs[g].x += c->spec->margin_left;
        }
        if (i == 0 && outline) {
            it->outline_title = outline;
            it->outline_level = outline_level;
        }
        if (c->keep_lines > 0) c->keep_lines--;
    }
    if (style->keep_with_next) c->keep_lines = KEEP_AFTER_HEADING;
    if (style->space_after > 0) {
        nb_flow_item *sp = nb_flow_add(l, &c->flow);
        if (!sp) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
        sp->kind = NB_FLOW_SPACE;
        sp->height = style->space_after;
        sp->break_before = false;
    }
    return NB_OK;
}

static nb_code add_para(composer *c, const nb_style *style, const char *text, const char *where,
                        bool keep_with_previous, const char *outline, int outline_level,
                        bool block_together, nb_status *st)
{
    nb_text_run run = {text, strlen(text), NULL, where};
    return add_para_runs(c, style, &run, 1, keep_with_previous, outline, outline_level,
                         block_together, st);
}

static nb_code missing(composer *c, const nb_block_spec *b, const char *path, const char *what,
                       nb_status *st)
{
    return nb_fail(st, NB_ERR_DATA, "%s: $.%s: %s (the layout %s puts it at $.%s)", c->data_name,
                   path, what, c->spec->path, b->json_path);
}

/* An object item of a flow: {"heading": H} is a sub-heading set alone in the block's
 * heading_style; {"heading": H, "text": T} a paragraph that begins with its sub-heading
 * (run-in): H in heading_style's fonts, then T, one paragraph in the block's style (its
 * size, indent, justification, grid and keep rules). */
static nb_code add_flow_object(composer *c, const nb_block_spec *b, const nb_style *style,
                               const cJSON *p, const char *where, bool keep_with_previous,
                               nb_status *st)
{
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(p, "heading");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(p, "text");
    int known = (h != NULL) + (t != NULL);
    for (const cJSON *k = p->child; k; k = k->next)
        if (strcmp(k->string, "heading") != 0 && strcmp(k->string, "text") != 0)
            return nb_fail(st, NB_ERR_DATA,
                           "%s.%s: unknown key (a section item is a paragraph string, "
                           "{\"heading\": string} or {\"heading\": string, \"text\": string})",
                           where, k->string);
    if (cJSON_GetArraySize(p) != known)
        return nb_fail(st, NB_ERR_DATA, "%s: \"heading\" or \"text\" given twice", where);
    if (!h)
        return nb_fail(st, NB_ERR_DATA,
                       "%s.heading: missing (a section item with \"text\" is a paragraph "
                       "that begins with its sub-heading; write a plain string for a paragraph "
                       "without one)",
                       where);
    if (!cJSON_IsString(h))
        return nb_fail(st, NB_ERR_DATA, "%s.heading: expected a string (the sub-heading)", where);
    const nb_style *hs = nb_layout_style(c->spec, b->heading_style);
    char hwhere[640], twhere[640]; /* messages' prefixes */
    snprintf(hwhere, sizeof hwhere, "%s.heading", where);
    snprintf(twhere, sizeof twhere, "%s.text", where);
    if (!t) return add_para(c, hs, h->valuestring, hwhere, keep_with_previous, NULL, 0, false, st);
    if (!cJSON_IsString(t))
        return nb_fail(st, NB_ERR_DATA,
                       "%s: expected a string (the paragraph after the run-in sub-heading)",
                       twhere);
    nb_text_run runs[2] = {
        {h->valuestring, strlen(h->valuestring), hs->font_role, hwhere},
        {t->valuestring, strlen(t->valuestring), NULL, twhere},
    };
    return add_para_runs(c, style, runs, 2, keep_with_previous, NULL, 0, false, st);
}

/* A block kept with the previous one keeps its last `k` lines too: no page break before
 * any of the last k - 1 items already in the flow (widow control gives 2 anyway). */
static void keep_last_lines(composer *c, int k)
{
    int seen = 0;
    for (size_t i = c->flow.count; i-- > 0 && seen < k - 1;) {
        nb_flow_item *it = &c->flow.items[i];
        if (it->kind == NB_FLOW_SPACE) continue;
        it->break_before = false;
        seen++;
    }
}

/* Binds a table to the data: the text of each of its cells (in the order nb_table_build
 * takes them), fixed text as the layout gives it, a value cell's printed value, NULL for an
 * empty cell; in the layout's arena.  A value the data lacks or that cannot be printed is
 * an error naming its JSON path (and, when missing, the layout's cell). */
static nb_code bind_table(composer *c, const nb_block_spec *b, const char ***out, nb_status *st)
{
    const nb_table_spec *ts = b->table;
    size_t total = 0;
    for (size_t r = 0; r < ts->nrows; r++)
        total += ts->rows[r].ncells;
    const char **texts = nb_arena_alloc(&c->set.out->arena, (total ? total : 1) * sizeof *texts);
    if (!texts) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    char err[200];
    size_t k = 0;
    for (size_t r = 0; r < ts->nrows; r++) {
        for (size_t i = 0; i < ts->rows[r].ncells; i++, k++) {
            const nb_cell_spec *cs = &ts->rows[r].cells[i];
            texts[k] = NULL;
            if (cs->kind == NB_CELL_TEXT) texts[k] = cs->text;
            if (cs->kind != NB_CELL_VALUE) continue;
            const cJSON *v = nb_json_at(c->data, cs->text);
            if (!v)
                return nb_fail(st, NB_ERR_DATA,
                               "%s: $.%s: missing (the layout %s puts it in the table cell $.%s)",
                               c->data_name, cs->text, c->spec->path, cs->json_path);
            texts[k] = nb_value_text(c->set.out, v, NULL, err, sizeof err, st);
            if (!texts[k])
                return st->code
                           ? st->code
                           : nb_fail(st, NB_ERR_DATA, "%s: $.%s: %s", c->data_name, cs->text, err);
        }
    }
    *out = texts;
    return NB_OK;
}

static nb_code compose_block(composer *c, const nb_block_spec *b, nb_status *st)
{
    if (b->keep_with_previous && b->keep_last_lines > 1) keep_last_lines(c, b->keep_last_lines);
    const nb_style *style = nb_layout_style(c->spec, b->style);
    char where[600]; /* a message's prefix: file and JSON path */
    char err[200];
    switch (b->kind) {
    case NB_BLOCK_TEXT:
        snprintf(where, sizeof where, "%s: $.%s", c->spec->path, b->json_path);
        return add_para(c, style, b->text, where, b->keep_with_previous,
                        b->outline ? b->text : NULL, b->outline, false, st);
    case NB_BLOCK_VALUE: {
        const cJSON *v = nb_json_at(c->data, b->value);
        if (!v) return b->optional ? NB_OK : missing(c, b, b->value, "missing", st);
        if (!cJSON_IsString(v)) return missing(c, b, b->value, "expected a string", st);
        snprintf(where, sizeof where, "%s: $.%s", c->data_name, b->value);
        return add_para(c, style, v->valuestring, where, b->keep_with_previous,
                        b->outline ? v->valuestring : NULL, b->outline, false, st);
    }
    case NB_BLOCK_PARAGRAPHS:
    case NB_BLOCK_FLOW: {
        const cJSON *arr = nb_json_at(c->data, b->value);
        if (!arr) return b->optional ? NB_OK : missing(c, b, b->value, "missing", st);
        if (!cJSON_IsArray(arr))
            return missing(c, b, b->value, "expected an array of paragraphs", st);
        int i = 0;
        bool first = true;
        for (const cJSON *p = arr->child; p; p = p->next, i++) {
            snprintf(where, sizeof where, "%s: $.%s[%d]", c->data_name, b->value, i);
            bool kwp = first && b->keep_with_previous;
            first = false;
            if (cJSON_IsString(p)) {
                if (add_para(c, style, p->valuestring, where, kwp, NULL, 0, false, st))
                    return st->code;
                continue;
            }
            if (b->kind == NB_BLOCK_FLOW && cJSON_IsObject(p)) {
                if (add_flow_object(c, b, style, p, where, kwp, st)) return st->code;
                continue;
            }
            return nb_fail(st, NB_ERR_DATA, "%s: expected %s", where,
                           b->kind == NB_BLOCK_FLOW
                               ? "a paragraph string, {\"heading\": string} or {\"heading\": "
                                 "string, \"text\": string}"
                               : "a paragraph string");
        }
        return NB_OK;
    }
    case NB_BLOCK_LINES: {
        bool first = true;
        /* An optional block (the signature) is left out whole when a value it needs is absent. */
        for (size_t i = 0; b->optional && i < b->nlines; i++)
            if (b->lines[i].value && !nb_json_at(c->data, b->lines[i].value)) return NB_OK;
        for (size_t i = 0; i < b->nlines; i++) {
            const nb_line_spec *ls = &b->lines[i];
            const char *text = ls->text;
            if (ls->value) {
                const cJSON *v = nb_json_at(c->data, ls->value);
                if (!v) return missing(c, b, ls->value, "missing", st);
                text = nb_value_text(c->set.out, v, ls->format, err, sizeof err, st);
                if (!text) return st->code ? st->code : missing(c, b, ls->value, err, st);
                snprintf(where, sizeof where, "%s: $.%s", c->data_name, ls->value);
            } else {
                snprintf(where, sizeof where, "%s: $.%s.lines[%zu]", c->spec->path, b->json_path,
                         i);
            }
            /* Lines of a block stay together. */
            if (add_para(c, style, text, where, first ? b->keep_with_previous : true, NULL, 0, true,
                         st))
                return st->code;
            first = false;
        }
        return NB_OK;
    }
    case NB_BLOCK_TABLE: {
        const char **texts = NULL;
        if (bind_table(c, b, &texts, st)) return st->code;
        nb_table_layout *t;
        if (nb_table_build(&c->set, c->spec, b, texts, c->data_name, &t, st)) return st->code;
        size_t n = nb_table_nrows(t);
        float block_h = c->spec->page_h - c->spec->margin_top - c->spec->margin_bottom;
        for (size_t r = 0; r < n; r++) {
            nb_flow_item *it = nb_flow_add(c->set.out, &c->flow);
            if (!it) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
            it->kind = NB_FLOW_ROW;
            it->table = t;
            it->row = r;
            it->height = nb_table_row_height(t, r);
            /* No page ends on a header row (the table's or a group's), a break inside a
             * group leaves two of its rows on each side, and one inside a span leaves its
             * label room for its text on both pages (nb_table_break_ok).  A heading keeps
             * two rows. */
            it->break_before =
                c->keep_lines == 0 && nb_table_break_ok(t, r) && (r > 0 || !b->keep_with_previous);
            if (c->keep_lines > 0) c->keep_lines--;
            /* A row taller than a page (with the repeated header rows) is cut into pieces
             * at line boundaries; only then is a row split. */
            float cap = block_h - nb_table_repeat_for(t, r, block_h).height;
            if (cap < block_h / 4) cap = block_h / 4;
            float h = it->height, off = 0.0f;
            if (h <= cap + 0.01f) continue;
            bool first_bb = it->break_before;
            for (;;) {
                float cut = h - off <= cap + 0.01f ? h : nb_table_row_cut(t, r, off, cap);
                it->row_off = off;
                it->height = cut - off;
                it->break_before = off > 0.0f ? true : first_bb;
                off = cut;
                if (off >= h - 0.01f) break;
                it = nb_flow_add(c->set.out, &c->flow);
                if (!it) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
                it->kind = NB_FLOW_ROW;
                it->table = t;
                it->row = r;
            }
        }
        return NB_OK;
    }
    }
    return NB_OK;
}

/* Font fallback and missing characters, noted in verbose output. */
static void shape_notice(void *ctx, uint32_t cp, size_t byte_offset, const nb_font *used)
{
    const nb_setter *set = ctx;
    char utf8[8] = {0};
    if (cp < 0x80)
        utf8[0] = (char)cp;
    else if (cp < 0x800)
        utf8[0] = (char)(0xC0 | cp >> 6), utf8[1] = (char)(0x80 | (cp & 0x3F));
    else if (cp < 0x10000)
        utf8[0] = (char)(0xE0 | cp >> 12), utf8[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
        utf8[2] = (char)(0x80 | (cp & 0x3F));
    else
        utf8[0] = (char)(0xF0 | cp >> 18), utf8[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
        utf8[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), utf8[3] = (char)(0x80 | (cp & 0x3F));
    if (used)
        fprintf(set->verbose,
                "nianbao: note: %s: U+%04X '%s' (byte %zu) taken from the fallback "
                "font %s\n",
                set->where, cp, utf8, byte_offset, used->postscript_name);
    else
        fprintf(set->verbose,
                "nianbao: warning: %s: U+%04X '%s' (byte %zu) is in no font; drawn "
                "as .notdef\n",
                set->where, cp, utf8, byte_offset);
}

nb_code nb_compose(const nb_layout_spec *spec, const cJSON *data, nb_fontset *fs,
                   const nb_compose_opts *opts, nb_layout *out, nb_compose_timing *timing,
                   nb_status *st)
{
    nb_layout_init(out);
    composer c = {0};
    c.spec = spec;
    c.data = data;
    c.data_name = opts && opts->data_name ? opts->data_name : "data";
    c.set.fs = fs;
    c.set.out = out;
    c.set.shape_opts.language = "zh-Hans";
    c.set.shape_opts.allow_missing = opts && opts->allow_missing_glyphs;
    c.set.verbose = opts ? opts->verbose : NULL;
    if (c.set.verbose) {
        c.set.shape_opts.notice = shape_notice;
        c.set.shape_opts.notice_ctx = &c.set;
    }
    c.measure = spec->page_w - spec->margin_left - spec->margin_right;
    if (!cJSON_IsObject(data)) {
        nb_fail(st, NB_ERR_DATA, "%s: $: expected a JSON object", c.data_name);
        goto fail;
    }
    for (size_t i = 0; i < spec->nblocks; i++)
        if (compose_block(&c, &spec->blocks[i], st)) goto fail;
    double t0 = nb_now_ms();
    if (nb_paginate(spec, &c.set, &c.flow, out, st)) goto fail;
    if (timing) {
        timing->shape_ms = c.set.shape_ms;
        timing->linebreak_ms = c.set.linebreak_ms;
        timing->paginate_ms = nb_now_ms() - t0;
    }
    return NB_OK;
fail:
    nb_layout_free(out);
    return st->code;
}
