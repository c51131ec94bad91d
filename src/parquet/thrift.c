/*
 * thrift.c — Thrift compact protocol reader and writer (see thrift.h).
 *
 * The reader is a cursor over [start, end).  Every primitive checks the remaining
 * bytes first, so no path reads past `end`; failures are BK_CORRUPT with the byte
 * offset where the bad value starts.  Skipping is recursive but each level of
 * recursion enters a struct or container, which counts against PQ_THRIFT_MAX_DEPTH.
 *
 * Two historical quirks of the wire format are handled here so that meta.c need
 * not know them:
 *   - bool struct fields carry their value in the field header's type nibble
 *     (1 = true, 2 = false) and have no value bytes;
 *   - bool list elements are one byte each.  The spec says 1/0, but the Java and
 *     C++ libraries (and so most Parquet files) write 1/2; we read 0, 1 and 2 and
 *     write 1/2, and a list's bool element type may be 1 or 2.
 */
#include "parquet/thrift.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- reading: helpers ---- */

static const char *type_name(uint8_t type) {
    switch (type) {
    case PQ_THRIFT_STOP: return "stop";
    case PQ_THRIFT_TRUE:
    case PQ_THRIFT_FALSE: return "bool";
    case PQ_THRIFT_I8: return "i8";
    case PQ_THRIFT_I16: return "i16";
    case PQ_THRIFT_I32: return "i32";
    case PQ_THRIFT_I64: return "i64";
    case PQ_THRIFT_DOUBLE: return "double";
    case PQ_THRIFT_BINARY: return "binary";
    case PQ_THRIFT_LIST: return "list";
    case PQ_THRIFT_SET: return "set";
    case PQ_THRIFT_MAP: return "map";
    case PQ_THRIFT_STRUCT: return "struct";
    case PQ_THRIFT_UUID: return "uuid";
    default: return "unknown";
    }
}

