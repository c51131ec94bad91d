/*
 * codec.c — page compression codecs over the Debian libraries (see codec.h).
 *
 * Every decompressor writes into the caller's buffer of exactly the size the page
 * header declares and never past it, so a decompression bomb cannot allocate or
 * write more than the header promised: output beyond dst_len is detected (by
 * asking the library for one more byte into a 1-byte scratch buffer, or by the
 * library's own capacity check) and reported as BK_CORRUPT, as is output shorter
 * than dst_len.  No codec allocates anything proportional to the data; zlib and
 * brotli state goes through bk_malloc so fault injection reaches it.
 *
 *   UNCOMPRESSED   a copy; sizes must agree
 *   SNAPPY         snappy-c; the length in the stream header must equal dst_len
 *   GZIP           zlib inflate with gzip/zlib auto-detection, any number of
 *                  concatenated members; written as one gzip member
 *   BROTLI         libbrotlidec streaming / libbrotlienc one-shot
 *   ZSTD           libzstd one-shot (concatenated frames allowed)
 *   LZ4_RAW        one LZ4 block
 *   LZ4            deprecated: tried as Hadoop framing, then as a raw LZ4 block,
 *                  then as LZ4 frames when it starts with the frame magic; written
 *                  with Hadoop framing in pieces of at most 256 KiB
 *   LZO            not supported (no Debian library): BK_UNSUPPORTED
 */
#include "parquet/codec.h"

#include <limits.h>
#include <string.h>
#include <strings.h>

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lz4hc.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "base/mem.h"

/* Hadoop's default LZ4 buffer: decoders built on it reject larger pieces. */
#define LZ4_HADOOP_PIECE (256u * 1024u)
#define LZ4_FRAME_MAGIC 0x184D2204u
/* Brotli's library default (11) runs at ~1 MB/s; 6 balances ratio and speed. */
#define BROTLI_DEFAULT_LEVEL 6

static const char *codec_name(pq_codec codec) {
    switch (codec) {
    case PQ_CODEC_UNCOMPRESSED:
        return "UNCOMPRESSED";
    case PQ_CODEC_SNAPPY:
        return "SNAPPY";
    case PQ_CODEC_GZIP:
        return "GZIP";
    case PQ_CODEC_LZO:
        return "LZO";
    case PQ_CODEC_BROTLI:
        return "BROTLI";
    case PQ_CODEC_LZ4:
        return "LZ4";
    case PQ_CODEC_ZSTD:
        return "ZSTD";
    case PQ_CODEC_LZ4_RAW:
        return "LZ4_RAW";
    }
    return "unknown";
}

/* ---- error helpers (cold) ---- */

BK_NOINLINE static bk_status size_mismatch(bk_error *err, pq_codec codec, size_t got, size_t want) {
    return bk_error_set(err, BK_CORRUPT, "%s page decompressed to %zu bytes, header says %zu",
                        codec_name(codec), got, want);
}

BK_NOINLINE static bk_status too_large(bk_error *err, pq_codec codec, size_t want) {
    return bk_error_set(err, BK_CORRUPT,
                        "%s page decompresses to more than the %zu bytes the header says",
                        codec_name(codec), want);
}

BK_NOINLINE static bk_status damaged(bk_error *err, pq_codec codec, const char *why) {
    return bk_error_set(err, BK_CORRUPT, "could not decompress %s page: %s", codec_name(codec),
                        why);
}

BK_NOINLINE static bk_status no_memory(bk_error *err, pq_codec codec) {
    return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory while processing a %s page",
                        codec_name(codec));
}

