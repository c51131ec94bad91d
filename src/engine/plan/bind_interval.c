/*
 * bind_interval.c — interval literals and the arithmetic of dates, timestamps and
 * ANSI intervals (Spark's AstBuilder.visitInterval and the datetime rules of
 * BinaryArithmetic resolution, ANSI intervals on):
 *
 *   INTERVAL '1-2' YEAR TO MONTH, INTERVAL '1 02:03' DAY TO MINUTE  the qualified form
 *   INTERVAL 3 HOURS, INTERVAL '1' DAY, INTERVAL 1 DAY 2 HOURS,
 *   INTERVAL '3 year 1 month'        unit lists: the units give the type
 *                                     (YEAR..MONTH or DAY..SECOND, never mixed)
 *
 *   DATE ± INTERVAL_YM -> DATE                 DATE ± INTERVAL DAY -> DATE
 *   DATE ± other INTERVAL_DT -> TIMESTAMP      TIMESTAMP[_NTZ] ± INTERVAL -> TIMESTAMP[_NTZ]
 *   DATE ± integral -> DATE (date_add / date_sub)
 *   DATE - DATE -> INTERVAL DAY                TIMESTAMP - TIMESTAMP (or DATE) -> INTERVAL DAY
 *                                              TO SECOND
 *   INTERVAL ± INTERVAL (one kind), INTERVAL * number, number * INTERVAL, INTERVAL / number,
 *   - INTERVAL
 * A STRING operand next to a DATE is cast to DATE, next to a TIMESTAMP or a day-time
 * interval to TIMESTAMP (next to a year-month one it is a mismatch), next to an
 * interval in * and / to DOUBLE; NULL next to an interval takes its type.  Anything
 * else with an interval is DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES.
 */
#include <stdio.h>
#include <string.h>

#include "base/interval.h"
#include "base/str.h"
#include "engine/exec/fn_library.h"
#include "engine/exec/functions.h"
#include "engine/plan/binder_int.h"

static const bk_type *T(bk_type_kind k) { return bk_type_scalar(k); }

static bool is_iv(const bk_type *t) {
    return t->kind == BK_TYPE_INTERVAL_YM || t->kind == BK_TYPE_INTERVAL_DT;
}
static bool is_ts(const bk_type *t) {
    return t->kind == BK_TYPE_TIMESTAMP || t->kind == BK_TYPE_TIMESTAMP_NTZ;
}
static bool is_integral(const bk_type *t) {
    return t->kind >= BK_TYPE_TINYINT && t->kind <= BK_TYPE_BIGINT;
}
static bool is_numeric(const bk_type *t) {
    return t->kind >= BK_TYPE_TINYINT && t->kind <= BK_TYPE_DECIMAL;
}

static const char *src_of(binder *b, const sql_expr *e) {
    const char *s = bk_arena_strndup(b->a, b->text + e->span.off, e->span.len);
    return s ? s : "?";
}

static bk_status fail_at(binder *b, const sql_expr *e, bk_error *err, bk_code code,
                         const char *msg, const char *detail) {
    bk_error_set(err, code, "%s%s", msg, detail);
    return bind_error_at(b, e, err);
}

/* fail_at with Spark's sub-class of code's class ("INTERVAL_PARSING"). */
static bk_status fail_sub_at(binder *b, const sql_expr *e, bk_error *err, bk_code code,
                             const char *sub, const char *msg) {
    bk_error_set_sub(err, code, sub, "%s", msg);
    return bind_error_at(b, e, err);
}

/* ---- literals ---- */

/* One piece of an interval literal's text: a quoted value (escapes done) or a word. */
typedef struct iv_tok {
    const char *text;
    size_t len;
    bool quoted;
} iv_tok;

#define IV_MAX_TOKS 64

