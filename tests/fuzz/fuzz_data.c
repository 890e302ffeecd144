/* fuzz_data.c — libFuzzer harness: the data reader and the checker.
 *
 * Each input is a would-be data file.  It goes through nb_json_parse (encoding, BOM,
 * depth and size limits, syntax), then nb_check (structure, types, every rule) and the
 * findings printers.  The same input is also checked as "last year's report" of a fixed
 * sample, so the cross-year rules see hostile input too.  Nothing may crash, leak or hang;
 * a failure must come back as a status with a message, and a syntax error with what was
 * expected at its place (the diagnosis in jsonin.c agrees with cJSON on where the text goes
 * wrong).
 */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "jsonin.h"

static FILE *fuzz_data_sink;
static nb_json_doc fuzz_data_base;

static void fuzz_data_init(void)
{
    if (fuzz_data_sink) return;
    fuzz_data_sink = fopen("/dev/null", "w");
    nb_status st = NB_STATUS_INIT;
    if (nb_json_load(NB_FUZZ_SRCDIR "/samples/pair-2022.json", &fuzz_data_base, &st))
        fprintf(stderr, "fuzz_data: %s (cross-year part skipped)\n", st.msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_data_init();
    nb_status st = NB_STATUS_INIT;
    nb_json_doc doc;
    if (nb_json_parse("fuzz.json", (const char *)data, size, &doc, &st)) {
        if (st.msg[0] == '\0') __builtin_trap(); /* every failure has a message */
        /* Every syntax error cJSON finds, the reader's own scan finds too and says what was
         * expected: the bare "near '...'" message is only for cJSON failing otherwise (out of
         * memory), which does not happen here. */
        size_t line, col;
        int k = 0;
        if (sscanf(st.msg, "fuzz.json:%zu:%zu: JSON syntax error near '%n", &line, &col, &k) == 2 &&
            k > 0 && !strstr(st.msg + k, "' — "))
            __builtin_trap();
        return 0;
    }
    nb_findings f = {0};
    nb_status_clear(&st);
    if (nb_check(doc.root, NULL, &f, &st) == NB_OK) {
        nb_findings_print(&f, "fuzz.json", fuzz_data_sink);
        nb_findings_print_json(&f, "fuzz.json", fuzz_data_sink);
    } else if (st.msg[0] == '\0') {
        __builtin_trap();
    }
    nb_findings_free(&f);
    if (fuzz_data_base.root) {
        nb_findings g = {0};
        nb_status_clear(&st);
        if (nb_check(fuzz_data_base.root, doc.root, &g, &st) == NB_OK)
            nb_findings_print(&g, "base.json", fuzz_data_sink);
        nb_findings_free(&g);
    }
    nb_json_free(&doc);
    return 0;
}
