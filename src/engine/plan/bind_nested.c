/*
 * bind_nested.c — binding the syntax of nested values: a[i] and m[k]
 * (SQL_E_SUBSCRIPT), s.field (SQL_E_FIELD, and a column name whose prefix is a
 * STRUCT column: `s.a.b`, `t.s.a`), struct(...) and named_struct(...), whose
 * field names come from the syntax.  The kernels are engine/exec/fn_nested.c.
 *
 * Spark's rules: struct(a, b + 1, c AS z) names its fields after aliases,
 * column references and field accesses (`a`), and col1, col2, ... otherwise;
 * named_struct takes constant STRING names at odd positions
 * (DATATYPE_MISMATCH.CREATE_NAMED_STRUCT_WITHOUT_FOLDABLE_STRING);
 * field names resolve case-insensitively (FIELD_NOT_FOUND lists the fields);
 * extracting from a scalar is INVALID_EXTRACT_BASE_FIELD_TYPE.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "engine/exec/fn_nested.h"
#include "engine/plan/binder_int.h"

static bool name_eq(const char *x, const char *y) {
    return x && y && bk_str_ieq(bk_str_from_cstr(x), bk_str_from_cstr(y));
}

static const char *text_of(binder *b, const sql_expr *e) {
    return bk_arena_strndup(b->a, b->text + e->span.off, e->span.len);
}

static exec_expr *call_n(binder *b, const char *name, exec_kernel k, const bk_type *type,
                         exec_expr **args, uint32_t n) {
    exec_expr **a = bk_arena_array(b->a, n ? n : 1, sizeof *a);
    if (!a) return NULL;
    memcpy(a, args, n * sizeof *a);
    return exec_expr_call(b->a, name, k, type, a, n);
}

/* Field `field` of the STRUCT expression s; `at` (s's syntax) for messages. */
static bk_status field_of(binder *b, exec_expr *s, const char *field, const sql_expr *at,
                          exec_expr **out, bk_error *err) {
    const bk_type *t = s->type;
    if (t->kind != BK_TYPE_STRUCT) {
        char tn[128];
        bk_type_format(t, tn, sizeof tn);
        bk_error_set(err, BK_INVALID_EXTRACT_BASE_FIELD_TYPE,
                     "Can't extract a value from \"%s\". Need a complex type [STRUCT, ARRAY, MAP] "
                     "but got \"%s\".",
                     text_of(b, at), tn);
        return bind_error_at(b, at, err);
    }
    for (uint32_t f = 0; f < t->n_children; f++) {
        if (!name_eq(t->field_names[f], field)) continue;
        *out = call_n(b, "get_field", exec_fn_struct_field, t->children[f], &s, 1);
        if (!*out) return bk_arena_oom(b->a, err);
        (*out)->state = (void *)(uintptr_t)f;
        return BK_OK;
    }
    bk_buf list;
    bk_buf_init(&list);
    for (uint32_t f = 0; f < t->n_children; f++)
        if (bk_buf_printf(&list, "%s`%s`", f ? ", " : "", t->field_names[f]) != BK_OK) break;
    bk_error_set(err, BK_FIELD_NOT_FOUND, "No such struct field `%s` in %.*s.", field,
                 (int)list.len, list.len ? (const char *)list.data : "");
    bk_buf_destroy(&list);
    return bind_error_at(b, at, err);
}

bk_status bind_nested_access(bind_env *env, const sql_expr *e, exec_expr **out, bk_error *err) {
    binder *b = env->b;
    exec_expr *base;
    BK_TRY(bind_expr(env, e->args[0], &base, err));
    if (e->kind == SQL_E_FIELD)
        return field_of(b, base, e->name.parts[0].text, e->args[0], out, err);
    exec_expr *idx;
    BK_TRY(bind_expr(env, e->args[1], &idx, err));
    const bk_type *c = base->type;
    if (c->kind != BK_TYPE_ARRAY && c->kind != BK_TYPE_MAP) {
        char tn[128];
        bk_type_format(c, tn, sizeof tn);
        bk_error_set(err, BK_INVALID_EXTRACT_BASE_FIELD_TYPE,
                     "Can't extract a value from \"%s\". Need a complex type [STRUCT, ARRAY, MAP] "
                     "but got \"%s\".",
                     text_of(b, e->args[0]), tn);
        return bind_error_at(b, e, err);
    }
    const bk_type *want;
    if (exec_fn_nested_index_type("subscript", c, idx->type, &want, err) != BK_OK)
        return bind_error_at(b, e, err);
    BK_TRY(bind_cast(b, idx, want, e->args[1], &idx, err));
    exec_expr *args[2] = {base, idx};
    const bk_type *rt = c->kind == BK_TYPE_MAP ? c->children[1] : c->children[0];
    *out = call_n(b, "subscript", exec_fn_subscript, rt, args, 2);
    return *out ? BK_OK : bk_arena_oom(b->a, err);
}

