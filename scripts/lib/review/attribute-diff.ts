/**
 * Which attributes a resource change touches, with before → after values for the review table.
 * Sensitive values never leave this module: whatever before_sensitive/after_sensitive mark (a leaf,
 * or a whole block) is shown as "(sensitive)", even when only part of a changed block is sensitive.
 */
import type { Change, Json } from "./plan-json";
import { formatPath } from "../../../config/format-path";

type Segment = string | number;

export interface AttributeChange {
  /** e.g. password_policy.minimum_length (one-element blocks shown without [0]). */
  readonly path: string;
  readonly before: string;
  readonly after: string;
  readonly forcesReplacement: boolean;
}

export interface AttributeDiff {
  /** Attributes whose value changes, those forcing replacement first. */
  readonly changes: readonly AttributeChange[];
  /** Attributes only known after apply (computed), by path. */
  readonly unknown: readonly string[];
  /** Replace only: attributes the new object leaves unset (not listed in changes: the cause would drown). */
  readonly unsetByReplace: number;
}

export const SENSITIVE = "(sensitive)";
export const UNKNOWN = "(known after apply)";
const MAX_VALUE = 80;

const isObject = (v: Json | undefined): v is { [key: string]: Json } => v !== null && typeof v === "object" && !Array.isArray(v);

function child(v: Json | undefined, key: Segment): Json | undefined {
  if (Array.isArray(v)) return typeof key === "number" ? v[key] : undefined;
  return isObject(v) ? v[key as string] : undefined;
}

/** True anywhere in a sensitivity (or unknown) mirror. */
function anyTrue(mirror: Json | undefined): boolean {
  if (mirror === true) return true;
  if (Array.isArray(mirror)) return mirror.some(anyTrue);
  return isObject(mirror) && Object.values(mirror).some(anyTrue);
}

/** Absent, null, "", [] and {} all mean "not set" to the provider: a change between them is noise. */
function normalize(v: Json | undefined): Json | undefined {
  if (v === null || v === undefined || v === "") return undefined;
  if (Array.isArray(v) ? v.length === 0 : typeof v === "object" && Object.keys(v).length === 0) return undefined;
  return v;
}

function equal(a: Json | undefined, b: Json | undefined, zeroIsUnset = false): boolean {
  const n = (v: Json | undefined) => (zeroIsUnset && v === 0 ? undefined : normalize(v));
  return JSON.stringify(n(a)) === JSON.stringify(n(b));
}

function renderValue(v: Json | undefined, max: number): string {
  if (normalize(v) === undefined) return "null";
  const text = JSON.stringify(v);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

interface Leaf {
  readonly raw: readonly Segment[];
  readonly display: readonly Segment[];
}

const startsWith = (path: readonly Segment[], prefix: readonly Segment[]): boolean => prefix.every((s, i) => path[i] === s);

export interface DiffOptions {
  /** Longest value shown before it is cut with "…" (default 80, for a review table). */
  readonly maxValue?: number;
  /**
   * Count 0 as "not set" too. For comparing state with a refresh: the provider reads an optional
   * number AWS does not return as 0 (e.g. `period` of a metric-math query), where the state from
   * the apply holds null; that is no change in AWS.
   */
  readonly zeroIsUnset?: boolean;
}

export function attributeDiff(change: Change, options: DiffOptions = {}): AttributeDiff {
  const max = options.maxValue ?? MAX_VALUE;
  const render = (v: Json | undefined) => renderValue(v, max);
  const changes: AttributeChange[] = [];
  const unknown: string[] = [];
  const replacePaths = change.replace_paths ?? [];
  const forces = (raw: readonly Segment[]) => replacePaths.some((p) => startsWith(raw, p) || startsWith(p, raw));

  const leaf = (at: Leaf, before: Json | undefined, after: Json | undefined, sensitive: boolean, partlyUnknown: boolean) => {
    const forcesReplacement = forces(at.raw);
    const afterText = sensitive ? SENSITIVE : partlyUnknown ? `${render(after)} + ${UNKNOWN}` : render(after);
    changes.push({ path: formatPath(at.display), before: sensitive ? SENSITIVE : render(before), after: afterText, forcesReplacement });
  };

  const walk = (
    at: Leaf,
    before: Json | undefined,
    after: Json | undefined,
    unknownMirror: Json | undefined,
    bSens: Json | undefined,
    aSens: Json | undefined,
  ): void => {
    if (unknownMirror === true) {
      // An unknown value that forces replacement is the cause (e.g. the pool id a client belongs to).
      if (forces(at.raw))
        changes.push({
          path: formatPath(at.display),
          before: anyTrue(bSens) ? SENSITIVE : render(before),
          after: UNKNOWN,
          forcesReplacement: true,
        });
      else unknown.push(formatPath(at.display));
      return;
    }
    // Structure is only followed where nothing is wholly sensitive: a sensitive block is one leaf.
    const wholeSensitive = bSens === true || aSens === true;
    const next = (key: Segment, displayed: boolean) =>
      walk(
        { raw: [...at.raw, key], display: displayed ? [...at.display, key] : at.display },
        child(before, key),
        child(after, key),
        child(unknownMirror, key),
        child(bSens, key),
        child(aSens, key),
      );
    if (!wholeSensitive && isObject(before) && isObject(after)) {
      for (const key of [
        ...new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(isObject(unknownMirror) ? unknownMirror : {})]),
      ].sort())
        next(key, true);
      return;
    }
    if (!wholeSensitive && Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
      // Nested blocks that are lists of one (password_policy, schema constraints) read better without [0].
      before.forEach((_, i) => next(i, before.length !== 1));
      return;
    }
    if (!equal(before, after, options.zeroIsUnset) || anyTrue(unknownMirror)) {
      leaf(at, before, after, wholeSensitive || anyTrue(bSens) || anyTrue(aSens), anyTrue(unknownMirror));
    }
  };

  walk(
    { raw: [], display: [] },
    change.before ?? null,
    change.after ?? null,
    change.after_unknown,
    change.before_sensitive,
    change.after_sensitive,
  );
  changes.sort((a, b) => (a.forcesReplacement === b.forcesReplacement ? a.path.localeCompare(b.path) : a.forcesReplacement ? -1 : 1));
  // A replacement starts from scratch: attributes it does not set are not what an operator reviews.
  const replacing = change.actions.includes("delete") && change.actions.includes("create");
  const shown = replacing ? changes.filter((c) => c.forcesReplacement || c.after !== "null") : changes;
  return { changes: shown, unknown: unknown.sort(), unsetByReplace: changes.length - shown.length };
}
