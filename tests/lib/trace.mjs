// A room filled with a real editing trace, for the long-document tests:
// `populate(relay, options)` runs `cahier populate` (cli/src/populate.rs)
// against a running relay and returns the edit link's fragment and the
// text the document ends with.
//
// The trace is shared data, never copied into the project: it is
// `$CAHIER_TRACE` if set, else automerge-paper.json.gz in `$CAHIER_TRACES`,
// else in `../shared/data/editing-traces/` beside the clone. Where it is
// absent (a fresh clone without the shared data), `TRACE_MISSING` says so
// in one line and the tests that need it skip.
//
// The `cahier` binary comes from `CAHIER_CLI_BIN` (tests/run.sh sets it),
// or else is built (`cargo build --release -p cahier-cli`, a no-op when up
// to date) into the cargo target directory.

import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { ROOT } from './relay.mjs';

const run = promisify(execFile);

const TRACES = process.env.CAHIER_TRACES ?? path.join(ROOT, '..', 'shared', 'data', 'editing-traces');

/** The automerge-paper trace: 259,778 edits ending on 104,852 characters. */
export const TRACE = process.env.CAHIER_TRACE ?? path.join(TRACES, 'automerge-paper.json.gz');

/** Why the trace tests cannot run here, in one line, or null when they can. */
export const TRACE_MISSING = existsSync(TRACE)
  ? null
  : `no editing trace at ${TRACE} (set CAHIER_TRACE or CAHIER_TRACES to run the trace tests)`;

/** How long filling a room may take (the whole trace: under a minute). */
const POPULATE_TIMEOUT_MS = 600_000;

let built = null;

/** The release `cahier` binary, built once per test process if need be. */
export function cliBinary() {
  if (process.env.CAHIER_CLI_BIN) return process.env.CAHIER_CLI_BIN;
  if (built) return built;
  execFileSync('cargo', ['build', '--release', '--quiet', '-p', 'cahier-cli'], { cwd: ROOT, stdio: 'inherit' });
  const metadata = JSON.parse(
    execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    }),
  );
  built = path.join(metadata.target_directory, 'release', 'cahier');
  return built;
}

/**
 * Fill a new room of `relay` with the first `limit` edits of the trace (0:
 * all of them); with `snapshot`, the loader answers the relay's
 * `CompactHint` with snapshots as an editor does; with `checkpointEvery`
 * N, it makes a history checkpoint after every N edits; with `generateChars`
 * N, the text is a made-up motion of N characters instead of the trace;
 * with `amendments` N, N generated amendments are filed on it (numbered,
 * one in five under discussion; `seed` makes them). Returns `{ fragment,
 * endContent, log }` (`fragment` without the `#`; `log` is what the loader
 * said).
 */
export async function populate(
  relay,
  { limit = 0, snapshot = false, title = 'automerge-paper', checkpointEvery = 0, generateChars = 0, amendments = 0, seed = 12, claims = 0 } = {},
) {
  const dir = await mkdtemp(path.join(tmpdir(), 'cahier-trace-'));
  const endFile = path.join(dir, 'end.txt');
  const args = [
    'populate',
    '--relay',
    `ws://${relay.addr}/ws`,
    '--trace',
    TRACE,
    '--limit',
    String(limit),
    '--title',
    title,
    '--end-content',
    endFile,
  ];
  if (snapshot) args.push('--snapshot');
  if (checkpointEvery > 0) args.push('--checkpoint-every', String(checkpointEvery));
  if (generateChars > 0) args.push('--generate-chars', String(generateChars));
  if (amendments > 0) args.push('--amendments', String(amendments), '--seed', String(seed));
  if (claims > 0) args.push('--claims', String(claims));
  try {
    const { stdout, stderr } = await run(cliBinary(), args, {
      cwd: ROOT,
      timeout: POPULATE_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
    const fragment = stdout.trim().split('\n').pop();
    if (!/^e=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{4}$/.test(fragment)) {
      throw new Error(`cahier populate printed no edit link:\n${stdout}\n${stderr}`);
    }
    return { fragment, endContent: await readFile(endFile, 'utf8'), log: stderr.trim() };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
