/* pdf_stream.c — stream bytes compressed by us and handed to libharu; see pdf_stream.h. */
#include "pdf_stream.h"
#include "deflate_lit.h"

#include <libdeflate.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Text: libdeflate level 1.  On the seed's content streams level 6 is 10% smaller (1.5 KB
 * of a 240 KB PDF) and takes 3.5 times as long (0.8 ms against 0.2).  Font programs:
 * literals only (deflate_lit.h), a fifth of libdeflate's fastest level's time for 3% more
 * bytes. */
enum { LEVEL_TEXT = 1 };

struct nb_packer {
    bool compress;
    struct libdeflate_compressor *z; /* for text, made when first needed */
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
    free(pk);
}

/* Compresses data[0..len) with z (text) or deflate_lit (font, z NULL) into *out, or
 * copies it when asked not to compress or when compressing would not shrink it. */
static nb_code pack(struct libdeflate_compressor *z, bool compress, const void *data, size_t len,
                    nb_packed *out, const char *what, nb_status *st)
{
    out->data = NULL;
    out->len = 0;
    out->flate = false;
    if (len > 0x7FFFFFFFu) return nb_fail(st, NB_ERR_PDF, "PDF writer: %s is too long", what);
    if (compress && len > 0) {
        size_t bound = z ? libdeflate_zlib_compress_bound(z, len) : nb_deflate_lit_bound(len);
        if (!(out->data = malloc(bound)))
            return nb_fail(st, NB_ERR_NOMEM, "out of memory compressing %s", what);
        out->len = z ? libdeflate_zlib_compress(z, data, len, out->data, bound)
                     : nb_deflate_lit(data, len, out->data, bound);
        if (out->len == 0) {
            nb_packed_free(out);
            return nb_fail(st, NB_ERR_PDF, "cannot compress %s", what);
        }
        if (out->len < len) {
            out->flate = true;
            return NB_OK;
        }
        free(out->data); /* would not shrink: stored as it is */
    }
    if (!(out->data = malloc(len ? len : 1)))
        return nb_fail(st, NB_ERR_NOMEM, "out of memory writing %s", what);
    if (len) memcpy(out->data, data, len);
    out->len = len;
    return NB_OK;
}

nb_code nb_pack_font(bool compress, const void *data, size_t len, nb_packed *out, nb_status *st)
{
    return pack(NULL, compress, data, len, out, "a font program", st);
}

void nb_packed_free(nb_packed *pd)
{
    free(pd->data);
    pd->data = NULL;
    pd->len = 0;
}

nb_code nb_pdf_stream_put_packed(nb_hpdf *h, HPDF_Dict d, nb_packed *pd, const char *what,
                                 nb_status *st)
{
    unsigned char *p = pd->data;
    pd->data = NULL;
    return nb_hpdf_stream_take(h, d, p, pd->len, pd->flate, what, st);
}

/* Packs text with the packer's compressor (made on first use). */
static nb_code pack_text(nb_packer *pk, const void *data, size_t len, nb_packed *pd,
                         const char *what, nb_status *st)
{
    struct libdeflate_compressor *z = NULL;
    if (pk->compress && len > 0) {
        if (!pk->z && !(pk->z = libdeflate_alloc_compressor(LEVEL_TEXT)))
            return nb_fail(st, NB_ERR_NOMEM, "out of memory compressing %s", what);
        z = pk->z;
    }
    return pack(z, pk->compress, data, len, pd, what, st);
}

nb_code nb_pdf_stream_put(nb_packer *pk, nb_hpdf *h, HPDF_Dict d, const void *data, size_t len,
                          const char *what, nb_status *st)
{
    nb_packed pd = {0};
    nb_code rc = pack_text(pk, data, len, &pd, what, st);
    return rc != NB_OK ? rc : nb_pdf_stream_put_packed(h, d, &pd, what, st);
}

nb_code nb_pdf_page_put(nb_packer *pk, nb_hpdf *h, HPDF_Page page, const void *data, size_t len,
                        nb_status *st)
{
    nb_packed pd = {0};
    nb_code rc = pack_text(pk, data, len, &pd, "a page's content", st);
    if (rc != NB_OK) return rc;
    rc = nb_hpdf_page_write(h, page, pd.data, pd.len, pd.flate, st);
    nb_packed_free(&pd);
    return rc;
}
