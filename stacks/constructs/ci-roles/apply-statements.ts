/** The apply role's own inline policy: changes to what the environment stack `<env>` manages, and its state write. */
import { alarmNamePrefix } from "../../../config/names";
import { SCOPING_TAGS } from "../../aws-provider";
import { logGroupArns, type CiScope, type IdentityStatement } from "./scope";

/** aws:RequestTag (on create) or aws:ResourceTag (after) equal to the environment's scoping tags. */
function projectTags(s: CiScope, kind: "RequestTag" | "ResourceTag"): IdentityStatement["Condition"] {
  const { tags } = s;
  return { StringEquals: Object.fromEntries(SCOPING_TAGS.map((t) => [`aws:${kind}/${t}`, tags[t]])) };
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
export function applyStatements(s: CiScope): IdentityStatement[] {
  const { partition, region, account, stack } = s;
  const name = s.prefix;
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
    { Sid: "StateWrite", Effect: "Allow", Action: ["s3:PutObject"], Resource: `${s.bucketArn}/${s.state.environmentKey}` },
    {
      // Terraform updates the digest item of the state it writes; the next read compares it.
      Sid: "StateDigestWrite",
      Effect: "Allow",
      Action: ["dynamodb:PutItem"],
      Resource: s.tableArn,
      Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": [`${s.state.bucket}/${s.state.environmentKey}-md5`] } },
    },
    {
      Sid: "CreateUserPool",
      Effect: "Allow",
      Action: ["cognito-idp:CreateUserPool"],
      Resource: "*",
      Condition: projectTags(s, "RequestTag"),
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
        ...(stack.userActivityExport ? ["cognito-idp:SetLogDeliveryConfiguration", "cognito-idp:GetLogDeliveryConfiguration"] : []),
        ...((stack.userPoolDeletionProtection ?? true) ? [] : ["cognito-idp:DeleteUserPool"]),
      ],
      Resource: userPools,
      // Only pools of this project and environment: the account may host others (the TaskFlow API's).
      Condition: projectTags(s, "ResourceTag"),
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
        `arn:${partition}:cloudwatch:${region}:${account}:alarm:${alarmNamePrefix(s.environmentName)}*`,
        // Dashboards are global: no Region in their ARN.
        `arn:${partition}:cloudwatch::${account}:dashboard/${alarmNamePrefix(s.environmentName)}*`,
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
    { Sid: "CreateKeys", Effect: "Allow", Action: ["kms:CreateKey"], Resource: "*", Condition: projectTags(s, "RequestTag") },
    {
      // Only keys of this project and environment (the provider's default_tags are on each).
      Sid: "ManageKeys",
      Effect: "Allow",
      Action: keyAdministration,
      Resource: `arn:${partition}:kms:${region}:${account}:key/*`,
      Condition: projectTags(s, "ResourceTag"),
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
      Condition: { ...projectTags(s, "RequestTag"), Null: { "aws:ResourceTag/Project": "true" } },
    },
    {
      // The two tags that scope the statements above cannot be changed or removed once a key or
      // pool carries them (a new key carries none yet: see TagNewKeys).
      Sid: "ScopingTagsUnchangeable",
      Effect: "Deny",
      Action: ["kms:TagResource", "kms:UntagResource", "cognito-idp:TagResource", "cognito-idp:UntagResource"],
      Resource: "*",
      Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": [...SCOPING_TAGS] }, Null: { "aws:ResourceTag/Project": "false" } },
    },
    {
      // key/* above would include the state key: losing it makes every state version unreadable.
      Sid: "StateKeyUntouchable",
      Effect: "Deny",
      Action: ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy", "kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"],
      Resource: s.state.keyArn,
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
        ...(stack.userActivityExport ? logGroupArns(stack.userActivityExport.logGroupNames, s) : []),
        ...(stack.webAcl ? logGroupArns([stack.webAcl.logGroupName], s) : []),
      ],
    },
    ...(stack.webAcl || stack.userActivityExport
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
      Resource: `arn:${partition}:events:${region}:${account}:rule/${stack.eventRuleNamePrefix}*`,
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
      Resource: `arn:${partition}:cloudformation:${region}:${account}:stack/${stack.brandingStackName}/*`,
    },
    ...auditStatements(s),
    ...wafStatements(s),
  );
  if (stack.requestsCertificate) {
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
function auditStatements(s: CiScope): IdentityStatement[] {
  const { partition, region, account } = s;
  const { userActivityExport, savedQueries } = s.stack;
  const statements: IdentityStatement[] = [];
  if (userActivityExport) {
    statements.push(
      {
        Sid: "ManageAuditMetricFilters",
        Effect: "Allow",
        // Delete: an apply that turns the export off removes them (exercised by real-terraform/ci-apply-changes.test.ts).
        Action: ["logs:PutMetricFilter", "logs:DescribeMetricFilters", "logs:DeleteMetricFilter"],
        Resource: logGroupArns(userActivityExport.logGroupNames, s),
      },
      {
        Sid: "ManageLogDeliveryStack",
        Effect: "Allow",
        Action: CLOUDFORMATION_STACK_ACTIONS,
        Resource: `arn:${partition}:cloudformation:${region}:${account}:stack/${userActivityExport.stackName}/*`,
      },
    );
  }
  if (savedQueries) {
    statements.push({
      Sid: "ManageSavedQueries",
      Effect: "Allow",
      // Delete: a query config no longer lists (or the export turned off) is removed by the apply.
      Action: ["logs:PutQueryDefinition", "logs:DescribeQueryDefinitions", "logs:DeleteQueryDefinition"],
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
function wafStatements(s: CiScope): IdentityStatement[] {
  const { webAcl } = s.stack;
  if (!webAcl) return [];
  const { partition, region, account } = s;
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
        `arn:${partition}:wafv2:${region}:${account}:regional/webacl/${webAcl.name}/*`,
        `arn:${partition}:cognito-idp:${region}:${account}:userpool/*`,
      ],
    },
  ];
}
