/*
 * svc_clusters.c — the Clusters API's logic: validation, the catalogue (node types,
 * runtimes), the state transitions an API call may make, access checks, get, list
 * and events.  The transitions that take time (starting and stopping workers) are
 * the manager's (svc_cluster_mgr.c); see svc_clusters.h for the state machine.
 *
 * Each call that changes a cluster reads it and writes it in one transaction
 * (BEGIN IMMEDIATE), so two concurrent calls cannot both see RUNNING and both
 * restart it; the loser sees the new state and fails with BK_INVALID_STATE as the
 * Databricks API does ("Cluster … is in unexpected state Restarting.").
 */
#include "services/svc_clusters.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/str.h"
#include "base/thread.h"
#include "services/svc_clusters_int.h"
#include "services/svc_identity.h"

#define RETENTION_MS (INT64_C(30) * 86400 * 1000) /* terminated clusters listed for 30 days */
#define MAX_NODE_TYPES 8

static const char *const state_names[] = {
    [SVC_CLUSTER_PENDING] = "PENDING",         [SVC_CLUSTER_RUNNING] = "RUNNING",
    [SVC_CLUSTER_RESTARTING] = "RESTARTING",   [SVC_CLUSTER_RESIZING] = "RESIZING",
    [SVC_CLUSTER_TERMINATING] = "TERMINATING", [SVC_CLUSTER_TERMINATED] = "TERMINATED",
    [SVC_CLUSTER_ERROR] = "ERROR",             [SVC_CLUSTER_UNKNOWN] = "UNKNOWN",
};

/* "Running", "Terminated", … as Databricks words INVALID_STATE messages. */
static const char *const state_words[] = {
    [SVC_CLUSTER_PENDING] = "Pending",         [SVC_CLUSTER_RUNNING] = "Running",
    [SVC_CLUSTER_RESTARTING] = "Restarting",   [SVC_CLUSTER_RESIZING] = "Resizing",
    [SVC_CLUSTER_TERMINATING] = "Terminating", [SVC_CLUSTER_TERMINATED] = "Terminated",
    [SVC_CLUSTER_ERROR] = "Error",             [SVC_CLUSTER_UNKNOWN] = "Unknown",
};

const char *svc_cluster_state_name(svc_cluster_state s) {
    return (unsigned)s < BK_ARRAY_LEN(state_names) ? state_names[s] : "UNKNOWN";
}

bool svc_cluster_state_parse(const char *name, svc_cluster_state *out) {
    for (size_t i = 0; name && i < BK_ARRAY_LEN(state_names); i++)
        if (strcmp(name, state_names[i]) == 0) {
            *out = (svc_cluster_state)i;
            return true;
        }
    return false;
}

/* ---- catalogue ---- */

/*
 * Runtimes: Bricks runs every one of them with its own engine (Spark SQL semantics,
 * no JVM); the keys exist so that specs written for Databricks validate.  The names
 * say so instead of claiming an Apache Spark version.
 */
static const svc_spark_version versions[] = {
    {"14.3.x-scala2.12", "14.3 LTS (Bricks runtime, Spark SQL dialect, Scala 2.12 key)"},
    {"15.4.x-scala2.12", "15.4 LTS (Bricks runtime, Spark SQL dialect, Scala 2.12 key)"},
    {"16.4.x-scala2.12", "16.4 LTS (Bricks runtime, Spark SQL dialect, Scala 2.12 key)"},
    {"16.4.x-scala2.13", "16.4 LTS (Bricks runtime, Spark SQL dialect, Scala 2.13 key)"},
    {"17.3.x-scala2.13", "17.3 LTS (Bricks runtime, Spark SQL 4 dialect, Scala 2.13 key)"},
};

const svc_spark_version *svc_cluster_spark_versions(size_t *n) {
    *n = BK_ARRAY_LEN(versions);
    return versions;
}

bk_status svc_cluster_node_types(svc_ctx *ctx, const svc_node_type **out, size_t *n,
                                 bk_error *err) {
    int cores = bk_cpu_count();
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    int64_t ram_mb = pages > 0 && page > 0 ? (int64_t)pages * page / (1024 * 1024) : 1024;
    struct statvfs fs;
    int64_t disk_gb = statvfs(ctx->env->data_dir, &fs) == 0
                          ? (int64_t)((uint64_t)fs.f_bavail * fs.f_frsize >> 30)
                          : 0;
    svc_node_type *types = bk_arena_array(ctx->arena, MAX_NODE_TYPES, sizeof *types);
    if (!types) return bk_arena_oom(ctx->arena, err);
    size_t k = 0;
    /* 1, 2, 4, … cores, and the whole machine. */
    for (int c = 1; k < MAX_NODE_TYPES; c *= 2) {
        if (c > cores) c = cores;
        svc_node_type *t = &types[k++];
        t->num_cores = c;
        t->memory_mb = ram_mb * c / cores;
        t->local_disk_gb = disk_gb;
        t->node_type_id = bk_arena_printf(ctx->arena, "bricks.local-%dc", c);
        t->description = bk_arena_printf(
            ctx->arena, "Bricks local worker: %d of this machine's %d cores, %lld MB of its RAM",
            c, cores, (long long)t->memory_mb);
        if (!t->node_type_id || !t->description) return bk_arena_oom(ctx->arena, err);
        if (c == cores) break;
    }
    *out = types;
    *n = k;
    return BK_OK;
}

static bool known_version(const char *key) {
    for (size_t i = 0; i < BK_ARRAY_LEN(versions); i++)
        if (strcmp(versions[i].key, key) == 0) return true;
    return false;
}

