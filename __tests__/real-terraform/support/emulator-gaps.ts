/**
 * Every way the emulator (moto 5.2) differs from AWS that the deploy suite works around: ONE list,
 * each entry with its reason, found empirically (and re-checked on every run: a gap that no longer
 * shows up is reported, so the list can shrink when moto improves).
 *
 * What an entry may do, and nothing else:
 * - planDiff: tolerate exactly this diff in the second plan (resource type, optional resource
 *   name, plan action, and for updates the top-level attributes). Any other diff fails the suite.
 * - override: a Terraform `*_override.tf.json` fragment written beside cdk.tf.json in the suite's
 *   temp copy only (never in the repository), for resources moto cannot create at all.
 * - afterDeploy: undo one setting in the emulator after it was deployed and read back, when moto
 *   would otherwise block the next ops step.
 * - notReadBack: settings the read-back cannot check because moto does not return them (they are
 *   checked by `terraform validate` with the real provider and by the unit suites instead).
 */
import { DeleteBucketPolicyCommand } from "@aws-sdk/client-s3";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EnvironmentConfig } from "../../../config";
import { withAwsClients, type AwsClients, type AwsEnv } from "./aws";
import { stackJson, synthesizedStacks, type WorkingCopy } from "./workdir";

/** Which stacks an entry concerns: each environment's, or its bootstrap state-<env>. */
export type StackKind = "environment" | "state";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type TfJson = Record<string, any>;

export interface EmulatorGap {
  readonly id: string;
  readonly stack: StackKind;
  /** Why moto needs this, as observed. */
  readonly reason: string;
  readonly planDiff?: {
    readonly type: string;
    readonly name?: string;
    readonly action: "update" | "create";
    /** For updates: the only top-level attributes that may differ. */
    readonly attributes?: readonly string[];
    /** Only in environments where this holds (default: all). */
    readonly when?: (env: EnvironmentConfig) => boolean;
  };
  readonly override?: (stack: TfJson) => TfJson | undefined;
  readonly afterDeploy?: (env: EnvironmentConfig, clients: AwsClients) => Promise<void>;
  readonly notReadBack?: readonly string[];
}

const namesOf = (stack: TfJson, type: string): string[] => Object.keys(stack.resource?.[type] ?? {});

export const EMULATOR_GAPS: readonly EmulatorGap[] = [
  {
    id: "cognito-webauthn-not-stored",
    stack: "environment",
    reason:
      "moto's SetUserPoolMfaConfig ignores WebAuthnConfiguration and GetUserPoolMfaConfig never returns it, " +
      "so the provider reads web_authn_configuration back as empty and plans to set it again on every run",
    planDiff: {
      type: "aws_cognito_user_pool",
      action: "update",
      attributes: ["web_authn_configuration"],
      when: (e) => e.userPool.passkeys.enabled,
    },
    notReadBack: ["user pool passkeys (WebAuthnConfiguration: relying party, user verification)"],
  },
  {
    id: "cognito-default-tier-not-reported",
    stack: "environment",
    reason:
      "the provider leaves UserPoolTier out of CreateUserPool when it is ESSENTIALS (AWS's default for new pools, which " +
      'AWS then reports); moto has no default and reports no tier, so the provider plans "" -> ESSENTIALS',
    planDiff: {
      type: "aws_cognito_user_pool",
      action: "update",
      attributes: ["user_pool_tier"],
      when: (e) => e.userPool.tier === "ESSENTIALS",
    },
    notReadBack: ["user pool feature plan (UserPoolTier) when it is ESSENTIALS"],
  },
  {
    id: "cognito-managed-login-version-not-stored",
    stack: "environment",
    reason:
      "moto's CreateUserPoolDomain ignores ManagedLoginVersion and DescribeUserPoolDomain returns none, so the provider reads 0 and plans 0 -> 2",
    planDiff: { type: "aws_cognito_user_pool_domain", action: "update", attributes: ["managed_login_version"] },
    notReadBack: ["domain managed login version (2 = managed login, needed for passkeys)"],
  },
  {
    id: "cognito-risk-configuration-not-implemented",
    stack: "environment",
    reason:
      "moto 5.2 does not implement SetRiskConfiguration/DescribeRiskConfiguration (NotImplementedError, HTTP 500): the " +
      "provider retries until its timeout. The resource is switched off (count = 0) in the emulator copy only; its " +
      "arguments are checked by terraform validate with the real provider and by the unit suites",
    override: (stack) => {
      const names = namesOf(stack, "aws_cognito_risk_configuration");
      return names.length
        ? { resource: { aws_cognito_risk_configuration: Object.fromEntries(names.map((n) => [n, { count: 0 }])) } }
        : undefined;
    },
    notReadBack: ["threat protection risk configuration (account-takeover actions per risk level, compromised-credentials BLOCK)"],
  },
  {
    id: "s3-conditional-bucket-policy-denies-everything",
    stack: "state",
    reason:
      "moto evaluates a bucket-policy statement whose Condition it cannot check as an explicit deny, whatever its " +
      "Effect (moto/iam/access_control.py: no request context such as aws:SecureTransport is passed for S3), so the " +
      "state bucket's DenyInsecureTransport statement locks every object request out, including the S3 backend. The " +
      "policy is deployed and read back, then deleted from the emulator before the environment stack is deployed; " +
      "the second plan of state-<env> therefore wants to create it again",
    planDiff: { type: "aws_s3_bucket_policy", action: "create" },
    afterDeploy: async (env, clients) => {
      await clients.s3.send(new DeleteBucketPolicyCommand({ Bucket: env.state.bucket }));
    },
  },
];

/** Entries for one kind of stack. */
export const gapsFor = (stack: StackKind): EmulatorGap[] => EMULATOR_GAPS.filter((g) => g.stack === stack);

/** The override file content for a stack in the emulator copy (undefined: none needed). */
export function emulatorOverride(kind: StackKind, stack: TfJson): TfJson | undefined {
  const parts = gapsFor(kind)
    .flatMap((g) => (g.override ? [g.override(stack)] : []))
    .filter((p): p is TfJson => p !== undefined);
  if (!parts.length) return undefined;
  const merged: TfJson = { resource: {} };
  for (const p of parts)
    for (const [type, byName] of Object.entries(p.resource ?? {}))
      merged.resource[type] = { ...merged.resource[type], ...(byName as TfJson) };
  return merged;
}

/** Kind of a synthesized stack by its id (state-<env> is a bootstrap stack). */
export const stackKindOf = (stackId: string): StackKind => (stackId.startsWith("state-") ? "state" : "environment");

/**
 * After `cdktf synth` in a working copy: writes each stack's emulator override (if it needs one)
 * beside its cdk.tf.json as emulator_override.tf.json. Returns the stacks that got one.
 */
export function prepareCopyForEmulator(copy: WorkingCopy): string[] {
  const written: string[] = [];
  for (const { id, dir } of synthesizedStacks(copy)) {
    const override = emulatorOverride(stackKindOf(id), stackJson(copy, id));
    if (!override) continue;
    writeFileSync(join(dir, "emulator_override.tf.json"), JSON.stringify(override, null, 2));
    written.push(id);
  }
  return written;
}

/** After `cdktf deploy state-<env>` (and any read-back of it): what moto needs before `cdktf deploy <env>`. */
export async function afterBootstrap(env: EnvironmentConfig, awsEnv: AwsEnv): Promise<void> {
  await withAwsClients(awsEnv, async (c) => {
    for (const gap of gapsFor("state")) await gap.afterDeploy?.(env, c);
  });
}
