/**
 * drift.md and drift.json: what changed in AWS outside Terraform, read from a refresh-only plan
 * (`resource_drift` of `terraform show -json`: before = the state, after = what AWS reports now).
 * Security drift (an attribute of a control in security-controls.ts, or a deleted resource that
 * carries one) is listed first. Values are masked exactly as in review.md (attribute-diff.ts).
 */
import { attributeDiff } from "./attribute-diff";
import type { AppClientRef } from "./branding-check";
import { actionOf, type PlanJson, type StateModule } from "./plan-json";
import { controlsOf, controlsOfType, SECURITY_CONTROLS } from "../../../stacks/security-controls";
import type { StackTarget } from "../cli/stacks";

export interface DriftedAttribute {
  readonly path: string;
  /** In the state (what Terraform last applied or read). */
  readonly before: string;
  /** In AWS now. */
  readonly after: string;
  /** Security controls this attribute carries (empty: not security drift). */
  readonly controls: readonly string[];
}

export interface DriftedResource {
  readonly address: string;
  readonly type: string;
  /**
   * changed: attributes differ; deleted: the object is gone from AWS; no-style: an app client of a
   * managed login v2 domain has no branding style in Cognito (its sign-in page is unavailable).
   */
  readonly status: "changed" | "deleted" | "no-style";
  readonly attributes: readonly DriftedAttribute[];
  /** Controls affected: those of changed attributes, or every control of a deleted resource's type. */
  readonly controls: readonly string[];
  /** no-style: the client's and its pool's ids. */
  readonly clientId?: string;
  readonly userPoolId?: string;
}

/** The control a client without a branding style fails (security-controls.ts). */
const BRANDING_CONTROL = "CognitoManagedLoginBranding";
/** The CloudFormation stack that holds the styles (stacks/constructs/cognito/managed-login-branding.ts). */
export const BRANDING_STACK = "aws_cloudformation_stack.managed_login_branding";

export type DriftStatus = "none" | "drift" | "security-drift";

export interface DriftAnalysis {
  readonly status: DriftStatus;
  readonly resources: readonly DriftedResource[];
  /** Every control with drift, in list order. */
  readonly controls: readonly string[];
  /** Managed resources in the state before the refresh (what was checked). */
  readonly resourcesInState: number;
}

/**
 * Attributes that another resource of the same stack sets, read back on the resource they belong to.
 * After the first apply the state holds their value from before the other resource ran (the pool
 * is created before its domain, the topic before its policy), so the next refresh shows a change
 * nobody made outside Terraform. A real change outside Terraform shows on the resource that
 * manages the setting (aws_cognito_user_pool_domain, aws_sns_topic_policy, aws_s3_bucket_*),
 * which reads the same value, so nothing is lost by leaving these out.
 * - aws_cognito_user_pool.domain / custom_domain: UserPoolType.Domain "holds the domain prefix if the
 *   user pool has a domain associated with it" (Cognito API reference, API_UserPoolType.html).
 * - aws_sns_topic.policy: the topic's Policy attribute, which aws_sns_topic_policy writes.
 * - aws_s3_bucket's inline settings: computed copies of what the aws_s3_bucket_versioning,
 *   _server_side_encryption_configuration, _lifecycle_configuration, _policy, _logging, ... resources set.
 * - aws_iam_role.inline_policy / managed_policy_arns: read back from the role's actual policies, which
 *   aws_iam_role_policy (the CI roles' policies) writes (aws provider docs, aws_iam_role: "If no blocks
 *   are configured, Terraform will not manage any inline policies in this resource").
 * - aws_iam_policy.attachment_count: GetPolicy's AttachmentCount, which the aws_iam_role_policy_attachment
 *   resources of the CI roles raise after the policy is stored (IAM API reference, API_Policy.html).
 */
const SET_BY_ANOTHER_RESOURCE: Readonly<Record<string, readonly string[]>> = {
  aws_cognito_user_pool: ["domain", "custom_domain"],
  aws_sns_topic: ["policy"],
  aws_iam_role: ["inline_policy", "managed_policy_arns"],
  aws_iam_policy: ["attachment_count"],
  aws_s3_bucket: [
    "acceleration_status",
    "acl",
    "cors_rule",
    "grant",
    "lifecycle_rule",
    "logging",
    "object_lock_configuration",
    "policy",
    "replication_configuration",
    "request_payer",
    "server_side_encryption_configuration",
    "versioning",
    "website",
  ],
};

const setElsewhere = (type: string, path: string) =>
  (SET_BY_ANOTHER_RESOURCE[type] ?? []).some((a) => path === a || path.startsWith(`${a}.`) || path.startsWith(`${a}[`));

/** Drift in a report can be long lists (callback URLs): show more of each value than a review table does. */
const MAX_VALUE = 400;

function countManaged(module: StateModule | undefined): number {
  if (!module) return 0;
  return (
    (module.resources ?? []).filter((r) => r.mode === "managed").length +
    (module.child_modules ?? []).reduce((n, m) => n + countManaged(m), 0)
  );
}

