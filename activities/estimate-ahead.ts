/**
 * The estimate stage's computes, queued for the estimators' threads as its lookup ends
 * (activities/estimate.ts linkStoredSteps), ahead of the batches that store them.
 *
 * Why: a batch reaches the threads one step at a time, begun one step ahead of the step it is storing,
 * and a lane's next batch only after the server has scheduled it, so the threads waited between steps
 * (about a quarter of the sample study's estimate stage). Queued here, the threads always have the
 * next step: `depth` computes are handed to the pool at a time (as many as it posts to its threads,
 * so a thread finds its next task posted when it finishes one, even while the main thread is busy for
 * a while), the rest wait here in the stage's order.
 *
 * The order the batches need them in is not the stage's (lanes take batches side by side), so a step a
 * batch asks for (`take`) is handed to the pool at once if it is still waiting here. A step no batch
 * takes (its batch runs in another process, or the run failed) is computed and dropped; a step asked
 * for that is not here (a retry, another process's lookup, an older refresh) is the caller's to
 * compute, as before. Either way the same task, so the same result.
 */
export class AheadQueue<R> {
  private readonly waiting: { key: string; start: () => Promise<R> }[] = [];
  private readonly started = new Map<string, Promise<R>>();
  private inPool = 0;

  constructor(private readonly depth: number) {}

  /** Queues a compute under `key`; it starts once fewer than `depth` of this queue's are in the pool. */
  add(key: string, start: () => Promise<R>): void {
    if (this.started.has(key) || this.waiting.some((w) => w.key === key)) return;
    this.waiting.push({ key, start });
    this.pump();
  }

  /** The compute queued under `key` (started now if it was still waiting), once; else undefined. */
  take(key: string): Promise<R> | undefined {
    const started = this.started.get(key);
    if (started) {
      this.started.delete(key);
      return started;
    }
    const at = this.waiting.findIndex((w) => w.key === key);
    if (at < 0) return undefined;
    const [w] = this.waiting.splice(at, 1);
    return this.launch(w.start);
  }

  /** How many computes wait to be handed to the pool. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  private pump(): void {
    while (this.inPool < this.depth && this.waiting.length) {
      const w = this.waiting.shift()!;
      this.started.set(w.key, this.launch(w.start));
    }
  }

  private launch(start: () => Promise<R>): Promise<R> {
    this.inPool++;
    const computed = start();
    const done = () => {
      this.inPool--;
      this.pump();
    };
    computed.then(done, done);
    return computed;
  }
}
