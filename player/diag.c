#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void diag_init(diag_list *d)
{
    memset(d, 0, sizeof *d);
}

void diag_free(diag_list *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->items[i].msg);
    free(d->items);
    diag_init(d);
}

static void diag_push(diag_list *d, diag_level level, char *msg)
{
    if (d->n >= DIAG_MAX) {
        d->dropped++;
        free(msg);
        return;
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        diag_entry *items = realloc(d->items, cap * sizeof *items);
        if (!items) {
            d->dropped++;
            free(msg);
            return;
        }
        d->items = items;
        d->cap = cap;
    }
    d->items[d->n].level = level;
    d->items[d->n].msg = msg;
    d->n++;
}

void diag_add(diag_list *d, diag_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    int r = vasprintf(&msg, fmt, ap);
    va_end(ap);
    if (r < 0) {
        d->dropped++;
        return;
    }
    diag_push(d, level, msg);
}

size_t diag_count(const diag_list *d, diag_level level)
{
    size_t c = 0;
    for (size_t i = 0; i < d->n; i++)
        if (d->items[i].level == level)
            c++;
    return c;
}

void diag_move(diag_list *dst, diag_list *src)
{
    for (size_t i = 0; i < src->n; i++)
        diag_push(dst, src->items[i].level, src->items[i].msg);
    dst->dropped += src->dropped;
    free(src->items);
    diag_init(src);
}
