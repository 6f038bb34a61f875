/**
 * The run buttons (the run commands, so they share labels and enabled state with the palette)
 * and the run parameters.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import * as React from 'react';

import { CommandIDs } from '../commandIds';
import { IParametersProblem } from '../panelModel';

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

function problemText(
  problem: IParametersProblem,
  trans: TranslationBundle
): string {
  return problem.reason === 'syntax'
    ? trans.__('The parameters are not valid JSON: %1', problem.detail)
    : trans.__('The parameters must be a JSON object, such as {"n": 3}.');
}

export interface IRunControlsProps {
  commands: CommandRegistry;
  parametersText: string;
  parametersProblem: IParametersProblem | null;
  actionError: string | null;
  skipUnchanged: boolean;
  onParametersChange(text: string): void;
  onSkipUnchangedChange(value: boolean): void;
  trans: TranslationBundle;
}

export function RunControls(props: IRunControlsProps): JSX.Element {
  const { commands, trans } = props;
  const problem = props.parametersProblem;
  return (
    <div className="jp-runnable-run-controls">
      <div className="jp-runnable-run-buttons">
        {RUN_BUTTONS.map((id, index) => (
          <CommandButton
            key={id}
            commands={commands}
            id={id}
            primary={index === 0}
          />
        ))}
      </div>
      <div className="jp-runnable-run-buttons jp-mod-pair">
        {RUN_CONTROL_BUTTONS.map(id => (
          <CommandButton key={id} commands={commands} id={id} />
        ))}
      </div>
      <label
        className="jp-runnable-run-skip-unchanged"
        title={trans.__(
          'Steps whose notebook, parameters, kernel and catalog inputs did not change since they last succeeded reuse that result ("cached") instead of running again.'
        )}
      >
        <input
          type="checkbox"
          checked={props.skipUnchanged}
          onChange={event => props.onSkipUnchangedChange(event.target.checked)}
        />
        {trans.__('Skip unchanged steps')}
      </label>
      <details className="jp-runnable-run-parameters">
        <summary>{trans.__('Run parameters (JSON)')}</summary>
        <textarea
          className={`jp-runnable-run-parameters-input${problem ? ' jp-mod-error' : ''}`}
          aria-label={trans.__('Run parameters (JSON)')}
          spellCheck={false}
          rows={4}
          value={props.parametersText}
          onChange={event => props.onParametersChange(event.target.value)}
        />
      </details>
      {problem && (
        <div
          className="jp-runnable-run-error jp-runnable-run-parameters-error"
          role="alert"
        >
          {problemText(problem, trans)}
        </div>
      )}
      {props.actionError && (
        <div className="jp-runnable-run-error" role="alert">
          {props.actionError}
        </div>
      )}
    </div>
  );
}