/* ---- shared helpers (svc_clusters_int.h) ---- */

char *svc_cl_json_dump(bk_arena *a, const json_t *v) {
    if (!v) return NULL;
    char *heap = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!heap) return NULL;
    char *copy = bk_arena_strdup(a, heap);
    bk_free_foreign(heap);
    return copy;
}

json_t *svc_cl_kvs_json(const svc_kvs *m) {
    json_t *o = json_object();
    for (size_t i = 0; o && i < m->n; i++)
        json_object_set_new(o, m->items[i].key, json_string(m->items[i].value));
    return o;
}

/* A stored JSON object of strings as a map in the arena (empty for NULL text). */
static svc_kvs kvs_from_text(bk_arena *a, const char *text) {
    svc_kvs m = {0};
    json_t *o = text ? json_loads(text, 0, NULL) : NULL;
    size_t n = json_is_object(o) ? json_object_size(o) : 0;
    m.items = n ? bk_arena_array(a, n, sizeof *m.items) : NULL;
    const char *key;
    json_t *v;
    if (m.items) json_object_foreach(o, key, v) {
            if (!json_is_string(v)) continue;
            m.items[m.n].key = bk_arena_strdup(a, key);
            m.items[m.n].value = bk_arena_strdup(a, json_string_value(v));
            m.n++;
        }
    json_decref(o);
    return m;
}

static const char *kvs_get(const svc_kvs *m, const char *key) {
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->items[i].key, key) == 0) return m->items[i].value;
    return NULL;
}

int64_t svc_cl_minute_ms(const svc_kvs *spark_conf) {
    const char *v = kvs_get(spark_conf, SVC_CLUSTER_MINUTE_MS_CONF);
    int64_t ms;
    if (v && bk_parse_i64(v, strlen(v), &ms) && ms >= 1) return ms;
    return SVC_CLUSTER_MINUTE_MS;
}

int svc_cl_target_workers(const svc_cluster_spec *spec) {
    int64_t n = spec->has_autoscale ? spec->min_workers : spec->num_workers;
    return n < 1 ? 1 : (int)n; /* a single-node cluster still has its driver thread */
}

bk_status svc_cl_event(svc_ctx *ctx, const char *cluster_id, int64_t ts, const char *type,
                       json_t *details, bk_error *err) {
    const char *text = details ? svc_cl_json_dump(ctx->arena, details) : "{}";
    json_decref(details);
    if (!text) return bk_arena_oom(ctx->arena, err);
    meta_stmt *s = meta_prepare(
        ctx->conn,
        "INSERT INTO cluster_events(cluster_id, ts, type, details) VALUES (?1, ?2, ?3, ?4)",
        err);
    if (!s) return err->code;
    bk_status st = meta_bind_text(s, 1, cluster_id, err);
    if (st == BK_OK) st = meta_bind_i64(s, 2, ts, err);
    if (st == BK_OK) st = meta_bind_text(s, 3, type, err);
    if (st == BK_OK) st = meta_bind_text(s, 4, text, err);
    if (st != BK_OK) {
        meta_done(s);
        return st;
    }
    return meta_run(s, err);
}

/* {"user": caller} (or {} for the system), the details of a user's action. */
static json_t *user_details(const svc_ctx *ctx) {
    return ctx->caller ? json_pack("{ss}", "user", ctx->caller->user_name) : json_object();
}

/* ---- validation ---- */

static const char *const security_modes[] = {
    "DATA_SECURITY_MODE_AUTO", "DATA_SECURITY_MODE_DEDICATED", "DATA_SECURITY_MODE_STANDARD",
    "LEGACY_PASSTHROUGH", "LEGACY_SINGLE_USER", "LEGACY_SINGLE_USER_STANDARD", "LEGACY_TABLE_ACL",
    "NONE", "SINGLE_USER", "USER_ISOLATION",
};

