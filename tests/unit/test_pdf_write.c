/* test_pdf_write.c — the PDF writer, checked with real tools (poppler-utils, qpdf).
 *
 * Builds small layouts by hand with FandolFang (CID-keyed CFF), LXGW WenKai (TrueType) and
 * Noto Serif CJK SC Bold (CFF in a .ttc), writes them and asks pdffonts / pdftotext /
 * pdfinfo / qpdf what they see.  Also checks the codes written for CID-keyed CFF are the
 * glyphs' CIDs, determinism and the ICC profile's structure.
 * The document and its rendered page are left at BINDIR/test_pdf_write.pdf and
 * BINDIR/test_pdf_write_page-1.png for a human to look at.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <harfbuzz/hb.h>
#include <hpdf.h>
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "box.h"
#include "font.h"
#include "pdf_hpdf.h"
#include "pdf_stream.h"
#include "pdf_write.h"
#include "pdfa.h"

#define FANDOL NB_TEST_SRCDIR "/deps/fandol/FandolFang-Regular.otf"
#define WENKAI "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
#define NOTO "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"

static const char *LINE_FANG = "本报告依据《中华人民共和国政府信息公开条例》编制。";
static const char *LINE_KAI = "政府信息公开工作年度报告 2020";
static const char *LINE_NOTO = "一、总体情况";

typedef struct fixture {
    nb_fontset *fs;
    nb_font *fang, *kai, *noto;
    char dir[64];
} fixture;

static fixture *FX;

/* ---- helpers ---------------------------------------------------------------------------- */

static uint32_t utf8_decode(const char *s, size_t *len)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80) return *len = 1, u[0];
    if ((u[0] & 0xE0) == 0xC0) return *len = 2, ((u[0] & 0x1Fu) << 6) | (u[1] & 0x3Fu);
    if ((u[0] & 0xF0) == 0xE0)
        return *len = 3, ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu);
    return *len = 4,
           ((u[0] & 0x07u) << 18) | ((u[1] & 0x3Fu) << 12) | ((u[2] & 0x3Fu) << 6) | (u[3] & 0x3Fu);
}

/* A text box: one glyph per character (nominal glyphs), pen advancing by the font's
 * advances; `dy_index` >= 0 raises that glyph by 3 pt. */
static nb_box *add_text(nb_layout *l, nb_page *p, const nb_font *f, float size, float x, float y,
                        const char *text, long dy_index)
{
    nb_box *b = nb_page_add_box(l, p);
    assert_non_null(b);
    b->kind = NB_BOX_TEXT;
    b->font = f;
    b->size = size;
    b->y = y;
    b->text = nb_arena_strdup(&l->arena, text);
    size_t n = strlen(text);
    b->glyphs = nb_arena_alloc(&l->arena, n * sizeof *b->glyphs);
    assert_non_null(b->glyphs);
    float pen = x;
    size_t i = 0;
    while (i < n) {
        size_t cl;
        uint32_t cp = utf8_decode(text + i, &cl);
        hb_codepoint_t gid = 0;
        assert_true(hb_font_get_nominal_glyph(f->hb_font, cp, &gid));
        nb_box_glyph *g = &b->glyphs[b->nglyphs];
        g->gid = gid;
        g->x = pen;
        g->dy = ((long)b->nglyphs == dy_index) ? 3.0f : 0.0f;
        g->text_off = (uint32_t)i;
        g->text_len = (uint32_t)cl;
        b->nglyphs++;
        pen += (float)hb_font_get_glyph_h_advance(f->hb_font, gid) * size / (float)f->units_per_em;
        i += cl;
    }
    return b;
}

static void add_rule(nb_layout *l, nb_page *p, float x0, float y, float x1, float w)
{
    nb_box *b = nb_page_add_box(l, p);
    assert_non_null(b);
    b->kind = NB_BOX_RULE;
    b->x0 = x0, b->y0 = y, b->x1 = x1, b->y1 = y, b->width = w;
}

/* The standard test document: three faces on one A4 page, a rule, an outline. */
static void build_doc(nb_layout *l)
{
    nb_layout_init(l);
    nb_page *p = nb_layout_add_page(l, 595.28f, 841.89f);
    assert_non_null(p);
    add_text(l, p, FX->noto, 22, 79.37f, 120, LINE_NOTO, -1);
    add_text(l, p, FX->kai, 18, 79.37f, 170, LINE_KAI, -1);
    add_text(l, p, FX->fang, 16, 79.37f, 220, LINE_FANG, -1);
    add_rule(l, p, 79.37f, 240, 515.91f, 0.5f);
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(nb_layout_add_outline(l, 0, "年度报告", 0, 100, &st), NB_OK);
    assert_int_equal(nb_layout_add_outline(l, 1, LINE_NOTO, 0, 120, &st), NB_OK);
}

