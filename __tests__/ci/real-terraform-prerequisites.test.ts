/**
 * What the real-Terraform suites need before they start, checked without the tools: a missing
 * Terraform, moto or openssl fails with what to install, and the aws provider comes from a mirror on
 * this machine when there is one, otherwise from the registry through `terraform init` (a stand-in
 * terraform here: this machine reaches no registry).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findProviderMirror, MIRROR_ENV } from "../real-terraform/support/find-provider-mirror";
import { mirrorFromRegistry, registryCacheDir } from "../real-terraform/support/provider-mirror";
import { requireMotoPython, requireTerraform, requireTool } from "../real-terraform/support/tools";

const AWS = { source: "registry.terraform.io/hashicorp/aws", version: "5.100.0" };
const PLATFORM = "linux_amd64";
const BINARY = ["registry.terraform.io", "hashicorp", "aws", "5.100.0", PLATFORM, "terraform-provider-aws_v5.100.0_x5"];

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "taskflow-prereq-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** An executable shell script `name` in dir/bin. */
function fakeTool(name: string, script: string): string {
  mkdirSync(join(dir, "bin"), { recursive: true });
  const file = join(dir, "bin", name);
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe("MissingToolsFailLoudly", () => {
  const emptyPath = () => join(dir, "empty");

  test.each([
    ["terraform", () => requireTerraform(emptyPath()), /need `terraform` on PATH[\s\S]*Install Terraform CLI >= 1\.10/],
    ["python3 with moto", () => requireMotoPython(emptyPath()), /need `python3` on PATH[\s\S]*pip install "moto\[server\]>=5\.2,<5\.3"/],
    ["openssl", () => requireTool("openssl", emptyPath()), /need `openssl` on PATH[\s\S]*apt-get install openssl/],
  ])("1. %s missing from PATH: the error names what to install and says the suites never skip", (_name, check, message) => {
    expect(check).toThrow(message);
    expect(check).toThrow(/never skip/);
  });

  test("2. a python3 that cannot import moto: the error says to pip install moto", () => {
    fakeTool("python3", 'echo "ModuleNotFoundError: No module named moto" >&2; exit 1');
    expect(() => requireMotoPython(join(dir, "bin"))).toThrow(/cannot import it[\s\S]*pip install "moto\[server\]/);
  });

  test("3. a Terraform older than 1.10: refused, with the version found", () => {
    fakeTool("terraform", `echo '{"terraform_version":"1.9.8"}'`);
    expect(() => requireTerraform(join(dir, "bin"))).toThrow(/Terraform 1\.9\.8 .* is too old/);
  });
});

describe("ProviderFromMirrorOrRegistry", () => {
  /** Environment with no mirror anywhere Terraform or the harness would look (HOME and XDG dirs in the temp dir). */
  const noMirrorEnv = (): NodeJS.ProcessEnv => ({
    HOME: join(dir, "home"),
    XDG_DATA_HOME: join(dir, "data"),
    XDG_DATA_DIRS: join(dir, "share"),
    XDG_CACHE_HOME: join(dir, "cache"),
    TF_CLI_CONFIG_FILE: join(dir, "no-such-terraformrc"),
  });

  test("1. a mirror named by TASKFLOW_TF_PROVIDER_MIRROR that holds the provider is used", async () => {
    mkdirSync(join(dir, "mirror", ...BINARY.slice(0, -1)), { recursive: true });
    writeFileSync(join(dir, "mirror", ...BINARY), "");
    expect(await findProviderMirror(AWS, { ...noMirrorEnv(), [MIRROR_ENV]: join(dir, "mirror") })).toEqual({
      dir: join(dir, "mirror"),
      from: `$${MIRROR_ENV}`,
    });
  });

  test("2. a named mirror without the provider is an error naming the folder it expected", async () => {
    await expect(findProviderMirror(AWS, { ...noMirrorEnv(), [MIRROR_ENV]: join(dir, "empty") })).rejects.toThrow(
      /does not hold registry\.terraform\.io\/hashicorp\/aws 5\.100\.0/,
    );
  });

  test("3. the registry's provider is installed once by terraform init with TF_PLUGIN_CACHE_DIR, then reused as a mirror", () => {
    const calls = join(dir, "calls");
    // Stand-in for `terraform init`: records its arguments and fills the plugin cache as Terraform does.
    const terraform = fakeTool(
      "terraform",
      `echo "$@" >> "${calls}"; d="$TF_PLUGIN_CACHE_DIR/${BINARY.slice(0, -1).join("/")}"; mkdir -p "$d" && : > "$d/${BINARY.at(-1)}"`,
    );
    const env = noMirrorEnv();
    const first = mirrorFromRegistry(terraform, AWS, env, PLATFORM);
    expect(first.dir).toBe(join(dir, "cache", "taskflow", "terraform-providers", `aws-5.100.0-${PLATFORM}`));
    expect(first.dir).toBe(registryCacheDir(AWS, PLATFORM, env));
    expect(existsSync(join(first.dir, ...BINARY))).toBe(true);
    expect(readFileSync(calls, "utf8")).toMatch(/^-chdir=\S+ init -backend=false -input=false -no-color\n$/);
    // A second run finds the cache and does not call Terraform again.
    expect(mirrorFromRegistry(terraform, AWS, env, PLATFORM)).toEqual(first);
    expect(readFileSync(calls, "utf8").trim().split("\n")).toHaveLength(1);
  });

  test("4. no mirror and no registry: the error says what to set, with Terraform's own message", () => {
    const terraform = fakeTool("terraform", 'echo "Error: Failed to query available provider packages" >&2; exit 1');
    expect(() => mirrorFromRegistry(terraform, AWS, noMirrorEnv(), PLATFORM)).toThrow(
      /could not install it from the registry \(exit 1\):\nError: Failed to query available provider packages[\s\S]*set TASKFLOW_TF_PROVIDER_MIRROR/,
    );
  });
});
