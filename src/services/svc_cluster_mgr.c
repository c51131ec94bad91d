/*
 * svc_cluster_mgr.c — the cluster manager: the worker pools of running clusters
 * and the thread that moves clusters through their transitional states.
 *
 * The metastore holds the truth about every cluster's state; the manager holds the
 * pools (in memory: a process restart loses them) and reconciles the two in
 * svc_clusters_tick:
 *
 *     PENDING      start a pool of the spec's size, then RUNNING (ERROR if it fails)
 *     RESTARTING   stop the pool, start a new one (the spec may have changed), RUNNING
 *     TERMINATING  stop the pool, then TERMINATED
 *     RUNNING      autoterminate when the pool has been idle long enough
 *     otherwise    (TERMINATED, ERROR, permanently deleted) no pool may exist
 *
 * Each state change is a compare-and-set (UPDATE … WHERE state = <expected>) in
 * its own transaction, so an API call that changed the state meanwhile (a delete
 * while the pool was starting) wins and the next round acts on it.
 *
 * Locking: `mu` guards the pool map, `stop` and `kicked`; only a tick (one at a
 * time: `tick_mu`) adds or removes pools, and it never joins threads while holding
 * `mu`.  A pool is reference-counted: the map holds one reference, and each
 * svc_cluster_pool_acquire another, so a pool that stops while a caller holds it
 * stays valid (it only refuses new tasks) until the last release.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/mem.h"
#include "services/svc_clusters_int.h"

#define IDLE_POLL_MS 5000 /* the longest sleep when nothing is due */
#define BUSY_POLL_MS 1000 /* re-check autotermination of a busy pool this often */
#define RETRY_MS 10       /* the next round after one that changed a state */

/* ---- pools ---- */

typedef struct task {
    svc_task_fn fn;
    void *arg;
    struct task *next;
} task;

typedef struct worker_arg {
    svc_cluster_pool *pool;
    int index;
} worker_arg;

struct svc_cluster_pool {
    char cluster_id[SVC_CLUSTER_ID_MAX];
    pthread_mutex_t mu;
    pthread_cond_t wake;
    task *head, *tail; /* queued tasks, FIFO */
    pthread_t *threads;
    worker_arg *args;
    int size;      /* workers asked for */
    int n_started; /* threads running: == size once started */
    char *dir;     /* DIR/clusters/<id> */
    char **worker_dirs;
    bool stopping;
    int busy;              /* tasks running now */
    int64_t idle_since_ms; /* when the pool last became idle */
    uint64_t done;
    atomic_int refs;
};

static void *worker_main(void *varg) {
    worker_arg *wa = varg;
    svc_cluster_pool *p = wa->pool;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stopping && !p->head) pthread_cond_wait(&p->wake, &p->mu);
        if (p->stopping) break;
        task *t = p->head;
        p->head = t->next;
        if (!p->head) p->tail = NULL;
        p->busy++;
        pthread_mutex_unlock(&p->mu);
        t->fn(t->arg, p, wa->index, false);
        bk_free(t);
        pthread_mutex_lock(&p->mu);
        p->busy--;
        p->done++;
        p->idle_since_ms = svc_now_ms();
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

/* rm -r without following symbolic links; errors are ignored (scratch space). */
static void remove_tree(const char *path) { nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS); }

static bk_status make_dir(const char *path, bk_error *err) {
    if (mkdir(path, 0700) == 0 || errno == EEXIST) {
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return BK_OK;
        return bk_error_set(err, BK_IO, "could not create directory \"%s\": not a directory",
                            path);
    }
    return bk_error_set(err, BK_IO, "could not create directory \"%s\": %s", path,
                        strerror(errno));
}

