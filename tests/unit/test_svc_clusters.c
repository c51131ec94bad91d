/*
 * test_svc_clusters.c — unit tests for the clusters service (src/services):
 * the state machine driven one svc_clusters_tick at a time (no manager thread),
 * invalid transitions, validation, worker pools and their tasks, autotermination
 * on a simulated clock, worker failure (ERROR), access checks, list and events
 * paging, permanent delete, and recovery after a restart.
 */
#include "services/svc_clusters.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "services/svc_identity.h"
#include "services/svc_tokens.h"
#include "test.h"

static bk_error *errp(bk_error *e) { return e; }

typedef struct fixture {
    svc_env *env;
    bk_arena *arena;
    svc_ctx ctx; /* as the admin */
    svc_principal admin, bob;
    char dir[600];
    char token[SVC_TOKEN_TEXT_MAX];
    bk_error err;
} fixture;

/* Open `f->dir` and the manager (no thread); ctx acts as the admin. */
static bool open_env(fixture *f) {
    if (svc_env_open(f->dir, &f->env, f->token, &f->err) != BK_OK) return false;
    if (svc_clusters_start(f->env, false, &f->err) != BK_OK) return false;
    f->arena = bk_arena_new(NULL, "test", 0);
    if (svc_ctx_begin(&f->ctx, f->env, f->arena, NULL, &f->err) != BK_OK) return false;
    int64_t admin_id = 0;
    if (svc_user_find(&f->ctx, SVC_ADMIN_USER, &admin_id, &f->err) != BK_OK) return false;
    f->admin = (svc_principal){.user_id = admin_id, .user_name = SVC_ADMIN_USER, .is_admin = true};
    f->ctx.caller = &f->admin;
    return true;
}

static void close_env(fixture *f) {
    svc_ctx_end(&f->ctx);
    bk_arena_free(f->arena);
    svc_clusters_stop(f->env);
    svc_env_close(f->env);
}

/* A fresh workspace, plus the non-admin user "bob@example.com" in f->bob. */
static bool setup(fixture *f) {
    memset(f, 0, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "%s/data", bk_test_tmpdir());
    if (!open_env(f)) return false;
    svc_user in = {.user_name = "bob@example.com", .active = true};
    svc_user *u = NULL;
    if (svc_user_create(&f->ctx, &in, &u, &f->err) != BK_OK) return false;
    f->bob = (svc_principal){.user_id = u->id, .user_name = "bob@example.com"};
    return true;
}

static svc_cluster_spec spec_of(int64_t workers) {
    return (svc_cluster_spec){.cluster_name = "c1",
                              .spark_version = "16.4.x-scala2.12",
                              .num_workers = workers};
}

static svc_cluster_state state_of(fixture *f, const char *id) {
    svc_cluster *c = NULL;
    bk_error e;
    bk_error_clear(&e);
    if (svc_cluster_get(&f->ctx, id, &c, &e) != BK_OK) return SVC_CLUSTER_UNKNOWN;
    return c->state;
}

/* `expr` fails with `code` and a message containing `needle` (err cleared first). */
#define ASSERT_FAILS_MSG(f, expr, code, needle)                                                    \
    do {                                                                                           \
        bk_error_clear(&(f).err);                                                                  \
        ASSERT_FAILS(expr, code);                                                                  \
        ASSERT_CONTAINS((f).err.msg, needle);                                                      \
        bk_error_clear(&(f).err);                                                                  \
    } while (0)

/* Event types of a cluster, oldest first, joined by ','. */
static const char *event_types(fixture *f, const char *id) {
    svc_event_filter ef = {.ascending = true, .limit = 500};
    svc_cluster_event *ev;
    size_t n;
    int64_t total;
    bk_error e;
    bk_error_clear(&e);
    if (svc_cluster_events(&f->ctx, id, &ef, &ev, &n, &total, &e) != BK_OK) return "";
    char *s = bk_arena_strdup(f->arena, "");
    for (size_t i = 0; i < n; i++)
        s = bk_arena_printf(f->arena, "%s%s%s", s, i ? "," : "", ev[i].type);
    return s;
}

