import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { CognitoUserPoolDomain } from "@cdktf/provider-aws/lib/cognito-user-pool-domain";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../../config";
import { managedLoginHostname } from "../../../config/resolve";
import { awsProviderFor } from "../../aws-provider";

/** Full hostname of the OAuth endpoints and managed login pages. */
export function authDomainHostname(env: EnvironmentConfig): string {
  return managedLoginHostname(env.authDomain, env.region);
}

/**
 * The user pool domain (OAuth endpoints, managed login). Managed login version 2 because passkeys
 * work in managed login, not in the classic hosted UI. A prefix domain needs no certificate; a
 * custom domain needs an ACM certificate in us-east-1 (Cognito serves it through CloudFront).
 */
export class ManagedLoginDomain extends Construct {
  readonly domain: CognitoUserPoolDomain;
  /** Full hostname, e.g. taskflow-prod.auth.ap-northeast-1.amazoncognito.com. */
  readonly hostname: string;
  /** Only when this stack requests the custom domain's certificate (config gave no certificateArn). */
  readonly certificate?: AcmCertificate;

  constructor(scope: Construct, id: string, env: EnvironmentConfig, userPoolId: string) {
    super(scope, id);
    const authDomain = env.authDomain;
    this.hostname = authDomainHostname(env);

    let certificateArn: string | undefined;
    if (authDomain.kind === "custom") {
      if (authDomain.certificateArn) {
        certificateArn = authDomain.certificateArn;
      } else {
        const requested = this.requestCertificate(env, authDomain.domain);
        this.certificate = requested.certificate;
        certificateArn = requested.validatedArn;
      }
    }

    this.domain = new CognitoUserPoolDomain(this, "domain", {
      domain: authDomain.kind === "custom" ? authDomain.domain : authDomain.prefix,
      userPoolId,
      managedLoginVersion: 2,
      certificateArn,
    });
    this.domain.overrideLogicalId("auth_domain");
  }

  /**
   * A DNS-validated certificate from a us-east-1 provider. The validation resource holds the
   * domain back until ACM has issued the certificate (Cognito refuses a pending one); it waits
   * until the CNAME records (output auth_domain_certificate_validation_records) are in DNS. On a
   * first deploy, apply `-target=aws_acm_certificate.auth_domain_certificate`, publish the
   * records, then apply everything.
   */
  private requestCertificate(env: EnvironmentConfig, domainName: string): { certificate: AcmCertificate; validatedArn: string } {
    const usEast1 = awsProviderFor(this, env, { alias: "us-east-1", region: "us-east-1" });
    const certificate = new AcmCertificate(this, "certificate", {
      provider: usEast1,
      domainName,
      validationMethod: "DNS",
      // A renewed or changed certificate must exist before the domain lets go of the old one.
      lifecycle: { createBeforeDestroy: true },
    });
    certificate.overrideLogicalId("auth_domain_certificate");
    const validation = new AcmCertificateValidation(this, "certificate-validation", {
      provider: usEast1,
      certificateArn: certificate.arn,
    });
    validation.overrideLogicalId("auth_domain_certificate_validation");
    // The domain reads the ARN from the validation, so Terraform creates it only once ACM has issued the certificate.
    return { certificate, validatedArn: validation.certificateArn };
  }
}
