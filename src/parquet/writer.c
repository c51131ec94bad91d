/*
 * writer.c — the Parquet writer: pq_writer_open / write / close / abort.
 *
 * File layout produced:
 *
 *   "PAR1"
 *   row group 0: column chunk 0 [dictionary page] data pages ... column chunk 1 ...
 *   row group 1: ...
 *   ColumnIndex of every chunk (row group order, then column order)
 *   OffsetIndex of every chunk
 *   FileMetaData (Thrift compact) | 4-byte LE footer length | "PAR1"
 *
 * A row group is flushed when it reaches opts.row_group_rows rows (exactly) or
 * opts.row_group_bytes buffered bytes (checked after each segment of rows, sized
 * from the bytes per row seen so far, so the overshoot stays small).
 * Until then each leaf holds its encoded pages in memory (write_column.c), because
 * the dictionary page must come first and is only complete at the end of the chunk.
 *
 * Output goes straight to a file descriptor: chunks are written in large blocks,
 * so no extra buffering layer is needed.  Close fsyncs before closing; abort (and
 * a failed close) unlinks the partial file.
 *
 * Failure model: an invalid call (wrong vectors, a NULL in a REQUIRED field) is
 * rejected before anything changes, so the writer stays usable.  Any later failure
 * (I/O, out of memory, a malformed vector found while shredding) poisons the
 * writer: every further call returns that error, and close removes the file.
 *
 * Columns of a row group are shredded and encoded in parallel when
 * opts.pool is set (one task per top-level column over a segment of rows).
 *
 * Not thread-safe: one writer is used by one thread at a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "parquet/codec.h"
#include "parquet/crc.h"
#include "parquet/writer_int.h"

#ifndef BRICKS_VERSION
#define BRICKS_VERSION "0.0.0"
#endif

struct pq_writer {
    char *path;          /* heap copy */
    int fd;              /* -1 once closed */
    int64_t pos;         /* bytes written so far */
    bk_arena *arena;     /* schema, footer metadata: lives until close */
    pq_wr_ctx ctx;       /* path and options with defaults applied */
    const bk_type *type; /* the schema STRUCT */
    pq_wr_schema schema;
    pq_wr_leaf *leaves;     /* schema.n_leaves */
    pq_wr_scratch *scratch; /* schema.n_columns: one per top-level column (thread-safe) */
    bk_error *col_err;      /* schema.n_columns: per-column errors of parallel work */
    int64_t rg_rows;        /* rows in the current (unflushed) row group */
    size_t row_bytes_est;   /* buffered bytes per row of the last row group (0 = none yet) */
    int64_t total_rows;     /* rows in flushed row groups */
    pq_wr_array row_groups; /* pq_row_group, columns in the arena */
    bk_buf ci, oi;          /* encoded ColumnIndex / OffsetIndex of every chunk */
    bk_buf tmp, tmp2;       /* dictionary pages, footer */
    pq_key_value *kv;       /* copy of opts.key_value */
    bool failed;            /* poisoned: every call returns `fail` */
    bk_error fail;
};

void pq_writer_opts_default(pq_writer_opts *o) {
    memset(o, 0, sizeof *o);
    o->codec = PQ_CODEC_SNAPPY;
    o->row_group_rows = 1048576;
    o->row_group_bytes = (size_t)128 << 20;
    o->page_bytes = (size_t)1 << 20;
    o->page_rows = 20000;
    o->dictionary_bytes = (size_t)1 << 20;
}

/* Fill zero numeric options with their defaults (the codec is taken as given). */
static void apply_defaults(pq_writer_opts *o) {
    pq_writer_opts d;
    pq_writer_opts_default(&d);
    if (o->row_group_rows <= 0) o->row_group_rows = d.row_group_rows;
    if (o->row_group_bytes == 0) o->row_group_bytes = d.row_group_bytes;
    if (o->page_bytes == 0) o->page_bytes = d.page_bytes;
    if (o->page_rows == 0) o->page_rows = d.page_rows;
    if (o->dictionary_bytes == 0) o->dictionary_bytes = d.dictionary_bytes;
}

