/* font.c — font files, faces and the font map (see font.h for the contract).
 *
 * Each font file is memory-mapped once (keyed by its realpath) and validated: signature,
 * table directory inside the file, cmap/head/maxp and outlines present.  Each face
 * (file + index) is opened once, with HarfBuzz (hb_blob over the mapping, hb_face, hb_font at
 * scale = upem); metrics come from the OS/2, hhea, head and post tables, CIDs from the CFF
 * charset, read here directly.  FreeType is used only when the CFF table is beyond this
 * reading (its face is then opened on first need): loading a CJK face with FreeType costs
 * more than a whole render.
 * The fontset owns every file, face and role chain; nb_fontset_free releases them all.
 * Family lookups go through a fontconfig configuration private to the fontset, with the
 * map's "dirs" added as application fonts; what fontconfig returns is checked against the
 * face's own name table before it is accepted.
 */
#include "font.h"

#include "cff.h"
#include "clock.h"
#include "jsonin.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_CID_H
#include FT_TRUETYPE_TABLES_H
#include <harfbuzz/hb-ot.h>
#include <harfbuzz/hb-subset.h>
#include <harfbuzz/hb.h>

/* ---- internal types ---------------------------------------------------------------- */

typedef struct nb_file {
    char *realpath;
    unsigned char *data;
    size_t size;
    hb_blob_t *blob;
    unsigned num_faces;
} nb_file;

typedef struct font_impl {
    FT_Face ft; /* only when needed, see ft_face */
    nb_file *file;
    /* CID-keyed CFF: the charset as ranges (gid of the first glyph, its CID), sorted */
    uint32_t *rng_gid, *rng_cid;
    size_t nrng;
    bool charset_read;
    const nb_fontset *fs; /* for the subset-reuse setting */
    hb_face_t *embed_src; /* the face's embedded tables alone, for hb-subset */
    hb_face_t *pre_src;   /* embed_src through hb_subset_preprocess (batch), or NULL */
    signed char no_subrs; /* CFF without subroutines: 1 yes, 0 no, -1 not read yet */
} font_impl;

typedef struct font_entry {
    char *file;   /* absolute or relative to cwd, already joined with the map's folder */
    char *face;   /* PostScript or full name inside a .ttc */
    char *family; /* fontconfig family */
    char *style;  /* fontconfig style, e.g. "Bold" */
    int weight;   /* OpenType weight class, 0 = any */
} font_entry;

typedef struct role {
    char *name;
    font_entry *cands;
    size_t ncands;
    font_entry *falls;
    size_t nfalls;
    nb_font **overrides; /* newest first; each goes before the rest of the chain */
    size_t noverrides;
    bool resolved;    /* primary (and overrides) in the chain */
    size_t next_fall; /* first fallback entry not tried yet */
    nb_fontset *fs;
    nb_font_chain chain;
} role;

/* One face id: a (file, face index) pair, known before the face is opened so that ids
 * follow the font map's order and not the order faces happen to be needed in. */
typedef struct slot {
    nb_file *file;  /* NULL while only reserved: then real and face say which face */
    unsigned index; /* face index in file, once known */
    char *real;     /* reserved: the file's realpath (owned) */
    char *face;     /* reserved: the face name the map gives, or NULL for face 0 (owned) */
    nb_font *font;  /* NULL until opened */
} slot;

typedef struct spelling {
    char *path;
    char *real; /* its realpath */
} spelling;

struct nb_fontset {
    FT_Library ft; /* initialised on first need (ft_face) */
    bool ft_ready;
    nb_file **files;
    size_t nfiles;
    slot *slots;
    size_t nslots;
    role **roles;
    size_t nroles;
    char **dirs;
    size_t ndirs;
    FcConfig *fc;
    bool subset_reuse;
    spelling *spelled; /* paths as given, and the file each one is */
    size_t nspelled;
    double load_ms;        /* spent opening faces and initialising fontconfig */
    unsigned faces_opened; /* faces opened */
};

/* ---- small helpers ------------------------------------------------------------------- */

