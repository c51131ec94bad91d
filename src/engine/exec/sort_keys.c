/*
 * sort_keys.c — ORDER BY keys as normalized words, typed comparators, and the
 * top-N filter.
 *
 * Spark's order (bk_vector_compare): numbers by value with NaN above every
 * number and -0.0 equal to 0.0; strings and binaries bytewise unsigned; false
 * before true; dates, timestamps and intervals by their integers; decimals by
 * unscaled value.  NULLs go first or last as the key says (the planner sets
 * NULLS FIRST for ASC and NULLS LAST for DESC unless the query says otherwise).
 *
 * Encoding a key into words (sort_int.h) maps each value to an unsigned number
 * with the same order: signed integers with their sign bit flipped; doubles
 * with the sign bit flipped when positive and every bit flipped when negative
 * (after -0.0 -> 0.0 and every NaN -> the one positive NaN, which then lands
 * above +Infinity); strings as their first bytes big-endian.  Descending keys
 * flip every bit of the value.  NULL is folded into 32-bit values (0 or 2^33
 * around values 1..2^32) and gets a word of its own before wider values, only
 * when the column has NULLs.
 *
 * A string key gets up to 4 words (as many as its longest value needs): when
 * every value has at most 8p - 1 bytes, p words hold the bytes and the length
 * (in the last byte) and are exact; otherwise they hold the first 8p bytes, a
 * prefix: a different prefix decides, an equal one leaves the order to the full
 * compare (sort_cmp_loose), so no key after it may be encoded.  The layout
 * stops at the first such key.
 */
#include <string.h>

#include "base/str.h"
#include "engine/exec/sort_int.h"

/* ---- typed comparators ---- */

#define CMP_SCALAR(name, ctype)                                                                  \
    static int name(const bk_vector *a, size_t i, const bk_vector *b, size_t j) {                \
        ctype x = ((const ctype *)a->data)[i], y = ((const ctype *)b->data)[j];                  \
        return (x > y) - (x < y);                                                                \
    }
CMP_SCALAR(cmp_u8, uint8_t)
CMP_SCALAR(cmp_i8, int8_t)
CMP_SCALAR(cmp_i16, int16_t)
CMP_SCALAR(cmp_i32, int32_t)
CMP_SCALAR(cmp_i64, int64_t)

static int cmp_f32(const bk_vector *a, size_t i, const bk_vector *b, size_t j) {
    float x = ((const float *)a->data)[i], y = ((const float *)b->data)[j];
    bool nx = x != x, ny = y != y;
    if (nx || ny) return (int)nx - (int)ny;
    return (x > y) - (x < y);
}

static int cmp_f64(const bk_vector *a, size_t i, const bk_vector *b, size_t j) {
    double x = ((const double *)a->data)[i], y = ((const double *)b->data)[j];
    bool nx = x != x, ny = y != y;
    if (nx || ny) return (int)nx - (int)ny;
    return (x > y) - (x < y);
}

static int cmp_i128(const bk_vector *a, size_t i, const bk_vector *b, size_t j) {
    bk_i128 x = ((const bk_i128 *)a->data)[i], y = ((const bk_i128 *)b->data)[j];
    if (x.hi != y.hi) return x.hi < y.hi ? -1 : 1;
    return (x.lo > y.lo) - (x.lo < y.lo);
}

static int cmp_str(const bk_vector *a, size_t i, const bk_vector *b, size_t j) {
    bk_str x = ((const bk_str *)a->data)[i], y = ((const bk_str *)b->data)[j];
    size_t m = x.len < y.len ? x.len : y.len;
    int r = m ? memcmp(x.ptr, y.ptr, m) : 0;
    if (r) return r;
    return (x.len > y.len) - (x.len < y.len);
}