BK_TEST(svc_clusters_lifecycle) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    char id[SVC_CLUSTER_ID_MAX];
    svc_cluster_spec spec = spec_of(2);
    ASSERT_OK(svc_cluster_create(&f.ctx, &spec, "API", id, &f.err), errp(&f.err));
    /* "MMDD-HHMMSS-xxxxxxxx" */
    ASSERT_EQ(strlen(id), 20);
    ASSERT_TRUE(id[4] == '-' && id[11] == '-');
    svc_cluster *c;
    ASSERT_OK(svc_cluster_get(&f.ctx, id, &c, &f.err), errp(&f.err));
    ASSERT_EQ(c->state, SVC_CLUSTER_PENDING);
    ASSERT_STR_EQ(c->owner_name, SVC_ADMIN_USER);
    ASSERT_STR_EQ(c->spec.node_type_id, "bricks.local-1c");
    ASSERT_STR_EQ(c->spec.driver_node_type_id, "bricks.local-1c");
    ASSERT_TRUE(c->start_time > 0);
    ASSERT_EQ(c->live_workers, 0);
    svc_cluster_pool *p = NULL;
    ASSERT_FAILS(svc_cluster_pool_acquire(f.env, id, &p, &f.err), BK_INVALID_STATE);

    svc_clusters_tick(f.env, svc_now_ms());
    ASSERT_OK(svc_cluster_get(&f.ctx, id, &c, &f.err), errp(&f.err));
    ASSERT_EQ(c->state, SVC_CLUSTER_RUNNING);
    ASSERT_EQ(c->live_workers, 2);
    ASSERT_TRUE(c->spark_context_id > 0);
    int64_t first_context = c->spark_context_id;
    /* The workers' scratch directories exist while the pool runs. */
    char path[900];
    snprintf(path, sizeof path, "%s/clusters/%s/worker-1", f.dir, id);
    struct stat st;
    ASSERT_EQ(stat(path, &st), 0);

    ASSERT_OK(svc_cluster_restart(&f.ctx, id, &f.err), errp(&f.err));
    ASSERT_EQ(state_of(&f, id), SVC_CLUSTER_RESTARTING);
    svc_clusters_tick(f.env, svc_now_ms());
    ASSERT_OK(svc_cluster_get(&f.ctx, id, &c, &f.err), errp(&f.err));
    ASSERT_EQ(c->state, SVC_CLUSTER_RUNNING);
    ASSERT_TRUE(c->last_restarted_time > 0);
    ASSERT_TRUE(c->spark_context_id != first_context);

    ASSERT_OK(svc_cluster_delete(&f.ctx, id, &f.err), errp(&f.err));
    ASSERT_OK(svc_cluster_get(&f.ctx, id, &c, &f.err), errp(&f.err));
    ASSERT_EQ(c->state, SVC_CLUSTER_TERMINATING);
    ASSERT_STR_EQ(c->term_code, "USER_REQUEST");
    svc_clusters_tick(f.env, svc_now_ms());
    ASSERT_OK(svc_cluster_get(&f.ctx, id, &c, &f.err), errp(&f.err));
    ASSERT_EQ(c->state, SVC_CLUSTER_TERMINATED);
    ASSERT_TRUE(c->terminated_time > 0);
    ASSERT_EQ(c->live_workers, 0);
    ASSERT_STR_EQ(c->term_type, "SUCCESS");
    ASSERT_EQ(c->term_params.n, 1);
    ASSERT_STR_EQ(c->term_params.items[0].value, SVC_ADMIN_USER);
    ASSERT_TRUE(stat(path, &st) != 0); /* scratch removed with the pool */
    /* Deleting a terminated cluster changes nothing. */
    ASSERT_OK(svc_cluster_delete(&f.ctx, id, &f.err), errp(&f.err));

    ASSERT_OK(svc_cluster_start(&f.ctx, id, &f.err), errp(&f.err));
    ASSERT_OK(svc_cluster_get(&f.ctx, id, &c, &f.err), errp(&f.err));
    ASSERT_EQ(c->state, SVC_CLUSTER_PENDING);
    ASSERT_TRUE(c->term_code == NULL && c->terminated_time == 0);
    svc_clusters_tick(f.env, svc_now_ms());
    ASSERT_EQ(state_of(&f, id), SVC_CLUSTER_RUNNING);
    ASSERT_STR_EQ(event_types(&f, id),
                  "CREATING,RUNNING,RESTARTING,RUNNING,TERMINATING,STARTING,RUNNING");
    close_env(&f);
}