static char *dupstr(const char *s)
{
    if (s == NULL) return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

static bool grow(void **arr, size_t count, size_t elem)
{
    /* grows to the next power of two when count reaches one */
    if (count != 0 && (count & (count - 1)) != 0) return true;
    size_t cap = count ? count * 2 : 4;
    void *p = realloc(*arr, cap * elem);
    if (!p) return false;
    *arr = p;
    return true;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const unsigned char *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* Copies a message into a smaller buffer, cutting it if need be. */
static void copy_msg(char *dst, size_t n, const char *src)
{
    size_t l = strlen(src);
    if (l >= n) l = n - 1;
    memcpy(dst, src, l);
    dst[l] = '\0';
}

/* Case-insensitive comparison that ignores spaces, '-' and '_' ("NotoSerifCJKsc-Bold"). */
static bool name_eq(const char *a, const char *b)
{
    for (;;) {
        while (*a == ' ' || *a == '-' || *a == '_')
            a++;
        while (*b == ' ' || *b == '-' || *b == '_')
            b++;
        if (*a == '\0' || *b == '\0') return *a == *b;
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return false;
        a++;
        b++;
    }
}

/* One name-table string (best match for English), malloc'd; NULL when absent, or when
 * memory ran out (then *oom is set, if given). */
static char *ot_name_oom(hb_face_t *face, hb_ot_name_id_t id, bool *oom)
{
    unsigned len = 0;
    hb_language_t en = hb_language_from_string("en", -1);
    len = hb_ot_name_get_utf8(face, id, en, NULL, NULL);
    if (len == 0) return NULL;
    unsigned size = len + 1;
    char *s = malloc(size);
    if (!s && oom) *oom = true;
    if (!s) return NULL;
    hb_ot_name_get_utf8(face, id, en, &size, s);
    return s;
}

static char *ot_name(hb_face_t *face, hb_ot_name_id_t id)
{
    return ot_name_oom(face, id, NULL);
}

/* Whether any entry of the name table with one of the ids (all languages) equals `want`. */
static bool face_has_name(hb_face_t *face, const hb_ot_name_id_t *ids, size_t nids,
                          const char *want)
{
    unsigned n = 0;
    const hb_ot_name_entry_t *entries = hb_ot_name_list_names(face, &n);
    char buf[512];
    for (unsigned i = 0; i < n; i++) {
        bool wanted = false;
        for (size_t k = 0; k < nids; k++)
            if (entries[i].name_id == ids[k]) wanted = true;
        if (!wanted) continue;
        unsigned size = sizeof buf;
        hb_ot_name_get_utf8(face, entries[i].name_id, entries[i].language, &size, buf);
        if (name_eq(buf, want)) return true;
    }
    return false;
}

/* ---- files --------------------------------------------------------------------------- */

static bool tag_ok(uint32_t tag)
{
    return tag == 0x00010000u || tag == 0x4F54544Fu /* OTTO */ || tag == 0x74727565u /* true */;
}

/* Checks one sfnt header at `off`: the table directory and every table lie inside the file. */
static nb_code check_sfnt(const nb_file *f, const char *path, size_t off, unsigned face,
                          nb_status *st)
{
    if (off > f->size || f->size - off < 12)
        return nb_fail(st, NB_ERR_FONT, "font file %s: truncated (face %u header past the end)",
                       path, face);
    const unsigned char *h = f->data + off;
    if (!tag_ok(be32(h)))
        return nb_fail(st, NB_ERR_FONT, "font file %s: face %u has no TrueType/OpenType header",
                       path, face);
    unsigned ntables = be16(h + 4);
    if ((uint64_t)off + 12 + 16ull * ntables > f->size)
        return nb_fail(st, NB_ERR_FONT, "font file %s: truncated (table directory of face %u)",
                       path, face);
    bool cmap = false, head = false, maxp = false, outlines = false;
    for (unsigned i = 0; i < ntables; i++) {
        const unsigned char *r = h + 12 + 16 * i;
        uint32_t tag = be32(r), toff = be32(r + 8), tlen = be32(r + 12);
        char t[5] = {(char)(tag >> 24), (char)(tag >> 16), (char)(tag >> 8), (char)tag, 0};
        if ((uint64_t)toff + tlen > f->size)
            return nb_fail(st, NB_ERR_FONT,
                           "font file %s: truncated or corrupt (table '%s' ends at byte %llu, "
                           "the file has %zu bytes)",
                           path, t, (unsigned long long)toff + tlen, f->size);
        if (tag == 0x636D6170u) cmap = true;
        if (tag == 0x68656164u) head = true;
        if (tag == 0x6D617870u) maxp = true;
        if (tag == 0x676C7966u || tag == 0x43464620u || tag == 0x43464632u) outlines = true;
    }
    if (!cmap)
        return nb_fail(st, NB_ERR_FONT, "font file %s: face %u has no 'cmap' table", path, face);
    if (!head || !maxp)
        return nb_fail(st, NB_ERR_FONT, "font file %s: face %u lacks the 'head' or 'maxp' table",
                       path, face);
    if (!outlines)
        return nb_fail(st, NB_ERR_FONT,
                       "font file %s: face %u has no outlines (no 'glyf' or 'CFF ' table)", path,
                       face);
    return NB_OK;
}

static void file_free(nb_file *f)
{
    if (!f) return;
    if (f->blob) hb_blob_destroy(f->blob);
    if (f->data) munmap(f->data, f->size);
    free(f->realpath);
    free(f);
}

/* The realpath of a path, remembered per spelling (realpath costs one readlink a path
 * component); NULL with st filled when the file is not there.  Owned by the fontset. */
static const char *real_of(nb_fontset *fs, const char *path, nb_status *st)
{
    for (size_t i = 0; i < fs->nspelled; i++)
        if (strcmp(fs->spelled[i].path, path) == 0) return fs->spelled[i].real;
    char real[PATH_MAX];
    if (realpath(path, real) == NULL) {
        if (errno == ENOENT || errno == ENOTDIR)
            nb_fail(st, NB_ERR_FONT, "font file not found: %s", path);
        else
            nb_fail(st, NB_ERR_FONT, "font file %s: %s", path, strerror(errno));
        return NULL;
    }
    char *copy = dupstr(path), *r = dupstr(real);
    if (!copy || !r || !grow((void **)&fs->spelled, fs->nspelled, sizeof *fs->spelled)) {
        free(copy);
        free(r);
        nb_fail(st, NB_ERR_NOMEM, "out of memory opening font file %s", path);
        return NULL;
    }
    fs->spelled[fs->nspelled++] = (spelling){copy, r};
    return r;
}

static nb_code file_get(nb_fontset *fs, const char *path, nb_file **out, nb_status *st)
{
    const char *real = real_of(fs, path, st);
    if (!real) return st->code;
    for (size_t i = 0; i < fs->nfiles; i++)
        if (strcmp(fs->files[i]->realpath, real) == 0) {
            *out = fs->files[i];
            return NB_OK;
        }

    int fd = open(real, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO must not block */
    if (fd < 0) return nb_fail(st, NB_ERR_FONT, "font file %s: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return nb_fail(st, NB_ERR_FONT, "font file %s: %s", path, strerror(e));
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        return nb_fail(st, NB_ERR_FONT, "font file %s: not a regular file", path);
    }
    if (sb.st_size < 12) {
        close(fd);
        return nb_fail(st, NB_ERR_FONT, "font file %s: not a font (only %lld bytes)", path,
                       (long long)sb.st_size);
    }
    if ((unsigned long long)sb.st_size > 0x7FFFFFFFull) {
        close(fd);
        return nb_fail(st, NB_ERR_LIMIT, "font file %s: larger than 2 GB", path);
    }
    nb_file *f = calloc(1, sizeof *f);
    if (!f) {
        close(fd);
        return nb_fail(st, NB_ERR_NOMEM, "out of memory opening font file %s", path);
    }
    f->size = (size_t)sb.st_size;
    void *m = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
    int e = errno;
    close(fd);
    if (m == MAP_FAILED) {
        free(f);
        return nb_fail(st, NB_ERR_FONT, "font file %s: cannot map it (%s)", path, strerror(e));
    }
    f->data = m;
    f->realpath = dupstr(real);
    if (!f->realpath || !grow((void **)&fs->files, fs->nfiles, sizeof *fs->files)) {
        file_free(f);
        return nb_fail(st, NB_ERR_NOMEM, "out of memory opening font file %s", path);
    }

    nb_code rc = NB_OK;
    uint32_t tag = be32(f->data);
    if (tag == 0x74746366u /* ttcf */) {
        uint32_t n = be32(f->data + 8);
        if (n == 0 || n > 65535 || 12 + 4ull * n > f->size) {
            rc = nb_fail(st, NB_ERR_FONT, "font file %s: corrupt collection header", path);
        } else {
            f->num_faces = n;
            for (uint32_t i = 0; i < n && rc == NB_OK; i++)
                rc = check_sfnt(f, path, be32(f->data + 12 + 4 * i), i, st);
        }
    } else if (tag_ok(tag)) {
        f->num_faces = 1;
        rc = check_sfnt(f, path, 0, 0, st);
    } else {
        rc = nb_fail(st, NB_ERR_FONT, "font file %s: not a font (no TrueType/OpenType signature)",
                     path);
    }
    if (rc != NB_OK) {
        file_free(f);
        return rc;
    }
    f->blob = hb_blob_create((const char *)f->data, (unsigned)f->size, HB_MEMORY_MODE_READONLY,
                             NULL, NULL);
    fs->files[fs->nfiles++] = f;
    *out = f;
    return NB_OK;
}

/* ---- faces --------------------------------------------------------------------------- */

static void font_free(nb_font *f)
{
    if (!f) return;
    if (f->embed_cache && f->embed_cache_free) f->embed_cache_free(f->embed_cache);
    font_impl *im = f->impl;
    if (im) {
        if (im->ft) FT_Done_Face(im->ft);
        free(im->rng_gid);
        free(im->rng_cid);
        if (im->pre_src) hb_face_destroy(im->pre_src);
        if (im->embed_src) hb_face_destroy(im->embed_src);
        free(im);
    }
    if (f->hb_font) hb_font_destroy(f->hb_font);
    if (f->hb_face) hb_face_destroy(f->hb_face);
    free(f->path);
    free(f->family);
    free(f->postscript_name);
    free(f);
}

static int16_t s16(const unsigned char *p)
{
    return (int16_t)be16(p);
}

/* A table of the face; len 0 when absent.  The blob must be destroyed. */
static const unsigned char *table(hb_face_t *face, const char *tag, hb_blob_t **blob, unsigned *len)
{
    *blob = hb_face_reference_table(face, hb_tag_from_string(tag, 4));
    const unsigned char *p = (const unsigned char *)hb_blob_get_data(*blob, len);
    if (!p) *len = 0;
    return p;
}

static void fill_metrics(nb_font *f)
{
    hb_blob_t *b_os2, *b_hhea, *b_head, *b_post;
    unsigned l_os2, l_hhea, l_head, l_post;
    const unsigned char *os2 = table(f->hb_face, "OS/2", &b_os2, &l_os2);
    const unsigned char *hhea = table(f->hb_face, "hhea", &b_hhea, &l_hhea);
    const unsigned char *head = table(f->hb_face, "head", &b_head, &l_head);
    const unsigned char *post = table(f->hb_face, "post", &b_post, &l_post);
    bool has_os2 = l_os2 >= 78;
    if (has_os2 && s16(os2 + 68) > 0) {
        f->ascender = s16(os2 + 68);
        f->descender = s16(os2 + 70);
    } else if (l_hhea >= 8) {
        f->ascender = s16(hhea + 4);
        f->descender = s16(hhea + 6);
    } else {
        f->ascender = (int)f->units_per_em * 88 / 100;
        f->descender = -(int)f->units_per_em * 12 / 100;
    }
    if (f->descender > 0) f->descender = -f->descender; /* FandolSong's hhea has +200 */
    if (l_head >= 44)
        for (int k = 0; k < 4; k++)
            f->bbox[k] = s16(head + 36 + 2 * k);
    f->cap_height = 0;
    if (has_os2 && be16(os2) >= 2 && l_os2 >= 90 && s16(os2 + 88) > 0)
        f->cap_height = s16(os2 + 88);
    if (f->cap_height == 0) {
        hb_codepoint_t g;
        hb_glyph_extents_t ext;
        if (hb_font_get_nominal_glyph(f->hb_font, 'H', &g) &&
            hb_font_get_glyph_extents(f->hb_font, g, &ext))
            f->cap_height = ext.y_bearing;
    }
    if (f->cap_height <= 0) f->cap_height = f->ascender * 7 / 10;
    f->italic_angle = l_post >= 8 ? (int)((int32_t)be32(post + 4) / 65536) : 0;
    /* No reliable stem width in the font: estimate from the weight class (a common
     * heuristic); PDF viewers use it only for faux rendering. */
    double w = has_os2 && be16(os2 + 4) ? be16(os2 + 4) : 400;
    f->stem_v = (int)(50 + (w / 65) * (w / 65) + 0.5);
    hb_blob_destroy(b_os2);
    hb_blob_destroy(b_hhea);
    hb_blob_destroy(b_head);
    hb_blob_destroy(b_post);
}

/* Whether the cmap table has a Unicode subtable (platform 0, or Windows Unicode BMP/full). */
static bool has_unicode_cmap(hb_face_t *face)
{
    hb_blob_t *b;
    unsigned len;
    const unsigned char *p = table(face, "cmap", &b, &len);
    bool ok = false;
    unsigned n = len >= 4 ? be16(p + 2) : 0;
    for (unsigned i = 0; i < n && 4 + 8 * (size_t)i + 8 <= len && !ok; i++) {
        unsigned plat = be16(p + 4 + 8 * i), enc = be16(p + 6 + 8 * i);
        ok = plat == 0 || (plat == 3 && (enc == 1 || enc == 10));
    }
    hb_blob_destroy(b);
    return ok;
}

/* Ranges (gid of the first glyph, its CID) being collected from a charset. */
typedef struct ranges {
    uint32_t *gid, *cid;
    size_t n, cap;
} ranges;

static bool add_range(void *ctx, unsigned gid, unsigned cid, unsigned count)
{
    (void)count;
    ranges *r = ctx;
    if (r->n > 0 && r->cid[r->n - 1] + (gid - r->gid[r->n - 1]) == cid) return true; /* goes on */
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        uint32_t *a = realloc(r->gid, cap * sizeof *a);
        if (a) r->gid = a;
        uint32_t *c = a ? realloc(r->cid, cap * sizeof *c) : NULL;
        if (c) r->cid = c;
        if (!a || !c) return false;
        r->cap = cap;
    }
    r->gid[r->n] = gid;
    r->cid[r->n] = cid;
    r->n++;
    return true;
}

/* The charset of a CID-keyed CFF face as ranges (gid → CID), for nb_font_cid_of_glyph. */
static void read_charset(nb_font *f)
{
    font_impl *im = f->impl;
    im->charset_read = true;
    hb_blob_t *b;
    unsigned len;
    const unsigned char *p = table(f->hb_face, "CFF ", &b, &len);
    ranges r = {0};
    bool ok = p && nb_cff_charset(p, len, f->num_glyphs, add_range, &r);
    hb_blob_destroy(b);
    if (!ok) { /* unreadable or short: FreeType will do */
        free(r.gid);
        free(r.cid);
        return;
    }
    im->rng_gid = r.gid;
    im->rng_cid = r.cid;
    im->nrng = r.n;
}

/* The FreeType face, opened on first need (CIDs of a CFF table read_charset cannot read). */
static FT_Face ft_face(const nb_font *f)
{
    font_impl *im = f->impl;
    if (im->ft) return im->ft;
    nb_fontset *fs = (nb_fontset *)im->fs;
    if (!fs->ft_ready) {
        if (FT_Init_FreeType(&fs->ft) != 0) return NULL;
        fs->ft_ready = true;
    }
    FT_Face ft;
    if (FT_New_Memory_Face(fs->ft, im->file->data, (FT_Long)im->file->size, (FT_Long)f->face_index,
                           &ft) != 0)
        return NULL;
    im->ft = ft;
    return ft;
}

/* The id of (file, index), reserving a new one at the end when it has none yet.  A slot
 * reserved by the map for the same file and face name (face_name; NULL for face 0) is
 * taken over. */
static nb_code slot_get(nb_fontset *fs, nb_file *file, const char *path, unsigned index,
                        const char *face_name, size_t *out, nb_status *st)
{
    for (size_t i = 0; i < fs->nslots; i++)
        if (fs->slots[i].file == file && fs->slots[i].index == index) {
            *out = i;
            return NB_OK;
        }
    if (index < file->num_faces)
        for (size_t i = 0; i < fs->nslots; i++) {
            slot *sl = &fs->slots[i];
            if (sl->file || strcmp(sl->real, file->realpath) != 0) continue;
            bool same = sl->face && face_name ? name_eq(sl->face, face_name)
                                              : !sl->face && !face_name && index == 0;
            if (!same) continue;
            sl->file = file;
            sl->index = index;
            *out = i;
            return NB_OK;
        }
    if (index >= file->num_faces)
        return nb_fail(st, NB_ERR_FONT, "font file %s: has no face %u (it has %u)", path, index,
                       file->num_faces);
    if (fs->nslots >= 65535) return nb_fail(st, NB_ERR_LIMIT, "more than 65535 font faces open");
    if (!grow((void **)&fs->slots, fs->nslots, sizeof *fs->slots))
        return nb_fail(st, NB_ERR_NOMEM, "out of memory opening font file %s", path);
    fs->slots[fs->nslots] = (slot){file, index, NULL, NULL, NULL};
    *out = fs->nslots++;
    return NB_OK;
}

/* Reserves an id for a face the map names by file, without opening or even reading the
 * file (a map names many files a render never needs).  A file that cannot be found is
 * left for later (it fails again, with its message, if it is ever used); memory running
 * out fails now, so that ids never depend on it. */
static nb_code slot_reserve(nb_fontset *fs, const char *path, const char *face_name, nb_status *st)
{
    nb_status rst = NB_STATUS_INIT;
    const char *real = real_of(fs, path, &rst);
    if (!real) return rst.code == NB_ERR_NOMEM ? nb_fail(st, NB_ERR_NOMEM, "%s", rst.msg) : NB_OK;
    for (size_t i = 0; i < fs->nslots; i++) {
        const slot *sl = &fs->slots[i];
        const char *r = sl->file ? sl->file->realpath : sl->real;
        if (strcmp(r, real) != 0) continue;
        if (!sl->file &&
            (sl->face && face_name ? name_eq(sl->face, face_name) : !sl->face && !face_name))
            return NB_OK;
        if (sl->file && !face_name && sl->index == 0) return NB_OK;
    }
    if (fs->nslots >= 65535) return NB_OK; /* nb_fontset's limit, met when it is used */
    slot sl = {NULL, 0, dupstr(real), face_name ? dupstr(face_name) : NULL, NULL};
    if (!sl.real || (face_name && !sl.face) ||
        !grow((void **)&fs->slots, fs->nslots, sizeof *fs->slots)) {
        free(sl.real);
        free(sl.face);
        return nb_fail(st, NB_ERR_NOMEM, "out of memory reading the font map (font file %s)", path);
    }
    fs->slots[fs->nslots++] = sl;
    return NB_OK;
}

static nb_code open_index(nb_fontset *fs, nb_file *file, const char *path, unsigned index,
                          const char *face_name, nb_font **out, nb_status *st)
{
    size_t id = 0;
    nb_code rc = slot_get(fs, file, path, index, face_name, &id, st);
    if (rc != NB_OK) return rc;
    if (fs->slots[id].font) {
        *out = fs->slots[id].font;
        return NB_OK;
    }
    double t0 = nb_now_ms();

    nb_font *f = calloc(1, sizeof *f);
    font_impl *im = calloc(1, sizeof *im);
    if (!f || !im) {
        free(f);
        free(im);
        return nb_fail(st, NB_ERR_NOMEM, "out of memory opening font file %s", path);
    }
    f->impl = im;
    im->file = file;
    im->no_subrs = -1;
    im->fs = fs;
    f->face_index = index;
    f->path = dupstr(file->realpath);

    f->hb_face = hb_face_create(file->blob, index);
    if (!has_unicode_cmap(f->hb_face)) {
        font_free(f);
        return nb_fail(st, NB_ERR_FONT, "font file %s: face %u has no Unicode character map", path,
                       index);
    }
    f->units_per_em = hb_face_get_upem(f->hb_face);
    f->num_glyphs = hb_face_get_glyph_count(f->hb_face);
    if (f->units_per_em < 16 || f->units_per_em > 16384 || f->num_glyphs == 0) {
        unsigned upem = f->units_per_em, ng = f->num_glyphs;
        font_free(f);
        return nb_fail(st, NB_ERR_FONT,
                       "font file %s: face %u is corrupt (units per em %u, %u glyphs)", path, index,
                       upem, ng);
    }
    f->hb_font = hb_font_create(f->hb_face);
    hb_font_set_scale(f->hb_font, (int)f->units_per_em, (int)f->units_per_em);

    hb_blob_t *cff;
    unsigned cff_len;
    const unsigned char *cffp = table(f->hb_face, "CFF ", &cff, &cff_len);
    f->is_cff = cff_len > 0;
    if (f->is_cff) {
        bool ros = false;
        size_t cs;
        if (nb_cff_top(cffp, cff_len, &ros, &cs)) {
            f->is_cid_keyed = ros;
        } else { /* beyond nb_cff_top: ask FreeType */
            FT_Face ft = ft_face(f);
            FT_Bool cid_keyed = 0;
            f->is_cid_keyed =
                ft && FT_Get_CID_Is_Internally_CID_Keyed(ft, &cid_keyed) == 0 && cid_keyed;
        }
    }
    hb_blob_destroy(cff);

    /* A name memory was short for is not a name the face lacks: no other name instead. */
    bool oom = false;
    f->family = ot_name_oom(f->hb_face, 16, &oom);
    if (!f->family && !oom) f->family = ot_name_oom(f->hb_face, 1, &oom);
    f->postscript_name = oom ? NULL : ot_name_oom(f->hb_face, 6, &oom);
    if (!f->postscript_name && !oom) {
        FT_Face ft = ft_face(f);
        const char *ps = ft ? FT_Get_Postscript_Name(ft) : NULL;
        f->postscript_name = dupstr(ps ? ps : "Unnamed");
    }
    if (!f->family && !oom) f->family = dupstr(f->postscript_name);
    fill_metrics(f);

    if (!f->path || !f->family || !f->postscript_name) {
        font_free(f);
        return nb_fail(st, NB_ERR_NOMEM, "out of memory opening font file %s", path);
    }
    f->id = (unsigned)id;
    fs->slots[id].font = f;
    fs->load_ms += nb_now_ms() - t0;
    fs->faces_opened++;
    *out = f;
    return NB_OK;
}

/* The file and face index a path and face name stand for, without opening the face. */
static nb_code identify(nb_fontset *fs, const char *path, const char *face_name, nb_file **out,
                        unsigned *index_out, nb_status *st)
{
    nb_file *file;
    nb_code rc = file_get(fs, path, &file, st);
    if (rc != NB_OK) return rc;
    *out = file;
    unsigned index = 0;
    if (face_name && *face_name) {
        static const hb_ot_name_id_t ids[] = {6, 4};
        bool found = false;
        char names[600] = "";
        for (unsigned i = 0; i < file->num_faces && !found; i++) {
            hb_face_t *face = hb_face_create(file->blob, i);
            if (face_has_name(face, ids, 2, face_name)) {
                index = i;
                found = true;
            } else if (strlen(names) < 400) {
                char *ps = ot_name(face, 6);
                size_t l = strlen(names);
                snprintf(names + l, sizeof names - l, "%s%s", l ? ", " : "", ps ? ps : "?");
                free(ps);
            }
            hb_face_destroy(face);
        }
        if (!found)
            return nb_fail(st, NB_ERR_FONT, "font file %s: no face named '%s' (it has: %s)", path,
                           face_name, names);
    }
    *index_out = index;
    return NB_OK;
}

nb_code nb_fontset_open(nb_fontset *fs, const char *path, const char *face_name, nb_font **out,
                        nb_status *st)
{
    nb_file *file;
    unsigned index;
    nb_code rc = identify(fs, path, face_name, &file, &index, st);
    if (rc != NB_OK) return rc;
    return open_index(fs, file, path, index, face_name && *face_name ? face_name : NULL, out, st);
}

size_t nb_fontset_count(const nb_fontset *fs)
{
    return fs->nslots;
}

nb_font *nb_fontset_font(const nb_fontset *fs, unsigned id)
{
    return id < fs->nslots ? fs->slots[id].font : NULL;
}

void nb_fontset_load_stats(const nb_fontset *fs, double *ms, unsigned *faces)
{
    if (ms) *ms = fs->load_ms;
    if (faces) *faces = fs->faces_opened;
}

bool nb_font_has_char(const nb_font *f, uint32_t cp)
{
    hb_codepoint_t g = 0;
    return hb_font_get_nominal_glyph(f->hb_font, cp, &g) && g != 0;
}

unsigned nb_font_cid_of_glyph(const nb_font *f, unsigned gid)
{
    font_impl *im = f->impl;
    if (!f->is_cid_keyed || gid >= f->num_glyphs || gid == 0) return gid;
    if (!im->charset_read) read_charset((nb_font *)f);
    if (im->nrng) {
        size_t lo = 0, hi = im->nrng; /* the last range starting at or before gid */
        while (hi - lo > 1) {
            size_t mid = (lo + hi) / 2;
            if (im->rng_gid[mid] <= gid)
                lo = mid;
            else
                hi = mid;
        }
        return im->rng_cid[lo] + (gid - im->rng_gid[lo]);
    }
    FT_Face ft = ft_face(f);
    FT_UInt cid = gid;
    if (!ft || FT_Get_CID_From_Glyph_Index(ft, gid, &cid) != 0) cid = gid;
    return cid;
}

const unsigned char *nb_font_data(const nb_font *f, size_t *len)
{
    const font_impl *im = f->impl;
    if (len) *len = im->file->size;
    return im->file->data;
}

/* The tables a PDF embeds: the CFF table alone for CFF outlines (FontFile3), the glyph
 * outlines and the metrics TrueType needs for glyf (FontFile2); head and maxp for both,
 * as hb-subset reads the glyph count and units from them. */
static bool embedded_table(bool cff, hb_tag_t tag)
{
    static const hb_tag_t common[] = {HB_TAG('h', 'e', 'a', 'd'), HB_TAG('m', 'a', 'x', 'p')};
    static const hb_tag_t tt[] = {HB_TAG('g', 'l', 'y', 'f'), HB_TAG('l', 'o', 'c', 'a'),
                                  HB_TAG('h', 'h', 'e', 'a'), HB_TAG('h', 'm', 't', 'x'),
                                  HB_TAG('O', 'S', '/', '2'), HB_TAG('p', 'o', 's', 't'),
                                  HB_TAG('n', 'a', 'm', 'e')};
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
        if (tag == common[i]) return true;
    if (cff) return tag == HB_TAG('C', 'F', 'F', ' ');
    for (size_t i = 0; i < sizeof tt / sizeof tt[0]; i++)
        if (tag == tt[i]) return true;
    return false;
}

static hb_blob_t *embed_face_table(hb_face_t *face, hb_tag_t tag, void *user)
{
    (void)face;
    nb_font *f = user;
    if (!embedded_table(f->is_cff, tag)) return NULL; /* HarfBuzz reads NULL as empty */
    return hb_face_reference_table(f->hb_face, tag);
}

/* The writer's subsets: no hinting, CFF subroutines flattened into the glyphs. */
enum { PLAIN_FLAGS = HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_DESUBROUTINIZE };
/* From a preprocessed face: without DESUBROUTINIZE, hb-subset copies the glyphs it parsed
 * while preprocessing (HarfBuzz 6.0 skips that cache when told to flatten).  For a CFF
 * face without subroutines this gives the same bytes as PLAIN_FLAGS (checked on a sample
 * of each face by nb_font_preprocess_adopt, on every glyph of the default faces by
 * unit.test_font). */
enum { PRE_FLAGS = HB_SUBSET_FLAGS_NO_HINTING };

hb_face_t *nb_font_subset_source(nb_font *f, unsigned *flags)
{
    font_impl *im = f->impl;
    /* The face given to hb-subset serves only the tables the PDF embeds. hb-subset reads
     * every table it is given, even those it is told to drop: the whole cmap of a CJK face
     * (tens of thousands of mappings) cost more than the CFF subset itself. */
    if (!im->embed_src) {
        hb_face_t *e = hb_face_create_for_tables(embed_face_table, f, NULL);
        if (e == hb_face_get_empty()) return NULL;
        hb_face_set_index(e, f->face_index);
        im->embed_src = e;
    }
    *flags = im->pre_src ? PRE_FLAGS : PLAIN_FLAGS;
    return im->pre_src ? im->pre_src : im->embed_src;
}

bool nb_font_preprocessable(nb_font *f)
{
    font_impl *im = f->impl;
    unsigned flags;
    if (!f->is_cff || !nb_font_subset_source(f, &flags)) return false;
    if (im->no_subrs < 0) {
        hb_blob_t *b;
        unsigned len;
        const unsigned char *p = table(f->hb_face, "CFF ", &b, &len);
        bool subrs = true;
        im->no_subrs = p && nb_cff_has_subrs(p, len, &subrs) && !subrs;
        hb_blob_destroy(b);
    }
    return im->no_subrs == 1 && !im->pre_src;
}

hb_face_t *nb_font_preprocess_make(const nb_font *f)
{
    const font_impl *im = f->impl;
    if (!im->embed_src || im->pre_src) return NULL;
    hb_face_t *pre = hb_subset_preprocess(im->embed_src);
    /* on failure HarfBuzz 6.0 returns the source, without taking a reference */
    return pre && pre != im->embed_src && pre != hb_face_get_empty() ? pre : NULL;
}

/* The CFF table of a subset of src to the glyphs gs, or NULL. */
static hb_blob_t *subset_cff(hb_face_t *src, const hb_set_t *gs, unsigned flags)
{
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in) return NULL;
    hb_set_union(hb_subset_input_glyph_set(in), gs);
    hb_subset_input_set_flags(in, flags);
    hb_face_t *out = hb_subset_or_fail(src, in);
    hb_subset_input_destroy(in);
    if (!out) return NULL;
    hb_blob_t *b = hb_face_reference_table(out, HB_TAG('C', 'F', 'F', ' '));
    hb_face_destroy(out);
    return b;
}

bool nb_font_subsets_same(nb_font *f, hb_face_t *pre, const hb_set_t *glyphs)
{
    font_impl *im = f->impl;
    hb_blob_t *a = im->embed_src ? subset_cff(im->embed_src, glyphs, PLAIN_FLAGS) : NULL;
    hb_blob_t *b = a ? subset_cff(pre, glyphs, PRE_FLAGS) : NULL;
    unsigned la = 0, lb = 0;
    const char *da = a ? hb_blob_get_data(a, &la) : NULL;
    const char *db = b ? hb_blob_get_data(b, &lb) : NULL;
    bool same = da && db && la > 0 && la == lb && memcmp(da, db, la) == 0;
    hb_blob_destroy(a);
    hb_blob_destroy(b);
    return same;
}

bool nb_font_preprocess_adopt(nb_font *f, hb_face_t *pre)
{
    font_impl *im = f->impl;
    hb_set_t *sample = hb_set_create();
    /* about 300 glyphs spread over the face, .notdef first */
    unsigned step = f->num_glyphs / 300 + 1;
    for (unsigned g = 0; g < f->num_glyphs; g += step)
        hb_set_add(sample, g);
    bool ok = !im->pre_src && hb_set_allocation_successful(sample) &&
              nb_font_subsets_same(f, pre, sample);
    hb_set_destroy(sample);
    if (!ok) {
        hb_face_destroy(pre);
        return false;
    }
    im->pre_src = pre;
    return true;
}

/* ---- fontset ------------------------------------------------------------------------- */

bool nb_font_reused(const nb_font *f)
{
    const font_impl *im = f->impl;
    return im && im->fs && im->fs->subset_reuse;
}

void nb_fontset_set_subset_reuse(nb_fontset *fs, bool reuse)
{
    fs->subset_reuse = reuse;
}

nb_fontset *nb_fontset_new(void)
{
    return calloc(1, sizeof(nb_fontset));
}

static void entry_free(font_entry *e)
{
    free(e->file);
    free(e->face);
    free(e->family);
    free(e->style);
}

static void role_clear_entries(role *r)
{
    for (size_t i = 0; i < r->ncands; i++)
        entry_free(&r->cands[i]);
    for (size_t i = 0; i < r->nfalls; i++)
        entry_free(&r->falls[i]);
    free(r->cands);
    free(r->falls);
    r->cands = r->falls = NULL;
    r->ncands = r->nfalls = 0;
}

void nb_fontset_free(nb_fontset *fs)
{
    if (!fs) return;
    for (size_t i = 0; i < fs->nroles; i++) {
        role *r = fs->roles[i];
        role_clear_entries(r);
        free(r->overrides);
        if (r->chain.shape_cache_free) r->chain.shape_cache_free(r->chain.shape_cache);
        free(r->chain.fonts);
        free(r->name);
        free(r);
    }
    free(fs->roles);
    for (size_t i = 0; i < fs->nslots; i++) {
        font_free(fs->slots[i].font);
        free(fs->slots[i].real);
        free(fs->slots[i].face);
    }
    free(fs->slots);
    for (size_t i = 0; i < fs->nspelled; i++) {
        free(fs->spelled[i].path);
        free(fs->spelled[i].real);
    }
    free(fs->spelled);
    for (size_t i = 0; i < fs->nfiles; i++)
        file_free(fs->files[i]);
    free(fs->files);
    for (size_t i = 0; i < fs->ndirs; i++)
        free(fs->dirs[i]);
    free(fs->dirs);
    if (fs->fc) FcConfigDestroy(fs->fc);
    if (fs->ft_ready) FT_Done_FreeType(fs->ft);
    free(fs);
}

static role *role_find(nb_fontset *fs, const char *name)
{
    for (size_t i = 0; i < fs->nroles; i++)
        if (strcmp(fs->roles[i]->name, name) == 0) return fs->roles[i];
    return NULL;
}

static role *role_get(nb_fontset *fs, const char *name)
{
    role *r = role_find(fs, name);
    if (r) return r;
    r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->name = dupstr(name);
    if (!r->name || !grow((void **)&fs->roles, fs->nroles, sizeof *fs->roles)) {
        free(r->name);
        free(r);
        return NULL;
    }
    r->chain.role = r->name;
    r->chain.more = r;
    r->fs = fs;
    fs->roles[fs->nroles++] = r;
    return r;
}

/* ---- fontconfig ---------------------------------------------------------------------- */

static bool fc_ready(nb_fontset *fs)
{
    if (fs->fc) return true;
    double t0 = nb_now_ms();
    fs->fc = FcInitLoadConfigAndFonts();
    if (fs->fc)
        for (size_t i = 0; i < fs->ndirs; i++)
            FcConfigAppFontAddDir(fs->fc, (const FcChar8 *)fs->dirs[i]);
    fs->load_ms += nb_now_ms() - t0;
    return fs->fc != NULL;
}

static bool fc_has_string(FcPattern *p, const char *object, const char *want)
{
    FcChar8 *s;
    for (int i = 0; FcPatternGetString(p, object, i, &s) == FcResultMatch; i++)
        if (name_eq((const char *)s, want)) return true;
    return false;
}

static bool fc_is_regular(FcPattern *p)
{
    static const char *const names[] = {"Regular", "Book", "Normal", "Roman", "Medium"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (fc_has_string(p, FC_STYLE, names[i])) return true;
    return false;
}

/* What resolving a font map entry gave: its face, none (why says so), or no memory. */
typedef enum entry_result { ENTRY_FOUND, ENTRY_NONE, ENTRY_NOMEM } entry_result;

/* Resolves a family entry; ENTRY_NONE with `why` filled, in the language of `lang`, when
 * there is no such face. */
static entry_result resolve_family(nb_fontset *fs, const font_entry *e, nb_font **out, char *why,
                                   size_t whylen, const nb_status *lang)
{
    if (!fc_ready(fs)) {
        snprintf(why, whylen, "%s", nb_status_word(lang, "fontconfig could not be initialised"));
        return ENTRY_NONE;
    }
    FcPattern *pat = FcPatternCreate();
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)e->family);
    if (e->style) FcPatternAddString(pat, FC_STYLE, (const FcChar8 *)e->style);
    FcObjectSet *os = FcObjectSetBuild(FC_FILE, FC_INDEX, FC_FAMILY, FC_STYLE, FC_WEIGHT, FC_SLANT,
                                       FC_FONTFORMAT, (char *)NULL);
    FcFontSet *set = FcFontList(fs->fc, pat, os);
    FcObjectSetDestroy(os);
    FcPatternDestroy(pat);

    FcPattern *best = NULL;
    long best_score = 0;
    for (int i = 0; set && i < set->nfont; i++) {
        FcPattern *p = set->fonts[i];
        FcChar8 *file;
        int index = 0, weight = FC_WEIGHT_REGULAR, slant = FC_SLANT_ROMAN;
        if (FcPatternGetString(p, FC_FILE, 0, &file) != FcResultMatch) continue;
        FcPatternGetInteger(p, FC_INDEX, 0, &index);
        if (index < 0 || (index >> 16) != 0) continue; /* named instances of variable fonts */
        if (!fc_has_string(p, FC_FAMILY, e->family)) continue;
        if (e->style && !fc_has_string(p, FC_STYLE, e->style)) continue;
        FcPatternGetInteger(p, FC_WEIGHT, 0, &weight);
        FcPatternGetInteger(p, FC_SLANT, 0, &slant);
        if (e->weight) {
            int want = (int)FcWeightFromOpenType(e->weight);
            if (weight != want) continue;
        }
        long score = (slant != FC_SLANT_ROMAN ? 100000 : 0) + labs((long)weight - 80);
        if (!e->style && !fc_is_regular(p)) score += 1000;
        if (!best || score < best_score) {
            best = p;
            best_score = score;
        } else if (score == best_score) {
            /* deterministic tie-break: file name, then index */
            FcChar8 *bf;
            int bi = 0;
            FcPatternGetString(best, FC_FILE, 0, &bf);
            FcPatternGetInteger(best, FC_INDEX, 0, &bi);
            int c = strcmp((const char *)file, (const char *)bf);
            if (c < 0 || (c == 0 && index < bi)) best = p;
        }
    }
    entry_result ok = ENTRY_NONE;
    if (!best) {
        snprintf(why, whylen, "%s", nb_status_word(lang, "fontconfig has no such font"));
    } else {
        FcChar8 *file;
        int index = 0;
        FcPatternGetString(best, FC_FILE, 0, &file);
        FcPatternGetInteger(best, FC_INDEX, 0, &index);
        nb_status st = NB_STATUS_INIT;
        st.lang = lang->lang;
        nb_file *nf;
        nb_font *f = NULL;
        if (file_get(fs, (const char *)file, &nf, &st) == NB_OK &&
            open_index(fs, nf, (const char *)file, (unsigned)index, NULL, &f, &st) == NB_OK) {
            /* check the face really calls itself so: name IDs 1, 16 (and 21, WWS) */
            static const hb_ot_name_id_t fam_ids[] = {1, 16, 21};
            if (face_has_name(f->hb_face, fam_ids, 3, e->family)) {
                *out = f;
                ok = ENTRY_FOUND;
            } else {
                snprintf(why, whylen,
                         nb_status_word(lang, "fontconfig gave %s (face %d), whose family is '%s'"),
                         (const char *)file, index, f->family);
            }
        } else {
            copy_msg(why, whylen, st.msg);
            if (st.code == NB_ERR_NOMEM) ok = ENTRY_NOMEM;
        }
    }
    if (set) FcFontSetDestroy(set);
    return ok;
}

