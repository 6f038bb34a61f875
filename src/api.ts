/**
 * Typed access to the runnable-jupyter REST API served by the server extension.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

export const API_PREFIX = 'runnable-jupyter/api';

/** The server's error body: `{"error": {"code", "message", "details"}}`. */
export interface IApiErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

/** A failed API call, with the HTTP status and the server's error, when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: IApiErrorBody
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface IVersionReply {
  version: string;
}

/**
 * Call `runnable-jupyter/api/<endPoint>` and return its JSON body.
 * Throws `ApiError` on any non-2xx answer (404 when the server extension is missing).
 */
export async function requestAPI<T>(
  endPoint: string,
  init: RequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  const url = URLExt.join(settings.baseUrl, API_PREFIX, endPoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new ServerConnection.NetworkError(error as TypeError);
  }
  const text = await response.text();
  let data: any = undefined;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!response.ok) {
    const body: IApiErrorBody | undefined = data?.error;
    throw new ApiError(
      response.status,
      body?.message ?? `${response.status} ${response.statusText}`,
      body
    );
  }
  return data as T;
}

/** A typed client of some of the API's routes (the runs', the jobs'), over one server. */
export class ApiClient {
  constructor(
    protected readonly serverSettings: ServerConnection.ISettings = ServerConnection.makeSettings()
  ) {}

  /** `endPoint` called with `method`, `body` sent as JSON when there is one. */
  protected _request<T>(
    endPoint: string,
    method = 'GET',
    body?: unknown
  ): Promise<T> {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
    }
    return requestAPI<T>(endPoint, init, this.serverSettings);
  }
}
