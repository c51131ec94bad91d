/*
 * api_clusters.c — the Clusters API (/api/2.1/clusters/…, and the /api/2.0 paths
 * older SDKs use): create, edit, start, restart, delete (terminate),
 * permanent-delete, get, list, events, pin/unpin, change-owner, list-node-types,
 * spark-versions, list-zones.
 *
 * Shapes as databricks-sdk's compute.py reads them: ClusterDetails (the spec, the
 * state, times in epoch ms, termination_reason{code,type,parameters}, driver and
 * executors while running), ListClustersResponse (next_page_token /
 * prev_page_token), GetEventsResponse (the SDK pages by re-posting `next_page`, a
 * whole request body), NodeType with every field select_node_type sorts on.
 *
 * Spec fields Bricks keeps but does not act on (cloud attributes, init_scripts,
 * docker_image, policy_id, runtime_engine, …) are stored verbatim and returned as
 * sent.
 */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "server/apis.h"
#include "server/json_in.h"
#include "server/json_out.h"
#include "services/svc_clusters.h"

#define LIST_PAGE_MAX 100
#define EVENTS_LIMIT_DEFAULT 50
#define EVENTS_LIMIT_MAX 500

/* Spec fields the service models; every other key of a create/edit body is "extra". */
static const char *const modeled[] = {
    "cluster_id",   "cluster_name",      "spark_version",
    "node_type_id", "driver_node_type_id", "num_workers",
    "autoscale",    "autotermination_minutes", "spark_conf",
    "custom_tags",  "spark_env_vars",    "data_security_mode",
    "single_user_name",
};

/* A JSON object of strings (spark_conf, custom_tags, …) as a map in the arena. */
static bk_status read_kvs(srv_request *req, json_t *body, const char *key, svc_kvs *out,
                          bk_error *err) {
    memset(out, 0, sizeof *out);
    json_t *o = json_object_get(body, key);
    if (!o || json_is_null(o)) return BK_OK;
    if (!json_is_object(o))
        return bk_error_set(err, BK_INVALID_ARGUMENT, "Field %s must be an object of strings",
                            key);
    size_t n = json_object_size(o);
    if (!n) return BK_OK;
    out->items = bk_arena_array(req->arena, n, sizeof *out->items);
    if (!out->items) return bk_arena_oom(req->arena, err);
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        if (!json_is_string(v))
            return bk_error_set(err, BK_INVALID_ARGUMENT, "Field %s.%s must be a string", key, k);
        out->items[out->n].key = k;
        out->items[out->n].value = json_string_value(v);
        out->n++;
    }
    return BK_OK;
}

/* The cluster spec of a create or edit body. */
static bk_status read_spec(srv_request *req, json_t *body, svc_cluster_spec *spec,
                           bk_error *err) {
    memset(spec, 0, sizeof *spec);
    BK_TRY(srv_json_get_str(body, "cluster_name", false, &spec->cluster_name, err));
    BK_TRY(srv_json_get_str(body, "spark_version", false, &spec->spark_version, err));
    BK_TRY(srv_json_get_str(body, "node_type_id", false, &spec->node_type_id, err));
    BK_TRY(srv_json_get_str(body, "driver_node_type_id", false, &spec->driver_node_type_id, err));
    BK_TRY(srv_json_get_i64(body, "num_workers", false, &spec->num_workers, err));
    BK_TRY(srv_json_get_i64(body, "autotermination_minutes", false,
                            &spec->autotermination_minutes, err));
    BK_TRY(srv_json_get_str(body, "data_security_mode", false, &spec->data_security_mode, err));
    BK_TRY(srv_json_get_str(body, "single_user_name", false, &spec->single_user_name, err));
    json_t *as = json_object_get(body, "autoscale");
    if (as && !json_is_null(as)) {
        if (!json_is_object(as))
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "Field autoscale must be an object {min_workers, max_workers}");
        spec->has_autoscale = true;
        BK_TRY(srv_json_get_i64(as, "min_workers", false, &spec->min_workers, err));
        BK_TRY(srv_json_get_i64(as, "max_workers", false, &spec->max_workers, err));
    }
    BK_TRY(read_kvs(req, body, "spark_conf", &spec->spark_conf, err));
    BK_TRY(read_kvs(req, body, "custom_tags", &spec->custom_tags, err));
    BK_TRY(read_kvs(req, body, "spark_env_vars", &spec->spark_env_vars, err));
    json_t *extra = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v) {
        bool known = false;
        for (size_t i = 0; i < BK_ARRAY_LEN(modeled) && !known; i++)
            known = strcmp(modeled[i], k) == 0;
        if (!known && !json_is_null(v)) json_object_set(extra, k, v);
    }
    if (extra && json_object_size(extra)) spec->extra_json = srv_json_dump(req->arena, extra);
    json_decref(extra);
    return BK_OK;
}

