/*
 * bricks_api.c — the public C API (include/bricks.h) over the engine's sessions.
 *
 * A thin layer: a bricks_db is a data directory, a bricks_session wraps an
 * eng_session and keeps its last error, a bricks_stmt is checked SQL text and a
 * bricks_result wraps an eng_result (whose arena also holds the text values
 * bricks_value_text renders).  No engine type crosses the header.
 */
#include <string.h>

#include "bricks.h"
#include "engine/engine.h"
#include "engine/exec/cast.h"
#include "base/i128.h"
#include "base/mem.h"
#include "engine/sql/sql.h"

struct bricks_db {
    char *dir; /* NULL: none */
};

struct bricks_session {
    eng_session *eng;
    bk_error err;
    char errclass[BK_ERROR_CLASS_MAX]; /* "CLASS.SUB" of err, for bricks_errclass */
    bool failed;
};

struct bricks_stmt {
    bricks_session *s;
    char *sql;
};

struct bricks_result {
    eng_result *eng;
    char type_name[128];
};

/* The status for the session's error (which is also kept for bricks_err*). */
static bricks_status fail(bricks_session *s, const bk_error *err) {
    s->err = *err;
    bk_error_class(&s->err, s->errclass, sizeof s->errclass);
    s->failed = true;
    if (err->code == BK_OUT_OF_MEMORY) return BRICKS_NOMEM;
    if (err->code == BK_CANCELLED) return BRICKS_CANCELED;
    return BRICKS_ERROR;
}

static void succeed(bricks_session *s) {
    s->failed = false;
    bk_error_clear(&s->err);
}

bricks_status bricks_open(const char *dir, bricks_db **out) {
    if (!out) return BRICKS_MISUSE;
    *out = NULL;
    bricks_db *db = bk_calloc(1, sizeof *db);
    if (!db) return BRICKS_NOMEM;
    if (dir && !(db->dir = bk_strdup(dir))) {
        bk_free(db);
        return BRICKS_NOMEM;
    }
    *out = db;
    return BRICKS_OK;
}

void bricks_close(bricks_db *db) {
    if (!db) return;
    bk_free(db->dir);
    bk_free(db);
}

bricks_status bricks_session_new(bricks_db *db, bricks_session **out) {
    if (!db || !out) return BRICKS_MISUSE;
    *out = NULL;
    bricks_session *s = bk_calloc(1, sizeof *s);
    if (!s) return BRICKS_NOMEM;
    bk_error err;
    bk_error_clear(&err);
    if (eng_session_open(&(eng_options){.data_dir = db->dir}, &s->eng, &err) != BK_OK) {
        bk_free(s);
        return err.code == BK_OUT_OF_MEMORY ? BRICKS_NOMEM : BRICKS_ERROR;
    }
    bk_error_clear(&s->err);
    *out = s;
    return BRICKS_OK;
}

void bricks_session_free(bricks_session *s) {
    if (!s) return;
    eng_session_close(s->eng);
    bk_free(s);
}

bricks_status bricks_prepare(bricks_session *s, const char *sql, bricks_stmt **out) {
    if (!s || !sql || !out) return BRICKS_MISUSE;
    *out = NULL;
    bk_error err;
    bk_error_clear(&err);
    bk_arena *a = bk_arena_new(NULL, "bricks_prepare", 0);
    if (!a) return BRICKS_NOMEM;
    sql_stmt_list parsed;
    bk_status rc = sql_parse(a, sql, strlen(sql), &parsed, &err);
    bk_arena_free(a);
    if (rc != BK_OK) return fail(s, &err);
    bricks_stmt *st = bk_calloc(1, sizeof *st);
    if (!st || !(st->sql = bk_strdup(sql))) {
        bk_free(st);
        return BRICKS_NOMEM;
    }
    st->s = s;
    succeed(s);
    *out = st;
    return BRICKS_OK;
}

void bricks_stmt_free(bricks_stmt *st) {
    if (!st) return;
    bk_free(st->sql);
    bk_free(st);
}

