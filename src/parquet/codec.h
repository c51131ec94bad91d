/*
 * codec.h — page compression codecs, through the Debian libraries.
 *
 * UNCOMPRESSED, SNAPPY (libsnappy), GZIP (zlib; concatenated members allowed),
 * BROTLI (libbrotli), ZSTD (libzstd), LZ4_RAW (liblz4 block), and the deprecated
 * LZ4 codec, which appears in the wild in two framings: Hadoop's (a sequence of
 * [4-byte BE uncompressed size][4-byte BE compressed size][lz4 block]) and a bare
 * LZ4 block.  The decoder tries Hadoop framing first and falls back to a raw block,
 * as parquet-mr and Arrow do.  LZO is not supported (no Debian library): a clear
 * BK_UNSUPPORTED error.
 *
 * Thread-safe: no shared state.
 */
#ifndef BRICKS_PARQUET_CODEC_H
#define BRICKS_PARQUET_CODEC_H

#include "base/buf.h"
#include "base/error.h"
#include "parquet/meta.h"

/*
 * Decompress `src_len` bytes into exactly `dst_len` bytes at `dst`.  A stream that
 * decodes to any other size, or that is damaged, is BK_CORRUPT ("could not
 * decompress SNAPPY page: ...").  Never writes past dst + dst_len.
 */
bk_status pq_decompress(pq_codec codec, const uint8_t *src, size_t src_len, uint8_t *dst,
                        size_t dst_len, bk_error *err);

/*
 * Compress `n` bytes and append the result to `out`.  `level` is codec-specific
 * (0 = the library default).  LZ4 (deprecated) is written with Hadoop framing.
 */
bk_status pq_compress(pq_codec codec, int level, const uint8_t *src, size_t n, bk_buf *out,
                      bk_error *err);

/* True if this build can read and write the codec. */
bool pq_codec_supported(pq_codec codec);

/* Parse "snappy", "ZSTD", "none", "uncompressed", "gzip", "lz4_raw", "brotli", "lz4". */
bool pq_codec_from_name(const char *name, pq_codec *out);

#endif