/* Check `spec` and fill in its defaults (node types) in `out`. */
static bk_status validate(svc_ctx *ctx, const svc_cluster_spec *spec, svc_cluster_spec *out,
                          bk_error *err) {
    *out = *spec;
    if (!out->cluster_name) out->cluster_name = "";
    if (strlen(out->cluster_name) > SVC_CLUSTER_NAME_MAX)
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "cluster_name is %zu characters long: at most %d are allowed",
                            strlen(out->cluster_name), SVC_CLUSTER_NAME_MAX);
    if (!spec->spark_version || !*spec->spark_version)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "Missing required field: spark_version");
    if (!known_version(spec->spark_version))
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "Invalid spark version %s: GET /api/2.1/clusters/spark-versions lists"
                            " the versions Bricks runs (e.g. %s)",
                            spec->spark_version, versions[BK_ARRAY_LEN(versions) - 1].key);
    const svc_node_type *types;
    size_t n_types;
    BK_TRY(svc_cluster_node_types(ctx, &types, &n_types, err));
    const char *which[2] = {spec->node_type_id, spec->driver_node_type_id};
    const char *field[2] = {"node_type_id", "driver_node_type_id"};
    for (int f = 0; f < 2; f++) {
        if (!which[f]) continue;
        bool found = false;
        for (size_t i = 0; i < n_types && !found; i++)
            found = strcmp(types[i].node_type_id, which[f]) == 0;
        if (!found)
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "%s %s is not supported: GET /api/2.1/clusters/list-node-types"
                                " lists the node types of this machine (e.g. %s)",
                                field[f], which[f], types[0].node_type_id);
    }
    if (!out->node_type_id) out->node_type_id = types[0].node_type_id;
    if (!out->driver_node_type_id) out->driver_node_type_id = out->node_type_id;
    if (spec->has_autoscale) {
        if (spec->num_workers > 0)
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "Give either num_workers or autoscale, not both");
        if (spec->min_workers < 0 || spec->max_workers < spec->min_workers ||
            spec->max_workers < 1)
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "autoscale wants 0 <= min_workers <= max_workers and max_workers"
                                " >= 1, not min_workers %lld, max_workers %lld",
                                (long long)spec->min_workers, (long long)spec->max_workers);
        if (spec->max_workers > SVC_CLUSTER_MAX_WORKERS)
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "autoscale.max_workers %lld is too large: Bricks runs workers as"
                                " local threads, at most %d per cluster",
                                (long long)spec->max_workers, SVC_CLUSTER_MAX_WORKERS);
        out->num_workers = 0;
    } else if (spec->num_workers < 0) {
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "num_workers must be 0 or more, not %lld",
                            (long long)spec->num_workers);
    } else if (spec->num_workers > SVC_CLUSTER_MAX_WORKERS) {
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "num_workers %lld is too large: Bricks runs workers as local threads,"
                            " at most %d per cluster",
                            (long long)spec->num_workers, SVC_CLUSTER_MAX_WORKERS);
    }
    int64_t at = spec->autotermination_minutes;
    if (at != 0 && (at < 10 || at > 10000))
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "autotermination_minutes must be 0 (never) or between 10 and 10000,"
                            " not %lld",
                            (long long)at);
    const char *minute = kvs_get(&spec->spark_conf, SVC_CLUSTER_MINUTE_MS_CONF);
    int64_t ms;
    if (minute && (!bk_parse_i64(minute, strlen(minute), &ms) || ms < 1))
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "spark_conf %s must be a positive number of milliseconds, not \"%s\"",
                            SVC_CLUSTER_MINUTE_MS_CONF, minute);
    if (spec->data_security_mode) {
        bool ok = false;
        for (size_t i = 0; i < BK_ARRAY_LEN(security_modes) && !ok; i++)
            ok = strcmp(security_modes[i], spec->data_security_mode) == 0;
        if (!ok)
            return bk_error_set(err, BK_INVALID_ARGUMENT, "Invalid data_security_mode %s",
                                spec->data_security_mode);
    }
    return BK_OK;
}

/* ---- rows ---- */

static const char cols[] =
    "cluster_id, cluster_name, spark_version, node_type_id, driver_node_type_id, num_workers,"
    " autoscale_min, autoscale_max, autotermination_minutes, spark_conf, custom_tags,"
    " spark_env_vars, data_security_mode, single_user_name, extra, cluster_source, owner_id,"
    " owner_name, state, state_message, is_pinned, created_ms, start_time, terminated_time,"
    " last_restarted_time, last_state_loss_time, spark_context_id, term_code, term_type,"
    " term_params";

static const char *col_str(bk_arena *a, meta_stmt *s, int col) {
    const char *t = meta_col_text(s, col);
    return t ? bk_arena_strdup(a, t) : NULL;
}

static bk_status read_row(svc_ctx *ctx, meta_stmt *s, svc_cluster *c, bk_error *err) {
    bk_arena *a = ctx->arena;
    memset(c, 0, sizeof *c);
    snprintf(c->cluster_id, sizeof c->cluster_id, "%s", meta_col_text(s, 0));
    svc_cluster_spec *p = &c->spec;
    p->cluster_name = col_str(a, s, 1);
    p->spark_version = col_str(a, s, 2);
    p->node_type_id = col_str(a, s, 3);
    p->driver_node_type_id = col_str(a, s, 4);
    p->num_workers = meta_col_i64(s, 5);
    if (!meta_col_is_null(s, 6)) {
        p->has_autoscale = true;
        p->min_workers = meta_col_i64(s, 6);
        p->max_workers = meta_col_i64(s, 7);
    }
    p->autotermination_minutes = meta_col_i64(s, 8);
    p->spark_conf = kvs_from_text(a, meta_col_text(s, 9));
    p->custom_tags = kvs_from_text(a, meta_col_text(s, 10));
    p->spark_env_vars = kvs_from_text(a, meta_col_text(s, 11));
    p->data_security_mode = col_str(a, s, 12);
    p->single_user_name = col_str(a, s, 13);
    p->extra_json = col_str(a, s, 14);
    c->cluster_source = col_str(a, s, 15);
    c->owner_id = meta_col_i64(s, 16);
    c->owner_name = col_str(a, s, 17);
    if (!svc_cluster_state_parse(meta_col_text(s, 18), &c->state)) c->state = SVC_CLUSTER_UNKNOWN;
    c->state_message = col_str(a, s, 19);
    c->is_pinned = meta_col_i64(s, 20) != 0;
    c->created_ms = meta_col_i64(s, 21);
    c->start_time = meta_col_i64(s, 22);
    c->terminated_time = meta_col_i64(s, 23);
    c->last_restarted_time = meta_col_i64(s, 24);
    c->last_state_loss_time = meta_col_i64(s, 25);
    c->spark_context_id = meta_col_i64(s, 26);
    c->term_code = col_str(a, s, 27);
    c->term_type = col_str(a, s, 28);
    c->term_params = kvs_from_text(a, meta_col_text(s, 29));
    c->live_workers = svc_cl_live_workers(ctx->env, c->cluster_id);
    if (bk_arena_failed(a)) return bk_arena_oom(a, err);
    return BK_OK;
}