static void write_kvs(srv_json *j, const char *key, const svc_kvs *m) {
    if (!m->n) return;
    srv_json_key(j, key);
    srv_json_obj(j);
    for (size_t i = 0; i < m->n; i++) srv_json_kv_str(j, m->items[i].key, m->items[i].value);
    srv_json_end(j);
}

static void write_node(srv_json *j, const char *id, int64_t started) {
    srv_json_obj(j);
    srv_json_kv_str(j, "node_id", id);
    srv_json_kv_str(j, "instance_id", id);
    srv_json_kv_str(j, "private_ip", "127.0.0.1");
    srv_json_kv_str(j, "host_private_ip", "127.0.0.1");
    srv_json_kv_i64(j, "start_timestamp", started);
    srv_json_end(j);
}

/* ClusterDetails. */
static void write_cluster(srv_request *req, srv_json *j, const svc_cluster *c) {
    const svc_cluster_spec *p = &c->spec;
    srv_json_obj(j);
    srv_json_kv_str(j, "cluster_id", c->cluster_id);
    srv_json_kv_str(j, "cluster_name", p->cluster_name);
    srv_json_kv_str(j, "spark_version", p->spark_version);
    srv_json_kv_str(j, "node_type_id", p->node_type_id);
    srv_json_kv_str(j, "driver_node_type_id", p->driver_node_type_id);
    if (p->has_autoscale) {
        srv_json_key(j, "autoscale");
        srv_json_obj(j);
        srv_json_kv_i64(j, "min_workers", p->min_workers);
        srv_json_kv_i64(j, "max_workers", p->max_workers);
        srv_json_end(j);
    } else {
        srv_json_kv_i64(j, "num_workers", p->num_workers);
    }
    srv_json_kv_i64(j, "autotermination_minutes", p->autotermination_minutes);
    write_kvs(j, "spark_conf", &p->spark_conf);
    write_kvs(j, "custom_tags", &p->custom_tags);
    write_kvs(j, "spark_env_vars", &p->spark_env_vars);
    srv_json_kv_str(j, "data_security_mode", p->data_security_mode);
    srv_json_kv_str(j, "single_user_name", p->single_user_name);
    json_t *extra = p->extra_json ? json_loads(p->extra_json, 0, NULL) : NULL;
    const char *k;
    json_t *v;
    json_object_foreach(extra, k, v) {
        srv_json_key(j, k);
        srv_json_raw(j, srv_json_dump(req->arena, v));
    }
    json_decref(extra);
    srv_json_kv_str(j, "state", svc_cluster_state_name(c->state));
    srv_json_kv_str(j, "state_message", c->state_message ? c->state_message : "");
    srv_json_kv_str(j, "creator_user_name", c->owner_name);
    srv_json_kv_str(j, "cluster_source", c->cluster_source);
    if (c->start_time) srv_json_kv_i64(j, "start_time", c->start_time);
    if (c->terminated_time) srv_json_kv_i64(j, "terminated_time", c->terminated_time);
    if (c->last_restarted_time) srv_json_kv_i64(j, "last_restarted_time", c->last_restarted_time);
    if (c->last_state_loss_time)
        srv_json_kv_i64(j, "last_state_loss_time", c->last_state_loss_time);
    if (c->term_code) {
        srv_json_key(j, "termination_reason");
        srv_json_obj(j);
        srv_json_kv_str(j, "code", c->term_code);
        srv_json_kv_str(j, "type", c->term_type);
        write_kvs(j, "parameters", &c->term_params);
        srv_json_end(j);
    }
    srv_json_key(j, "default_tags");
    srv_json_obj(j);
    srv_json_kv_str(j, "Vendor", "Bricks");
    srv_json_kv_str(j, "Creator", c->owner_name);
    srv_json_kv_str(j, "ClusterName", p->cluster_name);
    srv_json_kv_str(j, "ClusterId", c->cluster_id);
    srv_json_end(j);
    if (c->live_workers > 0 && c->state == SVC_CLUSTER_RUNNING) {
        srv_json_kv_i64(j, "spark_context_id", c->spark_context_id);
        srv_json_key(j, "driver");
        write_node(j, bk_arena_printf(req->arena, "%s-driver", c->cluster_id), c->start_time);
        srv_json_key(j, "executors");
        srv_json_arr(j);
        bool single = !p->has_autoscale && p->num_workers == 0;
        for (int i = 0; !single && i < c->live_workers; i++)
            write_node(j, bk_arena_printf(req->arena, "%s-worker-%d", c->cluster_id, i),
                       c->start_time);
        srv_json_end(j);
    }
    srv_json_end(j);
}

