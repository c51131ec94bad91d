/*
 * column.c — decode one column chunk: pages -> levels + dense values.
 *
 * The chunk's pages are walked in file order.  For each page the header is
 * decoded, the CRC checked when present, the body decompressed, the repetition and
 * definition levels decoded into the chunk-wide level arrays, and the non-NULL
 * values decoded and converted into the leaf's bk layout (types.h), appended
 * densely.  Assembly (assemble.c) later turns levels + values into vectors.
 *
 * Memory: level arrays, values, the dictionary and any page bytes that string
 * values point into live in the caller's arena; other page buffers (the index runs
 * of dictionary-encoded pages among them) and scratch arrays live in a scratch
 * arena reset after every page: the caller's (pq_scan keeps one per worker, so its
 * spare blocks serve every page and row group without fresh pages from the
 * kernel) or a temporary child.  Values of uncompressed BYTE_ARRAY pages point
 * straight into the file, which stays mapped until pq_reader_close.
 *
 * Every count and length read from the file is checked before use: a bad file
 * yields BK_CORRUPT (or BK_CHECKSUM_MISMATCH) naming file, column, row group and
 * page, never an over-read.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/endian.h"
#include "parquet/codec.h"
#include "parquet/crc.h"
#include "parquet/encoding.h"
#include "parquet/reader_int.h"

#define DEFAULT_MAX_PAGE_BYTES ((size_t)1 << 30)
#define JULIAN_UNIX_EPOCH 2440588
#define MICROS_PER_DAY INT64_C(86400000000)

typedef struct chunk_ctx {
    pq_reader *r;
    bk_arena *a;       /* output arena */
    bk_arena *scratch; /* reset after every page */
    const pq_field *leaf;
    const pq_column_meta *cm;
    uint32_t rg, col;
    int64_t page_no;
    size_t phys_width; /* bytes per decoded physical value */
    size_t out_width;  /* bytes per converted value */
    bool strings;      /* BYTE_ARRAY / FLBA: values are views into page bytes */
    /* dictionary, converted to the output layout */
    bool has_dict;
    void *dict;
    size_t dict_n;
    pq_column_data *out;
    size_t levels_cap;
    size_t levels_seen; /* levels of the pages decoded so far (out holds fewer when picking) */
    bool first_page_seen;
    /* picking (pq_column_read): only rows pick[0..n_pick) are kept; page_row is the first
       row of the page being decoded, pick_at the first pick not yet reached */
    const uint32_t *pick;
    size_t n_pick, pick_at;
    int64_t page_row;
    bk_error *err;
} chunk_ctx;

void pq_column_context(const pq_reader *r, uint32_t rg, uint32_t col, char *buf, size_t cap) {
    const pq_field *leaf = r->schema.leaves[col];
    const pq_column_meta *cm = &r->meta.row_groups[rg].columns[col].meta;
    char path[256];
    size_t len = 0;
    path[0] = '\0';
    if (cm->n_path) {
        for (uint32_t i = 0; i < cm->n_path && len + 2 < sizeof path; i++) {
            size_t n = strlen(cm->path_in_schema[i]);
            if (len + n + 2 >= sizeof path) break;
            if (i) path[len++] = '.';
            memcpy(path + len, cm->path_in_schema[i], n);
            len += n;
            path[len] = '\0';
        }
    } else {
        size_t n = strlen(leaf->name);
        if (n >= sizeof path) n = sizeof path - 1;
        memcpy(path, leaf->name, n);
        path[n] = '\0';
    }
    snprintf(buf, cap, "parquet file \"%s\": column \"%s\": row group %u", r->name, path, rg);
}

/* Fail with a message about the current page; prefixes the column context. */
BK_NOINLINE BK_PRINTF(3, 4) static bk_status
    page_error(chunk_ctx *c, bk_code code, const char *fmt, ...) {
    char where[400], what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    pq_column_context(c->r, c->rg, c->col, where, sizeof where);
    return bk_error_set(c->err, code, "%s: page %lld: %s", where, (long long)c->page_no, what);
}

/* Put the column/page context in front of an error raised by a decoder. */
BK_NOINLINE static bk_status page_context(chunk_ctx *c, bk_status st) {
    char where[400];
    pq_column_context(c->r, c->rg, c->col, where, sizeof where);
    if (c->err) bk_error_prefix(c->err, "%s: page %lld", where, (long long)c->page_no);
    return st;
}

static size_t phys_width(const pq_schema_element *el) {
    switch (el->type) {
    case PQ_BOOLEAN:
        return 1;
    case PQ_INT32:
    case PQ_FLOAT:
        return 4;
    case PQ_INT64:
    case PQ_DOUBLE:
        return 8;
    case PQ_INT96:
        return 12;
    default:
        return sizeof(bk_str);
    }
}

/* ---- conversions from the physical layout to the bk layout ---- */

static float half_to_float(uint16_t h) {
    int sign = h >> 15, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
    float v;
    if (exp == 0)
        v = ldexpf((float)mant, -24);
    else if (exp == 31)
        v = mant ? NAN : INFINITY;
    else
        v = ldexpf((float)(mant | 0x400), exp - 25);
    return sign ? -v : v;
}

