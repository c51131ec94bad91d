/*
 * ast.h — the syntax tree of Spark SQL statements.
 *
 * Every node is allocated in the parse arena and carries `span`, its bytes in
 * the statement text (for error messages pointing at the fragment).  Lists are
 * arrays with a count.  Names are sql_name: the parts of a possibly qualified
 * identifier (`cat.db.t`, `t.col`), each with its spelling and whether it was
 * backquoted.  Literals keep their source text; the binder gives them types.
 */
#ifndef BRICKS_ENGINE_SQL_AST_H
#define BRICKS_ENGINE_SQL_AST_H

#include "base/arena.h"
#include "base/error.h"
#include "base/types.h"

typedef struct sql_span {
    uint32_t off, len;
} sql_span;

typedef struct sql_ident {
    const char *text;
    bool quoted;
    sql_span span;
} sql_ident;

typedef struct sql_name {
    sql_ident *parts;
    uint32_t n;
    sql_span span;
} sql_name;

typedef struct sql_expr sql_expr;
typedef struct sql_query sql_query;

/* ---- expressions ---- */

typedef enum sql_expr_kind {
    SQL_E_NULL,      /* NULL */
    SQL_E_BOOL,      /* TRUE / FALSE: b */
    SQL_E_NUMBER,    /* text: "12", "1.5", "1e3", "12L", "1.5BD" */
    SQL_E_STRING,    /* text (len bytes) */
    SQL_E_BINARY,    /* text: hex digits of X'…' */
    SQL_E_TYPED,     /* DATE '…', TIMESTAMP '…', TIMESTAMP_NTZ '…': type_name, text */
    SQL_E_INTERVAL,  /* INTERVAL …: text is the literal as written after INTERVAL */
    SQL_E_COLUMN,    /* name */
    SQL_E_STAR,      /* [name.]* with optional EXCEPT (except) */
    SQL_E_UNARY,     /* op args[0]: "-", "+", "~", "NOT" */
    SQL_E_BINARY_OP, /* args[0] op args[1]: "+", "AND", "=", "<=>", "||", "DIV", ... */
    SQL_E_FUNC,      /* name(args): distinct, star, filter, over, ignore_nulls */
    SQL_E_CASE,      /* CASE [operand] WHEN args[2i] THEN args[2i+1] ... [ELSE else_] END */
    SQL_E_CAST,      /* CAST(args[0] AS type) / TRY_CAST / args[0]::type */
    SQL_E_IN,        /* args[0] [NOT] IN (args[1..]) */
    SQL_E_IN_QUERY,  /* args[0] [NOT] IN (query) */
    SQL_E_EXISTS,    /* [NOT] EXISTS (query) */
    SQL_E_SUBQUERY,  /* (query) as a scalar */
    SQL_E_BETWEEN,   /* args[0] [NOT] BETWEEN args[1] AND args[2] */
    SQL_E_LIKE,      /* args[0] [NOT] LIKE|ILIKE|RLIKE args[1] [ESCAPE args[2]]: op */
    SQL_E_IS,        /* args[0] IS [NOT] NULL|TRUE|FALSE|UNKNOWN: op; DISTINCT FROM args[1] */
    SQL_E_SUBSCRIPT, /* args[0][args[1]] */
    SQL_E_FIELD,     /* args[0].field */
    SQL_E_LAMBDA,    /* (params) -> args[0] */
    SQL_E_PARAM,     /* ? or :name */
} sql_expr_kind;

typedef struct sql_window {
    sql_ident *ref; /* OVER w, or the base window of OVER (w ...) */
    sql_expr **partition;
    uint32_t n_partition;
    struct sql_order *order;
    uint32_t n_order;
    bool has_frame;
    bool range;               /* RANGE (else ROWS) */
    int start_kind, end_kind; /* SQL_FRAME_* */
    sql_expr *start_off, *end_off;
} sql_window;

enum {
    SQL_FRAME_UNBOUNDED_PRECEDING,
    SQL_FRAME_PRECEDING,
    SQL_FRAME_CURRENT_ROW,
    SQL_FRAME_FOLLOWING,
    SQL_FRAME_UNBOUNDED_FOLLOWING
};