/* Fill err with the writer's out-of-memory message; returns BK_OUT_OF_MEMORY. */
static bk_status writer_oom(pq_writer *w, bk_error *err) {
    return bk_error_set(err, BK_OUT_OF_MEMORY, "parquet file \"%s\": out of memory", w->path);
}

/* Remember the first failure so that later calls report it too. */
static bk_status poison(pq_writer *w, bk_status st, bk_error *err) {
    if (!w->failed) {
        w->failed = true;
        if (err && err->code != BK_CODE_OK) {
            w->fail = *err;
        } else {
            bk_error_clear(&w->fail);
            bk_error_set(&w->fail, st, "parquet file \"%s\": could not write (%s)", w->path,
                         bk_code_name((bk_code)st));
            if (err) *err = w->fail;
        }
    }
    return st;
}

/* Report the poisoning error again (copied into err); returns its code. */
static bk_status failed_again(pq_writer *w, bk_error *err) {
    if (err) {
        *err = w->fail;
        if (err->code == BK_CODE_OK) err->code = BK_INTERNAL;
    }
    return w->fail.code != BK_CODE_OK ? (bk_status)w->fail.code : BK_INTERNAL;
}

/* write(2) all of p, retrying on EINTR and short writes. */
static bk_status out_write(pq_writer *w, const void *p, size_t n, bk_error *err) {
    const uint8_t *b = p;
    while (n > 0) {
        size_t chunk = n > ((size_t)1 << 30) ? (size_t)1 << 30 : n;
        ssize_t k = write(w->fd, b, chunk);
        if (k < 0) {
            if (errno == EINTR) continue;
            return bk_error_set(err, BK_IO, "could not write to parquet file \"%s\": %s", w->path,
                                strerror(errno));
        }
        b += k;
        n -= (size_t)k;
        w->pos += k;
    }
    return BK_OK;
}

/* ---- open ---- */

/* Free everything the writer holds and close the fd if open; NULL is a no-op. */
static void writer_free(pq_writer *w) {
    if (!w) return;
    if (w->fd >= 0) close(w->fd);
    for (uint32_t k = 0; w->leaves && k < w->schema.n_leaves; k++)
        pq_wr_leaf_destroy(&w->leaves[k]);
    for (uint32_t k = 0; w->scratch && k < w->schema.n_columns; k++)
        pq_wr_scratch_destroy(&w->scratch[k]);
    bk_free(w->leaves);
    bk_free(w->scratch);
    bk_free(w->col_err);
    pq_wr_array_free(&w->row_groups);
    bk_buf_destroy(&w->ci);
    bk_buf_destroy(&w->oi);
    bk_buf_destroy(&w->tmp);
    bk_buf_destroy(&w->tmp2);
    bk_arena_free(w->arena);
    bk_free(w->path);
    bk_free(w);
}

/* Copy opts.key_value into the arena (the caller's array need not outlive open). */
static bk_status copy_key_values(pq_writer *w, bk_error *err) {
    const pq_writer_opts *o = &w->ctx.opts;
    if (o->n_key_value == 0) return BK_OK;
    w->kv = bk_arena_array(w->arena, o->n_key_value, sizeof *w->kv);
    if (!w->kv) return writer_oom(w, err);
    for (uint32_t k = 0; k < o->n_key_value; k++) {
        const pq_key_value *src = &o->key_value[k];
        if (!src->key)
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "parquet file \"%s\": key-value metadata entry %u has no key",
                                w->path, k);
        w->kv[k].key = bk_arena_strdup(w->arena, src->key);
        /* parquet-mr (Spark) fails with a NullPointerException on an entry without a
           value, so a NULL value is written as the empty string */
        w->kv[k].value = "";
        w->kv[k].value_len = 0;
        if (src->value) {
            w->kv[k].value =
                bk_arena_memdup(w->arena, src->value, src->value_len ? src->value_len : 1);
            w->kv[k].value_len = src->value_len;
            if (!w->kv[k].value) return writer_oom(w, err);
        }
        if (!w->kv[k].key) return writer_oom(w, err);
    }
    return BK_OK;
}

