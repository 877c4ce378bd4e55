/**
 * Which app clients have lost their managed login branding style. The styles live in a CloudFormation
 * stack (stacks/constructs/cognito/managed-login-branding.ts); a style deleted in Cognito directly
 * (console, DeleteManagedLoginBranding) leaves that stack, and so Terraform's refresh-only plan,
 * unchanged, while the client's sign-in page shows "Login pages unavailable". So drift asks Cognito
 * (DescribeManagedLoginBrandingByClient) for every app client of a managed login version 2 domain
 * found in the refreshed state.
 */
import type { AwsApi } from "../aws/ops-aws";
import type { Json, PlanJson, StateModule } from "./plan-json";

export interface AppClientRef {
  /** Terraform address of the client, e.g. aws_cognito_user_pool_client.web_client. */
  readonly address: string;
  readonly userPoolId: string;
  readonly clientId: string;
}

type StateResource = NonNullable<StateModule["resources"]>[number];

function resourcesIn(module: StateModule | undefined): StateResource[] {
  if (!module) return [];
  return [...(module.resources ?? []), ...(module.child_modules ?? []).flatMap(resourcesIn)];
}

const text = (v: Json | undefined): string | undefined => (typeof v === "string" && v ? v : undefined);

/** App clients (in the refreshed state) whose user pool has a managed login version 2 domain. */
export function clientsOfManagedLoginV2(plan: PlanJson): AppClientRef[] {
  const resources = resourcesIn(plan.prior_state?.values?.root_module).filter((r) => r.mode === "managed");
  const v2Pools = new Set(
    resources
      .filter((r) => r.type === "aws_cognito_user_pool_domain" && r.values?.managed_login_version === 2)
      .map((r) => text(r.values?.user_pool_id)),
  );
  return resources.flatMap((r) => {
    const userPoolId = text(r.values?.user_pool_id);
    const clientId = text(r.values?.id);
    return r.type === "aws_cognito_user_pool_client" && userPoolId && clientId && v2Pools.has(userPoolId)
      ? [{ address: r.address, userPoolId, clientId }]
      : [];
  });
}

/** The clients among `clients` that have no branding style in Cognito. */
export async function clientsWithoutStyle(aws: AwsApi, clients: readonly AppClientRef[]): Promise<AppClientRef[]> {
  const missing: AppClientRef[] = [];
  for (const c of clients) if ((await aws.managedLoginBrandingId(c.userPoolId, c.clientId)) === undefined) missing.push(c);
  return missing;
}
