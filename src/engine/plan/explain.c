/*
 * explain.c — EXPLAIN: the physical plan as text, one operator per line.
 *
 *     Sort [#0 DESC NULLS LAST]
 *       Aggregate keys=[#0] aggs=[count(*), sum(#1)]
 *         Filter (#1 > 15)
 *           Scan parquet /data/t.parquet
 *
 * A scan line lists its columns and the predicates pushed into it (scan_pushdown.c):
 *
 *     Scan parquet /data/lineitem.parquet [l_quantity, l_shipdate] filters: l_shipdate <=
 *     DATE '1998-09-02'
 *
 * With ANALYZE each line ends with the rows the operator produced and the time
 * its work took (summed over the threads), and a scan's with what it read and
 * skipped: files (Delta), row groups, pages, rows its predicates dropped.
 */
#include <string.h>

#include "base/buf.h"
#include "delta/delta.h"
#include "engine/plan/plan.h"
#include "parquet/parquet.h"

static const char *agg_name(exec_agg_kind k) {
    switch (k) {
    case EXEC_AGG_COUNT_STAR:
        return "count(*)";
    case EXEC_AGG_COUNT:
        return "count";
    case EXEC_AGG_SUM:
        return "sum";
    case EXEC_AGG_AVG:
        return "avg";
    case EXEC_AGG_MIN:
        return "min";
    case EXEC_AGG_MAX:
        return "max";
    default:
        return exec_agg_name(k);
    }
}

static const char *join_name(exec_join_kind k) {
    switch (k) {
    case EXEC_JOIN_INNER:
        return "Inner";
    case EXEC_JOIN_LEFT:
        return "LeftOuter";
    case EXEC_JOIN_SEMI:
        return "LeftSemi";
    case EXEC_JOIN_ANTI:
        return "LeftAnti";
    case EXEC_JOIN_RIGHT:
        return "RightOuter";
    case EXEC_JOIN_FULL:
        return "FullOuter";
    case EXEC_JOIN_RIGHT_SEMI:
        return "RightSemi";
    case EXEC_JOIN_RIGHT_ANTI:
        return "RightAnti";
    }
    return "?";
}

/* Window [f AS col, ...] partition=[...] order=[...] */
static bk_status window_text(const exec_node *n, const char *const *names, bk_buf *out) {
    uint32_t n_child = n->child->schema->n_children;
    BK_TRY(bk_buf_printf(out, "Window ["));
    for (uint32_t i = 0; i < n->u.window.n_fns; i++)
        BK_TRY(bk_buf_printf(out, "%s%s AS %s", i ? ", " : "", n->u.window.fns[i].name,
                             n->schema->field_names[n_child + i]));
    BK_TRY(bk_buf_printf(out, "] partition=["));
    for (uint32_t i = 0; i < n->u.window.n_partition; i++)
        BK_TRY(bk_buf_printf(out, "%s%s", i ? ", " : "", names[n->u.window.partition[i]]));
    BK_TRY(bk_buf_printf(out, "] order=["));
    for (uint32_t i = 0; i < n->u.window.n_order; i++) {
        const exec_sort_key *k = &n->u.window.order[i];
        BK_TRY(bk_buf_printf(out, "%s%s %s NULLS %s", i ? ", " : "", names[k->column],
                             k->descending ? "DESC" : "ASC", k->nulls_first ? "FIRST" : "LAST"));
    }
    return bk_buf_printf(out, "]");
}

