/**
 * The security controls, as Terraform attributes: for each control the security suites check
 * (__tests__/security, __tests__/monitoring, __tests__/state), the resource types and attribute
 * paths that carry it. One list for two readers: the control tests read the synthesized values
 * through `controlledValues` (so a test checks exactly the attributes named here), and
 * `npm run drift` marks any drift in these attributes as security drift.
 *
 * Paths use the notation of attribute-diff.ts: `password_policy.minimum_length` (nested blocks
 * without their `[0]`); a path also covers everything below it.
 */

export interface SecurityControl {
  /** The control's name, as the `describe` of its test. */
  readonly name: string;
  /** What it protects, in a few words (drift.md shows it). */
  readonly what: string;
  /** Resource type → attribute paths. */
  readonly attributes: Readonly<Record<string, readonly string[]>>;
  /** Only these resource addresses of those types, when other resources share the type (CloudFormation stacks). */
  readonly addresses?: readonly string[];
}

const POOL = "aws_cognito_user_pool";
const CLIENT = "aws_cognito_user_pool_client";
const WEB_ACL = "aws_wafv2_web_acl";

export const SECURITY_CONTROLS: readonly SecurityControl[] = [
  // User pool (__tests__/security/user-pool-controls.test.ts)
  { name: "CognitoUserPoolMinimumPasswordLength", what: "password length", attributes: { [POOL]: ["password_policy.minimum_length"] } },
  {
    name: "CognitoUserPoolPasswordComplexity",
    what: "password character classes and temporary password validity",
    attributes: {
      [POOL]: [
        "password_policy.require_lowercase",
        "password_policy.require_uppercase",
        "password_policy.require_numbers",
        "password_policy.require_symbols",
        "password_policy.temporary_password_validity_days",
      ],
    },
  },
  { name: "CognitoUserPoolPasswordHistory", what: "password reuse", attributes: { [POOL]: ["password_policy.password_history_size"] } },
  {
    name: "CognitoUserPoolTotpMfa",
    what: "MFA",
    attributes: {
      [POOL]: [
        "mfa_configuration",
        "software_token_mfa_configuration",
        "email_mfa_configuration",
        "sms_configuration",
        "sms_authentication_message",
      ],
    },
  },
  { name: "CognitoUserPoolThreatProtection", what: "threat protection", attributes: { [POOL]: ["user_pool_add_ons"] } },
  { name: "CognitoUserPoolFeaturePlan", what: "feature plan (tier)", attributes: { [POOL]: ["user_pool_tier"] } },
  {
    name: "CognitoRiskConfiguration",
    what: "adaptive authentication and compromised-credentials actions",
    attributes: {
      aws_cognito_risk_configuration: [
        "account_takeover_risk_configuration",
        "compromised_credentials_risk_configuration",
        "risk_exception_configuration",
      ],
    },
  },
  {
    name: "CognitoUserPoolPasskeys",
    what: "passkeys and sign-in policy",
    attributes: { [POOL]: ["web_authn_configuration", "sign_in_policy"] },
  },
  { name: "CognitoUserPoolDeletionProtection", what: "deletion protection", attributes: { [POOL]: ["deletion_protection"] } },
  {
    name: "CognitoUserPoolSignInAndRecovery",
    what: "sign-in attribute, verification and account recovery",
    attributes: {
      [POOL]: [
        "username_attributes",
        "auto_verified_attributes",
        "account_recovery_setting",
        "user_attribute_update_settings",
        "username_configuration",
        "admin_create_user_config",
      ],
    },
  },
  { name: "CognitoUserPoolSesEmail", what: "email sender", attributes: { [POOL]: ["email_configuration"] } },
  { name: "CognitoUserPoolSchema", what: "user attributes (schema)", attributes: { [POOL]: ["schema"] } },
  { name: "CognitoUserPoolDeviceTracking", what: "remembered devices", attributes: { [POOL]: ["device_configuration"] } },

  // App client (__tests__/security/app-client-controls.test.ts)
  { name: "CognitoAppClientNoLegacyPasswordFlows", what: "sign-in flows", attributes: { [CLIENT]: ["explicit_auth_flows"] } },
  { name: "CognitoAppClientPublic", what: "client secret", attributes: { [CLIENT]: ["generate_secret"] } },
  {
    name: "CognitoAppClientTokenValidity",
    what: "token lifetimes and units",
    attributes: { [CLIENT]: ["access_token_validity", "id_token_validity", "refresh_token_validity", "token_validity_units"] },
  },
  {
    name: "CognitoAppClientNoUserEnumeration",
    what: "user-existence errors and token revocation",
    attributes: { [CLIENT]: ["prevent_user_existence_errors", "enable_token_revocation"] },
  },
  {
    name: "CognitoAppClientOAuthCodeFlow",
    what: "OAuth flows, scopes, identity providers and redirect URLs",
    attributes: {
      [CLIENT]: [
        "allowed_oauth_flows_user_pool_client",
        "allowed_oauth_flows",
        "allowed_oauth_scopes",
        "supported_identity_providers",
        "callback_urls",
        "logout_urls",
      ],
    },
  },
  { name: "CognitoAppClientAttributeWrites", what: "attribute write permissions", attributes: { [CLIENT]: ["write_attributes"] } },
  // Auth domain (__tests__/security/auth-domain-controls.test.ts)
  {
    name: "CognitoUserPoolDomainManagedLogin",
    what: "managed login version",
    attributes: { aws_cognito_user_pool_domain: ["managed_login_version"] },
  },
  {
    name: "CognitoUserPoolCustomDomainCertificate",
    what: "custom domain certificate",
    attributes: { aws_cognito_user_pool_domain: ["certificate_arn"] },
  },
  // Managed login branding (__tests__/security/managed-login-branding-controls.test.ts). Deleting the style
  // itself leaves this stack unchanged: drift also asks Cognito for each client's style (drift-report.ts).
  {
    name: "CognitoManagedLoginBranding",
    what: "managed login branding style of every app client (without one: sign-in unavailable)",
    attributes: { aws_cloudformation_stack: ["template_body", "parameters"] },
    addresses: ["aws_cloudformation_stack.managed_login_branding"],
  },

  // AWS WAF in front of the user pool (__tests__/security/waf-controls.test.ts)
  {
    name: "UserPoolWebAcl",
    what: "the web ACL's default action and scope",
    attributes: { [WEB_ACL]: ["default_action", "scope"] },
  },
  {
    name: "UserPoolWebAclAssociation",
    what: "which user pool the web ACL protects",
    attributes: { aws_wafv2_web_acl_association: ["resource_arn", "web_acl_arn"] },
  },
  {
    name: "UserPoolWebAclRules",
    what: "the web ACL's rules: statements, limits, each rule's action or override (block or count)",
    attributes: { [WEB_ACL]: ["rule"] },
  },
  {
    name: "UserPoolWebAclRequestLog",
    what: "the web ACL's request log: destination and redacted headers",
    attributes: {
      aws_wafv2_web_acl_logging_configuration: ["resource_arn", "log_destination_configs", "redacted_fields", "logging_filter"],
    },
  },

  // Monitoring (__tests__/monitoring/monitoring.test.ts)
  {
    name: "AlarmNotifiesTopic",
    what: "alarm notifications",
    attributes: { aws_cloudwatch_metric_alarm: ["alarm_actions", "ok_actions", "actions_enabled", "treat_missing_data"] },
  },
  {
    name: "AlarmThresholds",
    what: "alarm thresholds and periods",
    attributes: {
      aws_cloudwatch_metric_alarm: [
        "threshold",
        "comparison_operator",
        "evaluation_periods",
        "datapoints_to_alarm",
        "period",
        "statistic",
        "extended_statistic",
        "metric_name",
        "namespace",
        "dimensions",
        "metric_query",
      ],
    },
  },
  {
    name: "AlertTopicEncryptionAndPolicy",
    what: "alert topic encryption and who may publish",
    attributes: { aws_sns_topic: ["kms_master_key_id"], aws_sns_topic_policy: ["policy"] },
  },
  {
    name: "LogGroupRetentionAndEncryption",
    what: "log retention and encryption",
    attributes: { aws_cloudwatch_log_group: ["retention_in_days", "kms_key_id"] },
  },
  {
    name: "SecurityEventsRule",
    what: "Cognito security-change events",
    attributes: { aws_cloudwatch_event_rule: ["event_pattern", "state", "is_enabled"], aws_cloudwatch_event_target: ["arn"] },
  },
  {
    name: "CustomerManagedKeys",
    what: "key rotation, deletion window and key policy",
    attributes: { aws_kms_key: ["enable_key_rotation", "deletion_window_in_days", "policy", "is_enabled"] },
  },

  // State storage (__tests__/state/bootstrap-stack.test.ts)
  {
    name: "StateBucketProtection",
    what: "state bucket versioning, encryption, public access, ACLs, TLS policy, lifecycle",
    attributes: {
      aws_s3_bucket: ["force_destroy"],
      aws_s3_bucket_versioning: ["versioning_configuration"],
      aws_s3_bucket_server_side_encryption_configuration: ["rule"],
      aws_s3_bucket_public_access_block: ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"],
      aws_s3_bucket_ownership_controls: ["rule"],
      aws_s3_bucket_policy: ["policy"],
      aws_s3_bucket_lifecycle_configuration: ["rule"],
    },
  },
  {
    name: "StateLockTableProtection",
    what: "lock table deletion protection, recovery and encryption",
    attributes: { aws_dynamodb_table: ["deletion_protection_enabled", "point_in_time_recovery", "server_side_encryption"] },
  },
];