/* Opens an entry's face.  Memory running out is not "no such face": the caller fails
 * rather than take the next entry (which would change the fonts of the output). */
static entry_result resolve_entry(nb_fontset *fs, const font_entry *e, nb_font **out, char *why,
                                  size_t whylen, const nb_status *lang)
{
    if (e->file) {
        nb_status st = NB_STATUS_INIT;
        st.lang = lang->lang;
        if (nb_fontset_open(fs, e->file, e->face, out, &st) == NB_OK) return ENTRY_FOUND;
        copy_msg(why, whylen, st.msg);
        return st.code == NB_ERR_NOMEM ? ENTRY_NOMEM : ENTRY_NONE;
    }
    return resolve_family(fs, e, out, why, whylen, lang);
}

static void describe_entry(const font_entry *e, char *buf, size_t n, const nb_status *lang)
{
    if (e->file)
        snprintf(buf, n, nb_status_word(lang, "file %s%s%s"), e->file,
                 e->face ? nb_status_word(lang, " face ") : "", e->face ? e->face : "");
    else
        snprintf(buf, n, nb_status_word(lang, "family '%s'%s%s"), e->family,
                 e->style ? nb_status_word(lang, " style ") : "", e->style ? e->style : "");
}

static bool chain_add(role *r, nb_font *f)
{
    for (size_t i = 0; i < r->chain.count; i++)
        if (r->chain.fonts[i] == f) return true;
    if (!grow((void **)&r->chain.fonts, r->chain.count, sizeof *r->chain.fonts)) return false;
    r->chain.fonts[r->chain.count++] = f;
    return true;
}

