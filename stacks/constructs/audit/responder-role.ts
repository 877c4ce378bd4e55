/**
 * The incident responder role: what the user containment commands and the investigation queries
 * need, on this environment's pool and audit log groups, and nothing else.
 *
 * The role lives in state-<env>, which an administrator applies: in <env> the CI apply role would need
 * IAM writes to create it, and a pipeline credential that may write a role's policy can grant itself anything.
 *
 * Resource scoping (Service Authorization Reference):
 * - every Cognito action below takes the userpool resource type, whose condition keys include
 *   aws:ResourceTag/${TagKey} ("Actions, resources, and condition keys for Amazon Cognito User Pools",
 *   https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncognitouserpools.html).
 *   The pool's id is generated when <env> creates it, after state-<env>: the statement names the pools of
 *   this account and Region that carry this environment's Project and Environment tags (the provider's
 *   default_tags), so another pool of the account (the TaskFlow API's) is out of reach;
 * - logs:StartQuery takes the log-group resource type; logs:GetQueryResults and logs:StopQuery have
 *   no resource type, so "*" is the only Resource they accept
 *   ("Actions, resources, and condition keys for Amazon CloudWatch Logs",
 *   https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html).
 *   A query id is only learned from StartQuery, which is scoped, so "*" there reads no other log group.
 *
 * The state read that finds the pool id is part of the role (responderStateReadStatements).
 *
 * Not included, on purpose: passkeys are not listable with IAM credentials (ListWebAuthnCredentials is
 * authorized by the user's own access token and Cognito ignores IAM policies for it: Cognito API
 * Reference, "ListWebAuthnCredentials"), so `user show` reports MFA from AdminGetUser only; no
 * AdminListDevices (remembered devices are not part of the containment steps).
 */
import { TerraformOutput } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { partitionOf } from "../../../config/aws-regions";
import type { PolicyStatement } from "../policy-document";
import { resourcePrefix, type EnvironmentIdentity } from "../../../config/names";

/** The Cognito actions of the user commands: show/events read, disable/enable/sign-out/reset-password contain. */
export const RESPONDER_COGNITO_ACTIONS = [
  "cognito-idp:AdminGetUser",
  "cognito-idp:AdminListUserAuthEvents",
  "cognito-idp:AdminDisableUser",
  "cognito-idp:AdminEnableUser",
  "cognito-idp:AdminUserGlobalSignOut",
  "cognito-idp:AdminResetUserPassword",
] as const;

/** Logs actions with no resource type (Resource must be "*"). */
export const RESPONDER_UNSCOPED_LOGS_ACTIONS = ["logs:GetQueryResults", "logs:StopQuery"] as const;

/** Pinned Terraform names: the role's address and the output other tooling reads. */
export const RESPONDER_ADDRESSES = {
  role: "incident_responder_role",
  policy: "incident_responder_policy",
  output: "responder_role_arn",
} as const;

/** IAM users and account roots carry aws:MultiFactorAuthPresent; role sessions do not (see config/schema.ts). */
export const isHumanPrincipal = (arn: string): boolean => /:(user\/.+|root)$/.test(arn);

export const responderRoleName = (env: Pick<EnvironmentIdentity, "name">): string => `${resourcePrefix(env.name)}-incident-responder`;

type AccountAndRegion = Pick<EnvironmentIdentity, "accountId" | "region">;

/** Where the environment's state is (config: state): the incident commands read it to find the pool id. */
export interface EnvironmentStateLocation {
  /** The state bucket. */
  readonly bucket: string;
  /** Object key of the environment stack's state. */
  readonly key: string;
  /** The lock table, which holds the state's digest item. */
  readonly lockTable: string;
  /** Alias of the state key. */
  readonly kmsKeyAlias: string;
}

/** A statement of a role's trust policy: no Resource element. */
export type TrustStatement = Omit<PolicyStatement, "Resource">;

/** Trust policy: humans must have signed in with MFA; roles (already federated with their own MFA) may assume as is. */
export function responderTrustStatements(arns: readonly string[]): TrustStatement[] {
  const humans = arns.filter(isHumanPrincipal);
  const roles = arns.filter((a) => !isHumanPrincipal(a));
  const statements: TrustStatement[] = [];
  if (humans.length) {
    statements.push({
      Sid: "RespondersWithMfa",
      Effect: "Allow",
      Principal: { AWS: humans },
      Action: "sts:AssumeRole",
      // IAM User Guide, "Configuring MFA-protected API access": the key is present and true only for
      // credentials obtained with MFA; Bool with "true" fails closed when it is absent.
      Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
    });
  }
  if (roles.length) {
    statements.push({ Sid: "ResponderRoles", Effect: "Allow", Principal: { AWS: roles }, Action: "sts:AssumeRole" });
  }
  return statements;
}

/**
 * Permission policy, statement by statement. `logGroupArns` are bare log group ARNs (as
 * aws_cloudwatch_log_group.arn gives them); StartQuery is granted on them and on their ":*" form,
 * the form CloudWatch Logs authorizes many log-group actions against.
 */
export function responderPermissionStatements(
  userPoolArn: string,
  poolTags: Readonly<Record<string, string>>,
  logGroupArns: readonly string[],
): IdentityStatement[] {
  const statements: IdentityStatement[] = [
    {
      Sid: "ContainUsersOfThisPool",
      Effect: "Allow",
      Action: [...RESPONDER_COGNITO_ACTIONS],
      Resource: userPoolArn,
      Condition: { StringEquals: Object.fromEntries(Object.entries(poolTags).map(([k, v]) => [`aws:ResourceTag/${k}`, v])) },
    },
  ];
  if (logGroupArns.length) {
    statements.push(
      {
        Sid: "QueryAuditLogGroups",
        Effect: "Allow",
        Action: "logs:StartQuery",
        Resource: logGroupArns.flatMap((arn) => [arn, `${arn}:*`]),
      },
      {
        Sid: "ReadQueriesNoResourceType",
        Effect: "Allow",
        Action: [...RESPONDER_UNSCOPED_LOGS_ACTIONS],
        Resource: "*",
      },
    );
  }
  return statements;
}