/* Big-endian two's complement bytes -> 128-bit value; false if it does not fit. */
static bool be_bytes_to_i128(const uint8_t *p, size_t len, bk_i128 *out) {
    if (len == 0) {
        out->lo = 0, out->hi = 0;
        return true;
    }
    uint8_t sign = (p[0] & 0x80) ? 0xff : 0x00;
    while (len > 16) { /* extra leading bytes must be pure sign extension */
        if (p[0] != sign) return false;
        p++, len--;
    }
    if (len == 16 && ((p[0] ^ sign) & 0x80)) return false;
    uint8_t buf[16];
    memset(buf, sign, 16 - len);
    memcpy(buf + 16 - len, p, len);
    uint64_t hi = 0, lo = 0;
    for (int i = 0; i < 8; i++) hi = (hi << 8) | buf[i];
    for (int i = 8; i < 16; i++) lo = (lo << 8) | buf[i];
    out->hi = (int64_t)hi;
    out->lo = lo;
    return true;
}

static bk_i128 i128_from_i64(int64_t v) {
    bk_i128 r = {(uint64_t)v, v < 0 ? -1 : 0};
    return r;
}

/* Convert n physical values at src into the output layout at dst. */
static bk_status convert_values(chunk_ctx *c, const void *src, size_t n, void *dst) {
    const int32_t *i32 = src;
    const int64_t *i64 = src;
    const bk_str *strs = src;
    size_t i;
    switch (c->leaf->convert) {
    case PQ_CONV_COPY:
    case PQ_CONV_BOOL:
        if (dst != src) memcpy(dst, src, n * c->out_width);
        return BK_OK;
    case PQ_CONV_NULL:
        return BK_OK;
    case PQ_CONV_I32_TO_I8:
        for (i = 0; i < n; i++) ((int8_t *)dst)[i] = (int8_t)i32[i];
        return BK_OK;
    case PQ_CONV_I32_TO_I16:
        for (i = 0; i < n; i++) ((int16_t *)dst)[i] = (int16_t)i32[i];
        return BK_OK;
    case PQ_CONV_U32_TO_I64:
        for (i = 0; i < n; i++) ((int64_t *)dst)[i] = (int64_t)(uint32_t)i32[i];
        return BK_OK;
    case PQ_CONV_I32_TO_I64:
    case PQ_CONV_I32_DEC_TO_I64:
        for (i = 0; i < n; i++) ((int64_t *)dst)[i] = i32[i];
        return BK_OK;
    case PQ_CONV_I32_MILLIS_TO_MICROS:
        for (i = 0; i < n; i++) ((int64_t *)dst)[i] = (int64_t)i32[i] * 1000;
        return BK_OK;
    case PQ_CONV_U64_TO_DEC128:
        for (i = 0; i < n; i++) ((bk_i128 *)dst)[i] = (bk_i128){(uint64_t)i64[i], 0};
        return BK_OK;
    case PQ_CONV_I32_TO_DEC128:
        for (i = 0; i < n; i++) ((bk_i128 *)dst)[i] = i128_from_i64(i32[i]);
        return BK_OK;
    case PQ_CONV_I64_TO_DEC128:
        for (i = 0; i < n; i++) ((bk_i128 *)dst)[i] = i128_from_i64(i64[i]);
        return BK_OK;
    case PQ_CONV_MILLIS_TO_MICROS:
        for (i = 0; i < n; i++) {
            if (i64[i] > INT64_MAX / 1000 || i64[i] < INT64_MIN / 1000)
                return page_error(c, BK_CORRUPT, "timestamp in milliseconds out of range");
            ((int64_t *)dst)[i] = i64[i] * 1000;
        }
        return BK_OK;
    case PQ_CONV_NANOS_TO_MICROS:
        for (i = 0; i < n; i++) {
            int64_t v = i64[i], q = v / 1000;
            if (v % 1000 < 0) q--; /* floor, so instants before 1970 round down */
            ((int64_t *)dst)[i] = q;
        }
        return BK_OK;
    case PQ_CONV_INT96_TO_MICROS:
        /*
         * Spark's arithmetic, wrap-around included (its tests write year 290000,
         * which only round-trips this way): (day - epoch) in 32 bits, times µs per
         * day and plus nanos / 1000 in 64 bits.  Done unsigned to stay defined.
         */
        for (i = 0; i < n; i++) {
            const uint8_t *p = (const uint8_t *)src + 12 * i;
            uint64_t nanos = 0;
            uint32_t day = 0;
            for (int k = 7; k >= 0; k--) nanos = (nanos << 8) | p[k];
            for (int k = 11; k >= 8; k--) day = (day << 8) | p[k];
            int32_t days = (int32_t)(day - (uint32_t)JULIAN_UNIX_EPOCH);
            uint64_t micros = (uint64_t)(int64_t)days * (uint64_t)MICROS_PER_DAY +
                              (uint64_t)((int64_t)nanos / 1000);
            memcpy((int64_t *)dst + i, &micros, sizeof micros);
        }
        return BK_OK;
    case PQ_CONV_BYTES_TO_DEC64:
        for (i = 0; i < n; i++) {
            bk_i128 v;
            if (!be_bytes_to_i128((const uint8_t *)strs[i].ptr, strs[i].len, &v) ||
                v.hi != ((int64_t)v.lo < 0 ? -1 : 0))
                return page_error(c, BK_CORRUPT, "DECIMAL value does not fit its precision");
            ((int64_t *)dst)[i] = (int64_t)v.lo;
        }
        return BK_OK;
    case PQ_CONV_BYTES_TO_DEC128:
        for (i = 0; i < n; i++) {
            if (!be_bytes_to_i128((const uint8_t *)strs[i].ptr, strs[i].len, &((bk_i128 *)dst)[i]))
                return page_error(c, BK_CORRUPT, "DECIMAL value wider than 128 bits");
        }
        return BK_OK;
    case PQ_CONV_FLOAT16:
        for (i = 0; i < n; i++) {
            const uint8_t *p = (const uint8_t *)strs[i].ptr;
            ((float *)dst)[i] = half_to_float((uint16_t)(p[0] | (p[1] << 8)));
        }
        return BK_OK;
    }
    return page_error(c, BK_INTERNAL, "unknown value conversion");
}

