/* report.h - tells the world what the player is doing, on its own thread:
 *   - the status file (status_json), rewritten atomically whenever the board
 *     changes and at least every REPORT_FILE_INTERVAL seconds;
 *   - a heartbeat: the same JSON POSTed to {server}/api/v1/displays/{id}/status
 *     every `heartbeat_interval` seconds (failures ignored);
 *   - a screenshot, when the heartbeat's reply asks for one
 *     ({"screenshot": true}): the render thread hands over its frame through
 *     the board, this thread scales it to at most 640 px wide, encodes a JPEG
 *     and POSTs it to .../screenshot.
 * Nothing here can slow the render loop: it only reads the board.
 *
 * Ownership: report_start() borrows `board` and copies the strings.
 */
#ifndef SIGNAGE_REPORT_H
#define SIGNAGE_REPORT_H

#include <stddef.h>

#include "fetch.h"
#include "status.h"

#define REPORT_FILE_INTERVAL 5.0
#define REPORT_SHOT_WIDTH 640

typedef struct report report;

typedef struct report_opts {
    const char *status_file;   /* NULL: no file */
    const char *status_url;    /* heartbeat URL, NULL: no heartbeat */
    const char *screenshot_url;
    double heartbeat_interval;
    fetch_opts net;            /* stop is set by report itself */
    status_board *board;
} report_opts;

int report_start(const report_opts *o, report **out, char *err, size_t errlen);
/* Writes the status file one last time, stops and frees. */
void report_stop(report *r);

#endif
