import { TerraformOutput } from "cdktf";
import type { CognitoUserPool } from "@cdktf/provider-aws/lib/cognito-user-pool";
import type { CognitoUserPoolClient } from "@cdktf/provider-aws/lib/cognito-user-pool-client";
import type { Construct } from "constructs";
import type { ManagedLoginDomain } from "./auth-domain";

/** What the outputs publish. */
export interface AuthOutputsProps {
  /** Region of the pool: part of the issuer URL. Required. */
  readonly region: string;
  readonly pool: CognitoUserPool;
  readonly client: CognitoUserPoolClient;
  readonly domain: ManagedLoginDomain;
}

/**
 * Terraform outputs for other pipelines (`terraform output`, `terraform_remote_state`). Their
 * names are an interface: pinned with overrideLogicalId, never derived from construct paths.
 */
export function addAuthOutputs(scope: Construct, { region, pool, client, domain }: AuthOutputsProps): void {
  const output = (name: string, value: unknown, description: string) =>
    new TerraformOutput(scope, name, { value, description }).overrideLogicalId(name);

  // The issuer every JWT carries in `iss`; APIs validate tokens against it and its JWKS.
  const issuer = `https://cognito-idp.${region}.amazonaws.com/${pool.id}`;
  output("user_pool_id", pool.id, "Cognito user pool id");
  output("user_pool_arn", pool.arn, "Cognito user pool ARN");
  output("app_client_id", client.id, "Web (SPA) app client id");
  output("issuer_url", issuer, "OIDC issuer of the pool's tokens");
  output("jwks_url", `${issuer}/.well-known/jwks.json`, "Signing keys of the pool's tokens");
  output("oauth_domain", domain.hostname, "Hostname of the OAuth endpoints and managed login");

  if (domain.isCustom) {
    // The custom domain's DNS record (alias/CNAME) must point here.
    output(
      "auth_domain_cloudfront_target",
      domain.domain.cloudfrontDistribution,
      "CloudFront distribution the custom auth domain must point to",
    );
  }
  if (domain.certificate) {
    output(
      "auth_domain_certificate_validation_records",
      domain.certificate.domainValidationOptions,
      "DNS records (name, type, value) that validate the custom auth domain's certificate",
    );
  }
}
