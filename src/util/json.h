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

/*
 * key + value with the key's length given. A length marked JSON_KEY_PLAIN
 * says the key needs no escaping: its bytes are copied as they are. The
 * shorthands below mark a literal key whose bytes were checked at compile
 * time (JSON_LIT_LEN); any other key is escaped.
 */
#define JSON_KEY_PLAIN	((size_t)1 << (sizeof(size_t) * 8 - 1))

void json_kv_u64n(struct json *j, const char *key, size_t klen, uint64_t v);
void json_kv_i64n(struct json *j, const char *key, size_t klen, int64_t v);
void json_kv_booln(struct json *j, const char *key, size_t klen, bool v);
void json_kv_nulln(struct json *j, const char *key, size_t klen);
void json_kv_strnn(struct json *j, const char *key, size_t klen,
		   const char *s, size_t len);

/* key: "s", or key: null without s */
static inline void json_kv_strsn(struct json *j, const char *key, size_t klen,
				 const char *s)
{
	if (s)
		json_kv_strnn(j, key, klen, s, strlen(s));
	else
		json_kv_nulln(j, key, klen);
}

/* Byte i of literal k needs no escaping (or is past its end). */
#define JSON_LIT_BYTE_OK(k, i)						\
	(sizeof(k) - 1 <= (i) ||					\
	 ((unsigned char)(k)[(i) % sizeof(k)] >= 0x20 &&		\
	  (unsigned char)(k)[(i) % sizeof(k)] < 0x7f &&		\
	  (k)[(i) % sizeof(k)] != '"' && (k)[(i) % sizeof(k)] != '\\'))
#define JSON_LIT_OK4(k, i)						\
	(JSON_LIT_BYTE_OK(k, i) && JSON_LIT_BYTE_OK(k, (i) + 1) &&	\
	 JSON_LIT_BYTE_OK(k, (i) + 2) && JSON_LIT_BYTE_OK(k, (i) + 3))
#define JSON_LIT_OK16(k, i)						\
	(JSON_LIT_OK4(k, i) && JSON_LIT_OK4(k, (i) + 4) &&		\
	 JSON_LIT_OK4(k, (i) + 8) && JSON_LIT_OK4(k, (i) + 12))
/*
 * The length of constant k, marked JSON_KEY_PLAIN when each of its bytes
 * (at most 32) needs no escaping: folded to a constant for a literal.
 * Never wrong: unless strlen == sizeof - 1 (a literal without a NUL
 * inside), no byte is read and the key is escaped.
 */
#define JSON_LIT_LEN(k)							\
	(strlen(k) | (sizeof(k) - 1 == strlen(k) && sizeof(k) <= 33 &&	\
		      JSON_LIT_OK16(k, 0) && JSON_LIT_OK16(k, 16) ?	\
		      JSON_KEY_PLAIN : 0))

/*
 * The shorthands: a literal key takes the first branch, anything else the
 * second, so key is evaluated once (__builtin_constant_p evaluates
 * nothing).
 */
#define json_key(j, key)						\
	(__builtin_constant_p(key) ?					\
	 json_keyn(j, key, JSON_LIT_LEN(key)) : json_key_any(j, key))
#define json_kv_u64(j, key, v)						\
	(__builtin_constant_p(key) ?					\
	 json_kv_u64n(j, key, JSON_LIT_LEN(key), v) :			\
	 json_kv_u64_any(j, key, v))
#define json_kv_i64(j, key, v)						\
	(__builtin_constant_p(key) ?					\
	 json_kv_i64n(j, key, JSON_LIT_LEN(key), v) :			\
	 json_kv_i64_any(j, key, v))
#define json_kv_bool(j, key, v)						\
	(__builtin_constant_p(key) ?					\
	 json_kv_booln(j, key, JSON_LIT_LEN(key), v) :			\
	 json_kv_bool_any(j, key, v))
#define json_kv_null(j, key)						\
	(__builtin_constant_p(key) ?					\
	 json_kv_nulln(j, key, JSON_LIT_LEN(key)) :			\
	 json_kv_null_any(j, key))
#define json_kv_str(j, key, s)						\
	(__builtin_constant_p(key) ?					\
	 json_kv_strsn(j, key, JSON_LIT_LEN(key), s) :			\
	 json_kv_str_any(j, key, s))
#define json_kv_strn(j, key, s, len)					\
	(__builtin_constant_p(key) ?					\
	 json_kv_strnn(j, key, JSON_LIT_LEN(key), s, len) :		\
	 json_kv_strn_any(j, key, s, len))

/* The same for a key that is not a literal: escaped. */
static inline void json_key_any(struct json *j, const char *key)
{
	json_keyn(j, key, strlen(key));
}

static inline void json_kv_u64_any(struct json *j, const char *key, uint64_t v)
{
	json_kv_u64n(j, key, strlen(key), v);
}

static inline void json_kv_i64_any(struct json *j, const char *key, int64_t v)
{
	json_kv_i64n(j, key, strlen(key), v);
}

static inline void json_kv_bool_any(struct json *j, const char *key, bool v)
{
	json_kv_booln(j, key, strlen(key), v);
}

static inline void json_kv_null_any(struct json *j, const char *key)
{
	json_kv_nulln(j, key, strlen(key));
}

static inline void json_kv_str_any(struct json *j, const char *key,
				   const char *s)
{
	json_kv_strsn(j, key, strlen(key), s);
}

static inline void json_kv_strn_any(struct json *j, const char *key,
				    const char *s, size_t len)
{
	json_kv_strnn(j, key, strlen(key), s, len);
}

/* Escape len bytes of s as a quoted JSON string into ob (no comma logic). */
void json_escape(struct outbuf *ob, const char *s, size_t len);
/* The same written at d, which has room for 6 * len + 2 bytes; returns
 * the end. */
char *json_escape_to(char *d, const char *s, size_t len);

/* Start a new top-level value (e.g. the next JSON Lines record). */
void json_reset(struct json *j);

#endif
