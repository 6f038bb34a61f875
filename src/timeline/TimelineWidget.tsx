/**
 * The timeline of the run a pipeline's run panel shows (`IRunService.shownRun`): it follows that
 * run as it goes on (events refetch the log; running bars grow once a second) and switches when
 * another run is picked. A click on a step selects it in the pipeline's open editor.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { IPipelineEditorTracker, IRunService } from '../tokens';
import { RunTimeline } from './RunTimeline';
import { isLive } from './timelineModel';

const TICK_MS = 1000;

export class TimelineWidget extends ReactWidget {
  constructor(
    readonly pipelinePath: string,
    private readonly _runs: IRunService,
    private readonly _editors: IPipelineEditorTracker | null,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-runnable-timeline-widget');
    this._runs.changed.connect(this._onRunsChanged, this);
    this._editors?.widgetAdded.connect(this._watchEditors, this);
    this._watchEditors();
    this._syncTicking();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    window.clearInterval(this._ticker);
    this._runs.changed.disconnect(this._onRunsChanged, this);
    super.dispose();
  }

  protected render(): JSX.Element {
    const log = this._runs.shownRun(this.pipelinePath);
    if (!log) {
      return (
        <div className="jp-runnable-timeline-empty">
          {this._trans.__(
            'No run to show yet: start one from the run panel, or pick one in its history.'
          )}
        </div>
      );
    }
    return (
      <RunTimeline
        log={log}
        now={new Date()}
        selected={this._editor()?.selection ?? []}
        onSelect={id => this._select(id)}
        trans={this._trans}
      />
    );
  }

  private _editor() {
    return (
      this._editors?.find(e => e.pipelinePath === this.pipelinePath) ?? null
    );
  }

  private _select(stepId: string): void {
    const editor = this._editor();
    if (editor) {
      editor.setSelection([stepId]);
    }
    this.update();
  }

  private _watchEditors(): void {
    const editor = this._editor();
    if (editor && editor !== this._watched) {
      this._watched?.selectionChanged.disconnect(this._onSelection, this);
      editor.selectionChanged.connect(this._onSelection, this);
      this._watched = editor;
    }
  }

  private _onSelection(): void {
    this.update();
  }

  private _onRunsChanged(_: IRunService, path: string): void {
    if (path === this.pipelinePath) {
      this._syncTicking();
      this.update();
    }
  }

  /** Redraw once a second while the run goes on (its running bars end "now"). */
  private _syncTicking(): void {
    const log = this._runs.shownRun(this.pipelinePath);
    const live = log !== null && isLive(log);
    if (live && !this._ticker) {
      this._ticker = window.setInterval(() => this.update(), TICK_MS);
    } else if (!live && this._ticker) {
      window.clearInterval(this._ticker);
      this._ticker = 0;
    }
  }

  private _ticker = 0;
  private _watched: ReturnType<TimelineWidget['_editor']> = null;
}
