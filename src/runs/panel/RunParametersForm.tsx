/**
 * The run parameters: a typed field per parameter the notebooks declare (type, default, the
 * steps that use it; a value that does not parse is shown next to its field), and the JSON
 * object as the "Advanced" view.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { fieldText, IParameterField } from '../parameterForm';
import type {
  IDeclaredState,
  ParametersRefusal,
  ParametersView
} from '../runParameters';

export interface IRunParametersFormProps {
  view: ParametersView;
  declared: IDeclaredState;
  fields: ReadonlyArray<IParameterField>;
  texts: ReadonlyMap<string, string>;
  /** Problems of the fields as typed (shown at once). */
  fieldProblems: Record<string, string>;
  json: string;
  refusal: ParametersRefusal | null;
  onText(name: string, text: string): void;
  onJson(text: string): void;
  onView(view: ParametersView): void;
  trans: TranslationBundle;
}

function jsonProblemText(
  refusal: ParametersRefusal,
  trans: TranslationBundle
): string | null {
  if (refusal.view !== 'json') {
    return null;
  }
  return refusal.reason === 'syntax'
    ? trans.__('The parameters are not valid JSON: %1', refusal.detail)
    : trans.__('The parameters must be a JSON object, such as {"n": 3}.');
}

function ParameterRow(props: {
  field: IParameterField;
  text: string;
  problem: string | undefined;
  onText(text: string): void;
  trans: TranslationBundle;
}): JSX.Element {
  const { field, problem, trans } = props;
  const id = `jp-runnable-run-param-${field.name}`;
  const uses = field.steps.length
    ? trans.__('used by %1', field.steps.join(', '))
    : trans.__('set by the pipeline file');
  return (
    <div
      className={`jp-runnable-run-parameter${problem ? ' jp-mod-error' : ''}`}
      data-parameter={field.name}
    >
      <label htmlFor={id} className="jp-runnable-run-parameter-name">
        {field.name}
        <span className="jp-runnable-run-parameter-type">{field.type}</span>
      </label>
      <input
        id={id}
        className="jp-runnable-run-parameter-input"
        spellCheck={false}
        value={props.text}
        aria-invalid={problem ? true : undefined}
        aria-describedby={`${id}-about`}
        title={field.help || undefined}
        onChange={event => props.onText(event.target.value)}
      />
      <div id={`${id}-about`} className="jp-runnable-run-parameter-about">
        {field.defaultText && (
          <span className="jp-runnable-run-parameter-default">
            {trans.__('default %1', field.defaultText)}
          </span>
        )}
        <span className="jp-runnable-run-parameter-steps">{uses}</span>
      </div>
      {problem && (
        <div
          className="jp-runnable-run-error jp-runnable-run-parameter-error"
          role="alert"
        >
          {problem}
        </div>
      )}
    </div>
  );
}

export function RunParametersForm(props: IRunParametersFormProps): JSX.Element {
  const { view, fields, trans } = props;
  const refusal = props.refusal;
  const jsonProblem = refusal ? jsonProblemText(refusal, trans) : null;
  const problems =
    refusal?.view === 'form'
      ? { ...refusal.problems, ...props.fieldProblems }
      : props.fieldProblems;
  return (
    <div className="jp-runnable-run-parameters-body">
      {fields.length > 0 && (
        <div
          className="jp-runnable-run-parameters-views"
          role="group"
          aria-label={trans.__('Parameters view')}
        >
          <button
            className={`jp-runnable-link-button${view === 'form' ? ' jp-mod-active' : ''}`}
            aria-pressed={view === 'form'}
            data-view="form"
            onClick={() => props.onView('form')}
          >
            {trans.__('Form')}
          </button>
          <button
            className={`jp-runnable-link-button${view === 'json' ? ' jp-mod-active' : ''}`}
            aria-pressed={view === 'json'}
            data-view="json"
            onClick={() => props.onView('json')}
          >
            {trans.__('Advanced (JSON)')}
          </button>
        </div>
      )}
      {view === 'form' ? (
        <div className="jp-runnable-run-parameter-fields">
          {fields.map(field => (
            <ParameterRow
              key={field.name}
              field={field}
              text={fieldText(field, props.texts)}
              problem={problems[field.name]}
              onText={text => props.onText(field.name, text)}
              trans={trans}
            />
          ))}
        </div>
      ) : (
        <textarea
          className={`jp-runnable-run-parameters-input${jsonProblem ? ' jp-mod-error' : ''}`}
          aria-label={trans.__('Run parameters (JSON)')}
          spellCheck={false}
          rows={4}
          value={props.json}
          onChange={event => props.onJson(event.target.value)}
        />
      )}
      {view === 'json' && props.declared.error && (
        <div className="jp-runnable-run-parameters-note">
          {trans.__(
            "Could not read the notebooks' parameters: %1",
            props.declared.error
          )}
        </div>
      )}
      {(props.declared.reply?.problems ?? []).map(problem => (
        <div key={problem.step} className="jp-runnable-run-parameters-note">
          {problem.message}
        </div>
      ))}
      {jsonProblem && (
        <div
          className="jp-runnable-run-error jp-runnable-run-parameters-error"
          role="alert"
        >
          {jsonProblem}
        </div>
      )}
    </div>
  );
}
