/*
 * coerce.c — Spark's type coercion (see coerce.h for the rules and their sources).
 *
 * Everything here is a pure function of the types: no expression trees, no
 * session state beyond the two flags (ANSI, allowPrecisionLoss) passed in.
 */
#include "engine/plan/coerce.h"

#include <stdio.h>
#include <strings.h>

/* Spark's numericPrecedence (non-decimal): TINYINT < SMALLINT < INT < BIGINT < FLOAT < DOUBLE. */
static int numeric_rank(bk_type_kind k) {
    switch (k) {
    case BK_TYPE_TINYINT:
        return 1;
    case BK_TYPE_SMALLINT:
        return 2;
    case BK_TYPE_INT:
        return 3;
    case BK_TYPE_BIGINT:
        return 4;
    case BK_TYPE_FLOAT:
        return 5;
    case BK_TYPE_DOUBLE:
        return 6;
    default:
        return 0;
    }
}

static bool is_integral(const bk_type *t) {
    return t->kind >= BK_TYPE_TINYINT && t->kind <= BK_TYPE_BIGINT;
}
static bool is_fractional(const bk_type *t) {
    return t->kind == BK_TYPE_FLOAT || t->kind == BK_TYPE_DOUBLE;
}
static bool is_numeric(const bk_type *t) {
    return t->kind >= BK_TYPE_TINYINT && t->kind <= BK_TYPE_DECIMAL;
}
static bool is_datetime(const bk_type *t) {
    return t->kind == BK_TYPE_DATE || t->kind == BK_TYPE_TIMESTAMP ||
           t->kind == BK_TYPE_TIMESTAMP_NTZ;
}
static bool is_atomic(const bk_type *t) { return t->kind != BK_TYPE_VOID && !bk_type_is_nested(t); }

static const bk_type *scalar(bk_type_kind k) { return bk_type_scalar(k); }

/* DecimalType.forType of TINYINT .. DOUBLE, as static types (no arena needed). */
static const bk_type *static_decimal(bk_type_kind k) {
    static const bk_type decimals[] = {
        {BK_TYPE_DECIMAL, 3, 0, 0, NULL, NULL, NULL},
        {BK_TYPE_DECIMAL, 5, 0, 0, NULL, NULL, NULL},
        {BK_TYPE_DECIMAL, 10, 0, 0, NULL, NULL, NULL},
        {BK_TYPE_DECIMAL, 20, 0, 0, NULL, NULL, NULL},
        {BK_TYPE_DECIMAL, 14, 7, 0, NULL, NULL, NULL},
        {BK_TYPE_DECIMAL, 30, 15, 0, NULL, NULL, NULL},
    };
    int r = numeric_rank(k);
    return r ? &decimals[r - 1] : NULL;
}

const bk_type *plan_decimal_for_type(bk_arena *a, const bk_type *t) {
    (void)a;
    return t->kind == BK_TYPE_DECIMAL ? t : static_decimal(t->kind);
}

const bk_type *plan_decimal_for_literal(bk_arena *a, int64_t v) {
    uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    int digits = 1;
    while (mag >= 10) {
        mag /= 10;
        digits++;
    }
    return bk_type_make_decimal(a, digits, 0);
}

/* DecimalType.isWiderThan: holds every value of `other` (integral via forType). */
static bool decimal_wider_than(bk_arena *a, const bk_type *d, const bk_type *other) {
    const bk_type *o = plan_decimal_for_type(a, other);
    if (!o) return false;
    return d->precision - d->scale >= o->precision - o->scale && d->scale >= o->scale;
}

/* DecimalType.bounded(p, s): both capped at 38. */
static const bk_type *bounded(bk_arena *a, int p, int s) {
    if (p > BK_DECIMAL_MAX_PRECISION) p = BK_DECIMAL_MAX_PRECISION;
    if (s > BK_DECIMAL_MAX_PRECISION) s = BK_DECIMAL_MAX_PRECISION;
    if (s > p) s = p;
    return bk_type_make_decimal(a, p < 1 ? 1 : p, s < 0 ? 0 : s);
}

/* DecimalPrecision.widerDecimalType. */
static const bk_type *wider_decimal(bk_arena *a, const bk_type *d1, const bk_type *d2) {
    int scale = BK_MAX(d1->scale, d2->scale);
    int range = BK_MAX(d1->precision - d1->scale, d2->precision - d2->scale);
    return bounded(a, range + scale, scale);
}

/* DATE < TIMESTAMP_NTZ < TIMESTAMP (findWiderDateTimeType). */
static int datetime_rank(bk_type_kind k) {
    return k == BK_TYPE_DATE ? 1 : k == BK_TYPE_TIMESTAMP_NTZ ? 2 : 3;
}

