"""
CloudWatch Logs for the investigation queries: saved query definitions (Put/Describe/
DeleteQueryDefinition, which moto 5.2 lacks and aws_cloudwatch_query_definition needs), and
StartQuery/GetQueryResults that really filter the stored log events.

This is NOT CloudWatch Logs Insights. moto's own StartQuery ignores everything but `fields`; this
replaces it with a small interpreter of the commands the project's saved queries use, evaluated on
the events stored in the log groups:

  fields <expr> [as <alias>], ...      @timestamp, @message, @logStream, @log, and JSON fields
                                       of the message by dotted path (message.userName)
  filter <cond>                        = and != against "strings" or numbers, like /regex/ and
                                       like "substring", not, and/or, parentheses
  stats count(*) | count_distinct(f) | min(f) | max(f) [as alias], ... by <field>, ...
  sort <field> [asc|desc]
  limit <n>

Anything else (parse, dedup, functions in fields, stats over time bins, ...) is refused with
MalformedQueryException instead of being silently ignored. Queries complete at once, but the first
GetQueryResults of every query answers "Running" with no rows, so a caller's wait loop runs as it
would on AWS. Statistics count records, not bytes.

References (CloudWatch Logs API reference): StartQuery, GetQueryResults, PutQueryDefinition,
DescribeQueryDefinitions, DeleteQueryDefinition:
https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetQueryResults.html
https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeQueryDefinitions.html
Query syntax: CloudWatch Logs User Guide, "CloudWatch Logs Insights language query syntax".
"""
import json
import re
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Callable

from moto.core.exceptions import JsonRESTError
from moto.logs.models import logs_backends
from moto.logs.responses import LogsResponse

# (account, region) -> id -> definition
_DEFINITIONS: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
# query id -> state
_QUERIES: dict[str, dict[str, Any]] = {}


class MalformedQueryException(JsonRESTError):
    def __init__(self, message: str) -> None:
        super().__init__("MalformedQueryException", message)


class ResourceNotFoundException(JsonRESTError):
    def __init__(self, message: str) -> None:
        super().__init__("ResourceNotFoundException", message)


class InvalidParameterException(JsonRESTError):
    def __init__(self, message: str) -> None:
        super().__init__("InvalidParameterException", message)


# ---------------------------------------------------------------- query language subset


def _split_pipes(query: str) -> list[str]:
    """Splits on | outside "strings" and /regexes/."""
    parts, current, quote = [], "", None
    for ch in query:
        if quote:
            current += ch
            if ch == quote and not current.endswith("\\" + ch):
                quote = None
        elif ch in "\"'/":
            quote = ch
            current += ch
        elif ch == "|":
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    parts.append(current.strip())
    return [p for p in parts if p]


def _split_commas(text: str) -> list[str]:
    parts, current, depth, quote = [], "", 0, None
    for ch in text:
        if quote:
            current += ch
            if ch == quote:
                quote = None
            continue
        if ch in "\"'/":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        current += ch
    parts.append(current.strip())
    return [p for p in parts if p]


FIELD = r"@?[A-Za-z_][\w.@-]*"


def _value(record: dict[str, Any], field: str) -> Any:
    if field in record:
        return record[field]
    node: Any = record.get("__json")
    for part in field.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


TOKEN = re.compile(r'\s*(\(|\)|"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|/(?:[^/\\]|\\.)*/|!=|=|-?\d+(?:\.\d+)?|' + FIELD + r")")


def _tokens(text: str) -> list[str]:
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = TOKEN.match(text, pos)
        if not m:
            raise MalformedQueryException(f"unsupported filter expression near {text[pos:]!r} (emulator subset)")
        tokens.append(m.group(1))
        pos = m.end()
    return tokens


def _literal(token: str) -> Any:
    if token[0] in "\"'":
        return bytes(token[1:-1], "utf8").decode("unicode_escape")
    return float(token) if "." in token else int(token)


