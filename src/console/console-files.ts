import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';

export const CONSOLE_DIR = Symbol('CONSOLE_DIR');

/**
 * dist/ui of the checkout or image this code runs from: the nearest folder above this file
 * that holds package.json. Works for dist/src/console (npm start, the image) and
 * src/console (tests run the sources).
 */
export function defaultConsoleDir(from = import.meta.dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'ui');
}

/**
 * The file `name` names inside `root`, or undefined when it is not a plain file there.
 * Names that climb out (`..`) or are absolute are refused here, before sendFile sees them.
 */
export function consoleFile(root: string, name: string): string | undefined {
  const clean = normalize(name).replace(/^\/+/, '');
  if (clean === '' || clean === '.' || clean.split(sep).includes('..')) return undefined;
  try {
    return statSync(join(root, clean)).isFile() ? clean : undefined;
  } catch {
    return undefined;
  }
}
