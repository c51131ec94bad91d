/*
 * dv.h — Delta deletion vectors: the rows of one data file that are deleted.
 *
 * A deletion vector (DV) is a set of 0-based row positions in one Parquet data
 * file (PROTOCOL.md "Deletion Vectors").  The log's `add` and `remove` actions
 * point at it with a descriptor (delta_dv_ref, action.h) that says where its bytes
 * are: inline in the log ('i', Z85 text), in a file named from a UUID under the
 * table ('u'), or in a file at an absolute path ('p').  The bytes are a magic
 * number and a RoaringBitmapArray in the portable 64-bit roaring layout (appendix
 * "Deletion Vector Format"); a DV file holds a version byte and then, per DV, a
 * big-endian size, the bytes and a big-endian CRC-32 ("Deletion Vector File
 * Storage Format").
 *
 * The module has two halves:
 *   roaring.c  the set itself (delta_dv): parse and serialize the RoaringBitmapArray
 *              bytes, membership, bulk marking for scans, building and union.
 *   dv.c       descriptors and storage: where a DV lives, loading it with every
 *              check the format allows, writing DV files and inline DVs.
 *
 * A delta_dv is immutable once made and lives in the arena it was made in (there
 * is no free function), so any number of scan threads may read one at a time.
 * Functions that take a `const delta_dv *` accept NULL as the empty set.
 */
#ifndef BRICKS_DELTA_DV_H
#define BRICKS_DELTA_DV_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"
#include "delta/action.h"

typedef struct delta_dv delta_dv;

/* The first 4 bytes (little-endian) of every serialized DV: the portable format. */
#define DELTA_DV_MAGIC UINT32_C(1681511377)
/* Row indexes are below 2^63: the protocol wants the top bit of every bucket key clear. */
#define DELTA_DV_MAX_ROW ((UINT64_C(1) << 63) - 1)
/* The version byte at the start of a DV file. */
#define DELTA_DV_FILE_VERSION 1

/* ---- the set (roaring.c) ---------------------------------------------------------------- */

/*
 * The set of rows[0..n), which may be unsorted and repeat, made in `a` (n == 0
 * gives the empty set).  Errors: BK_INVALID_ARGUMENT for a row above
 * DELTA_DV_MAX_ROW, BK_OUT_OF_MEMORY.
 */
bk_status delta_dv_from_rows(bk_arena *a, const uint64_t *rows, size_t n, delta_dv **out,
                             bk_error *err);

/* The union of x and y, made in `a` (sharing no memory with them).  Errors: BK_OUT_OF_MEMORY. */
bk_status delta_dv_union(bk_arena *a, const delta_dv *x, const delta_dv *y, delta_dv **out,
                         bk_error *err);

/* Number of rows in the set. */
uint64_t delta_dv_cardinality(const delta_dv *dv);

/* True when `row` is in the set.  O(log containers + log container size). */
bool delta_dv_contains(const delta_dv *dv, uint64_t row);

/*
 * Set deleted[i] = 1 for every i < n such that row first_row + i is in the set;
 * other entries are left as they are.  The scan's bulk form of contains: it costs
 * O(log containers + n / 64 + rows of the set in the range).
 */
void delta_dv_mark(const delta_dv *dv, uint64_t first_row, size_t n, uint8_t *deleted);

/* The largest row in the set; false (and *out untouched) when the set is empty. */
bool delta_dv_max_row(const delta_dv *dv, uint64_t *out);

/*
 * All rows in ascending order, as an array of delta_dv_cardinality(dv) entries in
 * `a` (*rows is NULL when the set is empty).  Errors: BK_OUT_OF_MEMORY.
 */
bk_status delta_dv_to_rows(bk_arena *a, const delta_dv *dv, uint64_t **rows, size_t *n,
                           bk_error *err);

/*
 * Parse the serialized form, data[0..len): the magic number, then the portable
 * RoaringBitmapArray, with nothing after it.  Every length, key order, container
 * and cardinality is checked, so any input gives either a valid set or BK_CORRUPT
 * ("deletion vector: …"; the caller adds where the bytes came from).  The result
 * does not point into `data`.  Errors: BK_CORRUPT, BK_OUT_OF_MEMORY.
 */
bk_status delta_dv_parse(bk_arena *a, const uint8_t *data, size_t len, delta_dv **out,
                         bk_error *err);