static bk_status not_found(const char *id, bk_error *err) {
    return bk_error_set(err, BK_INVALID_ARGUMENT, "Cluster %s does not exist", id);
}

/* The row of `id` without any access check. */
static bk_status load(svc_ctx *ctx, const char *id, svc_cluster **out, bk_error *err) {
    *out = NULL;
    char sql[1024];
    snprintf(sql, sizeof sql, "SELECT %s FROM clusters WHERE cluster_id = ?1", cols);
    meta_stmt *s = meta_prepare(ctx->conn, sql, err);
    if (!s) return err->code;
    bk_status st = meta_bind_text(s, 1, id, err);
    int rc = st == BK_OK ? meta_step(s, err) : st;
    svc_cluster *c = NULL;
    if (rc == META_ROW) {
        c = bk_arena_zalloc(ctx->arena, sizeof *c);
        rc = c ? read_row(ctx, s, c, err) : bk_arena_oom(ctx->arena, err);
        if (rc == BK_OK) rc = META_ROW;
    }
    meta_done(s);
    if (rc == META_ROW) {
        *out = c;
        return BK_OK;
    }
    return rc == META_DONE ? not_found(id, err) : rc;
}

static const char *const level_names[] = {
    [SVC_CLUSTER_CAN_ATTACH_TO] = "CAN_ATTACH_TO",
    [SVC_CLUSTER_CAN_RESTART] = "CAN_RESTART",
    [SVC_CLUSTER_CAN_MANAGE] = "CAN_MANAGE",
};

/* The Permissions API's view of cluster `c` (strings in ctx->arena). */
static bk_status perm_object_of(svc_ctx *ctx, const svc_cluster *c, svc_perm_object *out,
                                bk_error *err) {
    memset(out, 0, sizeof *out);
    out->acl_type = "clusters";
    out->acl_id = c->cluster_id;
    out->object_ref = bk_arena_printf(ctx->arena, "/clusters/%s", c->cluster_id);
    out->object_type = "cluster";
    out->display = bk_arena_printf(ctx->arena, "cluster %s", c->cluster_id);
    out->owner_id = c->owner_id;
    return out->object_ref && out->display ? BK_OK : bk_arena_oom(ctx->arena, err);
}

bk_status svc_clusters_perm_lookup(svc_ctx *ctx, const char *id, svc_perm_object *out,
                                   bk_error *err) {
    svc_cluster *c;
    bk_status st = load(ctx, id, &c, err);
    if (st == BK_INVALID_ARGUMENT)
        return bk_error_reset(err, BK_NOT_FOUND, "Cluster %s does not exist", id);
    BK_TRY(st);
    return perm_object_of(ctx, c, out, err);
}

bk_status svc_cluster_check(svc_ctx *ctx, const svc_cluster *c, svc_cluster_level level,
                            bk_error *err) {
    if (!ctx->caller || ctx->caller->is_admin) return BK_OK;
    svc_perm_object obj;
    BK_TRY(perm_object_of(ctx, c, &obj, err));
    return svc_perm_require(ctx, svc_perm_type_find("clusters"), &obj, level_names[level], err);
}

/* load + check + the caller's transaction: the first half of every mutation. */
static bk_status load_checked(svc_ctx *ctx, const char *id, svc_cluster_level level,
                              svc_cluster **out, bk_error *err) {
    BK_TRY(load(ctx, id, out, err));
    return svc_cluster_check(ctx, *out, level, err);
}

static bk_status invalid_state(const svc_cluster *c, bk_error *err) {
    return bk_error_set(err, BK_INVALID_STATE, "Cluster %s is in unexpected state %s.",
                        c->cluster_id, state_words[c->state]);
}

/* ---- create / edit ---- */

/* "MMDD-HHMMSS-" + 8 random [a-z0-9], like Databricks cluster ids. */
static void new_cluster_id(char *out) {
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    char tail[9];
    for (int i = 0; i < 8; i++) tail[i] = alphabet[randombytes_uniform(36)];
    tail[8] = '\0';
    snprintf(out, SVC_CLUSTER_ID_MAX, "%02d%02d-%02d%02d%02d-%s", tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec, tail);
}

/* Bind the spec columns ?2..?15 (cluster_id is ?1). */
static bk_status bind_spec(svc_ctx *ctx, meta_stmt *s, const svc_cluster_spec *p, bk_error *err) {
    json_t *conf = svc_cl_kvs_json(&p->spark_conf), *tags = svc_cl_kvs_json(&p->custom_tags),
           *env = svc_cl_kvs_json(&p->spark_env_vars);
    const char *conf_t = svc_cl_json_dump(ctx->arena, conf),
               *tags_t = svc_cl_json_dump(ctx->arena, tags),
               *env_t = svc_cl_json_dump(ctx->arena, env);
    json_decref(conf);
    json_decref(tags);
    json_decref(env);
    if (!conf_t || !tags_t || !env_t) return bk_arena_oom(ctx->arena, err);
    BK_TRY(meta_bind_text(s, 2, p->cluster_name, err));
    BK_TRY(meta_bind_text(s, 3, p->spark_version, err));
    BK_TRY(meta_bind_text(s, 4, p->node_type_id, err));
    BK_TRY(meta_bind_text(s, 5, p->driver_node_type_id, err));
    BK_TRY(meta_bind_i64(s, 6, p->num_workers, err));
    if (p->has_autoscale) {
        BK_TRY(meta_bind_i64(s, 7, p->min_workers, err));
        BK_TRY(meta_bind_i64(s, 8, p->max_workers, err));
    } else {
        BK_TRY(meta_bind_null(s, 7, err));
        BK_TRY(meta_bind_null(s, 8, err));
    }
    BK_TRY(meta_bind_i64(s, 9, p->autotermination_minutes, err));
    BK_TRY(meta_bind_text(s, 10, conf_t, err));
    BK_TRY(meta_bind_text(s, 11, tags_t, err));
    BK_TRY(meta_bind_text(s, 12, env_t, err));
    BK_TRY(meta_bind_text(s, 13, p->data_security_mode, err));
    BK_TRY(meta_bind_text(s, 14, p->single_user_name, err));
    return meta_bind_text(s, 15, p->extra_json, err);
}

