/**
 * The pipeline file icon: three notebooks joined by arrows.
 */
import { LabIcon } from '@jupyterlab/ui-components';

const PIPELINE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <rect x="1" y="9" width="6" height="6" rx="1.2"/>
    <rect x="17" y="2.5" width="6" height="6" rx="1.2"/>
    <rect x="17" y="15.5" width="6" height="6" rx="1.2"/>
  </g>
  <g fill="none" stroke-width="1.6">
    <path class="jp-icon-brand0" stroke="#0d47a1" d="M7 12 C11 12 12 5.5 17 5.5"/>
    <path class="jp-icon-brand0" stroke="#0d47a1" d="M7 12 C11 12 12 18.5 17 18.5"/>
  </g>
</svg>`;

export const pipelineIcon = new LabIcon({
  name: 'runnable-jupyter:pipeline',
  svgstr: PIPELINE_SVG
});
