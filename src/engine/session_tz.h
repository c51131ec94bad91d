/*
 * session_tz.h — the value of spark.sql.session.timeZone as SET stores it.
 *
 * `SET TIME ZONE 'zone' | LOCAL | INTERVAL …` and `SET spark.sql.session.timeZone = …`
 * both end here (the parser turns SET TIME ZONE into the key).  Spark's rules:
 *   a zone name (region ID, offset, UTC/Z/GMT, SHORT_IDS)  stored as written, after
 *       bk_tz_open accepts it; otherwise INVALID_CONF_VALUE.TIME_ZONE
 *   LOCAL                the zone of this machine: $TZ, else /etc/localtime's
 *                        region ID, else UTC (Spark: the JVM's default zone)
 *   INTERVAL '…' …       a day-time interval within ±18 hours with whole seconds,
 *                        stored as the offset ID ("+01:00", "-08:30:15", "Z");
 *                        otherwise INVALID_INTERVAL_FORMAT.TIMEZONE_INTERVAL_OUT_OF_RANGE
 */
#ifndef BRICKS_ENGINE_SESSION_TZ_H
#define BRICKS_ENGINE_SESSION_TZ_H

#include "base/arena.h"
#include "base/error.h"

/* The setting's value for `text` (trimmed), in `a`. */
bk_status eng_session_zone(bk_arena *a, char *text, char **out, bk_error *err) BK_MUST_USE;

#endif
