/*
 * scim_filter.c — SCIM filter expressions (RFC 7644 §3.4.2.2) evaluated against a
 * resource's JSON representation.
 *
 *   filter  -> term { "or" term }
 *   term    -> factor { "and" factor }
 *   factor  -> "not" "(" filter ")" | "(" filter ")" | path "pr" | path op value
 *   path    -> attr [ "." sub ]          (attribute names compare case-insensitively)
 *   op      -> eq | ne | co | sw | ew | gt | ge | lt | le
 *   value   -> "string" | true | false | null | number
 *
 * An attribute holding an array matches when any element does (emails.value eq
 * "x" looks into every email).  String comparisons ignore case, as SCIM's default
 * caseExact=false says for userName and displayName.
 */
#include "server/scim.h"

#include <string.h>
#include <strings.h>

#include "base/str.h"

typedef enum node_kind { N_AND, N_OR, N_NOT, N_CMP, N_PRESENT } node_kind;
typedef enum cmp_op { OP_EQ, OP_NE, OP_CO, OP_SW, OP_EW, OP_GT, OP_GE, OP_LT, OP_LE } cmp_op;

struct scim_filter {
    node_kind kind;
    scim_filter *left, *right; /* AND/OR; NOT uses left */
    const char *path;          /* CMP, PRESENT */
    cmp_op op;
    json_t *value; /* CMP: the literal (owned by the arena via cleanup) */
};

typedef struct parser {
    bk_arena *arena;
    const char *s;
    size_t pos;
    bk_error *err;
    int depth;
} parser;

static void decref(void *p) { json_decref(p); }

static void skip_ws(parser *p) {
    while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t') p->pos++;
}

static bk_status fail(parser *p, const char *what) {
    return bk_error_set(p->err, BK_INVALID_ARGUMENT, "Invalid filter \"%s\": %s at position %zu",
                        p->s, what, p->pos + 1);
}

static bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '$' || c == ':' || c == '-';
}

/* The next word (letters, digits, '.', …) without consuming it; length in *len. */
static const char *peek_word(parser *p, size_t *len) {
    skip_ws(p);
    size_t i = p->pos;
    while (is_word_char(p->s[i])) i++;
    *len = i - p->pos;
    return p->s + p->pos;
}

static bool take_keyword(parser *p, const char *kw) {
    size_t len;
    const char *w = peek_word(p, &len);
    if (len != strlen(kw) || strncasecmp(w, kw, len) != 0) return false;
    p->pos += len;
    return true;
}

static scim_filter *new_node(parser *p, node_kind kind) {
    scim_filter *n = bk_arena_zalloc(p->arena, sizeof *n);
    if (n) n->kind = kind;
    return n;
}

/* value -> "string" | true | false | null | number */
static bk_status parse_value(parser *p, json_t **out) {
    skip_ws(p);
    const char *s = p->s;
    json_t *v = NULL;
    if (s[p->pos] == '"') {
        size_t i = p->pos + 1;
        while (s[i] && s[i] != '"') i += s[i] == '\\' && s[i + 1] ? 2 : 1;
        if (s[i] != '"') return fail(p, "unterminated string");
        json_error_t jerr;
        v = json_loadb(s + p->pos, i + 1 - p->pos, JSON_DECODE_ANY, &jerr);
        if (!v) return fail(p, "bad string literal");
        p->pos = i + 1;
    } else {
        size_t len;
        const char *w = peek_word(p, &len);
        if (len == 4 && strncasecmp(w, "true", 4) == 0) {
            v = json_true();
        } else if (len == 5 && strncasecmp(w, "false", 5) == 0) {
            v = json_false();
        } else if (len == 4 && strncasecmp(w, "null", 4) == 0) {
            v = json_null();
        } else {
            int64_t i64;
            double d;
            if (len && bk_parse_i64(w, len, &i64))
                v = json_integer(i64);
            else if (len && bk_parse_double(w, len, &d))
                v = json_real(d);
            else
                return fail(p, "expected a value");
        }
        p->pos += len;
    }
    if (!v) return bk_error_set(p->err, BK_OUT_OF_MEMORY, "out of memory");
    if (!bk_arena_own(p->arena, decref, v)) {
        json_decref(v);
        return bk_arena_oom(p->arena, p->err);
    }
    *out = v;
    return BK_OK;
}

