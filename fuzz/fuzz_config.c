/* fuzz_config.c - the player's config file (player/config.c) and the
 * screen-off schedule it holds (player/power.c).
 *
 * The input is the text of a config file, read through config_load_text(),
 * the same line parser config_load_file() uses after reading the file.
 * What the file set up is then used as the player uses it: the size is
 * within its documented range, and a screen_off schedule is evaluated and
 * written out with power_describe(), whose promise is that power_parse()
 * reads the text back to the same schedule (checked by describing again). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "diag.h"
#include "power.h"
#include "tz.h"

static const int64_t INSTANTS[] = {0, 1767225600 /* 2026-01-01 */, 1780000000, 4102444800};

static void use_power(const power_schedule *p)
{
    tz_zone *zone = tz_fixed(8 * 3600);
    for (size_t i = 0; i < sizeof INSTANTS / sizeof INSTANTS[0]; i++) {
        int64_t next = 0;
        (void)power_off_at(p, INSTANTS[i], zone, &next);
        if (next <= INSTANTS[i] || next > INSTANTS[i] + POWER_HORIZON)
            abort(); /* "the first instant after utc", at most the horizon */
    }
    tz_free(zone);

    char text[4096], again[4096];
    if (power_describe(p, text, sizeof text) != 0)
        return;                             /* too long for this buffer: nothing promised */
    if (strcmp(text, "never") == 0) return; /* the one form it does not read back */
    power_schedule *q = NULL;
    char err[512];
    if (power_parse(text, &q, err, sizeof err) != 0) abort(); /* its own description must parse */
    if (power_describe(q, again, sizeof again) != 0 || strcmp(text, again) != 0)
        abort(); /* ... to the same schedule */
    power_free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    player_config c;
    config_init(&c);
    diag_list d;
    diag_init(&d);
    int rc = config_load_text(&c, (const char *)data, size, "fuzz.conf", &d);
    if (rc != 0 && diag_count(&d, DIAG_ERROR) == 0 && d.dropped == 0)
        abort(); /* a failure always says why (unless past the list's cap) */
    if (!((c.width == 0 && c.height == 0) ||
          (c.width >= 64 && c.width <= 16384 && c.height >= 64 && c.height <= 16384)))
        abort();
    if (c.rotate != 0 && c.rotate != 90 && c.rotate != 180 && c.rotate != 270) abort();
    if (c.screen_off) use_power(c.screen_off);
    (void)config_syncs(&c);
    config_free(&c);
    diag_free(&d);
    return 0;
}