/* Join the threads, cancel what is queued, remove the scratch directories. */
static void pool_stop(svc_cluster_pool *p) {
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    task *queued = p->head;
    p->head = p->tail = NULL;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    while (queued) {
        task *next = queued->next;
        queued->fn(queued->arg, p, -1, true);
        bk_free(queued);
        queued = next;
    }
    for (int i = 0; i < p->n_started; i++) pthread_join(p->threads[i], NULL);
    p->n_started = 0;
    if (p->dir) {
        remove_tree(p->dir);
        /* DIR/clusters goes too once no cluster runs (rmdir fails while one does). */
        char *slash = strrchr(p->dir, '/');
        if (slash) {
            *slash = '\0';
            rmdir(p->dir);
            *slash = '/';
        }
    }
}

static void pool_free(svc_cluster_pool *p) {
    if (!p) return;
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->wake);
    if (p->worker_dirs)
        for (int i = 0; i < p->size; i++) bk_free(p->worker_dirs[i]);
    bk_free(p->worker_dirs);
    bk_free(p->dir);
    bk_free(p->threads);
    bk_free(p->args);
    bk_free(p);
}

/*
 * A pool of `size` workers for cluster `id`: scratch directories first (a failure
 * there is the cluster's failure, with the path in the message), then the threads.
 */
static bk_status pool_start(svc_env *env, const char *id, int size, svc_cluster_pool **out,
                            bk_error *err) {
    *out = NULL;
    svc_cluster_pool *p = bk_calloc(1, sizeof *p);
    if (!p) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory starting cluster %s", id);
    snprintf(p->cluster_id, sizeof p->cluster_id, "%s", id);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->wake, NULL);
    atomic_init(&p->refs, 1);
    p->size = size;
    p->idle_since_ms = svc_now_ms();
    p->threads = bk_calloc((size_t)size, sizeof *p->threads);
    p->args = bk_calloc((size_t)size, sizeof *p->args);
    p->worker_dirs = bk_calloc((size_t)size, sizeof *p->worker_dirs);
    char path[4200];
    snprintf(path, sizeof path, "%s/clusters", env->data_dir);
    bk_status st = p->threads && p->args && p->worker_dirs
                       ? BK_OK
                       : bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory starting cluster %s",
                                      id);
    if (st == BK_OK) st = make_dir(path, err);
    snprintf(path, sizeof path, "%s/clusters/%s", env->data_dir, id);
    if (st == BK_OK) st = make_dir(path, err);
    if (st == BK_OK && !(p->dir = bk_strdup(path)))
        st = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory starting cluster %s", id);
    /* Scratch starts empty, also after a crash that left a previous pool's files. */
    DIR *old = st == BK_OK ? opendir(p->dir) : NULL;
    for (struct dirent *e; old && (e = readdir(old));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        snprintf(path, sizeof path, "%s/%s", p->dir, e->d_name);
        remove_tree(path);
    }
    if (old) closedir(old);
    for (int i = 0; st == BK_OK && i < size; i++) {
        snprintf(path, sizeof path, "%s/worker-%d", p->dir, i);
        st = make_dir(path, err);
        if (st == BK_OK && !(p->worker_dirs[i] = bk_strdup(path)))
            st = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory starting cluster %s", id);
    }
    for (int i = 0; st == BK_OK && i < size; i++) {
        p->args[i].pool = p;
        p->args[i].index = i;
        int rc = pthread_create(&p->threads[i], NULL, worker_main, &p->args[i]);
        if (rc != 0)
            st = bk_error_set(err, BK_INTERNAL, "could not start worker %d of cluster %s: %s", i,
                              id, strerror(rc));
        else
            p->n_started++;
    }
    if (st != BK_OK) {
        pool_stop(p);
        pool_free(p);
        return st;
    }
    *out = p;
    return BK_OK;
}

/* -1 while a task runs or waits, else when the pool last became idle. */
static int64_t pool_idle_since(svc_cluster_pool *p) {
    pthread_mutex_lock(&p->mu);
    int64_t t = p->busy || p->head ? -1 : p->idle_since_ms;
    pthread_mutex_unlock(&p->mu);
    return t;
}

