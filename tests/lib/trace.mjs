// A room filled with a real editing trace, for the long-document tests:
// `populate(relay, options)` runs `bench populate` (bench/src/populate.rs)
// against a running relay and returns the edit link's fragment and the
// text the document ends with.
//
// The bench binary comes from `CAHIER_BENCH_BIN`, or else is built
// (`cargo build --release -p cahier-bench`, a no-op when up to date) into
// the cargo target directory.

import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { ROOT } from './relay.mjs';

const run = promisify(execFile);

/** The automerge-paper trace: 259,778 edits ending on 104,852 characters. */
export const TRACE = process.env.CAHIER_TRACE ?? '/work/shared/data/editing-traces/automerge-paper.json.gz';

/** How long filling a room may take (the whole trace: under a minute). */
const POPULATE_TIMEOUT_MS = 600_000;

let built = null;

/** The release bench binary, built once per test process if need be. */
export function benchBinary() {
  if (process.env.CAHIER_BENCH_BIN) return process.env.CAHIER_BENCH_BIN;
  if (built) return built;
  execFileSync('cargo', ['build', '--release', '--quiet', '-p', 'cahier-bench'], { cwd: ROOT, stdio: 'inherit' });
  const metadata = JSON.parse(
    execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    }),
  );
  built = path.join(metadata.target_directory, 'release', 'bench');
  return built;
}

/**
 * Fill a new room of `relay` with the first `limit` edits of the trace (0:
 * all of them); with `snapshot`, the loader answers the relay's
 * `CompactHint` with snapshots as an editor does. Returns `{ fragment,
 * endContent, log }` (`fragment` without the `#`; `log` is what the loader
 * said).
 */
export async function populate(relay, { limit = 0, snapshot = false, title = 'automerge-paper' } = {}) {
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
  try {
    const { stdout, stderr } = await run(benchBinary(), args, {
      cwd: ROOT,
      timeout: POPULATE_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
    const fragment = stdout.trim().split('\n').pop();
    if (!/^e=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{4}$/.test(fragment)) {
      throw new Error(`bench populate printed no edit link:\n${stdout}\n${stderr}`);
    }
    return { fragment, endContent: await readFile(endFile, 'utf8'), log: stderr.trim() };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
