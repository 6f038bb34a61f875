/**
 * What a catalog view shows for one pipeline: its entries (from `GET catalog`), the selected
 * entry and version, and that version's preview (`GET catalog/preview`). Refreshed when a run
 * of the pipeline ends; selecting an entry follows its current version across refreshes,
 * selecting a version keeps that version.
 */
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { normalizePath } from '../runs/stepStates';
import type { IRunFinished, IRunService } from '../tokens';
import type { ICatalogEntry, ICatalogPreview, ICatalogVersion } from './dto';

/** The part of CatalogClient the model uses (a fake in tests). */
export interface ICatalogSource {
  list(pipeline: string): Promise<{ entries: ICatalogEntry[] }>;
  preview(
    pipeline: string,
    name: string,
    sha256?: string | null
  ): Promise<ICatalogPreview>;
}

/** The version an entry shows by default: its current one, else its newest. */
export function defaultVersion(entry: ICatalogEntry): ICatalogVersion | null {
  return (
    entry.versions.find(version => version.sha256 === entry.current) ??
    entry.versions[entry.versions.length - 1] ??
    null
  );
}

export class CatalogModel implements IDisposable {
  constructor(
    readonly pipelinePath: string,
    private readonly _source: ICatalogSource,
    private readonly _runs: IRunService | null = null
  ) {
    this._runs?.runFinished.connect(this._onRunFinished, this);
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  get entries(): ReadonlyArray<ICatalogEntry> {
    return this._entries;
  }

  /** Whether the entries were fetched at least once. */
  get loaded(): boolean {
    return this._loaded;
  }

  get loading(): boolean {
    return this._loading;
  }

  get error(): string | null {
    return this._error;
  }

  get selectedEntry(): ICatalogEntry | null {
    return this._entries.find(entry => entry.name === this._name) ?? null;
  }

  /** The version previewed: the one picked, else the entry's default. */
  get selectedVersion(): ICatalogVersion | null {
    const entry = this.selectedEntry;
    if (!entry) {
      return null;
    }
    const picked = entry.versions.find(v => v.sha256 === this._sha256);
    return picked ?? defaultVersion(entry);
  }

  get preview(): ICatalogPreview | null {
    return this._preview;
  }

  get previewLoading(): boolean {
    return this._previewLoading;
  }

  get previewError(): string | null {
    return this._previewError;
  }

  /** Fetch the entries again (and the preview, if the previewed version changed). */
  async refresh(): Promise<void> {
    const request = ++this._listRequest;
    this._loading = true;
    this._changed.emit();
    try {
      const reply = await this._source.list(this.pipelinePath);
      if (request !== this._listRequest || this._isDisposed) {
        return;
      }
      this._entries = reply.entries;
      this._error = null;
    } catch (error) {
      if (request !== this._listRequest || this._isDisposed) {
        return;
      }
      this._error = (error as Error).message ?? String(error);
    }
    this._loaded = true;
    this._loading = false;
    this._changed.emit();
    await this._loadPreview();
  }

  /** Show an entry (its current version, also after refreshes). */
  select(name: string): Promise<void> {
    this._name = name;
    this._sha256 = null;
    this._changed.emit();
    return this._loadPreview();
  }

  /** Show one version of the selected entry. */
  selectVersion(sha256: string): Promise<void> {
    this._sha256 = sha256;
    this._changed.emit();
    return this._loadPreview();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._runs?.runFinished.disconnect(this._onRunFinished, this);
    Signal.clearData(this);
  }

  private _onRunFinished(_: IRunService, run: IRunFinished): void {
    if (normalizePath(run.pipelinePath) === normalizePath(this.pipelinePath)) {
      void this.refresh();
    }
  }

  /** Fetch the preview of the selected version, unless it is the one shown. */
  private async _loadPreview(): Promise<void> {
    const entry = this.selectedEntry;
    const version = this.selectedVersion;
    if (!entry || !version) {
      this._preview = null;
      this._previewError = null;
      this._changed.emit();
      return;
    }
    const shown = this._preview;
    if (shown?.name === entry.name && shown.sha256 === version.sha256) {
      return;
    }
    const request = ++this._previewRequest;
    this._previewLoading = true;
    this._changed.emit();
    try {
      const preview = await this._source.preview(
        this.pipelinePath,
        entry.name,
        version.sha256
      );
      if (request === this._previewRequest && !this._isDisposed) {
        this._preview = preview;
        this._previewError = null;
      }
    } catch (error) {
      if (request === this._previewRequest && !this._isDisposed) {
        this._preview = null;
        this._previewError = (error as Error).message ?? String(error);
      }
    }
    if (request === this._previewRequest && !this._isDisposed) {
      this._previewLoading = false;
      this._changed.emit();
    }
  }

  private _entries: ICatalogEntry[] = [];
  private _loaded = false;
  private _loading = false;
  private _error: string | null = null;
  private _name: string | null = null;
  private _sha256: string | null = null;
  private _preview: ICatalogPreview | null = null;
  private _previewLoading = false;
  private _previewError: string | null = null;
  private _listRequest = 0;
  private _previewRequest = 0;
  private readonly _changed = new Signal<this, void>(this);
  private _isDisposed = false;
}