bricks_status bricks_execute(bricks_stmt *st, bricks_result **out) {
    if (!st || !out) return BRICKS_MISUSE;
    *out = NULL;
    bricks_result *r = bk_calloc(1, sizeof *r);
    if (!r) return BRICKS_NOMEM;
    bk_error err;
    bk_error_clear(&err);
    if (eng_execute(st->s->eng, st->sql, -1, &r->eng, &err) != BK_OK) {
        bk_free(r);
        return fail(st->s, &err);
    }
    succeed(st->s);
    *out = r;
    return BRICKS_OK;
}

bricks_status bricks_exec(bricks_session *s, const char *sql, bricks_result **out) {
    bricks_stmt *st;
    bricks_status rc = bricks_prepare(s, sql, &st);
    if (rc != BRICKS_OK) return rc;
    rc = bricks_execute(st, out);
    bricks_stmt_free(st);
    return rc;
}

void bricks_result_free(bricks_result *r) {
    if (!r) return;
    eng_result_free(r->eng);
    bk_free(r);
}

void bricks_cancel(bricks_session *s) {
    if (s) eng_cancel(s->eng);
}

const char *bricks_errclass(const bricks_session *s) {
    return s && s->failed ? s->errclass : NULL;
}

const char *bricks_sqlstate(const bricks_session *s) {
    return s && s->failed ? bk_error_sqlstate(&s->err) : NULL;
}

const char *bricks_errmsg(const bricks_session *s) {
    return s && s->failed ? s->err.msg : NULL;
}

int bricks_errpos(const bricks_session *s) { return s && s->failed ? s->err.sql_pos : -1; }

/* ---- results ---- */

static const bk_type *schema_of(const bricks_result *r) {
    return r && r->eng->table ? r->eng->table->schema : NULL;
}

const char *bricks_result_statement(const bricks_result *r) {
    return r ? r->eng->statement : NULL;
}

size_t bricks_result_column_count(const bricks_result *r) {
    const bk_type *t = schema_of(r);
    return t ? t->n_children : 0;
}

const char *bricks_result_column_name(const bricks_result *r, size_t col) {
    const bk_type *t = schema_of(r);
    return t && col < t->n_children ? t->field_names[col] : NULL;
}

bricks_type bricks_result_column_type(const bricks_result *r, size_t col) {
    const bk_type *t = schema_of(r);
    if (!t || col >= t->n_children) return BRICKS_TYPE_OTHER;
    switch (t->children[col]->kind) {
    case BK_TYPE_VOID: return BRICKS_TYPE_NULL;
    case BK_TYPE_BOOLEAN: return BRICKS_TYPE_BOOLEAN;
    case BK_TYPE_TINYINT: return BRICKS_TYPE_TINYINT;
    case BK_TYPE_SMALLINT: return BRICKS_TYPE_SMALLINT;
    case BK_TYPE_INT: return BRICKS_TYPE_INT;
    case BK_TYPE_BIGINT: return BRICKS_TYPE_BIGINT;
    case BK_TYPE_FLOAT: return BRICKS_TYPE_FLOAT;
    case BK_TYPE_DOUBLE: return BRICKS_TYPE_DOUBLE;
    case BK_TYPE_DECIMAL: return BRICKS_TYPE_DECIMAL;
    case BK_TYPE_STRING: return BRICKS_TYPE_STRING;
    case BK_TYPE_BINARY: return BRICKS_TYPE_BINARY;
    case BK_TYPE_DATE: return BRICKS_TYPE_DATE;
    case BK_TYPE_TIMESTAMP: return BRICKS_TYPE_TIMESTAMP;
    case BK_TYPE_TIMESTAMP_NTZ: return BRICKS_TYPE_TIMESTAMP_NTZ;
    default: return BRICKS_TYPE_OTHER;
    }
}

const char *bricks_result_column_type_name(const bricks_result *r, size_t col) {
    const bk_type *t = schema_of(r);
    if (!t || col >= t->n_children) return NULL;
    bk_type_format(t->children[col], ((bricks_result *)r)->type_name, sizeof r->type_name);
    return r->type_name;
}

uint64_t bricks_result_row_count(const bricks_result *r) {
    return r && r->eng->table ? r->eng->table->n_rows : 0;
}

size_t bricks_result_chunk_count(const bricks_result *r) {
    return r && r->eng->table ? r->eng->table->n_chunks : 0;
}

