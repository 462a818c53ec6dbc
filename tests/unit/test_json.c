// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the JSON writer (src/util/json.c), the shared field writers
 * over it (src/util/json_fields.c) and the buffered writer under it
 * (src/util/outbuf.c).
 *
 * With PROCLIFE_JSON_ROUNDTRIP=FILE set, the random round-trip test also
 * writes its cases to FILE as JSON Lines {"hex": ..., "s": ...} for
 * tests/unit/json_roundtrip.py to check with Python's own JSON decoder.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "util/json.h"
#include "util/json_fields.h"
#include "util/outbuf.h"

/* ---- capture: an outbuf over a memfd, read back after a flush ---- */

struct cap {
	int fd;
	struct outbuf ob;
	struct json j;
	char *out;		/* what reached the fd, NUL-terminated */
	size_t len;
};

static bool cap_open(struct cap *c, size_t bufcap)
{
	memset(c, 0, sizeof(*c));
	c->fd = memfd_create("test_json", 0);
	if (c->fd < 0)
		return false;
	if (outbuf_init(&c->ob, c->fd, bufcap)) {
		close(c->fd);
		return false;
	}
	json_init(&c->j, &c->ob);
	return true;
}

/* Bytes that reached the fd so far, without flushing. */
static size_t cap_size(struct cap *c)
{
	struct stat st;

	if (fstat(c->fd, &st))
		return (size_t)-1;
	return (size_t)st.st_size;
}

static const char *cap_read(struct cap *c)
{
	size_t size, n = 0;

	outbuf_flush(&c->ob);
	free(c->out);
	c->out = NULL;
	c->len = 0;
	size = cap_size(c);
	if (size == (size_t)-1)
		return "";
	c->out = malloc(size + 1);
	if (!c->out)
		return "";
	while (n < size) {
		ssize_t r = pread(c->fd, c->out + n, size - n, (off_t)n);

		if (r <= 0)
			break;
		n += (size_t)r;
	}
	c->out[n] = '\0';
	c->len = n;
	return c->out;
}

static void cap_close(struct cap *c)
{
	outbuf_free(&c->ob);
	if (c->fd >= 0)
		close(c->fd);
	free(c->out);
	c->out = NULL;
}

/* Compare everything written so far with a string literal. */
#define CHECK_OUT(c, lit)						\
	do {								\
		const char *o_ = cap_read(c);				\
		CHECK_EQ_MEM(o_, (c)->len, lit, sizeof(lit) - 1);	\
	} while (0)

/* json_escape of a literal (embedded NULs kept) compared with a literal. */
#define CHECK_ESC(in, want)						\
	do {								\
		struct cap c_;						\
		if (!CHECK(cap_open(&c_, 0)))				\
			break;						\
		json_escape(&c_.ob, in, sizeof(in) - 1);		\
		CHECK_OUT(&c_, want);					\
		cap_close(&c_);						\
	} while (0)

/* ---- structure: nesting, commas, keys ---- */

static void test_empty_containers(void)
{
	struct cap c;

	REQUIRE(cap_open(&c, 0));
	json_obj_begin(&c.j);
	json_obj_end(&c.j);
	CHECK_OUT(&c, "{}");
	cap_close(&c);

	REQUIRE(cap_open(&c, 0));
	json_arr_begin(&c.j);
	json_arr_end(&c.j);
	CHECK_OUT(&c, "[]");
	cap_close(&c);

	REQUIRE(cap_open(&c, 0));
	json_arr_begin(&c.j);
	json_arr_begin(&c.j);
	json_arr_end(&c.j);
	json_obj_begin(&c.j);
	json_obj_end(&c.j);
	json_arr_begin(&c.j);
	json_arr_end(&c.j);
	json_arr_end(&c.j);
	CHECK_OUT(&c, "[[],{},[]]");
	cap_close(&c);

	REQUIRE(cap_open(&c, 0));
	json_obj_begin(&c.j);
	json_key(&c.j, "a");
	json_obj_begin(&c.j);
	json_obj_end(&c.j);
	json_key(&c.j, "b");
	json_arr_begin(&c.j);
	json_arr_end(&c.j);
	json_kv_u64(&c.j, "c", 1);
	json_obj_end(&c.j);
	CHECK_OUT(&c, "{\"a\":{},\"b\":[],\"c\":1}");
	cap_close(&c);
}

static void test_nesting_commas(void)
{
	struct cap c;

	REQUIRE(cap_open(&c, 0));
	json_obj_begin(&c.j);
	json_key(&c.j, "procs");
	json_arr_begin(&c.j);
	json_obj_begin(&c.j);
	json_kv_u64(&c.j, "pid", 1);
	json_key(&c.j, "argv");
	json_arr_begin(&c.j);
	json_str(&c.j, "init");
	json_str(&c.j, "--x");
	json_arr_end(&c.j);
	json_kv_bool(&c.j, "alive", true);
	json_obj_end(&c.j);
	json_obj_begin(&c.j);
	json_kv_u64(&c.j, "pid", 2);
	json_key(&c.j, "exit");
	json_obj_begin(&c.j);
	json_kv_i64(&c.j, "code", -1);
	json_kv_null(&c.j, "signal");
	json_obj_end(&c.j);
	json_obj_end(&c.j);
	json_arr_end(&c.j);
	json_key(&c.j, "deep");
	json_arr_begin(&c.j);
	json_arr_begin(&c.j);
	json_arr_begin(&c.j);
	json_u64(&c.j, 7);
	json_arr_end(&c.j);
	json_u64(&c.j, 8);
	json_arr_end(&c.j);
	json_u64(&c.j, 9);
	json_arr_end(&c.j);
	json_kv_str(&c.j, "end", "x");
	json_obj_end(&c.j);
	CHECK_OUT(&c, "{\"procs\":[{\"pid\":1,\"argv\":[\"init\",\"--x\"],"
		      "\"alive\":true},{\"pid\":2,\"exit\":{\"code\":-1,"
		      "\"signal\":null}}],\"deep\":[[[7],8],9],\"end\":\"x\"}");
	CHECK_EQ_U64(c.j.depth, 0);
	cap_close(&c);
}

