/*
 * test_base_errcodes.c — errcodes.def against Spark's error catalogue.
 *
 * ../shared/testdata/spark-sql-tests/error-conditions.json (BRICKS_TESTDATA) is Spark's
 * list of error classes.  For every row of errcodes.def whose class ("X", or a
 * sub-class "X.Y") is in it, the SQLSTATE must be Spark's: the sub-class's own if the
 * json gives it one, else its class's.  A row naming a sub-class the json does not
 * list fails too.  And since bk_error_sqlstate gives a sub-class its class's SQLSTATE,
 * no sub-class of our classes may have a different one in the json.  Rows for classes
 * Spark does not have (Databricks REST error codes, IO_ERROR, ...) are not checked;
 * nor are _LEGACY_ERROR_TEMP_* classes, which have no SQLSTATE in the json.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "test.h"

static json_t *load_conditions(void) {
    const char *dir = bk_test_data_dir();
    if (!dir) return NULL;
    char path[600];
    snprintf(path, sizeof path, "%s/spark-sql-tests/error-conditions.json", dir);
    json_error_t jerr;
    return json_load_file(path, 0, &jerr);
}

/* The SQLSTATE Spark gives class "X" or "X.Y", or NULL when the json has none. */
static const char *spark_sqlstate(json_t *all, const char *cls, bool *known, bool *sub_known) {
    char parent[160];
    const char *dot = strchr(cls, '.');
    size_t n = dot ? (size_t)(dot - cls) : strlen(cls);
    if (n >= sizeof parent) n = sizeof parent - 1;
    memcpy(parent, cls, n);
    parent[n] = '\0';
    json_t *c = json_object_get(all, parent);
    *known = c != NULL;
    *sub_known = true;
    if (!c) return NULL;
    const char *state = json_string_value(json_object_get(c, "sqlState"));
    if (dot) {
        json_t *sub = json_object_get(json_object_get(c, "subClass"), dot + 1);
        *sub_known = sub != NULL;
        const char *own = sub ? json_string_value(json_object_get(sub, "sqlState")) : NULL;
        if (own) state = own;
    }
    return state;
}

BK_TEST(errcodes_sqlstates_match_spark) {
    json_t *all = load_conditions();
    if (!all) {
        bk_test_fail(__FILE__, __LINE__, "error-conditions.json is missing (BRICKS_TESTDATA)");
        return;
    }
    int checked = 0;
    for (int code = 1; code < BK_CODE_COUNT; code++) {
        const char *cls = bk_code_name((bk_code)code);
        bool known, sub_known;
        const char *want = spark_sqlstate(all, cls, &known, &sub_known);
        if (!known) continue;
        if (!sub_known)
            bk_test_fail(__FILE__, __LINE__, "errcodes.def: %s: Spark has no such sub-class", cls);
        if (!want) continue; /* _LEGACY_ERROR_TEMP_*: no SQLSTATE */
        checked++;
        if (strcmp(want, bk_code_sqlstate((bk_code)code)) != 0)
            bk_test_fail(__FILE__, __LINE__, "errcodes.def: %s has SQLSTATE %s, Spark says %s",
                         cls, bk_code_sqlstate((bk_code)code), want);
        /* sub-classes share the class's SQLSTATE (bk_error_sqlstate relies on it) */
        const char *key;
        json_t *sub;
        json_t *parent = json_object_get(all, strchr(cls, '.') ? "" : cls);
        json_object_foreach(json_object_get(parent, "subClass"), key, sub) {
            const char *own = json_string_value(json_object_get(sub, "sqlState"));
            if (own && strcmp(own, want) != 0)
                bk_test_fail(__FILE__, __LINE__,
                             "%s.%s has its own SQLSTATE %s: bk_error_sqlstate needs a table",
                             cls, key, own);
        }
    }
    /* most SQL classes are Spark's: a json or a table that stopped matching shows here */
    if (checked < 80) bk_test_fail(__FILE__, __LINE__, "only %d rows checked", checked);
    json_decref(all);
}

BK_TEST(errcodes_checker_sees_a_mismatch) {
    /* the comparison above on a made-up catalogue: a wrong SQLSTATE, a wrong sub-class */
    json_error_t jerr;
    json_t *all = json_loads("{\"DIVIDE_BY_ZERO\": {\"sqlState\": \"22012\"},"
                             " \"X\": {\"sqlState\": \"42000\", \"subClass\": {\"Y\": {}, "
                             "\"Z\": {\"sqlState\": \"42001\"}}}}",
                             0, &jerr);
    ASSERT_TRUE(all != NULL);
    bool known, sub_known;
    ASSERT_STR_EQ(spark_sqlstate(all, "DIVIDE_BY_ZERO", &known, &sub_known), "22012");
    ASSERT_TRUE(known && sub_known);
    ASSERT_STR_EQ(spark_sqlstate(all, "X.Y", &known, &sub_known), "42000");
    ASSERT_STR_EQ(spark_sqlstate(all, "X.Z", &known, &sub_known), "42001");
    spark_sqlstate(all, "X.W", &known, &sub_known);
    ASSERT_TRUE(known && !sub_known);
    ASSERT_TRUE(spark_sqlstate(all, "NOPE", &known, &sub_known) == NULL && !known);
    json_decref(all);
}