static uint32_t load_be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t load_le32(const uint8_t *p) {
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static void store_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* ---- allocator hooks ---- */

static voidpf zlib_alloc(voidpf opaque, uInt items, uInt size) {
    (void)opaque;
    if (size != 0 && items > SIZE_MAX / size) return Z_NULL;
    return bk_malloc((size_t)items * size);
}

static void zlib_free(voidpf opaque, voidpf p) {
    (void)opaque;
    bk_free(p);
}

static void *brotli_alloc(void *opaque, size_t size) {
    (void)opaque;
    return bk_malloc(size);
}

static void brotli_free(void *opaque, void *p) {
    (void)opaque;
    bk_free(p);
}

/* ---- SNAPPY ---- */

static bk_status snappy_dec(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len,
                            bk_error *err) {
    size_t declared;
    if (snappy_uncompressed_length((const char *)src, src_len, &declared) != SNAPPY_OK)
        return damaged(err, PQ_CODEC_SNAPPY, "bad length header");
    if (declared != dst_len) return size_mismatch(err, PQ_CODEC_SNAPPY, declared, dst_len);
    size_t out_len = dst_len;
    if (snappy_uncompress((const char *)src, src_len, (char *)dst, &out_len) != SNAPPY_OK)
        return damaged(err, PQ_CODEC_SNAPPY, "corrupt data");
    if (out_len != dst_len) return size_mismatch(err, PQ_CODEC_SNAPPY, out_len, dst_len);
    return BK_OK;
}

static bk_status snappy_comp(const uint8_t *src, size_t n, bk_buf *out, bk_error *err) {
    size_t bound = snappy_max_compressed_length(n);
    if (bk_buf_reserve(out, bound) != BK_OK) return no_memory(err, PQ_CODEC_SNAPPY);
    size_t out_len = bound;
    if (snappy_compress((const char *)src, n, (char *)out->data + out->len, &out_len) !=
        SNAPPY_OK) {
        return bk_error_set(err, BK_INTERNAL, "could not compress SNAPPY page of %zu bytes", n);
    }
    out->len += out_len;
    return BK_OK;
}

/* ---- GZIP ---- */

/*
 * Inflate members one after another until the input is used up.  windowBits 15+32
 * accepts both gzip and zlib headers.  Once dst is full, the stream is driven
 * into a 1-byte scratch buffer: any byte arriving there means the page is larger
 * than declared.
 */
static bk_status gzip_dec(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len,
                          bk_error *err) {
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    zs.zalloc = zlib_alloc;
    zs.zfree = zlib_free;
    if (inflateInit2(&zs, 15 + 32) != Z_OK) return no_memory(err, PQ_CODEC_GZIP);
    size_t in_pos = 0, out_pos = 0;
    bk_status st = BK_OK;
    uint8_t scratch;
    for (;;) {
        bool probing = out_pos == dst_len;
        size_t in_chunk = BK_MIN(src_len - in_pos, (size_t)UINT_MAX);
        size_t out_chunk = probing ? 1 : BK_MIN(dst_len - out_pos, (size_t)UINT_MAX);
        zs.next_in = (Bytef *)(uintptr_t)(src + in_pos);
        zs.avail_in = (uInt)in_chunk;
        zs.next_out = probing ? &scratch : dst + out_pos;
        zs.avail_out = (uInt)out_chunk;
        int rc = inflate(&zs, Z_NO_FLUSH);
        size_t used = in_chunk - zs.avail_in;
        size_t produced = out_chunk - zs.avail_out;
        in_pos += used;
        if (probing && produced > 0) {
            st = too_large(err, PQ_CODEC_GZIP, dst_len);
            break;
        }
        if (!probing) out_pos += produced;
        if (rc == Z_STREAM_END) {
            if (in_pos == src_len) break;
            /* Another member follows (RFC 1952 allows several). */
            if (inflateReset(&zs) != Z_OK) {
                st = damaged(err, PQ_CODEC_GZIP, "could not reset the stream");
                break;
            }
            continue;
        }
        if (rc == Z_OK && (used > 0 || produced > 0)) continue;
        if (rc == Z_OK || rc == Z_BUF_ERROR) {
            /* No progress possible: the input ended inside a member. */
            if (in_pos == src_len) {
                st = damaged(err, PQ_CODEC_GZIP, "data ends before the end of the stream");
                break;
            }
            if (used == 0 && produced == 0) {
                st = damaged(err, PQ_CODEC_GZIP, "stream makes no progress");
                break;
            }
            continue;
        }
        if (rc == Z_MEM_ERROR) {
            st = no_memory(err, PQ_CODEC_GZIP);
        } else {
            st = damaged(err, PQ_CODEC_GZIP, zs.msg ? zs.msg : "corrupt data");
        }
        break;
    }
    inflateEnd(&zs);
    if (st == BK_OK && out_pos != dst_len) st = size_mismatch(err, PQ_CODEC_GZIP, out_pos, dst_len);
    return st;
}

static bk_status gzip_comp(int level, const uint8_t *src, size_t n, bk_buf *out, bk_error *err) {
    if (level < 0 || level > 9) {
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "GZIP compression level %d is out of range (1..9)", level);
    }
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    zs.zalloc = zlib_alloc;
    zs.zfree = zlib_free;
    if (deflateInit2(&zs, level == 0 ? Z_DEFAULT_COMPRESSION : level, Z_DEFLATED, 15 + 16, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
        return no_memory(err, PQ_CODEC_GZIP);
    }
    bk_status st = BK_OK;
    size_t in_pos = 0;
    uLong bound = deflateBound(&zs, (uLong)BK_MIN(n, (size_t)ULONG_MAX));
    size_t want = (size_t)bound + 64;
    for (;;) {
        if (bk_buf_reserve(out, want) != BK_OK) {
            st = no_memory(err, PQ_CODEC_GZIP);
            break;
        }
        size_t in_chunk = BK_MIN(n - in_pos, (size_t)UINT_MAX);
        size_t out_chunk = BK_MIN(out->cap - out->len, (size_t)UINT_MAX);
        zs.next_in = (Bytef *)(uintptr_t)(src + in_pos);
        zs.avail_in = (uInt)in_chunk;
        zs.next_out = out->data + out->len;
        zs.avail_out = (uInt)out_chunk;
        int flush = in_pos + in_chunk == n ? Z_FINISH : Z_NO_FLUSH;
        int rc = deflate(&zs, flush);
        in_pos += in_chunk - zs.avail_in;
        out->len += out_chunk - zs.avail_out;
        if (rc == Z_STREAM_END) break;
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            st = bk_error_set(err, BK_INTERNAL, "could not compress GZIP page: %s",
                              zs.msg ? zs.msg : "deflate failed");
            break;
        }
        want = 64 * 1024;
    }
    deflateEnd(&zs);
    return st;
}

