// The release build of one of cahier-client's examples (a hostile
// co-author the browser tests set against the page): from its environment
// variable when tests/run.sh built it, else built here once per test
// process (cargo metadata says where, so CARGO_TARGET_DIR is honoured).

import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { ROOT } from './relay.mjs';

const built = new Map();

/** The path of the example `name`; `envVar` names a prebuilt one. */
export function exampleBinary(name, envVar) {
  if (process.env[envVar]) return process.env[envVar];
  if (built.has(name)) return built.get(name);
  execFileSync('cargo', ['build', '--release', '--quiet', '-p', 'cahier-client', '--example', name], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  const metadata = JSON.parse(
    execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    }),
  );
  const binary = path.join(metadata.target_directory, 'release', 'examples', name);
  built.set(name, binary);
  return binary;
}
