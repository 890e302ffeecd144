/* heap.c — malloc set-up for the nianbao command (see heap.h). */
#include "heap.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define NB_HEAP_LEAVE_ALONE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                         \
    __has_feature(memory_sanitizer)
#define NB_HEAP_LEAVE_ALONE 1
#endif
#endif

#if defined(__GLIBC__) && defined(__linux__) && !defined(NB_HEAP_LEAVE_ALONE)
#include <fcntl.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#define MIB ((size_t)1 << 20)
enum {
    HUGE_PAGE = 2 << 20, /* a PMD-sized page wherever the base page is 4 KiB */
    CHUNK_HEADER = 2 * sizeof(size_t),
};

/* Address space below the first huge-page boundary of the heap: reserved, never touched,
 * held here so that leak checkers see it as reachable (volatile, or the compiler drops the
 * unread store and then the malloc). */
static void *volatile below_boundary;

/* Whether this process may get transparent huge pages where it asks for them: the kernel
 * has them, its policy is not "never", and nothing disabled them for the process. Without
 * them the single arena below would only make the threads wait for each other. */
static bool huge_pages_possible(void)
{
    if (prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) == 1) return false;
    int fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    char policy[128];
    ssize_t n = read(fd, policy, sizeof policy - 1);
    close(fd);
    if (n <= 0) return false;
    policy[n] = '\0';
    return strstr(policy, "[never]") == NULL;
}

/* Large blocks from the heap (32 MiB is glibc's most), and freed memory kept. */
static bool keep_large_blocks(void)
{
    return mallopt(M_MMAP_THRESHOLD, (int)(32 * MIB)) &&
           mallopt(M_TRIM_THRESHOLD, (int)(256 * MIB));
}

void nb_heap_setup(nb_heap_use use)
{
    if (use == NB_HEAP_BATCH) {
        keep_large_blocks();
        return;
    }
    const char *env = getenv("NIANBAO_HUGEPAGES");
    if ((env && strcmp(env, "0") == 0) || sysconf(_SC_PAGESIZE) != 4096 || !huge_pages_possible())
        return;
    /* One arena for all threads, so that the font-preparing threads allocate in the heap
     * set up here, and a heap growing 16 MiB at a time. Kept, as every shrink and regrowth
     * would start again with small pages. */
    if (!keep_large_blocks() || !mallopt(M_ARENA_MAX, 1) || !mallopt(M_TOP_PAD, (int)(16 * MIB)))
        return;
    /* Grow the heap now. No bin holds a 16 MiB block, so it comes from the top, which grows
     * by it plus the pad: the block's start is where fresh memory starts. Freeing it returns
     * it to the top. Only malloc's headers were written: the block's, at the start, and the
     * top's, 16 MiB on, whose 2 MiB page therefore stays with small pages. */
    char *grow = malloc(16 * MIB);
    if (!grow) return;
    uintptr_t start = (uintptr_t)grow - CHUNK_HEADER;
    uintptr_t end = (uintptr_t)sbrk(0);
    free(grow);
    uintptr_t lo = (start + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    uintptr_t hi = end & ~(uintptr_t)(HUGE_PAGE - 1);
    if (end == (uintptr_t)-1 || start >= end || hi <= lo) return; /* heap not where expected */
    if (madvise((void *)lo, hi - lo, MADV_HUGEPAGE) != 0) return;
    /* Fill the top up to the boundary, so that later blocks start on huge pages. The
     * request is the chunk size lo - start less malloc's 8-byte size field. */
    if (lo - start >= 64) below_boundary = malloc(lo - start - sizeof(size_t));
}

#else

void nb_heap_setup(nb_heap_use use)
{
    (void)use;
}

#endif
