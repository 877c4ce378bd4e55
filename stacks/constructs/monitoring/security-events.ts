import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { Construct } from "constructs";
import type { EnvironmentIdentity } from "../../../config/names";
import { policyDocument } from "../policy-document";
import { ruleNamePrefix } from "./alert-topic";
import type { ProjectLogs } from "./log-groups";
import { wafSecurityEventPatterns } from "./waf-events";

/** A group of audited Cognito API calls and what a match means for the operator on call. */
export interface SecurityEventGroup {
  readonly meaning: string;
  readonly events: readonly string[];
}

/**
 * Every Cognito user-pool API call the security-event rule reports, in one place, grouped by what
 * a match means for an operator. Names as CloudTrail records them, which are the action names of
 * the Cognito user pools API (Cognito Developer Guide, "Logging Amazon Cognito API calls with AWS
 * CloudTrail"; API Reference, "Actions": https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_Operations.html).
 * Every other action is listed, with its reason, in NOT_SECURITY_RELEVANT (cognito-calls-not-audited.ts);
 * a test fails on an action of the API that is in neither list.
 */
export const SECURITY_EVENT_GROUPS = {
  signInRules: {
    meaning:
      "the pool's sign-in rules changed or something was deleted: MFA, threat protection, password policy, sessions, managed login pages (a deleted branding style takes a client's sign-in page down)",
    events: [
      "UpdateUserPool",
      "DeleteUserPool",
      "SetUserPoolMfaConfig",
      "SetRiskConfiguration",
      "AdminUpdateAuthEventFeedback",
      "SetUserPoolSessionConfiguration",
      "SetUserPoolClientSessionConfiguration",
      "SetUICustomization",
      "CreateManagedLoginBranding",
      "UpdateManagedLoginBranding",
      "DeleteManagedLoginBranding",
      "CreateTerms",
      "UpdateTerms",
      "DeleteTerms",
      "DeleteUserPoolClient",
      "DeleteUserPoolDomain",
      "DeleteIdentityProvider",
      "DeleteResourceServer",
    ],
  },
  newWaysIn: {
    meaning:
      "a new way to obtain tokens or to send users elsewhere: app clients and secrets, identity providers, domains, scopes, bulk user imports, copies of the pool in other Regions",
    events: [
      "CreateUserPoolClient",
      "UpdateUserPoolClient",
      "AddUserPoolClientSecret",
      "CreateIdentityProvider",
      "UpdateIdentityProvider",
      "AdminLinkProviderForUser",
      "CreateResourceServer",
      "UpdateResourceServer",
      "CreateUserPoolDomain",
      "UpdateUserPoolDomain",
      "CreateUserImportJob",
      "StartUserImportJob",
      "CreateUserPoolReplica",
      "UpdateUserPoolReplica",
      "DeleteUserPoolReplica",
    ],
  },
  privilegeChanges: {
    meaning: "who holds which role: groups (they map to IAM roles and app permissions) and new custom attributes (such as the tenant id)",
    events: ["CreateGroup", "UpdateGroup", "DeleteGroup", "AdminAddUserToGroup", "AdminRemoveUserFromGroup", "AddCustomAttributes"],
  },
  accountChanges: {
    meaning:
      "an administrator created, confirmed, removed, enabled or disabled an account, or changed its attributes, password, MFA, linked identity providers or trusted devices",
    events: [
      "AdminCreateUser",
      "AdminConfirmSignUp",
      "AdminDeleteUser",
      "AdminEnableUser",
      "AdminDisableUser",
      "AdminUpdateUserAttributes",
      "AdminDeleteUserAttributes",
      "AdminDisableProviderForUser",
      "AdminSetUserPassword",
      "AdminResetUserPassword",
      "AdminSetUserMFAPreference",
      "AdminSetUserSettings",
      "AdminDeleteSoftwareToken",
      "AdminUpdateDeviceStatus",
    ],
  },
  loggingChanges: {
    meaning: "where the pool's user-activity and error logs go: turning them off hides the next attack",
    events: ["SetLogDeliveryConfiguration"],
  },
} as const satisfies Record<string, SecurityEventGroup>;

/** The rule's event names, flattened from the groups above. */
export const SECURITY_EVENT_NAMES: readonly string[] = Object.values(SECURITY_EVENT_GROUPS).flatMap((g) => g.events);

