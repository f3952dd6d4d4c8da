export { refreshWorkflow } from './refresh';
export { estimateStageWorkflow } from './estimate-stage';
export { scheduledRefreshWorkflow } from './scheduled-refresh';
