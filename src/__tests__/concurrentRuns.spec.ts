/**
 * Several runs of one pipeline at once: the run panel follows the run started from this tab,
 * lists the others (another tab, the CLI) as running in its history, cancels the shown run
 * only, and is not held back by runs started elsewhere. The run service and the panel's model
 * with a fake REST client, a fake event stream and a fake editor.
 */
import { Signal } from '@lumino/signaling';

import type { IRunLog, IRunSummary, IStartRunRequest } from '../runs/dto';
import { RUN_STATUS_SCHEMA_ID } from '../runs/dto';
import type { RunsClient } from '../runs/client';
import { RunPanelModel } from '../runs/panelModel';
import { RunService } from '../runs/runService';
import {
  followAfterShowing,
  mergeHistory,
  switchesToEventRun,
  trackRunStatus
} from '../runs/runTracking';
import { summaryFromRunLog } from '../runs/stepStates';
import type { IPipelineEditorTracker, IRunFinished } from '../tokens';

jest.mock('@jupyterlab/services', () => ({ ServerConnection: {} }));
jest.mock('@jupyterlab/coreutils', () => ({ URLExt: {} }));

const PIPELINE = 'etl.pipeline.json';

function runLog(runId: string, status: IRunLog['status']): IRunLog {
  const stepStatus = status === 'running' ? 'running' : status;
  const step = (id: string) => ({
    id,
    notebook: `${id}.ipynb`,
    status: stepStatus as IRunLog['steps'][string]['status'],
    parameters: {},
    depends_on: [],
    attempts: []
  });
  return {
    schema_version: 1,
    run_id: runId,
    pipeline: PIPELINE,
    pipeline_sha256: '',
    pipeline_structure: { a: [] },
    selection: [],
    mode: 'all',
    parameters: {},
    status,
    start: '2026-12-03T10:00:00Z',
    end: null,
    attempts: [],
    catalog_dir: 'etl.catalog',
    run_dir: `etl.runs/${runId}`,
    steps: { a: step('a') }
  };
}

/** The server: run logs by id, newest last; records what it was asked. */
class FakeClient {
  logs = new Map<string, IRunLog>();
  cancelled: string[] = [];

  async list(pipeline: string): Promise<IRunSummary[]> {
    return [...this.logs.values()].reverse().map(summaryFromRunLog);
  }

  async get(runId: string): Promise<IRunLog> {
    const log = this.logs.get(runId);
    if (!log) {
      throw new Error(`no run ${runId}`);
    }
    return log;
  }

  async start(request: IStartRunRequest) {
    const run = runLog(`mine-${this.logs.size + 1}`, 'running');
    this.logs.set(run.run_id, run);
    return { run_id: run.run_id, run };
  }

  async cancel(runId: string): Promise<void> {
    this.cancelled.push(runId);
  }

  async retry(runId: string) {
    return { run_id: runId, attempt: 2 };
  }

  finish(runId: string, status: IRunLog['status'] = 'succeeded'): void {
    this.logs.set(runId, runLog(runId, status));
  }
}

class FakeEvents {
  readonly stream = new Signal<this, Record<string, unknown>>(this);

  emit(data: Record<string, unknown>): void {
    this.stream.emit({
      schema_id: RUN_STATUS_SCHEMA_ID,
      pipeline: PIPELINE,
      step_id: '',
      status: '',
      ...data
    });
  }

  run(runId: string, status: string): void {
    this.emit({ run_id: runId, kind: 'run', status });
  }

  progress(runId: string): void {
    this.emit({
      run_id: runId,
      kind: 'progress',
      step_id: 'a',
      status: 'running',
      cell: 1,
      cells: 3
    });
  }
}