static void test_max_depth(void)
{
	char want[JSON_MAX_DEPTH * 6 + 8];
	struct cap c;
	size_t n = 0;
	int i, d;

	/* JSON_MAX_DEPTH levels, each [1,child,2]: commas right at every depth */
	REQUIRE(cap_open(&c, 0));
	for (i = 0; i < JSON_MAX_DEPTH; i++) {
		json_arr_begin(&c.j);
		json_u64(&c.j, 1);
		n += (size_t)sprintf(want + n, i < JSON_MAX_DEPTH - 1 ? "[1," : "[1");
	}
	CHECK_EQ_U64(c.j.depth, JSON_MAX_DEPTH);
	for (i = 0; i < JSON_MAX_DEPTH; i++) {
		json_arr_end(&c.j);
		want[n++] = ']';
		if (i < JSON_MAX_DEPTH - 1) {
			json_u64(&c.j, 2);
			n += (size_t)sprintf(want + n, ",2");
		}
	}
	cap_read(&c);
	CHECK_EQ_MEM(c.out, c.len, want, n);
	CHECK_EQ_U64(c.j.depth, 0);
	cap_close(&c);

	/* empty inner levels, at every depth, keep the outer level's commas */
	for (d = 2; d <= JSON_MAX_DEPTH; d++) {
		REQUIRE(cap_open(&c, 0));
		n = 0;
		json_arr_begin(&c.j);
		json_u64(&c.j, 1);
		n += (size_t)sprintf(want + n, "[1,");
		for (i = 1; i < d; i++) {
			json_arr_begin(&c.j);
			want[n++] = '[';
		}
		for (i = 1; i < d; i++) {
			json_arr_end(&c.j);
			want[n++] = ']';
		}
		json_u64(&c.j, 2);
		json_arr_end(&c.j);
		n += (size_t)sprintf(want + n, ",2]");
		cap_read(&c);
		if (!CHECK_EQ_MEM(c.out, c.len, want, n))
			fprintf(stderr, "    depth %d\n", d);
		cap_close(&c);
	}
}

static void test_keys_escaped(void)
{
	struct cap c;

	REQUIRE(cap_open(&c, 0));
	json_obj_begin(&c.j);
	json_kv_str(&c.j, "a\"b\\c\n", "v");
	json_kv_str(&c.j, "", "");
	json_obj_end(&c.j);
	CHECK_OUT(&c, "{\"a\\\"b\\\\c\\n\":\"v\",\"\":\"\"}");
	cap_close(&c);
}

/* Literal keys are marked plain at compile time only when they are. */
static void test_literal_keys(void)
{
	const char *var = "v\"ar";
	struct cap c;

	CHECK_EQ_U64(JSON_LIT_LEN("pid"), 3 | JSON_KEY_PLAIN);
	CHECK_EQ_U64(JSON_LIT_LEN(""), JSON_KEY_PLAIN);
	CHECK_EQ_U64(JSON_LIT_LEN(" ~"), 2 | JSON_KEY_PLAIN);
	CHECK_EQ_U64(JSON_LIT_LEN("0123456789abcdef0123456789abcdef"),
		     32 | JSON_KEY_PLAIN);
	/* past 32 bytes: not checked, so escaped (to the same bytes) */
	CHECK_EQ_U64(JSON_LIT_LEN("0123456789abcdef0123456789abcdefg"), 33);
	CHECK_EQ_U64(JSON_LIT_LEN("a\"b"), 3);
	CHECK_EQ_U64(JSON_LIT_LEN("a\\b"), 3);
	CHECK_EQ_U64(JSON_LIT_LEN("0123456789abcdef0123456789abcde\\"), 32);
	CHECK_EQ_U64(JSON_LIT_LEN("tab\t"), 4);
	CHECK_EQ_U64(JSON_LIT_LEN("\x1f"), 1);
	CHECK_EQ_U64(JSON_LIT_LEN("\x7f"), 1);
	CHECK_EQ_U64(JSON_LIT_LEN("\xc3\xa9"), 2);
	CHECK_EQ_U64(JSON_LIT_LEN("a\0b"), 1);

	REQUIRE(cap_open(&c, 0));
	json_obj_begin(&c.j);
	json_kv_u64(&c.j, "q\"k", 1);
	json_kv_i64(&c.j, "\x7f", -1);
	json_kv_bool(&c.j, "\xc3\xa9", true);
	json_kv_null(&c.j, "n\\");
	json_kv_strn(&c.j, "t\t", "x", 1);
	json_kv_str(&c.j, "\xff", "y");
	json_key(&c.j, "\n");
	json_u64(&c.j, 2);
	json_kv_u64(&c.j, var, 3);
	json_kv_u64(&c.j, "a", 4);
	json_kv_u64(&c.j, "abcd", 5);
	json_kv_u64(&c.j, "abcdefghijklmnop", 6);
	json_kv_u64(&c.j, "abcdefghijklmnopq", 7);
	json_obj_end(&c.j);
	CHECK_OUT(&c, "{\"q\\\"k\":1,\"\\u007f\":-1,\"\xc3\xa9\":true,"
		      "\"n\\\\\":null,\"t\\t\":\"x\",\"\\udcff\":\"y\","
		      "\"\\n\":2,\"v\\\"ar\":3,\"a\":4,\"abcd\":5,"
		      "\"abcdefghijklmnop\":6,\"abcdefghijklmnopq\":7}");
	cap_close(&c);
}

static void test_reset_jsonl(void)
{
	struct cap c;

	REQUIRE(cap_open(&c, 0));
	json_obj_begin(&c.j);
	json_kv_u64(&c.j, "a", 1);
	json_obj_end(&c.j);
	outbuf_putc(&c.ob, '\n');
	json_reset(&c.j);
	json_obj_begin(&c.j);
	json_kv_u64(&c.j, "a", 2);
	json_obj_end(&c.j);
	outbuf_putc(&c.ob, '\n');
	CHECK_OUT(&c, "{\"a\":1}\n{\"a\":2}\n");

	/* reset also recovers from a record abandoned halfway */
	REQUIRE(ftruncate(c.fd, 0) == 0);
	REQUIRE(lseek(c.fd, 0, SEEK_SET) == 0);
	json_reset(&c.j);
	json_obj_begin(&c.j);
	json_key(&c.j, "x");
	json_arr_begin(&c.j);
	json_u64(&c.j, 1);
	json_reset(&c.j);
	outbuf_putc(&c.ob, '\n');
	json_arr_begin(&c.j);
	json_u64(&c.j, 3);
	json_arr_end(&c.j);
	CHECK_OUT(&c, "{\"x\":[1\n[3]");
	cap_close(&c);
}

/* ---- scalars ---- */

static void test_integers(void)
{
	struct cap c;

	REQUIRE(cap_open(&c, 0));
	json_arr_begin(&c.j);
	json_u64(&c.j, 0);
	json_u64(&c.j, 1);
	json_u64(&c.j, UINT64_MAX);
	json_i64(&c.j, 0);
	json_i64(&c.j, -1);
	json_i64(&c.j, INT64_MIN);
	json_i64(&c.j, INT64_MAX);
	json_u64(&c.j, (uint64_t)INT64_MAX + 1);
	json_arr_end(&c.j);
	CHECK_OUT(&c, "[0,1,18446744073709551615,0,-1,-9223372036854775808,"
		      "9223372036854775807,9223372036854775808]");
	cap_close(&c);
}

/* Every power of ten and its neighbour below, against snprintf. */
static void test_integer_digits(void)
{
	struct cap c;
	char want[64 * 44];
	size_t n = 0;
	uint64_t p = 1;
	int i;

	REQUIRE(cap_open(&c, 0));
	for (i = 0; i < 20; i++) {
		outbuf_u64(&c.ob, p);
		outbuf_putc(&c.ob, ' ');
		outbuf_u64(&c.ob, p - 1);
		outbuf_putc(&c.ob, ' ');
		outbuf_i64(&c.ob, -(int64_t)(p - 1));
		outbuf_putc(&c.ob, ' ');
		n += (size_t)snprintf(want + n, sizeof(want) - n,
				      "%" PRIu64 " %" PRIu64 " %" PRId64 " ",
				      p, p - 1, -(int64_t)(p - 1));
		if (i < 19)
			p *= 10;
	}
	cap_read(&c);
	CHECK_EQ_MEM(c.out, c.len, want, n);
	cap_close(&c);
}