bk_status svc_cluster_create(svc_ctx *ctx, const svc_cluster_spec *spec, const char *source,
                             char *id_out, bk_error *err) {
    id_out[0] = '\0';
    svc_cluster_spec p;
    BK_TRY(validate(ctx, spec, &p, err));
    char id[SVC_CLUSTER_ID_MAX];
    new_cluster_id(id);
    int64_t now = svc_now_ms();
    bool owned;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    meta_stmt *s = meta_prepare(
        ctx->conn,
        "INSERT INTO clusters(cluster_id, cluster_name, spark_version, node_type_id,"
        " driver_node_type_id, num_workers, autoscale_min, autoscale_max,"
        " autotermination_minutes, spark_conf, custom_tags, spark_env_vars, data_security_mode,"
        " single_user_name, extra, cluster_source, owner_id, owner_name, state, state_message,"
        " created_ms, start_time)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
        " 'PENDING', ?19, ?20, ?20)",
        err);
    bk_status st = s ? meta_bind_text(s, 1, id, err) : (bk_status)err->code;
    if (st == BK_OK) st = bind_spec(ctx, s, &p, err);
    if (st == BK_OK) st = meta_bind_text(s, 16, source ? source : "API", err);
    if (st == BK_OK) st = meta_bind_i64(s, 17, ctx->caller ? ctx->caller->user_id : 0, err);
    if (st == BK_OK) st = meta_bind_text(s, 18, svc_actor(ctx), err);
    const char *msg = bk_arena_printf(ctx->arena, "Starting %d local worker thread(s)",
                                      svc_cl_target_workers(&p));
    if (st == BK_OK) st = meta_bind_text(s, 19, msg, err);
    if (st == BK_OK) st = meta_bind_i64(s, 20, now, err);
    if (st == BK_OK)
        st = meta_run(s, err);
    else
        meta_done(s);
    if (st == BK_OK) st = svc_cl_event(ctx, id, now, "CREATING", user_details(ctx), err);
    st = svc_tx_end(ctx, owned, st, err);
    if (st != BK_OK) return st;
    snprintf(id_out, SVC_CLUSTER_ID_MAX, "%s", id);
    svc_clusters_kick(ctx->env);
    return BK_OK;
}

bk_status svc_cluster_edit(svc_ctx *ctx, const char *cluster_id, const svc_cluster_spec *spec,
                           bk_error *err) {
    svc_cluster_spec p;
    BK_TRY(validate(ctx, spec, &p, err));
    bool owned;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    svc_cluster *c = NULL;
    bk_status st = load_checked(ctx, cluster_id, SVC_CLUSTER_CAN_MANAGE, &c, err);
    if (st == BK_OK && c->state != SVC_CLUSTER_RUNNING && c->state != SVC_CLUSTER_TERMINATED)
        st = invalid_state(c, err);
    bool restart = st == BK_OK && c->state == SVC_CLUSTER_RUNNING;
    meta_stmt *s = NULL;
    if (st == BK_OK)
        s = meta_prepare(
            ctx->conn,
            restart ? "UPDATE clusters SET cluster_name = ?2, spark_version = ?3,"
                      " node_type_id = ?4, driver_node_type_id = ?5, num_workers = ?6,"
                      " autoscale_min = ?7, autoscale_max = ?8, autotermination_minutes = ?9,"
                      " spark_conf = ?10, custom_tags = ?11, spark_env_vars = ?12,"
                      " data_security_mode = ?13, single_user_name = ?14, extra = ?15,"
                      " state = 'RESTARTING', state_message = 'Restarting with the edited spec'"
                      " WHERE cluster_id = ?1"
                    : "UPDATE clusters SET cluster_name = ?2, spark_version = ?3,"
                      " node_type_id = ?4, driver_node_type_id = ?5, num_workers = ?6,"
                      " autoscale_min = ?7, autoscale_max = ?8, autotermination_minutes = ?9,"
                      " spark_conf = ?10, custom_tags = ?11, spark_env_vars = ?12,"
                      " data_security_mode = ?13, single_user_name = ?14, extra = ?15"
                      " WHERE cluster_id = ?1",
            err);
    if (st == BK_OK) st = s ? meta_bind_text(s, 1, cluster_id, err) : (bk_status)err->code;
    if (st == BK_OK) st = bind_spec(ctx, s, &p, err);
    if (st == BK_OK)
        st = meta_run(s, err);
    else
        meta_done(s);
    int64_t now = svc_now_ms();
    if (st == BK_OK) {
        json_t *d = user_details(ctx);
        json_object_set_new(d, "previous_attributes",
                            json_pack("{ssss}", "cluster_name", c->spec.cluster_name,
                                      "spark_version", c->spec.spark_version));
        json_object_set_new(d, "attributes", json_pack("{ssss}", "cluster_name", p.cluster_name,
                                                       "spark_version", p.spark_version));
        st = svc_cl_event(ctx, cluster_id, now, "EDITED", d, err);
    }
    if (st == BK_OK && restart)
        st = svc_cl_event(ctx, cluster_id, now, "RESTARTING", user_details(ctx), err);
    st = svc_tx_end(ctx, owned, st, err);
    if (st == BK_OK && restart) svc_clusters_kick(ctx->env);
    return st;
}