/* ---- values ---- */

/* Views of n fixed-length values of `width` bytes at data. */
static bk_status flba_views(chunk_ctx *c, const uint8_t *data, size_t len, size_t n, bk_str *out) {
    size_t width = (size_t)c->leaf->el->type_length;
    if (n && (len / width < n))
        return bk_error_set(c->err, BK_CORRUPT, "FIXED_LEN_BYTE_ARRAY values run past the page");
    for (size_t i = 0; i < n; i++) {
        out[i].ptr = (const char *)data + i * width;
        out[i].len = width;
    }
    return BK_OK;
}

/* Decode n PLAIN values of the leaf's physical type into phys (physical layout). */
static bk_status decode_plain(chunk_ctx *c, const uint8_t *data, size_t len, size_t n, void *phys) {
    switch (c->leaf->el->type) {
    case PQ_BOOLEAN:
        return pq_plain_decode_bool(data, len, n, phys, NULL, c->err);
    case PQ_BYTE_ARRAY:
        return pq_plain_decode_byte_array(data, len, n, phys, NULL, c->err);
    case PQ_FIXED_LEN_BYTE_ARRAY:
        return flba_views(c, data, len, n, phys);
    default:
        return pq_plain_decode_fixed(data, len, c->phys_width, n, phys, NULL, c->err);
    }
}

/* dst[i] = src[idx[i]] for i < n, values of c->out_width bytes (output layout). */
static bk_status gather_values(chunk_ctx *c, const void *src, const uint32_t *idx, size_t n,
                               void *dst) {
    switch (c->out_width) {
    case 1:
        for (size_t i = 0; i < n; i++) ((uint8_t *)dst)[i] = ((const uint8_t *)src)[idx[i]];
        break;
    case 2:
        for (size_t i = 0; i < n; i++) ((uint16_t *)dst)[i] = ((const uint16_t *)src)[idx[i]];
        break;
    case 4:
        for (size_t i = 0; i < n; i++) ((uint32_t *)dst)[i] = ((const uint32_t *)src)[idx[i]];
        break;
    case 8:
        for (size_t i = 0; i < n; i++) ((uint64_t *)dst)[i] = ((const uint64_t *)src)[idx[i]];
        break;
    case 16:
        for (size_t i = 0; i < n; i++) ((bk_str *)dst)[i] = ((const bk_str *)src)[idx[i]];
        break;
    default:
        return page_error(c, BK_INTERNAL, "unexpected value width");
    }
    return BK_OK;
}

/* Gather dictionary entries idx[0..n) into dst (output layout). */
static bk_status dict_gather(chunk_ctx *c, const uint32_t *idx, size_t n, void *dst) {
    if (c->dict_n <= UINT32_MAX) { /* (a larger dictionary holds every 32-bit index) */
        /* idx[i] >= dict_n iff dict_n - 1 - idx[i] is negative: an OR of the
           differences vectorizes where a compare per index does not */
        int64_t last = (int64_t)c->dict_n - 1, bad = 0;
        for (size_t i = 0; i < n; i++) bad |= last - (int64_t)idx[i];
        if (bad < 0) return page_error(c, BK_CORRUPT, "dictionary index out of range");
    }
    return gather_values(c, c->dict, idx, n, dst);
}

static bool is_dictionary(pq_encoding enc) {
    return enc == PQ_ENC_PLAIN_DICTIONARY || enc == PQ_ENC_RLE_DICTIONARY;
}

/* The n dictionary indices of a dictionary-encoded page, in scratch. */
static bk_status dict_indices(chunk_ctx *c, const uint8_t *data, size_t len, size_t n,
                              uint32_t **idx) {
    if (!c->has_dict)
        return page_error(c, BK_CORRUPT,
                          "dictionary-encoded page but the chunk has no dictionary page");
    if (len < 1) return page_error(c, BK_CORRUPT, "dictionary-encoded page without a bit width");
    if (data[0] > 32) return page_error(c, BK_CORRUPT, "dictionary index bit width above 32");
    *idx = bk_arena_array(c->scratch, n, sizeof **idx);
    if (!*idx) return bk_arena_oom(c->scratch, c->err);
    bk_status st = pq_rle_decode_u32(data + 1, len - 1, data[0], n, *idx, NULL, c->err);
    return st ? page_context(c, st) : BK_OK;
}

