/* heap.h — how the nianbao program sets up malloc before a single render.
 *
 * A render touches a few megabytes of fresh memory, most of it in hb-subset's buffers. On
 * virtual machines each first touch of a 4 KiB page is a trap costing around 10 µs, which
 * made such faults a third of a render's time. nb_heap_setup() has glibc's malloc serve the
 * whole process (threads too) from one heap, large blocks included, and asks the kernel to
 * back that heap with 2 MiB transparent huge pages where its policy allows ("madvise" or
 * "always"): a few faults instead of hundreds.
 *
 * Only programs call it, once, before their first render; the library never changes the
 * allocator. It suits a short process with a few threads: one arena serialises their
 * allocations, which cost a batch with a preprocessing thread a fifth of its rate, so
 * `render --batch` does not call it. Output never depends on it. It does nothing under a
 * sanitizer, off glibc, where the kernel gives no huge pages (policy "never", or disabled
 * for the process), or when the environment has NIANBAO_HUGEPAGES=0 (for comparing). */
#ifndef NB_HEAP_H
#define NB_HEAP_H

void nb_heap_setup(void);

#endif
