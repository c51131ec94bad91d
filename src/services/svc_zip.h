/*
 * svc_zip.h — writing a ZIP archive in memory (PKWARE APPNOTE 6.3, no ZIP64), for
 * exporting a workspace directory as one file.
 *
 *     svc_zip z;
 *     svc_zip_init(&z);
 *     svc_zip_add(&z, "etl/load.py", data, len);     … one call per entry
 *     svc_zip_finish(&z, arena, &bytes, &n, err);    the archive, in the arena
 *     svc_zip_destroy(&z);
 *
 * Entries are deflated (zlib, raw deflate) unless that does not make them smaller,
 * then stored; names are UTF-8 (flag bit 11).  Limits: 65,535 entries and 4 GiB in
 * all (BK_LIMIT_EXCEEDED beyond).  Out of memory is sticky: later calls do nothing
 * and svc_zip_finish reports it.
 */
#ifndef BRICKS_SERVICES_SVC_ZIP_H
#define BRICKS_SERVICES_SVC_ZIP_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"

typedef struct svc_zip {
    bk_buf data;    /* local headers and entry data */
    bk_buf central; /* the central directory */
    size_t n_entries;
    bk_status failed; /* BK_OK until something failed */
} svc_zip;

void svc_zip_init(svc_zip *z);
void svc_zip_add(svc_zip *z, const char *name, const void *data, size_t len);
bk_status svc_zip_finish(svc_zip *z, bk_arena *a, char **out, size_t *out_len, bk_error *err);
void svc_zip_destroy(svc_zip *z);

#endif
