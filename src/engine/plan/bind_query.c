/*
 * bind_query.c — queries into plans: FROM, joins, WHERE, GROUP BY, SELECT,
 * ORDER BY, LIMIT, set operations, VALUES, CTEs and views.
 *
 * Inner and cross joins (FROM a, b WHERE a.k = b.k as well as JOIN … ON) are
 * planned together: the relations and every conjunct of ON and WHERE are
 * collected, conjuncts on one relation are pushed below the joins, and the
 * relations are joined greedily — the largest (by row estimate) is the probe
 * side and each step adds the smallest relation connected to it by an
 * equality, which becomes the build side of a hash join.  Outer, semi and anti
 * joins keep their order.
 */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "delta/delta.h"
#include "engine/exec/functions.h"
#include "engine/plan/binder_int.h"
#include "engine/sql/sql.h"
#include "parquet/parquet.h"

static const bk_type *T(bk_type_kind k) { return bk_type_scalar(k); }

static const char *src_text(binder *b, sql_span s) {
    const char *t = bk_arena_strndup(b->a, b->text + s.off, s.len);
    return t ? t : "?";
}

static bk_status fail_at(binder *b, sql_span at, bk_error *err, bk_code code, const char *msg) {
    (void)b;
    bk_error_set(err, code, "%s", msg);
    if (err && err->sql_pos < 0) err->sql_pos = (int)at.off;
    return code;
}

bk_status plan_table_not_found(const sql_name *name, bk_error *err) {
    char quoted[300];
    size_t len = 0;
    for (uint32_t i = 0; i < name->n && len < sizeof quoted; i++) {
        int k = snprintf(quoted + len, sizeof quoted - len, "%s`%s`", i ? "." : "",
                         name->parts[i].text);
        if (k < 0) break;
        len += (size_t)k;
    }
    bk_error_set(err, BK_TABLE_OR_VIEW_NOT_FOUND,
                 "The table or view %s cannot be found. Verify the spelling and correctness of "
                 "the schema and catalog.\nIf you did not qualify the name with a schema, verify "
                 "the current_schema() output, or qualify the name with the correct schema and "
                 "catalog.\nTo tolerate the error on drop use DROP VIEW IF EXISTS or DROP TABLE IF "
                 "EXISTS.",
                 quoted);
    if (err && err->sql_pos < 0) err->sql_pos = (int)name->span.off;
    return BK_TABLE_OR_VIEW_NOT_FOUND;
}

/* "first", "second", "third", then "4th", ... (Spark's ordinalNumber) into buf. */
static const char *ordinal_word(uint32_t n, char buf[16]) {
    static const char *const words[] = {"first", "second", "third"};
    if (n >= 1 && n <= 3) return words[n - 1];
    snprintf(buf, 16, "%uth", n);
    return buf;
}

/* fail_at with Spark's sub-class of code's class ("IS_NEGATIVE"). */
static bk_status fail_sub_at(binder *b, sql_span at, bk_error *err, bk_code code, const char *sub,
                             const char *msg) {
    (void)b;
    bk_error_set_sub(err, code, sub, "%s", msg);
    if (err && err->sql_pos < 0) err->sql_pos = (int)at.off;
    return code;
}

static bool name_eq(const char *x, const char *y) {
    return x && y && bk_str_ieq(bk_str_from_cstr(x), bk_str_from_cstr(y));
}

/* The STRUCT type naming the columns of a scope. */
static const bk_type *scope_schema(binder *b, const plan_scope *s) {
    const char **names = bk_arena_array(b->a, s->n ? s->n : 1, sizeof *names);
    const bk_type **types = bk_arena_array(b->a, s->n ? s->n : 1, sizeof *types);
    if (!names || !types) return NULL;
    for (uint32_t i = 0; i < s->n; i++) {
        names[i] = s->cols[i].name;
        types[i] = s->cols[i].type;
    }
    return bk_type_make_struct(b->a, s->n, names, types, NULL);
}

static bk_status scope_make(binder *b, uint32_t n, plan_scope *out, bk_error *err) {
    out->n = n;
    out->cols = bk_arena_zalloc(b->a, (n ? n : 1) * sizeof *out->cols);
    return out->cols ? BK_OK : bk_arena_oom(b->a, err);
}

/* A relation from a node whose schema names its columns, all qualified by `qual`. */
static bk_status rel_from_node(binder *b, exec_node *node, const char *qual, plan_rel *out,
                               bk_error *err) {
    out->node = node;
    BK_TRY(scope_make(b, node->schema->n_children, &out->scope, err));
    for (uint32_t i = 0; i < out->scope.n; i++)
        out->scope.cols[i] =
            (plan_col){qual, node->schema->field_names[i], node->schema->children[i]};
    return BK_OK;
}

/* PROJECT exprs over rel, naming the outputs; the scope keeps the given qualifiers. */
bk_status bind_project(binder *b, plan_rel *rel, exec_expr **exprs, const plan_col *cols,
                       uint32_t n, bk_error *err) {
    plan_scope s;
    BK_TRY(scope_make(b, n, &s, err));
    for (uint32_t i = 0; i < n; i++) {
        s.cols[i] = cols[i];
        s.cols[i].type = exprs[i]->type;
    }
    exec_node *p = exec_node_make(b->a, EXEC_NODE_PROJECT, scope_schema(b, &s), rel->node);
    if (!p || !p->schema) return bk_arena_oom(b->a, err);
    p->u.project.exprs = exprs;
    p->u.project.n_exprs = n;
    rel->node = p;
    rel->scope = s;
    return BK_OK;
}

bk_status bind_filter(binder *b, plan_rel *rel, exec_expr *pred, bk_error *err) {
    exec_node *f = exec_node_make(b->a, EXEC_NODE_FILTER, rel->node->schema, rel->node);
    if (!f) return bk_arena_oom(b->a, err);
    f->u.filter.pred = pred;
    rel->node = f;
    return BK_OK;
}

/* ---- sources ---- */

static void free_snapshot(void *arg) { delta_snapshot_free(arg); }

static void close_reader(void *arg) { pq_reader_close(arg); }

/* delta.`/path` or parquet.`/path`. */
static bk_status bind_path_table(binder *b, const sql_from *f, const char *format, const char *path,
                                 plan_rel *out, bk_error *err) {
    bool is_delta = name_eq(format, "delta");
    exec_node *node;
    if (is_delta) {
        delta_at at = {DELTA_AT_LATEST, 0, 0};
        if (f->version || f->timestamp) {
            bind_env env = {.b = b, .scope = &(plan_scope){0}};
            exec_expr *e;
            BK_TRY(bind_expr(&env, f->version ? f->version : f->timestamp, &e, err));
            const bk_type *want = f->version ? T(BK_TYPE_BIGINT) : T(BK_TYPE_TIMESTAMP);
            BK_TRY(bind_cast(b, e, want, f->version ? f->version : f->timestamp, &e, err));
            bk_vector *v;
            BK_TRY(bind_const_value(b, e, &v, err));
            if (!bk_vector_is_valid(v, 0))
                return fail_at(b, f->span, err, BK_INVALID_ARGUMENT,
                               "the time travel version or timestamp must not be NULL");
            int64_t x = ((const int64_t *)v->data)[0];
            at.kind = f->version ? DELTA_AT_VERSION : DELTA_AT_TIMESTAMP;
            if (f->version)
                at.version = x;
            else
                at.timestamp_ms = x / 1000;
        }
        delta_snapshot *snap;
        bk_status s = delta_snapshot_open(path, &at, &snap, err);
        if (s != BK_OK) {
            if (err && err->sql_pos < 0) err->sql_pos = (int)f->span.off;
            return s;
        }
        if (!bk_arena_own(b->a, free_snapshot, snap)) {
            delta_snapshot_free(snap);
            return bk_arena_oom(b->a, err);
        }
        const delta_schema *ds = delta_snapshot_schema(snap);
        node = exec_node_make(b->a, EXEC_NODE_DELTA, ds->type, NULL);
        if (!node) return bk_arena_oom(b->a, err);
        node->u.delta.snapshot = snap;
    } else {
        if (f->version || f->timestamp)
            return fail_at(b, f->span, err, BK_UNSUPPORTED_FEATURE,
                           "The feature is not supported: time travel on a Parquet file.");
        pq_reader *r;
        bk_status s = pq_reader_open(path, NULL, &r, err);
        if (s != BK_OK) {
            if (err && err->sql_pos < 0) err->sql_pos = (int)f->span.off;
            return s;
        }
        if (!bk_arena_own(b->a, close_reader, r)) {
            pq_reader_close(r);
            return bk_arena_oom(b->a, err);
        }
        node = exec_node_make(b->a, EXEC_NODE_PARQUET, pq_reader_schema(r), NULL);
        if (!node) return bk_arena_oom(b->a, err);
        node->u.parquet.reader = r;
        node->u.parquet.path = bk_arena_strdup(b->a, path);
        if (!node->u.parquet.path) return bk_arena_oom(b->a, err);
    }
    return rel_from_node(b, node, f->alias ? f->alias->text : format, out, err);
}

/* Apply alias(c1, c2, …) column names. */
static bk_status rename_columns(binder *b, plan_rel *rel, const sql_ident *names, uint32_t n,
                                sql_span at, bk_error *err) {
    if (n == 0) return BK_OK;
    if (n != rel->scope.n) {
        char msg[256];
        snprintf(msg, sizeof msg,
                 "The number of columns or variables assigned or aliased: %u does not match the "
                 "number of source expressions: %u.",
                 n, rel->scope.n);
        return fail_at(b, at, err, BK_ASSIGNMENT_ARITY_MISMATCH, msg);
    }
    exec_expr **exprs = bk_arena_array(b->a, n, sizeof *exprs);
    plan_col *cols = bk_arena_array(b->a, n, sizeof *cols);
    if (!exprs || !cols) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < n; i++) {
        exprs[i] = exec_expr_column(b->a, i, rel->scope.cols[i].type);
        if (!exprs[i]) return bk_arena_oom(b->a, err);
        cols[i] = rel->scope.cols[i];
        cols[i].name = names[i].text;
    }
    return bind_project(b, rel, exprs, cols, n, err);
}

void bind_requalify(plan_rel *rel, const char *qual) {
    for (uint32_t i = 0; i < rel->scope.n; i++) rel->scope.cols[i].qualifier = qual;
}

static bk_status bind_values(binder *b, const sql_from *f, plan_rel *out, bk_error *err) {
    uint32_t nc = f->n_cols;
    exec_expr ***cells = bk_arena_array(b->a, f->n_rows, sizeof *cells);
    const bk_type **types = bk_arena_zalloc(b->a, (nc ? nc : 1) * sizeof *types);
    if (!cells || !types) return bk_arena_oom(b->a, err);
    bind_env env = {.b = b, .scope = &(plan_scope){0}};
    for (uint32_t r = 0; r < f->n_rows; r++) {
        cells[r] = bk_arena_array(b->a, nc ? nc : 1, sizeof **cells);
        if (!cells[r]) return bk_arena_oom(b->a, err);
        for (uint32_t c = 0; c < nc; c++) {
            BK_TRY(bind_expr(&env, f->rows[r][c], &cells[r][c], err));
            const bk_type *t = cells[r][c]->type;
            types[c] = r == 0 ? t : bind_common_type(b, types[c], t);
            if (!types[c])
                return fail_sub_at(b, f->rows[r][c]->span, err, BK_INVALID_INLINE_TABLE,
                                   "INCOMPATIBLE_TYPES_IN_INLINE_TABLE",
                                   "Invalid inline table. Found incompatible types in the column "
                                   "of an inline table.");
        }
    }
    const char **names = bk_arena_array(b->a, nc ? nc : 1, sizeof *names);
    if (!names) return bk_arena_oom(b->a, err);
    for (uint32_t c = 0; c < nc; c++) {
        names[c] = bk_arena_printf(b->a, "col%u", c + 1);
        if (!names[c]) return bk_arena_oom(b->a, err);
        /* an all-NULL column stays VOID, as Spark types it */
    }
    const bk_type *schema = bk_type_make_struct(b->a, nc, names, types, NULL);
    exec_table *t = schema ? exec_table_make(b->a, schema) : NULL;
    if (!t) return bk_arena_oom(b->a, err);
    exec_chunk ch = {.n = f->n_rows, .n_cols = nc};
    ch.cols = bk_arena_array(b->a, nc ? nc : 1, sizeof *ch.cols);
    if (!ch.cols) return bk_arena_oom(b->a, err);
    for (uint32_t c = 0; c < nc; c++) {
        bk_vector **parts = bk_arena_array(b->a, f->n_rows, sizeof *parts);
        if (!parts) return bk_arena_oom(b->a, err);
        for (uint32_t r = 0; r < f->n_rows; r++) {
            exec_expr *e;
            BK_TRY(bind_cast(b, cells[r][c], types[c], f->rows[r][c], &e, err));
            BK_TRY(bind_const_value(b, e, &parts[r], err));
        }
        ch.cols[c] = bk_vector_concat(b->a, parts, f->n_rows);
        if (!ch.cols[c]) return bk_arena_oom(b->a, err);
    }
    BK_TRY(exec_table_append(t, &ch, NULL, 0, err));
    exec_node *node = exec_node_make(b->a, EXEC_NODE_VALUES, schema, NULL);
    if (!node) return bk_arena_oom(b->a, err);
    node->u.values.table = t;
    BK_TRY(rel_from_node(b, node, f->alias ? f->alias->text : NULL, out, err));
    return rename_columns(b, out, f->col_aliases, f->n_col_aliases, f->span, err);
}

