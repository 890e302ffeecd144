/* test_font.c — font files, faces, names, CIDs, validation and the font map, on real fonts
 * (deps/fandol, fonts-noto-cjk, fonts-lxgw-wenkai).  A case whose font file is absent is
 * skipped with a message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_CID_H
#include <harfbuzz/hb-subset.h>
#include <harfbuzz/hb.h>

#include "cff.h"
#include "font.h"
#include "pdf_font.h"

#define FANDOL NB_TEST_SRCDIR "/deps/fandol/"
#define FANG FANDOL "FandolFang-Regular.otf"
#define SONG_B FANDOL "FandolSong-Bold.otf"
#define SONG_R FANDOL "FandolSong-Regular.otf"
#define KAI FANDOL "FandolKai-Regular.otf"
#define NOTO_SERIF_B "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"
#define LXGW "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
#define NOTO_SANS_R "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#define MAP NB_TEST_SRCDIR "/fonts/fontmap.json"

static bool need(const char *path)
{
    if (access(path, R_OK) == 0) return true;
    print_message("skipped: font file %s is not installed\n", path);
    return false;
}

static const char *base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* Writes a font map with one role "r" whose only candidate is `entry` (JSON object text)
 * and loads it into a new fontset. */
static nb_fontset *map_with(const char *entry, char *path_out)
{
    char dir[] = "/tmp/nb_font_XXXXXX";
    assert_non_null(mkdtemp(dir));
    snprintf(path_out, 256, "%s/map.json", dir);
    FILE *f = fopen(path_out, "w");
    assert_non_null(f);
    fprintf(f, "{\"dirs\": [\"%s\"], \"roles\": {\"r\": {\"candidates\": [%s]}}}",
            NB_TEST_SRCDIR "/deps/fandol", entry);
    fclose(f);
    nb_fontset *fs = nb_fontset_new();
    assert_non_null(fs);
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(nb_fontset_load_map(fs, path_out, &st), NB_OK);
    return fs;
}

static void map_done(nb_fontset *fs, char *path)
{
    nb_fontset_free(fs);
    unlink(path);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    rmdir(path);
}

/* Resolves role "r" of a one-entry map; NULL (with st filled) when it fails. */
static const nb_font *primary_of(const char *entry, nb_status *st, char *err)
{
    char path[256];
    nb_fontset *fs = map_with(entry, path);
    const nb_font_chain *c = NULL;
    static char ps[256];
    static char file[512];
    static nb_font copy;
    nb_code rc = nb_fontset_chain(fs, "r", &c, st);
    const nb_font *res = NULL;
    if (rc == NB_OK) {
        copy = *c->fonts[0];
        snprintf(ps, sizeof ps, "%s", c->fonts[0]->postscript_name);
        snprintf(file, sizeof file, "%s", c->fonts[0]->path);
        copy.postscript_name = ps;
        copy.path = file;
        copy.family = NULL;
        copy.hb_face = NULL;
        copy.hb_font = NULL;
        copy.impl = NULL;
        res = &copy;
    } else if (err) {
        snprintf(err, NB_STATUS_MSG_MAX, "%s", st->msg);
    }
    map_done(fs, path);
    return res;
}

static void test_fang_by_both_family_names(void **state)
{
    (void)state;
    if (!need(FANG)) skip();
    const char *names[] = {"{\"family\": \"FandolFang\"}", "{\"family\": \"FandolFang R\"}",
                           "{\"family\": \"FandolFang\", \"style\": \"Regular\"}"};
    for (size_t i = 0; i < 3; i++) {
        nb_status st = NB_STATUS_INIT;
        const nb_font *f = primary_of(names[i], &st, NULL);
        if (!f) fail_msg("%s: %s", names[i], st.msg);
        assert_string_equal(base(f->path), "FandolFang-Regular.otf");
        assert_string_equal(f->postscript_name, "FandolFang-Regular");
    }
    /* a family nobody has fails and names the role and the candidate */
    nb_status st = NB_STATUS_INIT;
    char err[NB_STATUS_MSG_MAX];
    assert_null(primary_of("{\"family\": \"FandolFangNoSuch\"}", &st, err));
    assert_int_equal(st.code, NB_ERR_FONT);
    assert_non_null(strstr(err, "role 'r'"));
    assert_non_null(strstr(err, "FandolFangNoSuch"));
}

static void test_song_bold_vs_regular(void **state)
{
    (void)state;
    if (!need(SONG_B) || !need(SONG_R)) skip();
    nb_status st = NB_STATUS_INIT;
    const nb_font *f = primary_of("{\"family\": \"FandolSong\", \"style\": \"Bold\"}", &st, NULL);
    if (!f) fail_msg("%s", st.msg);
    assert_string_equal(f->postscript_name, "FandolSong-Bold");
    f = primary_of("{\"family\": \"FandolSong\", \"style\": \"Regular\"}", &st, NULL);
    if (!f) fail_msg("%s", st.msg);
    assert_string_equal(f->postscript_name, "FandolSong-Regular");
    /* no style: the Regular face, although both declare weight 400 */
    f = primary_of("{\"family\": \"FandolSong\"}", &st, NULL);
    if (!f) fail_msg("%s", st.msg);
    assert_string_equal(f->postscript_name, "FandolSong-Regular");
    /* a style the family does not have is not silently replaced */
    char err[NB_STATUS_MSG_MAX];
    assert_null(primary_of("{\"family\": \"FandolSong\", \"style\": \"Italic\"}", &st, err));
    assert_non_null(strstr(err, "FandolSong"));
}