/* Decode n non-NULL values encoded with `enc` into dst (output layout). */
static bk_status decode_values(chunk_ctx *c, pq_encoding enc, const uint8_t *data, size_t len,
                               size_t n, void *dst) {
    if (n == 0 || c->leaf->convert == PQ_CONV_NULL) return BK_OK;
    pq_physical type = c->leaf->el->type;
    bool direct = c->leaf->convert == PQ_CONV_COPY || c->leaf->convert == PQ_CONV_BOOL;
    void *phys = dst;
    if (is_dictionary(enc)) {
        uint32_t *idx;
        BK_TRY(dict_indices(c, data, len, n, &idx));
        return dict_gather(c, idx, n, dst);
    }
    if (!direct) {
        phys = bk_arena_array(c->scratch, n, c->phys_width);
        if (!phys) return bk_arena_oom(c->scratch, c->err);
    }
    bk_status st;
    switch (enc) {
    case PQ_ENC_PLAIN:
        st = decode_plain(c, data, len, n, phys);
        break;
    case PQ_ENC_RLE:
        if (type != PQ_BOOLEAN)
            return page_error(c, BK_CORRUPT, "RLE value encoding on a non-BOOLEAN column");
        if (len < 4) return page_error(c, BK_CORRUPT, "RLE boolean page without a length prefix");
        {
            uint32_t blen = bk_load_le32(data);
            if (blen > len - 4)
                return page_error(c, BK_CORRUPT, "RLE boolean run length past the page");
            uint32_t *tmp = bk_arena_array(c->scratch, n, sizeof *tmp);
            if (!tmp) return bk_arena_oom(c->scratch, c->err);
            st = pq_rle_decode_u32(data + 4, blen, 1, n, tmp, NULL, c->err);
            for (size_t i = 0; st == BK_OK && i < n; i++) ((uint8_t *)phys)[i] = (uint8_t)tmp[i];
        }
        break;
    case PQ_ENC_DELTA_BINARY_PACKED:
        if (type == PQ_INT32)
            st = pq_delta_decode_i32(data, len, n, phys, NULL, c->err);
        else if (type == PQ_INT64)
            st = pq_delta_decode_i64(data, len, n, phys, NULL, c->err);
        else
            return page_error(c, BK_CORRUPT,
                              "DELTA_BINARY_PACKED on a column that is not INT32 or INT64");
        break;
    case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY:
        if (type != PQ_BYTE_ARRAY)
            return page_error(c, BK_CORRUPT, "DELTA_LENGTH_BYTE_ARRAY on a non-BYTE_ARRAY column");
        st = pq_delta_length_decode(data, len, n, phys, NULL, c->err);
        break;
    case PQ_ENC_DELTA_BYTE_ARRAY:
        if (type != PQ_BYTE_ARRAY && type != PQ_FIXED_LEN_BYTE_ARRAY)
            return page_error(c, BK_CORRUPT,
                              "DELTA_BYTE_ARRAY on a column that holds no byte arrays");
        st = pq_delta_byte_array_decode(c->a, data, len, n, phys, NULL, c->err);
        if (st == BK_OK && type == PQ_FIXED_LEN_BYTE_ARRAY) {
            for (size_t i = 0; i < n; i++)
                if (((bk_str *)phys)[i].len != (size_t)c->leaf->el->type_length)
                    return page_error(c, BK_CORRUPT,
                                      "DELTA_BYTE_ARRAY value length differs from the fixed width");
        }
        break;
    case PQ_ENC_BYTE_STREAM_SPLIT:
        if (type == PQ_FIXED_LEN_BYTE_ARRAY) {
            /* Rebuild contiguous values in the output arena, then make views. */
            size_t w = (size_t)c->leaf->el->type_length;
            uint8_t *bytes = bk_arena_array(c->a, n, w);
            if (!bytes) return bk_arena_oom(c->a, c->err);
            st = pq_bss_decode(data, len, w, n, bytes, c->err);
            if (st == BK_OK) st = flba_views(c, bytes, n * w, n, phys);
        } else if (type == PQ_INT32 || type == PQ_INT64 || type == PQ_FLOAT || type == PQ_DOUBLE) {
            st = pq_bss_decode(data, len, c->phys_width, n, phys, c->err);
        } else {
            return page_error(c, BK_CORRUPT, "BYTE_STREAM_SPLIT on an unsupported physical type");
        }
        break;
    default:
        return page_error(c, BK_UNSUPPORTED, "unsupported encoding %s (%d)", pq_encoding_name(enc),
                          (int)enc);
    }
    if (st) return page_context(c, st);
    if (!direct) BK_TRY(convert_values(c, phys, n, dst));
    return BK_OK;
}

/* ---- pages ---- */

/*
 * The body of a page, uncompressed.  Buffers that values may point into (`keep`:
 * dictionary pages, and PLAIN-like string pages) go to the output arena; others,
 * such as the index runs of dictionary-encoded pages, to scratch.
 */
static bk_status page_body(chunk_ctx *c, const uint8_t *src, size_t src_len, size_t raw_len,
                           bool compressed, bool keep, const uint8_t **out) {
    if (!compressed || c->cm->codec == PQ_CODEC_UNCOMPRESSED) {
        if (src_len < raw_len && compressed)
            return page_error(c, BK_CORRUPT, "uncompressed page shorter than its declared size");
        *out = src;
        return BK_OK;
    }
    size_t limit = c->r->opts.max_page_bytes ? c->r->opts.max_page_bytes : DEFAULT_MAX_PAGE_BYTES;
    if (raw_len > limit) {
        return page_error(c, BK_LIMIT_EXCEEDED,
                          "page of %zu bytes uncompressed exceeds the limit of %zu bytes", raw_len,
                          limit);
    }
    bk_arena *where = keep ? c->a : c->scratch;
    uint8_t *buf = bk_arena_alloc(where, raw_len ? raw_len : 1);
    if (!buf) return bk_arena_oom(where, c->err);
    if (raw_len == 0 && src_len == 0) {
        *out = buf;
        return BK_OK;
    }
    bk_status st = pq_decompress(c->cm->codec, src, src_len, buf, raw_len, c->err);
    if (st) return page_context(c, st);
    *out = buf;
    return BK_OK;
}

