/*
 * session.c — sessions and statements: parse, bind, run (engine.h).
 *
 * A session owns a long-lived arena for its settings and temporary views (a
 * view is kept as the SQL text of its query and bound afresh at every use, as
 * Spark re-analyzes a view), a thread pool, and the per-statement exec_ctx.
 * Each statement gets its own arena; its result takes that arena over.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/mem.h"
#include "base/str.h"
#include "base/thread.h"
#include "base/tz.h"
#include "engine/engine.h"
#include "engine/session_tz.h"
#include "engine/plan/plan.h"
#include "engine/sql/sql.h"

typedef struct setting {
    const char *key, *value;
    struct setting *next;
} setting;

typedef struct view {
    const char *name;
    const char *sql; /* the query's text */
    const char **cols;
    uint32_t n_cols;
    struct view *next;
} view;

struct eng_session {
    bk_arena *arena; /* settings and views */
    bk_pool *pool;
    setting *settings;
    view *views;
    char *data_dir;
    exec_ctx *running; /* the statement running now, for eng_cancel */
    bk_mutex *lock;
};

static const struct {
    const char *key, *value;
} defaults[] = {
    {"spark.sql.ansi.enabled", "true"},
    {"spark.sql.session.timeZone", "UTC"},
    {"bricks.memory_limit", "0"},
    {"spark.sql.parquet.filterPushdown", "true"},
    {"spark.databricks.delta.stats.skipping", "true"},
};

bk_status eng_session_open(const eng_options *o, eng_session **out, bk_error *err) {
    eng_session *s = bk_calloc(1, sizeof *s);
    if (!s) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory opening a SQL session");
    s->arena = bk_arena_new(NULL, "sql session", 0);
    s->pool = bk_pool_new(o && o->threads > 0 ? o->threads : 0);
    s->lock = bk_mutex_new();
    if (!s->arena || !s->pool || !s->lock) {
        eng_session_close(s);
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory opening a SQL session");
    }
    if (o && o->data_dir) s->data_dir = bk_arena_strdup(s->arena, o->data_dir);
    *out = s;
    return BK_OK;
}

void eng_session_close(eng_session *s) {
    if (!s) return;
    bk_pool_free(s->pool);
    bk_mutex_free(s->lock);
    bk_arena_free(s->arena);
    bk_free(s);
}

void eng_cancel(eng_session *s) {
    bk_mutex_lock(s->lock);
    if (s->running) atomic_store(&s->running->cancel, true);
    bk_mutex_unlock(s->lock);
}

bool eng_progress(eng_session *s, uint64_t *rows_read) {
    bk_mutex_lock(s->lock);
    bool running = s->running != NULL;
    if (running) *rows_read = atomic_load_explicit(&s->running->rows_read, memory_order_relaxed);
    bk_mutex_unlock(s->lock);
    return running;
}

void eng_result_free(eng_result *r) {
    if (r) bk_arena_free(r->arena);
}

static bool key_eq(const char *a, const char *b) {
    return bk_str_ieq(bk_str_from_cstr(a), bk_str_from_cstr(b));
}

const char *eng_setting(const eng_session *s, const char *key) {
    for (const setting *p = s->settings; p; p = p->next)
        if (key_eq(p->key, key)) return p->value;
    for (size_t i = 0; i < BK_ARRAY_LEN(defaults); i++)
        if (key_eq(defaults[i].key, key)) return defaults[i].value;
    return NULL;
}

static const char *view_sql(void *session, const char *name, const char ***cols, uint32_t *n) {
    eng_session *s = session;
    for (view *v = s->views; v; v = v->next)
        if (key_eq(v->name, name)) {
            *cols = v->cols;
            *n = v->n_cols;
            return v->sql;
        }
    return NULL;
}

/* ---- results ---- */

/* A result of string columns from rows of C strings. */
static bk_status text_result(bk_arena *a, const char *const *names, uint32_t n_cols,
                             const char *const *cells, size_t n_rows, exec_table **out,
                             bk_error *err) {
    const bk_type **types = bk_arena_array(a, n_cols ? n_cols : 1, sizeof *types);
    if (!types) return bk_arena_oom(a, err);
    for (uint32_t i = 0; i < n_cols; i++) types[i] = bk_type_scalar(BK_TYPE_STRING);
    const bk_type *schema = bk_type_make_struct(a, n_cols, names, types, NULL);
    exec_table *t = schema ? exec_table_make(a, schema) : NULL;
    if (!t) return bk_arena_oom(a, err);
    if (n_rows) {
        exec_chunk c = {.n = n_rows, .n_cols = n_cols};
        c.cols = bk_arena_array(a, n_cols, sizeof *c.cols);
        if (!c.cols) return bk_arena_oom(a, err);
        for (uint32_t k = 0; k < n_cols; k++) {
            c.cols[k] = bk_vector_make(a, types[k], n_rows);
            if (!c.cols[k]) return bk_arena_oom(a, err);
            for (size_t r = 0; r < n_rows; r++) {
                const char *v = cells[r * n_cols + k];
                ((bk_str *)c.cols[k]->data)[r] = bk_str_from_cstr(v ? v : "");
            }
        }
        BK_TRY(exec_table_append(t, &c, NULL, 0, err));
    }
    *out = t;
    return BK_OK;
}

