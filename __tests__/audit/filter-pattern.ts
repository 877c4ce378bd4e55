/**
 * The subset of CloudWatch Logs' JSON filter-pattern syntax the audit metric filters use, evaluated
 * on a log event, so a pattern can be tested against events rather than against its own text
 * (moto's logs matcher treats every JSON pattern as matching everything).
 *
 * Semantics (CloudWatch Logs User Guide, "Filter pattern syntax for metric filters, subscription
 * filters, and filter log events", "Using filter patterns to match terms in JSON log events"):
 * a pattern is `{ expression }`; a selector `$.a.b` names a property; `= "text"` and `!= "text"`
 * compare a string property (a `*` in the text matches any characters); `IS TRUE` / `IS FALSE`
 * match a JSON boolean, `IS NULL` a JSON null, `NOT EXISTS` a missing property; `&&` binds tighter
 * than `||`; parentheses group. A selector that names no property matches no comparison, which is
 * why a filter on a field Cognito does not write can never fire. Anything else throws, so a pattern
 * outside this subset cannot pass a test unnoticed.
 */

type Predicate = (event: unknown) => boolean;

const TOKEN = /\s*(\{|\}|\(|\)|&&|\|\||!=|=|"(?:[^"\\]|\\.)*"|\$(?:\.[A-Za-z_][\w]*)+|IS\s+TRUE|IS\s+FALSE|IS\s+NULL|NOT\s+EXISTS)/y;

function tokenize(pattern: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < pattern.length) {
    if (/^\s*$/.test(pattern.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(pattern);
    if (!m) throw new Error(`filter pattern: cannot read ${JSON.stringify(pattern.slice(at, at + 30))}`);
    tokens.push(m[1]!.replace(/\s+/g, " "));
  }
  return tokens;
}

/** The property a selector names; undefined when any step is missing. */
function select(event: unknown, selector: string): unknown {
  let value: unknown = event;
  for (const key of selector.slice(2).split(".")) {
    if (value === null || typeof value !== "object" || !(key in value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const wildcard = (text: string): RegExp =>
  new RegExp(
    `^${text
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );

function comparison(selector: string, operator: string, operand: string): Predicate {
  switch (operator) {
    case "IS TRUE":
      return (e) => select(e, selector) === true;
    case "IS FALSE":
      return (e) => select(e, selector) === false;
    case "IS NULL":
      return (e) => select(e, selector) === null;
    case "NOT EXISTS":
      return (e) => select(e, selector) === undefined;
  }
  const text = JSON.parse(operand) as string;
  const matches = (e: unknown) => {
    const v = select(e, selector);
    return typeof v === "string" && wildcard(text).test(v);
  };
  if (operator === "=") return matches;
  if (operator === "!=") return (e) => typeof select(e, selector) === "string" && !matches(e);
  throw new Error(`filter pattern: operator ${operator} is not in the supported subset`);
}

/** A predicate that says whether a JSON log event (parsed) matches the pattern. */
export function filterPattern(pattern: string): Predicate {
  const tokens = tokenize(pattern);
  let i = 0;
  const peek = () => tokens[i];
  const take = (expected?: string) => {
    const t = tokens[i++];
    if (t === undefined || (expected !== undefined && t !== expected))
      throw new Error(`filter pattern: expected ${expected ?? "a term"} at token ${i}, got ${t ?? "the end"}`);
    return t;
  };
  const primary = (): Predicate => {
    if (peek() === "(") {
      take("(");
      const inner = disjunction();
      take(")");
      return inner;
    }
    const selector = take();
    if (!selector.startsWith("$.")) throw new Error(`filter pattern: expected a $. selector, got ${selector}`);
    const operator = take();
    if (["IS TRUE", "IS FALSE", "IS NULL", "NOT EXISTS"].includes(operator)) return comparison(selector, operator, "");
    const operand = take();
    if (!operand.startsWith('"')) throw new Error(`filter pattern: only quoted string values are in the supported subset, got ${operand}`);
    return comparison(selector, operator, operand);
  };
  const conjunction = (): Predicate => {
    const parts = [primary()];
    while (peek() === "&&") {
      take("&&");
      parts.push(primary());
    }
    return (e) => parts.every((p) => p(e));
  };
  const disjunction = (): Predicate => {
    const parts = [conjunction()];
    while (peek() === "||") {
      take("||");
      parts.push(conjunction());
    }
    return (e) => parts.some((p) => p(e));
  };
  take("{");
  const predicate = disjunction();
  take("}");
  if (i !== tokens.length) throw new Error(`filter pattern: unexpected ${tokens[i]} after the closing brace`);
  return predicate;
}

/** The selectors a pattern reads, e.g. ["$.message.eventType", ...]. */
export const selectorsOf = (pattern: string): string[] => [...new Set(tokenize(pattern).filter((t) => t.startsWith("$.")))];