/*
 * The dictionary page, converted to the output layout.  String entries are views
 * into the page buffer, which therefore lives in the output arena.  A compressed
 * page of fixed-width PLAIN values is decompressed into a buffer of our own (16-byte
 * aligned), which already is the physical array: it becomes the dictionary itself
 * when no conversion is needed, or is converted from in place, never copied.
 */
static bk_status read_dictionary(chunk_ctx *c, const pq_page_header *h, const uint8_t *body) {
    if (c->has_dict) return page_error(c, BK_CORRUPT, "a second dictionary page");
    if (h->num_values < 0)
        return page_error(c, BK_CORRUPT, "dictionary page with a negative number of values");
    if (h->encoding != PQ_ENC_PLAIN && h->encoding != PQ_ENC_PLAIN_DICTIONARY)
        return page_error(c, BK_UNSUPPORTED, "dictionary page encoding is not PLAIN");
    bool copy = c->leaf->convert == PQ_CONV_COPY || c->leaf->convert == PQ_CONV_BOOL;
    bool own = c->cm->codec != PQ_CODEC_UNCOMPRESSED;
    const uint8_t *data;
    BK_TRY(page_body(c, body, (size_t)h->compressed_page_size, (size_t)h->uncompressed_page_size,
                     true, c->strings || copy, &data));
    size_t len = (size_t)h->uncompressed_page_size;
    if (c->cm->codec == PQ_CODEC_UNCOMPRESSED) len = (size_t)h->compressed_page_size;
    size_t n = (size_t)h->num_values;
    /* every value takes at least one bit: reject counts the page cannot hold */
    if (c->leaf->el->type != PQ_BOOLEAN && n > len && c->phys_width != sizeof(bk_str))
        return page_error(c, BK_CORRUPT, "dictionary page holds fewer bytes than its values need");
    bool in_place = own && !c->strings && c->leaf->el->type != PQ_BOOLEAN &&
                    len / c->phys_width >= n;
    void *phys;
    if (in_place) {
        phys = (void *)data;
    } else {
        bk_arena *where = copy ? c->a : c->scratch;
        phys = bk_arena_array(where, n ? n : 1, c->phys_width);
        if (!phys) return bk_arena_oom(where, c->err);
    }
    void *dict = phys;
    if (n) {
        if (!in_place) {
            bk_status st = decode_plain(c, data, len, n, phys);
            if (st) return page_context(c, st);
        }
        if (!copy) {
            dict = bk_arena_array(c->a, n, c->out_width);
            if (!dict) return bk_arena_oom(c->a, c->err);
            BK_TRY(convert_values(c, phys, n, dict));
        }
    }
    c->has_dict = true;
    c->dict = dict;
    c->dict_n = n;
    return BK_OK;
}

/* Decode one level stream of a v1 page; returns bytes used through *used. */
static bk_status read_levels_v1(chunk_ctx *c, pq_encoding enc, int max_level, const uint8_t *p,
                                size_t len, size_t n, uint16_t *out, size_t *used) {
    int bw = pq_bit_width((uint64_t)max_level);
    bk_status st;
    if (enc == PQ_ENC_BIT_PACKED) {
        size_t bytes = (n * (size_t)bw + 7) / 8;
        if (bytes > len) return page_error(c, BK_CORRUPT, "BIT_PACKED levels run past the page");
        st = pq_bitpacked_decode_u16(p, bytes, bw, n, out, NULL, c->err);
        *used = bytes;
    } else {
        if (len < 4) return page_error(c, BK_CORRUPT, "level data shorter than its length prefix");
        uint32_t l = bk_load_le32(p);
        if (l > len - 4) return page_error(c, BK_CORRUPT, "level data length runs past the page");
        st = pq_rle_decode_u16(p + 4, l, bw, n, out, NULL, c->err);
        *used = 4 + (size_t)l;
    }
    return st ? page_context(c, st) : BK_OK;
}

/* Check decoded levels against their maxima; count entries with def == max_def. */
static bk_status check_levels(chunk_ctx *c, size_t start, size_t n, size_t *n_defined) {
    const pq_field *leaf = c->leaf;
    if (leaf->max_rep > 0) {
        const uint16_t *rep = c->out->rep + start;
        uint16_t bad = 0;
        for (size_t i = 0; i < n; i++) bad |= rep[i] > leaf->max_rep;
        if (bad) return page_error(c, BK_CORRUPT, "repetition level above the column's maximum");
        if (start == 0 && n > 0 && rep[0] != 0)
            return page_error(c, BK_CORRUPT,
                              "the first repetition level of the column chunk is not 0");
    }
    if (leaf->max_def == 0) {
        *n_defined = n;
        return BK_OK;
    }
    const uint16_t *def = c->out->def + start;
    uint16_t max = (uint16_t)leaf->max_def;
    size_t count = 0;
    uint16_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        count += def[i] == max;
        bad |= def[i] > max;
    }
    if (bad) return page_error(c, BK_CORRUPT, "definition level above the column's maximum");
    *n_defined = count;
    return BK_OK;
}

