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
import { partitionOf } from "../../../config/aws-regions";
import type { EnvironmentIdentity } from "../../../config/names";

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

/** The web ACL and user pool whose AWS WAF calls are reported. */
export interface WatchedWebAcl {
  /** Name of the regional web ACL. Required. */
  readonly name: string;
  /** Its account and Region (they are in its ARN). Required. */
  readonly environment: Pick<EnvironmentIdentity, "accountId" | "region">;
  /** ARN of the user pool it protects (a Terraform reference). Required. */
  readonly userPoolArn: string;
}

/**
 * One EventBridge pattern per request shape. A web ACL's ARN ends in its id, unknown before apply:
 * the ARN is matched by prefix up to the name (arn:<partition>:wafv2:<region>:<account>:regional/webacl/<name>/).
 */
export function wafSecurityEventPatterns({ name, environment, userPoolArn }: WatchedWebAcl): object[] {
  const { accountId, region } = environment;
  const webAclArn = [{ prefix: `arn:${partitionOf(region)}:wafv2:${region}:${accountId}:regional/webacl/${name}/` }];
  return [
    cloudTrail(["UpdateWebACL", "DeleteWebACL"], { name: [name] }),
    cloudTrail(["DisassociateWebACL"], { resourceArn: [userPoolArn] }),
    cloudTrail(["PutLoggingConfiguration"], { loggingConfiguration: { resourceArn: webAclArn } }),
    cloudTrail(["DeleteLoggingConfiguration"], { resourceArn: webAclArn }),
  ];
}
