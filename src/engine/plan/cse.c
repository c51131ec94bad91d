/*
 * cse.c — common subexpressions of a projection computed once (plan_cse).
 *
 * A PROJECT whose expressions share a subexpression (TPC-H q1 sums both
 * l_extendedprice * (1 - l_discount) and that times (1 + l_tax)) becomes two: the
 * lower one passes its input through and appends each shared subexpression once, as
 * a column; the upper one computes the expressions with those columns in their
 * place.  The largest shared subexpression is taken first, then the search runs
 * again over what is left, a few rounds at most.
 *
 * Only subexpressions that every evaluation of the projection computes anyway are
 * shared: a CALL reached from an expression's root through eager CALLs alone.
 * Nothing under AND / OR / CASE, a higher-order function or a lazy call (COALESCE…)
 * is touched, since those evaluate their arguments only for some rows (sharing
 * 1 / x out of CASE WHEN x <> 0 would raise where the query does not), and nothing
 * nondeterministic (rand() twice is two values).  An error a shared subexpression
 * raises is one the projection raised before; it points at the first occurrence.
 */
#include "engine/plan/binder_int.h"

#define CSE_MAX_ROUNDS 8
#define CSE_MAX_CANDIDATES 256

typedef struct cse_list {
    exec_expr **at[CSE_MAX_CANDIDATES]; /* where each candidate hangs in the expressions */
    uint32_t size[CSE_MAX_CANDIDATES];  /* its number of nodes */
    uint32_t n;
} cse_list;

static uint32_t tree_size(const exec_expr *e) {
    uint32_t n = 1;
    for (uint32_t i = 0; i < e->n_args; i++) n += tree_size(e->args[i]);
    return n;
}

/* Does e read a column at or past `from` (one a previous round made)? */
static bool reads_from(const exec_expr *e, uint32_t from) {
    if (e->kind == EXEC_EXPR_COLUMN) return e->column >= from;
    for (uint32_t i = 0; i < e->n_args; i++)
        if (reads_from(e->args[i], from)) return true;
    return false;
}

/*
 * The eager CALLs under (and including) *slot, in pre-order, that read only the
 * input's n_in columns (the lower PROJECT computes them from those alone).
 */
static void collect(exec_expr **slot, uint32_t n_in, cse_list *l) {
    exec_expr *e = *slot;
    if (e->kind != EXEC_EXPR_CALL || e->lazy || bind_expr_nondeterministic(e)) return;
    if (l->n < CSE_MAX_CANDIDATES && !reads_from(e, n_in)) {
        l->at[l->n] = slot;
        l->size[l->n++] = tree_size(e);
    }
    for (uint32_t i = 0; i < e->n_args; i++) collect(&e->args[i], n_in, l);
}

/* A copy of the CALL chain above every slot, so that replacing a slot changes only this plan. */
static exec_expr *copy_calls(bk_arena *a, const exec_expr *e) {
    if (e->kind != EXEC_EXPR_CALL) return (exec_expr *)e;
    exec_expr *c = bk_arena_alloc(a, sizeof *c);
    exec_expr **args = bk_arena_array(a, e->n_args ? e->n_args : 1, sizeof *args);
    if (!c || !args) return NULL;
    *c = *e;
    for (uint32_t i = 0; i < e->n_args; i++)
        if (!(args[i] = copy_calls(a, e->args[i]))) return NULL;
    c->args = args;
    return c;
}

/* The largest candidate that occurs twice or more in l; -1 when none does. */
static int largest_shared(const cse_list *l) {
    int best = -1;
    for (uint32_t i = 0; i < l->n; i++) {
        if (best >= 0 && l->size[i] <= l->size[best]) continue;
        for (uint32_t j = 0; j < l->n; j++)
            if (j != i && bind_expr_equal(*l->at[i], *l->at[j])) {
                best = (int)i;
                break;
            }
    }
    return best;
}