sort_cmp_fn sort_cmp_for(const bk_type *t) {
    switch (t->kind) {
    case BK_TYPE_BOOLEAN:
        return cmp_u8;
    case BK_TYPE_TINYINT:
        return cmp_i8;
    case BK_TYPE_SMALLINT:
        return cmp_i16;
    case BK_TYPE_INT:
    case BK_TYPE_DATE:
    case BK_TYPE_INTERVAL_YM:
        return cmp_i32;
    case BK_TYPE_BIGINT:
    case BK_TYPE_TIMESTAMP:
    case BK_TYPE_TIMESTAMP_NTZ:
    case BK_TYPE_TIME:
    case BK_TYPE_INTERVAL_DT:
        return cmp_i64;
    case BK_TYPE_FLOAT:
        return cmp_f32;
    case BK_TYPE_DOUBLE:
        return cmp_f64;
    case BK_TYPE_DECIMAL:
        return t->precision <= BK_DECIMAL_INT64_MAX_PRECISION ? cmp_i64 : cmp_i128;
    case BK_TYPE_STRING:
    case BK_TYPE_BINARY:
        return cmp_str;
    default:
        return bk_vector_compare; /* nested (and anything else): the generic order */
    }
}

/* Key k of rows x and y of the same column, NULLs and direction applied. */
static inline int key_cmp(const exec_sort_key *key, sort_cmp_fn cmp, const bk_vector *a, size_t x,
                          const bk_vector *b, size_t y) {
    bool vx = bk_vector_is_valid(a, x), vy = bk_vector_is_valid(b, y);
    if (!vx || !vy) {
        if (vx == vy) return 0;
        int r = !vx ? -1 : 1; /* NULL first */
        return key->nulls_first ? r : -r;
    }
    int r = cmp(a, x, b, y);
    return key->descending ? -r : r;
}

int sort_cmp_loose(const sort_layout *l, uint64_t x, uint64_t y) {
    bk_vector *const *cx = l->item_cols[x >> 32], *const *cy = l->item_cols[y >> 32];
    for (uint32_t k = l->first_loose; k < l->n_keys; k++) {
        uint32_t col = l->keys[k].column;
        int r = key_cmp(&l->keys[k], l->cmp[k], cx[col], (uint32_t)x, cy[col], (uint32_t)y);
        if (r) return r;
    }
    return 0;
}

/* ---- statistics and layout ---- */

/*
 * Fold the valid values of a signed-integer-like vector into s->min / s->max
 * (the types whose words are the value with its sign bit flipped).
 */
static void range_add(sort_key_stats *s, const bk_vector *v) {
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    bool any = false;
#define RANGE(ctype)                                                                             \
    do {                                                                                         \
        const ctype *x = v->data;                                                                \
        for (size_t i = 0; i < v->n; i++) {                                                      \
            if (!bk_vector_is_valid(v, i)) continue;                                             \
            int64_t y = (int64_t)x[i];                                                           \
            lo = y < lo ? y : lo;                                                                \
            hi = y > hi ? y : hi;                                                                \
            any = true;                                                                          \
        }                                                                                        \
    } while (0)
    switch (v->type->kind) {
    case BK_TYPE_TINYINT:
        RANGE(int8_t);
        break;
    case BK_TYPE_SMALLINT:
        RANGE(int16_t);
        break;
    case BK_TYPE_INT:
    case BK_TYPE_DATE:
    case BK_TYPE_INTERVAL_YM:
        RANGE(int32_t);
        break;
    case BK_TYPE_DECIMAL:
        if (v->type->precision > BK_DECIMAL_INT64_MAX_PRECISION) return;
        RANGE(int64_t);
        break;
    case BK_TYPE_BIGINT:
    case BK_TYPE_TIMESTAMP:
    case BK_TYPE_TIMESTAMP_NTZ:
    case BK_TYPE_TIME:
    case BK_TYPE_INTERVAL_DT:
        RANGE(int64_t);
        break;
    default:
        return;
    }
#undef RANGE
    if (!any) return;
    if (!s->has_range || lo < s->min) s->min = lo;
    if (!s->has_range || hi > s->max) s->max = hi;
    s->has_range = true;
}