/** A statement of an identity policy: no Principal element. */
export type IdentityStatement = Omit<PolicyStatement, "Principal">;

/**
 * The state read the commands need to find the pool id (`terraform output` on the S3 backend:
 * Terraform docs, "Backend Type: s3", Permissions Required): list the bucket, read this environment's
 * state object, decrypt it through S3 and DynamoDB only, and read its digest item. No lock, no write.
 * The state key's id is generated in state-<env>: it is named by its alias (kms:ResourceAliases,
 * AWS KMS Developer Guide, "kms:ResourceAliases") and only through S3 (kms:ViaService).
 */
export function responderStateReadStatements(account: AccountAndRegion, state: EnvironmentStateLocation): IdentityStatement[] {
  const { accountId, region } = account;
  const partition = partitionOf(region);
  const bucketArn = `arn:${partition}:s3:::${state.bucket}`;
  return [
    { Sid: "ListStateBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn },
    { Sid: "ReadEnvironmentState", Effect: "Allow", Action: "s3:GetObject", Resource: `${bucketArn}/${state.key}` },
    {
      // S3 decrypts the state object, and DynamoDB the lock table (encrypted with the same key) for the
      // digest read, both with the caller's permission ("How Amazon DynamoDB uses AWS KMS": the caller of an
      // item request on a table encrypted with a customer managed key needs kms:Decrypt on it).
      Sid: "DecryptStateThroughS3AndDynamoDB",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: `arn:${partition}:kms:${region}:${accountId}:key/*`,
      Condition: {
        StringEquals: { "kms:ViaService": [`s3.${region}.amazonaws.com`, `dynamodb.${region}.amazonaws.com`] },
        "ForAnyValue:StringEquals": { "kms:ResourceAliases": state.kmsKeyAlias },
      },
    },
    {
      // The backend compares the state it reads with this digest item.
      Sid: "ReadStateDigest",
      Effect: "Allow",
      Action: "dynamodb:GetItem",
      Resource: `arn:${partition}:dynamodb:${region}:${accountId}:table/${state.lockTable}`,
      Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": `${state.bucket}/${state.key}-md5` } },
    },
  ];
}

export const identityPolicyDocument = (statements: readonly IdentityStatement[]): string =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 2);

export interface ResponderRoleProps {
  /**
   * The environment: the role's name `taskflow-<name>-incident-responder`, the account and Region of the state it reads.
   * Required.
   */
  readonly environment: EnvironmentIdentity;
  /**
   * IAM users, account roots and roles that may assume the role (users and roots only with MFA).
   * Required.
   */
  readonly principalArns: readonly string[];
  /**
   * The user pools whose users the responders may contain: a pool's ARN, or a pattern (userPoolsArn) when
   * the pool is created after the role; `poolTags` narrows either.
   * Required.
   */
  readonly userPoolArn: string;
  /**
   * Tags the pool carries (the provider's default Project and Environment tags): only pools with all of them.
   * Required.
   */
  readonly poolTags: Readonly<Record<string, string>>;
  /**
   * Audit log groups the role may query (bare ARNs).
   * Required.
   */
  readonly logGroupArns: readonly string[];
  /**
   * The environment's state, which the commands read to find the pool id.
   * Required.
   */
  readonly state: EnvironmentStateLocation;
}

/** The role, its inline policy and the pinned output of its ARN. Only created when config names responders. */
export class ResponderRole extends Construct {
  readonly role: IamRole;

  constructor(
    scope: Construct,
    id: string,
    { environment, principalArns, userPoolArn, poolTags, logGroupArns, state }: ResponderRoleProps,
  ) {
    super(scope, id);
    this.role = new IamRole(this, "role", {
      name: responderRoleName(environment),
      description: `TaskFlow ${environment.name}: incident response (user containment on the user pool, audit log queries)`,
      assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: responderTrustStatements(principalArns) }, null, 2),
      // One hour: long enough for an investigation, short enough that a forgotten session expires.
      maxSessionDuration: 3600,
    });
    this.role.overrideLogicalId(RESPONDER_ADDRESSES.role);
    new IamRolePolicy(this, "policy", {
      name: "incident-response",
      role: this.role.id,
      policy: identityPolicyDocument([
        ...responderPermissionStatements(userPoolArn, poolTags, logGroupArns),
        ...responderStateReadStatements(environment, state),
      ]),
    }).overrideLogicalId(RESPONDER_ADDRESSES.policy);
    new TerraformOutput(this, RESPONDER_ADDRESSES.output, {
      value: this.role.arn,
      description: "IAM role incident responders assume (MFA required for IAM users)",
    }).overrideLogicalId(RESPONDER_ADDRESSES.output);
  }
}

/** Bare ARN of a log group known by name only (e.g. the CloudTrail group config names). */
export const logGroupArn = ({ accountId, region }: AccountAndRegion, name: string): string =>
  `arn:${partitionOf(region)}:logs:${region}:${accountId}:log-group:${name}`;

/** Every user pool of the account and Region: the Cognito statement narrows it by tag. */
export const userPoolsArn = ({ accountId, region }: AccountAndRegion): string =>
  `arn:${partitionOf(region)}:cognito-idp:${region}:${accountId}:userpool/*`;
