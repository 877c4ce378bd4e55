/**
 * review.md: what a plan will do, for the person who approves it. Counts first, then a prominent
 * warning when anything protected is replaced or destroyed, every resource change with the
 * attributes it touches (sensitive values masked), and the environment's security posture.
 */
import { attributeDiff, UNKNOWN, type AttributeDiff } from "./attribute-diff";
import { actionOf, type Action, type Change, type Json, type PlanJson, type ResourceChange } from "./plan-json";
import { postureRows } from "./posture";
import { isProtectedType, PROTECTED_TYPES, typeOf } from "./protected";
import type { StackTarget } from "../cli/stacks";

export interface Counts {
  readonly add: number;
  readonly change: number;
  readonly replace: number;
  readonly destroy: number;
  readonly import: number;
}

export interface ReviewedChange {
  readonly resource: ResourceChange;
  readonly action: Action;
  readonly importId?: string;
  readonly diff?: AttributeDiff;
}

export interface PlanAnalysis {
  readonly counts: Counts;
  /** Every change worth a row: not no-op (unless imported) and not a data source read. */
  readonly changes: readonly ReviewedChange[];
  /** Replace or destroy of a protected type: plan exits EXIT.PROTECTED, apply needs --allow-protected. */
  readonly protectedChanges: readonly ReviewedChange[];
  /** Heads-ups that are not replace/destroy but will not go as planned. */
  readonly notes: readonly string[];
  readonly hasChanges: boolean;
}

const MAX_ATTRIBUTES = 12;

const REASONS: Readonly<Record<string, string>> = {
  delete_because_no_resource_config: "removed from the configuration",
  delete_because_no_module: "its module was removed",
  delete_because_wrong_repetition: "no longer declared with count/for_each",
  delete_because_count_index: "count no longer includes it",
  delete_because_each_key: "for_each no longer includes it",
  delete_because_no_move_target: "a moved block points nowhere",
  replace_because_cannot_update: "an attribute cannot be changed in place",
  replace_because_tainted: "the object is tainted",
  replace_by_request: "replacement was requested (-replace)",
  replace_by_triggers: "replace_triggered_by",
};

export function analysePlan(plan: PlanJson): PlanAnalysis {
  const changes: ReviewedChange[] = [];
  for (const resource of plan.resource_changes ?? []) {
    if (resource.mode !== "managed") continue; // data sources are read, never changed
    const action = actionOf(resource.change.actions);
    const importId = resource.change.importing ? (resource.change.importing.id ?? "(import)") : undefined;
    if (action === "no-op" && !importId) continue;
    const diff = action === "update" || action === "replace" ? attributeDiff(resource.change) : undefined;
    changes.push({ resource, action, importId, diff });
  }
  const count = (a: Action) => changes.filter((c) => c.action === a).length;
  const counts: Counts = {
    add: count("create"),
    change: count("update"),
    replace: count("replace"),
    destroy: count("delete"),
    import: changes.filter((c) => c.importId).length,
  };
  return {
    counts,
    changes,
    protectedChanges: changes.filter((c) => (c.action === "replace" || c.action === "delete") && isProtectedType(c.resource.type)),
    notes: changes.flatMap(schemaNote),
    hasChanges: changes.length > 0 || Object.values(plan.output_changes ?? {}).some((o) => actionOf(o.actions) !== "no-op"),
  };
}

/**
 * Provider 5.100.0 plans a change to an existing schema attribute as an in-place update, but
 * Cognito cannot modify or remove schema attributes: such an apply fails (adding one works).
 */
