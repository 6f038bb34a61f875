/**
 * The step's dependencies as one checkbox per other step (keyboard: Tab and Space), so a
 * pipeline can be wired without drawing edges; in a large pipeline, checkboxes for the current
 * dependencies and a field to add one by name. A dependency that would close a cycle is refused
 * with the graph's message.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { connectionRefusal } from '../connectionRefusal';
import { removeElements } from '../graphOps';
import { PipelineEditorModel } from '../model';
import { IPipelineStep } from '../pipelineFormat';

/** Beyond this many other steps a checkbox each is too long a list to use (or draw). */
const MAX_CHECKBOXES = 60;

export interface IDependsOnFieldProps {
  model: PipelineEditorModel;
  step: IPipelineStep;
  trans: TranslationBundle;
}

export function DependsOnField(props: IDependsOnFieldProps): JSX.Element {
  const { model, step, trans } = props;
  const [refusal, setRefusal] = React.useState<string | null>(null);
  const [adding, setAdding] = React.useState('');
  const others = (model.document?.steps ?? []).filter(s => s.id !== step.id);
  const current = new Set(step.depends_on ?? []);
  const many = others.length > MAX_CHECKBOXES;
  const listed = many ? others.filter(other => current.has(other.id)) : others;
  const listId = `jp-runnable-depends-${React.useId().replace(/:/g, '')}`;

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
          {listed.map(other => (
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
      {many && (
        <>
          <input
            type="text"
            name="depends_on_add"
            list={listId}
            value={adding}
            placeholder={trans.__('Add a dependency by name…')}
            aria-label={trans.__('Add a dependency by name')}
            onChange={event => setAdding(event.target.value)}
            onKeyDown={event => {
              if (event.key === 'Enter') {
                event.preventDefault();
                const name = adding.trim();
                if (others.some(other => other.id === name)) {
                  toggle(name, true);
                  setAdding('');
                } else if (name) {
                  setRefusal(trans.__('No step is called "%1".', name));
                }
              }
            }}
          />
          <datalist id={listId}>
            {others.map(other => (
              <option key={other.id} value={other.id} />
            ))}
          </datalist>
        </>
      )}
      {refusal && (
        <div className="jp-runnable-field-error" role="alert">
          {refusal}
        </div>
      )}
    </fieldset>
  );
}
