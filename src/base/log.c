/*
 * log.c — leveled logging (see log.h).
 *
 * The level is an atomic so that bk_log_enabled costs one load; BRICKS_LOG is read
 * once, under pthread_once, before the first use.  Output goes through one mutex so
 * that a line is written whole (and the sink is never called concurrently).
 */
#include "base/log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"

#define LINE_MAX_BYTES 4096

static atomic_int current_level = BK_LOG_INFO;
static pthread_once_t env_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static bk_log_sink sink_fn;
static void *sink_arg;

static const char *const level_names[] = {"DEBUG", "INFO", "WARNING", "ERROR", "OFF"};

static char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

static bool ieq(const char *a, const char *b) {
    for (; *a && *b; a++, b++) {
        if (ascii_lower(*a) != ascii_lower(*b)) return false;
    }
    return *a == *b;
}

bool bk_log_parse_level(const char *text, bk_log_level *out) {
    static const struct {
        const char *name;
        bk_log_level level;
    } names[] = {
        {"debug", BK_LOG_DEBUG}, {"info", BK_LOG_INFO},   {"warning", BK_LOG_WARN},
        {"warn", BK_LOG_WARN},   {"error", BK_LOG_ERROR}, {"off", BK_LOG_OFF},
        {"none", BK_LOG_OFF},
    };
    for (size_t i = 0; i < BK_ARRAY_LEN(names); i++) {
        if (ieq(text, names[i].name)) {
            *out = names[i].level;
            return true;
        }
    }
    return false;
}

/* Apply BRICKS_LOG; an unknown value is reported once and otherwise ignored. */
static void read_env(void) {
    const char *env = getenv("BRICKS_LOG");
    if (!env || !*env) return;
    bk_log_level level;
    if (bk_log_parse_level(env, &level))
        atomic_store(&current_level, (int)level);
    else
        fprintf(stderr, "bricks: WARNING:  invalid value for BRICKS_LOG: \"%s\"\n", env);
}

bk_log_level bk_log_get_level(void) {
    pthread_once(&env_once, read_env);
    return (bk_log_level)atomic_load(&current_level);
}

void bk_log_set_level(bk_log_level level) {
    pthread_once(&env_once, read_env); /* so that a later first use cannot override this */
    atomic_store(&current_level, (int)level);
}

bool bk_log_enabled(bk_log_level level) {
    return level < BK_LOG_OFF && (int)level >= (int)bk_log_get_level();
}

const char *bk_log_level_name(bk_log_level level) {
    if ((int)level < 0 || level > BK_LOG_OFF) return "LOG";
    return level_names[level];
}

void bk_log_set_sink(bk_log_sink fn, void *arg) {
    pthread_mutex_lock(&out_lock);
    sink_fn = fn;
    sink_arg = arg;
    pthread_mutex_unlock(&out_lock);
}

void bk_logv(bk_log_level level, const char *fmt, va_list ap) {
    if (!bk_log_enabled(level)) return;
    char line[LINE_MAX_BYTES];
    int64_t now = bk_now_micros();
    char stamp[BK_TIMESTAMP_TEXT_MAX];
    int64_t days, of_day;
    bk_micros_split(now, &days, &of_day);
    /* milliseconds, always three digits: format the second, then append .mmm */
    bk_format_timestamp_micros(now - of_day % BK_MICROS_PER_SECOND, stamp, sizeof stamp);
    int head = snprintf(line, sizeof line, "%s.%03d UTC [%ld] %s:  ", stamp,
                        (int)(of_day % BK_MICROS_PER_SECOND / 1000), (long)getpid(),
                        bk_log_level_name(level));
    if (head < 0) return;
    size_t len = (size_t)head;
    int n = vsnprintf(line + len, sizeof line - len - 1, fmt, ap);
    if (n < 0) n = 0;
    if ((size_t)n >= sizeof line - len - 1) {
        len = sizeof line - 5;
        while (len > (size_t)head && ((unsigned char)line[len] & 0xC0) == 0x80) len--;
        memcpy(line + len, "...", 3);
        len += 3;
    } else {
        len += (size_t)n;
    }
    while (len > (size_t)head && line[len - 1] == '\n') len--;
    line[len] = '\0';

    pthread_mutex_lock(&out_lock);
    if (sink_fn) {
        sink_fn(sink_arg, level, line);
    } else {
        line[len] = '\n';
        fwrite(line, 1, len + 1, stderr);
        fflush(stderr);
    }
    pthread_mutex_unlock(&out_lock);
}

void bk_log(bk_log_level level, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    bk_logv(level, fmt, ap);
    va_end(ap);
}

#define LEVEL_FN(name, level)                                                                      \
    void name(const char *fmt, ...) {                                                              \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        bk_logv(level, fmt, ap);                                                                   \
        va_end(ap);                                                                                \
    }

LEVEL_FN(bk_log_debug, BK_LOG_DEBUG)
LEVEL_FN(bk_log_info, BK_LOG_INFO)
LEVEL_FN(bk_log_warn, BK_LOG_WARN)
LEVEL_FN(bk_log_error, BK_LOG_ERROR)
