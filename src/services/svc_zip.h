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
 *
 * svc_unzip reads an archive back (stored and deflated entries, CRC-checked), with
 * a bound on the total uncompressed size so that a small "zip bomb" cannot blow up
 * memory: BK_INVALID_ARGUMENT for a damaged archive, BK_WS_MAX_NOTEBOOK_SIZE past
 * the bound.
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

/* One entry of an archive read by svc_unzip (name and data in the arena). */
typedef struct svc_zip_entry {
    const char *name; /* as stored: "dir/sub/x.py"; directories end in "/" */
    const char *data; /* NUL-terminated (may hold NULs) */
    size_t len;
} svc_zip_entry;

/* Whether `data` starts like a ZIP archive ("PK\3\4"). */
bool svc_zip_is_archive(const char *data, size_t len);
bk_status svc_unzip(bk_arena *a, const char *data, size_t len, size_t max_total,
                    svc_zip_entry **out, size_t *n, bk_error *err);

#endif
