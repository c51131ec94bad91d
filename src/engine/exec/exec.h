/*
 * exec.h — the executor: chunks of vectors, expressions, physical plans, running them.
 *
 * The planner (engine/plan) hands the executor a tree of exec_nodes whose
 * expressions are already bound: every column is an index into the child's
 * output, every function a kernel with its argument and result types fixed.
 * Nothing here looks at names or SQL text.
 *
 * Data moves as exec_chunks: up to EXEC_CHUNK_ROWS rows, one bk_vector per
 * column.  Execution is push-based and morsel-driven (DuckDB's model): a plan is
 * cut into pipelines at the operators that must see all their input before
 * producing output (aggregation, sort, the build side of a join, limits); each
 * pipeline runs a source (a scan, or the materialized output of an earlier
 * pipeline) in parallel over the pool, pushes every chunk through its streaming
 * operators (filter, project, join probe) and into its sink, one local state per
 * worker; the sink combines the local states when the source is exhausted.
 *
 *     exec_ctx ctx = {.pool = pool, .ansi = true, ...};
 *     exec_table *rows;
 *     exec_run(&ctx, plan, &rows, &err);      every row of the result, in `ctx.arena`
 *
 * Memory: plan nodes, expressions and results live in the query arena
 * (ctx->arena); workers allocate per-chunk scratch in their own arenas, reset
 * after every chunk.  Sinks copy what they keep.
 */
#ifndef BRICKS_ENGINE_EXEC_EXEC_H
#define BRICKS_ENGINE_EXEC_EXEC_H

#include <stdatomic.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/thread.h"
#include "base/types.h"
#include "base/vector.h"

#define EXEC_CHUNK_ROWS 2048

/* ---- chunks and materialized tables ---- */

typedef struct exec_chunk {
    size_t n;        /* rows */
    uint32_t n_cols; /* columns */
    bk_vector **cols;
} exec_chunk;

/*
 * Rows kept in memory: a list of chunks in `arena`.  The schema is a STRUCT
 * whose fields name and type the columns.
 */
typedef struct exec_table {
    const bk_type *schema;
    bk_arena *arena;
    size_t n_rows;
    size_t n_chunks, cap;
    exec_chunk *chunks;
} exec_table;

/* An empty table for `schema` whose chunks live in `a`.  NULL on OOM. */
exec_table *exec_table_make(bk_arena *a, const bk_type *schema);
/*
 * Append the rows of `c` (or only rows sel[0..n_sel) when sel is not NULL),
 * copying values and string bytes into the table's arena.
 */
bk_status exec_table_append(exec_table *t, const exec_chunk *c, const uint32_t *sel, size_t n_sel,
                            bk_error *err);
/* Add chunk `c` as it is (no copy: its memory must outlive t). */
bk_status exec_table_push(exec_table *t, const exec_chunk *c, bk_error *err);
/*
 * Rows [offset, offset + limit) of t (limit < 0: to the end) as a table in `a`
 * whose chunks view t's (LIMIT / OFFSET).
 */
bk_status exec_table_slice(bk_arena *a, const exec_table *t, int64_t offset, int64_t limit,
                           exec_table **out, bk_error *err);
/* Move every chunk of `src` to the end of `dst` (same schema; src's memory must outlive dst). */
bk_status exec_table_move(exec_table *dst, exec_table *src, bk_error *err);
/* All rows of column `col` as one vector (in `a`; shares the table's bytes). */
bk_vector *exec_table_column(bk_arena *a, const exec_table *t, uint32_t col);

/*
 * Rows [off, off+n) of `v` as a vector in `a`: a view for flat types and
 * structs, a copy for arrays and maps (whose offsets must start at 0).
 */
bk_vector *exec_vector_slice(bk_arena *a, const bk_vector *v, size_t off, size_t n);

/* ---- the query context ---- */

typedef struct exec_ctx {
    bk_arena *arena;     /* the query's: plans, results */
    bk_pool *pool;       /* NULL: run on the calling thread */
    bool ansi;           /* spark.sql.ansi.enabled */
    size_t memory_limit; /* bytes for operator state (0: none) */
    atomic_bool cancel;  /* set from any thread: the query stops with BK_CANCELLED */
    _Atomic uint64_t rows_read; /* rows the sources produced so far (for progress lines) */
    const struct bk_tz *tz; /* spark.sql.session.timeZone (base/tz.h); NULL = UTC */
    int64_t now_micros;     /* the statement's start (current_timestamp), µs since the epoch */
    struct exec_rt_filter *rt_filters; /* runtime join filters in force (join_filter.c) */
} exec_ctx;

