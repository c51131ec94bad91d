/*
 * svc_clusters.h — clusters: specs and states in the metastore, and the local
 * worker pools that a running cluster is.
 *
 * A cluster in Bricks is a named, persistent spec (spark_version, node type,
 * num_workers or autoscale, conf, tags, autotermination) plus, while it is RUNNING,
 * a pool of worker threads in the server process (svc_cluster_pool): num_workers
 * threads (autoscale: min_workers; a single-node cluster, num_workers = 0, gets one
 * driver thread), each with a scratch directory DIR/clusters/<id>/worker-<k>.
 * Later services (jobs, SQL) submit tasks to a running cluster's pool.
 *
 * State machine (State in the API):
 *
 *     create ─► PENDING ──(pool started)──► RUNNING ──restart/edit──► RESTARTING ─┐
 *                  │ (pool failed)           │  ▲                                  │
 *                  ▼                         │  └──────────(new pool started)──────┘
 *                ERROR                 delete│ or inactivity
 *                                            ▼
 *     start ◄── TERMINATED ◄──(pool stopped)── TERMINATING
 *
 * Calls from the API only write the new state (in a transaction, so concurrent
 * calls see a consistent state and invalid transitions fail with BK_INVALID_STATE)
 * and wake the cluster manager; the manager's thread does the slow part (starting
 * and stopping threads) and moves PENDING/RESTARTING to RUNNING and TERMINATING to
 * TERMINATED.  So create/start/restart return while the cluster is PENDING or
 * RESTARTING, and the SDK's *_and_wait helpers poll get() as against Databricks.
 *
 * Autotermination: a RUNNING cluster whose pool has run no task for
 * autotermination_minutes terminates with termination_reason INACTIVITY.  The
 * length of one such minute is 60 s, or the spark_conf key
 * SVC_CLUSTER_MINUTE_MS_CONF (milliseconds) of the cluster — a Bricks knob for tests.
 *
 * A server restart loses the worker threads: clusters that were RUNNING (or
 * PENDING/RESTARTING) come back RUNNING with fresh pools and last_state_loss_time
 * set (tasks that were running are lost), TERMINATING ones become TERMINATED.
 *
 * Access (svc_cluster_check, decided by the Permissions API's type "clusters"):
 * the owner (creator, or whoever change-owner named) and admins have CAN_MANAGE;
 * others have what /api/2.0/permissions/clusters/<id> grants them or a group of
 * theirs.  get, list (which shows only clusters one has a level on), events:
 * CAN_ATTACH_TO; start, restart, delete (terminate, as Databricks): CAN_RESTART;
 * edit, permanent-delete: CAN_MANAGE.  pin/unpin and change-owner are
 * admin-only.  permanent-delete drops the cluster's ACL.
 */
#ifndef BRICKS_SERVICES_SVC_CLUSTERS_H
#define BRICKS_SERVICES_SVC_CLUSTERS_H

#include "services/svc.h"
#include "services/svc_permissions.h"

#define SVC_CLUSTER_ID_MAX 32          /* "MMDD-HHMMSS-xxxxxxxx" + NUL fits */
#define SVC_CLUSTER_MAX_WORKERS 256    /* worker threads of one cluster */
#define SVC_CLUSTER_NAME_MAX 100
#define SVC_CLUSTER_MINUTE_MS_CONF "spark.bricks.autotermination.minute_ms"

typedef enum svc_cluster_state {
    SVC_CLUSTER_PENDING,
    SVC_CLUSTER_RUNNING,
    SVC_CLUSTER_RESTARTING,
    SVC_CLUSTER_RESIZING,
    SVC_CLUSTER_TERMINATING,
    SVC_CLUSTER_TERMINATED,
    SVC_CLUSTER_ERROR,
    SVC_CLUSTER_UNKNOWN,
} svc_cluster_state;

/* "PENDING", "RUNNING", … (the API's State names). */
const char *svc_cluster_state_name(svc_cluster_state s);
/* The state called `name` (case-sensitive); false when there is none. */
bool svc_cluster_state_parse(const char *name, svc_cluster_state *out);

/* Permission levels on a cluster, weakest first (the Permissions API's names). */
typedef enum svc_cluster_level {
    SVC_CLUSTER_CAN_ATTACH_TO = 1,
    SVC_CLUSTER_CAN_RESTART = 2,
    SVC_CLUSTER_CAN_MANAGE = 3,
} svc_cluster_level;

typedef struct svc_kv {
    const char *key;
    const char *value;
} svc_kv;

/* A string map (spark_conf, custom_tags, …) in arrival order; keys are unique. */
typedef struct svc_kvs {
    svc_kv *items;
    size_t n;
} svc_kvs;

