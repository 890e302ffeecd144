/* files.h — the nianbao command's file handling: reading its inputs, writing its outputs
 * safely, and finding its data folder.  (The library opens no data file and writes none:
 * see include/nianbao.h.)
 *
 * Every function that can fail returns 0 on success, else the command's exit status for
 * the failure (2 an input or output cannot be used, 3 out of memory) after writing a
 * one-line message into `msg` (msglen bytes) that names the file and what went wrong.
 */
#ifndef NB_CLI_FILES_H
#define NB_CLI_FILES_H

#include <stdbool.h>
#include <stddef.h>

/* Reads the whole of `path` into *text (malloc'd, *len bytes, NUL-terminated for
 * convenience).  Refuses what is not a regular file (a FIFO or device is never waited
 * on) and files over NIANBAO_MAX_INPUT bytes. */
int cli_read_input(const char *path, char **text, size_t *len, char *msg, size_t msglen);

/* Refuses an output path that names an existing file which is one of `inputs` (compared
 * by device and inode, so links are caught) or is not a regular file or folder (the
 * rename would replace a device or FIFO).  "-" (standard output) and a path that does not
 * exist pass. */
int cli_output_check(const char *path, const char *const *inputs, size_t ninputs, char *msg,
                     size_t msglen);

/* Writes `len` bytes to `path` ("-": standard output) through a temporary file beside it
 * (".NAME.XXXXXX"), renamed into place only when everything was written, so that a failure
 * leaves an earlier file untouched and no partial file behind.  The file gets the mode of
 * the file it replaces, else 0666 less the umask.  With `sync` the file and its folder are
 * also synced (a batch syncs its output file system once instead). */
int cli_write_atomic(const char *path, const void *data, size_t len, bool sync, char *msg,
                     size_t msglen);

/* The folder holding layouts/ and fonts/ for this run of the command (malloc'd, NULL when
 * out of memory): $NIANBAO_DATADIR when set and not empty; else, for an installed
 * nianbao, BINDIR/../share/nianbao found from the program's own path when it holds
 * layouts/; else the source tree the program was built from (a build-tree binary). */
char *cli_datadir(void);

/* The folder of the compiled message catalogues (LOCALE/LC_MESSAGES/nianbao.mo), found as
 * the data folder is: for an installed nianbao BINDIR/../share/locale when it holds
 * zh_CN/LC_MESSAGES/nianbao.mo, else the build tree's.  malloc'd; NULL when out of memory. */
char *cli_localedir(void);

/* "<the running program's folder>/<name>" (malloc'd), the path of a program installed
 * beside this one (nianbao-serve); NULL when the program's own path cannot be read or out
 * of memory. */
char *cli_beside_self(const char *name);

/* Sets the process's locale from the environment and binds the command's message
 * catalogue (gettext, cli_localedir()).  Called first thing by each program's main(). */
void cli_init_locale(void);

/* The language for the library's messages (nianbao_options.language) after
 * setlocale(LC_ALL, ""): "zh" when LC_MESSAGES names a Chinese locale, else NULL. */
const char *cli_language(void);

#endif