/* BK_CANCELLED, filled in err, when the query was cancelled; else BK_OK. */
bk_status exec_check_cancel(exec_ctx *ctx, bk_error *err);

/* ---- expressions ---- */

typedef struct exec_expr exec_expr;

/* What a kernel gets besides its arguments. */
typedef struct exec_call {
    const exec_expr *expr; /* the call: its type, its constant state */
    exec_ctx *ctx;
    bk_arena *a; /* scratch for the result (the worker's chunk arena) */
} exec_call;

/*
 * A vectorized function: args[0..n_args) each hold n rows; *out gets n rows of
 * expr->type allocated in call->a.  Errors (DIVIDE_BY_ZERO, ...) name the value.
 */
typedef bk_status (*exec_kernel)(const exec_call *call, bk_vector *const *args, size_t n,
                                 bk_vector **out, bk_error *err);

typedef enum exec_expr_kind {
    EXEC_EXPR_COLUMN, /* input column `column` */
    EXEC_EXPR_CONST,  /* `value`: a vector of one row */
    EXEC_EXPR_CALL,   /* kernel(args) */
    EXEC_EXPR_AND,    /* three-valued AND of args */
    EXEC_EXPR_OR,     /* three-valued OR of args */
    EXEC_EXPR_CASE,   /* args: cond1, then1, cond2, then2, ..., [else]: evaluated lazily */
    /* higher-order functions (fn_lambda.c): name(args), some args LAMBDA; state: the function */
    EXEC_EXPR_HOF,
    EXEC_EXPR_LAMBDA,     /* (params) -> args[0]: column = number of params; only under a HOF */
    EXEC_EXPR_LAMBDA_VAR, /* a lambda variable: column = its distance from the end of the
                           * chunk's columns (a HOF appends its variables to the chunk) */
} exec_expr_kind;

struct exec_expr {
    exec_expr_kind kind;
    const bk_type *type;
    uint32_t column;        /* COLUMN */
    const bk_vector *value; /* CONST */
    exec_kernel kernel;     /* CALL */
    const char *name;       /* CALL: the function's name, for EXPLAIN and errors */
    void *state;            /* CALL: what the binder prepared (a compiled pattern, ...) */
    bool has_else;          /* CASE */
    bool lazy;              /* CALL: args may raise errors only for rows it uses (COALESCE...) */
    uint32_t sql_at;        /* CALL: 1 + byte offset of its SQL text, for errors; 0: none */
    uint32_t n_args;
    exec_expr **args;
};

exec_expr *exec_expr_column(bk_arena *a, uint32_t column, const bk_type *type);
exec_expr *exec_expr_const(bk_arena *a, const bk_vector *value);
exec_expr *exec_expr_call(bk_arena *a, const char *name, exec_kernel kernel, const bk_type *type,
                          exec_expr **args, uint32_t n_args);

/*
 * Evaluate `e` over the rows of `in`; the result has in->n rows in call->a (or
 * is one of in's own vectors, for a column reference).
 */
bk_status exec_eval(exec_ctx *ctx, bk_arena *a, const exec_expr *e, const exec_chunk *in,
                    bk_vector **out, bk_error *err);

/* Rows of `in` for which the BOOLEAN `pred` is true, as indexes into sel (n_sel). */
bk_status exec_eval_filter(exec_ctx *ctx, bk_arena *a, const exec_expr *pred, const exec_chunk *in,
                           uint32_t *sel, size_t *n_sel, bk_error *err);

/* An EXEC_EXPR_HOF over the rows of `in` (fn_lambda.c; fn_lambda.h says what it computes). */
bk_status exec_eval_hof(exec_ctx *ctx, bk_arena *a, const exec_expr *e, const exec_chunk *in,
                        bk_vector **out, bk_error *err);

/* Render `e` for EXPLAIN ("(#0 + 1)"); `names` may name the input columns. */
struct bk_buf;
bk_status exec_expr_format(const exec_expr *e, const char *const *names, struct bk_buf *out);

/* ---- physical plans ---- */

