/*
 * parser_group.c — the GROUP BY clause, with Spark's grouping analytics.
 *
 *     group_by    ALL
 *                 | element (, element)*                      (mixed forms)
 *                 | expr (, expr)* [WITH ROLLUP | WITH CUBE | GROUPING SETS ( gelem, … )]
 *     element     ROLLUP ( gset, … ) | CUBE ( gset, … ) | GROUPING SETS ( gelem, … ) | expr
 *     gelem       ROLLUP (…) | CUBE (…) | GROUPING SETS (…) | gset
 *     gset        ( [expr (, expr)*] ) | expr
 *
 * Every analytics form is expanded here into the list of grouping sets it
 * means (sql_select.sets), which is pure syntax: ROLLUP(g1..gn) is the n+1
 * prefixes longest first, CUBE(g1..gn) every subset in Spark's order
 * (Analyzer.cubeExprs: the sets with g1, then those without), GROUPING SETS the
 * concatenation of its elements' sets, and a list of elements the cross product
 * of their sets (a plain expression is the one set {expr}).  Duplicate sets are
 * kept: Spark returns their rows as often as they appear.  Nothing is resolved:
 * the binder dedups the grouping expressions by meaning.
 */
#include <string.h>

#include "engine/sql/parser_int.h"

/* More sets than this is a query nobody means (CUBE of 13 columns is 8192). */
#define MAX_GROUPING_SETS 4096
/* Expressions in all expanded sets of one statement together (memory stays small). */
#define MAX_SET_SLOTS (1u << 20)

/* A growable list of grouping sets plus the expressions they came from, in order. */
typedef struct gsets {
    sql_expr ***sets;
    uint32_t *sizes;
    uint32_t n, cap;
    sql_expr **flat;
    uint32_t n_flat, cap_flat;
} gsets;

static bk_status too_many(parser *p, uint32_t start) {
    bk_status s = bk_error_set(p->err, BK_LIMIT_EXCEEDED,
                               "GROUP BY expands to more than %d grouping sets (or %u "
                               "expressions in them); list the sets with GROUPING SETS instead "
                               "of a large CUBE or ROLLUP.",
                               MAX_GROUPING_SETS, MAX_SET_SLOTS);
    if (p->err && p->err->sql_pos < 0) p->err->sql_pos = (int)start;
    return s;
}

static bk_status add_set(parser *p, gsets *g, sql_expr **set, uint32_t n) {
    if (g->n == MAX_GROUPING_SETS) return too_many(p, p_peek(p)->off);
    if (g->n == g->cap) {
        uint32_t c = g->cap ? g->cap * 2 : 8;
        sql_expr ***sets = bk_arena_array(p->a, c, sizeof *sets);
        uint32_t *sizes = bk_arena_array(p->a, c, sizeof *sizes);
        if (!sets || !sizes) return p_oom(p);
        if (g->n) {
            memcpy(sets, g->sets, g->n * sizeof *sets);
            memcpy(sizes, g->sizes, g->n * sizeof *sizes);
        }
        g->sets = sets;
        g->sizes = sizes;
        g->cap = c;
    }
    g->sets[g->n] = set;
    g->sizes[g->n++] = n;
    return BK_OK;
}

static bk_status add_flat(parser *p, gsets *g, sql_expr *const *e, uint32_t n) {
    for (uint32_t i = 0; i < n; i++)
        BK_TRY(p_push(p, (void ***)&g->flat, &g->n_flat, &g->cap_flat, e[i]));
    return BK_OK;
}

/* x ++ y as a new expression array (all of them together stay under MAX_SET_SLOTS). */
static bk_status concat(parser *p, sql_expr **x, uint32_t nx, sql_expr **y, uint32_t ny,
                        sql_expr ***out) {
    if ((p->group_slots += nx + ny) > MAX_SET_SLOTS) return too_many(p, p_peek(p)->off);
    *out = bk_arena_array(p->a, nx + ny ? nx + ny : 1, sizeof **out);
    if (!*out) return p_oom(p);
    if (nx) memcpy(*out, x, nx * sizeof **out);
    if (ny) memcpy(*out + nx, y, ny * sizeof **out);
    return BK_OK;
}

