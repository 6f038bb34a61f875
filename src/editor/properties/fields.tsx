/**
 * Form fields that keep a draft while the user types and commit it on blur (or Enter for
 * one-line fields), so each change is one undoable edit of the file.
 */
import * as React from 'react';

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
    <label className={`jp-runnable-field${error ? ' jp-mod-invalid' : ''}`}>
      <span>{label}</span>
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
      {error && <div className="jp-runnable-field-error">{error}</div>}
    </label>
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
    <label className="jp-runnable-field">
      <span>{props.label}</span>
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
    </label>
  );
}
