/*
 * meta.c — decode and encode Parquet metadata structs (see meta.h).
 *
 * The decoders map parquet.thrift field ids onto the C structs of meta.h, on top of
 * the compact-protocol cursor in thrift.c.  The rules, in order of importance:
 *
 *   - Nothing in the input is trusted.  The wire layer bounds lengths, list sizes and
 *     nesting; this layer checks enum values, required fields, and signs of counts,
 *     sizes and offsets.  Every failure is BK_CORRUPT (BK_UNSUPPORTED for a valid
 *     feature we do not read, BK_OUT_OF_MEMORY when the arena fails), and the message
 *     names the innermost struct and field: "ColumnMetaData.num_values is negative: -3"
 *     or "RowGroup.num_rows: invalid thrift data at byte 912: truncated varint".
 *   - Forward compatible.  Unknown fields are skipped, and so is a known field id
 *     with an unexpected wire type (as Thrift-generated readers do: a few old
 *     writers used ids that later meant other fields); unknown Encoding and
 *     CompressionCodec values are kept as their integer value so the reader can say
 *     "unsupported encoding 42"; an unknown LogicalType member becomes
 *     PQ_LT_UNRECOGNIZED and an unknown ColumnOrder member PQ_ORDER_UNKNOWN.
 *   - Statistics are advice.  A negative null/distinct/NaN count (which no correct
 *     writer produces) drops that count (has_ flag false) instead of failing the file.
 *   - The output is written only on success; every byte string is copied into the
 *     arena, so the result does not point into the input.
 *
 * The encoders write fields in id order and optional fields only when set (has_
 * flags, non-NULL pointers, non-empty lists).  On failure they leave `out` as it was.
 */
#include "parquet/meta.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "parquet/thrift.h"

/* ------------------------------------------------------------------------- */
/* Decoding: context and helpers                                              */
/* ------------------------------------------------------------------------- */

typedef struct dec {
    pq_thrift_reader r;
    bk_arena *a;
    bk_error *err;
    bool located; /* the message already names a struct/field: outer levels add nothing */
} dec;

/*
 * Pass `s` through; on failure first put "Struct.field: " in front of the message
 * (once: the innermost location is the useful one).
 */
static bk_status at(dec *d, const char *st, const char *fld, bk_status s) {
    if (s == BK_OK) return BK_OK;
    if (!d->located && d->err) {
        if (fld)
            (void)bk_error_prefix(d->err, "%s.%s", st, fld);
        else
            (void)bk_error_prefix(d->err, "%s", st);
    }
    d->located = true;
    return s;
}

/* A semantic error whose message already names the struct and field. */
BK_NOINLINE BK_PRINTF(3, 4) static bk_status fail(dec *d, bk_code code, const char *fmt, ...) {
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    d->located = true;
    return bk_error_set(d->err, code, "%s", msg);
}

static bk_status missing(dec *d, const char *st, const char *fld) {
    return fail(d, BK_CORRUPT, "%s.%s is missing", st, fld);
}

static bk_status oom(dec *d) {
    d->located = true;
    return bk_arena_oom(d->a, d->err);
}

/* Zeroed arena array of n elements; *out = NULL when n == 0. */
static bk_status alloc_array(dec *d, uint32_t n, size_t size, void **out) {
    *out = NULL;
    if (n == 0) return BK_OK;
    if ((size_t)n > SIZE_MAX / size) return oom(d);
    void *p = bk_arena_zalloc(d->a, (size_t)n * size);
    if (!p) return oom(d);
    *out = p;
    return BK_OK;
}

static bk_status begin(dec *d, const char *st) {
    return at(d, st, NULL, pq_thrift_struct_begin(&d->r));
}

static bk_status next(dec *d, const char *st, int16_t *id, uint8_t *t) {
    return at(d, st, NULL, pq_thrift_field(&d->r, id, t));
}

static bk_status end(dec *d, const char *st) {
    return at(d, st, NULL, pq_thrift_struct_end(&d->r));
}

static bk_status skip(dec *d, const char *st, uint8_t t) {
    return at(d, st, NULL, pq_thrift_skip(&d->r, t));
}

static bk_status rd_i32(dec *d, const char *st, const char *fld, uint8_t t, int32_t *out) {
    return at(d, st, fld, pq_thrift_read_i32(&d->r, t, out));
}

static bk_status rd_i64(dec *d, const char *st, const char *fld, uint8_t t, int64_t *out) {
    return at(d, st, fld, pq_thrift_read_i64(&d->r, t, out));
}

static bk_status rd_bool(dec *d, const char *st, const char *fld, uint8_t t, bool *out) {
    return at(d, st, fld, pq_thrift_read_bool(&d->r, t, out));
}

/* An i32 that must be >= 0 (a size, count or length). */
static bk_status rd_count32(dec *d, const char *st, const char *fld, uint8_t t, int32_t *out) {
    int32_t v;
    BK_TRY(rd_i32(d, st, fld, t, &v));
    if (v < 0) return fail(d, BK_CORRUPT, "%s.%s is negative: %d", st, fld, (int)v);
    *out = v;
    return BK_OK;
}

/* An i64 that must be >= 0 (a size, count or file offset). */
static bk_status rd_count64(dec *d, const char *st, const char *fld, uint8_t t, int64_t *out) {
    int64_t v;
    BK_TRY(rd_i64(d, st, fld, t, &v));
    if (v < 0) return fail(d, BK_CORRUPT, "%s.%s is negative: %lld", st, fld, (long long)v);
    *out = v;
    return BK_OK;
}

/* A binary value copied into the arena (with a NUL after it, not counted in len). */
static bk_status rd_bytes(dec *d, const char *st, const char *fld, uint8_t t, pq_bytes *out) {
    const uint8_t *p;
    uint32_t n;
    BK_TRY(at(d, st, fld, pq_thrift_read_binary(&d->r, t, &p, &n)));
    uint8_t *copy = bk_arena_alloc(d->a, (size_t)n + 1);
    if (!copy) return oom(d);
    if (n) memcpy(copy, p, n);
    copy[n] = 0;
    out->ptr = copy;
    out->len = n;
    return BK_OK;
}

/* A string copied into the arena, NUL-terminated. */
static bk_status rd_str(dec *d, const char *st, const char *fld, uint8_t t, const char **out) {
    pq_bytes b;
    BK_TRY(rd_bytes(d, st, fld, t, &b));
    *out = (const char *)b.ptr;
    return BK_OK;
}

static bool is_int_type(uint8_t t) { return t >= PQ_THRIFT_I8 && t <= PQ_THRIFT_I64; }

/*
 * Wire types of known fields, indexed by field id, as W[] tables in each decoder:
 * 0 for ids the decoder does not know.  A known id with an unexpected wire type is
 * skipped like an unknown field, as Thrift-generated readers do (some old writers
 * used ids that later became other fields), so a required field then counts as
 * missing.  Integer fields accept any integer wire type (values are range-checked).
 */
#define BIN PQ_THRIFT_BINARY
#define LST PQ_THRIFT_LIST
#define STR PQ_THRIFT_STRUCT
#define BOO PQ_THRIFT_TRUE
#define I8 PQ_THRIFT_I8
#define I16 PQ_THRIFT_I16
#define I32 PQ_THRIFT_I32
#define I64 PQ_THRIFT_I64

static bool field_ok(const uint8_t *want, size_t n, int16_t id, uint8_t t) {
    if (id <= 0 || (size_t)id >= n || want[id] == 0) return false;
    switch (want[id]) {
    case PQ_THRIFT_TRUE: return t == PQ_THRIFT_TRUE || t == PQ_THRIFT_FALSE;
    case PQ_THRIFT_I8:
    case PQ_THRIFT_I16:
    case PQ_THRIFT_I32:
    case PQ_THRIFT_I64: return is_int_type(t);
    case PQ_THRIFT_LIST: return t == PQ_THRIFT_LIST || t == PQ_THRIFT_SET;
    default: return t == want[id];
    }
}

/*
 * A list header whose elements must be `want` (PQ_THRIFT_I32 or PQ_THRIFT_I64 accept
 * any integer element type).  *n is bounded by the remaining input.
 */
static bk_status rd_list(dec *d, const char *st, const char *fld, uint8_t t, uint8_t want,
                         uint8_t *elem, uint32_t *n) {
    BK_TRY(at(d, st, fld, pq_thrift_list_begin(&d->r, t, elem, n)));
    if (*n == 0) return BK_OK;
    bool ok = (want == PQ_THRIFT_I32 || want == PQ_THRIFT_I64) ? is_int_type(*elem)
                                                                : *elem == want;
    if (!ok)
        return fail(d, BK_CORRUPT, "%s.%s has list elements of wire type %u, expected %u", st,
                    fld, (unsigned)*elem, (unsigned)want);
    return BK_OK;
}

/* ------------------------------------------------------------------------- */
/* Decoding: structs                                                          */
/* ------------------------------------------------------------------------- */

/* Statistics -> 1 max, 2 min, 3 null_count, 4 distinct_count, 5 max_value, 6 min_value,
 *               7 is_max_value_exact, 8 is_min_value_exact, 9 nan_count */