void sort_stats_add(sort_key_stats *stats, const exec_sort_key *keys, uint32_t n_keys,
                    bk_vector *const *cols) {
    for (uint32_t k = 0; k < n_keys; k++) {
        const bk_vector *v = cols[keys[k].column];
        sort_key_stats *s = &stats[k];
        if (!s->has_null && v->validity && bk_vector_null_count(v) > 0) s->has_null = true;
        bk_type_kind kind = v->type->kind;
        if (k == 0) range_add(s, v);
        if (kind == BK_TYPE_STRING || kind == BK_TYPE_BINARY) {
            const bk_str *sv = v->data;
            size_t m = s->max_len;
            for (size_t i = 0; i < v->n; i++) m = sv[i].len > m ? sv[i].len : m;
            s->max_len = m;
        }
    }
}

static sort_enc enc_for(const bk_type *t, const sort_key_stats *s) {
    switch (t->kind) {
    case BK_TYPE_BOOLEAN:
    case BK_TYPE_TINYINT:
    case BK_TYPE_SMALLINT:
    case BK_TYPE_INT:
    case BK_TYPE_DATE:
    case BK_TYPE_INTERVAL_YM:
    case BK_TYPE_FLOAT:
        return SORT_ENC_U32;
    case BK_TYPE_BIGINT:
    case BK_TYPE_TIMESTAMP:
    case BK_TYPE_TIMESTAMP_NTZ:
    case BK_TYPE_TIME:
    case BK_TYPE_INTERVAL_DT:
    case BK_TYPE_DOUBLE:
        return SORT_ENC_U64;
    case BK_TYPE_DECIMAL:
        return t->precision <= BK_DECIMAL_INT64_MAX_PRECISION ? SORT_ENC_U64 : SORT_ENC_I128;
    case BK_TYPE_STRING:
    case BK_TYPE_BINARY:
        (void)s;
        return SORT_ENC_STR; /* or SORT_ENC_PREFIX: the caller sees how many words fit */
    default:
        return SORT_ENC_NONE;
    }
}

bk_status sort_layout_init(bk_arena *a, sort_layout *l, const exec_sort_key *keys,
                           uint32_t n_keys, const bk_type *schema, const sort_key_stats *stats,
                           uint32_t n_tie, bk_error *err) {
    memset(l, 0, sizeof *l);
    l->keys = keys;
    l->n_keys = n_keys;
    l->n_tie = n_tie;
    l->cmp = bk_arena_array(a, n_keys ? n_keys : 1, sizeof *l->cmp);
    if (!l->cmp) return bk_arena_oom(a, err);
    for (uint32_t k = 0; k < n_keys; k++)
        l->cmp[k] = sort_cmp_for(schema->children[keys[k].column]);
    uint32_t words = 0, k = 0;
    l->first_loose = n_keys;
    for (; k < n_keys && k < BK_ARRAY_LEN(l->enc); k++) {
        const bk_type *t = schema->children[keys[k].column];
        sort_enc e = enc_for(t, &stats[k]);
        bool nw = stats[k].has_null && e != SORT_ENC_U32 && e != SORT_ENC_NONE;
        uint32_t vw = e == SORT_ENC_NONE ? 0 : e == SORT_ENC_I128 ? 2 : 1;
        if (e == SORT_ENC_STR) {
            /* p words hold 8p - 1 bytes and the length exactly, else a prefix of 8p */
            uint32_t room = SORT_MAX_KEY_WORDS - words - (nw ? 1 : 0);
            size_t exact_words = stats[k].max_len / 8 + 1;
            vw = (uint32_t)BK_MIN(exact_words, (size_t)BK_MIN(room, SORT_MAX_STR_WORDS));
            if (words + (nw ? 1 : 0) >= SORT_MAX_KEY_WORDS) vw = 0;
            if (vw < exact_words) e = SORT_ENC_PREFIX;
        }
        uint32_t need = vw + (nw ? 1 : 0);
        if (vw == 0 || words + need > SORT_MAX_KEY_WORDS) {
            l->first_loose = k;
            break;
        }
        l->enc[k] = e;
        l->null_word[k] = nw;
        l->vwords[k] = (uint8_t)vw;
        words += need;
        if (e == SORT_ENC_PREFIX) { /* this key's order is not decided by its words */
            l->first_loose = k;
            k++;
            break;
        }
    }
    if (k < n_keys && l->first_loose == n_keys) l->first_loose = k;
    l->key_words = words;
    l->stride = words + n_tie;
    return BK_OK;
}