/*
 * Append the serialized form of `dv` to `out`: the magic number and the portable
 * RoaringBitmapArray, only non-empty buckets, each container in the smallest of the
 * array / bitmap / run encodings.  Exactly delta_dv_serialized_size(dv) bytes.
 * Errors: BK_OUT_OF_MEMORY (the buffer is left as it was).
 */
bk_status delta_dv_serialize(const delta_dv *dv, bk_buf *out) BK_MUST_USE;
size_t delta_dv_serialized_size(const delta_dv *dv);

/* ---- descriptors and storage (dv.c) ----------------------------------------------------- */

/*
 * Load the DV a descriptor points at, into `a`.  `table_root` is the table's
 * directory (used for 'u' and for a relative 'p' path).
 *   'i'  Z85-decode pathOrInlineDv and parse its first sizeInBytes bytes.
 *   'u'  the file <table_root>/<prefix>/deletion_vector_<uuid>.bin, where the last
 *        20 characters of pathOrInlineDv are the Z85 UUID and any before it the prefix.
 *   'p'  the file at pathOrInlineDv: an absolute path or a file: URI (%-escapes decoded).
 * For files, the bytes at `offset` (1 when absent: just after the version byte)
 * are a 4-byte big-endian size that must equal sizeInBytes, the DV and a 4-byte
 * big-endian CRC-32 of it that must match.  Last, the DV's size must equal the
 * descriptor's cardinality.
 * Errors: BK_CORRUPT (bad descriptor, short file, size, checksum, contents or
 * cardinality mismatch; the message names the file and offset, or says "inline"),
 * BK_IO (the file cannot be read), BK_UNSUPPORTED (a storage type or a 'p' URI
 * scheme we do not read), BK_OUT_OF_MEMORY.  Callers add the data file's name with
 * bk_error_prefix.
 */
bk_status delta_dv_load(bk_arena *a, const char *table_root, const delta_dv_ref *ref,
                        delta_dv **out, bk_error *err);

/*
 * The absolute path of the file a 'u' or 'p' descriptor points at, in `a` (the
 * derived field absolutePath).  Errors: BK_CORRUPT (bad UUID text, an inline
 * descriptor), BK_UNSUPPORTED (a URI scheme other than file:), BK_OUT_OF_MEMORY.
 */
bk_status delta_dv_file_path(bk_arena *a, const char *table_root, const delta_dv_ref *ref,
                             const char **out, bk_error *err);

/*
 * The derived field uniqueId: <storageType><pathOrInlineDv>, followed by @<offset>
 * when the descriptor has one.  Log replay uses it to tell two DVs of one data file
 * apart.  In `a`; NULL on OOM.
 */
const char *delta_dv_unique_id(bk_arena *a, const delta_dv_ref *ref);

/*
 * Describe `dv` as an inline descriptor (storageType 'i'): pathOrInlineDv is the
 * Z85 text of the serialized DV padded with zero bytes to a multiple of 4,
 * sizeInBytes its unpadded size, no offset.  Strings in `a`.  Meant for small DVs:
 * the text is 5/4 of the serialized size and lives in the log.
 * Errors: BK_LIMIT_EXCEEDED (larger than 2 GiB), BK_OUT_OF_MEMORY.
 */
bk_status delta_dv_encode_inline(bk_arena *a, const delta_dv *dv, delta_dv_ref *ref_out,
                                 bk_error *err);

/*
 * Write dvs[0..n) (n >= 1) into one new file <table_root>/deletion_vector_<uuid>.bin
 * with a fresh random (version 4) UUID, atomically and without replacing anything,
 * and fill refs_out[0..n) with descriptors for them: storageType 'u', the 20-char
 * Z85 UUID (no prefix), offset, sizeInBytes and cardinality.  Strings in `a`.
 * Nothing is visible at the path unless the whole file was written.
 * Errors: BK_INVALID_ARGUMENT (n == 0), BK_LIMIT_EXCEEDED (the file would pass
 * 2 GiB, which int offsets cannot address), BK_IO, BK_OUT_OF_MEMORY.
 */
bk_status delta_dv_write_file(bk_arena *a, const char *table_root, delta_dv *const *dvs, size_t n,
                              delta_dv_ref *refs_out, bk_error *err);

#endif