typedef const bk_type *(*common_fn)(bk_arena *a, const bk_type *t1, const bk_type *t2, bool ansi);

/* findTypeForComplex: ARRAY/MAP/STRUCT element-wise with `fn`. */
static const bk_type *complex_common(bk_arena *a, const bk_type *t1, const bk_type *t2, bool ansi,
                                     common_fn fn) {
    if (t1->kind != t2->kind) return NULL;
    switch (t1->kind) {
    case BK_TYPE_ARRAY: {
        const bk_type *e = fn(a, t1->children[0], t2->children[0], ansi);
        return e ? bk_type_make_array(a, e) : NULL;
    }
    case BK_TYPE_MAP: {
        const bk_type *k = fn(a, t1->children[0], t2->children[0], ansi);
        const bk_type *v = fn(a, t1->children[1], t2->children[1], ansi);
        return k && v ? bk_type_make_map(a, k, v) : NULL;
    }
    case BK_TYPE_STRUCT: {
        uint32_t n = t1->n_children;
        if (n != t2->n_children) return NULL;
        const bk_type **fields = bk_arena_array(a, n ? n : 1, sizeof *fields);
        const char **names = bk_arena_array(a, n ? n : 1, sizeof *names);
        if (!fields || !names) return NULL;
        for (uint32_t i = 0; i < n; i++) {
            if (strcasecmp(t1->field_names[i], t2->field_names[i]) != 0) return NULL;
            fields[i] = fn(a, t1->children[i], t2->children[i], ansi);
            if (!fields[i]) return NULL;
            names[i] = t1->field_names[i];
        }
        return bk_type_make_struct(a, n, names, fields, NULL);
    }
    default:
        return NULL;
    }
}

const bk_type *plan_tightest_common_type(bk_arena *a, const bk_type *t1, const bk_type *t2,
                                         bool ansi) {
    if (bk_type_equal(t1, t2)) return t1;
    if (t1->kind == BK_TYPE_VOID) return t2;
    if (t2->kind == BK_TYPE_VOID) return t1;
    if (is_integral(t1) && t2->kind == BK_TYPE_DECIMAL && decimal_wider_than(a, t2, t1)) return t2;
    if (is_integral(t2) && t1->kind == BK_TYPE_DECIMAL && decimal_wider_than(a, t1, t2)) return t1;
    int r1 = numeric_rank(t1->kind), r2 = numeric_rank(t2->kind);
    if (r1 && r2) {
        const bk_type *wider = r1 >= r2 ? t1 : t2;
        /* AnsiTypeCoercion: integral with FLOAT is DOUBLE, to keep the integral's digits */
        if (ansi && wider->kind == BK_TYPE_FLOAT && (is_integral(t1) || is_integral(t2)))
            return scalar(BK_TYPE_DOUBLE);
        return wider;
    }
    if (is_datetime(t1) && is_datetime(t2))
        return datetime_rank(t1->kind) >= datetime_rank(t2->kind) ? t1 : t2;
    /* intervals of one kind: the fields of both (YEAR and MONTH make YEAR TO MONTH) */
    if (t1->kind == t2->kind &&
        (t1->kind == BK_TYPE_INTERVAL_YM || t1->kind == BK_TYPE_INTERVAL_DT))
        return bk_type_interval(t1->kind, BK_MIN(t1->precision, t2->precision),
                                BK_MAX(t1->scale, t2->scale));
    return complex_common(a, t1, t2, ansi, plan_tightest_common_type);
}

/* findWiderTypeForDecimal. */
static const bk_type *wider_for_decimal(bk_arena *a, const bk_type *t1, const bk_type *t2) {
    if (t1->kind != BK_TYPE_DECIMAL && t2->kind != BK_TYPE_DECIMAL) return NULL;
    if (t1->kind == BK_TYPE_DECIMAL && t2->kind == BK_TYPE_DECIMAL) return wider_decimal(a, t1, t2);
    const bk_type *d = t1->kind == BK_TYPE_DECIMAL ? t1 : t2;
    const bk_type *o = d == t1 ? t2 : t1;
    if (is_integral(o)) return wider_decimal(a, plan_decimal_for_type(a, o), d);
    if (is_fractional(o)) return scalar(BK_TYPE_DOUBLE);
    return NULL;
}

/* String promotion: AnsiTypeCoercion.findWiderTypeForString / TypeCoercion.stringPromotion. */
static const bk_type *wider_for_string(const bk_type *t1, const bk_type *t2, bool ansi) {
    const bk_type *s = t1->kind == BK_TYPE_STRING ? t1 : t2->kind == BK_TYPE_STRING ? t2 : NULL;
    if (!s) return NULL;
    const bk_type *o = s == t1 ? t2 : t1;
    if (!is_atomic(o)) return NULL;
    if (ansi) {
        if (is_integral(o)) return scalar(BK_TYPE_BIGINT);
        if (is_fractional(o) || o->kind == BK_TYPE_DECIMAL) return scalar(BK_TYPE_DOUBLE);
        return o;
    }
    if (o->kind == BK_TYPE_BINARY || o->kind == BK_TYPE_BOOLEAN) return NULL;
    return s;
}

