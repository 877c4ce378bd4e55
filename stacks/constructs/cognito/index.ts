import type { CognitoRiskConfiguration } from "@cdktf/provider-aws/lib/cognito-risk-configuration";
import type { CognitoUserPool } from "@cdktf/provider-aws/lib/cognito-user-pool";
import type { CognitoUserPoolClient } from "@cdktf/provider-aws/lib/cognito-user-pool-client";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../../config";
import { createAppClient } from "./app-client";
import { ManagedLoginDomain } from "./auth-domain";
import { ManagedLoginBranding } from "./managed-login-branding";
import { addAuthOutputs } from "./outputs";
import { createRiskConfiguration } from "./risk-configuration";
import { createUserPool } from "./user-pool";

/**
 * TaskFlow's sign-in for one environment: user pool, web app client, OAuth/managed-login domain and
 * each client's managed login branding style, threat-protection risk configuration and the outputs other pipelines read. Every value comes
 * from the validated config; the security controls are asserted in __tests__/security.
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

  constructor(scope: Construct, id: string, env: EnvironmentConfig) {
    super(scope, id);
    this.userPool = createUserPool(this, env);
    this.client = createAppClient(this, env, this.userPool.id);
    this.domain = new ManagedLoginDomain(this, "domain", env, this.userPool.id);
    this.branding = new ManagedLoginBranding(this, "branding", { env, userPoolId: this.userPool.id, clients: { Web: this.client.id } });
    this.riskConfiguration = createRiskConfiguration(this, env, this.userPool.id);
    addAuthOutputs(this, env, this.userPool, this.client, this.domain);
  }
}