static uint32_t bits_for(uint64_t x) { return x ? 64 - (uint32_t)__builtin_clzll(x) : 0; }

bool sort_layout_pack(sort_layout *l, const sort_key_stats *stats, size_t n_items,
                      size_t max_rows) {
    if (l->n_keys != 1 || l->first_loose != 1 || l->key_words != 1 || l->n_tie != 1 ||
        !stats[0].has_range)
        return false;
    /* the key word's range: the encoding is monotone in the value (flipped for DESC) */
    const exec_sort_key *key = &l->keys[0];
    uint64_t lo, hi;
    if (l->enc[0] == SORT_ENC_U32) {
        uint32_t a = (uint32_t)stats[0].min ^ 0x80000000u, b = (uint32_t)stats[0].max ^ 0x80000000u;
        if (key->descending) {
            uint32_t t = ~a;
            a = ~b;
            b = t;
        }
        lo = (uint64_t)a + 1;
        hi = (uint64_t)b + 1;
        if (stats[0].has_null) {
            if (key->nulls_first)
                lo = 0;
            else
                hi = 1ull << 33;
        }
    } else if (l->enc[0] == SORT_ENC_U64 && !l->null_word[0]) {
        uint64_t a = (uint64_t)stats[0].min ^ (1ull << 63);
        uint64_t b = (uint64_t)stats[0].max ^ (1ull << 63);
        lo = key->descending ? ~b : a;
        hi = key->descending ? ~a : b;
    } else {
        return false;
    }
    uint32_t item_bits = bits_for(n_items ? n_items - 1 : 0);
    uint32_t row_bits = bits_for(max_rows ? max_rows - 1 : 0);
    if (bits_for(hi - lo) + item_bits + row_bits > 64 || item_bits + row_bits >= 64) return false;
    l->packed = true;
    l->item_bits = item_bits;
    l->row_bits = row_bits;
    l->pack_base = lo;
    l->n_tie = 0;
    l->stride = 1;
    return true;
}

/* ---- encoding ---- */

static inline uint64_t f64_word(double d) {
    if (d == 0) d = 0;    /* -0.0 sorts with 0.0 */
    if (d != d) d = NAN;  /* one NaN, above +Infinity once mapped */
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return (u >> 63) ? ~u : u | (1ull << 63);
}

static inline uint32_t f32_word(float f) {
    if (f == 0) f = 0;
    if (f != f) f = NAN;
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return (u >> 31) ? ~u : u | (1u << 31);
}

/* Big-endian bytes [off, off + 8) of s, zero-padded. */
static inline uint64_t str_prefix(bk_str s, size_t off) {
    uint8_t b[8] = {0};
    if (s.len > off) memcpy(b, s.ptr + off, s.len - off < 8 ? s.len - off : 8);
    return (uint64_t)b[0] << 56 | (uint64_t)b[1] << 48 | (uint64_t)b[2] << 40 |
           (uint64_t)b[3] << 32 | (uint64_t)b[4] << 24 | (uint64_t)b[5] << 16 |
           (uint64_t)b[6] << 8 | (uint64_t)b[7];
}

/*
 * One 32-bit key: v32(i) gives the order-preserving unsigned value of row i.
 * Non-NULL rows get v + 1 (1..2^32), NULL 0 (first) or 2^33 (last).
 */
