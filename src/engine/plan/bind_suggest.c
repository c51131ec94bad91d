/*
 * bind_suggest.c — the UNRESOLVED_COLUMN error and its "Did you mean" list.
 *
 * A column reference that names nothing in scope fails with Spark's
 *
 *     [UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter
 *     with name `x` cannot be resolved. Did you mean one of the following? [`a`, `b`].
 *
 * or, when the scope has no column to offer, UNRESOLVED_COLUMN.WITHOUT_SUGGESTION
 * (the first sentence alone).  The list is the one Spark computes (CheckAnalysis →
 * StringUtils.orderSuggestedIdentifiersBySimilarity, then the first five):
 *
 *   1. the candidates are the scope's visible columns as qualifier + name, read in
 *      the order AttributeSet.toSeq gives them, i.e. sorted by column name;
 *   2. with an unqualified reference and one qualifier shared by every candidate,
 *      the qualifier is dropped (`a`, not `t`.`a`); otherwise it stays;
 *   3. each candidate is rendered with every part in back quotes (`t`.`a`) and the
 *      list is sorted, stably, by the Levenshtein distance between that text and the
 *      reference as written (parts quoted only where needed: t.x, `my col`).
 *
 * The distance therefore counts the back quotes, as Spark's does.  Only an error
 * path: nothing here is hot.
 */
#include <string.h>

#include "base/buf.h"
#include "engine/plan/binder_int.h"

#define MAX_SUGGESTIONS 5 /* Spark: candidates.take(5) */

typedef struct candidate {
    const plan_col *col;
    uint32_t idx;  /* position in scope, the tie-break that keeps the sorts stable */
    size_t dist;   /* Levenshtein distance to the reference */
    char *text;    /* `q`.`name` or `name`, in the binder arena */
} candidate;

/* Append part in back quotes, doubling the back quotes inside (Spark's quoteIdentifier). */
static bk_status quote_part(bk_buf *b, const char *part) {
    BK_TRY(bk_buf_append_u8(b, '`'));
    for (const char *p = part; *p; p++) {
        if (*p == '`') BK_TRY(bk_buf_append_u8(b, '`'));
        BK_TRY(bk_buf_append_u8(b, (uint8_t)*p));
    }
    return bk_buf_append_u8(b, '`');
}

/* Spark's quoteIfNeeded: letters, digits and '_' (not all digits) stay bare. */
static bool is_plain(const char *part) {
    bool has_non_digit = false;
    if (!*part) return false;
    for (const char *p = part; *p; p++) {
        char c = *p;
        bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                    (c >= '0' && c <= '9');
        if (!word) return false;
        if (c < '0' || c > '9') has_non_digit = true;
    }
    return has_non_digit;
}

/* Edit distance (insert, delete, substitute; cost 1 each) between x and y, by bytes. */
static size_t levenshtein(bk_arena *a, const char *x, const char *y) {
    size_t nx = strlen(x), ny = strlen(y);
    size_t *row = bk_arena_alloc(a, (ny + 1) * sizeof *row);
    if (!row) return nx > ny ? nx : ny;
    for (size_t j = 0; j <= ny; j++) row[j] = j;
    for (size_t i = 0; i < nx; i++) {
        size_t diag = row[0];
        row[0] = i + 1;
        for (size_t j = 0; j < ny; j++) {
            size_t up = row[j + 1];
            size_t best = diag + (x[i] != y[j]);
            if (row[j] + 1 < best) best = row[j] + 1;
            if (up + 1 < best) best = up + 1;
            row[j + 1] = best;
            diag = up;
        }
    }
    return row[ny];
}

static bool same_qualifier(const char *x, const char *y) {
    if (!x || !y) return x == y;
    return strcmp(x, y) == 0;
}

/* Insertion sorts (the lists are short); both are stable by construction. */
static void sort_by_name(candidate *c, uint32_t n) {
    for (uint32_t i = 1; i < n; i++) {
        candidate t = c[i];
        uint32_t j = i;
        while (j > 0 && strcmp(c[j - 1].col->name, t.col->name) > 0) {
            c[j] = c[j - 1];
            j--;
        }
        c[j] = t;
    }
}

static void sort_by_distance(candidate *c, uint32_t n) {
    for (uint32_t i = 1; i < n; i++) {
        candidate t = c[i];
        uint32_t j = i;
        while (j > 0 && c[j - 1].dist > t.dist) {
            c[j] = c[j - 1];
            j--;
        }
        c[j] = t;
    }
}

