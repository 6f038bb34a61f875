/**
 * A step's output (stdout/stderr) as it happens: reads the log route from an offset, polling
 * while the step runs and stopping once the server says the log is complete.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { Poll } from '@lumino/polling';
import { Widget } from '@lumino/widgets';

import { IStepLogReply } from '../dto';

export class StepLogView extends Widget {
  constructor(options: StepLogView.IOptions) {
    super();
    this.addClass('jp-runnable-step-log');
    this.node.dataset.runId = options.runId;
    this.node.dataset.stepId = options.stepId;
    this._fetch = options.fetch;
    this._status = document.createElement('div');
    this._status.className = 'jp-runnable-step-log-status';
    this._status.textContent = options.trans.__('Following the output…');
    this._pre = document.createElement('pre');
    this._pre.className = 'jp-runnable-step-log-text';
    this.node.append(this._status, this._pre);
    this._trans = options.trans;
    this._didNotRun = options.didNotRun ?? null;
    this._poll = new Poll({
      factory: () => this._readMore(),
      frequency: { interval: 1000, backoff: true, max: 15 * 1000 },
      standby: 'when-hidden',
      name: `runnable-jupyter:log:${options.runId}:${options.stepId}`
    });
  }

  dispose(): void {
    this._poll.dispose();
    super.dispose();
  }

  private async _readMore(): Promise<void> {
    let reply: IStepLogReply;
    try {
      reply = await this._fetch(this._offset);
    } catch (error) {
      this._status.textContent = this._trans.__(
        'Could not read the log: %1',
        (error as Error).message
      );
      throw error; // the poll backs off
    }
    if (reply.text) {
      const atBottom =
        this.node.scrollHeight - this.node.scrollTop - this.node.clientHeight <
        20;
      this._pre.append(reply.text);
      if (atBottom) {
        this.node.scrollTop = this.node.scrollHeight;
      }
    }
    this._offset = reply.offset;
    if (reply.complete) {
      // A step that never ran has no output: say why instead of "finished".
      this._status.textContent =
        this._offset === 0 && this._didNotRun
          ? this._didNotRun
          : this._trans.__('The step has finished.');
      this.node.dataset.complete = 'true';
      this._poll.dispose();
    } else {
      this._status.textContent = this._trans.__('Following the output…');
    }
  }

  private _offset = 0;
  private readonly _didNotRun: string | null;
  private readonly _fetch: (offset: number) => Promise<IStepLogReply>;
  private readonly _poll: Poll;
  private readonly _pre: HTMLPreElement;
  private readonly _status: HTMLDivElement;
  private readonly _trans: TranslationBundle;
}

export namespace StepLogView {
  export interface IOptions {
    runId: string;
    stepId: string;
    fetch(offset: number): Promise<IStepLogReply>;
    trans: TranslationBundle;
    /** Why the step has no output, for a step that never ran (see `stepLogNotes`). */
    didNotRun?: string | null;
  }
}