/* A one-row, no-column relation (SELECT without FROM). */
static bk_status one_row(binder *b, plan_rel *out, bk_error *err) {
    const bk_type *schema = bk_type_make_struct(b->a, 0, NULL, NULL, NULL);
    exec_table *t = schema ? exec_table_make(b->a, schema) : NULL;
    if (!t) return bk_arena_oom(b->a, err);
    exec_chunk ch = {.n = 1, .n_cols = 0, .cols = NULL};
    t->chunks = bk_arena_array(b->a, 1, sizeof *t->chunks);
    if (!t->chunks) return bk_arena_oom(b->a, err);
    t->chunks[0] = ch;
    t->n_chunks = t->cap = 1;
    t->n_rows = 1;
    exec_node *node = exec_node_make(b->a, EXEC_NODE_VALUES, schema, NULL);
    if (!node) return bk_arena_oom(b->a, err);
    node->u.values.table = t;
    return rel_from_node(b, node, NULL, out, err);
}

static bk_status bind_table_function(binder *b, const sql_from *f, plan_rel *out, bk_error *err) {
    const char *name = f->name.parts[f->name.n - 1].text;
    sql_expr as_call = {.kind = SQL_E_FUNC, .name = f->name};
    if (bind_gen_is_generator(&as_call)) return bind_gen_table_function(b, f, out, err);
    if (!name_eq(name, "range") || f->n_args < 1 || f->n_args > 4)
        return fail_at(b, f->span, err, BK_UNRESOLVED_ROUTINE,
                       "Cannot resolve the table-valued function; only "
                       "range(end), range(start, end[, step]) exist in this version.");
    int64_t v[3] = {0, 0, 1};
    bind_env env = {.b = b, .scope = &(plan_scope){0}};
    uint32_t n = f->n_args > 3 ? 3 : f->n_args;
    for (uint32_t i = 0; i < n; i++) {
        exec_expr *e;
        BK_TRY(bind_expr(&env, f->args[i], &e, err));
        BK_TRY(bind_cast(b, e, T(BK_TYPE_BIGINT), f->args[i], &e, err));
        bk_vector *val;
        BK_TRY(bind_const_value(b, e, &val, err));
        if (!bk_vector_is_valid(val, 0))
            return fail_at(b, f->args[i]->span, err, BK_INVALID_ARGUMENT,
                           "range() arguments must not be NULL");
        v[i] = ((const int64_t *)val->data)[0];
    }
    if (n == 1) {
        v[1] = v[0];
        v[0] = 0;
    }
    if (v[2] == 0)
        return fail_at(b, f->span, err, BK_FAILED_FUNCTION_CALL,
                       "range(): the step must not be 0.");
    const char *names[] = {"id"};
    const bk_type *types[] = {T(BK_TYPE_BIGINT)};
    exec_node *node = exec_node_make(b->a, EXEC_NODE_RANGE,
                                     bk_type_make_struct(b->a, 1, names, types, NULL), NULL);
    if (!node || !node->schema) return bk_arena_oom(b->a, err);
    node->u.range.start = v[0];
    node->u.range.end = v[1];
    node->u.range.step = v[2];
    BK_TRY(rel_from_node(b, node, f->alias ? f->alias->text : NULL, out, err));
    return rename_columns(b, out, f->col_aliases, f->n_col_aliases, f->span, err);
}

/* ---- CTEs named more than once ---- */

static uint32_t refs_query(const sql_query *q, const char *name);

static uint32_t refs_expr(const sql_expr *e, const char *name) {
    if (!e) return 0;
    uint32_t n = e->query ? refs_query(e->query, name) : 0;
    for (uint32_t i = 0; i < e->n_args; i++) n += refs_expr(e->args[i], name);
    return n + refs_expr(e->operand, name) + refs_expr(e->else_, name) +
           refs_expr(e->filter, name);
}

static uint32_t refs_from(const sql_from *f, const char *name) {
    if (!f) return 0;
    switch (f->kind) {
    case SQL_FROM_TABLE:
        return f->name.n == 1 && name_eq(f->name.parts[0].text, name);
    case SQL_FROM_QUERY:
        return refs_query(f->query, name);
    case SQL_FROM_JOIN:
        return refs_from(f->left, name) + refs_from(f->right, name) + refs_expr(f->on, name);
    case SQL_FROM_PIVOT:
    case SQL_FROM_UNPIVOT:
        return refs_from(f->left, name);
    default:
        return 0;
    }
}

/*
 * How many FROM items of q name `name` (a CTE of q).  Places it does not look
 * (ORDER BY, window specs) only make it count fewer, so a CTE is shared less
 * often, never wrongly; an inner CTE of the same name makes it count more, which
 * only shares one that did not need it.
 */
static uint32_t refs_query(const sql_query *q, const char *name) {
    if (!q) return 0;
    uint32_t n = 0;
    for (uint32_t i = 0; i < q->n_ctes; i++) n += refs_query(q->ctes[i].query, name);
    switch (q->kind) {
    case SQL_Q_SELECT: {
        const sql_select *s = q->select;
        n += refs_from(s->from, name) + refs_expr(s->where, name) + refs_expr(s->having, name) +
             refs_expr(s->qualify, name);
        for (uint32_t i = 0; i < s->n_items; i++) n += refs_expr(s->items[i].expr, name);
        break;
    }
    case SQL_Q_SETOP:
        n += refs_query(q->left, name) + refs_query(q->right, name);
        break;
    case SQL_Q_TABLE:
        n += q->table.n == 1 && name_eq(q->table.parts[0].text, name);
        break;
    default:
        break;
    }
    return n;
}

/* A CTE that aggregates (GROUP BY, DISTINCT): its rows are few next to its input. */
static bool cte_aggregates(const sql_query *q) {
    return q->kind == SQL_Q_SELECT &&
           (q->select->group_kind != SQL_GROUP_NONE || q->select->distinct);
}

/*
 * A use of a shared CTE: the first computes its rows (bound with the CTEs
 * defined before it, pruned, run while binding like an uncorrelated subquery),
 * every use reads them as a VALUES node.
 */
static bk_status cte_shared(binder *b, cte_def *c, plan_rel *out, bk_error *err) {
    if (!c->rows) {
        cte_def *saved = b->ctes;
        b->ctes = c->next;
        plan_rel rel;
        bk_status s = bind_query(b, c->cte->query, &rel, err);
        b->ctes = saved;
        if (s != BK_OK) return s;
        exec_node *plan;
        BK_TRY(plan_prune(b->a, rel.node, &plan, err));
        BK_TRY(plan_scan_pushdown(b->a, b->env, plan, err));
        exec_table *rows;
        BK_TRY(exec_run(b->env->exec, plan, &rows, err));
        c->scope = rel.scope;
        c->rows = rows;
    }
    exec_node *node = exec_node_make(b->a, EXEC_NODE_VALUES, c->rows->schema, NULL);
    if (!node) return bk_arena_oom(b->a, err);
    node->u.values.table = c->rows;
    out->node = node;
    BK_TRY(scope_make(b, c->scope.n, &out->scope, err));
    memcpy(out->scope.cols, c->scope.cols, c->scope.n * sizeof *c->scope.cols);
    return BK_OK;
}

/* A name in FROM: a CTE, a temporary view, or format.`path`. */
static bk_status bind_named(binder *b, const sql_from *f, plan_rel *out, bk_error *err) {
    const sql_name *n = &f->name;
    const char *last = n->parts[n->n - 1].text;
    const char *qual = f->alias ? f->alias->text : last;
    if (n->n == 2 && (name_eq(n->parts[0].text, "delta") || name_eq(n->parts[0].text, "parquet")) &&
        n->parts[1].quoted)
        return bind_path_table(b, f, n->parts[0].text, n->parts[1].text, out, err);
    if (n->n == 1) {
        for (cte_def *c = b->ctes; c; c = c->next) {
            if (!name_eq(c->cte->name.text, last)) continue;
            if (c->rows || (c->refs >= 2 && cte_aggregates(c->cte->query) && b->env->exec)) {
                BK_TRY(cte_shared(b, c, out, err));
            } else {
                /* bind the CTE with the CTEs defined before it */
                cte_def *saved = b->ctes;
                b->ctes = c->next;
                bk_status s = bind_query(b, c->cte->query, out, err);
                b->ctes = saved;
                if (s != BK_OK) return s;
            }
            if (c->cte->n_cols)
                BK_TRY(rename_columns(b, out, c->cte->cols, c->cte->n_cols, f->span, err));
            bind_requalify(out, qual);
            return BK_OK;
        }
        const char **cols = NULL;
        uint32_t n_cols = 0;
        const char *sql =
            b->env->view_sql ? b->env->view_sql(b->env->session, last, &cols, &n_cols) : NULL;
        if (sql) {
            sql_stmt_list stmts;
            bk_status s = sql_parse(b->a, sql, strlen(sql), &stmts, err);
            if (s != BK_OK) return s;
            binder vb = {.a = b->a, .env = b->env, .text = sql};
            s = bind_query(&vb, stmts.items[0]->query, out, err);
            if (s != BK_OK) {
                if (err) err->sql_pos = (int)f->span.off; /* point at the view's name */
                return s;
            }
            if (n_cols) {
                sql_ident *ids = bk_arena_zalloc(b->a, n_cols * sizeof *ids);
                if (!ids) return bk_arena_oom(b->a, err);
                for (uint32_t i = 0; i < n_cols; i++) ids[i].text = cols[i];
                BK_TRY(rename_columns(b, out, ids, n_cols, f->span, err));
            }
            bind_requalify(out, qual);
            return BK_OK;
        }
    }
    return plan_table_not_found(n, err);
}

/* ---- joins ---- */

static bk_status bind_from(binder *b, const sql_from *f, plan_rel *out, bk_error *err);

static double estimate_rows(const exec_node *n);

/* Rows of a plan before its filters (the denominator of a filter's selectivity). */
static double unfiltered_rows(const exec_node *n) {
    switch (n->kind) {
    case EXEC_NODE_FILTER:
    case EXEC_NODE_PROJECT:
        return unfiltered_rows(n->child);
    case EXEC_NODE_JOIN:
        return n->u.join.kind == EXEC_JOIN_RIGHT_SEMI || n->u.join.kind == EXEC_JOIN_RIGHT_ANTI
                   ? unfiltered_rows(n->right)
                   : unfiltered_rows(n->child);
    default:
        return estimate_rows(n);
    }
}

/*
 * Estimated rows of a plan (for join order and sides): scans know, a filter
 * keeps 30%, an inner join keeps the probe rows that the build side's filters
 * let through (a foreign-key join to a filtered dimension).
 */
static double estimate_rows(const exec_node *n) {
    switch (n->kind) {
    case EXEC_NODE_VALUES:
        return (double)n->u.values.table->n_rows;
    case EXEC_NODE_RANGE:
        return (double)((n->u.range.end - n->u.range.start) /
                        (n->u.range.step ? n->u.range.step : 1));
    case EXEC_NODE_DELTA: {
        double rows = 0;
        const delta_snapshot *s = n->u.delta.snapshot;
        for (size_t i = 0; i < delta_snapshot_num_files(s); i++) {
            int64_t r = delta_file_num_records(delta_snapshot_file(s, i));
            rows += r >= 0 ? (double)r : 1000.0;
        }
        return rows;
    }
    case EXEC_NODE_PARQUET:
        return (double)pq_reader_num_rows(n->u.parquet.reader);
    case EXEC_NODE_FILTER:
        return estimate_rows(n->child) * 0.3;
    case EXEC_NODE_PROJECT:
        return estimate_rows(n->child);
    case EXEC_NODE_AGGREGATE:
        return n->u.agg.n_keys ? estimate_rows(n->child) * 0.1 : 1;
    case EXEC_NODE_JOIN: {
        if (n->u.join.kind == EXEC_JOIN_RIGHT_SEMI || n->u.join.kind == EXEC_JOIN_RIGHT_ANTI)
            return estimate_rows(n->right); /* the rows come from the build side */
        double rows = estimate_rows(n->child);
        if (n->u.join.kind == EXEC_JOIN_INNER) {
            double all = unfiltered_rows(n->right);
            if (all > 0) rows *= BK_MIN(1.0, estimate_rows(n->right) / all);
        }
        return rows;
    }
    case EXEC_NODE_LIMIT:
        return n->u.limit.limit >= 0 ? (double)n->u.limit.limit : estimate_rows(n->child);
    default:
        return n->child ? estimate_rows(n->child) : 1000;
    }
}

double bind_estimate_rows(const exec_node *n) { return estimate_rows(n); }

double bind_unfiltered_rows(const exec_node *n) { return unfiltered_rows(n); }

bool bind_expr_nondeterministic(const exec_expr *e) {
    if (!e) return false;
    if (e->kind == EXEC_EXPR_CALL && e->name) {
        static const char *const names[] = {"rand", "random", "randn", "uuid", "shuffle"};
        for (size_t i = 0; i < BK_ARRAY_LEN(names); i++)
            if (name_eq(e->name, names[i])) return true;
    }
    for (uint32_t i = 0; i < e->n_args; i++)
        if (bind_expr_nondeterministic(e->args[i])) return true;
    return false;
}

bool bind_plan_nondeterministic(const exec_node *n) {
    if (!n) return false;
    switch (n->kind) {
    case EXEC_NODE_FILTER:
        if (bind_expr_nondeterministic(n->u.filter.pred)) return true;
        break;
    case EXEC_NODE_PROJECT:
        for (uint32_t i = 0; i < n->u.project.n_exprs; i++)
            if (bind_expr_nondeterministic(n->u.project.exprs[i])) return true;
        break;
    case EXEC_NODE_JOIN:
        if (bind_expr_nondeterministic(n->u.join.extra)) return true;
        break;
    case EXEC_NODE_GENERATE:
        if (bind_expr_nondeterministic(n->u.generate.arg)) return true;
        break;
    case EXEC_NODE_EXPAND:
        for (uint32_t p = 0; p < n->u.expand.n_projections; p++)
            for (uint32_t i = 0; i < n->schema->n_children; i++)
                if (bind_expr_nondeterministic(n->u.expand.projections[p][i])) return true;
        if (bind_expr_nondeterministic(n->u.expand.repeat)) return true;
        break;
    case EXEC_NODE_SORT: /* a top-N keeps an arbitrary one of rows that tie */
        if (n->u.sort.limit >= 0) return true;
        break;
    case EXEC_NODE_LIMIT: /* which rows a LIMIT keeps is not fixed */
        return true;
    default:
        break;
    }
    for (uint32_t i = 0; i < n->n_children; i++)
        if (bind_plan_nondeterministic(n->children[i])) return true;
    return bind_plan_nondeterministic(n->child) || bind_plan_nondeterministic(n->right);
}

