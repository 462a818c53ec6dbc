/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one JSON writer. Commas and nesting are tracked here so no caller
 * ever prints JSON punctuation by hand.
 *
 * Strings: any bytes in, valid JSON out. '"' '\\' and control bytes are
 * escaped; bytes that are not valid UTF-8 become "\udcXX" (XX = the byte),
 * the surrogateescape convention, so the original bytes can be recovered
 * (Python: s.encode("utf-8", "surrogateescape")).
 */
#ifndef PL_JSON_H
#define PL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/outbuf.h"

#define JSON_MAX_DEPTH 32

struct json {
	struct outbuf *ob;
	unsigned int depth;
	/* bit d set: the container at depth d already holds an element */
	uint64_t has_elem;
	bool after_key;		/* a key was written, its value comes next */
};

void json_init(struct json *j, struct outbuf *ob);

void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
/* Key of the next value in the current object. */
void json_keyn(struct json *j, const char *key, size_t len);

/* Values: as an array element, or after json_key. */
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
void json_str(struct json *j, const char *s);
void json_strn(struct json *j, const char *s, size_t len);
/* Pre-formatted JSON (a number or literal) written as one value. */
void json_raw(struct json *j, const char *text);
/* Double with up to 'decimals' digits after the point. */
void json_double(struct json *j, double v, int decimals);

/* key + value with the key's length given; the shorthands below take it
 * from a literal at compile time */
void json_kv_u64n(struct json *j, const char *key, size_t klen, uint64_t v);
void json_kv_i64n(struct json *j, const char *key, size_t klen, int64_t v);
void json_kv_booln(struct json *j, const char *key, size_t klen, bool v);
void json_kv_nulln(struct json *j, const char *key, size_t klen);
void json_kv_strnn(struct json *j, const char *key, size_t klen,
		   const char *s, size_t len);

/* Inline so that a literal key's strlen is folded at compile time. */
static inline void json_key(struct json *j, const char *key)
{
	json_keyn(j, key, strlen(key));
}

static inline void json_kv_u64(struct json *j, const char *key, uint64_t v)
{
	json_kv_u64n(j, key, strlen(key), v);
}

static inline void json_kv_strn(struct json *j, const char *key,
				const char *s, size_t len)
{
	json_kv_strnn(j, key, strlen(key), s, len);
}

static inline void json_kv_i64(struct json *j, const char *key, int64_t v)
{
	json_kv_i64n(j, key, strlen(key), v);
}

static inline void json_kv_bool(struct json *j, const char *key, bool v)
{
	json_kv_booln(j, key, strlen(key), v);
}

static inline void json_kv_null(struct json *j, const char *key)
{
	json_kv_nulln(j, key, strlen(key));
}

/* key: "s", or key: null without s */
static inline void json_kv_str(struct json *j, const char *key, const char *s)
{
	if (s)
		json_kv_strnn(j, key, strlen(key), s, strlen(s));
	else
		json_kv_nulln(j, key, strlen(key));
}

/* Escape len bytes of s as a quoted JSON string into ob (no comma logic). */
void json_escape(struct outbuf *ob, const char *s, size_t len);
/* The same written at d, which has room for 6 * len + 2 bytes; returns
 * the end. */
char *json_escape_to(char *d, const char *s, size_t len);

/* Start a new top-level value (e.g. the next JSON Lines record). */
void json_reset(struct json *j);

#endif
