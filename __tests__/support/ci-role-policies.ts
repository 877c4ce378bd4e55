/**
 * The permission policies a CI role of a synthesized state-<env> has, found through the stack's own
 * wiring: every managed policy attached to the role (aws_iam_role_policy_attachment) and every inline
 * policy on it (aws_iam_role_policy), by logical id. Both roles attach the managed read policy; only
 * the apply role has an inline policy, with its changes.
 */
import type { TfJson } from "./synth";

/** Logical id -> policy document (JSON text, Terraform references unresolved). */
export function ciRolePolicies(json: TfJson, kind: "plan" | "apply"): Record<string, string> {
  const role = `\${aws_iam_role.ci_${kind}.name}`;
  const policies: Record<string, string> = {};
  for (const attachment of Object.values<TfJson>(json.resource.aws_iam_role_policy_attachment ?? {})) {
    if (attachment.role !== role) continue;
    const managed = /^\$\{aws_iam_policy\.(\w+)\.arn\}$/.exec(attachment.policy_arn);
    if (!managed) throw new Error(`ci_${kind} attaches a policy this stack does not define: ${attachment.policy_arn}`);
    policies[managed[1]] = json.resource.aws_iam_policy[managed[1]].policy;
  }
  for (const [id, inline] of Object.entries<TfJson>(json.resource.aws_iam_role_policy ?? {})) {
    if (inline.role === role) policies[id] = inline.policy;
  }
  return policies;
}