static void test_bool_null_raw(void)
{
	struct cap c;

	REQUIRE(cap_open(&c, 0));
	json_obj_begin(&c.j);
	json_kv_bool(&c.j, "t", true);
	json_kv_bool(&c.j, "f", false);
	json_kv_null(&c.j, "n");
	json_key(&c.j, "r");
	json_raw(&c.j, "1.5e3");
	json_key(&c.j, "a");
	json_arr_begin(&c.j);
	json_null(&c.j);
	json_bool(&c.j, false);
	json_raw(&c.j, "true");
	json_str(&c.j, NULL);
	json_arr_end(&c.j);
	json_obj_end(&c.j);
	CHECK_OUT(&c, "{\"t\":true,\"f\":false,\"n\":null,\"r\":1.5e3,"
		      "\"a\":[null,false,true,null]}");
	cap_close(&c);
}

/* Keys too long for the buffer's room: the same bytes by the slow path. */
static void test_kv_small_buffer(void)
{
	static const char key[] = "a key longer than the \"buffer\"";
	struct cap c;

	REQUIRE(cap_open(&c, 32));
	json_obj_begin(&c.j);
	json_kv_bool(&c.j, key, true);
	json_kv_bool(&c.j, key, false);
	json_kv_null(&c.j, key);
	json_kv_i64(&c.j, key, -42);
	json_kv_u64(&c.j, key, 42);
	json_kv_str(&c.j, key, "v");
	json_kv_str(&c.j, key, NULL);
	json_obj_end(&c.j);
	CHECK_OUT(&c, "{\"a key longer than the \\\"buffer\\\"\":true,"
		      "\"a key longer than the \\\"buffer\\\"\":false,"
		      "\"a key longer than the \\\"buffer\\\"\":null,"
		      "\"a key longer than the \\\"buffer\\\"\":-42,"
		      "\"a key longer than the \\\"buffer\\\"\":42,"
		      "\"a key longer than the \\\"buffer\\\"\":\"v\","
		      "\"a key longer than the \\\"buffer\\\"\":null}");
	cap_close(&c);
}

/* ---- shared field writers (json_fields) ---- */

static void test_fields_u64_table(void)
{
	const struct json_u64_field f[] = {
		JSON_U64("a", 1), JSON_U64("bb", UINT64_MAX), JSON_U64("c", 0),
	};
	struct cap c;

	REQUIRE(cap_open(&c, 0));
	json_obj_begin(&c.j);
	json_kv_u64(&c.j, "before", 7);
	json_kv_u64s(&c.j, f, JSON_FIELD_COUNT(f));
	json_u64_object(&c.j, "o", f, 2);
	json_u64_object(&c.j, "none", f, 0);
	json_obj_end(&c.j);
	CHECK_OUT(&c, "{\"before\":7,\"a\":1,\"bb\":18446744073709551615,"
		      "\"c\":0,\"o\":{\"a\":1,\"bb\":18446744073709551615},"
		      "\"none\":{}}");
	cap_close(&c);
}

static void test_fields_optional(void)
{
	const uint32_t v[] = { 3, 0, 4294967295u };
	struct cap c;

	REQUIRE(cap_open(&c, 0));
	json_obj_begin(&c.j);
	json_kv_opt_str(&c.j, "s", "x\"y");
	json_kv_opt_str(&c.j, "n", NULL);
	json_u32s(&c.j, "v", v, 3);
	json_u32s(&c.j, "empty", v, 0);
	json_u32s(&c.j, "absent", NULL, 2);
	json_obj_end(&c.j);
	CHECK_OUT(&c, "{\"s\":\"x\\\"y\",\"n\":null,\"v\":[3,0,4294967295],"
		      "\"empty\":null,\"absent\":null}");
	cap_close(&c);
}

/* rusage and sched keep their keys and order: the stream, the document
 * and the record are read by field name and compared byte for byte. */
static void test_fields_rusage_sched(void)
{
	const struct pl_rusage ru = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct pl_sched sc = { 10, 20, 30, 40, 50, 6, 7, 8, PL_SCHED_PARTIAL };
	struct cap c;

	REQUIRE(cap_open(&c, 0));
	json_obj_begin(&c.j);
	json_rusage(&c.j, &ru);
	json_sched(&c.j, &sc);
	sc.flags = 0;
	json_sched(&c.j, &sc);
	sc.flags = PL_SCHED_MISSING;
	json_sched(&c.j, &sc);
	json_obj_end(&c.j);
	CHECK_OUT(&c, "{\"rusage\":{\"user_ns\":1,\"sys_ns\":2,\"cpu_ns\":3,"
		      "\"nvcsw\":4,\"nivcsw\":5,\"min_flt\":6,\"maj_flt\":7,"
		      "\"maxrss_kb\":8},"
		      "\"sched\":{\"run_ns\":10,\"wait_ns\":20,\"sleep_ns\":30,"
		      "\"block_ns\":40,\"stopped_ns\":50,\"nvcsw\":6,"
		      "\"nivcsw\":7,\"migrations\":8,\"partial\":true},"
		      "\"sched\":{\"run_ns\":10,\"wait_ns\":20,\"sleep_ns\":30,"
		      "\"block_ns\":40,\"stopped_ns\":50,\"nvcsw\":6,"
		      "\"nivcsw\":7,\"migrations\":8,\"partial\":false},"
		      "\"sched\":null}");
	cap_close(&c);
}

static void test_double(void)
{
	static const struct {
		double v;
		int dec;
		const char *want;
	} cases[] = {
		{ 0.0, 3, "0" },
		{ -0.0, 3, "0" },
		{ 1.5, 3, "1.5" },
		{ 2.0, 3, "2" },
		{ -0.25, 2, "-0.25" },
		{ 1.23456, 2, "1.23" },
		{ 1.23556, 2, "1.24" },
		{ 0.999, 2, "1" },
		{ -0.0004, 3, "0" },
		{ 2.5, 0, "3" },
		{ -2.5, 0, "-3" },
		{ 123456.789, 3, "123456.789" },
		{ 0.001, 3, "0.001" },
		{ 0.1, 1, "0.1" },
		{ 12.5, -4, "13" },
		{ 1e20, 3, "100000000000000000000" },
		{ -1e20, 3, "-100000000000000000000" },
		{ 1e15, 9, "1000000000000000" },
		{ 3.0 / 8, 30, "0.375" },
	};
	struct cap c;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		REQUIRE(cap_open(&c, 0));
		json_double(&c.j, cases[i].v, cases[i].dec);
		cap_read(&c);
		if (!CHECK_EQ_STR(c.out, cases[i].want))
			fprintf(stderr, "    case %zu: %g with %d decimals\n",
				i, cases[i].v, cases[i].dec);
		cap_close(&c);
	}

	REQUIRE(cap_open(&c, 0));
	json_arr_begin(&c.j);
	json_double(&c.j, NAN, 2);
	json_double(&c.j, INFINITY, 2);
	json_double(&c.j, -INFINITY, 2);
	json_double(&c.j, 0.5, 1);
	json_arr_end(&c.j);
	CHECK_OUT(&c, "[null,null,null,0.5]");
	cap_close(&c);
}

