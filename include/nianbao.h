/* nianbao.h — libnianbao's public interface: report data in, a print-ready PDF and the
 * checker's findings out.
 *
 * libnianbao typesets a Chinese government body's annual report on government information
 * disclosure (政府信息公开工作年度报告) from its JSON data and a layout into an A4 PDF/A-1b
 * whose tables match the official template, and checks the arithmetic the template
 * requires (勾稽关系).  This header is the whole interface; nothing else is exported.
 *
 * Shape (as libraqm's): an opaque engine is created, given its settings, run on data as
 * many times as wanted, and destroyed; each run returns a result object that holds the
 * PDF bytes, the findings and the error message, read through accessors and freed with
 * nianbao_result_free.
 *
 *     nianbao_engine *e = nianbao_engine_new(NULL);      // installed layouts and fonts
 *     nianbao_result *r = NULL;
 *     int rc = nianbao_render(e, data, data_len, NULL, 0, &r);
 *     if (rc == NIANBAO_OK) { size_t n; const unsigned char *pdf = nianbao_result_pdf(r, &n); }
 *     else fprintf(stderr, "%s\n", nianbao_result_error(r));
 *     nianbao_result_free(r);
 *     nianbao_engine_free(e);
 *
 * The library reads no environment variable, writes nothing to standard error or to the
 * file system, changes no process-wide setting and has no shared mutable state: one engine
 * is used by one thread at a time, and different engines may be used from different
 * threads at once.  It reads files only to load the layouts, the font map and the fonts
 * named by its settings (data never makes it open a file).  An engine keeps its fonts and
 * parsed layouts between runs, so the second and later renders are fast.
 *
 * Output is reproducible: the same data, layout, fonts and settings give the same bytes.
 * The PDF's dates are the engine's date setting when given, else the data's signing date
 * (the layout's "metadata.date"), else the end of the report's year.
 *
 * Strings are UTF-8.  Memory returned through a result belongs to the result.
 */
#ifndef NIANBAO_H
#define NIANBAO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(NIANBAO_BUILDING) && defined(__GNUC__)
#define NIANBAO_API __attribute__((visibility("default")))
#else
#define NIANBAO_API
#endif

/* Return codes of the functions that run the engine.  Every failure also leaves a
 * one-line message in the result (nianbao_result_error) that names the input, the place
 * (JSON path, line and column, or the template's row and column) and what was expected. */
typedef enum nianbao_status {
    NIANBAO_OK = 0,
    NIANBAO_ERR_CHECK = 1,    /* the checker found errors; nothing rendered (see the findings) */
    NIANBAO_ERR_INPUT = 2,    /* the data or layout cannot be used: malformed JSON, a missing or
                                 wrong value, a limit exceeded */
    NIANBAO_ERR_FONT = 3,     /* a font is missing, unreadable or lacks a needed character */
    NIANBAO_ERR_USAGE = 4,    /* a bad argument or setting (unknown font role, NULL engine) */
    NIANBAO_ERR_NOMEM = 5,    /* out of memory */
    NIANBAO_ERR_INTERNAL = 6, /* a fault of the library itself (please report it) */
} nianbao_status;

/* Where an engine finds its layouts and fonts.  Initialise with nianbao_options_init, then
 * change what differs from the defaults. */
typedef struct nianbao_options {
    /* The data folder, holding layouts/, fonts/fontmap.json and schema/; NULL: the folder
     * the library was installed with (PREFIX/share/nianbao). */
    const char *datadir;
    /* Language of messages: "zh" (Chinese) or "en" (English); NULL: "en".  The checker's
     * findings are Chinese in either. */
    const char *language;
    /* Threads that subset the fonts of one render; 0: one per CPU, at most 4.  The bytes do
     * not depend on it. */
    int threads;
} nianbao_options;

typedef struct nianbao_engine nianbao_engine;
typedef struct nianbao_result nianbao_result;

/* "0.2.0": the library's version. */
NIANBAO_API const char *nianbao_version(void);

/* Fills *opts with the defaults (installed data folder, English, threads 0). */
NIANBAO_API void nianbao_options_init(nianbao_options *opts);

/* A new engine with `opts` (NULL: the defaults).  Nothing is loaded until the first run.
 * NULL only when out of memory. */
NIANBAO_API nianbao_engine *nianbao_engine_new(const nianbao_options *opts);

/* Frees the engine, its fonts and layouts.  NULL is allowed.  Results it returned stay
 * valid. */
NIANBAO_API void nianbao_engine_free(nianbao_engine *engine);

/* ---- settings: they hold for every later run of the engine ---------------------------- */

/* Uses `font` (a font file's path, or a fontconfig family name) for `role` (title, body,
 * heading1, heading2, table, pagenum).  NIANBAO_ERR_USAGE for an unknown role; the message
 * (nianbao_engine_error) lists the roles.  The font is opened at the next run. */