/*
 * Keep only the picked rows of a data page whose n levels (one per row: no
 * repetition) were decoded at out->def + start: their levels move down to start,
 * their values follow out->values.  A dictionary-encoded page gathers the picked
 * entries alone; other encodings decode the page into scratch and copy the picks.
 * Writing level k while reading level p >= k moves every level down in place.
 */
static bk_status pick_page(chunk_ctx *c, pq_encoding enc, const uint8_t *values, size_t len,
                           size_t start, size_t n, size_t n_defined) {
    pq_column_data *out = c->out;
    int64_t first = c->page_row, last = first + (int64_t)n;
    size_t k0 = c->pick_at;
    while (k0 < c->n_pick && c->pick[k0] < first) k0++; /* rows of pages never decoded */
    size_t m = 0;
    while (k0 + m < c->n_pick && c->pick[k0 + m] < last) m++;
    c->pick_at = k0 + m;
    const uint32_t *pick = c->pick + k0;
    uint32_t *vpos = bk_arena_array(c->scratch, m ? m : 1, sizeof *vpos);
    if (!vpos) return bk_arena_oom(c->scratch, c->err);
    size_t n_vals = 0;
    if (out->def && n_defined < n) {
        uint16_t max = (uint16_t)c->leaf->max_def, *def = out->def + start;
        size_t row = 0, vi = 0;
        for (size_t k = 0; k < m; k++) {
            size_t at = (size_t)(pick[k] - first);
            for (; row < at; row++) vi += def[row] == max;
            uint16_t d = def[at];
            def[k] = d;
            if (d == max) vpos[n_vals++] = (uint32_t)vi;
        }
    } else {
        for (size_t k = 0; k < m; k++) vpos[k] = (uint32_t)(pick[k] - first);
        n_vals = m;
        if (out->def)
            for (size_t k = 0; k < m; k++) out->def[start + k] = (uint16_t)c->leaf->max_def;
    }
    if (out->values && n_vals && c->leaf->convert != PQ_CONV_NULL) {
        size_t w = c->out_width;
        uint8_t *dst = (uint8_t *)out->values + out->n_values * w;
        if (is_dictionary(enc)) {
            uint32_t *idx;
            BK_TRY(dict_indices(c, values, len, n_defined, &idx));
            for (size_t j = 0; j < n_vals; j++) vpos[j] = idx[vpos[j]];
            BK_TRY(dict_gather(c, vpos, n_vals, dst));
        } else {
            uint8_t *all = bk_arena_array(c->scratch, n_defined ? n_defined : 1, w);
            if (!all) return bk_arena_oom(c->scratch, c->err);
            BK_TRY(decode_values(c, enc, values, len, n_defined, all));
            BK_TRY(gather_values(c, all, vpos, n_vals, dst));
        }
    }
    out->n_levels += m;
    out->n_values += n_vals;
    return BK_OK;
}

static bk_status read_data_page(chunk_ctx *c, const pq_page_header *h, const uint8_t *body) {
    const pq_field *leaf = c->leaf;
    pq_column_data *out = c->out;
    if (h->num_values < 0)
        return page_error(c, BK_CORRUPT, "negative number of values in a data page");
    size_t n = (size_t)h->num_values;
    if (n > c->levels_cap - c->levels_seen)
        return page_error(c, BK_CORRUPT, "pages hold more values than the column chunk declares");
    c->levels_seen += n;
    size_t start = out->n_levels;
    const uint8_t *values;
    size_t values_len;
    /* string values that are not dictionary indices are views into the page */
    bool keep = c->strings && h->encoding != PQ_ENC_PLAIN_DICTIONARY &&
                h->encoding != PQ_ENC_RLE_DICTIONARY;

    if (h->type == PQ_PAGE_DATA) {
        const uint8_t *data;
        BK_TRY(page_body(c, body, (size_t)h->compressed_page_size,
                         (size_t)h->uncompressed_page_size, true, keep, &data));
        size_t len = c->cm->codec == PQ_CODEC_UNCOMPRESSED ? (size_t)h->compressed_page_size
                                                           : (size_t)h->uncompressed_page_size;
        size_t used = 0;
        if (leaf->max_rep > 0) {
            BK_TRY(read_levels_v1(c, h->rep_level_encoding, leaf->max_rep, data, len, n,
                                  out->rep + start, &used));
            data += used, len -= used;
        }
        if (leaf->max_def > 0) {
            BK_TRY(read_levels_v1(c, h->def_level_encoding, leaf->max_def, data, len, n,
                                  out->def + start, &used));
            data += used, len -= used;
        }
        values = data, values_len = len;
    } else {
        int32_t rl = h->rep_levels_byte_length, dl = h->def_levels_byte_length;
        if (rl < 0 || dl < 0 || (int64_t)rl + dl > h->compressed_page_size ||
            (int64_t)rl + dl > h->uncompressed_page_size)
            return page_error(c, BK_CORRUPT, "level byte lengths exceed the page");
        bk_status st = BK_OK;
        if (leaf->max_rep > 0)
            st = pq_rle_decode_u16(body, (size_t)rl, pq_bit_width((uint64_t)leaf->max_rep), n,
                                   out->rep + start, NULL, c->err);
        if (st == BK_OK && leaf->max_def > 0)
            st = pq_rle_decode_u16(body + rl, (size_t)dl, pq_bit_width((uint64_t)leaf->max_def), n,
                                   out->def + start, NULL, c->err);
        if (st) return page_context(c, st);
        size_t stored = (size_t)h->compressed_page_size - (size_t)rl - (size_t)dl;
        size_t raw = (size_t)h->uncompressed_page_size - (size_t)rl - (size_t)dl;
        BK_TRY(page_body(c, body + rl + dl, stored, raw, h->is_compressed && raw > 0, keep,
                         &values));
        values_len = (h->is_compressed && c->cm->codec != PQ_CODEC_UNCOMPRESSED) ? raw : stored;
    }
    size_t n_defined = 0;
    BK_TRY(check_levels(c, start, n, &n_defined));
    if (h->type == PQ_PAGE_DATA_V2 && h->num_nulls >= 0 && leaf->max_rep == 0 &&
        (size_t)h->num_nulls != n - n_defined)
        return page_error(c, BK_CORRUPT, "num_nulls in the page header disagrees with the levels");
    if (c->pick) return pick_page(c, h->encoding, values, values_len, start, n, n_defined);
    /* VOID leaves keep no values (out->values is NULL) */
    uint8_t *dst = out->values ? (uint8_t *)out->values + out->n_values * c->out_width : NULL;
    BK_TRY(decode_values(c, h->encoding, values, values_len, n_defined, dst));
    out->n_levels += n;
    out->n_values += n_defined;
    return BK_OK;
}