/* ---- strings ---- */

static void test_string_basic(void)
{
	CHECK_ESC("", "\"\"");
	CHECK_ESC("plain ascii 123 ~!@#$%^&*()_+{}[]:;'<>,.?/|`",
		  "\"plain ascii 123 ~!@#$%^&*()_+{}[]:;'<>,.?/|`\"");
	CHECK_ESC("\"", "\"\\\"\"");
	CHECK_ESC("\\", "\"\\\\\"");
	CHECK_ESC("a\"b\\c\"\"\\\\", "\"a\\\"b\\\\c\\\"\\\"\\\\\\\\\"");
	CHECK_ESC("/", "\"/\"");
}

static void test_string_control_bytes(void)
{
	static const char *const want[32] = {
		"\\u0000", "\\u0001", "\\u0002", "\\u0003",
		"\\u0004", "\\u0005", "\\u0006", "\\u0007",
		"\\b", "\\t", "\\n", "\\u000b",
		"\\f", "\\r", "\\u000e", "\\u000f",
		"\\u0010", "\\u0011", "\\u0012", "\\u0013",
		"\\u0014", "\\u0015", "\\u0016", "\\u0017",
		"\\u0018", "\\u0019", "\\u001a", "\\u001b",
		"\\u001c", "\\u001d", "\\u001e", "\\u001f",
	};
	struct cap c;
	char in[3], exp[16];
	int b;

	for (b = 0; b <= 0x20; b++) {
		unsigned char byte = b == 0x20 ? 0x7f : (unsigned char)b;
		const char *e = b == 0x20 ? "\\u007f" : want[b];

		/* surrounded by text, so the fast path hands over correctly */
		in[0] = 'x';
		in[1] = (char)byte;
		in[2] = 'y';
		snprintf(exp, sizeof(exp), "\"x%sy\"", e);
		REQUIRE(cap_open(&c, 0));
		json_escape(&c.ob, in, sizeof(in));
		cap_read(&c);
		if (!CHECK_EQ_STR(c.out, exp))
			fprintf(stderr, "    byte 0x%02x\n", byte);
		cap_close(&c);
	}
}

static void test_string_embedded_nul(void)
{
	struct cap c;

	REQUIRE(cap_open(&c, 0));
	json_arr_begin(&c.j);
	json_strn(&c.j, "a\0b", 3);
	json_strn(&c.j, "\0", 1);
	json_strn(&c.j, "abc", 0);
	json_strn(&c.j, "abcdef", 3);
	json_arr_end(&c.j);
	CHECK_OUT(&c, "[\"a\\u0000b\",\"\\u0000\",\"\",\"abc\"]");
	cap_close(&c);

	REQUIRE(cap_open(&c, 0));
	json_obj_begin(&c.j);
	json_kv_strn(&c.j, "k", "x\0y\0", 4);
	json_obj_end(&c.j);
	CHECK_OUT(&c, "{\"k\":\"x\\u0000y\\u0000\"}");
	cap_close(&c);
}

static void test_string_utf8_valid(void)
{
	CHECK_ESC("\xc2\x80", "\"\xc2\x80\"");			/* U+0080 */
	CHECK_ESC("caf\xc3\xa9", "\"caf\xc3\xa9\"");		/* é */
	CHECK_ESC("\xdf\xbf", "\"\xdf\xbf\"");			/* U+07FF */
	CHECK_ESC("\xe0\xa0\x80", "\"\xe0\xa0\x80\"");		/* U+0800 */
	CHECK_ESC("\xe2\x82\xac", "\"\xe2\x82\xac\"");		/* € */
	CHECK_ESC("\xed\x9f\xbf", "\"\xed\x9f\xbf\"");		/* U+D7FF */
	CHECK_ESC("\xee\x80\x80", "\"\xee\x80\x80\"");		/* U+E000 */
	CHECK_ESC("\xef\xbf\xbf", "\"\xef\xbf\xbf\"");		/* U+FFFF */
	CHECK_ESC("\xf0\x90\x80\x80", "\"\xf0\x90\x80\x80\"");	/* U+10000 */
	CHECK_ESC("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");	/* 😀 */
	CHECK_ESC("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");	/* U+10FFFF */
	CHECK_ESC("\xe6\x97\xa5\xe6\x9c\xac\n\"",
		  "\"\xe6\x97\xa5\xe6\x9c\xac\\n\\\"\"");
}

static void test_string_utf8_invalid(void)
{
	CHECK_ESC("\x80", "\"\\udc80\"");			/* lone continuation */
	CHECK_ESC("\xbf", "\"\\udcbf\"");
	CHECK_ESC("\xff", "\"\\udcff\"");
	CHECK_ESC("\xfe", "\"\\udcfe\"");
	CHECK_ESC("\xc0\xaf", "\"\\udcc0\\udcaf\"");		/* overlong '/' */
	CHECK_ESC("\xc1\xbf", "\"\\udcc1\\udcbf\"");		/* overlong */
	CHECK_ESC("\xe0\x80\xaf", "\"\\udce0\\udc80\\udcaf\"");	/* overlong */
	CHECK_ESC("\xf0\x80\x80\xaf",
		  "\"\\udcf0\\udc80\\udc80\\udcaf\"");		/* overlong */
	CHECK_ESC("\xe2\x82", "\"\\udce2\\udc82\"");		/* truncated at end */
	CHECK_ESC("\xe2\x82" "A", "\"\\udce2\\udc82A\"");	/* truncated */
	CHECK_ESC("\xc3", "\"\\udcc3\"");
	CHECK_ESC("\xf0\x9f\x98", "\"\\udcf0\\udc9f\\udc98\"");
	CHECK_ESC("\xed\xa0\x80", "\"\\udced\\udca0\\udc80\"");	/* U+D800 */
	CHECK_ESC("\xed\xbf\xbf", "\"\\udced\\udcbf\\udcbf\"");	/* U+DFFF */
	CHECK_ESC("\xf4\x90\x80\x80",
		  "\"\\udcf4\\udc90\\udc80\\udc80\"");		/* U+110000 */
	CHECK_ESC("\xf5\x80\x80\x80",
		  "\"\\udcf5\\udc80\\udc80\\udc80\"");
	/* an invalid byte does not swallow the valid text after it */
	CHECK_ESC("\xff\xc3\xa9x", "\"\\udcff\xc3\xa9x\"");
	CHECK_ESC("\xe2\xc3\xa9", "\"\\udce2\xc3\xa9\"");
	CHECK_ESC("a\xe2\x82\xac\x80z", "\"a\xe2\x82\xac\\udc80z\"");
}

/* ---- reference model and decoder for bulk checks ---- */

/*
 * Length of the valid UTF-8 sequence at p, by decoding the code point and
 * checking its value: written differently from json.c on purpose.
 */