/* ---- state changes ---- */

/*
 * In one transaction: load and check the cluster, require one of `from` (n_from
 * states; a state in `noop` makes the call succeed without a change), then run
 * `set_sql` (?1 = id, ?2 = now, ?3 = the caller's name) and record `event`.
 */
static bk_status transition(svc_ctx *ctx, const char *id, svc_cluster_level level,
                            const svc_cluster_state *from, size_t n_from,
                            const svc_cluster_state *noop, size_t n_noop, const char *set_sql,
                            const char *event, json_t *details, bk_error *err) {
    bool owned;
    bk_status st = svc_tx_begin(ctx, &owned, err);
    svc_cluster *c = NULL;
    if (st == BK_OK) st = load_checked(ctx, id, level, &c, err);
    bool allowed = false, nothing = false;
    for (size_t i = 0; st == BK_OK && i < n_from; i++) allowed |= c->state == from[i];
    for (size_t i = 0; st == BK_OK && i < n_noop; i++) nothing |= c->state == noop[i];
    if (st == BK_OK && !allowed && !nothing) st = invalid_state(c, err);
    int64_t now = svc_now_ms();
    if (st == BK_OK && allowed) {
        meta_stmt *s = meta_prepare(ctx->conn, set_sql, err);
        st = s ? meta_bind_text(s, 1, id, err) : (bk_status)err->code;
        if (st == BK_OK && strstr(set_sql, "?2")) st = meta_bind_i64(s, 2, now, err);
        if (st == BK_OK && strstr(set_sql, "?3")) st = meta_bind_text(s, 3, svc_actor(ctx), err);
        if (st == BK_OK)
            st = meta_run(s, err);
        else
            meta_done(s);
        if (st == BK_OK && event) {
            st = svc_cl_event(ctx, id, now, event, details, err);
            details = NULL;
        }
    }
    json_decref(details);
    st = svc_tx_end(ctx, owned, st, err);
    if (st == BK_OK && allowed) svc_clusters_kick(ctx->env);
    return st;
}

bk_status svc_cluster_start(svc_ctx *ctx, const char *cluster_id, bk_error *err) {
    static const svc_cluster_state from[] = {SVC_CLUSTER_TERMINATED, SVC_CLUSTER_ERROR};
    return transition(ctx, cluster_id, SVC_CLUSTER_CAN_RESTART, from, 2, NULL, 0,
                      "UPDATE clusters SET state = 'PENDING', start_time = ?2,"
                      " state_message = 'Starting the local worker threads',"
                      " terminated_time = NULL, term_code = NULL, term_type = NULL,"
                      " term_params = NULL WHERE cluster_id = ?1",
                      "STARTING", user_details(ctx), err);
}

bk_status svc_cluster_restart(svc_ctx *ctx, const char *cluster_id, bk_error *err) {
    static const svc_cluster_state from[] = {SVC_CLUSTER_RUNNING};
    return transition(ctx, cluster_id, SVC_CLUSTER_CAN_RESTART, from, 1, NULL, 0,
                      "UPDATE clusters SET state = 'RESTARTING',"
                      " state_message = 'Restarting the local worker threads'"
                      " WHERE cluster_id = ?1",
                      "RESTARTING", user_details(ctx), err);
}

bk_status svc_cluster_delete(svc_ctx *ctx, const char *cluster_id, bk_error *err) {
    static const svc_cluster_state from[] = {SVC_CLUSTER_PENDING, SVC_CLUSTER_RUNNING,
                                             SVC_CLUSTER_RESTARTING, SVC_CLUSTER_RESIZING,
                                             SVC_CLUSTER_ERROR, SVC_CLUSTER_UNKNOWN};
    static const svc_cluster_state noop[] = {SVC_CLUSTER_TERMINATING, SVC_CLUSTER_TERMINATED};
    json_t *details = user_details(ctx);
    json_object_set_new(details, "reason",
                        json_pack("{sssss{ss}}", "code", "USER_REQUEST", "type", "SUCCESS",
                                  "parameters", "username", svc_actor(ctx)));
    return transition(ctx, cluster_id, SVC_CLUSTER_CAN_RESTART, from, BK_ARRAY_LEN(from), noop,
                      BK_ARRAY_LEN(noop),
                      "UPDATE clusters SET state = 'TERMINATING',"
                      " state_message = 'Terminated by user ' || ?3, term_code = 'USER_REQUEST',"
                      " term_type = 'SUCCESS', term_params = json_object('username', ?3)"
                      " WHERE cluster_id = ?1",
                      "TERMINATING", details, err);
}

bk_status svc_cluster_permanent_delete(svc_ctx *ctx, const char *cluster_id, bk_error *err) {
    bool owned;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    svc_cluster *c = NULL;
    bk_status st = load_checked(ctx, cluster_id, SVC_CLUSTER_CAN_MANAGE, &c, err);
    meta_stmt *s = NULL;
    if (st == BK_OK) s = meta_prepare(ctx->conn, "DELETE FROM clusters WHERE cluster_id = ?1", err);
    if (st == BK_OK) st = s ? meta_bind_text(s, 1, cluster_id, err) : (bk_status)err->code;
    if (st == BK_OK)
        st = meta_run(s, err);
    else
        meta_done(s);
    if (st == BK_OK) st = svc_perm_forget(ctx, "clusters", cluster_id, err);
    st = svc_tx_end(ctx, owned, st, err);
    if (st == BK_OK) svc_clusters_kick(ctx->env); /* its pool, if any, stops */
    return st;
}

