// A CPU profile of what a page does between two points of a benchmark,
// through the DevTools protocol (chromium's own sampling profiler), when
// CAHIER_PROFILE names a directory: the .cpuprofile goes there (open it in
// chromium's DevTools, Performance panel, or any flame graph viewer) and
// the functions that took most of the time (self time, and time including
// what they called) are printed. Without CAHIER_PROFILE it does nothing,
// so a benchmark can always call it.
//
// The app's names are in the profile only when the build kept them
// (scripts/build-app.sh with CAHIER_WASM_NAMES=1); otherwise wasm
// functions show as wasm-function[N].

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const DIR = process.env.CAHIER_PROFILE;

/** Start profiling `page`; the returned `stop(name)` writes and sums up. */
export async function startProfile(page) {
  if (!DIR) return { stop: async () => [] };
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  // The browser's own work (style, layout, paint), which a CPU profile
  // shows only as "(program)": from a timeline trace.
  const events = [];
  cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
  const traced = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline', transferMode: 'ReportEvents' });
  return {
    async stop(name) {
      const { profile } = await cdp.send('Profiler.stop');
      await cdp.send('Tracing.end');
      await traced;
      await cdp.detach();
      await mkdir(DIR, { recursive: true });
      const file = path.join(DIR, `${name}.cpuprofile`);
      await writeFile(file, JSON.stringify(profile));
      return [`profile written to ${file}`, ...summary(profile), ...timeline(events)];
    },
  };
}

/** Time in the browser's own steps, by kind, from trace events. */
function timeline(events, top = 12) {
  const kinds = new Set(['UpdateLayoutTree', 'Layout', 'Paint', 'PrePaint', 'Layerize', 'RecalculateStyles', 'ParseHTML', 'HitTest', 'ScheduleStyleRecalculation', 'Commit', 'FunctionCall', 'EvaluateScript', 'v8.callFunction', 'MajorGC', 'MinorGC', 'UpdateLayer', 'IntersectionObserverController::computeIntersections']);
  const sums = new Map();
  for (const event of events) {
    if (event.ph !== 'X' || !kinds.has(event.name)) continue;
    const entry = sums.get(event.name) ?? { ms: 0, n: 0 };
    entry.ms += (event.dur ?? 0) / 1000;
    entry.n += 1;
    sums.set(event.name, entry);
  }
  return [
    'browser steps (timeline, total ms / count):',
    ...[...sums.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, top)
      .map(([kind, { ms, n }]) => `  ${ms.toFixed(1).padStart(9)} ms  ${String(n).padStart(6)}×  ${kind}`),
  ];
}

/** The 25 functions with most self time, and with most total time. */
function summary(profile, top = 25) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const name = (node) => `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url ? path.basename(node.callFrame.url) : ''}`.trim();
  const total = new Map();
  let all = 0;
  for (const [id, n] of counts) {
    all += n;
    const key = name(byId.get(id));
    self.set(key, (self.get(key) ?? 0) + n);
    // Each function on the stack once, however deep it recurses.
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const key = name(byId.get(at));
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + n);
    }
  }
  const table = (map, label) => [
    `${label} (of ${all} samples):`,
    ...[...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, n]) => `  ${((100 * n) / all).toFixed(1).padStart(5)} %  ${key}`),
  ];
  return [...table(self, 'self time'), ...table(total, 'total time')];
}
