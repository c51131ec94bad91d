/*
 * test_exec_localize.c — TIMESTAMPs inside nested values shown in the session zone:
 * exec_vector_localize, and CAST(nested AS STRING) through it.
 */
#include <string.h>

#include "base/buf.h"
#include "base/tz.h"
#include "engine/exec/cast.h"
#include "test.h"

static const char *text(const bk_vector *v, size_t row) {
    static char out[256];
    bk_buf b;
    bk_buf_init(&b);
    if (bk_vector_format_value(v, row, &b) != BK_OK) return "ERROR";
    snprintf(out, sizeof out, "%.*s", (int)b.len, (const char *)b.data);
    bk_buf_destroy(&b);
    return out;
}

/* ARRAY<TIMESTAMP> of one row: [2024-01-01 00:00:00 UTC, NULL]. */
static bk_vector *array_of_ts(bk_arena *a) {
    const bk_type *t = bk_type_make_array(a, bk_type_scalar(BK_TYPE_TIMESTAMP));
    bk_vector *v = bk_vector_make(a, t, 1);
    bk_vector *ts = bk_vector_make(a, bk_type_scalar(BK_TYPE_TIMESTAMP), 2);
    ((int64_t *)ts->data)[0] = INT64_C(1704067200000000);
    if (bk_vector_ensure_validity(a, ts) != BK_OK) return NULL;
    bk_validity_set(ts->validity, 1, false);
    v->children[0] = ts;
    v->offsets[0] = 0;
    v->offsets[1] = 2;
    return v;
}

BK_TEST(localize_nested_timestamps) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    const bk_tz *la;
    bk_error err;
    ASSERT_OK(bk_tz_open("America/Los_Angeles", &la, &err), &err);
    exec_tz zone;
    exec_tz_from(la, &zone);
    bk_vector *v = array_of_ts(a);
    ASSERT_TRUE(v != NULL);
    ASSERT_STR_EQ(text(v, 0), "[2024-01-01 00:00:00, null]");
    const bk_vector *local = exec_vector_localize(a, v, &zone);
    ASSERT_TRUE(local != NULL && local != v);
    ASSERT_STR_EQ(text(local, 0), "[2023-12-31 16:00:00, null]");
    /* the input is untouched */
    ASSERT_STR_EQ(text(v, 0), "[2024-01-01 00:00:00, null]");
    /* nothing to do without TIMESTAMPs: the same vector */
    bk_vector *ints = bk_vector_make(a, bk_type_make_array(a, bk_type_scalar(BK_TYPE_INT)), 0);
    ASSERT_TRUE(exec_vector_localize(a, ints, &zone) == ints);
    /* CAST(ARRAY<TIMESTAMP> AS STRING) in the session zone */
    exec_cast_opts o = {.ansi = true, .tz = &zone};
    bk_vector *s;
    ASSERT_OK(exec_cast(a, v, bk_type_scalar(BK_TYPE_STRING), &o, &s, &err), &err);
    ASSERT_STR_EQ(text(s, 0), "[2023-12-31 16:00:00, null]");
    bk_arena_free(a);
}