BK_TEST(svc_clusters_invalid_transitions) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    char id[SVC_CLUSTER_ID_MAX];
    svc_cluster_spec spec = spec_of(1);
    ASSERT_OK(svc_cluster_create(&f.ctx, &spec, "API", id, &f.err), errp(&f.err));
    /* PENDING: restart and edit refuse; start refuses. */
    ASSERT_FAILS_MSG(f, svc_cluster_restart(&f.ctx, id, &f.err), BK_INVALID_STATE,
                     "is in unexpected state Pending.");
    ASSERT_FAILS_MSG(f, svc_cluster_edit(&f.ctx, id, &spec, &f.err), BK_INVALID_STATE, "Pending");
    ASSERT_FAILS_MSG(f, svc_cluster_start(&f.ctx, id, &f.err), BK_INVALID_STATE, "Pending");
    svc_clusters_tick(f.env, svc_now_ms());
    ASSERT_FAILS_MSG(f, svc_cluster_start(&f.ctx, id, &f.err), BK_INVALID_STATE,
                     "is in unexpected state Running.");
    ASSERT_FAILS_MSG(f, svc_cluster_change_owner(&f.ctx, id, "bob@example.com", &f.err),
                     BK_INVALID_STATE, "Running");
    ASSERT_OK(svc_cluster_delete(&f.ctx, id, &f.err), errp(&f.err));
    /* TERMINATING: a second delete is a no-op, restart refuses. */
    ASSERT_OK(svc_cluster_delete(&f.ctx, id, &f.err), errp(&f.err));
    ASSERT_FAILS_MSG(f, svc_cluster_restart(&f.ctx, id, &f.err), BK_INVALID_STATE, "Terminating");
    svc_clusters_tick(f.env, svc_now_ms());
    ASSERT_FAILS_MSG(f, svc_cluster_restart(&f.ctx, id, &f.err), BK_INVALID_STATE, "Terminated");
    /* Unknown clusters: Databricks' words, which the SDK maps to ResourceDoesNotExist. */
    ASSERT_FAILS_MSG(f, svc_cluster_start(&f.ctx, "nope", &f.err), BK_INVALID_ARGUMENT,
                     "Cluster nope does not exist");
    svc_cluster *c;
    ASSERT_FAILS_MSG(f, svc_cluster_get(&f.ctx, "nope", &c, &f.err), BK_INVALID_ARGUMENT,
                     "Cluster nope does not exist");
    close_env(&f);
}

BK_TEST(svc_clusters_validation) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    char id[SVC_CLUSTER_ID_MAX];
    svc_cluster_spec s = spec_of(1);
    s.spark_version = "9.9.x-scala2.12";
    ASSERT_FAILS_MSG(f, svc_cluster_create(&f.ctx, &s, "API", id, &f.err), BK_INVALID_ARGUMENT,
                     "Invalid spark version 9.9.x-scala2.12");
    s = spec_of(1);
    s.spark_version = NULL;
    ASSERT_FAILS_MSG(f, svc_cluster_create(&f.ctx, &s, "API", id, &f.err), BK_INVALID_ARGUMENT,
                     "spark_version");
    s = spec_of(1);
    s.node_type_id = "i3.xlarge";
    ASSERT_FAILS_MSG(f, svc_cluster_create(&f.ctx, &s, "API", id, &f.err), BK_INVALID_ARGUMENT,
                     "node_type_id i3.xlarge is not supported");
    s = spec_of(-1);
    ASSERT_FAILS_MSG(f, svc_cluster_create(&f.ctx, &s, "API", id, &f.err), BK_INVALID_ARGUMENT,
                     "num_workers must be 0 or more, not -1");
    s = spec_of(SVC_CLUSTER_MAX_WORKERS + 1);
    ASSERT_FAILS_MSG(f, svc_cluster_create(&f.ctx, &s, "API", id, &f.err), BK_INVALID_ARGUMENT,
                     "too large");
    s = spec_of(0);
    s.autotermination_minutes = 5;
    ASSERT_FAILS_MSG(f, svc_cluster_create(&f.ctx, &s, "API", id, &f.err), BK_INVALID_ARGUMENT,
                     "between 10 and 10000, not 5");
    s = spec_of(0);
    s.has_autoscale = true;
    s.min_workers = 3;
    s.max_workers = 2;
    ASSERT_FAILS_MSG(f, svc_cluster_create(&f.ctx, &s, "API", id, &f.err), BK_INVALID_ARGUMENT,
                     "min_workers 3, max_workers 2");
    s = spec_of(2);
    s.has_autoscale = true;
    s.min_workers = 1;
    s.max_workers = 2;
    ASSERT_FAILS_MSG(f, svc_cluster_create(&f.ctx, &s, "API", id, &f.err), BK_INVALID_ARGUMENT,
                     "not both");
    svc_kv bad = {SVC_CLUSTER_MINUTE_MS_CONF, "soon"};
    s = spec_of(0);
    s.spark_conf = (svc_kvs){&bad, 1};
    ASSERT_FAILS_MSG(f, svc_cluster_create(&f.ctx, &s, "API", id, &f.err), BK_INVALID_ARGUMENT,
                     "positive number of milliseconds");
    s = spec_of(0);
    s.data_security_mode = "WIDE_OPEN";
    ASSERT_FAILS_MSG(f, svc_cluster_create(&f.ctx, &s, "API", id, &f.err), BK_INVALID_ARGUMENT,
                     "data_security_mode");
    /* Nothing was created by the failures. */
    svc_cluster_filter lf = {.is_pinned = -1, .limit = 100};
    svc_cluster *rows;
    size_t n;
    bool more;
    ASSERT_OK(svc_cluster_list(&f.ctx, &lf, &rows, &n, &more, &f.err), errp(&f.err));
    ASSERT_EQ(n, 0);
    /* Autoscale runs min_workers; a single-node cluster has its one driver thread. */
    s = spec_of(0);
    s.has_autoscale = true;
    s.min_workers = 3;
    s.max_workers = 5;
    ASSERT_OK(svc_cluster_create(&f.ctx, &s, "API", id, &f.err), errp(&f.err));
    char single[SVC_CLUSTER_ID_MAX];
    s = spec_of(0);
    ASSERT_OK(svc_cluster_create(&f.ctx, &s, "API", single, &f.err), errp(&f.err));
    svc_clusters_tick(f.env, svc_now_ms());
    svc_cluster *c;
    ASSERT_OK(svc_cluster_get(&f.ctx, id, &c, &f.err), errp(&f.err));
    ASSERT_EQ(c->live_workers, 3);
    ASSERT_TRUE(c->spec.has_autoscale && c->spec.max_workers == 5);
    ASSERT_OK(svc_cluster_get(&f.ctx, single, &c, &f.err), errp(&f.err));
    ASSERT_EQ(c->live_workers, 1);
    close_env(&f);
}

