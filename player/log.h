/* log.h - one line per event on stderr.  Under systemd (JOURNAL_STREAM set)
 * lines carry sd-daemon priority prefixes ("<4>") so the journal files them
 * with the right priority; on a terminal they read "warning: ...". */
#ifndef SIGNAGE_LOG_H
#define SIGNAGE_LOG_H

#include "diag.h"

typedef enum { LOG_ERR = 3, LOG_WARN = 4, LOG_INFO = 6, LOG_DEBUG = 7 } log_level;

void log_msg(log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Logs every entry of a diag list (errors as LOG_ERR, warnings as LOG_WARN). */
void log_diags(const diag_list *d);

#endif
