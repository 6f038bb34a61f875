/**
 * The run service with a fake REST client and a fake event stream: history, the shown run, live
 * step states from events, starting runs and pinning a run of the history.
 */
import { Signal } from '@lumino/signaling';

import type { IRunLog, IRunSummary, IStartRunRequest } from '../runs/dto';
import { RUN_STATUS_SCHEMA_ID } from '../runs/dto';
import type { RunsClient } from '../runs/client';
import { RunService } from '../runs/runService';
import { summaryFromRunLog } from '../runs/stepStates';

// The REST client's own modules are never reached: the service gets the fake client below.
jest.mock('@jupyterlab/services', () => ({ ServerConnection: {} }));
jest.mock('@jupyterlab/coreutils', () => ({ URLExt: {} }));

const PIPELINE = 'sub/etl.pipeline.json';

function runLog(
  runId: string,
  status: IRunLog['status'],
  stepStatus = 'succeeded'
): IRunLog {
  const step = (id: string, depends_on: string[]) => ({
    id,
    notebook: `${id}.ipynb`,
    status: stepStatus as IRunLog['steps'][string]['status'],
    parameters: {},
    depends_on,
    attempts: []
  });
  return {
    schema_version: 1,
    run_id: runId,
    pipeline: PIPELINE,
    pipeline_sha256: '',
    pipeline_structure: { a: [], b: ['a'] },
    selection: [],
    mode: 'all',
    parameters: {},
    status,
    start: '2026-12-01T10:00:00Z',
    end: null,
    attempts: [],
    catalog_dir: 'sub/etl.catalog',
    run_dir: `sub/etl.runs/${runId}`,
    steps: { a: step('a', []), b: step('b', ['a']) }
  };
}

/** A REST client over an in-memory set of run logs; records what it was asked. */
class FakeClient {
  logs = new Map<string, IRunLog>();
  started: IStartRunRequest[] = [];
  gets: string[] = [];
  failList = false;

  async list(pipeline: string): Promise<IRunSummary[]> {
    if (this.failList) {
      throw new Error('server down');
    }
    return [...this.logs.values()]
      .filter(log => log.pipeline === pipeline)
      .reverse()
      .map(summaryFromRunLog);
  }

  async get(runId: string): Promise<IRunLog> {
    this.gets.push(runId);
    const log = this.logs.get(runId);
    if (!log) {
      throw new Error(`no run ${runId}`);
    }
    return log;
  }

  async start(request: IStartRunRequest) {
    this.started.push(request);
    const run = runLog(`run-${this.started.length}`, 'pending', 'pending');
    this.logs.set(run.run_id, run);
    return { run_id: run.run_id, run };
  }

  async cancel(): Promise<void> {
    return;
  }

  async retry(runId: string) {
    return { run_id: runId, attempt: 2 };
  }
}

/** What `app.serviceManager.events` offers the service: a stream of emissions. */
class FakeEvents {
  readonly stream = new Signal<this, Record<string, unknown>>(this);

  emit(data: Record<string, unknown>): void {
    this.stream.emit({
      schema_id: RUN_STATUS_SCHEMA_ID,
      pipeline: PIPELINE,
      step_id: '',
      status: '',
      cell: 0,
      cells: 0,
      error_name: '',
      error_message: '',
      ...data
    });
  }
}

const settle = (ms = 0) => new Promise(resolve => setTimeout(resolve, ms));

