/* pdf_stream.c — stream bytes compressed with libdeflate; see pdf_stream.h. */
#include "pdf_stream.h"

#include <hpdf_objects.h>
#include <libdeflate.h>
#include <stdbool.h>
#include <stdlib.h>

/* Levels chosen on the seed report's streams: level 1 packs a CFF subset within 1% of
 * level 6 at half the cost; text gains 10% from level 6. */
enum { LEVEL_TEXT = 6, LEVEL_FONT = 1 };

struct nb_packer {
    bool compress;
    struct libdeflate_compressor *z[2]; /* by nb_pack, made when first needed */
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
    for (int i = 0; i < 2; i++)
        if (pk->z[i]) libdeflate_free_compressor(pk->z[i]);
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
        int k = how == NB_PACK_FONT;
        if (!pk->z[k]) pk->z[k] = libdeflate_alloc_compressor(k ? LEVEL_FONT : LEVEL_TEXT);
        if (!pk->z[k]) return nb_fail(st, NB_ERR_NOMEM, "out of memory compressing %s", what);
        size_t bound = libdeflate_zlib_compress_bound(pk->z[k], len);
        if (bound > pk->cap) {
            unsigned char *nb = realloc(pk->buf, bound);
            if (!nb) return nb_fail(st, NB_ERR_NOMEM, "out of memory compressing %s", what);
            pk->buf = nb;
            pk->cap = bound;
        }
        olen = libdeflate_zlib_compress(pk->z[k], data, len, pk->buf, pk->cap);
        if (olen == 0) return nb_fail(st, NB_ERR_PDF, "cannot compress %s", what);
        out = pk->buf;
        d->write_fn = write_flate_filter;
    }
    if (olen > 0xFFFFFFFFu ||
        HPDF_Stream_Write(d->stream, (const HPDF_BYTE *)out, (HPDF_UINT)olen) != HPDF_OK)
        return nb_fail(st, NB_ERR_PDF, "PDF writer: cannot write %s", what);
    return NB_OK;
}