void svc_cluster_pool_release(svc_cluster_pool *p) {
    if (p && atomic_fetch_sub(&p->refs, 1) == 1) pool_free(p);
}

bk_status svc_cluster_pool_submit(svc_cluster_pool *p, svc_task_fn fn, void *arg,
                                  bk_error *err) {
    task *t = bk_malloc(sizeof *t);
    if (!t) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory queueing a task");
    t->fn = fn;
    t->arg = arg;
    t->next = NULL;
    pthread_mutex_lock(&p->mu);
    if (p->stopping) {
        pthread_mutex_unlock(&p->mu);
        bk_free(t);
        return bk_error_set(err, BK_INVALID_STATE, "Cluster %s is terminating.", p->cluster_id);
    }
    if (p->tail)
        p->tail->next = t;
    else
        p->head = t;
    p->tail = t;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->mu);
    return BK_OK;
}

int svc_cluster_pool_size(const svc_cluster_pool *p) { return p->size; }

bool svc_cluster_pool_stopping(svc_cluster_pool *p) {
    pthread_mutex_lock(&p->mu);
    bool s = p->stopping;
    pthread_mutex_unlock(&p->mu);
    return s;
}

const char *svc_cluster_pool_worker_dir(const svc_cluster_pool *p, int worker) {
    return worker >= 0 && worker < p->size ? p->worker_dirs[worker] : NULL;
}

uint64_t svc_cluster_pool_tasks_done(svc_cluster_pool *p) {
    pthread_mutex_lock(&p->mu);
    uint64_t d = p->done;
    pthread_mutex_unlock(&p->mu);
    return d;
}

/* ---- the manager ---- */

typedef struct pool_entry {
    char id[SVC_CLUSTER_ID_MAX];
    svc_cluster_pool *pool;
} pool_entry;

struct svc_clusters {
    svc_env *env;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_mutex_t tick_mu;
    pthread_t thread;
    bool has_thread, stop, kicked;
    pool_entry *pools;
    size_t n_pools, cap_pools;
};

/* Index of cluster `id` in the map, or -1.  Caller holds mu. */
static long find_pool(const struct svc_clusters *m, const char *id) {
    for (size_t i = 0; i < m->n_pools; i++)
        if (strcmp(m->pools[i].id, id) == 0) return (long)i;
    return -1;
}

static bool add_pool(struct svc_clusters *m, const char *id, svc_cluster_pool *p) {
    pthread_mutex_lock(&m->mu);
    if (m->n_pools == m->cap_pools) {
        size_t cap = m->cap_pools ? m->cap_pools * 2 : 8;
        pool_entry *grown = bk_realloc(m->pools, cap * sizeof *grown);
        if (!grown) {
            pthread_mutex_unlock(&m->mu);
            return false;
        }
        m->pools = grown;
        m->cap_pools = cap;
    }
    snprintf(m->pools[m->n_pools].id, sizeof m->pools[m->n_pools].id, "%s", id);
    m->pools[m->n_pools++].pool = p;
    pthread_mutex_unlock(&m->mu);
    return true;
}

/* Take the pool of `id` out of the map (NULL if none); the caller now owns its reference. */
static svc_cluster_pool *take_pool(struct svc_clusters *m, const char *id) {
    pthread_mutex_lock(&m->mu);
    long i = find_pool(m, id);
    svc_cluster_pool *p = NULL;
    if (i >= 0) {
        p = m->pools[i].pool;
        m->pools[i] = m->pools[--m->n_pools];
    }
    pthread_mutex_unlock(&m->mu);
    return p;
}

static void stop_and_drop(svc_cluster_pool *p) {
    if (!p) return;
    pool_stop(p);
    svc_cluster_pool_release(p);
}

