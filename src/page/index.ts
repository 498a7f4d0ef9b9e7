/**
 * The pathway page (issue 9): flowchart of src/pathway plus an EHR-like demo of the hooks. Mount with
 * `app.use(pageRouter({ mode: config.mode, pageEnabled: config.pageEnabled }))` before the 404 handler; and GET
 * /pathway, the description every card's `source.url` points to (`pathwayDocRouter`).
 */
export { pathwayDocRouter, renderPathwayDoc } from './pathway-doc.js';
export { pageRouter, isPageEnabled, pathwayPageHtml, type PageRouterOptions } from './router.js';
export { buildChartModel, guardedNodes, type ChartModel } from './graph-model.js';
export { layoutChart, type ChartLayout } from './graph-layout.js';
export { renderChartSvg } from './graph-svg.js';