static const nb_pdf_meta META = {
    .title = "宝丰县2020年政府信息公开工作年度报告",
    .author = "宝丰县人民政府办公室",
    .subject = "政府信息公开工作年度报告",
    .keywords = "政府信息公开, 年度报告",
    .creator = "nianbao test",
    .date = 1610668800, /* 2021-01-15 00:00:00 UTC */
};

static void write_pdf(const nb_layout *l, const nb_pdf_opts *o, nb_pdf_bytes *out)
{
    nb_status st = NB_STATUS_INIT;
    nb_pdf_timing t = {-1, -1};
    nb_code rc = nb_pdf_write(l, &META, o, out, &t, &st);
    if (rc != NB_OK) fail_msg("nb_pdf_write: %s", st.msg);
    assert_true(out->len > 1000);
    assert_memory_equal(out->data, "%PDF-1.4", 8);
    assert_true(t.subset_ms >= 0 && t.write_ms >= t.subset_ms);
}

static void save(const char *path, const nb_pdf_bytes *b)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b->data, 1, b->len, f) != b->len || fclose(f) != 0)
        fail_msg("cannot write %s", path);
}

/* Runs a shell command, returns its standard output (malloc'd) and sets *status. */
static char *run(int *status, const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    buf[len] = '\0';
    *status = pclose(p);
    return buf;
}

/* ---- set-up ------------------------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    FX = calloc(1, sizeof *FX);
    FX->fs = nb_fontset_new();
    nb_status st = NB_STATUS_INIT;
    if (nb_fontset_open(FX->fs, FANDOL, NULL, &FX->fang, &st) != NB_OK ||
        nb_fontset_open(FX->fs, WENKAI, NULL, &FX->kai, &st) != NB_OK ||
        nb_fontset_open(FX->fs, NOTO, "NotoSerifCJKsc-Bold", &FX->noto, &st) != NB_OK) {
        fprintf(stderr, "cannot open test fonts: %s\n", st.msg);
        return -1;
    }
    snprintf(FX->dir, sizeof FX->dir, "/tmp/nb_test_pdf_XXXXXX");
    if (!mkdtemp(FX->dir)) return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    int s;
    free(run(&s, "rm -rf '%s'", FX->dir));
    nb_fontset_free(FX->fs);
    free(FX);
    return 0;
}

static char *pdfa_check(int *status, const char *path, const char *mode);

/* ---- tests ------------------------------------------------------------------------------- */

static void test_fonts_text_info(void **state)
{
    (void)state;
    assert_true(FX->fang->is_cff && FX->fang->is_cid_keyed);
    assert_false(FX->kai->is_cff);
    assert_true(FX->noto->is_cff);
    nb_layout l;
    build_doc(&l);
    nb_pdf_opts o = {.pdfa = true, .compress = true, .show_outline = true};
    nb_pdf_bytes b;
    write_pdf(&l, &o, &b);
    char path[128];
    snprintf(path, sizeof path, "%s/doc.pdf", FX->dir);
    save(path, &b);
    char keep[256]; /* left for a human to inspect */
    snprintf(keep, sizeof keep, "%s/test_pdf_write.pdf", NB_TEST_BINDIR);
    save(keep, &b);

    int s;
    char *out = run(&s, "pdffonts '%s' 2>&1", path);
    assert_int_equal(s, 0);
    int n0c = 0, ntt = 0, nlines = 0;
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "name", 4) == 0 || line[0] == '-') continue;
        nlines++;
        /* subset tag: six capitals and '+' */
        for (int k = 0; k < 6; k++)
            assert_true(line[k] >= 'A' && line[k] <= 'Z');
        assert_int_equal(line[6], '+');
        if (strstr(line, "CID Type 0C")) n0c++;
        if (strstr(line, "CID TrueType")) ntt++;
        assert_non_null(strstr(line, "Identity-H"));
        if (!strstr(line, " yes yes yes ")) fail_msg("pdffonts: not emb/sub/uni: %s", line);
    }
    assert_int_equal(nlines, 3);
    assert_int_equal(n0c, 2);
    assert_int_equal(ntt, 1);
    free(out);

    out = run(&s, "pdftotext -enc UTF-8 '%s' - 2>&1", path);
    assert_int_equal(s, 0);
    char expect[512];
    snprintf(expect, sizeof expect, "%s\n%s\n%s", LINE_NOTO, LINE_KAI, LINE_FANG);
    /* the page ends with blank lines and a form feed */
    for (size_t k = strlen(out); k > 0 && (out[k - 1] == '\n' || out[k - 1] == '\f'); k--)
        out[k - 1] = '\0';
    if (strcmp(out, expect) != 0) fail_msg("pdftotext gave:\n%s\nexpected:\n%s", out, expect);
    free(out);

    out = run(&s, "qpdf --check '%s' 2>&1", path);
    if (s != 0 || !strstr(out, "No syntax or stream encoding errors")) fail_msg("qpdf: %s", out);
    free(out);

    out = run(&s, "pdfinfo '%s' 2>&1", path);
    assert_int_equal(s, 0);
    if (!strstr(out, "Page size:       595.28 x 841.89 pts")) fail_msg("pdfinfo: %s", out);
    assert_non_null(strstr(out, "Title:           宝丰县2020年政府信息公开工作年度报告"));
    assert_non_null(strstr(out, "Author:          宝丰县人民政府办公室"));
    assert_non_null(strstr(out, "Producer:        nianbao "));
    assert_non_null(strstr(out, "PDF version:     1.4"));
    assert_non_null(strstr(out, "Pages:           1"));
    free(out);

    /* Outline and PDF/A pieces as qpdf sees them. */
    out = run(&s, "qpdf --json --json-key=outlines '%s' 2>&1", path);
    assert_int_equal(s, 0);
    assert_non_null(strstr(out, "年度报告"));
    assert_non_null(strstr(out, "一、总体情况"));
    free(out);
    out = run(&s, "qpdf --qdf --object-streams=disable '%s' - 2>/dev/null | strings", path);
    assert_non_null(strstr(out, "/GTS_PDFA1"));
    assert_non_null(strstr(out, "<pdfaid:part>1</pdfaid:part>"));
    assert_non_null(strstr(out, "/CIDSet"));
    assert_non_null(strstr(out, "/PageMode /UseOutlines"));
    assert_non_null(strstr(out, "/ID ["));
    free(out);

    /* A page image for a human to look at. */
    out = run(&s,
              "pdftoppm -r 100 -png -f 1 -l 1 '%s' '%s/test_pdf_write_page' 2>&1 && "
              "ls '%s'/test_pdf_write_page*.png",
              path, NB_TEST_BINDIR, NB_TEST_BINDIR);
    assert_int_equal(s, 0);
    free(out);

    nb_pdf_bytes_free(&b);
    nb_layout_free(&l);
}

