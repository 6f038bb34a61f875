/**
 * The pipeline's own settings, shown when no step is selected: name, description, parameters,
 * `settings.max_parallel` and `settings.skip_tags`. Each field commits one edit to the model.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { PipelineEditorModel } from '../model';
import { IPipelineDocument } from '../pipelineFormat';
import { ParametersField, ParsedField, TextField } from './fields';
import {
  DEFAULT_SKIP_TAGS,
  parseMaxParallel,
  parseSkipTags,
  skipTagsText,
  withSetting,
  withText
} from './pipelineFields';
import { parametersText } from './stepFields';

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
      <ParametersField
        name="pipeline_parameters"
        label={trans.__('Parameters of every step (JSON object)')}
        placeholder='{"seed": 42}'
        value={parametersText(document.parameters)}
        commit={parameters =>
          model.apply(d => {
            const next = { ...d, parameters };
            if (!parameters) {
              delete next.parameters;
            }
            return next;
          })
        }
        trans={trans}
      />
      <ParsedField
        name="max_parallel"
        label={trans.__('Steps at once (max_parallel)')}
        inputType="number"
        placeholder={trans.__('one per CPU')}
        value={typeof maxParallel === 'number' ? String(maxParallel) : ''}
        parse={parseMaxParallel}
        problem={() =>
          trans.__('Enter a whole number of at least 1, or nothing.')
        }
        commit={value =>
          model.apply(d => withSetting(d, 'max_parallel', value))
        }
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