static bk_status empty_result(bk_arena *a, exec_table **out, bk_error *err) {
    return text_result(a, NULL, 0, NULL, 0, out, err);
}

/* ---- statements ---- */

static bk_status run_set(eng_session *s, const sql_stmt *st, bk_arena *a, eng_result *r,
                         bk_error *err) {
    static const char *const names[] = {"key", "value"};
    if (!st->key) { /* SET: every setting */
        const char *cells[2 * 64];
        size_t n = 0;
        for (size_t i = 0; i < BK_ARRAY_LEN(defaults); i++) {
            cells[2 * n] = defaults[i].key;
            cells[2 * n + 1] = eng_setting(s, defaults[i].key);
            n++;
        }
        for (setting *p = s->settings; p && n < 64; p = p->next) {
            bool is_default = false;
            for (size_t i = 0; i < BK_ARRAY_LEN(defaults); i++)
                is_default |= key_eq(defaults[i].key, p->key);
            if (is_default) continue;
            cells[2 * n] = p->key;
            cells[2 * n + 1] = p->value;
            n++;
        }
        return text_result(a, names, 2, cells, n, &r->table, err);
    }
    char *key = bk_arena_strdup(a, st->key);
    if (!key) return bk_arena_oom(a, err);
    bk_str k = bk_str_trim(bk_str_from_cstr(key));
    key[k.len + (size_t)(k.ptr - key)] = '\0';
    key = (char *)k.ptr;
    if (!st->value) {
        const char *v = eng_setting(s, key);
        const char *cells[2] = {key, v ? v : "<undefined>"};
        return text_result(a, names, 2, cells, 1, &r->table, err);
    }
    bk_str v = bk_str_trim(bk_str_from_cstr(st->value));
    char *value = bk_arena_strndup(s->arena, v.ptr, v.len);
    char *skey = bk_arena_strdup(s->arena, key);
    if (!value || !skey) return bk_arena_oom(s->arena, err);
    static const char *const booleans[] = {"spark.sql.ansi.enabled",
                                           "spark.sql.parquet.filterPushdown",
                                           "spark.databricks.delta.stats.skipping"};
    for (size_t i = 0; i < BK_ARRAY_LEN(booleans); i++)
        if (key_eq(key, booleans[i]) && !key_eq(value, "true") && !key_eq(value, "false"))
            return bk_error_set(err, BK_INVALID_CONF_VALUE,
                                "The value '%s' in the config \"%s\" is invalid. "
                                "It must be true or false.",
                                value, booleans[i]);
    if (key_eq(key, "spark.sql.session.timeZone"))
        BK_TRY(eng_session_zone(s->arena, value, &value, err));
    if (key_eq(key, "bricks.memory_limit")) {
        int64_t n;
        if (!bk_parse_i64(value, strlen(value), &n) || n < 0)
            return bk_error_set(err, BK_INVALID_CONF_VALUE,
                                "The value '%s' in the config \"bricks.memory_limit\" is invalid. "
                                "It must be a number of bytes (0 = no limit).",
                                value);
    }
    setting *p = bk_arena_zalloc(s->arena, sizeof *p);
    if (!p) return bk_arena_oom(s->arena, err);
    p->key = skey;
    p->value = value;
    p->next = s->settings;
    s->settings = p;
    const char *cells[2] = {skey, value};
    return text_result(a, names, 2, cells, 1, &r->table, err);
}