static bk_status dec_statistics(dec *d, pq_statistics *s) {
    static const uint8_t W[] = {0, BIN, BIN, I64, I64, BIN, BIN, BOO, BOO, I64};
    static const char S[] = "Statistics";
    memset(s, 0, sizeof *s);
    BK_TRY(begin(d, S));
    for (;;) {
        int16_t id;
        uint8_t t;
        BK_TRY(next(d, S, &id, &t));
        if (t == PQ_THRIFT_STOP) break;
        if (!field_ok(W, BK_ARRAY_LEN(W), id, t)) {
            BK_TRY(skip(d, S, t));
            continue;
        }
        switch (id) {
        case 1:
            BK_TRY(rd_bytes(d, S, "max", t, &s->max));
            s->has_max = true;
            break;
        case 2:
            BK_TRY(rd_bytes(d, S, "min", t, &s->min));
            s->has_min = true;
            break;
        case 3:
            BK_TRY(rd_i64(d, S, "null_count", t, &s->null_count));
            s->has_null_count = s->null_count >= 0;
            break;
        case 4:
            BK_TRY(rd_i64(d, S, "distinct_count", t, &s->distinct_count));
            s->has_distinct_count = s->distinct_count >= 0;
            break;
        case 5:
            BK_TRY(rd_bytes(d, S, "max_value", t, &s->max_value));
            s->has_max_value = true;
            break;
        case 6:
            BK_TRY(rd_bytes(d, S, "min_value", t, &s->min_value));
            s->has_min_value = true;
            break;
        case 7:
            BK_TRY(rd_bool(d, S, "is_max_value_exact", t, &s->is_max_value_exact));
            s->has_is_max_value_exact = true;
            break;
        case 8:
            BK_TRY(rd_bool(d, S, "is_min_value_exact", t, &s->is_min_value_exact));
            s->has_is_min_value_exact = true;
            break;
        case 9:
            BK_TRY(rd_i64(d, S, "nan_count", t, &s->nan_count));
            s->has_nan_count = s->nan_count >= 0;
            break;
        default: BK_TRY(skip(d, S, t));
        }
    }
    return end(d, S);
}

/* TimeUnit union -> 1 MILLIS, 2 MICROS, 3 NANOS; *unit = 0 for an unknown member. */
static bk_status dec_time_unit(dec *d, pq_time_unit *unit) {
    static const char S[] = "TimeUnit";
    int n_members = 0;
    *unit = (pq_time_unit)0;
    BK_TRY(begin(d, S));
    for (;;) {
        int16_t id;
        uint8_t t;
        BK_TRY(next(d, S, &id, &t));
        if (t == PQ_THRIFT_STOP) break;
        n_members++;
        BK_TRY(skip(d, S, t));
        bool known = t == PQ_THRIFT_STRUCT && id >= PQ_MILLIS && id <= PQ_NANOS;
        *unit = known ? (pq_time_unit)id : (pq_time_unit)0;
    }
    if (n_members > 1)
        return fail(d, BK_CORRUPT, "TimeUnit has %d members; a union has at most one",
                    n_members);
    return end(d, S);
}

/* TimeType / TimestampType -> 1 isAdjustedToUTC, 2 unit.  Unknown unit: UNRECOGNIZED. */
static bk_status dec_time(dec *d, pq_logical_type *lt, const char *S) {
    static const uint8_t W[] = {0, BOO, STR};
    bool has_utc = false, has_unit = false;
    BK_TRY(begin(d, S));
    for (;;) {
        int16_t id;
        uint8_t t;
        BK_TRY(next(d, S, &id, &t));
        if (t == PQ_THRIFT_STOP) break;
        if (!field_ok(W, BK_ARRAY_LEN(W), id, t)) {
            BK_TRY(skip(d, S, t));
            continue;
        }
        if (id == 1) {
            BK_TRY(rd_bool(d, S, "isAdjustedToUTC", t, &lt->is_adjusted_to_utc));
            has_utc = true;
        } else if (id == 2) {
            BK_TRY(dec_time_unit(d, &lt->unit));
            has_unit = true;
        } else {
            BK_TRY(skip(d, S, t));
        }
    }
    if (!has_utc) return missing(d, S, "isAdjustedToUTC");
    if (!has_unit) return missing(d, S, "unit");
    if (lt->unit == 0) lt->kind = PQ_LT_UNRECOGNIZED;
    return end(d, S);
}

/* DecimalType -> 1 scale, 2 precision (both required). */
static bk_status dec_decimal(dec *d, pq_logical_type *lt) {
    static const uint8_t W[] = {0, I32, I32};
    static const char S[] = "DecimalType";
    bool has_scale = false, has_precision = false;
    BK_TRY(begin(d, S));
    for (;;) {
        int16_t id;
        uint8_t t;
        BK_TRY(next(d, S, &id, &t));
        if (t == PQ_THRIFT_STOP) break;
        if (!field_ok(W, BK_ARRAY_LEN(W), id, t)) {
            BK_TRY(skip(d, S, t));
            continue;
        }
        if (id == 1) {
            BK_TRY(rd_i32(d, S, "scale", t, &lt->scale));
            has_scale = true;
        } else if (id == 2) {
            BK_TRY(rd_i32(d, S, "precision", t, &lt->precision));
            has_precision = true;
        } else {
            BK_TRY(skip(d, S, t));
        }
    }
    if (!has_scale) return missing(d, S, "scale");
    if (!has_precision) return missing(d, S, "precision");
    return end(d, S);
}

/* IntType -> 1 bitWidth (8/16/32/64), 2 isSigned (both required). */
static bk_status dec_int_type(dec *d, pq_logical_type *lt) {
    static const uint8_t W[] = {0, I8, BOO};
    static const char S[] = "IntType";
    bool has_width = false, has_signed = false;
    BK_TRY(begin(d, S));
    for (;;) {
        int16_t id;
        uint8_t t;
        BK_TRY(next(d, S, &id, &t));
        if (t == PQ_THRIFT_STOP) break;
        if (!field_ok(W, BK_ARRAY_LEN(W), id, t)) {
            BK_TRY(skip(d, S, t));
            continue;
        }
        if (id == 1) {
            BK_TRY(at(d, S, "bitWidth", pq_thrift_read_i8(&d->r, t, &lt->bit_width)));
            has_width = true;
        } else if (id == 2) {
            BK_TRY(rd_bool(d, S, "isSigned", t, &lt->is_signed));
            has_signed = true;
        } else {
            BK_TRY(skip(d, S, t));
        }
    }
    if (!has_width) return missing(d, S, "bitWidth");
    if (!has_signed) return missing(d, S, "isSigned");
    int w = lt->bit_width;
    if (w != 8 && w != 16 && w != 32 && w != 64)
        return fail(d, BK_CORRUPT, "IntType.bitWidth has invalid value %d", w);
    return end(d, S);
}

/*
 * LogicalType union.  Member ids are the pq_logical_kind values; members with no
 * parameters (or whose parameters we do not keep: VARIANT, GEOMETRY, GEOGRAPHY) are
 * skipped; ids this reader does not know give PQ_LT_UNRECOGNIZED.
 */
static bk_status dec_logical(dec *d, pq_logical_type *lt) {
    static const char S[] = "LogicalType";
    int n_members = 0;
    memset(lt, 0, sizeof *lt);
    lt->kind = PQ_LT_NONE;
    BK_TRY(begin(d, S));
    for (;;) {
        int16_t id;
        uint8_t t;
        BK_TRY(next(d, S, &id, &t));
        if (t == PQ_THRIFT_STOP) break;
        n_members++;
        if (t != PQ_THRIFT_STRUCT) {
            lt->kind = PQ_LT_UNRECOGNIZED;
            BK_TRY(skip(d, S, t));
            continue;
        }
        switch (id) {
        case PQ_LT_DECIMAL:
            lt->kind = PQ_LT_DECIMAL;
            BK_TRY(dec_decimal(d, lt));
            break;
        case PQ_LT_TIME:
            lt->kind = PQ_LT_TIME;
            BK_TRY(dec_time(d, lt, "TimeType"));
            break;
        case PQ_LT_TIMESTAMP:
            lt->kind = PQ_LT_TIMESTAMP;
            BK_TRY(dec_time(d, lt, "TimestampType"));
            break;
        case PQ_LT_INTEGER:
            lt->kind = PQ_LT_INTEGER;
            BK_TRY(dec_int_type(d, lt));
            break;
        case PQ_LT_STRING:
        case PQ_LT_MAP:
        case PQ_LT_LIST:
        case PQ_LT_ENUM:
        case PQ_LT_DATE:
        case PQ_LT_UNKNOWN:
        case PQ_LT_JSON:
        case PQ_LT_BSON:
        case PQ_LT_UUID:
        case PQ_LT_FLOAT16:
        case PQ_LT_VARIANT:
        case PQ_LT_GEOMETRY:
        case PQ_LT_GEOGRAPHY:
            lt->kind = (pq_logical_kind)id;
            BK_TRY(skip(d, S, t));
            break;
        default:
            lt->kind = PQ_LT_UNRECOGNIZED;
            BK_TRY(skip(d, S, t));
        }
    }
    if (n_members > 1)
        return fail(d, BK_CORRUPT, "LogicalType has %d members; a union has at most one",
                    n_members);
    return end(d, S);
}

/* SchemaElement -> 1 type, 2 type_length, 3 repetition_type, 4 name, 5 num_children,
 *                  6 converted_type, 7 scale, 8 precision, 9 field_id, 10 logicalType */