const byName = new Map(SECURITY_CONTROLS.map((c) => [c.name, c]));

/** The control of that name; throws for a name not in the list (a test cannot check an unlisted control). */
export function securityControl(name: string): SecurityControl {
  const control = byName.get(name);
  if (!control) throw new Error(`${name} is not a control in stacks/security-controls.ts`);
  return control;
}

/** True when `path` is `prefix` or lies below it (`a.b` under `a`, `a[0]` under `a`). */
const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);

/** The control applies to the resource at `address` (always, when the control names no addresses or none is given). */
const appliesTo = (c: SecurityControl, address?: string) => !c.addresses || address === undefined || c.addresses.includes(address);

/**
 * Controls an attribute change belongs to. A change to a whole block (`password_policy`) concerns
 * every control of an attribute inside it; a change inside a controlled attribute concerns that control.
 */
export function controlsOf(type: string, path: string, address?: string): SecurityControl[] {
  return SECURITY_CONTROLS.filter(
    (c) => appliesTo(c, address) && (c.attributes[type] ?? []).some((p) => path === "" || under(path, p) || under(p, path)),
  );
}

/** Controls carried by any attribute of this resource type (a deleted resource loses them all). */
export const controlsOfType = (type: string, address?: string): SecurityControl[] =>
  SECURITY_CONTROLS.filter((c) => appliesTo(c, address) && Object.hasOwn(c.attributes, type));

type Value = unknown;

/** A value at a dotted path of synthesized JSON; a nested block may be an object or a list of one. */
function valueAt(resource: Value, path: string): Value {
  let v = resource;
  for (const key of path.split(".")) {
    if (Array.isArray(v) && v.length === 1) v = v[0];
    v = v !== null && typeof v === "object" ? (v as Record<string, Value>)[key] : undefined;
  }
  return v;
}

/**
 * The values a control covers in one synthesized resource, by attribute path (unset ones left out),
 * so a test asserting on them checks exactly what drift detection watches.
 */
export function controlledValues(controlName: string, type: string, resource: Value): Record<string, Value> {
  const paths = securityControl(controlName).attributes[type];
  if (!paths) throw new Error(`${controlName} covers no attribute of ${type}`);
  return Object.fromEntries(paths.map((p) => [p, valueAt(resource, p)]).filter(([, v]) => v !== undefined));
}
