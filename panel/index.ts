export { Panel, type Cell, type FromRowsOptions, type PanelIndex, type WinsorizeOptions } from './panel';
export { percentile, type PercentileDefinition } from './percentile';
export { evaluateTerm, termColumns, withTerms } from './terms';