static const char *find_bytes(const void *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    const char *h = hay;
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(h + i, needle, n) == 0) return h + i;
    return NULL;
}

/* Collects the 2-byte codes of the text shown after "/<font> ... Tf" up to ET. */
static size_t codes_after(const char *pdf, size_t len, const char *font_tf, unsigned *codes,
                          size_t max)
{
    const char *p = find_bytes(pdf, len, font_tf);
    if (!p) return 0;
    const char *et = find_bytes(p, len - (size_t)(p - pdf), "ET");
    size_t n = 0;
    for (const char *q = p; q < et; q++) {
        if (*q != '<') continue;
        for (q++; *q != '>' && q + 4 <= et && n < max; q += 4) {
            char hx[5] = {q[0], q[1], q[2], q[3], 0};
            codes[n++] = (unsigned)strtoul(hx, NULL, 16);
        }
    }
    return n;
}

static void test_cid_codes(void **state)
{
    (void)state;
    /* One face per document, uncompressed, so the content stream can be read directly. */
    const nb_font *faces[] = {FX->fang, FX->noto, FX->kai};
    for (size_t fi = 0; fi < 3; fi++) {
        nb_layout l;
        nb_layout_init(&l);
        nb_page *p = nb_layout_add_page(&l, 595.28f, 841.89f);
        nb_box *bx = add_text(&l, p, faces[fi], 16, 72, 100, LINE_FANG, -1);
        nb_pdf_opts o = {.pdfa = false, .compress = false};
        nb_pdf_bytes b;
        write_pdf(&l, &o, &b);
        unsigned codes[64];
        size_t n = codes_after((const char *)b.data, b.len, "/F1 16 Tf", codes, 64);
        assert_int_equal(n, bx->nglyphs);
        for (size_t i = 0; i < n; i++) {
            unsigned gid = bx->glyphs[i].gid;
            if (faces[fi]->is_cid_keyed) {
                /* The glyph's CID in the original face's charset. */
                assert_int_equal(codes[i], nb_font_cid_of_glyph(faces[fi], gid));
            } else {
                /* Subset glyph ids: small, distinct per distinct glyph, never .notdef. */
                assert_true(codes[i] > 0 && codes[i] <= n);
                for (size_t j = 0; j < i; j++)
                    assert_true((codes[j] == codes[i]) == (bx->glyphs[j].gid == gid));
            }
        }
        /* No TJ adjustment is needed when glyphs sit at their advances (widths in whole
         * 1/1000 em for 1000-unit fonts); one is when a glyph is moved. */
        if (faces[fi]->units_per_em == 1000) assert_null(find_bytes(b.data, b.len, "> -"));
        nb_pdf_bytes_free(&b);
        /* A gap opened after the third glyph is character spacing for that glyph only,
         * and the run is marked with its text, so extractors see no word space. */
        for (size_t i = 3; i < bx->nglyphs; i++)
            bx->glyphs[i].x += 5;
        write_pdf(&l, &o, &b);
        assert_non_null(find_bytes(b.data, b.len, "\n5 Tc\n["));
        assert_non_null(find_bytes(b.data, b.len, "\n0 Tc\n["));
        assert_null(find_bytes(b.data, b.len, "312.5"));
        assert_non_null(find_bytes(b.data, b.len, "/Span <</ActualText <FEFF"));
        assert_int_equal(codes_after((const char *)b.data, b.len, "/F1 16 Tf", codes, 64),
                         bx->nglyphs);
        nb_pdf_bytes_free(&b);
        /* A glyph moved back (overlap) is a TJ displacement: +(5 pt * 1000 / 16 pt). */
        for (size_t i = 3; i < bx->nglyphs; i++)
            bx->glyphs[i].x -= 10;
        write_pdf(&l, &o, &b);
        assert_non_null(find_bytes(b.data, b.len, "312.5"));
        assert_null(find_bytes(b.data, b.len, " Tc\n"));
        assert_null(find_bytes(b.data, b.len, "ActualText"));
        nb_pdf_bytes_free(&b);
        nb_layout_free(&l);
    }
}

