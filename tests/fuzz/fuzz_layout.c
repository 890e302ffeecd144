/* fuzz_layout.c — libFuzzer harness: the layout reader, and a render with what it accepts.
 *
 * Each input is a would-be layout file, parsed and validated by nb_layout_spec_parse.  A
 * spec that passes must be self-consistent (every style a block names exists), which the
 * harness checks, since later stages rely on it; it is then used to compose a real report
 * (samples/county-bureau-2021.json) and write the PDF to memory, so hostile geometry (rows
 * taller than a page, headers that never fit, huge type, negative measures) meets the
 * layout engine.  Fonts: tests/fuzz/fontmap.json (one small Latin font, loaded once).
 * Nothing may crash, leak or hang.
 */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose.h"
#include "font.h"
#include "jsonin.h"
#include "layout.h"
#include "pdf_write.h"

static nb_fontset *fuzz_layout_fonts;
static nb_json_doc fuzz_layout_data;
static FILE *fuzz_layout_sink;
static bool fuzz_layout_debug; /* NB_FUZZ_DEBUG=1: say how far each input got (triage) */

static void fuzz_layout_init(void)
{
    if (fuzz_layout_sink) return;
    nb_status st = NB_STATUS_INIT;
    fuzz_layout_fonts = nb_fontset_new();
    if (!fuzz_layout_fonts ||
        nb_fontset_load_map(fuzz_layout_fonts, NB_FUZZ_SRCDIR "/tests/fuzz/fontmap.json", &st) ||
        nb_json_load(NB_FUZZ_SRCDIR "/samples/county-bureau-2021.json", &fuzz_layout_data, &st)) {
        fprintf(stderr, "fuzz_layout: set-up failed: %s\n", st.msg);
        abort();
    }
    fuzz_layout_sink = fopen("/dev/null", "w");
    const char *dbg = getenv("NB_FUZZ_DEBUG");
    fuzz_layout_debug = dbg && *dbg && strcmp(dbg, "0") != 0;
}

static void fuzz_layout_check_style(const nb_layout_spec *s, const char *name)
{
    if (name && !nb_layout_style(s, name)) __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_layout_init();
    nb_status st = NB_STATUS_INIT;
    nb_layout_spec spec;
    if (nb_layout_spec_parse("fuzz-layout.json", (const char *)data, size,
                             NB_FUZZ_SRCDIR "/layouts", &spec, &st)) {
        if (st.msg[0] == '\0') __builtin_trap();
        if (fuzz_layout_debug) fprintf(stderr, "fuzz_layout: parse: %s\n", st.msg);
        return 0;
    }
    if (!spec.fontmap || spec.nstyles == 0 || spec.nblocks == 0) __builtin_trap();
    for (size_t i = 0; i < spec.nblocks; i++) {
        const nb_block_spec *b = &spec.blocks[i];
        if (!b->style) __builtin_trap(); /* every block has a style */
        fuzz_layout_check_style(&spec, b->style);
        fuzz_layout_check_style(&spec, b->heading_style);
        if (b->kind == NB_BLOCK_TABLE && b->table) {
            fuzz_layout_check_style(&spec, b->table->style);
            fuzz_layout_check_style(&spec, b->table->header_style);
        }
    }
    nb_layout layout;
    nb_layout_init(&layout);
    nb_compose_opts co = {true, fuzz_layout_sink, "county-bureau-2021.json"};
    if (nb_compose(&spec, fuzz_layout_data.root, fuzz_layout_fonts, &co, &layout, NULL, &st) ==
        NB_OK) {
        nb_pdf_meta meta = {.title = "fuzz", .creator = "nianbao fuzz", .date = 0};
        nb_pdf_opts po = {false, true, true, 1};
        nb_pdf_bytes pdf;
        if (nb_pdf_write(&layout, &meta, &po, &pdf, NULL, &st) == NB_OK) {
            if (fuzz_layout_debug)
                fprintf(stderr, "fuzz_layout: pdf: %zu pages, %zu bytes\n", layout.npages, pdf.len);
            nb_pdf_bytes_free(&pdf);
        } else {
            /* What composed must be writable: the writer failing is a bug. */
            fprintf(stderr, "fuzz_layout: the PDF writer failed: %s\n", st.msg);
            if (st.code != NB_ERR_NOMEM) __builtin_trap();
        }
    } else if (st.msg[0] == '\0') {
        __builtin_trap();
    }
    if (st.code && fuzz_layout_debug) fprintf(stderr, "fuzz_layout: render: %s\n", st.msg);
    nb_layout_free(&layout);
    nb_layout_spec_free(&spec);
    return 0;
}