/* The cluster_id of a POST body. */
static bk_status body_id(srv_request *req, json_t **body, const char **id, bk_error *err) {
    BK_TRY(srv_json_body(req, body, err));
    *id = NULL;
    return srv_json_get_str(*body, "cluster_id", true, id, err);
}

/* POST create {spec…} → {cluster_id} */
static bk_status cluster_create(srv_request *req, srv_response *res, bk_error *err) {
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    svc_cluster_spec spec;
    BK_TRY(read_spec(req, body, &spec, err));
    char id[SVC_CLUSTER_ID_MAX];
    BK_TRY(svc_cluster_create(&req->ctx, &spec, "API", id, err));
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_kv_str(&j, "cluster_id", id);
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

/* POST edit {cluster_id, spec…} */
static bk_status cluster_edit(srv_request *req, srv_response *res, bk_error *err) {
    (void)res;
    json_t *body;
    const char *id;
    BK_TRY(body_id(req, &body, &id, err));
    svc_cluster_spec spec;
    BK_TRY(read_spec(req, body, &spec, err));
    return svc_cluster_edit(&req->ctx, id, &spec, err);
}

#define SIMPLE_HANDLER(name, call)                                                                 \
    static bk_status name(srv_request *req, srv_response *res, bk_error *err) {                    \
        (void)res;                                                                                 \
        json_t *body;                                                                              \
        const char *id;                                                                            \
        BK_TRY(body_id(req, &body, &id, err));                                                     \
        return call;                                                                               \
    }

SIMPLE_HANDLER(cluster_start, svc_cluster_start(&req->ctx, id, err))
SIMPLE_HANDLER(cluster_restart, svc_cluster_restart(&req->ctx, id, err))
SIMPLE_HANDLER(cluster_delete, svc_cluster_delete(&req->ctx, id, err))
SIMPLE_HANDLER(cluster_permanent_delete, svc_cluster_permanent_delete(&req->ctx, id, err))
SIMPLE_HANDLER(cluster_pin, svc_cluster_pin(&req->ctx, id, true, err))
SIMPLE_HANDLER(cluster_unpin, svc_cluster_pin(&req->ctx, id, false, err))

/* POST change-owner {cluster_id, owner_username} */
static bk_status cluster_change_owner(srv_request *req, srv_response *res, bk_error *err) {
    (void)res;
    json_t *body;
    const char *id, *owner = NULL;
    BK_TRY(body_id(req, &body, &id, err));
    BK_TRY(srv_json_get_str(body, "owner_username", true, &owner, err));
    return svc_cluster_change_owner(&req->ctx, id, owner, err);
}

/* GET get?cluster_id= */
static bk_status cluster_get(srv_request *req, srv_response *res, bk_error *err) {
    const char *id = srv_query(req, "cluster_id");
    if (!id || !*id)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "Missing required field: cluster_id");
    svc_cluster *c;
    BK_TRY(svc_cluster_get(&req->ctx, id, &c, err));
    srv_json j;
    srv_json_init(&j, &res->body);
    write_cluster(req, &j, c);
    return srv_json_status(&j, err);
}

