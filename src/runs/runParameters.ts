/**
 * The run parameters typed for each pipeline: the typed form (fields from the notebooks'
 * parameters cells, fetched from `GET parameters`) or the "Advanced" JSON view, and which one
 * the next run takes. Switching view carries the values over.
 */
import { ISignal, Signal } from '@lumino/signaling';

import type { IParametersReply } from '../jobs/dto';
import { formatParameters, parseRunParameters } from './format';
import {
  fieldProblem,
  formValues,
  IParameterField,
  parameterFields,
  textsFromValues
} from './parameterForm';

export type ParametersView = 'form' | 'json';

/** Why the run parameters were refused: the JSON, or the form's fields (by name). */
export type ParametersRefusal =
  | { view: 'json'; reason: 'syntax' | 'not-object'; detail: string }
  | { view: 'form'; problems: Record<string, string> };

export type ParametersResult =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; refusal: ParametersRefusal };

/** What the panel shows of one pipeline's declared parameters. */
export interface IDeclaredState {
  loading: boolean;
  error: string | null;
  reply: IParametersReply | null;
}

interface IPipelineParameters {
  declared: IDeclaredState;
  view: ParametersView | null;
  texts: Map<string, string>;
  /** Values of the JSON view the form has no field for (kept when switching to the form). */
  extras: Record<string, unknown>;
  json: string | null;
}

export class RunParameters {
  constructor(
    private readonly _fetch: (pipeline: string) => Promise<IParametersReply>
  ) {}

  /** Emits whenever a pipeline's parameters (declared, typed, view) change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Ask the server which parameters the pipeline's notebooks declare (again). */
  async load(pipeline: string): Promise<void> {
    const state = this._state(pipeline);
    state.declared = { ...state.declared, loading: true };
    this._changed.emit();
    try {
      const reply = await this._fetch(pipeline);
      state.declared = { loading: false, error: null, reply };
    } catch (error) {
      state.declared = {
        loading: false,
        error: (error as Error).message ?? String(error),
        reply: state.declared.reply
      };
    }
    this._changed.emit();
  }

  declared(pipeline: string): IDeclaredState {
    return this._state(pipeline).declared;
  }

  fields(
    pipeline: string,
    pipelineParameters: Readonly<Record<string, unknown>>
  ): IParameterField[] {
    const reply = this._state(pipeline).declared.reply;
    return reply ? parameterFields(reply.parameters, pipelineParameters) : [];
  }

  /** The form while the notebooks declare parameters, else (or once chosen) the JSON view. */
  view(pipeline: string): ParametersView {
    const state = this._state(pipeline);
    // JSON typed before the declared parameters arrived stays the view.
    const declared = state.declared.reply?.parameters.length ?? 0;
    return (
      state.view ?? (declared > 0 && state.json === null ? 'form' : 'json')
    );
  }

  texts(pipeline: string): ReadonlyMap<string, string> {
    return this._state(pipeline).texts;
  }

  setText(pipeline: string, name: string, text: string): void {
    this._state(pipeline).texts.set(name, text);
    this._changed.emit();
  }

  /** The JSON view's text (prefilled with the pipeline's parameters). */
  json(
    pipeline: string,
    pipelineParameters: Readonly<Record<string, unknown>>
  ): string {
    return this._state(pipeline).json ?? formatParameters(pipelineParameters);
  }

  setJson(pipeline: string, text: string): void {
    this._state(pipeline).json = text;
    this._changed.emit();
  }

  /**
   * Show the other view with the same values. Returns the refusal, and stays, when the shown
   * view's values do not parse (they would be lost).
   */
  setView(
    pipeline: string,
    view: ParametersView,
    pipelineParameters: Readonly<Record<string, unknown>>
  ): ParametersRefusal | null {
    if (view === this.view(pipeline)) {
      return null;
    }
    const result = this.values(pipeline, pipelineParameters);
    if (!result.ok) {
      return result.refusal;
    }
    const state = this._state(pipeline);
    if (view === 'json') {
      state.json = formatParameters(result.value);
    } else {
      const fields = this.fields(pipeline, pipelineParameters);
      const names = new Set(fields.map(field => field.name));
      state.texts = textsFromValues(fields, result.value);
      state.extras = Object.fromEntries(
        Object.entries(result.value).filter(([name]) => !names.has(name))
      );
    }
    state.view = view;
    this._changed.emit();
    return null;
  }

  /** Problems of the form's fields as typed so far (shown next to each). */
  fieldProblems(
    pipeline: string,
    pipelineParameters: Readonly<Record<string, unknown>>
  ): Record<string, string> {
    const texts = this.texts(pipeline);
    const problems: Record<string, string> = {};
    for (const field of this.fields(pipeline, pipelineParameters)) {
      const problem = fieldProblem(field, texts);
      if (problem !== null) {
        problems[field.name] = problem;
      }
    }
    return problems;
  }

  /** The parameters the next run gets from the shown view, or why they are refused. */
  values(
    pipeline: string,
    pipelineParameters: Readonly<Record<string, unknown>>
  ): ParametersResult {
    if (this.view(pipeline) === 'json') {
      const parsed = parseRunParameters(
        this.json(pipeline, pipelineParameters)
      );
      return parsed.ok
        ? parsed
        : {
            ok: false,
            refusal: {
              view: 'json',
              reason: parsed.reason,
              detail: parsed.detail
            }
          };
    }
    const state = this._state(pipeline);
    const result = formValues(
      this.fields(pipeline, pipelineParameters),
      state.texts,
      { ...pipelineParameters, ...state.extras }
    );
    return result.ok
      ? result
      : { ok: false, refusal: { view: 'form', problems: result.problems } };
  }

  private _state(pipeline: string): IPipelineParameters {
    let state = this._pipelines.get(pipeline);
    if (!state) {
      state = {
        declared: { loading: false, error: null, reply: null },
        view: null,
        texts: new Map(),
        extras: {},
        json: null
      };
      this._pipelines.set(pipeline, state);
    }
    return state;
  }

  private readonly _pipelines = new Map<string, IPipelineParameters>();
  private readonly _changed = new Signal<this, void>(this);
}