/* ---- BROTLI ---- */

static bk_status brotli_dec(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len,
                            bk_error *err) {
    BrotliDecoderState *s = BrotliDecoderCreateInstance(brotli_alloc, brotli_free, NULL);
    if (!s) return no_memory(err, PQ_CODEC_BROTLI);
    size_t avail_in = src_len, avail_out = dst_len;
    const uint8_t *next_in = src;
    uint8_t *next_out = dst;
    BrotliDecoderResult rc =
        BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, NULL);
    bk_status st = BK_OK;
    switch (rc) {
    case BROTLI_DECODER_RESULT_SUCCESS:
        if (avail_in != 0) {
            st = damaged(err, PQ_CODEC_BROTLI, "data after the end of the stream");
        } else if (avail_out != 0) {
            st = size_mismatch(err, PQ_CODEC_BROTLI, dst_len - avail_out, dst_len);
        }
        break;
    case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT:
        st = too_large(err, PQ_CODEC_BROTLI, dst_len);
        break;
    case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT:
        st = damaged(err, PQ_CODEC_BROTLI, "data ends before the end of the stream");
        break;
    default:
        st = damaged(err, PQ_CODEC_BROTLI, BrotliDecoderErrorString(BrotliDecoderGetErrorCode(s)));
        break;
    }
    BrotliDecoderDestroyInstance(s);
    return st;
}

static bk_status brotli_comp(int level, const uint8_t *src, size_t n, bk_buf *out, bk_error *err) {
    if (level < 0 || level > BROTLI_MAX_QUALITY) {
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "BROTLI compression level %d is out of range (1..%d)", level,
                            BROTLI_MAX_QUALITY);
    }
    size_t bound = BrotliEncoderMaxCompressedSize(n);
    if (bound == 0) bound = n + 1024; /* 0 means "too large to bound"; try anyway */
    if (bk_buf_reserve(out, bound) != BK_OK) return no_memory(err, PQ_CODEC_BROTLI);
    size_t out_len = out->cap - out->len;
    if (!BrotliEncoderCompress(level == 0 ? BROTLI_DEFAULT_LEVEL : level, BROTLI_DEFAULT_WINDOW,
                               BROTLI_MODE_GENERIC, n, src, &out_len, out->data + out->len)) {
        return bk_error_set(err, BK_INTERNAL, "could not compress BROTLI page of %zu bytes", n);
    }
    out->len += out_len;
    return BK_OK;
}

