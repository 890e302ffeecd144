/* serve_init.c — GET /api/init's blank report, made by the library's init module.
 *
 * TEMPORARY: nianbao.h has no call for it yet, so this file uses the internal src/init.h
 * (and jsonin.h to read the edition table and the blank report); the command links those
 * objects from the static library.  When the public interface gains one, this file calls
 * it instead and the link to internals goes (cmake/Serve.cmake).
 */
#include "serve_init.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "init.h"
#include "jsonin.h"
#include "status.h"

#include <cjson/cJSON.h>

int serve_init_report(const char *datadir, const char *edition, int year, const char *body,
                      char **json, size_t *len, char *msg, size_t msglen)
{
    *json = NULL;
    *len = 0;
    nb_status st = NB_STATUS_INIT;
    nb_json_doc table = {0}, blank = {0};
    nb_buf out = {0};
    int status = 500;
    char path[4200];
    snprintf(path, sizeof path, "%s/layouts/editions.json", datadir);
    if (nb_json_load(path, &table, &st)) goto done;
    nb_init_opts o = {.edition = edition, .year = year, .body = body};
    const char *ed = NULL;
    int y = 0;
    if (nb_init_resolve(table.root, &o, &ed, &y, &st)) {
        status = 400;
        goto done;
    }
    const cJSON *e = nb_edition_find(table.root, ed);
    const cJSON *bf = cJSON_GetObjectItemCaseSensitive(e, "blank");
    if (!cJSON_IsString(bf)) {
        nb_fail(&st, NB_ERR_DATA, "%s: edition %s names no blank report", path, ed);
        goto done;
    }
    snprintf(path, sizeof path, "%s/layouts/%s", datadir, bf->valuestring);
    if (nb_json_load(path, &blank, &st)) goto done;
    if (nb_init_report(table.root, blank.root, ed, y, &o, &out, &st)) goto done;
    *json = malloc(out.len + 1);
    if (!*json) {
        nb_fail(&st, NB_ERR_NOMEM, "out of memory");
        goto done;
    }
    memcpy(*json, out.p, out.len);
    (*json)[out.len] = '\0';
    *len = out.len;
    status = 0;
done:
    if (status) snprintf(msg, msglen, "%s", st.msg);
    nb_buf_free(&out);
    nb_json_free(&table);
    nb_json_free(&blank);
    return status;
}
