/*
 * json_in.c — request bodies as jansson trees, and typed field readers.
 */
#include "server/json_in.h"

#include <string.h>

#include "base/mem.h"
#include "base/str.h"

static void decref(void *p) { json_decref(p); }

bk_status srv_json_body(srv_request *req, json_t **out, bk_error *err) {
    *out = NULL;
    json_t *root;
    size_t i = 0;
    while (i < req->body_len && (req->body[i] == ' ' || req->body[i] == '\n' ||
                                 req->body[i] == '\r' || req->body[i] == '\t'))
        i++;
    if (i == req->body_len) {
        root = json_object();
    } else {
        json_error_t jerr;
        root = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
        if (!root)
            return bk_error_set(err, BK_MALFORMED_REQUEST,
                                "Malformed request: invalid JSON in the body at line %d, column"
                                " %d: %s",
                                jerr.line, jerr.column, jerr.text);
    }
    if (!root) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    if (!bk_arena_own(req->arena, decref, root)) {
        json_decref(root);
        return bk_arena_oom(req->arena, err);
    }
    if (!json_is_object(root))
        return bk_error_set(err, BK_MALFORMED_REQUEST,
                            "Malformed request: the body must be a JSON object");
    *out = root;
    return BK_OK;
}

static bk_status missing(const char *key, bk_error *err) {
    return bk_error_set(err, BK_INVALID_ARGUMENT, "Missing required field: %s", key);
}

static bk_status wrong_type(const char *key, const char *want, bk_error *err) {
    return bk_error_set(err, BK_INVALID_ARGUMENT,
                        "Invalid value for field %s: expected %s", key, want);
}

bk_status srv_json_get_str(json_t *obj, const char *key, bool required, const char **out,
                           bk_error *err) {
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) return required ? missing(key, err) : BK_OK;
    if (!json_is_string(v)) return wrong_type(key, "a string", err);
    *out = json_string_value(v);
    return BK_OK;
}

bk_status srv_json_get_i64(json_t *obj, const char *key, bool required, int64_t *out,
                           bk_error *err) {
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) return required ? missing(key, err) : BK_OK;
    if (json_is_integer(v)) {
        *out = (int64_t)json_integer_value(v);
        return BK_OK;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (bk_parse_i64(s, strlen(s), out)) return BK_OK;
    }
    return wrong_type(key, "an integer", err);
}

bk_status srv_json_get_bool(json_t *obj, const char *key, bool required, bool *out,
                            bk_error *err) {
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) return required ? missing(key, err) : BK_OK;
    if (!json_is_boolean(v)) return wrong_type(key, "a boolean", err);
    *out = json_is_true(v);
    return BK_OK;
}

bk_status srv_json_get_arr(json_t *obj, const char *key, bool required, json_t **out,
                           bk_error *err) {
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) return required ? missing(key, err) : BK_OK;
    if (!json_is_array(v)) return wrong_type(key, "an array", err);
    *out = v;
    return BK_OK;
}

char *srv_json_dump(bk_arena *a, const json_t *v) {
    char *heap = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!heap) return NULL;
    char *copy = bk_arena_strdup(a, heap);
    bk_free_foreign(heap);
    return copy;
}
