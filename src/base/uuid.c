/*
 * uuid.c — version 4 UUIDs from the kernel's random source.
 */
#include "base/uuid.h"

#include <stdio.h>
#include <sys/random.h>

void bk_uuid_v4(uint8_t out[16]) {
    size_t got = 0;
    while (got < 16) {
        ssize_t n = getrandom(out + got, 16 - got, 0);
        if (n > 0) got += (size_t)n;
    }
    out[6] = (uint8_t)((out[6] & 0x0f) | 0x40);
    out[8] = (uint8_t)((out[8] & 0x3f) | 0x80);
}

void bk_uuid_format(const uint8_t u[16], char out[37]) {
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
             u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
             u[14], u[15]);
}

void bk_uuid_v4_text(char out[37]) {
    uint8_t u[16];
    bk_uuid_v4(u);
    bk_uuid_format(u, out);
}
