import path from 'node:path';

/**
 * How a reason names the models folder: relative to the working directory when inside it (`models`), else only
 * its last segment — reasons reach browser users, who need not learn the server's file system.
 */
export function displayModelsDir(dir: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, path.resolve(dir));
  if (rel === '') return '.';
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) return rel;
  return `MODELS_DIR (…/${path.basename(dir)})`;
}
