/**
 * The New Job dialog: name, steps and mode (as runs have), the parameters (default, fixed or
 * swept, typed from the notebooks' parameters cells) with the number of runs the grid makes,
 * and an optional schedule. Values that do not parse are refused next to their field before
 * anything is sent; the server's located refusals are shown next to the fields they name.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { ApiError } from '../api';
import type { RunMode } from '../tokens';
import type { JobsClient } from './client';
import type { IJob } from './dto';
import { FieldErrors } from './FieldErrors';
import { fieldErrors } from './formErrors';
import { buildRequest, emptyForm, formRuns, IJobForm } from './jobForm';
import { ParameterGridEditor } from './ParameterGridEditor';
import { ScheduleFields } from './ScheduleFields';
import { browserTimeZone } from './scheduleText';
import type { JobsModel } from './jobsModel';

export interface INewJobDialogProps {
  model: JobsModel;
  client: JobsClient;
  /** The pipeline's step ids (read from its file). */
  loadSteps(): Promise<string[]>;
  onClose(created: IJob | null): void;
  trans: TranslationBundle;
}

export function NewJobDialog(props: INewJobDialogProps): JSX.Element {
  const { model, trans } = props;
  const [form, setForm] = React.useState<IJobForm | null>(null);
  const [steps, setSteps] = React.useState<string[]>([]);
  const [loadError, setLoadError] = React.useState<string | null>(null);
  const [errors, setErrors] = React.useState<Record<string, string[]>>({});
  const [sending, setSending] = React.useState(false);

  React.useEffect(() => {
    let current = true;
    Promise.all([
      props.client.parameters(model.pipelinePath),
      props.loadSteps()
    ])
      .then(([declared, stepIds]) => {
        if (current) {
          setForm(emptyForm(declared.parameters, browserTimeZone()));
          setSteps(stepIds);
          const problems = declared.problems.map(
            p => `${p.step}: ${p.message}`
          );
          setLoadError(problems.length ? problems.join('\n') : null);
        }
      })
      .catch(reason => {
        if (current) {
          setForm(emptyForm([], browserTimeZone()));
          setLoadError(
            trans.__(
              'Could not read the parameters cells: %1',
              (reason as Error).message
            )
          );
        }
      });
    return () => {
      current = false;
    };
  }, [model.pipelinePath]);

  const change = (update: Partial<IJobForm>) => {
    setForm(previous => (previous ? { ...previous, ...update } : previous));
  };

  const submit = async () => {
    if (!form) {
      return;
    }
    const built = buildRequest(model.pipelinePath, form);
    setErrors(built.errors);
    if (!built.request) {
      return;
    }
    setSending(true);
    try {
      props.onClose(await model.create(built.request));
    } catch (reason) {
      const error = reason as ApiError;
      setErrors(
        fieldErrors(error.body?.code, error.message, error.body?.details)
      );
    } finally {
      setSending(false);
    }
  };

  const runs = form ? formRuns(form) : 1;
  return (
    <div className="jp-runnable-job-dialog-backdrop">
      <div
        className="jp-runnable-job-dialog"
        role="dialog"
        aria-modal="true"
        aria-label={trans.__('New Job')}
        onKeyDown={event => event.key === 'Escape' && props.onClose(null)}
      >
        <h2>{trans.__('New Job')}</h2>
        {!form ? (
          <p>{trans.__('Reading the notebooks’ parameters…')}</p>
        ) : (
          <div className="jp-runnable-job-dialog-body">
            {loadError && (
              <div className="jp-runnable-job-load-problem">{loadError}</div>
            )}
            <FieldErrors messages={errors.form} />
            <label className="jp-runnable-job-field">
              <span>{trans.__('Name')}</span>
              <input
                className="jp-mod-styled"
                name="name"
                autoFocus
                value={form.name}
                placeholder="alpha_sweep"
                onChange={event => change({ name: event.currentTarget.value })}
              />
            </label>
            <FieldErrors messages={errors.name} />
            <fieldset className="jp-runnable-job-steps">
              <legend>{trans.__('Steps (none checked: all of them)')}</legend>
              {steps.map(step => (
                <label key={step}>
                  <input
                    type="checkbox"
                    checked={form.steps.includes(step)}
                    onChange={event =>
                      change(
                        event.currentTarget.checked
                          ? {
                              steps: [...form.steps, step],
                              mode: form.mode === 'all' ? 'only' : form.mode
                            }
                          : { steps: form.steps.filter(s => s !== step) }
                      )
                    }
                  />
                  {step}
                </label>
              ))}
              <select
                name="mode"
                aria-label={trans.__('Mode')}
                value={form.mode}
                disabled={form.steps.length === 0}
                onChange={event =>
                  change({ mode: event.currentTarget.value as RunMode })
                }
              >
                <option value="only">{trans.__('only these steps')}</option>
                <option value="upstream">
                  {trans.__('with their upstream')}
                </option>
                <option value="downstream">
                  {trans.__('with their downstream')}
                </option>
                <option value="all">{trans.__('all steps')}</option>
              </select>
              <FieldErrors
                messages={[...(errors.steps ?? []), ...(errors.mode ?? [])]}
              />
            </fieldset>
            <ParameterGridEditor
              rows={form.parameters}
              serverErrors={errors}
              onChange={parameters => change({ parameters })}
              trans={trans}
            />
            <FieldErrors messages={errors.grid} />
            <div className="jp-runnable-job-grid-size" data-runs={runs}>
              {trans._n(
                'Each run of this job starts %1 run.',
                'Each run of this job starts %1 runs.',
                runs
              )}
            </div>
            <ScheduleFields
              client={props.client}
              value={form}
              serverErrors={errors}
              onChange={change}
              trans={trans}
            />
          </div>
        )}
        <div className="jp-runnable-job-dialog-buttons">
          <button
            className="jp-Dialog-button jp-mod-reject jp-mod-styled"
            onClick={() => props.onClose(null)}
          >
            {trans.__('Cancel')}
          </button>
          <button
            className="jp-Dialog-button jp-mod-accept jp-mod-styled"
            disabled={!form || sending}
            onClick={() => void submit()}
          >
            {trans.__('Create Job')}
          </button>
        </div>
      </div>
    </div>
  );
}
