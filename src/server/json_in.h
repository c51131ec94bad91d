/*
 * json_in.h — reading JSON request bodies (jansson) with Databricks-shaped errors.
 *
 * srv_json_body parses the body once per request; the tree is released with the
 * request's arena.  Field readers check types: a field of the wrong type is
 * BK_INVALID_ARGUMENT naming the field and the expected type, a missing required
 * field is BK_INVALID_ARGUMENT too; an absent optional field leaves *out as given.
 * Numbers may arrive as JSON integers or as decimal strings (the SDK sends int64
 * fields either way).
 */
#ifndef BRICKS_SERVER_JSON_IN_H
#define BRICKS_SERVER_JSON_IN_H

#include <jansson.h>

#include "server/request.h"

/*
 * The body as a JSON object.  An empty body is an empty object.  BK_MALFORMED_REQUEST
 * for invalid JSON (with jansson's line/column) or a top-level value that is not an
 * object.
 */
bk_status srv_json_body(srv_request *req, json_t **out, bk_error *err);

bk_status srv_json_get_str(json_t *obj, const char *key, bool required, const char **out,
                           bk_error *err);
bk_status srv_json_get_i64(json_t *obj, const char *key, bool required, int64_t *out,
                           bk_error *err);
bk_status srv_json_get_bool(json_t *obj, const char *key, bool required, bool *out,
                            bk_error *err);
/* An array field (NULL when absent and optional). */
bk_status srv_json_get_arr(json_t *obj, const char *key, bool required, json_t **out,
                           bk_error *err);

/* Serialize `v` compactly into the arena (NULL on OOM). */
char *srv_json_dump(bk_arena *a, const json_t *v);

#endif