/* Split the literal's source text; false on an unclosed quote or too many pieces. */
static bool iv_split(binder *b, const char *s, size_t len, iv_tok *toks, uint32_t *n) {
    *n = 0;
    size_t i = 0;
    while (i < len) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
            i++;
            continue;
        }
        if (*n >= IV_MAX_TOKS) return false;
        iv_tok *t = &toks[(*n)++];
        if (s[i] == '\'') {
            char *buf = bk_arena_alloc(b->a, len + 1);
            if (!buf) return false;
            size_t k = 0;
            for (i++; i < len && s[i] != '\''; i++) {
                if (s[i] == '\\' && i + 1 < len) {
                    char c = s[++i];
                    buf[k++] = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c;
                } else {
                    buf[k++] = s[i];
                }
            }
            if (i >= len) return false;
            i++;
            buf[k] = '\0';
            *t = (iv_tok){buf, k, true};
        } else {
            size_t j = i;
            while (j < len && s[j] != ' ' && s[j] != '\t' && s[j] != '\'') j++;
            *t = (iv_tok){s + i, j - i, false};
            i = j;
        }
    }
    return true;
}

static bool tok_is(const iv_tok *t, const char *w) {
    return !t->quoted && bk_str_ieq_cstr(bk_str_make(t->text, t->len), w);
}

/* A quoted value of a unit list must be a plain number: [+|-] digits [. digits]. */
static bool plain_number(const iv_tok *t) {
    size_t i = 0, n = t->len, d = 0;
    while (i < n && (t->text[i] == ' ' || t->text[i] == '\t')) i++;
    if (i < n && (t->text[i] == '-' || t->text[i] == '+')) i++;
    while (i < n && (t->text[i] == ' ' || t->text[i] == '\t')) i++;
    for (; i < n && t->text[i] >= '0' && t->text[i] <= '9'; i++) d++;
    if (i < n && t->text[i] == '.')
        for (i++; i < n && t->text[i] >= '0' && t->text[i] <= '9'; i++) d++;
    while (i < n && (t->text[i] == ' ' || t->text[i] == '\t')) i++;
    return d > 0 && i == n;
}

