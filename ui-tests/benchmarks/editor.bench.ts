/**
 * Benchmark of the pipeline editor with large generated pipelines (200 and 1,000 steps), in
 * headless Chromium at 1440x900: opening, auto layout, selecting a node, dragging one, and live
 * status of a running pipeline. It reports main-thread long tasks (PerformanceObserver
 * 'longtask') and frame gaps (requestAnimationFrame) per phase; it asserts no time.
 *
 *   cd ui-tests && jlpm playwright test -c playwright.bench.config.js
 *   BENCH_SIZES=1000 BENCH_LABEL=after jlpm playwright test -c playwright.bench.config.js
 *
 * Results go to ../benchmarks/results/editor-LABEL-DATE.json and a table is printed.
 * Live status comes as run-status events on the lab's event stream (what the server's event
 * socket delivers during a run), at a pace no real run on this machine reaches: 2 steps change
 * every 50 ms with their cell progress.
 */
import { IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { CDPSession } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

import { notebook } from '../tests/helpers';

const SIZES = (process.env.BENCH_SIZES ?? '200,1000').split(',').map(Number);
const LABEL = process.env.BENCH_LABEL ?? 'current';
const RESULTS = path.resolve(__dirname, '../../benchmarks/results');
const RUN_STATUS = 'https://events.runnable-jupyter.org/run-status';
const LIVE_TICK_MS = 50;
const STEPS_PER_TICK = 2;

interface IPhase {
  /** Time until the phase's visible result (open: nodes drawn; select: the panel shows it). */
  ms: number;
  longestTaskMs: number;
  longTasks: number;
  frameGapP95Ms: number;
  frameGapMaxMs: number;
}

/** Layers of about sqrt(N) steps, each depending on one or two steps of the layer before. */
function generatePipeline(size: number): object {
  const width = Math.ceil(Math.sqrt(size));
  const steps = [];
  for (let index = 0; index < size; index++) {
    const layer = Math.floor(index / width);
    const row = index % width;
    const id = `step_${String(index).padStart(4, '0')}`;
    const depends =
      layer === 0
        ? []
        : [(layer - 1) * width + row, (layer - 1) * width + ((row * 7) % width)]
            .filter((dep, i, all) => dep < size && all.indexOf(dep) === i)
            .map(dep => `step_${String(dep).padStart(4, '0')}`);
    steps.push({
      id,
      notebook: 'step.ipynb',
      ...(depends.length > 0 ? { depends_on: depends } : {}),
      position: { x: layer * 300, y: row * 120 }
    });
  }
  return { version: 1, name: `bench ${size}`, steps };
}

/** A CPU profile of one phase when BENCH_PROFILE names it (written next to the results). */
async function startProfile(
  page: IJupyterLabPageFixture,
  name: string
): Promise<CDPSession | null> {
  if (process.env.BENCH_PROFILE !== name) {
    return null;
  }
  const context = page.context();
  // The fixture is a proxy; CDP wants the page itself.
  const session = await context.newCDPSession(context.pages()[0]);
  await session.send('Profiler.enable');
  await session.send('Profiler.start');
  return session;
}

async function stopProfile(
  session: CDPSession | null,
  name: string
): Promise<void> {
  if (session) {
    const { profile } = await session.send('Profiler.stop');
    fs.mkdirSync(RESULTS, { recursive: true });
    fs.writeFileSync(
      path.join(RESULTS, `editor-${name}.cpuprofile`),
      JSON.stringify(profile)
    );
  }
}

/**
 * A Chromium timeline trace of one phase when BENCH_TRACE names it: what a long task holds
 * besides script (style, layout, paint). Read it with `node benchmarks/longTasks.js FILE`.
 */
async function startTrace(
  page: IJupyterLabPageFixture,
  phase: string,
  name: string
): Promise<string | null> {
  if (process.env.BENCH_TRACE !== phase) {
    return null;
  }
  const context = page.context();
  fs.mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `editor-${name}.trace.json`);
  await context.browser()!.startTracing(context.pages()[0], {
    path: file,
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline']
  });
  return file;
}

async function stopTrace(
  page: IJupyterLabPageFixture,
  file: string | null
): Promise<void> {
  if (file) {
    await page.context().browser()!.stopTracing();
  }
}