bk_status svc_cluster_pin(svc_ctx *ctx, const char *cluster_id, bool pinned, bk_error *err) {
    BK_TRY(svc_require_admin(ctx, pinned ? "pin clusters" : "unpin clusters", err));
    bool owned;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    svc_cluster *c = NULL;
    bk_status st = load(ctx, cluster_id, &c, err);
    bool change = st == BK_OK && c->is_pinned != pinned;
    meta_stmt *s = NULL;
    if (change)
        s = meta_prepare(ctx->conn, "UPDATE clusters SET is_pinned = ?2 WHERE cluster_id = ?1",
                         err);
    if (change) st = s ? meta_bind_text(s, 1, cluster_id, err) : (bk_status)err->code;
    if (change && st == BK_OK) st = meta_bind_i64(s, 2, pinned, err);
    if (change && st == BK_OK)
        st = meta_run(s, err);
    else if (change)
        meta_done(s);
    if (change && st == BK_OK)
        st = svc_cl_event(ctx, cluster_id, svc_now_ms(), pinned ? "PINNED" : "UNPINNED",
                          user_details(ctx), err);
    return svc_tx_end(ctx, owned, st, err);
}

bk_status svc_cluster_change_owner(svc_ctx *ctx, const char *cluster_id, const char *owner_name,
                                   bk_error *err) {
    BK_TRY(svc_require_admin(ctx, "change the owner of a cluster", err));
    bool owned;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    svc_cluster *c = NULL;
    bk_status st = load(ctx, cluster_id, &c, err);
    if (st == BK_OK && c->state != SVC_CLUSTER_TERMINATED) st = invalid_state(c, err);
    int64_t owner_id = 0;
    if (st == BK_OK) {
        bk_error probe;
        bk_error_clear(&probe);
        if (svc_user_find(ctx, owner_name, &owner_id, &probe) != BK_OK)
            st = bk_error_set(err, BK_NOT_FOUND, "User %s does not exist", owner_name);
    }
    svc_user *u = NULL;
    if (st == BK_OK) st = svc_user_get(ctx, owner_id, &u, err);
    meta_stmt *s = NULL;
    if (st == BK_OK)
        s = meta_prepare(ctx->conn,
                         "UPDATE clusters SET owner_id = ?2, owner_name = ?3 WHERE cluster_id = ?1",
                         err);
    if (st == BK_OK) st = s ? meta_bind_text(s, 1, cluster_id, err) : (bk_status)err->code;
    if (st == BK_OK) st = meta_bind_i64(s, 2, owner_id, err);
    if (st == BK_OK) st = meta_bind_text(s, 3, u->user_name, err);
    if (st == BK_OK)
        st = meta_run(s, err);
    else
        meta_done(s);
    return svc_tx_end(ctx, owned, st, err);
}

/* ---- reads ---- */

bk_status svc_cluster_get(svc_ctx *ctx, const char *cluster_id, svc_cluster **out,
                          bk_error *err) {
    BK_TRY(load(ctx, cluster_id, out, err));
    return svc_cluster_check(ctx, *out, SVC_CLUSTER_CAN_ATTACH_TO, err);
}

/* DEFAULT order: a state's rank (running first, terminated last). */
static const char state_rank[] =
    "CASE state WHEN 'RUNNING' THEN 0 WHEN 'PENDING' THEN 1 WHEN 'RESIZING' THEN 2"
    " WHEN 'RESTARTING' THEN 3 WHEN 'TERMINATING' THEN 4 WHEN 'ERROR' THEN 5"
    " WHEN 'UNKNOWN' THEN 6 ELSE 7 END";

