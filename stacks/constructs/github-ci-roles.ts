import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { partitionOf } from "../../config/aws-regions";
import type { EnvironmentConfig } from "../../config";
import { projectTags, SCOPING_TAGS } from "../aws-provider";
import { ruleNamePrefix } from "./monitoring/alert-topic";
import { alarmNamePrefix, bootstrapStateKey, resourcePrefix } from "../../config/names";
import { logDeliveryStackName } from "./audit/log-delivery";
import { responderRoleName } from "./audit/responder-role";
import { auditLogGroupNames, investigationQueries } from "./audit/queries";
import { brandingStackName } from "./cognito/managed-login-branding";
import { wafLogGroupName, webAclName } from "./waf/names";
import { accessLogTarget } from "./access-log-bucket";

/** GitHub's OIDC issuer; the condition keys of its tokens are `<host>:aud` and `<host>:sub`. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The audience aws-actions/configure-aws-credentials requests by default. */
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

export type CiRoleKind = "plan" | "apply";

export const ciRoleName = (env: EnvironmentConfig, kind: CiRoleKind): string => `${resourcePrefix(env.name)}-ci-${kind}`;
/** The managed policy both CI roles have: reads for a plan or a drift check, and the state lock. */
export const ciReadPolicyName = (env: EnvironmentConfig): string => `${resourcePrefix(env.name)}-ci-read`;
export const ciRoleArn = (env: EnvironmentConfig, kind: CiRoleKind): string =>
  `arn:${partitionOf(env.region)}:iam::${env.accountId}:role/${ciRoleName(env, kind)}`;

/**
 * The `sub` claims a role accepts (GitHub Docs, "OpenID Connect reference": a job that names an
 * environment gets `repo:<owner>/<repo>:environment:<name>`, a pull_request job
 * `repo:<owner>/<repo>:pull_request`, any other job `repo:<owner>/<repo>:ref:<ref>`).
 *
 * - apply: only jobs running in the GitHub environment of the same name, so the environment's
 *   required reviewers and branch rules gate every use of it.
 * - plan (read-only): the same environment and pushes to the main branch (the plan of the merged
 *   commit that reviewers approve, and the daily drift check): those jobs must not name the
 *   environment, or they would wait for its reviewers too. Never pull requests: every job of every
 *   pull request presents the same `repo:<owner>/<repo>:pull_request`, whatever workflow file the
 *   branch brings, so trusting it would hand the role (state, locks) to any branch's code.
 */
export function ciSubjects(env: EnvironmentConfig, kind: CiRoleKind): string[] {
  const repo = `repo:${env.ci.githubRepository}`;
  const environment = `${repo}:environment:${env.name}`;
  return kind === "apply" ? [environment] : [environment, `${repo}:ref:refs/heads/${env.ci.mainBranch}`];
}

/** A statement of an identity-based policy (no Principal: the role it is attached to). */
interface IdentityStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** A statement of a role's trust policy: who may assume it (no Resource: the role itself). */
interface TrustStatement {
  Sid: string;
  Effect: "Allow";
  Principal: { Federated: string };
  Action: string;
  Condition: Record<string, Record<string, string | string[]>>;
}

const policyJson = (statements: readonly (IdentityStatement | TrustStatement)[]): string =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 2);

/**
 * What both roles read. Read actions are listed one by one rather than `Describe*`/`Get*`/`List*`,
 * so neither role can list users or read their attributes (cognito-idp:ListUsers, AdminGetUser):
 * refreshing this project's resources never needs personal data.
 * Resource "*": the list actions have no resource type (cognito-idp:ListUserPools, kms:ListAliases,
 * logs:DescribeResourcePolicies, iam:ListOpenIDConnectProviders: the IAM Service Authorization
 * Reference pages list_amazoncognitouserpools.html, list_awskeymanagementservice.html,
 * list_amazoncloudwatchlogs.html, list_awsidentityandaccessmanagementiam.html), and the others act on
 * pools, keys and certificates whose ARNs hold ids AWS generates. Being reads, they change nothing.
 * sts:GetCallerIdentity, which the provider calls to check allowed_account_ids, needs no permission
 * (AWS STS API Reference, GetCallerIdentity).
 */
