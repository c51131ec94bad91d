/*
 * json_out.h — a small streaming JSON writer into a bk_buf.
 *
 * The writer tracks nesting and commas, so a handler writes values in order:
 *
 *     srv_json j;
 *     srv_json_init(&j, &res->body);
 *     srv_json_obj(&j);
 *       srv_json_kv_str(&j, "userName", u->user_name);   (skipped when NULL)
 *       srv_json_key(&j, "groups"); srv_json_arr(&j); … srv_json_end(&j);
 *     srv_json_end(&j);
 *     return srv_json_status(&j, err);
 *
 * Strings are escaped per RFC 8259 (control characters as \u00XX; invalid UTF-8 is
 * replaced by U+FFFD so the output is always valid JSON).  Out of memory is sticky:
 * later calls do nothing and srv_json_status reports it.  Nesting deeper than
 * SRV_JSON_MAX_DEPTH is a bug (asserted).
 */
#ifndef BRICKS_SERVER_JSON_OUT_H
#define BRICKS_SERVER_JSON_OUT_H

#include "base/buf.h"
#include "base/error.h"

#define SRV_JSON_MAX_DEPTH 32

typedef struct srv_json {
    bk_buf *out;
    int depth;
    bool need_comma[SRV_JSON_MAX_DEPTH + 1];
    char closer[SRV_JSON_MAX_DEPTH + 1]; /* '}' or ']' per open level */
    bool after_key; /* a key was written: the next value needs no comma */
    bool failed;
} srv_json;

void srv_json_init(srv_json *j, bk_buf *out);
void srv_json_obj(srv_json *j); /* { */
void srv_json_arr(srv_json *j); /* [ */
void srv_json_end(srv_json *j); /* } or ] */
void srv_json_key(srv_json *j, const char *key);
void srv_json_str(srv_json *j, const char *s); /* NULL writes null */
void srv_json_strn(srv_json *j, const char *s, size_t len);
void srv_json_i64(srv_json *j, int64_t v);
void srv_json_bool(srv_json *j, bool v);
void srv_json_null(srv_json *j);
/* A value that is already JSON text (e.g. a stored array); NULL writes null. */
void srv_json_raw(srv_json *j, const char *json);

/* key + value; the _str and _raw forms write nothing when the value is NULL. */
void srv_json_kv_str(srv_json *j, const char *key, const char *v);
void srv_json_kv_raw(srv_json *j, const char *key, const char *json);
void srv_json_kv_i64(srv_json *j, const char *key, int64_t v);
void srv_json_kv_bool(srv_json *j, const char *key, bool v);
/* An int64 as a JSON string ("id": "123"), as SCIM ids are. */
void srv_json_kv_id(srv_json *j, const char *key, int64_t v);

/* BK_OK, or BK_OUT_OF_MEMORY with err filled when any write failed. */
bk_status srv_json_status(const srv_json *j, bk_error *err);

#endif
