/*
 * test_sql_parser_group.c — the parser's grouping analytics (parser_group.c),
 * PIVOT / UNPIVOT (parser_pivot.c) and the set-operation / join forms around them:
 * how ROLLUP, CUBE, GROUPING SETS and their mixtures expand into sets.
 */
#include <string.h>

#include "engine/sql/sql.h"
#include "test.h"

static const sql_select *select_of(bk_arena *a, const char *sql, bk_error *err) {
    sql_stmt_list l;
    bk_error_clear(err);
    if (sql_parse(a, sql, strlen(sql), &l, err) != BK_OK) return NULL;
    return l.items[0]->query->select;
}

/* The sets of s as text: "a,b|a|" (column names joined by ',', sets by '|'). */
static const char *sets_text(bk_arena *a, const sql_select *s) {
    char buf[512];
    size_t n = 0;
    buf[0] = '\0';
    for (uint32_t k = 0; k < s->n_sets && n + 64 < sizeof buf; k++) {
        if (k) buf[n++] = '|';
        for (uint32_t i = 0; i < s->set_sizes[k]; i++) {
            const sql_expr *e = s->sets[k][i];
            const char *name = e->kind == SQL_E_COLUMN ? e->name.parts[0].text : "?";
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? "," : "", name);
        }
    }
    buf[n] = '\0';
    return bk_arena_strdup(a, buf);
}

BK_TEST(sql_parser_grouping_sets) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    const sql_select *s = select_of(a, "SELECT 1 FROM t GROUP BY ROLLUP(a, b)", &err);
    ASSERT_TRUE(s != NULL);
    ASSERT_EQ(s->group_kind, SQL_GROUP_SETS);
    ASSERT_STR_EQ(sets_text(a, s), "a,b|a|");
    ASSERT_EQ(s->n_group, 2);
    /* CUBE in Spark's order: the sets with the first key, then those without */
    s = select_of(a, "SELECT 1 FROM t GROUP BY CUBE(a, b, c)", &err);
    ASSERT_STR_EQ(sets_text(a, s), "a,b,c|a,b|a,c|a|b,c|b|c|");
    /* a grouping set inside ROLLUP is one unit */
    s = select_of(a, "SELECT 1 FROM t GROUP BY ROLLUP(a, (b, c))", &err);
    ASSERT_STR_EQ(sets_text(a, s), "a,b,c|a|");
    /* WITH ROLLUP / WITH CUBE and the legacy GROUPING SETS keep the user's keys */
    s = select_of(a, "SELECT 1 FROM t GROUP BY a, b WITH CUBE", &err);
    ASSERT_STR_EQ(sets_text(a, s), "a,b|a|b|");
    s = select_of(a, "SELECT 1 FROM t GROUP BY a, b, c GROUPING SETS (a, (b, c), ())", &err);
    ASSERT_STR_EQ(sets_text(a, s), "a|b,c|");
    ASSERT_EQ(s->n_group, 3);
    /* mixed: the cross product; the keys are every expression in order */
    s = select_of(a, "SELECT 1 FROM t GROUP BY a, ROLLUP(b), CUBE(c)", &err);
    ASSERT_STR_EQ(sets_text(a, s), "a,b,c|a,b|a,c|a");
    ASSERT_EQ(s->n_group, 3);
    /* nested GROUPING SETS flatten; duplicates stay */
    s = select_of(a, "SELECT 1 FROM t GROUP BY GROUPING SETS (ROLLUP(a), (a), GROUPING SETS (b))",
                  &err);
    ASSERT_STR_EQ(sets_text(a, s), "a||a|b");
    /* a plain list stays a plain GROUP BY; a parenthesised expression is an expression */
    s = select_of(a, "SELECT 1 FROM t GROUP BY a, b", &err);
    ASSERT_EQ(s->group_kind, SQL_GROUP_EXPRS);
    ASSERT_EQ(s->n_group, 2);
    s = select_of(a, "SELECT 1 FROM t GROUP BY ROLLUP((a + 1) * 2, b)", &err);
    ASSERT_TRUE(s != NULL);
    ASSERT_EQ(s->n_sets, 3);
    ASSERT_EQ(s->sets[0][0]->kind, SQL_E_BINARY_OP);
    /* errors */
    ASSERT_TRUE(select_of(a, "SELECT 1 FROM t GROUP BY ROLLUP(a, ())", &err) == NULL);
    ASSERT_EQ(err.code, BK_EMPTY_GROUPING_SET); /* Spark's _LEGACY_ERROR_TEMP_0051 */
    ASSERT_STR_EQ(err.msg, "Empty set in ROLLUP grouping sets is not supported.");
    ASSERT_TRUE(select_of(a, "SELECT 1 FROM t GROUP BY CUBE(a, b, c, d, e, f, g, h, i, j, k, l, m)",
                          &err) == NULL);
    ASSERT_EQ(err.code, BK_LIMIT_EXCEEDED);
    ASSERT_TRUE(select_of(a, "SELECT 1 FROM t GROUP BY GROUPING SETS ((a, b)", &err) == NULL);
    ASSERT_EQ(err.code, BK_PARSE_SYNTAX_ERROR);
    bk_arena_free(a);
}

