/**
 * What IAM holds for a role, read through the AWS SDK: its trust policy, every inline policy by name
 * and the default version of every attached managed policy by name. IAM returns documents
 * URL-encoded (IAM API Reference, GetRole / GetRolePolicy / GetPolicyVersion).
 */
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from "@aws-sdk/client-iam";
import { withAwsClients, type AwsEnv } from "./aws";

export interface StoredRolePolicies {
  readonly maxSessionDuration?: number;
  readonly trust: unknown;
  readonly inline: Record<string, unknown>;
  readonly managed: Record<string, unknown>;
}

export const decodedDocument = (document: string | undefined): unknown => JSON.parse(decodeURIComponent(document ?? "{}"));

export function storedRolePolicies(awsEnv: AwsEnv, roleName: string): Promise<StoredRolePolicies> {
  return withAwsClients(awsEnv, async (c) => {
    const role = await c.iam.send(new GetRoleCommand({ RoleName: roleName }));
    const inline: Record<string, unknown> = {};
    for (const name of (await c.iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames ?? []) {
      inline[name] = decodedDocument((await c.iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }))).PolicyDocument);
    }
    const managed: Record<string, unknown> = {};
    for (const { PolicyArn, PolicyName } of (await c.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName })))
      .AttachedPolicies ?? []) {
      const { Policy: policy } = await c.iam.send(new GetPolicyCommand({ PolicyArn }));
      const { PolicyVersion } = await c.iam.send(new GetPolicyVersionCommand({ PolicyArn, VersionId: policy?.DefaultVersionId }));
      managed[PolicyName!] = decodedDocument(PolicyVersion?.Document);
    }
    return {
      maxSessionDuration: role.Role?.MaxSessionDuration,
      trust: decodedDocument(role.Role?.AssumeRolePolicyDocument),
      inline,
      managed,
    };
  });
}