function schemaNote(c: ReviewedChange): string[] {
  if (c.resource.type !== "aws_cognito_user_pool" || c.action !== "update") return [];
  type Attr = {
    name?: string;
    attribute_data_type?: string;
    mutable?: boolean;
    string_attribute_constraints?: Json;
    number_attribute_constraints?: Json;
  };
  const schemaOf = (v: Json | undefined) =>
    ((v && typeof v === "object" && !Array.isArray(v) ? v.schema : undefined) ?? []) as unknown as Attr[];
  const key = (a: Attr) =>
    JSON.stringify([a.attribute_data_type, a.mutable, a.string_attribute_constraints ?? [], a.number_attribute_constraints ?? []]);
  const after = new Map(schemaOf(c.resource.change.after).map((a) => [a.name, key(a)]));
  const touched = schemaOf(c.resource.change.before)
    .filter((a) => after.get(a.name) !== key(a))
    .map((a) => a.name);
  return touched.length
    ? [
        `\`${c.resource.address}\`: schema attribute ${touched.map((n) => `\`${n}\``).join(", ")} is modified or removed. Terraform plans this as an in-place update, but Cognito cannot change existing attributes: the apply will fail. Add a new attribute instead.`,
      ]
    : [];
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

const ACTION_LABEL: Readonly<Record<Action, string>> = {
  create: "create",
  update: "update in place",
  replace: "**replace** (destroy, then create)",
  delete: "**destroy**",
  forget: "forget (stays in AWS, no longer managed)",
  "no-op": "no change",
  read: "read",
};

function attributesCell(c: ReviewedChange): string {
  const parts: string[] = [];
  if (c.importId) parts.push(`import id ${code(c.importId)}`);
  const reason = c.resource.action_reason ? REASONS[c.resource.action_reason] : undefined;
  if (reason && c.action !== "replace") parts.push(reason);
  if (c.action === "create" && !c.importId) parts.push("new");
  if (c.diff) {
    const shown = c.diff.changes.slice(0, MAX_ATTRIBUTES);
    parts.push(
      ...shown.map((a) => `${code(a.path)}: ${code(a.before)} → ${code(a.after)}${a.forcesReplacement ? " **forces replacement**" : ""}`),
    );
    if (c.diff.changes.length > shown.length) parts.push(`… ${c.diff.changes.length - shown.length} more (see plan.txt)`);
    if (c.diff.unsetByReplace) parts.push(`${c.diff.unsetByReplace} attributes not set on the new object`);
    if (c.diff.unknown.length) {
      // A replace makes every computed attribute unknown: naming them all would bury the cause.
      parts.push(
        c.action === "replace" ? `${c.diff.unknown.length} attributes ${UNKNOWN}` : `${UNKNOWN}: ${c.diff.unknown.map(code).join(", ")}`,
      );
    }
  }
  return cell(parts.join("<br>"));
}

function warningBlock(analysis: PlanAnalysis): string[] {
  if (!analysis.protectedChanges.length) return [];
  const n = analysis.protectedChanges.length;
  const lines = analysis.protectedChanges.map((c) => {
    const info = PROTECTED_TYPES[c.resource.type];
    const forcedBy = c.diff?.changes.filter((a) => a.forcesReplacement).map((a) => code(a.path)) ?? [];
    const cause = forcedBy.length
      ? ` Forced by ${forcedBy.join(", ")}.`
      : c.resource.action_reason
        ? ` Cause: ${REASONS[c.resource.action_reason] ?? c.resource.action_reason}.`
        : "";
    return `> - **${c.action === "replace" ? "REPLACE" : "DESTROY"}** ${code(c.resource.address)} (${info.what}): ${info.loss}.${cause}`;
  });
  return [
    "> [!CAUTION]",
    `> **This plan replaces or destroys ${n} protected resource${n === 1 ? "" : "s"}.** Applying it loses data that cannot be recreated from code.`,
    ...lines,
    ">",
    "> Unless this is intended: if only an address changed (a construct was renamed or moved), add a `moved` block; otherwise revert the change.",
    "> `npm run apply` refuses this plan without `--allow-protected`; `npm run plan` exited with status 3.",
    "",
  ];
}

function outputsSection(plan: PlanJson): string[] {
  const changed = Object.entries(plan.output_changes ?? {}).filter(([, o]) => actionOf(o.actions) !== "no-op");
  if (!changed.length) return [];
  const value = (o: Change) =>
    o.after_sensitive === true ? "(sensitive)" : o.after_unknown === true ? UNKNOWN : JSON.stringify(o.after ?? null).slice(0, 120);
  return [
    "## Outputs",
    "",
    "| output | action | value after apply |",
    "|---|---|---|",
    ...changed.map(([name, o]) => `| ${code(name)} | ${actionOf(o.actions)} | ${cell(code(value(o)))} |`),
    "",
  ];
}

export interface ReviewContext {
  readonly target: StackTarget;
  /** Saved plan path as the operator sees it, e.g. plans/prod/tfplan. */
  readonly tfplan: string;
}

/** The title and the stack table every review.md starts with (a plan, a refusal, a pool outside the state). */
export function reviewHeader(target: StackTarget, planned: string): string[] {
  return [
    `# Plan review: ${target.name}`,
    "",
    "| | |",
    "|---|---|",
    `| Stack | ${code(target.name)} (${target.kind === "bootstrap" ? "bootstrap: state bucket, lock table, key" : "environment"}) |`,
    `| Account / region | ${target.env.accountId} / ${target.env.region} |`,
    `| Planned | ${planned} |`,
  ];
}