/** An open pipeline editor with every step selected, as the tracker hands it to the model. */
function fakeTracker(): IPipelineEditorTracker {
  const editor = {
    pipelinePath: PIPELINE,
    steps: [{ id: 'a', notebook: 'a.ipynb' }],
    selection: ['a'],
    parameters: {},
    context: {
      model: { dirty: false },
      fileChanged: new Signal<unknown, unknown>({})
    },
    selectionChanged: new Signal<unknown, unknown>({}),
    stepsChanged: new Signal<unknown, unknown>({}),
    disposed: new Signal<unknown, unknown>({})
  };
  return {
    currentWidget: editor,
    currentChanged: new Signal<unknown, unknown>({})
  } as unknown as IPipelineEditorTracker;
}

const settle = (ms = 0) => new Promise(resolve => setTimeout(resolve, ms));

describe('the run panel with overlapping runs', () => {
  let client: FakeClient;
  let events: FakeEvents;
  let service: RunService;
  let model: RunPanelModel;
  let finished: IRunFinished[];

  beforeEach(async () => {
    client = new FakeClient();
    events = new FakeEvents();
    service = new RunService({
      client: client as unknown as RunsClient,
      events: events as unknown as RunService.IOptions['events']
    });
    finished = [];
    service.runFinished.connect((_, run) => finished.push(run));
    client.logs.set('old', runLog('old', 'succeeded'));
    model = new RunPanelModel(service, fakeTracker());
    await service.load(PIPELINE);
  });

  afterEach(() => {
    model.dispose();
    service.dispose();
  });

  it('follows the run started here while another tab starts one', async () => {
    const mine = (await model.run('all'))!;
    expect(model.shownRunId).toBe(mine);

    client.logs.set('theirs', runLog('theirs', 'running'));
    events.run('theirs', 'running');
    events.progress('theirs');
    expect(model.shownRunId).toBe(mine); // not yanked to the other run
    expect(service.runningRunIds(PIPELINE)).toEqual(['theirs', mine]);
    expect(model.otherRunningRunIds).toEqual(['theirs']);

    await settle(400); // the other run's history entry is fetched
    const history = service.history(PIPELINE);
    expect(history.map(run => [run.run_id, run.status])).toEqual([
      ['theirs', 'running'],
      [mine, 'running'],
      ['old', 'succeeded']
    ]);
    expect(model.shownRunId).toBe(mine);
  });

  it('keeps its own run active when the other run ends first, then ends it', async () => {
    const mine = (await model.run('all'))!;
    client.logs.set('theirs', runLog('theirs', 'running'));
    events.run('theirs', 'running');

    client.finish('theirs');
    events.run('theirs', 'succeeded');
    expect(model.activeRunId).toBe(mine);
    expect(model.canCancel()).toBe(true);
    expect(model.canRun('all')).toBe(false); // its own run still goes
    expect(finished.map(run => run.runId)).toEqual(['theirs']);

    client.finish(mine);
    events.run(mine, 'succeeded');
    expect(model.activeRunId).toBeNull();
    expect(model.canRun('all')).toBe(true);
    expect(finished.map(run => [run.runId, run.status])).toEqual([
      ['theirs', 'succeeded'],
      [mine, 'succeeded']
    ]);
  });

  it('stays on its finished run while another one makes progress', async () => {
    const mine = (await model.run('all'))!;
    client.finish(mine);
    events.run(mine, 'succeeded');
    await settle(400); // its log, refetched
    expect(service.stepStates(PIPELINE).get('a')?.status).toBe('succeeded');

    client.logs.set('theirs', runLog('theirs', 'running'));
    events.run('theirs', 'running');
    events.progress('theirs');
    expect(model.shownRunId).toBe(mine);
    expect(service.stepStates(PIPELINE).get('a')?.status).toBe('succeeded');
    // Another run in progress does not hold this tab back, nor can it be cancelled from here
    // by mistake: Cancel stops the shown run only.
    expect(model.canRun('all')).toBe(true);
    expect(model.canCancel()).toBe(false);
    await model.cancel();
    expect(client.cancelled).toEqual([]);
  });

  it('cancels the run it shows, not the other one', async () => {
    const mine = (await model.run('all'))!;
    client.logs.set('theirs', runLog('theirs', 'running'));
    events.run('theirs', 'running');
    await model.cancel();
    expect(client.cancelled).toEqual([mine]);
  });

  it('follows the latest run when nothing was started here, wherever it started', () => {
    client.logs.set('theirs', runLog('theirs', 'running'));
    events.run('theirs', 'running');
    expect(model.shownRunId).toBe('theirs');
    expect(model.activeRunId).toBe('theirs');
    expect(model.canRun('all')).toBe(true);
  });

  it('lists a run started from the CLI (no event reaches the server) as running', async () => {
    const mine = (await model.run('all'))!;
    client.logs.set('cli', runLog('cli', 'running'));
    await service.load(PIPELINE, true); // what the history poll does
    expect(service.history(PIPELINE).map(run => run.run_id)).toContain('cli');
    expect(service.runningRunIds(PIPELINE)).toContain('cli');
    expect(model.shownRunId).toBe(mine);

    // It ends: its refetched log says so, and it is announced once.
    client.finish('cli', 'failed');
    await service.load(PIPELINE, true);
    expect(service.runningRunIds(PIPELINE)).toEqual([mine]);
    // Not started from this tab: no "run finished" notification for it.
    expect(finished).toEqual([
      {
        pipelinePath: PIPELINE,
        runId: 'cli',
        status: 'failed',
        startedHere: false
      }
    ]);
  });

  it('shows a run picked in the history, and its own run again when picked', async () => {
    const mine = (await model.run('all'))!;
    await service.showRun(PIPELINE, 'old');
    client.logs.set('theirs', runLog('theirs', 'running'));
    events.run('theirs', 'running');
    expect(model.shownRunId).toBe('old');
    await service.showRun(PIPELINE, mine);
    events.progress('theirs');
    expect(model.shownRunId).toBe(mine);
  });
});

