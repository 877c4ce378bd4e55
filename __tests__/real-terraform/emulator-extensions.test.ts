/**
 * The emulator's extensions (emulator/ext_<service>.py), each called through the AWS SDK the way the
 * provider and the read-backs call it, with the response checked against the shape the API reference
 * gives (page cited per test). They run in an account of their own (not one of the shipped
 * environments') in the shared emulator, without waiting for the shared deploys.
 */
import { CloudFormationClient, CreateStackCommand, DeleteStackCommand, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import {
  CognitoIdentityProviderClient,
  CreateManagedLoginBrandingCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DeleteManagedLoginBrandingCommand,
  DescribeManagedLoginBrandingByClientCommand,
  DescribeManagedLoginBrandingCommand,
  DescribeRiskConfigurationCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  GetUserPoolMfaConfigCommand,
  ListTagsForResourceCommand,
  SetRiskConfigurationCommand,
  SetUserPoolMfaConfigCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateUserPoolCommand,
  UpdateManagedLoginBrandingCommand,
  UpdateUserPoolDomainCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutBucketLoggingCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { awsEnvFor, sdkTlsConfig, type AwsEnv } from "./support/aws";
import { sharedEmulator } from "./support/shared-deployment";
import { denyInsecureTransport } from "../../stacks/constructs/private-bucket";

jest.setTimeout(60_000);

/** An account no shipped environment uses. */
const ACCOUNT = "909090909090";
const REGION = "ap-northeast-1";

let shared: ReturnType<typeof sharedEmulator>;
let deployer: AwsEnv;
let breakGlass: AwsEnv;

const credentialsOf = (e: AwsEnv) => ({
  accessKeyId: e.AWS_ACCESS_KEY_ID,
  secretAccessKey: e.AWS_SECRET_ACCESS_KEY,
  sessionToken: e.AWS_SESSION_TOKEN,
});
const cognito = (e: AwsEnv) =>
  new CognitoIdentityProviderClient({ endpoint: e.AWS_ENDPOINT_URL, region: REGION, credentials: credentialsOf(e), ...sdkTlsConfig(e) });
const s3Over = (e: AwsEnv, endpoint: string) =>
  new S3Client({ endpoint, region: REGION, credentials: credentialsOf(e), forcePathStyle: true, ...sdkTlsConfig(e) });

beforeAll(async () => {
  shared = sharedEmulator();
  deployer = await awsEnvFor(shared, ACCOUNT, REGION);
  breakGlass = await awsEnvFor(shared, ACCOUNT, REGION, "break-glass");
});

describe("ext_cognitoidp", () => {
  let c: CognitoIdentityProviderClient;
  let poolId: string;
  let poolArn: string;
  let clientId: string;

  beforeAll(async () => {
    c = cognito(deployer);
    const { UserPool } = await c.send(
      new CreateUserPoolCommand({
        PoolName: "extension-test",
        UsernameAttributes: ["email"],
        Policies: { SignInPolicy: { AllowedFirstAuthFactors: ["PASSWORD", "WEB_AUTHN"] } },
        UserPoolTags: { Team: "auth" },
      }),
    );
    poolId = UserPool?.Id as string;
    poolArn = UserPool?.Arn as string;
    clientId = (await c.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: "web" }))).UserPoolClient
      ?.ClientId as string;
  });
  afterAll(() => c.destroy());

  // API_CreateUserPool.html / API_UserPoolType.html: UserPoolTier "defaults to ESSENTIALS"; Policies.SignInPolicy.AllowedFirstAuthFactors.
  test("CreateUserPool without a tier reports ESSENTIALS, and DescribeUserPool returns the sign-in policy as sent", async () => {
    const { UserPool } = await c.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
    expect(UserPool?.UserPoolTier).toBe("ESSENTIALS");
    expect(UserPool?.Policies?.SignInPolicy).toEqual({ AllowedFirstAuthFactors: ["PASSWORD", "WEB_AUTHN"] });
  });

  // API_UpdateUserPool.html: no UsernameAttributes parameter (fixed at creation); UserPoolTier is updatable.
  test("UpdateUserPool keeps UsernameAttributes and the tier it does not name, and stores a new tier when it does", async () => {
    await c.send(new UpdateUserPoolCommand({ UserPoolId: poolId, DeletionProtection: "ACTIVE" }));
    let { UserPool } = await c.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
    expect({ attrs: UserPool?.UsernameAttributes, tier: UserPool?.UserPoolTier, protection: UserPool?.DeletionProtection }).toEqual({
      attrs: ["email"],
      tier: "ESSENTIALS",
      protection: "ACTIVE",
    });
    await c.send(new UpdateUserPoolCommand({ UserPoolId: poolId, UserPoolTier: "PLUS", DeletionProtection: "INACTIVE" }));
    ({ UserPool } = await c.send(new DescribeUserPoolCommand({ UserPoolId: poolId })));
    expect(UserPool?.UserPoolTier).toBe("PLUS");
  });

  // API_SetUserPoolMfaConfig.html / API_GetUserPoolMfaConfig.html: WebAuthnConfiguration { RelyingPartyId, UserVerification }.
  test("SetUserPoolMfaConfig stores WebAuthnConfiguration and GetUserPoolMfaConfig returns it with the MFA settings", async () => {
    const set = await c.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: poolId,
        MfaConfiguration: "OPTIONAL",
        SoftwareTokenMfaConfiguration: { Enabled: true },
        WebAuthnConfiguration: { RelyingPartyId: "auth.example.com", UserVerification: "required" },
      }),
    );
    expect(set.WebAuthnConfiguration).toEqual({ RelyingPartyId: "auth.example.com", UserVerification: "required" });
    const got = await c.send(new GetUserPoolMfaConfigCommand({ UserPoolId: poolId }));
    expect({ mfa: got.MfaConfiguration, totp: got.SoftwareTokenMfaConfiguration, webAuthn: got.WebAuthnConfiguration }).toEqual({
      mfa: "OPTIONAL",
      totp: { Enabled: true },
      webAuthn: { RelyingPartyId: "auth.example.com", UserVerification: "required" },
    });
  });

  // API_SetUserPoolMfaConfig.html / API_GetUserPoolMfaConfig.html / API_EmailMfaConfigType.html: EmailMfaConfiguration { Message, Subject };
  // prerequisites: SES email (Cognito Developer Guide, "Email MFA"), recovery not email only (terraform-provider-aws issue 41049).
  test("SetUserPoolMfaConfig stores EmailMfaConfiguration on an SES pool with a second recovery mechanism, and refuses it otherwise", async () => {
    const emailMfa = { Subject: "Your sign-in code", Message: "Your code is {####}." };
    const poolWith = async (name: string, recovery: ("verified_email" | "verified_phone_number")[]) =>
      (
        await c.send(
          new CreateUserPoolCommand({
            PoolName: name,
            UsernameAttributes: ["email"],
            EmailConfiguration: {
              EmailSendingAccount: "DEVELOPER",
              SourceArn: `arn:aws:ses:${REGION}:${ACCOUNT}:identity/example.com`,
              From: "noreply@example.com",
            },
            AccountRecoverySetting: { RecoveryMechanisms: recovery.map((Name, i) => ({ Name, Priority: i + 1 })) },
          }),
        )
      ).UserPool?.Id as string;
    const setEmailMfa = (id: string) =>
      c.send(
        new SetUserPoolMfaConfigCommand({
          UserPoolId: id,
          MfaConfiguration: "OPTIONAL",
          // What the provider sends for the stacks' pools: TOTP with email MFA.
          SoftwareTokenMfaConfiguration: { Enabled: true },
          EmailMfaConfiguration: emailMfa,
        }),
      );

    const ok = await poolWith("email-mfa-ok", ["verified_email", "verified_phone_number"]);
    expect((await setEmailMfa(ok)).EmailMfaConfiguration).toEqual(emailMfa);
    expect((await c.send(new GetUserPoolMfaConfigCommand({ UserPoolId: ok }))).EmailMfaConfiguration).toEqual(emailMfa);

    const emailOnly = await poolWith("email-mfa-email-recovery-only", ["verified_email"]);
    await expect(setEmailMfa(emailOnly)).rejects.toMatchObject({ name: "InvalidParameterException" });
    // The first pool sends with Cognito's default sender.
    await expect(setEmailMfa(poolId)).rejects.toMatchObject({ name: "InvalidParameterException" });
    expect((await c.send(new GetUserPoolMfaConfigCommand({ UserPoolId: poolId }))).EmailMfaConfiguration).toBeUndefined();
  });

  // API_SetRiskConfiguration.html, API_DescribeRiskConfiguration.html, API_RiskConfigurationType.html.
  test("SetRiskConfiguration per pool and per app client; DescribeRiskConfiguration returns each level's own", async () => {
    const poolLevel = {
      CompromisedCredentialsRiskConfiguration: { EventFilter: ["SIGN_IN" as const], Actions: { EventAction: "BLOCK" as const } },
      AccountTakeoverRiskConfiguration: {
        Actions: {
          LowAction: { EventAction: "NO_ACTION" as const, Notify: false },
          MediumAction: { EventAction: "MFA_IF_CONFIGURED" as const, Notify: true },
          HighAction: { EventAction: "BLOCK" as const, Notify: true },
        },
        NotifyConfiguration: { From: "noreply@example.com", SourceArn: `arn:aws:ses:${REGION}:${ACCOUNT}:identity/example.com` },
      },
    };
    const set = await c.send(new SetRiskConfigurationCommand({ UserPoolId: poolId, ...poolLevel }));
    expect(set.RiskConfiguration).toEqual({ UserPoolId: poolId, ...poolLevel, LastModifiedDate: expect.any(Date) });
    expect(set.RiskConfiguration?.ClientId).toBeUndefined();

    // Nothing set for the client yet: only the ids come back.
    expect((await c.send(new DescribeRiskConfigurationCommand({ UserPoolId: poolId, ClientId: clientId }))).RiskConfiguration).toEqual({
      UserPoolId: poolId,
      ClientId: clientId,
    });
    const clientLevel = { RiskExceptionConfiguration: { SkippedIPRangeList: ["192.0.2.0/24"] } };
    await c.send(new SetRiskConfigurationCommand({ UserPoolId: poolId, ClientId: clientId, ...clientLevel }));
    expect((await c.send(new DescribeRiskConfigurationCommand({ UserPoolId: poolId, ClientId: clientId }))).RiskConfiguration).toEqual({
      UserPoolId: poolId,
      ClientId: clientId,
      ...clientLevel,
      LastModifiedDate: expect.any(Date),
    });
    expect((await c.send(new DescribeRiskConfigurationCommand({ UserPoolId: poolId }))).RiskConfiguration).toEqual({
      UserPoolId: poolId,
      ...poolLevel,
      LastModifiedDate: expect.any(Date),
    });
    await expect(c.send(new DescribeRiskConfigurationCommand({ UserPoolId: poolId, ClientId: "no-such-client" }))).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
  });

  // API_TagResource.html, API_UntagResource.html, API_ListTagsForResource.html (Tags: a map).
  test("TagResource / UntagResource / ListTagsForResource on a pool ARN, starting from the tags given at creation", async () => {
    await c.send(new TagResourceCommand({ ResourceArn: poolArn, Tags: { Environment: "ext" } }));
    await c.send(new UntagResourceCommand({ ResourceArn: poolArn, TagKeys: ["Team"] }));
    expect((await c.send(new ListTagsForResourceCommand({ ResourceArn: poolArn }))).Tags).toEqual({ Environment: "ext" });
    expect((await c.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool?.UserPoolTags).toEqual({ Environment: "ext" });
  });

  // API_CreateUserPoolDomain.html, API_UpdateUserPoolDomain.html, API_DomainDescriptionType.html: ManagedLoginVersion.
  test("ManagedLoginVersion: returned by CreateUserPoolDomain, described, changed by UpdateUserPoolDomain; 1 when not given", async () => {
    const created = await c.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: "ext-managed", ManagedLoginVersion: 2 }));
    expect(created).toEqual(expect.objectContaining({ ManagedLoginVersion: 2, CloudFrontDomain: expect.any(String) }));
    expect((await c.send(new DescribeUserPoolDomainCommand({ Domain: "ext-managed" }))).DomainDescription).toEqual(
      expect.objectContaining({ UserPoolId: poolId, Domain: "ext-managed", Status: "ACTIVE", ManagedLoginVersion: 2 }),
    );
    const updated = await c.send(new UpdateUserPoolDomainCommand({ UserPoolId: poolId, Domain: "ext-managed", ManagedLoginVersion: 1 }));
    expect(updated.ManagedLoginVersion).toBe(1);

    const { UserPool } = await c.send(new CreateUserPoolCommand({ PoolName: "extension-test-classic" }));
    await c.send(new CreateUserPoolDomainCommand({ UserPoolId: UserPool?.Id, Domain: "ext-classic" }));
    expect((await c.send(new DescribeUserPoolDomainCommand({ Domain: "ext-classic" }))).DomainDescription?.ManagedLoginVersion).toBe(1);
  });

  // ext_cognitoidp_domain_owner. API_DomainDescriptionType.html: AWSAccountId, "the AWS ID for the user pool owner".
  test("DescribeUserPoolDomain reports the pool owner's account as AWSAccountId, the same on every call", async () => {
    await c.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: "ext-owner" }));
    const describe = async () => (await c.send(new DescribeUserPoolDomainCommand({ Domain: "ext-owner" }))).DomainDescription?.AWSAccountId;
    expect(await describe()).toBe(ACCOUNT);
    expect(await describe()).toBe(ACCOUNT);
  });
});

