/* pdf_stream.h — the bytes of a PDF's streams, compressed by nianbao rather than libharu.
 * Text (content streams, CMaps, CIDSets, ICC profiles) is Flate-compressed with libdeflate,
 * font programs with literal-only deflate (deflate_lit.h); the same input always gives the
 * same bytes.  A stream is stored compressed only when that makes it smaller, and then
 * its dictionary says /Filter /FlateDecode.  The bytes are handed to the libharu document
 * through the adapter (pdf_hpdf.h), which keeps them until the document is saved.
 */
#ifndef NB_PDF_STREAM_H
#define NB_PDF_STREAM_H

#include <stdbool.h>
#include <stddef.h>

#include "pdf_hpdf.h"
#include "status.h"

typedef struct nb_packer nb_packer;

/* A packer that compresses (compress true) or stores the bytes as they are. NULL when out
 * of memory. */
nb_packer *nb_packer_new(bool compress);
void nb_packer_free(nb_packer *pk);

/* Makes text data[0..len) (a CMap, a CIDSet, an ICC profile) the stream of `d` (made with
 * nb_hpdf_stream_dict): compressed when the packer compresses and that makes it smaller.
 * The bytes are copied.  NB_ERR_NOMEM or NB_ERR_PDF (naming `what`) on failure.  Font
 * programs go through nb_pack_font and nb_pdf_stream_put_packed. */
nb_code nb_pdf_stream_put(nb_packer *pk, nb_hpdf *h, HPDF_Dict d, const void *data, size_t len,
                          const char *what, nb_status *st);

/* The same for a page's content stream. */
nb_code nb_pdf_page_put(nb_packer *pk, nb_hpdf *h, HPDF_Page page, const void *data, size_t len,
                        nb_status *st);

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

/* Makes pd's bytes the stream of `d` (made with nb_hpdf_stream_dict), handing them to h
 * (pd->data is NULL afterwards, also on failure). */
nb_code nb_pdf_stream_put_packed(nb_hpdf *h, HPDF_Dict d, nb_packed *pd, const char *what,
                                 nb_status *st);

#endif
