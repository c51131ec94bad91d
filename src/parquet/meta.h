/*
 * meta.h — the Parquet file metadata, as C structs (parquet-format's parquet.thrift).
 *
 * FileMetaData, the page headers and the page index (ColumnIndex, OffsetIndex) are
 * Thrift compact-protocol structs.  meta.c decodes them from bytes into these
 * structs (all memory in an arena) and encodes them back.  Field numbers follow
 * parquet.thrift exactly; optional fields carry a has_ flag where absence differs
 * from zero (the format says readers must tell null_count absent from 0).
 *
 * Decoding never trusts the input: every length, count and enum value is checked,
 * lists are bounded by the bytes that remain, nesting depth is bounded, and unknown
 * fields are skipped.  A failure is BK_CORRUPT with a message naming the struct and
 * field.  Decoded byte strings (names, statistics) are copied into the arena, so the
 * structs outlive the input buffer.
 */
#ifndef BRICKS_PARQUET_META_H
#define BRICKS_PARQUET_META_H

#include "base/arena.h"
#include "base/bk.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/types.h"

/* enum Type */
typedef enum pq_physical {
    PQ_BOOLEAN = 0,
    PQ_INT32 = 1,
    PQ_INT64 = 2,
    PQ_INT96 = 3,
    PQ_FLOAT = 4,
    PQ_DOUBLE = 5,
    PQ_BYTE_ARRAY = 6,
    PQ_FIXED_LEN_BYTE_ARRAY = 7
} pq_physical;

/* enum ConvertedType; PQ_CT_NONE when absent */
typedef enum pq_converted {
    PQ_CT_NONE = -1,
    PQ_CT_UTF8 = 0,
    PQ_CT_MAP = 1,
    PQ_CT_MAP_KEY_VALUE = 2,
    PQ_CT_LIST = 3,
    PQ_CT_ENUM = 4,
    PQ_CT_DECIMAL = 5,
    PQ_CT_DATE = 6,
    PQ_CT_TIME_MILLIS = 7,
    PQ_CT_TIME_MICROS = 8,
    PQ_CT_TIMESTAMP_MILLIS = 9,
    PQ_CT_TIMESTAMP_MICROS = 10,
    PQ_CT_UINT_8 = 11,
    PQ_CT_UINT_16 = 12,
    PQ_CT_UINT_32 = 13,
    PQ_CT_UINT_64 = 14,
    PQ_CT_INT_8 = 15,
    PQ_CT_INT_16 = 16,
    PQ_CT_INT_32 = 17,
    PQ_CT_INT_64 = 18,
    PQ_CT_JSON = 19,
    PQ_CT_BSON = 20,
    PQ_CT_INTERVAL = 21
} pq_converted;

/* enum FieldRepetitionType */
typedef enum pq_repetition { PQ_REQUIRED = 0, PQ_OPTIONAL = 1, PQ_REPEATED = 2 } pq_repetition;

/* union LogicalType: the member that is set (field id in parquet.thrift) */
typedef enum pq_logical_kind {
    PQ_LT_NONE = 0,
    PQ_LT_STRING = 1,
    PQ_LT_MAP = 2,
    PQ_LT_LIST = 3,
    PQ_LT_ENUM = 4,
    PQ_LT_DECIMAL = 5,
    PQ_LT_DATE = 6,
    PQ_LT_TIME = 7,
    PQ_LT_TIMESTAMP = 8,
    PQ_LT_INTEGER = 10,
    PQ_LT_UNKNOWN = 11, /* always-null column */
    PQ_LT_JSON = 12,
    PQ_LT_BSON = 13,
    PQ_LT_UUID = 14,
    PQ_LT_FLOAT16 = 15,
    PQ_LT_VARIANT = 16,
    PQ_LT_GEOMETRY = 17,
    PQ_LT_GEOGRAPHY = 18,
    PQ_LT_UNRECOGNIZED = 255 /* a member this reader does not know: treat as no annotation */
} pq_logical_kind;

typedef enum pq_time_unit { PQ_MILLIS = 1, PQ_MICROS = 2, PQ_NANOS = 3 } pq_time_unit;

typedef struct pq_logical_type {
    pq_logical_kind kind;
    int32_t scale, precision; /* DECIMAL */
    bool is_adjusted_to_utc;  /* TIME, TIMESTAMP */
    pq_time_unit unit;        /* TIME, TIMESTAMP */
    int8_t bit_width;         /* INTEGER: 8, 16, 32, 64 */
    bool is_signed;           /* INTEGER */
} pq_logical_type;

/* enum Encoding */
typedef enum pq_encoding {
    PQ_ENC_PLAIN = 0,
    PQ_ENC_PLAIN_DICTIONARY = 2,
    PQ_ENC_RLE = 3,
    PQ_ENC_BIT_PACKED = 4,
    PQ_ENC_DELTA_BINARY_PACKED = 5,
    PQ_ENC_DELTA_LENGTH_BYTE_ARRAY = 6,
    PQ_ENC_DELTA_BYTE_ARRAY = 7,
    PQ_ENC_RLE_DICTIONARY = 8,
    PQ_ENC_BYTE_STREAM_SPLIT = 9
} pq_encoding;

