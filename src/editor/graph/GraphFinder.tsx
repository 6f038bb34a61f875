/**
 * Over the graph's top-left corner: a search box that selects a step by name and centres it,
 * and the filter that shows only failed and running steps with their neighbours.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { Panel, useReactFlow } from '@xyflow/react';
import * as React from 'react';

import { NODE_HEIGHT, NODE_WIDTH } from '../layoutGraph';
import { PipelineEditorModel } from '../model';
import { findStep } from './stepFocus';
import { READABLE_FULL_ZOOM } from './zoomLevels';

export interface IGraphFinderProps {
  model: PipelineEditorModel;
  trans: TranslationBundle;
  filtered: boolean;
  /** How many steps the filter keeps (null when it is off). */
  shownCount: number | null;
  onFilterChange: (filtered: boolean) => void;
  /** Called before the view moves to a found step (so nothing fits it back). */
  onNavigate: () => void;
}

export function GraphFinder(props: IGraphFinderProps): JSX.Element {
  const { model, trans, filtered, shownCount } = props;
  const { setCenter, getZoom } = useReactFlow();
  const [query, setQuery] = React.useState('');
  const [missing, setMissing] = React.useState(false);
  const listId = `jp-runnable-step-ids-${React.useId().replace(/:/g, '')}`;

  const find = (text: string) => {
    const document = model.document;
    const id = document ? findStep(document, text) : null;
    setMissing(id === null && text.trim() !== '');
    const position = id ? model.positions().get(id) : undefined;
    if (!id || !position) {
      return;
    }
    if (filtered) {
      props.onFilterChange(false); // the step may be one the filter hides
    }
    props.onNavigate();
    model.setSelection([id]);
    // Centre once the properties panel the selection opens has narrowed the graph (two frames:
    // React renders it, then xyflow's resize observer reads the new width).
    requestAnimationFrame(() =>
      requestAnimationFrame(
        () =>
          void setCenter(
            position.x + NODE_WIDTH / 2,
            position.y + NODE_HEIGHT / 2,
            { zoom: Math.max(getZoom(), READABLE_FULL_ZOOM), duration: 300 }
          )
      )
    );
  };

  return (
    <Panel position="top-left" className="jp-runnable-graph-finder">
      <input
        type="search"
        className="jp-runnable-graph-search"
        list={listId}
        value={query}
        placeholder={trans.__('Find a step…')}
        aria-label={trans.__('Find a step by name')}
        aria-invalid={missing ? true : undefined}
        onChange={event => {
          setQuery(event.target.value);
          setMissing(false);
        }}
        onKeyDown={event => {
          if (event.key === 'Enter') {
            event.preventDefault();
            find(query);
          }
          // The graph's own keys (Delete, arrows) must not act while typing.
          event.stopPropagation();
        }}
      />
      <datalist id={listId}>
        {(model.document?.steps ?? []).map(step => (
          <option key={step.id} value={step.id} />
        ))}
      </datalist>
      {missing && (
        <span className="jp-runnable-graph-search-missing" role="status">
          {trans.__('No step matches "%1".', query)}
        </span>
      )}
      <label className="jp-runnable-graph-filter">
        <input
          type="checkbox"
          checked={filtered}
          onChange={event => props.onFilterChange(event.target.checked)}
        />
        {trans.__('Only failed and running steps')}
      </label>
      {shownCount !== null && (
        <span className="jp-runnable-graph-filter-count" role="status">
          {shownCount === 0
            ? trans.__('No step is failed or running.')
            : trans._n('%1 step shown', '%1 steps shown', shownCount)}
        </span>
      )}
    </Panel>
  );
}