static size_t ref_utf8_len(const unsigned char *p, size_t avail)
{
	uint32_t cp, min;
	size_t n, i;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = p[0] & 0x1f;
		min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = p[0] & 0x0f;
		min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = p[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* The expected escaping of s, built naively; returns its length. */
static size_t ref_escape(const unsigned char *s, size_t len, char *out)
{
	size_t i = 0, o = 0, n;

	out[o++] = '"';
	while (i < len) {
		unsigned char c = s[i];

		if (c >= 0x80) {
			n = ref_utf8_len(s + i, len - i);
			if (n) {
				memcpy(out + o, s + i, n);
				o += n;
				i += n;
			} else {
				o += (size_t)sprintf(out + o, "\\u%04x",
						     0xdc00 | c);
				i++;
			}
			continue;
		}
		i++;
		switch (c) {
		case '"':
			o += (size_t)sprintf(out + o, "\\\"");
			break;
		case '\\':
			o += (size_t)sprintf(out + o, "\\\\");
			break;
		case '\b':
			o += (size_t)sprintf(out + o, "\\b");
			break;
		case '\f':
			o += (size_t)sprintf(out + o, "\\f");
			break;
		case '\n':
			o += (size_t)sprintf(out + o, "\\n");
			break;
		case '\r':
			o += (size_t)sprintf(out + o, "\\r");
			break;
		case '\t':
			o += (size_t)sprintf(out + o, "\\t");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				o += (size_t)sprintf(out + o, "\\u%04x", c);
			else
				out[o++] = (char)c;
		}
	}
	out[o++] = '"';
	return o;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static long parse_u4(const unsigned char *p, size_t avail)
{
	long v = 0;
	int i, h;

	if (avail < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		h = hexval(p[i]);
		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

static size_t put_utf8(uint32_t cp, unsigned char *o)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Decode one JSON string literal (strictly: it must be valid JSON and valid
 * UTF-8) and undo surrogateescape. Returns the byte count, or -1 if the text
 * is not a valid JSON string.
 */
static long json_unescape(const char *text, size_t len, unsigned char *out)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 1, o = 0, n;
	long u, lo;

	if (len < 2 || p[0] != '"' || p[len - 1] != '"')
		return -1;
	len--;
	while (i < len) {
		unsigned char c = p[i];

		if (c == '"' || c < 0x20 || c == 0x7f)
			return -1;	/* raw DEL is legal JSON, but we escape it */
		if (c >= 0x80) {
			n = ref_utf8_len(p + i, len - i);
			if (!n)
				return -1;
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
			continue;
		}
		if (c != '\\') {
			out[o++] = c;
			i++;
			continue;
		}
		if (++i >= len)
			return -1;
		c = p[i++];
		switch (c) {
		case '"': out[o++] = '"'; break;
		case '\\': out[o++] = '\\'; break;
		case '/': out[o++] = '/'; break;
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'u':
			u = parse_u4(p + i, len - i);
			if (u < 0)
				return -1;
			i += 4;
			if (u >= 0xdc80 && u <= 0xdcff) {
				out[o++] = (unsigned char)(u & 0xff);
			} else if (u >= 0xd800 && u <= 0xdbff) {
				if (i + 6 > len || p[i] != '\\' || p[i + 1] != 'u')
					return -1;
				lo = parse_u4(p + i + 2, len - i - 2);
				if (lo < 0xdc00 || lo > 0xdfff)
					return -1;
				i += 6;
				o += put_utf8((uint32_t)(0x10000 +
					((u - 0xd800) << 10) + (lo - 0xdc00)),
					out + o);
			} else if (u >= 0xdc00 && u <= 0xdfff) {
				return -1;
			} else {
				o += put_utf8((uint32_t)u, out + o);
			}
			break;
		default:
			return -1;
		}
	}
	return (long)o;
}

/* An in-memory outbuf for bulk checks: the cap is far above any output. */
static struct outbuf membuf;

static const char *esc_mem(const void *s, size_t len, size_t *outlen)
{
	membuf.len = 0;
	json_escape(&membuf, s, len);
	*outlen = membuf.len;
	return membuf.buf;
}

/* One string through json_escape, the reference model and the decoder. */
static bool check_one(const unsigned char *s, size_t len)
{
	static char want[64 * 6 + 2];
	static unsigned char back[64];
	size_t got_len, want_len;
	const char *got;
	long n;
	bool ok = true;

	got = esc_mem(s, len, &got_len);
	want_len = ref_escape(s, len, want);
	ok &= CHECK_EQ_MEM(got, got_len, want, want_len);
	n = json_unescape(got, got_len, back);
	ok &= CHECK(n >= 0);
	if (n >= 0)
		ok &= CHECK_EQ_MEM(back, (size_t)n, s, len);
	if (!ok)
		check_dump("input", s, len);
	return ok;
}

static void test_decoder_self_check(void)
{
	static const char t[] = "\"a\\u00e9\\ud83d\\ude00\\/\"";
	unsigned char b[8];

	CHECK_EQ_I64(json_unescape(t, strlen(t), b), 8);
	CHECK_EQ_MEM(b, 8, "a\xc3\xa9\xf0\x9f\x98\x80/", 8);
	CHECK_EQ_I64(json_unescape("\"\\udcff\"", 8, b), 1);
	CHECK_EQ_U64(b[0], 0xff);
	CHECK_EQ_I64(json_unescape("\"\x01\"", 3, b), -1);
	CHECK_EQ_I64(json_unescape("\"\xff\"", 3, b), -1);
	CHECK_EQ_I64(json_unescape("\"\\x\"", 4, b), -1);
	CHECK_EQ_I64(json_unescape("\"a\"b\"", 5, b), -1);
	CHECK_EQ_I64(json_unescape("\"\\", 2, b), -1);
	CHECK(ref_utf8_len((const unsigned char *)"\xed\xa0\x80", 3) == 0);
	CHECK(ref_utf8_len((const unsigned char *)"\xf4\x8f\xbf\xbf", 4) == 4);
}

/* Every 1- and 2-byte string. */
static void test_exhaustive_short(void)
{
	unsigned char s[2];
	unsigned int a, b;
	unsigned int bad = 0;

	for (a = 0; a < 256; a++) {
		s[0] = (unsigned char)a;
		bad += !check_one(s, 1);
		for (b = 0; b < 256 && bad < 10; b++) {
			s[1] = (unsigned char)b;
			bad += !check_one(s, 2);
		}
	}
	CHECK_EQ_U64(membuf.err, 0);
}

/* Every string of up to 4 bytes drawn from the UTF-8 boundary values. */
static void test_exhaustive_boundaries(void)
{
	static const unsigned char v[] = {
		0x00, 0x22, 0x41, 0x5c, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0,
		0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xee, 0xef,
		0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf8, 0xff,
	};
	const size_t nv = sizeof(v);
	unsigned char s[4];
	unsigned int bad = 0;
	size_t len, k, idx, total;

	for (len = 1; len <= 4 && bad < 10; len++) {
		total = 1;
		for (k = 0; k < len; k++)
			total *= nv;
		for (idx = 0; idx < total && bad < 10; idx++) {
			size_t x = idx;

			for (k = 0; k < len; k++) {
				s[k] = v[x % nv];
				x /= nv;
			}
			bad += !check_one(s, len);
		}
	}
	CHECK_EQ_U64(membuf.err, 0);
}

/*
 * One byte that needs a look at every position of plain strings of 0 to
 * 40 bytes: the short path (up to 16 bytes, two overlapping loads), the
 * 8-byte words and the tail after them each meet it at every offset.
 */
static void test_escape_run_boundaries(void)
{
	static const char *const odd[] = {
		"\x00", "\x01", "\x1f", "\x7f", "\"", "\\", "\n",
		"\x80", "\xff", "\xc3\xa9", "\xe2\x82\xac",
		"\xf0\x9f\x98\x80", "\xe2\x82", "\xed\xa0\x80",
	};
	unsigned char s[48];
	unsigned int bad = 0;
	size_t len, pos, k, n;

	for (len = 0; len <= 40; len++) {
		for (k = 0; k < len; k++)
			s[k] = (unsigned char)('a' + k % 26);
		bad += !check_one(s, len);
		for (k = 0; k < sizeof(odd) / sizeof(odd[0]); k++) {
			n = strlen(odd[k]) ? strlen(odd[k]) : 1;
			for (pos = 0; pos + n <= len; pos++) {
				unsigned char t[48];

				memcpy(t, s, len);
				memcpy(t + pos, odd[k], n);
				bad += !check_one(t, len);
			}
		}
		/* all plain but the last byte: the tail of each length */
		if (len) {
			s[len - 1] = '"';
			bad += !check_one(s, len);
			s[len - 1] = 0x7e;	/* the highest plain byte */
			bad += !check_one(s, len);
			s[len - 1] = ' ';	/* the lowest */
			bad += !check_one(s, len);
		}
	}
	CHECK_EQ_U64(bad, 0);
	CHECK_EQ_U64(membuf.err, 0);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

/* Random bytes biased towards what breaks escapers: text, controls, UTF-8. */
static size_t random_string(unsigned char *s, size_t max)
{
	size_t len = rng() % (max + 1), n = 0;

	while (n < len) {
		unsigned int kind = rng() % 10;
		unsigned char tmp[4];
		uint32_t cp;
		size_t k;

		if (kind < 4) {
			s[n++] = (unsigned char)(0x20 + rng() % 0x5f);
		} else if (kind < 5) {
			static const char special[] = "\"\\\x7f\n\t\0";

			s[n++] = rng() % 2 ? (unsigned char)(rng() % 0x20) :
				 (unsigned char)special[rng() % 6];
		} else if (kind < 7) {
			s[n++] = (unsigned char)(0x80 + rng() % 0x80);
		} else {
			/* a valid sequence, sometimes cut short */
			do {
				cp = (uint32_t)(rng() % 0x110000);
				if (rng() % 2)
					cp &= 0xffff;
			} while (cp < 0x80 || (cp >= 0xd800 && cp <= 0xdfff));
			k = put_utf8(cp, tmp);
			if (rng() % 5 == 0)
				k = 1 + rng() % k;
			if (k > len - n)
				k = len - n;
			memcpy(s + n, tmp, k);
			n += k;
		}
	}
	return len;
}

/* Case file for json_roundtrip.py; NULL when not asked for. */
static FILE *open_roundtrip_file(void)
{
	const char *path = getenv("PROCLIFE_JSON_ROUNDTRIP");
	FILE *f;

	if (!path || !*path)
		return NULL;
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "cannot create %s: %s\n", path, strerror(errno));
	return f;
}

static void test_random_roundtrip(void)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char s[64];
	char h[2 * sizeof(s)];
	unsigned int bad = 0;
	struct outbuf fob;
	struct json j;
	FILE *f = open_roundtrip_file();
	int i;
	size_t len, k;

	if (f) {
		REQUIRE(outbuf_init(&fob, fileno(f), 0) == 0);
		json_init(&j, &fob);
	}
	for (i = 0; i < 10000 && bad < 10; i++) {
		len = random_string(s, sizeof(s));
		bad += !check_one(s, len);
		if (!f)
			continue;
		for (k = 0; k < len; k++) {
			h[2 * k] = hex[s[k] >> 4];
			h[2 * k + 1] = hex[s[k] & 0xf];
		}
		json_reset(&j);
		json_obj_begin(&j);
		json_kv_strn(&j, "hex", h, 2 * len);
		json_kv_strn(&j, "s", (const char *)s, len);
		json_obj_end(&j);
		outbuf_putc(&fob, '\n');
	}
	CHECK_EQ_U64(bad, 0);
	if (f) {
		CHECK_EQ_I64(outbuf_flush(&fob), 0);
		outbuf_free(&fob);
		CHECK(fclose(f) == 0);
	}
}

/* ---- outbuf ---- */

static void test_outbuf_init(void)
{
	struct outbuf ob;

	REQUIRE(outbuf_init(&ob, 1, 0) == 0);
	CHECK_EQ_U64(ob.cap, 256 * 1024);
	CHECK_EQ_U64(ob.len, 0);
	CHECK_EQ_I64(ob.err, 0);
	CHECK(ob.buf != NULL);
	CHECK_EQ_I64(outbuf_flush(&ob), 0);	/* nothing to write */
	outbuf_free(&ob);
	CHECK(ob.buf == NULL);
	outbuf_free(&ob);			/* twice is harmless */

	REQUIRE(outbuf_init(&ob, 1, 17) == 0);
	CHECK_EQ_U64(ob.cap, 17);
	outbuf_free(&ob);
}

static void test_outbuf_pipe(void)
{
	struct outbuf ob;
	char got[64];
	int fds[2];
	ssize_t n;

	REQUIRE(pipe(fds) == 0);
	REQUIRE(outbuf_init(&ob, fds[1], 0) == 0);
	outbuf_puts(&ob, "pid=");
	outbuf_u64(&ob, 4242);
	outbuf_putc(&ob, ' ');
	outbuf_i64(&ob, -17);
	outbuf_put(&ob, "\0end\n", 5);
	/* nothing is written before the flush */
	CHECK_EQ_U64(ob.len, 17);
	CHECK_EQ_I64(outbuf_flush(&ob), 0);
	CHECK_EQ_U64(ob.len, 0);
	n = read(fds[0], got, sizeof(got));
	CHECK_EQ_MEM(got, n > 0 ? (size_t)n : 0, "pid=4242 -17\0end\n", 17);
	outbuf_free(&ob);
	close(fds[0]);
	close(fds[1]);
}

static void test_outbuf_autoflush(void)
{
	struct cap c;
	char want[4096], big[100];
	size_t n = 0;
	int i;

	/* a tiny buffer: every kind of put crosses the boundary */
	REQUIRE(cap_open(&c, 16));
	for (i = 0; i < 100; i++) {
		outbuf_putc(&c.ob, (char)('a' + i % 26));
		want[n++] = (char)('a' + i % 26);
	}
	CHECK(cap_size(&c) >= 84);	/* flushed as it filled */
	CHECK(c.ob.len <= c.ob.cap);
	for (i = 0; i < 50; i++) {
		outbuf_u64(&c.ob, UINT64_MAX - (uint64_t)i);
		n += (size_t)sprintf(want + n, "%" PRIu64, UINT64_MAX - (uint64_t)i);
	}
	for (i = 0; i < (int)sizeof(big); i++)
		big[i] = (char)('A' + i % 26);
	outbuf_puts(&c.ob, "xyz");
	outbuf_put(&c.ob, big, sizeof(big));	/* larger than cap */
	outbuf_put(&c.ob, big, 16);		/* exactly cap */
	outbuf_puts(&c.ob, "tail");
	memcpy(want + n, "xyz", 3);
	n += 3;
	memcpy(want + n, big, sizeof(big));
	n += sizeof(big);
	memcpy(want + n, big, 16);
	n += 16;
	memcpy(want + n, "tail", 4);
	n += 4;
	CHECK_EQ_I64(c.ob.err, 0);
	cap_read(&c);
	CHECK_EQ_MEM(c.out, c.len, want, n);
	cap_close(&c);
}

/* A JSON document much larger than the buffer comes out intact. */
static void test_outbuf_json_large(void)
{
	struct cap c, ref;
	int i;

	REQUIRE(cap_open(&c, 64));
	REQUIRE(cap_open(&ref, 1 << 20));
	json_obj_begin(&c.j);
	json_obj_begin(&ref.j);
	for (i = 0; i < 2000; i++) {
		json_key(&c.j, "k\xff");
		json_key(&ref.j, "k\xff");
		json_arr_begin(&c.j);
		json_arr_begin(&ref.j);
		json_i64(&c.j, -i);
		json_i64(&ref.j, -i);
		json_str(&c.j, "a string \"with\" escapes\t\xe2\x82\xac");
		json_str(&ref.j, "a string \"with\" escapes\t\xe2\x82\xac");
		json_arr_end(&c.j);
		json_arr_end(&ref.j);
	}
	json_obj_end(&c.j);
	json_obj_end(&ref.j);
	CHECK_EQ_U64(cap_size(&ref), 0);	/* fitted: nothing flushed yet */
	cap_read(&c);
	cap_read(&ref);
	CHECK(c.len > 2000 * 40);
	CHECK_EQ_MEM(c.out, c.len, ref.out, ref.len);
	CHECK(c.len > 0 && c.out[c.len - 1] == '}');
	cap_close(&c);
	cap_close(&ref);
}

static void test_outbuf_closed_pipe(void)
{
	struct outbuf ob;
	int fds[2];
	int i;

	REQUIRE(pipe(fds) == 0);
	close(fds[0]);
	REQUIRE(outbuf_init(&ob, fds[1], 32) == 0);
	outbuf_puts(&ob, "hello");
	CHECK_EQ_I64(outbuf_flush(&ob), -EPIPE);
	CHECK_EQ_I64(ob.err, EPIPE);
	/* sticky: more output is dropped, flushes keep failing, no crash */
	for (i = 0; i < 1000; i++) {
		outbuf_puts(&ob, "more output that would overflow the buffer");
		outbuf_u64(&ob, (uint64_t)i);
		outbuf_putc(&ob, '\n');
		outbuf_u64_pad(&ob, 1, 40);
		CHECK(ob.len <= ob.cap);
	}
	CHECK_EQ_I64(outbuf_flush(&ob), -EPIPE);
	CHECK_EQ_I64(ob.err, EPIPE);
	outbuf_free(&ob);

	/* the error found by an auto-flush, not an explicit one */
	REQUIRE(outbuf_init(&ob, fds[1], 8) == 0);
	outbuf_puts(&ob, "0123456789abcdef");	/* bigger than cap */
	CHECK_EQ_I64(ob.err, EPIPE);
	CHECK_EQ_I64(outbuf_flush(&ob), -EPIPE);
	outbuf_free(&ob);
	REQUIRE(outbuf_init(&ob, fds[1], 8) == 0);
	outbuf_puts(&ob, "abc");
	outbuf_puts(&ob, "defghi");		/* overflows what is buffered */
	CHECK_EQ_I64(ob.err, EPIPE);
	outbuf_free(&ob);
	REQUIRE(outbuf_init(&ob, fds[1], 8) == 0);
	for (i = 0; i < 9; i++)
		outbuf_putc(&ob, 'c');		/* the ninth flushes */
	CHECK_EQ_I64(ob.err, EPIPE);
	outbuf_free(&ob);
	close(fds[1]);
}

static void test_outbuf_dev_full(void)
{
	struct outbuf ob;
	struct json j;
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "note: no /dev/full, test skipped\n");
		return;
	}
	REQUIRE(outbuf_init(&ob, fd, 0) == 0);
	json_init(&j, &ob);
	json_obj_begin(&j);
	json_kv_str(&j, "a", "b");
	json_obj_end(&j);
	CHECK_EQ_I64(outbuf_flush(&ob), -ENOSPC);
	CHECK_EQ_I64(ob.err, ENOSPC);
	json_u64(&j, 1);
	CHECK_EQ_I64(outbuf_flush(&ob), -ENOSPC);
	outbuf_free(&ob);
	close(fd);
}

static void test_outbuf_bad_fd(void)
{
	struct outbuf ob;

	REQUIRE(outbuf_init(&ob, -1, 0) == 0);
	outbuf_puts(&ob, "x");
	CHECK_EQ_I64(outbuf_flush(&ob), -EBADF);
	CHECK_EQ_I64(ob.err, EBADF);
	outbuf_free(&ob);
}

/* Only there to interrupt write(2). */
static void on_alarm(int sig)
{
}

/* Drain fd into a memfd until EOF; runs in a child process. */
static void drain(int in, int out)
{
	char b[4096];
	ssize_t n;

	/* start late, so the writer blocks on a full pipe and gets EINTR */
	usleep(20 * 1000);
	while ((n = read(in, b, sizeof(b))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (write(out, b, (size_t)n) != n)
			_exit(1);
	}
	_exit(0);
}

/*
 * Many MiB through a 64 KiB pipe: writes come back short, are interrupted by
 * a timer signal (no SA_RESTART), and on the non-blocking pass hit EAGAIN.
 */
static void pipe_stress(bool nonblock)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } }, stop = { 0 };
	size_t total = 4000 * 1000, sent = 0, k;
	struct outbuf ob;
	struct cap sink;
	char chunk[1000];
	int fds[2], st;
	pid_t pid;

	REQUIRE(cap_open(&sink, 0));
	REQUIRE(pipe(fds) == 0);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		/* nothing of the parent's heap is needed: valgrind stays quiet */
		outbuf_free(&membuf);
		outbuf_free(&sink.ob);
		close(fds[1]);
		drain(fds[0], sink.fd);
	}
	close(fds[0]);
	if (nonblock)
		REQUIRE(fcntl(fds[1], F_SETFL, O_NONBLOCK) == 0);
	sigemptyset(&sa.sa_mask);
	/* left installed: a late SIGALRM must not kill the test */
	REQUIRE(sigaction(SIGALRM, &sa, NULL) == 0);
	setitimer(ITIMER_REAL, &it, NULL);

	REQUIRE(outbuf_init(&ob, fds[1], 300 * 1024) == 0);
	while (sent < total) {
		for (k = 0; k < sizeof(chunk); k++)
			chunk[k] = (char)((sent + k) * 7 % 251);
		outbuf_put(&ob, chunk, sizeof(chunk));
		sent += sizeof(chunk);
	}
	CHECK_EQ_I64(outbuf_flush(&ob), 0);
	setitimer(ITIMER_REAL, &stop, NULL);
	outbuf_free(&ob);
	close(fds[1]);
	REQUIRE(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	CHECK_EQ_U64(cap_size(&sink), total);
	cap_read(&sink);
	for (k = 0; k < sink.len; k++)
		if (sink.out[k] != (char)(k * 7 % 251))
			break;
	CHECK_EQ_U64(k, total);
	cap_close(&sink);
}

