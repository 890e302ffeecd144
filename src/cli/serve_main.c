/* serve_main.c — nianbao-serve, the program behind `nianbao serve`.
 *
 * The report editor's HTTP server (serve.c) is a program of its own so that only it links
 * libmicrohttpd and the TLS libraries that come with it; `nianbao serve ARGS` executes
 * this program, installed beside nianbao, as `serve ARGS` (main.c).  Run directly it takes
 * the same options: nianbao-serve [--listen ADDR:PORT] ...
 */
#include "files.h"
#include "serve.h"

int main(int argc, char **argv)
{
    cli_init_locale();
    return cli_serve(argc, argv);
}