static bk_status run_create_view(eng_session *s, const sql_stmt *st, const char *text,
                                 const plan_env *env, bk_arena *a, eng_result *r, bk_error *err) {
    if (st->name.n != 1 || !st->temporary) {
        bk_status e = bk_error_set(err, BK_UNSUPPORTED_FEATURE,
                                   "The feature is not supported: only CREATE TEMPORARY VIEW of a "
                                   "one-part name in this version.");
        if (err) err->sql_pos = (int)st->name.span.off;
        return e;
    }
    const char *name = st->name.parts[0].text;
    const char **cols;
    uint32_t n_cols;
    if (view_sql(s, name, &cols, &n_cols) && !st->or_replace) {
        if (st->if_not_exists) return empty_result(a, &r->table, err);
        bk_status e = bk_error_set(err, BK_TABLE_OR_VIEW_ALREADY_EXISTS,
                                   "Cannot create table or view `%s` because it already exists. "
                                   "Choose a different name, drop or replace the existing object, "
                                   "or add the IF NOT EXISTS clause to tolerate pre-existing "
                                   "objects.",
                                   name);
        if (err) err->sql_pos = (int)st->name.span.off;
        return e;
    }
    /* bind it now: a view that does not bind is an error at creation, as in Spark */
    exec_node *plan;
    BK_TRY(plan_query(a, env, text, st->query, &plan, err));
    if (st->n_cols && st->n_cols != plan->schema->n_children) {
        /* Spark: "... the reason is not enough data columns:\nView columns: `a`, `b`.\n..." */
        const bk_type *sch = plan->schema;
        bk_buf names;
        bk_buf_init(&names);
        bk_status bs = BK_OK;
        for (uint32_t i = 0; i < st->n_cols && bs == BK_OK; i++)
            bs = bk_buf_printf(&names, "%s`%s`", i ? ", " : "", st->cols[i].text);
        size_t view_len = names.len;
        for (uint32_t i = 0; i < sch->n_children && bs == BK_OK; i++)
            bs = bk_buf_printf(&names, "%s`%s`", i ? ", " : "", sch->field_names[i]);
        bool too_few = st->n_cols > sch->n_children;
        bk_status e =
            bs != BK_OK ? bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory")
                        : bk_error_set_sub(err, BK_CREATE_VIEW_COLUMN_ARITY_MISMATCH,
                                           too_few ? "NOT_ENOUGH_DATA_COLUMNS"
                                                   : "TOO_MANY_DATA_COLUMNS",
                                           "Cannot create view `%s`, the reason is %s data "
                                           "columns:\nView columns: %.*s.\nData columns: %.*s.",
                                           name, too_few ? "not enough" : "too many",
                                           (int)view_len, (const char *)names.data,
                                           (int)(names.len - view_len),
                                           (const char *)names.data + view_len);
        bk_buf_destroy(&names);
        if (err) err->sql_pos = (int)st->name.span.off;
        return e;
    }
    view *v = bk_arena_zalloc(s->arena, sizeof *v);
    if (!v) return bk_arena_oom(s->arena, err);
    v->name = bk_arena_strdup(s->arena, name);
    v->sql = bk_arena_strndup(s->arena, text + st->query->span.off, st->query->span.len);
    v->n_cols = st->n_cols;
    if (st->n_cols) {
        v->cols = bk_arena_array(s->arena, st->n_cols, sizeof *v->cols);
        if (!v->cols) return bk_arena_oom(s->arena, err);
        for (uint32_t i = 0; i < st->n_cols; i++) {
            v->cols[i] = bk_arena_strdup(s->arena, st->cols[i].text);
            if (!v->cols[i]) return bk_arena_oom(s->arena, err);
        }
    }
    if (!v->name || !v->sql) return bk_arena_oom(s->arena, err);
    /* replacing: unlink the old one (its memory stays with the session) */
    for (view **pp = &s->views; *pp; pp = &(*pp)->next)
        if (key_eq((*pp)->name, name)) {
            *pp = (*pp)->next;
            break;
        }
    v->next = s->views;
    s->views = v;
    return empty_result(a, &r->table, err);
}

static bk_status run_drop_view(eng_session *s, const sql_stmt *st, bk_arena *a, eng_result *r,
                               bk_error *err) {
    const char *name = st->name.parts[st->name.n - 1].text;
    for (view **pp = &s->views; *pp; pp = &(*pp)->next)
        if (st->name.n == 1 && key_eq((*pp)->name, name)) {
            *pp = (*pp)->next;
            return empty_result(a, &r->table, err);
        }
    if (st->if_exists) return empty_result(a, &r->table, err);
    return plan_table_not_found(&st->name, err);
}

/* bricks.memory_limit, or 80% of the machine's memory when it is 0 (DESIGN §4). */
static size_t memory_limit(const eng_session *s) {
    int64_t limit = 0;
    const char *ml = eng_setting(s, "bricks.memory_limit");
    if (ml && bk_parse_i64(ml, strlen(ml), &limit) && limit > 0) return (size_t)limit;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0) return 0;
    return (size_t)((double)pages * (double)page * 0.8);
}

