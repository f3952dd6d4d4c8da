export {
  Panel,
  type Cell,
  type PanelRow,
  type FromRowsOptions,
  type PanelIndex,
  type WinsorizeOptions,
} from './panel';
export { percentile, type PercentileDefinition } from './percentile';
export { evaluateTerm, mergeCells, termCells, termColumns, withTerms, type TermCell } from './terms';
export { gridGroupings, gridLayout, onGrid, type GridLayout, type GridOptions } from './grid';
export { demeanBy, groupMeans, withinTransform, type Grouping, type WithinEffects } from './within';
export { columnDigests, type ColumnDigests } from './column-digests';