/* gset -> ( [expr, …] ) | expr.  A parenthesised expression followed by an operator is an expr. */
static bk_status grouping_set(parser *p, sql_expr ***set, uint32_t *n) {
    *set = NULL;
    *n = 0;
    uint32_t cap = 0;
    if (p_is_op(p, "(")) {
        size_t save = p->pos;
        p->pos++;
        bk_status s = BK_OK;
        if (!p_is_op(p, ")")) {
            do {
                sql_expr *e;
                s = p_expr(p, &e);
                if (s == BK_OK) s = p_push(p, (void ***)set, n, &cap, e);
            } while (s == BK_OK && p_accept_op(p, ","));
        }
        if (s == BK_OK && p_accept_op(p, ")") && (p_is_op(p, ",") || p_is_op(p, ")")))
            return BK_OK;
        if (s == BK_OK && *n == 0) return p_syntax_error(p);
        /* (a + b) * 2: an expression after all */
        if (p->err) bk_error_clear(p->err);
        p->pos = save;
        *set = NULL;
        *n = 0;
        cap = 0;
    }
    sql_expr *e;
    BK_TRY(p_expr(p, &e));
    return p_push(p, (void ***)set, n, &cap, e);
}

static bool at_analytics(const parser *p) {
    bool paren = p_peek_at(p, 1)->kind == SQL_TOK_OP && strcmp(p_peek_at(p, 1)->text, "(") == 0;
    return ((p_is_kw(p, "ROLLUP") || p_is_kw(p, "CUBE")) && paren) ||
           (p_is_kw(p, "GROUPING") && p_is_kw_at(p, 1, "SETS"));
}

static bk_status analytics(parser *p, gsets *out);

/* ROLLUP / CUBE of the sets in `in`, into out. */
static bk_status rollup_or_cube(parser *p, bool cube, const gsets *in, gsets *out) {
    if (in->n >= MAX_GROUPING_SETS) return too_many(p, p_peek(p)->off);
    if (!cube) {
        /* the prefixes, longest first: (g1..gn), (g1..gn-1), …, () */
        for (uint32_t len = in->n + 1; len-- > 0;) {
            sql_expr **set = NULL;
            uint32_t n = 0;
            for (uint32_t i = 0; i < len; i++) {
                sql_expr **grown;
                BK_TRY(concat(p, set, n, in->sets[i], in->sizes[i], &grown));
                set = grown;
                n += in->sizes[i];
            }
            BK_TRY(add_set(p, out, set, n));
        }
        return BK_OK;
    }
    /* cube(g1, rest) = g1 ++ each of cube(rest), then cube(rest) */
    if (in->n >= 13) return too_many(p, p_peek(p)->off);
    uint32_t total = 1u << in->n;
    for (uint32_t k = 0; k < total; k++) {
        /* bit (n-1-i) of ~k says whether g_i is in the k-th set, in cubeExprs' order */
        sql_expr **set = NULL;
        uint32_t n = 0;
        for (uint32_t i = 0; i < in->n; i++) {
            if (k & (1u << (in->n - 1 - i))) continue;
            sql_expr **grown;
            BK_TRY(concat(p, set, n, in->sets[i], in->sizes[i], &grown));
            set = grown;
            n += in->sizes[i];
        }
        BK_TRY(add_set(p, out, set, n));
    }
    return BK_OK;
}

/* ROLLUP ( gset, … ) | CUBE ( gset, … ) | GROUPING SETS ( gelem, … ), appended to out. */
static bk_status analytics(parser *p, gsets *out) {
    BK_TRY(p_enter(p));
    uint32_t start = p_peek(p)->off;
    bk_status s = BK_OK;
    if (p_is_kw(p, "GROUPING")) {
        p->pos += 2;
        s = p_expect_op(p, "(");
        while (s == BK_OK) {
            if (at_analytics(p)) {
                s = analytics(p, out);
            } else {
                sql_expr **set;
                uint32_t n;
                s = grouping_set(p, &set, &n);
                if (s == BK_OK) s = add_set(p, out, set, n);
                if (s == BK_OK) s = add_flat(p, out, set, n);
            }
            if (s != BK_OK || !p_accept_op(p, ",")) break;
        }
        if (s == BK_OK) s = p_expect_op(p, ")");
        p_leave(p);
        return s;
    }
    bool cube = p_is_kw(p, "CUBE");
    p->pos += 2;
    gsets in = {0};
    do {
        sql_expr **set;
        uint32_t n;
        s = grouping_set(p, &set, &n);
        if (s == BK_OK && n == 0) {
            s = bk_error_set(p->err, BK_EMPTY_GROUPING_SET,
                             "Empty set in %s grouping sets is not supported.",
                             cube ? "CUBE" : "ROLLUP");
            if (p->err && p->err->sql_pos < 0) p->err->sql_pos = (int)start;
        }
        if (s == BK_OK) s = add_set(p, &in, set, n);
        if (s == BK_OK) s = add_flat(p, out, set, n);
    } while (s == BK_OK && p_accept_op(p, ","));
    if (s == BK_OK) s = p_expect_op(p, ")");
    if (s == BK_OK) s = rollup_or_cube(p, cube, &in, out);
    p_leave(p);
    return s;
}

