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
 * threads at once.  It reads files only to load the official layouts, the font map and
 * the fonts named by its settings (data never makes it open a file); data, a layout given
 * to a run and last year's report come as bytes.  An engine keeps its fonts, parsed
 * layouts and each face's last few subsets between runs (a glyph set met again is not
 * subset again), so the second and later renders are fast.
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

/* The most bytes a data, layout or font-map document may have (16 MiB); a program reading
 * such a file may refuse a larger one before reading it. */
#define NIANBAO_MAX_INPUT (16 * 1024 * 1024)

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
     * installed with the library, found relative to the library file (LIBDIR/../share/
     * nianbao), else the installation folder it was built for. */
    const char *datadir;
    /* Threads that subset the fonts of one render; 0: one per CPU, at most 4.  The bytes do
     * not depend on it. */
    int threads;
} nianbao_options;

typedef struct nianbao_engine nianbao_engine;
typedef struct nianbao_result nianbao_result;

/* "0.2.0": the library's version. */
NIANBAO_API const char *nianbao_version(void);

/* Fills *opts with the defaults (installed data folder, threads 0). */
NIANBAO_API void nianbao_options_init(nianbao_options *opts);

/* A new engine with `opts` (NULL: the defaults).  Nothing is loaded until the first run.
 * NULL only when out of memory. */
NIANBAO_API nianbao_engine *nianbao_engine_new(const nianbao_options *opts);

/* Frees the engine, its fonts and layouts.  NULL is allowed.  Results it returned stay
 * valid. */
NIANBAO_API void nianbao_engine_free(nianbao_engine *engine);

/* ---- settings: they hold for every later run of the engine ---------------------------- */

/* Uses `font` (a font file's path, or a fontconfig family name) for `role` (title, body,
 * heading1, heading2, table, pagenum) ahead of the font map's choice; NULL restores the
 * map's.  NIANBAO_ERR_USAGE for an unknown role; the message (nianbao_engine_error) lists
 * the roles.  The font is opened at the next run, whose failure names it. */
NIANBAO_API int nianbao_engine_set_font(nianbao_engine *engine, const char *role, const char *font);

/* The PDF's creation and modification date, in seconds since 1970-01-01 UTC; a negative
 * value restores the default (the data's signing date, else the end of the report year).
 * A program that honours SOURCE_DATE_EPOCH passes its value here. */
NIANBAO_API void nianbao_engine_set_date(nianbao_engine *engine, int64_t seconds);

/* PDF/A-1b (on by default) or a plain PDF. */
NIANBAO_API void nianbao_engine_set_pdfa(nianbao_engine *engine, int on);

/* Renders even when the checker finds errors (off by default). */
NIANBAO_API void nianbao_engine_set_force(nianbao_engine *engine, int on);

/* Draws a character that no font has as a box and notes it as a warning
 * (nianbao_result_notes), instead of failing (off by default). */
NIANBAO_API void nianbao_engine_set_allow_missing_glyphs(nianbao_engine *engine, int on);

/* Notes every character taken from a fallback font (nianbao_result_notes); off by
 * default, since it turns off the shaping cache that makes warm renders fast. */
NIANBAO_API void nianbao_engine_set_notes(nianbao_engine *engine, int on);

/* Names the inputs in messages and findings ("县局-2021.json"); the layout name is taken as
 * the path of the layout given to nianbao_render, whose relative "fontmap" is found from
 * its folder.  NULL: "data" / "layout", a layout that then finds its font map from
 * DATADIR/layouts.  The strings are copied. */
NIANBAO_API int nianbao_engine_set_names(nianbao_engine *engine, const char *data_name,
                                         const char *layout_name);

/* Last year's report of the same body, for the cross-year checks of later runs (copied;
 * NULL: none).  `name` names it in messages (NULL: "last year's report"); it is read, and
 * its failures reported, at each run. */
NIANBAO_API int nianbao_engine_set_previous(nianbao_engine *engine, const char *previous,
                                            size_t previous_len, const char *name);

/* Asks the next runs to keep the laid-out boxes as text (nianbao_result_dump), for tests. */
NIANBAO_API void nianbao_engine_set_dump(nianbao_engine *engine, int on);

/* Whether a batch prepares faces for fast subsetting (hb_subset_preprocess: about 0.5 s
 * and 140 MB a face, once; the bytes are the same either way). */
typedef enum nianbao_preprocess {
    NIANBAO_PREPROCESS_AUTO = 0, /* when what the face cost to subset in the second successful
                                    run, times the runs left, is at least twice that */
    NIANBAO_PREPROCESS_ALWAYS,   /* every face that qualifies (CFF without subroutines);
                                    the next run waits for them */
    NIANBAO_PREPROCESS_NEVER,
} nianbao_preprocess;

/* Says that about `runs` runs follow (a batch; 0 ends batch mode).  The engine then
 * measures its first successful run and the next one, and prepares the faces
 * `preprocess` asks for on a thread of its own while the runs go on;
 * a later run installs them (its notes say so when notes are on).  If none of the first
 * eight runs succeeds it prepares nothing.  NIANBAO_ERR_USAGE for an unknown `preprocess`. */
NIANBAO_API int nianbao_engine_set_batch(nianbao_engine *engine, size_t runs,
                                         nianbao_preprocess preprocess);