static void test_noto_sc_face_by_name(void **state)
{
    (void)state;
    if (!need(NOTO_SERIF_B)) skip();
    nb_status st = NB_STATUS_INIT;
    const nb_font *f =
        primary_of("{\"family\": \"Noto Serif CJK SC\", \"style\": \"Bold\"}", &st, NULL);
    if (!f) fail_msg("%s", st.msg);
    assert_string_equal(f->postscript_name, "NotoSerifCJKsc-Bold");
    assert_string_equal(base(f->path), "NotoSerifCJK-Bold.ttc");
    assert_int_equal(f->face_index, 2);

    nb_fontset *fs = nb_fontset_new();
    nb_font *a, *b, *c, *j;
    assert_int_equal(nb_fontset_open(fs, NOTO_SERIF_B, "NotoSerifCJKsc-Bold", &a, &st), NB_OK);
    assert_int_equal(a->face_index, 2);
    assert_string_equal(a->family, "Noto Serif CJK SC");
    assert_true(a->is_cff);
    /* by full name, and through another spelling of the path: the same face, opened once */
    assert_int_equal(nb_fontset_open(fs, NOTO_SERIF_B, "Noto Serif CJK SC Bold", &b, &st), NB_OK);
    assert_int_equal(nb_fontset_open(fs,
                                     "/usr/share/fonts/opentype/noto/../noto/NotoSerifCJK-Bold.ttc",
                                     "notoserifcjksc-bold", &c, &st),
                     NB_OK);
    assert_ptr_equal(a, b);
    assert_ptr_equal(a, c);
    assert_int_equal(nb_fontset_open(fs, NOTO_SERIF_B, NULL, &j, &st), NB_OK);
    assert_int_equal(j->face_index, 0);
    assert_string_equal(j->postscript_name, "NotoSerifCJKjp-Bold");
    assert_int_equal(nb_fontset_count(fs), 2);
    assert_ptr_equal(nb_fontset_font(fs, a->id), a);
    assert_int_equal(nb_fontset_open(fs, NOTO_SERIF_B, "NoSuchFace", &j, &st), NB_ERR_FONT);
    assert_non_null(strstr(st.msg, "NoSuchFace"));
    nb_fontset_free(fs);
}

static void test_fang_cids_round_trip(void **state)
{
    (void)state;
    if (!need(FANG)) skip();
    nb_status st = NB_STATUS_INIT;
    nb_fontset *fs = nb_fontset_new();
    nb_font *f;
    assert_int_equal(nb_fontset_open(fs, FANG, NULL, &f, &st), NB_OK);
    assert_true(f->is_cff);
    assert_true(f->is_cid_keyed);
    assert_string_equal(f->family, "FandolFang");
    assert_int_equal(f->units_per_em, 1000);
    assert_true(f->ascender > 0 && f->descender < 0 && f->cap_height > 0);
    assert_true(f->bbox[0] < f->bbox[2] && f->bbox[1] < f->bbox[3]);

    /* find a character whose glyph id and CID differ */
    hb_set_t *cps = hb_set_create();
    hb_face_collect_unicodes(f->hb_face, cps);
    hb_codepoint_t cp = HB_SET_VALUE_INVALID, found = HB_SET_VALUE_INVALID, gid = 0;
    while (hb_set_next(cps, &cp)) {
        hb_codepoint_t g;
        if (hb_font_get_nominal_glyph(f->hb_font, cp, &g) && nb_font_cid_of_glyph(f, g) != g) {
            found = cp;
            gid = g;
            break;
        }
    }
    hb_set_destroy(cps);
    assert_int_not_equal(found, HB_SET_VALUE_INVALID);
    unsigned cid = nb_font_cid_of_glyph(f, gid);

    /* subset to that glyph, as the PDF writer does (by glyph id, from the source that
     * serves the CFF table alone): the new glyph id differs, its CID is the same */
    unsigned flags = 0, flags2 = 0;
    hb_face_t *src = nb_font_subset_source(f, &flags);
    assert_non_null(src);
    assert_ptr_equal(src, nb_font_subset_source(f, &flags2)); /* cached */
    assert_int_equal(flags, HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_DESUBROUTINIZE);
    hb_blob_t *cmap = hb_face_reference_table(src, HB_TAG('c', 'm', 'a', 'p'));
    assert_int_equal(hb_blob_get_length(cmap), 0); /* not embedded, so not served */
    hb_blob_destroy(cmap);
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    hb_set_add(hb_subset_input_glyph_set(in), gid);
    hb_face_t *sub = hb_subset_or_fail(src, in);
    hb_subset_input_destroy(in);
    assert_non_null(sub);
    assert_int_equal(hb_face_get_glyph_count(sub), 2); /* .notdef and the glyph */
    hb_blob_t *blob = hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' '));
    unsigned len = 0;
    const char *data = hb_blob_get_data(blob, &len);
    assert_true(len > 0);
    FT_Library lib;
    FT_Face ft;
    assert_int_equal(FT_Init_FreeType(&lib), 0);
    assert_int_equal(FT_New_Memory_Face(lib, (const FT_Byte *)data, len, 0, &ft), 0);
    FT_UInt newgid = 1;
    assert_int_not_equal(newgid, gid);
    FT_UInt subcid = 0;
    assert_int_equal(FT_Get_CID_From_Glyph_Index(ft, newgid, &subcid), 0);
    assert_int_equal(subcid, cid);
    FT_Done_Face(ft);
    FT_Done_FreeType(lib);
    hb_blob_destroy(blob);
    hb_face_destroy(sub);

    /* a TrueType face: no CIDs, gid stands for itself */
    if (access(LXGW, R_OK) == 0) {
        nb_font *l;
        assert_int_equal(nb_fontset_open(fs, LXGW, NULL, &l, &st), NB_OK);
        assert_false(l->is_cff);
        assert_false(l->is_cid_keyed);
        assert_int_equal(nb_font_cid_of_glyph(l, 1234), 1234);
    }
    nb_fontset_free(fs);
}