bk_status bind_interval_literal(binder *b, const sql_expr *e, exec_expr **out, bk_error *err) {
    const char *s = e->text;
    size_t len = e->text_len;
    char why[200] = "", msg[700];
    /* a sign before a quoted value applies to the whole literal: INTERVAL -'1-1' YEAR TO MONTH */
    bool negate = false;
    if (len && (s[0] == '-' || s[0] == '+')) {
        size_t i = 1;
        while (i < len && s[i] == ' ') i++;
        if (i < len && s[i] == '\'') {
            negate = s[0] == '-';
            s += i;
            len -= i;
        }
    }
    iv_tok toks[IV_MAX_TOKS];
    uint32_t n;
    if (!iv_split(b, s, len, toks, &n) || n == 0)
        return fail_at(b, e, err, BK_PARSE_SYNTAX_ERROR, "Syntax error in the interval literal.",
                       "");
    int64_t value;
    const bk_type *type;
    bool has_to = false;
    for (uint32_t i = 0; i < n; i++) has_to |= tok_is(&toks[i], "TO");
    if (has_to) {
        /* the qualified form: exactly 'value' start TO end */
        if (n != 4 || !toks[0].quoted || !tok_is(&toks[2], "TO") || toks[1].quoted ||
            toks[3].quoted)
            return fail_at(b, e, err, BK_INVALID_INTERVAL_FORMAT,
                           "Can only have a single from-to unit in the interval literal syntax.",
                           "");
        char tt[96];
        snprintf(tt, sizeof tt, "INTERVAL %.*s TO %.*s", (int)BK_MIN(toks[1].len, 30),
                 toks[1].text, (int)BK_MIN(toks[3].len, 30), toks[3].text);
        type = bk_type_parse(b->a, tt, strlen(tt), why, sizeof why);
        if (!type || !(type->kind == BK_TYPE_INTERVAL_YM || type->kind == BK_TYPE_INTERVAL_DT)) {
            snprintf(msg, sizeof msg,
                     "From-to interval %.*s to %.*s is not supported.",
                     (int)BK_MIN(toks[1].len, 30), toks[1].text, (int)BK_MIN(toks[3].len, 30),
                     toks[3].text);
            return fail_sub_at(b, e, err, BK_INVALID_INTERVAL_FORMAT,
                               "UNSUPPORTED_FROM_TO_EXPRESSION", msg);
        }
        /* the outer sign goes into the text, so -'178956970-8' reaches the minimum */
        const iv_tok *v = &toks[0];
        char *body = bk_arena_alloc(b->a, v->len + 2);
        if (!body) return bk_arena_oom(b->a, err);
        size_t i = 0;
        while (i < v->len && (v->text[i] == ' ' || v->text[i] == '\t' || v->text[i] == '\n')) i++;
        bool inner_neg = i < v->len && v->text[i] == '-';
        if (i < v->len && (v->text[i] == '-' || v->text[i] == '+')) i++;
        snprintf(body, v->len + 2, "%s%.*s", negate != inner_neg ? "-" : "", (int)(v->len - i),
                 v->text + i);
        if (!bk_interval_parse_typed(type, body, strlen(body), &value, why, sizeof why)) {
            char tn[64];
            bk_type_format(type, tn, sizeof tn);
            snprintf(msg, sizeof msg,
                     "Interval string does not match the %s format of \"%s\" when cast to \"%s\": "
                     "'%.*s' (%s).",
                     type->kind == BK_TYPE_INTERVAL_YM ? "year-month" : "day-time", tn, tn,
                     (int)BK_MIN(v->len, 100), v->text, why);
            return fail_sub_at(b, e, err, BK_INVALID_INTERVAL_FORMAT, "UNMATCHED_FORMAT_STRING",
                               msg);
        }
        negate = false;
    } else {
        /* a unit list: 'text' alone, or value unit [value unit ...] */
        bool lone = n == 1 && toks[0].quoted;
        char *list = bk_arena_alloc(b->a, len + 2 * n + 1);
        if (!list) return bk_arena_oom(b->a, err);
        size_t k = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (toks[i].quoted && !lone && !plain_number(&toks[i]))
                return fail_at(b, e, err, BK_INVALID_INTERVAL_FORMAT,
                               "Interval string must be a number "
                               "before a unit in a multi-unit interval literal: ",
                               toks[i].text);
            memcpy(list + k, toks[i].text, toks[i].len);
            k += toks[i].len;
            list[k++] = ' ';
        }
        list[k] = '\0';
        bk_interval_units u;
        if (!bk_interval_parse_units(list, k, &u, why, sizeof why)) {
            if (lone) {
                snprintf(msg, sizeof msg,
                         "The value of the typed literal \"INTERVAL\" is invalid: '%.*s' (%s).",
                         (int)BK_MIN(toks[0].len, 100), toks[0].text, why);
                return fail_at(b, e, err, BK_INVALID_TYPED_LITERAL, msg, "");
            }
            snprintf(msg, sizeof msg,
                     "Error parsing interval 'INTERVAL %s': %s.", e->text, why);
            return fail_sub_at(b, e, err, BK_INVALID_INTERVAL_FORMAT, "INTERVAL_PARSING", msg);
        }
        type = u.type;
        value = u.value;
    }
    if (negate) {
        if (value == (type->kind == BK_TYPE_INTERVAL_YM ? INT32_MIN : INT64_MIN))
            return fail_at(b, e, err, BK_INTERVAL_ARITHMETIC_OVERFLOW,
                           "Integer overflow while negating the interval literal", ".");
        value = -value;
    }
    bk_vector *v = bk_vector_make(b->a, type, 1);
    if (!v) return bk_arena_oom(b->a, err);
    if (type->kind == BK_TYPE_INTERVAL_YM)
        ((int32_t *)v->data)[0] = (int32_t)value;
    else
        ((int64_t *)v->data)[0] = value;
    *out = exec_expr_const(b->a, v);
    return *out ? BK_OK : bk_arena_oom(b->a, err);
}

/* ---- arithmetic ---- */

static bk_status call(binder *b, const char *name, exec_kernel k, const bk_type *type,
                      exec_expr *x, exec_expr *y, exec_expr **out, bk_error *err) {
    uint32_t n = y ? 2 : 1;
    exec_expr **args = bk_arena_array(b->a, n, sizeof *args);
    if (!args) return bk_arena_oom(b->a, err);
    args[0] = x;
    if (y) args[1] = y;
    *out = exec_expr_call(b->a, name, k, type, args, n);
    if (!*out) return bk_arena_oom(b->a, err);
    bool folded = x->kind == EXEC_EXPR_CONST && (!y || y->kind == EXEC_EXPR_CONST);
    if (folded) { /* constants fold now, so errors point at the literal */
        bk_vector *v;
        BK_TRY(bind_const_value(b, *out, &v, err));
        *out = exec_expr_const(b->a, v);
        if (!*out) return bk_arena_oom(b->a, err);
    }
    return BK_OK;
}

