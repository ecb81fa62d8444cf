import { defineConfig, type Options } from 'tsup';

/**
 * The one build every publishable package uses: ESM + CJS + declarations, one file per entry.
 * @param entry - entry points, relative to the package folder
 * @param external - packages to leave as imports (the package's own name, for self-imports)
 * @param overrides - options a package needs beyond the shared ones (`splitting` for several entries)
 */
export function pipkitTsupConfig(
  entry: Record<string, string>,
  external: string[] = [],
  overrides: Pick<Options, 'splitting'> = {},
): ReturnType<typeof defineConfig> {
  const options: Options = {
    entry,
    external,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    // Keep the published code readable for people debugging an HR dispute at 2 a.m.
    minify: false,
    splitting: false,
    ...overrides,
  };
  return defineConfig(options);
}
