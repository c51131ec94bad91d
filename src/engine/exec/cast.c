/*
 * cast.c — the CAST entry points: which casts Spark allows, and the dispatcher.
 *
 * exec_cast_sel prepares the output (rows, validity = active rows) and hands the
 * work to one kernel family by the pair of kinds: VOID, identity and nested casts
 * are handled here; cast_numeric.c, cast_string.c and cast_datetime.c hold the
 * typed loops.  Nested casts recurse on child vectors with a selection of the
 * child rows that belong to active parent rows, so an element of a NULL or
 * unselected row never raises an error.
 */
#include "engine/exec/cast_int.h"

#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------------
 * Which casts exist (Spark's Cast.canCast and Cast.canAnsiCast)
 * ------------------------------------------------------------------------------------------- */

static bool is_numeric(bk_type_kind k) { return k >= BK_TYPE_TINYINT && k <= BK_TYPE_DECIMAL; }
static bool is_integral(bk_type_kind k) { return k >= BK_TYPE_TINYINT && k <= BK_TYPE_BIGINT; }

/* The scalar rules; both kinds are non-nested and not VOID, and differ or are DECIMALs. */
static bool scalar_castable(bk_type_kind from, bk_type_kind to, bool ansi) {
    if (to == BK_TYPE_STRING) return true;
    switch (from) {
    case BK_TYPE_STRING:
        return to != BK_TYPE_TIME || !ansi;
    case BK_TYPE_BOOLEAN:
        return is_numeric(to) || (!ansi && to == BK_TYPE_TIMESTAMP);
    case BK_TYPE_BINARY:
        return false;
    case BK_TYPE_DATE:
        if (to == BK_TYPE_TIMESTAMP || to == BK_TYPE_TIMESTAMP_NTZ) return true;
        return !ansi && (to == BK_TYPE_BOOLEAN || is_numeric(to));
    case BK_TYPE_TIMESTAMP:
        if (to == BK_TYPE_DATE || to == BK_TYPE_TIMESTAMP_NTZ || is_numeric(to)) return true;
        return !ansi && to == BK_TYPE_BOOLEAN;
    case BK_TYPE_TIMESTAMP_NTZ:
        return to == BK_TYPE_DATE || to == BK_TYPE_TIMESTAMP;
    default:
        break;
    }
    if (is_numeric(from)) {
        if (is_numeric(to) || to == BK_TYPE_BOOLEAN || to == BK_TYPE_TIMESTAMP) return true;
        return !ansi && is_integral(from) && to == BK_TYPE_BINARY;
    }
    return false;
}

bool exec_cast_supported(const bk_type *from, const bk_type *to, bool ansi) {
    if (from->kind == BK_TYPE_VOID) return true;
    if (bk_type_equal(from, to)) return true;
    if (from->kind == BK_TYPE_ARRAY && to->kind == BK_TYPE_ARRAY)
        return exec_cast_supported(from->children[0], to->children[0], ansi);
    if (from->kind == BK_TYPE_MAP && to->kind == BK_TYPE_MAP)
        return exec_cast_supported(from->children[0], to->children[0], ansi) &&
               exec_cast_supported(from->children[1], to->children[1], ansi);
    if (from->kind == BK_TYPE_STRUCT && to->kind == BK_TYPE_STRUCT) {
        if (from->n_children != to->n_children) return false;
        for (uint32_t i = 0; i < from->n_children; i++)
            if (!exec_cast_supported(from->children[i], to->children[i], ansi)) return false;
        return true;
    }
    if (to->kind == BK_TYPE_STRING) return true; /* nested values print as text */
    if (from->kind >= BK_TYPE_INTERVAL_YM || to->kind >= BK_TYPE_INTERVAL_YM)
        return cast_interval_supported(from, to);
    if (bk_type_is_nested(from) || bk_type_is_nested(to) || to->kind == BK_TYPE_VOID) return false;
    return scalar_castable(from->kind, to->kind, ansi);
}

bk_status exec_cast_check(const bk_type *from, const bk_type *to, bool ansi, const char *sql_expr,
                          bk_error *err) {
    if (exec_cast_supported(from, to, ansi)) return BK_OK;
    char src[256], dst[256], expr[600];
    cast_quoted_type(from, src, sizeof src);
    cast_quoted_type(to, dst, sizeof dst);
    if (!sql_expr) {
        char f[256], t[256];
        bk_type_format(from, f, sizeof f);
        bk_type_format(to, t, sizeof t);
        snprintf(expr, sizeof expr, "\"CAST(%s AS %s)\"", f, t);
        sql_expr = expr;
    }
    const char *prefix = "Cannot resolve %s due to data type mismatch: ";
    char head[700];
    snprintf(head, sizeof head, prefix, sql_expr);
    /* Cast.typeCheckFailureMessage: function hints for DATE <-> numbers, else the config */
    if (ansi && from->kind == BK_TYPE_DATE && is_numeric(to->kind))
        return bk_error_set_sub(err, BK_DATATYPE_MISMATCH, "CAST_WITH_FUNC_SUGGESTION",
                                "%scannot cast %s to %s.\nTo convert values from %s to %s, you "
                                "can use the functions `UNIX_DATE` instead.",
                                head, src, dst, src, dst);
    if (is_numeric(from->kind) && to->kind == BK_TYPE_DATE)
        return bk_error_set_sub(err, BK_DATATYPE_MISMATCH, "CAST_WITH_FUNC_SUGGESTION",
                                "%scannot cast %s to %s.\nTo convert values from %s to %s, you "
                                "can use the functions `DATE_FROM_UNIX_DATE` instead.",
                                head, src, dst, src, dst);
    if (ansi && exec_cast_supported(from, to, false))
        return bk_error_set_sub(err, BK_DATATYPE_MISMATCH, "CAST_WITH_CONF_SUGGESTION",
                                "%scannot cast %s to %s with ANSI mode on.\nIf you have to cast "
                                "%s to %s, you can set \"spark.sql.ansi.enabled\" as 'false'.",
                                head, src, dst, src, dst);
    return bk_error_set_sub(err, BK_DATATYPE_MISMATCH, "CAST_WITHOUT_SUGGESTION",
                            "%scannot cast %s to %s.", head, src, dst);
}

/* ---------------------------------------------------------------------------------------------
 * Bad rows
 * ------------------------------------------------------------------------------------------- */

bk_status cast_set_null(cast_ctx *c, size_t row) {
    if (bk_vector_ensure_validity(c->a, c->out) != BK_OK) return bk_arena_oom(c->a, c->err);
    bk_validity_set(c->out->validity, row, false);
    return BK_OK;
}

/* The error for a bad row, in Spark's words.  Cold: at most once per call. */
static BK_NOINLINE bk_status report_bad(cast_ctx *c, size_t row, cast_fail why) {
    char value[600], src[256], dst[256];
    cast_sql_value(c, c->in, row, value, sizeof value);
    cast_quoted_type(c->in->type, src, sizeof src);
    cast_quoted_type(c->out->type, dst, sizeof dst);
    switch (why) {
    case CAST_FAIL_INVALID:
        return bk_error_set(c->err, BK_CAST_INVALID_INPUT,
                            "The value %s of the type %s cannot be cast to %s because it is "
                            "malformed. Correct the value as per the syntax, or change its target "
                            "type. Use `try_cast` to tolerate malformed input and return NULL "
                            "instead.",
                            value, src, dst);
    case CAST_FAIL_OVERFLOW:
        return bk_error_set(c->err, BK_CAST_OVERFLOW,
                            "The value %s of the type %s cannot be cast to %s due to an overflow. "
                            "Use `try_cast` to tolerate overflow and return NULL instead.",
                            value, src, dst);
    case CAST_FAIL_DECIMAL: {
        char num[BK_I128_TEXT_MAX + 64];
        if (c->bad_text.len)
            snprintf(num, sizeof num, "%.*s", (int)BK_MIN(c->bad_text.len, 80), c->bad_text.ptr);
        else
            bk_i128_format(c->bad_unscaled, c->bad_scale, num, sizeof num);
        return bk_error_set_sub(c->err, BK_NUMERIC_VALUE_OUT_OF_RANGE, "WITH_SUGGESTION",
                                "%s cannot be represented as Decimal(%d, %d). If necessary set "
                                "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error, and "
                                "return NULL instead.",
                                num, c->out->type->precision, c->out->type->scale);
    }
    case CAST_FAIL_LONG_OVERFLOW:
        return bk_error_set(c->err, BK_ARITHMETIC_OVERFLOW,
                            "long overflow. If necessary set \"spark.sql.ansi.enabled\" to "
                            "\"false\" to bypass this error.");
    }
    return bk_error_set(c->err, BK_INTERNAL, "cast: unknown failure");
}

bk_status cast_bad(cast_ctx *c, size_t row, cast_fail why) {
    if (c->raise) return report_bad(c, row, why);
    return cast_set_null(c, row);
}

/* ---------------------------------------------------------------------------------------------
 * Dispatch
 * ------------------------------------------------------------------------------------------- */

/*
 * The output vector with validity = the active rows; also fills c->rows/n_rows.
 * Nested children are not made here: the nested casts build them.
 */
static bk_status prepare(cast_ctx *c, const uint32_t *sel, size_t n_sel, const bk_type *to) {
    const bk_vector *in = c->in;
    bk_vector *out = bk_arena_zalloc(c->a, sizeof *out);
    if (!out) return bk_arena_oom(c->a, c->err);
    out->type = to;
    out->n = in->n;
    size_t width = bk_type_width(to);
    if (width) {
        out->data = bk_arena_array(c->a, in->n ? in->n : 1, width);
        if (!out->data) return bk_arena_oom(c->a, c->err);
        memset(out->data, 0, in->n * width);
    }
    c->out = out;
    c->has_sel = sel != NULL;
    if (!sel && !in->validity && in->type->kind != BK_TYPE_VOID) {
        c->rows = NULL;
        c->n_rows = in->n;
        return BK_OK;
    }
    size_t bytes = in->n / 8 + 1;
    out->validity = bk_arena_zalloc(c->a, bytes);
    uint32_t *rows = bk_arena_array(c->a, (sel ? n_sel : in->n) + 1, sizeof *rows);
    if (!out->validity || !rows) return bk_arena_oom(c->a, c->err);
    size_t n = 0, count = sel ? n_sel : in->n;
    for (size_t k = 0; k < count; k++) {
        size_t row = sel ? sel[k] : k;
        if (row >= in->n) return bk_error_set(c->err, BK_INTERNAL, "cast: selection out of range");
        if (in->type->kind == BK_TYPE_VOID || !bk_vector_is_valid(in, row)) continue;
        bk_validity_set(out->validity, row, true);
        rows[n++] = (uint32_t)row;
    }
    c->rows = rows;
    c->n_rows = n;
    return BK_OK;
}

static bk_status cast_rec(bk_arena *a, const bk_vector *in, const uint32_t *sel, size_t n_sel,
                          const bk_type *to, const exec_cast_opts *o, bk_vector **out,
                          bk_error *err);

/* Child rows of the active rows of an ARRAY/MAP vector, as a selection for the child. */
static bk_status child_selection(cast_ctx *c, uint32_t **sel, size_t *n_sel) {
    const bk_vector *in = c->in;
    size_t total = 0;
    CAST_FOR_ROWS(c, row) {
        int64_t b = in->offsets[row], e = in->offsets[row + 1];
        if (b < 0 || e < b || (uint64_t)e > in->children[0]->n || e - b > UINT32_MAX)
            return bk_error_set(c->err, BK_INTERNAL, "cast: bad offsets in a nested vector");
        total += (size_t)(e - b);
    }
    uint32_t *s = bk_arena_array(c->a, total + 1, sizeof *s);
    if (!s) return bk_arena_oom(c->a, c->err);
    size_t n = 0;
    CAST_FOR_ROWS(c, row) {
        for (int64_t k = in->offsets[row]; k < in->offsets[row + 1]; k++) s[n++] = (uint32_t)k;
    }
    *sel = s;
    *n_sel = n;
    return BK_OK;
}

/* ARRAY -> ARRAY and MAP -> MAP: same offsets, children cast element-wise. */
static bk_status cast_list(cast_ctx *c) {
    const bk_vector *in = c->in;
    bk_vector *out = c->out;
    const bk_type *to = out->type;
    out->offsets = bk_arena_memdup(c->a, in->offsets, (in->n + 1) * sizeof *in->offsets);
    uint32_t n_children = to->kind == BK_TYPE_MAP ? 2 : 1;
    out->children = bk_arena_array(c->a, n_children, sizeof *out->children);
    if (!out->offsets || !out->children) return bk_arena_oom(c->a, c->err);
    uint32_t *sel = NULL;
    size_t n_sel = 0;
    bool all = c->rows == NULL; /* every row active: every child row too */
    if (!all) BK_TRY(child_selection(c, &sel, &n_sel));
    for (uint32_t i = 0; i < n_children; i++) {
        BK_TRY(cast_rec(c->a, in->children[i], all ? NULL : sel, n_sel, to->children[i], c->o,
                        &out->children[i], c->err));
    }
    return BK_OK;
}

/* STRUCT -> STRUCT: field k to field k, over the same active rows. */
static bk_status cast_struct(cast_ctx *c) {
    const bk_vector *in = c->in;
    bk_vector *out = c->out;
    const bk_type *to = out->type;
    out->children =
        bk_arena_array(c->a, to->n_children ? to->n_children : 1, sizeof *out->children);
    if (!out->children) return bk_arena_oom(c->a, c->err);
    for (uint32_t i = 0; i < to->n_children; i++) {
        BK_TRY(cast_rec(c->a, in->children[i], c->rows, c->rows ? c->n_rows : 0, to->children[i],
                        c->o, &out->children[i], c->err));
    }
    return BK_OK;
}

/*
 * Same type: share the data.  With a selection, unselected rows must read as zero
 * (vector.h), so fixed-width values are copied and nested ones recurse.
 */
static bk_status cast_identity(cast_ctx *c) {
    bk_vector *out = c->out;
    const bk_vector *in = c->in;
    if (!c->has_sel) {
        out->data = in->data;
        out->offsets = in->offsets;
        out->children = in->children;
        return BK_OK;
    }
    switch (in->type->kind) {
    case BK_TYPE_ARRAY:
    case BK_TYPE_MAP:
        return cast_list(c);
    case BK_TYPE_STRUCT:
        return cast_struct(c);
    default: {
        size_t width = bk_type_width(in->type);
        CAST_FOR_ROWS(c, row) {
            memcpy((char *)out->data + row * width, (const char *)in->data + row * width, width);
        }
        return BK_OK;
    }
    }
}

/* VOID -> anything: every row NULL, nested children empty (ARRAY/MAP) or all NULL. */
static bk_status cast_void(cast_ctx *c) {
    bk_vector *v = bk_vector_make(c->a, c->out->type, c->in->n);
    if (!v) return bk_arena_oom(c->a, c->err);
    v->validity = bk_arena_zalloc(c->a, v->n / 8 + 1);
    if (!v->validity) return bk_arena_oom(c->a, c->err);
    if (v->type->kind == BK_TYPE_STRUCT) {
        for (uint32_t i = 0; i < v->type->n_children; i++) {
            v->children[i]->validity = bk_arena_zalloc(c->a, v->n / 8 + 1);
            if (!v->children[i]->validity) return bk_arena_oom(c->a, c->err);
        }
    }
    c->out = v;
    return BK_OK;
}

bk_status cast_via(cast_ctx *c, const bk_type *via) {
    bk_vector *mid, *res;
    exec_cast_opts o = *c->o;
    BK_TRY(cast_rec(c->a, c->in, c->rows, c->rows ? c->n_rows : 0, via, &o, &mid, c->err));
    BK_TRY(cast_rec(c->a, mid, c->rows, c->rows ? c->n_rows : 0, c->out->type, &o, &res, c->err));
    c->out = res;
    return BK_OK;
}

static bk_status dispatch(cast_ctx *c) {
    bk_type_kind from = c->in->type->kind, to = c->out->type->kind;
    if (from == BK_TYPE_VOID) return cast_void(c);
    if (bk_type_equal(c->in->type, c->out->type)) return cast_identity(c);
    if (to == BK_TYPE_STRING) return cast_to_string(c);
    if (from == BK_TYPE_ARRAY || from == BK_TYPE_MAP) return cast_list(c);
    if (from == BK_TYPE_STRUCT) return cast_struct(c);
    if (from >= BK_TYPE_INTERVAL_YM || to >= BK_TYPE_INTERVAL_YM) return cast_interval(c);
    if (from == BK_TYPE_STRING) return cast_from_string(c);
    bool dt_from =
        from == BK_TYPE_DATE || from == BK_TYPE_TIMESTAMP || from == BK_TYPE_TIMESTAMP_NTZ;
    bool dt_to = to == BK_TYPE_DATE || to == BK_TYPE_TIMESTAMP || to == BK_TYPE_TIMESTAMP_NTZ;
    if (dt_from || dt_to) return cast_datetime(c);
    return cast_numeric(c);
}

static bk_status cast_rec(bk_arena *a, const bk_vector *in, const uint32_t *sel, size_t n_sel,
                          const bk_type *to, const exec_cast_opts *o, bk_vector **out,
                          bk_error *err) {
    cast_ctx c;
    memset(&c, 0, sizeof c);
    c.a = a;
    c.in = in;
    c.o = o;
    c.err = err;
    c.strict = o->ansi || o->try_cast;
    c.raise = o->ansi && !o->try_cast;
    BK_TRY(prepare(&c, sel, n_sel, to));
    bk_status st = dispatch(&c);
    if (st == BK_UNSUPPORTED)
        return exec_cast_check(in->type, to, c.strict, NULL, err) == BK_OK
                   ? bk_error_set(err, BK_UNSUPPORTED, "cast: no kernel for this pair")
                   : BK_DATATYPE_MISMATCH;
    if (st != BK_OK) return st;
    *out = c.out;
    return BK_OK;
}

bk_status exec_cast_sel(bk_arena *a, const bk_vector *in, const uint32_t *sel, size_t n_sel,
                        const bk_type *to, const exec_cast_opts *o, bk_vector **out,
                        bk_error *err) {
    static const exec_cast_opts ansi_defaults = {true, false, 0, NULL};
    if (!o) o = &ansi_defaults;
    BK_TRY(exec_cast_check(in->type, to, o->ansi || o->try_cast, NULL, err));
    return cast_rec(a, in, sel, n_sel, to, o, out, err);
}

bk_status exec_cast(bk_arena *a, const bk_vector *in, const bk_type *to, const exec_cast_opts *o,
                    bk_vector **out, bk_error *err) {
    return exec_cast_sel(a, in, NULL, 0, to, o, out, err);
}
