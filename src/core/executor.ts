// The executor: runs a graph of tasks with bounded concurrency, each as soon as everything it
// depends on is done. On a failure it starts nothing new and lets the running tasks finish; an
// aborted signal does the same and also reaches the running tasks. Pure orchestration: what a task
// does is injected.

export interface Task {
  id: string;
  dependsOn: readonly string[];
  run(signal: AbortSignal): Promise<void>;
}

export interface TaskFailure {
  id: string;
  error: unknown;
}

export interface ExecutionOutcome {
  done: string[];
  failed: TaskFailure[];
  /** Tasks never started: after a failure or cancellation, or waiting for one that failed. */
  notStarted: string[];
  cancelled: boolean;
}

export interface ExecuteOptions {
  /** Tasks at once (default 10). */
  parallelism?: number;
  signal?: AbortSignal;
  /** When more tasks are ready than slots are free, higher first (e.g. the longest chain still
   * ahead of the task, so the critical path never waits behind short side branches). */
  priority?(id: string): number;
  onStart?(id: string): void;
  onDone?(id: string): void;
  onFail?(id: string, error: unknown): void;
}

export const defaultParallelism = 10;

export async function execute(tasks: readonly Task[], options: ExecuteOptions = {}): Promise<ExecutionOutcome> {
  const limit = Math.max(1, Math.floor(options.parallelism ?? defaultParallelism));
  const ids = new Set(tasks.map((t) => t.id));
  for (const task of tasks)
    for (const dep of task.dependsOn) if (!ids.has(dep)) throw new Error(`task ${task.id} depends on unknown task ${dep}`);
  assertAcyclic(tasks);

  const signal = options.signal ?? new AbortController().signal;
  const waiting = new Map(tasks.map((t) => [t.id, t]));
  const done = new Set<string>();
  const failed: TaskFailure[] = [];
  const running = new Set<Promise<void>>();
  let stopped = false;

  const order = new Map(tasks.map((t, i) => [t.id, i]));
  const rank = new Map(tasks.map((t) => [t.id, options.priority?.(t.id) ?? 0]));
  const ready = () =>
    [...waiting.values()]
      .filter((t) => t.dependsOn.every((d) => done.has(d)))
      .sort((a, b) => rank.get(b.id)! - rank.get(a.id)! || order.get(a.id)! - order.get(b.id)!);

  return new Promise<ExecutionOutcome>((resolve) => {
    const pump = () => {
      if (signal.aborted) stopped = true;
      if (!stopped) {
        for (const task of ready()) {
          if (running.size >= limit) break;
          waiting.delete(task.id);
          options.onStart?.(task.id);
          const promise: Promise<void> = (async () => {
            try {
              await task.run(signal);
              done.add(task.id);
              options.onDone?.(task.id);
            } catch (error) {
              failed.push({ id: task.id, error });
              stopped = true;
              options.onFail?.(task.id, error);
            }
          })().finally(() => {
            running.delete(promise);
            pump();
          });
          running.add(promise);
        }
      }
      if (running.size === 0) {
        resolve({ done: tasks.map((t) => t.id).filter((id) => done.has(id)), failed, notStarted: [...waiting.keys()], cancelled: signal.aborted });
      }
    };
    const onAbort = () => pump();
    signal.addEventListener('abort', onAbort, { once: true });
    pump();
  });
}

/** For each task, the longest chain from it to the end of the graph (itself included, each task
 * costing `cost(id)`): a good priority, since that much work still has to happen after it starts. */
export function remainingChain(tasks: readonly Task[], cost: (id: string) => number = () => 1): Map<string, number> {
  const dependants = new Map<string, string[]>(tasks.map((t) => [t.id, []]));
  for (const t of tasks) for (const d of t.dependsOn) dependants.get(d)?.push(t.id);
  const memo = new Map<string, number>();
  const longest = (id: string): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const value = cost(id) + Math.max(0, ...(dependants.get(id) ?? []).map(longest));
    memo.set(id, value);
    return value;
  };
  for (const t of tasks) longest(t.id);
  return memo;
}

/** The longest chain of tasks (each costing `cost(id)`), for "how fast can this possibly go". */
export function criticalPath(tasks: readonly Task[], cost: (id: string) => number = () => 1): number {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const memo = new Map<string, number>();
  const longest = (id: string): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const task = byId.get(id)!;
    const value = cost(id) + Math.max(0, ...task.dependsOn.map(longest));
    memo.set(id, value);
    return value;
  };
  return Math.max(0, ...tasks.map((t) => longest(t.id)));
}

function assertAcyclic(tasks: readonly Task[]): void {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const state = new Map<string, 1 | 2>();
  const visit = (id: string, path: string[]) => {
    if (state.get(id) === 2) return;
    if (state.get(id) === 1) throw new Error(`tasks depend on each other in a circle: ${[...path, id].join(' → ')}`);
    state.set(id, 1);
    for (const dep of byId.get(id)!.dependsOn) visit(dep, [...path, id]);
    state.set(id, 2);
  };
  for (const t of tasks) visit(t.id, []);
}