NIANBAO_API int nianbao_engine_set_font(nianbao_engine *engine, const char *role, const char *font);

/* The PDF's creation and modification date, in seconds since 1970-01-01 UTC; a negative
 * value restores the default (the data's signing date, else the end of the report year).
 * A program that honours SOURCE_DATE_EPOCH passes its value here. */
NIANBAO_API void nianbao_engine_set_date(nianbao_engine *engine, int64_t seconds);

/* PDF/A-1b (on by default) or a plain PDF. */
NIANBAO_API void nianbao_engine_set_pdfa(nianbao_engine *engine, int on);

/* Renders even when the checker finds errors (off by default). */
NIANBAO_API void nianbao_engine_set_force(nianbao_engine *engine, int on);

/* Draws a character that no font has as a box and notes it as a warning, instead of
 * failing (off by default). */
NIANBAO_API void nianbao_engine_set_allow_missing_glyphs(nianbao_engine *engine, int on);

/* Names the inputs in messages and findings ("县局-2021.json"); the layout name, when it is
 * a path, is also where a layout's relative "fontmap" is found.  NULL: "data" / the
 * default layout's path.  The strings are copied. */
NIANBAO_API int nianbao_engine_set_names(nianbao_engine *engine, const char *data_name,
                                         const char *layout_name);

/* Last year's report of the same body, for the cross-year checks of later renders (copied;
 * NULL or len 0: none).  `name` names it in messages. */
NIANBAO_API int nianbao_engine_set_previous(nianbao_engine *engine, const char *previous,
                                            size_t previous_len, const char *name);

/* Asks the next runs to keep the laid-out boxes as text (nianbao_result_dump), for tests. */
NIANBAO_API void nianbao_engine_set_dump(nianbao_engine *engine, int on);

/* The message of the last failed setting, or "" (owned by the engine). */
NIANBAO_API const char *nianbao_engine_error(const nianbao_engine *engine);

/* ---- running ------------------------------------------------------------------------- */

/* Checks and renders one report.  `data` is the report's JSON (data_len bytes, no NUL
 * needed); `layout` a layout's JSON, or NULL to use the official layout of the data's
 * "edition".  *out receives a result in every case but NIANBAO_ERR_USAGE with out NULL;
 * free it with nianbao_result_free.  Returns NIANBAO_OK when the PDF was made (the result
 * then holds it, and any warnings among the findings), or the failure's code. */
NIANBAO_API int nianbao_render(nianbao_engine *engine, const char *data, size_t data_len,
                               const char *layout, size_t layout_len, nianbao_result **out);

/* Checks one report without rendering it; `previous` is last year's report (NULL: none).
 * Returns NIANBAO_OK when the check ran, whatever it found (the findings say), or
 * NIANBAO_ERR_INPUT and friends when the data cannot be read. */
NIANBAO_API int nianbao_check(nianbao_engine *engine, const char *data, size_t len,
                              const char *previous, size_t previous_len, nianbao_result **out);

/* ---- results ------------------------------------------------------------------------- */

/* The run's return code again. */
NIANBAO_API int nianbao_result_status(const nianbao_result *res);

/* The PDF's bytes and their count, or NULL (and *len 0) when none was made. */
NIANBAO_API const unsigned char *nianbao_result_pdf(const nianbao_result *res, size_t *len);

/* The findings as the JSON document `nianbao check --format json` prints:
 * {"file", "findings": [{"severity", "rule", "message", "paths", "values"}], "errors",
 * "warnings"}; "" when the data could not be read far enough to check. */
NIANBAO_API const char *nianbao_result_findings_json(const nianbao_result *res);

/* Counts of the findings by severity. */
NIANBAO_API size_t nianbao_result_errors(const nianbao_result *res);
NIANBAO_API size_t nianbao_result_warnings(const nianbao_result *res);

/* The failure's message, or "" when the run succeeded. */
NIANBAO_API const char *nianbao_result_error(const nianbao_result *res);

/* Notes of the run (a character taken from a fallback font, one drawn as a box), one a
 * line, or "". */
NIANBAO_API const char *nianbao_result_notes(const nianbao_result *res);

/* The laid-out boxes as text when nianbao_engine_set_dump was on, else "". */
NIANBAO_API const char *nianbao_result_dump(const nianbao_result *res);

/* Pages of the PDF (0 when none). */
NIANBAO_API size_t nianbao_result_pages(const nianbao_result *res);

/* Milliseconds the run spent in `stage`: "total", "read", "fonts", "check", "shape",
 * "linebreak", "paginate", "subset", "write"; -1 for an unknown stage. */
NIANBAO_API double nianbao_result_time(const nianbao_result *res, const char *stage);

/* Frees a result; NULL is allowed. */
NIANBAO_API void nianbao_result_free(nianbao_result *res);

#ifdef __cplusplus
}
#endif

#endif
