/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tiny unit-test harness. Checks do not abort: a failure prints file:line,
 * the expression, expected and actual to stderr, and the test function keeps
 * going. Counts are per test function (it passes if all its checks pass).
 *
 *	static void test_foo(void)
 *	{
 *		CHECK_EQ_U64(foo(1), 2);	// actual first, expected second
 *		REQUIRE(p != NULL);		// on failure: return from the test
 *	}
 *
 *	int main(void)
 *	{
 *		RUN(test_foo);
 *		return CHECK_DONE();	// "test_X: N passed, N failed", 1 on failure
 *	}
 */
#ifndef PL_CHECK_H
#define PL_CHECK_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct check_state {
	const char *test;	/* test function running now, or NULL */
	unsigned int fails;	/* failed checks in it */
	unsigned int passed;	/* test functions */
	unsigned int failed;
};

static struct check_state check_state __attribute__((unused));

static inline void check_fail_at(const char *file, int line, const char *expr)
{
	check_state.fails++;
	fprintf(stderr, "%s:%d: %s: check failed: %s\n", file, line,
		check_state.test ? check_state.test : "(main)", expr);
}

/* Print len bytes readably: printable ASCII as is, the rest as \xNN. */
static inline void check_dump(const char *what, const void *p, size_t len)
{
	const unsigned char *s = p;
	size_t max = len < 256 ? len : 256;
	size_t i;

	fprintf(stderr, "    %-8s (%zu bytes) \"", what, len);
	for (i = 0; i < max; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\' && s[i] != '"')
			fputc(s[i], stderr);
		else
			fprintf(stderr, "\\x%02x", s[i]);
	}
	fprintf(stderr, "\"%s\n", max < len ? "..." : "");
}

static inline bool check_bool(bool ok, const char *file, int line,
			      const char *expr)
{
	if (!ok)
		check_fail_at(file, line, expr);
	return ok;
}

static inline bool check_u64(uint64_t a, uint64_t b, const char *file,
			     int line, const char *expr)
{
	if (a == b)
		return true;
	check_fail_at(file, line, expr);
	fprintf(stderr, "    expected %" PRIu64 " (0x%" PRIx64 ")\n", b, b);
	fprintf(stderr, "    actual   %" PRIu64 " (0x%" PRIx64 ")\n", a, a);
	return false;
}

static inline bool check_i64(int64_t a, int64_t b, const char *file, int line,
			     const char *expr)
{
	if (a == b)
		return true;
	check_fail_at(file, line, expr);
	fprintf(stderr, "    expected %" PRId64 "\n", b);
	fprintf(stderr, "    actual   %" PRId64 "\n", a);
	return false;
}

static inline bool check_mem(const void *a, size_t alen, const void *b,
			     size_t blen, const char *file, int line,
			     const char *expr)
{
	const unsigned char *x = a, *y = b;
	size_t i;

	if (alen == blen && (!alen || memcmp(a, b, alen) == 0))
		return true;
	check_fail_at(file, line, expr);
	for (i = 0; i < alen && i < blen && x[i] == y[i]; i++)
		;
	fprintf(stderr, "    first difference at byte %zu\n", i);
	check_dump("expected", b, blen);
	check_dump("actual", a, alen);
	return false;
}

static inline bool check_str(const char *a, const char *b, const char *file,
			     int line, const char *expr)
{
	if (a && b)
		return check_mem(a, strlen(a), b, strlen(b), file, line, expr);
	if (a == b)
		return true;
	check_fail_at(file, line, expr);
	fprintf(stderr, "    expected %s\n    actual   %s\n",
		b ? b : "(null)", a ? a : "(null)");
	return false;
}

/* Each returns true if the check passed, so "if (!CHECK(x)) return;" works. */
#define CHECK(cond) check_bool(!!(cond), __FILE__, __LINE__, #cond)
#define CHECK_EQ_U64(actual, expected)					\
	check_u64((uint64_t)(actual), (uint64_t)(expected), __FILE__,	\
		  __LINE__, #actual " == " #expected)
#define CHECK_EQ_I64(actual, expected)					\
	check_i64((int64_t)(actual), (int64_t)(expected), __FILE__,	\
		  __LINE__, #actual " == " #expected)
#define CHECK_EQ_STR(actual, expected)					\
	check_str((actual), (expected), __FILE__, __LINE__,		\
		  #actual " == " #expected)
#define CHECK_EQ_MEM(actual, alen, expected, elen)			\
	check_mem((actual), (alen), (expected), (elen), __FILE__,	\
		  __LINE__, #actual " == " #expected)

/* Fail the check and end the current test function. */
#define REQUIRE(cond)							\
	do {								\
		if (!CHECK(cond))					\
			return;						\
	} while (0)

static inline void check_run(const char *name, void (*fn)(void))
{
	check_state.test = name;
	check_state.fails = 0;
	fn();
	if (check_state.fails) {
		check_state.failed++;
		fprintf(stderr, "FAIL %s (%u failed checks)\n", name,
			check_state.fails);
	} else {
		check_state.passed++;
	}
	check_state.test = NULL;
	check_state.fails = 0;
}

#define RUN(fn) check_run(#fn, fn)

/* Summary line named after the test's source file; returns the exit status. */
static inline int check_done(const char *file)
{
	const char *base = strrchr(file, '/');
	size_t n;

	base = base ? base + 1 : file;
	n = strlen(base);
	if (n > 2 && strcmp(base + n - 2, ".c") == 0)
		n -= 2;
	/* Checks made outside any test function count as one failed test. */
	if (check_state.fails)
		check_state.failed++;
	fflush(stderr);
	printf("%.*s: %u passed, %u failed\n", (int)n, base,
	       check_state.passed, check_state.failed);
	fflush(stdout);
	return check_state.failed ? 1 : 0;
}

#define CHECK_DONE() check_done(__FILE__)

#endif
