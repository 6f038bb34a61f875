import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { ApiError, IVersionReply, requestAPI } from './api';
import { compareWithServer, FRONTEND_VERSION, ServerCheck } from './version';

/** Ask the server extension for its version and tell the user what to do when it is wrong. */
async function checkServer(): Promise<ServerCheck> {
  try {
    const reply = await requestAPI<IVersionReply>('version');
    return compareWithServer(FRONTEND_VERSION, reply.version);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      return { kind: 'missing' };
    }
    return { kind: 'unreachable', reason: String(error) };
  }
}

/** Checks at start-up that the server extension answers with the same version. */
export const serverCheckPlugin: JupyterFrontEndPlugin<void> = {
  id: 'runnable-jupyter:plugin',
  description:
    'runnable-jupyter: checks that the server extension is installed and matches this frontend.',
  autoStart: true,
  optional: [ITranslator],
  activate: async (app: JupyterFrontEnd, translator: ITranslator | null) => {
    const trans = (translator ?? nullTranslator).load('runnable_jupyter');
    const check = await checkServer();
    document.body.dataset.runnableJupyterServer = check.kind;
    switch (check.kind) {
      case 'ok':
        console.info(
          `runnable-jupyter ${check.version}: server extension connected`
        );
        break;
      case 'missing':
        Notification.error(
          trans.__(
            'runnable-jupyter: the server extension is not running, so pipelines cannot be validated or run. Install the Python package runnable-jupyter in the environment that runs Jupyter Server (pip install runnable-jupyter), check `jupyter server extension list`, then restart JupyterLab.'
          ),
          { autoClose: false }
        );
        break;
      case 'mismatch':
        Notification.warning(
          trans.__(
            'runnable-jupyter: the lab extension (%1) and the server extension (%2) differ in version. Reinstall runnable-jupyter with pip so both match, then restart JupyterLab and reload this page.',
            check.frontend,
            check.server
          ),
          { autoClose: false }
        );
        break;
      case 'unreachable':
        Notification.warning(
          trans.__(
            'runnable-jupyter: could not reach its server extension (%1). Pipelines cannot run until it answers; check the server log.',
            check.reason
          ),
          { autoClose: 10000 }
        );
        break;
    }
  }
};
