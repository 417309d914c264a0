/**
 * Options every client command takes, wherever they stand on the line: `beamline --json
 * train list` and `beamline train --json list` mean `beamline train list --json`. Pure and
 * free of imports, because beamline.ts runs it before it knows which code to load.
 */
const VALUED = ['--url', '--token', '--project'];
const FLAGS = ['--json'];

/** `words` keeps every other token in order; `globals` the global options with their values. */
export function splitGlobals(argv: string[]): { words: string[]; globals: string[] } {
  const words: string[] = [];
  const globals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      words.push(...argv.slice(i)); // after --, nothing is an option
      break;
    }
    if (FLAGS.includes(arg) || VALUED.some((v) => arg.startsWith(`${v}=`))) globals.push(arg);
    else if (VALUED.includes(arg)) globals.push(...argv.slice(i, ++i + 1)); // the option and its value
    else words.push(arg);
  }
  return { words, globals };
}
