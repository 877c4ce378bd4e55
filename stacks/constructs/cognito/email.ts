import { partitionOf } from "../../../config/aws-regions";

/** Who Cognito's emails come from when they are sent through SES. */
export interface SesSender {
  /** ARN of the verified SES identity (domain or address) Cognito sends through. */
  readonly sourceArn: string;
  /** Bare address, e.g. noreply@taskflow.example.com. */
  readonly address: string;
  /** From header with display name, e.g. "TaskFlow <noreply@taskflow.example.com>". */
  readonly fromHeader: string;
}

/** The SES identity Cognito sends through, and how the from address is written. */
export interface SesSenderProps {
  /** Verified SES identity: a domain, or an address (then the from address as is). Required. */
  readonly identity: string;
  /** With a domain identity, the part of the from address before @ (e.g. noreply). Required. */
  readonly fromLocalPart: string;
  /** Display name of the From header (e.g. TaskFlow). Required. */
  readonly fromName: string;
  /** Account and region of the identity: the user pool's own. Required. */
  readonly accountId: string;
  readonly region: string;
}

/**
 * The SES sender of a user pool.
 *
 * The identity (domain or address) must already be verified in SES in the pool's region, with a
 * sending-authorization policy that lets Cognito use it; this stack does not own it. The from
 * address lives on that identity: an address identity is used as is, a domain identity gets
 * `<fromLocalPart>@<domain>`.
 *
 * Used by the user pool's email_configuration and by the risk configuration's notifications, so
 * both always send from the same identity.
 */
export function sesSender({ identity, fromLocalPart, fromName, accountId, region }: SesSenderProps): SesSender {
  const address = identity.includes("@") ? identity : `${fromLocalPart}@${identity}`;
  return {
    sourceArn: `arn:${partitionOf(region)}:ses:${region}:${accountId}:identity/${identity}`,
    address,
    fromHeader: `${fromName} <${address}>`,
  };
}
