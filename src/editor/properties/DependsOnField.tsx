/**
 * The step's dependencies as one checkbox per other step (keyboard: Tab and Space), so a
 * pipeline can be wired without drawing edges. A dependency that would close a cycle is refused
 * with the graph's message.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { connectionRefusal } from '../connectionRefusal';
import { removeElements } from '../graphOps';
import { PipelineEditorModel } from '../model';
import { IPipelineStep } from '../pipelineFormat';

export interface IDependsOnFieldProps {
  model: PipelineEditorModel;
  step: IPipelineStep;
  trans: TranslationBundle;
}

export function DependsOnField(props: IDependsOnFieldProps): JSX.Element {
  const { model, step, trans } = props;
  const [refusal, setRefusal] = React.useState<string | null>(null);
  const others = (model.document?.steps ?? []).filter(s => s.id !== step.id);
  const current = new Set(step.depends_on ?? []);

  const toggle = (other: string, checked: boolean) => {
    setRefusal(null);
    if (!checked) {
      model.apply(document =>
        removeElements(document, [], [{ source: other, target: step.id }])
      );
      return;
    }
    const result = model.connect(other, step.id);
    if (!result.ok) {
      setRefusal(connectionRefusal(result.reason, other, step.id, trans));
    }
  };

  return (
    <fieldset className="jp-runnable-field jp-runnable-depends-on">
      <legend>{trans.__('Depends on')}</legend>
      {others.length === 0 ? (
        <span className="jp-runnable-properties-hint">
          {trans.__('No other step yet.')}
        </span>
      ) : (
        <div className="jp-runnable-depends-on-list">
          {others.map(other => (
            <label key={other.id}>
              <input
                type="checkbox"
                name={`depends_on:${other.id}`}
                checked={current.has(other.id)}
                onChange={event => toggle(other.id, event.target.checked)}
              />
              {other.id}
            </label>
          ))}
        </div>
      )}
      {refusal && (
        <div className="jp-runnable-field-error" role="alert">
          {refusal}
        </div>
      )}
    </fieldset>
  );
}