typedef struct task_state {
    atomic_int ran, cancelled;
    atomic_bool release; /* blocking tasks wait for this */
} task_state;

static void count_task(void *arg, svc_cluster_pool *p, int worker, bool cancelled) {
    task_state *t = arg;
    if (cancelled) {
        atomic_fetch_add(&t->cancelled, 1);
        return;
    }
    if (worker < 0 || worker >= svc_cluster_pool_size(p)) return;
    atomic_fetch_add(&t->ran, 1);
}

static void blocking_task(void *arg, svc_cluster_pool *p, int worker, bool cancelled) {
    task_state *t = arg;
    (void)worker;
    if (cancelled) {
        atomic_fetch_add(&t->cancelled, 1);
        return;
    }
    while (!atomic_load(&t->release) && !svc_cluster_pool_stopping(p)) usleep(1000);
    atomic_fetch_add(&t->ran, 1);
}

static bool wait_done(svc_cluster_pool *p, uint64_t n) {
    for (int i = 0; i < 5000 && svc_cluster_pool_tasks_done(p) < n; i++) usleep(1000);
    return svc_cluster_pool_tasks_done(p) >= n;
}

BK_TEST(svc_clusters_pool_runs_tasks) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    char id[SVC_CLUSTER_ID_MAX];
    svc_cluster_spec spec = spec_of(3);
    ASSERT_OK(svc_cluster_create(&f.ctx, &spec, "API", id, &f.err), errp(&f.err));
    svc_clusters_tick(f.env, svc_now_ms());
    svc_cluster_pool *p = NULL;
    ASSERT_OK(svc_cluster_pool_acquire(f.env, id, &p, &f.err), errp(&f.err));
    ASSERT_EQ(svc_cluster_pool_size(p), 3);
    ASSERT_TRUE(svc_cluster_pool_worker_dir(p, 2) != NULL);
    ASSERT_TRUE(svc_cluster_pool_worker_dir(p, 3) == NULL);
    task_state t;
    memset(&t, 0, sizeof t);
    for (int i = 0; i < 100; i++)
        ASSERT_OK(svc_cluster_pool_submit(p, count_task, &t, &f.err), errp(&f.err));
    ASSERT_TRUE(wait_done(p, 100));
    ASSERT_EQ(atomic_load(&t.ran), 100);
    /* Hold all three workers, queue two more, terminate: the queued two are cancelled. */
    task_state b;
    memset(&b, 0, sizeof b);
    for (int i = 0; i < 3; i++)
        ASSERT_OK(svc_cluster_pool_submit(p, blocking_task, &b, &f.err), errp(&f.err));
    for (int i = 0; i < 200 && svc_cluster_pool_tasks_done(p) == 100; i++) usleep(1000);
    usleep(20000); /* let the workers pick the blocking tasks up */
    ASSERT_OK(svc_cluster_pool_submit(p, count_task, &b, &f.err), errp(&f.err));
    ASSERT_OK(svc_cluster_pool_submit(p, count_task, &b, &f.err), errp(&f.err));
    ASSERT_OK(svc_cluster_delete(&f.ctx, id, &f.err), errp(&f.err));
    svc_clusters_tick(f.env, svc_now_ms()); /* stops the pool: blocking tasks see it and end */
    ASSERT_EQ(state_of(&f, id), SVC_CLUSTER_TERMINATED);
    ASSERT_EQ(atomic_load(&b.ran), 3);
    ASSERT_EQ(atomic_load(&b.cancelled), 2);
    /* The reference we hold stays valid but refuses work. */
    ASSERT_TRUE(svc_cluster_pool_stopping(p));
    ASSERT_FAILS_MSG(f, svc_cluster_pool_submit(p, count_task, &t, &f.err), BK_INVALID_STATE,
                     "terminating");
    svc_cluster_pool_release(p);
    ASSERT_FAILS(svc_cluster_pool_acquire(f.env, id, &p, &f.err), BK_INVALID_STATE);
    close_env(&f);
}