bk_status pq_writer_open(const char *path, const bk_type *schema, const pq_writer_opts *opts,
                         pq_writer **out, bk_error *err) {
    pq_writer *w = bk_calloc(1, sizeof *w);
    if (!w) return bk_error_set(err, BK_OUT_OF_MEMORY, "parquet file \"%s\": out of memory", path);
    w->fd = -1;
    w->path = bk_strdup(path);
    w->arena = bk_arena_new(NULL, "parquet writer", 0);
    if (!w->path || !w->arena) {
        writer_free(w);
        return bk_error_set(err, BK_OUT_OF_MEMORY, "parquet file \"%s\": out of memory", path);
    }
    if (opts)
        w->ctx.opts = *opts;
    else
        pq_writer_opts_default(&w->ctx.opts);
    apply_defaults(&w->ctx.opts);
    w->ctx.path = w->path;
    w->type = schema;
    bk_buf_init(&w->ci);
    bk_buf_init(&w->oi);
    bk_buf_init(&w->tmp);
    bk_buf_init(&w->tmp2);

    bk_status st = BK_OK;
    if (!pq_codec_supported(w->ctx.opts.codec)) {
        st = bk_error_set(err, BK_UNSUPPORTED,
                          "parquet file \"%s\": compression codec %s is not supported for writing",
                          path, pq_codec_name(w->ctx.opts.codec));
        goto fail;
    }
    st = pq_wr_schema_build(w->arena, w->path, schema, w->ctx.opts.field_ids, &w->schema, err);
    if (st != BK_OK) goto fail;
    st = copy_key_values(w, err);
    if (st != BK_OK) goto fail;

    uint32_t n_leaves = w->schema.n_leaves, n_cols = w->schema.n_columns;
    w->leaves = bk_calloc(n_leaves ? n_leaves : 1, sizeof *w->leaves);
    w->scratch = bk_calloc(n_cols ? n_cols : 1, sizeof *w->scratch);
    w->col_err = bk_calloc(n_cols ? n_cols : 1, sizeof *w->col_err);
    if (!w->leaves || !w->scratch || !w->col_err) {
        st = writer_oom(w, err);
        goto fail;
    }
    for (uint32_t k = 0; k < n_leaves; k++)
        pq_wr_leaf_init(&w->leaves[k], &w->schema.leaves[k], &w->ctx.opts);
    for (uint32_t k = 0; k < n_cols; k++) {
        bk_buf_init(&w->scratch[k].body);
        bk_buf_init(&w->scratch[k].comp);
    }

    w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (w->fd < 0) {
        st = bk_error_set(err, BK_IO, "could not create parquet file \"%s\": %s", path,
                          strerror(errno));
        goto fail;
    }
    st = out_write(w, "PAR1", 4, err);
    if (st != BK_OK) {
        close(w->fd);
        w->fd = -1;
        unlink(path);
        goto fail;
    }
    *out = w;
    return BK_OK;
fail:
    writer_free(w);
    return st;
}

/* ---- write ---- */

/* Does any REQUIRED node on d's path have a validity bitmap in these vectors? */
static bool needs_required_check(const pq_wr_leaf_desc *d, const bk_vector *v) {
    for (uint32_t k = 0; k < d->n_steps && v; k++) {
        const pq_wr_step *st = &d->steps[k];
        switch (st->op) {
        case PQ_WR_REQCHK:
            if (v->validity) return true;
            break;
        case PQ_WR_FIELD:
        case PQ_WR_REPEAT:
            v = v->children ? v->children[st->child] : NULL;
            break;
        default:
            break;
        }
    }
    return false;
}

/*
 * Reject calls that would fail half-way: wrong vectors, NULLs in REQUIRED fields.
 * Why up front: shredding appends to every leaf as it goes, so a NULL found in the
 * last column would leave the other columns one call ahead.  The REQUIRED check
 * runs only when such a field's vector has a validity bitmap at all, so the usual
 * case costs one pointer test per field.
 */