/*
 * One round over exprs: the largest candidate that occurs twice or more, every
 * occurrence replaced by a reference to column `column`; NULL when there is none.
 */
static const exec_expr *share_one(bk_arena *a, exec_expr **exprs, uint32_t n, uint32_t n_in,
                                  uint32_t column, bool *oom) {
    cse_list l = {.n = 0};
    for (uint32_t i = 0; i < n; i++) collect(&exprs[i], n_in, &l);
    int best = largest_shared(&l);
    if (best < 0) return NULL;
    const exec_expr *shared = *l.at[best];
    exec_expr *ref = exec_expr_column(a, column, shared->type);
    if (!ref) {
        *oom = true;
        return NULL;
    }
    /* occurrences nest only if one is a proper part of another, and then they differ */
    for (uint32_t j = 0; j < l.n; j++)
        if (j != (uint32_t)best && bind_expr_equal(*l.at[j], shared)) *l.at[j] = ref;
    *l.at[best] = ref;
    return shared;
}

/* Split one PROJECT in place when its expressions share subexpressions. */
static bk_status cse_project(bk_arena *a, exec_node *p, bk_error *err) {
    uint32_t n = p->u.project.n_exprs, n_in = p->child->schema->n_children;
    cse_list found = {.n = 0}; /* most projections share nothing: look before copying */
    for (uint32_t i = 0; i < n; i++) collect(&p->u.project.exprs[i], n_in, &found);
    if (largest_shared(&found) < 0) return BK_OK;
    exec_expr **exprs = bk_arena_array(a, n ? n : 1, sizeof *exprs);
    if (!exprs) return bk_arena_oom(a, err);
    for (uint32_t i = 0; i < n; i++)
        if (!(exprs[i] = copy_calls(a, p->u.project.exprs[i]))) return bk_arena_oom(a, err);
    const exec_expr *shared[CSE_MAX_ROUNDS];
    uint32_t k = 0;
    bool oom = false;
    while (k < CSE_MAX_ROUNDS && (shared[k] = share_one(a, exprs, n, n_in, n_in + k, &oom))) k++;
    if (oom) return bk_arena_oom(a, err);
    if (k == 0) return BK_OK;
    /* the lower PROJECT: the input's columns, then the shared subexpressions */
    exec_expr **low = bk_arena_array(a, n_in + k, sizeof *low);
    const bk_type **types = bk_arena_array(a, n_in + k, sizeof *types);
    const char **names = bk_arena_array(a, n_in + k, sizeof *names);
    if (!low || !types || !names) return bk_arena_oom(a, err);
    for (uint32_t i = 0; i < n_in + k; i++) {
        types[i] = i < n_in ? p->child->schema->children[i] : shared[i - n_in]->type;
        low[i] = i < n_in ? exec_expr_column(a, i, types[i]) : (exec_expr *)shared[i - n_in];
        names[i] = i < n_in ? p->child->schema->field_names[i] : "__cse";
        if (!low[i]) return bk_arena_oom(a, err);
    }
    const bk_type *schema = bk_type_make_struct(a, n_in + k, names, types, NULL);
    exec_node *lower = schema ? exec_node_make(a, EXEC_NODE_PROJECT, schema, p->child) : NULL;
    if (!lower) return bk_arena_oom(a, err);
    lower->u.project.exprs = low;
    lower->u.project.n_exprs = n_in + k;
    p->child = lower;
    p->u.project.exprs = exprs;
    return BK_OK;
}

bk_status plan_cse(bk_arena *a, exec_node *plan, bk_error *err) {
    if (!plan) return BK_OK;
    if (plan->kind == EXEC_NODE_PROJECT && plan->child) BK_TRY(cse_project(a, plan, err));
    if (plan->child) BK_TRY(plan_cse(a, plan->child, err));
    if (plan->right) BK_TRY(plan_cse(a, plan->right, err));
    for (uint32_t i = 0; i < plan->n_children; i++) BK_TRY(plan_cse(a, plan->children[i], err));
    return BK_OK;
}