static void test_outbuf_pipe_stress(void)
{
	pipe_stress(false);
}

static void test_outbuf_pipe_nonblock(void)
{
	pipe_stress(true);
}

static void test_outbuf_pad(void)
{
	struct cap c;

	REQUIRE(cap_open(&c, 0));
	outbuf_u64_pad(&c.ob, 5, 3);
	outbuf_putc(&c.ob, '|');
	outbuf_u64_pad(&c.ob, 12345, 3);	/* no truncation */
	outbuf_putc(&c.ob, '|');
	outbuf_u64_pad(&c.ob, 0, 0);
	outbuf_putc(&c.ob, '|');
	outbuf_u64_pad(&c.ob, 0, 1);
	outbuf_putc(&c.ob, '|');
	outbuf_u64_pad(&c.ob, 123, 3);
	outbuf_putc(&c.ob, '|');
	outbuf_u64_pad(&c.ob, UINT64_MAX, 22);
	outbuf_putc(&c.ob, '|');
	outbuf_str_pad(&c.ob, "ab", 5);
	outbuf_putc(&c.ob, '|');
	outbuf_str_pad(&c.ob, "abcdef", 3);	/* no truncation */
	outbuf_putc(&c.ob, '|');
	outbuf_str_pad(&c.ob, "", 2);
	outbuf_putc(&c.ob, '|');
	outbuf_str_pad(&c.ob, "abc", 0);
	outbuf_putc(&c.ob, '|');
	outbuf_str_pad(&c.ob, "caf\xc3\xa9", 6);	/* é is one column */
	outbuf_putc(&c.ob, '|');
	CHECK_OUT(&c, "  5|12345|0|0|123|  18446744073709551615|ab   |abcdef|"
		      "  |abc|caf\xc3\xa9  |");
	cap_close(&c);

	/* padding wider than the buffer and than the internal space block */
	REQUIRE(cap_open(&c, 16));
	outbuf_u64_pad(&c.ob, 7, 100);
	outbuf_str_pad(&c.ob, "x", 70);
	cap_read(&c);
	CHECK_EQ_U64(c.len, 170);
	CHECK(c.len == 170 && c.out[99] == '7' && c.out[100] == 'x' &&
	      c.out[169] == ' ' && strspn(c.out, " ") == 99 &&
	      strspn(c.out + 101, " ") == 69);
	cap_close(&c);
}