/* Which of the relations (bit i = rels[i]) does e refer to?  Subqueries count as none. */
uint64_t bind_refs_of(const sql_expr *e, const plan_rel *rels, uint32_t n_rels, bool *unknown) {
    if (!e) return 0;
    uint64_t m = 0;
    if (e->kind == SQL_E_COLUMN) {
        const sql_name *nm = &e->name;
        const char *col = nm->parts[nm->n - 1].text;
        const char *qual = nm->n >= 2 ? nm->parts[nm->n - 2].text : NULL;
        int hits = 0;
        for (uint32_t r = 0; r < n_rels; r++)
            for (uint32_t i = 0; i < rels[r].scope.n; i++) {
                const plan_col *c = &rels[r].scope.cols[i];
                bool named = name_eq(c->name, col) || (qual && name_eq(bind_hidden_name(c), col));
                if (named && (!qual || name_eq(c->qualifier, qual))) {
                    m |= (uint64_t)1 << r;
                    hits++;
                    break;
                }
            }
        if (hits == 0) *unknown = true;
        return m;
    }
    if (e->kind == SQL_E_IN_QUERY || e->kind == SQL_E_EXISTS || e->kind == SQL_E_SUBQUERY) {
        for (uint32_t i = 0; i < e->n_args; i++)
            m |= bind_refs_of(e->args[i], rels, n_rels, unknown);
        return m;
    }
    for (uint32_t i = 0; i < e->n_args; i++) m |= bind_refs_of(e->args[i], rels, n_rels, unknown);
    m |= bind_refs_of(e->operand, rels, n_rels, unknown);
    m |= bind_refs_of(e->else_, rels, n_rels, unknown);
    m |= bind_refs_of(e->filter, rels, n_rels, unknown);
    return m;
}

/* Split AND chains into conjuncts. */
/* Syntactic equality of two expressions (names case-insensitive; subqueries by identity). */
static bool ast_equal(const sql_expr *x, const sql_expr *y) {
    if (x == y) return true;
    if (!x || !y || x->kind != y->kind || x->negated != y->negated || x->b != y->b ||
        x->n_args != y->n_args || x->name.n != y->name.n || x->query != y->query ||
        x->distinct != y->distinct || x->star_arg != y->star_arg || x->over || y->over)
        return false;
    if ((x->op || y->op) && (!x->op || !y->op || strcmp(x->op, y->op) != 0)) return false;
    if (x->text_len != y->text_len || (x->text_len && memcmp(x->text, y->text, x->text_len) != 0))
        return false;
    if ((x->type_name || y->type_name) &&
        (!x->type_name || !y->type_name || strcmp(x->type_name, y->type_name) != 0))
        return false;
    if ((x->type || y->type) && (!x->type || !y->type || !bk_type_equal(x->type, y->type)))
        return false;
    for (uint32_t i = 0; i < x->name.n; i++)
        if (!name_eq(x->name.parts[i].text, y->name.parts[i].text)) return false;
    for (uint32_t i = 0; i < x->n_args; i++)
        if (!ast_equal(x->args[i], y->args[i])) return false;
    return ast_equal(x->operand, y->operand) && ast_equal(x->else_, y->else_) &&
           ast_equal(x->filter, y->filter);
}

static bk_status push_cond(binder *b, const sql_expr *e, const sql_expr ***list, uint32_t *n,
                           uint32_t *cap, bk_error *err) {
    if (*n == *cap) {
        uint32_t c = *cap ? *cap * 2 : 8;
        const sql_expr **l = bk_arena_array(b->a, c, sizeof *l);
        if (!l) return bk_arena_oom(b->a, err);
        if (*n) memcpy(l, *list, *n * sizeof *l);
        *list = l;
        *cap = c;
    }
    (*list)[(*n)++] = e;
    return BK_OK;
}

static bk_status collect_or(binder *b, const sql_expr *e, const sql_expr ***list, uint32_t *n,
                            uint32_t *cap, bk_error *err) {
    if (e->kind == SQL_E_BINARY_OP && !strcmp(e->op, "OR")) {
        BK_TRY(collect_or(b, e->args[0], list, n, cap, err));
        return collect_or(b, e->args[1], list, n, cap, err);
    }
    return push_cond(b, e, list, n, cap, err);
}

/*
 * The branches of the OR `e` (nb of them) and each branch's conjuncts:
 * terms[i][0..nt[i]).  Everything lives in the binder's arena.
 */
static bk_status or_branch_terms(binder *b, const sql_expr *e, const sql_expr ***branches,
                                 uint32_t *nb, const sql_expr ****terms, uint32_t **nt,
                                 bk_error *err) {
    *branches = NULL;
    *nb = 0;
    uint32_t cb = 0;
    BK_TRY(collect_or(b, e, branches, nb, &cb, err));
    *terms = bk_arena_array(b->a, *nb ? *nb : 1, sizeof **terms);
    *nt = bk_arena_zalloc(b->a, (*nb ? *nb : 1) * sizeof **nt);
    if (!*terms || !*nt) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < *nb; i++) {
        uint32_t cap = 0;
        (*terms)[i] = NULL;
        BK_TRY(bind_conjuncts(b, (*branches)[i], &(*terms)[i], &(*nt)[i], &cap, err));
    }
    return BK_OK;
}

/*
 * (A AND B) OR (A AND C)  ->  A, (B OR C): conjuncts common to every branch of an OR
 * are pulled out, so that a join condition repeated in each branch (TPC-H q19)
 * becomes a hash-join key instead of a cross product.  Returns false when there is
 * nothing in common (the OR is kept as it is).
 */
static bk_status factor_or(binder *b, const sql_expr *e, const sql_expr ***list, uint32_t *n,
                           uint32_t *cap, bool *done, bk_error *err) {
    *done = false;
    const sql_expr **branches, ***terms;
    uint32_t nb, *nt;
    BK_TRY(or_branch_terms(b, e, &branches, &nb, &terms, &nt, err));
    bool **used = bk_arena_array(b->a, nb, sizeof *used);
    if (!used) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < nb; i++) {
        used[i] = bk_arena_zalloc(b->a, nt[i] ? nt[i] : 1);
        if (!used[i]) return bk_arena_oom(b->a, err);
    }
    uint32_t common = 0;
    for (uint32_t t = 0; t < nt[0]; t++) {
        bool everywhere = true;
        for (uint32_t i = 1; i < nb && everywhere; i++) {
            bool found = false;
            for (uint32_t k = 0; k < nt[i] && !found; k++)
                if (!used[i][k] && ast_equal(terms[0][t], terms[i][k])) found = used[i][k] = true;
            everywhere = found;
        }
        if (!everywhere) continue;
        used[0][t] = true;
        common++;
        BK_TRY(push_cond(b, terms[0][t], list, n, cap, err));
    }
    if (!common) return BK_OK;
    *done = true;
    /* the OR of what is left of each branch; a branch with nothing left makes it true */
    sql_expr *rest_or = NULL;
    for (uint32_t i = 0; i < nb; i++) {
        sql_expr *branch = NULL;
        for (uint32_t k = 0; k < nt[i]; k++) {
            if (used[i][k]) continue;
            if (!branch) {
                branch = (sql_expr *)terms[i][k];
                continue;
            }
            sql_expr *and = bk_arena_zalloc(b->a, sizeof *and);
            sql_expr **args = bk_arena_array(b->a, 2, sizeof *args);
            if (!and || !args) return bk_arena_oom(b->a, err);
            *and = (sql_expr){
                .kind = SQL_E_BINARY_OP, .span = e->span, .op = "AND", .args = args, .n_args = 2};
            args[0] = branch;
            args[1] = (sql_expr *)terms[i][k];
            branch = and;
        }
        if (!branch) return BK_OK; /* (A) OR (A AND C) is just A */
        if (!rest_or) {
            rest_or = branch;
            continue;
        }
        sql_expr * or = bk_arena_zalloc(b->a, sizeof * or);
        sql_expr **args = bk_arena_array(b->a, 2, sizeof *args);
        if (! or || !args) return bk_arena_oom(b->a, err);
        * or = (sql_expr){
                 .kind = SQL_E_BINARY_OP, .span = e->span, .op = "OR", .args = args, .n_args = 2};
        args[0] = rest_or;
        args[1] = branch;
        rest_or = or ;
    }
    return push_cond(b, rest_or, list, n, cap, err);
}

bk_status bind_conjuncts(binder *b, const sql_expr *e, const sql_expr ***list, uint32_t *n,
                         uint32_t *cap, bk_error *err) {
    if (!e) return BK_OK;
    if (e->kind == SQL_E_BINARY_OP && !strcmp(e->op, "AND")) {
        BK_TRY(bind_conjuncts(b, e->args[0], list, n, cap, err));
        return bind_conjuncts(b, e->args[1], list, n, cap, err);
    }
    if (e->kind == SQL_E_BINARY_OP && !strcmp(e->op, "OR")) {
        bool done;
        BK_TRY(factor_or(b, e, list, n, cap, &done, err));
        if (done) return BK_OK;
    }
    if (*n == *cap) {
        uint32_t c = *cap ? *cap * 2 : 8;
        const sql_expr **l = bk_arena_array(b->a, c, sizeof *l);
        if (!l) return bk_arena_oom(b->a, err);
        if (*n) memcpy(l, *list, *n * sizeof *l);
        *list = l;
        *cap = c;
    }
    (*list)[(*n)++] = e;
    return BK_OK;
}

/* Concatenated scope of probe then build. */
static bk_status scope_concat(binder *b, const plan_scope *x, const plan_scope *y, plan_scope *out,
                              bk_error *err) {
    BK_TRY(scope_make(b, x->n + y->n, out, err));
    if (x->n) memcpy(out->cols, x->cols, x->n * sizeof *x->cols);
    if (y->n) memcpy(out->cols + x->n, y->cols, y->n * sizeof *y->cols);
    return BK_OK;
}

/* Highest and lowest column index referenced by a bound expression. */
static void col_range(const exec_expr *e, uint32_t *lo, uint32_t *hi) {
    if (e->kind == EXEC_EXPR_COLUMN) {
        if (e->column < *lo) *lo = e->column;
        if (e->column > *hi) *hi = e->column;
    }
    for (uint32_t i = 0; i < e->n_args; i++) col_range(e->args[i], lo, hi);
}

/*
 * A copy of e with each column c renumbered: to[c] when `to` is given, else
 * c - delta (build-side key expressions, swapped join sides).
 */
static exec_expr *renumber_cols(binder *b, const exec_expr *e, const uint32_t *to,
                                uint32_t delta) {
    exec_expr *c = bk_arena_alloc(b->a, sizeof *c);
    if (!c) return NULL;
    *c = *e;
    if (e->kind == EXEC_EXPR_COLUMN) c->column = to ? to[e->column] : e->column - delta;
    if (e->n_args) {
        c->args = bk_arena_array(b->a, e->n_args, sizeof *c->args);
        if (!c->args) return NULL;
        for (uint32_t i = 0; i < e->n_args; i++) {
            c->args[i] = renumber_cols(b, e->args[i], to, delta);
            if (!c->args[i]) return NULL;
        }
    }
    return c;
}

/* Append key expressions as columns of rel (when not plain columns); indexes into keys_out. */
static bk_status key_columns(binder *b, plan_rel *rel, exec_expr **keys, uint32_t n, uint32_t **out,
                             bk_error *err) {
    *out = bk_arena_array(b->a, n ? n : 1, sizeof **out);
    if (!*out) return bk_arena_oom(b->a, err);
    uint32_t extra = 0;
    for (uint32_t k = 0; k < n; k++) extra += keys[k]->kind != EXEC_EXPR_COLUMN;
    if (extra == 0) {
        for (uint32_t k = 0; k < n; k++) (*out)[k] = keys[k]->column;
        return BK_OK;
    }
    uint32_t base = rel->scope.n, total = base + extra;
    exec_expr **exprs = bk_arena_array(b->a, total, sizeof *exprs);
    plan_col *cols = bk_arena_array(b->a, total, sizeof *cols);
    if (!exprs || !cols) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < base; i++) {
        exprs[i] = exec_expr_column(b->a, i, rel->scope.cols[i].type);
        if (!exprs[i]) return bk_arena_oom(b->a, err);
        cols[i] = rel->scope.cols[i];
    }
    uint32_t next = base;
    for (uint32_t k = 0; k < n; k++) {
        if (keys[k]->kind == EXEC_EXPR_COLUMN) {
            (*out)[k] = keys[k]->column;
            continue;
        }
        exprs[next] = keys[k];
        cols[next] = (plan_col){NULL, "__join_key", keys[k]->type};
        (*out)[k] = next++;
    }
    return bind_project(b, rel, exprs, cols, total, err);
}

/* `a <=> b` or `a IS NOT DISTINCT FROM b` (args[0], args[1]). */
static bool is_null_safe_eq(const sql_expr *c) {
    if (c->kind == SQL_E_BINARY_OP) return !strcmp(c->op, "<=>");
    return c->kind == SQL_E_IS && !strcmp(c->op, "DISTINCT") && c->negated && c->n_args == 2;
}

/*
 * Is one of the conjuncts a plain equality with one side over the probe's columns
 * (below np) and the other over the build's (a strict hash key)?
 */