BK_TEST(svc_clusters_autotermination) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    svc_kv minute = {SVC_CLUSTER_MINUTE_MS_CONF, "100"}; /* 10 minutes = 1 s */
    svc_cluster_spec spec = spec_of(1);
    spec.autotermination_minutes = 10;
    spec.spark_conf = (svc_kvs){&minute, 1};
    char id[SVC_CLUSTER_ID_MAX];
    ASSERT_OK(svc_cluster_create(&f.ctx, &spec, "API", id, &f.err), errp(&f.err));
    int64_t t0 = svc_now_ms();
    svc_clusters_tick(f.env, t0);
    ASSERT_EQ(state_of(&f, id), SVC_CLUSTER_RUNNING);
    /* Idle for less than the limit: still running, and the next round is due by then. */
    int64_t next = svc_clusters_tick(f.env, t0 + 500);
    ASSERT_EQ(state_of(&f, id), SVC_CLUSTER_RUNNING);
    ASSERT_TRUE(next <= t0 + 1000 + 50);
    /* A running task keeps it alive however long it takes. */
    svc_cluster_pool *p = NULL;
    ASSERT_OK(svc_cluster_pool_acquire(f.env, id, &p, &f.err), errp(&f.err));
    task_state b;
    memset(&b, 0, sizeof b);
    ASSERT_OK(svc_cluster_pool_submit(p, blocking_task, &b, &f.err), errp(&f.err));
    svc_clusters_tick(f.env, t0 + 60000);
    ASSERT_EQ(state_of(&f, id), SVC_CLUSTER_RUNNING);
    atomic_store(&b.release, true);
    ASSERT_TRUE(wait_done(p, 1));
    int64_t done_at = svc_now_ms();
    svc_cluster_pool_release(p);
    svc_clusters_tick(f.env, done_at + 900);
    ASSERT_EQ(state_of(&f, id), SVC_CLUSTER_RUNNING);
    svc_clusters_tick(f.env, done_at + 1100);
    svc_cluster *c;
    ASSERT_OK(svc_cluster_get(&f.ctx, id, &c, &f.err), errp(&f.err));
    ASSERT_EQ(c->state, SVC_CLUSTER_TERMINATING);
    ASSERT_STR_EQ(c->term_code, "INACTIVITY");
    ASSERT_STR_EQ(c->state_message, "Inactive cluster terminated (inactive for 10 minutes).");
    svc_clusters_tick(f.env, done_at + 1200);
    ASSERT_OK(svc_cluster_get(&f.ctx, id, &c, &f.err), errp(&f.err));
    ASSERT_EQ(c->state, SVC_CLUSTER_TERMINATED);
    ASSERT_STR_EQ(c->term_params.items[0].key, "inactivity_duration_min");
    ASSERT_STR_EQ(c->term_params.items[0].value, "10");
    close_env(&f);
}

BK_TEST(svc_clusters_worker_failure_is_error) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    char id[SVC_CLUSTER_ID_MAX];
    svc_cluster_spec spec = spec_of(2);
    ASSERT_OK(svc_cluster_create(&f.ctx, &spec, "API", id, &f.err), errp(&f.err));
    /* A file where the cluster's directory goes: its workers cannot set up. */
    char path[900];
    snprintf(path, sizeof path, "%s/clusters", f.dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/clusters/%s", f.dir, id);
    FILE *blocker = fopen(path, "w");
    ASSERT_TRUE(blocker != NULL);
    fclose(blocker);
    svc_clusters_tick(f.env, svc_now_ms());
    svc_cluster *c;
    ASSERT_OK(svc_cluster_get(&f.ctx, id, &c, &f.err), errp(&f.err));
    ASSERT_EQ(c->state, SVC_CLUSTER_ERROR);
    ASSERT_CONTAINS(c->state_message, "not a directory");
    ASSERT_STR_EQ(c->term_code, "WORKER_SETUP_FAILURE");
    ASSERT_EQ(c->live_workers, 0);
    ASSERT_STR_EQ(event_types(&f, id), "CREATING,ADD_NODES_FAILED");
    /* Fixed, an ERROR cluster starts again. */
    unlink(path);
    ASSERT_OK(svc_cluster_start(&f.ctx, id, &f.err), errp(&f.err));
    svc_clusters_tick(f.env, svc_now_ms());
    ASSERT_EQ(state_of(&f, id), SVC_CLUSTER_RUNNING);
    close_env(&f);
}