static char tmpfile_path[64];

static void write_tmp(const void *data, size_t len)
{
    snprintf(tmpfile_path, sizeof tmpfile_path, "/tmp/nb_font_bad_XXXXXX");
    int fd = mkstemp(tmpfile_path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
}

static void expect_font_error(const char *what)
{
    nb_status st = NB_STATUS_INIT;
    nb_fontset *fs = nb_fontset_new();
    nb_font *f = NULL;
    assert_int_equal(nb_fontset_open(fs, tmpfile_path, NULL, &f, &st), NB_ERR_FONT);
    assert_null(f);
    assert_non_null(strstr(st.msg, "font file "));
    assert_non_null(strstr(st.msg, tmpfile_path));
    if (!strstr(st.msg, what)) fail_msg("'%s' lacks '%s'", st.msg, what);
    assert_int_equal(nb_fontset_count(fs), 0);
    nb_fontset_free(fs);
    unlink(tmpfile_path);
}

static void test_missing_and_corrupt_files(void **state)
{
    (void)state;
    nb_status st = NB_STATUS_INIT;
    nb_fontset *fs = nb_fontset_new();
    nb_font *f;
    assert_int_equal(nb_fontset_open(fs, "/nonexistent/dir/x.otf", NULL, &f, &st), NB_ERR_FONT);
    assert_string_equal(st.msg, "font file not found: /nonexistent/dir/x.otf");
    nb_fontset_free(fs);

    static const char text[] = "This is a text file, not a font at all.\n";
    write_tmp(text, sizeof text - 1);
    expect_font_error("not a font");

    if (!need(FANG)) skip();
    FILE *fp = fopen(FANG, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)size);
    assert_int_equal(fread(buf, 1, (size_t)size, fp), (size_t)size);
    fclose(fp);
    /* truncated at several places, down into the table directory */
    const long cuts[] = {size / 2, size - 5000, 1000, 100, 20};
    for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
        write_tmp(buf, (size_t)cuts[i]);
        expect_font_error("truncated");
    }
    free(buf);

    /* a well-formed font without a cmap table */
    fs = nb_fontset_new();
    assert_int_equal(nb_fontset_open(fs, FANG, NULL, &f, &st), NB_OK);
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    hb_set_add(hb_subset_input_unicode_set(in), 0x4E00);
    hb_set_add(hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG), HB_TAG('c', 'm', 'a', 'p'));
    hb_face_t *sub = hb_subset_or_fail(f->hb_face, in);
    hb_subset_input_destroy(in);
    assert_non_null(sub);
    hb_blob_t *blob = hb_face_reference_blob(sub);
    unsigned len;
    const char *data = hb_blob_get_data(blob, &len);
    write_tmp(data, len);
    hb_blob_destroy(blob);
    hb_face_destroy(sub);
    nb_fontset_free(fs);
    expect_font_error("no 'cmap'");
}

