// SPDX-License-Identifier: GPL-2.0
/* The JSON reader report uses: values, escapes, surrogateescape, errors. */
#include <string.h>

#include "check.h"
#include "util/json.h"
#include "util/json_parse.h"
#include "util/outbuf.h"

static int parse(const char *s, struct jv *v)
{
	return jv_parse(s, strlen(s), v);
}

static void test_values(void)
{
	struct jv v;

	REQUIRE(parse(" {\"a\":1,\"b\":-2,\"c\":18446744073709551615,\"d\":true,"
		      "\"e\":null,\"f\":[1,\"x\",{}],\"g\":1.5,\"h\":\"s\"} ", &v) == 0);
	CHECK_EQ_U64(v.type, JV_OBJ);
	CHECK_EQ_U64(jv_u64(&v, "a", 0), 1);
	CHECK_EQ_I64(jv_i64(&v, "b", 0), -2);
	CHECK_EQ_U64(jv_u64(&v, "b", 7), 7);	/* negative: not a u64 */
	CHECK_EQ_U64(jv_u64(&v, "c", 0), UINT64_MAX);
	CHECK(jv_bool(&v, "d", false));
	CHECK_EQ_U64(jv_get(&v, "e")->type, JV_NULL);
	CHECK_EQ_U64(jv_get(&v, "f")->n, 3);
	CHECK_EQ_U64(jv_get(&v, "f")->items[2].type, JV_OBJ);
	CHECK_EQ_U64(jv_u64(&v, "g", 9), 9);	/* a fraction: not an integer */
	CHECK_EQ_STR(jv_str(&v, "h", NULL), "s");
	CHECK(jv_get(&v, "zz") == NULL);
	CHECK_EQ_U64(jv_u64(&v, "zz", 5), 5);
	jv_free(&v);
}

/* What the writer escapes comes back byte for byte. */
static void test_round_trip(void)
{
	static const char raw[] = "a\"b\\c\n\t\x01\x7f \xc3\xa9 \xf0\x9f\x98\x80 \xff\xfe end";
	struct outbuf ob;
	struct json j;
	struct jv v;
	size_t len;
	const char *s;

	REQUIRE(outbuf_init(&ob, -1, 0) == 0);
	json_init(&j, &ob);
	json_obj_begin(&j);
	json_kv_strn(&j, "s", raw, sizeof(raw) - 1);
	json_obj_end(&j);
	REQUIRE(jv_parse(ob.buf, ob.len, &v) == 0);
	s = jv_str(&v, "s", &len);
	REQUIRE(s);
	CHECK_EQ_U64(len, sizeof(raw) - 1);
	CHECK(!memcmp(s, raw, len));
	jv_free(&v);
	outbuf_free(&ob);
	REQUIRE(parse("\"\\ud83d\\ude00 \\u00e9 \\udcff\"", &v) == 0);
	CHECK_EQ_STR(v.s, "\xf0\x9f\x98\x80 \xc3\xa9 \xff");
	jv_free(&v);
}

static void test_errors(void)
{
	static const char *const bad[] = {
		"", "{", "{\"a\"}", "{\"a\":}", "[1,]", "\"abc", "tru", "nul",
		"{\"a\":1}x", "\"\\q\"", "\"\\u12\"", "-", "{1:2}", "[1 2]",
		"\"a\x01\"",
	};
	struct jv v;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!CHECK(parse(bad[i], &v) == -1))
			fprintf(stderr, "    accepted: %s\n", bad[i]);
	/* deep nesting is refused, not a stack overflow */
	char deep[400];

	memset(deep, '[', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = '\0';
	CHECK(parse(deep, &v) == -1);
}

int main(void)
{
	RUN(test_values);
	RUN(test_round_trip);
	RUN(test_errors);
	return CHECK_DONE();
}
