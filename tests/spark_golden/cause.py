"""cause.py — a one-line, grouped reason for a failing golden query.

run_golden.py classifies each query and keeps a detail string; this turns it into
the reason written to known_failures.txt and into the cause the summary counts
("function `mask` not implemented", "lambda functions not supported", ...), so
that the failures that share a root cause group together.  Heuristics on our own
error messages only: when they change, the reasons simply become less grouped.
"""

import re

CATEGORY_TEXT = {
    "order-only": "rows in another order than Spark's",
}


CAST_FUNCTIONS = {"boolean", "tinyint", "smallint", "int", "bigint", "float", "double",
                  "decimal", "string", "binary", "date", "timestamp"}


def our_error_cause(cls, msg):
    """The grouped cause of one of our errors (class, message)."""
    msg = msg or ""
    m = re.search(r"Cannot resolve routine `([^`]*)`", msg)
    if cls == "UNRESOLVED_ROUTINE" and m:
        name = m.group(1).lower()
        if name in CAST_FUNCTIONS:
            return "type-name cast functions (float(x), double(x), decimal(x), ...) not implemented"
        return "function `%s` not implemented" % name
    if cls == "TABLE_OR_VIEW_NOT_FOUND":
        m = re.search(r"`([^`]*)`", msg)
        return "table or view `%s` not found (its CREATE TABLE/INSERT failed earlier?)" % (
            m.group(1) if m else "?")
    if cls == "UNSUPPORTED_FEATURE":
        if re.search(r'the expression "[xX]\'', msg):
            return "binary literals X'..' not supported"
        if re.search(r'the expression "[^"]*->', msg):
            return "lambda functions (higher-order functions) not supported"
        if "CREATE FUNCTION" in msg:
            return "CREATE FUNCTION not supported"
        if re.search(r"CREATE table", msg, re.I):
            return "CREATE TABLE not supported"
        m = re.search(r'the data type "([^"]*)"', msg)
        if m:
            return "data type `%s` not supported" % m.group(1).lower()
        text = msg.replace("The feature is not supported: ", "")
        return "not supported: " + re.sub(r'"[^"]*"', '"..."', text)[:90]
    if cls == "PARSE_SYNTAX_ERROR":
        m = re.search(r"at or near (.*?)\.?$", msg.split("\n")[0])
        near = m.group(1) if m else "?"
        if near.strip("'").upper() == "INSERT":
            return "INSERT INTO not parsed"
        return "syntax error at or near %s" % near
    if cls == "UNRESOLVED_COLUMN":
        m = re.search(r"name `([^`]*)`", msg)
        name = m.group(1) if m else "?"
        if "." in name or re.match(r"t\d", name):
            return "outer (correlated) reference not resolved in a subquery"
        return "column `%s` not resolved" % name
    if cls == "DATATYPE_MISMATCH":
        m = re.search(r'Cannot resolve "([a-z_ ]+)\(', msg)
        if m:
            return "DATATYPE_MISMATCH raised for `%s` arguments Spark accepts" % m.group(1)
    first = msg.split("\n")[0]
    first = re.sub(r'"[^"]*"', '"..."', first)
    first = re.sub(r"`[^`]*`", "`...`", first)
    return "%s: %s" % (cls, first[:100])


def split_ours(text):
    """(class, message) from a detail's "CLASS: message" part."""
    cls, _, msg = text.partition(": ")
    return cls, msg


def name_cause(detail):
    """The kind of column-name difference (detail: "column N: Spark names it X, we name it Y")."""
    m = re.match(r"column \d+: Spark names it (.*), we name it (.*)$", detail, re.S)
    if not m:
        return "column names differ from Spark's auto-generated names"
    theirs, ours = m.group(1), m.group(2)
    if "FILTER (WHERE" in theirs and "FILTER (WHERE" not in ours:
        return "column names: an aggregate's FILTER (WHERE ...) missing from its name"
    if "INTERVAL '" in theirs and "INTERVAL '" not in ours:
        return "column names: interval literals not written as Spark's INTERVAL '...' UNIT"
    ft, fo = re.match(r"\(?([a-z_]+)\(", theirs), re.match(r"\(?([a-z_]+)\(", ours)
    if ft and (not fo or ft.group(1) != fo.group(1)):
        return "column names: function aliases not named as Spark names them (%s)" % ft.group(1)
    if re.search(r"(TIMESTAMP|DATE) '", theirs):
        return "column names: DATE/TIMESTAMP literals not normalized as Spark prints them"
    if len(theirs) > len(ours) and theirs.startswith(ours.rstrip(")")):
        return "column names: Spark's default arguments missing from the name"
    return "column names: other differences from Spark's auto-generated names"


CREATES = re.compile(r"^\s*(?:CREATE\s+(?:OR\s+REPLACE\s+)?(?:GLOBAL\s+)?(?:TEMPORARY\s+|TEMP\s+)?"
                     r"(?:VIEW|TABLE)\s+(?:IF\s+NOT\s+EXISTS\s+)?|INSERT\s+(?:INTO|OVERWRITE)\s+"
                     r"(?:TABLE\s+)?)([A-Za-z0-9_.`]+)", re.I)


def created_name(sql):
    """The table or view a CREATE / INSERT statement makes or fills (lower case), or None."""
    m = CREATES.match(sql)
    return m.group(1).replace("`", "").split(".")[-1].lower() if m else None


def group(q, cat, detail, failed_creates=None):
    """The grouped cause of a failure.  failed_creates: {name: (query index, cause)} of
    this file's earlier CREATE/INSERT statements that failed, so that the queries
    which only fail because of them say so."""
    if cat in ("spurious-error", "wrong-error-class"):
        ours = detail
        m = re.match(r"expected (\S+), got (.*)$", detail, re.S)
        if cat == "wrong-error-class" and m:
            ours = m.group(2)
        cls, msg = split_ours(ours)
        if cls == "TABLE_OR_VIEW_NOT_FOUND" and failed_creates:
            name = re.search(r"`([^`]*)`", msg)
            name = name.group(1).split(".")[-1].lower() if name else None
            if name in failed_creates:
                return failed_creates[name][1]  # the root cause, counted with it
        if cat == "spurious-error" or cls in ("UNRESOLVED_ROUTINE", "UNSUPPORTED_FEATURE",
                                              "PARSE_SYNTAX_ERROR"):
            return our_error_cause(cls, msg)
        return "%s raised as %s" % (m.group(1) if m else "?", cls)
    if cat == "missed-error":
        return "%s not raised (rows returned)" % (q.error_class or "error")
    if cat == "wrong-names":
        return name_cause(detail)
    if cat == "wrong-types":
        return "result type differs"
    if cat == "wrong-value":
        return "wrong value"
    return CATEGORY_TEXT.get(cat, cat)


def reason(q, cat, detail, failed_creates=None):
    """The one-line reason written to known_failures.txt: the group, then specifics."""
    g = group(q, cat, detail, failed_creates)
    for name, (index, why) in (failed_creates or {}).items():
        if g == why and "TABLE_OR_VIEW_NOT_FOUND" in detail and "`%s`" % name in detail.lower():
            return ("needs `%s`, whose CREATE/INSERT (query %d) failed: %s" % (name, index,
                                                                              why))[:220]
    if cat in ("wrong-types", "wrong-value", "wrong-names"):
        return ("%s: %s" % (g, detail))[:220]
    return g[:220]
