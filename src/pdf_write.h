/* pdf_write.h — an nb_layout → PDF bytes, through libharu (pdf_hpdf.h).
 *
 * Knows nothing of reports: it draws text boxes with Type0/Identity-H fonts (one per face
 * used, subset with hb-subset, CFF as FontFile3/CIDFontType0C, TrueType as FontFile2),
 * rules in DeviceGray black, the outline, the Info dictionary, the document's language
 * (/Lang, zh-CN unless the meta says otherwise) and, unless turned off, what PDF/A-1b
 * asks for (XMP, OutputIntent with an ICC profile, CIDSet, trailer ID).
 * Output is deterministic: the same layout, fonts and options give the same bytes.
 * Info and XMP are written from the same cleaned copies of the nb_pdf_meta strings (valid
 * UTF-8, no control characters), so they always agree.  The caller keeps ownership of the
 * layout and meta; the bytes belong to the caller (nb_pdf_bytes_free).
 * The result is written to memory; writing it to a file is the program's business (the
 * nianbao command's is src/cli/outfile.h).
 * What PDF/A-1b rules are checked, and how: docs/pdfa.md.
 */
#ifndef NB_PDF_WRITE_H
#define NB_PDF_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "box.h"
#include "font.h"
#include "status.h"

typedef struct nb_pdf_meta {
    const char *title;    /* UTF-8 */
    const char *author;   /* UTF-8: the issuing body */
    const char *subject;  /* UTF-8 */
    const char *keywords; /* UTF-8, may be NULL */
    const char *creator;  /* UTF-8: "nianbao <version>" */
    time_t date;          /* CreationDate = ModDate (UTC); from the data or the caller;
                           * NB_PDF_NO_DATE: no dates at all (neither Info nor XMP) */
    const char *lang;     /* the catalog's /Lang, a language tag (BCP 47: letters, digits,
                           * hyphens); NULL: NB_PDF_LANG_DEFAULT */
} nb_pdf_meta;

#define NB_PDF_LANG_DEFAULT "zh-CN"

#define NB_PDF_NO_DATE ((time_t)-1)

typedef struct nb_pdf_opts {
    bool pdfa;         /* PDF/A-1b (default true) */
    bool compress;     /* Flate streams (default true) */
    bool show_outline; /* open with the outline panel */
    int threads;       /* the faces are subset on up to this many threads, this one
                        * included; 0: one per CPU, at most 4.  The bytes are the same. */
} nb_pdf_opts;

typedef struct nb_pdf_bytes {
    unsigned char *data; /* owned; free with nb_pdf_bytes_free */
    size_t len;
} nb_pdf_bytes;

/* Optional per-stage timing (milliseconds), filled when non-NULL. */
typedef struct nb_pdf_timing {
    double subset_ms, write_ms;
} nb_pdf_timing;

nb_code nb_pdf_write(const nb_layout *layout, const nb_pdf_meta *meta, const nb_pdf_opts *opts,
                     nb_pdf_bytes *out, nb_pdf_timing *timing, nb_status *st);
void nb_pdf_bytes_free(nb_pdf_bytes *b);

#endif