static nb_code role_resolve(nb_fontset *fs, role *r, nb_status *st)
{
    if (r->resolved) return NB_OK;
    r->chain.count = 0;
    for (size_t i = 0; i < r->noverrides; i++)
        if (!chain_add(r, r->overrides[i])) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    char msg[NB_STATUS_MSG_MAX];
    size_t ml = (size_t)snprintf(msg, sizeof msg,
                                 nb_status_word(st, "no font for role '%s': tried"), r->name);
    bool primary = false;
    char why[400], desc[400];
    for (size_t i = 0; i < r->ncands && !primary; i++) {
        nb_font *f;
        entry_result got = resolve_entry(fs, &r->cands[i], &f, why, sizeof why, st);
        if (got == ENTRY_NOMEM) return nb_fail(st, NB_ERR_NOMEM, "role '%s': %s", r->name, why);
        if (got == ENTRY_FOUND) {
            if (!chain_add(r, f)) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
            primary = true;
        } else if (ml < sizeof msg) {
            describe_entry(&r->cands[i], desc, sizeof desc, st);
            /* TRANSLATORS: one entry of the list after "tried": the separator (nothing
               before the first entry, else ";"), the entry, why it gave no face. */
            const char *item = nb_status_word(st, "%s %s (%s)");
            ml += (size_t)snprintf(msg + ml, sizeof msg - ml, item,
                                   i ? nb_status_word(st, ";") : "", desc, why);
        }
    }
    if (!primary && r->noverrides == 0) {
        if (r->ncands == 0)
            return nb_fail(st, NB_ERR_FONT, "no font for role '%s': it has no candidates", r->name);
        return nb_fail(st, NB_ERR_FONT, "%s", msg);
    }
    r->next_fall = 0;
    r->resolved = true;
    return NB_OK;
}

