/*
 * reader.c — opening a Parquet file and decoding row groups into vectors.
 *
 *   pq_reader_open / _open_memory   map the file, check the magic, decode the
 *                                    footer and build the logical schema
 *   pq_reader_read_row_group        decode the leaf column chunks of the wanted
 *                                    top-level fields and assemble them
 *
 * The reader itself is read-only after open, so several threads may decode
 * different row groups at once (scan.c does); each call allocates only in the
 * arena it is given.
 */
#include <string.h>

#include "base/endian.h"
#include "base/mem.h"
#include "parquet/reader_int.h"
#include "store/store.h"

#define FOOTER_TAIL 8 /* 4-byte footer length + "PAR1" */
#define FOOTER_ARENA_LIMIT ((size_t)1 << 30)

static void reader_free(pq_reader *r) {
    if (!r) return;
    store_file_unmap(&r->map);
    bk_arena_free(r->arena);
    bk_free(r->name);
    bk_free(r);
}

/* Decode the footer and build the schema; r->data/size/name are set. */
static bk_status open_common(pq_reader *r, const pq_reader_opts *opts, bk_error *err) {
    if (opts) r->opts = *opts;
    /*
     * A hostile footer can cost a few hundred bytes of structs per byte (empty
     * column chunks); the limit turns that into a clean error.
     */
    r->arena = bk_arena_new(NULL, "parquet footer", FOOTER_ARENA_LIMIT);
    if (!r->arena)
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory opening \"%s\"", r->name);
    if (r->size < 12 || memcmp(r->data, "PAR1", 4) != 0) {
        if (r->size >= 4 && memcmp(r->data, "PARE", 4) == 0)
            return bk_error_set(
                err, BK_UNSUPPORTED,
                "parquet file \"%s\" is encrypted; encrypted files are not supported", r->name);
        return bk_error_set(err, BK_CORRUPT, "file \"%s\" is not a parquet file (no PAR1 header)",
                            r->name);
    }
    const uint8_t *tail = r->data + r->size - FOOTER_TAIL;
    if (memcmp(tail + 4, "PARE", 4) == 0)
        return bk_error_set(
            err, BK_UNSUPPORTED,
            "parquet file \"%s\" has an encrypted footer; encrypted files are not supported",
            r->name);
    if (memcmp(tail + 4, "PAR1", 4) != 0)
        return bk_error_set(err, BK_CORRUPT,
                            "parquet file \"%s\" is truncated (no PAR1 footer magic)", r->name);
    uint32_t footer_len = bk_load_le32(tail);
    if (footer_len > r->size - 12)
        return bk_error_set(err, BK_CORRUPT,
                            "parquet file \"%s\": footer length %u exceeds the file size %zu",
                            r->name, footer_len, r->size);
    const uint8_t *footer = tail - footer_len;
    r->footer_start = (size_t)(footer - r->data);
    bk_status st = pq_meta_decode_file(r->arena, footer, footer_len, &r->meta, err);
    if (st) return bk_error_prefix(err, "parquet file \"%s\": footer", r->name);
    if (r->meta.is_encrypted)
        return bk_error_set(err, BK_UNSUPPORTED,
                            "parquet file \"%s\" is encrypted; encrypted files are not supported",
                            r->name);
    st = pq_schema_build(r->arena, &r->meta, &r->schema, err);
    if (st) return bk_error_prefix(err, "parquet file \"%s\"", r->name);
    int64_t total = 0;
    for (uint32_t i = 0; i < r->meta.n_row_groups; i++) {
        const pq_row_group *g = &r->meta.row_groups[i];
        if (g->num_rows < 0 || g->n_columns != r->schema.n_leaves)
            return bk_error_set(
                err, BK_CORRUPT,
                "parquet file \"%s\": row group %u has %u column chunks for %u leaf columns",
                r->name, i, g->n_columns, r->schema.n_leaves);
        total += g->num_rows;
    }
    /*
     * Some writers leave FileMetaData.num_rows at 0 (repeated_no_annotation.parquet
     * in parquet-testing); the row groups are what the data holds, as other
     * readers also decide.
     */
    r->num_rows = total;
    return BK_OK;
}

bk_status pq_reader_open_memory(const uint8_t *data, size_t len, const char *name,
                                const pq_reader_opts *opts, pq_reader **out, bk_error *err) {
    pq_reader *r = bk_calloc(1, sizeof *r);
    if (!r || !(r->name = bk_strdup(name ? name : "(memory)"))) {
        bk_free(r);
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory opening a parquet file");
    }
    r->data = data;
    r->size = len;
    bk_status st = open_common(r, opts, err);
    if (st) {
        reader_free(r);
        return st;
    }
    *out = r;
    return BK_OK;
}