const READ_ACTIONS = [
  "cognito-idp:DescribeUserPool",
  "cognito-idp:DescribeUserPoolClient",
  "cognito-idp:DescribeUserPoolDomain",
  "cognito-idp:DescribeRiskConfiguration",
  "cognito-idp:GetUserPoolMfaConfig",
  "cognito-idp:ListUserPools",
  "cognito-idp:ListUserPoolClients",
  "cognito-idp:ListTagsForResource",
  "cloudwatch:DescribeAlarms",
  "cloudwatch:GetDashboard",
  "cloudwatch:ListTagsForResource",
  "sns:GetTopicAttributes",
  "sns:GetSubscriptionAttributes",
  "sns:ListSubscriptionsByTopic",
  "sns:ListTagsForResource",
  "kms:DescribeKey",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListAliases",
  "kms:ListResourceTags",
  "logs:DescribeLogGroups",
  "logs:DescribeResourcePolicies",
  "logs:ListTagsForResource",
  "logs:ListTagsLogGroup",
  "events:DescribeRule",
  "events:ListTargetsByRule",
  "events:ListTagsForResource",
  "acm:DescribeCertificate",
  "acm:ListTagsForCertificate",
  // The "existing" provider is looked up by URL among the account's providers (state-<env> drift check).
  "iam:ListOpenIDConnectProviders",
];

interface Names {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly bucketArn: string;
  readonly tableArn: string;
  readonly stateKeyArn: string;
  /** Object keys of the environment's and the bootstrap stack's state. */
  readonly stateObjects: readonly string[];
  /** Their lock items' LockID in the lock table: "<bucket>/<key>". */
  readonly lockIds: string[];
}

function namesOf(env: EnvironmentConfig, stateKeyArn: string): Names {
  const partition = partitionOf(env.region);
  const bucketArn = `arn:${partition}:s3:::${env.state.bucket}`;
  return {
    partition,
    region: env.region,
    account: env.accountId,
    bucketArn,
    tableArn: `arn:${partition}:dynamodb:${env.region}:${env.accountId}:table/${env.state.lockTable}`,
    stateKeyArn,
    stateObjects: [env.state.key, bootstrapStateKey(env.name)],
    lockIds: [env.state.key, bootstrapStateKey(env.name)].map((key) => `${env.state.bucket}/${key}`),
  };
}

/** The access-log bucket state-<env> creates, if it creates one (its settings are in state-<env>'s plan). */
function createdLogBucketArns(env: EnvironmentConfig, n: Names): string[] {
  const target = accessLogTarget(env);
  return target.kind === "create" ? [`arn:${n.partition}:s3:::${target.bucket}`] : [];
}

/**
 * Reads of the web ACL and the audit trail's resources (a plan refreshes each), as the emulator's
 * decision log of the plan role's drift check showed them: only where config creates those resources.
 */
