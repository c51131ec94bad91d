"""render.py — Spark's display of values and types, for the golden-file runner.

The driver (golden_driver.c) hands over each result losslessly (types as a small
tree, values as JSON; see its header comment).  This module turns them into the
text Spark's golden files hold:

  * schema_string(cols)  ->  df.schema.catalogString, e.g. "struct<a:int,b:decimal(3,1)>"
  * render_row(values, types)  ->  HiveResult.toHiveString of each value, joined by TAB

following sql-tests/RUNNER.md §2.3 (values) and §2.4 (types).  Pure functions.
"""

import base64
import decimal

YM_FIELDS = ("year", "month")
DT_FIELDS = ("day", "hour", "minute", "second")


# ---- types ----

def type_string(t):
    """Spark's catalogString of one driver type tree."""
    if isinstance(t, str):
        return t
    kind = t[0]
    if kind == "decimal":
        return "decimal(%d,%d)" % (t[1], t[2])
    if kind in ("iym", "idt"):
        names = YM_FIELDS if kind == "iym" else DT_FIELDS
        start, end = names[t[1]], names[t[2]]
        return "interval " + start if start == end else "interval %s to %s" % (start, end)
    if kind == "array":
        return "array<%s>" % type_string(t[1])
    if kind == "map":
        return "map<%s,%s>" % (type_string(t[1]), type_string(t[2]))
    if kind == "struct":
        return "struct<%s>" % ",".join("%s:%s" % (n, type_string(ft)) for n, ft in t[1])
    return str(t)


def schema_string(cols):
    """struct<name:type,...> for a result's [[name, type], ...] (struct<> when none)."""
    return "struct<%s>" % ",".join("%s:%s" % (n, type_string(t)) for n, t in cols)


# ---- numbers ----

def java_float_text(text):
    """Java's Double.toString / Float.toString layout of shortest round-trip digits.

    `text` is the driver's shortest decimal text ("1e+10", "0.0001", "-0", "NaN").
    Plain notation with at least one fraction digit when 1e-3 <= |x| < 1e7,
    else d.dddE±n (Java prints no '+': "1.0E10", "1.0E-4").
    """
    if text in ("NaN", "Infinity", "-Infinity"):
        return text
    d = decimal.Decimal(text)
    sign, digits, exp = d.as_tuple()
    neg = "-" if sign else ""
    if d == 0:
        return neg + "0.0"
    ds = "".join(map(str, digits)).rstrip("0")
    exp += len("".join(map(str, digits))) - len(ds)
    e = len(ds) - 1 + exp  # value = d.ddd x 10^e
    if -3 <= e < 7:
        if e >= 0:
            int_part = (ds[:e + 1]).ljust(e + 1, "0")
            frac = ds[e + 1:] or "0"
        else:
            int_part = "0"
            frac = "0" * (-e - 1) + ds
        return "%s%s.%s" % (neg, int_part, frac)
    return "%s%s.%sE%d" % (neg, ds[0], ds[1:] or "0", e)


# ---- dates and times ----

def civil_from_days(z):
    """(year, month, day) of a day count since 1970-01-01, proleptic Gregorian."""
    z += 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return (y + 1 if m <= 2 else y), m, d


def date_text(days):
    y, m, d = civil_from_days(days)
    year = "%04d" % y if y >= 0 else "-%04d" % -y
    return "%s-%02d-%02d" % (year, m, d)


def fraction_text(micros):
    """'.ffffff' with trailing zeros dropped, or '' for a whole second."""
    return ("." + ("%06d" % micros).rstrip("0")) if micros else ""


def time_of_day_text(us):
    secs, frac = divmod(us, 1000000)
    return "%02d:%02d:%02d%s" % (secs // 3600, secs // 60 % 60, secs % 60, fraction_text(frac))


def timestamp_text(micros):
    days, us = divmod(micros, 86400 * 1000000)
    return date_text(days) + " " + time_of_day_text(us)


def ym_interval_text(months):
    """Hive style: [-]Y-M whatever the fields."""
    sign = "-" if months < 0 else ""
    months = abs(months)
    return "%s%d-%d" % (sign, months // 12, months % 12)


def dt_interval_text(us):
    """Hive style: [-]D HH:MM:SS.nnnnnnnnn whatever the fields."""
    sign = "-" if us < 0 else ""
    us = abs(us)
    days, rest = divmod(us, 86400 * 1000000)
    secs, frac = divmod(rest, 1000000)
    return "%s%d %02d:%02d:%02d.%09d" % (sign, days, secs // 3600, secs // 60 % 60, secs % 60,
                                         frac * 1000)


# ---- values ----

def render(v, t, nested=False):
    """HiveResult.toHiveString of one value (nested: inside an array, map or struct)."""
    if v is None:
        return "null" if nested else "NULL"
    kind = t if isinstance(t, str) else t[0]
    if kind == "boolean":
        return "true" if v else "false"
    if kind in ("tinyint", "smallint", "int", "bigint"):
        return str(v)
    if kind in ("float", "double"):
        return java_float_text(v)
    if kind == "decimal":
        return v
    if kind == "string":
        return '"%s"' % v if nested else v
    if kind == "binary":
        return base64.b64decode(v).decode("utf-8", errors="replace")
    if kind == "date":
        return date_text(v)
    if kind in ("timestamp", "timestamp_ntz"):
        return timestamp_text(v)
    if kind == "time":
        return time_of_day_text(v)
    if kind == "iym":
        return ym_interval_text(v)
    if kind == "idt":
        return dt_interval_text(v)
    if kind == "array":
        return "[%s]" % ",".join(render(x, t[1], True) for x in v)
    if kind == "map":
        entries = sorted("%s:%s" % (render(k, t[1], True), render(x, t[2], True)) for k, x in v)
        return "{%s}" % ",".join(entries)
    if kind == "struct":
        return "{%s}" % ",".join('"%s":%s' % (name, render(x, ft, True))
                                 for (name, ft), x in zip(t[1], v))
    if kind == "void":
        return "null" if nested else "NULL"
    return "<%s?>" % kind


def render_row(values, types):
    return "\t".join(render(v, t) for v, t in zip(values, types))
