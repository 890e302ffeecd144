/* font.h — font faces and the font map: roles → fallback chains of faces.
 *
 * An nb_font is one face of one font file (a .ttc holds several), opened once with
 * FreeType and HarfBuzz over a memory-mapped file.  An nb_fontset owns every face it has
 * opened and the role chains read from a font map (fonts/fontmap.json, format in
 * fonts/README.md).  Faces are opened lazily: a role's primary face the first time the
 * role is asked for, each fallback face only when a character is missing from the faces
 * before it (nb_font_chain_more); fontconfig is initialised only when a family entry has
 * to be looked up.  Face ids follow the font map's order, not the order of opening, so
 * the same text gives the same ids whatever was rendered before.  Faces are kept for the
 * fontset's lifetime, so a batch run opens each font file once; nb_fontset_free frees
 * them all.  Not thread-safe: opening faces, nb_font_chain_more and nb_shape's cache
 * change the fontset; use one fontset per thread (batch mode uses processes).  Different
 * fontsets share no mutable state, so two threads may each use their own at once.
 */
#ifndef NB_FONT_H
#define NB_FONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef struct hb_font_t hb_font_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t;

typedef struct nb_font {
    char *path;            /* file it came from */
    unsigned face_index;   /* index within a .ttc, else 0 */
    char *family;          /* typographic family (name ID 16, else 1) */
    char *postscript_name; /* name ID 6, e.g. "FandolFang-Regular" */
    unsigned units_per_em;
    bool is_cff;       /* CFF outlines (CFF table) rather than glyf */
    bool is_cid_keyed; /* CFF with a CID-keyed charset (ROS) */
    unsigned num_glyphs;
    /* Metrics in font units, for the PDF FontDescriptor. */
    int ascender, descender, cap_height, bbox[4], italic_angle, stem_v;
    hb_face_t *hb_face; /* owned */
    hb_font_t *hb_font; /* owned; scale = units_per_em */
    void *impl;         /* private: FreeType face, mapping, subset plan cache */
    /* Kept by the PDF writer between documents of a batch (pdf_font.c: whole subsets
     * for glyph sets seen before); freed with the face by embed_cache_free. */
    void *embed_cache;
    void (*embed_cache_free)(void *);
    unsigned id; /* stable index inside its fontset, 0-based */
    /* Milliseconds the PDF writer spent subsetting this face, and how many subsets: what
     * a batch weighs against the cost of nb_font_preprocess_make. */
    double subset_ms;
    unsigned subsets;
} nb_font;

typedef struct nb_fontset nb_fontset;

/* A fallback chain: the faces to try, in order, for one role. Owned by the fontset.
 * fonts[0..count) are the faces opened so far; when none has a character, call
 * nb_font_chain_more to open the next fallback. */
typedef struct nb_font_chain {
    const char *role;
    nb_font **fonts;
    size_t count;
    void *more; /* private: the fallbacks not opened yet (NULL: none, e.g. a chain built
                   by hand) */
    /* Kept by nb_shape between calls (shape.c: texts already shaped with this chain);
     * freed with the chain, and dropped when an override reorders it. */
    void *shape_cache;
    void (*shape_cache_free)(void *);
} nb_font_chain;

nb_fontset *nb_fontset_new(void);
void nb_fontset_free(nb_fontset *fs);

/* Reads the font map.  Relative paths in it are taken relative to the map's folder. */
nb_code nb_fontset_load_map(nb_fontset *fs, const char *map_path, nb_status *st);

/* Overrides a role's chain with one file or family name given by the user (e.g. on the
 * command line: --font body=/path/仿宋_GB2312.ttf).  The rest of the chain stays. */
nb_code nb_fontset_override(nb_fontset *fs, const char *role, const char *file_or_family,
                            nb_status *st);

/* The chain for a role, opening its primary face on first use (fallbacks come with
 * nb_font_chain_more).  Fails with NB_ERR_FONT naming the role and every candidate tried
 * when none of the role's primary candidates can be opened.  The pointer stays valid for
 * the fontset's lifetime. */
nb_code nb_fontset_chain(nb_fontset *fs, const char *role, const nb_font_chain **out,
                         nb_status *st);

