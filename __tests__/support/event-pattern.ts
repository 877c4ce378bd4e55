/**
 * EventBridge event-pattern matching, for the parts of the syntax the project's rules use: exact
 * values, `{ "prefix": ... }`, nested objects and `$or` (EventBridge User Guide, "Creating event
 * patterns": a field matches when its value is one of the listed values; `$or` when any of its
 * patterns matches). Written from the guide, not from the rules, so a malformed rule fails here.
 */
type Json = Record<string, unknown>;

const valueMatches = (allowed: unknown, value: unknown): boolean =>
  allowed !== null && typeof allowed === "object"
    ? typeof value === "string" && typeof (allowed as Json).prefix === "string" && value.startsWith((allowed as Json).prefix as string)
    : allowed === value;

export function eventMatches(pattern: Json, event: Json): boolean {
  return Object.entries(pattern).every(([key, allowed]) => {
    if (key === "$or") return (allowed as Json[]).some((alternative) => eventMatches(alternative, event));
    if (Array.isArray(allowed)) return allowed.some((a) => valueMatches(a, event[key]));
    const inner = event[key];
    return inner !== null && typeof inner === "object" && eventMatches(allowed as Json, inner as Json);
  });
}