static bk_status parse_filter(parser *p, scim_filter **out);

/* factor -> "not" "(" filter ")" | "(" filter ")" | path "pr" | path op value */
static bk_status parse_factor(parser *p, scim_filter **out) {
    if (++p->depth > 32) return fail(p, "nested too deeply");
    skip_ws(p);
    bool negate = false;
    size_t save = p->pos;
    if (take_keyword(p, "not")) {
        skip_ws(p);
        if (p->s[p->pos] == '(')
            negate = true;
        else
            p->pos = save; /* an attribute called "not…" */
    }
    skip_ws(p);
    if (p->s[p->pos] == '(') {
        p->pos++;
        scim_filter *inner = NULL;
        BK_TRY(parse_filter(p, &inner));
        skip_ws(p);
        if (p->s[p->pos] != ')') return fail(p, "expected ')'");
        p->pos++;
        if (negate) {
            scim_filter *n = new_node(p, N_NOT);
            if (!n) return bk_arena_oom(p->arena, p->err);
            n->left = inner;
            inner = n;
        }
        *out = inner;
        p->depth--;
        return BK_OK;
    }
    size_t len;
    const char *w = peek_word(p, &len);
    if (len == 0) return fail(p, "expected an attribute name");
    char *path = bk_arena_strndup(p->arena, w, len);
    if (!path) return bk_arena_oom(p->arena, p->err);
    p->pos += len;
    const char *op_word = peek_word(p, &len);
    static const char *const ops[] = {"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"};
    if (len == 2 && strncasecmp(op_word, "pr", 2) == 0) {
        p->pos += 2;
        scim_filter *n = new_node(p, N_PRESENT);
        if (!n) return bk_arena_oom(p->arena, p->err);
        n->path = path;
        *out = n;
        p->depth--;
        return BK_OK;
    }
    for (size_t i = 0; i < BK_ARRAY_LEN(ops); i++) {
        if (len == 2 && strncasecmp(op_word, ops[i], 2) == 0) {
            p->pos += 2;
            scim_filter *n = new_node(p, N_CMP);
            if (!n) return bk_arena_oom(p->arena, p->err);
            n->path = path;
            n->op = (cmp_op)i;
            BK_TRY(parse_value(p, &n->value));
            *out = n;
            p->depth--;
            return BK_OK;
        }
    }
    return fail(p, "expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)");
}

/* term -> factor { "and" factor } */
static bk_status parse_term(parser *p, scim_filter **out) {
    BK_TRY(parse_factor(p, out));
    while (take_keyword(p, "and")) {
        scim_filter *n = new_node(p, N_AND);
        if (!n) return bk_arena_oom(p->arena, p->err);
        n->left = *out;
        BK_TRY(parse_factor(p, &n->right));
        *out = n;
    }
    return BK_OK;
}

/* filter -> term { "or" term } */
static bk_status parse_filter(parser *p, scim_filter **out) {
    BK_TRY(parse_term(p, out));
    while (take_keyword(p, "or")) {
        scim_filter *n = new_node(p, N_OR);
        if (!n) return bk_arena_oom(p->arena, p->err);
        n->left = *out;
        BK_TRY(parse_term(p, &n->right));
        *out = n;
    }
    return BK_OK;
}

bk_status scim_filter_parse(bk_arena *a, const char *text, scim_filter **out, bk_error *err) {
    parser p = {.arena = a, .s = text, .err = err};
    *out = NULL;
    BK_TRY(parse_filter(&p, out));
    skip_ws(&p);
    if (p.s[p.pos] != '\0') return fail(&p, "unexpected text");
    return BK_OK;
}

