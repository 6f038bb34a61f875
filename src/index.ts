import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { catalogPlugins } from './catalog';
import { editorPlugins } from './editor';
import { runPlugins } from './runs';
import { serverCheckPlugin } from './serverCheck';
import { skipCellPlugins } from './skipCells';

const plugins: JupyterFrontEndPlugin<any>[] = [
  serverCheckPlugin,
  ...editorPlugins,
  ...runPlugins,
  ...catalogPlugins,
  ...skipCellPlugins
];

export default plugins;