const bk_type *plan_wider_common_type(bk_arena *a, const bk_type *t1, const bk_type *t2,
                                      bool ansi) {
    const bk_type *t = plan_tightest_common_type(a, t1, t2, ansi);
    if (!t) t = wider_for_decimal(a, t1, t2);
    if (!t) t = wider_for_string(t1, t2, ansi);
    if (!t) t = complex_common(a, t1, t2, ansi, plan_wider_common_type);
    return t;
}

/* DecimalType.adjustPrecisionScale (allowPrecisionLoss = true). */
static const bk_type *adjust_precision_scale(bk_arena *a, int p, int s) {
    if (p <= BK_DECIMAL_MAX_PRECISION) return bk_type_make_decimal(a, p, s);
    int int_digits = p - s;
    int min_scale = BK_MIN(s, 6);
    int adjusted = BK_MAX(BK_DECIMAL_MAX_PRECISION - int_digits, min_scale);
    return bk_type_make_decimal(a, BK_DECIMAL_MAX_PRECISION, adjusted);
}

const bk_type *plan_decimal_result_type(bk_arena *a, plan_arith_op op, int p1, int s1, int p2,
                                        int s2, bool allow_precision_loss) {
    int p, s;
    switch (op) {
    case PLAN_ARITH_ADD:
    case PLAN_ARITH_SUB:
        s = BK_MAX(s1, s2);
        p = s + BK_MAX(p1 - s1, p2 - s2) + 1;
        break;
    case PLAN_ARITH_MUL:
        p = p1 + p2 + 1;
        s = s1 + s2;
        break;
    case PLAN_ARITH_DIV:
        if (!allow_precision_loss) {
            /* Spark: split the 38 digits between integer and fraction digits */
            int int_dig = BK_MIN(38, p1 - s1 + s2);
            int dec_dig = BK_MIN(38, BK_MAX(6, s1 + p2 + 1));
            int diff = int_dig + dec_dig - 38;
            if (diff > 0) {
                dec_dig -= diff / 2 + 1;
                int_dig = 38 - dec_dig;
            }
            return bounded(a, int_dig + dec_dig, dec_dig);
        }
        s = BK_MAX(6, s1 + p2 + 1);
        p = p1 - s1 + s2 + s;
        break;
    case PLAN_ARITH_MOD:
        s = BK_MAX(s1, s2);
        p = BK_MIN(p1 - s1, p2 - s2) + s;
        break;
    case PLAN_ARITH_INTDIV:
        return scalar(BK_TYPE_BIGINT);
    default:
        return NULL;
    }
    return allow_precision_loss ? adjust_precision_scale(a, p, s) : bounded(a, p, s);
}

static const char *op_symbol(plan_arith_op op) {
    static const char *const symbols[] = {"+", "-", "*", "/", "%", "div"};
    return (unsigned)op < BK_ARRAY_LEN(symbols) ? symbols[op] : "?";
}

/* Arithmetic operands Spark accepts: numbers, STRING (implicitly cast), VOID. */
static bool arith_operand(const bk_type *t) {
    return is_numeric(t) || t->kind == BK_TYPE_STRING || t->kind == BK_TYPE_VOID;
}