bk_status bind_interval_negate(binder *b, exec_expr *x, const sql_expr *at, exec_expr **out,
                               bk_error *err) {
    (void)at;
    return call(b, "negative", exec_fn_iv_negate, x->type, x, NULL, out, err);
}

static bk_status mismatch(binder *b, const sql_expr *at, const bk_type *l, const bk_type *r,
                          bk_error *err) {
    char ln[64], rn[64];
    bk_type_format(l, ln, sizeof ln);
    bk_type_format(r, rn, sizeof rn);
    bk_error_set_sub(err, BK_DATATYPE_MISMATCH,
                     "BINARY_OP_DIFF_TYPES", "Cannot resolve \"%s\" due to data "
                     "type mismatch: the left and right operands of the binary operator have "
                     "incompatible types (\"%s\" and \"%s\").",
                     src_of(b, at), ln, rn);
    return bind_error_at(b, at, err);
}

/* The wider of two interval types of one kind: the smallest start to the largest end. */
static const bk_type *wider_iv(const bk_type *x, const bk_type *y) {
    int s = x->precision < y->precision ? x->precision : y->precision;
    int e = x->scale > y->scale ? x->scale : y->scale;
    return bk_type_interval(x->kind, s, e);
}

/* datetime ± interval, with the interval already negated for '-'. */
static bk_status add_to_datetime(binder *b, exec_expr *d, exec_expr *iv, const sql_expr *at,
                                 exec_expr **out, bk_error *err) {
    const bk_type *it = iv->type;
    /* a STRING is read as a TIMESTAMP next to a day-time interval (TimeAdd's input types);
     * next to a year-month interval it is a type mismatch, as in Spark */
    if (d->type->kind == BK_TYPE_STRING && it->kind == BK_TYPE_INTERVAL_YM)
        return mismatch(b, at, d->type, it, err);
    if (d->type->kind == BK_TYPE_STRING || d->type->kind == BK_TYPE_VOID)
        BK_TRY(bind_cast(b, d, T(BK_TYPE_TIMESTAMP), at, &d, err));
    if (d->type->kind == BK_TYPE_DATE) {
        if (it->kind == BK_TYPE_INTERVAL_YM)
            return call(b, "date_add_interval", exec_fn_iv_date_add_months, T(BK_TYPE_DATE), d,
                        iv, out, err);
        if (it->precision == BK_IV_DAY && it->scale == BK_IV_DAY)
            return call(b, "date_add", exec_fn_iv_date_add_days, T(BK_TYPE_DATE), d, iv, out,
                        err);
        BK_TRY(bind_cast(b, d, T(BK_TYPE_TIMESTAMP), at, &d, err));
    }
    if (!is_ts(d->type)) return mismatch(b, at, d->type, it, err);
    if (it->kind == BK_TYPE_INTERVAL_YM)
        return call(b, "timestamp_add_interval", exec_fn_iv_ts_add_months, d->type, d, iv, out,
                    err);
    return call(b, "timestamp_add_interval", exec_fn_iv_ts_add, d->type, d, iv, out, err);
}

