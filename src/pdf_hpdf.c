/* pdf_hpdf.c — the libharu adapter (see pdf_hpdf.h): the error handler, object
 * constructors, stream bytes, and the only code in nianbao that touches libharu's structs.
 *
 * libharu's structs are declared in its installed headers but are not its interface: their
 * layout changes between releases (2.4 added fields to the page and document records), and
 * a build that defines HPDF_SHARED sees every handle as an opaque pointer.  nianbao uses
 * libharu's public functions wherever one exists; these nine fields remain, each read or
 * written only in the functions named:
 *
 *   HPDF_Doc_Rec.mmgr     read in doc_mmgr: the memory manager every object-layer
 *                         constructor (HPDF_Dict_New, HPDF_Array_New, HPDF_Binary_New, ...)
 *                         takes; hpdf.h has no getter for it.
 *   HPDF_Doc_Rec.xref     read in doc_xref: the cross-reference table that makes an object
 *                         indirect (HPDF_Xref_Add, HPDF_DictStream_New); no getter either.
 *   HPDF_Doc_Rec.catalog  read in nb_hpdf_catalog: /Metadata, /OutputIntents and /Lang go
 *                         into the catalog; hpdf.h sets only a few of its entries (page
 *                         mode, open action), and the trailer names it only while saving.
 *   HPDF_Doc_Rec.info     read in nb_hpdf_info: HPDF_SetInfoAttr makes the Info dictionary
 *                         but writes text in a one-byte encoding or UCS-2, and a report's
 *                         title may hold CJK Extension B characters; nianbao puts its own
 *                         UTF-16BE strings there.
 *   HPDF_Doc_Rec.trailer  read in nb_hpdf_set_id: the trailer /ID, which hpdf.h writes only
 *                         for encrypted documents (PDF/A-1 requires an ID and forbids
 *                         encryption).
 *   HPDF_Doc_Rec.stream   set in nb_hpdf_save: the stream HPDF_SaveToStream writes to.
 *                         hpdf.h saves only into a file or into libharu's memory stream,
 *                         which copies every byte one at a time (HPDF_MemCpy) and must then
 *                         be read back the same way; a callback writer fills one malloc'd
 *                         buffer instead.
 *   HPDF_Dict_Rec.stream  replaced in nb_hpdf_stream_take by a callback reader over the
 *                         bytes nianbao compressed (fonts are most of a PDF; copying them
 *                         into memory streams and saving through one cost 23% more
 *                         instructions per batch render: callgrind, 11 renders of the stress
 *                         sample with subsets reused, 415 M against 340 M); read in
 *                         nb_hpdf_page_write to write a page's content into it.  hpdf.h
 *                         writes stream bytes only through its drawing operators.
 *   HPDF_Dict_Rec.write_fn set in write_filter: writes /Filter /FlateDecode into a
 *                         dictionary whose bytes are compressed already: libharu removes a
 *                         /Filter key put in the dictionary when its own compression is off,
 *                         and would compress again (with zlib, slower) when it is on.
 *   HPDF_Stream_Rec.attr  read in stream_data: where HPDF_CallbackReader_New and
 *                         HPDF_CallbackWriter_New keep their `data` argument, the only way
 *                         the callbacks find their bytes.
 *
 * Used before this adapter and no longer: HPDF_Doc_Rec.pdf_version (the header is raised to
 * 1.4 in the saved bytes, nb_hpdf_save), HPDF_Dict_Rec.mmgr (the document's is used),
 * HPDF_Dict_Rec.filter (it stays "none" while libharu's compression mode is
 * HPDF_COMP_NONE), and HPDF_Dict_Rec.attr of a page with its HPDF_PageAttr_Rec.contents and
 * .stream (the page's /Contents is found with HPDF_Dict_GetItem, and its stream is written
 * in place rather than replaced, so the page's own pointer to it stays valid).
 */
#include "pdf_hpdf.h"

#include <hpdf_objects.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes a callback reader hands libharu when it saves (nb_hpdf_stream_take). */
struct nb_hpdf_held {
    unsigned char *p;
    size_t len, pos;
    nb_hpdf_held *next;
};

/* ---- errors ------------------------------------------------------------------------------ */

static void on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
    nb_hpdf *h = user_data;
    if (h->error) return; /* the first one tells what went wrong */
    h->error = (unsigned long)error_no;
    h->detail = (unsigned long)detail_no;
}

