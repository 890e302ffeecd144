/* jsonout.c — a JSON writer for documents people edit (data files made by `init`).
 *
 * cJSON's own printer indents with tabs and puts every value of a row on its own line,
 * which makes a report's 200 table cells 1,400 lines; here a row of scalars stays on one
 * line as the samples write it.  Strings are escaped as RFC 8259 requires and no more:
 * quotes, backslashes and control characters.
 */
#include "jsonout.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A row: an object whose values are all scalars, short enough for one line. */
enum { ROW_MAX = 96 };

void nb_json_write_string(nb_buf *out, const char *s)
{
    nb_buf_add(out, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            nb_buf_str(out, "\\\"");
            break;
        case '\\':
            nb_buf_str(out, "\\\\");
            break;
        case '\n':
            nb_buf_str(out, "\\n");
            break;
        case '\t':
            nb_buf_str(out, "\\t");
            break;
        case '\r':
            nb_buf_str(out, "\\r");
            break;
        default:
            if (*p < 0x20)
                nb_buf_printf(out, "\\u%04x", *p);
            else
                nb_buf_add(out, p, 1);
        }
    }
    nb_buf_add(out, "\"", 1);
}

static void write_number(nb_buf *out, double d)
{
    if (!isfinite(d)) { /* JSON has no such number; never made by a parse */
        nb_buf_str(out, "null");
        return;
    }
    if (d == floor(d) && fabs(d) < 9007199254740992.0) {
        nb_buf_printf(out, "%.0f", d);
        return;
    }
    /* the shortest form that reads back as the same double */
    char tmp[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, d);
        if (strtod(tmp, NULL) == d) break;
    }
    nb_buf_str(out, tmp);
}

static void write_scalar(nb_buf *out, const cJSON *v)
{
    if (cJSON_IsString(v))
        nb_json_write_string(out, v->valuestring);
    else if (cJSON_IsNumber(v))
        write_number(out, v->valuedouble);
    else if (cJSON_IsTrue(v))
        nb_buf_str(out, "true");
    else if (cJSON_IsFalse(v))
        nb_buf_str(out, "false");
    else
        nb_buf_str(out, "null");
}

static bool is_container(const cJSON *v)
{
    return cJSON_IsObject(v) || cJSON_IsArray(v);
}

/* Whether `v` (an object or array) prints on one line: scalars only, and short. */
static bool one_line(const cJSON *v)
{
    if (!v->child) return true;
    size_t len = 2;
    for (const cJSON *c = v->child; c; c = c->next) {
        if (is_container(c)) return false;
        if (c->string) len += strlen(c->string) + 4;
        len += cJSON_IsString(c) ? strlen(c->valuestring) + 2 : 8;
        if (len > ROW_MAX) return false;
    }
    return true;
}

static void indent(nb_buf *out, int depth)
{
    for (int i = 0; i < depth; i++)
        nb_buf_add(out, "  ", 2);
}

static void write_value(nb_buf *out, const cJSON *v, int depth)
{
    if (!is_container(v)) {
        write_scalar(out, v);
        return;
    }
    bool obj = cJSON_IsObject(v);
    const char *open = obj ? "{" : "[", *close = obj ? "}" : "]";
    if (one_line(v)) {
        nb_buf_str(out, open);
        for (const cJSON *c = v->child; c; c = c->next) {
            if (c != v->child) nb_buf_str(out, ", ");
            if (obj) {
                nb_json_write_string(out, c->string);
                nb_buf_str(out, ": ");
            }
            write_scalar(out, c);
        }
        nb_buf_str(out, close);
        return;
    }
    nb_buf_str(out, open);
    nb_buf_str(out, "\n");
    for (const cJSON *c = v->child; c; c = c->next) {
        indent(out, depth + 1);
        if (obj) {
            nb_json_write_string(out, c->string);
            nb_buf_str(out, ": ");
        }
        write_value(out, c, depth + 1);
        if (c->next) nb_buf_str(out, ",");
        nb_buf_str(out, "\n");
    }
    indent(out, depth);
    nb_buf_str(out, close);
}

void nb_json_write(nb_buf *out, const cJSON *v)
{
    write_value(out, v, 0);
    nb_buf_str(out, "\n");
}