bk_status bind_nested_column(bind_env *env, const sql_expr *e, exec_expr **out, bk_error *err) {
    binder *b = env->b;
    const sql_name *n = &e->name;
    /* the longest prefix that names a column, the rest as fields: t.s.f before s.f.g */
    for (uint32_t k = n->n - 1; k >= 1; k--) {
        sql_expr col = *e;
        col.name.n = k;
        col.span = n->parts[k - 1].span;
        col.span.len = n->parts[k - 1].span.off + n->parts[k - 1].span.len - e->span.off;
        col.span.off = e->span.off;
        exec_expr *x;
        bk_error tmp;
        bk_error_clear(&tmp);
        if (bind_expr(env, &col, &x, &tmp) != BK_OK) continue;
        for (uint32_t f = k; f < n->n; f++) BK_TRY(field_of(b, x, n->parts[f].text, e, &x, err));
        *out = x;
        return BK_OK;
    }
    return BK_UNRESOLVED_COLUMN;
}

bk_status bind_nested_call(binder *b, const sql_expr *e, const char *name, exec_expr **args,
                           uint32_t n, bool *found, exec_expr **out, bk_error *err) {
    bool named = name_eq(name, "named_struct");
    *found = named || name_eq(name, "struct");
    if (!*found) return BK_OK;
    if (named && (n == 0 || n % 2)) {
        bk_error_set_sub(err, BK_WRONG_NUM_ARGS,
                         "WITHOUT_SUGGESTION", "The `named_struct` requires 2n (n > 0) "
                         "parameters but the actual number is %u.",
                         n);
        return bind_error_at(b, e, err);
    }
    uint32_t nf = named ? n / 2 : n;
    const char **names = bk_arena_array(b->a, nf ? nf : 1, sizeof *names);
    const bk_type **types = bk_arena_array(b->a, nf ? nf : 1, sizeof *types);
    exec_expr **vals = bk_arena_array(b->a, nf ? nf : 1, sizeof *vals);
    if (!names || !types || !vals) return bk_arena_oom(b->a, err);
    for (uint32_t f = 0; f < nf; f++) {
        if (named) {
            const sql_expr *ne = e->args[2 * f];
            if (ne->kind != SQL_E_STRING) {
                bk_error_set_sub(err, BK_DATATYPE_MISMATCH,
                                 "CREATE_NAMED_STRUCT_WITHOUT_FOLDABLE_STRING", ""
                                 "Cannot resolve \"%s\" due to data type mismatch: Only foldable "
                                 "`STRING` expressions are allowed to appear at odd position, but "
                                 "they are [\"%s\"].",
                                 text_of(b, e), text_of(b, ne));
                return bind_error_at(b, ne, err);
            }
            names[f] = bk_arena_strndup(b->a, ne->text, ne->text_len);
            vals[f] = args[2 * f + 1];
        } else {
            const sql_expr *a = e->args[f];
            char buf[32];
            snprintf(buf, sizeof buf, "col%u", f + 1);
            names[f] = e->arg_aliases && e->arg_aliases[f].text ? e->arg_aliases[f].text
                       : a->kind == SQL_E_COLUMN ? a->name.parts[a->name.n - 1].text
                       : a->kind == SQL_E_FIELD  ? a->name.parts[0].text
                                                 : bk_arena_strndup(b->a, buf, strlen(buf));
            vals[f] = args[f];
        }
        if (!names[f]) return bk_arena_oom(b->a, err);
        types[f] = vals[f]->type;
    }
    const bk_type *t = bk_type_make_struct(b->a, nf, names, types, NULL);
    if (!t) return bk_arena_oom(b->a, err);
    *out = call_n(b, named ? "named_struct" : "struct", exec_fn_struct_pack, t, vals, nf);
    return *out ? BK_OK : bk_arena_oom(b->a, err);
}

