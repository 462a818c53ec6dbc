// SPDX-License-Identifier: GPL-2.0
#include <time.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/timefmt.h"

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t pl_now_boot_ns(void)
{
	return clock_ns(CLOCK_BOOTTIME);
}

/* Bracket the realtime read with two boottime reads and keep the tightest
 * of a few tries, so the offset is good to a microsecond or better. */
int64_t pl_boot_offset_ns(void)
{
	int64_t best = 0;
	uint64_t best_gap = UINT64_MAX;

	for (int i = 0; i < 5; i++) {
		uint64_t b0 = clock_ns(CLOCK_BOOTTIME);
		uint64_t rt = clock_ns(CLOCK_REALTIME);
		uint64_t b1 = clock_ns(CLOCK_BOOTTIME);

		if (b1 - b0 < best_gap) {
			best_gap = b1 - b0;
			best = (int64_t)rt - (int64_t)(b0 + (b1 - b0) / 2);
		}
	}
	return best;
}

/* Wall-clock ns of a trace timestamp. No real clock gets near overflow:
 * corrupt input reads as the epoch. */
static int64_t realtime_of(uint64_t boot_ns, int64_t boot_offset_ns)
{
	int64_t rt;

	if (boot_ns > INT64_MAX ||
	    __builtin_add_overflow((int64_t)boot_ns, boot_offset_ns, &rt))
		return 0;
	return rt;
}

/* Every event of one second shares the date and time: format that part
 * once per second, the nanoseconds by hand (this is on the hot path). */
size_t pl_time_iso(char *buf, size_t size, uint64_t boot_ns, int64_t boot_offset_ns)
{
	static __thread time_t cached_sec = -1;
	static __thread char prefix[80];	/* "2026-11-24T14:00:00." */
	int64_t rt = realtime_of(boot_ns, boot_offset_ns);
	time_t sec;
	long nsec;
	char *p;

	sec = (time_t)(rt / 1000000000LL);
	nsec = (long)(rt % 1000000000LL);

	if (size < 31)
		return 0;
	if (nsec < 0) {
		nsec += 1000000000L;
		sec--;
	}
	if (sec != cached_sec) {
		struct tm tm;

		gmtime_r(&sec, &tm);
		snprintf(prefix, sizeof(prefix), "%04d-%02d-%02dT%02d:%02d:%02d.",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec);
		cached_sec = sec;
	}
	memcpy(buf, prefix, 20);
	p = buf + 29;
	*p-- = 'Z';
	for (int i = 0; i < 9; i++, nsec /= 10)
		*p-- = (char)('0' + nsec % 10);
	buf[30] = '\0';
	return 30;
}

/* As pl_time_iso: the local time of day is formatted once per second. */
size_t pl_time_hms(char *buf, size_t size, uint64_t boot_ns, int64_t boot_offset_ns)
{
	static __thread time_t cached_sec = -1;
	static __thread char prefix[64];	/* "14:00:00." */
	int64_t rt = realtime_of(boot_ns, boot_offset_ns);
	time_t sec = (time_t)(rt / 1000000000LL);
	long usec = (long)((rt % 1000000000LL) / 1000);
	char *p;

	if (size < 16) {
		if (size)
			buf[0] = '\0';
		return 0;
	}
	if (usec < 0) {
		usec += 1000000L;
		sec--;
	}
	if (sec != cached_sec) {
		struct tm tm;

		localtime_r(&sec, &tm);
		snprintf(prefix, sizeof(prefix), "%02d:%02d:%02d.",
			 tm.tm_hour, tm.tm_min, tm.tm_sec);
		cached_sec = sec;
	}
	memcpy(buf, prefix, 9);
	p = buf + 14;
	for (int i = 0; i < 6; i++, usec /= 10)
		*p-- = (char)('0' + usec % 10);
	buf[15] = '\0';
	return 15;
}

/* snprintf's result as a length that fits in buf. */
static size_t clamp(int n, size_t size)
{
	if (n < 0)
		return 0;
	return (size_t)n < size ? (size_t)n : (size ? size - 1 : 0);
}

/* v / 10^decimals with its decimals and unit: "1.20ms", or "1.2ms" when
 * trimmed of trailing zeros. */
static size_t put_scaled(char *buf, size_t size, unsigned long long v,
			 int decimals, const char *unit, bool trim)
{
	while (trim && decimals && v % 10 == 0) {
		v /= 10;
		decimals--;
	}
	if (!decimals)
		return clamp(snprintf(buf, size, "%llu%s", v, unit), size);
	return clamp(snprintf(buf, size, "%llu.%0*llu%s",
			      v / (decimals == 2 ? 100 : 10), decimals,
			      v % (decimals == 2 ? 100 : 10), unit), size);
}

size_t pl_fmt_duration(char *buf, size_t size, uint64_t ns,
		       enum pl_dur_style style)
{
	static const struct {
		uint64_t div;
		uint64_t limit;		/* first value too big for the unit */
		const char *unit;
	} units[] = {
		{ 1000ULL, 1000, "us" },
		{ 1000000ULL, 1000, "ms" },
		{ 1000000000ULL, 100, "s" },	/* then minutes */
	};
	bool trim = style == PL_DUR_SHORT;
	unsigned long long s;

	if (ns < 1000)
		return clamp(snprintf(buf, size, "%lluns", (unsigned long long)ns),
			     size);
	/* Integer arithmetic: no locale decimal comma, no float rounding. */
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		uint64_t div = units[i].div, q = ns / div, r = ns % div;
		/* hundredths, tenths and units, each rounded from ns once */
		unsigned long long c = q * 100 + (r * 100 + div / 2) / div;
		unsigned long long t = q * 10 + (r * 10 + div / 2) / div;
		unsigned long long w = q + (r * 2 >= div);
		const char *u = units[i].unit;

		if (c < 1000)
			return put_scaled(buf, size, c, 2, u, trim);
		if (t < 1000 && t / 10 < units[i].limit)
			return put_scaled(buf, size, t, 1, u, trim);
		if (w < units[i].limit)
			return put_scaled(buf, size, w, 0, u, trim);
	}
	s = (ns + 500000000ULL) / 1000000000ULL;
	if (s < 3600)
		return clamp(snprintf(buf, size, "%llum%02llus", s / 60, s % 60),
			     size);
	s = (s + 30) / 60;
	return clamp(snprintf(buf, size, "%lluh%02llum", s / 60, s % 60), size);
}

size_t pl_fmt_kib(char *buf, size_t size, uint64_t kib)
{
	int n;

	if (kib < 1024)
		n = snprintf(buf, size, "%lluK", (unsigned long long)kib);
	else if (kib < 1024 * 1024)
		n = snprintf(buf, size, "%.3gM", kib / 1024.0);
	else
		n = snprintf(buf, size, "%.3gG", kib / (1024.0 * 1024.0));
	return n < 0 ? 0 : ((size_t)n < size ? (size_t)n : size - 1);
}
