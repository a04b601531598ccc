import { Command } from "commander";
import type { Logger } from "pino";
import { registerAuditCommand } from "./commands/audit.js";
import { registerExplainCommand } from "./commands/explain.js";
import { registerGenerateCommand } from "./commands/generate.js";
import { registerGraphCommand } from "./commands/graph.js";
import { registerIngestCommand } from "./commands/ingest.js";
import { registerPoliciesCheckCommand } from "./commands/policies-check.js";
import { registerRecommendCommand } from "./commands/recommend.js";
import { registerReplayCommand } from "./commands/replay.js";
import { registerServeCommand } from "./commands/serve.js";
import { registerSimulateCommand } from "./commands/simulate.js";
import { registerWhatIfCommand } from "./commands/whatif.js";
import { createRootLogger } from "./logger.js";
import { packageVersion } from "./package-info.js";
import { policyCommandDeps, readFlows } from "./setup/policy-files.js";

/** Options of {@link buildProgram}; tests inject their own logger. */
export interface ProgramOptions {
  readonly logger?: Logger;
}

/** The hubble-auditor command line: every command, with `--help` on each. */
export function buildProgram(options: ProgramOptions = {}): Command {
  const logger = options.logger ?? createRootLogger();
  const program = new Command("hubble-auditor")
    .description("Audit Kubernetes network policies against real Cilium Hubble traffic before enforcing default-deny")
    .version(packageVersion(), "-V, --version")
    // Usage errors end with exit code 2 and one line; main.ts turns CommanderError into that.
    .exitOverride()
    .showSuggestionAfterError(true);
  registerServeCommand(program, { logger });
  registerReplayCommand(program, { logger });
  registerIngestCommand(program, { logger });
  registerGraphCommand(program);
  registerGenerateCommand(program);
  const policyDeps = policyCommandDeps((text) => process.stderr.write(text));
  registerPoliciesCheckCommand(program, policyDeps);
  registerSimulateCommand(program, { ...policyDeps, readFlows });
  registerExplainCommand(program, policyDeps);
  registerAuditCommand(program, { ...policyDeps, logger });
  registerRecommendCommand(program);
  registerWhatIfCommand(program, policyDeps);
  return program;
}