/* ---- ZSTD ---- */

static bk_status zstd_dec(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len,
                          bk_error *err) {
    size_t r = ZSTD_decompress(dst, dst_len, src, src_len);
    if (ZSTD_isError(r)) {
        if (ZSTD_getErrorCode(r) == ZSTD_error_dstSize_tooSmall) {
            unsigned long long declared = ZSTD_getFrameContentSize(src, src_len);
            if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR &&
                declared <= SIZE_MAX) {
                return size_mismatch(err, PQ_CODEC_ZSTD, (size_t)declared, dst_len);
            }
            return too_large(err, PQ_CODEC_ZSTD, dst_len);
        }
        if (ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation)
            return no_memory(err, PQ_CODEC_ZSTD);
        return damaged(err, PQ_CODEC_ZSTD, ZSTD_getErrorName(r));
    }
    if (r != dst_len) return size_mismatch(err, PQ_CODEC_ZSTD, r, dst_len);
    return BK_OK;
}

static bk_status zstd_comp(int level, const uint8_t *src, size_t n, bk_buf *out, bk_error *err) {
    if (level != 0 && (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel())) {
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "ZSTD compression level %d is out of range (%d..%d)", level,
                            ZSTD_minCLevel(), ZSTD_maxCLevel());
    }
    size_t bound = ZSTD_compressBound(n);
    if (ZSTD_isError(bound) || bk_buf_reserve(out, bound) != BK_OK)
        return no_memory(err, PQ_CODEC_ZSTD);
    size_t r = ZSTD_compress(out->data + out->len, bound, src, n,
                             level == 0 ? ZSTD_CLEVEL_DEFAULT : level);
    if (ZSTD_isError(r)) {
        return bk_error_set(err, BK_INTERNAL, "could not compress ZSTD page: %s",
                            ZSTD_getErrorName(r));
    }
    out->len += r;
    return BK_OK;
}

/* ---- LZ4 ---- */

/* One raw LZ4 block into exactly dst_len bytes; -1 if damaged or too large. */
static long lz4_block(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len) {
    if (src_len > (size_t)INT_MAX) return -1;
    int cap = dst_len > (size_t)INT_MAX ? INT_MAX : (int)dst_len;
    return LZ4_decompress_safe((const char *)src, (char *)dst, (int)src_len, cap);
}

static bk_status lz4_raw_dec(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len,
                             bk_error *err) {
    if (dst_len > (size_t)LZ4_MAX_INPUT_SIZE) {
        return damaged(err, PQ_CODEC_LZ4_RAW, "page is larger than an LZ4 block can be");
    }
    long r = lz4_block(src, src_len, dst, dst_len);
    if (r < 0) {
        return damaged(err, PQ_CODEC_LZ4_RAW,
                       "corrupt data, or it decompresses to more bytes than the header says");
    }
    if ((size_t)r != dst_len) return size_mismatch(err, PQ_CODEC_LZ4_RAW, (size_t)r, dst_len);
    return BK_OK;
}

/*
 * Hadoop framing: pieces of [BE32 piece size][BE32 block size][LZ4 block]...
 * where a piece's blocks decompress to the piece size.  True only when the whole
 * input parses that way and fills dst exactly.
 */
static bool lz4_hadoop(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len) {
    size_t in = 0, out = 0;
    if (src_len < 8) return false;
    while (in < src_len) {
        if (src_len - in < 8) return false;
        size_t piece = load_be32(src + in);
        in += 4;
        if (piece > dst_len - out) return false;
        size_t piece_out = 0;
        do {
            if (src_len - in < 4) return false;
            size_t block = load_be32(src + in);
            in += 4;
            if (block > src_len - in) return false;
            long r = lz4_block(src + in, block, dst + out, piece - piece_out);
            if (r < 0) return false;
            in += block;
            out += (size_t)r;
            piece_out += (size_t)r;
        } while (piece_out < piece);
    }
    return out == dst_len;
}

