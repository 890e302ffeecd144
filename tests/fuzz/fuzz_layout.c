/* fuzz_layout.c — libFuzzer harness: the layout reader.
 *
 * Each input is a would-be layout file, parsed and validated by nb_layout_spec_parse.  A
 * spec that passes must be self-consistent (every style a block names exists), which the
 * harness checks, since later stages rely on it.  Nothing may crash, leak or hang.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "layout.h"

static void fuzz_layout_check_style(const nb_layout_spec *s, const char *name)
{
    if (name && !nb_layout_style(s, name)) __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nb_status st = NB_STATUS_INIT;
    nb_layout_spec spec;
    if (nb_layout_spec_parse("fuzz-layout.json", (const char *)data, size,
                             NB_FUZZ_SRCDIR "/layouts", &spec, &st)) {
        if (st.msg[0] == '\0') __builtin_trap();
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
    nb_layout_spec_free(&spec);
    return 0;
}
