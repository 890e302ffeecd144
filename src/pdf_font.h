/* pdf_font.h — one face's embedding in one PDF: a Type0 / Identity-H font with one
 * descendant CIDFont and a font program subset by hb-subset.
 *
 * Use: nb_pdf_font_new; nb_pdf_font_use for every glyph the pages draw (with the text it
 * stands for); once, nb_pdf_font_prepare (subsets) and nb_pdf_font_attach (builds the
 * objects in the libharu document); then nb_pdf_font_glyph for each glyph's 2-byte code
 * and /W width, and nb_pdf_font_dict for the Type0 dictionary of the page resources.
 *
 * - TrueType: CIDFontType2, FontFile2; code = the glyph id in the subset, CIDToGIDMap
 *   Identity.
 * - CFF: CIDFontType0, FontFile3/CIDFontType0C (the subset's bare CFF table); code = the
 *   glyph id in the subset (name-keyed) or the glyph's CID read back from the subset's
 *   charset by cff.c, by FreeType when cff.c cannot (CID-keyed: Fandol, Noto CJK).
 *
 * Subsetting: hb-subset for every kind of face (CFF desubroutinized: smaller and faster
 * for the few hundred glyphs of a report); batch runs reuse whole subsets for glyph sets
 * seen before. Streams go through the document's packer (pdf_stream.h).
 *
 * The nb_pdf_font owns its own memory (free with nb_pdf_font_free); the PDF objects belong
 * to the libharu document. The face is only read, except for its subset-source cache
 * (nb_font_subset_source).
 */
#ifndef NB_PDF_FONT_H
#define NB_PDF_FONT_H

#include <hpdf.h>
#include <hpdf_encrypt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "font.h"
#include "pdf_hpdf.h"
#include "pdf_stream.h"
#include "status.h"

typedef struct nb_pdf_font nb_pdf_font;
typedef struct nb_pdf_font_prep nb_pdf_font_prep;

/* NULL when out of memory. */
nb_pdf_font *nb_pdf_font_new(const nb_font *font);
void nb_pdf_font_free(nb_pdf_font *pf);

/* Records that glyph `gid` (of the unsubset face) is drawn, standing for `text[0..len)`
 * (UTF-8; len 0 for the 2nd.. glyph of a cluster).  The first text given for a glyph is
 * the one its ToUnicode entry gets.  NB_ERR_PDF when gid is not in the face. */
nb_code nb_pdf_font_use(nb_pdf_font *pf, uint32_t gid, const char *text, size_t len, nb_status *st);

/* Embedding, in two steps.  nb_pdf_font_prepare subsets the face to the used glyphs (and
 * .notdef) and does the rest of the work that needs no document (codes, widths,
 * ToUnicode, the CIDSet when `pdfa`, and packing the program, Flate when `compress`, as
 * the document's packer does): for different faces it may run on different threads at
 * once (it reads the face and writes only this nb_pdf_font and the face's subset
 * statistics, subset source and batch subset cache), and it frees what hb-subset made
 * before it returns.  nb_pdf_font_attach then adds the font objects to document `h` on the
 * document's thread, writing streams through `pk`, and feeds what determines the font
 * program (the face's name, index, 'head' checksum and dates, the program's length and
 * the glyph ids) and the ToUnicode bytes to `md5` when non-NULL.  Attach in a fixed order
 * and the PDF's bytes do not depend on which thread prepared what.  A failed prepare
 * leaves its error in st; attach (or nb_pdf_font_free) releases what prepare made. */
nb_code nb_pdf_font_prepare(nb_pdf_font *pf, bool pdfa, bool compress, nb_status *st);
nb_code nb_pdf_font_attach(nb_pdf_font *pf, nb_hpdf *h, nb_packer *pk, HPDF_MD5_CTX *md5,
                           nb_status *st);

/* After embedding: the code to write for a used glyph and its width in 1/1000 em (as in
 * /W).  False when the glyph was never recorded with nb_pdf_font_use. */
bool nb_pdf_font_glyph(const nb_pdf_font *pf, uint32_t gid, unsigned *code, int *width);

/* After embedding: the Type0 font dictionary (an indirect object of the document). */
HPDF_Dict nb_pdf_font_dict(const nb_pdf_font *pf);

/* How many glyphs have been recorded (.notdef included). */
size_t nb_pdf_font_glyph_count(const nb_pdf_font *pf);

/* After embedding: "ABCDEF+PostScriptName" as in BaseFont. */
const char *nb_pdf_font_basefont(const nb_pdf_font *pf);

#endif