static void test_override(void **state)
{
    (void)state;
    if (!need(FANG) || !need(LXGW)) skip();
    char path[256];
    nb_fontset *fs = map_with("{\"file\": \"" FANG "\"}", path);
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(nb_fontset_override(fs, "r", "/no/such/仿宋_GB2312.ttf", &st), NB_ERR_FONT);
    assert_string_equal(st.msg, "font file not found: /no/such/仿宋_GB2312.ttf");
    nb_status_clear(&st);
    assert_int_equal(nb_fontset_override(fs, "r", "no_such.ttf", &st), NB_ERR_FONT);
    assert_string_equal(st.msg, "font file not found: no_such.ttf");
    nb_status_clear(&st);
    assert_int_equal(nb_fontset_override(fs, "r", LXGW, &st), NB_OK);
    const nb_font_chain *c;
    assert_int_equal(nb_fontset_chain(fs, "r", &c, &st), NB_OK);
    assert_int_equal(c->count, 2);
    assert_string_equal(c->fonts[0]->postscript_name, "LXGWWenKai-Regular");
    assert_string_equal(c->fonts[1]->postscript_name, "FandolFang-Regular");
    /* an override after resolution also goes first, keeping the rest */
    if (access(NOTO_SERIF_B, R_OK) == 0) {
        assert_int_equal(nb_fontset_override(fs, "r", "Noto Serif CJK SC", &st), NB_OK);
        assert_int_equal(c->count, 3);
        assert_string_equal(c->fonts[0]->family, "Noto Serif CJK SC");
        assert_string_equal(c->fonts[1]->postscript_name, "LXGWWenKai-Regular");
    }
    assert_int_equal(nb_fontset_override(fs, "r", "No Such Family 123", &st), NB_ERR_FONT);
    assert_non_null(strstr(st.msg, "No Such Family 123"));
    map_done(fs, path);
}

static void test_map_errors(void **state)
{
    (void)state;
    char path[256];
    /* every candidate fails: the message names the role and each candidate */
    nb_fontset *fs = map_with("{\"file\": \"/no/a.otf\"}, {\"family\": \"Nope Sans\", \"style\": "
                              "\"Bold\"}",
                              path);
    nb_status st = NB_STATUS_INIT;
    const nb_font_chain *c;
    assert_int_equal(nb_fontset_chain(fs, "r", &c, &st), NB_ERR_FONT);
    assert_non_null(strstr(st.msg, "role 'r'"));
    assert_non_null(strstr(st.msg, "/no/a.otf"));
    assert_non_null(strstr(st.msg, "Nope Sans"));
    nb_status_clear(&st);
    assert_int_equal(nb_fontset_chain(fs, "nosuchrole", &c, &st), NB_ERR_FONT);
    assert_non_null(strstr(st.msg, "nosuchrole"));
    map_done(fs, path);

    /* malformed maps */
    const char *bad[] = {"{\"roles\": [1]}", "{\"roles\": {\"x\": {\"candidates\": []}}}",
                         "{\"roles\": {\"x\": {\"candidates\": [{\"style\": \"Bold\"}]}}}",
                         "{\"roles\": {"};
    for (size_t i = 0; i < 4; i++) {
        char p[] = "/tmp/nb_font_map_XXXXXX";
        int fd = mkstemp(p);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, bad[i], strlen(bad[i])), (ssize_t)strlen(bad[i]));
        close(fd);
        fs = nb_fontset_new();
        nb_status_clear(&st);
        assert_int_not_equal(nb_fontset_load_map(fs, p, &st), NB_OK);
        assert_non_null(strstr(st.msg, p));
        nb_fontset_free(fs);
        unlink(p);
    }
    fs = nb_fontset_new();
    nb_status_clear(&st);
    assert_int_equal(nb_fontset_load_map(fs, "/no/such/map.json", &st), NB_ERR_IO);
    nb_fontset_free(fs);
}

/* The checked-in map: every role resolves, primaries are the intended faces, chains reach
 * CJK Ext-A, and no face has a private-use character. */
static void test_default_map(void **state)
{
    (void)state;
    if (!need(FANG)) skip();
    nb_fontset *fs = nb_fontset_new();
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(nb_fontset_load_map(fs, NB_TEST_SRCDIR "/fonts/fontmap.json", &st), NB_OK);
    if (nb_fontset_prepare(fs, NULL, 0, &st) != NB_OK) fail_msg("%s", st.msg);
    const char *roles[] = {"title", "body", "heading1", "heading2", "table", "pagenum"};
    for (size_t i = 0; i < 6; i++) {
        const nb_font_chain *c;
        assert_int_equal(nb_fontset_chain(fs, roles[i], &c, &st), NB_OK);
        assert_string_equal(c->role, roles[i]);
        print_message("%-9s", roles[i]);
        bool ext_a = false;
        for (size_t k = 0; k < c->count; k++) {
            print_message(" %s", c->fonts[k]->postscript_name);
            for (size_t m = 0; m < k; m++)
                assert_ptr_not_equal(c->fonts[m], c->fonts[k]);
            if (nb_font_has_char(c->fonts[k], 0x4DAE)) ext_a = true;
            assert_false(nb_font_has_char(c->fonts[k], 0xE000));
        }
        print_message("\n");
        assert_true(c->count >= 2);
        if (access(NOTO_SERIF_B, R_OK) == 0) assert_true(ext_a);
    }
    const nb_font_chain *c;
    assert_int_equal(nb_fontset_chain(fs, "body", &c, &st), NB_OK);
    assert_string_equal(c->fonts[0]->postscript_name, "FandolFang-Regular");
    assert_int_equal(nb_fontset_chain(fs, "heading2", &c, &st), NB_OK);
    assert_string_equal(c->fonts[0]->postscript_name, "FandolKai-Regular");
    assert_int_equal(nb_fontset_chain(fs, "pagenum", &c, &st), NB_OK);
    assert_string_equal(c->fonts[0]->postscript_name, "FandolSong-Regular");
    /* FandolSong's hhea descender has the wrong sign; the descriptor's must be negative */
    assert_true(c->fonts[0]->descender < 0);
    assert_int_equal(nb_fontset_chain(fs, "title", &c, &st), NB_OK);
    if (access(NOTO_SERIF_B, R_OK) == 0)
        assert_string_equal(c->fonts[0]->postscript_name, "NotoSerifCJKsc-Bold");
    else
        assert_string_equal(c->fonts[0]->postscript_name, "FandolSong-Bold");
    /* each file opened once: the same face object is shared by body and table */
    const nb_font_chain *b, *t;
    assert_int_equal(nb_fontset_chain(fs, "body", &b, &st), NB_OK);
    assert_int_equal(nb_fontset_chain(fs, "table", &t, &st), NB_OK);
    assert_ptr_equal(b->fonts[0], t->fonts[0]);
    nb_fontset_free(fs);
}