static void test_beyond_bmp_and_rise(void **state)
{
    (void)state;
    nb_font *f = NULL, *hana = NULL;
    nb_status fst = NB_STATUS_INIT;
    const char *hana_path = "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf";
    if (access(hana_path, R_OK) == 0 &&
        nb_fontset_open(FX->fs, hana_path, NULL, &hana, &fst) != NB_OK)
        fail_msg("cannot open %s: %s", hana_path, fst.msg);
    nb_font *cands[] = {FX->fang, FX->kai, FX->noto, hana};
    for (int i = 0; i < 4 && !f; i++)
        if (cands[i] && nb_font_has_char(cands[i], 0x20000)) f = cands[i];
    nb_layout l;
    nb_layout_init(&l);
    nb_page *p = nb_layout_add_page(&l, 595.28f, 841.89f);
    const char *text = "注𠀀1";
    nb_box *bx;
    if (f) {
        bx = add_text(&l, p, f, 14, 72, 100, text, 2); /* "1" raised */
    } else {
        /* No test font has U+20000: draw 口 but let its ToUnicode entry say U+20000, which
         * still exercises the surrogate pair. */
        fprintf(stderr, "(no test font has U+20000: a stand-in glyph maps to it)\n");
        bx = add_text(&l, p, FX->kai, 14, 72, 100, "注口1", 2);
        bx->text = nb_arena_strdup(&l.arena, text);
        bx->glyphs[1].text_len = 4;
        bx->glyphs[2].text_off = 7;
    }
    /* One glyph standing for two characters (as a ligature would) maps to both. */
    add_text(&l, p, FX->fang, 14, 72, 140, "公", -1)->text = "公开";
    l.pages[0].boxes[1].glyphs[0].text_len = 6;
    nb_pdf_opts o = {.pdfa = true, .compress = true};
    nb_pdf_bytes b;
    write_pdf(&l, &o, &b);
    char path[128];
    snprintf(path, sizeof path, "%s/ext.pdf", FX->dir);
    save(path, &b);
    int s;
    char *out = run(&s, "pdftotext -enc UTF-8 '%s' - 2>&1", path);
    if (!strstr(out, text)) fail_msg("pdftotext gave '%s', expected '%s'", out, text);
    if (!strstr(out, "公开")) fail_msg("pdftotext gave '%s', expected '公开'", out);
    free(out);
    out = pdfa_check(&s, path, "pdfa"); /* the TrueType CIDSet, widths, surrogate ToUnicode */
    if (s != 0) fail_msg("PDF/A checker: %s", out);
    free(out);
    nb_pdf_bytes_free(&b);
    /* The raised glyph is set with a text rise that is reset afterwards. */
    o.compress = false;
    write_pdf(&l, &o, &b);
    const char *rise = find_bytes(b.data, b.len, "] TJ\n3 Ts\n[");
    assert_non_null(rise);
    assert_non_null(find_bytes(rise, b.len - (size_t)(rise - (const char *)b.data), "0 Ts\nET"));
    nb_pdf_bytes_free(&b);
    nb_layout_free(&l);
}