function readStatements(env: EnvironmentConfig, n: Names): IdentityStatement[] {
  const { partition, region, account } = n;
  const statements: IdentityStatement[] = [];
  if (env.waf.mode !== "off") {
    statements.push({
      Sid: "ReadWebAcl",
      Effect: "Allow",
      Action: ["wafv2:GetWebACL", "wafv2:ListTagsForResource", "wafv2:GetWebACLForResource", "wafv2:GetLoggingConfiguration"],
      Resource: [
        `arn:${partition}:wafv2:${region}:${account}:regional/webacl/${webAclName(env)}/*`,
        `arn:${partition}:cognito-idp:${region}:${account}:userpool/*`,
      ],
    });
  }
  if (env.audit.userActivityLogs) {
    statements.push(
      { Sid: "ReadAuditMetricFilters", Effect: "Allow", Action: ["logs:DescribeMetricFilters"], Resource: auditLogGroupArns(env, n) },
      {
        Sid: "ReadLogDeliveryStack",
        Effect: "Allow",
        Action: ["cloudformation:DescribeStacks", "cloudformation:GetTemplate"],
        Resource: `arn:${partition}:cloudformation:${region}:${account}:stack/${logDeliveryStackName(env)}/*`,
      },
    );
  }
  // Every client's managed-login branding style: the CloudFormation stack that holds them, and each
  // client's style as drift asks Cognito for it (a style deleted outside the stack).
  statements.push({
    Sid: "ReadManagedLoginBranding",
    Effect: "Allow",
    Action: ["cloudformation:DescribeStacks", "cloudformation:GetTemplate", "cognito-idp:DescribeManagedLoginBrandingByClient"],
    Resource: [
      `arn:${partition}:cloudformation:${region}:${account}:stack/${brandingStackName(env)}/*`,
      `arn:${partition}:cognito-idp:${region}:${account}:userpool/*`,
    ],
  });
  // DescribeQueryDefinitions has no resource type (list_amazoncloudwatchlogs.html).
  if (investigationQueries(env).length > 0)
    statements.push({ Sid: "ReadSavedQueries", Effect: "Allow", Action: ["logs:DescribeQueryDefinitions"], Resource: "*" });
  return statements;
}

/** Reads for a plan or a drift check of `<env>` and `state-<env>`, plus the state read and lock. */
function planStatements(env: EnvironmentConfig, n: Names): IdentityStatement[] {
  const { partition, account } = n;
  return [
    { Sid: "ReadProjectResources", Effect: "Allow", Action: READ_ACTIONS, Resource: "*" },
    {
      // The bootstrap stack's own resources, for the drift check of state-<env>.
      Sid: "ReadStateStorage",
      Effect: "Allow",
      Action: [
        // HeadBucket of the access-log bucket (the provider's existence check) is authorized as s3:ListBucket.
        "s3:ListBucket",
        "s3:GetBucket*",
        "s3:GetAccelerateConfiguration",
        "s3:GetEncryptionConfiguration",
        "s3:GetLifecycleConfiguration",
        "s3:GetReplicationConfiguration",
        "dynamodb:DescribeTable",
        "dynamodb:DescribeContinuousBackups",
        "dynamodb:DescribeTimeToLive",
        "dynamodb:ListTagsOfResource",
      ],
      Resource: [n.bucketArn, n.tableArn, ...createdLogBucketArns(env, n)],
    },
    ...readStatements(env, n),
    {
      Sid: "ReadCiIdentity",
      Effect: "Allow",
      Action: [
        "iam:GetRole",
        "iam:GetRolePolicy",
        "iam:ListRolePolicies",
        "iam:ListAttachedRolePolicies",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
        "iam:GetOpenIDConnectProvider",
      ],
      Resource: [
        `arn:${partition}:iam::${account}:role/${resourcePrefix(env.name)}-ci-*`,
        // The incident responder role, where config names responders (state-<env> holds it).
        ...(env.incidentResponse.responderPrincipalArns.length ? [`arn:${partition}:iam::${account}:role/${responderRoleName(env)}`] : []),
        `arn:${partition}:iam::${account}:policy/${ciReadPolicyName(env)}`,
        `arn:${partition}:iam::${account}:oidc-provider/${GITHUB_OIDC_HOST}`,
      ],
    },
    // The S3 backend's needs (Terraform docs, "Backend Type: s3", Permissions Required): list the
    // bucket, read the state, and take both locks (the .tflock object and the DynamoDB item).
    { Sid: "StateList", Effect: "Allow", Action: ["s3:ListBucket"], Resource: n.bucketArn },
    { Sid: "StateRead", Effect: "Allow", Action: ["s3:GetObject"], Resource: n.stateObjects.map((k) => `${n.bucketArn}/${k}`) },
    {
      Sid: "StateLock",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      Resource: n.stateObjects.map((k) => `${n.bucketArn}/${k}.tflock`),
    },
    {
      // Only the lock items of this environment's two states (LockID "<bucket>/<key>", Terraform docs,
      // "Backend Type: s3", DynamoDB state locking), never another stack's or the "-md5" digest items:
      // dynamodb:LeadingKeys is the partition key of the item (DynamoDB Developer Guide, "Using IAM
      // policy conditions for fine-grained access control").
      Sid: "StateLockTable",
      Effect: "Allow",
      Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
      Resource: n.tableArn,
      Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": n.lockIds } },
    },
    {
      // The backend compares the state it reads with the digest item (a mismatch fails the read).
      Sid: "StateDigestRead",
      Effect: "Allow",
      Action: ["dynamodb:GetItem"],
      Resource: n.tableArn,
      Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": n.lockIds.map((id) => `${id}-md5`) } },
    },
    {
      // SSE-KMS: reading the state decrypts, writing the lock object generates a data key.
      Sid: "StateKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
      Resource: n.stateKeyArn,
    },
  ];
}

