/*
 * version.c — bricks_version(), the first function of the public API (bricks.h).
 *
 * It lives in base/ because every layer may want to print it; BRICKS_VERSION is
 * defined by the Makefile from the VERSION file.
 */
#include "bricks.h"

#ifndef BRICKS_VERSION
#define BRICKS_VERSION "0.0.0"
#endif

const char *bricks_version(void) { return BRICKS_VERSION; }
