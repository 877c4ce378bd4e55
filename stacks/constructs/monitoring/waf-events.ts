/**
 * AWS WAF calls that switch the user pool's web ACL off or blind it, as alternatives of the
 * security-event rule's pattern (security-events.ts). Field names are CloudTrail's: requestParameters
 * is the API request with lower-camel-case keys (AWS WAF Developer Guide, "AWS WAF information in AWS
 * CloudTrail", whose example CreateWebACL entry records requestParameters.name and .scope), and the
 * request fields are those of the AWS WAF API reference (UpdateWebACL and DeleteWebACL: Name;
 * DisassociateWebACL: ResourceArn, the protected resource; PutLoggingConfiguration:
 * LoggingConfiguration.ResourceArn; DeleteLoggingConfiguration: ResourceArn, the web ACL). Each
 * alternative is scoped to this environment's web ACL or user pool, so another team's web ACL in a
 * shared account raises nothing here.
 */
import type { EnvironmentConfig } from "../../../config";
import { partitionOf } from "../../../config/aws-regions";
import { webAclName } from "../waf/names";

/** The AWS WAF calls the rule reports. */
export const WAF_SECURITY_EVENTS = [
  "DisassociateWebACL",
  "UpdateWebACL",
  "DeleteWebACL",
  "PutLoggingConfiguration",
  "DeleteLoggingConfiguration",
] as const;

const cloudTrail = (eventName: readonly string[], requestParameters: Record<string, unknown>) => ({
  source: ["aws.wafv2"],
  "detail-type": ["AWS API Call via CloudTrail"],
  detail: { eventSource: ["wafv2.amazonaws.com"], eventName: [...eventName], requestParameters },
});

/**
 * One EventBridge pattern per request shape. A web ACL's ARN ends in its id, unknown before apply:
 * the ARN is matched by prefix up to the name (arn:<partition>:wafv2:<region>:<account>:regional/webacl/<name>/).
 */
export function wafSecurityEventPatterns(env: EnvironmentConfig, userPoolArn: string): object[] {
  const name = webAclName(env);
  const webAclArn = [{ prefix: `arn:${partitionOf(env.region)}:wafv2:${env.region}:${env.accountId}:regional/webacl/${name}/` }];
  return [
    cloudTrail(["UpdateWebACL", "DeleteWebACL"], { name: [name] }),
    cloudTrail(["DisassociateWebACL"], { resourceArn: [userPoolArn] }),
    cloudTrail(["PutLoggingConfiguration"], { loggingConfiguration: { resourceArn: webAclArn } }),
    cloudTrail(["DeleteLoggingConfiguration"], { resourceArn: webAclArn }),
  ];
}
