import { readFileSync } from "node:fs";
import { join, relative } from "node:path";

interface Manifest {
  stacks: Record<string, { synthesizedStackPath: string }>;
}

/** One line per synthesized stack: name, resource count, path of its cdk.tf.json. */
export function printSynthSummary(outdir: string, write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): void {
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as Manifest;
  for (const [name, stack] of Object.entries(manifest.stacks)) {
    const file = join(outdir, stack.synthesizedStackPath);
    const json = JSON.parse(readFileSync(file, "utf8")) as { resource?: Record<string, Record<string, unknown>> };
    const resources = Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
    write(`${name.padEnd(16)} ${String(resources).padStart(3)} resources  ${relative(process.cwd(), file)}`);
  }
}