/* A predicate literal as Spark SQL: 12, 'it\'s', DATE '2024-01-31', X'0A', NULL. */
static bk_status literal_text(const bk_vector *v, size_t row, bk_buf *out) {
    if (!bk_vector_is_valid(v, row)) return bk_buf_printf(out, "NULL");
    const char *prefix = "";
    bool quote = false;
    switch (v->type->kind) {
    case BK_TYPE_STRING:
        quote = true;
        break;
    case BK_TYPE_DATE:
        prefix = "DATE ", quote = true;
        break;
    case BK_TYPE_TIMESTAMP:
        prefix = "TIMESTAMP ", quote = true;
        break;
    case BK_TYPE_TIMESTAMP_NTZ:
        prefix = "TIMESTAMP_NTZ ", quote = true;
        break;
    default:
        break;
    }
    if (v->type->kind == BK_TYPE_BINARY) {
        const bk_str *s = (const bk_str *)v->data + row;
        BK_TRY(bk_buf_printf(out, "X'"));
        for (size_t i = 0; i < s->len; i++)
            BK_TRY(bk_buf_printf(out, "%02X", (unsigned)(uint8_t)s->ptr[i]));
        return bk_buf_printf(out, "'");
    }
    if (!quote) return bk_vector_format_value(v, row, out);
    bk_buf tmp;
    bk_buf_init(&tmp);
    bk_status st = bk_vector_format_value(v, row, &tmp);
    if (st == BK_OK) st = bk_buf_printf(out, "%s'", prefix);
    for (size_t i = 0; st == BK_OK && i < tmp.len; i++) {
        char c = (char)tmp.data[i];
        if (c == '\'' || c == '\\') st = bk_buf_append(out, "\\", 1);
        if (st == BK_OK) st = bk_buf_append(out, &c, 1);
    }
    if (st == BK_OK) st = bk_buf_printf(out, "'");
    bk_buf_destroy(&tmp);
    return st;
}

/* " [a, b] filters: a <= DATE '1998-09-02', b IS NOT NULL" for a scan of `file` columns. */
static bk_status scan_text(const exec_node *n, const bk_type *file, bk_buf *out) {
    BK_TRY(bk_buf_printf(out, " ["));
    for (uint32_t i = 0; i < n->schema->n_children; i++)
        BK_TRY(bk_buf_printf(out, "%s%s", i ? ", " : "", n->schema->field_names[i]));
    BK_TRY(bk_buf_printf(out, "]"));
    bool pq = n->kind == EXEC_NODE_PARQUET;
    const pq_predicate *preds = pq ? n->u.parquet.preds : n->u.delta.preds;
    uint32_t n_preds = pq ? n->u.parquet.n_preds : n->u.delta.n_preds;
    static const char *const ops[] = {"=", "<", "<=", ">", ">=", "IN", "IS NULL", "IS NOT NULL"};
    for (uint32_t i = 0; i < n_preds; i++) {
        const pq_predicate *p = &preds[i];
        const char *name = p->field < file->n_children ? file->field_names[p->field] : "?";
        BK_TRY(bk_buf_printf(out, "%s%s %s", i ? ", " : " filters: ", name, ops[p->op]));
        if (p->op == PQ_PRED_IN) {
            BK_TRY(bk_buf_printf(out, " ("));
            for (size_t k = 0; k < p->values->n; k++) {
                if (k) BK_TRY(bk_buf_printf(out, ", "));
                BK_TRY(literal_text(p->values, k, out));
            }
            BK_TRY(bk_buf_printf(out, ")"));
        } else if (p->op != PQ_PRED_IS_NULL && p->op != PQ_PRED_IS_NOT_NULL) {
            BK_TRY(bk_buf_printf(out, " "));
            BK_TRY(literal_text(p->values, 0, out));
        }
    }
    return BK_OK;
}

/* EXPLAIN ANALYZE's account of a scan: what was read and what was skipped. */
static bk_status scan_stats_text(const exec_node *n, bk_buf *out) {
    const exec_scan_stats *x = &n->scan;
    if (n->kind == EXEC_NODE_DELTA)
        BK_TRY(bk_buf_printf(out, ", files=%llu (skipped %llu)",
                             (unsigned long long)x->files_total,
                             (unsigned long long)x->files_skipped));
    return bk_buf_printf(out,
                         ", row groups=%llu (skipped %llu), pages skipped=%llu of %llu indexed, "
                         "rows filtered=%llu",
                         (unsigned long long)x->row_groups_total,
                         (unsigned long long)x->row_groups_skipped,
                         (unsigned long long)x->pages_skipped, (unsigned long long)x->pages_total,
                         (unsigned long long)x->rows_filtered);
}