/* LZ4 frame format (one or more frames); true when it fills dst exactly. */
static bool lz4_frames(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len,
                       bool *oom) {
    LZ4F_dctx *dctx;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION))) {
        *oom = true;
        return false;
    }
    size_t in = 0, out = 0;
    bool ok = false;
    uint8_t scratch;
    for (;;) {
        bool probing = out == dst_len;
        size_t in_size = src_len - in;
        size_t out_size = probing ? 1 : dst_len - out;
        size_t hint = LZ4F_decompress(dctx, probing ? &scratch : dst + out, &out_size, src + in,
                                      &in_size, NULL);
        if (LZ4F_isError(hint)) break;
        if (probing && out_size > 0) break;
        in += in_size;
        if (!probing) out += out_size;
        if (hint == 0 && in == src_len) {
            ok = out == dst_len;
            break;
        }
        if (in_size == 0 && out_size == 0) break; /* truncated: no progress */
    }
    LZ4F_freeDecompressionContext(dctx);
    return ok;
}

static bk_status lz4_hadoop_dec(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len,
                                bk_error *err) {
    if (lz4_hadoop(src, src_len, dst, dst_len)) return BK_OK;
    long r = lz4_block(src, src_len, dst, dst_len);
    if (r >= 0 && (size_t)r == dst_len) return BK_OK;
    if (src_len >= 4 && load_le32(src) == LZ4_FRAME_MAGIC) {
        bool oom = false;
        if (lz4_frames(src, src_len, dst, dst_len, &oom)) return BK_OK;
        if (oom) return no_memory(err, PQ_CODEC_LZ4);
    }
    return bk_error_set(err, BK_CORRUPT,
                        "could not decompress LZ4 page: %zu bytes are not Hadoop-framed, raw or "
                        "framed LZ4 data of %zu bytes",
                        src_len, dst_len);
}

/* One LZ4 block of n bytes at the end of out; level > 1 selects LZ4 HC. */
static bk_status lz4_block_comp(int level, const uint8_t *src, size_t n, bk_buf *out,
                                pq_codec codec, bk_error *err) {
    if (n > (size_t)LZ4_MAX_INPUT_SIZE) {
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "could not compress %s page: %zu bytes is larger than an LZ4 block "
                            "can be",
                            codec_name(codec), n);
    }
    int bound = LZ4_compressBound((int)n);
    if (bk_buf_reserve(out, (size_t)bound) != BK_OK) return no_memory(err, codec);
    char *dst = (char *)out->data + out->len;
    int r = level > 1 ? LZ4_compress_HC((const char *)src, dst, (int)n, bound, level)
                      : LZ4_compress_default((const char *)src, dst, (int)n, bound);
    if (r <= 0) {
        return bk_error_set(err, BK_INTERNAL, "could not compress %s page of %zu bytes",
                            codec_name(codec), n);
    }
    out->len += (size_t)r;
    return BK_OK;
}

static bk_status lz4_hadoop_comp(int level, const uint8_t *src, size_t n, bk_buf *out,
                                 bk_error *err) {
    size_t pos = 0;
    do {
        size_t piece = BK_MIN(n - pos, (size_t)LZ4_HADOOP_PIECE);
        if (bk_buf_reserve(out, 8) != BK_OK) return no_memory(err, PQ_CODEC_LZ4);
        size_t header_at = out->len;
        out->len += 8;
        BK_TRY(lz4_block_comp(level, src + pos, piece, out, PQ_CODEC_LZ4, err));
        store_be32(out->data + header_at, (uint32_t)piece);
        store_be32(out->data + header_at + 4, (uint32_t)(out->len - header_at - 8));
        pos += piece;
    } while (pos < n);
    return BK_OK;
}

/* ---- public ---- */

