/**
 * The Deny statements of a bucket policy that refuse a request, decided by the same evaluator the
 * emulator uses for every request (../real-terraform/emulator/authz-evaluator.ts: @cloud-copilot/iam-simulate,
 * AGPL-3.0, test-only). The caller is given an allow-all identity policy, so only the bucket policy's
 * explicit denies can refuse the request.
 */
import { decide } from "../real-terraform/emulator/authz-evaluator";

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

/** Synthesized policies name the bucket by a Terraform reference: the evaluator needs an ARN. */
const BUCKET_REFERENCE = /\$\{aws_s3_bucket\.[a-z0-9_]+\.arn\}/g;
const BUCKET_ARN = "arn:aws:s3:::synthesized-bucket";

const ALLOW_ALL = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

/** The Sids of the Deny statements that refuse the request ([] = not denied by the policy). */
export async function denyingStatements(statements: Statement[], request: Request): Promise<string[]> {
  const role = request.context["aws:PrincipalArn"] ?? "arn:aws:iam::333333333333:role/caller";
  const [, , , , account, path] = role.split(":");
  const context = Object.fromEntries(Object.entries(request.context).filter((e): e is [string, string] => e[1] !== undefined));
  const answer = await decide({
    principal: `arn:aws:sts::${account}:assumed-role/${path.replace(/^role\//, "")}/session`,
    action: request.action,
    resource: request.resource.replace(BUCKET_REFERENCE, BUCKET_ARN),
    resourceAccount: account,
    identityPolicies: [{ name: "caller", policy: ALLOW_ALL }],
    resourcePolicy: JSON.parse(JSON.stringify({ Version: "2012-10-17", Statement: statements }).replace(BUCKET_REFERENCE, BUCKET_ARN)),
    context,
  });
  if (answer.decision === "Error") throw new Error(`the evaluator could not decide ${request.action}: ${answer.error}`);
  return answer.decision === "ExplicitlyDenied" ? answer.statements.map((s) => s.slice(s.indexOf("/") + 1)) : [];
}
