import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { partitionOf } from "../../config/aws-regions";
import type { EnvironmentConfig } from "../../config";
import { policyDocument, type PolicyStatement } from "./policy-document";

/** The account principal of an environment: policies that name it delegate to the account's IAM policies. */
export const accountRoot = (env: Pick<EnvironmentConfig, "accountId" | "region">): string =>
  `arn:${partitionOf(env.region)}:iam::${env.accountId}:root`;

export interface CustomerManagedKeyProps {
  /** The environment's name (in the description), account (administers the key) and region. */
  readonly env: Pick<EnvironmentConfig, "name" | "accountId" | "region">;
  /** What the key protects, for its description. */
  readonly purpose: string;
  /** alias/... name. */
  readonly alias: string;
  /** Extra statements (service principals that may use the key), added after account administration. */
  readonly statements?: PolicyStatement[];
  /**
   * Terraform address name of the key (`aws_kms_key.<addressName>`, alias `<addressName>_alias`),
   * independent of construct nesting: a changed address would schedule the key for deletion.
   */
  readonly addressName: string;
  /** Refuse `terraform destroy` of the key (for keys whose loss makes data unreadable). Default: false. */
  readonly preventDestroy?: boolean;
  /**
   * What the account's own principals may do through IAM. "all" (default): kms:*, so IAM policies
   * decide. "administration": only KEY_ADMINISTRATION_ACTIONS; data use must then be granted by
   * `statements` (for example only through one AWS service with kms:ViaService).
   */
  readonly accountAccess?: "all" | "administration";
}

/**
 * Managing the key without using it: the key administrators' actions of the default key policy
 * (KMS Developer Guide, "Default key policy", section "Allows key administrators to administer
 * the KMS key"), except kms:Create*, which includes kms:CreateGrant: a grant lets its holder
 * decrypt directly, around any kms:ViaService condition. kms:CreateAlias is listed on its own.
 */
export const KEY_ADMINISTRATION_ACTIONS = [
  "kms:CreateAlias",
  "kms:Describe*",
  "kms:Enable*",
  "kms:List*",
  "kms:Put*",
  "kms:Update*",
  "kms:Revoke*",
  "kms:Disable*",
  "kms:Get*",
  "kms:Delete*",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:RotateKeyOnDemand",
];

/**
 * A customer-managed KMS key with yearly rotation, a 30-day deletion window and a key policy that
 * keeps the account in control (without the root statement, a wrong policy locks everyone out).
 */
export class CustomerManagedKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: CustomerManagedKeyProps) {
    super(scope, id);
    const { env } = props;
    this.key = new KmsKey(this, "key", {
      description: `TaskFlow ${env.name}: ${props.purpose}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument([
        {
          Sid: "AccountAdministersKey",
          Effect: "Allow",
          Principal: { AWS: accountRoot(env) },
          Action: props.accountAccess === "administration" ? KEY_ADMINISTRATION_ACTIONS : "kms:*",
          Resource: "*",
        },
        ...(props.statements ?? []),
      ]),
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    // Before any attribute of the key is read: reading one fixes the logical id.
    this.key.overrideLogicalId(props.addressName);
    this.alias = new KmsAlias(this, "alias", { name: props.alias, targetKeyId: this.key.keyId });
    this.alias.overrideLogicalId(`${props.addressName}_alias`);
  }
}

// Transitional: branches written before policy-document.ts existed import these from here.
export { policyDocument, type PolicyStatement } from "./policy-document";
