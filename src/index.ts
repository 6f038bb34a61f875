import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { catalogPlugins } from './catalog';
import { editorPlugins } from './editor';
import { exportPlugins } from './exporting';
import { importPlugins } from './importing';
import { jobPlugins } from './jobs';
import { runPlugins } from './runs';
import { serverCheckPlugin } from './serverCheck';
import { skipCellPlugins } from './skipCells';
import { timelinePlugins } from './timeline';

const plugins: JupyterFrontEndPlugin<any>[] = [
  serverCheckPlugin,
  ...editorPlugins,
  ...importPlugins,
  ...exportPlugins,
  ...runPlugins,
  ...catalogPlugins,
  ...jobPlugins,
  ...timelinePlugins,
  ...skipCellPlugins
];

export default plugins;