/* A name-keyed CFF face (codes are subset glyph ids); skipped when the URW fonts are absent. */
static void test_name_keyed_cff(void **state)
{
    (void)state;
    const char *nimbus = "/usr/share/fonts/opentype/urw-base35/NimbusRoman-Regular.otf";
    if (access(nimbus, R_OK) != 0) {
        fprintf(stderr, "(no %s: name-keyed CFF not checked)\n", nimbus);
        return;
    }
    nb_font *f = NULL;
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(nb_fontset_open(FX->fs, nimbus, NULL, &f, &st), NB_OK);
    assert_true(f->is_cff && !f->is_cid_keyed);
    nb_layout l;
    nb_layout_init(&l);
    nb_page *p = nb_layout_add_page(&l, 595.28f, 841.89f);
    const char *line = "Annual Report (2020) on Government Information";
    nb_box *bx = add_text(&l, p, f, 20, 72, 100, line, -1);
    nb_pdf_opts o = {.pdfa = true, .compress = false};
    nb_pdf_bytes b;
    write_pdf(&l, &o, &b);
    unsigned codes[64];
    size_t n = codes_after((const char *)b.data, b.len, "/F1 20 Tf", codes, 64);
    assert_int_equal(n, bx->nglyphs);
    for (size_t i = 0; i < n; i++) {
        assert_true(codes[i] > 0 && codes[i] <= n); /* subset glyph ids */
        for (size_t j = 0; j < i; j++)
            assert_true((codes[j] == codes[i]) == (bx->glyphs[j].gid == bx->glyphs[i].gid));
    }
    char path[256];
    snprintf(path, sizeof path, "%s/test_pdf_write_latin.pdf", NB_TEST_BINDIR);
    save(path, &b);
    int s;
    char *out = run(&s, "pdffonts '%s' | tail -1", path);
    assert_non_null(strstr(out, "CID Type 0C"));
    assert_non_null(strstr(out, " yes yes yes "));
    free(out);
    out = run(&s, "pdftotext -enc UTF-8 '%s' - 2>&1", path);
    if (!strstr(out, line)) fail_msg("pdftotext gave '%s'", out);
    free(out);
    out = run(&s, "pdftoppm -r 100 -png -f 1 -l 1 '%s' '%s/test_pdf_write_latin' 2>&1", path,
              NB_TEST_BINDIR);
    assert_int_equal(s, 0);
    free(out);
    nb_pdf_bytes_free(&b);
    nb_layout_free(&l);
}

static void test_deterministic(void **state)
{
    (void)state;
    nb_layout l;
    build_doc(&l);
    nb_pdf_opts o = {.pdfa = true, .compress = true, .show_outline = true};
    nb_pdf_bytes a, b;
    write_pdf(&l, &o, &a);
    write_pdf(&l, &o, &b); /* the same open faces, subset again */
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    nb_pdf_bytes_free(&b);
    /* The faces prepared on one thread or on three: the same bytes. */
    for (int threads = 1; threads <= 3; threads += 2) {
        nb_pdf_opts ot = o;
        ot.threads = threads;
        write_pdf(&l, &ot, &b);
        assert_int_equal(a.len, b.len);
        assert_memory_equal(a.data, b.data, a.len);
        nb_pdf_bytes_free(&b);
    }
    /* A different text changes the bytes (and the trailer ID). */
    nb_page *p = &l.pages[0];
    add_text(&l, p, FX->fang, 12, 72, 400, "附", -1);
    write_pdf(&l, &o, &b);
    assert_true(a.len != b.len || memcmp(a.data, b.data, a.len) != 0);
    nb_pdf_bytes_free(&a);
    nb_pdf_bytes_free(&b);
    nb_layout_free(&l);
}

static void test_icc_profile(void **state)
{
    (void)state;
    size_t len = 0;
    unsigned char *p = nb_pdfa_icc_profile(&len);
    assert_non_null(p);
#define BE32(q) ((uint32_t)(q)[0] << 24 | (uint32_t)(q)[1] << 16 | (uint32_t)(q)[2] << 8 | (q)[3])
    assert_int_equal(BE32(p), len);
    assert_memory_equal(p + 36, "acsp", 4);
    assert_memory_equal(p + 12, "mntr", 4);
    assert_memory_equal(p + 16, "RGB ", 4);
    assert_memory_equal(p + 20, "XYZ ", 4);
    uint32_t ntags = BE32(p + 128);
    const char *want[] = {"desc", "cprt", "wtpt", "rXYZ", "gXYZ", "bXYZ", "rTRC", "gTRC", "bTRC"};
    int found = 0;
    for (uint32_t i = 0; i < ntags; i++) {
        const unsigned char *e = p + 132 + 12 * i;
        uint32_t off = BE32(e + 4), sz = BE32(e + 8);
        assert_true(off % 4 == 0 && off >= 132 + 12 * ntags && off + sz <= len);
        for (int k = 0; k < 9; k++)
            if (memcmp(e, want[k], 4) == 0) found++;
        /* each tag's data starts with its type signature */
        if (!memcmp(e, "desc", 4)) assert_memory_equal(p + off, "desc", 4);
        if (!memcmp(e + 1, "XYZ", 3)) assert_memory_equal(p + off, "XYZ ", 4);
        if (!memcmp(e + 1, "TRC", 3)) assert_memory_equal(p + off, "curv", 4);
    }
    assert_int_equal(found, 9);
    free(p);
}

