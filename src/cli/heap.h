/* heap.h — how the nianbao command sets up glibc's malloc for the way it renders.
 *
 * Both uses keep large blocks (up to 32 MiB) in the heap and do not hand freed memory back
 * below 256 MiB: a render allocates and frees the same large buffers (hb-subset's, the
 * font programs, the PDF), and memory handed back is faulted in again next time.
 *
 * A single render also gets its heap on transparent huge pages. It touches a few megabytes
 * of fresh memory, and on virtual machines each first touch of a 4 KiB page is a trap of
 * around 10 µs, which made such faults a third of a render's time. So all threads share
 * one arena, the heap grows 16 MiB at a time, and the kernel is asked to back it with
 * 2 MiB pages where its policy allows ("madvise" or "always"): a few faults instead of
 * hundreds. A batch does without: one arena, shared by its preprocessing thread and the
 * renders, cost it a fifth of its rate. The single-render set-up is skipped where the
 * kernel gives no huge pages (policy "never", or disabled for the process) and when the
 * environment has NIANBAO_HUGEPAGES=0 (for comparing): malloc keeps its defaults then.
 *
 * This is process tuning, so it is the command's: libnianbao never changes the allocator
 * (a program linking it decides for itself). It stays because it still pays: with the
 * library shared, the seed's whole-process render took 37 ms with it and 49 ms without in
 * alternating runs on a loaded host (436 against 1,031 page faults). Called once, before
 * the first render, by main.c (batch.c for `render --batch`) and by bench/nb_bench, which
 * measures what the command does. Output never depends on it. Nothing happens under a
 * sanitizer or off glibc. */
#ifndef NB_HEAP_H
#define NB_HEAP_H

typedef enum nb_heap_use { NB_HEAP_SINGLE, NB_HEAP_BATCH } nb_heap_use;

void nb_heap_setup(nb_heap_use use);

#endif
