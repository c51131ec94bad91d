/*
 * test_sql_parser.c — the Spark SQL parser: the TPC-H queries, shapes of the
 * tree, literals, precedence, and errors with their position.
 */
#include <stdio.h>
#include <string.h>

#include "engine/sql/sql.h"
#include "store/store.h"
#include "test.h"

static bk_status parse(bk_arena *a, const char *sql, sql_stmt_list *out, bk_error *err) {
    bk_error_clear(err);
    return sql_parse(a, sql, strlen(sql), out, err);
}

static bk_status parse_expr(bk_arena *a, const char *sql, sql_expr **out, bk_error *err) {
    bk_error_clear(err);
    return sql_parse_expr(a, sql, strlen(sql), out, err);
}

BK_TEST(sql_parser_tpch_queries) {
    const char *dir = bk_test_data_dir();
    if (!dir) return;
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    for (int q = 1; q <= 22; q++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/tpch/queries/q%d.sql", dir, q);
        uint8_t *data;
        size_t len;
        ASSERT_OK(store_read_file(a, path, &data, &len, &err), &err);
        sql_stmt_list l;
        bk_error_clear(&err);
        bk_status s = sql_parse(a, (const char *)data, len, &l, &err);
        if (s != BK_OK) bk_test_fail(__FILE__, __LINE__, "q%d: %s at %d", q, err.msg, err.sql_pos);
        ASSERT_TRUE(s == BK_OK);
        ASSERT_EQ(l.n, 1);
        ASSERT_EQ(l.items[0]->kind, SQL_S_QUERY);
    }
    bk_arena_free(a);
}