/* Render the reference both ways: `t`.`x` for the message, t.x for the distance. */
static bk_status render_reference(const sql_name *name, bk_buf *quoted, bk_buf *as_sql) {
    for (uint32_t i = 0; i < name->n; i++) {
        const char *part = name->parts[i].text;
        if (i) {
            BK_TRY(bk_buf_append_u8(quoted, '.'));
            BK_TRY(bk_buf_append_u8(as_sql, '.'));
        }
        BK_TRY(quote_part(quoted, part));
        if (is_plain(part))
            BK_TRY(bk_buf_append(as_sql, part, strlen(part)));
        else
            BK_TRY(quote_part(as_sql, part));
    }
    BK_TRY(bk_buf_append_u8(quoted, '\0'));
    return bk_buf_append_u8(as_sql, '\0');
}

static bk_status build_message(binder *b, const sql_name *name, const plan_scope *scope,
                               bk_buf *quoted, bk_buf *list) {
    bk_buf as_sql;
    bk_buf_init(&as_sql);
    bk_status st = render_reference(name, quoted, &as_sql);
    uint32_t n = 0;
    candidate *c = scope->n ? bk_arena_array(b->a, scope->n, sizeof *c) : NULL;
    if (st == BK_OK && scope->n && !c) st = BK_OUT_OF_MEMORY;
    for (uint32_t i = 0; st == BK_OK && i < scope->n; i++) {
        const plan_col *pc = &scope->cols[i];
        if (!pc->name || bind_hidden_name(pc) || !strncmp(pc->name, "__", 2)) continue;
        c[n++] = (candidate){.col = pc, .idx = i};
    }
    bool strip = name->n == 1;
    for (uint32_t i = 1; strip && i < n; i++)
        strip = same_qualifier(c[i].col->qualifier, c[0].col->qualifier);
    bk_buf text;
    bk_buf_init(&text);
    for (uint32_t i = 0; st == BK_OK && i < n; i++) {
        bk_buf_clear(&text);
        if (!strip && c[i].col->qualifier) {
            st = quote_part(&text, c[i].col->qualifier);
            if (st == BK_OK) st = bk_buf_append_u8(&text, '.');
        }
        if (st == BK_OK) st = quote_part(&text, c[i].col->name);
        if (st == BK_OK) st = bk_buf_append_u8(&text, '\0');
        if (st == BK_OK) c[i].text = bk_arena_strdup(b->a, (const char *)text.data);
        if (st == BK_OK && !c[i].text) st = BK_OUT_OF_MEMORY;
        if (st == BK_OK) c[i].dist = levenshtein(b->a, c[i].text, (const char *)as_sql.data);
    }
    bk_buf_destroy(&text);
    bk_buf_destroy(&as_sql);
    if (st != BK_OK) return st;
    sort_by_name(c, n);
    sort_by_distance(c, n);
    for (uint32_t i = 0; st == BK_OK && i < n && i < MAX_SUGGESTIONS; i++) {
        if (i) st = bk_buf_append(list, ", ", 2);
        if (st == BK_OK) st = bk_buf_append(list, c[i].text, strlen(c[i].text));
    }
    return st;
}

const char *bind_scope_names(binder *b, const plan_scope *scope) {
    bk_buf names;
    bk_buf_init(&names);
    bk_status st = BK_OK;
    for (uint32_t i = 0; st == BK_OK && i < scope->n; i++) {
        const plan_col *pc = &scope->cols[i];
        if (!pc->name || bind_hidden_name(pc) || !strncmp(pc->name, "__", 2)) continue;
        if (names.len) st = bk_buf_append(&names, ", ", 2);
        if (st == BK_OK) st = quote_part(&names, pc->name);
    }
    if (st == BK_OK) st = bk_buf_append_u8(&names, '\0');
    const char *out = st == BK_OK ? bk_arena_strdup(b->a, (const char *)names.data) : NULL;
    bk_buf_destroy(&names);
    return out ? out : "";
}

bk_status bind_unresolved_column(binder *b, const sql_expr *e, const plan_scope *scope,
                                 bk_error *err) {
    bk_buf quoted, list;
    bk_buf_init(&quoted);
    bk_buf_init(&list);
    bk_status st = build_message(b, &e->name, scope, &quoted, &list);
    if (st != BK_OK)
        bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory while reporting an unresolved column");
    else if (list.len)
        bk_error_set_sub(err, BK_UNRESOLVED_COLUMN, "WITH_SUGGESTION",
                         "A column, variable, or function parameter with name %s cannot be "
                         "resolved. Did you mean one of the following? [%.*s].",
                         (const char *)quoted.data, (int)list.len, (const char *)list.data);
    else
        bk_error_set_sub(err, BK_UNRESOLVED_COLUMN, "WITHOUT_SUGGESTION",
                         "A column, variable, or function parameter with name %s cannot be "
                         "resolved.",
                         (const char *)quoted.data);
    bk_buf_destroy(&quoted);
    bk_buf_destroy(&list);
    return bind_error_at(b, e, err);
}
