/* serve.h — `nianbao serve`: the report editor in the browser (src/cli/serve.c).
 *
 * A small HTTP server (libmicrohttpd) over the public library (nianbao.h): it serves the
 * page (DATADIR/web), the layouts and blank reports the page builds its form from, checks
 * and renders the data the page sends, and keeps drafts (drafts.h).  docs/serve.md
 * describes the endpoints, docs/deploy-intranet.md running it for several offices.
 */
#ifndef NB_CLI_SERVE_H
#define NB_CLI_SERVE_H

/* Runs the server until SIGINT or SIGTERM; argv[0] is "serve".  Returns the command's exit
 * status: 0 after a clean shutdown, 2 bad usage or an unusable option (address, token
 * file, drafts folder), 3 the server could not start. */
int cli_serve(int argc, char **argv);

#endif
