/**
 * Commands in the docs must work as typed. `npm run` prints its `> package@version script` banner on
 * stdout, so whatever reads a script's output (a pipe, a redirect, `$(...)`) reads the banner first:
 * `npm run outputs -- prod --stdout | jq` fails on it. `--silent` (or `-s`) drops the banner
 * (https://docs.npmjs.com/cli/commands/npm-run-script, `--silent`; npm's loglevel "silent").
 * Checked: every inline code span and fenced-block line of every Markdown file, and every workflow
 * `run:` line.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./support/project-copy";

/** The shell commands a Markdown text shows: each fenced-block line (continuations joined), each inline code span. */
function commandsIn(md: string): string[] {
  const fenced = [...md.matchAll(/^```[^\n]*\n([\s\S]*?)^```$/gm)].flatMap((m) => m[1].replace(/\\\n\s*/g, " ").split("\n"));
  const prose = md.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "");
  const inline = [...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);
  return [...fenced, ...inline].filter((c) => /\bnpm\b/.test(c));
}

const SILENT = /^npm\s+(?:(?:--silent|-s)\s+run\b|run(?:-script)?\s+(?:--silent|-s)\b)/;
const NPM_RUN = /npm\s+(?:(?:--silent|-s)\s+)?run(?:-script)?\b/;

/** `npm run` calls whose stdout is read by something (piped on, redirected, or inside `$(...)`) without --silent. */
function unsilencedCaptures(command: string): string[] {
  const found: string[] = [];
  // Command substitutions first: everything npm prints there is the value.
  for (const m of command.matchAll(/\$\(([^)]*)\)/g)) {
    if (NPM_RUN.test(m[1]) && !SILENT.test(m[1].trim().slice(m[1].trim().search(NPM_RUN)))) found.push(m[1].trim());
  }
  // Then each pipeline of the command line: a stage that is not the last is read by the next one.
  for (const pipeline of command.split(/&&|\|\||;/)) {
    const stages = pipeline.split(/\s\|\s/);
    stages.forEach((stage, i) => {
      const at = stage.search(NPM_RUN);
      if (at < 0) return;
      const call = stage.slice(at).trim();
      const read = i < stages.length - 1 || /(^|\s)(1?>>?|&>)\s*\S/.test(call);
      if (read && !SILENT.test(call)) found.push(call);
    });
  }
  return found;
}

describe("DocumentedCommandsWorkAsTyped", () => {
  test.each([
    ["1. compliant: piped with --silent", "npm run --silent outputs -- prod --stdout | jq -r .user_pool_id.value", []],
    ["2. compliant: appended to a file with --silent", 'npm run --silent ci-role -- "$STACK" --role plan >> "$GITHUB_OUTPUT"', []],
    ["3. compliant: -s before run", "npm -s run outputs -- dev --stdout | jq .", []],
    ["4. compliant: not read by anything", "npm run plan -- prod", []],
    ["5. compliant: an alternative written with |, not a pipe", "npm run --silent ci-role -- <env> --role plan|apply", []],
    ["6. compliant: stderr redirected only", "npm run plan -- prod 2> plan.log", []],
    [
      "7. non-compliant: piped into jq",
      "npm run outputs -- prod --stdout | jq -r .user_pool_id.value",
      ["npm run outputs -- prod --stdout"],
    ],
    [
      "8. non-compliant: redirected to a file",
      "npm run outputs -- prod --stdout > outputs.json",
      ["npm run outputs -- prod --stdout > outputs.json"],
    ],
    ["9. non-compliant: captured with $(...)", "POOL=$(npm run outputs -- prod --stdout)", ["npm run outputs -- prod --stdout"]],
    [
      "10. non-compliant: --silent after the script's own --",
      "npm run outputs -- prod --stdout --silent | jq .",
      ["npm run outputs -- prod --stdout --silent"],
    ],
  ])("%s", (_title, command, expected) => {
    expect(unsilencedCaptures(command as string)).toEqual(expected);
  });

  const tracked = (pattern: string) =>
    execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", pattern], { cwd: REPO_ROOT, encoding: "utf8" })
      .split("\n")
      .filter((f) => f && existsSync(join(REPO_ROOT, f)));
  const documented = [
    ...tracked("*.md").flatMap((f) => commandsIn(readFileSync(join(REPO_ROOT, f), "utf8")).map((command) => ({ file: f, command }))),
    ...tracked(".github/workflows/*.yml").flatMap((f) =>
      readFileSync(join(REPO_ROOT, f), "utf8")
        .split("\n")
        .filter((l) => /\bnpm\b/.test(l))
        .map((command) => ({ file: f, command })),
    ),
  ];

  test("the docs and workflows show npm run commands whose output is read (the check below has cases to check)", () => {
    expect(documented.filter(({ command }) => /\s\|\s|>>|\$\(/.test(command) && NPM_RUN.test(command)).length).toBeGreaterThanOrEqual(3);
  });

  test("every documented npm run whose output is piped, redirected or captured uses --silent", () => {
    expect(documented.filter(({ command }) => unsilencedCaptures(command).length)).toEqual([]);
  });
});
