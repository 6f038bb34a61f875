/**
 * Tokens and shared types that join the runnable-jupyter plugins.
 *
 * `runnable-jupyter:editor` provides IPipelineEditorTracker (the open pipeline editors, their
 * steps and graph selection); `runnable-jupyter:runs` provides IRunService (runs, live step
 * states from the server's events). Each side only depends on these interfaces.
 */
import { IWidgetTracker } from '@jupyterlab/apputils';
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { Token } from '@lumino/coreutils';
import { ISignal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import type { IRunLog } from './runs/dto';

/** Step statuses, as in the engine's run log (`runnable_jupyter/runlog.py`). */
export type StepStatus =
  | 'pending'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'upstream_failed'
  | 'cancelled'
  | 'cached'
  | 'mocked'
  | 'not_selected';

/** Run statuses, as in the engine's run log. */
export type RunStatus =
  'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

/** Which steps a run takes, given a selection (see the engine's planning). */
export type RunMode = 'only' | 'upstream' | 'downstream' | 'all';

/** The live state of one step in the run shown for a pipeline. */
export interface IStepState {
  status: StepStatus;
  /** ISO time the current/last attempt started. */
  start?: string | null;
  durationS?: number | null;
  /** "cell 3 of 12" while running. */
  cell?: number | null;
  cells?: number | null;
  error?: {
    name: string;
    message: string;
    cellIndex?: number | null;
    /** The failing cell's first lines, as the notebook holds them (newer run logs). */
    cellSource?: string | null;
    /** The whole traceback (with its ANSI colour escapes), when the step recorded one. */
    traceback?: string;
  } | null;
  /** Executed notebook, relative to the server root. */
  outputNotebook?: string | null;
  /** For a `cached` step: the earlier execution it reused (run id, that step's attempt). */
  cachedFrom?: { runId: string; attempt: number } | null;
}

/** Options of a new run (all optional: older callers pass none). */
export interface IStartRunOptions {
  /** Reuse the results of steps unchanged since an earlier run (they become `cached`). */
  skipUnchanged?: boolean;
}

/** A step as the editor knows it (from the pipeline file). */
export interface IStepInfo {
  id: string;
  notebook: string;
}

/** An open pipeline editor, as other plugins see it. */
export interface IPipelineEditor extends Widget {
  readonly context: DocumentRegistry.IContext<DocumentRegistry.IModel>;
  /** Path of the pipeline file, relative to the server root. */
  readonly pipelinePath: string;
  /** The steps, in file order. */
  readonly steps: ReadonlyArray<IStepInfo>;
  /** Parameters at pipeline level (to prefill run parameters). */
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly stepsChanged: ISignal<IPipelineEditor, void>;
  /** Selected step ids (graph selection: click, shift-click, box). */
  readonly selection: ReadonlyArray<string>;
  readonly selectionChanged: ISignal<IPipelineEditor, ReadonlyArray<string>>;
  setSelection(ids: ReadonlyArray<string>): void;
  /** Add notebooks (paths relative to the server root) as steps; returns ids added. */
  addNotebooks(paths: ReadonlyArray<string>): Promise<string[]>;
}

export interface IPipelineEditorTracker extends IWidgetTracker<IPipelineEditor> {}

export const IPipelineEditorTracker = new Token<IPipelineEditorTracker>(
  'runnable-jupyter:IPipelineEditorTracker',
  'The open pipeline editors.'
);

/** A run that ended, as `IRunService.runFinished` announces it. */
export interface IRunFinished {
  pipelinePath: string;
  runId: string;
  status: RunStatus;
  /** Whether it was started (or retried) from this tab. */
  startedHere?: boolean;
}

/** Runs of pipelines and the live state of their steps. */
export interface IRunService {
  /**
   * Step states of the run shown for this pipeline: the run started from this tab, else the
   * latest, or the one picked in history.
   */
  stepStates(pipelinePath: string): ReadonlyMap<string, IStepState>;
  /** The shown run's log (each step attempt's catalog reads and writes); null until fetched. */
  shownRun(pipelinePath: string): IRunLog | null;
  /** Emits the pipeline path whose shown run or runs changed. */
  readonly changed: ISignal<IRunService, string>;
  /** Emits each run seen in progress once it ended (succeeded, failed, cancelled...). */
  readonly runFinished: ISignal<IRunService, IRunFinished>;
  /** The shown run while it is in progress, if it is. */
  activeRunId(pipelinePath: string): string | null;
  /** Every run of the pipeline in progress (this tab, other tabs, the CLI), newest first. */
  runningRunIds(pipelinePath: string): ReadonlyArray<string>;
  startRun(
    pipelinePath: string,
    steps: ReadonlyArray<string>,
    mode: RunMode,
    parameters?: Record<string, unknown>,
    options?: IStartRunOptions
  ): Promise<string>;
  cancelRun(runId: string): Promise<void>;
  retryRun(runId: string): Promise<void>;
  /** Show this run of the pipeline on the run panel and graph (as picking it in the history). */
  showRun(pipelinePath: string, runId: string): Promise<void>;
}

export const IRunService = new Token<IRunService>(
  'runnable-jupyter:IRunService',
  'Runs of pipelines and live step states.'
);