/** Collects long tasks and frame times from the page's start. */
function installProbes(): void {
  const bench = { longTasks: [] as number[][], frames: [] as number[] };
  (window as any).__bench = bench;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) {
      bench.longTasks.push([entry.startTime, entry.duration]);
    }
  }).observe({ type: 'longtask', buffered: true });
  const tick = (time: number) => {
    bench.frames.push(time);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

async function now(page: IJupyterLabPageFixture): Promise<number> {
  return page.evaluate(() => performance.now());
}

/** Long tasks and frame gaps between `start` and `end` (page clock), `ms` from start to done. */
async function phase(
  page: IJupyterLabPageFixture,
  start: number,
  done: number,
  end: number
): Promise<IPhase> {
  return page.evaluate(
    ([from, finished, to]) => {
      const bench = (window as any).__bench;
      const tasks = (bench.longTasks as number[][]).filter(
        ([at, duration]) => at + duration >= from && at <= to
      );
      const frames = (bench.frames as number[]).filter(
        time => time >= from && time <= to
      );
      const gaps = frames.slice(1).map((time, i) => time - frames[i]);
      gaps.sort((a, b) => a - b);
      const at = (q: number) =>
        gaps.length
          ? gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))]
          : 0;
      return {
        ms: Math.round(finished - from),
        longestTaskMs: Math.round(Math.max(0, ...tasks.map(([, d]) => d))),
        longTasks: tasks.length,
        frameGapP95Ms: Math.round(at(0.95)),
        frameGapMaxMs: Math.round(gaps.length ? gaps[gaps.length - 1] : 0)
      };
    },
    [start, done, end]
  );
}

/** Waits (per frame) until the expression holds in the page; returns the page time it did. */
async function whenTrue(
  page: IJupyterLabPageFixture,
  expression: string
): Promise<number> {
  const handle = await page.waitForFunction(
    `(${expression}) ? performance.now() : 0`,
    null,
    { polling: 'raf', timeout: 120000 }
  );
  return (await handle.jsonValue()) as number;
}

/** Drawn nodes are present, measured (xyflow hides unmeasured ones) and stable for 3 frames. */
const GRAPH_DRAWN = `(() => {
  const nodes = document.querySelectorAll('.jp-runnable-PipelineEditor .react-flow__node');
  const ready = nodes.length > 0 &&
    Array.from(nodes).every(node => node.style.visibility !== 'hidden');
  const w = window;
  const key = ready ? nodes.length : -1;
  w.__stable = w.__stableKey === key ? (w.__stable || 0) + 1 : 0;
  w.__stableKey = key;
  return ready && w.__stable >= 3;
})()`;

/** The node nearest the graph's centre, as drawn now. */
async function centralNode(
  page: IJupyterLabPageFixture
): Promise<{ id: string; x: number; y: number }> {
  return page.evaluate(() => {
    const graph = document
      .querySelector('.jp-runnable-graph')!
      .getBoundingClientRect();
    const cx = graph.x + graph.width / 2;
    const cy = graph.y + graph.height / 2;
    let best = { id: '', x: 0, y: 0, d: Infinity };
    document
      .querySelectorAll<HTMLElement>('.jp-runnable-graph .jp-runnable-node')
      .forEach(node => {
        const box = node.getBoundingClientRect();
        const x = box.x + box.width / 2;
        const y = box.y + Math.min(12, box.height / 2);
        const d = Math.hypot(x - cx, y - cy);
        if (d < best.d) {
          best = { id: node.dataset.stepId!, x, y, d };
        }
      });
    return { id: best.id, x: best.x, y: best.y };
  });
}

async function settle(page: IJupyterLabPageFixture): Promise<number> {
  await page.waitForTimeout(500);
  return now(page);
}