static bk_status dec_schema_element(dec *d, pq_schema_element *e) {
    static const uint8_t W[] = {0, I32, I32, I32, BIN, I32, I32, I32, I32, I32, STR};
    static const char S[] = "SchemaElement";
    memset(e, 0, sizeof *e);
    e->converted = PQ_CT_NONE;
    e->logical.kind = PQ_LT_NONE;
    BK_TRY(begin(d, S));
    for (;;) {
        int16_t id;
        uint8_t t;
        int32_t v;
        BK_TRY(next(d, S, &id, &t));
        if (t == PQ_THRIFT_STOP) break;
        if (!field_ok(W, BK_ARRAY_LEN(W), id, t)) {
            BK_TRY(skip(d, S, t));
            continue;
        }
        switch (id) {
        case 1:
            BK_TRY(rd_i32(d, S, "type", t, &v));
            if (v < PQ_BOOLEAN || v > PQ_FIXED_LEN_BYTE_ARRAY)
                return fail(d, BK_CORRUPT, "SchemaElement.type has unknown value %d", (int)v);
            e->type = (pq_physical)v;
            e->has_type = true;
            break;
        case 2: BK_TRY(rd_i32(d, S, "type_length", t, &e->type_length)); break;
        case 3:
            BK_TRY(rd_i32(d, S, "repetition_type", t, &v));
            if (v == 3)
                return fail(d, BK_UNSUPPORTED,
                            "SchemaElement.repetition_type VECTOR (3) is not supported");
            if (v < PQ_REQUIRED || v > PQ_REPEATED)
                return fail(d, BK_CORRUPT, "SchemaElement.repetition_type has unknown value %d",
                            (int)v);
            e->repetition = (pq_repetition)v;
            e->has_repetition = true;
            break;
        case 4: BK_TRY(rd_str(d, S, "name", t, &e->name)); break;
        case 5: BK_TRY(rd_count32(d, S, "num_children", t, &e->num_children)); break;
        case 6:
            BK_TRY(rd_i32(d, S, "converted_type", t, &v));
            if (v < PQ_CT_UTF8 || v > PQ_CT_INTERVAL)
                return fail(d, BK_CORRUPT, "SchemaElement.converted_type has unknown value %d",
                            (int)v);
            e->converted = (pq_converted)v;
            break;
        case 7: BK_TRY(rd_i32(d, S, "scale", t, &e->scale)); break;
        case 8: BK_TRY(rd_i32(d, S, "precision", t, &e->precision)); break;
        case 9:
            BK_TRY(rd_i32(d, S, "field_id", t, &e->field_id));
            e->has_field_id = true;
            break;
        case 10:
            BK_TRY(dec_logical(d, &e->logical));
            break;
        default: BK_TRY(skip(d, S, t));
        }
    }
    if (!e->name) return missing(d, S, "name");
    if (e->has_type && e->type == PQ_FIXED_LEN_BYTE_ARRAY && e->type_length < 0)
        return fail(d, BK_CORRUPT, "SchemaElement.type_length is negative: %d",
                    (int)e->type_length);
    return end(d, S);
}

/* KeyValue -> 1 key (required), 2 value */
static bk_status dec_key_value(dec *d, pq_key_value *kv) {
    static const uint8_t W[] = {0, BIN, BIN};
    static const char S[] = "KeyValue";
    memset(kv, 0, sizeof *kv);
    BK_TRY(begin(d, S));
    for (;;) {
        int16_t id;
        uint8_t t;
        BK_TRY(next(d, S, &id, &t));
        if (t == PQ_THRIFT_STOP) break;
        if (!field_ok(W, BK_ARRAY_LEN(W), id, t)) {
            BK_TRY(skip(d, S, t));
            continue;
        }
        if (id == 1) {
            BK_TRY(rd_str(d, S, "key", t, &kv->key));
        } else if (id == 2) {
            pq_bytes b;
            BK_TRY(rd_bytes(d, S, "value", t, &b));
            kv->value = (const char *)b.ptr;
            kv->value_len = b.len;
        } else {
            BK_TRY(skip(d, S, t));
        }
    }
    if (!kv->key) return missing(d, S, "key");
    return end(d, S);
}

/* A list<KeyValue> field of struct `st`. */
static bk_status dec_key_value_list(dec *d, const char *st, const char *fld, uint8_t t,
                                    uint32_t *n_out, pq_key_value **out) {
    uint8_t et;
    uint32_t n;
    void *arr;
    BK_TRY(rd_list(d, st, fld, t, PQ_THRIFT_STRUCT, &et, &n));
    BK_TRY(alloc_array(d, n, sizeof(pq_key_value), &arr));
    pq_key_value *kvs = arr;
    for (uint32_t idx = 0; idx < n; idx++) BK_TRY(dec_key_value(d, &kvs[idx]));
    *n_out = n;
    *out = kvs;
    return BK_OK;
}

/* PageEncodingStats -> 1 page_type, 2 encoding, 3 count (all required) */
static bk_status dec_encoding_stats(dec *d, pq_page_encoding_stats *pes) {
    static const uint8_t W[] = {0, I32, I32, I32};
    static const char S[] = "PageEncodingStats";
    bool has_type = false, has_enc = false, has_count = false;
    int32_t v;
    memset(pes, 0, sizeof *pes);
    BK_TRY(begin(d, S));
    for (;;) {
        int16_t id;
        uint8_t t;
        BK_TRY(next(d, S, &id, &t));
        if (t == PQ_THRIFT_STOP) break;
        if (!field_ok(W, BK_ARRAY_LEN(W), id, t)) {
            BK_TRY(skip(d, S, t));
            continue;
        }
        if (id == 1) {
            BK_TRY(rd_count32(d, S, "page_type", t, &v));
            pes->page_type = (pq_page_type)v;
            has_type = true;
        } else if (id == 2) {
            BK_TRY(rd_i32(d, S, "encoding", t, &v));
            pes->encoding = (pq_encoding)v;
            has_enc = true;
        } else if (id == 3) {
            BK_TRY(rd_count32(d, S, "count", t, &pes->count));
            has_count = true;
        } else {
            BK_TRY(skip(d, S, t));
        }
    }
    if (!has_type) return missing(d, S, "page_type");
    if (!has_enc) return missing(d, S, "encoding");
    if (!has_count) return missing(d, S, "count");
    return end(d, S);
}

/* ColumnMetaData -> see meta.h for the field ids (1..15; 16, 17 skipped). */
static bk_status dec_column_meta(dec *d, pq_column_meta *m) {
    static const uint8_t W[] = {0,   I32, LST, LST, I32, I64, I64, I64,
                                LST, I64, I64, I64, STR, LST, I64, I32};
    static const char S[] = "ColumnMetaData";
    bool has_type = false, has_enc = false, has_path = false, has_codec = false;
    bool has_num_values = false, has_unc = false, has_comp = false, has_data_off = false;
    memset(m, 0, sizeof *m);
    BK_TRY(begin(d, S));
    for (;;) {
        int16_t id;
        uint8_t t, et;
        int32_t v;
        uint32_t n;
        void *arr;
        BK_TRY(next(d, S, &id, &t));
        if (t == PQ_THRIFT_STOP) break;
        if (!field_ok(W, BK_ARRAY_LEN(W), id, t)) {
            BK_TRY(skip(d, S, t));
            continue;
        }
        switch (id) {
        case 1:
            BK_TRY(rd_i32(d, S, "type", t, &v));
            if (v < PQ_BOOLEAN || v > PQ_FIXED_LEN_BYTE_ARRAY)
                return fail(d, BK_CORRUPT, "ColumnMetaData.type has unknown value %d", (int)v);
            m->type = (pq_physical)v;
            has_type = true;
            break;
        case 2:
            BK_TRY(rd_list(d, S, "encodings", t, PQ_THRIFT_I32, &et, &n));
            BK_TRY(alloc_array(d, n, sizeof(pq_encoding), &arr));
            m->encodings = arr;
            for (uint32_t idx = 0; idx < n; idx++) {
                BK_TRY(rd_i32(d, S, "encodings", et, &v));
                m->encodings[idx] = (pq_encoding)v;
            }
            m->n_encodings = n;
            has_enc = true;
            break;
        case 3:
            BK_TRY(rd_list(d, S, "path_in_schema", t, PQ_THRIFT_BINARY, &et, &n));
            BK_TRY(alloc_array(d, n, sizeof(const char *), &arr));
            m->path_in_schema = arr;
            for (uint32_t idx = 0; idx < n; idx++)
                BK_TRY(rd_str(d, S, "path_in_schema", et, &m->path_in_schema[idx]));
            m->n_path = n;
            has_path = true;
            break;
        case 4:
            BK_TRY(rd_i32(d, S, "codec", t, &v));
            m->codec = (pq_codec)v; /* unknown values kept: the reader reports them */
            has_codec = true;
            break;
        case 5:
            BK_TRY(rd_count64(d, S, "num_values", t, &m->num_values));
            has_num_values = true;
            break;
        case 6:
            BK_TRY(rd_count64(d, S, "total_uncompressed_size", t, &m->total_uncompressed_size));
            has_unc = true;
            break;
        case 7:
            BK_TRY(rd_count64(d, S, "total_compressed_size", t, &m->total_compressed_size));
            has_comp = true;
            break;
        case 8:
            BK_TRY(dec_key_value_list(d, S, "key_value_metadata", t, &m->n_key_value,
                                      &m->key_value));
            break;
        case 9:
            BK_TRY(rd_count64(d, S, "data_page_offset", t, &m->data_page_offset));
            has_data_off = true;
            break;
        case 10:
            BK_TRY(rd_count64(d, S, "index_page_offset", t, &m->index_page_offset));
            m->has_index_page_offset = true;
            break;
        case 11:
            BK_TRY(rd_count64(d, S, "dictionary_page_offset", t, &m->dictionary_page_offset));
            m->has_dictionary_page_offset = true;
            break;
        case 12:
            BK_TRY(dec_statistics(d, &m->statistics));
            m->has_statistics = true;
            break;
        case 13:
            BK_TRY(rd_list(d, S, "encoding_stats", t, PQ_THRIFT_STRUCT, &et, &n));
            BK_TRY(alloc_array(d, n, sizeof(pq_page_encoding_stats), &arr));
            m->encoding_stats = arr;
            for (uint32_t idx = 0; idx < n; idx++)
                BK_TRY(dec_encoding_stats(d, &m->encoding_stats[idx]));
            m->n_encoding_stats = n;
            break;
        case 14:
            BK_TRY(rd_count64(d, S, "bloom_filter_offset", t, &m->bloom_filter_offset));
            m->has_bloom_filter = true;
            break;
        case 15:
            BK_TRY(rd_count32(d, S, "bloom_filter_length", t, &m->bloom_filter_length));
            break;
        default: BK_TRY(skip(d, S, t));
        }
    }
    if (!has_type) return missing(d, S, "type");
    if (!has_enc) return missing(d, S, "encodings");
    if (!has_path) return missing(d, S, "path_in_schema");
    if (!has_codec) return missing(d, S, "codec");
    if (!has_num_values) return missing(d, S, "num_values");
    if (!has_unc) return missing(d, S, "total_uncompressed_size");
    if (!has_comp) return missing(d, S, "total_compressed_size");
    if (!has_data_off) return missing(d, S, "data_page_offset");
    return end(d, S);
}

