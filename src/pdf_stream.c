/* pdf_stream.c — stream bytes compressed with libdeflate; see pdf_stream.h. */
#include "pdf_stream.h"
#include "deflate_lit.h"

#include <hpdf_objects.h>
#include <libdeflate.h>
#include <stdbool.h>
#include <stdlib.h>

/* Text: libdeflate level 6 (10% smaller than level 1 on the seed's content streams).
 * Font programs: literals only (deflate_lit.h), a fifth of libdeflate's fastest level's
 * time for 3% more bytes. */
enum { LEVEL_TEXT = 6 };

struct nb_packer {
    bool compress;
    struct libdeflate_compressor *z; /* for text, made when first needed */
    unsigned char *buf;
    size_t cap;
};

nb_packer *nb_packer_new(bool compress)
{
    nb_packer *pk = calloc(1, sizeof *pk);
    if (pk) pk->compress = compress;
    return pk;
}

void nb_packer_free(nb_packer *pk)
{
    if (!pk) return;
    if (pk->z) libdeflate_free_compressor(pk->z);
    free(pk->buf);
    free(pk);
}

/* Written into the dictionary by libharu after its own keys: with its filter set to
 * none, libharu would remove a /Filter key of ours. */
static HPDF_STATUS write_flate_filter(HPDF_Dict d, HPDF_Stream s)
{
    (void)d;
    return HPDF_Stream_WriteStr(s, "/Filter /FlateDecode\012");
}

nb_code nb_pdf_stream_put(nb_packer *pk, HPDF_Dict d, const void *data, size_t len, nb_pack how,
                          const char *what, nb_status *st)
{
    d->filter = HPDF_STREAM_FILTER_NONE;
    const void *out = data;
    size_t olen = len;
    if (pk->compress && len > 0) {
        bool font = how == NB_PACK_FONT;
        if (!font && !pk->z && !(pk->z = libdeflate_alloc_compressor(LEVEL_TEXT)))
            return nb_fail(st, NB_ERR_NOMEM, "out of memory compressing %s", what);
        size_t bound =
            font ? nb_deflate_lit_bound(len) : libdeflate_zlib_compress_bound(pk->z, len);
        if (bound > pk->cap) {
            unsigned char *nb = realloc(pk->buf, bound);
            if (!nb) return nb_fail(st, NB_ERR_NOMEM, "out of memory compressing %s", what);
            pk->buf = nb;
            pk->cap = bound;
        }
        size_t zlen = font ? nb_deflate_lit(data, len, pk->buf, pk->cap)
                           : libdeflate_zlib_compress(pk->z, data, len, pk->buf, pk->cap);
        if (zlen == 0) return nb_fail(st, NB_ERR_PDF, "cannot compress %s", what);
        if (zlen < len) { /* else stored as it is */
            out = pk->buf;
            olen = zlen;
            d->write_fn = write_flate_filter;
        }
    }
    if (olen > 0xFFFFFFFFu ||
        HPDF_Stream_Write(d->stream, (const HPDF_BYTE *)out, (HPDF_UINT)olen) != HPDF_OK)
        return nb_fail(st, NB_ERR_PDF, "PDF writer: cannot write %s", what);
    return NB_OK;
}