bk_status svc_cluster_list(svc_ctx *ctx, const svc_cluster_filter *f, svc_cluster **out,
                           size_t *n, bool *more, bk_error *err) {
    *out = NULL;
    *n = 0;
    *more = false;
    if (f->policy_id) return BK_OK; /* no cluster has a policy */
    bk_arena *a = ctx->arena;
    char *sql = bk_arena_printf(a,
                                "WITH RECURSIVE g(id) AS (SELECT ?2 UNION SELECT m.group_id"
                                "   FROM group_members m JOIN g ON m.member_id = g.id)"
                                " SELECT %s FROM clusters WHERE (?1 OR owner_id = ?2"
                                "   OR cluster_id IN (SELECT object_id FROM acl_entries"
                                "     WHERE object_type = 'clusters'"
                                "       AND principal_id IN (SELECT id FROM g)))"
                                " AND (state <> 'TERMINATED' OR is_pinned"
                                " OR terminated_time >= ?3)",
                                cols);
    if (sql && f->is_pinned >= 0)
        sql = bk_arena_printf(a, "%s AND is_pinned = %d", sql, f->is_pinned ? 1 : 0);
    for (size_t i = 0; sql && i < f->n_states; i++)
        sql = bk_arena_printf(a, "%s%s'%s'%s", sql, i ? ", " : " AND state IN (",
                              svc_cluster_state_name(f->states[i]),
                              i + 1 == f->n_states ? ")" : "");
    for (size_t i = 0; sql && i < f->n_sources; i++)
        sql = bk_arena_printf(a, "%s%s?%zu%s", sql, i ? ", " : " AND cluster_source IN (", 10 + i,
                              i + 1 == f->n_sources ? ")" : "");
    const char *dir = f->descending ? "DESC" : "ASC";
    if (sql && f->sort_by_name)
        sql = bk_arena_printf(a, "%s ORDER BY cluster_name COLLATE NOCASE %s, cluster_id %s", sql,
                              dir, dir);
    else if (sql)
        sql = bk_arena_printf(a,
                              "%s ORDER BY %s %s, is_pinned %s, cluster_name COLLATE NOCASE %s,"
                              " cluster_id %s",
                              sql, state_rank, dir, f->descending ? "ASC" : "DESC", dir, dir);
    if (sql) sql = bk_arena_printf(a, "%s LIMIT ?4 OFFSET ?5", sql);
    bk_status st = sql ? BK_OK : bk_arena_oom(a, err);
    meta_stmt *s = st == BK_OK ? meta_prepare(ctx->conn, sql, err) : NULL;
    if (st == BK_OK && !s) st = err->code;
    bool all = !ctx->caller || ctx->caller->is_admin;
    if (st == BK_OK) st = meta_bind_i64(s, 1, all, err);
    if (st == BK_OK) st = meta_bind_i64(s, 2, ctx->caller ? ctx->caller->user_id : 0, err);
    if (st == BK_OK) st = meta_bind_i64(s, 3, svc_now_ms() - RETENTION_MS, err);
    if (st == BK_OK) st = meta_bind_i64(s, 4, f->limit + 1, err);
    if (st == BK_OK) st = meta_bind_i64(s, 5, f->offset, err);
    for (size_t i = 0; st == BK_OK && i < f->n_sources; i++)
        st = meta_bind_text(s, (int)(10 + i), f->sources[i], err);
    svc_cluster *rows = NULL;
    if (st == BK_OK) {
        rows = bk_arena_array(ctx->arena, (size_t)f->limit + 1, sizeof *rows);
        if (!rows) st = bk_arena_oom(ctx->arena, err);
    }
    int rc = st == BK_OK ? META_ROW : st;
    while (rc == META_ROW && (rc = meta_step(s, err)) == META_ROW) {
        if ((int64_t)*n == f->limit) {
            *more = true;
            continue;
        }
        rc = read_row(ctx, s, &rows[*n], err);
        if (rc != BK_OK) break;
        (*n)++;
        rc = META_ROW;
    }
    meta_done(s);
    *out = rows;
    return rc == META_DONE ? BK_OK : rc;
}

bk_status svc_cluster_events(svc_ctx *ctx, const char *cluster_id, const svc_event_filter *f,
                             svc_cluster_event **out, size_t *n, int64_t *total, bk_error *err) {
    *out = NULL;
    *n = 0;
    *total = 0;
    svc_cluster *c;
    BK_TRY(svc_cluster_get(ctx, cluster_id, &c, err));
    bk_arena *a = ctx->arena;
    char *where = bk_arena_printf(
        a, " WHERE cluster_id = ?1 AND (?2 = 0 OR ts >= ?2) AND (?3 = 0 OR ts <= ?3)");
    for (size_t i = 0; where && i < f->n_types; i++)
        where = bk_arena_printf(a, "%s%s?%zu%s", where, i ? ", " : " AND type IN (", 10 + i,
                                i + 1 == f->n_types ? ")" : "");
    const char *dir = f->ascending ? "ASC" : "DESC";
    char *count_sql = where ? bk_arena_printf(a, "SELECT count(*) FROM cluster_events%s", where)
                            : NULL;
    char *rows_sql =
        where ? bk_arena_printf(a,
                                "SELECT ts, type, details FROM cluster_events%s"
                                " ORDER BY ts %s, seq %s LIMIT ?4 OFFSET ?5",
                                where, dir, dir)
              : NULL;
    if (!count_sql || !rows_sql) return bk_arena_oom(a, err);
    const char *sqls[2] = {count_sql, rows_sql};
    svc_cluster_event *events = bk_arena_array(ctx->arena, (size_t)f->limit + 1, sizeof *events);
    if (!events) return bk_arena_oom(ctx->arena, err);
    for (int q = 0; q < 2; q++) {
        meta_stmt *s = meta_prepare(ctx->conn, sqls[q], err);
        if (!s) return err->code;
        bk_status st = meta_bind_text(s, 1, cluster_id, err);
        if (st == BK_OK) st = meta_bind_i64(s, 2, f->start_time, err);
        if (st == BK_OK) st = meta_bind_i64(s, 3, f->end_time, err);
        if (st == BK_OK && q == 1) st = meta_bind_i64(s, 4, f->limit, err);
        if (st == BK_OK && q == 1) st = meta_bind_i64(s, 5, f->offset, err);
        for (size_t i = 0; st == BK_OK && i < f->n_types; i++)
            st = meta_bind_text(s, (int)(10 + i), f->types[i], err);
        int rc = st == BK_OK ? META_ROW : st;
        while (rc == META_ROW && (rc = meta_step(s, err)) == META_ROW) {
            if (q == 0) {
                *total = meta_col_i64(s, 0);
                continue;
            }
            svc_cluster_event *e = &events[(*n)++];
            e->timestamp = meta_col_i64(s, 0);
            e->type = col_str(ctx->arena, s, 1);
            e->details_json = col_str(ctx->arena, s, 2);
        }
        meta_done(s);
        if (rc != META_DONE) return rc;
    }
    *out = events;
    return bk_arena_failed(ctx->arena) ? bk_arena_oom(ctx->arena, err) : BK_OK;
}