static bk_status validate(pq_writer *w, bk_vector *const *cols, size_t n_rows, bk_error *err) {
    const bk_type *t = w->type;
    if (!cols && t->n_children)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "parquet file \"%s\": no column vectors",
                            w->path);
    for (uint32_t k = 0; k < t->n_children; k++) {
        const bk_vector *v = cols[k];
        if (!v || !v->type || v->n < n_rows || !bk_type_equal(v->type, t->children[k])) {
            char want[128];
            bk_type_format(t->children[k], want, sizeof want);
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "parquet file \"%s\": column \"%s\": expected a vector of %s with "
                                "at least %zu rows",
                                w->path, t->field_names[k], want, n_rows);
        }
    }
    for (uint32_t k = 0; k < w->schema.n_leaves; k++) {
        const pq_wr_leaf_desc *d = &w->schema.leaves[k];
        if (!d->has_reqchk || !needs_required_check(d, cols[d->column])) continue;
        BK_TRY(
            pq_wr_check_required(&w->ctx, d, &w->scratch[d->column], cols[d->column], n_rows, err));
    }
    return BK_OK;
}

typedef struct seg_job {
    pq_writer *w;
    bk_vector *const *cols;
    size_t r0, r1;
} seg_job;

/* Shred rows [r0, r1) of top-level column k (one pool task). */
static void seg_task(void *arg, size_t k, int worker) {
    (void)worker;
    seg_job *job = arg;
    pq_writer *w = job->w;
    uint32_t first = w->schema.first_leaf[k], last = w->schema.first_leaf[k + 1];
    bk_error_clear(&w->col_err[k]);
    pq_wr_shred_column(&w->ctx, &w->leaves[first], last - first, &w->scratch[k], job->cols[k],
                       job->r0, job->r1, &w->col_err[k]);
}

/*
 * Shred a segment of rows into every column, in parallel when a pool is set.  Each
 * top-level column has its own leaves, scratch and error slot, so tasks share
 * nothing; the output is byte-identical to the serial order.  The first failing
 * column (in column order) is reported.
 */
static bk_status shred_segment(pq_writer *w, bk_vector *const *cols, size_t r0, size_t r1,
                               bk_error *err) {
    seg_job job = {w, cols, r0, r1};
    uint32_t n_cols = w->schema.n_columns;
    if (w->ctx.opts.pool && n_cols > 1) {
        bk_pool_run(w->ctx.opts.pool, n_cols, seg_task, &job);
    } else {
        for (uint32_t k = 0; k < n_cols; k++) {
            seg_task(&job, k, 0);
            if (w->col_err[k].code != BK_CODE_OK) break;
        }
    }
    for (uint32_t k = 0; k < n_cols; k++) {
        if (w->col_err[k].code != BK_CODE_OK) {
            if (err) *err = w->col_err[k];
            return (bk_status)w->col_err[k].code;
        }
    }
    return BK_OK;
}

/* Bytes buffered for the current row group, over all leaves (pq_wr_leaf_buffered). */
static size_t buffered_bytes(const pq_writer *w) {
    size_t total = 0;
    for (uint32_t k = 0; k < w->schema.n_leaves; k++) total += pq_wr_leaf_buffered(&w->leaves[k]);
    return total;
}

static bk_status flush_row_group(pq_writer *w, bk_error *err);

/*
 * Rows to shred before row_group_bytes is checked again: what should fit in the
 * bytes left at the average bytes per row (of this row group so far, else of the
 * previous one), growing at most 4x per segment from 16 rows while the average is
 * being learnt, and at most PQ_WR_SEGMENT_ROWS.  So even rows of megabytes
 * overshoot the limit by a few rows, while narrow rows go by in large segments.
 */
