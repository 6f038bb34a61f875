import { LabIcon } from '@jupyterlab/ui-components';

/** The run panel's icon: two connected steps and a play mark (theme-coloured via jp-icon3). */
const runPanelSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <rect x="2" y="3" width="7" height="6" rx="1.5"/>
    <rect x="2" y="15" width="7" height="6" rx="1.5"/>
    <rect x="5" y="9" width="1.5" height="6"/>
    <path d="M12 6.5 L22 12 L12 17.5 Z"/>
  </g>
</svg>`;

export const runPanelIcon = new LabIcon({
  name: 'runnable-jupyter:run-panel',
  svgstr: runPanelSvg
});
