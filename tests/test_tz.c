/* tz: our TZif reader against glibc's localtime_r (TZ set per zone - in
 * this test only) over many instants, DST edges included. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "tz.h"

static void compare_zone(const char *name)
{
    tz_zone *z = NULL;
    char err[256];
    CHECK_MSG(tz_load(name, NULL, &z, err, sizeof err) == 0, "%s: %s", name, err);
    if (!z)
        return;
    char env[128];
    snprintf(env, sizeof env, ":%s", name);
    setenv("TZ", env, 1);
    tzset();
    int bad = 0;
    /* every ~7 hours from 1970 to 2045, plus both sides of each hour edge */
    for (int64_t t = 0; t < 2366841600ll; t += 25147) {
        for (int d = -1; d <= 1; d++) {
            int64_t u = t - t % 3600 + d;
            time_t tt = (time_t)u;
            struct tm tm;
            localtime_r(&tt, &tm);
            tz_local l;
            tz_to_local(z, u, &l);
            if (l.year != tm.tm_year + 1900 || l.mon != tm.tm_mon + 1 || l.mday != tm.tm_mday ||
                l.hour != tm.tm_hour || l.min != tm.tm_min || l.sec != tm.tm_sec ||
                l.wday != tm.tm_wday || l.utc_offset != tm.tm_gmtoff) {
                if (bad++ < 3)
                    fprintf(stderr,
                            "%s at %lld: ours %04d-%02d-%02d %02d:%02d:%02d w%d %+d, "
                            "glibc %04d-%02d-%02d %02d:%02d:%02d w%d %+ld\n",
                            name, (long long)u, l.year, l.mon, l.mday, l.hour, l.min, l.sec,
                            l.wday, l.utc_offset, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                            tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_wday, tm.tm_gmtoff);
            }
        }
    }
    CHECK_MSG(bad == 0, "%s: %d instants differ from glibc", name, bad);
    CHECK_STR(tz_name(z), name);
    tz_free(z);
}

static void test_refused(void)
{
    const char *bad[] = {"../etc/passwd", "/etc/localtime", "Asia/Shang hai", "", "Asia/..",
                         "Mars/Olympus"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tz_zone *z = NULL;
        char err[256] = "";
        CHECK_MSG(tz_load(bad[i], NULL, &z, err, sizeof err) == -1, "accepted %s", bad[i]);
        CHECK(err[0] != '\0');
        tz_free(z);
    }
}

static void test_corrupt(void)
{
    /* truncated and garbled copies of a real zone file must be refused */
    char dir[512];
    snprintf(dir, sizeof dir, "%s/tzcorrupt", SIGNAGE_TEST_TMP);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "mkdir -p %s/Test", dir);
    CHECK_INT(system(cmd), 0);
    FILE *f = fopen("/usr/share/zoneinfo/America/New_York", "rb");
    CHECK(f != NULL);
    if (!f)
        return;
    unsigned char buf[8192];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    size_t cuts[] = {3, 20, 44, 60, 200, n / 2};
    for (size_t k = 0; k < sizeof cuts / sizeof cuts[0]; k++) {
        char p[600];
        snprintf(p, sizeof p, "%s/Test/Cut", dir);
        FILE *o = fopen(p, "wb");
        fwrite(buf, 1, cuts[k], o);
        fclose(o);
        tz_zone *z = NULL;
        char err[256];
        int r = tz_load("Test/Cut", dir, &z, err, sizeof err);
        /* a cut inside the v2 part may leave a usable v1 file; either way no crash */
        if (r == 0) {
            tz_local l;
            tz_to_local(z, 1700000000, &l);
            CHECK(l.year >= 2023 && l.year <= 2024);
        }
        tz_free(z);
    }
    srand(7);
    for (int round = 0; round < 300; round++) {
        unsigned char m[8192];
        memcpy(m, buf, n);
        for (int j = 0; j < 8; j++)
            m[rand() % n] = (unsigned char)rand();
        char p[600];
        snprintf(p, sizeof p, "%s/Test/Garbled", dir);
        FILE *o = fopen(p, "wb");
        fwrite(m, 1, n, o);
        fclose(o);
        tz_zone *z = NULL;
        char err[256];
        if (tz_load("Test/Garbled", dir, &z, err, sizeof err) == 0) {
            tz_local l;
            tz_to_local(z, (int64_t)rand() * 7, &l);
            CHECK(l.mon >= 1 && l.mon <= 12 && l.hour >= 0 && l.hour < 24);
        }
        tz_free(z);
    }
}

static void test_fixed(void)
{
    tz_zone *z = tz_fixed(8 * 3600);
    tz_local l;
    tz_to_local(z, 1795487400, &l); /* 2026-11-24T02:30:00Z */
    CHECK_INT(l.year, 2026);
    CHECK_INT(l.mon, 11);
    CHECK_INT(l.mday, 24);
    CHECK_INT(l.hour, 10);
    CHECK_INT(l.min, 30);
    CHECK_INT(l.wday, 2); /* Tuesday */
    CHECK_STR(tz_name(z), "UTC+08:00");
    tz_free(z);
    z = tz_fixed(-(3 * 3600 + 1800));
    tz_to_local(z, 0, &l);
    CHECK_INT(l.year, 1969);
    CHECK_INT(l.hour, 20);
    CHECK_INT(l.min, 30);
    tz_free(z);
}

int main(void)
{
    const char *zones[] = {"Asia/Shanghai",   "America/New_York", "Europe/Berlin",
                           "Australia/Lord_Howe", "Asia/Kolkata",  "Pacific/Chatham",
                           "America/Sao_Paulo", "UTC",           "Europe/Dublin",
                           "America/Santiago"};
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++)
        compare_zone(zones[i]);
    test_refused();
    test_corrupt();
    test_fixed();
    return check_done("tz");
}
