/** Two queues so I/O and estimation scale separately (e.g. more compute workers for a big study). */
export const IO_QUEUE = 'aicarbon-io';
export const COMPUTE_QUEUE = 'aicarbon-compute';
