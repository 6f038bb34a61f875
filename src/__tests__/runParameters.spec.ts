/**
 * The run panel's typed parameter form: fields from the declared parameters, values parsed as
 * their type (a bad one refused by name), and the JSON view carrying the same values.
 */
import type { IDeclaredParameter, IParametersReply } from '../jobs/dto';
import {
  fieldProblem,
  formValues,
  parameterFields,
  textsFromValues
} from '../runs/parameterForm';
import { RunParameters } from '../runs/runParameters';

const DECLARED: IDeclaredParameter[] = [
  {
    name: 'n_estimators',
    type: 'int',
    default: 100,
    default_text: '100',
    help: 'trees',
    steps: ['train_forest']
  },
  {
    name: 'alpha',
    type: 'float',
    default: 0.5,
    default_text: '0.1',
    help: '',
    steps: ['train_logreg', 'train_forest']
  },
  {
    name: 'label',
    type: 'str',
    default: 'quality',
    default_text: '"quality"',
    help: '',
    steps: ['load']
  }
];

const PIPELINE = 'wine.pipeline.json';

describe('parameterFields', () => {
  it('prefills the pipeline value, else the declared one', () => {
    const fields = parameterFields(DECLARED, { alpha: 0.25 });
    expect(fields.map(field => [field.name, field.initialText])).toEqual([
      ['n_estimators', '100'],
      ['alpha', '0.25'],
      ['label', 'quality']
    ]);
    expect(fields[1]).toMatchObject({
      type: 'float',
      defaultText: '0.1',
      steps: ['train_logreg', 'train_forest']
    });
  });
});

describe('formValues', () => {
  const fields = parameterFields(DECLARED, {});

  it('sends the pipeline parameters and only the changed fields, typed', () => {
    const texts = new Map([
      ['n_estimators', '7'],
      ['alpha', '0.5'], // as prefilled: not sent
      ['label', 'colour']
    ]);
    expect(formValues(fields, texts, { seed: 1 })).toEqual({
      ok: true,
      value: { seed: 1, n_estimators: 7, label: 'colour' }
    });
  });

  it('refuses a value that does not parse as its type, by field', () => {
    const texts = new Map([
      ['n_estimators', 'many'],
      ['alpha', '1e-3']
    ]);
    expect(formValues(fields, texts, {})).toEqual({
      ok: false,
      problems: { n_estimators: "'many' is not a whole number" }
    });
    expect(fieldProblem(fields[0], texts)).toBe("'many' is not a whole number");
    expect(fieldProblem(fields[1], texts)).toBeNull();
    expect(fieldProblem(fields[0], new Map([['n_estimators', '']]))).toBe(
      'give a value'
    );
  });

  it('shows JSON values in the fields that differ from the prefilled ones', () => {
    expect([
      ...textsFromValues(fields, { n_estimators: 100, alpha: 2, other: 1 })
    ]).toEqual([['alpha', '2']]);
  });
});

describe('RunParameters', () => {
  const reply: IParametersReply = {
    pipeline: PIPELINE,
    parameters: DECLARED,
    problems: []
  };

  it('shows the form once the declared parameters arrive and refuses a bad field', async () => {
    const parameters = new RunParameters(() => Promise.resolve(reply));
    expect(parameters.view(PIPELINE)).toBe('json');
    await parameters.load(PIPELINE);
    expect(parameters.view(PIPELINE)).toBe('form');
    parameters.setText(PIPELINE, 'n_estimators', '3.5');
    expect(parameters.fieldProblems(PIPELINE, {})).toEqual({
      n_estimators: "'3.5' is not a whole number"
    });
    expect(parameters.values(PIPELINE, {})).toEqual({
      ok: false,
      refusal: {
        view: 'form',
        problems: { n_estimators: "'3.5' is not a whole number" }
      }
    });
    // The JSON view is not offered while the form's values would be lost.
    expect(parameters.setView(PIPELINE, 'json', {})).not.toBeNull();
    expect(parameters.view(PIPELINE)).toBe('form');
  });

  it('carries the values between the form and the JSON view', async () => {
    const parameters = new RunParameters(() => Promise.resolve(reply));
    await parameters.load(PIPELINE);
    parameters.setText(PIPELINE, 'n_estimators', '7');
    expect(parameters.setView(PIPELINE, 'json', { seed: 1 })).toBeNull();
    expect(JSON.parse(parameters.json(PIPELINE, { seed: 1 }))).toEqual({
      seed: 1,
      n_estimators: 7
    });
    parameters.setJson(PIPELINE, '{"seed": 1, "alpha": 3, "extra": true}');
    expect(parameters.setView(PIPELINE, 'form', { seed: 1 })).toBeNull();
    expect(parameters.texts(PIPELINE).get('alpha')).toBe('3');
    expect(parameters.values(PIPELINE, { seed: 1 })).toEqual({
      ok: true,
      value: { seed: 1, extra: true, alpha: 3 }
    });
  });

  it('keeps the JSON view when the server cannot say what is declared', async () => {
    const parameters = new RunParameters(() =>
      Promise.reject(new Error('no such pipeline'))
    );
    await parameters.load(PIPELINE);
    expect(parameters.declared(PIPELINE).error).toBe('no such pipeline');
    expect(parameters.view(PIPELINE)).toBe('json');
    parameters.setJson(PIPELINE, '{"n": ');
    const result = parameters.values(PIPELINE, {});
    expect(result.ok).toBe(false);
  });
});