static bk_status node_text(const exec_node *n, int depth, bool analyze, bk_buf *out) {
    for (int i = 0; i < depth; i++) BK_TRY(bk_buf_append(out, "  ", 2));
    const char *const *names = n->child ? n->child->schema->field_names : NULL;
    switch (n->kind) {
    case EXEC_NODE_VALUES:
        BK_TRY(bk_buf_printf(out, "LocalTableScan [%zu rows]", n->u.values.table->n_rows));
        break;
    case EXEC_NODE_RANGE:
        BK_TRY(bk_buf_printf(out, "Range (%lld, %lld, step=%lld)", (long long)n->u.range.start,
                             (long long)n->u.range.end, (long long)n->u.range.step));
        break;
    case EXEC_NODE_PARQUET:
        BK_TRY(bk_buf_printf(out, "Scan parquet %s", n->u.parquet.path));
        BK_TRY(scan_text(n, pq_reader_schema(n->u.parquet.reader), out));
        break;
    case EXEC_NODE_DELTA:
        BK_TRY(bk_buf_printf(out, "Scan delta %s (version %lld)",
                             delta_snapshot_root(n->u.delta.snapshot),
                             (long long)delta_snapshot_version(n->u.delta.snapshot)));
        BK_TRY(scan_text(n, delta_snapshot_schema(n->u.delta.snapshot)->type, out));
        break;
    case EXEC_NODE_FILTER:
        BK_TRY(bk_buf_printf(out, "Filter "));
        BK_TRY(exec_expr_format(n->u.filter.pred, names, out));
        break;
    case EXEC_NODE_PROJECT:
        BK_TRY(bk_buf_printf(out, "Project ["));
        for (uint32_t i = 0; i < n->u.project.n_exprs; i++) {
            if (i) BK_TRY(bk_buf_printf(out, ", "));
            BK_TRY(exec_expr_format(n->u.project.exprs[i], names, out));
            BK_TRY(bk_buf_printf(out, " AS %s", n->schema->field_names[i]));
        }
        BK_TRY(bk_buf_printf(out, "]"));
        break;
    case EXEC_NODE_AGGREGATE:
        BK_TRY(bk_buf_printf(out, "HashAggregate keys=["));
        for (uint32_t i = 0; i < n->u.agg.n_keys; i++)
            BK_TRY(bk_buf_printf(out, "%s%s", i ? ", " : "", names[n->u.agg.keys[i]]));
        BK_TRY(bk_buf_printf(out, "] functions=["));
        for (uint32_t i = 0; i < n->u.agg.n_aggs; i++) {
            const exec_agg *g = &n->u.agg.aggs[i];
            if (g->kind == EXEC_AGG_COUNT_STAR)
                BK_TRY(bk_buf_printf(out, "%scount(*)", i ? ", " : ""));
            else
                BK_TRY(bk_buf_printf(out, "%s%s(%s)", i ? ", " : "", agg_name(g->kind),
                                     names[g->column]));
        }
        BK_TRY(bk_buf_printf(out, "]"));
        break;
    case EXEC_NODE_JOIN:
        BK_TRY(bk_buf_printf(out, "HashJoin %s keys=[", join_name(n->u.join.kind)));
        for (uint32_t i = 0; i < n->u.join.n_keys; i++)
            BK_TRY(bk_buf_printf(out, "%s%s %s %s", i ? ", " : "", names[n->u.join.probe_keys[i]],
                                 n->u.join.null_safe ? "<=>" : "=",
                                 n->right->schema->field_names[n->u.join.build_keys[i]]));
        BK_TRY(bk_buf_printf(out, "]%s", n->u.join.extra ? " with a condition" : ""));
        break;
    case EXEC_NODE_SORT:
        BK_TRY(bk_buf_printf(out, "%s [", n->u.sort.limit >= 0 ? "TopN" : "Sort"));
        for (uint32_t i = 0; i < n->u.sort.n_keys; i++) {
            const exec_sort_key *k = &n->u.sort.keys[i];
            BK_TRY(bk_buf_printf(out, "%s%s %s NULLS %s", i ? ", " : "", names[k->column],
                                 k->descending ? "DESC" : "ASC",
                                 k->nulls_first ? "FIRST" : "LAST"));
        }
        BK_TRY(bk_buf_printf(out, "]"));
        if (n->u.sort.limit >= 0)
            BK_TRY(bk_buf_printf(out, " limit=%lld", (long long)n->u.sort.limit));
        break;
    case EXEC_NODE_LIMIT:
        BK_TRY(bk_buf_printf(out, "Limit %lld offset %lld", (long long)n->u.limit.limit,
                             (long long)n->u.limit.offset));
        break;
    case EXEC_NODE_UNION:
        BK_TRY(bk_buf_printf(out, "Union"));
        break;
    case EXEC_NODE_EXPAND:
        if (n->u.expand.repeat) {
            BK_TRY(bk_buf_printf(out, "ReplicateRows "));
            BK_TRY(exec_expr_format(n->u.expand.repeat, names, out));
            break;
        }
        BK_TRY(bk_buf_printf(out, "Expand [%u projections] [", n->u.expand.n_projections));
        for (uint32_t i = 0; i < n->schema->n_children; i++)
            BK_TRY(bk_buf_printf(out, "%s%s", i ? ", " : "", n->schema->field_names[i]));
        BK_TRY(bk_buf_printf(out, "]"));
        break;
    case EXEC_NODE_WINDOW:
        BK_TRY(window_text(n, names, out));
        break;
    case EXEC_NODE_GENERATE:
        BK_TRY(bk_buf_printf(out, "Generate %s%s(",
                             n->u.generate.kind == EXEC_GEN_INLINE ? "inline"
                             : n->u.generate.with_pos            ? "posexplode"
                                                                 : "explode",
                             n->u.generate.outer ? "_outer" : ""));
        BK_TRY(exec_expr_format(n->u.generate.arg, names, out));
        BK_TRY(bk_buf_printf(out, ")"));
        break;
    }
    if (analyze) {
        BK_TRY(bk_buf_printf(out, "  (rows=%llu", (unsigned long long)n->rows_out));
        if (n->ns > 0) BK_TRY(bk_buf_printf(out, ", time=%.3f ms", (double)n->ns / 1e6));
        if (n->kind == EXEC_NODE_PARQUET || n->kind == EXEC_NODE_DELTA)
            BK_TRY(scan_stats_text(n, out));
        BK_TRY(bk_buf_printf(out, ")"));
    }
    BK_TRY(bk_buf_append(out, "\n", 1));
    if (n->kind == EXEC_NODE_UNION)
        for (uint32_t i = 0; i < n->n_children; i++)
            BK_TRY(node_text(n->children[i], depth + 1, analyze, out));
    if (n->child) BK_TRY(node_text(n->child, depth + 1, analyze, out));
    if (n->right) BK_TRY(node_text(n->right, depth + 1, analyze, out));
    return BK_OK;
}

bk_status plan_explain(bk_arena *a, const exec_node *plan, bool analyze, char **out,
                       bk_error *err) {
    bk_buf b;
    bk_buf_init(&b);
    bk_status s = node_text(plan, 0, analyze, &b);
    if (s == BK_OK) {
        *out = bk_arena_strndup(a, b.len ? (const char *)b.data : "", b.len);
        if (!*out) s = bk_arena_oom(a, err);
    } else {
        s = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory rendering EXPLAIN");
    }
    bk_buf_destroy(&b);
    return s;
}
