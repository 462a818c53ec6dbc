// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_json: the JSON writer on arbitrary bytes.
 *
 * 1. json_escape(input) must be one valid JSON string (UTF-8, no raw
 *    control bytes) that decodes back to exactly the input bytes, with
 *    "\udcXX" read as byte XX (Python's surrogateescape).
 * 2. The same bytes through struct json (json_strn as a value and json_key
 *    as a key, in an object and an array, next to numbers, json_double of
 *    the first 8 bytes) must give one valid JSON document.
 *
 * Any violation aborts with the input, the output and the reason.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "util/outbuf.h"
#include "jsonv.h"

/* Worst case: every byte becomes "\udcXX" (6 bytes), plus the quotes. */
#define MAX_IN	(64 * 1024)

static void hexdump(const char *what, const void *p, size_t n)
{
	const unsigned char *b = p;

	fprintf(stderr, "%s (%zu bytes): ", what, n);
	for (size_t i = 0; i < n && i < 512; i++)
		fprintf(stderr, "%02x", b[i]);
	fprintf(stderr, n > 512 ? "...\n" : "\n");
}

static void fail(const char *why, const uint8_t *in, size_t n,
		 const struct outbuf *ob)
{
	fprintf(stderr, "fuzz_json: %s\n", why);
	hexdump("input", in, n);
	fprintf(stderr, "output: %.*s\n", (int)(ob->len > 2048 ? 2048 : ob->len),
		ob->buf);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char decoded[MAX_IN];
	struct outbuf ob;
	struct json j;
	const char *why;
	size_t dlen = 0;
	char *s;

	if (size > MAX_IN)
		return 0;
	/* fd -1 and a buffer that never fills: no flush, output stays in ob */
	if (outbuf_init(&ob, -1, 32 * size + 4096))
		return 0;
	/* an exact-size copy: ASan sees any read past the end */
	s = malloc(size ? size : 1);
	if (!s) {
		outbuf_free(&ob);
		return 0;
	}
	memcpy(s, data, size);

	/* 1. one string, and its round trip */
	json_escape(&ob, s, size);
	if (ob.err)
		fail("outbuf error", data, size, &ob);
	why = jv_check(ob.buf, ob.len, decoded, sizeof(decoded), &dlen);
	if (why)
		fail(why, data, size, &ob);
	if (dlen != size || memcmp(decoded, data, size))
		fail("decoded string differs from the input", data, size, &ob);

	/* 2. inside a document, through the comma and key logic */
	ob.len = 0;
	json_init(&j, &ob);
	json_obj_begin(&j);
	json_kv_strn(&j, "s", s, size);
	json_key(&j, "a");
	json_arr_begin(&j);
	json_strn(&j, s, size);
	json_u64(&j, size);
	json_strn(&j, s, size / 2);
	json_arr_end(&j);
	if (size >= 8) {
		double d;

		memcpy(&d, data, sizeof(d));
		json_key(&j, "d");
		json_double(&j, d, data[size - 1] % 24 - 2);
	}
	json_kv_i64(&j, "i", (int64_t)size * -7919);
	/* json_key takes a C string: the input up to its first NUL */
	s[size ? size - 1 : 0] = '\0';
	json_kv_null(&j, s);
	json_obj_end(&j);
	why = jv_check(ob.buf, ob.len, NULL, 0, NULL);
	if (why)
		fail(why, data, size, &ob);

	free(s);
	outbuf_free(&ob);
	return 0;
}
