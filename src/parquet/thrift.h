/*
 * thrift.h — the Thrift compact protocol, as much of it as Parquet metadata needs.
 *
 * Parquet stores its footer (FileMetaData), page headers and page index as Thrift
 * structs in the compact protocol (apache/thrift doc/specs/thrift-compact-protocol.md).
 * This module is the wire layer only: meta.c maps field ids to C struct members.
 *
 * Reading works over a bounded byte range and never trusts it:
 *   - every read checks the bytes that remain and fails with BK_CORRUPT rather than
 *     reading past `end`;
 *   - varints longer than 10 bytes, field ids outside int16, unknown wire types and
 *     list/map sizes larger than the remaining bytes (every element takes at least
 *     one byte) are BK_CORRUPT, so a caller may allocate `size` elements safely;
 *   - struct and container nesting is bounded by PQ_THRIFT_MAX_DEPTH, also when
 *     skipping unknown fields, so hostile input cannot exhaust the stack;
 *   - every loop consumes at least one byte per iteration, so decoding terminates.
 * The reader allocates nothing; binary values are views into the input.
 *
 * Decoding a struct:
 *     BK_TRY(pq_thrift_struct_begin(r));
 *     for (;;) {
 *         int16_t id; uint8_t type;
 *         BK_TRY(pq_thrift_field(r, &id, &type));
 *         if (type == PQ_THRIFT_STOP) break;
 *         switch (id) { case 1: BK_TRY(pq_thrift_read_i32(r, type, &x)); break;
 *                       default: BK_TRY(pq_thrift_skip(r, type)); }
 *     }
 *     BK_TRY(pq_thrift_struct_end(r));
 *
 * Writing appends to a bk_buf.  The writer's status is sticky: calls after a failure
 * do nothing, and pq_thrift_writer_status() reports the first failure once at the end.
 * The writer tracks the last field id per open struct to emit short-form headers.
 *
 * Not thread-safe; one reader or writer per thread.
 */
#ifndef BRICKS_PARQUET_THRIFT_H
#define BRICKS_PARQUET_THRIFT_H

#include "base/bk.h"
#include "base/buf.h"
#include "base/error.h"

/* Wire types of struct fields.  In list/set/map headers, bool elements use 1 or 2 too. */
enum {
    PQ_THRIFT_STOP = 0,
    PQ_THRIFT_TRUE = 1, /* field of type bool whose value is true; also the list bool type */
    PQ_THRIFT_FALSE = 2,
    PQ_THRIFT_I8 = 3,
    PQ_THRIFT_I16 = 4,
    PQ_THRIFT_I32 = 5,
    PQ_THRIFT_I64 = 6,
    PQ_THRIFT_DOUBLE = 7,
    PQ_THRIFT_BINARY = 8, /* binary and string */
    PQ_THRIFT_LIST = 9,
    PQ_THRIFT_SET = 10,
    PQ_THRIFT_MAP = 11,
    PQ_THRIFT_STRUCT = 12, /* structs and unions */
    PQ_THRIFT_UUID = 13
};

/* Deepest nesting of structs and containers accepted (and produced). */
#define PQ_THRIFT_MAX_DEPTH 64

/* ---- reading ---- */

typedef struct pq_thrift_reader {
    const uint8_t *start; /* first byte of the input (offsets in messages count from here) */
    const uint8_t *pos;   /* next byte to read; start <= pos <= end */
    const uint8_t *end;
    int depth;                                /* open structs; last_id[depth] is current */
    int16_t last_id[PQ_THRIFT_MAX_DEPTH + 1]; /* previous field id per open struct */
    bk_error *err;                            /* may be NULL */
} pq_thrift_reader;

/* Read `len` bytes at `data`; errors go to `err` (may be NULL). */
void pq_thrift_reader_init(pq_thrift_reader *r, const uint8_t *data, size_t len, bk_error *err);

/* Bytes consumed so far. */
static inline size_t pq_thrift_offset(const pq_thrift_reader *r) {
    return (size_t)(r->pos - r->start);
}

/* Enter a struct (at top level, after a PQ_THRIFT_STRUCT field header or as a list
 * element).  BK_CORRUPT when nesting would exceed PQ_THRIFT_MAX_DEPTH. */
bk_status pq_thrift_struct_begin(pq_thrift_reader *r);
/* Leave the struct whose STOP field pq_thrift_field just returned. */
bk_status pq_thrift_struct_end(pq_thrift_reader *r);

/*
 * Read the next field header of the current struct: *type is PQ_THRIFT_STOP at the
 * end of the struct (then *id is 0), else the wire type and *id the field id (short
 * or long form).  A bool field's value is its type (PQ_THRIFT_TRUE / PQ_THRIFT_FALSE)
 * and takes no further bytes: read it with pq_thrift_read_bool.
 */
bk_status pq_thrift_field(pq_thrift_reader *r, int16_t *id, uint8_t *type);

/*
 * Value readers.  `type` is the field's wire type (or a list's element type); a
 * mismatch is BK_CORRUPT.  The integer readers accept any integer wire type (i8,
 * i16, i32, i64) and fail when the value does not fit the destination.
 */