/* ColumnChunk -> 1 file_path, 2 file_offset, 3 meta_data, 4/5 offset index, 6/7 column
 *                index, 8 crypto_metadata, 9 encrypted_column_metadata */
static bk_status dec_column_chunk(dec *d, pq_column_chunk *c) {
    static const uint8_t W[] = {0, BIN, I64, STR, I64, I32, I64, I32, STR, BIN};
    static const char S[] = "ColumnChunk";
    memset(c, 0, sizeof *c);
    BK_TRY(begin(d, S));
    for (;;) {
        int16_t id;
        uint8_t t;
        BK_TRY(next(d, S, &id, &t));
        if (t == PQ_THRIFT_STOP) break;
        if (!field_ok(W, BK_ARRAY_LEN(W), id, t)) {
            BK_TRY(skip(d, S, t));
            continue;
        }
        switch (id) {
        case 1: BK_TRY(rd_str(d, S, "file_path", t, &c->file_path)); break;
        case 2: BK_TRY(rd_i64(d, S, "file_offset", t, &c->file_offset)); break;
        case 3:
            BK_TRY(dec_column_meta(d, &c->meta));
            c->has_meta_data = true;
            break;
        case 4:
            BK_TRY(rd_count64(d, S, "offset_index_offset", t, &c->offset_index_offset));
            c->has_offset_index = true;
            break;
        case 5:
            BK_TRY(rd_count32(d, S, "offset_index_length", t, &c->offset_index_length));
            break;
        case 6:
            BK_TRY(rd_count64(d, S, "column_index_offset", t, &c->column_index_offset));
            c->has_column_index = true;
            break;
        case 7:
            BK_TRY(rd_count32(d, S, "column_index_length", t, &c->column_index_length));
            break;
        case 8:
        case 9:
            c->is_encrypted = true;
            BK_TRY(skip(d, S, t));
            break;
        default: BK_TRY(skip(d, S, t));
        }
    }
    return end(d, S);
}

/* SortingColumn -> 1 column_idx, 2 descending, 3 nulls_first (all required) */
static bk_status dec_sorting_column(dec *d, pq_sorting_column *sc) {
    static const uint8_t W[] = {0, I32, BOO, BOO};
    static const char S[] = "SortingColumn";
    bool has_idx = false, has_desc = false, has_nf = false;
    memset(sc, 0, sizeof *sc);
    BK_TRY(begin(d, S));
    for (;;) {
        int16_t id;
        uint8_t t;
        BK_TRY(next(d, S, &id, &t));
        if (t == PQ_THRIFT_STOP) break;
        if (!field_ok(W, BK_ARRAY_LEN(W), id, t)) {
            BK_TRY(skip(d, S, t));
            continue;
        }
        if (id == 1) {
            BK_TRY(rd_count32(d, S, "column_idx", t, &sc->column_idx));
            has_idx = true;
        } else if (id == 2) {
            BK_TRY(rd_bool(d, S, "descending", t, &sc->descending));
            has_desc = true;
        } else if (id == 3) {
            BK_TRY(rd_bool(d, S, "nulls_first", t, &sc->nulls_first));
            has_nf = true;
        } else {
            BK_TRY(skip(d, S, t));
        }
    }
    if (!has_idx) return missing(d, S, "column_idx");
    if (!has_desc) return missing(d, S, "descending");
    if (!has_nf) return missing(d, S, "nulls_first");
    return end(d, S);
}

/* RowGroup -> 1 columns, 2 total_byte_size, 3 num_rows, 4 sorting_columns,
 *             5 file_offset, 6 total_compressed_size, 7 ordinal */
static bk_status dec_row_group(dec *d, pq_row_group *rg) {
    static const uint8_t W[] = {0, LST, I64, I64, LST, I64, I64, I16};
    static const char S[] = "RowGroup";
    bool has_columns = false, has_size = false, has_rows = false;
    memset(rg, 0, sizeof *rg);
    BK_TRY(begin(d, S));
    for (;;) {
        int16_t id;
        uint8_t t, et;
        uint32_t n;
        void *arr;
        BK_TRY(next(d, S, &id, &t));
        if (t == PQ_THRIFT_STOP) break;
        if (!field_ok(W, BK_ARRAY_LEN(W), id, t)) {
            BK_TRY(skip(d, S, t));
            continue;
        }
        switch (id) {
        case 1:
            BK_TRY(rd_list(d, S, "columns", t, PQ_THRIFT_STRUCT, &et, &n));
            BK_TRY(alloc_array(d, n, sizeof(pq_column_chunk), &arr));
            rg->columns = arr;
            for (uint32_t idx = 0; idx < n; idx++)
                BK_TRY(dec_column_chunk(d, &rg->columns[idx]));
            rg->n_columns = n;
            has_columns = true;
            break;
        case 2:
            BK_TRY(rd_count64(d, S, "total_byte_size", t, &rg->total_byte_size));
            has_size = true;
            break;
        case 3:
            BK_TRY(rd_count64(d, S, "num_rows", t, &rg->num_rows));
            has_rows = true;
            break;
        case 4:
            BK_TRY(rd_list(d, S, "sorting_columns", t, PQ_THRIFT_STRUCT, &et, &n));
            BK_TRY(alloc_array(d, n, sizeof(pq_sorting_column), &arr));
            rg->sorting_columns = arr;
            for (uint32_t idx = 0; idx < n; idx++)
                BK_TRY(dec_sorting_column(d, &rg->sorting_columns[idx]));
            rg->n_sorting_columns = n;
            break;
        case 5:
            /* Not range-checked: old writers stored wrong values here (PARQUET-2078). */
            BK_TRY(rd_i64(d, S, "file_offset", t, &rg->file_offset));
            rg->has_file_offset = true;
            break;
        case 6:
            BK_TRY(rd_i64(d, S, "total_compressed_size", t, &rg->total_compressed_size));
            rg->has_total_compressed_size = true;
            break;
        case 7:
            BK_TRY(at(d, S, "ordinal", pq_thrift_read_i16(&d->r, t, &rg->ordinal)));
            rg->has_ordinal = true;
            break;
        default: BK_TRY(skip(d, S, t));
        }
    }
    if (!has_columns) return missing(d, S, "columns");
    if (!has_size) return missing(d, S, "total_byte_size");
    if (!has_rows) return missing(d, S, "num_rows");
    return end(d, S);
}

/* ColumnOrder union -> 1 TYPE_ORDER, 2 IEEE_754_TOTAL_ORDER, 3 INT96_TIMESTAMP_ORDER */
static bk_status dec_column_order(dec *d, pq_column_order *o) {
    static const char S[] = "ColumnOrder";
    int n_members = 0;
    *o = PQ_ORDER_UNKNOWN;
    BK_TRY(begin(d, S));
    for (;;) {
        int16_t id;
        uint8_t t;
        BK_TRY(next(d, S, &id, &t));
        if (t == PQ_THRIFT_STOP) break;
        n_members++;
        BK_TRY(skip(d, S, t));
        if (t != PQ_THRIFT_STRUCT) continue;
        if (id == 1)
            *o = PQ_ORDER_TYPE_DEFINED;
        else if (id == 2)
            *o = PQ_ORDER_IEEE_754_TOTAL;
        else if (id == 3)
            *o = PQ_ORDER_INT96_TIMESTAMP;
    }
    if (n_members > 1)
        return fail(d, BK_CORRUPT, "ColumnOrder has %d members; a union has at most one",
                    n_members);
    return end(d, S);
}

/* FileMetaData -> 1 version, 2 schema, 3 num_rows, 4 row_groups, 5 key_value_metadata,
 *                 6 created_by, 7 column_orders, 8 encryption_algorithm,
 *                 9 footer_signing_key_metadata */
static bk_status dec_file(dec *d, pq_file_meta *m) {
    static const uint8_t W[] = {0, I32, LST, I64, LST, LST, BIN, LST, STR, BIN};
    static const char S[] = "FileMetaData";
    bool has_version = false, has_schema = false, has_rows = false, has_rgs = false;
    memset(m, 0, sizeof *m);
    BK_TRY(begin(d, S));
    for (;;) {
        int16_t id;
        uint8_t t, et;
        uint32_t n;
        void *arr;
        BK_TRY(next(d, S, &id, &t));
        if (t == PQ_THRIFT_STOP) break;
        if (!field_ok(W, BK_ARRAY_LEN(W), id, t)) {
            BK_TRY(skip(d, S, t));
            continue;
        }
        switch (id) {
        case 1:
            BK_TRY(rd_i32(d, S, "version", t, &m->version));
            has_version = true;
            break;
        case 2:
            BK_TRY(rd_list(d, S, "schema", t, PQ_THRIFT_STRUCT, &et, &n));
            BK_TRY(alloc_array(d, n, sizeof(pq_schema_element), &arr));
            m->schema = arr;
            for (uint32_t idx = 0; idx < n; idx++)
                BK_TRY(dec_schema_element(d, &m->schema[idx]));
            m->n_schema = n;
            has_schema = true;
            break;
        case 3:
            BK_TRY(rd_count64(d, S, "num_rows", t, &m->num_rows));
            has_rows = true;
            break;
        case 4:
            BK_TRY(rd_list(d, S, "row_groups", t, PQ_THRIFT_STRUCT, &et, &n));
            BK_TRY(alloc_array(d, n, sizeof(pq_row_group), &arr));
            m->row_groups = arr;
            for (uint32_t idx = 0; idx < n; idx++) BK_TRY(dec_row_group(d, &m->row_groups[idx]));
            m->n_row_groups = n;
            has_rgs = true;
            break;
        case 5:
            BK_TRY(dec_key_value_list(d, S, "key_value_metadata", t, &m->n_key_value,
                                      &m->key_value));
            break;
        case 6: BK_TRY(rd_str(d, S, "created_by", t, &m->created_by)); break;
        case 7:
            BK_TRY(rd_list(d, S, "column_orders", t, PQ_THRIFT_STRUCT, &et, &n));
            BK_TRY(alloc_array(d, n, sizeof(pq_column_order), &arr));
            m->column_orders = arr;
            for (uint32_t idx = 0; idx < n; idx++)
                BK_TRY(dec_column_order(d, &m->column_orders[idx]));
            m->n_column_orders = n;
            break;
        case 8:
            m->is_encrypted = true;
            BK_TRY(skip(d, S, t));
            break;
        default: BK_TRY(skip(d, S, t));
        }
    }
    if (!has_version) return missing(d, S, "version");
    if (!has_schema) return missing(d, S, "schema");
    if (m->n_schema == 0) return fail(d, BK_CORRUPT, "FileMetaData.schema is empty");
    if (!has_rows) return missing(d, S, "num_rows");
    if (!has_rgs) return missing(d, S, "row_groups");
    return end(d, S);
}