typedef enum exec_node_kind {
    EXEC_NODE_VALUES,    /* rows of a materialized table */
    EXEC_NODE_RANGE,     /* range(start, end, step): one BIGINT column "id" */
    EXEC_NODE_PARQUET,   /* a Parquet file */
    EXEC_NODE_DELTA,     /* a Delta table snapshot */
    EXEC_NODE_FILTER,    /* child rows where pred is true */
    EXEC_NODE_PROJECT,   /* exprs over child rows */
    EXEC_NODE_AGGREGATE, /* GROUP BY keys, aggregates */
    EXEC_NODE_JOIN,      /* hash join: child is the probe side, right the build side */
    EXEC_NODE_SORT,      /* ORDER BY, with an optional limit (top-N) */
    EXEC_NODE_LIMIT,     /* LIMIT / OFFSET */
    EXEC_NODE_UNION,     /* UNION ALL of children */
    EXEC_NODE_EXPAND,    /* each child row becomes several rows (grouping sets, unpivot) */
    EXEC_NODE_WINDOW,    /* child columns, then one column per window function */
    EXEC_NODE_GENERATE,  /* child columns ++ the rows a generator makes of them (op_generate.c) */
} exec_node_kind;

/* Generators (explode & co.): what one input value becomes. */
typedef enum exec_gen_kind {
    EXEC_GEN_EXPLODE, /* ARRAY: one row per element (col); MAP: one per entry (key, value) */
    EXEC_GEN_INLINE,  /* ARRAY<STRUCT>: one row per element, one column per field */
} exec_gen_kind;

typedef struct exec_sort_key {
    uint32_t column;
    bool descending;
    bool nulls_first;
} exec_sort_key;

typedef enum exec_agg_kind {
    EXEC_AGG_COUNT_STAR,
    EXEC_AGG_COUNT,
    EXEC_AGG_SUM,
    EXEC_AGG_AVG,
    EXEC_AGG_MIN,
    EXEC_AGG_MAX,
    /* agg_stats.c, agg_pick.c, agg_log.c, agg_hll.c (agg_int.h) */
    EXEC_AGG_VAR_SAMP,     /* variance / var_samp: DOUBLE, NULL for n < 2 */
    EXEC_AGG_VAR_POP,      /* var_pop */
    EXEC_AGG_STDDEV_SAMP,  /* stddev / std / stddev_samp */
    EXEC_AGG_STDDEV_POP,   /* stddev_pop */
    EXEC_AGG_COUNT_IF,     /* rows where the BOOLEAN column is true */
    EXEC_AGG_FIRST,        /* first / any_value in source order; ignore_nulls */
    EXEC_AGG_LAST,         /* last in source order; ignore_nulls */
    EXEC_AGG_MAX_BY,       /* column at the row with the largest column2 */
    EXEC_AGG_MIN_BY,       /* column at the row with the smallest column2 */
    EXEC_AGG_COLLECT_LIST, /* ARRAY of the non-NULL values in source order (+distinct: a set) */
    EXEC_AGG_PERCENTILE,   /* exact, interpolated: DOUBLE or ARRAY<DOUBLE> (params) */
    EXEC_AGG_PERCENTILE_APPROX, /* the value of rank ceil(p * n): the input type (or ARRAY) */
    EXEC_AGG_APPROX_COUNT_DISTINCT, /* HyperLogLog++ sketch, BIGINT */
    EXEC_AGG_PERCENTILE_DISC,       /* percentile_disc: the value of rank ceil(p * n), DOUBLE */
    EXEC_AGG_SKEWNESS,              /* third / fourth central moments: DOUBLE */
    EXEC_AGG_KURTOSIS,
    EXEC_AGG_COVAR_POP,             /* over (column, column2), rows with both non-NULL: DOUBLE */
    EXEC_AGG_COVAR_SAMP,
    EXEC_AGG_CORR,
} exec_agg_kind;

typedef struct exec_agg {
    exec_agg_kind kind;
    uint32_t column;     /* the input column (not for COUNT_STAR) */
    const bk_type *type; /* result type */
    bool distinct;
    /* the kinds of agg_int.h */
    uint32_t column2;      /* MAX_BY / MIN_BY: the ordering column; FIRST / LAST: the FILTER */
    bool filtered;         /* FIRST / LAST: rows where column2 is NULL are skipped */
    bool ignore_nulls;     /* FIRST / LAST */
    const double *params;  /* PERCENTILE(_APPROX): the percentages */
    uint32_t n_params;
    bool params_array;     /* the percentages were an array: the result is an ARRAY */
    double rsd;            /* APPROX_COUNT_DISTINCT: relative standard deviation */
    bool descending;       /* PERCENTILE_DISC: WITHIN GROUP (ORDER BY x DESC) */
} exec_agg;

