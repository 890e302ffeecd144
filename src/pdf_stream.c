/* pdf_stream.c — stream bytes compressed by us and handed to libharu without copies; see
 * pdf_stream.h. */
#include "pdf_stream.h"
#include "deflate_lit.h"

#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <libdeflate.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Text: libdeflate level 1.  On the seed's content streams level 6 is 10% smaller (1.5 KB
 * of a 240 KB PDF) and takes 3.5 times as long (0.8 ms against 0.2).  Font programs:
 * literals only (deflate_lit.h), a fifth of libdeflate's fastest level's time for 3% more
 * bytes. */
enum { LEVEL_TEXT = 1 };

/* One stream's bytes, read by libharu through a callback stream when it saves. */
typedef struct held {
    unsigned char *p;
    size_t len, pos;
    struct held *next;
} held;

struct nb_packer {
    bool compress;
    struct libdeflate_compressor *z; /* for text, made when first needed */
    held *streams;                   /* every stream's bytes, newest first */
    size_t total;                    /* their lengths added up */
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
    for (held *h = pk->streams, *next; h; h = next) {
        next = h->next;
        free(h->p);
        free(h);
    }
    free(pk);
}

/* Written into the dictionary by libharu after its own keys: with its filter set to
 * none, libharu would remove a /Filter key of ours. */
static HPDF_STATUS write_flate_filter(HPDF_Dict d, HPDF_Stream s)
{
    (void)d;
    return HPDF_Stream_WriteStr(s, "/Filter /FlateDecode\012");
}

/* ---- the callback stream libharu reads a held stream through ------------------------- */

static HPDF_STATUS held_read(HPDF_Stream s, HPDF_BYTE *ptr, HPDF_UINT *size)
{
    held *h = s->attr;
    size_t n = h->len - h->pos;
    if (n > *size) n = *size;
    memcpy(ptr, h->p + h->pos, n);
    h->pos += n;
    *size = (HPDF_UINT)n;
    return h->pos == h->len ? HPDF_STREAM_EOF : HPDF_OK;
}

static HPDF_STATUS held_seek(HPDF_Stream s, HPDF_INT pos, HPDF_WhenceMode mode)
{
    held *h = s->attr;
    long at = mode == HPDF_SEEK_SET ? 0 : mode == HPDF_SEEK_CUR ? (long)h->pos : (long)h->len;
    at += pos;
    if (at < 0 || (size_t)at > h->len) return HPDF_STREAM_EOF;
    h->pos = (size_t)at;
    return HPDF_OK;
}

static HPDF_INT32 held_tell(HPDF_Stream s)
{
    return (HPDF_INT32)((held *)s->attr)->pos;
}

static HPDF_UINT32 held_size(HPDF_Stream s)
{
    return (HPDF_UINT32)((held *)s->attr)->len;
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

nb_code nb_pdf_stream_put_packed(nb_packer *pk, HPDF_Dict d, nb_packed *pd, const char *what,
                                 nb_status *st)
{
    d->filter = HPDF_STREAM_FILTER_NONE;
    held *h = calloc(1, sizeof *h);
    if (!h) {
        nb_packed_free(pd);
        return nb_fail(st, NB_ERR_NOMEM, "out of memory writing %s", what);
    }
    h->p = pd->data; /* the packer frees it from here on */
    h->len = pd->len;
    h->next = pk->streams;
    pk->streams = h;
    pd->data = NULL;
    HPDF_Stream s = HPDF_CallbackReader_New(d->mmgr, held_read, held_seek, held_tell, held_size, h);
    if (!s) return nb_fail(st, NB_ERR_NOMEM, "out of memory writing %s", what);
    HPDF_Stream_Free(d->stream); /* the empty memory stream HPDF_DictStream_New made */
    d->stream = s;
    if (pd->flate) d->write_fn = write_flate_filter;
    pk->total += h->len;
    return NB_OK;
}

nb_code nb_pdf_stream_put(nb_packer *pk, HPDF_Dict d, const void *data, size_t len,
                          const char *what, nb_status *st)
{
    struct libdeflate_compressor *z = NULL;
    if (pk->compress && len > 0) {
        if (!pk->z && !(pk->z = libdeflate_alloc_compressor(LEVEL_TEXT)))
            return nb_fail(st, NB_ERR_NOMEM, "out of memory compressing %s", what);
        z = pk->z;
    }
    nb_packed pd;
    nb_code rc = pack(z, pk->compress, data, len, &pd, what, st);
    return rc != NB_OK ? rc : nb_pdf_stream_put_packed(pk, d, &pd, what, st);
}

/* ---- the document's bytes --------------------------------------------------------------- */

typedef struct sink {
    unsigned char *p;
    size_t len, cap;
    bool oom;
} sink;

static HPDF_STATUS sink_write(HPDF_Stream s, const HPDF_BYTE *ptr, HPDF_UINT size)
{
    sink *k = s->attr;
    if (k->len + size > k->cap) {
        size_t cap = k->cap * 2 > k->len + size ? k->cap * 2 : k->len + size;
        unsigned char *np = realloc(k->p, cap);
        if (!np) {
            k->oom = true;
            return HPDF_FAILD_TO_ALLOC_MEM;
        }
        k->p = np;
        k->cap = cap;
    }
    memcpy(k->p + k->len, ptr, size);
    k->len += size;
    return HPDF_OK;
}

nb_code nb_pdf_save(HPDF_Doc pdf, const nb_packer *pk, unsigned char **data, size_t *len,
                    nb_status *st)
{
    *data = NULL;
    *len = 0;
    /* the streams and, for the objects around them, a little more */
    sink k = {NULL, 0, pk->total + 64 * 1024 + pk->total / 16, false};
    if (!(k.p = malloc(k.cap))) return nb_fail(st, NB_ERR_NOMEM, "PDF writer: out of memory");
    if (pdf->stream) HPDF_Stream_Free(pdf->stream);
    pdf->stream = HPDF_CallbackWriter_New(pdf->mmgr, sink_write, &k);
    HPDF_STATUS hs = pdf->stream ? HPDF_SaveToStream(pdf) : HPDF_FAILD_TO_ALLOC_MEM;
    HPDF_Stream_Free(pdf->stream); /* it points at k, which goes away */
    pdf->stream = NULL;
    if (hs != HPDF_OK || k.oom || k.len == 0) {
        free(k.p);
        return k.oom || hs == HPDF_FAILD_TO_ALLOC_MEM
                   ? nb_fail(st, NB_ERR_NOMEM, "PDF writer: out of memory saving the document")
                   : nb_fail(st, NB_ERR_PDF,
                             "PDF writer: cannot serialise the document (libharu "
                             "error 0x%04X)",
                             (unsigned)hs);
    }
    *data = k.p;
    *len = k.len;
    return NB_OK;
}