bk_status svc_cluster_pool_acquire(svc_env *env, const char *cluster_id,
                                   svc_cluster_pool **out, bk_error *err) {
    *out = NULL;
    struct svc_clusters *m = env->clusters;
    if (m) {
        pthread_mutex_lock(&m->mu);
        long i = find_pool(m, cluster_id);
        if (i >= 0) {
            *out = m->pools[i].pool;
            atomic_fetch_add(&(*out)->refs, 1);
        }
        pthread_mutex_unlock(&m->mu);
    }
    if (*out) return BK_OK;
    return bk_error_set(err, BK_INVALID_STATE, "Cluster %s is not running.", cluster_id);
}

int svc_cl_live_workers(svc_env *env, const char *cluster_id) {
    struct svc_clusters *m = env->clusters;
    if (!m) return 0;
    pthread_mutex_lock(&m->mu);
    long i = find_pool(m, cluster_id);
    int n = i >= 0 ? m->pools[i].pool->n_started : 0;
    pthread_mutex_unlock(&m->mu);
    return n;
}

/* One row of the manager's scan. */
typedef struct live_row {
    char id[SVC_CLUSTER_ID_MAX];
    svc_cluster_state state;
    int workers;
    int64_t autoterm_min;
    int64_t minute_ms;
} live_row;

/* Read every cluster that is not TERMINATED (the manager's working set). */
static bk_status scan(svc_ctx *ctx, live_row **out, size_t *n, bk_error *err) {
    *out = NULL;
    *n = 0;
    meta_stmt *s = meta_prepare(ctx->conn,
                                "SELECT cluster_id, state, num_workers, autoscale_min,"
                                " autotermination_minutes, spark_conf FROM clusters"
                                " WHERE state <> 'TERMINATED' ORDER BY created_ms",
                                err);
    if (!s) return err->code;
    size_t cap = 0;
    int rc;
    while ((rc = meta_step(s, err)) == META_ROW) {
        live_row *r = bk_arena_push(ctx->arena, out, n, &cap, sizeof **out, 16);
        if (!r) {
            rc = bk_arena_oom(ctx->arena, err);
            break;
        }
        snprintf(r->id, sizeof r->id, "%s", meta_col_text(s, 0));
        if (!svc_cluster_state_parse(meta_col_text(s, 1), &r->state))
            r->state = SVC_CLUSTER_UNKNOWN;
        svc_cluster_spec spec = {.num_workers = meta_col_i64(s, 2)};
        if (!meta_col_is_null(s, 3)) {
            spec.has_autoscale = true;
            spec.min_workers = meta_col_i64(s, 3);
        }
        r->workers = svc_cl_target_workers(&spec);
        r->autoterm_min = meta_col_i64(s, 4);
        svc_kvs conf = {0};
        const char *conf_text = meta_col_text(s, 5);
        json_t *j = conf_text ? json_loads(conf_text, 0, NULL) : NULL;
        const char *v = j ? json_string_value(json_object_get(j, SVC_CLUSTER_MINUTE_MS_CONF))
                          : NULL;
        svc_kv kv = {SVC_CLUSTER_MINUTE_MS_CONF, v};
        if (v) conf = (svc_kvs){&kv, 1};
        r->minute_ms = svc_cl_minute_ms(&conf);
        json_decref(j);
    }
    meta_done(s);
    return rc == META_DONE ? BK_OK : rc;
}

/*
 * UPDATE clusters SET <set> WHERE cluster_id = ?1 AND state = <from>, plus an event
 * when the row changed, in one transaction.  ?2 is bound to `t`, ?3 to `i3`, ?4 and
 * ?5 to `s4` and `s5` (when `set` uses them).  *changed says whether the state was
 * still `from`.  Takes ownership of `details`.
 */