/* The name EXPLAIN prints for an aggregate kind ("var_samp", ...); agg_ext.c. */
const char *exec_agg_name(exec_agg_kind k);
/* Whether the aggregate reads column2 as well (MAX_BY, MIN_BY, COVAR_*, CORR, a filtered
 * FIRST / LAST). */
bool exec_agg_uses_column2(const exec_agg *agg);

typedef enum exec_join_kind {
    EXEC_JOIN_INNER,
    EXEC_JOIN_LEFT,  /* every probe row; build columns NULL when unmatched */
    EXEC_JOIN_SEMI,  /* probe rows with a match */
    EXEC_JOIN_ANTI,  /* probe rows without a match */
    EXEC_JOIN_RIGHT, /* every build row */
    EXEC_JOIN_FULL,
    /* the build side's rows with a match (RIGHT_SEMI) or without one (RIGHT_ANTI),
     * build columns only: a semi / anti join whose left side is the small one, so
     * the big side streams as the probe instead of being hashed */
    EXEC_JOIN_RIGHT_SEMI,
    EXEC_JOIN_RIGHT_ANTI,
} exec_join_kind;

/* ---- window functions (op_window.c) ---- */

typedef enum exec_win_kind {
    EXEC_WIN_ROW_NUMBER,   /* INT */
    EXEC_WIN_RANK,         /* INT */
    EXEC_WIN_DENSE_RANK,   /* INT */
    EXEC_WIN_PERCENT_RANK, /* DOUBLE */
    EXEC_WIN_CUME_DIST,    /* DOUBLE */
    EXEC_WIN_NTILE,        /* INT: `n` buckets */
    EXEC_WIN_LAG,          /* the row `n` rows before (lead: n < 0), else column `dflt` */
    EXEC_WIN_FIRST_VALUE,  /* first (non-NULL when ignore_nulls) value of the frame */
    EXEC_WIN_LAST_VALUE,
    EXEC_WIN_NTH_VALUE,    /* the `n`-th (1-based) value of the frame */
    EXEC_WIN_AGG,          /* aggregate `agg` over the frame */
} exec_win_kind;

/* Frame bounds, in the order of the SQL keywords. */
typedef enum exec_frame_kind {
    EXEC_FRAME_UNBOUNDED_PRECEDING,
    EXEC_FRAME_PRECEDING,
    EXEC_FRAME_CURRENT_ROW,
    EXEC_FRAME_FOLLOWING,
    EXEC_FRAME_UNBOUNDED_FOLLOWING,
} exec_frame_kind;

/*
 * A frame: ROWS counts rows (offset = n rows); RANGE compares the single ORDER
 * BY key with a per-row bound the planner computed into a child column
 * (`*_col`: key - n or key + n, whichever precedes in the sort order for a
 * PRECEDING start, ...), and CURRENT ROW means the row's peers.
 */
typedef struct exec_win_frame {
    bool range;
    exec_frame_kind start, end;
    int64_t start_off, end_off; /* ROWS: rows before (PRECEDING) or after (FOLLOWING) */
    uint32_t start_col, end_col; /* RANGE with an offset: the bound column */
    uint32_t key_col;            /* RANGE with an offset: the key, as the bound columns' type */
} exec_win_frame;

typedef struct exec_win_fn {
    exec_win_kind kind;
    exec_agg_kind agg;   /* EXEC_WIN_AGG */
    uint32_t arg;        /* the value column (not for ranking, COUNT_STAR) */
    uint32_t dflt;       /* LAG: the default column (same type as arg) */
    int64_t n;           /* LAG offset, NTILE buckets, NTH_VALUE position */
    bool ignore_nulls;   /* LAG, FIRST/LAST/NTH_VALUE */
    const exec_agg *ext; /* EXEC_WIN_AGG of a kind of agg_int.h (columns: the child's), or NULL */
    exec_win_frame frame;
    const bk_type *type; /* result */
    const char *name;    /* the call as written, for EXPLAIN */
} exec_win_fn;

