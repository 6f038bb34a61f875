/**
 * What every open editor shares: the user settings (schema/editor.json) and the run status.
 */
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ISignal, Signal } from '@lumino/signaling';

import { IRunService } from '../tokens';
import { LayoutDirection } from './layoutGraph';

export class EditorSettings {
  get direction(): LayoutDirection {
    return this._direction;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Read the settings now and whenever the user changes them. */
  track(settings: ISettingRegistry.ISettings): void {
    const read = () => {
      const direction = settings.composite.layoutDirection;
      this._direction =
        direction === 'top-to-bottom' ? 'top-to-bottom' : 'left-to-right';
      this._changed.emit();
    };
    read();
    settings.changed.connect(read);
  }

  private _direction: LayoutDirection = 'left-to-right';
  private _changed = new Signal<this, void>(this);
}

/**
 * Where the editors get step states from. The run service is attached by a separate plugin
 * (`runnable-jupyter:editor-status`) because the runs plugin itself depends on the editor
 * tracker, and a plugin cannot depend on a service that depends on it.
 */
export class RunStatusSource {
  get service(): IRunService | null {
    return this._service;
  }

  set service(service: IRunService | null) {
    this._service = service;
    this._changed.emit();
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  private _service: IRunService | null = null;
  private _changed = new Signal<this, void>(this);
}