/* Fill r->err with "invalid thrift data at byte AT: <reason>" and return BK_CORRUPT. */
BK_NOINLINE BK_PRINTF(3, 4) static bk_status corrupt(const pq_thrift_reader *r, size_t at,
                                                    const char *fmt, ...) {
    char reason[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    return bk_error_set(r->err, BK_CORRUPT, "invalid thrift data at byte %zu: %s", at, reason);
}

static size_t remaining(const pq_thrift_reader *r) { return (size_t)(r->end - r->pos); }

static bk_status mismatch(const pq_thrift_reader *r, uint8_t found, const char *expected) {
    return corrupt(r, pq_thrift_offset(r), "expected %s, found wire type %u (%s)", expected,
                   (unsigned)found, type_name(found));
}

/* An unsigned LEB128 varint of at most 10 bytes (64 bits). */
static bk_status read_varint(pq_thrift_reader *r, uint64_t *out) {
    size_t at = pq_thrift_offset(r);
    uint64_t v = 0;
    for (int idx = 0;; idx++) {
        if (r->pos >= r->end) return corrupt(r, at, "truncated varint");
        uint8_t b = *r->pos++;
        if (idx == 9 && b > 1) return corrupt(r, at, "varint does not fit in 64 bits");
        v |= (uint64_t)(b & 0x7f) << (7 * idx);
        if (!(b & 0x80)) break;
    }
    *out = v;
    return BK_OK;
}

static int64_t zigzag_decode(uint64_t v) {
    uint64_t u = (v >> 1) ^ (0 - (v & 1));
    return u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

static uint64_t zigzag_encode(int64_t v) {
    return v < 0 ? ~((uint64_t)v << 1) : (uint64_t)v << 1;
}

/* Smallest encoded size of one list/set/map element of this type (for size bounds). */
static size_t min_elem_size(uint8_t elem_type) {
    switch (elem_type) {
    case PQ_THRIFT_DOUBLE: return 8;
    case PQ_THRIFT_UUID: return 16;
    default: return 1;
    }
}

static bool valid_elem_type(uint8_t t) { return t >= PQ_THRIFT_TRUE && t <= PQ_THRIFT_UUID; }

/* ---- reading: public ---- */

void pq_thrift_reader_init(pq_thrift_reader *r, const uint8_t *data, size_t len, bk_error *err) {
    r->start = data;
    r->pos = data;
    r->end = data + len;
    r->depth = 0;
    r->last_id[0] = 0;
    r->err = err;
}

bk_status pq_thrift_struct_begin(pq_thrift_reader *r) {
    if (r->depth >= PQ_THRIFT_MAX_DEPTH)
        return corrupt(r, pq_thrift_offset(r), "nesting deeper than %d levels",
                       PQ_THRIFT_MAX_DEPTH);
    r->depth++;
    r->last_id[r->depth] = 0;
    return BK_OK;
}

bk_status pq_thrift_struct_end(pq_thrift_reader *r) {
    if (r->depth <= 0)
        return bk_error_set(r->err, BK_INTERNAL, "thrift reader: struct end without begin");
    r->depth--;
    return BK_OK;
}

bk_status pq_thrift_field(pq_thrift_reader *r, int16_t *id, uint8_t *type) {
    size_t at = pq_thrift_offset(r);
    if (r->pos >= r->end) return corrupt(r, at, "struct ends without a STOP field");
    uint8_t b = *r->pos++;
    if (b == 0) {
        *id = 0;
        *type = PQ_THRIFT_STOP;
        return BK_OK;
    }
    uint8_t t = b & 0x0f, delta = b >> 4;
    if (!valid_elem_type(t)) return corrupt(r, at, "unknown field type %u", (unsigned)t);
    int64_t fid;
    if (delta == 0) {
        uint64_t v;
        BK_TRY(read_varint(r, &v));
        fid = zigzag_decode(v);
    } else {
        fid = (int64_t)r->last_id[r->depth] + delta;
    }
    if (fid < INT16_MIN || fid > INT16_MAX)
        return corrupt(r, at, "field id %lld out of range", (long long)fid);
    r->last_id[r->depth] = (int16_t)fid;
    *id = (int16_t)fid;
    *type = t;
    return BK_OK;
}

bk_status pq_thrift_read_bool(pq_thrift_reader *r, uint8_t type, bool *out) {
    if (type != PQ_THRIFT_TRUE && type != PQ_THRIFT_FALSE) return mismatch(r, type, "bool");
    *out = type == PQ_THRIFT_TRUE;
    return BK_OK;
}

bk_status pq_thrift_read_bool_elem(pq_thrift_reader *r, bool *out) {
    size_t at = pq_thrift_offset(r);
    if (r->pos >= r->end) return corrupt(r, at, "truncated bool");
    uint8_t b = *r->pos++;
    if (b > 2) return corrupt(r, at, "invalid bool value %u", (unsigned)b);
    *out = b == 1;
    return BK_OK;
}

bk_status pq_thrift_read_i64(pq_thrift_reader *r, uint8_t type, int64_t *out) {
    switch (type) {
    case PQ_THRIFT_I8: {
        if (r->pos >= r->end) return corrupt(r, pq_thrift_offset(r), "truncated i8");
        uint8_t b = *r->pos++;
        *out = b < 128 ? (int64_t)b : (int64_t)b - 256;
        return BK_OK;
    }
    case PQ_THRIFT_I16:
    case PQ_THRIFT_I32:
    case PQ_THRIFT_I64: {
        uint64_t v;
        BK_TRY(read_varint(r, &v));
        *out = zigzag_decode(v);
        return BK_OK;
    }
    default: return mismatch(r, type, "an integer");
    }
}

/* Read any integer and check it lies in [lo, hi]. */
static bk_status read_int_range(pq_thrift_reader *r, uint8_t type, int64_t lo, int64_t hi,
                                const char *what, int64_t *out) {
    size_t at = pq_thrift_offset(r);
    int64_t v = 0;
    BK_TRY(pq_thrift_read_i64(r, type, &v));
    if (v < lo || v > hi)
        return corrupt(r, at, "value %lld does not fit in %s", (long long)v, what);
    *out = v;
    return BK_OK;
}

bk_status pq_thrift_read_i32(pq_thrift_reader *r, uint8_t type, int32_t *out) {
    int64_t v = 0;
    BK_TRY(read_int_range(r, type, INT32_MIN, INT32_MAX, "i32", &v));
    *out = (int32_t)v;
    return BK_OK;
}

bk_status pq_thrift_read_i16(pq_thrift_reader *r, uint8_t type, int16_t *out) {
    int64_t v = 0;
    BK_TRY(read_int_range(r, type, INT16_MIN, INT16_MAX, "i16", &v));
    *out = (int16_t)v;
    return BK_OK;
}

bk_status pq_thrift_read_i8(pq_thrift_reader *r, uint8_t type, int8_t *out) {
    int64_t v = 0;
    BK_TRY(read_int_range(r, type, INT8_MIN, INT8_MAX, "i8", &v));
    *out = (int8_t)v;
    return BK_OK;
}

bk_status pq_thrift_read_double(pq_thrift_reader *r, uint8_t type, double *out) {
    if (type != PQ_THRIFT_DOUBLE) return mismatch(r, type, "double");
    if (remaining(r) < 8) return corrupt(r, pq_thrift_offset(r), "truncated double");
    uint64_t bits = 0;
    for (int idx = 7; idx >= 0; idx--) bits = (bits << 8) | r->pos[idx];
    r->pos += 8;
    memcpy(out, &bits, sizeof *out);
    return BK_OK;
}

bk_status pq_thrift_read_binary(pq_thrift_reader *r, uint8_t type, const uint8_t **ptr,
                                uint32_t *len) {
    if (type != PQ_THRIFT_BINARY) return mismatch(r, type, "binary");
    size_t at = pq_thrift_offset(r);
    uint64_t n;
    BK_TRY(read_varint(r, &n));
    if (n > (uint64_t)INT32_MAX) return corrupt(r, at, "binary length %llu too large",
                                                (unsigned long long)n);
    if (n > remaining(r))
        return corrupt(r, at, "binary length %llu exceeds the %zu bytes that remain",
                       (unsigned long long)n, remaining(r));
    *ptr = r->pos;
    *len = (uint32_t)n;
    r->pos += n;
    return BK_OK;
}

bk_status pq_thrift_list_begin(pq_thrift_reader *r, uint8_t type, uint8_t *elem_type,
                               uint32_t *size) {
    if (type != PQ_THRIFT_LIST && type != PQ_THRIFT_SET) return mismatch(r, type, "list");
    size_t at = pq_thrift_offset(r);
    if (r->pos >= r->end) return corrupt(r, at, "truncated list header");
    uint8_t b = *r->pos++;
    uint64_t n = b >> 4;
    uint8_t et = b & 0x0f;
    if (n == 15) {
        BK_TRY(read_varint(r, &n));
        if (n > (uint64_t)INT32_MAX)
            return corrupt(r, at, "list size %llu too large", (unsigned long long)n);
    }
    if (n == 0) {
        /* Some writers leave the element type of an empty list as 0. */
        *elem_type = valid_elem_type(et) ? et : PQ_THRIFT_STOP;
        *size = 0;
        return BK_OK;
    }
    if (!valid_elem_type(et)) return corrupt(r, at, "unknown list element type %u", (unsigned)et);
    if (et == PQ_THRIFT_FALSE) et = PQ_THRIFT_TRUE;
    if (n > remaining(r) / min_elem_size(et))
        return corrupt(r, at, "list of %llu elements exceeds the %zu bytes that remain",
                       (unsigned long long)n, remaining(r));
    *elem_type = et;
    *size = (uint32_t)n;
    return BK_OK;
}

static bk_status skip_bytes(pq_thrift_reader *r, size_t n, const char *what) {
    if (remaining(r) < n) return corrupt(r, pq_thrift_offset(r), "truncated %s", what);
    r->pos += n;
    return BK_OK;
}

/* Enter a container for skipping: containers count against the depth limit too. */
static bk_status container_enter(pq_thrift_reader *r) {
    if (r->depth >= PQ_THRIFT_MAX_DEPTH)
        return corrupt(r, pq_thrift_offset(r), "nesting deeper than %d levels",
                       PQ_THRIFT_MAX_DEPTH);
    r->depth++;
    r->last_id[r->depth] = 0;
    return BK_OK;
}

static bk_status skip_map(pq_thrift_reader *r) {
    size_t at = pq_thrift_offset(r);
    uint64_t n;
    BK_TRY(read_varint(r, &n));
    if (n == 0) return BK_OK;
    if (n > (uint64_t)INT32_MAX)
        return corrupt(r, at, "map size %llu too large", (unsigned long long)n);
    if (r->pos >= r->end) return corrupt(r, at, "truncated map header");
    uint8_t kv = *r->pos++;
    uint8_t kt = kv >> 4, vt = kv & 0x0f;
    if (!valid_elem_type(kt) || !valid_elem_type(vt))
        return corrupt(r, at, "unknown map key/value types %u/%u", (unsigned)kt, (unsigned)vt);
    if (kt == PQ_THRIFT_FALSE) kt = PQ_THRIFT_TRUE;
    if (vt == PQ_THRIFT_FALSE) vt = PQ_THRIFT_TRUE;
    if (n > remaining(r) / (min_elem_size(kt) + min_elem_size(vt)))
        return corrupt(r, at, "map of %llu entries exceeds the %zu bytes that remain",
                       (unsigned long long)n, remaining(r));
    BK_TRY(container_enter(r));
    for (uint64_t idx = 0; idx < n; idx++) {
        BK_TRY(pq_thrift_skip_elem(r, kt));
        BK_TRY(pq_thrift_skip_elem(r, vt));
    }
    r->depth--;
    return BK_OK;
}

static bk_status skip_list(pq_thrift_reader *r, uint8_t type) {
    uint8_t et;
    uint32_t n;
    BK_TRY(pq_thrift_list_begin(r, type, &et, &n));
    BK_TRY(container_enter(r));
    for (uint32_t idx = 0; idx < n; idx++) BK_TRY(pq_thrift_skip_elem(r, et));
    r->depth--;
    return BK_OK;
}

static bk_status skip_struct(pq_thrift_reader *r) {
    BK_TRY(pq_thrift_struct_begin(r));
    for (;;) {
        int16_t id;
        uint8_t t;
        BK_TRY(pq_thrift_field(r, &id, &t));
        if (t == PQ_THRIFT_STOP) break;
        BK_TRY(pq_thrift_skip(r, t));
    }
    return pq_thrift_struct_end(r);
}

bk_status pq_thrift_skip(pq_thrift_reader *r, uint8_t type) {
    switch (type) {
    case PQ_THRIFT_TRUE:
    case PQ_THRIFT_FALSE: return BK_OK; /* the value was in the field header */
    case PQ_THRIFT_I8: return skip_bytes(r, 1, "i8");
    case PQ_THRIFT_I16:
    case PQ_THRIFT_I32:
    case PQ_THRIFT_I64: {
        uint64_t v;
        return read_varint(r, &v);
    }
    case PQ_THRIFT_DOUBLE: return skip_bytes(r, 8, "double");
    case PQ_THRIFT_BINARY: {
        const uint8_t *p;
        uint32_t n;
        return pq_thrift_read_binary(r, type, &p, &n);
    }
    case PQ_THRIFT_LIST:
    case PQ_THRIFT_SET: return skip_list(r, type);
    case PQ_THRIFT_MAP: return skip_map(r);
    case PQ_THRIFT_STRUCT: return skip_struct(r);
    case PQ_THRIFT_UUID: return skip_bytes(r, 16, "uuid");
    default:
        return corrupt(r, pq_thrift_offset(r), "cannot skip unknown type %u", (unsigned)type);
    }
}

bk_status pq_thrift_skip_elem(pq_thrift_reader *r, uint8_t elem_type) {
    if (elem_type == PQ_THRIFT_TRUE || elem_type == PQ_THRIFT_FALSE) {
        bool b;
        return pq_thrift_read_bool_elem(r, &b);
    }
    return pq_thrift_skip(r, elem_type);
}

/* ---- writing ---- */

void pq_thrift_writer_init(pq_thrift_writer *w, bk_buf *out) {
    w->out = out;
    w->depth = 0;
    w->last_id[0] = 0;
    w->status = BK_OK;
}

bk_status pq_thrift_writer_status(const pq_thrift_writer *w) { return w->status; }

static void put(pq_thrift_writer *w, const void *src, size_t n) {
    if (w->status != BK_OK) return;
    w->status = bk_buf_append(w->out, src, n);
}

/* Encode `v` as ULEB128 into `dst` (at least 10 bytes); returns the length. */
static size_t encode_varint(uint8_t *dst, uint64_t v) {
    size_t n = 0;
    while (v >= 0x80) {
        dst[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    dst[n++] = (uint8_t)v;
    return n;
}

void pq_thrift_write_varint(pq_thrift_writer *w, uint64_t v) {
    uint8_t tmp[10];
    put(w, tmp, encode_varint(tmp, v));
}

void pq_thrift_write_struct_begin(pq_thrift_writer *w) {
    if (w->status != BK_OK) return;
    if (w->depth >= PQ_THRIFT_MAX_DEPTH) {
        w->status = BK_INTERNAL;
        return;
    }
    w->depth++;
    w->last_id[w->depth] = 0;
}

void pq_thrift_write_struct_end(pq_thrift_writer *w) {
    if (w->status != BK_OK) return;
    if (w->depth <= 0) {
        w->status = BK_INTERNAL;
        return;
    }
    uint8_t stop = PQ_THRIFT_STOP;
    put(w, &stop, 1);
    w->depth--;
}

void pq_thrift_write_field_header(pq_thrift_writer *w, int16_t id, uint8_t type) {
    if (w->status != BK_OK) return;
    int32_t delta = (int32_t)id - w->last_id[w->depth];
    uint8_t tmp[11];
    size_t n;
    if (delta > 0 && delta <= 15) {
        tmp[0] = (uint8_t)((delta << 4) | type);
        n = 1;
    } else {
        tmp[0] = type;
        n = 1 + encode_varint(tmp + 1, zigzag_encode(id));
    }
    w->last_id[w->depth] = id;
    put(w, tmp, n);
}

void pq_thrift_write_field_bool(pq_thrift_writer *w, int16_t id, bool v) {
    pq_thrift_write_field_header(w, id, v ? PQ_THRIFT_TRUE : PQ_THRIFT_FALSE);
}

void pq_thrift_write_i8(pq_thrift_writer *w, int8_t v) {
    uint8_t b = (uint8_t)v;
    put(w, &b, 1);
}

void pq_thrift_write_i32(pq_thrift_writer *w, int32_t v) {
    pq_thrift_write_varint(w, zigzag_encode(v));
}

void pq_thrift_write_i64(pq_thrift_writer *w, int64_t v) {
    pq_thrift_write_varint(w, zigzag_encode(v));
}

void pq_thrift_write_double(pq_thrift_writer *w, double v) {
    uint64_t bits;
    uint8_t tmp[8];
    memcpy(&bits, &v, sizeof bits);
    for (int idx = 0; idx < 8; idx++) tmp[idx] = (uint8_t)(bits >> (8 * idx));
    put(w, tmp, sizeof tmp);
}

void pq_thrift_write_binary(pq_thrift_writer *w, const void *data, size_t len) {
    if (w->status != BK_OK) return;
    if (len > (size_t)INT32_MAX) {
        w->status = BK_INTERNAL;
        return;
    }
    pq_thrift_write_varint(w, len);
    if (len) put(w, data, len);
}

void pq_thrift_write_bool_elem(pq_thrift_writer *w, bool v) {
    uint8_t b = v ? 1 : 2;
    put(w, &b, 1);
}

void pq_thrift_write_field_i8(pq_thrift_writer *w, int16_t id, int8_t v) {
    pq_thrift_write_field_header(w, id, PQ_THRIFT_I8);
    pq_thrift_write_i8(w, v);
}

void pq_thrift_write_field_i16(pq_thrift_writer *w, int16_t id, int16_t v) {
    pq_thrift_write_field_header(w, id, PQ_THRIFT_I16);
    pq_thrift_write_varint(w, zigzag_encode(v));
}

void pq_thrift_write_field_i32(pq_thrift_writer *w, int16_t id, int32_t v) {
    pq_thrift_write_field_header(w, id, PQ_THRIFT_I32);
    pq_thrift_write_i32(w, v);
}

void pq_thrift_write_field_i64(pq_thrift_writer *w, int16_t id, int64_t v) {
    pq_thrift_write_field_header(w, id, PQ_THRIFT_I64);
    pq_thrift_write_i64(w, v);
}

void pq_thrift_write_field_double(pq_thrift_writer *w, int16_t id, double v) {
    pq_thrift_write_field_header(w, id, PQ_THRIFT_DOUBLE);
    pq_thrift_write_double(w, v);
}

void pq_thrift_write_field_binary(pq_thrift_writer *w, int16_t id, const void *data, size_t len) {
    pq_thrift_write_field_header(w, id, PQ_THRIFT_BINARY);
    pq_thrift_write_binary(w, data, len);
}

void pq_thrift_write_field_string(pq_thrift_writer *w, int16_t id, const char *s) {
    pq_thrift_write_field_binary(w, id, s, strlen(s));
}

void pq_thrift_write_field_struct(pq_thrift_writer *w, int16_t id) {
    pq_thrift_write_field_header(w, id, PQ_THRIFT_STRUCT);
    pq_thrift_write_struct_begin(w);
}

void pq_thrift_write_list_header(pq_thrift_writer *w, uint8_t elem_type, uint32_t size) {
    if (w->status != BK_OK) return;
    if (size > (uint32_t)INT32_MAX) {
        w->status = BK_INTERNAL;
        return;
    }
    if (elem_type == PQ_THRIFT_FALSE) elem_type = PQ_THRIFT_TRUE;
    uint8_t tmp[11];
    size_t n;
    if (size < 15) {
        tmp[0] = (uint8_t)((size << 4) | elem_type);
        n = 1;
    } else {
        tmp[0] = (uint8_t)(0xf0 | elem_type);
        n = 1 + encode_varint(tmp + 1, size);
    }
    put(w, tmp, n);
}

void pq_thrift_write_field_list(pq_thrift_writer *w, int16_t id, uint8_t elem_type,
                                uint32_t size) {
    pq_thrift_write_field_header(w, id, PQ_THRIFT_LIST);
    pq_thrift_write_list_header(w, elem_type, size);
}
