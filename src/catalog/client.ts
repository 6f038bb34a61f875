/**
 * Typed REST client of the catalog routes (`/runnable-jupyter/api/catalog...`).
 */
import { ServerConnection } from '@jupyterlab/services';

import { requestAPI } from '../api';
import { ICatalogListReply, ICatalogPreview } from './dto';

export class CatalogClient {
  constructor(
    private readonly serverSettings: ServerConnection.ISettings = ServerConnection.makeSettings()
  ) {}

  /** The pipeline's entries with their versions. */
  list(pipeline: string): Promise<ICatalogListReply> {
    return requestAPI<ICatalogListReply>(
      `catalog?${new URLSearchParams({ pipeline })}`,
      {},
      this.serverSettings
    );
  }

  /** A preview of a version of `name` (the current one without `sha256`). */
  preview(
    pipeline: string,
    name: string,
    sha256?: string | null
  ): Promise<ICatalogPreview> {
    const query = new URLSearchParams({ pipeline, name });
    if (sha256) {
      query.set('sha256', sha256);
    }
    return requestAPI<ICatalogPreview>(
      `catalog/preview?${query}`,
      {},
      this.serverSettings
    );
  }
}