bool nb_font_chain_more(const nb_font_chain *c, nb_status *st)
{
    role *r = c ? c->more : NULL;
    if (!r || !r->resolved) return false;
    char why[400];
    while (r->next_fall < r->nfalls) {
        nb_font *f;
        size_t before = r->chain.count;
        entry_result got = resolve_entry(r->fs, &r->falls[r->next_fall++], &f, why, sizeof why, st);
        if (got == ENTRY_FOUND && !chain_add(r, f)) {
            got = ENTRY_NOMEM;
            snprintf(why, sizeof why, "%s", nb_status_word(st, "out of memory"));
        }
        if (got == ENTRY_NOMEM) {
            r->next_fall--; /* try it again next time */
            nb_fail(st, NB_ERR_NOMEM, "role '%s', opening a fallback font: %s", r->name, why);
            return false;
        }
        if (got == ENTRY_FOUND && r->chain.count > before) return true;
    }
    return false;
}

nb_code nb_fontset_chain(nb_fontset *fs, const char *role_name, const nb_font_chain **out,
                         nb_status *st)
{
    role *r = role_find(fs, role_name);
    if (!r)
        return nb_fail(st, NB_ERR_FONT, "no font for role '%s': the font map has no such role",
                       role_name);
    nb_code rc = role_resolve(fs, r, st);
    if (rc != NB_OK) return rc;
    *out = &r->chain;
    return NB_OK;
}

