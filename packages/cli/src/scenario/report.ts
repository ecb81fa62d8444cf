import { formatPath, type ScenarioFileError } from './loadScenario.js';
import type { ScenarioReport, StepReport } from './simulate.js';

function actorLabel(step: StepReport): string {
  if (step.kind === 'advance') return '(clock)';
  if (step.kind === 'check') return `(check ${step.pipId})`;
  return step.actor ? `${step.actor.id} (${step.actor.role})` : '';
}

function whatHappened(step: StepReport): string {
  const parts: string[] = [];
  if (step.fired.length > 0) parts.push(`sweep fired ${step.fired.join(', ')}`);
  if (step.command) {
    const outcome = step.outcome;
    if (outcome?.accepted === false)
      parts.push(
        `${step.command} refused: ${[outcome.code, ...outcome.issues.map((issue) => issue.code)].filter((code, index, all) => all.indexOf(code) === index).join(', ')}`,
      );
    else parts.push(step.kind === 'open' ? `opened ${step.pipId}` : `${step.command} accepted`);
  }
  if (parts.length === 0) parts.push(step.kind === 'advance' ? 'nothing due' : 'checked');
  return `${parts.join('; ')} -> ${step.state}`;
}

/**
 * Renders a scenario report for people: one line per step (when in the employee's zone, who,
 * what happened, the state after), each failed expectation under its step with its path, the
 * audit check of every PIP, and a verdict.
 *
 * @example
 * ```ts
 * console.log(renderScenarioReport(await simulateScenario(loaded)).join('\n'));
 * ```
 */
export function renderScenarioReport(report: ScenarioReport): string[] {
  const lines = [
    `${report.ok ? 'PASS' : 'FAIL'}  ${report.file}: ${report.name}`,
    `      policy ${report.policy}, ${report.store} store`,
  ];
  for (const step of report.steps) {
    const mark = step.failures.length === 0 ? 'ok  ' : 'FAIL';
    lines.push(
      `  ${mark} ${String(step.index + 1).padStart(2)}  ${step.local.padEnd(28)}  ${actorLabel(step).padEnd(24)}  ${whatHappened(step)}`,
    );
    if (step.note) lines.push(`            ${step.note.trim()}`);
    for (const failure of step.failures)
      lines.push(`            ${failure.path}: ${failure.message}`);
  }
  if (report.stoppedAt !== undefined) {
    lines.push(
      `      stopped after step ${report.stoppedAt + 1}: its command did not end as expected, and the later steps depend on it`,
    );
  }
  for (const pip of report.pips) {
    lines.push(
      `      audit ${pip.pipId}: ${pip.state} at version ${pip.version}; ${pip.verified ? 'hash chain and replay verified' : 'VERIFICATION FAILED'}`,
    );
  }
  lines.push(
    `      ${report.steps.length} step(s), ${report.checks} check(s), ${report.failed} failed`,
  );
  return lines;
}

/**
 * Renders a scenario file that cannot run: the file, each path (and line) and what was expected.
 *
 * @example
 * ```ts
 * // INVALID  broken.yaml
 * //       line 9, steps[0].expect.state: Invalid option: expected one of "draft"|...
 * console.log(renderScenarioFileError(error).join('\n'));
 * ```
 */
export function renderScenarioFileError(error: ScenarioFileError): string[] {
  return [
    `INVALID  ${error.file}`,
    ...error.problems.map(
      (problem) =>
        `      ${problem.line === undefined ? '' : `line ${problem.line}, `}${formatPath(problem.path) || '(file)'}: ${problem.message}`,
    ),
  ];
}