/* DataPageHeader -> 1 num_values, 2 encoding, 3 def level enc, 4 rep level enc, 5 stats */
static bk_status dec_data_page_v1(dec *d, pq_page_header *h) {
    static const uint8_t W[] = {0, I32, I32, I32, I32, STR};
    static const char S[] = "DataPageHeader";
    bool has_nv = false, has_enc = false, has_def = false, has_rep = false;
    BK_TRY(begin(d, S));
    for (;;) {
        int16_t id;
        uint8_t t;
        int32_t v;
        BK_TRY(next(d, S, &id, &t));
        if (t == PQ_THRIFT_STOP) break;
        if (!field_ok(W, BK_ARRAY_LEN(W), id, t)) {
            BK_TRY(skip(d, S, t));
            continue;
        }
        switch (id) {
        case 1:
            BK_TRY(rd_count32(d, S, "num_values", t, &h->num_values));
            has_nv = true;
            break;
        case 2:
            BK_TRY(rd_i32(d, S, "encoding", t, &v));
            h->encoding = (pq_encoding)v;
            has_enc = true;
            break;
        case 3:
            BK_TRY(rd_i32(d, S, "definition_level_encoding", t, &v));
            h->def_level_encoding = (pq_encoding)v;
            has_def = true;
            break;
        case 4:
            BK_TRY(rd_i32(d, S, "repetition_level_encoding", t, &v));
            h->rep_level_encoding = (pq_encoding)v;
            has_rep = true;
            break;
        case 5:
            BK_TRY(dec_statistics(d, &h->statistics));
            h->has_statistics = true;
            break;
        default: BK_TRY(skip(d, S, t));
        }
    }
    if (!has_nv) return missing(d, S, "num_values");
    if (!has_enc) return missing(d, S, "encoding");
    if (!has_def) return missing(d, S, "definition_level_encoding");
    if (!has_rep) return missing(d, S, "repetition_level_encoding");
    return end(d, S);
}

/* DataPageHeaderV2 -> 1 num_values, 2 num_nulls, 3 num_rows, 4 encoding, 5 def levels
 *                     length, 6 rep levels length, 7 is_compressed (default true), 8 stats */
static bk_status dec_data_page_v2(dec *d, pq_page_header *h) {
    static const uint8_t W[] = {0, I32, I32, I32, I32, I32, I32, BOO, STR};
    static const char S[] = "DataPageHeaderV2";
    bool seen[7] = {false};
    static const char *const names[7] = {
        NULL, "num_values", "num_nulls", "num_rows", "encoding", "definition_levels_byte_length",
        "repetition_levels_byte_length"};
    h->is_compressed = true;
    BK_TRY(begin(d, S));
    for (;;) {
        int16_t id;
        uint8_t t;
        int32_t v;
        BK_TRY(next(d, S, &id, &t));
        if (t == PQ_THRIFT_STOP) break;
        if (!field_ok(W, BK_ARRAY_LEN(W), id, t)) {
            BK_TRY(skip(d, S, t));
            continue;
        }
        switch (id) {
        case 1: BK_TRY(rd_count32(d, S, names[1], t, &h->num_values)); break;
        case 2: BK_TRY(rd_count32(d, S, names[2], t, &h->num_nulls)); break;
        case 3: BK_TRY(rd_count32(d, S, names[3], t, &h->num_rows)); break;
        case 4:
            BK_TRY(rd_i32(d, S, names[4], t, &v));
            h->encoding = (pq_encoding)v;
            break;
        case 5: BK_TRY(rd_count32(d, S, names[5], t, &h->def_levels_byte_length)); break;
        case 6: BK_TRY(rd_count32(d, S, names[6], t, &h->rep_levels_byte_length)); break;
        case 7: BK_TRY(rd_bool(d, S, "is_compressed", t, &h->is_compressed)); break;
        case 8:
            BK_TRY(dec_statistics(d, &h->statistics));
            h->has_statistics = true;
            break;
        default: BK_TRY(skip(d, S, t));
        }
        if (id >= 1 && id <= 6) seen[id] = true;
    }
    for (int idx = 1; idx <= 6; idx++)
        if (!seen[idx]) return missing(d, S, names[idx]);
    if (h->num_nulls > h->num_values)
        return fail(d, BK_CORRUPT, "DataPageHeaderV2.num_nulls %d exceeds num_values %d",
                    (int)h->num_nulls, (int)h->num_values);
    return end(d, S);
}

/* DictionaryPageHeader -> 1 num_values, 2 encoding, 3 is_sorted */
static bk_status dec_dict_page(dec *d, pq_page_header *h) {
    static const uint8_t W[] = {0, I32, I32, BOO};
    static const char S[] = "DictionaryPageHeader";
    bool has_nv = false, has_enc = false;
    BK_TRY(begin(d, S));
    for (;;) {
        int16_t id;
        uint8_t t;
        int32_t v;
        BK_TRY(next(d, S, &id, &t));
        if (t == PQ_THRIFT_STOP) break;
        if (!field_ok(W, BK_ARRAY_LEN(W), id, t)) {
            BK_TRY(skip(d, S, t));
            continue;
        }
        if (id == 1) {
            BK_TRY(rd_count32(d, S, "num_values", t, &h->num_values));
            has_nv = true;
        } else if (id == 2) {
            BK_TRY(rd_i32(d, S, "encoding", t, &v));
            h->encoding = (pq_encoding)v;
            has_enc = true;
        } else if (id == 3) {
            BK_TRY(rd_bool(d, S, "is_sorted", t, &h->is_sorted));
        } else {
            BK_TRY(skip(d, S, t));
        }
    }
    if (!has_nv) return missing(d, S, "num_values");
    if (!has_enc) return missing(d, S, "encoding");
    return end(d, S);
}

/* PageHeader -> 1 type, 2 uncompressed_page_size, 3 compressed_page_size, 4 crc,
 *               5 data_page_header, 6 index_page_header, 7 dictionary_page_header,
 *               8 data_page_header_v2 */
static bk_status dec_page_header(dec *d, pq_page_header *h) {
    static const uint8_t W[] = {0, I32, I32, I32, I32, STR, STR, STR, STR};
    static const char S[] = "PageHeader";
    bool has_type = false, has_unc = false, has_comp = false;
    bool has_v1 = false, has_v2 = false, has_dict = false;
    int32_t v;
    memset(h, 0, sizeof *h);
    h->is_compressed = true;
    BK_TRY(begin(d, S));
    for (;;) {
        int16_t id;
        uint8_t t;
        BK_TRY(next(d, S, &id, &t));
        if (t == PQ_THRIFT_STOP) break;
        if (!field_ok(W, BK_ARRAY_LEN(W), id, t)) {
            BK_TRY(skip(d, S, t));
            continue;
        }
        switch (id) {
        case 1:
            /* Unknown page types are kept: readers skip pages they do not know. */
            BK_TRY(rd_count32(d, S, "type", t, &v));
            h->type = (pq_page_type)v;
            has_type = true;
            break;
        case 2:
            BK_TRY(rd_count32(d, S, "uncompressed_page_size", t, &h->uncompressed_page_size));
            has_unc = true;
            break;
        case 3:
            BK_TRY(rd_count32(d, S, "compressed_page_size", t, &h->compressed_page_size));
            has_comp = true;
            break;
        case 4:
            BK_TRY(rd_i32(d, S, "crc", t, &v));
            h->crc = (uint32_t)v;
            h->has_crc = true;
            break;
        case 5:
            BK_TRY(dec_data_page_v1(d, h));
            has_v1 = true;
            break;
        case 7:
            BK_TRY(dec_dict_page(d, h));
            has_dict = true;
            break;
        case 8:
            BK_TRY(dec_data_page_v2(d, h));
            has_v2 = true;
            break;
        default: BK_TRY(skip(d, S, t)); /* 6: IndexPageHeader is empty */
        }
    }
    if (!has_type) return missing(d, S, "type");
    if (!has_unc) return missing(d, S, "uncompressed_page_size");
    if (!has_comp) return missing(d, S, "compressed_page_size");
    if (h->type == PQ_PAGE_DATA && !has_v1) return missing(d, S, "data_page_header");
    if (h->type == PQ_PAGE_DATA_V2 && !has_v2) return missing(d, S, "data_page_header_v2");
    if (h->type == PQ_PAGE_DICTIONARY && !has_dict)
        return missing(d, S, "dictionary_page_header");
    if (h->type == PQ_PAGE_DATA_V2 &&
        (int64_t)h->def_levels_byte_length + h->rep_levels_byte_length > h->compressed_page_size)
        return fail(d, BK_CORRUPT,
                    "DataPageHeaderV2 level lengths %d + %d exceed compressed_page_size %d",
                    (int)h->def_levels_byte_length, (int)h->rep_levels_byte_length,
                    (int)h->compressed_page_size);
    return end(d, S);
}

/* ColumnIndex -> 1 null_pages, 2 min_values, 3 max_values, 4 boundary_order,
 *                5 null_counts (6..8 histograms and nan_counts skipped) */
