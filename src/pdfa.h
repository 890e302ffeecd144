/* pdfa.h — what PDF/A-1b asks of a document besides its fonts: an ICC profile (built here
 * in code, a small sRGB-like ICC v2 display profile, never read from a file), the XMP
 * metadata packet (kept consistent with the Info dictionary the writer makes from the same
 * nb_pdf_meta), and the OutputIntent that carries the profile.
 *
 * The byte builders return malloc'd memory that the caller frees.  nb_pdfa_attach adds
 * the XMP stream and the OutputIntent to a libharu document (through pdf_hpdf.h); the
 * objects then belong to the document.  Everything is deterministic: dates come from
 * meta->date, never the clock.
 */
#ifndef NB_PDFA_H
#define NB_PDFA_H

#include <hpdf.h>
#include <hpdf_encrypt.h>
#include <stddef.h>
#include <time.h>

#include "pdf_hpdf.h"
#include "pdf_stream.h"
#include "pdf_write.h"
#include "status.h"

/* A valid ICC v2 'mntr' RGB profile (sRGB primaries adapted to D50, gamma 2.2 curves,
 * desc/cprt/wtpt/rXYZ/gXYZ/bXYZ/rTRC/gTRC/bTRC).  NULL when out of memory. */
unsigned char *nb_pdfa_icc_profile(size_t *len);

/* PDF date "D:YYYYMMDDHHmmSS+00'00'" and XMP date "YYYY-MM-DDTHH:mm:SS+00:00" (UTC). */
void nb_pdfa_dates(time_t t, char pdf_date[32], char xmp_date[32]);

/* The XMP packet (UTF-8, NUL-terminated, `*len` bytes without the NUL) with dc:title,
 * dc:creator, dc:description, pdf:Producer, pdf:Keywords, xmp dates (none when meta->date
 * is NB_PDF_NO_DATE, as in the Info dictionary) and CreatorTool and pdfaid part 1 /
 * conformance B.  NULL when out of memory. */
char *nb_pdfa_xmp(const nb_pdf_meta *meta, const char *producer, size_t *len);

/* Adds /Metadata (uncompressed XMP) to the catalog and /OutputIntents [GTS_PDFA1 with the
 * ICC profile, written through `pk`].  Feeds the bytes it writes to `md5` when non-NULL
 * (for the trailer ID). */
nb_code nb_pdfa_attach(nb_hpdf *h, const nb_pdf_meta *meta, const char *producer, nb_packer *pk,
                       HPDF_MD5_CTX *md5, nb_status *st);

#endif