BK_TEST(sql_parser_shapes) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    sql_stmt_list l;
    ASSERT_OK(parse(a,
                    "SELECT a, b + 1 AS c FROM t WHERE a > 1 AND NOT b IS NULL "
                    "GROUP BY a HAVING count(*) > 1 ORDER BY 1 DESC NULLS LAST LIMIT 10; "
                    "SET spark.sql.ansi.enabled = false",
                    &l, &err),
              &err);
    ASSERT_EQ(l.n, 2);
    sql_query *q = l.items[0]->query;
    ASSERT_EQ(q->kind, SQL_Q_SELECT);
    ASSERT_EQ(q->select->n_items, 2);
    ASSERT_STR_EQ(q->select->items[1].alias->text, "c");
    ASSERT_EQ(q->select->where->kind, SQL_E_BINARY_OP);
    ASSERT_STR_EQ(q->select->where->op, "AND");
    ASSERT_EQ(q->n_order, 1);
    ASSERT_TRUE(q->order[0].descending && q->order[0].nulls == 2);
    ASSERT_EQ(l.items[1]->kind, SQL_S_SET);
    ASSERT_STR_EQ(l.items[1]->key, "spark.sql.ansi.enabled");
    ASSERT_STR_EQ(l.items[1]->value, "false");
    /* precedence: 1 + 2 * 3 = 7 OR x is OR(=(+(1,*(2,3)),7), x) */
    sql_expr *e;
    bk_error_clear(&err);
    ASSERT_OK(parse_expr(a, "1 + 2 * 3 = 7 OR x", &e, &err), &err);
    ASSERT_STR_EQ(e->op, "OR");
    ASSERT_STR_EQ(e->args[0]->op, "=");
    ASSERT_STR_EQ(e->args[0]->args[0]->op, "+");
    ASSERT_STR_EQ(e->args[0]->args[0]->args[1]->op, "*");
    /* set operations: INTERSECT binds tighter than UNION */
    ASSERT_OK(parse(a, "SELECT 1 UNION ALL SELECT 2 INTERSECT SELECT 3", &l, &err), &err);
    q = l.items[0]->query;
    ASSERT_STR_EQ(q->setop, "UNION");
    ASSERT_TRUE(q->all);
    ASSERT_STR_EQ(q->right->setop, "INTERSECT");
    /* joins and a subquery */
    ASSERT_OK(parse(a,
                    "SELECT * FROM a LEFT JOIN b USING (k) JOIN (SELECT 1 x) s ON s.x = a.k "
                    "WHERE a.k IN (SELECT k FROM c) AND EXISTS (SELECT 1)",
                    &l, &err),
              &err);
    sql_from *f = l.items[0]->query->select->from;
    ASSERT_EQ(f->kind, SQL_FROM_JOIN);
    ASSERT_EQ(f->left->kind, SQL_FROM_JOIN);
    ASSERT_EQ(f->left->join, SQL_JOIN_LEFT);
    ASSERT_EQ(f->left->n_using, 1);
    ASSERT_EQ(f->right->kind, SQL_FROM_QUERY);
    ASSERT_STR_EQ(f->right->alias->text, "s");
    /* literals */
    ASSERT_OK(parse_expr(a, "-2147483648", &e, &err), &err);
    ASSERT_EQ(e->kind, SQL_E_NUMBER);
    ASSERT_STR_EQ(e->text, "-2147483648");
    ASSERT_OK(parse_expr(a, "'a' 'b' \"c\\n\"", &e, &err), &err);
    ASSERT_EQ(e->kind, SQL_E_STRING);
    ASSERT_STR_EQ(e->text, "abc\n");
    ASSERT_OK(parse_expr(a, "date '1998-12-01' - interval '90' day", &e, &err), &err);
    ASSERT_EQ(e->args[0]->kind, SQL_E_TYPED);
    ASSERT_EQ(e->args[1]->kind, SQL_E_INTERVAL);
    ASSERT_STR_EQ(e->args[1]->text, "'90' day");
    ASSERT_OK(parse_expr(a, "CAST(x AS DECIMAL(10, 2))", &e, &err), &err);
    ASSERT_EQ(e->type->kind, BK_TYPE_DECIMAL);
    ASSERT_EQ(e->type->scale, 2);
    ASSERT_OK(parse_expr(a, "extract(year from d)", &e, &err), &err);
    ASSERT_EQ(e->kind, SQL_E_FUNC);
    ASSERT_STR_EQ(e->name.parts[0].text, "extract");
    ASSERT_OK(parse_expr(a, "count(DISTINCT x) FILTER (WHERE y > 0)", &e, &err), &err);
    ASSERT_TRUE(e->distinct && e->filter);
    ASSERT_OK(parse_expr(a,
                         "rank() OVER (PARTITION BY a ORDER BY b ROWS BETWEEN 1 "
                         "PRECEDING AND CURRENT ROW)",
                         &e, &err),
              &err);
    ASSERT_TRUE(e->over && e->over->n_partition == 1 && e->over->has_frame);
    bk_arena_free(a);
}

BK_TEST(sql_parser_errors) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    sql_stmt_list l;
    ASSERT_FAILS(parse(a, "SELECT FROM t", &l, &err), BK_PARSE_SYNTAX_ERROR);
    ASSERT_STR_EQ(err.msg, "Syntax error at or near 'FROM'.");
    ASSERT_EQ(err.sql_pos, 7);
    ASSERT_FAILS(parse(a, "SELECT 'abc", &l, &err), BK_PARSE_SYNTAX_ERROR);
    ASSERT_FAILS(parse(a, "SELECT 1 /* open", &l, &err), BK_UNCLOSED_BRACKETED_COMMENT);
    ASSERT_FAILS(parse(a, "   ", &l, &err), BK_PARSE_EMPTY_STATEMENT);
    ASSERT_FAILS(parse(a, "SELECT 1 garbage garbage", &l, &err), BK_PARSE_SYNTAX_ERROR);
    ASSERT_FAILS(parse(a, "SELECT (1", &l, &err), BK_PARSE_SYNTAX_ERROR);
    ASSERT_STR_EQ(err.msg, "Syntax error at or near end of input.");
    /* deep nesting is an error, not a crash */
    char deep[4100];
    size_t n = 0;
    n += (size_t)snprintf(deep, sizeof deep, "SELECT ");
    for (int i = 0; i < 2000; i++) deep[n++] = '(';
    deep[n++] = '1';
    deep[n] = '\0';
    ASSERT_FAILS(parse(a, deep, &l, &err), BK_PARSE_SYNTAX_ERROR);
    bk_arena_free(a);
}
