import { relative } from "node:path";
import { readManifest, readStackJson } from "./manifest";

/** One line per synthesized stack: name, resource count, path of its cdk.tf.json. */
export function printSynthSummary(outdir: string, write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): void {
  for (const stack of readManifest(outdir)) {
    const json = readStackJson(stack) as { resource?: Record<string, Record<string, unknown>> };
    const resources = Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
    write(`${stack.id.padEnd(16)} ${String(resources).padStart(3)} resources  ${relative(process.cwd(), stack.file)}`);
  }
}