static bool has_strict_key(binder *b, const plan_scope *both, uint32_t np,
                           const sql_expr **conds, uint32_t n_conds) {
    bind_env env = {.b = b, .scope = both};
    for (uint32_t i = 0; i < n_conds; i++) {
        const sql_expr *c = conds[i];
        if (c->kind != SQL_E_BINARY_OP || strcmp(c->op, "=")) continue;
        exec_expr *l, *r;
        bk_error e;
        bk_error_clear(&e);
        if (bind_expr(&env, c->args[0], &l, &e) != BK_OK) continue;
        if (bind_expr(&env, c->args[1], &r, &e) != BK_OK) continue;
        uint32_t llo = UINT32_MAX, lhi = 0, rlo = UINT32_MAX, rhi = 0;
        col_range(l, &llo, &lhi);
        col_range(r, &rlo, &rhi);
        bool l_probe = llo != UINT32_MAX && lhi < np, l_build = llo != UINT32_MAX && llo >= np;
        bool r_probe = rlo != UINT32_MAX && rhi < np, r_build = rlo != UINT32_MAX && rlo >= np;
        if (((l_probe && r_build) || (l_build && r_probe)) &&
            bind_common_type(b, l->type, r->type))
            return true;
    }
    return false;
}

/*
 * Join probe and build on the conjuncts given (all over their columns): equalities
 * (and null-safe `<=>` ones, see has_strict_key) with one side in each become hash
 * keys, the rest the extra condition.  The result's scope is probe ++ build (or
 * probe alone for SEMI/ANTI).
 */
bk_status bind_make_join(binder *b, const plan_rel *probe_in, const plan_rel *build_in,
                         exec_join_kind kind, const sql_expr **conds, uint32_t n_conds,
                         bool null_safe, plan_rel *out, bk_error *err) {
    /* key columns are added to copies: the callers' relations stay as they were */
    plan_rel probe_rel = *probe_in, build_rel = *build_in;
    plan_rel *probe = &probe_rel, *build = &build_rel;
    plan_scope both;
    BK_TRY(scope_concat(b, &probe->scope, &build->scope, &both, err));
    bind_env env = {.b = b, .scope = &both};
    uint32_t np = probe->scope.n;
    exec_expr **pk = bk_arena_array(b->a, n_conds ? n_conds : 1, sizeof *pk);
    exec_expr **bk = bk_arena_array(b->a, n_conds ? n_conds : 1, sizeof *bk);
    exec_expr *extra = NULL;
    if (!pk || !bk) return bk_arena_oom(b->a, err);
    uint32_t nk = 0;
    const sql_expr **rest = bk_arena_array(b->a, n_conds ? n_conds : 1, sizeof *rest);
    uint32_t n_rest = 0;
    if (!rest) return bk_arena_oom(b->a, err);
    /* `a <=> b` conjuncts are null-safe hash keys when no plain equality is a key
     * (the join's keys are all null-safe or none are); else they stay conditions */
    bool ns_keys = null_safe || !has_strict_key(b, &both, np, conds, n_conds);
    for (uint32_t i = 0; i < n_conds; i++) {
        const sql_expr *c = conds[i];
        bool plain = c->kind == SQL_E_BINARY_OP && !strcmp(c->op, "=");
        if (plain || (is_null_safe_eq(c) && ns_keys)) {
            exec_expr *l, *r;
            BK_TRY(bind_expr(&env, c->args[0], &l, err));
            BK_TRY(bind_expr(&env, c->args[1], &r, err));
            uint32_t llo = UINT32_MAX, lhi = 0, rlo = UINT32_MAX, rhi = 0;
            col_range(l, &llo, &lhi);
            col_range(r, &rlo, &rhi);
            bool l_probe = llo != UINT32_MAX && lhi < np, l_build = llo != UINT32_MAX && llo >= np;
            bool r_probe = rlo != UINT32_MAX && rhi < np, r_build = rlo != UINT32_MAX && rlo >= np;
            if ((l_probe && r_build) || (l_build && r_probe)) {
                exec_expr *pe = l_probe ? l : r, *be = l_probe ? r : l;
                const bk_type *t = bind_common_type(b, pe->type, be->type);
                if (t) {
                    BK_TRY(bind_cast(b, pe, t, c, &pe, err));
                    BK_TRY(bind_cast(b, be, t, c, &be, err));
                    pk[nk] = pe;
                    bk[nk] = renumber_cols(b, be, NULL, np);
                    if (!bk[nk]) return bk_arena_oom(b->a, err);
                    nk++;
                    continue;
                }
            }
        }
        rest[n_rest++] = c;
    }
    uint32_t *pcols, *bcols;
    uint32_t np_before = probe->scope.n, nb_before = build->scope.n;
    BK_TRY(key_columns(b, probe, pk, nk, &pcols, err));
    BK_TRY(key_columns(b, build, bk, nk, &bcols, err));
    /* the extra condition sees probe ++ build as they are now (with key columns) */
    if (n_rest) {
        plan_scope now;
        BK_TRY(scope_concat(b, &probe->scope, &build->scope, &now, err));
        bind_env env2 = {.b = b, .scope = &now};
        /* LEFT, SEMI and ANTI joins: a condition on the build side alone only
         * narrows the build rows, so it filters them before the join */
        bool push_build =
            kind == EXEC_JOIN_LEFT || kind == EXEC_JOIN_SEMI || kind == EXEC_JOIN_ANTI;
        uint32_t np_now = probe->scope.n;
        for (uint32_t i = 0; i < n_rest; i++) {
            exec_expr *c;
            BK_TRY(bind_expr(&env2, rest[i], &c, err));
            if (c->type->kind != BK_TYPE_BOOLEAN)
                BK_TRY(bind_cast(b, c, T(BK_TYPE_BOOLEAN), rest[i], &c, err));
            uint32_t lo = UINT32_MAX, hi = 0;
            col_range(c, &lo, &hi);
            if (push_build && lo != UINT32_MAX && lo >= np_now) {
                exec_expr *shifted = renumber_cols(b, c, NULL, np_now);
                if (!shifted) return bk_arena_oom(b->a, err);
                BK_TRY(bind_filter(b, build, shifted, err));
                continue;
            }
            if (extra)
                BK_TRY(bind_binary(b, "AND", extra, c, rest[i], &extra, err));
            else
                extra = c;
        }
    }
    bool narrow = kind == EXEC_JOIN_SEMI || kind == EXEC_JOIN_ANTI;
    plan_scope outs;
    if (narrow)
        outs = probe->scope;
    else
        BK_TRY(scope_concat(b, &probe->scope, &build->scope, &outs, err));
    exec_node *j = exec_node_make(b->a, EXEC_NODE_JOIN, scope_schema(b, &outs), probe->node);
    if (!j || !j->schema) return bk_arena_oom(b->a, err);
    j->right = build->node;
    j->u.join.kind = kind;
    j->u.join.probe_keys = pcols;
    j->u.join.build_keys = bcols;
    j->u.join.n_keys = nk;
    j->u.join.extra = extra;
    j->u.join.null_safe = null_safe || (ns_keys && nk > 0);
    if (narrow && estimate_rows(build->node) > 2 * estimate_rows(probe->node)) {
        /* the left side is the small one: hash it and stream the right side past it */
        j->child = build->node;
        j->right = probe->node;
        j->u.join.kind = kind == EXEC_JOIN_SEMI ? EXEC_JOIN_RIGHT_SEMI : EXEC_JOIN_RIGHT_ANTI;
        j->u.join.probe_keys = bcols;
        j->u.join.build_keys = pcols;
        if (extra) {
            /* the condition's columns: left ++ right becomes right ++ left */
            uint32_t nl = probe->scope.n, nr = build->scope.n;
            uint32_t *to = bk_arena_array(b->a, nl + nr, sizeof *to);
            if (!to) return bk_arena_oom(b->a, err);
            for (uint32_t i = 0; i < nl + nr; i++) to[i] = i < nl ? nr + i : i - nl;
            j->u.join.extra = renumber_cols(b, extra, to, 0);
            if (!j->u.join.extra) return bk_arena_oom(b->a, err);
        }
    }
    out->node = j;
    out->scope = outs;
    /* drop the key columns added for the join */
    if (probe->scope.n != np_before || (!narrow && build->scope.n != nb_before)) {
        uint32_t n_keep = np_before + (narrow ? 0 : nb_before);
        exec_expr **exprs = bk_arena_array(b->a, n_keep ? n_keep : 1, sizeof *exprs);
        plan_col *cols = bk_arena_array(b->a, n_keep ? n_keep : 1, sizeof *cols);
        if (!exprs || !cols) return bk_arena_oom(b->a, err);
        for (uint32_t i = 0; i < n_keep; i++) {
            uint32_t src = i < np_before ? i : probe->scope.n + (i - np_before);
            exprs[i] = exec_expr_column(b->a, src, outs.cols[src].type);
            if (!exprs[i]) return bk_arena_oom(b->a, err);
            cols[i] = outs.cols[src];
        }
        BK_TRY(bind_project(b, out, exprs, cols, n_keep, err));
    }
    return BK_OK;
}

/* Collect the inner/cross join tree's leaves (other joins stay whole). */
bk_status bind_flatten_inner(binder *b, const sql_from *f, const sql_from ***leaves, uint32_t *n,
                             uint32_t *cap, const sql_expr ***conds, uint32_t *n_conds,
                             uint32_t *ccap, bk_error *err) {
    if (f->kind == SQL_FROM_JOIN && (f->join == SQL_JOIN_INNER || f->join == SQL_JOIN_CROSS) &&
        !f->natural && f->n_using == 0 && !f->alias && !f->n_laterals) {
        BK_TRY(bind_flatten_inner(b, f->left, leaves, n, cap, conds, n_conds, ccap, err));
        BK_TRY(bind_flatten_inner(b, f->right, leaves, n, cap, conds, n_conds, ccap, err));
        return bind_conjuncts(b, f->on, conds, n_conds, ccap, err);
    }
    if (*n == *cap) {
        uint32_t c = *cap ? *cap * 2 : 8;
        const sql_from **l = bk_arena_array(b->a, c, sizeof *l);
        if (!l) return bk_arena_oom(b->a, err);
        if (*n) memcpy(l, *leaves, *n * sizeof *l);
        *leaves = l;
        *cap = c;
    }
    (*leaves)[(*n)++] = f;
    return BK_OK;
}

static sql_expr *ast_binop(binder *b, const char *op, sql_expr *l, sql_expr *r,
                           const sql_expr *at) {
    sql_expr *e = bk_arena_zalloc(b->a, sizeof *e);
    sql_expr **args = bk_arena_array(b->a, 2, sizeof *args);
    if (!e || !args) return NULL;
    args[0] = l;
    args[1] = r;
    *e = (sql_expr){.kind = SQL_E_BINARY_OP, .span = at->span, .op = op, .args = args, .n_args = 2};
    return e;
}

/*
 * An OR over several relations that factor_or could not split, such as TPC-H
 * q7's (n1.n_name = 'FRANCE' AND n2.n_name = 'GERMANY') OR (n1.n_name = 'GERMANY'
 * AND n2.n_name = 'FRANCE'), still implies a filter on each relation that every
 * branch filters: the OR of those branches' conjuncts on it alone
 * (n1.n_name = 'FRANCE' OR n1.n_name = 'GERMANY').  It goes below the joins as
 * well; the OR itself stays where it was.  Not for nondeterministic terms.
 */
static bk_status push_implied(binder *b, const sql_expr *e, uint64_t mask, plan_rel *rels,
                              uint32_t n_rels, bk_error *err) {
    if (e->kind != SQL_E_BINARY_OP || strcmp(e->op, "OR") != 0) return BK_OK;
    const sql_expr **branches, ***terms;
    uint32_t nb, *nt;
    BK_TRY(or_branch_terms(b, e, &branches, &nb, &terms, &nt, err));
    for (uint32_t r = 0; r < n_rels; r++) {
        uint64_t bit = (uint64_t)1 << r;
        if (!(mask & bit)) continue;
        sql_expr *any = NULL;
        bool every = true;
        for (uint32_t i = 0; i < nb && every; i++) {
            sql_expr *all = NULL;
            for (uint32_t k = 0; k < nt[i]; k++) {
                bool unknown = false;
                if (bind_refs_of(terms[i][k], rels, n_rels, &unknown) != bit || unknown) continue;
                all = all ? ast_binop(b, "AND", all, (sql_expr *)terms[i][k], e)
                          : (sql_expr *)terms[i][k];
                if (!all) return bk_arena_oom(b->a, err);
            }
            every = all != NULL;
            if (every) any = any ? ast_binop(b, "OR", any, all, e) : all;
            if (every && !any) return bk_arena_oom(b->a, err);
        }
        if (!every) continue;
        bind_env env = {.b = b, .scope = &rels[r].scope};
        exec_expr *pred;
        bk_error tmp;
        bk_error_clear(&tmp);
        tmp.sql_pos = -1;
        if (bind_expr(&env, any, &pred, &tmp) != BK_OK || pred->type->kind != BK_TYPE_BOOLEAN ||
            bind_expr_nondeterministic(pred))
            continue; /* the OR itself reports its errors where it is bound */
        BK_TRY(bind_filter(b, &rels[r], pred, err));
    }
    return BK_OK;
}

/*
 * Plan inner joins of the leaves with the conjuncts `conds` (ON and WHERE).
 * Conjuncts that could not be placed (they reference nothing we know, e.g. an
 * outer column) are left to the caller in *left_over.
 */