/* Fallback faces are opened only when a character needs them, and face ids follow the
 * map's order whatever order faces are opened in (so that batch and single renders agree). */
static void test_lazy_fallbacks_and_ids(void **state)
{
    (void)state;
    if (!need(FANG) || !need(NOTO_SANS_R)) skip();
    nb_status st = NB_STATUS_INIT;
    nb_fontset *a = nb_fontset_new(), *b = nb_fontset_new();
    assert_int_equal(nb_fontset_load_map(a, MAP, &st), NB_OK);
    assert_int_equal(nb_fontset_load_map(b, MAP, &st), NB_OK);
    /* ids are reserved for the map's files, none is open yet */
    assert_true(nb_fontset_count(a) >= 6);
    for (unsigned i = 0; i < nb_fontset_count(a); i++)
        assert_null(nb_fontset_font(a, i));
    double ms0;
    unsigned faces0, faces1;
    nb_fontset_load_stats(a, &ms0, &faces0);
    const nb_font_chain *body_a, *h1_a;
    assert_int_equal(nb_fontset_chain(a, "body", &body_a, &st), NB_OK);
    nb_fontset_load_stats(a, NULL, &faces1);
    assert_int_equal(faces1, faces0 + 1); /* the primary only */
    assert_int_equal(body_a->count, 1);
    assert_string_equal(body_a->fonts[0]->postscript_name, "FandolFang-Regular");
    /* the next fallback when asked for, in map order */
    assert_true(nb_font_chain_more(body_a, &st));
    assert_int_equal(body_a->count, 2);
    assert_true(nb_font_has_char(body_a->fonts[1], 0x4E00));
    assert_int_equal(nb_fontset_chain(a, "heading1", &h1_a, &st), NB_OK);

    /* the other fontset opens the same faces in another order */
    const nb_font_chain *body_b, *h1_b;
    assert_int_equal(nb_fontset_chain(b, "heading1", &h1_b, &st), NB_OK);
    assert_int_equal(nb_fontset_chain(b, "body", &body_b, &st), NB_OK);
    assert_true(nb_font_chain_more(body_b, &st));
    assert_int_equal(h1_a->fonts[0]->id, h1_b->fonts[0]->id);
    for (size_t k = 0; k < 2; k++) {
        assert_int_equal(body_a->fonts[k]->id, body_b->fonts[k]->id);
        assert_string_equal(body_a->fonts[k]->postscript_name, body_b->fonts[k]->postscript_name);
    }
    /* ids are in map order: title's file first, then body's */
    assert_true(body_a->fonts[0]->id < h1_a->fonts[0]->id);
    /* draining the chain stops, and prepare resolves every role fully */
    while (nb_font_chain_more(body_a, &st)) {
    }
    assert_false(nb_font_chain_more(body_a, &st));
    size_t full = body_a->count;
    assert_true(full >= 3);
    assert_int_equal(nb_fontset_prepare(b, NULL, 0, &st), NB_OK);
    assert_int_equal(body_b->count, full);
    nb_fontset_free(a);
    nb_fontset_free(b);
}

