/**
 * The parameters of a new job, one row each (from the notebooks' parameters cells, plus any
 * added): left at the default, fixed to a value, or swept over comma-separated values, each
 * field typed as its parameter and refused next to it when a value does not parse.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { ParameterType } from './dto';
import { FieldErrors } from './FieldErrors';
import type { IParameterRow, ParameterUse } from './jobForm';
import { parseValue, parseValueList, valueText } from './typedValues';

const TYPES: ParameterType[] = [
  'int',
  'float',
  'bool',
  'str',
  'list',
  'dict',
  'any'
];

/** Why the row's field does not parse, or null (checked as the user types). */
export function rowProblem(row: IParameterRow): string | null {
  if (row.use === 'default') {
    return null;
  }
  const parsed =
    row.use === 'sweep'
      ? parseValueList(row.text, row.type)
      : parseValue(row.text, row.type);
  return parsed.ok ? null : parsed.message;
}

function placeholder(row: IParameterRow, trans: TranslationBundle): string {
  if (row.use === 'sweep') {
    return trans.__(
      'values separated by commas, e.g. %1',
      row.type === 'int'
        ? '3, 5'
        : row.type === 'bool'
          ? 'true, false'
          : row.type === 'str'
            ? 'a, b'
            : '0.1, 1'
    );
  }
  return trans.__('a %1 value', row.type);
}

export function ParameterGridEditor(props: {
  rows: ReadonlyArray<IParameterRow>;
  serverErrors: Record<string, string[]>;
  onChange(rows: IParameterRow[]): void;
  trans: TranslationBundle;
}): JSX.Element {
  const { rows, trans } = props;
  const [added, setAdded] = React.useState('');
  const update = (index: number, change: Partial<IParameterRow>) => {
    props.onChange(
      rows.map((row, i) => (i === index ? { ...row, ...change } : row))
    );
  };
  const add = () => {
    const name = added.trim();
    if (!name) {
      return;
    }
    props.onChange([
      ...rows,
      {
        name,
        type: 'any',
        declared: false,
        use: 'fixed',
        text: '',
        defaultValue: null,
        help: '',
        steps: []
      }
    ]);
    setAdded('');
  };
  return (
    <fieldset className="jp-runnable-job-parameters">
      <legend>{trans.__('Parameters')}</legend>
      {rows.length === 0 && (
        <p className="jp-runnable-jobs-empty">
          {trans.__(
            "The notebooks declare no parameters (no cell tagged 'parameters')."
          )}
        </p>
      )}
      {rows.map((row, index) => {
        const problem = rowProblem(row);
        const server = props.serverErrors[`param:${row.name}`] ?? [];
        const id = `jp-runnable-job-param-${index}`;
        return (
          <div
            className="jp-runnable-job-parameter"
            key={`${row.name}-${index}`}
            data-parameter={row.name}
          >
            <label
              htmlFor={id}
              className="jp-runnable-job-parameter-name"
              title={
                row.steps.length
                  ? trans.__('used by %1', row.steps.join(', '))
                  : trans.__('set by the pipeline file')
              }
            >
              {row.name}
            </label>
            <select
              aria-label={trans.__('Type of %1', row.name)}
              value={row.type}
              disabled={row.declared && row.type !== 'any'}
              onChange={event =>
                update(index, {
                  type: event.currentTarget.value as ParameterType
                })
              }
            >
              {TYPES.map(type => (
                <option key={type} value={type}>
                  {type}
                </option>
              ))}
            </select>
            <select
              aria-label={trans.__('Use of %1', row.name)}
              value={row.use}
              onChange={event =>
                update(index, {
                  use: event.currentTarget.value as ParameterUse
                })
              }
            >
              {row.declared && (
                <option value="default">{trans.__('default')}</option>
              )}
              <option value="fixed">{trans.__('fixed')}</option>
              <option value="sweep">{trans.__('sweep')}</option>
            </select>
            <input
              id={id}
              className="jp-mod-styled"
              aria-label={trans.__('Values of %1', row.name)}
              aria-invalid={problem !== null || server.length > 0}
              disabled={row.use === 'default'}
              value={
                row.use === 'default' ? valueText(row.defaultValue) : row.text
              }
              placeholder={placeholder(row, trans)}
              onChange={event =>
                update(index, { text: event.currentTarget.value })
              }
            />
            {!row.declared && (
              <button
                className="jp-runnable-link-button"
                onClick={() =>
                  props.onChange(rows.filter((_, i) => i !== index))
                }
              >
                {trans.__('Remove')}
              </button>
            )}
            {row.help && <div className="jp-runnable-job-help">{row.help}</div>}
            <FieldErrors
              messages={[...(problem ? [problem] : []), ...server]}
            />
          </div>
        );
      })}
      <div className="jp-runnable-job-add-parameter">
        <input
          className="jp-mod-styled"
          aria-label={trans.__('New parameter name')}
          placeholder={trans.__('another parameter')}
          value={added}
          onChange={event => setAdded(event.currentTarget.value)}
        />
        <button
          className="jp-runnable-link-button"
          disabled={!added.trim()}
          onClick={add}
        >
          {trans.__('Add')}
        </button>
      </div>
    </fieldset>
  );
}
