/* SPDX-License-Identifier: GPL-2.0 */
/* The one place that turns trace timestamps (CLOCK_BOOTTIME ns) into text. */
#ifndef PL_TIMEFMT_H
#define PL_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* realtime - boottime, sampled once at start: add to a trace timestamp. */
int64_t pl_boot_offset_ns(void);
/* Current CLOCK_BOOTTIME in ns. */
uint64_t pl_now_boot_ns(void);
/* "2026-11-24T14:00:00.123456789Z" (UTC). Returns the length. */
size_t pl_time_iso(char *buf, size_t size, uint64_t boot_ns, int64_t boot_offset_ns);
/* "14:00:00.123456" local time, for the text stream. Returns the length. */
size_t pl_time_hms(char *buf, size_t size, uint64_t boot_ns, int64_t boot_offset_ns);

enum pl_dur_style {
	PL_DUR_SHORT,	/* trailing zeros dropped: "1.2s", "20ms" (stream, summary, chart) */
	PL_DUR_FIXED,	/* always 3 digits: "1.20s", "20.0ms" (the --tree columns) */
};
/* A duration for people, the one formatter of every output: 3 significant
 * digits, rounded once in integers: "850ns", "12.3us", "1.23ms", "4.56s",
 * "2m03s", "1h02m". Returns the length. */
size_t pl_fmt_duration(char *buf, size_t size, uint64_t ns,
		       enum pl_dur_style style);
/* Human size from KiB: "512K", "3.4M", "1.2G". */
size_t pl_fmt_kib(char *buf, size_t size, uint64_t kib);

#endif