bk_status bind_plan_inner(binder *b, const sql_from **leaves, uint32_t n_leaves,
                          const sql_expr **conds, uint32_t n_conds, plan_rel *out,
                          const sql_expr ***left_over, uint32_t *n_left_over, bk_error *err) {
    if (n_leaves > 60)
        return fail_at(b, leaves[0]->span, err, BK_UNSUPPORTED_FEATURE,
                       "The feature is not supported: more than 60 relations in one FROM clause.");
    plan_rel *rels = bk_arena_array(b->a, n_leaves, sizeof *rels);
    uint64_t *masks = bk_arena_array(b->a, n_conds ? n_conds : 1, sizeof *masks);
    bool *used = bk_arena_zalloc(b->a, n_conds ? n_conds : 1);
    bool *equi = bk_arena_zalloc(b->a, n_conds ? n_conds : 1);
    if (!rels || !masks || !used || !equi) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < n_leaves; i++) BK_TRY(bind_from(b, leaves[i], &rels[i], err));
    *left_over = bk_arena_array(b->a, n_conds ? n_conds : 1, sizeof **left_over);
    *n_left_over = 0;
    if (!*left_over) return bk_arena_oom(b->a, err);
    for (uint32_t c = 0; c < n_conds; c++) {
        bool unknown = false;
        masks[c] = bind_refs_of(conds[c], rels, n_leaves, &unknown);
        /* an equality between two sides that name different relations can be a hash key */
        const sql_expr *e = conds[c];
        if ((e->kind == SQL_E_BINARY_OP && !strcmp(e->op, "=")) || is_null_safe_eq(e)) {
            bool u = false;
            uint64_t l = bind_refs_of(e->args[0], rels, n_leaves, &u);
            uint64_t r = bind_refs_of(e->args[1], rels, n_leaves, &u);
            equi[c] = l && r && !(l & r);
        }
        if (unknown) {
            used[c] = true;
            (*left_over)[(*n_left_over)++] = conds[c];
        }
    }
    /* filters on one relation go below the joins */
    for (uint32_t c = 0; c < n_conds; c++) {
        if (used[c] || masks[c] == 0 || (masks[c] & (masks[c] - 1))) continue;
        uint32_t r = (uint32_t)__builtin_ctzll(masks[c]);
        bind_env env = {.b = b, .scope = &rels[r].scope};
        exec_expr *pred;
        BK_TRY(bind_expr(&env, conds[c], &pred, err));
        if (pred->type->kind != BK_TYPE_BOOLEAN)
            BK_TRY(bind_cast(b, pred, T(BK_TYPE_BOOLEAN), conds[c], &pred, err));
        BK_TRY(bind_filter(b, &rels[r], pred, err));
        used[c] = true;
    }
    /* filters implied by an OR over several relations, one per relation it filters */
    for (uint32_t c = 0; c < n_conds; c++)
        if (!used[c] && (masks[c] & (masks[c] - 1)))
            BK_TRY(push_implied(b, conds[c], masks[c], rels, n_leaves, err));
    plan_rel cur;
    uint32_t *order, n_order;
    BK_TRY(bind_join_order(b, rels, n_leaves, conds, masks, used, equi, n_conds, &cur, &order,
                           &n_order, err));
    /* conjuncts on no relation at all (constants, uncorrelated subqueries) */
    for (uint32_t c = 0; c < n_conds; c++) {
        if (used[c]) continue;
        bind_env env = {.b = b, .scope = &cur.scope};
        exec_expr *pred;
        BK_TRY(bind_expr(&env, conds[c], &pred, err));
        if (pred->type->kind != BK_TYPE_BOOLEAN)
            BK_TRY(bind_cast(b, pred, T(BK_TYPE_BOOLEAN), conds[c], &pred, err));
        BK_TRY(bind_filter(b, &cur, pred, err));
    }
    /* restore the FROM order of columns (SELECT * must list them as written) */
    bool in_order = true;
    for (uint32_t i = 0; i < n_order; i++) in_order &= order[i] == i;
    if (!in_order) {
        uint32_t *offset = bk_arena_array(b->a, n_leaves, sizeof *offset);
        if (!offset) return bk_arena_oom(b->a, err);
        uint32_t pos = 0;
        for (uint32_t i = 0; i < n_order; i++) {
            offset[order[i]] = pos;
            pos += rels[order[i]].scope.n;
        }
        exec_expr **exprs = bk_arena_array(b->a, pos ? pos : 1, sizeof *exprs);
        plan_col *cols = bk_arena_array(b->a, pos ? pos : 1, sizeof *cols);
        if (!exprs || !cols) return bk_arena_oom(b->a, err);
        uint32_t k = 0;
        for (uint32_t r = 0; r < n_leaves; r++)
            for (uint32_t i = 0; i < rels[r].scope.n; i++, k++) {
                uint32_t src = offset[r] + i;
                exprs[k] = exec_expr_column(b->a, src, cur.scope.cols[src].type);
                if (!exprs[k]) return bk_arena_oom(b->a, err);
                cols[k] = cur.scope.cols[src];
            }
        BK_TRY(bind_project(b, &cur, exprs, cols, pos, err));
    }
    *out = cur;
    b->last_leaves = rels; /* last: binding the conjuncts may plan other FROMs */
    return BK_OK;
}

static bk_status bind_join(binder *b, const sql_from *f, plan_rel *out, bk_error *err) {
    if (f->join == SQL_JOIN_INNER || f->join == SQL_JOIN_CROSS) {
        if (!f->natural && f->n_using == 0) {
            const sql_from **leaves = NULL;
            const sql_expr **conds = NULL, **rest;
            uint32_t n = 0, cap = 0, nc = 0, ccap = 0, n_rest;
            BK_TRY(bind_flatten_inner(b, f, &leaves, &n, &cap, &conds, &nc, &ccap, err));
            BK_TRY(bind_plan_inner(b, leaves, n, conds, nc, out, &rest, &n_rest, err));
            if (n_rest) {
                bind_env env = {.b = b, .scope = &out->scope};
                exec_expr *pred;
                BK_TRY(bind_expr(&env, rest[0], &pred, err)); /* reports the unresolved column */
            }
            return BK_OK;
        }
    }
    plan_rel l, r;
    BK_TRY(bind_from(b, f->left, &l, err));
    BK_TRY(bind_from(b, f->right, &r, err));
    const sql_expr **conds = NULL;
    uint32_t nc = 0, ccap = 0;
    BK_TRY(bind_conjuncts(b, f->on, &conds, &nc, &ccap, err));
    if (f->natural || f->n_using) return bind_using_join(b, f, &l, &r, out, err);
    exec_join_kind kind;
    switch (f->join) {
    case SQL_JOIN_LEFT:
        kind = EXEC_JOIN_LEFT;
        break;
    case SQL_JOIN_FULL:
        kind = EXEC_JOIN_FULL;
        break;
    case SQL_JOIN_SEMI:
        kind = EXEC_JOIN_SEMI;
        break;
    case SQL_JOIN_ANTI:
        kind = EXEC_JOIN_ANTI;
        break;
    case SQL_JOIN_RIGHT: {
        /* a LEFT join with the sides swapped, then the columns put back */
        plan_rel j;
        BK_TRY(bind_make_join(b, &r, &l, EXEC_JOIN_LEFT, conds, nc, false, &j, err));
        uint32_t n = j.scope.n, nr = r.scope.n;
        exec_expr **exprs = bk_arena_array(b->a, n ? n : 1, sizeof *exprs);
        plan_col *cols = bk_arena_array(b->a, n ? n : 1, sizeof *cols);
        if (!exprs || !cols) return bk_arena_oom(b->a, err);
        for (uint32_t i = 0; i < n; i++) {
            uint32_t src = i < l.scope.n ? nr + i : i - l.scope.n;
            exprs[i] = exec_expr_column(b->a, src, j.scope.cols[src].type);
            if (!exprs[i]) return bk_arena_oom(b->a, err);
            cols[i] = j.scope.cols[src];
        }
        BK_TRY(bind_project(b, &j, exprs, cols, n, err));
        *out = j;
        return BK_OK;
    }
    default:
        kind = EXEC_JOIN_INNER;
        break;
    }
    return bind_make_join(b, &l, &r, kind, conds, nc, false, out, err);
}

static bk_status bind_from(binder *b, const sql_from *f, plan_rel *out, bk_error *err) {
    for (const bind_prebound *p = b->prebound; p; p = p->next)
        if (p->from == f) {
            *out = p->rel;
            return BK_OK;
        }
    if (f->n_laterals) { /* the source, then its LATERAL VIEWs (bind_generate.c) */
        sql_from base = *f;
        base.n_laterals = 0;
        BK_TRY(bind_from(b, &base, out, err));
        return bind_lateral_views(b, f->laterals, f->n_laterals, out, err);
    }
    switch (f->kind) {
    case SQL_FROM_TABLE:
        return bind_named(b, f, out, err);
    case SQL_FROM_QUERY:
        BK_TRY(bind_query(b, f->query, out, err));
        bind_requalify(out, f->alias ? f->alias->text : NULL);
        return rename_columns(b, out, f->col_aliases, f->n_col_aliases, f->span, err);
    case SQL_FROM_VALUES:
        return bind_values(b, f, out, err);
    case SQL_FROM_FUNCTION:
        return bind_table_function(b, f, out, err);
    case SQL_FROM_JOIN:
        BK_TRY(bind_join(b, f, out, err));
        if (f->alias) bind_requalify(out, f->alias->text);
        return BK_OK;
    case SQL_FROM_PIVOT:
    case SQL_FROM_UNPIVOT:
        return bind_pivot(b, f, out, err);
    }
    return fail_at(b, f->span, err, BK_INTERNAL, "unknown FROM item");
}

bk_status bind_from_item(binder *b, const sql_from *f, plan_rel *out, bk_error *err) {
    return bind_from(b, f, out, err);
}

/* ---- SELECT ---- */

static bool contains_window(const sql_expr *e) {
    if (!e) return false;
    if (e->kind == SQL_E_FUNC && e->over) return true;
    for (uint32_t i = 0; i < e->n_args; i++)
        if (contains_window(e->args[i])) return true;
    return contains_window(e->operand) || contains_window(e->else_);
}

/* Collect the aggregate calls in e (not inside subqueries). */
static bk_status collect_aggs(binder *b, const sql_expr *e, const sql_expr ***list, uint32_t *n,
                              uint32_t *cap, bk_error *err) {
    if (!e) return BK_OK;
    if (bind_is_aggregate(e)) {
        for (uint32_t i = 0; i < e->n_args; i++) {
            if (contains_window(e->args[i]))
                return fail_at(b, e->args[i]->span, err, BK_WINDOW_IN_AGGREGATE,
                               "It is not allowed to use a window function inside an aggregate "
                               "function. Please use the inner window function in a sub-query.");
            const sql_expr **inner = NULL;
            uint32_t ni = 0, ci = 0;
            BK_TRY(collect_aggs(b, e->args[i], &inner, &ni, &ci, err));
            if (ni)
                return fail_at(b, inner[0]->span, err, BK_NESTED_AGGREGATE_FUNCTION,
                               "It is not allowed to use an aggregate function in the argument "
                               "of another aggregate function. Please use the inner aggregate "
                               "function in a sub-query.");
        }
        if (*n == *cap) {
            uint32_t c = *cap ? *cap * 2 : 8;
            const sql_expr **l = bk_arena_array(b->a, c, sizeof *l);
            if (!l) return bk_arena_oom(b->a, err);
            if (*n) memcpy(l, *list, *n * sizeof *l);
            *list = l;
            *cap = c;
        }
        (*list)[(*n)++] = e;
        return BK_OK;
    }
    if (e->kind == SQL_E_SUBQUERY || e->kind == SQL_E_EXISTS) return BK_OK;
    if (e->kind == SQL_E_FUNC && e->over) {
        /* aggregates in a window's PARTITION BY / ORDER BY (after GROUP BY) */
        const sql_window *w;
        BK_TRY(bind_window_resolve(b, e, &w, err));
        for (uint32_t i = 0; i < w->n_partition; i++)
            BK_TRY(collect_aggs(b, w->partition[i], list, n, cap, err));
        for (uint32_t i = 0; i < w->n_order; i++)
            BK_TRY(collect_aggs(b, w->order[i].expr, list, n, cap, err));
    }
    for (uint32_t i = 0; i < e->n_args; i++) BK_TRY(collect_aggs(b, e->args[i], list, n, cap, err));
    BK_TRY(collect_aggs(b, e->operand, list, n, cap, err));
    return collect_aggs(b, e->else_, list, n, cap, err);
}

/* The exec_agg for an aggregate call whose argument is column `col` of type `t`. */
static bk_status agg_spec(binder *b, const sql_expr *call, uint32_t col, const bk_type *t,
                          exec_agg *out, bk_error *err) {
    const char *name = call->name.parts[call->name.n - 1].text;
    memset(out, 0, sizeof *out);
    out->column = col;
    out->distinct = call->distinct;
    if (name_eq(name, "count")) {
        if (!call->star_arg && call->n_args == 0) {
            bk_error_set_sub(err, BK_WRONG_NUM_ARGS, "WITH_SUGGESTION",
                             "The `count` requires >= 1 parameters but the actual number is 0. "
                             "If you have to call this function with 0 parameters, set the "
                             "legacy configuration \"spark.sql.legacy.allowParameterlessCount\" "
                             "to \"true\".");
            return bind_error_at(b, call, err);
        }
        out->kind = call->star_arg ? EXEC_AGG_COUNT_STAR : EXEC_AGG_COUNT;
        out->type = T(BK_TYPE_BIGINT);
        return BK_OK;
    }
    if (call->n_args != 1 || call->star_arg) {
        char msg[300];
        snprintf(msg, sizeof msg,
                 "The `%s` requires 1 parameters but the actual number is %u. Please, refer to "
                 "'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix.",
                 name, call->n_args);
        return fail_sub_at(b, call->span, err, BK_WRONG_NUM_ARGS, "WITHOUT_SUGGESTION", msg);
    }
    if (name_eq(name, "min") || name_eq(name, "max")) {
        out->kind = name_eq(name, "min") ? EXEC_AGG_MIN : EXEC_AGG_MAX;
        out->type = t;
        if (bk_type_is_nested(t)) { /* ARRAY / STRUCT: max_by(x, x), agg_ext.c */
            if (t->kind == BK_TYPE_MAP)
                return fail_at(b, call->span, err, BK_UNSUPPORTED_FEATURE,
                               "The feature is not supported: min/max of MAP values.");
            out->kind = out->kind == EXEC_AGG_MIN ? EXEC_AGG_MIN_BY : EXEC_AGG_MAX_BY;
            out->column2 = col;
            out->distinct = false; /* the same answer */
        }
        return BK_OK;
    }
    bool sum = name_eq(name, "sum"), avg = name_eq(name, "avg") || name_eq(name, "mean");
    if (!sum && !avg)
        return fail_at(b, call->span, err, BK_UNSUPPORTED_FEATURE,
                       "The feature is not supported: this aggregate function in this version.");
    out->kind = sum ? EXEC_AGG_SUM : EXEC_AGG_AVG;
    switch (t->kind) {
    case BK_TYPE_TINYINT:
    case BK_TYPE_SMALLINT:
    case BK_TYPE_INT:
    case BK_TYPE_BIGINT:
    case BK_TYPE_VOID:
        out->type = T(sum ? BK_TYPE_BIGINT : BK_TYPE_DOUBLE);
        return BK_OK;
    case BK_TYPE_FLOAT:
    case BK_TYPE_DOUBLE:
        out->type = T(BK_TYPE_DOUBLE);
        return BK_OK;
    case BK_TYPE_INTERVAL_YM:
    case BK_TYPE_INTERVAL_DT:
        /* Spark: sum keeps the interval type, avg is YEAR TO MONTH / DAY TO SECOND */
        out->type = sum ? t : bk_type_scalar(t->kind);
        return BK_OK;
    case BK_TYPE_DECIMAL: {
        int p = t->precision, s = t->scale;
        out->type =
            sum ? bk_type_make_decimal(b->a, p + 10 > 38 ? 38 : p + 10, s)
                : bk_type_make_decimal(b->a, p + 4 > 38 ? 38 : p + 4, s + 4 > 38 ? 38 : s + 4);
        return out->type ? BK_OK : bk_arena_oom(b->a, err);
    }
    default: {
        char tn[64], msg[256];
        bk_type_format(t, tn, sizeof tn);
        snprintf(msg, sizeof msg,
                 "Cannot resolve \"%s\" due to data type mismatch: the argument requires a "
                 "numeric type, however it has the type \"%s\".",
                 src_text(b, call->span), tn);
        return fail_sub_at(b, call->span, err, BK_DATATYPE_MISMATCH, "UNEXPECTED_INPUT_TYPE",
                           msg);
    }
    }
}