/* acc := acc × next (every set of acc extended by every set of next). */
static bk_status cross(parser *p, gsets *acc, const gsets *next) {
    if ((uint64_t)acc->n * next->n > MAX_GROUPING_SETS) return too_many(p, p_peek(p)->off);
    gsets r = {0};
    for (uint32_t i = 0; i < acc->n; i++)
        for (uint32_t j = 0; j < next->n; j++) {
            sql_expr **set;
            BK_TRY(concat(p, acc->sets[i], acc->sizes[i], next->sets[j], next->sizes[j], &set));
            BK_TRY(add_set(p, &r, set, acc->sizes[i] + next->sizes[j]));
        }
    acc->sets = r.sets;
    acc->sizes = r.sizes;
    acc->n = r.n;
    acc->cap = r.cap;
    return BK_OK;
}

static bk_status finish(parser *p, sql_select *s, const gsets *g) {
    s->group_kind = SQL_GROUP_SETS;
    s->sets = g->sets;
    s->n_sets = g->n;
    s->set_sizes = g->sizes;
    if (!s->sets) {
        s->sets = bk_arena_zalloc(p->a, sizeof *s->sets);
        s->set_sizes = bk_arena_zalloc(p->a, sizeof *s->set_sizes);
        if (!s->sets || !s->set_sizes) return p_oom(p);
    }
    return BK_OK;
}

bk_status p_group_by(parser *p, sql_select *s) {
    if (p_accept_kw(p, "ALL")) {
        s->group_kind = SQL_GROUP_ALL;
        return BK_OK;
    }
    /* the elements first: a plain GROUP BY costs no set arithmetic */
    gsets *els = NULL;
    uint32_t n_els = 0, cap_els = 0, cap = 0;
    bool any_analytics = false;
    gsets flat = {0};
    do {
        if (n_els == cap_els) {
            uint32_t c = cap_els ? cap_els * 2 : 8;
            gsets *grown = bk_arena_zalloc(p->a, c * sizeof *grown);
            if (!grown) return p_oom(p);
            if (n_els) memcpy(grown, els, n_els * sizeof *els);
            els = grown;
            cap_els = c;
        }
        gsets *el = &els[n_els++];
        if (at_analytics(p)) {
            any_analytics = true;
            BK_TRY(analytics(p, el));
            BK_TRY(add_flat(p, &flat, el->flat, el->n_flat));
        } else {
            sql_expr **one = bk_arena_alloc(p->a, sizeof *one);
            if (!one) return p_oom(p);
            BK_TRY(p_expr(p, &one[0]));
            BK_TRY(add_set(p, el, one, 1));
            BK_TRY(add_flat(p, &flat, one, 1));
            BK_TRY(p_push(p, (void ***)&s->group, &s->n_group, &cap, one[0]));
        }
    } while (p_accept_op(p, ","));
    if (any_analytics) {
        gsets acc = {0};
        BK_TRY(add_set(p, &acc, NULL, 0)); /* the empty product */
        for (uint32_t i = 0; i < n_els; i++) BK_TRY(cross(p, &acc, &els[i]));
        s->group = flat.flat;
        s->n_group = flat.n_flat;
        return finish(p, s, &acc);
    }
    /* GROUP BY a, b  [WITH ROLLUP | WITH CUBE | GROUPING SETS (…)] */
    if (p_is_kw(p, "WITH") && (p_is_kw_at(p, 1, "ROLLUP") || p_is_kw_at(p, 1, "CUBE"))) {
        bool cube = p_is_kw_at(p, 1, "CUBE");
        p->pos += 2;
        gsets in = {0}, out = {0};
        for (uint32_t i = 0; i < s->n_group; i++) BK_TRY(add_set(p, &in, &s->group[i], 1));
        BK_TRY(rollup_or_cube(p, cube, &in, &out));
        return finish(p, s, &out);
    }
    if (p_is_kw(p, "GROUPING") && p_is_kw_at(p, 1, "SETS")) {
        gsets out = {0};
        BK_TRY(analytics(p, &out));
        return finish(p, s, &out);
    }
    s->group_kind = SQL_GROUP_EXPRS;
    return BK_OK;
}