/* enum CompressionCodec */
typedef enum pq_codec {
    PQ_CODEC_UNCOMPRESSED = 0,
    PQ_CODEC_SNAPPY = 1,
    PQ_CODEC_GZIP = 2,
    PQ_CODEC_LZO = 3,
    PQ_CODEC_BROTLI = 4,
    PQ_CODEC_LZ4 = 5, /* deprecated: Hadoop framing or raw block, see codec.c */
    PQ_CODEC_ZSTD = 6,
    PQ_CODEC_LZ4_RAW = 7
} pq_codec;

/* enum PageType */
typedef enum pq_page_type {
    PQ_PAGE_DATA = 0,
    PQ_PAGE_INDEX = 1,
    PQ_PAGE_DICTIONARY = 2,
    PQ_PAGE_DATA_V2 = 3
} pq_page_type;

/* enum BoundaryOrder */
typedef enum pq_boundary_order {
    PQ_UNORDERED = 0,
    PQ_ASCENDING = 1,
    PQ_DESCENDING = 2
} pq_boundary_order;

/* A byte string inside decoded metadata (arena memory). */
typedef struct pq_bytes {
    const uint8_t *ptr;
    uint32_t len;
} pq_bytes;

typedef struct pq_key_value {
    const char *key;   /* NUL-terminated copy */
    const char *value; /* NULL when absent */
    uint32_t value_len;
} pq_key_value;

/* struct Statistics */
typedef struct pq_statistics {
    bool has_max, has_min; /* deprecated fields 1, 2 (signed order only) */
    pq_bytes max, min;
    bool has_null_count;
    int64_t null_count; /* 3 */
    bool has_distinct_count;
    int64_t distinct_count; /* 4 */
    bool has_max_value, has_min_value;
    pq_bytes max_value, min_value; /* 5, 6: ordered by the column order */
    bool has_is_max_value_exact, is_max_value_exact; /* 7 */
    bool has_is_min_value_exact, is_min_value_exact; /* 8 */
    bool has_nan_count;
    int64_t nan_count;
} pq_statistics;

/* struct SchemaElement */
typedef struct pq_schema_element {
    const char *name; /* 4 */
    bool has_type;
    pq_physical type;    /* 1: absent for groups */
    int32_t type_length; /* 2: FIXED_LEN_BYTE_ARRAY width */
    bool has_repetition;
    pq_repetition repetition; /* 3: absent only on the root */
    int32_t num_children;     /* 5: 0 for leaves */
    pq_converted converted;   /* 6 */
    int32_t scale, precision; /* 7, 8 */
    bool has_field_id;
    int32_t field_id;        /* 9 */
    pq_logical_type logical; /* 10 */
} pq_schema_element;

typedef struct pq_page_encoding_stats {
    pq_page_type page_type;
    pq_encoding encoding;
    int32_t count;
} pq_page_encoding_stats;

/* struct ColumnMetaData */
typedef struct pq_column_meta {
    pq_physical type; /* 1 */
    uint32_t n_encodings;
    pq_encoding *encodings; /* 2 */
    uint32_t n_path;
    const char **path_in_schema; /* 3 */
    pq_codec codec;              /* 4 */
    int64_t num_values;          /* 5 */
    int64_t total_uncompressed_size, total_compressed_size; /* 6, 7 */
    uint32_t n_key_value;
    pq_key_value *key_value;  /* 8 */
    int64_t data_page_offset; /* 9 */
    bool has_index_page_offset;
    int64_t index_page_offset; /* 10 */
    bool has_dictionary_page_offset;
    int64_t dictionary_page_offset; /* 11 */
    bool has_statistics;
    pq_statistics statistics; /* 12 */
    uint32_t n_encoding_stats;
    pq_page_encoding_stats *encoding_stats; /* 13 */
    bool has_bloom_filter;
    int64_t bloom_filter_offset; /* 14 */
    int32_t bloom_filter_length; /* 15: 0 when absent */
} pq_column_meta;

/* struct ColumnChunk */
typedef struct pq_column_chunk {
    const char *file_path; /* 1: NULL = this file */
    int64_t file_offset;   /* 2 */
    bool has_meta_data;
    pq_column_meta meta; /* 3 */
    bool has_offset_index;
    int64_t offset_index_offset; /* 4 */
    int32_t offset_index_length; /* 5 */
    bool has_column_index;
    int64_t column_index_offset; /* 6 */
    int32_t column_index_length; /* 7 */
    bool is_encrypted;           /* 8 or 9 present */
} pq_column_chunk;

typedef struct pq_sorting_column {
    int32_t column_idx;
    bool descending, nulls_first;
} pq_sorting_column;