nb_code nb_fontset_prepare(nb_fontset *fs, const char *const *roles, size_t n, nb_status *st)
{
    size_t count = roles ? n : fs->nroles;
    for (size_t i = 0; i < count; i++) {
        const nb_font_chain *c = NULL;
        nb_code rc = nb_fontset_chain(fs, roles ? roles[i] : fs->roles[i]->name, &c, st);
        if (rc != NB_OK) return rc;
        while (nb_font_chain_more(c, st)) {
        }
        if (st->code) return st->code;
    }
    return NB_OK;
}

static bool looks_like_path(const char *s)
{
    size_t n = strlen(s);
    if (strchr(s, '/')) return true;
    static const char *const ext[] = {".ttf", ".otf", ".ttc", ".otc", ".TTF", ".OTF", ".TTC"};
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++)
        if (n >= 4 && strcmp(s + n - 4, ext[i]) == 0) return true;
    return false;
}

nb_code nb_fontset_override(nb_fontset *fs, const char *role_name, const char *file_or_family,
                            nb_status *st)
{
    nb_font *f = NULL;
    if (looks_like_path(file_or_family)) {
        nb_code rc = nb_fontset_open(fs, file_or_family, NULL, &f, st);
        if (rc != NB_OK) return rc;
    } else {
        font_entry e = {0};
        e.family = (char *)file_or_family;
        char why[400];
        entry_result got = resolve_family(fs, &e, &f, why, sizeof why, st);
        if (got == ENTRY_NOMEM)
            return nb_fail(st, NB_ERR_NOMEM, "font for role '%s': family '%s': %s", role_name,
                           file_or_family, why);
        if (got != ENTRY_FOUND)
            return nb_fail(st, NB_ERR_FONT, "font for role '%s': family '%s' not found (%s)",
                           role_name, file_or_family, why);
    }
    role *r = role_get(fs, role_name);
    if (!r || !grow((void **)&r->overrides, r->noverrides, sizeof *r->overrides))
        return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    memmove(r->overrides + 1, r->overrides, r->noverrides * sizeof *r->overrides);
    r->overrides[0] = f;
    r->noverrides++;
    if (r->resolved) {
        /* shaped texts no longer hold */
        if (r->chain.shape_cache_free) r->chain.shape_cache_free(r->chain.shape_cache);
        r->chain.shape_cache = NULL;
        r->chain.shape_cache_free = NULL;
        /* put the new face first and keep the rest of the chain */
        if (!chain_add(r, f)) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
        size_t at = 0;
        while (r->chain.fonts[at] != f)
            at++;
        memmove(r->chain.fonts + 1, r->chain.fonts, at * sizeof *r->chain.fonts);
        r->chain.fonts[0] = f;
    }
    return NB_OK;
}

