/**
 * The body of `POST runs` from what the user chose. No JupyterLab imports: unit-tested with jest.
 */
import type { IStartRunOptions, RunMode } from '../tokens';
import type { IStartRunRequest } from './dto';

export function startRunRequest(
  pipeline: string,
  steps: ReadonlyArray<string>,
  mode: RunMode,
  parameters: Record<string, unknown> = {},
  options: IStartRunOptions = {}
): IStartRunRequest {
  const request: IStartRunRequest = {
    pipeline,
    steps: [...steps],
    mode,
    parameters
  };
  // Sent only when asked for, so servers without incremental runs still accept the request.
  if (options.skipUnchanged) {
    request.skip_unchanged = true;
  }
  return request;
}
