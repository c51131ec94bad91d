/*
 * prune.c — column pruning: every operator keeps only the columns above it needs.
 *
 * The binder builds plans with every column of every scan (SELECT * views, join
 * outputs with both sides).  This pass walks the plan from the root, knowing
 * which of a node's output columns are needed, and rebuilds each node to produce
 * only those plus what the node itself reads (filter predicates, join keys,
 * sort keys, aggregate inputs).  Scans then decode only the columns a query
 * uses, and joins and sorts copy only those.
 *
 * prune(node, need) returns the rebuilt node and `map`: for each old output
 * column its new index, or -1 when it is gone.  Expressions above are rewritten
 * through the map.
 */
#include <string.h>

#include "delta/delta.h"
#include "engine/plan/plan.h"

typedef struct pruner {
    bk_arena *a;
    bk_error *err;
} pruner;

/* Mark the columns e reads in need[]. */
static void expr_cols(const exec_expr *e, bool *need) {
    if (e->kind == EXEC_EXPR_COLUMN) need[e->column] = true;
    for (uint32_t i = 0; i < e->n_args; i++) expr_cols(e->args[i], need);
}

/* A copy of e with column indexes replaced through map (every used column survives). */
static exec_expr *remap(pruner *p, const exec_expr *e, const int32_t *map) {
    exec_expr *c = bk_arena_alloc(p->a, sizeof *c);
    if (!c) return NULL;
    *c = *e;
    if (e->kind == EXEC_EXPR_COLUMN) c->column = (uint32_t)map[e->column];
    if (e->n_args) {
        c->args = bk_arena_array(p->a, e->n_args, sizeof *c->args);
        if (!c->args) return NULL;
        for (uint32_t i = 0; i < e->n_args; i++) {
            c->args[i] = remap(p, e->args[i], map);
            if (!c->args[i]) return NULL;
        }
    }
    return c;
}

/* The STRUCT of the kept fields of `t` (keep[i]), and the old->new map. */
static const bk_type *sub_schema(pruner *p, const bk_type *t, const bool *keep, int32_t *map) {
    uint32_t n = 0;
    const char **names = bk_arena_array(p->a, t->n_children ? t->n_children : 1, sizeof *names);
    const bk_type **types = bk_arena_array(p->a, t->n_children ? t->n_children : 1, sizeof *types);
    if (!names || !types) return NULL;
    for (uint32_t i = 0; i < t->n_children; i++) {
        map[i] = keep[i] ? (int32_t)n : -1;
        if (!keep[i]) continue;
        names[n] = t->field_names[i];
        types[n] = t->children[i];
        n++;
    }
    return bk_type_make_struct(p->a, n, names, types, NULL);
}

static exec_node *prune(pruner *p, exec_node *n, const bool *need, int32_t *map);

static bool *bools(pruner *p, uint32_t n) { return bk_arena_zalloc(p->a, n ? n : 1); }
static int32_t *ints(pruner *p, uint32_t n) {
    return bk_arena_array(p->a, n ? n : 1, sizeof(int32_t));
}

static exec_node *copy_node(pruner *p, const exec_node *n) {
    exec_node *c = bk_arena_alloc(p->a, sizeof *c);
    if (c) *c = *n;
    return c;
}

/* A node whose output is its child's (filter, sort, limit): need passes through plus extra. */
static exec_node *prune_passthrough(pruner *p, exec_node *n, const bool *need, int32_t *map,
                                    const bool *extra) {
    uint32_t cn = n->child->schema->n_children;
    bool *cneed = bools(p, cn);
    int32_t *cmap = ints(p, cn);
    if (!cneed || !cmap) return NULL;
    for (uint32_t i = 0; i < cn; i++) cneed[i] = need[i] || (extra && extra[i]);
    exec_node *child = prune(p, n->child, cneed, cmap);
    if (!child) return NULL;
    exec_node *c = copy_node(p, n);
    if (!c) return NULL;
    c->child = child;
    c->schema = child->schema;
    memcpy(map, cmap, cn * sizeof *map);
    return c;
}

/*
 * A window keeps every function; the child keeps the passed-through columns
 * needed above and what the functions read (keys, arguments, defaults, bounds).
 */
