/*
 * z85.h — the Z85 flavour of Base85 (ZeroMQ RFC 32), as Delta uses it.
 *
 * Delta writes two things in Z85: the 16-byte UUID that names a deletion vector
 * file (20 characters, the tail of `pathOrInlineDv` when storageType = 'u') and
 * the bytes of an inline deletion vector (storageType = 'i').  Every 4 bytes,
 * read as a big-endian 32-bit number, become 5 characters, most significant digit
 * first, from the alphabet
 *
 *     0-9 a-z A-Z . - : + = ^ ! / * ? & < > ( ) [ ] { } @ % $ #
 *
 * The codec works on whole blocks only: callers pad their input to a multiple of
 * 4 bytes (Delta pads an inline DV with zero bytes and records the unpadded size
 * in `sizeInBytes`).  All functions are pure and thread-safe.
 */
#ifndef BRICKS_DELTA_Z85_H
#define BRICKS_DELTA_Z85_H

#include "base/bk.h"
#include "base/error.h"

/* Characters that encode `n` bytes (n a multiple of 4), not counting a NUL. */
static inline size_t delta_z85_encoded_len(size_t n) { return n / 4 * 5; }
/* Bytes that `len` characters decode to (len a multiple of 5). */
static inline size_t delta_z85_decoded_len(size_t len) { return len / 5 * 4; }

/*
 * Encode in[0..n) into out[0..n/4*5) and put a NUL after it, so `out` must hold
 * delta_z85_encoded_len(n) + 1 bytes.  Errors: BK_INVALID_ARGUMENT when n is not a
 * multiple of 4 (nothing is written).
 */
bk_status delta_z85_encode(const uint8_t *in, size_t n, char *out, bk_error *err);

/*
 * Decode in[0..len) into out[0..len/5*4).  Errors (BK_CORRUPT, naming the position
 * and the character): len not a multiple of 5, a character outside the alphabet,
 * a 5-character group whose value does not fit in 32 bits.  On error `out` may
 * hold part of the result.
 */
bk_status delta_z85_decode(const char *in, size_t len, uint8_t *out, bk_error *err);

#endif