size_t bricks_result_chunk_rows(const bricks_result *r, size_t chunk) {
    if (!r || !r->eng->table || chunk >= r->eng->table->n_chunks) return 0;
    return r->eng->table->chunks[chunk].n;
}

/* The vector holding (chunk, col, row), or NULL when the position is out of range. */
static const bk_vector *vector_at(const bricks_result *r, size_t chunk, size_t col, size_t row) {
    if (!r || !r->eng->table || chunk >= r->eng->table->n_chunks) return NULL;
    const exec_chunk *c = &r->eng->table->chunks[chunk];
    if (col >= c->n_cols || row >= c->n) return NULL;
    return c->cols[col];
}

int bricks_value_is_null(const bricks_result *r, size_t chunk, size_t col, size_t row) {
    const bk_vector *v = vector_at(r, chunk, col, row);
    return !v || !bk_vector_is_valid(v, row);
}

int64_t bricks_value_int64(const bricks_result *r, size_t chunk, size_t col, size_t row) {
    const bk_vector *v = vector_at(r, chunk, col, row);
    if (!v || !bk_vector_is_valid(v, row)) return 0;
    switch (v->type->kind) {
    case BK_TYPE_BOOLEAN: return ((const uint8_t *)v->data)[row] != 0;
    case BK_TYPE_TINYINT: return ((const int8_t *)v->data)[row];
    case BK_TYPE_SMALLINT: return ((const int16_t *)v->data)[row];
    case BK_TYPE_INT:
    case BK_TYPE_DATE: return ((const int32_t *)v->data)[row];
    case BK_TYPE_BIGINT:
    case BK_TYPE_TIMESTAMP:
    case BK_TYPE_TIMESTAMP_NTZ: return ((const int64_t *)v->data)[row];
    default: return 0;
    }
}

double bricks_value_double(const bricks_result *r, size_t chunk, size_t col, size_t row) {
    const bk_vector *v = vector_at(r, chunk, col, row);
    if (!v || !bk_vector_is_valid(v, row)) return 0;
    switch (v->type->kind) {
    case BK_TYPE_FLOAT: return ((const float *)v->data)[row];
    case BK_TYPE_DOUBLE: return ((const double *)v->data)[row];
    case BK_TYPE_DECIMAL: {
        double x = v->type->precision <= BK_DECIMAL_INT64_MAX_PRECISION
                       ? (double)((const int64_t *)v->data)[row]
                       : bk_i128_to_double(((const bk_i128 *)v->data)[row]);
        for (int s = 0; s < v->type->scale; s++) x /= 10;
        return x;
    }
    case BK_TYPE_TINYINT:
    case BK_TYPE_SMALLINT:
    case BK_TYPE_INT:
    case BK_TYPE_BIGINT: return (double)bricks_value_int64(r, chunk, col, row);
    default: return 0;
    }
}

const char *bricks_value_string(const bricks_result *r, size_t chunk, size_t col, size_t row,
                                size_t *len) {
    const bk_vector *v = vector_at(r, chunk, col, row);
    if (len) *len = 0;
    if (!v || !bk_vector_is_valid(v, row) ||
        (v->type->kind != BK_TYPE_STRING && v->type->kind != BK_TYPE_BINARY))
        return "";
    bk_str s = ((const bk_str *)v->data)[row];
    if (len) *len = s.len;
    return s.ptr ? s.ptr : "";
}

const char *bricks_value_text(bricks_result *r, size_t chunk, size_t col, size_t row) {
    const bk_vector *v = vector_at(r, chunk, col, row);
    if (!v) return "";
    if (!bk_vector_is_valid(v, row)) return "NULL";
    bk_arena *a = r->eng->arena;
    bk_vector one = *v, *text;
    /* a one-row view of the value, cast as Spark casts to STRING */
    bk_vector *view = exec_vector_slice(a, &one, row, 1);
    bk_error err;
    bk_error_clear(&err);
    exec_cast_opts o = {.ansi = false};
    if (!view || exec_cast(a, view, bk_type_scalar(BK_TYPE_STRING), &o, &text, &err) != BK_OK)
        return "";
    bk_str s = ((const bk_str *)text->data)[0];
    char *z = bk_arena_alloc(a, s.len + 1);
    if (!z) return "";
    memcpy(z, s.ptr, s.len);
    z[s.len] = 0;
    return z;
}