BK_TEST(svc_clusters_access) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    char id[SVC_CLUSTER_ID_MAX], bobs[SVC_CLUSTER_ID_MAX];
    svc_cluster_spec spec = spec_of(1);
    ASSERT_OK(svc_cluster_create(&f.ctx, &spec, "API", id, &f.err), errp(&f.err));
    svc_clusters_tick(f.env, svc_now_ms());
    f.ctx.caller = &f.bob;
    spec.cluster_name = "bobs";
    ASSERT_OK(svc_cluster_create(&f.ctx, &spec, "API", bobs, &f.err), errp(&f.err));
    svc_cluster *c;
    ASSERT_FAILS_MSG(f, svc_cluster_get(&f.ctx, id, &c, &f.err), BK_PERMISSION_DENIED,
                     "User bob@example.com does not have Can Attach To permission on cluster");
    ASSERT_FAILS_MSG(f, svc_cluster_restart(&f.ctx, id, &f.err), BK_PERMISSION_DENIED,
                     "Can Restart");
    ASSERT_FAILS(svc_cluster_delete(&f.ctx, id, &f.err), BK_PERMISSION_DENIED);
    ASSERT_FAILS_MSG(f, svc_cluster_edit(&f.ctx, id, &spec, &f.err), BK_PERMISSION_DENIED,
                     "Can Manage");
    ASSERT_FAILS(svc_cluster_permanent_delete(&f.ctx, id, &f.err), BK_PERMISSION_DENIED);
    ASSERT_FAILS(svc_cluster_pin(&f.ctx, bobs, true, &f.err), BK_PERMISSION_DENIED);
    ASSERT_FAILS(svc_cluster_change_owner(&f.ctx, bobs, "bob@example.com", &f.err),
                 BK_PERMISSION_DENIED);
    svc_event_filter ef = {.limit = 10};
    svc_cluster_event *ev;
    size_t n;
    int64_t total;
    ASSERT_FAILS(svc_cluster_events(&f.ctx, id, &ef, &ev, &n, &total, &f.err),
                 BK_PERMISSION_DENIED);
    bk_error_clear(&f.err);
    /* Bob sees and manages only his own. */
    svc_cluster_filter lf = {.is_pinned = -1, .limit = 100};
    bool more;
    ASSERT_OK(svc_cluster_list(&f.ctx, &lf, &c, &n, &more, &f.err), errp(&f.err));
    ASSERT_EQ(n, 1);
    ASSERT_STR_EQ(c[0].cluster_id, bobs);
    svc_clusters_tick(f.env, svc_now_ms());
    ASSERT_OK(svc_cluster_restart(&f.ctx, bobs, &f.err), errp(&f.err));
    svc_clusters_tick(f.env, svc_now_ms());
    ASSERT_OK(svc_cluster_delete(&f.ctx, bobs, &f.err), errp(&f.err));
    svc_clusters_tick(f.env, svc_now_ms());
    /* CAN_RESTART on the admin's cluster: Bob lists and restarts it, may not edit it. */
    f.ctx.caller = &f.admin;
    svc_perm_grant g = {.user_name = "bob@example.com", .level = "CAN_RESTART"};
    svc_perm_acl acl;
    ASSERT_OK(svc_perm_set(&f.ctx, "clusters", id, &g, 1, false, &acl, &f.err), errp(&f.err));
    f.ctx.caller = &f.bob;
    ASSERT_OK(svc_cluster_list(&f.ctx, &lf, &c, &n, &more, &f.err), errp(&f.err));
    ASSERT_EQ(n, 2);
    ASSERT_OK(svc_cluster_restart(&f.ctx, id, &f.err), errp(&f.err));
    svc_clusters_tick(f.env, svc_now_ms());
    ASSERT_FAILS_MSG(f, svc_cluster_edit(&f.ctx, id, &spec, &f.err), BK_PERMISSION_DENIED,
                     "Can Manage permission on cluster");
    /* The admin sees both and gives the admin's (terminated) cluster to Bob. */
    f.ctx.caller = &f.admin;
    ASSERT_OK(svc_cluster_list(&f.ctx, &lf, &c, &n, &more, &f.err), errp(&f.err));
    ASSERT_EQ(n, 2);
    ASSERT_OK(svc_cluster_delete(&f.ctx, id, &f.err), errp(&f.err));
    svc_clusters_tick(f.env, svc_now_ms());
    ASSERT_FAILS_MSG(f, svc_cluster_change_owner(&f.ctx, id, "nobody@example.com", &f.err),
                     BK_NOT_FOUND, "nobody@example.com");
    ASSERT_OK(svc_cluster_change_owner(&f.ctx, id, "BOB@example.com", &f.err), errp(&f.err));
    f.ctx.caller = &f.bob;
    ASSERT_OK(svc_cluster_get(&f.ctx, id, &c, &f.err), errp(&f.err));
    ASSERT_STR_EQ(c->owner_name, "bob@example.com");
    ASSERT_OK(svc_cluster_start(&f.ctx, id, &f.err), errp(&f.err));
    /* Permanently deleting the cluster deletes its grants. */
    ASSERT_OK(svc_cluster_permanent_delete(&f.ctx, id, &f.err), errp(&f.err));
    meta_stmt *s = meta_prepare(f.ctx.conn,
                                "SELECT count(*) FROM acl_entries WHERE object_type = 'clusters'"
                                " AND object_id = ?1",
                                &f.err);
    ASSERT_TRUE(s != NULL);
    ASSERT_OK(meta_bind_text(s, 1, id, &f.err), errp(&f.err));
    ASSERT_EQ(meta_step(s, &f.err), META_ROW);
    ASSERT_EQ(meta_col_i64(s, 0), 0);
    meta_done(s);
    close_env(&f);
}