struct sql_expr {
    sql_expr_kind kind;
    sql_span span;
    const char *op;   /* operator / LIKE kind / IS kind, upper case */
    bool negated;     /* NOT IN, NOT BETWEEN, NOT LIKE, IS NOT, NOT EXISTS */
    bool b;           /* BOOL */
    const char *text; /* literal text */
    size_t text_len;
    const char *type_name; /* TYPED: DATE, TIMESTAMP, ... */
    const bk_type *type;   /* CAST target */
    sql_span type_span;
    bool try_cast;
    sql_name name; /* COLUMN, FUNC, STAR qualifier, FIELD (one part) */
    sql_expr **args;
    uint32_t n_args;
    sql_expr *operand; /* CASE operand */
    sql_expr *else_;   /* CASE ELSE */
    sql_query *query;  /* IN_QUERY, EXISTS, SUBQUERY */
    /* FUNC */
    bool distinct;
    bool star_arg;     /* count(*) */
    bool ignore_nulls; /* IGNORE NULLS */
    sql_expr *filter;  /* FILTER (WHERE …) */
    sql_window *over;  /* OVER (…) */
    struct sql_order *within_group;
    uint32_t n_within_group;
    sql_ident *arg_aliases; /* struct(x AS a, y): n_args entries, text NULL when unaliased */
    /* STAR */
    sql_name *except;
    uint32_t n_except;
    /* LAMBDA */
    sql_ident *params;
    uint32_t n_params;
};

typedef struct sql_order {
    sql_expr *expr;
    bool descending;
    int nulls; /* 0 default, 1 first, 2 last */
} sql_order;

/* ---- FROM ---- */

typedef enum sql_join_kind {
    SQL_JOIN_INNER,
    SQL_JOIN_LEFT,
    SQL_JOIN_RIGHT,
    SQL_JOIN_FULL,
    SQL_JOIN_SEMI,
    SQL_JOIN_ANTI,
    SQL_JOIN_CROSS,
} sql_join_kind;

typedef enum sql_from_kind {
    SQL_FROM_TABLE,    /* name [time travel] */
    SQL_FROM_QUERY,    /* (query) */
    SQL_FROM_JOIN,     /* left JOIN right ON/USING */
    SQL_FROM_FUNCTION, /* range(…), explode(…) */
    SQL_FROM_VALUES,   /* VALUES (…), (…) */
    SQL_FROM_PIVOT,    /* left PIVOT (…): pivot */
    SQL_FROM_UNPIVOT,  /* left UNPIVOT [INCLUDE|EXCLUDE NULLS] (…): pivot */
} sql_from_kind;

/* One IN item of UNPIVOT: a column, or (c1, c2, …) for several value columns. */
typedef struct sql_unpivot_item {
    sql_name *cols;
    uint32_t n_cols;
    sql_ident *alias; /* [AS] alias, or NULL */
} sql_unpivot_item;

/*
 * PIVOT (agg [AS a], … FOR col | (c1, …) IN (v [AS a], …))  and
 * UNPIVOT [INCLUDE|EXCLUDE NULLS] (value | (v1, …) FOR name IN (item, …)).
 */
typedef struct sql_pivot {
    struct sql_select_item *aggs; /* PIVOT: the aggregates */
    uint32_t n_aggs;
    sql_ident *cols; /* PIVOT: the pivot column(s) */
    uint32_t n_cols;
    struct sql_select_item *values; /* PIVOT: IN values; (a, b) is a struct(…) call */
    uint32_t n_values;
    bool include_nulls;     /* UNPIVOT INCLUDE NULLS (default EXCLUDE) */
    sql_ident *value_cols;  /* UNPIVOT: the value column names */
    uint32_t n_value_cols;
    sql_ident name_col;     /* UNPIVOT: the name column */
    sql_unpivot_item *items; /* UNPIVOT: IN items */
    uint32_t n_items;
    sql_span span;
} sql_pivot;

typedef struct sql_from sql_from;
struct sql_from {
    sql_from_kind kind;
    sql_span span;
    sql_name name;       /* TABLE; FUNCTION name */
    sql_expr *version;   /* VERSION AS OF */
    sql_expr *timestamp; /* TIMESTAMP AS OF */
    sql_query *query;    /* QUERY */
    sql_expr **args;     /* FUNCTION args */
    uint32_t n_args;
    sql_expr ***rows; /* VALUES: rows of n_cols expressions */
    uint32_t n_rows, n_cols;
    sql_ident *alias;       /* [AS] alias */
    sql_ident *col_aliases; /* alias(c1, c2) */
    uint32_t n_col_aliases;
    /* JOIN */
    sql_join_kind join;
    bool natural;
    sql_from *left, *right;
    sql_expr *on;
    sql_ident *using_cols;
    uint32_t n_using;
    /* PIVOT / UNPIVOT of `left` */
    sql_pivot *pivot;
    /* LATERAL VIEW [OUTER] f(args) alias AS c1, c2 applied to this source */
    struct sql_lateral *laterals;
    uint32_t n_laterals;
};

