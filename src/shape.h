/* shape.h — UTF-8 text → positioned glyphs, with per-character font fallback.
 *
 * nb_shape itemizes the text by font coverage along a role's chain (each character goes
 * to the first face that has it; combining marks and variation selectors stay with their
 * base), shapes each run with HarfBuzz (script Han or the run's own, language zh-Hans,
 * LTR) and returns the glyphs in text order.  Advances are in em (1.0 = the font size), so
 * one shaping serves every size.  Western quotes “”‘’ that the face sets narrower than a
 * full em are widened to one em (open marks pushed to the right of their em, close marks
 * kept at the left), as Chinese setting requires.  The caller owns nb_shaped and frees it
 * with nb_shaped_free.
 */
#ifndef NB_SHAPE_H
#define NB_SHAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "font.h"
#include "status.h"

typedef struct nb_glyph {
    uint32_t gid;         /* glyph id in its face (not yet subset) */
    uint16_t font;        /* nb_font.id of the face in the fontset */
    uint32_t cluster;     /* byte offset of the first character this glyph stands for */
    uint32_t cluster_len; /* bytes of text the cluster covers; 0 on the 2nd.. glyph of one */
    uint32_t cp;          /* first code point of the cluster */
    float advance;        /* em */
    float x_offset;       /* em, added to the pen position when drawing */
    float y_offset;       /* em, upwards */
} nb_glyph;

typedef struct nb_shaped {
    nb_glyph *glyphs; /* owned */
    size_t count;
} nb_shaped;

typedef struct nb_shape_opts {
    const char *language; /* BCP 47, default "zh-Hans" */
    bool allow_missing;   /* a character no face has becomes .notdef of the first face
                             instead of an error */
    /* Called (if set) for each character taken from a fallback face (used = that face) or
     * missing from every face (used = NULL; only with allow_missing). */
    void (*notice)(void *ctx, uint32_t cp, size_t byte_offset, const nb_font *used);
    void *notice_ctx;
} nb_shape_opts;

/* Shapes `len` bytes of UTF-8.  Fails with NB_ERR_FONT "no font of role R has U+XXXX 'c'
 * (byte offset N)" when a character is in none of the chain's faces and !allow_missing;
 * the caller prefixes the message with where the text came from. */
nb_code nb_shape(const nb_font_chain *chain, const char *utf8, size_t len,
                 const nb_shape_opts *opts, nb_shaped *out, nb_status *st);

void nb_shaped_free(nb_shaped *s);

#endif