bk_status pq_decompress(pq_codec codec, const uint8_t *src, size_t src_len, uint8_t *dst,
                        size_t dst_len, bk_error *err) {
    static const uint8_t empty[1];
    uint8_t dummy[1];
    if (!src) src = empty; /* libraries dislike NULL even with a zero length */
    if (!dst) dst = dummy;
    /* An empty page stored as zero bytes (some writers skip the codec for it). */
    if (src_len == 0 && dst_len == 0 && pq_codec_supported(codec)) return BK_OK;
    switch (codec) {
    case PQ_CODEC_UNCOMPRESSED:
        if (src_len != dst_len) {
            return bk_error_set(err, BK_CORRUPT, "UNCOMPRESSED page has %zu bytes, header says %zu",
                                src_len, dst_len);
        }
        if (dst_len) memcpy(dst, src, dst_len);
        return BK_OK;
    case PQ_CODEC_SNAPPY:
        return snappy_dec(src, src_len, dst, dst_len, err);
    case PQ_CODEC_GZIP:
        return gzip_dec(src, src_len, dst, dst_len, err);
    case PQ_CODEC_BROTLI:
        return brotli_dec(src, src_len, dst, dst_len, err);
    case PQ_CODEC_ZSTD:
        return zstd_dec(src, src_len, dst, dst_len, err);
    case PQ_CODEC_LZ4_RAW:
        return lz4_raw_dec(src, src_len, dst, dst_len, err);
    case PQ_CODEC_LZ4:
        return lz4_hadoop_dec(src, src_len, dst, dst_len, err);
    case PQ_CODEC_LZO:
        return bk_error_set(err, BK_UNSUPPORTED,
                            "LZO compression is not supported; rewrite the file with SNAPPY, "
                            "ZSTD or GZIP");
    }
    return bk_error_set(err, BK_UNSUPPORTED, "unknown compression codec %d", (int)codec);
}

bk_status pq_compress(pq_codec codec, int level, const uint8_t *src, size_t n, bk_buf *out,
                      bk_error *err) {
    static const uint8_t empty[1];
    if (!src) src = empty;
    size_t start_len = out->len;
    bk_status st;
    switch (codec) {
    case PQ_CODEC_UNCOMPRESSED:
        st = bk_buf_append(out, src, n);
        if (st != BK_OK) st = no_memory(err, codec);
        break;
    case PQ_CODEC_SNAPPY:
        st = snappy_comp(src, n, out, err);
        break;
    case PQ_CODEC_GZIP:
        st = gzip_comp(level, src, n, out, err);
        break;
    case PQ_CODEC_BROTLI:
        st = brotli_comp(level, src, n, out, err);
        break;
    case PQ_CODEC_ZSTD:
        st = zstd_comp(level, src, n, out, err);
        break;
    case PQ_CODEC_LZ4_RAW:
        st = lz4_block_comp(level, src, n, out, codec, err);
        break;
    case PQ_CODEC_LZ4:
        st = lz4_hadoop_comp(level, src, n, out, err);
        break;
    case PQ_CODEC_LZO:
        st = bk_error_set(err, BK_UNSUPPORTED, "LZO compression is not supported");
        break;
    default:
        st = bk_error_set(err, BK_UNSUPPORTED, "unknown compression codec %d", (int)codec);
        break;
    }
    if (st != BK_OK) out->len = start_len;
    return st;
}

bool pq_codec_supported(pq_codec codec) {
    switch (codec) {
    case PQ_CODEC_UNCOMPRESSED:
    case PQ_CODEC_SNAPPY:
    case PQ_CODEC_GZIP:
    case PQ_CODEC_BROTLI:
    case PQ_CODEC_LZ4:
    case PQ_CODEC_ZSTD:
    case PQ_CODEC_LZ4_RAW:
        return true;
    case PQ_CODEC_LZO:
        return false;
    }
    return false;
}

bool pq_codec_from_name(const char *name, pq_codec *out) {
    static const struct {
        const char *name;
        pq_codec codec;
    } names[] = {
        {"none", PQ_CODEC_UNCOMPRESSED}, {"uncompressed", PQ_CODEC_UNCOMPRESSED},
        {"snappy", PQ_CODEC_SNAPPY},     {"gzip", PQ_CODEC_GZIP},
        {"lzo", PQ_CODEC_LZO},           {"brotli", PQ_CODEC_BROTLI},
        {"lz4", PQ_CODEC_LZ4},           {"zstd", PQ_CODEC_ZSTD},
        {"lz4_raw", PQ_CODEC_LZ4_RAW},
    };
    if (!name) return false;
    for (size_t i = 0; i < BK_ARRAY_LEN(names); i++) {
        if (strcasecmp(name, names[i].name) == 0) {
            *out = names[i].codec;
            return true;
        }
    }
    return false;
}