bk_status bind_agg_spec(binder *b, const sql_expr *call, uint32_t col, const bk_type *t,
                        exec_agg *out, bk_error *err) {
    return agg_spec(b, call, col, t, out, err);
}

/* GROUP BY 1 / GROUP BY alias: the select item's expression. */
const sql_expr *bind_resolve_group_item(const sql_select *s, const sql_expr *g,
                                        const plan_scope *input) {
    if (g->kind == SQL_E_NUMBER) {
        int64_t k;
        if (bk_parse_i64(g->text, g->text_len, &k) && k >= 1 && k <= (int64_t)s->n_items)
            return s->items[k - 1].expr;
        return g;
    }
    if (g->kind == SQL_E_COLUMN && g->name.n == 1) {
        /* an input column wins over an alias of the same name */
        for (uint32_t i = 0; i < input->n; i++)
            if (name_eq(input->cols[i].name, g->name.parts[0].text)) return g;
        for (uint32_t i = 0; i < s->n_items; i++)
            if (s->items[i].alias && name_eq(s->items[i].alias->text, g->name.parts[0].text))
                return s->items[i].expr;
    }
    return g;
}

/*
 * GROUP BY item g of s (an ordinal when a number) resolved to `resolved`: an
 * ordinal may not name an aggregate (GROUP_BY_POS_AGGREGATE), nor be used with a
 * star in the select list (STAR_GROUP_BY_POS), as in Spark.
 */
bk_status bind_check_group_ordinal(binder *b, const sql_select *s, const sql_expr *g,
                                   const sql_expr *resolved, bk_error *err) {
    if (g->kind != SQL_E_NUMBER || resolved == g) return BK_OK;
    for (uint32_t i = 0; i < s->n_items; i++)
        if (s->items[i].expr->kind == SQL_E_STAR)
            return fail_at(b, g->span, err, BK_STAR_GROUP_BY_POS,
                           "Star (*) is not allowed in a select list when GROUP BY an ordinal "
                           "position is used.");
    const sql_expr **aggs = NULL;
    uint32_t n = 0, cap = 0;
    BK_TRY(collect_aggs(b, resolved, &aggs, &n, &cap, err));
    if (!n) return BK_OK;
    char msg[512];
    snprintf(msg, sizeof msg,
             "GROUP BY %.*s refers to an expression %s that contains an aggregate function. "
             "Aggregate functions are not allowed in GROUP BY.",
             (int)g->text_len, g->text, bind_auto_name(b, resolved));
    return fail_at(b, g->span, err, BK_GROUP_BY_POS_AGGREGATE, msg);
}

typedef struct select_out {
    exec_expr **exprs;
    plan_col *cols;
    uint32_t n, cap;
} select_out;

static bk_status out_push(binder *b, select_out *o, exec_expr *e, const char *name,
                          const char *qual, bk_error *err) {
    if (o->n == o->cap) {
        uint32_t c = o->cap ? o->cap * 2 : 16;
        exec_expr **ne = bk_arena_array(b->a, c, sizeof *ne);
        plan_col *nc = bk_arena_array(b->a, c, sizeof *nc);
        if (!ne || !nc) return bk_arena_oom(b->a, err);
        if (o->n) {
            memcpy(ne, o->exprs, o->n * sizeof *ne);
            memcpy(nc, o->cols, o->n * sizeof *nc);
        }
        o->exprs = ne;
        o->cols = nc;
        o->cap = c;
    }
    o->exprs[o->n] = e;
    o->cols[o->n] = (plan_col){qual, name, e->type};
    o->n++;
    return BK_OK;
}

/* SELECT *, t.*, * EXCEPT (…) over the scope. */
static bk_status expand_star(binder *b, const sql_expr *star, const plan_scope *scope,
                             select_out *o, bk_error *err) {
    const char *qual = star->name.n ? star->name.parts[star->name.n - 1].text : NULL;
    uint32_t added = 0;
    /* t.* lists t's hidden USING keys first, then its visible columns (Spark's order):
     * step k < n looks at column k as a hidden one, step n + i at column i as a visible one */
    for (uint32_t k = qual ? 0 : scope->n; k < 2 * scope->n; k++) {
        uint32_t i = k < scope->n ? k : k - scope->n;
        const plan_col *c = &scope->cols[i];
        const char *name = bind_hidden_name(c);
        if ((name != NULL) != (k < scope->n)) continue;
        if (!name) name = c->name;
        if (qual && !name_eq(c->qualifier, qual)) continue;
        if (name && !strncmp(name, "__", 2)) continue;
        bool excepted = false;
        for (uint32_t x = 0; x < star->n_except && !excepted; x++)
            excepted = name_eq(star->except[x].parts[star->except[x].n - 1].text, name);
        added++;
        if (excepted) continue;
        exec_expr *e = exec_expr_column(b->a, i, c->type);
        if (!e) return bk_arena_oom(b->a, err);
        BK_TRY(out_push(b, o, e, name, c->qualifier, err));
    }
    if (qual && added == 0) {
        char msg[512];
        snprintf(msg, sizeof msg,
                 "Cannot resolve `%s`.* given input columns %s. Please check that the specified "
                 "table or struct exists and is accessible in the input columns.",
                 qual, bind_scope_names(b, scope));
        return fail_at(b, star->span, err, BK_CANNOT_RESOLVE_STAR_EXPAND, msg);
    }
    return BK_OK;
}

static bk_status add_sort(binder *b, plan_rel *rel, exec_sort_key *keys, uint32_t n, int64_t limit,
                          bk_error *err) {
    exec_node *s = exec_node_make(b->a, EXEC_NODE_SORT, rel->node->schema, rel->node);
    if (!s) return bk_arena_oom(b->a, err);
    s->u.sort.keys = keys;
    s->u.sort.n_keys = n;
    s->u.sort.limit = limit;
    rel->node = s;
    return BK_OK;
}

/*
 * A LIMIT/OFFSET value: a non-negative integer expression that folds to a constant
 * (LIMIT 2 + 1).  It is bound over the relation's columns, so that one naming a
 * column is IS_UNFOLDABLE, as in Spark, rather than an unresolved column.
 */
static bk_status limit_value(binder *b, const plan_scope *scope, const sql_expr *e,
                             const char *what, int64_t *out, bk_error *err) {
    bind_env env = {.b = b, .scope = scope};
    exec_expr *x;
    BK_TRY(bind_expr(&env, e, &x, err));
    /* Spark's sub-classes, checked in its order: IS_UNFOLDABLE, DATA_TYPE, IS_NULL, IS_NEGATIVE */
    char msg[320], tn[64];
    bk_type_kind k = x->type->kind;
    bool foldable = !bind_expr_reads_column(x) && !bind_expr_nondeterministic(x);
    if (foldable && k != BK_TYPE_VOID && (k < BK_TYPE_TINYINT || k > BK_TYPE_BIGINT)) {
        bk_type_format(x->type, tn, sizeof tn);
        snprintf(msg, sizeof msg,
                 "The limit like expression \"%s\" is invalid. The %s expression must be integer "
                 "type, but got \"%s\".",
                 src_text(b, e->span), what, tn);
        return fail_sub_at(b, e->span, err, BK_INVALID_LIMIT_LIKE_EXPRESSION, "DATA_TYPE", msg);
    }
    bk_status s = foldable ? bind_cast(b, x, T(BK_TYPE_BIGINT), e, &x, err) : BK_OK;
    bk_vector *v = NULL;
    if (s == BK_OK && foldable) s = bind_const_value(b, x, &v, err);
    if (s != BK_OK && err && err->code != BK_CODE_OK && foldable) return s; /* LIMIT 1 / 0 */
    const char *sub = NULL;
    if (s != BK_OK || !v) {
        bk_error_clear(err);
        sub = "IS_UNFOLDABLE";
        snprintf(msg, sizeof msg,
                 "The limit like expression \"%s\" is invalid. The %s expression must evaluate "
                 "to a constant value.",
                 src_text(b, e->span), what);
    } else if (!bk_vector_is_valid(v, 0)) {
        sub = "IS_NULL";
        snprintf(msg, sizeof msg,
                 "The limit like expression \"%s\" is invalid. The evaluated %s expression must "
                 "not be null.",
                 src_text(b, e->span), what);
    } else if (((const int64_t *)v->data)[0] < 0) {
        sub = "IS_NEGATIVE";
        snprintf(msg, sizeof msg,
                 "The limit like expression \"%s\" is invalid. The %s expression must be equal "
                 "to or greater than 0, but got %lld.",
                 src_text(b, e->span), what, (long long)((const int64_t *)v->data)[0]);
    }
    if (sub) return fail_sub_at(b, e->span, err, BK_INVALID_LIMIT_LIKE_EXPRESSION, sub, msg);
    *out = ((const int64_t *)v->data)[0];
    return BK_OK;
}

static bk_status add_limit(binder *b, const sql_query *q, plan_rel *rel, bk_error *err) {
    if (!q->limit && !q->offset) return BK_OK;
    int64_t limit = -1, offset = 0;
    if (q->limit) BK_TRY(limit_value(b, &rel->scope, q->limit, "limit", &limit, err));
    if (q->offset) BK_TRY(limit_value(b, &rel->scope, q->offset, "offset", &offset, err));
    /* a limit right above a sort becomes its top-N */
    if (rel->node->kind == EXEC_NODE_SORT && offset == 0 && limit >= 0) {
        rel->node->u.sort.limit = limit;
        return BK_OK;
    }
    exec_node *l = exec_node_make(b->a, EXEC_NODE_LIMIT, rel->node->schema, rel->node);
    if (!l) return bk_arena_oom(b->a, err);
    l->u.limit.limit = limit;
    l->u.limit.offset = offset;
    rel->node = l;
    return BK_OK;
}

static int nulls_first(const sql_order *o) {
    return o->nulls == 1 || (o->nulls == 0 && !o->descending);
}

/*
 * Correlated scalar subqueries in the SELECT list of a query without aggregates:
 * each joins its grouped derived table to rel (bind_correlated_value) and the
 * item reads its value; *s becomes a copy with the items rewritten.
 */
static bk_status select_correlated(binder *b, const sql_select **s, plan_rel *rel,
                                   bk_error *err) {
    const sql_select *in = *s;
    sql_select *copy = NULL;
    for (uint32_t i = 0; i < in->n_items; i++) {
        const sql_expr *e = in->items[i].expr;
        if (!e || e->kind == SQL_E_STAR || !bind_has_correlated_value(b, e)) continue;
        if (!copy) {
            copy = bk_arena_alloc(b->a, sizeof *copy);
            sql_select_item *items = bk_arena_array(b->a, in->n_items, sizeof *items);
            if (!copy || !items) return bk_arena_oom(b->a, err);
            *copy = *in;
            memcpy(items, in->items, in->n_items * sizeof *items);
            copy->items = items;
        }
        sql_expr *v;
        BK_TRY(bind_correlated_value(b, rel, e, &v, err));
        if (!copy->items[i].alias && !copy->items[i].n_aliases) {
            /* the column keeps the name Spark gives the original expression */
            sql_ident *alias = bk_arena_zalloc(b->a, sizeof *alias);
            if (!alias) return bk_arena_oom(b->a, err);
            alias->text = bind_auto_name(b, e);
            if (!alias->text) return bk_arena_oom(b->a, err);
            copy->items[i].alias = alias;
        }
        copy->items[i].expr = v;
    }
    if (copy) *s = copy;
    return BK_OK;
}