static exec_node *prune_window(pruner *p, exec_node *n, const bool *need, int32_t *map) {
    uint32_t cn = n->child->schema->n_children, nf = n->u.window.n_fns;
    bool *cneed = bools(p, cn);
    int32_t *cmap = ints(p, cn);
    if (!cneed || !cmap) return NULL;
    for (uint32_t i = 0; i < cn; i++) cneed[i] = need[i];
    for (uint32_t k = 0; k < n->u.window.n_partition; k++) cneed[n->u.window.partition[k]] = true;
    for (uint32_t k = 0; k < n->u.window.n_order; k++) cneed[n->u.window.order[k].column] = true;
    for (uint32_t k = 0; k < nf; k++) {
        const exec_win_fn *f = &n->u.window.fns[k];
        bool reads_arg = f->kind >= EXEC_WIN_LAG &&
                         !(f->kind == EXEC_WIN_AGG && f->agg == EXEC_AGG_COUNT_STAR);
        if (reads_arg) cneed[f->arg] = true;
        if (f->kind == EXEC_WIN_LAG) cneed[f->dflt] = true;
        if (f->ext && exec_agg_uses_column2(f->ext)) cneed[f->ext->column2] = true;
        if (f->frame.range && (f->frame.start == EXEC_FRAME_PRECEDING ||
                               f->frame.start == EXEC_FRAME_FOLLOWING))
            cneed[f->frame.start_col] = true;
        if (f->frame.range &&
            (f->frame.end == EXEC_FRAME_PRECEDING || f->frame.end == EXEC_FRAME_FOLLOWING))
            cneed[f->frame.end_col] = true;
        if (f->frame.range) cneed[f->frame.key_col] = true;
    }
    exec_node *child = prune(p, n->child, cneed, cmap);
    exec_node *c = copy_node(p, n);
    uint32_t *part = bk_arena_array(p->a, n->u.window.n_partition + 1, sizeof *part);
    exec_sort_key *order = bk_arena_array(p->a, n->u.window.n_order + 1, sizeof *order);
    exec_win_fn *fns = bk_arena_array(p->a, nf + 1, sizeof *fns);
    if (!child || !c || !part || !order || !fns) return NULL;
    for (uint32_t k = 0; k < n->u.window.n_partition; k++)
        part[k] = (uint32_t)cmap[n->u.window.partition[k]];
    for (uint32_t k = 0; k < n->u.window.n_order; k++) {
        order[k] = n->u.window.order[k];
        order[k].column = (uint32_t)cmap[order[k].column];
    }
    for (uint32_t k = 0; k < nf; k++) {
        exec_win_fn *f = &fns[k];
        *f = n->u.window.fns[k];
        if (cmap[f->arg] >= 0) f->arg = (uint32_t)cmap[f->arg];
        if (f->kind == EXEC_WIN_LAG) f->dflt = (uint32_t)cmap[f->dflt];
        if (f->ext) { /* an aggregate of op_window_agg.c: its own copy, renumbered */
            exec_agg *x = bk_arena_memdup(p->a, f->ext, sizeof *x);
            if (!x) return NULL;
            x->column = f->arg;
            if (exec_agg_uses_column2(x)) x->column2 = (uint32_t)cmap[x->column2];
            f->ext = x;
        }
        if (f->frame.range && cmap[f->frame.start_col] >= 0)
            f->frame.start_col = (uint32_t)cmap[f->frame.start_col];
        if (f->frame.range && cmap[f->frame.end_col] >= 0)
            f->frame.end_col = (uint32_t)cmap[f->frame.end_col];
        if (f->frame.range) f->frame.key_col = (uint32_t)cmap[f->frame.key_col];
    }
    uint32_t ncn = child->schema->n_children;
    const char **names = bk_arena_array(p->a, ncn + nf + 1, sizeof *names);
    const bk_type **types = bk_arena_array(p->a, ncn + nf + 1, sizeof *types);
    if (!names || !types) return NULL;
    for (uint32_t i = 0; i < ncn; i++) {
        names[i] = child->schema->field_names[i];
        types[i] = child->schema->children[i];
    }
    for (uint32_t k = 0; k < nf; k++) {
        names[ncn + k] = n->schema->field_names[cn + k];
        types[ncn + k] = n->schema->children[cn + k];
    }
    c->child = child;
    c->u.window.partition = part;
    c->u.window.order = order;
    c->u.window.fns = fns;
    c->schema = bk_type_make_struct(p->a, ncn + nf, names, types, NULL);
    for (uint32_t i = 0; i < cn; i++) map[i] = cmap[i];
    for (uint32_t k = 0; k < nf; k++) map[cn + k] = (int32_t)(ncn + k);
    return c->schema ? c : NULL;
}

