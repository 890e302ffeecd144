/* test_cli_files.c — the nianbao command's file handling (src/cli/files.h).
 *
 * Writing: a write and an overwrite give the new bytes, with the mode of the file replaced
 * or 0666 less the umask; a failing write (no folder, a target that is a non-empty folder,
 * an unwritable folder) leaves the target as it was and no temporary file.  Refusals: an
 * output that is an input (also through a hard or symbolic link), a FIFO.  Reading: the
 * messages for a missing file, a folder, a FIFO (refused at once, never waited on) and a
 * file over the limit, and a file read whole.  The data folder: NIANBAO_DATADIR wins; a
 * build-tree program falls back to the source tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "nianbao.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/nb_test_cli_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'; rm -rf '%s'", dir, dir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = malloc(1 << 16);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int entries(void)
{
    int n = 0;
    DIR *d = opendir(dir);
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

static void test_write_atomic(void **state)
{
    (void)state;
    char msg[1200], target[128], sub[128], inner[160], bad[160];
    const char data[] = "new content";
    snprintf(target, sizeof target, "%s/out.pdf", dir);
    snprintf(sub, sizeof sub, "%s/adir", dir);
    snprintf(bad, sizeof bad, "%s/nope/out.pdf", dir);

    /* A new file: 0666 less the umask, which the kernel applies; the umask is left as it was. */
    mode_t um = umask(027);
    assert_int_equal(cli_write_atomic(target, data, 3, true, msg, sizeof msg), 0);
    assert_int_equal(umask(um), 027);
    struct stat sb;
    assert_int_equal(stat(target, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0640);
    /* An overwrite keeps the mode the file had. */
    assert_int_equal(chmod(target, 0604), 0);
    assert_int_equal(cli_write_atomic(target, data, sizeof data - 1, false, msg, sizeof msg), 0);
    size_t n;
    char *got = slurp(target, &n);
    assert_int_equal(n, sizeof data - 1);
    assert_memory_equal(got, data, n);
    free(got);
    assert_int_equal(stat(target, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0604);

    /* A folder that does not exist. */
    assert_int_equal(cli_write_atomic(bad, data, 5, true, msg, sizeof msg), 2);
    assert_non_null(strstr(msg, "cannot write"));
    assert_non_null(strstr(msg, bad));
    assert_non_null(strstr(msg, "No such file"));

    /* A failing rename (the target is a non-empty folder) leaves it and no temporary file. */
    assert_int_equal(mkdir(sub, 0755), 0);
    snprintf(inner, sizeof inner, "%s/keep", sub);
    put(inner, "");
    int before = entries();
    assert_int_equal(cli_write_atomic(sub, data, 5, true, msg, sizeof msg), 2);
    assert_int_equal(entries(), before);
    assert_int_equal(stat(inner, &sb), 0);

    /* An unwritable folder (meaningful only when not running as root). */
    if (geteuid() != 0) {
        char ro[128], rot[160];
        snprintf(ro, sizeof ro, "%s/ro", dir);
        snprintf(rot, sizeof rot, "%s/out.pdf", ro);
        assert_int_equal(mkdir(ro, 0755), 0);
        put(rot, "old");
        chmod(ro, 0555);
        assert_int_equal(cli_write_atomic(rot, data, 5, true, msg, sizeof msg), 2);
        chmod(ro, 0755);
        got = slurp(rot, NULL);
        assert_string_equal(got, "old");
        free(got);
    }
}

static void test_output_check(void **state)
{
    (void)state;
    char msg[1200], in[128], hard[128], soft[128], other[128], fifo[128];
    snprintf(in, sizeof in, "%s/in.json", dir);
    snprintf(hard, sizeof hard, "%s/hard.json", dir);
    snprintf(soft, sizeof soft, "%s/soft.json", dir);
    snprintf(other, sizeof other, "%s/other.pdf", dir);
    snprintf(fifo, sizeof fifo, "%s/fifo.pdf", dir);
    put(in, "{}");
    assert_int_equal(link(in, hard), 0);
    assert_int_equal(symlink(in, soft), 0);
    const char *inputs[] = {NULL, in};
    assert_int_equal(cli_output_check(hard, inputs, 2, msg, sizeof msg), 2); /* same inode */
    assert_non_null(strstr(msg, "refusing to write"));
    assert_non_null(strstr(msg, in));
    assert_int_equal(cli_output_check(soft, inputs, 2, msg, sizeof msg), 2);
    assert_int_equal(cli_output_check(in, inputs, 2, msg, sizeof msg), 2);
    assert_int_equal(cli_output_check(other, inputs, 2, msg, sizeof msg), 0); /* no such file */
    assert_int_equal(cli_output_check("-", inputs, 2, msg, sizeof msg), 0);
    put(other, "");
    assert_int_equal(cli_output_check(other, inputs, 2, msg, sizeof msg), 0); /* not an input */
    assert_int_equal(cli_output_check(in, inputs, 0, msg, sizeof msg), 0);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(cli_output_check(fifo, inputs, 2, msg, sizeof msg), 2);
    assert_non_null(strstr(msg, "not a regular file"));
}

static void test_read_input(void **state)
{
    (void)state;
    char msg[1200], path[128], fifo[128], big[128];
    char *text = NULL;
    size_t len = 0;
    snprintf(path, sizeof path, "%s/nope.json", dir);
    assert_int_equal(cli_read_input(path, &text, &len, msg, sizeof msg), 2);
    assert_non_null(strstr(msg, "nope.json: cannot open: no such file"));
    assert_null(text);
    assert_int_equal(cli_read_input(dir, &text, &len, msg, sizeof msg), 2);
    assert_non_null(strstr(msg, ": not a regular file"));
    snprintf(fifo, sizeof fifo, "%s/pipe.json", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(cli_read_input(fifo, &text, &len, msg, sizeof msg), 2); /* not waited on */
    assert_non_null(strstr(msg, "pipe.json: not a regular file"));
    /* one byte over the limit: refused by its size, without reading it */
    snprintf(big, sizeof big, "%s/big.json", dir);
    FILE *f = fopen(big, "w");
    assert_non_null(f);
    assert_int_equal(ftruncate(fileno(f), NIANBAO_MAX_INPUT + 1), 0);
    fclose(f);
    assert_int_equal(cli_read_input(big, &text, &len, msg, sizeof msg), 2);
    assert_non_null(
        strstr(msg, "big.json: file is 16777217 bytes, more than the limit of 16777216"));
    /* read whole, NUL-terminated */
    snprintf(path, sizeof path, "%s/small.json", dir);
    put(path, "{\"a\": 1}");
    assert_int_equal(cli_read_input(path, &text, &len, msg, sizeof msg), 0);
    assert_int_equal(len, 8);
    assert_string_equal(text, "{\"a\": 1}");
    free(text);
}

static void test_datadir(void **state)
{
    (void)state;
    setenv("NIANBAO_DATADIR", "/somewhere/else", 1);
    char *d = cli_datadir();
    assert_string_equal(d, "/somewhere/else");
    free(d);
    /* empty counts as unset; this test program lives in the build tree, where no
     * ../share/nianbao exists: the source tree */
    setenv("NIANBAO_DATADIR", "", 1);
    d = cli_datadir();
    assert_string_equal(d, NB_TEST_SRCDIR);
    free(d);
    unsetenv("NIANBAO_DATADIR");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_atomic),
        cmocka_unit_test(test_output_check),
        cmocka_unit_test(test_read_input),
        cmocka_unit_test(test_datadir),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
