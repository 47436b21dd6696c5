// A real relay for the browser tests: the release binary, on a free loopback
// port, with its own temporary data directory, serving the built app
// (`dist/`) as static files.
//
// Each test file starts one with `startRelay()` in `before` and closes it in
// `after`. `stop()` and `start()` take it down and bring it back on the same
// port with the same data (for offline and reconnection tests); `kill()` is
// the SIGKILL variant. `close()` stops it and deletes its data.
//
// The app comes from `CAHIER_E2E_DIST` if set (to test another build),
// else from the repository's `dist/`. The binary comes from `CAHIER_RELAY_BIN` (tests/run.sh sets it from
// `cargo metadata`), or else from the cargo target directory.

import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests/lib/ is two levels below it). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;
/** How many lines of the relay's log to keep for failure reports. */
const LOG_LINES = 200;

/** Relays still running, killed if this process exits without stopping them. */
const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The release relay binary: `$CAHIER_RELAY_BIN`, or `<target>/release/relay`. */
export function relayBinary() {
  if (process.env.CAHIER_RELAY_BIN) return process.env.CAHIER_RELAY_BIN;
  const metadata = JSON.parse(
    execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    }),
  );
  return path.join(metadata.target_directory, 'release', 'relay');
}

/** The built app: `$CAHIER_E2E_DIST`, or the repository's `dist/`. */
export function appDir() {
  return process.env.CAHIER_E2E_DIST ? path.resolve(process.env.CAHIER_E2E_DIST) : path.join(ROOT, 'dist');
}

/**
 * Start a relay on `127.0.0.1:0` with a fresh data directory, serving
 * `staticDir` (the repository's `dist/` by default). Resolves once it logs
 * the address it listens on.
 */
export async function startRelay({ staticDir = appDir(), args = [] } = {}) {
  const binary = relayBinary();
  await access(binary).catch(() => {
    throw new Error(`no relay binary at ${binary}: run tests/run.sh, or cargo build --release -p cahier-relay`);
  });
  await access(path.join(staticDir, 'index.html')).catch(() => {
    throw new Error(`no app in ${staticDir}: run scripts/build-app.sh`);
  });
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cahier-e2e-'));
  const relay = new Relay(binary, dataDir, staticDir, args);
  try {
    await relay.start();
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return relay;
}

export class Relay {
  constructor(binary, dataDir, staticDir, args) {
    this.binary = binary;
    this.dataDir = dataDir;
    this.staticDir = staticDir;
    this.args = args;
    /** `127.0.0.1:PORT` once started; kept across restarts. */
    this.addr = null;
    this.child = null;
    this.log = [];
  }

  /** `http://127.0.0.1:PORT/` */
  get url() {
    return `http://${this.addr}/`;
  }

  /** The last lines the relay wrote on stderr, for failure reports. */
  recentLog() {
    return this.log.join('\n');
  }

  /**
   * Start the process: on a free port the first time, on the same port
   * after a stop (so pages reconnect to the address they know).
   */
  async start() {
    if (this.child) throw new Error('the relay is already running');
    const child = spawn(
      this.binary,
      ['--addr', this.addr ?? '127.0.0.1:0', '--data', this.dataDir, '--static', this.staticDir, ...this.args],
      {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1', RUST_LOG: process.env.RUST_LOG ?? 'info' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    this.child = child;
    running.add(child);
    child.once('exit', () => {
      running.delete(child);
      if (this.child === child) this.child = null;
    });

    const listening = new Promise((resolve, reject) => {
      let pending = '';
      const timer = setTimeout(
        () => reject(new Error(`the relay did not say where it listens within ${START_TIMEOUT_MS} ms:\n${this.recentLog()}`)),
        START_TIMEOUT_MS,
      );
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop();
        for (const raw of lines) {
          // eslint-disable-next-line no-control-regex
          const line = raw.replace(/\x1b\[[0-9;]*m/g, '');
          this.log.push(line);
          if (this.log.length > LOG_LINES) this.log.shift();
          const match = line.match(/relay listening addr=(127\.0\.0\.1:\d+)/);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        }
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the relay exited (code ${code}, signal ${signal}) before listening:\n${this.recentLog()}`));
      });
    });
    try {
      this.addr = await listening;
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    return this;
  }

  /** Stop gracefully (SIGTERM), or with SIGKILL if it takes too long. */
  async stop() {
    await this.#end('SIGTERM');
  }

  /** Kill with SIGKILL, as a crash or a power cut would. */
  async kill() {
    await this.#end('SIGKILL');
  }

  /**
   * Freeze the process (SIGSTOP): its sockets stay open but nothing answers,
   * as with a laptop whose network vanished without a word, or a server
   * that hangs. `resume` thaws it.
   */
  pause() {
    if (!this.child) throw new Error('the relay is not running');
    this.child.kill('SIGSTOP');
  }

  resume() {
    this.child?.kill('SIGCONT');
  }

  /** Stop, then start again on the same port with the same data. */
  async restart() {
    await this.stop();
    await this.start();
  }

  /** Stop the relay and delete its data directory. */
  async close() {
    await this.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  async #end(signal) {
    const child = this.child;
    if (!child) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
