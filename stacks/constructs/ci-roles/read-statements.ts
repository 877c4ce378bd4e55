/** The managed read policy both CI roles have: reads for a plan or a drift check, and the state read and lock. */
import { ciReadPolicyName, GITHUB_OIDC_HOST } from "./names";
import { logGroupArns, type CiScope, type IdentityStatement } from "./scope";

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

/** The access-log bucket state-<env> creates, if it creates one (its settings are in state-<env>'s plan). */
const createdLogBucketArns = (s: CiScope): string[] =>
  s.state.createdAccessLogBucket ? [`arn:${s.partition}:s3:::${s.state.createdAccessLogBucket}`] : [];

/**
 * Reads of the web ACL and the audit trail's resources (a plan refreshes each), as the emulator's
 * decision log of the plan role's drift check showed them: only where config creates those resources.
 */
function readStatements(s: CiScope): IdentityStatement[] {
  const { partition, region, account, stack } = s;
  const statements: IdentityStatement[] = [];
  if (stack.webAcl) {
    statements.push({
      Sid: "ReadWebAcl",
      Effect: "Allow",
      Action: ["wafv2:GetWebACL", "wafv2:ListTagsForResource", "wafv2:GetWebACLForResource", "wafv2:GetLoggingConfiguration"],
      Resource: [
        `arn:${partition}:wafv2:${region}:${account}:regional/webacl/${stack.webAcl.name}/*`,
        `arn:${partition}:cognito-idp:${region}:${account}:userpool/*`,
      ],
    });
  }
  if (stack.userActivityExport) {
    statements.push(
      {
        Sid: "ReadAuditMetricFilters",
        Effect: "Allow",
        Action: ["logs:DescribeMetricFilters"],
        Resource: logGroupArns(stack.userActivityExport.logGroupNames, s),
      },
      {
        Sid: "ReadLogDeliveryStack",
        Effect: "Allow",
        Action: ["cloudformation:DescribeStacks", "cloudformation:GetTemplate"],
        Resource: `arn:${partition}:cloudformation:${region}:${account}:stack/${stack.userActivityExport.stackName}/*`,
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
      `arn:${partition}:cloudformation:${region}:${account}:stack/${stack.brandingStackName}/*`,
      `arn:${partition}:cognito-idp:${region}:${account}:userpool/*`,
    ],
  });
  // DescribeQueryDefinitions has no resource type (list_amazoncloudwatchlogs.html).
  if (stack.savedQueries)
    statements.push({ Sid: "ReadSavedQueries", Effect: "Allow", Action: ["logs:DescribeQueryDefinitions"], Resource: "*" });
  return statements;
}

/** Reads for a plan or a drift check of `<env>` and `state-<env>`, plus the state read and lock. */
export function planStatements(s: CiScope): IdentityStatement[] {
  const { partition, account } = s;
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
      Resource: [s.bucketArn, s.tableArn, ...createdLogBucketArns(s)],
    },
    ...readStatements(s),
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
        `arn:${partition}:iam::${account}:role/${s.prefix}-ci-*`,
        ...s.bootstrapRoleNames.map((name) => `arn:${partition}:iam::${account}:role/${name}`),
        `arn:${partition}:iam::${account}:policy/${ciReadPolicyName({ name: s.environmentName })}`,
        `arn:${partition}:iam::${account}:oidc-provider/${GITHUB_OIDC_HOST}`,
      ],
    },
    // The S3 backend's needs (Terraform docs, "Backend Type: s3", Permissions Required): list the
    // bucket, read the state, and take both locks (the .tflock object and the DynamoDB item).
    { Sid: "StateList", Effect: "Allow", Action: ["s3:ListBucket"], Resource: s.bucketArn },
    { Sid: "StateRead", Effect: "Allow", Action: ["s3:GetObject"], Resource: s.stateObjects.map((k) => `${s.bucketArn}/${k}`) },
    {
      Sid: "StateLock",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      Resource: s.stateObjects.map((k) => `${s.bucketArn}/${k}.tflock`),
    },
    {
      // Only the lock items of this environment's two states (LockID "<bucket>/<key>", Terraform docs,
      // "Backend Type: s3", DynamoDB state locking), never another stack's or the "-md5" digest items:
      // dynamodb:LeadingKeys is the partition key of the item (DynamoDB Developer Guide, "Using IAM
      // policy conditions for fine-grained access control").
      Sid: "StateLockTable",
      Effect: "Allow",
      Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
      Resource: s.tableArn,
      Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": s.lockIds } },
    },
    {
      // The backend compares the state it reads with the digest item (a mismatch fails the read).
      Sid: "StateDigestRead",
      Effect: "Allow",
      Action: ["dynamodb:GetItem"],
      Resource: s.tableArn,
      Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": s.lockIds.map((id) => `${id}-md5`) } },
    },
    {
      // SSE-KMS: reading the state decrypts, writing the lock object generates a data key.
      Sid: "StateKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
      Resource: s.state.keyArn,
    },
  ];
}