static size_t segment_rows(const pq_writer *w) {
    size_t limit = w->ctx.opts.row_group_bytes, buffered = 0, per_row = w->row_bytes_est;
    size_t cap = PQ_WR_SEGMENT_ROWS;
    if (w->rg_rows > 0) {
        buffered = buffered_bytes(w);
        per_row = buffered / (size_t)w->rg_rows + 1;
        if (!w->row_bytes_est) cap = BK_MIN(cap, (size_t)w->rg_rows * 4);
    } else if (!per_row) {
        return 16;
    }
    size_t left = limit > buffered ? limit - buffered : 0;
    size_t fit = left / per_row;
    return fit >= cap ? cap : fit + 1;
}

bk_status pq_writer_write(pq_writer *w, bk_vector *const *cols, size_t n_rows, bk_error *err) {
    bk_error local;
    if (!err) { /* keep the message for the poisoned writer even when the caller does not */
        bk_error_clear(&local);
        err = &local;
    }
    if (w->failed) return failed_again(w, err);
    if (n_rows == 0) return BK_OK;
    BK_TRY(validate(w, cols, n_rows, err));

    const pq_writer_opts *o = &w->ctx.opts;
    for (size_t row = 0; row < n_rows;) {
        size_t seg = BK_MIN(n_rows - row, segment_rows(w));
        seg = BK_MIN(seg, (size_t)(o->row_group_rows - w->rg_rows));
        bk_status st = shred_segment(w, cols, row, row + seg, err);
        if (st != BK_OK) return poison(w, st, err);
        w->rg_rows += (int64_t)seg;
        row += seg;
        if (w->rg_rows >= o->row_group_rows || buffered_bytes(w) >= o->row_group_bytes) {
            st = flush_row_group(w, err);
            if (st != BK_OK) return poison(w, st, err);
        }
    }
    return BK_OK;
}

/* ---- row groups ---- */

/* Write the dictionary page of leaf l (compressed, with CRC); sets *uncompressed. */
static bk_status write_dict_page(pq_writer *w, pq_wr_leaf *l, int64_t *uncompressed,
                                 bk_error *err) {
    const pq_writer_opts *o = &w->ctx.opts;
    const bk_buf *plain = &l->dict.plain;
    const uint8_t *body = plain->data;
    size_t body_len = plain->len;
    if (body_len > INT32_MAX)
        return bk_error_set(err, BK_LIMIT_EXCEEDED,
                            "parquet file \"%s\": column \"%s\": dictionary of %zu bytes exceeds "
                            "the 2 GiB page limit",
                            w->path, l->desc->dotted, body_len);
    bk_buf_clear(&w->tmp2);
    if (o->codec != PQ_CODEC_UNCOMPRESSED) {
        bk_status st = pq_compress(o->codec, o->compression_level, body, body_len, &w->tmp2, err);
        if (st != BK_OK) {
            if (st == BK_OUT_OF_MEMORY && err->code == BK_CODE_OK) return writer_oom(w, err);
            bk_error_prefix(err, "parquet file \"%s\": column \"%s\"", w->path, l->desc->dotted);
            return st;
        }
        body = w->tmp2.data;
        body_len = w->tmp2.len;
    }
    pq_page_header h;
    memset(&h, 0, sizeof h);
    h.type = PQ_PAGE_DICTIONARY;
    h.uncompressed_page_size = (int32_t)plain->len;
    h.compressed_page_size = (int32_t)body_len;
    if (!o->no_checksums) {
        h.has_crc = true;
        h.crc = pq_crc32(body, body_len);
    }
    h.num_values = (int32_t)l->dict.n;
    h.encoding = PQ_ENC_PLAIN;
    bk_buf_clear(&w->tmp);
    if (pq_meta_encode_page_header(&h, &w->tmp) != BK_OK) return writer_oom(w, err);
    *uncompressed = (int64_t)(w->tmp.len + plain->len);
    BK_TRY(out_write(w, w->tmp.data, w->tmp.len, err));
    return out_write(w, body, body_len, err);
}