/* ---- font map ------------------------------------------------------------------------ */

static char *join_path(const char *dir, const char *rel)
{
    if (rel[0] == '/' || !dir || !*dir) return dupstr(rel);
    size_t a = strlen(dir), b = strlen(rel);
    char *s = malloc(a + b + 2);
    if (!s) return NULL;
    memcpy(s, dir, a);
    s[a] = '/';
    memcpy(s + a + 1, rel, b + 1);
    return s;
}

static nb_code parse_entries(const char *map, const char *dir, const char *rname, const char *key,
                             const cJSON *arr, font_entry **out, size_t *nout, nb_status *st)
{
    *out = NULL;
    *nout = 0;
    if (!arr) return NB_OK;
    if (!cJSON_IsArray(arr))
        return nb_fail(st, NB_ERR_FONT, "%s: roles.%s.%s: expected an array", map, rname, key);
    int n = cJSON_GetArraySize(arr);
    font_entry *v = calloc((size_t)n + 1, sizeof *v);
    if (!v) return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    *out = v;
    for (int i = 0; i < n; i++) {
        const cJSON *it = cJSON_GetArrayItem(arr, i);
        const cJSON *file = cJSON_GetObjectItemCaseSensitive(it, "file");
        const cJSON *face = cJSON_GetObjectItemCaseSensitive(it, "face");
        const cJSON *fam = cJSON_GetObjectItemCaseSensitive(it, "family");
        const cJSON *style = cJSON_GetObjectItemCaseSensitive(it, "style");
        const cJSON *weight = cJSON_GetObjectItemCaseSensitive(it, "weight");
        if (!cJSON_IsObject(it) || (!cJSON_IsString(file) && !cJSON_IsString(fam)) || (file && fam))
            return nb_fail(st, NB_ERR_FONT,
                           "%s: roles.%s.%s[%d]: expected an object with a \"file\" or a "
                           "\"family\" string",
                           map, rname, key, i);
        if ((face && !cJSON_IsString(face)) || (style && !cJSON_IsString(style)) ||
            (weight &&
             (!cJSON_IsNumber(weight) || weight->valuedouble < 1 || weight->valuedouble > 1000)))
            return nb_fail(st, NB_ERR_FONT,
                           "%s: roles.%s.%s[%d]: \"face\" and \"style\" must be strings, "
                           "\"weight\" a number 1..1000",
                           map, rname, key, i);
        font_entry *e = &v[*nout];
        (*nout)++;
        if (file) e->file = join_path(dir, file->valuestring);
        if (face) e->face = dupstr(face->valuestring);
        if (fam) e->family = dupstr(fam->valuestring);
        if (style) e->style = dupstr(style->valuestring);
        if (weight) e->weight = (int)weight->valuedouble;
        if ((file && !e->file) || (face && !e->face) || (fam && !e->family) || (style && !e->style))
            return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    }
    return NB_OK;
}

