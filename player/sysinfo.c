/* sysinfo.c - host name and addresses for the waiting screen, so a
 * technician standing in front of the screen can reach the Pi. */
#include "sysinfo.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Copies s into buf, cut at a character boundary so a short buffer never
 * ends in half a UTF-8 sequence (the text is drawn on screen). */
static void copy_utf8(char *buf, size_t buflen, const char *s)
{
    size_t n = strlen(s);
    if (n >= buflen) {
        n = buflen - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
}

/* Formats one usable address as "ifname addr"; false for addresses nobody
 * else could use to reach this machine. */
static bool format_address(const struct ifaddrs *i, char *out, size_t outlen)
{
    if (!i->ifa_addr || !i->ifa_name || (i->ifa_flags & IFF_LOOPBACK) || !(i->ifa_flags & IFF_UP))
        return false;
    char addr[INET6_ADDRSTRLEN];
    if (i->ifa_addr->sa_family == AF_INET) {
        const struct sockaddr_in *a4 = (const struct sockaddr_in *)(const void *)i->ifa_addr;
        if ((ntohl(a4->sin_addr.s_addr) >> 24) == 127)
            return false;
        if (!inet_ntop(AF_INET, &a4->sin_addr, addr, sizeof addr))
            return false;
    } else if (i->ifa_addr->sa_family == AF_INET6) {
        const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)(const void *)i->ifa_addr;
        /* fe80::/10 is only reachable on the same link and needs a zone
         * suffix to be typed anywhere: noise on a screen. */
        if (IN6_IS_ADDR_LINKLOCAL(&a6->sin6_addr) || IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr))
            return false;
        if (!inet_ntop(AF_INET6, &a6->sin6_addr, addr, sizeof addr))
            return false;
    } else {
        return false;
    }
    snprintf(out, outlen, "%s %s", i->ifa_name, addr);
    return true;
}

int sysinfo_addresses(char *buf, size_t buflen)
{
    if (!buf || buflen == 0)
        return 0;
    buf[0] = '\0';
    struct ifaddrs *ifs = NULL;
    int found = 0;
    size_t used = 0;
    bool full = false;
    if (getifaddrs(&ifs) == 0) {
        for (const struct ifaddrs *i = ifs; i; i = i->ifa_next) {
            char one[IF_NAMESIZE + INET6_ADDRSTRLEN + 8];
            if (!format_address(i, one, sizeof one))
                continue;
            found++;
            if (full)
                continue; /* still counted */
            /* Whole entries only: half an address is worse than none. */
            const char *sep = used ? ", " : "";
            size_t need = strlen(sep) + strlen(one);
            if (used + need >= buflen) {
                full = true;
                continue;
            }
            snprintf(buf + used, buflen - used, "%s%s", sep, one);
            used += need;
        }
        freeifaddrs(ifs);
    }
    if (!found)
        copy_utf8(buf, buflen, "无网络地址 (no address)");
    return found;
}

void sysinfo_hostname(char *buf, size_t buflen)
{
    if (!buf || buflen == 0)
        return;
    /* gethostname does not promise a terminator when the name is cut */
    if (gethostname(buf, buflen) != 0 || memchr(buf, '\0', buflen) == NULL || !buf[0])
        copy_utf8(buf, buflen, "unknown");
}