const unique = (xs: readonly string[]) => [...new Set(xs)];

/** `withoutStyle`: app clients Cognito reports without a managed login branding style (branding-check.ts). */
export function analyseDrift(plan: PlanJson, withoutStyle: readonly AppClientRef[] = []): DriftAnalysis {
  const resources: DriftedResource[] = [];
  for (const r of plan.resource_drift ?? []) {
    if (r.mode !== "managed") continue;
    const action = actionOf(r.change.actions);
    if (action === "delete") {
      resources.push({
        address: r.address,
        type: r.type,
        status: "deleted",
        attributes: [],
        controls: controlsOfType(r.type, r.address).map((c) => c.name),
      });
      continue;
    }
    // Terraform also lists objects whose refreshed value differs only as null vs [], {} or 0 (the
    // provider's reading of what AWS leaves out, not a change in AWS); those drop out here.
    const attributes = attributeDiff(r.change, { maxValue: MAX_VALUE, zeroIsUnset: true })
      .changes.filter((a) => !setElsewhere(r.type, a.path))
      .map((a) => ({
        path: a.path,
        before: a.before,
        after: a.after,
        controls: controlsOf(r.type, a.path, r.address).map((c) => c.name),
      }));
    if (!attributes.length) continue;
    resources.push({
      address: r.address,
      type: r.type,
      status: "changed",
      attributes,
      controls: unique(attributes.flatMap((a) => a.controls)),
    });
  }
  for (const c of withoutStyle)
    resources.push({
      address: c.address,
      type: "aws_cognito_user_pool_client",
      status: "no-style",
      attributes: [],
      controls: [BRANDING_CONTROL],
      clientId: c.clientId,
      userPoolId: c.userPoolId,
    });
  const drifted = new Set(resources.flatMap((r) => r.controls));
  const controls = SECURITY_CONTROLS.map((c) => c.name).filter((name) => drifted.has(name));
  const deleted = resources.filter((r) => r.status === "deleted").length;
  return {
    status: controls.length ? "security-drift" : resources.length ? "drift" : "none",
    resources,
    controls,
    // prior_state is the refreshed state: what was deleted outside Terraform is no longer in it.
    resourcesInState: countManaged(plan.prior_state?.values?.root_module) + deleted,
  };
}

export interface DriftContext {
  readonly target: StackTarget;
  /** When the refresh ran (ISO 8601). */
  readonly checkedAt: string;
  readonly terraformVersion?: string;
  readonly exitCode: number;
}

/** One control affected by one drifted attribute (or by a deleted resource). */
interface SecurityFinding {
  readonly control: string;
  readonly address: string;
  readonly path?: string;
  readonly before?: string;
  readonly after?: string;
  readonly deleted?: boolean;
  /** The app client has no managed login branding style: its sign-in page is unavailable. */
  readonly signInUnavailable?: boolean;
}