/**
 * Changes to what the environment stack `<env>` manages, by service and name prefix. Not for
 * state-<env>: the bootstrap (state storage and these roles) is applied by an administrator, so no
 * pipeline credential can widen its own trust or permissions (there is no iam: write here at all).
 *
 * What cannot be narrowed further, and why (IAM Service Authorization Reference):
 * - cognito-idp:CreateUserPool has no resource type ("*"), and a pool's ARN holds the id Cognito
 *   generates (userpool/<region>_<id>), not its name, so pool actions are allowed on userpool/* of this
 *   account and Region (list_amazoncognitouserpools.html). DeleteUserPool only where config lets the
 *   pool be deleted (deletionProtection off).
 * - kms:CreateKey has no resource type, and a key's ARN is key/<generated id>; a new key has no alias
 *   yet, so a kms:ResourceAliases condition would refuse setting it up: key/* of this account and
 *   Region, with the state key denied (list_awskeymanagementservice.html). Aliases are named.
 * - logs:PutResourcePolicy and DeleteResourcePolicy have no resource type
 *   (list_amazoncloudwatchlogs.html).
 * - acm:RequestCertificate has no resource type; certificate ARNs hold a generated id
 *   (list_awscertificatemanager.html). Only with a custom domain whose certificate is requested here.
 */