/* ColumnMetaData.encodings and encoding_stats of a written chunk. */
static bk_status chunk_encodings(pq_writer *w, const pq_wr_leaf *l, pq_column_meta *m) {
    pq_encoding *enc = bk_arena_array(w->arena, 3, sizeof *enc);
    pq_page_encoding_stats *es = bk_arena_array(w->arena, 3, sizeof *es);
    if (!enc || !es) return BK_OUT_OF_MEMORY;
    pq_page_type data_type = w->ctx.opts.data_page_v2 ? PQ_PAGE_DATA_V2 : PQ_PAGE_DATA;
    uint32_t ne = 0, ns = 0;
    if (l->dict_used || l->n_plain_pages) enc[ne++] = PQ_ENC_PLAIN;
    if (l->desc->max_def || l->desc->max_rep) enc[ne++] = PQ_ENC_RLE;
    if (l->dict_used) {
        enc[ne++] = PQ_ENC_RLE_DICTIONARY;
        es[ns++] = (pq_page_encoding_stats){PQ_PAGE_DICTIONARY, PQ_ENC_PLAIN, 1};
        es[ns++] = (pq_page_encoding_stats){data_type, PQ_ENC_RLE_DICTIONARY, l->n_dict_pages};
    }
    if (l->n_plain_pages)
        es[ns++] = (pq_page_encoding_stats){data_type, PQ_ENC_PLAIN, l->n_plain_pages};
    m->encodings = enc;
    m->n_encodings = ne;
    m->encoding_stats = es;
    m->n_encoding_stats = ns;
    return BK_OK;
}

/* Encode the chunk's OffsetIndex and ColumnIndex into w->oi / w->ci (offsets relative). */
static bk_status chunk_page_index(pq_writer *w, const pq_wr_leaf *l, int64_t data_start,
                                  pq_column_chunk *cc, bk_error *err) {
    const pq_wr_page *pages = l->page_list.data;
    uint32_t n = (uint32_t)l->page_list.len;
    pq_page_location *loc = bk_calloc(n ? n : 1, sizeof *loc);
    if (!loc) return writer_oom(w, err);
    for (uint32_t k = 0; k < n; k++) {
        loc[k].offset = data_start + pages[k].offset;
        loc[k].compressed_page_size = pages[k].size;
        loc[k].first_row_index = pages[k].first_row;
    }
    pq_offset_index oi = {n, loc};
    size_t at = w->oi.len;
    bk_status st = pq_meta_encode_offset_index(&oi, &w->oi);
    bk_free(loc);
    if (st != BK_OK) return writer_oom(w, err);
    cc->has_offset_index = true;
    cc->offset_index_offset = (int64_t)at;
    cc->offset_index_length = (int32_t)(w->oi.len - at);

    if (w->ctx.opts.no_statistics || l->stats.has_nan) return BK_OK;
    bool written;
    at = w->ci.len;
    if (pq_wr_column_index_encode(pages, n, l->desc->order, &w->ci, &written) != BK_OK)
        return writer_oom(w, err);
    if (written) {
        cc->has_column_index = true;
        cc->column_index_offset = (int64_t)at;
        cc->column_index_length = (int32_t)(w->ci.len - at);
    }
    return BK_OK;
}

/*
 * Write leaf l's column chunk at the current position and describe it in cc:
 * [dictionary page] then the buffered data pages, whose OffsetIndex locations are
 * their offsets within the buffer plus the position where it landed.
 * total_uncompressed_size counts headers plus uncompressed bodies, as parquet-mr
 * and Arrow do.
 */