static bk_status cas(svc_ctx *ctx, const char *id, svc_cluster_state from, const char *set,
                     int64_t t, int64_t i3, const char *s4, const char *s5, const char *event,
                     json_t *details, bool *changed, bk_error *err) {
    *changed = false;
    char sql[1024];
    snprintf(sql, sizeof sql, "UPDATE clusters SET %s WHERE cluster_id = ?1 AND state = '%s'", set,
             svc_cluster_state_name(from));
    bool owned;
    bk_status st = svc_tx_begin(ctx, &owned, err);
    if (st != BK_OK) {
        json_decref(details);
        return st;
    }
    meta_stmt *s = meta_prepare(ctx->conn, sql, err);
    st = s ? BK_OK : (bk_status)err->code;
    if (st == BK_OK) st = meta_bind_text(s, 1, id, err);
    if (st == BK_OK && strstr(set, "?2")) st = meta_bind_i64(s, 2, t, err);
    if (st == BK_OK && strstr(set, "?3")) st = meta_bind_i64(s, 3, i3, err);
    if (st == BK_OK && strstr(set, "?4")) st = meta_bind_text(s, 4, s4, err);
    if (st == BK_OK && strstr(set, "?5")) st = meta_bind_text(s, 5, s5, err);
    if (st == BK_OK)
        st = meta_run(s, err);
    else
        meta_done(s);
    if (st == BK_OK) *changed = meta_changes(ctx->conn) > 0;
    if (st == BK_OK && *changed && event) {
        st = svc_cl_event(ctx, id, t, event, details, err);
        details = NULL;
    }
    json_decref(details);
    return svc_tx_end(ctx, owned, st, err);
}

/* A nonzero random id for a new Spark context (what spark_context_id reports). */
static int64_t new_context_id(void) {
    uint64_t v;
    randombytes_buf(&v, sizeof v);
    v &= (uint64_t)INT64_MAX >> 1;
    return (int64_t)(v ? v : 1);
}

/* Start the pool of a PENDING or RESTARTING cluster and move it to RUNNING or ERROR. */
static void bring_up(struct svc_clusters *m, svc_ctx *ctx, const live_row *r, int64_t now) {
    bk_error err;
    bk_error_clear(&err);
    stop_and_drop(take_pool(m, r->id)); /* RESTARTING: the old pool goes first */
    svc_cluster_pool *p = NULL;
    bk_status st = pool_start(m->env, r->id, r->workers, &p, &err);
    if (st == BK_OK && !add_pool(m, r->id, p)) {
        stop_and_drop(p);
        st = bk_error_set(&err, BK_OUT_OF_MEMORY, "out of memory starting cluster %s", r->id);
    }
    bool changed;
    bk_error werr;
    bk_error_clear(&werr);
    if (st != BK_OK) {
        bk_log_warn("cluster %s: %s", r->id, err.msg);
        json_t *params = json_pack("{ss}", "databricks_error_message", err.msg);
        char *params_text = svc_cl_json_dump(ctx->arena, params);
        json_t *details = json_pack("{s{ssssso}}", "reason", "code", "WORKER_SETUP_FAILURE",
                                    "type", "SERVICE_FAULT", "parameters", params);
        const char *msg = bk_arena_printf(ctx->arena, "Could not start workers: %s", err.msg);
        st = cas(ctx, r->id, r->state,
                 "state = 'ERROR', state_message = ?4, term_code = 'WORKER_SETUP_FAILURE',"
                 " term_type = 'SERVICE_FAULT', term_params = ?5",
                 now, 0, msg, params_text, "ADD_NODES_FAILED", details, &changed, &werr);
    } else {
        json_t *details = json_pack("{sisi}", "current_num_workers", r->workers,
                                    "target_num_workers", r->workers);
        const char *set = r->state == SVC_CLUSTER_RESTARTING
                              ? "state = 'RUNNING', state_message = '', spark_context_id = ?3,"
                                " last_restarted_time = ?2"
                              : "state = 'RUNNING', state_message = '', spark_context_id = ?3";
        st = cas(ctx, r->id, r->state, set, now, new_context_id(), NULL, NULL, "RUNNING",
                 details, &changed, &werr);
    }
    if (st != BK_OK) bk_log_warn("cluster %s: could not record its state: %s", r->id, werr.msg);
}

