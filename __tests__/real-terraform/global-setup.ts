/**
 * globalSetup of jest's real-terraform and faults projects (run once for both): starts the emulator and deploys every shipped
 * environment once for all real-Terraform suites (support/shared-deployment.ts, README.md here).
 * Jest runs it only when a test of this project runs, before the workers start; they inherit the
 * variable that names the deployment's description.
 */
import { setUpSharedDeployment } from "./support/shared-deployment";

export default async function globalSetup(): Promise<void> {
  await setUpSharedDeployment();
}