static exec_node *prune(pruner *p, exec_node *n, const bool *need, int32_t *map) {
    uint32_t nout = n->schema->n_children;
    switch (n->kind) {
    case EXEC_NODE_PARQUET:
    case EXEC_NODE_DELTA: {
        exec_node *c = copy_node(p, n);
        uint32_t *fields = bk_arena_array(p->a, nout ? nout : 1, sizeof *fields);
        if (!c || !fields) return NULL;
        const uint32_t *old =
            n->kind == EXEC_NODE_PARQUET ? n->u.parquet.fields : n->u.delta.fields;
        uint32_t k = 0;
        for (uint32_t i = 0; i < nout; i++)
            if (need[i]) fields[k++] = old ? old[i] : i;
        if (k == 0 && nout) fields[k++] = old ? old[0] : 0; /* keep one: the row count */
        bool *keep = bools(p, nout);
        if (!keep) return NULL;
        for (uint32_t i = 0; i < nout; i++) keep[i] = need[i];
        if (k == 1 && !need[0] && nout) {
            bool any = false;
            for (uint32_t i = 0; i < nout; i++) any |= need[i];
            if (!any) keep[0] = true;
        }
        c->schema = sub_schema(p, n->schema, keep, map);
        if (!c->schema) return NULL;
        if (n->kind == EXEC_NODE_PARQUET) {
            c->u.parquet.fields = fields;
            c->u.parquet.n_fields = k;
        } else {
            c->u.delta.fields = fields;
            c->u.delta.n_fields = k;
        }
        return c;
    }
    case EXEC_NODE_VALUES:
    case EXEC_NODE_RANGE:
        for (uint32_t i = 0; i < nout; i++) map[i] = (int32_t)i;
        return n;
    case EXEC_NODE_PROJECT: {
        uint32_t cn = n->child->schema->n_children;
        bool *cneed = bools(p, cn);
        int32_t *cmap = ints(p, cn);
        bool *keep = bools(p, nout);
        if (!cneed || !cmap || !keep) return NULL;
        uint32_t kept = 0;
        for (uint32_t i = 0; i < nout; i++)
            if (need[i]) {
                keep[i] = true;
                kept++;
                expr_cols(n->u.project.exprs[i], cneed);
            }
        if (kept == 0 && nout) { /* keep one column so chunks still carry their row counts */
            keep[0] = true;
            expr_cols(n->u.project.exprs[0], cneed);
        }
        exec_node *child = prune(p, n->child, cneed, cmap);
        exec_node *c = copy_node(p, n);
        exec_expr **exprs = bk_arena_array(p->a, nout ? nout : 1, sizeof *exprs);
        if (!child || !c || !exprs) return NULL;
        uint32_t k = 0;
        for (uint32_t i = 0; i < nout; i++) {
            if (!keep[i]) continue;
            exprs[k] = remap(p, n->u.project.exprs[i], cmap);
            if (!exprs[k++]) return NULL;
        }
        c->child = child;
        c->u.project.exprs = exprs;
        c->u.project.n_exprs = k;
        c->schema = sub_schema(p, n->schema, keep, map);
        return c->schema ? c : NULL;
    }
    case EXEC_NODE_FILTER: {
        bool *extra = bools(p, nout);
        if (!extra) return NULL;
        expr_cols(n->u.filter.pred, extra);
        exec_node *c = prune_passthrough(p, n, need, map, extra);
        if (!c) return NULL;
        c->u.filter.pred = remap(p, n->u.filter.pred, map);
        return c->u.filter.pred ? c : NULL;
    }
    case EXEC_NODE_SORT: {
        bool *extra = bools(p, nout);
        if (!extra) return NULL;
        for (uint32_t k = 0; k < n->u.sort.n_keys; k++) extra[n->u.sort.keys[k].column] = true;
        exec_node *c = prune_passthrough(p, n, need, map, extra);
        exec_sort_key *keys =
            bk_arena_array(p->a, n->u.sort.n_keys ? n->u.sort.n_keys : 1, sizeof *keys);
        if (!c || !keys) return NULL;
        for (uint32_t k = 0; k < n->u.sort.n_keys; k++) {
            keys[k] = n->u.sort.keys[k];
            keys[k].column = (uint32_t)map[keys[k].column];
        }
        c->u.sort.keys = keys;
        return c;
    }
    case EXEC_NODE_LIMIT:
        return prune_passthrough(p, n, need, map, NULL);
    case EXEC_NODE_AGGREGATE: {
        /* the output (keys, aggregates) stays whole; the input shrinks to what they read */
        uint32_t cn = n->child->schema->n_children;
        bool *cneed = bools(p, cn);
        int32_t *cmap = ints(p, cn);
        if (!cneed || !cmap) return NULL;
        for (uint32_t k = 0; k < n->u.agg.n_keys; k++) cneed[n->u.agg.keys[k]] = true;
        for (uint32_t k = 0; k < n->u.agg.n_aggs; k++)
            if (n->u.agg.aggs[k].kind != EXEC_AGG_COUNT_STAR) cneed[n->u.agg.aggs[k].column] = true;
        for (uint32_t k = 0; k < n->u.agg.n_aggs; k++)
            if (exec_agg_uses_column2(&n->u.agg.aggs[k]))
                cneed[n->u.agg.aggs[k].column2] = true;
        exec_node *child = prune(p, n->child, cneed, cmap);
        exec_node *c = copy_node(p, n);
        uint32_t *keys = bk_arena_array(p->a, n->u.agg.n_keys ? n->u.agg.n_keys : 1, sizeof *keys);
        exec_agg *aggs = bk_arena_array(p->a, n->u.agg.n_aggs ? n->u.agg.n_aggs : 1, sizeof *aggs);
        if (!child || !c || !keys || !aggs) return NULL;
        for (uint32_t k = 0; k < n->u.agg.n_keys; k++) keys[k] = (uint32_t)cmap[n->u.agg.keys[k]];
        for (uint32_t k = 0; k < n->u.agg.n_aggs; k++) {
            aggs[k] = n->u.agg.aggs[k];
            if (aggs[k].kind != EXEC_AGG_COUNT_STAR)
                aggs[k].column = (uint32_t)cmap[aggs[k].column];
            else
                aggs[k].column = 0;
            if (exec_agg_uses_column2(&aggs[k]))
                aggs[k].column2 = (uint32_t)cmap[aggs[k].column2];
        }
        c->child = child;
        c->u.agg.keys = keys;
        c->u.agg.aggs = aggs;
        for (uint32_t i = 0; i < nout; i++) map[i] = (int32_t)i;
        return c;
    }
    case EXEC_NODE_JOIN: {
        uint32_t np = n->child->schema->n_children, nb = n->right->schema->n_children;
        bool narrow = n->u.join.kind == EXEC_JOIN_SEMI || n->u.join.kind == EXEC_JOIN_ANTI;
        bool build_only =
            n->u.join.kind == EXEC_JOIN_RIGHT_SEMI || n->u.join.kind == EXEC_JOIN_RIGHT_ANTI;
        bool *pneed = bools(p, np), *bneed = bools(p, nb), *both = bools(p, np + nb);
        int32_t *pmap = ints(p, np), *bmap = ints(p, nb), *jmap = ints(p, np + nb);
        if (!pneed || !bneed || !both || !pmap || !bmap || !jmap) return NULL;
        for (uint32_t i = 0; i < nout; i++) {
            if (!need[i]) continue;
            if (build_only)
                bneed[i] = true;
            else if (i < np)
                pneed[i] = true;
            else
                bneed[i - np] = true;
        }
        for (uint32_t k = 0; k < n->u.join.n_keys; k++) {
            pneed[n->u.join.probe_keys[k]] = true;
            bneed[n->u.join.build_keys[k]] = true;
        }
        if (n->u.join.extra) {
            expr_cols(n->u.join.extra, both);
            for (uint32_t i = 0; i < np + nb; i++) {
                if (!both[i]) continue;
                if (i < np)
                    pneed[i] = true;
                else
                    bneed[i - np] = true;
            }
        }
        exec_node *probe = prune(p, n->child, pneed, pmap);
        exec_node *build = prune(p, n->right, bneed, bmap);
        exec_node *c = copy_node(p, n);
        uint32_t nk = n->u.join.n_keys;
        uint32_t *pk = bk_arena_array(p->a, nk ? nk : 1, sizeof *pk);
        uint32_t *bk = bk_arena_array(p->a, nk ? nk : 1, sizeof *bk);
        if (!probe || !build || !c || !pk || !bk) return NULL;
        for (uint32_t k = 0; k < nk; k++) {
            pk[k] = (uint32_t)pmap[n->u.join.probe_keys[k]];
            bk[k] = (uint32_t)bmap[n->u.join.build_keys[k]];
        }
        uint32_t np2 = probe->schema->n_children;
        for (uint32_t i = 0; i < np + nb; i++) {
            int32_t m = i < np ? pmap[i] : bmap[i - np];
            jmap[i] = m < 0 ? -1 : (i < np ? m : (int32_t)np2 + m);
        }
        c->child = probe;
        c->right = build;
        c->u.join.probe_keys = pk;
        c->u.join.build_keys = bk;
        if (n->u.join.extra) {
            c->u.join.extra = remap(p, n->u.join.extra, jmap);
            if (!c->u.join.extra) return NULL;
        }
        if (build_only) { /* the output is the build side's columns */
            c->schema = build->schema;
            for (uint32_t i = 0; i < nout; i++) map[i] = bmap[i];
            return c;
        }
        /* the output schema: probe columns, then (unless semi/anti) build columns */
        uint32_t n_new = np2 + (narrow ? 0 : build->schema->n_children);
        const char **names = bk_arena_array(p->a, n_new ? n_new : 1, sizeof *names);
        const bk_type **types = bk_arena_array(p->a, n_new ? n_new : 1, sizeof *types);
        if (!names || !types) return NULL;
        for (uint32_t i = 0; i < np2; i++) {
            names[i] = probe->schema->field_names[i];
            types[i] = probe->schema->children[i];
        }
        for (uint32_t i = np2; i < n_new; i++) {
            names[i] = build->schema->field_names[i - np2];
            types[i] = build->schema->children[i - np2];
        }
        c->schema = bk_type_make_struct(p->a, n_new, names, types, NULL);
        for (uint32_t i = 0; i < nout; i++) map[i] = jmap[i];
        return c->schema ? c : NULL;
    }
    case EXEC_NODE_EXPAND: {
        /* the output stays whole; the input shrinks to what the projections read */
        uint32_t cn = n->child->schema->n_children, np = n->u.expand.n_projections;
        bool *cneed = bools(p, cn);
        int32_t *cmap = ints(p, cn);
        exec_expr ***projs = bk_arena_array(p->a, np ? np : 1, sizeof *projs);
        if (!cneed || !cmap || !projs) return NULL;
        for (uint32_t k = 0; k < np; k++)
            for (uint32_t i = 0; i < nout; i++) expr_cols(n->u.expand.projections[k][i], cneed);
        if (n->u.expand.repeat) expr_cols(n->u.expand.repeat, cneed);
        exec_node *child = prune(p, n->child, cneed, cmap);
        exec_node *c = copy_node(p, n);
        if (!child || !c) return NULL;
        for (uint32_t k = 0; k < np; k++) {
            projs[k] = bk_arena_array(p->a, nout ? nout : 1, sizeof **projs);
            if (!projs[k]) return NULL;
            for (uint32_t i = 0; i < nout; i++) {
                projs[k][i] = remap(p, n->u.expand.projections[k][i], cmap);
                if (!projs[k][i]) return NULL;
            }
        }
        if (n->u.expand.repeat) {
            c->u.expand.repeat = remap(p, n->u.expand.repeat, cmap);
            if (!c->u.expand.repeat) return NULL;
        }
        c->child = child;
        c->u.expand.projections = projs;
        for (uint32_t i = 0; i < nout; i++) map[i] = (int32_t)i;
        return c;
    }
    case EXEC_NODE_WINDOW:
        return prune_window(p, n, need, map);
    case EXEC_NODE_GENERATE: {
        /* the child keeps what is needed above and what the argument reads; the
           generated columns stay */
        uint32_t cn = n->child->schema->n_children;
        bool *cneed = bools(p, cn);
        int32_t *cmap = ints(p, cn);
        if (!cneed || !cmap) return NULL;
        for (uint32_t i = 0; i < cn; i++) cneed[i] = need[i];
        expr_cols(n->u.generate.arg, cneed);
        exec_node *child = prune(p, n->child, cneed, cmap);
        exec_node *c = copy_node(p, n);
        if (!child || !c) return NULL;
        c->child = child;
        c->u.generate.arg = remap(p, n->u.generate.arg, cmap);
        uint32_t ncn = child->schema->n_children, ng = nout - cn, total = ncn + ng;
        const char **names = bk_arena_array(p->a, total ? total : 1, sizeof *names);
        const bk_type **types = bk_arena_array(p->a, total ? total : 1, sizeof *types);
        if (!c->u.generate.arg || !names || !types) return NULL;
        for (uint32_t i = 0; i < ncn; i++) {
            names[i] = child->schema->field_names[i];
            types[i] = child->schema->children[i];
        }
        for (uint32_t j = 0; j < ng; j++) {
            names[ncn + j] = n->schema->field_names[cn + j];
            types[ncn + j] = n->schema->children[cn + j];
        }
        c->schema = bk_type_make_struct(p->a, total, names, types, NULL);
        for (uint32_t i = 0; i < cn; i++) map[i] = cmap[i];
        for (uint32_t j = 0; j < ng; j++) map[cn + j] = (int32_t)(ncn + j);
        return c->schema ? c : NULL;
    }
    case EXEC_NODE_UNION: {
        /* every child keeps the same columns: prune each, then select them in order */
        exec_node *c = copy_node(p, n);
        exec_node **kids = bk_arena_array(p->a, n->n_children, sizeof *kids);
        if (!c || !kids) return NULL;
        bool *keep = bools(p, nout);
        if (!keep) return NULL;
        uint32_t kept = 0;
        for (uint32_t i = 0; i < nout; i++) kept += keep[i] = need[i];
        if (!kept && nout) keep[0] = true;
        for (uint32_t k = 0; k < n->n_children; k++) {
            int32_t *cmap = ints(p, nout);
            exec_node *child = cmap ? prune(p, n->children[k], keep, cmap) : NULL;
            exec_node *proj = child ? exec_node_make(p->a, EXEC_NODE_PROJECT, NULL, child) : NULL;
            exec_expr **exprs = bk_arena_array(p->a, nout ? nout : 1, sizeof *exprs);
            if (!proj || !exprs) return NULL;
            uint32_t m = 0;
            for (uint32_t i = 0; i < nout; i++) {
                if (!keep[i]) continue;
                exprs[m] = exec_expr_column(p->a, (uint32_t)cmap[i], n->schema->children[i]);
                if (!exprs[m++]) return NULL;
            }
            proj->u.project.exprs = exprs;
            proj->u.project.n_exprs = m;
            kids[k] = proj;
        }
        c->children = kids;
        c->schema = sub_schema(p, n->schema, keep, map);
        if (!c->schema) return NULL;
        for (uint32_t k = 0; k < n->n_children; k++) kids[k]->schema = c->schema;
        return c;
    }
    }
    return NULL;
}

bk_status plan_prune(bk_arena *a, exec_node *plan, exec_node **out, bk_error *err) {
    pruner p = {.a = a, .err = err};
    uint32_t n = plan->schema->n_children;
    bool *need = bools(&p, n);
    int32_t *map = ints(&p, n);
    if (!need || !map) return bk_arena_oom(a, err);
    for (uint32_t i = 0; i < n; i++) need[i] = true;
    exec_node *r = prune(&p, plan, need, map);
    if (!r) return bk_arena_oom(a, err);
    *out = r;
    return BK_OK;
}
