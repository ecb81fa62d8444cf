import { ExitCode, resolvePath, UsageError } from '../io.js';
import { loadScenarioFile, ScenarioFileError, scenarioFiles } from '../scenario/loadScenario.js';
import { renderScenarioFileError, renderScenarioReport } from '../scenario/report.js';
import { type ScenarioReport, simulateScenario } from '../scenario/simulate.js';
import type { SimulationStore } from '../scenario/simulationStore.js';
import { type CliCommand, printJson, printLines, stringFlag } from './command.js';

/** `pipkit simulate`: run scenario files and check their expectations. */
export const simulateCommand: CliCommand = {
  name: 'simulate',
  summary: 'run scenario files (policy, facts, timed commands, expectations) on a simulated clock',
  usage: 'pipkit simulate <file-or-folder>... [--store memory|sqlite] [--json]',
  help: [
    'Runs each scenario (YAML or JSON; a folder runs every .yaml, .yml and .json file under it) on',
    'a fresh store with a simulated clock, and checks every expectation: states, deadlines as',
    'local dates or UTC instants, refusals with their codes, escalations, outbox messages, fired',
    "deadlines. Then verifies each PIP's hash chain. The format is in docs/scenarios.md and",
    'packages/cli/schema/scenario.schema.json.',
    '',
    '  --store memory|sqlite   where the PIPs live while it runs (default memory; sqlite uses a',
    '                          temporary file, deleted afterwards)',
    '',
    'Exit code 0 when every expectation holds, 1 when one fails, 2 when a file is not a valid',
    'scenario (the report names the file, the path inside it, its line and what was expected).',
    '',
    'Example: pipkit simulate examples/scenarios',
  ].join('\n'),
  options: { store: { type: 'string' } },
  positionals: [1, Number.POSITIVE_INFINITY],
  async run({ flags, positionals, io, json }) {
    const storeFlag = stringFlag(flags, 'store') ?? 'memory';
    if (storeFlag !== 'memory' && storeFlag !== 'sqlite') {
      throw new UsageError(
        `--store "${storeFlag}" is not a store.`,
        'Use --store memory or --store sqlite.',
      );
    }
    const store: SimulationStore = storeFlag;
    const files = scenarioFiles(
      positionals.map((path) => resolvePath(io, path)),
      io.cwd,
    );
    if (files.length === 0) {
      throw new UsageError(
        `No scenario files (.yaml, .yml, .json) in ${positionals.join(', ')}.`,
        'Give scenario files or a folder that holds them, for example examples/scenarios.',
      );
    }
    const reports: ScenarioReport[] = [];
    const invalid: ScenarioFileError[] = [];
    for (const file of files) {
      try {
        const report = await simulateScenario(loadScenarioFile(file.path, file.shownAs), { store });
        reports.push(report);
        if (!json) printLines(io, [...renderScenarioReport(report), '']);
      } catch (error) {
        if (!(error instanceof ScenarioFileError)) throw error;
        invalid.push(error);
        if (!json) printLines(io, [...renderScenarioFileError(error), '']);
      }
    }
    const failed = reports.filter((report) => !report.ok);
    if (json) {
      printJson(io, {
        ok: failed.length === 0 && invalid.length === 0,
        scenarios: reports,
        invalid: invalid.map((error) => ({ file: error.file, problems: error.problems })),
      });
    } else {
      const checks = reports.reduce((sum, report) => sum + report.checks, 0);
      printLines(io, [
        `${files.length} scenario file(s): ${reports.length - failed.length} passed, ${failed.length} failed, ${invalid.length} invalid; ${checks} check(s) made.`,
      ]);
    }
    if (invalid.length > 0) return ExitCode.usage;
    return failed.length > 0 ? ExitCode.failed : ExitCode.ok;
  },
};
