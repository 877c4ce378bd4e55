/**
 * The one reader of cdktf's manifest.json (what `app.synth()` writes beside the stacks): which
 * stacks were synthesized, where Terraform runs for each, and its cdk.tf.json.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface SynthesizedStack {
  /** Stack id, e.g. `prod` or `state-prod`. */
  readonly id: string;
  /** Absolute folder Terraform runs in (cdktf.out/stacks/<id>). */
  readonly dir: string;
  /** Absolute path of its cdk.tf.json. */
  readonly file: string;
  /** Stacks this one depends on (cross-stack references); none in this project. */
  readonly dependencies: readonly string[];
}

interface ManifestJson {
  stacks: Record<string, { workingDirectory: string; synthesizedStackPath: string; dependencies?: string[] }>;
}

export const manifestPath = (outdir: string): string => join(outdir, "manifest.json");

/** Every synthesized stack in manifest order; an empty list when nothing was synthesized yet. */
export function readManifest(outdir: string): SynthesizedStack[] {
  const file = manifestPath(outdir);
  if (!existsSync(file)) return [];
  const manifest = JSON.parse(readFileSync(file, "utf8")) as ManifestJson;
  return Object.entries(manifest.stacks).map(([id, s]) => ({
    id,
    dir: join(outdir, s.workingDirectory),
    file: join(outdir, s.synthesizedStackPath),
    dependencies: s.dependencies ?? [],
  }));
}

/** Parsed cdk.tf.json of one synthesized stack. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function readStackJson(stack: SynthesizedStack): Record<string, any> {
  return JSON.parse(readFileSync(stack.file, "utf8"));
}