/* Does page k (by the offset index) overlap any of the wanted row ranges? */
static bool page_wanted(const pq_offset_index *oi, uint32_t k, int64_t rg_rows,
                        const pq_row_range *ranges, uint32_t n_ranges) {
    int64_t begin = oi->pages[k].first_row_index;
    int64_t end = k + 1 < oi->n_pages ? oi->pages[k + 1].first_row_index : rg_rows;
    /* ranges are sorted and disjoint: the first one ending after `begin` decides */
    uint32_t lo = 0, hi = n_ranges;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ranges[mid].end <= begin)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n_ranges && ranges[lo].begin < end;
}

static bk_status load_offset_index(pq_reader *r, bk_arena *a, const pq_column_chunk *cc,
                                   pq_offset_index *oi, bk_error *err) {
    if (!cc->has_offset_index || cc->offset_index_offset < 0 || cc->offset_index_length <= 0 ||
        (uint64_t)cc->offset_index_offset > r->size ||
        (uint64_t)cc->offset_index_length > r->size - (uint64_t)cc->offset_index_offset)
        return BK_NOT_FOUND;
    bk_error tmp;
    bk_error_clear(&tmp);
    bk_status st = pq_meta_decode_offset_index(a, r->data + cc->offset_index_offset,
                                               (size_t)cc->offset_index_length, oi, &tmp);
    (void)err;
    return st ? BK_NOT_FOUND : BK_OK; /* a broken index only costs us the skipping */
}