function applyStatements(env: EnvironmentConfig, n: Names): IdentityStatement[] {
  const { partition, region, account } = n;
  const name = resourcePrefix(env.name);
  const userPools = `arn:${partition}:cognito-idp:${region}:${account}:userpool/*`;
  const keyAdministration = [
    "kms:PutKeyPolicy",
    "kms:EnableKeyRotation",
    "kms:UpdateKeyDescription",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:CreateAlias",
    "kms:UpdateAlias",
    "kms:DeleteAlias",
  ];
  const eventLogGroups = `arn:${partition}:logs:${region}:${account}:log-group:/aws/events/${name}-*`;
  const statements: IdentityStatement[] = [
    { Sid: "StateWrite", Effect: "Allow", Action: ["s3:PutObject"], Resource: `${n.bucketArn}/${env.state.key}` },
    {
      // Terraform updates the digest item of the state it writes; the next read compares it.
      Sid: "StateDigestWrite",
      Effect: "Allow",
      Action: ["dynamodb:PutItem"],
      Resource: n.tableArn,
      Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": [`${env.state.bucket}/${env.state.key}-md5`] } },
    },
    {
      Sid: "CreateUserPool",
      Effect: "Allow",
      Action: ["cognito-idp:CreateUserPool"],
      Resource: "*",
      Condition: projectTags(env, "RequestTag"),
    },
    {
      Sid: "ManageUserPools",
      Effect: "Allow",
      Action: [
        "cognito-idp:UpdateUserPool",
        "cognito-idp:SetUserPoolMfaConfig",
        "cognito-idp:AddCustomAttributes",
        "cognito-idp:CreateUserPoolClient",
        "cognito-idp:UpdateUserPoolClient",
        "cognito-idp:DeleteUserPoolClient",
        "cognito-idp:CreateUserPoolDomain",
        "cognito-idp:UpdateUserPoolDomain",
        "cognito-idp:DeleteUserPoolDomain",
        "cognito-idp:SetRiskConfiguration",
        "cognito-idp:TagResource",
        "cognito-idp:UntagResource",
        // Through CloudFormation, with these credentials: each client's branding style, and the export of
        // the user-activity log (AWS::Cognito::LogDeliveryConfiguration).
        "cognito-idp:CreateManagedLoginBranding",
        "cognito-idp:UpdateManagedLoginBranding",
        "cognito-idp:DeleteManagedLoginBranding",
        "cognito-idp:DescribeManagedLoginBranding",
        "cognito-idp:DescribeManagedLoginBrandingByClient",
        ...(env.audit.userActivityLogs ? ["cognito-idp:SetLogDeliveryConfiguration", "cognito-idp:GetLogDeliveryConfiguration"] : []),
        ...(env.userPool.deletionProtection ? [] : ["cognito-idp:DeleteUserPool"]),
      ],
      Resource: userPools,
      // Only pools of this project and environment: the account may host others (the TaskFlow API's).
      Condition: projectTags(env, "ResourceTag"),
    },
    {
      Sid: "ManageAlarmsAndDashboard",
      Effect: "Allow",
      Action: [
        "cloudwatch:PutMetricAlarm",
        "cloudwatch:DeleteAlarms",
        "cloudwatch:TagResource",
        "cloudwatch:UntagResource",
        "cloudwatch:PutDashboard",
        "cloudwatch:DeleteDashboards",
      ],
      Resource: [
        `arn:${partition}:cloudwatch:${region}:${account}:alarm:${alarmNamePrefix(env.name)}*`,
        // Dashboards are global: no Region in their ARN.
        `arn:${partition}:cloudwatch::${account}:dashboard/${alarmNamePrefix(env.name)}*`,
      ],
    },
    {
      // Subscription ARNs are the topic's ARN plus ":<id>", so the topic pattern covers them.
      Sid: "ManageAlertTopic",
      Effect: "Allow",
      Action: [
        "sns:CreateTopic",
        "sns:DeleteTopic",
        "sns:SetTopicAttributes",
        "sns:Subscribe",
        "sns:Unsubscribe",
        "sns:SetSubscriptionAttributes",
        "sns:TagResource",
        "sns:UntagResource",
      ],
      Resource: `arn:${partition}:sns:${region}:${account}:${name}-*`,
    },
    { Sid: "CreateKeys", Effect: "Allow", Action: ["kms:CreateKey"], Resource: "*", Condition: projectTags(env, "RequestTag") },
    {
      // Only keys of this project and environment (the provider's default_tags are on each).
      Sid: "ManageKeys",
      Effect: "Allow",
      Action: keyAdministration,
      Resource: `arn:${partition}:kms:${region}:${account}:key/*`,
      Condition: projectTags(env, "ResourceTag"),
    },
    {
      // Alias actions are authorized on the alias too, which carries no tags: by name.
      Sid: "ManageKeyAliases",
      Effect: "Allow",
      Action: keyAdministration.filter((a) => a.endsWith("Alias")),
      Resource: `arn:${partition}:kms:${region}:${account}:alias/${name}-*`,
    },
    {
      // CreateKey with tags also needs kms:TagResource in an IAM policy covering every key of the
      // account and Region, the new key having no tags yet (AWS KMS Developer Guide, "Managing KMS key
      // tags with API operations", CreateKey). Only this environment's tags may be set that way; an
      // untagged key of the account could be tagged into the project too (no key carries a mark
      // of being new): the residual risk of tagging on create.
      Sid: "TagNewKeys",
      Effect: "Allow",
      Action: ["kms:TagResource"],
      Resource: `arn:${partition}:kms:${region}:${account}:key/*`,
      Condition: { ...projectTags(env, "RequestTag"), Null: { "aws:ResourceTag/Project": "true" } },
    },
    {
      // The two tags that scope the statements above cannot be changed or removed once a key or
      // pool carries them (a new key carries none yet: see TagNewKeys).
      Sid: "ScopingTagsUnchangeable",
      Effect: "Deny",
      Action: ["kms:TagResource", "kms:UntagResource", "cognito-idp:TagResource", "cognito-idp:UntagResource"],
      Resource: "*",
      Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": SCOPING_TAGS }, Null: { "aws:ResourceTag/Project": "false" } },
    },
    {
      // key/* above would include the state key: losing it makes every state version unreadable.
      Sid: "StateKeyUntouchable",
      Effect: "Deny",
      Action: ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy", "kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"],
      Resource: n.stateKeyArn,
    },
    {
      Sid: "ManageLogGroups",
      Effect: "Allow",
      Action: [
        "logs:CreateLogGroup",
        "logs:DeleteLogGroup",
        "logs:PutRetentionPolicy",
        "logs:DeleteRetentionPolicy",
        "logs:AssociateKmsKey",
        "logs:DisassociateKmsKey",
        "logs:TagResource",
        "logs:UntagResource",
        "logs:TagLogGroup",
        "logs:UntagLogGroup",
      ],
      Resource: [
        eventLogGroups,
        ...(env.audit.userActivityLogs ? auditLogGroupArns(env, n) : []),
        ...(env.waf.mode !== "off" ? logGroupArns([wafLogGroupName(env)], n) : []),
      ],
    },
    ...(env.waf.mode !== "off" || env.audit.userActivityLogs
      ? [
          {
            // The WAF request log and Cognito's user-activity export are log deliveries the caller creates
            // (AWS WAF Developer Guide, "Sending web ACL traffic logs to an Amazon CloudWatch Logs log
            // group"; Cognito Developer Guide, "Exporting logs"); no resource type (list_amazoncloudwatchlogs.html).
            Sid: "ManageLogDeliveries",
            Effect: "Allow" as const,
            Action: [
              "logs:CreateLogDelivery",
              "logs:GetLogDelivery",
              "logs:UpdateLogDelivery",
              "logs:DeleteLogDelivery",
              "logs:ListLogDeliveries",
            ],
            Resource: "*",
            Condition: { StringEquals: { "aws:RequestedRegion": region } },
          },
        ]
      : []),
    {
      // No resource type and no service condition key: this Region is all AWS lets a policy narrow.
      Sid: "ManageLogResourcePolicy",
      Effect: "Allow",
      Action: ["logs:PutResourcePolicy", "logs:DeleteResourcePolicy"],
      Resource: "*",
      Condition: { StringEquals: { "aws:RequestedRegion": region } },
    },
    {
      Sid: "ManageSecurityEventRule",
      Effect: "Allow",
      Action: [
        "events:PutRule",
        "events:DeleteRule",
        "events:PutTargets",
        "events:RemoveTargets",
        "events:TagResource",
        "events:UntagResource",
      ],
      Resource: `arn:${partition}:events:${region}:${account}:rule/${ruleNamePrefix(env)}*`,
    },
  ];
  statements.push(
    {
      // The branding styles' stack; CloudFormation creates the styles with these credentials, which
      // ManageUserPools allows on the project's pools (CloudFormation User Guide: without a service role
      // a stack operation uses the caller's credentials).
      Sid: "ManageBrandingStack",
      Effect: "Allow",
      Action: CLOUDFORMATION_STACK_ACTIONS,
      Resource: `arn:${partition}:cloudformation:${region}:${account}:stack/${brandingStackName(env)}/*`,
    },
    ...auditStatements(env, n),
    ...wafStatements(env, n),
  );
  if (env.authDomain.kind === "custom" && !env.authDomain.certificateArn) {
    statements.push(
      { Sid: "RequestCertificate", Effect: "Allow", Action: ["acm:RequestCertificate"], Resource: "*" },
      {
        // Managed login needs its certificate in us-east-1, whatever the pool's Region.
        Sid: "ManageCertificate",
        Effect: "Allow",
        Action: ["acm:DeleteCertificate", "acm:AddTagsToCertificate", "acm:RemoveTagsFromCertificate"],
        Resource: `arn:${partition}:acm:us-east-1:${account}:certificate/*`,
      },
    );
  }
  return statements;
}

