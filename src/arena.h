/* arena.h — a bump allocator for things that live and die together (a laid-out
 * document, one render's scratch).  Allocation never fails silently: on exhaustion of
 * memory nb_arena_alloc returns NULL and the caller reports NB_ERR_NOMEM.  Memory is
 * zeroed.  nb_arena_free releases every block at once; nothing is freed individually.
 */
#ifndef NB_ARENA_H
#define NB_ARENA_H

#include <stddef.h>

typedef struct nb_arena_block nb_arena_block;

typedef struct nb_arena {
    nb_arena_block *head;
    size_t used_total;
} nb_arena;

/* clang-format off */
#define NB_ARENA_INIT {0, 0}
/* clang-format on */

void *nb_arena_alloc(nb_arena *a, size_t size);
/* Grows an array allocated from the arena (copying; the old copy stays in the arena). */
void *nb_arena_grow(nb_arena *a, void *old, size_t old_size, size_t new_size);
char *nb_arena_strndup(nb_arena *a, const char *s, size_t n);
char *nb_arena_strdup(nb_arena *a, const char *s);
void nb_arena_free(nb_arena *a);

#endif