/**
 * Every pool of the account, not only ours: each environment has its own account, and a change to
 * an unexpected pool is as suspicious. Needs a CloudTrail trail with management events in the
 * account (EventBridge only receives "AWS API Call via CloudTrail" events when one exists).
 */
export const securityEventPattern = {
  source: ["aws.cognito-idp"],
  "detail-type": ["AWS API Call via CloudTrail"],
  detail: { eventSource: ["cognito-idp.amazonaws.com"], eventName: [...SECURITY_EVENT_NAMES] },
};

export interface SecurityEventsProps {
  /**
   * The environment: the rule is taskflow-<env>-cognito-security-changes, its messages say "TaskFlow
   * <env>", and the web ACL's ARN is matched in its account and Region. Required.
   */
  readonly environment: EnvironmentIdentity;
  /** The user pool's ARN: DisassociateWebACL names it (a Terraform reference). Required. */
  readonly userPoolArn: string;
  /** Where each matched call is announced in one sentence (the alert topic). Required. */
  readonly topicArn: string;
  /** Creates the log group that keeps every matched event in full. Required. */
  readonly logs: ProjectLogs;
  /**
   * Name of the user pool's web ACL: the rule then also reports the AWS WAF calls that switch it off
   * or blind it (waf-events.ts).
   * @default - no web ACL: Cognito calls only
   */
  readonly webAclName?: string;
}

/** Notifies the alert topic of every security-relevant Cognito change, and keeps each event in a log group. */
export class SecurityEvents extends Construct {
  readonly rule: CloudwatchEventRule;
  /** The rule's name as a plain string (known at synth time). */
  readonly ruleName: string;

  constructor(scope: Construct, id: string, props: SecurityEventsProps) {
    super(scope, id);
    const { environment, topicArn, logs, webAclName } = props;
    const envName = environment.name;
    const name = `${ruleNamePrefix(environment)}cognito-security-changes`;
    this.ruleName = name;
    // With a web ACL, the calls that switch it off too: either pattern matches ($or, EventBridge User
    // Guide "Creating event patterns": "$or matching").
    const waf = webAclName !== undefined;
    this.rule = new CloudwatchEventRule(this, "rule", {
      name,
      description: `TaskFlow ${envName}: security-relevant Cognito ${waf ? "and AWS WAF " : ""}changes (CloudTrail) to the alert topic`,
      eventPattern: JSON.stringify(
        waf
          ? {
              $or: [securityEventPattern, ...wafSecurityEventPatterns({ name: webAclName, environment, userPoolArn: props.userPoolArn })],
            }
          : securityEventPattern,
      ),
      state: "ENABLED",
    });

    // Email readers get one sentence instead of a page of CloudTrail JSON; the full event is in the log group.
    const logGroupName = `/aws/events/${name}`;
    new CloudwatchEventTarget(this, "notify", {
      rule: this.rule.name,
      targetId: "alert-topic",
      arn: topicArn,
      inputTransformer: {
        inputPaths: {
          event: "$.detail.eventName",
          pool: "$.detail.requestParameters.userPoolId",
          actor: "$.detail.userIdentity.arn",
          sourceIp: "$.detail.sourceIPAddress",
          time: "$.time",
          account: "$.account",
          region: "$.region",
          ...(waf ? { service: "$.source" } : {}),
        },
        inputTemplate:
          (waf
            ? `TaskFlow ${envName}: security change <event> (<service>) by <actor> from <sourceIp> at <time> ` +
              `(account <account>, <region>); user pool <pool> (blank for AWS WAF calls: they concern web ACL ${webAclName}). `
            : `TaskFlow ${envName}: Cognito security change <event> on user pool <pool> by <actor> from <sourceIp> at <time> ` +
              `(account <account>, <region>). `) + `If nobody planned it, treat it as an incident. Full event: log group ${logGroupName}.`,
      },
    });

    // Audit trail: the whole event, kept as long as the environment's other logs.
    const logGroup = logs.logGroup("audit-log", logGroupName);
    new CloudwatchLogResourcePolicy(this, "audit-log-policy", {
      policyName: `${name}-to-logs`,
      // The resource policy form EventBridge documents for CloudWatch Logs targets, limited to this log group.
      policyDocument: policyDocument([
        {
          Sid: "EventBridgeWritesSecurityEvents",
          Effect: "Allow",
          Principal: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] },
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: `${logGroup.arn}:*`,
        },
      ]),
    });
    new CloudwatchEventTarget(this, "audit", { rule: this.rule.name, targetId: "audit-log", arn: logGroup.arn });
  }
}