/* What create and edit send: the spec of a cluster. */
typedef struct svc_cluster_spec {
    const char *cluster_name;        /* "" when absent */
    const char *spark_version;       /* required: a key of svc_cluster_spark_versions */
    const char *node_type_id;        /* NULL: the smallest node type */
    const char *driver_node_type_id; /* NULL: node_type_id */
    int64_t num_workers;             /* ignored with autoscale */
    bool has_autoscale;
    int64_t min_workers, max_workers; /* autoscale */
    int64_t autotermination_minutes;  /* 0: never */
    svc_kvs spark_conf, custom_tags, spark_env_vars;
    const char *data_security_mode; /* a DataSecurityMode name, or NULL */
    const char *single_user_name;   /* NULL when absent */
    const char *extra_json; /* other spec fields, a JSON object kept verbatim, or NULL */
} svc_cluster_spec;

/* A cluster as get/list report it (strings in the ctx arena). */
typedef struct svc_cluster {
    char cluster_id[SVC_CLUSTER_ID_MAX];
    svc_cluster_spec spec;
    svc_cluster_state state;
    const char *state_message;
    const char *cluster_source; /* "API", "JOB", … */
    int64_t owner_id;
    const char *owner_name; /* reported as creator_user_name */
    bool is_pinned;
    int64_t created_ms;
    int64_t start_time, terminated_time, last_restarted_time, last_state_loss_time; /* 0: none */
    int64_t spark_context_id;                                                     /* 0: none */
    const char *term_code, *term_type; /* termination_reason; NULL when none */
    svc_kvs term_params;
    int live_workers; /* worker threads running now (0 unless the pool is up) */
} svc_cluster;

/* ---- catalogue ---- */

typedef struct svc_node_type {
    const char *node_type_id;
    const char *description;
    int num_cores;
    int64_t memory_mb;
    int64_t local_disk_gb; /* free space under the data directory */
} svc_node_type;

typedef struct svc_spark_version {
    const char *key;
    const char *name;
} svc_spark_version;

/* The node types this machine offers (sized from its cores and RAM), smallest first. */
bk_status svc_cluster_node_types(svc_ctx *ctx, const svc_node_type **out, size_t *n,
                                 bk_error *err);
/* The runtimes (spark_version keys) Bricks accepts; a static table. */
const svc_spark_version *svc_cluster_spark_versions(size_t *n);

/* ---- the cluster API ---- */

/*
 * Validate `spec` and create a cluster in PENDING owned by the caller, from
 * `source` ("API", "JOB", …).  The id goes to `id_out` (SVC_CLUSTER_ID_MAX bytes).
 * BK_INVALID_ARGUMENT for a bad spec (unknown spark_version or node type, negative
 * or too many workers, autotermination outside 10..10000, …).
 */
bk_status svc_cluster_create(svc_ctx *ctx, const svc_cluster_spec *spec, const char *source,
                             char *id_out, bk_error *err);

/*
 * Replace the spec of a RUNNING cluster (it restarts: RESTARTING) or a TERMINATED
 * one (it stays TERMINATED).  Other states: BK_INVALID_STATE.  CAN_MANAGE.
 */
bk_status svc_cluster_edit(svc_ctx *ctx, const char *cluster_id, const svc_cluster_spec *spec,
                           bk_error *err);

/* TERMINATED or ERROR → PENDING.  Other states: BK_INVALID_STATE.  CAN_RESTART. */
bk_status svc_cluster_start(svc_ctx *ctx, const char *cluster_id, bk_error *err);
/* RUNNING → RESTARTING.  Other states: BK_INVALID_STATE.  CAN_RESTART. */
bk_status svc_cluster_restart(svc_ctx *ctx, const char *cluster_id, bk_error *err);
/* Terminate (→ TERMINATING, reason USER_REQUEST); a no-op when already TERMINATING or
 * TERMINATED.  CAN_RESTART. */
bk_status svc_cluster_delete(svc_ctx *ctx, const char *cluster_id, bk_error *err);
/* Remove the cluster, its events and its directory (its pool stops).  CAN_MANAGE. */
bk_status svc_cluster_permanent_delete(svc_ctx *ctx, const char *cluster_id, bk_error *err);
/* Pin or unpin (admins only); pinning a pinned cluster changes nothing. */
bk_status svc_cluster_pin(svc_ctx *ctx, const char *cluster_id, bool pinned, bk_error *err);
/* Give a TERMINATED cluster to user `owner_name` (admins only). */
bk_status svc_cluster_change_owner(svc_ctx *ctx, const char *cluster_id, const char *owner_name,
                                   bk_error *err);

/*
 * One cluster.  A cluster that does not exist (or that the caller may not see) is
 * BK_INVALID_ARGUMENT "Cluster X does not exist" (Databricks' answer, which the SDK
 * maps to ResourceDoesNotExist) or BK_PERMISSION_DENIED respectively.
 */
bk_status svc_cluster_get(svc_ctx *ctx, const char *cluster_id, svc_cluster **out,
                          bk_error *err);