describe('RunService', () => {
  let client: FakeClient;
  let events: FakeEvents;
  let service: RunService;

  beforeEach(() => {
    client = new FakeClient();
    events = new FakeEvents();
    service = new RunService({
      client: client as unknown as RunsClient,
      events: events as unknown as RunService.IOptions['events']
    });
  });

  afterEach(() => service.dispose());

  it('loads the history and shows the latest run with its step states', async () => {
    client.logs.set('r1', runLog('r1', 'failed', 'failed'));
    client.logs.set('r2', runLog('r2', 'succeeded'));
    await service.load(PIPELINE);
    expect(service.history(PIPELINE).map(s => s.run_id)).toEqual(['r2', 'r1']);
    expect(service.shownRunId(PIPELINE)).toBe('r2');
    expect(service.stepStates(PIPELINE).get('b')?.status).toBe('succeeded');
    expect(service.activeRunId(PIPELINE)).toBeNull();
  });

  it('says why the history could not be loaded', async () => {
    client.failList = true;
    await service.load(PIPELINE);
    expect(service.error(PIPELINE)).toBe('server down');
    expect(service.history(PIPELINE)).toEqual([]);
  });

  it('starts a run: sends the request, makes it active and puts it first', async () => {
    client.logs.set('r1', runLog('r1', 'succeeded'));
    await service.load(PIPELINE);
    const changes: string[] = [];
    service.changed.connect((_, path) => changes.push(path));

    const runId = await service.startRun(PIPELINE, ['b'], 'upstream', { n: 3 });

    expect(client.started).toEqual([
      expect.objectContaining({
        pipeline: PIPELINE,
        steps: ['b'],
        mode: 'upstream',
        parameters: { n: 3 }
      })
    ]);
    expect(service.activeRunId(PIPELINE)).toBe(runId);
    expect(service.shownRunId(PIPELINE)).toBe(runId);
    expect(service.history(PIPELINE)[0].run_id).toBe(runId);
    expect(changes).toContain(PIPELINE);
  });

  it('applies step events of the shown run at once, then refetches its log', async () => {
    client.logs.set('r1', runLog('r1', 'running', 'pending'));
    await service.load(PIPELINE);
    const fetched = client.gets.length;

    events.emit({
      run_id: 'r1',
      kind: 'step',
      step_id: 'a',
      status: 'running'
    });
    expect(service.stepStates(PIPELINE).get('a')?.status).toBe('running');
    events.emit({
      run_id: 'r1',
      kind: 'progress',
      step_id: 'a',
      status: 'running',
      cell: 2,
      cells: 5
    });
    expect(service.stepStates(PIPELINE).get('a')).toMatchObject({
      cell: 2,
      cells: 5
    });

    // Meanwhile the step ended on the server: the refetched run log is the truth.
    client.logs.get('r1')!.steps.a.status = 'succeeded';
    await settle(400); // the debounced refetch
    expect(client.gets.length).toBeGreaterThan(fetched);
    expect(service.stepStates(PIPELINE).get('a')?.status).toBe('succeeded');
  });

  it('follows a run started elsewhere, and clears it as active when it ends', async () => {
    client.logs.set('r1', runLog('r1', 'succeeded'));
    await service.load(PIPELINE);
    client.logs.set('r9', runLog('r9', 'running', 'pending'));

    events.emit({ run_id: 'r9', kind: 'run', status: 'running' });
    expect(service.activeRunId(PIPELINE)).toBe('r9');
    expect(service.shownRunId(PIPELINE)).toBe('r9');

    events.emit({ run_id: 'r9', kind: 'run', status: 'succeeded' });
    expect(service.activeRunId(PIPELINE)).toBeNull();
  });

  it('keeps a run the user picked in the history while other runs progress', async () => {
    client.logs.set('r1', runLog('r1', 'failed', 'failed'));
    client.logs.set('r2', runLog('r2', 'succeeded'));
    await service.load(PIPELINE);
    await service.showRun(PIPELINE, 'r1');
    expect(service.shownRunId(PIPELINE)).toBe('r1');

    client.logs.set('r3', runLog('r3', 'running', 'pending'));
    events.emit({
      run_id: 'r3',
      kind: 'step',
      step_id: 'a',
      status: 'running'
    });
    expect(service.shownRunId(PIPELINE)).toBe('r1');
    expect(service.stepStates(PIPELINE).get('a')?.status).toBe('failed');
    expect(service.activeRunId(PIPELINE)).toBeNull(); // only run events make a run active
  });

  it('ignores events of other pipelines and other schemas', async () => {
    client.logs.set('r1', runLog('r1', 'running', 'pending'));
    await service.load(PIPELINE);
    events.emit({
      pipeline: 'other.pipeline.json',
      run_id: 'x1',
      kind: 'step',
      step_id: 'a',
      status: 'failed'
    });
    events.stream.emit({
      schema_id: 'https://example.org/other',
      kind: 'step'
    });
    expect(service.stepStates(PIPELINE).get('a')?.status).toBe('pending');
  });
});
