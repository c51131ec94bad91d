/*
 * scim_patch.c — SCIM PATCH (RFC 7644 §3.5.2) on a resource's JSON form.
 *
 *   path -> [urn ":"] attr [ "[" filter "]" ] [ "." sub ]
 *
 * Databricks clients also send two non-RFC forms, both accepted: a "remove" of an
 * array attribute whose value lists the elements to drop ({"op": "remove", "path":
 * "members", "value": [{"value": "123"}]}), and op names in any case.
 */
#include "server/scim.h"

#include <string.h>
#include <strings.h>

typedef enum patch_op { P_ADD, P_REPLACE, P_REMOVE } patch_op;

/* The key of `obj` equal to name (case-insensitive), else name itself. */
static const char *real_key(json_t *obj, const char *name) {
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        if (strcasecmp(key, name) == 0) return key;
    }
    return name;
}

static bool same_element(json_t *a, json_t *b) {
    json_t *va = json_is_object(a) ? json_object_get(a, "value") : NULL;
    json_t *vb = json_is_object(b) ? json_object_get(b, "value") : NULL;
    if (va && vb && json_is_string(va) && json_is_string(vb))
        return strcmp(json_string_value(va), json_string_value(vb)) == 0;
    return json_equal(a, b);
}

/* Append the elements of `value` (an array, or one value) to array `arr`, skipping duplicates. */
static void append_unique(json_t *arr, json_t *value) {
    json_t *items = json_is_array(value) ? value : NULL;
    size_t n = items ? json_array_size(items) : 1;
    for (size_t i = 0; i < n; i++) {
        json_t *e = items ? json_array_get(items, i) : value;
        bool dup = false;
        size_t k;
        json_t *have;
        json_array_foreach(arr, k, have) {
            if (same_element(have, e)) {
                dup = true;
                break;
            }
        }
        if (!dup) json_array_append_new(arr, json_deep_copy(e));
    }
}

static bk_status bad(bk_error *err, const char *what, const char *path) {
    return bk_error_set(err, BK_INVALID_ARGUMENT, "Invalid PATCH operation: %s (path \"%s\")", what,
                        path ? path : "");
}

/* One operation on attribute `attr` with an optional element filter and sub-attribute. */
static bk_status apply_one(json_t *res, patch_op op, const char *attr, const scim_filter *filter,
                           const char *sub, json_t *value, const char *path, bk_error *err) {
    const char *key = real_key(res, attr);
    json_t *cur = json_object_get(res, key);
    if (filter) {
        if (!json_is_array(cur)) {
            if (op == P_REMOVE) return BK_OK; /* nothing to remove */
            return bad(err, "a value filter needs an array attribute", path);
        }
        for (size_t i = json_array_size(cur); i-- > 0;) {
            json_t *e = json_array_get(cur, i);
            if (!scim_filter_match(filter, e)) continue;
            if (op == P_REMOVE) {
                if (sub)
                    json_object_del(e, real_key(e, sub));
                else
                    json_array_remove(cur, i);
            } else if (sub) {
                json_object_set_new(e, real_key(e, sub), json_deep_copy(value));
            } else {
                json_array_set_new(cur, i, json_deep_copy(value));
            }
        }
        return BK_OK;
    }
    if (sub) {
        if (op == P_REMOVE) {
            if (json_is_object(cur)) json_object_del(cur, real_key(cur, sub));
            return BK_OK;
        }
        if (!json_is_object(cur)) {
            cur = json_object();
            json_object_set_new(res, key, cur);
        }
        json_object_set_new(cur, real_key(cur, sub), json_deep_copy(value));
        return BK_OK;
    }
    switch (op) {
    case P_REMOVE:
        if (value && json_is_array(cur) && json_is_array(value)) {
            for (size_t i = json_array_size(cur); i-- > 0;) {
                size_t k;
                json_t *drop;
                json_array_foreach(value, k, drop) {
                    if (same_element(json_array_get(cur, i), drop)) {
                        json_array_remove(cur, i);
                        break;
                    }
                }
            }
        } else {
            json_object_del(res, key);
        }
        return BK_OK;
    case P_ADD:
        if (!value) return bad(err, "\"add\" needs a value", path);
        if (json_is_array(cur)) {
            append_unique(cur, value);
        } else if (json_is_object(cur) && json_is_object(value)) {
            json_object_update(cur, value);
        } else {
            json_object_set_new(res, key, json_deep_copy(value));
        }
        return BK_OK;
    case P_REPLACE:
        if (!value) return bad(err, "\"replace\" needs a value", path);
        json_object_set_new(res, key, json_deep_copy(value));
        return BK_OK;
    }
    return BK_OK;
}

