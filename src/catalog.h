/* catalog.h — the library's messages in Chinese, without gettext's process-wide state.
 *
 * po/zh_CN.po is compiled by msgfmt at build time into a GNU .mo file, which the build
 * embeds into the library as a byte array (cmake/EmbedBytes.cmake).  A status whose
 * language is Chinese looks up the English format string of a message there (status.c)
 * and formats with the translation, which msgfmt --check-format has checked to take the
 * same printf conversions in the same order.  The table is read in place: no allocation,
 * no global mutable state, safe from any thread.
 */
#ifndef NB_CATALOG_H
#define NB_CATALOG_H

#include <stddef.h>

typedef enum nb_lang {
    NB_LANG_EN = 0, /* the English text as written in the sources */
    NB_LANG_ZH = 1, /* simplified Chinese, from po/zh_CN.po */
} nb_lang;

/* NB_LANG_ZH for a name starting "zh" ("zh", "zh_CN.UTF-8"), otherwise (NULL, "en", "C")
 * NB_LANG_EN. */
nb_lang nb_lang_from_name(const char *name);

/* The translation of `msgid` into `lang`; `msgid` itself when the language is English or
 * the catalogue has no (non-empty) translation for it.  Never NULL for a non-NULL msgid. */
const char *nb_catalog_lookup(nb_lang lang, const char *msgid);

/* Looks `msgid` up in a .mo image of `len` bytes; NULL when absent or the image is not a
 * well-formed .mo file.  (For the tests; nb_catalog_lookup uses the embedded catalogue.) */
const char *nb_mo_lookup(const unsigned char *mo, size_t len, const char *msgid);

#endif
