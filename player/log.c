#include "log.h"

#include <errno.h> /* program_invocation_short_name */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void log_msg(log_level level, const char *fmt, ...)
{
    /* Read each time rather than cached in a global: logging is rare. */
    const char *verbose = getenv("SIGNAGE_DEBUG");
    if (level == LOG_DEBUG && !(verbose && *verbose && *verbose != '0'))
        return;
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (getenv("JOURNAL_STREAM")) {
        fprintf(stderr, "<%d>%s\n", (int)level, line);
    } else {
        const char *tag = level == LOG_ERR    ? "error: "
                          : level == LOG_WARN ? "warning: "
                          : level == LOG_DEBUG ? "debug: "
                                               : "";
        fprintf(stderr, "%s: %s%s\n", program_invocation_short_name, tag, line);
    }
}

void log_diags(const diag_list *d)
{
    for (size_t i = 0; i < d->n; i++)
        log_msg(d->items[i].level == DIAG_ERROR ? LOG_ERR : LOG_WARN, "%s", d->items[i].msg);
    if (d->dropped)
        log_msg(LOG_WARN, "%zu more problems not shown", d->dropped);
}