/* Gives every face the map names by file an id now, in the map's order (roles in order,
 * candidates before fallbacks), so that ids do not depend on which faces a render happens
 * to need first: batch renders then match single renders byte for byte.  Nothing is read
 * but the paths (realpath); an entry that fails fails again, with its message, when used.
 * (Two spellings of one face that only opening can tell apart — a family entry and a file
 * entry, a face name and index 0 — share an id only once opened.) */
static nb_code reserve_ids(nb_fontset *fs, nb_status *st)
{
    for (size_t i = 0; i < fs->nroles; i++) {
        role *r = fs->roles[i];
        for (size_t k = 0; k < r->ncands + r->nfalls; k++) {
            const font_entry *e = k < r->ncands ? &r->cands[k] : &r->falls[k - r->ncands];
            if (e->file && slot_reserve(fs, e->file, e->face && *e->face ? e->face : NULL, st))
                return st->code;
        }
    }
    return NB_OK;
}

nb_code nb_fontset_load_map(nb_fontset *fs, const char *map_path, nb_status *st)
{
    nb_json_doc doc;
    nb_code rc = nb_json_load(map_path, &doc, st);
    if (rc != NB_OK) return rc;
    cJSON *root = doc.root;

    char *dir = dupstr(map_path);
    if (!dir) {
        nb_json_free(&doc);
        return nb_fail(st, NB_ERR_NOMEM, "out of memory");
    }
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");

    const cJSON *dirs = cJSON_GetObjectItemCaseSensitive(root, "dirs");
    const cJSON *roles = cJSON_GetObjectItemCaseSensitive(root, "roles");
    if (!cJSON_IsObject(root) || !cJSON_IsObject(roles)) {
        rc = nb_fail(st, NB_ERR_FONT, "%s: expected an object with a \"roles\" object", map_path);
        goto done;
    }
    if (dirs && !cJSON_IsArray(dirs)) {
        rc = nb_fail(st, NB_ERR_FONT, "%s: dirs: expected an array of folder names", map_path);
        goto done;
    }
    const cJSON *d;
    int di = 0;
    cJSON_ArrayForEach(d, dirs)
    {
        if (!cJSON_IsString(d)) {
            rc = nb_fail(st, NB_ERR_FONT, "%s: dirs[%d]: expected a string", map_path, di);
            goto done;
        }
        char *p = join_path(dir, d->valuestring);
        if (!p || !grow((void **)&fs->dirs, fs->ndirs, sizeof *fs->dirs)) {
            free(p);
            rc = nb_fail(st, NB_ERR_NOMEM, "out of memory");
            goto done;
        }
        fs->dirs[fs->ndirs++] = p;
        if (fs->fc) FcConfigAppFontAddDir(fs->fc, (const FcChar8 *)p);
        di++;
    }
    const cJSON *rj;
    cJSON_ArrayForEach(rj, roles)
    {
        if (!cJSON_IsObject(rj)) {
            rc = nb_fail(st, NB_ERR_FONT, "%s: roles.%s: expected an object", map_path, rj->string);
            goto done;
        }
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(rj, "candidates");
        const cJSON *fb = cJSON_GetObjectItemCaseSensitive(rj, "fallback");
        if (!cJSON_IsArray(c) || cJSON_GetArraySize(c) == 0) {
            rc = nb_fail(st, NB_ERR_FONT, "%s: roles.%s.candidates: expected a non-empty array",
                         map_path, rj->string);
            goto done;
        }
        role *r = role_get(fs, rj->string);
        if (!r) {
            rc = nb_fail(st, NB_ERR_NOMEM, "out of memory");
            goto done;
        }
        role_clear_entries(r);
        r->resolved = false;
        rc = parse_entries(map_path, dir, rj->string, "candidates", c, &r->cands, &r->ncands, st);
        if (rc == NB_OK)
            rc =
                parse_entries(map_path, dir, rj->string, "fallback", fb, &r->falls, &r->nfalls, st);
        if (rc != NB_OK) goto done;
    }
    rc = reserve_ids(fs, st);
done:
    free(dir);
    nb_json_free(&doc);
    return rc;
}