static bk_status dec_column_index(dec *d, pq_column_index *ci) {
    static const uint8_t W[] = {0, LST, LST, LST, I32, LST};
    static const char S[] = "ColumnIndex";
    bool has_np = false, has_min = false, has_max = false, has_bo = false;
    uint32_t n_min = 0, n_max = 0, n_nc = 0;
    memset(ci, 0, sizeof *ci);
    BK_TRY(begin(d, S));
    for (;;) {
        int16_t id;
        uint8_t t, et;
        int32_t v;
        uint32_t n;
        void *arr;
        BK_TRY(next(d, S, &id, &t));
        if (t == PQ_THRIFT_STOP) break;
        if (!field_ok(W, BK_ARRAY_LEN(W), id, t)) {
            BK_TRY(skip(d, S, t));
            continue;
        }
        switch (id) {
        case 1:
            BK_TRY(rd_list(d, S, "null_pages", t, PQ_THRIFT_TRUE, &et, &n));
            BK_TRY(alloc_array(d, n, sizeof(bool), &arr));
            ci->null_pages = arr;
            for (uint32_t idx = 0; idx < n; idx++)
                BK_TRY(at(d, S, "null_pages",
                          pq_thrift_read_bool_elem(&d->r, &ci->null_pages[idx])));
            ci->n_pages = n;
            has_np = true;
            break;
        case 2:
        case 3: {
            const char *fld = id == 2 ? "min_values" : "max_values";
            BK_TRY(rd_list(d, S, fld, t, PQ_THRIFT_BINARY, &et, &n));
            BK_TRY(alloc_array(d, n, sizeof(pq_bytes), &arr));
            pq_bytes *vals = arr;
            for (uint32_t idx = 0; idx < n; idx++) BK_TRY(rd_bytes(d, S, fld, et, &vals[idx]));
            if (id == 2) {
                ci->min_values = vals;
                n_min = n;
                has_min = true;
            } else {
                ci->max_values = vals;
                n_max = n;
                has_max = true;
            }
            break;
        }
        case 4:
            BK_TRY(rd_i32(d, S, "boundary_order", t, &v));
            if (v < PQ_UNORDERED || v > PQ_DESCENDING)
                return fail(d, BK_CORRUPT, "ColumnIndex.boundary_order has unknown value %d",
                            (int)v);
            ci->boundary_order = (pq_boundary_order)v;
            has_bo = true;
            break;
        case 5: {
            bool all_valid = true;
            BK_TRY(rd_list(d, S, "null_counts", t, PQ_THRIFT_I64, &et, &n));
            BK_TRY(alloc_array(d, n, sizeof(int64_t), &arr));
            ci->null_counts = arr;
            for (uint32_t idx = 0; idx < n; idx++) {
                BK_TRY(rd_i64(d, S, "null_counts", et, &ci->null_counts[idx]));
                if (ci->null_counts[idx] < 0) all_valid = false;
            }
            n_nc = n;
            ci->has_null_counts = all_valid; /* statistics are advice: drop bad counts */
            break;
        }
        default: BK_TRY(skip(d, S, t));
        }
    }
    if (!has_np) return missing(d, S, "null_pages");
    if (!has_min) return missing(d, S, "min_values");
    if (!has_max) return missing(d, S, "max_values");
    if (!has_bo) return missing(d, S, "boundary_order");
    if (n_min != ci->n_pages || n_max != ci->n_pages)
        return fail(d, BK_CORRUPT,
                    "ColumnIndex has %u null_pages but %u min_values and %u max_values",
                    ci->n_pages, n_min, n_max);
    if (ci->has_null_counts && n_nc != ci->n_pages)
        return fail(d, BK_CORRUPT, "ColumnIndex has %u null_pages but %u null_counts",
                    ci->n_pages, n_nc);
    if (!ci->has_null_counts) ci->null_counts = NULL;
    return end(d, S);
}

/* PageLocation -> 1 offset, 2 compressed_page_size, 3 first_row_index (all required) */
static bk_status dec_page_location(dec *d, pq_page_location *pl) {
    static const uint8_t W[] = {0, I64, I32, I64};
    static const char S[] = "PageLocation";
    bool has_off = false, has_size = false, has_first = false;
    BK_TRY(begin(d, S));
    for (;;) {
        int16_t id;
        uint8_t t;
        BK_TRY(next(d, S, &id, &t));
        if (t == PQ_THRIFT_STOP) break;
        if (!field_ok(W, BK_ARRAY_LEN(W), id, t)) {
            BK_TRY(skip(d, S, t));
            continue;
        }
        if (id == 1) {
            BK_TRY(rd_count64(d, S, "offset", t, &pl->offset));
            has_off = true;
        } else if (id == 2) {
            BK_TRY(rd_count32(d, S, "compressed_page_size", t, &pl->compressed_page_size));
            has_size = true;
        } else if (id == 3) {
            BK_TRY(rd_count64(d, S, "first_row_index", t, &pl->first_row_index));
            has_first = true;
        } else {
            BK_TRY(skip(d, S, t));
        }
    }
    if (!has_off) return missing(d, S, "offset");
    if (!has_size) return missing(d, S, "compressed_page_size");
    if (!has_first) return missing(d, S, "first_row_index");
    return end(d, S);
}

/* OffsetIndex -> 1 page_locations (2 unencoded_byte_array_data_bytes skipped) */
static bk_status dec_offset_index(dec *d, pq_offset_index *oi) {
    static const uint8_t W[] = {0, LST};
    static const char S[] = "OffsetIndex";
    bool has_pages = false;
    memset(oi, 0, sizeof *oi);
    BK_TRY(begin(d, S));
    for (;;) {
        int16_t id;
        uint8_t t, et;
        uint32_t n;
        void *arr;
        BK_TRY(next(d, S, &id, &t));
        if (t == PQ_THRIFT_STOP) break;
        if (!field_ok(W, BK_ARRAY_LEN(W), id, t)) {
            BK_TRY(skip(d, S, t));
            continue;
        }
        if (id == 1) {
            BK_TRY(rd_list(d, S, "page_locations", t, PQ_THRIFT_STRUCT, &et, &n));
            BK_TRY(alloc_array(d, n, sizeof(pq_page_location), &arr));
            oi->pages = arr;
            for (uint32_t idx = 0; idx < n; idx++) BK_TRY(dec_page_location(d, &oi->pages[idx]));
            oi->n_pages = n;
            has_pages = true;
        } else {
            BK_TRY(skip(d, S, t));
        }
    }
    if (!has_pages) return missing(d, S, "page_locations");
    return end(d, S);
}

/* ------------------------------------------------------------------------- */
/* Decoding: public entry points                                             */
/* ------------------------------------------------------------------------- */

static void dec_init(dec *d, bk_arena *a, const uint8_t *data, size_t len, bk_error *err) {
    pq_thrift_reader_init(&d->r, data, len, err);
    d->a = a;
    d->err = err;
    d->located = false;
}

bk_status pq_meta_decode_file(bk_arena *a, const uint8_t *data, size_t len, pq_file_meta *out,
                              bk_error *err) {
    dec d;
    pq_file_meta m;
    dec_init(&d, a, data, len, err);
    BK_TRY(dec_file(&d, &m));
    *out = m;
    return BK_OK;
}

bk_status pq_meta_decode_page_header(bk_arena *a, const uint8_t *data, size_t len,
                                     pq_page_header *out, size_t *header_len, bk_error *err) {
    dec d;
    pq_page_header h;
    dec_init(&d, a, data, len, err);
    BK_TRY(dec_page_header(&d, &h));
    *out = h;
    if (header_len) *header_len = pq_thrift_offset(&d.r);
    return BK_OK;
}

bk_status pq_meta_decode_column_index(bk_arena *a, const uint8_t *data, size_t len,
                                      pq_column_index *out, bk_error *err) {
    dec d;
    pq_column_index ci;
    dec_init(&d, a, data, len, err);
    BK_TRY(dec_column_index(&d, &ci));
    *out = ci;
    return BK_OK;
}

bk_status pq_meta_decode_offset_index(bk_arena *a, const uint8_t *data, size_t len,
                                      pq_offset_index *out, bk_error *err) {
    dec d;
    pq_offset_index oi;
    dec_init(&d, a, data, len, err);
    BK_TRY(dec_offset_index(&d, &oi));
    *out = oi;
    return BK_OK;
}

/* ------------------------------------------------------------------------- */
/* Encoding                                                                   */
/* ------------------------------------------------------------------------- */

/*
 * The encoders write through a pq_thrift_writer whose status is sticky; input
 * problems the wire layer cannot see (a NULL name, an unencodable column order) set
 * `bad`, reported as BK_INVALID_ARGUMENT.
 */
typedef struct enc {
    pq_thrift_writer w;
    bool bad;
} enc;

static void enc_bytes_list(enc *e, int16_t id, const pq_bytes *vals, uint32_t n) {
    pq_thrift_write_field_list(&e->w, id, PQ_THRIFT_BINARY, n);
    for (uint32_t idx = 0; idx < n; idx++)
        pq_thrift_write_binary(&e->w, vals[idx].ptr, vals[idx].len);
}

static void enc_statistics(enc *e, int16_t id, const pq_statistics *s) {
    pq_thrift_writer *w = &e->w;
    pq_thrift_write_field_struct(w, id);
    if (s->has_max) pq_thrift_write_field_binary(w, 1, s->max.ptr, s->max.len);
    if (s->has_min) pq_thrift_write_field_binary(w, 2, s->min.ptr, s->min.len);
    if (s->has_null_count) pq_thrift_write_field_i64(w, 3, s->null_count);
    if (s->has_distinct_count) pq_thrift_write_field_i64(w, 4, s->distinct_count);
    if (s->has_max_value) pq_thrift_write_field_binary(w, 5, s->max_value.ptr, s->max_value.len);
    if (s->has_min_value) pq_thrift_write_field_binary(w, 6, s->min_value.ptr, s->min_value.len);
    if (s->has_is_max_value_exact) pq_thrift_write_field_bool(w, 7, s->is_max_value_exact);
    if (s->has_is_min_value_exact) pq_thrift_write_field_bool(w, 8, s->is_min_value_exact);
    if (s->has_nan_count) pq_thrift_write_field_i64(w, 9, s->nan_count);
    pq_thrift_write_struct_end(w);
}