static void test_errors(void **state)
{
    (void)state;
    nb_layout l;
    nb_layout_init(&l);
    nb_pdf_opts o = {.pdfa = true, .compress = true};
    nb_pdf_bytes b;
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(nb_pdf_write(&l, &META, &o, &b, NULL, &st), NB_ERR_PDF); /* no pages */
    nb_page *p = nb_layout_add_page(&l, 595.28f, 841.89f);
    nb_box *bx = add_text(&l, p, FX->fang, 12, 72, 100, "年", -1);
    bx->glyphs[0].gid = 70000; /* not in the face */
    nb_status_clear(&st);
    assert_int_equal(nb_pdf_write(&l, &META, &o, &b, NULL, &st), NB_ERR_PDF);
    assert_non_null(strstr(st.msg, "70000"));
    assert_null(b.data);
    nb_layout_free(&l);
}

/* One stream written through a packer into a libharu document, as text
 * (nb_pdf_stream_put) or as a font program (nb_pack_font, then nb_pdf_stream_put_packed,
 * as pdf_font.c does), and read back from the saved bytes: its dictionary says
 * /Filter /FlateDecode exactly when it was compressed (an empty stream is not, nor one
 * that would not shrink), and the bytes inflate to the data. */
enum { AS_TEXT, AS_FONT };
static void stream_round_trip(bool compress, int as, const unsigned char *data, size_t n,
                              bool want_filter, size_t *stored)
{
    nb_status st = NB_STATUS_INIT;
    nb_hpdf h = {0};
    assert_int_equal(nb_hpdf_open(&h, &st), NB_OK);
    HPDF_Dict d = nb_hpdf_stream_dict(&h);
    assert_non_null(d);
    assert_int_equal(HPDF_Dict_Add(nb_hpdf_catalog(&h), "NBTest", d), HPDF_OK);
    nb_packer *pk = nb_packer_new(compress);
    assert_non_null(pk);
    if (as == AS_FONT) {
        nb_packed pd;
        assert_int_equal(nb_pack_font(compress, data, n, &pd, &st), NB_OK);
        assert_int_equal(nb_pdf_stream_put_packed(&h, d, &pd, "test data", &st), NB_OK);
        assert_null(pd.data);
    } else {
        assert_int_equal(nb_pdf_stream_put(pk, &h, d, data, n, "test data", &st), NB_OK);
    }
    unsigned char *saved = NULL;
    size_t size = 0;
    assert_int_equal(nb_hpdf_save(&h, &saved, &size, &st), NB_OK);
    assert_memory_equal(saved, "%PDF-1.4", 8);
    char *out = malloc(size + 1);
    memcpy(out, saved, size);
    free(saved);
    out[size] = 0;
    /* our stream is the one whose dictionary has no /Type */
    const char *sp = NULL;
    for (const char *q = out; (q = find_bytes(q, size - (size_t)(q - out), "stream\r\n")); q++) {
        const char *dict = q;
        while (dict > out && !(dict[0] == '<' && dict[1] == '<'))
            dict--;
        if (!find_bytes(dict, (size_t)(q - dict), "/Type")) {
            sp = q + 8;
            bool filter = find_bytes(dict, (size_t)(q - dict), "/Filter /FlateDecode") != NULL;
            assert_true(filter == want_filter);
            break;
        }
    }
    assert_non_null(sp);
    const char *end = find_bytes(sp, size - (size_t)(sp - out), "\nendstream");
    assert_non_null(end);
    *stored = (size_t)(end - sp);
    if (want_filter) {
        unsigned char *back = malloc(n + 1);
        size_t back_n = 0;
        struct libdeflate_decompressor *z = libdeflate_alloc_decompressor();
        assert_int_equal(libdeflate_zlib_decompress(z, sp, *stored, back, n + 1, &back_n),
                         LIBDEFLATE_SUCCESS);
        assert_int_equal(back_n, n);
        assert_memory_equal(back, data, n);
        libdeflate_free_decompressor(z);
        free(back);
    } else {
        assert_int_equal(*stored, n);
        assert_memory_equal(sp, data, n);
    }
    free(out);
    nb_packer_free(pk);
    nb_hpdf_close(&h);
}

/* The adapter's error messages: an object-layer failure (recorded only in the document's
 * error state) and a public-API failure (reported through the handler) both become one
 * NB_ERR_PDF message with libharu's error in words, its code and detail, and the first
 * error wins. */