json_t *scim_attr(json_t *obj, const char *name, size_t len) {
    if (!json_is_object(obj)) return NULL;
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        if (strlen(key) == len && strncasecmp(key, name, len) == 0) return v;
    }
    return NULL;
}

/* Compare a JSON value with a literal: <0, 0, >0, or 2 when they cannot be ordered. */
static int compare(json_t *v, json_t *lit) {
    if (json_is_string(v) && json_is_string(lit))
        return strcasecmp(json_string_value(v), json_string_value(lit));
    if (json_is_number(v) && json_is_number(lit)) {
        double a = json_number_value(v), b = json_number_value(lit);
        return a < b ? -1 : a > b ? 1 : 0;
    }
    if (json_is_boolean(v) && json_is_boolean(lit))
        return json_is_true(v) == json_is_true(lit) ? 0 : 2;
    if (json_is_string(v) && json_is_boolean(lit)) /* "true" stored as text */
        return strcasecmp(json_string_value(v), json_is_true(lit) ? "true" : "false") == 0 ? 0 : 2;
    return 2;
}

static bool ci_contains(const char *hay, const char *needle) {
    size_t n = strlen(needle), h = strlen(hay);
    for (size_t i = 0; i + n <= h; i++)
        if (strncasecmp(hay + i, needle, n) == 0) return true;
    return false;
}

static bool match_value(const scim_filter *f, json_t *v) {
    if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            if (match_value(f, e)) return true;
        }
        return false;
    }
    if (!v) return f->op == OP_NE ? !json_is_null(f->value) : json_is_null(f->value);
    int c = compare(v, f->value);
    switch (f->op) {
    case OP_EQ: return c == 0;
    case OP_NE: return c != 0;
    case OP_GT: return c != 2 && c > 0;
    case OP_GE: return c != 2 && c >= 0;
    case OP_LT: return c < 0;
    case OP_LE: return c <= 0;
    case OP_CO:
    case OP_SW:
    case OP_EW: {
        if (!json_is_string(v) || !json_is_string(f->value)) return false;
        const char *s = json_string_value(v), *t = json_string_value(f->value);
        size_t sl = strlen(s), tl = strlen(t);
        if (f->op == OP_CO) return ci_contains(s, t);
        if (tl > sl) return false;
        return strncasecmp(f->op == OP_SW ? s : s + sl - tl, t, tl) == 0;
    }
    }
    return false;
}

/* Every value at `path` ("a" or "a.b"): for a.b over an array of objects, each b. */
static bool match_path(const scim_filter *f, json_t *res, bool present) {
    const char *dot = strchr(f->path, '.');
    size_t len = dot ? (size_t)(dot - f->path) : strlen(f->path);
    json_t *v = scim_attr(res, f->path, len);
    if (dot && v) {
        const char *sub = dot + 1;
        if (json_is_array(v)) {
            size_t i;
            json_t *e;
            json_array_foreach(v, i, e) {
                json_t *sv = scim_attr(e, sub, strlen(sub));
                if (present ? sv && !json_is_null(sv) : match_value(f, sv)) return true;
            }
            return false;
        }
        v = scim_attr(v, sub, strlen(sub));
    }
    if (present) {
        if (!v || json_is_null(v)) return false;
        if (json_is_array(v)) return json_array_size(v) > 0;
        if (json_is_string(v)) return json_string_length(v) > 0;
        return true;
    }
    return match_value(f, v);
}

bool scim_filter_match(const scim_filter *f, json_t *resource) {
    switch (f->kind) {
    case N_AND:
        return scim_filter_match(f->left, resource) && scim_filter_match(f->right, resource);
    case N_OR:
        return scim_filter_match(f->left, resource) || scim_filter_match(f->right, resource);
    case N_NOT: return !scim_filter_match(f->left, resource);
    case N_PRESENT: return match_path(f, resource, true);
    case N_CMP: return match_path(f, resource, false);
    }
    return false;
}