/* RUNNING → TERMINATING for inactivity (the next round stops the pool). */
static void autoterminate(svc_ctx *ctx, const live_row *r, int64_t now) {
    bk_error err;
    bk_error_clear(&err);
    char minutes[32];
    snprintf(minutes, sizeof minutes, "%lld", (long long)r->autoterm_min);
    json_t *params = json_pack("{ss}", "inactivity_duration_min", minutes);
    const char *params_text = svc_cl_json_dump(ctx->arena, params);
    json_t *details = json_pack("{s{ssssso}}", "reason", "code", "INACTIVITY", "type", "SUCCESS",
                                "parameters", params);
    const char *set = bk_arena_printf(
        ctx->arena,
        "state = 'TERMINATING', state_message = 'Inactive cluster terminated (inactive for %lld"
        " minutes).', term_code = 'INACTIVITY', term_type = 'SUCCESS', term_params = ?4",
        (long long)r->autoterm_min);
    bool changed;
    if (cas(ctx, r->id, SVC_CLUSTER_RUNNING, set, now, 0, params_text, NULL, "TERMINATING",
            details, &changed, &err) != BK_OK)
        bk_log_warn("cluster %s: could not autoterminate: %s", r->id, err.msg);
    else if (changed)
        bk_log_info("cluster %s: terminated after %lld idle minutes", r->id,
                    (long long)r->autoterm_min);
}

static bool wants_pool(svc_cluster_state s) {
    return s == SVC_CLUSTER_PENDING || s == SVC_CLUSTER_RUNNING || s == SVC_CLUSTER_RESTARTING ||
           s == SVC_CLUSTER_RESIZING || s == SVC_CLUSTER_TERMINATING;
}

/* Stop the pools of clusters that no longer want one (deleted, ERROR, TERMINATED). */
static void drop_orphans(struct svc_clusters *m, const live_row *rows, size_t n) {
    for (;;) {
        char victim[SVC_CLUSTER_ID_MAX] = "";
        pthread_mutex_lock(&m->mu);
        for (size_t i = 0; i < m->n_pools && !victim[0]; i++) {
            bool keep = false;
            for (size_t j = 0; j < n && !keep; j++)
                keep = strcmp(rows[j].id, m->pools[i].id) == 0 && wants_pool(rows[j].state);
            if (!keep) snprintf(victim, sizeof victim, "%s", m->pools[i].id);
        }
        pthread_mutex_unlock(&m->mu);
        if (!victim[0]) return;
        stop_and_drop(take_pool(m, victim));
    }
}

