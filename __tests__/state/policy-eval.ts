/**
 * A small evaluator of the Deny statements of a bucket policy, for the condition forms the state
 * buckets use (and only those: anything else throws, so a new form cannot pass unnoticed):
 * Bool, StringNotEquals, ArnNotLike. Semantics from the IAM User Guide, "IAM JSON policy elements:
 * Condition operators": a negated operator (StringNotEquals, ArnNotLike) matches when the key is
 * missing from the request; Bool does not.
 */
export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal: "*" | Record<string, string | string[]>;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface Request {
  action: string;
  resource: string;
  /** Request context and header keys, e.g. aws:SecureTransport, aws:PrincipalArn, s3:x-amz-server-side-encryption. */
  context: Record<string, string | undefined>;
}

const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
const glob = (pattern: string, value: string): boolean =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  ).test(value);

function conditionHolds(operator: string, key: string, expected: string[], actual: string | undefined): boolean {
  switch (operator) {
    case "Bool":
      return actual !== undefined && expected.includes(actual);
    case "StringNotEquals":
      return actual === undefined || !expected.includes(actual);
    case "ArnNotLike":
      return actual === undefined || !expected.some((p) => glob(p, actual));
    default:
      throw new Error(`condition operator ${operator} (key ${key}) is not one the state bucket policies may use`);
  }
}

/** The Sids of the Deny statements that refuse the request ([] = not denied by the policy). */
export function denyingStatements(statements: Statement[], request: Request): string[] {
  return statements
    .filter((s) => s.Effect === "Deny" && s.Principal === "*")
    .filter((s) => list(s.Action).some((a) => glob(a, request.action)))
    .filter((s) => list(s.Resource).some((r) => glob(r, request.resource)))
    .filter((s) =>
      Object.entries(s.Condition ?? {}).every(([operator, byKey]) =>
        Object.entries(byKey).every(([key, value]) => conditionHolds(operator, key, list(value).map(String), request.context[key])),
      ),
    )
    .map((s) => s.Sid ?? "(no Sid)");
}
