/**
 * cdktf's jest matchers (toHaveResourceWithProperties, ...), registered as `Testing.setupJest()` does,
 * from the adapter module itself: it loads 15 modules where cdktf's index loads ~380, which a test
 * file that never synthesizes need not pay for.
 */
import { setupJest } from "cdktf/lib/testing/adapters/jest";

setupJest();