static void test_hpdf_errors(void **state)
{
    (void)state;
    nb_status st = NB_STATUS_INIT;
    nb_hpdf h = {0};
    assert_int_equal(nb_hpdf_open(&h, &st), NB_OK);
    assert_int_not_equal(HPDF_Dict_Add(nb_hpdf_catalog(&h), "X", NULL), HPDF_OK);
    assert_int_equal(h.error, 0); /* the object layer does not call the handler */
    assert_int_equal(nb_hpdf_fail(&h, &st, "add /%s", "X"), NB_ERR_PDF);
    assert_string_equal(st.msg, "PDF writer: cannot add /X: libharu: an object is missing or "
                                "invalid (error 0x1033, detail 0)");
    nb_hpdf_close(&h);
    assert_null(h.doc);

    nb_status_clear(&st);
    assert_int_equal(nb_hpdf_open(&h, &st), NB_OK);
    assert_int_not_equal(HPDF_SetPageMode(h.doc, (HPDF_PageMode)99), HPDF_OK);
    assert_int_equal(h.error, HPDF_PAGE_MODE_OUT_OF_RANGE);
    assert_int_not_equal(HPDF_Dict_Add(nb_hpdf_catalog(&h), "Y", NULL), HPDF_OK);
    assert_int_equal(nb_hpdf_fail(&h, &st, "set the page mode"), NB_ERR_PDF);
    char want[160];
    snprintf(want, sizeof want,
             "PDF writer: cannot set the page mode: libharu: an error nianbao does not name (see "
             "libharu's hpdf_error.h) (error 0x%04lX, detail 99)",
             (unsigned long)HPDF_PAGE_MODE_OUT_OF_RANGE);
    assert_string_equal(st.msg, want);
    nb_hpdf_close(&h);
    nb_hpdf_close(&h); /* twice is harmless */
    assert_string_equal(nb_hpdf_error_text(HPDF_FAILD_TO_ALLOC_MEM), "out of memory");
}

static void test_stream_packing(void **state)
{
    (void)state;
    size_t n = 64 * 1024, text_z, font_z, raw;
    unsigned char *text = malloc(n), *skewed = malloc(n), *noise = malloc(n);
    uint32_t x = 1;
    for (size_t i = 0; i < n; i++) {
        text[i] = (unsigned char)"0 g 0 G 0 J\nBT\n/F1 16 Tf\n[<0427041106e1>] TJ\nET\n"[i % 48];
        x = x * 1103515245u + 12345u;
        noise[i] = (unsigned char)(x >> 23);
        /* like a charstring: few repeats, but some bytes far more common than others */
        skewed[i] = (unsigned char)((x >> 20) % 7 == 0 ? x >> 24 : 139 + (x >> 24) % 24);
    }
    stream_round_trip(true, AS_TEXT, text, n, true, &text_z);
    assert_true(text_z < n / 20); /* repetitive text compresses */
    stream_round_trip(true, AS_FONT, skewed, n, true, &font_z);
    assert_true(font_z < n * 3 / 4); /* literals alone: the common bytes get short codes */
    stream_round_trip(true, AS_FONT, noise, n, false, &raw);
    assert_int_equal(raw, n); /* would not shrink: stored as it is, no /Filter */
    stream_round_trip(false, AS_TEXT, text, n, false, &raw);
    assert_int_equal(raw, n);
    stream_round_trip(true, AS_TEXT, text, 0, false, &raw); /* nothing to compress */
    stream_round_trip(true, AS_FONT, text, 0, false, &raw);
    free(text);
    free(skewed);
    free(noise);
}

/* Runs the PDF/A-1b checker of tests/e2e/archive_pdfa.sh on `path`; returns its output. */
static char *pdfa_check(int *status, const char *path, const char *mode)
{
    return run(status, "bash '%s/tests/e2e/archive_pdfa.sh' --check '%s' %s 2>&1", NB_TEST_SRCDIR,
               path, mode);
}

static void test_dates(void **state)
{
    (void)state;
    char pdf[32], xmp[32];
    nb_pdfa_dates(1700000000, pdf, xmp);
    assert_string_equal(pdf, "D:20231114221320+00'00'");
    assert_string_equal(xmp, "2023-11-14T22:13:20+00:00");
    nb_pdfa_dates(0, pdf, xmp);
    assert_string_equal(pdf, "D:19700101000000+00'00'");
    assert_string_equal(xmp, "1970-01-01T00:00:00+00:00");
    /* The XMP carries the same instant as Info, and none when there is no date. */
    nb_pdf_meta m = META;
    size_t len = 0;
    char *x = nb_pdfa_xmp(&m, "prod", &len);
    assert_non_null(x);
    assert_int_equal(strlen(x), len);
    assert_non_null(strstr(x, "<xmp:CreateDate>2021-01-15T00:00:00+00:00</xmp:CreateDate>"));
    assert_non_null(strstr(x, "<xmp:ModifyDate>2021-01-15T00:00:00+00:00</xmp:ModifyDate>"));
    free(x);
    m.date = NB_PDF_NO_DATE;
    x = nb_pdfa_xmp(&m, "prod", &len);
    assert_null(strstr(x, "Date>"));
    free(x);
}