/*
 * The caller's permission check, the single place cluster ACLs are decided: BK_OK
 * when the caller holds `level` on `c`, else BK_PERMISSION_DENIED naming the user,
 * the cluster and the level.
 */
bk_status svc_cluster_check(svc_ctx *ctx, const svc_cluster *c, svc_cluster_level level,
                            bk_error *err);

/*
 * The Permissions API's lookup for request_object_type "clusters" (types[] of
 * svc_permissions.c): ACL family "clusters", object "/clusters/<id>", the owner
 * holds CAN_MANAGE, no parent.  BK_NOT_FOUND "Cluster X does not exist".
 */
bk_status svc_clusters_perm_lookup(svc_ctx *ctx, const char *id, svc_perm_object *out,
                                   bk_error *err);

typedef struct svc_cluster_filter {
    const svc_cluster_state *states; /* n_states == 0: any */
    size_t n_states;
    const char *const *sources; /* n_sources == 0: any */
    size_t n_sources;
    int is_pinned; /* -1 any, 0 unpinned, 1 pinned */
    const char *policy_id; /* NULL: any; Bricks has no policies, so a value matches none */
    bool sort_by_name;     /* else DEFAULT: state, pinned first, name */
    bool descending;
    int64_t offset; /* first row */
    int64_t limit;  /* rows per page */
} svc_cluster_filter;

/*
 * The clusters the caller may see (admins: all), pinned or not terminated or
 * terminated in the last 30 days, filtered and sorted; one page from f->offset.
 * *more says whether rows follow.
 */
bk_status svc_cluster_list(svc_ctx *ctx, const svc_cluster_filter *f, svc_cluster **out,
                           size_t *n, bool *more, bk_error *err);

typedef struct svc_cluster_event {
    int64_t timestamp;
    const char *type;         /* EventType name */
    const char *details_json; /* EventDetails object */
} svc_cluster_event;

typedef struct svc_event_filter {
    int64_t start_time, end_time; /* 0: unbounded */
    const char *const *types;     /* n_types == 0: any */
    size_t n_types;
    bool ascending; /* default DESC */
    int64_t offset, limit;
} svc_event_filter;

/* Events of one cluster (CAN_ATTACH_TO), one page; *total counts all that match. */
bk_status svc_cluster_events(svc_ctx *ctx, const char *cluster_id, const svc_event_filter *f,
                             svc_cluster_event **out, size_t *n, int64_t *total, bk_error *err);

/* ---- the manager and the pools (svc_cluster_mgr.c) ---- */

/*
 * Create the cluster manager of `env` (env->clusters), recover the clusters a
 * previous process left running (see the header), and with `background` start its
 * thread.  Without it nothing moves until svc_clusters_tick (unit tests).
 */
bk_status svc_clusters_start(svc_env *env, bool background, bk_error *err);
/* Stop the thread and every pool (joins them; queued tasks are cancelled).  The
 * clusters keep their states in the metastore.  NULL manager is a no-op. */
void svc_clusters_stop(svc_env *env);
/* Wake the manager (after an API call changed a state).  No-op without a manager. */
void svc_clusters_kick(svc_env *env);
/*
 * Do one round of work at time `now_ms`: start, restart and stop pools as the
 * states say, and autoterminate idle clusters.  Returns when the next round is due
 * (epoch ms), for the thread's timed wait.
 */
int64_t svc_clusters_tick(svc_env *env, int64_t now_ms);

typedef struct svc_cluster_pool svc_cluster_pool;

/* A task: runs on one worker thread.  `cancelled` is true when the pool stopped
 * before the task started (the function should only free `arg` then). */
typedef void (*svc_task_fn)(void *arg, svc_cluster_pool *pool, int worker, bool cancelled);

/*
 * The pool of a RUNNING cluster, with a reference the caller gives back with
 * svc_cluster_pool_release.  BK_INVALID_STATE when the cluster has no running pool
 * (not RUNNING, or unknown).  Thread-safe.
 */
bk_status svc_cluster_pool_acquire(svc_env *env, const char *cluster_id,
                                   svc_cluster_pool **out, bk_error *err);
void svc_cluster_pool_release(svc_cluster_pool *p);
/* Queue `fn(arg, …)` for a worker.  BK_INVALID_STATE when the pool is stopping. */
bk_status svc_cluster_pool_submit(svc_cluster_pool *p, svc_task_fn fn, void *arg,
                                  bk_error *err);
int svc_cluster_pool_size(const svc_cluster_pool *p);
/* True once the pool is stopping: long tasks should check it and return early. */
bool svc_cluster_pool_stopping(svc_cluster_pool *p);
/* DIR/clusters/<id>/worker-<k>: worker k's scratch directory (valid with the pool). */
const char *svc_cluster_pool_worker_dir(const svc_cluster_pool *p, int worker);
/* Tasks finished so far. */
uint64_t svc_cluster_pool_tasks_done(svc_cluster_pool *p);

#endif
