/**
 * Reading a finished refresh's own Temporal history: the span of each activity (scheduled id → started,
 * completed), grouped by pipeline stage, and the busy time of a set of spans (their union, so parallel
 * activities count once). Used by bench:pipeline and bench:run for the per-stage split.
 */
import type { Client } from '@temporalio/client';

export type Span = { name: string; start: number; end: number };

/** Activity types by the stage of the refresh they belong to. */
export const STAGE_ACTIVITIES: Record<string, string[]> = {
  ingest: [
    'beginRefresh',
    'startRun',
    'readInputManifest',
    'planStudy',
    'findStoredFiles',
    'ingestSource',
    'linkRunFiles',
  ],
  assemble: ['assemblePanel'],
  indicators: ['computeIndicators'],
  estimate: ['linkStoredSteps', 'estimateStep', 'estimateSteps'],
  publish: ['publishRun', 'finishRun'],
};

const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;

/** The workflow's start and close times (epoch ms) and its activities' spans. */
export async function workflowSpans(
  client: Client,
  workflowId: string,
): Promise<{ started: number; closed: number; activities: Span[] }> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const started = new Map<string, number>();
  const names = new Map<string, string>();
  const activities: Span[] = [];
  const events = history.events ?? [];
  for (const e of events) {
    const id = String(e.eventId);
    if (e.activityTaskScheduledEventAttributes)
      names.set(id, e.activityTaskScheduledEventAttributes.activityType?.name ?? '?');
    if (e.activityTaskStartedEventAttributes) {
      started.set(String(e.activityTaskStartedEventAttributes.scheduledEventId), ms(e.eventTime));
    }
    if (e.activityTaskCompletedEventAttributes) {
      const sid = String(e.activityTaskCompletedEventAttributes.scheduledEventId);
      activities.push({
        name: names.get(sid) ?? '?',
        start: started.get(sid) ?? ms(e.eventTime),
        end: ms(e.eventTime),
      });
    }
  }
  return {
    started: ms(events[0]?.eventTime),
    closed: ms(events[events.length - 1]?.eventTime),
    activities,
  };
}

/** Union length of the spans (ms). */
export function busy(list: readonly Span[]): number {
  const sorted = [...list].sort((a, b) => a.start - b.start);
  let total = 0;
  let end = -Infinity;
  for (const s of sorted) {
    if (s.start > end) {
      total += s.end - s.start;
      end = s.end;
    } else if (s.end > end) {
      total += s.end - end;
      end = s.end;
    }
  }
  return total;
}

/**
 * Per stage: first start to last end of its activities (ms), how many there were, and when the first
 * started (epoch ms; the gaps between stages are orchestration).
 */
export function stageSpans(
  spans: readonly Span[],
): { stage: string; ms: number; activities: number; start: number }[] {
  return Object.entries(STAGE_ACTIVITIES).map(([stage, names]) => {
    const list = spans.filter((s) => names.includes(s.name));
    const start = list.length ? Math.min(...list.map((s) => s.start)) : 0;
    const span = list.length ? Math.max(...list.map((s) => s.end)) - start : 0;
    return { stage, ms: span, activities: list.length, start };
  });
}
