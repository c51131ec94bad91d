/*
 * where.c — `--where "a = 1 AND b IN ('x', 'y') AND c IS NOT NULL"` for the delta
 * commands: a conjunction of simple predicates on top-level columns, each literal
 * parsed as its column's type (value_in.c), so '2024-01-01' works for a DATE.
 */
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/str.h"
#include "cli/cli.h"
#include "delta/delta.h"

#define MAX_LITERALS 64

/* A tiny scanner for --where. */
typedef struct where_lexer {
    const char *p;
} where_lexer;

static void skip_space(where_lexer *lx) {
    while (*lx->p == ' ' || *lx->p == '\t') lx->p++;
}

static bool accept_word(where_lexer *lx, const char *word) {
    skip_space(lx);
    size_t n = strlen(word);
    if (strncasecmp(lx->p, word, n) != 0) return false;
    char c = lx->p[n];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')
        return false;
    lx->p += n;
    return true;
}

/* An identifier (or `quoted` identifier). */
static bk_str read_ident(where_lexer *lx) {
    skip_space(lx);
    const char *s = lx->p;
    if (*s == '`') {
        const char *e = strchr(s + 1, '`');
        if (!e) return bk_str_make(NULL, 0);
        lx->p = e + 1;
        return bk_str_make(s + 1, (size_t)(e - s - 1));
    }
    while ((*lx->p >= 'a' && *lx->p <= 'z') || (*lx->p >= 'A' && *lx->p <= 'Z') ||
           (*lx->p >= '0' && *lx->p <= '9') || *lx->p == '_')
        lx->p++;
    return bk_str_make(s, (size_t)(lx->p - s));
}

/* A literal's text: 'quoted' ('' escapes a quote), or a bare token. */
static bool read_literal(bk_arena *a, where_lexer *lx, bk_str *out) {
    skip_space(lx);
    if (*lx->p == '\'') {
        bk_buf b;
        bk_buf_init(&b);
        const char *q = lx->p + 1;
        for (;;) {
            if (!*q) {
                bk_buf_destroy(&b);
                return false;
            }
            if (*q == '\'' && q[1] != '\'') break;
            if (bk_buf_append(&b, q, 1) != BK_OK) { /* '' is one quote */
                bk_buf_destroy(&b);
                return false;
            }
            q += *q == '\'' ? 2 : 1;
        }
        lx->p = q + 1;
        out->ptr = bk_arena_strndup(a, b.len ? (const char *)b.data : "", b.len);
        out->len = b.len;
        bk_buf_destroy(&b);
        return out->ptr != NULL;
    }
    const char *s = lx->p;
    while (*lx->p && *lx->p != ' ' && *lx->p != ',' && *lx->p != ')') lx->p++;
    *out = bk_str_make(s, (size_t)(lx->p - s));
    return out->len > 0;
}

/* Parse --where into predicates on schema fields. */
int cli_parse_where(bk_arena *a, const char *cmd, const delta_schema *schema, const char *text,
                    pq_predicate *preds, uint32_t max_preds, uint32_t *n_preds) {
    where_lexer lx = {text};
    *n_preds = 0;
    do {
        if (*n_preds == max_preds) return cli_usage(cmd, "--where: too many conditions");
        bk_str name = read_ident(&lx);
        char *cname = name.len ? bk_str_dup(a, name) : NULL;
        const delta_field *f = cname ? delta_schema_find(schema, cname) : NULL;
        if (!f) return cli_usage(cmd, "--where: no column \"%.*s\"", (int)name.len, name.ptr);
        pq_predicate *p = &preds[(*n_preds)++];
        p->field = (uint32_t)(f - schema->fields);
        p->values = NULL;
        if (accept_word(&lx, "IS")) {
            p->op = accept_word(&lx, "NOT") ? PQ_PRED_IS_NOT_NULL : PQ_PRED_IS_NULL;
            if (!accept_word(&lx, "NULL")) return cli_usage(cmd, "--where: expected NULL");
            continue;
        }
        bk_str lits[MAX_LITERALS];
        size_t n_lits = 0;
        skip_space(&lx);
        if (accept_word(&lx, "IN")) {
            p->op = PQ_PRED_IN;
            skip_space(&lx);
            if (*lx.p != '(') return cli_usage(cmd, "--where: expected ( after IN");
            lx.p++;
            do {
                if (n_lits == MAX_LITERALS || !read_literal(a, &lx, &lits[n_lits++]))
                    return cli_usage(cmd, "--where: bad IN list");
                skip_space(&lx);
            } while (*lx.p == ',' && lx.p++);
            if (*lx.p != ')') return cli_usage(cmd, "--where: expected ) after the IN list");
            lx.p++;
        } else {
            static const struct {
                const char *text;
                pq_pred_op op;
            } ops[] = {{"<=", PQ_PRED_LE},
                       {">=", PQ_PRED_GE},
                       {"=", PQ_PRED_EQ},
                       {"<", PQ_PRED_LT},
                       {">", PQ_PRED_GT}};
            size_t k = 0;
            while (k < 5 && strncmp(lx.p, ops[k].text, strlen(ops[k].text)) != 0) k++;
            if (k == 5)
                return cli_usage(cmd, "--where: expected = < <= > >= IN or IS after \"%s\"", cname);
            p->op = ops[k].op;
            lx.p += strlen(ops[k].text);
            if (!read_literal(a, &lx, &lits[n_lits++]))
                return cli_usage(cmd, "--where: missing value after \"%s\"", cname);
        }
        bk_vector *v = bk_vector_make(a, f->type, n_lits);
        if (!v) return cli_fail("out of memory");
        for (size_t i = 0; i < n_lits; i++) {
            char why[160];
            if (!cli_parse_into(a, v, i, lits[i].ptr, lits[i].len, false, why, sizeof why))
                return cli_usage(cmd, "--where: column \"%s\": %s", f->name, why);
        }
        p->values = v;
    } while (accept_word(&lx, "AND"));
    skip_space(&lx);
    if (*lx.p) return cli_usage(cmd, "--where: unexpected \"%s\" (only AND is supported)", lx.p);
    return -1;
}