/* The errors nianbao's calls can meet, in words; the rest by code only. */
static const struct {
    unsigned long code;
    const char *text;
} errors[] = {
    {HPDF_FAILD_TO_ALLOC_MEM, "out of memory"},
    {HPDF_ARRAY_COUNT_ERR, "an array holds too many items"},
    {HPDF_DICT_COUNT_ERR, "a dictionary holds too many entries"},
    {HPDF_XREF_COUNT_ERR, "the document holds too many objects"},
    {HPDF_BINARY_LENGTH_ERR, "a string is too long"},
    {HPDF_STRING_OUT_OF_RANGE, "a string is too long"},
    {HPDF_NAME_INVALID_VALUE, "a name is empty or invalid"},
    {HPDF_NAME_OUT_OF_RANGE, "a name is too long"},
    {HPDF_REAL_OUT_OF_RANGE, "a number is out of range"},
    {HPDF_PAGE_INVALID_SIZE, "a page size is out of range"},
    {HPDF_PAGE_OUT_OF_RANGE, "too many pages"},
    {HPDF_INVALID_OBJECT, "an object is missing or invalid"},
    {HPDF_INVALID_PARAMETER, "an argument is invalid"},
    {HPDF_INVALID_DOCUMENT, "the document is invalid"},
    {HPDF_INVALID_STREAM, "a stream is invalid"},
    {HPDF_INVALID_PAGE, "a page is invalid"},
    {HPDF_INVALID_OUTLINE, "an outline item is invalid"},
    {HPDF_INVALID_DESTINATION, "a destination is invalid"},
    {HPDF_INVALID_OPERATION, "the operation is not allowed here"},
    {HPDF_DICT_ITEM_UNEXPECTED_TYPE, "a dictionary entry has an unexpected type"},
    {HPDF_DICT_STREAM_LENGTH_NOT_FOUND, "a stream has no /Length"},
    {HPDF_STREAM_EOF, "a stream ended early"},
    {HPDF_THIS_FUNC_WAS_SKIPPED, "skipped after an earlier error"},
    {HPDF_ZLIB_ERROR, "zlib failed"},
    {HPDF_FILE_IO_ERROR, "an I/O error"},
};

const char *nb_hpdf_error_text(unsigned long code)
{
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
        if (errors[i].code == code) return errors[i].text;
    return code ? "an error nianbao does not name (see libharu's hpdf_error.h)"
                : "a call failed without an error code";
}

nb_code nb_hpdf_fail(const nb_hpdf *h, nb_status *st, const char *what, ...)
{
    unsigned long code = h->error, detail = h->detail;
    if (!code && h->doc) { /* object-layer calls only set the document's error state */
        code = (unsigned long)HPDF_GetError(h->doc);
        detail = (unsigned long)HPDF_GetErrorDetail(h->doc);
    }
    char doing[512];
    va_list ap;
    va_start(ap, what);
    vsnprintf(doing, sizeof doing, what, ap);
    va_end(ap);
    return nb_fail(st, code == HPDF_FAILD_TO_ALLOC_MEM ? NB_ERR_NOMEM : NB_ERR_PDF,
                   "PDF writer: cannot %s: libharu: %s (error 0x%04lX, detail %lu)", doing,
                   nb_hpdf_error_text(code), code, detail);
}

/* ---- the document ------------------------------------------------------------------------- */

nb_code nb_hpdf_open(nb_hpdf *h, nb_status *st)
{
    h->error = h->detail = 0;
    h->held = NULL;
    h->held_total = 0;
    h->doc = HPDF_New(on_error, h);
    if (!h->doc)
        return nb_fail(st, NB_ERR_NOMEM,
                       "PDF writer: libharu cannot create a document (out of "
                       "memory)");
    /* Streams are compressed by pdf_stream.c; libharu's own compression stays off, which
     * also keeps every stream dictionary's filter at "none" (see write_filter). */
    if (HPDF_SetCompressionMode(h->doc, HPDF_COMP_NONE) != HPDF_OK) {
        nb_code rc = nb_hpdf_fail(h, st, "set the compression mode");
        nb_hpdf_close(h);
        return rc;
    }
    return NB_OK;
}

void nb_hpdf_close(nb_hpdf *h)
{
    if (h->doc) HPDF_Free(h->doc); /* first: its callback streams point at the bytes */
    h->doc = NULL;
    for (nb_hpdf_held *b = h->held, *next; b; b = next) {
        next = b->next;
        free(b->p);
        free(b);
    }
    h->held = NULL;
    h->held_total = 0;
}

/* HPDF_Doc_Rec.mmgr: see the list at the top. */
static HPDF_MMgr doc_mmgr(const nb_hpdf *h)
{
    return h->doc->mmgr;
}