/** Log groups as the group's ARN and as the ":*" form some Logs actions are authorized on. */
const logGroupArns = (names: readonly string[], n: Names): string[] =>
  names.flatMap((g) => {
    const arn = `arn:${n.partition}:logs:${n.region}:${n.account}:log-group:${g}`;
    return [arn, `${arn}:*`];
  });
/** The exported Cognito log groups. */
const auditLogGroupArns = (env: EnvironmentConfig, n: Names): string[] => logGroupArns(Object.values(auditLogGroupNames(env)), n);

/** What Terraform's aws_cloudformation_stack does to a stack: create, read back, update, delete, and wait on its events. */
const CLOUDFORMATION_STACK_ACTIONS = [
  "cloudformation:CreateStack",
  "cloudformation:UpdateStack",
  "cloudformation:DeleteStack",
  "cloudformation:DescribeStacks",
  "cloudformation:DescribeStackEvents",
  "cloudformation:GetTemplate",
];

/**
 * What the audit trail's resources need, as the emulator's decision log of the CI apply showed them:
 * metric filters on the exported log groups, the saved Logs Insights queries (PutQueryDefinition and
 * DescribeQueryDefinitions have no resource type: list_amazoncloudwatchlogs.html), and the CloudFormation
 * stack that turns on Cognito's log delivery (aws_cloudformation_stack creates it, reads it back and
 * reads its template).
 */
