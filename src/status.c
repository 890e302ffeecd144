#include "status.h"
#include "catalog.h"
#include "utf8.h"

#include <stdio.h>
#include <string.h>

nb_code nb_vfail(nb_status *st, nb_code code, const char *fmt, va_list ap)
{
    if (st == NULL || st->code != NB_OK) return code;
    st->code = code;
    fmt = nb_catalog_lookup((nb_lang)st->lang, fmt);
    int n = vsnprintf(st->msg, sizeof st->msg, fmt, ap);
    /* A message cut to the buffer ends with whole characters, never half of one. */
    if (n >= (int)sizeof st->msg) st->msg[nb_utf8_whole(st->msg, sizeof st->msg - 1)] = '\0';
    return code;
}

nb_code nb_fail(nb_status *st, nb_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nb_vfail(st, code, fmt, ap);
    va_end(ap);
    return code;
}

const char *nb_status_word(const nb_status *st, const char *msgid)
{
    return st ? nb_catalog_lookup((nb_lang)st->lang, msgid) : msgid;
}

void nb_status_prefix(nb_status *st, const char *fmt, ...)
{
    if (st == NULL || st->code == NB_OK) return;
    char prefix[512];
    va_list ap;
    va_start(ap, fmt);
    fmt = nb_catalog_lookup((nb_lang)st->lang, fmt);
    if (vsnprintf(prefix, sizeof prefix, fmt, ap) >= (int)sizeof prefix)
        prefix[nb_utf8_whole(prefix, sizeof prefix - 1)] = '\0';
    va_end(ap);
    /* Truncation keeps the prefix and as much of the message as fits. */
    char joined[NB_STATUS_MSG_MAX + sizeof prefix + 2];
    snprintf(joined, sizeof joined, "%s: %s", prefix, st->msg);
    snprintf(st->msg, sizeof st->msg, "%.*s", (int)sizeof st->msg - 1, joined);
    if (strlen(joined) >= sizeof st->msg)
        st->msg[nb_utf8_whole(st->msg, sizeof st->msg - 1)] = '\0';
}

void nb_status_clear(nb_status *st)
{
    st->code = NB_OK;
    st->msg[0] = '\0';
}

const char *nb_code_name(nb_code code)
{
    switch (code) {
    case NB_OK:
        return "ok";
    case NB_ERR_IO:
        return "io";
    case NB_ERR_JSON:
        return "json";
    case NB_ERR_DATA:
        return "data";
    case NB_ERR_LAYOUT:
        return "layout";
    case NB_ERR_FONT:
        return "font";
    case NB_ERR_PDF:
        return "pdf";
    case NB_ERR_CHECK:
        return "check";
    case NB_ERR_LIMIT:
        return "limit";
    case NB_ERR_NOMEM:
        return "memory";
    case NB_ERR_USAGE:
        return "usage";
    case NB_ERR_INTERNAL:
        return "internal";
    }
    return "unknown";
}
