/**
 * Indicators: the assembled raw variables → the study's variables per province and year with lineage.
 * The variables are declared in catalogue.ts and evaluated by evaluate.ts; formulas.ts holds the
 * formulas, definition.ts the study's choices, factors.ts the constant tables.
 */
export { CATALOGUE, STUDY_VARIABLES, type IndicatorDeclaration } from './catalogue';
export * from './cells';
export * from './coverage';
export * from './definition';
export { computeIndicators } from './evaluate';
export * from './explain';
export { loadFactors, type FactorTables } from './factors';
export * as formulas from './formulas';
