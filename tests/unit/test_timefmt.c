// SPDX-License-Identifier: GPL-2.0
/* Time formatting: the fast ISO-8601 path agrees with gmtime, durations
 * read well. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "util/timefmt.h"

static void slow_iso(char *buf, size_t size, int64_t rt)
{
	time_t sec = rt / 1000000000LL;
	struct tm tm;

	gmtime_r(&sec, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (long long)(rt % 1000000000LL));
}

static void test_iso_matches_gmtime(void)
{
	const int64_t offset = 1795000000LL * 1000000000LL;	/* 2026 */
	const uint64_t boots[] = { 0, 1, 999999999, 1000000000, 123456789012,
				   86399999999999ULL, 86400000000000ULL };
	char fast[64], slow[64];

	for (size_t i = 0; i < sizeof(boots) / sizeof(boots[0]); i++) {
		size_t n = pl_time_iso(fast, sizeof(fast), boots[i], offset);

		slow_iso(slow, sizeof(slow), (int64_t)boots[i] + offset);
		CHECK_EQ_STR(fast, slow);
		CHECK_EQ_U64(n, strlen(slow));
	}
}

static void test_iso_same_second_cache(void)
{
	char a[64], b[64];

	/* the cached prefix must follow a change of second both ways */
	pl_time_iso(a, sizeof(a), 5000000001ULL, 0);
	pl_time_iso(b, sizeof(b), 4999999999ULL, 0);
	CHECK_EQ_STR(a, "1970-01-01T00:00:05.000000001Z");
	CHECK_EQ_STR(b, "1970-01-01T00:00:04.999999999Z");
	CHECK_EQ_U64(pl_time_iso(a, 10, 1, 0), 0);	/* too small: nothing */
}

static void test_durations(void)
{
	char buf[32];

	pl_fmt_duration(buf, sizeof(buf), 850, PL_DUR_SHORT);
	CHECK_EQ_STR(buf, "850ns");
	pl_fmt_duration(buf, sizeof(buf), 12300, PL_DUR_SHORT);
	CHECK_EQ_STR(buf, "12.3us");
	pl_fmt_duration(buf, sizeof(buf), 1230000, PL_DUR_SHORT);
	CHECK_EQ_STR(buf, "1.23ms");
	pl_fmt_duration(buf, sizeof(buf), 4560000000ULL, PL_DUR_SHORT);
	CHECK_EQ_STR(buf, "4.56s");
	pl_fmt_duration(buf, sizeof(buf), 123000000000ULL, PL_DUR_SHORT);
	CHECK_EQ_STR(buf, "2m03s");
	/* rounded once, in integers: never "1e+03us" */
	pl_fmt_duration(buf, sizeof(buf), 999600, PL_DUR_SHORT);
	CHECK_EQ_STR(buf, "1ms");
	pl_fmt_duration(buf, sizeof(buf), 20000000, PL_DUR_SHORT);
	CHECK_EQ_STR(buf, "20ms");
	pl_fmt_duration(buf, sizeof(buf), 20000000, PL_DUR_FIXED);
	CHECK_EQ_STR(buf, "20.0ms");
	pl_fmt_kib(buf, sizeof(buf), 512);
	CHECK_EQ_STR(buf, "512K");
	pl_fmt_kib(buf, sizeof(buf), 3481);
	CHECK_EQ_STR(buf, "3.4M");
}

int main(void)
{
	RUN(test_iso_matches_gmtime);
	RUN(test_iso_same_second_cache);
	RUN(test_durations);
	return CHECK_DONE();
}
