import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { type Scenario, scenarioSchema } from './scenarioSchema.js';

/** One problem in a scenario file: where it is and what was expected. */
export interface ScenarioProblem {
  /** Path inside the file, `steps[3].command.type`; empty for the file as a whole. */
  readonly path: readonly (string | number)[];
  /** What is wrong and what was expected. */
  readonly message: string;
  /** 1-based line in the file, when known. */
  readonly line?: number;
}

/**
 * A scenario file that cannot run: unreadable, not YAML or JSON, not the scenario format, or
 * naming something that does not exist (a preset, a region, a zone). Lists every problem with
 * its path in the file.
 */
export class ScenarioFileError extends Error {
  /** The file, as given. */
  readonly file: string;
  /** Every problem found. */
  readonly problems: readonly ScenarioProblem[];
  constructor(file: string, problems: readonly ScenarioProblem[]) {
    super(
      `${file}: ${problems.map((problem) => `${formatPath(problem.path) || '(file)'}: ${problem.message}`).join('; ')}`,
    );
    this.name = 'ScenarioFileError';
    this.file = file;
    this.problems = problems;
  }
}

/**
 * Problems found while running a scenario that make it unrunnable (an unknown preset, a time that
 * does not exist). The simulator turns them into a {@link ScenarioFileError} with line numbers. @internal
 */
export class ScenarioProblems extends Error {
  readonly problems: readonly ScenarioProblem[];
  constructor(problems: readonly ScenarioProblem[]) {
    super(problems.map((problem) => problem.message).join('; '));
    this.name = 'ScenarioProblems';
    this.problems = problems;
  }
}

/** A validated scenario and where it came from. */
export interface LoadedScenario {
  /** The file, as given (relative to the working folder when inside it). */
  readonly file: string;
  readonly scenario: Scenario;
  /** The 1-based line of a path inside the file, when it can be found. */
  readonly lineOf: (path: readonly (string | number)[]) => number | undefined;
}

/**
 * Formats a path as people read it.
 *
 * @example
 * ```ts
 * formatPath(['steps', 3, 'command', 'type']); // 'steps[3].command.type'
 * ```
 */
export function formatPath(path: readonly (string | number | symbol)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function locator(document: Document, lines: LineCounter) {
  return (path: readonly (string | number)[]): number | undefined => {
    for (let length = path.length; length >= 0; length -= 1) {
      const node: unknown = document.getIn(path.slice(0, length), true);
      if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
    }
    return undefined;
  };
}

/**
 * Parses and validates a scenario from text (YAML, or JSON, which is YAML too). Throws
 * {@link ScenarioFileError} naming the file, each path inside it and what was expected.
 *
 * @param file - the name to report problems under
 * @example
 * ```ts
 * const { scenario } = parseScenario(readFileSync('federal.yaml', 'utf8'), 'federal.yaml');
 * ```
 */
export function parseScenario(text: string, file: string): LoadedScenario {
  const lines = new LineCounter();
  const document = parseDocument(text, {
    lineCounter: lines,
    uniqueKeys: true,
    prettyErrors: true,
  });
  if (document.errors.length > 0) {
    throw new ScenarioFileError(
      file,
      document.errors.map((error) => ({
        path: [],
        message: `not valid YAML or JSON: ${(error.message.split('\n')[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, '')}`,
        ...(error.linePos ? { line: error.linePos[0].line } : {}),
      })),
    );
  }
  const lineOf = locator(document, lines);
  const raw: unknown = document.toJS();
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ScenarioFileError(
      file,
      parsed.error.issues.map((issue) => {
        const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
        const line = lineOf(path);
        return { path, message: issue.message, ...(line === undefined ? {} : { line }) };
      }),
    );
  }
  return { file, scenario: parsed.data, lineOf };
}

/**
 * Reads and validates one scenario file; throws {@link ScenarioFileError} like {@link parseScenario}.
 *
 * @example
 * ```ts
 * const loaded = loadScenarioFile('examples/scenarios/uc-notice-of-intent.yaml');
 * ```
 */
export function loadScenarioFile(path: string, shownAs = path): LoadedScenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new ScenarioFileError(shownAs, [{ path: [], message: `cannot read it: ${reason}` }]);
  }
  return parseScenario(text, shownAs);
}

const SCENARIO_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * Expands files and folders into scenario files: a folder gives every `.yaml`, `.yml` and `.json`
 * file under it, sorted. Paths are returned absolute, with how to show them (relative to `cwd`).
 *
 * @example
 * ```ts
 * scenarioFiles(['/repo/examples/scenarios'], '/repo');
 * // [{ path: '/repo/examples/scenarios/federal-432-notice-and-appeal.yaml', shownAs: 'examples/scenarios/federal-432-notice-and-appeal.yaml' }, ...]
 * ```
 */
export function scenarioFiles(
  paths: readonly string[],
  cwd: string,
): { readonly path: string; readonly shownAs: string }[] {
  const files: { path: string; shownAs: string }[] = [];
  const show = (path: string) => {
    const rel = relative(cwd, path);
    return rel.startsWith('..') ? path : rel;
  };
  for (const path of paths) {
    let isFolder: boolean;
    try {
      isFolder = statSync(path).isDirectory();
    } catch {
      isFolder = false;
    }
    if (!isFolder) {
      files.push({ path, shownAs: show(path) });
      continue;
    }
    const found = (readdirSync(path, { recursive: true }) as string[])
      .filter((name) => SCENARIO_EXTENSIONS.has(extname(name)))
      .sort()
      .map((name) => join(path, name));
    for (const file of found) files.push({ path: file, shownAs: show(file) });
  }
  return files;
}