/**
 * ext_cognito_branding and ext_cloudformation: managed login branding styles. Pages of the Cognito API
 * reference: API_CreateManagedLoginBranding.html, API_DescribeManagedLoginBrandingByClient.html,
 * API_UpdateManagedLoginBranding.html, API_DeleteManagedLoginBranding.html, API_ManagedLoginBrandingType.html;
 * CloudFormation: aws-resource-cognito-managedloginbranding.html (Fn::GetAtt ManagedLoginBrandingId).
 */
describe("ext_cognito_branding: managed login branding styles, by API and through CloudFormation", () => {
  let c: CognitoIdentityProviderClient;
  let poolId: string;
  const newClient = async (name: string) =>
    (await c.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: name }))).UserPoolClient?.ClientId as string;
  const errorOf = (p: Promise<unknown>) =>
    p.then(
      () => "no error",
      (e: Error) => e.name,
    );
  const UUID_V4 = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;

  beforeAll(async () => {
    c = cognito(deployer);
    poolId = (await c.send(new CreateUserPoolCommand({ PoolName: "branding-test" }))).UserPool?.Id as string;
  });
  afterAll(() => c.destroy());

  test("1. CreateManagedLoginBranding with Cognito's values returns a ManagedLoginBrandingType that DescribeManagedLoginBrandingByClient returns too", async () => {
    const clientId = await newClient("styled");
    const created = (
      await c.send(new CreateManagedLoginBrandingCommand({ UserPoolId: poolId, ClientId: clientId, UseCognitoProvidedValues: true }))
    ).ManagedLoginBranding;
    expect(created).toEqual({
      ManagedLoginBrandingId: expect.stringMatching(UUID_V4),
      UserPoolId: poolId,
      UseCognitoProvidedValues: true,
      Settings: {},
      Assets: [],
      CreationDate: expect.any(Date),
      LastModifiedDate: expect.any(Date),
    });
    const byClient = await c.send(new DescribeManagedLoginBrandingByClientCommand({ UserPoolId: poolId, ClientId: clientId }));
    expect(byClient.ManagedLoginBranding).toEqual(created);
  });

  test("2. a second style for the same client is refused (ManagedLoginBrandingExistsException), as is UseCognitoProvidedValues with Settings", async () => {
    const clientId = await newClient("twice");
    await c.send(new CreateManagedLoginBrandingCommand({ UserPoolId: poolId, ClientId: clientId, UseCognitoProvidedValues: true }));
    expect(
      await errorOf(
        c.send(new CreateManagedLoginBrandingCommand({ UserPoolId: poolId, ClientId: clientId, UseCognitoProvidedValues: true })),
      ),
    ).toBe("ManagedLoginBrandingExistsException");
    const other = await newClient("mixed");
    expect(
      await errorOf(
        c.send(
          new CreateManagedLoginBrandingCommand({
            UserPoolId: poolId,
            ClientId: other,
            UseCognitoProvidedValues: true,
            Settings: { a: 1 },
          }),
        ),
      ),
    ).toBe("InvalidParameterException");
  });

  test("3. UpdateManagedLoginBranding stores settings and assets; DeleteManagedLoginBranding leaves the client without a style (ResourceNotFoundException)", async () => {
    const clientId = await newClient("updated");
    const id = (
      await c.send(new CreateManagedLoginBrandingCommand({ UserPoolId: poolId, ClientId: clientId, UseCognitoProvidedValues: true }))
    ).ManagedLoginBranding?.ManagedLoginBrandingId as string;
    const assets = [
      { Category: "FORM_LOGO" as const, ColorMode: "LIGHT" as const, Extension: "PNG" as const, Bytes: new Uint8Array([137, 80, 78, 71]) },
    ];
    await c.send(
      new UpdateManagedLoginBrandingCommand({
        UserPoolId: poolId,
        ManagedLoginBrandingId: id,
        Settings: { theme: "dark" },
        Assets: assets,
      }),
    );
    const got = (await c.send(new DescribeManagedLoginBrandingCommand({ UserPoolId: poolId, ManagedLoginBrandingId: id })))
      .ManagedLoginBranding;
    expect(got).toMatchObject({
      UseCognitoProvidedValues: false,
      Settings: { theme: "dark" },
      Assets: [{ Category: "FORM_LOGO", ColorMode: "LIGHT", Extension: "PNG" }],
    });
    await c.send(new DeleteManagedLoginBrandingCommand({ UserPoolId: poolId, ManagedLoginBrandingId: id }));
    expect(await errorOf(c.send(new DescribeManagedLoginBrandingByClientCommand({ UserPoolId: poolId, ClientId: clientId })))).toBe(
      "ResourceNotFoundException",
    );
  });

  test("4. a CloudFormation stack creates the style; Fn::GetAtt ManagedLoginBrandingId is its id; DeletionPolicy Retain keeps it when the stack goes", async () => {
    const clientId = await newClient("cloudformation");
    const cfn = new CloudFormationClient({
      endpoint: deployer.AWS_ENDPOINT_URL,
      region: REGION,
      credentials: credentialsOf(deployer),
      ...sdkTlsConfig(deployer),
    });
    const template = {
      Resources: {
        Style: {
          Type: "AWS::Cognito::ManagedLoginBranding",
          DeletionPolicy: "Retain",
          Properties: { UserPoolId: poolId, ClientId: clientId, UseCognitoProvidedValues: true },
        },
      },
      Outputs: { Id: { Value: { "Fn::GetAtt": ["Style", "ManagedLoginBrandingId"] } } },
    };
    try {
      await cfn.send(new CreateStackCommand({ StackName: "branding", TemplateBody: JSON.stringify(template) }));
      const stack = (await cfn.send(new DescribeStacksCommand({ StackName: "branding" }))).Stacks?.[0];
      const style = (await c.send(new DescribeManagedLoginBrandingByClientCommand({ UserPoolId: poolId, ClientId: clientId })))
        .ManagedLoginBranding;
      expect([stack?.StackStatus, stack?.Outputs?.[0]?.OutputValue]).toEqual(["CREATE_COMPLETE", style?.ManagedLoginBrandingId]);
      await cfn.send(new DeleteStackCommand({ StackName: "branding" }));
      const kept = (await c.send(new DescribeManagedLoginBrandingByClientCommand({ UserPoolId: poolId, ClientId: clientId })))
        .ManagedLoginBranding;
      expect(kept?.ManagedLoginBrandingId).toBe(style?.ManagedLoginBrandingId);
    } finally {
      cfn.destroy();
    }
  });
});

