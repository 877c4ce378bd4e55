/**
 * The OAuth / managed-login domain: a prefix domain by default, or a custom domain with a
 * us-east-1 certificate (from config, or requested here with DNS validation).
 */
import { ENV_NAMES } from "../support/synth";
import { patched, refusals, shipped, describeControl } from "./helpers";

const CUSTOM = { authDomain: { customDomain: "auth.taskflow.example.com" } };
const GIVEN_ARN = "arn:aws:acm:us-east-1:333333333333:certificate/0f1e2d3c-aaaa-bbbb-cccc-111122223333";

describeControl("CognitoUserPoolDomainManagedLogin", "every pool's OAuth domain runs managed login version 2", () => {
  // Reason: passkeys work in managed login (version 2), not in the classic hosted UI.
  test.each(ENV_NAMES)("1. compliant: %s has the prefix domain taskflow-<env> on managed login 2, without a certificate", (env) => {
    expect(shipped(env).domain).toEqual({
      domain: `taskflow-${env}`,
      user_pool_id: "${aws_cognito_user_pool.user_pool.id}",
      managed_login_version: 2,
    });
  });
  test("2. non-compliant: a prefix and a custom domain at once are refused", () => {
    expect(refusals("prod", { authDomain: { prefix: "taskflow-login", customDomain: "auth.taskflow.example.com" } })).toEqual([
      'prod.authDomain.customDomain: cannot be set together with prefix: choose one domain for the OAuth endpoints, got "auth.taskflow.example.com"',
    ]);
  });
});

describeControl("CognitoUserPoolCustomDomainCertificate", "a custom auth domain uses an ACM certificate in us-east-1", () => {
  // Reason: Cognito serves custom domains through CloudFront, which only takes us-east-1 certificates.
  test("1. compliant: without a certificate ARN, one is requested through an aliased us-east-1 provider and validated by DNS", () => {
    const { json, domain } = patched("prod", CUSTOM);
    const usEast1 = json.provider.aws.find((p: { alias?: string }) => p.alias === "us-east-1");
    expect(usEast1).toMatchObject({ region: "us-east-1", allowed_account_ids: ["333333333333"] });
    expect(json.resource.aws_acm_certificate.auth_domain_certificate).toMatchObject({
      provider: "aws.us-east-1",
      domain_name: "auth.taskflow.example.com",
      validation_method: "DNS",
      lifecycle: { create_before_destroy: true },
    });
    expect(json.resource.aws_acm_certificate_validation.auth_domain_certificate_validation).toMatchObject({
      provider: "aws.us-east-1",
      certificate_arn: "${aws_acm_certificate.auth_domain_certificate.arn}",
    });
    // The domain waits for the validated certificate.
    expect(domain).toEqual({
      domain: "auth.taskflow.example.com",
      user_pool_id: "${aws_cognito_user_pool.user_pool.id}",
      managed_login_version: 2,
      certificate_arn: "${aws_acm_certificate_validation.auth_domain_certificate_validation.certificate_arn}",
    });
  });
  test("2. compliant: the DNS validation records and the CloudFront target are outputs", () => {
    const { json } = patched("prod", CUSTOM);
    expect(json.output.auth_domain_certificate_validation_records.value).toBe(
      "${tolist(aws_acm_certificate.auth_domain_certificate.domain_validation_options)}",
    );
    expect(json.output.auth_domain_cloudfront_target.value).toBe("${aws_cognito_user_pool_domain.auth_domain.cloudfront_distribution}");
    expect(json.output.oauth_domain.value).toBe("auth.taskflow.example.com");
  });
  test("3. compliant: a certificate ARN from config is used as is, with no second provider", () => {
    const { json, domain } = patched("prod", { authDomain: { ...CUSTOM.authDomain, certificateArn: GIVEN_ARN } });
    expect(domain.certificate_arn).toBe(GIVEN_ARN);
    expect(json.resource).not.toHaveProperty("aws_acm_certificate");
    expect(json.provider.aws).toHaveLength(1);
    expect(json.output).not.toHaveProperty("auth_domain_certificate_validation_records");
  });
  test("4. non-compliant: a certificate outside us-east-1 is refused", () => {
    expect(
      refusals("prod", { authDomain: { ...CUSTOM.authDomain, certificateArn: GIVEN_ARN.replace("us-east-1", "ap-northeast-1") } }),
    ).toEqual([
      `prod.authDomain.certificateArn: must be an ACM certificate ARN in us-east-1 (managed login needs one there), got "${GIVEN_ARN.replace("us-east-1", "ap-northeast-1")}"`,
    ]);
  });
  test("5. not applied: the shipped prefix domains create no certificate and no us-east-1 provider", () => {
    for (const env of ENV_NAMES) {
      const { json } = shipped(env);
      expect(json.resource).not.toHaveProperty("aws_acm_certificate");
      expect(json.provider.aws.filter((p: { alias?: string }) => p.alias)).toEqual([]);
    }
  });
});
