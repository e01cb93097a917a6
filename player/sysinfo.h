/* sysinfo.h - facts about this machine for the technician's screens:
 * host name and IP addresses.  Reads the system (getifaddrs, gethostname);
 * called off the render thread when the waiting screen is prepared. */
#ifndef SIGNAGE_SYSINFO_H
#define SIGNAGE_SYSINFO_H

#include <stddef.h>

/* Writes the non-loopback IPv4 and global IPv6 addresses, as
 * "eth0 192.168.1.20, wlan0 10.0.0.5", into buf (NUL-terminated, truncated
 * to buflen).  Writes "无网络地址 (no address)" when there are none.
 * Returns the number of addresses found. */
int sysinfo_addresses(char *buf, size_t buflen);

/* Host name into buf; "unknown" on failure. */
void sysinfo_hostname(char *buf, size_t buflen);

#endif
