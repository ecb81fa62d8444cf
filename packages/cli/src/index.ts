/**
 * @pipkit/cli: the `pipkit` command and its programmatic API. Run the demo, simulate policy
 * scenarios with exact dates on a simulated clock, inspect and sweep a database, verify audit
 * chains, export evidence bundles and lifecycle diagrams.
 * @packageDocumentation
 */

export { CLI_VERSION, COMMANDS, runCli } from './cli.js';
export type { CliCommand, CommandContext, Flags } from './commands/command.js';
export { policyDiagram } from './commands/diagramCommand.js';
export { type CliIo, ExitCode, UsageError } from './io.js';
export { type StoreAccessCode, StoreAccessCodes, StoreAccessError } from './storeAccessError.js';
export { parseStoreUrl, redactStoreUrl } from './storeTarget.js';
export type { PostgresStoreTarget, SqliteStoreTarget, StoreTarget } from './storeTarget.js';
export { runDemo } from './demo/runDemo.js';
export type { DemoResult } from './demo/runDemo.js';
// The host helpers moved to @pipkit/report; re-exported so existing imports keep working.
export {
  describeEvent,
  evidenceBundle,
  localDate,
  localTime,
  renderTimeline,
  verifyStoredPip,
} from '@pipkit/report';
export type { EvidenceBundle, StoredPipVerification } from '@pipkit/report';
export {
  formatPath,
  loadScenarioFile,
  parseScenario,
  ScenarioFileError,
  scenarioFiles,
} from './scenario/loadScenario.js';
export type { LoadedScenario, ScenarioProblem } from './scenario/loadScenario.js';
export {
  expectationSchema,
  scenarioCalendarSchema,
  scenarioCommandSchema,
  scenarioDocumentSchema,
  scenarioJsonSchema,
  scenarioPipSchema,
  scenarioSchema,
  scenarioTimeSchema,
  stepSchema,
} from './scenario/scenarioSchema.js';
export type {
  Expectation,
  Scenario,
  ScenarioCommand,
  ScenarioInput,
  ScenarioStep,
} from './scenario/scenarioSchema.js';
export { shorthandDocument } from './scenario/scenarioCommands.js';
export { simulateScenario } from './scenario/simulate.js';
export type { ScenarioReport, SimulateOptions, StepReport } from './scenario/simulate.js';
export type { SimulationStore } from './scenario/simulationStore.js';
export type { ExpectationFailure } from './scenario/expectations.js';
export { renderScenarioFileError, renderScenarioReport } from './scenario/report.js';
export { localLabel, toInstant } from './scenario/scenarioTime.js';