/* 1 while the batch set-up still wants runs in this engine: the run after the first
 * successful one (the measurement) and those until prepared faces are installed; else 0.
 * A program that forks workers renders in the parent until this is 0, so that the workers
 * share the prepared faces (a thread does not survive fork). */
NIANBAO_API int nianbao_engine_busy(const nianbao_engine *engine);

/* The message of the last failed setting, or "" (owned by the engine). */
NIANBAO_API const char *nianbao_engine_error(const nianbao_engine *engine);

/* ---- running ------------------------------------------------------------------------- */

/* Checks and renders one report.  `data` is the report's JSON (data_len bytes, no NUL
 * needed); `layout` a layout's JSON, or NULL to use the official layout of the data's
 * "edition".  *out receives a result in every case but two: out NULL (NIANBAO_ERR_USAGE)
 * and no memory even for the result (NIANBAO_ERR_NOMEM, *out NULL); free it with
 * nianbao_result_free.  Returns NIANBAO_OK when the PDF was made (the result then holds
 * it, and any warnings among the findings), or the failure's code. */
NIANBAO_API int nianbao_render(nianbao_engine *engine, const char *data, size_t data_len,
                               const char *layout, size_t layout_len, nianbao_result **out);

/* Checks one report without rendering it, with last year's report when one is set
 * (nianbao_engine_set_previous).  Returns NIANBAO_OK when the check ran, whatever it found
 * (the findings say), or NIANBAO_ERR_INPUT and friends when the data cannot be read. */
NIANBAO_API int nianbao_check(nianbao_engine *engine, const char *data, size_t len,
                              nianbao_result **out);

/* A report to start from, as JSON text in the result (nianbao_result_data): the blank
 * report of `edition` ("2019", "2021"; NULL: the edition of the report year) for report year
 * `year` (0: the year after last year's report), issued by `body` (NULL: last year's body,
 * else a 【请填写】 placeholder).  Every key of the edition is present, counts and amounts
 * are null (blank, to be filled in), and the sentences a report usually has are editable
 * text with 【请填写…】 where the office writes its own words.  With last year's report set
 * (nianbao_engine_set_previous), what carries over is taken from it: the body, the title and
 * opening with the new year, the sections' sub-headings, 四、结转下年度继续办理 as 二、上年结转
 * and table A's starting figures (the edition table, layouts/editions.json, says which).
 * NIANBAO_ERR_USAGE when the edition is not for that year (the message names the right
 * one); NIANBAO_ERR_INPUT when last year's report cannot be read. */
NIANBAO_API int nianbao_init(nianbao_engine *engine, const char *edition, int year,
                             const char *body, nianbao_result **out);

/* ---- results ------------------------------------------------------------------------- */

/* The run's return code again. */
NIANBAO_API int nianbao_result_status(const nianbao_result *res);

/* The PDF's bytes and their count, or NULL (and *len 0) when none was made. */
NIANBAO_API const unsigned char *nianbao_result_pdf(const nianbao_result *res, size_t *len);

/* The findings as the JSON document `nianbao check --format json` prints:
 * {"file", "findings": [{"severity", "rule", "message", "paths", "values"}], "errors",
 * "warnings"}; "" when the data could not be read far enough to check. */
NIANBAO_API const char *nianbao_result_findings_json(const nianbao_result *res);

/* The same findings as `nianbao check` prints them, one a line:
 * "FILE: error|warning: message  [JSON paths]"; "" when there are none. */
NIANBAO_API const char *nianbao_result_findings_text(const nianbao_result *res);

/* The report data a run made (nianbao_init), as JSON text, or "". */
NIANBAO_API const char *nianbao_result_data(const nianbao_result *res);

/* Counts of the findings by severity. */
NIANBAO_API size_t nianbao_result_errors(const nianbao_result *res);
NIANBAO_API size_t nianbao_result_warnings(const nianbao_result *res);

/* The failure's message, or "" when the run succeeded. */
NIANBAO_API const char *nianbao_result_error(const nianbao_result *res);

/* Notes of the run, one a line starting "nianbao: note: " or "nianbao: warning: " (a
 * character taken from a fallback font, with nianbao_engine_set_notes; one drawn as a box;
 * faces prepared for a batch), or "". */
NIANBAO_API const char *nianbao_result_notes(const nianbao_result *res);

/* The laid-out boxes as text when nianbao_engine_set_dump was on, else "". */
NIANBAO_API const char *nianbao_result_dump(const nianbao_result *res);

/* Pages of the PDF (0 when none). */
NIANBAO_API size_t nianbao_result_pages(const nianbao_result *res);

/* Milliseconds the run spent in `stage`: "total"; its parts "read" (parsing data and
 * layout), "fonts" (the font map, and opening faces, also those opened while shaping),
 * "check", "shape", "linebreak", "paginate", "subset" (hb-subset), "write" (the rest of
 * writing the PDF); -1 for an unknown stage, 0 for one the run did not reach. */
NIANBAO_API double nianbao_result_time(const nianbao_result *res, const char *stage);

/* Frees a result; NULL is allowed. */
NIANBAO_API void nianbao_result_free(nianbao_result *res);

#ifdef __cplusplus
}
#endif

#endif
