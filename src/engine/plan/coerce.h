/*
 * coerce.h — Spark's type coercion rules, as pure functions on bk_type.
 *
 * The binder asks these when two expressions must share a type (UNION, CASE,
 * IN, COALESCE, comparisons), when an operator's result type is needed (+ - * /
 * % div), and whether an argument may be cast implicitly.  Each rule names the
 * Spark rule it mirrors (TypeCoercion / AnsiTypeCoercion / DecimalPrecision in
 * org.apache.spark.sql.catalyst.analysis).  `ansi` selects AnsiTypeCoercion
 * (spark.sql.ansi.enabled=true, the Databricks default) or the legacy rules.
 *
 * Results that are new types (DECIMAL, nested) are built in `a`; scalar results
 * are the static singletons.  NULL means "no common type" (or OOM in `a`, which
 * the caller sees with bk_arena_failed).  Thread-safe given a private arena.
 */
#ifndef BRICKS_ENGINE_PLAN_COERCE_H
#define BRICKS_ENGINE_PLAN_COERCE_H

#include "base/arena.h"
#include "base/error.h"
#include "base/types.h"

/*
 * DecimalType.forType: the DECIMAL that holds every value of an integral type
 * exactly — TINYINT (3,0), SMALLINT (5,0), INT (10,0), BIGINT (20,0); FLOAT (14,7)
 * and DOUBLE (30,15) as Spark; a DECIMAL itself; NULL for other kinds.  The results
 * are static types (`a` is unused; kept for symmetry with the other builders).
 */
const bk_type *plan_decimal_for_type(bk_arena *a, const bk_type *t);

/* DecimalType.fromLiteral for an integer literal: DECIMAL(digits of v, 0) (e.g. 10 -> (2,0)). */
const bk_type *plan_decimal_for_literal(bk_arena *a, int64_t v);

/*
 * findTightestCommonType: the narrowest type both widen to without losing
 * anything (no STRING promotion, no decimal widening with precision change):
 *   equal types; VOID with anything -> the other; integral with a DECIMAL wide
 *   enough -> that DECIMAL; two non-decimal numbers -> the wider in TINYINT <
 *   SMALLINT < INT < BIGINT < FLOAT < DOUBLE (ANSI: integral with FLOAT -> DOUBLE);
 *   DATE < TIMESTAMP_NTZ < TIMESTAMP -> the wider; ARRAY/MAP/STRUCT element-wise
 *   (STRUCT: same field count and names, compared case-insensitively).
 */
const bk_type *plan_tightest_common_type(bk_arena *a, const bk_type *t1, const bk_type *t2,
                                         bool ansi);

/*
 * findWiderTypeForTwo: tightest, else the decimal widening rule (DecimalPrecision.
 * widerDecimalType: scale max(s1,s2), integer digits max(p1-s1, p2-s2), each capped
 * at 38; integral operands as plan_decimal_for_type; FLOAT/DOUBLE with DECIMAL ->
 * DOUBLE), else STRING promotion:
 *   ANSI (AnsiTypeCoercion.findWiderTypeForString): STRING with integral -> BIGINT,
 *        with FLOAT/DOUBLE/DECIMAL -> DOUBLE, with any other atomic type -> that type
 *        (DATE, TIMESTAMP, BOOLEAN, BINARY, ...);
 *   legacy (TypeCoercion.stringPromotion): STRING with any atomic type except BINARY
 *        and BOOLEAN -> STRING;
 * else nested types element-wise with this rule.
 */
const bk_type *plan_wider_common_type(bk_arena *a, const bk_type *t1, const bk_type *t2, bool ansi);

/* The arithmetic operators whose result types Spark defines. */
typedef enum plan_arith_op {
    PLAN_ARITH_ADD,
    PLAN_ARITH_SUB,
    PLAN_ARITH_MUL,
    PLAN_ARITH_DIV,    /* `/` */
    PLAN_ARITH_MOD,    /* `%` and pmod */
    PLAN_ARITH_INTDIV, /* `div` */
} plan_arith_op;

/*
 * DecimalPrecision's result type of DECIMAL(p1,s1) op DECIMAL(p2,s2):
 *   + -   p = max(s1,s2) + max(p1-s1, p2-s2) + 1, s = max(s1,s2)
 *   *     p = p1 + p2 + 1, s = s1 + s2
 *   /     p = p1 - s1 + s2 + max(6, s1 + p2 + 1), s = max(6, s1 + p2 + 1)
 *   %     p = min(p1-s1, p2-s2) + max(s1,s2), s = max(s1,s2)
 *   div   BIGINT
 * then, with allow_precision_loss (spark.sql.decimalOperations.allowPrecisionLoss,
 * default true), adjustPrecisionScale: if p > 38, p = 38 and s = max(38 - (p - s),
 * min(s, 6)); without it, the bounded form (p and s capped at 38; for `/`, Spark's
 * split of the 38 digits between integer and fraction digits).
 */
const bk_type *plan_decimal_result_type(bk_arena *a, plan_arith_op op, int p1, int s1, int p2,
                                        int s2, bool allow_precision_loss);

/* Operand and result types of `left op right` after coercion. */
typedef struct plan_arith_types {
    const bk_type *left;   /* cast the left operand to this */
    const bk_type *right;  /* cast the right operand to this */
    const bk_type *result; /* the operator's result type */
} plan_arith_types;

/*
 * The types of an arithmetic expression, as Spark's analyzer resolves them:
 *   both integral / FLOAT / DOUBLE: the wider type, for + - * %; `/` is DOUBLE
 *   (operands cast to DOUBLE); `div` is BIGINT;
 *   a DECIMAL with an integral: the integral as plan_decimal_for_type (callers with
 *   an integer literal may pass plan_decimal_for_literal's type instead), then
 *   plan_decimal_result_type; a DECIMAL with FLOAT/DOUBLE: DOUBLE;
 *   STRING operands: ANSI widens with the other side (BIGINT / DOUBLE per
 *   plan_wider_common_type; `/` then DOUBLE); legacy casts the STRING to DOUBLE;
 *   VOID takes the other side's type (both VOID: DOUBLE, as Spark's NULL + NULL).
 * Returns DATATYPE_MISMATCH (BINARY_OP_WRONG_TYPE / BINARY_OP_DIFF_TYPES message)
 * for non-numeric operands.
 */
bk_status plan_arith_types_for(bk_arena *a, plan_arith_op op, const bk_type *left,
                               const bk_type *right, bool ansi, bool allow_precision_loss,
                               plan_arith_types *out, bk_error *err) BK_MUST_USE;

/*
 * Whether an argument of type `from` may be passed where `to` is expected with
 * an implicit cast (function arguments, INSERT under the ANSI store rules):
 *   ANSI (AnsiTypeCoercion.implicitCast): VOID to anything; numeric widening
 *     without loss (TINYINT < SMALLINT < INT < BIGINT < FLOAT < DOUBLE; integral
 *     to a wide-enough DECIMAL; DECIMAL to a wider DECIMAL, to FLOAT/DOUBLE);
 *     STRING to any atomic type; DATE to TIMESTAMP/TIMESTAMP_NTZ; TIMESTAMP_NTZ to
 *     TIMESTAMP; atomic types to STRING; nested element-wise;
 *   legacy (TypeCoercion.implicitCast): additionally any numeric to any numeric,
 *     numbers and BOOLEAN to STRING and back, DATE/TIMESTAMP to each other.
 */
bool plan_implicit_cast_ok(const bk_type *from, const bk_type *to, bool ansi);

#endif