#define ENC_U32(v32)                                                                             \
    do {                                                                                         \
        for (size_t i = 0; i < n; i++) {                                                         \
            uint32_t u = (v32);                                                                  \
            if (desc) u = ~u;                                                                    \
            out[i * stride] = (uint64_t)u + 1;                                                   \
        }                                                                                        \
    } while (0)

#define ENC_U64(v64)                                                                             \
    do {                                                                                         \
        for (size_t i = 0; i < n; i++) {                                                         \
            uint64_t u = (v64);                                                                  \
            out[i * stride] = desc ? ~u : u;                                                     \
        }                                                                                        \
    } while (0)

/* Write key k's value words at out[row * stride] (NULL rows fixed up after). */
static void encode_values(const sort_layout *l, uint32_t k, const bk_vector *v, size_t first,
                          size_t n, uint64_t *out) {
    const uint32_t stride = l->stride;
    const bool desc = l->keys[k].descending;
    const void *d = (const uint8_t *)v->data + first * bk_type_width(v->type);
    switch (v->type->kind) {
    case BK_TYPE_BOOLEAN:
        ENC_U32(((const uint8_t *)d)[i]);
        return;
    case BK_TYPE_TINYINT:
        ENC_U32((uint32_t)(int32_t)((const int8_t *)d)[i] ^ 0x80000000u);
        return;
    case BK_TYPE_SMALLINT:
        ENC_U32((uint32_t)(int32_t)((const int16_t *)d)[i] ^ 0x80000000u);
        return;
    case BK_TYPE_INT:
    case BK_TYPE_DATE:
    case BK_TYPE_INTERVAL_YM:
        ENC_U32((uint32_t)((const int32_t *)d)[i] ^ 0x80000000u);
        return;
    case BK_TYPE_FLOAT:
        ENC_U32(f32_word(((const float *)d)[i]));
        return;
    case BK_TYPE_DOUBLE:
        ENC_U64(f64_word(((const double *)d)[i]));
        return;
    case BK_TYPE_DECIMAL:
        if (l->enc[k] == SORT_ENC_I128) {
            const bk_i128 *x = d;
            for (size_t i = 0; i < n; i++) {
                uint64_t hi = (uint64_t)x[i].hi ^ (1ull << 63), lo = x[i].lo;
                out[i * stride] = desc ? ~hi : hi;
                out[i * stride + 1] = desc ? ~lo : lo;
            }
            return;
        }
        ENC_U64((uint64_t)((const int64_t *)d)[i] ^ (1ull << 63));
        return;
    case BK_TYPE_STRING:
    case BK_TYPE_BINARY: {
        const bk_str *s = d;
        const uint32_t p = l->vwords[k];
        const bool exact = l->enc[k] == SORT_ENC_STR;
        for (size_t i = 0; i < n; i++) {
            uint64_t *o = out + i * stride;
            for (uint32_t x = 0; x < p; x++) {
                uint64_t u = str_prefix(s[i], 8 * (size_t)x);
                if (exact && x + 1 == p) u |= s[i].len; /* the last byte is past the end */
                o[x] = desc ? ~u : u;
            }
        }
        return;
    }
    default: /* the 64-bit integers */
        ENC_U64((uint64_t)((const int64_t *)d)[i] ^ (1ull << 63));
        return;
    }
}

void sort_encode(const sort_layout *l, bk_vector *const *cols, size_t first, size_t n,
                 uint64_t *recs) {
    uint32_t w = 0;
    const uint32_t stride = l->stride;
    for (uint32_t k = 0; k < l->n_keys && w < l->key_words; k++) {
        const bk_vector *v = cols[l->keys[k].column];
        const bool nf = l->keys[k].nulls_first;
        if (l->enc[k] == SORT_ENC_U32) {
            encode_values(l, k, v, first, n, recs + w);
            if (v->validity)
                for (size_t i = 0; i < n; i++)
                    if (!bk_vector_is_valid(v, first + i))
                        recs[i * stride + w] = nf ? 0 : 1ull << 33;
            w++;
            continue;
        }
        uint32_t vw = l->vwords[k];
        if (l->null_word[k]) {
            /* rank: NULL 0 (first) or 2 (last), values 1; a NULL's value words are 0 */
            encode_values(l, k, v, first, n, recs + w + 1);
            for (size_t i = 0; i < n; i++) {
                uint64_t *r = recs + i * stride + w;
                if (bk_vector_is_valid(v, first + i)) {
                    r[0] = 1;
                } else {
                    r[0] = nf ? 0 : 2;
                    for (uint32_t x = 1; x <= vw; x++) r[x] = 0;
                }
            }
            w += 1 + vw;
        } else {
            encode_values(l, k, v, first, n, recs + w);
            w += vw;
        }
    }
}