/* HPDF_Doc_Rec.xref */
static HPDF_Xref doc_xref(const nb_hpdf *h)
{
    return h->doc->xref;
}

/* HPDF_Doc_Rec.catalog */
HPDF_Dict nb_hpdf_catalog(nb_hpdf *h)
{
    return h->doc->catalog;
}

/* HPDF_Doc_Rec.info, after HPDF_SetInfoAttr has made the dictionary. */
HPDF_Dict nb_hpdf_info(nb_hpdf *h)
{
    if (HPDF_SetInfoAttr(h->doc, HPDF_INFO_PRODUCER, "nianbao") != HPDF_OK) return NULL;
    return h->doc->info;
}

/* HPDF_Doc_Rec.trailer */
static HPDF_Dict doc_trailer(const nb_hpdf *h)
{
    return h->doc->trailer;
}

/* ---- objects ------------------------------------------------------------------------------ */

HPDF_Dict nb_hpdf_dict(nb_hpdf *h, bool indirect)
{
    HPDF_Dict d = HPDF_Dict_New(doc_mmgr(h));
    if (d && indirect && HPDF_Xref_Add(doc_xref(h), d) != HPDF_OK) return NULL;
    return d;
}

HPDF_Dict nb_hpdf_stream_dict(nb_hpdf *h)
{
    return HPDF_DictStream_New(doc_mmgr(h), doc_xref(h));
}

HPDF_Array nb_hpdf_array(nb_hpdf *h)
{
    return HPDF_Array_New(doc_mmgr(h));
}

HPDF_Binary nb_hpdf_binary(nb_hpdf *h, const void *data, size_t len)
{
    if (len > 0x7FFFFFFFu) return NULL;
    /* libharu copies the bytes; its prototype lacks the const. */
    return HPDF_Binary_New(doc_mmgr(h), (HPDF_BYTE *)(uintptr_t)data, (HPDF_UINT)len);
}

HPDF_String nb_hpdf_ascii(nb_hpdf *h, const char *s)
{
    return HPDF_String_New(doc_mmgr(h), s, NULL);
}

/* ---- stream bytes ------------------------------------------------------------------------ */

/* HPDF_Stream_Rec.attr: the `data` given to HPDF_CallbackReader_New or
 * HPDF_CallbackWriter_New. */
static void *stream_data(HPDF_Stream s)
{
    return s->attr;
}

static HPDF_STATUS held_read(HPDF_Stream s, HPDF_BYTE *ptr, HPDF_UINT *size)
{
    nb_hpdf_held *b = stream_data(s);
    size_t n = b->len - b->pos;
    if (n > *size) n = *size;
    memcpy(ptr, b->p + b->pos, n);
    b->pos += n;
    *size = (HPDF_UINT)n;
    return b->pos == b->len ? HPDF_STREAM_EOF : HPDF_OK;
}

static HPDF_STATUS held_seek(HPDF_Stream s, HPDF_INT pos, HPDF_WhenceMode mode)
{
    nb_hpdf_held *b = stream_data(s);
    long at = mode == HPDF_SEEK_SET ? 0 : mode == HPDF_SEEK_CUR ? (long)b->pos : (long)b->len;
    at += pos;
    if (at < 0 || (size_t)at > b->len) return HPDF_STREAM_EOF;
    b->pos = (size_t)at;
    return HPDF_OK;
}

static HPDF_INT32 held_tell(HPDF_Stream s)
{
    return (HPDF_INT32)((nb_hpdf_held *)stream_data(s))->pos;
}

static HPDF_UINT32 held_size(HPDF_Stream s)
{
    return (HPDF_UINT32)((nb_hpdf_held *)stream_data(s))->len;
}

/* Written into a dictionary after its own keys. */
static HPDF_STATUS write_flate_filter(HPDF_Dict d, HPDF_Stream s)
{
    (void)d;
    return HPDF_Stream_WriteStr(s, "/Filter /FlateDecode\012");
}

/* HPDF_Dict_Rec.write_fn */
static void write_filter(HPDF_Dict d, bool flate)
{
    if (flate) d->write_fn = write_flate_filter;
}