static bk_status run_statement(eng_session *s, const sql_stmt *st, const char *text, bk_arena *a,
                               eng_result *r, bk_error *err) {
    exec_ctx *ctx = bk_arena_zalloc(a, sizeof *ctx);
    if (!ctx) return bk_arena_oom(a, err);
    ctx->arena = a;
    ctx->pool = s->pool;
    ctx->ansi = key_eq(eng_setting(s, "spark.sql.ansi.enabled"), "true");
    ctx->memory_limit = memory_limit(s);
    ctx->now_micros = bk_now_micros();
    const bk_tz *tz = bk_tz_utc();
    if (bk_tz_open(eng_setting(s, "spark.sql.session.timeZone"), &tz, err) != BK_OK)
        return bk_tz_conf_error(eng_setting(s, "spark.sql.session.timeZone"), err);
    ctx->tz = tz;
    r->tz = tz;
    plan_env env = {.session = s, .view_sql = view_sql, .ansi = ctx->ansi, .exec = ctx};
    env.parquet_pushdown_off = key_eq(eng_setting(s, "spark.sql.parquet.filterPushdown"), "false");
    env.delta_skipping_off =
        key_eq(eng_setting(s, "spark.databricks.delta.stats.skipping"), "false");
    bk_mutex_lock(s->lock);
    s->running = ctx;
    bk_mutex_unlock(s->lock);
    bk_status rc = BK_OK;
    switch (st->kind) {
    case SQL_S_QUERY: {
        r->statement = "SELECT";
        exec_node *plan;
        rc = plan_query(a, &env, text, st->query, &plan, err);
        if (rc == BK_OK) rc = exec_run(ctx, plan, &r->table, err);
        break;
    }
    case SQL_S_EXPLAIN: {
        r->statement = "EXPLAIN";
        if (st->inner->kind != SQL_S_QUERY) {
            rc = bk_error_set(err, BK_UNSUPPORTED_FEATURE,
                              "The feature is not supported: EXPLAIN of this statement.");
            break;
        }
        exec_node *plan;
        rc = plan_query(a, &env, text, st->inner->query, &plan, err);
        bool analyze = st->mode && !strcmp(st->mode, "ANALYZE");
        if (rc == BK_OK && analyze) {
            exec_table *ignored;
            rc = exec_run(ctx, plan, &ignored, err);
        }
        if (rc == BK_OK) rc = plan_explain(a, plan, analyze, &r->explain, err);
        if (rc == BK_OK) {
            static const char *const names[] = {"plan"};
            const char *cells[1] = {r->explain};
            rc = text_result(a, names, 1, cells, 1, &r->table, err);
        }
        break;
    }
    case SQL_S_SET:
        r->statement = "SET";
        rc = run_set(s, st, a, r, err);
        break;
    case SQL_S_RESET:
        r->statement = "RESET";
        if (!st->key) {
            s->settings = NULL;
        } else {
            for (setting **pp = &s->settings; *pp;)
                if (key_eq((*pp)->key, st->key))
                    *pp = (*pp)->next;
                else
                    pp = &(*pp)->next;
        }
        rc = empty_result(a, &r->table, err);
        break;
    case SQL_S_CREATE_VIEW:
        r->statement = "CREATE VIEW";
        rc = run_create_view(s, st, text, &env, a, r, err);
        break;
    case SQL_S_DROP_VIEW:
        r->statement = "DROP VIEW";
        rc = run_drop_view(s, st, a, r, err);
        break;
    case SQL_S_USE:
        rc = bk_error_set(err, BK_UNSUPPORTED_FEATURE, "The feature is not supported: USE.");
        break;
    }
    bk_mutex_lock(s->lock);
    s->running = NULL;
    bk_mutex_unlock(s->lock);
    return rc;
}

bk_status eng_execute(eng_session *s, const char *sql, ptrdiff_t len, eng_result **out,
                      bk_error *err) {
    size_t n = len < 0 ? strlen(sql) : (size_t)len;
    if (err) err->sql_pos = -1;
    bk_status rc = BK_OK;
    eng_result *last = NULL;
    /* the statements are parsed once; each runs in its own arena */
    bk_arena *parse = bk_arena_new(NULL, "sql parse", 0);
    if (!parse) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory parsing SQL");
    char *text = bk_arena_strndup(parse, sql, n);
    sql_stmt_list stmts;
    rc = text ? sql_parse(parse, text, n, &stmts, err) : bk_arena_oom(parse, err);
    for (uint32_t i = 0; rc == BK_OK && i < stmts.n; i++) {
        /* the statement's memory (its workers' arenas are children) stays under the limit */
        bk_arena *a = bk_arena_new(parse, "query", memory_limit(s));
        eng_result *r = a ? bk_arena_zalloc(a, sizeof *r) : NULL;
        if (!r) {
            rc = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory running SQL");
            break;
        }
        r->arena = a;
        rc = run_statement(s, stmts.items[i], text, a, r, err);
        if (rc != BK_OK) break;
        if (last) bk_arena_free(last->arena);
        last = r;
    }
    if (rc != BK_OK) {
        bk_arena_free(parse);
        return rc;
    }
    /* the result's arena is a child of `parse` (which holds the text its plan points
     * into): the result owns `parse`, and freeing it frees both */
    last->arena = parse;
    *out = last;
    return BK_OK;
}
