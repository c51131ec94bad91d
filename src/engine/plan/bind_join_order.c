/*
 * bind_join_order.c — the order of a FROM's inner joins (bind_plan_inner's leaves).
 *
 * The largest relation probes; then, greedily, the relation joined
 * to what we have by an equality whose join keeps the fewest rows (estimated:
 * the probe rows times its filters' selectivity; ties: the smaller build), else
 * the smallest at all.  A relation's build side first takes in the relations
 * that hang off it alone (a snowflake branch: nation and region behind
 * supplier) when they filter it, so the filter of a dimension two joins away
 * reduces the probe side at the first join (bushy: partsupp JOIN (supplier
 * JOIN nation WHERE n_name = …)).
 */
#include "engine/plan/binder_int.h"

typedef struct join_ctx {
    binder *b;
    plan_rel *rels;
    double *est, *sel; /* per leaf: estimated rows, their share of the unfiltered rows */
    uint32_t n;
    const sql_expr **conds;
    const uint64_t *masks; /* the leaves each conjunct names */
    bool *used, *equi;
    uint32_t n_conds;
} join_ctx;

/* Leaves joined so far, their plan and the leaf order of its columns. */
typedef struct join_part {
    plan_rel rel;
    uint64_t mask;
    uint32_t *order;
    uint32_t n_order;
} join_part;

static bk_status part_leaf(join_ctx *jc, uint32_t i, join_part *out, bk_error *err) {
    out->rel = jc->rels[i];
    out->mask = (uint64_t)1 << i;
    out->order = bk_arena_array(jc->b->a, jc->n, sizeof *out->order);
    if (!out->order) return bk_arena_oom(jc->b->a, err);
    out->order[0] = i;
    out->n_order = 1;
    return BK_OK;
}

/*
 * Does an unapplied equality between relations name both x and y — with
 * `key`, one over x and y alone (a hash key for joining them)?
 */
static bool joins(const join_ctx *jc, uint64_t x, uint64_t y, bool key) {
    for (uint32_t c = 0; c < jc->n_conds; c++) {
        uint64_t m = jc->masks[c];
        if (jc->used[c] || !jc->equi[c] || !(m & x) || !(m & y)) continue;
        if (!key || (m & ~(x | y)) == 0) return true;
    }
    return false;
}

/*
 * The relations of `avail` hanging off leaf i alone: components (by equalities)
 * of avail - i that an equality joins to i and none to anything else outside
 * them, kept when every member is smaller than i and one of them is filtered.
 * (Other conjuncts that name them wait until all their relations are joined.)
 */
static uint64_t branch_of(const join_ctx *jc, uint32_t i, uint64_t avail, uint64_t outside) {
    uint64_t bit = (uint64_t)1 << i, rest = avail & ~bit, out = 0;
    while (rest) {
        /* the component of the lowest leaf left */
        uint64_t comp = rest & (~rest + 1), grown = 1;
        while (grown) {
            grown = 0;
            for (uint32_t j = 0; j < jc->n; j++) {
                uint64_t jb = (uint64_t)1 << j;
                if (!(rest & jb) || (comp & jb)) continue;
                if (joins(jc, comp, jb, false)) {
                    comp |= jb;
                    grown = 1;
                }
            }
        }
        rest &= ~comp;
        if (!joins(jc, comp, bit, true) || joins(jc, comp, outside | (avail & ~comp & ~bit), false))
            continue;
        bool smaller = true, filtered = false;
        for (uint32_t j = 0; j < jc->n; j++) {
            if (!(comp & ((uint64_t)1 << j))) continue;
            smaller &= jc->est[j] < jc->est[i];
            filtered |= jc->sel[j] < 0.999;
        }
        if (smaller && filtered) out |= comp;
    }
    return out;
}

/* Join the leaves of `avail` into cur (greedily, see above). */
static bk_status join_grow(join_ctx *jc, join_part *cur, uint64_t avail, bk_error *err) {
    binder *b = jc->b;
    while (avail) {
        int pick = -1;
        bool connected = false;
        double best_out = 0, best_build = 0;
        uint64_t pick_branch = 0;
        for (uint32_t i = 0; i < jc->n; i++) {
            uint64_t bit = (uint64_t)1 << i;
            if (!(avail & bit)) continue;
            bool conn = joins(jc, cur->mask, bit, true);
            uint64_t branch = conn ? branch_of(jc, i, avail, cur->mask) : 0;
            double build = jc->est[i], sel = jc->sel[i];
            for (uint32_t j = 0; j < jc->n; j++)
                if (branch & ((uint64_t)1 << j)) {
                    build *= jc->sel[j];
                    sel *= jc->sel[j];
                }
            double out = sel; /* times the probe rows, the same for every candidate */
            bool better;
            if (pick < 0 || conn != connected)
                better = pick < 0 || conn;
            else if (conn && out != best_out)
                better = out < best_out;
            else
                better = build < best_build;
            if (better) {
                pick = (int)i;
                connected = conn;
                best_out = out;
                best_build = build;
                pick_branch = branch;
            }
        }
        join_part build;
        BK_TRY(part_leaf(jc, (uint32_t)pick, &build, err));
        if (pick_branch) BK_TRY(join_grow(jc, &build, pick_branch, err));
        uint64_t now = cur->mask | build.mask;
        const sql_expr **here =
            bk_arena_array(b->a, jc->n_conds ? jc->n_conds : 1, sizeof *here);
        if (!here) return bk_arena_oom(b->a, err);
        uint32_t n_here = 0;
        for (uint32_t c = 0; c < jc->n_conds; c++) {
            if (jc->used[c] || jc->masks[c] == 0 || (jc->masks[c] & ~now)) continue;
            here[n_here++] = jc->conds[c];
            jc->used[c] = true;
        }
        plan_rel next;
        BK_TRY(bind_make_join(b, &cur->rel, &build.rel, EXEC_JOIN_INNER, here, n_here, false,
                              &next, err));
        cur->rel = next;
        cur->mask = now;
        for (uint32_t k = 0; k < build.n_order; k++) cur->order[cur->n_order++] = build.order[k];
        avail &= ~build.mask;
    }
    return BK_OK;
}

bk_status bind_join_order(binder *b, plan_rel *rels, uint32_t n, const sql_expr **conds,
                          const uint64_t *masks, bool *used, bool *equi, uint32_t n_conds,
                          plan_rel *out, uint32_t **order, uint32_t *n_order, bk_error *err) {
    join_ctx jc = {.b = b, .rels = rels, .n = n, .conds = conds, .masks = masks,
                   .used = used, .equi = equi, .n_conds = n_conds};
    jc.est = bk_arena_array(b->a, n, sizeof *jc.est);
    jc.sel = bk_arena_array(b->a, n, sizeof *jc.sel);
    if (!jc.est || !jc.sel) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < n; i++) {
        jc.est[i] = bind_estimate_rows(rels[i].node);
        double all = bind_unfiltered_rows(rels[i].node);
        jc.sel[i] = all > 0 ? BK_MIN(1.0, jc.est[i] / all) : 1.0;
    }
    uint32_t first = 0;
    for (uint32_t i = 1; i < n; i++)
        if (jc.est[i] > jc.est[first]) first = i;
    join_part top;
    BK_TRY(part_leaf(&jc, first, &top, err));
    uint64_t all_mask = n == 64 ? ~(uint64_t)0 : (((uint64_t)1 << n) - 1);
    BK_TRY(join_grow(&jc, &top, all_mask & ~top.mask, err));
    *out = top.rel;
    *order = top.order;
    *n_order = top.n_order;
    return BK_OK;
}
