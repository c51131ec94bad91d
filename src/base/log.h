/*
 * log.h — leveled logging to stderr.
 *
 * One line per message, in the PostgreSQL log layout:
 *     2024-01-02 03:04:05.123 UTC [4242] WARNING:  could not remove file "x": ...
 * The threshold comes from the BRICKS_LOG environment variable (debug, info,
 * warning/warn, error, off; case-insensitive), read on first use; the default is
 * info.  bk_log_set_level overrides it.  Messages follow the error style guide (one
 * factual line, no trailing period); a trailing newline in the message is dropped.
 *
 * Thread-safe: each message is formatted on the caller's stack and written with a
 * single locked write, so lines from different threads never interleave.  A message
 * longer than about 4 KB is cut and ends in "...".
 */
#ifndef BRICKS_BASE_LOG_H
#define BRICKS_BASE_LOG_H

#include <stdarg.h>

#include "base/bk.h"

typedef enum bk_log_level {
    BK_LOG_DEBUG = 0,
    BK_LOG_INFO,
    BK_LOG_WARN,
    BK_LOG_ERROR,
    BK_LOG_OFF
} bk_log_level;

void bk_log(bk_log_level level, const char *fmt, ...) BK_PRINTF(2, 3);
void bk_logv(bk_log_level level, const char *fmt, va_list ap);
void bk_log_debug(const char *fmt, ...) BK_PRINTF(1, 2);
void bk_log_info(const char *fmt, ...) BK_PRINTF(1, 2);
void bk_log_warn(const char *fmt, ...) BK_PRINTF(1, 2);
void bk_log_error(const char *fmt, ...) BK_PRINTF(1, 2);
/* Log msg[0..len) as it is (no format; for a caller that built the text itself). */
void bk_log_text(bk_log_level level, const char *msg, size_t len);

/* True when messages at `level` are written (to skip building expensive ones). */
bool bk_log_enabled(bk_log_level level);
void bk_log_set_level(bk_log_level level);
bk_log_level bk_log_get_level(void);
/* "DEBUG", "INFO", "WARNING", "ERROR" (the labels in the log line). */
const char *bk_log_level_name(bk_log_level level);
/* Parse a BRICKS_LOG value; false when it is not a level name. */
bool bk_log_parse_level(const char *text, bk_log_level *out);

/*
 * Send lines to `fn` instead of stderr (for tests and for a server that keeps its
 * own log); `line` is NUL-terminated without the newline and valid only during the
 * call.  fn == NULL restores stderr.  Calls to fn are serialized.
 */
typedef void (*bk_log_sink)(void *arg, bk_log_level level, const char *line);
void bk_log_set_sink(bk_log_sink fn, void *arg);

#endif