/* Metrics and CIDs read from the tables equal FreeType's for every glyph. */
static void check_against_freetype(const char *path, const char *face)
{
    nb_status st = NB_STATUS_INIT;
    nb_fontset *fs = nb_fontset_new();
    nb_font *f;
    assert_int_equal(nb_fontset_open(fs, path, face, &f, &st), NB_OK);
    FT_Library lib;
    FT_Face ft;
    assert_int_equal(FT_Init_FreeType(&lib), 0);
    assert_int_equal(FT_New_Face(lib, path, (FT_Long)f->face_index, &ft), 0);
    FT_Bool cid_keyed = 0;
    FT_Get_CID_Is_Internally_CID_Keyed(ft, &cid_keyed);
    assert_int_equal(f->is_cid_keyed, cid_keyed != 0);
    assert_int_equal(f->num_glyphs, (unsigned)ft->num_glyphs);
    assert_int_equal(f->bbox[0], ft->bbox.xMin);
    assert_int_equal(f->bbox[1], ft->bbox.yMin);
    assert_int_equal(f->bbox[2], ft->bbox.xMax);
    assert_int_equal(f->bbox[3], ft->bbox.yMax);
    unsigned differ = 0;
    for (unsigned g = 0; g < f->num_glyphs; g++) {
        FT_UInt cid = g;
        if (cid_keyed && FT_Get_CID_From_Glyph_Index(ft, g, &cid) != 0) cid = g;
        if (cid != nb_font_cid_of_glyph(f, g)) differ++;
    }
    assert_int_equal(differ, 0);
    FT_Done_Face(ft);
    FT_Done_FreeType(lib);
    nb_fontset_free(fs);
}

static void test_tables_agree_with_freetype(void **state)
{
    (void)state;
    if (!need(FANG)) skip();
    check_against_freetype(FANG, NULL);
    if (access(NOTO_SANS_R, R_OK) == 0)
        check_against_freetype(NOTO_SANS_R, "NotoSansCJKsc-Regular");
    if (access(LXGW, R_OK) == 0) check_against_freetype(LXGW, NULL);
}

/* The subset the PDF writer embeds (hb-subset, the bare 'CFF ' table of its output): a
 * malloc'd copy of the table. */
static unsigned char *hb_cff_subset(nb_font *f, const uint32_t *gids, size_t n, size_t *len,
                                    uint32_t *newgid /* per gids[i] */)
{
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    assert_non_null(in);
    for (size_t i = 0; i < n; i++)
        hb_set_add(hb_subset_input_glyph_set(in), gids[i]);
    unsigned flags = 0;
    hb_face_t *src = nb_font_subset_source(f, &flags);
    hb_subset_input_set_flags(in, flags);
    hb_subset_plan_t *plan = hb_subset_plan_create_or_fail(src, in);
    assert_non_null(plan);
    const hb_map_t *old2new = hb_subset_plan_old_to_new_glyph_mapping(plan);
    for (size_t i = 0; i < n; i++)
        newgid[i] = hb_map_get(old2new, gids[i]);
    hb_face_t *sub = hb_subset_plan_execute_or_fail(plan);
    assert_non_null(sub);
    hb_blob_t *cff = hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' '));
    unsigned l = 0;
    const char *d = hb_blob_get_data(cff, &l);
    assert_true(d != NULL && l > 0);
    unsigned char *copy = malloc(l);
    memcpy(copy, d, l);
    *len = l;
    hb_blob_destroy(cff);
    hb_face_destroy(sub);
    hb_subset_plan_destroy(plan);
    hb_subset_input_destroy(in);
    return copy;
}

/* hb-subset's CFF subset, as embedded: FreeType reads it, every glyph keeps its CID
 * (pdf-fonts.md: the content stream's codes are these CIDs) and its outline (points and
 * contours) equals the original's. */
