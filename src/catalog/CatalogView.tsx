/**
 * The catalog view of a pipeline: its entries (current version, producer, number of versions);
 * for the selected entry its versions with their producer and readers, and the preview of the
 * selected version. Rows carry `data-name` / `data-sha256` (tests rely on them).
 */
import { ReactWidget, UseSignal } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { formatSize, shortSha } from '../catalogFlow';
import { formatStart } from '../runs/format';
import { CatalogPreview } from './CatalogPreview';
import { ICatalogEntry, ICatalogVersion } from './dto';
import { CatalogModel, defaultVersion } from './model';

interface IViewProps {
  model: CatalogModel;
  trans: TranslationBundle;
}

/** "3fa9c1d2e4 · 12.3 KB · parquet" */
function versionSummary(version: ICatalogVersion | null): string {
  return version
    ? `${shortSha(version.sha256)} · ${formatSize(version.size)} · ${version.format}`
    : '';
}

function producer(
  version: ICatalogVersion | null,
  trans: TranslationBundle
): string {
  if (!version) {
    return '';
  }
  if (!version.run_id) {
    return trans.__('outside a run');
  }
  return version.step
    ? trans.__('%1, step %2', version.run_id, version.step)
    : version.run_id;
}

/** A row picked by click, Enter or Space (`data-*` attributes name what it shows). */
function SelectableRow(props: {
  selected: boolean;
  onSelect: () => void;
  data: Record<`data-${string}`, string>;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <tr
      className={`jp-runnable-catalog-row${props.selected ? ' jp-mod-selected' : ''}`}
      {...props.data}
      aria-selected={props.selected}
      tabIndex={0}
      onClick={props.onSelect}
      onKeyDown={event => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          props.onSelect();
        }
      }}
    >
      {props.children}
    </tr>
  );
}

function EntryRow(props: {
  entry: ICatalogEntry;
  selected: boolean;
  onSelect: () => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { entry, trans } = props;
  const current =
    entry.versions.find(version => version.sha256 === entry.current) ?? null;
  return (
    <SelectableRow
      selected={props.selected}
      onSelect={props.onSelect}
      data={{ 'data-name': entry.name }}
    >
      <td className="jp-runnable-catalog-name">{entry.name}</td>
      <td className="jp-runnable-catalog-mono">
        {current ? versionSummary(current) : trans.__('none (not promoted)')}
      </td>
      <td>{producer(current ?? defaultVersion(entry), trans)}</td>
      <td className="jp-mod-number">{entry.versions.length}</td>
    </SelectableRow>
  );
}

function VersionRow(props: {
  version: ICatalogVersion;
  selected: boolean;
  onSelect: () => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { version, trans } = props;
  const readers = version.read_by;
  return (
    <SelectableRow
      selected={props.selected}
      onSelect={props.onSelect}
      data={{ 'data-sha256': version.sha256 }}
    >
      <td className="jp-runnable-catalog-mono" title={version.sha256}>
        {shortSha(version.sha256)}
        {version.current && (
          <span className="jp-runnable-catalog-current">
            {trans.__('current')}
          </span>
        )}
      </td>
      <td className="jp-mod-number">{formatSize(version.size)}</td>
      <td>{version.format}</td>
      <td>{producer(version, trans)}</td>
      <td className="jp-runnable-catalog-time">{formatStart(version.time)}</td>
      <td title={readers.join('\n')}>
        {readers.length === 0
          ? trans.__('no run yet')
          : trans._n('%1 run', '%1 runs', readers.length)}
      </td>
    </SelectableRow>
  );
}

function CatalogBody(props: IViewProps): JSX.Element {
  const { model, trans } = props;
  const entries = model.entries;
  const selected = model.selectedEntry;
  const version = model.selectedVersion;
  return (
    <>
      <header className="jp-runnable-catalog-header">
        <h2 className="jp-runnable-catalog-title" title={model.pipelinePath}>
          {trans.__('Catalog of %1', PathExt.basename(model.pipelinePath))}
        </h2>
        <span className="jp-runnable-catalog-note">
          {model.loading
            ? trans.__('Loading…')
            : trans._n('%1 entry', '%1 entries', entries.length)}
        </span>
      </header>
      {model.error && (
        <p className="jp-runnable-catalog-error" role="alert">
          {trans.__(
            'Could not get the catalog from the server: %1',
            model.error
          )}
        </p>
      )}
      {model.loaded && entries.length === 0 && !model.error ? (
        <p className="jp-runnable-catalog-note">
          {trans.__(
            'The catalog is empty: steps fill it with catalog.put(name, value) or the catalog globs of a step.'
          )}
        </p>
      ) : (
        <table className="jp-runnable-catalog-table jp-runnable-catalog-entries">
          <thead>
            <tr>
              <th>{trans.__('Entry')}</th>
              <th>{trans.__('Current version')}</th>
              <th>{trans.__('Produced by')}</th>
              <th className="jp-mod-number">{trans.__('Versions')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map(entry => (
              <EntryRow
                key={entry.name}
                entry={entry}
                selected={entry.name === selected?.name}
                onSelect={() => void model.select(entry.name)}
                trans={trans}
              />
            ))}
          </tbody>
        </table>
      )}
      {selected && (
        <div className="jp-runnable-catalog-details" data-name={selected.name}>
          <h3 className="jp-runnable-catalog-section-title">
            {trans.__('Versions of %1', selected.name)}
          </h3>
          <table className="jp-runnable-catalog-table jp-runnable-catalog-versions">
            <thead>
              <tr>
                <th>{trans.__('Version')}</th>
                <th className="jp-mod-number">{trans.__('Size')}</th>
                <th>{trans.__('Format')}</th>
                <th>{trans.__('Produced by')}</th>
                <th>{trans.__('Time')}</th>
                <th>{trans.__('Read by')}</th>
              </tr>
            </thead>
            <tbody>
              {[...selected.versions].reverse().map(item => (
                <VersionRow
                  key={item.sha256}
                  version={item}
                  selected={item.sha256 === version?.sha256}
                  onSelect={() => void model.selectVersion(item.sha256)}
                  trans={trans}
                />
              ))}
            </tbody>
          </table>
          <CatalogPreview
            preview={model.preview}
            loading={model.previewLoading}
            error={model.previewError}
            trans={trans}
          />
        </div>
      )}
    </>
  );
}

/** The view's widget (inside a MainAreaWidget); re-renders on every change of its model. */
export class CatalogView extends ReactWidget {
  constructor(
    readonly model: CatalogModel,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-runnable-catalog');
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed}>
        {() => <CatalogBody model={this.model} trans={this._trans} />}
      </UseSignal>
    );
  }

  dispose(): void {
    this.model.dispose();
    super.dispose();
  }
}