static void test_outbuf_reserve(void)
{
	struct cap c;
	char *p;
	int i;

	REQUIRE(cap_open(&c, 16));
	outbuf_puts(&c.ob, "0123456789");
	p = outbuf_reserve(&c.ob, 10);	/* does not fit: flushes first */
	REQUIRE(p != NULL);
	CHECK_EQ_U64(c.ob.len, 0);
	memcpy(p, "hello", 5);
	outbuf_commit(&c.ob, 5);
	p = outbuf_reserve(&c.ob, 100);	/* more than cap: grows */
	REQUIRE(p != NULL);
	CHECK(c.ob.cap >= 100);
	for (i = 0; i < 100; i++)
		p[i] = (char)('a' + i % 26);
	outbuf_commit(&c.ob, 100);
	p = outbuf_reserve(&c.ob, 0);
	CHECK(p != NULL);
	outbuf_commit(&c.ob, 0);
	outbuf_puts(&c.ob, "!");
	cap_read(&c);
	CHECK_EQ_U64(c.len, 116);
	CHECK(c.len == 116 && memcmp(c.out, "0123456789hello", 15) == 0 &&
	      c.out[15] == 'a' && c.out[114] == 'v' && c.out[115] == '!');
	cap_close(&c);
}

static void test_outbuf_reserve_after_error(void)
{
	struct outbuf ob;
	char *p;
	int fds[2];

	REQUIRE(pipe(fds) == 0);
	close(fds[0]);
	REQUIRE(outbuf_init(&ob, fds[1], 16) == 0);
	outbuf_puts(&ob, "x");
	CHECK_EQ_I64(outbuf_flush(&ob), -EPIPE);
	p = outbuf_reserve(&ob, 8);
	REQUIRE(p != NULL);
	memset(p, 'z', 8);
	outbuf_commit(&ob, 8);
	p = outbuf_reserve(&ob, 1000);
	REQUIRE(p != NULL);
	memset(p, 'z', 1000);
	outbuf_commit(&ob, 1000);
	CHECK_EQ_I64(outbuf_flush(&ob), -EPIPE);
	CHECK_EQ_U64(ob.len, 0);
	outbuf_free(&ob);
	close(fds[1]);
}

