/*
 * tz.h — time zones from the system tz database, with java.time's rules.
 *
 * A bk_tz maps an instant (µs since the epoch, UTC) to its UTC offset, and a local
 * wall-clock time back to an instant.  Zones come from TZif files (versions 1 to 4)
 * under /usr/share/zoneinfo, or $TZDIR when set; instants after a file's last
 * transition follow the POSIX TZ rule in its footer ("PST8PDT,M3.2.0,M11.1.0"), so
 * 2100 and later are right even for the "slim" files Debian ships.
 *
 * Zone names are the ones Spark accepts (DateTimeUtils.getZoneId, i.e.
 * java.time.ZoneId.of with ZoneId.SHORT_IDS):
 *     region IDs        America/Los_Angeles, Europe/Berlin, Etc/GMT+8 (case-sensitive)
 *     UTC, GMT, UT, Z   offset zero
 *     offsets           +8  -05  +08:00  -0530  +05:30:15  (at most 18:00 either way)
 *                       Spark's legacy forms: +8:00 (one-digit hour), +08:3 (one-digit minute)
 *     prefixed offsets  GMT+8  UTC+01:00  UT-0300
 *     SHORT_IDS         PST -> America/Los_Angeles, EST -> -05:00, CTT -> Asia/Shanghai, ...
 * Anything else fails with BK_INVALID_TIMEZONE and Spark's INVALID_TIMEZONE message.
 * (A `SET TIME ZONE` caller reports BK_INVALID_CONF_TIME_ZONE instead; see
 * bk_tz_conf_error.)
 *
 * Zones are immutable once loaded and live for the whole process: bk_tz_open returns
 * a pointer from a process-wide cache (thread-safe; the first open of a name reads
 * the file, later ones are a hash lookup under a mutex).  Nothing is ever freed.
 * Every other function here is a pure read of an immutable zone and thread-safe.
 */
#ifndef BRICKS_BASE_TZ_H
#define BRICKS_BASE_TZ_H

#include "base/bk.h"
#include "base/error.h"

typedef struct bk_tz bk_tz;

/* Longest zone name accepted (region IDs are far shorter in practice). */
#define BK_TZ_NAME_MAX 128

/*
 * Look up (and on first use load) the zone called name[0..len).  On success *out
 * is a zone valid for the life of the process.  Errors: BK_INVALID_TIMEZONE for a
 * name Spark would refuse or that names no readable TZif file; BK_OUT_OF_MEMORY.
 */
bk_status bk_tz_open(const char *name, const bk_tz **out, bk_error *err) BK_MUST_USE;
bk_status bk_tz_open_n(const char *name, size_t len, const bk_tz **out, bk_error *err) BK_MUST_USE;

/* The zone "UTC" (always available, no file needed). */
const bk_tz *bk_tz_utc(void);

/*
 * The zone's ID as java.time prints it: region IDs as given ("Europe/Berlin"),
 * offsets normalized ("+08:00", "Z", "GMT+08:00", "UTC").
 */
const char *bk_tz_name(const bk_tz *tz);

/* True for a zone with one constant offset (UTC, +08:00, GMT+8, EST). */
bool bk_tz_is_fixed(const bk_tz *tz);

/* The offset from UTC (µs, local - UTC) in effect at the instant utc_micros. */
int64_t bk_tz_utc_offset(const bk_tz *tz, int64_t utc_micros);

/* utc_micros + its offset: the wall-clock time in tz (saturates at the int64 range). */
int64_t bk_tz_utc_to_local(const bk_tz *tz, int64_t utc_micros);

/*
 * The instant whose wall-clock time in tz is local_micros, by java.time's rules
 * (ZonedDateTime.of): in a gap (spring forward) the time moves later by the length
 * of the gap; in an overlap (fall back) the earlier offset wins, i.e. the first of
 * the two instants.  Saturates at the int64 range.
 */
int64_t bk_tz_local_to_utc(const bk_tz *tz, int64_t local_micros);

/*
 * The zone's abbreviation at the instant ("PST", "PDT", "CET", "+08"); for fixed
 * offsets the normalized ID.  Never NULL; valid for the life of the process.
 */
const char *bk_tz_abbrev(const bk_tz *tz, int64_t utc_micros);

/*
 * Replace the INVALID_TIMEZONE error in err (from bk_tz_open on `name`) by the
 * INVALID_CONF_VALUE.TIME_ZONE one that `SET TIME ZONE` / spark.sql.session.timeZone
 * reports.  Returns BK_INVALID_CONF_TIME_ZONE.
 */
bk_status bk_tz_conf_error(const char *name, bk_error *err);

#endif