/* "o<offset>" page tokens; "" or absent is the first page. */
static bk_status parse_token(const char *tok, int64_t *offset, bk_error *err) {
    *offset = 0;
    if (!tok || !*tok) return BK_OK;
    if (tok[0] != 'o' || !bk_parse_i64(tok + 1, strlen(tok + 1), offset) || *offset < 0)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "Invalid page_token \"%s\"", tok);
    return BK_OK;
}

/* GET list?filter_by.…&sort_by.…&page_size&page_token */
static bk_status cluster_list(srv_request *req, srv_response *res, bk_error *err) {
    svc_cluster_filter f = {.is_pinned = -1};
    size_t n_states = 0;
    const char **states = srv_query_all(req, "filter_by.cluster_states", &n_states);
    svc_cluster_state *parsed = n_states ? bk_arena_array(req->arena, n_states, sizeof *parsed)
                                         : NULL;
    if (n_states && !parsed) return bk_arena_oom(req->arena, err);
    for (size_t i = 0; i < n_states; i++)
        if (!svc_cluster_state_parse(states[i], &parsed[i]))
            return bk_error_set(err, BK_INVALID_ARGUMENT, "Invalid cluster state %s", states[i]);
    f.states = parsed;
    f.n_states = n_states;
    f.sources = srv_query_all(req, "filter_by.cluster_sources", &f.n_sources);
    if (srv_query(req, "filter_by.is_pinned")) {
        bool pinned;
        BK_TRY(srv_query_bool(req, "filter_by.is_pinned", false, &pinned, err));
        f.is_pinned = pinned;
    }
    const char *policy = srv_query(req, "filter_by.policy_id");
    if (policy && *policy) f.policy_id = policy;
    const char *dir = srv_query(req, "sort_by.direction");
    const char *field = srv_query(req, "sort_by.field");
    if (dir && strcmp(dir, "ASC") != 0 && strcmp(dir, "DESC") != 0)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "Invalid sort_by.direction %s: ASC or DESC",
                            dir);
    if (field && strcmp(field, "CLUSTER_NAME") != 0 && strcmp(field, "DEFAULT") != 0)
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "Invalid sort_by.field %s: CLUSTER_NAME or DEFAULT", field);
    f.descending = dir && strcmp(dir, "DESC") == 0;
    f.sort_by_name = field && strcmp(field, "CLUSTER_NAME") == 0;
    int64_t size;
    BK_TRY(srv_query_i64(req, "page_size", 0, &size, err));
    if (size < 0)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "page_size must be 0 or more, not %lld",
                            (long long)size);
    f.limit = size == 0 || size > LIST_PAGE_MAX ? LIST_PAGE_MAX : size;
    BK_TRY(parse_token(srv_query(req, "page_token"), &f.offset, err));
    svc_cluster *rows;
    size_t n;
    bool more;
    BK_TRY(svc_cluster_list(&req->ctx, &f, &rows, &n, &more, err));
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_key(&j, "clusters");
    srv_json_arr(&j);
    for (size_t i = 0; i < n; i++) write_cluster(req, &j, &rows[i]);
    srv_json_end(&j);
    if (more)
        srv_json_kv_str(&j, "next_page_token",
                        bk_arena_printf(req->arena, "o%lld", (long long)(f.offset + f.limit)));
    if (f.offset > 0) {
        int64_t prev = f.offset > f.limit ? f.offset - f.limit : 0;
        srv_json_kv_str(&j, "prev_page_token",
                        bk_arena_printf(req->arena, "o%lld", (long long)prev));
    }
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

/*
 * POST events {cluster_id, start_time, end_time, event_types, order, offset, limit,
 * page_size, page_token} → {events, total_count, next_page[, next_page_token]}.
 * With page_token/page_size the pages are tokens; otherwise offset/limit.  Either
 * way next_page is the request for the following page, which the SDK re-posts.
 */