BK_TEST(sql_parser_pivot) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    const sql_select *s = select_of(
        a, "SELECT * FROM t PIVOT (sum(x) AS s, avg(x) FOR (c, d) IN ((1, 2) AS p, (3, 4))) AS q",
        &err);
    ASSERT_TRUE(s != NULL);
    const sql_from *f = s->from;
    ASSERT_EQ(f->kind, SQL_FROM_PIVOT);
    ASSERT_STR_EQ(f->alias->text, "q");
    ASSERT_EQ(f->left->kind, SQL_FROM_TABLE);
    ASSERT_EQ(f->pivot->n_aggs, 2);
    ASSERT_STR_EQ(f->pivot->aggs[0].alias->text, "s");
    ASSERT_TRUE(f->pivot->aggs[1].alias == NULL); /* FOR is no alias */
    ASSERT_EQ(f->pivot->n_cols, 2);
    ASSERT_EQ(f->pivot->n_values, 2);
    ASSERT_STR_EQ(f->pivot->values[0].alias->text, "p");
    s = select_of(a,
                  "SELECT * FROM t UNPIVOT INCLUDE NULLS "
                  "((v1, v2) FOR n IN ((a, b) AS ab, (c, d)))",
                  &err);
    ASSERT_TRUE(s != NULL);
    f = s->from;
    ASSERT_EQ(f->kind, SQL_FROM_UNPIVOT);
    ASSERT_TRUE(f->pivot->include_nulls);
    ASSERT_EQ(f->pivot->n_value_cols, 2);
    ASSERT_STR_EQ(f->pivot->name_col.text, "n");
    ASSERT_EQ(f->pivot->n_items, 2);
    ASSERT_STR_EQ(f->pivot->items[0].alias->text, "ab");
    ASSERT_EQ(f->pivot->items[1].n_cols, 2);
    s = select_of(a, "SELECT * FROM t UNPIVOT (v FOR n IN (a, b x))", &err);
    ASSERT_TRUE(s != NULL && !s->from->pivot->include_nulls);
    ASSERT_STR_EQ(s->from->pivot->items[1].alias->text, "x");
    ASSERT_TRUE(select_of(a, "SELECT * FROM t PIVOT (sum(x) FOR c)", &err) == NULL);
    ASSERT_EQ(err.code, BK_PARSE_SYNTAX_ERROR);
    ASSERT_TRUE(select_of(a, "SELECT * FROM t UNPIVOT EXCLUDE (v FOR n IN (a))", &err) == NULL);
    ASSERT_EQ(err.code, BK_PARSE_SYNTAX_ERROR);
    /* NATURAL takes no join condition */
    ASSERT_TRUE(select_of(a, "SELECT * FROM t NATURAL JOIN u USING (k)", &err) == NULL);
    ASSERT_EQ(err.code, BK_PARSE_SYNTAX_ERROR);
    bk_arena_free(a);
}
