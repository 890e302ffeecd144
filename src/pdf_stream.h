/* pdf_stream.h — the bytes of a PDF's streams and of the PDF itself, moved past libharu's
 * byte-by-byte memory streams.  Text (content streams, CMaps, CIDSets, ICC profiles) is
 * Flate-compressed with libdeflate, font programs with literal-only deflate
 * (deflate_lit.h); the same input always gives the same bytes.
 *
 * A packer keeps every stream's bytes: libharu reads them through a callback stream when
 * the document is saved, so the packer must outlive the save (free it after HPDF_Free).
 * nb_pdf_stream_put replaces the dictionary's libharu stream; for a page's contents the
 * caller points the page at the new one (attr->stream).  nb_pdf_save has libharu write
 * the document straight into one malloc'd buffer.
 */
#ifndef NB_PDF_STREAM_H
#define NB_PDF_STREAM_H

#include <hpdf.h>
#include <stdbool.h>
#include <stddef.h>

#include "status.h"

typedef struct nb_packer nb_packer;

/* A packer that compresses (compress true) or stores the bytes as they are. NULL when out
 * of memory. */
nb_packer *nb_packer_new(bool compress);
void nb_packer_free(nb_packer *pk);

/* Makes text data[0..len) (a content stream, a CMap, a CIDSet, an ICC profile) the stream
 * of `d` (a libharu stream dictionary, whose own filter is set to none): compressed when
 * the packer compresses and that makes it smaller, then /Filter /FlateDecode is added.
 * The bytes are copied; d->stream is replaced.  NB_ERR_NOMEM or NB_ERR_PDF (naming
 * `what`) on failure.  Font programs go through nb_pack_font and
 * nb_pdf_stream_put_packed. */
nb_code nb_pdf_stream_put(nb_packer *pk, HPDF_Dict d, const void *data, size_t len,
                          const char *what, nb_status *st);

/* Stream bytes made ahead, e.g. on another thread: data is malloc'd, flate tells whether
 * they are Flate-compressed. */
typedef struct nb_packed {
    unsigned char *data;
    size_t len;
    bool flate;
} nb_packed;

/* A font program packed as nb_pdf_stream_put would (compress: as the packer's flag).
 * Thread-safe. */
nb_code nb_pack_font(bool compress, const void *data, size_t len, nb_packed *out, nb_status *st);
void nb_packed_free(nb_packed *pd);

/* Makes pd's bytes the stream of `d`, taking them over (pd->data is NULL afterwards, also on
 * failure). */
nb_code nb_pdf_stream_put_packed(nb_packer *pk, HPDF_Dict d, nb_packed *pd, const char *what,
                                 nb_status *st);

/* Serialises the document into *data (malloc'd, the caller frees it) and *len. */
nb_code nb_pdf_save(HPDF_Doc pdf, const nb_packer *pk, unsigned char **data, size_t *len,
                    nb_status *st);

#endif
