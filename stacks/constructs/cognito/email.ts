import { partitionOf } from "../../../config/aws-regions";
import type { EnvironmentConfig } from "../../../config";

/** Who Cognito's emails come from when they are sent through SES. */
export interface SesSender {
  /** ARN of the verified SES identity (domain or address) Cognito sends through. */
  readonly sourceArn: string;
  /** Bare address, e.g. noreply@taskflow.example.com. */
  readonly address: string;
  /** From header with display name, e.g. "TaskFlow <noreply@taskflow.example.com>". */
  readonly fromHeader: string;
}

/**
 * The SES sender of an environment, or undefined when config keeps Cognito's default sender.
 *
 * The identity (domain or address) must already be verified in SES in the pool's region, with a
 * sending-authorization policy that lets Cognito use it; this stack does not own it. The from
 * address lives on that identity: an address identity is used as is, a domain identity gets
 * `<fromLocalPart>@<domain>` (default noreply@<domainName>).
 *
 * Used by the user pool's email_configuration and by the risk configuration's notifications, so
 * both always send from the same identity.
 */
export function sesSenderOf(env: EnvironmentConfig): SesSender | undefined {
  const email = env.userPool.email;
  if (email.sender !== "SES") return undefined;
  const identity = email.identity ?? env.domainName;
  const address = identity.includes("@") ? identity : `${email.fromLocalPart}@${identity}`;
  return {
    sourceArn: `arn:${partitionOf(env.region)}:ses:${env.region}:${env.accountId}:identity/${identity}`,
    address,
    fromHeader: `${email.fromName} <${address}>`,
  };
}