BK_TEST(svc_clusters_list_and_events_paging) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    const char *names[] = {"delta", "alpha", "charlie", "bravo", "echo"};
    char ids[5][SVC_CLUSTER_ID_MAX];
    for (int i = 0; i < 5; i++) {
        svc_cluster_spec s = spec_of(0);
        s.cluster_name = names[i];
        ASSERT_OK(svc_cluster_create(&f.ctx, &s, i == 4 ? "JOB" : "API", ids[i], &f.err),
                  errp(&f.err));
    }
    svc_clusters_tick(f.env, svc_now_ms());
    ASSERT_OK(svc_cluster_delete(&f.ctx, ids[0], &f.err), errp(&f.err)); /* delta */
    svc_clusters_tick(f.env, svc_now_ms());
    ASSERT_OK(svc_cluster_pin(&f.ctx, ids[2], true, &f.err), errp(&f.err)); /* charlie */
    ASSERT_OK(svc_cluster_pin(&f.ctx, ids[2], true, &f.err), errp(&f.err)); /* no-op */
    /* DEFAULT order: running first (pinned first among them), then by name; terminated last. */
    svc_cluster_filter lf = {.is_pinned = -1, .limit = 2};
    const char *want[] = {"charlie", "alpha", "bravo", "echo", "delta"};
    int seen = 0;
    bool more = true;
    while (more) {
        svc_cluster *rows;
        size_t n;
        ASSERT_OK(svc_cluster_list(&f.ctx, &lf, &rows, &n, &more, &f.err), errp(&f.err));
        for (size_t i = 0; i < n; i++) ASSERT_STR_EQ(rows[i].spec.cluster_name, want[seen++]);
        lf.offset += lf.limit;
    }
    ASSERT_EQ(seen, 5);
    svc_cluster *rows;
    size_t n;
    svc_cluster_filter byname = {.is_pinned = -1, .limit = 10, .sort_by_name = true,
                                 .descending = true};
    ASSERT_OK(svc_cluster_list(&f.ctx, &byname, &rows, &n, &more, &f.err), errp(&f.err));
    ASSERT_EQ(n, 5);
    ASSERT_STR_EQ(rows[0].spec.cluster_name, "echo");
    ASSERT_STR_EQ(rows[4].spec.cluster_name, "alpha");
    svc_cluster_state terminated = SVC_CLUSTER_TERMINATED;
    svc_cluster_filter st = {.is_pinned = -1, .limit = 10, .states = &terminated, .n_states = 1};
    ASSERT_OK(svc_cluster_list(&f.ctx, &st, &rows, &n, &more, &f.err), errp(&f.err));
    ASSERT_EQ(n, 1);
    ASSERT_STR_EQ(rows[0].spec.cluster_name, "delta");
    svc_cluster_filter pinned = {.is_pinned = 1, .limit = 10};
    ASSERT_OK(svc_cluster_list(&f.ctx, &pinned, &rows, &n, &more, &f.err), errp(&f.err));
    ASSERT_EQ(n, 1);
    ASSERT_STR_EQ(rows[0].spec.cluster_name, "charlie");
    const char *job = "JOB";
    svc_cluster_filter src = {.is_pinned = -1, .limit = 10, .sources = &job, .n_sources = 1};
    ASSERT_OK(svc_cluster_list(&f.ctx, &src, &rows, &n, &more, &f.err), errp(&f.err));
    ASSERT_EQ(n, 1);
    ASSERT_STR_EQ(rows[0].spec.cluster_name, "echo");
    svc_cluster_filter policy = {.is_pinned = -1, .limit = 10, .policy_id = "p1"};
    ASSERT_OK(svc_cluster_list(&f.ctx, &policy, &rows, &n, &more, &f.err), errp(&f.err));
    ASSERT_EQ(n, 0);

    /* Events of charlie: CREATING, RUNNING, PINNED (the second pin recorded nothing). */
    ASSERT_STR_EQ(event_types(&f, ids[2]), "CREATING,RUNNING,PINNED");
    svc_event_filter ef = {.limit = 2}; /* DESC by default */
    svc_cluster_event *ev;
    int64_t total;
    ASSERT_OK(svc_cluster_events(&f.ctx, ids[2], &ef, &ev, &n, &total, &f.err), errp(&f.err));
    ASSERT_EQ(total, 3);
    ASSERT_EQ(n, 2);
    ASSERT_STR_EQ(ev[0].type, "PINNED");
    ASSERT_CONTAINS(ev[0].details_json, "\"user\":\"admin@bricks.local\"");
    ef.offset = 2;
    ASSERT_OK(svc_cluster_events(&f.ctx, ids[2], &ef, &ev, &n, &total, &f.err), errp(&f.err));
    ASSERT_EQ(n, 1);
    ASSERT_STR_EQ(ev[0].type, "CREATING");
    const char *types[] = {"RUNNING", "PINNED"};
    svc_event_filter typed = {.limit = 10, .types = types, .n_types = 2, .ascending = true};
    ASSERT_OK(svc_cluster_events(&f.ctx, ids[2], &typed, &ev, &n, &total, &f.err), errp(&f.err));
    ASSERT_EQ(total, 2);
    ASSERT_STR_EQ(ev[0].type, "RUNNING");
    svc_event_filter future = {.limit = 10, .start_time = svc_now_ms() + 100000};
    ASSERT_OK(svc_cluster_events(&f.ctx, ids[2], &future, &ev, &n, &total, &f.err),
              errp(&f.err));
    ASSERT_EQ(total, 0);
    close_env(&f);
}