/* Split `path` into attr, optional [filter] and optional .sub, and apply. */
static bk_status apply_path(bk_arena *a, json_t *res, patch_op op, const char *path,
                            json_t *value, bk_error *err) {
    const char *bracket = strchr(path, '[');
    const char *head_end = bracket ? bracket : path + strlen(path);
    /* Drop a schema URN prefix: the attribute is after the last ':' of the head. */
    const char *start = path;
    for (const char *q = path; q < head_end; q++)
        if (*q == ':') start = q + 1;
    const char *dot = NULL;
    scim_filter *filter = NULL;
    const char *after;
    if (bracket) {
        const char *close = strrchr(bracket, ']');
        if (!close) return bad(err, "unclosed '['", path);
        char *ftext = bk_arena_strndup(a, bracket + 1, (size_t)(close - bracket - 1));
        if (!ftext) return bk_arena_oom(a, err);
        BK_TRY(scim_filter_parse(a, ftext, &filter, err));
        after = close + 1;
        if (*after == '.')
            dot = after;
        else if (*after)
            return bad(err, "unexpected text after ']'", path);
    } else {
        dot = memchr(start, '.', (size_t)(head_end - start));
    }
    const char *attr_end = bracket ? bracket : dot ? dot : head_end;
    char *attr = bk_arena_strndup(a, start, (size_t)(attr_end - start));
    const char *sub = dot ? dot + 1 : NULL;
    if (!attr) return bk_arena_oom(a, err);
    if (!*attr || (sub && !*sub)) return bad(err, "empty attribute name", path);
    return apply_one(res, op, attr, filter, sub, value, path, err);
}

bk_status scim_patch_apply(bk_arena *a, json_t *resource, json_t *body, bk_error *err) {
    json_t *ops = scim_attr(body, "Operations", 10);
    if (!json_is_array(ops))
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "Invalid PATCH request: \"Operations\" must be an array");
    size_t i;
    json_t *o;
    json_array_foreach(ops, i, o) {
        json_t *jop = scim_attr(o, "op", 2);
        json_t *jpath = scim_attr(o, "path", 4);
        json_t *value = scim_attr(o, "value", 5);
        if (!json_is_string(jop))
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "Invalid PATCH operation %zu: \"op\" must be a string", i + 1);
        const char *name = json_string_value(jop);
        patch_op op;
        if (strcasecmp(name, "add") == 0)
            op = P_ADD;
        else if (strcasecmp(name, "replace") == 0)
            op = P_REPLACE;
        else if (strcasecmp(name, "remove") == 0)
            op = P_REMOVE;
        else
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "Invalid PATCH operation \"%s\": use add, replace or remove", name);
        if (jpath && !json_is_null(jpath)) {
            if (!json_is_string(jpath))
                return bk_error_set(err, BK_INVALID_ARGUMENT,
                                    "Invalid PATCH operation %zu: \"path\" must be a string",
                                    i + 1);
            BK_TRY(apply_path(a, resource, op, json_string_value(jpath), value, err));
            continue;
        }
        if (op == P_REMOVE)
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "Invalid PATCH operation: \"remove\" needs a path");
        if (!json_is_object(value))
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "Invalid PATCH operation: without a path the value must be an"
                                " object of attributes");
        const char *key;
        json_t *v;
        json_object_foreach(value, key, v) {
            BK_TRY(apply_path(a, resource, op, key, v, err));
        }
    }
    return BK_OK;
}