/* HPDF_Dict_Rec.stream, replaced. */
nb_code nb_hpdf_stream_take(nb_hpdf *h, HPDF_Dict d, unsigned char *data, size_t len, bool flate,
                            const char *what, nb_status *st)
{
    nb_hpdf_held *b = calloc(1, sizeof *b);
    if (!b) {
        free(data);
        return nb_fail(st, NB_ERR_NOMEM, "PDF writer: out of memory writing %s", what);
    }
    b->p = data; /* nb_hpdf_close frees it from here on */
    b->len = len;
    b->next = h->held;
    h->held = b;
    if (len > 0x7FFFFFFFu)
        return nb_fail(st, NB_ERR_PDF, "PDF writer: %s is too long (%zu bytes)", what, len);
    if (!d || !d->stream) return nb_hpdf_fail(h, st, "write %s: no stream object", what);
    HPDF_Stream s =
        HPDF_CallbackReader_New(doc_mmgr(h), held_read, held_seek, held_tell, held_size, b);
    if (!s) return nb_hpdf_fail(h, st, "write %s", what);
    HPDF_Stream_Free(d->stream); /* the empty memory stream HPDF_DictStream_New made */
    d->stream = s;
    write_filter(d, flate);
    h->held_total += len;
    return NB_OK;
}

/* HPDF_Dict_Rec.stream, read. */
nb_code nb_hpdf_page_write(nb_hpdf *h, HPDF_Page page, const void *data, size_t len, bool flate,
                           nb_status *st)
{
    HPDF_Dict d = HPDF_Dict_GetItem(page, "Contents", HPDF_OCLASS_DICT);
    if (len > 0x7FFFFFFFu)
        return nb_fail(st, NB_ERR_PDF, "PDF writer: a page's content is too long (%zu bytes)", len);
    if (!d || !d->stream) return nb_hpdf_fail(h, st, "find a page's content stream");
    if (len > 0 && HPDF_Stream_Write(d->stream, data, (HPDF_UINT)len) != HPDF_OK)
        return nb_hpdf_fail(h, st, "write a page's content (%zu bytes)", len);
    write_filter(d, flate);
    return NB_OK;
}

nb_code nb_hpdf_set_id(nb_hpdf *h, const unsigned char id[16], nb_status *st)
{
    HPDF_Array a = nb_hpdf_array(h);
    if (!a || HPDF_Array_Add(a, nb_hpdf_binary(h, id, 16)) != HPDF_OK ||
        HPDF_Array_Add(a, nb_hpdf_binary(h, id, 16)) != HPDF_OK ||
        HPDF_Dict_Add(doc_trailer(h), "ID", a) != HPDF_OK)
        return nb_hpdf_fail(h, st, "set the trailer ID");
    return NB_OK;
}

/* ---- saving ----------------------------------------------------------------------------- */

typedef struct sink {
    unsigned char *p;
    size_t len, cap;
    bool oom;
} sink;

static HPDF_STATUS sink_write(HPDF_Stream s, const HPDF_BYTE *ptr, HPDF_UINT size)
{
    sink *k = stream_data(s);
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

/* HPDF_Doc_Rec.stream, set for the save and cleared after it. */
nb_code nb_hpdf_save(nb_hpdf *h, unsigned char **data, size_t *len, nb_status *st)
{
    *data = NULL;
    *len = 0;
    /* the streams and, for the objects around them, a little more */
    sink k = {NULL, 0, h->held_total + 64 * 1024 + h->held_total / 16, false};
    if (!(k.p = malloc(k.cap)))
        return nb_fail(st, NB_ERR_NOMEM, "PDF writer: out of memory saving the document");
    HPDF_Doc pdf = h->doc;
    if (pdf->stream) HPDF_Stream_Free(pdf->stream);
    pdf->stream = HPDF_CallbackWriter_New(doc_mmgr(h), sink_write, &k);
    HPDF_STATUS hs = pdf->stream ? HPDF_SaveToStream(pdf) : HPDF_FAILD_TO_ALLOC_MEM;
    if (pdf->stream) HPDF_Stream_Free(pdf->stream); /* it points at k, which goes away */
    pdf->stream = NULL;
    if (hs != HPDF_OK || k.oom || k.len < 16) {
        free(k.p);
        if (k.oom)
            return nb_fail(st, NB_ERR_NOMEM, "PDF writer: out of memory saving the document");
        return nb_hpdf_fail(h, st, "serialise the document");
    }
    /* "%PDF-1.n": PDF/A-1 is based on PDF 1.4 and nianbao writes its features (XMP metadata,
     * output intents).  libharu sets its version field only as a side effect of other calls,
     * so the digit is raised here; the header keeps its length, the offsets stay right. */
    if (memcmp(k.p, "%PDF-1.", 7) != 0 || k.p[7] < '0' || k.p[7] > '9') {
        free(k.p);
        return nb_fail(st, NB_ERR_PDF, "PDF writer: libharu wrote no %%PDF-1.n header");
    }
    if (k.p[7] < '4') k.p[7] = '4';
    *data = k.p;
    *len = k.len;
    return NB_OK;
}
