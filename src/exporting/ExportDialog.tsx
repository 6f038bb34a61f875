/**
 * The body of the "Export Pipeline…" dialog: the format (a script that runs the pipeline with
 * papermill alone, or an Argo Workflow), and for Argo the image and the volume claim.
 */
import { Dialog, ReactWidget } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { DEFAULT_VOLUME_CLAIM, ExportFormat, IExportForm } from './exportForm';

interface IExportFieldsProps {
  initial: IExportForm;
  problems: Record<string, string>;
  onChange: (form: IExportForm) => void;
  trans: TranslationBundle;
}

/** A text field of the Argo options, and its problem under it while there is one. */
function TextRow(props: {
  name: string;
  label: string;
  value: string;
  placeholder: string;
  problem?: string;
  onChange: (value: string) => void;
}): JSX.Element {
  return (
    <>
      <label className="jp-runnable-export-field">
        <span>{props.label}</span>
        <input
          className="jp-mod-styled"
          name={props.name}
          value={props.value}
          placeholder={props.placeholder}
          onChange={event => props.onChange(event.target.value)}
        />
      </label>
      {props.problem && (
        <div className="jp-runnable-export-error" role="alert">
          {props.problem}
        </div>
      )}
    </>
  );
}

function ExportFields(props: IExportFieldsProps): JSX.Element {
  const { trans } = props;
  const [form, setForm] = React.useState<IExportForm>(props.initial);
  // A field's problem is shown until the field is changed (checked again on Export).
  const [problems, setProblems] = React.useState(props.problems);
  const change = (update: Partial<IExportForm>) => {
    const next = { ...form, ...update };
    setForm(next);
    setProblems(shown => {
      const kept = { ...shown };
      for (const field of Object.keys(update)) {
        delete kept[field];
      }
      return kept;
    });
    props.onChange(next);
  };
  const formats: { value: ExportFormat; label: string; help: string }[] = [
    {
      value: 'script',
      label: trans.__('Python script'),
      help: trans.__(
        'Runs the steps in dependency order with papermill alone, without runnable-jupyter'
      )
    },
    {
      value: 'argo',
      label: trans.__('Argo Workflow'),
      help: trans.__(
        'A Kubernetes workflow: each step runs runnable-jupyter exec-step in a container, all of them filling one run log on a shared volume'
      )
    }
  ];
  return (
    <div className="jp-runnable-export">
      <fieldset className="jp-runnable-export-formats">
        <legend>{trans.__('Export to')}</legend>
        {formats.map(option => (
          <label key={option.value} className="jp-runnable-export-format">
            <input
              type="radio"
              name="jp-runnable-export-format"
              value={option.value}
              checked={form.format === option.value}
              onChange={() => change({ format: option.value })}
            />
            <span>{option.label}</span>
            <span className="jp-runnable-export-help">{option.help}</span>
          </label>
        ))}
      </fieldset>
      {form.format === 'argo' && (
        <div className="jp-runnable-export-argo">
          <TextRow
            name="image"
            label={trans.__('Image')}
            value={form.image}
            placeholder="ghcr.io/team/notebooks:1.0"
            problem={problems.image}
            onChange={image => change({ image })}
          />
          <TextRow
            name="volumeClaim"
            label={trans.__('Volume claim')}
            value={form.volumeClaim}
            placeholder={DEFAULT_VOLUME_CLAIM}
            problem={problems.volumeClaim}
            onChange={volumeClaim => change({ volumeClaim })}
          />
          <div className="jp-runnable-export-help">
            {trans.__(
              'The PersistentVolumeClaim holding this workspace (ReadWriteMany), mounted at /workspace in every step.'
            )}
          </div>
        </div>
      )}
    </div>
  );
}

/** The dialog body; `getValue()` is the form as the user left it. */
export class ExportDialogBody
  extends ReactWidget
  implements Dialog.IBodyWidget<IExportForm>
{
  constructor(
    private form: IExportForm,
    private readonly problems: Record<string, string>,
    private readonly trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-runnable-export-dialog');
  }

  getValue(): IExportForm {
    return this.form;
  }

  render(): JSX.Element {
    return (
      <ExportFields
        initial={this.form}
        problems={this.problems}
        trans={this.trans}
        onChange={form => (this.form = form)}
      />
    );
  }
}