int64_t svc_clusters_tick(svc_env *env, int64_t now_ms) {
    struct svc_clusters *m = env->clusters;
    int64_t next = now_ms + IDLE_POLL_MS;
    if (!m) return next;
    pthread_mutex_lock(&m->tick_mu);
    bk_arena *arena = bk_arena_new(NULL, "clusters-tick", 0);
    svc_ctx ctx;
    bk_error err;
    bk_error_clear(&err);
    live_row *rows = NULL;
    size_t n = 0;
    bool begun = arena && svc_ctx_begin(&ctx, env, arena, NULL, &err) == BK_OK;
    if (begun && scan(&ctx, &rows, &n, &err) != BK_OK) {
        bk_log_warn("clusters: could not read the cluster states: %s", err.msg);
        n = 0;
        rows = NULL;
    } else if (begun) {
        drop_orphans(m, rows, n);
    }
    for (size_t i = 0; begun && i < n; i++) {
        live_row *r = &rows[i];
        bool changed;
        switch (r->state) {
        case SVC_CLUSTER_PENDING:
        case SVC_CLUSTER_RESTARTING:
        case SVC_CLUSTER_RESIZING:
            bring_up(m, &ctx, r, now_ms);
            /* Look again soon (not at once: a state that failed to move must not spin). */
            if (now_ms + RETRY_MS < next) next = now_ms + RETRY_MS;
            break;
        case SVC_CLUSTER_TERMINATING:
            stop_and_drop(take_pool(m, r->id));
            bk_error_clear(&err);
            if (cas(&ctx, r->id, SVC_CLUSTER_TERMINATING,
                    "state = 'TERMINATED', terminated_time = ?2", now_ms, 0, NULL, NULL, NULL,
                    NULL, &changed, &err) != BK_OK)
                bk_log_warn("cluster %s: could not record its termination: %s", r->id, err.msg);
            break;
        case SVC_CLUSTER_RUNNING: {
            svc_cluster_pool *p = NULL;
            pthread_mutex_lock(&m->mu);
            long at = find_pool(m, r->id);
            if (at >= 0) p = m->pools[at].pool;
            pthread_mutex_unlock(&m->mu);
            if (!p) { /* lost (recovery failed earlier): bring it back */
                r->state = SVC_CLUSTER_RUNNING;
                svc_cluster_pool *fresh = NULL;
                if (pool_start(env, r->id, r->workers, &fresh, &err) == BK_OK &&
                    !add_pool(m, r->id, fresh))
                    stop_and_drop(fresh);
                break;
            }
            if (r->autoterm_min <= 0) break;
            int64_t idle = pool_idle_since(p); /* only the tick removes pools: p stays valid */
            int64_t limit = r->autoterm_min * r->minute_ms;
            if (idle < 0) {
                if (now_ms + BUSY_POLL_MS < next) next = now_ms + BUSY_POLL_MS;
            } else if (now_ms - idle >= limit) {
                autoterminate(&ctx, r, now_ms);
                if (now_ms + RETRY_MS < next) next = now_ms + RETRY_MS;
            } else if (idle + limit < next) {
                next = idle + limit;
            }
            break;
        }
        default:
            break;
        }
    }
    if (begun) svc_ctx_end(&ctx);
    bk_arena_free(arena);
    pthread_mutex_unlock(&m->tick_mu);
    return next;
}

static void *manager_main(void *arg) {
    struct svc_clusters *m = arg;
    pthread_mutex_lock(&m->mu);
    while (!m->stop) {
        m->kicked = false;
        pthread_mutex_unlock(&m->mu);
        int64_t next = svc_clusters_tick(m->env, svc_now_ms());
        pthread_mutex_lock(&m->mu);
        if (m->stop || m->kicked) continue;
        if (next <= svc_now_ms()) continue;
        struct timespec until = {.tv_sec = (time_t)(next / 1000),
                                 .tv_nsec = (long)(next % 1000) * 1000000L};
        pthread_cond_timedwait(&m->cv, &m->mu, &until);
    }
    pthread_mutex_unlock(&m->mu);
    return NULL;
}

/*
 * After a restart no pool exists: TERMINATING clusters are TERMINATED; RUNNING
 * ones lost their workers and go back through PENDING (last_state_loss_time set),
 * which the first tick turns into RUNNING again.
 */