/* ---- the top-N filter ---- */

/*
 * res[i] = order of row rows[i] of v against row brow of b, for key `key`
 * (NULLs and direction applied): a typed loop per type.
 */
static void cmp_to_row(const exec_sort_key *key, sort_cmp_fn cmp, const bk_vector *v,
                       const uint32_t *rows, size_t n, const bk_vector *b, size_t brow,
                       int8_t *res) {
    bool bvalid = bk_vector_is_valid(b, brow);
    int sign = key->descending ? -1 : 1;
#define CMP_LOOP(ctype)                                                                          \
    do {                                                                                         \
        ctype y = ((const ctype *)b->data)[brow];                                                \
        const ctype *x = v->data;                                                                \
        for (size_t i = 0; i < n; i++) {                                                         \
            ctype xi = x[rows[i]];                                                               \
            res[i] = (int8_t)(((xi > y) - (xi < y)) * sign);                                     \
        }                                                                                        \
    } while (0)
    if (!bvalid) {
        for (size_t i = 0; i < n; i++) res[i] = 0;
    } else if (cmp == cmp_i32) {
        CMP_LOOP(int32_t);
    } else if (cmp == cmp_i64) {
        CMP_LOOP(int64_t);
    } else {
        for (size_t i = 0; i < n; i++) {
            int r = cmp(v, rows[i], b, brow);
            res[i] = (int8_t)(((r > 0) - (r < 0)) * sign);
        }
    }
#undef CMP_LOOP
    if (v->validity || !bvalid) {
        for (size_t i = 0; i < n; i++) {
            bool vx = bk_vector_is_valid(v, rows[i]);
            if (vx && bvalid) continue;
            int r = vx == bvalid ? 0 : !vx ? -1 : 1;
            res[i] = (int8_t)(key->nulls_first ? r : -r);
        }
    }
}

size_t sort_filter_before(const exec_sort_key *keys, uint32_t n_keys, const sort_cmp_fn *cmp,
                          bk_vector *const *cols, size_t n, uint64_t morsel,
                          bk_vector *const *bound_cols, size_t brow, uint64_t bmorsel,
                          uint32_t brow_in, uint32_t *sel, int8_t *res) {
    /* sel[0..m): rows still tied with the bound; kept rows are marked in res as 2 */
    size_t m = n;
    uint32_t *open = sel;
    for (size_t i = 0; i < n; i++) open[i] = (uint32_t)i;
    int8_t *keep = res + n; /* per row: 1 keep */
    memset(keep, 0, n);
    for (uint32_t k = 0; k < n_keys && m; k++) {
        const bk_vector *v = cols[keys[k].column];
        cmp_to_row(&keys[k], cmp[k], v, open, m, bound_cols[keys[k].column], brow, res);
        size_t still = 0;
        for (size_t i = 0; i < m; i++) {
            if (res[i] < 0) keep[open[i]] = 1;
            else if (res[i] == 0) open[still++] = open[i];
        }
        m = still;
    }
    /* equal keys: the earlier source position goes first */
    for (size_t i = 0; i < m; i++)
        if (morsel < bmorsel || (morsel == bmorsel && open[i] < brow_in)) keep[open[i]] = 1;
    size_t out = 0;
    for (size_t i = 0; i < n; i++)
        if (keep[i]) sel[out++] = (uint32_t)i;
    return out;
}