function postureSection(target: StackTarget): string[] {
  return [
    "## Security posture",
    "",
    `From the validated config of ${code(target.env.name)} (config/environments.ts) that this plan was built from.`,
    "",
    "| setting | value |",
    "|---|---|",
    ...postureRows(target).map(([k, v]) => `| ${k} | ${cell(v)} |`),
    "",
  ];
}

export function renderReview(plan: PlanJson, context: ReviewContext, analysis: PlanAnalysis = analysePlan(plan)): string {
  const { target } = context;
  const { counts } = analysis;
  const lines = [
    ...reviewHeader(target, `${plan.timestamp ?? "?"} with Terraform ${plan.terraform_version ?? "?"}`),
    `| Saved plan | ${code(context.tfplan)} (full text: plan.txt) |`,
    `| To apply it | ${code(`npm run apply -- ${target.name}`)} applies exactly this plan; Terraform refuses it if the state changed since |`,
    "",
    ...warningBlock(analysis),
    "## Summary",
    "",
    "| add | change | replace | destroy | import |",
    "|---:|---:|---:|---:|---:|",
    `| ${counts.add} | ${counts.change} | ${counts.replace} | ${counts.destroy} | ${counts.import} |`,
    "",
  ];
  if (analysis.changes.length) {
    lines.push("## Resource changes", "", "| address | action | attributes |", "|---|---|---|");
    for (const c of analysis.changes) {
      const action = c.importId ? (c.action === "no-op" ? "import" : `import, then ${ACTION_LABEL[c.action]}`) : ACTION_LABEL[c.action];
      const flag = isProtectedType(c.resource.type) && (c.action === "replace" || c.action === "delete") ? " ⚠️" : "";
      lines.push(`| ${code(c.resource.address)}${flag} | ${action} | ${attributesCell(c)} |`);
    }
    lines.push("");
  } else {
    lines.push("**No changes.** The deployed resources match the configuration.", "");
  }
  if (analysis.notes.length) lines.push("## Notes", "", ...analysis.notes.map((n) => `- ${n}`), "");
  return [...lines, ...outputsSection(plan), ...postureSection(target)].join("\n");
}

/** review.md when Terraform refused to plan because the change destroys prevent_destroy resources. */
export function renderRefusal(addresses: readonly string[], context: ReviewContext, when: string): string {
  return [
    ...reviewHeader(context.target, `${when}: **Terraform refused to plan** (no saved plan)`),
    "",
    "> [!CAUTION]",
    "> **Terraform refused this change: it would destroy resources protected by `lifecycle.prevent_destroy`.** There is nothing to apply.",
    ...addresses.map((a) => {
      const info = PROTECTED_TYPES[typeOf(a)];
      return `> - **DESTROY or REPLACE** ${code(a)}${info ? ` (${info.what}): ${info.loss}.` : ""}`;
    }),
    ">",
    "> If only an address changed, add a `moved` block; otherwise revert the change (for a user pool, a new name or schema means a new pool).",
    "> `npm run plan` exited with status 3.",
    "",
    ...postureSection(context.target),
  ].join("\n");
}