static bk_status cluster_events(srv_request *req, srv_response *res, bk_error *err) {
    json_t *body;
    const char *id;
    BK_TRY(body_id(req, &body, &id, err));
    svc_event_filter f = {0};
    BK_TRY(srv_json_get_i64(body, "start_time", false, &f.start_time, err));
    BK_TRY(srv_json_get_i64(body, "end_time", false, &f.end_time, err));
    const char *order = NULL;
    BK_TRY(srv_json_get_str(body, "order", false, &order, err));
    if (order && strcmp(order, "ASC") != 0 && strcmp(order, "DESC") != 0)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "Invalid order %s: ASC or DESC", order);
    f.ascending = order && strcmp(order, "ASC") == 0;
    json_t *types = NULL;
    BK_TRY(srv_json_get_arr(body, "event_types", false, &types, err));
    f.n_types = types ? json_array_size(types) : 0;
    const char **names = f.n_types ? bk_arena_array(req->arena, f.n_types, sizeof *names) : NULL;
    if (f.n_types && !names) return bk_arena_oom(req->arena, err);
    for (size_t i = 0; i < f.n_types; i++) {
        names[i] = json_string_value(json_array_get(types, i));
        if (!names[i])
            return bk_error_set(err, BK_INVALID_ARGUMENT, "event_types must be strings");
    }
    f.types = names;
    int64_t limit = 0, page_size = 0;
    BK_TRY(srv_json_get_i64(body, "offset", false, &f.offset, err));
    BK_TRY(srv_json_get_i64(body, "limit", false, &limit, err));
    BK_TRY(srv_json_get_i64(body, "page_size", false, &page_size, err));
    const char *token = NULL;
    BK_TRY(srv_json_get_str(body, "page_token", false, &token, err));
    bool by_token = (token && *token) || page_size > 0;
    if (f.offset < 0 || limit < 0 || limit > EVENTS_LIMIT_MAX || page_size < 0 ||
        page_size > EVENTS_LIMIT_MAX)
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "offset must be 0 or more and limit and page_size between 0 and %d",
                            EVENTS_LIMIT_MAX);
    if (by_token) {
        BK_TRY(parse_token(token, &f.offset, err));
        limit = page_size;
    }
    f.limit = limit ? limit : EVENTS_LIMIT_DEFAULT;
    svc_cluster_event *events;
    size_t n;
    int64_t total;
    BK_TRY(svc_cluster_events(&req->ctx, id, &f, &events, &n, &total, err));
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_key(&j, "events");
    srv_json_arr(&j);
    for (size_t i = 0; i < n; i++) {
        srv_json_obj(&j);
        srv_json_kv_str(&j, "cluster_id", id);
        srv_json_kv_i64(&j, "timestamp", events[i].timestamp);
        srv_json_kv_str(&j, "type", events[i].type);
        srv_json_kv_raw(&j, "details", events[i].details_json ? events[i].details_json : "{}");
        srv_json_end(&j);
    }
    srv_json_end(&j);
    srv_json_kv_i64(&j, "total_count", total);
    int64_t next = f.offset + (int64_t)n;
    if (n > 0 && next < total) {
        json_t *np = json_deep_copy(body);
        char *tok = bk_arena_printf(req->arena, "o%lld", (long long)next);
        if (by_token) {
            json_object_del(np, "offset");
            json_object_set_new(np, "page_token", json_string(tok));
            json_object_set_new(np, "page_size", json_integer(f.limit));
            srv_json_kv_str(&j, "next_page_token", tok);
        } else {
            json_object_set_new(np, "offset", json_integer(next));
            json_object_set_new(np, "limit", json_integer(f.limit));
        }
        srv_json_kv_raw(&j, "next_page", srv_json_dump(req->arena, np));
        json_decref(np);
    }
    if (by_token && f.offset > 0) {
        int64_t prev = f.offset > f.limit ? f.offset - f.limit : 0;
        srv_json_kv_str(&j, "prev_page_token",
                        bk_arena_printf(req->arena, "o%lld", (long long)prev));
    }
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