bk_status pq_thrift_read_bool(pq_thrift_reader *r, uint8_t type, bool *out);
bk_status pq_thrift_read_i64(pq_thrift_reader *r, uint8_t type, int64_t *out);
bk_status pq_thrift_read_i32(pq_thrift_reader *r, uint8_t type, int32_t *out);
bk_status pq_thrift_read_i16(pq_thrift_reader *r, uint8_t type, int16_t *out);
bk_status pq_thrift_read_i8(pq_thrift_reader *r, uint8_t type, int8_t *out);
bk_status pq_thrift_read_double(pq_thrift_reader *r, uint8_t type, double *out);
/* A view of the bytes inside the input (not copied, not NUL-terminated). */
bk_status pq_thrift_read_binary(pq_thrift_reader *r, uint8_t type, const uint8_t **ptr,
                                uint32_t *len);

/*
 * Read a list or set header (`type` must be PQ_THRIFT_LIST or PQ_THRIFT_SET).  The
 * element type is normalised: bool elements give PQ_THRIFT_TRUE.  *size never
 * exceeds the bytes that remain, so allocating *size elements is bounded by input.
 * Elements follow; read them with the value readers (bool elements with
 * pq_thrift_read_bool_elem, struct elements with pq_thrift_struct_begin).
 */
bk_status pq_thrift_list_begin(pq_thrift_reader *r, uint8_t type, uint8_t *elem_type,
                               uint32_t *size);
/* One bool element of a list, set or map (one byte: 1 is true, 0 or 2 false). */
bk_status pq_thrift_read_bool_elem(pq_thrift_reader *r, bool *out);

/* Skip a value of wire (or element) type `type`, of any kind, nested to any allowed depth. */
bk_status pq_thrift_skip(pq_thrift_reader *r, uint8_t type);
/* Skip one list element of element type `elem_type` (bool elements are one byte). */
bk_status pq_thrift_skip_elem(pq_thrift_reader *r, uint8_t elem_type);

/* ---- writing ---- */

typedef struct pq_thrift_writer {
    bk_buf *out;
    int depth;                                /* open structs; last_id[depth] is current */
    int16_t last_id[PQ_THRIFT_MAX_DEPTH + 1]; /* previous field id per open struct */
    bk_status status;                         /* first failure, or BK_OK */
} pq_thrift_writer;

/* Append to `out` (not cleared).  The top level acts as an open struct. */
void pq_thrift_writer_init(pq_thrift_writer *w, bk_buf *out);
/* BK_OK, or the first failure: BK_OUT_OF_MEMORY, or BK_INTERNAL on misuse (nesting
 * beyond PQ_THRIFT_MAX_DEPTH, struct_end without begin). */
bk_status pq_thrift_writer_status(const pq_thrift_writer *w);

/* Open a struct value (top level or list element); close it with pq_thrift_write_struct_end. */
void pq_thrift_write_struct_begin(pq_thrift_writer *w);
/* Write the STOP field and close the innermost struct. */
void pq_thrift_write_struct_end(pq_thrift_writer *w);

/* A field header only (short form when the id delta is 1..15, long form otherwise). */
void pq_thrift_write_field_header(pq_thrift_writer *w, int16_t id, uint8_t type);
/* Header and value, for each kind of field. */
void pq_thrift_write_field_bool(pq_thrift_writer *w, int16_t id, bool v);
void pq_thrift_write_field_i8(pq_thrift_writer *w, int16_t id, int8_t v);
void pq_thrift_write_field_i16(pq_thrift_writer *w, int16_t id, int16_t v);
void pq_thrift_write_field_i32(pq_thrift_writer *w, int16_t id, int32_t v);
void pq_thrift_write_field_i64(pq_thrift_writer *w, int16_t id, int64_t v);
void pq_thrift_write_field_double(pq_thrift_writer *w, int16_t id, double v);
void pq_thrift_write_field_binary(pq_thrift_writer *w, int16_t id, const void *data, size_t len);
/* A NUL-terminated string field. */
void pq_thrift_write_field_string(pq_thrift_writer *w, int16_t id, const char *s);
/* Header of a struct field, then open the struct (close with pq_thrift_write_struct_end). */
void pq_thrift_write_field_struct(pq_thrift_writer *w, int16_t id);
/* Header of a list field and the list header; `size` elements must follow. */
void pq_thrift_write_field_list(pq_thrift_writer *w, int16_t id, uint8_t elem_type,
                                uint32_t size);

/* A list header alone (short form for sizes 0..14).  Bool elements: PQ_THRIFT_TRUE. */
void pq_thrift_write_list_header(pq_thrift_writer *w, uint8_t elem_type, uint32_t size);
/* Element values (no header). */
void pq_thrift_write_bool_elem(pq_thrift_writer *w, bool v);
void pq_thrift_write_i8(pq_thrift_writer *w, int8_t v);
void pq_thrift_write_i32(pq_thrift_writer *w, int32_t v);
void pq_thrift_write_i64(pq_thrift_writer *w, int64_t v);
void pq_thrift_write_double(pq_thrift_writer *w, double v);
void pq_thrift_write_binary(pq_thrift_writer *w, const void *data, size_t len);
/* An unsigned varint (ULEB128), as used for lengths and sizes. */
void pq_thrift_write_varint(pq_thrift_writer *w, uint64_t v);

#endif
