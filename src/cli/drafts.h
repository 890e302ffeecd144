/* drafts.h — the drafts folder of `nianbao serve`: every saved state of every report being
 * edited, so that nothing typed is lost.
 *
 * A draft NAME is a folder DIR/NAME holding its versions as DIR/NAME/NNNN.json (0001.json,
 * 0002.json, …; more digits after 9999), the highest the latest.  A save writes a new
 * version through a temporary file in that folder (written, fsync'd, renamed into place,
 * the folder fsync'd), so a crash leaves either the old latest or the new one whole, never
 * a part; a save whose bytes equal the latest version's writes nothing.  The 20 latest
 * versions are kept, older ones removed after the new one is in place.
 *
 * Names are checked again here (hr_draft_name_ok) whatever the caller did, and every file
 * is opened relative to the folder's descriptor with O_NOFOLLOW, so no name reaches outside
 * DIR.  One mutex serialises saves; reads take it too, so a reader never sees a version
 * being removed.  A drafts object is shared by all of the server's threads.
 */
#ifndef NB_CLI_DRAFTS_H
#define NB_CLI_DRAFTS_H

#include <stddef.h>

/* Versions kept per draft. */
#define DRAFTS_KEEP 20

typedef struct drafts drafts;

/* Opens (creating it and its parents when missing) the drafts folder `dir`.  0, or -1 with
 * a message naming the folder in msg. */
int drafts_open(const char *dir, drafts **out, char *msg, size_t msglen);

void drafts_close(drafts *d);

/* Saves `len` bytes as the draft's next version.  Returns 0 (*version: the version now
 * latest, *unchanged: 1 when the bytes equalled it and nothing was written), or an HTTP
 * status: 400 a bad name, 409 the draft's name in DIR is not a folder drafts.c made (a
 * symbolic link, a file), 500 a write failed (msg says why). */
int drafts_put(drafts *d, const char *name, const char *data, size_t len, unsigned long *version,
               int *unchanged, char *msg, size_t msglen);

/* Reads a version (0: the latest) into *text (malloc'd, NUL-terminated).  0, or 404 no such
 * draft or version, 400 a bad name, 409 not a folder or file drafts.c made, 500 (msg). */
int drafts_get(drafts *d, const char *name, unsigned long version, char **text, size_t *len,
               char *msg, size_t msglen);

/* The drafts as JSON text (malloc'd): {"drafts": [{"name", "version", "versions",
 * "modified", "size"}]}, by name; "modified" in milliseconds since 1970. */
int drafts_list_json(drafts *d, char **json, char *msg, size_t msglen);

/* A draft's versions as JSON text: {"name", "versions": [{"version", "modified", "size"}]},
 * oldest first.  0, 404, 400 or 500. */
int drafts_versions_json(drafts *d, const char *name, char **json, char *msg, size_t msglen);

#endif