/**
 * ext_s3: bucket-policy conditions. The policy has the state bucket's kinds of statement: TLS only
 * (the statement the stacks deploy), SSE-KMS on every PutObject, and no DeleteObjectVersion except
 * by a break-glass role.
 * Evaluation: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
 * operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
describe("ext_s3: bucket policies honour their conditions", () => {
  const bucket = "ext-s3-conditions-909090909090";
  let tls: S3Client;
  let plain: S3Client;
  let glass: S3Client;
  const denied = { name: "AccessDenied", $metadata: expect.objectContaining({ httpStatusCode: 403 }) };

  beforeAll(async () => {
    tls = s3Over(deployer, shared.endpoint);
    plain = s3Over(deployer, shared.plainEndpoint);
    glass = s3Over(breakGlass, shared.endpoint);
    await tls.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: REGION } }));
    await tls.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
    const arn = `arn:aws:s3:::${bucket}`;
    const policy = {
      Version: "2012-10-17",
      Statement: [
        denyInsecureTransport(arn),
        {
          Sid: "DenyPutWithoutKms",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:PutObject",
          Resource: `${arn}/*`,
          Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } },
        },
        {
          Sid: "DenyOtherKeys",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:PutObject",
          Resource: `${arn}/*`,
          Condition: {
            Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
            StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "alias/state" },
          },
        },
        {
          Sid: "DenyVersionDeletesExceptBreakGlass",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:DeleteObjectVersion",
          Resource: `${arn}/*`,
          Condition: { ArnNotLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/break-glass` } },
        },
      ],
    };
    await tls.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }));
  });
  afterAll(() => [tls, plain, glass].forEach((c) => c?.destroy()));

  const put = (client: S3Client, extra: Partial<ConstructorParameters<typeof PutObjectCommand>[0]> = {}) =>
    client.send(new PutObjectCommand({ Bucket: bucket, Key: "state.tfstate", Body: "{}", ...extra }));
  const versions = async () =>
    ((await tls.send(new ListObjectVersionsCommand({ Bucket: bucket }))).Versions ?? []).map((v) => v.VersionId as string);

  test("1. compliant: a PutObject over TLS with SSE-KMS (no key id, or the allowed one) is allowed", async () => {
    await expect(put(tls, { ServerSideEncryption: "aws:kms" })).resolves.toBeDefined();
    await expect(put(tls, { ServerSideEncryption: "aws:kms", SSEKMSKeyId: "alias/state" })).resolves.toBeDefined();
  });

  test("2. non-compliant: a PutObject without SSE-KMS is denied (StringNotEquals holds when the header is missing)", async () => {
    await expect(put(tls)).rejects.toMatchObject(denied);
    await expect(put(tls, { ServerSideEncryption: "AES256" })).rejects.toMatchObject(denied);
  });

  test("3. non-compliant: SSE-KMS with another key id is denied (Null false + StringNotEquals)", async () => {
    await expect(put(tls, { ServerSideEncryption: "aws:kms", SSEKMSKeyId: "alias/other" })).rejects.toMatchObject(denied);
  });

  test("4. non-compliant: the same read and write without TLS are denied; the bucket policy itself too", async () => {
    await expect(tls.send(new GetObjectCommand({ Bucket: bucket, Key: "state.tfstate" }))).resolves.toBeDefined();
    await expect(plain.send(new GetObjectCommand({ Bucket: bucket, Key: "state.tfstate" }))).rejects.toMatchObject(denied);
    await expect(put(plain, { ServerSideEncryption: "aws:kms" })).rejects.toMatchObject(denied);
    await expect(plain.send(new GetBucketPolicyCommand({ Bucket: bucket }))).rejects.toMatchObject(denied);
  });

  test("5. non-compliant: the deploy role cannot delete a version (DeleteObject or DeleteObjects); a delete marker is fine", async () => {
    const [version] = await versions();
    await expect(tls.send(new DeleteObjectCommand({ Bucket: bucket, Key: "state.tfstate", VersionId: version }))).rejects.toMatchObject(
      denied,
    );
    const batch = await tls.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: "state.tfstate", VersionId: version }] } }),
    );
    expect(batch.Errors?.map((e) => e.Code)).toEqual(["AccessDenied"]);
    expect(await versions()).toContain(version);
    await expect(tls.send(new DeleteObjectCommand({ Bucket: bucket, Key: "state.tfstate" }))).resolves.toBeDefined();
  });

  test("6. compliant: the break-glass role may delete a version (ArnNotLike on aws:PrincipalArn, the role of the session)", async () => {
    const [version] = await versions();
    await expect(glass.send(new DeleteObjectCommand({ Bucket: bucket, Key: "state.tfstate", VersionId: version }))).resolves.toBeDefined();
    expect(await versions()).not.toContain(version);
  });
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html: the target bucket's
  // policy grants logging.s3.amazonaws.com s3:PutObject, scoped by aws:SourceArn and aws:SourceAccount.
  test("7. PutBucketLogging is accepted when the target's policy lets the logging service write for this source bucket and account, refused otherwise", async () => {
    const target = "ext-s3-logs-909090909090";
    await tls.send(new CreateBucketCommand({ Bucket: target, CreateBucketConfiguration: { LocationConstraint: REGION } }));
    const grant = (sourceAccount: string) =>
      tls.send(
        new PutBucketPolicyCommand({
          Bucket: target,
          Policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "logging.s3.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: `arn:aws:s3:::${target}/${bucket}/*`,
                Condition: { ArnLike: { "aws:SourceArn": `arn:aws:s3:::${bucket}` }, StringEquals: { "aws:SourceAccount": sourceAccount } },
              },
            ],
          }),
        }),
      );
    const enable = () =>
      tls.send(
        new PutBucketLoggingCommand({
          Bucket: bucket,
          BucketLoggingStatus: { LoggingEnabled: { TargetBucket: target, TargetPrefix: `${bucket}/` } },
        }),
      );
    await grant("111122223333");
    await expect(enable()).rejects.toMatchObject({ name: "InvalidTargetBucketForLogging" });
    await grant(ACCOUNT);
    await expect(enable()).resolves.toBeDefined();
  });
});
