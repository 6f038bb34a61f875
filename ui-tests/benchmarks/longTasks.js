/**
 * The long tasks of a Chromium timeline trace (editor.bench.ts with BENCH_TRACE=PHASE) and what
 * each holds: the renderer main thread's tasks over 50 ms, with the time of the events directly
 * inside them by name (script, style, layout, paint, GC), longest first.
 *
 *   node benchmarks/longTasks.js ../benchmarks/results/editor-open-1000.trace.json
 */
const fs = require('fs');

const LONG_MS = 50;

function main(file) {
  if (!file) {
    throw new Error('usage: node benchmarks/longTasks.js TRACE.json');
  }
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const names = events.filter(
    e => e.ph === 'M' && e.name === 'thread_name' && e.args
  );
  const main = names.find(e => e.args.name === 'CrRendererMain');
  if (!main) {
    throw new Error(`${file}: no renderer main thread in the trace`);
  }
  const onMain = events
    .filter(
      e =>
        e.pid === main.pid &&
        e.tid === main.tid &&
        e.ph === 'X' &&
        typeof e.dur === 'number'
    )
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const tasks = onMain.filter(
    e => e.name === 'RunTask' && e.dur >= LONG_MS * 1000
  );
  const start = onMain.length ? onMain[0].ts : 0;
  for (const task of tasks) {
    const end = task.ts + task.dur;
    // Sum the outermost events inside the task; nested ones are in their parent's time.
    const byName = new Map();
    let coveredUntil = task.ts;
    for (const e of onMain) {
      if (e === task || e.ts < task.ts || e.ts >= end) {
        continue;
      }
      if (e.ts < coveredUntil) {
        continue;
      }
      coveredUntil = e.ts + e.dur;
      byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur);
    }
    const parts = [...byName.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([name, dur]) => `${name} ${(dur / 1000).toFixed(0)}`)
      .join(', ');
    console.log(
      `at ${((task.ts - start) / 1000).toFixed(0)} ms: ${(task.dur / 1000).toFixed(0)} ms (${parts})`
    );
  }
  if (tasks.length === 0) {
    console.log(`no task over ${LONG_MS} ms`);
  }
}

main(process.argv[2]);