bk_status bind_datetime_arith(binder *b, const char *op, exec_expr *l, exec_expr *r,
                              const sql_expr *at, bool *handled, exec_expr **out, bk_error *err) {
    const bk_type *lt = l->type, *rt = r->type;
    bool add = !strcmp(op, "+"), sub = !strcmp(op, "-"), mul = !strcmp(op, "*"),
         div = !strcmp(op, "/"), int_div = !strcmp(op, "DIV");
    *handled = false;
    bool l_date = lt->kind == BK_TYPE_DATE, r_date = rt->kind == BK_TYPE_DATE;
    bool l_str = lt->kind == BK_TYPE_STRING || lt->kind == BK_TYPE_VOID;
    bool r_str = rt->kind == BK_TYPE_STRING || rt->kind == BK_TYPE_VOID;
    if (!is_iv(lt) && !is_iv(rt) && !l_date && !r_date && !is_ts(lt) && !is_ts(rt)) return BK_OK;
    if (int_div) {
        if (!is_iv(lt) && !is_iv(rt)) return BK_OK;
        *handled = true;
        if (!is_iv(lt) || !is_iv(rt) || lt->kind != rt->kind) return mismatch(b, at, lt, rt, err);
        return call(b, "div", exec_fn_iv_int_divide, T(BK_TYPE_BIGINT), l, r, out, err);
    }
    if (!add && !sub && !mul && !div) return BK_OK;
    *handled = true;
    /* interval ± NULL: NULL of the interval's type */
    if ((add || sub) && is_iv(lt) && rt->kind == BK_TYPE_VOID) {
        BK_TRY(bind_cast(b, r, lt, at, &r, err));
        rt = lt;
    } else if ((add || sub) && is_iv(rt) && lt->kind == BK_TYPE_VOID) {
        BK_TRY(bind_cast(b, l, rt, at, &l, err));
        lt = rt;
    }
    /* interval with interval */
    if (is_iv(lt) && is_iv(rt)) {
        if (lt->kind != rt->kind || !(add || sub)) return mismatch(b, at, lt, rt, err);
        return call(b, add ? "+" : "-", add ? exec_fn_iv_add : exec_fn_iv_sub, wider_iv(lt, rt),
                    l, r, out, err);
    }
    /* interval * number, number * interval, interval / number */
    if ((mul || div) && (is_iv(lt) || is_iv(rt))) {
        exec_expr *iv = is_iv(lt) ? l : r, *num = is_iv(lt) ? r : l;
        if (div && !is_iv(lt)) return mismatch(b, at, lt, rt, err);
        const bk_type *nt = num->type;
        if (!(is_numeric(nt) || nt->kind == BK_TYPE_STRING || nt->kind == BK_TYPE_VOID) ||
            is_iv(nt))
            return mismatch(b, at, lt, rt, err);
        BK_TRY(bind_cast(b, num, is_integral(nt) ? T(BK_TYPE_BIGINT) : T(BK_TYPE_DOUBLE), at,
                         &num, err));
        const bk_type *res = bk_type_scalar(iv->type->kind); /* YEAR TO MONTH, DAY TO SECOND */
        return call(b, mul ? "*" : "/", mul ? exec_fn_iv_mul : exec_fn_iv_div, res, iv, num, out,
                    err);
    }
    if (mul || div) {
        *handled = false; /* DATE * 2: the numeric rules report it */
        return BK_OK;
    }
    /* datetime ± interval, interval + datetime */
    if (is_iv(rt) || is_iv(lt)) {
        exec_expr *iv = is_iv(rt) ? r : l, *d = is_iv(rt) ? l : r;
        if (sub && is_iv(lt)) return mismatch(b, at, lt, rt, err);
        if (sub) BK_TRY(bind_interval_negate(b, iv, at, &iv, err));
        return add_to_datetime(b, d, iv, at, out, err);
    }
    /* DATE ± integral (or NULL): date_add / date_sub */
    bool r_int = is_integral(rt) || rt->kind == BK_TYPE_VOID;
    bool l_int = is_integral(lt) || lt->kind == BK_TYPE_VOID;
    if ((l_date && r_int) || (r_date && l_int && add)) {
        exec_expr *d = l_date ? l : r, *n = l_date ? r : l;
        const exec_fn_def *def = exec_fn_lookup(sub ? "date_sub" : "date_add");
        BK_TRY(bind_cast(b, n, T(BK_TYPE_INT), at, &n, err));
        return call(b, def->name, def->kernel, T(BK_TYPE_DATE), d, n, out, err);
    }
    if ((l_date && r_str) || (r_date && l_str) || (l_date && r_date)) {
        if (!sub) return mismatch(b, at, lt, rt, err);
        BK_TRY(bind_cast(b, l, T(BK_TYPE_DATE), at, &l, err));
        BK_TRY(bind_cast(b, r, T(BK_TYPE_DATE), at, &r, err));
        return call(b, "-", exec_fn_iv_date_diff, bk_type_interval(BK_TYPE_INTERVAL_DT, 0, 0), l,
                    r, out, err);
    }
    if (sub && (is_ts(lt) || is_ts(rt)) &&
        (is_ts(lt) || l_date || l_str) && (is_ts(rt) || r_date || r_str)) {
        const bk_type *t = lt->kind == BK_TYPE_TIMESTAMP_NTZ && rt->kind == BK_TYPE_TIMESTAMP_NTZ
                               ? T(BK_TYPE_TIMESTAMP_NTZ)
                               : T(BK_TYPE_TIMESTAMP);
        BK_TRY(bind_cast(b, l, t, at, &l, err));
        BK_TRY(bind_cast(b, r, t, at, &r, err));
        return call(b, "-", exec_fn_iv_ts_diff, T(BK_TYPE_INTERVAL_DT), l, r, out, err);
    }
    return mismatch(b, at, lt, rt, err);
}