bk_status pq_column_read(pq_reader *r, bk_arena *a, bk_arena *scratch, uint32_t rg, uint32_t col,
                         const pq_row_range *ranges, uint32_t n_ranges, const uint32_t *pick,
                         size_t n_pick, pq_column_data *out, pq_row_range **rows_out,
                         uint32_t *n_rows_out, bk_error *err) {
    const pq_row_group *g = &r->meta.row_groups[rg];
    const pq_column_chunk *cc = &g->columns[col];
    const pq_column_meta *cm = &cc->meta;
    chunk_ctx c = {.r = r,
                   .a = a,
                   .leaf = r->schema.leaves[col],
                   .cm = cm,
                   .rg = rg,
                   .col = col,
                   .page_no = 0,
                   .out = out,
                   .err = err};
    memset(out, 0, sizeof *out);
    if (cc->is_encrypted)
        return page_error(&c, BK_UNSUPPORTED, "encrypted column chunks are not supported");
    if (cc->file_path)
        return page_error(&c, BK_UNSUPPORTED, "column chunks in other files are not supported");
    if (!cc->has_meta_data) return page_error(&c, BK_CORRUPT, "column chunk without metadata");
    if (cm->type != c.leaf->el->type)
        return page_error(&c, BK_CORRUPT, "column chunk type differs from the schema");
    if (cm->num_values < 0) return page_error(&c, BK_CORRUPT, "negative num_values");
    if (c.leaf->max_rep == 0 && cm->num_values != g->num_rows)
        return page_error(&c, BK_CORRUPT,
                          "the column chunk's value count differs from the row group's row count");

    int64_t start = cm->data_page_offset;
    if (cm->has_dictionary_page_offset && cm->dictionary_page_offset > 0 &&
        cm->dictionary_page_offset < start)
        start = cm->dictionary_page_offset;
    int64_t len = cm->total_compressed_size;
    if (start < 0 || len < 0 || (uint64_t)start > r->size ||
        (uint64_t)len > r->size - (uint64_t)start)
        return page_error(&c, BK_CORRUPT, "column chunk lies outside the file");

    c.phys_width = phys_width(c.leaf->el);
    c.out_width = bk_type_width(c.leaf->type);
    c.strings = c.leaf->el->type == PQ_BYTE_ARRAY || c.leaf->el->type == PQ_FIXED_LEN_BYTE_ARRAY;
    c.scratch = scratch ? scratch : bk_arena_new(a, "parquet page scratch", 0);
    if (!c.scratch) return bk_arena_oom(a, err);

    size_t n = (size_t)cm->num_values;
    c.levels_cap = n;
    if (pick && c.leaf->max_rep == 0) { /* a row is a level: rows can be picked */
        c.pick = pick;
        c.n_pick = n_pick;
    }
    if (c.leaf->max_def > 0 && !(out->def = bk_arena_array(a, n ? n : 1, sizeof(uint16_t))))
        goto oom;
    if (c.leaf->max_rep > 0 && !(out->rep = bk_arena_array(a, n ? n : 1, sizeof(uint16_t))))
        goto oom;
    size_t n_out = c.pick ? n_pick : n;
    if (c.out_width && !(out->values = bk_arena_array(a, n_out ? n_out : 1, c.out_width))) goto oom;

    pq_offset_index oi;
    bool skipping = ranges && load_offset_index(r, c.scratch, cc, &oi, err) == BK_OK;
    pq_row_range *decoded = NULL;
    uint32_t n_decoded = 0;
    if (skipping) {
        /* the index must describe this chunk, or we cannot use it */
        oi.pages = bk_arena_memdup(a, oi.pages, (size_t)oi.n_pages * sizeof *oi.pages);
        decoded = bk_arena_array(a, oi.n_pages ? oi.n_pages : 1, sizeof *decoded);
        if (!oi.pages || !decoded) goto oom;
        bk_arena_reset(c.scratch);
    }

    const uint8_t *p = r->data + start, *end = p + len;
    const uint8_t *data_end = r->data + r->footer_start;
    if (end > data_end) data_end = end;
    uint32_t data_page_k = 0;
    bk_status st = BK_OK;
    while (c.levels_seen < n && p < end) {
        pq_page_header h;
        size_t hlen;
        st = pq_meta_decode_page_header(c.scratch, p, (size_t)(data_end - p), &h, &hlen, err);
        if (st) {
            page_context(&c, st);
            break;
        }
        /*
         * Some writers declare total_compressed_size too small (nation.dict-malformed
         * in parquet-testing); like pyarrow and DuckDB we accept a page that runs past
         * the declared chunk as long as it ends before the footer.
         */
        if (h.compressed_page_size < 0 || h.uncompressed_page_size < 0 ||
            (size_t)h.compressed_page_size > (size_t)(data_end - p) - hlen) {
            st = page_error(&c, BK_CORRUPT, "page size runs past the column chunk");
            break;
        }
        const uint8_t *body = p + hlen;
        p = body + h.compressed_page_size;
        if (h.has_crc && !r->opts.skip_checksums &&
            (h.type == PQ_PAGE_DATA || h.type == PQ_PAGE_DATA_V2 || h.type == PQ_PAGE_DICTIONARY)) {
            uint32_t crc = pq_crc32(body, (size_t)h.compressed_page_size);
            if (crc != h.crc) {
                st = page_error(
                    &c, BK_CHECKSUM_MISMATCH,
                    "checksum mismatch: the header says 0x%08x, the page hashes to 0x%08x", h.crc,
                    crc);
                break;
            }
        }
        if (h.type == PQ_PAGE_DICTIONARY) {
            st = read_dictionary(&c, &h, body);
        } else if (h.type == PQ_PAGE_DATA || h.type == PQ_PAGE_DATA_V2) {
            if (skipping) {
                if (data_page_k >= oi.n_pages) {
                    skipping = false; /* index does not match the pages: decode the rest */
                } else if (!page_wanted(&oi, data_page_k, g->num_rows, ranges, n_ranges)) {
                    data_page_k++;
                    c.page_no++;
                    continue;
                }
            }
            c.page_row = skipping ? oi.pages[data_page_k].first_row_index : (int64_t)c.levels_seen;
            st = read_data_page(&c, &h, body);
            if (st == BK_OK && skipping) {
                int64_t b = oi.pages[data_page_k].first_row_index;
                int64_t e = data_page_k + 1 < oi.n_pages ? oi.pages[data_page_k + 1].first_row_index
                                                         : g->num_rows;
                if (n_decoded && decoded[n_decoded - 1].end == b)
                    decoded[n_decoded - 1].end = e;
                else
                    decoded[n_decoded++] = (pq_row_range){b, e};
            }
            data_page_k++;
        }
        /* INDEX_PAGE and unknown page types are skipped */
        c.page_no++;
        bk_arena_reset(c.scratch);
        if (st) break;
        if (skipping && data_page_k >= oi.n_pages) break;
    }
    if (scratch)
        bk_arena_reset(scratch);
    else
        bk_arena_free(c.scratch);
    if (st) return st;
    if (!skipping && c.levels_seen != n) {
        return page_error(&c, BK_CORRUPT,
                          "the pages hold %zu values, the column chunk declares %zu", c.levels_seen,
                          n);
    }
    if (c.pick && out->n_levels != n_pick)
        return page_error(&c, BK_CORRUPT, "a picked row lies in no page of the column chunk");
    if (rows_out && c.pick) { /* it holds exactly the picks */
        *rows_out = NULL;
        *n_rows_out = 0;
    } else if (rows_out) {
        if (!skipping) {
            decoded = bk_arena_alloc(a, sizeof *decoded);
            if (!decoded) return bk_arena_oom(a, err);
            decoded[0] = (pq_row_range){0, g->num_rows};
            n_decoded = 1;
        }
        *rows_out = decoded;
        *n_rows_out = n_decoded;
    }
    return BK_OK;
oom:
    if (scratch)
        bk_arena_reset(scratch);
    else
        bk_arena_free(c.scratch);
    return bk_arena_oom(a, err);
}
