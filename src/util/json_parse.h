/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON reader for what proclife itself writes (proclife report
 * reads back a JSON Lines record). Strings come back as bytes: a \udcXX
 * escape (the writer's surrogateescape) is the byte XX again.
 */
#ifndef PL_JSON_PARSE_H
#define PL_JSON_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jv_type { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

struct jv {
	enum jv_type type;
	bool b;
	bool neg;		/* JV_NUM: negative (i) or not (u) */
	bool frac;		/* JV_NUM: had a fraction or exponent (d) */
	uint64_t u;
	int64_t i;
	double d;
	char *s;		/* JV_STR: bytes, NUL-terminated; or a key */
	size_t len;
	struct jv *items;	/* JV_ARR, JV_OBJ (members) */
	size_t n;
	char *key;		/* a member's key */
	size_t key_len;
};

/* Parse one JSON value filling all of text[0..len). 0, or -1 (bad JSON). */
int jv_parse(const char *text, size_t len, struct jv *out);
void jv_free(struct jv *v);
/* A member of an object, NULL if absent (or v is not an object). */
const struct jv *jv_get(const struct jv *v, const char *key);
/* Typed reads with a default when absent or of another type. */
uint64_t jv_u64(const struct jv *obj, const char *key, uint64_t dflt);
int64_t jv_i64(const struct jv *obj, const char *key, int64_t dflt);
bool jv_bool(const struct jv *obj, const char *key, bool dflt);
/* The string member's bytes (len in *len), NULL if absent. */
const char *jv_str(const struct jv *obj, const char *key, size_t *len);

#endif
