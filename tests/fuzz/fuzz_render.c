/* fuzz_render.c — libFuzzer harness: a whole render to memory.
 *
 * Each input is a would-be data file.  It is parsed (nb_json_parse), checked (nb_check),
 * composed with the official layout of its edition (nb_compose) and written as a PDF to
 * memory (nb_pdf_write), as `nianbao render --force --allow-missing-glyphs` would, so that
 * data the checker rejects still reaches the layout engine; once composed, the PDF writer
 * must not fail (anything but running out of memory is a bug).  Layouts and the fontset are
 * loaded once; the font map tests/fuzz/fontmap.json points every role at one small Latin
 * font (Nimbus Sans, 80 KB) so an iteration stays fast: Chinese text becomes .notdef
 * glyphs, but shaping, line breaking, tables, pagination and the writer all run.
 */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "compose.h"
#include "font.h"
#include "jsonin.h"
#include "layout.h"
#include "pdf_write.h"

static nb_layout_spec fuzz_render_layouts[2]; /* 2019, 2021 */
static bool fuzz_render_ready;
static nb_fontset *fuzz_render_fonts;
static FILE *fuzz_render_sink;
static bool fuzz_render_debug; /* NB_FUZZ_DEBUG=1: say how far each input got (triage) */

static void fuzz_render_note(const char *stage, const nb_status *st)
{
    if (fuzz_render_debug) fprintf(stderr, "fuzz_render: %s: %s\n", stage, st ? st->msg : "ok");
}

static void fuzz_render_die(const nb_status *st)
{
    fprintf(stderr, "fuzz_render: set-up failed: %s\n", st->msg);
    abort();
}

static void fuzz_render_init(void)
{
    if (fuzz_render_ready) return;
    nb_status st = NB_STATUS_INIT;
    if (nb_layout_spec_load(NB_FUZZ_SRCDIR "/layouts/gov-annual-2019.json", &fuzz_render_layouts[0],
                            &st) ||
        nb_layout_spec_load(NB_FUZZ_SRCDIR "/layouts/gov-annual-2021.json", &fuzz_render_layouts[1],
                            &st))
        fuzz_render_die(&st);
    const char *map = getenv("NB_FUZZ_FONTMAP");
    fuzz_render_fonts = nb_fontset_new();
    if (!fuzz_render_fonts) abort();
    if (nb_fontset_load_map(fuzz_render_fonts,
                            map && *map ? map : NB_FUZZ_SRCDIR "/tests/fuzz/fontmap.json", &st) ||
        nb_fontset_prepare(fuzz_render_fonts, NULL, 0, &st))
        fuzz_render_die(&st);
    fuzz_render_sink = fopen("/dev/null", "w");
    const char *dbg = getenv("NB_FUZZ_DEBUG");
    fuzz_render_debug = dbg && *dbg && strcmp(dbg, "0") != 0;
    fuzz_render_ready = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_render_init();
    nb_status st = NB_STATUS_INIT;
    nb_json_doc doc;
    if (nb_json_parse("fuzz.json", (const char *)data, size, &doc, &st)) {
        fuzz_render_note("parse", &st);
        return 0;
    }
    const cJSON *ed = cJSON_GetObjectItemCaseSensitive(doc.root, "edition");
    const nb_layout_spec *spec = NULL;
    if (cJSON_IsString(ed) && strcmp(ed->valuestring, "2019") == 0) spec = &fuzz_render_layouts[0];
    if (cJSON_IsString(ed) && strcmp(ed->valuestring, "2021") == 0) spec = &fuzz_render_layouts[1];
    nb_findings f = {0};
    nb_code rc = nb_check(doc.root, NULL, &f, &st);
    nb_findings_free(&f);
    fuzz_render_note("check", rc ? &st : NULL);
    if (spec && (rc == NB_OK || rc == NB_ERR_DATA)) {
        nb_status_clear(&st);
        nb_layout layout;
        nb_layout_init(&layout);
        nb_compose_opts co = {true, fuzz_render_sink, "fuzz.json"};
        if (nb_compose(spec, doc.root, fuzz_render_fonts, &co, &layout, NULL, &st) == NB_OK) {
            fuzz_render_note("compose", NULL);
            /* Metadata from the data, as render.c takes it. */
            const cJSON *title = cJSON_GetObjectItemCaseSensitive(doc.root, "title");
            const cJSON *body = cJSON_GetObjectItemCaseSensitive(doc.root, "body");
            nb_pdf_meta meta = {.title = cJSON_IsString(title) ? title->valuestring : NULL,
                                .author = cJSON_IsString(body) ? body->valuestring : NULL,
                                .subject = "fuzz",
                                .creator = "nianbao fuzz",
                                .date = 0};
            /* Alternate PDF/A on and off with the input's length, to cover both writers. */
            nb_pdf_opts po = {(size & 1) == 0, true, true, 2}; /* fonts on two threads */
            nb_pdf_bytes pdf;
            if (nb_pdf_write(&layout, &meta, &po, &pdf, NULL, &st) == NB_OK) {
                if (pdf.len < 8 || memcmp(pdf.data, "%PDF-", 5) != 0) __builtin_trap();
                if (fuzz_render_debug)
                    fprintf(stderr, "fuzz_render: pdf: %zu pages, %zu bytes\n", layout.npages,
                            pdf.len);
                nb_pdf_bytes_free(&pdf);
            } else {
                /* What composed must be writable: the writer failing is a bug (e.g. libharu
                 * refusing a string), unless memory ran out. */
                fprintf(stderr, "fuzz_render: the PDF writer failed: %s\n", st.msg);
                if (st.code != NB_ERR_NOMEM) __builtin_trap();
            }
        } else {
            fuzz_render_note("compose", &st);
            if (st.msg[0] == '\0') __builtin_trap();
        }
        nb_layout_free(&layout);
    }
    nb_json_free(&doc);
    return 0;
}