BK_TEST(svc_clusters_permanent_delete) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    char id[SVC_CLUSTER_ID_MAX];
    svc_cluster_spec spec = spec_of(2);
    ASSERT_OK(svc_cluster_create(&f.ctx, &spec, "API", id, &f.err), errp(&f.err));
    svc_clusters_tick(f.env, svc_now_ms());
    ASSERT_OK(svc_cluster_permanent_delete(&f.ctx, id, &f.err), errp(&f.err));
    svc_cluster *c;
    ASSERT_FAILS_MSG(f, svc_cluster_get(&f.ctx, id, &c, &f.err), BK_INVALID_ARGUMENT,
                     "does not exist");
    svc_clusters_tick(f.env, svc_now_ms()); /* the orphaned pool stops */
    svc_cluster_pool *p;
    ASSERT_FAILS(svc_cluster_pool_acquire(f.env, id, &p, &f.err), BK_INVALID_STATE);
    char path[900];
    snprintf(path, sizeof path, "%s/clusters/%s", f.dir, id);
    struct stat st;
    ASSERT_TRUE(stat(path, &st) != 0);
    ASSERT_FAILS(svc_cluster_permanent_delete(&f.ctx, id, &f.err), BK_INVALID_ARGUMENT);
    close_env(&f);
}

BK_TEST(svc_clusters_recover_after_restart) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    char running[SVC_CLUSTER_ID_MAX], stopping[SVC_CLUSTER_ID_MAX], stopped[SVC_CLUSTER_ID_MAX];
    svc_cluster_spec spec = spec_of(2);
    ASSERT_OK(svc_cluster_create(&f.ctx, &spec, "API", running, &f.err), errp(&f.err));
    ASSERT_OK(svc_cluster_create(&f.ctx, &spec, "API", stopping, &f.err), errp(&f.err));
    ASSERT_OK(svc_cluster_create(&f.ctx, &spec, "API", stopped, &f.err), errp(&f.err));
    svc_clusters_tick(f.env, svc_now_ms());
    ASSERT_OK(svc_cluster_delete(&f.ctx, stopped, &f.err), errp(&f.err));
    svc_clusters_tick(f.env, svc_now_ms());
    ASSERT_OK(svc_cluster_delete(&f.ctx, stopping, &f.err), errp(&f.err));
    /* "Crash": the process goes away with the pools; the states stay in the metastore.
     * A file left in a worker's scratch directory is gone when the pool comes back. */
    close_env(&f);
    char path[900];
    snprintf(path, sizeof path, "%s/clusters", f.dir);
    ASSERT_EQ(mkdir(path, 0700), 0); /* a clean stop removed it; a crash would not */
    snprintf(path, sizeof path, "%s/clusters/%s", f.dir, running);
    ASSERT_EQ(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/clusters/%s/worker-7", f.dir, running);
    ASSERT_EQ(mkdir(path, 0700), 0);
    ASSERT_TRUE(open_env(&f));
    struct stat st;
    ASSERT_TRUE(stat(path, &st) != 0);
    svc_cluster *c;
    ASSERT_OK(svc_cluster_get(&f.ctx, running, &c, &f.err), errp(&f.err));
    ASSERT_EQ(c->state, SVC_CLUSTER_RUNNING);
    ASSERT_EQ(c->live_workers, 2);
    ASSERT_TRUE(c->last_state_loss_time > 0);
    ASSERT_STR_EQ(event_types(&f, running), "CREATING,RUNNING,STARTING,RUNNING");
    ASSERT_EQ(state_of(&f, stopping), SVC_CLUSTER_TERMINATED);
    ASSERT_OK(svc_cluster_get(&f.ctx, stopped, &c, &f.err), errp(&f.err));
    ASSERT_EQ(c->state, SVC_CLUSTER_TERMINATED);
    ASSERT_EQ(c->last_state_loss_time, 0);
    close_env(&f);
}