function auditStatements(env: EnvironmentConfig, n: Names): IdentityStatement[] {
  const { partition, region, account } = n;
  const statements: IdentityStatement[] = [];
  if (env.audit.userActivityLogs) {
    statements.push(
      {
        Sid: "ManageAuditMetricFilters",
        Effect: "Allow",
        Action: ["logs:PutMetricFilter", "logs:DescribeMetricFilters"],
        Resource: auditLogGroupArns(env, n),
      },
      {
        Sid: "ManageLogDeliveryStack",
        Effect: "Allow",
        Action: CLOUDFORMATION_STACK_ACTIONS,
        Resource: `arn:${partition}:cloudformation:${region}:${account}:stack/${logDeliveryStackName(env)}/*`,
      },
    );
  }
  if (investigationQueries(env).length > 0) {
    statements.push({
      Sid: "ManageSavedQueries",
      Effect: "Allow",
      Action: ["logs:PutQueryDefinition", "logs:DescribeQueryDefinitions"],
      Resource: "*",
    });
  }
  return statements;
}

/**
 * The user pool's web ACL (AWS WAF Developer Guide, "Associate a web ACL with a user pool"): created, read
 * and tagged by name; AssociateWebACL and GetWebACLForResource are authorized on the web ACL and on the
 * protected resource, the user pool (list_awswafv2.html).
 */
function wafStatements(env: EnvironmentConfig, n: Names): IdentityStatement[] {
  if (env.waf.mode === "off") return [];
  const { partition, region, account } = n;
  return [
    {
      Sid: "ManageWebAcl",
      Effect: "Allow",
      // The web ACL, its association with the pool (Cognito checks cognito-idp:AssociateWebACL as well:
      // Cognito Developer Guide, "Associate an AWS WAF web ACL with a user pool") and its request log.
      Action: [
        "wafv2:CreateWebACL",
        "wafv2:UpdateWebACL",
        "wafv2:DeleteWebACL",
        "wafv2:GetWebACL",
        "wafv2:TagResource",
        "wafv2:UntagResource",
        "wafv2:ListTagsForResource",
        "wafv2:AssociateWebACL",
        "wafv2:DisassociateWebACL",
        "wafv2:GetWebACLForResource",
        "wafv2:PutLoggingConfiguration",
        "wafv2:GetLoggingConfiguration",
        "wafv2:DeleteLoggingConfiguration",
        "cognito-idp:AssociateWebACL",
        "cognito-idp:DisassociateWebACL",
        "cognito-idp:GetWebACLForResource",
      ],
      Resource: [
        `arn:${partition}:wafv2:${region}:${account}:regional/webacl/${webAclName(env)}/*`,
        `arn:${partition}:cognito-idp:${region}:${account}:userpool/*`,
      ],
    },
  ];
}

