/**
 * The parts of `terraform show -json <planfile>` the review reads (JSON output format 1.x), and the
 * classification of each resource change into one action an operator recognises.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Change {
  readonly actions: readonly string[];
  readonly before?: Json;
  readonly after?: Json;
  /** Mirrors `after`: true where the value is only known after apply. */
  readonly after_unknown?: Json;
  /** Mirror `before`/`after`: true where the value is sensitive (or the whole value, when true). */
  readonly before_sensitive?: Json;
  readonly after_sensitive?: Json;
  /** Attribute paths that force the replacement. */
  readonly replace_paths?: readonly (readonly (string | number)[])[];
  /** Present when the resource is imported by this plan (import blocks). */
  readonly importing?: { readonly id?: string };
}

export interface ResourceChange {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly change: Change;
  readonly action_reason?: string;
}

export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly timestamp?: string;
  readonly applyable?: boolean;
  readonly errored?: boolean;
  readonly resource_changes?: readonly ResourceChange[];
  readonly output_changes?: Readonly<Record<string, Change>>;
  /** Changes Terraform found outside Terraform while refreshing: before = the state, after = what AWS reports now. */
  readonly resource_drift?: readonly ResourceChange[];
  /** The state the plan was made from. */
  readonly prior_state?: { readonly values?: { readonly root_module?: StateModule } };
}

export interface StateModule {
  readonly resources?: readonly {
    readonly address: string;
    readonly mode: "managed" | "data";
    readonly type?: string;
    readonly values?: Readonly<Record<string, Json>>;
  }[];
  readonly child_modules?: readonly StateModule[];
}

export type Action = "create" | "update" | "replace" | "delete" | "forget" | "no-op" | "read";

/** One action per change: ["delete","create"] and ["create","delete"] (create_before_destroy) are both a replace. */
export function actionOf(actions: readonly string[]): Action {
  const has = (a: string) => actions.includes(a);
  if (has("delete") && has("create")) return "replace";
  if (has("create")) return "create";
  if (has("delete")) return "delete";
  if (has("update")) return "update";
  if (has("forget")) return "forget";
  if (has("read")) return "read";
  return "no-op";
}

/** Parses and sanity-checks plan JSON, so a wrong file fails with a clear message rather than an empty review. */
export function parsePlanJson(text: string, source: string): PlanJson {
  const plan = JSON.parse(text) as PlanJson;
  if (typeof plan !== "object" || plan === null || typeof plan.format_version !== "string") {
    throw new Error(`${source} is not \`terraform show -json\` output of a plan (no format_version)`);
  }
  if (!plan.format_version.startsWith("1."))
    throw new Error(`${source}: unsupported plan JSON format ${plan.format_version} (expected 1.x)`);
  return plan;
}