/* What a scan read and skipped, summed over its runs (EXPLAIN ANALYZE). */
typedef struct exec_scan_stats {
    _Atomic uint64_t files_total, files_skipped;           /* DELTA */
    _Atomic uint64_t row_groups_total, row_groups_skipped; /* by footer statistics */
    _Atomic uint64_t pages_total, pages_skipped;           /* by the column index */
    _Atomic uint64_t rows_filtered; /* rows decoded and dropped by the predicates */
} exec_scan_stats;

typedef struct exec_node exec_node;

struct exec_node {
    exec_node_kind kind;
    const bk_type *schema; /* the output: a STRUCT, one field per column */
    exec_node *child;      /* the input (probe side of a join) */
    exec_node *right;      /* JOIN: the build side */
    exec_node **children;  /* UNION */
    uint32_t n_children;
    union {
        struct {
            exec_table *table;
        } values;
        struct {
            int64_t start, end, step;
        } range;
        struct {
            const char *path;
            void *reader; /* pq_reader *, opened by the planner for the whole query */
            const uint32_t *fields; /* projected file columns */
            uint32_t n_fields;
            /* conjuncts of the filter above on file columns (plan/scan_pushdown.c); the
             * scan skips row groups and pages and drops rows by them, the filter stays */
            const struct pq_predicate *preds;
            uint32_t n_preds;
            bool no_pushdown; /* spark.sql.parquet.filterPushdown = false: no join filters */
        } parquet;
        struct {
            void *snapshot; /* delta_snapshot *, opened by the planner */
            const uint32_t *fields;
            uint32_t n_fields;
            const struct pq_predicate *preds; /* on table fields: files, row groups, pages */
            uint32_t n_preds;
            bool no_pushdown; /* spark.databricks.delta.stats.skipping = false: no join filters */
        } delta;
        struct {
            exec_expr *pred;
        } filter;
        struct {
            exec_expr **exprs;
            uint32_t n_exprs;
        } project;
        struct {
            const uint32_t *keys; /* group-by columns of the child */
            uint32_t n_keys;
            const exec_agg *aggs;
            uint32_t n_aggs;
        } agg;
        struct {
            exec_join_kind kind;
            const uint32_t *probe_keys, *build_keys;
            uint32_t n_keys;
            exec_expr *extra; /* non-equi condition over probe ++ build columns, or NULL */
            bool null_safe;   /* NULL keys match NULL keys (INTERSECT, EXCEPT, <=>) */
        } join;
        struct {
            const exec_sort_key *keys;
            uint32_t n_keys;
            int64_t limit; /* < 0: none */
        } sort;
        struct {
            int64_t limit; /* < 0: none */
            int64_t offset;
        } limit;
        struct {
            /*
             * n_projections lists of schema->n_children expressions over the child:
             * every input row gives one output row per list (all rows of list 0,
             * then of list 1, … within a chunk).  With `repeat` (a BIGINT over the
             * child; then n_projections == 1) a row is emitted `repeat` times
             * instead, none when it is NULL or < 1 (INTERSECT ALL, EXCEPT ALL).
             */
            exec_expr ***projections;
            uint32_t n_projections;
            exec_expr *repeat;
        } expand;
        struct {
            const uint32_t *partition; /* PARTITION BY columns of the child */
            uint32_t n_partition;
            const exec_sort_key *order; /* ORDER BY within a partition */
            uint32_t n_order;
            const exec_win_fn *fns; /* one output column each, after the child's */
            uint32_t n_fns;
        } window;
        struct {
            exec_expr *arg;     /* over the child's columns: ARRAY or MAP */
            exec_gen_kind kind;
            bool with_pos;      /* posexplode: an INT column `pos` first */
            bool outer;         /* a NULL or empty value gives one row of NULLs */
        } generate;
    } u;
    /* EXPLAIN ANALYZE */
    _Atomic uint64_t rows_out;
    _Atomic int64_t ns;
    exec_scan_stats scan; /* PARQUET / DELTA: what the scan read and skipped */
};

exec_node *exec_node_make(bk_arena *a, exec_node_kind kind, const bk_type *schema,
                          exec_node *child);

/* Run `plan` to the end; every result row in *out (in ctx->arena). */
bk_status exec_run(exec_ctx *ctx, exec_node *plan, exec_table **out, bk_error *err);

#endif