/* Append (name, e) to a growing field list. */
static bk_status push_field(binder *b, const char ***names, exec_expr ***vals, uint32_t *n,
                            uint32_t *cap, const char *name, exec_expr *e, bk_error *err) {
    if (*n == *cap) {
        uint32_t c = *cap ? *cap * 2 : 8;
        const char **nn = bk_arena_array(b->a, c, sizeof *nn);
        exec_expr **nv = bk_arena_array(b->a, c, sizeof *nv);
        if (!nn || !nv) return bk_arena_oom(b->a, err);
        if (*n) {
            memcpy(nn, *names, *n * sizeof *nn);
            memcpy(nv, *vals, *n * sizeof *nv);
        }
        *names = nn;
        *vals = nv;
        *cap = c;
    }
    (*names)[*n] = name;
    (*vals)[(*n)++] = e;
    return BK_OK;
}

bk_status bind_nested_struct_star(bind_env *env, const sql_expr *e, bool *handled,
                                  exec_expr **out, bk_error *err) {
    binder *b = env->b;
    *handled = false;
    bool any_star = e->star_arg; /* struct(*) */
    for (uint32_t i = 0; i < e->n_args; i++) any_star |= e->args[i]->kind == SQL_E_STAR;
    if (!any_star) return BK_OK;
    *handled = true;
    const char **names = NULL;
    exec_expr **vals = NULL;
    uint32_t n = 0, cap = 0;
    sql_expr star = {.kind = SQL_E_STAR, .span = e->span};
    const sql_expr *only_star[1] = {&star};
    const sql_expr *const *items = e->star_arg ? only_star : (const sql_expr *const *)e->args;
    uint32_t n_items = e->star_arg ? 1 : e->n_args;
    for (uint32_t i = 0; i < n_items; i++) {
        const sql_expr *a = items[i];
        if (a->kind != SQL_E_STAR) {
            exec_expr *x;
            BK_TRY(bind_expr(env, a, &x, err));
            char buf[32];
            snprintf(buf, sizeof buf, "col%u", n + 1);
            const char *nm = e->arg_aliases && e->arg_aliases[i].text ? e->arg_aliases[i].text
                             : a->kind == SQL_E_COLUMN ? a->name.parts[a->name.n - 1].text
                             : a->kind == SQL_E_FIELD  ? a->name.parts[0].text
                                                       : bk_arena_strndup(b->a, buf, strlen(buf));
            if (!nm) return bk_arena_oom(b->a, err);
            BK_TRY(push_field(b, &names, &vals, &n, &cap, nm, x, err));
            continue;
        }
        /* s.* of a STRUCT column: its fields */
        exec_expr *s = NULL;
        if (a->name.n) {
            sql_expr col = {.kind = SQL_E_COLUMN, .span = a->span, .name = a->name};
            bk_error tmp;
            bk_error_clear(&tmp);
            if (bind_expr(env, &col, &s, &tmp) != BK_OK || s->type->kind != BK_TYPE_STRUCT)
                s = NULL;
        }
        if (s) {
            for (uint32_t f = 0; f < s->type->n_children; f++) {
                exec_expr *x;
                BK_TRY(field_of(b, s, s->type->field_names[f], a, &x, err));
                BK_TRY(push_field(b, &names, &vals, &n, &cap, s->type->field_names[f], x, err));
            }
            continue;
        }
        /* t.* or *: the relation's columns */
        const char *qual = a->name.n ? a->name.parts[a->name.n - 1].text : NULL;
        uint32_t added = 0;
        for (uint32_t c = 0; c < env->scope->n; c++) {
            const plan_col *pc = &env->scope->cols[c];
            if (qual && !name_eq(pc->qualifier, qual)) continue;
            if (pc->name && !strncmp(pc->name, "__", 2)) continue;
            exec_expr *x = exec_expr_column(b->a, c, pc->type);
            if (!x) return bk_arena_oom(b->a, err);
            BK_TRY(push_field(b, &names, &vals, &n, &cap, pc->name, x, err));
            added++;
        }
        if (!added) {
            bk_error_set(err, BK_CANNOT_RESOLVE_STAR_EXPAND,
                         "Cannot resolve `%s`.* given input columns %s. Please check that the "
                         "specified table or struct exists and is accessible in the input "
                         "columns.",
                         qual ? qual : "", bind_scope_names(b, env->scope));
            return bind_error_at(b, a, err);
        }
    }
    const bk_type **types = bk_arena_array(b->a, n ? n : 1, sizeof *types);
    if (!types) return bk_arena_oom(b->a, err);
    for (uint32_t f = 0; f < n; f++) types[f] = vals[f]->type;
    const bk_type *t = bk_type_make_struct(b->a, n, names, types, NULL);
    if (!t) return bk_arena_oom(b->a, err);
    *out = call_n(b, "struct", exec_fn_struct_pack, t, vals, n);
    return *out ? BK_OK : bk_arena_oom(b->a, err);
}
