/**
 * Reading a saved Terraform plan (`terraform show -json <planfile>`) as a list of diffs, and
 * splitting them into the emulator gaps listed in emulator-gaps.ts and everything else.
 */
import type { EnvironmentConfig } from "../../../config";
import { actionOf, type PlanJson } from "../../../scripts/lib/review/plan-json";
import { gapsFor, type EmulatorGap, type StackKind } from "./emulator-gaps";

export interface Diff {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  /** create, update, delete, or replace (delete + create): scripts/lib/review/plan-json.ts actionOf. */
  readonly action: string;
  /** Top-level attributes that differ, with both values. */
  readonly attributes: readonly { name: string; before: unknown; after: unknown }[];
}

/** Every planned change of resources and outputs (no-op and data-source reads left out). */
export function diffsOf(show: PlanJson): Diff[] {
  const diffs: Diff[] = [];
  for (const rc of show.resource_changes ?? []) {
    if (rc.mode !== "managed" || rc.change.actions.every((a) => a === "no-op" || a === "read")) continue;
    const before = (rc.change.before ?? {}) as Record<string, unknown>;
    const after = (rc.change.after ?? {}) as Record<string, unknown>;
    const unknown = (rc.change.after_unknown ?? {}) as Record<string, unknown>;
    const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    const attributes = names
      .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]) || unknown[k] === true)
      .map((k) => ({ name: k, before: before[k], after: unknown[k] === true ? "(known after apply)" : after[k] }));
    diffs.push({ address: rc.address, type: rc.type, name: rc.name, action: actionOf(rc.change.actions), attributes });
  }
  for (const [name, oc] of Object.entries(show.output_changes ?? {})) {
    if (oc.actions.every((a) => a === "no-op")) continue;
    diffs.push({
      address: `output.${name}`,
      type: "output",
      name,
      action: actionOf(oc.actions),
      attributes: [{ name: "value", before: oc.before, after: oc.after }],
    });
  }
  return diffs;
}

/** The gap that explains a diff completely, if any. */
export function gapExplaining(diff: Diff, kind: StackKind, env: EnvironmentConfig): EmulatorGap | undefined {
  return gapsFor(kind).find((g) => {
    const p = g.planDiff;
    if (!p || p.type !== diff.type || p.action !== diff.action) return false;
    if (p.name && p.name !== diff.name) return false;
    if (p.when && !p.when(env)) return false;
    if (p.action === "create") return true;
    return diff.attributes.length > 0 && diff.attributes.every((a) => p.attributes?.includes(a.name));
  });
}

/**
 * Splits diffs into explained (by one gap each, or by several gaps together for one resource) and
 * unexpected ones.
 */
export function classify(
  diffs: readonly Diff[],
  kind: StackKind,
  env: EnvironmentConfig,
): { explained: { diff: Diff; gaps: string[] }[]; unexpected: Diff[] } {
  const explained: { diff: Diff; gaps: string[] }[] = [];
  const unexpected: Diff[] = [];
  for (const diff of diffs) {
    const whole = gapExplaining(diff, kind, env);
    if (whole) {
      explained.push({ diff, gaps: [whole.id] });
      continue;
    }
    // An update whose attributes are each explained by some gap (several gaps on one resource).
    const perAttribute = diff.action === "update" ? diff.attributes.map((a) => gapExplaining({ ...diff, attributes: [a] }, kind, env)) : [];
    if (perAttribute.length && perAttribute.every(Boolean)) {
      explained.push({ diff, gaps: [...new Set(perAttribute.map((g) => (g as EmulatorGap).id))] });
    } else {
      unexpected.push(diff);
    }
  }
  return { explained, unexpected };
}

/** Human-readable diff for failure messages. */
export function describeDiffs(diffs: readonly Diff[]): string {
  const show = (v: unknown) => {
    const s = JSON.stringify(v);
    return s === undefined ? "null" : s.length > 400 ? `${s.slice(0, 400)}...` : s;
  };
  return diffs
    .map((d) =>
      [`${d.address}: ${d.action}`, ...d.attributes.map((a) => `    ${a.name}: ${show(a.before)} -> ${show(a.after)}`)].join("\n"),
    )
    .join("\n");
}
