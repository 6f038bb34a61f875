/**
 * The run panel's typed parameter form: one field per parameter the notebooks' `parameters`
 * cells declare (`GET parameters`), prefilled with the pipeline's or the step's value, parsed as
 * its type with the Jobs view's parsing (../jobs/typedValues). A field left as prefilled is not
 * sent (steps keep their own values); a changed one must parse. No JupyterLab imports:
 * unit-tested with jest.
 */
import type { IDeclaredParameter, ParameterType } from '../jobs/dto';
import { parseValue, valueText } from '../jobs/typedValues';

export interface IParameterField {
  name: string;
  type: ParameterType;
  /** The notebook's default as written in its parameters cell ('' when only the pipeline sets it). */
  defaultText: string;
  help: string;
  steps: ReadonlyArray<string>;
  /** What the field shows before it is edited: the pipeline's value, else the step's or notebook's. */
  initialText: string;
}

export type FormValues =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; problems: Record<string, string> };

/** The form's fields: the declared parameters, the pipeline's values (maybe unsaved) filled in. */
export function parameterFields(
  declared: ReadonlyArray<IDeclaredParameter>,
  pipelineParameters: Readonly<Record<string, unknown>>
): IParameterField[] {
  return declared.map(parameter => ({
    name: parameter.name,
    type: parameter.type,
    defaultText: parameter.default_text,
    help: parameter.help,
    steps: parameter.steps,
    initialText: valueText(
      parameter.name in pipelineParameters
        ? pipelineParameters[parameter.name]
        : parameter.default
    )
  }));
}

/** The field's text: what was typed, else its prefilled value. */
export function fieldText(
  field: IParameterField,
  texts: ReadonlyMap<string, string>
): string {
  return texts.get(field.name) ?? field.initialText;
}

/** Why the field's text does not parse as its type, or null (a field left as prefilled is fine). */
export function fieldProblem(
  field: IParameterField,
  texts: ReadonlyMap<string, string>
): string | null {
  const text = fieldText(field, texts);
  if (text === field.initialText) {
    return null;
  }
  const parsed = parseValue(text, field.type);
  return parsed.ok ? null : parsed.message;
}

/**
 * The run parameters the form gives: the pipeline's own (as the JSON view sends them) and each
 * changed field's value, or every field's problem when one does not parse.
 */
export function formValues(
  fields: ReadonlyArray<IParameterField>,
  texts: ReadonlyMap<string, string>,
  pipelineParameters: Readonly<Record<string, unknown>>
): FormValues {
  const value: Record<string, unknown> = { ...pipelineParameters };
  const problems: Record<string, string> = {};
  for (const field of fields) {
    const text = fieldText(field, texts);
    if (text === field.initialText) {
      continue;
    }
    const parsed = parseValue(text, field.type);
    if (parsed.ok) {
      value[field.name] = parsed.value;
    } else {
      problems[field.name] = parsed.message;
    }
  }
  return Object.keys(problems).length > 0
    ? { ok: false, problems }
    : { ok: true, value };
}

/**
 * The field texts that show a JSON view's parameters in the form: a declared parameter the
 * object sets shows its value; the others show their prefilled value.
 */
export function textsFromValues(
  fields: ReadonlyArray<IParameterField>,
  values: Readonly<Record<string, unknown>>
): Map<string, string> {
  const texts = new Map<string, string>();
  for (const field of fields) {
    if (field.name in values) {
      const text = valueText(values[field.name]);
      if (text !== field.initialText) {
        texts.set(field.name, text);
      }
    }
  }
  return texts;
}
