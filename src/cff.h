/* cff.h — reads the few facts nianbao needs from a font's CFF table (Adobe TN 5176):
 * whether it is CID-keyed, where its charset is, and whether it has subroutines.
 * Read only and bounds-checked: each function returns false when the table is damaged or
 * beyond what it reads, and the caller then asks FreeType or assumes the worst. */
#ifndef NB_CFF_H
#define NB_CFF_H

#include <stdbool.h>
#include <stddef.h>

/* The Top DICT of the first font: *ros whether it has ROS (CID-keyed), *charset the
 * charset offset (0 when absent or predefined). */
bool nb_cff_top(const unsigned char *p, size_t len, bool *ros, size_t *charset);

/* *subrs: whether the table has a global subroutine or a local one in any Private DICT
 * (the FDArray's for CID-keyed fonts). */
bool nb_cff_has_subrs(const unsigned char *p, size_t len, bool *subrs);

/* For a CID-keyed table (ROS) of nglyphs glyphs: calls range(ctx, gid, cid, count) for
 * each run of the charset, glyphs gid..gid+count-1 having CIDs cid..cid+count-1, in glyph
 * order from glyph 1 (glyph 0 is CID 0); a run may reach past the last glyph.  False when
 * the table is not CID-keyed, its charset cannot be read or covers fewer glyphs, or range
 * returns false. */
typedef bool (*nb_cff_range_fn)(void *ctx, unsigned gid, unsigned cid, unsigned count);
bool nb_cff_charset(const unsigned char *p, size_t len, unsigned nglyphs, nb_cff_range_fn range,
                    void *ctx);

#endif
