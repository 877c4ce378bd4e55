/**
 * Every app client of a managed login version 2 domain has a branding style: without one its
 * sign-in page is "Login pages unavailable" (https://github.com/minorun365/html-share/issues/3).
 * The style is an AWS::Cognito::ManagedLoginBranding in a CloudFormation stack, so the test reads
 * the synthesized JSON the way Terraform and CloudFormation will: which clients belong to a v2
 * domain's pool, and which client ids the stack's parameters feed into a style.
 */
import { BRANDING_SIZE } from "../../config/rules";
import { BRANDING_ASSET } from "../../config/schema";
import { managedLoginBrandingTemplate } from "../../stacks/constructs/cognito/managed-login-branding";
import { ENV_NAMES, resourcesOf, synthStack, type TfJson } from "../support/synth";
import { CLIENT, DOMAIN, describeControl, patched, refusals } from "./helpers";

const STYLE_TYPE = "AWS::Cognito::ManagedLoginBranding";

/** `${aws_cognito_user_pool_client.web_client.id}` for each client whose pool has a managed login v2 domain. */
function clientsOfV2Domains(json: TfJson): string[] {
  const v2Pools = Object.values(resourcesOf(json, DOMAIN))
    .filter((d) => d.managed_login_version === 2)
    .map((d) => d.user_pool_id);
  return Object.entries(resourcesOf(json, CLIENT))
    .filter(([, c]) => v2Pools.includes(c.user_pool_id))
    .map(([name]) => `\${${CLIENT}.${name}.id}`);
}

interface Style {
  readonly userPoolId: unknown;
  readonly clientId: unknown;
  readonly properties: Record<string, unknown>;
}

/** Every branding style of every CloudFormation stack, with the Terraform values its Refs resolve to. */
function stylesOf(json: TfJson): Style[] {
  return Object.values(resourcesOf(json, "aws_cloudformation_stack")).flatMap((stack) => {
    const template = JSON.parse(stack.template_body);
    const param = (ref: { Ref?: string } | undefined) => (ref?.Ref ? stack.parameters?.[ref.Ref] : ref);
    return Object.values(template.Resources as Record<string, { Type: string; Properties: Record<string, never> }>)
      .filter((r) => r.Type === STYLE_TYPE)
      .map((r) => ({ userPoolId: param(r.Properties.UserPoolId), clientId: param(r.Properties.ClientId), properties: r.Properties }));
  });
}

const poolOfClient = (json: TfJson, clientRef: string) => {
  const name = clientRef.slice(`\${${CLIENT}.`.length, -".id}".length);
  return resourcesOf(json, CLIENT)[name]!.user_pool_id;
};

describeControl(
  "CognitoManagedLoginBranding",
  "every app client of a managed login v2 domain has a branding style (without one users see 'Login pages unavailable')",
  () => {
    describe.each(ENV_NAMES)("%s", (env) => {
      const json = synthStack(env);
      const clients = clientsOfV2Domains(json);
      const styles = stylesOf(json);

      test("1. compliant: the environment has a managed login v2 domain with at least one client (the case this control is about)", () => {
        expect(clients.length).toBeGreaterThan(0);
      });

      test("2. compliant: each such client has exactly one style, in its own user pool", () => {
        expect(clients.map((c) => styles.filter((s) => s.clientId === c).map((s) => s.userPoolId))).toEqual(
          clients.map((c) => [poolOfClient(json, c)]),
        );
      });

      test("3. compliant: by default the style is Cognito's own look (UseCognitoProvidedValues, with no other option)", () => {
        expect(styles.map((s) => s.properties)).toEqual(
          clients.map(() => ({
            UserPoolId: { Ref: "UserPoolId" },
            ClientId: expect.objectContaining({ Ref: expect.any(String) }),
            UseCognitoProvidedValues: true,
          })),
        );
      });
    });

    test("4. compliant: configured settings and assets replace Cognito's provided values (the flag must then be absent)", () => {
      const settings = { components: { pageBackground: { image: { enabled: false } } } };
      const asset = { category: "FORM_LOGO", colorMode: "LIGHT", extension: "PNG", bytes: "iVBORw0KGgo=" } as const;
      const { json } = patched("prod", { appClient: { managedLoginBranding: { settings, assets: [asset] } } });
      expect(stylesOf(json).map((s) => s.properties)).toEqual([
        {
          UserPoolId: { Ref: "UserPoolId" },
          ClientId: { Ref: "WebClientId" },
          Settings: settings,
          Assets: [{ Category: "FORM_LOGO", ColorMode: "LIGHT", Extension: "PNG", Bytes: "iVBORw0KGgo=" }],
        },
      ]);
    });

    test("5. compliant: a style of exactly the allowed size still fits CloudFormation's 51,200-byte template body", () => {
      const budget = BRANDING_SIZE.cloudFormationTemplateBytes - BRANDING_SIZE.templateOverheadBytes;
      const padding = "x".repeat(budget - JSON.stringify({ Settings: { p: "" }, Assets: [] }).length);
      const template = managedLoginBrandingTemplate(["Web"], { settings: { p: padding }, assets: [] });
      expect(refusals("prod", { appClient: { managedLoginBranding: { settings: { p: padding } } } })).toEqual([]);
      expect(Buffer.byteLength(JSON.stringify(template))).toBeLessThanOrEqual(BRANDING_SIZE.cloudFormationTemplateBytes);
    });

    test("6. non-compliant: today's stack without a style stack leaves the client without a style (the check sees it)", () => {
      const json = synthStack("prod");
      const withoutStyles = { ...json, resource: { ...json.resource, aws_cloudformation_stack: {} } };
      expect(clientsOfV2Domains(withoutStyles).filter((c) => !stylesOf(withoutStyles).some((s) => s.clientId === c))).toEqual([
        "${aws_cognito_user_pool_client.web_client.id}",
      ]);
    });

    describe("7. non-compliant: config that AWS would refuse is refused before deploy", () => {
      const asset = { category: "FORM_LOGO", colorMode: "LIGHT", extension: "PNG", bytes: "iVBORw0KGgo=" };
      test.each([
        [
          "assets without settings (UseCognitoProvidedValues must come alone)",
          { assets: [asset] },
          "prod.appClient.managedLoginBranding.assets: need managedLoginBranding.settings (the style JSON the branding designer exports): without settings Cognito's provided values apply and take no assets, got 1 asset(s)",
        ],
        [
          "an asset category managed login does not have",
          { settings: {}, assets: [{ ...asset, category: "LOGO" }] },
          `prod.appClient.managedLoginBranding.assets[0].category: must be one of ${BRANDING_ASSET.categories.map((c) => `"${c}"`).join(", ")}, got "LOGO"`,
        ],
        [
          "a file type AssetType does not allow",
          { settings: {}, assets: [{ ...asset, extension: "GIF" }] },
          'prod.appClient.managedLoginBranding.assets[0].extension: must be one of "ICO", "JPEG", "PNG", "SVG", "WEBP", got "GIF"',
        ],
        [
          "a style larger than the template can carry (60,000 characters of CSS plus 35 bytes of JSON around them)",
          { settings: { css: "x".repeat(60_000) } },
          "prod.appClient.managedLoginBranding: settings and assets must be at most 49152 bytes of JSON (Cognito takes 2000000 bytes per request; the CloudFormation template that deploys the style takes 51200), got 60035",
        ],
      ])("%s", (_, branding, message) => {
        expect(refusals("prod", { appClient: { managedLoginBranding: branding } })).toEqual([message]);
      });
    });
  },
);