async function benchSize(
  page: IJupyterLabPageFixture,
  folder: string,
  size: number
): Promise<Record<string, IPhase>> {
  const pipelinePath = `${folder}/bench${size}.pipeline.json`;
  await page.contents.uploadContent(
    notebook(['x = 1']),
    'text',
    `${folder}/step.ipynb`
  );
  await page.contents.uploadContent(
    JSON.stringify(generatePipeline(size), null, 2),
    'text',
    pipelinePath
  );
  const results: Record<string, IPhase> = {};

  // Open (saved positions): until every drawn node is measured and stays so.
  const openProfiler = await startProfile(page, 'open');
  const openTrace = await startTrace(page, 'open', `open-${size}`);
  let start = await now(page);
  // Returns nothing: Playwright would serialise the returned widget in the page, for a second
  // or more, and that task would count as the editor's.
  await page.evaluate(async p => {
    await (window as any).jupyterapp.commands.execute('docmanager:open', {
      path: p
    });
  }, pipelinePath);
  let done = await whenTrue(page, GRAPH_DRAWN);
  results.open = await phase(page, start, done, await settle(page));
  await stopProfile(openProfiler, `open-${size}`);
  await stopTrace(page, openTrace);

  // Auto layout of every step (the toolbar's command), until the new positions are drawn.
  start = await now(page);
  done = await page.evaluate(async () => {
    await (window as any).jupyterapp.commands.execute(
      'runnable-jupyter:auto-layout'
    );
    await new Promise(r =>
      requestAnimationFrame(() => requestAnimationFrame(r))
    );
    return performance.now();
  });
  results.layout = await phase(page, start, done, await settle(page));

  // Select the node in the middle of the view: until the properties panel shows it.
  const target = await centralNode(page);
  start = await now(page);
  await page.mouse.click(target.x, target.y);
  done = await whenTrue(
    page,
    `(() => {
      const id = ${JSON.stringify(target.id)};
      const field = document.querySelector('.jp-runnable-properties input[name="id"]');
      const node = document.querySelector('.jp-runnable-node[data-step-id="' + id + '"]');
      return field && field.value === id && (!node || node.classList.contains('jp-mod-selected'));
    })()`
  );
  results.select = await phase(page, start, done, await settle(page));

  // Drag that node 300 px in 30 moves: until the document holds its new position.
  start = await now(page);
  await page.mouse.move(target.x, target.y);
  await page.mouse.down();
  for (let i = 1; i <= 30; i++) {
    await page.mouse.move(target.x + i * 10, target.y + i * 3);
  }
  await page.mouse.up();
  done = await whenTrue(
    page,
    `document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty') !== null`
  );
  results.drag = await phase(page, start, done, await settle(page));

  const profiler = await startProfile(page, 'live');
  // Live status: every 50 ms two steps succeed and the next two start, with cell progress.
  start = await now(page);
  done = await page.evaluate(
    ([p, count, tickMs, perTick, schema]) =>
      new Promise<number>(resolve => {
        const stream = (window as any).jupyterapp.serviceManager.events.stream;
        // Shaped like a real run id; its run log does not exist (the refetches answer 404).
        const runId =
          new Date().toISOString().replace(/[-:]/g, '').slice(0, 15) +
          '-be0c01';
        const id = (i: number) => `step_${String(i).padStart(4, '0')}`;
        const send = (data: object) =>
          stream.emit({
            schema_id: schema,
            version: '1',
            data: { pipeline: p, run_id: runId, ...data }
          });
        send({ kind: 'run', step_id: '', status: 'running' });
        let next = 0;
        const timer = window.setInterval(() => {
          for (let i = next - perTick; i < next; i++) {
            if (i >= 0) {
              send({ kind: 'step', step_id: id(i), status: 'succeeded' });
            }
          }
          if (next >= count) {
            window.clearInterval(timer);
            send({ kind: 'run', step_id: '', status: 'succeeded' });
            requestAnimationFrame(() => resolve(performance.now()));
            return;
          }
          for (let i = next; i < Math.min(count, next + perTick); i++) {
            send({ kind: 'step', step_id: id(i), status: 'running' });
            send({
              kind: 'progress',
              step_id: id(i),
              status: 'running',
              cell: 1,
              cells: 3
            });
          }
          next += perTick;
        }, tickMs);
      }),
    [pipelinePath, size, LIVE_TICK_MS, STEPS_PER_TICK, RUN_STATUS] as [
      string,
      number,
      number,
      number,
      string
    ]
  );
  results.live = await phase(page, start, done, done);
  await stopProfile(profiler, `live-${size}`);

  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('application:close-all')
  );
  const dialog = page.locator('.jp-Dialog');
  if (await dialog.isVisible()) {
    await dialog.getByRole('button', { name: /Discard|Don't Save/ }).click();
  }
  return results;
}

function table(all: Record<number, Record<string, IPhase>>): string {
  const lines = [
    '| steps | phase | ms | longest task ms | long tasks | frame gap p95 ms | max gap ms |',
    '| ----- | ----- | -- | --------------- | ---------- | ---------------- | ---------- |'
  ];
  for (const [size, phases] of Object.entries(all)) {
    for (const [name, p] of Object.entries(phases)) {
      lines.push(
        `| ${size} | ${name} | ${p.ms} | ${p.longestTaskMs} | ${p.longTasks} | ${p.frameGapP95Ms} | ${p.frameGapMaxMs} |`
      );
    }
  }
  return lines.join('\n');
}

test('editor with large pipelines', async ({ page, tmpPath }) => {
  await page.addInitScript(installProbes);
  await page.goto();
  const all: Record<number, Record<string, IPhase>> = {};
  for (const size of SIZES) {
    all[size] = await benchSize(page, tmpPath, size);
  }
  const report = table(all);
  console.log(`\n${report}\n`);
  fs.mkdirSync(RESULTS, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  fs.writeFileSync(
    path.join(RESULTS, `editor-${LABEL}-${date}.json`),
    JSON.stringify(
      {
        label: LABEL,
        date: new Date().toISOString(),
        viewport: '1440x900',
        results: all
      },
      null,
      2
    )
  );
});