bk_status plan_arith_types_for(bk_arena *a, plan_arith_op op, const bk_type *left,
                               const bk_type *right, bool ansi, bool allow_precision_loss,
                               plan_arith_types *out, bk_error *err) {
    if (!arith_operand(left) || !arith_operand(right)) {
        char l[128], r[128];
        bk_type_format(left, l, sizeof l);
        bk_type_format(right, r, sizeof r);
        /* Spark's BinaryArithmetic check: unlike types first, then the accepted types */
        if (!bk_type_equal(left, right))
            return bk_error_set_sub(err, BK_DATATYPE_MISMATCH, "BINARY_OP_DIFF_TYPES",
                                    "Cannot resolve \"(%s %s %s)\" due to data type mismatch: "
                                    "the left and right operands of the binary operator have "
                                    "incompatible types (\"%s\" and \"%s\").",
                                    l, op_symbol(op), r, l, r);
        return bk_error_set_sub(err, BK_DATATYPE_MISMATCH, "BINARY_OP_WRONG_TYPE",
                                "Cannot resolve \"(%s %s %s)\" due to data type mismatch: the "
                                "binary operator requires the input type (\"NUMERIC\" or "
                                "\"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\" or "
                                "\"INTERVAL\"), not \"%s\".",
                                l, op_symbol(op), r, l);
    }
    /* legacy PromoteStrings: a STRING operand becomes DOUBLE */
    if (!ansi && left->kind == BK_TYPE_STRING) left = scalar(BK_TYPE_DOUBLE);
    if (!ansi && right->kind == BK_TYPE_STRING) right = scalar(BK_TYPE_DOUBLE);
    /* a NULL literal takes the other side's type; NULL op NULL is DOUBLE */
    if (left->kind == BK_TYPE_VOID && right->kind == BK_TYPE_VOID)
        left = right = scalar(BK_TYPE_DOUBLE);
    else if (left->kind == BK_TYPE_VOID)
        left = right;
    else if (right->kind == BK_TYPE_VOID)
        right = left;

    if (left->kind == BK_TYPE_DECIMAL || right->kind == BK_TYPE_DECIMAL) {
        const bk_type *other = left->kind == BK_TYPE_DECIMAL ? right : left;
        if (is_fractional(other) || other->kind == BK_TYPE_STRING) {
            /* DECIMAL with FLOAT/DOUBLE (or ANSI STRING) is DOUBLE arithmetic */
            const bk_type *d = scalar(BK_TYPE_DOUBLE);
            out->left = out->right = d;
            out->result = op == PLAN_ARITH_INTDIV ? scalar(BK_TYPE_BIGINT) : d;
            return BK_OK;
        }
        const bk_type *l = plan_decimal_for_type(a, left), *r = plan_decimal_for_type(a, right);
        if (!l || !r) return bk_arena_oom(a, err);
        const bk_type *res = plan_decimal_result_type(a, op, l->precision, l->scale, r->precision,
                                                      r->scale, allow_precision_loss);
        if (!res) return bk_arena_oom(a, err);
        out->left = l;
        out->right = r;
        out->result = res;
        return BK_OK;
    }
    const bk_type *common = plan_wider_common_type(a, left, right, ansi);
    if (!common) return bk_arena_oom(a, err);
    if (common->kind == BK_TYPE_STRING) common = scalar(BK_TYPE_DOUBLE); /* STRING op STRING */
    switch (op) {
    case PLAN_ARITH_DIV:
        out->left = out->right = out->result = scalar(BK_TYPE_DOUBLE);
        return BK_OK;
    case PLAN_ARITH_INTDIV:
        out->left = out->right = common;
        out->result = scalar(BK_TYPE_BIGINT);
        return BK_OK;
    default:
        out->left = out->right = out->result = common;
        return BK_OK;
    }
}

/* Cast.canUpCast-style numeric widening without loss. */
static bool numeric_widens(const bk_type *from, const bk_type *to) {
    if (from->kind == BK_TYPE_DECIMAL && to->kind == BK_TYPE_DECIMAL)
        return to->precision - to->scale >= from->precision - from->scale &&
               to->scale >= from->scale;
    if (to->kind == BK_TYPE_DECIMAL) return is_integral(from) && decimal_wider_than(NULL, to, from);
    if (from->kind == BK_TYPE_DECIMAL) return is_fractional(to);
    int rf = numeric_rank(from->kind), rt = numeric_rank(to->kind);
    return rf && rt && rf <= rt;
}

bool plan_implicit_cast_ok(const bk_type *from, const bk_type *to, bool ansi) {
    if (from->kind == BK_TYPE_VOID || bk_type_equal(from, to)) return true;
    if (from->kind == to->kind && bk_type_is_nested(from)) {
        if (from->n_children != to->n_children) return false;
        for (uint32_t i = 0; i < from->n_children; i++)
            if (!plan_implicit_cast_ok(from->children[i], to->children[i], ansi)) return false;
        return true;
    }
    if (!is_atomic(from) || !is_atomic(to)) return false;
    if (to->kind == BK_TYPE_STRING) return from->kind != BK_TYPE_BINARY || !ansi;
    if (from->kind == BK_TYPE_STRING) return true;
    if (is_numeric(from) && is_numeric(to)) {
        if (!ansi) return true;
        return numeric_widens(from, to);
    }
    if (from->kind == BK_TYPE_DATE)
        return to->kind == BK_TYPE_TIMESTAMP || to->kind == BK_TYPE_TIMESTAMP_NTZ;
    if (from->kind == BK_TYPE_TIMESTAMP_NTZ)
        return to->kind == BK_TYPE_TIMESTAMP || (!ansi && to->kind == BK_TYPE_DATE);
    if (from->kind == BK_TYPE_TIMESTAMP)
        return !ansi && (to->kind == BK_TYPE_DATE || to->kind == BK_TYPE_TIMESTAMP_NTZ);
    return false;
}