typedef struct sql_lateral {
    bool outer;
    sql_expr *call;
    sql_ident *alias;
    sql_ident *cols;
    uint32_t n_cols;
} sql_lateral;

/* ---- queries ---- */

typedef struct sql_select_item {
    sql_expr *expr;
    sql_ident *alias;
    sql_ident *aliases; /* AS (a, b): a generator's columns */
    uint32_t n_aliases;
} sql_select_item;

typedef enum sql_group_kind {
    SQL_GROUP_NONE,
    SQL_GROUP_EXPRS,
    SQL_GROUP_ALL,
    SQL_GROUP_ROLLUP, /* not produced: the parser expands ROLLUP and CUBE into SETS */
    SQL_GROUP_CUBE,
    SQL_GROUP_SETS
} sql_group_kind;

typedef struct sql_named_window {
    sql_ident name;
    sql_window *window;
} sql_named_window;

typedef struct sql_select {
    bool distinct;
    sql_select_item *items;
    uint32_t n_items;
    sql_from *from; /* NULL: SELECT without FROM; comma lists become CROSS joins */
    sql_expr *where;
    sql_group_kind group_kind;
    /*
     * EXPRS: the GROUP BY list.  SETS (every ROLLUP / CUBE / GROUPING SETS form,
     * mixed ones included, already expanded by the parser): the grouping
     * expressions — the user's list in `GROUP BY a, b GROUPING SETS (…)`, else
     * every expression of the clause in order (duplicates allowed).
     */
    sql_expr **group;
    uint32_t n_group;
    /* GROUPING SETS: each set is a list of expressions (duplicate sets are kept) */
    sql_expr ***sets;
    uint32_t *set_sizes;
    uint32_t n_sets;
    sql_expr *having;
    sql_expr *qualify;
    sql_named_window *windows;
    uint32_t n_windows;
} sql_select;

typedef enum sql_query_kind { SQL_Q_SELECT, SQL_Q_SETOP, SQL_Q_VALUES, SQL_Q_TABLE } sql_query_kind;

typedef struct sql_cte {
    sql_ident name;
    sql_ident *cols;
    uint32_t n_cols;
    sql_query *query;
} sql_cte;

struct sql_query {
    sql_query_kind kind;
    sql_span span;
    sql_cte *ctes; /* WITH */
    uint32_t n_ctes;
    sql_select *select;
    /* SETOP */
    const char *setop; /* "UNION", "INTERSECT", "EXCEPT" */
    bool all;
    sql_query *left, *right;
    /* VALUES (a query on its own) */
    sql_from *values;
    /* TABLE t */
    sql_name table;
    /* ORDER BY / LIMIT / OFFSET of this query (after set operations) */
    sql_order *order;
    uint32_t n_order;
    bool order_all;
    sql_expr *limit; /* NULL: none (LIMIT ALL too) */
    sql_expr *offset;
};

/* ---- statements ---- */

typedef enum sql_stmt_kind {
    SQL_S_QUERY,
    SQL_S_EXPLAIN,
    SQL_S_SET, /* SET key = value; SET key; SET (all); SET TIME ZONE */
    SQL_S_RESET,
    SQL_S_CREATE_VIEW,
    SQL_S_DROP_VIEW,
    SQL_S_USE,
} sql_stmt_kind;

typedef struct sql_stmt sql_stmt;
struct sql_stmt {
    sql_stmt_kind kind;
    sql_span span;
    sql_query *query;  /* QUERY, CREATE_VIEW */
    sql_stmt *inner;   /* EXPLAIN */
    const char *mode;  /* EXPLAIN: "EXTENDED", "FORMATTED", "ANALYZE", or NULL */
    const char *key;   /* SET / RESET; NULL: all */
    const char *value; /* SET value as written (trimmed); NULL: show */
    sql_name name;     /* CREATE/DROP VIEW, USE */
    bool or_replace, temporary, global, if_exists, if_not_exists;
    sql_ident *cols; /* CREATE VIEW v (cols) */
    uint32_t n_cols;
};

#endif
