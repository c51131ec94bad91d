/*
 * retention.c — table properties that are durations: "interval 7 days",
 * "interval 30 days", "interval 168 hours" (Spark's CalendarInterval text, the
 * form delta.deletedFileRetentionDuration and delta.logRetentionDuration use).
 */
#include <string.h>

#include "base/str.h"
#include "delta/snapshot.h"

bool delta_parse_interval_ms(const char *text, int64_t *out) {
    bk_str s = bk_str_trim(bk_str_from_cstr(text));
    if (bk_str_starts_with(s, "interval ") || bk_str_starts_with(s, "INTERVAL ")) {
        s.ptr += 9;
        s.len -= 9;
    }
    s = bk_str_trim(s);
    size_t digits = 0;
    while (digits < s.len && s.ptr[digits] >= '0' && s.ptr[digits] <= '9') digits++;
    int64_t n;
    if (digits == 0 || !bk_parse_i64(s.ptr, digits, &n)) return false;
    bk_str unit = bk_str_trim(bk_str_make(s.ptr + digits, s.len - digits));
    static const struct {
        const char *name;
        int64_t ms;
    } units[] = {{"millisecond", 1}, {"second", 1000},  {"minute", 60000},
                 {"hour", 3600000},  {"day", 86400000}, {"week", 604800000}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t len = strlen(units[i].name);
        bool plural = unit.len == len + 1 && (unit.ptr[len] == 's' || unit.ptr[len] == 'S');
        if ((unit.len == len || plural) &&
            bk_str_ieq(bk_str_make(unit.ptr, len), bk_str_from_cstr(units[i].name))) {
            if (n > INT64_MAX / units[i].ms) return false;
            *out = n * units[i].ms;
            return true;
        }
    }
    return false;
}

int64_t delta_config_duration_ms(const delta_snapshot *s, const char *key, int64_t default_ms) {
    bool found;
    const char *v = delta_kv_get(&s->metadata.configuration, key, &found);
    int64_t ms;
    return v && delta_parse_interval_ms(v, &ms) ? ms : default_ms;
}