def _stringify(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _regex(token: str) -> re.Pattern[str]:
    body = token[1:-1]
    flags = 0
    if body.startswith("(?i)"):
        body, flags = body[4:], re.IGNORECASE
    return re.compile(body, flags)


def _parse_condition(tokens: list[str]) -> Callable[[dict[str, Any]], bool]:
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        if pos >= len(tokens):
            raise MalformedQueryException("filter ends early")
        pos += 1
        return tokens[pos - 1]

    def primary() -> Callable[[dict[str, Any]], bool]:
        token = take()
        if token == "(":
            inner = disjunction()
            if take() != ")":
                raise MalformedQueryException("missing )")
            return inner
        if token.lower() == "not":
            inner = primary()
            return lambda r: not inner(r)
        field = token
        op = take()
        operand = take()
        if op.lower() == "like":
            if operand.startswith("/"):
                rx = _regex(operand)
                return lambda r: rx.search(_stringify(_value(r, field))) is not None
            needle = _literal(operand)
            return lambda r: needle in _stringify(_value(r, field))
        if op in ("=", "!="):
            expected = _literal(operand)
            equal = lambda r: _stringify(_value(r, field)) == _stringify(expected)  # noqa: E731
            return equal if op == "=" else (lambda r: not equal(r))
        raise MalformedQueryException(f"unsupported operator {op!r} (emulator subset: =, !=, like)")

    def conjunction() -> Callable[[dict[str, Any]], bool]:
        parts = [primary()]
        while (peek() or "").lower() == "and":
            take()
            parts.append(primary())
        return lambda r: all(p(r) for p in parts)

    def disjunction() -> Callable[[dict[str, Any]], bool]:
        parts = [conjunction()]
        while (peek() or "").lower() == "or":
            take()
            parts.append(conjunction())
        return lambda r: any(p(r) for p in parts)

    condition = disjunction()
    if pos != len(tokens):
        raise MalformedQueryException(f"unexpected {tokens[pos]!r} in filter")
    return condition


def _alias(expr: str) -> tuple[str, str]:
    m = re.fullmatch(r"(.+?)\s+as\s+(" + FIELD + r")", expr.strip(), re.IGNORECASE)
    return (m.group(1).strip(), m.group(2)) if m else (expr.strip(), expr.strip())


def _timestamp(ms: int) -> str:
    # Insights shows @timestamp as "yyyy-MM-dd HH:mm:ss.SSS" (UTC).
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def run_query(query: str, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Runs the subset on records {'@timestamp': ms, '@message': str, '@logStream', '@log'}."""
    records = []
    for e in events:
        record = dict(e)
        try:
            parsed = json.loads(e["@message"])
            record["__json"] = parsed if isinstance(parsed, dict) else None
        except ValueError:
            record["__json"] = None
        records.append(record)
    columns: list[tuple[str, str]] | None = None
    for command in _split_pipes(query):
        verb, _, rest = command.partition(" ")
        verb = verb.lower()
        if verb == "fields":
            columns = [_alias(e) for e in _split_commas(rest)]
            for source, _name in columns:
                if not re.fullmatch(FIELD, source):
                    raise MalformedQueryException(f"fields: only plain fields in the emulator subset, got {source!r}")
            for r in records:
                for source, name in columns:
                    r[name] = _value(r, source)
        elif verb == "filter":
            condition = _parse_condition(_tokens(rest))
            records = [r for r in records if condition(r)]
        elif verb == "stats":
            m = re.fullmatch(r"(.+?)\s+by\s+(.+)", rest.strip(), re.IGNORECASE)
            aggregates_text, by_text = (m.group(1), m.group(2)) if m else (rest, "")
            by = [b.strip() for b in _split_commas(by_text)]
            aggregates = []
            for expr in _split_commas(aggregates_text):
                source, name = _alias(expr)
                fm = re.fullmatch(r"(count|count_distinct|min|max)\((\*|" + FIELD + r")\)", source.replace(" ", ""), re.IGNORECASE)
                if not fm:
                    raise MalformedQueryException(f"stats: unsupported aggregate {source!r} (emulator subset: count, count_distinct, min, max)")
                aggregates.append((fm.group(1).lower(), fm.group(2), name))
            groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
            for r in records:
                groups.setdefault(tuple(_stringify(_value(r, b)) for b in by), []).append(r)
            out = []
            for key, members in groups.items():
                row: dict[str, Any] = dict(zip(by, key))
                for fn, field, name in aggregates:
                    values = [_value(r, field) for r in members] if field != "*" else members
                    present = [v for v in values if v is not None]
                    if fn == "count":
                        row[name] = len(present)
                    elif fn == "count_distinct":
                        row[name] = len({_stringify(v) for v in present})
                    else:
                        row[name] = (min if fn == "min" else max)(present) if present else None
                        if field == "@timestamp" and row[name] is not None:
                            row[name] = _timestamp(row[name])
                out.append(row)
            records = out
            columns = [(c, c) for c in by] + [(a[2], a[2]) for a in aggregates]
        elif verb == "sort":
            m = re.fullmatch(r"(" + FIELD + r")(?:\s+(asc|desc))?", rest.strip(), re.IGNORECASE)
            if not m:
                raise MalformedQueryException(f"sort: unsupported {rest!r}")
            field, descending = m.group(1), (m.group(2) or "asc").lower() == "desc"
            records.sort(key=lambda r: (_value(r, field) is None, _value(r, field) if isinstance(_value(r, field), (int, float)) else _stringify(_value(r, field))), reverse=descending)
        elif verb == "limit":
            if not rest.strip().isdigit():
                raise MalformedQueryException(f"limit: expected a number, got {rest!r}")
            records = records[: int(rest.strip())]
        else:
            raise MalformedQueryException(f"the emulator does not implement the {verb!r} command (not a real Logs Insights engine)")
    if columns is None:
        columns = [("@timestamp", "@timestamp"), ("@message", "@message")]
    rows = []
    for r in records:
        row = []
        for _source, name in columns:
            value = r.get(name)
            if value is None:
                continue  # Insights omits fields an event does not have
            if name == "@timestamp" and isinstance(value, int):
                value = _timestamp(value)
            row.append({"field": name, "value": _stringify(value) if not isinstance(value, (dict, list)) else json.dumps(value)})
        row.append({"field": "@ptr", "value": r.get("@ptr", "")})
        rows.append(row)
    return rows


# ---------------------------------------------------------------- API


def _backend(resp: LogsResponse) -> Any:
    return logs_backends[resp.current_account][resp.region]


def start_query(self: LogsResponse) -> str:
    names = self._get_param("logGroupNames") or []
    if self._get_param("logGroupName"):
        names = [self._get_param("logGroupName")]
    for identifier in self._get_param("logGroupIdentifiers") or []:
        names.append(identifier.split(":log-group:", 1)[1].removesuffix(":*") if identifier.startswith("arn:") else identifier)
    if not names:
        raise InvalidParameterException("one of logGroupName, logGroupNames or logGroupIdentifiers is required")
    start, end = self._get_int_param("startTime"), self._get_int_param("endTime")
    query = self._get_param("queryString")
    backend = _backend(self)
    events = []
    for name in names:
        group = backend.groups.get(name)
        if group is None:
            raise ResourceNotFoundException(f"Log group '{name}' does not exist")
        for stream_name, stream in group.streams.items():
            for e in stream.events:
                # startTime/endTime are epoch seconds, inclusive; event timestamps are milliseconds.
                if start * 1000 <= e.timestamp <= end * 1000 + 999:
                    events.append({"@timestamp": e.timestamp, "@message": e.message, "@logStream": stream_name, "@log": f"{self.current_account}:{name}", "@ptr": str(e.event_id)})
    scanned = len(events)
    rows = run_query(query, events)  # MalformedQueryException before a query id exists, as on AWS
    limit = self._get_int_param("limit")
    if limit:
        rows = rows[:limit]
    query_id = str(uuid.uuid4())
    _QUERIES[query_id] = {"rows": rows, "polls": 0, "scanned": scanned, "status": "Running", "account": self.current_account}
    return json.dumps({"queryId": query_id})


def get_query_results(self: LogsResponse) -> str:
    query = _QUERIES.get(self._get_param("queryId"))
    if query is None or query["account"] != self.current_account:
        raise ResourceNotFoundException("Query does not exist")
    query["polls"] += 1
    if query["polls"] == 1 and query["status"] == "Running":
        return json.dumps({"results": [], "statistics": {"recordsMatched": 0.0, "recordsScanned": 0.0, "bytesScanned": 0.0}, "status": "Running"})
    if query["status"] == "Running":
        query["status"] = "Complete"
    rows = query["rows"] if query["status"] == "Complete" else []
    stats = {"recordsMatched": float(len(query["rows"])), "recordsScanned": float(query["scanned"]), "bytesScanned": 0.0}
    return json.dumps({"results": rows, "statistics": stats, "status": query["status"]})


def stop_query(self: LogsResponse) -> str:
    query = _QUERIES.get(self._get_param("queryId"))
    if query is None or query["account"] != self.current_account:
        raise ResourceNotFoundException("Query does not exist")
    stopped = query["status"] == "Running"
    if stopped:
        query["status"] = "Cancelled"
    return json.dumps({"success": stopped})


def put_query_definition(self: LogsResponse) -> str:
    name, query = self._get_param("name"), self._get_param("queryString")
    if not name or not query:
        raise InvalidParameterException("name and queryString are required")
    definitions = _DEFINITIONS.setdefault((self.current_account, self.region), {})
    definition_id = self._get_param("queryDefinitionId") or str(uuid.uuid4())
    if self._get_param("queryDefinitionId") and definition_id not in definitions:
        raise ResourceNotFoundException(f"Query definition {definition_id} does not exist")
    definitions[definition_id] = {
        "queryDefinitionId": definition_id,
        "name": name,
        "queryString": query,
        "lastModified": int(time.time() * 1000),
        "logGroupNames": self._get_param("logGroupNames") or [],
        "queryLanguage": self._get_param("queryLanguage") or "CWLI",
    }
    return json.dumps({"queryDefinitionId": definition_id})


def describe_query_definitions(self: LogsResponse) -> str:
    prefix = self._get_param("queryDefinitionNamePrefix") or ""
    limit = self._get_int_param("maxResults") or 1000
    start = int(self._get_param("nextToken") or 0)
    found = sorted(
        (d for d in _DEFINITIONS.get((self.current_account, self.region), {}).values() if d["name"].startswith(prefix)),
        key=lambda d: d["name"],
    )
    result: dict[str, Any] = {"queryDefinitions": found[start : start + limit]}
    if start + limit < len(found):
        result["nextToken"] = str(start + limit)
    return json.dumps(result)


def delete_query_definition(self: LogsResponse) -> str:
    definitions = _DEFINITIONS.get((self.current_account, self.region), {})
    return json.dumps({"success": definitions.pop(self._get_param("queryDefinitionId"), None) is not None})


def install() -> None:
    LogsResponse.start_query = start_query
    LogsResponse.get_query_results = get_query_results
    LogsResponse.stop_query = stop_query
    LogsResponse.put_query_definition = put_query_definition
    LogsResponse.describe_query_definitions = describe_query_definitions
    LogsResponse.delete_query_definition = delete_query_definition
