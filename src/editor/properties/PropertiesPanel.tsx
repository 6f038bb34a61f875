/**
 * The properties panel: edits the selected step (id, notebook, dependencies, parameters, kernel,
 * timeout, catalog globs), or the pipeline's settings when no step is selected. Each field
 * commits one edit to the model.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { caretLeftIcon, caretRightIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import {
  MAX_STEP_ID_LENGTH,
  renameStep,
  stepIdProblem,
  updateStep
} from '../graphOps';
import { PipelineEditorModel } from '../model';
import { IPipelineStep } from '../pipelineFormat';
import { DependsOnField } from './DependsOnField';
import { ParametersField, ParsedField, SelectField, TextField } from './fields';
import { PipelineForm } from './PipelineForm';
import {
  catalogWith,
  envText,
  parametersText,
  parseEnv,
  parseTimeout
} from './stepFields';

export interface IPropertiesPanelProps {
  model: PipelineEditorModel;
  trans: TranslationBundle;
  kernelNames: () => string[];
}

interface IStepFormProps extends IPropertiesPanelProps {
  step: IPipelineStep;
}

function StepForm(props: IStepFormProps): JSX.Element {
  const { model, trans, step } = props;
  const update = (patch: Partial<IPipelineStep>) =>
    model.apply(document => updateStep(document, step.id, patch));
  const kernels = props.kernelNames();
  if (step.kernel && !kernels.includes(step.kernel)) {
    kernels.push(step.kernel);
  }
  return (
    <form
      className="jp-runnable-step-form"
      onSubmit={event => event.preventDefault()}
    >
      <h3>{trans.__('Step %1', step.id)}</h3>
      <TextField
        name="id"
        label={trans.__('Id')}
        value={step.id}
        validate={text => {
          const problem =
            model.document && stepIdProblem(model.document, step.id, text);
          return problem === 'pattern'
            ? trans.__('Use only letters, digits, "_" and "-".')
            : problem === 'long'
              ? trans.__('Use at most %1 characters.', MAX_STEP_ID_LENGTH)
              : problem === 'taken'
                ? trans.__('Another step is already called "%1".', text)
                : null;
        }}
        commit={text => {
          model.apply(document => renameStep(document, step.id, text));
          model.setSelection([text]);
        }}
      />
      <TextField
        name="notebook"
        label={trans.__('Notebook (relative to the pipeline file)')}
        value={step.notebook}
        validate={text =>
          text.trim() ? null : trans.__('A step needs a notebook.')
        }
        commit={text => update({ notebook: text.trim() })}
      />
      <DependsOnField model={model} step={step} trans={trans} />
      <ParametersField
        name="parameters"
        label={trans.__('Parameters (JSON object)')}
        placeholder='{"n": 3}'
        value={parametersText(step.parameters)}
        commit={parameters => update({ parameters })}
        trans={trans}
      />
      <ParsedField
        name="env"
        label={trans.__(
          'Environment variables (NAME=value per line; NAME=${VAR} takes a secret from the server)'
        )}
        multiline
        placeholder="API_URL=https://example.org"
        value={envText(step.env)}
        parse={parseEnv}
        problem={failure =>
          trans.__(
            'Write NAME=value, NAME being letters, digits and _ (not starting with a digit): %1',
            failure.line
          )
        }
        commit={env => update({ env })}
      />
      <SelectField
        name="kernel"
        label={trans.__('Kernel')}
        value={step.kernel ?? ''}
        options={[
          { value: '', label: trans.__("The notebook's own kernel") },
          ...kernels.map(name => ({ value: name, label: name }))
        ]}
        commit={value => update({ kernel: value || undefined })}
      />
      <ParsedField
        name="timeout_s"
        label={trans.__('Timeout (seconds)')}
        inputType="number"
        placeholder={trans.__('none')}
        value={step.timeout_s === undefined ? '' : String(step.timeout_s)}
        parse={parseTimeout}
        problem={() => trans.__('Enter a number of seconds above 0.')}
        commit={value => update({ timeout_s: value })}
      />
      <TextField
        name="catalog_get"
        label={trans.__('Catalog get (comma or line separated)')}
        multiline
        value={(step.catalog?.get ?? []).join('\n')}
        commit={text => update({ catalog: catalogWith(step, 'get', text) })}
      />
      <TextField
        name="catalog_put"
        label={trans.__('Catalog put (comma or line separated)')}
        multiline
        value={(step.catalog?.put ?? []).join('\n')}
        commit={text => update({ catalog: catalogWith(step, 'put', text) })}
      />
    </form>
  );
}

/**
 * Open while steps are selected, folded to a strip with its toggle otherwise; the toggle shows or
 * hides it until the selection changes.
 */
export function PropertiesPanel(props: IPropertiesPanelProps): JSX.Element {
  const { model, trans } = props;
  const [selection, setSelection] = React.useState(model.selection);
  const [toggled, setToggled] = React.useState<boolean | null>(null);
  React.useEffect(() => {
    const onSelection = () => {
      setSelection(model.selection);
      setToggled(null);
    };
    model.selectionChanged.connect(onSelection);
    return () => void model.selectionChanged.disconnect(onSelection);
  }, [model]);
  const open = toggled ?? selection.length > 0;
  const toggle = (
    <button
      type="button"
      className="jp-runnable-properties-toggle"
      aria-expanded={open}
      aria-label={
        open ? trans.__('Hide properties') : trans.__('Show properties')
      }
      title={open ? trans.__('Hide properties') : trans.__('Show properties')}
      onClick={() => setToggled(!open)}
    >
      {open ? (
        <caretRightIcon.react tag="span" />
      ) : (
        <caretLeftIcon.react tag="span" />
      )}
    </button>
  );
  if (!open) {
    return (
      <div
        className="jp-runnable-properties jp-mod-collapsed"
        aria-label={trans.__('Step properties')}
      >
        {toggle}
      </div>
    );
  }
  const step =
    selection.length === 1
      ? model.document?.steps.find(s => s.id === selection[0])
      : undefined;
  return (
    <div
      className="jp-runnable-properties"
      aria-label={trans.__('Step properties')}
    >
      <div className="jp-runnable-properties-header">{toggle}</div>
      {step ? (
        <StepForm key={step.id} {...props} step={step} />
      ) : selection.length > 1 ? (
        <p className="jp-runnable-properties-hint">
          {trans.__('%1 steps selected.', selection.length)}
        </p>
      ) : model.document ? (
        <PipelineForm model={model} document={model.document} trans={trans} />
      ) : null}
    </div>
  );
}