static bk_status recover(svc_env *env, bk_error *err) {
    bk_arena *arena = bk_arena_new(NULL, "clusters-recover", 0);
    if (!arena) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    svc_ctx ctx;
    bk_status st = svc_ctx_begin(&ctx, env, arena, NULL, err);
    if (st != BK_OK) {
        bk_arena_free(arena);
        return st;
    }
    int64_t now = svc_now_ms();
    st = meta_begin(ctx.conn, err);
    meta_stmt *s = NULL;
    if (st == BK_OK)
        s = meta_prepare(ctx.conn,
                         "UPDATE clusters SET state = 'TERMINATED', terminated_time = ?1"
                         " WHERE state = 'TERMINATING'",
                         err);
    if (st == BK_OK) st = s ? meta_bind_i64(s, 1, now, err) : (bk_status)err->code;
    if (st == BK_OK) st = meta_run(s, err);
    /* The events first: they name the clusters that were running. */
    const char *ids_sql = "SELECT cluster_id FROM clusters WHERE state IN ('RUNNING', 'RESIZING')";
    s = st == BK_OK ? meta_prepare(ctx.conn, ids_sql, err) : NULL;
    if (st == BK_OK && !s) st = err->code;
    char **ids = NULL;
    size_t n = 0, cap = 0;
    int rc = st == BK_OK ? META_ROW : st;
    while (rc == META_ROW && (rc = meta_step(s, err)) == META_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = bk_arena_array(arena, cap, sizeof *grown);
            if (!grown) {
                rc = bk_arena_oom(arena, err);
                break;
            }
            if (n) memcpy(grown, ids, n * sizeof *grown);
            ids = grown;
        }
        ids[n++] = bk_arena_strdup(arena, meta_col_text(s, 0));
    }
    meta_done(s);
    if (st == BK_OK) st = rc == META_DONE ? BK_OK : rc;
    for (size_t i = 0; st == BK_OK && i < n; i++)
        st = svc_cl_event(&ctx, ids[i], now, "STARTING", json_pack("{ss}", "cause", "AUTORECOVERY"),
                          err);
    if (st == BK_OK)
        s = meta_prepare(ctx.conn,
                         "UPDATE clusters SET state = 'PENDING', last_state_loss_time = ?1,"
                         " state_message = 'Restarting the workers lost when the server stopped'"
                         " WHERE state IN ('RUNNING', 'RESIZING')",
                         err);
    if (st == BK_OK) st = s ? meta_bind_i64(s, 1, now, err) : (bk_status)err->code;
    if (st == BK_OK) st = meta_run(s, err);
    if (st == BK_OK)
        st = meta_commit(ctx.conn, err);
    else
        meta_rollback(ctx.conn);
    if (st == BK_OK && n) bk_log_info("clusters: restarting %zu cluster(s) after a restart", n);
    svc_ctx_end(&ctx);
    bk_arena_free(arena);
    return st;
}

bk_status svc_clusters_start(svc_env *env, bool background, bk_error *err) {
    struct svc_clusters *m = bk_calloc(1, sizeof *m);
    if (!m) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    m->env = env;
    pthread_mutex_init(&m->mu, NULL);
    pthread_cond_init(&m->cv, NULL);
    pthread_mutex_init(&m->tick_mu, NULL);
    env->clusters = m;
    bk_status st = recover(env, err);
    if (st == BK_OK) svc_clusters_tick(env, svc_now_ms());
    if (st == BK_OK && background) {
        int rc = pthread_create(&m->thread, NULL, manager_main, m);
        if (rc != 0)
            st = bk_error_set(err, BK_INTERNAL, "could not start the cluster manager: %s",
                              strerror(rc));
        else
            m->has_thread = true;
    }
    if (st != BK_OK) svc_clusters_stop(env);
    return st;
}

void svc_clusters_stop(svc_env *env) {
    struct svc_clusters *m = env->clusters;
    if (!m) return;
    pthread_mutex_lock(&m->mu);
    m->stop = true;
    pthread_cond_signal(&m->cv);
    pthread_mutex_unlock(&m->mu);
    if (m->has_thread) pthread_join(m->thread, NULL);
    pthread_mutex_lock(&m->tick_mu);
    while (m->n_pools) stop_and_drop(take_pool(m, m->pools[0].id));
    pthread_mutex_unlock(&m->tick_mu);
    env->clusters = NULL;
    bk_free(m->pools);
    pthread_mutex_destroy(&m->mu);
    pthread_cond_destroy(&m->cv);
    pthread_mutex_destroy(&m->tick_mu);
    bk_free(m);
}

void svc_clusters_kick(svc_env *env) {
    struct svc_clusters *m = env->clusters;
    if (!m) return;
    pthread_mutex_lock(&m->mu);
    m->kicked = true;
    pthread_cond_signal(&m->cv);
    pthread_mutex_unlock(&m->mu);
}