/* GET list-node-types */
static bk_status cluster_node_types(srv_request *req, srv_response *res, bk_error *err) {
    const svc_node_type *types;
    size_t n;
    BK_TRY(svc_cluster_node_types(&req->ctx, &types, &n, err));
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_key(&j, "node_types");
    srv_json_arr(&j);
    for (size_t i = 0; i < n; i++) {
        const svc_node_type *t = &types[i];
        srv_json_obj(&j);
        srv_json_kv_str(&j, "node_type_id", t->node_type_id);
        srv_json_kv_str(&j, "instance_type_id", t->node_type_id);
        srv_json_kv_str(&j, "description", t->description);
        srv_json_kv_str(&j, "category", "General Purpose");
        srv_json_kv_i64(&j, "num_cores", t->num_cores);
        srv_json_kv_i64(&j, "memory_mb", t->memory_mb);
        srv_json_kv_i64(&j, "num_gpus", 0);
        srv_json_kv_bool(&j, "is_deprecated", false);
        srv_json_kv_bool(&j, "is_hidden", false);
        srv_json_kv_bool(&j, "photon_worker_capable", false);
        srv_json_kv_bool(&j, "photon_driver_capable", false);
        srv_json_kv_bool(&j, "support_port_forwarding", false);
        srv_json_kv_i64(&j, "display_order", (int64_t)i);
        srv_json_key(&j, "node_instance_type");
        srv_json_obj(&j);
        srv_json_kv_str(&j, "instance_type_id", t->node_type_id);
        srv_json_kv_i64(&j, "local_disks", 1);
        srv_json_kv_i64(&j, "local_disk_size_gb", t->local_disk_gb);
        srv_json_kv_i64(&j, "local_nvme_disks", 0);
        srv_json_kv_i64(&j, "local_nvme_disk_size_gb", 0);
        srv_json_end(&j);
        srv_json_end(&j);
    }
    srv_json_end(&j);
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

/* GET spark-versions */
static bk_status cluster_spark_versions(srv_request *req, srv_response *res, bk_error *err) {
    (void)req;
    size_t n;
    const svc_spark_version *v = svc_cluster_spark_versions(&n);
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_key(&j, "versions");
    srv_json_arr(&j);
    for (size_t i = 0; i < n; i++) {
        srv_json_obj(&j);
        srv_json_kv_str(&j, "key", v[i].key);
        srv_json_kv_str(&j, "name", v[i].name);
        srv_json_end(&j);
    }
    srv_json_end(&j);
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

/* GET list-zones: this machine is the one zone. */
static bk_status cluster_zones(srv_request *req, srv_response *res, bk_error *err) {
    (void)req;
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_key(&j, "zones");
    srv_json_arr(&j);
    srv_json_str(&j, "local");
    srv_json_end(&j);
    srv_json_kv_str(&j, "default_zone", "local");
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

#define CLUSTER_ROUTES(v)                                                                          \
    {"POST", "/api/" v "/clusters/create", cluster_create, 0, 0},                                  \
        {"POST", "/api/" v "/clusters/edit", cluster_edit, 0, 0},                                  \
        {"POST", "/api/" v "/clusters/start", cluster_start, 0, 0},                                \
        {"POST", "/api/" v "/clusters/restart", cluster_restart, 0, 0},                            \
        {"POST", "/api/" v "/clusters/delete", cluster_delete, 0, 0},                              \
        {"POST", "/api/" v "/clusters/permanent-delete", cluster_permanent_delete, 0, 0},          \
        {"POST", "/api/" v "/clusters/pin", cluster_pin, 0, 0},                                    \
        {"POST", "/api/" v "/clusters/unpin", cluster_unpin, 0, 0},                                \
        {"POST", "/api/" v "/clusters/change-owner", cluster_change_owner, 0, 0},                  \
        {"POST", "/api/" v "/clusters/events", cluster_events, 0, 0},                              \
        {"GET", "/api/" v "/clusters/get", cluster_get, 0, 0},                                     \
        {"GET", "/api/" v "/clusters/list", cluster_list, 0, 0},                                   \
        {"GET", "/api/" v "/clusters/list-node-types", cluster_node_types, 0, 0},                  \
        {"GET", "/api/" v "/clusters/spark-versions", cluster_spark_versions, 0, 0},               \
        {"GET", "/api/" v "/clusters/list-zones", cluster_zones, 0, 0}

static const srv_route routes[] = {CLUSTER_ROUTES("2.1"), CLUSTER_ROUTES("2.0")};

const srv_route_table srv_api_clusters = {"clusters", routes, BK_ARRAY_LEN(routes)};