static void enc_empty_struct(enc *e, int16_t id) {
    pq_thrift_write_field_struct(&e->w, id);
    pq_thrift_write_struct_end(&e->w);
}

/* SchemaElement.logicalType (field 10); nothing for NONE / UNRECOGNIZED. */
static void enc_logical(enc *e, const pq_logical_type *lt) {
    pq_thrift_writer *w = &e->w;
    if (lt->kind == PQ_LT_NONE || lt->kind == PQ_LT_UNRECOGNIZED) return;
    pq_thrift_write_field_struct(w, 10);
    pq_thrift_write_field_struct(w, (int16_t)lt->kind);
    switch (lt->kind) {
    case PQ_LT_DECIMAL:
        pq_thrift_write_field_i32(w, 1, lt->scale);
        pq_thrift_write_field_i32(w, 2, lt->precision);
        break;
    case PQ_LT_TIME:
    case PQ_LT_TIMESTAMP:
        if (lt->unit < PQ_MILLIS || lt->unit > PQ_NANOS) e->bad = true;
        pq_thrift_write_field_bool(w, 1, lt->is_adjusted_to_utc);
        pq_thrift_write_field_struct(w, 2);
        enc_empty_struct(e, (int16_t)lt->unit);
        pq_thrift_write_struct_end(w);
        break;
    case PQ_LT_INTEGER:
        pq_thrift_write_field_i8(w, 1, lt->bit_width);
        pq_thrift_write_field_bool(w, 2, lt->is_signed);
        break;
    default: break; /* empty struct, or optional parameters left at their defaults */
    }
    pq_thrift_write_struct_end(w);
    pq_thrift_write_struct_end(w);
}

static void enc_schema_element(enc *e, const pq_schema_element *s) {
    pq_thrift_writer *w = &e->w;
    pq_thrift_write_struct_begin(w);
    if (s->has_type) pq_thrift_write_field_i32(w, 1, (int32_t)s->type);
    if (s->has_type && (s->type == PQ_FIXED_LEN_BYTE_ARRAY || s->type_length != 0))
        pq_thrift_write_field_i32(w, 2, s->type_length);
    if (s->has_repetition) pq_thrift_write_field_i32(w, 3, (int32_t)s->repetition);
    if (!s->name) e->bad = true;
    pq_thrift_write_field_string(w, 4, s->name ? s->name : "");
    if (!s->has_type || s->num_children != 0) pq_thrift_write_field_i32(w, 5, s->num_children);
    if (s->converted != PQ_CT_NONE) pq_thrift_write_field_i32(w, 6, (int32_t)s->converted);
    if (s->converted == PQ_CT_DECIMAL || s->scale != 0 || s->precision != 0) {
        pq_thrift_write_field_i32(w, 7, s->scale);
        pq_thrift_write_field_i32(w, 8, s->precision);
    }
    if (s->has_field_id) pq_thrift_write_field_i32(w, 9, s->field_id);
    enc_logical(e, &s->logical);
    pq_thrift_write_struct_end(w);
}

static void enc_key_values(enc *e, int16_t id, const pq_key_value *kvs, uint32_t n) {
    pq_thrift_writer *w = &e->w;
    if (n == 0) return;
    pq_thrift_write_field_list(w, id, PQ_THRIFT_STRUCT, n);
    for (uint32_t idx = 0; idx < n; idx++) {
        pq_thrift_write_struct_begin(w);
        if (!kvs[idx].key) e->bad = true;
        pq_thrift_write_field_string(w, 1, kvs[idx].key ? kvs[idx].key : "");
        if (kvs[idx].value) pq_thrift_write_field_binary(w, 2, kvs[idx].value, kvs[idx].value_len);
        pq_thrift_write_struct_end(w);
    }
}

static void enc_column_meta(enc *e, const pq_column_meta *m) {
    pq_thrift_writer *w = &e->w;
    pq_thrift_write_field_struct(w, 3);
    pq_thrift_write_field_i32(w, 1, (int32_t)m->type);
    pq_thrift_write_field_list(w, 2, PQ_THRIFT_I32, m->n_encodings);
    for (uint32_t idx = 0; idx < m->n_encodings; idx++)
        pq_thrift_write_i32(w, (int32_t)m->encodings[idx]);
    pq_thrift_write_field_list(w, 3, PQ_THRIFT_BINARY, m->n_path);
    for (uint32_t idx = 0; idx < m->n_path; idx++) {
        const char *p = m->path_in_schema[idx];
        if (!p) e->bad = true;
        pq_thrift_write_binary(w, p ? p : "", p ? strlen(p) : 0);
    }
    pq_thrift_write_field_i32(w, 4, (int32_t)m->codec);
    pq_thrift_write_field_i64(w, 5, m->num_values);
    pq_thrift_write_field_i64(w, 6, m->total_uncompressed_size);
    pq_thrift_write_field_i64(w, 7, m->total_compressed_size);
    enc_key_values(e, 8, m->key_value, m->n_key_value);
    pq_thrift_write_field_i64(w, 9, m->data_page_offset);
    if (m->has_index_page_offset) pq_thrift_write_field_i64(w, 10, m->index_page_offset);
    if (m->has_dictionary_page_offset)
        pq_thrift_write_field_i64(w, 11, m->dictionary_page_offset);
    if (m->has_statistics) enc_statistics(e, 12, &m->statistics);
    if (m->n_encoding_stats) {
        pq_thrift_write_field_list(w, 13, PQ_THRIFT_STRUCT, m->n_encoding_stats);
        for (uint32_t idx = 0; idx < m->n_encoding_stats; idx++) {
            const pq_page_encoding_stats *pes = &m->encoding_stats[idx];
            pq_thrift_write_struct_begin(w);
            pq_thrift_write_field_i32(w, 1, (int32_t)pes->page_type);
            pq_thrift_write_field_i32(w, 2, (int32_t)pes->encoding);
            pq_thrift_write_field_i32(w, 3, pes->count);
            pq_thrift_write_struct_end(w);
        }
    }
    if (m->has_bloom_filter) {
        pq_thrift_write_field_i64(w, 14, m->bloom_filter_offset);
        if (m->bloom_filter_length > 0) pq_thrift_write_field_i32(w, 15, m->bloom_filter_length);
    }
    pq_thrift_write_struct_end(w);
}

static void enc_column_chunk(enc *e, const pq_column_chunk *c) {
    pq_thrift_writer *w = &e->w;
    if (c->is_encrypted) e->bad = true; /* crypto metadata is not kept, so not writable */
    pq_thrift_write_struct_begin(w);
    if (c->file_path) pq_thrift_write_field_string(w, 1, c->file_path);
    pq_thrift_write_field_i64(w, 2, c->file_offset);
    if (c->has_meta_data) enc_column_meta(e, &c->meta);
    if (c->has_offset_index) {
        pq_thrift_write_field_i64(w, 4, c->offset_index_offset);
        pq_thrift_write_field_i32(w, 5, c->offset_index_length);
    }
    if (c->has_column_index) {
        pq_thrift_write_field_i64(w, 6, c->column_index_offset);
        pq_thrift_write_field_i32(w, 7, c->column_index_length);
    }
    pq_thrift_write_struct_end(w);
}

static void enc_row_group(enc *e, const pq_row_group *rg) {
    pq_thrift_writer *w = &e->w;
    pq_thrift_write_struct_begin(w);
    pq_thrift_write_field_list(w, 1, PQ_THRIFT_STRUCT, rg->n_columns);
    for (uint32_t idx = 0; idx < rg->n_columns; idx++) enc_column_chunk(e, &rg->columns[idx]);
    pq_thrift_write_field_i64(w, 2, rg->total_byte_size);
    pq_thrift_write_field_i64(w, 3, rg->num_rows);
    if (rg->n_sorting_columns) {
        pq_thrift_write_field_list(w, 4, PQ_THRIFT_STRUCT, rg->n_sorting_columns);
        for (uint32_t idx = 0; idx < rg->n_sorting_columns; idx++) {
            const pq_sorting_column *sc = &rg->sorting_columns[idx];
            pq_thrift_write_struct_begin(w);
            pq_thrift_write_field_i32(w, 1, sc->column_idx);
            pq_thrift_write_field_bool(w, 2, sc->descending);
            pq_thrift_write_field_bool(w, 3, sc->nulls_first);
            pq_thrift_write_struct_end(w);
        }
    }
    if (rg->has_file_offset) pq_thrift_write_field_i64(w, 5, rg->file_offset);
    if (rg->has_total_compressed_size) pq_thrift_write_field_i64(w, 6, rg->total_compressed_size);
    if (rg->has_ordinal) pq_thrift_write_field_i16(w, 7, rg->ordinal);
    pq_thrift_write_struct_end(w);
}

/* Common tail of every encoder: the status, and `out` restored on failure. */
static bk_status enc_finish(enc *e, bk_buf *out, size_t start_len) {
    bk_status s = pq_thrift_writer_status(&e->w);
    if (s == BK_OK && e->bad) s = BK_INVALID_ARGUMENT;
    if (s == BK_OK && e->w.depth != 0) s = BK_INTERNAL;
    if (s != BK_OK) out->len = start_len;
    return s;
}