bk_status pq_reader_open(const char *path, const pq_reader_opts *opts, pq_reader **out,
                         bk_error *err) {
    pq_reader *r = bk_calloc(1, sizeof *r);
    if (!r || !(r->name = bk_strdup(path))) {
        bk_free(r);
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory opening \"%s\"", path);
    }
    bk_status st = store_file_map(path, &r->map, err);
    if (st == BK_OK) {
        r->data = r->map.data;
        r->size = r->map.size;
        st = open_common(r, opts, err);
    }
    if (st) {
        reader_free(r);
        return st;
    }
    *out = r;
    return BK_OK;
}

void pq_reader_close(pq_reader *r) { reader_free(r); }

const pq_file_meta *pq_reader_meta(const pq_reader *r) { return &r->meta; }
const bk_type *pq_reader_schema(const pq_reader *r) { return r->schema.type; }
int64_t pq_reader_num_rows(const pq_reader *r) { return r->num_rows; }
uint32_t pq_reader_num_row_groups(const pq_reader *r) { return r->meta.n_row_groups; }
const char *pq_reader_name(const pq_reader *r) { return r->name; }

bk_status pq_read_field(pq_reader *r, bk_arena *a, bk_arena *scratch, uint32_t rg, uint32_t fi,
                        const pq_row_range *ranges, uint32_t n_ranges, const uint32_t *pick,
                        size_t n_pick, bk_vector **out, pq_row_range **rows, uint32_t *n_rows,
                        bk_error *err) {
    const pq_field *f = r->schema.root.children[fi];
    pq_column_data *cols = bk_arena_array(a, f->n_leaves, sizeof *cols);
    if (!cols) return bk_arena_oom(a, err);
    pq_row_range *got = NULL;
    uint32_t n_got = 0;
    int64_t expect = r->meta.row_groups[rg].num_rows;
    for (uint32_t k = 0; k < f->n_leaves; k++) {
        pq_row_range *leaf_rows = NULL;
        uint32_t n_leaf_rows = 0;
        BK_TRY(pq_column_read(r, a, scratch, rg, f->first_leaf + k, ranges, n_ranges, pick,
                              n_pick, &cols[k], &leaf_rows, &n_leaf_rows, err));
        if (k == 0) {
            got = leaf_rows, n_got = n_leaf_rows;
        } else if (n_leaf_rows != n_got || (leaf_rows == NULL) != (got == NULL) ||
                   (n_got && memcmp(leaf_rows, got, (size_t)n_got * sizeof *got) != 0)) {
            /* leaves paged differently: decode this field whole instead */
            return pq_read_field(r, a, scratch, rg, fi, NULL, 0, NULL, 0, out, rows, n_rows, err);
        }
    }
    bool picked = pick && f->n_leaves && !got; /* every leaf kept exactly the picks */
    if (picked) {
        expect = (int64_t)n_pick;
    } else if (ranges) {
        expect = 0;
        for (uint32_t i = 0; i < n_got; i++) expect += got[i].end - got[i].begin;
    }
    BK_TRY(pq_assemble(a, f, cols, (size_t)expect, out, err));
    if (rows) {
        if (!ranges && !picked) {
            got = bk_arena_alloc(a, sizeof *got);
            if (!got) return bk_arena_oom(a, err);
            got[0] = (pq_row_range){0, r->meta.row_groups[rg].num_rows};
            n_got = 1;
        }
        *rows = got;
        *n_rows = n_got;
    }
    return BK_OK;
}

bk_status pq_reader_read_row_group(pq_reader *r, bk_arena *a, uint32_t rg, const uint32_t *fields,
                                   uint32_t n_fields, bk_vector **out, bk_error *err) {
    if (rg >= r->meta.n_row_groups)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "parquet file \"%s\" has no row group %u",
                            r->name, rg);
    for (uint32_t i = 0; i < n_fields; i++) {
        if (fields[i] >= r->schema.root.n_children)
            return bk_error_set(err, BK_INVALID_ARGUMENT, "parquet file \"%s\" has no column %u",
                                r->name, fields[i]);
        BK_TRY(pq_read_field(r, a, NULL, rg, fields[i], NULL, 0, NULL, 0, &out[i], NULL, NULL,
                             err));
    }
    return BK_OK;
}
