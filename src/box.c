#include "box.h"

#include <string.h>

void nb_layout_init(nb_layout *l)
{
    memset(l, 0, sizeof *l);
}

void nb_layout_free(nb_layout *l)
{
    nb_arena_free(&l->arena);
    memset(l, 0, sizeof *l);
}

nb_page *nb_layout_add_page(nb_layout *l, float width, float height)
{
    if (l->npages == l->cap_pages) {
        size_t cap = l->cap_pages ? l->cap_pages * 2 : 8;
        nb_page *p = nb_arena_grow(&l->arena, l->pages, l->cap_pages * sizeof *p, cap * sizeof *p);
        if (p == NULL) return NULL;
        l->pages = p;
        l->cap_pages = cap;
    }
    nb_page *page = &l->pages[l->npages++];
    memset(page, 0, sizeof *page);
    page->width = width;
    page->height = height;
    return page;
}

nb_box *nb_page_add_box(nb_layout *l, nb_page *p)
{
    if (p->nboxes == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        nb_box *b = nb_arena_grow(&l->arena, p->boxes, p->cap * sizeof *b, cap * sizeof *b);
        if (b == NULL) return NULL;
        p->boxes = b;
        p->cap = cap;
    }
    nb_box *box = &p->boxes[p->nboxes++];
    memset(box, 0, sizeof *box);
    return box;
}

nb_code nb_layout_add_outline(nb_layout *l, int level, const char *title, size_t page, float y,
                              nb_status *st)
{
    if (l->noutline == l->cap_outline) {
        size_t cap = l->cap_outline ? l->cap_outline * 2 : 16;
        nb_outline_entry *o =
            nb_arena_grow(&l->arena, l->outline, l->cap_outline * sizeof *o, cap * sizeof *o);
        if (o == NULL) return nb_fail(st, NB_ERR_NOMEM, "out of memory (outline)");
        l->outline = o;
        l->cap_outline = cap;
    }
    char *t = nb_arena_strdup(&l->arena, title);
    if (t == NULL) return nb_fail(st, NB_ERR_NOMEM, "out of memory (outline)");
    l->outline[l->noutline++] = (nb_outline_entry){level, t, page, y};
    return NB_OK;
}

static void dump_text(const nb_box *b, FILE *out)
{
    /* The run's characters in glyph order (each cluster once). */
    fputc('"', out);
    for (size_t i = 0; i < b->nglyphs; i++) {
        const nb_box_glyph *g = &b->glyphs[i];
        if (g->text_len == 0) continue;
        for (uint32_t k = 0; k < g->text_len; k++) {
            char c = b->text[g->text_off + k];
            if (c == '"' || c == '\\') fputc('\\', out);
            fputc(c, out);
        }
    }
    fputc('"', out);
}

void nb_layout_dump(const nb_layout *l, FILE *out)
{
    for (size_t p = 0; p < l->npages; p++) {
        const nb_page *page = &l->pages[p];
        fprintf(out, "page %zu %.2fx%.2f\n", p + 1, page->width, page->height);
        for (size_t i = 0; i < page->nboxes; i++) {
            const nb_box *b = &page->boxes[i];
            if (b->kind == NB_BOX_TEXT) {
                float x0 = b->nglyphs ? b->glyphs[0].x : 0;
                float x1 = x0;
                if (b->nglyphs) x1 = b->glyphs[b->nglyphs - 1].x;
                fprintf(out, "text %.2f %.2f %.2f %.2f %s ", x0, b->y, x1, b->size,
                        b->font && b->font->postscript_name ? b->font->postscript_name : "?");
                dump_text(b, out);
                fputc('\n', out);
            } else {
                fprintf(out, "rule %.2f %.2f %.2f %.2f %.2f\n", b->x0, b->y0, b->x1, b->y1,
                        b->width);
            }
        }
    }
    for (size_t i = 0; i < l->noutline; i++) {
        const nb_outline_entry *o = &l->outline[i];
        fprintf(out, "outline %d page %zu %.2f %s\n", o->level, o->page + 1, o->y, o->title);
    }
}
