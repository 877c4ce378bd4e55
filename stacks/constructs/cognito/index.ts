import type { CognitoRiskConfiguration } from "@cdktf/provider-aws/lib/cognito-risk-configuration";
import type { CognitoUserPool } from "@cdktf/provider-aws/lib/cognito-user-pool";
import type { CognitoUserPoolClient } from "@cdktf/provider-aws/lib/cognito-user-pool-client";
import { Construct } from "constructs";
import type { EnvironmentIdentity } from "../../../config/names";
import { createAppClient, type AppClientProps } from "./app-client";
import { ManagedLoginDomain, type ManagedLoginDomainProps } from "./auth-domain";
import { ManagedLoginBranding, type BrandingConfig } from "./managed-login-branding";
import { addAuthOutputs } from "./outputs";
import { createRiskConfiguration } from "./risk-configuration";
import { createUserPool, type UserPoolProps } from "./user-pool";

export type { AppClientProps } from "./app-client";
export type { BrandingConfig } from "./managed-login-branding";
export { sesSender, type SesSender } from "./email";
export type { PasswordPolicy, UserPoolProps } from "./user-pool";

export interface CognitoAuthProps {
  /**
   * The environment: its name is in the branding stack's (taskflow-<env>-managed-login-branding), its
   * Region (the pool's) in the issuer URL and a prefix domain's hostname. Required.
   */
  readonly environment: Pick<EnvironmentIdentity, "name" | "region">;
  /** The pool (its custom-auth scoring follows `appClient.allowCustomAuth`). Required. */
  readonly userPool: Omit<UserPoolProps, "customAuthFlows">;
  /** The web (SPA) client. Required. */
  readonly appClient: AppClientProps;
  /** Domain of the OAuth endpoints and managed login. Required. */
  readonly domain: ManagedLoginDomainProps["domain"];
  /** us-east-1 provider for a custom domain's certificate. @default - none: a custom domain must name its certificateArn */
  readonly certificateProvider?: ManagedLoginDomainProps["certificateProvider"];
  /** The web client's managed login style. @default - Cognito's own look (UseCognitoProvidedValues) */
  readonly branding?: BrandingConfig;
}

/**
 * TaskFlow's sign-in for one environment: user pool, web app client, OAuth/managed-login domain and
 * each client's managed login branding style, threat-protection risk configuration and the outputs
 * other pipelines read; the security controls are asserted in __tests__/security.
 *
 * The pool and client have pinned Terraform addresses (aws_cognito_user_pool.user_pool,
 * aws_cognito_user_pool_client.web_client), so moving this construct does not replace them.
 */
export class CognitoAuth extends Construct {
  readonly userPool: CognitoUserPool;
  readonly client: CognitoUserPoolClient;
  readonly domain: ManagedLoginDomain;
  /** The branding style of every client of the managed login domain (without one: no sign-in page). */
  readonly branding: ManagedLoginBranding;
  /** Absent when threat protection is OFF. */
  readonly riskConfiguration?: CognitoRiskConfiguration;

  constructor(scope: Construct, id: string, props: CognitoAuthProps) {
    super(scope, id);
    const pool = props.userPool;
    this.userPool = createUserPool(this, { ...pool, customAuthFlows: props.appClient.allowCustomAuth });
    const userPoolId = this.userPool.id;
    this.client = createAppClient(this, props.appClient, { userPoolId, tier: pool.tier, existingUserPoolId: pool.existingUserPoolId });
    this.domain = new ManagedLoginDomain(this, "domain", {
      domain: props.domain,
      userPoolId,
      region: props.environment.region,
      certificateProvider: props.certificateProvider,
    });
    this.branding = new ManagedLoginBranding(this, "branding", {
      environment: props.environment,
      userPoolId,
      clients: { Web: this.client.id },
      style: props.branding,
    });
    this.riskConfiguration = createRiskConfiguration(this, {
      userPoolId,
      threatProtection: pool.threatProtection,
      sesSender: pool.sesSender,
    });
    addAuthOutputs(this, { region: props.environment.region, pool: this.userPool, client: this.client, domain: this.domain });
  }
}
