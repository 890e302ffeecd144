/* pdf_stream.h — the bytes of a PDF stream object, Flate-compressed by us with libdeflate
 * instead of by libharu (zlib, one fixed level): font programs, which barely compress,
 * at a fast level; text (content streams, CMaps, CIDSets, ICC profiles) at a thorough
 * one.  libdeflate makes the same zlib format as zlib in about a third of the time.  The
 * same input always gives the same bytes.
 *
 * A packer owns its compressors and a scratch buffer; make one per document (or per
 * process) and free it with nb_packer_free.  The stream's bytes are copied into libharu's
 * stream; the dictionary gets /Filter /FlateDecode when they were compressed.
 */
#ifndef NB_PDF_STREAM_H
#define NB_PDF_STREAM_H

#include <hpdf.h>
#include <stdbool.h>
#include <stddef.h>

#include "status.h"

typedef enum nb_pack {
    NB_PACK_TEXT, /* content streams, CMaps and other well-compressing data */
    NB_PACK_FONT  /* font programs: compressed fast */
} nb_pack;

typedef struct nb_packer nb_packer;

/* A packer that compresses (compress true) or stores the bytes as they are. NULL when out
 * of memory. */
nb_packer *nb_packer_new(bool compress);
void nb_packer_free(nb_packer *pk);

/* Writes data[0..len) as the stream of `d` (a libharu stream dictionary, whose own filter
 * is set to none).  NB_ERR_NOMEM or NB_ERR_PDF (naming `what`) on failure. */
nb_code nb_pdf_stream_put(nb_packer *pk, HPDF_Dict d, const void *data, size_t len, nb_pack how,
                          const char *what, nb_status *st);

#endif