/* Metadata with XML specials, control characters, invalid UTF-8 and a character beyond the
 * BMP: Info and XMP still agree (the PDF/A checker compares them), the XMP is well-formed. */
static void test_metadata_consistency(void **state)
{
    (void)state;
    nb_layout l;
    build_doc(&l);
    nb_pdf_meta m = META;
    m.title = "A&B <C> \"q\" 'r'\t\x01\r\n𠀀年报";
    m.author = "bad \xff\xc0\x80 bytes \xe5\xb9";
    m.keywords = NULL;
    nb_pdf_opts o = {.pdfa = true, .compress = true, .show_outline = true};
    nb_pdf_bytes b;
    nb_status st = NB_STATUS_INIT;
    assert_int_equal(nb_pdf_write(&l, &m, &o, &b, NULL, &st), NB_OK);
    char path[128];
    snprintf(path, sizeof path, "%s/meta.pdf", FX->dir);
    save(path, &b);
    int s;
    char *out = pdfa_check(&s, path, "pdfa");
    if (s != 0) fail_msg("PDF/A checker: %s", out);
    free(out);
    out = run(&s, "pdfinfo '%s' 2>&1", path);
    assert_int_equal(s, 0);
    if (!strstr(out, "Title:           A&B <C> \"q\" 'r'    𠀀年报\n"))
        fail_msg("pdfinfo: %s", out);
    if (!strstr(out,
                "Author:          bad \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd bytes \xef\xbf\xbd"))
        fail_msg("pdfinfo: %s", out);
    assert_null(strstr(out, "Keywords:"));
    free(out);
    out = run(&s, "pdfinfo -meta '%s' 2>&1", path);
    assert_non_null(strstr(out, "A&amp;B &lt;C&gt; &quot;q&quot; 'r'    𠀀年报"));
    free(out);
    nb_pdf_bytes_free(&b);
    /* No date: neither Info nor XMP has one, and the file is still PDF/A. */
    m.date = NB_PDF_NO_DATE;
    assert_int_equal(nb_pdf_write(&l, &m, &o, &b, NULL, &st), NB_OK);
    save(path, &b);
    out = run(&s, "pdfinfo '%s' 2>&1; pdfinfo -meta '%s'", path, path);
    assert_null(strstr(out, "CreationDate"));
    assert_null(strstr(out, "ModDate"));
    assert_null(strstr(out, "CreateDate"));
    free(out);
    out = pdfa_check(&s, path, "pdfa");
    if (s != 0) fail_msg("PDF/A checker (no date): %s", out);
    free(out);
    nb_pdf_bytes_free(&b);
    nb_layout_free(&l);
}

/* pdfa = false: no OutputIntent, no pdfaid, no CIDSet; pdfa = true: all of them, XMP
 * unfiltered even with compression on. */
static void test_pdfa_switch(void **state)
{
    (void)state;
    nb_layout l;
    build_doc(&l);
    nb_pdf_opts o = {.pdfa = false, .compress = true, .show_outline = true};
    nb_pdf_bytes b;
    write_pdf(&l, &o, &b);
    assert_null(find_bytes(b.data, b.len, "/OutputIntents"));
    assert_null(find_bytes(b.data, b.len, "pdfaid"));
    assert_null(find_bytes(b.data, b.len, "/CIDSet"));
    char path[128];
    snprintf(path, sizeof path, "%s/plain.pdf", FX->dir);
    save(path, &b);
    int s;
    char *out = pdfa_check(&s, path, "plain");
    if (s != 0) fail_msg("plain checks: %s", out);
    free(out);
    nb_pdf_bytes_free(&b);
    o.pdfa = true;
    write_pdf(&l, &o, &b);
    assert_non_null(find_bytes(b.data, b.len, "/OutputIntents"));
    assert_non_null(find_bytes(b.data, b.len, "<pdfaid:part>1</pdfaid:part>")); /* not Flate */
    assert_non_null(find_bytes(b.data, b.len, "/CIDSet"));
    /* Binary comment on line 2: four bytes above 127. */
    const unsigned char *p2 = memchr(b.data, '\n', b.len);
    assert_non_null(p2);
    assert_int_equal(p2[1], '%');
    for (int k = 2; k < 6; k++)
        assert_true(p2[k] > 127);
    assert_null(find_bytes(b.data, b.len, "/Encrypt"));
    nb_pdf_bytes_free(&b);
    nb_layout_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_icc_profile),
        cmocka_unit_test(test_fonts_text_info),
        cmocka_unit_test(test_cid_codes),
        cmocka_unit_test(test_beyond_bmp_and_rise),
        cmocka_unit_test(test_name_keyed_cff),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_metadata_consistency),
        cmocka_unit_test(test_pdfa_switch),
        cmocka_unit_test(test_stream_packing),
        cmocka_unit_test(test_hpdf_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
