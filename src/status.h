/* status.h — how every nianbao function reports failure.
 *
 * A function that can fail takes an `nb_status *` as its last argument and returns an
 * nb_code.  On failure it fills the status with a code and a one-line, human message that
 * already names the file, JSON path or line, and what was expected.  The first failure
 * wins: later nb_fail calls on a failed status keep the original message, so callers may
 * add context only through nb_status_prefix.  A status is a plain value; nothing to free.
 *
 * Messages are written in English in the sources.  A status whose `lang` is NB_LANG_ZH
 * (catalog.h) records them in Chinese: nb_fail and nb_status_prefix look their format up in
 * the embedded catalogue of po/zh_CN.po first.  NB_STATUS_INIT is English; the public
 * entry points (api.c) set the engine's language on the statuses they create, and code
 * below them fills the status it is given, so the language reaches every message.
 */
#ifndef NB_STATUS_H
#define NB_STATUS_H

#include <stdarg.h>

typedef enum nb_code {
    NB_OK = 0,
    NB_ERR_IO,       /* a file could not be read or written */
    NB_ERR_JSON,     /* a JSON document is malformed (syntax, encoding) */
    NB_ERR_DATA,     /* a data file is well-formed JSON but not a valid report */
    NB_ERR_LAYOUT,   /* a layout file is invalid */
    NB_ERR_FONT,     /* a font is missing, unreadable or lacks glyphs */
    NB_ERR_PDF,      /* the PDF writer failed */
    NB_ERR_CHECK,    /* the checker found errors (render refuses without --force) */
    NB_ERR_LIMIT,    /* an input exceeds a documented limit */
    NB_ERR_NOMEM,    /* out of memory */
    NB_ERR_USAGE,    /* bad command-line use */
    NB_ERR_INTERNAL, /* a fault of nianbao itself, not of any input: a "can't happen"
                      * condition was detected (the message says which; please report it) */
} nb_code;

#define NB_STATUS_MSG_MAX 1024

typedef struct nb_status {
    nb_code code;
    char msg[NB_STATUS_MSG_MAX];
    unsigned char lang; /* an nb_lang (catalog.h); 0: English */
} nb_status;

/* clang-format off */
#define NB_STATUS_INIT {NB_OK, {0}, 0}
/* clang-format on */

/* Records a failure (unless one is already recorded) and returns `code`. */
nb_code nb_fail(nb_status *st, nb_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
nb_code nb_vfail(nb_status *st, nb_code code, const char *fmt, va_list ap);

/* Puts "prefix: " before the recorded message (e.g. the data file's name). */
void nb_status_prefix(nb_status *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* `msgid` in the status's language: for the words of a message that are made before
 * nb_fail is called (a reason passed in as an argument, a list built piece by piece).  The
 * catalogue's entry when it has one, else `msgid` itself; po/update.sh finds these. */
const char *nb_status_word(const nb_status *st, const char *msgid);

/* Resets to NB_OK (the language stays). */
void nb_status_clear(nb_status *st);

/* A short English name for a code ("font", "json", ...). */
const char *nb_code_name(nb_code code);

#endif
