import { build } from 'esbuild';

/**
 * Bundles `contents` (resolved from the repository root, axios included) for the browser
 * platform as one script, the way an app's bundler would. Returns the code and every Node
 * built-in it pulled in (none is allowed where the bundle is meant to run).
 */
export async function bundleForBrowser(
  contents: string,
): Promise<{ code: string; nodeImports: string[] }> {
  const result = await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return {
    code: result.outputFiles[0]!.text,
    nodeImports: Object.keys(result.metafile.inputs).filter((input) => input.startsWith('node:')),
  };
}
