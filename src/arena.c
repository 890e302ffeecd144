#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct nb_arena_block {
    nb_arena_block *next;
    size_t size, used;
    max_align_t data[];
};

enum { NB_ARENA_MIN_BLOCK = 64 * 1024 };

void *nb_arena_alloc(nb_arena *a, size_t size)
{
    size_t align = sizeof(max_align_t);
    size = (size + align - 1) / align * align;
    if (size == 0) size = align;
    nb_arena_block *b = a->head;
    if (b == NULL || b->size - b->used < size) {
        size_t bsize = size > NB_ARENA_MIN_BLOCK ? size : NB_ARENA_MIN_BLOCK;
        if (b != NULL && b->size * 2 > bsize && b->size < 16u * 1024 * 1024) bsize = b->size * 2;
        if (bsize < size) bsize = size;
        nb_arena_block *nb = malloc(sizeof *nb + bsize);
        if (nb == NULL) return NULL;
        nb->next = a->head;
        nb->size = bsize;
        nb->used = 0;
        a->head = b = nb;
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    a->used_total += size;
    memset(p, 0, size);
    return p;
}

void *nb_arena_grow(nb_arena *a, void *old, size_t old_size, size_t new_size)
{
    if (new_size <= old_size) return old;
    void *p = nb_arena_alloc(a, new_size);
    if (p != NULL && old != NULL) memcpy(p, old, old_size);
    return p;
}

char *nb_arena_strndup(nb_arena *a, const char *s, size_t n)
{
    char *p = nb_arena_alloc(a, n + 1);
    if (p == NULL) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *nb_arena_strdup(nb_arena *a, const char *s)
{
    return nb_arena_strndup(a, s, strlen(s));
}

void nb_arena_free(nb_arena *a)
{
    nb_arena_block *b = a->head;
    while (b != NULL) {
        nb_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->used_total = 0;
}
