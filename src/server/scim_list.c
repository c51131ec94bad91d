/*
 * scim_list.c — SCIM list responses (RFC 7644 §3.4.2): filter, sort, page, project.
 *
 * Paging is what the Databricks SDK's iterator relies on: it sends startIndex=1 and
 * count=10000 (or the caller's count), adds the number of Resources it got to
 * startIndex, and stops at the first page without Resources.  totalResults is the
 * number of matches of the filter, whatever the page.
 */
#include "server/scim.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/json_in.h"

static void decref(void *p) { json_decref(p); }

/* The value of `path` ("a" or "a.b"; for an array, its first element's) or NULL. */
static json_t *sort_key(json_t *res, const char *path) {
    const char *dot = strchr(path, '.');
    size_t len = dot ? (size_t)(dot - path) : strlen(path);
    json_t *v = scim_attr(res, path, len);
    if (json_is_array(v)) v = json_array_get(v, 0);
    if (dot && v) v = scim_attr(v, dot + 1, strlen(dot + 1));
    if (json_is_array(v)) v = json_array_get(v, 0);
    return v;
}

typedef struct sort_item {
    json_t *res;
    json_t *key;
    size_t pos; /* original order, for a stable sort */
} sort_item;

static int cmp_items(const void *pa, const void *pb, void *arg) {
    const sort_item *a = pa, *b = pb;
    bool descending = *(const bool *)arg;
    int c;
    if (!a->key || !b->key) {
        c = a->key ? -1 : b->key ? 1 : 0; /* missing values last */
        if (c) return c;
    } else if (json_is_string(a->key) && json_is_string(b->key)) {
        c = strcasecmp(json_string_value(a->key), json_string_value(b->key));
        if (c) return descending ? -c : c;
    } else if (json_is_number(a->key) && json_is_number(b->key)) {
        double x = json_number_value(a->key), y = json_number_value(b->key);
        c = x < y ? -1 : x > y ? 1 : 0;
        if (c) return descending ? -c : c;
    }
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* Whether `name` is listed in the comma-separated `list` (top-level part of a.b). */
static bool listed(const char *list, const char *name) {
    size_t nlen = strlen(name);
    const char *p = list;
    while (*p) {
        while (*p == ' ' || *p == ',') p++;
        const char *end = p;
        while (*end && *end != ',') end++;
        const char *dot = memchr(p, '.', (size_t)(end - p));
        /* "urn:…:User:userName" style names: compare the part after the last ':' */
        const char *colon = NULL;
        for (const char *q = p; q < (dot ? dot : end); q++)
            if (*q == ':') colon = q;
        const char *start = colon ? colon + 1 : p;
        size_t len = (size_t)((dot ? dot : end) - start);
        while (len > 0 && start[len - 1] == ' ') len--;
        if (len == nlen && strncasecmp(start, name, len) == 0) return true;
        p = end;
    }
    return false;
}

/* Apply attributes / excludedAttributes to one resource in place. */
static void project(json_t *res, const char *attrs, const char *excluded) {
    if (!attrs && !excluded) return;
    const char *key;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(res, tmp, key, v) {
        if (strcmp(key, "id") == 0 || strcmp(key, "schemas") == 0) continue;
        bool keep = attrs ? listed(attrs, key) : true;
        if (excluded && listed(excluded, key)) keep = false;
        if (!keep) json_object_del(res, key);
    }
}

static bk_status write_json(srv_request *req, srv_response *res, json_t *v, bk_error *err) {
    char *text = srv_json_dump(req->arena, v);
    if (!text) return bk_arena_oom(req->arena, err);
    bk_buf_clear(&res->body);
    if (bk_buf_append(&res->body, text, strlen(text)) != BK_OK)
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    return BK_OK;
}

bk_status scim_resource_respond(srv_request *req, srv_response *res, json_t *resource,
                                bk_error *err) {
    project(resource, srv_query(req, "attributes"), srv_query(req, "excludedAttributes"));
    return write_json(req, res, resource, err);
}

bk_status scim_list_respond(srv_request *req, srv_response *res, json_t *resources,
                            bk_error *err) {
    if (!bk_arena_own(req->arena, decref, resources)) {
        json_decref(resources);
        return bk_arena_oom(req->arena, err);
    }
    scim_filter *filter = NULL;
    const char *ftext = srv_query(req, "filter");
    if (ftext && *ftext) BK_TRY(scim_filter_parse(req->arena, ftext, &filter, err));
    int64_t start = 1, count = -1;
    BK_TRY(srv_query_i64(req, "startIndex", 1, &start, err));
    BK_TRY(srv_query_i64(req, "count", -1, &count, err));
    if (start < 1) start = 1;
    const char *sort_by = srv_query(req, "sortBy");
    const char *order = srv_query(req, "sortOrder");
    if (order && strcasecmp(order, "ascending") != 0 && strcasecmp(order, "descending") != 0)
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "Invalid sortOrder \"%s\": use ascending or descending", order);

    size_t n = json_array_size(resources), n_match = 0;
    sort_item *items = n ? bk_arena_array(req->arena, n, sizeof *items) : NULL;
    if (n && !items) return bk_arena_oom(req->arena, err);
    for (size_t i = 0; i < n; i++) {
        json_t *r = json_array_get(resources, i);
        if (filter && !scim_filter_match(filter, r)) continue;
        items[n_match].res = r;
        items[n_match].key = sort_by ? sort_key(r, sort_by) : NULL;
        items[n_match].pos = n_match;
        n_match++;
    }
    if (sort_by && n_match > 1) {
        bool descending = order && strcasecmp(order, "descending") == 0;
        qsort_r(items, n_match, sizeof *items, cmp_items, &descending); /* glibc's qsort_r */
    }
    size_t first = (size_t)(start - 1);
    size_t page = first < n_match ? n_match - first : 0;
    if (count >= 0 && (uint64_t)count < page) page = (size_t)count;

    json_t *out = json_object();
    json_t *list = json_array();
    json_t *schemas = json_array();
    if (!out || !list || !schemas || !bk_arena_own(req->arena, decref, out)) {
        json_decref(out);
        json_decref(list);
        json_decref(schemas);
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    }
    const char *attrs = srv_query(req, "attributes");
    const char *excluded = srv_query(req, "excludedAttributes");
    for (size_t i = 0; i < page; i++) {
        json_t *r = items[first + i].res;
        project(r, attrs, excluded);
        json_array_append(list, r);
    }
    json_array_append_new(schemas, json_string(SCIM_LIST_SCHEMA));
    json_object_set_new(out, "schemas", schemas);
    json_object_set_new(out, "totalResults", json_integer((json_int_t)n_match));
    json_object_set_new(out, "startIndex", json_integer((json_int_t)start));
    json_object_set_new(out, "itemsPerPage", json_integer((json_int_t)page));
    json_object_set_new(out, "Resources", list);
    return write_json(req, res, out, err);
}