/* ---- timestampadd / timestampdiff ---- */

bool bind_is_unit_function(const char *name) {
    static const char *const names[] = {"timestampadd", "timestampdiff", "dateadd",
                                        "datediff",     "date_add",      "date_diff",
                                        "timestamp_diff", "timediff",    "timestamp_add"};
    for (size_t i = 0; i < BK_ARRAY_LEN(names); i++)
        if (bk_str_ieq_cstr(bk_str_from_cstr(name), names[i])) return true;
    return false;
}

/*
 * timestampadd(unit, n, ts) (also dateadd, date_add with three arguments) and
 * timestampdiff(unit, start, end) (also datediff, date_diff, timestamp_diff): the unit
 * word becomes a STRING constant of the library's __timestampadd / __timestampdiff.
 */
bk_status bind_unit_function(bind_env *env, const sql_expr *e, const char *name, exec_expr **out,
                             bk_error *err) {
    binder *b = env->b;
    const sql_expr *ue = e->args[0];
    const char *unit = ue->kind == SQL_E_STRING ? "" : ue->name.parts[0].text;
    bool add = bk_str_ieq_cstr(bk_str_from_cstr(name), "timestampadd") ||
               bk_str_ieq_cstr(bk_str_from_cstr(name), "timestamp_add") ||
               bk_str_ieq_cstr(bk_str_from_cstr(name), "dateadd") ||
               bk_str_ieq_cstr(bk_str_from_cstr(name), "date_add");
    static const char *const units[] = {"YEAR",   "QUARTER", "MONTH",  "WEEK",
                                        "DAY",    "DAYOFYEAR", "HOUR", "MINUTE",
                                        "SECOND", "MILLISECOND", "MICROSECOND"};
    bool known = false;
    for (size_t i = 0; i < BK_ARRAY_LEN(units); i++)
        known |= bk_str_ieq_cstr(bk_str_from_cstr(unit), units[i]);
    if (!known || (!add && bk_str_ieq_cstr(bk_str_from_cstr(unit), "DAYOFYEAR"))) {
        bk_error_set(err, BK_INVALID_DATETIME_UNIT,
                     "The value of parameter(s) `unit` in `%s` is invalid: expects one of the "
                     "units without quotes YEAR, QUARTER, MONTH, WEEK, DAY, DAYOFYEAR, HOUR, "
                     "MINUTE, SECOND, MILLISECOND, MICROSECOND, but got the string literal '%s'.",
                     add ? "timestampadd" : "timestampdiff",
                     ue->kind == SQL_E_STRING ? ue->text : unit);
        return bind_error_at(b, e->args[0], err);
    }
    exec_expr **args = bk_arena_array(b->a, 3, sizeof *args);
    if (!args) return bk_arena_oom(b->a, err);
    bk_vector *u = bk_vector_make(b->a, T(BK_TYPE_STRING), 1);
    if (!u) return bk_arena_oom(b->a, err);
    ((bk_str *)u->data)[0] = bk_str_from_cstr(unit);
    args[0] = exec_expr_const(b->a, u);
    if (!args[0]) return bk_arena_oom(b->a, err);
    BK_TRY(bind_expr(env, e->args[1], &args[1], err));
    BK_TRY(bind_expr(env, e->args[2], &args[2], err));
    bool found;
    return bind_library_call(b, e, add ? "__timestampadd" : "__timestampdiff", args, 3, &found,
                             out, err);
}
