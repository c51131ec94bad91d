/*
 * uuid.h — random (version 4) UUIDs, for file names that must never collide.
 */
#ifndef BRICKS_BASE_UUID_H
#define BRICKS_BASE_UUID_H

#include "base/bk.h"

/* 16 random bytes shaped as a version 4, variant 1 UUID (getrandom(2)). */
void bk_uuid_v4(uint8_t out[16]);
/* The text form, "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" (37 bytes with the NUL). */
void bk_uuid_format(const uint8_t uuid[16], char out[37]);
/* A fresh UUID in text form. */
void bk_uuid_v4_text(char out[37]);

#endif