static void check_subset(const char *path, const char *face, const char *text)
{
    nb_status st = NB_STATUS_INIT;
    nb_fontset *fs = nb_fontset_new();
    nb_font *f;
    assert_int_equal(nb_fontset_open(fs, path, face, &f, &st), NB_OK);
    uint32_t gids[256];
    size_t n = 0;
    hb_buffer_t *buf = hb_buffer_create();
    hb_buffer_add_utf8(buf, text, -1, 0, -1);
    hb_buffer_guess_segment_properties(buf);
    hb_shape(f->hb_font, buf, NULL, 0);
    unsigned count;
    const hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &count);
    for (unsigned i = 0; i < count && n < 256; i++)
        gids[n++] = info[i].codepoint;
    hb_buffer_destroy(buf);
    gids[n++] = gids[0]; /* a duplicate is harmless */
    size_t len;
    uint32_t newgid[257];
    unsigned char *prog = hb_cff_subset(f, gids, n, &len, newgid);

    /* the glyphs in gid order, .notdef first, duplicates dropped */
    uint32_t sorted[257];
    size_t m = 0;
    sorted[m++] = 0;
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t k = 0; k < m; k++)
            if (sorted[k] == gids[i]) seen = true;
        if (!seen) sorted[m++] = gids[i];
    }
    for (size_t i = 1; i < m; i++) /* insertion sort */
        for (size_t k = i; k > 0 && sorted[k - 1] > sorted[k]; k--) {
            uint32_t t = sorted[k];
            sorted[k] = sorted[k - 1];
            sorted[k - 1] = t;
        }

    FT_Library lib;
    FT_Face orig, sub;
    assert_int_equal(FT_Init_FreeType(&lib), 0);
    assert_int_equal(FT_New_Face(lib, path, (FT_Long)f->face_index, &orig), 0);
    assert_int_equal(FT_New_Memory_Face(lib, prog, (FT_Long)len, 0, &sub), 0);
    /* (for a bare CID-keyed CFF, FreeType counts and loads glyphs by CID) */
    assert_true(sub->num_glyphs >= (FT_Long)m);
    FT_Bool ck = 0;
    assert_int_equal(FT_Get_CID_Is_Internally_CID_Keyed(sub, &ck), 0);
    assert_true(ck);
    size_t points = 0;
    for (size_t k = 0; k < m; k++) {
        /* the glyph's id in the subset, from hb-subset's plan (.notdef stays 0) */
        uint32_t ng = 0;
        for (size_t i = 0; i < n; i++)
            if (gids[i] == sorted[k]) ng = newgid[i];
        FT_UInt cid = 0;
        assert_int_equal(FT_Get_CID_From_Glyph_Index(sub, (FT_UInt)ng, &cid), 0);
        assert_int_equal(cid, nb_font_cid_of_glyph(f, sorted[k]));
        assert_int_equal(FT_Load_Glyph(orig, sorted[k], FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING), 0);
        assert_int_equal(FT_Load_Glyph(sub, cid, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING), 0);
        FT_Outline *a = &orig->glyph->outline, *b = &sub->glyph->outline;
        assert_int_equal(a->n_points, b->n_points);
        assert_int_equal(a->n_contours, b->n_contours);
        for (int p = 0; p < a->n_points; p++) {
            assert_int_equal(a->points[p].x, b->points[p].x);
            assert_int_equal(a->points[p].y, b->points[p].y);
            assert_int_equal(a->tags[p] & 3, b->tags[p] & 3);
        }
        assert_int_equal(orig->glyph->metrics.horiAdvance, sub->glyph->metrics.horiAdvance);
        points += (size_t)a->n_points;
    }
    assert_true(points > 100 * m / 10); /* real outlines were compared */
    print_message("%s: %zu glyphs, %zu bytes, %zu points compared\n", face ? face : base(path), m,
                  len, points);
    FT_Done_Face(sub);
    FT_Done_Face(orig);
    FT_Done_FreeType(lib);
    free(prog);
    nb_fontset_free(fs);
}

static void test_cff_subset(void **state)
{
    (void)state;
    if (!need(FANG)) skip();
    const char *text =
        "本报告依据《中华人民共和国政府信息公开条例》和国务院办公厅政府信息与政务公开"
        "办公室的通知要求编制，数据统计期限自2020年1月1日起至12月31日止。";
    check_subset(FANG, NULL, text);
    /* Noto CJK: subroutinized charstrings, many FDs */
    if (access(NOTO_SERIF_B, R_OK) == 0) check_subset(NOTO_SERIF_B, "NotoSerifCJKsc-Bold", text);
    if (access(NOTO_SANS_R, R_OK) == 0) check_subset(NOTO_SANS_R, "NotoSansCJKsc-Regular", text);
}

/* Counts the glyphs a charset walk covers. */
static bool count_run(void *ctx, unsigned gid, unsigned cid, unsigned count)
{
    (void)gid;
    (void)cid;
    *(unsigned *)ctx += count;
    return true;
}

/* cff.c on real and damaged tables: FandolFang has no subroutines, Noto Sans CJK has; the
 * charset walk covers every glyph (its CIDs are checked against FreeType's for every glyph
 * by test_tables_agree_with_freetype, through nb_font_cid_of_glyph); every prefix of the
 * table and bytes changed in its first kilobyte are read within bounds
 * (each copy is malloc'd at its exact size, so AddressSanitizer sees any overrun), and a
 * table cut before its Global Subr INDEX is not read as subroutine-free. */
static void check_cff_table(const char *path, const char *face, bool want_subrs)
{
    nb_status st = NB_STATUS_INIT;
    nb_fontset *fs = nb_fontset_new();
    nb_font *f;
    assert_int_equal(nb_fontset_open(fs, path, face, &f, &st), NB_OK);
    hb_blob_t *b = hb_face_reference_table(f->hb_face, HB_TAG('C', 'F', 'F', ' '));
    unsigned len = 0;
    const unsigned char *p = (const unsigned char *)hb_blob_get_data(b, &len);
    assert_true(len > 4096);
    bool subrs = !want_subrs, ros = false;
    size_t charset = 0;
    assert_true(nb_cff_has_subrs(p, len, &subrs));
    assert_int_equal(subrs, want_subrs);
    assert_true(nb_cff_top(p, len, &ros, &charset));
    assert_true(ros);
    assert_true(charset > 0 && charset < len);
    unsigned covered = 1; /* glyph 0 */
    assert_true(nb_cff_charset(p, len, f->num_glyphs, count_run, &covered));
    assert_true(covered >= f->num_glyphs);
    for (unsigned n = 0; n < 2048; n++) {
        unsigned char *c = malloc(n ? n : 1);
        memcpy(c, p, n);
        bool cut = nb_cff_has_subrs(c, n, &subrs);
        if (n < 8) assert_false(cut);
        (void)nb_cff_top(c, n, &ros, &charset);
        covered = 0;
        (void)nb_cff_charset(c, n, f->num_glyphs, count_run, &covered);
        free(c);
    }
    unsigned char *c = malloc(len);
    unsigned seed = 12345;
    for (int k = 0; k < 3000; k++) {
        memcpy(c, p, len);
        for (int m = 0; m < 3; m++) {
            seed = seed * 1103515245u + 12345u;
            c[(seed >> 8) % 1024] = (unsigned char)(seed >> 20);
        }
        (void)nb_cff_has_subrs(c, len, &subrs);
        (void)nb_cff_top(c, len, &ros, &charset);
        covered = 0;
        (void)nb_cff_charset(c, len, f->num_glyphs, count_run, &covered);
    }
    free(c);
    hb_blob_destroy(b);
    nb_fontset_free(fs);
}