int main(void)
{
	/* as in the loader: a closed reader must be an error, not a death */
	signal(SIGPIPE, SIG_IGN);
	if (outbuf_init(&membuf, -1, 1 << 16)) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}

	RUN(test_empty_containers);
	RUN(test_nesting_commas);
	RUN(test_max_depth);
	RUN(test_keys_escaped);
	RUN(test_literal_keys);
	RUN(test_reset_jsonl);
	RUN(test_integers);
	RUN(test_integer_digits);
	RUN(test_bool_null_raw);
	RUN(test_kv_small_buffer);
	RUN(test_double);
	RUN(test_fields_u64_table);
	RUN(test_fields_optional);
	RUN(test_fields_rusage_sched);
	RUN(test_string_basic);
	RUN(test_string_control_bytes);
	RUN(test_string_embedded_nul);
	RUN(test_string_utf8_valid);
	RUN(test_string_utf8_invalid);
	RUN(test_decoder_self_check);
	RUN(test_exhaustive_short);
	RUN(test_exhaustive_boundaries);
	RUN(test_escape_run_boundaries);
	RUN(test_random_roundtrip);
	RUN(test_outbuf_init);
	RUN(test_outbuf_pipe);
	RUN(test_outbuf_autoflush);
	RUN(test_outbuf_json_large);
	RUN(test_outbuf_closed_pipe);
	RUN(test_outbuf_dev_full);
	RUN(test_outbuf_bad_fd);
	RUN(test_outbuf_pipe_stress);
	RUN(test_outbuf_pipe_nonblock);
	RUN(test_outbuf_pad);
	RUN(test_outbuf_reserve);
	RUN(test_outbuf_reserve_after_error);

	outbuf_free(&membuf);
	return CHECK_DONE();
}
