/* One streaming JSON writer, passed explicitly. Commas are automatic; every
 * control byte in a string is escaped; numbers are raw. */
#ifndef XDPCOUNT_JSON_H
#define XDPCOUNT_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	bool need_comma[JSON_MAX_DEPTH + 1]; /* [0]: the top level */
	bool after_key;
	int over; /* scopes open past JSON_MAX_DEPTH */
	int err;  /* -E2BIG once one was opened */
};

void json_init(struct json *j, FILE *f);
void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
void json_double(struct json *j, double v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* 0, or -E2BIG when something nested deeper than JSON_MAX_DEPTH (the
 * output is then not valid JSON; it stays so until json_init). */
int json_error(const struct json *j);
/* Ends one JSON Lines record: a newline after the top-level value. */
void json_line_end(struct json *j);

/* key + value helpers */
void json_kv_string(struct json *j, const char *key, const char *s); /* NULL -> null */
void json_kv_u64(struct json *j, const char *key, uint64_t v);
void json_kv_i64(struct json *j, const char *key, int64_t v);
void json_kv_double(struct json *j, const char *key, double v);
void json_kv_bool(struct json *j, const char *key, bool v);
void json_kv_null(struct json *j, const char *key);

#endif
