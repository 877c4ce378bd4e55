import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { CognitoUserPoolDomain } from "@cdktf/provider-aws/lib/cognito-user-pool-domain";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { managedLoginHostname, type AuthDomain } from "../../../config/resolve";

export interface ManagedLoginDomainProps {
  /**
   * A prefix domain (<prefix>.auth.<region>.amazoncognito.com), or a custom domain with the ARN of its
   * us-east-1 certificate or, without one, a certificate requested here. Required.
   */
  readonly domain: AuthDomain;
  /** The pool the domain serves (a Terraform reference). Required. */
  readonly userPoolId: string;
  /** Region of the pool: part of a prefix domain's hostname. Required. */
  readonly region: string;
  /**
   * Provider in us-east-1, where Cognito needs a custom domain's certificate: used only when the
   * certificate is requested here.
   * @default - none: a custom domain must then name its certificateArn
   */
  readonly certificateProvider?: AwsProvider;
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
  /** A custom domain (served through CloudFront), not a prefix domain. */
  readonly isCustom: boolean;
  /** Only when this stack requests the custom domain's certificate (the custom domain came without certificateArn). */
  readonly certificate?: AcmCertificate;

  constructor(scope: Construct, id: string, { domain: authDomain, userPoolId, region, certificateProvider }: ManagedLoginDomainProps) {
    super(scope, id);
    this.hostname = managedLoginHostname(authDomain, region);
    this.isCustom = authDomain.kind === "custom";

    let certificateArn: string | undefined;
    if (authDomain.kind === "custom") {
      if (authDomain.certificateArn) {
        certificateArn = authDomain.certificateArn;
      } else {
        if (!certificateProvider)
          throw new Error(`custom domain ${authDomain.domain}: give its certificateArn or a us-east-1 certificateProvider`);
        const requested = this.requestCertificate(certificateProvider, authDomain.domain);
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
  private requestCertificate(usEast1: AwsProvider, domainName: string): { certificate: AcmCertificate; validatedArn: string } {
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