/** drift.json: the same facts as drift.md, for machines. */
export function driftJson(analysis: DriftAnalysis, context: DriftContext): object {
  const { target } = context;
  return {
    stack: target.name,
    kind: target.kind,
    environment: target.env.name,
    account: target.env.accountId,
    region: target.env.region,
    checkedAt: context.checkedAt,
    terraformVersion: context.terraformVersion ?? null,
    status: analysis.status,
    exitCode: context.exitCode,
    resourcesInState: analysis.resourcesInState,
    securityControls: analysis.controls,
    securityDrift: analysis.resources.flatMap((r): SecurityFinding[] =>
      r.status === "no-style"
        ? r.controls.map((control) => ({ control, address: r.address, signInUnavailable: true }))
        : r.status === "deleted"
          ? r.controls.map((control) => ({ control, address: r.address, deleted: true }))
          : r.attributes.flatMap((a) =>
              a.controls.map((control) => ({ control, address: r.address, path: a.path, before: a.before, after: a.after })),
            ),
    ),
    resources: analysis.resources,
  };
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

function securityBlock(analysis: DriftAnalysis): string[] {
  if (analysis.status !== "security-drift") return [];
  const n = analysis.controls.length;
  const lines = analysis.resources.flatMap((r) =>
    r.status === "no-style"
      ? [
          `> - **${r.controls.join(", ")}**: ${code(r.address)} (client ${code(r.clientId ?? "")}) has **no managed login branding style**: sign-in unavailable (see below)`,
        ]
      : r.status === "deleted"
        ? r.controls.length
          ? [`> - **${r.controls.join(", ")}**: ${code(r.address)} was **deleted** outside Terraform`]
          : []
        : r.attributes
            .filter((a) => a.controls.length)
            .map((a) => `> - **${a.controls.join(", ")}**: ${code(r.address)} ${code(a.path)}: ${code(a.before)} → ${code(a.after)}`),
  );
  return [
    "> [!CAUTION]",
    `> **Security drift: ${n} control${n === 1 ? "" : "s"} changed outside Terraform.** AWS no longer matches what the security suite checks.`,
    ...lines,
    ">",
    "> Find out who changed it and why (CloudTrail; the environment's security-events log group). Then either put it back with",
    "> `npm run plan` and `npm run apply`, or, if the change must stay, make it in config/environments.ts and deploy it.",
    "",
  ];
}

/**
 * What to do about app clients without a style. Terraform cannot see the loss (the stack still lists
 * the style), so a plain plan shows nothing: the stack is replaced, and CloudFormation creates its
 * styles again (its resources have DeletionPolicy Retain: a style still present would block that create).
 */
function signInUnavailable(unstyled: readonly DriftedResource[], stack: string): string[] {
  return [
    "## Sign-in unavailable: app clients without a managed login branding style",
    "",
    ...unstyled.map(
      (r) =>
        `- ${code(r.address)} (client ${code(r.clientId ?? "")} of pool ${code(r.userPoolId ?? "")}): managed login shows "Login pages unavailable" instead of the sign-in page, so no user of this client can sign in through it (passkeys included).`,
    ),
    "",
    "What to do:",
    "",
    "1. Find out who deleted it: CloudTrail `DeleteManagedLoginBranding` (the security-event rule reports it to the alert topic and its log group).",
    `2. Put it back through Terraform. The stack ${code(BRANDING_STACK)} still lists the style, so a plain plan shows nothing: run ${code(`npm run plan -- ${stack} --replace ${BRANDING_STACK}`)}, review (one replace of that stack), then ${code(`npm run apply -- ${stack}`)}. CloudFormation creates the stack's styles again.`,
    `3. If sign-in must come back before that plan is reviewed: ${code("aws cognito-idp create-managed-login-branding --user-pool-id <pool> --client-id <client> --use-cognito-provided-values")} gives the client Cognito's default style at once. Any style a client of that stack still has (this one, or another client's) must be deleted (${code("aws cognito-idp delete-managed-login-branding")}) right before the apply of step 2, or CloudFormation's create fails with ManagedLoginBrandingExistsException.`,
    "",
  ];
}

export function renderDrift(analysis: DriftAnalysis, context: DriftContext): string {
  const { target } = context;
  const changed = analysis.resources.filter((r) => r.status === "changed");
  const deleted = analysis.resources.filter((r) => r.status === "deleted");
  const unstyled = analysis.resources.filter((r) => r.status === "no-style");
  const lines = [
    `# Drift: ${target.name}`,
    "",
    "| | |",
    "|---|---|",
    `| Stack | ${code(target.name)} (${target.kind === "bootstrap" ? "bootstrap: state bucket, lock table, key" : "environment"}) |`,
    `| Account / region | ${target.env.accountId} / ${target.env.region} |`,
    `| Checked | ${context.checkedAt}${context.terraformVersion ? ` with Terraform ${context.terraformVersion}` : ""} (\`terraform plan -refresh-only\`) |`,
    `| Resources in state | ${analysis.resourcesInState} |`,
    "",
    ...securityBlock(analysis),
  ];
  if (analysis.status === "none") {
    lines.push(
      analysis.resourcesInState
        ? `**No drift.** AWS matches the state of ${code(target.name)} for all ${analysis.resourcesInState} resources.`
        : `**Nothing to check:** the state of ${code(target.name)} holds no resources (not deployed yet, or its state is elsewhere).`,
      "",
    );
    return lines.join("\n");
  }
  lines.push(
    `**${changed.length}** resource${changed.length === 1 ? "" : "s"} changed and **${deleted.length}** deleted outside Terraform${unstyled.length ? `; **${unstyled.length}** app client${unstyled.length === 1 ? "" : "s"} without a sign-in page` : ""}.`,
    "",
  );
  if (changed.length) {
    lines.push(
      "## Changed outside Terraform",
      "",
      "| resource | attribute | in the state | in AWS now | security control |",
      "|---|---|---|---|---|",
    );
    for (const r of changed)
      for (const a of r.attributes)
        lines.push(
          `| ${code(r.address)} | ${code(a.path)} | ${cell(code(a.before))} | ${cell(code(a.after))} | ${a.controls.join(", ")} |`,
        );
    lines.push("");
  }
  if (unstyled.length) lines.push(...signInUnavailable(unstyled, target.name));
  if (deleted.length) {
    lines.push("## Deleted outside Terraform", "");
    for (const r of deleted)
      lines.push(
        `- ${code(r.address)}${r.controls.length ? ` (carries ${r.controls.join(", ")})` : ""}: \`npm run plan\` will create it again.`,
      );
    lines.push("");
  }
  lines.push(
    "## Next",
    "",
    `- To put AWS back as the code says: ${code(`npm run plan -- ${target.name}`)}, review, then ${code(`npm run apply -- ${target.name}`)}.`,
    "- If the change must stay: make it in config/environments.ts, then plan and apply, so the next deploy does not undo it.",
    "",
  );
  return lines.join("\n");
}