describe('runTracking', () => {
  it('switches to another run only when following the latest one', () => {
    expect(switchesToEventRun('latest', 'running')).toBe(true);
    expect(switchesToEventRun('latest', 'succeeded')).toBe(false);
    expect(switchesToEventRun('own', 'running')).toBe(false);
    expect(switchesToEventRun('pinned', 'running')).toBe(false);
  });

  it('follows its own runs, the latest, or a pinned one after the user shows a run', () => {
    const own = new Set(['r2']);
    expect(followAfterShowing('r2', own, 'r3')).toBe('own');
    expect(followAfterShowing('r3', own, 'r3')).toBe('latest');
    expect(followAfterShowing('r1', own, 'r3')).toBe('pinned');
  });

  it('keeps runs in progress that a listing does not have yet', () => {
    const summary = (run_id: string): IRunSummary => ({
      run_id,
      status: 'running',
      start: null,
      end: null,
      selection: [],
      mode: 'all',
      counts: {}
    });
    const merged = mergeHistory(
      [summary('new'), summary('gone'), summary('r1')],
      [summary('r1')],
      new Set(['new'])
    );
    expect(merged.map(run => run.run_id)).toEqual(['new', 'r1']);
  });

  it('lets a listing add unknown runs but not revive one an event ended', () => {
    const running = new Set<string>();
    const seen = new Set<string>();
    expect(trackRunStatus(running, seen, 'r1', 'running', false)).toBe(false);
    expect(running.has('r1')).toBe(true);
    expect(trackRunStatus(running, seen, 'r1', 'succeeded', true)).toBe(true);
    // A listing fetched before the end arrives late: r1 stays ended.
    trackRunStatus(running, seen, 'r1', 'running', false);
    expect(running.has('r1')).toBe(false);
    // A retry's event (authoritative) makes it run again.
    trackRunStatus(running, seen, 'r1', 'running', true);
    expect(running.has('r1')).toBe(true);
    expect(trackRunStatus(running, seen, 'r9', 'failed', false)).toBe(false);
  });
});
