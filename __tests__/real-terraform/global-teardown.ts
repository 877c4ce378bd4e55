/** globalTeardown of jest's real-terraform and faults projects: stops the shared emulator and removes the shared working copy. */
import { tearDownSharedDeployment } from "./support/shared-deployment";

export default async function globalTeardown(): Promise<void> {
  await tearDownSharedDeployment();
}
