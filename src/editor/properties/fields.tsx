/**
 * Form fields that keep a draft while the user types and commit it on blur (or Enter for
 * one-line fields), so each change is one undoable edit of the file.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { parseParameters } from './stepFields';

/** One field of a form: its label, its input and, while the draft is refused, why. */
export function FieldRow(props: {
  label: string;
  error?: string | null;
  children: React.ReactNode;
}): JSX.Element {
  const { label, error, children } = props;
  return (
    <label className={`jp-runnable-field${error ? ' jp-mod-invalid' : ''}`}>
      <span>{label}</span>
      {children}
      {error && <div className="jp-runnable-field-error">{error}</div>}
    </label>
  );
}

export interface ITextFieldProps {
  label: string;
  value: string;
  /** An error message for the draft, or null when it can be committed. */
  validate?: (text: string) => string | null;
  commit: (text: string) => void;
  multiline?: boolean;
  placeholder?: string;
  inputType?: 'text' | 'number';
  name: string;
}

export function TextField(props: ITextFieldProps): JSX.Element {
  const { label, value, validate, commit, multiline, placeholder, name } =
    props;
  const [draft, setDraft] = React.useState(value);
  React.useEffect(() => setDraft(value), [value]);
  const error = validate ? validate(draft) : null;

  const onCommit = () => {
    if (draft !== value && !error) {
      commit(draft);
    }
  };
  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key === 'Escape') {
      setDraft(value);
    } else if (
      event.key === 'Enter' &&
      (!multiline || event.ctrlKey || event.metaKey)
    ) {
      event.preventDefault();
      onCommit();
    }
  };
  const common = {
    name,
    value: draft,
    placeholder,
    onBlur: onCommit,
    onKeyDown,
    'aria-invalid': error ? true : undefined
  };
  return (
    <FieldRow label={label} error={error}>
      {multiline ? (
        <textarea
          {...common}
          onChange={event => setDraft(event.target.value)}
        />
      ) : (
        <input
          {...common}
          type={props.inputType ?? 'text'}
          onChange={event => setDraft(event.target.value)}
        />
      )}
    </FieldRow>
  );
}

/** What a field's parser makes of a draft: `{ ok: true, value }`, or why it is refused. */
type ParseResult = { ok: true; value: unknown } | { ok: false };
type Failure<P> = Extract<P, { ok: false }>;
type Value<P> = Extract<P, { ok: true }> extends { value: infer V } ? V : never;

export interface IParsedFieldProps<P extends ParseResult> extends Omit<
  ITextFieldProps,
  'validate' | 'commit'
> {
  parse: (text: string) => P;
  /** The message shown while the draft does not parse. */
  problem: (failure: Failure<P>) => string;
  commit: (value: Value<P>) => void;
}

/** A text field whose draft is committed as the value `parse` makes of it. */
export function ParsedField<P extends ParseResult>(
  props: IParsedFieldProps<P>
): JSX.Element {
  const { parse, problem, commit, ...field } = props;
  return (
    <TextField
      {...field}
      validate={text => {
        const parsed = parse(text);
        return parsed.ok ? null : problem(parsed as Failure<P>);
      }}
      commit={text => {
        const parsed = parse(text);
        if (parsed.ok) {
          commit((parsed as Extract<P, { ok: true }>).value as Value<P>);
        }
      }}
    />
  );
}

/** The parameters of a step or of every step, as a JSON object (empty: none). */
export function ParametersField(props: {
  name: string;
  label: string;
  placeholder: string;
  value: string;
  commit: (parameters: Record<string, unknown> | undefined) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { trans, ...field } = props;
  return (
    <ParsedField
      {...field}
      multiline
      parse={parseParameters}
      problem={failure =>
        failure.reason === 'json'
          ? trans.__('Not valid JSON: %1', failure.detail)
          : trans.__('Parameters must be a JSON object, e.g. {"n": 3}.')
      }
    />
  );
}

export interface ISelectFieldProps {
  label: string;
  value: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  commit: (value: string) => void;
  name: string;
}

export function SelectField(props: ISelectFieldProps): JSX.Element {
  return (
    <FieldRow label={props.label}>
      <select
        name={props.name}
        value={props.value}
        onChange={event => props.commit(event.target.value)}
      >
        {props.options.map(option => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldRow>
  );
}
