/**
 * The aria-live region of run status: screen readers hear the active pipeline's steps end
 * ("train_forest failed.") and its run end, whether or not the run panel shows (the region
 * belongs to the page, not the panel), at most one announcement a second however many steps
 * change. The region keeps the last few sentences about the active pipeline only: it empties when
 * another pipeline becomes active or the pipeline closes. The sentences come from
 * `statusAnnouncements.ts`.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { IDisposable } from '@lumino/disposable';

import { RunPanelModel } from './panelModel';
import {
  announcementText,
  emptyAnnouncement,
  gatherChanges,
  IPendingAnnouncement,
  IRunSnapshot,
  snapshot
} from './statusAnnouncements';

/** The shortest time between two announcements. */
const ANNOUNCE_EVERY_MS = 1000;
/** Announcements kept in the region (the newest is what is read). */
const KEPT = 4;

export class StatusAnnouncer implements IDisposable {
  /** The region, appended to `host` (the page's body unless told). */
  readonly node: HTMLElement;

  constructor(
    private readonly _model: RunPanelModel,
    private readonly _trans: TranslationBundle,
    host: HTMLElement = document.body
  ) {
    this.node = document.createElement('div');
    this.node.className = 'jp-runnable-run-announcer';
    this.node.setAttribute('role', 'log');
    this.node.setAttribute('aria-live', 'polite');
    this.node.setAttribute('aria-label', _trans.__('Run status announcements'));
    host.appendChild(this.node);
    _model.changed.connect(this._onChanged, this);
    this._onChanged();
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._model.changed.disconnect(this._onChanged, this);
    if (this._timer !== null) {
      window.clearTimeout(this._timer);
    }
    this.node.remove();
  }

  private _onChanged(): void {
    const path = this._model.pipelinePath;
    if (path !== this._path) {
      // The sentences kept were about another pipeline, or about one now closed.
      this._path = path;
      this._last = null;
      this._pending = emptyAnnouncement();
      if (this._timer !== null) {
        window.clearTimeout(this._timer);
        this._timer = null;
      }
      this.node.replaceChildren();
    }
    const service = this._model.service;
    const runId = path === null ? null : service.shownRunId(path);
    if (path === null || runId === null) {
      this._last = null;
      return;
    }
    const now = snapshot(
      runId,
      service.shownRun(path)?.status ?? null,
      service.stepStates(path)
    );
    gatherChanges(this._pending, this._last, now);
    this._last = now;
    const waiting = this._pending.ended.size > 0 || this._pending.runEnd;
    if (waiting && this._timer === null) {
      const wait = Math.max(
        0,
        this._lastAnnounced + ANNOUNCE_EVERY_MS - Date.now()
      );
      this._timer = window.setTimeout(() => this._flush(), wait);
    }
  }

  private _flush(): void {
    this._timer = null;
    const text = announcementText(this._pending, this._trans);
    this._pending = emptyAnnouncement();
    if (!text) {
      return;
    }
    this._lastAnnounced = Date.now();
    const message = document.createElement('p');
    message.textContent = text;
    this.node.appendChild(message);
    while (this.node.childElementCount > KEPT) {
      this.node.firstElementChild?.remove();
    }
  }

  private _isDisposed = false;
  private _path: string | null = null;
  private _last: IRunSnapshot | null = null;
  private _pending: IPendingAnnouncement = emptyAnnouncement();
  private _timer: number | null = null;
  private _lastAnnounced = 0;
}