static bk_status bind_select_body(binder *b, const sql_query *q, plan_rel *out, bk_error *err) {
    const sql_select *s = q->select;
    BK_TRY(bind_check_windows(b, s, err));
    plan_rel rel;
    const sql_expr **left_over = NULL, *where = s->where;
    uint32_t n_left_over = 0;
    if (!s->from) {
        BK_TRY(one_row(b, &rel, err));
        if (where) {
            left_over = &where;
            n_left_over = 1;
        }
    } else {
        /* FROM and WHERE together, so that WHERE equalities become join keys */
        const sql_from **leaves = NULL;
        const sql_expr **conds = NULL;
        uint32_t n = 0, cap = 0, nc = 0, ccap = 0;
        BK_TRY(bind_flatten_inner(b, s->from, &leaves, &n, &cap, &conds, &nc, &ccap, err));
        BK_TRY(bind_conjuncts(b, s->where, &conds, &nc, &ccap, err));
        /* correlated subqueries become joins after the FROM is planned */
        const sql_expr **correlated = bk_arena_array(b->a, nc ? nc : 1, sizeof *correlated);
        if (!correlated) return bk_arena_oom(b->a, err);
        uint32_t n_corr = 0, n_plain = 0;
        for (uint32_t i = 0; i < nc; i++) {
            if (bind_is_correlated(b, conds[i]))
                correlated[n_corr++] = conds[i];
            else
                conds[n_plain++] = conds[i];
        }
        BK_TRY(bind_plan_inner(b, leaves, n, conds, n_plain, &rel, &left_over, &n_left_over, err));
        bind_outer outer = {.from = leaves,
                            .leaves = b->last_leaves,
                            .n_leaves = n,
                            .conds = conds,
                            .n_conds = n_plain};
        const bind_outer *saved_outer = b->outer;
        bk_status st = BK_OK;
        for (uint32_t i = 0; i < n_corr && st == BK_OK; i++) {
            b->outer = &outer;
            st = bind_correlated(b, &rel, correlated[i], err);
        }
        b->outer = saved_outer;
        if (st != BK_OK) return st;
    }
    for (uint32_t i = 0; i < n_left_over; i++) {
        bind_env env = {.b = b, .scope = &rel.scope};
        exec_expr *pred;
        BK_TRY(bind_expr(&env, left_over[i], &pred, err));
        if (pred->type->kind != BK_TYPE_BOOLEAN)
            BK_TRY(bind_cast(b, pred, T(BK_TYPE_BOOLEAN), left_over[i], &pred, err));
        BK_TRY(bind_filter(b, &rel, pred, err));
    }
    /* aggregates in SELECT, HAVING and ORDER BY */
    const sql_expr **calls = NULL;
    uint32_t n_calls = 0, calls_cap = 0;
    for (uint32_t i = 0; i < s->n_items; i++)
        BK_TRY(collect_aggs(b, s->items[i].expr, &calls, &n_calls, &calls_cap, err));
    BK_TRY(collect_aggs(b, s->having, &calls, &n_calls, &calls_cap, err));
    BK_TRY(collect_aggs(b, s->qualify, &calls, &n_calls, &calls_cap, err));
    for (uint32_t i = 0; i < q->n_order; i++)
        BK_TRY(collect_aggs(b, q->order[i].expr, &calls, &n_calls, &calls_cap, err));
    bool aggregate = n_calls || s->group_kind != SQL_GROUP_NONE;
    if (!aggregate) BK_TRY(select_correlated(b, &s, &rel, err));
    bind_env env = {.b = b, .scope = &rel.scope};
    plan_scope agg_scope = {0};
    plan_scope input = rel.scope;
    bind_grouping *gsets = NULL;
    if (aggregate) {
        /* GROUP BY expressions */
        uint32_t ng = 0;
        exec_expr **group = NULL;
        const sql_expr **gsrc = NULL;
        if (s->group_kind == SQL_GROUP_SETS) {
            BK_TRY(bind_grouping_keys(&env, s, &group, &gsrc, &ng, &gsets, err));
        } else if (s->group_kind == SQL_GROUP_ALL) {
            /* every select item without an aggregate */
            group = bk_arena_array(b->a, s->n_items ? s->n_items : 1, sizeof *group);
            gsrc = bk_arena_array(b->a, s->n_items ? s->n_items : 1, sizeof *gsrc);
            if (!group || !gsrc) return bk_arena_oom(b->a, err);
            for (uint32_t i = 0; i < s->n_items; i++) {
                const sql_expr **tmp = NULL;
                uint32_t nt = 0, ct = 0;
                BK_TRY(collect_aggs(b, s->items[i].expr, &tmp, &nt, &ct, err));
                if (nt == 0) gsrc[ng++] = s->items[i].expr;
            }
            if (ng == 0) BK_TRY(bind_group_all_check(b, s, err));
        } else {
            group = bk_arena_array(b->a, s->n_group ? s->n_group : 1, sizeof *group);
            gsrc = bk_arena_array(b->a, s->n_group ? s->n_group : 1, sizeof *gsrc);
            if (!group || !gsrc) return bk_arena_oom(b->a, err);
            for (uint32_t i = 0; i < s->n_group; i++) {
                const sql_expr *g = bind_resolve_group_item(s, s->group[i], &rel.scope);
                BK_TRY(bind_check_group_ordinal(b, s, s->group[i], g, err));
                if (g->kind == SQL_E_NUMBER) {
                    char msg[128];
                    snprintf(msg, sizeof msg,
                             "GROUP BY position %s is not in select list (valid range is [1, "
                             "%u]).",
                             g->text, s->n_items);
                    return fail_at(b, g->span, err, BK_GROUP_BY_POS_OUT_OF_RANGE, msg);
                }
                gsrc[ng++] = g;
            }
        }
        for (uint32_t i = 0; i < ng && !gsets; i++)
            BK_TRY(bind_expr(&env, gsrc[i], &group[i], err));
        /* pre-projection: group keys, then the aggregates' arguments */
        agg_ref *aggs = bk_arena_zalloc(b->a, (n_calls ? n_calls : 1) * sizeof *aggs);
        exec_expr **pre = bk_arena_array(b->a, ng + 2 * n_calls + 1, sizeof *pre);
        plan_col *pre_cols = bk_arena_zalloc(b->a, (ng + 2 * n_calls + 1) * sizeof *pre_cols);
        if (!aggs || !pre || !pre_cols) return bk_arena_oom(b->a, err);
        uint32_t np = 0;
        for (uint32_t i = 0; i < ng; i++) {
            pre[np] = group[i];
            pre_cols[np++] = (plan_col){NULL, bind_auto_name(b, gsrc[i]), group[i]->type};
        }
        bool any_distinct = false, all_distinct = true;
        for (uint32_t k = 0; k < n_calls; k++) {
            const sql_expr *c = calls[k];
            aggs[k].call = c;
            if (bind_agg_is_ext(c)) { /* bind_agg.c */
                BK_TRY(bind_agg_ext(&env, c, pre, pre_cols, &np, ng, &aggs[k].agg, err));
                any_distinct |= aggs[k].agg.distinct;
                all_distinct &= aggs[k].agg.distinct;
                continue;
            }
            uint32_t col = 0;
            const bk_type *t = T(BK_TYPE_BIGINT);
            if (!c->star_arg && c->n_args >= 1) {
                exec_expr *arg;
                BK_TRY(bind_expr(&env, c->args[0], &arg, err));
                if (c->filter) {
                    /* agg(x) FILTER (WHERE p) = agg(CASE WHEN p THEN x END) */
                    exec_expr *p;
                    BK_TRY(bind_agg_filter(&env, c, &p, err)); /* bind_agg.c */
                    exec_expr *ce = bk_arena_zalloc(b->a, sizeof *ce);
                    if (!ce) return bk_arena_oom(b->a, err);
                    ce->kind = EXEC_EXPR_CASE;
                    ce->type = arg->type;
                    ce->n_args = 2;
                    ce->args = bk_arena_array(b->a, 2, sizeof *ce->args);
                    if (!ce->args) return bk_arena_oom(b->a, err);
                    ce->args[0] = p;
                    ce->args[1] = arg;
                    arg = ce;
                }
                t = arg->type;
                col = bind_agg_arg(pre, pre_cols, &np, ng, arg);
            } else if (c->filter) {
                /* count(*) FILTER (WHERE p) = count(CASE WHEN p THEN 1 END) */
                exec_expr *p;
                BK_TRY(bind_agg_filter(&env, c, &p, err)); /* bind_agg.c */
                bk_vector *one = bk_vector_make(b->a, T(BK_TYPE_INT), 1);
                exec_expr *ce = bk_arena_zalloc(b->a, sizeof *ce);
                if (!one || !ce) return bk_arena_oom(b->a, err);
                ((int32_t *)one->data)[0] = 1;
                ce->kind = EXEC_EXPR_CASE;
                ce->type = T(BK_TYPE_INT);
                ce->n_args = 2;
                ce->args = bk_arena_array(b->a, 2, sizeof *ce->args);
                if (!ce->args) return bk_arena_oom(b->a, err);
                ce->args[0] = p;
                ce->args[1] = exec_expr_const(b->a, one);
                col = bind_agg_arg(pre, pre_cols, &np, ng, ce);
            }
            BK_TRY(agg_spec(b, c, col, t, &aggs[k].agg, err));
            if (c->filter && aggs[k].agg.kind == EXEC_AGG_COUNT_STAR)
                aggs[k].agg.kind = EXEC_AGG_COUNT;
            any_distinct |= c->distinct;
            all_distinct &= c->distinct;
        }
        if (np == 0) { /* count(*) alone: keep one column so the chunk has rows */
            bk_vector *z = bk_vector_make(b->a, T(BK_TYPE_INT), 1);
            if (!z) return bk_arena_oom(b->a, err);
            pre[np] = exec_expr_const(b->a, z);
            pre_cols[np++] = (plan_col){NULL, "__one", T(BK_TYPE_INT)};
        }
        BK_TRY(bind_project(b, &rel, pre, pre_cols, np, err));
        if (gsets) BK_TRY(bind_grouping_expand(b, gsets, &rel, aggs, n_calls, group, &ng, err));
        uint32_t *keys = bk_arena_array(b->a, ng ? ng : 1, sizeof *keys);
        exec_agg *specs = bk_arena_array(b->a, n_calls ? n_calls : 1, sizeof *specs);
        if (!keys || !specs) return bk_arena_oom(b->a, err);
        for (uint32_t i = 0; i < ng; i++) keys[i] = i;
        uint32_t dcol = n_calls ? aggs[0].agg.column : 0;
        if (any_distinct) {
            /* agg(DISTINCT x): group by the keys and x first, then aggregate */
            for (uint32_t k = 0; k < n_calls; k++)
                if (!all_distinct || aggs[k].agg.column != dcol ||
                    aggs[k].agg.kind == EXEC_AGG_COUNT_STAR || aggs[k].agg.kind > EXEC_AGG_MAX)
                    any_distinct = false; /* else op_agg.c deduplicates each DISTINCT aggregate */
        }
        if (any_distinct) {
            uint32_t *dkeys = bk_arena_array(b->a, ng + 1, sizeof *dkeys);
            if (!dkeys) return bk_arena_oom(b->a, err);
            for (uint32_t i = 0; i < ng; i++) dkeys[i] = i;
            dkeys[ng] = dcol;
            plan_scope ds;
            BK_TRY(scope_make(b, ng + 1, &ds, err));
            for (uint32_t i = 0; i < ng; i++) ds.cols[i] = rel.scope.cols[i];
            ds.cols[ng] = rel.scope.cols[dcol];
            exec_node *d =
                exec_node_make(b->a, EXEC_NODE_AGGREGATE, scope_schema(b, &ds), rel.node);
            if (!d || !d->schema) return bk_arena_oom(b->a, err);
            d->u.agg.keys = dkeys;
            d->u.agg.n_keys = ng + 1;
            rel.node = d;
            rel.scope = ds;
            for (uint32_t k = 0; k < n_calls; k++) {
                aggs[k].agg.column = ng;
                aggs[k].agg.distinct = false;
            }
        }
        for (uint32_t k = 0; k < n_calls; k++) specs[k] = aggs[k].agg;
        BK_TRY(scope_make(b, ng + n_calls, &agg_scope, err));
        for (uint32_t i = 0; i < ng; i++) agg_scope.cols[i] = rel.scope.cols[i];
        for (uint32_t k = 0; k < n_calls; k++)
            agg_scope.cols[ng + k] = (plan_col){NULL, bind_auto_name(b, calls[k]), specs[k].type};
        exec_node *g =
            exec_node_make(b->a, EXEC_NODE_AGGREGATE, scope_schema(b, &agg_scope), rel.node);
        if (!g || !g->schema) return bk_arena_oom(b->a, err);
        g->u.agg.keys = keys;
        g->u.agg.n_keys = ng;
        g->u.agg.aggs = specs;
        g->u.agg.n_aggs = n_calls;
        rel.node = g;
        rel.scope = agg_scope;
        env = (bind_env){.b = b,
                         .scope = &agg_scope,
                         .input = &input,
                         .group = group,
                         .n_group = ng,
                         .aggs = aggs,
                         .n_aggs = n_calls,
                         .grouping = gsets};
        if (ng == 0 && n_calls == 0) env.group = group; /* GROUP BY with no keys */
        if (s->having) {
            exec_expr *h;
            const sql_expr *having;
            BK_TRY(bind_having_aliases(b, s, &input, &having, err));
            BK_TRY(bind_expr(&env, having, &h, err));
            if (h->type->kind != BK_TYPE_BOOLEAN)
                BK_TRY(bind_cast(b, h, T(BK_TYPE_BOOLEAN), s->having, &h, err));
            BK_TRY(bind_filter(b, &rel, h, err));
        }
    } else if (s->having) {
        return fail_at(b, s->having->span, err, BK_MISSING_AGGREGATION,
                       "HAVING without GROUP BY or aggregates is not supported.");
    }
    /* window functions (and QUALIFY) over the rows, or the groups */
    BK_TRY(bind_windows(b, q, &rel, &env, err));
    /* the select list */
    bind_gen_sel gen; /* explode(...) in the select list: bind_generate.c */
    BK_TRY(bind_gen_select(&env, s, &rel, &gen, err));
    select_out o = {0};
    for (uint32_t i = 0; i < s->n_items; i++) {
        const sql_select_item *it = &s->items[i];
        if ((int)i == gen.item) {
            for (uint32_t j = 0; j < gen.n; j++) {
                exec_expr *ge = exec_expr_column(b->a, gen.first + j, gen.types[j]);
                if (!ge) return bk_arena_oom(b->a, err);
                BK_TRY(out_push(b, &o, ge, gen.names[j], NULL, err));
            }
            continue;
        }
        if (it->expr->kind == SQL_E_STAR) {
            if (aggregate)
                return fail_at(b, it->expr->span, err, BK_MISSING_AGGREGATION,
                               "SELECT * in an aggregate query: list the GROUP BY columns.");
            BK_TRY(expand_star(b, it->expr, &rel.scope, &o, err));
            continue;
        }
        exec_expr *e;
        BK_TRY(bind_expr(&env, it->expr, &e, err));
        const char *name = it->alias ? it->alias->text : bind_auto_name(b, it->expr);
        const char *qual = NULL;
        if (!it->alias && e->kind == EXEC_EXPR_COLUMN && !aggregate)
            qual = rel.scope.cols[e->column].qualifier;
        BK_TRY(out_push(b, &o, e, name, qual, err));
    }
    uint32_t n_visible = o.n;
    BK_TRY(bind_gen_scope(b, &gen, &rel.scope, err));
    /* ORDER BY: ordinals, output aliases, output expressions, else hidden extra columns */
    exec_sort_key *keys = NULL;
    uint32_t n_keys = q->order_all ? n_visible : q->n_order;
    if (n_keys) {
        keys = bk_arena_zalloc(b->a, n_keys * sizeof *keys);
        if (!keys) return bk_arena_oom(b->a, err);
    }
    for (uint32_t k = 0; q->order_all && k < n_visible; k++) {
        keys[k].column = k;
        keys[k].descending = q->order[0].descending;
        keys[k].nulls_first = nulls_first(&q->order[0]);
    }
    for (uint32_t k = 0; !q->order_all && k < q->n_order; k++) {
        const sql_order *ob = &q->order[k];
        const sql_expr *oe = ob->expr;
        int col = -1;
        if (oe->kind == SQL_E_NUMBER) {
            int64_t pos;
            if (!bk_parse_i64(oe->text, oe->text_len, &pos) || pos < 1 ||
                pos > (int64_t)n_visible) {
                char msg[128];
                snprintf(msg, sizeof msg,
                         "ORDER BY position %s is not in select list (valid range is [1, %u]).",
                         oe->text, n_visible);
                return fail_at(b, oe->span, err, BK_ORDER_BY_POS_OUT_OF_RANGE, msg);
            }
            col = (int)pos - 1;
        } else if (oe->kind == SQL_E_COLUMN && oe->name.n == 1) {
            for (uint32_t i = 0; i < s->n_items && col < 0; i++)
                if (s->items[i].alias && name_eq(s->items[i].alias->text, oe->name.parts[0].text))
                    col = (int)i;
        }
        if (col < 0) {
            exec_expr *e;
            BK_TRY(bind_expr(&env, oe, &e, err));
            for (uint32_t i = 0; i < o.n && col < 0; i++)
                if (bind_expr_equal(e, o.exprs[i])) col = (int)i;
            if (col < 0) {
                col = (int)o.n;
                BK_TRY(out_push(b, &o, e, "__order", NULL, err));
            }
        }
        keys[k].column = (uint32_t)col;
        keys[k].descending = ob->descending;
        keys[k].nulls_first = nulls_first(ob);
    }
    BK_TRY(bind_project(b, &rel, o.exprs, o.cols, o.n, err));
    if (s->distinct) {
        if (o.n != n_visible)
            return fail_at(b, q->span, err, BK_UNSUPPORTED_FEATURE,
                           "SELECT DISTINCT with ORDER BY on a column that is not selected.");
        uint32_t *dk = bk_arena_array(b->a, o.n ? o.n : 1, sizeof *dk);
        if (!dk) return bk_arena_oom(b->a, err);
        for (uint32_t i = 0; i < o.n; i++) dk[i] = i;
        exec_node *d = exec_node_make(b->a, EXEC_NODE_AGGREGATE, rel.node->schema, rel.node);
        if (!d) return bk_arena_oom(b->a, err);
        d->u.agg.keys = dk;
        d->u.agg.n_keys = o.n;
        rel.node = d;
    }
    if (n_keys) BK_TRY(add_sort(b, &rel, keys, n_keys, -1, err));
    BK_TRY(add_limit(b, q, &rel, err));
    if (o.n != n_visible) {
        /* drop the hidden ORDER BY columns */
        exec_expr **exprs = bk_arena_array(b->a, n_visible ? n_visible : 1, sizeof *exprs);
        if (!exprs) return bk_arena_oom(b->a, err);
        for (uint32_t i = 0; i < n_visible; i++) {
            exprs[i] = exec_expr_column(b->a, i, o.cols[i].type);
            if (!exprs[i]) return bk_arena_oom(b->a, err);
        }
        BK_TRY(bind_project(b, &rel, exprs, o.cols, n_visible, err));
    }
    *out = rel;
    return BK_OK;
}

