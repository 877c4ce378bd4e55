import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config";

/** Tags the stack sets on every resource (config may add more, not override these). */
export function standardTags(env: EnvironmentConfig): Record<string, string> {
  return { ...env.tags, Project: "TaskFlow", Environment: env.name, ManagedBy: "cdktf" };
}

/** The provider's default tags that say a resource belongs to this project and environment. */
export const SCOPING_TAGS = ["Project", "Environment"] as const;

/** The scoping tags' values in one environment: what IAM conditions on aws:ResourceTag / aws:RequestTag compare. */
export function scopingTags(env: EnvironmentConfig): Record<string, string> {
  const tags = standardTags(env);
  return Object.fromEntries(SCOPING_TAGS.map((t) => [t, tags[t]]));
}

/** An IAM condition: aws:RequestTag (on create) or aws:ResourceTag (after) equal to the environment's scoping tags. */
export function projectTags(env: EnvironmentConfig, kind: "RequestTag" | "ResourceTag"): Record<string, Record<string, string>> {
  const tags = standardTags(env);
  return { StringEquals: Object.fromEntries(SCOPING_TAGS.map((t) => [`aws:${kind}/${t}`, tags[t]])) };
}

/**
 * The environment's AWS provider. `allowed_account_ids` makes Terraform refuse to plan or apply
 * with credentials of any other account, so dev credentials can never touch prod.
 */
export function awsProviderFor(scope: Construct, env: EnvironmentConfig, options: { alias?: string; region?: string } = {}): AwsProvider {
  return new AwsProvider(scope, options.alias ? `aws-${options.alias}` : "aws", {
    alias: options.alias,
    region: options.region ?? env.region,
    allowedAccountIds: [env.accountId],
    defaultTags: [{ tags: standardTags(env) }],
  });
}
