/**
 * The run buttons (the run commands, so they share labels and enabled state with the palette)
 * and the run parameters.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import * as React from 'react';

import { CommandIDs } from '../commandIds';
import { primaryAction } from '../primaryAction';
import {
  IRunParametersFormProps,
  RunParametersForm
} from './RunParametersForm';

const RUN_BUTTONS = [
  CommandIDs.runSelected,
  CommandIDs.runSelectedUpstream,
  CommandIDs.runSelectedDownstream,
  CommandIDs.runAll
];
const RUN_CONTROL_BUTTONS = [CommandIDs.cancelRun, CommandIDs.retryRun];

function CommandButton(props: {
  commands: CommandRegistry;
  id: string;
  primary?: boolean;
}): JSX.Element {
  const { commands, id } = props;
  const icon = commands.icon(id);
  return (
    <button
      className={`jp-runnable-run-button${props.primary ? ' jp-mod-accept' : ''}`}
      data-command={id}
      title={commands.caption(id)}
      disabled={!commands.isEnabled(id)}
      onClick={() => void commands.execute(id)}
    >
      {icon && (
        <LabIcon.resolveReact
          icon={icon}
          tag="span"
          className="jp-runnable-run-button-icon"
        />
      )}
      {commands.label(id)}
    </button>
  );
}

export interface IRunControlsProps {
  commands: CommandRegistry;
  parameters: IRunParametersFormProps;
  actionError: string | null;
  skipUnchanged: boolean;
  onSkipUnchangedChange(value: boolean): void;
  trans: TranslationBundle;
}

export function RunControls(props: IRunControlsProps): JSX.Element {
  const { commands, trans } = props;
  const refusal = props.parameters.refusal;
  // A refused start opens the parameters, so that the field at fault is seen.
  const [open, setOpen] = React.useState(false);
  React.useEffect(() => {
    if (refusal) {
      setOpen(true);
    }
  }, [refusal]);
  // The main action, styled primary: Cancel while the run goes on, else a run button.
  const main = primaryAction(id => commands.isEnabled(id));
  return (
    <>
      {/* The run and cancel buttons stay in view while the panel scrolls (sticky). */}
      <div className="jp-runnable-run-button-bar">
        <div className="jp-runnable-run-buttons">
          {RUN_BUTTONS.map(id => (
            <CommandButton
              key={id}
              commands={commands}
              id={id}
              primary={id === main}
            />
          ))}
        </div>
        <div className="jp-runnable-run-buttons jp-mod-pair">
          {RUN_CONTROL_BUTTONS.map(id => (
            <CommandButton
              key={id}
              commands={commands}
              id={id}
              primary={id === main}
            />
          ))}
        </div>
      </div>
      <div className="jp-runnable-run-controls">
        <label
          className="jp-runnable-run-skip-unchanged"
          title={trans.__(
            'Steps whose notebook, parameters, kernel and catalog inputs did not change since they last succeeded reuse that result ("cached") instead of running again.'
          )}
        >
          <input
            type="checkbox"
            checked={props.skipUnchanged}
            onChange={event =>
              props.onSkipUnchangedChange(event.target.checked)
            }
          />
          {trans.__('Skip unchanged steps')}
        </label>
        <details
          className="jp-runnable-run-parameters"
          open={open}
          onToggle={event => setOpen(event.currentTarget.open)}
        >
          <summary>{trans.__('Run parameters')}</summary>
          <RunParametersForm {...props.parameters} />
        </details>
        {refusal?.view === 'form' && (
          <div
            className="jp-runnable-run-error jp-runnable-run-parameters-refused"
            role="alert"
          >
            {trans._n(
              'The run did not start: parameter %2 does not parse as its type.',
              'The run did not start: %1 parameters do not parse as their types (%2).',
              Object.keys(refusal.problems).length,
              Object.keys(refusal.problems).join(', ')
            )}
          </div>
        )}
        {props.actionError && (
          <div className="jp-runnable-run-error" role="alert">
            {props.actionError}
          </div>
        )}
      </div>
    </>
  );
}