bk_status pq_meta_encode_file(const pq_file_meta *m, bk_buf *out) {
    enc e = {.bad = false};
    size_t start_len = out->len;
    pq_thrift_writer *w = &e.w;
    pq_thrift_writer_init(w, out);
    if (m->is_encrypted) e.bad = true;
    pq_thrift_write_struct_begin(w);
    pq_thrift_write_field_i32(w, 1, m->version);
    pq_thrift_write_field_list(w, 2, PQ_THRIFT_STRUCT, m->n_schema);
    for (uint32_t idx = 0; idx < m->n_schema; idx++) enc_schema_element(&e, &m->schema[idx]);
    pq_thrift_write_field_i64(w, 3, m->num_rows);
    pq_thrift_write_field_list(w, 4, PQ_THRIFT_STRUCT, m->n_row_groups);
    for (uint32_t idx = 0; idx < m->n_row_groups; idx++) enc_row_group(&e, &m->row_groups[idx]);
    enc_key_values(&e, 5, m->key_value, m->n_key_value);
    if (m->created_by) pq_thrift_write_field_string(w, 6, m->created_by);
    if (m->n_column_orders) {
        pq_thrift_write_field_list(w, 7, PQ_THRIFT_STRUCT, m->n_column_orders);
        for (uint32_t idx = 0; idx < m->n_column_orders; idx++) {
            pq_column_order o = m->column_orders[idx];
            if (o != PQ_ORDER_TYPE_DEFINED && o != PQ_ORDER_IEEE_754_TOTAL &&
                o != PQ_ORDER_INT96_TIMESTAMP) {
                e.bad = true;
                o = PQ_ORDER_TYPE_DEFINED;
            }
            pq_thrift_write_struct_begin(w);
            enc_empty_struct(&e, (int16_t)o);
            pq_thrift_write_struct_end(w);
        }
    }
    pq_thrift_write_struct_end(w);
    return enc_finish(&e, out, start_len);
}

/* Thrift i32 field holding the CRC's 32 bits. */
static int32_t crc_as_i32(uint32_t crc) {
    return crc <= (uint32_t)INT32_MAX ? (int32_t)crc : (int32_t)((int64_t)crc - 4294967296LL);
}

bk_status pq_meta_encode_page_header(const pq_page_header *h, bk_buf *out) {
    enc e = {.bad = false};
    size_t start_len = out->len;
    pq_thrift_writer *w = &e.w;
    pq_thrift_writer_init(w, out);
    pq_thrift_write_struct_begin(w);
    pq_thrift_write_field_i32(w, 1, (int32_t)h->type);
    pq_thrift_write_field_i32(w, 2, h->uncompressed_page_size);
    pq_thrift_write_field_i32(w, 3, h->compressed_page_size);
    if (h->has_crc) pq_thrift_write_field_i32(w, 4, crc_as_i32(h->crc));
    switch (h->type) {
    case PQ_PAGE_DATA:
        pq_thrift_write_field_struct(w, 5);
        pq_thrift_write_field_i32(w, 1, h->num_values);
        pq_thrift_write_field_i32(w, 2, (int32_t)h->encoding);
        pq_thrift_write_field_i32(w, 3, (int32_t)h->def_level_encoding);
        pq_thrift_write_field_i32(w, 4, (int32_t)h->rep_level_encoding);
        if (h->has_statistics) enc_statistics(&e, 5, &h->statistics);
        pq_thrift_write_struct_end(w);
        break;
    case PQ_PAGE_INDEX: enc_empty_struct(&e, 6); break;
    case PQ_PAGE_DICTIONARY:
        pq_thrift_write_field_struct(w, 7);
        pq_thrift_write_field_i32(w, 1, h->num_values);
        pq_thrift_write_field_i32(w, 2, (int32_t)h->encoding);
        if (h->is_sorted) pq_thrift_write_field_bool(w, 3, true);
        pq_thrift_write_struct_end(w);
        break;
    case PQ_PAGE_DATA_V2:
        pq_thrift_write_field_struct(w, 8);
        pq_thrift_write_field_i32(w, 1, h->num_values);
        pq_thrift_write_field_i32(w, 2, h->num_nulls);
        pq_thrift_write_field_i32(w, 3, h->num_rows);
        pq_thrift_write_field_i32(w, 4, (int32_t)h->encoding);
        pq_thrift_write_field_i32(w, 5, h->def_levels_byte_length);
        pq_thrift_write_field_i32(w, 6, h->rep_levels_byte_length);
        pq_thrift_write_field_bool(w, 7, h->is_compressed);
        if (h->has_statistics) enc_statistics(&e, 8, &h->statistics);
        pq_thrift_write_struct_end(w);
        break;
    default: e.bad = true;
    }
    pq_thrift_write_struct_end(w);
    return enc_finish(&e, out, start_len);
}

bk_status pq_meta_encode_column_index(const pq_column_index *ci, bk_buf *out) {
    enc e = {.bad = false};
    size_t start_len = out->len;
    pq_thrift_writer *w = &e.w;
    pq_thrift_writer_init(w, out);
    pq_thrift_write_struct_begin(w);
    pq_thrift_write_field_list(w, 1, PQ_THRIFT_TRUE, ci->n_pages);
    for (uint32_t idx = 0; idx < ci->n_pages; idx++)
        pq_thrift_write_bool_elem(w, ci->null_pages[idx]);
    enc_bytes_list(&e, 2, ci->min_values, ci->n_pages);
    enc_bytes_list(&e, 3, ci->max_values, ci->n_pages);
    pq_thrift_write_field_i32(w, 4, (int32_t)ci->boundary_order);
    if (ci->has_null_counts) {
        pq_thrift_write_field_list(w, 5, PQ_THRIFT_I64, ci->n_pages);
        for (uint32_t idx = 0; idx < ci->n_pages; idx++)
            pq_thrift_write_i64(w, ci->null_counts[idx]);
    }
    pq_thrift_write_struct_end(w);
    return enc_finish(&e, out, start_len);
}

bk_status pq_meta_encode_offset_index(const pq_offset_index *oi, bk_buf *out) {
    enc e = {.bad = false};
    size_t start_len = out->len;
    pq_thrift_writer *w = &e.w;
    pq_thrift_writer_init(w, out);
    pq_thrift_write_struct_begin(w);
    pq_thrift_write_field_list(w, 1, PQ_THRIFT_STRUCT, oi->n_pages);
    for (uint32_t idx = 0; idx < oi->n_pages; idx++) {
        const pq_page_location *pl = &oi->pages[idx];
        pq_thrift_write_struct_begin(w);
        pq_thrift_write_field_i64(w, 1, pl->offset);
        pq_thrift_write_field_i32(w, 2, pl->compressed_page_size);
        pq_thrift_write_field_i64(w, 3, pl->first_row_index);
        pq_thrift_write_struct_end(w);
    }
    pq_thrift_write_struct_end(w);
    return enc_finish(&e, out, start_len);
}

/* ------------------------------------------------------------------------- */
/* Names                                                                      */
/* ------------------------------------------------------------------------- */

const char *pq_physical_name(pq_physical t) {
    switch (t) {
    case PQ_BOOLEAN: return "BOOLEAN";
    case PQ_INT32: return "INT32";
    case PQ_INT64: return "INT64";
    case PQ_INT96: return "INT96";
    case PQ_FLOAT: return "FLOAT";
    case PQ_DOUBLE: return "DOUBLE";
    case PQ_BYTE_ARRAY: return "BYTE_ARRAY";
    case PQ_FIXED_LEN_BYTE_ARRAY: return "FIXED_LEN_BYTE_ARRAY";
    }
    return "UNKNOWN";
}

const char *pq_codec_name(pq_codec c) {
    switch (c) {
    case PQ_CODEC_UNCOMPRESSED: return "UNCOMPRESSED";
    case PQ_CODEC_SNAPPY: return "SNAPPY";
    case PQ_CODEC_GZIP: return "GZIP";
    case PQ_CODEC_LZO: return "LZO";
    case PQ_CODEC_BROTLI: return "BROTLI";
    case PQ_CODEC_LZ4: return "LZ4";
    case PQ_CODEC_ZSTD: return "ZSTD";
    case PQ_CODEC_LZ4_RAW: return "LZ4_RAW";
    }
    return "UNKNOWN";
}

const char *pq_encoding_name(pq_encoding e) {
    switch (e) {
    case PQ_ENC_PLAIN: return "PLAIN";
    case PQ_ENC_PLAIN_DICTIONARY: return "PLAIN_DICTIONARY";
    case PQ_ENC_RLE: return "RLE";
    case PQ_ENC_BIT_PACKED: return "BIT_PACKED";
    case PQ_ENC_DELTA_BINARY_PACKED: return "DELTA_BINARY_PACKED";
    case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY: return "DELTA_LENGTH_BYTE_ARRAY";
    case PQ_ENC_DELTA_BYTE_ARRAY: return "DELTA_BYTE_ARRAY";
    case PQ_ENC_RLE_DICTIONARY: return "RLE_DICTIONARY";
    case PQ_ENC_BYTE_STREAM_SPLIT: return "BYTE_STREAM_SPLIT";
    }
    return "UNKNOWN";
}

const char *pq_page_type_name(pq_page_type t) {
    switch (t) {
    case PQ_PAGE_DATA: return "DATA_PAGE";
    case PQ_PAGE_INDEX: return "INDEX_PAGE";
    case PQ_PAGE_DICTIONARY: return "DICTIONARY_PAGE";
    case PQ_PAGE_DATA_V2: return "DATA_PAGE_V2";
    }
    return "UNKNOWN";
}

const char *pq_converted_name(pq_converted c) {
    static const char *const names[] = {
        "UTF8",    "MAP",     "MAP_KEY_VALUE", "LIST",    "ENUM",
        "DECIMAL", "DATE",    "TIME_MILLIS",   "TIME_MICROS", "TIMESTAMP_MILLIS",
        "TIMESTAMP_MICROS", "UINT_8", "UINT_16", "UINT_32", "UINT_64",
        "INT_8",   "INT_16",  "INT_32",        "INT_64",  "JSON",
        "BSON",    "INTERVAL"};
    if (c == PQ_CT_NONE) return "NONE";
    if ((int)c < 0 || (size_t)c >= BK_ARRAY_LEN(names)) return "UNKNOWN";
    return names[c];
}