static void test_cff_reader(void **state)
{
    (void)state;
    if (!need(FANG)) skip();
    check_cff_table(FANG, NULL, false);
    if (access(NOTO_SANS_R, R_OK) == 0) check_cff_table(NOTO_SANS_R, "NotoSansCJKsc-Regular", true);
}

/* Batch preprocessing (font.h): a CFF face without subroutines qualifies, one with them
 * does not; the preprocessed face subsets to exactly the bytes of the plain one, checked
 * on every glyph of the body face and on a text's glyphs of the other default Fandol
 * faces; once adopted, the face and flags the writer gets are the preprocessed ones and
 * its subsets are still the same bytes. */
static void check_preprocessed(const char *path, bool every_glyph)
{
    nb_status st = NB_STATUS_INIT;
    nb_fontset *fs = nb_fontset_new();
    nb_font *f;
    assert_int_equal(nb_fontset_open(fs, path, NULL, &f, &st), NB_OK);
    assert_true(nb_font_preprocessable(f));
    uint32_t gids[] = {0, 5, 17, 400, 1234, 2345, 3456, 4567, 5678, 6789, 7890, 8901, 9999};
    size_t n = sizeof gids / sizeof gids[0], len_plain = 0, len_pre = 0;
    uint32_t newgid_plain[sizeof gids / sizeof gids[0]], newgid_pre[sizeof gids / sizeof gids[0]];
    unsigned char *plain = hb_cff_subset(f, gids, n, &len_plain, newgid_plain);

    hb_face_t *pre = nb_font_preprocess_make(f);
    assert_non_null(pre);
    if (every_glyph) {
        hb_set_t *all = hb_set_create();
        hb_set_add_range(all, 0, f->num_glyphs - 1);
        assert_true(nb_font_subsets_same(f, pre, all));
        hb_set_destroy(all);
    }
    assert_true(nb_font_preprocess_adopt(f, pre));
    assert_false(nb_font_preprocessable(f)); /* done */
    unsigned flags = 0;
    assert_ptr_equal(nb_font_subset_source(f, &flags), pre);
    assert_int_equal(flags, HB_SUBSET_FLAGS_NO_HINTING);
    unsigned char *fast = hb_cff_subset(f, gids, n, &len_pre, newgid_pre);
    assert_int_equal(len_pre, len_plain);
    assert_memory_equal(fast, plain, len_plain);
    assert_memory_equal(newgid_pre, newgid_plain, sizeof newgid_plain);
    free(plain);
    free(fast);
    nb_fontset_free(fs);
}

static void test_preprocessed_subsets(void **state)
{
    (void)state;
    if (!need(FANG)) skip();
    check_preprocessed(FANG, true);
    if (access(SONG_R, R_OK) == 0) check_preprocessed(SONG_R, false);
    if (access(KAI, R_OK) == 0) check_preprocessed(KAI, false);
    if (access(NOTO_SANS_R, R_OK) == 0) { /* subroutinized: never preprocessed */
        nb_status st = NB_STATUS_INIT;
        nb_fontset *fs = nb_fontset_new();
        nb_font *f;
        assert_int_equal(nb_fontset_open(fs, NOTO_SANS_R, "NotoSansCJKsc-Regular", &f, &st), NB_OK);
        assert_false(nb_font_preprocessable(f));
        nb_fontset_free(fs);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fang_by_both_family_names),
        cmocka_unit_test(test_song_bold_vs_regular),
        cmocka_unit_test(test_noto_sc_face_by_name),
        cmocka_unit_test(test_fang_cids_round_trip),
        cmocka_unit_test(test_missing_and_corrupt_files),
        cmocka_unit_test(test_override),
        cmocka_unit_test(test_map_errors),
        cmocka_unit_test(test_default_map),
        cmocka_unit_test(test_lazy_fallbacks_and_ids),
        cmocka_unit_test(test_tables_agree_with_freetype),
        cmocka_unit_test(test_cff_subset),
        cmocka_unit_test(test_preprocessed_subsets),
        cmocka_unit_test(test_cff_reader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