/* A SELECT, with its WINDOW clause in force while it is bound. */
static bk_status bind_select(binder *b, const sql_query *q, plan_rel *out, bk_error *err) {
    const sql_select *outer = b->select;
    b->select = q->select;
    bk_status s = bind_select_body(b, q, out, err);
    b->select = outer;
    return s;
}

/* ---- set operations ---- */

/* Cast rel's columns to `types` (a projection when any differs). */
static bk_status cast_columns(binder *b, plan_rel *rel, const bk_type **types, const sql_query *at,
                              bk_error *err) {
    bool same = true;
    for (uint32_t i = 0; i < rel->scope.n; i++)
        same &= bk_type_equal(rel->scope.cols[i].type, types[i]);
    if (same) return BK_OK;
    exec_expr **exprs = bk_arena_array(b->a, rel->scope.n, sizeof *exprs);
    if (!exprs) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < rel->scope.n; i++) {
        exec_expr *c = exec_expr_column(b->a, i, rel->scope.cols[i].type);
        if (!c) return bk_arena_oom(b->a, err);
        sql_expr fake = {.kind = SQL_E_COLUMN, .span = at->span};
        BK_TRY(bind_cast(b, c, types[i], &fake, &exprs[i], err));
    }
    return bind_project(b, rel, exprs, rel->scope.cols, rel->scope.n, err);
}

static bk_status distinct_rows(binder *b, plan_rel *rel, bk_error *err) {
    uint32_t n = rel->scope.n;
    uint32_t *keys = bk_arena_array(b->a, n ? n : 1, sizeof *keys);
    if (!keys) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < n; i++) keys[i] = i;
    exec_node *d = exec_node_make(b->a, EXEC_NODE_AGGREGATE, rel->node->schema, rel->node);
    if (!d) return bk_arena_oom(b->a, err);
    d->u.agg.keys = keys;
    d->u.agg.n_keys = n;
    rel->node = d;
    return BK_OK;
}

static bk_status bind_setop(binder *b, const sql_query *q, plan_rel *out, bk_error *err) {
    plan_rel l, r;
    BK_TRY(bind_query(b, q->left, &l, err));
    BK_TRY(bind_query(b, q->right, &r, err));
    if (l.scope.n != r.scope.n) {
        char msg[512];
        snprintf(msg, sizeof msg,
                 "%s can only be performed on inputs with the same number of columns, but the "
                 "first input has %u columns and the second input has %u columns.",
                 q->setop, l.scope.n, r.scope.n);
        return fail_at(b, q->span, err, BK_NUM_COLUMNS_MISMATCH, msg);
    }
    uint32_t n = l.scope.n;
    const bk_type **types = bk_arena_array(b->a, n ? n : 1, sizeof *types);
    if (!types) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < n; i++) {
        types[i] = bind_common_type(b, l.scope.cols[i].type, r.scope.cols[i].type);
        if (!types[i]) {
            char msg[512], t1[64], t2[64], tn[16];
            bk_type_format(l.scope.cols[i].type, t1, sizeof t1);
            bk_type_format(r.scope.cols[i].type, t2, sizeof t2);
            snprintf(msg, sizeof msg,
                     "%s can only be performed on tables with compatible column types. The %s "
                     "column of the second table is \"%s\" type which is not compatible with "
                     "\"%s\" at the same column of the first table.",
                     q->setop, ordinal_word(i + 1, tn), t2, t1);
            return fail_at(b, q->span, err, BK_INCOMPATIBLE_COLUMN_TYPE, msg);
        }
    }
    BK_TRY(cast_columns(b, &l, types, q, err));
    BK_TRY(cast_columns(b, &r, types, q, err));
    for (uint32_t i = 0; i < n; i++) l.scope.cols[i].qualifier = NULL;
    if (!strcmp(q->setop, "UNION")) {
        exec_node *u = exec_node_make(b->a, EXEC_NODE_UNION, l.node->schema, NULL);
        exec_node **kids = bk_arena_array(b->a, 2, sizeof *kids);
        if (!u || !kids) return bk_arena_oom(b->a, err);
        kids[0] = l.node;
        kids[1] = r.node;
        u->children = kids;
        u->n_children = 2;
        out->node = u;
        out->scope = l.scope;
        if (!q->all) BK_TRY(distinct_rows(b, out, err));
        return BK_OK;
    }
    if (q->all) return bind_setop_all(b, q, &l, &r, out, err);
    /* INTERSECT / EXCEPT (DISTINCT): a null-safe semi / anti join on every column */
    BK_TRY(distinct_rows(b, &l, err));
    exec_node *j = exec_node_make(b->a, EXEC_NODE_JOIN, l.node->schema, l.node);
    uint32_t *keys = bk_arena_array(b->a, n ? n : 1, sizeof *keys);
    if (!j || !keys) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < n; i++) keys[i] = i;
    j->right = r.node;
    j->u.join.kind = !strcmp(q->setop, "INTERSECT") ? EXEC_JOIN_SEMI : EXEC_JOIN_ANTI;
    j->u.join.probe_keys = keys;
    j->u.join.build_keys = keys;
    j->u.join.n_keys = n;
    j->u.join.null_safe = true;
    out->node = j;
    out->scope = l.scope;
    return BK_OK;
}

/* ORDER BY / LIMIT on a set operation or VALUES: over its output columns. */
static bk_status order_outputs(binder *b, const sql_query *q, plan_rel *rel, bk_error *err) {
    uint32_t n = q->order_all ? rel->scope.n : q->n_order;
    if (n) {
        exec_sort_key *keys = bk_arena_zalloc(b->a, n * sizeof *keys);
        if (!keys) return bk_arena_oom(b->a, err);
        bind_env env = {.b = b, .scope = &rel->scope};
        for (uint32_t k = 0; k < n; k++) {
            const sql_order *ob = q->order_all ? &q->order[0] : &q->order[k];
            uint32_t col = k;
            if (!q->order_all) {
                const sql_expr *oe = ob->expr;
                int64_t pos;
                if (oe->kind == SQL_E_NUMBER && bk_parse_i64(oe->text, oe->text_len, &pos) &&
                    pos >= 1 && pos <= (int64_t)rel->scope.n) {
                    col = (uint32_t)pos - 1;
                } else {
                    exec_expr *e;
                    BK_TRY(bind_expr(&env, oe, &e, err));
                    if (e->kind != EXEC_EXPR_COLUMN)
                        return fail_at(b, oe->span, err, BK_UNSUPPORTED_FEATURE,
                                       "The feature is not supported: ORDER BY an expression "
                                       "over a set operation (use a column or its position).");
                    col = e->column;
                }
            }
            keys[k] = (exec_sort_key){col, ob->descending, nulls_first(ob)};
        }
        BK_TRY(add_sort(b, rel, keys, n, -1, err));
    }
    return add_limit(b, q, rel, err);
}

bk_status bind_query(binder *b, const sql_query *q, plan_rel *out, bk_error *err) {
    if (++b->depth > 200) {
        b->depth--;
        return fail_at(b, q->span, err, BK_LIMIT_EXCEEDED, "the query nests too deeply");
    }
    cte_def *saved = b->ctes;
    bk_status s = BK_OK;
    for (uint32_t i = 0; i < q->n_ctes && s == BK_OK; i++) {
        for (uint32_t j = 0; j < i; j++)
            if (name_eq(q->ctes[j].name.text, q->ctes[i].name.text)) {
                char msg[256];
                snprintf(msg, sizeof msg, "CTE definition can't have duplicate names: `%s`.",
                         q->ctes[i].name.text);
                s = fail_at(b, q->ctes[i].name.span, err, BK_DUPLICATED_CTE_NAMES, msg);
            }
        cte_def *d = bk_arena_alloc(b->a, sizeof *d);
        if (!d) {
            s = bk_arena_oom(b->a, err);
            break;
        }
        *d = (cte_def){.cte = &q->ctes[i], .refs = refs_query(q, q->ctes[i].name.text)};
        d->next = b->ctes;
        b->ctes = d;
        /* a CTE nothing names is still analyzed, as Spark does: its errors are the query's */
        if (d->refs == 0) {
            plan_rel unused;
            b->ctes = d->next;
            s = bind_query(b, d->cte->query, &unused, err);
            b->ctes = d;
        }
    }
    if (s == BK_OK) {
        switch (q->kind) {
        case SQL_Q_SELECT:
            s = bind_select(b, q, out, err);
            break;
        case SQL_Q_SETOP:
            s = bind_setop(b, q, out, err);
            if (s == BK_OK) s = order_outputs(b, q, out, err);
            break;
        case SQL_Q_VALUES:
            s = bind_values(b, q->values, out, err);
            if (s == BK_OK) s = order_outputs(b, q, out, err);
            break;
        case SQL_Q_TABLE: {
            sql_from f = {.kind = SQL_FROM_TABLE, .span = q->span, .name = q->table};
            s = bind_named(b, &f, out, err);
            if (s == BK_OK) s = order_outputs(b, q, out, err);
            break;
        }
        }
    }
    b->ctes = saved;
    b->depth--;
    return s;
}

bk_status plan_query(bk_arena *a, const plan_env *env, const char *text, const sql_query *q,
                     exec_node **out, bk_error *err) {
    binder b = {.a = a, .env = env, .text = text};
    plan_rel rel;
    BK_TRY(bind_query(&b, q, &rel, err));
    /* the output names are the scope's (hidden helper columns are gone by now) */
    BK_TRY(plan_prune(a, rel.node, out, err));
    BK_TRY(plan_scan_pushdown(a, env, *out, err));
    return plan_cse(a, *out, err);
}