static bk_status write_chunk(pq_writer *w, pq_wr_leaf *l, pq_column_chunk *cc, bk_error *err) {
    const pq_wr_leaf_desc *d = l->desc;
    const pq_writer_opts *o = &w->ctx.opts;
    int64_t chunk_start = w->pos;
    int64_t dict_uncompressed = 0;
    memset(cc, 0, sizeof *cc);
    pq_column_meta *m = &cc->meta;
    if (l->dict_used) {
        BK_TRY(write_dict_page(w, l, &dict_uncompressed, err));
        m->has_dictionary_page_offset = true;
        m->dictionary_page_offset = chunk_start;
    }
    int64_t data_start = w->pos;
    BK_TRY(out_write(w, l->pages.data, l->pages.len, err));

    cc->file_offset = chunk_start;
    cc->has_meta_data = true;
    m->type = d->physical;
    m->n_path = d->n_path;
    m->path_in_schema = d->path;
    m->codec = o->codec;
    m->num_values = l->chunk_levels;
    m->total_uncompressed_size = dict_uncompressed + l->uncompressed;
    m->total_compressed_size = w->pos - chunk_start;
    m->data_page_offset = data_start;
    if (chunk_encodings(w, l, m) != BK_OK) return writer_oom(w, err);
    if (!o->no_statistics) {
        m->has_statistics = true;
        if (pq_wr_chunk_stats_finish(w->arena, &l->stats, d->order, &m->statistics) != BK_OK)
            return writer_oom(w, err);
    }
    if (!o->no_page_index) BK_TRY(chunk_page_index(w, l, data_start, cc, err));
    return BK_OK;
}

/*
 * Flush the current row group: finish every leaf's last page, then write the
 * chunks in schema order and append the RowGroup to the footer list.
 */
static bk_status flush_row_group(pq_writer *w, bk_error *err) {
    uint32_t n_leaves = w->schema.n_leaves;
    w->row_bytes_est = buffered_bytes(w) / (size_t)w->rg_rows + 1;
    for (uint32_t k = 0; k < n_leaves; k++) {
        pq_wr_leaf *l = &w->leaves[k];
        BK_TRY(pq_wr_finish_page(&w->ctx, l, &w->scratch[l->desc->column], err));
    }
    if (pq_wr_array_reserve(&w->row_groups, 1, sizeof(pq_row_group)) != BK_OK)
        return writer_oom(w, err);
    pq_row_group *rg = (pq_row_group *)w->row_groups.data + w->row_groups.len;
    memset(rg, 0, sizeof *rg);
    rg->columns = bk_arena_array(w->arena, n_leaves ? n_leaves : 1, sizeof *rg->columns);
    if (!rg->columns) return writer_oom(w, err);
    rg->n_columns = n_leaves;

    int64_t rg_start = w->pos, uncompressed = 0;
    for (uint32_t k = 0; k < n_leaves; k++) {
        pq_wr_leaf *l = &w->leaves[k];
        BK_TRY(write_chunk(w, l, &rg->columns[k], err));
        uncompressed += rg->columns[k].meta.total_uncompressed_size;
        pq_wr_leaf_reset_chunk(l, &w->ctx.opts);
    }
    rg->num_rows = w->rg_rows;
    rg->total_byte_size = uncompressed;
    rg->has_file_offset = true;
    rg->file_offset = rg_start;
    rg->has_total_compressed_size = true;
    rg->total_compressed_size = w->pos - rg_start;
    if (w->row_groups.len <= INT16_MAX) {
        rg->has_ordinal = true;
        rg->ordinal = (int16_t)w->row_groups.len;
    }
    w->row_groups.len++;
    w->total_rows += w->rg_rows;
    w->rg_rows = 0;
    return BK_OK;
}

/* ---- close ---- */

/*
 * Page indexes of all row groups (every ColumnIndex, then every OffsetIndex, as
 * parquet-mr and Arrow lay them out), then their now known file offsets in the
 * ColumnChunks, which were recorded relative to the start of each buffer.
 */
static bk_status write_page_indexes(pq_writer *w, bk_error *err) {
    int64_t ci_base = w->pos;
    BK_TRY(out_write(w, w->ci.data, w->ci.len, err));
    int64_t oi_base = w->pos;
    BK_TRY(out_write(w, w->oi.data, w->oi.len, err));
    pq_row_group *rgs = w->row_groups.data;
    for (size_t g = 0; g < w->row_groups.len; g++) {
        for (uint32_t k = 0; k < rgs[g].n_columns; k++) {
            pq_column_chunk *cc = &rgs[g].columns[k];
            if (cc->has_column_index) cc->column_index_offset += ci_base;
            if (cc->has_offset_index) cc->offset_index_offset += oi_base;
        }
    }
    return BK_OK;
}

