/*
 * crc.h — CRC-32 of Parquet pages (PageHeader.crc).
 *
 * The checksum is the one zlib, java.util.zip.CRC32 and gzip compute: the IEEE
 * 802.3 polynomial 0x04C11DB7, bit-reflected, initial value and final XOR
 * 0xFFFFFFFF ("123456789" -> 0xCBF43926).  Values are the finished checksum, as
 * zlib's crc32() returns them, so
 *
 *     pq_crc32_update(pq_crc32_update(0, a, na), b, nb) == pq_crc32(a || b)
 *
 * On x86-64 CPUs with PCLMULQDQ the bulk of the data is folded with carry-less
 * multiplication (~8 bytes a cycle); elsewhere a slicing-by-8 table loop runs
 * (~1 byte a cycle).  Both give the same answer for every input.
 *
 * Thread-safe: the table is built once, under pthread_once; no other state.
 */
#ifndef BRICKS_PARQUET_CRC_H
#define BRICKS_PARQUET_CRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The CRC-32 of `len` bytes following a previous checksum `crc` (0 for the start
 * of a stream).  `data` may be NULL when len is 0; no alignment is required.
 */
uint32_t pq_crc32_update(uint32_t crc, const uint8_t *data, size_t len);

/* The CRC-32 of `len` bytes at `data`: pq_crc32_update(0, data, len). */
uint32_t pq_crc32(const uint8_t *data, size_t len);

/*
 * The same checksum through the portable table loop only, whatever the CPU: for
 * tests that compare the two paths, and for measuring the gain.
 */
uint32_t pq_crc32_update_portable(uint32_t crc, const uint8_t *data, size_t len);

/* True when pq_crc32_update uses the carry-less multiply path on this CPU. */
bool pq_crc32_accelerated(void);

#endif