/* struct RowGroup */
typedef struct pq_row_group {
    uint32_t n_columns;
    pq_column_chunk *columns; /* 1 */
    int64_t total_byte_size;  /* 2 */
    int64_t num_rows;         /* 3 */
    uint32_t n_sorting_columns;
    pq_sorting_column *sorting_columns; /* 4 */
    bool has_file_offset;
    int64_t file_offset; /* 5 */
    bool has_total_compressed_size;
    int64_t total_compressed_size; /* 6 */
    bool has_ordinal;
    int16_t ordinal; /* 7 */
} pq_row_group;

/* union ColumnOrder */
typedef enum pq_column_order {
    PQ_ORDER_UNDEFINED = 0, /* no column_orders list: min_value/max_value are undefined */
    PQ_ORDER_TYPE_DEFINED = 1,
    PQ_ORDER_IEEE_754_TOTAL = 2,
    PQ_ORDER_INT96_TIMESTAMP = 3, /* INT96_TIMESTAMP_ORDER: chronological INT96 */
    PQ_ORDER_UNKNOWN = 255
} pq_column_order;

/* struct FileMetaData */
typedef struct pq_file_meta {
    int32_t version; /* 1 */
    uint32_t n_schema;
    pq_schema_element *schema; /* 2: depth-first, root first */
    int64_t num_rows;          /* 3 */
    uint32_t n_row_groups;
    pq_row_group *row_groups; /* 4 */
    uint32_t n_key_value;
    pq_key_value *key_value; /* 5 */
    const char *created_by;  /* 6: NULL when absent */
    uint32_t n_column_orders;
    pq_column_order *column_orders; /* 7: one per leaf, or none */
    bool is_encrypted;              /* 8 encryption_algorithm present */
} pq_file_meta;

/* struct DataPageHeader / DataPageHeaderV2 / DictionaryPageHeader / PageHeader */
typedef struct pq_page_header {
    pq_page_type type;              /* 1 */
    int32_t uncompressed_page_size; /* 2 */
    int32_t compressed_page_size;   /* 3 */
    bool has_crc;
    uint32_t crc; /* 4: CRC-32 of the page body as stored */
    /* DATA_PAGE (5) and DATA_PAGE_V2 (8) */
    int32_t num_values;
    pq_encoding encoding;
    pq_encoding def_level_encoding, rep_level_encoding; /* v1 only */
    bool has_statistics;
    pq_statistics statistics;
    /* DATA_PAGE_V2 only */
    int32_t num_nulls, num_rows;
    int32_t def_levels_byte_length, rep_levels_byte_length;
    bool is_compressed; /* default true */
    /* DICTIONARY_PAGE (7): num_values and encoding above, plus */
    bool is_sorted;
} pq_page_header;

typedef struct pq_page_location {
    int64_t offset;               /* file offset of the page header */
    int32_t compressed_page_size; /* header included */
    int64_t first_row_index;
} pq_page_location;

/* struct OffsetIndex */
typedef struct pq_offset_index {
    uint32_t n_pages;
    pq_page_location *pages;
} pq_offset_index;

/* struct ColumnIndex */
typedef struct pq_column_index {
    uint32_t n_pages;
    bool *null_pages;
    pq_bytes *min_values, *max_values; /* empty for null pages */
    pq_boundary_order boundary_order;
    bool has_null_counts;
    int64_t *null_counts;
} pq_column_index;

/*
 * Decode the footer's FileMetaData from `len` bytes at `data`.  Everything is
 * copied into `a`.
 */
bk_status pq_meta_decode_file(bk_arena *a, const uint8_t *data, size_t len, pq_file_meta *out,
                              bk_error *err);
/* Decode one PageHeader; *header_len receives its encoded size. */
bk_status pq_meta_decode_page_header(bk_arena *a, const uint8_t *data, size_t len,
                                     pq_page_header *out, size_t *header_len, bk_error *err);
bk_status pq_meta_decode_column_index(bk_arena *a, const uint8_t *data, size_t len,
                                      pq_column_index *out, bk_error *err);
bk_status pq_meta_decode_offset_index(bk_arena *a, const uint8_t *data, size_t len,
                                      pq_offset_index *out, bk_error *err);

/* Encoders append the compact-protocol bytes of the struct to `out`. */
bk_status pq_meta_encode_file(const pq_file_meta *m, bk_buf *out);
bk_status pq_meta_encode_page_header(const pq_page_header *h, bk_buf *out);
bk_status pq_meta_encode_column_index(const pq_column_index *ci, bk_buf *out);
bk_status pq_meta_encode_offset_index(const pq_offset_index *oi, bk_buf *out);

/* Names for printing ("INT32", "SNAPPY", "RLE_DICTIONARY", "DATA_PAGE_V2"). */
const char *pq_physical_name(pq_physical t);
const char *pq_codec_name(pq_codec c);
const char *pq_encoding_name(pq_encoding e);
const char *pq_page_type_name(pq_page_type t);
const char *pq_converted_name(pq_converted c);

#endif