/* Opens (or returns the already open) face of a file; face_name picks a .ttc face by
 * PostScript or full name ("NotoSerifCJKsc-Bold"), NULL means index 0. */
nb_code nb_fontset_open(nb_fontset *fs, const char *path, const char *face_name, nb_font **out,
                        nb_status *st);

/* Opens the next fallback face of the chain that is not in it yet and appends it; false
 * when the chain has no more (fallbacks that cannot be opened are skipped), or when memory
 * ran out (then `st` says so: NB_ERR_NOMEM).  Not thread-safe: it changes the chain. */
bool nb_font_chain_more(const nb_font_chain *c, nb_status *st);

/* Resolves the whole chains of the given roles now, fallbacks included (all roles of the
 * map when roles == NULL), so that later use is read-only.  Fails like nb_fontset_chain. */
nb_code nb_fontset_prepare(nb_fontset *fs, const char *const *roles, size_t n, nb_status *st);

/* Face ids are below nb_fontset_count; nb_fontset_font(fs, id) returns the face with that
 * id, NULL when it is not open (yet): ids are reserved, in map order, for every face the
 * map names by file when the map is loaded. */
size_t nb_fontset_count(const nb_fontset *fs);
nb_font *nb_fontset_font(const nb_fontset *fs, unsigned id);

/* Whether the face maps the code point to a glyph other than .notdef. */
bool nb_font_has_char(const nb_font *f, uint32_t cp);

/* For CID-keyed CFF faces: the CID of a glyph id in the face, else the glyph id itself. */
unsigned nb_font_cid_of_glyph(const nb_font *f, unsigned gid);

/* The face's raw bytes (memory-mapped), for subsetting: the whole file, so for a .ttc the
 * whole collection (face_index picks the face). */
const unsigned char *nb_font_data(const nb_font *f, size_t *len);

/* The face to subset from (owned by the font, made on first use) and the hb-subset
 * flags to give with it: a face serving only the tables a PDF embeds (CFF, or glyf and
 * its metrics; head, maxp), so hb-subset neither reads nor rebuilds the others, or its
 * preprocessed form once nb_font_preprocess_adopt installed one.  Either way the subset
 * of a glyph set is the same bytes.  NULL only when out of memory. */
hb_face_t *nb_font_subset_source(nb_font *f, unsigned *flags);

/* Batch use: hb_subset_preprocess parses every glyph of a face once, so that later
 * subsets copy the parsed glyphs instead of interpreting them again: a 560-glyph subset
 * of FandolFang takes 0.4 ms instead of 4.5 ms, after 0.5 s and 140 MB spent once
 * (about 50 us and 14 KB per glyph of the face; HarfBuzz 6.0).
 * nb_font_preprocessable: whether the face qualifies, i.e. CFF without subroutines (the
 * only kind whose subsets come out the same bytes either way), and is not done yet.
 * nb_font_preprocess_make: the preprocessed face (NULL on failure).  It only reads the
 *   font, so it may run on another thread while this one renders with the fontset; call
 *   nb_font_preprocessable first, on the rendering thread.
 * nb_font_preprocess_adopt: on the rendering thread; checks that a sample of ~300 glyphs
 *   subsets to the same bytes both ways and installs the face (true), else frees it.
 * nb_font_subsets_same: that check for a given glyph set (tests). */
bool nb_font_preprocessable(nb_font *f);
hb_face_t *nb_font_preprocess_make(const nb_font *f);
bool nb_font_preprocess_adopt(nb_font *f, hb_face_t *pre);
bool nb_font_subsets_same(nb_font *f, hb_face_t *pre, const hb_set_t *glyphs);

/* Batch use: faces keep their recent subsets (pdf_font.c), reused when a document draws
 * the same glyphs of a face as an earlier one.  nb_fontset_set_subset_reuse turns this on
 * for the fontset's faces (off by default; batch mode turns it on through its engine). */
/* Whether the face's fontset is set for reuse (caches worth their memory). */
bool nb_font_reused(const nb_font *f);
void nb_fontset_set_subset_reuse(nb_fontset *fs, bool reuse);

/* For benchmarks and tests: milliseconds this fontset spent opening faces and
 * initialising fontconfig, and how many faces it opened, since it was made. */
void nb_fontset_load_stats(const nb_fontset *fs, double *ms, unsigned *faces);

#endif
