/**
 * The managed login branding style of every app client: without one, a client of a managed login
 * version 2 domain shows "Login pages unavailable" instead of its sign-in page (public report on a
 * fresh deploy, fixed by `aws cognito-idp create-managed-login-branding --use-cognito-provided-values`:
 * https://github.com/minorun365/html-share/issues/3). The style is what the client's managed login
 * renders (CloudFormation Template Reference, "AWS::Cognito::ManagedLoginBranding":
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cognito-managedloginbranding.html).
 *
 * aws provider 5.100.0 has no aws_cognito_managed_login_branding (it arrived in 6.12.0), so, like the
 * log delivery configuration (../audit/log-delivery.ts), the styles are AWS::Cognito::ManagedLoginBranding
 * resources in a CloudFormation stack that Terraform manages. Facts this relies on:
 *
 * - Properties: UserPoolId (required), ClientId, UseCognitoProvidedValues, Settings (the style JSON),
 *   Assets (AssetType: Category, ColorMode, Extension, Bytes, ResourceId), ReturnMergedResources.
 *   Fn::GetAtt ManagedLoginBrandingId is the style's id (same page).
 * - UseCognitoProvidedValues "true" gives Cognito's default look and must come alone: "To create a new
 *   style with default settings, set UseCognitoProvidedValues to true and don't provide values for any
 *   other options" (Cognito API reference, CreateManagedLoginBranding). With settings given the
 *   flag is left out and Settings and Assets are sent instead (rules ManagedLoginBrandingAssetsNeedSettings
 *   and ManagedLoginBrandingSize in config/rules.ts hold the request and template size limits).
 * - A style belongs to one client "until you delete it"; deleting it outside this stack is invisible
 *   to Terraform (the stack is unchanged), so `npm run drift` asks Cognito for each client's style
 *   (DescribeManagedLoginBrandingByClient) and reports a missing one as security drift.
 *
 * Moving to the native resource after a provider upgrade (>= 6.12.0), in one reviewed change:
 *   1. add one aws_cognito_managed_login_branding per client (client_id, user_pool_id,
 *      use_cognito_provided_values or settings/asset), each with an `import` block whose id is
 *      "<user pool id>,<managed login branding id>" (check the provider's import section; the ids are
 *      the stack's outputs <Client>BrandingId);
 *   2. remove this CloudFormation stack in the same change. The resources have DeletionPolicy Retain,
 *      so deleting the stack leaves every style in place and sign-in never breaks. `npm run plan` must
 *      show one import per client, one destroy (the stack) and nothing else.
 */
import { CloudformationStack } from "@cdktf/provider-aws/lib/cloudformation-stack";
import { Construct } from "constructs";
import { resourcePrefix, type EnvironmentIdentity } from "../../../config/names";

/** Terraform address name of the stack (pinned: moving the construct must not replace the stack). */
export const BRANDING_STACK_ADDRESS = "managed_login_branding";

/** An image of the style (the API reference's AssetType). */
export interface BrandingAsset {
  readonly category: string;
  readonly colorMode: string;
  readonly extension: string;
  /** The image, base64-encoded. */
  readonly bytes: string;
  readonly resourceId?: string;
}

/** A managed login style: Cognito's own look when `settings` is absent. */
export interface BrandingConfig {
  /** The style JSON the console's branding designer exports. @default - Cognito's look (UseCognitoProvidedValues) */
  readonly settings?: Record<string, unknown>;
  /** Its images; they need `settings`. Required (may be empty). */
  readonly assets: readonly BrandingAsset[];
}

/** Template parameter holding a client's id, and the names of its resource and output. */
export const brandingNames = (client: string) => ({
  parameter: `${client}ClientId`,
  resource: `${client}ClientBranding`,
  output: `${client}BrandingId`,
});

/** The style's properties: Cognito's provided values alone, or the configured settings and assets. */
export function brandingStyle(branding: BrandingConfig): Record<string, unknown> {
  if (!branding.settings) return { UseCognitoProvidedValues: true };
  return {
    Settings: branding.settings,
    Assets: branding.assets.map((a) => ({
      Category: a.category,
      ColorMode: a.colorMode,
      Extension: a.extension,
      Bytes: a.bytes,
      ...(a.resourceId ? { ResourceId: a.resourceId } : {}),
    })),
  };
}

/** The CloudFormation template: one AWS::Cognito::ManagedLoginBranding per client, ids as parameters. */
export function managedLoginBrandingTemplate(clients: readonly string[], branding: BrandingConfig): Record<string, unknown> {
  const parameter = (description: string) => ({ Type: "String", Description: description });
  const style = brandingStyle(branding);
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: "TaskFlow: managed login branding style of every app client (managed by Terraform)",
    Parameters: {
      UserPoolId: parameter("User pool of the app clients"),
      ...Object.fromEntries(clients.map((c) => [brandingNames(c).parameter, parameter(`App client ${c}`)])),
    },
    Resources: Object.fromEntries(
      clients.map((c) => [
        brandingNames(c).resource,
        {
          Type: "AWS::Cognito::ManagedLoginBranding",
          // Retain: removing the stack (when the native resource takes over) must not take sign-in down.
          DeletionPolicy: "Retain",
          Properties: { UserPoolId: { Ref: "UserPoolId" }, ClientId: { Ref: brandingNames(c).parameter }, ...style },
        },
      ]),
    ),
    Outputs: Object.fromEntries(
      clients.map((c) => [brandingNames(c).output, { Value: { "Fn::GetAtt": [brandingNames(c).resource, "ManagedLoginBrandingId"] } }]),
    ),
  };
}

export interface ManagedLoginBrandingProps {
  /** The environment (its name): the CloudFormation stack is taskflow-<env>-managed-login-branding. Required. */
  readonly environment: Pick<EnvironmentIdentity, "name">;
  /** The pool of the clients (a Terraform reference). Required. */
  readonly userPoolId: string;
  /** Every app client of the pool's managed login domain, by a short name (e.g. Web) → client id. Required. */
  readonly clients: Readonly<Record<string, string>>;
  /** The style every client gets. @default - Cognito's own look (UseCognitoProvidedValues) */
  readonly style?: BrandingConfig;
}

/** The CloudFormation stack that holds the styles (the CI roles name it). */
export const brandingStackName = (env: Pick<EnvironmentIdentity, "name">): string => `${resourcePrefix(env.name)}-managed-login-branding`;

/** The CloudFormation stack taskflow-<env>-managed-login-branding with one style per app client. */
export class ManagedLoginBranding extends Construct {
  readonly stack: CloudformationStack;

  constructor(scope: Construct, id: string, { environment, userPoolId, clients, style }: ManagedLoginBrandingProps) {
    super(scope, id);
    const names = Object.keys(clients);
    this.stack = new CloudformationStack(this, "stack", {
      name: brandingStackName(environment),
      templateBody: JSON.stringify(managedLoginBrandingTemplate(names, style ?? { assets: [] })),
      parameters: {
        UserPoolId: userPoolId,
        ...Object.fromEntries(names.map((c) => [brandingNames(c).parameter, clients[c]])),
      },
      // A failed first create leaves nothing behind to delete by hand before the next apply.
      onFailure: "DELETE",
    });
    this.stack.overrideLogicalId(BRANDING_STACK_ADDRESS);
  }
}
