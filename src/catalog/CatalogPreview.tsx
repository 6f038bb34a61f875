/**
 * The preview of one catalog version: a table's head, an image, JSON or text, or why there is
 * none ("no preview (pickle)"). Nothing here runs what it shows: images are data URLs in
 * <img> (an SVG's scripts never run there), text is text.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { formatSize } from '../catalogFlow';
import { ICatalogPreview } from './dto';

export interface ICatalogPreviewProps {
  preview: ICatalogPreview | null;
  loading: boolean;
  error: string | null;
  trans: TranslationBundle;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function PreviewTable(props: {
  preview: ICatalogPreview;
  trans: TranslationBundle;
}): JSX.Element {
  const { preview, trans } = props;
  const columns = preview.columns ?? [];
  const rows = preview.rows ?? [];
  return (
    <>
      <div className="jp-runnable-catalog-preview-scroll">
        <table className="jp-runnable-catalog-preview-table">
          <thead>
            <tr>
              {columns.map((column, index) => (
                <th key={index}>{column}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, rowIndex) => (
              <tr key={rowIndex}>
                {row.map((value, index) => (
                  <td
                    key={index}
                    className={
                      typeof value === 'number'
                        ? 'jp-mod-number'
                        : value === null
                          ? 'jp-mod-null'
                          : undefined
                    }
                  >
                    {cellText(value)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="jp-runnable-catalog-note">
        {trans.__(
          '%1 of %2 rows, %3 columns',
          rows.length,
          preview.rows_total ?? rows.length,
          columns.length
        )}
        {preview.reason ? ` (${preview.reason})` : ''}
      </p>
    </>
  );
}

function PreviewBody(props: {
  preview: ICatalogPreview;
  trans: TranslationBundle;
}): JSX.Element {
  const { preview, trans } = props;
  switch (preview.kind) {
    case 'table':
      return <PreviewTable preview={preview} trans={trans} />;
    case 'image':
      return (
        <img
          className="jp-runnable-catalog-preview-image"
          src={`data:${preview.media_type ?? 'image/png'};base64,${preview.data ?? ''}`}
          alt={preview.name}
        />
      );
    case 'json':
    case 'text':
      return (
        <>
          <pre className="jp-runnable-catalog-preview-text">{preview.text}</pre>
          {(preview.truncated || preview.reason) && (
            <p className="jp-runnable-catalog-note">
              {preview.truncated
                ? trans.__(
                    'Only the start is shown; the version is %1.',
                    formatSize(preview.size)
                  )
                : ''}
              {preview.reason ? ` ${preview.reason}` : ''}
            </p>
          )}
        </>
      );
    default:
      return (
        <p className="jp-runnable-catalog-preview-none">
          {trans.__('no preview (%1)', preview.reason ?? preview.format)}
        </p>
      );
  }
}

export function CatalogPreview(props: ICatalogPreviewProps): JSX.Element {
  const { preview, loading, error, trans } = props;
  return (
    <section
      className="jp-runnable-catalog-preview"
      data-kind={preview?.kind ?? ''}
      data-sha256={preview?.sha256 ?? ''}
      aria-busy={loading}
    >
      <h3 className="jp-runnable-catalog-section-title">
        {trans.__('Preview')}
        {preview && (
          <span className="jp-runnable-catalog-preview-of">
            {` ${preview.file} · ${formatSize(preview.size)}`}
          </span>
        )}
      </h3>
      {error ? (
        <p className="jp-runnable-catalog-error" role="alert">
          {trans.__('Could not get the preview: %1', error)}
        </p>
      ) : preview ? (
        <PreviewBody preview={preview} trans={trans} />
      ) : (
        <p className="jp-runnable-catalog-note">
          {loading ? trans.__('Loading…') : ''}
        </p>
      )}
    </section>
  );
}
