/**
 * The pipeline's own settings, shown when no step is selected: name, description, parameters,
 * `settings.max_parallel` and `settings.skip_tags`. Each field commits one edit to the model.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { PipelineEditorModel } from '../model';
import { IPipelineDocument } from '../pipelineFormat';
import { TextField } from './fields';
import {
  DEFAULT_SKIP_TAGS,
  parseMaxParallel,
  parseSkipTags,
  skipTagsText,
  withSetting,
  withText
} from './pipelineFields';
import { parametersText, parseParameters } from './stepFields';

export interface IPipelineFormProps {
  model: PipelineEditorModel;
  document: IPipelineDocument;
  trans: TranslationBundle;
}

export function PipelineForm(props: IPipelineFormProps): JSX.Element {
  const { model, document, trans } = props;
  const maxParallel = document.settings?.max_parallel;
  return (
    <form
      className="jp-runnable-pipeline-form"
      onSubmit={event => event.preventDefault()}
    >
      <h3>{trans.__('Pipeline')}</h3>
      <TextField
        name="pipeline_name"
        label={trans.__('Name')}
        value={document.name ?? ''}
        commit={text => model.apply(d => withText(d, 'name', text))}
      />
      <TextField
        name="pipeline_description"
        label={trans.__('Description')}
        multiline
        value={document.description ?? ''}
        commit={text => model.apply(d => withText(d, 'description', text))}
      />
      <TextField
        name="pipeline_parameters"
        label={trans.__('Parameters of every step (JSON object)')}
        multiline
        placeholder='{"seed": 42}'
        value={parametersText(document.parameters)}
        validate={text => {
          const parsed = parseParameters(text);
          if (parsed.ok) {
            return null;
          }
          return parsed.reason === 'json'
            ? trans.__('Not valid JSON: %1', parsed.detail)
            : trans.__('Parameters must be a JSON object, e.g. {"n": 3}.');
        }}
        commit={text => {
          const parsed = parseParameters(text);
          if (parsed.ok) {
            model.apply(d => {
              const next = { ...d, parameters: parsed.value };
              if (!parsed.value) {
                delete next.parameters;
              }
              return next;
            });
          }
        }}
      />
      <TextField
        name="max_parallel"
        label={trans.__('Steps at once (max_parallel)')}
        inputType="number"
        placeholder={trans.__('one per CPU')}
        value={typeof maxParallel === 'number' ? String(maxParallel) : ''}
        validate={text =>
          parseMaxParallel(text).ok
            ? null
            : trans.__('Enter a whole number of at least 1, or nothing.')
        }
        commit={text => {
          const parsed = parseMaxParallel(text);
          if (parsed.ok) {
            model.apply(d => withSetting(d, 'max_parallel', parsed.value));
          }
        }}
      />
      <TextField
        name="skip_tags"
        label={trans.__('Cell tags skipped in runs (comma separated)')}
        placeholder={DEFAULT_SKIP_TAGS.join(', ')}
        value={skipTagsText(document)}
        commit={text =>
          model.apply(d => withSetting(d, 'skip_tags', parseSkipTags(text)))
        }
      />
    </form>
  );
}
