/**
 * JSON shapes of the catalog routes (`GET catalog`, `GET catalog/preview`), as described in
 * `runnable_jupyter/openapi.yaml`. Types only: the pure logic that uses them is tested with jest.
 */

/** One immutable version of an entry. */
export interface ICatalogVersion {
  sha256: string;
  size: number;
  /** parquet, npy, json, pickle, or file (a plain file). */
  format: string;
  file: string;
  /** The run and step that first produced it (null outside runs). */
  run_id: string | null;
  step: string | null;
  time: string | null;
  current: boolean;
  written_by: string[];
  read_by: string[];
}

export interface ICatalogEntry {
  name: string;
  /** sha256 of the current version, if any. */
  current: string | null;
  /** Oldest first. */
  versions: ICatalogVersion[];
}

export interface ICatalogListReply {
  entries: ICatalogEntry[];
  run: Record<
    string,
    { pinned: string | null; read: string | null; written: string | null }
  > | null;
}

export type CatalogPreviewKind = 'table' | 'image' | 'json' | 'text' | 'none';

/** `GET catalog/preview`: every property is present, null when it does not apply. */
export interface ICatalogPreview {
  name: string;
  sha256: string;
  format: string;
  file: string;
  size: number;
  kind: CatalogPreviewKind;
  /** Why there is no preview ("pickle"...), or what a partial one leaves out. */
  reason: string | null;
  truncated: boolean;
  columns: string[] | null;
  rows: unknown[][] | null;
  rows_total: number | null;
  media_type: string | null;
  /** base64 image. */
  data: string | null;
  text: string | null;
}