/*
 * FileMetaData + length + "PAR1".  version 1, or 2 with data page v2 (readers treat
 * both alike); column_orders TYPE_ORDER for every leaf, without which the
 * min_value/max_value statistics would be undefined.
 */
static bk_status write_footer(pq_writer *w, bk_error *err) {
    uint32_t n_leaves = w->schema.n_leaves;
    pq_file_meta m;
    memset(&m, 0, sizeof m);
    m.version = w->ctx.opts.data_page_v2 ? 2 : 1;
    m.n_schema = w->schema.n_elements;
    m.schema = w->schema.elements;
    m.num_rows = w->total_rows;
    m.n_row_groups = (uint32_t)w->row_groups.len;
    m.row_groups = w->row_groups.data;
    m.n_key_value = w->ctx.opts.n_key_value;
    m.key_value = w->kv;
    m.created_by = "bricks version " BRICKS_VERSION;
    m.n_column_orders = n_leaves;
    m.column_orders = bk_arena_array(w->arena, n_leaves ? n_leaves : 1, sizeof *m.column_orders);
    if (!m.column_orders) return writer_oom(w, err);
    for (uint32_t k = 0; k < n_leaves; k++) m.column_orders[k] = PQ_ORDER_TYPE_DEFINED;

    bk_buf_clear(&w->tmp);
    bk_status st = pq_meta_encode_file(&m, &w->tmp);
    if (st != BK_OK) {
        if (st == BK_OUT_OF_MEMORY) return writer_oom(w, err);
        return bk_error_set(err, BK_INTERNAL, "parquet file \"%s\": could not encode the footer",
                            w->path);
    }
    if (w->tmp.len > UINT32_MAX)
        return bk_error_set(err, BK_LIMIT_EXCEEDED, "parquet file \"%s\": footer too large",
                            w->path);
    uint32_t len = (uint32_t)w->tmp.len;
    uint8_t tail[8] = {(uint8_t)len,
                       (uint8_t)(len >> 8),
                       (uint8_t)(len >> 16),
                       (uint8_t)(len >> 24),
                       'P',
                       'A',
                       'R',
                       '1'};
    if (bk_buf_append(&w->tmp, tail, sizeof tail) != BK_OK) return writer_oom(w, err);
    return out_write(w, w->tmp.data, w->tmp.len, err);
}

/*
 * Durability: fsync before close, so a caller that publishes the file afterwards
 * (a Delta commit naming it) never publishes a file that could lose its footer in
 * a crash.  Making the directory entry durable is the caller's job (store/).
 */
bk_status pq_writer_close(pq_writer *w, bk_error *err) {
    bk_error local;
    if (!w) return BK_OK;
    if (!err) {
        bk_error_clear(&local);
        err = &local;
    }
    if (w->failed) {
        bk_status st = failed_again(w, err);
        pq_writer_abort(w);
        return st;
    }
    bk_status st = BK_OK;
    if (w->rg_rows > 0) st = flush_row_group(w, err);
    if (st == BK_OK && !w->ctx.opts.no_page_index) st = write_page_indexes(w, err);
    if (st == BK_OK) st = write_footer(w, err);
    if (st == BK_OK && fsync(w->fd) != 0)
        st = bk_error_set(err, BK_IO, "could not fsync parquet file \"%s\": %s", w->path,
                          strerror(errno));
    if (st == BK_OK) {
        int fd = w->fd;
        w->fd = -1;
        if (close(fd) != 0)
            st = bk_error_set(err, BK_IO, "could not close parquet file \"%s\": %s", w->path,
                              strerror(errno));
    }
    if (st != BK_OK) {
        pq_writer_abort(w);
        return st;
    }
    writer_free(w);
    return BK_OK;
}

void pq_writer_abort(pq_writer *w) {
    if (!w) return;
    if (w->fd >= 0) {
        close(w->fd);
        w->fd = -1;
    }
    unlink(w->path);
    writer_free(w);
}
