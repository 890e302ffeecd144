/* pdf_hpdf.h — nianbao's one door into libharu: a document, its errors, and the few things
 * libharu's API cannot do without reaching into its structs.
 *
 * The PDF writer builds its objects with libharu's documented API (hpdf.h: pages, outline,
 * open action, saving) and its object layer (HPDF_Dict_Add, HPDF_Array_New,
 * HPDF_Binary_New ..., declared in the installed hpdf_objects.h and exported by the shared
 * library, with the same signatures in Debian's 2.3.0 and upstream's current release,
 * 2.4.6).  What neither offers is done here and only here: pdf_hpdf.c's opening comment
 * names each private struct field it still uses and why, and no other file of nianbao
 * reads or writes a field of a libharu struct.
 *
 * Errors: libharu reports a failure through an error handler (public API calls) or only in
 * the document's error state (object-layer calls); nb_hpdf_fail turns either into one
 * nb_status message naming what nianbao was doing, libharu's error in words and its codes.
 *
 * An nb_hpdf is a plain struct the caller places (its address is the handler's user data,
 * so it must not move between nb_hpdf_open and nb_hpdf_close).  Every object made through
 * it belongs to the document, and nb_hpdf_close frees them with the stream bytes it took
 * over.
 */
#ifndef NB_PDF_HPDF_H
#define NB_PDF_HPDF_H

#include <hpdf.h>
#include <stdbool.h>
#include <stddef.h>

#include "status.h"

typedef struct nb_hpdf_held nb_hpdf_held;

typedef struct nb_hpdf {
    HPDF_Doc doc;
    unsigned long error, detail; /* the first error libharu's handler reported; 0: none */
    nb_hpdf_held *held;          /* stream bytes libharu reads when saving (owned) */
    size_t held_total;           /* their lengths added up */
} nb_hpdf;

/* A new document with nianbao's error handler and libharu's own stream compression off
 * (pdf_stream.c compresses).  NB_ERR_NOMEM when libharu cannot make one. */
nb_code nb_hpdf_open(nb_hpdf *h, nb_status *st);
/* Frees the document, everything in it and the stream bytes taken over; h may be zeroed or
 * already closed. */
void nb_hpdf_close(nb_hpdf *h);

/* Records "PDF writer: cannot <what>: <libharu's error in words> (libharu error 0xNNNN,
 * detail N)" in st: NB_ERR_NOMEM when libharu ran out of memory, else NB_ERR_PDF.  `what` is
 * a printf format.  Returns the code. */
nb_code nb_hpdf_fail(const nb_hpdf *h, nb_status *st, const char *what, ...)
    __attribute__((format(printf, 3, 4)));

/* The same message for a libharu status code returned by a call (e.g. a callback's). */
const char *nb_hpdf_error_text(unsigned long code);

/* ---- objects: NULL when out of memory (nb_hpdf_fail says so) -------------------------- */

/* A dictionary, direct (to be put inside another object) or indirect (its own numbered
 * object). */
HPDF_Dict nb_hpdf_dict(nb_hpdf *h, bool indirect);
/* An empty stream dictionary (indirect); its bytes come with nb_hpdf_stream_take. */
HPDF_Dict nb_hpdf_stream_dict(nb_hpdf *h);
HPDF_Array nb_hpdf_array(nb_hpdf *h);
/* A string object holding data[0..len) as it is (written in hex): a PDF text string in
 * UTF-16BE with its byte order mark, or the trailer ID's bytes. */
HPDF_Binary nb_hpdf_binary(nb_hpdf *h, const void *data, size_t len);
/* A literal string of printable ASCII (a date, a language tag, "Adobe"). */
HPDF_String nb_hpdf_ascii(nb_hpdf *h, const char *s);

/* Makes data[0..len) (malloc'd) the stream of `d`, a dictionary made with
 * nb_hpdf_stream_dict, and takes the bytes over: libharu reads them where they are when the
 * document is saved (its own memory streams copy byte by byte), and nb_hpdf_close frees
 * them, also when this fails.  flate: the bytes are Flate-compressed already, and the
 * dictionary says /Filter /FlateDecode; else it has no /Filter.  Once per stream.  `what`
 * names the stream in messages ("a font program"). */
nb_code nb_hpdf_stream_take(nb_hpdf *h, HPDF_Dict d, unsigned char *data, size_t len, bool flate,
                            const char *what, nb_status *st);

/* The same for a page's content: the bytes are copied into the page's own stream (which
 * libharu's page keeps a pointer to, so it is not replaced); data stays the caller's. */
nb_code nb_hpdf_page_write(nb_hpdf *h, HPDF_Page page, const void *data, size_t len, bool flate,
                           nb_status *st);

/* ---- the document's own dictionaries -------------------------------------------------- */

/* The catalog, for /Metadata, /OutputIntents and /Lang. */
HPDF_Dict nb_hpdf_catalog(nb_hpdf *h);
/* The Info dictionary, made on first use. */
HPDF_Dict nb_hpdf_info(nb_hpdf *h);
/* Sets the trailer's /ID to two copies of the 16-byte `id`. */
nb_code nb_hpdf_set_id(nb_hpdf *h, const unsigned char id[16], nb_status *st);

/* Serialises the document into *data (malloc'd; the caller frees it) and *len, with the
 * header %PDF-1.4 (the version PDF/A-1 is based on; libharu writes 1.2 or 1.3 unless some
 * call of its own needs more). */
nb_code nb_hpdf_save(nb_hpdf *h, unsigned char **data, size_t *len, nb_status *st);

#endif