export interface GithubCiRolesProps {
  readonly env: EnvironmentConfig;
  /** ARN of the state key (this stack's KMS key). */
  readonly stateKeyArn: string;
}

/**
 * GitHub Actions' way into the environment's account without stored keys: the account's OIDC
 * identity provider for token.actions.githubusercontent.com and two roles its tokens can assume,
 * `taskflow-<env>-ci-plan` (read-only plus state read and lock) and `taskflow-<env>-ci-apply`.
 * Trust follows IAM User Guide, "Create a role for OpenID Connect federation": the `aud` and `sub`
 * conditions, both with StringEquals, so no wildcard can match another repository or environment.
 */
export class GithubCiRoles extends Construct {
  readonly providerArn: string;
  readonly planRole: IamRole;
  readonly applyRole: IamRole;

  constructor(scope: Construct, id: string, { env, stateKeyArn }: GithubCiRolesProps) {
    super(scope, id);
    if (env.ci.oidcProvider === "existing") {
      // IAM allows one provider per URL in an account: reuse the one another stack created.
      const existing = new DataAwsIamOpenidConnectProvider(this, "oidc-provider", { url: `https://${GITHUB_OIDC_HOST}` });
      existing.overrideLogicalId("github_actions");
      this.providerArn = existing.arn;
    } else {
      const provider = new IamOpenidConnectProvider(this, "oidc-provider", {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: [GITHUB_OIDC_AUDIENCE],
        // No thumbprint: IAM verifies GitHub's certificate against its own trusted CAs (IAM User
        // Guide, "Create an OpenID Connect (OIDC) identity provider in IAM"); a pinned thumbprint
        // would only break at GitHub's next certificate rotation.
      });
      provider.overrideLogicalId("github_actions");
      this.providerArn = provider.arn;
    }

    const names = namesOf(env, stateKeyArn);
    // IAM quotas (IAM User Guide, "IAM and AWS STS quotas"): a role's inline policies hold at most 10,240
    // characters together, a managed policy 6,144. The reads and the state lock both roles need are one
    // managed policy attached to both, so the apply role's inline policy holds only its changes.
    const read = new IamPolicy(this, "read-policy", {
      name: ciReadPolicyName(env),
      description: `TaskFlow ${env.name}: what the GitHub Actions plan and apply roles read, and the state lock`,
      policy: policyJson(planStatements(env, names)),
    });
    read.overrideLogicalId("ci_read");
    const made: Partial<Record<CiRoleKind, IamRole>> = {};
    for (const kind of ["plan", "apply"] as const) {
      const trust: TrustStatement = {
        Sid: "GitHubActionsOidc",
        Effect: "Allow",
        Principal: { Federated: this.providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
            [`${GITHUB_OIDC_HOST}:sub`]: ciSubjects(env, kind),
          },
        },
      };
      const role = new IamRole(this, `${kind}-role`, {
        name: ciRoleName(env, kind),
        description:
          kind === "plan"
            ? `TaskFlow ${env.name}: GitHub Actions plan and drift check (read-only, state lock)`
            : `TaskFlow ${env.name}: GitHub Actions apply of the reviewed plan`,
        assumeRolePolicy: policyJson([trust]),
        // One hour covers a plan or an apply; a longer session would outlive the job that asked for it.
        maxSessionDuration: 3600,
      });
      role.overrideLogicalId(`ci_${kind}`);
      new IamRolePolicyAttachment(this, `${kind}-read`, { role: role.name, policyArn: read.arn }).overrideLogicalId(`ci_${kind}_read`);
      if (kind === "apply") {
        new IamRolePolicy(this, `${kind}-policy`, {
          name: ciRoleName(env, kind),
          role: role.name,
          policy: policyJson(applyStatements(env, names)),
        }).overrideLogicalId(`ci_${kind}`);
      }
      made[kind] = role;
    }
    this.planRole = made.plan!;
    this.applyRole = made.apply!;
  }
}
